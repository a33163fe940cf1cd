//! Frame-time benchmark for `make bench`: the real app with the benchmark capture loaded,
//! driven headless (egui_kittest, no GPU needed), reports the median and 95th-percentile
//! CPU time of a frame (egui layout and tessellation of every view) while the user does
//! typical things: idle, hover, filter, select a time range, sort.
//!
//! Usage: bench_frames CAPTURE

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use whohosts_app::{Launch, WhohostsApp};
use whohosts_core::analysis::AnalysisConfig;
use whohosts_core::ingest::analyse_file;
use whohosts_core::snapshot::Snapshot;

const FRAMES_PER_PHASE: usize = 40;

/// How long after opening a capture the app has its first snapshot to draw (the session
/// the window uses, reading in the background).
fn first_picture(path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    use whohosts_core::session::{Session, UpdateKind};
    let started = Instant::now();
    let session = Session::open_file(path, AnalysisConfig::default(), 1, Box::new(|_| {}));
    while let Ok(update) = session.updates.recv() {
        match update.kind {
            UpdateKind::Progress { snapshot: Some(s), progress } => {
                println!(
                    "first picture after {:.0} ms ({} flows from the first {:.1} MB; target: under 1 s)",
                    started.elapsed().as_secs_f64() * 1e3,
                    s.flows.len(),
                    progress.position as f64 / 1e6
                );
                return Ok(());
            }
            UpdateKind::Finished { .. } | UpdateKind::Failed { .. } => break,
            UpdateKind::Progress { .. } => {}
        }
    }
    println!("first picture after {:.0} ms (at the end of reading)", started.elapsed().as_secs_f64() * 1e3);
    Ok(())
}

/// Moves the pointer somewhere new over the views (frame `i`) and times one frame.
fn hovered_frame(harness: &mut Harness<'_, WhohostsApp>, i: usize) -> Duration {
    let pos = egui::pos2(200.0 + (i as f32 * 23.0) % 900.0, 150.0 + (i as f32 * 17.0) % 300.0);
    harness.hover_at(pos);
    let t = Instant::now();
    harness.step();
    t.elapsed()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: bench_frames CAPTURE")?;
    first_picture(path.as_ref())?;
    let started = Instant::now();
    let providers = std::sync::Arc::new(whohosts::cli::load_providers(&[])?);
    let config = AnalysisConfig { providers, ..AnalysisConfig::default() };
    let analysis = analyse_file(path.as_ref(), config, |_, _| ControlFlow::Continue(()))?;
    let snapshot = Snapshot::of(&analysis);
    println!(
        "loaded {} flows, {} endpoints in {:.1} s",
        snapshot.flows.len(),
        snapshot.endpoints.len(),
        started.elapsed().as_secs_f64()
    );
    let (first, last) = (snapshot.totals.first_ns.unwrap_or(0), snapshot.totals.last_ns.unwrap_or(0));

    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_context_setup(|ctx| ctx.global_style_mut(|s| s.animation_time = 0.0))
        .build_eframe(|cc| WhohostsApp::new(cc, Launch { ephemeral: true, ..Launch::default() }));
    harness.state_mut().show_snapshot("bench.pcap", snapshot.clone());
    // Warm-up: the first frames build the caches (layout, table order) once per snapshot.
    let warm = Instant::now();
    harness.step();
    println!("first frame: {:.1} ms", warm.elapsed().as_secs_f64() * 1e3);
    // The graph's model is built on a worker thread; frames go on meanwhile.
    while harness.state().graph_state().is_building() {
        std::thread::sleep(Duration::from_millis(2));
        harness.step();
    }
    harness.step();
    println!("graph built and drawn after {:.1} ms", warm.elapsed().as_secs_f64() * 1e3);
    for _ in 0..5 {
        harness.step();
    }

    let mut times: Vec<Duration> = Vec::new();
    let phase = |harness: &mut Harness<'_, WhohostsApp>, name: &str, times: &mut Vec<Duration>| {
        let mut own = Vec::new();
        for i in 0..FRAMES_PER_PHASE {
            own.push(hovered_frame(harness, i));
        }
        own.sort();
        println!("{name:<28} median {:>6.2} ms", own[own.len() / 2].as_secs_f64() * 1e3);
        times.extend(own);
    };
    phase(&mut harness, "idle, hovering the views", &mut times);
    harness.state_mut().filter.time_range = Some((first, first + (last - first) / 3));
    harness.step();
    phase(&mut harness, "with a time range", &mut times);
    harness.state_mut().filter.time_range = None;
    harness.step();
    phase(&mut harness, "range cleared", &mut times);

    // As while capturing a busy network: a new snapshot of this size every 8 frames (about
    // every 130 ms at 60 frames/s; a live session sends one every 100-250 ms).
    let mut streaming = Vec::new();
    for i in 0..FRAMES_PER_PHASE * 2 {
        if i % 8 == 0 {
            let fresh = Snapshot {
                flows: Arc::new(snapshot.flows.as_ref().clone()),
                flow_endpoint: Arc::new(snapshot.flow_endpoint.as_ref().clone()),
                endpoints: Arc::new(snapshot.endpoints.as_ref().clone()),
                owners: Arc::new(snapshot.owners.as_ref().clone()),
                ..snapshot.clone()
            };
            if let Some(capture) = harness.state_mut().capture.as_mut() {
                capture.snapshot = Arc::new(fresh);
                capture.version += 1;
            }
        }
        streaming.push(hovered_frame(&mut harness, i));
    }
    streaming.sort();
    println!(
        "a new snapshot every 8 frames   median {:>6.2} ms, slowest {:.2} ms",
        streaming[streaming.len() / 2].as_secs_f64() * 1e3,
        streaming.last().map_or(0.0, |t| t.as_secs_f64() * 1e3)
    );
    times.extend(streaming);

    times.sort();
    let median = times[times.len() / 2].as_secs_f64() * 1e3;
    let p95 = times[times.len() * 95 / 100].as_secs_f64() * 1e3;
    println!("frame CPU time over {} frames: median {median:.2} ms, 95th percentile {p95:.2} ms (target: median under 16 ms)", times.len());
    Ok(())
}

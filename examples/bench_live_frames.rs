//! Frame-time benchmark while capturing (part of `scripts/bench_live.sh`): the real app,
//! headless (egui_kittest), capturing live on loopback as `whohosts --live lo --filter udp`
//! does, while `blast_udp` offers RATE frames/s. Reports the median and 95th-percentile CPU
//! time of a frame while snapshots keep arriving (16,384 flows), and the capture's counters at the end.
//! Needs root (or cap_net_raw); only loopback traffic is sent.
//!
//! Usage: bench_live_frames [RATE] [SECONDS]   (defaults: 500000 4)

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use whohosts_app::{Launch, WhohostsApp};

/// One frame every this long, as a 60 Hz display would ask for.
const FRAME_INTERVAL: Duration = Duration::from_millis(16);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let rate = args.get(1).map_or(Ok(500_000), |a| a.parse::<u64>())?;
    let seconds = args.get(2).map_or(Ok(4.0), |a| a.parse::<f64>())?;
    let generator = std::env::current_exe()?.with_file_name("blast_udp");

    let launch = Launch { ephemeral: true, live: Some(("lo".into(), Some("udp".into()))), ..Launch::default() };
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_context_setup(|ctx| ctx.global_style_mut(|s| s.animation_time = 0.0))
        .build_eframe(|cc| WhohostsApp::new(cc, launch));
    harness.run_steps(5);
    if harness.state().capture.as_ref().and_then(|c| c.live_info()).is_none() {
        return Err("the live capture did not start (root or cap_net_raw needed)".into());
    }

    let blast = Command::new(&generator)
        .args([rate.to_string(), seconds.to_string(), "16384".into()])
        .stdout(Stdio::piped())
        .spawn()?;
    let started = Instant::now();
    let mut times: Vec<Duration> = Vec::new();
    let mut versions_seen = 0u64;
    let mut last_version = 0u64;
    let mut i = 0usize;
    while started.elapsed().as_secs_f64() < seconds {
        let pos = egui::pos2(200.0 + (i as f32 * 23.0) % 900.0, 150.0 + (i as f32 * 17.0) % 300.0);
        harness.hover_at(pos);
        let t = Instant::now();
        harness.step();
        let took = t.elapsed();
        times.push(took);
        let version = harness.state().capture.as_ref().map_or(0, |c| c.version);
        if version != last_version {
            versions_seen += 1;
            last_version = version;
        }
        std::thread::sleep(FRAME_INTERVAL.saturating_sub(took));
        i += 1;
    }
    let sent = blast.wait_with_output()?;
    print!("generator: {}", String::from_utf8_lossy(&sent.stdout));
    harness.run_steps(2);
    let stats = harness.state().capture.as_ref().and_then(|c| c.live_info()).map(|l| l.stats);

    times.sort();
    let median = times[times.len() / 2].as_secs_f64() * 1e3;
    let p95 = times[times.len() * 95 / 100].as_secs_f64() * 1e3;
    println!(
        "frames while capturing: {} frames, {versions_seen} new snapshots drawn; median {median:.2} ms, \
         95th percentile {p95:.2} ms (target: under 16 ms)",
        times.len()
    );
    if let Some(s) = stats {
        println!(
            "capture counters: analysed {}, kernel dropped {}, interface dropped {}",
            s.analysed, s.dropped, s.if_dropped
        );
    }
    Ok(())
}

//! Live capture in the window, driven like a user would (egui_kittest): the interface picker
//! from the Capture menu, then (as root only) a capture on loopback with pause, resume, stop
//! and saving as pcapng. Elsewhere the capture test says SKIPPED on stderr.

use std::io::Write;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

use whohosts_app::loading::LoadState;
use whohosts_app::{Launch, WhohostsApp};
use whohosts_core::capture::{FileSource, FrameSource};

/// The port the test's datagrams go to; the capture filter keeps only them.
const PORT: u16 = 39_977;
const DATAGRAMS: u64 = 20;

fn harness() -> Harness<'static, WhohostsApp> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(|ctx| ctx.global_style_mut(|s| s.animation_time = 0.0))
        .build_eframe(|cc| WhohostsApp::new(cc, Launch { ephemeral: true, ..Launch::default() }))
}

/// Steps the window until `done` holds (the capture runs on its own thread).
fn step_until(harness: &mut Harness<'_, WhohostsApp>, what: &str, done: impl Fn(&WhohostsApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run_steps(2);
}

fn open_picker_from_menu(harness: &mut Harness<'_, WhohostsApp>) {
    harness.get_by_label("Capture").click();
    harness.run_steps(2);
    harness.get_by_label("Live capture…").click();
    // A new window is measured on its first frame and shown on the next.
    harness.run_steps(4);
}

#[test]
fn the_picker_lists_loopback_and_checks_the_filter_as_typed() {
    let mut harness = harness();
    open_picker_from_menu(&mut harness);
    harness.get_by_label("lo").click();
    harness.run_steps(2);
    assert_eq!(harness.state().live.picker.selected.as_deref(), Some("lo"));
    harness.get_by_label("Capture filter (BPF)").focus();
    harness.get_by_label("Capture filter (BPF)").type_text("udp prot 53");
    harness.run_steps(2);
    // libpcap's own message, naming the filter.
    harness.get_by_label_contains("udp prot 53");
    harness.get_by_label_contains("syntax");
    harness.state_mut().live.picker.filter = "udp port 53".into();
    harness.run_steps(2);
    harness.get_by_label("Filter is valid");
}

/// How many frames a saved capture holds.
fn frames_in(path: &std::path::Path) -> u64 {
    let mut source = FileSource::open(path).unwrap();
    let mut frames = 0;
    while source.next_frame().unwrap().is_some() {
        frames += 1;
    }
    frames
}

fn send_udp(n: u64) {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for _ in 0..n {
        socket.send_to(b"whohosts ui test", ("127.0.0.1", PORT)).unwrap();
    }
}

fn analysed(app: &WhohostsApp) -> u64 {
    app.capture.as_ref().and_then(|c| c.live_info()).map_or(0, |i| i.stats.analysed)
}

/// Whether the capture thread has reported from a running capture (so the kernel captures).
fn capturing(app: &WhohostsApp) -> bool {
    app.capture.as_ref().is_some_and(|c| matches!(&c.state, LoadState::Reading { progress } if progress.live.is_some()))
}

fn paused(app: &WhohostsApp) -> bool {
    app.capture.as_ref().and_then(|c| c.live_info()).is_some_and(|i| i.stats.paused)
}

#[test]
fn a_loopback_capture_fills_the_views_pauses_stops_and_saves() {
    if !whohosts_core::capture::can_capture() {
        let _ = writeln!(std::io::stderr(), "SKIPPED: needs root");
        return;
    }
    let mut harness = harness();
    open_picker_from_menu(&mut harness);
    harness.get_by_label("lo").click();
    harness.state_mut().live.picker.filter = format!("udp port {PORT}");
    harness.run_steps(2);
    harness.get_by_label("Start").click();
    harness.run_steps(2);
    // In the live bar and the status bar.
    assert!(harness.get_all_by_label("Capturing on lo").next().is_some());
    // Both drop counters are shown from the start.
    harness.get_by_label("Dropped: 0 by the kernel, 0 by the interface");
    step_until(&mut harness, "the capture to report", capturing);

    send_udp(DATAGRAMS);
    step_until(&mut harness, "the datagrams to be analysed", |app| {
        app.capture.as_ref().is_some_and(|c| c.snapshot.totals.frames == DATAGRAMS)
    });
    harness.get_by_label(&format!("127.0.0.1:{PORT}"));
    harness.get_by_label(&format!("{DATAGRAMS} packets analysed"));

    harness.get_by_label("Pause").click();
    step_until(&mut harness, "pause", paused);
    harness.get_by_label("Paused on lo");
    harness.get_by_label("Resume").click();
    step_until(&mut harness, "resume", |app| !paused(app));

    harness.get_by_label("Stop").click();
    step_until(&mut harness, "the capture to stop", |app| !app.is_reading());
    assert_eq!(analysed(harness.state()), DATAGRAMS);
    harness.get_by_label(&format!("Save the {DATAGRAMS} captured packets as pcapng?"));

    let dest = std::env::temp_dir().join(format!("whohosts-ui-live-{}.pcapng", std::process::id()));
    harness.get_by_label("Save to").focus();
    harness.get_by_label("Save to").type_text(&dest.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Save").click();
    step_until(&mut harness, "the save", |app| app.live.save_message.is_some());
    let message = harness.state().live.save_message.clone().unwrap();
    assert!(message.as_ref().is_ok_and(|m| m.contains(&format!("{DATAGRAMS} packets"))), "{message:?}");

    harness.get_by_label("Discard").click();
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("captured packets as pcapng?").is_none());

    let frames = frames_in(&dest);
    assert_eq!(frames, DATAGRAMS);
    std::fs::remove_file(&dest).unwrap();
}

#[test]
fn a_capture_that_cannot_start_says_why_in_the_banner() {
    let launch = Launch { ephemeral: true, live: Some(("no-such-if9".into(), None)), ..Launch::default() };
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(|ctx| ctx.global_style_mut(|s| s.animation_time = 0.0))
        .build_eframe(move |cc| WhohostsApp::new(cc, launch));
    step_until(&mut harness, "the capture to fail", |app| app.capture.is_some() && !app.is_reading());
    // The core's explanation, not a bare libpcap message (as root: no such interface;
    // without privilege: the setcap command).
    let error = harness.state().capture.as_ref().and_then(|c| c.error.clone()).unwrap();
    assert!(error.contains("no-such-if9"), "{error}");
    assert!(error.contains("whohosts interfaces") || error.contains("setcap"), "{error}");
    harness.get_by_label(&error);
    harness.get_by_label("Could not capture on no-such-if9");
}

/// Runs `ip` with these arguments; whether it worked.
fn ip(args: &[&str]) -> bool {
    std::process::Command::new("ip").args(args).output().is_ok_and(|o| o.status.success())
}

#[test]
fn an_interface_that_disappears_ends_the_capture_and_keeps_the_window() {
    const TAP: &str = "whtapui0";
    if !whohosts_core::capture::can_capture() || !ip(&["tuntap", "add", "dev", TAP, "mode", "tap"]) {
        let _ = writeln!(std::io::stderr(), "SKIPPED: needs root and `ip tuntap`");
        return;
    }
    let _ = ip(&["link", "set", TAP, "up"]);
    let launch = Launch { ephemeral: true, live: Some((TAP.into(), None)), ..Launch::default() };
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(|ctx| ctx.global_style_mut(|s| s.animation_time = 0.0))
        .build_eframe(move |cc| WhohostsApp::new(cc, launch));
    step_until(&mut harness, "the capture to report", capturing);
    let removed = ip(&["tuntap", "del", "dev", TAP, "mode", "tap"]);
    assert!(removed, "could not remove {TAP}");
    step_until(&mut harness, "the capture to end", |app| !app.is_reading());
    let error = harness.state().capture.as_ref().and_then(|c| c.error.clone()).unwrap_or_default();
    assert!(error.contains(TAP) && error.contains("went away"), "{error}");
    harness.get_by_label(&format!("Stopped on {TAP}"));
    harness.get_by_label(&format!("Capture on {TAP} ended"));
}

/// The same controls, clicked like a user, on a capture that replays samples/icloud.pcap
/// through the live seam: runs without privileges (in CI), so pause, resume, stop and save
/// are always tested in the window.
#[test]
fn a_replayed_capture_pauses_resumes_stops_and_saves_without_privileges() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/icloud.pcap");
    let mut harness = harness();
    harness.state_mut().live.opener = test_support::replay::ReplaySource::opener(&sample, 3_000.0);
    open_picker_from_menu(&mut harness);
    harness.get_by_label("lo").click();
    harness.run_steps(2);
    harness.get_by_label("Start").click();
    harness.run_steps(2);
    assert!(harness.get_all_by_label("Capturing on lo").next().is_some());
    step_until(&mut harness, "replayed frames to be analysed", |app| analysed(app) > 300);

    harness.get_by_label("Pause").click();
    step_until(&mut harness, "pause", paused);
    harness.get_by_label("Paused on lo");
    let while_paused = analysed(harness.state());
    let until = Instant::now() + Duration::from_millis(300);
    while Instant::now() < until {
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(analysed(harness.state()), while_paused, "nothing is analysed while paused");
    harness.get_by_label("Resume").click();
    step_until(&mut harness, "resume", |app| !paused(app) && analysed(app) > while_paused);

    harness.get_by_label("Stop").click();
    step_until(&mut harness, "the capture to stop", |app| !app.is_reading());
    let total = analysed(harness.state());
    // The views were filled from the replayed traffic: the Azure endpoint of the iCloud story.
    assert!(harness.get_all_by_label_contains("p12-content.icloud.com").next().is_some());

    let dest = std::env::temp_dir().join(format!("whohosts-ui-replay-{}.pcapng", std::process::id()));
    harness.get_by_label("Save to").focus();
    harness.get_by_label("Save to").type_text(&dest.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Save").click();
    step_until(&mut harness, "the save", |app| app.live.save_message.is_some());
    let message = harness.state().live.save_message.clone().unwrap();
    assert!(message.is_ok(), "{message:?}");
    let frames = frames_in(&dest);
    assert_eq!(frames, total, "the saved file holds every analysed frame");
    std::fs::remove_file(&dest).unwrap();
}

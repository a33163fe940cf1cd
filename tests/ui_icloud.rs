//! The story whohosts exists for, clicked through headless: open samples/icloud.pcap with
//! the shipped range data, see Azure, AWS and Apple in the graph and the legend, inspect the
//! Azure flow and its evidence, and narrow everything to a time range.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

use whohosts_app::{Launch, WhohostsApp};
use whohosts_core::analysis::AnalysisConfig;

fn icloud_harness() -> Harness<'static, WhohostsApp> {
    let providers = Arc::new(whohosts::cli::load_providers(&[]).expect("shipped range data"));
    let config = AnalysisConfig { providers, ..AnalysisConfig::default() };
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_context_setup(|ctx| ctx.global_style_mut(|s| s.animation_time = 0.0))
        .build_eframe(move |cc| WhohostsApp::new(cc, Launch { ephemeral: true, config, ..Launch::default() }));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/icloud.pcap");
    let ctx = harness.ctx.clone();
    harness.state_mut().open(&ctx, &path);
    let deadline = Instant::now() + Duration::from_secs(30);
    while harness.state().is_reading() {
        assert!(Instant::now() < deadline, "reading icloud.pcap did not finish");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run_steps(4);
    harness
}

#[test]
fn icloud_shows_azure_aws_and_apple_with_evidence() {
    let mut harness = icloud_harness();
    for provider in ["Azure", "AWS", "Apple"] {
        // Legends (graph and timeline) are widgets; graph nodes are painted, so ask the view
        // where it drew them.
        assert!(harness.query_all_by_label(provider).count() >= 2, "{provider} missing from the legends");
        assert!(
            harness.state().graph_state().node_screen_rect(provider).is_some(),
            "{provider} missing from the graph"
        );
    }
    harness.get_by_label("9,429 packets");

    // The Azure upload: its row, then the inspector with the provider and the evidence.
    harness.get_by_label("13.88.144.120:443").click();
    harness.run_steps(4);
    harness.get_by_label("13.88.144.120 port 443");
    harness.get_by_label("13.88.144.112/28");
    assert!(harness.query_all_by_label("Azure · STORAGE · westus").count() >= 1);
    harness.get_by_label_contains("cloudip-db, 2026-10-26");
    harness.get_by_label("→ apcs12prod.blob.core.windows.net");
    harness.get_by_label_contains("Conflict: p12-content.icloud.com points at Apple");

    // A time range around the Azure upload narrows the totals.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    let first = harness.state().capture.as_ref().and_then(|c| c.snapshot.totals.first_ns).unwrap();
    harness.state_mut().filter.time_range = Some((first + 7_000_000_000, first + 13_000_000_000));
    harness.run_steps(4);
    assert!(harness.query_by_label("9,429 packets").is_none(), "totals should follow the time range");
    harness.get_by_label("13.88.144.120:443");
    assert!(harness.query_by_label("16.15.101.37:443").is_none(), "the S3 flow lies outside the range");
}

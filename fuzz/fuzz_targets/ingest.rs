//! A whole capture file (pcap or pcapng bytes) through the report path: `analyse_file`,
//! `Report::build` and JSON, which must always parse back.
#![no_main]

use std::ops::ControlFlow;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use whohosts_core::analysis::AnalysisConfig;
use whohosts_core::ingest::analyse_file;
use whohosts_core::providers::ProviderDb;
use whohosts_core::report::{write_text, Report};

/// The shipped ranges, loaded once, so attribution runs on real data.
fn providers() -> Arc<ProviderDb> {
    static DB: OnceLock<Arc<ProviderDb>> = OnceLock::new();
    DB.get_or_init(|| Arc::new(ProviderDb::builtin().unwrap_or_else(|_| ProviderDb::empty()))).clone()
}

fuzz_target!(|data: &[u8]| {
    let path = whohosts_fuzz::scratch_file("capture", data);
    let config = AnalysisConfig { providers: providers(), ..AnalysisConfig::default() };
    let Ok(analysis) = analyse_file(&path, config, |_, _| ControlFlow::Continue(())) else { return };
    let report = Report::build(&path.display().to_string(), &analysis);
    let json = serde_json::to_string(&report).expect("a report always serialises");
    let back: serde_json::Value = serde_json::from_str(&json).expect("report JSON parses back");
    assert!(back.get("capture").is_some());
    let mut text = Vec::new();
    write_text(&report, 20, &mut text).expect("text report writes to memory");
});

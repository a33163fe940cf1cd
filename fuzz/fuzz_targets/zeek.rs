//! Zeek logs (TSV or JSON lines, plain or gzip) through the report path: the bytes are cut
//! in two files, one named like a conn log and one not, so both reader threads run; the
//! analysis, `Report::build` and JSON must always succeed or refuse cleanly. Debug
//! assertions (fuzz builds have them) check every conn line read the fast way against the
//! general way.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use whohosts_core::analysis::AnalysisConfig;
use whohosts_core::ingest::zeek_logs::analyse_zeek_logs;
use whohosts_core::providers::ProviderDb;
use whohosts_core::report::Report;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else { return };
    let (first, second) = rest.split_at(rest.len() * usize::from(cut) / 255);
    let dir = std::env::temp_dir().join(format!("whohosts-fuzz-{}-zeek", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    std::fs::write(dir.join("conn.log"), first).expect("temp dir writable");
    std::fs::write(dir.join("names.log"), second).expect("temp dir writable");
    let config = AnalysisConfig { providers: Arc::new(ProviderDb::empty()), ..AnalysisConfig::default() };
    let Ok(analysis) = analyse_zeek_logs(&[dir], config) else { return };
    let report = Report::build("zeek", &analysis);
    let json = serde_json::to_string(&report).expect("a report always serialises");
    let _: serde_json::Value = serde_json::from_str(&json).expect("report JSON parses back");
});

//! Times the core's whole file path (open, read, decode, flows, names, owners) on one
//! capture, for comparing inputs (pcap against pcapng, a file against a pipe) without the
//! app crate. Prints frames, bytes and seconds.
//!
//! Usage: read_capture FILE|-

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Instant;

use whohosts_core::analysis::AnalysisConfig;
use whohosts_core::ingest::analyse_file;
use whohosts_core::providers::ProviderDb;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: read_capture FILE|-")?;
    let config = AnalysisConfig { providers: Arc::new(ProviderDb::builtin()?), ..AnalysisConfig::default() };
    let started = Instant::now();
    let analysis = analyse_file(path.as_ref(), config, |_, _| ControlFlow::Continue(()))?;
    let t = analysis.totals();
    println!("{path}: {} frames, {} bytes, {:.3} s", t.frames, t.bytes, started.elapsed().as_secs_f64());
    Ok(())
}

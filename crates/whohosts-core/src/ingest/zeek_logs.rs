//! Zeek logs into an [`Analysis`]: conn.log lines become flows as they are read (originator =
//! the side that sent first; nothing per line is kept), dns/ssl/quic/http lines become names
//! joined to addresses by answer address and by connection (uid and responder), each naming
//! its log and uid as evidence. Owners are decided by the analysis exactly as for a capture.
//! Reading is the `zeek` module's job.

use std::ops::ControlFlow;
use std::path::PathBuf;

use crate::analysis::{Analysis, AnalysisConfig};
use crate::ingest::zeek_names::learn_names;
use crate::ingest::zeek_reading::{read_logs_pipelined, Gathered, LISTED_PROBLEMS};
use crate::ingest::{Finish, Progress};
use crate::zeek::LogSet;

/// The warning that says how a log's timeline differs from a capture's.
pub const SPREAD_NOTE: &str = "Zeek logs have no per-packet times: the timeline spreads each connection's bytes evenly over its duration (1 s bins at the finest)";

/// Nothing usable was found in the paths given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{paths}: no conn.log records found{details}")]
pub struct NoConnections {
    pub paths: String,
    /// The file problems met, for the message.
    pub details: String,
}

/// Reads the Zeek logs under `paths` into a finished analysis. Bad lines and skipped files
/// become warnings naming file and line; only logs without a single connection are an error.
pub fn analyse_zeek_logs(paths: &[PathBuf], config: AnalysisConfig) -> Result<Analysis, NoConnections> {
    analyse_zeek_logs_with(paths, config, |_, _| ControlFlow::Continue(())).map(|(analysis, _)| analysis)
}

/// As [`analyse_zeek_logs`], streaming: each conn.log line is counted as it is read (on a
/// second thread, see `zeek_reading`; only the name-bearing lines are kept, to be learned in
/// time order at the end). `on_progress` is called every few thousand lines with the bytes
/// read of all files (compressed bytes for gzip); `Break` stops the reading and the
/// analysis of what was read is returned.
pub fn analyse_zeek_logs_with(
    paths: &[PathBuf],
    config: AnalysisConfig,
    on_progress: impl FnMut(&Progress, &mut Analysis) -> ControlFlow<()>,
) -> Result<(Analysis, Finish), NoConnections> {
    let mut analysis = Analysis::new(config);
    let (gathered, finish) = read_logs_pipelined(LogSet::expand(paths), &mut analysis, on_progress);
    if gathered.conns == 0 && finish == Finish::EndOfInput {
        let details: Vec<String> = gathered.file_problems.iter().map(ToString::to_string).collect();
        return Err(NoConnections {
            paths: paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
            details: if details.is_empty() { String::new() } else { format!(" ({})", details.join("; ")) },
        });
    }
    finish_analysis(&mut analysis, gathered);
    Ok((analysis, finish))
}

/// Learns the names, notes the problems and finishes the analysis.
fn finish_analysis(analysis: &mut Analysis, mut gathered: Gathered) {
    if gathered.out_of_order {
        // Zeek writes a connection when it ends: flows and endpoints are numbered as if
        // the log had been read in order of start, as a capture's would be.
        analysis.order_connections_by_start();
    }
    if analysis.learns_names() {
        match gathered.learned.take() {
            Some(book) => *analysis.names_mut() = book,
            None => learn_names(analysis.names_mut(), &gathered.names),
        }
    }
    analysis.note(SPREAD_NOTE);
    for problem in &gathered.file_problems {
        analysis.note(format!("skipped: {problem}"));
    }
    for problem in &gathered.listed_problems {
        analysis.note(format!("bad line skipped: {problem}"));
    }
    if gathered.problems > LISTED_PROBLEMS {
        analysis.note(format!(
            "{} more bad lines skipped in {} log files (the first {LISTED_PROBLEMS} are listed)",
            gathered.problems - LISTED_PROBLEMS,
            gathered.files
        ));
    }
    analysis.finish();
}

//! Zeek logs into an [`Analysis`]: conn.log lines become flows as they are read (originator =
//! the side that sent first; nothing per line is kept), dns/ssl/quic/http lines become names
//! joined to addresses by answer address and by connection (uid and responder), each naming
//! its log and uid as evidence. Owners are decided by the analysis exactly as for a capture.
//! Reading is the `zeek` module's job.

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::PathBuf;

use crate::analysis::{Analysis, AnalysisConfig};
use crate::ingest::zeek_reading::{read_logs_pipelined, DnsLine, Gathered, NameLogs, LISTED_PROBLEMS};
use crate::ingest::{Finish, Progress};
use crate::names::{LocalProtocol, LogRef, NameSource};
use crate::zeek::{Answer, LogSet};

pub use crate::ingest::zeek_reading::summary;

const DNS_PORT: u16 = 53;
const MDNS_PORT: u16 = 5353;
const LLMNR_PORT: u16 = 5355;

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
    finish_analysis(&mut analysis, &gathered);
    Ok((analysis, finish))
}

/// Learns the names, notes the problems and finishes the analysis.
fn finish_analysis(analysis: &mut Analysis, gathered: &Gathered) {
    if gathered.out_of_order {
        // Zeek writes a connection when it ends: flows and endpoints are numbered as if
        // the log had been read in order of start, as a capture's would be.
        analysis.order_connections_by_start();
    }
    if analysis.learns_names() {
        learn_names(analysis, &gathered.names);
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

/// Which log a name-bearing line came from; with its index there, a line to learn.
#[derive(Clone, Copy)]
enum NameLog {
    Dns,
    Ssl,
    Quic,
    Http,
}

fn learn_names(analysis: &mut Analysis, logs: &NameLogs) {
    // ssl.log also holds the TLS of QUIC connections (same uid in quic.log): a capture
    // learns those names from QUIC, so they count as QUIC here too.
    let quic_uids: HashSet<&str> = logs.quic.iter().map(|q| &*q.uid).collect();
    // Every line by time (ties in the order below), as 16 bytes each: a day of logs has
    // hundreds of thousands, learned when memory is at its peak.
    let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let mut order: Vec<(i64, NameLog, u32)> =
        Vec::with_capacity(logs.dns.len() + logs.ssl.len() + logs.quic.len() + logs.http.len());
    order.extend(logs.dns.iter().enumerate().map(|(i, d)| (d.ts, NameLog::Dns, index(i))));
    order.extend(logs.ssl.iter().enumerate().map(|(i, s)| (s.ts, NameLog::Ssl, index(i))));
    order.extend(logs.quic.iter().enumerate().map(|(i, q)| (q.ts, NameLog::Quic, index(i))));
    order.extend(logs.http.iter().enumerate().map(|(i, h)| (h.ts, NameLog::Http, index(i))));
    order.sort_by_key(|&(ts, _, _)| ts);
    let names = analysis.names_mut();
    for (n, (_, log, i)) in order.into_iter().enumerate() {
        let order = n as u64 + 1;
        let i = i as usize;
        match log {
            NameLog::Dns => {
                if let Some(d) = logs.dns.get(i) {
                    learn_dns(names, d, order);
                }
            }
            NameLog::Ssl => {
                if let Some(s) = logs.ssl.get(i) {
                    let source = if quic_uids.contains(&*s.uid) { NameSource::Quic } else { NameSource::Sni };
                    names.learn_server_name(s.server, &s.name, source, order, log_ref("ssl.log", &s.uid));
                }
            }
            NameLog::Quic => {
                if let Some(q) = logs.quic.get(i) {
                    names.learn_server_name(q.server, &q.name, NameSource::Quic, order, log_ref("quic.log", &q.uid));
                }
            }
            NameLog::Http => {
                if let Some(h) = logs.http.get(i) {
                    names.learn_http_host(h.server, &h.name, order, log_ref("http.log", &h.uid));
                }
            }
        }
    }
}

fn log_ref(log: &'static str, uid: &str) -> LogRef {
    LogRef { log, uid: uid.to_owned() }
}

/// One dns.log line: every address answer with the chain before it (query, then each CNAME
/// target in the order Zeek logged them). mDNS and LLMNR answers are kept apart.
fn learn_dns(names: &mut crate::names::NameBook, d: &DnsLine, order: u64) {
    let local = match d.resp_p {
        DNS_PORT => None,
        MDNS_PORT => Some(LocalProtocol::Mdns),
        LLMNR_PORT => Some(LocalProtocol::Llmnr),
        _ => None,
    };
    let mut chain: Vec<String> = d.query.iter().map(|q| q.to_string()).collect();
    for (i, answer) in d.answers.iter().enumerate() {
        match answer {
            Answer::Name(name) => chain.push(name.clone()),
            Answer::Address(addr) => match local {
                Some(protocol) => {
                    if let Some(owner) = chain.last() {
                        names.learn_local_name(*addr, owner, protocol, order);
                    }
                }
                None if !chain.is_empty() => {
                    let ttl = d.ttls.get(i).copied().unwrap_or(0);
                    names.learn_dns_answer(*addr, &chain, ttl, order, log_ref("dns.log", &d.uid));
                }
                None => {}
            },
            Answer::Other(_) => {}
        }
    }
}

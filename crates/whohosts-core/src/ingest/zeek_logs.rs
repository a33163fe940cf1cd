//! Zeek logs into an [`Analysis`]: conn.log lines become flows as they are read (originator =
//! the side that sent first; nothing per line is kept), dns/ssl/quic/http lines become names
//! joined to addresses by answer address and by connection (uid and responder), each naming
//! its log and uid as evidence. Owners are decided by the analysis exactly as for a capture.
//! Reading is the `zeek` module's job.

use std::collections::HashSet;
use std::net::IpAddr;
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

/// One name-bearing line, to be learned in time order.
enum Sighting<'a> {
    Dns(&'a DnsLine),
    Server { server: IpAddr, name: &'a str, source: NameSource, log: &'static str, uid: &'a str },
    Http { server: IpAddr, host: &'a str, uid: &'a str },
}

fn learn_names(analysis: &mut Analysis, logs: &NameLogs) {
    // ssl.log also holds the TLS of QUIC connections (same uid in quic.log): a capture
    // learns those names from QUIC, so they count as QUIC here too.
    let quic_uids: HashSet<&str> = logs.quic.iter().map(|q| &*q.uid).collect();
    let mut sightings: Vec<(i64, Sighting<'_>)> = Vec::new();
    sightings.extend(logs.dns.iter().map(|d| (d.ts, Sighting::Dns(d))));
    for s in &logs.ssl {
        let source = if quic_uids.contains(&*s.uid) { NameSource::Quic } else { NameSource::Sni };
        let server = Sighting::Server { server: s.server, name: &s.name, source, log: "ssl.log", uid: &s.uid };
        sightings.push((s.ts, server));
    }
    for q in &logs.quic {
        let server = Sighting::Server {
            server: q.server,
            name: &q.name,
            source: NameSource::Quic,
            log: "quic.log",
            uid: &q.uid,
        };
        sightings.push((q.ts, server));
    }
    for h in &logs.http {
        sightings.push((h.ts, Sighting::Http { server: h.server, host: &h.name, uid: &h.uid }));
    }
    sightings.sort_by_key(|(ts, _)| *ts);
    let names = analysis.names_mut();
    for (order, (_, sighting)) in sightings.into_iter().enumerate() {
        let order = order as u64 + 1;
        match sighting {
            Sighting::Dns(d) => learn_dns(names, d, order),
            Sighting::Server { server, name, source, log, uid } => {
                names.learn_server_name(server, name, source, order, LogRef { log, uid: uid.to_owned() });
            }
            Sighting::Http { server, host, uid } => {
                names.learn_http_host(server, host, order, LogRef { log: "http.log", uid: uid.to_owned() });
            }
        }
    }
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
                    names.learn_dns_answer(
                        *addr,
                        &chain,
                        ttl,
                        order,
                        LogRef { log: "dns.log", uid: d.uid.to_string() },
                    );
                }
                None => {}
            },
            Answer::Other(_) => {}
        }
    }
}

//! Zeek logs into an [`Analysis`]: conn.log lines become flows (originator = the side that
//! sent first), dns/ssl/quic/http lines become names joined to addresses by answer address
//! and by connection (uid and responder), each naming its log and uid as evidence. Owners
//! are decided by the analysis exactly as for a capture. Reading is the `zeek` module's job.

use std::collections::HashSet;
use std::net::IpAddr;
use std::path::PathBuf;

use crate::analysis::{Analysis, AnalysisConfig};
use crate::flows::{flags_from_history, ConnectionSummary, DirectionStats};
use crate::names::{LocalProtocol, LogRef, NameSource};
use crate::zeek::{self, Answer, Conn, DnsAnswer, ZeekLogs};

/// Line problems listed one by one in the warnings; the rest are counted.
const LISTED_PROBLEMS: usize = 20;

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
    let logs = zeek::read_logs(paths);
    if logs.conns.is_empty() {
        let details: Vec<String> = logs.file_problems.iter().map(ToString::to_string).collect();
        return Err(NoConnections {
            paths: paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
            details: if details.is_empty() { String::new() } else { format!(" ({})", details.join("; ")) },
        });
    }
    let mut analysis = Analysis::new(config);
    add_logs(&mut analysis, logs);
    analysis.finish();
    Ok(analysis)
}

/// Adds everything read to `analysis` (not finished, so more may follow).
pub fn add_logs(analysis: &mut Analysis, mut logs: ZeekLogs) {
    logs.conns.sort_by_key(|c| c.ts.nanos);
    for conn in &logs.conns {
        analysis.add_connection(&summary(conn));
    }
    if analysis.learns_names() {
        learn_names(analysis, &logs);
    }
    analysis.note(SPREAD_NOTE);
    let files = logs.files.len();
    for problem in &logs.file_problems {
        analysis.note(format!("skipped: {problem}"));
    }
    for problem in logs.problems.iter().take(LISTED_PROBLEMS) {
        analysis.note(format!("bad line skipped: {problem}"));
    }
    if logs.problems.len() > LISTED_PROBLEMS {
        analysis.note(format!(
            "{} more bad lines skipped in {files} log files (the first {LISTED_PROBLEMS} are listed)",
            logs.problems.len() - LISTED_PROBLEMS
        ));
    }
}

/// A conn.log line as a connection: IP bytes per direction (IP headers included, link layer
/// not, as Zeek counts them), flags from the history letters.
pub fn summary(c: &Conn) -> ConnectionSummary {
    let (proto, ports) = match c.proto {
        zeek::Transport::Tcp => (6, true),
        zeek::Transport::Udp => (17, true),
        zeek::Transport::Icmp if c.id.orig_h.is_ipv6() => (58, false),
        zeek::Transport::Icmp => (1, false),
        zeek::Transport::Other(_) => (0, false),
    };
    // A capture gives ICMP and unknown transports no ports; Zeek puts type and code there.
    let port = |p: u16| if ports { p } else { 0 };
    let (orig_flags, resp_flags) =
        if proto == 6 { c.history.as_deref().map_or((0, 0), flags_from_history) } else { (0, 0) };
    let stats = |packets, bytes, tcp_flags| DirectionStats { packets, bytes, captured_bytes: 0, tcp_flags };
    ConnectionSummary {
        proto,
        orig: (c.id.orig_h, port(c.id.orig_p)),
        resp: (c.id.resp_h, port(c.id.resp_p)),
        start_ns: c.ts.nanos,
        duration_ns: c.duration.map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)),
        orig_stats: stats(c.orig_pkts, c.orig_ip_bytes, orig_flags),
        resp_stats: stats(c.resp_pkts, c.resp_ip_bytes, resp_flags),
    }
}

/// One name-bearing line, to be learned in time order.
enum Sighting<'a> {
    Dns(&'a DnsAnswer),
    Server { server: IpAddr, name: &'a str, source: NameSource, log: &'static str, uid: &'a str },
    Http { server: IpAddr, host: &'a str, uid: &'a str },
}

fn learn_names(analysis: &mut Analysis, logs: &ZeekLogs) {
    // ssl.log also holds the TLS of QUIC connections (same uid in quic.log): a capture
    // learns those names from QUIC, so they count as QUIC here too.
    let quic_uids: HashSet<&str> = logs.quic.iter().map(|q| q.uid.as_str()).collect();
    let mut sightings: Vec<(i64, Sighting<'_>)> = Vec::new();
    sightings.extend(logs.dns.iter().map(|d| (d.ts.nanos, Sighting::Dns(d))));
    for s in &logs.ssl {
        let (source, log) = if quic_uids.contains(s.uid.as_str()) {
            (NameSource::Quic, "ssl.log")
        } else {
            (NameSource::Sni, "ssl.log")
        };
        let server = Sighting::Server { server: s.id.resp_h, name: &s.server_name, source, log, uid: &s.uid };
        sightings.push((s.ts.nanos, server));
    }
    for q in &logs.quic {
        let server = Sighting::Server {
            server: q.id.resp_h,
            name: &q.server_name,
            source: NameSource::Quic,
            log: "quic.log",
            uid: &q.uid,
        };
        sightings.push((q.ts.nanos, server));
    }
    for h in &logs.http {
        sightings.push((h.ts.nanos, Sighting::Http { server: h.id.resp_h, host: &h.host, uid: &h.uid }));
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
fn learn_dns(names: &mut crate::names::NameBook, d: &DnsAnswer, order: u64) {
    let local = match d.id.resp_p {
        DNS_PORT => None,
        MDNS_PORT => Some(LocalProtocol::Mdns),
        LLMNR_PORT => Some(LocalProtocol::Llmnr),
        _ => None,
    };
    let mut chain: Vec<String> = d.query.iter().cloned().collect();
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
                    let ttl = d.ttls.get(i).map_or(0, |t| u32::try_from(t.as_secs()).unwrap_or(u32::MAX));
                    names.learn_dns_answer(*addr, &chain, ttl, order, LogRef { log: "dns.log", uid: d.uid.clone() });
                }
                None => {}
            },
            Answer::Other(_) => {}
        }
    }
}

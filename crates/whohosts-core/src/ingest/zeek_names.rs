//! The names of Zeek's dns, ssl, quic and http lines learned into a name book, in time
//! order, each naming its log and uid as evidence.

use std::collections::HashSet;

use crate::ingest::zeek_name_logs::{DnsLine, KeptAnswer, NameLogs};
use crate::names::{LocalProtocol, LogRef, NameBook, NameSource};

const DNS_PORT: u16 = 53;
const MDNS_PORT: u16 = 5353;
const LLMNR_PORT: u16 = 5355;

/// Which log a name-bearing line came from; with its index there, a line to learn.
#[derive(Clone, Copy)]
enum NameLog {
    Dns,
    Ssl,
    Quic,
    Http,
}

pub(crate) fn learn_names(names: &mut NameBook, logs: &NameLogs) {
    // ssl.log also holds the TLS of QUIC connections (same uid in quic.log): a capture
    // learns those names from QUIC, so they count as QUIC here too.
    let quic_uids: HashSet<&str> = logs.quic.iter().map(|q| logs.text(&q.uid)).collect();
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
    for (n, (_, log, i)) in order.into_iter().enumerate() {
        let order = n as u64 + 1;
        let i = i as usize;
        match log {
            NameLog::Dns => {
                if let Some(d) = logs.dns.get(i) {
                    learn_dns(names, logs, d, order);
                }
            }
            NameLog::Ssl => {
                if let Some(s) = logs.ssl.get(i) {
                    let uid = logs.text(&s.uid);
                    let source = if quic_uids.contains(uid) { NameSource::Quic } else { NameSource::Sni };
                    names.learn_server_name(s.server, logs.text(&s.name), source, order, log_ref("ssl.log", uid));
                }
            }
            NameLog::Quic => {
                if let Some(q) = logs.quic.get(i) {
                    let (name, uid) = (logs.text(&q.name), logs.text(&q.uid));
                    names.learn_server_name(q.server, name, NameSource::Quic, order, log_ref("quic.log", uid));
                }
            }
            NameLog::Http => {
                if let Some(h) = logs.http.get(i) {
                    names.learn_http_host(h.server, logs.text(&h.name), order, log_ref("http.log", logs.text(&h.uid)));
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
fn learn_dns(names: &mut NameBook, logs: &NameLogs, d: &DnsLine, order: u64) {
    let local = match d.resp_p {
        DNS_PORT => None,
        MDNS_PORT => Some(LocalProtocol::Mdns),
        LLMNR_PORT => Some(LocalProtocol::Llmnr),
        _ => None,
    };
    let mut chain: Vec<String> = d.query.iter().map(|q| logs.text(q).to_owned()).collect();
    let ttls = logs.ttls(d);
    for (i, answer) in logs.answers(d).iter().enumerate() {
        match answer {
            KeptAnswer::Name(name) => chain.push(logs.text(name).to_owned()),
            KeptAnswer::Address(addr) => match local {
                Some(protocol) => {
                    if let Some(owner) = chain.last() {
                        names.learn_local_name(*addr, owner, protocol, order);
                    }
                }
                None if !chain.is_empty() => {
                    let ttl = ttls.get(i).copied().unwrap_or(0);
                    names.learn_dns_answer(*addr, &chain, ttl, order, log_ref("dns.log", logs.text(&d.uid)));
                }
                None => {}
            },
            KeptAnswer::Other => {}
        }
    }
}

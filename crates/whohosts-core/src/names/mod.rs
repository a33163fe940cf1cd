//! Names learned from the capture itself, never from network look-ups: DNS answers with
//! their CNAME chains, TLS and QUIC SNI, HTTP Host headers, and (kept apart) mDNS/LLMNR
//! answers. Owns all name state of one capture, bounded; reads `decode::Packet` only.
// Parsers of capture input: no index that hostile bytes can push out of range.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

mod crypto_assembly;
mod dns;
mod dns_guard;
mod hostname;
mod http;
mod learned;
mod observe;
mod quic;
mod quic_crypto;
mod stream;
mod tls;

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use ahash::RandomState;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

pub use crypto_assembly::CryptoStreamError;
pub use dns_guard::DnsError;
pub use learned::LogRef;
pub use quic::QuicError;
pub use tls::TlsError;

/// Most endpoints (answered or contacted addresses) with names.
const MAX_ENDPOINTS: usize = 1 << 18;
/// Most distinct names kept per endpoint (CDN addresses serve hundreds).
const MAX_NAMES_PER_ENDPOINT: usize = 32;
/// Most distinct DNS answers kept.
const MAX_DNS_ANSWERS: usize = 1 << 18;
/// Most distinct mDNS/LLMNR answers kept.
const MAX_LOCAL_NAMES: usize = 1 << 14;

/// Where a name was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NameSource {
    Dns,
    Sni,
    Quic,
    Http,
}

impl NameSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dns => "dns",
            Self::Sni => "sni",
            Self::Quic => "quic",
            Self::Http => "http",
        }
    }
}

/// One name for an address, at the first frame it was seen from that source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameSighting {
    pub name: String,
    pub source: NameSource,
    /// 1-based frame number of the first sighting.
    pub frame: u64,
    /// The ClientHello offered Encrypted Client Hello: `name` is the outer public name.
    pub ech_outer: bool,
    /// Set when the name was read from a log (Zeek) rather than a frame: which log and
    /// which connection uid. `frame` is then the sighting's place in time order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<LogRef>,
}

/// Every name learned for one address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EndpointNames {
    /// Distinct (name, source) pairs in the order first seen.
    pub names: Vec<NameSighting>,
    /// query -> CNAME targets -> owner, of the first DNS answer that gave this address.
    pub cname_chain: Vec<String>,
}

impl EndpointNames {
    /// The name a client asked for: the first SNI, QUIC or HTTP name actually used with
    /// this address, else the first DNS query name, else an ECH outer name. Never a CNAME
    /// target (those are only in `cname_chain`).
    pub fn best_name(&self) -> Option<&str> {
        let first =
            |pred: &dyn Fn(&NameSighting) -> bool| self.names.iter().filter(|s| pred(s)).min_by_key(|s| s.frame);
        first(&|s| s.source != NameSource::Dns && !s.ech_outer)
            .or_else(|| first(&|s| s.source == NameSource::Dns))
            .or_else(|| first(&|_| true))
            .map(|s| s.name.as_str())
    }
}

/// One distinct answered A/AAAA record (the same answer repeated only bumps `times`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DnsAnswer {
    pub addr: IpAddr,
    pub query: String,
    /// query -> cname1 -> ... -> owner of the address record (just `[query]` without CNAMEs).
    pub chain: Vec<String>,
    pub ttl: u32,
    /// First frame with this answer.
    pub frame: u64,
    pub times: u32,
}

/// Link-local name protocols, kept apart from endpoint names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LocalProtocol {
    Mdns,
    Llmnr,
}

/// An address announced by mDNS or LLMNR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalName {
    pub addr: IpAddr,
    pub name: String,
    pub protocol: LocalProtocol,
    pub frame: u64,
}

/// Counts of what the name parsers saw, skipped and dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NameStats {
    /// Unicast DNS responses parsed (UDP and TCP).
    pub dns_responses: u64,
    /// DNS messages skipped as malformed (loops, bad pointers, over-long names, truncated).
    pub dns_malformed: u64,
    pub dns_answers_dropped: u64,
    /// DNS-over-TCP streams refused (table full) or abandoned (gap, oversize).
    pub dns_tcp_streams_dropped: u64,
    pub local_responses: u64,
    pub local_names_dropped: u64,
    pub tls_client_hellos: u64,
    pub tls_ech: u64,
    /// ClientHellos that did not parse, or streams that stopped looking like TLS.
    pub tls_failures: u64,
    /// TLS streams refused (table full) or abandoned (gap, oversize).
    pub tls_streams_dropped: u64,
    pub quic_initials: u64,
    pub quic_initials_decrypted: u64,
    /// Initials that client keys could not open (server Initials land here too).
    pub quic_undecryptable: u64,
    pub quic_client_hellos: u64,
    /// CRYPTO streams given up on (oversize, fragmented, not a ClientHello).
    pub quic_failures: u64,
    pub quic_connections_dropped: u64,
    pub http_requests: u64,
    /// Requests whose Host was an IP literal (not taken as a name).
    pub http_ip_hosts: u64,
    pub names_dropped: u64,
    pub endpoints_dropped: u64,
}

/// All name state of one capture, bounded.
#[derive(Debug)]
pub struct NameBook {
    endpoints: HashMap<IpAddr, EndpointNames, RandomState>,
    dns_answers: Vec<DnsAnswer>,
    /// (addr, chain) -> index into `dns_answers`.
    answer_index: HashMap<(IpAddr, Vec<String>), usize, RandomState>,
    local_names: Vec<LocalName>,
    local_index: HashSet<(IpAddr, String), RandomState>,
    tls_streams: stream::FlowTable<stream::PrefixBuffer>,
    dns_streams: stream::FlowTable<stream::PrefixBuffer>,
    http_streams: stream::FlowTable<stream::PrefixBuffer>,
    quic: quic::QuicTracker,
    stats: NameStats,
}

impl Default for NameBook {
    fn default() -> Self {
        Self::new()
    }
}

impl NameBook {
    pub fn new() -> Self {
        Self {
            endpoints: HashMap::default(),
            dns_answers: Vec::new(),
            answer_index: HashMap::default(),
            local_names: Vec::new(),
            local_index: HashSet::default(),
            tls_streams: observe::new_tls_table(),
            dns_streams: observe::new_dns_table(),
            http_streams: observe::new_http_table(),
            quic: quic::QuicTracker::default(),
            stats: NameStats::default(),
        }
    }

    pub fn endpoint(&self, ip: IpAddr) -> Option<&EndpointNames> {
        self.endpoints.get(&ip)
    }

    pub fn endpoints(&self) -> impl Iterator<Item = (&IpAddr, &EndpointNames)> {
        self.endpoints.iter()
    }

    /// mDNS and LLMNR answers, in order first seen.
    pub fn local_names(&self) -> &[LocalName] {
        &self.local_names
    }

    /// Distinct answered A/AAAA records, in order first seen.
    pub fn dns_answers(&self) -> &[DnsAnswer] {
        &self.dns_answers
    }

    pub fn stats(&self) -> NameStats {
        self.stats
    }

    fn add_name(&mut self, addr: IpAddr, name: String, source: NameSource, frame: u64, ech: bool) {
        self.add_name_from(addr, name, source, frame, ech, None);
    }

    fn add_name_from(
        &mut self,
        addr: IpAddr,
        name: String,
        source: NameSource,
        frame: u64,
        ech: bool,
        log: Option<LogRef>,
    ) {
        let len = self.endpoints.len();
        let endpoint = match self.endpoints.get_mut(&addr) {
            Some(e) => e,
            None if len >= MAX_ENDPOINTS => {
                self.stats.endpoints_dropped += 1;
                return;
            }
            None => self.endpoints.entry(addr).or_default(),
        };
        if endpoint.names.iter().any(|s| s.source == source && s.name == name) {
            return;
        }
        if endpoint.names.len() >= MAX_NAMES_PER_ENDPOINT {
            self.stats.names_dropped += 1;
            return;
        }
        endpoint.names.push(NameSighting { name, source, frame, ech_outer: ech, log });
    }

    fn add_dns_answer(&mut self, answer: dns::AnsweredAddress, frame: u64) {
        self.add_dns_answer_from(answer, frame, None);
    }

    fn add_dns_answer_from(&mut self, answer: dns::AnsweredAddress, frame: u64, log: Option<LogRef>) {
        let key = (answer.addr, answer.chain);
        if let Some(&i) = self.answer_index.get(&key) {
            if let Some(known) = self.dns_answers.get_mut(i) {
                known.times = known.times.saturating_add(1);
            }
            return;
        }
        let (addr, chain) = key;
        self.add_name_from(addr, answer.query.clone(), NameSource::Dns, frame, false, log);
        if let Some(endpoint) = self.endpoints.get_mut(&addr) {
            if endpoint.cname_chain.is_empty() {
                endpoint.cname_chain = chain.clone();
            }
        }
        if self.dns_answers.len() >= MAX_DNS_ANSWERS {
            self.stats.dns_answers_dropped += 1;
            return;
        }
        self.answer_index.insert((addr, chain.clone()), self.dns_answers.len());
        self.dns_answers.push(DnsAnswer { addr, query: answer.query, chain, ttl: answer.ttl, frame, times: 1 });
    }

    fn add_local_name(&mut self, addr: IpAddr, name: String, protocol: LocalProtocol, frame: u64) {
        let key = (addr, name);
        if self.local_index.contains(&key) {
            return;
        }
        if self.local_names.len() >= MAX_LOCAL_NAMES {
            self.stats.local_names_dropped += 1;
            return;
        }
        self.local_index.insert(key.clone());
        let (addr, name) = key;
        self.local_names.push(LocalName { addr, name, protocol, frame });
    }
}

/// Serialises what was learned (endpoints sorted by address, answers, local names, stats);
/// the transient stream state is left out.
impl Serialize for NameBook {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let endpoints: std::collections::BTreeMap<_, _> = self.endpoints.iter().collect();
        let mut s = serializer.serialize_struct("NameBook", 4)?;
        s.serialize_field("endpoints", &endpoints)?;
        s.serialize_field("dns_answers", &self.dns_answers)?;
        s.serialize_field("local_names", &self.local_names)?;
        s.serialize_field("stats", &self.stats)?;
        s.end()
    }
}

#[cfg(test)]
mod stress_tests;
#[cfg(test)]
mod tests;

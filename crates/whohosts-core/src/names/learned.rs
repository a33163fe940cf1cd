//! Names handed to the [`NameBook`] by a reader of logs (Zeek's dns, ssl, quic and http logs)
//! rather than parsed from packets. The same normalising, bounds and CNAME bookkeeping apply;
//! each sighting carries the log and connection uid it came from instead of a frame.

use std::net::IpAddr;

use serde::Serialize;

use super::dns::AnsweredAddress;
use super::hostname::normalize_name;
use super::http::{classify_host, RequestHost};
use super::{LocalProtocol, NameBook, NameSource};

/// The log line a name was read from: the log's kind (`dns.log`, `ssl.log` ...) and the
/// uid of the connection, as Zeek names it in every log.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct LogRef {
    pub log: &'static str,
    pub uid: String,
}

impl NameBook {
    /// One A/AAAA answer of a logged DNS response: `chain` is query, CNAME targets in order.
    /// `order` ranks sightings in time (it stands where a capture puts the frame number).
    /// Names that do not normalise (empty, spaces, too long) are dropped.
    pub fn learn_dns_answer(&mut self, addr: IpAddr, chain: &[String], ttl: u32, order: u64, log: LogRef) {
        let chain: Option<Vec<String>> = chain.iter().map(|n| normalize_name(n)).collect();
        let Some(chain) = chain.filter(|c| !c.is_empty()) else { return };
        let Some(query) = chain.first().cloned() else { return };
        self.stats.dns_responses += 1;
        self.add_dns_answer_from(AnsweredAddress { addr, query, chain, ttl }, order, Some(log));
    }

    /// A name a client asked `server` for: TLS SNI (`Sni`), QUIC SNI (`Quic`), or DNS.
    pub fn learn_server_name(&mut self, server: IpAddr, name: &str, source: NameSource, order: u64, log: LogRef) {
        if let Some(name) = normalize_name(name) {
            self.add_name_from(server, name, source, order, false, Some(log));
        }
    }

    /// An HTTP Host header (a port is cut off; IP literals are counted, not taken as names).
    pub fn learn_http_host(&mut self, server: IpAddr, host: &str, order: u64, log: LogRef) {
        self.stats.http_requests += 1;
        match classify_host(host.trim()) {
            RequestHost::Name(name) => self.add_name_from(server, name, NameSource::Http, order, false, Some(log)),
            RequestHost::IpLiteral(_) => self.stats.http_ip_hosts += 1,
            RequestHost::Missing | RequestHost::Incomplete => {}
        }
    }

    /// An address announced by mDNS or LLMNR (kept apart from endpoint names).
    pub fn learn_local_name(&mut self, addr: IpAddr, name: &str, protocol: LocalProtocol, order: u64) {
        if let Some(name) = normalize_name(name) {
            self.stats.local_responses += 1;
            self.add_local_name(addr, name, protocol, order);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(uid: &str) -> LogRef {
        LogRef { log: "dns.log", uid: uid.into() }
    }

    #[test]
    fn a_logged_cname_chain_is_kept_in_order_with_its_uid() {
        let mut book = NameBook::new();
        let addr: IpAddr = "13.88.144.120".parse().unwrap();
        let chain = ["Gateway.iCloud.com.".to_string(), "gw.a.net".into(), "blob.core.windows.net".into()];
        book.learn_dns_answer(addr, &chain, 60, 3, log("C1"));
        let names = book.endpoint(addr).unwrap();
        assert_eq!(names.cname_chain, vec!["gateway.icloud.com", "gw.a.net", "blob.core.windows.net"]);
        assert_eq!(names.names[0].name, "gateway.icloud.com");
        assert_eq!(names.names[0].log, Some(log("C1")));
        assert_eq!(book.dns_answers()[0].frame, 3);
    }

    #[test]
    fn http_hosts_lose_their_port_and_ip_literals_are_not_names() {
        let mut book = NameBook::new();
        let addr: IpAddr = "2.16.6.43".parse().unwrap();
        book.learn_http_host(addr, "Example.com:8080", 1, LogRef { log: "http.log", uid: "C2".into() });
        book.learn_http_host(addr, "10.0.0.1", 2, LogRef { log: "http.log", uid: "C3".into() });
        let names = book.endpoint(addr).unwrap();
        assert_eq!(names.names.len(), 1);
        assert_eq!((names.names[0].name.as_str(), names.names[0].source), ("example.com", NameSource::Http));
        assert_eq!(book.stats().http_ip_hosts, 1);
    }
}

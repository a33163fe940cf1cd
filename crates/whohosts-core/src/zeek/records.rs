//! The typed records whohosts takes from Zeek logs, and how each is built from a line's
//! named values. Only the fields whohosts uses are kept; anything else in a line is ignored,
//! so older and newer Zeek versions (extra or missing optional columns) read the same.

use std::borrow::Cow;
use std::net::IpAddr;
use std::time::Duration;

use super::error::LineError;
use super::fields::{self, Field, Row};
use super::time::Timestamp;

/// The logs read. Recognised by `#path` (TSV) or by the fields present (JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogKind {
    Conn,
    Dns,
    Ssl,
    Http,
    Quic,
}

impl LogKind {
    /// From a `#path` value or a JSON `_path`.
    pub fn from_path(path: &str) -> Option<Self> {
        match path {
            "conn" => Some(Self::Conn),
            "dns" => Some(Self::Dns),
            "ssl" => Some(Self::Ssl),
            "http" => Some(Self::Http),
            "quic" => Some(Self::Quic),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Conn => "conn",
            Self::Dns => "dns",
            Self::Ssl => "ssl",
            Self::Http => "http",
            Self::Quic => "quic",
        }
    }
}

/// Zeek's `id` record: originator (the side that sent the first packet Zeek saw) and
/// responder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnId {
    pub orig_h: IpAddr,
    pub orig_p: u16,
    pub resp_h: IpAddr,
    pub resp_p: u16,
}

/// conn.log `proto` (an enum in Zeek: tcp, udp, icmp, unknown_transport).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Transport {
    Tcp,
    Udp,
    Icmp,
    Other(String),
}

impl Transport {
    pub(crate) fn parse(text: &str) -> Self {
        match text {
            "tcp" => Self::Tcp,
            "udp" => Self::Udp,
            "icmp" => Self::Icmp,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// One conn.log line as read, its text borrowed from the line (copied only where Zeek
/// escaped something): what streaming into an analysis needs, with no allocation per line.
/// [`Conn`] is the same line owned.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnLine<'a> {
    pub ts: Timestamp,
    pub uid: Cow<'a, str>,
    pub id: ConnId,
    pub proto: Transport,
    pub service: Option<Cow<'a, str>>,
    pub duration: Option<Duration>,
    pub orig_bytes: Option<u64>,
    pub resp_bytes: Option<u64>,
    pub conn_state: Option<Cow<'a, str>>,
    pub history: Option<Cow<'a, str>>,
    pub orig_pkts: u64,
    pub orig_ip_bytes: u64,
    pub resp_pkts: u64,
    pub resp_ip_bytes: u64,
}

impl From<ConnLine<'_>> for Conn {
    fn from(c: ConnLine<'_>) -> Self {
        let owned = |t: Option<Cow<'_, str>>| t.map(Cow::into_owned);
        Conn {
            ts: c.ts,
            uid: c.uid.into_owned(),
            id: c.id,
            proto: c.proto,
            service: owned(c.service),
            duration: c.duration,
            orig_bytes: c.orig_bytes,
            resp_bytes: c.resp_bytes,
            conn_state: owned(c.conn_state),
            history: owned(c.history),
            orig_pkts: c.orig_pkts,
            orig_ip_bytes: c.orig_ip_bytes,
            resp_pkts: c.resp_pkts,
            resp_ip_bytes: c.resp_ip_bytes,
        }
    }
}

/// One conn.log line: a connection (TCP), or a UDP/ICMP flow until it was idle too long.
#[derive(Debug, Clone, PartialEq)]
pub struct Conn {
    pub ts: Timestamp,
    pub uid: String,
    pub id: ConnId,
    pub proto: Transport,
    /// Protocols Zeek recognised, e.g. `ssl`, `quic,ssl`, `dns`.
    pub service: Option<String>,
    /// Unset by Zeek when first and last packet share one timestamp.
    pub duration: Option<Duration>,
    /// Payload bytes (from TCP sequence numbers); unset when duration is.
    pub orig_bytes: Option<u64>,
    pub resp_bytes: Option<u64>,
    /// S0, S1, SF, REJ, RSTO, ... (Zeek's connection states).
    pub conn_state: Option<String>,
    /// Zeek's history letters; upper case for the originator, lower case for the responder.
    pub history: Option<String>,
    pub orig_pkts: u64,
    /// IP-level bytes (IP headers included, link layer excluded) sent by the originator.
    pub orig_ip_bytes: u64,
    pub resp_pkts: u64,
    pub resp_ip_bytes: u64,
}

/// One answer of a dns.log `answers` vector, in the order the response listed them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Answer {
    /// An A or AAAA answer.
    Address(IpAddr),
    /// A name (CNAME or PTR target).
    Name(String),
    /// Anything else Zeek writes there (`TXT 12 text`, ...).
    Other(String),
}

impl Answer {
    fn parse(text: &str) -> Self {
        if let Ok(addr) = text.parse() {
            return Self::Address(addr);
        }
        let hostname = !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'*'));
        if hostname {
            Self::Name(text.trim_end_matches('.').to_ascii_lowercase())
        } else {
            Self::Other(text.to_owned())
        }
    }
}

/// One dns.log line: a query and the answers to it. For an A query answered through
/// CNAMEs, `answers` is the chain in order: every CNAME target, then the addresses.
#[derive(Debug, Clone, PartialEq)]
pub struct DnsAnswer {
    pub ts: Timestamp,
    pub uid: String,
    pub id: ConnId,
    /// Lower case, without a trailing dot. Unset for an answer without a question
    /// (e.g. an mDNS announcement).
    pub query: Option<String>,
    pub qtype_name: Option<String>,
    pub rcode_name: Option<String>,
    pub answers: Vec<Answer>,
    /// One per answer when Zeek logged them (`TTLs`).
    pub ttls: Vec<Duration>,
}

/// A server name a client asked for: ssl.log or quic.log `server_name` (TLS/QUIC SNI).
#[derive(Debug, Clone, PartialEq)]
pub struct ServerName {
    pub ts: Timestamp,
    pub uid: String,
    pub id: ConnId,
    pub server_name: String,
}

/// One http.log request with a Host header.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpHost {
    pub ts: Timestamp,
    pub uid: String,
    pub id: ConnId,
    pub host: String,
    pub method: Option<String>,
    pub uri: Option<String>,
}

/// A line of one of the logs read, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Record<'a> {
    Conn(ConnLine<'a>),
    Dns(DnsAnswer),
    /// ssl.log with a `server_name`.
    Ssl(ServerName),
    Http(HttpHost),
    /// quic.log with a `server_name`.
    Quic(ServerName),
}

/// The record a line of `kind` holds; `None` for an ssl/quic/http line without a name.
pub(crate) fn record(kind: LogKind, row: &dyn Row) -> Result<Option<Record<'_>>, LineError> {
    Ok(match kind {
        LogKind::Conn => Some(Record::Conn(conn(row)?)),
        LogKind::Dns => Some(Record::Dns(dns(row)?)),
        LogKind::Ssl => server_name(row)?.map(Record::Ssl),
        LogKind::Quic => server_name(row)?.map(Record::Quic),
        LogKind::Http => http_host(row)?.map(Record::Http),
    })
}

fn conn_id(row: &dyn Row) -> Result<ConnId, LineError> {
    Ok(ConnId {
        orig_h: fields::addr(row, Field::OrigH)?,
        orig_p: fields::port(row, Field::OrigP)?,
        resp_h: fields::addr(row, Field::RespH)?,
        resp_p: fields::port(row, Field::RespP)?,
    })
}

pub(crate) fn conn(row: &dyn Row) -> Result<ConnLine<'_>, LineError> {
    let missing = |field: Field| LineError::MissingField { field: field.name().to_owned() };
    Ok(ConnLine {
        ts: fields::timestamp(row, Field::Ts)?,
        uid: fields::text_ref(row, Field::Uid)?.ok_or_else(|| missing(Field::Uid))?,
        id: conn_id(row)?,
        proto: Transport::parse(&fields::text_ref(row, Field::Proto)?.ok_or_else(|| missing(Field::Proto))?),
        service: fields::text_ref(row, Field::Service)?,
        duration: fields::interval(row, Field::Duration)?,
        orig_bytes: fields::count(row, Field::OrigBytes)?,
        resp_bytes: fields::count(row, Field::RespBytes)?,
        conn_state: fields::text_ref(row, Field::ConnState)?,
        history: fields::text_ref(row, Field::History)?,
        orig_pkts: fields::required_count(row, Field::OrigPkts)?,
        orig_ip_bytes: fields::required_count(row, Field::OrigIpBytes)?,
        resp_pkts: fields::required_count(row, Field::RespPkts)?,
        resp_ip_bytes: fields::required_count(row, Field::RespIpBytes)?,
    })
}

pub(crate) fn dns(row: &dyn Row) -> Result<DnsAnswer, LineError> {
    Ok(DnsAnswer {
        ts: fields::timestamp(row, Field::Ts)?,
        uid: fields::required_text(row, Field::Uid)?,
        id: conn_id(row)?,
        query: fields::text_ref(row, Field::Query)?.map(|q| q.trim_end_matches('.').to_ascii_lowercase()),
        qtype_name: fields::text(row, Field::QtypeName)?,
        rcode_name: fields::text(row, Field::RcodeName)?,
        answers: fields::strings(row, Field::Answers, Answer::parse)?,
        ttls: fields::intervals(row, Field::Ttls)?,
    })
}

/// None when the line has no server name (a ClientHello without SNI).
pub(crate) fn server_name(row: &dyn Row) -> Result<Option<ServerName>, LineError> {
    let Some(server_name) = fields::text_ref(row, Field::ServerName)?.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    Ok(Some(ServerName {
        ts: fields::timestamp(row, Field::Ts)?,
        uid: fields::required_text(row, Field::Uid)?,
        id: conn_id(row)?,
        server_name: server_name.trim_end_matches('.').to_ascii_lowercase(),
    }))
}

/// None when the request had no Host header.
pub(crate) fn http_host(row: &dyn Row) -> Result<Option<HttpHost>, LineError> {
    let Some(host) = fields::text(row, Field::Host)?.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    Ok(Some(HttpHost {
        ts: fields::timestamp(row, Field::Ts)?,
        uid: fields::required_text(row, Field::Uid)?,
        id: conn_id(row)?,
        host,
        method: fields::text(row, Field::Method)?,
        uri: fields::text(row, Field::Uri)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_addresses_names_or_other() {
        assert_eq!(Answer::parse("17.253.0.125"), Answer::Address("17.253.0.125".parse().unwrap()));
        assert_eq!(Answer::parse("2403:300:a02:100::1f"), Answer::Address("2403:300:a02:100::1f".parse().unwrap()));
        assert_eq!(Answer::parse("Time.G.aaplimg.com."), Answer::Name("time.g.aaplimg.com".into()));
        assert_eq!(Answer::parse("TXT 3 yes"), Answer::Other("TXT 3 yes".into()));
    }

    #[test]
    fn kinds_round_trip_through_path() {
        for kind in [LogKind::Conn, LogKind::Dns, LogKind::Ssl, LogKind::Http, LogKind::Quic] {
            assert_eq!(LogKind::from_path(kind.name()), Some(kind));
        }
        assert_eq!(LogKind::from_path("weird"), None);
    }
}

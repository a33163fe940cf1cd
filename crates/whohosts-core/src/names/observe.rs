//! The per-packet entry point of [`NameBook`]: routes each packet to the parser that may
//! find a name in it. Ports and first bytes are checked before any allocation, so packets
//! without names cost a few compares and one array read (the stream tables' port filter);
//! about 5 ns a packet in a release build.

use crate::decode::{tcp_flags, Packet, Transport};

use super::stream::{FlowKey, FlowTable, PrefixBuffer};
use super::tls::{self, ClientHelloNames, RecordProgress, MAX_CLIENT_HELLO};
use super::{dns, http, quic, LocalProtocol, NameBook, NameSource};

const DNS_PORT: u16 = 53;
const MDNS_PORT: u16 = 5353;
const LLMNR_PORT: u16 = 5355;

/// A ClientHello's records: the message plus a record header per (small) fragment.
const TLS_STREAM_CAP: usize = MAX_CLIENT_HELLO + 1024;
const MAX_TLS_STREAMS: usize = 4096;
/// One whole DNS message with its length prefix, plus the start of the next.
const DNS_STREAM_CAP: usize = 2 + 65535 + 2048;
const MAX_DNS_STREAMS: usize = 1024;
/// Requests whose head continues in later segments.
const MAX_HTTP_STREAMS: usize = 1024;
/// A stream untouched for this many frames may be swept when its table is full.
const IDLE_FRAMES: u64 = 100_000;

pub(super) fn new_tls_table() -> FlowTable<PrefixBuffer> {
    FlowTable::new(MAX_TLS_STREAMS, IDLE_FRAMES)
}

pub(super) fn new_dns_table() -> FlowTable<PrefixBuffer> {
    FlowTable::new(MAX_DNS_STREAMS, IDLE_FRAMES)
}

pub(super) fn new_http_table() -> FlowTable<PrefixBuffer> {
    FlowTable::new(MAX_HTTP_STREAMS, IDLE_FRAMES)
}

impl NameBook {
    /// Learns whatever names one packet carries. `frame` is 1-based, as in Wireshark.
    pub fn observe(&mut self, frame: u64, packet: &Packet<'_>) {
        match packet.transport {
            Transport::Udp { sport, dport } => self.observe_udp(frame, packet, sport, dport),
            Transport::Tcp { sport, dport, seq, flags } => {
                let key = FlowKey { src: packet.src, sport, dst: packet.dst, dport };
                // A SYN takes one sequence number before any data it carries.
                let data_seq = if flags & tcp_flags::SYN != 0 { seq.wrapping_add(1) } else { seq };
                let closing = flags & (tcp_flags::FIN | tcp_flags::RST) != 0;
                self.observe_tcp(frame, key, data_seq, closing, packet.payload);
            }
            Transport::Other => {}
        }
    }

    fn observe_udp(&mut self, frame: u64, packet: &Packet<'_>, sport: u16, dport: u16) {
        let payload = packet.payload;
        if payload.is_empty() {
            return;
        }
        match (sport, dport) {
            (DNS_PORT, _) => self.dns_message(frame, payload, None),
            (MDNS_PORT, _) | (_, MDNS_PORT) => self.dns_message(frame, payload, Some(LocalProtocol::Mdns)),
            (LLMNR_PORT, _) => self.dns_message(frame, payload, Some(LocalProtocol::Llmnr)),
            _ if quic::looks_like_initial(payload) => {
                let key = FlowKey { src: packet.src, sport, dst: packet.dst, dport };
                if let Some(names) = self.quic.observe(key, frame, payload, &mut self.stats) {
                    self.add_hello_names(packet.dst, names, NameSource::Quic, frame);
                }
            }
            _ => {}
        }
    }

    fn observe_tcp(&mut self, frame: u64, key: FlowKey, seq: u32, closing: bool, payload: &[u8]) {
        if key.sport == DNS_PORT {
            self.dns_tcp_segment(frame, key, seq, closing, payload);
            return;
        }
        if payload.is_empty() {
            if closing && !self.tls_streams.is_empty() {
                self.tls_streams.remove(&key);
            }
            if closing && !self.http_streams.is_empty() {
                self.http_streams.remove(&key);
            }
            return;
        }
        if !self.tls_streams.is_empty() && self.tls_streams.get_mut(&key, frame).is_some() {
            self.tls_segment(frame, key, seq, payload);
        } else if !self.http_streams.is_empty() && self.http_streams.get_mut(&key, frame).is_some() {
            self.http_segment(frame, key, seq, payload);
        } else if tls::starts_client_hello(payload) || tls::may_start_client_hello(payload) {
            self.tls_first_segment(frame, key, seq, payload);
        } else if http::looks_like_request(payload) || http::may_start_request(payload) {
            self.http_request(frame, key, seq, payload);
        }
    }

    fn dns_message(&mut self, frame: u64, msg: &[u8], local: Option<LocalProtocol>) {
        if !dns::is_response(msg) {
            return;
        }
        let answers = match dns::answered_addresses(msg) {
            Ok(answers) => answers,
            Err(_) => {
                self.stats.dns_malformed += 1;
                return;
            }
        };
        match local {
            None => {
                self.stats.dns_responses += 1;
                for answer in answers {
                    self.add_dns_answer(answer, frame);
                }
            }
            Some(protocol) => {
                self.stats.local_responses += 1;
                for answer in answers {
                    if let Some(owner) = answer.chain.last() {
                        self.add_local_name(answer.addr, owner.clone(), protocol, frame);
                    }
                }
            }
        }
    }

    /// DNS over TCP from the server: length-prefixed messages, possibly several per segment
    /// and one across several segments. Complete messages are parsed and dropped at once.
    fn dns_tcp_segment(&mut self, frame: u64, key: FlowKey, seq: u32, closing: bool, data: &[u8]) {
        if data.is_empty() {
            if closing {
                self.dns_streams.remove(&key);
            }
            return;
        }
        if self.dns_streams.get_mut(&key, frame).is_none()
            && !self.dns_streams.insert(key, frame, PrefixBuffer::new(seq, DNS_STREAM_CAP))
        {
            self.stats.dns_tcp_streams_dropped += 1;
            return;
        }
        let mut messages = Vec::new();
        if let Some(buf) = self.dns_streams.get_mut(&key, frame) {
            if buf.push(seq, data).is_err() {
                self.dns_streams.remove(&key);
                self.stats.dns_tcp_streams_dropped += 1;
                return;
            }
            while let Some(&[hi, lo]) = buf.contiguous().get(..2) {
                let total = 2 + usize::from(u16::from_be_bytes([hi, lo]));
                let Some(message) = buf.contiguous().get(2..total) else {
                    break;
                };
                messages.push(message.to_vec());
                buf.consume(total);
            }
        }
        if closing {
            self.dns_streams.remove(&key);
        }
        for message in messages {
            self.dns_message(frame, &message, None);
        }
    }

    /// First segment of a client stream that starts with a ClientHello record. The whole
    /// hello is usually here: then no stream state is kept at all.
    fn tls_first_segment(&mut self, frame: u64, key: FlowKey, seq: u32, payload: &[u8]) {
        match tls::client_hello_from_records(payload) {
            Ok(RecordProgress::Complete(message)) => self.tls_client_hello(frame, key, &message),
            Ok(RecordProgress::NeedMore) => {
                let mut buf = PrefixBuffer::new(seq, TLS_STREAM_CAP);
                if buf.push(seq, payload).is_err() || !self.tls_streams.insert(key, frame, buf) {
                    self.stats.tls_streams_dropped += 1;
                }
            }
            Err(_) => self.stats.tls_failures += 1,
        }
    }

    fn tls_segment(&mut self, frame: u64, key: FlowKey, seq: u32, payload: &[u8]) {
        let Some(buf) = self.tls_streams.get_mut(&key, frame) else {
            return;
        };
        if buf.push(seq, payload).is_err() {
            self.tls_streams.remove(&key);
            self.stats.tls_streams_dropped += 1;
            return;
        }
        match tls::client_hello_from_records(buf.contiguous()) {
            Ok(RecordProgress::NeedMore) => {}
            Ok(RecordProgress::Complete(message)) => {
                self.tls_streams.remove(&key);
                self.tls_client_hello(frame, key, &message);
            }
            Err(_) => {
                self.tls_streams.remove(&key);
                self.stats.tls_failures += 1;
            }
        }
    }

    fn tls_client_hello(&mut self, frame: u64, key: FlowKey, message: &[u8]) {
        match tls::client_hello_names(message) {
            Ok(names) => {
                self.stats.tls_client_hellos += 1;
                if names.ech {
                    self.stats.tls_ech += 1;
                }
                self.add_hello_names(key.dst, names, NameSource::Sni, frame);
            }
            Err(_) => self.stats.tls_failures += 1,
        }
    }

    fn add_hello_names(&mut self, server: std::net::IpAddr, names: ClientHelloNames, source: NameSource, frame: u64) {
        if let Some(sni) = names.sni {
            self.add_name(server, sni, source, frame, names.ech);
        }
    }

    /// The segment that starts a request; a head that goes on in later segments is kept.
    fn http_request(&mut self, frame: u64, key: FlowKey, seq: u32, payload: &[u8]) {
        match http::request_host(payload) {
            Some(http::RequestHost::Incomplete) => {
                let mut buf = PrefixBuffer::new(seq, http::MAX_HEAD);
                // Over the limit or a full table: the request goes unnamed, as before.
                if buf.push(seq, payload).is_ok() {
                    self.http_streams.insert(key, frame, buf);
                }
            }
            Some(host) => self.http_host(frame, key, host),
            None => {}
        }
    }

    fn http_segment(&mut self, frame: u64, key: FlowKey, seq: u32, payload: &[u8]) {
        let Some(buf) = self.http_streams.get_mut(&key, frame) else {
            return;
        };
        // A stream kept for a method cut short must turn out to be a request.
        let request = buf.push(seq, payload).is_ok()
            && (http::looks_like_request(buf.contiguous()) || http::may_start_request(buf.contiguous()));
        if !request {
            self.http_streams.remove(&key);
            return;
        }
        match http::request_host(buf.contiguous()) {
            Some(http::RequestHost::Incomplete) => {}
            Some(host) => {
                self.http_streams.remove(&key);
                self.http_host(frame, key, host);
            }
            None => {
                self.http_streams.remove(&key);
            }
        }
    }

    fn http_host(&mut self, frame: u64, key: FlowKey, host: http::RequestHost) {
        self.stats.http_requests += 1;
        match host {
            http::RequestHost::Name(name) => self.add_name(key.dst, name, NameSource::Http, frame, false),
            http::RequestHost::IpLiteral(_) => self.stats.http_ip_hosts += 1,
            http::RequestHost::Missing | http::RequestHost::Incomplete => {}
        }
    }
}

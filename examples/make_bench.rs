//! Makes the large deterministic capture `make bench` measures: at least 1.5 GB, 2 million
//! packets and 100,000 flows of mixed TCP (TLS with real ClientHellos, HTTP), UDP and DNS
//! (real DNS messages with CNAME chains), in time order, between a LAN and addresses inside
//! the providers' published ranges and elsewhere.
//!
//! Usage: make_bench OUT.pcap [FLOWS] — FLOWS (default 100,000) scales the capture down for
//! machines without the disk or time for the full one (20,000 flows: about a fifth).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::net::Ipv4Addr;
use std::sync::Arc;

use etherparse::PacketBuilder;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simple_dns::rdata::{RData, A, CNAME};
use simple_dns::{Name, Packet, Question, ResourceRecord, CLASS, QCLASS, QTYPE, TYPE};

const FLOWS: u32 = 100_000;
const SPAN_NS: i64 = 600_000_000_000;
const START_NS: i64 = 1_764_000_000_000_000_000;
const MSS: usize = 1448;
const DNS_SERVER: Ipv4Addr = Ipv4Addr::new(10, 1, 0, 1);

/// Prefixes remote addresses are drawn from: (first address, prefix length, name suffix).
/// The provider ones lie in ranges those providers publish.
const REMOTE_PREFIXES: [([u8; 4], u8, &str); 8] = [
    ([17, 253, 0, 0], 16, "aaplimg.com"),
    ([52, 216, 0, 0], 15, "s3.amazonaws.com"),
    ([13, 32, 0, 0], 15, "cloudfront.net"),
    ([20, 60, 0, 0], 16, "blob.core.windows.net"),
    ([104, 16, 0, 0], 13, "cdn.cloudflare.net"),
    ([142, 250, 0, 0], 15, "1e100.net"),
    ([23, 32, 0, 0], 11, "akamaiedge.net"),
    ([151, 101, 0, 0], 16, "fastly.net"),
];

struct Flow {
    kind: Kind,
    client: Ipv4Addr,
    server: Ipv4Addr,
    sport: u16,
    name: String,
    /// Data segments the server sends after the request.
    segments: u32,
    step: u32,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Tls,
    Http,
    Dns,
    Udp,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).ok_or("usage: make_bench OUT.pcap [FLOWS]")?;
    let flow_count: u32 = match std::env::args().nth(2) {
        Some(n) => n.parse().map_err(|_| format!("FLOWS must be a whole number, not {n:?}"))?,
        None => FLOWS,
    };
    let mut rng = StdRng::seed_from_u64(2011);
    let tls = TlsHellos::new()?;
    let capture = pcap::Capture::dead(pcap::Linktype::ETHERNET)?;
    let mut save = capture.savefile(&out)?;

    let remotes: Vec<(Ipv4Addr, String)> = (0..30_000u32)
        .map(|i| {
            let (base, len, suffix) = REMOTE_PREFIXES[(i as usize) % REMOTE_PREFIXES.len()];
            let host = rng.random_range(1..(1u32 << (32 - len)) - 1);
            let addr = Ipv4Addr::from(u32::from_be_bytes(base) | host);
            if i % 5 == 4 {
                // A fifth of the remotes lie elsewhere in public space.
                (Ipv4Addr::new(rng.random_range(60..90), rng.random(), rng.random(), 7), format!("h{i}.example.net"))
            } else {
                (addr, format!("e{i}.{suffix}"))
            }
        })
        .collect();

    let mut flows = Vec::with_capacity(flow_count as usize);
    let mut heap = BinaryHeap::new();
    for id in 0..flow_count {
        let kind = match id % 20 {
            0..=12 => Kind::Tls,
            13..=14 => Kind::Http,
            15..=18 => Kind::Dns,
            _ => Kind::Udp,
        };
        let (server, name) = remotes[rng.random_range(0..remotes.len())].clone();
        let heavy = rng.random_range(0..100) == 0;
        let segments = if heavy { rng.random_range(200..1500) } else { rng.random_range(2..26) };
        flows.push(Flow {
            kind,
            client: Ipv4Addr::new(10, 1, rng.random_range(1..4), rng.random_range(2..250)),
            server: if kind == Kind::Dns { DNS_SERVER } else { server },
            sport: 20_000 + (id % 40_000) as u16,
            name,
            segments,
            step: 0,
        });
        heap.push(Reverse((START_NS + rng.random_range(0..SPAN_NS), id)));
    }

    let mut frame = Vec::with_capacity(2048);
    let (mut packets, mut bytes) = (0u64, 0u64);
    while let Some(Reverse((ts, id))) = heap.pop() {
        let flow = &mut flows[id as usize];
        frame.clear();
        let more = emit(flow, id, &tls, &mut frame)?;
        let header = pcap::PacketHeader {
            ts: libc::timeval { tv_sec: ts / 1_000_000_000, tv_usec: (ts % 1_000_000_000 / 1000) as libc::suseconds_t },
            caplen: frame.len() as u32,
            len: frame.len() as u32,
        };
        save.write(&pcap::Packet::new(&header, &frame));
        packets += 1;
        bytes += frame.len() as u64;
        flow.step += 1;
        if more {
            heap.push(Reverse((ts + rng.random_range(50_000..3_000_000), id)));
        }
    }
    save.flush()?;
    eprintln!("{out}: {packets} packets, {bytes} bytes, {flow_count} flows");
    Ok(())
}

/// Writes the flow's next packet into `frame`; returns whether the flow has more.
fn emit(flow: &Flow, id: u32, tls: &TlsHellos, frame: &mut Vec<u8>) -> Result<bool, Box<dyn std::error::Error>> {
    let mac = |last: u8| [0x02, 0, 0, 0, 0, last];
    let (c, s) = (flow.client.octets(), flow.server.octets());
    let seq_c = id.wrapping_mul(7919);
    let seq_s = id.wrapping_mul(104_729);
    match flow.kind {
        Kind::Dns | Kind::Udp => {
            let query = flow.step % 2 == 0;
            let (src, dst, sport, dport) = if query { (c, s, flow.sport, 53) } else { (s, c, 53, flow.sport) };
            let (dport, sport) = if flow.kind == Kind::Udp { (dport.max(443), sport) } else { (dport, sport) };
            let payload = if flow.kind == Kind::Dns {
                dns_message(id as u16, &flow.name, flow.server_for_name(), query)?
            } else {
                vec![0x40; 120 + (id % 900) as usize]
            };
            PacketBuilder::ethernet2(mac(1), mac(2)).ipv4(src, dst, 64).udp(sport, dport).write(frame, &payload)?;
            Ok(flow.step < if flow.kind == Kind::Dns { 1 } else { 5 })
        }
        Kind::Tls | Kind::Http => {
            let port = if flow.kind == Kind::Tls { 443 } else { 80 };
            let to_server = PacketBuilder::ethernet2(mac(1), mac(2)).ipv4(c, s, 64);
            let to_client = PacketBuilder::ethernet2(mac(2), mac(1)).ipv4(s, c, 58);
            let request: Vec<u8> = if flow.kind == Kind::Tls {
                tls.hello(&flow.name)?
            } else {
                format!("GET /obj/{id} HTTP/1.1\r\nHost: {}\r\nUser-Agent: bench\r\n\r\n", flow.name).into_bytes()
            };
            let data_end = 4 + flow.segments * 3 / 2;
            match flow.step {
                0 => to_server.tcp(flow.sport, port, seq_c, 65535).syn().write(frame, &[])?,
                1 => to_client.tcp(port, flow.sport, seq_s, 65535).syn().ack(seq_c + 1).write(frame, &[])?,
                2 => to_server.tcp(flow.sport, port, seq_c + 1, 65535).ack(seq_s + 1).write(frame, &[])?,
                3 => to_server.tcp(flow.sport, port, seq_c + 1, 65535).ack(seq_s + 1).psh().write(frame, &request)?,
                n if n < data_end => {
                    let k = n - 4;
                    if k % 3 == 2 {
                        to_server.tcp(flow.sport, port, seq_c + 1, 65535).ack(seq_s + 1).write(frame, &[])?
                    } else {
                        let body = [0x17u8; MSS];
                        to_client
                            .tcp(port, flow.sport, seq_s + 1 + k * MSS as u32, 65535)
                            .ack(seq_c + 1)
                            .write(frame, &body)?
                    }
                }
                n if n == data_end => {
                    to_server.tcp(flow.sport, port, seq_c + 1, 65535).fin().ack(seq_s + 1).write(frame, &[])?
                }
                _ => to_client.tcp(port, flow.sport, seq_s + 1, 65535).fin().ack(seq_c + 2).write(frame, &[])?,
            }
            Ok(flow.step <= data_end)
        }
    }
}

impl Flow {
    /// The address a DNS answer for this flow's name points at.
    fn server_for_name(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.client).wrapping_mul(2_654_435_761) | 0x1100_0000)
    }
}

fn dns_message(id: u16, name: &str, addr: Ipv4Addr, query: bool) -> Result<Vec<u8>, simple_dns::SimpleDnsError> {
    let asked = format!("www.{name}");
    let mut p = if query { Packet::new_query(id) } else { Packet::new_reply(id) };
    p.questions.push(Question::new(Name::new_unchecked(&asked), QTYPE::TYPE(TYPE::A), QCLASS::CLASS(CLASS::IN), false));
    if !query {
        p.answers.push(ResourceRecord::new(
            Name::new_unchecked(&asked),
            CLASS::IN,
            300,
            RData::CNAME(CNAME(Name::new_unchecked(name))),
        ));
        p.answers.push(ResourceRecord::new(
            Name::new_unchecked(name),
            CLASS::IN,
            60,
            RData::A(A { address: u32::from(addr) }),
        ));
    }
    p.build_bytes_vec_compressed()
}

/// ClientHellos from rustls, one per server name, made on demand.
struct TlsHellos {
    config: Arc<rustls::ClientConfig>,
}

impl TlsHellos {
    fn new() -> Result<Self, rustls::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        Ok(TlsHellos { config: Arc::new(config) })
    }

    fn hello(&self, name: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let server = rustls::pki_types::ServerName::try_from(name.to_string())?;
        let mut conn = rustls::ClientConnection::new(self.config.clone(), server)?;
        let mut out = Vec::new();
        conn.write_tls(&mut out)?;
        Ok(out)
    }
}

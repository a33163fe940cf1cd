//! Hostile input beyond the captures' own bytes: range files that carry terminal escapes
//! or spreadsheet formulas, a capture whose file name is an escape sequence, names that a
//! spreadsheet would run, records that lie about their wire length, and TCP streams cut
//! to slip past reassembly limits. Shared by `examples/make_hostile.rs` and the
//! `hostile_paths` integration tests (through `#[path]`).

use std::borrow::Cow;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, Endianness};

use super::packets::*;

/// 2026-01-01T00:00:00Z.
const START: Duration = Duration::from_secs(1_767_225_600);
/// Public on both sides, so that only ports can tell client from server.
pub const PUBLIC_CLIENT: Ipv4Addr = Ipv4Addr::new(17, 5, 5, 5);
pub const PUBLIC_RESOLVER: Ipv4Addr = Ipv4Addr::new(8, 8, 8, 8);
/// The SNI sent one byte a segment, backwards.
pub const TINY_SNI: &str = "tiny-segments.example";
/// The Host header that arrives in the third segment.
pub const LATE_HOST: &str = "late-host.example";
/// A name a spreadsheet would run as a formula.
pub const FORMULA_NAME: &str = "=1+2.example";
pub const FORMULA_ADDR: Ipv4Addr = Ipv4Addr::new(45, 33, 32, 66);
/// Frames whose records claim a 4 GB wire length.
pub const LYING_FRAMES: usize = 3;
/// Escape sequences a terminal would obey: title change, screen clear, clipboard write
/// (OSC 52), and the one-byte C1 CSI.
pub const ESCAPES: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}]52;c;ZWNobyBvd25lZA==\u{7}\u{9b}31m";
/// A capture whose own name is a terminal escape.
pub const ESCAPE_NAMED_CAPTURE: &str = "title-\u{1b}]0;owned\u{7}-\u{1b}[2J.pcap";

fn pcap_bytes(frames: &[(Duration, Vec<u8>)]) -> Result<Vec<u8>> {
    let header = PcapHeader { datalink: DataLink::ETHERNET, endianness: Endianness::Little, ..PcapHeader::default() };
    let mut writer = PcapWriter::with_header(Vec::new(), header)?;
    for (ts, data) in frames {
        writer.write_packet(&PcapPacket { timestamp: *ts, orig_len: data.len() as u32, data: Cow::Borrowed(data) })?;
    }
    Ok(writer.into_writer())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("write {}", path.display()))
}

fn at(ms: u64) -> Duration {
    START + Duration::from_millis(ms)
}

/// A ClientHello whose first segment is 1 byte and whose other bytes come one a segment,
/// last first: hundreds of segments wait for the gap.
pub fn tls_tiny_segments(path: &Path) -> Result<()> {
    let hello = client_hello(TINY_SNI);
    let seq = 1000u32;
    let mut frames = vec![(at(0), tcp_frame(LOCAL, 41000, REMOTE, 443, seq, PSH_ACK, &hello[..1]))];
    for i in (1..hello.len()).rev() {
        let t = at(1 + (hello.len() - i) as u64);
        frames.push((t, tcp_frame(LOCAL, 41000, REMOTE, 443, seq + i as u32, PSH_ACK, &hello[i..=i])));
    }
    write(path, &pcap_bytes(&frames)?)
}

/// An HTTP request whose long tracking URL pushes the Host header into the third segment.
pub fn http_host_late(path: &Path) -> Result<()> {
    let request =
        format!("GET /collect?{} HTTP/1.1\r\nAccept: */*\r\nHost: {LATE_HOST}\r\n\r\n", "v=1&tid=UA-1&".repeat(200));
    let bytes = request.as_bytes();
    let (mut seq, mut frames) = (1u32, Vec::new());
    for (i, chunk) in bytes.chunks(1200).enumerate() {
        frames.push((at(i as u64), tcp_frame(LOCAL, 42000, REMOTE, 80, seq, PSH_ACK, chunk)));
        seq += chunk.len() as u32;
    }
    write(path, &pcap_bytes(&frames)?)
}

/// Both sides public and the capture begins with the DNS answer (port 53 to a high port),
/// then the query for the next name.
pub fn dns_answer_first(path: &Path) -> Result<()> {
    let frames = vec![
        (at(0), udp_frame(PUBLIC_RESOLVER, 53, PUBLIC_CLIENT, 53000, &dns_response(1, "first.example", REMOTE))),
        (at(1), udp_frame(PUBLIC_CLIENT, 53000, PUBLIC_RESOLVER, 53, &dns_header(2, 1, 0))),
    ];
    write(path, &pcap_bytes(&frames)?)
}

/// A DNS answer naming an address with a spreadsheet formula, then a flow to it.
pub fn formula_names(path: &Path) -> Result<()> {
    let frames = vec![
        (
            at(0),
            udp_frame(Ipv4Addr::new(192, 168, 1, 1), 53, LOCAL, 40000, &dns_response(3, FORMULA_NAME, FORMULA_ADDR)),
        ),
        (at(1), tcp_frame(LOCAL, 43000, FORMULA_ADDR, 443, 1, PSH_ACK, &[0x42; 100])),
    ];
    write(path, &pcap_bytes(&frames)?)
}

/// Records of 141 captured bytes that claim 4 GB each on the wire.
pub fn wire_len_lies(path: &Path) -> Result<()> {
    let frame = tcp_frame(LOCAL, 44000, REMOTE, 443, 1, PSH_ACK, &[0x42; 87]);
    let mut bytes = pcap_bytes(&[])?;
    for i in 0..LYING_FRAMES {
        bytes.extend_from_slice(&(at(i as u64).as_secs() as u32).to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(&frame);
    }
    write(path, &bytes)
}

/// A plain CIDR list for `REMOTE` whose provider and date are escape sequences.
pub fn ranges_escapes(path: &Path) -> Result<()> {
    let text = format!("# provider: Evil{ESCAPES}Cloud\n# date: 2026{ESCAPES}\n{REMOTE}/24\n{FORMULA_ADDR}/24\n");
    write(path, text.as_bytes())
}

/// An AWS-style file whose service, region and date are escape sequences.
pub fn ranges_aws_escapes(path: &Path) -> Result<()> {
    let e = ESCAPES.replace('\u{1b}', "\\u001b").replace('\u{7}', "\\u0007").replace('\u{9b}', "\\u009b");
    let json = format!(
        r#"{{"syncToken":"1","createDate":"2026-01-01-00-00-00{e}","prefixes":[{{"ip_prefix":"{FORMULA_ADDR}/24","region":"eu{e}","service":"EC2{e}","network_border_group":"x"}}],"ipv6_prefixes":[]}}"#
    );
    write(path, json.as_bytes())
}

/// A plain CIDR list whose provider is a spreadsheet formula.
pub fn ranges_formula(path: &Path) -> Result<()> {
    write(path, format!("# provider: =HYPERLINK(\"http://x.example\",\"AWS\")\n{FORMULA_ADDR}/24\n").as_bytes())
}

/// An ordinary small capture under a name that is an escape sequence.
pub fn escape_named_capture(path: &Path) -> Result<()> {
    formula_names(path)
}

pub type Writer = fn(&Path) -> Result<()>;
pub const FILES: [(&str, Writer); 9] = [
    ("tls-tiny-segments.pcap", tls_tiny_segments),
    ("http-host-late.pcap", http_host_late),
    ("dns-answer-first.pcap", dns_answer_first),
    ("formula-names.pcap", formula_names),
    ("wire-len-lies.pcap", wire_len_lies),
    ("ranges-escapes.txt", ranges_escapes),
    ("ranges-aws-escapes.json", ranges_aws_escapes),
    ("ranges-formula.txt", ranges_formula),
    (ESCAPE_NAMED_CAPTURE, escape_named_capture),
];

/// Writes every file into `dir`.
pub fn write_all(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    FILES
        .iter()
        .map(|(name, writer)| {
            let path = dir.join(name);
            writer(&path).map(|()| path)
        })
        .collect()
}

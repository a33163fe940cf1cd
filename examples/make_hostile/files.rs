//! The hostile capture set: each function writes one file whose name says what is wrong
//! with it. Shared by `examples/make_hostile.rs` and `tests/hostile.rs` (through `#[path]`).

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionBlock;
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::{DataLink, Endianness};

use super::packets::*;

/// 2026-01-01T00:00:00Z.
const START: Duration = Duration::from_secs(1_767_225_600);
/// Frames in the small files whose trouble comes after some good frames.
pub const GOOD_FRAMES: usize = 10;
/// The SYN flood's size in the full set (about 70 MB).
pub const FULL_FLOOD_FLOWS: u32 = 1_000_000;
pub const MANY_REMOTES: u32 = 100_000;
pub const NEVER_COMPLETE_DATAGRAMS: u16 = 20_000;
/// The SNI of the one well-formed ClientHello among the absurd ones.
pub const GOOD_SNI: &str = "good.example";
/// The name in the one well-formed DNS answer among the broken ones.
pub const GOOD_DNS_NAME: &str = "good.example.net";

fn header(snaplen: u32) -> PcapHeader {
    // Little-endian, so the raw record headers written below read the same way.
    PcapHeader { datalink: DataLink::ETHERNET, snaplen, endianness: Endianness::Little, ..PcapHeader::default() }
}

fn pcap_bytes(snaplen: u32, frames: &[(Duration, Vec<u8>)]) -> Result<Vec<u8>> {
    let mut writer = PcapWriter::with_header(Vec::new(), header(snaplen))?;
    for (ts, data) in frames {
        writer.write_packet(&PcapPacket { timestamp: *ts, orig_len: data.len() as u32, data: Cow::Borrowed(data) })?;
    }
    Ok(writer.into_writer())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("write {}", path.display()))
}

/// `GOOD_FRAMES` ordinary TCP frames a millisecond apart.
fn good_frames() -> Vec<(Duration, Vec<u8>)> {
    (0..GOOD_FRAMES)
        .map(|i| {
            let ts = START + Duration::from_millis(i as u64);
            (ts, tcp_frame(LOCAL, 40000, REMOTE, 443, i as u32 * 100, PSH_ACK, &[0x42; 100]))
        })
        .collect()
}

/// A 16-byte pcap record header (little-endian, as `pcap_bytes` writes).
fn record_header(caplen: u32, len: u32) -> Vec<u8> {
    let mut h = (START.as_secs() as u32).to_le_bytes().to_vec();
    h.extend_from_slice(&0u32.to_le_bytes());
    h.extend_from_slice(&caplen.to_le_bytes());
    h.extend_from_slice(&len.to_le_bytes());
    h
}

pub fn cut_mid_record(path: &Path) -> Result<()> {
    let mut bytes = pcap_bytes(65535, &good_frames())?;
    bytes.extend_from_slice(&record_header(120, 120));
    bytes.extend_from_slice(&[0xaa; 50]);
    write(path, &bytes)
}

pub fn bad_magic(path: &Path) -> Result<()> {
    let mut bytes = pcap_bytes(65535, &good_frames())?;
    bytes[..4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    write(path, &bytes)
}

/// A record claiming 4 GB after the good frames.
pub fn huge_record_length(path: &Path) -> Result<()> {
    let mut bytes = pcap_bytes(65535, &good_frames())?;
    bytes.extend_from_slice(&record_header(0xffff_fff0, 0xffff_fff0));
    bytes.extend_from_slice(&[0xaa; 200]);
    write(path, &bytes)
}

/// Good frames under a file header whose snaplen is patched afterwards (the writer
/// refuses records longer than the snaplen, which is the point here).
fn with_snaplen(snaplen: u32) -> Result<Vec<u8>> {
    let mut bytes = pcap_bytes(65535, &good_frames())?;
    bytes[16..20].copy_from_slice(&snaplen.to_le_bytes());
    Ok(bytes)
}

pub fn snaplen_zero(path: &Path) -> Result<()> {
    write(path, &with_snaplen(0)?)
}

/// Snaplen 64 in the header, 154-byte records.
pub fn caplen_over_snaplen(path: &Path) -> Result<()> {
    write(path, &with_snaplen(64)?)
}

/// Empty records, then empty records claiming 1500 bytes on the wire, then good frames.
pub fn zero_length_packets(path: &Path) -> Result<()> {
    let mut bytes = pcap_bytes(65535, &[])?;
    for wire_len in [0u32, 1500] {
        for _ in 0..5 {
            bytes.extend_from_slice(&record_header(0, wire_len));
        }
    }
    let good = pcap_bytes(65535, &good_frames())?;
    bytes.extend_from_slice(&good[24..]);
    write(path, &bytes)
}

pub fn timestamps_backwards(path: &Path) -> Result<()> {
    let mut frames = good_frames();
    let n = frames.len() as u64;
    for (i, (ts, _)) in frames.iter_mut().enumerate() {
        *ts = START + Duration::from_secs(n - i as u64);
    }
    write(path, &pcap_bytes(65535, &frames)?)
}

/// Frames at 1970, 2001, 2026 and 2106 (the last second a pcap header can hold).
pub fn years_apart(path: &Path) -> Result<()> {
    let mut frames = good_frames();
    let times = [0u64, 1_000_000_000, START.as_secs(), u64::from(u32::MAX)];
    for (i, (ts, _)) in frames.iter_mut().enumerate() {
        *ts = Duration::from_secs(times[i % times.len()]);
    }
    write(path, &pcap_bytes(65535, &frames)?)
}

/// One SYN per flow from `flows` spoofed public sources to the local web server.
pub fn syn_flood(path: &Path, flows: u32) -> Result<()> {
    let file = File::create(path).with_context(|| format!("create {}", path.display()))?;
    let mut writer = PcapWriter::with_header(BufWriter::with_capacity(1 << 20, file), header(65535))?;
    for i in 0..flows {
        let [_, a, b, c] = i.to_be_bytes();
        let src = Ipv4Addr::new(45, a, b, c);
        let frame = tcp_frame(src, 1024 + (i % 60000) as u16, LOCAL, 80, i, SYN, &[]);
        let ts = START + Duration::from_micros(u64::from(i));
        writer.write_packet(&PcapPacket { timestamp: ts, orig_len: 60, data: Cow::Owned(frame) })?;
    }
    writer.into_writer().flush()?;
    Ok(())
}

/// One small UDP datagram to each of `MANY_REMOTES` public addresses.
pub fn many_remotes(path: &Path) -> Result<()> {
    let file = File::create(path).with_context(|| format!("create {}", path.display()))?;
    let mut writer = PcapWriter::with_header(BufWriter::new(file), header(65535))?;
    for i in 0..MANY_REMOTES {
        let [_, a, b, c] = i.to_be_bytes();
        let dst = Ipv4Addr::new(20, a, b, c);
        let frame = udp_frame(LOCAL, 50000, dst, 9999, &[0; 4]);
        let ts = START + Duration::from_micros(u64::from(i) * 10);
        writer.write_packet(&PcapPacket { timestamp: ts, orig_len: frame.len() as u32, data: Cow::Owned(frame) })?;
    }
    writer.into_writer().flush()?;
    Ok(())
}

/// First fragments (more-fragments set) of datagrams whose rest never comes.
pub fn fragments_never_complete(path: &Path) -> Result<()> {
    let frames: Vec<_> = (0..NEVER_COMPLETE_DATAGRAMS)
        .map(|id| {
            let first = udp(5000, 6000, &[0x55; 40]);
            let ip = ipv4(LOCAL, REMOTE, 17, id, MORE_FRAGMENTS, &first);
            (START + Duration::from_micros(u64::from(id)), ethernet(&ip))
        })
        .collect();
    write(path, &pcap_bytes(65535, &frames)?)
}

/// Overlapping, duplicated, zero-length and past-64-KB fragments of a few datagrams.
pub fn fragments_overlapping(path: &Path) -> Result<()> {
    let whole = udp(5000, 6000, &[0x66; 64]);
    // (id, offset in 8-byte units, more fragments, bytes)
    let pieces: Vec<(u16, u16, bool, Vec<u8>)> = vec![
        (1, 0, true, whole[..32].to_vec()),
        (1, 2, true, whole[16..48].to_vec()), // overlaps the first by 16 bytes
        (1, 1, false, whole[8..24].to_vec()), // a "last" fragment inside the others
        (1, 4, false, whole[32..].to_vec()),  // a second last fragment
        (2, 0, true, whole[..24].to_vec()),
        (2, 0, true, whole[..40].to_vec()), // same offset, longer
        (2, 3, true, Vec::new()),           // zero-length
        (3, 0, true, whole[..16].to_vec()),
        (3, 8190, false, vec![0x77; 1400]), // ends past 65535
        (4, 8191, false, vec![0x77; 8]),    // last fragment alone at the highest offset
    ];
    let frames: Vec<_> = pieces
        .into_iter()
        .enumerate()
        .map(|(i, (id, offset, more, bytes))| {
            let flags = offset | if more { MORE_FRAGMENTS } else { 0 };
            (START + Duration::from_millis(i as u64), ethernet(&ipv4(REMOTE, LOCAL, 17, id, flags, &bytes)))
        })
        .collect();
    write(path, &pcap_bytes(65535, &frames)?)
}

/// DNS responses with pointer loops, 255- and 256-byte names and pointers past the end,
/// then one good answer.
pub fn dns_hostile(path: &Path) -> Result<()> {
    let mut messages = Vec::new();
    // An answer whose name is a pointer to itself.
    let mut m = dns_header(1, 0, 1);
    m.extend_from_slice(&[0xc0, 12]);
    m.extend_from_slice(&a_record_tail(REMOTE));
    messages.push(m);
    // Two pointers pointing at each other.
    let mut m = dns_header(2, 0, 1);
    m.extend_from_slice(&[0xc0, 14, 0xc0, 12]);
    m.extend_from_slice(&a_record_tail(REMOTE));
    messages.push(m);
    // A label, then a pointer back to it: loops through a label.
    let mut m = dns_header(3, 1, 0);
    m.extend_from_slice(&[1, b'a', 0xc0, 12, 0, 1, 0, 1]);
    messages.push(m);
    // Names of exactly 255 bytes (legal) and 256 bytes (not).
    for (id, last) in [(4u16, 61usize), (5, 62)] {
        let long = format!("{0}.{0}.{0}.{1}", "a".repeat(63), "b".repeat(last));
        let mut m = dns_header(id, 1, 1);
        m.extend_from_slice(&dns_name(&long));
        m.extend_from_slice(&[0, 1, 0, 1, 0xc0, 12]);
        m.extend_from_slice(&a_record_tail(REMOTE));
        messages.push(m);
    }
    // Answers pointing past the end of the message, and an RDATA length past it.
    let mut m = dns_header(6, 0, 1);
    m.extend_from_slice(&[0xc0, 0xff]);
    m.extend_from_slice(&a_record_tail(REMOTE));
    messages.push(m);
    let mut m = dns_response(7, "short.example", REMOTE);
    let len = m.len();
    m[len - 6..len - 4].copy_from_slice(&[0xff, 0xff]);
    messages.push(m);
    // Counts far above the records present.
    let mut m = dns_response(8, "counts.example", REMOTE);
    m[6..8].copy_from_slice(&[0xff, 0xff]);
    messages.push(m);
    messages.push(dns_response(9, GOOD_DNS_NAME, REMOTE));
    let frames: Vec<_> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (START + Duration::from_millis(i as u64), udp_frame(Ipv4Addr::new(9, 9, 9, 9), 53, LOCAL, 40000, m))
        })
        .collect();
    write(path, &pcap_bytes(65535, &frames)?)
}

/// ClientHellos whose record, handshake, extension and name lengths are absurd, each on
/// its own connection, then one good ClientHello.
pub fn tls_absurd_lengths(path: &Path) -> Result<()> {
    let good = client_hello(GOOD_SNI);
    let mut hellos = Vec::new();
    let mut h = good.clone();
    h[3..5].copy_from_slice(&[0xff, 0xff]); // record length 65535
    hellos.push(h);
    let mut h = good.clone();
    h[6..9].copy_from_slice(&[0xff, 0xff, 0xff]); // handshake length 16 MB
    hellos.push(h);
    let mut h = good.clone();
    h[43] = 0xff; // session id length past the end
    hellos.push(h);
    let ext_len_at = 5 + 4 + 2 + 32 + 1 + 4 + 2;
    let mut h = good.clone();
    h[ext_len_at..ext_len_at + 2].copy_from_slice(&[0xff, 0xff]); // extensions length
    hellos.push(h);
    let mut h = good.clone();
    let name_len_at = h.len() - GOOD_SNI.len() - 2;
    h[name_len_at..name_len_at + 2].copy_from_slice(&[0xff, 0xff]); // SNI name length
    hellos.push(h);
    let mut h = good.clone();
    h.truncate(5); // a bare record header
    hellos.push(h);
    hellos.push(good);
    let frames: Vec<_> = hellos
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let frame = tcp_frame(LOCAL, 41000 + i as u16, REMOTE, 443, 1, PSH_ACK, h);
            (START + Duration::from_millis(i as u64), frame)
        })
        .collect();
    write(path, &pcap_bytes(65535, &frames)?)
}

/// QUIC v1 Initial long headers (valid up to the packet number) followed by garbage, and
/// headers with impossible lengths.
pub fn quic_garbage(path: &Path) -> Result<()> {
    let initial = |dcid_len: u8, token_len: &[u8], length: &[u8], body: usize| {
        let mut p = vec![0xc3, 0, 0, 0, 1, dcid_len];
        p.extend(std::iter::repeat_n(0x83, usize::from(dcid_len)));
        p.push(0); // source connection ID length
        p.extend_from_slice(token_len);
        p.extend_from_slice(length);
        p.extend((0..body).map(|i| (i * 151 % 251) as u8));
        p
    };
    let datagrams = [
        initial(8, &[0], &[0x44, 0xd0], 1232), // right length, garbage payload
        initial(8, &[0], &[0x7f, 0xff], 1200), // length past the datagram
        initial(8, &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], &[0x40, 0x10], 1200), // 2^62 token
        initial(255, &[0], &[0x44, 0xd0], 1000), // connection ID over 20 bytes
        initial(8, &[0], &[0x40, 0x00], 0).repeat(40), // 40 empty coalesced packets
        initial(8, &[0], &[], 0),              // cut before the length
    ];
    let frames: Vec<_> = datagrams
        .iter()
        .enumerate()
        .map(|(i, d)| (START + Duration::from_millis(i as u64), udp_frame(LOCAL, 51000 + i as u16, REMOTE, 443, d)))
        .collect();
    write(path, &pcap_bytes(65535, &frames)?)
}

/// A pcapng file mixing link types (read by the fallback reader), cut mid-block.
pub fn pcapng_mixed_cut(path: &Path) -> Result<()> {
    let mut writer = PcapNgWriter::new(Vec::new())?;
    for link in [DataLink::ETHERNET, DataLink::RAW] {
        writer.write_pcapng_block(InterfaceDescriptionBlock { linktype: link, snaplen: 65535, options: vec![] })?;
    }
    for (i, (_, frame)) in good_frames().into_iter().enumerate() {
        let (interface_id, data) = if i % 2 == 0 { (0, frame) } else { (1, frame[14..].to_vec()) };
        writer.write_pcapng_block(EnhancedPacketBlock {
            interface_id,
            timestamp: START + Duration::from_millis(i as u64),
            original_len: data.len() as u32,
            data: Cow::Owned(data),
            options: vec![],
        })?;
    }
    let mut bytes = writer.into_inner();
    bytes.truncate(bytes.len() - 40);
    write(path, &bytes)
}

/// The same mixed pcapng, ending in a block that claims a length near 4 GB.
pub fn pcapng_mixed_huge_block(path: &Path) -> Result<()> {
    pcapng_mixed_cut(path)?;
    let mut bytes = std::fs::read(path)?;
    let cut = bytes.len();
    bytes.truncate(cut - cut % 4);
    bytes.extend_from_slice(&6u32.to_le_bytes()); // enhanced packet block
    bytes.extend_from_slice(&0xffff_fff0u32.to_le_bytes());
    bytes.extend_from_slice(&[0; 64]);
    write(path, &bytes)
}

/// Every small hostile file: (file name, writer). The two large ones are apart.
pub type Writer = fn(&Path) -> Result<()>;
pub const SMALL: [(&str, Writer); 15] = [
    ("cut-mid-record.pcap", cut_mid_record),
    ("bad-magic.pcap", bad_magic),
    ("huge-record-length.pcap", huge_record_length),
    ("snaplen-zero.pcap", snaplen_zero),
    ("caplen-over-snaplen.pcap", caplen_over_snaplen),
    ("zero-length-packets.pcap", zero_length_packets),
    ("timestamps-backwards.pcap", timestamps_backwards),
    ("years-apart.pcap", years_apart),
    ("fragments-never-complete.pcap", fragments_never_complete),
    ("fragments-overlapping.pcap", fragments_overlapping),
    ("dns-hostile.pcap", dns_hostile),
    ("tls-absurd-lengths.pcap", tls_absurd_lengths),
    ("quic-garbage.pcap", quic_garbage),
    ("pcapng-mixed-cut.pcapng", pcapng_mixed_cut),
    ("pcapng-mixed-huge-block.pcapng", pcapng_mixed_huge_block),
];
pub const SYN_FLOOD: &str = "syn-flood.pcap";
pub const MANY_REMOTES_FILE: &str = "many-remotes.pcap";

/// Writes the whole set into `dir`; the SYN flood has `flood_flows` flows.
pub fn write_all(dir: &Path, flood_flows: u32) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    let mut written = Vec::new();
    for (name, writer) in SMALL {
        let path = dir.join(name);
        writer(&path)?;
        written.push(path);
    }
    let path = dir.join(MANY_REMOTES_FILE);
    many_remotes(&path)?;
    written.push(path);
    let path = dir.join(SYN_FLOOD);
    syn_flood(&path, flood_flows)?;
    written.push(path);
    Ok(written)
}

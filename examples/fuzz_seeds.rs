//! Writes the fuzz seed corpora under `fuzz/seeds/<target>/` from the committed samples:
//! frames for `decode`, whole small captures for `ingest`, DNS answers, ClientHellos, QUIC
//! Initials and HTTP requests for the name parsers, range files for `ranges`, and the small
//! hostile captures of `examples/make_hostile` for `ingest`. Deterministic;
//! file names are content hashes, so re-running adds nothing new.
//!
//! Run: `cargo run --example fuzz_seeds [OUT_DIR]` (default `fuzz/seeds`).

#[allow(dead_code)]
#[path = "make_hostile/files.rs"]
mod files;
#[allow(dead_code)]
#[path = "make_hostile/packets.rs"]
mod packets;

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use whohosts_core::capture::{FileSource, FrameSource};
use whohosts_core::decode::{decode, link_type, Decoded, Transport};

/// Must match the order in `fuzz/fuzz_targets/decode.rs`: the seed's first byte indexes it.
const DECODE_LINK_TYPES: [i32; 10] = link_type::SUPPORTED;
/// Samples up to this size are ingest seeds whole.
const INGEST_MAX_BYTES: u64 = 16 * 1024;
const FRAMES_PER_SAMPLE: usize = 12;
const PAYLOADS_PER_KIND: usize = 16;

struct Seeds {
    out: PathBuf,
    counts: std::collections::BTreeMap<&'static str, usize>,
    seen: HashSet<u64>,
}

impl Seeds {
    fn add(&mut self, target: &'static str, bytes: &[u8]) -> Result<()> {
        let mut h = DefaultHasher::new();
        (target, bytes).hash(&mut h);
        let hash = h.finish();
        if !self.seen.insert(hash) {
            return Ok(());
        }
        let dir = self.out.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("{hash:016x}")), bytes)?;
        *self.counts.entry(target).or_default() += 1;
        Ok(())
    }

    fn count(&self, target: &str) -> usize {
        self.counts.get(target).copied().unwrap_or(0)
    }
}

/// The fuzz targets that cut their input in two read a 2-byte cut point first.
fn with_cut(at: usize, payload: &[u8]) -> Vec<u8> {
    let mut seed = u16::try_from(at).unwrap_or(u16::MAX).to_be_bytes().to_vec();
    seed.extend_from_slice(payload);
    seed
}

/// A quic seed in protected mode: the handshake message in two CRYPTO frames (offset 0
/// and the rest), one per Initial, each padded as clients do.
fn quic_plaintext_seed(handshake: &[u8]) -> Vec<u8> {
    let crypto = |offset: usize, data: &[u8]| {
        let mut f = vec![0x06];
        f.extend_from_slice(&(0x4000 | offset as u16).to_be_bytes());
        f.extend_from_slice(&(0x4000 | data.len() as u16).to_be_bytes());
        f.extend_from_slice(data);
        f.resize(f.len().max(1100), 0); // PADDING frames
        f
    };
    let half = handshake.len() / 2;
    let first = crypto(0, &handshake[..half]);
    let second = crypto(half, &handshake[half..]);
    let mut seed = vec![1];
    seed.extend_from_slice(&with_cut(first.len(), &[first, second].concat()));
    seed
}

fn from_capture(seeds: &mut Seeds, path: &Path) -> Result<()> {
    let mut source = FileSource::open(path)?;
    let mut frames = 0;
    while let Ok(Some(frame)) = source.next_frame() {
        if frames < FRAMES_PER_SAMPLE {
            if let Some(index) = DECODE_LINK_TYPES.iter().position(|&lt| lt == frame.link_type) {
                let mut seed = vec![index as u8];
                seed.extend_from_slice(frame.data);
                seeds.add("decode", &seed)?;
                frames += 1;
            }
        }
        let Ok(Decoded::Ip(datagram)) = decode(frame.link_type, frame.data) else { continue };
        if datagram.fragment.is_some() {
            continue;
        }
        let packet = datagram.packet();
        let p = packet.payload;
        match packet.transport {
            Transport::Udp { sport: 53, .. } if seeds.count("dns") < PAYLOADS_PER_KIND => {
                seeds.add("dns", &with_cut(p.len() / 2, p))?
            }
            Transport::Udp { sport, dport }
                if (sport == 443 || dport == 443)
                    && p.first().is_some_and(|b| b & 0xc0 == 0xc0)
                    && seeds.count("quic") < PAYLOADS_PER_KIND =>
            {
                // Raw mode (first byte even): whole, and cut in two datagrams.
                seeds.add("quic", &[&[0], &with_cut(p.len(), p)[..]].concat())?;
                seeds.add("quic", &[&[0], &with_cut(p.len() / 2, p)[..]].concat())?
            }
            Transport::Tcp { dport: 443, .. }
                if p.starts_with(&[0x16, 0x03])
                    && p.get(5) == Some(&0x01)
                    && seeds.count("tls") < PAYLOADS_PER_KIND =>
            {
                seeds.add("tls", &with_cut(p.len() / 3, p))?;
                // Protected mode for quic (first byte odd): the hello in CRYPTO frames.
                if let Some(handshake) = p.get(5..) {
                    seeds.add("quic", &quic_plaintext_seed(handshake))?;
                }
            }
            Transport::Tcp { .. }
                if [&b"GET "[..], b"POST ", b"HEAD "].iter().any(|m| p.starts_with(m))
                    && seeds.count("http") < PAYLOADS_PER_KIND =>
            {
                seeds.add("http", p)?
            }
            _ => {}
        }
    }
    Ok(())
}

fn main() -> Result<()> {
    let out = std::env::args().nth(1).map_or_else(|| PathBuf::from("fuzz/seeds"), PathBuf::from);
    let mut seeds = Seeds { out, counts: Default::default(), seen: HashSet::new() };
    let mut samples: Vec<PathBuf> = std::fs::read_dir("samples")
        .context("run from the repository root")?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    samples.sort();
    for sample in &samples {
        if std::fs::metadata(sample)?.len() <= INGEST_MAX_BYTES {
            seeds.add("ingest", &std::fs::read(sample)?)?;
        }
        // A cut or garbage sample still gives the frames before its fault.
        let _ = from_capture(&mut seeds, sample);
    }
    // The small hostile captures too: each holds a trap the reader must survive.
    let scratch = std::env::temp_dir().join(format!("whohosts-seeds-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    for (name, writer) in files::SMALL {
        let path = scratch.join(name);
        writer(&path)?;
        if std::fs::metadata(&path)?.len() <= INGEST_MAX_BYTES {
            seeds.add("ingest", &std::fs::read(&path)?)?;
        }
    }
    std::fs::remove_dir_all(&scratch)?;
    let mut range_files: Vec<PathBuf> =
        std::fs::read_dir("crates/whohosts-core/testdata")?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    range_files.sort();
    for file in range_files.iter().filter(|p| p.file_name().is_some_and(|n| n != "README.md")) {
        seeds.add("ranges", &std::fs::read(file)?)?;
    }
    for (target, n) in &seeds.counts {
        println!("{target}: {n} seeds");
    }
    Ok(())
}

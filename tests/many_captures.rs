//! Several captures read as one: samples/icloud.pcap cut into rotated pieces (and shuffled
//! on the command line) reads exactly like the whole file; a bad file among them is reported
//! by name and skipped; a folder of captures works the same.

use std::fs::File;
use std::path::{Path, PathBuf};

use pcap_file::pcap::{PcapReader, PcapWriter};

use crate::zeek::{analyse, sample};

/// Writes `source`'s packets into `pieces` files in `dir` (`part-00.pcap` ...), in order.
pub fn split(source: &Path, dir: &Path, pieces: usize) -> Vec<PathBuf> {
    let mut reader = PcapReader::new(File::open(source).unwrap()).unwrap();
    let header = reader.header();
    let mut packets = Vec::new();
    while let Some(p) = reader.next_packet() {
        packets.push(p.unwrap().into_owned());
    }
    let per = packets.len().div_ceil(pieces);
    packets
        .chunks(per)
        .enumerate()
        .map(|(i, chunk)| {
            let path = dir.join(format!("part-{i:02}.pcap"));
            let mut w = PcapWriter::with_header(File::create(&path).unwrap(), header).unwrap();
            for p in chunk {
                w.write_packet(p).unwrap();
            }
            path
        })
        .collect()
}

fn flows(a: &whohosts_core::analysis::Analysis) -> Vec<(u64, u64)> {
    a.flows().flows().iter().map(|f| (f.packets(), f.bytes())).collect()
}

#[test]
fn rotated_pieces_read_as_the_whole_capture_with_a_bad_file_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut parts = split(&sample("icloud.pcap"), dir.path(), 5);
    parts.reverse(); // order given does not matter: time order does
    let bad = dir.path().join("bad.pcap");
    std::fs::copy(sample("garbage.pcap"), &bad).unwrap();
    parts.insert(2, bad);
    let whole = analyse(&[sample("icloud.pcap")]);
    let merged = analyse(&parts);
    assert_eq!(flows(&merged), flows(&whole));
    assert_eq!(merged.totals().frames, whole.totals().frames);
    assert_eq!(merged.totals().out_of_order, 0);
    let warnings = merged.warnings();
    assert!(warnings.iter().any(|w| w.contains("bad.pcap") && w.contains("skipped")), "{warnings:?}");
    // A folder of the same files reads the same.
    let folder = analyse(&[dir.path().to_path_buf()]);
    assert_eq!(flows(&folder), flows(&whole));
}

#[test]
fn overlapping_captures_are_merged_frame_by_frame() {
    let dir = tempfile::tempdir().unwrap();
    let parts = split(&sample("icloud.pcap"), dir.path(), 2);
    // The same traffic twice, in two files that overlap in time completely.
    let copy = dir.path().join("copy.pcap");
    std::fs::copy(&parts[0], &copy).unwrap();
    let a = analyse(&[parts[0].clone(), copy]);
    assert_eq!(a.totals().out_of_order, 0, "frames come out in time order");
    let single = analyse(&[parts[0].clone()]);
    assert_eq!(a.totals().frames, 2 * single.totals().frames);
}

#[test]
fn all_bad_files_is_an_error_naming_one() {
    let input = whohosts_core::input::Input::Captures(vec![sample("garbage.pcap"), PathBuf::from("/no/such.pcap")]);
    let err =
        whohosts_core::ingest::analyse_input(&input, Default::default(), |_, _| std::ops::ControlFlow::Continue(()))
            .err()
            .unwrap();
    assert!(err.to_string().contains("garbage.pcap"), "{err}");
}

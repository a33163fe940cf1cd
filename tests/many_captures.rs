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

/// Every packet of a pcap or pcapng file: (timestamp, original length, data).
fn packets_of(path: &Path) -> Vec<(std::time::Duration, u32, Vec<u8>)> {
    let file = File::open(path).unwrap();
    if path.extension().is_some_and(|e| e == "pcapng") {
        let mut reader = pcap_file::pcapng::PcapNgReader::new(file).unwrap();
        let mut out = Vec::new();
        while let Some(block) = reader.next_block() {
            if let pcap_file::pcapng::Block::EnhancedPacket(p) = block.unwrap() {
                out.push((p.timestamp, p.original_len, p.data.into_owned()));
            }
        }
        return out;
    }
    let mut reader = PcapReader::new(file).unwrap();
    let mut out = Vec::new();
    while let Some(p) = reader.next_packet() {
        let p = p.unwrap();
        out.push((p.timestamp, p.orig_len, p.data.into_owned()));
    }
    out
}

fn export(args: &[&str], files: &[PathBuf]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_whohosts")).arg("export").args(args).args(files).output().unwrap()
}

#[test]
fn pcap_export_from_rotated_pieces_writes_the_frames_of_the_whole_capture_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let pieces = dir.path().join("pieces");
    std::fs::create_dir(&pieces).unwrap();
    let mut parts = split(&sample("icloud.pcap"), &pieces, 4);
    parts.reverse();
    let bad = pieces.join("bad.pcap");
    std::fs::copy(sample("garbage.pcap"), &bad).unwrap();
    parts.insert(1, bad);
    for (name, flows) in [("all", None), ("aws", Some("aws"))] {
        for ext in ["pcap", "pcapng"] {
            let from_whole = dir.path().join(format!("whole-{name}.{ext}"));
            let from_parts = dir.path().join(format!("parts-{name}.{ext}"));
            let mut args = vec!["--pcap".to_string(), String::new()];
            if let Some(text) = flows {
                args.extend(["--flows".to_string(), text.to_string()]);
            }
            args[1] = from_whole.display().to_string();
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = export(&refs, &[sample("icloud.pcap")]);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            args[1] = from_parts.display().to_string();
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = export(&refs, &parts);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let (whole, merged) = (packets_of(&from_whole), packets_of(&from_parts));
            assert!(!whole.is_empty(), "{name}.{ext}");
            assert_eq!(merged.len(), whole.len(), "{name}.{ext}");
            assert!(merged == whole, "{name}.{ext}: the same frames in the same order");
        }
    }
    // A folder of the pieces (the bad file in it) exports the same.
    let from_folder = dir.path().join("folder.pcap");
    let out = export(&["--pcap", from_folder.to_str().unwrap()], std::slice::from_ref(&pieces));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(packets_of(&from_folder) == packets_of(&dir.path().join("whole-all.pcap")));
    // The names travel with the frames from several captures too.
    let ng = std::fs::read(dir.path().join("parts-all.pcapng")).unwrap();
    assert!(ng.windows(b"icloud.com".len()).any(|w| w == b"icloud.com"), "a Name Resolution Block with the names");
}

#[test]
fn pcap_export_from_zeek_logs_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = export(&["--pcap", dir.path().join("out.pcap").to_str().unwrap()], &[sample("zeek/icloud")]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Zeek logs hold none"), "{stderr}");
    assert!(!dir.path().join("out.pcap").exists());
}

//! Hostile captures (written by `examples/make_hostile`) through the report path
//! (`analyse_file` + `Report::build` + JSON) and the app's loader (`Session::open_file`):
//! a clear error or warning naming the file, the results before the fault kept, no panic.

#[allow(dead_code)]
#[path = "../examples/make_hostile/files.rs"]
mod files;
#[allow(dead_code)]
#[path = "../examples/make_hostile/packets.rs"]
pub(crate) mod packets;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use whohosts_core::analysis::{Analysis, AnalysisConfig};
use whohosts_core::capture::CaptureError;
use whohosts_core::ingest::analyse_file;
use whohosts_core::names::NameSource;
use whohosts_core::report::Report;
use whohosts_core::session::{Session, UpdateKind};

/// The small hostile files, written once per test run (under the target directory).
fn small_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, writer) in files::SMALL {
            writer(&dir.join(name)).unwrap();
        }
        dir
    })
}

fn hostile(name: &str) -> PathBuf {
    small_dir().join(name)
}

/// The report path: analysis, report and its JSON (which must parse back).
fn report(path: &Path) -> Result<(Analysis, Value), CaptureError> {
    let analysis = analyse_file(path, AnalysisConfig::default(), |_, _| ControlFlow::Continue(()))?;
    let report = Report::build(&path.display().to_string(), &analysis);
    let json = serde_json::to_string(&report).unwrap();
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["capture"]["packets"].as_u64(), Some(analysis.totals().frames));
    Ok((analysis, value))
}

/// The app's loader, to its final update: (frames read, error shown to the user).
fn session(path: &Path) -> Result<(u64, Option<String>), String> {
    let s = Session::open_file(path, AnalysisConfig::default(), 1, Box::new(|_| {}));
    match s.wait_finished().expect("the reader thread sends a final update").kind {
        UpdateKind::Finished { snapshot, cancelled, error } => {
            assert!(!cancelled);
            Ok((snapshot.totals.frames, error))
        }
        UpdateKind::Failed { error } => Err(error),
        UpdateKind::Progress { .. } => unreachable!("wait_finished skips progress"),
    }
}

fn warnings(value: &Value) -> Vec<String> {
    value["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap().to_string()).collect()
}

fn flow_packets(analysis: &Analysis) -> u64 {
    analysis.flows().flows().iter().map(|f| f.packets()).sum()
}

/// A fault after `files::GOOD_FRAMES` frames: those frames kept, one warning naming the file.
fn assert_kept_with_warning(name: &str, expected_frames: u64, words: &str) {
    let path = hostile(name);
    let (analysis, value) = report(&path).unwrap();
    assert_eq!(analysis.totals().frames, expected_frames, "{name}");
    let w = warnings(&value);
    let shown = path.display().to_string();
    assert!(w.iter().any(|w| w.contains(&shown) && w.contains(words)), "{name}: {w:?}");
    let (frames, error) = session(&path).unwrap();
    assert_eq!(frames, expected_frames, "{name}");
    assert!(error.is_some_and(|e| e.contains(&shown)), "{name}");
}

#[test]
fn cut_mid_record_keeps_frames_before_the_cut() {
    assert_kept_with_warning("cut-mid-record.pcap", files::GOOD_FRAMES as u64, "cut short");
}

#[test]
fn bad_magic_is_refused_naming_the_file() {
    let path = hostile("bad-magic.pcap");
    let shown = path.display().to_string();
    match report(&path) {
        Err(e @ CaptureError::NotACapture { .. }) => assert!(e.to_string().contains(&shown), "{e}"),
        other => panic!("{:?}", other.map(|(a, _)| a.totals().frames)),
    }
    assert!(session(&path).unwrap_err().contains(&shown));
}

#[test]
fn record_claiming_4_gb_stops_reading_with_a_warning() {
    assert_kept_with_warning("huge-record-length.pcap", files::GOOD_FRAMES as u64, "capture length");
}

#[test]
fn pcapng_cut_mid_block_keeps_frames_before_the_cut() {
    assert_kept_with_warning("pcapng-mixed-cut.pcapng", files::GOOD_FRAMES as u64 - 1, "cut short");
}

#[test]
fn pcapng_block_claiming_4_gb_stops_reading_with_a_warning() {
    assert_kept_with_warning("pcapng-mixed-huge-block.pcapng", files::GOOD_FRAMES as u64 - 1, "read error");
}

#[test]
fn odd_snaplens_still_read_every_frame() {
    for name in ["snaplen-zero.pcap", "caplen-over-snaplen.pcap"] {
        let (analysis, _) = report(&hostile(name)).unwrap();
        assert_eq!(analysis.totals().frames, files::GOOD_FRAMES as u64, "{name}");
        assert_eq!(session(&hostile(name)).unwrap().0, files::GOOD_FRAMES as u64);
    }
}

#[test]
fn zero_length_packets_are_counted_as_undecodable() {
    let (analysis, value) = report(&hostile("zero-length-packets.pcap")).unwrap();
    let t = analysis.totals();
    assert_eq!((t.frames, t.ip_frames, t.undecodable), (20, 10, 10));
    assert_eq!(t.bytes, 5 * 1500 + 10 * 154);
    assert!(warnings(&value).iter().any(|w| w.contains("10 frames too malformed")));
    assert_eq!(session(&hostile("zero-length-packets.pcap")).unwrap().0, 20);
}

#[test]
fn timestamps_going_backwards_are_counted_and_warned() {
    let (analysis, value) = report(&hostile("timestamps-backwards.pcap")).unwrap();
    assert_eq!(analysis.totals().out_of_order, files::GOOD_FRAMES as u64 - 1);
    assert!(warnings(&value).iter().any(|w| w.contains("earlier than the frame before")));
    assert_eq!(flow_packets(&analysis), files::GOOD_FRAMES as u64);
}

#[test]
fn packets_years_apart_after_2038_keep_their_time_and_a_small_timeline() {
    let (analysis, value) = report(&hostile("years-apart.pcap")).unwrap();
    assert_eq!(analysis.totals().first_ns, Some(0));
    assert_eq!(analysis.totals().last_ns, Some(i64::from(u32::MAX) * 1_000_000_000));
    assert!(value["timeline"].to_string().len() < 1 << 20, "timeline JSON stays small");
    assert_eq!(session(&hostile("years-apart.pcap")).unwrap().0, files::GOOD_FRAMES as u64);
}

#[test]
fn fragments_that_never_complete_are_still_counted() {
    let (analysis, value) = report(&hostile("fragments-never-complete.pcap")).unwrap();
    let n = u64::from(files::NEVER_COMPLETE_DATAGRAMS);
    assert_eq!(analysis.fragment_stats().fragments, n);
    assert_eq!(analysis.fragment_stats().reassembled, 0);
    assert_eq!(flow_packets(&analysis), n, "every fragment lands in a flow");
    assert!(warnings(&value).iter().any(|w| w.contains("never completed")));
}

#[test]
fn overlapping_fragments_neither_panic_nor_lose_packets() {
    let (analysis, _) = report(&hostile("fragments-overlapping.pcap")).unwrap();
    assert_eq!(analysis.totals().frames, 10);
    assert_eq!(flow_packets(&analysis), 10);
    assert_eq!(session(&hostile("fragments-overlapping.pcap")).unwrap().0, 10);
}

#[test]
fn dns_loops_long_names_and_outside_pointers_are_skipped() {
    let (analysis, _) = report(&hostile("dns-hostile.pcap")).unwrap();
    let names = analysis.names();
    let queries: Vec<&str> = names.dns_answers().iter().map(|a| a.query.as_str()).collect();
    assert!(queries.contains(&files::GOOD_DNS_NAME), "{queries:?}");
    assert!(names.stats().dns_malformed >= 5, "{:?}", names.stats());
    assert!(queries.iter().all(|q| q.len() <= 253), "{queries:?}");
}

#[test]
fn client_hellos_with_absurd_lengths_fail_alone() {
    let (analysis, _) = report(&hostile("tls-absurd-lengths.pcap")).unwrap();
    let names = analysis.names();
    let remote = std::net::IpAddr::V4(packets::REMOTE);
    let sni: Vec<&str> = names
        .endpoint(remote)
        .map(|e| e.names.iter().filter(|s| s.source == NameSource::Sni).map(|s| s.name.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(sni, [files::GOOD_SNI]);
    assert!(names.stats().tls_failures >= 1, "{:?}", names.stats());
}

#[test]
fn quic_garbage_after_valid_headers_gives_no_name() {
    let (analysis, _) = report(&hostile("quic-garbage.pcap")).unwrap();
    let stats = analysis.names().stats();
    assert_eq!(analysis.totals().frames, 6);
    assert_eq!(stats.quic_client_hellos, 0);
    assert!(stats.quic_initials >= 1, "{stats:?}");
    assert_eq!(session(&hostile("quic-garbage.pcap")).unwrap().0, 6);
}

#[test]
fn every_small_hostile_file_loads_in_the_app_without_panic() {
    for (name, _) in files::SMALL {
        let path = hostile(name);
        let shown = path.display().to_string();
        match session(&path) {
            Ok((_, error)) => assert!(error.is_none_or(|e| e.contains(&shown)), "{name}"),
            Err(e) => assert!(e.contains(&shown), "{name}: {e}"),
        }
    }
}

/// The large files, each in its own directory so that only this test pays for them.
fn large(name: &str, write: impl FnOnce(&Path) -> anyhow::Result<()>) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-large");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    write(&path).unwrap();
    path
}

/// 200,000 flows here; `make stress` runs the full million in a release build.
#[test]
fn syn_flood_of_distinct_flows_is_read_whole() {
    const FLOWS: u32 = 200_000;
    let path = large(files::SYN_FLOOD, |p| files::syn_flood(p, FLOWS));
    let (analysis, value) = report(&path).unwrap();
    assert_eq!(analysis.totals().frames, u64::from(FLOWS));
    assert_eq!(analysis.totals().ip_frames, u64::from(FLOWS));
    assert!(value["flows"].as_array().is_some_and(|f| !f.is_empty()));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn many_distinct_remote_addresses_are_read_whole() {
    let path = large(files::MANY_REMOTES_FILE, files::many_remotes);
    let (analysis, value) = report(&path).unwrap();
    assert_eq!(analysis.totals().frames, u64::from(files::MANY_REMOTES));
    let endpoints = analysis.endpoints().len();
    assert!(endpoints > 0 && endpoints <= files::MANY_REMOTES as usize, "{endpoints}");
    assert!(value["endpoints"].as_array().is_some_and(|e| !e.is_empty()));
    std::fs::remove_file(&path).unwrap();
}

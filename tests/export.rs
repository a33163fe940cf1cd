//! Exporters end to end: a capture built here, analysed, exported as PNG, CSV, JSON and
//! pcap, and the exports read back.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Parser;
use etherparse::{Ethernet2Header, IpNumber, Ipv4Header, PacketBuilder};
use pcap::{Capture, Linktype, Packet, PacketHeader};

use test_support::fixtures::three_owner_snapshot;
use whohosts::export_command::{run_export, ExportArgs};
use whohosts_app::figure::views::AppViews;
use whohosts_app::figure::{png, FigureSpec, View};
use whohosts_app::theme::owner_color;
use whohosts_core::analysis::{Analysis, AnalysisConfig};
use whohosts_core::export::json::ExportDocument;
use whohosts_core::export::records::FlowRow;
use whohosts_core::export::{csv as csv_export, json, pcap as pcap_export, Overwrite, ViewFilter};
use whohosts_core::ingest::analyse_file;
use whohosts_core::providers::Owner;
use whohosts_core::report::Report;
use whohosts_core::snapshot::Snapshot;

const T0: i64 = 1_700_000_000;
const MAC_A: [u8; 6] = [2, 0, 0, 0, 0, 1];
const MAC_B: [u8; 6] = [2, 0, 0, 0, 0, 2];

fn write_frames(path: &Path, frames: &[(i64, Vec<u8>)]) {
    let mut out = Capture::dead(Linktype::ETHERNET).unwrap().savefile(path).unwrap();
    for (us, data) in frames {
        let ts = libc::timeval { tv_sec: (T0 + us / 1_000_000) as _, tv_usec: (us % 1_000_000) as _ };
        let header = PacketHeader { ts, caplen: data.len() as u32, len: data.len() as u32 };
        out.write(&Packet::new(&header, data));
    }
    out.flush().unwrap();
}

fn tcp4(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, payload: usize) -> Vec<u8> {
    let b = PacketBuilder::ethernet2(MAC_A, MAC_B).ipv4(src, dst, 64).tcp(sport, dport, 1, 1000).ack(1);
    let mut out = Vec::new();
    b.write(&mut out, &vec![0x42; payload]).unwrap();
    out
}

fn tcp6(src: [u8; 16], sport: u16, dst: [u8; 16], dport: u16, payload: usize) -> Vec<u8> {
    let b = PacketBuilder::ethernet2(MAC_A, MAC_B).ipv6(src, dst, 64).tcp(sport, dport, 1, 1000);
    let mut out = Vec::new();
    b.write(&mut out, &vec![0x17; payload]).unwrap();
    out
}

fn udp4(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, payload: usize) -> Vec<u8> {
    let b = PacketBuilder::ethernet2(MAC_A, MAC_B).ipv4(src, dst, 64).udp(sport, dport);
    let mut out = Vec::new();
    b.write(&mut out, &vec![0x01; payload]).unwrap();
    out
}

/// A UDP datagram of 8 + 2000 bytes in two IPv4 fragments (offsets 0 and 1480).
fn fragmented_udp(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16) -> [Vec<u8>; 2] {
    let mut datagram = Vec::new();
    etherparse::UdpHeader { source_port: sport, destination_port: dport, length: 2008, checksum: 0 }
        .write(&mut datagram)
        .unwrap();
    datagram.extend(std::iter::repeat_n(0x33, 2000));
    let (first, second) = datagram.split_at(1480);
    [(first, 0u16, true), (second, 185u16, false)].map(|(part, offset_units, more)| {
        let mut ip = Ipv4Header::new(part.len() as u16, 64, IpNumber::UDP, src, dst).unwrap();
        ip.identification = 77;
        ip.more_fragments = more;
        ip.fragment_offset = etherparse::IpFragOffset::try_new(offset_units).unwrap();
        ip.header_checksum = ip.calc_header_checksum();
        let mut out = Vec::new();
        Ethernet2Header { source: MAC_A, destination: MAC_B, ether_type: etherparse::EtherType::IPV4 }
            .write(&mut out)
            .unwrap();
        ip.write(&mut out).unwrap();
        out.extend_from_slice(part);
        out
    })
}

const HOST: [u8; 4] = [192, 168, 1, 10];
const APPLE: [u8; 4] = [17, 253, 1, 1];
const AWS: [u8; 4] = [52, 216, 1, 1];
const DNS: [u8; 4] = [8, 8, 8, 8];
const QUIC: [u8; 4] = [8, 8, 4, 4];
const HOST6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10];
const SERVER6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/// Five flows over 20 s: two TCP/IPv4 to port 443, DNS, TCP/IPv6, and a fragmented UDP one.
fn build_capture(path: &Path) {
    let mut frames = Vec::new();
    for i in 0..6i64 {
        frames.push((i * 3_000_000, tcp4(HOST, 40000, APPLE, 443, 100)));
        frames.push((i * 3_000_000 + 10_000, tcp4(APPLE, 443, HOST, 40000, 1400)));
    }
    for i in 0..4i64 {
        frames.push((1_000_000 + i * 2_000_000, tcp4(HOST, 40001, AWS, 443, 200)));
    }
    frames.push((500_000, udp4(HOST, 5353, DNS, 53, 40)));
    frames.push((520_000, udp4(DNS, 53, HOST, 5353, 120)));
    for i in 0..4i64 {
        frames.push((2_000_000 + i * 4_000_000, tcp6(HOST6, 40002, SERVER6, 443, 300)));
    }
    let [f1, f2] = fragmented_udp(HOST, 40003, QUIC, 4433);
    frames.push((7_000_000, f1));
    frames.push((7_000_100, f2));
    frames.push((7_100_000, udp4(QUIC, 4433, HOST, 40003, 60)));
    frames.sort_by_key(|(t, _)| *t);
    write_frames(path, &frames);
}

fn analyse(path: &Path) -> Analysis {
    analyse_file(path, AnalysisConfig::default(), |_, _| ControlFlow::Continue(())).unwrap()
}

fn preview_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("whohosts-export-preview");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn near(a: [u8; 4], b: [u8; 4]) -> bool {
    a.iter().zip(b).take(3).all(|(x, y)| x.abs_diff(y) <= 6)
}

fn render(snapshot: &Snapshot, spec: &FigureSpec) -> image::RgbaImage {
    png::render_figure_with(snapshot, &ViewFilter::default(), spec, &mut AppViews::default()).unwrap()
}

#[test]
fn png_figure_has_the_requested_size_every_owner_colour_and_both_themes() {
    let snapshot = three_owner_snapshot();
    let mut spec = FigureSpec {
        width: 900,
        height: 600,
        scale: 2.0,
        title: "iCloud's traffic: who hosts it".into(),
        caption: "Figure 1. Traffic of one sync session by owner of the remote address.".into(),
        capture_name: "icloud-sync.pcap".into(),
        sources: vec!["AWS ip-ranges.json 2026-10-01".into(), "Azure ServiceTags 2026-10-06".into()],
        ..FigureSpec::default()
    };
    let started = std::time::Instant::now();
    let light = render(&snapshot, &spec);
    eprintln!("light 900x600 @2x rendered in {} ms", started.elapsed().as_millis());
    assert_eq!(light.dimensions(), (1800, 1200));
    for owner in ["AWS", "Apple", "Azure", "Unknown"] {
        let colour = owner_color(&Owner::from_label(owner), false).to_array();
        let count = light.pixels().filter(|p| near(p.0, colour)).count();
        assert!(count > 500, "{owner}: only {count} pixels of its colour");
    }
    let path = preview_dir().join("figure-light.png");
    png::write_png(&path, &light, Overwrite::Replace).unwrap();
    let decoded = image::open(&path).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1800, 1200));

    spec.dark = true;
    spec.view = View::Timeline;
    spec.scale = 1.0;
    let dark = render(&snapshot, &spec);
    assert_eq!(dark.dimensions(), (900, 600));
    png::write_png(&preview_dir().join("timeline-dark.png"), &dark, Overwrite::Replace).unwrap();
    let dark_corner = dark.get_pixel(2, 2).0;
    let light_corner = light.get_pixel(2, 2).0;
    assert_ne!(dark_corner, light_corner);
    assert!(dark_corner[0] < 64 && light_corner[0] > 240);
}

#[test]
fn csv_and_json_tables_match_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("five.pcap");
    build_capture(&capture);
    let analysis = analyse(&capture);
    let report = Report::build("five.pcap", &analysis);
    let snapshot = Snapshot::of(&analysis);
    assert_eq!(report.flows.len(), 5);

    let out = dir.path().join("tables");
    csv_export::write_csv_dir(&out, &snapshot, &ViewFilter::default(), Overwrite::Refuse).unwrap();
    let rows: Vec<FlowRow> =
        csv::Reader::from_path(out.join("flows.csv")).unwrap().deserialize().map(Result::unwrap).collect();
    assert_eq!(rows.len(), report.flows.len());
    for (row, flow) in rows.iter().zip(report.flows.iter()) {
        assert_eq!(
            (row.proto.as_str(), row.src.clone(), row.sport, row.dst.clone(), row.dport),
            (flow.proto.as_ref(), flow.src.to_string(), flow.sport, flow.dst.to_string(), flow.dport)
        );
        assert_eq!((row.packets, row.bytes), (flow.packets, flow.bytes));
        assert_eq!((row.fwd_bytes, row.rev_bytes), (flow.forward.bytes, flow.reverse.bytes));
        assert_eq!((row.first_ts, row.last_ts), (flow.first_ts, flow.last_ts));
    }

    let json_path = dir.path().join("tables.json");
    json::write_json(&json_path, "five.pcap", &snapshot, &ViewFilter::default(), Overwrite::Refuse).unwrap();
    let doc: ExportDocument = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(doc.flows, rows);
    assert_eq!((doc.capture.packets, doc.capture.bytes), (report.capture.packets, report.capture.bytes));
    assert_eq!(doc.providers.iter().map(|p| p.bytes).sum::<u64>(), report.flows.iter().map(|f| f.bytes).sum::<u64>());

    // A time range keeps the flows overlapping it: the Apple flow ends at 15 s, the IPv6 one at 14 s.
    let late = ViewFilter {
        time_range: Some(((T0 + 14) * 1_000_000_000, (T0 + 30) * 1_000_000_000)),
        ..ViewFilter::default()
    };
    let doc = json::document("five.pcap", &snapshot, &late);
    let remotes: Vec<&str> = doc.flows.iter().map(|f| f.remote.as_str()).collect();
    assert_eq!(remotes, ["17.253.1.1", "2001:db8:1::1"]);
}

fn flow_counts(analysis: &Analysis) -> Vec<(String, u64, u64)> {
    let mut out: Vec<_> = analysis
        .flows()
        .flows()
        .iter()
        .map(|f| (format!("{} {}:{} {}:{}", f.proto, f.src, f.src_port, f.dst, f.dst_port), f.packets(), f.bytes()))
        .collect();
    out.sort();
    out
}

#[test]
fn exported_pcap_holds_exactly_the_selected_flows() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("five.pcap");
    build_capture(&capture);
    let analysis = analyse(&capture);
    let snapshot = Snapshot::of(&analysis);
    let all = flow_counts(&analysis);

    // Port 443 flows (IPv4 and IPv6) plus the fragmented UDP flow.
    let wanted: Vec<_> =
        snapshot.flows.iter().filter(|f| f.remote().1 == 443 || f.remote().1 == 4433).cloned().collect();
    assert_eq!(wanted.len(), 4);
    let out = dir.path().join("selected.pcap");
    let written = pcap_export::write_pcap(&capture, &out, &wanted, Overwrite::Refuse).unwrap();
    let exported = flow_counts(&analyse(&out));
    let expected: Vec<_> = all.iter().filter(|(k, _, _)| !k.contains(":53 ") && !k.ends_with(":53")).cloned().collect();
    assert_eq!(exported, expected);
    assert_eq!(written.packets, expected.iter().map(|e| e.1).sum::<u64>());
    assert_eq!(written.bytes, expected.iter().map(|e| e.2).sum::<u64>());

    let again = pcap_export::write_pcap(&capture, &out, &wanted, Overwrite::Refuse).unwrap_err();
    assert!(again.to_string().contains("selected.pcap"), "{again}");
}

#[test]
fn many_flows_export_through_several_filters_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("many.pcap");
    let frames: Vec<(i64, Vec<u8>)> = (0..300i64)
        .flat_map(|i| {
            let port = 20000 + (i % 150) as u16;
            let server = [17, 253, 1, (i % 3) as u8 + 1];
            [(i * 1000, tcp4(HOST, port, server, 443, 10)), (i * 1000 + 500, tcp4(server, 443, HOST, port, 20))]
        })
        .collect();
    write_frames(&capture, &frames);
    let analysis = analyse(&capture);
    let snapshot = Snapshot::of(&analysis);
    assert_eq!(snapshot.flows.len(), 150);
    let out = dir.path().join("all.pcap");
    let written = pcap_export::write_pcap(&capture, &out, &snapshot.flows, Overwrite::Refuse).unwrap();
    assert_eq!(written.packets, 600);
    assert_eq!(flow_counts(&analyse(&out)), flow_counts(&analysis));
    let mut reader = Capture::from_file(&out).unwrap();
    let mut last = (0, 0);
    while let Ok(p) = reader.next_packet() {
        let ts = (p.header.ts.tv_sec, p.header.ts.tv_usec);
        assert!(ts >= last, "out of order");
        last = ts;
    }
}

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    export: ExportArgs,
}

/// Runs in a child process with DISPLAY and WAYLAND_DISPLAY removed (see below).
#[test]
fn cli_child() {
    let Ok(dir) = std::env::var("WHOHOSTS_EXPORT_CHILD") else { return };
    assert!(std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none());
    let dir = PathBuf::from(dir);
    let capture = dir.join("five.pcap");
    let arg = |p: &str| dir.join(p).display().to_string();
    let cli = Cli::parse_from([
        "export",
        &capture.display().to_string(),
        "--png",
        &arg("figure.png"),
        "--width",
        "1000",
        "--height",
        "700",
        "--scale",
        "2",
        "--csv",
        &arg("tables"),
        "--json",
        &arg("tables.json"),
        "--pcap",
        &arg("ipv6.pcap"),
        "--flows",
        "2001:db8",
        "--from",
        "+0s",
    ]);
    let started = std::time::Instant::now();
    run_export(&cli.export).unwrap();
    eprintln!("CLI export (PNG 2000x1400, CSV, JSON, pcap) took {} ms", started.elapsed().as_millis());
}

#[test]
fn cli_export_runs_without_any_display() {
    let dir = tempfile::tempdir().unwrap();
    build_capture(&dir.path().join("five.pcap"));
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["export::cli_child", "--exact", "--nocapture"])
        .env("WHOHOSTS_EXPORT_CHILD", dir.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    // Timings, visible with --nocapture.
    let timings = stdout.lines().chain(stderr.lines()).filter(|l| l.contains(" ms")).collect::<Vec<_>>();
    eprintln!("{}", timings.join("\n"));
    let png = image::open(dir.path().join("figure.png")).unwrap();
    assert_eq!((png.width(), png.height()), (2000, 1400));
    std::fs::copy(dir.path().join("figure.png"), preview_dir().join("cli-figure.png")).unwrap();
    for f in ["tables/flows.csv", "tables/endpoints.csv", "tables/providers.csv", "tables.json", "ipv6.pcap"] {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
    let ipv6 = flow_counts(&analyse(&dir.path().join("ipv6.pcap")));
    assert_eq!(ipv6.len(), 1);

    // Without --force an existing output is refused, by name, before anything is read.
    let cli =
        Cli::parse_from(["export", "/no/such.pcap", "--png", &dir.path().join("figure.png").display().to_string()]);
    let err = run_export(&cli.export).unwrap_err().to_string();
    assert!(err.contains("figure.png") && err.contains("--force"), "{err}");
}

//! The window driven like a user would, headless (egui_kittest): open a capture from the path
//! field, wait for it to be read, filter, select a flow, inspect it, close the inspector.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use etherparse::PacketBuilder;

use whohosts_app::flow_table::model::SortColumn;
use whohosts_app::{Launch, WhohostsApp};

const CLIENT: [u8; 4] = [192, 168, 1, 10];
/// (remote address, remote port, UDP?, packets each way)
const FLOWS: [([u8; 4], u16, bool, usize); 3] =
    [([93, 184, 216, 34], 443, false, 3), ([17, 253, 144, 10], 80, false, 2), ([1, 1, 1, 1], 53, true, 1)];
/// 2 * (3 + 2 + 1)
const TOTAL_PACKETS: &str = "12 packets";

/// Writes a pcap of Ethernet frames, one a second from 2011-06-06 17:00 UTC.
fn write_pcap(path: &Path, frames: &[(u32, Vec<u8>)]) {
    let records: Vec<(u32, u32, Vec<u8>)> = frames
        .iter()
        .enumerate()
        .map(|(i, (micros, frame))| (1_307_379_600 + i as u32, *micros, frame.clone()))
        .collect();
    std::fs::write(path, test_support::captures::pcap_file(test_support::captures::LINKTYPE_ETHERNET, &records))
        .unwrap();
}

fn frame(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, udp: bool) -> Vec<u8> {
    let builder = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]).ipv4(src, dst, 64);
    let payload = [0u8; 100];
    let mut out = Vec::new();
    if udp {
        builder.udp(sport, dport).write(&mut out, &payload).unwrap();
    } else {
        builder.tcp(sport, dport, 1, 65_535).ack(1).write(&mut out, &payload).unwrap();
    }
    out
}

/// A small capture: the client talks to three remote endpoints.
pub fn test_capture(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("whohosts-ui-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut frames = Vec::new();
    for (i, (remote, port, udp, each_way)) in FLOWS.iter().enumerate() {
        let local_port = 50_001 + i as u16;
        for _ in 0..*each_way {
            frames.push((frames.len() as u32 * 1000, frame(CLIENT, *remote, local_port, *port, *udp)));
            frames.push((frames.len() as u32 * 1000, frame(*remote, CLIENT, *port, local_port, *udp)));
        }
    }
    let path = dir.join(name);
    write_pcap(&path, &frames);
    path
}

fn harness() -> Harness<'static, WhohostsApp> {
    sized_harness(1280.0, 800.0)
}

/// The real app at `width` x `height` points, animations off, nothing remembered.
pub(crate) fn sized_harness(width: f32, height: f32) -> Harness<'static, WhohostsApp> {
    Harness::builder()
        .with_size([width, height])
        .with_context_setup(|ctx| ctx.global_style_mut(|s| s.animation_time = 0.0))
        .build_eframe(|cc| WhohostsApp::new(cc, Launch { ephemeral: true, ..Launch::default() }))
}

/// Steps the app until the capture is read (the reader runs on its own thread).
pub(crate) fn wait_until_read(harness: &mut Harness<'_, WhohostsApp>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while harness.state().is_reading() {
        assert!(Instant::now() < deadline, "reading did not finish");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run_steps(3);
}

/// Types the path into the File menu's path field, clicks Open and waits for the read.
pub(crate) fn open_via_path_field(harness: &mut Harness<'_, WhohostsApp>, path: &Path) {
    harness.get_by_label("Capture path").focus();
    harness.get_by_label("Capture path").type_text(&path.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Open").click();
    harness.run_steps(2);
    wait_until_read(harness);
}

#[test]
fn open_filter_select_inspect_and_close() {
    let path = test_capture("three-flows.pcap");
    let mut harness = harness();
    open_via_path_field(&mut harness, &path);

    // Totals in the status bar, and all three flows in the table.
    harness.get_by_label(TOTAL_PACKETS);
    harness.get_by_label("3 flows");
    harness.get_by_label("93.184.216.34:443");
    harness.get_by_label("1.1.1.1:53");
    assert!(harness.state().capture.as_ref().is_some_and(|c| c.error.is_none()));

    // Filtering by port keeps only the matching row and updates the totals.
    harness.get_by_label("Filter").focus();
    harness.get_by_label("Filter").type_text("443");
    harness.run_steps(3);
    assert!(harness.query_by_label("1.1.1.1:53").is_none(), "the DNS flow should be filtered out");
    harness.get_by_label("93.184.216.34:443");
    harness.get_by_label("6 packets");
    harness.get_by_label("1 flow");

    // Clicking the row opens the inspector with both endpoints and their ports.
    harness.get_by_label("93.184.216.34:443").click();
    harness.run_steps(3);
    assert_eq!(harness.state().selection.len(), 1);
    harness.get_by_label("93.184.216.34 port 443");
    harness.get_by_label("192.168.1.10 port 50001");
    harness.get_by_label("No names seen in the capture for this address.");

    // Esc closes it.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(3);
    assert!(harness.state().selection.is_empty());
    assert!(harness.query_by_label("93.184.216.34 port 443").is_none());
}

#[test]
fn a_file_that_is_not_a_capture_shows_its_name_and_the_error() {
    let dir = std::env::temp_dir().join(format!("whohosts-ui-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("notes.pcap");
    std::fs::write(&path, b"not a capture at all\n").unwrap();
    let mut harness = harness();
    open_via_path_field(&mut harness, &path);
    harness.get_by_label_contains("notes.pcap: ");
    harness.get_by_label("Could not read the capture");
}

#[test]
fn many_owners_and_names_show_in_table_and_legend() {
    let mut harness = harness();
    harness.state_mut().show_snapshot("demo.pcap", test_support::demo::demo_snapshot());
    harness.run_steps(3);
    // The views may show the same owners and names (legend, graph labels): take the table's,
    // which come first, and identify rows by their "address:port" cells.
    for owner in ["Apple", "AWS", "Azure", "Cloudflare", "AS15133 Edgecast", "Unknown"] {
        assert!(harness.get_all_by_role_and_label(egui::accesskit::Role::CheckBox, owner).next().is_some());
    }
    assert!(harness.get_all_by_label("icloud-content.blob.core.windows.net").count() >= 2);
    assert_eq!(harness.get_all_by_label("13.107.42.14:443").count(), 2);
    // Switching a provider off hides its flows.
    harness.get_all_by_role_and_label(egui::accesskit::Role::CheckBox, "Azure").next().unwrap().click();
    harness.run_steps(3);
    assert!(harness.query_by_label("13.107.42.14:443").is_none());
    assert!(harness.state().filter.hidden_owners.contains("Azure"));
}

#[test]
fn a_truncated_capture_keeps_what_was_read_and_says_why() {
    let whole = test_capture("whole.pcap");
    let mut bytes = std::fs::read(&whole).unwrap();
    bytes.truncate(bytes.len() - 40);
    let cut = whole.with_file_name("cut-short.pcap");
    std::fs::write(&cut, bytes).unwrap();
    let mut harness = harness();
    open_via_path_field(&mut harness, &cut);
    harness.get_by_label_contains("cut-short.pcap: ");
    // Eleven of the twelve frames were read before the cut.
    harness.get_by_label("11 packets");
    harness.get_by_label("Dismiss").click();
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("cut-short.pcap: ").is_none());
}

#[test]
fn ctrl_f_focuses_the_filter_and_sorting_follows_header_clicks() {
    let mut harness = harness();
    harness.state_mut().show_snapshot("demo.pcap", test_support::demo::demo_snapshot());
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run_steps(2);
    assert!(harness.get_by_label("Filter").is_focused());
    harness.get_by_label("Name").click();
    harness.run_steps(2);
    let sort = harness.state().settings.table_sort;
    assert_eq!((sort.column, sort.descending), (SortColumn::Name, false));
    harness.get_by_label("Name ▲").click();
    harness.run_steps(2);
    assert!(harness.state().settings.table_sort.descending);
}

fn window_snapshot(name: &str, dark: bool) {
    let mut harness = harness();
    harness.state_mut().settings.dark = dark;
    harness.state_mut().show_snapshot("demo.pcap", test_support::demo::demo_snapshot());
    harness.run_steps(3);
    harness.get_all_by_label("52.216.8.3:443").next().expect("an AWS row").click();
    harness.run_steps(4);
    harness.remove_cursor();
    harness.run_steps(2);
    harness.snapshot(name);
}

#[test]
fn window_snapshot_dark() {
    window_snapshot("whohosts_window_dark", true);
}

#[test]
fn window_snapshot_light() {
    window_snapshot("whohosts_window_light", false);
}

#[test]
fn menus_switch_theme_and_open_the_about_box() {
    let mut harness = harness();
    harness.get_by_label("View").click();
    harness.run_steps(5);
    harness.get_by_label("Light theme").click();
    harness.run_steps(5);
    assert!(!harness.state().settings.dark);
    assert_eq!(harness.ctx.theme(), egui::Theme::Light);
    harness.get_by_label("Help").click();
    harness.run_steps(5);
    harness.get_by_label("About whohosts").click();
    harness.run_steps(5);
    harness.get_by_label_contains("Names are learned from the capture itself");
    harness.key_press(egui::Key::Escape);
    harness.run_steps(5);
    assert!(harness.query_by_label_contains("Provider ranges").is_none());
    harness.get_by_label("Help").click();
    harness.run_steps(5);
    harness.get_by_label("Keyboard shortcuts").click();
    harness.run_steps(5);
    harness.get_by_label("Previous or next flow in the table");
}

#[test]
fn a_time_range_narrows_the_totals_and_esc_clears_it() {
    use test_support::demo::DEMO_START_NS;
    let mut harness = harness();
    harness.state_mut().show_snapshot("demo.pcap", test_support::demo::demo_snapshot());
    harness.state_mut().filter.time_range = Some((DEMO_START_NS, DEMO_START_NS + 500_000_000));
    harness.run_steps(3);
    harness.get_by_label("Filtered:");
    harness.get_by_label("1 flow");
    harness.get_by_label("500.0 ms");
    harness.get_by_label("Time +0.000 s – +0.500 s");
    harness.key_press(egui::Key::Escape);
    harness.run_steps(3);
    assert_eq!(harness.state().filter.time_range, None);
    harness.get_by_label("12 flows");
}

#[test]
fn a_flow_selected_in_another_view_is_scrolled_into_the_table_and_inspected() {
    use whohosts_app::app::AppCommand;
    use whohosts_app::view_command::ViewCommand;
    // Ten copies of the demo's flows: 120 rows, far more than the table shows.
    let demo = test_support::demo::demo_snapshot();
    let flows: Vec<_> = (0..10).flat_map(|_| demo.flows.iter().cloned()).collect();
    let flow_endpoint: Vec<_> = (0..10).flat_map(|_| demo.flow_endpoint.iter().copied()).collect();
    let snapshot = whohosts_core::snapshot::Snapshot {
        flows: std::sync::Arc::new(flows),
        flow_endpoint: std::sync::Arc::new(flow_endpoint),
        ..demo
    };
    let mut harness = harness();
    harness.state_mut().show_snapshot("demo.pcap", snapshot);
    harness.run_steps(3);
    // The smallest flows sort last, far below the visible rows.
    assert!(harness.query_by_label("192.168.1.10:50051").is_none());
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(&ctx, AppCommand::View(ViewCommand::SelectFlows(vec![119, 10])));
    harness.state_mut().apply(&ctx, AppCommand::RevealFlow(119));
    harness.run_steps(4);
    assert!(harness.get_all_by_label("192.168.1.10:50051").count() > 0);
    harness.get_by_label("192.168.1.10 port 50051");
    harness.get_by_label("The first of 2 selected flows");
}

/// On a machine without an XDG portal or zenity (CI, this project's test machines) the native
/// dialog answers at once with nothing; the window then points at the path field instead.
#[test]
fn without_a_file_dialog_the_window_points_at_the_path_field() {
    let mut harness = harness();
    harness.get_by_label("Open a capture…").click();
    let deadline = Instant::now() + Duration::from_secs(10);
    while harness.query_by_label_contains("No file dialog is available").is_none() {
        assert!(Instant::now() < deadline, "no answer from the file dialog thread");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.get_by_label("Capture path");
    // ... and opens its own file browser.
    harness.run_steps(3);
    harness.get_by_label(whohosts_app::file_browser::HIDDEN_FILES_LABEL);
}

#[test]
fn arrow_keys_move_the_selection_in_table_order() {
    let mut harness = harness();
    harness.state_mut().show_snapshot("demo.pcap", test_support::demo::demo_snapshot());
    harness.run_steps(3);
    // Sorted by bytes, largest first: the two Apple flows (0, 1), then AWS (2, 3).
    harness.get_all_by_label("17.248.176.20:443").next().unwrap().click();
    harness.run_steps(3);
    assert_eq!(harness.state().selection, vec![0]);
    harness.key_press(egui::Key::ArrowDown);
    harness.run_steps(2);
    harness.key_press(egui::Key::ArrowDown);
    harness.run_steps(2);
    assert_eq!(harness.state().selection, vec![2]);
    harness.key_press(egui::Key::ArrowUp);
    harness.run_steps(2);
    assert_eq!(harness.state().selection, vec![1]);
}

//! The window holding up on small screens and odd files (issue 13), driven headless: every
//! table column reachable and resizable at 800×600, a graph click becoming a filter chip that
//! every view follows, a failed open keeping the capture, the in-window file browser, and the
//! warning for captures with long gaps.

use std::path::{Path, PathBuf};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

use whohosts_app::file_browser::HIDDEN_FILES_LABEL;
use whohosts_app::timeline_view::{CUT_GAPS_LABEL, GAP_WARNING};
use whohosts_app::WhohostsApp;
use whohosts_core::filter::{selected_flows, Chip, ChipKind};

use crate::ui::{sized_harness as harness, wait_until_read};

fn open(harness: &mut Harness<'_, WhohostsApp>, path: &Path) {
    let ctx = harness.ctx.clone();
    harness.state_mut().open(&ctx, path);
    wait_until_read(harness);
}

fn click_at(harness: &mut Harness<'_, WhohostsApp>, pos: egui::Pos2) {
    harness.hover_at(pos);
    harness.step();
    harness.drag_at(pos);
    harness.step();
    harness.drop_at(pos);
    harness.run_steps(3);
}

fn drag(harness: &mut Harness<'_, WhohostsApp>, from: egui::Pos2, to: egui::Pos2) {
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    for i in 1..=4 {
        harness.hover_at(from + (to - from) * (i as f32 / 4.0));
        harness.step();
    }
    harness.drop_at(to);
    harness.run_steps(3);
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("whohosts-window-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn gap_capture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/gap-years.pcap")
}

#[test]
fn at_800x600_every_column_is_reachable_and_resizable_and_the_graph_stays() {
    let mut harness = harness(800.0, 600.0);
    harness.state_mut().show_snapshot("demo.pcap", test_support::demo::demo_snapshot());
    harness.run_steps(4);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(800.0, 600.0));
    // The last columns start out beyond the right edge: the table scrolls sideways to them.
    let duration = harness.get_by_label("Duration").rect();
    assert!(duration.right() > window.right(), "the table fits without scrolling: {duration:?}");
    harness.get_by_label("Duration").scroll_to_me();
    harness.run_steps(4);
    let duration = harness.get_by_label("Duration").rect();
    assert!(window.contains_rect(duration), "Duration still out of reach: {duration:?}");
    harness.get_by_label("Bytes ▼");
    // Back to the left, then drag the divider between Owner and Remote 80 points right.
    harness.get_by_label("Name").scroll_to_me();
    harness.run_steps(4);
    let remote = harness.get_by_label("Remote").rect();
    let divider = egui::pos2(remote.left() - 4.0, remote.center().y);
    drag(&mut harness, divider, divider + egui::vec2(80.0, 0.0));
    let moved = harness.get_by_label("Remote").rect();
    assert!(moved.left() > remote.left() + 60.0, "the column did not widen: {remote:?} -> {moved:?}");
    // The graph keeps a usable height above the timeline and the table.
    let node =
        harness.state().graph_state().node_screen_rect("p01-contacts.icloud.com").expect("the graph draws nodes");
    assert!(node.top() > 30.0 && node.bottom() < 600.0);
    let table_top = harness.get_by_label("Filter").rect().top();
    assert!(
        table_top - 60.0 >= whohosts_app::app::panel_limits::GRAPH_MIN_HEIGHT,
        "graph squeezed: table at {table_top}"
    );
}

#[test]
fn a_graph_click_becomes_a_chip_every_view_follows_and_esc_clears() {
    let mut harness = harness(1280.0, 800.0);
    harness.state_mut().show_snapshot("demo.pcap", test_support::demo::demo_snapshot());
    harness.run_steps(4);
    let node = harness.state().graph_state().node_screen_rect("s3.amazonaws.com").expect("an AWS node");
    click_at(&mut harness, node.center());
    let chip = Chip::new(ChipKind::Endpoint, "s3.amazonaws.com");
    assert_eq!(harness.state().filter.chips, vec![chip]);
    harness.get_by_label("endpoint: s3.amazonaws.com  ×");
    // The table, the status bar, the graph and the exporters (one filter) agree.
    assert_eq!(harness.get_all_by_label("52.216.8.3:443").count(), 2);
    assert!(harness.query_by_label("13.107.42.14:443").is_none());
    harness.get_by_label("2 flows");
    harness.get_by_label("Filtered:");
    assert!(harness.state().graph_state().node_screen_rect("icloud-content.blob.core.windows.net").is_none());
    assert!(harness.state().graph_state().node_screen_rect("s3.amazonaws.com").is_some());
    let snapshot = harness.state().capture.as_ref().unwrap().snapshot.clone();
    assert_eq!(selected_flows(&snapshot, &harness.state().filter), vec![2, 3]);
    assert_eq!(harness.state().selection, vec![2, 3]);
    // Esc takes the chip and the selection away.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(4);
    assert!(harness.state().filter.chips.is_empty() && harness.state().selection.is_empty());
    harness.get_by_label("12 flows");
    // A chip's × removes it too.
    let node = harness.state().graph_state().node_screen_rect("Azure").expect("the Azure owner node");
    click_at(&mut harness, node.center());
    harness.get_by_label("owner: Azure  ×").click();
    harness.run_steps(3);
    assert!(harness.state().filter.chips.is_empty());
}

#[test]
fn a_failed_open_shows_the_error_and_keeps_the_capture() {
    let mut harness = harness(1280.0, 800.0);
    open(&mut harness, &gap_capture());
    harness.get_by_label("2 flows");
    let bad = temp_dir("bad").join("notes.txt");
    std::fs::write(&bad, b"this is a text file, not a capture\n").unwrap();
    open(&mut harness, &bad);
    harness.run_steps(3);
    let capture = harness.state().capture.as_ref().expect("the capture stays");
    assert_eq!(capture.file_name(), "gap-years.pcap");
    harness.get_by_label_contains("notes.txt: ");
    harness.get_by_label_contains("still showing gap-years.pcap");
    harness.get_by_label("2 flows");
    harness.get_by_label("Dismiss").click();
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("notes.txt").is_none());
}

#[test]
fn the_in_window_browser_opens_one_file_or_several_as_one() {
    let dir = temp_dir("browse");
    std::fs::copy(gap_capture(), dir.join("years.pcap")).unwrap();
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/icloud.pcap"), dir.join("icloud.pcap")).unwrap();
    let mut harness = harness(1280.0, 800.0);
    harness.state_mut().settings.recent_files = vec![dir.join("gone.pcap")];
    harness.get_by_label("File").click();
    harness.run_steps(3);
    harness.get_by_label("Browse in window…").click();
    harness.run_steps(4);
    harness.get_by_label(HIDDEN_FILES_LABEL);
    // The file icons are drawn from the bundled fonts (a missing glyph would panic here).
    harness.get_by_label("🗋 years.pcap").click();
    harness.run_steps(3);
    // The welcome screen's path field has an Open button too (disabled while empty).
    let open = harness.get_all_by_label("Open").last().expect("the browser's Open button").rect();
    click_at(&mut harness, open.center());
    wait_until_read(&mut harness);
    assert_eq!(harness.state().capture.as_ref().map(|c| c.file_name()), Some("years.pcap".to_string()));
    assert!(harness.query_by_label(HIDDEN_FILES_LABEL).is_none());
    harness.get_by_label("2 flows");
    // Ctrl+click picks a second file: both are read as one capture.
    harness.get_by_label("File").click();
    harness.run_steps(3);
    harness.get_by_label("Browse in window…").click();
    harness.run_steps(4);
    harness.get_by_label("🗋 icloud.pcap").click();
    harness.run_steps(2);
    let ctrl = egui::Modifiers { ctrl: true, command: true, ..egui::Modifiers::NONE };
    harness.get_by_label("🗋 years.pcap").click_modifiers(ctrl);
    harness.run_steps(3);
    let open = harness.get_all_by_label("Open").last().expect("the browser's Open button").rect();
    click_at(&mut harness, open.center());
    wait_until_read(&mut harness);
    let name = harness.state().capture.as_ref().map(|c| c.file_name()).unwrap_or_default();
    assert!(name.ends_with("and 1 more"), "{name}");
    let flows = harness.state().capture.as_ref().unwrap().snapshot.flows.len();
    assert!(flows > 2, "only {flows} flows: the second file was not read");
}

#[test]
fn a_folder_selected_in_the_browser_opens_whole() {
    let dir = temp_dir("folder");
    let captures = dir.join("captures");
    std::fs::create_dir_all(&captures).unwrap();
    std::fs::copy(gap_capture(), captures.join("years.pcap")).unwrap();
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/icloud.pcap"), captures.join("icloud.pcap"))
        .unwrap();
    let mut harness = harness(1280.0, 800.0);
    // The browser starts in the folder of the newest recent file: the one holding "captures".
    harness.state_mut().settings.recent_files = vec![dir.join("gone.pcap")];
    harness.get_by_label("File").click();
    harness.run_steps(3);
    harness.get_by_label("Browse in window…").click();
    harness.run_steps(4);
    harness.get_by_label("🗀 captures").click();
    harness.run_steps(3);
    let open = harness.get_all_by_label("Open").last().expect("the browser's Open button").rect();
    click_at(&mut harness, open.center());
    wait_until_read(&mut harness);
    let capture = harness.state().capture.as_ref().expect("the folder was opened");
    assert!(capture.file_name().ends_with("and 1 more"), "{}", capture.file_name());
    assert!(capture.snapshot.flows.len() > 2);
}

#[test]
fn the_file_menu_stays_open_while_typing_a_path() {
    let mut harness = harness(1280.0, 800.0);
    harness.state_mut().show_snapshot("demo.pcap", test_support::demo::demo_snapshot());
    harness.run_steps(2);
    harness.get_by_label("File").click();
    harness.run_steps(3);
    let field = harness.get_all_by_label("Capture path").last().unwrap().rect();
    click_at(&mut harness, field.center());
    harness.get_by_label("Browse in window…");
    harness.get_all_by_label("Capture path").last().unwrap().type_text(&gap_capture().display().to_string());
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
    wait_until_read(&mut harness);
    assert_eq!(harness.state().capture.as_ref().map(|c| c.file_name()), Some("gap-years.pcap".to_string()));
}

#[test]
fn a_capture_spanning_years_warns_of_its_gap_and_counts_in_years() {
    let mut harness = harness(1280.0, 800.0);
    open(&mut harness, &gap_capture());
    harness.get_by_label_contains(GAP_WARNING);
    harness.get_by_label("6 y 9 d");
    harness.get_by_label("+6 y 9 d");
    harness.get_by_label("Fit to activity").click();
    harness.run_steps(3);
    harness.get_by_label("▶").click();
    harness.run_steps(3);
    harness.get_by_label("Whole").click();
    harness.run_steps(3);
}

#[test]
fn a_capture_spanning_years_shows_its_stretches_side_by_side_and_ranges_stay_real() {
    let mut harness = harness(1280.0, 800.0);
    open(&mut harness, &gap_capture());
    let timeline = harness.state().timeline_state();
    let axis = timeline.shown_axis().expect("the timeline was drawn").clone();
    assert!(axis.is_broken(), "six years of silence are cut out by default");
    let stretches = axis.stretches().to_vec();
    assert_eq!(stretches.len(), 2);
    // Both stretches in view side by side, each a good part of the plot, the break narrow.
    let plot = timeline.plot_rect().unwrap();
    let x = |ns: i64| timeline.screen_x_of(ns).unwrap();
    let (a, b) = ((x(stretches[0].0), x(stretches[0].1)), (x(stretches[1].0), x(stretches[1].1)));
    assert!(plot.left() - 1.0 <= a.0 && b.1 <= plot.right() + 1.0, "{a:?} {b:?} in {plot:?}");
    assert!(a.1 - a.0 > plot.width() * 0.3 && b.1 - b.0 > plot.width() * 0.3, "{a:?} {b:?}");
    assert!(b.0 - a.1 < plot.width() * 0.1, "break {} wide", b.0 - a.1);
    // Each stretch is labelled with its own real date and times.
    let labels = timeline.tick_labels().to_vec();
    assert!(labels.iter().any(|l| l.starts_with("2016-04-07 03:3")), "{labels:?}");
    assert!(labels.iter().any(|l| l.starts_with("2022-04-")), "{labels:?}");
    // A range dragged inside the 2022 stretch is 2022 time: the one flow of 2022.
    let y = plot.center().y;
    drag(&mut harness, egui::pos2(b.0 + 10.0, y), egui::pos2(b.1 - 10.0, y));
    let (from, to) = harness.state().filter.time_range.expect("a dragged range");
    assert!(stretches[1].0 <= from && from < to && to <= stretches[1].1 + 1, "{from}..{to} not in {stretches:?}");
    harness.get_by_label("1 flow");
    // A range across the break keeps the silence inside it: both flows, 2016 to 2022.
    drag(&mut harness, egui::pos2(a.0 + 10.0, y), egui::pos2(b.1 - 10.0, y));
    let (from, to) = harness.state().filter.time_range.expect("a dragged range");
    assert!(from < stretches[0].1 && to > stretches[1].0, "{from}..{to}");
    harness.get_by_label("2 flows");
    // The switch gives the real, linear axis; the range stays where it was in real time.
    harness.get_by_label(CUT_GAPS_LABEL).click();
    harness.run_steps(3);
    let timeline = harness.state().timeline_state();
    assert!(!timeline.shown_axis().unwrap().is_broken());
    assert_eq!(harness.state().filter.time_range, Some((from, to)));
    harness.get_by_label(CUT_GAPS_LABEL).click();
    harness.run_steps(3);
    assert!(harness.state().timeline_state().shown_axis().unwrap().is_broken());
}

#[test]
fn dragged_column_widths_are_remembered_for_the_next_run() {
    use whohosts_app::flow_table::model::SortColumn;
    let mut first = harness(1280.0, 800.0);
    first.state_mut().show_snapshot("demo.pcap", test_support::demo::demo_snapshot());
    first.run_steps(4);
    assert!(first.state().settings.table_widths.is_empty(), "nothing resized, nothing to remember");
    let remote = first.get_by_label("Remote").rect();
    let divider = egui::pos2(remote.left() - 4.0, remote.center().y);
    drag(&mut first, divider, divider + egui::vec2(60.0, 0.0));
    let widened = first.get_by_label("Remote").rect();
    assert!(widened.left() > remote.left() + 40.0, "{remote:?} -> {widened:?}");
    let widths = first.state().settings.table_widths.clone();
    let owner = widths.iter().find(|(c, _)| *c == SortColumn::Owner).expect("the Owner column's width").1;
    assert!((150.0 + 40.0..150.0 + 80.0).contains(&owner), "Owner {owner} after a 60-point drag");
    // The next run starts from the remembered widths: Remote starts where it was left.
    let mut next = harness(1280.0, 800.0);
    next.state_mut().settings.table_widths = widths;
    next.state_mut().show_snapshot("demo.pcap", test_support::demo::demo_snapshot());
    next.run_steps(4);
    let again = next.get_by_label("Remote").rect();
    assert!((again.left() - widened.left()).abs() < 2.0, "{again:?} vs {widened:?}");
}

#[test]
fn a_fold_click_filters_every_view_to_it_and_right_click_shows_what_it_holds() {
    let mut harness = harness(1280.0, 800.0);
    harness.state_mut().show_snapshot("many.pcap", test_support::scenes::large(3_000));
    harness.run_steps(4);
    let fold = harness.get_by_label_contains("more hosts").rect();
    click_at(&mut harness, fold.center());
    let chips = harness.state().filter.chips.clone();
    let [chip] = chips.as_slice() else { panic!("{chips:?}") };
    assert_eq!(chip.kind, ChipKind::Host);
    assert!(!chip.members.is_empty());
    harness.get_by_label_contains("hosts: ");
    // The table, the status bar and the exporters follow the one filter.
    let snapshot = harness.state().capture.as_ref().unwrap().snapshot.clone();
    let passing = selected_flows(&snapshot, &harness.state().filter);
    assert!(!passing.is_empty() && passing.len() < snapshot.flows.len());
    assert_eq!(harness.state().selection, passing);
    harness.get_by_label(&format!("{} flows", whohosts_app::format::count(passing.len() as u64)));
    harness.key_press(egui::Key::Escape);
    harness.run_steps(3);
    assert!(harness.state().filter.chips.is_empty());
    // The fold's right-click menu opens it in the graph instead.
    harness.get_by_label_contains("more hosts").click_secondary();
    harness.run_steps(3);
    harness.get_by_label(whohosts_app::graph::SHOW_FOLDED_LABEL).click();
    harness.run_steps(4);
    assert!(harness.state().graph_state().expanded.contains("0:hosts"));
    assert!(harness.state().filter.chips.is_empty());
}

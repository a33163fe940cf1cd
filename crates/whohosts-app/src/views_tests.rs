//! Renders the graph and timeline views headless (egui_kittest) over a hand-built snapshot:
//! legends by label, clicks turned into commands, and one reference image per view.

use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

use crate::graph::{graph_ui, GraphState};
use crate::theme;
use crate::timeline_view::{timeline_ui, TimelineState};
use crate::view_command::ViewCommand;
use test_support::scenes as fake_snapshot;
use whohosts_core::filter::{Chip, ChipKind, ViewFilter};
use whohosts_core::snapshot::Snapshot;

struct Probe {
    snapshot: Snapshot,
    filter: ViewFilter,
    graph: GraphState,
    timeline: TimelineState,
    commands: Vec<ViewCommand>,
}

impl Probe {
    fn new() -> Self {
        Probe {
            snapshot: fake_snapshot::demo(),
            filter: ViewFilter::default(),
            graph: GraphState::default(),
            timeline: TimelineState::default(),
            commands: Vec::new(),
        }
    }
}

fn graph_harness(probe: Probe) -> Harness<'static, Probe> {
    Harness::builder().with_size([1200.0, 640.0]).with_theme(egui::Theme::Light).build_ui_state(
        |ui, p: &mut Probe| {
            theme::apply(ui.ctx(), false);
            p.commands.extend(graph_ui(ui, &p.snapshot, &p.filter, &mut p.graph));
        },
        probe,
    )
}

fn timeline_harness(probe: Probe) -> Harness<'static, Probe> {
    Harness::builder().with_size([1200.0, 340.0]).with_theme(egui::Theme::Light).build_ui_state(
        |ui, p: &mut Probe| {
            theme::apply(ui.ctx(), false);
            p.commands.extend(timeline_ui(ui, &p.snapshot, &p.filter, &mut p.timeline));
        },
        probe,
    )
}

#[test]
fn graph_legend_names_the_providers_and_toggles_them() {
    let mut harness = graph_harness(Probe::new());
    harness.run();
    for label in ["Azure", "AWS", "Apple", "Google Cloud", "Unknown"] {
        harness.get_by_label(label);
    }
    harness.get_by_label("AWS").click();
    harness.run();
    assert_eq!(harness.state().commands, vec![ViewCommand::ToggleOwner("AWS".into())]);
}

#[test]
fn clicking_a_graph_node_selects_its_flows() {
    let mut harness = graph_harness(Probe::new());
    harness.run();
    harness.get_by_label_contains("gateway.icloud.com").click();
    harness.run();
    let state = harness.state();
    let Some(ViewCommand::Focus { chips, flows }) = state.commands.last() else { panic!("{:?}", state.commands) };
    assert_eq!(chips, &[Chip::new(ChipKind::Endpoint, "gateway.icloud.com")]);
    assert!(!flows.is_empty());
    for &f in flows {
        let endpoint = state.snapshot.flow_endpoint[f] as usize;
        assert_eq!(state.snapshot.endpoints[endpoint].best_name.as_deref(), Some("gateway.icloud.com"));
    }
}

#[test]
fn graph_view_image() {
    let mut harness = graph_harness(Probe::new());
    harness.run();
    harness.snapshot("graph_view");
}

#[test]
fn timeline_legend_and_image() {
    let mut harness = timeline_harness(Probe::new());
    harness.run();
    for label in ["Azure", "AWS", "Apple"] {
        harness.get_by_label(label);
    }
    harness.snapshot("timeline_view");
}

fn drag(harness: &Harness<'_, Probe>, from: Pos2, to: Pos2) {
    harness.event(Event::PointerMoved(from));
    harness.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    for step in 1..=10 {
        harness.event(Event::PointerMoved(from + (to - from) * step as f32 / 10.0));
    }
    harness.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
}

#[test]
fn dragging_on_the_timeline_selects_a_range_and_a_click_clears_it() {
    let mut harness = timeline_harness(Probe::new());
    harness.run();
    drag(&harness, Pos2::new(400.0, 150.0), Pos2::new(700.0, 150.0));
    harness.run();
    let Some(ViewCommand::SetTimeRange(Some((from, to)))) = harness.state().commands.last().cloned() else {
        panic!("{:?}", harness.state().commands)
    };
    let (first, last) = (fake_snapshot::START_NS, harness.state().snapshot.totals.last_ns.unwrap());
    assert!(first <= from && from < to && to <= last, "{from} {to}");
    harness.state_mut().filter.time_range = Some((from, to));
    harness.event(Event::PointerGone);
    harness.run();
    harness.snapshot("timeline_view_selected");
    let click = Pos2::new(550.0, 150.0);
    harness.event(Event::PointerMoved(click));
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos: click,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run();
    assert_eq!(harness.state().commands.last(), Some(&ViewCommand::SetTimeRange(None)));
}

#[test]
fn graph_force_layout_image() {
    let mut probe = Probe::new();
    probe.graph.mode = crate::graph::LayoutMode::Force;
    let mut harness = graph_harness(probe);
    harness.run();
    harness.snapshot("graph_view_force");
}

/// The engine's benchmark size: once the scene is cached, a frame only draws.
#[test]
fn frames_over_100k_flows_are_cheap_once_cached() {
    let snapshot = fake_snapshot::large(100_000);
    for view in ["graph", "timeline"] {
        let probe = Probe { snapshot: snapshot.clone(), ..Probe::new() };
        let first = std::time::Instant::now();
        let mut harness = Harness::builder().with_size([1200.0, 700.0]).build_ui_state(
            move |ui, p: &mut Probe| {
                if view == "graph" {
                    p.commands.extend(graph_ui(ui, &p.snapshot, &p.filter, &mut p.graph));
                } else {
                    p.commands.extend(timeline_ui(ui, &p.snapshot, &p.filter, &mut p.timeline));
                }
            },
            probe,
        );
        harness.step();
        let cold = first.elapsed();
        let warm = std::time::Instant::now();
        harness.run_steps(10);
        let per_frame = warm.elapsed() / 10;
        eprintln!("100k flows, {view}: first frames (cache cold) {cold:?}, then {per_frame:?} per frame (egui logic, no GPU rendering)");
        assert!(per_frame.as_millis() < 500);
    }
}

#[test]
fn a_click_on_a_fold_makes_its_chip_and_its_menu_shows_what_it_holds() {
    let probe = Probe { snapshot: fake_snapshot::large(3_000), ..Probe::new() };
    let mut harness = graph_harness(probe);
    harness.run();
    harness.snapshot("graph_view_folded");
    harness.get_by_label_contains("more hosts").click();
    harness.run();
    let Some(ViewCommand::Focus { chips, flows }) = harness.state().commands.last().cloned() else {
        panic!("{:?}", harness.state().commands)
    };
    assert!(harness.state().graph.expanded.is_empty(), "a click filters, it does not expand");
    let [chip] = chips.as_slice() else { panic!("{chips:?}") };
    assert_eq!(chip.kind, ChipKind::Host);
    assert!(chip.describe().starts_with("hosts: ") && chip.describe().ends_with("more hosts"), "{}", chip.describe());
    // Through the one filter the chip selects exactly the fold's flows.
    let filter = ViewFilter { chips: chips.clone(), ..ViewFilter::default() };
    assert!(!flows.is_empty());
    assert_eq!(whohosts_core::filter::selected_flows(&harness.state().snapshot, &filter), flows);
    // Right-click: the fold's menu shows what it holds in the graph.
    harness.get_by_label_contains("more hosts").click_secondary();
    harness.run();
    harness.get_by_label(crate::graph::SHOW_FOLDED_LABEL).click();
    harness.run();
    assert!(harness.state().graph.expanded.contains("0:hosts"));
}

#[test]
fn graph_view_dark_image() {
    let mut harness = Harness::builder().with_size([1200.0, 640.0]).with_theme(egui::Theme::Dark).build_ui_state(
        |ui, p: &mut Probe| {
            theme::apply(ui.ctx(), true);
            p.commands.extend(graph_ui(ui, &p.snapshot, &p.filter, &mut p.graph));
        },
        Probe::new(),
    );
    harness.run();
    harness.snapshot("graph_view_dark");
}

#[test]
fn clicking_a_ribbon_selects_the_flows_it_carries() {
    let mut harness = graph_harness(Probe::new());
    harness.run();
    // Azure receives a single ribbon (from p47-content.icloud.com): click just left of it.
    let azure = harness.state().graph.node_screen_rect("Azure").expect("Azure node drawn");
    let at = Pos2::new(azure.left() - 4.0, azure.center().y);
    harness.event(Event::PointerMoved(at));
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos: at,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run();
    let state = harness.state();
    let Some(ViewCommand::Focus { chips, flows }) = state.commands.last() else { panic!("{:?}", state.commands) };
    // A ribbon stands for both its ends.
    assert!(chips.contains(&Chip::new(ChipKind::Owner, "Azure")) && chips.len() == 2);
    let to_azure = (0..state.snapshot.flows.len())
        .filter(|&f| state.snapshot.owners[state.snapshot.flow_owner(f).unwrap()].owner.label() == "Azure")
        .count();
    assert_eq!(flows.len(), to_azure);
}

#[test]
fn an_empty_snapshot_draws_without_panicking() {
    for graph in [true, false] {
        let probe = Probe { snapshot: Snapshot::empty(), ..Probe::new() };
        let mut harness = if graph { graph_harness(probe) } else { timeline_harness(probe) };
        harness.run();
        assert!(harness.state().commands.is_empty());
    }
    let mut harness = graph_harness(Probe { snapshot: Snapshot::empty(), ..Probe::new() });
    harness.run();
    harness.get_by_label_contains("No flows yet");
}

#[test]
fn a_big_graph_builds_on_a_worker_and_then_shows_the_same_picture() {
    let snapshot = fake_snapshot::large(30_000);
    let mut at_once = graph_harness(Probe { snapshot: snapshot.clone(), ..Probe::new() });
    at_once.run();
    assert!(!at_once.state().graph.is_building());

    let mut probe = Probe { snapshot, ..Probe::new() };
    probe.graph = GraphState::in_background();
    let mut harness = graph_harness(probe);
    harness.step();
    assert!(harness.state().graph.is_building(), "the first frame hands the model to the worker");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while harness.state().graph.is_building() {
        assert!(std::time::Instant::now() < deadline, "the worker never delivered");
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.step();
    }
    harness.run();
    let label = "gateway.icloud.com";
    let (shown, expected) =
        (harness.state().graph.node_screen_rect(label), at_once.state().graph.node_screen_rect(label));
    assert!(expected.is_some());
    assert_eq!(shown, expected);
}

/// The export window with its figure options (title, subtitle, caption, size presets, text
/// size, coloured owners, folds, owner colours), as a user sees it.
#[test]
fn export_window_figure_options_image() {
    use crate::export_dialog::{ExportDialog, ExportInput};
    let snapshot = std::sync::Arc::new(fake_snapshot::demo());
    let filter = whohosts_core::filter::ViewFilter::default();
    let mut dialog = ExportDialog::default();
    dialog.show(std::path::Path::new("/data/demo.pcap"));
    let sources = || vec!["AWS ip-ranges.json, 2026-10-01".to_string()];
    let mut harness = Harness::builder().with_size([640.0, 720.0]).with_theme(egui::Theme::Light).build_ui(|ui| {
        let input = ExportInput {
            capture_path: std::path::Path::new("/data/demo.pcap"),
            captures: &[],
            snapshot: &snapshot,
            filter: &filter,
            selection: &[],
            sources: &sources,
        };
        dialog.window_ui(ui.ctx(), &input);
    });
    harness.run();
    harness.get_by_label("Subtitle");
    harness.get_by_label("Owner colours");
    harness.snapshot("export_window_figure");
}

//! A window showing the graph and timeline views over a hand-built snapshot, for looking at
//! them while they are developed: `cargo run --example views_demo [-- --large N] [-- --dark]`.

use test_support::scenes as fake_snapshot;
use whohosts_app::graph::{graph_ui, GraphState};
use whohosts_app::theme;
use whohosts_app::timeline_view::{timeline_ui, TimelineState};
use whohosts_app::view_command::ViewCommand;
use whohosts_core::filter::ViewFilter;
use whohosts_core::snapshot::Snapshot;

struct Demo {
    snapshot: Snapshot,
    filter: ViewFilter,
    graph: GraphState,
    timeline: TimelineState,
    selected: Vec<usize>,
    dark: bool,
    last_frame_ms: f32,
}

impl Demo {
    fn apply(&mut self, command: ViewCommand) {
        match command {
            ViewCommand::SelectFlows(flows) => self.selected = flows,
            ViewCommand::SetTimeRange(range) => self.filter.time_range = range,
            ViewCommand::ToggleOwner(owner) => {
                if !self.filter.hidden_owners.remove(&owner) {
                    self.filter.hidden_owners.insert(owner);
                }
            }
            ViewCommand::Focus { chips, flows } => {
                for chip in chips {
                    self.filter.add_chip(chip);
                }
                self.selected = flows;
            }
            ViewCommand::RemoveChip(index) => {
                if index < self.filter.chips.len() {
                    self.filter.chips.remove(index);
                }
            }
        }
    }
}

impl eframe::App for Demo {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let start = std::time::Instant::now();
        theme::apply(ui.ctx(), self.dark);
        let mut commands = Vec::new();
        egui::Panel::top("demo_top").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.checkbox(&mut self.dark, "Dark");
                ui.label("Filter:");
                ui.text_edit_singleline(&mut self.filter.text);
                if let Some((a, b)) = self.filter.time_range {
                    ui.label(format!("range {:.3} s", (b - a) as f64 / 1e9));
                }
                ui.label(format!("{} flows selected · last frame {:.1} ms", self.selected.len(), self.last_frame_ms));
            });
        });
        egui::Panel::bottom("demo_timeline").default_size(260.0).resizable(true).show(ui, |ui| {
            commands.extend(timeline_ui(ui, &self.snapshot, &self.filter, &mut self.timeline));
        });
        egui::CentralPanel::default().show(ui, |ui| {
            commands.extend(graph_ui(ui, &self.snapshot, &self.filter, &mut self.graph));
        });
        for command in commands {
            self.apply(command);
        }
        self.last_frame_ms = start.elapsed().as_secs_f32() * 1000.0;
    }
}

fn main() -> eframe::Result {
    let args: Vec<String> = std::env::args().collect();
    let large = args.iter().position(|a| a == "--large").and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok());
    let snapshot = match large {
        Some(n) => fake_snapshot::large(n),
        None => fake_snapshot::demo(),
    };
    let demo = Demo {
        snapshot,
        filter: ViewFilter::default(),
        graph: GraphState::default(),
        timeline: TimelineState::default(),
        selected: Vec::new(),
        dark: args.iter().any(|a| a == "--dark"),
        last_frame_ms: 0.0,
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_inner_size([1280.0, 860.0]),
        ..Default::default()
    };
    eframe::run_native("whohosts views demo", options, Box::new(|_cc| Ok(Box::new(demo))))
}

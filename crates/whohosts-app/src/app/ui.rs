//! Lays the window out: menu bar, error banner, status bar, inspector, flow table, timeline and
//! graph. Collects the commands the panels return and applies them after drawing.

use std::sync::Arc;

use egui::{CentralPanel, Panel, RichText};

use super::command::AppCommand;
use super::shortcuts::shortcut_commands;
use super::WhohostsApp;
use crate::about::{about_window_ui, shortcuts_window_ui};
use crate::export_dialog::ExportInput;
use crate::flow_table::{flow_filter_bar_ui, flow_table_ui, ColumnLayout};
use crate::graph::{graph_ui, LayoutMode};
use crate::inspector::inspector_ui;
use crate::menu::menu_bar_ui;
use crate::settings::GraphLayout;
use crate::status_bar::status_bar_ui;
use crate::timeline_view::timeline_ui;
use crate::view_command::ViewCommand;
use crate::welcome::welcome_ui;

use super::panel_limits::PanelLimits;

impl WhohostsApp {
    pub(super) fn ui_impl(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let windows_open = self.show_about || self.show_shortcuts || self.export.open || self.browser.is_open();
        let mut commands = shortcut_commands(&ctx, windows_open);
        let dark = self.settings.dark;

        Panel::top("menu_bar").show(ui, |ui| {
            let has_capture = self.capture.is_some();
            commands.extend(menu_bar_ui(ui, &self.settings, has_capture, &mut self.path_input));
        });
        let error = self.open_error.clone().or_else(|| self.capture.as_ref().and_then(|c| c.error.clone()));
        if let Some(error) = error {
            Panel::top("error_banner").show(ui, |ui| commands.extend(error_banner_ui(ui, &error)));
        }
        commands.extend(self.live_bar(ui));

        // The filtered rows feed both the table and the status bar totals; cached per change.
        let snapshot = self.capture.as_ref().map(|c| (c.version, Arc::clone(&c.snapshot)));
        let rows = snapshot
            .as_ref()
            .map(|(version, s)| self.table.filtered(&ctx, *version, s, &self.filter, self.settings.table_sort));
        let filtered = self.filter != Default::default();

        Panel::bottom("status_bar").show(ui, |ui| {
            commands.extend(status_bar_ui(ui, self.capture.as_ref(), rows.as_ref().map(|r| &r.totals), filtered));
        });

        let (Some((version, snapshot)), Some(rows)) = (snapshot, rows) else {
            CentralPanel::default().show(ui, |ui| {
                commands.extend(welcome_ui(
                    ui,
                    &self.settings.recent_files,
                    &mut self.path_input,
                    self.dialog.unavailable,
                ));
            });
            self.finish_frame(&ctx, commands);
            return;
        };

        commands.extend(arrow_key_selection(&ctx, &rows.rows, &self.selection));
        let sizes = PanelLimits::for_area(ui.available_size());
        let remembered = self.settings.panels;
        if !self.selection.is_empty() {
            let panel = Panel::right("inspector")
                .resizable(true)
                .default_size(sizes.fit_inspector(remembered.inspector_width))
                .size_range(sizes.inspector)
                .show(ui, |ui| {
                    commands.extend(inspector_ui(ui, &snapshot, version, &self.selection, &mut self.inspector, dark));
                });
            self.settings.panels.inspector_width = Some(panel.response.rect.width());
        }
        let table = Panel::bottom("flow_table")
            .resizable(true)
            .default_size(sizes.fit_table(remembered.table_height))
            .size_range(sizes.table)
            .show(ui, |ui| {
                ui.add_space(4.0);
                let focus = std::mem::take(&mut self.focus_filter);
                commands.extend(flow_filter_bar_ui(ui, &snapshot, &self.filter, &rows, dark, &mut self.table, focus));
                ui.add_space(2.0);
                let reading = self.is_reading();
                let layout = ColumnLayout { order: &self.settings.table_columns, widths: &self.settings.table_widths };
                commands.extend(flow_table_ui(
                    ui,
                    &snapshot,
                    &rows,
                    &self.selection,
                    self.settings.table_sort,
                    layout,
                    dark,
                    reading,
                    &mut self.table,
                ));
            });
        self.settings.panels.table_height = Some(table.response.rect.height());
        // What the table left, less the graph's minimum, bounds the timeline.
        let timeline_range = sizes.timeline_below(ui.available_height());
        let timeline = Panel::bottom("timeline")
            .resizable(true)
            .default_size(sizes.fit_timeline(remembered.timeline_height).clamp(timeline_range.min, timeline_range.max))
            .size_range(timeline_range)
            .show(ui, |ui| {
                commands.extend(from_view(timeline_ui(ui, &snapshot, &self.filter, &mut self.timeline)));
            });
        self.settings.panels.timeline_height = Some(timeline.response.rect.height());
        CentralPanel::default().show(ui, |ui| {
            // The layout is a saved setting; the graph's own toolbar can switch it too.
            self.graph.mode = match self.settings.graph_layout {
                GraphLayout::Layered => LayoutMode::Layered,
                GraphLayout::Force => LayoutMode::Force,
            };
            commands.extend(from_view(graph_ui(ui, &snapshot, &self.filter, &mut self.graph)));
            self.settings.graph_layout = match self.graph.mode {
                LayoutMode::Layered => GraphLayout::Layered,
                LayoutMode::Force => GraphLayout::Force,
            };
        });
        self.finish_frame(&ctx, commands);
    }

    /// Windows, the drop overlay, then the commands gathered this frame.
    fn finish_frame(&mut self, ctx: &egui::Context, mut commands: Vec<AppCommand>) {
        if self.show_about {
            commands.extend(about_window_ui(ctx, self.config().providers.datasets()));
        }
        if self.show_shortcuts {
            commands.extend(shortcuts_window_ui(ctx));
        }
        self.export_window_ui(ctx);
        commands.extend(self.browser.window_ui(ctx));
        commands.extend(self.live_windows(ctx));
        drop_overlay_ui(ctx);
        for command in commands {
            self.apply(ctx, command);
        }
    }
}

impl WhohostsApp {
    /// The export window, fed with what the views show now.
    fn export_window_ui(&mut self, ctx: &egui::Context) {
        let Some(capture) = &self.capture else { return };
        let config = &self.config;
        let sources = || whohosts_core::export::dataset_lines(config);
        let input = ExportInput {
            capture_path: &capture.path,
            captures: &capture.captures,
            snapshot: &capture.snapshot,
            filter: &self.filter,
            selection: &self.selection,
            sources: &sources,
        };
        self.export.window_ui(ctx, &input);
    }
}

/// Up and down arrows move the selection through the table's order, like a packet list.
fn arrow_key_selection(ctx: &egui::Context, rows: &[u32], selection: &[usize]) -> Vec<AppCommand> {
    let Some(&selected) = selection.first() else { return Vec::new() };
    if ctx.memory(|m| m.focused().is_some()) {
        return Vec::new();
    }
    let step = ctx.input_mut(|i| {
        if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown) {
            1
        } else if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp) {
            -1
        } else {
            0
        }
    });
    if step == 0 {
        return Vec::new();
    }
    // One pass over the rows, only on a key press.
    let Some(position) = rows.iter().position(|&r| r as usize == selected) else { return Vec::new() };
    let next = if step > 0 { position.saturating_add(1) } else { position.saturating_sub(1) };
    match rows.get(next) {
        Some(&flow) => {
            vec![AppCommand::View(ViewCommand::SelectFlows(vec![flow as usize])), AppCommand::RevealFlow(flow as usize)]
        }
        None => Vec::new(),
    }
}

/// A view's command, plus scrolling the table to a flow the view selected.
fn from_view(command: Option<ViewCommand>) -> Vec<AppCommand> {
    let reveal = match &command {
        Some(ViewCommand::SelectFlows(flows) | ViewCommand::Focus { flows, .. }) => {
            flows.first().copied().map(AppCommand::RevealFlow)
        }
        _ => None,
    };
    command.map(AppCommand::View).into_iter().chain(reveal).collect()
}

fn error_banner_ui(ui: &mut egui::Ui, error: &str) -> Option<AppCommand> {
    let mut command = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button("Dismiss").clicked() {
                command = Some(AppCommand::DismissError);
            }
        });
    });
    command
}

/// While a file is dragged over the window, say what dropping it does.
fn drop_overlay_ui(ctx: &egui::Context) {
    let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("drop_overlay")));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(170));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop the capture to open it",
        egui::FontId::proportional(24.0),
        egui::Color32::WHITE,
    );
}

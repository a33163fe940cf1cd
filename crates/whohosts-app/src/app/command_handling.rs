//! Applies `AppCommand`s (and the views' `ViewCommand`s inside them): the one place where the
//! app's state changes in answer to the user.

use egui::ViewportCommand;

use super::command::AppCommand;
use super::WhohostsApp;
use crate::view_command::ViewCommand;

impl WhohostsApp {
    pub fn apply(&mut self, ctx: &egui::Context, command: AppCommand) {
        match command {
            AppCommand::ShowOpenDialog(pick) => {
                if self.dialog.unavailable {
                    // Known from the last try: no native dialog here.
                    self.show_file_browser(pick);
                } else {
                    let ctx = ctx.clone();
                    self.dialog.start(pick, move || ctx.request_repaint());
                }
            }
            AppCommand::ShowFileBrowser(pick) => self.show_file_browser(pick),
            AppCommand::Open(path) => self.open(ctx, &path),
            AppCommand::OpenMany(paths) => self.open_many(ctx, &paths),
            AppCommand::Close => {
                self.capture = None;
                self.clear_view_state();
            }
            AppCommand::CancelReading => {
                if let Some(capture) = &self.capture {
                    capture.cancel();
                }
            }
            AppCommand::Quit => ctx.send_viewport_cmd(ViewportCommand::Close),
            AppCommand::View(view) => self.apply_view(view),
            AppCommand::RevealFlow(flow) => self.table.reveal = Some(flow),
            AppCommand::ClearSelectionOrRange => {
                if !self.selection.is_empty() || !self.filter.chips.is_empty() {
                    self.selection.clear();
                    self.filter.chips.clear();
                } else {
                    self.filter.time_range = None;
                }
            }
            AppCommand::SetFilterText(text) => self.filter.text = text,
            AppCommand::FocusFilter => self.focus_filter = true,
            AppCommand::SetDark(dark) => self.settings.dark = dark,
            AppCommand::SetGraphLayout(layout) => self.settings.graph_layout = layout,
            AppCommand::SetSort(sort) => self.settings.table_sort = sort,
            AppCommand::SetColumns(columns) => self.settings.table_columns = columns,
            AppCommand::SetColumnWidths(widths) => self.settings.table_widths = widths,
            AppCommand::ShowAbout(show) => self.show_about = show,
            AppCommand::ShowShortcuts(show) => self.show_shortcuts = show,
            AppCommand::DismissError => {
                self.open_error = None;
                if let Some(capture) = &mut self.capture {
                    capture.error = None;
                }
            }
            AppCommand::ForgetRecentFiles => self.settings.recent_files.clear(),
            AppCommand::ShowExport => {
                if let Some(capture) = &self.capture {
                    self.export.show(&capture.path);
                }
            }
            AppCommand::HideExport => self.export.open = false,
            AppCommand::Live(action) => self.apply_live(ctx, action),
        }
    }

    fn show_file_browser(&mut self, pick: crate::file_dialog::Pick) {
        let open = self.capture.as_ref().map(|c| c.path.as_path());
        let start = crate::file_browser::start_folder(open, &self.settings.recent_files);
        self.browser.open(&start, pick);
    }

    fn apply_view(&mut self, command: ViewCommand) {
        match command {
            ViewCommand::SelectFlows(flows) => self.selection = flows,
            ViewCommand::SetTimeRange(range) => {
                self.filter.time_range = range.filter(|(from, to)| from < to);
            }
            ViewCommand::Focus { chips, flows } => {
                for chip in chips {
                    self.filter.add_chip(chip);
                }
                self.selection = flows;
            }
            ViewCommand::RemoveChip(index) => {
                if index < self.filter.chips.len() {
                    self.filter.chips.remove(index);
                }
            }
            ViewCommand::ToggleOwner(owner) => {
                if !self.filter.hidden_owners.remove(&owner) {
                    self.filter.hidden_owners.insert(owner);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Launch;

    #[test]
    fn view_commands_change_selection_range_and_owners() {
        let ctx = egui::Context::default();
        let mut app = WhohostsApp::for_tests(Launch::default());
        app.apply(&ctx, AppCommand::View(ViewCommand::SelectFlows(vec![3, 1])));
        assert_eq!(app.selection, vec![3, 1]);
        app.apply(&ctx, AppCommand::View(ViewCommand::SetTimeRange(Some((10, 20)))));
        app.apply(&ctx, AppCommand::View(ViewCommand::ToggleOwner("AWS".into())));
        assert!(app.filter.hidden_owners.contains("AWS"));
        app.apply(&ctx, AppCommand::View(ViewCommand::ToggleOwner("AWS".into())));
        assert!(app.filter.hidden_owners.is_empty());
        // Esc clears the selection first, then the time range.
        app.apply(&ctx, AppCommand::ClearSelectionOrRange);
        assert!(app.selection.is_empty());
        assert_eq!(app.filter.time_range, Some((10, 20)));
        app.apply(&ctx, AppCommand::ClearSelectionOrRange);
        assert_eq!(app.filter.time_range, None);
        // An empty or reversed range is no range.
        app.apply(&ctx, AppCommand::View(ViewCommand::SetTimeRange(Some((20, 20)))));
        assert_eq!(app.filter.time_range, None);
    }
}

//! The app's side of live capture: starting one (the interface's own addresses are the local
//! side), carrying out the live bar's actions, per-frame polling (save dialog, save result,
//! following the newest minutes, offering to save when the capture ends) and drawing the
//! live bar, the picker and the prompt.

use egui::Panel;

use super::command::AppCommand;
use super::command::LiveAction;
use super::WhohostsApp;
use crate::interface_picker::interface_picker_ui;
use crate::live_panel::{live_bar_ui, save_prompt_ui};
use crate::loading::OpenCapture;
use whohosts_core::capture::{local_policy_for, InterfaceInfo};
use whohosts_core::ingest::live::LiveCapture;

const NANOS_PER_MINUTE: i64 = 60_000_000_000;

impl WhohostsApp {
    /// Starts capturing on `interface`, replacing any open capture.
    pub fn start_live(&mut self, ctx: &egui::Context, interface: &str, filter: Option<String>) {
        let mut config = self.config.clone();
        config.local = self
            .live
            .picker
            .selected_info()
            .filter(|i| i.name == interface)
            .map_or_else(|| local_policy_for(interface), InterfaceInfo::local_policy);
        let mut capture = LiveCapture::new(interface);
        capture.source.filter = filter;
        self.next_generation += 1;
        let wake = ctx.clone();
        let notify = Box::new(move |_| wake.request_repaint());
        let opener = self.live.opener.clone();
        self.capture = Some(OpenCapture::live(capture, opener, config, self.next_generation, notify));
        self.clear_view_state();
        self.live.new_capture();
    }

    pub(super) fn apply_live(&mut self, ctx: &egui::Context, action: LiveAction) {
        let control = self.capture.as_ref().and_then(OpenCapture::live_control);
        match action {
            LiveAction::ShowPicker => self.live.picker.show(),
            LiveAction::Start { interface, filter } => self.start_live(ctx, &interface, filter),
            LiveAction::Pause => control.into_iter().for_each(|c| c.pause()),
            LiveAction::Resume => control.into_iter().for_each(|c| c.resume()),
            LiveAction::Stop => control.into_iter().for_each(|c| c.stop()),
            LiveAction::Save(path) => self.save_live(&path),
            LiveAction::ChooseSavePath => {
                let ctx = ctx.clone();
                self.live.start_save_dialog(move || ctx.request_repaint());
            }
            LiveAction::DismissPrompt => self.live.prompt = false,
        }
    }

    fn save_live(&mut self, path: &std::path::Path) {
        let Some(control) = self.capture.as_ref().and_then(OpenCapture::live_control) else {
            self.live.save_message = Some(Err("nothing to save: the live capture is closed".into()));
            return;
        };
        self.live.save_path = path.display().to_string();
        self.live.save_message = None;
        self.live.ticket = Some(control.save_as(path));
    }

    /// Per-frame live work; runs after the capture's updates were taken in.
    pub(super) fn live_logic(&mut self, ctx: &egui::Context) {
        if let Some((interface, filter)) = self.live.pending_start.take() {
            self.start_live(ctx, &interface, filter);
        }
        if let Some(path) = self.live.poll_save_dialog() {
            self.save_live(&path);
        }
        if self.live.ticket.is_some() && !self.live.poll_ticket() {
            // The save thread does not wake the UI; look again soon.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let Some(capture) = &self.capture else { return };
        let Some(info) = capture.live_info() else { return };
        if !capture.is_reading() && !self.live.prompted && info.stats.analysed > 0 && capture.live_control().is_some() {
            self.live.prompt = true;
            self.live.prompted = true;
        }
        let totals = &capture.snapshot.totals;
        let (first, last) = (totals.first_ns, totals.last_ns);
        self.follow_newest(first.zip(last));
    }

    /// While following, the time range is the last N minutes up to the newest packet; a range
    /// the user picked (or cleared) instead ends following.
    /// `span` is the first and last packet's time; the range never starts before the first.
    fn follow_newest(&mut self, span: Option<(i64, i64)>) {
        let live = &mut self.live;
        if !live.follow {
            if live.follow_range.take().is_some_and(|r| self.filter.time_range == Some(r)) {
                self.filter.time_range = None;
            }
            return;
        }
        if live.follow_range.is_some() && self.filter.time_range != live.follow_range {
            live.follow = false;
            live.follow_range = None;
            return;
        }
        let Some((first, last)) = span else { return };
        let window = i64::from(live.follow_minutes).saturating_mul(NANOS_PER_MINUTE);
        let range = (last.saturating_sub(window).max(first), last.saturating_add(1));
        self.filter.time_range = Some(range);
        live.follow_range = Some(range);
    }

    /// The live bar (top, under the error banner) while a live capture is open.
    pub(super) fn live_bar(&mut self, ui: &mut egui::Ui) -> Vec<AppCommand> {
        let Some(capture) = self.capture.as_ref().filter(|c| c.live_info().is_some()) else { return Vec::new() };
        let mut commands = Vec::new();
        Panel::top("live_bar").show(ui, |ui| {
            ui.add_space(2.0);
            commands = live_bar_ui(ui, capture, &mut self.live);
            ui.add_space(2.0);
        });
        commands
    }

    /// The picker and the "save?" prompt, when showing.
    pub(super) fn live_windows(&mut self, ctx: &egui::Context) -> Vec<AppCommand> {
        let mut commands = Vec::new();
        if self.live.picker.open {
            commands.extend(interface_picker_ui(ctx, &mut self.live.picker));
        }
        // Only for the live capture it was offered for, not a file opened since.
        let live_capture = self.capture.as_ref().filter(|c| c.live_info().is_some());
        if let Some(capture) = live_capture.filter(|_| self.live.prompt) {
            commands.extend(save_prompt_ui(ctx, capture));
        }
        commands
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Launch;

    #[test]
    fn following_keeps_the_newest_minutes_until_the_user_picks_a_range() {
        let mut app = WhohostsApp::for_tests(Launch::default());
        app.live.follow = true;
        app.live.follow_minutes = 2;
        // Less than the window captured yet: from the first packet.
        app.follow_newest(Some((9 * NANOS_PER_MINUTE, 10 * NANOS_PER_MINUTE)));
        assert_eq!(app.filter.time_range, Some((9 * NANOS_PER_MINUTE, 10 * NANOS_PER_MINUTE + 1)));
        app.follow_newest(Some((0, 11 * NANOS_PER_MINUTE)));
        assert_eq!(app.filter.time_range, Some((9 * NANOS_PER_MINUTE, 11 * NANOS_PER_MINUTE + 1)));
        // Switching off shows everything again.
        app.live.follow = false;
        app.follow_newest(Some((0, 12 * NANOS_PER_MINUTE)));
        assert_eq!(app.filter.time_range, None);
        // A range dragged on the timeline while following ends following and stays.
        app.live.follow = true;
        app.follow_newest(Some((0, 12 * NANOS_PER_MINUTE)));
        app.filter.time_range = Some((1, 2));
        app.follow_newest(Some((0, 13 * NANOS_PER_MINUTE)));
        assert!(!app.live.follow);
        assert_eq!(app.filter.time_range, Some((1, 2)));
    }
}

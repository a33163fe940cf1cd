//! Per-frame work that draws nothing: take in the reader's snapshots (within a time budget),
//! the file dialog's answer and dropped files; keep the theme and title in step.

use std::sync::LazyLock;
use std::time::Duration;

use egui::ViewportCommand;

use super::WhohostsApp;
use crate::loading::LoadState;

/// egui's own animation time, given back once a file is read.
static ANIMATION_TIME: LazyLock<f32> = LazyLock::new(|| egui::Style::default().animation_time);

/// Time per frame the UI spends taking in updates from the reader.
const DRAIN_BUDGET: Duration = Duration::from_millis(10);

impl WhohostsApp {
    pub(super) fn logic_impl(&mut self, ctx: &egui::Context) {
        if let Some(path) = self.pending_open.take() {
            self.open(ctx, &path);
        }
        if let Some(paths) = self.dialog.poll() {
            self.open_many(ctx, &paths);
        }
        if self.dialog.take_fell_through() {
            // The native dialog answered at once without showing: offer the built-in one.
            self.apply(ctx, super::AppCommand::ShowFileBrowser(self.dialog.last_pick));
        }
        // Several files dropped at once are read as one (captures merged, or Zeek logs).
        let dropped: Vec<_> = ctx.input(|i| {
            i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()).collect()
        });
        if !dropped.is_empty() {
            self.open_many(ctx, &dropped);
        }
        let mut ended = false;
        if let Some(capture) = &mut self.capture {
            if capture.drain(DRAIN_BUDGET) {
                ended = !capture.is_reading();
                // While reading, the reader's (throttled) wake-ups pace the frames; asking for
                // another frame here would draw flat out.
                if !capture.is_reading() || capture.live_info().is_some() {
                    ctx.request_repaint();
                }
                // Recent files list only what could be read (partial results count).
                let readable = matches!(capture.state, LoadState::Done | LoadState::Cancelled);
                let file = capture.live_info().is_none();
                if readable && file && !self.ephemeral && self.settings.recent_files.first() != Some(&capture.path) {
                    self.settings.remember_file(&capture.path);
                }
            }
        }
        if ended {
            self.settle_open();
        }
        let reading_file = self.capture.as_ref().is_some_and(|c| c.is_reading() && c.live_info().is_none());
        crate::loading::note_reading(ctx, reading_file);
        if reading_file {
            // The reader wakes the window when it sends, but a wake-up asked for between two
            // frames can be dropped by the event loop as stale: this frame asks for the next
            // itself, so the reader's updates are always taken in (it waits for room to send
            // its last one).
            ctx.request_repaint_after(crate::loading::READING_FRAME_INTERVAL);
        }
        // Nothing fades or slides in while a file is read: every animation frame would take
        // the cores the reading needs (a tooltip fading in under a resting pointer drew twenty
        // frames during one second of reading).
        let animation_time = if reading_file { 0.0 } else { *ANIMATION_TIME };
        if ctx.global_style().animation_time != animation_time {
            ctx.all_styles_mut(|style| style.animation_time = animation_time);
        }
        self.live_logic(ctx);
        if self.applied_dark != Some(self.settings.dark) {
            self.apply_theme_now(ctx);
        }
        let title = match &self.capture {
            Some(capture) => format!("{} — whohosts", capture.file_name()),
            None => "whohosts".to_string(),
        };
        if title != self.shown_title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.shown_title = title;
        }
        if let Some(job) = &mut self.screenshot {
            // A big graph may still be building on its worker: the picture waits for it.
            job.step(ctx, self.capture.as_ref(), self.graph.is_building());
        }
    }
}

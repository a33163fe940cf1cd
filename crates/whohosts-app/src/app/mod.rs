//! The whohosts window: the app type eframe runs. Split by job: `logic.rs` takes in what the
//! background threads sent, `ui.rs` lays the panels out, `command_handling.rs` applies what
//! panels asked for, `shortcuts.rs` turns keys into commands.

pub mod command;
mod command_handling;
mod live;
mod logic;
pub mod panel_limits;
mod shortcuts;
mod ui;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use command::AppCommand;
pub use shortcuts::SHORTCUT_HELP;

use crate::export_dialog::ExportDialog;
use crate::file_browser::FileBrowser;
use crate::file_dialog::FileDialog;
use crate::flow_table::FlowTableState;
use crate::graph::GraphState;
use crate::inspector::InspectorState;
use crate::live_panel::LivePanel;
use crate::loading::OpenCapture;
use crate::screenshot::{Outcome, ScreenshotJob};
use crate::settings::Settings;
use crate::timeline_view::TimelineState;
use whohosts_core::analysis::AnalysisConfig;
use whohosts_core::filter::ViewFilter;
use whohosts_core::snapshot::Snapshot;

/// How the window was asked to start.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// A capture to open at once.
    pub file: Option<PathBuf>,
    /// Save the window to this PNG once the capture is read, then quit.
    pub screenshot: Option<PathBuf>,
    /// Start from default settings and do not save them (tests, screenshots).
    pub ephemeral: bool,
    /// How captures are analysed: local networks and the provider data, loaded once.
    pub config: AnalysisConfig,
    /// Start capturing on this interface (with this capture filter) at once.
    pub live: Option<(String, Option<String>)>,
    /// The window's inner size in points (`--window-size`); 1280×800 when not given.
    pub window_size: Option<(u32, u32)>,
}

pub struct WhohostsApp {
    /// Remembered between runs.
    pub settings: Settings,
    ephemeral: bool,
    // Everything below is runtime state, rebuilt each run.
    pub capture: Option<OpenCapture>,
    config: AnalysisConfig,
    next_generation: u64,
    pub filter: ViewFilter,
    /// Selected flows (indices into the snapshot's flows); the first is inspected.
    pub selection: Vec<usize>,
    table: FlowTableState,
    graph: GraphState,
    timeline: TimelineState,
    inspector: InspectorState,
    dialog: FileDialog,
    /// The in-window file browser, for when no native dialog shows.
    browser: FileBrowser,
    /// The capture that was open while another is being opened: it comes back if the new
    /// one cannot be read at all.
    previous: Option<OpenCapture>,
    /// Why the last open failed (the capture before it stayed open).
    pub open_error: Option<String>,
    /// The path field for systems without a file dialog.
    path_input: String,
    show_about: bool,
    show_shortcuts: bool,
    focus_filter: bool,
    pending_open: Option<PathBuf>,
    screenshot: Option<ScreenshotJob>,
    applied_dark: Option<bool>,
    shown_title: String,
    /// The File → Export… window and its running export.
    pub export: ExportDialog,
    /// Live capture: the interface picker, the live bar's state, the save prompt.
    pub live: LivePanel,
}

impl WhohostsApp {
    pub fn new(cc: &eframe::CreationContext<'_>, launch: Launch) -> WhohostsApp {
        let settings = if launch.ephemeral { Settings::default() } else { Settings::load(cc.storage) };
        let mut app = WhohostsApp::with_settings(settings, launch);
        WhohostsApp::install_fonts(&cc.egui_ctx);
        app.apply_theme_now(&cc.egui_ctx);
        app
    }

    fn with_settings(settings: Settings, launch: Launch) -> WhohostsApp {
        WhohostsApp {
            settings,
            ephemeral: launch.ephemeral,
            capture: None,
            config: launch.config.clone(),
            next_generation: 1,
            filter: ViewFilter::default(),
            selection: Vec::new(),
            table: FlowTableState::default(),
            graph: GraphState::in_background(),
            timeline: TimelineState::default(),
            inspector: InspectorState::default(),
            dialog: FileDialog::default(),
            browser: FileBrowser::default(),
            previous: None,
            open_error: None,
            path_input: String::new(),
            show_about: false,
            show_shortcuts: false,
            focus_filter: false,
            pending_open: launch.file.clone(),
            screenshot: launch.screenshot.map(ScreenshotJob::new),
            applied_dark: None,
            shown_title: String::new(),
            export: ExportDialog::default(),
            live: LivePanel::starting(launch.live),
        }
    }

    /// An app with default settings and no window, for unit tests.
    #[cfg(test)]
    pub(crate) fn for_tests(launch: Launch) -> WhohostsApp {
        WhohostsApp::with_settings(Settings::default(), Launch { ephemeral: true, ..launch })
    }

    /// Lets proportional text use the monospace font's arrows and shapes (▲ ▼ → ●), which the
    /// default proportional font lacks; the emoji fonts come last, for the few symbols neither
    /// has (the file browser's folder and file icons 🗀 🗋, its ⟲), so nothing drawn before
    /// changes its look.
    fn install_fonts(ctx: &egui::Context) {
        ctx.set_fonts(fonts());
    }

    /// Applies the theme before the first frame so nothing flashes.
    fn apply_theme_now(&mut self, ctx: &egui::Context) {
        crate::theme::apply(ctx, self.settings.dark);
        self.applied_dark = Some(self.settings.dark);
    }

    /// The graph view's state (where its nodes were drawn), for tests.
    pub fn graph_state(&self) -> &GraphState {
        &self.graph
    }

    /// The timeline view's state (its axis and where it drew), for tests.
    pub fn timeline_state(&self) -> &TimelineState {
        &self.timeline
    }

    /// How captures are analysed (local networks, provider data).
    pub fn config(&self) -> &AnalysisConfig {
        &self.config
    }

    /// Starts reading `path` (a capture, a folder of captures, or Zeek logs), replacing any
    /// open capture.
    pub fn open(&mut self, ctx: &egui::Context, path: &Path) {
        self.open_many(ctx, &[path.to_path_buf()]);
    }

    /// Starts reading several files as one (captures merged in time order, or Zeek logs).
    pub fn open_many(&mut self, ctx: &egui::Context, paths: &[std::path::PathBuf]) {
        // Absolute, so the recent files list works from any working directory.
        let paths: Vec<_> = paths.iter().map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())).collect();
        self.next_generation += 1;
        let notify = crate::loading::throttled_wake(ctx.clone());
        let opened = OpenCapture::open_paths(&paths, self.config.clone(), self.next_generation, notify);
        // A capture read to the end is kept aside until the new one proves readable.
        let keep =
            self.capture.take().filter(|c| !c.is_reading() && c.live_info().is_none() && !c.snapshot.flows.is_empty());
        self.previous = keep.or(self.previous.take());
        self.capture = Some(opened);
        self.open_error = None;
        self.clear_view_state();
        if let Some(first) = paths.first() {
            self.path_input = first.display().to_string();
        }
    }

    /// Shows a ready-made snapshot, as if a file had been read (tests, demos).
    pub fn show_snapshot(&mut self, name: &str, snapshot: Snapshot) {
        self.capture = Some(OpenCapture::from_snapshot(name, snapshot));
        self.clear_view_state();
    }

    /// Whether a capture is still being read.
    pub fn is_reading(&self) -> bool {
        self.capture.as_ref().is_some_and(OpenCapture::is_reading) || self.pending_open.is_some()
    }

    /// For `--screenshot`: where the outcome lands once the picture was saved or loading failed.
    pub fn screenshot_outcome_handle(&self) -> Option<Arc<Mutex<Outcome>>> {
        self.screenshot.as_ref().map(ScreenshotJob::outcome_handle)
    }

    /// After the newly opened capture ended: if nothing could be read, the capture before it
    /// comes back and the error is shown; otherwise the one before is let go.
    fn settle_open(&mut self) {
        let Some(capture) = &self.capture else { return };
        if capture.is_reading() {
            return;
        }
        let failed = capture.state == crate::loading::LoadState::Failed && capture.snapshot.flows.is_empty();
        let previous = self.previous.take();
        if let (true, Some(previous)) = (failed, previous) {
            let error = capture.error.clone().unwrap_or_else(|| format!("{}: could not be read", capture.file_name()));
            self.open_error = Some(format!("{error} (still showing {})", previous.file_name()));
            self.path_input = previous.path.display().to_string();
            self.capture = Some(previous);
            self.clear_view_state();
        }
    }

    fn clear_view_state(&mut self) {
        self.selection.clear();
        self.filter.time_range = None;
        self.table = FlowTableState::default();
        self.graph = GraphState::in_background();
        self.timeline = TimelineState::default();
        self.inspector = InspectorState::default();
    }
}

impl eframe::App for WhohostsApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.logic_impl(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_impl(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if !self.ephemeral {
            self.settings.save(storage);
        }
    }

    fn persist_egui_memory(&self) -> bool {
        // Panel sizes and scroll positions of a previous capture are not worth restoring.
        false
    }
}

/// The default fonts, with Hack before the emoji fonts in both families.
pub(crate) fn fonts() -> egui::FontDefinitions {
    const EMOJI: [&str; 2] = ["NotoEmoji-Regular", "emoji-icon-font"];
    let mut fonts = egui::FontDefinitions::default();
    for (family, hack_first) in [(egui::FontFamily::Proportional, false), (egui::FontFamily::Monospace, true)] {
        if let Some(list) = fonts.families.get_mut(&family) {
            list.retain(|f| !EMOJI.contains(&f.as_str()) && f != "Hack");
            if hack_first {
                list.insert(0, "Hack".to_owned());
            } else {
                list.push("Hack".to_owned());
            }
            list.extend(EMOJI.iter().map(|f| (*f).to_owned()));
        }
    }
    fonts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_browser_icons_have_glyphs_and_hack_still_draws_the_arrows() {
        let fonts = fonts();
        let proportional = &fonts.families[&egui::FontFamily::Proportional];
        assert_eq!(proportional, &["Ubuntu-Light", "egui-icons", "Hack", "NotoEmoji-Regular", "emoji-icon-font"]);
        let monospace = &fonts.families[&egui::FontFamily::Monospace];
        assert_eq!(monospace, &["Hack", "Ubuntu-Light", "egui-icons", "NotoEmoji-Regular", "emoji-icon-font"]);
        let ctx = egui::Context::default();
        ctx.set_fonts(fonts);
        let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
        output.textures_delta.clear();
        for c in ['🗀', '🗋', '⟲', '⬆', '▶', '×'] {
            let found = ctx.fonts_mut(|f| f.has_glyph(&egui::FontId::proportional(14.0), c));
            assert!(found, "no glyph for {c:?}");
        }
    }

    fn read_to_the_end(app: &mut WhohostsApp, ctx: &egui::Context, path: &Path) {
        app.open(ctx, path);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while app.is_reading() {
            assert!(std::time::Instant::now() < deadline);
            app.logic_impl(ctx);
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }

    #[test]
    fn only_readable_files_become_recent() {
        let dir = std::env::temp_dir().join(format!("whohosts-recent-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pcap");
        // A pcap header with no packets: readable, just empty.
        let mut header = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        header.extend_from_slice(&[0; 8]);
        header.extend_from_slice(&65_535u32.to_le_bytes());
        header.extend_from_slice(&1u32.to_le_bytes());
        std::fs::write(&empty, header).unwrap();
        let garbage = dir.join("garbage.pcap");
        std::fs::write(&garbage, b"no capture here").unwrap();

        let ctx = egui::Context::default();
        let mut app = WhohostsApp::with_settings(Settings::default(), Launch::default());
        read_to_the_end(&mut app, &ctx, &garbage);
        assert!(app.settings.recent_files.is_empty());
        assert!(app.capture.as_ref().and_then(|c| c.error.as_deref()).is_some_and(|e| e.contains("garbage.pcap")));
        read_to_the_end(&mut app, &ctx, &empty);
        assert_eq!(app.settings.recent_files, vec![std::fs::canonicalize(&empty).unwrap()]);
        let _ = std::fs::remove_dir_all(dir);
    }
}

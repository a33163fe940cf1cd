//! The live capture bar shown above the views while a live capture is open: state, Pause /
//! Resume, Stop, saving as pcapng (path field or the native dialog, both off the UI thread),
//! packets analysed, the drop counters (always shown, red when not zero) and "follow the last
//! N minutes". Also the "save what was captured?" prompt shown when a capture ends.

use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::time::{Duration, Instant};
use whohosts_core::capture::{libpcap_opener, LiveOpener};

use egui::{Color32, RichText};

use crate::app::command::AppCommand;
use crate::app::command::LiveAction;
use crate::format;
use crate::interface_picker::InterfacePicker;
use crate::loading::{LoadState, OpenCapture};
use whohosts_core::session::SaveTicket;

/// The accessible label of the save path field (tests find it by this).
pub const SAVE_PATH_LABEL: &str = "Save to";

/// A dialog that answers faster than this was never shown (no portal, no zenity).
const NO_DIALOG_THRESHOLD: Duration = Duration::from_millis(300);

/// The live-capture UI state that outlives frames (one per window).
pub struct LivePanel {
    pub picker: InterfacePicker,
    pub save_path: String,
    save_dialog: Option<(Receiver<Option<PathBuf>>, Instant)>,
    pub ticket: Option<SaveTicket>,
    /// The last save's outcome, or a note about the dialog.
    pub save_message: Option<Result<String, String>>,
    /// Follow the last `follow_minutes` of traffic (sets the views' time range).
    pub follow: bool,
    pub follow_minutes: u32,
    /// The range following set last; a different range means the user chose one.
    pub follow_range: Option<(i64, i64)>,
    /// The "save what was captured?" prompt is showing / was offered for this capture.
    pub prompt: bool,
    pub prompted: bool,
    /// `--live IFACE [--filter EXPR]`: started on the first frame.
    pub pending_start: Option<(String, Option<String>)>,
    /// What a capture reads from: libpcap, or in tests a replayed file (no privileges).
    pub opener: LiveOpener,
}

impl Default for LivePanel {
    fn default() -> Self {
        LivePanel {
            picker: InterfacePicker::default(),
            save_path: String::new(),
            save_dialog: None,
            ticket: None,
            save_message: None,
            follow: false,
            follow_minutes: 5,
            follow_range: None,
            prompt: false,
            prompted: false,
            pending_start: None,
            opener: libpcap_opener(),
        }
    }
}

impl LivePanel {
    /// The panel of a new window; `start` is `--live IFACE [--filter EXPR]`.
    pub fn starting(start: Option<(String, Option<String>)>) -> Self {
        LivePanel { pending_start: start, ..LivePanel::default() }
    }

    /// Forgets what belonged to the previous capture; keeps the picker and follow settings.
    pub fn new_capture(&mut self) {
        self.ticket = None;
        self.save_message = None;
        self.follow_range = None;
        self.prompt = false;
        self.prompted = false;
    }

    /// Shows the native save dialog on its own thread; `wake` repaints when it answers.
    pub fn start_save_dialog(&mut self, wake: impl Fn() + Send + 'static) {
        if self.save_dialog.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let spawned = std::thread::Builder::new().name("whohosts-save-dialog".into()).spawn(move || {
            let picked = rfd::FileDialog::new()
                .set_title("Save the capture as pcapng")
                .set_file_name("capture.pcapng")
                .add_filter("pcapng", &["pcapng"])
                .save_file();
            let _ = tx.send(picked);
            wake();
        });
        match spawned {
            Ok(_) => self.save_dialog = Some((rx, Instant::now())),
            Err(e) => self.save_message = Some(Err(format!("cannot show the save dialog: {e}"))),
        }
    }

    /// The path the dialog answered with, once it has.
    pub fn poll_save_dialog(&mut self) -> Option<PathBuf> {
        let (rx, started) = self.save_dialog.as_ref()?;
        let answer = match rx.try_recv() {
            Ok(answer) => answer,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => None,
        };
        if answer.is_none() && started.elapsed() < NO_DIALOG_THRESHOLD {
            self.save_message =
                Some(Err("No file dialog on this system: type a path in \"Save to\" and press Save".into()));
        }
        self.save_dialog = None;
        answer
    }

    /// Takes the save's result once it is done.
    pub fn poll_ticket(&mut self) -> bool {
        let Some(result) = self.ticket.as_ref().and_then(SaveTicket::try_result) else { return false };
        self.ticket = None;
        self.save_message = Some(match result {
            Ok(saved) => {
                let mut text = format!("Saved {} to {}", format::counted(saved.frames, "packet"), saved.path.display());
                if saved.left_out > 0 {
                    text.push_str(&format!(" ({} left out: disk limit)", format::count(saved.left_out)));
                }
                Ok(text)
            }
            Err(e) => Err(e.to_string()),
        });
        true
    }
}

/// The bar above the views while a live capture is open.
#[must_use]
pub fn live_bar_ui(ui: &mut egui::Ui, capture: &OpenCapture, panel: &mut LivePanel) -> Vec<AppCommand> {
    let mut commands = Vec::new();
    let Some(info) = capture.live_info() else { return commands };
    let stats = info.stats;
    let capturing = capture.is_reading();
    let error = ui.visuals().error_fg_color;
    if capture.state == LoadState::Failed {
        // Nothing was captured (the banner says why): nothing to pause, count or save.
        ui.horizontal(|ui| {
            ui.label(RichText::new("●").color(ui.visuals().weak_text_color()));
            ui.label(RichText::new(format!("Could not capture on {}", info.interface)).strong());
            ui.weak("Capture → Live capture… to try again");
        });
        return commands;
    }
    ui.horizontal_wrapped(|ui| {
        let (dot, state) = match (capturing, stats.paused) {
            (true, false) => (Color32::from_rgb(220, 40, 40), "Capturing on"),
            (true, true) => (ui.visuals().warn_fg_color, "Paused on"),
            (false, _) => (ui.visuals().weak_text_color(), "Stopped on"),
        };
        ui.label(RichText::new("●").color(dot));
        ui.label(RichText::new(format!("{state} {}", info.interface)).strong());
        if let Some(filter) = &info.filter {
            ui.weak(format!("filter: {filter}"));
        }
        ui.separator();
        if capturing {
            if stats.paused {
                if ui.button("Resume").clicked() {
                    commands.push(AppCommand::Live(LiveAction::Resume));
                }
            } else if ui.button("Pause").on_hover_text("Traffic meanwhile is neither analysed nor saved").clicked() {
                commands.push(AppCommand::Live(LiveAction::Pause));
            }
            if ui.button("Stop").clicked() {
                commands.push(AppCommand::Live(LiveAction::Stop));
            }
            ui.separator();
        }
        ui.label(format!("{} analysed", format::counted(stats.analysed, "packet")));
        ui.separator();
        // Always shown, so "no drops" is something the user can see.
        let drops = format!("Dropped: {} by the kernel, {} by the interface", stats.dropped, stats.if_dropped);
        let drops = if stats.dropped > 0 || stats.if_dropped > 0 {
            RichText::new(drops).color(error).strong()
        } else {
            RichText::new(drops).weak()
        };
        ui.label(drops).on_hover_text(
            "Kernel drops: whohosts did not read fast enough. Interface drops: the driver lost them first.",
        );
        ui.separator();
        ui.checkbox(&mut panel.follow, "Follow last");
        ui.add(egui::DragValue::new(&mut panel.follow_minutes).range(1..=1440).suffix(" min"));
        ui.weak(if panel.follow { "(sets the time range to the newest traffic)" } else { "(showing all since start)" });
    });
    ui.horizontal(|ui| {
        let label = ui.label(SAVE_PATH_LABEL);
        ui.add(
            egui::TextEdit::singleline(&mut panel.save_path).hint_text("/path/to/capture.pcapng").desired_width(280.0),
        )
        .labelled_by(label.id);
        let path = panel.save_path.trim().to_string();
        let idle = panel.ticket.is_none();
        if ui.add_enabled(idle && !path.is_empty(), egui::Button::new("Save")).clicked() {
            commands.push(AppCommand::Live(LiveAction::Save(PathBuf::from(path))));
        }
        if ui.add_enabled(idle, egui::Button::new("Save as pcapng…")).clicked() {
            commands.push(AppCommand::Live(LiveAction::ChooseSavePath));
        }
        if !idle {
            ui.spinner();
            ui.weak("Saving…");
        }
        match &panel.save_message {
            Some(Ok(text)) => {
                ui.label(text);
            }
            Some(Err(text)) => {
                ui.label(RichText::new(text).color(error));
            }
            None => {}
        }
    });
    commands
}

/// "Save the N captured packets as pcapng?", shown once when a capture with packets ends.
#[must_use]
pub fn save_prompt_ui(ctx: &egui::Context, capture: &OpenCapture) -> Vec<AppCommand> {
    let mut commands = Vec::new();
    let packets = capture.live_info().map_or(0, |i| i.stats.analysed);
    egui::Window::new("Capture stopped")
        .collapsible(false)
        .resizable(false)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .show(ctx, |ui| {
            ui.label(format!("Save the {} captured packets as pcapng?", format::count(packets)));
            ui.horizontal(|ui| {
                if ui.button("Save…").clicked() {
                    commands.push(AppCommand::Live(LiveAction::ChooseSavePath));
                    commands.push(AppCommand::Live(LiveAction::DismissPrompt));
                }
                if ui.button("Discard").on_hover_text("Keep looking at it without saving").clicked() {
                    commands.push(AppCommand::Live(LiveAction::DismissPrompt));
                }
            });
        });
    commands
}

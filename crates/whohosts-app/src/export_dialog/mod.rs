//! The File → Export… window: what to export (a figure, CSV tables, JSON, the selected
//! flows as pcap), the figure's options (`figure_options.rs`) and where to write it. The
//! export covers what the views show (the app's filter), runs on its own thread
//! ([`super::export_job`]) and asks before replacing a file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::RichText;

mod figure_options;

pub use figure_options::{parse_colours, FigureOptions};

use super::export_job::{existing_output, ExportJob, ExportRequest, ExportTarget};
use super::save_dialog::{SaveAnswer, SaveDialog};
use crate::figure::png;
use crate::figure::{FigureSpec, View};
use crate::format::counted;
use whohosts_core::export::{Overwrite, ViewFilter};
use whohosts_core::snapshot::Snapshot;

/// The window's title (tests find it by this).
pub const WINDOW_TITLE: &str = "Export the current view";
/// The accessible label of the destination field.
pub const DESTINATION_LABEL: &str = "Export destination";

/// What the window exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// Graph above timeline, with legend and caption.
    Figure,
    Graph,
    Timeline,
    Csv,
    Json,
    Pcap,
}

impl ExportKind {
    const ALL: [ExportKind; 6] = [
        ExportKind::Figure,
        ExportKind::Graph,
        ExportKind::Timeline,
        ExportKind::Csv,
        ExportKind::Json,
        ExportKind::Pcap,
    ];

    fn label(self) -> &'static str {
        match self {
            ExportKind::Figure => "Figure: graph and timeline (PNG, SVG or PDF by extension)",
            ExportKind::Graph => "Figure: graph",
            ExportKind::Timeline => "Figure: timeline",
            ExportKind::Csv => "CSV tables (into a folder)",
            ExportKind::Json => "JSON document",
            ExportKind::Pcap => "pcap of the selected flows",
        }
    }

    fn figure_view(self) -> Option<View> {
        match self {
            ExportKind::Figure => Some(View::Figure),
            ExportKind::Graph => Some(View::Graph),
            ExportKind::Timeline => Some(View::Timeline),
            _ => None,
        }
    }

    /// The file (or folder) name next to the capture `stem`.
    fn default_name(self, stem: &str) -> String {
        match self {
            ExportKind::Figure => format!("{stem}-figure.png"),
            ExportKind::Graph => format!("{stem}-graph.png"),
            ExportKind::Timeline => format!("{stem}-timeline.png"),
            ExportKind::Csv => format!("{stem}-tables"),
            ExportKind::Json => format!("{stem}.json"),
            ExportKind::Pcap => format!("{stem}-selected.pcap"),
        }
    }
}

/// Where the last export stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportStatus {
    Exporting,
    Saved(String),
    Failed(String),
}

/// What the window reads from the app each frame.
pub struct ExportInput<'a> {
    pub capture_path: &'a Path,
    /// The capture files the frames of a pcap export are read from (none for Zeek logs).
    pub captures: &'a [PathBuf],
    pub snapshot: &'a Arc<Snapshot>,
    pub filter: &'a ViewFilter,
    pub selection: &'a [usize],
    /// The range data lines for the figure's caption (as the CLI writes them).
    pub sources: &'a dyn Fn() -> Vec<String>,
}

pub struct ExportDialog {
    pub open: bool,
    pub kind: ExportKind,
    /// The figure's title, size, colours and theme (for the figure kinds).
    pub figure: FigureOptions,
    pub path: String,
    pub status: Option<ExportStatus>,
    /// The capture the defaults were made for.
    capture: PathBuf,
    /// The last pre-filled path: replaced when the kind changes, unless the user edited it.
    default_path: String,
    /// Set when the destination exists and the user has not yet said to replace it.
    confirm_replace: Option<PathBuf>,
    job: Option<ExportJob>,
    chooser: SaveDialog,
}

impl Default for ExportDialog {
    fn default() -> Self {
        ExportDialog {
            open: false,
            kind: ExportKind::Figure,
            figure: FigureOptions::default(),
            path: String::new(),
            status: None,
            capture: PathBuf::new(),
            default_path: String::new(),
            confirm_replace: None,
            job: None,
            chooser: SaveDialog::default(),
        }
    }
}

impl ExportDialog {
    /// Opens the window for `capture_path`; a different capture than last time resets the
    /// title and destination to its defaults.
    pub fn show(&mut self, capture_path: &Path) {
        self.open = true;
        if self.capture != capture_path {
            self.capture = capture_path.to_path_buf();
            self.figure.title = png::default_title(&file_name(capture_path));
            self.default_path = self.default_destination(self.kind);
            self.path = self.default_path.clone();
            self.status = None;
            self.confirm_replace = None;
        }
    }

    pub fn is_exporting(&self) -> bool {
        self.job.is_some()
    }

    fn default_destination(&self, kind: ExportKind) -> String {
        let stem = self.capture.file_stem().map_or_else(|| "capture".into(), |s| s.to_string_lossy().into_owned());
        let dir = self.capture.parent().unwrap_or(Path::new(""));
        dir.join(kind.default_name(&stem)).display().to_string()
    }

    fn set_kind(&mut self, kind: ExportKind) {
        if kind == self.kind {
            return;
        }
        self.kind = kind;
        let fresh = self.default_destination(kind);
        if self.path == self.default_path {
            self.path = fresh.clone();
        } else {
            // A destination the user chose keeps its folder and name, with the new kind's
            // extension: a .png left in place for CSV would only fail or overwrite.
            self.path = with_kind_extension(&self.path, kind);
        }
        self.default_path = fresh;
        self.confirm_replace = None;
    }

    /// Takes in the export thread's and the save dialog's answers.
    fn poll(&mut self) {
        if let Some(outcome) = self.job.as_ref().and_then(ExportJob::poll) {
            self.job = None;
            self.status = Some(match outcome {
                Ok(saved) => ExportStatus::Saved(saved),
                Err(error) => ExportStatus::Failed(error),
            });
        }
        match self.chooser.poll() {
            Some(SaveAnswer::Picked(path)) => self.path = path.display().to_string(),
            Some(SaveAnswer::Unavailable) => {
                self.status = Some(ExportStatus::Failed(
                    "No file dialog on this system: type the destination in the field".to_string(),
                ));
            }
            Some(SaveAnswer::Cancelled) | None => {}
        }
    }

    /// Draws the window while it is open.
    pub fn window_ui(&mut self, ctx: &egui::Context, input: &ExportInput<'_>) {
        self.poll();
        if !self.open {
            return;
        }
        if self.kind == ExportKind::Pcap && input.selection.is_empty() {
            self.set_kind(ExportKind::Figure);
        }
        let mut open = true;
        egui::Window::new(WINDOW_TITLE).open(&mut open).resizable(false).collapsible(false).show(ctx, |ui| {
            self.form_ui(ui, input);
        });
        self.open = open && self.open;
    }

    fn form_ui(&mut self, ui: &mut egui::Ui, input: &ExportInput<'_>) {
        ui.label(RichText::new("What to export").strong());
        for kind in ExportKind::ALL {
            let enabled = kind != ExportKind::Pcap || !input.selection.is_empty();
            let radio = ui.add_enabled(enabled, egui::RadioButton::new(self.kind == kind, kind.label()));
            let radio = radio.on_disabled_hover_text("Select flows in the table, graph or timeline first");
            if radio.clicked() {
                self.set_kind(kind);
            }
        }
        let shown = whohosts_core::export::selected_flows(input.snapshot, input.filter).len();
        let covered = match self.kind {
            ExportKind::Pcap => format!("{} selected", counted(input.selection.len() as u64, "flow")),
            _ => format!("{shown} of {} flows, as filtered in the views", input.snapshot.flows.len()),
        };
        ui.weak(covered);
        ui.separator();
        if self.kind.figure_view().is_some() {
            self.figure.settings_ui(ui);
            ui.separator();
        }
        ui.horizontal(|ui| {
            let label = ui.label(DESTINATION_LABEL);
            ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(360.0)).labelled_by(label.id);
            if ui.add_enabled(!self.chooser.is_open(), egui::Button::new("Choose…")).clicked() {
                let wake = ui.ctx().clone();
                self.chooser
                    .start(Path::new(self.path.trim()), self.kind == ExportKind::Csv, move || wake.request_repaint());
            }
        });
        ui.add_space(6.0);
        self.actions_ui(ui, input);
    }

    fn actions_ui(&mut self, ui: &mut egui::Ui, input: &ExportInput<'_>) {
        if let Some(existing) = self.confirm_replace.clone() {
            ui.label(format!("{} exists. Replace it?", existing.display()));
            ui.horizontal(|ui| {
                if ui.button("Replace").clicked() {
                    self.confirm_replace = None;
                    self.start(ui.ctx(), input, Overwrite::Replace);
                }
                if ui.button("Cancel").clicked() {
                    self.confirm_replace = None;
                }
            });
        } else {
            ui.horizontal(|ui| {
                let ready = !self.is_exporting() && !self.path.trim().is_empty();
                if ui.add_enabled(ready, egui::Button::new("Export")).clicked() {
                    self.export_clicked(ui.ctx(), input);
                }
                if ui.button("Close").clicked() {
                    self.open = false;
                }
            });
        }
        match &self.status {
            Some(ExportStatus::Exporting) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Exporting…");
                });
            }
            Some(ExportStatus::Saved(message)) => _ = ui.label(message),
            Some(ExportStatus::Failed(error)) => {
                _ = ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
            }
            None => {}
        }
    }

    /// Asks first when the export would replace a file.
    fn export_clicked(&mut self, ctx: &egui::Context, input: &ExportInput<'_>) {
        let target = self.target(input);
        if let Some(existing) = existing_output(&target, Path::new(self.path.trim())) {
            self.confirm_replace = Some(existing);
            return;
        }
        // Refuse still: a file that appeared meanwhile is not replaced unasked.
        self.start(ctx, input, Overwrite::Refuse);
    }

    fn target(&self, input: &ExportInput<'_>) -> ExportTarget {
        match self.kind.figure_view() {
            Some(view) => ExportTarget::Figure(Box::new(self.figure_spec(view, input))),
            None if self.kind == ExportKind::Csv => ExportTarget::Csv,
            None if self.kind == ExportKind::Json => ExportTarget::Json,
            None => ExportTarget::Pcap,
        }
    }

    /// The same fields `whohosts export --png` fills from its flags.
    fn figure_spec(&self, view: View, input: &ExportInput<'_>) -> FigureSpec {
        self.figure.spec(view, file_name(input.capture_path), (input.sources)())
    }

    fn start(&mut self, ctx: &egui::Context, input: &ExportInput<'_>, overwrite: Overwrite) {
        let request = ExportRequest {
            target: self.target(input),
            destination: PathBuf::from(self.path.trim()),
            overwrite,
            captures: input.captures.to_vec(),
            capture_name: file_name(input.capture_path),
            snapshot: Arc::clone(input.snapshot),
            filter: input.filter.clone(),
            selection: input.selection.to_vec(),
        };
        let wake = ctx.clone();
        match ExportJob::start(request, move || wake.request_repaint()) {
            Ok(job) => {
                self.job = Some(job);
                self.status = Some(ExportStatus::Exporting);
            }
            Err(error) => self.status = Some(ExportStatus::Failed(error)),
        }
    }
}

/// `path` with the extension `kind` writes: .png for pictures, .json, .pcap, none for the CSV
/// folder. Extensions of other kinds are replaced; anything else is kept and added to.
fn with_kind_extension(path: &str, kind: ExportKind) -> String {
    const OURS: [&str; 6] = ["png", "svg", "pdf", "json", "pcap", "csv"];
    const PICTURES: [&str; 3] = ["png", "svg", "pdf"];
    let p = Path::new(path);
    let extension_of = |e: &std::ffi::OsStr| OURS.iter().find(|o| e.eq_ignore_ascii_case(o)).copied();
    let current = p.extension().and_then(extension_of);
    let base = if current.is_some() { p.with_extension("") } else { p.to_path_buf() };
    let extension = match kind {
        // A picture keeps the vector format the user chose.
        ExportKind::Figure | ExportKind::Graph | ExportKind::Timeline => {
            current.filter(|e| PICTURES.contains(e)).unwrap_or("png")
        }
        ExportKind::Json => "json",
        ExportKind::Pcap => "pcap",
        ExportKind::Csv => return base.display().to_string(),
    };
    let mut name = base.into_os_string();
    name.push(".");
    name.push(extension);
    PathBuf::from(name).display().to_string()
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_sit_next_to_the_capture_and_follow_the_kind_until_edited() {
        let mut dialog = ExportDialog::default();
        dialog.show(Path::new("/data/icloud.pcap"));
        assert_eq!(dialog.path, "/data/icloud-figure.png");
        assert_eq!(dialog.figure.title, "Who hosts the traffic in icloud.pcap");
        dialog.set_kind(ExportKind::Csv);
        assert_eq!(dialog.path, "/data/icloud-tables");
        dialog.path = "/tmp/mine.json".into();
        dialog.set_kind(ExportKind::Json);
        assert_eq!(dialog.path, "/tmp/mine.json");
        // A chosen destination follows the kind's extension (PNG -> CSV was "File exists").
        dialog.set_kind(ExportKind::Figure);
        assert_eq!(dialog.path, "/tmp/mine.png");
        dialog.set_kind(ExportKind::Csv);
        assert_eq!(dialog.path, "/tmp/mine");
        dialog.set_kind(ExportKind::Pcap);
        assert_eq!(dialog.path, "/tmp/mine.pcap");
        dialog.set_kind(ExportKind::Json);
        // The same capture keeps the user's choices; another one starts afresh.
        dialog.show(Path::new("/data/icloud.pcap"));
        assert_eq!(dialog.path, "/tmp/mine.json");
        dialog.show(Path::new("/data/other.pcapng"));
        assert_eq!(dialog.path, "/data/other.json");
    }
}

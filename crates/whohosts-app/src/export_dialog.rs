//! The File → Export… window: what to export (a figure, CSV tables, JSON, the selected
//! flows as pcap), the figure's title, size, scale and theme, and where to write it. The
//! export covers what the views show (the app's filter), runs on its own thread
//! ([`super::export_job`]) and asks before replacing a file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{DragValue, RichText};

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
    pub snapshot: &'a Arc<Snapshot>,
    pub filter: &'a ViewFilter,
    pub selection: &'a [usize],
    /// The range data lines for the figure's caption (as the CLI writes them).
    pub sources: &'a dyn Fn() -> Vec<String>,
}

pub struct ExportDialog {
    pub open: bool,
    pub kind: ExportKind,
    pub title: String,
    pub subtitle: String,
    /// The author's words for the caption's first line.
    pub caption: String,
    /// Text size relative to the default.
    pub font_scale: f32,
    /// Owners with a colour of their own; 0: decided from the data.
    pub max_coloured: usize,
    /// Owners always folded into "Other ASes", comma-separated.
    pub fold: String,
    /// Colours chosen for owners: "OWNER=#RRGGBB", comma-separated.
    pub colours: String,
    /// Figure size in points.
    pub width: u32,
    pub height: u32,
    /// Pixels per point, 1 to 4.
    pub scale: u32,
    pub dark: bool,
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
        let spec = FigureSpec::default();
        ExportDialog {
            open: false,
            kind: ExportKind::Figure,
            title: String::new(),
            subtitle: String::new(),
            caption: String::new(),
            font_scale: spec.font_scale,
            max_coloured: 0,
            fold: String::new(),
            colours: String::new(),
            width: spec.width,
            height: spec.height,
            scale: spec.scale.round() as u32,
            dark: spec.dark,
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
            self.title = png::default_title(&file_name(capture_path));
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
            self.figure_settings_ui(ui);
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

    fn figure_settings_ui(&mut self, ui: &mut egui::Ui) {
        egui::Grid::new("export_figure_settings").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            let label = ui.label("Figure title");
            ui.add(egui::TextEdit::singleline(&mut self.title).desired_width(360.0)).labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Subtitle");
            ui.add(egui::TextEdit::singleline(&mut self.subtitle).desired_width(360.0)).labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Caption");
            ui.add(egui::TextEdit::multiline(&mut self.caption).desired_rows(2).desired_width(360.0))
                .labelled_by(label.id);
            ui.end_row();
            ui.label("Size (points)");
            ui.horizontal(|ui| {
                ui.add(DragValue::new(&mut self.width).range(200..=4000).suffix(" wide"));
                ui.label("×");
                ui.add(DragValue::new(&mut self.height).range(150..=4000).suffix(" high"));
                for (name, w, h) in crate::figure::PRESETS {
                    if ui.small_button(name).on_hover_text(format!("{w} × {h} points")).clicked() {
                        (self.width, self.height) = (w, h);
                    }
                }
            });
            ui.end_row();
            let label = ui.label("Text size");
            ui.add(DragValue::new(&mut self.font_scale).range(0.5..=3.0).speed(0.05).suffix("×")).labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Coloured owners");
            ui.horizontal(|ui| {
                ui.add(DragValue::new(&mut self.max_coloured).range(0..=12)).labelled_by(label.id);
                ui.weak(if self.max_coloured == 0 {
                    "from the data; the rest fold into \"Other ASes\"".to_string()
                } else {
                    format!("the largest {}; the rest fold into \"Other ASes\"", self.max_coloured)
                });
            });
            ui.end_row();
            let label = ui.label("Fold owners");
            ui.add(
                egui::TextEdit::singleline(&mut self.fold).hint_text("AS15133 Edgecast, Akamai").desired_width(360.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Owner colours");
            ui.add(
                egui::TextEdit::singleline(&mut self.colours)
                    .hint_text("Apple=#222222, AS8075 Microsoft=#7F3C8D")
                    .desired_width(360.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label("Scale");
            ui.horizontal(|ui| {
                for scale in 1..=4 {
                    ui.selectable_value(&mut self.scale, scale, format!("{scale}x"));
                }
                let (w, h) = (self.width.saturating_mul(self.scale), self.height.saturating_mul(self.scale));
                ui.weak(format!("{w} × {h} px"));
            });
            ui.end_row();
            ui.label("Theme");
            ui.horizontal(|ui| {
                ui.radio_value(&mut self.dark, false, "Light (print)");
                ui.radio_value(&mut self.dark, true, "Dark");
            });
            ui.end_row();
        });
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
        let capture_name = file_name(input.capture_path);
        let title = self.title.trim();
        FigureSpec {
            view,
            width: self.width,
            height: self.height,
            scale: self.scale.clamp(1, 4) as f32,
            dark: self.dark,
            title: if title.is_empty() { png::default_title(&capture_name) } else { title.to_string() },
            subtitle: self.subtitle.trim().to_string(),
            caption: self.caption.trim().to_string(),
            capture_name,
            sources: (input.sources)(),
            font_scale: self.font_scale,
            palette: crate::palette::PaletteOptions {
                max_coloured: (self.max_coloured > 0).then_some(self.max_coloured),
                fold: self.fold.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
                overrides: parse_colours(&self.colours),
                room: None,
            },
        }
    }

    fn start(&mut self, ctx: &egui::Context, input: &ExportInput<'_>, overwrite: Overwrite) {
        let request = ExportRequest {
            target: self.target(input),
            destination: PathBuf::from(self.path.trim()),
            overwrite,
            capture_path: input.capture_path.to_path_buf(),
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

/// "OWNER=#RRGGBB, OWNER=#RRGGBB" as colour choices; entries that do not parse are skipped.
pub fn parse_colours(text: &str) -> Vec<(String, crate::palette::Rgb)> {
    text.split(',')
        .filter_map(|entry| {
            let (owner, hex) = entry.rsplit_once('=')?;
            let hex = hex.trim().trim_start_matches('#');
            let byte = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
            let rgb = crate::palette::Rgb(byte(0)?, byte(2)?, byte(4)?);
            (hex.len() == 6 && !owner.trim().is_empty()).then(|| (owner.trim().to_string(), rgb))
        })
        .collect()
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
    fn owner_colours_parse_and_bad_entries_are_skipped() {
        let parsed = parse_colours("Apple=#222222, AS8075 Microsoft = 7f3c8d, nonsense, X=#12");
        assert_eq!(
            parsed,
            vec![
                ("Apple".to_string(), crate::palette::Rgb(0x22, 0x22, 0x22)),
                ("AS8075 Microsoft".to_string(), crate::palette::Rgb(0x7F, 0x3C, 0x8D)),
            ]
        );
    }

    #[test]
    fn destinations_sit_next_to_the_capture_and_follow_the_kind_until_edited() {
        let mut dialog = ExportDialog::default();
        dialog.show(Path::new("/data/icloud.pcap"));
        assert_eq!(dialog.path, "/data/icloud-figure.png");
        assert_eq!(dialog.title, "Who hosts the traffic in icloud.pcap");
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

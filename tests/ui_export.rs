//! File → Export… driven like a user would (egui_kittest): open a capture, open the export
//! window from the menu or with Ctrl+E, write a PNG figure and CSV tables into a temporary
//! folder, and confirm before replacing a file.

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

use whohosts_app::export_dialog::{ExportKind, ExportStatus, DESTINATION_LABEL, WINDOW_TITLE};
use whohosts_app::figure::png;
use whohosts_app::figure::views::AppViews;
use whohosts_app::figure::{FigureSpec, View};
use whohosts_app::WhohostsApp;
use whohosts_core::export::dataset_lines;

use crate::ui::{open_via_path_field, sized_harness, test_capture};

/// Off-screen rendering may fall back to a CPU rasteriser: allow it time.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(90);

fn harness() -> Harness<'static, WhohostsApp> {
    sized_harness(1280.0, 800.0)
}

fn open_capture(harness: &mut Harness<'_, WhohostsApp>, name: &str) {
    open_via_path_field(harness, &test_capture(name));
}

fn open_export_window_from_menu(harness: &mut Harness<'_, WhohostsApp>) {
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Export… Ctrl+E").click();
    harness.run_steps(3);
    harness.get_by_label(WINDOW_TITLE);
}

/// Replaces the destination field's text, as a user selecting all and typing would.
fn set_destination(harness: &mut Harness<'_, WhohostsApp>, path: &Path) {
    harness.get_by_label(DESTINATION_LABEL).focus();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label(DESTINATION_LABEL).type_text(&path.display().to_string());
    harness.run_steps(2);
    assert_eq!(harness.state().export.path, path.display().to_string());
}

/// The figure `whohosts export --png` would draw of the app's capture and filter at this size.
fn same_figure_as_the_cli(harness: &Harness<'_, WhohostsApp>, width: u32, height: u32) -> image::RgbaImage {
    let app = harness.state();
    let capture = app.capture.as_ref().unwrap();
    let spec = FigureSpec {
        view: View::Figure,
        width,
        height,
        scale: 1.0,
        dark: false,
        title: png::default_title(&capture.file_name()),
        caption: String::new(),
        capture_name: capture.file_name(),
        sources: dataset_lines(app.config()),
        ..FigureSpec::default()
    };
    png::render_figure_with(&capture.snapshot, &app.filter, &spec, &mut AppViews::default()).unwrap()
}

/// Steps the window until the export thread has answered.
fn wait_for_export(harness: &mut Harness<'_, WhohostsApp>) -> ExportStatus {
    let deadline = Instant::now() + EXPORT_TIMEOUT;
    while harness.state().export.is_exporting() {
        assert!(Instant::now() < deadline, "the export did not finish");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run_steps(2);
    harness.state().export.status.clone().expect("a finished export has a status")
}

#[test]
fn export_writes_a_png_of_the_chosen_size_and_asks_before_replacing() {
    let dir = tempfile::tempdir().unwrap();
    let png_path = dir.path().join("three-flows-figure.png");
    let mut harness = harness();
    open_capture(&mut harness, "export-png.pcap");
    open_export_window_from_menu(&mut harness);
    // The defaults name the capture and sit next to it.
    assert_eq!(harness.state().export.figure.title, "Who hosts the traffic in export-png.pcap");
    assert!(harness.state().export.path.ends_with("export-png-figure.png"), "{}", harness.state().export.path);
    {
        let export = &mut harness.state_mut().export;
        export.figure.width = 400;
        export.figure.height = 300;
        export.figure.scale = 1;
    }
    set_destination(&mut harness, &png_path);

    harness.get_by_label("Export").click();
    harness.run_steps(1);
    let status = wait_for_export(&mut harness);
    assert_eq!(status, ExportStatus::Saved(format!("Saved {}", png_path.display())));
    harness.get_by_label(&format!("Saved {}", png_path.display()));
    let image = image::open(&png_path).unwrap();
    assert_eq!((image.width(), image.height()), (400, 300));
    assert_eq!(
        image.to_rgba8(),
        same_figure_as_the_cli(&harness, 400, 300),
        "the CLI's function draws the same picture"
    );

    // A second export to the same file asks first; Cancel keeps it, Replace writes it again.
    harness.get_by_label("Export").click();
    harness.run_steps(2);
    harness.get_by_label(&format!("{} exists. Replace it?", png_path.display()));
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(harness.query_by_label(&format!("{} exists. Replace it?", png_path.display())).is_none());
    harness.state_mut().export.figure.scale = 2;
    harness.get_by_label("Export").click();
    harness.run_steps(2);
    harness.get_by_label("Replace").click();
    harness.run_steps(1);
    let status = wait_for_export(&mut harness);
    assert_eq!(status, ExportStatus::Saved(format!("Saved {}", png_path.display())));
    let image = image::open(&png_path).unwrap();
    assert_eq!((image.width(), image.height()), (800, 600));
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary files stay behind");
}

#[test]
fn ctrl_e_opens_the_window_and_csv_export_writes_the_filtered_flows() {
    let dir = tempfile::tempdir().unwrap();
    let tables = dir.path().join("tables");
    let mut harness = harness();
    open_capture(&mut harness, "export-csv.pcap");
    // Only the HTTPS flow is shown: the export covers what the views show.
    harness.state_mut().filter.text = "443".into();
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    harness.run_steps(3);
    harness.get_by_label(WINDOW_TITLE);
    // Without a selection the pcap choice is disabled.
    harness.get_by_label("pcap of the selected flows").click();
    harness.run_steps(2);
    assert_eq!(harness.state().export.kind, ExportKind::Figure);
    harness.get_by_label("CSV tables (into a folder)").click();
    harness.run_steps(2);
    assert!(harness.state().export.path.ends_with("export-csv-tables"), "{}", harness.state().export.path);
    set_destination(&mut harness, &tables);

    harness.get_by_label("Export").click();
    harness.run_steps(1);
    let status = wait_for_export(&mut harness);
    assert_eq!(status, ExportStatus::Saved(format!("Saved {}", tables.display())));
    let flows = std::fs::read_to_string(tables.join("flows.csv")).unwrap();
    assert_eq!(flows.lines().count(), 2, "a header and the one filtered flow:\n{flows}");
    assert!(flows.contains("93.184.216.34"), "{flows}");
    assert!(tables.join("endpoints.csv").exists() && tables.join("providers.csv").exists());

    // Close hides the window.
    harness.get_by_label("Close").click();
    harness.run_steps(2);
    assert!(harness.query_by_label(WINDOW_TITLE).is_none());
}

#[test]
fn the_selected_flows_export_as_pcap() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("selected.pcap");
    let mut harness = harness();
    open_capture(&mut harness, "export-pcap.pcap");
    harness.get_by_label("93.184.216.34:443").click();
    harness.run_steps(3);
    assert_eq!(harness.state().selection.len(), 1);
    open_export_window_from_menu(&mut harness);
    harness.get_by_label("pcap of the selected flows").click();
    harness.run_steps(2);
    harness.get_by_label("1 flow selected");
    set_destination(&mut harness, &out);
    harness.get_by_label("Export").click();
    harness.run_steps(1);
    let status = wait_for_export(&mut harness);
    // The HTTPS flow: three packets each way.
    assert_eq!(status, ExportStatus::Saved(format!("Saved {} (1 flow, 6 packets)", out.display())));
    if std::env::var_os("WHOHOSTS_EXPORT_LOOK").is_some() {
        harness.render().unwrap().save("/tmp/appexport-window.png").unwrap();
    }
    // Esc closes the window and keeps the selection.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(harness.query_by_label(WINDOW_TITLE).is_none());
    assert_eq!(harness.state().selection.len(), 1);
}

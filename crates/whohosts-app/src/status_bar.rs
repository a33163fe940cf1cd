//! The bottom bar: reading progress with a Cancel button while a capture is read, then the
//! totals of what the filter lets through.

use egui::RichText;

use crate::app::command::AppCommand;
use crate::flow_table::model::FilteredTotals;
use crate::format;
use crate::loading::{LoadState, OpenCapture};

#[must_use]
pub fn status_bar_ui(
    ui: &mut egui::Ui,
    capture: Option<&OpenCapture>,
    totals: Option<&FilteredTotals>,
    filtered: bool,
) -> Vec<AppCommand> {
    let mut commands = Vec::new();
    ui.horizontal(|ui| {
        let Some(capture) = capture else {
            ui.weak("No capture open — Ctrl+O to open one, or drop a file on the window");
            return;
        };
        if let Some(rates) = capture.rates() {
            // A live capture has its own Stop in the live bar.
            let file = capture.live_info().is_none();
            if file && ui.button("Cancel").on_hover_text("Stop reading; what was read stays").clicked() {
                commands.push(AppCommand::CancelReading);
            }
            let LoadState::Reading { progress } = &capture.state else { return };
            let mut text = match progress.size {
                Some(size) => format!("{} of {}", format::bytes(progress.position), format::bytes(size)),
                None => format::bytes(progress.position),
            };
            let unit = if capture.zeek { "connections" } else { "packets" };
            text.push_str(&format!(" · {} {unit}/s", format::count(rates.packets_per_second as u64)));
            if let Some(left) = rates.seconds_left {
                text.push_str(&format!(" · {} left", format::duration_ns((left * 1e9) as i64)));
            }
            let fraction = rates.fraction.unwrap_or(0.0) as f32;
            let bar = egui::ProgressBar::new(fraction)
                .desired_width(160.0)
                .show_percentage()
                .animate(rates.fraction.is_none());
            // A live capture has no end to measure progress towards.
            if file {
                ui.add(bar);
            }
            let verb = if file { "Reading" } else { "Capturing on" };
            ui.label(RichText::new(format!("{verb} {}", capture.file_name())).strong());
            ui.weak(text);
            ui.separator();
        } else {
            match (&capture.state, capture.read_time()) {
                (LoadState::Cancelled | LoadState::Done, _) if capture.live_info().is_some() => {
                    ui.label(RichText::new(format!("Capture on {} ended", capture.file_name())).strong());
                }
                (LoadState::Cancelled, _) => {
                    ui.label(RichText::new("Reading cancelled: partial results").color(ui.visuals().warn_fg_color));
                }
                (LoadState::Failed, _) if capture.live_info().is_some() => {
                    ui.label(RichText::new("Could not capture").color(ui.visuals().error_fg_color));
                }
                (LoadState::Failed, _) => {
                    ui.label(RichText::new("Could not read the capture").color(ui.visuals().error_fg_color));
                }
                (_, Some(took)) if took.as_millis() > 0 => {
                    ui.label(RichText::new(capture.file_name()).strong());
                    ui.weak(format!("read in {}", format::duration_ns(took.as_nanos() as i64)));
                }
                _ => {
                    ui.label(RichText::new(capture.file_name()).strong());
                }
            }
            ui.separator();
        }
        if let Some(t) = totals {
            if filtered {
                ui.label(RichText::new("Filtered:").strong());
            }
            ui.label(format::counted(t.packets, "packet"));
            ui.separator();
            ui.label(format::bytes(t.bytes));
            ui.separator();
            ui.label(format::counted(t.flows, "flow"));
            ui.separator();
            ui.label(format::counted(t.endpoints, "endpoint"));
            ui.separator();
            ui.label(format::counted(t.owners, "owner"));
            ui.separator();
            ui.label(format::duration_ns(t.duration_ns));
        }
    });
    commands
}

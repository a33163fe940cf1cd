//! The "Live capture" window: the interfaces libpcap can capture on (name, description,
//! addresses, up/loopback badges), a capture filter checked as it is typed, and Start.

use egui::{Color32, RichText};

use crate::app::command::AppCommand;
use crate::app::command::LiveAction;
use whohosts_core::capture::{check_filter, list_interfaces, InterfaceInfo};

/// The accessible label of the capture filter field (tests find it by this).
pub const FILTER_LABEL: &str = "Capture filter (BPF)";

/// pcap link types the filter is checked against: Ethernet, or Linux "cooked" for `any`.
const LINKTYPE_ETHERNET: i32 = 1;
const LINKTYPE_LINUX_SLL: i32 = 113;

#[derive(Default)]
pub struct InterfacePicker {
    pub open: bool,
    /// Listed when the window opens (and on Refresh); the error text when listing failed.
    interfaces: Option<Result<Vec<InterfaceInfo>, String>>,
    pub selected: Option<String>,
    pub filter: String,
    /// The filter check for (interface, filter) as last typed, so libpcap runs once per edit.
    checked: Option<(String, String, Result<(), String>)>,
}

impl InterfacePicker {
    /// Opens the window with a fresh list; the first up, non-loopback interface is preselected.
    pub fn show(&mut self) {
        self.open = true;
        self.refresh();
    }

    fn refresh(&mut self) {
        let list = list_interfaces().map_err(|e| e.to_string());
        if let Ok(list) = &list {
            let still_there = self.selected.as_ref().is_some_and(|s| list.iter().any(|i| &i.name == s));
            if !still_there {
                self.selected = list.iter().find(|i| i.up && !i.loopback).or(list.first()).map(|i| i.name.clone());
            }
        }
        self.interfaces = Some(list);
    }

    /// The selected interface's details, when it is in the list.
    pub fn selected_info(&self) -> Option<&InterfaceInfo> {
        let list = self.interfaces.as_ref()?.as_ref().ok()?;
        list.iter().find(|i| Some(&i.name) == self.selected.as_ref())
    }

    /// `Ok` for an empty filter or one libpcap compiles, else libpcap's message.
    fn filter_check(&mut self) -> Result<(), String> {
        let interface = self.selected.clone().unwrap_or_default();
        let text = self.filter.trim().to_string();
        if text.is_empty() {
            return Ok(());
        }
        if let Some((i, f, result)) = &self.checked {
            if *i == interface && *f == text {
                return result.clone();
            }
        }
        let link_type = if interface == "any" { LINKTYPE_LINUX_SLL } else { LINKTYPE_ETHERNET };
        let result = check_filter(&interface, &text, link_type).map_err(|e| e.to_string());
        self.checked = Some((interface, text, result.clone()));
        result
    }
}

/// Draws the window while it is open; Start returns `LiveAction::Start`.
#[must_use]
pub fn interface_picker_ui(ctx: &egui::Context, picker: &mut InterfacePicker) -> Vec<AppCommand> {
    let mut commands = Vec::new();
    let mut open = picker.open;
    egui::Window::new("Live capture")
        .open(&mut open)
        .collapsible(false)
        .default_width(520.0)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new("Interface").strong());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.small_button("Refresh").clicked() {
                        picker.refresh();
                    }
                });
            });
            interface_list_ui(ui, picker);
            ui.add_space(8.0);
            let label = ui.label(RichText::new(FILTER_LABEL).strong());
            ui.add(
                egui::TextEdit::singleline(&mut picker.filter)
                    .hint_text("e.g. tcp port 443 or udp port 53 (empty: everything)")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
            let check = picker.filter_check();
            match &check {
                Err(message) => {
                    ui.label(RichText::new(message).color(ui.visuals().error_fg_color));
                }
                Ok(()) if !picker.filter.trim().is_empty() => {
                    ui.weak("Filter is valid");
                }
                Ok(()) => {}
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let ready = picker.selected.is_some() && check.is_ok();
                if ui.add_enabled(ready, egui::Button::new("Start")).clicked() {
                    if let Some(interface) = picker.selected.clone() {
                        let filter = Some(picker.filter.trim().to_string()).filter(|f| !f.is_empty());
                        commands.push(AppCommand::Live(LiveAction::Start { interface, filter }));
                        picker.open = false;
                    }
                }
                ui.weak("Needs root or cap_net_raw; the interface's own addresses count as local.");
            });
        });
    picker.open = picker.open && open;
    commands
}

fn interface_list_ui(ui: &mut egui::Ui, picker: &mut InterfacePicker) {
    let list = match &picker.interfaces {
        Some(Ok(list)) => list,
        Some(Err(message)) => {
            ui.label(RichText::new(message).color(ui.visuals().error_fg_color));
            return;
        }
        None => {
            ui.weak("Listing interfaces…");
            return;
        }
    };
    if list.is_empty() {
        ui.weak("libpcap lists no interfaces here.");
    }
    let mut clicked = None;
    egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
        for info in list {
            let selected = picker.selected.as_ref() == Some(&info.name);
            ui.horizontal(|ui| {
                if ui.selectable_label(selected, RichText::new(&info.name).strong()).clicked() {
                    clicked = Some(info.name.clone());
                }
                badge(ui, if info.up { "up" } else { "down" }, info.up);
                if info.loopback {
                    badge(ui, "loopback", true);
                }
                if info.wireless {
                    badge(ui, "wireless", true);
                }
                if let Some(description) = &info.description {
                    ui.weak(description);
                }
            });
            let networks = info.networks();
            if !networks.is_empty() {
                ui.indent(("addresses", &info.name), |ui| {
                    ui.small(networks.join("  "));
                });
            }
        }
    });
    if let Some(name) = clicked {
        picker.selected = Some(name);
    }
}

fn badge(ui: &mut egui::Ui, text: &str, good: bool) {
    let colour = if good { Color32::from_rgb(40, 140, 70) } else { ui.visuals().weak_text_color() };
    ui.label(RichText::new(text).small().color(colour));
}

//! Drawing the flow table and its filter bar. Only the rows in view are laid out
//! (`TableBuilder` + `body.rows`); the row order comes precomputed from the model.

use egui::{Align, Color32, Layout, RichText, Sense};
use egui_extras::{Column, TableBuilder};

use super::model::{FilteredFlows, SortColumn, SortOrder};
use super::FlowTableState;
use crate::app::command::AppCommand;
use crate::format;
use crate::theme::{owner_color, LegendEntry};
use crate::view_command::ViewCommand;
use whohosts_core::filter::ViewFilter;
use whohosts_core::snapshot::Snapshot;

/// The filter field's accessible label (tests find it by this).
pub const FILTER_LABEL: &str = "Filter";

const ROW_HEIGHT: f32 = 20.0;
/// Owners shown as chips in the filter bar; the rest go in a "+N more" menu.
const MAX_OWNER_CHIPS: usize = 8;

/// The text filter, the owner toggles and the "N of M flows" count.
#[must_use]
pub fn flow_filter_bar_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    rows: &FilteredFlows,
    dark: bool,
    state: &mut FlowTableState,
    focus: bool,
) -> Vec<AppCommand> {
    let mut commands = Vec::new();
    ui.horizontal(|ui| {
        let label = ui.label(FILTER_LABEL);
        let mut text = filter.text.clone();
        let edit = egui::TextEdit::singleline(&mut text)
            .hint_text("address, name, port, provider")
            .desired_width(260.0)
            .id_salt("flow_filter");
        let response = ui.add(edit).labelled_by(label.id);
        state.filter_field = Some(response.id);
        if focus {
            response.request_focus();
        }
        if response.changed() {
            commands.push(AppCommand::SetFilterText(text));
        }
        if !filter.text.is_empty() && ui.small_button("×").on_hover_text("Clear the filter").clicked() {
            commands.push(AppCommand::SetFilterText(String::new()));
        }
        ui.separator();
        if state.is_filtering() {
            ui.add(egui::Spinner::new()).on_hover_text("Filtering and sorting…");
        }
        ui.label(
            RichText::new(format!(
                "{} of {} flows",
                format::count(rows.rows.len() as u64),
                format::count(snapshot.flows.len() as u64)
            ))
            .weak(),
        );
        ui.separator();
        if let Some((from, to)) = filter.time_range {
            let start = snapshot.totals.first_ns.unwrap_or(from);
            let text = format!("Time {} – {}", format::offset_ns(from, start), format::offset_ns(to, start));
            if ui.button(text).on_hover_text("Clear the time range (Esc)").clicked() {
                commands.push(AppCommand::View(ViewCommand::SetTimeRange(None)));
            }
            ui.separator();
        }
        // The largest owners as chips; the long tail of AS owners in a menu, so the bar stays
        // one line and costs the same each frame however many owners there are.
        // One chip per owner group, as in the legends: AWS S3 and AWS CloudFront are both "AWS".
        let owners = crate::theme::legend_entries(&snapshot.owners);
        let (chips, rest) = owners.split_at(owners.len().min(MAX_OWNER_CHIPS));
        for owner in chips {
            commands.extend(owner_toggle_ui(ui, owner, filter, dark));
        }
        if !rest.is_empty() {
            ui.menu_button(format!("+{} more", rest.len()), |ui| {
                egui::ScrollArea::vertical().max_height(360.0).show_rows(ui, ROW_HEIGHT, rest.len(), |ui, range| {
                    for owner in rest.get(range).unwrap_or_default() {
                        commands.extend(owner_toggle_ui(ui, owner, filter, dark));
                    }
                });
            });
        }
    });
    commands
}

/// A provider switch coloured like the legend; unchecking hides the provider everywhere.
fn owner_toggle_ui(ui: &mut egui::Ui, entry: &LegendEntry, filter: &ViewFilter, dark: bool) -> Option<AppCommand> {
    let name = entry.label();
    let mut visible = !filter.hidden_owners.contains(&name);
    let color = if visible { owner_color(&entry.owner, dark) } else { ui.visuals().weak_text_color() };
    let chip = egui::Checkbox::new(&mut visible, RichText::new(&name).color(color).strong());
    let response = ui.add(chip).on_hover_text(format!("{name}: {}", format::bytes(entry.bytes)));
    response.changed().then_some(AppCommand::View(ViewCommand::ToggleOwner(name)))
}

/// The table itself. Clicking a row selects its flow; clicking a header sorts by it.
/// `reveal`: a flow to scroll to (selected in another view).
#[must_use]
#[expect(clippy::too_many_arguments, reason = "the table's inputs, each read once")]
pub fn flow_table_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    rows: &FilteredFlows,
    selection: &[usize],
    sort: SortOrder,
    dark: bool,
    reading: bool,
    reveal: Option<usize>,
) -> Vec<AppCommand> {
    let mut commands = Vec::new();
    if rows.rows.is_empty() {
        ui.centered_and_justified(|ui| {
            let message = match (snapshot.flows.is_empty(), reading) {
                (true, true) => "No flows yet",
                (true, false) => "No IP flows in this capture",
                (false, _) => "No flows match the filter",
            };
            ui.weak(message);
        });
        return commands;
    }
    let capture_start = snapshot.totals.first_ns.unwrap_or(0);
    ui.style_mut().interaction.selectable_labels = false;
    let number = Layout::right_to_left(Align::Center);
    // One pass over the rows, only when another view selected a flow.
    let reveal_row = reveal.and_then(|flow| rows.rows.iter().position(|&r| r as usize == flow));
    let mut table = TableBuilder::new(ui);
    if let Some(row) = reveal_row {
        table = table.scroll_to_row(row, Some(Align::Center));
    }
    table
        .id_salt("flow_table")
        .striped(true)
        .sense(Sense::click())
        .cell_layout(Layout::left_to_right(Align::Center))
        // The name takes what the fixed-width columns leave, so every column stays in view.
        .column(Column::remainder().at_least(100.0).clip(true))
        .column(Column::initial(120.0).at_least(60.0).resizable(true).clip(true))
        .column(Column::initial(156.0).at_least(90.0).resizable(true).clip(true))
        .column(Column::exact(50.0))
        .column(Column::initial(150.0).at_least(80.0).resizable(true).clip(true))
        .column(Column::exact(60.0))
        .column(Column::exact(66.0))
        .column(Column::exact(70.0))
        .column(Column::exact(70.0))
        .header(ROW_HEIGHT + 2.0, |mut header| {
            for (title, column) in [
                ("Name", SortColumn::Name),
                ("Owner", SortColumn::Owner),
                ("Remote", SortColumn::Remote),
                ("Proto", SortColumn::Protocol),
                ("Local", SortColumn::Local),
                ("Packets", SortColumn::Packets),
                ("Bytes", SortColumn::Bytes),
                ("Start", SortColumn::Start),
                ("Duration", SortColumn::Duration),
            ] {
                header.col(|ui| {
                    let numeric = is_numeric(column);
                    let layout = if numeric {
                        Layout::right_to_left(Align::Center)
                    } else {
                        Layout::left_to_right(Align::Center)
                    };
                    let clicked = ui.with_layout(layout, |ui| sort_header_ui(ui, title, column, sort)).inner;
                    if let Some(next) = clicked {
                        commands.push(AppCommand::SetSort(next));
                    }
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, rows.rows.len(), |mut row| {
                let Some(&index) = rows.rows.get(row.index()) else { return };
                let index = index as usize;
                let Some(flow) = snapshot.flows.get(index) else { return };
                let endpoint = snapshot.flow_endpoint.get(index).and_then(|&e| snapshot.endpoints.get(e as usize));
                let owner = snapshot.flow_owner(index).and_then(|o| snapshot.owners.get(o));
                row.set_selected(selection.contains(&index));
                let (remote, remote_port) = flow.remote();
                let (local, local_port) = flow.local();
                row.col(|ui| match endpoint.and_then(|e| e.best_name.as_deref()) {
                    Some(name) => {
                        ui.label(name);
                    }
                    None => {
                        ui.weak("—");
                    }
                });
                row.col(|ui| {
                    if let Some(owner) = owner {
                        let color: Color32 = owner_color(&owner.owner, dark);
                        ui.label(RichText::new(owner.owner.label()).color(color));
                    }
                });
                row.col(|ui| {
                    ui.monospace(socket(remote, remote_port));
                });
                row.col(|ui| {
                    ui.label(format::protocol(flow.proto));
                });
                row.col(|ui| {
                    ui.monospace(socket(local, local_port));
                });
                row.col(|ui| {
                    ui.with_layout(number, |ui| ui.label(format::count(flow.packets())));
                });
                row.col(|ui| {
                    ui.with_layout(number, |ui| ui.label(format::bytes(flow.bytes())));
                });
                row.col(|ui| {
                    ui.with_layout(number, |ui| ui.label(format::offset_ns(flow.first_ns, capture_start)));
                });
                row.col(|ui| {
                    ui.with_layout(number, |ui| ui.label(format::duration_ns(flow.duration_ns())));
                });
                if row.response().clicked() {
                    commands.push(AppCommand::View(ViewCommand::SelectFlows(vec![index])));
                }
            });
        });
    commands
}

/// "1.2.3.4:443", "[2001:db8::1]:443"; ICMP and friends have no ports.
fn socket(ip: std::net::IpAddr, port: u16) -> String {
    match ip {
        std::net::IpAddr::V4(v4) if port != 0 => format!("{v4}:{port}"),
        std::net::IpAddr::V6(v6) if port != 0 => format!("[{v6}]:{port}"),
        other => other.to_string(),
    }
}

/// A header that sorts by its column: first click sorts descending for numbers, ascending for
/// text; the next click flips it.
fn sort_header_ui(ui: &mut egui::Ui, title: &str, column: SortColumn, sort: SortOrder) -> Option<SortOrder> {
    let active = sort.column == column;
    let arrow = match (active, sort.descending) {
        (false, _) => "",
        (true, true) => " ▼",
        (true, false) => " ▲",
    };
    let text = RichText::new(format!("{title}{arrow}")).strong();
    let response = ui.add(egui::Button::selectable(active, text).frame_when_inactive(false));
    if !response.clicked() {
        return None;
    }
    // Quantities read best largest first; names, addresses and start times in their order.
    let largest_first = matches!(column, SortColumn::Packets | SortColumn::Bytes | SortColumn::Duration);
    let descending = if active { !sort.descending } else { largest_first };
    Some(SortOrder { column, descending })
}

/// Columns of quantities and times, right-aligned like their cells.
fn is_numeric(column: SortColumn) -> bool {
    matches!(column, SortColumn::Packets | SortColumn::Bytes | SortColumn::Start | SortColumn::Duration)
}

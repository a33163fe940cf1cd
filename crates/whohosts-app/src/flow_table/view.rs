//! Drawing the flow table and its filter bar. Only the rows in view are laid out
//! (`TableBuilder` + `body.rows`); the row order comes precomputed from the model.

use egui::{Align, Color32, Layout, RichText, Sense};
use egui_extras::{Column, TableBuilder};

use super::model::{FilteredFlows, SortColumn, SortOrder};
use super::FlowTableState;
use crate::app::command::AppCommand;
use crate::format;
use crate::theme::{owner_color, owner_text_color, LegendEntry};
use crate::view_command::ViewCommand;
use whohosts_core::filter::{Chip, ViewFilter};
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
            .desired_width((ui.available_width() * 0.3).clamp(110.0, 260.0))
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
            // Words, not a spinner: a spinner redraws the window flat out, which under a
            // software renderer takes the cores the sorting needs.
            ui.weak("Sorting…").on_hover_text("Filtering and sorting the flows");
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
        // Removable terms made by clicking the graph ("endpoint: teams.microsoft.com").
        for (i, chip) in filter.chips.iter().enumerate() {
            commands.extend(term_chip_ui(ui, chip, i));
        }
        if !filter.chips.is_empty() {
            ui.separator();
        }
        // The largest owners as chips, as many as fit on this line (measured); the rest in a
        // "+N more" menu, so the bar never grows the panel wider than the window.
        // One chip per owner group, as in the legends: AWS S3 and AWS CloudFront are both "AWS".
        let owners = crate::theme::legend_entries(&snapshot.owners);
        let fit = owners_that_fit(ui, &owners);
        let (chips, rest) = owners.split_at(fit);
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

/// How many of `owners` fit as checkboxes in what is left of the line, keeping room for the
/// "+N more" button when some do not.
fn owners_that_fit(ui: &egui::Ui, owners: &[LegendEntry]) -> usize {
    let spacing = &ui.spacing();
    let chrome = spacing.icon_width + spacing.icon_spacing + spacing.item_spacing.x + 2.0;
    let font = egui::TextStyle::Body.resolve(ui.style());
    let widths: Vec<f32> =
        owners.iter().take(MAX_OWNER_CHIPS).map(|o| crate::theme::text_width(ui, &o.label(), &font) + chrome).collect();
    let more_button = crate::theme::text_width(ui, "+99 more", &font) + 2.0 * spacing.button_padding.x + 8.0;
    crate::theme::how_many_fit(&widths, owners.len(), ui.available_width(), more_button)
}

/// A removable filter term: "endpoint: teams.microsoft.com ×".
fn term_chip_ui(ui: &mut egui::Ui, chip: &Chip, index: usize) -> Option<AppCommand> {
    let text = RichText::new(format!("{}  ×", chip.describe())).color(ui.visuals().selection.stroke.color);
    let button = egui::Button::new(text).fill(ui.visuals().selection.bg_fill).corner_radius(8.0);
    let response = ui.add(button).on_hover_text("Remove this filter (Esc removes them all)");
    response.clicked().then_some(AppCommand::View(ViewCommand::RemoveChip(index)))
}

/// A provider switch coloured like the legend; unchecking hides the provider everywhere.
fn owner_toggle_ui(ui: &mut egui::Ui, entry: &LegendEntry, filter: &ViewFilter, dark: bool) -> Option<AppCommand> {
    let name = entry.label();
    let mut visible = !filter.hidden_owners.contains(&name);
    let color = if visible { owner_text_color(&entry.owner, dark) } else { ui.visuals().weak_text_color() };
    let chip = egui::Checkbox::new(&mut visible, RichText::new(&name).color(color).strong());
    let response = ui.add(chip).on_hover_text(format!("{name}: {}", format::bytes(entry.bytes)));
    response.changed().then_some(AppCommand::View(ViewCommand::ToggleOwner(name)))
}

/// The table's columns, in the order shown (the user can move them; see `Settings`).
pub const DEFAULT_COLUMNS: [SortColumn; 9] = [
    SortColumn::Name,
    SortColumn::Owner,
    SortColumn::Remote,
    SortColumn::Protocol,
    SortColumn::Local,
    SortColumn::Packets,
    SortColumn::Bytes,
    SortColumn::Start,
    SortColumn::Duration,
];

/// A column's title, and its first width and narrowest width in points.
fn column_spec(column: SortColumn, name_width: f32) -> (&'static str, f32, f32) {
    match column {
        SortColumn::Name => ("Name", name_width, 100.0),
        SortColumn::Owner => ("Owner", 150.0, 60.0),
        SortColumn::Remote => ("Remote", 170.0, 90.0),
        SortColumn::Protocol => ("Proto", 56.0, 44.0),
        SortColumn::Local => ("Local", 160.0, 80.0),
        SortColumn::Packets => ("Packets", 70.0, 50.0),
        SortColumn::Bytes => ("Bytes", 76.0, 50.0),
        SortColumn::Start => ("Start", 86.0, 50.0),
        SortColumn::Duration => ("Duration", 86.0, 50.0),
    }
}

/// The table's columns as the user arranged them: their order and the widths they dragged
/// them to (both remembered between runs; see `Settings`).
#[derive(Debug, Clone, Copy)]
pub struct ColumnLayout<'a> {
    /// Empty: the default order.
    pub order: &'a [SortColumn],
    /// Widths in points of the columns the user resized; the others start at their default.
    pub widths: &'a [(SortColumn, f32)],
}

impl ColumnLayout<'_> {
    /// The width `column` starts at: the remembered one, else its default.
    fn initial_width(&self, column: SortColumn, name_width: f32) -> f32 {
        let (_, initial, least) = column_spec(column, name_width);
        self.widths.iter().find(|(c, _)| *c == column).map_or(initial, |&(_, w)| w.max(least))
    }
}

/// The table's width before it scrolls sideways: every column at its first width, with the
/// name column at its narrowest unless the user sized it.
fn natural_width(layout: &ColumnLayout<'_>, columns: &[SortColumn]) -> f32 {
    columns.iter().map(|&c| layout.initial_width(c, 200.0) + 8.0).sum()
}

/// The table itself. Clicking a row selects its flow; clicking a header sorts by it;
/// dragging a header's edge resizes its column; a header's context menu moves it. The table
/// scrolls sideways when its columns are wider than the panel, so every column stays reachable.
/// `reveal`: a flow to scroll to (selected in another view).
#[must_use]
#[expect(clippy::too_many_arguments, reason = "the table's inputs, each read once")]
pub fn flow_table_ui(
    ui: &mut egui::Ui,
    snapshot: &Snapshot,
    rows: &FilteredFlows,
    selection: &[usize],
    sort: SortOrder,
    layout: ColumnLayout<'_>,
    dark: bool,
    reading: bool,
    state: &mut FlowTableState,
) -> Vec<AppCommand> {
    let reveal = state.reveal.take();
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
    let columns: Vec<SortColumn> =
        if layout.order.is_empty() { DEFAULT_COLUMNS.to_vec() } else { layout.order.to_vec() };
    let viewport = ui.available_width();
    // Names get a quarter of a wide panel, never less than 180 points or more than 420.
    let name_width = (viewport * 0.25).clamp(180.0, 420.0);
    let table_width = viewport.max(natural_width(&layout, &columns));
    let widths = egui::ScrollArea::horizontal()
        .id_salt("flow_table_sideways")
        .auto_shrink(false)
        .show(ui, |ui| {
            ui.set_width(table_width);
            ui.set_max_width(table_width);
            let cells = Cells { snapshot, capture_start: snapshot.totals.first_ns.unwrap_or(0), dark };
            let initial: Vec<f32> = columns.iter().map(|&c| layout.initial_width(c, name_width)).collect();
            table_body_ui(ui, &cells, rows, selection, sort, (&columns, &initial), reveal, &mut commands)
        })
        .inner;
    commands.extend(resized_columns(ui, state, &columns, widths, &layout));
    commands
}

/// The widths to remember when the user dragged a column's edge this frame (the widths seen
/// changed while the pointer was down), merged with those remembered before.
fn resized_columns(
    ui: &egui::Ui,
    state: &mut FlowTableState,
    columns: &[SortColumn],
    widths: Vec<f32>,
    layout: &ColumnLayout<'_>,
) -> Option<AppCommand> {
    let seen: Vec<(SortColumn, f32)> = columns.iter().copied().zip(widths).collect();
    let before = std::mem::replace(&mut state.column_widths_seen, seen.clone());
    // A dragged edge shows its last move on the frame after the release: keep listening a
    // few frames after the pointer was last down.
    if ui.input(|i| i.pointer.any_down() || i.pointer.any_released()) {
        state.pointer_lately = 3;
    }
    let dragging = state.pointer_lately > 0;
    state.pointer_lately = state.pointer_lately.saturating_sub(1);
    let moved =
        before.len() == seen.len() && before.iter().zip(&seen).any(|(a, b)| a.0 == b.0 && (a.1 - b.1).abs() > 0.5);
    if !(dragging && moved) {
        return None;
    }
    let mut remembered: Vec<(SortColumn, f32)> =
        layout.widths.iter().copied().filter(|(c, _)| !columns.contains(c)).collect();
    remembered.extend(seen.iter().map(|&(c, w)| (c, w.round())));
    Some(AppCommand::SetColumnWidths(remembered))
}

/// What every cell reads.
struct Cells<'a> {
    snapshot: &'a Snapshot,
    capture_start: i64,
    dark: bool,
}

#[expect(clippy::too_many_arguments, reason = "the table's inputs, passed on once")]
fn table_body_ui(
    ui: &mut egui::Ui,
    cells: &Cells<'_>,
    rows: &FilteredFlows,
    selection: &[usize],
    sort: SortOrder,
    (columns, initial): (&[SortColumn], &[f32]),
    reveal: Option<usize>,
    commands: &mut Vec<AppCommand>,
) -> Vec<f32> {
    ui.style_mut().interaction.selectable_labels = false;
    // One pass over the rows, only when another view selected a flow.
    let reveal_row = reveal.and_then(|flow| rows.rows.iter().position(|&r| r as usize == flow));
    let spacing = ui.spacing().item_spacing.x;
    // Widths live in the table's state by position: another order starts from the
    // remembered widths of each column instead of taking its neighbour's.
    let mut table = TableBuilder::new(ui)
        .id_salt(("flow_table", format!("{columns:?}")))
        .striped(true)
        .resizable(true)
        .sense(Sense::click())
        .cell_layout(Layout::left_to_right(Align::Center));
    if let Some(row) = reveal_row {
        table = table.scroll_to_row(row, Some(Align::Center));
    }
    for (&column, &width) in columns.iter().zip(initial) {
        let (_, _, least) = column_spec(column, 0.0);
        table = table.column(Column::initial(width).at_least(least).resizable(true).clip(true));
    }
    // Where each header cell starts, to tell the widths the user dragged the columns to.
    let mut lefts: Vec<f32> = Vec::with_capacity(columns.len() + 1);
    // What is left of a wide panel stays empty, so the columns keep their widths.
    table = table.column(Column::remainder().at_least(0.0));
    table
        .header(ROW_HEIGHT + 2.0, |mut header| {
            for (position, &column) in columns.iter().enumerate() {
                let (_, cell) = header.col(|ui| {
                    let layout = if is_numeric(column) {
                        Layout::right_to_left(Align::Center)
                    } else {
                        Layout::left_to_right(Align::Center)
                    };
                    let title = column_spec(column, 0.0).0;
                    let (clicked, response) =
                        ui.with_layout(layout, |ui| sort_header_ui(ui, title, column, sort)).inner;
                    if let Some(next) = clicked {
                        commands.push(AppCommand::SetSort(next));
                    }
                    commands.extend(column_menu_ui(&response, columns, position));
                });
                lefts.push(cell.rect.left());
            }
            let (_, rest) = header.col(|_| {});
            lefts.push(rest.rect.left());
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, rows.rows.len(), |mut row| {
                let Some(&index) = rows.rows.get(row.index()) else { return };
                let index = index as usize;
                let selected = selection.contains(&index);
                row.set_selected(selected);
                for &column in columns {
                    row.col(|ui| cell_ui(ui, cells, index, column, selected));
                }
                row.col(|_| {});
                if row.response().clicked() {
                    commands.push(AppCommand::View(ViewCommand::SelectFlows(vec![index])));
                }
            });
        });
    lefts.windows(2).map(|w| w[1] - w[0] - spacing).collect()
}

/// One cell of flow `index`. On a selected row the owner keeps its colour as a swatch, and
/// its name takes the selection's text colour so it stays readable.
fn cell_ui(ui: &mut egui::Ui, cells: &Cells<'_>, index: usize, column: SortColumn, selected: bool) {
    let snapshot = cells.snapshot;
    let Some(flow) = snapshot.flows.get(index) else { return };
    let number = Layout::right_to_left(Align::Center);
    match column {
        SortColumn::Name => {
            let endpoint = snapshot.flow_endpoint.get(index).and_then(|&e| snapshot.endpoints.get(e as usize));
            match endpoint.and_then(|e| e.best_name.as_deref()) {
                Some(name) => ui.label(name),
                None => ui.weak("—"),
            };
        }
        SortColumn::Owner => {
            let Some(owner) = snapshot.flow_owner(index).and_then(|o| snapshot.owners.get(o)) else { return };
            let color: Color32 = owner_color(&owner.owner, cells.dark);
            if selected {
                let (rect, _) = ui.allocate_exact_size(egui::vec2(9.0, 9.0), Sense::hover());
                ui.painter().rect_filled(rect, 2.0, color);
                ui.label(RichText::new(owner.owner.label()).color(ui.visuals().selection.stroke.color));
            } else {
                // The swatch colour darkened or lightened until the name meets WCAG AA.
                ui.label(RichText::new(owner.owner.label()).color(owner_text_color(&owner.owner, cells.dark)));
            }
        }
        SortColumn::Remote => {
            let (remote, port) = flow.remote();
            ui.monospace(socket(remote, port));
        }
        SortColumn::Protocol => {
            ui.label(format::protocol(flow.proto));
        }
        SortColumn::Local => {
            let (local, port) = flow.local();
            ui.monospace(socket(local, port));
        }
        SortColumn::Packets => {
            ui.with_layout(number, |ui| ui.label(format::count(flow.packets())));
        }
        SortColumn::Bytes => {
            ui.with_layout(number, |ui| ui.label(format::bytes(flow.bytes())));
        }
        SortColumn::Start => {
            ui.with_layout(number, |ui| ui.label(format::offset_ns(flow.first_ns, cells.capture_start)));
        }
        SortColumn::Duration => {
            ui.with_layout(number, |ui| ui.label(format::duration_ns(flow.duration_ns())));
        }
    }
}

/// Right-click on a header: move its column left or right, or put every column back.
fn column_menu_ui(response: &egui::Response, columns: &[SortColumn], position: usize) -> Option<AppCommand> {
    let mut command = None;
    response.context_menu(|ui| {
        let moved = |to: usize| {
            let mut order = columns.to_vec();
            let column = order.remove(position);
            order.insert(to.min(order.len()), column);
            Some(AppCommand::SetColumns(order))
        };
        if ui.add_enabled(position > 0, egui::Button::new("Move left")).clicked() {
            command = moved(position - 1);
            ui.close();
        }
        if ui.add_enabled(position + 1 < columns.len(), egui::Button::new("Move right")).clicked() {
            command = moved(position + 1);
            ui.close();
        }
        if ui.button("Reset column order").clicked() {
            command = Some(AppCommand::SetColumns(DEFAULT_COLUMNS.to_vec()));
            ui.close();
        }
    });
    command
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
fn sort_header_ui(
    ui: &mut egui::Ui,
    title: &str,
    column: SortColumn,
    sort: SortOrder,
) -> (Option<SortOrder>, egui::Response) {
    let active = sort.column == column;
    let arrow = match (active, sort.descending) {
        (false, _) => "",
        (true, true) => " ▼",
        (true, false) => " ▲",
    };
    let text = RichText::new(format!("{title}{arrow}")).strong();
    let response = ui
        .add(egui::Button::selectable(active, text).frame_when_inactive(false))
        .on_hover_text("Click to sort · drag the edge to resize · right-click to move");
    if !response.clicked() {
        return (None, response);
    }
    // Quantities read best largest first; names, addresses and start times in their order.
    let largest_first = matches!(column, SortColumn::Packets | SortColumn::Bytes | SortColumn::Duration);
    let descending = if active { !sort.descending } else { largest_first };
    (Some(SortOrder { column, descending }), response)
}

/// Columns of quantities and times, right-aligned like their cells.
fn is_numeric(column: SortColumn) -> bool {
    matches!(column, SortColumn::Packets | SortColumn::Bytes | SortColumn::Start | SortColumn::Duration)
}

//! The figure's legend: one entry per owner shown (the graph's display groups), with its
//! colour and the graph's own numbers, as a column beside the views or rows under them;
//! long names wrap, and a swatch always stays with its name. Pure: no egui types.

use super::compose::{text_item, wrap, Ink, Measure, LEADING, LEGEND, SMALL};
use super::scene::{Anchor, BoxF, Item};
use crate::graph::model::{GraphModel, OWNERS};
use crate::palette::{self, colour::delta_e, Palette, Rgb};
use crate::theme::human_bytes;
use whohosts_core::providers::Owner;

/// A legend entry: display owner, colour, bytes, owners behind it.
pub type Entry = (Owner, Rgb, u64, usize);

/// Legend entries (display owner, colour, bytes, owners behind it) from the model's owner
/// column: the graph's own numbers, largest first, the grey family last.
pub fn legend_of(model: &GraphModel, palette: &Palette, dark: bool) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    for link in model.links.iter().filter(|l| model.nodes.get(l.target).is_some_and(|n| n.column == OWNERS)) {
        match entries.iter_mut().find(|e| e.0 == link.owner) {
            Some(e) => e.2 += link.bytes,
            None => entries.push((link.owner.clone(), palette.colour_in(&link.owner, dark), link.bytes, 1)),
        }
    }
    let folded = palette.folded_owner();
    for e in &mut entries {
        if e.0 == folded {
            e.3 = palette.folded.len();
        }
    }
    entries.sort_by(|a, b| {
        (palette::is_grey(&a.0), std::cmp::Reverse(a.2), &a.0).cmp(&(
            palette::is_grey(&b.0),
            std::cmp::Reverse(b.2),
            &b.0,
        ))
    });
    entries
}

pub fn min_delta_e(legend: &[Entry]) -> Option<f64> {
    let mut best: Option<f64> = None;
    for (i, a) in legend.iter().enumerate() {
        for b in legend.iter().skip(i + 1) {
            let d = delta_e(a.1, b.1);
            best = Some(best.map_or(d, |m: f64| m.min(d)));
        }
    }
    best
}

fn numbers_of(entry: &Entry, total: u64) -> String {
    let share = entry.2 as f64 * 100.0 / total.max(1) as f64;
    let mut text = format!("{} · {share:.1} %", human_bytes(entry.2));
    if entry.3 > 1 {
        text.push_str(&format!(" · {} owners", entry.3));
    }
    text
}

pub fn legend_column(legend: &[Entry], area: BoxF, fs: f32, c: &Ink, measure: Measure<'_>) -> Vec<Item> {
    let mut items = Vec::new();
    let (size, small) = (LEGEND * fs, SMALL * fs);
    let total: u64 = legend.iter().map(|e| e.2).sum();
    let mut y = area.y;
    items.push(text_item("Owner · bytes · share".into(), area.x, y, small, c.weak, Anchor::Start, "legend", measure));
    y += small * LEADING + 6.0;
    let text_x = area.x + size + 6.0;
    for (i, entry) in legend.iter().enumerate() {
        let name_lines = wrap(&entry.0.label(), size, area.right() - text_x, measure);
        let block = name_lines.len() as f32 * size * LEADING + small * LEADING + 8.0;
        if y + block > area.bottom() {
            let rest: u64 = legend.iter().skip(i).map(|e| e.2).sum();
            let text = format!("+{} more · {}", legend.len() - i, human_bytes(rest));
            items.push(text_item(text, area.x, y, small, c.weak, Anchor::Start, "legend", measure));
            break;
        }
        items.push(swatch(area.x, y + 2.0, size, entry.1, c));
        for line in name_lines {
            items.push(text_item(line, text_x, y, size, c.ink, Anchor::Start, "legend", measure));
            y += size * LEADING;
        }
        items.push(text_item(numbers_of(entry, total), text_x, y, small, c.weak, Anchor::Start, "legend", measure));
        y += small * LEADING + 8.0;
    }
    items
}

/// Legend entries in rows under the views; returns the items and the rows' height. Each
/// entry (swatch, name, numbers) is one block, never split across rows.
pub fn legend_rows(legend: &[Entry], body: BoxF, fs: f32, c: &Ink, measure: Measure<'_>) -> (Vec<Item>, f32) {
    let (size, small) = (LEGEND * fs, SMALL * fs);
    let total: u64 = legend.iter().map(|e| e.2).sum();
    let row_h = size * LEADING + small * LEADING + 8.0;
    let mut blocks = Vec::new();
    let (mut x, mut row) = (body.x, 0usize);
    for entry in legend {
        let name = entry.0.label().into_owned();
        let numbers = numbers_of(entry, total);
        let text_w = measure(&name, size).max(measure(&numbers, small)).min(body.w - size - 6.0);
        let w = size + 6.0 + text_w;
        if x > body.x && x + w > body.right() {
            x = body.x;
            row += 1;
        }
        blocks.push((x, row, entry, name, numbers, text_w));
        x += w + 20.0;
    }
    let rows = blocks.last().map_or(0, |b| b.1 + 1);
    let height = rows as f32 * row_h;
    let top = body.bottom() - height;
    let mut items = Vec::new();
    for (x, row, entry, name, numbers, text_w) in blocks {
        let y = top + row as f32 * row_h;
        items.push(swatch(x, y + 2.0, size, entry.1, c));
        let name = wrap(&name, size, text_w + 1.0, measure).into_iter().next().unwrap_or_default();
        items.push(text_item(name, x + size + 6.0, y, size, c.ink, Anchor::Start, "legend", measure));
        items.push(text_item(
            numbers,
            x + size + 6.0,
            y + size * LEADING,
            small,
            c.weak,
            Anchor::Start,
            "legend",
            measure,
        ));
    }
    (items, height)
}

fn swatch(x: f32, y: f32, size: f32, fill: Rgb, c: &Ink) -> Item {
    Item::Rect { bounds: BoxF { x, y, w: size, h: size }, fill, opacity: 1.0, stroke: Some((c.weak, 0.5)) }
}

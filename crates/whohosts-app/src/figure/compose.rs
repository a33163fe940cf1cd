//! Lays the figure out once, as a [`FigureScene`]: title and subtitle, the Sankey graph (the
//! graph module's model and layout, the same as the window's), the timeline, the legend and
//! the caption. Every number shown comes from one computation: the graph model's bytes under
//! the filter, inside the time range. Text widths come from `measure`, so this stays pure.

use std::collections::BTreeSet;

use super::scene::{
    overlap_counts, Anchor, BoxF, Checks, FigureScene, Item, LayoutDump, LegendDump, NodeDump, RibbonDump, TextRun,
};
use super::timeline::{timeline_items, TimelineStyle};
use super::{caption_text, FigureSpec, View};
use crate::graph::layout::RibbonGeometry;
use crate::graph::model::{build_with, group_totals, palette_options_for, GraphModel, NodeKind, HOSTS, OWNERS};
use crate::graph::scene::{capacity_for, layered_scene, SceneLink, LABEL_SLOT, LINE_HEIGHT};
use crate::palette::{self, colour::delta_e, Palette, Rgb};
use crate::theme::human_bytes;
use whohosts_core::filter::ViewFilter;
use whohosts_core::providers::Owner;
use whohosts_core::snapshot::Snapshot;

const MARGIN: f32 = 28.0;
const GAP: f32 = 16.0;
const TITLE: f32 = 26.0;
const SUBTITLE: f32 = 16.0;
const LEGEND: f32 = 14.0;
const SMALL: f32 = 12.0;
const CAPTION: f32 = 12.5;
const NAME: f32 = 12.5;
const DETAIL: f32 = 11.0;
/// Narrower figures put the legend in rows under the views instead of a column beside.
const LEGEND_COLUMN_MIN_WIDTH: f32 = 760.0;
const LEGEND_COLUMN_WIDTH: f32 = 230.0;
const RIBBON_SAMPLES: usize = 24;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.25;

/// Text widths in points for a size in points.
pub type Measure<'a> = &'a dyn Fn(&str, f32) -> f32;

struct Ink {
    ink: Rgb,
    weak: Rgb,
    background: Rgb,
}

/// Builds the figure for `snapshot` under `filter` as `spec` asks.
pub fn build_figure(snapshot: &Snapshot, filter: &ViewFilter, spec: &FigureSpec, measure: Measure<'_>) -> FigureScene {
    let fs = spec.font_scale.clamp(0.5, 3.0);
    let (width, height) = (spec.width as f32, spec.height as f32);
    let colours = Ink {
        ink: palette::ink(spec.dark),
        weak: palette::weak_ink(spec.dark),
        background: palette::background(spec.dark),
    };
    let mut items = Vec::new();
    let inner = BoxF { x: MARGIN, y: MARGIN, w: width - 2.0 * MARGIN, h: height - 2.0 * MARGIN };

    // Title and subtitle, wrapped.
    let mut top = inner.y;
    for (text, size, colour, role) in [
        (spec.title.trim(), TITLE * fs, colours.ink, "title"),
        (spec.subtitle.trim(), SUBTITLE * fs, colours.weak, "subtitle"),
    ] {
        for line in wrap(text, size, inner.w, measure) {
            items.push(text_item(line, inner.x, top, size, colour, Anchor::Start, role, measure));
            top += size * LEADING;
        }
        if !text.is_empty() {
            top += GAP / 2.0;
        }
    }
    top += GAP / 2.0;

    // Caption at the bottom, wrapped, under a thin rule.
    let caption = caption_text(snapshot, filter, spec);
    let caption_size = CAPTION * fs;
    let caption_lines: Vec<String> = caption.lines().flat_map(|l| wrap(l, caption_size, inner.w, measure)).collect();
    let caption_top = inner.bottom() - caption_lines.len() as f32 * caption_size * LEADING;
    for (i, line) in caption_lines.iter().enumerate() {
        let y = caption_top + i as f32 * caption_size * LEADING;
        items.push(text_item(line.clone(), inner.x, y, caption_size, colours.weak, Anchor::Start, "caption", measure));
    }
    let rule_y = caption_top - GAP / 2.0;
    items.push(Item::Line {
        points: vec![(inner.x, rule_y), (inner.right(), rule_y)],
        colour: colours.weak,
        width: 0.75,
        opacity: 0.5,
    });
    let body = BoxF { x: inner.x, y: top, w: inner.w, h: (rule_y - GAP / 2.0 - top).max(40.0) };

    // The model: owners coloured (and folded) for this figure's own selection.
    let column_legend = width >= LEGEND_COLUMN_MIN_WIDTH;
    let legend_w = LEGEND_COLUMN_WIDTH * fs;
    let views_w = if column_legend { body.w - legend_w - GAP } else { body.w };
    let graph_share = match spec.view {
        View::Graph => 1.0,
        View::Timeline => 0.0,
        View::Figure => 0.62,
    };
    let provisional_graph_h = body.h * graph_share * if column_legend { 1.0 } else { 0.8 };
    let capacity = capacity_for(provisional_graph_h / fs);
    let totals = group_totals(snapshot, filter);
    let mut options = spec.palette.clone();
    options.room = palette_options_for(capacity, &totals).room;
    let palette = Palette::assign(&totals, &options, spec.dark);
    let model = build_with(snapshot, filter, &BTreeSet::new(), capacity, &palette);
    let legend = legend_of(&model, &palette, spec.dark);

    // Legend: a column beside the views, or rows under them.
    let (views, legend_items) = if column_legend {
        let area = BoxF { x: body.right() - legend_w, y: body.y, w: legend_w, h: body.h };
        (BoxF { w: views_w, ..body }, legend_column(&legend, area, fs, &colours, measure))
    } else {
        let (rows, height) = legend_rows(&legend, body, fs, &colours, measure);
        (BoxF { h: body.h - height - GAP, ..body }, rows)
    };
    items.extend(legend_items);

    // Graph and timeline.
    let mut nodes = Vec::new();
    let mut ribbons = Vec::new();
    let mut checks = Checks::default();
    let graph_h = views.h * graph_share;
    if graph_h > 40.0 {
        let area = BoxF { h: if graph_share < 1.0 { graph_h - GAP / 2.0 } else { graph_h }, ..views };
        let drawn = graph_items(&model, area, fs, spec.dark, &colours, measure);
        items.extend(drawn.items);
        nodes = drawn.nodes;
        ribbons = drawn.ribbons;
        checks.host_endpoint_crossings = drawn.crossings[0];
        checks.endpoint_owner_crossings = drawn.crossings[1];
    }
    if graph_share < 1.0 {
        let area = BoxF { y: views.y + graph_h + GAP / 2.0, h: views.h - graph_h - GAP / 2.0, ..views };
        let owners: Vec<Owner> = legend.iter().map(|e| e.0.clone()).collect();
        let style = TimelineStyle {
            palette: &palette,
            dark: spec.dark,
            ink: colours.ink,
            weak: colours.weak,
            text_size: SMALL * fs,
            measure,
        };
        items.extend(timeline_items(snapshot, filter, &owners, area, &style));
    }

    // Checks and dump.
    let texts: Vec<TextRun> = items
        .iter()
        .filter_map(|i| match i {
            Item::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    let boxes: Vec<BoxF> = texts.iter().map(|t| t.bounds).collect();
    let (overlaps, outside) = overlap_counts(&boxes, width, height);
    checks.label_overlaps = overlaps;
    checks.labels_outside = outside;
    checks.min_delta_e = min_delta_e(&legend);
    checks.graph_bytes = model
        .links
        .iter()
        .filter(|l| model.nodes.get(l.target).is_some_and(|n| n.column == OWNERS))
        .map(|l| l.bytes)
        .sum();
    checks.legend_bytes = legend.iter().map(|e| e.2).sum();
    let total = checks.legend_bytes.max(1) as f64;
    let dump = LayoutDump {
        width,
        height,
        theme: if spec.dark { "dark" } else { "light" },
        nodes,
        ribbons,
        labels: texts,
        legend: legend
            .iter()
            .map(|(owner, colour, bytes, owners)| LegendDump {
                owner: owner.label().into_owned(),
                colour: *colour,
                bytes: *bytes,
                share: *bytes as f64 / total,
                owners: *owners,
            })
            .collect(),
        caption,
        checks,
    };
    FigureScene { width, height, background: colours.background, items, dump }
}

/// Legend entries (display owner, colour, bytes, owners behind it) from the model's owner
/// column: the graph's own numbers, largest first, the grey family last.
fn legend_of(model: &GraphModel, palette: &Palette, dark: bool) -> Vec<(Owner, Rgb, u64, usize)> {
    let mut entries: Vec<(Owner, Rgb, u64, usize)> = Vec::new();
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

fn min_delta_e(legend: &[(Owner, Rgb, u64, usize)]) -> Option<f64> {
    let mut best: Option<f64> = None;
    for (i, a) in legend.iter().enumerate() {
        for b in legend.iter().skip(i + 1) {
            let d = delta_e(a.1, b.1);
            best = Some(best.map_or(d, |m: f64| m.min(d)));
        }
    }
    best
}

fn numbers_of(entry: &(Owner, Rgb, u64, usize), total: u64) -> String {
    let share = entry.2 as f64 * 100.0 / total.max(1) as f64;
    let mut text = format!("{} · {share:.1} %", human_bytes(entry.2));
    if entry.3 > 1 {
        text.push_str(&format!(" · {} owners", entry.3));
    }
    text
}

fn legend_column(legend: &[(Owner, Rgb, u64, usize)], area: BoxF, fs: f32, c: &Ink, measure: Measure<'_>) -> Vec<Item> {
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
fn legend_rows(
    legend: &[(Owner, Rgb, u64, usize)],
    body: BoxF,
    fs: f32,
    c: &Ink,
    measure: Measure<'_>,
) -> (Vec<Item>, f32) {
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

struct DrawnGraph {
    items: Vec<Item>,
    nodes: Vec<NodeDump>,
    ribbons: Vec<RibbonDump>,
    /// Host -> endpoint, endpoint -> owner.
    crossings: [u64; 2],
}

/// The Sankey graph in `area`: laid out at 1/fs scale by the graph module, then scaled.
fn graph_items(model: &GraphModel, area: BoxF, fs: f32, dark: bool, c: &Ink, measure: Measure<'_>) -> DrawnGraph {
    let name_measure = |t: &str| measure(t, NAME);
    let scene = layered_scene(model, area.w / fs, area.h / fs, &name_measure);
    let at = |x: f32, y: f32| (area.x + x * fs, area.y + y * fs);
    let mut items = Vec::new();
    let mut ribbons = Vec::new();
    let mut ends: Vec<(usize, f32, f32)> = Vec::new(); // source column, from top, to top
    for (link, shape) in model.links.iter().zip(&scene.links) {
        let SceneLink::Band(r) = shape else { continue };
        let colour = model.palette.colour_in(&link.owner, dark);
        let (top, bottom) = ribbon_edges(r, &at, fs);
        items.push(Item::Band { top, bottom, fill: colour, opacity: 0.6 });
        let source_column = model.nodes.get(link.source).map_or(0, |n| n.column);
        ends.push((source_column, r.source_top, r.target_top));
        let (x0, y0) = at(r.x0, r.source_top);
        let (x1, y1) = at(r.x1, r.target_top);
        ribbons.push(RibbonDump {
            source: link.source,
            target: link.target,
            owner: link.owner.label().into_owned(),
            bytes: link.bytes,
            colour,
            from: [x0, y0, y0 + r.width * fs],
            to: [x1, y1, y1 + r.width * fs],
        });
    }
    let mut nodes = Vec::new();
    for (n, s) in model.nodes.iter().zip(&scene.nodes) {
        let folded = matches!(n.kind, NodeKind::More { .. });
        let colour = match (&n.owner, n.column) {
            (Some(owner), column) if column != HOSTS => model.palette.colour_in(owner, dark),
            _ => c.weak,
        };
        let (x, y) = at(s.rect.min.x, s.rect.min.y);
        let bounds = BoxF { x, y, w: (s.rect.max.x - s.rect.min.x) * fs, h: (s.rect.max.y - s.rect.min.y) * fs };
        items.push(Item::Rect {
            bounds,
            fill: colour,
            opacity: if folded { 0.45 } else { 1.0 },
            stroke: folded.then_some((c.ink, 1.0)),
        });
        nodes.push(NodeDump {
            column: n.column,
            label: n.label.clone(),
            detail: n.detail.clone(),
            owner: n.owner.as_ref().map(|o| o.label().into_owned()),
            bytes: n.bytes,
            bounds,
            colour,
            folded,
        });
    }
    // Labels over everything, each on a light plate so ribbons never garble it.
    for (n, s) in model.nodes.iter().zip(&scene.nodes) {
        let _ = n;
        let anchor = if s.label_right_aligned { Anchor::End } else { Anchor::Start };
        let x = if s.label_right_aligned { s.label.max.x } else { s.label.min.x };
        let centre = (s.label.min.y + s.label.max.y) / 2.0;
        let (lx, ly) = at(x, centre - LINE_HEIGHT);
        let plate = {
            let (px, py) = at(s.label.min.x - 2.0, centre - LABEL_SLOT / 2.0 + 1.0);
            BoxF { x: px, y: py, w: (s.label.max.x - s.label.min.x + 4.0) * fs, h: (LABEL_SLOT - 2.0) * fs }
        };
        items.push(Item::Rect { bounds: plate, fill: c.background, opacity: 0.75, stroke: None });
        if s.leader {
            let from = if s.label_right_aligned {
                at(s.rect.min.x, s.rect.center().y)
            } else {
                at(s.rect.max.x, s.rect.center().y)
            };
            let to = if s.label_right_aligned { at(s.label.max.x, centre) } else { at(s.label.min.x, centre) };
            items.push(Item::Line { points: vec![from, to], colour: c.weak, width: 0.75, opacity: 0.8 });
        }
        items.push(text_item(s.lines[0].clone(), lx, ly, NAME * fs, c.ink, anchor, "node", measure));
        items.push(text_item(
            s.lines[1].clone(),
            lx,
            ly + (LINE_HEIGHT + 1.0) * fs,
            DETAIL * fs,
            c.weak,
            anchor,
            "node",
            measure,
        ));
    }
    let crossings = [crossings_between(&ends, 0), crossings_between(&ends, 1)];
    DrawnGraph { items, nodes, ribbons, crossings }
}

/// Ribbons from `column` to the next that cross: pairs in one order at their sources and
/// the other at their targets (measured on the drawn geometry).
pub fn crossings_between(ends: &[(usize, f32, f32)], column: usize) -> u64 {
    let mut pairs: Vec<(f32, f32)> = ends.iter().filter(|e| e.0 == column).map(|e| (e.1, e.2)).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut count = 0;
    for (i, a) in pairs.iter().enumerate() {
        count += pairs.iter().skip(i + 1).filter(|b| b.0 > a.0 + 0.01 && b.1 + 0.01 < a.1).count() as u64;
    }
    count
}

fn ribbon_edges(
    r: &RibbonGeometry,
    at: &dyn Fn(f32, f32) -> (f32, f32),
    _fs: f32,
) -> (Vec<(f32, f32)>, Vec<(f32, f32)>) {
    let xs = (0..=RIBBON_SAMPLES).map(|s| r.x0 + (r.x1 - r.x0) * s as f32 / RIBBON_SAMPLES as f32);
    let top: Vec<(f32, f32)> = xs.clone().map(|x| at(x, r.top_at(x).unwrap_or(r.source_top))).collect();
    // Hairline ribbons get at least a quarter point, so that they print.
    let width = r.width.max(0.25);
    let bottom = xs.map(|x| at(x, r.top_at(x).unwrap_or(r.source_top) + width)).collect();
    (top, bottom)
}

#[allow(clippy::too_many_arguments)]
fn text_item(
    text: String,
    x: f32,
    y: f32,
    size: f32,
    colour: Rgb,
    anchor: Anchor,
    role: &'static str,
    measure: Measure<'_>,
) -> Item {
    let w = measure(&text, size);
    let left = if anchor == Anchor::End { x - w } else { x };
    Item::Text(TextRun {
        bounds: BoxF { x: left, y, w, h: size * 1.2 },
        text,
        x,
        y,
        size,
        colour,
        anchor,
        bold: false,
        role,
    })
}

/// Greedy word wrap to `width`; a word longer than the line is cut between characters.
pub fn wrap(text: &str, size: f32, width: f32, measure: Measure<'_>) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if measure(&candidate, size) <= width || current.is_empty() && measure(word, size) <= width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if measure(word, size) <= width {
            current = word.to_string();
        } else {
            // Cut a long word (a long AS name without spaces) between characters.
            for ch in word.chars() {
                let next = format!("{current}{ch}");
                if measure(&next, size) > width && !current.is_empty() {
                    lines.push(std::mem::take(&mut current));
                    current.push(ch);
                } else {
                    current = next;
                }
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(t: &str, size: f32) -> f32 {
        t.chars().count() as f32 * size * 0.55
    }

    #[test]
    fn wrap_keeps_words_and_cuts_only_overlong_ones() {
        assert_eq!(
            wrap("AS8075 Microsoft Corporation", 10.0, 80.0, &measure),
            vec!["AS8075", "Microsoft", "Corporation"]
        );
        assert_eq!(wrap("AS8075 Microsoft", 10.0, 200.0, &measure), vec!["AS8075 Microsoft"]);
        let cut = wrap("abcdefghijklmnopqrstuvwxyz", 10.0, 55.0, &measure);
        assert!(cut.len() > 1 && cut.iter().all(|l| measure(l, 10.0) <= 55.0), "{cut:?}");
    }

    #[test]
    fn crossings_are_counted_on_geometry() {
        let ends = [(0, 0.0, 10.0), (0, 5.0, 0.0), (1, 0.0, 0.0), (1, 5.0, 5.0)];
        assert_eq!(crossings_between(&ends, 0), 1);
        assert_eq!(crossings_between(&ends, 1), 0);
    }
}

//! Lays the figure out once, as a [`FigureScene`]: title and subtitle, the Sankey graph
//! (`graph`), the timeline (`timeline`), the legend (`legend`) and the caption. Every number
//! shown comes from one computation: the graph model's bytes under the filter, inside the
//! time range. Text widths come from `measure`, so this stays pure.

use std::collections::BTreeSet;

use super::graph::graph_items;
use super::legend::{legend_column, legend_of, legend_rows, min_delta_e};
use super::scene::{overlap_counts, Anchor, BoxF, Checks, FigureScene, Item, LayoutDump, LegendDump, TextRun};
use super::timeline::{timeline_items, TimelineStyle};
use super::{caption_text, FigureSpec, View};
use crate::graph::model::{build_with, group_totals, palette_options_for, OWNERS};
use crate::graph::scene::capacity_for;
use crate::palette::{self, Palette, Rgb};
use whohosts_core::filter::ViewFilter;
use whohosts_core::providers::Owner;
use whohosts_core::snapshot::Snapshot;

const MARGIN: f32 = 28.0;
const GAP: f32 = 16.0;
const TITLE: f32 = 26.0;
const SUBTITLE: f32 = 16.0;
pub(super) const LEGEND: f32 = 14.0;
pub(super) const SMALL: f32 = 12.0;
const CAPTION: f32 = 12.5;
pub(super) const NAME: f32 = 12.5;
pub(super) const DETAIL: f32 = 11.0;
/// Narrower figures put the legend in rows under the views instead of a column beside.
const LEGEND_COLUMN_MIN_WIDTH: f32 = 760.0;
const LEGEND_COLUMN_WIDTH: f32 = 230.0;
/// Line height as a multiple of the font size.
pub(super) const LEADING: f32 = 1.25;

/// Text widths in points for a size in points.
pub type Measure<'a> = &'a dyn Fn(&str, f32) -> f32;

/// The figure's text colours and background.
pub struct Ink {
    pub ink: Rgb,
    pub weak: Rgb,
    pub background: Rgb,
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

#[allow(clippy::too_many_arguments)]
pub(super) fn text_item(
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
}

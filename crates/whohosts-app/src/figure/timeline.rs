//! The figure's timeline: bytes per second stacked by owner (the legend's owners, in the
//! legend's order, largest at the bottom) with a rate axis and a time axis, as scene items.
//! Counts bytes inside the range only (the timeline's bins). Pure: no egui types.

use super::scene::{Anchor, BoxF, Item, TextRun};
use crate::palette::{Palette, Rgb};
use crate::theme::human_rate;
use whohosts_core::filter::{FlowMatcher, ViewFilter};
use whohosts_core::providers::Owner;
use whohosts_core::snapshot::Snapshot;
use whohosts_core::timeline::LEVEL_WIDTHS_NS;

const NS_PER_S: f64 = 1e9;
/// Points per bin at least, so that bins stay readable.
const MIN_BIN_PT: f32 = 3.0;

/// Colours and text sizes of the timeline.
pub struct TimelineStyle<'a> {
    pub palette: &'a Palette,
    pub dark: bool,
    pub ink: Rgb,
    pub weak: Rgb,
    pub text_size: f32,
    pub measure: &'a dyn Fn(&str, f32) -> f32,
}

/// The stacked areas and axes for `owners` (display groups, bottom first) in `area`.
pub fn timeline_items(
    snapshot: &Snapshot,
    filter: &ViewFilter,
    owners: &[Owner],
    area: BoxF,
    style: &TimelineStyle<'_>,
) -> Vec<Item> {
    let mut items = Vec::new();
    let Some((from, to)) = filter.time_range.or(snapshot.totals.first_ns.zip(snapshot.totals.last_ns.map(|l| l + 1)))
    else {
        return items;
    };
    let line = style.text_size * 1.25;
    // Room for the rate labels left and the time labels below.
    let gutter = (style.measure)("888 MB/s", style.text_size) + 8.0;
    let plot = BoxF { x: area.x + gutter, y: area.y + line / 2.0, w: area.w - gutter, h: area.h - line * 1.6 - line / 2.0 };
    if plot.w < 20.0 || plot.h < 20.0 {
        return items;
    }
    let max_bins = (plot.w / MIN_BIN_PT).max(1.0) as usize;
    let level = snapshot.timeline.level_for(from, to, max_bins);
    let width_ns = LEVEL_WIDTHS_NS.get(level).copied().unwrap_or(1_000_000_000);
    let shown = (!filter.text.trim().is_empty())
        .then(|| FlowMatcher::new(snapshot, &filter.without_time()).endpoints_with_passing_flows());
    let owner_group: Vec<usize> = snapshot
        .owners
        .iter()
        .map(|o| {
            let group = style.palette.display_group(&o.owner);
            owners.iter().position(|g| *g == group).unwrap_or(owners.len())
        })
        .collect();
    let group_of = |series: u32| {
        if shown.as_ref().is_some_and(|s| !s.get(series as usize).copied().unwrap_or(false)) {
            return owners.len();
        }
        snapshot
            .endpoints
            .get(series as usize)
            .and_then(|e| owner_group.get(e.owner))
            .copied()
            .unwrap_or(owners.len())
    };
    let grouped = snapshot.timeline.grouped(level, from, to, owners.len() + 1, group_of);
    let first_bin = from.div_euclid(width_ns) * width_ns;
    let count = ((to - first_bin) / width_ns + 1).clamp(1, 20_000) as usize;
    let mut dense = vec![vec![0u64; owners.len()]; count];
    for (start, counts) in &grouped {
        let Some(row) = usize::try_from((start - first_bin) / width_ns).ok().and_then(|i| dense.get_mut(i)) else {
            continue;
        };
        for (slot, c) in row.iter_mut().zip(counts) {
            *slot += c.bytes;
        }
    }
    let seconds = width_ns as f64 / NS_PER_S;
    let peak = dense.iter().map(|row| row.iter().sum::<u64>() as f64 / seconds).fold(0.0, f64::max);
    let (ticks, top) = nice_ticks(peak);
    let x_of = |ns: i64| {
        let u = (ns.clamp(from, to) - from) as f64 / (to - from).max(1) as f64;
        plot.x + (u as f32) * plot.w
    };
    let y_of = |rate: f64| plot.bottom() - ((rate / top.max(1e-9)) as f32) * plot.h;
    // Grid and rate labels; the top label is kept inside the area.
    for &t in &ticks {
        let y = y_of(t);
        items.push(Item::Line { points: vec![(plot.x, y), (plot.right(), y)], colour: style.weak, width: 0.5, opacity: 0.35 });
        let text = human_rate(t);
        let w = (style.measure)(&text, style.text_size);
        let top_y = (y - line / 2.0).clamp(area.y, area.bottom() - line);
        items.push(text_run(text, plot.x - 6.0, top_y, w, style, Anchor::End));
    }
    // Stacked bands, step-shaped.
    let mut below = vec![0.0f64; count];
    for (g, owner) in owners.iter().enumerate() {
        let mut top_edge = Vec::with_capacity(2 * count);
        let mut bottom_edge = Vec::with_capacity(2 * count);
        let mut any = false;
        for (i, row) in dense.iter().enumerate() {
            let start = first_bin + i as i64 * width_ns;
            let rate = row.get(g).copied().unwrap_or(0) as f64 / seconds;
            any |= rate > 0.0;
            let base = below.get(i).copied().unwrap_or(0.0);
            for x in [x_of(start), x_of(start + width_ns)] {
                top_edge.push((x, y_of(base + rate)));
                bottom_edge.push((x, y_of(base)));
            }
            if let Some(b) = below.get_mut(i) {
                *b += rate;
            }
        }
        if any {
            let fill = style.palette.colour_in(owner, style.dark);
            items.push(Item::Band { top: top_edge, bottom: bottom_edge, fill, opacity: 0.85 });
        }
    }
    items.push(Item::Line {
        points: vec![(plot.x, plot.bottom()), (plot.right(), plot.bottom())],
        colour: style.weak,
        width: 0.75,
        opacity: 1.0,
    });
    // Time labels under the axis, kept apart and inside.
    let span_s = (to - from) as f64 / NS_PER_S;
    let room = (style.measure)("00:00:00", style.text_size) + 16.0;
    let step = time_step(span_s, (plot.w / room).max(1.0) as usize);
    let mut t = (from as f64 / NS_PER_S / step).ceil() * step;
    let mut last_right = f32::NEG_INFINITY;
    while t * NS_PER_S <= to as f64 {
        let x = x_of((t * NS_PER_S) as i64);
        let text = time_of_day(t);
        let w = (style.measure)(&text, style.text_size);
        // Never left of the plot: the rate labels live there.
        let left = (x - w / 2.0).clamp(plot.x, (area.right() - w).max(plot.x));
        if left > last_right + 6.0 {
            items.push(Item::Line {
                points: vec![(x, plot.bottom()), (x, plot.bottom() + 3.0)],
                colour: style.weak,
                width: 0.75,
                opacity: 1.0,
            });
            items.push(text_run(text, left, plot.bottom() + 4.0, w, style, Anchor::Start));
            last_right = left + w;
        }
        t += step;
    }
    items
}

fn text_run(text: String, x: f32, y: f32, w: f32, style: &TimelineStyle<'_>, anchor: Anchor) -> Item {
    let left = if anchor == Anchor::End { x - w } else { x };
    Item::Text(TextRun {
        text,
        x,
        y,
        size: style.text_size,
        colour: style.weak,
        anchor,
        bold: false,
        bounds: BoxF { x: left, y, w, h: style.text_size * 1.2 },
        role: "axis",
    })
}

/// Ticks 0, s, 2s ... covering `peak` with a 1-2-5 step, and the axis top (the last tick).
pub fn nice_ticks(peak: f64) -> (Vec<f64>, f64) {
    if peak <= 0.0 || !peak.is_finite() {
        return (vec![0.0], 1.0);
    }
    let rough = peak / 4.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= rough).unwrap_or(10.0 * magnitude);
    let n = (peak / step).ceil().max(1.0) as usize;
    let ticks: Vec<f64> = (0..=n).map(|i| i as f64 * step).collect();
    let top = ticks.last().copied().unwrap_or(step);
    (ticks, top)
}

/// A round step in seconds giving at most `max_labels` labels over `span_s`.
pub fn time_step(span_s: f64, max_labels: usize) -> f64 {
    const STEPS: [f64; 16] =
        [1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 21600.0, 86400.0];
    STEPS.iter().copied().find(|s| span_s / s <= max_labels.max(1) as f64).unwrap_or(86400.0)
}

/// "HH:MM:SS" (UTC) of seconds since the epoch.
pub fn time_of_day(seconds: f64) -> String {
    let s = seconds.rem_euclid(86400.0) as u64;
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_cover_the_peak_with_round_steps() {
        let (ticks, top) = nice_ticks(870.0);
        assert_eq!(ticks, vec![0.0, 250.0, 500.0, 750.0, 1000.0]);
        assert_eq!(top, 1000.0);
        assert_eq!(nice_ticks(0.0).0, vec![0.0]);
    }

    #[test]
    fn time_labels_are_round_and_few() {
        assert_eq!(time_step(30.0, 8), 5.0);
        assert_eq!(time_step(3600.0, 6), 900.0);
        assert_eq!(time_of_day(1_700_000_000.0), "22:13:20");
    }
}

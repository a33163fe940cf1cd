//! The figure's timeline: bytes per second stacked by owner (the legend's owners, in the
//! legend's order, largest at the bottom) with a rate axis and a time axis, as scene items.
//! Counts bytes inside the range only (the timeline's bins). Pure: no egui types.

use super::scene::{Anchor, BoxF, Item, TextRun};
use crate::palette::{Palette, Rgb};
use crate::theme::human_rate;
use whohosts_core::filter::{FlowMatcher, ViewFilter};
use whohosts_core::providers::Owner;
use whohosts_core::snapshot::Snapshot;
use whohosts_core::timeline::{CompressedAxis, LEVEL_WIDTHS_NS};

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
    let plot =
        BoxF { x: area.x + gutter, y: area.y + line / 2.0, w: area.w - gutter, h: area.h - line * 1.6 - line / 2.0 };
    if plot.w < 20.0 || plot.h < 20.0 {
        return items;
    }
    // Long silences (captures glued together, days apart) are cut out of the axis: each
    // active stretch gets width by its duration, with a small break between stretches.
    // The one real-time ↔ position mapping the window's timeline uses too (in points here).
    let segments = CompressedAxis::new(active_segments(snapshot, from, to), 1.0, 0.0).stretches().to_vec();
    let active: i64 = segments.iter().map(|(a, b)| b - a).sum::<i64>().max(1);
    let breaks = segments.len().saturating_sub(1) as f32 * BREAK_PT;
    let usable = (plot.w - breaks).max(10.0);
    let axis = CompressedAxis::new(segments.iter().copied(), f64::from(usable) / active as f64, f64::from(BREAK_PT));
    let max_bins = (usable / MIN_BIN_PT).max(1.0) as usize;
    let level = snapshot.timeline.level_for(0, active, max_bins);
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
        snapshot.endpoints.get(series as usize).and_then(|e| owner_group.get(e.owner)).copied().unwrap_or(owners.len())
    };
    let seconds = width_ns as f64 / NS_PER_S;
    // Per segment: its x range and its dense bins.
    let mut drawn: Vec<Stretch> = Vec::new();
    for (i, &(seg_from, seg_to)) in segments.iter().enumerate() {
        let (start, end) = axis.stretch_span(i).unwrap_or((0.0, 0.0));
        let (x, seg_w) = (plot.x + start as f32, (end - start) as f32);
        let grouped = snapshot.timeline.grouped(level, seg_from, seg_to, owners.len() + 1, group_of);
        let first_bin = seg_from.div_euclid(width_ns) * width_ns;
        let count = ((seg_to - first_bin) / width_ns + 1).clamp(1, 20_000) as usize;
        let mut dense = vec![vec![0u64; owners.len()]; count];
        for (start, counts) in &grouped {
            let Some(row) = usize::try_from((start - first_bin) / width_ns).ok().and_then(|i| dense.get_mut(i)) else {
                continue;
            };
            for (slot, c) in row.iter_mut().zip(counts) {
                *slot += c.bytes;
            }
        }
        drawn.push(Stretch { from: seg_from, to: seg_to, x, width: seg_w, first_bin, dense });
    }
    let peak = drawn
        .iter()
        .flat_map(|d| d.dense.iter())
        .map(|row| row.iter().sum::<u64>() as f64 / seconds)
        .fold(0.0, f64::max);
    // As many ticks as there is room for labels (at most four steps).
    let steps = ((plot.h / (line * 1.5)).floor() as usize).clamp(1, 4);
    let (ticks, top) = nice_ticks(peak, steps);
    let y_of = |rate: f64| plot.bottom() - ((rate / top.max(1e-9)) as f32) * plot.h;
    // Grid and rate labels; the top label is kept inside the area.
    for &t in &ticks {
        let y = y_of(t);
        items.push(Item::Line {
            points: vec![(plot.x, y), (plot.right(), y)],
            colour: style.weak,
            width: 0.5,
            opacity: 0.35,
        });
        let text = rate_label(t, ticks.get(1).copied().unwrap_or(1.0));
        let w = (style.measure)(&text, style.text_size);
        let top_y = (y - line / 2.0).clamp(area.y, area.bottom() - line);
        items.push(text_run(text, plot.x - 6.0, top_y, w, style, Anchor::End));
    }
    let span_s = active as f64 / NS_PER_S;
    let room = (style.measure)("07-20 23:00:00", style.text_size) + 16.0;
    let step = time_step(span_s, (usable / room).max(1.0) as usize);
    let mut last_right = f32::NEG_INFINITY;
    for (i, Stretch { from: seg_from, to: seg_to, x: x0, width: seg_w, first_bin, dense }) in drawn.iter().enumerate() {
        let x_of = |ns: i64| plot.x + axis.position_of(ns.clamp(*seg_from, *seg_to)) as f32;
        // Stacked bands, step-shaped.
        let mut below = vec![0.0f64; dense.len()];
        for (g, owner) in owners.iter().enumerate() {
            let mut top_edge = Vec::with_capacity(2 * dense.len());
            let mut bottom_edge = Vec::with_capacity(2 * dense.len());
            let mut any = false;
            for (b, row) in dense.iter().enumerate() {
                let start = first_bin + b as i64 * width_ns;
                let rate = row.get(g).copied().unwrap_or(0) as f64 / seconds;
                any |= rate > 0.0;
                let base = below.get(b).copied().unwrap_or(0.0);
                for xv in [x_of(start), x_of(start + width_ns)] {
                    top_edge.push((xv, y_of(base + rate)));
                    bottom_edge.push((xv, y_of(base)));
                }
                if let Some(v) = below.get_mut(b) {
                    *v += rate;
                }
            }
            if any {
                let fill = style.palette.colour_in(owner, style.dark);
                items.push(Item::Band { top: top_edge, bottom: bottom_edge, fill, opacity: 0.85 });
            }
        }
        items.push(Item::Line {
            points: vec![(*x0, plot.bottom()), (x0 + seg_w, plot.bottom())],
            colour: style.weak,
            width: 0.75,
            opacity: 1.0,
        });
        if let Some(cut) = i.checked_sub(1).and_then(|b| axis.breaks().nth(b)) {
            // A break mark between stretches: two short slanted strokes.
            let bx = plot.x + ((cut.from_pos + cut.to_pos) / 2.0) as f32;
            for dx in [-2.0, 2.0] {
                items.push(Item::Line {
                    points: vec![(bx + dx - 2.0, plot.bottom() + 4.0), (bx + dx + 2.0, plot.bottom() - 4.0)],
                    colour: style.weak,
                    width: 0.75,
                    opacity: 1.0,
                });
            }
        }
        // Time labels under the axis, kept apart and inside; a stretch after a break is
        // labelled at its start with its date.
        let mut t = (*seg_from as f64 / NS_PER_S / step).ceil() * step;
        let mut first = i > 0;
        let mut need_date = segments.len() > 1;
        if first {
            t = *seg_from as f64 / NS_PER_S;
        }
        while t * NS_PER_S <= *seg_to as f64 {
            let xv = x_of((t * NS_PER_S) as i64);
            let text = if need_date && step < 86400.0 {
                format!("{} {}", time_label(t, 86400.0), time_of_day(t))
            } else {
                time_label(t, step)
            };
            let w = (style.measure)(&text, style.text_size);
            // Never left of the plot: the rate labels live there.
            let left = (xv - w / 2.0).clamp(plot.x, (area.right() - w).max(plot.x));
            if left > last_right + 6.0 {
                items.push(Item::Line {
                    points: vec![(xv, plot.bottom()), (xv, plot.bottom() + 3.0)],
                    colour: style.weak,
                    width: 0.75,
                    opacity: 1.0,
                });
                items.push(text_run(text, left, plot.bottom() + 4.0, w, style, Anchor::Start));
                last_right = left + w;
                need_date = false;
            }
            t = if first { (t / step).floor() * step + step } else { t + step };
            first = false;
        }
    }
    items
}

/// One active stretch of the axis: its time range, where it is drawn, and its bins
/// (bytes per owner) from `first_bin` on.
struct Stretch {
    from: i64,
    to: i64,
    x: f32,
    width: f32,
    first_bin: i64,
    dense: Vec<Vec<u64>>,
}

/// Width of the break between two active stretches, in points.
const BREAK_PT: f32 = 14.0;

/// The stretches of [from, to) with traffic (bins of the timeline with bytes, at a fine
/// level), split where nothing was sent for longer than a tenth of the traffic's own
/// duration (and at least a minute). One stretch when there is no long silence.
pub fn active_segments(snapshot: &Snapshot, from: i64, to: i64) -> Vec<(i64, i64)> {
    // Coarse bins find the stretches of a capture spanning years; finer bins within each
    // stretch then trim and split it.
    let coarse = split_by_silence(snapshot, from, to, true);
    if coarse.len() <= 1 {
        return coarse;
    }
    let fine: Vec<(i64, i64)> = coarse.iter().flat_map(|&(a, b)| split_by_silence(snapshot, a, b, false)).collect();
    if fine.is_empty() {
        coarse
    } else {
        fine
    }
}

/// Stretches of [from, to) with bytes; with `whole_if_one`, one stretch is the whole range.
fn split_by_silence(snapshot: &Snapshot, from: i64, to: i64, whole_if_one: bool) -> Vec<(i64, i64)> {
    let level = snapshot.timeline.level_for(from, to, 200_000);
    let width = LEVEL_WIDTHS_NS.get(level).copied().unwrap_or(1_000_000_000);
    let mut spans: Vec<(i64, i64)> = snapshot
        .timeline
        .bins(level, from, to)
        .into_iter()
        .filter(|(_, _, counts)| counts.bytes > 0)
        .map(|(start, _, _)| (start.max(from), start.saturating_add(width).min(to)))
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let busy: i64 = merged.iter().map(|(a, b)| b - a).sum();
    let silence = (busy / 10).max(60 * 1_000_000_000);
    let mut segments: Vec<(i64, i64)> = Vec::new();
    for (a, b) in merged {
        match segments.last_mut() {
            Some(last) if a - last.1 <= silence => last.1 = last.1.max(b),
            _ => segments.push((a, b)),
        }
    }
    if segments.len() <= 1 && whole_if_one || segments.is_empty() {
        return vec![(from, to)];
    }
    // Keep the picture's ends: the first stretch starts at `from` if it is close.
    segments.into_iter().map(|(a, b)| (a, b.max(a + 1_000_000_000))).collect()
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

/// Ticks 0, s, 2s ... covering `peak` in about `steps` round (1-2-2.5-5) steps, and the axis
/// top (the last tick).
pub fn nice_ticks(peak: f64, steps: usize) -> (Vec<f64>, f64) {
    if peak <= 0.0 || !peak.is_finite() {
        return (vec![0.0], 1.0);
    }
    let rough = peak / steps.max(1) as f64;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step =
        [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= rough).unwrap_or(10.0 * magnitude);
    let n = (peak / step).ceil().max(1.0) as usize;
    let ticks: Vec<f64> = (0..=n).map(|i| i as f64 * step).collect();
    let top = ticks.last().copied().unwrap_or(step);
    (ticks, top)
}

/// A round step in seconds giving at most `max_labels` labels over `span_s`.
pub fn time_step(span_s: f64, max_labels: usize) -> f64 {
    const STEPS: [f64; 20] = [
        1.0,
        2.0,
        5.0,
        10.0,
        15.0,
        30.0,
        60.0,
        120.0,
        300.0,
        600.0,
        900.0,
        1800.0,
        3600.0,
        7200.0,
        21600.0,
        43200.0,
        86400.0,
        172_800.0,
        604_800.0,
        2_592_000.0,
    ];
    STEPS.iter().copied().find(|s| span_s / s <= max_labels.max(1) as f64).unwrap_or(2_592_000.0)
}

/// A time label for ticks `step` seconds apart: the time of day, or the date for steps of
/// a day or more ("07-20"), so that labels never repeat.
pub fn time_label(seconds: f64, step: f64) -> String {
    if step < 86400.0 {
        return time_of_day(seconds);
    }
    let days = (seconds / 86400.0).floor() as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{month:02}-{day:02}")
}

/// A rate tick label with as many decimals as the step needs ("0.5 B/s", "12.0 kB/s").
pub fn rate_label(rate: f64, step: f64) -> String {
    if rate >= 1000.0 || step >= 1.0 || rate == 0.0 {
        return human_rate(rate);
    }
    let decimals = (-step.log10()).ceil().clamp(1.0, 4.0) as usize;
    format!("{rate:.decimals$} B/s")
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
        let (ticks, top) = nice_ticks(870.0, 4);
        assert_eq!(ticks, vec![0.0, 250.0, 500.0, 750.0, 1000.0]);
        assert_eq!(top, 1000.0);
        assert_eq!(nice_ticks(870.0, 1).0, vec![0.0, 1000.0]);
        assert_eq!(nice_ticks(0.0, 4).0, vec![0.0]);
    }

    #[test]
    fn small_rates_and_long_spans_get_distinct_labels() {
        assert_eq!(rate_label(0.5, 0.25), "0.5 B/s");
        assert_eq!(rate_label(2000.0, 500.0), "2.00 kB/s");
        assert_eq!(time_label(1_658_361_600.0, 86400.0), "07-21");
        assert_eq!(time_label(1_658_361_600.0 + 3723.0, 60.0), "01:02:03");
    }

    #[test]
    fn time_labels_are_round_and_few() {
        assert_eq!(time_step(30.0, 8), 5.0);
        assert_eq!(time_step(3600.0, 6), 600.0);
        assert_eq!(time_of_day(1_700_000_000.0), "22:13:20");
    }
}

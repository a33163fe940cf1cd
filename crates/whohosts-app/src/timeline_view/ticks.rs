//! Where the timeline's x ticks go and what they say. On the real axis: clock-friendly steps in
//! seconds since the origin. On an axis with silences cut out: round real times inside each
//! stretch of traffic, the first tick of each stretch carrying its date. Pure: no egui types.

use egui_plot::{GridInput, GridMark};
use whohosts_core::timeline::CompressedAxis;

/// Clock-friendly steps in seconds (1 ms ... 30 days).
const NICE: [f64; 31] = [
    0.001,
    0.002,
    0.005,
    0.01,
    0.02,
    0.05,
    0.1,
    0.2,
    0.5,
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
    10_800.0,
    21_600.0,
    43_200.0,
    86_400.0,
    172_800.0,
    604_800.0,
    1_209_600.0,
    2_592_000.0,
];
const DAY_S: f64 = 86_400.0;
/// Points between tick labels at least, and per character of a label (body text, roughly).
const LABEL_GAP_PX: f64 = 16.0;
const CHAR_PX: f64 = 7.5;

/// Grid steps in seconds that read well as clock times (1 ms ... 1 day).
pub(super) fn time_steps(input: GridInput) -> [f64; 3] {
    const CLOCK: [f64; 22] = [
        0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0,
        600.0, 1800.0, 3600.0, 21600.0,
    ];
    let base = input.base_step_size.max(1e-3);
    let at = |min: f64| CLOCK.iter().copied().find(|&s| s >= min).unwrap_or(86_400.0);
    let small = at(base);
    let medium = at(small * 4.0);
    [small, medium, at(medium * 4.0)]
}

/// Seconds since the origin's midnight as a clock time, "HH:MM:SS.mmm" ("+1d" past a day).
pub(super) fn time_of_day(seconds: f64) -> String {
    let ms = (seconds * 1000.0).round() as i64;
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (h, m, s, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    let clock = format!("{h:02}:{m:02}:{s:02}.{milli:03}");
    if days == 0 {
        clock
    } else {
        format!("{clock} {days:+}d")
    }
}

/// One tick of an axis with silences cut out.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Tick {
    /// Position on the axis.
    pub pos: f64,
    /// Position units to the next tick of its kind (egui_plot shows a label only when this
    /// many units are wider than the label).
    pub step: f64,
    pub label: String,
}

/// Ticks for an axis with silences cut out, over `bounds` (positions), `px_per_unit` points
/// per position unit: at round real times inside each stretch, the first of each stretch
/// with its date; never two labels on top of each other (a stretch's first label wins).
pub(super) fn broken_axis_ticks(axis: &CompressedAxis, bounds: (f64, f64), px_per_unit: f64) -> Vec<Tick> {
    if !(px_per_unit.is_finite() && px_per_unit > 0.0 && bounds.1 > bounds.0) {
        return Vec::new();
    }
    let seconds_per_unit = 1.0 / (axis.scale() * 1e9);
    let plain_px = 8.0 * CHAR_PX + LABEL_GAP_PX;
    let step_s = NICE.iter().copied().find(|&s| s / seconds_per_unit * px_per_unit >= plain_px).unwrap_or(2_592_000.0);
    let step_ns = (step_s * 1e9) as i64;
    let mut ticks: Vec<(Tick, bool)> = Vec::new();
    let half_width = |label: &str| (label.chars().count() as f64 * CHAR_PX + LABEL_GAP_PX) / 2.0 / px_per_unit;
    for (i, &(from, to)) in axis.stretches().iter().enumerate() {
        let Some((start, end)) = axis.stretch_span(i) else { continue };
        if end < bounds.0 || start > bounds.1 {
            continue;
        }
        // The first round time in view inside this stretch, far enough in for its dated
        // label to stay clear of the break before it.
        let dated_half_ns = (half_width("2016-04-07 03:33:20") / axis.scale()) as i64;
        let in_view = from.saturating_add(if i > 0 { dated_half_ns } else { 0 }).max(axis.time_at(bounds.0));
        let mut t = in_view.div_euclid(step_ns).saturating_mul(step_ns);
        if t < in_view {
            t = t.saturating_add(step_ns);
        }
        let mut first = true;
        while t < to && axis.position_of(t) <= bounds.1 {
            let label = if first { format!("{} {}", date(t), clock(t, step_s)) } else { clock(t, step_s) };
            // A first label is wider than the step: its own step says how wide, so that
            // egui_plot does not drop it.
            let pos = axis.position_of(t);
            let step = if first {
                (2.0 * half_width(&label)).max(step_s / seconds_per_unit)
            } else {
                step_s / seconds_per_unit
            };
            ticks.push((Tick { pos, step, label }, first));
            first = false;
            t = t.saturating_add(step_ns);
        }
    }
    // Left to right, each label clear of the one before; a stretch's dated first label
    // pushes out the plain one before it.
    let mut kept: Vec<Tick> = Vec::new();
    for (tick, dated) in ticks {
        while let Some(last) = kept.last() {
            let clear = last.pos + half_width(&last.label) <= tick.pos - half_width(&tick.label);
            if clear {
                break;
            }
            if dated {
                kept.pop();
            } else {
                break;
            }
        }
        let clear =
            kept.last().is_none_or(|last| last.pos + half_width(&last.label) <= tick.pos - half_width(&tick.label));
        if clear {
            kept.push(tick);
        }
    }
    kept
}

/// The ticks as egui_plot's grid marks.
pub(super) fn grid_marks(ticks: &[Tick]) -> Vec<GridMark> {
    ticks.iter().map(|t| GridMark { value: t.pos, step_size: t.step }).collect()
}

/// The label of the tick at `value`, if one is there.
pub(super) fn label_at(ticks: &[Tick], value: f64) -> String {
    ticks
        .iter()
        .find(|t| (t.pos - value).abs() <= 1e-9 * t.pos.abs().max(1.0))
        .map(|t| t.label.clone())
        .unwrap_or_default()
}

/// "2016-04-07" (UTC) of real time `ns`.
fn date(ns: i64) -> String {
    whohosts_core::units::utc_date(ns)
}

/// The clock time of real time `ns` (UTC), with milliseconds when the step is under a second;
/// the date instead when ticks are a day or more apart.
fn clock(ns: i64, step_s: f64) -> String {
    if step_s >= DAY_S {
        return date(ns);
    }
    let ms = ns.div_euclid(1_000_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (h, m, s) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60);
    if step_s < 1.0 {
        format!("{h:02}:{m:02}:{s:02}.{:03}", in_day % 1000)
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;
    /// 2016-04-07 03:33:00 and 2022-04-20 09:15:00 UTC.
    const A: i64 = 1_459_999_980 * S;
    const B: i64 = 1_650_446_100 * S;

    fn gap_axis() -> CompressedAxis {
        CompressedAxis::new([(A, A + 120 * S), (B, B + 60 * S)], 1e-9, 9.0)
    }

    #[test]
    fn each_stretch_gets_real_round_times_and_its_first_its_date() {
        let axis = gap_axis();
        let ticks = broken_axis_ticks(&axis, (0.0, axis.end()), 1000.0 / axis.end());
        let labels: Vec<&str> = ticks.iter().map(|t| t.label.as_str()).collect();
        assert!(labels.first().is_some_and(|l| l.starts_with("2016-04-07 03:33")), "{labels:?}");
        assert!(labels.iter().any(|l| l.starts_with("2022-04-20 09:15")), "{labels:?}");
        // Every tick sits where its real time is, and labels keep clear of each other.
        for tick in &ticks {
            let t = axis.time_at(tick.pos);
            assert!(axis.stretch_of(t).is_some(), "{tick:?} in a cut-out silence");
            assert_eq!(clock(t, 1.0), tick.label.rsplit(' ').next().unwrap(), "{tick:?}");
        }
        let px = 1000.0 / axis.end();
        for w in ticks.windows(2) {
            let room = (w[0].label.len() + w[1].label.len()) as f64 * CHAR_PX / 2.0 / px;
            assert!(w[1].pos - w[0].pos >= room, "{w:?}");
        }
        assert_eq!(label_at(&ticks, ticks[0].pos), ticks[0].label);
        assert_eq!(label_at(&ticks, -1.0), "");
    }

    #[test]
    fn zoomed_in_ticks_get_milliseconds_and_far_out_ones_days() {
        let axis = gap_axis();
        let ticks = broken_axis_ticks(&axis, (10.0, 10.5), 2000.0);
        assert!(ticks.iter().skip(1).all(|t| t.label.contains('.')), "{ticks:?}");
        assert_eq!(clock(A, DAY_S), "2016-04-07");
        assert_eq!(clock(A + 1_500_000_000, 0.5), "03:33:01.500");
    }

    #[test]
    fn grid_steps_are_clock_friendly() {
        let steps = time_steps(GridInput { bounds: (0.0, 100.0), base_step_size: 7.0 });
        assert_eq!(steps, [10.0, 60.0, 300.0]);
        assert_eq!(time_of_day(9.0 * 3600.0 + 30.0 * 60.0 + 5.25), "09:30:05.250");
        assert_eq!(time_of_day(86_400.0 + 1.0), "00:00:01.000 +1d");
    }
}

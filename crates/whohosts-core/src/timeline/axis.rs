//! A time axis with long silences cut out: the stretches of traffic side by side, each as
//! wide as it lasted, with a break of fixed width between two. The one mapping between real
//! time and a position on such an axis, used by the window's timeline and the exported figure.
//! Pure arithmetic: it knows nothing of pixels, plots or where the stretches came from.

/// Real time (ns) ↔ position on an axis whose silences between stretches are cut out.
///
/// Inside a stretch, position grows by `scale` per nanosecond. A silence between two stretches
/// takes `gap` position units whatever its length, and times inside it map linearly into the
/// break, so the mapping is continuous and increasing both ways: a range dragged across a break
/// comes back as the real range, silence included. Before the first stretch and after the last
/// the axis goes on at `scale`.
#[derive(Debug, Clone, PartialEq)]
pub struct CompressedAxis {
    /// Real [from, to) ns, in time order, not overlapping, never empty.
    stretches: Vec<(i64, i64)>,
    /// Position where each stretch starts; the first starts at 0.
    starts: Vec<f64>,
    scale: f64,
    gap: f64,
}

/// The cut between two stretches: where it sits on the axis and the silence it stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisBreak {
    /// Positions of the end of the stretch before and the start of the one after.
    pub from_pos: f64,
    pub to_pos: f64,
    /// The silence cut out, real ns [from, to).
    pub silence: (i64, i64),
}

impl CompressedAxis {
    /// An axis over `stretches` (real [from, to) ns; sorted and merged here, empty ones
    /// dropped), `scale` position units per ns, `gap` units per break. No stretches at all
    /// gives a plain linear axis from 0 ns.
    pub fn new(stretches: impl IntoIterator<Item = (i64, i64)>, scale: f64, gap: f64) -> CompressedAxis {
        let mut sorted: Vec<(i64, i64)> = stretches.into_iter().filter(|(a, b)| b > a).collect();
        sorted.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(sorted.len());
        for (a, b) in sorted {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        if merged.is_empty() {
            merged.push((0, 1));
        }
        let scale = if scale.is_finite() && scale > 0.0 { scale } else { 1.0 };
        let gap = if gap.is_finite() { gap.max(0.0) } else { 0.0 };
        let mut starts = Vec::with_capacity(merged.len());
        let mut position = 0.0;
        for &(a, b) in &merged {
            starts.push(position);
            position += (b - a) as f64 * scale + gap;
        }
        CompressedAxis { stretches: merged, starts, scale, gap }
    }

    /// A plain axis: position `(ns - origin_ns) * scale` everywhere, nothing cut out.
    pub fn linear(origin_ns: i64, scale: f64) -> CompressedAxis {
        CompressedAxis::new([(origin_ns, origin_ns.saturating_add(1))], scale, 0.0)
    }

    /// The stretches of traffic, real [from, to) ns, in time order.
    pub fn stretches(&self) -> &[(i64, i64)] {
        &self.stretches
    }

    /// Whether anything is cut out (two stretches or more).
    pub fn is_broken(&self) -> bool {
        self.stretches.len() > 1
    }

    /// Position units per nanosecond inside a stretch.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Positions of stretch `i`'s start and end.
    pub fn stretch_span(&self, i: usize) -> Option<(f64, f64)> {
        let (&(a, b), &start) = (self.stretches.get(i)?, self.starts.get(i)?);
        Some((start, start + (b - a) as f64 * self.scale))
    }

    /// Position of the end of the last stretch (the axis' whole width from 0).
    pub fn end(&self) -> f64 {
        self.stretch_span(self.stretches.len() - 1).map_or(0.0, |s| s.1)
    }

    /// The cuts between stretches, in order.
    pub fn breaks(&self) -> impl Iterator<Item = AxisBreak> + '_ {
        (1..self.stretches.len()).filter_map(|i| {
            let (before, after) = (self.stretches.get(i - 1)?, self.stretches.get(i)?);
            Some(AxisBreak {
                from_pos: self.stretch_span(i - 1)?.1,
                to_pos: *self.starts.get(i)?,
                silence: (before.1, after.0),
            })
        })
    }

    /// The stretch `ns` falls in, if any.
    pub fn stretch_of(&self, ns: i64) -> Option<usize> {
        let i = self.stretches.partition_point(|s| s.0 <= ns).checked_sub(1)?;
        self.stretches.get(i).filter(|s| ns < s.1).map(|_| i)
    }

    /// The stretch position `pos` falls in (its end included), if any.
    pub fn stretch_at(&self, pos: f64) -> Option<usize> {
        let i = self.starts.partition_point(|&s| s <= pos).checked_sub(1)?;
        self.stretch_span(i).filter(|s| pos <= s.1).map(|_| i)
    }

    /// Where real time `ns` sits on the axis.
    pub fn position_of(&self, ns: i64) -> f64 {
        let Some(i) = self.stretches.partition_point(|s| s.0 <= ns).checked_sub(1) else {
            // Before the first stretch: the axis goes on at its scale.
            let (from, _) = self.stretches[0];
            return (ns as f64 - from as f64) * self.scale;
        };
        let ((from, to), start) = (self.stretches[i], self.starts[i]);
        match self.stretches.get(i + 1) {
            Some(&(next, _)) if ns >= to => {
                let end = start + (to - from) as f64 * self.scale;
                end + self.gap * ((ns - to) as f64 / (next - to).max(1) as f64)
            }
            _ => start + (ns as f64 - from as f64) * self.scale,
        }
    }

    /// The real time at position `pos` (the inverse of [`CompressedAxis::position_of`]);
    /// saturates far off the axis.
    pub fn time_at(&self, pos: f64) -> i64 {
        let Some(i) = self.starts.partition_point(|&s| s <= pos).checked_sub(1) else {
            let (from, _) = self.stretches[0];
            return (from as f64 + pos / self.scale) as i64;
        };
        let ((from, to), start) = (self.stretches[i], self.starts[i]);
        let end = start + (to - from) as f64 * self.scale;
        match self.stretches.get(i + 1) {
            Some(&(next, _)) if pos > end && self.gap > 0.0 => {
                let fraction = ((pos - end) / self.gap).clamp(0.0, 1.0);
                to.saturating_add(((next - to) as f64 * fraction) as i64)
            }
            _ => (from as f64 + (pos - start) / self.scale) as i64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;
    const YEAR: i64 = 365 * 86_400 * S;

    fn two_bursts() -> CompressedAxis {
        // 60 s of traffic, six years of nothing, 120 s of traffic; seconds, breaks of 10 s.
        CompressedAxis::new([(6 * YEAR, 6 * YEAR + 120 * S), (0, 60 * S)], 1e-9, 10.0)
    }

    #[test]
    fn stretches_sit_side_by_side_with_a_break_between() {
        let axis = two_bursts();
        assert!(axis.is_broken());
        assert_eq!(axis.stretches(), &[(0, 60 * S), (6 * YEAR, 6 * YEAR + 120 * S)]);
        let near = |a: f64, b: f64| assert!((a - b).abs() < 1e-9, "{a} != {b}");
        let (first, second) = (axis.stretch_span(0).unwrap(), axis.stretch_span(1).unwrap());
        near(first.0, 0.0);
        near(first.1, 60.0);
        near(second.0, 70.0);
        near(second.1, 190.0);
        near(axis.end(), 190.0);
        let cut: Vec<AxisBreak> = axis.breaks().collect();
        assert_eq!(cut.len(), 1);
        near(cut[0].from_pos, 60.0);
        near(cut[0].to_pos, 70.0);
        assert_eq!(cut[0].silence, (60 * S, 6 * YEAR));
        near(axis.position_of(30 * S), 30.0);
        near(axis.position_of(6 * YEAR + 30 * S), 100.0);
    }

    #[test]
    fn time_and_position_are_inverse_everywhere() {
        let axis = two_bursts();
        for ns in [-5 * S, 0, 59 * S, 60 * S, 3 * YEAR, 6 * YEAR - 1, 6 * YEAR, 6 * YEAR + 119 * S, 7 * YEAR] {
            let back = axis.time_at(axis.position_of(ns));
            // f64 holds a position to well under a microsecond of real time.
            assert!((back - ns).abs() < 1_000, "{ns} -> {} -> {back}", axis.position_of(ns));
        }
        // Increasing both ways: a drag across the break is the real range, silence included.
        let positions: Vec<f64> = (0..200).map(|p| p as f64).collect();
        let times: Vec<i64> = positions.iter().map(|&p| axis.time_at(p)).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        assert!(axis.time_at(50.0) < 60 * S && axis.time_at(100.0) > 6 * YEAR);
    }

    #[test]
    fn a_point_knows_its_stretch() {
        let axis = two_bursts();
        assert_eq!(axis.stretch_of(10 * S), Some(0));
        assert_eq!(axis.stretch_of(YEAR), None);
        assert_eq!(axis.stretch_of(6 * YEAR + S), Some(1));
        assert_eq!(axis.stretch_at(65.0), None);
        assert_eq!(axis.stretch_at(75.0), Some(1));
        assert_eq!(axis.stretch_at(-1.0), None);
    }

    #[test]
    fn overlapping_or_empty_stretches_merge_and_nothing_is_one_linear_axis() {
        let axis = CompressedAxis::new([(0, 10), (5, 20), (30, 30)], 1.0, 4.0);
        assert_eq!(axis.stretches(), &[(0, 20)]);
        assert!(!axis.is_broken());
        let linear = CompressedAxis::linear(1_000 * S, 1e-9);
        assert_eq!(linear.position_of(1_002 * S), 2.0);
        assert_eq!(linear.position_of(998 * S), -2.0);
        assert_eq!(linear.time_at(1e9), 1_000 * S + 1e18 as i64);
        assert_eq!(CompressedAxis::new([], 1.0, 1.0).stretches(), &[(0, 1)]);
    }
}

//! Bytes and packets over time, per series (a remote endpoint), at several resolutions from
//! 1 ms to 1 day. Sparse: only bins that saw traffic exist. Bounded: a resolution whose bin
//! count passes its cap is dropped ("saturated") and views fall back to a coarser one.
//!
//! Each series accumulates its current bin at every level; a bin is appended to its level's
//! list only when the series moves to another bin, so the per-packet cost is one division
//! and a comparison. Lists are in closing order, may hold the same bin twice (after a flush,
//! or out-of-order packets) and are sorted and merged when read.

use serde::Serialize;

pub mod axis;
mod spread;

pub use axis::{AxisBreak, CompressedAxis};
pub use spread::Spread;

pub type SeriesId = u32;

const MS: i64 = 1_000_000;
/// Bin widths in nanoseconds, finest first; each is a multiple of the one before.
pub const LEVEL_WIDTHS_NS: [i64; 9] =
    [MS, 10 * MS, 100 * MS, 1_000 * MS, 10_000 * MS, 60_000 * MS, 600_000 * MS, 3_600_000 * MS, 86_400_000 * MS];
/// Bins (bin, series) kept per level before that level is given up.
const MAX_BINS_PER_LEVEL: usize = 400_000;
/// Longest range, in bins, that `grouped` covers with one slot per bin.
const MAX_GROUPED_SPAN: usize = 1 << 16;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub bytes: u64,
    pub packets: u64,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.bytes += other.bytes;
        self.packets += other.packets;
    }
    fn is_empty(&self) -> bool {
        self.packets == 0 && self.bytes == 0
    }
}

/// A stretch of time with traffic (see [`Timeline::activity_spans`]), whole bins wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ActivitySpan {
    pub from_ns: i64,
    pub to_ns: i64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    bin: i64,
    counts: Counts,
}

#[derive(Debug, Clone, Copy)]
struct ClosedBin {
    bin: i64,
    series: SeriesId,
    counts: Counts,
}

#[derive(Debug, Clone, Default)]
struct Level {
    bins: Vec<ClosedBin>,
    saturated: bool,
}

#[derive(Debug, Clone)]
pub struct Timeline {
    levels: Vec<Level>,
    /// Per series, the open bin at every level.
    pending: Vec<[Pending; LEVEL_WIDTHS_NS.len()]>,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline { levels: vec![Level::default(); LEVEL_WIDTHS_NS.len()], pending: Vec::new() }
    }
}

const NO_BIN: Pending = Pending { bin: i64::MIN, counts: Counts { bytes: 0, packets: 0 } };

impl Timeline {
    /// Counts one packet of `bytes` at `ts_ns` in `series`.
    pub fn add(&mut self, series: SeriesId, ts_ns: i64, bytes: u64) {
        let index = series as usize;
        if index >= self.pending.len() {
            self.pending.resize(index + 1, [NO_BIN; LEVEL_WIDTHS_NS.len()]);
        }
        let bin = ts_ns.div_euclid(LEVEL_WIDTHS_NS[0]);
        let counts = Counts { bytes, packets: 1 };
        self.push(series, 0, bin, counts);
    }

    /// Adds `counts` to the open bin of `level`, writing the previous bin out when it changed.
    fn push(&mut self, series: SeriesId, level: usize, bin: i64, counts: Counts) {
        let Some(slot) = self.pending.get_mut(series as usize).and_then(|p| p.get_mut(level)) else { return };
        if slot.bin == bin {
            slot.counts.add(counts);
            return;
        }
        let closed = std::mem::replace(slot, Pending { bin, counts });
        if closed.bin != i64::MIN {
            self.close(series, level, closed);
        }
    }

    /// Writes a finished bin to its level and carries it up to the next coarser level.
    fn close(&mut self, series: SeriesId, level: usize, closed: Pending) {
        if closed.counts.is_empty() {
            return;
        }
        if let Some(l) = self.levels.get_mut(level) {
            if !l.saturated {
                l.bins.push(ClosedBin { bin: closed.bin, series, counts: closed.counts });
                if l.bins.len() > MAX_BINS_PER_LEVEL {
                    l.saturated = true;
                    l.bins = Vec::new();
                }
            }
        }
        if let (Some(&width), Some(&next_width)) = (LEVEL_WIDTHS_NS.get(level), LEVEL_WIDTHS_NS.get(level + 1)) {
            let next_bin = (closed.bin * width).div_euclid(next_width);
            self.push(series, level + 1, next_bin, closed.counts);
        }
    }

    /// Writes every open bin out so that queries see all packets. Cheap to call often:
    /// later packets in the same bins simply add to the written counts.
    pub fn flush(&mut self) {
        for series in 0..self.pending.len() {
            for level in 0..LEVEL_WIDTHS_NS.len() {
                let Some(slot) = self.pending.get_mut(series).and_then(|p| p.get_mut(level)) else { continue };
                let open = Pending { bin: slot.bin, counts: std::mem::take(&mut slot.counts) };
                if open.bin != i64::MIN {
                    self.close(series as SeriesId, level, open);
                }
            }
        }
    }

    /// Whether the level still holds its bins.
    pub fn is_available(&self, level: usize) -> bool {
        self.levels.get(level).is_some_and(|l| !l.saturated)
    }

    /// The finest available level that shows `[from_ns, to_ns)` in at most `max_bins` bins.
    pub fn level_for(&self, from_ns: i64, to_ns: i64, max_bins: usize) -> usize {
        let span = to_ns.saturating_sub(from_ns).max(1);
        let max_bins = i64::try_from(max_bins.max(1)).unwrap_or(i64::MAX);
        (0..LEVEL_WIDTHS_NS.len())
            .find(|&l| self.is_available(l) && span / LEVEL_WIDTHS_NS[l] <= max_bins)
            .unwrap_or(LEVEL_WIDTHS_NS.len() - 1)
    }

    /// Bins of `level` overlapping `[from_ns, to_ns)`, in time order then series order:
    /// (bin start ns, series, counts). Call [`Timeline::flush`] first to include open bins.
    pub fn bins(&self, level: usize, from_ns: i64, to_ns: i64) -> Vec<(i64, SeriesId, Counts)> {
        let width = LEVEL_WIDTHS_NS.get(level).copied().unwrap_or(LEVEL_WIDTHS_NS[0]);
        let first = from_ns.div_euclid(width);
        let end = to_ns.div_euclid(width).saturating_add(i64::from(to_ns.rem_euclid(width) != 0));
        let mut picked: Vec<ClosedBin> = self
            .levels
            .get(level)
            .map(|l| l.bins.iter().filter(|b| b.bin >= first && b.bin < end).copied().collect())
            .unwrap_or_default();
        picked.sort_unstable_by_key(|b| (b.bin, b.series));
        let mut out: Vec<(i64, SeriesId, Counts)> = Vec::with_capacity(picked.len());
        for b in picked {
            match out.last_mut() {
                Some((start, series, counts)) if *start == b.bin * width && *series == b.series => counts.add(b.counts),
                _ => out.push((b.bin * width, b.series, b.counts)),
            }
        }
        out
    }

    /// Calls `f(bin start, series, counts)` for every stored bin of `level` between the two
    /// times, in no particular order and without merging: for totals over many bins that
    /// should not be copied first.
    pub fn for_each_bin(&self, level: usize, from_ns: i64, to_ns: i64, mut f: impl FnMut(i64, SeriesId, Counts)) {
        let width = LEVEL_WIDTHS_NS.get(level).copied().unwrap_or(LEVEL_WIDTHS_NS[0]);
        let first = from_ns.div_euclid(width);
        let end = to_ns.div_euclid(width).saturating_add(i64::from(to_ns.rem_euclid(width) != 0));
        for b in self.levels.get(level).map_or(&[][..], |l| &l.bins[..]) {
            if b.bin >= first && b.bin < end {
                f(b.bin * width, b.series, b.counts);
            }
        }
    }

    /// The stretches of the capture that saw traffic, split wherever no packet came for longer
    /// than `min_gap_ns` (e.g. a capture whose packets are from 2016 and 2022): time order,
    /// each with its bytes. Read from the 1-minute level (or the finest coarser one kept), so
    /// gaps shorter than a bin are not seen. Call [`Timeline::flush`] first.
    pub fn activity_spans(&self, min_gap_ns: i64) -> Vec<ActivitySpan> {
        const MINUTE_LEVEL: usize = 5;
        let Some(level) = (MINUTE_LEVEL..LEVEL_WIDTHS_NS.len()).find(|&l| self.is_available(l)) else {
            return Vec::new();
        };
        let width = LEVEL_WIDTHS_NS[level];
        let mut bins: Vec<(i64, u64)> =
            self.levels.get(level).map_or(&[][..], |l| &l.bins[..]).iter().map(|b| (b.bin, b.counts.bytes)).collect();
        bins.sort_unstable_by_key(|b| b.0);
        let mut spans: Vec<ActivitySpan> = Vec::new();
        for (bin, bytes) in bins {
            let start = bin.saturating_mul(width);
            let end = start.saturating_add(width);
            match spans.last_mut() {
                Some(span) if start.saturating_sub(span.to_ns) <= min_gap_ns => {
                    span.to_ns = span.to_ns.max(end);
                    span.bytes += bytes;
                }
                _ => spans.push(ActivitySpan { from_ns: start, to_ns: end, bytes }),
            }
        }
        spans
    }

    /// Narrows each of `spans` (in time order, as [`Timeline::activity_spans`] gives them) to
    /// the seconds that saw traffic, read from the 1-second level while it is kept: spans read
    /// from minute bins otherwise start and end up to a minute away from the first and last
    /// packet. One pass over that level's bins.
    pub fn trim_spans(&self, spans: &mut [ActivitySpan]) {
        const SECOND_LEVEL: usize = 3;
        let (Some(level), Some(&width)) = (self.levels.get(SECOND_LEVEL), LEVEL_WIDTHS_NS.get(SECOND_LEVEL)) else {
            return;
        };
        if level.saturated {
            return;
        }
        let mut seen: Vec<Option<(i64, i64)>> = vec![None; spans.len()];
        for b in &level.bins {
            let start = b.bin.saturating_mul(width);
            let Some(i) = spans.partition_point(|s| s.from_ns <= start).checked_sub(1) else { continue };
            if spans.get(i).is_some_and(|s| start < s.to_ns) {
                if let Some(slot) = seen.get_mut(i) {
                    let end = start.saturating_add(width);
                    *slot = Some(slot.map_or((start, end), |(a, z)| (a.min(start), z.max(end))));
                }
            }
        }
        for (span, seen) in spans.iter_mut().zip(seen) {
            if let Some((from, to)) = seen {
                span.from_ns = span.from_ns.max(from);
                span.to_ns = span.to_ns.min(to);
            }
        }
    }

    /// Bins of `level` summed per group (e.g. per provider), in time order:
    /// (bin start ns, counts per group).
    pub fn grouped(
        &self,
        level: usize,
        from_ns: i64,
        to_ns: i64,
        groups: usize,
        group_of: impl Fn(SeriesId) -> usize,
    ) -> Vec<(i64, Vec<Counts>)> {
        let width = LEVEL_WIDTHS_NS.get(level).copied().unwrap_or(LEVEL_WIDTHS_NS[0]);
        let first = from_ns.div_euclid(width);
        let end = to_ns.div_euclid(width).saturating_add(i64::from(to_ns.rem_euclid(width) != 0));
        // One slot per bin of the range, filled in one pass over the stored bins: no copy and
        // no sort of what may be hundreds of thousands of (bin, series) entries, which a live
        // view redoes for every snapshot.
        let Some(span) = usize::try_from(end.saturating_sub(first)).ok().filter(|&n| n <= MAX_GROUPED_SPAN) else {
            return self.grouped_sorted(level, from_ns, to_ns, groups, group_of);
        };
        let mut slots: Vec<Option<Vec<Counts>>> = vec![None; span];
        self.for_each_bin(level, from_ns, to_ns, |start, series, counts| {
            let index = usize::try_from(start.div_euclid(width) - first).unwrap_or(usize::MAX);
            if let Some(slot) = slots.get_mut(index) {
                let row = slot.get_or_insert_with(|| vec![Counts::default(); groups]);
                if let Some(cell) = row.get_mut(group_of(series)) {
                    cell.add(counts);
                }
            }
        });
        slots.into_iter().enumerate().filter_map(|(i, row)| Some(((first + i as i64) * width, row?))).collect()
    }

    /// `grouped` for ranges too long for one slot per bin.
    fn grouped_sorted(
        &self,
        level: usize,
        from_ns: i64,
        to_ns: i64,
        groups: usize,
        group_of: impl Fn(SeriesId) -> usize,
    ) -> Vec<(i64, Vec<Counts>)> {
        let mut out: Vec<(i64, Vec<Counts>)> = Vec::new();
        for (start, series, counts) in self.bins(level, from_ns, to_ns) {
            if out.last().is_none_or(|(s, _)| *s != start) {
                out.push((start, vec![Counts::default(); groups]));
            }
            if let Some(slot) = out.last_mut().and_then(|(_, v)| v.get_mut(group_of(series))) {
                slot.add(counts);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    #[test]
    fn activity_is_split_at_gaps_longer_than_asked() {
        const HOUR: i64 = 3600 * S;
        let mut t = Timeline::default();
        // Two bursts in 2016, one in 2022: six years of nothing in between.
        let y2016 = 1_460_000_000 * S;
        let y2022 = 1_650_000_000 * S;
        t.add(0, y2016, 100);
        t.add(1, y2016 + 90 * S, 50);
        t.add(0, y2016 + 30 * 60 * S, 10);
        t.add(0, y2022, 7);
        t.flush();
        let spans = t.activity_spans(HOUR);
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].bytes, 160);
        assert!(spans[0].from_ns <= y2016 && spans[0].to_ns > y2016 + 30 * 60 * S);
        assert_eq!(spans[1].bytes, 7);
        // Trimmed to the seconds with traffic.
        let mut trimmed = spans.clone();
        t.trim_spans(&mut trimmed);
        assert_eq!((trimmed[0].from_ns, trimmed[0].to_ns), (y2016, y2016 + 30 * 60 * S + S));
        assert_eq!((trimmed[1].from_ns, trimmed[1].to_ns), (y2022, y2022 + S));
        assert_eq!(trimmed[0].bytes, 160);
        // A shorter gap allowed: the half hour splits the first burst too.
        assert_eq!(t.activity_spans(10 * 60 * S).len(), 3);
        assert!(Timeline::default().activity_spans(HOUR).is_empty());
    }

    #[test]
    fn counts_land_in_every_level() {
        let mut t = Timeline::default();
        t.add(0, 0, 100);
        t.add(0, MS / 2, 50);
        t.add(0, 2 * S + 3, 10);
        t.add(1, 2 * S + 5, 7);
        t.flush();
        let ms = t.bins(0, 0, 3 * S);
        assert_eq!(
            ms,
            vec![
                (0, 0, Counts { bytes: 150, packets: 2 }),
                (2 * S, 0, Counts { bytes: 10, packets: 1 }),
                (2 * S, 1, Counts { bytes: 7, packets: 1 }),
            ]
        );
        let seconds = t.bins(3, 0, 3 * S);
        assert_eq!(seconds.len(), 3);
        let day = t.bins(8, 0, 3 * S);
        assert_eq!(day, vec![(0, 0, Counts { bytes: 160, packets: 3 }), (0, 1, Counts { bytes: 7, packets: 1 })]);
    }

    #[test]
    fn flushing_twice_and_adding_after_a_flush_keeps_totals_exact() {
        let mut t = Timeline::default();
        t.add(0, 10, 1);
        t.flush();
        t.flush();
        t.add(0, 20, 2);
        t.flush();
        let total: u64 = t.bins(5, 0, S).iter().map(|(_, _, c)| c.bytes).sum();
        assert_eq!(total, 3);
        let ms = t.bins(0, 0, S);
        assert_eq!(ms, vec![(0, 0, Counts { bytes: 3, packets: 2 })]);
    }

    #[test]
    fn years_apart_allocate_two_bins_not_millions() {
        let mut t = Timeline::default();
        t.add(0, 0, 1);
        t.add(0, 10 * 365 * 86_400 * S, 1);
        t.flush();
        assert!(t.levels.iter().all(|l| l.bins.len() <= 2));
        assert_eq!(t.level_for(0, 10 * 365 * 86_400 * S, 5000), 8);
    }

    #[test]
    fn a_level_past_its_cap_is_dropped_and_views_fall_back() {
        let mut t = Timeline::default();
        for i in 0..(MAX_BINS_PER_LEVEL as i64 + 10) {
            t.add(0, i * MS, 1);
        }
        t.flush();
        assert!(!t.is_available(0));
        assert!(t.is_available(1));
        assert_eq!(t.level_for(0, S, 1_000_000), 1);
        let total: u64 = t.bins(1, 0, i64::MAX / 2).iter().map(|(_, _, c)| c.packets).sum();
        assert_eq!(total, MAX_BINS_PER_LEVEL as u64 + 10);
    }

    #[test]
    fn grouping_sums_series() {
        let mut t = Timeline::default();
        t.add(0, 0, 1);
        t.add(1, 0, 2);
        t.add(2, 0, 4);
        t.flush();
        let g = t.grouped(3, 0, S, 2, |s| if s == 2 { 1 } else { 0 });
        assert_eq!(g, vec![(0, vec![Counts { bytes: 3, packets: 2 }, Counts { bytes: 4, packets: 1 }])]);
    }

    #[test]
    fn grouping_by_slots_matches_grouping_by_sorting() {
        let mut t = Timeline::default();
        // Series close their bins out of time order: a pseudo-random walk over 50 series.
        let mut x: u64 = 7;
        for i in 0..20_000i64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let series = (x >> 33) as u32 % 50;
            t.add(series, i * 3 * MS + (x >> 50) as i64, 100 + u64::from(series));
        }
        t.flush();
        for (level, from, to) in [(1, 0, 60 * S), (1, 7 * S + 3, 31 * S), (3, -S, 100 * S), (0, 5 * S, 6 * S)] {
            let group_of = |s: u32| (s % 7) as usize;
            assert_eq!(t.grouped(level, from, to, 7, group_of), t.grouped_sorted(level, from, to, 7, group_of));
        }
    }

    #[test]
    fn negative_timestamps_bin_downwards() {
        let mut t = Timeline::default();
        t.add(0, -1, 1);
        t.flush();
        assert_eq!(t.bins(0, -S, S).first().map(|b| b.0), Some(-MS));
    }
}

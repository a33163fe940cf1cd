//! Timelines from summaries instead of packets: a connection log (Zeek's conn.log) gives a
//! start, a duration and totals, not per-packet times. Its bytes and packets are spread
//! evenly over the duration in bins of one level, and the finer levels are given up, since
//! they would claim a precision the input does not have.

use super::{Counts, SeriesId, Timeline, LEVEL_WIDTHS_NS, NO_BIN};

/// Level the spread is made at: 1 s bins.
pub const SPREAD_LEVEL: usize = 3;
/// Most bins one connection is spread over; a longer one (over a day at 1 s) is spread at
/// the first coarser level where it fits, and the levels below that are given up too, so
/// every available level still counts every byte.
const MAX_BINS_PER_SPREAD: i64 = 86_400;

/// A connection's counts to spread over the timeline (what [`Timeline::add_spread`] takes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread {
    pub series: SeriesId,
    pub start_ns: i64,
    pub duration_ns: i64,
    pub counts: Counts,
}

impl Timeline {
    /// [`Timeline::add_spread`] for each in turn.
    pub fn add_spreads(&mut self, spreads: &[Spread]) {
        for s in spreads {
            self.add_spread(s.series, s.start_ns, s.duration_ns, s.counts);
        }
    }

    /// Counts `counts` of `series` spread evenly over `[start_ns, start_ns + duration_ns]`,
    /// in proportion to each bin's overlap; sums are exact (rounding goes to later bins).
    /// Levels finer than [`SPREAD_LEVEL`] become unavailable.
    pub fn add_spread(&mut self, series: SeriesId, start_ns: i64, duration_ns: i64, counts: Counts) {
        self.give_up_below(SPREAD_LEVEL);
        let index = series as usize;
        if index >= self.pending.len() {
            self.pending.resize(index + 1, [NO_BIN; LEVEL_WIDTHS_NS.len()]);
        }
        let duration = duration_ns.max(0);
        let end_ns = start_ns.saturating_add(duration);
        let level = self.spread_level(duration);
        self.give_up_below(level);
        let width = LEVEL_WIDTHS_NS[level];
        let (first, last) = (start_ns.div_euclid(width), end_ns.div_euclid(width));
        if first == last || duration == 0 {
            self.push(series, level, first, counts);
            return;
        }
        // Share up to time t: counts * (t - start) / duration, cumulative so nothing is lost.
        let upto = |t: i64, total: u64| -> u64 {
            let part = u64::try_from(t.clamp(start_ns, end_ns) - start_ns).unwrap_or(0);
            let whole = u64::try_from(duration).unwrap_or(u64::MAX).max(1);
            match total.checked_mul(part) {
                // The common case, without 128-bit division.
                Some(product) => product / whole,
                None => u64::try_from(u128::from(total) * u128::from(part) / u128::from(whole)).unwrap_or(total),
            }
        };
        // Each bin's share is the cumulative share at its end less the one at its start,
        // which is the end of the bin before.
        let mut before = Counts::default();
        for bin in first..=last {
            let to = (bin + 1) * width;
            let upto_end = Counts { bytes: upto(to, counts.bytes), packets: upto(to, counts.packets) };
            let share = Counts { bytes: upto_end.bytes - before.bytes, packets: upto_end.packets - before.packets };
            before = upto_end;
            self.push(series, level, bin, share);
        }
    }

    /// The level a connection of `duration` ns is spread at: [`SPREAD_LEVEL`], or the first
    /// coarser one where it fits in [`MAX_BINS_PER_SPREAD`] bins, or where the bins are still
    /// kept. A level already given up (too many bins) would only carry its counts up, and the
    /// shares are cumulative: a coarser bin gets exactly the sum of its finer bins' shares,
    /// without a push for each (six for a typical connection of a day's conn.log).
    fn spread_level(&self, duration: i64) -> usize {
        let mut level = SPREAD_LEVEL;
        while level + 1 < LEVEL_WIDTHS_NS.len()
            && (!self.is_available(level) || duration / LEVEL_WIDTHS_NS[level] > MAX_BINS_PER_SPREAD)
        {
            level += 1;
        }
        level
    }

    /// Renumbers the series: what was series `old` becomes `new_of_old[old]` (a
    /// permutation), in written and open bins alike.
    pub fn renumber_series(&mut self, new_of_old: &[SeriesId]) {
        for level in &mut self.levels {
            for bin in &mut level.bins {
                bin.series = new_of_old.get(bin.series as usize).copied().unwrap_or(bin.series);
            }
        }
        if self.pending.len() < new_of_old.len() {
            self.pending.resize(new_of_old.len(), [NO_BIN; LEVEL_WIDTHS_NS.len()]);
        }
        let mut order = vec![0 as SeriesId; new_of_old.len()];
        for (old, &new) in new_of_old.iter().enumerate() {
            if let Some(slot) = order.get_mut(new as usize) {
                *slot = old as SeriesId;
            }
        }
        crate::reorder::permute(&mut self.pending, &order);
    }

    /// Marks the levels finer than `level` unavailable (views fall back to coarser ones).
    fn give_up_below(&mut self, level: usize) {
        for l in self.levels.iter_mut().take(level) {
            if !l.saturated {
                l.saturated = true;
                l.bins = Vec::new();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    fn sums(t: &Timeline, level: usize) -> (u64, u64, usize) {
        let bins = t.bins(level, 0, 1_000 * S);
        (bins.iter().map(|b| b.2.bytes).sum(), bins.iter().map(|b| b.2.packets).sum(), bins.len())
    }

    #[test]
    fn bytes_spread_evenly_and_sum_exactly() {
        let mut t = Timeline::default();
        // 10 s from t = 5.5 s: 11 one-second bins, the first and last half full.
        t.add_spread(0, 5 * S + S / 2, 10 * S, Counts { bytes: 1000, packets: 7 });
        t.flush();
        assert_eq!(sums(&t, SPREAD_LEVEL), (1000, 7, 11));
        let bins = t.bins(SPREAD_LEVEL, 0, 100 * S);
        assert_eq!(bins[0].2.bytes, 50);
        assert_eq!(bins[1].2.bytes, 100);
        assert_eq!(sums(&t, SPREAD_LEVEL + 1).0, 1000);
        assert!(!t.is_available(0) && !t.is_available(SPREAD_LEVEL - 1) && t.is_available(SPREAD_LEVEL));
    }

    #[test]
    fn once_one_second_bins_are_given_up_coarser_bins_get_the_same_counts() {
        // Series 0 fills the 1 s level past its cap; the others' connections are then spread
        // at 10 s, and every level kept must hold what spreading at 1 s would have carried up.
        let mut x: u64 = 5;
        let mut random = |below: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            i64::try_from((x >> 11) % below).unwrap()
        };
        let connections: Vec<(SeriesId, i64, i64, Counts)> = (0..400)
            .map(|i| {
                let duration = if i == 7 { 100_000 * S } else { random(90 * S as u64) };
                let counts = Counts { bytes: random(10_000_000) as u64, packets: random(5_000) as u64 };
                (1 + random(20) as SeriesId, random(86_400 * S as u64), duration, counts)
            })
            .collect();
        let mut filled = Timeline::default();
        for day in 0..5 {
            filled.add_spread(0, day * 86_400 * S, 86_399 * S, Counts { bytes: 1 << 40, packets: 1 << 20 });
        }
        assert!(!filled.is_available(SPREAD_LEVEL) && filled.is_available(SPREAD_LEVEL + 1));
        let mut fresh = Timeline::default();
        for &(series, start, duration, counts) in &connections {
            filled.add_spread(series, start, duration, counts);
            fresh.add_spread(series, start, duration, counts);
        }
        filled.flush();
        fresh.flush();
        for level in SPREAD_LEVEL + 1..LEVEL_WIDTHS_NS.len() {
            if !fresh.is_available(level) {
                continue;
            }
            let others =
                |t: &Timeline| -> Vec<_> { t.bins(level, -S, 200_000 * S).into_iter().filter(|b| b.1 != 0).collect() };
            assert_eq!(others(&filled), others(&fresh), "level {level}");
        }
    }

    #[test]
    fn a_connection_without_duration_is_one_bin() {
        let mut t = Timeline::default();
        t.add_spread(2, 3 * S, 0, Counts { bytes: 90, packets: 1 });
        t.flush();
        assert_eq!(sums(&t, SPREAD_LEVEL), (90, 1, 1));
        assert_eq!(t.level_for(0, 10 * S, 1000), SPREAD_LEVEL);
    }

    #[test]
    fn renumbered_series_keep_their_bins() {
        let mut t = Timeline::default();
        t.add_spread(0, 0, 0, Counts { bytes: 10, packets: 1 });
        t.add_spread(1, 2 * S, 0, Counts { bytes: 20, packets: 1 });
        t.flush();
        t.renumber_series(&[1, 0]);
        t.add_spread(0, 2 * S, 0, Counts { bytes: 5, packets: 1 });
        t.flush();
        let bins = t.bins(SPREAD_LEVEL, 0, 10 * S);
        assert_eq!(bins.iter().map(|b| (b.0 / S, b.1, b.2.bytes)).collect::<Vec<_>>(), vec![(0, 1, 10), (2, 0, 25)]);
    }

    #[test]
    fn a_very_long_connection_is_spread_at_a_coarser_level() {
        let mut t = Timeline::default();
        t.add_spread(0, 0, 3 * 86_400 * S, Counts { bytes: 3_000_000, packets: 3000 });
        t.flush();
        let bins = t.bins(LEVEL_WIDTHS_NS.len() - 1, 0, 4 * 86_400 * S);
        assert_eq!(bins.iter().map(|b| b.2.bytes).sum::<u64>(), 3_000_000);
        assert!(!t.is_available(SPREAD_LEVEL), "finer levels would miss this connection");
    }
}

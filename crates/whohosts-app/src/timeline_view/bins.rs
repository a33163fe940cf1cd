//! The timeline's stacked bins: bytes per owner group per bin over the stretches in view, as
//! step-shaped bands in axis positions, cached while the view stays inside what was binned.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::NS_PER_S;
use crate::theme;
use whohosts_core::filter::{Chip, FlowMatcher, ViewFilter};
use whohosts_core::providers::Owner;
use whohosts_core::snapshot::Snapshot;
use whohosts_core::timeline::{CompressedAxis, LEVEL_WIDTHS_NS};

/// Owner groups drawn as bands of their own; the rest share one.
const MAX_BANDS: usize = 16;
/// Bins kept in the cache at most (a plot is a few thousand points wide).
const MAX_BINS: i64 = 20_000;

/// Real time binned for the plot: bins from `from_ns` to `to_ns`, drawn clipped to `clip`
/// (the stretch of traffic they belong to, so no bin spills into a cut-out silence).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct BinRange {
    pub from_ns: i64,
    pub to_ns: i64,
    pub clip: (i64, i64),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct BinKey {
    pub timeline: usize,
    pub endpoints: usize,
    pub frames: u64,
    pub level: usize,
    pub ranges: Vec<BinRange>,
    pub text: String,
    pub chips: Vec<Chip>,
}

/// One owner's band of the stack, as plot points (position, bytes/s), step-shaped.
#[derive(Debug, Clone)]
pub(super) struct Band {
    pub owner: Owner,
    /// How many smaller owners this band stands for (0: it is `owner`'s alone).
    pub merged: usize,
    pub xs: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

#[derive(Debug, Clone)]
pub(super) struct Binned {
    pub key: BinKey,
    /// The axis positions the bins cover.
    pub covers: (f64, f64),
    pub width_ns: i64,
    /// Owner groups, stacking order (largest at the bottom).
    pub owners: Vec<Owner>,
    /// Smaller owner groups sharing the top band (empty when each has its own).
    pub folded: BTreeSet<Owner>,
    /// Bin start and bytes per owner.
    pub bins: Vec<(i64, Vec<u64>)>,
    /// Shared with the plot's closure each frame without copying.
    pub bands: Arc<Vec<Band>>,
}

/// The real ranges behind axis positions `covers`, one per stretch of traffic in them (the
/// whole capture, `extent`, on a real axis), in whole bins of `width`.
pub(super) fn bin_ranges(axis: &CompressedAxis, covers: (f64, f64), extent: (i64, i64), width: i64) -> Vec<BinRange> {
    let (from, to) = (axis.time_at(covers.0), axis.time_at(covers.1));
    let whole = [(extent.0, extent.1.saturating_add(width))];
    let stretches = if axis.is_broken() { axis.stretches() } else { &whole[..] };
    stretches
        .iter()
        .filter_map(|&(start, end)| {
            let (a, b) = (from.max(start), to.min(end));
            (b > a).then(|| BinRange {
                from_ns: a.div_euclid(width).saturating_mul(width),
                to_ns: b.div_euclid(width).saturating_mul(width).saturating_add(width),
                clip: (start, end),
            })
        })
        .collect()
}

/// Recomputes the stacked bins when the level, the snapshot or the filter's owners changed,
/// or when the visible positions moved outside what is cached.
pub(super) fn refresh_bins(
    snapshot: &Snapshot,
    filter: &ViewFilter,
    cache: &mut Option<Binned>,
    axis: &CompressedAxis,
    level: usize,
    visible: (f64, f64),
    extent: (i64, i64),
) {
    let width = LEVEL_WIDTHS_NS.get(level).copied().unwrap_or(LEVEL_WIDTHS_NS[0]);
    let ends = (axis.position_of(extent.0), axis.position_of(extent.1.saturating_add(width)));
    let wanted = |ranges: Vec<BinRange>| BinKey {
        timeline: Arc::as_ptr(&snapshot.timeline) as usize,
        endpoints: Arc::as_ptr(&snapshot.endpoints) as usize,
        frames: snapshot.totals.frames,
        level,
        ranges,
        text: filter.text.trim().to_lowercase(),
        chips: filter.chips.clone(),
    };
    if let Some(c) = cache.as_ref() {
        let same = wanted(c.key.ranges.clone()) == c.key;
        let covers = c.covers.0 <= visible.0.max(ends.0) && c.covers.1 >= visible.1.min(ends.1);
        let hidden_same = c.owners.iter().chain(&c.folded).all(|o| !filter.hidden_owners.contains(o.label().as_ref()));
        if same && covers && hidden_same && !owners_unhidden(c, snapshot, filter) {
            return;
        }
    }
    // Cache half a screen either side so that small pans reuse the bins.
    let pad = (visible.1 - visible.0).max(0.0) / 2.0;
    let covers = ((visible.0 - pad).max(ends.0), (visible.1 + pad).min(ends.1));
    let ranges = bin_ranges(axis, covers, extent, width);
    *cache = Some(stack(snapshot, filter, level, wanted(ranges), width, axis, covers));
}

/// Whether an owner the cache left out is no longer hidden.
fn owners_unhidden(cache: &Binned, snapshot: &Snapshot, filter: &ViewFilter) -> bool {
    snapshot.owners.iter().any(|o| {
        let group = o.owner.group();
        !filter.hidden_owners.contains(o.owner.label().as_ref())
            && !cache.owners.contains(&group)
            && !cache.folded.contains(&group)
    })
}

pub(super) fn stack(
    snapshot: &Snapshot,
    filter: &ViewFilter,
    level: usize,
    key: BinKey,
    width: i64,
    axis: &CompressedAxis,
    covers: (f64, f64),
) -> Binned {
    stack_bands(snapshot, filter, level, key, width, axis, covers, MAX_BANDS)
}

/// One bin of the dense rows: where it is drawn (real ns, clipped to its stretch), its bytes
/// per slot, and whether a cut-out silence comes before it.
struct Row {
    from: i64,
    to: i64,
    bytes: Vec<u64>,
    after_break: bool,
}

/// [`stack`] with at most `max_bands` bands.
#[expect(clippy::too_many_arguments, reason = "the stack's inputs, each read once")]
pub(super) fn stack_bands(
    snapshot: &Snapshot,
    filter: &ViewFilter,
    level: usize,
    key: BinKey,
    width: i64,
    axis: &CompressedAxis,
    covers: (f64, f64),
    max_bands: usize,
) -> Binned {
    let entries = theme::legend_entries(&snapshot.owners);
    let mut owners: Vec<Owner> = entries
        .iter()
        .map(|e| e.owner.clone())
        .filter(|o| !filter.hidden_owners.contains(o.label().as_ref()))
        .collect();
    // Past MAX_BANDS, the smaller owners share one band: hundreds of thin bands (a capture
    // full of AS owners) cost far more to draw each frame than they show.
    let folded: BTreeSet<Owner> = if owners.len() > max_bands {
        owners.split_off(max_bands.max(2) - 1).into_iter().collect()
    } else {
        BTreeSet::new()
    };
    let slots = owners.len() + usize::from(!folded.is_empty());
    let group_of_owner: Vec<usize> = snapshot
        .owners
        .iter()
        .map(|o| {
            let group = o.owner.group();
            owners.iter().position(|n| *n == group).unwrap_or(if folded.contains(&group) {
                owners.len()
            } else {
                slots
            })
        })
        .collect();
    let endpoints = Arc::clone(&snapshot.endpoints);
    // Series are endpoints: the one filter (without its time range, which the timeline
    // shows itself) keeps the endpoints with at least one passing flow.
    let shown = (!key.text.is_empty() || !key.chips.is_empty())
        .then(|| FlowMatcher::new(snapshot, &filter.without_time()).endpoints_with_passing_flows());
    let group_of = |series: u32| {
        if shown.as_ref().is_some_and(|s| !s.get(series as usize).copied().unwrap_or(false)) {
            return slots;
        }
        endpoints.get(series as usize).and_then(|e| group_of_owner.get(e.owner)).copied().unwrap_or(slots)
    };
    // Dense steps: every bin of every range, zero where nothing was sent.
    let mut bins: Vec<(i64, Vec<u64>)> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    for (r, range) in key.ranges.iter().enumerate() {
        let grouped = snapshot.timeline.grouped(level, range.from_ns, range.to_ns, slots + 1, group_of);
        let room = MAX_BINS - rows.len() as i64;
        let count = (range.to_ns.saturating_sub(range.from_ns) / width).clamp(0, room.max(0)) as usize;
        let first_row = rows.len();
        for i in 0..count {
            let start = range.from_ns.saturating_add(i as i64 * width);
            rows.push(Row {
                from: start.max(range.clip.0),
                to: start.saturating_add(width).min(range.clip.1),
                bytes: vec![0; slots],
                after_break: i == 0 && r > 0,
            });
        }
        for (start, counts) in grouped {
            let bytes: Vec<u64> = counts.iter().take(slots).map(|c| c.bytes).collect();
            let row = usize::try_from(start.saturating_sub(range.from_ns) / width).ok().filter(|&i| i < count);
            if let Some(row) = row.and_then(|i| rows.get_mut(first_row + i)) {
                row.bytes.clone_from(&bytes);
            }
            bins.push((start, bytes));
        }
    }
    let seconds = width as f64 / NS_PER_S;
    let mut below = vec![0.0f64; rows.len()];
    let mut bands = Vec::new();
    for g in 0..slots {
        let (owner, merged) = match owners.get(g) {
            Some(owner) => (owner.clone(), 0),
            None => (Owner::Other, folded.len()),
        };
        let mut band =
            Band { owner, merged, xs: Vec::with_capacity(2 * rows.len()), lower: Vec::new(), upper: Vec::new() };
        let mut previous_end = None;
        for (i, row) in rows.iter().enumerate() {
            let (from, to) = (axis.position_of(row.from), axis.position_of(row.to));
            if let (true, Some(end)) = (row.after_break, previous_end) {
                // Down to nothing across a cut-out silence, and up again after it.
                for x in [end, from] {
                    band.xs.push(x);
                    band.lower.push(0.0);
                    band.upper.push(0.0);
                }
            }
            let rate = row.bytes.get(g).copied().unwrap_or(0) as f64 / seconds;
            let base = below.get(i).copied().unwrap_or(0.0);
            for x in [from, to] {
                band.xs.push(x);
                band.lower.push(base);
                band.upper.push(base + rate);
            }
            if let Some(b) = below.get_mut(i) {
                *b += rate;
            }
            previous_end = Some(to);
        }
        bands.push(band);
    }
    Binned { key, covers, width_ns: width, owners, folded, bins, bands: Arc::new(bands) }
}

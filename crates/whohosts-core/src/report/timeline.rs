//! The timeline of the report: bytes and packets per provider over time, at a resolution
//! that shows the whole capture in at most a thousand bins.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use super::seconds;
use crate::snapshot::Snapshot;
use crate::timeline::{Counts, LEVEL_WIDTHS_NS};

/// At most this many bins across the capture.
const MAX_BINS: usize = 1000;

#[derive(Debug, Serialize)]
pub struct TimelineRecord {
    pub bin_seconds: f64,
    pub series: Vec<TimelineSeries>,
}

#[derive(Debug, Serialize)]
pub struct TimelineSeries {
    pub provider: String,
    /// Only bins with traffic.
    pub bins: Vec<TimelineBin>,
}

#[derive(Debug, Serialize)]
pub struct TimelineBin {
    /// Start of the bin, seconds since the Unix epoch.
    pub t: f64,
    pub bytes: u64,
    pub packets: u64,
}

pub(super) fn timeline_record(snapshot: &Snapshot) -> TimelineRecord {
    let (Some(first), Some(last)) = (snapshot.totals.first_ns, snapshot.totals.last_ns) else {
        return TimelineRecord { bin_seconds: 0.0, series: Vec::new() };
    };
    let timeline = &snapshot.timeline;
    let level = timeline.level_for(first, last.saturating_add(1), MAX_BINS);
    // One series per provider name: services and regions of a provider are added together.
    let mut names: Vec<Cow<'_, str>> = Vec::new();
    let name_index: Vec<usize> = snapshot
        .owners
        .iter()
        .map(|o| match names.iter().position(|n| *n == o.owner.label()) {
            Some(i) => i,
            None => {
                names.push(o.owner.label());
                names.len() - 1
            }
        })
        .collect();
    let group_of = |series: u32| {
        snapshot.endpoints.get(series as usize).and_then(|e| name_index.get(e.owner)).copied().unwrap_or(0)
    };
    // Sparse: a thousand bins times a thousand owners would be a dense 16 MB.
    let mut per_series: Vec<BTreeMap<i64, Counts>> = vec![BTreeMap::new(); names.len()];
    timeline.for_each_bin(level, first, last.saturating_add(1), |start, series, counts| {
        if let Some(bins) = per_series.get_mut(group_of(series)) {
            bins.entry(start).or_default().add(counts);
        }
    });
    let series = names
        .iter()
        .zip(per_series)
        .map(|(name, bins)| TimelineSeries {
            provider: name.to_string(),
            bins: bins
                .into_iter()
                .filter(|(_, c)| c.packets > 0)
                .map(|(start, c)| TimelineBin { t: seconds(start), bytes: c.bytes, packets: c.packets })
                .collect(),
        })
        .collect();
    TimelineRecord { bin_seconds: seconds(LEVEL_WIDTHS_NS.get(level).copied().unwrap_or(0)), series }
}

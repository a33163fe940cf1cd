//! Unit tests for the timeline view's bins and axis.
use super::bins::{bin_ranges, refresh_bins, stack, stack_bands, BinKey, BinRange, Binned};
use super::*;
use test_support::scenes as fake_snapshot;
use whohosts_core::providers::Owner;
use whohosts_core::timeline::LEVEL_WIDTHS_NS;

fn linear(snapshot: &Snapshot) -> CompressedAxis {
    CompressedAxis::linear(origin_ns(snapshot), SECONDS_PER_NS)
}

fn key(level: usize, from_ns: i64, to_ns: i64, text: &str) -> BinKey {
    BinKey {
        timeline: 0,
        endpoints: 0,
        frames: 0,
        level,
        ranges: vec![BinRange { from_ns, to_ns, clip: (from_ns, to_ns) }],
        text: text.into(),
        chips: Vec::new(),
    }
}

fn whole_capture(snapshot: &Snapshot, level: usize) -> BinKey {
    let (first, last) = (snapshot.totals.first_ns.unwrap(), snapshot.totals.last_ns.unwrap());
    let width = LEVEL_WIDTHS_NS[level];
    key(level, first.div_euclid(width) * width, last + width, "")
}

/// Integrates the top of the stack (step-shaped: pairs of points per bin, zero across breaks).
fn stacked_bytes(binned: &Binned) -> f64 {
    let top = binned.bands.last().unwrap();
    top.xs.chunks(2).zip(top.upper.chunks(2)).map(|(x, y)| (x[1] - x[0]) * y[0]).sum()
}

#[test]
fn stacked_bands_sum_to_the_capture_bytes() {
    let snapshot = fake_snapshot::demo();
    let binned = stack(
        &snapshot,
        &ViewFilter::default(),
        3,
        whole_capture(&snapshot, 3),
        LEVEL_WIDTHS_NS[3],
        &linear(&snapshot),
        (0.0, 0.0),
    );
    let total = stacked_bytes(&binned);
    assert!((total - snapshot.totals.bytes as f64).abs() < 1.0, "{total} vs {}", snapshot.totals.bytes);
    assert_eq!(binned.owners.first().map(Owner::label).as_deref(), Some("Azure"));
}

#[test]
fn hidden_owners_leave_the_stack() {
    let snapshot = fake_snapshot::demo();
    let mut filter = ViewFilter::default();
    filter.hidden_owners.insert("AWS".into());
    let key = key(3, fake_snapshot::START_NS, fake_snapshot::START_NS + 120 * 1_000_000_000, "");
    let binned = stack(&snapshot, &filter, 3, key, LEVEL_WIDTHS_NS[3], &linear(&snapshot), (0.0, 0.0));
    assert!(!binned.owners.iter().any(|o| o.label() == "AWS"));
    assert!(binned.bands.iter().all(|b| b.owner.label() != "AWS"));
}

#[test]
fn the_text_filter_keeps_matching_endpoints_only() {
    let snapshot = fake_snapshot::demo();
    let key = key(3, fake_snapshot::START_NS, fake_snapshot::START_NS + 120 * 1_000_000_000, "google");
    let filter = ViewFilter { text: "google".into(), ..ViewFilter::default() };
    let binned = stack(&snapshot, &filter, 3, key, LEVEL_WIDTHS_NS[3], &linear(&snapshot), (0.0, 0.0));
    for band in binned.bands.iter() {
        let drawn = band.upper.iter().zip(&band.lower).any(|(u, l)| u > l);
        assert_eq!(drawn, band.owner.label() == "Google Cloud", "{}", band.owner);
    }
}

#[test]
fn bins_follow_the_zoom_and_small_pans_reuse_them() {
    let snapshot = fake_snapshot::demo();
    let (first, last) = (snapshot.totals.first_ns.unwrap(), snapshot.totals.last_ns.unwrap());
    let filter = ViewFilter::default();
    let axis = linear(&snapshot);
    let mut cache = None;
    let whole = snapshot.timeline.level_for(first, last, 400);
    let second = 1_000_000_000;
    let zoomed = snapshot.timeline.level_for(first, first + second, 400);
    assert!(zoomed < whole, "{zoomed} !< {whole}");
    let at = |from: i64, to: i64| (axis.position_of(from), axis.position_of(to));
    refresh_bins(&snapshot, &filter, &mut cache, &axis, zoomed, at(first, first + second), (first, last));
    let cached = cache.as_ref().unwrap().key.clone();
    // A pan by a tenth of the view stays inside the cached half-screen margins.
    let view = at(first + second / 10, first + 11 * second / 10);
    refresh_bins(&snapshot, &filter, &mut cache, &axis, zoomed, view, (first, last));
    assert_eq!(cache.as_ref().unwrap().key, cached);
    // A pan by three screens does not.
    let view = at(first + 3 * second, first + 4 * second);
    refresh_bins(&snapshot, &filter, &mut cache, &axis, zoomed, view, (first, last));
    assert_ne!(cache.as_ref().unwrap().key, cached);
}

#[test]
fn past_the_band_limit_the_smaller_owners_share_one_band() {
    let snapshot = fake_snapshot::demo();
    let (level, width) = (3, LEVEL_WIDTHS_NS[3]);
    let key = whole_capture(&snapshot, level);
    let groups = theme::legend_entries(&snapshot.owners).len();
    assert!(groups > 3);
    let axis = linear(&snapshot);
    let binned = stack_bands(&snapshot, &ViewFilter::default(), level, key.clone(), width, &axis, (0.0, 0.0), 3);
    assert_eq!(binned.bands.len(), 3);
    assert_eq!(binned.owners.len(), 2);
    assert_eq!(binned.bands.last().map(|b| b.merged), Some(groups - 2));
    // Nothing is lost: the bins carry the same bytes as with a band per owner.
    let all = stack(&snapshot, &ViewFilter::default(), level, key, width, &axis, (0.0, 0.0));
    let sum = |b: &Binned| b.bins.iter().flat_map(|(_, v)| v.iter()).sum::<u64>();
    assert_eq!(sum(&binned), sum(&all));
    assert!(all.bands.iter().all(|b| b.merged == 0));
}

#[test]
fn a_capture_with_a_long_silence_gets_an_axis_with_it_cut_out() {
    let snapshot = fake_snapshot::with_gap();
    let (first, last) = (snapshot.totals.first_ns.unwrap(), snapshot.totals.last_ns.unwrap());
    let mut state = TimelineState::default();
    let axis = state.axis(&snapshot);
    assert!(axis.is_broken());
    assert_eq!(axis.stretches().len(), 2);
    // Years of silence take one break, a twentieth of the traffic's time.
    let active: i64 = axis.stretches().iter().map(|(a, b)| b - a).sum();
    let cut = axis.breaks().next().unwrap();
    assert!((cut.to_pos - cut.from_pos - active as f64 * 1e-9 / 20.0).abs() < 1e-6, "{cut:?}");
    assert!(axis.position_of(last) - axis.position_of(first) < 10.0 * 60.0);
    // The switch gives the real axis back, keeping the view.
    state.visible = Some((0.0, axis.end()));
    state.set_real_axis(true);
    assert!(!state.axis(&snapshot).is_broken());
    assert_eq!(state.show_next, Some((axis.time_at(0.0), axis.time_at(axis.end()))));
}

#[test]
fn bins_on_a_broken_axis_cover_each_stretch_and_nothing_between() {
    let snapshot = fake_snapshot::with_gap();
    let mut state = TimelineState::default();
    let axis = state.axis(&snapshot);
    let (first, last) = (snapshot.totals.first_ns.unwrap(), snapshot.totals.last_ns.unwrap());
    let (level, width) = (3, LEVEL_WIDTHS_NS[3]);
    let ranges = bin_ranges(&axis, (0.0, axis.end()), (first, last), width);
    assert_eq!(ranges.len(), 2, "{ranges:?}");
    for (range, stretch) in ranges.iter().zip(axis.stretches()) {
        assert_eq!(range.clip, *stretch);
        assert!(range.to_ns - range.from_ns <= stretch.1 - stretch.0 + 2 * width);
    }
    let mut cache = None;
    refresh_bins(&snapshot, &ViewFilter::default(), &mut cache, &axis, level, (0.0, axis.end()), (first, last));
    let binned = cache.unwrap();
    // Every byte is drawn, each bin where its real time sits on the axis.
    let total = stacked_bytes(&binned);
    assert!((total - snapshot.totals.bytes as f64).abs() < 1.0, "{total} vs {}", snapshot.totals.bytes);
    let top = binned.bands.last().unwrap();
    let cut = axis.breaks().next().unwrap();
    for (x, y) in top.xs.iter().zip(&top.upper) {
        assert!(*y == 0.0 || *x <= cut.from_pos || *x >= cut.to_pos, "traffic drawn in the cut at {x}");
    }
}

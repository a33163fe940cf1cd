//! Unit tests for `timeline_view`.
use super::*;
use test_support::scenes as fake_snapshot;
use whohosts_core::providers::Owner;

#[test]
fn clock_and_date_formats() {
    assert_eq!(time_of_day(9.0 * 3600.0 + 30.0 * 60.0 + 5.25), "09:30:05.250");
    assert_eq!(time_of_day(86_400.0 + 1.0), "00:00:01.000 +1d");
    assert_eq!(whohosts_core::units::utc_date(fake_snapshot::START_NS), "2026-11-25");
}

#[test]
fn stacked_bands_sum_to_the_capture_bytes() {
    let snapshot = fake_snapshot::demo();
    let (first, last) = (snapshot.totals.first_ns.unwrap(), snapshot.totals.last_ns.unwrap());
    let level = 3; // one-second bins
    let width = LEVEL_WIDTHS_NS[level];
    let key = BinKey {
        timeline: 0,
        endpoints: 0,
        frames: 0,
        level,
        from_ns: first.div_euclid(width) * width,
        to_ns: last + width,
        text: String::new(),
        chips: Vec::new(),
    };
    let binned = stack(&snapshot, &ViewFilter::default(), level, key, width);
    let top = binned.bands.last().unwrap();
    // Integrate the top of the stack (step-shaped: pairs of points per bin).
    let total: f64 = top.upper.chunks(2).map(|p| p[0] * width as f64 / NS_PER_S).sum();
    assert!((total - snapshot.totals.bytes as f64).abs() < 1.0, "{total} vs {}", snapshot.totals.bytes);
    assert_eq!(binned.owners.first().map(Owner::label).as_deref(), Some("Azure"));
}

#[test]
fn hidden_owners_leave_the_stack() {
    let snapshot = fake_snapshot::demo();
    let mut filter = ViewFilter::default();
    filter.hidden_owners.insert("AWS".into());
    let key = BinKey {
        timeline: 0,
        endpoints: 0,
        frames: 0,
        level: 3,
        from_ns: fake_snapshot::START_NS,
        to_ns: fake_snapshot::START_NS + 120 * 1_000_000_000,
        text: String::new(),
        chips: Vec::new(),
    };
    let binned = stack(&snapshot, &filter, 3, key, LEVEL_WIDTHS_NS[3]);
    assert!(!binned.owners.iter().any(|o| o.label() == "AWS"));
    assert!(binned.bands.iter().all(|b| b.owner.label() != "AWS"));
}

#[test]
fn grid_steps_are_clock_friendly() {
    let steps = time_steps(GridInput { bounds: (0.0, 100.0), base_step_size: 7.0 });
    assert_eq!(steps, [10.0, 60.0, 300.0]);
}

#[test]
fn the_text_filter_keeps_matching_endpoints_only() {
    let snapshot = fake_snapshot::demo();
    let width = LEVEL_WIDTHS_NS[3];
    let key = BinKey {
        timeline: 0,
        endpoints: 0,
        frames: 0,
        level: 3,
        from_ns: fake_snapshot::START_NS,
        to_ns: fake_snapshot::START_NS + 120 * 1_000_000_000,
        text: "google".into(),
        chips: Vec::new(),
    };
    let filter = ViewFilter { text: "google".into(), ..ViewFilter::default() };
    let binned = stack(&snapshot, &filter, 3, key, width);
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
    let mut state = TimelineState::default();
    let whole = snapshot.timeline.level_for(first, last, 400);
    let second = 1_000_000_000;
    let zoomed = snapshot.timeline.level_for(first, first + second, 400);
    assert!(zoomed < whole, "{zoomed} !< {whole}");
    refresh_bins(&snapshot, &filter, &mut state, zoomed, (first, first + second), (first, last));
    let cached = state.cache.as_ref().unwrap().key.clone();
    // A pan by a tenth of the view stays inside the cached half-screen margins.
    refresh_bins(
        &snapshot,
        &filter,
        &mut state,
        zoomed,
        (first + second / 10, first + 11 * second / 10),
        (first, last),
    );
    assert_eq!(state.cache.as_ref().unwrap().key, cached);
    // A pan by three screens does not.
    refresh_bins(&snapshot, &filter, &mut state, zoomed, (first + 3 * second, first + 4 * second), (first, last));
    assert_ne!(state.cache.as_ref().unwrap().key, cached);
}

#[test]
fn past_the_band_limit_the_smaller_owners_share_one_band() {
    let snapshot = fake_snapshot::demo();
    let (first, last) = (snapshot.totals.first_ns.unwrap(), snapshot.totals.last_ns.unwrap());
    let level = 3;
    let width = LEVEL_WIDTHS_NS[level];
    let key = BinKey {
        timeline: 0,
        endpoints: 0,
        frames: 0,
        level,
        from_ns: first.div_euclid(width) * width,
        to_ns: last + width,
        text: String::new(),
        chips: Vec::new(),
    };
    let groups = theme::legend_entries(&snapshot.owners).len();
    assert!(groups > 3);
    let binned = stack_bands(&snapshot, &ViewFilter::default(), level, key.clone(), width, 3);
    assert_eq!(binned.bands.len(), 3);
    assert_eq!(binned.owners.len(), 2);
    assert_eq!(binned.bands.last().map(|b| b.merged), Some(groups - 2));
    // Nothing is lost: the bins carry the same bytes as with a band per owner.
    let all = stack(&snapshot, &ViewFilter::default(), level, key, width);
    let sum = |b: &Binned| b.bins.iter().flat_map(|(_, v)| v.iter()).sum::<u64>();
    assert_eq!(sum(&binned), sum(&all));
    assert!(all.bands.iter().all(|b| b.merged == 0));
}

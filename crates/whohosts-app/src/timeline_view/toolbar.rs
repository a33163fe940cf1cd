//! The timeline's toolbar: zoom buttons and, when the capture has long gaps, a warning, ways
//! to move between its stretches of traffic and the switch between the axis with the silences
//! cut out and the real one. Moves only the timeline's own view.

use super::{TimelineState, CUT_GAPS_LABEL, GAP_WARNING};
use whohosts_core::snapshot::Snapshot;
use whohosts_core::timeline::ActivitySpan;

/// The busiest stretch of traffic, with a little room either side.
pub(super) fn busiest(spans: &[ActivitySpan]) -> Option<(i64, i64)> {
    let span = spans.iter().max_by_key(|s| s.bytes)?;
    Some(padded(span))
}

fn padded(span: &ActivitySpan) -> (i64, i64) {
    let pad = (span.to_ns - span.from_ns) / 20;
    (span.from_ns.saturating_sub(pad), span.to_ns.saturating_add(pad))
}

/// The range `visible` (positions) zoomed by `factor` about its middle (factor < 1 zooms in).
fn zoomed(visible: (f64, f64), factor: f64, least: f64) -> (f64, f64) {
    let middle = visible.0 / 2.0 + visible.1 / 2.0;
    let half = ((visible.1 - visible.0) / 2.0 * factor).max(least);
    (middle - half, middle + half)
}

/// The stretch before (`step` -1) or after (+1) the one in the middle of `visible` (ns).
fn neighbour(spans: &[ActivitySpan], visible: (i64, i64), step: i64) -> Option<(i64, i64)> {
    let middle = visible.0 / 2 + visible.1 / 2;
    let current = spans.iter().position(|s| middle < s.to_ns).unwrap_or(spans.len().saturating_sub(1));
    let next = usize::try_from(current as i64 + step).ok()?;
    spans.get(next).map(padded)
}

/// Zoom buttons, and when the capture has long gaps a warning with ways to jump between its
/// stretches of traffic and to switch the axis. Returns nothing: it only moves the timeline.
pub(super) fn zoom_and_gaps_ui(ui: &mut egui::Ui, snapshot: &Snapshot, state: &mut TimelineState) {
    let (Some(first), Some(last)) = (snapshot.totals.first_ns, snapshot.totals.last_ns) else { return };
    let axis = state.axis(snapshot);
    let visible = state.visible.unwrap_or((axis.position_of(first), axis.position_of(last)));
    // Zooming happens on the axis as drawn (a cut-out silence has no middle worth zooming on).
    let least = 5e5 * axis.scale();
    let zoom = |factor: f64| {
        let (a, b) = zoomed(visible, factor, least);
        (axis.time_at(a), axis.time_at(b))
    };
    if ui.small_button("−").on_hover_text("Zoom out (Ctrl+scroll on the plot)").clicked() {
        state.show_next = Some(zoom(2.0));
    }
    if ui.small_button("+").on_hover_text("Zoom in (Ctrl+scroll on the plot)").clicked() {
        state.show_next = Some(zoom(0.5));
    }
    if ui.small_button("Whole").on_hover_text("Show the whole capture (or double-click the plot)").clicked() {
        state.show_next = Some((first, last.max(first.saturating_add(1))));
    }
    let spans = state.activity(snapshot);
    if spans.len() < 2 {
        return;
    }
    let visible_ns = (axis.time_at(visible.0), axis.time_at(visible.1));
    let longest = spans.windows(2).map(|w| w[1].from_ns.saturating_sub(w[0].to_ns)).max().unwrap_or(0);
    let warning = format!(
        "{GAP_WARNING}: {} stretches of traffic, up to {} apart",
        spans.len(),
        crate::format::duration_ns(longest)
    );
    if ui.small_button("◀").on_hover_text("Previous stretch of traffic").clicked() {
        state.show_next = neighbour(&spans, visible_ns, -1).or(state.show_next);
    }
    if ui.small_button("Fit to activity").on_hover_text("Show the busiest stretch of traffic").clicked() {
        state.show_next = busiest(&spans);
    }
    if ui.small_button("▶").on_hover_text("Next stretch of traffic").clicked() {
        state.show_next = neighbour(&spans, visible_ns, 1).or(state.show_next);
    }
    let cut = !state.real_axis;
    let switch = ui.selectable_label(cut, CUT_GAPS_LABEL).on_hover_text(if cut {
        "The silences are cut out of the axis (at the break marks). Click for the real, linear time axis."
    } else {
        "The axis shows real time, silences at their true length. Click to cut them out."
    });
    if switch.clicked() {
        state.set_real_axis(cut);
    }
    // At most half of what is left, cut short with "…" (the whole text on hover), so the
    // line never runs past the panel.
    let room = ui.available_width() * 0.5;
    ui.scope(|ui| {
        ui.set_max_width(room);
        let text = egui::RichText::new(&warning).color(ui.visuals().warn_fg_color);
        ui.add(egui::Label::new(text).truncate()).on_hover_text(format!(
            "{warning}.\nNo packets for over an hour between them. \"{CUT_GAPS_LABEL}\" shows the stretches side \
             by side with break marks between them; the arrows move from one stretch to the next and \"Whole\" \
             shows everything."
        ));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(from: i64, to: i64, bytes: u64) -> ActivitySpan {
        ActivitySpan { from_ns: from, to_ns: to, bytes }
    }

    #[test]
    fn stretches_are_found_before_and_after_the_one_in_view() {
        let spans = [span(0, 100, 5), span(1_000, 1_100, 50), span(5_000, 5_200, 1)];
        assert_eq!(busiest(&spans), Some((995, 1_105)));
        assert_eq!(neighbour(&spans, (0, 100), 1), Some((995, 1_105)));
        assert_eq!(neighbour(&spans, (1_000, 1_100), 1), Some((4_990, 5_210)));
        assert_eq!(neighbour(&spans, (0, 100), -1), None);
        assert_eq!(zoomed((10.0, 20.0), 0.5, 0.1), (12.5, 17.5));
        assert_eq!(zoomed((10.0, 20.0), 0.001, 1.0), (14.0, 16.0));
    }
}

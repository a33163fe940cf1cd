//! The flow table: every flow of the capture, filtered and sorted (model.rs, computed once per
//! change and cached here), drawn with only the visible rows laid out (view.rs).

pub mod model;
mod view;

use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::sync::Arc;

pub use view::{flow_filter_bar_ui, flow_table_ui, ColumnLayout, FILTER_LABEL};

use model::{FilteredFlows, SortOrder};
use whohosts_core::filter::ViewFilter;
use whohosts_core::snapshot::Snapshot;

#[derive(Debug, Clone, PartialEq)]
struct CacheKey {
    snapshot_version: u64,
    filter: ViewFilter,
    sort: SortOrder,
}

/// Snapshots with more flows than this are filtered and sorted on a worker thread, so typing
/// in the filter or a new snapshot never stalls a frame; smaller ones are done at once.
const BACKGROUND_ABOVE_FLOWS: usize = 20_000;

/// A filter/sort job running on a worker thread.
struct PendingRows {
    key: CacheKey,
    result: Receiver<FilteredFlows>,
}

/// What the table keeps between frames.
#[derive(Default)]
pub struct FlowTableState {
    cache: Option<(CacheKey, Arc<FilteredFlows>)>,
    pending: Option<PendingRows>,
    /// The filter text field's id, so Ctrl+F can focus it.
    pub filter_field: Option<egui::Id>,
    /// A flow to scroll into view on the next frame.
    pub reveal: Option<usize>,
    /// The columns' widths as drawn last frame (to notice the user resizing one).
    column_widths_seen: Vec<(model::SortColumn, f32)>,
    /// Frames left during which a change of width counts as the user's (after the pointer
    /// was down).
    pointer_lately: u8,
}

impl FlowTableState {
    /// The filtered, sorted rows for this snapshot; recomputed only when an input changed.
    /// For big snapshots the previous rows stand until the worker delivers the new ones.
    pub fn filtered(
        &mut self,
        ctx: &egui::Context,
        snapshot_version: u64,
        snapshot: &Arc<Snapshot>,
        filter: &ViewFilter,
        sort: SortOrder,
    ) -> Arc<FilteredFlows> {
        let key = CacheKey { snapshot_version, filter: filter.clone(), sort };
        if let Some((cached, rows)) = &self.cache {
            if *cached == key {
                return rows.clone();
            }
        }
        if snapshot.flows.len() <= BACKGROUND_ABOVE_FLOWS {
            self.pending = None;
            let rows = Arc::new(FilteredFlows::compute(snapshot, filter, sort));
            self.cache = Some((key, rows.clone()));
            return rows;
        }
        self.poll_or_start(ctx, key, snapshot)
    }

    /// Whether a worker is still filtering (the rows shown are from before the last change).
    pub fn is_filtering(&self) -> bool {
        self.pending.is_some()
    }

    /// One job at a time: a job for older inputs is let finish (its rows are shown meanwhile,
    /// better than nothing while a capture streams in), then the next starts for the newest.
    fn poll_or_start(&mut self, ctx: &egui::Context, key: CacheKey, snapshot: &Arc<Snapshot>) -> Arc<FilteredFlows> {
        if let Some(pending) = &self.pending {
            match pending.result.try_recv() {
                Ok(rows) => {
                    let done_key = pending.key.clone();
                    self.pending = None;
                    let rows = Arc::new(rows);
                    self.cache = Some((done_key.clone(), rows.clone()));
                    if done_key == key {
                        return rows;
                    }
                }
                Err(TryRecvError::Empty) => return self.stale_rows(),
                Err(TryRecvError::Disconnected) => self.pending = None,
            }
        }
        let (tx, rx) = channel();
        let (job_snapshot, job_key, wake) = (Arc::clone(snapshot), key.clone(), ctx.clone());
        let spawned = std::thread::Builder::new().name("whohosts-flow-filter".into()).spawn(move || {
            let rows = FilteredFlows::compute(&job_snapshot, &job_key.filter, job_key.sort);
            if tx.send(rows).is_ok() {
                crate::loading::wake_for_result(&wake);
            }
        });
        if spawned.is_err() {
            // No thread to be had: do it here rather than show nothing.
            let rows = Arc::new(FilteredFlows::compute(snapshot, &key.filter, key.sort));
            self.cache = Some((key, rows.clone()));
            return rows;
        }
        self.pending = Some(PendingRows { key, result: rx });
        self.stale_rows()
    }

    fn stale_rows(&self) -> Arc<FilteredFlows> {
        self.cache.as_ref().map(|(_, rows)| rows.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_support::demo::demo_snapshot;

    /// The demo's flows repeated until the snapshot is big enough for the worker thread.
    fn big_snapshot() -> Arc<Snapshot> {
        let demo = demo_snapshot();
        let copies = BACKGROUND_ABOVE_FLOWS / demo.flows.len() + 1;
        let flows: Vec<_> = (0..copies).flat_map(|_| demo.flows.iter().cloned()).collect();
        let flow_endpoint: Vec<_> = (0..copies).flat_map(|_| demo.flow_endpoint.iter().copied()).collect();
        Arc::new(Snapshot { flows: Arc::new(flows), flow_endpoint: Arc::new(flow_endpoint), ..demo })
    }

    #[test]
    fn big_snapshots_are_filtered_on_a_worker_and_cached() {
        let ctx = egui::Context::default();
        let snapshot = big_snapshot();
        let mut state = FlowTableState::default();
        let filter = ViewFilter { text: "azure".into(), ..ViewFilter::default() };
        let first = state.filtered(&ctx, 1, &snapshot, &filter, SortOrder::default());
        assert!(first.rows.is_empty(), "nothing to show before the worker answers");
        assert!(state.is_filtering());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let rows = loop {
            let rows = state.filtered(&ctx, 1, &snapshot, &filter, SortOrder::default());
            if !state.is_filtering() {
                break rows;
            }
            assert!(std::time::Instant::now() < deadline, "the worker never answered");
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        assert_eq!(rows.rows.len(), snapshot.flows.len() / 6);
        // Same inputs: the cached rows, no new job.
        let again = state.filtered(&ctx, 1, &snapshot, &filter, SortOrder::default());
        assert!(Arc::ptr_eq(&rows, &again) && !state.is_filtering());
        // New inputs: the old rows stand until the new ones arrive.
        let narrower = ViewFilter { text: "azure 50020".into(), ..ViewFilter::default() };
        let meanwhile = state.filtered(&ctx, 1, &snapshot, &narrower, SortOrder::default());
        assert!(Arc::ptr_eq(&rows, &meanwhile));
    }
}

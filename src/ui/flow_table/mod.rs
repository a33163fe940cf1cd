//! The flow table: every flow of the capture, filtered and sorted (model.rs, computed once per
//! change and cached here), drawn with only the visible rows laid out (view.rs).

pub mod model;
mod view;

use std::sync::Arc;

pub use view::{flow_filter_bar_ui, flow_table_ui, FILTER_LABEL};

use crate::snapshot::Snapshot;
use crate::ui::view_filter::ViewFilter;
use model::{FilteredFlows, SortOrder};

#[derive(Debug, Clone, PartialEq)]
struct CacheKey {
    snapshot_version: u64,
    filter: ViewFilter,
    sort: SortOrder,
}

/// What the table keeps between frames.
#[derive(Default)]
pub struct FlowTableState {
    cache: Option<(CacheKey, Arc<FilteredFlows>)>,
    /// The filter text field's id, so Ctrl+F can focus it.
    pub filter_field: Option<egui::Id>,
}

impl FlowTableState {
    /// The filtered, sorted rows for this snapshot; recomputed only when an input changed.
    pub fn filtered(
        &mut self,
        snapshot_version: u64,
        snapshot: &Snapshot,
        filter: &ViewFilter,
        sort: SortOrder,
    ) -> Arc<FilteredFlows> {
        if let Some((key, rows)) = &self.cache {
            if key.snapshot_version == snapshot_version && key.sort == sort && key.filter == *filter {
                return rows.clone();
            }
        }
        let rows = Arc::new(FilteredFlows::compute(snapshot, filter, sort));
        self.cache = Some((CacheKey { snapshot_version, filter: filter.clone(), sort }, rows.clone()));
        rows
    }
}

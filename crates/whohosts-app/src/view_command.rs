//! What a view asks the app to do; views return it instead of touching each other.

use whohosts_core::filter::Chip;

/// What a view asks the app to do; the app applies it, views never touch each other.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum ViewCommand {
    /// Select these flows (indices into `Snapshot::flows`); the first one opens in the inspector.
    SelectFlows(Vec<usize>),
    SetTimeRange(Option<(i64, i64)>),
    ToggleOwner(String),
    /// Narrow every view to these chips (added to the filter) and select these flows: a click
    /// on a graph node or ribbon.
    Focus {
        chips: Vec<Chip>,
        flows: Vec<usize>,
    },
    /// Take the filter's chip at this position away.
    RemoveChip(usize),
}

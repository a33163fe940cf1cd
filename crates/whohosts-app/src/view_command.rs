//! What a view asks the app to do; views return it instead of touching each other.

/// What a view asks the app to do; the app applies it, views never touch each other.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum ViewCommand {
    /// Select these flows (indices into `Snapshot::flows`); the first one opens in the inspector.
    SelectFlows(Vec<usize>),
    SetTimeRange(Option<(i64, i64)>),
    ToggleOwner(String),
}

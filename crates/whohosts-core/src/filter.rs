//! What the user has narrowed the views to; every view and total honours it.
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewFilter {
    /// Only traffic in [from_ns, to_ns) when set (a dragged time range on the timeline).
    pub time_range: Option<(i64, i64)>,
    /// Owner names (as in `Owner::name`) the user switched off.
    pub hidden_owners: BTreeSet<String>,
    /// Free text matched against addresses, names, ports and owner names.
    pub text: String,
}

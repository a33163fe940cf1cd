//! Which flows an export covers: exactly what the views show, through the one filter.

pub use crate::filter::{selected_flows, ViewFilter};

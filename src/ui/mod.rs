//! The desktop GUI. (Minimal declaration from the "views" branch; the "ui" branch owns the real one.)

pub mod fake_snapshot;
pub mod graph;
pub mod theme;
pub mod timeline_view;
pub mod view_filter;

#[cfg(test)]
mod views_tests;

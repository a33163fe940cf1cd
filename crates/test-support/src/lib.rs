//! Dev-only: hand-built snapshots for tests, demos and benchmarks. Never a dependency of the
//! product crates' normal builds.

pub mod captures;
pub mod demo;
pub mod fixtures;
pub mod scenes;

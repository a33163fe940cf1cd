//! Dev-only: hand-built snapshots for tests, demos and benchmarks. Never a dependency of the
//! product crates' normal builds.

pub mod builder;
pub mod captures;
pub mod demo;
pub mod fixtures;
pub mod replay;
pub mod scenes;

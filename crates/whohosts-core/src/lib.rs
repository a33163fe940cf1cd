//! whohosts' core: who really hosts what a machine talks to.
//!
//! The core turns frames from a capture into flows, names learned from
//! the capture, provider attributions and a timeline. It never imports egui, so the CLI, the
//! GUI and the tests all drive it the same way.
// Nothing read from a capture or a range file may take the program down: outside tests,
// failures are values. (Parser modules also deny panicking indexing.)
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
pub mod analysis;
pub mod capture;
pub mod decode;
pub mod export;
pub mod filter;
pub mod flows;
pub mod fragments;
pub mod ingest;
pub mod input;
pub mod locality;
pub mod names;
pub mod providers;
mod quiet_panic;
mod reorder;
pub mod report;
pub mod session;
pub mod snapshot;
pub mod terminal;
pub mod timeline;
pub mod units;
pub mod zeek;

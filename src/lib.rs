//! whohosts: who really hosts what a machine talks to.
//!
//! The core (everything but `ui`) turns frames from a capture into flows, names learned from
//! the capture, provider attributions and a timeline. It never imports egui, so the CLI, the
//! GUI and the tests all drive it the same way.

pub mod analysis;
pub mod capture;
pub mod cli;
pub mod decode;
pub mod flows;
pub mod fragments;
pub mod ingest;
pub mod locality;
pub mod report;
pub mod session;
pub mod snapshot;
pub mod timeline;
pub mod ui;

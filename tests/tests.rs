//! Integration tests over the committed samples (see samples/README.md).

mod cli;
mod export;
mod figure;
mod handoffs;
mod hostile;
mod hostile_paths;
mod live;
mod live_replay;
mod many_captures;
mod samples;
mod ui;
mod ui_export;
mod ui_icloud;
mod ui_live;
mod ui_window;
mod zeek;

//! Integration tests over the committed samples (see samples/README.md).

mod cli;
mod export;
mod hostile;
mod live;
mod samples;
mod ui;
mod ui_export;
mod ui_icloud;
mod ui_live;
mod ui_window;

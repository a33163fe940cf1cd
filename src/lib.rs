//! The `whohosts` command line: arguments (clap), checked into the core's configuration, and
//! the `export` subcommand. `main` prints and picks exit codes; the work is in whohosts-core
//! (no GUI) and whohosts-app (the window and the figure).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod analysis_args;
pub mod cli;
pub mod export_args;
pub mod export_command;
pub mod usage;

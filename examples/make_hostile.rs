//! Writes the hostile capture set (cut files, broken headers, absurd lengths, floods,
//! parser traps; hostile range files, file names and TCP cuts) into a directory, default `target/hostile/`. Deterministic.
//!
//! Run: `cargo run --release --example make_hostile [DIR] [--flood-flows N]`.

#[path = "make_hostile/files.rs"]
mod files;
#[path = "make_hostile/packets.rs"]
mod packets;
#[path = "make_hostile/paths.rs"]
mod paths;

use std::path::PathBuf;

use anyhow::{Context, Result};

fn main() -> Result<()> {
    let mut dir = PathBuf::from("target/hostile");
    let mut flood_flows = files::FULL_FLOOD_FLOWS;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--flood-flows" {
            flood_flows = args.next().context("--flood-flows N")?.parse().context("--flood-flows N")?;
        } else {
            dir = PathBuf::from(arg);
        }
    }
    let mut written = files::write_all(&dir, flood_flows)?;
    written.extend(paths::write_all(&dir)?);
    for path in written {
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        println!("{size:>10}  {}", path.display().to_string().escape_debug());
    }
    Ok(())
}

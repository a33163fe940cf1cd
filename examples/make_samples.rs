//! Generates the synthetic captures in `samples/`: the iCloud story capture and one small
//! file per link type / file format. Deterministic: fixed seeds and start times, so running
//! it again reproduces the committed files byte for byte.
//!
//! `cargo run --release --example make_samples [OUT_DIR]` (default `samples`).

/// The generator's parts live in `examples/make_samples/`.
mod make_samples {
    pub mod dns;
    pub mod home;
    pub mod icloud;
    pub mod net;
    pub mod noise;
    pub mod quic;
    pub mod scene;
    pub mod session;
    pub mod small;
    pub mod tcp;
    pub mod tls;
    pub mod writer;
}

use make_samples::{icloud, small};

use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "samples".into()));
    std::fs::create_dir_all(&out)?;
    icloud::write(&out)?;
    small::write_all(&out)?;
    Ok(())
}

//! Unpacks the shipped range tables (`assets/ranges/*.gz`, kept gzipped in the repository)
//! into `OUT_DIR`, where `providers/shipped.rs` compiles them into the binary as they are:
//! gunzipping 3 MB at every start was a fifth of the time to load the ranges.

use std::error::Error;
use std::io::Read;
use std::path::PathBuf;

const TABLES: [&str; 5] = ["cloud.tsv", "asn-routes.tsv", "asn-v4.bin", "asn-v6.bin", "asn-orgs.tsv"];

fn main() -> Result<(), Box<dyn Error>> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("no OUT_DIR")?);
    let assets = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("no CARGO_MANIFEST_DIR")?)
        .join("../../assets/ranges");
    for table in TABLES {
        let packed = assets.join(format!("{table}.gz"));
        println!("cargo::rerun-if-changed={}", packed.display());
        let file = std::fs::File::open(&packed).map_err(|e| format!("{}: {e}", packed.display()))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(file).read_to_end(&mut bytes).map_err(|e| format!("{}: {e}", packed.display()))?;
        std::fs::write(out.join(table), bytes)?;
    }
    Ok(())
}

//! Small samples, one per link type or file format.

use std::path::Path;

use anyhow::Result;

pub fn write_all(_out: &Path) -> Result<()> {
    Ok(())
}

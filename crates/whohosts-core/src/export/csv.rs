//! CSV export: flows.csv, endpoints.csv and providers.csv in one directory, over the flows
//! a [`ViewFilter`] selects. All three are written before any is put in place. Owns the
//! cell policy against formula injection ([`csv_cell`]), which every CSV writer uses.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::atomic::Overwrite;
use super::filter::ViewFilter;
use super::{write_table_dir, ExportError};
use crate::snapshot::Snapshot;

pub const FLOWS_FILE: &str = "flows.csv";
pub const ENDPOINTS_FILE: &str = "endpoints.csv";
pub const PROVIDERS_FILE: &str = "providers.csv";

/// Writes the three tables into `dir` (created when missing); returns the files written.
/// With [`Overwrite::Refuse`] nothing is written when any of the three exists.
pub fn write_csv_dir(
    dir: &Path,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    overwrite: Overwrite,
) -> Result<Vec<PathBuf>, ExportError> {
    let names = [FLOWS_FILE, ENDPOINTS_FILE, PROVIDERS_FILE];
    write_table_dir(dir, names, snapshot, filter, overwrite, |table, tables, out| match table {
        0 => write_rows(out, &tables.flows),
        1 => write_rows(out, &tables.endpoints),
        _ => write_rows(out, &tables.providers),
    })
}

/// A cell as written: one that a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP recommends; numbers
/// such as `-5` or `+1.5e3` stay numbers. Names from captures and range files reach these
/// cells, so every CSV cell goes through here.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let risky = matches!(text.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    if risky && text.parse::<f64>().map_or(true, |n| !n.is_finite()) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// One CSV table with a header row (also written when there are no rows, so that readers
/// always find the columns).
pub fn write_rows<T: Serialize + Default>(out: &mut dyn Write, rows: &[T]) -> std::io::Result<()> {
    if rows.is_empty() {
        return out.write_all(&header_line::<T>()?);
    }
    // Serialised once as the csv crate lays rows out, then every cell is passed through
    // the cell policy on its way out.
    let mut plain = csv::Writer::from_writer(Vec::new());
    for row in rows {
        plain.serialize(row).map_err(std::io::Error::other)?;
    }
    let plain = plain.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(plain.as_slice());
    let mut writer = csv::Writer::from_writer(out);
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(std::io::Error::other)? {
        writer.write_record(record.iter().map(|cell| csv_cell(cell).into_owned()))?;
    }
    writer.flush()
}

/// The csv crate writes headers with the first record; get them from a default record.
fn header_line<T: Serialize + Default>() -> std::io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.serialize(T::default()).map_err(std::io::Error::other)?;
    let bytes = writer.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?;
    let end = bytes.iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| i + 1);
    Ok(bytes.get(..end).unwrap_or_default().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_numbers_kept() {
        for risky in ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "=", "-", "+inf", "-NaN"] {
            assert_eq!(csv_cell(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in ["example.com", "AWS", "-5", "+1.5e3", "-0.25", "", "a=b", "1-2"] {
            assert_eq!(csv_cell(safe), safe, "{safe:?}");
        }
    }

    #[derive(Serialize, Default)]
    struct Row {
        name: String,
        owner: String,
        bytes: i64,
    }

    #[test]
    fn every_written_cell_goes_through_the_policy() {
        let rows = [
            Row { name: "=hyperlink(\"http://x\").example".into(), owner: "@evil".into(), bytes: -3 },
            Row { name: "ok.example".into(), owner: "AWS".into(), bytes: 7 },
        ];
        let mut out = Vec::new();
        write_rows(&mut out, &rows).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "name,owner,bytes\n\"'=hyperlink(\"\"http://x\"\").example\",'@evil,-3\nok.example,AWS,7\n");
    }
}

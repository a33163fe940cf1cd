//! Parquet export: flows.parquet, endpoints.parquet and providers.parquet in one directory,
//! the same rows and column names as the CSV and JSON tables (see records.rs), so that the
//! reports of many machines can be unioned in DuckDB, Spark or ClickHouse. Counts are INT64,
//! times DOUBLE seconds since the epoch, text UTF-8 strings; every column is required.
//! Written with parquet's low-level column writer (no arrow), uncompressed, atomically.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ::parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::schema::parser::parse_message_type;

use super::atomic::Overwrite;
use super::filter::ViewFilter;
use super::records::{EndpointRow, FlowRow, ProviderRow};
use super::write_table_dir;
use super::ExportError;
use crate::snapshot::Snapshot;

pub const FLOWS_FILE: &str = "flows.parquet";
pub const ENDPOINTS_FILE: &str = "endpoints.parquet";
pub const PROVIDERS_FILE: &str = "providers.parquet";

/// One column's values.
#[derive(Debug, Clone, PartialEq)]
enum Values {
    Text(Vec<String>),
    Count(Vec<i64>),
    Real(Vec<f64>),
}

impl Values {
    fn parquet_type(&self) -> &'static str {
        match self {
            Values::Text(_) => "BYTE_ARRAY",
            Values::Count(_) => "INT64",
            Values::Real(_) => "DOUBLE",
        }
    }
}

type Table = Vec<(&'static str, Values)>;

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Builds a table's columns from rows: `text`, `count` and `real` fields, in the order given.
macro_rules! columns {
    ($rows:expr, $($kind:ident $field:ident),+ $(,)?) => {
        vec![$( (stringify!($field), columns!(@ $kind $rows, $field)) ),+]
    };
    (@ text $rows:expr, $field:ident) => { Values::Text($rows.iter().map(|r| r.$field.clone()).collect()) };
    (@ count $rows:expr, $field:ident) => { Values::Count($rows.iter().map(|r| count(r.$field as u64)).collect()) };
    (@ real $rows:expr, $field:ident) => { Values::Real($rows.iter().map(|r| r.$field).collect()) };
}

fn flow_table(rows: &[FlowRow]) -> Table {
    columns!(rows, count flow, text proto, text src, count sport, text dst, count dport, text remote,
        count remote_port, text name, text owner, text service, text region, count packets, count bytes,
        count fwd_packets, count fwd_bytes, count rev_packets, count rev_bytes, real first_ts, real last_ts)
}

fn endpoint_table(rows: &[EndpointRow]) -> Table {
    columns!(rows, text ip, text name, text owner, text service, text region, count flows, count packets,
        count bytes, real first_ts, real last_ts)
}

fn provider_table(rows: &[ProviderRow]) -> Table {
    columns!(rows, text owner, text service, text region, count endpoints, count flows, count packets,
        count bytes, real share)
}

/// The Parquet schema of a table, e.g. `message flows { REQUIRED INT64 flow; ... }`.
fn schema(name: &str, table: &Table) -> String {
    let fields: Vec<String> = table
        .iter()
        .map(|(field, values)| {
            let logical = if matches!(values, Values::Text(_)) { " (UTF8)" } else { "" };
            format!("REQUIRED {} {field}{logical};", values.parquet_type())
        })
        .collect();
    format!("message {name} {{ {} }}", fields.join(" "))
}

fn encode(name: &str, table: &Table) -> Result<Vec<u8>, ::parquet::errors::ParquetError> {
    let schema = Arc::new(parse_message_type(&schema(name, table))?);
    let properties = Arc::new(WriterProperties::builder().set_created_by("whohosts".into()).build());
    let mut writer = SerializedFileWriter::new(Vec::new(), schema, properties)?;
    let mut group = writer.next_row_group()?;
    for (_, values) in table {
        let Some(mut column) = group.next_column()? else { break };
        match values {
            Values::Text(v) => {
                let bytes: Vec<ByteArray> = v.iter().map(|s| ByteArray::from(s.as_str())).collect();
                column.typed::<ByteArrayType>().write_batch(&bytes, None, None)?;
            }
            Values::Count(v) => {
                column.typed::<Int64Type>().write_batch(v, None, None)?;
            }
            Values::Real(v) => {
                column.typed::<DoubleType>().write_batch(v, None, None)?;
            }
        }
        column.close()?;
    }
    group.close()?;
    writer.into_inner()
}

/// Writes the three tables into `dir` (created when missing); returns the files written.
/// With [`Overwrite::Refuse`] nothing is written when any of the three exists.
pub fn write_parquet_dir(
    dir: &Path,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    overwrite: Overwrite,
) -> Result<Vec<PathBuf>, ExportError> {
    let names = [FLOWS_FILE, ENDPOINTS_FILE, PROVIDERS_FILE];
    write_table_dir(dir, names, snapshot, filter, overwrite, |table, tables, out| {
        let encoded = match table {
            0 => encode("flows", &flow_table(&tables.flows)),
            1 => encode("endpoints", &endpoint_table(&tables.endpoints)),
            _ => encode("providers", &provider_table(&tables.providers)),
        };
        out.write_all(&encoded.map_err(|e| std::io::Error::other(e.to_string()))?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::parquet::file::reader::{FileReader, SerializedFileReader};
    use ::parquet::record::RowAccessor;

    #[test]
    fn schema_names_every_column_with_its_type() {
        let rows = vec![ProviderRow { owner: "AWS".into(), bytes: 10, share: 1.0, ..ProviderRow::default() }];
        let s = schema("providers", &provider_table(&rows));
        assert!(s.starts_with("message providers { REQUIRED BYTE_ARRAY owner (UTF8);"), "{s}");
        assert!(s.contains("REQUIRED INT64 bytes;") && s.ends_with("REQUIRED DOUBLE share; }"), "{s}");
    }

    #[test]
    fn a_table_reads_back_with_its_rows() {
        let rows = vec![
            ProviderRow { owner: "AWS".into(), bytes: 10, share: 0.25, ..ProviderRow::default() },
            ProviderRow { owner: "Azure".into(), bytes: 30, share: 0.75, ..ProviderRow::default() },
        ];
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, &encode("providers", &provider_table(&rows)).unwrap()).unwrap();
        let reader = SerializedFileReader::new(file).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 2);
        let owners: Vec<String> =
            reader.get_row_iter(None).unwrap().map(|r| r.unwrap().get_string(0).unwrap().clone()).collect();
        assert_eq!(owners, ["AWS", "Azure"]);
    }
}

//! Reading a user's range file: size limit, format detection from the content, the
//! fallback date, and merging duplicate prefixes to their most specific service.

use std::collections::HashMap;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use ipnet::IpNet;

use super::{formats, plain, ProviderError};

/// Largest range file accepted; official files are a few MB (Azure's is the biggest).
pub(crate) const MAX_FILE_BYTES: u64 = 32 << 20;

/// One prefix read from a file, before it goes into the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RangeRecord {
    pub prefix: IpNet,
    pub provider: String,
    pub service: Option<String>,
    pub region: Option<String>,
}

/// A parsed file: its format, its own date if it states one, and its records.
#[derive(Debug)]
pub(crate) struct ParsedFile {
    pub format: &'static str,
    pub date: String,
    pub records: Vec<RangeRecord>,
}

/// What a parser returns before the fallback date is applied.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub format: &'static str,
    pub date: Option<String>,
    pub records: Vec<RangeRecord>,
}

pub(crate) fn read_range_file(path: &Path, provider: Option<&str>) -> Result<ParsedFile, ProviderError> {
    let io_error = |source| ProviderError::Io { path: path.to_path_buf(), source };
    let (meta, bytes) = read_limited(path).map_err(|e| match e {
        LimitedRead::Io(source) => io_error(source),
        LimitedRead::NotAFile(kind) => ProviderError::NotAFile { path: path.to_path_buf(), kind },
        LimitedRead::TooLarge(size) => {
            ProviderError::TooLarge { path: path.to_path_buf(), size, limit: MAX_FILE_BYTES }
        }
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ProviderError::UnknownFormat {
        path: path.to_path_buf(),
        detail: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let parsed = if text.trim_start().starts_with('{') {
        formats::parse_json(path, text)?
    } else {
        plain::parse_cidr_list(path, text, provider)?
    };
    if parsed.records.is_empty() {
        return Err(ProviderError::Empty { path: path.to_path_buf() });
    }
    let date = parsed.date.unwrap_or_else(|| meta.modified().map_or_else(|_| String::new(), civil_date));
    Ok(ParsedFile { format: parsed.format, date, records: most_specific_per_prefix(parsed.records) })
}

enum LimitedRead {
    Io(std::io::Error),
    NotAFile(&'static str),
    /// At least this many bytes.
    TooLarge(u64),
}

/// What a non-regular file is, for the message.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a pipe"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

/// Reads at most [`MAX_FILE_BYTES`] of a regular file. Pipes and devices report a size of 0
/// and may never end (`/dev/zero`) or never start (a FIFO without a writer), so they are
/// refused: the file is opened without blocking and checked on the open descriptor, and
/// the read stops one byte past the limit whatever the size said.
fn read_limited(path: &Path) -> Result<(std::fs::Metadata, Vec<u8>), LimitedRead> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(LimitedRead::Io)?;
    let meta = file.metadata().map_err(LimitedRead::Io)?;
    if !meta.is_file() {
        return Err(LimitedRead::NotAFile(file_kind(&meta)));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(LimitedRead::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(LimitedRead::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LimitedRead::TooLarge(bytes.len() as u64));
    }
    Ok((meta, bytes))
}

/// Ranks a service name: provider-wide catch-alls (AWS `AMAZON`, Azure `AzureCloud`)
/// lowest, AWS `EC2` next, anything else highest, so a prefix listed under several
/// services reports the one that says most.
pub(crate) fn service_rank(service: Option<&str>) -> u8 {
    match service.map(str::to_ascii_uppercase).as_deref() {
        None | Some("") => 0,
        Some("AMAZON" | "AZURECLOUD") => 1,
        Some("EC2") => 2,
        Some(_) => 3,
    }
}

/// Keeps one record per prefix: the best-ranked service, with a region if any had one.
fn most_specific_per_prefix(records: Vec<RangeRecord>) -> Vec<RangeRecord> {
    let mut best: HashMap<IpNet, usize> = HashMap::with_capacity(records.len());
    let mut out: Vec<RangeRecord> = Vec::with_capacity(records.len());
    for record in records {
        let prefix = record.prefix.trunc();
        match best.get(&prefix).and_then(|&i| out.get_mut(i)) {
            Some(kept) if kept.provider == record.provider => {
                let region = kept.region.take().or_else(|| record.region.clone());
                if service_rank(record.service.as_deref()) > service_rank(kept.service.as_deref()) {
                    *kept = record;
                }
                kept.region = kept.region.take().or(region);
            }
            // A different provider for the same prefix in one file: the later line wins.
            Some(kept) => *kept = record,
            None => {
                best.insert(prefix, out.len());
                out.push(record);
            }
        }
    }
    out
}

/// `YYYY-MM-DD` (UTC) of a file time.
fn civil_date(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    crate::units::utc_date(i64::try_from(secs).unwrap_or(0).saturating_mul(1_000_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn record(prefix: &str, service: Option<&str>, region: Option<&str>) -> RangeRecord {
        RangeRecord {
            prefix: prefix.parse().expect("prefix"),
            provider: "AWS".into(),
            service: service.map(Into::into),
            region: region.map(Into::into),
        }
    }

    #[test]
    fn pipes_and_devices_are_refused_without_reading_them() {
        let err = read_range_file(Path::new("/dev/zero"), Some("X")).unwrap_err();
        assert!(matches!(err, ProviderError::NotAFile { kind: "a device", .. }), "{err}");
        assert!(err.to_string().contains("/dev/zero"), "{err}");
        let dir = tempfile::tempdir().expect("dir");
        let fifo = dir.path().join("ranges.fifo");
        let c_path = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("path");
        // SAFETY: a valid C string; mkfifo only creates a node.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        // Without a writer, a blocking open would hang here for ever.
        let err = read_range_file(&fifo, Some("X")).unwrap_err();
        assert!(matches!(err, ProviderError::NotAFile { kind: "a pipe", .. }), "{err}");
        let err = read_range_file(dir.path(), Some("X")).unwrap_err();
        assert!(matches!(err, ProviderError::NotAFile { .. } | ProviderError::Io { .. }), "{err}");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(UNIX_EPOCH), "1970-01-01");
        let t = UNIX_EPOCH + Duration::from_secs(1_761_894_521);
        assert_eq!(civil_date(t), "2025-10-31");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(civil_date(leap), "2000-02-29");
    }

    #[test]
    fn duplicate_prefixes_keep_the_most_specific_service() {
        let merged = most_specific_per_prefix(vec![
            record("1.178.10.0/24", Some("AMAZON"), Some("eu-central-1")),
            record("1.178.10.0/24", Some("S3"), None),
            record("1.178.10.0/24", Some("EC2"), None),
            record("1.178.11.0/24", Some("AMAZON"), None),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].service.as_deref(), Some("S3"));
        assert_eq!(merged[0].region.as_deref(), Some("eu-central-1"));
        assert_eq!(merged[1].service.as_deref(), Some("AMAZON"));
    }
}

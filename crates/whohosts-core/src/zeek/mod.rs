//! Zeek logs as input: conn.log, dns.log, ssl.log, http.log and quic.log, in Zeek's TSV
//! format or as JSON lines, plain or gzip, single files or a log archive tree, turned into
//! typed records. Format, compression and log kind come from the content, never the name.
//! Reads only; joining records into flows and names is the analysis's job, not this module's.

pub(crate) mod archive;
pub(crate) mod detect;
mod error;
mod fields;
mod json;
mod lines;
mod reader;
mod records;
mod time;
mod tsv;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use archive::MAX_DEPTH;
pub use detect::Format;
pub use error::{FileError, FileProblem, LineError, LineProblem};
pub use lines::MAX_LINE_BYTES;
pub use reader::MAX_PROBLEMS_PER_FILE;
pub use records::{Answer, Conn, ConnId, DnsAnswer, HttpHost, LogKind, ServerName, Transport};
pub use time::Timestamp;

/// A file that was read as a Zeek log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    pub path: PathBuf,
    pub format: Format,
    pub gzip: bool,
    /// The kinds of the records it held, in order of first appearance.
    pub kinds: Vec<LogKind>,
    /// Records taken from it (lines of ssl/quic/http without a name are not counted).
    pub records: usize,
}

/// Everything read from a set of Zeek logs, in file order then line order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ZeekLogs {
    pub conns: Vec<Conn>,
    pub dns: Vec<DnsAnswer>,
    /// ssl.log lines with a `server_name` (TLS SNI; Zeek also logs QUIC's TLS here).
    pub ssl: Vec<ServerName>,
    pub http: Vec<HttpHost>,
    /// quic.log lines with a `server_name`.
    pub quic: Vec<ServerName>,
    /// Lines dropped, with file, line number and the bad value.
    pub problems: Vec<LineProblem>,
    /// Files skipped (not a Zeek log, a log kind not read, unreadable) or stopped early.
    pub file_problems: Vec<FileProblem>,
    /// Files read as logs.
    pub files: Vec<LogFile>,
}

/// Reads every Zeek log in `paths` (files, or directories walked recursively). Never
/// fails as a whole: what cannot be read is listed in `problems` and `file_problems`.
pub fn read_logs(paths: &[PathBuf]) -> ZeekLogs {
    let (files, walk_problems) = archive::expand(paths);
    let mut logs = ZeekLogs { file_problems: walk_problems, ..ZeekLogs::default() };
    for file in &files {
        reader::read_file(file, &mut logs);
    }
    logs
}

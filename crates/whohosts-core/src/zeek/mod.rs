//! Zeek logs as input: conn.log, dns.log, ssl.log, http.log and quic.log, in Zeek's TSV
//! format or as JSON lines, plain or gzip, single files or a log archive tree, turned into
//! typed records. Format, compression and log kind come from the content, never the name.
//! Reads only; joining records into flows and names is the analysis's job, not this module's.

pub(crate) mod archive;
mod blocks;
pub(crate) mod detect;
mod error;
mod fields;
mod json;
mod lines;
mod reader;
mod records;
mod summary;
mod swar;
mod time;
mod tsv;
mod tsv_conn;

#[cfg(test)]
mod tests;

use std::ops::ControlFlow;
use std::path::PathBuf;

pub use archive::MAX_DEPTH;
pub use detect::Format;
pub use error::{FileError, FileProblem, LineError, LineProblem};
pub use lines::MAX_LINE_BYTES;
pub use reader::{LogSink, MAX_PROBLEMS_PER_FILE};
pub use records::{Answer, Conn, ConnId, ConnLine, DnsAnswer, HttpHost, LogKind, Record, ServerName, Transport};
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

impl LogSink for ZeekLogs {
    fn record(&mut self, record: Record<'_>) {
        match record {
            Record::Conn(c) => self.conns.push(c.into()),
            Record::Dns(d) => self.dns.push(d),
            Record::Ssl(s) => self.ssl.push(s),
            Record::Http(h) => self.http.push(h),
            Record::Quic(q) => self.quic.push(q),
        }
    }
    fn line_problem(&mut self, problem: LineProblem) {
        self.problems.push(problem);
    }
    fn file_problem(&mut self, problem: FileProblem) {
        self.file_problems.push(problem);
    }
    fn file_read(&mut self, file: LogFile) {
        self.files.push(file);
    }
}

/// The files under the paths given (directories walked recursively, in sorted order), with
/// their total size for progress and the paths that could not be walked.
#[derive(Debug, Clone, Default)]
pub struct LogSet {
    pub files: Vec<PathBuf>,
    /// Bytes of all files as stored (compressed for gzip).
    pub total_bytes: u64,
    pub problems: Vec<FileProblem>,
}

impl LogSet {
    pub fn expand(paths: &[PathBuf]) -> LogSet {
        let (files, problems) = archive::expand(paths);
        let total_bytes = files.iter().map(|f| file_size(f)).sum();
        LogSet { files, total_bytes, problems }
    }

    /// The files for which `first` holds, and the others, as two sets (order kept; the walk
    /// problems go with the first).
    pub fn split(self, first: impl Fn(&std::path::Path) -> bool) -> (LogSet, LogSet) {
        let (a, b): (Vec<PathBuf>, Vec<PathBuf>) = self.files.into_iter().partition(|f| first(f));
        let set = |files: Vec<PathBuf>, problems| {
            let total_bytes = files.iter().map(|f| file_size(f)).sum();
            LogSet { files, total_bytes, problems }
        };
        (set(a, self.problems), set(b, Vec::new()))
    }

    /// Reads every file in turn into `sink` (walk problems first), the conn lines of large
    /// TSV files on `parsers` threads when the sink takes them in blocks (see
    /// [`LogSink::takes_conn_blocks`]; 0 or 1: all on this thread). `Break` when the sink
    /// asked to stop; the records handed on before stand.
    pub fn read_into(&self, sink: &mut dyn LogSink, parsers: usize) -> ControlFlow<()> {
        for problem in &self.problems {
            sink.file_problem(problem.clone());
        }
        let mut before = 0;
        for file in &self.files {
            reader::read_file(file, before, sink, parsers)?;
            before += file_size(file);
            sink.progress(before)?;
        }
        ControlFlow::Continue(())
    }
}

fn file_size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Reads every Zeek log in `paths` (files, or directories walked recursively) into memory.
/// Never fails as a whole: what cannot be read is listed in `problems` and `file_problems`.
pub fn read_logs(paths: &[PathBuf]) -> ZeekLogs {
    let mut logs = ZeekLogs::default();
    let _ = LogSet::expand(paths).read_into(&mut logs, 1);
    logs
}

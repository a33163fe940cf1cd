//! Reads one file into `ZeekLogs`: decompresses gzip, sniffs TSV or JSON, and turns each
//! line into a record of its log kind. A bad line becomes a `LineProblem` and reading goes
//! on; a file with too many of them is stopped and named in `file_problems`.

use std::fs::File;
use std::io::{self, BufRead};
use std::path::Path;

use super::detect::{self, Format, Sniffed};
use super::error::{FileError, FileProblem, LineError, LineProblem};
use super::fields::Row;
use super::json::JsonRow;
use super::lines::{self, NextLine, MAX_LINE_BYTES};
use super::records::{self, LogKind};
use super::tsv::TsvHeader;
use super::{LogFile, ZeekLogs};

/// Bad lines after which the rest of a file is not read.
pub const MAX_PROBLEMS_PER_FILE: usize = 1000;

/// Reads `path`, adding its records and problems to `logs`.
pub(crate) fn read_file(path: &Path, logs: &mut ZeekLogs) {
    let skip = |logs: &mut ZeekLogs, error| logs.file_problems.push(FileProblem { path: path.to_owned(), error });
    let io_error = |e: io::Error| FileError::Io { reason: e.to_string() };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return skip(logs, io_error(e)),
    };
    let (mut reader, gzip) = match detect::decompressing(file) {
        Ok(r) => r,
        Err(e) => return skip(logs, io_error(e)),
    };
    let format = match detect::sniff(&mut reader) {
        Ok(Sniffed::Log(format)) => format,
        Ok(Sniffed::Empty) => return skip(logs, FileError::Empty),
        Ok(Sniffed::Unknown(start)) => return skip(logs, FileError::NotZeekLog { start }),
        Err(e) => return skip(logs, io_error(e)),
    };
    let mut file_reader = FileReader { path, logs, format, problems: 0, kinds: Vec::new(), records: 0 };
    let outcome = file_reader.read_lines(&mut reader);
    let FileReader { kinds, records, .. } = file_reader;
    let unknown_kind = match outcome {
        Ok(unknown) => unknown,
        Err(error) => {
            skip(logs, error);
            None
        }
    };
    if let (true, Some(error)) = (kinds.is_empty(), unknown_kind) {
        return skip(logs, error);
    }
    logs.files.push(LogFile { path: path.to_owned(), format, gzip, kinds, records });
}

struct FileReader<'a> {
    path: &'a Path,
    logs: &'a mut ZeekLogs,
    format: Format,
    problems: usize,
    /// Kinds of the records read, in order of first appearance.
    kinds: Vec<LogKind>,
    records: usize,
}

impl FileReader<'_> {
    /// Reads every line. Ok carries why nothing was used when the file held no known log.
    fn read_lines(&mut self, reader: &mut dyn BufRead) -> Result<Option<FileError>, FileError> {
        let mut buf = Vec::new();
        let mut line_no = 0u64;
        let mut tsv = TsvHeader::default();
        let mut json_kind: Option<Option<LogKind>> = None;
        let mut unknown: Option<FileError> = None;
        loop {
            let next = lines::next_line(reader, &mut buf, MAX_LINE_BYTES)
                .map_err(|e| FileError::Io { reason: format!("after line {line_no}: {e}") })?;
            line_no += 1;
            let text = match next {
                NextLine::Eof => return Ok(unknown),
                NextLine::TooLong(len) => {
                    self.problem(line_no, LineError::TooLong { len, limit: MAX_LINE_BYTES })?;
                    continue;
                }
                NextLine::Line => match std::str::from_utf8(&buf) {
                    Ok(t) => t,
                    Err(_) => {
                        self.problem(line_no, LineError::NotUtf8)?;
                        continue;
                    }
                },
            };
            if text.trim().is_empty() {
                continue;
            }
            match self.format {
                Format::Tsv => {
                    if text.starts_with('#') {
                        if let Err(e) = tsv.header_line(text) {
                            self.problem(line_no, e)?;
                        }
                        continue;
                    }
                    let kind = match tsv.path() {
                        Some(p) => LogKind::from_path(p),
                        None if tsv.has_fields() => None,
                        None => {
                            self.problem(line_no, LineError::NoHeader)?;
                            continue;
                        }
                    };
                    let Some(kind) = kind else {
                        let name = tsv.path().unwrap_or("(no #path)").to_owned();
                        unknown.get_or_insert(FileError::UnknownKind { kind: name });
                        continue;
                    };
                    match tsv.row(text) {
                        Ok(row) => self.record(line_no, kind, &row)?,
                        Err(e) => self.problem(line_no, e)?,
                    }
                }
                Format::Json => {
                    let row = match JsonRow::parse(text) {
                        Ok(row) => row,
                        Err(e) => {
                            self.problem(line_no, e)?;
                            continue;
                        }
                    };
                    let kind = match row.path() {
                        Some(p) => LogKind::from_path(p),
                        // A file without `_path` holds one log, told by its first record.
                        None => *json_kind.get_or_insert_with(|| row.kind_from_fields()),
                    };
                    let Some(kind) = kind else {
                        let error = match row.path() {
                            Some(p) => FileError::UnknownKind { kind: p.to_owned() },
                            None => FileError::UnknownJsonKind { keys: row.keys() },
                        };
                        unknown.get_or_insert(error);
                        continue;
                    };
                    self.record(line_no, kind, &row)?;
                }
            }
        }
    }

    fn record(&mut self, line_no: u64, kind: LogKind, row: &dyn Row) -> Result<(), FileError> {
        let logs = &mut *self.logs;
        let added = match kind {
            LogKind::Conn => records::conn(row).map(|c| logs.conns.push(c)).map(|()| true),
            LogKind::Dns => records::dns(row).map(|d| logs.dns.push(d)).map(|()| true),
            LogKind::Ssl => records::server_name(row).map(|s| s.map(|s| logs.ssl.push(s)).is_some()),
            LogKind::Quic => records::server_name(row).map(|s| s.map(|s| logs.quic.push(s)).is_some()),
            LogKind::Http => records::http_host(row).map(|h| h.map(|h| logs.http.push(h)).is_some()),
        };
        match added {
            Ok(_) => {
                self.records += 1;
                if !self.kinds.contains(&kind) {
                    self.kinds.push(kind);
                }
                Ok(())
            }
            Err(e) => self.problem(line_no, e),
        }
    }

    /// Records a bad line; Err once the file has had too many.
    fn problem(&mut self, line: u64, error: LineError) -> Result<(), FileError> {
        self.problems += 1;
        self.logs.problems.push(LineProblem { file: self.path.to_owned(), line, error });
        if self.problems >= MAX_PROBLEMS_PER_FILE {
            return Err(FileError::TooManyProblems { count: self.problems });
        }
        Ok(())
    }
}

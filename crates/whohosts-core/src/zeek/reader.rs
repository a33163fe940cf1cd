//! Reads one file and hands its records to a [`LogSink`]: decompresses gzip, sniffs TSV or
//! JSON, and turns each line into a record of its log kind. A bad line becomes a
//! `LineProblem` and reading goes on; a file with too many of them is stopped and reported
//! as a `FileProblem`. Nothing is kept here: what to keep is the sink's business.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, Read};
use std::ops::ControlFlow;
use std::path::Path;
use std::rc::Rc;

use crate::flows::ConnectionSummary;

use super::blocks;
use super::detect::{self, Format, Sniffed};
use super::error::{FileError, FileProblem, LineError, LineProblem};
use super::fields::Row;
use super::json::JsonRow;
use super::lines::{Lent, LineReader, MAX_LINE_BYTES};
use super::records::{self, LogKind, Record};
use super::tsv::{Spans, TsvHeader};
use super::tsv_conn::read_plain;
use super::LogFile;

/// Bad lines after which the rest of a file is not read.
pub const MAX_PROBLEMS_PER_FILE: usize = 1000;

/// Lines between two [`LogSink::progress`] calls.
const PROGRESS_EVERY_LINES: u64 = 1 << 13;

/// Where the records, problems and progress of a reading go.
pub trait LogSink {
    /// One usable line (ssl/quic/http lines without a name are not handed on).
    fn record(&mut self, record: Record<'_>);
    fn line_problem(&mut self, problem: LineProblem);
    /// A file skipped, or stopped before its end (the records before stay handed on).
    fn file_problem(&mut self, problem: FileProblem);
    /// A file read as a log, once it is done.
    fn file_read(&mut self, file: LogFile);
    /// Called every few thousand lines with the bytes read so far of all files (as stored:
    /// compressed bytes for gzip). `Break` stops the reading.
    fn progress(&mut self, _bytes_read: u64) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
    /// Whether plain conn lines may come as connections, a block at a time
    /// ([`LogSink::conn_block`]) instead of one [`Record`] each: then large conn logs are
    /// read apart on more threads.
    fn takes_conn_blocks(&self) -> bool {
        false
    }
    /// The connections of a block of conn lines, in order (each one a record of the file).
    fn conn_block(&mut self, _conns: Vec<ConnectionSummary>) {}
    /// An empty list for the connections of a block: one used before, when the sink has
    /// it back (fresh memory for every block cost page faults on both sides).
    fn spare_conns(&mut self) -> Vec<ConnectionSummary> {
        Vec::new()
    }
}

/// Counts the bytes taken from the file (before decompression), for progress.
struct Counting<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

/// Reads `path`, handing its records and problems to `sink`. `before` is the bytes of the
/// files read before it, for progress. `parsers` threads read a TSV file's conn lines apart
/// when the sink takes them in blocks (fewer than two: line by line here). `Break` when the
/// sink asked to stop.
pub(crate) fn read_file(path: &Path, before: u64, sink: &mut dyn LogSink, parsers: usize) -> ControlFlow<()> {
    let skip = |sink: &mut dyn LogSink, error| sink.file_problem(FileProblem { path: path.to_owned(), error });
    let io_error = |e: io::Error| FileError::Io { reason: e.to_string() };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            skip(sink, io_error(e));
            return ControlFlow::Continue(());
        }
    };
    let read = Rc::new(Cell::new(0));
    let (mut reader, gzip) = match detect::decompressing(Counting { inner: file, read: Rc::clone(&read) }) {
        Ok(r) => r,
        Err(e) => {
            skip(sink, io_error(e));
            return ControlFlow::Continue(());
        }
    };
    let format = match detect::sniff(&mut reader) {
        Ok(Sniffed::Log(format)) => Ok(format),
        Ok(Sniffed::Empty) => Err(FileError::Empty),
        Ok(Sniffed::Unknown(start)) => Err(FileError::NotZeekLog { start }),
        Err(e) => Err(io_error(e)),
    };
    let format = match format {
        Ok(format) => format,
        Err(error) => {
            skip(sink, error);
            return ControlFlow::Continue(());
        }
    };
    let in_blocks = format == Format::Tsv && parsers > 1 && sink.takes_conn_blocks();
    let mut file_reader =
        FileReader { path, sink, format, problems: 0, kinds: Vec::new(), records: 0, read, before, stopped: false };
    let outcome = file_reader.read_lines(&mut reader, if in_blocks { parsers } else { 1 });
    let FileReader { kinds, records, stopped, sink, .. } = file_reader;
    if stopped {
        return ControlFlow::Break(());
    }
    let unknown_kind = match outcome {
        Ok(unknown) => unknown,
        Err(error) => {
            skip(sink, error);
            None
        }
    };
    if let (true, Some(error)) = (kinds.is_empty(), unknown_kind) {
        skip(sink, error);
        return ControlFlow::Continue(());
    }
    sink.file_read(LogFile { path: path.to_owned(), format, gzip, kinds, records });
    ControlFlow::Continue(())
}

pub(super) struct FileReader<'a> {
    path: &'a Path,
    sink: &'a mut dyn LogSink,
    format: Format,
    problems: usize,
    /// Kinds of the records read, in order of first appearance.
    kinds: Vec<LogKind>,
    records: usize,
    /// Bytes taken from this file so far, and from the files before it.
    read: Rc<Cell<u64>>,
    before: u64,
    /// The sink asked to stop.
    stopped: bool,
}

/// Where the reading of a file stands, from one line to the next.
#[derive(Default)]
pub(super) struct LineState {
    /// The number of the last line read (1-based).
    line_no: u64,
    tsv: TsvHeader,
    /// A JSON file without `_path`: the kind told by its first record.
    json_kind: Option<Option<LogKind>>,
    /// Why nothing was used, when the file holds no known log.
    unknown: Option<FileError>,
    spans: Spans,
}

impl LineState {
    pub(super) fn tsv(&self) -> &TsvHeader {
        &self.tsv
    }

    /// Whether the lines that follow are conn lines under a header that reads them the
    /// fast way ([`TsvHeader::conn_columns`]).
    pub(super) fn reads_plain_conn_lines(&self) -> bool {
        self.tsv.path().and_then(LogKind::from_path) == Some(LogKind::Conn) && self.tsv.conn_columns().is_some()
    }
}

/// Why the line loop ended early.
pub(super) enum Stop {
    /// The file has a problem; the lines before it stand.
    File(FileError),
    /// The sink asked to stop.
    Asked,
}

impl From<FileError> for Stop {
    fn from(e: FileError) -> Self {
        Stop::File(e)
    }
}

impl FileReader<'_> {
    /// Reads every line. Ok carries why nothing was used when the file held no known log.
    fn read_lines(&mut self, reader: &mut dyn BufRead, parsers: usize) -> Result<Option<FileError>, FileError> {
        let mut at = LineState::default();
        let outcome =
            if parsers > 1 { blocks::read(self, &mut at, reader, parsers) } else { self.lines(&mut at, reader) };
        match outcome {
            Ok(()) => Ok(at.unknown),
            Err(Stop::File(e)) => Err(e),
            Err(Stop::Asked) => {
                self.stopped = true;
                Ok(None)
            }
        }
    }

    /// Reads the lines of `reader` one by one, going on from where the reading stands.
    pub(super) fn lines(&mut self, at: &mut LineState, reader: &mut dyn BufRead) -> Result<(), Stop> {
        let mut lines = LineReader::new(reader, MAX_LINE_BYTES);
        loop {
            let next = lines.next().map_err(|e| FileError::Io { reason: format!("after line {}: {e}", at.line_no) })?;
            if next == Lent::Eof {
                return Ok(());
            }
            self.line(at, next)?;
        }
    }

    fn line(&mut self, at: &mut LineState, next: Lent<'_>) -> Result<(), Stop> {
        at.line_no += 1;
        let line_no = at.line_no;
        if line_no % PROGRESS_EVERY_LINES == 0 {
            self.progress()?;
        }
        let text = match next {
            Lent::Eof => return Ok(()),
            Lent::TooLong(len) => return Ok(self.problem(line_no, LineError::TooLong { len, limit: MAX_LINE_BYTES })?),
            Lent::Line(line) => match std::str::from_utf8(line) {
                Ok(t) => t,
                Err(_) => return Ok(self.problem(line_no, LineError::NotUtf8)?),
            },
        };
        if text.trim().is_empty() {
            return Ok(());
        }
        match self.format {
            Format::Tsv => {
                let tsv = &mut at.tsv;
                if text.starts_with('#') {
                    if let Err(e) = tsv.header_line(text) {
                        self.problem(line_no, e)?;
                    }
                    return Ok(());
                }
                let kind = match tsv.path() {
                    Some(p) => LogKind::from_path(p),
                    None if tsv.has_fields() => None,
                    None => return Ok(self.problem(line_no, LineError::NoHeader)?),
                };
                let Some(kind) = kind else {
                    let name = tsv.path().unwrap_or("(no #path)").to_owned();
                    at.unknown.get_or_insert(FileError::UnknownKind { kind: name });
                    return Ok(());
                };
                let plain_conn = if kind == LogKind::Conn { read_plain(tsv, text, &mut at.spans) } else { None };
                if let Some(conn) = plain_conn {
                    self.take(kind, Record::Conn(conn));
                    return Ok(());
                }
                match tsv.row(text, &mut at.spans) {
                    Ok(row) => self.record(line_no, kind, &row)?,
                    Err(e) => self.problem(line_no, e)?,
                }
            }
            Format::Json => {
                let row = match JsonRow::parse(text) {
                    Ok(row) => row,
                    Err(e) => return Ok(self.problem(line_no, e)?),
                };
                let kind = match row.path() {
                    Some(p) => LogKind::from_path(p),
                    // A file without `_path` holds one log, told by its first record.
                    None => *at.json_kind.get_or_insert_with(|| row.kind_from_fields()),
                };
                let Some(kind) = kind else {
                    let error = match row.path() {
                        Some(p) => FileError::UnknownKind { kind: p.to_owned() },
                        None => FileError::UnknownJsonKind { keys: row.keys() },
                    };
                    at.unknown.get_or_insert(error);
                    return Ok(());
                };
                self.record(line_no, kind, &row)?;
            }
        }
        Ok(())
    }

    /// Hands on the connections of `lines` lines (plain conn lines, or blank) read apart.
    pub(super) fn take_conn_block(
        &mut self,
        at: &mut LineState,
        conns: Vec<ConnectionSummary>,
        lines: u64,
    ) -> Result<(), Stop> {
        let before = at.line_no;
        at.line_no += lines;
        if !conns.is_empty() {
            self.records += conns.len();
            self.saw(LogKind::Conn);
            self.sink.conn_block(conns);
        }
        if at.line_no / PROGRESS_EVERY_LINES != before / PROGRESS_EVERY_LINES {
            self.progress()?;
        }
        Ok(())
    }

    pub(super) fn spare_conns(&mut self) -> Vec<ConnectionSummary> {
        self.sink.spare_conns()
    }

    /// Tells the sink how far the reading is; `Stop::Asked` when it asks to stop.
    fn progress(&mut self) -> Result<(), Stop> {
        match self.sink.progress(self.before + self.read.get()) {
            ControlFlow::Break(()) => Err(Stop::Asked),
            ControlFlow::Continue(()) => Ok(()),
        }
    }

    fn record(&mut self, line_no: u64, kind: LogKind, row: &dyn Row) -> Result<(), FileError> {
        match records::record(kind, row) {
            Ok(Some(record)) => {
                self.take(kind, record);
                Ok(())
            }
            Ok(None) => {
                self.saw(kind);
                Ok(())
            }
            Err(e) => self.problem(line_no, e),
        }
    }

    /// Hands on a line's record.
    fn take(&mut self, kind: LogKind, record: Record<'_>) {
        self.sink.record(record);
        self.records += 1;
        self.saw(kind);
    }

    fn saw(&mut self, kind: LogKind) {
        if !self.kinds.contains(&kind) {
            self.kinds.push(kind);
        }
    }

    /// Hands on a bad line; Err once the file has had too many.
    fn problem(&mut self, line: u64, error: LineError) -> Result<(), FileError> {
        self.problems += 1;
        self.sink.line_problem(LineProblem { file: self.path.to_owned(), line, error });
        if self.problems >= MAX_PROBLEMS_PER_FILE {
            return Err(FileError::TooManyProblems { count: self.problems });
        }
        Ok(())
    }
}

//! A large TSV conn log read apart on more threads: the file is cut into blocks of whole
//! lines; blocks of plain conn lines are turned into connections by parser threads, and
//! everything else (header lines, bad or unusual lines, other logs) is read line by line
//! here, in file order, so that the records, problems and line numbers are those of reading
//! the file line by line. One thread turning lines into connections was the pace of the
//! whole reading, with cores left idle.

use std::io::{self, BufRead, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::{Scope, ScopedJoinHandle};

use crate::flows::ConnectionSummary;

use super::error::FileError;
use super::lines::MAX_LINE_BYTES;
use super::reader::{FileReader, LineState, Stop};
use super::tsv::{Spans, TsvHeader};
use super::tsv_conn::read_plain;

/// About this many bytes of lines to a block (a few thousand conn lines).
const BLOCK_BYTES: usize = 1 << 19;

/// Blocks handed to each parser and not yet taken back, at most.
const AHEAD_PER_PARSER: usize = 2;

/// A block for a parser: lines under `header`, which reads conn lines the fast way.
struct Job {
    header: Arc<TsvHeader>,
    text: Vec<u8>,
    /// An empty list to fill.
    conns: Vec<ConnectionSummary>,
}

/// A block back from a parser: its connections and line count, or `None` when some line
/// was not a plain conn line.
struct Parsed {
    text: Vec<u8>,
    conns: Vec<ConnectionSummary>,
    lines: Option<u64>,
}

/// One parser thread's way in and out.
struct Lane<'scope> {
    jobs: SyncSender<Job>,
    parsed: Receiver<Parsed>,
    handle: ScopedJoinHandle<'scope, ()>,
}

/// Reads `input` with up to `parsers` parser threads (started when a block is first handed
/// to them: a small file is one block, read here), going on from where `at` stands.
pub(super) fn read(
    reader: &mut FileReader<'_>,
    at: &mut LineState,
    input: &mut dyn BufRead,
    parsers: usize,
) -> Result<(), Stop> {
    std::thread::scope(|scope| {
        let mut blocks = Blocks { scope, parsers, lanes: Vec::new(), sent: 0, taken: 0, spare: Vec::new() };
        let outcome = blocks.run(reader, at, input);
        blocks.stop_parsers();
        outcome
    })
}

struct Blocks<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    parsers: usize,
    lanes: Vec<Lane<'scope>>,
    /// Blocks handed to the parsers, and taken back, so far: block `n` goes to lane
    /// `n % lanes.len()`, so taking them back in turn keeps the file's order.
    sent: usize,
    taken: usize,
    /// Block buffers to use again.
    spare: Vec<Vec<u8>>,
}

/// Starts a parser thread.
fn start_parser<'scope>(scope: &'scope Scope<'scope, '_>) -> Option<Lane<'scope>> {
    let (jobs, job_rx) = sync_channel::<Job>(AHEAD_PER_PARSER);
    let (parsed_tx, parsed) = sync_channel::<Parsed>(AHEAD_PER_PARSER);
    let spawned = std::thread::Builder::new().name("whohosts-zeek-parse".into()).spawn_scoped(scope, move || {
        for Job { header, text, mut conns } in job_rx {
            let lines = parse(&header, &text, &mut conns);
            if parsed_tx.send(Parsed { text, conns, lines }).is_err() {
                return;
            }
        }
    });
    spawned.ok().map(|handle| Lane { jobs, parsed, handle })
}

impl Blocks<'_, '_> {
    /// Closes the parsers' channels and waits for them to end: joined, not left to the
    /// scope, which waits for the closures but not for the threads' own exit (see the
    /// reader threads in `ingest/zeek_reading.rs`).
    fn stop_parsers(self) {
        let handles: Vec<_> = self.lanes.into_iter().map(|lane| lane.handle).collect();
        for handle in handles {
            let _ = handle.join();
        }
    }

    fn run(&mut self, reader: &mut FileReader<'_>, at: &mut LineState, input: &mut dyn BufRead) -> Result<(), Stop> {
        // The header the parsers read with, while it is the one in force.
        let mut shared: Option<Arc<TsvHeader>> = None;
        loop {
            let mut text = self.spare.pop().unwrap_or_default();
            match next_block(input, &mut text) {
                Ok(Framed::End) => return self.take_all(reader, at),
                Ok(Framed::Block) => {}
                // A line too long for a block, or a read error: the rest is read line by
                // line, which skips the line or reports the error where it is met.
                Ok(Framed::LineTooLong) | Err(_) => {
                    self.take_all(reader, at)?;
                    return reader.lines(at, &mut (&text[..]).chain(input));
                }
            }
            let for_parsers = !has_header_line(&text) && at.reads_plain_conn_lines();
            if for_parsers && self.lanes.is_empty() {
                self.lanes = (0..self.parsers).map_while(|_| start_parser(self.scope)).collect();
            }
            if !for_parsers || self.lanes.is_empty() {
                // Read here, after the blocks before it (header lines change how the lines
                // after them are read).
                self.take_all(reader, at)?;
                reader.lines(at, &mut &text[..])?;
                shared = None;
                self.spare.push(text);
                continue;
            }
            let header = shared.get_or_insert_with(|| Arc::new(at.tsv().clone()));
            while self.sent - self.taken >= AHEAD_PER_PARSER * self.lanes.len() {
                self.take_one(reader, at)?;
            }
            let lane = self.lanes.get(self.sent % self.lanes.len()).ok_or_else(parser_stopped)?;
            let job = Job { header: Arc::clone(header), text, conns: reader.spare_conns() };
            lane.jobs.send(job).map_err(|_| parser_stopped())?;
            self.sent += 1;
        }
    }

    /// Takes back the next block in file order.
    fn take_one(&mut self, reader: &mut FileReader<'_>, at: &mut LineState) -> Result<(), Stop> {
        let lane = self.lanes.get(self.taken % self.lanes.len()).ok_or_else(parser_stopped)?;
        let Parsed { text, conns, lines } = lane.parsed.recv().map_err(|_| parser_stopped())?;
        self.taken += 1;
        match lines {
            Some(lines) => reader.take_conn_block(at, conns, lines)?,
            None => reader.lines(at, &mut &text[..])?,
        }
        self.spare.push(text);
        Ok(())
    }

    fn take_all(&mut self, reader: &mut FileReader<'_>, at: &mut LineState) -> Result<(), Stop> {
        while self.taken < self.sent {
            self.take_one(reader, at)?;
        }
        Ok(())
    }
}

fn parser_stopped() -> Stop {
    Stop::File(FileError::Io { reason: "a parser thread stopped".into() })
}

enum Framed {
    /// `text` holds whole lines (the last one may lack its newline at the end of the file).
    Block,
    End,
    /// No line ends within the longest line kept: `text` holds what was read.
    LineTooLong,
}

/// Reads whole lines into `text` (cleared first) until it holds about [`BLOCK_BYTES`].
fn next_block(input: &mut dyn BufRead, text: &mut Vec<u8>) -> io::Result<Framed> {
    text.clear();
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(if text.is_empty() { Framed::End } else { Framed::Block });
        }
        let len = chunk.len();
        if text.len() + len >= BLOCK_BYTES {
            if let Some(end) = memchr::memrchr(b'\n', chunk) {
                text.extend_from_slice(chunk.get(..=end).unwrap_or_default());
                input.consume(end + 1);
                return Ok(Framed::Block);
            }
        }
        text.extend_from_slice(chunk);
        input.consume(len);
        if text.len() > BLOCK_BYTES + MAX_LINE_BYTES {
            return Ok(Framed::LineTooLong);
        }
    }
}

/// Whether a line of `text` starts with `#`.
fn has_header_line(text: &[u8]) -> bool {
    memchr::memchr_iter(b'#', text).any(|at| at == 0 || text.get(at - 1) == Some(&b'\n'))
}

/// The connections of the block's lines under `header` when every line is a plain conn
/// line or blank, and the number of lines; `None` as soon as one is not (the block is then
/// read line by line, which reports or reads it the general way).
fn parse(header: &TsvHeader, text: &[u8], conns: &mut Vec<ConnectionSummary>) -> Option<u64> {
    let mut spans = Spans::new();
    let mut lines = 0;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text).chain(std::iter::once(text.len())) {
        if end == start && end == text.len() {
            break;
        }
        let raw = text.get(start..end)?;
        start = end + 1;
        if raw.len() > MAX_LINE_BYTES {
            return None;
        }
        lines += 1;
        let line = std::str::from_utf8(raw.strip_suffix(b"\r").unwrap_or(raw)).ok()?;
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with('#') {
            return None;
        }
        conns.push(read_plain(header, line, &mut spans)?.summary());
    }
    Some(lines)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::ops::ControlFlow;

    use super::super::reader::{read_file, LogSink, MAX_PROBLEMS_PER_FILE};
    use super::super::{FileProblem, LineProblem, LogFile, Record};
    use super::*;

    /// Everything a reading hands on, in order, as text.
    #[derive(Default)]
    struct Recorder {
        blocks: bool,
        block_calls: usize,
        events: Vec<String>,
    }

    impl LogSink for Recorder {
        fn record(&mut self, record: Record<'_>) {
            match record {
                Record::Conn(c) => self.events.push(format!("{:?}", c.summary())),
                other => self.events.push(format!("{other:?}")),
            }
        }
        fn line_problem(&mut self, problem: LineProblem) {
            self.events.push(format!("problem {problem}"));
        }
        fn file_problem(&mut self, problem: FileProblem) {
            self.events.push(format!("file problem {problem}"));
        }
        fn file_read(&mut self, file: LogFile) {
            self.events.push(format!("read {file:?}"));
        }
        fn takes_conn_blocks(&self) -> bool {
            self.blocks
        }
        fn conn_block(&mut self, conns: Vec<ConnectionSummary>) {
            self.block_calls += 1;
            self.events.extend(conns.iter().map(|c| format!("{c:?}")));
        }
    }

    const SAMPLE: &str = include_str!("../../../../samples/zeek/icloud/conn.log");

    /// A conn log of many blocks: the sample's lines over and over, with bad and unusual
    /// lines, a header block and a dns block in the middle, and `extra` lines mixed in.
    fn big_log(lines: usize, unusual: &[(usize, &[u8])]) -> Vec<u8> {
        let header: Vec<&str> = SAMPLE.lines().filter(|l| l.starts_with('#')).collect();
        let data: Vec<&str> = SAMPLE.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
        let mut out = Vec::new();
        for h in &header {
            writeln!(out, "{h}").unwrap();
        }
        for n in 0..lines {
            if let Some((_, line)) = unusual.iter().find(|(at, _)| *at == n) {
                out.extend_from_slice(line);
                out.push(b'\n');
            }
            let line = data[n % data.len()];
            // Distinct connections: the originator port counts up.
            let mut columns: Vec<String> = line.split('\t').map(str::to_owned).collect();
            columns[3] = (1024 + n % 60000).to_string();
            writeln!(out, "{}", columns.join("\t")).unwrap();
        }
        out
    }

    fn read_both_ways(bytes: &[u8], name: &str) -> (Recorder, Recorder) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut by_line = Recorder::default();
        assert_eq!(read_file(&path, 0, &mut by_line, 1), ControlFlow::Continue(()));
        let mut in_blocks = Recorder { blocks: true, ..Recorder::default() };
        assert_eq!(read_file(&path, 0, &mut in_blocks, 3), ControlFlow::Continue(()));
        (by_line, in_blocks)
    }

    fn assert_same(by_line: &Recorder, in_blocks: &Recorder) {
        assert_eq!(by_line.events.len(), in_blocks.events.len());
        for (n, (a, b)) in by_line.events.iter().zip(&in_blocks.events).enumerate() {
            assert_eq!(a, b, "event {n}");
        }
        assert!(in_blocks.block_calls > 5, "blocks read by parsers: {}", in_blocks.block_calls);
    }

    #[test]
    fn blocks_read_as_lines_do() {
        let header: Vec<String> = SAMPLE.lines().filter(|l| l.starts_with('#')).map(str::to_owned).collect();
        let dns = include_str!("../../../../samples/zeek/icloud/dns.log");
        let dns_block: String = dns.lines().take(12).map(|l| format!("{l}\n")).collect::<String>() + &header.join("\n");
        let header_again = header.join("\n");
        let too_long = vec![b'x'; MAX_LINE_BYTES + 10];
        let unusual: Vec<(usize, &[u8])> = vec![
            (10, b"1749488400.0\tCbad\tnot-an-address\t1\t2.2.2.2\t443\ttcp"),
            (8_000, b""),
            (8_001, b"   "),
            (16_000, header_again.as_bytes()),
            (24_000, b"1749488400.000000\tC\\x41\t1.1.1.1\t1\t2.2.2.2\t443\ttcp\tssl\t1.0\t1\t1\tSF\t-\t-\t0\tShAF\t1\t60\t1\t60\t-\t6"),
            (28_000, &[0xff, 0xfe, b'\t', b'x']),
            (36_000, dns_block.as_bytes()),
            (50_000, &too_long),
            (55_000, b"1749488400.0\tCshort"),
        ];
        let mut log = big_log(60_000, &unusual);
        // Windows line ends on a stretch of lines.
        let crlf: Vec<u8> =
            log[..200_000].iter().flat_map(|&b| if b == b'\n' { vec![b'\r', b'\n'] } else { vec![b] }).collect();
        log.splice(..200_000, crlf);
        let (by_line, in_blocks) = read_both_ways(&log, "conn.log");
        let problems: Vec<&String> = by_line.events.iter().filter(|e| e.starts_with("problem")).collect();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(by_line.events.iter().any(|e| e.starts_with("Dns")));
        assert_same(&by_line, &in_blocks);

        // Without a last line end, and gzipped.
        log.pop();
        let (by_line, in_blocks) = read_both_ways(&log, "conn.log");
        assert_same(&by_line, &in_blocks);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&log).unwrap();
        let (by_line, in_blocks) = read_both_ways(&gz.finish().unwrap(), "conn.log.gz");
        assert_same(&by_line, &in_blocks);
    }

    #[test]
    fn a_file_stops_at_the_same_bad_line_in_blocks() {
        // Most bad lines early, the last few after blocks of plain lines.
        let bad: &[u8] = b"1749488400.0\tCbad\tnot-an-address";
        let early = (0..MAX_PROBLEMS_PER_FILE - 3).map(|n| 3 + n * 2);
        let unusual: Vec<(usize, &[u8])> = early.chain((0..10).map(|n| 30_000 + n * 100)).map(|at| (at, bad)).collect();
        let (by_line, in_blocks) = read_both_ways(&big_log(40_000, &unusual), "conn.log");
        assert!(by_line.events.iter().any(|e| e.contains("stopped after 1000 bad lines")));
        assert_same(&by_line, &in_blocks);
    }

    #[test]
    fn header_lines_are_found_at_line_starts_only() {
        assert!(has_header_line(b"#fields\tts"));
        assert!(has_header_line(b"1\t2\n#close\n"));
        assert!(!has_header_line(b"1\t#2\n 3#\n"));
    }
}

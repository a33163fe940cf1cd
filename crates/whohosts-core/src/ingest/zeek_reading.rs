//! Reads Zeek logs on two more threads (conn-named files, and the others): they parse lines
//! and send the connections, in batches, to this thread, which counts them into the analysis
//! as they come (reading and counting overlap, and nothing per line is kept). Name-bearing
//! lines, problems and file counts are gathered by the readers and handed over once done;
//! the reader of the other files also learns its names, while the conn lines are still read.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use crate::analysis::Analysis;
use crate::flows::ConnectionSummary;
use crate::ingest::zeek_name_logs::NameLogs;
use crate::ingest::zeek_names::learn_names;
use crate::ingest::zeek_timeline::TimelineThread;
use crate::ingest::{Finish, Progress};
use crate::names::NameBook;
use crate::zeek::{FileProblem, LineProblem, LogFile, LogSet, LogSink, Record};

/// Line problems kept to be listed one by one; the rest are counted.
pub(crate) const LISTED_PROBLEMS: usize = 20;

/// Connections per batch sent from the reader.
const BATCH: usize = 4096;

/// The analysis is shown to `on_progress` at most this often (its timeline is then called
/// back from the timeline thread).
const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// Threads turning a conn log's lines into connections, at most.
const MAX_PARSERS: usize = 4;

/// What the reader gathered besides the connections.
#[derive(Default)]
pub(crate) struct Gathered {
    pub names: NameLogs,
    /// `names` learned already, when they are all the names there are.
    pub learned: Option<NameBook>,
    pub conns: u64,
    /// A connection started before one read earlier (Zeek writes a connection when it ends).
    pub out_of_order: bool,
    pub listed_problems: Vec<LineProblem>,
    pub problems: usize,
    pub file_problems: Vec<FileProblem>,
    pub files: usize,
}

enum Message {
    Conns(Vec<ConnectionSummary>),
    /// More bytes were read (the counts are in [`BytesRead`]).
    Progress,
    Done(Box<Gathered>),
}

/// Bytes read so far by each reader thread, for progress.
type BytesRead = [AtomicU64; 2];

/// The reader threads' slots: the files named like conn logs, and the others (whose reader
/// also learns their names as soon as it has read them).
const CONN_FILES: usize = 0;
const OTHER_FILES: usize = 1;

/// Reads `set` on two more threads into `analysis`: one reads the files named like conn
/// logs, the other the rest (the name logs, usually), at the same time; this thread counts
/// the connections, those of the conn-named files first, then any the others hold, so the
/// order is the same at every run whatever the threads' pace. (Read one after the other, the
/// name logs left this thread idle.) A file's kind still comes from its content: the name
/// only picks its thread. `on_progress` runs on this thread with the connections counted so
/// far; `Break` stops the reading, and the connections counted before stay.
pub(crate) fn read_logs_pipelined(
    set: LogSet,
    analysis: &mut Analysis,
    mut on_progress: impl FnMut(&Progress, &mut Analysis) -> ControlFlow<()>,
) -> (Gathered, Finish) {
    let total = set.total_bytes;
    // Problems are listed in the order of the files, whichever thread met them.
    let file_order: HashMap<PathBuf, usize> = set.files.iter().enumerate().map(|(i, f)| (f.clone(), i + 1)).collect();
    let (conn_files, other_files) = set.split(named_like_conn_log);
    let collect_names = analysis.learns_names();
    // The conn lines of a large file are turned into connections on this many threads.
    let parsers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_PARSERS);
    let stop = AtomicBool::new(false);
    let bytes_read: BytesRead = [AtomicU64::new(0), AtomicU64::new(0)];
    std::thread::scope(|scope| {
        let start = |slot: usize, files: LogSet, name: &str| {
            let (tx, rx) = sync_channel::<Message>(4);
            let (spare_tx, spare_rx) = channel::<Vec<ConnectionSummary>>();
            let (stop, bytes_read) = (&stop, &bytes_read[slot]);
            let reader = std::thread::Builder::new().name(name.into()).spawn_scoped(scope, move || {
                if slot == OTHER_FILES {
                    // Its names are needed only at the end.
                    run_in_background();
                }
                let mut sink = BatchingSink {
                    gathered: Gathered::default(),
                    batch: Vec::new(),
                    collect_names,
                    tx,
                    spare: spare_rx,
                    stop,
                    bytes_read,
                };
                let outcome = files.read_into(&mut sink, if slot == CONN_FILES { parsers } else { 1 });
                sink.flush();
                if slot == OTHER_FILES && collect_names {
                    // Ahead of time: the conn lines take longer to read, and a set's
                    // name logs are usually all among these files (if not, this book is
                    // dropped and every name learned again at the end, in time order).
                    let mut book = NameBook::new();
                    learn_names(&mut book, &sink.gathered.names);
                    sink.gathered.learned = Some(book);
                }
                let _ = sink.tx.send(Message::Done(Box::new(sink.gathered)));
                outcome
            });
            // Without a thread nothing is read (reported as no connections).
            reader.ok().map(|handle| (rx, spare_tx, handle))
        };
        let conn_reader = start(CONN_FILES, conn_files, "whohosts-zeek-conns");
        let other_reader = start(OTHER_FILES, other_files, "whohosts-zeek-other");
        let timeline = match TimelineThread::start(scope, analysis.take_timeline()) {
            Ok(thread) => Some(thread),
            Err(timeline) => {
                analysis.put_timeline(timeline);
                None
            }
        };
        let mut counting = Counting { analysis, timeline, counted: 0, latest_start: i64::MIN, out_of_order: false };
        let mut last_report: Option<Instant> = None;
        let mut report_progress = |counting: &mut Counting<'_, '_>| {
            if stop.load(Ordering::Relaxed) || last_report.is_some_and(|at| at.elapsed() < PROGRESS_INTERVAL) {
                return;
            }
            last_report = Some(Instant::now());
            let position = bytes_read.iter().map(|b| b.load(Ordering::Relaxed)).sum();
            let progress = Progress { frames: counting.counted, position, size: Some(total), live: None };
            if counting.looked_at(|analysis| on_progress(&progress, analysis)).is_break() {
                stop.store(true, Ordering::Relaxed);
            }
        };
        let mut from_conn_files = None;
        let mut from_other_files = None;
        for (reader, gathered) in [(conn_reader, &mut from_conn_files), (other_reader, &mut from_other_files)] {
            let Some((rx, spare_tx, handle)) = reader else { continue };
            while let Ok(message) = rx.recv() {
                match message {
                    Message::Conns(mut batch) => {
                        if !stop.load(Ordering::Relaxed) {
                            counting.count(&batch);
                        }
                        batch.clear();
                        let _ = spare_tx.send(batch);
                    }
                    Message::Progress => report_progress(&mut counting),
                    Message::Done(g) => {
                        *gathered = Some(*g);
                        break;
                    }
                }
            }
            // Joined, not left to the scope: the scope only waits for the closure, and the
            // thread's own exit (its thread-local destructors) could still be under way when
            // this returns (LeakSanitizer saw it once in 19,000 fuzz runs).
            let _ = handle.join();
        }
        counting.finish_timeline();
        let finish = if stop.load(Ordering::Relaxed) { Finish::Cancelled } else { Finish::EndOfInput };
        // A fixed order for names (learned by time, ties in this order).
        let mut gathered = from_other_files.unwrap_or_default();
        let from_conn_files = from_conn_files.unwrap_or_default();
        if !from_conn_files.names.is_empty() {
            gathered.learned = None;
        }
        gathered.take(from_conn_files);
        // Walk problems (of no file read) first, then file by file.
        let place = |path: &Path| file_order.get(path).copied().unwrap_or(0);
        gathered.listed_problems.sort_by_key(|p| (place(&p.file), p.line));
        gathered.listed_problems.truncate(LISTED_PROBLEMS);
        gathered.file_problems.sort_by_key(|p| place(&p.path));
        gathered.conns = counting.counted;
        gathered.out_of_order = counting.out_of_order;
        (gathered, finish)
    })
}

/// Lowers the calling thread's priority, so that the threads the reading waits for (conn
/// lines read, parsed, counted) run first and this one fills the gaps: given the same
/// share of the two cores, the name logs' reader slowed the conn.log pipeline at the start
/// (3% of the time on the benchmark).
#[cfg(target_os = "linux")]
fn run_in_background() {
    // SAFETY: setpriority changes the scheduling weight of the calling thread (on Linux,
    // PRIO_PROCESS with `who` 0 is the calling thread, not the process) and touches no
    // memory. Raising one's own nice value needs no privilege; if it fails, nothing changed.
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
}

#[cfg(not(target_os = "linux"))]
fn run_in_background() {}

/// A file whose name starts with "conn" (`conn.log`, an archive's
/// `conn.17:00:00-18:00:00.log.gz`).
fn named_like_conn_log(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("conn"))
}

/// The counting thread's side: connections into the analysis, in the order received.
struct Counting<'a, 'scope> {
    analysis: &'a mut Analysis,
    /// Where the analysis's timeline is meanwhile (`None`: it stays in the analysis).
    timeline: Option<TimelineThread<'scope>>,
    counted: u64,
    latest_start: i64,
    out_of_order: bool,
}

impl Counting<'_, '_> {
    fn count(&mut self, batch: &[ConnectionSummary]) {
        for c in batch {
            self.out_of_order |= c.start_ns < self.latest_start;
            self.latest_start = self.latest_start.max(c.start_ns);
        }
        match &self.timeline {
            Some(timeline) => {
                let mut spreads = timeline.batch();
                self.analysis.count_connections(batch, &mut spreads);
                timeline.add(spreads);
            }
            None => self.analysis.add_connections(batch),
        }
        self.counted += batch.len() as u64;
    }

    /// Calls `look` with the analysis, its timeline lent back for the while.
    fn looked_at<T>(&mut self, look: impl FnOnce(&mut Analysis) -> T) -> T {
        let lent = self.timeline.as_ref().and_then(TimelineThread::lend);
        if let Some(timeline) = lent {
            self.analysis.put_timeline(timeline);
        }
        let seen = look(self.analysis);
        if let Some(thread) = &self.timeline {
            thread.give_back(self.analysis.take_timeline());
        }
        seen
    }

    /// Puts the timeline back in the analysis, every connection counted spread.
    fn finish_timeline(&mut self) {
        if let Some(timeline) = self.timeline.take().and_then(TimelineThread::finish) {
            self.analysis.put_timeline(timeline);
        }
    }
}

impl Gathered {
    /// Adds what another reading gathered after this one's (problems to be put in order).
    fn take(&mut self, later: Gathered) {
        self.names.append(later.names);
        // Each reading listed its first problems: the first of both are among them.
        self.listed_problems.extend(later.listed_problems);
        self.problems += later.problems;
        self.file_problems.extend(later.file_problems);
        self.files += later.files;
    }
}

/// A reader thread's sink: connections into batches, the rest gathered.
struct BatchingSink<'a> {
    gathered: Gathered,
    batch: Vec<ConnectionSummary>,
    /// Off with `--no-names`: name-bearing lines are then dropped as read.
    collect_names: bool,
    tx: SyncSender<Message>,
    spare: Receiver<Vec<ConnectionSummary>>,
    stop: &'a AtomicBool,
    bytes_read: &'a AtomicU64,
}

impl BatchingSink<'_> {
    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let next = self.spare.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH));
        let full = std::mem::replace(&mut self.batch, next);
        if self.tx.send(Message::Conns(full)).is_err() {
            self.stop.store(true, Ordering::Relaxed);
        }
    }
}

impl LogSink for BatchingSink<'_> {
    fn record(&mut self, record: Record<'_>) {
        let names = &mut self.gathered.names;
        match record {
            Record::Conn(c) => {
                if self.batch.capacity() == 0 {
                    self.batch.reserve(BATCH);
                }
                self.batch.push(c.summary());
                if self.batch.len() >= BATCH {
                    self.flush();
                }
            }
            _ if !self.collect_names => {}
            Record::Dns(d) => names.push_dns(&d),
            Record::Ssl(s) => names.push_ssl(&s),
            Record::Http(h) => names.push_http(&h),
            Record::Quic(q) => names.push_quic(&q),
        }
    }

    fn line_problem(&mut self, problem: LineProblem) {
        self.gathered.problems += 1;
        if self.gathered.listed_problems.len() < LISTED_PROBLEMS {
            self.gathered.listed_problems.push(problem);
        }
    }

    fn file_problem(&mut self, problem: FileProblem) {
        self.gathered.file_problems.push(problem);
    }

    fn file_read(&mut self, _file: LogFile) {
        self.gathered.files += 1;
    }

    fn takes_conn_blocks(&self) -> bool {
        true
    }

    fn conn_block(&mut self, conns: Vec<ConnectionSummary>) {
        self.flush();
        if self.tx.send(Message::Conns(conns)).is_err() {
            self.stop.store(true, Ordering::Relaxed);
        }
    }

    fn spare_conns(&mut self) -> Vec<ConnectionSummary> {
        self.spare.try_recv().unwrap_or_default()
    }

    fn progress(&mut self, bytes_read: u64) -> ControlFlow<()> {
        self.flush();
        self.bytes_read.store(bytes_read, Ordering::Relaxed);
        // Dropped when the counting thread is behind (it is busy with the other reader's
        // connections, or has batches of this one's to count first): not worth waiting for.
        let gone = matches!(self.tx.try_send(Message::Progress), Err(TrySendError::Disconnected(_)));
        if self.stop.load(Ordering::Relaxed) || gone {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

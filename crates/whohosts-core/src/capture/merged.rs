//! Several capture files read as one, in time order, as `mergecap` would merge them. Each
//! file's first timestamp is probed up front; a file is opened only once the merge reaches
//! that time, so rotated captures (one after another) hold one or two files open at a time
//! while overlapping ones are merged frame by frame. A file that cannot be read is reported
//! on the problems channel and skipped; the others are kept.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

use super::{CaptureError, FileSource, Frame, FrameSource};

/// A file waiting to be opened: where its first frame falls.
struct Pending {
    path: PathBuf,
    first_ns: i64,
    size: u64,
}

/// An open file and its next frame, copied out of libpcap's buffer.
struct Open {
    source: FileSource,
    next: Frame<'static>,
    data: Vec<u8>,
}

pub struct MergedSource {
    /// Files not yet opened, latest first (popped from the end).
    pending: Vec<Pending>,
    open: Vec<Option<Open>>,
    /// (next frame time, file opening order, slot) of every open file.
    heap: BinaryHeap<Reverse<(i64, usize, usize)>>,
    /// The frame handed out last.
    current: Vec<u8>,
    /// Bytes of files read to their end (or given up), for progress.
    done_bytes: u64,
    total_bytes: u64,
    opened: usize,
    problems: Sender<CaptureError>,
}

impl MergedSource {
    /// Probes every file; those that cannot be opened or read are sent to `problems` and
    /// left out. Files without frames are left out silently.
    pub fn open(paths: &[PathBuf], problems: Sender<CaptureError>) -> MergedSource {
        let mut pending = Vec::new();
        for path in paths {
            match probe(path) {
                Ok(Some(p)) => pending.push(p),
                Ok(None) => {}
                Err(e) => {
                    let _ = problems.send(e);
                }
            }
        }
        // Stable: files starting at the same time keep the order given.
        pending.sort_by_key(|p| Reverse(p.first_ns));
        let total_bytes = pending.iter().map(|p| p.size).sum();
        MergedSource {
            pending,
            open: Vec::new(),
            heap: BinaryHeap::new(),
            current: Vec::new(),
            done_bytes: 0,
            total_bytes,
            opened: 0,
            problems,
        }
    }

    /// Files that will be read (the bad ones already left out).
    pub fn files(&self) -> usize {
        self.pending.len() + self.opened
    }

    /// Opens every pending file whose first frame is not after `until`.
    fn open_due(&mut self, until: i64) {
        while self.pending.last().is_some_and(|p| p.first_ns <= until) {
            let Some(p) = self.pending.pop() else { break };
            let slot = self.open.len();
            let order = self.opened;
            self.opened += 1;
            let mut open = match FileSource::open(&p.path) {
                Ok(source) => Open { source, next: EMPTY, data: Vec::new() },
                Err(e) => {
                    self.done_bytes += p.size;
                    let _ = self.problems.send(e);
                    continue;
                }
            };
            self.open.push(None);
            if let Some(ts) = self.advance(&mut open) {
                self.heap.push(Reverse((ts, order, slot)));
                if let Some(s) = self.open.get_mut(slot) {
                    *s = Some(open);
                }
            }
        }
    }

    /// Reads `open`'s next frame into it; `None` at its end or after an error (reported).
    fn advance(&mut self, open: &mut Open) -> Option<i64> {
        match open.source.next_frame() {
            Ok(Some(frame)) => {
                open.data.clear();
                open.data.extend_from_slice(frame.data);
                open.next = Frame { data: &[], ..frame };
                Some(frame.ts_ns)
            }
            Ok(None) => {
                self.done_bytes += open.source.size().unwrap_or(0);
                None
            }
            Err(e) => {
                self.done_bytes += open.source.size().unwrap_or(0);
                let _ = self.problems.send(e);
                None
            }
        }
    }
}

/// The first frame's time of a classic pcap file from its first 40 bytes, without opening
/// it through libpcap (which sets up a 1 MB read buffer and fills it: for 100 rotated files
/// that doubled the cost of opening them). `None` for pcapng or anything unusual, which
/// the full probe then judges; a file broken further on is reported once it is opened.
fn quick_probe(path: &Path) -> Option<Pending> {
    let mut file = std::fs::File::open(path).ok()?;
    let size = file.metadata().ok()?.len();
    let mut head = [0u8; 40];
    std::io::Read::read_exact(&mut file, &mut head).ok()?;
    let word = |at: usize| -> Option<[u8; 4]> { head.get(at..at + 4)?.try_into().ok() };
    let (little_endian, nanos) = match u32::from_le_bytes(word(0)?) {
        0xa1b2_c3d4 => (true, false),
        0xa1b2_3c4d => (true, true),
        0xd4c3_b2a1 => (false, false),
        0x4d3c_b2a1 => (false, true),
        _ => return None,
    };
    let read = |at: usize| word(at).map(|w| if little_endian { u32::from_le_bytes(w) } else { u32::from_be_bytes(w) });
    let (secs, fraction, captured) = (i64::from(read(24)?), i64::from(read(28)?), read(32)?);
    let (unit, limit) = if nanos { (1, 1_000_000_000) } else { (1_000, 1_000_000) };
    if captured == 0 || fraction >= limit {
        return None;
    }
    let first_ns = secs.checked_mul(1_000_000_000)?.checked_add(fraction * unit)?;
    Some(Pending { path: path.to_path_buf(), first_ns, size })
}

const EMPTY: Frame<'static> = Frame { ts_ns: 0, wire_len: 0, link_type: 0, data: &[] };

/// Opens a file far enough to read its first frame's time.
fn probe(path: &Path) -> Result<Option<Pending>, CaptureError> {
    if let Some(pending) = quick_probe(path) {
        return Ok(Some(pending));
    }
    let mut source = FileSource::open(path)?;
    let size = source.size().unwrap_or(0);
    let first = source.next_frame()?.map(|f| f.ts_ns);
    Ok(first.map(|first_ns| Pending { path: path.to_path_buf(), first_ns, size }))
}

impl FrameSource for MergedSource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        loop {
            let heap_min = self.heap.peek().map(|Reverse((ts, _, _))| *ts);
            match (heap_min, self.pending.last()) {
                (None, None) => return Ok(None),
                (None, Some(p)) => {
                    let until = p.first_ns;
                    self.open_due(until);
                    continue;
                }
                (Some(ts), Some(p)) if p.first_ns <= ts => {
                    self.open_due(ts);
                    continue;
                }
                _ => {}
            }
            let Some(Reverse((_, order, slot))) = self.heap.pop() else { continue };
            let Some(mut open) = self.open.get_mut(slot).and_then(Option::take) else { continue };
            std::mem::swap(&mut self.current, &mut open.data);
            let frame = open.next;
            if let Some(ts) = self.advance(&mut open) {
                self.heap.push(Reverse((ts, order, slot)));
                if let Some(s) = self.open.get_mut(slot) {
                    *s = Some(open);
                }
            }
            return Ok(Some(Frame { data: &self.current, ..frame }));
        }
    }

    fn position(&self) -> u64 {
        let reading: u64 = self.open.iter().flatten().map(|o| o.source.position()).sum();
        (self.done_bytes + reading).min(self.total_bytes)
    }

    fn size(&self) -> Option<u64> {
        Some(self.total_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/")).join(name)
    }

    #[test]
    fn the_quick_probe_reads_the_first_frame_time_as_libpcap_does() {
        let path = sample("icloud.pcap");
        let quick = quick_probe(&path).expect("a classic pcap");
        let mut source = FileSource::open(&path).unwrap();
        let first = source.next_frame().unwrap().unwrap().ts_ns;
        assert_eq!((quick.first_ns, quick.size), (first, std::fs::metadata(&path).unwrap().len()));
        assert!(quick_probe(&sample("garbage.pcap")).is_none());
    }
}

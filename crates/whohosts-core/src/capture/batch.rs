//! Reading frames on one thread and analysing them on another. The reader copies frames
//! into large batches and hands them over a bounded channel; emptied batches come back to
//! be refilled, so memory stays at a few batches whatever the capture's size.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use super::{CaptureError, Frame, FrameSource};

/// Bytes of frame data per batch.
const BATCH_BYTES: usize = 256 << 10;
/// Batches in flight between the threads.
const BATCHES_IN_FLIGHT: usize = 4;

#[derive(Debug, Clone, Copy)]
struct FrameMeta {
    ts_ns: i64,
    wire_len: u32,
    link_type: i32,
    end: usize,
}

/// Frames copied out of a source, with the source's position after the last one.
#[derive(Debug, Default)]
pub struct Batch {
    data: Vec<u8>,
    frames: Vec<FrameMeta>,
    pub position: u64,
    pub size: Option<u64>,
}

impl Batch {
    fn push(&mut self, frame: &Frame<'_>) {
        self.data.extend_from_slice(frame.data);
        self.frames.push(FrameMeta {
            ts_ns: frame.ts_ns,
            wire_len: frame.wire_len,
            link_type: frame.link_type,
            end: self.data.len(),
        });
    }

    fn clear(&mut self) {
        self.data.clear();
        self.frames.clear();
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    pub fn frames(&self) -> impl Iterator<Item = Frame<'_>> {
        let mut start = 0;
        self.frames.iter().map(move |m| {
            let data = self.data.get(start..m.end).unwrap_or_default();
            start = m.end;
            Frame { ts_ns: m.ts_ns, wire_len: m.wire_len, link_type: m.link_type, data }
        })
    }
}

/// What the reader thread sends: full batches, then the end or an error.
pub enum BatchMessage {
    Frames(Batch),
    End(Result<(), CaptureError>),
}

/// The receiving end of a reader thread. Dropping it stops the reader.
pub struct BatchReader {
    pub batches: Receiver<BatchMessage>,
    recycle: SyncSender<Batch>,
    thread: Option<JoinHandle<()>>,
}

impl BatchReader {
    /// Starts reading `source` on its own thread.
    pub fn spawn(mut source: Box<dyn FrameSource + Send>) -> BatchReader {
        let (tx, batches) = sync_channel(BATCHES_IN_FLIGHT);
        let (recycle, returned) = sync_channel::<Batch>(BATCHES_IN_FLIGHT + 1);
        let thread = std::thread::Builder::new()
            .name("whohosts-reader".into())
            .spawn(move || {
                let end = fill_batches(source.as_mut(), &tx, &returned);
                let _ = tx.send(BatchMessage::End(end));
            })
            .ok();
        BatchReader { batches, recycle, thread }
    }

    /// Waits for the reader thread to end, after it sent `End` (then it is only dropping
    /// its source). Without this the thread may outlive the analysis by a moment, still
    /// holding the file and its buffers.
    pub fn join(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// Hands an analysed batch back to be refilled.
    pub fn give_back(&self, mut batch: Batch) {
        batch.clear();
        let _ = self.recycle.try_send(batch);
    }
}

impl Drop for BatchReader {
    fn drop(&mut self) {
        // The reader notices the closed channel at its next send and ends.
        drop(self.thread.take());
    }
}

fn fill_batches(
    source: &mut dyn FrameSource,
    tx: &SyncSender<BatchMessage>,
    returned: &Receiver<Batch>,
) -> Result<(), CaptureError> {
    let new_batch = || Batch { data: Vec::with_capacity(BATCH_BYTES + 65_536), ..Batch::default() };
    let mut batch = new_batch();
    loop {
        let frame = source.next_frame();
        let done = match frame {
            Ok(Some(frame)) => {
                batch.push(&frame);
                false
            }
            Ok(None) => true,
            Err(e) => {
                batch.position = source.position();
                let _ = tx.send(BatchMessage::Frames(batch));
                return Err(e);
            }
        };
        if done || batch.data.len() >= BATCH_BYTES {
            batch.position = source.position();
            batch.size = source.size();
            let next = returned.try_recv().unwrap_or_else(|_| new_batch());
            if tx.send(BatchMessage::Frames(std::mem::replace(&mut batch, next))).is_err() {
                return Ok(()); // the receiver went away: cancelled
            }
        }
        if done {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use super::*;

    /// Three empty frames, then the end; records when it is dropped.
    struct CountingSource {
        left: u32,
        dropped: Arc<AtomicBool>,
    }

    impl FrameSource for CountingSource {
        fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
            if self.left == 0 {
                return Ok(None);
            }
            self.left -= 1;
            Ok(Some(Frame { ts_ns: 0, wire_len: 0, link_type: 1, data: &[] }))
        }
        fn position(&self) -> u64 {
            0
        }
        fn size(&self) -> Option<u64> {
            None
        }
    }

    impl Drop for CountingSource {
        fn drop(&mut self) {
            self.dropped.store(true, Ordering::SeqCst);
        }
    }

    /// fuzz/ingest (LeakSanitizer): the reader thread outlived `analyse_file`, still holding
    /// its source. After `End` and `join`, the source is gone.
    #[test]
    fn reader_has_dropped_its_source_once_joined_after_end() {
        let dropped = Arc::new(AtomicBool::new(false));
        let reader = BatchReader::spawn(Box::new(CountingSource { left: 3, dropped: dropped.clone() }));
        let mut frames = 0;
        loop {
            match reader.batches.recv() {
                Ok(BatchMessage::Frames(batch)) => frames += batch.len(),
                Ok(BatchMessage::End(result)) => {
                    assert!(result.is_ok());
                    break;
                }
                Err(e) => panic!("{e}"),
            }
        }
        reader.join();
        assert_eq!(frames, 3);
        assert!(dropped.load(Ordering::SeqCst));
    }
}

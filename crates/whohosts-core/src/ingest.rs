//! The read loop: pulls frames from a source into an analysis, reporting progress and
//! honouring cancellation. Used by the CLI, the GUI's ingest thread and the tests alike.

pub mod live;

use std::ops::ControlFlow;
use std::path::Path;

use crate::analysis::{Analysis, AnalysisConfig};
use crate::capture::{BatchMessage, BatchReader, CaptureError, FileSource, FrameSource, LiveStats};

/// How far reading has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub frames: u64,
    /// Input bytes consumed (approximate for pcapng).
    pub position: u64,
    pub size: Option<u64>,
    /// A live capture's packet counters, kernel drops included; `None` for files.
    pub live: Option<LiveStats>,
}

/// Frames between two progress callbacks.
const PROGRESS_EVERY: u64 = 1 << 14;

/// Why reading stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    EndOfInput,
    Cancelled,
}

/// Reads `source` to its end into `analysis`. `on_progress` is called every few thousand
/// frames and may return `Break` to stop early. On error, every frame read before it stays
/// counted in `analysis`.
pub fn read_into(
    source: &mut dyn FrameSource,
    analysis: &mut Analysis,
    mut on_progress: impl FnMut(&Progress, &mut Analysis) -> ControlFlow<()>,
) -> Result<Finish, CaptureError> {
    let mut frames = 0u64;
    loop {
        match source.next_frame()? {
            Some(frame) => analysis.ingest(&frame),
            None => return Ok(Finish::EndOfInput),
        }
        frames += 1;
        if frames % PROGRESS_EVERY == 0 {
            let progress = Progress { frames, position: source.position(), size: source.size(), live: None };
            if on_progress(&progress, analysis).is_break() {
                return Ok(Finish::Cancelled);
            }
        }
    }
}

/// Reads `source` on a second thread into `analysis` on this one, so that reading and
/// analysing overlap. Same contract as [`read_into`].
pub fn read_into_pipelined(
    source: Box<dyn FrameSource + Send>,
    analysis: &mut Analysis,
    mut on_progress: impl FnMut(&Progress, &mut Analysis) -> ControlFlow<()>,
) -> Result<Finish, CaptureError> {
    let reader = BatchReader::spawn(source);
    let mut frames = 0u64;
    let mut next_progress = PROGRESS_EVERY;
    loop {
        let batch = match reader.batches.recv() {
            Ok(BatchMessage::Frames(batch)) => batch,
            Ok(BatchMessage::End(result)) => {
                reader.join();
                return result.map(|()| Finish::EndOfInput);
            }
            Err(_) => return Ok(Finish::EndOfInput),
        };
        for frame in batch.frames() {
            analysis.ingest(&frame);
        }
        frames += batch.len() as u64;
        if frames >= next_progress {
            next_progress = frames + PROGRESS_EVERY;
            let progress = Progress { frames, position: batch.position, size: batch.size, live: None };
            if on_progress(&progress, analysis).is_break() {
                return Ok(Finish::Cancelled);
            }
        }
        reader.give_back(batch);
    }
}

/// Reads a whole capture file. A fatal problem (missing file, not a capture) is an `Err`;
/// a problem after some frames (a cut file) becomes a warning in the analysis, with
/// everything before it kept.
pub fn analyse_file(
    path: &Path,
    config: AnalysisConfig,
    on_progress: impl FnMut(&Progress, &mut Analysis) -> ControlFlow<()>,
) -> Result<Analysis, CaptureError> {
    let source = FileSource::open(path)?;
    let mut analysis = Analysis::new(config);
    match read_into_pipelined(Box::new(source), &mut analysis, on_progress) {
        Ok(_) => {}
        Err(e) if e.keeps_partial_results() => analysis.note(e.to_string()),
        Err(e) => return Err(e),
    }
    analysis.finish();
    Ok(analysis)
}

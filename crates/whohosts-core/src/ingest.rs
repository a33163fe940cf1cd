//! The read loop: pulls frames from a source into an analysis, reporting progress and
//! honouring cancellation. Used by the CLI, the GUI's ingest thread and the tests alike.

pub mod live;
pub mod zeek_logs;
mod zeek_name_logs;
mod zeek_names;
mod zeek_reading;
mod zeek_timeline;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use crate::analysis::{Analysis, AnalysisConfig};
use crate::capture::{BatchMessage, BatchReader, CaptureError, FileSource, FrameSource, LiveStats, MergedSource};
use crate::input::{Input, InputError};

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

/// Reads several capture files as one capture in time order (one file takes the
/// [`analyse_file`] path). A file that cannot be read is skipped with a warning naming it;
/// only when none can be read is it an `Err` (the first file's problem).
pub fn analyse_captures(
    paths: &[PathBuf],
    config: AnalysisConfig,
    on_progress: impl FnMut(&Progress, &mut Analysis) -> ControlFlow<()>,
) -> Result<Analysis, CaptureError> {
    if let [one] = paths {
        return analyse_file(one, config, on_progress);
    }
    let (problems_tx, problems) = std::sync::mpsc::channel();
    let source = MergedSource::open(paths, problems_tx);
    if source.files() == 0 {
        return Err(problems.try_iter().next().unwrap_or_else(|| CaptureError::NotACapture {
            path: paths.first().cloned().unwrap_or_default(),
            reason: format!("none of the {} files holds a frame", paths.len()),
        }));
    }
    let mut analysis = Analysis::new(config);
    let result = read_into_pipelined(Box::new(source), &mut analysis, on_progress);
    for problem in problems.try_iter() {
        if problem.keeps_partial_results() {
            analysis.note(problem.to_string());
        } else {
            analysis.note(format!("skipped {problem}"));
        }
    }
    match result {
        Ok(_) => {}
        Err(e) if e.keeps_partial_results() => analysis.note(e.to_string()),
        Err(e) => return Err(e),
    }
    analysis.finish();
    Ok(analysis)
}

/// Why an input could not be analysed at all.
#[derive(Debug, thiserror::Error)]
pub enum AnalyseError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Capture(#[from] CaptureError),
    #[error(transparent)]
    Zeek(#[from] zeek_logs::NoConnections),
}

/// Reads an [`Input`]: captures (one or many) or Zeek logs, into a finished analysis.
/// For Zeek logs, progress counts conn.log lines as frames and bytes of all the files.
pub fn analyse_input(
    input: &Input,
    config: AnalysisConfig,
    on_progress: impl FnMut(&Progress, &mut Analysis) -> ControlFlow<()>,
) -> Result<Analysis, AnalyseError> {
    match input {
        Input::Captures(paths) => Ok(analyse_captures(paths, config, on_progress)?),
        Input::ZeekLogs(paths) => Ok(zeek_logs::analyse_zeek_logs_with(paths, config, on_progress)?.0),
    }
}

//! One export from the app, run on its own thread: the figure (PNG, SVG or PDF, from the
//! same scene `whohosts export` draws), the CSV tables, the JSON document or the selected
//! flows' frames (pcapng with the learned names for a `.pcapng` destination). The UI thread
//! only starts the job and polls it.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::sync::Arc;

use crate::figure::files::{write_figure, FigureFormat};
use crate::figure::FigureSpec;
use crate::format::counted;
use whohosts_core::export::request as data;
use whohosts_core::export::{csv, Overwrite, ViewFilter};
use whohosts_core::snapshot::Snapshot;

/// What one export writes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportTarget {
    /// A figure file: PNG, SVG or PDF by the destination's extension.
    Figure(Box<FigureSpec>),
    /// flows.csv, endpoints.csv and providers.csv in a folder.
    Csv,
    /// One JSON document.
    Json,
    /// The frames of the selected flows, read again from the capture file.
    Pcap,
}

/// Everything the export thread needs, owned, so the UI keeps running meanwhile.
#[derive(Clone)]
pub struct ExportRequest {
    pub target: ExportTarget,
    /// The file (or, for CSV, the folder) to write.
    pub destination: PathBuf,
    pub overwrite: Overwrite,
    /// The capture files the flows came from (a pcap export reads their frames again);
    /// none for Zeek logs, which hold no packets.
    pub captures: Vec<PathBuf>,
    pub capture_name: String,
    pub snapshot: Arc<Snapshot>,
    /// The app's filter at the time of the export: time range, hidden owners, text.
    pub filter: ViewFilter,
    /// Selected flows (indices into the snapshot's flows), for the pcap export.
    pub selection: Vec<usize>,
}

/// The files an export would replace: the destination, or for CSV the first of its tables
/// that exists.
pub fn existing_output(target: &ExportTarget, destination: &Path) -> Option<PathBuf> {
    match target {
        ExportTarget::Csv => [csv::FLOWS_FILE, csv::ENDPOINTS_FILE, csv::PROVIDERS_FILE]
            .map(|f| destination.join(f))
            .into_iter()
            .find(|p| p.exists()),
        _ => destination.exists().then(|| destination.to_path_buf()),
    }
}

/// Runs the export on the calling thread; the message says what was saved or what failed
/// (errors name the file). Tables and frames are written by the core's export request, the
/// same that `whohosts export` runs.
pub fn run_job(request: &ExportRequest) -> Result<String, String> {
    let ExportRequest { target, destination, overwrite, captures, capture_name, snapshot, filter, selection } = request;
    let data = data::ExportRequest { snapshot, filter, capture_name, overwrite: *overwrite };
    let data_target = match target {
        ExportTarget::Figure(spec) => {
            let format = FigureFormat::of_path(destination);
            return write_figure(destination, format, snapshot, filter, spec, *overwrite)
                .map(|p| format!("Saved {}", p.display()))
                .map_err(|e| format!("{}: {e}", destination.display()));
        }
        ExportTarget::Csv => data::ExportTarget::Csv(destination.clone()),
        ExportTarget::Json => data::ExportTarget::Json(destination.clone()),
        ExportTarget::Pcap if captures.is_empty() => {
            return Err("no capture files to read the frames from (Zeek logs hold no packets: open the captures they were made from)".to_string());
        }
        ExportTarget::Pcap => data::ExportTarget::Frames {
            path: destination.clone(),
            captures: captures.clone(),
            flows: selection.clone(),
        },
    };
    match data.write(&data_target).map_err(|e| e.to_string())? {
        data::Written::Files(_) => Ok(format!("Saved {}", destination.display())),
        data::Written::Frames { path, flows, packets, .. } => {
            Ok(format!("Saved {} ({}, {})", path.display(), counted(flows as u64, "flow"), counted(packets, "packet")))
        }
    }
}

/// An export running on its own thread.
pub struct ExportJob {
    answer: Receiver<Result<String, String>>,
}

impl ExportJob {
    /// Starts `request` on a new thread; `wake` repaints the UI when it is done.
    pub fn start(request: ExportRequest, wake: impl Fn() + Send + 'static) -> Result<ExportJob, String> {
        let (tx, rx) = channel();
        std::thread::Builder::new()
            .name("whohosts-export".into())
            .spawn(move || {
                let _ = tx.send(run_job(&request));
                wake();
            })
            .map_err(|e| format!("could not start the export: {e}"))?;
        Ok(ExportJob { answer: rx })
    }

    /// The outcome, once the thread has finished.
    pub fn poll(&self) -> Option<Result<String, String>> {
        match self.answer.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the export stopped unexpectedly".to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_support::fixtures::three_owner_snapshot;

    fn request(target: ExportTarget, destination: PathBuf) -> ExportRequest {
        ExportRequest {
            target,
            destination,
            overwrite: Overwrite::Refuse,
            captures: vec![PathBuf::from("/no/such/capture.pcap")],
            capture_name: "capture.pcap".into(),
            snapshot: Arc::new(three_owner_snapshot()),
            filter: ViewFilter::default(),
            selection: vec![0],
        }
    }

    #[test]
    fn csv_and_json_are_written_and_existing_files_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let tables = dir.path().join("tables");
        assert_eq!(existing_output(&ExportTarget::Csv, &tables), None);
        let message = run_job(&request(ExportTarget::Csv, tables.clone())).unwrap();
        assert!(message.starts_with("Saved ") && message.contains("tables"), "{message}");
        assert_eq!(existing_output(&ExportTarget::Csv, &tables), Some(tables.join(csv::FLOWS_FILE)));
        let doc = dir.path().join("out.json");
        run_job(&request(ExportTarget::Json, doc.clone())).unwrap();
        assert_eq!(existing_output(&ExportTarget::Json, &doc), Some(doc.clone()));
        let refused = run_job(&request(ExportTarget::Json, doc)).unwrap_err();
        assert!(refused.contains("out.json"), "{refused}");
    }

    #[test]
    fn the_window_writes_svg_and_pdf_figures_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let spec = || ExportTarget::Figure(Box::new(FigureSpec { width: 600, height: 400, ..FigureSpec::default() }));
        let svg = dir.path().join("figure.svg");
        run_job(&request(spec(), svg.clone())).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.starts_with("<?xml") && text.contains("<text"), "{}", &text[..text.len().min(200)]);
        assert_eq!(crate::figure::svg::parse_size(&text), Ok((600.0, 400.0)));
        let pdf = dir.path().join("figure.PDF");
        run_job(&request(spec(), pdf.clone())).unwrap();
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    }

    #[test]
    fn a_pcap_export_from_a_missing_capture_names_the_capture() {
        let dir = tempfile::tempdir().unwrap();
        let job = ExportJob::start(request(ExportTarget::Pcap, dir.path().join("sel.pcap")), || {}).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let outcome = loop {
            if let Some(outcome) = job.poll() {
                break outcome;
            }
            assert!(std::time::Instant::now() < deadline);
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        assert!(outcome.unwrap_err().contains("capture.pcap"));
    }
}

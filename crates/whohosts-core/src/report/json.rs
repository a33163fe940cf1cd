//! The report as compact JSON: the same bytes serde_json makes of [`Report`] (made safe to
//! print), written faster. The flows, nearly all of a large report (half a million flows from a day of Zeek
//! logs are 200 MB of JSON), are serialised in chunks on worker threads while this one
//! writes the finished chunks in order; memory stays at a few chunks.

use std::io::{self, Write};
use std::ops::Range;
use std::sync::mpsc::{sync_channel, Receiver};

use serde::Serialize;

use super::flow_json::write_flow;
use super::{FlowRecords, Report};
use crate::terminal::{make_json_terminal_safe, SafeJsonWriter};

/// Flows per chunk (about 1.5 MB of JSON; a few chunks are held at once, and with larger
/// ones the report's peak memory grew by tens of megabytes).
const CHUNK_FLOWS: usize = 4096;

/// Chunks a worker may have finished ahead of the writer.
const CHUNKS_AHEAD: usize = 2;

impl Report {
    /// Writes the report as compact JSON to `out`, safe to print on a terminal: byte for byte
    /// what `serde_json::to_writer` writes (fields in the struct's order) with the escapes of
    /// [`terminal_safe_json`](crate::terminal::terminal_safe_json).
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut head = SafeJsonWriter::new(&mut *out);
        head.write_all(b"{")?;
        field(&mut head, "file", &self.file, false)?;
        field(&mut head, "capture", &self.capture, true)?;
        field(&mut head, "providers", &self.providers, true)?;
        field(&mut head, "endpoints", &self.endpoints, true)?;
        head.write_all(b",\"flows\":")?;
        head.into_inner()?;
        // Made safe by the workers.
        self.flows.write_json(out)?;
        let mut tail = SafeJsonWriter::new(&mut *out);
        field(&mut tail, "timeline", &self.timeline, true)?;
        field(&mut tail, "datasets", &self.datasets, true)?;
        field(&mut tail, "warnings", &self.warnings, true)?;
        if let Some(live) = &self.live {
            field(&mut tail, "live", live, true)?;
        }
        tail.write_all(b"}")?;
        tail.into_inner().map(drop)
    }
}

fn field(out: &mut dyn Write, name: &str, value: &impl Serialize, comma: bool) -> io::Result<()> {
    if comma {
        out.write_all(b",")?;
    }
    serde_json::to_writer(&mut *out, name).map_err(io::Error::other)?;
    out.write_all(b":")?;
    serde_json::to_writer(&mut *out, value).map_err(io::Error::other)
}

impl FlowRecords {
    /// Writes every flow as a compact JSON array, as `serde_json::to_writer` would, with the
    /// terminal escapes (see [`Report::write_json`]).
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        let chunks: Vec<Range<usize>> =
            (0..self.len()).step_by(CHUNK_FLOWS).map(|from| from..(from + CHUNK_FLOWS).min(self.len())).collect();
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4).min(chunks.len());
        out.write_all(b"[")?;
        if workers <= 1 {
            let mut json = Vec::new();
            for (n, range) in chunks.iter().enumerate() {
                self.chunk_json(range.clone(), n > 0, &mut json);
                out.write_all(&json)?;
            }
            return out.write_all(b"]");
        }
        std::thread::scope(|scope| {
            // Worker k makes chunks k, k + workers, ...; the writer takes them round in turn.
            let receivers: Vec<Receiver<Vec<u8>>> = (0..workers)
                .map(|k| {
                    let (tx, rx) = sync_channel(CHUNKS_AHEAD);
                    let chunks = &chunks;
                    scope.spawn(move || {
                        for (n, range) in chunks.iter().enumerate().skip(k).step_by(workers) {
                            let mut json = Vec::new();
                            self.chunk_json(range.clone(), n > 0, &mut json);
                            if tx.send(json).is_err() {
                                return;
                            }
                        }
                    });
                    rx
                })
                .collect();
            for n in 0..chunks.len() {
                let json = receivers.get(n % workers).and_then(|rx| rx.recv().ok());
                let Some(json) = json else { return Err(io::Error::other("a JSON worker stopped")) };
                // On an error the receivers are dropped on return, so the workers stop too.
                out.write_all(&json)?;
            }
            Ok(())
        })?;
        out.write_all(b"]")
    }

    /// The flows of `range` as JSON array elements, after a comma unless `first`, safe to
    /// print.
    fn chunk_json(&self, range: Range<usize>, comma: bool, json: &mut Vec<u8>) {
        json.clear();
        for (n, index) in range.enumerate() {
            if comma || n > 0 {
                json.push(b',');
            }
            if let Some(record) = self.get(index) {
                write_flow(&record, json);
            }
        }
        make_json_terminal_safe(json);
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Analysis, AnalysisConfig};
    use crate::flows::{ConnectionSummary, DirectionStats};
    use crate::report::Report;

    fn report_of(connections: u16) -> Report {
        let mut analysis = Analysis::new(AnalysisConfig::default());
        for i in 0..connections {
            let stats = |packets| DirectionStats { packets, bytes: packets * 100, captured_bytes: 0, tcp_flags: 0x12 };
            analysis.add_connection(&ConnectionSummary {
                proto: if i % 3 == 0 { 17 } else { 6 },
                orig: ("192.168.1.23".parse().unwrap(), 1024 + i),
                resp: (format!("17.253.{}.{}", i / 200, i % 200).parse().unwrap(), 443),
                start_ns: i64::from(i) * 1_000_000_007,
                duration_ns: 2_500_000_000,
                orig_stats: stats(3),
                resp_stats: stats(u64::from(i % 7)),
            });
        }
        analysis.finish();
        Report::build("many.log", &analysis)
    }

    #[test]
    fn written_in_chunks_the_json_is_what_serde_makes_of_the_report() {
        // Several chunks and a part one, none, and one flow.
        for connections in [20_000, 0, 1] {
            let mut report = report_of(connections);
            // Not obeyed by a terminal the report is printed on.
            report.file = "many\u{202e}gol.\u{9b}31m".into();
            let mut fast = Vec::new();
            report.write_json(&mut fast).unwrap();
            let derived = serde_json::to_vec(&report).unwrap();
            let derived = crate::terminal::terminal_safe_json(std::str::from_utf8(&derived).unwrap()).into_owned();
            let derived = derived.into_bytes();
            assert_eq!(fast.len(), derived.len(), "{connections} connections");
            assert!(fast == derived, "{connections} connections");
        }
    }
}

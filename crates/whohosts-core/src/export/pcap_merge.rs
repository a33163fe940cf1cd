//! The frames of one or several captures, each read through every BPF filter of an export,
//! merged into one stream in time order. A capture's streams are opened only once the
//! merge reaches its first frame, so rotated files (one after another) hold one capture's
//! streams open at a time.

use std::path::{Path, PathBuf};

use pcap::{Capture, Offline, PacketHeader, Precision};

use super::ExportError;

/// One filtered reading of a source, with its next packet copied out.
struct Stream {
    source: usize,
    capture: Capture<Offline>,
    next: Option<(PacketHeader, Vec<u8>)>,
}

impl Stream {
    fn advance(&mut self, path: &Path) -> Result<(), ExportError> {
        self.next = match self.capture.next_packet() {
            Ok(packet) => Some((*packet.header, packet.data.to_vec())),
            Err(pcap::Error::NoMorePackets) => None,
            Err(e) => return Err(ExportError::Io { path: path.to_path_buf(), reason: e.to_string() }),
        };
        Ok(())
    }

    /// (seconds, sub-second units) of the next packet; the units are nanoseconds, since
    /// every source is opened at nanosecond precision.
    // time_t and suseconds_t are i64 here but narrower on some platforms.
    #[allow(clippy::useless_conversion)]
    fn next_ts(&self) -> Option<(i64, i64)> {
        self.next.as_ref().map(|(h, _)| (i64::from(h.ts.tv_sec), i64::from(h.ts.tv_usec)))
    }
}

/// A source not yet opened for the merge: where its first frame falls.
struct Waiting {
    source: usize,
    first: (i64, i64),
}

pub(super) struct Merge<'a> {
    sources: &'a [PathBuf],
    filters: &'a [String],
    /// Opened unfiltered, for the output's header (link type, snap length, precision).
    header: Capture<Offline>,
    /// Latest first, popped from the end.
    waiting: Vec<Waiting>,
    open: Vec<Stream>,
}

fn open(path: &Path) -> Result<Capture<Offline>, pcap::Error> {
    Capture::from_file_with_precision(path, Precision::Nano)
}

#[allow(clippy::useless_conversion)]
fn first_ts(capture: &mut Capture<Offline>) -> Option<(i64, i64)> {
    let packet = capture.next_packet().ok()?;
    Some((i64::from(packet.header.ts.tv_sec), i64::from(packet.header.ts.tv_usec)))
}

impl<'a> Merge<'a> {
    /// Probes every source. Sources libpcap cannot open are left out (the analysis left
    /// them out too); sources of a link type other than the first's are refused, since one
    /// pcap holds one link type.
    pub fn open(sources: &'a [PathBuf], filters: &'a [String]) -> Result<Merge<'a>, ExportError> {
        let mut header: Option<Capture<Offline>> = None;
        let mut waiting = Vec::new();
        let mut first_error = None;
        for (index, path) in sources.iter().enumerate() {
            let mut capture = match open(path) {
                Ok(c) => c,
                Err(e) => {
                    first_error.get_or_insert(ExportError::Io { path: path.clone(), reason: e.to_string() });
                    continue;
                }
            };
            let linktype = capture.get_datalink();
            if let Some(h) = &header {
                let expected = h.get_datalink();
                if expected != linktype {
                    return Err(ExportError::Io {
                        path: path.clone(),
                        reason: format!(
                            "link type {} differs from the first capture's ({}): export these captures one by one",
                            linktype.0, expected.0
                        ),
                    });
                }
            }
            if let Some(first) = first_ts(&mut capture) {
                waiting.push(Waiting { source: index, first });
            }
            if header.is_none() {
                header = Some(open(path).map_err(|e| ExportError::Io { path: path.clone(), reason: e.to_string() })?);
            }
        }
        let Some(header) = header else {
            return Err(first_error.unwrap_or_else(|| ExportError::Io {
                path: PathBuf::new(),
                reason: "no capture to read the frames from".into(),
            }));
        };
        // Stable: sources starting together keep the order given.
        waiting.sort_by_key(|w| std::cmp::Reverse(w.first));
        Ok(Merge { sources, filters, header, waiting, open: Vec::new() })
    }

    pub fn header(&self) -> &Capture<Offline> {
        &self.header
    }

    /// Opens the streams of the sources whose first frame is not after `until`.
    fn open_due(&mut self, until: Option<(i64, i64)>) -> Result<(), ExportError> {
        while let Some(w) = self.waiting.last() {
            if until.is_some_and(|t| w.first > t) {
                break;
            }
            let source = w.source;
            self.waiting.pop();
            let Some(path) = self.sources.get(source) else { continue };
            let io = |e: pcap::Error| ExportError::Io { path: path.clone(), reason: e.to_string() };
            for filter in self.filters {
                let mut capture = open(path).map_err(io)?;
                capture.filter(filter, true).map_err(|e| ExportError::Filter {
                    expression: filter.chars().take(200).collect(),
                    reason: e.to_string(),
                })?;
                let mut stream = Stream { source, capture, next: None };
                stream.advance(path)?;
                if stream.next.is_some() {
                    self.open.push(stream);
                }
            }
            // Only one source at a time when nothing is open yet: the next may start later.
            if until.is_none() {
                break;
            }
        }
        Ok(())
    }

    /// The next frame in time order (ties: the source given first, then filter order).
    pub fn next(&mut self) -> Result<Option<(PacketHeader, Vec<u8>)>, ExportError> {
        loop {
            let earliest = self
                .open
                .iter()
                .enumerate()
                .filter_map(|(i, s)| s.next_ts().map(|ts| ((ts, s.source), i)))
                .min()
                .map(|((ts, _), i)| (ts, i));
            let due = self.waiting.last().map(|w| w.first);
            match (earliest, due) {
                (None, None) => return Ok(None),
                (None, Some(_)) => self.open_due(None)?,
                (Some((ts, _)), Some(first)) if first <= ts => self.open_due(Some(ts))?,
                (Some((_, i)), _) => {
                    let sources = self.sources;
                    let Some(stream) = self.open.get_mut(i) else { return Ok(None) };
                    let packet = stream.next.take();
                    stream.advance(sources.get(stream.source).map_or(Path::new(""), PathBuf::as_path))?;
                    if stream.next.is_none() {
                        // Keeps the others' order, which breaks ties.
                        self.open.remove(i);
                    }
                    if packet.is_some() {
                        return Ok(packet);
                    }
                }
            }
        }
    }
}

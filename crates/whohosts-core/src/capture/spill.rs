//! Keeps what a live capture saw, for saving later, without holding it in memory: frames go
//! to an unlinked temporary pcapng file as they arrive (through a small write buffer), and a
//! save copies the file's complete prefix to the destination atomically (temporary file,
//! fsync, rename), on whatever thread the caller likes.

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
#[cfg(unix)]
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption};
use pcap_file::pcapng::blocks::interface_statistics::{InterfaceStatisticsBlock, InterfaceStatisticsOption};
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::DataLink;
use serde::Serialize;

use super::{CaptureError, Frame, LiveStats};

const WRITE_BUFFER: usize = 1 << 20;
/// pcapng `if_tsresol` for nanoseconds (10^-9), matching the timestamps written.
const NANOSECONDS: u8 = 9;

/// The growing pcapng copy of a live capture.
pub struct PcapNgSpill {
    writer: PcapNgWriter<BufWriter<File>>,
    /// A second handle on the same (unlinked) file, for reading it back.
    reader: File,
    frames: u64,
    limit_bytes: u64,
    written_bytes: u64,
    /// Frames not kept because the size limit was reached.
    left_out: u64,
    failed: Option<String>,
}

/// A complete prefix of the spill, ready to be copied to a destination.
pub struct SpillCopy {
    reader: File,
    len: u64,
    frames: u64,
    left_out: u64,
}

/// What a save wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedCapture {
    pub path: PathBuf,
    pub frames: u64,
    pub bytes: u64,
    /// Frames captured but not in the file because the spill's size limit was reached.
    pub left_out: u64,
}

impl PcapNgSpill {
    /// Starts a spill in `dir` for frames of `link_type` from `interface`. Frames past
    /// `limit_bytes` of file are counted but not kept.
    pub fn create(
        dir: &Path,
        interface: &str,
        link_type: i32,
        snaplen: u32,
        limit_bytes: u64,
    ) -> Result<PcapNgSpill, CaptureError> {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        let path = dir.join(format!("whohosts-live-{}-{stamp}.pcapng", std::process::id()));
        let spill_error = |e: &dyn std::fmt::Display| CaptureError::Save { path: path.clone(), reason: e.to_string() };
        let file = OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| spill_error(&e))?;
        let reader = File::open(&path).map_err(|e| spill_error(&e));
        // Unlinked at once: the data lives while the handles do, and nothing is left behind
        // if the process dies.
        let _ = std::fs::remove_file(&path);
        let reader = reader?;
        let mut writer =
            PcapNgWriter::new(BufWriter::with_capacity(WRITE_BUFFER, file)).map_err(|e| spill_error(&e))?;
        let interface_block = InterfaceDescriptionBlock {
            linktype: DataLink::from(u32::try_from(link_type).unwrap_or(0)),
            snaplen,
            options: vec![
                InterfaceDescriptionOption::IfName(Cow::Owned(interface.to_string())),
                InterfaceDescriptionOption::IfTsResol(NANOSECONDS),
            ],
        };
        writer.write_pcapng_block(interface_block).map_err(|e| spill_error(&e))?;
        Ok(PcapNgSpill { writer, reader, frames: 0, limit_bytes, written_bytes: 0, left_out: 0, failed: None })
    }

    /// Appends one frame. A write failure (disk full) stops the spill; the capture goes on
    /// and later saves report the failure.
    pub fn record(&mut self, frame: &Frame<'_>) {
        if self.failed.is_some() || self.written_bytes >= self.limit_bytes {
            self.left_out += 1;
            return;
        }
        let nanos = u64::try_from(frame.ts_ns).unwrap_or(0);
        let block = EnhancedPacketBlock {
            interface_id: 0,
            timestamp: Duration::from_nanos(nanos),
            original_len: frame.wire_len,
            data: Cow::Borrowed(frame.data),
            options: Vec::new(),
        };
        match self.writer.write_pcapng_block(block) {
            Ok(n) => {
                self.frames += 1;
                self.written_bytes = self.written_bytes.saturating_add(n as u64);
            }
            Err(e) => {
                self.left_out += 1;
                self.failed = Some(e.to_string());
            }
        }
    }

    /// Frames kept so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Frames not kept (size limit reached, or the spill failed).
    pub fn left_out(&self) -> u64 {
        self.left_out
    }

    /// Flushes and describes what is on disk now. Cheap; the copying is `SpillCopy::save_to`.
    /// With `stats`, an interface statistics block first records the capture's counters,
    /// drops included, so that the saved file shows them too.
    pub fn snapshot_for_save(&mut self, dest: &Path, stats: Option<&LiveStats>) -> Result<SpillCopy, CaptureError> {
        let save_error = |reason: String| CaptureError::Save { path: dest.to_path_buf(), reason };
        if let (Some(stats), None) = (stats, &self.failed) {
            if let Err(e) = self.writer.write_pcapng_block(statistics_block(stats)) {
                self.failed = Some(e.to_string());
            }
        }
        if let Some(reason) = &self.failed {
            return Err(save_error(format!("keeping the captured frames failed earlier: {reason}")));
        }
        self.writer.get_mut().flush().map_err(|e| save_error(e.to_string()))?;
        let len = self.reader.metadata().map_err(|e| save_error(e.to_string()))?.len();
        let reader = self.reader.try_clone().map_err(|e| save_error(e.to_string()))?;
        Ok(SpillCopy { reader, len, frames: self.frames, left_out: self.left_out })
    }
}

/// pcapng's counters from libpcap's: accepted by the filter, dropped by the OS (buffer full),
/// dropped by the interface, delivered to whohosts.
fn statistics_block(stats: &LiveStats) -> InterfaceStatisticsBlock<'static> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    InterfaceStatisticsBlock {
        interface_id: 0,
        timestamp: u64::try_from(now.as_nanos()).unwrap_or(u64::MAX),
        options: vec![
            InterfaceStatisticsOption::IsbFilterAccept(stats.received),
            InterfaceStatisticsOption::IsbOsDrop(stats.dropped),
            InterfaceStatisticsOption::IsbIfDrop(stats.if_dropped),
            InterfaceStatisticsOption::IsbUsrDeliv(stats.analysed),
        ],
    }
}

impl SpillCopy {
    /// Writes the frames to `dest` atomically: a temporary file beside it, synced, then
    /// renamed over it. On failure nothing is left at `dest` or beside it.
    pub fn save_to(self, dest: &Path) -> Result<SavedCapture, CaptureError> {
        let save_error =
            |e: &dyn std::fmt::Display| CaptureError::Save { path: dest.to_path_buf(), reason: e.to_string() };
        let name = dest.file_name().ok_or_else(|| save_error(&"not a file name"))?;
        let tmp = dest.with_file_name(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
        let result = copy_prefix(&self.reader, self.len, &tmp).and_then(|()| std::fs::rename(&tmp, dest));
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(save_error(&e));
        }
        Ok(SavedCapture { path: dest.to_path_buf(), frames: self.frames, bytes: self.len, left_out: self.left_out })
    }
}

#[cfg(unix)]
fn copy_prefix(reader: &File, len: u64, tmp: &Path) -> std::io::Result<()> {
    let mut out = OpenOptions::new().write(true).create(true).truncate(true).open(tmp)?;
    let mut buf = vec![0u8; WRITE_BUFFER];
    let mut offset = 0u64;
    while offset < len {
        let want = usize::try_from(len - offset).unwrap_or(usize::MAX).min(buf.len());
        let chunk = buf.get_mut(..want).unwrap_or_default();
        reader.read_exact_at(chunk, offset)?;
        out.write_all(chunk)?;
        offset += want as u64;
    }
    out.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{FileSource, FrameSource};

    fn frame(ts_ns: i64, data: &[u8]) -> Frame<'_> {
        Frame { ts_ns, wire_len: data.len() as u32 + 10, link_type: 1, data }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("whohosts-spill-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn saved_files_read_back_with_libpcap() {
        let dir = scratch("readback");
        let mut spill = PcapNgSpill::create(&dir, "eth0", 1, 262_144, u64::MAX).unwrap();
        let payload = [0xabu8; 61];
        spill.record(&frame(1_700_000_000_123_456_789, &payload));
        let dest = dir.join("first.pcapng");
        let stats = LiveStats { received: 3, dropped: 2, analysed: 1, ..LiveStats::default() };
        let saved = spill.snapshot_for_save(&dest, Some(&stats)).unwrap().save_to(&dest).unwrap();
        assert_eq!((saved.frames, saved.left_out), (1, 0));
        // Frames after a save go on being kept; a later save has them all.
        spill.record(&frame(1_700_000_001_000_000_000, &payload[..20]));
        let dest2 = dir.join("second.pcapng");
        spill.snapshot_for_save(&dest2, Some(&stats)).unwrap().save_to(&dest2).unwrap();

        let mut first = FileSource::open(&dest).unwrap();
        let f = first.next_frame().unwrap().unwrap();
        assert_eq!((f.ts_ns, f.wire_len, f.data.len(), f.link_type), (1_700_000_000_123_456_789, 71, 61, 1));
        assert!(first.next_frame().unwrap().is_none());
        let mut second = FileSource::open(&dest2).unwrap();
        let mut n = 0;
        while second.next_frame().unwrap().is_some() {
            n += 1;
        }
        assert_eq!(n, 2);
        // The counters are in the file too.
        let mut reader = pcap_file::pcapng::PcapNgReader::new(std::fs::File::open(&dest2).unwrap()).unwrap();
        let mut os_drops = Vec::new();
        while let Some(block) = reader.next_block() {
            if let pcap_file::pcapng::Block::InterfaceStatistics(isb) = block.unwrap() {
                os_drops.extend(isb.options.iter().filter_map(|o| match o {
                    InterfaceStatisticsOption::IsbOsDrop(n) => Some(*n),
                    _ => None,
                }));
            }
        }
        assert_eq!(os_drops, vec![2, 2], "one statistics block per save");
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).collect();
        assert_eq!(leftovers.len(), 2, "only the two saved files, no temporary or spill files");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_size_limit_counts_what_it_leaves_out() {
        let dir = scratch("limit");
        let mut spill = PcapNgSpill::create(&dir, "eth0", 1, 262_144, 100).unwrap();
        for i in 0..10 {
            spill.record(&frame(i, &[0u8; 60]));
        }
        assert_eq!(spill.frames(), 2);
        assert_eq!(spill.left_out(), 8);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unwritable_destination_is_named() {
        let dir = scratch("unwritable");
        let mut spill = PcapNgSpill::create(&dir, "eth0", 1, 262_144, u64::MAX).unwrap();
        let dest = Path::new("/no/such/dir/out.pcapng");
        let e = spill.snapshot_for_save(dest, None).unwrap().save_to(dest).unwrap_err();
        assert!(e.to_string().contains("/no/such/dir/out.pcapng"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

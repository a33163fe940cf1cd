//! What the user asked to read, decided from the files' content (never their names): one or
//! more pcap/pcapng captures, or Zeek logs. Directories are walked. The CLI, the exporter
//! and the window all go through [`Input::detect`], so they accept the same things.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::zeek;

/// The inputs of one analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// pcap/pcapng files, read as one capture in time order (one file: the usual fast path).
    Captures(Vec<PathBuf>),
    /// Zeek log files or log directories, as given (the Zeek reader walks directories).
    ZeekLogs(Vec<PathBuf>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("no input given")]
    Nothing,
    #[error("{capture} is a capture but {log} is a Zeek log: give captures or Zeek logs, not both")]
    Mixed { capture: PathBuf, log: PathBuf },
    #[error("{dir}: no capture files or Zeek logs in this directory")]
    EmptyDirectory { dir: PathBuf },
}

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Capture,
    ZeekLog,
    /// Neither (or unreadable): left to the capture reader, whose error names the file.
    Other,
}

/// pcap (both byte orders, micro- and nanosecond) and pcapng magic numbers.
const CAPTURE_MAGICS: [[u8; 4]; 5] = [
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x0a, 0x0d, 0x0d, 0x0a],
];

/// Tells a capture from a Zeek log (TSV or JSON, plain or gzip) by its first bytes. Only
/// regular files are opened: a pipe or device is left to the capture reader unread.
pub fn sniff(path: &Path) -> Content {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Content::Other;
    }
    let Ok(mut file) = File::open(path) else { return Content::Other };
    let mut magic = [0u8; 4];
    if file.read_exact(&mut magic).is_ok() && CAPTURE_MAGICS.contains(&magic) {
        return Content::Capture;
    }
    let Ok(file) = File::open(path) else { return Content::Other };
    let Ok((mut reader, _)) = zeek::detect::decompressing(file) else { return Content::Other };
    match zeek::detect::sniff(&mut reader) {
        Ok(zeek::detect::Sniffed::Log(_)) => Content::ZeekLog,
        _ => Content::Other,
    }
}

impl Input {
    /// Decides what `paths` hold. A directory of captures gives its files (sorted, walked
    /// recursively, files that are neither kind included so they are reported as bad); a
    /// directory with Zeek logs is passed on whole. A single unreadable path counts as a
    /// capture, so the capture reader reports it in its usual words.
    pub fn detect(paths: &[PathBuf]) -> Result<Input, InputError> {
        if paths.is_empty() {
            return Err(InputError::Nothing);
        }
        let mut captures: Vec<PathBuf> = Vec::new();
        let mut logs: Vec<PathBuf> = Vec::new();
        for path in paths {
            if !path.is_dir() {
                match sniff(path) {
                    Content::ZeekLog => logs.push(path.clone()),
                    Content::Capture | Content::Other => captures.push(path.clone()),
                }
                continue;
            }
            let (files, _) = zeek::archive::expand(std::slice::from_ref(path));
            let kinds: Vec<(PathBuf, Content)> = files
                .into_iter()
                .map(|f| {
                    let kind = sniff(&f);
                    (f, kind)
                })
                .collect();
            if let Some((log, _)) = kinds.iter().find(|(_, k)| *k == Content::ZeekLog) {
                if let Some((capture, _)) = kinds.iter().find(|(_, k)| *k == Content::Capture) {
                    return Err(InputError::Mixed { capture: capture.clone(), log: log.clone() });
                }
                logs.push(path.clone());
            } else if kinds.iter().any(|(_, k)| *k == Content::Capture) {
                captures.extend(kinds.into_iter().map(|(f, _)| f));
            } else {
                return Err(InputError::EmptyDirectory { dir: path.clone() });
            }
        }
        if logs.is_empty() {
            return Ok(Input::Captures(captures));
        }
        // Beside logs, a file that is not a capture is the log reader's to report.
        if let (Some(capture), Some(log)) = (captures.iter().find(|c| sniff(c) == Content::Capture), logs.first()) {
            return Err(InputError::Mixed { capture: capture.clone(), log: log.clone() });
        }
        logs.extend(captures);
        Ok(Input::ZeekLogs(logs))
    }

    pub fn paths(&self) -> &[PathBuf] {
        match self {
            Input::Captures(p) | Input::ZeekLogs(p) => p,
        }
    }

    pub fn is_zeek(&self) -> bool {
        matches!(self, Input::ZeekLogs(_))
    }

    /// A short name for titles: the one path, or the first and how many more.
    pub fn display_name(&self) -> String {
        let name =
            |p: &Path| p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned());
        match self.paths() {
            [] => String::new(),
            [one] => name(one),
            [first, rest @ ..] => format!("{} and {} more", name(first), rest.len()),
        }
    }

    /// The paths joined, for reports.
    pub fn describe(&self) -> String {
        self.paths().iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rel: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/")).join(rel)
    }

    #[test]
    fn content_not_names_decides() {
        assert_eq!(sniff(&sample("icloud.pcap")), Content::Capture);
        assert_eq!(sniff(&sample("pcapng-two-interfaces.pcapng")), Content::Capture);
        assert_eq!(sniff(&sample("zeek/icloud/conn.log")), Content::ZeekLog);
        assert_eq!(sniff(&sample("zeek/icloud-json/dns.log")), Content::ZeekLog);
        assert_eq!(sniff(&sample("zeek/icloud-archive/2025-06-09/conn.17:00:00-18:00:00.log.gz")), Content::ZeekLog);
        assert_eq!(sniff(&sample("garbage.pcap")), Content::Other);
        assert_eq!(sniff(Path::new("/no/such/file")), Content::Other);
        // A log renamed .pcap is still a log.
        let dir = tempfile::tempdir().unwrap();
        let renamed = dir.path().join("conn.pcap");
        std::fs::copy(sample("zeek/icloud/conn.log"), &renamed).unwrap();
        assert_eq!(sniff(&renamed), Content::ZeekLog);
    }

    #[test]
    fn files_and_directories_become_one_input() {
        let one = Input::detect(&[sample("icloud.pcap")]).unwrap();
        assert_eq!(one, Input::Captures(vec![sample("icloud.pcap")]));
        let logs = Input::detect(&[sample("zeek/icloud")]).unwrap();
        assert_eq!(logs, Input::ZeekLogs(vec![sample("zeek/icloud")]));
        let missing = Input::detect(&[PathBuf::from("/no/such.pcap")]).unwrap();
        assert!(matches!(missing, Input::Captures(_)), "the capture reader names a missing file");
        let mixed = Input::detect(&[sample("icloud.pcap"), sample("zeek/icloud/conn.log")]).unwrap_err();
        assert!(mixed.to_string().contains("not both"), "{mixed}");
        assert_eq!(Input::detect(&[]).unwrap_err(), InputError::Nothing);
    }

    #[test]
    fn a_directory_of_captures_lists_them_sorted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(sample("icloud.pcap"), dir.path().join("b.pcap")).unwrap();
        std::fs::copy(sample("raw-ip-101.pcap"), dir.path().join("a.pcap")).unwrap();
        std::fs::copy(sample("garbage.pcap"), dir.path().join("c.pcap")).unwrap();
        let input = Input::detect(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<_> = input.paths().iter().map(|p| p.file_name().unwrap().to_owned()).collect();
        assert_eq!(names, ["a.pcap", "b.pcap", "c.pcap"]);
        assert_eq!(input.display_name(), "a.pcap and 2 more");
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(Input::detect(&[empty.path().into()]), Err(InputError::EmptyDirectory { .. })));
    }
}

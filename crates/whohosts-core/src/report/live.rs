//! The live-capture part of a report: where and how long it captured, and the packet
//! counters, kernel drops included, so that a report never hides lost packets.

use serde::Serialize;

use crate::capture::{LiveStats, SavedCapture};
use crate::units::counted;

#[derive(Debug, Clone, Serialize)]
pub struct LiveRecord {
    pub interface: String,
    pub filter: Option<String>,
    /// Seconds the capture ran.
    pub seconds: f64,
    pub stats: LiveStats,
    /// Frames analysed per second of capture.
    pub packets_per_second: f64,
    pub saved: Option<SavedCapture>,
}

impl LiveRecord {
    /// One line for people: what was captured and what was lost where (the cause of a
    /// kernel drop only when there was one).
    pub fn summary(&self) -> String {
        let s = &self.stats;
        let kernel_dropped = match s.dropped {
            0 => "none dropped".to_string(),
            n => format!("dropped {n} (buffer full: not read fast enough)"),
        };
        format!(
            "captured on {} for {:.1} s: {} analysed ({:.0}/s); kernel received {}, {kernel_dropped}; interface dropped {}",
            self.interface,
            self.seconds,
            counted(s.analysed, "packet"),
            self.packets_per_second,
            s.received,
            s.if_dropped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(analysed: u64, dropped: u64) -> LiveRecord {
        LiveRecord {
            interface: "lo".into(),
            filter: None,
            seconds: 2.0,
            stats: LiveStats { analysed, received: analysed + dropped, dropped, ..LiveStats::default() },
            packets_per_second: analysed as f64 / 2.0,
            saved: None,
        }
    }

    #[test]
    fn drops_are_explained_only_when_there_are_some() {
        let quiet = record(10, 0).summary();
        assert!(quiet.contains("10 packets analysed") && quiet.contains("none dropped"), "{quiet}");
        assert!(!quiet.contains("buffer full"), "{quiet}");
        let lossy = record(1, 7).summary();
        assert!(lossy.contains("1 packet analysed") && lossy.contains("dropped 7 (buffer full"), "{lossy}");
    }
}

//! The live-capture part of a report: where and how long it captured, and the packet
//! counters, kernel drops included, so that a report never hides lost packets.

use serde::Serialize;

use crate::capture::{LiveStats, SavedCapture};

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
    /// One line for people: what was captured and what was lost where.
    pub fn summary(&self) -> String {
        let s = &self.stats;
        format!(
            "captured on {} for {:.1} s: {} packets analysed ({:.0}/s); kernel received {}, dropped {} (buffer full: not read fast enough); interface dropped {}",
            self.interface, self.seconds, s.analysed, self.packets_per_second, s.received, s.dropped, s.if_dropped
        )
    }
}

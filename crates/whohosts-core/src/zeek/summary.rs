//! A conn.log line as the connection an analysis counts.

use crate::flows::{flags_from_history, ConnectionSummary, DirectionStats};

use super::records::{ConnLine, Transport};

impl ConnLine<'_> {
    /// IP bytes per direction (IP headers included, link layer not, as Zeek counts them),
    /// flags from the history letters.
    pub fn summary(&self) -> ConnectionSummary {
        let (proto, ports) = match self.proto {
            Transport::Tcp => (6, true),
            Transport::Udp => (17, true),
            Transport::Icmp if self.id.orig_h.is_ipv6() => (58, false),
            Transport::Icmp => (1, false),
            Transport::Other(_) => (0, false),
        };
        // A capture gives ICMP and unknown transports no ports; Zeek puts type and code there.
        let port = |p: u16| if ports { p } else { 0 };
        let (orig_flags, resp_flags) =
            if proto == 6 { self.history.as_deref().map_or((0, 0), flags_from_history) } else { (0, 0) };
        let stats = |packets, bytes, tcp_flags| DirectionStats { packets, bytes, captured_bytes: 0, tcp_flags };
        ConnectionSummary {
            proto,
            orig: (self.id.orig_h, port(self.id.orig_p)),
            resp: (self.id.resp_h, port(self.id.resp_p)),
            start_ns: self.ts.nanos,
            duration_ns: self.duration.map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)),
            orig_stats: stats(self.orig_pkts, self.orig_ip_bytes, orig_flags),
            resp_stats: stats(self.resp_pkts, self.resp_ip_bytes, resp_flags),
        }
    }
}

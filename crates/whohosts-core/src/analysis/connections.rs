//! Feeding an analysis whole connections (from a log such as Zeek's conn.log) instead of
//! frames: flows, endpoints, totals and a timeline spread over each connection's duration,
//! and names handed in by the log reader. The frame path in analysis.rs is untouched.

use std::sync::Arc;

use crate::flows::ConnectionSummary;
use crate::names::NameBook;
use crate::timeline::Counts;

use super::Analysis;

impl Analysis {
    /// Counts one logged connection: its flow (lines of one 5-tuple add up), its remote
    /// endpoint, the totals (packets and bytes as the log counts them; nothing "captured")
    /// and the timeline, spread evenly over the duration since a log has no packet times.
    pub fn add_connection(&mut self, c: &ConnectionSummary) {
        let packets = c.orig_stats.packets + c.resp_stats.packets;
        let bytes = c.orig_stats.bytes + c.resp_stats.bytes;
        let (start, end) = (c.start_ns, c.end_ns());
        let t = &mut self.totals;
        t.frames += packets;
        t.ip_frames += packets;
        t.bytes += bytes;
        t.first_ns = Some(t.first_ns.map_or(start, |f| f.min(start)));
        t.last_ns = Some(t.last_ns.map_or(end, |l| l.max(end)));

        let hit = self.flows.add_summary(c, &self.config.local);
        if hit.created {
            let (remote, other) = self.flows.get(hit.id).map_or((c.resp.0, false), |f| (f.remote().0, f.other));
            let endpoint = self.endpoint_for(remote, start, other);
            self.flow_endpoint.push(endpoint);
            if let Some(e) = self.endpoints.get_mut(endpoint as usize) {
                e.flows += 1;
            }
        }
        let Some(&endpoint) = self.flow_endpoint.get(hit.id as usize) else { return };
        if let Some(e) = self.endpoints.get_mut(endpoint as usize) {
            e.packets += packets;
            e.bytes += bytes;
            e.first_ns = e.first_ns.min(start);
            e.last_ns = e.last_ns.max(end);
        }
        Arc::make_mut(&mut self.timeline).add_spread(endpoint, start, c.duration_ns, Counts { bytes, packets });
    }

    /// Whether names are to be learned at all (`--no-names` turns it off).
    pub fn learns_names(&self) -> bool {
        self.config.learn_names
    }

    /// The name book, for a reader that learns names from logs rather than frames.
    pub fn names_mut(&mut self) -> &mut NameBook {
        &mut self.names
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use crate::analysis::AnalysisConfig;
    use crate::flows::DirectionStats;
    use crate::timeline::LEVEL_WIDTHS_NS;

    use super::*;

    const S: i64 = 1_000_000_000;

    fn conn(resp: &str, rport: u16, start: i64, duration: i64, bytes: (u64, u64)) -> ConnectionSummary {
        let stats = |bytes| DirectionStats { packets: 2, bytes, captured_bytes: 0, tcp_flags: 0 };
        ConnectionSummary {
            proto: 6,
            orig: ("192.168.1.23".parse().unwrap(), 50000 + rport),
            resp: (resp.parse().unwrap(), rport),
            start_ns: start,
            duration_ns: duration,
            orig_stats: stats(bytes.0),
            resp_stats: stats(bytes.1),
        }
    }

    #[test]
    fn connections_become_flows_endpoints_totals_and_a_spread_timeline() {
        let mut a = Analysis::new(AnalysisConfig::default());
        a.add_connection(&conn("16.15.101.37", 443, 100 * S, 4 * S, (1000, 9000)));
        a.add_connection(&conn("16.15.101.37", 444, 101 * S, 0, (50, 50)));
        a.add_connection(&conn("13.88.144.120", 443, 102 * S, S, (10, 20)));
        a.finish();
        assert_eq!(a.flows().len(), 3);
        assert_eq!(a.endpoints().len(), 2);
        let e = &a.endpoints()[0];
        assert_eq!((e.ip, e.bytes, e.packets, e.flows), ("16.15.101.37".parse::<IpAddr>().unwrap(), 10_100, 8, 2));
        assert_eq!((e.first_ns, e.last_ns), (100 * S, 104 * S));
        let t = a.totals();
        assert_eq!((t.frames, t.bytes, t.captured_bytes), (12, 10_130, 0));
        assert_eq!((t.first_ns, t.last_ns), (Some(100 * S), Some(104 * S)));
        let level = a.timeline().level_for(0, 200 * S, 10_000);
        assert_eq!(LEVEL_WIDTHS_NS[level], S, "1 s bins, the finest a log supports");
        let bins = a.timeline().bins(level, 0, 200 * S);
        assert_eq!(bins.iter().map(|b| b.2.bytes).sum::<u64>(), 10_130);
        let first_endpoint: Vec<u64> = bins.iter().filter(|b| b.1 == 0).map(|b| b.2.bytes).collect();
        // 10 000 bytes over 4 s, plus the instant connection at 101 s.
        assert_eq!(first_endpoint, vec![2500, 2500 + 100, 2500, 2500]);
    }
}

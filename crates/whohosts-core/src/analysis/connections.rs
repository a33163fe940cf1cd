//! Feeding an analysis whole connections (from a log such as Zeek's conn.log) instead of
//! frames: flows, endpoints, totals and a timeline spread over each connection's duration,
//! and names handed in by the log reader. The frame path in analysis.rs is untouched.

use std::sync::Arc;

use crate::flows::{ConnectionSummary, FlowHit, FlowId};
use crate::names::NameBook;
use crate::reorder::{inverse, permute};
use crate::timeline::{Counts, Spread, Timeline};

use super::{Analysis, EndpointId};

impl Analysis {
    /// Counts one logged connection: its flow (lines of one 5-tuple add up), its remote
    /// endpoint, the totals (packets and bytes as the log counts them; nothing "captured")
    /// and the timeline, spread evenly over the duration since a log has no packet times.
    pub fn add_connection(&mut self, c: &ConnectionSummary) {
        self.add_connections(std::slice::from_ref(c));
    }

    /// [`Analysis::add_connection`] for each connection in turn. The shared flows and
    /// timeline are made writable once for the whole batch (see `flows::Lookup`).
    pub fn add_connections(&mut self, batch: &[ConnectionSummary]) {
        let mut spreads = Vec::with_capacity(batch.len());
        self.count_connections(batch, &mut spreads);
        Arc::make_mut(&mut self.timeline).add_spreads(&spreads);
    }

    /// [`Analysis::add_connections`] but for the timeline: what each connection adds to it
    /// is pushed on `spreads`, for a timeline taken out with [`Analysis::take_timeline`].
    pub fn count_connections(&mut self, batch: &[ConnectionSummary], spreads: &mut Vec<Spread>) {
        let mut hits = Vec::with_capacity(batch.len());
        self.flows.add_summaries(batch, &self.config.local, &mut hits);
        for (c, hit) in batch.iter().zip(hits) {
            if let Some(series) = self.count_connection(c, hit) {
                let counts = Counts { bytes: c.bytes(), packets: c.packets() };
                spreads.push(Spread { series, start_ns: c.start_ns, duration_ns: c.duration_ns, counts });
            }
        }
    }

    /// The timeline, taken out (an empty one left) to be added to on another thread while
    /// connections are counted; [`Analysis::put_timeline`] puts it back.
    pub fn take_timeline(&mut self) -> Arc<Timeline> {
        std::mem::take(&mut self.timeline)
    }

    pub fn put_timeline(&mut self, timeline: Arc<Timeline>) {
        self.timeline = timeline;
    }

    /// Counts a connection, already counted in its flow, in the totals and its endpoint;
    /// gives the endpoint.
    fn count_connection(&mut self, c: &ConnectionSummary, hit: FlowHit) -> Option<EndpointId> {
        let (packets, bytes) = (c.packets(), c.bytes());
        let (start, end) = (c.start_ns, c.end_ns());
        let t = &mut self.totals;
        t.frames += packets;
        t.ip_frames += packets;
        t.bytes += bytes;
        t.first_ns = Some(t.first_ns.map_or(start, |f| f.min(start)));
        t.last_ns = Some(t.last_ns.map_or(end, |l| l.max(end)));

        if hit.created {
            let (remote, other) =
                self.flows.get(hit.id).map_or((c.resp.0, false), |f| (f.remote().0, f.stands_for_every_address()));
            let endpoint = self.endpoint_for(remote, start, other);
            self.flow_endpoint.push(endpoint);
            if let Some(e) = self.endpoints.get_mut(endpoint as usize) {
                e.flows += 1;
            }
        }
        let endpoint = *self.flow_endpoint.get(hit.id as usize)?;
        if let Some(e) = self.endpoints.get_mut(endpoint as usize) {
            e.packets += packets;
            e.bytes += bytes;
            e.first_ns = e.first_ns.min(start);
            e.last_ns = e.last_ns.max(end);
        }
        Some(endpoint)
    }

    /// Renumbers flows and endpoints in order of start (ties keep the order read), as if the
    /// connections had been added in time order: Zeek writes a connection when it ends, so
    /// conn.log is not sorted by start. Owners are decided again at the next flush.
    pub fn order_connections_by_start(&mut self) {
        let flows = self.flows.flows();
        let mut order: Vec<FlowId> = (0..flows.len()).map(|i| FlowId::try_from(i).unwrap_or(FlowId::MAX)).collect();
        order.sort_by_key(|&id| (flows.get(id as usize).map_or(i64::MAX, |f| f.first_ns), id));
        self.flows.reorder(&order);
        permute(&mut self.flow_endpoint, &order);

        let mut order: Vec<EndpointId> =
            (0..self.endpoints.len()).map(|i| EndpointId::try_from(i).unwrap_or(EndpointId::MAX)).collect();
        let endpoints = &self.endpoints;
        order.sort_by_key(|&id| (endpoints.get(id as usize).map_or(i64::MAX, |e| e.first_ns), id));
        permute(&mut self.endpoints, &order);
        let new_of_old = inverse(&order);
        let renumber = |id: &mut EndpointId| *id = new_of_old.get(*id as usize).copied().unwrap_or(*id);
        self.flow_endpoint.iter_mut().for_each(renumber);
        self.endpoint_index.values_mut().for_each(renumber);
        if let Some(other) = &mut self.other_endpoint {
            renumber(other);
        }
        self.endpoint_owner.clear();
        Arc::make_mut(&mut self.timeline).renumber_series(&new_of_old);
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

    #[test]
    fn connections_read_out_of_order_are_numbered_by_start() {
        let in_order = [
            conn("13.88.144.120", 443, 100 * S, S, (10, 20)),
            conn("16.15.101.37", 443, 101 * S, 4 * S, (1000, 9000)),
            conn("13.88.144.120", 80, 102 * S, 0, (5, 5)),
            conn("17.248.185.80", 443, 103 * S, S, (7, 7)),
        ];
        let mut sorted = Analysis::new(AnalysisConfig::default());
        in_order.iter().for_each(|c| sorted.add_connection(c));
        sorted.finish();
        let mut shuffled = Analysis::new(AnalysisConfig::default());
        for i in [3, 1, 2, 0] {
            shuffled.add_connection(&in_order[i]);
        }
        shuffled.order_connections_by_start();
        shuffled.finish();
        let flows = |a: &Analysis| a.flows().flows().iter().map(|f| (f.dst, f.dst_port, f.bytes())).collect::<Vec<_>>();
        assert_eq!(flows(&shuffled), flows(&sorted));
        let endpoints = |a: &Analysis| a.endpoints().iter().map(|e| (e.ip, e.bytes, e.first_ns)).collect::<Vec<_>>();
        assert_eq!(endpoints(&shuffled), endpoints(&sorted));
        assert_eq!(shuffled.flow_endpoints(), sorted.flow_endpoints());
        let level = sorted.timeline().level_for(0, 200 * S, 10_000);
        assert_eq!(shuffled.timeline().bins(level, 0, 200 * S), sorted.timeline().bins(level, 0, 200 * S));
    }
}

//! A simulated TCP connection: handshake, data in MSS-sized segments with delayed ACKs,
//! and an orderly close. It produces IP packets tagged with their direction and time; the
//! caller adds the link layer.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Result;

use super::net::{self, IpMeta, TcpSeg};

/// One IP packet of a simulated exchange.
#[derive(Clone, Debug)]
pub struct IpPacket {
    pub ts: Duration,
    pub from_client: bool,
    pub bytes: Vec<u8>,
}

/// Payload bytes per segment: MSS 1460 less the 12-byte timestamp option.
pub const SEGMENT: usize = 1448;

pub struct TcpFlow {
    pub client: SocketAddr,
    pub server: SocketAddr,
    /// Time of the next packet.
    pub t: Duration,
    rtt: Duration,
    /// Gap between back-to-back segments (link speed).
    gap: Duration,
    next_seq: [u32; 2],
    ip_id: [u16; 2],
    ttl: [u8; 2],
    ts_base: [u32; 2],
    pub packets: Vec<IpPacket>,
}

const CLIENT: usize = 0;
const SERVER: usize = 1;

impl TcpFlow {
    pub fn new(client: SocketAddr, server: SocketAddr, start: Duration, rtt_ms: u64, seed: u32) -> TcpFlow {
        TcpFlow {
            client,
            server,
            t: start,
            rtt: Duration::from_millis(rtt_ms),
            gap: Duration::from_micros(400),
            next_seq: [seed.wrapping_mul(2_654_435_761), seed.wrapping_mul(40_503).wrapping_add(977)],
            ip_id: [(seed as u16).wrapping_mul(31), (seed as u16).wrapping_mul(7)],
            ttl: [64, 50],
            ts_base: [seed.wrapping_mul(1_000_003), seed.wrapping_mul(7_919)],
            packets: Vec::new(),
        }
    }

    fn tsval(&self, side: usize, at: Duration) -> u32 {
        self.ts_base[side].wrapping_add(at.as_millis() as u32)
    }

    /// Emits one segment from `side` at `at`; advances that side's sequence number.
    fn emit(&mut self, side: usize, at: Duration, mut seg: TcpSeg, payload: &[u8]) -> Result<()> {
        let (src, dst) = if side == CLIENT { (self.client, self.server) } else { (self.server, self.client) };
        let other = 1 - side;
        seg.seq = self.next_seq[side];
        if seg.ack.is_some() {
            seg.ack = Some(self.next_seq[other]);
        }
        seg.window = if side == CLIENT { 2048 } else { 501 };
        seg.timestamps = Some((self.tsval(side, at), self.tsval(other, at.saturating_sub(self.rtt / 2))));
        let meta = IpMeta { ip_id: self.ip_id[side], ttl: self.ttl[side] };
        self.ip_id[side] = self.ip_id[side].wrapping_add(1);
        let bytes = net::tcp(src, dst, meta, &seg, payload)?;
        let used = payload.len() as u32 + u32::from(seg.syn) + u32::from(seg.fin);
        self.next_seq[side] = self.next_seq[side].wrapping_add(used);
        self.packets.push(IpPacket { ts: at, from_client: side == CLIENT, bytes });
        Ok(())
    }

    /// SYN, SYN-ACK, ACK.
    pub fn handshake(&mut self) -> Result<()> {
        let t = self.t;
        let syn = TcpSeg { syn: true, syn_options: Some((1460, 6)), ..TcpSeg::default() };
        self.emit(CLIENT, t, syn, &[])?;
        let syn_ack = TcpSeg { syn: true, ack: Some(0), syn_options: Some((1460, 9)), ..TcpSeg::default() };
        self.emit(SERVER, t + self.rtt / 2, syn_ack, &[])?;
        self.emit(CLIENT, t + self.rtt, TcpSeg { ack: Some(0), ..TcpSeg::default() }, &[])?;
        self.t = t + self.rtt + self.gap;
        Ok(())
    }

    /// Sends `data` from one side in segments of at most `segment` bytes, PSH on the last;
    /// the receiver ACKs every second segment and the last one. Returns when the last ACK
    /// has arrived.
    pub fn send_segmented(&mut self, from_client: bool, data: &[u8], segment: usize) -> Result<()> {
        let side = if from_client { CLIENT } else { SERVER };
        let chunks: Vec<&[u8]> = data.chunks(segment.max(1)).collect();
        let mut at = self.t;
        let mut last_ack_at = at;
        for (i, chunk) in chunks.iter().enumerate() {
            let last = i + 1 == chunks.len();
            self.emit(side, at, TcpSeg { ack: Some(0), psh: last, ..TcpSeg::default() }, chunk)?;
            if i % 2 == 1 || last {
                // Delayed ACK from the receiver half a round trip later.
                last_ack_at = at + self.rtt / 2;
                self.emit(1 - side, last_ack_at, TcpSeg { ack: Some(0), ..TcpSeg::default() }, &[])?;
            }
            at += self.gap;
        }
        self.t = last_ack_at.max(at) + self.gap;
        Ok(())
    }

    /// Sends `data` in MSS-sized segments.
    pub fn send(&mut self, from_client: bool, data: &[u8]) -> Result<()> {
        self.send_segmented(from_client, data, SEGMENT)
    }

    /// Lets time pass on the connection (think time).
    pub fn idle(&mut self, d: Duration) {
        self.t += d;
    }

    /// Client FIN, server FIN-ACK, client ACK.
    pub fn close(&mut self) -> Result<()> {
        let t = self.t;
        self.emit(CLIENT, t, TcpSeg { ack: Some(0), fin: true, ..TcpSeg::default() }, &[])?;
        self.emit(SERVER, t + self.rtt / 2, TcpSeg { ack: Some(0), fin: true, ..TcpSeg::default() }, &[])?;
        self.emit(CLIENT, t + self.rtt, TcpSeg { ack: Some(0), ..TcpSeg::default() }, &[])?;
        self.t = t + self.rtt;
        Ok(())
    }
}

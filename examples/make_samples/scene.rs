//! A home network seen from the Wi-Fi: an iPhone behind a router that is also its DNS
//! resolver. `Scene` turns UDP exchanges, DNS look-ups and simulated TCP/TLS sessions into
//! Ethernet frames with the right MACs and times.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::Result;
use simple_dns::TYPE;

use super::net::{self, ethernet, IpMeta, Mac};
use super::tcp::{IpPacket, TcpFlow};
use super::writer::Frame;
use super::{dns, tls};

pub const PHONE_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 23);
pub const ROUTER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 1);
/// Apple, Inc. OUI F0:98:9D (Wireshark's manuf).
pub const PHONE_MAC: Mac = [0xf0, 0x98, 0x9d, 0x4a, 0x21, 0x07];
/// Netgear OUI A0:63:91.
pub const ROUTER_MAC: Mac = [0xa0, 0x63, 0x91, 0x0c, 0x5e, 0x10];

pub struct Scene {
    pub frames: Vec<Frame>,
    start: Duration,
    next_port: u16,
    next_dns_id: u16,
    ip_id: [u16; 2],
    next_seed: u32,
}

/// What a simulated HTTPS session sends.
pub struct Https<'a> {
    pub server: IpAddr,
    pub sni: &'a str,
    pub split_hello: bool,
    pub upload: usize,
    pub download: usize,
    pub rtt_ms: u64,
}

impl Scene {
    pub fn new(start_unix: u64) -> Scene {
        Scene {
            frames: Vec::new(),
            start: Duration::from_secs(start_unix),
            next_port: 49_320,
            next_dns_id: 0x3a1c,
            ip_id: [0x1f00, 0x8200],
            next_seed: 7,
        }
    }

    /// Absolute time `secs` after the start of the capture.
    pub fn at(&self, secs: f64) -> Duration {
        self.start + Duration::from_secs_f64(secs)
    }

    pub fn port(&mut self) -> u16 {
        self.next_port += 1 + self.next_port % 7;
        self.next_port
    }

    pub fn push(&mut self, ts: Duration, data: Vec<u8>) {
        self.frames.push(Frame { ts, data });
    }

    /// An IP packet between the phone and the router (or beyond it).
    pub fn push_ip(&mut self, ts: Duration, from_phone: bool, ip: &[u8]) {
        let frame = if from_phone { ethernet(PHONE_MAC, ROUTER_MAC, ip) } else { ethernet(ROUTER_MAC, PHONE_MAC, ip) };
        self.push(ts, frame);
    }

    pub fn meta(&mut self, from_phone: bool) -> IpMeta {
        let side = usize::from(!from_phone);
        self.ip_id[side] = self.ip_id[side].wrapping_add(1);
        IpMeta { ip_id: self.ip_id[side], ttl: if from_phone { 64 } else { 57 } }
    }

    /// One UDP datagram through the router.
    pub fn udp(&mut self, ts: Duration, src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> Result<()> {
        let from_phone = src.ip() == IpAddr::V4(PHONE_IP);
        let meta = self.meta(from_phone);
        let ip = net::udp(src, dst, meta, payload)?;
        self.push_ip(ts, from_phone, &ip);
        Ok(())
    }

    /// A look-up through the router: the query at `t`, the answer 18 ms later.
    pub fn dns(&mut self, t: f64, name: &str, qtype: TYPE, chain: &[&str], addrs: &[IpAddr]) -> Result<()> {
        let id = self.dns_id();
        let port = self.port();
        let phone = SocketAddr::new(PHONE_IP.into(), port);
        let resolver = SocketAddr::new(ROUTER_IP.into(), 53);
        self.udp(self.at(t), phone, resolver, &dns::query(id, name, qtype)?)?;
        let answer = dns::answer(id, name, qtype, chain, addrs)?;
        self.udp(self.at(t + 0.018), resolver, phone, &answer)
    }

    pub fn dns_id(&mut self) -> u16 {
        self.next_dns_id = self.next_dns_id.wrapping_mul(75).wrapping_add(74);
        self.next_dns_id
    }

    /// A TCP connection from a fresh phone port to `server` starting at `t`.
    pub fn tcp_flow(&mut self, t: f64, server: SocketAddr, rtt_ms: u64) -> TcpFlow {
        let client = SocketAddr::new(PHONE_IP.into(), self.port());
        self.next_seed = self.next_seed.wrapping_mul(48_271).wrapping_add(11);
        TcpFlow::new(client, server, self.at(t), rtt_ms, self.next_seed)
    }

    /// Adds every packet of a finished flow.
    pub fn add_flow(&mut self, flow: TcpFlow) {
        for IpPacket { ts, from_client, bytes } in flow.packets {
            self.push_ip(ts, from_client, &bytes);
        }
    }

    /// A TLS session: handshake, ClientHello (split over two segments if asked), an opaque
    /// server flight, then the upload and download as application data, then FIN.
    pub fn https(&mut self, t: f64, s: &Https) -> Result<Duration> {
        let mut flow = self.tcp_flow(t, SocketAddr::new(s.server, 443), s.rtt_ms);
        flow.handshake()?;
        let hello = tls::client_hello(s.sni)?;
        if s.split_hello {
            // The first segment ends before the SNI extension: a reader must reassemble.
            let (a, b) = hello.split_at(60.min(hello.len()));
            flow.send(true, a)?;
            flow.send(true, b)?;
        } else {
            flow.send(true, &hello)?;
        }
        flow.send(false, &tls::server_first_flight())?;
        let mut finished = vec![20, 3, 3, 0, 1, 1];
        finished.extend_from_slice(&tls::app_data(36));
        flow.send(true, &finished)?;
        let chunk = 256 * 1024;
        let (mut up, mut down) = (s.upload, s.download);
        while up > 0 || down > 0 {
            let u = up.min(chunk);
            flow.send(true, &tls::app_data(u.max(420)))?;
            up -= u;
            let d = down.min(chunk);
            flow.send(false, &tls::app_data(d.max(380)))?;
            down -= d;
        }
        flow.idle(Duration::from_millis(900));
        flow.close()?;
        let end = flow.t;
        self.add_flow(flow);
        Ok(end)
    }
}

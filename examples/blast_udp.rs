//! Loopback traffic generator for the live-capture benchmark (scripts/bench_live.sh): sends
//! small UDP datagrams from 127.0.0.1 to 127.0.0.1 at a fixed rate for a bounded time,
//! batched with sendmmsg, and prints how many it sent. Only ever sends to loopback.
//!
//! Usage: blast_udp [PACKETS_PER_SECOND] [SECONDS] [FLOWS]   (defaults: 600000 4 64)

use std::net::UdpSocket;
use std::os::unix::io::AsRawFd;
use std::time::{Duration, Instant};

const PAYLOAD: usize = 18;
const BATCH: usize = 64;
const MAX_SECONDS: f64 = 60.0;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, default: f64| args.get(i).and_then(|a| a.parse::<f64>().ok()).unwrap_or(default);
    let rate = arg(1, 600_000.0).clamp(1.0, 10_000_000.0);
    let seconds = arg(2, 4.0).clamp(0.1, MAX_SECONDS);
    let flows = arg(3, 64.0).clamp(1.0, 1024.0) as usize;

    // A receiver per flow, so that the kernel does not answer with port-unreachable errors;
    // nobody reads them (what they do not hold is dropped quietly, after capture).
    let receivers: Vec<UdpSocket> = (0..flows).map(|_| UdpSocket::bind("127.0.0.1:0")).collect::<Result<_, _>>()?;
    let sender = UdpSocket::bind("127.0.0.1:0")?;
    let addrs: Vec<libc::sockaddr_in> = receivers
        .iter()
        .map(|r| {
            let port = r.local_addr().map(|a| a.port()).unwrap_or(9);
            // SAFETY: sockaddr_in is plain data; all-zero is a valid value to fill in.
            let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
            sa.sin_family = libc::AF_INET as libc::sa_family_t;
            sa.sin_port = port.to_be();
            sa.sin_addr.s_addr = u32::from(std::net::Ipv4Addr::LOCALHOST).to_be();
            sa
        })
        .collect();

    let payload = [0x5au8; PAYLOAD];
    let started = Instant::now();
    let end = started + Duration::from_secs_f64(seconds);
    let mut sent: u64 = 0;
    let mut next_flow = 0usize;
    while Instant::now() < end {
        // Pace: send only what the rate allows by now.
        let due = (started.elapsed().as_secs_f64() * rate) as u64;
        if sent >= due {
            std::thread::sleep(Duration::from_micros(100));
            continue;
        }
        let n = ((due - sent) as usize).min(BATCH);
        let mut iovecs: Vec<libc::iovec> =
            (0..n).map(|_| libc::iovec { iov_base: payload.as_ptr() as *mut libc::c_void, iov_len: PAYLOAD }).collect();
        let mut headers: Vec<libc::mmsghdr> = (0..n)
            .map(|i| {
                let addr = &addrs[(next_flow + i) % flows];
                // SAFETY: msghdr is plain data; the pointers set below outlive the call.
                let mut h: libc::mmsghdr = unsafe { std::mem::zeroed() };
                h.msg_hdr.msg_name = addr as *const libc::sockaddr_in as *mut libc::c_void;
                h.msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
                h.msg_hdr.msg_iov = &mut iovecs[i];
                h.msg_hdr.msg_iovlen = 1;
                h
            })
            .collect();
        // SAFETY: `headers` holds n initialised entries pointing at live buffers and addresses.
        let r = unsafe { libc::sendmmsg(sender.as_raw_fd(), headers.as_mut_ptr(), n as libc::c_uint, 0) };
        if r > 0 {
            sent += r as u64;
            next_flow = (next_flow + r as usize) % flows;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!("sent {sent} packets in {elapsed:.2} s ({:.0}/s)", sent as f64 / elapsed);
    Ok(())
}

//! Loopback traffic generator for the live-capture benchmark (scripts/bench_live.sh): puts
//! small UDP frames straight onto the loopback interface through a packet socket, at a fixed
//! rate for a bounded time, batched with sendmmsg, and prints how many it sent.
//!
//! The frames go from 127.0.0.1 to the benchmarking range 198.18.0.0/15 (RFC 2544), which
//! no host here owns and which is not forwarded: the kernel drops each frame right after the
//! capture taps have seen it. That keeps the generator's cost to one copy per frame (about
//! 0.5 µs), where a UDP socket pair paid the whole send and receive path and could not offer
//! the 500,000 frames/s the benchmark needs on two cores. Frames never leave loopback.
//! Needs root or cap_net_raw.
//!
//! Usage: blast_udp [PACKETS_PER_SECOND] [SECONDS] [FLOWS] [THREADS]   (defaults: 600000 4 64 2)
//! Each thread has its own socket and sends its share of the rate and of the flows.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use etherparse::PacketBuilder;

const PAYLOAD: usize = 18;
const BATCH: usize = 256;
const MAX_SECONDS: f64 = 60.0;

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, default: f64| args.get(i).and_then(|a| a.parse::<f64>().ok()).unwrap_or(default);
    let rate = arg(1, 600_000.0).clamp(1.0, 10_000_000.0);
    let seconds = arg(2, 4.0).clamp(0.1, MAX_SECONDS);
    let flows = arg(3, 64.0).clamp(1.0, 65_536.0) as usize;
    let threads = (arg(4, 2.0) as usize).clamp(1, 16).min(flows);

    let frames: Vec<Vec<u8>> = (0..flows).map(frame_of_flow).collect::<Result<_, _>>()?;
    let started = Instant::now();
    let sent = std::thread::scope(|scope| {
        let senders: Vec<_> = (0..threads)
            .map(|t| {
                let share: Vec<&[u8]> = frames.iter().skip(t).step_by(threads).map(Vec::as_slice).collect();
                scope.spawn(move || send_paced(&share, rate / threads as f64, seconds))
            })
            .collect();
        senders
            .into_iter()
            .map(|s| s.join().unwrap_or_else(|_| Err("sender thread panicked".into())))
            .sum::<Result<u64, _>>()
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    println!("sent {sent} packets in {elapsed:.2} s ({:.0}/s)", sent as f64 / elapsed);
    Ok(())
}

/// Sends `frames` round-robin at `rate` per second for `seconds`; returns how many went.
fn send_paced(frames: &[&[u8]], rate: f64, seconds: f64) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
    let socket = LoopbackSocket::open()?;
    let flows = frames.len();
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
        let batch: Vec<&[u8]> = (0..n).map(|i| frames[(next_flow + i) % flows]).collect();
        let accepted = socket.send_batch(&batch)?;
        sent += accepted as u64;
        next_flow = (next_flow + accepted) % flows;
    }
    Ok(sent)
}

/// One Ethernet frame per flow: 127.0.0.1 to a benchmarking address, ports by flow.
fn frame_of_flow(flow: usize) -> Result<Vec<u8>, etherparse::err::packet::BuildWriteError> {
    let flow16 = flow as u16;
    let dst = Ipv4Addr::new(198, 18, (flow16 >> 8) as u8, flow16 as u8);
    let mut frame = Vec::new();
    PacketBuilder::ethernet2([0; 6], [0; 6])
        .ipv4(Ipv4Addr::LOCALHOST.octets(), dst.octets(), 64)
        .udp(1024 + flow16 % 60_000, 9)
        .write(&mut frame, &[0x5a; PAYLOAD])?;
    Ok(frame)
}

/// A raw packet socket bound to the loopback interface.
struct LoopbackSocket {
    fd: std::os::fd::OwnedFd,
}

impl LoopbackSocket {
    fn open() -> std::io::Result<LoopbackSocket> {
        use std::os::fd::FromRawFd;
        // SAFETY: plain system calls; the descriptor is owned (and closed) by OwnedFd.
        let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW, 0) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` is a fresh descriptor that nothing else owns.
        let fd = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) };
        // SAFETY: the name is a valid C string.
        let index = unsafe { libc::if_nametoindex(c"lo".as_ptr()) };
        if index == 0 {
            return Err(std::io::Error::last_os_error());
        }
        let address = loopback_address(index);
        // SAFETY: `address` is a valid sockaddr_ll of the size given.
        let bound = unsafe {
            use std::os::fd::AsRawFd;
            libc::bind(
                fd.as_raw_fd(),
                (&address as *const libc::sockaddr_ll).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if bound < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(LoopbackSocket { fd })
    }

    /// Sends the frames with one system call; returns how many the kernel took.
    fn send_batch(&self, frames: &[&[u8]]) -> std::io::Result<usize> {
        use std::os::fd::AsRawFd;
        let mut iovecs: Vec<libc::iovec> = frames
            .iter()
            .map(|f| libc::iovec { iov_base: f.as_ptr() as *mut libc::c_void, iov_len: f.len() })
            .collect();
        let mut headers: Vec<libc::mmsghdr> = iovecs
            .iter_mut()
            .map(|iov| {
                // SAFETY: mmsghdr is plain data; all-zero is a valid value to fill in.
                let mut h: libc::mmsghdr = unsafe { std::mem::zeroed() };
                h.msg_hdr.msg_iov = iov;
                h.msg_hdr.msg_iovlen = 1;
                h
            })
            .collect();
        // SAFETY: `headers` holds initialised entries pointing at live buffers; the socket
        // is bound, so no address is needed.
        let sent =
            unsafe { libc::sendmmsg(self.fd.as_raw_fd(), headers.as_mut_ptr(), headers.len() as libc::c_uint, 0) };
        match sent {
            n if n >= 0 => Ok(n as usize),
            _ => {
                let error = std::io::Error::last_os_error();
                // A full device queue: try again on the next round.
                if error.kind() == std::io::ErrorKind::WouldBlock || error.raw_os_error() == Some(libc::ENOBUFS) {
                    Ok(0)
                } else {
                    Err(error)
                }
            }
        }
    }
}

fn loopback_address(index: u32) -> libc::sockaddr_ll {
    // SAFETY: sockaddr_ll is plain data; all-zero is a valid value to fill in.
    let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    address.sll_family = libc::AF_PACKET as u16;
    address.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
    address.sll_ifindex = index as i32;
    address
}

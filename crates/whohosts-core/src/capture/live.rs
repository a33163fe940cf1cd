//! Capturing from a network interface through libpcap: opening with the right options,
//! the capture filter, pause by filter swap, and the kernel's drop counters.
//! Saving what was captured is the spill's job (spill.rs), not this module's.

use std::os::unix::io::AsRawFd;
use std::time::Duration;

use pcap::{Active, Capture, Linktype, Precision};
use serde::Serialize;

use super::live_errors::{classify_open_error, classify_read_error};
use super::{CaptureError, Frame, FrameSource, Polled};

/// How to open a live capture. `LiveOptions::new(interface)` gives the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveOptions {
    pub interface: String,
    /// A BPF capture filter (tcpdump syntax); checked before capturing starts.
    pub filter: Option<String>,
    /// Off by default: only this machine's own traffic is wanted.
    pub promiscuous: bool,
    pub snaplen: u32,
    /// How long one read waits for a frame before reporting `Idle`.
    pub read_timeout: Duration,
    /// Kernel buffer; large enough to ride out bursts while a snapshot is being built.
    pub buffer_bytes: u32,
    /// libpcap's immediate mode: every packet at once instead of in blocks. Off by default:
    /// on Linux it switches to a ring of fixed frames sized for the interface's MTU (64 KiB
    /// on loopback), so a 64 MiB buffer holds only ~1000 packets and fast traffic is
    /// dropped; blocks arrive within `read_timeout` anyway, often enough for a live view.
    pub immediate: bool,
}

impl LiveOptions {
    pub fn new(interface: &str) -> Self {
        LiveOptions {
            interface: interface.to_string(),
            filter: None,
            promiscuous: false,
            snaplen: 262_144,
            read_timeout: Duration::from_millis(100),
            buffer_bytes: 64 << 20,
            immediate: false,
        }
    }
}

/// Packet counters of a live capture. The kernel's counts come from libpcap (`pcap_stats`)
/// and cover the time since the capture was opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LiveStats {
    /// Packets the kernel passed to the capture (after the filter).
    pub received: u64,
    /// Packets the kernel dropped because its buffer was full: whohosts did not read fast enough.
    pub dropped: u64,
    /// Packets the interface or its driver dropped before the kernel saw them.
    pub if_dropped: u64,
    /// Frames handed to the analysis.
    pub analysed: u64,
    /// Frames read while paused and thrown away (the ones already buffered when pausing).
    pub discarded_while_paused: u64,
    pub paused: bool,
}

/// A 32-bit libpcap counter widened to 64 bits across wrap-arounds.
#[derive(Debug, Default, Clone, Copy)]
struct WideCounter {
    last: u32,
    total: u64,
}

impl WideCounter {
    fn update(&mut self, now: u32) -> u64 {
        self.total = self.total.saturating_add(u64::from(now.wrapping_sub(self.last)));
        self.last = now;
        self.total
    }
}

/// A filter no packet passes; set while paused so that the kernel discards traffic
/// instead of queueing it (queued packets would later count as drops).
const REJECT_ALL: &str = "less 0";

pub struct LiveSource {
    options: LiveOptions,
    capture: Capture<Active>,
    link_type: i32,
    /// The current frame, copied out of libpcap's buffer so that it can be handed out after
    /// the read call's borrow has ended.
    data: Vec<u8>,
    ts_ns: i64,
    wire_len: u32,
    frames: u64,
    captured_bytes: u64,
    discarded: u64,
    paused: bool,
    ended: bool,
    received: WideCounter,
    dropped: WideCounter,
    if_dropped: WideCounter,
}

/// What one read found, without borrowing the source.
enum Fetched {
    Frame,
    Idle,
    End,
}

impl LiveSource {
    /// Opens and activates the capture and sets the filter. Errors name the interface (and
    /// the filter), and say how to get permission when that is missing.
    pub fn open(options: &LiveOptions) -> Result<LiveSource, CaptureError> {
        let name = options.interface.as_str();
        let timeout_ms = i32::try_from(options.read_timeout.as_millis()).unwrap_or(i32::MAX).max(1);
        let capture = Capture::from_device(name)
            .map_err(|e| classify_open_error(name, &e.to_string()))?
            .promisc(options.promiscuous)
            .snaplen(i32::try_from(options.snaplen).unwrap_or(i32::MAX))
            .immediate_mode(options.immediate)
            .timeout(timeout_ms)
            .buffer_size(i32::try_from(options.buffer_bytes).unwrap_or(i32::MAX))
            .precision(Precision::Nano)
            .open()
            .and_then(Capture::setnonblock)
            .map_err(|e| classify_open_error(name, &e.to_string()))?;
        let link_type = capture.get_datalink().0;
        let mut source = LiveSource {
            options: options.clone(),
            capture,
            link_type,
            data: Vec::new(),
            ts_ns: 0,
            wire_len: 0,
            frames: 0,
            captured_bytes: 0,
            discarded: 0,
            paused: false,
            ended: false,
            received: WideCounter::default(),
            dropped: WideCounter::default(),
            if_dropped: WideCounter::default(),
        };
        source.apply_filter(options.filter.as_deref())?;
        Ok(source)
    }

    pub fn options(&self) -> &LiveOptions {
        &self.options
    }

    pub fn interface(&self) -> &str {
        &self.options.interface
    }

    pub fn link_type(&self) -> i32 {
        self.link_type
    }

    /// Frames handed out so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Stops handing frames to the caller: the kernel discards new traffic (a reject-all
    /// filter), frames it had already queued are read and thrown away. Nothing counts as a
    /// drop. `resume` continues the same capture.
    pub fn pause(&mut self) -> Result<(), CaptureError> {
        if !self.paused {
            self.set_raw_filter(REJECT_ALL, false)?;
            self.paused = true;
        }
        Ok(())
    }

    /// Restores the user's filter and hands out frames again.
    pub fn resume(&mut self) -> Result<(), CaptureError> {
        if self.paused {
            let filter = self.options.filter.clone();
            self.apply_filter(filter.as_deref())?;
            self.paused = false;
        }
        Ok(())
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Ends the capture: the next pull reports `End`.
    pub fn stop(&mut self) {
        self.ended = true;
    }

    /// The kernel's counters and ours. When libpcap cannot tell (rare), the kernel counts
    /// keep their last values.
    pub fn stats(&mut self) -> LiveStats {
        if let Ok(stat) = self.capture.stats() {
            self.received.update(stat.received);
            self.dropped.update(stat.dropped);
            self.if_dropped.update(stat.if_dropped);
        }
        LiveStats {
            received: self.received.total,
            dropped: self.dropped.total,
            if_dropped: self.if_dropped.total,
            analysed: self.frames,
            discarded_while_paused: self.discarded,
            paused: self.paused,
        }
    }

    fn apply_filter(&mut self, filter: Option<&str>) -> Result<(), CaptureError> {
        // An empty program accepts everything; it also clears a pause's reject-all filter.
        self.set_raw_filter(filter.unwrap_or(""), true)
    }

    fn set_raw_filter(&mut self, expression: &str, optimize: bool) -> Result<(), CaptureError> {
        self.capture.filter(expression, optimize).map_err(|e| CaptureError::BadFilter {
            interface: self.options.interface.clone(),
            filter: expression.to_string(),
            reason: e.to_string(),
        })
    }

    fn fetch(&mut self) -> Result<Fetched, CaptureError> {
        if self.ended {
            return Ok(Fetched::End);
        }
        match self.capture.next_packet() {
            Ok(packet) => {
                if self.paused {
                    self.discarded += 1;
                    return Ok(Fetched::Idle);
                }
                let ts = &packet.header.ts;
                // Nanosecond precision was asked for: tv_usec holds nanoseconds.
                #[allow(clippy::useless_conversion)]
                let ts_ns = i64::from(ts.tv_sec).saturating_mul(1_000_000_000).saturating_add(i64::from(ts.tv_usec));
                self.ts_ns = ts_ns;
                self.wire_len = packet.header.len.max(packet.header.caplen);
                self.data.clear();
                self.data.extend_from_slice(packet.data);
                self.frames += 1;
                self.captured_bytes += packet.data.len() as u64;
                Ok(Fetched::Frame)
            }
            Err(pcap::Error::TimeoutExpired) => {
                // Non-blocking: nothing queued. libpcap's own read timeout is unreliable on
                // Linux (TPACKET_V3 may block until a packet comes), so wait on the
                // descriptor here and report `Idle` either way.
                self.wait_readable();
                Ok(Fetched::Idle)
            }
            Err(pcap::Error::NoMorePackets) => {
                self.ended = true;
                Ok(Fetched::End)
            }
            Err(e) => {
                self.ended = true;
                Err(classify_read_error(&self.options.interface, self.frames, &e.to_string()))
            }
        }
    }

    fn wait_readable(&self) {
        let timeout_ms = i32::try_from(self.options.read_timeout.as_millis()).unwrap_or(i32::MAX);
        let mut fd = libc::pollfd { fd: self.capture.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd, owned by this frame, for the duration of the call.
        // An error or a hang-up shows up on the next read, which names it.
        unsafe {
            libc::poll(&mut fd, 1, timeout_ms);
        }
    }

    fn current(&self) -> Frame<'_> {
        Frame { ts_ns: self.ts_ns, wire_len: self.wire_len, link_type: self.link_type, data: &self.data }
    }
}

impl FrameSource for LiveSource {
    /// Waits through quiet periods; `None` only once the capture was stopped.
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        loop {
            match self.fetch()? {
                Fetched::Frame => return Ok(Some(self.current())),
                Fetched::Idle => continue,
                Fetched::End => return Ok(None),
            }
        }
    }

    fn poll_frame(&mut self) -> Result<Polled<'_>, CaptureError> {
        Ok(match self.fetch()? {
            Fetched::Frame => Polled::Frame(self.current()),
            Fetched::Idle => Polled::Idle,
            Fetched::End => Polled::End,
        })
    }

    /// Captured bytes so far.
    fn position(&self) -> u64 {
        self.captured_bytes
    }

    fn size(&self) -> Option<u64> {
        None
    }
}

/// Whether this process may capture (opens the loopback interface once); tests use it to
/// skip, visibly, where they cannot run.
pub fn can_capture() -> bool {
    LiveSource::open(&LiveOptions::new("lo")).is_ok()
}

/// Checks a capture filter for a link type without opening anything (e.g. while the user
/// types it). `interface` only names the error.
pub fn check_filter(interface: &str, filter: &str, link_type: i32) -> Result<(), CaptureError> {
    let bad = |reason: String| CaptureError::BadFilter {
        interface: interface.to_string(),
        filter: filter.to_string(),
        reason,
    };
    let dead = Capture::dead(Linktype(link_type)).map_err(|e| bad(e.to_string()))?;
    dead.compile(filter, true).map(|_| ()).map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ETHERNET: i32 = 1;

    #[test]
    fn filters_are_checked_with_libpcaps_message() {
        assert!(check_filter("eth0", "udp port 53 or tcp port 443", ETHERNET).is_ok());
        let e = check_filter("eth0", "udp prot 53", ETHERNET).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("eth0") && text.contains("udp prot 53") && text.contains("syntax"), "{text}");
    }

    #[test]
    fn the_pause_filter_compiles() {
        assert!(
            check_filter("lo", REJECT_ALL, ETHERNET).is_ok() || {
                // libpcap's optimiser may refuse a program that rejects everything; the pause
                // compiles it unoptimised.
                let dead = Capture::dead(Linktype(ETHERNET)).unwrap();
                dead.compile(REJECT_ALL, false).is_ok()
            }
        );
    }

    #[test]
    fn wide_counters_survive_wrap_around() {
        let mut c = WideCounter::default();
        assert_eq!(c.update(u32::MAX - 1), u64::from(u32::MAX - 1));
        assert_eq!(c.update(3), u64::from(u32::MAX) + 4);
    }

    #[test]
    fn a_missing_interface_is_named() {
        let e = LiveSource::open(&LiveOptions::new("no-such-if0")).err().expect("an error");
        let text = e.to_string();
        assert!(text.contains("no-such-if0"), "{text}");
    }
}

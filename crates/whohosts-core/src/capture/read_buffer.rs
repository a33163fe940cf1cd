//! A larger stdio buffer for libpcap's savefile reads.
//!
//! libpcap reads a capture file through a stdio `FILE`, whose buffer is the file system's
//! block size (4 KB here): one system call per 4 KB of capture. With a 1 MB buffer the bare
//! read loop over the benchmark capture drops from about 0.74 s to 0.45 s.

use pcap::{Capture, Offline};

/// Bytes of the stdio buffer.
const READ_BUFFER_BYTES: usize = 1 << 20;

extern "C" {
    // libpcap: the stdio stream of an offline handle (never null for one opened from a file).
    fn pcap_file(p: *mut std::ffi::c_void) -> *mut libc::FILE;
}

/// The buffer a capture's stream reads into. It must outlive the capture, which closes the
/// stream: keep it in a field declared after the capture's.
pub struct ReadBuffer {
    _bytes: Box<[u8]>,
}

/// Gives the capture's stream a large buffer. `None` leaves libpcap's own in place.
///
/// Only for regular files: glibc's `setvbuf` on a stream that has already read (libpcap read
/// the file header) seeks back over what it had buffered, which a pipe cannot do.
pub fn enlarge(capture: &Capture<Offline>) -> Option<ReadBuffer> {
    let mut bytes = vec![0u8; READ_BUFFER_BYTES].into_boxed_slice();
    // SAFETY: `capture` is a live offline handle, so `pcap_file` returns its open stream.
    // The buffer lives in the returned `ReadBuffer`, which the caller keeps until after the
    // capture (and with it the stream) is closed.
    let status = unsafe {
        let stream = pcap_file(capture.as_ptr().cast());
        if stream.is_null() {
            return None;
        }
        libc::setvbuf(stream, bytes.as_mut_ptr().cast(), libc::_IOFBF, bytes.len())
    };
    (status == 0).then_some(ReadBuffer { _bytes: bytes })
}

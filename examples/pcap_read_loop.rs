//! The reference for `make bench`: a bare libpcap read loop that touches every frame and
//! nothing else. whohosts' report is measured against it. With `--big-buffer` it reads
//! through the same 1 MB stdio buffer as whohosts, the fastest libpcap read we know of.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let big_buffer = args.iter().any(|a| a == "--big-buffer");
    let path = args.iter().find(|a| !a.starts_with("--")).ok_or("usage: pcap_read_loop [--big-buffer] FILE")?;
    // With the buffer, opened exactly as whohosts opens a capture; it must outlive the capture.
    let (mut capture, _buffer) = if big_buffer {
        let (capture, buffer) = whohosts_core::capture::read_buffer::open_offline(std::fs::File::open(path)?)?;
        (capture, Some(buffer))
    } else {
        (pcap::Capture::from_file(path)?, None)
    };
    let (mut frames, mut bytes) = (0u64, 0u64);
    loop {
        match capture.next_packet() {
            Ok(packet) => {
                frames += 1;
                bytes += u64::from(packet.header.len);
            }
            Err(pcap::Error::NoMorePackets) => break,
            Err(e) => return Err(e.into()),
        }
    }
    drop(capture);
    println!("{frames} frames, {bytes} bytes");
    Ok(())
}

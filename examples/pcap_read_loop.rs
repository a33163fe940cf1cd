//! The reference for `make bench`: a bare libpcap read loop that touches every frame and
//! nothing else. whohosts' report is measured against it.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: pcap_read_loop FILE")?;
    let mut capture = pcap::Capture::from_file(&path)?;
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
    println!("{frames} frames, {bytes} bytes");
    Ok(())
}

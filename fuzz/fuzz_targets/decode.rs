//! Link layers and IP: the first byte picks a link type, the rest is the frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whohosts_core::decode::{decode, link_type, packet_from_ip_payload, Decoded};

const LINK_TYPES: [i32; 11] = [
    link_type::NULL,
    link_type::ETHERNET,
    link_type::RAW_OPENBSD,
    link_type::RAW_BSDOS,
    link_type::RAW,
    link_type::LOOP,
    link_type::LINUX_SLL,
    link_type::IPV4,
    link_type::IPV6,
    link_type::LINUX_SLL2,
    147, // a link type nobody decodes
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, frame)) = data.split_first() else { return };
    let lt = LINK_TYPES[usize::from(selector) % LINK_TYPES.len()];
    if let Ok(Decoded::Ip(datagram)) = decode(lt, frame) {
        assert!(datagram.ip_payload.len() <= frame.len());
        let packet = datagram.packet();
        assert!(packet.payload.len() <= datagram.ip_payload.len());
        let _ = packet.transport.ports();
    }
    // The transport reader on raw bytes too, as reassembled datagrams reach it.
    for proto in [6u8, 17, 1] {
        let p = packet_from_ip_payload(whohosts_fuzz::CLIENT, whohosts_fuzz::SERVER, proto, frame);
        assert!(p.payload.len() <= frame.len());
    }
});

//! DNS responses: the payload as a UDP/53 answer, as mDNS, and as a DNS-over-TCP stream
//! from port 53 cut in two segments.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whohosts_core::names::NameBook;
use whohosts_fuzz::{check_book, split_by_prefix, tcp, udp, CLIENT, SERVER};

fuzz_target!(|data: &[u8]| {
    let mut book = NameBook::new();
    book.observe(1, &udp(SERVER, 53, CLIENT, 40000, data));
    book.observe(2, &udp(SERVER, 5353, CLIENT, 5353, data));
    let (first, second) = split_by_prefix(data);
    let seq = 1000u32;
    book.observe(3, &tcp(SERVER, 53, CLIENT, 40001, seq, 0, first));
    let next = seq.wrapping_add(first.len() as u32);
    book.observe(4, &tcp(SERVER, 53, CLIENT, 40001, next, 0x01, second));
    check_book(&book);
});

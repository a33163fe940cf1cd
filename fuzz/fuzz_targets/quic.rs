//! QUIC: UDP/443 datagrams on one connection, the input cut at a fuzz-chosen point into
//! two datagrams (a ClientHello may span two Initials).
#![no_main]

use libfuzzer_sys::fuzz_target;
use whohosts::names::NameBook;
use whohosts_fuzz::{check_book, split_by_prefix, udp, CLIENT, SERVER};

fuzz_target!(|data: &[u8]| {
    let (first, second) = split_by_prefix(data);
    let mut book = NameBook::new();
    book.observe(1, &udp(CLIENT, 50000, SERVER, 443, first));
    book.observe(2, &udp(CLIENT, 50000, SERVER, 443, second));
    // The whole input as one datagram on another connection.
    book.observe(3, &udp(CLIENT, 50001, SERVER, 443, data.get(2..).unwrap_or_default()));
    check_book(&book);
});

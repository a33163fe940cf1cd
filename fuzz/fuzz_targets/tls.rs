//! A ClientHello over TCP, cut at a fuzz-chosen point into two segments (delivered in
//! order, and on a second flow out of order).
#![no_main]

use libfuzzer_sys::fuzz_target;
use whohosts_core::decode::tcp_flags;
use whohosts_core::names::NameBook;
use whohosts_fuzz::{check_book, split_by_prefix, tcp, CLIENT, SERVER};

fuzz_target!(|data: &[u8]| {
    let (first, second) = split_by_prefix(data);
    let mut book = NameBook::new();
    let seq = 7u32;
    let next = seq.wrapping_add(1).wrapping_add(first.len() as u32);
    // SYN carrying the first part: data starts one past the SYN's sequence number.
    book.observe(1, &tcp(CLIENT, 50000, SERVER, 443, seq, tcp_flags::SYN, first));
    book.observe(2, &tcp(CLIENT, 50000, SERVER, 443, next, 0, second));
    let seq = u32::MAX - 3; // wraps inside the hello
    let next = seq.wrapping_add(first.len() as u32);
    book.observe(3, &tcp(CLIENT, 50001, SERVER, 443, next, 0, second));
    book.observe(4, &tcp(CLIENT, 50001, SERVER, 443, seq, 0, first));
    book.observe(5, &tcp(CLIENT, 50001, SERVER, 443, next, tcp_flags::FIN, second));
    check_book(&book);
});

//! TCP reassembly limits: a request cut into segments of fuzz-chosen sizes, delivered in a
//! fuzz-chosen order with duplicates (the first segment first, as a stream is only picked
//! up at its start). The Host header must be found whenever the head fits the limit, however
//! it was cut. The fuzz bytes themselves also go to port 443 cut the same way (no panic,
//! bounded memory).
#![no_main]

use libfuzzer_sys::fuzz_target;
use whohosts_core::names::NameBook;
use whohosts_fuzz::{check_book, segments, tcp, CLIENT, SERVER};

/// Largest request head the HTTP reader buffers (whohosts_core's `http::MAX_HEAD`).
const MAX_HEAD: usize = 16 * 1024;

fuzz_target!(|data: &[u8]| {
    let Some((&pad, plan)) = data.split_first() else { return };
    let request =
        format!("GET /{} HTTP/1.1\r\nAccept: */*\r\nHost: oracle.example\r\n\r\n", "a".repeat(usize::from(pad) * 64));
    let mut book = NameBook::new();
    for (i, (offset, piece)) in segments(request.as_bytes(), plan).into_iter().enumerate() {
        book.observe(i as u64 + 1, &tcp(CLIENT, 50000, SERVER, 80, 1000u32.wrapping_add(offset as u32), 0, piece));
    }
    if request.len() <= MAX_HEAD {
        let name = book.endpoint(SERVER).and_then(|e| e.best_name().map(str::to_string));
        assert_eq!(name.as_deref(), Some("oracle.example"), "cut as {plan:?}");
    }
    for (i, (offset, piece)) in segments(data, plan).into_iter().enumerate() {
        book.observe(
            i as u64 + 100,
            &tcp(CLIENT, 50001, SERVER, 443, (u32::MAX - 3).wrapping_add(offset as u32), 0, piece),
        );
    }
    check_book(&book);
});

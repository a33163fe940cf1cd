//! HTTP/1.x requests: the payload as the first segment of a client stream to port 80.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whohosts_core::names::NameBook;
use whohosts_fuzz::{check_book, tcp, CLIENT, SERVER};

fuzz_target!(|data: &[u8]| {
    let mut book = NameBook::new();
    book.observe(1, &tcp(CLIENT, 50000, SERVER, 80, 1, 0, data));
    // Prefixed with a method so the Host parser sees every input.
    let mut request = b"GET / HTTP/1.1\r\n".to_vec();
    request.extend_from_slice(data);
    book.observe(2, &tcp(CLIENT, 50001, SERVER, 80, 1, 0, &request));
    check_book(&book);
});

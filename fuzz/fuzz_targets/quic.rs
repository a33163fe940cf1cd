//! QUIC: the first byte picks the mode, the next two where the rest is cut in two.
//! Even mode: the two parts are raw UDP/443 datagrams of one connection (header parsing,
//! header protection, decryption failures). Odd mode: the parts are plaintext frames,
//! protected here as two client Initials, so CRYPTO reassembly and the ClientHello parser
//! behind the decryption are fuzzed too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whohosts_core::names::NameBook;
use whohosts_fuzz::quic_initial::protect_initial;
use whohosts_fuzz::{check_book, split_by_prefix, udp, CLIENT, SERVER};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let (first, second) = split_by_prefix(rest);
    let mut book = NameBook::new();
    if mode % 2 == 0 {
        book.observe(1, &udp(CLIENT, 50000, SERVER, 443, first));
        book.observe(2, &udp(CLIENT, 50000, SERVER, 443, second));
        // The whole input as one datagram on another connection.
        book.observe(3, &udp(CLIENT, 50001, SERVER, 443, rest.get(2..).unwrap_or_default()));
    } else {
        let dcid = [mode; 8];
        book.observe(1, &udp(CLIENT, 50000, SERVER, 443, &protect_initial(&dcid, 0, first)));
        book.observe(2, &udp(CLIENT, 50000, SERVER, 443, &protect_initial(&dcid, 1, second)));
    }
    check_book(&book);
});

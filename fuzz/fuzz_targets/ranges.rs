//! Range-file loaders: the bytes as a file for `ProviderDb::load_file` (JSON formats or a
//! plain CIDR list, detected from the content), and as a plain list named by the caller.
//! The datasets' fields must come out of the terminal sanitiser and the CSV cell policy
//! harmless.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use whohosts_core::export::csv::csv_cell;
use whohosts_core::providers::ProviderDb;
use whohosts_core::terminal::terminal_safe;

fuzz_target!(|data: &[u8]| {
    let path = whohosts_fuzz::scratch_file("ranges.json", data);
    let mut db = ProviderDb::empty();
    if db.load_file(&path).is_ok() {
        assert_eq!(db.datasets().len(), 1);
    }
    let mut named = ProviderDb::empty();
    let _ = named.load_file_as(&path, Some("Fuzz Cloud"));
    // Whatever a range file calls itself reaches terminals and spreadsheets only defused.
    for d in db.datasets().iter().chain(named.datasets()) {
        for field in [&d.name, &d.date, &d.source] {
            assert!(!terminal_safe(field).chars().any(char::is_control));
            assert!(!csv_cell(field).starts_with(['=', '@', '\t', '\r']));
        }
    }
    for ip in
        [IpAddr::V4(Ipv4Addr::new(8, 8, 8, 8)), IpAddr::V6(Ipv6Addr::LOCALHOST), IpAddr::V4(Ipv4Addr::new(3, 5, 0, 1))]
    {
        let _ = db.lookup(ip);
        let _ = named.lookup(ip);
    }
});

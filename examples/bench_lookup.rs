//! Micro-benchmark for `make bench`: how long the shipped range data takes to load, and how
//! many address lookups (published ranges, then the AS table) run per second.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use whohosts_core::providers::ProviderDb;

const LOOKUPS: usize = 5_000_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let db = ProviderDb::builtin()?;
    let load = started.elapsed();
    println!("start-up: range data loaded in {:.1} ms ({} prefixes)", load.as_secs_f64() * 1e3, db.prefix_count());

    let mut rng = StdRng::seed_from_u64(7);
    let addresses: Vec<IpAddr> = (0..LOOKUPS)
        .map(|i| {
            if i % 10 == 0 {
                IpAddr::V6(Ipv6Addr::from(rng.random::<u128>() & !(0xffff_u128 << 112) | (0x2600_u128 << 112)))
            } else {
                IpAddr::V4(Ipv4Addr::from(rng.random::<u32>()))
            }
        })
        .collect();

    let started = Instant::now();
    let mut found = 0usize;
    for ip in &addresses {
        found += usize::from(black_box(db.lookup(*ip)).is_some());
    }
    let ranges = started.elapsed();
    let started = Instant::now();
    let mut with_as = 0usize;
    for ip in &addresses {
        with_as += usize::from(black_box(db.asn(*ip)).is_some());
    }
    let asn = started.elapsed();
    let rate = |d: std::time::Duration| LOOKUPS as f64 / d.as_secs_f64() / 1e6;
    println!(
        "range lookups: {:.1} million/s ({found} of {LOOKUPS} random addresses in a published range; target: at least 20 million/s)",
        rate(ranges)
    );
    println!("AS lookups: {:.1} million/s ({with_as} of {LOOKUPS} with an AS)", rate(asn));
    Ok(())
}

//! Writes `samples/gap-years.pcap` (or the path given): UDP in 2016 and in 2022, nothing in
//! between, for trying the timeline's gap handling. `cargo run --example make_gap_capture`.

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "samples/gap-years.pcap".to_string());
    std::fs::write(&path, test_support::captures::gap_capture())?;
    println!("wrote {path}");
    Ok(())
}

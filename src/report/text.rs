//! The human-readable report.

use std::io::{self, Write};

use super::{FlowRecord, Report};

/// Formats a byte count the way people read it: 1.2 MB, 340 kB, 87 B.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn endpoint(addr: &str, port: u16) -> String {
    if port == 0 {
        addr.to_string()
    } else if addr.contains(':') {
        format!("[{addr}]:{port}")
    } else {
        format!("{addr}:{port}")
    }
}

fn flow_line(f: &FlowRecord) -> String {
    format!(
        "  {:<6} {:>41} -> {:<41} {:>9} pkts {:>10}  {:>9.3} s",
        f.proto,
        endpoint(&f.src, f.sport),
        endpoint(&f.dst, f.dport),
        f.packets,
        human_bytes(f.bytes),
        f.last_ts - f.first_ts
    )
}

/// Writes the summary: capture totals, link types, duration, the `top` flows by bytes, warnings.
pub fn write_text(report: &Report, top: usize, out: &mut dyn Write) -> io::Result<()> {
    let c = &report.capture;
    writeln!(out, "{}", report.file)?;
    writeln!(
        out,
        "  {} packets, {} on the wire ({} captured), {:.3} s",
        c.packets,
        human_bytes(c.bytes),
        human_bytes(c.captured_bytes),
        c.duration
    )?;
    let links: Vec<String> = c.link_types.iter().map(|l| format!("{} ({} packets)", l.name, l.packets)).collect();
    writeln!(out, "  link types: {}", if links.is_empty() { "none".to_string() } else { links.join(", ") })?;
    writeln!(
        out,
        "  {} IP packets, {} non-IP, {} fragments ({} datagrams reassembled)",
        c.ip_packets, c.non_ip_packets, c.fragments, c.reassembled_datagrams
    )?;
    writeln!(out, "  {} flows, {} remote endpoints", c.flows, c.endpoints)?;

    let mut flows: Vec<&FlowRecord> = report.flows.iter().collect();
    flows.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.first_ts.total_cmp(&b.first_ts)));
    if !flows.is_empty() {
        writeln!(out)?;
        writeln!(out, "Top {} flows by bytes", top.min(flows.len()))?;
        for f in flows.iter().take(top) {
            writeln!(out, "{}", flow_line(f))?;
        }
    }
    if !report.warnings.is_empty() {
        writeln!(out)?;
        writeln!(out, "Warnings")?;
        for w in &report.warnings {
            writeln!(out, "  {w}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_like_a_person_writes_them() {
        assert_eq!(human_bytes(87), "87 B");
        assert_eq!(human_bytes(1_234), "1.2 kB");
        assert_eq!(human_bytes(5_600_000), "5.6 MB");
    }

    #[test]
    fn ipv6_endpoints_get_brackets() {
        assert_eq!(endpoint("2001:db8::1", 443), "[2001:db8::1]:443");
        assert_eq!(endpoint("10.0.0.1", 0), "10.0.0.1");
    }
}

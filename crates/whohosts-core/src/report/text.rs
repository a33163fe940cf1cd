//! The human-readable report.

use std::io::{self, Write};
use std::net::IpAddr;

use super::{EndpointRecord, FlowRecord, Report};
use crate::units::counted;
pub use crate::units::human_bytes;

fn endpoint(addr: &IpAddr, port: u16) -> String {
    if port == 0 {
        addr.to_string()
    } else {
        std::net::SocketAddr::new(*addr, port).to_string()
    }
}

fn flow_line(f: &FlowRecord) -> String {
    let remote = f.remote_name.map(|n| format!("  {n}")).unwrap_or_default();
    format!(
        "  {:<4} {:>21} -> {:<27} {:>7} pkts {:>9} {:>9.3} s  {}{}",
        f.proto,
        endpoint(&f.src, f.sport),
        endpoint(&f.dst, f.dport),
        f.packets,
        human_bytes(f.bytes),
        f.last_ts - f.first_ts,
        f.provider,
        remote
    )
}

fn write_endpoint(e: &EndpointRecord, out: &mut dyn Write) -> io::Result<()> {
    let name = e.best_name.unwrap_or("(no name seen)");
    writeln!(out, "  {}  {}  {}  {}", e.ip, name, human_bytes(e.bytes), e.owner)?;
    if let Some(p) = &e.provider {
        let detail: Vec<&str> = [p.service.as_deref(), p.region.as_deref()].into_iter().flatten().collect();
        let detail = if detail.is_empty() { String::new() } else { format!(" {}", detail.join(" ")) };
        writeln!(out, "      range {} -> {}{} ({}, {})", p.prefix, p.name, detail, p.dataset, p.date)?;
    }
    if let Some(a) = &e.asn {
        writeln!(out, "      AS{} {}", a.number, a.org)?;
    }
    if !e.names.is_empty() {
        let names: Vec<String> = e
            .names
            .iter()
            .map(|n| match (n.log, n.uid) {
                (Some(log), Some(uid)) => format!("{} ({} {log} {uid})", n.name, n.source),
                _ => format!("{} ({} #{})", n.name, n.source, n.frame),
            })
            .collect();
        writeln!(out, "      names: {}", names.join(", "))?;
    }
    if e.cname_chain.len() > 1 {
        writeln!(out, "      CNAME chain: {}", e.cname_chain.join(" -> "))?;
    }
    for h in &e.hints {
        writeln!(out, "      hint: {} ends in {} ({})", h.name, h.suffix, h.provider)?;
    }
    for c in &e.conflicts {
        writeln!(
            out,
            "      CONFLICT: {} points at {} ({}), the address is {}'s",
            c.name, c.hinted, c.suffix, c.range_provider
        )?;
    }
    Ok(())
}

/// Writes the summary: capture totals, providers, the `top` endpoints with their evidence,
/// the `top` flows by bytes, warnings.
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
        "  {} IP packets, {} non-IP, {} ({} reassembled)",
        c.ip_packets,
        c.non_ip_packets,
        counted(c.fragments, "fragment"),
        counted(c.reassembled_datagrams, "datagram")
    )?;
    writeln!(out, "  {} flows, {} remote endpoints", c.flows, c.endpoints)?;

    if !report.providers.is_empty() {
        writeln!(out)?;
        writeln!(out, "Providers")?;
        writeln!(out, "  {:<36} {:>10} {:>7} {:>9} {:>9}", "owner", "bytes", "share", "packets", "endpoints")?;
        for p in &report.providers {
            writeln!(
                out,
                "  {:<36} {:>10} {:>6.1}% {:>9} {:>9}",
                p.name,
                human_bytes(p.bytes),
                p.share * 100.0,
                p.packets,
                p.endpoints
            )?;
        }
    }
    if !report.endpoints.is_empty() {
        writeln!(out)?;
        writeln!(out, "Top {} endpoints by bytes, with evidence", top.min(report.endpoints.len()))?;
        for e in report.endpoints.iter().take(top) {
            write_endpoint(&e, out)?;
        }
    }

    let flows = report.flows.top_by_bytes(top);
    if !flows.is_empty() {
        writeln!(out)?;
        writeln!(out, "Top {} flows by bytes", flows.len())?;
        for f in &flows {
            writeln!(out, "{}", flow_line(f))?;
        }
    }
    if !report.datasets.is_empty() {
        writeln!(out)?;
        writeln!(out, "Range data")?;
        for d in &report.datasets {
            writeln!(out, "  {} ({}, {}; {}), {} prefixes", d.name, d.source, d.date, d.licence, d.prefixes)?;
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
    fn ipv6_endpoints_get_brackets() {
        assert_eq!(endpoint(&"2001:db8::1".parse().unwrap(), 443), "[2001:db8::1]:443");
        assert_eq!(endpoint(&"10.0.0.1".parse().unwrap(), 0), "10.0.0.1");
    }
}

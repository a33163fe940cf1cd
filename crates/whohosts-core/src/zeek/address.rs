//! Addresses as Zeek writes them. Nearly every one is a dotted IPv4 address, read here
//! digit by digit: the standard parser, which also reads IPv6, took a sixth of a conn.log
//! line's time. Anything this does not take is left to the standard parser, so what is
//! accepted, and how, is exactly what the standard parser accepts.

use std::net::{IpAddr, Ipv4Addr};

pub(crate) fn parse_address(text: &str) -> Option<IpAddr> {
    match plain_ipv4(text.as_bytes()) {
        Some(v4) => Some(IpAddr::V4(v4)),
        None => text.parse().ok(),
    }
}

/// Four decimal octets of one to three digits, no leading zero, none above 255.
fn plain_ipv4(text: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = text.split(|&b| b == b'.');
    for octet in &mut octets {
        let digits = parts.next()?;
        if digits.is_empty() || digits.len() > 3 || (digits.len() > 1 && digits.first() == Some(&b'0')) {
            return None;
        }
        let mut value = 0u16;
        for &d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u16::from(d - b'0');
        }
        *octet = u8::try_from(value).ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_standard_parser_reads() {
        let cases = [
            "192.168.1.23",
            "0.0.0.0",
            "255.255.255.255",
            "10.0.0.1",
            "1.2.3.4",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.04",
            "00.1.1.1",
            "1..2.3",
            ".1.2.3",
            "1.2.3.",
            "1.2.3.4 ",
            " 1.2.3.4",
            "+1.2.3.4",
            "1.2.3.-4",
            "1.2.3.a",
            "1234.1.1.1",
            "999.1.1.1",
            "",
            "-",
            "::",
            "::1",
            "fe80::1",
            "2001:db8::ff00:42:8329",
            "::ffff:10.0.0.1",
            "fe80::1%eth0",
            "1.2.3.4/24",
            "١.2.3.4",
        ];
        for text in cases {
            assert_eq!(parse_address(text), text.parse::<IpAddr>().ok(), "{text:?}");
        }
        for n in [0u32, 1, 9, 10, 99, 100, 199, 200, 249, 250, 255, 256, 300, 999] {
            let text = format!("{n}.{n}.{n}.{n}");
            assert_eq!(parse_address(&text), text.parse::<IpAddr>().ok(), "{text}");
        }
    }
}

//! Special-purpose addresses (IANA special-purpose registries and friends): never
//! attributed to a provider or an AS, whatever a range file says.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// (network, prefix length, category); the first match wins, so narrower entries that
/// sit inside broader ones (broadcast inside 240/4) come first.
const V4: &[(Ipv4Addr, u8, &str)] = &[
    (Ipv4Addr::new(255, 255, 255, 255), 32, "limited broadcast"),
    (Ipv4Addr::new(0, 0, 0, 0), 8, "this network"),
    (Ipv4Addr::new(10, 0, 0, 0), 8, "private"),
    (Ipv4Addr::new(100, 64, 0, 0), 10, "shared address space (CGNAT)"),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback"),
    (Ipv4Addr::new(169, 254, 0, 0), 16, "link-local"),
    (Ipv4Addr::new(172, 16, 0, 0), 12, "private"),
    (Ipv4Addr::new(192, 0, 0, 0), 24, "IETF protocol assignments"),
    (Ipv4Addr::new(192, 0, 2, 0), 24, "documentation"),
    (Ipv4Addr::new(192, 88, 99, 0), 24, "6to4 relay anycast (deprecated)"),
    (Ipv4Addr::new(192, 168, 0, 0), 16, "private"),
    (Ipv4Addr::new(198, 18, 0, 0), 15, "benchmarking"),
    (Ipv4Addr::new(198, 51, 100, 0), 24, "documentation"),
    (Ipv4Addr::new(203, 0, 113, 0), 24, "documentation"),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast"),
    (Ipv4Addr::new(240, 0, 0, 0), 4, "reserved"),
];

const V6: &[(Ipv6Addr, u8, &str)] = &[
    (Ipv6Addr::UNSPECIFIED, 128, "unspecified"),
    (Ipv6Addr::LOCALHOST, 128, "loopback"),
    (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48, "NAT64 local use"),
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64, "discard-only"),
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 32, "Teredo"),
    (Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 0), 48, "benchmarking"),
    (Ipv6Addr::new(0x2001, 0x10, 0, 0, 0, 0, 0, 0), 28, "ORCHID (deprecated)"),
    (Ipv6Addr::new(0x2001, 0x20, 0, 0, 0, 0, 0, 0), 28, "ORCHIDv2"),
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32, "documentation"),
    (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16, "6to4"),
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20, "documentation"),
    (Ipv6Addr::new(0x5f00, 0, 0, 0, 0, 0, 0, 0), 16, "segment routing (SRv6) SIDs"),
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7, "unique local (ULA)"),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, "link-local"),
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10, "site-local (deprecated)"),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, "multicast"),
];

fn in_v4(ip: u32, net: Ipv4Addr, len: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    ip & mask == u32::from(net)
}

fn in_v6(ip: u128, net: Ipv6Addr, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    ip & mask == u128::from(net)
}

/// Names the special-purpose category of `ip` (`"private"`, `"loopback"`, ...), or `None`
/// for an ordinary public address. IPv4-mapped IPv6 addresses are judged as IPv4, and IPv6
/// outside 2000::/3 (global unicast) counts as reserved.
pub fn is_special_purpose(ip: IpAddr) -> Option<&'static str> {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            V4.iter().find(|(net, len, _)| in_v4(bits, *net, *len)).map(|(_, _, name)| *name)
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let listed = V6.iter().find(|(net, len, _)| in_v6(bits, *net, *len)).map(|(_, _, name)| *name);
            let global_unicast = bits >> 125 == 0b001;
            listed.or(if global_unicast { None } else { Some("reserved (outside 2000::/3)") })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn special(s: &str) -> Option<&'static str> {
        is_special_purpose(s.parse().expect("test address"))
    }

    #[test]
    fn ipv4_categories() {
        assert_eq!(special("10.1.2.3"), Some("private"));
        assert_eq!(special("172.31.255.255"), Some("private"));
        assert_eq!(special("172.32.0.1"), None);
        assert_eq!(special("192.168.1.1"), Some("private"));
        assert_eq!(special("100.64.0.1"), Some("shared address space (CGNAT)"));
        assert_eq!(special("100.127.255.255"), Some("shared address space (CGNAT)"));
        assert_eq!(special("100.128.0.1"), None);
        assert_eq!(special("127.0.0.1"), Some("loopback"));
        assert_eq!(special("169.254.10.1"), Some("link-local"));
        assert_eq!(special("224.0.0.251"), Some("multicast"));
        assert_eq!(special("192.0.2.7"), Some("documentation"));
        assert_eq!(special("198.51.100.7"), Some("documentation"));
        assert_eq!(special("203.0.113.7"), Some("documentation"));
        assert_eq!(special("198.19.0.1"), Some("benchmarking"));
        assert_eq!(special("0.1.2.3"), Some("this network"));
        assert_eq!(special("240.0.0.1"), Some("reserved"));
        assert_eq!(special("255.255.255.255"), Some("limited broadcast"));
        assert_eq!(special("8.8.8.8"), None);
        assert_eq!(special("17.253.144.10"), None);
    }

    #[test]
    fn ipv6_categories() {
        assert_eq!(special("::1"), Some("loopback"));
        assert_eq!(special("::"), Some("unspecified"));
        assert_eq!(special("fe80::1"), Some("link-local"));
        assert_eq!(special("fd12:3456::1"), Some("unique local (ULA)"));
        assert_eq!(special("ff02::fb"), Some("multicast"));
        assert_eq!(special("2001:db8::1"), Some("documentation"));
        assert_eq!(special("2001::1"), Some("Teredo"));
        assert_eq!(special("2002:c000:204::1"), Some("6to4"));
        assert_eq!(special("4000::1"), Some("reserved (outside 2000::/3)"));
        assert_eq!(special("2606:4700::1111"), None);
    }

    #[test]
    fn ipv4_mapped_is_judged_as_ipv4() {
        assert_eq!(special("::ffff:10.0.0.1"), Some("private"));
        assert_eq!(special("::ffff:8.8.8.8"), None);
    }
}

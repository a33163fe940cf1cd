//! Which side of a flow is local. Pure policy over addresses; the flow table asks it once
//! per flow, when the flow is created.

use std::net::IpAddr;

use ipnet::IpNet;

/// `--local` networks when given, otherwise private, link-local, loopback and ULA space.
#[derive(Debug, Clone, Default)]
pub struct LocalPolicy {
    nets: Vec<IpNet>,
}

impl LocalPolicy {
    pub fn new(nets: Vec<IpNet>) -> Self {
        LocalPolicy { nets }
    }

    /// Parses a comma-separated CIDR list as given to `--local` (a bare address is a /32 or /128).
    pub fn parse_list(list: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let net = item
                .parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("'{item}' is not an address or CIDR network"))?;
            nets.push(net);
        }
        Ok(LocalPolicy { nets })
    }

    pub fn is_local(&self, ip: IpAddr) -> bool {
        if self.nets.is_empty() {
            is_private_scope(ip)
        } else {
            self.nets.iter().any(|n| n.contains(&ip))
        }
    }
}

/// Addresses that only make sense inside a site: RFC 1918, CGNAT, link-local, loopback, ULA.
pub fn is_private_scope(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private() || v4.is_loopback() || v4.is_link_local() || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn default_policy_is_private_scope() {
        let p = LocalPolicy::default();
        for local in [
            "192.168.1.23",
            "10.1.2.3",
            "172.16.0.1",
            "100.64.0.1",
            "169.254.1.1",
            "127.0.0.1",
            "fd00::1",
            "fe80::1",
            "::1",
        ] {
            assert!(p.is_local(ip(local)), "{local}");
        }
        for remote in ["17.253.144.10", "52.216.1.1", "2620:149::1", "172.32.0.1", "100.128.0.1"] {
            assert!(!p.is_local(ip(remote)), "{remote}");
        }
    }

    #[test]
    fn explicit_networks_replace_the_default() {
        let p = LocalPolicy::parse_list("203.0.113.0/24, 2001:db8::1").unwrap();
        assert!(p.is_local(ip("203.0.113.7")));
        assert!(p.is_local(ip("2001:db8::1")));
        assert!(!p.is_local(ip("192.168.1.1")));
    }

    #[test]
    fn bad_cidr_is_named() {
        let err = LocalPolicy::parse_list("10.0.0.0/8,nonsense").unwrap_err();
        assert!(err.contains("nonsense"));
    }
}

//! The network interfaces libpcap can capture on, as the command line and the app list
//! them, and the local-side policy each one implies.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;

use super::CaptureError;
use crate::locality::LocalPolicy;

/// One address of an interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterfaceAddress {
    pub addr: IpAddr,
    pub netmask: Option<IpAddr>,
    /// The netmask as a prefix length, when it is a proper (contiguous) mask.
    pub prefix_len: Option<u8>,
}

/// A capturable interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterfaceInfo {
    pub name: String,
    pub description: Option<String>,
    pub addresses: Vec<InterfaceAddress>,
    pub up: bool,
    pub running: bool,
    pub loopback: bool,
    pub wireless: bool,
}

impl InterfaceInfo {
    /// Which side of a flow is local when capturing here: this interface's own addresses.
    /// Only the addresses themselves, not their subnets: a router or NAS on the same LAN is
    /// something this machine talks to, so it is shown as a remote endpoint. An interface
    /// without addresses falls back to the default (private space).
    pub fn local_policy(&self) -> LocalPolicy {
        host_policy(self.addresses.iter().map(|a| a.addr))
    }

    /// `addr/prefix` for each address, for display.
    pub fn networks(&self) -> Vec<String> {
        self.addresses
            .iter()
            .map(|a| match a.prefix_len {
                Some(p) => format!("{}/{p}", a.addr),
                None => a.addr.to_string(),
            })
            .collect()
    }
}

fn host_policy(addrs: impl Iterator<Item = IpAddr>) -> LocalPolicy {
    let nets: Vec<IpNet> = addrs.map(IpNet::from).collect();
    if nets.is_empty() {
        LocalPolicy::default()
    } else {
        LocalPolicy::new(nets)
    }
}

/// Every interface libpcap reports, in its order (up and running ones first, as libpcap
/// sorts them).
pub fn list_interfaces() -> Result<Vec<InterfaceInfo>, CaptureError> {
    let devices = pcap::Device::list().map_err(|e| CaptureError::ListInterfaces { reason: e.to_string() })?;
    Ok(devices.into_iter().map(from_device).collect())
}

/// The local policy for capturing on `interface`: its own addresses; for libpcap's `any`
/// pseudo-interface, every interface's addresses. Unknown names get the default policy.
pub fn local_policy_for(interface: &str) -> LocalPolicy {
    let Ok(list) = list_interfaces() else {
        return LocalPolicy::default();
    };
    if interface == "any" {
        return host_policy(list.iter().flat_map(|i| i.addresses.iter().map(|a| a.addr)));
    }
    list.iter().find(|i| i.name == interface).map(InterfaceInfo::local_policy).unwrap_or_default()
}

fn from_device(device: pcap::Device) -> InterfaceInfo {
    let addresses = device
        .addresses
        .iter()
        .map(|a| InterfaceAddress { addr: a.addr, netmask: a.netmask, prefix_len: a.netmask.and_then(prefix_len) })
        .collect();
    InterfaceInfo {
        name: device.name,
        description: device.desc,
        addresses,
        up: device.flags.is_up(),
        running: device.flags.is_running(),
        loopback: device.flags.is_loopback(),
        wireless: device.flags.is_wireless(),
    }
}

/// The prefix length of a contiguous netmask (`255.255.255.0` -> 24).
fn prefix_len(mask: IpAddr) -> Option<u8> {
    let (bits, width) = match mask {
        IpAddr::V4(m) => (u128::from(u32::from(m)) << 96, 32),
        IpAddr::V6(m) => (u128::from(m), 128),
    };
    let ones = bits.leading_ones();
    let contiguous = bits.checked_shl(ones).unwrap_or(0) == 0;
    (contiguous && ones <= width).then(|| u8::try_from(ones).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn netmasks_become_prefix_lengths() {
        assert_eq!(prefix_len(ip("255.255.255.0")), Some(24));
        assert_eq!(prefix_len(ip("255.0.0.0")), Some(8));
        assert_eq!(prefix_len(ip("0.0.0.0")), Some(0));
        assert_eq!(prefix_len(ip("255.255.255.255")), Some(32));
        assert_eq!(prefix_len(ip("ffff:ffff:ffff:ffff::")), Some(64));
        assert_eq!(prefix_len(ip("255.0.255.0")), None);
    }

    #[test]
    fn the_interfaces_own_addresses_are_local() {
        let info = InterfaceInfo {
            name: "eth0".into(),
            description: None,
            addresses: vec![
                InterfaceAddress { addr: ip("192.168.1.23"), netmask: Some(ip("255.255.255.0")), prefix_len: Some(24) },
                InterfaceAddress { addr: ip("fe80::1"), netmask: None, prefix_len: None },
            ],
            up: true,
            running: true,
            loopback: false,
            wireless: false,
        };
        let policy = info.local_policy();
        assert!(policy.is_local(ip("192.168.1.23")));
        assert!(policy.is_local(ip("fe80::1")));
        assert!(!policy.is_local(ip("192.168.1.1")), "the router is something this machine talks to");
        assert_eq!(info.networks(), vec!["192.168.1.23/24".to_string(), "fe80::1".to_string()]);
    }

    #[test]
    fn without_addresses_private_space_is_local() {
        let policy = host_policy(std::iter::empty());
        assert!(policy.is_local(ip("10.0.0.1")));
    }

    #[test]
    fn loopback_is_listed() {
        let list = list_interfaces().expect("libpcap lists interfaces");
        let lo = list.iter().find(|i| i.loopback).expect("a loopback interface");
        assert!(lo.addresses.iter().any(|a| a.addr == ip("127.0.0.1")), "{lo:?}");
        assert!(local_policy_for(&lo.name).is_local(ip("127.0.0.1")));
    }
}

//! DNS messages encoded with simple-dns: queries, answers with CNAME chains ending in A or
//! AAAA records, a deliberately large TXT answer (to be IP-fragmented), and mDNS/TCP framing.

use std::net::IpAddr;

use anyhow::Result;
use simple_dns::rdata::{RData, A, AAAA, CNAME, NS, OPT, TXT};
use simple_dns::{Name, Packet, PacketFlag, Question, ResourceRecord, CLASS, QCLASS, QTYPE, TYPE};

/// A recursive query for `name`/`qtype`, with an EDNS OPT advertising 4096-byte answers.
pub fn query(id: u16, name: &str, qtype: TYPE) -> Result<Vec<u8>> {
    let mut p = Packet::new_query(id);
    p.set_flags(PacketFlag::RECURSION_DESIRED);
    p.questions.push(Question::new(Name::new(name)?, QTYPE::TYPE(qtype), QCLASS::CLASS(CLASS::IN), false));
    *p.opt_mut() = Some(OPT { opt_codes: vec![], udp_packet_size: 4096, version: 0 });
    Ok(p.build_bytes_vec_compressed()?)
}

/// A resolver's answer to `query(id, name, qtype)`: `name` CNAME chain[0] CNAME chain[1] …
/// and the last name's `addrs` (A or AAAA records, by address family).
pub fn answer(id: u16, name: &str, qtype: TYPE, chain: &[&str], addrs: &[IpAddr]) -> Result<Vec<u8>> {
    let mut p = reply_header(id, name, qtype)?;
    let mut owner = name;
    for (i, target) in chain.iter().enumerate() {
        let ttl = if i == 0 { 3600 } else { 60 };
        p.answers.push(ResourceRecord::new(Name::new(owner)?, CLASS::IN, ttl, RData::CNAME(CNAME(Name::new(target)?))));
        owner = target;
    }
    for addr in addrs {
        let rdata = match addr {
            IpAddr::V4(a) => RData::A(A { address: u32::from(*a) }),
            IpAddr::V6(a) => RData::AAAA(AAAA { address: u128::from(*a) }),
        };
        p.answers.push(ResourceRecord::new(Name::new(owner)?, CLASS::IN, 20, rdata));
    }
    Ok(p.build_bytes_vec_compressed()?)
}

fn reply_header<'a>(id: u16, name: &'a str, qtype: TYPE) -> Result<Packet<'a>> {
    let mut p = Packet::new_reply(id);
    p.set_flags(PacketFlag::RECURSION_DESIRED | PacketFlag::RECURSION_AVAILABLE);
    p.questions.push(Question::new(Name::new(name)?, QTYPE::TYPE(qtype), QCLASS::CLASS(CLASS::IN), false));
    *p.opt_mut() = Some(OPT { opt_codes: vec![], udp_packet_size: 1232, version: 0 });
    Ok(p)
}

/// A TXT answer too big for one 1500-byte packet: `txt` strings for `name`, its name
/// servers in the authority section and their addresses as additional records.
pub fn big_txt_answer(id: u16, name: &str, txt: &[String], name_servers: &[(&str, IpAddr)]) -> Result<Vec<u8>> {
    let mut p = reply_header(id, name, TYPE::TXT)?;
    for s in txt {
        p.answers.push(ResourceRecord::new(Name::new(name)?, CLASS::IN, 3600, RData::TXT(TXT::new().with_string(s)?)));
    }
    for (ns, addr) in name_servers {
        p.name_servers.push(ResourceRecord::new(Name::new(name)?, CLASS::IN, 86_400, RData::NS(NS(Name::new(ns)?))));
        let rdata = match addr {
            IpAddr::V4(a) => RData::A(A { address: u32::from(*a) }),
            IpAddr::V6(a) => RData::AAAA(AAAA { address: u128::from(*a) }),
        };
        p.additional_records.push(ResourceRecord::new(Name::new(ns)?, CLASS::IN, 86_400, rdata));
    }
    Ok(p.build_bytes_vec_compressed()?)
}

/// An mDNS announcement (id 0, authoritative, no question) of `host` at `addr`.
pub fn mdns_announce(host: &str, addr: IpAddr) -> Result<Vec<u8>> {
    let mut p = Packet::new_reply(0);
    p.set_flags(PacketFlag::AUTHORITATIVE_ANSWER);
    let rdata = match addr {
        IpAddr::V4(a) => RData::A(A { address: u32::from(a) }),
        IpAddr::V6(a) => RData::AAAA(AAAA { address: u128::from(a) }),
    };
    p.answers.push(ResourceRecord::new(Name::new(host)?, CLASS::IN, 120, rdata));
    Ok(p.build_bytes_vec_compressed()?)
}

/// An mDNS query for a service type (PTR), as Bonjour browsers send.
pub fn mdns_query(service: &str) -> Result<Vec<u8>> {
    let mut p = Packet::new_query(0);
    p.questions.push(Question::new(Name::new(service)?, QTYPE::TYPE(TYPE::PTR), QCLASS::CLASS(CLASS::IN), false));
    Ok(p.build_bytes_vec_compressed()?)
}

/// DNS over TCP frames each message with a two-byte length.
pub fn tcp_framed(message: &[u8]) -> Vec<u8> {
    let mut out = (message.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(message);
    out
}

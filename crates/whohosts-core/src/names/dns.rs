//! DNS responses -> answered addresses with the query name and the full CNAME chain. Parses
//! with simple-dns after `dns_guard` has checked the message; knows nothing of flows.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use simple_dns::rdata::RData;

use super::dns_guard::{self, DnsError};
use super::hostname::normalize_labels;

/// Longest CNAME chain followed; real chains are 1-4 long.
const MAX_CHAIN: usize = 16;

/// One answered A/AAAA record of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AnsweredAddress {
    pub addr: IpAddr,
    /// The name the client asked for (or the record's owner when the chain is broken).
    pub query: String,
    /// query -> cname1 -> ... -> owner of the address record; just `[query]` without CNAMEs.
    pub chain: Vec<String>,
    pub ttl: u32,
}

/// True when the message header says it is a response (QR bit).
pub(crate) fn is_response(msg: &[u8]) -> bool {
    msg.get(2).is_some_and(|flags| flags & 0x80 != 0)
}

/// Every A/AAAA record of a response (answers and additional glue), with its CNAME chain.
pub(crate) fn answered_addresses(msg: &[u8]) -> Result<Vec<AnsweredAddress>, DnsError> {
    dns_guard::validate(msg)?;
    // The guard rules out the known loop; catching a panic is a last net for the rest.
    let parsed = crate::quiet_panic::catch_quietly(|| simple_dns::Packet::parse(msg))
        .ok_or_else(|| DnsError::Library { reason: "parser panicked".to_owned() })?
        .map_err(|e| DnsError::Library { reason: e.to_string() })?;

    let query = parsed.questions.first().and_then(|q| normalize_labels(q.qname.as_bytes()));
    let mut cnames: Vec<(String, String)> = Vec::new();
    let mut addresses: Vec<(String, IpAddr, u32)> = Vec::new();
    // Additional-section glue (a name server's address) is kept too, under its own name.
    for record in parsed.answers.iter().chain(&parsed.additional_records) {
        let Some(owner) = normalize_labels(record.name.as_bytes()) else {
            continue;
        };
        match &record.rdata {
            RData::CNAME(target) => {
                if let Some(target) = normalize_labels(target.0.as_bytes()) {
                    cnames.push((owner, target));
                }
            }
            RData::A(a) => addresses.push((owner, Ipv4Addr::from(a.address).into(), record.ttl)),
            RData::AAAA(a) => addresses.push((owner, Ipv6Addr::from(a.address).into(), record.ttl)),
            _ => {}
        }
    }
    Ok(addresses
        .into_iter()
        .map(|(owner, addr, ttl)| {
            let chain = query.as_deref().and_then(|q| chain_to(q, &owner, &cnames)).unwrap_or_else(|| vec![owner]);
            AnsweredAddress { addr, query: chain.first().cloned().unwrap_or_default(), chain, ttl }
        })
        .collect())
}

/// Follows CNAMEs from `query` until `owner`; None when they do not connect.
fn chain_to(query: &str, owner: &str, cnames: &[(String, String)]) -> Option<Vec<String>> {
    let mut chain = vec![query.to_owned()];
    let mut current = query;
    for _ in 0..MAX_CHAIN {
        if current == owner {
            return Some(chain);
        }
        let (_, next) = cnames.iter().find(|(from, _)| from == current)?;
        chain.push(next.clone());
        current = next;
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use simple_dns::rdata::{A, AAAA, CNAME};
    use simple_dns::{Name, Packet, Question, ResourceRecord, CLASS, QCLASS, QTYPE, TYPE};

    /// A response for `query` whose answers are the CNAME hops then one A record per address.
    pub(crate) fn response(query: &str, hops: &[&str], addrs: &[IpAddr]) -> Vec<u8> {
        let mut p = Packet::new_reply(7);
        p.questions.push(Question::new(
            Name::new_unchecked(query),
            QTYPE::TYPE(TYPE::A),
            QCLASS::CLASS(CLASS::IN),
            false,
        ));
        let mut owner = query;
        for hop in hops {
            p.answers.push(ResourceRecord::new(
                Name::new_unchecked(owner),
                CLASS::IN,
                300,
                RData::CNAME(CNAME(Name::new_unchecked(hop))),
            ));
            owner = hop;
        }
        for addr in addrs {
            let rdata = match addr {
                IpAddr::V4(v4) => RData::A(A::from(*v4)),
                IpAddr::V6(v6) => RData::AAAA(AAAA::from(*v6)),
            };
            p.answers.push(ResourceRecord::new(Name::new_unchecked(owner), CLASS::IN, 60, rdata));
        }
        p.build_bytes_vec_compressed().expect("build response")
    }

    #[test]
    fn full_cname_chain_in_order() {
        let hops = [
            "www.icloud.com.edgekey.net",
            "e4478.a.akamaiedge.net",
            "iclouddrive.blob.core.windows.net",
            "blob.am5prdstr02a.store.core.windows.net",
        ];
        let addr = IpAddr::from([20, 60, 40, 4]);
        let msg = response("WWW.iCloud.com.", &hops, &[addr]);
        let answers = answered_addresses(&msg).unwrap();
        assert_eq!(answers.len(), 1);
        let a = &answers[0];
        assert_eq!(a.addr, addr);
        assert_eq!(a.query, "www.icloud.com");
        assert_eq!(a.ttl, 60);
        let mut expected = vec!["www.icloud.com"];
        expected.extend(hops);
        assert_eq!(a.chain, expected);
    }

    #[test]
    fn plain_a_and_aaaa_answers() {
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        let msg = response("example.org", &[], &[IpAddr::from([192, 0, 2, 1]), v6]);
        let answers = answered_addresses(&msg).unwrap();
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[1].addr, v6);
        assert_eq!(answers[1].chain, vec!["example.org"]);
        assert!(is_response(&msg));
    }

    #[test]
    fn hostile_messages_are_errors_not_panics() {
        let good = response("a.example", &["b.example"], &[IpAddr::from([1, 2, 3, 4])]);
        // Every truncation, and every single-byte corruption, of a valid message.
        for cut in 0..good.len() {
            let _ = answered_addresses(&good[..cut]);
        }
        for i in 0..good.len() {
            for v in [0x00, 0x3f, 0xc0, 0xc0 | (i as u8 & 0x3f), 0xff] {
                let mut m = good.clone();
                m[i] = v;
                let _ = answered_addresses(&m);
            }
        }
        // A self-referencing pointer in the question must not hang.
        let mut m = good[..12].to_vec();
        m[4..6].copy_from_slice(&1u16.to_be_bytes());
        m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        assert!(answered_addresses(&m).is_err());
    }

    #[test]
    fn pointer_loop_inside_cname_rdata_is_refused() {
        // simple-dns would follow a pointer that points at itself forever; the guard must
        // refuse it even though RDATA is not walked as a name by the guard.
        let mut m = vec![0, 7, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0];
        m.extend_from_slice(b"\x01a\x00"); // owner "a" at 12
        m.extend_from_slice(&[0, 5, 0, 1, 0, 0, 0, 60, 0, 4]); // CNAME, IN, ttl, rdlen 4
        let rdata_at = m.len() as u8;
        m.extend_from_slice(&[1, b'b', 0xc0, rdata_at + 2]); // "b" then a self-pointer
        assert!(matches!(answered_addresses(&m), Err(DnsError::PointerLoop { .. })));
    }
}

//! End-to-end tests of [`NameBook::observe`] with packets built here.

use std::net::IpAddr;

use super::dns::tests::response;
use super::quic::tests::rfc_packet;
use super::quic_crypto::QuicVersion;
use super::tls::tests::{client_hello, in_records};
use super::*;
use crate::decode::{tcp_flags, Packet, Transport};

pub(super) const CLIENT: [u8; 4] = [192, 168, 1, 10];
pub(super) const RESOLVER: [u8; 4] = [192, 168, 1, 1];

pub(super) fn udp(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, payload: &[u8]) -> Packet<'_> {
    Packet { src: src.into(), dst: dst.into(), proto: 17, transport: Transport::Udp { sport, dport }, payload }
}

pub(super) fn tcp(src: [u8; 4], sport: u16, dst: [u8; 4], dport: u16, seq: u32, payload: &[u8]) -> Packet<'_> {
    Packet {
        src: src.into(),
        dst: dst.into(),
        proto: 6,
        transport: Transport::Tcp { sport, dport, seq, flags: tcp_flags::ACK | tcp_flags::PSH },
        payload,
    }
}

#[test]
fn dns_answer_names_the_address_and_keeps_the_chain() {
    let addr = IpAddr::from([20, 150, 70, 36]);
    let hops = ["p59-content.icloud.com.akadns.net", "iclouddrive.blob.core.windows.net"];
    let msg = response("p59-content.icloud.com", &hops, &[addr]);
    let mut book = NameBook::new();
    book.observe(1, &udp(RESOLVER, 53, CLIENT, 40000, &msg));
    book.observe(9, &udp(RESOLVER, 53, CLIENT, 40001, &msg));
    let endpoint = book.endpoint(addr).unwrap();
    assert_eq!(endpoint.best_name(), Some("p59-content.icloud.com"));
    assert_eq!(endpoint.names.len(), 1);
    assert_eq!(endpoint.names[0].frame, 1);
    assert_eq!(endpoint.names[0].source.as_str(), "dns");
    assert_eq!(
        endpoint.cname_chain,
        vec!["p59-content.icloud.com", "p59-content.icloud.com.akadns.net", "iclouddrive.blob.core.windows.net"]
    );
    assert_eq!(book.dns_answers().len(), 1);
    assert_eq!(book.dns_answers()[0].times, 2);
    assert_eq!(book.stats().dns_responses, 2);
    // Queries carry no answers and are not counted.
    let mut query = msg.clone();
    query[2] &= 0x7f;
    book.observe(10, &udp(CLIENT, 40002, RESOLVER, 53, &query));
    assert_eq!(book.stats().dns_responses, 2);
}

#[test]
fn dns_over_tcp_across_segments_and_several_per_segment() {
    let a = IpAddr::from([198, 51, 100, 1]);
    let b = IpAddr::from([198, 51, 100, 2]);
    let c = IpAddr::from([198, 51, 100, 3]);
    let framed = |m: Vec<u8>| {
        let mut out = (m.len() as u16).to_be_bytes().to_vec();
        out.extend(m);
        out
    };
    let mut stream = framed(response("a.example", &[], &[a]));
    stream.extend(framed(response("b.example", &["cdn.example"], &[b])));
    stream.extend(framed(response("c.example", &[], &[c])));
    let mut book = NameBook::new();
    let base = 7000u32;
    // Three pieces: the last arrives before the middle one.
    let cut1 = 40;
    let cut2 = stream.len() - 20;
    book.observe(1, &tcp(RESOLVER, 53, CLIENT, 50000, base, &stream[..cut1]));
    book.observe(2, &tcp(RESOLVER, 53, CLIENT, 50000, base + cut2 as u32, &stream[cut2..]));
    book.observe(3, &tcp(RESOLVER, 53, CLIENT, 50000, base + cut1 as u32, &stream[cut1..cut2]));
    for (addr, name) in [(a, "a.example"), (b, "b.example"), (c, "c.example")] {
        assert_eq!(book.endpoint(addr).unwrap().best_name(), Some(name));
    }
    assert_eq!(book.endpoint(b).unwrap().cname_chain, vec!["b.example", "cdn.example"]);
    assert_eq!(book.stats().dns_responses, 3);
}

#[test]
fn dns_tcp_state_is_freed_on_fin_and_gaps_give_up() {
    let addr = IpAddr::from([198, 51, 100, 9]);
    let msg = response("fin.example", &[], &[addr]);
    let mut framed = (msg.len() as u16).to_be_bytes().to_vec();
    framed.extend(&msg);
    let mut book = NameBook::new();
    let mut last = tcp(RESOLVER, 53, CLIENT, 50001, 1, &framed);
    last.transport = Transport::Tcp { sport: 53, dport: 50001, seq: 1, flags: tcp_flags::ACK | tcp_flags::FIN };
    book.observe(1, &last);
    assert_eq!(book.endpoint(addr).unwrap().best_name(), Some("fin.example"));
    assert!(book.dns_streams.is_empty());
    // A stream whose start never arrives: pieces within the window wait, one past it gives up.
    book.observe(2, &tcp(RESOLVER, 53, CLIENT, 50002, 0, &[0, 200]));
    for i in 0..100u32 {
        book.observe(3, &tcp(RESOLVER, 53, CLIENT, 50002, 10 + i * 10, b"x"));
    }
    assert_eq!(book.stats().dns_tcp_streams_dropped, 0);
    book.observe(3, &tcp(RESOLVER, 53, CLIENT, 50002, 1 << 20, b"x"));
    assert_eq!(book.stats().dns_tcp_streams_dropped, 1);
    assert!(book.dns_streams.is_empty());
}

#[test]
fn mdns_and_llmnr_stay_apart_and_bad_dns_is_counted() {
    let printer = IpAddr::from([192, 168, 1, 50]);
    let mut mdns = response("printer.local", &[], &[printer]);
    mdns[0..2].copy_from_slice(&[0, 0]);
    let mut book = NameBook::new();
    book.observe(1, &udp([192, 168, 1, 50], 5353, [224, 0, 0, 251], 5353, &mdns));
    book.observe(2, &udp([192, 168, 1, 50], 5355, CLIENT, 6000, &mdns));
    assert!(book.endpoint(printer).is_none());
    assert_eq!(book.local_names().len(), 1);
    assert_eq!(book.local_names()[0].name, "printer.local");
    assert_eq!(book.local_names()[0].protocol, LocalProtocol::Mdns);

    let mut hostile = mdns[..12].to_vec();
    hostile[4..6].copy_from_slice(&1u16.to_be_bytes());
    hostile[6..8].copy_from_slice(&0u16.to_be_bytes());
    hostile.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
    book.observe(3, &udp(RESOLVER, 53, CLIENT, 40000, &hostile));
    assert_eq!(book.stats().dns_malformed, 1);
}

#[test]
fn tls_client_hello_across_segments_out_of_order() {
    let server = [17, 253, 144, 10];
    let stream = in_records(&client_hello("gateway.icloud.com", false, 3000), 1400);
    let (s1, rest) = stream.split_at(1000);
    let (s2, s3) = rest.split_at(1500);
    let mut book = NameBook::new();
    let seq = 100u32;
    book.observe(4, &tcp(CLIENT, 51000, server, 443, seq, s1));
    book.observe(5, &tcp(CLIENT, 51000, server, 443, seq + 2500, s3));
    assert!(book.endpoint(server.into()).is_none());
    book.observe(6, &tcp(CLIENT, 51000, server, 443, seq + 1000, s2));
    let endpoint = book.endpoint(server.into()).unwrap();
    assert_eq!(endpoint.names[0].name, "gateway.icloud.com");
    assert_eq!(endpoint.names[0].source, NameSource::Sni);
    assert_eq!(endpoint.names[0].frame, 6);
    assert_eq!(book.stats().tls_client_hellos, 1);
    assert!(book.tls_streams.is_empty(), "state is freed once done");
}

#[test]
fn ech_outer_name_ranks_below_dns_and_sni_ranks_first() {
    let server = [104, 16, 1, 1];
    let mut book = NameBook::new();
    let hello = in_records(&client_hello("cloudflare-ech.com", true, 0), 16384);
    book.observe(1, &tcp(CLIENT, 52000, server, 443, 1, &hello));
    let e = book.endpoint(server.into()).unwrap();
    assert!(e.names[0].ech_outer);
    assert_eq!(e.best_name(), Some("cloudflare-ech.com"));
    book.observe(2, &udp(RESOLVER, 53, CLIENT, 40000, &response("secret.example", &[], &[server.into()])));
    assert_eq!(book.endpoint(server.into()).unwrap().best_name(), Some("secret.example"));
    let plain = in_records(&client_hello("www.secret.example", false, 0), 16384);
    book.observe(3, &tcp(CLIENT, 52001, server, 443, 1, &plain));
    assert_eq!(book.endpoint(server.into()).unwrap().best_name(), Some("www.secret.example"));
    assert_eq!(book.stats().tls_ech, 1);
}

#[test]
fn sni_cut_into_a_tiny_first_segment_and_many_backwards_ones_is_found() {
    let server = [17, 253, 144, 11];
    let stream = in_records(&client_hello("hidden.example", false, 200), 1400);
    assert!(stream.len() > 200);
    let seq = 5000u32;
    let mut book = NameBook::new();
    // A 1-byte first segment (too short to look like TLS by itself) ...
    book.observe(1, &tcp(CLIENT, 51001, server, 443, seq, &stream[..1]));
    // ... then every other byte in its own segment, last byte first: far more than 16 wait.
    for i in (1..stream.len()).rev() {
        book.observe(2, &tcp(CLIENT, 51001, server, 443, seq + i as u32, &stream[i..=i]));
    }
    let endpoint = book.endpoint(server.into()).expect("named");
    assert_eq!(endpoint.names[0].name, "hidden.example");
    assert!(book.tls_streams.is_empty());
}

#[test]
fn http_host_in_the_third_segment_is_found() {
    let server = [93, 184, 215, 15];
    let request =
        format!("GET /pixel?{} HTTP/1.1\r\nUser-Agent: x\r\nHost: Tracker.example\r\n\r\n", "id=1&".repeat(500));
    let bytes = request.as_bytes();
    let (a, rest) = bytes.split_at(1400);
    let (b, c) = rest.split_at(1100);
    assert!(!a.windows(4).any(|w| w == b"Host") && !b.windows(4).any(|w| w == b"Host"));
    let mut book = NameBook::new();
    book.observe(1, &tcp(CLIENT, 53002, server, 80, 1, a));
    book.observe(2, &tcp(CLIENT, 53002, server, 80, 1401, b));
    assert!(book.endpoint(server.into()).is_none());
    book.observe(3, &tcp(CLIENT, 53002, server, 80, 2501, c));
    let e = book.endpoint(server.into()).expect("named");
    assert_eq!(
        (e.names[0].name.as_str(), e.names[0].source, e.names[0].frame),
        ("tracker.example", NameSource::Http, 3)
    );
    assert!(book.http_streams.is_empty(), "state is freed once done");
    assert_eq!(book.stats().http_requests, 1);
}

#[test]
fn http_method_cut_into_one_byte_first_segment_is_found_and_non_requests_let_go() {
    // Found by the `reassembly` fuzz target: "GE" then "T / HTTP/1.1..." went unnamed.
    let server = [93, 184, 215, 16];
    let request = b"GET / HTTP/1.1\r\nHost: cut-method.example\r\n\r\n";
    let mut book = NameBook::new();
    book.observe(1, &tcp(CLIENT, 53003, server, 80, 1, &request[..1]));
    book.observe(2, &tcp(CLIENT, 53003, server, 80, 2, &request[1..]));
    assert_eq!(book.endpoint(server.into()).and_then(|e| e.best_name()), Some("cut-method.example"));
    // A stream that only began like a method is dropped once it is not one.
    book.observe(3, &tcp(CLIENT, 53004, server, 80, 1, b"G"));
    book.observe(4, &tcp(CLIENT, 53004, server, 80, 2, b"ARBAGE / HTTP/1.1\r\nHost: no.example\r\n\r\n"));
    assert!(book.http_streams.is_empty());
    assert_eq!(book.endpoint(server.into()).map(|e| e.names.len()), Some(1));
}

#[test]
fn http_host_names_and_ip_literals() {
    let server = [93, 184, 215, 14];
    let mut book = NameBook::new();
    book.observe(1, &tcp(CLIENT, 53000, server, 80, 1, b"GET / HTTP/1.1\r\nHost: Example.com\r\n\r\n"));
    book.observe(2, &tcp(CLIENT, 53001, server, 80, 1, b"GET / HTTP/1.1\r\nHost: 93.184.215.14:80\r\n\r\n"));
    let e = book.endpoint(server.into()).unwrap();
    assert_eq!(e.names.len(), 1);
    assert_eq!(e.names[0].source, NameSource::Http);
    assert_eq!(book.stats().http_requests, 2);
    assert_eq!(book.stats().http_ip_hosts, 1);
}

#[test]
fn quic_initial_through_observe() {
    let server = [142, 250, 1, 1];
    let packet = rfc_packet(QuicVersion::V1);
    let mut book = NameBook::new();
    book.observe(1, &udp(CLIENT, 60000, server, 443, &packet));
    let e = book.endpoint(server.into()).unwrap();
    assert_eq!(e.names[0].name, "example.com");
    assert_eq!(e.names[0].source.as_str(), "quic");
}

#[test]
fn stream_table_is_bounded() {
    let mut book = NameBook::new();
    let partial = &in_records(&client_hello("x.example", false, 2000), 16384)[..100];
    for port in 0..5000u16 {
        book.observe(1, &tcp(CLIENT, port.wrapping_add(1024), [10, 0, 0, 1], 443, 1, partial));
    }
    assert_eq!(book.tls_streams.len(), 4096);
    assert_eq!(book.stats().tls_streams_dropped, 5000 - 4096);
}

#[test]
fn sightings_serialize() {
    let mut book = NameBook::new();
    book.observe(1, &udp(RESOLVER, 53, CLIENT, 1, &response("a.example", &[], &[IpAddr::from([1, 1, 1, 1])])));
    let json = serde_json::to_string(book.endpoint(IpAddr::from([1, 1, 1, 1])).unwrap()).unwrap();
    assert!(json.contains(r#""source":"dns""#), "{json}");
    assert!(serde_json::to_string(&book.stats()).is_ok());
    let whole = serde_json::to_string(&book).unwrap();
    assert!(whole.contains(r#""1.1.1.1":{"names""#), "{whole}");
}

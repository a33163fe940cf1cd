//! `icloud.pcap`: two minutes of an iPhone syncing with iCloud on a home network. Names
//! resolve through CNAME chains into Azure Storage, Amazon S3, CloudFront, Akamai and
//! Apple's own 17.0.0.0/8; samples/README.md lists each address with the published range
//! that proves it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use pcap_file::DataLink;
use simple_dns::TYPE;

use super::net;
use super::scene::{Https, Scene, PHONE_IP, ROUTER_IP};
use super::writer::{write_pcap, PcapLayout};
use super::{dns, home, quic};

/// 2025-06-09 17:00:00 UTC (WWDC week).
const START: u64 = 1_749_488_400;

fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

// Provider addresses (see samples/README.md for the proving prefixes).
const AZURE_BLOB: [u8; 4] = [13, 88, 144, 120]; // STORAGE.WESTUS 13.88.144.112/28
const S3: [u8; 4] = [16, 15, 101, 37]; // S3 us-east-1 16.15.100.0/22
const CLOUDFRONT: [[u8; 4]; 2] = [[108, 138, 64, 17], [108, 138, 64, 88]]; // 108.138.0.0/15
const APPLE_GATEWAY: [[u8; 4]; 2] = [[17, 248, 185, 69], [17, 248, 185, 70]];
const APPLE_KVS: [u8; 4] = [17, 248, 190, 12];
const APPLE_MASK: [u8; 4] = [17, 248, 170, 4];
const APPLE_NTP: [u8; 4] = [17, 253, 0, 125];
const APPLE_OCSP: [u8; 4] = [17, 253, 1, 10];
const APPLE_CKDB: [u8; 4] = [17, 248, 185, 80];
const AKAMAI: [[u8; 4]; 2] = [[2, 16, 6, 43], [2, 16, 6, 58]]; // AS20940 2.16.4.0-2.16.11.255

fn ip(a: [u8; 4]) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(a))
}

pub fn write(out: &Path) -> Result<()> {
    let mut s = Scene::new(START);
    home::background(&mut s, START, ip(APPLE_NTP))?;
    apple_services(&mut s)?;
    azure_upload(&mut s)?;
    s3_and_cloudfront(&mut s)?;
    dns_specials(&mut s)?;
    quic_relay(&mut s)?;
    plain_http(&mut s)?;
    write_pcap(&out.join("icloud.pcap"), DataLink::ETHERNET, PcapLayout::MICRO_LE, &s.frames)
}

/// iCloud's own front doors on 17.0.0.0/8, including one AAAA answer.
fn apple_services(s: &mut Scene) -> Result<()> {
    let gw: Vec<IpAddr> = APPLE_GATEWAY.iter().copied().map(ip).collect();
    s.dns(1.0, "gateway.icloud.com", TYPE::A, &["gateway.fe.apple-dns.net"], &gw)?;
    let gw6 = IpAddr::V6("2403:300:a02:100::1f".parse::<Ipv6Addr>()?);
    s.dns(1.001, "gateway.icloud.com", TYPE::AAAA, &["gateway.fe.apple-dns.net"], &[gw6])?;
    s.https(
        1.1,
        &Https {
            server: gw[0],
            sni: "gateway.icloud.com",
            split_hello: false,
            upload: 9_000,
            download: 31_000,
            rtt_ms: 24,
        },
    )?;
    s.dns(3.0, "p12-keyvalueservice.icloud.com", TYPE::A, &["p12-keyvalueservice.fe.apple-dns.net"], &[ip(APPLE_KVS)])?;
    s.https(
        3.1,
        &Https {
            server: ip(APPLE_KVS),
            sni: "p12-keyvalueservice.icloud.com",
            split_hello: true,
            upload: 4_000,
            download: 12_000,
            rtt_ms: 25,
        },
    )?;
    s.dns(
        90.0,
        "p12-ckdatabasews.icloud.com",
        TYPE::A,
        &["p12-ckdatabasews.icloud.com.akadns.net", "ckdatabasews.fe.apple-dns.net"],
        &[ip(APPLE_CKDB)],
    )?;
    s.https(
        90.1,
        &Https {
            server: ip(APPLE_CKDB),
            sni: "p12-ckdatabasews.icloud.com",
            split_hello: false,
            upload: 22_000,
            download: 140_000,
            rtt_ms: 24,
        },
    )?;
    Ok(())
}

/// Photos going up to Windows Azure blob storage behind an icloud.com name.
fn azure_upload(s: &mut Scene) -> Result<()> {
    s.dns(
        8.0,
        "p12-content.icloud.com",
        TYPE::A,
        &[
            "p12-content.fe.icloud-content.com",
            "apcs12prod.blob.core.windows.net",
            "blob.by4prdstr05a.store.core.windows.net",
        ],
        &[ip(AZURE_BLOB)],
    )?;
    s.https(
        8.1,
        &Https {
            server: ip(AZURE_BLOB),
            sni: "p12-content.icloud.com",
            split_hello: false,
            upload: 3_100_000,
            download: 6_000,
            rtt_ms: 160,
        },
    )?;
    Ok(())
}

/// A download from an S3 bucket in us-east-1 and shared streams from CloudFront.
fn s3_and_cloudfront(s: &mut Scene) -> Result<()> {
    let chain = ["icloud-p12-storage.s3.amazonaws.com", "s3-1-w.amazonaws.com", "s3-w.us-east-1.amazonaws.com"];
    s.dns(30.0, "p12-storage.icloud-content.com", TYPE::A, &chain, &[ip(S3)])?;
    let s3_v6 = IpAddr::V6("2600:1fa0:8035:1a08::1f".parse::<Ipv6Addr>()?);
    s.dns(30.001, "p12-storage.icloud-content.com", TYPE::AAAA, &chain, &[s3_v6])?;
    s.https(
        30.1,
        &Https {
            server: ip(S3),
            sni: "icloud-p12-storage.s3.amazonaws.com",
            split_hello: false,
            upload: 3_000,
            download: 4_200_000,
            rtt_ms: 90,
        },
    )?;
    let cf: Vec<IpAddr> = CLOUDFRONT.iter().copied().map(ip).collect();
    s.dns(50.0, "p12-sharedstreams.icloud.com", TYPE::A, &["d3rxa4c1fj7bq2.cloudfront.net"], &cf)?;
    s.https(
        50.1,
        &Https {
            server: cf[1],
            sni: "p12-sharedstreams.icloud.com",
            split_hello: true,
            upload: 2_000,
            download: 1_050_000,
            rtt_ms: 18,
        },
    )?;
    Ok(())
}

/// DNS over TCP and one answer too big for a 1500-byte MTU, sent as IP fragments.
fn dns_specials(s: &mut Scene) -> Result<()> {
    let resolver = SocketAddr::new(ROUTER_IP.into(), 53);
    let mut flow = s.tcp_flow(70.0, resolver, 2);
    flow.handshake()?;
    let id = s.dns_id();
    let name = "p12-escrowproxy.icloud.com";
    flow.send(true, &dns::tcp_framed(&dns::query(id, name, TYPE::A)?))?;
    let answer = dns::answer(id, name, TYPE::A, &["escrowproxy.fe.apple-dns.net"], &[v4(17, 248, 185, 91)])?;
    flow.send(false, &dns::tcp_framed(&answer))?;
    flow.close()?;
    s.add_flow(flow);

    let id = s.dns_id();
    let port = s.port();
    let phone = SocketAddr::new(PHONE_IP.into(), port);
    s.udp(s.at(72.0), phone, resolver, &dns::query(id, "icloud.com", TYPE::TXT)?)?;
    let txt: Vec<String> = (0..22)
        .map(|i| {
            format!(
                "sample-verification-{i:02}=apple-domain-verification-{:064x}",
                (i as u128 + 1) * 0x9e37_79b9_7f4a_7c15
            )
        })
        .collect();
    let ns = [
        ("a.ns.apple.com", v4(17, 253, 1, 11)),
        ("b.ns.apple.com", v4(17, 111, 10, 1)),
        ("c.ns.apple.com", v4(17, 111, 10, 2)),
    ];
    let big = dns::big_txt_answer(id, "icloud.com", &txt, &ns)?;
    let meta = s.meta(false);
    let whole = net::udp(resolver, phone, meta, &big)?;
    for (i, fragment) in net::fragment_ipv4(&whole, 1480)?.iter().enumerate() {
        s.push_ip(s.at(72.03) + Duration::from_micros(80 * i as u64), false, fragment);
    }
    Ok(())
}

/// iCloud Private Relay's QUIC to an Apple ingress: a real quinn Initial, then a few
/// short-header packets both ways.
fn quic_relay(s: &mut Scene) -> Result<()> {
    s.dns(80.0, "mask.icloud.com", TYPE::A, &["mask.apple-dns.net"], &[ip(APPLE_MASK)])?;
    let phone = SocketAddr::new(PHONE_IP.into(), s.port());
    let server = SocketAddr::new(ip(APPLE_MASK), 443);
    let start = quic::client_initial(phone, server, "mask.icloud.com")?;
    let mut t = 80.05;
    for datagram in &start.datagrams {
        s.udp(s.at(t), phone, server, datagram)?;
        t += 0.001;
    }
    let server_cid = [0x5a, 0x17, 0x0b, 0x9e, 0x44, 0x02, 0xc1, 0x7d];
    for (i, len) in [1_180usize, 1_180, 620, 90].iter().enumerate() {
        s.udp(s.at(80.08 + 0.002 * i as f64), server, phone, &quic::short_header(&start.client_cid, *len))?;
    }
    for (i, len) in [48usize, 310, 36].iter().enumerate() {
        s.udp(s.at(80.1 + 0.004 * i as f64), phone, server, &quic::short_header(&server_cid, *len))?;
    }
    Ok(())
}

/// Plain HTTP: an OCSP check at Apple and an asset from Apple's CDN served by Akamai.
fn plain_http(s: &mut Scene) -> Result<()> {
    s.dns(95.0, "ocsp.apple.com", TYPE::A, &["ocsp-a.g.aaplimg.com"], &[ip(APPLE_OCSP)])?;
    let mut flow = s.tcp_flow(95.1, SocketAddr::new(ip(APPLE_OCSP), 80), 20);
    flow.handshake()?;
    let get = "GET /ocsp03-apevsrsa2g101/ME4wTKADAgEAMEUwQzBBMAkGBSsOAwIaBQAEFDOB0e%2FbaLCFIU0u76%2BMSmlkPCpsBBRobEYBQSTqmg6FnIxFRPDmIGB7RgIIAqhM4X1AKr0%3D HTTP/1.1\r\nHost: ocsp.apple.com\r\nAccept: */*\r\nUser-Agent: com.apple.trustd/3.0\r\n\r\n";
    flow.send(true, get.as_bytes())?;
    let mut resp = b"HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 5\r\nCache-Control: max-age=43200\r\n\r\n".to_vec();
    // A minimal valid OCSPResponse: SEQUENCE { responseStatus ENUMERATED tryLater(3) }.
    resp.extend_from_slice(&[0x30, 0x03, 0x0a, 0x01, 0x03]);
    flow.send(false, &resp)?;
    flow.close()?;
    s.add_flow(flow);

    let akamai: Vec<IpAddr> = AKAMAI.iter().copied().map(ip).collect();
    s.dns(
        97.0,
        "updates-http.cdn-apple.com",
        TYPE::A,
        &["updates-http.cdn-apple.com.akadns.net", "a1803.dscg.akamai.net"],
        &akamai,
    )?;
    let mut flow = s.tcp_flow(97.1, SocketAddr::new(akamai[0], 80), 12);
    flow.handshake()?;
    let get = "GET /2025/mobileassets/071-12345/AssetData.xml HTTP/1.1\r\nHost: updates-http.cdn-apple.com\r\nAccept: */*\r\nUser-Agent: MobileAsset/1.0\r\nConnection: close\r\n\r\n";
    flow.send(true, get.as_bytes())?;
    let body_len = 240_000;
    let line = b"<asset><key>AssetType</key><string>com.apple.MobileAsset.Font7</string></asset>\n";
    let body: Vec<u8> = line.iter().copied().cycle().take(body_len).collect();
    let mut resp = format!("HTTP/1.1 200 OK\r\nServer: AkamaiNetStorage\r\nContent-Type: application/xml\r\nContent-Length: {body_len}\r\n\r\n").into_bytes();
    resp.extend_from_slice(&body);
    flow.send(false, &resp)?;
    flow.close()?;
    s.add_flow(flow);
    Ok(())
}

//! QUIC v1 from quinn-proto: the client's first Initial datagram (ClientHello with SNI inside
//! CRYPTO frames, protected with Initial keys any observer can derive) made reproducible by
//! seeded connection ids, the endpoint's rng seed and the seeded rustls provider; plus
//! short-header (1-RTT) packets, which are opaque without keys and so are seeded bytes
//! under a real-looking header.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use quinn_proto::crypto::rustls::QuicClientConfig;
use quinn_proto::{ClientConfig, ConnectionId, ConnectionIdGenerator, Endpoint, EndpointConfig};

use super::tls::{client_config, seeded_fill};

/// Connection-id generator drawing from the seeded source.
struct SeededCids;

impl ConnectionIdGenerator for SeededCids {
    fn generate_cid(&mut self) -> ConnectionId {
        let mut id = [0u8; 8];
        seeded_fill(&mut id);
        ConnectionId::new(&id)
    }

    fn cid_len(&self) -> usize {
        8
    }

    fn cid_lifetime(&self) -> Option<Duration> {
        None
    }
}

/// The first datagram(s) and connection ids of a client connection attempt.
pub struct QuicStart {
    pub datagrams: Vec<Vec<u8>>,
    pub client_cid: Vec<u8>,
}

/// Runs a quinn-proto client up to its first transmit towards `server` for `server_name`.
pub fn client_initial(local: SocketAddr, server: SocketAddr, server_name: &str) -> Result<QuicStart> {
    let mut endpoint_config = EndpointConfig::default();
    endpoint_config.cid_generator(|| Box::new(SeededCids));
    let mut seed = [0u8; 32];
    seeded_fill(&mut seed);
    let mut endpoint = Endpoint::new(Arc::new(endpoint_config), None, false, Some(seed));

    let tls = client_config(&[b"h3"])?;
    let mut config = ClientConfig::new(Arc::new(QuicClientConfig::try_from(tls)?));
    let mut dcid = [0u8; 8];
    seeded_fill(&mut dcid);
    config.initial_dst_cid_provider(Arc::new(move || ConnectionId::new(&dcid)));

    let now = Instant::now();
    let (_handle, mut conn) =
        endpoint.connect(now, config, server, server_name).map_err(|e| anyhow!("quic connect: {e}"))?;
    let _ = local; // the source address is the caller's to put in the IP header
    let mut datagrams = Vec::new();
    let mut buf = Vec::new();
    while let Some(transmit) = conn.poll_transmit(now, 1, &mut buf) {
        datagrams.push(buf[..transmit.size].to_vec());
        buf.clear();
    }
    let first = datagrams.first().ok_or_else(|| anyhow!("quinn sent nothing"))?;
    // Long header: flags(1) version(4) dcid_len(1) dcid scid_len(1) scid
    let dcid_len = usize::from(*first.get(5).ok_or_else(|| anyhow!("short initial"))?);
    let scid_at = 6 + dcid_len;
    let scid_len = usize::from(*first.get(scid_at).ok_or_else(|| anyhow!("short initial"))?);
    let client_cid = first.get(scid_at + 1..scid_at + 1 + scid_len).ok_or_else(|| anyhow!("short initial"))?.to_vec();
    Ok(QuicStart { datagrams, client_cid })
}

/// A 1-RTT short-header packet to connection id `dcid`: header form 0, fixed bit 1, then
/// `len` seeded bytes standing for the protected packet number and payload.
pub fn short_header(dcid: &[u8], len: usize) -> Vec<u8> {
    let mut first = [0u8; 1];
    seeded_fill(&mut first);
    let mut out = vec![0x40 | (first[0] & 0x3f)];
    out.extend_from_slice(dcid);
    let mut body = vec![0u8; len];
    seeded_fill(&mut body);
    out.extend_from_slice(&body);
    out
}

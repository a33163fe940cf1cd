//! Real TLS ClientHellos from rustls, made reproducible: rustls draws its randomness
//! (client random, session id) from a seeded generator, and the X25519 key share is seeded
//! bytes (the handshake is never completed, so no private key is needed).

use std::sync::{Arc, LazyLock, Mutex};

use anyhow::{Context, Result};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rustls::client::ClientConnection;
use rustls::crypto::{
    ActiveKeyExchange, CryptoProvider, GetRandomFailed, SecureRandom, SharedSecret, SupportedKxGroup,
};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, NamedGroup, RootCertStore};

/// The one random source of everything TLS/QUIC in the samples.
static RNG: LazyLock<Mutex<ChaCha20Rng>> = LazyLock::new(|| Mutex::new(ChaCha20Rng::seed_from_u64(0x1c10_0d20_1106)));

/// Fills `buf` from the shared seeded generator.
pub fn seeded_fill(buf: &mut [u8]) {
    if let Ok(mut rng) = RNG.lock() {
        rng.fill_bytes(buf);
    }
}

#[derive(Debug)]
struct SeededRandom;

impl SecureRandom for SeededRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
        seeded_fill(buf);
        Ok(())
    }
}

/// An X25519 group whose public key is 32 seeded bytes. Completing it is an error: the
/// samples only ever send the first flight.
#[derive(Debug)]
struct SeededX25519;

struct SeededShare([u8; 32]);

impl SupportedKxGroup for SeededX25519 {
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, rustls::Error> {
        let mut key = [0u8; 32];
        seeded_fill(&mut key);
        Ok(Box::new(SeededShare(key)))
    }

    fn name(&self) -> NamedGroup {
        NamedGroup::X25519
    }
}

impl ActiveKeyExchange for SeededShare {
    fn complete(self: Box<Self>, _peer: &[u8]) -> Result<SharedSecret, rustls::Error> {
        Err(rustls::Error::General("sample key share cannot complete".into()))
    }

    fn pub_key(&self) -> &[u8] {
        &self.0
    }

    fn group(&self) -> NamedGroup {
        NamedGroup::X25519
    }
}

static SEEDED_RANDOM: SeededRandom = SeededRandom;
static SEEDED_X25519: SeededX25519 = SeededX25519;

/// rustls' ring provider with the seeded random source and key share.
fn provider() -> CryptoProvider {
    CryptoProvider {
        kx_groups: vec![&SEEDED_X25519],
        secure_random: &SEEDED_RANDOM,
        ..rustls::crypto::ring::default_provider()
    }
}

/// A client config offering TLS 1.3 and 1.2 with the given ALPN protocols.
pub fn client_config(alpn: &[&[u8]]) -> Result<ClientConfig> {
    let mut config = ClientConfig::builder_with_provider(Arc::new(provider()))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(RootCertStore::empty())
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}

/// The TLS records a rustls client sends first for `server_name` (a ClientHello).
pub fn client_hello(server_name: &str) -> Result<Vec<u8>> {
    let config = Arc::new(client_config(&[b"h2", b"http/1.1"])?);
    let name = ServerName::try_from(server_name.to_string()).context("server name")?;
    let mut conn = ClientConnection::new(config, name)?;
    let mut out = Vec::new();
    while conn.wants_write() {
        conn.write_tls(&mut out)?;
    }
    Ok(out)
}

/// Opaque TLS application-data records (type 23) carrying `len` seeded bytes in records of
/// at most 16 KiB plus a 17-byte AEAD overhead, like an encrypted HTTP/2 body.
pub fn app_data(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + len / 16_384 * 22 + 22);
    let mut left = len;
    while left > 0 {
        let n = left.min(16_384);
        let mut body = vec![0u8; n + 17];
        seeded_fill(&mut body);
        out.extend_from_slice(&[23, 3, 3]);
        out.extend_from_slice(&((n + 17) as u16).to_be_bytes());
        out.extend_from_slice(&body);
        left -= n;
    }
    out
}

/// What a TLS 1.3 server's first flight looks like on the wire without keys: a
/// ChangeCipherSpec then encrypted records. (The ServerHello itself is replaced by
/// opaque records: the samples never finish a handshake.)
pub fn server_first_flight() -> Vec<u8> {
    let mut out = vec![20, 3, 3, 0, 1, 1];
    out.extend_from_slice(&app_data(2_900));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_hello_is_a_handshake_record_carrying_the_server_name() {
        let hello = client_hello("p12-content.icloud.com").unwrap();
        assert_eq!(hello[0], 22, "handshake record");
        assert_eq!(hello[5], 1, "ClientHello");
        let name = b"p12-content.icloud.com";
        assert!(hello.windows(name.len()).any(|w| w == name));
    }

    #[test]
    fn app_data_records_add_up() {
        let data = app_data(40_000);
        let mut at = 0;
        let mut body = 0;
        while at < data.len() {
            assert_eq!(data[at], 23);
            let len = usize::from(u16::from_be_bytes([data[at + 3], data[at + 4]]));
            body += len - 17;
            at += 5 + len;
        }
        assert_eq!(body, 40_000);
    }
}

//! Protects a client Initial around chosen plaintext frames (RFC 9001 section 5: keys from
//! the destination connection ID, AEAD_AES_128_GCM, AES header protection), so that fuzzed
//! frames get past the decryption that random bytes never pass.

use aes::cipher::{BlockEncrypt, KeyInit};
use aes::Aes128;
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;

/// RFC 9001 section 5.2, QUIC version 1.
const V1_SALT: [u8; 20] = [
    0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f,
    0x0a,
];

/// TLS 1.3 HKDF-Expand-Label with an empty context.
fn expand_label(secret: &Hkdf<Sha256>, label: &[u8], out: &mut [u8]) {
    let mut info = (out.len() as u16).to_be_bytes().to_vec();
    info.push((6 + label.len()) as u8);
    info.extend_from_slice(b"tls13 ");
    info.extend_from_slice(label);
    info.push(0);
    secret.expand(&info, out).expect("label output fits HKDF-SHA256");
}

/// A QUIC v1 client Initial to `dcid` with packet number `pn` carrying `plain` (the
/// frames). `plain` longer than 16,000 bytes is cut.
pub fn protect_initial(dcid: &[u8], pn: u32, plain: &[u8]) -> Vec<u8> {
    let plain = plain.get(..16_000).unwrap_or(plain);
    let (_, initial) = Hkdf::<Sha256>::extract(Some(&V1_SALT), dcid);
    let mut client_secret = [0u8; 32];
    expand_label(&initial, b"client in", &mut client_secret);
    let client = Hkdf::<Sha256>::from_prk(&client_secret).expect("32-byte PRK");
    let (mut key, mut iv, mut hp) = ([0u8; 16], [0u8; 12], [0u8; 16]);
    expand_label(&client, b"quic key", &mut key);
    expand_label(&client, b"quic iv", &mut iv);
    expand_label(&client, b"quic hp", &mut hp);

    let mut packet = vec![0xc3, 0, 0, 0, 1, dcid.len() as u8];
    packet.extend_from_slice(dcid);
    packet.extend_from_slice(&[0, 0]); // no source connection ID, no token
    packet.extend_from_slice(&(0x4000 | (4 + plain.len() + 16) as u16).to_be_bytes());
    let pn_offset = packet.len();
    packet.extend_from_slice(&pn.to_be_bytes());

    let mut nonce = iv;
    for (n, p) in nonce[8..].iter_mut().zip(pn.to_be_bytes()) {
        *n ^= p;
    }
    let sealed = Aes128Gcm::new(&key.into())
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: &packet })
        .expect("AES-GCM seals any length here");
    // The sample starts 4 bytes after the packet number offset: the first sealed bytes.
    let mut mask = aes::Block::clone_from_slice(&sealed[..16]);
    Aes128::new(&hp.into()).encrypt_block(&mut mask);
    packet[0] ^= mask[0] & 0x0f;
    for i in 0..4 {
        packet[pn_offset + i] ^= mask[1 + i];
    }
    packet.extend_from_slice(&sealed);
    packet
}

//! QUIC Initial packet protection for the client side: key derivation from the client's
//! Destination Connection ID (RFC 9001 section 5.2, RFC 9369 section 3.3), header
//! protection masks and AES-128-GCM payload opening. No packet layout knowledge here.

use aes::cipher::{BlockEncrypt, KeyInit};
use aes::Aes128;
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;

/// The QUIC versions whose Initial packets can be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuicVersion {
    V1,
    V2,
}

impl QuicVersion {
    pub fn from_wire(version: u32) -> Option<Self> {
        match version {
            0x0000_0001 => Some(Self::V1),
            0x6b33_43cf => Some(Self::V2),
            _ => None,
        }
    }

    /// Long-header packet type bits (byte 0, bits 4-5) of an Initial packet.
    pub fn initial_type(self) -> u8 {
        match self {
            Self::V1 => 0b00,
            Self::V2 => 0b01,
        }
    }

    /// Long-header packet type bits of a Retry packet (which has no Length field).
    pub fn retry_type(self) -> u8 {
        match self {
            Self::V1 => 0b11,
            Self::V2 => 0b00,
        }
    }

    fn salt(self) -> &'static [u8; 20] {
        match self {
            Self::V1 => &[
                0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc,
                0xbb, 0x7f, 0x0a,
            ],
            Self::V2 => &[
                0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9,
                0xbd, 0x2e, 0xd9,
            ],
        }
    }

    /// HKDF labels for key, iv and header protection key.
    fn labels(self) -> [&'static [u8]; 3] {
        match self {
            Self::V1 => [b"quic key", b"quic iv", b"quic hp"],
            Self::V2 => [b"quicv2 key", b"quicv2 iv", b"quicv2 hp"],
        }
    }
}

/// Keys that protect the client's Initial packets.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct InitialKeys {
    pub key: [u8; 16],
    pub iv: [u8; 12],
    pub hp: [u8; 16],
}

impl std::fmt::Debug for InitialKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InitialKeys(..)")
    }
}

/// HKDF-Expand-Label of TLS 1.3 with an empty context.
fn expand_label<const N: usize>(secret: &Hkdf<Sha256>, label: &[u8]) -> [u8; N] {
    let mut info = Vec::with_capacity(10 + label.len());
    // N and label lengths are small constants, far below the u16/u8 limits.
    info.extend_from_slice(&(N as u16).to_be_bytes());
    info.push((6 + label.len()) as u8);
    info.extend_from_slice(b"tls13 ");
    info.extend_from_slice(label);
    info.push(0);
    let mut out = [0u8; N];
    // Expansion only fails for outputs over 255 * 32 bytes; N is at most 32.
    if secret.expand(&info, &mut out).is_err() {
        out = [0u8; N];
    }
    out
}

/// The client's Initial keys for a connection whose first Initial had `dcid`.
pub(crate) fn client_initial_keys(version: QuicVersion, dcid: &[u8]) -> InitialKeys {
    let initial = Hkdf::<Sha256>::new(Some(version.salt()), dcid);
    let client_secret: [u8; 32] = expand_label(&initial, b"client in");
    // A 32-byte PRK is always long enough for SHA-256, so from_prk cannot fail here.
    let client = Hkdf::<Sha256>::from_prk(&client_secret).unwrap_or_else(|_| Hkdf::new(None, dcid));
    let [key_label, iv_label, hp_label] = version.labels();
    InitialKeys {
        key: expand_label(&client, key_label),
        iv: expand_label(&client, iv_label),
        hp: expand_label(&client, hp_label),
    }
}

/// The header protection mask: AES-128-ECB of the 16-byte sample.
pub(crate) fn header_mask(hp: &[u8; 16], sample: &[u8; 16]) -> [u8; 16] {
    let cipher = Aes128::new(hp.into());
    let mut block = (*sample).into();
    cipher.encrypt_block(&mut block);
    block.into()
}

fn nonce(iv: &[u8; 12], packet_number: u64) -> [u8; 12] {
    let mut nonce = *iv;
    for (n, p) in nonce[4..].iter_mut().zip(packet_number.to_be_bytes()) {
        *n ^= p;
    }
    nonce
}

/// Opens a payload (ciphertext followed by the 16-byte tag); None when authentication fails.
pub(crate) fn open(keys: &InitialKeys, packet_number: u64, header: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    let cipher = Aes128Gcm::new((&keys.key).into());
    let nonce = nonce(&keys.iv, packet_number);
    cipher.decrypt(Nonce::from_slice(&nonce), Payload { msg: sealed, aad: header }).ok()
}

/// Seals a payload; only tests build protected packets.
#[cfg(test)]
pub(crate) fn seal(keys: &InitialKeys, packet_number: u64, header: &[u8], plain: &[u8]) -> Vec<u8> {
    let cipher = Aes128Gcm::new((&keys.key).into());
    let nonce = nonce(&keys.iv, packet_number);
    cipher.encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: header }).expect("seal")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn unhex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    pub(crate) const RFC_DCID: &str = "8394c8f03e515708";

    #[test]
    fn rfc9001_appendix_a1_client_keys() {
        let keys = client_initial_keys(QuicVersion::V1, &unhex(RFC_DCID));
        assert_eq!(keys.key.to_vec(), unhex("1f369613dd76d5467730efcbe3b1a22d"));
        assert_eq!(keys.iv.to_vec(), unhex("fa044b2f42a3fd3b46fb255c"));
        assert_eq!(keys.hp.to_vec(), unhex("9f50449e04a0e810283a1e9933adedd2"));
    }

    #[test]
    fn rfc9369_appendix_a1_client_keys() {
        let keys = client_initial_keys(QuicVersion::V2, &unhex(RFC_DCID));
        assert_eq!(keys.key.to_vec(), unhex("8b1a0bc121284290a29e0971b5cd045d"));
        assert_eq!(keys.iv.to_vec(), unhex("91f73e2351d8fa91660e909f"));
        assert_eq!(keys.hp.to_vec(), unhex("45b95e15235d6f45a6b19cbcb0294ba9"));
    }

    #[test]
    fn rfc9001_header_protection_mask() {
        let keys = client_initial_keys(QuicVersion::V1, &unhex(RFC_DCID));
        let sample: [u8; 16] = unhex("d1b1c98dd7689fb8ec11d242b123dc9b").try_into().unwrap();
        assert_eq!(header_mask(&keys.hp, &sample)[..5], unhex("437b9aec36")[..]);
    }

    #[test]
    fn open_refuses_a_wrong_tag() {
        let keys = client_initial_keys(QuicVersion::V1, b"abc");
        let mut sealed = seal(&keys, 3, b"hdr", b"hello");
        assert_eq!(open(&keys, 3, b"hdr", &sealed).as_deref(), Some(&b"hello"[..]));
        sealed[0] ^= 1;
        assert_eq!(open(&keys, 3, b"hdr", &sealed), None);
    }
}

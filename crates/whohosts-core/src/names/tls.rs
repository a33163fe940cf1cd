//! TLS ClientHello -> server name (SNI) and whether Encrypted Client Hello is offered.
//! Takes either the first bytes of a TCP stream (TLS records, possibly several) or a bare
//! handshake message (QUIC CRYPTO data). Parsing is tls-parser's; stream state is not here.

use tls_parser::{
    parse_tls_client_hello_extensions, parse_tls_message_handshake, SNIType, TlsExtension, TlsMessage,
    TlsMessageHandshake,
};

use super::hostname::normalize_name_bytes;

/// Extension type of Encrypted Client Hello (draft-ietf-tls-esni).
const ECH_EXTENSION: u16 = 0xfe0d;
const RECORD_HEADER_LEN: usize = 5;
const HANDSHAKE_RECORD: u8 = 0x16;
const CLIENT_HELLO: u8 = 0x01;
/// Largest ClientHello collected from records (with post-quantum key shares ~2 KiB today).
pub(crate) const MAX_CLIENT_HELLO: usize = 16 * 1024;

/// What a ClientHello said about names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientHelloNames {
    /// The server_name, normalised; the outer public name when `ech` is set.
    pub sni: Option<String>,
    pub ech: bool,
}

/// Why a ClientHello could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsError {
    #[error("not a TLS handshake record (first bytes {first:02x?})")]
    NotHandshakeRecord { first: Vec<u8> },
    #[error("handshake message type {msg_type} is not a ClientHello")]
    NotClientHello { msg_type: u8 },
    #[error("ClientHello of {len} bytes is over the {MAX_CLIENT_HELLO}-byte limit")]
    TooLarge { len: usize },
    #[error("ClientHello does not parse ({len} bytes)")]
    Malformed { len: usize },
}

/// Result of looking at the first bytes of a client stream.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RecordProgress {
    NeedMore,
    /// The whole ClientHello handshake message, record headers removed.
    Complete(Vec<u8>),
}

/// Cheap check on a segment that may start a TLS stream: handshake record, TLS 1.x,
/// ClientHello. No allocation.
pub(crate) fn starts_client_hello(payload: &[u8]) -> bool {
    matches!(payload, [HANDSHAKE_RECORD, 0x03, minor, _, _, CLIENT_HELLO, ..] if *minor <= 0x04)
}

/// Whether a first segment shorter than a record header could be the start of a
/// ClientHello record (a sender may cut the hello into tiny segments to hide it).
pub(crate) fn may_start_client_hello(payload: &[u8]) -> bool {
    match payload {
        [HANDSHAKE_RECORD] | [HANDSHAKE_RECORD, 0x03] => true,
        [HANDSHAKE_RECORD, 0x03, minor, ..] if payload.len() < 6 => *minor <= 0x04,
        _ => false,
    }
}

/// Collects the ClientHello from the in-order prefix of a client stream.
pub(crate) fn client_hello_from_records(stream: &[u8]) -> Result<RecordProgress, TlsError> {
    let mut message = Vec::new();
    let mut rest = stream;
    loop {
        if let Some(needed) = handshake_len(&message)? {
            if message.len() >= needed {
                message.truncate(needed);
                return Ok(RecordProgress::Complete(message));
            }
        }
        let Some((header, _)) = rest.split_first_chunk::<RECORD_HEADER_LEN>() else {
            return Ok(RecordProgress::NeedMore);
        };
        let [content_type, major, _minor, len_hi, len_lo] = *header;
        if content_type != HANDSHAKE_RECORD || major != 0x03 {
            return Err(TlsError::NotHandshakeRecord { first: header.to_vec() });
        }
        let len = usize::from(u16::from_be_bytes([len_hi, len_lo]));
        let Some(fragment) = rest.get(RECORD_HEADER_LEN..RECORD_HEADER_LEN + len) else {
            return Ok(RecordProgress::NeedMore);
        };
        message.extend_from_slice(fragment);
        rest = rest.get(RECORD_HEADER_LEN + len..).unwrap_or_default();
    }
}

/// Total length of the handshake message once its 4-byte header is known.
pub(crate) fn handshake_len(message: &[u8]) -> Result<Option<usize>, TlsError> {
    let Some(&[msg_type, a, b, c]) = message.get(..4) else {
        return Ok(None);
    };
    if msg_type != CLIENT_HELLO {
        return Err(TlsError::NotClientHello { msg_type });
    }
    let len = 4 + usize::from(a) * 65536 + usize::from(b) * 256 + usize::from(c);
    if len > MAX_CLIENT_HELLO {
        return Err(TlsError::TooLarge { len });
    }
    Ok(Some(len))
}

/// Reads SNI and the ECH flag from one complete ClientHello handshake message.
pub(crate) fn client_hello_names(message: &[u8]) -> Result<ClientHelloNames, TlsError> {
    let malformed = TlsError::Malformed { len: message.len() };
    let hello = match parse_tls_message_handshake(message) {
        Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ClientHello(hello)))) => hello,
        Ok(_) => {
            let msg_type = message.first().copied().unwrap_or_default();
            return Err(TlsError::NotClientHello { msg_type });
        }
        Err(_) => return Err(malformed),
    };
    let raw_extensions = hello.ext.unwrap_or_default();
    let extensions = parse_tls_client_hello_extensions(raw_extensions).map(|(_, e)| e).map_err(|_| malformed)?;
    let sni = extensions.iter().find_map(|ext| match ext {
        TlsExtension::SNI(names) => {
            names.iter().find(|(kind, _)| *kind == SNIType::HostName).and_then(|(_, name)| normalize_name_bytes(name))
        }
        _ => None,
    });
    Ok(ClientHelloNames { sni, ech: has_extension(raw_extensions, ECH_EXTENSION) })
}

/// Walks raw extension headers (type, length) looking for one type; independent of how
/// well tls-parser understands the extensions before it.
fn has_extension(mut raw: &[u8], wanted: u16) -> bool {
    while let Some(&[t0, t1, l0, l1]) = raw.get(..4) {
        if u16::from_be_bytes([t0, t1]) == wanted {
            return true;
        }
        let len = usize::from(u16::from_be_bytes([l0, l1]));
        raw = raw.get(4 + len..).unwrap_or_default();
    }
    false
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A ClientHello handshake message with an SNI extension, optional ECH and padding.
    pub(crate) fn client_hello(sni: &str, ech: bool, padding: usize) -> Vec<u8> {
        let mut ext = Vec::new();
        let name = sni.as_bytes();
        let name_len = u16::try_from(name.len()).unwrap();
        ext.extend_from_slice(&[0, 0]);
        ext.extend_from_slice(&(name_len + 5).to_be_bytes());
        ext.extend_from_slice(&(name_len + 3).to_be_bytes());
        ext.push(0);
        ext.extend_from_slice(&name_len.to_be_bytes());
        ext.extend_from_slice(name);
        if ech {
            ext.extend_from_slice(&[0xfe, 0x0d, 0, 4, 0, 1, 2, 3]);
        }
        ext.extend_from_slice(&[0x00, 0x15]);
        ext.extend_from_slice(&u16::try_from(padding).unwrap().to_be_bytes());
        ext.extend(std::iter::repeat_n(0u8, padding));

        let mut body = vec![0x03, 0x03];
        body.extend_from_slice(&[0x11; 32]); // random
        body.push(0); // session id
        body.extend_from_slice(&[0, 2, 0x13, 0x01]); // one cipher suite
        body.extend_from_slice(&[1, 0]); // null compression
        body.extend_from_slice(&u16::try_from(ext.len()).unwrap().to_be_bytes());
        body.extend_from_slice(&ext);

        let len = u32::try_from(body.len()).unwrap().to_be_bytes();
        let mut msg = vec![CLIENT_HELLO, len[1], len[2], len[3]];
        msg.extend_from_slice(&body);
        msg
    }

    /// The handshake message cut into TLS records of at most `record_size` bytes.
    pub(crate) fn in_records(message: &[u8], record_size: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in message.chunks(record_size) {
            out.extend_from_slice(&[HANDSHAKE_RECORD, 0x03, 0x01]);
            out.extend_from_slice(&u16::try_from(chunk.len()).unwrap().to_be_bytes());
            out.extend_from_slice(chunk);
        }
        out
    }

    #[test]
    fn reads_sni_and_ech() {
        let names = client_hello_names(&client_hello("Example.COM", false, 10)).unwrap();
        assert_eq!(names.sni.as_deref(), Some("example.com"));
        assert!(!names.ech);
        let names = client_hello_names(&client_hello("public.example", true, 0)).unwrap();
        assert_eq!(names.sni.as_deref(), Some("public.example"));
        assert!(names.ech);
    }

    #[test]
    fn several_records_and_partial_streams() {
        let msg = client_hello("split.example", false, 600);
        let stream = in_records(&msg, 200);
        assert!(starts_client_hello(&stream));
        for cut in 0..stream.len() {
            assert_eq!(client_hello_from_records(&stream[..cut]), Ok(RecordProgress::NeedMore), "cut at {cut}");
        }
        assert_eq!(client_hello_from_records(&stream), Ok(RecordProgress::Complete(msg)));
    }

    #[test]
    fn refuses_other_streams() {
        assert!(!starts_client_hello(b"GET / HTTP/1.1\r\n"));
        assert!(matches!(
            client_hello_from_records(b"\x17\x03\x03\x00\x01x"),
            Err(TlsError::NotHandshakeRecord { .. })
        ));
        assert!(matches!(
            client_hello_from_records(b"\x16\x03\x03\x00\x04\x02\x00\x00\x00"),
            Err(TlsError::NotClientHello { msg_type: 2 })
        ));
        assert!(matches!(handshake_len(&[1, 0xff, 0, 0]), Err(TlsError::TooLarge { .. })));
    }

    #[test]
    fn corrupted_hellos_do_not_panic() {
        let msg = client_hello("x.example", true, 0);
        for cut in 0..msg.len() {
            let _ = client_hello_names(&msg[..cut]);
        }
        for i in 0..msg.len() {
            let mut m = msg.clone();
            m[i] ^= 0xff;
            let _ = client_hello_names(&m);
        }
    }
}

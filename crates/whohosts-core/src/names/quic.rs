//! QUIC v1/v2 client Initial packets -> ClientHello names. Splits coalesced packets, removes
//! header protection, opens the payload, walks the frames and reassembles CRYPTO data per
//! connection (bounded table) until the ClientHello is complete. Cryptography lives in
//! `quic_crypto`; ClientHello parsing in `tls`.

use std::collections::{HashSet, VecDeque};

use super::crypto_assembly::{CryptoAssembler, CryptoStreamError};
use super::quic_crypto::{client_initial_keys, header_mask, open, InitialKeys, QuicVersion};
use super::stream::{FlowKey, FlowTable};
use super::tls::{self, ClientHelloNames, TlsError};
use super::NameStats;

const MAX_TRACKED_CONNECTIONS: usize = 4096;
/// Connections whose ClientHello was read, remembered so their later Initials are skipped.
const MAX_FINISHED_REMEMBERED: usize = 16 * 1024;
const IDLE_FRAMES: u64 = 200_000;
/// Most packets looked at in one datagram.
const MAX_COALESCED: usize = 8;
const MAX_CID_LEN: usize = 20;

/// Why an opened Initial packet gave no name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuicError {
    #[error("frame cut short at offset {offset}")]
    Truncated { offset: usize },
    #[error("frame type {frame_type:#x} at offset {offset} is not allowed in Initial packets")]
    UnexpectedFrame { frame_type: u64, offset: usize },
    #[error(transparent)]
    CryptoStream(#[from] CryptoStreamError),
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// Cheap check that a UDP payload starts with a v1/v2 Initial long header.
pub(crate) fn looks_like_initial(payload: &[u8]) -> bool {
    let [first, v0, v1, v2, v3, ..] = *payload else {
        return false;
    };
    first & 0xc0 == 0xc0
        && QuicVersion::from_wire(u32::from_be_bytes([v0, v1, v2, v3]))
            .is_some_and(|v| (first >> 4) & 0x03 == v.initial_type())
}

/// A QUIC variable-length integer and its encoded size.
fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let first = *bytes.first()?;
    let len = 1usize << (first >> 6);
    let raw = bytes.get(..len)?;
    let value = raw.iter().skip(1).fold(u64::from(first & 0x3f), |acc, &b| (acc << 8) | u64::from(b));
    Some((value, len))
}

/// One long-header packet inside a datagram.
struct LongPacket<'a> {
    version: QuicVersion,
    is_initial: bool,
    dcid: &'a [u8],
    pn_offset: usize,
    /// Offset just after this packet in the datagram.
    end: usize,
}

fn parse_long_header(p: &[u8]) -> Option<LongPacket<'_>> {
    let first = *p.first()?;
    if first & 0x80 == 0 {
        return None; // short header: the rest of the datagram
    }
    let version = QuicVersion::from_wire(u32::from_be_bytes(p.get(1..5)?.try_into().ok()?))?;
    let dcid_len = usize::from(*p.get(5)?);
    let dcid = p.get(6..6 + dcid_len)?;
    let scid_len = usize::from(*p.get(6 + dcid_len)?);
    if dcid_len > MAX_CID_LEN || scid_len > MAX_CID_LEN {
        return None;
    }
    let mut pos = 7 + dcid_len + scid_len;
    let packet_type = (first >> 4) & 0x03;
    if packet_type == version.retry_type() {
        return None;
    }
    let is_initial = packet_type == version.initial_type();
    if is_initial {
        let (token_len, n) = varint(p.get(pos..)?)?;
        pos = pos.checked_add(n)?.checked_add(usize::try_from(token_len).ok()?)?;
    }
    let (length, n) = varint(p.get(pos..)?)?;
    let pn_offset = pos + n;
    let end = pn_offset.checked_add(usize::try_from(length).ok()?)?;
    (end <= p.len()).then_some(LongPacket { version, is_initial, dcid, pn_offset, end })
}

/// Removes header protection and opens the payload of one packet (`packet` ends at its end).
fn unprotect(keys: &InitialKeys, packet: &[u8], pn_offset: usize) -> Option<Vec<u8>> {
    let sample: [u8; 16] = packet.get(pn_offset + 4..pn_offset + 20)?.try_into().ok()?;
    let mask = header_mask(&keys.hp, &sample);
    let first = packet.first()? ^ (mask[0] & 0x0f);
    let pn_len = usize::from(first & 0x03) + 1;
    let mut header = packet.get(..pn_offset + pn_len)?.to_vec();
    *header.first_mut()? = first;
    let mut packet_number = 0u64;
    for (byte, m) in header.get_mut(pn_offset..)?.iter_mut().zip(&mask[1..]) {
        *byte ^= m;
        packet_number = (packet_number << 8) | u64::from(*byte);
    }
    // Initial packet numbers are small, so the truncated number is the full one.
    open(keys, packet_number, &header, packet.get(pn_offset + pn_len..)?)
}

/// Walks the frames of an opened Initial payload, handing CRYPTO data to the assembler.
fn feed_frames(plain: &[u8], crypto: &mut CryptoAssembler) -> Result<(), QuicError> {
    let mut pos = 0;
    let next = |pos: &mut usize| -> Result<u64, QuicError> {
        let (value, n) = varint(plain.get(*pos..).unwrap_or_default()).ok_or(QuicError::Truncated { offset: *pos })?;
        *pos += n;
        Ok(value)
    };
    let skip = |pos: &mut usize, len: u64| -> Result<(), QuicError> {
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| pos.checked_add(l))
            .filter(|&end| end <= plain.len())
            .ok_or(QuicError::Truncated { offset: *pos })?;
        *pos = end;
        Ok(())
    };
    while pos < plain.len() {
        let at = pos;
        match next(&mut pos)? {
            0x00 | 0x01 => {} // PADDING, PING
            ack @ (0x02 | 0x03) => {
                next(&mut pos)?; // largest acknowledged
                next(&mut pos)?; // delay
                let ranges = next(&mut pos)?;
                next(&mut pos)?; // first range
                for _ in 0..ranges {
                    next(&mut pos)?; // gap
                    next(&mut pos)?; // range length
                }
                if ack == 0x03 {
                    for _ in 0..3 {
                        next(&mut pos)?; // ECN counts
                    }
                }
            }
            0x06 => {
                let offset = next(&mut pos)?;
                let len = next(&mut pos)?;
                let start = pos;
                skip(&mut pos, len)?;
                crypto.insert(offset, plain.get(start..pos).unwrap_or_default())?;
            }
            close @ (0x1c | 0x1d) => {
                next(&mut pos)?; // error code
                if close == 0x1c {
                    next(&mut pos)?; // frame type
                }
                let reason = next(&mut pos)?;
                skip(&mut pos, reason)?;
            }
            frame_type => return Err(QuicError::UnexpectedFrame { frame_type, offset: at }),
        }
    }
    Ok(())
}

/// Initial-level state of one client -> server direction.
#[derive(Debug)]
struct Connection {
    /// Keys from the first client Initial (later Initials may carry another DCID).
    keys: InitialKeys,
    crypto: CryptoAssembler,
}

/// All QUIC connections whose ClientHello is being collected, and a bounded memory of the
/// ones finished (read or given up on), oldest forgotten first.
#[derive(Debug)]
pub(crate) struct QuicTracker {
    connections: FlowTable<Connection>,
    finished: HashSet<FlowKey>,
    finished_order: VecDeque<FlowKey>,
}

impl Default for QuicTracker {
    fn default() -> Self {
        Self {
            connections: FlowTable::new(MAX_TRACKED_CONNECTIONS, IDLE_FRAMES),
            finished: HashSet::new(),
            finished_order: VecDeque::new(),
        }
    }
}

impl QuicTracker {
    /// Looks at every long-header packet of a datagram; returns the ClientHello names
    /// when this datagram completed one.
    pub fn observe(
        &mut self,
        key: FlowKey,
        frame: u64,
        datagram: &[u8],
        stats: &mut NameStats,
    ) -> Option<ClientHelloNames> {
        let mut rest = datagram;
        let mut found = None;
        for _ in 0..MAX_COALESCED {
            let Some(packet) = parse_long_header(rest) else {
                break;
            };
            if packet.is_initial {
                stats.quic_initials += 1;
                let bytes = rest.get(..packet.end).unwrap_or_default();
                if let Some(names) = self.initial(key, frame, bytes, &packet, stats) {
                    found = Some(names);
                }
            }
            rest = rest.get(packet.end..).unwrap_or_default();
        }
        found
    }

    fn initial(
        &mut self,
        key: FlowKey,
        frame: u64,
        bytes: &[u8],
        packet: &LongPacket<'_>,
        stats: &mut NameStats,
    ) -> Option<ClientHelloNames> {
        if self.finished.contains(&key) {
            return None; // ClientHello already read (or given up on) for this connection
        }
        let known = self.connections.get_mut(&key, frame).map(|c| c.keys.clone());
        let fresh = client_initial_keys(packet.version, packet.dcid);
        let opened = unprotect(&fresh, bytes, packet.pn_offset).or_else(|| {
            let keys = known.as_ref()?;
            (*keys != fresh).then(|| unprotect(keys, bytes, packet.pn_offset))?
        });
        let Some(plain) = opened else {
            stats.quic_undecryptable += 1;
            return None;
        };
        stats.quic_initials_decrypted += 1;
        if known.is_none() {
            let conn = Connection { keys: fresh, crypto: CryptoAssembler::default() };
            if !self.connections.insert(key, frame, conn) {
                stats.quic_connections_dropped += 1;
                return None;
            }
        }
        let conn = self.connections.get_mut(&key, frame)?;
        let progress = client_hello_progress(&plain, &mut conn.crypto);
        if !matches!(progress, Ok(None)) {
            self.finish(key);
        }
        match progress {
            Ok(names) => {
                stats.quic_client_hellos += u64::from(names.is_some());
                names
            }
            Err(_) => {
                stats.quic_failures += 1;
                None
            }
        }
    }

    /// Frees a connection's state and remembers that it is done.
    fn finish(&mut self, key: FlowKey) {
        self.connections.remove(&key);
        if self.finished_order.len() >= MAX_FINISHED_REMEMBERED {
            if let Some(oldest) = self.finished_order.pop_front() {
                self.finished.remove(&oldest);
            }
        }
        if self.finished.insert(key) {
            self.finished_order.push_back(key);
        }
    }
}

/// Feeds one opened payload; returns the names once the ClientHello is complete.
fn client_hello_progress(plain: &[u8], crypto: &mut CryptoAssembler) -> Result<Option<ClientHelloNames>, QuicError> {
    match feed_frames(plain, crypto) {
        // An odd frame ends this packet's walk but keeps the CRYPTO data gathered so far.
        Ok(()) | Err(QuicError::UnexpectedFrame { .. } | QuicError::Truncated { .. }) => {}
        Err(e) => return Err(e),
    }
    let data = crypto.contiguous();
    match tls::handshake_len(data)? {
        Some(len) if data.len() >= len => Ok(Some(tls::client_hello_names(data.get(..len).unwrap_or_default())?)),
        _ => Ok(None),
    }
}

#[cfg(test)]
#[path = "quic_tests.rs"]
pub(crate) mod tests;

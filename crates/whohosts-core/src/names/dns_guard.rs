//! A strict walk over a DNS message run before `simple-dns` sees it. simple-dns 0.13 loops
//! forever on a compression pointer that points at itself (or a cycle of pointers with no
//! label between them) and sizes its vectors from the header counts, so every message is
//! checked here first: counts match the records present, names stay inside the message and
//! under 255 bytes, pointers point backwards, and no pure pointer cycle exists anywhere
//! (names inside RDATA are parsed by simple-dns too, at places this walk does not know).

/// Why a DNS message was refused; offsets are from the start of the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsError {
    #[error("message cut short at offset {offset}")]
    Truncated { offset: usize },
    #[error("compression pointer at offset {offset} points to {target}, not backwards")]
    PointerNotBackwards { offset: usize, target: usize },
    #[error("compression pointers form a loop through offset {offset}")]
    PointerLoop { offset: usize },
    #[error("name starting at offset {offset} is longer than 255 bytes")]
    NameTooLong { offset: usize },
    #[error("unsupported label type {byte:#04x} at offset {offset}")]
    BadLabelType { offset: usize, byte: u8 },
    #[error("simple-dns refused the message: {reason}")]
    Library { reason: String },
}

const MAX_NAME_WIRE_LEN: usize = 255;
const HEADER_LEN: usize = 12;

/// Checks the whole message; Ok means simple-dns can parse it without looping.
pub(crate) fn validate(msg: &[u8]) -> Result<(), DnsError> {
    let count = |at: usize| -> Result<usize, DnsError> { read_u16(msg, at).map(usize::from) };
    let questions = count(4)?;
    let records = count(6)? + count(8)? + count(10)?;
    let mut pos = HEADER_LEN;
    for _ in 0..questions {
        pos = skip_name(msg, pos)?;
        pos = advance(msg, pos, 4)?;
    }
    for _ in 0..records {
        pos = skip_name(msg, pos)?;
        let rdlen = usize::from(read_u16(msg, pos + 8)?);
        pos = advance(msg, pos, 10 + rdlen)?;
    }
    find_pointer_cycle(msg)
}

fn read_u16(msg: &[u8], at: usize) -> Result<u16, DnsError> {
    match msg.get(at..at + 2) {
        Some(&[hi, lo]) => Ok(u16::from_be_bytes([hi, lo])),
        _ => Err(DnsError::Truncated { offset: at }),
    }
}

fn advance(msg: &[u8], pos: usize, by: usize) -> Result<usize, DnsError> {
    let end = pos + by;
    if end > msg.len() {
        return Err(DnsError::Truncated { offset: pos });
    }
    Ok(end)
}

/// Walks one possibly compressed name; returns the offset just after it in place.
pub(crate) fn skip_name(msg: &[u8], start: usize) -> Result<usize, DnsError> {
    let mut pos = start;
    let mut after: Option<usize> = None;
    let mut wire_len = 0usize;
    loop {
        let byte = *msg.get(pos).ok_or(DnsError::Truncated { offset: pos })?;
        match byte & 0xc0 {
            0x00 if byte == 0 => {
                wire_len += 1;
                if wire_len > MAX_NAME_WIRE_LEN {
                    return Err(DnsError::NameTooLong { offset: start });
                }
                return Ok(after.unwrap_or(pos + 1));
            }
            0x00 => {
                wire_len += 1 + usize::from(byte);
                if wire_len > MAX_NAME_WIRE_LEN {
                    return Err(DnsError::NameTooLong { offset: start });
                }
                pos = advance(msg, pos, 1 + usize::from(byte))?;
            }
            0xc0 => {
                let low = *msg.get(pos + 1).ok_or(DnsError::Truncated { offset: pos })?;
                let target = (usize::from(byte & 0x3f) << 8) | usize::from(low);
                // Strictly backwards pointers guarantee the walk ends.
                if target >= pos {
                    return Err(DnsError::PointerNotBackwards { offset: pos, target });
                }
                after.get_or_insert(pos + 2);
                pos = target;
            }
            _ => return Err(DnsError::BadLabelType { offset: pos, byte }),
        }
    }
}

/// Looks for a cycle made only of pointer-looking byte pairs, anywhere in the message. Each
/// position has at most one successor (its target), so one pass with run marks finds any.
fn find_pointer_cycle(msg: &[u8]) -> Result<(), DnsError> {
    let target_of = |pos: usize| -> Option<usize> {
        let hi = *msg.get(pos)?;
        let lo = *msg.get(pos + 1)?;
        (hi & 0xc0 == 0xc0).then_some((usize::from(hi & 0x3f) << 8) | usize::from(lo))
    };
    // 0: not visited; otherwise the run (starting position + 1) that visited it.
    let mut run_of = vec![0u32; msg.len()];
    for start in 0..msg.len() {
        if run_of.get(start) != Some(&0) || target_of(start).is_none() {
            continue;
        }
        let run = u32::try_from(start + 1).unwrap_or(u32::MAX);
        let mut pos = start;
        loop {
            match run_of.get_mut(pos) {
                Some(mark) if *mark == run => return Err(DnsError::PointerLoop { offset: pos }),
                Some(mark) if *mark == 0 => *mark = run,
                _ => break, // visited by an earlier run, or outside the message
            }
            match target_of(pos) {
                Some(next) => pos = next,
                None => break,
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(qd: u16, an: u16) -> Vec<u8> {
        let mut m = vec![0x12, 0x34, 0x81, 0x80];
        for c in [qd, an, 0, 0] {
            m.extend_from_slice(&c.to_be_bytes());
        }
        m
    }

    #[test]
    fn accepts_plain_and_compressed_names() {
        let mut m = header(1, 1);
        m.extend_from_slice(b"\x07example\x03com\x00\x00\x01\x00\x01");
        m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4]);
        assert_eq!(validate(&m), Ok(()));
    }

    #[test]
    fn self_pointer_is_refused() {
        let mut m = header(1, 0);
        m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        assert!(matches!(validate(&m), Err(DnsError::PointerNotBackwards { offset: 12, .. })));
    }

    #[test]
    fn pointer_cycle_hidden_in_rdata_is_refused() {
        // An unknown-type record whose RDATA holds a two-pointer cycle (bytes 33 <-> 35).
        let mut m = header(0, 1);
        m.extend_from_slice(&[0, 0, 99, 0, 1, 0, 0, 0, 60, 0, 4]);
        assert_eq!(m.len(), 23);
        m.extend_from_slice(&[0xc0, 25, 0xc0, 23]);
        assert!(matches!(validate(&m), Err(DnsError::PointerLoop { .. })));
    }

    #[test]
    fn pointer_outside_message_and_truncation() {
        let mut m = header(1, 0);
        m.extend_from_slice(&[3, b'a', b'b']);
        assert_eq!(validate(&m), Err(DnsError::Truncated { offset: 12 }));
        let mut m = header(2, 0);
        m.extend_from_slice(b"\x01a\x00\x00\x01\x00\x01");
        assert!(matches!(validate(&m), Err(DnsError::Truncated { .. })));
        assert!(matches!(validate(&[0u8; 5]), Err(DnsError::Truncated { .. })));
    }

    #[test]
    fn over_long_name_is_refused() {
        let mut m = header(1, 0);
        for _ in 0..5 {
            m.push(63);
            m.extend_from_slice(&[b'a'; 63]);
        }
        m.extend_from_slice(&[0, 0, 1, 0, 1]);
        assert_eq!(validate(&m), Err(DnsError::NameTooLong { offset: 12 }));
    }

    #[test]
    fn header_counts_larger_than_content_are_refused() {
        let m = header(u16::MAX, u16::MAX);
        assert!(matches!(validate(&m), Err(DnsError::Truncated { .. })));
    }
}

//! Finding one byte value in a line eight bytes at a time, in plain integer arithmetic: a
//! conn or dns line is about twenty short values, and a byte-by-byte loop over it was a
//! third of reading it.

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// 0x80 in each byte of `word` that is zero, nothing elsewhere (exact: no carries across
/// bytes).
fn zero_bytes(word: u64) -> u64 {
    !(((word & LOW_SEVEN) + LOW_SEVEN) | word | LOW_SEVEN)
}

/// Calls `each` with the offset of every `byte` in `text`, in order. `None` as soon as
/// `each` gives `None` or `stop` (when given) is met: offsets before it may have been
/// handed on.
pub(crate) fn for_each_byte(
    text: &[u8],
    byte: u8,
    stop: Option<u8>,
    mut each: impl FnMut(usize) -> Option<()>,
) -> Option<()> {
    let pattern = u64::from(byte) * ONES;
    let stop_pattern = stop.map(|s| u64::from(s) * ONES);
    let mut words = text.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(bytes);
        if stop_pattern.is_some_and(|p| zero_bytes(word ^ p) != 0) {
            return None;
        }
        let mut found = zero_bytes(word ^ pattern);
        while found != 0 {
            each(offset + found.trailing_zeros() as usize / 8)?;
            found &= found - 1;
        }
        offset += 8;
    }
    for (at, &b) in words.remainder().iter().enumerate() {
        if Some(b) == stop {
            return None;
        }
        if b == byte {
            each(offset + at)?;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn separators_are_found_eight_bytes_at_a_time_as_one_by_one() {
        // Bytes one bit away from the separator or the backslash, and UTF-8, around them.
        let alphabet = [b'\t', b'\\', b'a', 0x89, 0x08, 0x0b, 0xdc, 0x5d, 0x00, 0xff, 0x80];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..5000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            let line: Vec<u8> =
                (0..len).map(|i| alphabet[((state >> (i % 60)) as usize + i * 7) % alphabet.len()]).collect();
            let mut found = Vec::new();
            let got = super::for_each_byte(&line, b'\t', Some(b'\\'), |at| {
                found.push(at);
                Some(())
            });
            if line.contains(&b'\\') {
                assert_eq!(got, None, "{line:?}");
            } else {
                let expected: Vec<usize> = (0..line.len()).filter(|&i| line[i] == b'\t').collect();
                assert_eq!((got, found), (Some(()), expected), "{line:?}");
            }
        }
    }

    #[test]
    fn without_a_stop_every_byte_is_found() {
        let text = b"a\\b\tc\\\t\t0123456789\t\\";
        let mut found = Vec::new();
        let got = super::for_each_byte(text, b'\t', None, |at| {
            found.push(at);
            Some(())
        });
        let expected: Vec<usize> = (0..text.len()).filter(|&i| text[i] == b'\t').collect();
        assert_eq!((got, found), (Some(()), expected));
    }
}

//! Reads lines with a length cap, so one huge or binary "line" cannot take all memory: the
//! rest of a too-long line is skipped and reported as a bad line.

use std::io::{self, BufRead};

/// The longest line kept; longer lines are bad lines.
pub const MAX_LINE_BYTES: usize = 1 << 20;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NextLine {
    /// A line (without its `\n` / `\r\n`) is in the buffer.
    Line,
    /// A line of this many bytes was skipped.
    TooLong(usize),
    Eof,
}

/// Reads the next line into `buf` (cleared first), keeping at most `limit` bytes.
pub(crate) fn next_line(reader: &mut dyn BufRead, buf: &mut Vec<u8>, limit: usize) -> io::Result<NextLine> {
    buf.clear();
    let mut len = 0usize;
    let mut any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (part, done) = match memchr::memchr(b'\n', chunk) {
            Some(at) => (chunk.get(..at).unwrap_or_default(), Some(at + 1)),
            None => (chunk, None),
        };
        len += part.len();
        if len <= limit {
            buf.extend_from_slice(part);
        }
        let used = done.unwrap_or(chunk.len());
        reader.consume(used);
        if done.is_some() {
            break;
        }
    }
    if !any {
        return Ok(NextLine::Eof);
    }
    if len > limit {
        buf.clear();
        return Ok(NextLine::TooLong(len));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(NextLine::Line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8], limit: usize) -> Vec<(NextLine, Vec<u8>)> {
        let mut reader = io::BufReader::with_capacity(4, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            let next = next_line(&mut reader, &mut buf, limit).unwrap();
            if next == NextLine::Eof {
                return out;
            }
            out.push((next, buf.clone()));
        }
    }

    #[test]
    fn splits_lines_across_buffer_refills() {
        let got = all(b"first line\r\nsecond\n\nlast", 100);
        let lines: Vec<&[u8]> = got.iter().map(|(_, l)| l.as_slice()).collect();
        assert_eq!(lines, vec![&b"first line"[..], b"second", b"", b"last"]);
    }

    #[test]
    fn too_long_lines_are_skipped_whole() {
        let got = all(b"short\n0123456789abcdef\nnext\n", 8);
        assert_eq!(got[0], (NextLine::Line, b"short".to_vec()));
        assert_eq!(got[1], (NextLine::TooLong(16), Vec::new()));
        assert_eq!(got[2], (NextLine::Line, b"next".to_vec()));
    }
}

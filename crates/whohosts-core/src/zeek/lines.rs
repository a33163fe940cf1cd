//! Reads lines with a length cap, so one huge or binary "line" cannot take all memory: the
//! rest of a too-long line is skipped and reported as a bad line. A line that lies whole in
//! the reader's buffer (nearly all of them) is lent from there, not copied.

use std::io::{self, BufRead};

/// The longest line kept; longer lines are bad lines.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Lines of a reader, each lent until the next is asked for.
pub(crate) struct LineReader<'r> {
    reader: &'r mut dyn BufRead,
    /// A line that straddles two reads of the reader's buffer, put together.
    joined: Vec<u8>,
    /// Bytes of the line lent last, taken from the reader when the next is asked for.
    lent: usize,
    limit: usize,
}

/// The next line, as [`LineReader::next`] hands it out.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Lent<'a> {
    /// A line without its `\n` / `\r\n`.
    Line(&'a [u8]),
    /// A line of this many bytes was skipped.
    TooLong(usize),
    Eof,
}

impl<'r> LineReader<'r> {
    /// Lines of at most `limit` bytes; longer ones are skipped.
    pub fn new(reader: &'r mut dyn BufRead, limit: usize) -> Self {
        LineReader { reader, joined: Vec::new(), lent: 0, limit }
    }

    pub fn next(&mut self) -> io::Result<Lent<'_>> {
        self.reader.consume(std::mem::take(&mut self.lent));
        let end = match self.reader.fill_buf() {
            Ok(chunk) => memchr::memchr(b'\n', chunk).filter(|&at| at <= self.limit),
            Err(_) => None,
        };
        if let Some(end) = end {
            // Asked again: lending from the first answer would keep the reader borrowed on
            // the path below. The buffer is unchanged, so this reads nothing.
            let chunk = self.reader.fill_buf()?;
            self.lent = end + 1;
            let line = chunk.get(..end).unwrap_or_default();
            return Ok(Lent::Line(line.strip_suffix(b"\r").unwrap_or(line)));
        }
        Ok(match next_line(self.reader, &mut self.joined, self.limit)? {
            NextLine::Line => Lent::Line(&self.joined),
            NextLine::TooLong(len) => Lent::TooLong(len),
            NextLine::Eof => Lent::Eof,
        })
    }
}

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

    fn lent(input: &[u8], capacity: usize, limit: usize) -> Vec<Lent<'static>> {
        let mut reader = io::BufReader::with_capacity(capacity, input);
        let mut lines = LineReader::new(&mut reader, limit);
        let mut out = Vec::new();
        loop {
            match lines.next().unwrap() {
                Lent::Eof => return out,
                Lent::Line(l) => out.push(Lent::Line(Vec::leak(l.to_vec()))),
                Lent::TooLong(n) => out.push(Lent::TooLong(n)),
            }
        }
    }

    #[test]
    fn lent_lines_are_the_same_whether_whole_in_the_buffer_or_not() {
        let input = b"first line\r\nsecond\n\n0123456789abcdef\nlast";
        for capacity in [4, 7, 64] {
            let got = lent(input, capacity, 12);
            let expected = [
                Lent::Line(b"first line"),
                Lent::Line(b"second"),
                Lent::Line(b""),
                Lent::TooLong(16),
                Lent::Line(b"last"),
            ];
            assert_eq!(got, expected, "buffer of {capacity}");
        }
    }

    #[test]
    fn too_long_lines_are_skipped_whole() {
        let got = all(b"short\n0123456789abcdef\nnext\n", 8);
        assert_eq!(got[0], (NextLine::Line, b"short".to_vec()));
        assert_eq!(got[1], (NextLine::TooLong(16), Vec::new()));
        assert_eq!(got[2], (NextLine::Line, b"next".to_vec()));
    }
}

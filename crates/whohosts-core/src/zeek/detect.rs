//! Tells what a file holds from its first bytes, never from its name: gzip by the magic
//! bytes 1f 8b, then Zeek TSV (`#`) or JSON lines (`{`) by the first byte of the content.

use std::io::{self, BufRead, BufReader, Read};

use flate2::read::MultiGzDecoder;

/// How a log file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Tsv,
    Json,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const BUF_SIZE: usize = 64 * 1024;

pub(crate) fn is_gzip(start: &[u8]) -> bool {
    start.starts_with(&GZIP_MAGIC)
}

/// Wraps `raw` in a gzip decoder (all members, as `zcat` reads) when it starts with the gzip
/// magic. Returns the reader and whether it was compressed.
pub(crate) fn decompressing<R: Read + 'static>(raw: R) -> io::Result<(Box<dyn BufRead>, bool)> {
    let mut raw = BufReader::with_capacity(BUF_SIZE, raw);
    let gz = is_gzip(raw.fill_buf()?);
    if gz {
        Ok((Box::new(BufReader::with_capacity(BUF_SIZE, MultiGzDecoder::new(raw))), true))
    } else {
        Ok((Box::new(raw), false))
    }
}

/// What the first non-blank byte says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Log(Format),
    Empty,
    /// The first bytes, for the message.
    Unknown(String),
}

/// Peeks at the start of the (decompressed) content without consuming anything but
/// leading blank lines.
pub(crate) fn sniff(reader: &mut dyn BufRead) -> io::Result<Sniffed> {
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(Sniffed::Empty);
        }
        let blanks = chunk.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if blanks == chunk.len() {
            let n = chunk.len();
            reader.consume(n);
            continue;
        }
        reader.consume(blanks);
        let chunk = reader.fill_buf()?;
        return Ok(match chunk.first() {
            Some(b'#') => Sniffed::Log(Format::Tsv),
            Some(b'{') => Sniffed::Log(Format::Json),
            Some(_) => Sniffed::Unknown(
                String::from_utf8_lossy(chunk.get(..chunk.len().min(16)).unwrap_or_default()).into_owned(),
            ),
            None => Sniffed::Empty,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;

    fn sniff_bytes(bytes: Vec<u8>) -> (Sniffed, bool) {
        let (mut r, gz) = decompressing(io::Cursor::new(bytes)).unwrap();
        (sniff(&mut r).unwrap(), gz)
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn tells_tsv_json_and_other() {
        assert_eq!(sniff_bytes(b"#separator \\x09\n".to_vec()), (Sniffed::Log(Format::Tsv), false));
        assert_eq!(sniff_bytes(b"\n\n  {\"ts\":1}\n".to_vec()), (Sniffed::Log(Format::Json), false));
        assert_eq!(sniff_bytes(b"".to_vec()), (Sniffed::Empty, false));
        assert!(matches!(sniff_bytes(b"\xd4\xc3\xb2\xa1rest".to_vec()).0, Sniffed::Unknown(s) if s.ends_with("rest")));
    }

    #[test]
    fn gzip_by_magic_bytes() {
        assert_eq!(sniff_bytes(gzip(b"{\"ts\":1}\n")), (Sniffed::Log(Format::Json), true));
        assert_eq!(sniff_bytes(gzip(b"#path\tconn\n")), (Sniffed::Log(Format::Tsv), true));
    }

    #[test]
    fn concatenated_gzip_members_are_all_read() {
        let mut both = gzip(b"#a\n");
        both.extend(gzip(b"#b\n"));
        let (mut r, _) = decompressing(io::Cursor::new(both)).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "#a\n#b\n");
    }
}

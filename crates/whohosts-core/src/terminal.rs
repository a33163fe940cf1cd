//! The one sanitiser for text bound for a terminal: names from captures, file names and
//! range-file fields are shown, never obeyed. Control characters (C0, DEL, C1) and the
//! bidirectional overrides become visible escapes; nothing here writes anywhere.

use std::borrow::Cow;

/// Characters that reorder text on screen (Trojan Source): shown as escapes too.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn needs_escape(c: char, keep_newlines: bool) -> bool {
    (c.is_control() && !(keep_newlines && c == '\n')) || is_bidi_control(c)
}

fn escape_into(out: &mut String, text: &str, keep_newlines: bool, escape: impl Fn(char) -> String) {
    for c in text.chars() {
        if needs_escape(c, keep_newlines) {
            out.push_str(&escape(c));
        } else {
            out.push(c);
        }
    }
}

/// `text` with every control character (newlines included) written as `\x1b` or `\u{9b}`:
/// safe to print as one line. Text without any comes back borrowed.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    sanitise(text, false)
}

/// Like [`terminal_safe`] but keeps line breaks, for multi-line output such as a report.
pub fn terminal_safe_lines(text: &str) -> Cow<'_, str> {
    sanitise(text, true)
}

fn sanitise(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| needs_escape(c, keep_newlines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    escape_into(&mut out, text, keep_newlines, |c| {
        if u32::from(c) < 0x80 {
            format!("\\x{:02x}", u32::from(c))
        } else {
            format!("\\u{{{:x}}}", u32::from(c))
        }
    });
    Cow::Owned(out)
}

/// A JSON document with the control characters serde_json leaves raw (C1, DEL, the bidi
/// overrides; it already escapes C0) written as `\uXXXX` escapes: the same JSON value, but
/// harmless on a terminal. Such characters only occur inside JSON strings.
pub fn terminal_safe_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(|c| needs_escape(c, true)) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    escape_into(&mut out, json, true, |c| format!("\\u{:04x}", u32::from(c)));
    Cow::Owned(out)
}

/// Whether every byte is printable ASCII (0x20..=0x7e), eight bytes at a time: most of a
/// report is, and a byte-by-byte check took a tenth of a large report's time.
fn printable_ascii(buf: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = buf.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let below_space = x.wrapping_sub(0x20 * ONES) & !x & HIGH;
        let del = x ^ (0x7f * ONES);
        let is_del = del.wrapping_sub(ONES) & !del & HIGH;
        if below_space | (x & HIGH) | is_del != 0 {
            return false;
        }
    }
    chunks.remainder().iter().all(|b| (0x20..0x7f).contains(b))
}

/// Streams a JSON document to `inner` with the same escapes as [`terminal_safe_json`],
/// without holding the document in memory (a large report is hundreds of megabytes).
/// serde_json writes a token at a time, and always whole UTF-8 fragments (string pieces are
/// cut only at escapes, which are ASCII): they are gathered into blocks that end between two
/// writes, so at a character boundary, and each block is checked and written at once.
/// `flush` (or `into_inner`) writes the last block.
pub struct SafeJsonWriter<W: std::io::Write> {
    inner: W,
    block: Vec<u8>,
}

/// Bytes gathered before a block is checked and written.
const BLOCK_BYTES: usize = 1 << 16;

impl<W: std::io::Write> SafeJsonWriter<W> {
    pub fn new(inner: W) -> Self {
        SafeJsonWriter { inner, block: Vec::with_capacity(BLOCK_BYTES) }
    }

    /// The writer, after the last block is written to it.
    pub fn into_inner(mut self) -> std::io::Result<W> {
        self.write_block()?;
        Ok(self.inner)
    }

    fn write_block(&mut self) -> std::io::Result<()> {
        write_checked(&mut self.inner, &self.block)?;
        self.block.clear();
        Ok(())
    }
}

/// Whole UTF-8 JSON text with the escapes of [`terminal_safe_json`] (borrowed when it needs
/// none, as nearly all does).
fn checked(text: &[u8]) -> Cow<'_, [u8]> {
    // Fast path: every character that needs escaping starts with one of these bytes (C0
    // and DEL; C1 is C2 xx; U+061C is D8 9C; the other bidi controls are E2 80/81 xx).
    if printable_ascii(text) || !text.iter().any(|&b| b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xd8 || b == 0xe2) {
        return Cow::Borrowed(text);
    }
    match std::str::from_utf8(text) {
        Ok(text) => Cow::Owned(terminal_safe_json(text).into_owned().into_bytes()),
        // Not text: written as it is, lossily, so that no raw control byte gets through.
        Err(_) => Cow::Owned(terminal_safe_json(&String::from_utf8_lossy(text)).into_owned().into_bytes()),
    }
}

/// Writes whole UTF-8 JSON text to `out` with the escapes of [`terminal_safe_json`].
fn write_checked(out: &mut impl std::io::Write, text: &[u8]) -> std::io::Result<()> {
    out.write_all(&checked(text))
}

/// Gives whole UTF-8 JSON text (a run of values, cut between two of them) the escapes of
/// [`terminal_safe_json`] where it lies: for text made on worker threads, checked there
/// rather than by the one thread writing it out.
pub fn make_json_terminal_safe(json: &mut Vec<u8>) {
    if let Cow::Owned(safe) = checked(json) {
        *json = safe;
    }
}

impl<W: std::io::Write> std::io::Write for SafeJsonWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.block.len() + buf.len() > BLOCK_BYTES {
            self.write_block()?;
        }
        if buf.len() >= BLOCK_BYTES {
            // A whole block already (a chunk of flows): checked where it is.
            write_checked(&mut self.inner, buf)?;
        } else {
            self.block.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_block()?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_made_safe_in_place_is_what_the_writer_writes() {
        for text in ["{\"name\":\"icloud.com\"}", "[\"a\u{202e}b\",\"\u{9b}\",\"\u{7f}\u{61c}\"]", ""] {
            let mut in_place = text.as_bytes().to_vec();
            make_json_terminal_safe(&mut in_place);
            let mut written = SafeJsonWriter::new(Vec::new());
            std::io::Write::write_all(&mut written, text.as_bytes()).unwrap();
            assert_eq!(in_place, written.into_inner().unwrap(), "{text:?}");
            assert_eq!(in_place, terminal_safe_json(text).as_bytes(), "{text:?}");
        }
    }

    #[test]
    fn printable_ascii_is_told_eight_bytes_at_a_time() {
        assert!(printable_ascii(b"{\"name\":\"icloud.com\",\"bytes\":12345}~ "));
        for bad in [0x00u8, 0x1b, 0x1f, 0x7f, 0x80, 0xc2, 0xe2, 0xff] {
            for at in 0..17 {
                let mut text = vec![b'a'; 17];
                text[at] = bad;
                assert!(!printable_ascii(&text), "{bad:#x} at {at}");
            }
        }
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(terminal_safe("icloud.pcap: 3 flows"), Cow::Borrowed(_)));
        assert!(matches!(terminal_safe_lines("a\nb\n"), Cow::Borrowed(_)));
        assert_eq!(terminal_safe("caf\u{e9}.pcap"), "caf\u{e9}.pcap");
    }

    #[test]
    fn title_change_clear_and_clipboard_write_are_shown_not_obeyed() {
        let osc_title = "\u{1b}]0;owned\u{7}";
        let clear = "\u{1b}[2J";
        let clipboard = "\u{1b}]52;c;Y3VybCB4fHNo\u{1b}\\";
        let c1 = "\u{9b}2J";
        let text = format!("{osc_title}{clear}{clipboard}{c1}\r\u{202e}gnp.exe\u{7f}");
        let safe = terminal_safe(&text);
        assert!(!safe.chars().any(|c| c.is_control() || is_bidi_control(c)), "{safe}");
        assert_eq!(safe, "\\x1b]0;owned\\x07\\x1b[2J\\x1b]52;c;Y3VybCB4fHNo\\x1b\\\\u{9b}2J\\x0d\\u{202e}gnp.exe\\x7f");
        assert_eq!(terminal_safe("a\nb"), "a\\x0ab");
        assert_eq!(terminal_safe_lines("a\u{1b}\nb\n"), "a\\x1b\nb\n");
    }

    #[test]
    fn json_stays_the_same_value() {
        let value = serde_json::json!({ "provider": "Evil\u{9b}2J\u{1b}]0;x\u{7}\u{202e}" });
        let json = serde_json::to_string(&value).unwrap();
        let safe = terminal_safe_json(&json);
        assert!(!safe.chars().any(|c| c.is_control() || is_bidi_control(c)), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), value);
    }

    #[test]
    fn streamed_json_is_escaped_like_the_whole_document() {
        use std::io::Write;
        let value = serde_json::json!({"name": "evil\u{1b}]52;c;x\u{7}.example\u{202e}txt", "n": 3});
        let mut streamed = SafeJsonWriter::new(Vec::new());
        serde_json::to_writer(&mut streamed, &value).unwrap();
        streamed.flush().unwrap();
        let whole = serde_json::to_string(&value).unwrap();
        let streamed = String::from_utf8(streamed.into_inner().unwrap()).unwrap();
        assert_eq!(streamed, terminal_safe_json(&whole));
        assert!(!streamed.chars().any(|c| c.is_control() || is_bidi_control(c)), "{streamed}");
        let back: serde_json::Value = serde_json::from_str(&streamed).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn large_writes_and_many_small_ones_are_checked_alike() {
        use std::io::Write;
        let evil = format!("{}\u{202e}{}", "a".repeat(BLOCK_BYTES), "b".repeat(10));
        let mut streamed = SafeJsonWriter::new(Vec::new());
        streamed.write_all(b"\"x\"").unwrap();
        streamed.write_all(evil.as_bytes()).unwrap();
        for _ in 0..BLOCK_BYTES {
            streamed.write_all("\u{9b}".as_bytes()).unwrap();
        }
        let streamed = String::from_utf8(streamed.into_inner().unwrap()).unwrap();
        assert!(!streamed.chars().any(|c| c.is_control() || is_bidi_control(c)));
        assert_eq!(streamed.matches("\\u202e").count(), 1);
        assert_eq!(streamed.matches("\\u009b").count(), BLOCK_BYTES);
    }
}

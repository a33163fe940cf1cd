//! The one place that decides what a learned name looks like: lowercase ASCII, no trailing
//! dot, at most 253 characters, printable with no spaces.

/// Longest textual host name (255 wire bytes minus length octets).
const MAX_NAME_LEN: usize = 253;

/// Lowercases and trims a name; None when it is empty, too long or holds odd bytes.
pub(crate) fn normalize_name(raw: &str) -> Option<String> {
    let trimmed = raw.strip_suffix('.').unwrap_or(raw);
    if trimmed.is_empty() || trimmed.len() > MAX_NAME_LEN || !trimmed.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    Some(trimmed.to_ascii_lowercase())
}

/// Same for raw bytes (SNI, Host header).
pub(crate) fn normalize_name_bytes(raw: &[u8]) -> Option<String> {
    std::str::from_utf8(raw).ok().and_then(normalize_name)
}

/// Same for a name given as its DNS labels, as `normalize_name` would take the labels
/// joined by dots (a dot or backslash inside a label escaped), without formatting them into
/// a string first: DNS answers are the bulk of all names.
pub(crate) fn normalize_labels<'a>(labels: impl Iterator<Item = &'a [u8]>) -> Option<String> {
    let mut name = String::new();
    for (i, label) in labels.enumerate() {
        if i > 0 {
            name.push('.');
        }
        for &byte in label {
            if !byte.is_ascii_graphic() {
                return None;
            }
            if byte == b'.' || byte == b'\\' {
                name.push('\\');
            }
            name.push(char::from(byte.to_ascii_lowercase()));
        }
        if name.len() > MAX_NAME_LEN {
            return None;
        }
    }
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_and_strips_the_root_dot() {
        assert_eq!(normalize_name("WWW.Example.COM.").as_deref(), Some("www.example.com"));
        assert_eq!(normalize_name(""), None);
        assert_eq!(normalize_name("."), None);
        assert_eq!(normalize_name("a b"), None);
        assert_eq!(normalize_name("ex\u{e4}mple.com"), None);
        assert_eq!(normalize_name(&"a".repeat(254)), None);
        assert_eq!(normalize_name_bytes(b"\xff\xfe"), None);
    }

    #[test]
    fn labels_normalize_like_the_dotted_name() {
        let labels = |l: &[&'static [u8]]| normalize_labels(l.iter().copied());
        assert_eq!(labels(&[b"WWW", b"Example", b"COM"]).as_deref(), Some("www.example.com"));
        assert_eq!(labels(&[]), None);
        assert_eq!(labels(&[b"a b"]), None);
        assert_eq!(labels(&[b"ex\xc3\xa4mple", b"com"]), None);
        assert_eq!(labels(&[b"a.b", b"c\\d"]).as_deref(), Some("a\\.b.c\\\\d"));
        assert_eq!(labels(&[&[b'a'; 63], &[b'a'; 63], &[b'a'; 63], &[b'a'; 63]]), None);
        assert_eq!(labels(&[&[b'a'; 63], &[b'a'; 63], &[b'a'; 63], &[b'a'; 61]]).map(|n| n.len()), Some(253));
    }
}

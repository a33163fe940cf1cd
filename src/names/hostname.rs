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
}

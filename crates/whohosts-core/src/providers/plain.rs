//! Plain CIDR lists: one CIDR (or bare address) a line, `#` comments, the provider named
//! by a `# provider: NAME` line (it applies to the lines after it) or by the caller, and
//! an optional `# date: ...` line.

use std::path::Path;

use ipnet::IpNet;

use super::load::{Parsed, RangeRecord};
use super::{canonical_provider, ProviderError};

/// Reads `# key: value` from a comment, matching the key case-insensitively.
fn header<'a>(comment: &'a str, key: &str) -> Option<&'a str> {
    let (k, value) = comment.split_once(':')?;
    k.trim().eq_ignore_ascii_case(key).then(|| value.trim())
}

fn parse_prefix(token: &str) -> Option<IpNet> {
    token.parse::<IpNet>().ok().or_else(|| token.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

pub(crate) fn parse_cidr_list(path: &Path, text: &str, caller_provider: Option<&str>) -> Result<Parsed, ProviderError> {
    let mut provider = caller_provider.map(canonical_provider);
    let mut date = None;
    let mut records = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let (data, comment) = line.split_once('#').unwrap_or((line, ""));
        if let Some(name) = header(comment, "provider").filter(|n| !n.is_empty()) {
            if caller_provider.is_none() {
                provider = Some(canonical_provider(name));
            }
        }
        if let Some(d) = header(comment, "date").filter(|d| !d.is_empty()) {
            date = Some(d.chars().take(64).collect());
        }
        let token = data.trim();
        if token.is_empty() {
            continue;
        }
        let bad = |reason| ProviderError::BadEntry {
            path: path.to_path_buf(),
            entry: format!("line {}", index + 1),
            value: token.chars().take(200).collect(),
            reason,
        };
        let prefix = parse_prefix(token).ok_or_else(|| bad("not a CIDR or IP address"))?;
        let provider = provider.clone().ok_or_else(|| ProviderError::NoProvider { path: path.to_path_buf() })?;
        records.push(RangeRecord { prefix, provider, service: None, region: None });
    }
    Ok(Parsed { format: "cidr-list", date, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, provider: Option<&str>) -> Result<Parsed, ProviderError> {
        parse_cidr_list(Path::new("list.txt"), text, provider)
    }

    #[test]
    fn header_names_provider_and_date() {
        let p = parse("# provider: hetzner\n# date: 2026-11-01\n\n5.9.0.0/16 # dc\n2a01:4f8::/32\n5.10.0.1\n", None)
            .expect("valid list");
        assert_eq!(p.records.len(), 3);
        assert_eq!(p.records[0].provider, "hetzner");
        assert_eq!(p.records[2].prefix, "5.10.0.1/32".parse::<IpNet>().expect("net"));
        assert_eq!(p.date.as_deref(), Some("2026-11-01"));
    }

    #[test]
    fn caller_provider_overrides_and_aliases_are_canonical() {
        let p = parse("# provider: x\n1.2.3.0/24\n", Some("aws")).expect("valid list");
        assert_eq!(p.records[0].provider, "AWS");
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse("# provider: x\n1.2.3.0/24\n1.2.3.0/33\n", None).expect_err("bad prefix");
        let msg = e.to_string();
        assert!(msg.contains("list.txt") && msg.contains("line 3") && msg.contains("1.2.3.0/33"), "{msg}");
        assert!(matches!(parse("1.2.3.0/24\n", None), Err(ProviderError::NoProvider { .. })));
    }
}

//! Evidence for one address: the range it falls in, the AS announcing it, hints from the
//! names seen for it, and conflicts where a name points at another provider than the
//! range (iCloud names served from Azure ranges: the finding this tool exists for).

use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;

use super::hints::{hint_for_name, NameHint};
use super::{is_special_purpose, ProviderDb};

/// The range match, owned so an attribution can outlive the database borrow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderInfo {
    pub name: String,
    pub service: Option<String>,
    pub region: Option<String>,
    pub prefix: IpNet,
    pub dataset: String,
    pub date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asn {
    pub number: u32,
    pub org: String,
}

/// A name whose suffix points at `hinted` while the address is in `range_provider`'s range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub name: String,
    pub suffix: &'static str,
    pub hinted: &'static str,
    pub range_provider: String,
}

/// Everything known about who serves one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribution {
    pub ip: IpAddr,
    /// Special-purpose category (private, loopback, ...): then no provider and no AS.
    pub special: Option<&'static str>,
    pub provider: Option<ProviderInfo>,
    pub asn: Option<Asn>,
    pub hints: Vec<NameHint>,
    pub conflicts: Vec<Conflict>,
}

impl Attribution {
    /// Nothing known: no range data to look in.
    pub fn none(ip: IpAddr) -> Self {
        Attribution { ip, special: None, provider: None, asn: None, hints: Vec::new(), conflicts: Vec::new() }
    }

    /// A short owner label: the provider, else `AS123 Org`, else the special category.
    pub fn owner_label(&self) -> Option<String> {
        if let Some(p) = &self.provider {
            return Some(p.name.clone());
        }
        if let Some(a) = &self.asn {
            return Some(format!("AS{} {}", a.number, a.org).trim_end().to_string());
        }
        self.special.map(str::to_string)
    }
}

/// Attributes `ip` using the ranges and ASN table of `db` and the `names` seen for it
/// (DNS answers, SNI, Host headers; any order, duplicates are reported once).
pub fn attribute<I, S>(db: &ProviderDb, ip: IpAddr, names: I) -> Attribution
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let special = is_special_purpose(ip);
    let provider = db.lookup(ip).map(|m| ProviderInfo {
        name: m.provider.to_string(),
        service: m.service.map(str::to_string),
        region: m.region.map(str::to_string),
        prefix: m.prefix,
        dataset: m.dataset.to_string(),
        date: m.date.to_string(),
    });
    let asn = db.asn(ip).map(|a| Asn { number: a.number, org: a.org.to_string() });
    let mut hints: Vec<NameHint> = Vec::new();
    for name in names {
        if let Some(hint) = hint_for_name(name.as_ref()) {
            if !hints.iter().any(|h| h.name.eq_ignore_ascii_case(&hint.name)) {
                hints.push(hint);
            }
        }
    }
    let conflicts = match &provider {
        Some(range) => hints
            .iter()
            .filter(|h| h.provider != range.name)
            .map(|h| Conflict {
                name: h.name.clone(),
                suffix: h.suffix,
                hinted: h.provider,
                range_provider: range.name.clone(),
            })
            .collect(),
        None => Vec::new(),
    };
    Attribution { ip, special, provider, asn, hints, conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_without_ranges_make_no_conflict_and_repeat_once() {
        let db = ProviderDb::empty();
        let ip: IpAddr = "203.0.113.9".parse().expect("ip");
        let a = attribute(&db, ip, ["a.icloud.com", "A.iCloud.com.", "x.example"]);
        assert_eq!(a.special, Some("documentation"));
        assert_eq!(a.hints.len(), 1);
        assert!(a.conflicts.is_empty() && a.provider.is_none() && a.asn.is_none());
        let public: IpAddr = "9.9.9.9".parse().expect("ip");
        let names: Vec<String> = vec!["cdn.fastly.net".into()];
        let a = attribute(&db, public, &names);
        assert_eq!(a.special, None);
        assert_eq!(a.owner_label(), None);
        assert_eq!(a.hints.first().map(|h| h.provider), Some("Fastly"));
    }
}

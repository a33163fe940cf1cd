//! `ProviderDb`: every known range in two longest-prefix-match tries (IPv4, IPv6), the
//! ASN table and the list of datasets they came from. Built once at start-up, then
//! read-only; user files add to it and win over the snapshot for the same prefix.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use prefix_trie::PrefixMap;
use serde::Serialize;

use super::asn::{AsnMatch, AsnTable};
use super::{is_special_purpose, load, ProviderError};

/// Where a group of ranges came from: for the About box, the README and the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dataset {
    /// Short name shown with each match (the file name for user files).
    pub name: String,
    /// Package and version, or the file path.
    pub source: String,
    /// Data date as the source states it (see `LoadSummary::date`).
    pub date: String,
    pub licence: String,
    /// Credit the licence asks for; empty when none is required.
    pub attribution: String,
    /// Prefixes (or AS ranges, for the ASN table) it holds.
    pub prefixes: usize,
    pub user_loaded: bool,
}

/// The most specific published range holding an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RangeMatch<'a> {
    pub provider: &'a str,
    pub service: Option<&'a str>,
    pub region: Option<&'a str>,
    pub prefix: IpNet,
    /// Name and date of the dataset the range came from.
    pub dataset: &'a str,
    pub date: &'a str,
}

/// What one `load_file` call added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadSummary {
    pub dataset: String,
    /// `aws-ip-ranges`, `azure-service-tags`, `gcp-cloud-json`, `oracle-public-ip-ranges`
    /// or `cidr-list`.
    pub format: &'static str,
    /// From the file (AWS createDate, Azure changeNumber/cloud, GCP creationTime, Oracle
    /// last_updated_timestamp, a `# date:` line), else the file's modification date.
    pub date: String,
    pub prefixes: usize,
    /// Prefixes that were already known and now point at this file.
    pub replaced: usize,
    /// Special-purpose prefixes (private, documentation, ...) ignored.
    pub skipped_special: usize,
    pub providers: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    provider: u32,
    service: Option<u32>,
    region: Option<u32>,
    dataset: u32,
}

/// Stores each distinct provider/service/region string once. (A fast hash: the shipped
/// tables intern three strings for each of their 95,000 lines at start-up.)
#[derive(Debug, Default)]
struct Interner {
    strings: Vec<Box<str>>,
    ids: HashMap<Box<str>, u32, ahash::RandomState>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        // Fewer than 2^32 distinct strings fit in memory-bounded input; saturate anyway.
        let id = u32::try_from(self.strings.len()).unwrap_or(u32::MAX);
        self.strings.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    fn get(&self, id: u32) -> &str {
        self.strings.get(id as usize).map_or("", |s| s)
    }
}

/// Whether a whole prefix lies in one special-purpose block (10.0.0.0/8, fe80::/64, ...);
/// broader prefixes that merely start there (0.0.0.0/0) are kept, lookups filter anyway.
fn is_inside_special_block(prefix: IpNet) -> bool {
    let first = is_special_purpose(prefix.network());
    first.is_some() && first == is_special_purpose(prefix.broadcast())
}

/// Ranges, AS numbers and their provenance. See the module docs.
#[derive(Default)]
pub struct ProviderDb {
    v4: PrefixMap<Ipv4Net, u32>,
    v6: PrefixMap<Ipv6Net, u32>,
    entries: Vec<Entry>,
    strings: Interner,
    datasets: Vec<Dataset>,
    asn: AsnTable,
}

/// A summary: the full tables would print for minutes.
impl std::fmt::Debug for ProviderDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (asn_v4, asn_v6) = self.asn.range_counts();
        f.debug_struct("ProviderDb")
            .field("v4_prefixes", &self.v4.len())
            .field("v6_prefixes", &self.v6.len())
            .field("asn_ranges", &(asn_v4 + asn_v6))
            .field("datasets", &self.datasets)
            .finish()
    }
}

impl ProviderDb {
    /// A database with no ranges and no ASN table (for tests and `--no-builtin` runs).
    pub fn empty() -> ProviderDb {
        ProviderDb::default()
    }

    /// The database built from the shipped snapshot in `assets/ranges/`.
    pub fn builtin() -> Result<ProviderDb, ProviderError> {
        super::shipped::load_builtin()
    }

    /// Adds an official range file or a CIDR list (format detected from the content).
    /// A plain list names its provider with a `# provider: NAME` line.
    pub fn load_file(&mut self, path: &Path) -> Result<LoadSummary, ProviderError> {
        self.load_file_as(path, None)
    }

    /// Like `load_file`; `provider`, when given, names the provider of a plain CIDR list
    /// and overrides its `# provider:` lines (official formats name their own provider).
    pub fn load_file_as(&mut self, path: &Path, provider: Option<&str>) -> Result<LoadSummary, ProviderError> {
        let parsed = load::read_range_file(path, provider)?;
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into());
        let dataset = self.add_dataset(Dataset {
            name: name.clone(),
            source: path.display().to_string(),
            date: parsed.date.clone(),
            licence: String::new(),
            attribution: String::new(),
            prefixes: 0,
            user_loaded: true,
        });
        let mut summary = LoadSummary {
            dataset: name,
            format: parsed.format,
            date: parsed.date,
            prefixes: 0,
            replaced: 0,
            skipped_special: 0,
            providers: Vec::new(),
        };
        for record in &parsed.records {
            if is_inside_special_block(record.prefix) {
                summary.skipped_special += 1;
                continue;
            }
            let replaced = self.insert(
                record.prefix,
                &record.provider,
                record.service.as_deref(),
                record.region.as_deref(),
                dataset,
            );
            summary.prefixes += 1;
            summary.replaced += usize::from(replaced);
            if !summary.providers.contains(&record.provider) {
                summary.providers.push(record.provider.clone());
            }
        }
        self.set_dataset_prefixes(dataset, summary.prefixes);
        Ok(summary)
    }

    /// The most specific range holding `ip`; `None` for special-purpose addresses.
    pub fn lookup(&self, ip: IpAddr) -> Option<RangeMatch<'_>> {
        let ip = ip.to_canonical();
        if is_special_purpose(ip).is_some() {
            return None;
        }
        let (prefix, &index) = match ip {
            IpAddr::V4(v4) => self.v4.get_lpm(&Ipv4Net::from(v4)).map(|(p, i)| (IpNet::V4(p), i))?,
            IpAddr::V6(v6) => self.v6.get_lpm(&Ipv6Net::from(v6)).map(|(p, i)| (IpNet::V6(p), i))?,
        };
        let entry = self.entries.get(index as usize)?;
        let dataset = self.datasets.get(entry.dataset as usize);
        Some(RangeMatch {
            provider: self.strings.get(entry.provider),
            service: entry.service.map(|id| self.strings.get(id)),
            region: entry.region.map(|id| self.strings.get(id)),
            prefix,
            dataset: dataset.map_or("", |d| &d.name),
            date: dataset.map_or("", |d| &d.date),
        })
    }

    /// The AS announcing `ip`; `None` for special-purpose or unrouted addresses.
    pub fn asn(&self, ip: IpAddr) -> Option<AsnMatch<'_>> {
        let ip = ip.to_canonical();
        if is_special_purpose(ip).is_some() {
            return None;
        }
        self.asn.lookup(ip)
    }

    /// Every dataset in load order: the snapshot's first, then user files.
    pub fn datasets(&self) -> &[Dataset] {
        &self.datasets
    }

    /// Number of distinct prefixes in the range tries.
    pub fn prefix_count(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    pub(crate) fn set_asn_table(&mut self, table: AsnTable) {
        self.asn = table;
    }

    pub(crate) fn add_dataset(&mut self, dataset: Dataset) -> u32 {
        self.datasets.push(dataset);
        u32::try_from(self.datasets.len() - 1).unwrap_or(u32::MAX)
    }

    pub(crate) fn set_dataset_prefixes(&mut self, dataset: u32, prefixes: usize) {
        if let Some(d) = self.datasets.get_mut(dataset as usize) {
            d.prefixes = prefixes;
        }
    }

    /// Adds one range; returns whether it replaced an existing entry for the same prefix.
    pub(crate) fn insert(
        &mut self,
        prefix: IpNet,
        provider: &str,
        service: Option<&str>,
        region: Option<&str>,
        dataset: u32,
    ) -> bool {
        let entry = Entry {
            provider: self.strings.intern(provider),
            service: service.filter(|s| !s.is_empty()).map(|s| self.strings.intern(s)),
            region: region.filter(|s| !s.is_empty()).map(|s| self.strings.intern(s)),
            dataset,
        };
        let index = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        self.entries.push(entry);
        match prefix.trunc() {
            IpNet::V4(p) => self.v4.insert(p, index).is_some(),
            IpNet::V6(p) => self.v6.insert(p, index).is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    fn net(s: &str) -> IpNet {
        s.parse().expect("test prefix")
    }

    #[test]
    fn longest_prefix_wins_and_same_prefix_is_replaced() {
        let mut db = ProviderDb::empty();
        let d = db.add_dataset(Dataset {
            name: "t".into(),
            source: String::new(),
            date: "2026-01-01".into(),
            licence: String::new(),
            attribution: String::new(),
            prefixes: 0,
            user_loaded: false,
        });
        assert!(!db.insert(net("52.84.0.0/15"), "AWS", Some("AMAZON"), None, d));
        assert!(!db.insert(net("52.84.0.0/17"), "AWS", Some("CLOUDFRONT"), None, d));
        let m = db.lookup(ip("52.84.1.1")).expect("match");
        assert_eq!((m.service, m.prefix), (Some("CLOUDFRONT"), net("52.84.0.0/17")));
        let m = db.lookup(ip("52.85.1.1")).expect("match");
        assert_eq!(m.service, Some("AMAZON"));
        assert_eq!((m.dataset, m.date), ("t", "2026-01-01"));
        assert!(db.insert(net("52.84.0.0/17"), "Other", None, Some("x"), d));
        assert_eq!(db.lookup(ip("52.84.1.1")).map(|m| m.provider), Some("Other"));
        assert_eq!(db.lookup(ip("52.86.0.1")), None);
    }

    #[test]
    fn special_blocks_are_recognised_whole() {
        assert!(is_inside_special_block(net("10.1.0.0/16")));
        assert!(is_inside_special_block(net("fd00::/8")));
        assert!(!is_inside_special_block(net("0.0.0.0/0")));
        assert!(!is_inside_special_block(net("2001::/16")));
        assert!(!is_inside_special_block(net("8.8.8.0/24")));
    }

    #[test]
    fn special_purpose_never_matches() {
        let mut db = ProviderDb::empty();
        db.insert(net("0.0.0.0/0"), "Everyone", None, None, 0);
        db.insert(net("::/0"), "Everyone", None, None, 0);
        assert!(db.lookup(ip("10.0.0.1")).is_none());
        assert!(db.lookup(ip("fe80::1")).is_none());
        assert!(db.lookup(ip("::ffff:192.168.0.1")).is_none());
        assert_eq!(db.lookup(ip("::ffff:8.8.8.8")).map(|m| m.provider), Some("Everyone"));
        assert_eq!(db.lookup(ip("2a00::1")).map(|m| m.provider), Some("Everyone"));
    }
}

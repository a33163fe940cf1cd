//! The AS-number table: sorted, non-overlapping start–end ranges (the source data are
//! ranges, not CIDRs) searched by binary search, plus the AS organisation names.
//!
//! Asset format (written by `scripts/build_ranges.py`), one range a line:
//! `gap<TAB>size-1<TAB>asn`, where gap counts the addresses skipped since the previous
//! range's end; IPv4 numbers are decimal, IPv6 numbers hex. Orgs: `asn<TAB>organisation`.

use serde::Serialize;

use super::ProviderError;

/// One AS as found for an address, borrowed from the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AsnMatch<'a> {
    pub number: u32,
    pub org: &'a str,
}

#[derive(Debug, Clone, Copy)]
struct Range<T> {
    start: T,
    end: T,
    asn: u32,
}

/// Ranges for one address family plus shared organisation names.
#[derive(Debug, Default)]
pub(crate) struct AsnTable {
    v4: Vec<Range<u32>>,
    v6: Vec<Range<u128>>,
    /// Sorted by AS number.
    orgs: Vec<(u32, Box<str>)>,
}

fn corrupt(asset: &'static str, line: usize, reason: impl Into<String>) -> ProviderError {
    ProviderError::Asset {
        asset,
        line,
        reason: reason.into(),
    }
}

/// Parses delta-encoded ranges; `parse` reads one number in the family's radix.
fn parse_ranges<T>(
    asset: &'static str,
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
    next_start: impl Fn(Option<T>, T) -> Option<T>,
    add: impl Fn(T, T) -> Option<T>,
) -> Result<Vec<Range<T>>, ProviderError>
where
    T: Copy,
{
    let mut out = Vec::with_capacity(text.len() / 16);
    let mut prev_end: Option<T> = None;
    for (index, line) in text.lines().enumerate() {
        let mut fields = line.split('\t');
        let (Some(gap), Some(size), Some(asn), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(corrupt(asset, index + 1, "expected 3 fields"));
        };
        let bad = || corrupt(asset, index + 1, format!("bad number in {line:?}"));
        let gap = parse(gap).ok_or_else(bad)?;
        let start = next_start(prev_end, gap).ok_or_else(bad)?;
        let end = add(start, parse(size).ok_or_else(bad)?).ok_or_else(bad)?;
        let asn = asn.parse().map_err(|_| bad())?;
        out.push(Range { start, end, asn });
        prev_end = Some(end);
    }
    Ok(out)
}

fn find<T: Copy + Ord>(ranges: &[Range<T>], ip: T) -> Option<u32> {
    // Index of the first range starting after `ip`; the one before it may contain `ip`.
    let after = ranges.partition_point(|range| range.start <= ip);
    let range = ranges.get(after.checked_sub(1)?)?;
    (ip <= range.end).then_some(range.asn)
}

impl AsnTable {
    pub(crate) fn parse(v4: &str, v6: &str, orgs: &str) -> Result<AsnTable, ProviderError> {
        let v4 = parse_ranges(
            "asn-v4.tsv.gz",
            v4,
            |s| s.parse::<u32>().ok(),
            |prev, gap| match prev {
                None => Some(gap),
                Some(end) => end.checked_add(1)?.checked_add(gap),
            },
            u32::checked_add,
        )?;
        let v6 = parse_ranges(
            "asn-v6.tsv.gz",
            v6,
            |s| u128::from_str_radix(s, 16).ok(),
            |prev, gap| match prev {
                None => Some(gap),
                Some(end) => end.checked_add(1)?.checked_add(gap),
            },
            u128::checked_add,
        )?;
        let mut org_list = Vec::with_capacity(orgs.len() / 24);
        for (index, line) in orgs.lines().enumerate() {
            let (number, org) = line
                .split_once('\t')
                .and_then(|(n, org)| Some((n.parse::<u32>().ok()?, org)))
                .ok_or_else(|| corrupt("asn-orgs.tsv.gz", index + 1, format!("{line:?}")))?;
            org_list.push((number, org.into()));
        }
        org_list.sort_unstable_by_key(|(number, _)| *number);
        Ok(AsnTable {
            v4,
            v6,
            orgs: org_list,
        })
    }

    pub(crate) fn range_counts(&self) -> (usize, usize) {
        (self.v4.len(), self.v6.len())
    }

    pub(crate) fn org(&self, number: u32) -> &str {
        self.orgs
            .binary_search_by_key(&number, |(n, _)| *n)
            .ok()
            .and_then(|i| self.orgs.get(i))
            .map_or("", |(_, org)| org)
    }

    /// The AS announcing `ip`, without the special-purpose check (the database does it).
    pub(crate) fn lookup(&self, ip: std::net::IpAddr) -> Option<AsnMatch<'_>> {
        let number = match ip {
            std::net::IpAddr::V4(v4) => find(&self.v4, u32::from(v4)),
            std::net::IpAddr::V6(v6) => find(&self.v6, u128::from(v6)),
        }?;
        Some(AsnMatch {
            number,
            org: self.org(number),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> AsnTable {
        // 1.0.0.0-1.0.0.255 AS13335, 1.0.4.0-1.0.7.255 AS38803; 2001:200::/32 AS2500.
        let v4 = "16777216\t255\t13335\n767\t1023\t38803\n";
        let v6 = "20010200000000000000000000000000\tffffffffffffffffffffffff\t2500\n";
        let orgs = "2500\tWIDE Project\n13335\tCloudflare, Inc.\n38803\tGtelecom\n";
        AsnTable::parse(v4, v6, orgs).expect("valid table")
    }

    #[test]
    fn finds_ranges_and_gaps() {
        let t = table();
        let at = |s: &str| t.lookup(s.parse().expect("ip")).map(|m| m.number);
        assert_eq!(at("1.0.0.0"), Some(13335));
        assert_eq!(at("1.0.0.255"), Some(13335));
        assert_eq!(at("1.0.1.0"), None);
        assert_eq!(at("1.0.4.0"), Some(38803));
        assert_eq!(at("1.0.7.255"), Some(38803));
        assert_eq!(at("1.0.8.0"), None);
        assert_eq!(at("0.255.255.255"), None);
        assert_eq!(at("2001:200:1::1"), Some(2500));
        assert_eq!(at("2001:201::1"), None);
        assert_eq!(t.org(13335), "Cloudflare, Inc.");
        assert_eq!(t.org(1), "");
    }

    #[test]
    fn corrupt_lines_are_errors_not_panics() {
        for v4 in ["1\t2\n", "x\t1\t2\n", "4294967295\t1\t2\n", "1\t2\t3\t4\n"] {
            assert!(AsnTable::parse(v4, "", "").is_err(), "{v4:?}");
        }
        // An overflowing gap after a range ending at the top of the space.
        assert!(AsnTable::parse("4294967294\t1\t1\n0\t0\t1\n", "", "").is_err());
        assert!(AsnTable::parse("", "", "notanumber\tOrg\n").is_err());
    }
}

//! The AS-number table: sorted, non-overlapping start–end ranges (the source data are
//! ranges, not CIDRs) searched by binary search within a bucket picked by the top 16
//! address bits, plus the AS organisation names.
//!
//! Asset format (written by `scripts/build_ranges.py`): per range three LEB128 varints,
//! the gap since the previous range's end, size-1 and the AS number. Organisations are
//! text lines `asn<TAB>organisation`.

use std::collections::HashMap;

use serde::Serialize;

use super::ProviderError;

/// One AS as found for an address, borrowed from the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AsnMatch<'a> {
    pub number: u32,
    pub org: &'a str,
}

/// An address as a number: `u32` for IPv4, `u128` for IPv6.
trait Key: Copy + Ord {
    /// Which of the 65,536 buckets (top 16 bits) the address falls in.
    fn bucket(self) -> usize;
    fn from_u128(value: u128) -> Option<Self>;
}

impl Key for u32 {
    fn bucket(self) -> usize {
        (self >> 16) as usize
    }
    fn from_u128(value: u128) -> Option<u32> {
        u32::try_from(value).ok()
    }
}

impl Key for u128 {
    fn bucket(self) -> usize {
        (self >> 112) as usize
    }
    fn from_u128(value: u128) -> Option<u128> {
        Some(value)
    }
}

#[derive(Debug, Clone, Copy)]
struct Range<T> {
    start: T,
    end: T,
    asn: u32,
}

/// The ranges of one address family and, per bucket, the first range starting in it:
/// a lookup binary-searches a handful of ranges instead of half a million.
#[derive(Debug)]
struct Family<T> {
    ranges: Vec<Range<T>>,
    bucket_start: Vec<u32>,
}

impl<T: Key> Default for Family<T> {
    fn default() -> Self {
        Family::new(Vec::new())
    }
}

impl<T: Key> Family<T> {
    fn new(ranges: Vec<Range<T>>) -> Self {
        let mut bucket_start = vec![0u32; (1 << 16) + 1];
        let mut next = 0usize;
        for (bucket, slot) in bucket_start.iter_mut().enumerate() {
            while ranges.get(next).is_some_and(|r| r.start.bucket() < bucket) {
                next += 1;
            }
            *slot = u32::try_from(next).unwrap_or(u32::MAX);
        }
        Family { ranges, bucket_start }
    }

    fn find(&self, ip: T) -> Option<u32> {
        let bucket = ip.bucket();
        let first = *self.bucket_start.get(bucket)? as usize;
        let end = *self.bucket_start.get(bucket + 1)? as usize;
        // The range holding `ip` starts in this bucket or is the last one before it.
        let lo = first.saturating_sub(1);
        let candidates = self.ranges.get(lo..end)?;
        let after = candidates.partition_point(|range| range.start <= ip);
        let range = candidates.get(after.checked_sub(1)?)?;
        (ip <= range.end).then_some(range.asn)
    }
}

/// Both families plus shared organisation names.
#[derive(Debug, Default)]
pub(crate) struct AsnTable {
    v4: Family<u32>,
    v6: Family<u128>,
    /// The organisations table as decoded; `org_spans` points into it (one allocation
    /// instead of 91,000).
    org_text: String,
    /// Byte span of the organisation per AS number (a hash map: a sorted list cost a
    /// microsecond a lookup in cache misses).
    org_spans: HashMap<u32, (u32, u32)>,
}

fn corrupt(asset: &'static str, position: String, reason: impl Into<String>) -> ProviderError {
    ProviderError::Asset { asset, position, reason: reason.into() }
}

/// Reads one LEB128 varint at `*pos`; `None` when cut short or wider than 128 bits.
fn read_varint(bytes: &[u8], pos: &mut usize) -> Option<u128> {
    let mut value = 0u128;
    for shift in (0..128).step_by(7) {
        let byte = *bytes.get(*pos)?;
        *pos += 1;
        let bits = u128::from(byte & 0x7f);
        // The last group (shift 126) has room for two bits only.
        if shift > 121 && bits >> (128 - shift) != 0 {
            return None;
        }
        value |= bits << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Decodes delta-encoded ranges; errors give the byte offset of the bad range.
fn parse_ranges<T: Key>(asset: &'static str, bytes: &[u8]) -> Result<Vec<Range<T>>, ProviderError> {
    let mut out = Vec::with_capacity(bytes.len() / 6);
    let mut pos = 0;
    let mut next_start = 0u128;
    while pos < bytes.len() {
        let (at, index) = (pos, out.len());
        let bad = |what: &str| corrupt(asset, format!("byte {at}"), format!("{what} in range {index}"));
        let gap = read_varint(bytes, &mut pos).ok_or_else(|| bad("bad gap"))?;
        let size = read_varint(bytes, &mut pos).ok_or_else(|| bad("bad size"))?;
        let asn = read_varint(bytes, &mut pos).ok_or_else(|| bad("bad AS number"))?;
        let start = next_start.checked_add(gap).ok_or_else(|| bad("start overflows"))?;
        let end = start.checked_add(size).ok_or_else(|| bad("end overflows"))?;
        out.push(Range {
            start: T::from_u128(start).ok_or_else(|| bad("start out of range"))?,
            end: T::from_u128(end).ok_or_else(|| bad("end out of range"))?,
            asn: u32::try_from(asn).map_err(|_| bad("AS number too large"))?,
        });
        // The range after the last possible address would overflow: only if one follows.
        next_start = end.wrapping_add(1);
        if next_start == 0 && pos < bytes.len() {
            return Err(bad("ranges past the end of the address space"));
        }
    }
    Ok(out)
}

impl AsnTable {
    pub(crate) fn parse(v4: &[u8], v6: &[u8], orgs: String) -> Result<AsnTable, ProviderError> {
        let v4 = Family::new(parse_ranges("asn-v4.bin.gz", v4)?);
        let v6 = Family::new(parse_ranges("asn-v6.bin.gz", v6)?);
        Ok(AsnTable { v4, v6, org_spans: org_spans(&orgs)?, org_text: orgs })
    }

    pub(crate) fn range_counts(&self) -> (usize, usize) {
        (self.v4.ranges.len(), self.v6.ranges.len())
    }

    pub(crate) fn org(&self, number: u32) -> &str {
        self.org_spans
            .get(&number)
            .and_then(|&(start, end)| self.org_text.get(start as usize..end as usize))
            .unwrap_or("")
    }

    /// The AS announcing `ip`, without the special-purpose check (the database does it).
    pub(crate) fn lookup(&self, ip: std::net::IpAddr) -> Option<AsnMatch<'_>> {
        let number = match ip {
            std::net::IpAddr::V4(v4) => self.v4.find(u32::from(v4)),
            std::net::IpAddr::V6(v6) => self.v6.find(u128::from(v6)),
        }?;
        Some(AsnMatch { number, org: self.org(number) })
    }
}

/// Maps each AS number of `asn<TAB>organisation` lines to the organisation's byte span.
fn org_spans(text: &str) -> Result<HashMap<u32, (u32, u32)>, ProviderError> {
    let mut spans = HashMap::with_capacity(text.len() / 24);
    let mut line_start = 0usize;
    for (index, line) in text.split('\n').enumerate() {
        let bad = || corrupt("asn-orgs.tsv.gz", format!("line {}", index + 1), format!("{line:?}"));
        let org_start = line_start;
        line_start += line.len() + 1;
        if line.is_empty() {
            continue;
        }
        let (number, org) = line.split_once('\t').ok_or_else(bad)?;
        let number: u32 = number.parse().map_err(|_| bad())?;
        let start = org_start + line.len() - org.len();
        let span = (u32::try_from(start), u32::try_from(start + org.len()));
        let (Ok(start), Ok(end)) = span else {
            return Err(bad());
        };
        spans.insert(number, (start, end));
    }
    Ok(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varints(numbers: &[u128]) -> Vec<u8> {
        let mut out = Vec::new();
        for &n in numbers {
            let mut n = n;
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        out
    }

    fn table() -> AsnTable {
        // 1.0.0.0-1.0.0.255 AS13335, 1.0.4.0-1.0.7.255 AS38803, 9.0.0.0-9.255.255.255 AS3;
        // 2001:200::/32 AS2500.
        let v4 = varints(&[16_777_216, 255, 13335, 768, 1023, 38803, 0x0900_0000 - 0x0100_0800, 0xff_ffff, 3]);
        let v6 = varints(&[0x2001_0200 << 96, (1 << 96) - 1, 2500]);
        let orgs = "2500\tWIDE Project\n13335\tCloudflare, Inc.\n38803\tGtelecom\n";
        AsnTable::parse(&v4, &v6, orgs.to_string()).expect("valid table")
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
        // A range spanning many buckets is found from any of them.
        assert_eq!(at("9.0.0.0"), Some(3));
        assert_eq!(at("9.200.1.1"), Some(3));
        assert_eq!(at("9.255.255.255"), Some(3));
        assert_eq!(at("10.0.0.0"), None);
        assert_eq!(at("255.255.255.255"), None);
        assert_eq!(at("2001:200:1::1"), Some(2500));
        assert_eq!(at("2001:201::1"), None);
        assert_eq!(t.org(13335), "Cloudflare, Inc.");
        assert_eq!(t.org(2500), "WIDE Project");
        assert_eq!(t.org(38803), "Gtelecom");
        assert_eq!(t.org(1), "");
        assert_eq!(t.range_counts(), (3, 1));
    }

    #[test]
    fn corrupt_data_is_an_error_not_a_panic() {
        let cases: [&[u8]; 5] = [
            &[0x80],                                 // cut inside a varint
            &[1, 2],                                 // cut inside a triple
            &[0xff; 20],                             // wider than 128 bits
            &varints(&[u128::from(u32::MAX), 1, 1]), // end past IPv4
            &varints(&[0, 0, 1 << 40]),              // AS number too large
        ];
        for bytes in cases {
            assert!(AsnTable::parse(bytes, &[], String::new()).is_err(), "{bytes:?}");
        }
        let top = varints(&[u128::from(u32::MAX), 0, 1, 0, 0, 1]);
        assert!(AsnTable::parse(&top, &[], String::new()).is_err(), "range after the last address");
        assert!(AsnTable::parse(&[], &[], "notanumber\tOrg\n".into()).is_err());
        assert!(read_varint(&varints(&[u128::MAX]), &mut 0) == Some(u128::MAX));
    }
}

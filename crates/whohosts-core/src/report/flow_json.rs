//! One flow record as compact JSON, written field by field into a byte buffer: the bytes
//! `serde_json::to_writer` makes of a [`FlowRecord`], in a third of the time. Half a million
//! flows are most of a large report, and serde_json's token-at-a-time writes were most of
//! their cost. The report's tests compare the two.

use std::io::Write;
use std::net::IpAddr;

use super::{DirectionRecord, FlowRecord};

pub(super) fn write_flow(record: &FlowRecord, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"proto\":");
    string(out, &record.proto);
    out.extend_from_slice(b",\"src\":");
    address(out, record.src);
    out.extend_from_slice(b",\"sport\":");
    integer(out, u64::from(record.sport));
    out.extend_from_slice(b",\"dst\":");
    address(out, record.dst);
    out.extend_from_slice(b",\"dport\":");
    integer(out, u64::from(record.dport));
    out.extend_from_slice(b",\"packets\":");
    integer(out, record.packets);
    out.extend_from_slice(b",\"bytes\":");
    integer(out, record.bytes);
    out.extend_from_slice(b",\"first_ts\":");
    float(out, record.first_ts);
    out.extend_from_slice(b",\"last_ts\":");
    float(out, record.last_ts);
    out.extend_from_slice(b",\"remote\":");
    string(out, record.remote);
    out.extend_from_slice(b",\"provider\":");
    string(out, &record.provider);
    out.extend_from_slice(b",\"remote_name\":");
    match record.remote_name {
        Some(name) => string(out, name),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"forward\":");
    direction(out, &record.forward);
    out.extend_from_slice(b",\"reverse\":");
    direction(out, &record.reverse);
    if record.other {
        out.extend_from_slice(b",\"other\":true");
    }
    out.push(b'}');
}

fn direction(out: &mut Vec<u8>, d: &DirectionRecord) {
    out.extend_from_slice(b"{\"packets\":");
    integer(out, d.packets);
    out.extend_from_slice(b",\"bytes\":");
    integer(out, d.bytes);
    out.extend_from_slice(b",\"captured_bytes\":");
    integer(out, d.captured_bytes);
    if !d.tcp_flags.is_empty() {
        out.extend_from_slice(b",\"tcp_flags\":");
        string(out, d.tcp_flags);
    }
    out.push(b'}');
}

/// Digit by digit: a copy of a few bytes of unknown length is a call to `memcpy`, which took
/// a third of the flows' time.
fn integer(out: &mut Vec<u8>, n: u64) {
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    for &digit in itoa::Buffer::new().format(n).as_bytes() {
        out.push(digit);
    }
}

/// As serde_json writes an `f64`: the shortest form that reads back the same, `null` when
/// not finite.
fn float(out: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        out.extend_from_slice(zmij::Buffer::new().format_finite(x).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

/// Addresses are written as their text, as serde writes them for JSON.
fn address(out: &mut Vec<u8>, addr: IpAddr) {
    out.push(b'"');
    match addr {
        IpAddr::V4(v4) => {
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push(b'.');
                }
                integer(out, u64::from(octet));
            }
        }
        // Writing to memory cannot fail.
        IpAddr::V6(v6) => drop(write!(out, "{v6}")),
    }
    out.push(b'"');
}

/// A JSON string; text that needs no escape (nearly every name) is copied as it is, the
/// rest is escaped by serde_json.
fn string(out: &mut Vec<u8>, text: &str) {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // Writing to memory cannot fail.
        drop(serde_json::to_writer(&mut *out, text));
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn record<'a>(provider: &'a str, remote_name: Option<&'a str>) -> FlowRecord<'a> {
        let side =
            |packets, tcp_flags| DirectionRecord { packets, bytes: packets * 1500, captured_bytes: 7, tcp_flags };
        FlowRecord {
            proto: Cow::Borrowed("tcp"),
            src: "192.168.1.23".parse().unwrap(),
            sport: 50_000,
            dst: "20.60.0.1".parse().unwrap(),
            dport: 443,
            packets: 12,
            bytes: u64::MAX,
            first_ts: 1_749_488_403.6,
            last_ts: 1_749_488_407.680_663,
            remote: "dst",
            provider: Cow::Borrowed(provider),
            remote_name,
            forward: side(5, "SAF"),
            reverse: side(0, ""),
            other: false,
        }
    }

    fn assert_as_serde(record: &FlowRecord) {
        let mut written = Vec::new();
        write_flow(record, &mut written);
        let serde = serde_json::to_vec(record).unwrap();
        assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&serde));
    }

    #[test]
    fn flows_are_written_as_serde_writes_them() {
        assert_as_serde(&record("Azure", Some("blob.example.net")));
        assert_as_serde(&record("AS714 APPLE-ENGINEERING", None));
        // Names from a capture can hold anything: quotes, backslashes, control characters,
        // DEL, C1 and bidi controls, other scripts.
        for name in
            ["a\"b", "back\\slash", "tab\there", "nul\0", "del\u{7f}", "c1\u{9b}", "bidi\u{202e}", "名前.jp", ""]
        {
            assert_as_serde(&record(name, Some(name)));
        }
        let mut odd = record("Local network", None);
        odd.proto = Cow::Owned("ip-proto-253".into());
        odd.src = "::".parse().unwrap();
        odd.dst = "2001:db8::ff00:42:8329".parse().unwrap();
        odd.first_ts = 0.0;
        odd.last_ts = -1e-9;
        odd.other = true;
        assert_as_serde(&odd);
        odd.src = "::ffff:10.0.0.1".parse().unwrap();
        odd.first_ts = f64::NAN;
        odd.last_ts = 1e300;
        assert_as_serde(&odd);
    }
}

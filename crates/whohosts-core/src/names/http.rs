//! HTTP/1.x client requests -> the Host header. Usually the first segment holds it; when
//! the head goes on in later segments (a long tracking URL pushes the Host header into the
//! 2nd or 3rd), [`RequestHost::Incomplete`] asks the caller for more of the stream.

use std::net::{IpAddr, Ipv6Addr};

use super::hostname::normalize_name;

/// Request methods recognised at the start of a TCP payload.
const METHODS: [&[u8]; 9] =
    [b"GET ", b"POST ", b"HEAD ", b"PUT ", b"DELETE ", b"OPTIONS ", b"PATCH ", b"CONNECT ", b"TRACE "];
/// Most header bytes looked at (and buffered while a head arrives in several segments).
pub(crate) const MAX_HEAD: usize = 16 * 1024;

/// What the Host header of a request held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RequestHost {
    Name(String),
    /// An IP literal (with or without port, IPv6 in brackets): not a name.
    IpLiteral(IpAddr),
    /// No usable Host header (absent, empty or not a host name).
    Missing,
    /// The head stops before its end and before a Host header: the rest is in later segments.
    Incomplete,
}

/// Cheap check on the first bytes of a TCP payload; no allocation.
pub(crate) fn looks_like_request(payload: &[u8]) -> bool {
    matches!(payload.first(), Some(b'G' | b'P' | b'H' | b'D' | b'O' | b'C' | b'T'))
        && METHODS.iter().any(|m| payload.starts_with(m))
}

/// Whether a first segment shorter than a method and its space could start a request (a
/// sender may cut `GET ` itself to hide the request).
pub(crate) fn may_start_request(payload: &[u8]) -> bool {
    !payload.is_empty() && METHODS.iter().any(|m| m.len() > payload.len() && m.starts_with(payload))
}

/// The Host of a request whose first line ends in HTTP/1.0 or HTTP/1.1; None if the
/// payload is not such a request. Only lines ended by a line feed are read: the last,
/// unfinished one may go on in the next segment.
pub(crate) fn request_host(payload: &[u8]) -> Option<RequestHost> {
    let head = payload.get(..payload.len().min(MAX_HEAD))?;
    let can_grow = head.len() < MAX_HEAD;
    let whole_len = head.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let whole = head.get(..whole_len).unwrap_or_default();
    let mut lines = whole.split_inclusive(|&b| b == b'\n').map(|l| {
        let l = l.strip_suffix(b"\n").unwrap_or(l);
        l.strip_suffix(b"\r").unwrap_or(l)
    });
    let Some(request_line) = lines.next() else {
        // The request line itself is still arriving.
        return can_grow.then_some(RequestHost::Incomplete);
    };
    if !(request_line.ends_with(b" HTTP/1.1") || request_line.ends_with(b" HTTP/1.0")) {
        return None;
    }
    for line in lines {
        if line.is_empty() {
            return Some(RequestHost::Missing);
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (field, value) = line.split_at(colon);
        if field.eq_ignore_ascii_case(b"host") {
            let value = std::str::from_utf8(value.get(1..).unwrap_or_default()).ok()?;
            return Some(classify_host(value.trim()));
        }
    }
    Some(if can_grow { RequestHost::Incomplete } else { RequestHost::Missing })
}

/// Splits off a port and tells IP literals from names.
pub(crate) fn classify_host(value: &str) -> RequestHost {
    if let Some(bracketed) = value.strip_prefix('[') {
        let inside = bracketed.split(']').next().unwrap_or_default();
        return match inside.parse::<Ipv6Addr>() {
            Ok(v6) => RequestHost::IpLiteral(IpAddr::V6(v6)),
            Err(_) => RequestHost::Missing,
        };
    }
    if let Ok(ip) = value.parse::<IpAddr>() {
        return RequestHost::IpLiteral(ip); // also a bare IPv6 without brackets
    }
    let host = match value.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => value,
    };
    if let Ok(ip) = host.parse::<IpAddr>() {
        return RequestHost::IpLiteral(ip);
    }
    normalize_name(host).map_or(RequestHost::Missing, RequestHost::Name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_of(req: &str) -> Option<RequestHost> {
        assert!(looks_like_request(req.as_bytes()) || !req.starts_with("GET"));
        request_host(req.as_bytes())
    }

    #[test]
    fn names_and_ports() {
        assert_eq!(
            host_of("GET / HTTP/1.1\r\nUser-Agent: x\r\nHOST:  Www.Example.com:8080 \r\n\r\n"),
            Some(RequestHost::Name("www.example.com".into()))
        );
        assert_eq!(
            host_of("POST /a HTTP/1.0\nHost: api.example.net.\n\n"),
            Some(RequestHost::Name("api.example.net".into()))
        );
    }

    #[test]
    fn ip_literals_are_not_names() {
        let v4 = IpAddr::from([10, 1, 2, 3]);
        assert_eq!(host_of("GET / HTTP/1.1\r\nHost: 10.1.2.3\r\n\r\n"), Some(RequestHost::IpLiteral(v4)));
        assert_eq!(host_of("GET / HTTP/1.1\r\nHost: 10.1.2.3:80\r\n\r\n"), Some(RequestHost::IpLiteral(v4)));
        let v6: IpAddr = "2001:db8::5".parse().unwrap();
        assert_eq!(host_of("GET / HTTP/1.1\r\nHost: [2001:db8::5]:8443\r\n\r\n"), Some(RequestHost::IpLiteral(v6)));
        assert_eq!(host_of("GET / HTTP/1.1\r\nHost: [2001:db8::5]\r\n\r\n"), Some(RequestHost::IpLiteral(v6)));
    }

    #[test]
    fn not_requests_or_no_host() {
        assert!(!looks_like_request(b"\x16\x03\x01"));
        assert!(!looks_like_request(b"GETX / HTTP/1.1"));
        assert_eq!(host_of("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), None);
        assert_eq!(host_of("GET / HTTP/1.1\r\nAccept: */*\r\n\r\nHost: late\r\n"), Some(RequestHost::Missing));
        assert_eq!(host_of("GET / HTTP/1.1\r\nHost: \r\n\r\n"), Some(RequestHost::Missing));
        assert_eq!(request_host(b"GET / HTTP/1.1\r\nHost: \xff\xfe\r\n"), None);
    }

    #[test]
    fn a_method_cut_short_may_start_a_request() {
        for start in [&b"G"[..], b"GE", b"GET", b"OPTIONS", b"P"] {
            assert!(may_start_request(start), "{start:?}");
        }
        for other in [&b""[..], b"GET ", b"X", b"GETX", b"\x16\x03"] {
            assert!(!may_start_request(other), "{other:?}");
        }
        assert_eq!(request_host(b"GE"), Some(RequestHost::Incomplete));
    }

    #[test]
    fn a_head_cut_before_its_host_asks_for_more() {
        let long_url = format!("GET /track?{} HTTP/1.1\r\nHost: ads.example\r\n\r\n", "x".repeat(3000));
        for cut in [10, 1500, 3020, long_url.find("Host").unwrap() + 3] {
            assert_eq!(request_host(&long_url.as_bytes()[..cut]), Some(RequestHost::Incomplete), "{cut}");
        }
        assert_eq!(request_host(long_url.as_bytes()), Some(RequestHost::Name("ads.example".into())));
        assert_eq!(request_host(b"GET / HTTP/1.1\r\nAccept: */*\r\n"), Some(RequestHost::Incomplete));
        // A head that never ends within the limit is given up.
        let endless = format!("GET / HTTP/1.1\r\n{}", "X-Pad: y\r\n".repeat(MAX_HEAD / 8));
        assert_eq!(request_host(endless.as_bytes()), Some(RequestHost::Missing));
        let endless_line = format!("GET /{}", "a".repeat(MAX_HEAD));
        assert_eq!(request_host(endless_line.as_bytes()), None);
    }
}

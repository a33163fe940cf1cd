//! Zeek time values as exact nanoseconds: TSV's `1749488400.300000`, JSON's epoch float and
//! JSON's ISO 8601 form (`2025-06-09T17:00:00.300000Z`). Durations (`interval`) likewise.
//! Pure parsing; knows nothing of logs.

use std::time::Duration;

/// A point in time: nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub nanos: i64,
}

impl Timestamp {
    pub fn from_nanos(nanos: i64) -> Self {
        Self { nanos }
    }

    pub fn as_secs_f64(self) -> f64 {
        self.nanos as f64 / 1e9
    }
}

/// `[-]SECONDS[.FRACTION]` -> nanoseconds, exact to 9 digits (more are truncated). One pass
/// over the bytes: every conn.log line has two of these.
pub(crate) fn parse_decimal_nanos(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mut secs, mut frac_nanos, mut frac_digits) = (0i64, 0i64, 0u32);
    let (mut any_digit, mut in_fraction) = (false, false);
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {
                let digit = i64::from(b - b'0');
                any_digit = true;
                if !in_fraction {
                    secs = secs.checked_mul(10)?.checked_add(digit)?;
                } else if frac_digits < 9 {
                    frac_nanos = frac_nanos * 10 + digit;
                    frac_digits += 1;
                }
            }
            b'.' if !in_fraction => in_fraction = true,
            _ => return None,
        }
    }
    if !any_digit {
        return None;
    }
    let frac_nanos = frac_nanos * 10i64.pow(9 - frac_digits);
    let nanos = secs.checked_mul(1_000_000_000)?.checked_add(frac_nanos)?;
    Some(if negative { -nanos } else { nanos })
}

/// A JSON number of seconds -> nanoseconds, rounded to the microsecond Zeek writes
/// (an f64 cannot hold today's epoch in nanoseconds exactly).
pub(crate) fn float_secs_to_nanos(secs: f64) -> Option<i64> {
    if !secs.is_finite() || secs.abs() > 9.0e9 {
        return None;
    }
    Some((secs * 1e6).round() as i64 * 1000)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (what `JSON::TS_ISO8601` writes) -> nanoseconds.
pub(crate) fn parse_iso8601_nanos(text: &str) -> Option<i64> {
    let body = text.strip_suffix('Z').or_else(|| text.strip_suffix("+00:00"))?;
    let (date, time) = body.split_once('T')?;
    let mut d = date.splitn(3, '-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    let (hms, frac) = match time.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (time, None),
    };
    let mut t = hms.splitn(3, ':');
    let hour: i64 = t.next()?.parse().ok()?;
    let minute: i64 = t.next()?.parse().ok()?;
    let second: i64 = t.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let frac_nanos = match frac {
        Some(f) => parse_decimal_nanos(&format!("0.{f}"))?,
        None => 0,
    };
    let days = days_from_civil(year, month, day);
    let secs = days.checked_mul(86_400)?.checked_add(hour * 3600 + minute * 60 + second)?;
    secs.checked_mul(1_000_000_000)?.checked_add(frac_nanos)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A non-negative decimal number of seconds -> Duration.
pub(crate) fn parse_interval(text: &str) -> Option<Duration> {
    let nanos = parse_decimal_nanos(text)?;
    u64::try_from(nanos).ok().map(Duration::from_nanos)
}

/// A non-negative JSON number of seconds -> Duration (rounded to the microsecond).
pub(crate) fn float_interval(secs: f64) -> Option<Duration> {
    let nanos = float_secs_to_nanos(secs)?;
    u64::try_from(nanos).ok().map(Duration::from_nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_time_is_exact() {
        assert_eq!(parse_decimal_nanos("1749488400.300000"), Some(1_749_488_400_300_000_000));
        assert_eq!(parse_decimal_nanos("1749488400"), Some(1_749_488_400_000_000_000));
        assert_eq!(parse_decimal_nanos("0.5"), Some(500_000_000));
        assert_eq!(parse_decimal_nanos("-1.5"), Some(-1_500_000_000));
        assert_eq!(parse_decimal_nanos("1.1234567891"), Some(1_123_456_789));
        assert_eq!(parse_decimal_nanos("1."), Some(1_000_000_000));
        assert_eq!(parse_decimal_nanos(".25"), Some(250_000_000));
        assert_eq!(parse_decimal_nanos("9223372036.854775807"), Some(i64::MAX));
        assert_eq!(parse_decimal_nanos("9223372037"), None, "overflows as nanoseconds");
    }

    #[test]
    fn bad_decimals_are_refused() {
        for bad in ["", ".", "-", "-.", "1e9", "12x", "1.2.3", " 1", "+1", "1.-5", "yesterday", "99999999999999999999"]
        {
            assert_eq!(parse_decimal_nanos(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn float_seconds_round_to_microseconds() {
        assert_eq!(float_secs_to_nanos(1749488400.3), Some(1_749_488_400_300_000_000));
        assert_eq!(float_secs_to_nanos(f64::NAN), None);
        assert_eq!(float_secs_to_nanos(1e300), None);
    }

    #[test]
    fn iso8601_matches_epoch() {
        assert_eq!(parse_iso8601_nanos("2025-06-09T17:01:20.050000Z"), Some(1_749_488_480_050_000_000));
        assert_eq!(parse_iso8601_nanos("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso8601_nanos("1969-12-31T23:59:59.500000Z"), Some(-500_000_000));
        assert_eq!(parse_iso8601_nanos("2008-07-09T16:13:30.005432Z"), Some(1_215_620_010_005_432_000));
    }

    #[test]
    fn bad_iso8601_is_refused() {
        for bad in ["2025-06-09 17:00:00", "2025-13-09T17:00:00Z", "2025-06-09T25:00:00Z", "T", "Z"] {
            assert_eq!(parse_iso8601_nanos(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn intervals_are_non_negative() {
        assert_eq!(parse_interval("0.018000"), Some(Duration::from_millis(18)));
        assert_eq!(parse_interval("-1.0"), None);
        assert_eq!(float_interval(3600.0), Some(Duration::from_secs(3600)));
        assert_eq!(float_interval(-0.5), None);
    }
}

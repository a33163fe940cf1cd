//! Numbers, sizes, durations and times as the UI shows them. Pure functions, no egui.

use std::fmt::Write;

/// "1.5 MB", "932 B" (decimal units, like capture tools show them).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    let precision = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    format!("{value:.precision$} {}", UNITS.get(unit).copied().unwrap_or("?"))
}

/// "12,345,678" for counts people compare at a glance.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 flow", "12 flows", "1,234 packets".
pub fn counted(n: u64, singular: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{} {singular}s", count(n))
    }
}

/// "850 µs", "1.25 s", "3 min 20 s", "2 h 5 min", "3 d 4 h", "5 y 306 d".
pub fn duration_ns(ns: i64) -> String {
    let ns = ns.max(0);
    if ns < 1_000_000 {
        return format!("{} µs", ns / 1_000);
    }
    if ns < 1_000_000_000 {
        return format!("{:.1} ms", ns as f64 / 1e6);
    }
    let seconds = ns as f64 / 1e9;
    if seconds < 60.0 {
        return format!("{seconds:.2} s");
    }
    let whole = ns / 1_000_000_000;
    if whole < 3600 {
        return format!("{} min {} s", whole / 60, whole % 60);
    }
    const DAY: i64 = 86_400;
    const YEAR: i64 = 365 * DAY;
    if whole < 2 * DAY {
        return format!("{} h {} min", whole / 3600, (whole % 3600) / 60);
    }
    if whole < YEAR {
        return format!("{} d {} h", whole / DAY, (whole % DAY) / 3600);
    }
    format!("{} y {} d", whole / YEAR, (whole % YEAR) / DAY)
}

/// A capture timestamp (ns since the Unix epoch) as "2026-11-25 12:04:31.123456 UTC".
pub fn utc_time(ns: i64) -> String {
    let seconds = ns.div_euclid(1_000_000_000);
    let micros = ns.rem_euclid(1_000_000_000) / 1_000;
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(32);
    let _ = write!(
        out,
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{micros:06} UTC",
        of_day / 3600,
        (of_day % 3600) / 60,
        of_day % 60
    );
    out
}

/// Offset from the capture start, "+12.345 s"; past an hour in larger units ("+2 h 5 min",
/// "+5 y 306 d"), since milliseconds no longer mean anything there.
pub fn offset_ns(ns: i64, start_ns: i64) -> String {
    let offset = ns.saturating_sub(start_ns);
    if offset.abs() < 3_600_000_000_000 {
        return format!("+{:.3} s", offset as f64 / 1e9);
    }
    let sign = if offset < 0 { "-" } else { "+" };
    format!("{sign}{}", duration_ns(offset.saturating_abs()))
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days` algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub use whohosts_core::flows::protocol_name;

/// IP protocol numbers people know by name.
pub fn protocol(proto: u8) -> String {
    match protocol_name(proto) {
        Some(name) => name.to_string(),
        None => format!("IP {proto}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_counts() {
        assert_eq!(bytes(932), "932 B");
        assert_eq!(bytes(1_500_000), "1.50 MB");
        assert_eq!(bytes(25_300), "25.3 kB");
        assert_eq!(count(0), "0");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(123), "123");
        assert_eq!(counted(1, "flow"), "1 flow");
        assert_eq!(counted(1200, "owner"), "1,200 owners");
    }

    #[test]
    fn durations() {
        assert_eq!(duration_ns(850_000), "850 µs");
        assert_eq!(duration_ns(1_250_000_000), "1.25 s");
        assert_eq!(duration_ns(200_000_000_000), "3 min 20 s");
        assert_eq!(duration_ns(7_500_000_000_000), "2 h 5 min");
        // 51189 h 7 min, a capture spanning 2016 to 2022.
        assert_eq!(duration_ns(184_280_820_000_000_000), "5 y 307 d");
        assert_eq!(duration_ns(3 * 86_400_000_000_000 + 4 * 3_600_000_000_000), "3 d 4 h");
        assert_eq!(offset_ns(184_280_803_768_000_000, 0), "+5 y 307 d");
        assert_eq!(offset_ns(1_500_000_000, 0), "+1.500 s");
    }

    #[test]
    fn utc_times() {
        assert_eq!(utc_time(0), "1970-01-01 00:00:00.000000 UTC");
        // 2026-11-25 12:04:31.5
        assert_eq!(utc_time(1_795_608_271_500_000_000), "2026-11-25 12:04:31.500000 UTC");
        assert_eq!(utc_time(951_782_400_000_000_000), "2000-02-29 00:00:00.000000 UTC");
    }
}

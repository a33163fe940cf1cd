//! Numbers, sizes, durations and times as the UI shows them. Pure functions, no egui.

use std::fmt::Write;

pub use whohosts_core::units::{
    civil_from_days, counted, human_bytes as bytes, human_duration as duration_ns, thousands as count,
};

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
    fn counts() {
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

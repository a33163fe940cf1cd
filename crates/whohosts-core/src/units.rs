//! How numbers read, in one place for the report, the window, the figure and the exports:
//! byte sizes and rates, durations, calendar dates. Pure functions.

use std::time::Duration;

const NS_PER_S: i64 = 1_000_000_000;
const NS_PER_DAY: i64 = 86_400 * NS_PER_S;

/// "12,345,678": counts people compare at a glance.
pub fn thousands(n: u64) -> String {
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

/// "1 flow", "12 flows", "1,234 packets" (nouns whose plural takes an s).
pub fn counted(n: u64, singular: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{} {singular}s", thousands(n))
    }
}

/// "950 B", "12.3 kB", "4.56 MB": decimal units, like capture tools, three significant digits.
pub fn human_bytes(bytes: u64) -> String {
    human_value(bytes as f64, "B")
}

/// A rate in bytes per second: "12.3 kB/s".
pub fn human_rate(bytes_per_second: f64) -> String {
    human_value(bytes_per_second, "B/s")
}

fn human_value(value: f64, unit: &str) -> String {
    const PREFIXES: [&str; 6] = ["", "k", "M", "G", "T", "P"];
    let mut scaled = value;
    let mut prefix = 0;
    while scaled.abs() >= 1000.0 && prefix + 1 < PREFIXES.len() {
        scaled /= 1000.0;
        prefix += 1;
    }
    let p = PREFIXES.get(prefix).copied().unwrap_or("");
    if prefix == 0 {
        format!("{scaled:.0} {unit}")
    } else if scaled.abs() >= 100.0 {
        format!("{scaled:.0} {p}{unit}")
    } else if scaled.abs() >= 10.0 {
        format!("{scaled:.1} {p}{unit}")
    } else {
        format!("{scaled:.2} {p}{unit}")
    }
}

/// "850 µs", "1.25 s", "3 min 20 s", "2 h 5 min", "6 d 4 h", "6 y 37 d": precise when short,
/// whole units when long, so a capture spanning years does not read "51189 h 7 min".
pub fn human_duration(ns: i64) -> String {
    let ns = ns.max(0);
    if ns < 1_000_000 {
        return format!("{} µs", ns / 1_000);
    }
    if ns < NS_PER_S {
        return format!("{:.1} ms", ns as f64 / 1e6);
    }
    if ns < 60 * NS_PER_S {
        let seconds = format!("{:.2}", ns as f64 / 1e9);
        return format!("{} s", seconds.trim_end_matches('0').trim_end_matches('.'));
    }
    let seconds = ns / NS_PER_S;
    let days = ns / NS_PER_DAY;
    if seconds < 3_600 {
        format!("{} min {} s", seconds / 60, seconds % 60)
    } else if seconds < 86_400 {
        format!("{} h {} min", seconds / 3600, (seconds % 3600) / 60)
    } else if days < 365 {
        format!("{days} d {} h", (seconds % 86_400) / 3600)
    } else {
        format!("{} y {} d", days / 365, days % 365)
    }
}

/// "2023-11-14" (UTC) of a timestamp in nanoseconds since the Unix epoch.
pub fn utc_date(ns: i64) -> String {
    let (year, month, day) = civil_from_days(ns.div_euclid(NS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days` algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
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

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{text:?} is not a duration like 500ms, 10s, 2m or 1h 30m")]
pub struct DurationError {
    pub text: String,
}

/// A duration as people type it: `500ms`, `10s`, `2m`, `1h 30m`; a bare number is
/// seconds (`2.5`).
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let trimmed = text.trim();
    let err = || DurationError { text: text.to_string() };
    let duration = match trimmed.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && (0.0..=1e9).contains(&seconds) => Duration::from_secs_f64(seconds),
        Ok(_) => return Err(err()),
        Err(_) => humantime::parse_duration(trimmed).map_err(|_| err())?,
    };
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_rates_have_three_significant_digits() {
        assert_eq!(human_bytes(950), "950 B");
        assert_eq!(human_bytes(1_500_000), "1.50 MB");
        assert_eq!(human_bytes(12_345), "12.3 kB");
        assert_eq!(human_bytes(456_000_000), "456 MB");
        assert_eq!(human_rate(250_000_000.0), "250 MB/s");
    }

    #[test]
    fn durations_switch_to_days_and_years() {
        assert_eq!(human_duration(850_000), "850 µs");
        assert_eq!(human_duration(1_250_000_000), "1.25 s");
        assert_eq!(human_duration(30 * NS_PER_S), "30 s");
        assert_eq!(human_duration(200 * NS_PER_S), "3 min 20 s");
        assert_eq!(human_duration(7_500 * NS_PER_S), "2 h 5 min");
        assert_eq!(human_duration(6 * NS_PER_DAY + 4 * 3600 * NS_PER_S), "6 d 4 h");
        // 2016-01-01 to 2022-01-01: the capture spanning years reads in years, not hours.
        assert_eq!(human_duration(2192 * NS_PER_DAY), "6 y 2 d");
    }

    #[test]
    fn dates_follow_the_gregorian_calendar() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(1_700_000_000 * NS_PER_S), "2023-11-14");
        assert_eq!(utc_date(951_782_400 * NS_PER_S), "2000-02-29");
        assert_eq!(utc_date(-NS_PER_S), "1969-12-31");
    }

    #[test]
    fn durations_parse_with_or_without_units() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert!(parse_duration("soon").unwrap_err().to_string().contains("\"soon\""));
        assert!(parse_duration("-3").is_err());
    }
}

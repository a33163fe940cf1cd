//! Wall-clock times for figure captions and the `--from`/`--to` options: nanoseconds since
//! the Unix epoch to and from text, always in UTC.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::units::{human_duration, parse_duration};

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{value:?} is not a time: give seconds since the epoch (1700000000.5), RFC 3339 in UTC (2023-11-14T22:13:20Z) or an offset from the capture start (+30s, +1m30s)")]
pub struct TimeParseError {
    pub value: String,
}

/// Parses a time bound: seconds since the epoch, RFC 3339, or `+DURATION` after
/// `capture_start_ns` (humantime durations: `+30s`, `+1m 30s`, `+250ms`).
pub fn parse_time(value: &str, capture_start_ns: Option<i64>) -> Result<i64, TimeParseError> {
    let err = || TimeParseError { value: value.to_string() };
    let text = value.trim();
    if let Some(offset) = text.strip_prefix('+') {
        let duration = parse_duration(offset).map_err(|_| err())?;
        let offset_ns = i64::try_from(duration.as_nanos()).map_err(|_| err())?;
        return capture_start_ns.unwrap_or(0).checked_add(offset_ns).ok_or_else(err);
    }
    if let Ok(seconds) = text.parse::<f64>() {
        let ns = seconds * 1e9;
        if !ns.is_finite() || ns.abs() >= 9.2e18 {
            return Err(err());
        }
        return Ok(ns.round() as i64);
    }
    let time = humantime::parse_rfc3339_weak(text).map_err(|_| err())?;
    let since = time.duration_since(UNIX_EPOCH).map_err(|_| err())?;
    i64::try_from(since.as_nanos()).map_err(|_| err())
}

fn system_time(ns: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(u64::try_from(ns).unwrap_or(0))
}

/// "2023-11-14 22:13:20" (UTC, whole seconds).
pub fn utc_seconds(ns: i64) -> String {
    humantime::format_rfc3339_seconds(system_time(ns)).to_string().replace('T', " ").trim_end_matches('Z').to_string()
}

/// "2023-11-14 22:13:20 – 22:13:50 UTC (30 s)"; the end drops its date when it is the same day.
pub fn utc_range(from_ns: i64, to_ns: i64) -> String {
    let from = utc_seconds(from_ns);
    let to = utc_seconds(to_ns);
    let to_shown = match (from.split_once(' '), to.split_once(' ')) {
        (Some((day_a, _)), Some((day_b, time_b))) if day_a == day_b => time_b.to_string(),
        _ => to,
    };
    format!("{from} – {to_shown} UTC ({})", human_duration(to_ns.saturating_sub(from_ns)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000_000_000;

    #[test]
    fn parses_epoch_seconds_rfc3339_and_offsets() {
        assert_eq!(parse_time("1700000000", None), Ok(T0));
        assert_eq!(parse_time("1700000000.5", None), Ok(T0 + 500_000_000));
        assert_eq!(parse_time("2023-11-14T22:13:20Z", None), Ok(T0));
        assert_eq!(parse_time("+30s", Some(T0)), Ok(T0 + 30_000_000_000));
        assert_eq!(parse_time("+1m 30s", Some(T0)), Ok(T0 + 90_000_000_000));
        let err = parse_time("yesterday", Some(T0)).unwrap_err();
        assert!(err.to_string().contains("\"yesterday\"") && err.to_string().contains("+30s"));
        assert!(parse_time("1e300", None).is_err());
    }

    #[test]
    fn formats_utc_ranges() {
        assert_eq!(utc_seconds(T0), "2023-11-14 22:13:20");
        assert_eq!(utc_range(T0, T0 + 30_000_000_000), "2023-11-14 22:13:20 – 22:13:50 UTC (30 s)");
        assert_eq!(utc_range(T0, T0 + 86_400_000_000_000), "2023-11-14 22:13:20 – 2023-11-15 22:13:20 UTC (1 d 0 h)");
    }
}

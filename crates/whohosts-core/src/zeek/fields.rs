//! One log line seen as named values, the same for TSV and JSON, and the typed getters the
//! record builders use (address, port, count, time, interval, lists). Knows no log kind.

use std::borrow::Cow;
use std::net::IpAddr;
use std::time::Duration;

use super::error::LineError;
use super::time::{self, Timestamp};

/// A value as a line holds it, before typing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    /// Absent (JSON) or the `#unset_field` marker (TSV).
    Unset,
    Text(Cow<'a, str>),
    Number(&'a serde_json::Number),
    List(Vec<Value<'a>>),
    /// Anything else JSON can hold (bool, object), rendered for error messages.
    Other(String),
}

impl Value<'_> {
    fn shown(&self) -> String {
        match self {
            Value::Unset => "-".to_owned(),
            Value::Text(t) => t.to_string(),
            Value::Number(n) => n.to_string(),
            Value::List(items) => items.iter().map(Value::shown).collect::<Vec<_>>().join(","),
            Value::Other(o) => o.clone(),
        }
    }
}

/// A line whose values can be looked up by Zeek field name (`id.orig_h`, `answers`, ...).
pub(crate) trait Row {
    fn get(&self, field: &str) -> Value<'_>;
}

fn missing(field: &str) -> LineError {
    LineError::MissingField { field: field.to_owned() }
}

pub(crate) fn text(row: &dyn Row, field: &str) -> Result<Option<String>, LineError> {
    match row.get(field) {
        Value::Unset => Ok(None),
        Value::Text(t) => Ok(Some(t.into_owned())),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(LineError::BadList { field: field.to_owned(), value: other.shown() }),
    }
}

pub(crate) fn required_text(row: &dyn Row, field: &str) -> Result<String, LineError> {
    text(row, field)?.ok_or_else(|| missing(field))
}

pub(crate) fn addr(row: &dyn Row, field: &str) -> Result<IpAddr, LineError> {
    match row.get(field) {
        Value::Unset => Err(missing(field)),
        Value::Text(t) => {
            t.parse().map_err(|_| LineError::BadAddress { field: field.to_owned(), value: t.into_owned() })
        }
        other => Err(LineError::BadAddress { field: field.to_owned(), value: other.shown() }),
    }
}

fn as_u64(field: &str, value: Value<'_>) -> Result<Option<u64>, LineError> {
    let bad = |v: &Value<'_>| LineError::BadNumber { field: field.to_owned(), value: v.shown() };
    match &value {
        Value::Unset => Ok(None),
        Value::Text(t) => t.parse().map(Some).map_err(|_| bad(&value)),
        Value::Number(n) => n.as_u64().map(Some).ok_or_else(|| bad(&value)),
        _ => Err(bad(&value)),
    }
}

pub(crate) fn count(row: &dyn Row, field: &str) -> Result<Option<u64>, LineError> {
    as_u64(field, row.get(field))
}

pub(crate) fn required_count(row: &dyn Row, field: &str) -> Result<u64, LineError> {
    count(row, field)?.ok_or_else(|| missing(field))
}

pub(crate) fn port(row: &dyn Row, field: &str) -> Result<u16, LineError> {
    let value = row.get(field);
    let shown = value.shown();
    let n = as_u64(field, value)
        .map_err(|_| LineError::BadPort { field: field.to_owned(), value: shown.clone() })?
        .ok_or_else(|| missing(field))?;
    u16::try_from(n).map_err(|_| LineError::BadPort { field: field.to_owned(), value: shown })
}

pub(crate) fn timestamp(row: &dyn Row, field: &str) -> Result<Timestamp, LineError> {
    let value = row.get(field);
    let bad = |v: &Value<'_>| LineError::BadTime { field: field.to_owned(), value: v.shown() };
    let nanos = match &value {
        Value::Unset => return Err(missing(field)),
        Value::Text(t) => time::parse_decimal_nanos(t).or_else(|| time::parse_iso8601_nanos(t)),
        Value::Number(n) => n.as_f64().and_then(time::float_secs_to_nanos),
        _ => None,
    };
    nanos.map(Timestamp::from_nanos).ok_or_else(|| bad(&value))
}

fn as_interval(field: &str, value: &Value<'_>) -> Result<Option<Duration>, LineError> {
    let bad = || LineError::BadInterval { field: field.to_owned(), value: value.shown() };
    match value {
        Value::Unset => Ok(None),
        Value::Text(t) => time::parse_interval(t).map(Some).ok_or_else(bad),
        Value::Number(n) => n.as_f64().and_then(time::float_interval).map(Some).ok_or_else(bad),
        _ => Err(bad()),
    }
}

pub(crate) fn interval(row: &dyn Row, field: &str) -> Result<Option<Duration>, LineError> {
    as_interval(field, &row.get(field))
}

/// A `vector[string]`/`set[string]`; unset is an empty list.
pub(crate) fn strings(row: &dyn Row, field: &str) -> Result<Vec<String>, LineError> {
    match row.get(field) {
        Value::Unset => Ok(Vec::new()),
        Value::List(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Text(t) => Ok(t.into_owned()),
                other => Err(LineError::BadList { field: field.to_owned(), value: other.shown() }),
            })
            .collect(),
        other => Err(LineError::BadList { field: field.to_owned(), value: other.shown() }),
    }
}

/// A `vector[interval]`; unset is an empty list, an unset element is an error.
pub(crate) fn intervals(row: &dyn Row, field: &str) -> Result<Vec<Duration>, LineError> {
    match row.get(field) {
        Value::Unset => Ok(Vec::new()),
        Value::List(items) => items
            .iter()
            .map(|item| {
                as_interval(field, item)?
                    .ok_or_else(|| LineError::BadInterval { field: field.to_owned(), value: item.shown() })
            })
            .collect(),
        other => Err(LineError::BadInterval { field: field.to_owned(), value: other.shown() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, Value<'static>>);
    impl Row for Map {
        fn get(&self, field: &str) -> Value<'_> {
            self.0.get(field).cloned().unwrap_or(Value::Unset)
        }
    }
    fn row(pairs: &[(&'static str, &'static str)]) -> Map {
        Map(pairs.iter().map(|(k, v)| (*k, Value::Text(Cow::Borrowed(*v)))).collect())
    }

    #[test]
    fn typed_getters_read_text() {
        let r = row(&[("a", "192.168.1.23"), ("p", "443"), ("c", "12"), ("t", "1.5"), ("d", "0.018000")]);
        assert_eq!(addr(&r, "a"), Ok("192.168.1.23".parse().unwrap()));
        assert_eq!(port(&r, "p"), Ok(443));
        assert_eq!(count(&r, "c"), Ok(Some(12)));
        assert_eq!(count(&r, "none"), Ok(None));
        assert_eq!(timestamp(&r, "t"), Ok(Timestamp::from_nanos(1_500_000_000)));
        assert_eq!(interval(&r, "d"), Ok(Some(Duration::from_millis(18))));
    }

    #[test]
    fn bad_values_carry_field_and_value() {
        let r = row(&[("a", "192.168.1.300"), ("p", "70000"), ("c", "12x"), ("t", "yesterday")]);
        assert_eq!(addr(&r, "a"), Err(LineError::BadAddress { field: "a".into(), value: "192.168.1.300".into() }));
        assert_eq!(port(&r, "p"), Err(LineError::BadPort { field: "p".into(), value: "70000".into() }));
        assert_eq!(count(&r, "c"), Err(LineError::BadNumber { field: "c".into(), value: "12x".into() }));
        assert_eq!(timestamp(&r, "t"), Err(LineError::BadTime { field: "t".into(), value: "yesterday".into() }));
        assert_eq!(addr(&r, "none"), Err(LineError::MissingField { field: "none".into() }));
    }
}

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

/// The Zeek fields whohosts reads. A TSV header resolves each to its column once, so a
/// line's values are found by index rather than by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Ts,
    Uid,
    OrigH,
    OrigP,
    RespH,
    RespP,
    Proto,
    Service,
    Duration,
    OrigBytes,
    RespBytes,
    ConnState,
    History,
    OrigPkts,
    OrigIpBytes,
    RespPkts,
    RespIpBytes,
    Query,
    QtypeName,
    RcodeName,
    Answers,
    Ttls,
    ServerName,
    Host,
    Method,
    Uri,
}

impl Field {
    /// Every field; conn.log's come first, in the order `tsv_conn` reads them.
    pub const ALL: [Field; 26] = [
        Field::Ts,
        Field::Uid,
        Field::OrigH,
        Field::OrigP,
        Field::RespH,
        Field::RespP,
        Field::Proto,
        Field::Service,
        Field::Duration,
        Field::OrigBytes,
        Field::RespBytes,
        Field::ConnState,
        Field::History,
        Field::OrigPkts,
        Field::OrigIpBytes,
        Field::RespPkts,
        Field::RespIpBytes,
        Field::Query,
        Field::QtypeName,
        Field::RcodeName,
        Field::Answers,
        Field::Ttls,
        Field::ServerName,
        Field::Host,
        Field::Method,
        Field::Uri,
    ];

    /// The name Zeek writes in `#fields` and as a JSON key.
    pub fn name(self) -> &'static str {
        match self {
            Field::Ts => "ts",
            Field::Uid => "uid",
            Field::OrigH => "id.orig_h",
            Field::OrigP => "id.orig_p",
            Field::RespH => "id.resp_h",
            Field::RespP => "id.resp_p",
            Field::Proto => "proto",
            Field::Service => "service",
            Field::Duration => "duration",
            Field::OrigBytes => "orig_bytes",
            Field::RespBytes => "resp_bytes",
            Field::ConnState => "conn_state",
            Field::History => "history",
            Field::OrigPkts => "orig_pkts",
            Field::OrigIpBytes => "orig_ip_bytes",
            Field::RespPkts => "resp_pkts",
            Field::RespIpBytes => "resp_ip_bytes",
            Field::Query => "query",
            Field::QtypeName => "qtype_name",
            Field::RcodeName => "rcode_name",
            Field::Answers => "answers",
            Field::Ttls => "TTLs",
            Field::ServerName => "server_name",
            Field::Host => "host",
            Field::Method => "method",
            Field::Uri => "uri",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// A line whose values can be looked up by Zeek field.
pub(crate) trait Row {
    fn get(&self, field: Field) -> Value<'_>;
}

fn missing(field: Field) -> LineError {
    LineError::MissingField { field: field.name().to_owned() }
}

/// A text value, borrowed from the line where it needs no unescaping.
pub(crate) fn text_ref(row: &dyn Row, field: Field) -> Result<Option<Cow<'_, str>>, LineError> {
    match row.get(field) {
        Value::Unset => Ok(None),
        Value::Text(t) => Ok(Some(t)),
        Value::Number(n) => Ok(Some(Cow::Owned(n.to_string()))),
        other => Err(LineError::BadList { field: field.name().to_owned(), value: other.shown() }),
    }
}

pub(crate) fn text(row: &dyn Row, field: Field) -> Result<Option<String>, LineError> {
    Ok(text_ref(row, field)?.map(Cow::into_owned))
}

pub(crate) fn required_text(row: &dyn Row, field: Field) -> Result<String, LineError> {
    text(row, field)?.ok_or_else(|| missing(field))
}

pub(crate) fn addr(row: &dyn Row, field: Field) -> Result<IpAddr, LineError> {
    match row.get(field) {
        Value::Unset => Err(missing(field)),
        Value::Text(t) => {
            t.parse().map_err(|_| LineError::BadAddress { field: field.name().to_owned(), value: t.into_owned() })
        }
        other => Err(LineError::BadAddress { field: field.name().to_owned(), value: other.shown() }),
    }
}

fn as_u64(field: Field, value: Value<'_>) -> Result<Option<u64>, LineError> {
    let bad = |v: &Value<'_>| LineError::BadNumber { field: field.name().to_owned(), value: v.shown() };
    match &value {
        Value::Unset => Ok(None),
        Value::Text(t) => t.parse().map(Some).map_err(|_| bad(&value)),
        Value::Number(n) => n.as_u64().map(Some).ok_or_else(|| bad(&value)),
        _ => Err(bad(&value)),
    }
}

pub(crate) fn count(row: &dyn Row, field: Field) -> Result<Option<u64>, LineError> {
    as_u64(field, row.get(field))
}

pub(crate) fn required_count(row: &dyn Row, field: Field) -> Result<u64, LineError> {
    count(row, field)?.ok_or_else(|| missing(field))
}

pub(crate) fn port(row: &dyn Row, field: Field) -> Result<u16, LineError> {
    let value = row.get(field);
    let bad = |v: &Value<'_>| LineError::BadPort { field: field.name().to_owned(), value: v.shown() };
    let n = match &value {
        Value::Unset => return Err(missing(field)),
        Value::Text(t) => t.parse::<u64>().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    };
    n.and_then(|n| u16::try_from(n).ok()).ok_or_else(|| bad(&value))
}

pub(crate) fn timestamp(row: &dyn Row, field: Field) -> Result<Timestamp, LineError> {
    let value = row.get(field);
    let bad = |v: &Value<'_>| LineError::BadTime { field: field.name().to_owned(), value: v.shown() };
    let nanos = match &value {
        Value::Unset => return Err(missing(field)),
        Value::Text(t) => time::parse_decimal_nanos(t).or_else(|| time::parse_iso8601_nanos(t)),
        Value::Number(n) => n.as_f64().and_then(time::float_secs_to_nanos),
        _ => None,
    };
    nanos.map(Timestamp::from_nanos).ok_or_else(|| bad(&value))
}

fn as_interval(field: Field, value: &Value<'_>) -> Result<Option<Duration>, LineError> {
    let bad = || LineError::BadInterval { field: field.name().to_owned(), value: value.shown() };
    match value {
        Value::Unset => Ok(None),
        Value::Text(t) => time::parse_interval(t).map(Some).ok_or_else(bad),
        Value::Number(n) => n.as_f64().and_then(time::float_interval).map(Some).ok_or_else(bad),
        _ => Err(bad()),
    }
}

pub(crate) fn interval(row: &dyn Row, field: Field) -> Result<Option<Duration>, LineError> {
    as_interval(field, &row.get(field))
}

/// A `vector[string]`/`set[string]`, each item made into a `T` where it lies in the line
/// (an answer is parsed without a copy of its text first); unset is an empty list.
pub(crate) fn strings<T>(row: &dyn Row, field: Field, mut each: impl FnMut(&str) -> T) -> Result<Vec<T>, LineError> {
    match row.get(field) {
        Value::Unset => Ok(Vec::new()),
        Value::List(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Text(t) => Ok(each(&t)),
                other => Err(LineError::BadList { field: field.name().to_owned(), value: other.shown() }),
            })
            .collect(),
        other => Err(LineError::BadList { field: field.name().to_owned(), value: other.shown() }),
    }
}

/// A `vector[interval]`; unset is an empty list, an unset element is an error.
pub(crate) fn intervals(row: &dyn Row, field: Field) -> Result<Vec<Duration>, LineError> {
    match row.get(field) {
        Value::Unset => Ok(Vec::new()),
        Value::List(items) => items
            .iter()
            .map(|item| {
                as_interval(field, item)?
                    .ok_or_else(|| LineError::BadInterval { field: field.name().to_owned(), value: item.shown() })
            })
            .collect(),
        other => Err(LineError::BadInterval { field: field.name().to_owned(), value: other.shown() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, Value<'static>>);
    impl Row for Map {
        fn get(&self, field: Field) -> Value<'_> {
            self.0.get(field.name()).cloned().unwrap_or(Value::Unset)
        }
    }
    fn row(pairs: &[(&'static str, &'static str)]) -> Map {
        Map(pairs.iter().map(|(k, v)| (*k, Value::Text(Cow::Borrowed(*v)))).collect())
    }

    #[test]
    fn typed_getters_read_text() {
        let r = row(&[
            ("id.orig_h", "192.168.1.23"),
            ("id.orig_p", "443"),
            ("orig_pkts", "12"),
            ("ts", "1.5"),
            ("duration", "0.018000"),
        ]);
        assert_eq!(addr(&r, Field::OrigH), Ok("192.168.1.23".parse().unwrap()));
        assert_eq!(port(&r, Field::OrigP), Ok(443));
        assert_eq!(count(&r, Field::OrigPkts), Ok(Some(12)));
        assert_eq!(count(&r, Field::RespPkts), Ok(None));
        assert_eq!(timestamp(&r, Field::Ts), Ok(Timestamp::from_nanos(1_500_000_000)));
        assert_eq!(interval(&r, Field::Duration), Ok(Some(Duration::from_millis(18))));
    }

    #[test]
    fn bad_values_carry_field_and_value() {
        let r =
            row(&[("id.orig_h", "192.168.1.300"), ("id.orig_p", "70000"), ("orig_pkts", "12x"), ("ts", "yesterday")]);
        let bad_addr = LineError::BadAddress { field: "id.orig_h".into(), value: "192.168.1.300".into() };
        assert_eq!(addr(&r, Field::OrigH), Err(bad_addr));
        assert_eq!(
            port(&r, Field::OrigP),
            Err(LineError::BadPort { field: "id.orig_p".into(), value: "70000".into() })
        );
        assert_eq!(
            count(&r, Field::OrigPkts),
            Err(LineError::BadNumber { field: "orig_pkts".into(), value: "12x".into() })
        );
        assert_eq!(timestamp(&r, Field::Ts), Err(LineError::BadTime { field: "ts".into(), value: "yesterday".into() }));
        assert_eq!(port(&r, Field::RespP), Err(LineError::MissingField { field: "id.resp_p".into() }));
        assert_eq!(Field::from_name("TTLs"), Some(Field::Ttls));
        assert!(Field::ALL.iter().all(|&f| Field::from_name(f.name()) == Some(f)));
    }
}

//! Zeek's JSON logs (`LogAscii::use_json`): one object per line, unset fields left out,
//! `id.orig_h` style dotted keys, `ts` as epoch seconds or an ISO 8601 string. Which log a
//! line belongs to comes from `_path` when present, else from the fields it has.

use std::borrow::Cow;

use serde_json::{Map, Value as Json};

use super::error::LineError;
use super::fields::{Field, Row, Value};
use super::records::LogKind;

/// One parsed JSON line.
pub(crate) struct JsonRow {
    map: Map<String, Json>,
}

impl JsonRow {
    pub fn parse(line: &str) -> Result<Self, LineError> {
        match serde_json::from_str::<Json>(line) {
            Ok(Json::Object(map)) => Ok(Self { map }),
            Ok(other) => Err(LineError::BadJson { reason: format!("a JSON {}", type_name(&other)) }),
            Err(e) => Err(LineError::BadJson { reason: e.to_string() }),
        }
    }

    /// `_path` when the writer added it (a single JSON stream of several logs).
    pub fn path(&self) -> Option<&str> {
        self.map.get("_path").and_then(Json::as_str)
    }

    /// The log kind told by the fields present, for files without `_path`.
    pub fn kind_from_fields(&self) -> Option<LogKind> {
        let has = |k: &str| self.map.contains_key(k);
        if has("client_initial_dcid") || has("client_scid") {
            Some(LogKind::Quic)
        } else if has("conn_state") || has("orig_ip_bytes") || has("resp_ip_bytes") {
            Some(LogKind::Conn)
        } else if has("trans_id") || has("qtype_name") || has("answers") || has("rcode_name") {
            Some(LogKind::Dns)
        } else if has("trans_depth") || has("method") || has("user_agent") || has("status_code") {
            Some(LogKind::Http)
        } else if has("cipher") || has("ssl_history") || has("established") || has("server_name") {
            Some(LogKind::Ssl)
        } else {
            None
        }
    }

    /// The keys, for an error message about an unknown log.
    pub fn keys(&self) -> String {
        self.map.keys().take(12).cloned().collect::<Vec<_>>().join(",")
    }
}

fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn value(v: &Json) -> Value<'_> {
    match v {
        Json::Null => Value::Unset,
        Json::String(s) => Value::Text(Cow::Borrowed(s)),
        Json::Number(n) => Value::Number(n),
        Json::Array(items) => Value::List(items.iter().map(value).collect()),
        other => Value::Other(other.to_string()),
    }
}

impl Row for JsonRow {
    fn get(&self, field: Field) -> Value<'_> {
        match self.map.get(field.name()) {
            Some(v) => value(v),
            // Zeek can also nest the id record (`"id":{"orig_h":...}`) when not flattening.
            None => match field.name().split_once('.') {
                Some((outer, inner)) => self.map.get(outer).and_then(|o| o.get(inner)).map_or(Value::Unset, value),
                None => Value::Unset,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zeek::{fields, time::Timestamp};

    #[test]
    fn reads_dotted_and_nested_ids() {
        let flat = JsonRow::parse(r#"{"id.orig_h":"10.0.0.1","id.orig_p":53}"#).unwrap();
        let nested = JsonRow::parse(r#"{"id":{"orig_h":"10.0.0.1","orig_p":53}}"#).unwrap();
        for row in [flat, nested] {
            assert_eq!(fields::addr(&row, Field::OrigH), Ok("10.0.0.1".parse().unwrap()));
            assert_eq!(fields::port(&row, Field::OrigP), Ok(53));
        }
    }

    #[test]
    fn ts_as_float_or_iso_string() {
        let a = JsonRow::parse(r#"{"ts":1749488480.05}"#).unwrap();
        let b = JsonRow::parse(r#"{"ts":"2025-06-09T17:01:20.050000Z"}"#).unwrap();
        let want = Timestamp::from_nanos(1_749_488_480_050_000_000);
        assert_eq!(fields::timestamp(&a, Field::Ts), Ok(want));
        assert_eq!(fields::timestamp(&b, Field::Ts), Ok(want));
    }

    #[test]
    fn kind_from_fields_or_path() {
        let kind = |s: &str| JsonRow::parse(s).unwrap().kind_from_fields();
        assert_eq!(kind(r#"{"conn_state":"SF"}"#), Some(LogKind::Conn));
        assert_eq!(kind(r#"{"query":"a","trans_id":1}"#), Some(LogKind::Dns));
        assert_eq!(kind(r#"{"server_name":"a","established":true}"#), Some(LogKind::Ssl));
        assert_eq!(kind(r#"{"server_name":"a","client_scid":"00"}"#), Some(LogKind::Quic));
        assert_eq!(kind(r#"{"host":"a","method":"GET"}"#), Some(LogKind::Http));
        assert_eq!(kind(r#"{"name":"weird"}"#), None);
        assert_eq!(JsonRow::parse(r#"{"_path":"dns"}"#).unwrap().path(), Some("dns"));
    }

    #[test]
    fn non_objects_are_bad_lines() {
        assert!(matches!(JsonRow::parse("[1,2]"), Err(LineError::BadJson { .. })));
        assert!(matches!(JsonRow::parse(r#"{"ts":1,"#), Err(LineError::BadJson { .. })));
    }

    #[test]
    fn ttls_are_numbers() {
        let row = JsonRow::parse(r#"{"TTLs":[3600.0,20.0],"answers":["a.example","1.2.3.4"]}"#).unwrap();
        assert_eq!(fields::intervals(&row, Field::Ttls).unwrap().len(), 2);
        assert_eq!(fields::strings(&row, Field::Answers, str::to_owned).unwrap(), vec!["a.example", "1.2.3.4"]);
        let bad = JsonRow::parse(r#"{"TTLs":["soon",20.0]}"#).unwrap();
        assert!(matches!(fields::intervals(&bad, Field::Ttls), Err(LineError::BadInterval { .. })));
    }
}

//! Zeek's ASCII (TSV) log format: the `#separator`, `#set_separator`, `#empty_field`,
//! `#unset_field`, `#path`, `#fields` and `#types` headers, and data lines split and
//! unescaped (`\x09` and friends) by them. A file may hold several header blocks (logs
//! concatenated after rotation); each `#fields` line starts a new one.

use std::borrow::Cow;

use super::error::LineError;
use super::fields::{Field, Row, Value};
use super::swar::for_each_byte;
use super::tsv_conn::ConnColumns;

/// Where each value of a data line starts and ends (byte offsets), reused from line to line.
pub(crate) type Spans = Vec<(usize, usize)>;

/// The headers in force for the data lines that follow them.
#[derive(Debug, Clone)]
pub(crate) struct TsvHeader {
    separator: String,
    set_separator: String,
    empty_field: String,
    unset_field: String,
    path: Option<String>,
    fields: Vec<String>,
    containers: Vec<bool>,
    /// The column of every field whohosts reads, by `Field as usize`.
    columns: [Option<usize>; Field::ALL.len()],
    /// Set when conn.log lines under these headers can be read the fast way.
    conn_columns: Option<ConnColumns>,
}

impl Default for TsvHeader {
    fn default() -> Self {
        Self {
            separator: "\t".to_owned(),
            set_separator: ",".to_owned(),
            empty_field: "(empty)".to_owned(),
            unset_field: "-".to_owned(),
            path: None,
            fields: Vec::new(),
            containers: Vec::new(),
            columns: [None; Field::ALL.len()],
            conn_columns: None,
        }
    }
}

/// Fields that hold lists when a log has no `#types` line.
const KNOWN_CONTAINERS: &[&str] = &["answers", "TTLs", "tunnel_parents", "cert_chain_fps", "client_cert_chain_fps"];

impl TsvHeader {
    /// The `#path` value, which names the log kind.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    pub fn has_fields(&self) -> bool {
        !self.fields.is_empty()
    }

    /// How to read this header's conn.log lines the fast way, when they can be.
    pub fn conn_columns(&self) -> Option<&ConnColumns> {
        self.conn_columns.as_ref()
    }

    /// Takes in one line starting with `#`. Unknown header lines (`#open`, `#close`,
    /// comments) are ignored.
    pub fn header_line(&mut self, line: &str) -> Result<(), LineError> {
        let taken = self.take_header_line(line);
        self.conn_columns = ConnColumns::new(
            &self.separator,
            &self.unset_field,
            &self.empty_field,
            &self.columns,
            self.fields.len(),
            &self.containers,
        );
        taken
    }

    fn take_header_line(&mut self, line: &str) -> Result<(), LineError> {
        let bad = || LineError::BadHeader { line: line.chars().take(200).collect() };
        if let Some(rest) = line.strip_prefix("#separator ") {
            let sep = unescape(rest).into_owned();
            if sep.is_empty() {
                return Err(bad());
            }
            self.separator = sep;
            return Ok(());
        }
        let Some((key, value)) = line.split_once(self.separator.as_str()) else {
            return Ok(());
        };
        match key {
            "#set_separator" if !value.is_empty() => self.set_separator = unescape(value).into_owned(),
            "#empty_field" => self.empty_field = unescape(value).into_owned(),
            "#unset_field" => self.unset_field = unescape(value).into_owned(),
            "#path" => self.path = Some(unescape(value).into_owned()),
            "#fields" => {
                self.fields = value.split(self.separator.as_str()).map(|f| unescape(f).into_owned()).collect();
                self.columns = [None; Field::ALL.len()];
                for (i, name) in self.fields.iter().enumerate() {
                    if let Some(slot) = Field::from_name(name).and_then(|f| self.columns.get_mut(f as usize)) {
                        slot.get_or_insert(i);
                    }
                }
                self.containers = self.fields.iter().map(|f| KNOWN_CONTAINERS.contains(&f.as_str())).collect();
            }
            "#types" => {
                let types: Vec<&str> = value.split(self.separator.as_str()).collect();
                if types.len() != self.fields.len() {
                    return Err(bad());
                }
                self.containers = types
                    .iter()
                    .map(|t| t.starts_with("set[") || t.starts_with("vector[") || t.starts_with("table["))
                    .collect();
            }
            "#set_separator" => return Err(bad()),
            _ => {}
        }
        Ok(())
    }

    /// Splits a data line into `spans`; the column count must match `#fields`.
    pub fn row<'a>(&'a self, line: &'a str, spans: &'a mut Spans) -> Result<TsvRow<'a>, LineError> {
        if self.fields.is_empty() {
            return Err(LineError::NoHeader);
        }
        spans.clear();
        let mut start = 0;
        match self.separator.as_bytes() {
            &[byte] => {
                // Fields are a few bytes long, too short for memchr to pay off.
                let _ = for_each_byte(line.as_bytes(), byte, None, |end| {
                    spans.push((start, end));
                    start = end + 1;
                    Some(())
                });
            }
            sep => {
                for (end, _) in line.match_indices(self.separator.as_str()) {
                    spans.push((start, end));
                    start = end + sep.len();
                }
            }
        }
        spans.push((start, line.len()));
        if spans.len() != self.fields.len() {
            return Err(LineError::WrongColumnCount { expected: self.fields.len(), found: spans.len() });
        }
        // Most lines have no escapes at all: one look for a backslash spares one per value.
        let escaped = memchr::memchr(b'\\', line.as_bytes()).is_some();
        Ok(TsvRow { header: self, line, spans, escaped })
    }
}

/// One data line under its header.
pub(crate) struct TsvRow<'a> {
    header: &'a TsvHeader,
    line: &'a str,
    spans: &'a [(usize, usize)],
    /// Whether the line holds a backslash, so that some value may need unescaping.
    escaped: bool,
}

impl TsvRow<'_> {
    fn unescape<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.escaped {
            unescape(text)
        } else {
            Cow::Borrowed(text)
        }
    }
}

impl Row for TsvRow<'_> {
    fn get(&self, field: Field) -> Value<'_> {
        let h = self.header;
        let Some(Some(i)) = h.columns.get(field as usize).copied() else { return Value::Unset };
        let Some(raw) = self.spans.get(i).and_then(|&(from, to)| self.line.get(from..to)) else { return Value::Unset };
        if raw == h.unset_field {
            return Value::Unset;
        }
        if h.containers.get(i).copied().unwrap_or(false) {
            if raw == h.empty_field {
                return Value::List(Vec::new());
            }
            let item = |item| if item == h.unset_field { Value::Unset } else { Value::Text(self.unescape(item)) };
            let items = match h.set_separator.as_bytes() {
                // A one-character pattern is found with memchr, a longer one by substring search.
                &[byte] if byte.is_ascii() => raw.split(char::from(byte)).map(item).collect(),
                _ => raw.split(h.set_separator.as_str()).map(item).collect(),
            };
            return Value::List(items);
        }
        if raw == h.empty_field {
            return Value::Text(Cow::Borrowed(""));
        }
        Value::Text(self.unescape(raw))
    }
}

/// Undoes Zeek's `\xNN` escapes (separators, non-printable bytes). Other backslashes stay.
pub(crate) fn unescape(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'\\', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match (bytes.get(i), bytes.get(i + 1), bytes.get(i + 2), bytes.get(i + 3)) {
            (Some(b'\\'), Some(b'x'), Some(&hi), Some(&lo)) => hex(hi).zip(hex(lo)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 4;
            }
            None => {
                out.extend(bytes.get(i).copied());
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zeek::fields;

    const DNS_HEADER: &[&str] = &[
        "#separator \\x09",
        "#set_separator\t,",
        "#empty_field\t(empty)",
        "#unset_field\t-",
        "#path\tdns",
        "#open\t2016-06-15-04-15-27",
        "#fields\tts\tuid\tquery\tanswers\tTTLs\trejected",
        "#types\ttime\tstring\tstring\tvector[string]\tvector[interval]\tbool",
    ];

    fn dns_header() -> TsvHeader {
        let mut h = TsvHeader::default();
        for line in DNS_HEADER {
            h.header_line(line).unwrap();
        }
        h
    }

    #[test]
    fn headers_set_path_and_fields() {
        let h = dns_header();
        assert_eq!(h.path(), Some("dns"));
        assert_eq!(h.fields.len(), 6);
        assert_eq!(h.containers, vec![false, false, false, true, true, false]);
    }

    #[test]
    fn vectors_split_on_set_separator_and_unescape() {
        let h = dns_header();
        let line = "1.0\tCabc\tx.example\ta.example,TXT 5 a\\x2cb,1.2.3.4\t60.000000,60.000000,20.000000\tF";
        let mut spans = Spans::new();
        let row = h.row(line, &mut spans).unwrap();
        assert_eq!(
            fields::strings(&row, Field::Answers, str::to_owned).unwrap(),
            vec!["a.example", "TXT 5 a,b", "1.2.3.4"]
        );
        assert_eq!(fields::intervals(&row, Field::Ttls).unwrap().len(), 3);
    }

    #[test]
    fn unset_and_empty_are_told_apart() {
        let h = dns_header();
        let mut spans = Spans::new();
        let row = h.row("1.0\tCabc\t(empty)\t(empty)\t-\tF", &mut spans).unwrap();
        assert_eq!(row.get(Field::Query), Value::Text(Cow::Borrowed("")));
        assert_eq!(row.get(Field::Answers), Value::List(Vec::new()));
        assert_eq!(row.get(Field::Ttls), Value::Unset);
        assert_eq!(row.get(Field::Host), Value::Unset, "not in #fields");
    }

    #[test]
    fn wrong_column_count_is_an_error() {
        let h = dns_header();
        let mut spans = Spans::new();
        assert_eq!(
            h.row("1.0\tCabc\tx", &mut spans).err(),
            Some(LineError::WrongColumnCount { expected: 6, found: 3 })
        );
        assert_eq!(TsvHeader::default().row("1.0", &mut spans).err(), Some(LineError::NoHeader));
    }

    #[test]
    fn other_separators_work() {
        // As in Zeek's ascii-escape baseline: separator "||", escaped inside values.
        let mut h = TsvHeader::default();
        for line in
            ["#separator ||", "#set_separator||,", "#path||ssl", "#fields||ts||server_name", "#types||time||string"]
        {
            h.header_line(line).unwrap();
        }
        let mut spans = Spans::new();
        let row = h.row("1343417536.767956||fa\\x7c\\x7cure", &mut spans).unwrap();
        assert_eq!(row.get(Field::ServerName), Value::Text(Cow::Owned("fa||ure".to_owned())));
    }

    #[test]
    fn unescape_leaves_other_backslashes() {
        assert_eq!(unescape("a\\x09b"), "a\tb");
        assert_eq!(unescape("a\\xZZb\\"), "a\\xZZb\\");
        assert_eq!(unescape("\\x2d"), "-");
        assert!(matches!(unescape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn types_count_must_match_fields() {
        let mut h = TsvHeader::default();
        h.header_line("#fields\ta\tb").unwrap();
        assert!(matches!(h.header_line("#types\ttime"), Err(LineError::BadHeader { .. })));
    }
}

//! conn.log TSV lines read straight from their text, for speed: a day of Zeek logs is
//! millions of conn lines, and going through named values (`TsvRow`, `Value`, `Row`) cost
//! more than the parsing itself. Only plain lines are taken here: one-byte separator, no
//! escapes, no lists, every required value set. Anything else, and every bad line, is
//! left to the general path (`TsvHeader::row` and `records::conn`), which gives the same
//! record for a plain line and the error for a bad one.

use std::borrow::Cow;

#[cfg(debug_assertions)]
use super::records::{self, Conn};
use super::records::{ConnId, ConnLine, Transport};
use super::swar::for_each_byte;
use super::time::{self, Timestamp};
use super::tsv::{Spans, TsvHeader};

/// The conn.log fields a [`ConnLine`] holds: the first of `Field::ALL`, in the order
/// [`ConnColumns::read`] takes them apart.
const CONN_FIELDS: usize = 17;

/// Marks a column no conn field is read from.
const UNUSED: u8 = u8::MAX;

/// Where a header puts the conn.log fields, when its lines can be read here.
#[derive(Debug, Clone)]
pub(crate) struct ConnColumns {
    separator: u8,
    unset: Box<str>,
    empty: Box<str>,
    /// For each column of `#fields`, the position in `Field::ALL` of the conn field it holds,
    /// or [`UNUSED`].
    slots: Box<[u8]>,
}

/// `line` under `header` as a conn line read the fast way, when the header has one and the
/// line is plain (`None`: the general path reads it). Debug builds (the tests, the fuzzer)
/// check it against the general way, splitting into `spans`.
pub(crate) fn read_plain<'a>(header: &TsvHeader, line: &'a str, spans: &mut Spans) -> Option<ConnLine<'a>> {
    let conn = header.conn_columns()?.read(line)?;
    #[cfg(debug_assertions)]
    {
        let general = header.row(line, spans).and_then(|row| records::conn(&row).map(Conn::from));
        debug_assert_eq!(general.ok(), Some(Conn::from(conn.clone())), "read two ways: {line}");
    }
    #[cfg(not(debug_assertions))]
    let _ = spans;
    Some(conn)
}

/// A count of up to 19 digits (no sign; anything else is left to the general path), without
/// the checks a longer number needs.
fn count(value: &str) -> Option<u64> {
    let digits = value.as_bytes();
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0, |n, &d| n * 10 + u64::from(d - b'0')))
}

impl ConnColumns {
    /// `None` unless the separator is one byte, every conn field has a column of its own and
    /// none of them is a list. `columns` is the header's column of each field, by
    /// `Field as usize` (the first column of a name, as the general path reads it), out of
    /// `column_count`.
    pub fn new(
        separator: &str,
        unset: &str,
        empty: &str,
        columns: &[Option<usize>],
        column_count: usize,
        containers: &[bool],
    ) -> Option<Self> {
        let &[separator] = separator.as_bytes() else { return None };
        if !separator.is_ascii() || column_count >= usize::from(UNUSED) {
            return None;
        }
        let mut slots = vec![UNUSED; column_count].into_boxed_slice();
        for slot in 0..CONN_FIELDS {
            let column = columns.get(slot).copied().flatten()?;
            if containers.get(column).copied().unwrap_or(false) {
                return None;
            }
            *slots.get_mut(column)? = u8::try_from(slot).ok()?;
        }
        Some(ConnColumns { separator, unset: unset.into(), empty: empty.into(), slots })
    }

    /// The line as a connection, or `None` when it is not plain (see the module comment):
    /// the general path then reads it.
    pub fn read<'a>(&self, line: &'a str) -> Option<ConnLine<'a>> {
        let mut values = [""; CONN_FIELDS];
        let mut column = 0;
        let mut start = 0;
        let mut value_ends = |end: usize| -> Option<()> {
            let slot = *self.slots.get(column)?;
            if let Some(v) = values.get_mut(usize::from(slot)) {
                // The separator is ASCII, so both ends are character boundaries.
                *v = line.get(start..end)?;
            }
            column += 1;
            start = end + 1;
            Some(())
        };
        // A backslash is an escape, for the general path.
        for_each_byte(line.as_bytes(), self.separator, Some(b'\\'), &mut value_ends)?;
        value_ends(line.len())?;
        if column != self.slots.len() {
            return None;
        }
        let [ts, uid, orig_h, orig_p, resp_h, resp_p, proto, service, duration, orig_bytes, resp_bytes, conn_state, history, orig_pkts, orig_ip_bytes, resp_pkts, resp_ip_bytes] =
            values;
        let port = |v: &str| count(v).and_then(|n| u16::try_from(n).ok());
        Some(ConnLine {
            ts: Timestamp::from_nanos(time::parse_decimal_nanos(self.set(ts)?)?),
            uid: Cow::Borrowed(self.text(uid)?),
            id: ConnId {
                orig_h: self.set(orig_h)?.parse().ok()?,
                orig_p: port(self.set(orig_p)?)?,
                resp_h: self.set(resp_h)?.parse().ok()?,
                resp_p: port(self.set(resp_p)?)?,
            },
            proto: Transport::parse(self.set(proto)?),
            service: self.optional_text(service),
            duration: self.optional(duration, time::parse_interval)?,
            orig_bytes: self.optional(orig_bytes, count)?,
            resp_bytes: self.optional(resp_bytes, count)?,
            conn_state: self.optional_text(conn_state),
            history: self.optional_text(history),
            orig_pkts: count(self.set(orig_pkts)?)?,
            orig_ip_bytes: count(self.set(orig_ip_bytes)?)?,
            resp_pkts: count(self.set(resp_pkts)?)?,
            resp_ip_bytes: count(self.set(resp_ip_bytes)?)?,
        })
    }

    /// A value neither unset nor the empty marker (which the general path reads as "").
    fn set<'a>(&self, value: &'a str) -> Option<&'a str> {
        (value != &*self.unset && value != &*self.empty).then_some(value)
    }

    /// A required text value: the empty marker is "".
    fn text<'a>(&self, value: &'a str) -> Option<&'a str> {
        match value {
            v if v == &*self.unset => None,
            v if v == &*self.empty => Some(""),
            v => Some(v),
        }
    }

    fn optional_text<'a>(&self, value: &'a str) -> Option<Cow<'a, str>> {
        (value != &*self.unset).then(|| Cow::Borrowed(if value == &*self.empty { "" } else { value }))
    }

    /// An optional typed value: `Some(None)` when unset, `None` when it does not parse (or
    /// is the empty marker, an error to the general path).
    fn optional<T>(&self, value: &str, parse: impl Fn(&str) -> Option<T>) -> Option<Option<T>> {
        if value == &*self.unset {
            return Some(None);
        }
        self.set(value).and_then(parse).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::super::records;
    use super::super::tsv::{Spans, TsvHeader};

    /// The header and data lines of a TSV conn.log.
    fn header_and_lines(log: &str) -> (TsvHeader, Vec<&str>) {
        let mut header = TsvHeader::default();
        let mut lines = Vec::new();
        for line in log.lines() {
            if line.starts_with('#') {
                header.header_line(line).unwrap();
            } else {
                lines.push(line);
            }
        }
        (header, lines)
    }

    /// Whether the fast way took the line, after checking it gave what the general path
    /// gives, and left alone every line the general path refuses.
    fn fast_agrees(header: &TsvHeader, line: &str) -> bool {
        let columns = header.conn_columns().expect("a plain conn.log header");
        let mut spans = Spans::new();
        let general = header.row(line, &mut spans).and_then(|row| records::conn(&row).map(records::Conn::from));
        match (columns.read(line), general) {
            (Some(fast), Ok(general)) => {
                assert_eq!(records::Conn::from(fast), general, "{line}");
                true
            }
            (Some(fast), Err(e)) => panic!("fast read {fast:?} from a line the general path refuses ({e}): {line}"),
            (None, _) => false,
        }
    }

    #[test]
    fn counts_of_up_to_nineteen_digits_are_read_here() {
        assert_eq!(super::count("0"), Some(0));
        assert_eq!(super::count("0071"), Some(71));
        assert_eq!(super::count("9999999999999999999"), Some(9_999_999_999_999_999_999));
        for other in ["", "+1", "-1", "1 ", "1e3", "18446744073709551615", "99999999999999999999"] {
            assert_eq!(super::count(other), None, "{other:?}");
        }
    }

    #[test]
    fn sample_lines_read_the_same_both_ways() {
        let log = include_str!("../../../../samples/zeek/icloud/conn.log");
        let (header, lines) = header_and_lines(log);
        assert!(lines.len() > 20);
        for line in lines {
            assert!(fast_agrees(&header, line), "a plain sample line took the general path: {line}");
        }
    }

    #[test]
    fn unusual_and_bad_lines_are_left_to_the_general_path() {
        let log = include_str!("../../../../samples/zeek/icloud/conn.log");
        let (header, lines) = header_and_lines(log);
        let plain = lines.iter().find(|l| l.contains("\ttcp\t") && l.contains("\tSF\t")).unwrap();
        let columns: Vec<&str> = plain.split('\t').collect();
        let with = |column: usize, value: &str| {
            let mut changed = columns.clone();
            changed[column] = value;
            changed.join("\t")
        };
        // Unset and empty optional values are read here.
        for (column, value) in
            [(1, "(empty)"), (7, "-"), (7, "(empty)"), (8, "-"), (9, "-"), (11, "(empty)"), (15, "-")]
        {
            assert!(fast_agrees(&header, &with(column, value)), "column {column} = {value}");
        }
        // Anything else goes the general way, which keeps or refuses it.
        let unusual = [
            with(0, "2025-06-09T17:00:00.300000Z"),
            with(0, "-"),
            with(2, "192.168.1.300"),
            with(3, "70000"),
            with(4, "-"),
            with(6, "(empty)"),
            with(8, "(empty)"),
            with(8, "-1.0"),
            with(9, "12x"),
            with(16, "-"),
            with(19, "(empty)"),
            with(7, "ssl\\x09x"),
            columns[..10].join("\t"),
            format!("{plain}\textra"),
        ];
        for line in &unusual {
            assert!(!fast_agrees(&header, line), "taken the fast way: {line}");
        }
    }

    #[test]
    fn headers_that_do_not_fit_have_no_fast_way() {
        let log = include_str!("../../../../samples/zeek/icloud/conn.log");
        let (mut header, _) = header_and_lines(log);
        assert!(header.conn_columns().is_some());
        // history as a list.
        let types = log.lines().find(|l| l.starts_with("#types")).unwrap();
        header
            .header_line(&types.replacen(
                "\tstring\tcount\tcount\tcount\tcount",
                "\tset[string]\tcount\tcount\tcount\tcount",
                1,
            ))
            .unwrap();
        assert!(header.conn_columns().is_none());
        // No resp_ip_bytes column.
        let mut header = TsvHeader::default();
        header.header_line("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto").unwrap();
        assert!(header.conn_columns().is_none());
        // A two-byte separator.
        let (mut header, _) = header_and_lines(log);
        header.header_line("#separator ||").unwrap();
        assert!(header.conn_columns().is_none());
    }
}

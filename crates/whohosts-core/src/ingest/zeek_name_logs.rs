//! The name-bearing lines of Zeek logs (dns, ssl, quic, http), kept until every file is read:
//! ssl lines are told QUIC or TLS by quic.log's uids, and all names are learned in time order.
//! A large log set holds hundreds of thousands of them, so their text lives in one buffer
//! and their answers and TTLs in one list each, the lines pointing into them: a string per
//! field, allocated on the reading thread and freed on another, cost as much to free at the
//! end as to read.

use std::net::IpAddr;
use std::ops::Range;

use crate::zeek::{Answer, DnsAnswer, HttpHost, ServerName};

/// Where a string lies in [`NameLogs`]' text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text(Range<usize>);

/// A dns.log answer as kept: the address, the name (CNAME or PTR target), or another kind
/// of answer, which only keeps its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeptAnswer {
    Address(IpAddr),
    Name(Text),
    Other,
}

/// What learning reads of a dns.log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DnsLine {
    pub ts: i64,
    pub uid: Text,
    pub resp_p: u16,
    pub query: Option<Text>,
    /// In Zeek's order, in [`NameLogs::answers`].
    answers: Range<usize>,
    /// Seconds, one per answer when logged, in [`NameLogs::ttls`].
    ttls: Range<usize>,
}

/// What learning reads of an ssl, quic or http line: a name used with a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameLine {
    pub ts: i64,
    pub uid: Text,
    pub server: IpAddr,
    pub name: Text,
}

#[derive(Default)]
pub(crate) struct NameLogs {
    text: String,
    answers: Vec<KeptAnswer>,
    ttls: Vec<u32>,
    pub dns: Vec<DnsLine>,
    pub ssl: Vec<NameLine>,
    pub http: Vec<NameLine>,
    pub quic: Vec<NameLine>,
}

impl NameLogs {
    pub fn is_empty(&self) -> bool {
        self.dns.is_empty() && self.ssl.is_empty() && self.http.is_empty() && self.quic.is_empty()
    }

    pub fn text(&self, text: &Text) -> &str {
        self.text.get(text.0.clone()).unwrap_or_default()
    }

    pub fn answers(&self, line: &DnsLine) -> &[KeptAnswer] {
        self.answers.get(line.answers.clone()).unwrap_or_default()
    }

    pub fn ttls(&self, line: &DnsLine) -> &[u32] {
        self.ttls.get(line.ttls.clone()).unwrap_or_default()
    }

    fn keep(&mut self, text: &str) -> Text {
        let start = self.text.len();
        self.text.push_str(text);
        Text(start..self.text.len())
    }

    pub fn push_dns(&mut self, d: &DnsAnswer) {
        let uid = self.keep(&d.uid);
        let query = d.query.as_deref().map(|q| self.keep(q));
        let first_answer = self.answers.len();
        for answer in &d.answers {
            let kept = match answer {
                Answer::Address(addr) => KeptAnswer::Address(*addr),
                Answer::Name(name) => KeptAnswer::Name(self.keep(name)),
                Answer::Other(_) => KeptAnswer::Other,
            };
            self.answers.push(kept);
        }
        let first_ttl = self.ttls.len();
        self.ttls.extend(d.ttls.iter().map(|t| u32::try_from(t.as_secs()).unwrap_or(u32::MAX)));
        let line = DnsLine {
            ts: d.ts.nanos,
            uid,
            resp_p: d.id.resp_p,
            query,
            answers: first_answer..self.answers.len(),
            ttls: first_ttl..self.ttls.len(),
        };
        self.dns.push(line);
    }

    fn name_line(&mut self, ts: i64, uid: &str, server: IpAddr, name: &str) -> NameLine {
        NameLine { ts, uid: self.keep(uid), server, name: self.keep(name) }
    }

    pub fn push_ssl(&mut self, s: &ServerName) {
        let line = self.name_line(s.ts.nanos, &s.uid, s.id.resp_h, &s.server_name);
        self.ssl.push(line);
    }

    pub fn push_quic(&mut self, q: &ServerName) {
        let line = self.name_line(q.ts.nanos, &q.uid, q.id.resp_h, &q.server_name);
        self.quic.push(line);
    }

    pub fn push_http(&mut self, h: &HttpHost) {
        let line = self.name_line(h.ts.nanos, &h.uid, h.id.resp_h, &h.host);
        self.http.push(line);
    }

    /// Adds the lines of `later` after this one's.
    pub fn append(&mut self, later: NameLogs) {
        let (text, answers, ttls) = (self.text.len(), self.answers.len(), self.ttls.len());
        let moved = |t: Text| Text(t.0.start + text..t.0.end + text);
        let moved_line = |l: NameLine| NameLine { uid: moved(l.uid), name: moved(l.name), ..l };
        self.text.push_str(&later.text);
        self.answers.extend(later.answers.into_iter().map(|a| match a {
            KeptAnswer::Name(name) => KeptAnswer::Name(moved(name)),
            other => other,
        }));
        self.ttls.extend(later.ttls);
        self.dns.extend(later.dns.into_iter().map(|d| DnsLine {
            uid: moved(d.uid),
            query: d.query.map(moved),
            answers: d.answers.start + answers..d.answers.end + answers,
            ttls: d.ttls.start + ttls..d.ttls.end + ttls,
            ..d
        }));
        self.ssl.extend(later.ssl.into_iter().map(moved_line));
        self.http.extend(later.http.into_iter().map(moved_line));
        self.quic.extend(later.quic.into_iter().map(moved_line));
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::zeek::{ConnId, Timestamp};

    fn id() -> ConnId {
        ConnId { orig_h: "192.168.1.23".parse().unwrap(), orig_p: 5353, resp_h: "8.8.8.8".parse().unwrap(), resp_p: 53 }
    }

    fn dns(uid: &str, query: Option<&str>, answers: Vec<Answer>, ttls: &[u64]) -> DnsAnswer {
        DnsAnswer {
            ts: Timestamp::from_nanos(7),
            uid: uid.into(),
            id: id(),
            query: query.map(Into::into),
            qtype_name: None,
            rcode_name: None,
            answers,
            ttls: ttls.iter().map(|&s| Duration::from_secs(s)).collect(),
        }
    }

    /// A line as plain values, to compare what two sets of logs hold.
    fn shown(logs: &NameLogs, d: &DnsLine) -> (String, Option<String>, Vec<String>, Vec<u32>) {
        let answers = logs
            .answers(d)
            .iter()
            .map(|a| match a {
                KeptAnswer::Address(addr) => addr.to_string(),
                KeptAnswer::Name(name) => logs.text(name).to_owned(),
                KeptAnswer::Other => "other".to_owned(),
            })
            .collect();
        (
            logs.text(&d.uid).to_owned(),
            d.query.as_ref().map(|q| logs.text(q).to_owned()),
            answers,
            logs.ttls(d).to_vec(),
        )
    }

    #[test]
    fn lines_keep_their_text_answers_and_ttls_after_an_append() {
        let cname = || {
            dns(
                "C1",
                Some("www.icloud.com"),
                vec![
                    Answer::Name("www.icloud.com.edgekey.net".into()),
                    Answer::Address("17.253.144.10".parse().unwrap()),
                    Answer::Other("TXT 3 abc".into()),
                ],
                &[60, 20, u64::MAX],
            )
        };
        let announcement = || dns("C2", None, vec![Answer::Address("fe80::1".parse().unwrap())], &[]);
        let server = ServerName {
            ts: Timestamp::from_nanos(9),
            uid: "C3".into(),
            id: id(),
            server_name: "p1-content.icloud.com".into(),
        };
        let mut first = NameLogs::default();
        first.push_dns(&cname());
        first.push_ssl(&server);
        let mut later = NameLogs::default();
        later.push_dns(&announcement());
        later.push_dns(&cname());
        later.push_quic(&server);
        first.append(later);

        let expected_cname = (
            "C1".to_owned(),
            Some("www.icloud.com".to_owned()),
            vec!["www.icloud.com.edgekey.net".to_owned(), "17.253.144.10".to_owned(), "other".to_owned()],
            vec![60, 20, u32::MAX],
        );
        let lines: Vec<_> = first.dns.iter().map(|d| shown(&first, d)).collect();
        assert_eq!(
            lines,
            [expected_cname.clone(), ("C2".to_owned(), None, vec!["fe80::1".to_owned()], vec![]), expected_cname]
        );
        for line in first.ssl.iter().chain(&first.quic) {
            assert_eq!((first.text(&line.uid), first.text(&line.name)), ("C3", "p1-content.icloud.com"));
        }
        assert!(!first.is_empty() && NameLogs::default().is_empty());
    }
}

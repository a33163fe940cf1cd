//! Reads the committed samples in `samples/zeek/` (made from samples/icloud.pcap by
//! scripts/make_zeek_samples.py): the same story from TSV, JSON and a gzip archive tree,
//! and a directory of deliberately bad lines.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::*;

fn sample(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/zeek/")).join(rel)
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn names(answers: &[Answer]) -> Vec<String> {
    answers
        .iter()
        .map(|a| match a {
            Answer::Address(ip) => ip.to_string(),
            Answer::Name(n) | Answer::Other(n) => n.clone(),
        })
        .collect()
}

/// IP bytes per responder address, as the capture's conversations give them.
fn bytes_per_responder(logs: &ZeekLogs) -> BTreeMap<IpAddr, u64> {
    let mut out = BTreeMap::new();
    for c in &logs.conns {
        *out.entry(c.id.resp_h).or_default() += c.orig_ip_bytes + c.resp_ip_bytes;
    }
    out
}

fn check_icloud_story(logs: &ZeekLogs) {
    assert!(logs.problems.is_empty(), "{:?}", logs.problems);
    assert_eq!(logs.conns.len(), 29);
    assert_eq!(logs.dns.len(), 18);
    assert_eq!(logs.ssl.len(), 8);
    assert_eq!(logs.quic.len(), 1);
    assert_eq!(logs.http.len(), 2);

    // The Azure upload: originator is the phone, most bytes go out.
    let azure = logs.conns.iter().find(|c| c.id.resp_h == ip("13.88.144.120")).unwrap();
    assert_eq!(azure.id.orig_h, ip("192.168.1.23"));
    assert_eq!((azure.id.resp_p, azure.proto.clone()), (443, Transport::Tcp));
    assert_eq!(
        (azure.orig_pkts, azure.orig_ip_bytes, azure.resp_pkts, azure.resp_ip_bytes),
        (2174, 3217567, 1099, 70532)
    );
    assert_eq!(azure.conn_state.as_deref(), Some("SF"));
    assert_eq!(azure.history.as_deref(), Some("ShADadFf"));
    assert_eq!(azure.duration, Some(Duration::from_micros(4_249_600)));
    assert_eq!(azure.ts, Timestamp::from_nanos(1_749_488_408_100_000_000));
    assert_eq!(azure.service.as_deref(), Some("ssl"));

    // Per-responder IP bytes, checked against tshark by the generator.
    let bytes = bytes_per_responder(logs);
    assert_eq!(bytes[&ip("16.15.101.37")], 4_449_192);
    assert_eq!(bytes[&ip("13.88.144.120")], 3_288_099);
    assert_eq!(bytes[&ip("108.138.64.88")], 1_116_849);
    assert_eq!(bytes[&ip("2.16.6.43")], 253_642);
    assert_eq!(bytes[&ip("17.248.185.80")], 175_146);
    assert_eq!(bytes[&ip("17.248.170.4")], 4_951);
    assert_eq!(bytes.values().sum::<u64>(), 9_364_220);

    // The CNAME chain to Azure, in order, then the address.
    let content = logs.dns.iter().find(|d| d.query.as_deref() == Some("p12-content.icloud.com")).unwrap();
    assert_eq!(
        names(&content.answers),
        vec![
            "p12-content.fe.icloud-content.com",
            "apcs12prod.blob.core.windows.net",
            "blob.by4prdstr05a.store.core.windows.net",
            "13.88.144.120",
        ]
    );
    assert_eq!(
        content.ttls,
        vec![Duration::from_secs(3600), Duration::from_secs(60), Duration::from_secs(60), Duration::from_secs(20)]
    );
    // The S3 AAAA answer, IPv6.
    assert!(logs.dns.iter().any(|d| d.answers.last() == Some(&Answer::Address(ip("2600:1fa0:8035:1a08::1f")))));
    // DNS over TCP is logged with its conn uid.
    let escrow = logs.dns.iter().find(|d| d.query.as_deref() == Some("p12-escrowproxy.icloud.com")).unwrap();
    let escrow_conn = logs.conns.iter().find(|c| c.uid == escrow.uid).unwrap();
    assert_eq!(escrow_conn.proto, Transport::Tcp);
    // The TXT answer (from the fragmented datagram) is "other", with its commas unescaped.
    let txt = logs.dns.iter().find(|d| d.qtype_name.as_deref() == Some("TXT")).unwrap();
    assert_eq!(txt.answers.len(), 22);
    assert!(txt.answers.iter().all(|a| matches!(a, Answer::Other(t) if t.starts_with("TXT 113 sample-verification-"))));

    // Names joined by uid to conns.
    let uid_of = |addr: &str| logs.conns.iter().find(|c| c.id.resp_h == ip(addr)).unwrap().uid.clone();
    let sni = |uid: &str| logs.ssl.iter().find(|s| s.uid == uid).map(|s| s.server_name.clone());
    assert_eq!(sni(&uid_of("13.88.144.120")).as_deref(), Some("p12-content.icloud.com"));
    assert_eq!(sni(&uid_of("16.15.101.37")).as_deref(), Some("icloud-p12-storage.s3.amazonaws.com"));
    assert_eq!(logs.quic[0].uid, uid_of("17.248.170.4"));
    assert_eq!(logs.quic[0].server_name, "mask.icloud.com");
    let hosts: Vec<(&str, IpAddr)> = logs.http.iter().map(|h| (h.host.as_str(), h.id.resp_h)).collect();
    assert_eq!(hosts, vec![("ocsp.apple.com", ip("17.253.1.10")), ("updates-http.cdn-apple.com", ip("2.16.6.43"))]);
    assert!(logs.http.iter().all(|h| logs.conns.iter().any(|c| c.uid == h.uid)));
}

#[test]
fn icloud_tsv_tells_the_story() {
    let logs = read_logs(&[sample("icloud")]);
    check_icloud_story(&logs);
    assert!(logs.file_problems.is_empty(), "{:?}", logs.file_problems);
    assert_eq!(logs.files.len(), 5);
    assert!(logs.files.iter().all(|f| f.format == Format::Tsv && !f.gzip));
}

#[test]
fn icloud_json_tells_the_same_story() {
    let json = read_logs(&[sample("icloud-json")]);
    check_icloud_story(&json);
    assert!(json.files.iter().all(|f| f.format == Format::Json && !f.gzip));
    let tsv = read_logs(&[sample("icloud")]);
    // Same records whichever the format (JSON floats round to the microsecond Zeek wrote).
    assert_eq!(json.conns, tsv.conns);
    assert_eq!(json.dns, tsv.dns);
    assert_eq!(json.ssl, tsv.ssl);
    assert_eq!(json.quic, tsv.quic);
    assert_eq!(json.http, tsv.http);
}

#[test]
fn icloud_archive_tree_reads_gzip_and_skips_unknown_logs() {
    let logs = read_logs(&[sample("icloud-archive")]);
    check_icloud_story(&logs);
    assert_eq!(logs.files.len(), 5);
    assert!(logs.files.iter().all(|f| f.gzip && f.format == Format::Tsv));
    assert_eq!(logs.file_problems.len(), 1);
    let weird = &logs.file_problems[0];
    assert!(weird.path.ends_with("2025-06-09/weird.17:00:00-18:00:00.log.gz"));
    assert_eq!(weird.error, FileError::UnknownKind { kind: "weird".into() });
}

#[test]
fn bad_lines_are_counted_with_file_line_and_value() {
    let logs = read_logs(&[sample("bad-lines")]);
    let found: Vec<(String, u64, LineError)> = logs
        .problems
        .iter()
        .map(|p| (p.file.file_name().unwrap().to_string_lossy().into_owned(), p.line, p.error.clone()))
        .collect();
    let s = |v: &str| v.to_owned();
    assert_eq!(
        found,
        vec![
            (s("conn.log"), 10, LineError::WrongColumnCount { expected: 22, found: 10 }),
            (s("conn.log"), 12, LineError::BadAddress { field: s("id.orig_h"), value: s("192.168.1.300") }),
            (s("conn.log"), 14, LineError::BadNumber { field: s("orig_ip_bytes"), value: s("12x") }),
            (s("conn.log"), 15, LineError::BadTime { field: s("ts"), value: s("yesterday") }),
            (s("conn.log"), 17, LineError::BadPort { field: s("id.resp_p"), value: s("70000") }),
            (s("dns.log"), 2, LineError::BadJson { reason: s("EOF while parsing a value at line 1 column 80") }),
            (s("dns.log"), 4, LineError::BadAddress { field: s("id.resp_h"), value: s("not-an-address") }),
            (s("dns.log"), 5, LineError::BadJson { reason: s("a JSON array") }),
            (s("dns.log"), 6, LineError::BadInterval { field: s("TTLs"), value: s("soon") }),
        ]
    );
    // The good lines around them are kept.
    assert_eq!(logs.conns.len(), 5);
    assert_eq!(logs.dns.len(), 2);
    assert_eq!(
        logs.problems[1].to_string().rsplit_once('/').unwrap().1,
        "conn.log:12: field id.orig_h: \"192.168.1.300\" is not an IP address"
    );
}

/// A scratch directory under the system temp dir, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("whohosts-zeek-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn content_decides_not_the_name() {
    let dir = Scratch::new("names");
    let tsv = std::fs::read(sample("icloud/dns.log")).unwrap();
    let json = std::fs::read(sample("icloud-json/conn.log")).unwrap();
    // gzip under a plain name, JSON conn under a dns name, a capture named like a log.
    dir.write("notes.txt", &gzip(&tsv));
    dir.write("dns.log", &json);
    dir.write("conn.log.gz", b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00");
    dir.write("empty.log", b"");
    let logs = read_logs(std::slice::from_ref(&dir.0));
    assert_eq!(logs.dns.len(), 18);
    assert_eq!(logs.conns.len(), 29);
    let errors: Vec<&FileError> = logs.file_problems.iter().map(|p| &p.error).collect();
    assert!(matches!(errors.as_slice(), [FileError::NotZeekLog { .. }, FileError::Empty]), "{errors:?}");
}

#[test]
fn concatenated_logs_and_json_with_path() {
    let dir = Scratch::new("concat");
    // Two TSV logs of different kinds in one file, as `cat conn.log dns.log` gives.
    let mut both = std::fs::read(sample("icloud/conn.log")).unwrap();
    both.extend(std::fs::read(sample("icloud/dns.log")).unwrap());
    dir.write("both", &both);
    // One JSON stream holding several logs, told apart by `_path`.
    dir.write("stream", concat!(
        r#"{"_path":"ssl","ts":1.0,"uid":"Ca","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":443,"server_name":"A.Example."}"#, "\n",
        r#"{"_path":"http","ts":2.0,"uid":"Cb","id.orig_h":"10.0.0.1","id.orig_p":2,"id.resp_h":"10.0.0.3","id.resp_p":80,"host":"b.example"}"#, "\n",
        r#"{"_path":"files","ts":3.0}"#, "\n",
    ).as_bytes());
    let logs = read_logs(&[dir.0.join("both"), dir.0.join("stream")]);
    assert_eq!((logs.conns.len(), logs.dns.len()), (29, 18));
    assert_eq!(logs.ssl.len(), 1);
    assert_eq!(logs.ssl[0].server_name, "a.example");
    assert_eq!(logs.http[0].host, "b.example");
    assert!(logs.problems.is_empty(), "{:?}", logs.problems);
}

#[test]
fn long_lines_and_too_many_problems() {
    let dir = Scratch::new("limits");
    let mut text = std::fs::read_to_string(sample("icloud/conn.log")).unwrap();
    text.push_str(&"x".repeat(MAX_LINE_BYTES + 10));
    text.push('\n');
    let long = dir.write("long", text.as_bytes());
    let many = "{\"broken\n".repeat(MAX_PROBLEMS_PER_FILE + 50);
    let many = dir.write("many", many.as_bytes());
    let logs = read_logs(&[long, many]);
    assert_eq!(logs.conns.len(), 29);
    assert!(matches!(logs.problems[0].error, LineError::TooLong { len, .. } if len == MAX_LINE_BYTES + 10));
    assert_eq!(logs.problems.len(), 1 + MAX_PROBLEMS_PER_FILE);
    assert_eq!(logs.file_problems.len(), 1);
    assert_eq!(logs.file_problems[0].error, FileError::TooManyProblems { count: MAX_PROBLEMS_PER_FILE });
}

#[test]
fn truncated_gzip_keeps_the_lines_before_the_cut() {
    let dir = Scratch::new("cut");
    let whole = gzip(&std::fs::read(sample("icloud/conn.log")).unwrap());
    let cut = dir.write("cut", &whole[..whole.len() / 2]);
    let logs = read_logs(&[cut]);
    assert!(!logs.conns.is_empty() && logs.conns.len() < 29, "{}", logs.conns.len());
    assert!(matches!(logs.file_problems.as_slice(), [FileProblem { error: FileError::Io { .. }, .. }]));
    assert_eq!(logs.files.len(), 1);
}

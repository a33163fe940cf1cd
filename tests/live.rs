//! Live capture end to end, in network namespaces this test creates (a veth pair between a
//! "server" and a "client" namespace, addresses in 10.200.x.0/24): DNS, HTTP and TLS traffic
//! is captured by `whohosts report --live` inside the client namespace, checked, saved as
//! pcapng and read back. Traffic never leaves the namespaces. Needs root and `ip netns`;
//! elsewhere each test says SKIPPED on stderr.

/// Says on the real stderr (libtest does not capture it) that a test could not run here.
macro_rules! skipped {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod harness;

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use harness::{namespaces_or_skip, run, LiveRun, Namespaces};

use serde_json::Value;
use simple_dns::rdata::{RData, A};
use simple_dns::{Name, Packet, Question, ResourceRecord, CLASS, QCLASS, QTYPE, TYPE};

const BIN: &str = env!("CARGO_BIN_EXE_whohosts");
const DNS_NAME: &str = "files.example-live.test";
const HTTP_HOST: &str = "web.example-live.test";
const TLS_NAME: &str = "secure.example-live.test";
const BODY_LEN: usize = 5000;

fn dns_messages(answer: Ipv4Addr) -> (Vec<u8>, Vec<u8>) {
    let question =
        || Question::new(Name::new_unchecked(DNS_NAME), QTYPE::TYPE(TYPE::A), QCLASS::CLASS(CLASS::IN), false);
    let mut query = Packet::new_query(0x4242);
    query.questions.push(question());
    let mut reply = Packet::new_reply(0x4242);
    reply.questions.push(question());
    reply.answers.push(ResourceRecord::new(
        Name::new_unchecked(DNS_NAME),
        CLASS::IN,
        60,
        RData::A(A { address: u32::from(answer) }),
    ));
    (query.build_bytes_vec().unwrap(), reply.build_bytes_vec().unwrap())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A UDP DNS responder that answers every query with `reply` (under the query's id).
const DNS_SERVER: &str = "import socket,sys
r=bytes.fromhex(sys.argv[1]);s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind((sys.argv[2],53))
while True:
    q,a=s.recvfrom(2048);s.sendto(q[:2]+r[2:],a)";
const DNS_CLIENT: &str = "import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(3);s.sendto(bytes.fromhex(sys.argv[1]),(sys.argv[2],53));print(len(s.recv(2048)))";

fn start_servers(ns: &mut Namespaces, reply: &[u8]) {
    std::fs::write(ns.dir.join("hello.txt"), "x".repeat(BODY_LEN)).unwrap();
    let key = ns.dir.join("key.pem");
    let cert = ns.dir.join("cert.pem");
    run(&[
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        &format!("/CN={TLS_NAME}"),
        "-keyout",
        key.to_str().unwrap(),
        "-out",
        cert.to_str().unwrap(),
    ])
    .expect("openssl makes a self-signed certificate");
    let server_ip = ns.server_ip.to_string();
    ns.spawn_server(&["python3", "-c", DNS_SERVER, &hex(reply), &server_ip]);
    ns.spawn_server(&["python3", "-m", "http.server", "8080", "--bind", &server_ip]);
    ns.spawn_server(&[
        "openssl",
        "s_server",
        "-quiet",
        "-accept",
        "8443",
        "-cert",
        cert.to_str().unwrap(),
        "-key",
        key.to_str().unwrap(),
        "-www",
    ]);
}

/// DNS, then HTTP with a Host header, then TLS with SNI, from the client namespace.
fn make_traffic(ns: &Namespaces, query: &[u8]) {
    let server = ns.server_ip.to_string();
    let client = ns.client.clone();
    let dns = ns.exec(&client, &["python3", "-c", DNS_CLIENT, &hex(query), &server]).output().unwrap();
    assert!(dns.status.success(), "DNS client: {}", String::from_utf8_lossy(&dns.stderr));
    let http = ns
        .exec(&client, &["curl", "-sS", "-o", "/dev/null", "-H", &format!("Host: {HTTP_HOST}")])
        .arg(format!("http://{server}:8080/hello.txt"))
        .output()
        .unwrap();
    assert!(http.status.success(), "curl http: {}", String::from_utf8_lossy(&http.stderr));
    let tls = ns
        .exec(&client, &["curl", "-sS", "-k", "-o", "/dev/null", "--resolve", &format!("{TLS_NAME}:8443:{server}")])
        .arg(format!("https://{TLS_NAME}:8443/"))
        .output()
        .unwrap();
    assert!(tls.status.success(), "curl https: {}", String::from_utf8_lossy(&tls.stderr));
}

/// Waits until something listens on the server's TCP ports (http.server takes a moment).
fn wait_for_servers(ns: &Namespaces) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let out = ns.exec(&ns.server.clone(), &["ss", "-ltnu"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        if text.contains(":8080") && text.contains(":8443") && text.contains(":53") {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("servers did not start in the namespace");
}

fn flow<'a>(report: &'a Value, proto: &str, dport: u64) -> &'a Value {
    report["flows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["proto"] == proto && f["dport"] == dport)
        .unwrap_or_else(|| panic!("no {proto} flow to port {dport} in {}", report["flows"]))
}

fn flow_keys(report: &Value) -> Vec<String> {
    let mut keys: Vec<String> = report["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}:{} {} {}",
                f["proto"], f["src"], f["sport"], f["dst"], f["dport"], f["packets"], f["bytes"]
            )
        })
        .collect();
    keys.sort();
    keys
}

fn report_of(file: &Path) -> Value {
    let out = Command::new(BIN).args(["report", "--json"]).arg(file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn live_capture_in_a_namespace_sees_flows_names_and_bytes() {
    let Some(mut ns) = namespaces_or_skip("live_capture_in_a_namespace_sees_flows_names_and_bytes", 1) else {
        return;
    };
    let (query, reply) = dns_messages(ns.server_ip);
    start_servers(&mut ns, &reply);
    wait_for_servers(&ns);
    let saved = ns.dir.join("out.pcapng");
    let mut command =
        ns.exec(&ns.client.clone(), &[BIN, "report", "--live", &ns.client_if, "--duration", "5s", "--json", "--write"]);
    command.arg(&saved);
    let capture = LiveRun::start(command);
    make_traffic(&ns, &query);
    let (ok, stdout, stderr) = capture.finish();
    assert!(ok, "{stderr}");
    assert!(stderr.contains("captured on") && stderr.contains("none dropped"), "{stderr}");
    let report: Value = serde_json::from_slice(&stdout).unwrap();

    // DNS: one query and one answer, with exact on-wire sizes (Ethernet + IPv4 + UDP).
    let dns = flow(&report, "udp", 53);
    assert_eq!(dns["src"], ns.client_ip.to_string());
    assert_eq!(dns["remote"], "dst", "the client namespace's own address is the local side");
    assert_eq!(dns["packets"], 2);
    assert_eq!(dns["forward"]["bytes"], (14 + 20 + 8 + query.len()) as u64);
    assert_eq!(dns["reverse"]["bytes"], (14 + 20 + 8 + reply.len()) as u64);
    // HTTP: the body came back in full.
    let http = flow(&report, "tcp", 8080);
    assert!(http["reverse"]["bytes"].as_u64().unwrap() > BODY_LEN as u64, "{http}");
    assert!(http["forward"]["tcp_flags"].as_str().unwrap().contains('S'));
    let tls = flow(&report, "tcp", 8443);
    assert!(tls["packets"].as_u64().unwrap() >= 8, "{tls}");

    // Names: all three learned for the server's address.
    let endpoint = report["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ip"] == ns.server_ip.to_string())
        .expect("the server is an endpoint");
    let names: Vec<(String, String)> = endpoint["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["name"].as_str().unwrap().to_string(), n["source"].as_str().unwrap().to_string()))
        .collect();
    for (name, source) in [(DNS_NAME, "dns"), (HTTP_HOST, "http"), (TLS_NAME, "sni")] {
        assert!(names.contains(&(name.to_string(), source.to_string())), "{name} by {source} in {names:?}");
    }

    // Counters: nothing lost, every frame analysed and saved.
    let live = &report["live"];
    assert_eq!(live["stats"]["dropped"], 0);
    assert_eq!(live["stats"]["analysed"], report["capture"]["packets"]);
    assert_eq!(live["saved"]["frames"], report["capture"]["packets"]);

    // The saved pcapng reads back to the same flows.
    let reread = report_of(&saved);
    assert_eq!(flow_keys(&reread), flow_keys(&report));
    assert_eq!(reread["capture"]["bytes"], report["capture"]["bytes"]);
}

#[test]
fn an_interface_that_disappears_ends_the_capture_keeping_its_frames() {
    let Some(ns) = namespaces_or_skip("an_interface_that_disappears_ends_the_capture_keeping_its_frames", 2) else {
        return;
    };
    let capture = LiveRun::start(
        ns.exec(&ns.client.clone(), &[BIN, "report", "--live", &ns.client_if, "--duration", "30s", "--json"]),
    );
    let send = "import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
for i in range(5): s.sendto(b'ping',(sys.argv[1],9))";
    let out = ns.exec(&ns.client.clone(), &["python3", "-c", send, &ns.server_ip.to_string()]).output().unwrap();
    assert!(out.status.success());
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    run(&["ip", "-n", &ns.client, "link", "del", &ns.client_if]).unwrap();
    let (ok, stdout, stderr) = capture.finish();
    assert!(started.elapsed() < Duration::from_secs(10), "the capture noticed the interface going away");
    assert!(ok, "{stderr}");
    assert!(stderr.contains(&ns.client_if) && stderr.contains("went away"), "{stderr}");
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    let udp = flow(&report, "udp", 9);
    assert_eq!(udp["packets"], 5, "frames before the interface went away are kept");
}

#[test]
fn without_privilege_the_message_says_how_to_get_it() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        skipped!("SKIPPED: without_privilege_the_message_says_how_to_get_it needs root to drop privilege with setpriv");
        return;
    }
    let out = match Command::new("setpriv")
        .args([
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            BIN,
            "report",
            "--live",
            "lo",
            "--duration",
            "1s",
        ])
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            skipped!("SKIPPED: without_privilege_the_message_says_how_to_get_it needs setpriv (util-linux): {e}");
            return;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("lo: no permission"), "{stderr}");
    assert!(stderr.contains("sudo setcap cap_net_raw,cap_net_admin=eip"), "{stderr}");
}

#[test]
fn interfaces_lists_loopback_with_its_addresses() {
    let out = Command::new(BIN).args(["interfaces", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lo = list.as_array().unwrap().iter().find(|i| i["loopback"] == true).expect("a loopback interface");
    assert!(
        lo["addresses"].as_array().unwrap().iter().any(|a| a["addr"] == "127.0.0.1" && a["prefix_len"] == 8),
        "{lo}"
    );
    let text = Command::new(BIN).arg("interfaces").output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("127.0.0.1/8"));
}

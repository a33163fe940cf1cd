//! Hand-offs to other tools: the pcapng export's Name Resolution Block read back by tshark,
//! and the Parquet tables read back by DuckDB (the Python package) with the same sums as the
//! JSON report. Each test says why it skipped when its tool is missing.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::zeek::sample;

fn whohosts(args: &[&str], files: &[&Path]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_whohosts")).args(files).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn report_json(files: &[&Path]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_whohosts")).arg("report").arg("--json").args(files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn have(program: &str, probe: &[&str]) -> bool {
    Command::new(program).args(probe).output().is_ok_and(|o| o.status.success())
}

#[test]
fn tshark_reads_the_learned_names_from_the_pcapng_export() {
    if !have("tshark", &["--version"]) {
        eprintln!("skipped: tshark is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s3.pcapng");
    let capture = sample("icloud.pcap");
    // Only the S3 flow: no DNS packets go along, so a name can only come from the NRB.
    let o = out.to_str().unwrap();
    whohosts(&["--pcap", o, "--flows", "16.15.101.37"], &[Path::new("export"), &capture]);
    let hosts = Command::new("tshark").args(["-r", o, "-q", "-z", "hosts"]).output().unwrap();
    let hosts = String::from_utf8_lossy(&hosts.stdout);
    let table: BTreeMap<&str, &str> =
        hosts.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once('\t')).collect();
    let learned = ["p12-storage.icloud-content.com", "icloud-p12-storage.s3.amazonaws.com"];
    assert!(table.get("16.15.101.37").is_some_and(|n| learned.contains(n)), "{hosts}");
    assert_eq!(table.get("13.88.144.120"), Some(&"p12-content.icloud.com"), "{hosts}");
}

const DUCKDB_SUMS: &str = r#"
import duckdb, sys, json
d = sys.argv[1]
q = lambda sql: duckdb.sql(sql.replace("DIR", d)).fetchall()[0]
print(json.dumps({
  "flows": q("select count(*), sum(bytes)::BIGINT, sum(packets)::BIGINT, sum(fwd_bytes + rev_bytes)::BIGINT from 'DIR/flows.parquet'"),
  "endpoints": q("select count(*), sum(bytes)::BIGINT, sum(packets)::BIGINT, sum(flows)::BIGINT from 'DIR/endpoints.parquet'"),
  "providers": q("select count(*), sum(bytes)::BIGINT, sum(packets)::BIGINT, round(sum(share), 6) from 'DIR/providers.parquet'"),
  "azure": q("select sum(bytes)::BIGINT from 'DIR/providers.parquet' where owner = 'Azure'"),
}))
"#;

#[test]
fn duckdb_reads_the_parquet_tables_with_the_json_reports_sums() {
    if !have("python3", &["-c", "import duckdb"]) {
        eprintln!("skipped: the python3 duckdb package is not installed (make test's dependency step installs it)");
        return;
    }
    for input in [sample("icloud.pcap"), sample("zeek/icloud")] {
        let dir = tempfile::tempdir().unwrap();
        let tables = dir.path().join("tables");
        let json = dir.path().join("tables.json");
        let args = ["--parquet", tables.to_str().unwrap(), "--json", json.to_str().unwrap()];
        whohosts(&args, &[Path::new("export"), &input]);
        let out = Command::new("python3").args(["-c", DUCKDB_SUMS, tables.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let sums: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let total = |table: &str, field: &str| -> u64 {
            doc[table].as_array().unwrap().iter().map(|r| r[field].as_u64().unwrap()).sum()
        };
        let count = |table: &str| doc[table].as_array().unwrap().len() as u64;
        let report = report_json(&[&input]);
        let report_bytes: u64 =
            report["providers"].as_array().unwrap().iter().map(|p| p["bytes"].as_u64().unwrap()).sum();
        let f = &sums["flows"];
        assert_eq!(f[0].as_u64(), Some(count("flows")));
        assert_eq!(f[1].as_u64(), Some(total("flows", "bytes")));
        assert_eq!(f[1].as_u64(), Some(report_bytes), "the report's provider bytes");
        assert_eq!(f[2].as_u64(), Some(total("flows", "packets")));
        assert_eq!(f[3], f[1]);
        let e = &sums["endpoints"];
        assert_eq!((e[0].as_u64(), e[1].as_u64()), (Some(count("endpoints")), Some(report_bytes)));
        assert_eq!(e[3].as_u64(), Some(count("flows")));
        let p = &sums["providers"];
        assert_eq!((p[0].as_u64(), p[1].as_u64()), (Some(count("providers")), Some(report_bytes)));
        assert_eq!(p[3].as_f64(), Some(1.0));
        let azure: u64 = report["providers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["name"] == "Azure")
            .map(|p| p["bytes"].as_u64().unwrap())
            .sum();
        assert_eq!(sums["azure"][0].as_u64(), Some(azure));
    }
}

//! The `whohosts` binary as a user runs it.

use std::process::Command;

fn whohosts(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_whohosts")).args(args).output().expect("run whohosts")
}

#[test]
fn missing_file_is_named_with_a_non_zero_exit() {
    let out = whohosts(&["report", "/no/such/capture.pcap"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/no/such/capture.pcap") && err.contains("No such file"), "{err}");
}

#[test]
fn garbage_is_not_a_capture() {
    let dir = std::env::temp_dir().join(format!("whohosts-garbage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("notes.pcap");
    std::fs::write(&path, b"this is a text file, not a capture\n").unwrap();
    let out = whohosts(&["report", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("notes.pcap") && err.contains("not a pcap"), "{err}");
}

#[test]
fn bad_local_flag_is_named() {
    let out = whohosts(&["report", "--local", "10.0.0.0/33", "x.pcap"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--local"));
}

fn sample(name: &str) -> String {
    format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn icloud_report_shows_the_clouds_behind_apple_names() {
    let out = whohosts(&["report", "--json", &sample("icloud.pcap")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let providers: Vec<&str> =
        report["providers"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    for want in ["AWS", "Azure", "Apple", "Akamai"] {
        assert!(providers.contains(&want), "{want} missing from {providers:?}");
    }
    let endpoint = |ip: &str| report["endpoints"].as_array().unwrap().iter().find(|e| e["ip"] == ip).unwrap().clone();
    let azure = endpoint("13.88.144.120");
    assert_eq!(azure["provider"]["name"], "Azure");
    assert_eq!(azure["provider"]["service"], "STORAGE");
    assert_eq!(azure["best_name"], "p12-content.icloud.com");
    assert_eq!(azure["cname_chain"][2], "apcs12prod.blob.core.windows.net");
    assert!(azure["conflicts"].as_array().unwrap().iter().any(|c| c["name"] == "p12-content.icloud.com"));
    assert!(azure["names"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["source"] == "sni" && n["frame"].as_u64().unwrap() > 0));
    let s3 = endpoint("16.15.101.37");
    assert_eq!(
        (s3["provider"]["service"].as_str(), s3["provider"]["region"].as_str()),
        (Some("S3"), Some("us-east-1"))
    );
    let cloudfront = endpoint("108.138.64.88");
    assert_eq!(cloudfront["provider"]["service"], "CLOUDFRONT");
    let apple = endpoint("17.248.185.69");
    assert_eq!((apple["provider"]["name"].as_str(), apple["asn"]["number"].as_u64()), (Some("Apple"), Some(714)));
    let router = endpoint("192.168.1.1");
    assert!(router["provider"].is_null() && router["asn"].is_null(), "private space is nobody's: {router}");
    let flow = report["flows"].as_array().unwrap().iter().find(|f| f["dst"] == "13.88.144.120").unwrap();
    assert_eq!(flow["provider"], "Azure");
    let series = report["timeline"]["series"].as_array().unwrap();
    let azure_bytes: u64 = series.iter().find(|s| s["provider"] == "Azure").unwrap()["bins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(azure_bytes, azure["bytes"].as_u64().unwrap());

    let text = whohosts(&["report", &sample("icloud.pcap")]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("CONFLICT: p12-content.icloud.com points at Apple"), "{text}");
}

#[test]
fn ranges_flag_loads_a_user_file_and_names_a_broken_one() {
    let dir = std::env::temp_dir().join(format!("whohosts-ranges-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("lab.txt");
    std::fs::write(&good, "# provider: Lab Cloud\n192.168.1.0/24\n").unwrap();
    let out = whohosts(&["report", "--json", "--ranges", good.to_str().unwrap(), &sample("icloud.pcap")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bad = dir.join("broken.txt");
    std::fs::write(&bad, "# provider: Lab Cloud\n10.0.0.0/8\nnot-a-cidr\n").unwrap();
    let out = whohosts(&["report", "--ranges", bad.to_str().unwrap(), &sample("icloud.pcap")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.txt") && err.contains("not-a-cidr"), "{err}");
}

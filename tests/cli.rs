//! The `whohosts` binary as a user runs it.

use std::collections::{BTreeMap, BTreeSet};
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

/// The long options a `--help` text lists (not --help and --version themselves).
fn help_flags(help: &str) -> BTreeSet<String> {
    help.lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with('-'))
        .filter_map(|line| long_flags(line).into_iter().next())
        .filter(|flag| flag != "--help" && flag != "--version")
        .collect()
}

/// Every `--flag` in a piece of text, in order.
fn long_flags(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .map(str::to_string)
        .collect()
}

/// The README's "Command line" synopsis, as the options it lists for each command ("" is
/// the window).
fn readme_synopsis() -> BTreeMap<String, BTreeSet<String>> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme.split("## Command line").nth(1).expect("a Command line section");
    let block = section.split("```").nth(1).expect("a code block in it");
    let mut synopsis: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut command = String::new();
    for line in block.lines() {
        if let Some(rest) = line.strip_prefix("whohosts ") {
            let first = rest.split_whitespace().next().unwrap_or_default();
            command = if first.starts_with(['[', '-']) { String::new() } else { first.to_string() };
        }
        synopsis.entry(command.clone()).or_default().extend(long_flags(line));
    }
    synopsis
}

#[test]
fn the_readme_synopsis_lists_exactly_the_options_of_help() {
    let synopsis = readme_synopsis();
    assert_eq!(synopsis.keys().map(String::as_str).collect::<Vec<_>>(), ["", "export", "interfaces", "report"]);
    for (command, readme_flags) in &synopsis {
        let args: Vec<&str> = [command.as_str(), "--help"].into_iter().filter(|a| !a.is_empty()).collect();
        let out = whohosts(&args);
        assert!(out.status.success());
        let help = help_flags(&String::from_utf8_lossy(&out.stdout));
        let missing: Vec<_> = help.difference(readme_flags).collect();
        let unknown: Vec<_> = readme_flags.difference(&help).collect();
        assert!(
            missing.is_empty() && unknown.is_empty(),
            "README synopsis of `whohosts {command}`: missing {missing:?}, not in --help {unknown:?}"
        );
    }
}

#[test]
fn usage_errors_exit_2_and_runtime_errors_exit_1() {
    for usage in [
        &["report"][..],
        &["report", "x.pcap", "--live", "lo", "--duration", "1s"],
        &["report", "--local", "10.0.0.0/33", "x.pcap"],
        &["report", "x.pcap", "--pretty"],
        &["export", "x.pcap"],
        &["export", "x.pcap", "--png", "o.png", "--scale", "9"],
        &["export", "x.pcap", "--png", "o.png", "--preset", "poster"],
        &["--no-such-option"],
    ] {
        let out = whohosts(usage);
        assert_eq!(out.status.code(), Some(2), "{usage:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = whohosts(&["report", "/no/such/capture.pcap"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_misspelt_command_gets_a_suggestion() {
    let out = whohosts(&["reprot", "x.pcap"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'reprot'") && err.contains("'report'"), "{err}");
}

#[test]
fn pretty_json_is_the_same_document_indented() {
    let plain = whohosts(&["report", "--json", &sample("icloud.pcap")]);
    let pretty = whohosts(&["report", "--json", "--pretty", &sample("icloud.pcap")]);
    assert!(plain.status.success() && pretty.status.success());
    assert!(pretty.stdout.starts_with(b"{\n  \""), "indented");
    let parse = |bytes: &[u8]| serde_json::from_slice::<serde_json::Value>(bytes).unwrap();
    assert_eq!(parse(&plain.stdout), parse(&pretty.stdout));
}

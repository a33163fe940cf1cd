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

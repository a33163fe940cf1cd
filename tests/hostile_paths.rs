//! Hostile input around the captures (issue 14): range files that are devices or carry
//! escapes, outputs that are special files, captures from pipes, names that are
//! spreadsheet formulas, TCP cuts meant to hide names, records that lie about lengths.
//! The files come from `examples/make_hostile/paths.rs`.

use crate::hostile::packets;
#[allow(dead_code)]
#[path = "../examples/make_hostile/paths.rs"]
mod paths;

use std::io::Write;
use std::ops::ControlFlow;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use whohosts_core::analysis::{Analysis, AnalysisConfig};
use whohosts_core::export::{csv as csv_export, Overwrite, ViewFilter};
use whohosts_core::ingest::analyse_file;

fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-paths");
        paths::write_all(&dir).unwrap();
        dir
    })
}

fn file(name: &str) -> PathBuf {
    dir().join(name)
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(name)
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-paths-out").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs whohosts with an empty user range folder, `stdin` piped in from another thread,
/// and a deadline (a hang is a failure, not a stuck test run).
fn run(args: &[&std::ffi::OsStr], stdin: Option<Vec<u8>>) -> Output {
    run_with_config(args, stdin, &scratch("config-empty"))
}

/// Like [`run`] with `$XDG_CONFIG_HOME` at `config` (whose `whohosts/ranges/` is loaded).
fn run_with_config(args: &[&std::ffi::OsStr], stdin: Option<Vec<u8>>, config: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_whohosts"))
        .args(args)
        .env("XDG_CONFIG_HOME", config)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("whohosts {args:?} did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(Into::into).collect()
}

fn run_str(args: &[&str], stdin: Option<Vec<u8>>) -> Output {
    let owned = os(args);
    let refs: Vec<&std::ffi::OsStr> = owned.iter().map(|a| a.as_os_str()).collect();
    run(&refs, stdin)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn analyse(path: &Path) -> Analysis {
    analyse_file(path, AnalysisConfig::default(), |_, _| ControlFlow::Continue(())).unwrap()
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string; mkfifo only creates a node.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

// 1. --ranges on a non-regular file.
#[test]
fn ranges_from_devices_and_pipes_are_refused_at_once() {
    let fifo = scratch("ranges-fifo").join("ranges");
    mkfifo(&fifo);
    let capture = sample("icloud.pcap");
    for (ranges, kind) in [(Path::new("/dev/zero"), "a device"), (fifo.as_path(), "a pipe")] {
        let started = Instant::now();
        let out = run(&["report".as_ref(), capture.as_os_str(), "--ranges".as_ref(), ranges.as_os_str()], None);
        let err = text(&out.stderr);
        assert!(!out.status.success(), "{err}");
        assert!(err.contains("--ranges") && err.contains(kind) && err.contains("not a regular file"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}

/// A character device to aim exports at: a private twin of /dev/null (1, 3) when this
/// process may make device nodes (root), since a regression run as root would otherwise
/// replace the machine's own /dev/null; else /dev/null itself, which only root could replace.
fn scratch_device(dir: &Path) -> PathBuf {
    let node = dir.join("null-device");
    let c = std::ffi::CString::new(node.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string; mknod only creates a node (it fails without CAP_MKNOD).
    let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) } == 0;
    if made {
        node
    } else {
        PathBuf::from("/dev/null")
    }
}

// 2. export --force replaces special files.
#[test]
fn export_force_never_replaces_devices_pipes_or_symlinks() {
    let d = scratch("special-outputs");
    let device = scratch_device(&d);
    let fifo = d.join("out.json");
    mkfifo(&fifo);
    let link = d.join("stdout.json");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    let capture = sample("icloud.pcap");
    for target in [device.as_path(), fifo.as_path(), link.as_path()] {
        let out = run(
            &["export".as_ref(), capture.as_os_str(), "--json".as_ref(), target.as_os_str(), "--force".as_ref()],
            None,
        );
        let err = text(&out.stderr);
        assert!(!out.status.success() && err.contains("not a regular file"), "{target:?}: {err}");
    }
    assert!(std::fs::symlink_metadata(&device).unwrap().file_type().is_char_device());
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}

fn report_json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    value.as_object_mut().unwrap().remove("file");
    value
}

fn to_pcapng(pcap: &Path, out: &Path) {
    use pcap_file::pcap::PcapReader;
    use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
    use pcap_file::pcapng::blocks::interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption};
    use pcap_file::pcapng::PcapNgWriter;
    let mut reader = PcapReader::new(std::fs::File::open(pcap).unwrap()).unwrap();
    let linktype = reader.header().datalink;
    let mut writer = PcapNgWriter::new(std::fs::File::create(out).unwrap()).unwrap();
    writer
        .write_pcapng_block(InterfaceDescriptionBlock {
            linktype,
            snaplen: 0,
            options: vec![InterfaceDescriptionOption::IfTsResol(9)],
        })
        .unwrap();
    while let Some(packet) = reader.next_packet() {
        let p = packet.unwrap();
        let block = EnhancedPacketBlock {
            interface_id: 0,
            timestamp: p.timestamp,
            original_len: p.orig_len,
            data: p.data,
            options: vec![],
        };
        writer.write_pcapng_block(block).unwrap();
    }
}

// 3. Captures from a pipe.
#[test]
fn pipes_read_exactly_like_the_file_for_pcap_and_pcapng() {
    let pcapng = scratch("pipes").join("icloud.pcapng");
    to_pcapng(&sample("icloud.pcap"), &pcapng);
    for capture in [sample("icloud.pcap"), pcapng] {
        let bytes = std::fs::read(&capture).unwrap();
        let from_file = report_json(&run(&["report".as_ref(), capture.as_os_str(), "--json".as_ref()], None));
        assert!(from_file["capture"]["packets"].as_u64().unwrap() > 1000, "{capture:?}");
        for stdin in ["-", "/dev/stdin"] {
            let piped = report_json(&run_str(&["report", stdin, "--json"], Some(bytes.clone())));
            assert!(piped == from_file, "{capture:?} through {stdin} differs from the file");
        }
    }
}

// 4. CSV formula injection.
#[test]
fn csv_cells_that_spreadsheets_would_run_are_neutralised() {
    let out_dir = scratch("csv-formulas");
    let capture = file("formula-names.pcap");
    let ranges = file("ranges-formula.txt");
    let out = run(
        &[
            "export".as_ref(),
            capture.as_os_str(),
            "--csv".as_ref(),
            out_dir.as_os_str(),
            "--ranges".as_ref(),
            ranges.as_os_str(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut seen_name = false;
    for table in ["flows.csv", "endpoints.csv", "providers.csv"] {
        let mut reader = csv::Reader::from_path(out_dir.join(table)).unwrap();
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "{table}: {cell:?}");
                seen_name |= cell == format!("'{}", paths::FORMULA_NAME);
            }
        }
    }
    assert!(seen_name, "the formula name is exported, quoted");
    let providers = std::fs::read_to_string(out_dir.join("providers.csv")).unwrap();
    assert!(providers.contains("'=HYPERLINK"), "{providers}");
}

#[test]
fn csv_tables_are_all_or_nothing() {
    let d = scratch("csv-all-or-nothing");
    std::fs::create_dir(d.join(csv_export::ENDPOINTS_FILE)).unwrap();
    let snapshot = test_support::fixtures::three_owner_snapshot();
    let err = csv_export::write_csv_dir(&d, &snapshot, &ViewFilter::default(), Overwrite::Replace).unwrap_err();
    assert!(err.to_string().contains(csv_export::ENDPOINTS_FILE), "{err}");
    assert!(!d.join(csv_export::FLOWS_FILE).exists(), "flows.csv must not be written alone");
}

fn assert_no_escapes(what: &str, bytes: &[u8]) {
    let shown = text(bytes);
    assert!(!shown.chars().any(|c| c != '\n' && c.is_control()), "{what} holds control characters: {shown:?}");
}

// 5. Terminal escapes from range files and file names, each on its own so that one
// sanitised path cannot hide another that is not.
#[test]
fn escapes_in_range_file_fields_are_shown_not_obeyed() {
    let capture = file("formula-names.pcap");
    for r in [file("ranges-escapes.txt"), file("ranges-aws-escapes.json")] {
        for shown in
            reports_without_escapes(&["report".as_ref(), capture.as_os_str(), "--ranges".as_ref(), r.as_os_str()])
        {
            assert!(shown.contains("owned"), "the fields are still shown: {shown}");
        }
    }
}

/// Runs `args` as text and as `--json`; each must succeed with no escape on stdout or
/// stderr. Gives both stdouts.
fn reports_without_escapes(args: &[&std::ffi::OsStr]) -> Vec<String> {
    [false, true]
        .into_iter()
        .map(|json| {
            let mut args = args.to_vec();
            if json {
                args.push("--json".as_ref());
            }
            let out = run(&args, None);
            assert!(out.status.success(), "{}", text(&out.stderr));
            assert_no_escapes("stdout", &out.stdout);
            assert_no_escapes("stderr", &out.stderr);
            text(&out.stdout)
        })
        .collect()
}

#[test]
fn escapes_in_the_capture_file_name_are_shown_not_obeyed() {
    let d = scratch("escapes-name");
    let capture = d.join(paths::ESCAPE_NAMED_CAPTURE);
    std::fs::copy(file(paths::ESCAPE_NAMED_CAPTURE), &capture).unwrap();
    for shown in reports_without_escapes(&["report".as_ref(), capture.as_os_str()]) {
        assert!(shown.contains("title-"), "the file is still named");
    }
}

#[test]
fn escapes_in_the_user_range_folder_are_shown_not_obeyed() {
    // Loaded at every start, without any flag.
    let config = scratch("escapes-config");
    std::fs::create_dir_all(config.join("whohosts/ranges")).unwrap();
    std::fs::copy(file("ranges-aws-escapes.json"), config.join("whohosts/ranges/aws.json")).unwrap();
    let out = run_with_config(&["report".as_ref(), file("formula-names.pcap").as_os_str()], None, &config);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("EC2\\x1b]0;owned"), "{}", text(&out.stdout));
    assert_no_escapes("stdout", &out.stdout);
}

#[test]
fn escapes_in_error_messages_are_shown_not_obeyed() {
    let d = scratch("escapes-error");
    let bad = d.join("bad-\u{1b}[2J.txt");
    std::fs::write(&bad, "# provider: x\nnot-a-prefix\u{1b}]0;t\u{7}\n").unwrap();
    let capture = file("formula-names.pcap");
    let out = run(&["report".as_ref(), capture.as_os_str(), "--ranges".as_ref(), bad.as_os_str()], None);
    assert!(!out.status.success());
    assert_no_escapes("stderr", &out.stderr);
    assert!(text(&out.stderr).contains("bad-\\x1b[2J.txt"), "{}", text(&out.stderr));
}

// 6. Permissions.
#[test]
fn exports_follow_the_umask_pcaps_are_private_and_replaced_files_keep_their_mode() {
    use std::os::unix::process::CommandExt;
    let d = scratch("permissions");
    let replaced = d.join("tables.json");
    std::fs::write(&replaced, "old").unwrap();
    std::fs::set_permissions(&replaced, std::fs::Permissions::from_mode(0o600)).unwrap();
    let fresh = d.join("fresh.json");
    let (pcap, pcapng) = (d.join("frames.pcap"), d.join("frames.pcapng"));
    let capture = file("formula-names.pcap");
    // Under umask 027 (not the usual 022, whose result 0644 a fixed mode would also give).
    let export = |json: &Path, pcap: &Path| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_whohosts"));
        command.arg("export").arg(&capture).arg("--json").arg(json).arg("--pcap").arg(pcap).arg("--force");
        // SAFETY: umask is async-signal-safe and touches only the child's own state.
        unsafe {
            command.pre_exec(|| {
                libc::umask(0o027);
                Ok(())
            })
        };
        let out = command.env("XDG_CONFIG_HOME", scratch("config-empty-umask")).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    };
    export(&replaced, &pcap);
    // pcapng (with the names block) goes through its own writer.
    export(&fresh, &pcapng);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&fresh), 0o640, "a new file gets 0666 less the umask");
    assert_eq!(mode(&replaced), 0o600, "a replaced file keeps its permissions");
    assert_eq!(mode(&pcap), 0o600, "payloads are for the owner only");
    assert_eq!(mode(&pcapng), 0o600, "payloads are for the owner only, as pcapng too");
}

// 7. Evasion, one test per way of hiding.
#[test]
fn an_sni_cut_into_a_tiny_first_segment_and_many_backwards_ones_is_found() {
    let tls = analyse(&file("tls-tiny-segments.pcap"));
    let sni = tls.names().endpoint(packets::REMOTE.into()).and_then(|e| e.best_name().map(str::to_string));
    assert_eq!(sni.as_deref(), Some(paths::TINY_SNI));
}

#[test]
fn an_http_host_in_the_third_segment_is_found() {
    let http = analyse(&file("http-host-late.pcap"));
    let host = http.names().endpoint(packets::REMOTE.into()).and_then(|e| e.best_name().map(str::to_string));
    assert_eq!(host.as_deref(), Some(paths::LATE_HOST));
}

#[test]
fn a_flow_first_seen_at_the_servers_reply_keeps_its_server() {
    let dns = analyse(&file("dns-answer-first.pcap"));
    let flow = &dns.flows().flows()[0];
    assert_eq!(flow.remote(), (paths::PUBLIC_RESOLVER.into(), 53));
}

// 8. Smaller points.
#[test]
fn wire_lengths_beyond_belief_are_capped_with_a_warning() {
    let analysis = analyse(&file("wire-len-lies.pcap"));
    let totals = analysis.totals();
    assert_eq!(totals.frames, paths::LYING_FRAMES as u64);
    assert_eq!(totals.bytes, totals.captured_bytes);
    assert!(analysis.warnings().iter().any(|w| w.contains("wire length")), "{:?}", analysis.warnings());
}

#[test]
fn a_missing_output_folder_is_found_before_the_capture_is_read() {
    // /dev/zero as the capture: reading it first would end in "not a capture".
    let out = run_str(&["export", "/dev/zero", "--json", "/no/such/folder/o.json"], None);
    let err = text(&out.stderr);
    assert!(!out.status.success() && err.contains("/no/such/folder") && err.contains("does not exist"), "{err}");
}

#[test]
fn output_names_near_the_file_system_limit_are_written() {
    let d = scratch("long-names");
    let json = d.join(format!("{}.json", "n".repeat(245)));
    let capture = file("formula-names.pcap");
    let out = run(&["export".as_ref(), capture.as_os_str(), "--json".as_ref(), json.as_os_str()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(json.exists());
}

#[test]
fn hide_names_that_match_no_owner_are_warned_about() {
    let json = scratch("unmatched-hide").join("o.json");
    let capture = file("formula-names.pcap");
    let out = run(
        &[
            "export".as_ref(),
            capture.as_os_str(),
            "--json".as_ref(),
            json.as_os_str(),
            "--hide".as_ref(),
            "Amazon Web Servcies".as_ref(),
        ],
        None,
    );
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("--hide Amazon Web Servcies") && err.contains("no owner"), "{err}");
}

#[test]
fn a_piped_pcapng_with_mixed_link_types_says_to_save_it_first() {
    let bytes = std::fs::read(sample("pcapng-mixed-linktypes.pcapng")).unwrap();
    let out = run_str(&["report", "-"], Some(bytes));
    let err = text(&out.stderr);
    assert!(
        !out.status.success() && err.contains("different link types") && err.contains("save it to a file"),
        "{err}"
    );
    let from_file = run(&["report".as_ref(), sample("pcapng-mixed-linktypes.pcapng").as_os_str()], None);
    assert!(from_file.status.success(), "{}", text(&from_file.stderr));
}

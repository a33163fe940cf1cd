// Same discipline as the library: errors are printed once, never panicked.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{CommandFactory, Parser};

use whohosts::cli::{AnalysisArgs, Cli, Command, InterfacesArgs, ReportArgs, ReportInput};
use whohosts::usage;
use whohosts_core::analysis::Analysis;
use whohosts_core::capture::{list_interfaces, local_policy_for};
use whohosts_core::ingest::live::{capture_into, save_after_end, LiveCapture};
use whohosts_core::ingest::{analyse_input, Progress};
use whohosts_core::input::Input;
use whohosts_core::report::{write_text, LiveRecord, Report};
use whohosts_core::terminal::{terminal_safe, terminal_safe_lines, SafeJsonWriter};

mod display;
mod generate;

fn main() -> ExitCode {
    if let Some(code) = generate::intercept() {
        return code;
    }
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("whohosts: {}", terminal_safe(&format!("{e:#}")));
            if usage::is_usage(&e) {
                eprintln!("\nFor more information, try '--help'.");
            }
            ExitCode::from(usage::exit_code(&e))
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(error) = usage::misspelt_command_error(&mut Cli::command(), &args) {
        error.exit();
    }
    let cli = Cli::parse_from(args);
    if matches!(cli.command, Some(Command::Export(_))) {
        // Mesa's Vulkan device-select layer complains about XDG_RUNTIME_DIR on headless
        // machines; off-screen rendering does not need it. No threads exist yet.
        std::env::set_var("NODEVICE_SELECT", "1");
    }
    match cli.command {
        Some(Command::Report(args)) => report(&args),
        Some(Command::Interfaces(args)) => interfaces(&args),
        Some(Command::Export(args)) => whohosts::export_command::run_export(&args).map(|()| ExitCode::SUCCESS),
        None => {
            let live = cli.live.map(|interface| (interface, cli.filter));
            window(cli.file, cli.screenshot, live, cli.window_size, &cli.analysis)
        }
    }
}

/// Opens the window, on `file` or capturing on `live` when given; with `screenshot`, saves it as a PNG and exits.
fn window(
    file: Option<std::path::PathBuf>,
    screenshot: Option<std::path::PathBuf>,
    live: Option<(String, Option<String>)>,
    window_size: Option<(u32, u32)>,
    analysis: &AnalysisArgs,
) -> anyhow::Result<ExitCode> {
    let config = analysis.to_config()?;
    display::check().map_err(anyhow::Error::msg)?;
    display::quiet_graphics();
    let ephemeral = screenshot.is_some();
    let launch = whohosts_app::Launch { file, screenshot, ephemeral, config, live, window_size };
    let warning = whohosts_app::run_window(launch).map_err(|e| anyhow::Error::msg(display::explain(e)))?;
    if let Some(warning) = warning {
        eprintln!("whohosts: warning: {}", terminal_safe(&warning));
    }
    Ok(ExitCode::SUCCESS)
}

/// Files smaller than this read too fast for a progress bar to help.
const PROGRESS_MIN_BYTES: u64 = 64 << 20;

fn report(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let files = match args.input().map_err(usage::usage)? {
        ReportInput::Files(files) => files,
        ReportInput::Live { interface, filter, duration, write } => {
            let mut capture = LiveCapture::new(&interface);
            capture.source.filter = filter;
            capture.duration = Some(duration);
            // Frames are only kept on disk when they are to be written.
            capture.spill_dir = capture.spill_dir.filter(|_| write.is_some());
            return live_report(args, &capture, write);
        }
    };
    let input = Input::detect(&files)?;
    let (config, mut ranges) = args.analysis.to_config_loading_ranges()?;
    let bar = progress_bar(input.paths());
    let analysis = analyse_input(&input, config, |p: &Progress, _| {
        if let Some(bar) = &bar {
            bar.set_position(p.position);
        }
        if ranges.failed() {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    // A bad range file is the error to report, even when reading stopped because of it.
    let providers = ranges.wait().map_err(anyhow::Error::msg)?;
    let mut analysis = analysis?;
    analysis.set_providers(Arc::new(providers));
    let report = Report::build(&input.describe(), &analysis);
    let printed = print_report(args, &report);
    // The process ends next: handing a million allocations back one by one would only add
    // a tenth of a second to every report of a large capture.
    std::mem::forget(report);
    std::mem::forget(analysis);
    printed
}

/// Captures for the given duration, then reports like a file (with the packet counters).
fn live_report(
    args: &ReportArgs,
    capture: &LiveCapture,
    write: Option<std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    let interface = &capture.source.interface;
    let mut config = args.analysis.to_config()?;
    if args.analysis.local.is_none() {
        config.local = local_policy_for(interface);
    }
    let mut analysis = Analysis::new(config);
    // Nothing sends commands here; the capture ends at its duration.
    let (_commands, command_rx) = std::sync::mpsc::channel();
    let mut announced = false;
    let mut end = capture_into(capture, &mut analysis, &command_rx, |_, _| {
        if !announced {
            announced = true;
            let seconds = capture.duration.unwrap_or_default().as_secs_f64();
            eprintln!("whohosts: capturing on {} for {seconds} s ...", terminal_safe(interface));
        }
        ControlFlow::Continue(())
    })?;
    let seconds = end.elapsed.as_secs_f64();
    if let Some(e) = &end.error {
        analysis.note(e.to_string());
    }
    analysis.finish();
    let saved = match write {
        Some(path) => Some(save_after_end(&mut end, path)?),
        None => None,
    };
    let mut report = Report::build(&format!("live:{interface}"), &analysis);
    let live = LiveRecord {
        interface: interface.clone(),
        filter: capture.source.filter.clone(),
        seconds,
        stats: end.stats,
        packets_per_second: end.stats.analysed as f64 / seconds.max(1e-9),
        saved,
    };
    eprintln!("whohosts: {}", terminal_safe(&live.summary()));
    report.live = Some(live);
    print_report(args, &report)
}

/// Prints the report; names, file names and range-file fields in it go through the
/// terminal sanitiser first.
fn print_report(args: &ReportArgs, report: &Report) -> anyhow::Result<ExitCode> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, unbuffered_stdout());
    if args.json {
        // Streamed: the document of a large capture is tens of megabytes.
        if args.pretty {
            let mut safe = SafeJsonWriter::new(&mut out);
            write_json(&mut safe, report, true)?;
            safe.flush()?;
        } else {
            // Safe to print as written.
            report.write_json(&mut out).context("writing JSON")?;
        }
        writeln!(out)?;
    } else {
        let mut text = Vec::new();
        write_text(report, args.top, &mut text)?;
        out.write_all(terminal_safe_lines(&String::from_utf8_lossy(&text)).as_bytes())?;
    }
    out.flush()?;
    for warning in &report.warnings {
        eprintln!("whohosts: warning: {}", terminal_safe(warning));
    }
    Ok(ExitCode::SUCCESS)
}

/// Standard output written as it is given: std's handle is line-buffered, and searched each
/// block of a large JSON report (hundreds of megabytes) for a newline before writing it.
fn unbuffered_stdout() -> Box<dyn Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let _ = std::io::stdout().flush();
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout().lock())
}

/// `whohosts interfaces`: what can be captured on, as the app lists it.
fn interfaces(args: &InterfacesArgs) -> anyhow::Result<ExitCode> {
    let list = list_interfaces()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        write_json(&mut out, &list, args.pretty)?;
        writeln!(out)?;
    } else {
        for i in &list {
            let mut state = vec![if i.up { "up" } else { "down" }];
            if i.running {
                state.push("running");
            }
            if i.loopback {
                state.push("loopback");
            }
            if i.wireless {
                state.push("wireless");
            }
            let description = i.description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
            writeln!(out, "{}{description} [{}]", i.name, state.join(", "))?;
            for net in i.networks() {
                writeln!(out, "    {net}")?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_json(out: impl Write, value: &impl serde::Serialize, pretty: bool) -> anyhow::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(out, value).context("writing JSON")
    } else {
        serde_json::to_writer(out, value).context("writing JSON")
    }
}

fn progress_bar(paths: &[std::path::PathBuf]) -> Option<indicatif::ProgressBar> {
    let size: u64 =
        paths.iter().filter_map(|p| std::fs::metadata(p).ok()).filter(|m| m.is_file()).map(|m| m.len()).sum();
    if size < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bytes}/{total_bytes} {wide_bar} {bytes_per_sec} {eta} left").ok()?,
    );
    Some(bar)
}

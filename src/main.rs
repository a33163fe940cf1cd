// Same discipline as the library: errors are printed once, never panicked.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use whohosts::cli::{Cli, Command, ReportArgs};
use whohosts::ingest::{analyse_file, Progress};
use whohosts::report::{write_text, Report};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("whohosts: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Report(args)) => report(&args),
        None => match cli.file {
            Some(file) => report(&ReportArgs {
                file,
                json: false,
                top: 20,
                analysis: whohosts::cli::AnalysisArgs {
                    local: None,
                    ranges: Vec::new(),
                    no_ranges: false,
                    no_names: false,
                },
            }),
            None => anyhow::bail!("give a capture file: whohosts report FILE"),
        },
    }
}

/// Files smaller than this read too fast for a progress bar to help.
const PROGRESS_MIN_BYTES: u64 = 64 << 20;

fn report(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let config = args.analysis.to_config().map_err(anyhow::Error::msg)?;
    let bar = progress_bar(&args.file);
    let analysis = analyse_file(&args.file, config, |p: &Progress, _| {
        if let Some(bar) = &bar {
            bar.set_position(p.position);
        }
        ControlFlow::Continue(())
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let analysis = analysis?;
    let report = Report::build(&args.file.display().to_string(), &analysis);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &report).context("writing JSON")?;
        writeln!(out)?;
    } else {
        write_text(&report, args.top, &mut out)?;
    }
    out.flush()?;
    for warning in &report.warnings {
        eprintln!("whohosts: warning: {warning}");
    }
    Ok(ExitCode::SUCCESS)
}

fn progress_bar(path: &std::path::Path) -> Option<indicatif::ProgressBar> {
    let size = std::fs::metadata(path).ok()?.len();
    if size < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bytes}/{total_bytes} {wide_bar} {bytes_per_sec} {eta} left").ok()?,
    );
    Some(bar)
}

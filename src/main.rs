use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use whohosts::cli::{AnalysisArgs, Cli, Command, ReportArgs};
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
        None => window(cli.file, cli.screenshot, &cli.analysis),
    }
}

/// Opens the window, on `file` when given; with `screenshot`, saves it as a PNG and exits.
fn window(
    file: Option<std::path::PathBuf>,
    screenshot: Option<std::path::PathBuf>,
    analysis: &AnalysisArgs,
) -> anyhow::Result<ExitCode> {
    let config = analysis.to_config().map_err(anyhow::Error::msg)?;
    let ephemeral = screenshot.is_some();
    let launch = whohosts::ui::Launch { file, screenshot, ephemeral, config };
    let warning = whohosts::ui::run_window(launch).map_err(anyhow::Error::msg)?;
    if let Some(warning) = warning {
        eprintln!("whohosts: warning: {warning}");
    }
    Ok(ExitCode::SUCCESS)
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

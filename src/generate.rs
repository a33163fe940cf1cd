//! `whohosts generate man|bash|zsh|fish|all DIR`: writes the man pages and shell completions
//! from the clap definitions, for `make install` and the .deb. Hidden: it is not part of
//! `Cli`, so it shows up neither in `--help` nor in the man page it writes.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, Parser, ValueEnum};
use clap_complete::Shell;
use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;

use whohosts::cli::Cli;

#[derive(Debug, Parser)]
#[command(name = "whohosts generate", about = "Write the man pages or a shell completion script")]
struct GenerateArgs {
    /// What to write: `man` writes whohosts.1 and a page per subcommand; `all` writes
    /// DIR/man1/ and DIR/completions/.
    what: What,
    /// The directory to write into (created when missing).
    dir: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum What {
    Man,
    Bash,
    Zsh,
    Fish,
    All,
}

/// Runs `whohosts generate ...` when that is what was asked for; `None` otherwise.
pub fn intercept() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next()? != "generate" {
        return None;
    }
    let rest = std::iter::once(OsString::from("whohosts generate")).chain(args);
    let parsed = GenerateArgs::parse_from(rest);
    Some(match run(&parsed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("whohosts: {e:#}");
            ExitCode::FAILURE
        }
    })
}

fn run(args: &GenerateArgs) -> anyhow::Result<()> {
    let dir = &args.dir;
    match args.what {
        What::Man => man_pages(dir),
        What::Bash => completion(Shell::Bash, dir),
        What::Zsh => completion(Shell::Zsh, dir),
        What::Fish => completion(Shell::Fish, dir),
        What::All => {
            man_pages(&dir.join("man1"))?;
            for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
                completion(shell, &dir.join("completions"))?;
            }
            Ok(())
        }
    }
}

/// `whohosts.bash`, `_whohosts` or `whohosts.fish` in `dir`.
fn completion(shell: Shell, dir: &Path) -> anyhow::Result<()> {
    create_dir(dir)?;
    let mut cmd = Cli::command();
    clap_complete::generate_to(shell, &mut cmd, "whohosts", dir)
        .with_context(|| format!("writing the {shell} completion into {}", dir.display()))?;
    Ok(())
}

/// `whohosts.1` (with examples, files and environment) and `whohosts-SUBCOMMAND.1` in `dir`.
fn man_pages(dir: &Path) -> anyhow::Result<()> {
    create_dir(dir)?;
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        Man::new(sub.clone())
            .manual("whohosts manual")
            .generate_to(dir)
            .with_context(|| format!("writing the man page of {} into {}", sub.get_name(), dir.display()))?;
    }
    let path = dir.join("whohosts.1");
    let mut out = Vec::new();
    main_page(cmd, &mut out)?;
    std::fs::write(&path, out).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn main_page(cmd: clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    let subcommands: Vec<String> =
        cmd.get_subcommands().filter(|s| !s.is_hide_set()).map(|s| format!("whohosts-{}", s.get_name())).collect();
    let man = Man::new(cmd).manual("whohosts manual");
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    let mut roff = Roff::default();
    roff.control("SH", ["DESCRIPTION"]);
    roff.text([roman(
        "whohosts reads a packet capture (pcap or pcapng) and works out every flow, the names behind \
         each remote address as the capture itself reveals them (DNS answers with their CNAME chains, \
         TLS and QUIC SNI, HTTP Host) and who owns each address (a cloud provider with service and \
         region, or at least its AS), with the evidence for every attribution.",
    )]);
    roff.control("PP", []);
    roff.text([
        roman("Without a subcommand it opens the window, on "),
        italic("FILE"),
        roman(" when given. The subcommands "),
        bold("report"),
        roman(" and "),
        bold("export"),
        roman(" need no display. whohosts makes no network request."),
    ]);
    roff.to_writer(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;

    let mut roff = Roff::default();
    roff.control("SH", ["EXAMPLES"]);
    for (command, what) in [
        ("whohosts capture.pcapng", "Open a capture in the window."),
        ("whohosts report capture.pcap", "Print the providers, top endpoints with their evidence, and top flows."),
        ("whohosts report --json capture.pcap", "The same, with every flow and endpoint, as JSON."),
        (
            "whohosts export capture.pcap --png figure.png --scale 2",
            "Draw the graph and timeline as a figure, without a display.",
        ),
        ("whohosts report --live eth0 --duration 10s", "Capture for ten seconds, then report."),
    ] {
        roff.control("TP", []);
        roff.text([bold(command)]);
        roff.text([roman(what)]);
    }
    roff.control("SH", ["FILES"]);
    roff.control("TP", []);
    roff.text([
        italic("$XDG_CONFIG_HOME/whohosts/ranges/"),
        roman(" (default "),
        italic("~/.config/whohosts/ranges/"),
        roman(")"),
    ]);
    roff.text([roman(
        "Range files loaded at every start, over the shipped snapshot: AWS ip-ranges.json, Azure \
         ServiceTags_Public_*.json, Google Cloud cloud.json, Oracle public_ip_ranges.json, or a plain \
         CIDR list with a \"# provider: NAME\" line.",
    )]);
    roff.control("SH", ["CAPTURE PRIVILEGES"]);
    roff.text([
        roman("Live capture needs root or the capabilities, given once: "),
        bold("sudo setcap cap_net_raw,cap_net_admin=eip \"$(command -v whohosts)\""),
    ]);
    roff.control("SH", ["EXIT STATUS"]);
    roff.text([roman(
        "0 on success, also for a capture cut mid-record (what was read before the cut is kept, with a \
         warning); 1 on an error, which is printed once with the file and the problem.",
    )]);
    roff.control("SH", ["SEE ALSO"]);
    let mut see_also: Vec<String> = subcommands.iter().map(|s| format!("{s}(1)")).collect();
    see_also.extend(["tcpdump(8)".to_string(), "pcap-filter(7)".to_string()]);
    roff.text([roman(see_also.join(", "))]);
    roff.to_writer(out)?;
    man.render_version_section(out)
}

fn create_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

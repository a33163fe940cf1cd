//! Exit codes: 0 success, 1 a runtime error (a file that cannot be read, an output that
//! cannot be written), 2 a usage error (options that do not fit together or a bad value),
//! as clap already does for the errors it finds itself.

use std::ffi::OsString;
use std::fmt;
use std::path::Path;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The exit code of a runtime error.
pub const RUNTIME_ERROR: u8 = 1;
/// The exit code of a usage error (clap's too).
pub const USAGE_ERROR: u8 = 2;

/// An option the user can fix by changing the command line: exits 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A usage error as an `anyhow::Error`, for `?` and `return Err(...)`.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// Whether the error, or anything it wraps, is a usage error.
pub fn is_usage(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| cause.is::<UsageError>())
}

/// The exit code for an error.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if is_usage(error) {
        USAGE_ERROR
    } else {
        RUNTIME_ERROR
    }
}

/// `whohosts reprot x`: the first argument is not an option, not a file and looks like one of
/// the `commands` misspelt. Returns the word and the command it probably meant. (Without this
/// check the word would be taken for a capture to open in the window.)
pub fn misspelt_command(args: &[OsString], commands: &[&str]) -> Option<(String, String)> {
    let word = args.get(1)?.to_str()?;
    if word.starts_with('-') || word.len() < 3 || Path::new(word).exists() || commands.contains(&word) {
        return None;
    }
    commands
        .iter()
        .map(|command| (strsim::damerau_levenshtein(word, command), *command))
        .filter(|(distance, command)| *distance <= 2 && *distance < command.len() / 2 + 1)
        .min()
        .map(|(_, command)| (word.to_string(), command.to_string()))
}

/// The error clap itself gives for an unknown subcommand, with its "a similar subcommand
/// exists" tip, when the first argument is a misspelt command of `command`.
pub fn misspelt_command_error(command: &mut clap::Command, args: &[OsString]) -> Option<clap::Error> {
    let names: Vec<String> =
        command.get_subcommands().map(|c| c.get_name().to_string()).chain(["help".into()]).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let (word, meant) = misspelt_command(args, &names)?;
    let mut error = clap::Error::new(ErrorKind::InvalidSubcommand).with_cmd(command);
    error.insert(ContextKind::InvalidSubcommand, ContextValue::String(word));
    error.insert(ContextKind::SuggestedSubcommand, ContextValue::Strings(vec![meant]));
    error.insert(ContextKind::Usage, ContextValue::StyledStr(command.render_usage()));
    Some(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        std::iter::once("whohosts").chain(list.iter().copied()).map(OsString::from).collect()
    }

    const COMMANDS: &[&str] = &["report", "export", "interfaces", "help"];

    #[test]
    fn a_misspelt_command_is_recognised() {
        assert_eq!(misspelt_command(&args(&["reprot", "x"]), COMMANDS), Some(("reprot".into(), "report".into())));
        assert_eq!(misspelt_command(&args(&["exprot"]), COMMANDS), Some(("exprot".into(), "export".into())));
        assert_eq!(misspelt_command(&args(&["interface"]), COMMANDS), Some(("interface".into(), "interfaces".into())));
    }

    #[test]
    fn files_options_and_real_commands_are_left_alone() {
        assert_eq!(misspelt_command(&args(&["report", "x"]), COMMANDS), None);
        assert_eq!(misspelt_command(&args(&["--json"]), COMMANDS), None);
        assert_eq!(misspelt_command(&args(&["capture.pcap"]), COMMANDS), None);
        assert_eq!(misspelt_command(&args(&[]), COMMANDS), None);
        // An existing file with a command-like name is a file.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("reprot");
        std::fs::write(&file, b"").unwrap();
        assert_eq!(misspelt_command(&args(&[file.to_str().unwrap()]), COMMANDS), None);
    }

    #[test]
    fn usage_errors_are_found_through_context() {
        use anyhow::Context;
        let plain = anyhow::anyhow!("disk full");
        assert_eq!(exit_code(&plain), RUNTIME_ERROR);
        let wrapped = Err::<(), _>(usage("--scale 9 is out of range")).context("export").unwrap_err();
        assert_eq!(exit_code(&wrapped), USAGE_ERROR);
    }
}

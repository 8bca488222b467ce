//! The library behind the `rpscope` binary: each command's logic, so that tests
//! and benchmarks drive exactly what users run. `main.rs` only parses arguments.

pub mod adapter;
pub mod android_origin;
#[cfg(feature = "browser")]
pub mod browser;
pub mod check;
pub mod conformance;
pub mod corpus;
pub mod input;
pub mod lint;
pub mod matrix;
pub mod probe;
#[cfg(feature = "browser")]
pub mod psl_snapshot;
pub mod sarif;
pub mod site;
pub mod verify;

use rpscope_core::Verdict;
use serde::Serialize;
use std::fmt;
use std::io::{self, Write};

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Accept, or a run with no finding.
    Success = 0,
    /// Reject, or a run with a finding.
    Finding = 1,
    /// The target could not be run, or the run was interrupted: the report says why and
    /// every case it did not decide is an `error` result. For `probe`: a document could
    /// not be fetched at all (the report says why).
    Stopped = 3,
}

impl Exit {
    /// Accept is success, reject is a finding.
    pub fn from_verdict(v: Verdict) -> Exit {
        match v {
            Verdict::Accept => Exit::Success,
            Verdict::Reject => Exit::Finding,
        }
    }
}

/// Why a command could not do its job: printed on stderr, with [`CliError::exit_code`].
#[derive(Debug)]
#[non_exhaustive]
pub enum CliError {
    /// The command line or an input is wrong.
    Input(String),
    /// Reading or writing failed.
    Io {
        /// What was being done (`read rp.toml`, `write the report`).
        what: String,
        /// The failure.
        source: io::Error,
    },
    /// The browser oracle could not run.
    #[cfg(feature = "browser")]
    Browser(rpscope_browser::Error),
}

impl CliError {
    /// An input or usage error with this message.
    pub fn new(message: impl Into<String>) -> CliError {
        CliError::Input(message.into())
    }

    /// An I/O failure while doing `what`.
    pub fn io(what: &str, source: io::Error) -> CliError {
        CliError::Io {
            what: what.to_owned(),
            source,
        }
    }

    /// The process exit code: 2, usage or input error (see the README's exit codes).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) | CliError::Io { .. } => 2,
            #[cfg(feature = "browser")]
            CliError::Browser(_) => 2,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(message) => f.write_str(message),
            CliError::Io { what, source } => write!(f, "could not {what}: {source}"),
            #[cfg(feature = "browser")]
            CliError::Browser(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::Io { source, .. } => Some(source),
            #[cfg(feature = "browser")]
            CliError::Browser(e) => Some(e),
            CliError::Input(_) => None,
        }
    }
}

/// Writes to standard output with `write`, then flushes. A reader that went away
/// (`| head -c1`, EPIPE) is not an error: nothing is left to tell it. Any other
/// failure (`> /dev/full`, ENOSPC) is, with `what` in the message.
pub fn write_stdout(
    what: &str,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| CliError::io(what, e)),
    }
}

/// Prints one verdict: its JSON line when `json`, else the human text.
pub fn print_verdict(
    json: bool,
    line: &impl Serialize,
    human: impl fmt::Display,
) -> Result<(), CliError> {
    write_stdout("write the verdict", |out| {
        if json {
            serde_json::to_writer(&mut *out, line)?;
            writeln!(out)
        } else {
            writeln!(out, "{human}")
        }
    })
}

/// Prints generated files (`(file name, text)`) on stdout, or writes each into
/// `dir` and says so on stderr.
pub fn print_or_write(
    files: &[(&str, String)],
    dir: Option<&std::path::Path>,
) -> Result<Exit, CliError> {
    let Some(dir) = dir else {
        write_stdout("write the files", |out| {
            files
                .iter()
                .try_for_each(|(_, text)| out.write_all(text.as_bytes()))
        })?;
        return Ok(Exit::Success);
    };
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| CliError::new(format!("cannot write {}: {e}", path.display())))?;
        let _ = writeln!(io::stderr(), "wrote {}", path.display());
    }
    Ok(Exit::Success)
}

/// The longest `--timeout` accepted, in seconds: one hour.
pub const MAX_TIMEOUT_SECONDS: f64 = 3600.0;

/// Parses `--timeout SECONDS`: a number with 0 < seconds <= [`MAX_TIMEOUT_SECONDS`].
///
/// ```
/// assert_eq!(rpscope_cli::timeout_seconds("2.5"), Ok(2.5));
/// assert!(rpscope_cli::timeout_seconds("18446744073709551615").is_err());
/// ```
pub fn timeout_seconds(text: &str) -> Result<f64, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if seconds.is_finite() && seconds > 0.0 && seconds <= MAX_TIMEOUT_SECONDS {
        Ok(seconds)
    } else {
        Err(format!(
            "`{text}` is out of range: a timeout is more than 0 and at most {MAX_TIMEOUT_SECONDS} seconds"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_positive_finite_and_at_most_an_hour() {
        assert_eq!(timeout_seconds("10"), Ok(10.0));
        assert_eq!(timeout_seconds("0.001"), Ok(0.001));
        assert_eq!(timeout_seconds("3600"), Ok(3600.0));
        for bad in [
            "0",
            "-1",
            "3600.5",
            "18446744073709551615",
            "1e300",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "",
            "ten",
        ] {
            let err = timeout_seconds(bad).unwrap_err();
            assert!(err.contains(&format!("`{bad}`")), "{bad}: {err}");
        }
    }
}

//! What the example commands do alike: write to standard output and standard error without
//! panicking when either is closed, and end with an exit status a script can act on.
//!
//! A closed pipe on standard output (`audit ... | head -1`) ends the command quietly with
//! status 141, what a shell reports for a command stopped by `SIGPIPE` (as `cat` or `grep`
//! would be); a closed standard error loses the messages, never the run.

use std::fmt;
use std::io::{self, Write as _};
use std::process::ExitCode;

/// The status of a command whose output pipe was closed: 128 + `SIGPIPE` (13).
pub const BROKEN_PIPE: u8 = 141;

/// Why a command stopped before it finished.
#[derive(Debug)]
pub enum Failure {
    /// Writing the output failed (a closed pipe, a full disk).
    Output(io::Error),
    /// The run itself failed: bad arguments, unreadable input, rules with errors.
    Run(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Output(e)
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Run(message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Output(e) => write!(f, "cannot write output: {e}"),
            Failure::Run(message) => f.write_str(message),
        }
    }
}

/// Writes a line to standard error; a closed or broken standard error is ignored.
pub fn warn(args: fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args);
    let _ = err.write_all(b"\n");
}

/// The exit status of a run: its own, 141 for a closed output pipe (quietly), or 2 with the
/// reason on standard error.
pub fn finish(command: &str, result: Result<ExitCode, Failure>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::from(BROKEN_PIPE)
        }
        Err(failure) => {
            warn(format_args!("{command}: {failure}"));
            ExitCode::from(2)
        }
    }
}

//! What the example commands do alike: write to standard output and standard error without
//! panicking when either is closed, and end with an exit status a script can act on.
//!
//! A closed pipe on standard output (`audit ... | head -1`) ends the command quietly with
//! status 141, what a shell reports for a command stopped by `SIGPIPE` (as `cat` or `grep`
//! would be); a closed standard error loses the messages, never the run.

use std::fmt;
use std::io::{self, Write as _};
use std::process::ExitCode;

use anstream::stream::RawStream;
use anstream::{AutoStream, ColorChoice};
use export_control::LoadError;
use export_control::render::Style;

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

/// Whether text written to `stream` gets colours, by `anstream`'s rules: only on a terminal,
/// never with `NO_COLOR` set or `CLICOLOR=0`, always with `CLICOLOR_FORCE`.
pub fn colours<S: RawStream>(stream: &S) -> bool {
    AutoStream::choice(stream) != ColorChoice::Never
}

/// The library's rendering style for text written to `stream` (see [`colours`]).
pub fn style_for<S: RawStream>(stream: &S) -> Style {
    if colours(stream) {
        Style::Colour
    } else {
        Style::Plain
    }
}

/// Why `what` (rule files, licence registers) could not be loaded: every error rendered by the
/// library as rustc renders its own (`file:line:col`, the source line, a caret, the hint),
/// then their count.
pub fn load_errors(e: &LoadError, what: &str, style: Style) -> String {
    match e {
        LoadError::Invalid(errors) => {
            let mut text = String::new();
            for error in errors.as_slice() {
                text.push_str(&error.render(style));
                text.push_str("\n\n");
            }
            text.push_str(&format!(
                "{} error(s) in {what}: nothing was checked",
                errors.as_slice().len()
            ));
            text
        }
        other => other.to_string(),
    }
}

/// A load failure, for standard error (coloured when it is a terminal).
pub fn load_failure(e: &LoadError, what: &str) -> Failure {
    Failure::Run(load_errors(e, what, style_for(&io::stderr())))
}

//! `export-control`: the command an analyst installs (`cargo install --path . --features cli`).
//!
//! ```text
//! export-control audit --rules rules --shipments FILE [--format jsonl|json|table|markdown|html] ...
//! export-control rules test [PATH] [--coverage]
//! export-control rules lint [PATH] [--format text|json]
//! export-control impact --old RULES --new RULES --shipments FILE
//! export-control screen --rules rules --names FILE
//! export-control completions bash|zsh|fish|elvish|powershell
//! export-control man [--dir DIR]
//! ```
//!
//! Each subcommand is a module beside this file; the examples `audit`, `rules`, `impact` and
//! `screen` include the same modules, so `cargo run --example audit -- ...` and
//! `export-control audit ...` are the same program.

mod audit;
mod cli;
mod dates;
mod impact;
mod rules;
mod screen;

use std::io::{self, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};

/// What every subcommand promises, shown by `export-control --help`.
const CONTRACT: &str = "\
Every record read gets exactly one verdict, in input order: records in = verdicts out. A \
verdict is `prohibited`, `license_required`, `review` or `allowed` (the most severe of the \
rules that fire), or `invalid` for a record that cannot be read: a record the engine cannot \
evaluate is never allowed. Each verdict names the rule, its file and line, the legal act it \
cites, and the fields of the record and their values that met it, under the rule book's \
SHA-256 digest (the same inputs and rules give the same bytes). The JSON forms follow \
docs/verdict.schema.json (`schema_version` 1).";

/// The exit statuses, the same for every subcommand.
const EXIT_STATUS: &str = "\
Exit status:
  0    the run finished and found nothing at the level asked (`audit --fail-on`, a failed test \
case, a lint finding above info, a changed verdict, a match)
  1    the run finished and found something at that level (or an invalid record)
  2    the run failed: bad arguments, an input that cannot be read to its end, rules with errors
  141  the output pipe was closed (as for any command stopped by SIGPIPE)

Colours only on a terminal, never with NO_COLOR set.";

/// Export-control rule files in, explainable shipment verdicts out.
#[derive(Parser, Debug)]
#[command(
    name = "export-control",
    version,
    about,
    long_about = format!("Export-control rule files in, explainable shipment verdicts out.\n\n{CONTRACT}"),
    after_help = EXIT_STATUS,
    propagate_version = true
)]
struct Command {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Subcommand, Debug)]
enum Sub {
    /// Audit a file of shipments: every record's verdict with its reasons, a summary, a report.
    Audit(audit::Args),
    /// Test and lint rule files.
    Rules(rules::Args),
    /// List the shipments whose verdict changes between two versions of the rules.
    Impact(impact::Args),
    /// Screen names against the party lists of a rule book (JSON Lines).
    Screen(screen::Args),
    /// Print a completion script for a shell (`export-control completions bash > ...`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output, or write one page per subcommand.
    Man {
        /// Write `export-control.1` and a page per subcommand (`export-control-audit.1`, ...)
        /// into this directory instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Command::parse().command {
        Sub::Audit(args) => audit::main(&args),
        Sub::Rules(args) => rules::main(args),
        Sub::Impact(args) => impact::main(&args),
        Sub::Screen(args) => screen::main(&args),
        Sub::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Command::command(), "export-control", &mut out);
            cli::finish("completions", write_out(&out))
        }
        Sub::Man { dir } => cli::finish("man", man(dir)),
    }
}

/// The manual page: to standard output, or every page into `dir`.
fn man(dir: Option<PathBuf>) -> Result<ExitCode, cli::Failure> {
    match dir {
        Some(dir) => {
            clap_mangen::generate_to(Command::command(), &dir).map_err(|e| {
                format!(
                    "cannot write the manual pages into `{}`: {e}",
                    dir.display()
                )
            })?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Command::command()).render(&mut out)?;
            write_out(&out)
        }
    }
}

/// Writes `bytes` to standard output.
fn write_out(bytes: &[u8]) -> Result<ExitCode, cli::Failure> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argument_definitions_are_consistent() {
        Command::command().debug_assert();
    }
}

//! Tools for rule authors: run the test cases beside the rules, lint the rules.
//!
//! ```text
//! cargo run --example rules -- test [PATH] [--coverage]
//! cargo run --example rules -- lint [PATH] [--format text|json]
//! ```
//!
//! `PATH` is a rules directory or file (default `rules`). Exit status: 0 when all is well; 1 when
//! a case fails or the linter finds something above `info`; 2 when the rules cannot be loaded
//! (errors are shown like rustc's, with the source line and a caret); 141 when the output pipe
//! is closed.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use export_control::lint::{self, Severity};
use export_control::render::Style;
use export_control::testing::TestReport;
use export_control::{LoadError, Rulebook};

use crate::cli;

/// The exit statuses of the rules tools, for `--help`.
pub const EXIT_STATUS: &str = "\
Exit status:
  0    every case passed; the linter found nothing above info
  1    a case failed, or the linter found a warning or an error
  2    the rules cannot be loaded (errors shown like rustc's, with the source line and a caret)
  141  the output pipe was closed";

/// Test and lint export-control rule files.
#[derive(Parser, Debug)]
#[command(version, about, after_help = EXIT_STATUS)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run every test case (`*.tests.toml` and `[[test]]` tables) against its rule set.
    Test {
        /// Rules directory or file.
        #[arg(default_value = "rules")]
        path: PathBuf,
        /// Report which rules and conditions the cases exercised.
        #[arg(long)]
        coverage: bool,
    },
    /// Find rules that can never fire, shadowed rules, unknown HS codes, missing citations and
    /// untested rules.
    Lint {
        /// Rules directory or file.
        #[arg(default_value = "rules")]
        path: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn style() -> Style {
    cli::style_for(&io::stdout())
}

type Out<'a> = io::StdoutLock<'a>;

fn report_load_error(out: &mut Out<'_>, e: &LoadError) -> io::Result<()> {
    match e {
        LoadError::Invalid(_) => writeln!(out, "{}", cli::load_errors(e, "rule files", style())),
        other => writeln!(out, "error: {other}"),
    }
}

/// Loads the rule book and runs its test cases, printing load errors rustc-style; `Err` with the
/// exit status when they cannot be loaded.
fn load_and_test(
    out: &mut Out<'_>,
    path: &PathBuf,
) -> Result<Result<(Rulebook, TestReport), ExitCode>, cli::Failure> {
    let loaded = Rulebook::load(path).and_then(|book| {
        let cases = book.test_cases()?;
        Ok((book, cases))
    });
    match loaded {
        Ok((book, cases)) => {
            let report = export_control::testing::run_tests(&book, &cases);
            Ok(Ok((book, report)))
        }
        Err(e) => {
            report_load_error(out, &e)?;
            Ok(Err(ExitCode::from(2)))
        }
    }
}

fn test(out: &mut Out<'_>, path: &PathBuf, coverage: bool) -> Result<ExitCode, cli::Failure> {
    let (_, report) = match load_and_test(out, path)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    for result in &report.results {
        let status = if result.passed() { "ok" } else { "FAILED" };
        writeln!(
            out,
            "test {} {} ... {status}",
            result.case.location(),
            result.case.name()
        )?;
    }
    let failures: Vec<_> = report.failures().collect();
    for result in &failures {
        writeln!(
            out,
            "\n---- {} ({}) ----",
            result.case.name(),
            result.case.location()
        )?;
        for (what, expected, actual) in &result.mismatches {
            writeln!(
                out,
                "{what}:\n  - expected: {expected}\n  + actual:   {actual}"
            )?;
        }
        writeln!(out, "explanation:")?;
        for line in result.verdict.to_string().lines() {
            writeln!(out, "  {line}")?;
        }
    }
    writeln!(
        out,
        "\n{} passed; {} failed; {} cases",
        report.results.len() - failures.len(),
        failures.len(),
        report.results.len()
    )?;
    if coverage {
        print_coverage(out, &report)?;
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_coverage(out: &mut Out<'_>, report: &TestReport) -> io::Result<()> {
    let rules = report.coverage.len();
    let exercised = report.coverage.iter().filter(|c| c.exercised > 0).count();
    let conditions: usize = report.coverage.iter().map(|c| c.conditions.len()).sum();
    let both: usize = report
        .coverage
        .iter()
        .flat_map(|c| &c.conditions)
        .filter(|c| c.seen_true && c.seen_false)
        .count();
    let percent = |n: usize, d: usize| {
        if d == 0 {
            100.0
        } else {
            100.0 * n as f64 / d as f64
        }
    };
    writeln!(
        out,
        "\ncoverage: {exercised} of {rules} rules exercised ({:.0}%); {both} of {conditions} conditions seen both holding and failing ({:.0}%)",
        percent(exercised, rules),
        percent(both, conditions)
    )?;
    for rule in &report.coverage {
        let mark = if rule.exercised > 0 { "+" } else { "-" };
        writeln!(
            out,
            "{mark} {} ({}): {} case(s)",
            rule.rule, rule.location, rule.exercised
        )?;
        for c in &rule.conditions {
            let seen = match (c.seen_true, c.seen_false) {
                (true, true) => "held and failed",
                (true, false) => "only held",
                (false, true) => "only failed",
                (false, false) => "never decided",
            };
            writeln!(out, "    {} at line {}: {seen}", c.key, c.location.line())?;
        }
    }
    Ok(())
}

fn lint(out: &mut Out<'_>, path: &PathBuf, format: Format) -> Result<ExitCode, cli::Failure> {
    let (book, report) = match load_and_test(out, path)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let findings = lint::lint(&book, Some(&report));
    match format {
        Format::Json => match serde_json::to_string_pretty(&findings) {
            Ok(json) => writeln!(out, "{json}")?,
            Err(e) => return Err(cli::Failure::Run(e.to_string())),
        },
        Format::Text => {
            for finding in &findings {
                writeln!(out, "{}\n", finding.render(&book, style()))?;
            }
            let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
            writeln!(
                out,
                "{} error(s), {} warning(s), {} info",
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info)
            )?;
        }
    }
    Ok(if findings.iter().any(|f| f.severity > Severity::Info) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs the rules tool the arguments describe; the exit status as documented above.
pub fn main(args: Args) -> ExitCode {
    let mut out = io::stdout().lock();
    let result = match args.command {
        Command::Test { path, coverage } => test(&mut out, &path, coverage),
        Command::Lint { path, format } => lint(&mut out, &path, format),
    };
    let result = result.and_then(|code| {
        out.flush()?;
        Ok(code)
    });
    cli::finish("rules", result)
}

//! Tools for rule authors: run the test cases beside the rules, lint the rules.
//!
//! ```text
//! cargo run --example rules -- test [PATH] [--coverage]
//! cargo run --example rules -- lint [PATH] [--format text|json]
//! ```
//!
//! `PATH` is a rules directory or file (default `rules`). Exit status: 0 when all is well; 1 when
//! a case fails or the linter finds something above `info`; 2 when the rules cannot be loaded
//! (errors are shown like rustc's, with the source line and a caret).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use export_control::lint::{self, Severity};
use export_control::render::Style;
use export_control::testing::TestReport;
use export_control::{LoadError, Rulebook};

/// Test and lint export-control rule files.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
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
    if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        Style::Colour
    } else {
        Style::Plain
    }
}

fn report_load_error(e: &LoadError) {
    match e {
        LoadError::Invalid(errors) => {
            for error in errors.as_slice() {
                println!("{}\n", error.render(style()));
            }
            println!("{} error(s): nothing was checked", errors.as_slice().len());
        }
        other => println!("error: {other}"),
    }
}

/// Loads the rule book and runs its test cases, printing load errors rustc-style.
fn load_and_test(path: &PathBuf) -> Result<(Rulebook, TestReport), ExitCode> {
    let fail = |e: LoadError| {
        report_load_error(&e);
        ExitCode::from(2)
    };
    let book = Rulebook::load(path).map_err(fail)?;
    let cases = book.test_cases().map_err(fail)?;
    let report = export_control::testing::run_tests(&book, &cases);
    Ok((book, report))
}

fn test(path: &PathBuf, coverage: bool) -> ExitCode {
    let (_, report) = match load_and_test(path) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    for result in &report.results {
        let status = if result.passed() { "ok" } else { "FAILED" };
        println!(
            "test {} {} ... {status}",
            result.case.location(),
            result.case.name()
        );
    }
    let failures: Vec<_> = report.failures().collect();
    for result in &failures {
        println!(
            "\n---- {} ({}) ----",
            result.case.name(),
            result.case.location()
        );
        for (what, expected, actual) in &result.mismatches {
            println!("{what}:\n  - expected: {expected}\n  + actual:   {actual}");
        }
        println!("explanation:");
        for line in result.verdict.to_string().lines() {
            println!("  {line}");
        }
    }
    println!(
        "\n{} passed; {} failed; {} cases",
        report.results.len() - failures.len(),
        failures.len(),
        report.results.len()
    );
    if coverage {
        print_coverage(&report);
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_coverage(report: &TestReport) {
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
    println!(
        "\ncoverage: {exercised} of {rules} rules exercised ({:.0}%); {both} of {conditions} conditions seen both holding and failing ({:.0}%)",
        percent(exercised, rules),
        percent(both, conditions)
    );
    for rule in &report.coverage {
        let mark = if rule.exercised > 0 { "+" } else { "-" };
        println!(
            "{mark} {} ({}): {} case(s)",
            rule.rule, rule.location, rule.exercised
        );
        for c in &rule.conditions {
            let seen = match (c.seen_true, c.seen_false) {
                (true, true) => "held and failed",
                (true, false) => "only held",
                (false, true) => "only failed",
                (false, false) => "never decided",
            };
            println!("    {} at line {}: {seen}", c.key, c.location.line());
        }
    }
}

fn lint(path: &PathBuf, format: Format) -> ExitCode {
    let (book, report) = match load_and_test(path) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let findings = lint::lint(&book, Some(&report));
    match format {
        Format::Json => match serde_json::to_string_pretty(&findings) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        Format::Text => {
            for finding in &findings {
                println!("{}\n", finding.render(&book, style()));
            }
            let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
            println!(
                "{} error(s), {} warning(s), {} info",
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info)
            );
        }
    }
    if findings.iter().any(|f| f.severity > Severity::Info) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    match Args::parse().command {
        Command::Test { path, coverage } => test(&path, coverage),
        Command::Lint { path, format } => lint(&path, format),
    }
}

//! What a rule change does: runs the same shipments under two versions of the rules and lists
//! every record whose verdict changes, with both explanations, and a count per change.
//!
//! ```text
//! cargo run --example impact -- --old rules-2023 --new rules --shipments examples/data/kz-trade-2021-2023.csv
//! ```
//!
//! Exit status: 0 when no verdict changes, 1 when some do, 2 when the run fails (including an
//! input that cannot be read to its end); 141 when the output pipe is closed.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, ValueEnum};
use export_control::read::{self, Record};
use export_control::verdict::Escaped;
use export_control::{CheckOptions, Engine, Rulebook, Verdict};

use crate::{cli, dates};

/// The exit statuses of the comparison, for `--help`.
pub const EXIT_STATUS: &str = "\
Exit status:
  0    no verdict changes
  1    some verdicts change
  2    the run failed (bad arguments, rules with errors, an input that cannot be read to its end)
  141  the output pipe was closed";

/// Lists the shipments whose verdict changes between two versions of the rules.
#[derive(Parser, Debug)]
#[command(version, about, after_help = EXIT_STATUS)]
pub struct Args {
    /// The rules before the change (files or directories).
    #[arg(long, required = true, num_args = 1..)]
    old: Vec<PathBuf>,
    /// The rules after the change.
    #[arg(long, required = true, num_args = 1..)]
    new: Vec<PathBuf>,
    /// The shipments: a CSV or JSON Lines file.
    #[arg(long)]
    shipments: PathBuf,
    /// Take the rules in force on this date instead of each record's date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = dates::parse_date)]
    as_of: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// Both explanations of each change, then the counts.
    Text,
    /// One JSON object per changed record: `{"id", "line", "before", "after"}`.
    Jsonl,
}

fn load(paths: &[PathBuf]) -> Result<Engine, cli::Failure> {
    Rulebook::load_paths(paths)
        .map(Engine::new)
        .map_err(|e| cli::load_failure(&e, "rule files"))
}

/// Runs the comparison the arguments describe; the exit status as documented above.
pub fn main(args: &Args) -> ExitCode {
    let result = run(args).map(|changed| {
        if changed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    });
    cli::finish("impact", result)
}

/// One record whose verdict differs.
#[derive(serde::Serialize)]
struct Change<'a> {
    id: &'a str,
    line: u64,
    before: &'a Verdict<'a>,
    after: &'a Verdict<'a>,
}

fn run(args: &Args) -> Result<bool, cli::Failure> {
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let records = read::open(
        &args.shipments,
        &export_control::read::ReadOptions::default(),
    )
    .map_err(|e| e.to_string())?;
    let mut options = CheckOptions::default();
    options.as_of = args.as_of;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    let (mut total, mut invalid) = (0u64, 0u64);
    if matches!(args.format, Format::Text) {
        writeln!(
            out,
            "old rules: {}\nnew rules: {}\n",
            old.digest(),
            new.digest()
        )?;
    }
    for result in records {
        total += 1;
        let Record { line, shipment } = match result {
            Ok(record) => record,
            Err(e) if e.kind().ends_reading() => {
                return Err(cli::Failure::Run(format!(
                    "reading `{}` stopped before its end ({}): the records after it were not compared",
                    args.shipments.display(),
                    Escaped(&e.to_string())
                )));
            }
            // A record neither version can read is invalid under both: no change.
            Err(_) => {
                invalid += 1;
                continue;
            }
        };
        let before = old.check_with(&shipment, &options);
        let after = new.check_with(&shipment, &options);
        if before.decision == after.decision {
            continue;
        }
        *counts
            .entry((before.decision.to_string(), after.decision.to_string()))
            .or_default() += 1;
        match args.format {
            Format::Jsonl => {
                let change = Change {
                    id: &shipment.id,
                    line,
                    before: &before,
                    after: &after,
                };
                serde_json::to_writer(&mut out, &change).map_err(|e| e.to_string())?;
                writeln!(out)?;
            }
            Format::Text => {
                writeln!(
                    out,
                    "== {} (line {line}): {} -> {}\n-- before: {before}-- after: {after}",
                    Escaped(&shipment.id),
                    before.decision,
                    after.decision
                )?;
            }
        }
    }
    let changed: u64 = counts.values().sum();
    if matches!(args.format, Format::Text) {
        writeln!(
            out,
            "{changed} of {total} records change verdict ({invalid} could not be read under either):"
        )?;
        for ((from, to), n) in &counts {
            writeln!(out, "  {from} -> {to}: {n}")?;
        }
    }
    out.flush()?;
    cli::warn(format_args!(
        "impact: {changed} of {total} records change verdict"
    ));
    Ok(changed > 0)
}

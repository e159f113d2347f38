//! Audits a file of shipments against rule files: every record's verdict with its reasons, a
//! summary, a report to file, and an exit status a script can act on.
//!
//! ```text
//! cargo run --release --example audit -- --rules rules --shipments examples/data/kz-trade-2021-2023.csv \
//!     [--format jsonl|json|table|markdown|html] [--as-of YYYY-MM-DD] [--fail-on LEVEL] [--output FILE]
//! cargo run --release --example audit -- --rules rules --shipments FILE --explain ID
//! ```
//!
//! Exit status: 0 when no record reaches the `--fail-on` level and none is invalid; 1 when some
//! do; 2 when the run itself fails (bad arguments, an input that cannot be read or is empty,
//! reading that stopped before the end of the input, rule files with errors, an `--output`
//! that is one of the inputs); 141 when the output pipe is closed (as for any command stopped
//! by `SIGPIPE`).

mod detail;
mod escape;
mod history;
mod html;
mod kinds;
mod licences;
mod links;
mod output;
mod report;
mod row;
mod summary;

pub use kinds::{InputInfo, OutputFormat};

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::NaiveDate;
use clap::{Parser, ValueEnum};
use export_control::history::Replay;
use export_control::read::{self, Format};
use export_control::verdict::Escaped;
use export_control::{CheckOptions, Checked, Decision, Engine, Rulebook, Status};

use sha2::{Digest as _, Sha256};

use crate::{cli, dates};

use output::RowWriter;
use row::AuditRow;
use summary::Summary;

/// The exit statuses of the audit, for `--help`.
pub const EXIT_STATUS: &str = "\
Exit status:
  0    no record reaches --fail-on and none is invalid
  1    some record reaches --fail-on, or is invalid
  2    the run failed: bad arguments, an input that cannot be read or is empty, reading that \
stopped before the end of the input, rule files with errors, an --output that is one of the \
inputs
  141  the output pipe was closed";

/// Audits a file of shipments against export-control rule files.
#[derive(Parser, Debug)]
#[command(version, about, after_help = EXIT_STATUS)]
pub struct Args {
    /// Rule files or directories (every rule file below a directory).
    #[arg(long, required = true, num_args = 1..)]
    rules: Vec<PathBuf>,
    /// The shipments: a CSV or JSON Lines file, or `-` for standard input.
    #[arg(long)]
    shipments: PathBuf,
    /// The input format, when the file name does not tell (standard input is CSV unless said).
    #[arg(long, value_enum)]
    input_format: Option<InputFormat>,
    /// A CSV column to read as a free-form attribute although its name is one letter away from
    /// a field's (otherwise such a column is an error: it is probably a misspelt field).
    #[arg(long, value_name = "NAME")]
    attribute_column: Vec<String>,
    /// Output format [default: jsonl when standard output is not a terminal, else table].
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    /// Take the rules in force on this date instead of each record's date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = dates::parse_date)]
    as_of: Option<NaiveDate>,
    /// Leave out the rule sets of these statuses (comma-separated, e.g. `reported,draft`):
    /// their rules play no part in any verdict, and the reports say so in their header.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS")]
    exclude_status: Vec<StatusArg>,
    /// The verdict from which a record fails the run (exit status 1).
    #[arg(long, value_enum, default_value = "license-required")]
    fail_on: FailOn,
    /// Write the output here instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
    /// In a report (`markdown`, `html`): show in full at most this many records of each
    /// verdict and deciding rule (the earliest by date); the counts still cover every record,
    /// and every record is in `--format jsonl`. The audit's memory grows with it, not with
    /// the input.
    #[arg(long, value_name = "N", default_value_t = 100)]
    detail: usize,
    /// With `--format table`: show only records at or above this verdict (invalid records are
    /// always shown); the totals at the end count every record.
    #[arg(long, value_enum, value_name = "LEVEL")]
    only: Option<FailOn>,
    /// Print the full explanation of the record with this id, including rules that would have
    /// fired but were not in force on its date, and stop.
    #[arg(long, value_name = "ID")]
    explain: Option<String>,
    /// A statistics file (`period,reporter,partner,hs_code,value,currency,quantity,unit`) giving
    /// history rules a baseline, beyond those in the rule directory (repeatable).
    #[arg(long, value_name = "FILE")]
    baseline: Vec<PathBuf>,
    /// An SQLite history: its records come before the input's, and the input's records are
    /// appended to it once the run has checked them all. Without it, the history is the input
    /// itself.
    #[arg(long, value_name = "FILE")]
    history_db: Option<PathBuf>,
    /// A licence register (`*.licences.toml` or `*.licences.csv`) beside those in the rule
    /// directory (repeatable): `license_required` rules are met only by licences of a register.
    #[arg(long, value_name = "FILE")]
    licences: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InputFormat {
    Csv,
    Jsonl,
    /// One JSON array of records.
    Json,
}

/// A rule set's status, as `--exclude-status` takes it.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum StatusArg {
    InForce,
    Reported,
    Draft,
    Repealed,
}

impl StatusArg {
    fn status(self) -> Status {
        match self {
            StatusArg::InForce => Status::InForce,
            StatusArg::Reported => Status::Reported,
            StatusArg::Draft => Status::Draft,
            StatusArg::Repealed => Status::Repealed,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    Review,
    LicenseRequired,
    Prohibited,
}

impl FailOn {
    fn level(self) -> Decision {
        match self {
            FailOn::Review => Decision::Review,
            FailOn::LicenseRequired => Decision::LicenseRequired,
            FailOn::Prohibited => Decision::Prohibited,
        }
    }
}

/// Runs the audit the arguments describe; the exit status as documented above.
pub fn main(args: &Args) -> ExitCode {
    cli::finish("audit", run(args))
}

/// Reads a stream while hashing it and counting its bytes, for the report and the progress line.
struct Tally<R> {
    inner: R,
    state: Arc<Mutex<(Sha256, u64)>>,
}

impl<R: Read> Read for Tally<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut state) = self.state.lock() {
            state.0.update(&buf[..n]);
            state.1 += n as u64;
        }
        Ok(n)
    }
}

/// The engine of the rules and the licence registers given beside them, with each register
/// file's name and SHA-256 (the rule book's digest does not cover them).
fn load_engine(
    paths: &[PathBuf],
    registers: &[PathBuf],
) -> Result<(Engine, Vec<(String, String)>), cli::Failure> {
    let mut engine = Rulebook::load_paths(paths)
        .map(Engine::new)
        .map_err(|e| cli::load_failure(&e, "rule files"))?;
    let mut files = Vec::new();
    for path in registers {
        let register = export_control::licences::Register::load(path)
            .map_err(|e| cli::load_failure(&e, "licence registers"))?;
        files.push((path.display().to_string(), register.digest().to_string()));
        engine = engine
            .with_register(register)
            .map_err(|e| cli::load_failure(&e, "licence registers"))?;
    }
    Ok((engine, files))
}

type Records = read::Records<'static>;

/// Where an input is read from: as the arguments say, standard input copied to a spool as
/// it is read, or the spool.
enum Source<'a> {
    Args,
    Tee(history::Tee),
    Spooled(&'a Path),
}

/// Opens the input.
fn open_input(
    args: &Args,
    source: Source<'_>,
    state: Arc<Mutex<(Sha256, u64)>>,
) -> Result<(Records, Option<u64>), String> {
    let path = args.shipments.as_path();
    let format = match args.input_format {
        Some(InputFormat::Csv) => Format::Csv,
        Some(InputFormat::Jsonl) => Format::JsonLines,
        Some(InputFormat::Json) => Format::Json,
        None if path == Path::new("-") => Format::Csv,
        None => Format::from_path(path).ok_or_else(|| {
            format!(
                "cannot tell the format of `{}`: name it .csv or .jsonl, or give --input-format",
                path.display()
            )
        })?,
    };
    let (inner, size): (Box<dyn Read + Send>, Option<u64>) = match source {
        Source::Tee(tee) => (Box::new(tee), None),
        Source::Args if path == Path::new("-") => (Box::new(io::stdin()), None),
        Source::Args | Source::Spooled(_) => {
            let at = match source {
                Source::Spooled(copy) => copy,
                _ => path,
            };
            let file = read::open_file(at).map_err(|e| read_error(path, &e))?;
            let size = file.metadata().ok().map(|m| m.len());
            (Box::new(file), size)
        }
    };
    let tally = io::BufReader::with_capacity(1 << 16, Tally { inner, state });
    let mut options = read::ReadOptions::default();
    options.attribute_columns = args.attribute_column.clone();
    let records = read::reader(tally, format, &options).map_err(|e| read_error(path, &e))?;
    Ok((records, size))
}

/// A reading error, naming the input as given.
fn read_error(path: &Path, e: &read::ReadError) -> String {
    match e {
        read::ReadError::Io { source, .. } => format!("cannot read `{}`: {source}", path.display()),
        other => format!("`{}`: {other}", path.display()),
    }
}

/// Refuses an `--output` that is one of the run's inputs (the shipments, standard input, a rule
/// file), by the file it is rather than its name: writing it would destroy the input, and a
/// reader reading its own output back would never end.
fn refuse_input_as_output(args: &Args, engine: &Engine, output: &Path) -> Result<(), String> {
    let Ok(target) = std::fs::metadata(output) else {
        // Nothing there yet: it cannot be an input.
        return Ok(());
    };
    let refuse = |what: String| {
        Err(format!(
            "`{}` is {what}: refusing to write the output over an input",
            output.display()
        ))
    };
    if args.shipments == Path::new("-") {
        if let Some(stdin) = stdin_metadata()
            && same_file(&stdin, &target)
        {
            return refuse("the file standard input reads".to_owned());
        }
    } else if let Ok(input) = std::fs::metadata(&args.shipments)
        && same_file(&input, &target)
    {
        return refuse(format!("the input `{}`", args.shipments.display()));
    }
    for source in engine.rulebook().sources() {
        if let Ok(rule_file) = std::fs::metadata(source.name())
            && same_file(&rule_file, &target)
        {
            return refuse(format!("the rule file `{}`", source.name()));
        }
    }
    for baseline in &args.baseline {
        if let Ok(file) = std::fs::metadata(baseline)
            && same_file(&file, &target)
        {
            return refuse(format!("the statistics file `{}`", baseline.display()));
        }
    }
    if let Some(database) = &args.history_db
        && let Ok(file) = std::fs::metadata(database)
        && same_file(&file, &target)
    {
        return refuse(format!("the history database `{}`", database.display()));
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    a.dev() == b.dev() && a.ino() == b.ino() && a.is_file()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.is_file() && a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

#[cfg(unix)]
fn stdin_metadata() -> Option<std::fs::Metadata> {
    use std::os::fd::AsFd as _;
    let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
    std::fs::File::from(fd).metadata().ok()
}

#[cfg(not(unix))]
fn stdin_metadata() -> Option<std::fs::Metadata> {
    None
}

fn run(args: &Args) -> Result<ExitCode, cli::Failure> {
    let started = Instant::now();
    let (engine, registers) = load_engine(&args.rules, &args.licences)?;
    let statistics = history::baselines(&args.baseline)?;
    let mut options =
        CheckOptions::default().excluding(args.exclude_status.iter().map(|s| s.status()));
    options.as_of = args.as_of;
    if let Some(output) = &args.output {
        refuse_input_as_output(args, &engine, output)?;
    }

    // History rules read the whole input before any record is checked: a first pass.
    // Licence balances are drawn in the order of history: a first pass too.
    let needs_history =
        engine.has_history_rules() || args.history_db.is_some() || !engine.register().is_empty();
    let (spool, tee) = if needs_history && args.shipments == Path::new("-") {
        let (spool, tee) = history::Spool::tee_stdin()?;
        (Some(spool), Some(tee))
    } else {
        (None, None)
    };
    let source = || match spool.as_ref() {
        Some(spool) => Source::Spooled(spool.path()),
        None => Source::Args,
    };
    let mut run_history = if needs_history {
        let first = tee.map_or(Source::Args, Source::Tee);
        let (first_pass, _) = open_input(args, first, Arc::new(Mutex::new((Sha256::new(), 0))))?;
        let reopen = || {
            open_input(args, source(), Arc::new(Mutex::new((Sha256::new(), 0))))
                .map(|(records, _)| records)
        };
        Some(history::build(
            &engine,
            args.history_db.as_deref(),
            statistics,
            first_pass,
            reopen,
        )?)
    } else {
        None
    };
    let mut replay = run_history
        .as_ref()
        .map(|h| Replay::after(&h.full, h.earlier.clone()));

    let state = Arc::new(Mutex::new((Sha256::new(), 0u64)));
    let (records, size) = open_input(args, source(), Arc::clone(&state))?;

    if let Some(id) = &args.explain {
        return explain(&engine, records, &options, id, replay.as_mut());
    }

    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        OutputFormat::Table
    } else {
        OutputFormat::Jsonl
    });
    // Colours by anstream's rules (a terminal, no NO_COLOR; CLICOLOR_FORCE forces them), and
    // never into a file.
    let colour = args.output.is_none() && cli::colours(&io::stdout());
    if args.only.is_some() && format != OutputFormat::Table {
        return Err(cli::Failure::Run(
            "--only applies to the table format (--format table)".to_owned(),
        ));
    }
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?,
        ),
        None => Box::new(io::stdout().lock()),
    };
    let mut out = io::BufWriter::new(sink);
    let fail_on = args.fail_on.level();
    let mut writer = RowWriter::new(format, colour, &engine, &options, fail_on)
        .only(args.only.map(FailOn::level));
    let mut summary = Summary::new(
        fail_on,
        matches!(format, OutputFormat::Markdown | OutputFormat::Html).then_some(args.detail),
    );
    summary.registers = registers;
    let progress = progress_bar(size);
    // Why reading stopped before the end of the input, if it did.
    let mut stopped = None;

    writer.begin(&mut out)?;
    let checked: Box<dyn Iterator<Item = Checked<'_>>> = match replay.as_mut() {
        Some(replay) => Box::new(read::check_records_replayed(
            &engine, records, replay, &options,
        )),
        None => Box::new(read::check_records(&engine, records, &options)),
    };
    for (n, checked) in checked.enumerate() {
        let row = match checked {
            Checked::Verdict { record, verdict } => AuditRow::checked(record, verdict),
            Checked::Invalid(error) => {
                if error.kind().ends_reading() {
                    stopped = Some(error.to_string());
                }
                AuditRow::invalid(&error, engine.digest())
            }
        };
        writer.row(&mut out, &row)?;
        summary.add(&row);
        if n % 5000 == 4999 && !progress.is_hidden() {
            progress.set_position(state.lock().map(|s| s.1).unwrap_or(0));
            progress.set_message(format!("{} records", summary::grouped((n + 1).into())));
        }
    }
    progress.finish_and_clear();
    let (hash, bytes) = state
        .lock()
        .map(|s| (s.0.clone().finalize(), s.1))
        .map_err(|_| "internal error: input digest lost".to_owned())?;
    let input = InputInfo {
        name: args.shipments.display().to_string(),
        digest: format!("sha256:{}", hex(&hash)),
        bytes,
    };
    if let Some(run_history) = &run_history {
        summary.fill_spike_months(run_history.full.aggregates());
    }
    writer.end(&mut out, &summary, &input)?;
    out.flush()?;

    let elapsed = started.elapsed().as_secs_f64();
    let left_out: Vec<&str> = options
        .exclude_statuses
        .iter()
        .map(|s| s.as_str())
        .collect();
    if left_out.is_empty() {
        cli::warn(format_args!("{}", summary.stderr_line(elapsed)));
    } else {
        cli::warn(format_args!(
            "{} (left out: rule sets with status {})",
            summary.stderr_line(elapsed),
            left_out.join(", ")
        ));
    }
    if let Some(reason) = stopped {
        return Err(cli::Failure::Run(format!(
            "reading `{}` stopped before its end ({}): the records after it were not checked",
            args.shipments.display(),
            export_control::verdict::Escaped(&reason)
        )));
    }
    // Only a run that checked every record appends them to the history database.
    drop(replay);
    if let Some(database) = run_history.as_mut().and_then(|h| h.database.as_mut()) {
        let (third_pass, _) = open_input(args, source(), Arc::new(Mutex::new((Sha256::new(), 0))))?;
        let appended = history::append(&engine, database, third_pass)?;
        cli::warn(format_args!(
            "audit: {appended} records appended to the history database"
        ));
    }
    Ok(if summary.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The progress bar on standard error when it is a terminal (hidden otherwise): the share of
/// the input read when its size is known, a spinner when it is not (standard input).
fn progress_bar(size: Option<u64>) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let target = ProgressDrawTarget::stderr_with_hz(4);
    match size.filter(|s| *s > 0) {
        Some(size) => {
            let bar = ProgressBar::with_draw_target(Some(size), target);
            if let Ok(style) = ProgressStyle::with_template(
                "audit: [{bar:30}] {percent:>3}% of {total_bytes}, {msg}, {elapsed}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        }
        None => {
            let spinner = ProgressBar::with_draw_target(None, target);
            if let Ok(style) =
                ProgressStyle::with_template("audit: {spinner} {bytes} read, {msg}, {elapsed}")
            {
                spinner.set_style(style);
            }
            spinner
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `--explain ID`: the full plain-language explanation of one record.
fn explain(
    engine: &Engine,
    records: Records,
    options: &CheckOptions,
    id: &str,
    mut replay: Option<&mut Replay<'_>>,
) -> Result<ExitCode, cli::Failure> {
    let mut options = options.clone();
    options.include_not_in_force = true;
    let mut stdout = io::stdout().lock();
    for result in records {
        // Under history rules every record before the one explained is replayed, so that it
        // sees the history the audit gives it.
        let verdict = match (&result, replay.as_deref_mut()) {
            (Ok(record), Some(replay)) => Some(engine.replay(replay, &record.shipment, &options)),
            _ => None,
        };
        match result {
            Ok(record) if record.shipment.id == id => {
                let verdict =
                    verdict.unwrap_or_else(|| engine.check_with(&record.shipment, &options));
                let text = output::explanation(&record, &verdict, engine);
                stdout.write_all(text.as_bytes())?;
                stdout.flush()?;
                return Ok(ExitCode::SUCCESS);
            }
            Err(error) if error.id() == Some(id) => {
                writeln!(
                    stdout,
                    "record `{}` at line {} could not be read: {}",
                    Escaped(id),
                    error.line(),
                    Escaped(&error.kind().to_string())
                )?;
                writeln!(
                    stdout,
                    "verdict: invalid (a record the engine cannot read is never allowed)"
                )?;
                stdout.flush()?;
                return Ok(ExitCode::SUCCESS);
            }
            Err(error) if error.kind().ends_reading() => {
                return Err(cli::Failure::Run(format!(
                    "reading stopped before the record `{}` was found: {}",
                    Escaped(id),
                    Escaped(&error.to_string())
                )));
            }
            _ => {}
        }
    }
    Err(cli::Failure::Run(format!(
        "no record with id `{}`",
        Escaped(id)
    )))
}

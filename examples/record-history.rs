//! Records the shipments of a file into an SQLite history, in batches of one transaction each,
//! as a logistics system keeps its history across restarts.
//!
//! ```text
//! cargo run --release --example record-history -- --rules rules --db history.sqlite examples/data/kz-trade-2021-2023.csv
//! ```
//!
//! Prints `committed N` after each batch (N: the records in the history). With `--forever` it
//! records the file again and again until it is stopped: the test that kills a writer
//! mid-batch runs it so. Records that cannot be read are left out and counted on standard
//! error. Exit status: 0 when done, 2 on errors, 141 when the output pipe is closed.

#[path = "../src/bin/export-control/cli.rs"]
mod cli;

use std::io::{self, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use export_control::sqlite::SqliteHistory;
use export_control::{Engine, Shipment, read};

#[derive(Parser)]
#[command(about = "Record a file's shipments into an SQLite history")]
struct Args {
    /// Rules directory: the history keeps what its rules read.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// The SQLite file (created if missing).
    #[arg(long)]
    db: PathBuf,
    /// Records per transaction.
    #[arg(long, default_value_t = 250)]
    batch: usize,
    /// Record the file again and again until stopped.
    #[arg(long)]
    forever: bool,
    /// The shipment file (CSV or JSON Lines).
    file: PathBuf,
}

fn run() -> Result<ExitCode, cli::Failure> {
    let args = Args::parse();
    if args.batch == 0 {
        return Err(cli::Failure::Run("--batch must be at least 1".into()));
    }
    let engine = Engine::from_path(&args.rules).map_err(|e| cli::load_failure(&e, "rule files"))?;
    let records =
        read::open(&args.file, &read::ReadOptions::default()).map_err(|e| e.to_string())?;
    let mut shipments: Vec<Shipment> = Vec::new();
    let mut invalid = 0u64;
    for record in records {
        match record {
            Ok(r) => shipments.push(r.shipment),
            Err(_) => invalid += 1,
        }
    }
    if invalid > 0 {
        cli::warn(format_args!(
            "record-history: {invalid} record(s) cannot be read and are left out"
        ));
    }
    let mut db = SqliteHistory::open(&args.db, &engine).map_err(|e| e.to_string())?;
    let mut out = io::stdout().lock();
    loop {
        for batch in shipments.chunks(args.batch) {
            db.record_batch(&engine, batch).map_err(|e| e.to_string())?;
            writeln!(out, "committed {}", db.len().map_err(|e| e.to_string())?)?;
            out.flush()?;
        }
        if !args.forever {
            return Ok(ExitCode::SUCCESS);
        }
    }
}

fn main() -> ExitCode {
    cli::finish("record-history", run())
}

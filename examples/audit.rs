//! Audits a file of shipments against rule files: every record's verdict with its reasons, a
//! summary, a report to file, and an exit status a script can act on. The same program as
//! `export-control audit` (the command's module, included here).
//!
//! ```text
//! cargo run --release --example audit -- --rules rules --shipments examples/data/kz-trade-2021-2023.csv \
//!     [--format jsonl|json|table|markdown|html] [--as-of YYYY-MM-DD] [--fail-on LEVEL] [--output FILE]
//! cargo run --release --example audit -- --rules rules --shipments FILE --explain ID
//! ```

#[path = "../src/bin/export-control/audit/mod.rs"]
mod audit;
#[path = "../src/bin/export-control/cli.rs"]
mod cli;
#[path = "../src/bin/export-control/dates.rs"]
mod dates;

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    audit::main(&audit::Args::parse())
}

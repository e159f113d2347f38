//! What a rule change does: runs the same shipments under two versions of the rules and lists
//! every record whose verdict changes. The same program as `export-control impact` (the
//! command's module, included here).
//!
//! ```text
//! cargo run --example impact -- --old rules-2023 --new rules --shipments examples/data/kz-trade-2021-2023.csv
//! ```

#[path = "../src/bin/export-control/cli.rs"]
mod cli;
#[path = "../src/bin/export-control/dates.rs"]
mod dates;
#[path = "../src/bin/export-control/impact.rs"]
mod impact;

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    impact::main(&impact::Args::parse())
}

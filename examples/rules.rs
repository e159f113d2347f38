//! Tools for rule authors: run the test cases beside the rules, lint the rules. The same
//! program as `export-control rules` (the command's module, included here).
//!
//! ```text
//! cargo run --example rules -- test [PATH] [--coverage]
//! cargo run --example rules -- lint [PATH] [--format text|json]
//! ```

#[path = "../src/bin/export-control/cli.rs"]
#[allow(
    dead_code,
    reason = "the rules tool prints load errors itself, to standard output"
)]
mod cli;
#[path = "../src/bin/export-control/rules.rs"]
mod rules;

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    rules::main(rules::Args::parse())
}

//! Screens names, one per line, against the party lists of a rule book and writes JSON Lines.
//! The same program as `export-control screen` (the command's module, included here).
//!
//! ```text
//! cargo run --release --example screen -- --rules rules --names names.txt
//! printf 'ПАО Банк ВТБ\nAlmaty Cotton\n' | cargo run --release --example screen -- --names -
//! ```

#[path = "../src/bin/export-control/cli.rs"]
mod cli;
#[path = "../src/bin/export-control/screen.rs"]
mod screen;

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    screen::main(&screen::Args::parse())
}

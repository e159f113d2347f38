//! Checks one shipment, given as JSON on the command line, against a rules directory and prints
//! the verdict as text and JSON.
//!
//! ```text
//! cargo run --example check -- rules '{"id":"S1","date":"2023-11-15","hs_code":"8542.31","origin":"US","export_country":"KZ","destination":"RU","transit":[]}'
//! ```
//!
//! Exit status: 0 when the verdict was printed (whatever it is); 2 when it could not be (bad
//! arguments, rules with errors, a record that cannot be read); 141 when the output pipe is
//! closed.

#[path = "../src/bin/export-control/cli.rs"]
mod cli;

use std::io::{self, Write as _};
use std::process::ExitCode;

use export_control::verdict::Escaped;
use export_control::{Engine, Shipment};

fn run() -> Result<ExitCode, cli::Failure> {
    let mut args = std::env::args().skip(1);
    let (Some(rules), Some(json), None) = (args.next(), args.next(), args.next()) else {
        return Err(cli::Failure::Run("usage: check RULES SHIPMENT_JSON".into()));
    };
    let engine = Engine::from_path(&rules).map_err(|e| cli::load_failure(&e, "rule files"))?;
    let shipment: Shipment = serde_json::from_str(&json)
        .map_err(|e| format!("the record cannot be read: {}", Escaped(&e.to_string())))?;
    let verdict = engine.check(&shipment);
    let json = serde_json::to_string_pretty(&verdict).map_err(|e| e.to_string())?;
    let mut out = io::stdout().lock();
    writeln!(out, "{verdict}")?;
    writeln!(out, "{json}")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    cli::finish("check", run())
}

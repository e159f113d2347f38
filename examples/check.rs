//! Checks one shipment, given as JSON on the command line, against a rules directory and prints
//! the verdict as text and JSON.
//!
//! ```text
//! cargo run --example check -- rules '{"id":"S1","date":"2023-11-15","hs_code":"8542.31","origin":"US","export_country":"KZ","destination":"RU"}'
//! ```
use export_control::{Engine, Shipment};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(rules), Some(json)) = (args.next(), args.next()) else {
        eprintln!("usage: check RULES SHIPMENT_JSON");
        std::process::exit(2);
    };
    let engine = match Engine::from_path(&rules) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let shipment: Shipment = serde_json::from_str(&json)?;
    let verdict = engine.check(&shipment);
    println!("{verdict}");
    println!("{}", serde_json::to_string_pretty(&verdict)?);
    Ok(())
}

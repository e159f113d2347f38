//! The OFAC SDN snapshot of 2021 (`tests/data/ofac-sdn-2021`, outdated: for tests and
//! benchmarks only) as a rule book's party list, and names to screen against it.
#![allow(dead_code, reason = "each bench uses part of it")]

use export_control::{Rulebook, Source};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ofac-sdn-2021");

/// The files of the snapshot, read once.
pub fn files() -> (String, String) {
    let read = |name: &str| std::fs::read_to_string(format!("{DIR}/{name}")).expect("the snapshot");
    (read("sdn.csv"), read("alt.csv"))
}

/// A rule book of one rule set and the SDN snapshot as its one list, from the files' text.
pub fn book(sdn: &str, alt: &str) -> Rulebook {
    let rules = include_str!("sdn-rules.toml");
    let declaration = r#"
[list]
id = "ofac-sdn-2021"
title = "OFAC SDN list (2021 snapshot)"
authority = "OFAC"
date = 2021-01-01
sources = ["tests/data/ofac-sdn-2021/SOURCE.md"]
format = "ofac-csv"
files = { primary = "sdn/sdn.csv", aliases = "sdn/alt.csv" }
"#;
    Rulebook::from_sources(vec![
        Source::new("bench.toml", rules),
        Source::new("sdn.list.toml", declaration),
        Source::data("sdn/sdn.csv", sdn),
        Source::data("sdn/alt.csv", alt),
    ])
    .expect("the snapshot loads")
}

/// Names to screen: every 20th name of the list with two letters swapped (mostly hits), and as
/// many consignor and consignee names of the sample year (mostly misses), in turn.
pub fn queries(book: &Rulebook) -> Vec<String> {
    let list = &book.lists()[0];
    let typos = list.entries.iter().step_by(20).map(|e| {
        let mut chars: Vec<char> = e.name.chars().collect();
        if chars.len() > 5 {
            chars.swap(3, 4);
        }
        chars.into_iter().collect::<String>()
    });
    let sample = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/kz-trade-2021-2023.csv"
    ))
    .expect("the sample");
    let mut reader = csv::Reader::from_reader(sample.as_bytes());
    let mut parties: Vec<String> = reader
        .records()
        .filter_map(Result::ok)
        .flat_map(|r| [r[8].to_owned(), r[9].to_owned()])
        .filter(|n| !n.is_empty())
        .collect();
    parties.sort();
    parties.dedup();
    typos
        .zip(parties.into_iter().cycle())
        .flat_map(|(a, b)| [a, b])
        .collect()
}

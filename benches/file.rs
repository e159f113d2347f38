//! `Engine::check_batch` on one thread over the valid records of a CSV file: the Rust side of
//! the Python package's throughput comparison (`python/benches/throughput.py` runs both on the
//! same file in one run).
//!
//! ```text
//! cargo bench --bench file -- RULES FILE.csv [RUNS]
//! ```
//!
//! Prints two lines: `check_batch <records> records <median seconds> s <records/s> records/s`,
//! the records already read; and `read+check ...`, the file read and checked as a Rust caller
//! reading it would (`read::check_records`), for a comparison that includes reading text.
//! Without arguments (as `cargo bench` runs every benchmark) it times the sample file on the
//! shipped rules.

use std::time::Instant;

use export_control::read::{self, Format, ReadOptions};
use export_control::{CheckOptions, Engine, Shipment};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rules = args.first().map_or("rules", String::as_str);
    let file = args
        .get(1)
        .map_or("examples/data/kz-trade-2021-2023.csv", String::as_str);
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let engine = Engine::from_path(rules).unwrap_or_else(|e| panic!("{rules}: {e}"));
    let mut options = ReadOptions::default();
    options.format = Some(Format::Csv);
    let shipments: Vec<Shipment> = read::open(std::path::Path::new(file), &options)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .flatten()
        .map(|r| r.shipment)
        .collect();
    let check = CheckOptions::default();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let verdicts = engine.check_batch(&shipments, &check);
        times.push(start.elapsed().as_secs_f64());
        assert_eq!(verdicts.len(), shipments.len());
    }
    let median = |mut times: Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let batch = median(times);
    println!(
        "check_batch {} records {batch:.3} s {:.0} records/s",
        shipments.len(),
        shipments.len() as f64 / batch
    );
    let mut times = Vec::with_capacity(runs);
    let mut records = 0;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let input = read::open(std::path::Path::new(file), &options)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        records = read::check_records(&engine, input, &check).count();
        times.push(start.elapsed().as_secs_f64());
    }
    let both = median(times);
    println!(
        "read+check {records} records {both:.3} s {:.0} records/s",
        records as f64 / both
    );
}

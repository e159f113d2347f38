//! History rules: what they cost an audit, a check against a large history, and the SQLite
//! store's recording rate.
//!
//! ```text
//! cargo bench --bench history
//! ```
//!
//! - `audit_*`: 1,000,000 generated records (2021-2023) checked against the shipped rules
//!   without their history rule sets, with them and no history (each record alone), and with
//!   them over the whole input (the audit's two passes: every record recorded, then replayed).
//! - `check_and_record_*`: one shipment checked against an in-memory history of 1,000,000
//!   records, then recorded (the full verdict, or the decision alone).
//! - `sqlite_record_batch`: 10,000 records recorded in one transaction into a file.

#[path = "common/rules.rs"]
mod rules;
#[path = "common/trade.rs"]
mod trade;

use rules::RULES;

use std::hint::black_box;
use std::sync::OnceLock;

use divan::counter::ItemsCount;
use export_control::history::{History, Replay};
use export_control::sqlite::SqliteHistory;
use export_control::{CheckOptions, Engine, Shipment};

const RECORDS: usize = 1_000_000;

fn main() {
    divan::main();
}

fn records() -> &'static [Shipment] {
    static RECORDS_1M: OnceLock<Vec<Shipment>> = OnceLock::new();
    RECORDS_1M.get_or_init(|| trade::records(RECORDS, 2021))
}

fn shipped() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::from_path(RULES).expect("rules"))
}

/// The shipped rules without the rule sets that have history rules.
fn without_history_rules() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(rules::without_history_rules)
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_without_history_rules(bencher: divan::Bencher<'_, '_>) {
    let (engine, records, options) = (without_history_rules(), records(), CheckOptions::default());
    bencher.counter(ItemsCount::new(RECORDS)).bench_local(|| {
        for s in records {
            black_box(engine.check_with(s, &options));
        }
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_with_history_rules_each_record_alone(bencher: divan::Bencher<'_, '_>) {
    let (engine, records, options) = (shipped(), records(), CheckOptions::default());
    bencher.counter(ItemsCount::new(RECORDS)).bench_local(|| {
        for s in records {
            black_box(engine.check_with(s, &options));
        }
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_with_history_rules_over_the_input(bencher: divan::Bencher<'_, '_>) {
    let (engine, records, options) = (shipped(), records(), CheckOptions::default());
    bencher.counter(ItemsCount::new(RECORDS)).bench_local(|| {
        let mut full = History::new();
        for s in records {
            engine.record(&mut full, s);
        }
        let mut replay = Replay::new(&full);
        for s in records {
            black_box(engine.replay(&mut replay, s, &options));
        }
    });
}

/// The history of the 1,000,000 records, and shipments to check against it (dated in its last
/// month, so that every window and year holds records).
fn big_history() -> &'static (History, Vec<Shipment>) {
    static HISTORY: OnceLock<(History, Vec<Shipment>)> = OnceLock::new();
    HISTORY.get_or_init(|| {
        let engine = shipped();
        let mut history = History::new();
        for s in records() {
            engine.record(&mut history, s);
        }
        let mut probes = trade::records(1_000, 7);
        for (i, s) in probes.iter_mut().enumerate() {
            s.id = format!("P-{i}");
            s.date = chrono::NaiveDate::from_ymd_opt(2023, 12, 15).expect("a date");
        }
        (history, probes)
    })
}

#[divan::bench(sample_count = 200, sample_size = 100)]
fn check_and_record_verdict(bencher: divan::Bencher<'_, '_>) {
    let engine = shipped();
    let (history, probes) = big_history();
    let mut history = history.clone();
    let mut i = 0usize;
    bencher.bench_local(move || {
        let s = &probes[i % probes.len()];
        i += 1;
        black_box(engine.check_against(s, &history));
        engine.record(&mut history, s);
    });
}

#[divan::bench(sample_count = 200, sample_size = 100)]
fn check_and_record_decision(bencher: divan::Bencher<'_, '_>) {
    let engine = shipped();
    let (history, probes) = big_history();
    let mut history = history.clone();
    let options = CheckOptions::default();
    let mut i = 0usize;
    bencher.bench_local(move || {
        let s = &probes[i % probes.len()];
        i += 1;
        black_box(engine.decide_in(s, &history.view(), &options));
        engine.record(&mut history, s);
    });
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn sqlite_record_batch(bencher: divan::Bencher<'_, '_>) {
    const BATCH: usize = 10_000;
    let engine = shipped();
    let dir = std::env::temp_dir().join(format!("ec-bench-sqlite-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut db = SqliteHistory::open(dir.join("h.sqlite"), engine).expect("open");
    let records = records();
    let mut start = 0usize;
    bencher.counter(ItemsCount::new(BATCH)).bench_local(|| {
        let batch = &records[start..start + BATCH];
        start += BATCH;
        db.record_batch(engine, batch).expect("record");
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// The parts of `check_and_record_verdict` apart: the check alone...
#[divan::bench(sample_count = 200, sample_size = 100)]
fn check_only_verdict(bencher: divan::Bencher<'_, '_>) {
    let engine = shipped();
    let (history, probes) = big_history();
    let mut i = 0usize;
    bencher.bench_local(move || {
        let s = &probes[i % probes.len()];
        i += 1;
        black_box(engine.check_against(s, history));
    });
}

/// ...and the record alone.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn record_only(bencher: divan::Bencher<'_, '_>) {
    let engine = shipped();
    let (history, probes) = big_history();
    let mut history = history.clone();
    let mut i = 0usize;
    bencher.bench_local(move || {
        let s = &probes[i % probes.len()];
        i += 1;
        engine.record(&mut history, s);
    });
}

/// The check against no history, for comparison.
#[divan::bench(sample_count = 200, sample_size = 100)]
fn check_only_without_history(bencher: divan::Bencher<'_, '_>) {
    let engine = shipped();
    let (_, probes) = big_history();
    let mut i = 0usize;
    bencher.bench_local(move || {
        let s = &probes[i % probes.len()];
        i += 1;
        black_box(engine.check(s));
    });
}

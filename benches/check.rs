//! Per-check latency at 10, 100, 1,000 and 10,000 rules, for records that match nothing, one
//! rule, and several; the same checks by scanning every rule (what the index saves). Batches,
//! sequential against parallel, are measured by `benches/batch.rs`.
//!
//! ```text
//! cargo bench --bench check
//! ```

#[path = "common/synth.rs"]
mod synth;

use std::hint::black_box;

use divan::Bencher;
use export_control::{CheckOptions, Engine, Rulebook, Shipment, Source};
use synth::Matching;

fn main() {
    divan::main();
}

const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

fn engine(n: usize) -> (Engine, Vec<synth::SynthRule>) {
    let rules = synth::rules(n);
    let book = Rulebook::from_sources(vec![Source::new("synth.toml", synth::rule_file(&rules))])
        .expect("generated rules load");
    (Engine::new(book), rules)
}

fn shipments(rules: &[synth::SynthRule], kind: Matching, count: usize) -> Vec<Shipment> {
    synth::records(rules, kind, count)
        .into_iter()
        .map(|r| {
            let mut s = Shipment::new(
                r.id,
                "2024-01-01".parse().expect("date"),
                r.hs_code.parse().expect("hs code"),
                "KZ".parse().expect("country"),
                r.destination.parse().expect("country"),
            );
            s.origin = Some("CN".parse().expect("country"));
            s
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    /// `check_with`: the verdict and its explanation.
    Check,
    /// `decide`: the verdict alone.
    Decide,
    /// `check_by_scan`: every rule evaluated, no index.
    Scan,
}

fn bench_check(bencher: Bencher<'_, '_>, n: usize, kind: Matching, how: How) {
    let (engine, rules) = engine(n);
    let records = shipments(&rules, kind, 256);
    let options = CheckOptions::default();
    let mut i = 0usize;
    match how {
        How::Decide => bencher.bench_local(|| {
            i = (i + 1) % records.len();
            black_box(engine.decide_with(black_box(&records[i]), &options))
        }),
        How::Check | How::Scan => bencher.bench_local(|| {
            i = (i + 1) % records.len();
            let record = &records[i];
            // The verdict is dropped inside the timed call, as a caller would: freeing its
            // explanation is part of the cost, and the heap stays in the steady state of a
            // caller (divan would otherwise keep a sample's verdicts and free them in bulk,
            // which made the timings swing with the allocator's state).
            let verdict = if how == How::Scan {
                engine.check_by_scan(black_box(record), &options)
            } else {
                engine.check_with(black_box(record), &options)
            };
            drop(black_box(verdict));
        }),
    }
}

#[divan::bench(args = SIZES, sample_size = 1000)]
fn matches_nothing(bencher: Bencher<'_, '_>, n: usize) {
    bench_check(bencher, n, Matching::Nothing, How::Check);
}

#[divan::bench(args = SIZES, sample_size = 1000)]
fn matches_one(bencher: Bencher<'_, '_>, n: usize) {
    bench_check(bencher, n, Matching::One, How::Check);
}

#[divan::bench(args = SIZES, sample_size = 1000)]
fn matches_several(bencher: Bencher<'_, '_>, n: usize) {
    bench_check(bencher, n, Matching::Several, How::Check);
}

/// The verdict alone, for a record that matches one rule.
#[divan::bench(args = SIZES, sample_size = 1000)]
fn decide_matches_one(bencher: Bencher<'_, '_>, n: usize) {
    bench_check(bencher, n, Matching::One, How::Decide);
}

/// The verdict alone, for a record that matches four rules.
#[divan::bench(args = SIZES, sample_size = 1000)]
fn decide_matches_several(bencher: Bencher<'_, '_>, n: usize) {
    bench_check(bencher, n, Matching::Several, How::Decide);
}

/// Without the index: every rule evaluated (the cost general rule engines pay).
#[divan::bench(args = [100, 1_000, 10_000], sample_size = 50)]
fn scan_matches_one(bencher: Bencher<'_, '_>, n: usize) {
    bench_check(bencher, n, Matching::One, How::Scan);
}

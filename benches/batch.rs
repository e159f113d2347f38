//! Batches of 100,000 records (half match one rule) at 1,000 rules: `check_batch` against
//! `check_batch_parallel`, and `decide` on one thread against two, each pair timed in turn, 40
//! times, so that both see the same state of the machine and of the heap; prints the medians
//! and their ratio. Each timed call includes nothing but the batch (the verdicts are dropped
//! after the clock stops).
//!
//! ```text
//! cargo bench --bench batch
//! ```

#[path = "common/synth.rs"]
mod synth;

use std::hint::black_box;
use std::time::Instant;

use export_control::{CheckOptions, Engine, Rulebook, Shipment, Source};
use synth::Matching;

const BATCH: usize = 100_000;
const ROUNDS: usize = 40;

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read.
    let rules = synth::rules(1_000);
    let book = Rulebook::from_sources(vec![Source::new("synth.toml", synth::rule_file(&rules))])
        .expect("generated rules load");
    let engine = Engine::new(book);
    let shipments = |kind| -> Vec<Shipment> {
        synth::records(&rules, kind, BATCH / 2)
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
    };
    // Matching and non-matching records alternate, so that each thread's half is alike.
    let mut records = Vec::with_capacity(BATCH);
    for (a, b) in shipments(Matching::One)
        .into_iter()
        .zip(shipments(Matching::Nothing))
    {
        records.push(a);
        records.push(b);
    }
    let options = CheckOptions::default();
    let (mut sequential, mut parallel, mut decide_one, mut decide_two) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut touch_one, mut touch_two) = (Vec::new(), Vec::new());
    // Reading every record without checking it: how far the memory lets two threads go.
    let touch = |part: &[Shipment]| {
        part.iter()
            .map(|s| s.id.len() + s.hs_code.as_str().len() + usize::from(s.origin.is_some()))
            .sum::<usize>()
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let verdicts = engine.check_batch(&records, &options);
        sequential.push(start.elapsed().as_secs_f64());
        drop(black_box(verdicts));

        let start = Instant::now();
        let verdicts = engine.check_batch_parallel(&records, &options);
        parallel.push(start.elapsed().as_secs_f64());
        drop(black_box(verdicts));

        let start = Instant::now();
        for s in &records {
            black_box(engine.decide_with(s, &options));
        }
        decide_one.push(start.elapsed().as_secs_f64());

        let start = Instant::now();
        std::thread::scope(|scope| {
            for part in records.chunks(records.len().div_ceil(threads)) {
                let (engine, options) = (&engine, &options);
                scope.spawn(move || {
                    for s in part {
                        black_box(engine.decide_with(s, options));
                    }
                });
            }
        });
        decide_two.push(start.elapsed().as_secs_f64());

        let start = Instant::now();
        black_box(touch(&records));
        touch_one.push(start.elapsed().as_secs_f64());

        let start = Instant::now();
        std::thread::scope(|scope| {
            for part in records.chunks(records.len().div_ceil(threads)) {
                let touch = &touch;
                scope.spawn(move || black_box(touch(part)));
            }
        });
        touch_two.push(start.elapsed().as_secs_f64());
    }
    let rate = |seconds: f64| BATCH as f64 / seconds / 1e6;
    let (s, p, d1, d2) = (
        median(sequential),
        median(parallel),
        median(decide_one),
        median(decide_two),
    );
    println!("{threads} threads, {BATCH} records, 1,000 rules, medians of {ROUNDS} rounds:");
    println!(
        "check_batch           {:7.2} ms  {:5.2} M records/s",
        s * 1e3,
        rate(s)
    );
    println!(
        "check_batch_parallel  {:7.2} ms  {:5.2} M records/s  {:.2}x",
        p * 1e3,
        rate(p),
        s / p
    );
    println!(
        "decide, one thread    {:7.2} ms  {:5.2} M records/s",
        d1 * 1e3,
        rate(d1)
    );
    println!(
        "decide, {threads} threads     {:7.2} ms  {:5.2} M records/s  {:.2}x",
        d2 * 1e3,
        rate(d2),
        d1 / d2
    );
    let (t1, t2) = (median(touch_one), median(touch_two));
    println!(
        "read only, {threads} threads  {:7.2} ms against {:.2} ms on one: {:.2}x",
        t2 * 1e3,
        t1 * 1e3,
        t1 / t2
    );
}

//! Party screening: a name against the OFAC SDN 2021 snapshot (about 9,000 entries and 12,000
//! aliases, 20,000 names and more), through the index and by a linear scan with the same
//! metric; loading the snapshot.
//!
//! ```text
//! cargo bench --bench parties
//! ```
//!
//! - `screen_one_name`: one name at a time (the median is the latency of one screening).
//! - `screen_names`: every query in turn (names/s).
//! - `scan_names`: the same queries by a linear scan of every name (the peer).
//! - `load_sdn_2021`: reading, normalising and indexing the snapshot from its text.

#[path = "common/sdn.rs"]
mod sdn;

use std::hint::black_box;
use std::sync::OnceLock;

use divan::counter::ItemsCount;
use export_control::parties::{DEFAULT_MIN_SCORE, Screen};

fn main() {
    divan::main();
}

fn fixture() -> &'static (Screen, Vec<String>) {
    static FIXTURE: OnceLock<(Screen, Vec<String>)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (s, a) = sdn::files();
        let book = sdn::book(&s, &a);
        let queries = sdn::queries(&book);
        let screen = Screen::new(book.lists().to_vec());
        eprintln!(
            "{} names indexed, {} queries",
            screen.names(),
            queries.len()
        );
        (screen, queries)
    })
}

#[divan::bench(sample_count = 500, sample_size = 10)]
fn screen_one_name(bencher: divan::Bencher<'_, '_>) {
    let (screen, queries) = fixture();
    let mut i = 0usize;
    bencher.bench_local(move || {
        let q = &queries[i % queries.len()];
        i += 1;
        black_box(screen.screen(q, DEFAULT_MIN_SCORE));
    });
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn screen_names(bencher: divan::Bencher<'_, '_>) {
    let (screen, queries) = fixture();
    bencher
        .counter(ItemsCount::new(queries.len()))
        .bench_local(|| {
            for q in queries {
                black_box(screen.screen(q, DEFAULT_MIN_SCORE));
            }
        });
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn scan_names(bencher: divan::Bencher<'_, '_>) {
    let (screen, queries) = fixture();
    // A tenth of the queries: the scan scores every name for each.
    let some: Vec<&String> = queries.iter().step_by(10).collect();
    // What the scan finds that the index does not, on these queries (printed once).
    let (mut scanned, mut missed) = (0usize, 0usize);
    for q in &some {
        let found: Vec<String> = screen
            .screen(q, DEFAULT_MIN_SCORE)
            .iter()
            .map(|h| h.entry.id.clone())
            .collect();
        for (_, entry, _) in screen.scan(q, DEFAULT_MIN_SCORE) {
            scanned += 1;
            missed += usize::from(!found.contains(&entry));
        }
    }
    eprintln!(
        "the scan's hits on {} queries: {scanned}, of which the index misses {missed}",
        some.len()
    );
    bencher
        .counter(ItemsCount::new(some.len()))
        .bench_local(|| {
            for q in &some {
                black_box(screen.scan(q, DEFAULT_MIN_SCORE));
            }
        });
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn load_sdn_2021(bencher: divan::Bencher<'_, '_>) {
    let (s, a) = sdn::files();
    bencher.bench_local(|| {
        let book = sdn::book(&s, &a);
        black_box(Screen::new(book.lists().to_vec()))
    });
}

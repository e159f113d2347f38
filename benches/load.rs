//! Loading and compiling rules: time at 1,000 and 10,000 rules, and memory. Divan's allocation
//! profiler counts the bytes each load allocates and frees; the difference is what the engine
//! keeps (the engine is returned, so it is dropped after the measurement).
//!
//! ```text
//! cargo bench --bench load
//! ```

#[path = "common/synth.rs"]
mod synth;

use divan::AllocProfiler;
use export_control::{Engine, Rulebook, Source};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

/// Parse, validate and compile `n` rules held in memory.
#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn load_and_compile(bencher: divan::Bencher<'_, '_>, n: usize) {
    let text = synth::rule_file(&synth::rules(n));
    bencher.bench_local(|| {
        let book = Rulebook::from_sources(vec![Source::new("synth.toml", text.clone())])
            .expect("generated rules load");
        Engine::new(book)
    });
}

/// The shipped rules, from disk.
#[divan::bench(sample_count = 20)]
fn load_shipped_rules() -> Engine {
    Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).expect("shipped rules load")
}

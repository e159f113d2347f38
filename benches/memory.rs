//! Memory per rule: the bytes a loaded rule book and its compiled engine keep, at 1,000 and
//! 10,000 generated rules; and memory of history: the bytes an in-memory history keeps per key
//! and day, at 100,000 and 1,000,000 generated records under the shipped rules. Counted by a
//! global allocator that wraps the system's.
//!
//! ```text
//! cargo bench --bench memory
//! ```
#![allow(
    unsafe_code,
    reason = "a counting global allocator implements the unsafe trait"
)]

#[path = "common/synth.rs"]
mod synth;
#[path = "common/trade.rs"]
mod trade;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

#[path = "common/sdn.rs"]
mod sdn;

use export_control::history::History;
use export_control::{Engine, Rulebook, Source};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call goes to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract is forwarded as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract is forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: the caller's contract is forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    // `cargo test --benches` runs bench targets with `--test`: nothing to measure then.
    if std::env::args().any(|a| a == "--test") {
        return;
    }
    println!(
        "{:>6}  {:>12}  {:>14}  {:>14}  {:>12}",
        "rules", "rule text", "rule book", "engine adds", "per rule"
    );
    for n in [1_000, 10_000] {
        // The text is counted too: the rule book keeps it (copied into the source), and the
        // original is freed inside the window.
        let before = LIVE.load(Ordering::SeqCst);
        let text = synth::rule_file(&synth::rules(n));
        let text_len = text.len();
        let book =
            Rulebook::from_sources(vec![Source::new("synth.toml", text)]).expect("rules load");
        let after_book = LIVE.load(Ordering::SeqCst);
        let engine = Engine::new(book);
        let after_engine = LIVE.load(Ordering::SeqCst);
        let total = after_engine - before;
        println!(
            "{n:>6}  {text_len:>10} B  {:>12} B  {:>12} B  {:>10} B",
            after_book - before,
            after_engine - after_book,
            total / n as isize
        );
        drop(engine);
    }
    println!(
        "(per rule: everything the rule book and the engine keep, the rule files' text included, \
         which the rule book keeps for explanations and error rendering)"
    );
    println!();
    println!(
        "{:>9}  {:>12}  {:>12}  {:>14}",
        "records", "entries", "history", "per entry"
    );
    let engine = Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).expect("rules");
    for n in [100_000, 1_000_000] {
        let records = trade::records(n, 2021);
        let before = LIVE.load(Ordering::SeqCst);
        let mut history = History::new();
        for s in &records {
            engine.record(&mut history, s);
        }
        let bytes = LIVE.load(Ordering::SeqCst) - before;
        let entries = history.aggregates().entries();
        println!(
            "{n:>9}  {entries:>12}  {bytes:>10} B  {:>12} B",
            bytes / entries.max(1) as isize
        );
    }
    println!(
        "(entries: the days of each series, each party's first day in each role, each import key's days; the \
         records themselves are not kept)"
    );
    println!();
    // Party lists: the OFAC SDN snapshot of 2021, its entries as loaded and its index.
    let (sdn_text, alt_text) = sdn::files();
    let before = LIVE.load(Ordering::SeqCst);
    let book = sdn::book(&sdn_text, &alt_text);
    let after_book = LIVE.load(Ordering::SeqCst);
    let screen = export_control::parties::Screen::new(book.lists().to_vec());
    let after_screen = LIVE.load(Ordering::SeqCst);
    let entries = book.lists()[0].entries.len();
    println!(
        "OFAC SDN 2021: {entries} entries, {} names and aliases; the rule book (files' text and \
         entries) {} B, the index (a copy of the entries, normalised names, block keys) {} B: \
         {} B per entry, {} B per entry for the index",
        screen.names(),
        after_book - before,
        after_screen - after_book,
        (after_screen - before) / entries.max(1) as isize,
        (after_screen - after_book) / entries.max(1) as isize,
    );
    drop(screen);
}

//! Memory per rule: the bytes a loaded rule book and its compiled engine keep, at 1,000 and
//! 10,000 generated rules, counted by a global allocator that wraps the system's.
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

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

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
}

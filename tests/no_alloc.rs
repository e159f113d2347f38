//! A check that returns `allowed` with no matches allocates nothing: counted by a global
//! allocator that wraps the system's (its own test binary, so no other test interferes).
#![allow(
    unsafe_code,
    reason = "a counting global allocator must implement the unsafe trait"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use export_control::{CheckOptions, Decision, Engine, Shipment};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the caller's contract is forwarded as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the caller's contract is forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn shipment(json: &str) -> Shipment {
    serde_json::from_str(json).unwrap()
}

#[test]
fn an_allowed_check_allocates_nothing() {
    let engine = Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap();
    let options = CheckOptions::default();
    let allowed = [
        // Wheat to China: no rule on its path.
        shipment(
            r#"{"id":"A","date":"2023-06-01","hs_code":"1001990000","export_country":"KZ","destination":"CN","origin":"KZ"}"#,
        ),
        // Arms after the suspension: rules on its path, none in force.
        shipment(
            r#"{"id":"B","date":"2023-09-01","hs_code":"930190","export_country":"KZ","destination":"AE"}"#,
        ),
        // Laptops from the UK to Germany, directly: chapter-84 rules on its path, another
        // destination and no transit (without `transit` the route is unknown: it might pass
        // through Russia, which a rule reviews).
        shipment(
            r#"{"id":"C","date":"2023-06-01","hs_code":"847130","export_country":"GB","destination":"DE","transit":[]}"#,
        ),
    ];
    for s in &allowed {
        let before = ALLOCATIONS.load(Ordering::SeqCst);
        let verdict = engine.check_with(s, &options);
        let after = ALLOCATIONS.load(Ordering::SeqCst);
        assert_eq!(verdict.decision, Decision::Allowed, "{}", s.id);
        assert!(verdict.matches.is_empty());
        assert_eq!(
            after - before,
            0,
            "check of {} allocated {} times",
            s.id,
            after - before
        );
        drop(verdict);
    }
    // The counter works: a check that matches allocates its explanation.
    let flagged = shipment(
        r#"{"id":"D","date":"2023-06-01","hs_code":"930190","export_country":"KZ","destination":"AE"}"#,
    );
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let verdict = engine.check_with(&flagged, &options);
    assert_eq!(verdict.decision, Decision::Prohibited);
    assert!(ALLOCATIONS.load(Ordering::SeqCst) > before);
}

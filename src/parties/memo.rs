//! Names screened before, with what screening gave them, so that a name met again is not
//! screened again.
//!
//! Trade data repeats its parties: the 2,848 records of the sample name 7,936 parties, 33 of
//! them distinct, and a shipper's declarations name the same few hundred counterparties all year.
//! Screening a name is a pure function of the name, the lists and the minimum score, so a
//! screening kept and given again is the screening that would be computed: the memo changes how
//! fast a verdict comes, never what it says (a property test compares the two).
//!
//! The memo keeps places in the index (list, entry, name, score), not [`Hit`](super::Hit)s,
//! which borrow the [`Screen`](super::Screen) that holds the memo. It holds at most
//! [`MEMO_NAMES`] names; when full it is emptied and fills again with the names that recur,
//! so its memory is bounded whatever the input (about 300 bytes a name: 5 MB at most).
//! Clones of a `Screen` start with an empty memo. A `Screen` used from several threads shares
//! one memo behind a lock held only to look a name up or to add one, never while screening.

use std::sync::{Arc, Mutex, MutexGuard};

use foldhash::HashMap;

use super::normalise::Normalised;

/// The most names a memo keeps; past it, it is emptied.
pub const MEMO_NAMES: usize = 16_384;

/// A place in the index that a screened name matched: the list, the entry, the entry's name
/// (its number in the index) and the score. One per entry, best first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Place {
    pub(crate) list: u32,
    pub(crate) entry: u32,
    pub(crate) score: f64,
    pub(crate) name: u32,
}

/// What screening one name gave, at one minimum score.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Screening {
    /// The name as screening compared it.
    pub(crate) normalised: Normalised,
    /// The minimum score it was screened at.
    pub(crate) min_score: f64,
    /// Its hits on every list, best first (see `Screen::screen_normalised`).
    pub(crate) places: Box<[Place]>,
}

/// Names screened before (see the [module](self)).
#[derive(Default)]
pub(crate) struct Memo(Mutex<HashMap<Box<str>, Arc<Screening>>>);

impl Memo {
    fn lock(&self) -> MutexGuard<'_, HashMap<Box<str>, Arc<Screening>>> {
        // A thread that panicked while holding the lock left the map whole: every change to it
        // is one call that cannot stop halfway.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The screening of `name` at `min_score`, if it was kept.
    pub(crate) fn get(&self, name: &str, min_score: f64) -> Option<Arc<Screening>> {
        self.lock()
            .get(name)
            .filter(|s| s.min_score.to_bits() == min_score.to_bits())
            .map(Arc::clone)
    }

    /// Keeps the screening of `name` (emptying the memo first when it is full).
    pub(crate) fn keep(&self, name: &str, screening: &Arc<Screening>) {
        let mut names = self.lock();
        if names.len() >= MEMO_NAMES && !names.contains_key(name) {
            names.clear();
        }
        names.insert(name.into(), Arc::clone(screening));
    }

    /// How many names it holds.
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }
}

impl Clone for Memo {
    /// An empty memo: what it holds is only ever a copy of what screening computes.
    fn clone(&self) -> Memo {
        Memo::default()
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Memo({} names)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parties::normalise;

    fn screening(name: &str, min_score: f64) -> Arc<Screening> {
        Arc::new(Screening {
            normalised: normalise(name),
            min_score,
            places: Box::new([]),
        })
    }

    #[test]
    fn a_name_is_given_back_at_its_own_minimum_score_only() {
        let memo = Memo::default();
        assert!(memo.get("Acme", 0.88).is_none());
        let kept = screening("Acme", 0.88);
        memo.keep("Acme", &kept);
        assert!(Arc::ptr_eq(&memo.get("Acme", 0.88).expect("kept"), &kept));
        assert!(memo.get("Acme", 0.9).is_none());
        assert!(
            memo.get("acme", 0.88).is_none(),
            "names are kept as written"
        );
        assert_eq!(memo.len(), 1);
    }

    #[test]
    fn a_full_memo_is_emptied_before_it_grows_past_its_bound() {
        let memo = Memo::default();
        let kept = screening("x", 0.88);
        for i in 0..MEMO_NAMES {
            memo.keep(&format!("name {i}"), &kept);
        }
        assert_eq!(memo.len(), MEMO_NAMES);
        // A name it holds is replaced in place.
        memo.keep("name 7", &kept);
        assert_eq!(memo.len(), MEMO_NAMES);
        memo.keep("one more", &kept);
        assert_eq!(memo.len(), 1);
        assert!(memo.get("one more", 0.88).is_some());
        assert!(memo.get("name 7", 0.88).is_none());
    }

    #[test]
    fn a_clone_starts_empty() {
        let memo = Memo::default();
        memo.keep("Acme", &screening("Acme", 0.88));
        assert_eq!(memo.clone().len(), 0);
        assert_eq!(format!("{memo:?}"), "Memo(1 names)");
    }
}

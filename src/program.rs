//! Rules' conditions compiled for checking: each rule's `when` and `unless` as a run of
//! operations in one array, with the values a check compares (HS prefixes, country sets, the
//! other tests) in arrays beside it. A check reads a rule's operations in order, from one place
//! in memory, instead of following the validated model's tree; the model keeps what reasons
//! quote (group names, lists as written), found again by leaf number when a rule matches.
//!
//! Operations are in preorder: a composite (`All`, `Any`) is followed by its parts and says how
//! many operations they take; `Not` is followed by the part it negates. Leaves are numbered in
//! the same order as [`Condition::for_each_leaf`](crate::rule::Condition) visits them, `when`'s
//! first, then `unless`'s.

use std::collections::HashMap;
use std::ops::Range;

use crate::country::CountrySet;
use crate::hs::HsPrefix;
use crate::rule::{Condition, CountryField, Test};

/// A run of HS prefixes in [`Program::prefixes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prefixes {
    pub start: u32,
    pub len: u32,
}

/// One operation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    /// Every part must hold; the parts take the next `len` operations.
    All { len: u32 },
    /// One part must hold; the parts take the next `len` operations.
    Any { len: u32 },
    /// The part that follows must not hold.
    Not,
    /// The HS code starts with one of `include` and none of `except`.
    Hs {
        leaf: u16,
        include: Prefixes,
        except: Prefixes,
    },
    /// A country field is (`negated`: is not) in `sets[set]`.
    Country {
        leaf: u16,
        field: CountryField,
        negated: bool,
        set: u32,
    },
    /// Any other test, `others[test]` (its reasons are written as it is evaluated).
    Other { test: u32 },
}

/// The compiled conditions of every rule of an engine.
#[derive(Debug, Clone, Default)]
pub(crate) struct Program {
    pub ops: Vec<Op>,
    pub prefixes: Vec<HsPrefix>,
    pub sets: Vec<CountrySet>,
    pub others: Vec<Test>,
    /// Prefix lists and sets already stored, to share them between rules.
    shared_prefixes: HashMap<Vec<HsPrefix>, Prefixes>,
    shared_sets: HashMap<CountrySet, u32>,
}

fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Program {
    /// Compiles a condition; returns where its operations lie in [`Program::ops`]. `leaf` is the
    /// number of the condition's first leaf and comes back past its last.
    pub fn add(&mut self, condition: &Condition, leaf: &mut u16) -> Range<u32> {
        let start = self.ops.len();
        self.push(condition, leaf);
        index(start)..index(self.ops.len())
    }

    /// The operations at `range`.
    #[inline]
    pub fn ops(&self, range: &Range<u32>) -> &[Op] {
        self.ops
            .get(range.start as usize..range.end as usize)
            .unwrap_or_default()
    }

    /// The prefixes of a run.
    #[inline]
    pub fn prefixes(&self, run: Prefixes) -> &[HsPrefix] {
        let start = run.start as usize;
        self.prefixes
            .get(start..start + run.len as usize)
            .unwrap_or_default()
    }

    /// Frees what only compiling needed.
    pub fn finish(&mut self) {
        self.shared_prefixes = HashMap::new();
        self.shared_sets = HashMap::new();
        self.ops.shrink_to_fit();
        self.prefixes.shrink_to_fit();
        self.sets.shrink_to_fit();
        self.others.shrink_to_fit();
    }

    fn push(&mut self, condition: &Condition, leaf: &mut u16) {
        match condition {
            Condition::All(parts) | Condition::Any(parts) => {
                let at = self.ops.len();
                self.ops.push(Op::Not); // a placeholder for the header
                for part in parts {
                    self.push(part, leaf);
                }
                let len = index(self.ops.len() - at - 1);
                if let Some(op) = self.ops.get_mut(at) {
                    *op = if matches!(condition, Condition::All(_)) {
                        Op::All { len }
                    } else {
                        Op::Any { len }
                    };
                }
            }
            Condition::Not(inner) => {
                self.ops.push(Op::Not);
                self.push(inner, leaf);
            }
            Condition::Leaf(l) => {
                let number = *leaf;
                *leaf = leaf.saturating_add(1);
                let op = match &l.test {
                    Test::Hs { include, except } => Op::Hs {
                        leaf: number,
                        include: self.prefix_run(&include.prefixes),
                        except: self.prefix_run(&except.prefixes),
                    },
                    Test::Country {
                        field,
                        negated,
                        list,
                    } => Op::Country {
                        leaf: number,
                        field: *field,
                        negated: *negated,
                        set: self.set(list.set),
                    },
                    other => {
                        self.others.push(other.clone());
                        Op::Other {
                            test: index(self.others.len() - 1),
                        }
                    }
                };
                self.ops.push(op);
            }
        }
    }

    fn prefix_run(&mut self, prefixes: &[HsPrefix]) -> Prefixes {
        if let Some(run) = self.shared_prefixes.get(prefixes) {
            return *run;
        }
        let run = Prefixes {
            start: index(self.prefixes.len()),
            len: index(prefixes.len()),
        };
        self.prefixes.extend_from_slice(prefixes);
        self.shared_prefixes.insert(prefixes.to_vec(), run);
        run
    }

    fn set(&mut self, set: CountrySet) -> u32 {
        if let Some(n) = self.shared_sets.get(&set) {
            return *n;
        }
        self.sets.push(set);
        let n = index(self.sets.len() - 1);
        self.shared_sets.insert(set, n);
        n
    }
}

/// How many operations the part at the start of `ops` takes.
pub(crate) fn extent(ops: &[Op]) -> usize {
    match ops.first() {
        Some(Op::All { len } | Op::Any { len }) => 1 + *len as usize,
        Some(Op::Not) => 1 + extent(ops.get(1..).unwrap_or_default()),
        Some(_) => 1,
        None => 0,
    }
}

//! Rules' conditions compiled for checking: each rule's `when` and `unless` as a run of
//! operations in one array, with the values a check compares (HS prefixes, country sets, the
//! other tests) in arrays beside it. A check reads a rule's operations in order, from one place
//! in memory, instead of following the validated model's tree; the model keeps what reasons
//! quote (group names, lists as written), found again by leaf number when a rule matches.
//!
//! Operations are in preorder: a composite (`All`, `Any`) is followed by its parts and says how
//! many operations they take; `Not` is followed by the part it negates. Each leaf operation
//! carries a number that finds the model's leaf again ([`Program::leaf`]), for its reason.

use std::collections::HashMap;
use std::ops::Range;

use crate::country::CountrySet;
use crate::hs::HsPrefix;
use crate::rule::{Condition, CountryField, Leaf, Rule, Test};

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
        leaf: u32,
        include: Prefixes,
        except: Prefixes,
    },
    /// A country field is (`negated`: is not) in `sets[set]`.
    Country {
        leaf: u32,
        field: CountryField,
        negated: bool,
        set: u32,
    },
    /// Any other test, `others[test]` (its reasons are written as it is evaluated, or, for the
    /// tests whose reason costs nothing to give again, from the leaf when a rule matches).
    Other { leaf: u32, test: u32 },
}

/// The compiled conditions of every rule of an engine.
#[derive(Debug, Clone, Default)]
pub(crate) struct Program {
    pub ops: Vec<Op>,
    pub prefixes: Vec<HsPrefix>,
    pub sets: Vec<CountrySet>,
    pub others: Vec<Test>,
    /// For each leaf (by the number its operation carries), where its steps lie in `steps`.
    paths: Vec<(u32, u32)>,
    /// The way from a rule to each leaf: 0 for `when` or 1 for `unless`, then the part taken at
    /// each composite (`not` counts as one part).
    steps: Vec<u16>,
    /// Prefix lists and sets already stored, to share them between rules.
    shared_prefixes: HashMap<Vec<HsPrefix>, Prefixes>,
    shared_sets: HashMap<CountrySet, u32>,
}

fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Program {
    /// Compiles a rule's `when` (`root` 0) or `unless` (1); returns where its operations lie in
    /// [`Program::ops`].
    pub fn add(&mut self, condition: &Condition, root: u16) -> Range<u32> {
        let start = self.ops.len();
        let mut path = vec![root];
        self.push(condition, &mut path);
        index(start)..index(self.ops.len())
    }

    /// The leaf of `rule` that leaf operation `leaf` was compiled from.
    pub fn leaf<'r>(&self, rule: &'r Rule, leaf: u32) -> Option<&'r Leaf> {
        let (start, len) = *self.paths.get(leaf as usize)?;
        let steps = self.steps.get(start as usize..(start + len) as usize)?;
        let (root, steps) = steps.split_first()?;
        let mut condition = match root {
            0 => &rule.when,
            _ => rule.unless.as_ref()?,
        };
        for &step in steps {
            condition = match condition {
                Condition::All(parts) | Condition::Any(parts) => parts.get(usize::from(step))?,
                Condition::Not(inner) => inner,
                Condition::Leaf(_) => return None,
            };
        }
        match condition {
            Condition::Leaf(leaf) => Some(leaf),
            _ => None,
        }
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
        self.paths.shrink_to_fit();
        self.steps.shrink_to_fit();
    }

    fn push(&mut self, condition: &Condition, path: &mut Vec<u16>) {
        match condition {
            Condition::All(parts) | Condition::Any(parts) => {
                let at = self.ops.len();
                self.ops.push(Op::Not); // a placeholder for the header
                for (n, part) in parts.iter().enumerate() {
                    path.push(u16::try_from(n).unwrap_or(u16::MAX));
                    self.push(part, path);
                    path.pop();
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
                path.push(0);
                self.push(inner, path);
                path.pop();
            }
            Condition::Leaf(l) => {
                let number = index(self.paths.len());
                self.paths
                    .push((index(self.steps.len()), index(path.len())));
                self.steps.extend_from_slice(path);
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
                            leaf: number,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rulebook;

    #[test]
    #[cfg(feature = "authoring")]
    fn rules_naming_one_list_share_it_and_finish_frees_what_sharing_needed() {
        let book = Rulebook::load("rules").expect("the shipped rules");
        let mut program = Program::default();
        let mut runs = 0;
        for (_, rule) in book.rules() {
            let range = program.add(&rule.when, 0);
            runs += program
                .ops(&range)
                .iter()
                .filter(|op| matches!(op, Op::Hs { .. }))
                .count();
        }
        // The Common High Priority List is named by rules of several rule sets: its 50
        // subheadings are stored once, so the prefixes stored are fewer than those named.
        let mut named = 0;
        for (_, rule) in book.rules() {
            rule.when.for_each_leaf(&mut |leaf| {
                if let Test::Hs { include, except } = &leaf.test {
                    named += include.prefixes.len() + except.prefixes.len();
                }
            });
        }
        assert!(runs > 10);
        assert!(
            program.prefixes.len() < named,
            "{} of {named}",
            program.prefixes.len()
        );
        assert!(!program.shared_prefixes.is_empty() && !program.shared_sets.is_empty());
        program.finish();
        assert!(program.shared_prefixes.is_empty() && program.shared_sets.is_empty());
        assert!(program.shared_prefixes.capacity() == 0 && program.shared_sets.capacity() == 0);
    }
}

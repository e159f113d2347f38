//! The HS-prefix index: which rules a record's HS code can reach.
//!
//! A rule whose conditions require an HS code prefix at the top level (every rule of the shipped
//! rule sets) is filed under each of its prefixes in a trie over the ten digits; any other rule
//! goes on a fallback list that every check visits. Looking up a code walks at most ten nodes and
//! collects the rules filed along the path, so the cost of a check grows with the number of rules
//! that could match, not with the number of rules loaded.
//!
//! The index only narrows the candidates: each candidate is still evaluated in full, so a rule the
//! index files too widely costs time, never a wrong verdict. The property test in
//! `tests/integration/props.rs` checks indexed checks against a scan of every rule.

use crate::hs::{HsCode, HsPrefix};
use crate::rule::{Condition, Test};

/// No child: the root is node 0 and is never anyone's child.
const NONE: u32 = 0;

#[derive(Debug, Clone, Default)]
struct Node {
    children: [u32; 10],
    rules: Vec<u32>,
}

/// A trie over HS digits from prefixes to rule numbers, plus the rules it cannot file.
///
/// The first four digits (the heading) are looked up in a table instead of walked: every code
/// has them, and they are where most records' walks spent their time (four dependent reads).
#[derive(Debug, Clone)]
pub(crate) struct HsIndex {
    nodes: Vec<Node>,
    fallback: Vec<u32>,
    /// For each heading `0000..=9999`, 1 + the index of its entry in `heads`, or 0 when no rule
    /// lies on its path.
    heading: Vec<u32>,
    heads: Vec<Head>,
    /// The rules of every head, one after the other.
    head_rules: Vec<u32>,
    /// For a node six to nine digits deep with rules filed below it, those rules (each once,
    /// in order): a code that ends at that node is too short to tell them, so they are its
    /// candidates too (they come out unknown, never silently false).
    below: foldhash::HashMap<u32, Box<[u32]>>,
}

/// What the first four digits of a code reach: the rules filed at two, three and four digits
/// (shortest first) and the trie node to walk on from.
#[derive(Debug, Clone, Copy)]
struct Head {
    rules_start: u32,
    rules_end: u32,
    node: u32,
}

/// The HS prefixes a condition requires at its top level, if it requires any.
pub(crate) fn required_prefixes(condition: &Condition) -> Option<Vec<HsPrefix>> {
    match condition {
        Condition::Leaf(leaf) => match &leaf.test {
            Test::Hs { include, .. } => Some(include.prefixes.clone()),
            _ => None,
        },
        Condition::All(parts) => parts.iter().find_map(required_prefixes),
        Condition::Any(_) | Condition::Not(_) => None,
    }
}

impl HsIndex {
    /// Files each rule (numbered by position) under the prefixes its condition requires.
    pub fn build<'a>(conditions: impl IntoIterator<Item = &'a Condition>) -> HsIndex {
        let mut index = HsIndex {
            nodes: vec![Node::default()],
            fallback: Vec::new(),
            heading: Vec::new(),
            heads: Vec::new(),
            head_rules: Vec::new(),
            below: foldhash::HashMap::default(),
        };
        for (number, condition) in conditions.into_iter().enumerate() {
            let number = u32::try_from(number).unwrap_or(u32::MAX);
            match required_prefixes(condition) {
                Some(prefixes) => {
                    // A prefix inside another of the same rule adds nothing: file the shorter
                    // only, so a rule is reached at most once along any path.
                    let mut prefixes = prefixes;
                    prefixes.sort();
                    prefixes.dedup();
                    for prefix in &prefixes {
                        let covered = prefixes
                            .iter()
                            .any(|other| other != prefix && prefix.is_within(other));
                        if !covered {
                            index.insert(prefix, number);
                        }
                    }
                }
                None => index.fallback.push(number),
            }
        }
        index.nodes.shrink_to_fit();
        for node in &mut index.nodes {
            node.rules.shrink_to_fit();
        }
        index.build_heads();
        index.build_below();
        index
    }

    /// Fills [`HsIndex::below`]: the rules strictly below each node at depth six to nine.
    fn build_below(&mut self) {
        let mut stack = vec![(0usize, 0usize)];
        let mut deep = Vec::new();
        while let Some((node, depth)) = stack.pop() {
            if (6..crate::hs::MAX_DIGITS).contains(&depth) {
                deep.push(node);
            }
            if let Some(n) = self.nodes.get(node) {
                for &child in &n.children {
                    if child != NONE {
                        stack.push((child as usize, depth + 1));
                    }
                }
            }
        }
        for node in deep {
            let mut rules = Vec::new();
            let mut stack: Vec<usize> = self
                .nodes
                .get(node)
                .map(|n| {
                    n.children
                        .iter()
                        .filter(|&&c| c != NONE)
                        .map(|&c| c as usize)
                        .collect()
                })
                .unwrap_or_default();
            while let Some(at) = stack.pop() {
                if let Some(n) = self.nodes.get(at) {
                    rules.extend_from_slice(&n.rules);
                    stack.extend(
                        n.children
                            .iter()
                            .filter(|&&c| c != NONE)
                            .map(|&c| c as usize),
                    );
                }
            }
            rules.sort_unstable();
            rules.dedup();
            if !rules.is_empty() {
                self.below.insert(
                    u32::try_from(node).unwrap_or(u32::MAX),
                    rules.into_boxed_slice(),
                );
            }
        }
    }

    /// The node a path of digits leads to from `node`, if the trie has it.
    fn child(&self, node: usize, digit: usize) -> Option<usize> {
        let child = *self.nodes.get(node)?.children.get(digit)?;
        (child != NONE).then_some(child as usize)
    }

    fn build_heads(&mut self) {
        let mut heading = vec![0u32; 10_000];
        for (h, slot) in heading.iter_mut().enumerate() {
            let digits = [h / 1000, h / 100 % 10, h / 10 % 10, h % 10];
            let start = self.head_rules.len();
            let mut node = 0usize;
            let mut reached = 0;
            for digit in digits {
                let Some(next) = self.child(node, digit) else {
                    break;
                };
                node = next;
                reached += 1;
                if let Some(n) = self.nodes.get(node) {
                    self.head_rules.extend_from_slice(&n.rules);
                }
            }
            let walk_on = if reached == 4 { node } else { 0 };
            if self.head_rules.len() > start || walk_on != 0 {
                self.heads.push(Head {
                    rules_start: u32::try_from(start).unwrap_or(u32::MAX),
                    rules_end: u32::try_from(self.head_rules.len()).unwrap_or(u32::MAX),
                    node: u32::try_from(walk_on).unwrap_or(u32::MAX),
                });
                *slot = u32::try_from(self.heads.len()).unwrap_or(u32::MAX);
            }
        }
        self.heading = heading;
        self.head_rules.shrink_to_fit();
        self.heads.shrink_to_fit();
    }

    fn insert(&mut self, prefix: &HsPrefix, rule: u32) {
        let mut node = 0usize;
        for digit in prefix.digits() {
            let d = usize::from(digit - b'0');
            let child = self
                .nodes
                .get(node)
                .and_then(|n| n.children.get(d))
                .copied()
                .unwrap_or(NONE);
            node = if child == NONE {
                let new = self.nodes.len();
                self.nodes.push(Node::default());
                if let Some(slot) = self.nodes.get_mut(node).and_then(|n| n.children.get_mut(d)) {
                    *slot = u32::try_from(new).unwrap_or(u32::MAX);
                }
                new
            } else {
                child as usize
            };
        }
        if let Some(n) = self.nodes.get_mut(node) {
            n.rules.push(rule);
        }
    }

    /// Calls `visit` with every rule number the code can reach: the fallback list, then the rules
    /// filed along the code's path, shortest prefix first. Each rule is visited at most once.
    #[inline]
    pub fn for_each_candidate(&self, code: &HsCode, mut visit: impl FnMut(u32)) {
        for &rule in &self.fallback {
            visit(rule);
        }
        let digits = code.digits();
        let heading = digits
            .iter()
            .take(4)
            .fold(0usize, |h, d| h * 10 + usize::from(d.wrapping_sub(b'0')));
        let Some(head) = self
            .heading
            .get(heading)
            .and_then(|&slot| self.heads.get((slot as usize).checked_sub(1)?))
        else {
            return;
        };
        let rules = self
            .head_rules
            .get(head.rules_start as usize..head.rules_end as usize)
            .unwrap_or_default();
        for &rule in rules {
            visit(rule);
        }
        let mut node = head.node as usize;
        if node == 0 {
            return;
        }
        for digit in digits.iter().skip(4) {
            let d = usize::from(digit.wrapping_sub(b'0'));
            let Some(&child) = self.nodes.get(node).and_then(|n| n.children.get(d)) else {
                return;
            };
            if child == NONE {
                return;
            }
            node = child as usize;
            if let Some(n) = self.nodes.get(node) {
                for &rule in &n.rules {
                    visit(rule);
                }
            }
        }
        // The code ends here: the rules of finer codes below it cannot be told apart.
        if digits.len() < crate::hs::MAX_DIGITS
            && !self.below.is_empty()
            && let Some(rules) = self.below.get(&u32::try_from(node).unwrap_or(u32::MAX))
        {
            for &rule in rules.iter() {
                visit(rule);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Rulebook, Source};

    const SET: &str = "[ruleset]\nid = \"s\"\ntitle = \"t\"\nauthority = \"a\"\njurisdiction = \"KZ\"\n\
        citations = [\"c\"]\nsources = [\"s\"]\nversion = \"1\"\nstatus = \"draft\"\n\
        [[rule]]\nid = \"chips\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = { hs_code = [\"8542\", \"854231\"] }\n\
        [[rule]]\nid = \"arms\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = { hs_code = [\"93\"], destination = [\"RU\"] }\n\
        [[rule]]\nid = \"anything-to-ru\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = { destination = [\"RU\"] }\n\
        [[rule]]\nid = \"not-arms\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = { not = { hs_code = [\"93\"] } }\n";

    fn candidates(code: &str) -> Vec<u32> {
        let book = Rulebook::from_sources(vec![Source::new("s.toml", SET)]).unwrap();
        let index = HsIndex::build(book.rules().map(|(_, r)| &r.when));
        let mut out = Vec::new();
        index.for_each_candidate(&code.parse().unwrap(), |n| out.push(n));
        out
    }

    #[test]
    fn only_rules_on_the_code_path_and_the_fallback_are_candidates() {
        // Rules 2 and 3 name no required HS prefix: every check visits them.
        assert_eq!(candidates("8542310000"), [2, 3, 0]);
        assert_eq!(candidates("9301900000"), [2, 3, 1]);
        assert_eq!(candidates("1001990000"), [2, 3]);
    }

    #[test]
    fn a_prefix_inside_another_of_the_same_rule_is_filed_once() {
        let chips = candidates("8542310000")
            .into_iter()
            .filter(|n| *n == 0)
            .count();
        assert_eq!(chips, 1);
    }
}

//! The records the reports show in full: for each verdict and the rule that decided it, the
//! first records by date (at most a limit of them), and how many others there were. The
//! memory an audit keeps for its report is bounded by the limit and the number of groups, not
//! by the size of the input; the totals elsewhere in the summary count every record.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use chrono::NaiveDate;

use super::row::{AuditRow, VERDICTS};

/// A group of the detail section: a verdict (its place in [`VERDICTS`]; records that could
/// not be read last) and the rule that gave it (the first, by id, of those that did; empty for
/// a record that could not be read).
pub type GroupKey = (usize, String);

/// One group's records: the kept ones and how many there were in all.
#[derive(Debug, Default)]
pub struct Group<'e> {
    kept: BinaryHeap<Kept<'e>>,
    total: u64,
}

/// A record kept, ordered by date, then by input line (so the heap's top is the latest).
#[derive(Debug)]
struct Kept<'e> {
    key: (Option<NaiveDate>, u64),
    row: AuditRow<'e>,
}

impl PartialEq for Kept<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Kept<'_> {}
impl PartialOrd for Kept<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Kept<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// A group as the reports show it: its key, its records in order, and how many more it had.
pub struct Shown<'a, 'e> {
    pub verdict: &'static str,
    pub rule: &'a str,
    pub rows: Vec<&'a AuditRow<'e>>,
    pub total: u64,
}

impl Shown<'_, '_> {
    /// The records of the group not shown.
    pub fn omitted(&self) -> u64 {
        self.total - self.rows.len() as u64
    }
}

/// The records not allowed, as many of each group as the limit.
#[derive(Debug)]
pub struct Detail<'e> {
    limit: usize,
    groups: BTreeMap<GroupKey, Group<'e>>,
}

impl<'e> Detail<'e> {
    /// At most `limit` records of each group.
    pub fn new(limit: usize) -> Detail<'e> {
        Detail {
            limit,
            groups: BTreeMap::new(),
        }
    }

    /// The most records of a group shown.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Takes a record not allowed (an allowed one is ignored).
    pub fn add(&mut self, row: &AuditRow<'e>) {
        if row.verdict() == "allowed" {
            return;
        }
        let group = self.groups.entry(group_of(row)).or_default();
        group.total += 1;
        let key = (row.shipment.as_ref().map(|s| s.date), row.record.line);
        if group.kept.len() < self.limit {
            group.kept.push(Kept {
                key,
                row: row.clone(),
            });
        } else if group.kept.peek().is_some_and(|latest| key < latest.key) {
            group.kept.pop();
            group.kept.push(Kept {
                key,
                row: row.clone(),
            });
        }
    }

    /// The groups in report order (prohibited first, records that could not be read last;
    /// then by rule), each with its records by date, then by line.
    pub fn groups(&self) -> Vec<Shown<'_, 'e>> {
        self.groups
            .iter()
            .map(|((verdict, rule), group)| {
                let mut kept: Vec<&Kept<'e>> = group.kept.iter().collect();
                kept.sort_by_key(|k| k.key);
                Shown {
                    verdict: VERDICTS.get(*verdict).copied().unwrap_or("invalid"),
                    rule,
                    rows: kept.into_iter().map(|k| &k.row).collect(),
                    total: group.total,
                }
            })
            .collect()
    }
}

/// A record's group: its verdict's place and the first, by id, of the rules that gave it.
fn group_of(row: &AuditRow<'_>) -> GroupKey {
    let verdict = VERDICTS
        .iter()
        .position(|v| *v == row.verdict())
        .unwrap_or(VERDICTS.len());
    let decision = row.decision();
    let rule = row
        .record
        .matches
        .iter()
        .filter(|m| Some(m.effect()) == decision)
        .map(|m| m.rule.as_ref())
        .min()
        .unwrap_or_default();
    (verdict, rule.to_owned())
}

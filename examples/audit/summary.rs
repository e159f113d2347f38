//! Totals over a whole run: by verdict, rule, HS chapter and destination, and the value stopped.

use std::collections::BTreeMap;

use export_control::{Decision, Outcome};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::InputInfo;
use crate::output::AuditRow;

/// The verdict names in report order.
pub const VERDICTS: [&str; 5] = [
    "prohibited",
    "license_required",
    "review",
    "allowed",
    "invalid",
];

/// Records per verdict, in [`VERDICTS`] order.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts(pub [u64; 5]);

impl Counts {
    fn add(&mut self, verdict: &str) {
        if let Some(i) = VERDICTS.iter().position(|v| *v == verdict) {
            self.0[i] += 1;
        }
    }
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

/// How often one rule played a part.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleCount {
    pub ruleset: String,
    pub verdict: String,
    pub fired: u64,
    pub undetermined: u64,
    pub exempted: u64,
    pub licensed: u64,
}

/// Everything the summary line and the reports need.
pub struct Summary<'e> {
    fail_on: Decision,
    keep_rows: bool,
    pub verdicts: Counts,
    pub by_rule: BTreeMap<String, RuleCount>,
    pub by_chapter: BTreeMap<String, Counts>,
    pub by_destination: BTreeMap<String, Counts>,
    /// Value of the records at or above the fail-on level, per currency.
    pub stopped: BTreeMap<String, Decimal>,
    /// Records at or above the fail-on level that declare no value.
    pub stopped_without_value: u64,
    /// Value stopped per currency, month (`YYYY-MM`) and HS chapter.
    pub stopped_by_month: BTreeMap<(String, String, String), Decimal>,
    /// Rows not allowed (kept only for reports), in input order.
    pub flagged: Vec<AuditRow<'e>>,
    failing: u64,
}

impl<'e> Summary<'e> {
    pub fn new(fail_on: Decision, keep_rows: bool) -> Summary<'e> {
        Summary {
            fail_on,
            keep_rows,
            verdicts: Counts::default(),
            by_rule: BTreeMap::new(),
            by_chapter: BTreeMap::new(),
            by_destination: BTreeMap::new(),
            stopped: BTreeMap::new(),
            stopped_without_value: 0,
            stopped_by_month: BTreeMap::new(),
            flagged: Vec::new(),
            failing: 0,
        }
    }

    pub fn add(&mut self, row: &AuditRow<'e>) {
        self.verdicts.add(row.verdict());
        for m in &row.record.matches {
            let count = self
                .by_rule
                .entry(m.rule.to_string())
                .or_insert_with(|| RuleCount {
                    ruleset: m.ruleset.to_string(),
                    verdict: m.decision.to_string(),
                    ..RuleCount::default()
                });
            match m.outcome {
                Outcome::Fired => count.fired += 1,
                Outcome::Undetermined => count.undetermined += 1,
                Outcome::Exempted => count.exempted += 1,
                Outcome::Licensed => count.licensed += 1,
                _ => {}
            }
        }
        let (chapter, destination) = match &row.shipment {
            Some(s) => (s.hs_code.chapter().to_owned(), s.destination.to_string()),
            None => ("??".to_owned(), "??".to_owned()),
        };
        self.by_chapter
            .entry(chapter.clone())
            .or_default()
            .add(row.verdict());
        self.by_destination
            .entry(destination)
            .or_default()
            .add(row.verdict());
        let failing = match row.decision() {
            Some(d) => d >= self.fail_on,
            None => true,
        };
        if failing {
            self.failing += 1;
        }
        if let (Some(d), Some(s)) = (row.decision(), &row.shipment)
            && d >= self.fail_on
        {
            match (s.value, &s.currency) {
                (Some(value), Some(currency)) => {
                    *self.stopped.entry(currency.clone()).or_default() += value;
                    let month = s.date.format("%Y-%m").to_string();
                    *self
                        .stopped_by_month
                        .entry((currency.clone(), month, chapter))
                        .or_default() += value;
                }
                _ => self.stopped_without_value += 1,
            }
        }
        if self.keep_rows && row.verdict() != "allowed" {
            self.flagged.push(row.clone());
        }
    }

    /// Whether the run fails: a record at or above the fail-on level, or an invalid record.
    pub fn failed(&self) -> bool {
        self.failing > 0
    }

    pub fn stderr_line(&self, seconds: f64) -> String {
        let total = self.verdicts.total();
        let rate = if seconds > 0.0 {
            total as f64 / seconds
        } else {
            0.0
        };
        let parts: Vec<String> = VERDICTS
            .iter()
            .zip(self.verdicts.0)
            .map(|(v, n)| format!("{n} {v}"))
            .collect();
        format!(
            "audit: {total} records in {seconds:.2} s ({rate:.0} records/s): {}",
            parts.join(", ")
        )
    }

    pub fn json(&self, input: &InputInfo) -> serde_json::Value {
        let verdicts: BTreeMap<&str, u64> = VERDICTS.iter().copied().zip(self.verdicts.0).collect();
        serde_json::json!({
            "input": {"name": input.name, "sha256": input.digest, "bytes": input.bytes},
            "records": self.verdicts.total(),
            "verdicts": verdicts,
            "fail_on": self.fail_on,
            "by_rule": self.by_rule,
            "value_stopped": self.stopped,
            "stopped_without_value": self.stopped_without_value,
        })
    }
}

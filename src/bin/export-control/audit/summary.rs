//! Totals over a whole run: by verdict, rule, HS chapter and destination, and the value stopped.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use export_control::history::{Aggregates, Key, Series};
use export_control::licences::LicenceBalance;
use export_control::{Because, Decision, Outcome};
use rust_decimal::Decimal;
use serde::Serialize;

use super::InputInfo;
use super::row::AuditRow;

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

/// A sum of amounts, checked: once it would overflow a `Decimal` it stays "over", rather than
/// panicking or wrapping. (Amounts are at most `MAX_AMOUNT` each when read, so a real audit
/// would need billions of records to get there.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total(Option<Decimal>);

impl Default for Total {
    fn default() -> Self {
        Total(Some(Decimal::ZERO))
    }
}

impl Total {
    pub fn add(&mut self, value: Decimal) {
        self.0 = self.0.and_then(|t| t.checked_add(value));
    }

    pub fn plus(mut self, other: Total) -> Total {
        match other.0 {
            Some(v) => self.add(v),
            None => self.0 = None,
        }
        self
    }

    /// The sum, `None` once it overflowed.
    pub fn value(self) -> Option<Decimal> {
        self.0
    }
}

impl PartialOrd for Total {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Total {
    /// An overflowed sum is larger than any other.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self.0, other.0) {
            (Some(a), Some(b)) => a.cmp(&b),
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(_), None) => std::cmp::Ordering::Less,
        }
    }
}

/// A total as the reports show it: its digits grouped in thousands.
impl std::fmt::Display for Total {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(v) => f.write_str(&grouped(v)),
            None => write!(f, "more than {}", grouped(Decimal::MAX)),
        }
    }
}

/// An amount with its whole digits grouped in thousands by commas (`1,700,000.00`), its
/// fraction as it is.
pub fn grouped(amount: Decimal) -> String {
    let text = amount.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

impl Serialize for Total {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(v) => Serialize::serialize(&v, s),
            None => s.serialize_str("overflow"),
        }
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
    pub stopped: BTreeMap<String, Total>,
    /// Records at or above the fail-on level that declare no value.
    pub stopped_without_value: u64,
    /// Value stopped per currency, month (`YYYY-MM`) and HS chapter.
    pub stopped_by_month: BTreeMap<(String, String, String), Total>,
    /// Rows not allowed (kept only for reports), in input order.
    pub flagged: Vec<AuditRow<'e>>,
    /// Each spike key some record was flagged for, by rule and key.
    pub spikes: BTreeMap<(String, Key, String), SpikeSeries>,
    /// What records did with each licence they carried, by licence number.
    pub licences: BTreeMap<String, LicenceUse>,
    /// The licence register files given beside the rules (`--licences`): name and SHA-256.
    pub registers: Vec<(String, String)>,
    failing: u64,
}

/// What the records of the audit did with one licence.
#[derive(Debug, Clone, Default)]
pub struct LicenceUse {
    /// The records that drew on it, in input order: id, date, and its balances with them.
    pub drew: Vec<(String, NaiveDate, Vec<LicenceBalance>)>,
    /// The records it did not cover, in input order: id, date, and why.
    pub refused: Vec<(String, NaiveDate, String)>,
}

/// A spike key the audit flagged: its baseline and monthly totals.
#[derive(Debug, Clone, Default)]
pub struct SpikeSeries {
    /// The average window of the baseline year.
    pub baseline: Decimal,
    /// The baseline year.
    pub baseline_year: i32,
    /// The statistics file the baseline comes from, as loaded; `None` when it comes from the
    /// records.
    pub statistics_file: Option<String>,
    /// How many records the rule flagged for the key.
    pub flagged: u64,
    /// The key's total per month (`YYYY-MM`), from the history when the audit has it, else the
    /// largest month-to-date total a flagged record showed.
    pub months: BTreeMap<String, Decimal>,
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
            spikes: BTreeMap::new(),
            licences: BTreeMap::new(),
            registers: Vec::new(),
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
            for because in &m.because {
                if let (Because::Licence(check), Some(s)) = (because, &row.shipment) {
                    let usage = self.licences.entry(check.licence.clone()).or_default();
                    // A licence checked by several rules of one record counts once.
                    if check.covers {
                        if usage.drew.last().is_none_or(|(id, ..)| *id != s.id) {
                            usage
                                .drew
                                .push((s.id.clone(), s.date, check.balances.clone()));
                        }
                    } else {
                        let why: Vec<String> =
                            check.failures.iter().map(ToString::to_string).collect();
                        let mut why = why.join("; ");
                        if m.outcome == Outcome::Undetermined {
                            why.push_str(" (the record goes to review)");
                        }
                        if !usage
                            .refused
                            .iter()
                            .any(|(id, _, w)| *id == s.id && *w == why)
                        {
                            usage.refused.push((s.id.clone(), s.date, why));
                        }
                    }
                }
                if let Because::Spike(figures) = because {
                    let series = self
                        .spikes
                        .entry((
                            m.rule.to_string(),
                            figures.key.clone(),
                            figures.unit.clone(),
                        ))
                        .or_default();
                    series.baseline = figures.baseline;
                    series.baseline_year = figures.baseline_year;
                    series.statistics_file = match &figures.baseline_source {
                        export_control::verdict::because::BaselineSource::Statistics { file } => {
                            Some(file.clone())
                        }
                        _ => None,
                    };
                    if m.outcome == Outcome::Fired {
                        series.flagged += 1;
                    }
                    let month = figures.through.format("%Y-%m").to_string();
                    let shown = series.months.entry(month).or_default();
                    *shown = (*shown).max(figures.total);
                }
            }
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
                    self.stopped.entry(currency.clone()).or_default().add(value);
                    let month = s.date.format("%Y-%m").to_string();
                    self.stopped_by_month
                        .entry((currency.clone(), month, chapter))
                        .or_default()
                        .add(value);
                }
                _ => self.stopped_without_value += 1,
            }
        }
        if self.keep_rows && row.verdict() != "allowed" {
            self.flagged.push(row.clone());
        }
    }

    /// Replaces each spike key's monthly totals by the history's, every month from January of
    /// its baseline year to the last month a record showed.
    pub fn fill_spike_months(&mut self, history: &Aggregates) {
        for ((rule, key, unit), series) in &mut self.spikes {
            let Some(last) = series.months.keys().next_back().cloned() else {
                continue;
            };
            let spec = Series {
                rule: rule.as_str().into(),
                key: key.clone(),
                unit: unit.as_str().into(),
            };
            let mut months = BTreeMap::new();
            let mut first = chrono::NaiveDate::from_ymd_opt(series.baseline_year, 1, 1);
            while let Some(start) = first {
                let month = start.format("%Y-%m").to_string();
                if month > last {
                    break;
                }
                let next = start.checked_add_months(chrono::Months::new(1));
                let end = next.and_then(|n| n.pred_opt()).unwrap_or(start);
                let sum = history.sum(&spec, start, end);
                if !sum.overflowed {
                    months.insert(month, sum.amount);
                }
                first = next;
            }
            series.months = months;
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
        format!(
            "audit: {total} records in {seconds:.2} s ({rate:.0} records/s): {}",
            self.verdict_counts()
        )
    }

    /// `1 prohibited, 1 license_required, 4 review, 3 allowed, 4 invalid`.
    pub fn verdict_counts(&self) -> String {
        let parts: Vec<String> = VERDICTS
            .iter()
            .zip(self.verdicts.0)
            .map(|(v, n)| format!("{n} {v}"))
            .collect();
        parts.join(", ")
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
            "licences": self.licences.iter().map(|(id, usage)| (id.clone(), serde_json::json!({
                "drew": usage.drew.len(),
                "refused": usage.refused.len(),
            }))).collect::<BTreeMap<_, _>>(),
            "licence_registers": self.registers.iter().map(|(name, digest)| serde_json::json!({
                "name": name, "sha256": digest,
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_in_thousands() {
        for (amount, shown) in [
            ("0", "0"),
            ("999", "999"),
            ("1000", "1,000"),
            ("125000.00", "125,000.00"),
            ("1700000.5", "1,700,000.5"),
            ("-1234567", "-1,234,567"),
            ("-12.34", "-12.34"),
            (
                "79228162514264337593543950335",
                "79,228,162,514,264,337,593,543,950,335",
            ),
        ] {
            assert_eq!(grouped(amount.parse().unwrap()), shown);
        }
    }

    #[test]
    fn totals_stay_over_once_they_overflow() {
        let mut t = Total::default();
        t.add(Decimal::MAX);
        assert_eq!(t.value(), Some(Decimal::MAX));
        t.add(Decimal::MAX);
        assert_eq!(t.value(), None);
        t.add(Decimal::ONE);
        assert_eq!(t.value(), None);
        assert!(t > Total::default());
        assert_eq!(
            t.to_string(),
            "more than 79,228,162,514,264,337,593,543,950,335"
        );
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"overflow\"");
        assert_eq!(Total::default().plus(t).value(), None);
    }
}

//! Totals over a whole run: by verdict, rule, HS chapter and destination, and the value stopped.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use export_control::history::{Aggregates, Key, Series};
use export_control::licences::LicenceBalance;
use export_control::{Because, Decision, Outcome, Status};
use rust_decimal::Decimal;
use serde::Serialize;

use super::InputInfo;
use super::detail::Detail;
use super::row::{AuditRow, VERDICTS};

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
    pub verdicts: Counts,
    pub by_rule: BTreeMap<String, RuleCount>,
    pub by_chapter: BTreeMap<String, Counts>,
    pub by_destination: BTreeMap<String, Counts>,
    /// Value of the records at or above the fail-on level, per currency.
    pub stopped: BTreeMap<String, Total>,
    /// Records at or above the fail-on level that declare no value.
    pub stopped_without_value: u64,
    /// Value stopped per currency, verdict, month (`YYYY-MM`) and HS chapter.
    pub stopped_by_month: BTreeMap<(String, Decision, String, String), Total>,
    /// Records stopped that declare a value, per currency.
    pub stopped_records: BTreeMap<String, u64>,
    /// The records not allowed that the reports show in full (only for reports).
    pub detail: Option<Detail<'e>>,
    /// Each spike key some record was flagged for, by rule and key.
    pub spikes: BTreeMap<(String, Key, String), SpikeSeries>,
    /// What records did with each licence they carried, by licence number.
    pub licences: BTreeMap<String, LicenceUse>,
    /// The licence register files given beside the rules (`--licences`): name and SHA-256.
    pub registers: Vec<(String, String)>,
    /// Records not allowed, by verdict and by the standing of the measures that decided them.
    pub by_status: ByStatus,
    failing: u64,
}

/// The standings a verdict can rest on, from the firmest: a record counts under the firmest
/// status among the rule sets of the rules that gave its verdict (one rule of a set in force
/// is enough for the verdict to rest on law in force).
pub const STATUSES: [Status; 4] = [
    Status::InForce,
    Status::Reported,
    Status::Draft,
    Status::Repealed,
];

/// Records not allowed by verdict (`prohibited`, `license_required`, `review`) and by the
/// firmest status of the measures that decided them, in the order of [`STATUSES`].
#[derive(Debug, Clone, Default)]
pub struct ByStatus(pub BTreeMap<Decision, [u64; 4]>);

impl ByStatus {
    fn add(&mut self, row: &AuditRow<'_>) {
        let Some(decision) = row.decision().filter(|d| *d > Decision::Allowed) else {
            return;
        };
        let firmest = row
            .record
            .matches
            .iter()
            .filter(|m| m.effect() == decision)
            .filter_map(|m| STATUSES.iter().position(|s| *s == m.status))
            .min();
        if let Some(i) = firmest {
            self.0.entry(decision).or_default()[i] += 1;
        }
    }

    /// The verdicts from the most severe, each with its counts.
    pub fn rows(&self) -> impl Iterator<Item = (Decision, &[u64; 4])> {
        self.0.iter().rev().map(|(d, c)| (*d, c))
    }

    fn json(&self) -> serde_json::Value {
        self.rows()
            .map(|(d, counts)| {
                let by: BTreeMap<&str, u64> = STATUSES
                    .iter()
                    .map(|s| s.as_str())
                    .zip(counts.iter().copied())
                    .collect();
                (d.as_str().to_owned(), serde_json::json!(by))
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    }
}

/// What the records of the audit did with one licence. The lists hold the first records only
/// (as many as the report's detail limit); the totals and the amounts drawn cover them all.
#[derive(Debug, Clone, Default)]
pub struct LicenceUse {
    /// The first records that drew on it, in input order: id, date, and its balances with them.
    pub drew: Vec<(String, NaiveDate, Vec<LicenceBalance>)>,
    /// How many records drew on it.
    pub drew_total: u64,
    /// The first records it did not cover, in input order: id, date, and why.
    pub refused: Vec<(String, NaiveDate, String)>,
    /// How many times a record was not covered (once per record and reason).
    pub refused_total: u64,
    /// Per unit: what the audit drew on it, and the balance left after the last draw.
    pub drawn: BTreeMap<String, (Decimal, Decimal)>,
    /// The input line of the last record that drew on it, and of the last it did not cover
    /// with the reasons given for that record (a licence checked by several rules of one
    /// record counts once).
    last_drew: Option<u64>,
    last_refused: Option<(u64, Vec<String>)>,
}

impl LicenceUse {
    fn draw(&mut self, line: u64, entry: (String, NaiveDate, Vec<LicenceBalance>), keep: usize) {
        if self.last_drew == Some(line) {
            return;
        }
        self.last_drew = Some(line);
        self.drew_total += 1;
        for b in &entry.2 {
            let (drawn, left) = self.drawn.entry(b.unit.to_string()).or_default();
            *drawn += b.amount;
            *left = b.remaining;
        }
        if self.drew.len() < keep {
            self.drew.push(entry);
        }
    }

    fn refuse(&mut self, line: u64, entry: (String, NaiveDate, String), keep: usize) {
        let seen = match &mut self.last_refused {
            Some((l, whys)) if *l == line => whys,
            _ => &mut self.last_refused.insert((line, Vec::new())).1,
        };
        if seen.contains(&entry.2) {
            return;
        }
        seen.push(entry.2.clone());
        self.refused_total += 1;
        if self.refused.len() < keep {
            self.refused.push(entry);
        }
    }
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
    /// A summary failing from `fail_on`; `detail` keeps, for a report, that many records of
    /// each verdict and deciding rule.
    pub fn new(fail_on: Decision, detail: Option<usize>) -> Summary<'e> {
        Summary {
            fail_on,
            verdicts: Counts::default(),
            by_rule: BTreeMap::new(),
            by_chapter: BTreeMap::new(),
            by_destination: BTreeMap::new(),
            stopped: BTreeMap::new(),
            stopped_without_value: 0,
            stopped_by_month: BTreeMap::new(),
            stopped_records: BTreeMap::new(),
            detail: detail.map(Detail::new),
            spikes: BTreeMap::new(),
            licences: BTreeMap::new(),
            registers: Vec::new(),
            by_status: ByStatus::default(),
            failing: 0,
        }
    }

    pub fn add(&mut self, row: &AuditRow<'e>) {
        let keep = self.detail.as_ref().map_or(0, Detail::limit);
        self.verdicts.add(row.verdict());
        self.by_status.add(row);
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
                        usage.draw(
                            row.record.line,
                            (s.id.clone(), s.date, check.balances.clone()),
                            keep,
                        );
                    } else {
                        let why: Vec<String> =
                            check.failures.iter().map(ToString::to_string).collect();
                        let mut why = why.join("; ");
                        if m.outcome == Outcome::Undetermined {
                            why.push_str(" (the record goes to review)");
                        }
                        usage.refuse(row.record.line, (s.id.clone(), s.date, why), keep);
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
                    *self.stopped_records.entry(currency.clone()).or_default() += 1;
                    let month = s.date.format("%Y-%m").to_string();
                    self.stopped_by_month
                        .entry((currency.clone(), d, month, chapter))
                        .or_default()
                        .add(value);
                }
                _ => self.stopped_without_value += 1,
            }
        }
        if let Some(detail) = &mut self.detail {
            detail.add(row);
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
            "by_status": self.by_status.json(),
            "value_stopped": self.stopped,
            "stopped_without_value": self.stopped_without_value,
            "licences": self.licences.iter().map(|(id, usage)| (id.clone(), serde_json::json!({
                "drew": usage.drew_total,
                "refused": usage.refused_total,
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

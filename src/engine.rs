//! The engine: a rule book compiled for checking, and the check itself.
//!
//! [`Engine::new`] compiles once: each rule's effective window (its own inside its rule set's),
//! the exporting country it is limited to (its rule set's jurisdiction, unless the rule set
//! applies to any exporter) and the HS-prefix index. [`Engine::check`] is then a pure function
//! of the record and the compiled rules; the engine is `Send + Sync` and holds no global state.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::country::CountryCode;
use crate::error::LoadError;
use crate::eval::{self, Truth};
use crate::index::HsIndex;
use crate::rule::{Rule, RuleSet, Scope};
use crate::rulebook::Rulebook;
use crate::shipment::Shipment;
use crate::source::Digest;
use crate::verdict::Decision;
use crate::verdict::{Because, Outcome, RuleMatch, Verdict};
use crate::window::Window;

/// How to check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckOptions {
    /// Take the rules in force on this date instead of the record's date.
    pub as_of: Option<NaiveDate>,
    /// Also list rules whose conditions hold but that are not in force on the date
    /// ([`Outcome::NotInForce`]); they do not change the verdict.
    pub include_not_in_force: bool,
}

impl CheckOptions {
    /// Options that take the rules in force on `date`.
    pub fn as_of(date: NaiveDate) -> CheckOptions {
        CheckOptions {
            as_of: Some(date),
            ..CheckOptions::default()
        }
    }
}

/// A rule as compiled: where to find it and what limits it before its conditions.
#[derive(Debug, Clone)]
struct Compiled {
    set: usize,
    rule: usize,
    window: Window,
    exporter: Option<CountryCode>,
    /// How many lines its explanation has at most: the exporter, the date, one per condition.
    explained: usize,
    /// Explanation texts that do not depend on the record, written once.
    texts: Texts,
}

#[derive(Debug, Clone)]
struct Texts {
    /// `file:line`.
    source: Arc<str>,
    /// The rule's citation, else its rule set's.
    citation: Arc<str>,
    /// Why the exporter condition holds, for jurisdiction-scoped rule sets.
    jurisdiction: String,
    in_force: String,
    not_in_force: String,
}

/// A compiled rule book, ready to check shipments.
///
/// ```
/// use export_control::{Decision, Engine, Shipment};
/// let engine = Engine::from_path("rules")?;
/// let mut s = Shipment::new("S-1", "2023-11-15".parse()?, "8542.31".parse()?, "KZ".parse()?, "RU".parse()?);
/// s.origin = Some("US".parse()?);
/// let verdict = engine.check(&s);
/// assert_eq!(verdict.verdict, Decision::Prohibited);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    book: Rulebook,
    compiled: Vec<Compiled>,
    index: HsIndex,
}

impl Engine {
    /// Compiles a rule book.
    pub fn new(book: Rulebook) -> Engine {
        let mut compiled = Vec::new();
        for (set_number, set) in book.rule_sets().iter().enumerate() {
            for (rule_number, rule) in set.rules().iter().enumerate() {
                let window = set.window().intersect(&rule.window());
                compiled.push(Compiled {
                    set: set_number,
                    rule: rule_number,
                    window,
                    explained: 2 + rule.when.leaf_count(),
                    exporter: match set.scope() {
                        Scope::Jurisdiction => Some(set.jurisdiction()),
                        Scope::AnyExporter => None,
                    },
                    texts: Texts {
                        source: format!("{}:{}", rule.location().file(), rule.location().line())
                            .into(),
                        citation: rule
                            .citation()
                            .map_or_else(|| set.citations().join("; "), str::to_owned)
                            .into(),
                        jurisdiction: format!("is the jurisdiction of rule set `{}`", set.id()),
                        in_force: format!("is in force: {window}"),
                        not_in_force: format!("is outside the window: in force {window}"),
                    },
                });
            }
        }
        compiled.shrink_to_fit();
        let index = HsIndex::build(book.rules().map(|(_, rule)| &rule.when));
        Engine {
            book,
            compiled,
            index,
        }
    }

    /// Loads and compiles the rule file or directory at `path` (see [`Rulebook::load`]).
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Engine, LoadError> {
        Rulebook::load(path).map(Engine::new)
    }

    /// The rule book it checks against.
    pub fn rulebook(&self) -> &Rulebook {
        &self.book
    }

    /// The digest of the rule book; every verdict carries it.
    pub fn digest(&self) -> Digest {
        self.book.digest()
    }

    /// Checks a shipment against the rules in force on its date.
    pub fn check(&self, shipment: &Shipment) -> Verdict {
        self.check_with(shipment, &CheckOptions::default())
    }

    /// Checks a shipment with options.
    pub fn check_with(&self, shipment: &Shipment, options: &CheckOptions) -> Verdict {
        let mut state = CheckState::new(shipment, options);
        self.index.for_each_candidate(&shipment.hs_code, |number| {
            self.consider(number as usize, &mut state);
        });
        state.finish(self.digest())
    }

    /// The verdict alone, without explanation: what [`Engine::check_with`] would decide, for the
    /// hot path of order entry that only needs to know whether a shipment may go. Allocates
    /// nothing; call `check_with` for the explanation when the answer is not `allowed`.
    pub fn decide(&self, shipment: &Shipment, options: &CheckOptions) -> Decision {
        let date = options.as_of.unwrap_or(shipment.date);
        let mut best = Decision::Allowed;
        self.index.for_each_candidate(&shipment.hs_code, |number| {
            if best == Decision::Prohibited {
                return;
            }
            let Some(compiled) = self.compiled.get(number as usize) else {
                return;
            };
            if compiled
                .exporter
                .is_some_and(|e| e != shipment.export_country)
                || !compiled.window.contains(date)
            {
                return;
            }
            let Some((_, rule)) = self.rule(compiled) else {
                return;
            };
            let when = eval::truth(&rule.when, shipment);
            if when != Truth::False {
                best = best.max(outcome(rule, shipment, true, when).1);
            }
        });
        best
    }

    /// Checks a shipment by evaluating every rule, without the index. Slow; it exists so tests
    /// and benchmarks can compare the index against a plain scan.
    #[doc(hidden)]
    pub fn check_by_scan(&self, shipment: &Shipment, options: &CheckOptions) -> Verdict {
        let mut state = CheckState::new(shipment, options);
        for number in 0..self.compiled.len() {
            self.consider(number, &mut state);
        }
        state.finish(self.digest())
    }

    /// Checks a slice of shipments; one verdict per shipment, in order.
    pub fn check_batch(&self, shipments: &[Shipment], options: &CheckOptions) -> Vec<Verdict> {
        shipments
            .iter()
            .map(|shipment| self.check_with(shipment, options))
            .collect()
    }

    /// Checks a slice of shipments on every core. The verdicts are the same as
    /// [`Engine::check_batch`]'s, in the same order.
    pub fn check_batch_parallel(
        &self,
        shipments: &[Shipment],
        options: &CheckOptions,
    ) -> Vec<Verdict> {
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        if threads < 2 || shipments.len() < 64 {
            return self.check_batch(shipments, options);
        }
        let chunk = shipments.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = shipments
                .chunks(chunk)
                .map(|part| (part, scope.spawn(move || self.check_batch(part, options))))
                .collect();
            let mut verdicts = Vec::with_capacity(shipments.len());
            for (part, handle) in parts {
                match handle.join() {
                    Ok(part_verdicts) => verdicts.extend(part_verdicts),
                    // A check never panics; if a thread failed anyway, redo its part here so that
                    // no record is lost.
                    Err(_) => verdicts.extend(self.check_batch(part, options)),
                }
            }
            verdicts
        })
    }

    /// Checks shipments one after the other; one verdict per shipment, in order.
    pub fn check_all<'a>(
        &'a self,
        shipments: impl IntoIterator<Item = &'a Shipment> + 'a,
        options: &'a CheckOptions,
    ) -> impl Iterator<Item = Verdict> + 'a {
        shipments
            .into_iter()
            .map(move |shipment| self.check_with(shipment, options))
    }

    fn rule(&self, c: &Compiled) -> Option<(&RuleSet, &Rule)> {
        let set = self.book.rule_sets().get(c.set)?;
        Some((set, set.rules().get(c.rule)?))
    }

    /// Evaluates one rule on the record and records what it did.
    fn consider(&self, number: usize, state: &mut CheckState<'_>) {
        let Some(compiled) = self.compiled.get(number) else {
            return;
        };
        let s = state.shipment;
        if compiled.exporter.is_some_and(|e| e != s.export_country) {
            return;
        }
        let in_force = compiled.window.contains(state.date);
        if !in_force && !state.options.include_not_in_force {
            return;
        }
        let Some((set, rule)) = self.rule(compiled) else {
            return;
        };
        let when = eval::truth(&rule.when, s);
        if when == Truth::False {
            return;
        }
        // It matched or could not be told: now build the explanation.
        let mut because = Vec::with_capacity(compiled.explained);
        if let Some(exporter) = compiled.exporter {
            because.push(Because {
                field: "export_country".into(),
                value: Some(exporter.as_str().to_owned()),
                condition: compiled.texts.jurisdiction.clone(),
            });
        }
        because.push(Because {
            field: if state.options.as_of.is_some() {
                "as_of".into()
            } else {
                "date".into()
            },
            value: Some(iso_date(state.date)),
            condition: if in_force {
                compiled.texts.in_force.clone()
            } else {
                compiled.texts.not_in_force.clone()
            },
        });
        eval::explain(&rule.when, s, &mut because);

        let (outcome, effect, unless, licence) = outcome(rule, s, in_force, when);
        let mut exemption = Vec::new();
        if (outcome == Outcome::Exempted || unless == Some(Truth::Unknown))
            && let Some(u) = &rule.unless
        {
            eval::explain(u, s, &mut exemption);
        }
        state.push(RuleMatch {
            rule: Arc::clone(&rule.id),
            ruleset: Arc::clone(&set.id),
            version: Arc::clone(&set.version),
            status: set.status(),
            verdict: rule.verdict,
            outcome,
            effect,
            title: Arc::clone(&rule.title),
            citation: Arc::clone(&compiled.texts.citation),
            source: Arc::clone(&compiled.texts.source),
            because,
            exemption,
            licence: licence
                .filter(|_| outcome == Outcome::Licensed)
                .map(str::to_owned),
            labels: rule.labels().to_vec(),
        });
    }
}

/// What a rule whose `when` is not false does for a record: its outcome and effect, the truth of
/// its `unless`, and the licence that meets it.
fn outcome<'s>(
    rule: &Rule,
    s: &'s Shipment,
    in_force: bool,
    when: Truth,
) -> (Outcome, Decision, Option<Truth>, Option<&'s str>) {
    let unless = rule.unless.as_ref().map(|u| eval::truth(u, s));
    let licence = match (&rule.accepted_licences, rule.verdict) {
        (Some(pattern), Decision::LicenseRequired) => s
            .licences
            .iter()
            .find(|l| pattern.is_match(l))
            .map(String::as_str),
        _ => None,
    };
    let (outcome, effect) = if !in_force {
        (Outcome::NotInForce, Decision::Allowed)
    } else if when == Truth::Unknown || unless == Some(Truth::Unknown) {
        (Outcome::Undetermined, Decision::Review)
    } else if unless == Some(Truth::True) {
        (Outcome::Exempted, Decision::Allowed)
    } else if licence.is_some() {
        (Outcome::Licensed, Decision::Allowed)
    } else {
        (Outcome::Fired, rule.verdict)
    };
    (outcome, effect, unless, licence)
}

/// What a check has found so far.
struct CheckState<'a> {
    shipment: &'a Shipment,
    options: &'a CheckOptions,
    date: NaiveDate,
    verdict: Decision,
    matches: Vec<RuleMatch>,
}

impl<'a> CheckState<'a> {
    fn new(shipment: &'a Shipment, options: &'a CheckOptions) -> Self {
        CheckState {
            shipment,
            options,
            date: options.as_of.unwrap_or(shipment.date),
            verdict: Decision::Allowed,
            matches: Vec::new(),
        }
    }

    fn push(&mut self, m: RuleMatch) {
        self.verdict = self.verdict.max(m.effect);
        self.matches.push(m);
    }

    fn finish(mut self, digest: Digest) -> Verdict {
        self.matches.sort_by(|a, b| {
            b.effect
                .cmp(&a.effect)
                .then(b.verdict.cmp(&a.verdict))
                .then_with(|| a.rule.cmp(&b.rule))
        });
        Verdict {
            verdict: self.verdict,
            as_of: self.date,
            matches: self.matches,
            ruleset_digest: digest,
        }
    }
}

/// `YYYY-MM-DD` without the formatting machinery (a date is in every explanation).
fn iso_date(date: NaiveDate) -> String {
    use chrono::Datelike;
    let year = date.year();
    if !(0..=9999).contains(&year) {
        return date.to_string();
    }
    let mut text = String::with_capacity(10);
    for (number, width) in [(year.unsigned_abs(), 4), (date.month(), 2), (date.day(), 2)] {
        if !text.is_empty() {
            text.push('-');
        }
        for position in (0..width).rev() {
            let digit = number / 10u32.pow(position) % 10;
            text.push(char::from_digit(digit, 10).unwrap_or('0'));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        let mut date = NaiveDate::from_ymd_opt(-1, 12, 25).unwrap();
        let last = NaiveDate::from_ymd_opt(10_000, 1, 3).unwrap();
        let mut seen = 0;
        while date <= last {
            assert_eq!(iso_date(date), date.to_string());
            date = date + chrono::Days::new(97);
            seen += 1;
        }
        assert!(seen > 37_000, "{seen}");
        for text in ["0000-01-01", "0999-02-28", "2023-08-31", "9999-12-31"] {
            let d: NaiveDate = text.parse().unwrap();
            assert_eq!(iso_date(d), text);
        }
    }

    #[test]
    fn engine_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Engine>();
        assert_send_sync::<Verdict>();
    }
}

//! Test cases beside the rules: running them, and what they exercise.
//!
//! Each case is checked against its own rule set alone (with the groups), like a unit test: the
//! expected verdict, the rules that must fire and must not, and optionally the outcome of given
//! rules. Coverage says which rules the cases made match and, for each condition, whether the
//! cases saw it both hold and fail.

use std::collections::BTreeMap;

use crate::engine::{CheckOptions, Engine};
use crate::eval::{self, Truth};
use crate::history::History;
use crate::rule::{Case, RuleSet, Scope};
use crate::rulebook::Rulebook;
use crate::source::Location;
use crate::verdict::{Outcome, Verdict};

/// What one case found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CaseResult {
    /// The case.
    pub case: Case,
    /// The verdict the rules gave.
    pub verdict: Verdict<'static>,
    /// Each way the verdict differs from the expectation, as `(what, expected, actual)`.
    pub mismatches: Vec<(String, String, String)>,
}

impl CaseResult {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Whether the cases saw one condition hold and fail.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConditionCoverage {
    /// The condition's key (`hs_code`, `destination`, `attributes`...).
    pub key: &'static str,
    /// Where it is written.
    pub location: Location,
    /// A case reached the rule and the condition held.
    pub seen_true: bool,
    /// A case reached the rule and the condition did not hold.
    pub seen_false: bool,
}

/// What the cases exercised of one rule.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RuleCoverage {
    /// The rule set's id.
    pub rule_set: String,
    /// The rule's id.
    pub rule: String,
    /// Where the rule is written.
    pub location: Location,
    /// How many cases made the rule match (fired, exempted, licensed or undetermined).
    pub exercised: usize,
    /// Each condition of `when` and `unless`, in file order.
    pub conditions: Vec<ConditionCoverage>,
}

/// The results of running test cases.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TestReport {
    /// One result per case, in file order.
    pub results: Vec<CaseResult>,
    /// One entry per rule of every rule set.
    pub coverage: Vec<RuleCoverage>,
}

impl TestReport {
    /// The cases that failed.
    pub fn failures(&self) -> impl Iterator<Item = &CaseResult> {
        self.results.iter().filter(|r| !r.passed())
    }

    /// The ids of the rules some case exercised.
    pub fn exercised_rules(&self) -> impl Iterator<Item = &str> {
        self.coverage
            .iter()
            .filter(|c| c.exercised > 0)
            .map(|c| c.rule.as_str())
    }
}

/// Runs test cases, each against its own rule set with the groups.
pub fn run_tests(book: &Rulebook, cases: &[Case]) -> TestReport {
    // One engine per rule set its cases test, and one of the whole book for its cases.
    // A tests file's own register makes an engine of its own (keyed by the file).
    let registers: BTreeMap<&str, crate::licences::Register> = book
        .sources()
        .iter()
        .filter(|s| s.kind() == crate::source::SourceKind::Tests)
        .filter_map(|s| {
            Some((
                s.name(),
                crate::licences::of_tests_file(s, &mut Vec::new())?,
            ))
        })
        .collect();
    fn engine_key<'c>(
        case: &'c Case,
        registers: &BTreeMap<&'c str, crate::licences::Register>,
    ) -> (Option<&'c str>, Option<&'c str>) {
        let file = registers
            .get_key_value(case.location.file())
            .map(|(name, _)| *name);
        (case.rule_set.as_deref(), file)
    }
    let mut engines: BTreeMap<(Option<&str>, Option<&str>), Engine> = BTreeMap::new();
    let mut refused: Vec<(&str, String)> = Vec::new();
    for case in cases {
        let key = engine_key(case, &registers);
        if engines.contains_key(&key) {
            continue;
        }
        let engine = Engine::new(match key.0 {
            Some(id) => book.subset(id),
            None => book.clone(),
        });
        let engine = match key.1.and_then(|file| registers.get(file)) {
            Some(register) => match engine.with_register(register.clone()) {
                Ok(engine) => engine,
                Err(e) => {
                    refused.push((case.location.file(), e.to_string()));
                    continue;
                }
            },
            None => engine,
        };
        engines.insert(key, engine);
    }
    let mut coverage: Vec<RuleCoverage> = Vec::new();
    for set in book.rule_sets() {
        for rule in set.rules() {
            let mut conditions = Vec::new();
            for condition in std::iter::once(&rule.when).chain(rule.unless.as_ref()) {
                condition.for_each_leaf(&mut |leaf| {
                    conditions.push(ConditionCoverage {
                        key: leaf.key,
                        location: leaf.location.clone(),
                        seen_true: false,
                        seen_false: false,
                    });
                });
            }
            if let Some(test) = &rule.history {
                conditions.push(ConditionCoverage {
                    key: "history",
                    location: test.location.clone(),
                    seen_true: false,
                    seen_false: false,
                });
            }
            if let Some(test) = &rule.parties {
                conditions.push(ConditionCoverage {
                    key: "parties",
                    location: test.location.clone(),
                    seen_true: false,
                    seen_false: false,
                });
            }
            coverage.push(RuleCoverage {
                rule_set: set.id().to_owned(),
                rule: rule.id().to_owned(),
                location: rule.location().clone(),
                exercised: 0,
                conditions,
            });
        }
    }

    let mut results = Vec::with_capacity(cases.len());
    for case in cases {
        let Some(engine) = engines.get(&engine_key(case, &registers)) else {
            // Every case's rule set has an engine (built above); should one be missing, the
            // case fails rather than pass unchecked.
            let verdict = Verdict::allowed(case.date(), book.digest());
            results.push(CaseResult {
                case: case.clone(),
                verdict,
                mismatches: vec![(
                    "rule set".to_owned(),
                    case.rule_set.clone().unwrap_or_default(),
                    refused
                        .iter()
                        .find(|(file, _)| *file == case.location.file())
                        .map_or_else(|| "not loaded".to_owned(), |(_, e)| e.clone()),
                )],
            });
            continue;
        };
        // Rules not in force are listed so that a case can expect `not_in_force`; they never
        // change a verdict.
        let options = CheckOptions {
            as_of: case.as_of,
            include_not_in_force: true,
            exclude_statuses: Vec::new(),
        };
        // The case's history, recorded in order, then its shipment checked against it.
        let mut history = History::new();
        for earlier in &case.history {
            engine.record(&mut history, earlier);
        }
        let verdict = engine.check_in(&case.shipment, &history.view(), &options);
        record_coverage(
            book,
            engine.screen(),
            case,
            &verdict,
            &history,
            &mut coverage,
        );
        let mismatches = mismatches(case, &verdict);
        results.push(CaseResult {
            case: case.clone(),
            verdict: verdict.into_owned(),
            mismatches,
        });
    }
    TestReport { results, coverage }
}

fn record_coverage(
    book: &Rulebook,
    screen: &crate::parties::Screen,
    case: &Case,
    verdict: &Verdict,
    history: &History,
    coverage: &mut [RuleCoverage],
) {
    let view = history.view().for_record(&case.shipment, book.statistics());
    for set in book
        .rule_sets()
        .iter()
        .filter(|s| case.rule_set.as_deref().is_none_or(|id| s.id() == id))
    {
        record_set_coverage(set, screen, case, verdict, &view, coverage);
    }
}

fn record_set_coverage(
    set: &RuleSet,
    screen: &crate::parties::Screen,
    case: &Case,
    verdict: &Verdict,
    view: &crate::history::View<'_>,
    coverage: &mut [RuleCoverage],
) {
    let date = case.as_of.unwrap_or(case.shipment.date);
    let applies = set.scope() == Scope::AnyExporter
        || set.jurisdiction().has_member(case.shipment.export_country);
    for rule in set.rules() {
        let Some(entry) = coverage
            .iter_mut()
            .find(|c| c.rule_set == set.id() && c.rule == rule.id())
        else {
            continue;
        };
        if verdict
            .matches
            .iter()
            .any(|m| *m.rule == *rule.id() && m.outcome != Outcome::NotInForce)
        {
            entry.exercised += 1;
        }
        if !applies || !set.window().intersect(&rule.window()).contains(date) {
            continue;
        }
        let mut n = 0;
        eval::for_each_leaf_truth(rule, &case.shipment, &mut |truth| {
            if let Some(c) = entry.conditions.get_mut(n) {
                match truth {
                    Truth::True => c.seen_true = true,
                    Truth::False => c.seen_false = true,
                    Truth::Unknown => {}
                }
            }
            n += 1;
        });
        // The history test, as the case's history makes it.
        if let Some(test) = &rule.history
            && let Some(c) = entry.conditions.get_mut(n)
        {
            match crate::history::evaluate(test, &rule.id, &case.shipment, view).0 {
                Truth::True => c.seen_true = true,
                Truth::False => c.seen_false = true,
                Truth::Unknown => {}
            }
            n += 1;
        }
        // The party test, against the book's lists.
        if let Some(test) = &rule.parties
            && let Some(c) = entry.conditions.get_mut(n)
        {
            let mut screened = crate::parties::Screened::default();
            let truth = crate::parties::evaluate(
                test,
                &case.shipment,
                screen,
                test.min_score_f64,
                &mut screened,
            )
            .0;
            match truth {
                Truth::True => c.seen_true = true,
                Truth::False => c.seen_false = true,
                Truth::Unknown => {}
            }
        }
    }
}

fn mismatches(case: &Case, verdict: &Verdict) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let outcome_of = |rule: &str| {
        verdict
            .matches
            .iter()
            .find(|m| *m.rule == *rule)
            .map(|m| m.outcome)
    };
    let shown = |o: Option<Outcome>| o.map_or("no match".to_owned(), |o| o.as_str().to_owned());
    if let Some(expect) = case.expect
        && expect != verdict.decision
    {
        out.push((
            "verdict".into(),
            expect.to_string(),
            verdict.decision.to_string(),
        ));
    }
    for rule in &case.fires {
        let got = outcome_of(rule);
        if got != Some(Outcome::Fired) {
            out.push((format!("rule `{rule}`"), "fired".into(), shown(got)));
        }
    }
    for rule in &case.does_not_fire {
        let got = outcome_of(rule);
        if matches!(got, Some(Outcome::Fired | Outcome::Undetermined)) {
            out.push((format!("rule `{rule}`"), "does not fire".into(), shown(got)));
        }
    }
    for (rule, expected) in &case.outcomes {
        let got = outcome_of(rule);
        if got != Some(*expected) {
            out.push((
                format!("rule `{rule}`"),
                expected.as_str().into(),
                shown(got),
            ));
        }
    }
    out
}

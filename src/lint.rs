//! The rule linter: findings a rule author should act on, each with a severity and a place.
//!
//! | code | severity | finding |
//! |---|---|---|
//! | `unknown-hs-code` | warning | an HS prefix that is not a code of the HS 2022 nomenclature |
//! | `hs-level` | warning | a prefix of 3 or 5 digits: not a chapter, heading or subheading |
//! | `dead-rule` | error | a rule that can never fire: its window lies outside its rule set's, or its conditions contradict each other (a country both required and excluded, an exclusion covering the whole inclusion, bounds that cannot both hold, an exporter the rule set never applies to) |
//! | `window-outside` | warning | part of a rule's window lies outside its rule set's |
//! | `duplicate` | warning | two rules of a rule set match exactly the same records with the same verdict |
//! | `shadowed` | warning | every record a rule matches is matched by another rule of the same rule set with an equal or more severe verdict |
//! | `covered-elsewhere` | info | the same, by a rule of another rule set (a different legal basis: often intended) |
//! | `overlap` | info | two rules of a rule set with different verdicts can match the same record |
//! | `missing-citation` | warning | a rule without `citation` |
//! | `untested` | warning | a rule no test case exercises (when tests were run) |
//! | `missing-notes` | warning | a rule set whose status is not `in_force` and that has no `notes` |
//!
//! The analysis is conservative: a rule is reported dead, shadowed or duplicate only when the
//! conditions at the top level of its `when` prove it; parts it cannot reason about (`any`,
//! `not`, parties, regexes) must be written identically to count.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::country::{CountryCode, CountrySet};
use crate::eval;
use crate::hs::HsPrefix;
use crate::rule::{
    AmountField, CmpOp, Condition, CountryField, Decision, HsItem, Leaf, Rule, RuleSet, Scope,
    Status, Test, Window,
};
use crate::rulebook::Rulebook;
use crate::source::Location;
use crate::testing::TestReport;

const HS_CODES: &str = include_str!("data/hs2022-codes.txt");

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; often intended.
    Info,
    /// Probably a mistake.
    Warning,
    /// Certainly a mistake: the rule cannot work as written.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding of the linter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// A stable code (`dead-rule`, `shadowed`...).
    pub code: &'static str,
    /// What was found.
    pub message: String,
    /// Where.
    #[serde(serialize_with = "location_text")]
    pub location: Location,
    /// What to do about it.
    pub help: Option<String>,
}

fn location_text<S: serde::Serializer>(l: &Location, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(l)
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}[{}]: {}",
            self.location, self.severity, self.code, self.message
        )
    }
}

/// The HS 2022 nomenclature the linter checks prefixes against (compiled in).
struct Nomenclature(BTreeSet<&'static str>);

impl Nomenclature {
    fn new() -> Self {
        Nomenclature(
            HS_CODES
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect(),
        )
    }

    /// A finding for a prefix that is not a code, if it is not.
    fn check(&self, prefix: &HsPrefix, location: &Location, out: &mut Vec<Finding>) {
        let digits = prefix.as_str();
        match digits.len() {
            2 | 4 | 6 => {
                if !self.0.contains(digits) {
                    out.push(Finding {
                        severity: Severity::Warning,
                        code: "unknown-hs-code",
                        message: format!("`{digits}` is not a code of the HS 2022 nomenclature"),
                        location: location.clone(),
                        help: self.nearest(digits),
                    });
                }
            }
            3 | 5 => out.push(Finding {
                severity: Severity::Warning,
                code: "hs-level",
                message: format!(
                    "`{digits}` has {} digits: not a chapter (2), heading (4) or subheading (6)",
                    digits.len()
                ),
                location: location.clone(),
                help: Some("list the headings or subheadings it is meant to cover".into()),
            }),
            _ => {
                let six = digits.get(..6).unwrap_or(digits);
                if !self.0.contains(six) {
                    out.push(Finding {
                        severity: Severity::Warning,
                        code: "unknown-hs-code",
                        message: format!(
                            "`{digits}` extends `{six}`, which is not a subheading of the HS 2022 nomenclature"
                        ),
                        location: location.clone(),
                        help: self.nearest(six),
                    });
                }
            }
        }
    }

    fn nearest(&self, digits: &str) -> Option<String> {
        let parent = digits.get(..digits.len().saturating_sub(2)).unwrap_or("");
        if parent.len() >= 2 && self.0.contains(parent) {
            let children: Vec<&str> = self
                .0
                .iter()
                .filter(|c| c.len() == digits.len() && c.starts_with(parent))
                .take(8)
                .copied()
                .collect();
            Some(format!("codes under `{parent}`: {}", children.join(", ")))
        } else {
            None
        }
    }
}

/// The top level of a rule's `when`: what a reasoning about it can use.
#[derive(Default)]
struct Conj<'a> {
    hs: Vec<(&'a [HsItem], &'a [HsItem], &'a Location)>,
    /// Single-valued country fields: required sets (each must hold) and excluded sets.
    countries: BTreeMap<&'static str, (Vec<CountrySet>, CountrySet, &'a Location)>,
    /// Transit and route, as written: (field, negated, set).
    lists: Vec<(&'static str, bool, CountrySet)>,
    /// Amount bounds by field and unit.
    amounts: BTreeMap<(&'static str, String), Vec<(CmpOp, Decimal)>>,
    /// Everything else, by shape.
    others: BTreeSet<String>,
}

fn universe() -> CountrySet {
    CountryCode::all().collect()
}

impl<'a> Conj<'a> {
    fn of(condition: &'a Condition) -> Conj<'a> {
        let mut conj = Conj::default();
        conj.add(condition);
        conj
    }

    fn add(&mut self, condition: &'a Condition) {
        match condition {
            Condition::All(parts) => parts.iter().for_each(|p| self.add(p)),
            Condition::Leaf(leaf) => self.leaf(leaf, false),
            Condition::Not(inner) => match inner.as_ref() {
                Condition::All(parts)
                    if parts.len() == 1
                        && matches!(parts.first(), Some(Condition::Leaf(l)) if matches!(l.test, Test::Country { .. })) =>
                {
                    if let Some(Condition::Leaf(leaf)) = parts.first() {
                        self.leaf(leaf, true);
                    }
                }
                _ => {
                    self.others.insert(shape(condition));
                }
            },
            Condition::Any(_) => {
                self.others.insert(shape(condition));
            }
        }
    }

    fn leaf(&mut self, leaf: &'a Leaf, flip: bool) {
        match &leaf.test {
            Test::Hs { include, except } if !flip => {
                self.hs.push((include, except, &leaf.location));
            }
            Test::Country {
                field,
                negated,
                list,
            } => {
                let negated = *negated != flip;
                match field {
                    CountryField::Transit | CountryField::Route => {
                        self.lists.push((field.name(), negated, list.set));
                    }
                    _ => {
                        let entry = self
                            .countries
                            .entry(field.name())
                            .or_insert_with(|| (Vec::new(), CountrySet::new(), &leaf.location));
                        if negated {
                            entry.1.union_with(&list.set);
                        } else {
                            entry.0.push(list.set);
                        }
                    }
                }
            }
            Test::Amount {
                field,
                bounds,
                unit,
            } if !flip => {
                let name = match field {
                    AmountField::Value => "value",
                    AmountField::Quantity => "quantity",
                };
                self.amounts
                    .entry((name, unit.clone()))
                    .or_default()
                    .extend(bounds.iter().copied());
            }
            _ => {
                self.others.insert(leaf_shape(leaf, flip));
            }
        }
    }

    /// The countries a single-valued field can take, if the rule constrains it.
    fn allowed(&self, field: &str) -> Option<CountrySet> {
        let (required, excluded, _) = self.countries.get(field)?;
        let mut set = universe();
        for r in required {
            set = intersection(&set, r);
        }
        Some(difference(&set, excluded))
    }
}

fn intersection(a: &CountrySet, b: &CountrySet) -> CountrySet {
    a.iter().filter(|c| b.contains(*c)).collect()
}

fn difference(a: &CountrySet, b: &CountrySet) -> CountrySet {
    a.iter().filter(|c| !b.contains(*c)).collect()
}

/// A condition written without places, to compare conditions by what they say.
fn shape(condition: &Condition) -> String {
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            let mut inner: Vec<String> = parts.iter().map(shape).collect();
            inner.sort();
            let kind = if matches!(condition, Condition::All(_)) {
                "all"
            } else {
                "any"
            };
            format!("{kind}({})", inner.join(","))
        }
        Condition::Not(inner) => format!("not({})", shape(inner)),
        Condition::Leaf(leaf) => leaf_shape(leaf, false),
    }
}

fn leaf_shape(leaf: &Leaf, flip: bool) -> String {
    let body = match &leaf.test {
        Test::Hs { include, except } => {
            let list = |items: &[HsItem]| {
                let mut p: Vec<&str> = items.iter().map(|i| i.prefix.as_str()).collect();
                p.sort_unstable();
                p.join("|")
            };
            format!("hs({};{})", list(include), list(except))
        }
        Test::Country {
            field,
            negated,
            list,
        } => format!("{}:{}:{:?}", field.name(), negated, list.set),
        Test::PartyRegex { field, regex } => format!("{}~{}", field.name(), regex.as_str()),
        Test::Description(regex) => format!("description~{}", regex.as_str()),
        Test::Licence(regex) => format!("licence~{}", regex.as_str()),
        other => format!("{other:?}"),
    };
    if flip { format!("not({body})") } else { body }
}

/// Whether a code can start with both prefixes: one lies within the other.
fn comparable(a: &HsPrefix, b: &HsPrefix) -> bool {
    a.is_within(b) || b.is_within(a)
}

/// Why a rule can never fire, if it can be shown.
fn dead_reason(set: &RuleSet, rule: &Rule, conj: &Conj<'_>) -> Option<(String, Location)> {
    let window = set.window().intersect(&rule.window());
    if window.is_empty() {
        return Some((
            format!(
                "its window ({}) lies outside its rule set's ({})",
                rule.window(),
                set.window()
            ),
            rule.location().clone(),
        ));
    }
    for (include, except, location) in &conj.hs {
        if !include.is_empty()
            && include
                .iter()
                .all(|i| except.iter().any(|e| i.prefix.is_within(&e.prefix)))
        {
            return Some((
                "`hs_code_except` covers every code `hs_code` includes".into(),
                (*location).clone(),
            ));
        }
    }
    for (i, (a, _, _)) in conj.hs.iter().enumerate() {
        for (b, _, location) in conj.hs.iter().skip(i + 1) {
            if !a
                .iter()
                .any(|x| b.iter().any(|y| comparable(&x.prefix, &y.prefix)))
            {
                return Some((
                    "two `hs_code` conditions no code can meet both of".into(),
                    (*location).clone(),
                ));
            }
        }
    }
    for (field, (_, _, location)) in &conj.countries {
        let Some(allowed) = conj.allowed(field) else {
            continue;
        };
        if allowed.is_empty() {
            return Some((
                format!(
                    "no country can meet its `{field}` conditions: every one required is also excluded"
                ),
                (*location).clone(),
            ));
        }
        if *field == "export_country"
            && set.scope() == Scope::Jurisdiction
            && !allowed.contains(set.jurisdiction())
        {
            return Some((
                format!(
                    "its rule set applies only to exports from {}, which its `export_country` condition excludes",
                    set.jurisdiction()
                ),
                (*location).clone(),
            ));
        }
    }
    for ((field, unit), bounds) in &conj.amounts {
        let (low, high) = interval(bounds);
        let empty = match (low, high) {
            (Some((l, l_incl)), Some((h, h_incl))) => l > h || (l == h && !(l_incl && h_incl)),
            _ => false,
        };
        if empty {
            return Some((
                format!("no {field} in {unit} can meet its bounds"),
                rule.location().clone(),
            ));
        }
    }
    None
}

/// The interval bounds allow: lowest and highest value, each with whether it is included.
#[allow(clippy::type_complexity, reason = "a local pair of optional bounds")]
fn interval(bounds: &[(CmpOp, Decimal)]) -> (Option<(Decimal, bool)>, Option<(Decimal, bool)>) {
    let mut low: Option<(Decimal, bool)> = None;
    let mut high: Option<(Decimal, bool)> = None;
    let tighter_low = |cur: Option<(Decimal, bool)>, new: (Decimal, bool)| match cur {
        Some(c) if c.0 > new.0 || (c.0 == new.0 && !c.1) => Some(c),
        _ => Some(new),
    };
    let tighter_high = |cur: Option<(Decimal, bool)>, new: (Decimal, bool)| match cur {
        Some(c) if c.0 < new.0 || (c.0 == new.0 && !c.1) => Some(c),
        _ => Some(new),
    };
    for (op, v) in bounds {
        match op {
            CmpOp::Gt => low = tighter_low(low, (*v, false)),
            CmpOp::Ge => low = tighter_low(low, (*v, true)),
            CmpOp::Lt => high = tighter_high(high, (*v, false)),
            CmpOp::Le => high = tighter_high(high, (*v, true)),
            CmpOp::Eq => {
                low = tighter_low(low, (*v, true));
                high = tighter_high(high, (*v, true));
            }
        }
    }
    (low, high)
}

/// Whether every value interval `a` allows, `b` allows too.
fn interval_within(a: &[(CmpOp, Decimal)], b: &[(CmpOp, Decimal)]) -> bool {
    let (al, ah) = interval(a);
    let (bl, bh) = interval(b);
    let low_ok = match (al, bl) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some((a, ai)), Some((b, bi))) => a > b || (a == b && (bi || !ai)),
    };
    let high_ok = match (ah, bh) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some((a, ai)), Some((b, bi))) => a < b || (a == b && (bi || !ai)),
    };
    low_ok && high_ok
}

/// A compiled view of one rule for pairwise reasoning.
struct View<'a> {
    set: &'a RuleSet,
    rule: &'a Rule,
    conj: Conj<'a>,
    window: Window,
    exporter: Option<CountryCode>,
    unless: Option<String>,
}

fn window_within(a: &Window, b: &Window) -> bool {
    let from_ok = match (a.from, b.from) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => x >= y,
    };
    let until_ok = match (a.until, b.until) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => x <= y,
    };
    from_ok && until_ok
}

/// Whether every record `a` matches (on a date it is in force) is matched by `b`.
fn covers(b: &View<'_>, a: &View<'_>) -> bool {
    if !window_within(&a.window, &b.window) {
        return false;
    }
    if b.exporter.is_some() && b.exporter != a.exporter {
        return false;
    }
    if b.unless.is_some() && b.unless != a.unless {
        return false;
    }
    for (b_inc, b_exc, _) in &b.conj.hs {
        let implied = a.conj.hs.iter().any(|(a_inc, a_exc, _)| {
            a_inc.iter().all(|p| {
                b_inc.iter().any(|q| p.prefix.is_within(&q.prefix))
                    && b_exc.iter().all(|e| {
                        !comparable(&e.prefix, &p.prefix)
                            || a_exc.iter().any(|x| e.prefix.is_within(&x.prefix))
                    })
            })
        });
        if !implied {
            return false;
        }
    }
    for field in b.conj.countries.keys() {
        let (Some(b_allowed), a_allowed) = (b.conj.allowed(field), a.conj.allowed(field)) else {
            continue;
        };
        let a_allowed = a_allowed.unwrap_or_else(universe);
        if !a_allowed.is_subset(&b_allowed) {
            return false;
        }
    }
    for (field, negated, b_set) in &b.conj.lists {
        let implied = a.conj.lists.iter().any(|(f, n, a_set)| {
            f == field
                && n == negated
                && if *negated {
                    b_set.is_subset(a_set)
                } else {
                    a_set.is_subset(b_set)
                }
        });
        if !implied {
            return false;
        }
    }
    for (key, b_bounds) in &b.conj.amounts {
        match a.conj.amounts.get(key) {
            Some(a_bounds) if interval_within(a_bounds, b_bounds) => {}
            _ => return false,
        }
    }
    b.conj.others.is_subset(&a.conj.others)
}

/// Whether some record could match both rules (on some day).
fn may_overlap(a: &View<'_>, b: &View<'_>) -> bool {
    if a.window.intersect(&b.window).is_empty() {
        return false;
    }
    if let (Some(x), Some(y)) = (a.exporter, b.exporter)
        && x != y
    {
        return false;
    }
    if a.conj.hs.is_empty() || b.conj.hs.is_empty() {
        return false; // too wide to say anything useful
    }
    for (a_inc, _, _) in &a.conj.hs {
        for (b_inc, _, _) in &b.conj.hs {
            if !a_inc
                .iter()
                .any(|x| b_inc.iter().any(|y| comparable(&x.prefix, &y.prefix)))
            {
                return false;
            }
        }
    }
    for field in ["origin", "export_country", "destination"] {
        if let (Some(x), Some(y)) = (a.conj.allowed(field), b.conj.allowed(field))
            && !x.intersects(&y)
        {
            return false;
        }
    }
    true
}

fn verdict_covers(b: &Rule, a: &Rule) -> bool {
    match (b.verdict(), a.verdict()) {
        (Decision::LicenseRequired, Decision::LicenseRequired) => {
            b.accepted_licences() == a.accepted_licences()
        }
        (Decision::LicenseRequired, _) => false,
        (bv, av) => bv >= av,
    }
}

/// Lints a rule book; with a test report, also finds rules no case exercises.
pub fn lint(book: &Rulebook, tests: Option<&TestReport>) -> Vec<Finding> {
    let nomenclature = Nomenclature::new();
    let mut out = Vec::new();

    for group in book.groups().values() {
        if matches!(group.members(), crate::rule::GroupMembers::HsCodes(_)) {
            for (text, location) in &group.items {
                if let Ok(prefix) = text.parse::<HsPrefix>() {
                    nomenclature.check(&prefix, location, &mut out);
                }
            }
        }
    }

    let mut views: Vec<View<'_>> = Vec::new();
    for set in book.rule_sets() {
        if set.status() != Status::InForce && set.notes().is_none() {
            out.push(Finding {
                severity: Severity::Warning,
                code: "missing-notes",
                message: format!(
                    "rule set `{}` has status `{}` but no `notes` saying why",
                    set.id(),
                    set.status()
                ),
                location: set.location().clone(),
                help: Some("say what is reported, disputed or incomplete about it".into()),
            });
        }
        for rule in set.rules() {
            let mut seen = BTreeSet::new();
            for condition in std::iter::once(&rule.when).chain(rule.unless.as_ref()) {
                eval::for_each_leaf(condition, &mut |leaf| {
                    if let Test::Hs { include, except } = &leaf.test {
                        for item in include.iter().chain(except) {
                            if item.group.is_none() && seen.insert(item.prefix) {
                                nomenclature.check(&item.prefix, &item.location, &mut out);
                            }
                        }
                    }
                });
            }
            if rule.citation().is_none() {
                out.push(Finding {
                    severity: Severity::Warning,
                    code: "missing-citation",
                    message: format!("rule `{}` cites no clause", rule.id()),
                    location: rule.location().clone(),
                    help: Some("add `citation = \"...\"`: explanations show it".into()),
                });
            }
            let conj = Conj::of(&rule.when);
            if let Some((reason, location)) = dead_reason(set, rule, &conj) {
                out.push(Finding {
                    severity: Severity::Error,
                    code: "dead-rule",
                    message: format!("rule `{}` can never fire: {reason}", rule.id()),
                    location,
                    help: None,
                });
            } else if !window_within(&rule.window(), &set.window())
                && rule.window() != Window::default()
            {
                out.push(Finding {
                    severity: Severity::Warning,
                    code: "window-outside",
                    message: format!(
                        "part of rule `{}`'s window ({}) lies outside its rule set's ({})",
                        rule.id(),
                        rule.window(),
                        set.window()
                    ),
                    location: rule.location().clone(),
                    help: Some("the rule applies only where the two windows overlap".into()),
                });
            }
            views.push(View {
                set,
                rule,
                window: set.window().intersect(&rule.window()),
                exporter: match set.scope() {
                    Scope::Jurisdiction => Some(set.jurisdiction()),
                    Scope::AnyExporter => None,
                },
                unless: rule.unless.as_ref().map(shape),
                conj,
            });
        }
    }

    let mut reported_duplicates = BTreeSet::new();
    for a in &views {
        for b in &views {
            if std::ptr::eq(a.rule, b.rule) {
                continue;
            }
            let same_set = a.set.id() == b.set.id();
            if covers(b, a) && verdict_covers(b.rule, a.rule) {
                let mutual = covers(a, b) && a.rule.verdict() == b.rule.verdict();
                if mutual && same_set {
                    let key = if a.rule.id() < b.rule.id() {
                        (a.rule.id(), b.rule.id())
                    } else {
                        (b.rule.id(), a.rule.id())
                    };
                    if reported_duplicates.insert(key) {
                        let later = if a.rule.location().line() > b.rule.location().line() {
                            a
                        } else {
                            b
                        };
                        let earlier = if std::ptr::eq(later, a) { b } else { a };
                        out.push(Finding {
                            severity: Severity::Warning,
                            code: "duplicate",
                            message: format!(
                                "rule `{}` matches exactly what rule `{}` matches, with the same verdict",
                                later.rule.id(),
                                earlier.rule.id()
                            ),
                            location: later.rule.location().clone(),
                            help: Some(format!("`{}` is at {}", earlier.rule.id(), earlier.rule.location())),
                        });
                    }
                    continue;
                }
                if mutual {
                    continue;
                }
                out.push(Finding {
                    severity: if same_set {
                        Severity::Warning
                    } else {
                        Severity::Info
                    },
                    code: if same_set {
                        "shadowed"
                    } else {
                        "covered-elsewhere"
                    },
                    message: format!(
                        "every record rule `{}` ({}) matches is also matched by rule `{}` ({}{})",
                        a.rule.id(),
                        a.rule.verdict(),
                        b.rule.id(),
                        b.rule.verdict(),
                        if same_set {
                            String::new()
                        } else {
                            format!(", rule set `{}`", b.set.id())
                        }
                    ),
                    location: a.rule.location().clone(),
                    help: Some(if same_set {
                        format!(
                            "remove it or narrow `{}` (at {})",
                            b.rule.id(),
                            b.rule.location()
                        )
                    } else {
                        "intended when two acts cover the same goods; both are cited".into()
                    }),
                });
            } else if same_set
                && a.rule.verdict() < b.rule.verdict()
                && may_overlap(a, b)
                && !covers(a, b)
            {
                out.push(Finding {
                    severity: Severity::Info,
                    code: "overlap",
                    message: format!(
                        "rules `{}` ({}) and `{}` ({}) can match the same record; the more severe decides",
                        a.rule.id(),
                        a.rule.verdict(),
                        b.rule.id(),
                        b.rule.verdict()
                    ),
                    location: a.rule.location().clone(),
                    help: None,
                });
            }
        }
    }

    if let Some(report) = tests {
        let exercised: BTreeSet<&str> = report.exercised_rules().collect();
        for (set, rule) in book.rules() {
            if !exercised.contains(rule.id()) {
                out.push(Finding {
                    severity: Severity::Warning,
                    code: "untested",
                    message: format!("no test case makes rule `{}` match", rule.id()),
                    location: rule.location().clone(),
                    help: Some(format!(
                        "add a `[[test]]` case to `{}`",
                        set.file().replace(".toml", crate::source::TESTS_SUFFIX)
                    )),
                });
            }
        }
    }

    out.sort_by(|a, b| {
        (
            a.location.file(),
            a.location.line(),
            a.location.column(),
            a.code,
            &a.message,
        )
            .cmp(&(
                b.location.file(),
                b.location.line(),
                b.location.column(),
                b.code,
                &b.message,
            ))
    });
    out.dedup();
    out
}

//! Reasoning over the top level of rules' conditions: which rule can never fire, which rule
//! matches everything another does, which two can match the same record.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::country::{CountryCode, CountrySet};
use crate::hs::HsPrefix;
use crate::rule::{AmountField, Condition, CountryField, HsList, Leaf, Rule, RuleSet, Scope, Test};
use crate::source::Location;
use crate::verdict::Decision;
use crate::verdict::because::{Bound, Comparison};
use crate::window::Window;

/// The top level of a rule's `when`: what a reasoning about it can use.
#[derive(Default)]
pub(super) struct Conj<'a> {
    hs: Vec<(&'a [HsPrefix], &'a [HsPrefix], &'a Location)>,
    /// Single-valued country fields: required sets (each must hold) and excluded sets.
    countries: BTreeMap<&'static str, (Vec<CountrySet>, CountrySet, &'a Location)>,
    /// Transit and route, as written: (field, negated, set).
    lists: Vec<(&'static str, bool, CountrySet)>,
    /// Amount bounds by field and unit.
    amounts: BTreeMap<(&'static str, String), Vec<Bound>>,
    /// Everything else, by shape.
    others: BTreeSet<String>,
}

fn universe() -> CountrySet {
    CountryCode::all().collect()
}

impl<'a> Conj<'a> {
    pub(super) fn of(condition: &'a Condition) -> Conj<'a> {
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
                self.hs
                    .push((&include.prefixes, &except.prefixes, &leaf.location));
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
pub(super) fn shape(condition: &Condition) -> String {
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
            let list = |items: &HsList| {
                let mut p: Vec<&str> = items.prefixes.iter().map(HsPrefix::as_str).collect();
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
        Test::PartyRegex { field, regex } => format!("{}~{}", field.field(), regex.as_str()),
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
pub(super) fn dead_reason(
    set: &RuleSet,
    rule: &Rule,
    conj: &Conj<'_>,
) -> Option<(String, Location)> {
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
                .all(|i| except.iter().any(|e| i.is_within(e)))
        {
            return Some((
                "`hs_code_except` covers every code `hs_code` includes".into(),
                (*location).clone(),
            ));
        }
    }
    for (i, (a, _, _)) in conj.hs.iter().enumerate() {
        for (b, _, location) in conj.hs.iter().skip(i + 1) {
            if !a.iter().any(|x| b.iter().any(|y| comparable(x, y))) {
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
            && !(allowed.contains(set.jurisdiction())
                || (set.jurisdiction().is_eu() && CountryCode::eu_members().intersects(&allowed)))
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
fn interval(bounds: &[Bound]) -> (Option<(Decimal, bool)>, Option<(Decimal, bool)>) {
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
    for Bound { op, limit } in bounds {
        let v = limit;
        match op {
            Comparison::Gt => low = tighter_low(low, (*v, false)),
            Comparison::Ge => low = tighter_low(low, (*v, true)),
            Comparison::Lt => high = tighter_high(high, (*v, false)),
            Comparison::Le => high = tighter_high(high, (*v, true)),
            Comparison::Eq => {
                low = tighter_low(low, (*v, true));
                high = tighter_high(high, (*v, true));
            }
        }
    }
    (low, high)
}

/// Whether every value interval `a` allows, `b` allows too.
fn interval_within(a: &[Bound], b: &[Bound]) -> bool {
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
pub(super) struct View<'a> {
    pub(super) set: &'a RuleSet,
    pub(super) rule: &'a Rule,
    pub(super) conj: Conj<'a>,
    pub(super) window: Window,
    pub(super) exporter: Option<CountryCode>,
    pub(super) unless: Option<String>,
}

pub(super) fn window_within(a: &Window, b: &Window) -> bool {
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
pub(super) fn covers(b: &View<'_>, a: &View<'_>) -> bool {
    // A history test narrows what a rule matches by records the conditions do not show: a rule
    // with one covers only rules with the same test.
    let kind = |v: &View<'_>| v.rule.history.as_ref().map(|h| h.kind.clone());
    if b.rule.history.is_some() && kind(b) != kind(a) {
        return false;
    }
    // So does a party test: only the same test covers it.
    if b.rule.parties.is_some() && b.rule.parties != a.rule.parties {
        return false;
    }
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
                b_inc.iter().any(|q| p.is_within(q))
                    && b_exc
                        .iter()
                        .all(|e| !comparable(e, p) || a_exc.iter().any(|x| e.is_within(x)))
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
pub(super) fn may_overlap(a: &View<'_>, b: &View<'_>) -> bool {
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
            if !a_inc.iter().any(|x| b_inc.iter().any(|y| comparable(x, y))) {
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

pub(super) fn verdict_covers(b: &Rule, a: &Rule) -> bool {
    match (b.verdict(), a.verdict()) {
        (Decision::LicenseRequired, Decision::LicenseRequired) => {
            b.accepted_licences() == a.accepted_licences()
        }
        (Decision::LicenseRequired, _) => false,
        (bv, av) => bv >= av,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    const OPS: [Comparison; 5] = [
        Comparison::Gt,
        Comparison::Ge,
        Comparison::Lt,
        Comparison::Le,
        Comparison::Eq,
    ];

    /// Every list of at most two bounds with limits 1, 2 and 3.
    fn bound_lists() -> Vec<Vec<Bound>> {
        let singles: Vec<Bound> = OPS
            .iter()
            .flat_map(|&op| {
                (1..=3).map(move |l| Bound {
                    op,
                    limit: Decimal::from(l),
                })
            })
            .collect();
        let mut lists = vec![Vec::new()];
        lists.extend(singles.iter().map(|&b| vec![b]));
        for &a in &singles {
            lists.extend(singles.iter().map(|&b| vec![a, b]));
        }
        lists
    }

    /// Values from 0 to 4 in halves: each limit, each side of it and between them.
    fn values() -> Vec<Decimal> {
        (0..=8).map(|h| Decimal::new(h * 5, 1)).collect()
    }

    fn allows(bounds: &[Bound], v: Decimal) -> bool {
        bounds.iter().all(|b| b.op.holds(v, b.limit))
    }

    /// The oracle: the bounds' own comparisons, value by value.
    #[test]
    fn an_interval_allows_what_its_bounds_allow() {
        for bounds in bound_lists() {
            let (low, high) = interval(&bounds);
            for v in values() {
                let in_low = low.is_none_or(|(l, incl)| v > l || (incl && v == l));
                let in_high = high.is_none_or(|(h, incl)| v < h || (incl && v == h));
                assert_eq!(in_low && in_high, allows(&bounds, v), "{bounds:?} at {v}");
            }
        }
    }

    /// One interval lies within another exactly when every value the first allows the second
    /// allows (for a first that allows some value; an empty one covers nothing here).
    #[test]
    fn interval_within_is_inclusion_of_values() {
        let lists = bound_lists();
        for a in &lists {
            let of_a: Vec<Decimal> = values().into_iter().filter(|&v| allows(a, v)).collect();
            if of_a.is_empty() {
                continue;
            }
            for b in &lists {
                let expected = of_a.iter().all(|&v| allows(b, v));
                assert_eq!(interval_within(a, b), expected, "{a:?} within {b:?}");
            }
        }
    }

    /// A window lies within another exactly when every day of the first is a day of the
    /// second (for a first with some day).
    #[test]
    fn window_within_is_inclusion_of_days() {
        let day = |d| NaiveDate::from_ymd_opt(2023, 1, d).unwrap();
        let ends = [None, Some(day(2)), Some(day(3)), Some(day(4))];
        let windows: Vec<Window> = ends
            .iter()
            .flat_map(|&from| ends.iter().map(move |&until| Window { from, until }))
            .collect();
        let days: Vec<NaiveDate> = (1..=5).map(day).collect();
        for a in &windows {
            let of_a: Vec<&NaiveDate> = days.iter().filter(|&&d| a.contains(d)).collect();
            if of_a.is_empty() {
                continue;
            }
            for b in &windows {
                let expected = of_a.iter().all(|&&d| b.contains(d));
                assert_eq!(window_within(a, b), expected, "{a:?} within {b:?}");
            }
        }
    }
}

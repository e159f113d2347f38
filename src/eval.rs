//! Evaluating conditions on a record, in three-valued logic, and explaining the result.
//!
//! A condition is true, false, or unknown: unknown when the record lacks a field it tests, or a
//! value is in another currency or unit than the rule's. `all` is false if any part is false,
//! else unknown if any is unknown; `any` is true if any part is true, else unknown if any is
//! unknown; `not` keeps unknown. A rule whose conditions are unknown sends the record to review:
//! the engine fails closed.
//!
//! [`truth`] answers without allocating, for the hot path; [`explain`] runs only for rules that
//! matched and lists the leaves that decided the result, each describing the record's value as
//! it is ("hs_code 8542310000 starts with 854231", "origin US is not in [KZ]").

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::country::CountryCode;
use crate::rule::{
    AmountField, AttrTest, Condition, CountryField, CountryItem, CountryList, Leaf, PartyField,
    Test, same_text,
};
use crate::shipment::Shipment;
use crate::verdict::Because;

/// The value of a condition on a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Truth {
    False,
    True,
    Unknown,
}

impl Truth {
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }
}

/// The truth of a condition, without explanation.
pub(crate) fn truth(condition: &Condition, s: &Shipment) -> Truth {
    match condition {
        Condition::All(parts) => {
            let mut result = Truth::True;
            for part in parts {
                match truth(part, s) {
                    Truth::False => return Truth::False,
                    Truth::Unknown => result = Truth::Unknown,
                    Truth::True => {}
                }
            }
            result
        }
        Condition::Any(parts) => {
            let mut result = Truth::False;
            for part in parts {
                match truth(part, s) {
                    Truth::True => return Truth::True,
                    Truth::Unknown => result = Truth::Unknown,
                    Truth::False => {}
                }
            }
            result
        }
        Condition::Not(inner) => truth(inner, s).not(),
        Condition::Leaf(leaf) => leaf_truth(&leaf.test, s),
    }
}

/// Calls `f` with the truth of every leaf of a condition on a record, in the order of
/// [`for_each_leaf`].
pub(crate) fn for_each_leaf_truth(condition: &Condition, s: &Shipment, f: &mut dyn FnMut(Truth)) {
    condition.for_each_leaf(&mut |leaf| f(leaf_truth(&leaf.test, s)));
}

/// The truth of a condition, pushing onto `out` the leaves that decided it. Truths of parts
/// are recomputed with [`truth`] (cheap) rather than kept, so nothing is built for parts that
/// are not shown.
pub(crate) fn explain(condition: &Condition, s: &Shipment, out: &mut Vec<Because>) -> Truth {
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            let result = truth(condition, s);
            // Which parts decided the result; `None` shows every part (for an `all` that is
            // unknown, the parts that held are part of the story too).
            let shown = match (matches!(condition, Condition::All(_)), result) {
                (true, Truth::False) => Some(Truth::False),
                (true, _) => None,
                (false, Truth::False) => None,
                (false, t) => Some(t),
            };
            for part in parts {
                if shown.is_none_or(|t| truth(part, s) == t) {
                    explain(part, s, out);
                }
            }
            result
        }
        Condition::Not(inner) => explain(inner, s, out).not(),
        Condition::Leaf(leaf) => {
            let t = leaf_truth(&leaf.test, s);
            out.push(because(leaf, s, t));
            t
        }
    }
}

fn country_of(field: CountryField, s: &Shipment) -> Option<CountryCode> {
    match field {
        CountryField::Origin => s.origin,
        CountryField::ExportCountry => Some(s.export_country),
        CountryField::Destination => Some(s.destination),
        CountryField::Transit | CountryField::Route => None,
    }
}

fn party_of(field: PartyField, s: &Shipment) -> Option<&str> {
    match field {
        PartyField::Consignor => s.consignor.as_deref(),
        PartyField::Consignee => s.consignee.as_deref(),
        PartyField::EndUser => s.end_user.as_deref(),
    }
}

fn amount_of(field: AmountField, s: &Shipment) -> (Option<rust_decimal::Decimal>, Option<&str>) {
    match field {
        AmountField::Value => (s.value, s.currency.as_deref()),
        AmountField::Quantity => (s.quantity, s.unit.as_deref()),
    }
}

/// The countries a list-valued country field holds (transit, or the whole route).
fn route_countries(field: CountryField, s: &Shipment) -> impl Iterator<Item = CountryCode> + '_ {
    let ends = (field == CountryField::Route).then_some([s.export_country, s.destination]);
    s.transit.iter().copied().chain(ends.into_iter().flatten())
}

fn leaf_truth(test: &Test, s: &Shipment) -> Truth {
    match test {
        Test::Hs { include, except } => Truth::from_bool(
            include.iter().any(|i| s.hs_code.starts_with(&i.prefix))
                && !except.iter().any(|i| s.hs_code.starts_with(&i.prefix)),
        ),
        Test::Country {
            field,
            negated,
            list,
        } => {
            let found = match field {
                CountryField::Transit | CountryField::Route => {
                    Some(route_countries(*field, s).any(|c| list.set.contains(c)))
                }
                _ => country_of(*field, s).map(|c| list.set.contains(c)),
            };
            match found {
                None => Truth::Unknown,
                Some(found) => Truth::from_bool(found != *negated),
            }
        }
        Test::PartyName { field, names } => match party_of(*field, s) {
            None => Truth::Unknown,
            Some(name) => Truth::from_bool(names.iter().any(|n| same_text(n, name))),
        },
        Test::PartyRegex { field, regex } => match party_of(*field, s) {
            None => Truth::Unknown,
            Some(name) => Truth::from_bool(regex.is_match(name)),
        },
        Test::EndUserDiffers(want) => match (s.end_user.as_deref(), s.consignee.as_deref()) {
            (Some(end_user), Some(consignee)) => {
                Truth::from_bool(same_text(end_user, consignee) != *want)
            }
            _ => Truth::Unknown,
        },
        Test::Amount {
            field,
            bounds,
            unit,
        } => match amount_of(*field, s) {
            (Some(amount), Some(record_unit)) if record_unit == unit => {
                Truth::from_bool(bounds.iter().all(|(op, limit)| op.holds(amount, *limit)))
            }
            _ => Truth::Unknown,
        },
        Test::Description(regex) => match &s.description {
            None => Truth::Unknown,
            Some(d) => Truth::from_bool(regex.is_match(d)),
        },
        Test::Licence(regex) => Truth::from_bool(s.licences.iter().any(|l| regex.is_match(l))),
        Test::Attribute {
            name,
            test,
            missing_is_no_match,
        } => match s.attributes.get(name) {
            None if *missing_is_no_match => Truth::False,
            None => Truth::Unknown,
            Some(value) => Truth::from_bool(match test {
                AttrTest::Equals(expected) => same_text(expected, value),
                AttrTest::In(list) => list.iter().any(|e| same_text(e, value)),
                AttrTest::Matches(regex) => regex.is_match(value),
            }),
        },
    }
}

/// How many items of a long list an explanation shows.
const SHOWN_ITEMS: usize = 8;

fn short_list<T: std::fmt::Display>(items: &[T]) -> String {
    let mut text = String::from("[");
    for (i, item) in items.iter().take(SHOWN_ITEMS).enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        let _ = write!(text, "{item}");
    }
    if items.len() > SHOWN_ITEMS {
        let _ = write!(text, ", and {} more", items.len() - SHOWN_ITEMS);
    }
    text.push(']');
    text
}

/// HS items as written: group names once, prefixes written directly as themselves.
fn hs_list(items: &[crate::rule::HsItem]) -> String {
    let mut written: Vec<String> = Vec::new();
    for item in items {
        let text = match &item.group {
            Some(group) => group.to_string(),
            None => item.prefix.to_string(),
        };
        if !written.contains(&text) {
            written.push(text);
        }
    }
    short_list(&written)
}

fn in_list(list: &CountryList, code: CountryCode) -> String {
    let mut text = String::with_capacity(64);
    match list.item_for(code) {
        Some(CountryItem::Group(name, _)) if list.items.len() == 1 => {
            text.push_str("is in group ");
            text.push_str(name);
        }
        Some(CountryItem::Group(name, _)) => {
            text.push_str("is in ");
            list.push_to(&mut text);
            text.push_str(", by group ");
            text.push_str(name);
        }
        _ => {
            text.push_str("is in ");
            list.push_to(&mut text);
        }
    }
    text
}

/// `is not in [..]`, the usual explanation of a country condition that failed.
fn not_in_list(list: &CountryList) -> String {
    let mut text = String::with_capacity(64);
    text.push_str("is not in ");
    list.push_to(&mut text);
    text
}

fn because(leaf: &Leaf, s: &Shipment, t: Truth) -> Because {
    let holds = t == Truth::True;
    let (field, value, condition): (Cow<'static, str>, Option<String>, String) = match &leaf.test {
        Test::Hs { include, except } => {
            let code = s.hs_code;
            let hit = include.iter().find(|i| code.starts_with(&i.prefix));
            let excluded = except.iter().find(|i| code.starts_with(&i.prefix));
            let condition = match (hit, excluded) {
                (Some(p), None) => {
                    let mut text = String::with_capacity(48);
                    text.push_str("starts with ");
                    p.push_to(&mut text);
                    text
                }
                (Some(p), Some(x)) => {
                    format!("starts with {p} but also with {x}, which is excluded")
                }
                (None, _) => format!("does not start with any of {}", hs_list(include)),
            };
            (
                Cow::Borrowed("hs_code"),
                Some(code.as_str().to_owned()),
                condition,
            )
        }
        Test::Country {
            field,
            negated,
            list,
        } => match field {
            CountryField::Transit | CountryField::Route => {
                let countries: Vec<CountryCode> = route_countries(*field, s).collect();
                let hit = countries.iter().find(|c| list.set.contains(**c));
                let condition = match hit {
                    Some(c) => format!("passes through {c}, which {}", in_list(list, *c)),
                    None => format!("has no country in {list}"),
                };
                let value = if countries.is_empty() {
                    None
                } else {
                    Some(short_list(&countries))
                };
                (Cow::Borrowed(field.name()), value, condition)
            }
            _ => match country_of(*field, s) {
                None => (
                    Cow::Borrowed(field.name()),
                    None,
                    format!(
                        "is missing: cannot tell whether it is {}in {list}",
                        if *negated { "not " } else { "" }
                    ),
                ),
                Some(c) => {
                    let condition = if list.set.contains(c) {
                        in_list(list, c)
                    } else {
                        not_in_list(list)
                    };
                    (
                        Cow::Borrowed(field.name()),
                        Some(c.as_str().to_owned()),
                        condition,
                    )
                }
            },
        },
        Test::PartyName { field, names } => {
            let value = party_of(*field, s).map(str::to_owned);
            let condition = match (&value, holds) {
                (None, _) => format!(
                    "is missing: cannot tell whether it is one of {}",
                    short_list(names)
                ),
                (Some(v), true) => format!(
                    "is the listed party `{}`",
                    names
                        .iter()
                        .find(|n| same_text(n, v))
                        .map_or("", String::as_str)
                ),
                (Some(_), false) => format!("is not one of {}", short_list(names)),
            };
            (Cow::Borrowed(field.name()), value, condition)
        }
        Test::PartyRegex { field, regex } => {
            let value = party_of(*field, s).map(str::to_owned);
            (
                field.name().into(),
                value.clone(),
                regex_phrase(value.as_deref(), regex),
            )
        }
        Test::EndUserDiffers(want) => {
            let condition = match (s.end_user.as_deref(), s.consignee.as_deref()) {
                (Some(_), Some(c)) => {
                    let differs = (t == Truth::True) == *want;
                    if differs {
                        format!("differs from the consignee `{c}`")
                    } else {
                        format!("is the consignee `{c}`")
                    }
                }
                (None, _) => "is missing: cannot compare it with the consignee".into(),
                (Some(_), None) => "cannot be compared: the consignee is missing".into(),
            };
            (Cow::Borrowed("end_user"), s.end_user.clone(), condition)
        }
        Test::Amount {
            field,
            bounds,
            unit,
        } => {
            let rule_text = bounds
                .iter()
                .map(|(op, limit)| format!("{} {limit} {unit}", op.symbol()))
                .collect::<Vec<_>>()
                .join(" and ");
            let (amount, record_unit) = amount_of(*field, s);
            let condition = match (amount, record_unit) {
                (None, _) => format!("is missing: cannot compare with {rule_text}"),
                (Some(_), Some(u)) if u != unit => format!(
                    "cannot be compared with {rule_text}: the record's {} is {u}, the rule's {unit}",
                    field.unit_name()
                ),
                _ if holds => format!("is {rule_text}"),
                _ => format!("is not {rule_text}"),
            };
            let value = amount.map(|a| match record_unit {
                Some(u) => format!("{a} {u}"),
                None => a.to_string(),
            });
            (Cow::Borrowed(field.name()), value, condition)
        }
        Test::Description(regex) => (
            Cow::Borrowed("description"),
            s.description.clone(),
            regex_phrase(s.description.as_deref(), regex),
        ),
        Test::Licence(regex) => {
            let hit = s.licences.iter().find(|l| regex.is_match(l));
            let condition = match hit {
                Some(l) => format!("include `{l}`, which matches /{}/", regex.as_str()),
                None => format!("include none matching /{}/", regex.as_str()),
            };
            let value = (!s.licences.is_empty()).then(|| short_list(&s.licences));
            (Cow::Borrowed("licences"), value, condition)
        }
        Test::Attribute {
            name,
            test,
            missing_is_no_match,
        } => {
            let value = s.attributes.get(name).cloned();
            let condition = match (test, &value) {
                (_, None) if *missing_is_no_match => "is missing, which counts as no match".into(),
                (AttrTest::Matches(regex), v) => regex_phrase(v.as_deref(), regex),
                (_, None) => "is missing: cannot tell whether it passes the rule's test".into(),
                (AttrTest::Equals(e), Some(_)) if holds => format!("equals `{e}`"),
                (AttrTest::Equals(e), Some(_)) => format!("does not equal `{e}`"),
                (AttrTest::In(list), Some(_)) if holds => format!("is in {}", short_list(list)),
                (AttrTest::In(list), Some(_)) => format!("is not in {}", short_list(list)),
            };
            (Cow::Owned(format!("attributes.{name}")), value, condition)
        }
    };
    Because {
        field,
        value,
        condition,
    }
}

fn regex_phrase(value: Option<&str>, regex: &regex::Regex) -> String {
    match value {
        None => format!(
            "is missing: cannot tell whether it matches /{}/",
            regex.as_str()
        ),
        Some(v) => match regex.find(v) {
            Some(m) => format!("matches /{}/ at `{}`", regex.as_str(), m.as_str()),
            None => format!("does not match /{}/", regex.as_str()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::HsItem;

    fn t(b: Option<bool>) -> Truth {
        match b {
            Some(true) => Truth::True,
            Some(false) => Truth::False,
            None => Truth::Unknown,
        }
    }

    /// A leaf that is true, false or unknown on the record of [`record`].
    fn leaf(b: Option<bool>) -> Condition {
        let source = crate::source::Source::new("t.toml", "x");
        let (field, country) = match b {
            Some(true) => (CountryField::Destination, "RU"),
            Some(false) => (CountryField::Destination, "CN"),
            None => (CountryField::Origin, "RU"),
        };
        let code: CountryCode = country.parse().unwrap();
        Condition::Leaf(Leaf {
            key: "destination",
            test: Test::Country {
                field,
                negated: false,
                list: CountryList {
                    items: vec![CountryItem::Code(code)],
                    set: std::iter::once(code).collect(),
                },
            },
            location: source.locate(0..1),
        })
    }

    fn record() -> Shipment {
        Shipment::new(
            "R",
            "2023-01-01".parse().unwrap(),
            "930190".parse().unwrap(),
            "KZ".parse().unwrap(),
            "RU".parse().unwrap(),
        )
    }

    /// `leaf_count` is what the engine reserves for an explanation: never fewer lines than
    /// `explain` writes, and exactly as many when every part is shown.
    #[test]
    fn leaf_count_bounds_the_lines_of_an_explanation() {
        let s = record();
        let values = [Some(true), Some(false), None];
        for a in values {
            for b in values {
                for c in values {
                    let nested = Condition::All(vec![
                        leaf(a),
                        Condition::Any(vec![leaf(b), Condition::Not(Box::new(leaf(c)))]),
                    ]);
                    let mut out = Vec::new();
                    explain(&nested, &s, &mut out);
                    assert_eq!(nested.leaf_count(), 3);
                    assert!(out.len() <= 3, "{a:?} {b:?} {c:?}: {}", out.len());
                }
            }
        }
        let every_part_shown = Condition::All(vec![leaf(Some(true)), leaf(None), leaf(None)]);
        let mut out = Vec::new();
        explain(&every_part_shown, &s, &mut out);
        assert_eq!(out.len(), every_part_shown.leaf_count());
    }

    /// A code under both an included prefix and an excluded one names both.
    #[test]
    fn an_excluded_code_is_explained_with_both_prefixes() {
        let source = crate::source::Source::new("t.toml", "x");
        let item = |prefix: &str, group: Option<&str>| HsItem {
            prefix: prefix.parse().unwrap(),
            group: group.map(Into::into),
            location: source.locate(0..1),
        };
        let hs = Leaf {
            key: "hs_code",
            test: Test::Hs {
                include: vec![item("93", Some("ARMS"))],
                except: vec![item("9301", None)],
            },
            location: source.locate(0..1),
        };
        let s = record();
        assert_eq!(leaf_truth(&hs.test, &s), Truth::False);
        let line = because(&hs, &s, Truth::False);
        assert_eq!(line.value.as_deref(), Some("930190"));
        assert_eq!(
            line.condition,
            "starts with 93 (group ARMS) but also with 9301, which is excluded"
        );
    }

    /// Kleene's three-valued logic, the whole truth table, through `truth` and `explain`.
    #[test]
    fn not_all_and_any_follow_kleene() {
        let s = record();
        let values = [Some(true), Some(false), None];
        let both = |c: &Condition| {
            let mut out = Vec::new();
            let explained = explain(c, &s, &mut out);
            assert_eq!(explained, truth(c, &s));
            explained
        };
        for a in values {
            assert_eq!(both(&leaf(a)), t(a));
            assert_eq!(both(&Condition::Not(Box::new(leaf(a)))), t(a.map(|x| !x)));
            for b in values {
                let and = match (a, b) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                let or = match (a, b) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                };
                assert_eq!(
                    both(&Condition::All(vec![leaf(a), leaf(b)])),
                    t(and),
                    "{a:?} and {b:?}"
                );
                assert_eq!(
                    both(&Condition::Any(vec![leaf(a), leaf(b)])),
                    t(or),
                    "{a:?} or {b:?}"
                );
            }
        }
    }

    /// An explanation lists the parts that decided the result.
    #[test]
    fn explanations_keep_the_deciding_parts() {
        let s = record();
        let shown = |c: &Condition| {
            let mut out = Vec::new();
            explain(c, &s, &mut out);
            out.len()
        };
        // all: false shows only the false parts; true and unknown show every part.
        assert_eq!(
            shown(&Condition::All(vec![leaf(Some(true)), leaf(Some(false))])),
            1
        );
        assert_eq!(
            shown(&Condition::All(vec![leaf(Some(true)), leaf(None)])),
            2
        );
        // any: true shows only the true parts, unknown only the unknown ones, false all.
        assert_eq!(
            shown(&Condition::Any(vec![leaf(Some(true)), leaf(Some(false))])),
            1
        );
        assert_eq!(
            shown(&Condition::Any(vec![leaf(None), leaf(Some(false))])),
            1
        );
        assert_eq!(
            shown(&Condition::Any(vec![leaf(Some(false)), leaf(Some(false))])),
            2
        );
    }

    #[test]
    fn short_lists_cut_after_eight() {
        let nine: Vec<u32> = (1..=9).collect();
        assert_eq!(short_list(&nine), "[1, 2, 3, 4, 5, 6, 7, 8, and 1 more]");
        assert_eq!(short_list(&nine[..8]), "[1, 2, 3, 4, 5, 6, 7, 8]");
        assert_eq!(short_list::<u32>(&[]), "[]");
    }
}

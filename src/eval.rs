//! Evaluating conditions on a record in three-valued logic, in one pass that also writes the
//! reasons when asked.
//!
//! A condition is true, false, or unknown: unknown when the record lacks a field it tests, or a
//! value is in another currency or unit than the rule's. `all` is false if any part is false,
//! else unknown if any is unknown; `any` is true if any part is true, else unknown if any is
//! unknown; `not` keeps unknown. A rule whose conditions are unknown sends the record to review:
//! the engine fails closed.
//!
//! [`eval`] computes the truth and, when its [`Sink`] is active, writes a [`Because`] for each
//! leaf it looks at; as parts settle, it keeps the reasons of the parts that decided the result:
//! the first false part of a false `all`, every part of a true or unknown `all`; the first true
//! part of a true `any`, the unknown parts of an unknown `any`, every part of a false one. With
//! [`NoReasons`] the same code, monomorphised, only computes the truth: `decide` and `check`
//! share it.

use std::borrow::Cow;

use smallvec::SmallVec;

use crate::country::{CountryCode, CountrySet};
use crate::rule::{
    AmountField, AttrTest, Condition, CountryField, CountryList, HsList, PartyField, Pattern, Test,
    same_text,
};
use crate::shipment::{Field, Shipment};
use crate::verdict::Because;
use crate::verdict::because::{AttributeTest, Needed, RouteField, Share, Subject};

/// The value of a condition on a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Truth {
    False,
    True,
    Unknown,
}

impl Truth {
    pub(crate) fn not(self) -> Truth {
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

/// Where [`eval`] writes reasons.
pub(crate) trait Sink<'e> {
    /// Whether reasons are wanted at all; when not, none is built.
    const ACTIVE: bool;
    /// How many reasons it holds.
    fn len(&self) -> usize;
    /// Adds a reason.
    fn push(&mut self, reason: Because<'e>);
    /// Drops the reasons at `start..end`, keeping those after.
    fn drop_range(&mut self, start: usize, end: usize);
    /// Drops the reasons from `len` on.
    fn truncate(&mut self, len: usize);
}

/// The sink of `decide`: no reason is built.
pub(crate) struct NoReasons;

impl<'e> Sink<'e> for NoReasons {
    const ACTIVE: bool = false;
    #[inline]
    fn len(&self) -> usize {
        0
    }
    #[inline]
    fn push(&mut self, _: Because<'e>) {}
    #[inline]
    fn drop_range(&mut self, _: usize, _: usize) {}
    #[inline]
    fn truncate(&mut self, _: usize) {}
}

/// How many reasons a check holds on the stack before it needs the heap: a rule of up to
/// this many conditions that turns out not to match costs no allocation.
const INLINE: usize = 6;

/// The reasons of the rule being evaluated.
pub(crate) struct Reasons<'e>(SmallVec<[Because<'e>; INLINE]>);

impl<'e> Reasons<'e> {
    pub(crate) fn new() -> Self {
        Reasons(SmallVec::new())
    }

    /// Takes the reasons from `start` on, in order, leaving those before.
    pub(crate) fn split_off(&mut self, start: usize) -> Vec<Because<'e>> {
        let start = start.min(self.0.len());
        self.0.drain(start..).collect()
    }

    /// Takes every reason, after `first` (the exporter and date, which are settled last).
    pub(crate) fn take_after(&mut self, first: &[Because<'e>]) -> Vec<Because<'e>> {
        let mut out = Vec::with_capacity(first.len() + self.0.len());
        out.extend_from_slice(first);
        out.extend(self.0.drain(..));
        out
    }
}

impl<'e> Sink<'e> for Reasons<'e> {
    const ACTIVE: bool = true;

    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }

    #[inline]
    fn push(&mut self, reason: Because<'e>) {
        self.0.push(reason);
    }

    fn drop_range(&mut self, start: usize, end: usize) {
        let end = end.min(self.0.len());
        if start < end {
            self.0.drain(start..end);
        }
    }

    #[inline]
    fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }
}

/// Calls `f` with the truth of every leaf of a condition on a record, each on its own, in the
/// order of [`Condition::for_each_leaf`] (test coverage asks whether each condition was seen
/// to hold and to fail).
#[cfg(feature = "authoring")]
pub(crate) fn for_each_leaf_truth(condition: &Condition, s: &Shipment, f: &mut dyn FnMut(Truth)) {
    condition.for_each_leaf(&mut |leaf| f(leaf_eval(&leaf.test, s, &mut NoReasons)));
}

/// The truth of a condition on a record, writing into `sink` the reasons of the parts that
/// decided it.
#[inline]
pub(crate) fn eval<'e, S: Sink<'e>>(condition: &'e Condition, s: &Shipment, sink: &mut S) -> Truth {
    match condition {
        Condition::All(parts) => all_eval(parts, s, sink),
        Condition::Any(parts) => any_eval(parts, s, sink),
        Condition::Not(inner) => nested(inner, s, sink).not(),
        Condition::Leaf(leaf) => leaf_eval(&leaf.test, s, sink),
    }
}

/// A part of a composite: leaves inline, composites through a call (the only recursion).
#[inline]
fn part_eval<'e, S: Sink<'e>>(part: &'e Condition, s: &Shipment, sink: &mut S) -> Truth {
    match part {
        Condition::Leaf(leaf) => leaf_eval(&leaf.test, s, sink),
        other => nested(other, s, sink),
    }
}

#[inline(never)]
fn nested<'e, S: Sink<'e>>(condition: &'e Condition, s: &Shipment, sink: &mut S) -> Truth {
    eval(condition, s, sink)
}

#[inline]
fn all_eval<'e, S: Sink<'e>>(parts: &'e [Condition], s: &Shipment, sink: &mut S) -> Truth {
    let start = sink.len();
    let mut result = Truth::True;
    for part in parts {
        let at = sink.len();
        match part_eval(part, s, sink) {
            Truth::False => {
                if S::ACTIVE {
                    sink.drop_range(start, at);
                }
                return Truth::False;
            }
            Truth::Unknown => result = Truth::Unknown,
            Truth::True => {}
        }
    }
    result
}

#[inline]
fn any_eval<'e, S: Sink<'e>>(parts: &'e [Condition], s: &Shipment, sink: &mut S) -> Truth {
    let start = sink.len();
    let mut unknown = false;
    for part in parts {
        let at = sink.len();
        match part_eval(part, s, sink) {
            Truth::True => {
                if S::ACTIVE {
                    sink.drop_range(start, at);
                }
                return Truth::True;
            }
            // Once a part is unknown the result is not false: the false parts before (and
            // after) it do not decide it.
            Truth::Unknown if !unknown => {
                if S::ACTIVE {
                    sink.drop_range(start, at);
                }
                unknown = true;
            }
            Truth::False if unknown => {
                if S::ACTIVE {
                    sink.truncate(at);
                }
            }
            Truth::Unknown | Truth::False => {}
        }
    }
    if unknown {
        Truth::Unknown
    } else {
        Truth::False
    }
}

fn party_of(field: PartyField, s: &Shipment) -> Option<&str> {
    match field {
        PartyField::Consignor => s.consignor.as_deref(),
        PartyField::Consignee => s.consignee.as_deref(),
        PartyField::EndUser => s.end_user.as_deref(),
    }
}

/// Whether the EU (the origin `EU`) is in a set: every member state, none, or some.
fn union_share(set: &CountrySet) -> Share {
    let members = CountryCode::eu_members();
    if members.is_subset(set) {
        Share::All
    } else if members.intersects(set) {
        Share::Some
    } else {
        Share::None
    }
}

/// A regex test on a text that may be missing.
fn pattern_eval<'e, S: Sink<'e>>(
    subject: Subject<'e>,
    value: Option<&str>,
    regex: &'e Pattern,
    sink: &mut S,
) -> Truth {
    let Some(value) = value else {
        if S::ACTIVE {
            sink.push(Because::Missing {
                subject,
                needed: Needed::Matches {
                    pattern: Cow::Borrowed(regex.as_str()),
                },
                counts_as_no_match: false,
            });
        }
        return Truth::Unknown;
    };
    if !S::ACTIVE {
        return Truth::from_bool(regex.is_match(value));
    }
    let matched = regex.find(value).map(|m| m.as_str().to_owned());
    let truth = Truth::from_bool(matched.is_some());
    sink.push(Because::Pattern {
        subject,
        value: value.to_owned(),
        pattern: Cow::Borrowed(regex.as_str()),
        matched,
    });
    truth
}

#[inline]
fn country_eval<'e, S: Sink<'e>>(
    field: CountryField,
    negated: bool,
    list: &'e CountryList,
    s: &Shipment,
    sink: &mut S,
) -> Truth {
    let listed = || Cow::Borrowed(list.listed.as_slice());
    let (record_field, value) = match field {
        CountryField::Origin => (Field::Origin, s.origin),
        CountryField::ExportCountry => (Field::ExportCountry, Some(s.export_country)),
        CountryField::Destination => (Field::Destination, Some(s.destination)),
        CountryField::Transit | CountryField::Route => {
            return route_eval(field, negated, list, s, sink);
        }
    };
    match value {
        None => {
            if S::ACTIVE {
                sink.push(Because::Missing {
                    subject: Subject::Field(record_field),
                    needed: Needed::InList {
                        listed: listed(),
                        negated,
                    },
                    counts_as_no_match: false,
                });
            }
            Truth::Unknown
        }
        Some(code) if code.is_eu() => {
            let members = union_share(&list.set);
            if S::ACTIVE {
                sink.push(Because::UnionOrigin {
                    listed: listed(),
                    members,
                });
            }
            match members {
                Share::All => Truth::from_bool(!negated),
                Share::None => Truth::from_bool(negated),
                Share::Some => Truth::Unknown,
            }
        }
        Some(code) => {
            let in_list = list.set.contains(code);
            if S::ACTIVE {
                sink.push(Because::Country {
                    field: record_field,
                    value: code,
                    listed: listed(),
                    in_list,
                    via: in_list.then(|| list.via(code)).flatten().map(Cow::Borrowed),
                });
            }
            Truth::from_bool(in_list != negated)
        }
    }
}

/// A condition on the transit countries, or on the whole route.
fn route_eval<'e, S: Sink<'e>>(
    field: CountryField,
    negated: bool,
    list: &'e CountryList,
    s: &Shipment,
    sink: &mut S,
) -> Truth {
    let route = field == CountryField::Route;
    let ends = route.then_some([s.export_country, s.destination]);
    let mut countries = s.transit.iter().copied().chain(ends.into_iter().flatten());
    let hit = countries.find(|c| list.set.contains(*c));
    let truth = match hit {
        Some(_) => Truth::from_bool(!negated),
        // A country the record does not name may be in the list.
        None if s.transit_unknown => Truth::Unknown,
        None => Truth::from_bool(negated),
    };
    if S::ACTIVE {
        let mut countries: Vec<CountryCode> = Vec::with_capacity(s.transit.len() + 2);
        if route {
            countries.push(s.export_country);
        }
        countries.extend(&s.transit);
        if route {
            countries.push(s.destination);
        }
        sink.push(Because::Route {
            field: if route {
                RouteField::Route
            } else {
                RouteField::Transit
            },
            countries,
            listed: Cow::Borrowed(list.listed.as_slice()),
            hit,
            via: hit.and_then(|c| list.via(c)).map(Cow::Borrowed),
            unnamed: hit.is_none() && s.transit_unknown,
        });
    }
    truth
}

/// One leaf: the tests most rules make (HS code, a country) inline, the rest through a call.
#[inline]
fn leaf_eval<'e, S: Sink<'e>>(test: &'e Test, s: &Shipment, sink: &mut S) -> Truth {
    match test {
        Test::Hs { include, except } => hs_eval(include, except, s, sink),
        Test::Country {
            field,
            negated,
            list,
        } => country_eval(*field, *negated, list, s, sink),
        other => other_eval(other, s, sink),
    }
}

#[inline]
fn hs_eval<'e, S: Sink<'e>>(
    include: &'e HsList,
    except: &'e HsList,
    s: &Shipment,
    sink: &mut S,
) -> Truth {
    let code = s.hs_code;
    let Some(hit) = include.find(&code) else {
        if S::ACTIVE {
            sink.push(Because::HsNotListed {
                value: code,
                listed: Cow::Borrowed(include.written.as_slice()),
            });
        }
        return Truth::False;
    };
    let excluded = if except.is_empty() {
        None
    } else {
        except.find(&code)
    };
    if S::ACTIVE
        && let Some((prefix, group)) = include.get(hit)
    {
        sink.push(match excluded.and_then(|x| except.get(x)) {
            Some((excluded, excluded_group)) => Because::HsExcluded {
                value: code,
                prefix,
                group: group.map(Cow::Borrowed),
                excluded,
                excluded_group: excluded_group.map(Cow::Borrowed),
            },
            None => Because::HsPrefix {
                value: code,
                prefix,
                group: group.map(Cow::Borrowed),
            },
        });
    }
    Truth::from_bool(excluded.is_none())
}

/// The tests other than HS code and country.
#[inline(never)]
fn other_eval<'e, S: Sink<'e>>(test: &'e Test, s: &Shipment, sink: &mut S) -> Truth {
    match test {
        Test::Hs { include, except } => hs_eval(include, except, s, sink),
        Test::Country {
            field,
            negated,
            list,
        } => country_eval(*field, *negated, list, s, sink),
        Test::PartyName { field, names } => match party_of(*field, s) {
            None => {
                if S::ACTIVE {
                    sink.push(Because::Missing {
                        subject: Subject::Field(field.field()),
                        needed: Needed::OneOf {
                            names: Cow::Borrowed(names.as_slice()),
                        },
                        counts_as_no_match: false,
                    });
                }
                Truth::Unknown
            }
            Some(name) => {
                let matched = names.iter().find(|n| same_text(n, name));
                if S::ACTIVE {
                    sink.push(Because::PartyName {
                        field: field.field(),
                        value: name.to_owned(),
                        names: Cow::Borrowed(names.as_slice()),
                        matched: matched.map(|m| Cow::Borrowed(m.as_str())),
                    });
                }
                Truth::from_bool(matched.is_some())
            }
        },
        Test::PartyRegex { field, regex } => pattern_eval(
            Subject::Field(field.field()),
            party_of(*field, s),
            regex,
            sink,
        ),
        Test::EndUserDiffers(want) => match (s.end_user.as_deref(), s.consignee.as_deref()) {
            (Some(end_user), Some(consignee)) => {
                let same = same_text(end_user, consignee);
                if S::ACTIVE {
                    sink.push(Because::EndUser {
                        end_user: end_user.to_owned(),
                        consignee: consignee.to_owned(),
                        same,
                    });
                }
                Truth::from_bool(same != *want)
            }
            (end_user, _) => {
                if S::ACTIVE {
                    sink.push(Because::Missing {
                        subject: Subject::Field(if end_user.is_none() {
                            Field::EndUser
                        } else {
                            Field::Consignee
                        }),
                        needed: Needed::SameAsConsignee,
                        counts_as_no_match: false,
                    });
                }
                Truth::Unknown
            }
        },
        Test::Amount {
            field,
            bounds,
            unit,
        } => {
            let (amount, record_unit) = match field {
                AmountField::Value => (s.value, s.currency.as_deref()),
                AmountField::Quantity => (s.quantity, s.unit.as_deref()),
            };
            match (amount, record_unit) {
                (Some(amount), Some(record_unit)) if record_unit == unit => {
                    let holds = bounds.iter().all(|b| b.op.holds(amount, b.limit));
                    if S::ACTIVE {
                        sink.push(Because::Amount {
                            field: field.field(),
                            value: amount,
                            unit: Cow::Borrowed(unit.as_str()),
                            bounds: Cow::Borrowed(bounds.as_slice()),
                            holds,
                        });
                    }
                    Truth::from_bool(holds)
                }
                (Some(amount), Some(record_unit)) => {
                    if S::ACTIVE {
                        sink.push(Because::NotComparable {
                            field: field.field(),
                            value: amount,
                            unit: record_unit.to_owned(),
                            bounds: Cow::Borrowed(bounds.as_slice()),
                            rule_unit: Cow::Borrowed(unit.as_str()),
                        });
                    }
                    Truth::Unknown
                }
                _ => {
                    if S::ACTIVE {
                        sink.push(Because::Missing {
                            subject: Subject::Field(field.field()),
                            needed: Needed::Bounds {
                                bounds: Cow::Borrowed(bounds.as_slice()),
                                unit: Cow::Borrowed(unit.as_str()),
                            },
                            counts_as_no_match: false,
                        });
                    }
                    Truth::Unknown
                }
            }
        }
        Test::Description(regex) => pattern_eval(
            Subject::Field(Field::Description),
            s.description.as_deref(),
            regex,
            sink,
        ),
        Test::Licence(regex) => {
            let matched = s.licences.iter().find(|l| regex.is_match(l));
            if S::ACTIVE {
                sink.push(Because::Licences {
                    licences: s.licences.clone(),
                    pattern: Cow::Borrowed(regex.as_str()),
                    matched: matched.cloned(),
                });
            }
            Truth::from_bool(matched.is_some())
        }
        Test::Attribute {
            name,
            test,
            missing_is_no_match,
        } => {
            let subject = || Subject::Attribute(Cow::Borrowed(name.as_str()));
            let Some(value) = s.attributes.get(name) else {
                if S::ACTIVE {
                    sink.push(Because::Missing {
                        subject: subject(),
                        needed: match test {
                            AttrTest::Equals(e) => Needed::Attribute {
                                test: AttributeTest::Equals(Cow::Borrowed(e.as_str())),
                            },
                            AttrTest::In(list) => Needed::Attribute {
                                test: AttributeTest::In(Cow::Borrowed(list.as_slice())),
                            },
                            AttrTest::Matches(regex) => Needed::Matches {
                                pattern: Cow::Borrowed(regex.as_str()),
                            },
                        },
                        counts_as_no_match: *missing_is_no_match,
                    });
                }
                return if *missing_is_no_match {
                    Truth::False
                } else {
                    Truth::Unknown
                };
            };
            let (holds, shown) = match test {
                AttrTest::Matches(regex) => {
                    return pattern_eval(subject(), Some(value), regex, sink);
                }
                AttrTest::Equals(e) => (
                    same_text(e, value),
                    AttributeTest::Equals(Cow::Borrowed(e.as_str())),
                ),
                AttrTest::In(list) => (
                    list.iter().any(|e| same_text(e, value)),
                    AttributeTest::In(Cow::Borrowed(list.as_slice())),
                ),
            };
            if S::ACTIVE {
                sink.push(Because::Attribute {
                    name: Cow::Borrowed(name.as_str()),
                    value: value.clone(),
                    test: shown,
                    holds,
                });
            }
            Truth::from_bool(holds)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{CountryItem, HsList, Leaf};

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
        let mut list = CountryList::new();
        list.push(CountryItem::Code(country.parse().unwrap()));
        Condition::Leaf(Leaf {
            key: "destination",
            test: Test::Country {
                field,
                negated: false,
                list,
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

    fn explained(c: &Condition, s: &Shipment) -> (Truth, Vec<String>) {
        let mut reasons = Reasons::new();
        let truth = eval(c, s, &mut reasons);
        let texts = reasons.split_off(0).iter().map(|b| b.to_string()).collect();
        (truth, texts)
    }

    /// Kleene's three-valued logic, the whole truth table, with and without reasons.
    #[test]
    fn not_all_and_any_follow_kleene() {
        let s = record();
        let values = [Some(true), Some(false), None];
        let both = |c: &Condition| {
            let (explained, _) = explained(c, &s);
            assert_eq!(explained, eval(c, &s, &mut NoReasons));
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

    /// An explanation keeps the parts that decided the result, and no more.
    #[test]
    fn explanations_keep_the_deciding_parts() {
        let s = record();
        let shown = |c: &Condition| explained(c, &s).1;
        let (yes, no, unknown) = (Some(true), Some(false), None);
        let dest_ru = "destination RU is in [RU]";
        let dest_cn = "destination RU is not in [CN]";
        let origin = "origin is missing: cannot tell whether it is in [RU]";
        // all: false shows the first false part only; true and unknown show every part.
        assert_eq!(
            shown(&Condition::All(vec![leaf(yes), leaf(no), leaf(no)])),
            [dest_cn]
        );
        assert_eq!(
            shown(&Condition::All(vec![leaf(yes), leaf(unknown)])),
            [dest_ru, origin]
        );
        // any: true shows the first true part, unknown the unknown parts, false every part.
        assert_eq!(
            shown(&Condition::Any(vec![leaf(no), leaf(yes), leaf(yes)])),
            [dest_ru]
        );
        assert_eq!(
            shown(&Condition::Any(vec![leaf(no), leaf(unknown), leaf(no)])),
            [origin]
        );
        assert_eq!(
            shown(&Condition::Any(vec![leaf(no), leaf(no)])),
            [dest_cn, dest_cn]
        );
        // not: the reasons of its part.
        assert_eq!(
            shown(&Condition::Not(Box::new(Condition::All(vec![
                leaf(yes),
                leaf(no)
            ])))),
            [dest_cn]
        );
    }

    /// Reasons past what fits on the stack move to the heap, in order, and still drop right.
    #[test]
    fn many_reasons_spill_to_the_heap_in_order() {
        let s = record();
        let parts: Vec<Condition> = (0..INLINE + 5).map(|_| leaf(Some(true))).collect();
        let (truth, texts) = explained(&Condition::All(parts), &s);
        assert_eq!((truth, texts.len()), (Truth::True, INLINE + 5));
        let mut parts: Vec<Condition> = (0..INLINE + 5).map(|_| leaf(None)).collect();
        parts.push(leaf(Some(false)));
        let (truth, texts) = explained(&Condition::All(parts), &s);
        assert_eq!(truth, Truth::False);
        assert_eq!(texts, ["destination RU is not in [CN]"]);
        let mut r = Reasons::new();
        for n in 0..INLINE + 2 {
            r.push(Because::Jurisdiction {
                value: ["KZ", "RU", "CN", "DE", "AM", "BY", "KG", "UZ"][n]
                    .parse()
                    .unwrap(),
            });
        }
        r.drop_range(1, INLINE + 1);
        let left: Vec<String> = r.split_off(0).iter().map(|b| b.to_string()).collect();
        assert_eq!(
            left,
            [
                "export_country KZ is the rule set's jurisdiction",
                "export_country UZ is the rule set's jurisdiction"
            ]
        );
    }

    /// A code under both an included prefix and an excluded one names both.
    #[test]
    fn an_excluded_code_is_explained_with_both_prefixes() {
        let source = crate::source::Source::new("t.toml", "x");
        let mut include = HsList::default();
        include.push(
            "93".parse().unwrap(),
            Some("ARMS".into()),
            source.locate(0..1),
        );
        let mut except = HsList::default();
        except.push("9301".parse().unwrap(), None, source.locate(0..1));
        let hs = Condition::Leaf(Leaf {
            key: "hs_code",
            test: Test::Hs { include, except },
            location: source.locate(0..1),
        });
        let (truth, texts) = explained(&hs, &record());
        assert_eq!(truth, Truth::False);
        assert_eq!(
            texts,
            ["hs_code 930190 starts with 93 (group ARMS) but also with 9301, which is excluded"]
        );
    }

    /// The origin `EU` is in a list that holds every member state, not in one that holds none,
    /// and cannot be told against one that holds some.
    #[test]
    fn the_union_as_an_origin() {
        let mut s = record();
        s.origin = Some(CountryCode::EU);
        let origin_in = |codes: &[&str]| {
            let mut list = CountryList::new();
            for code in codes {
                list.push(CountryItem::Code(code.parse().unwrap()));
            }
            let source = crate::source::Source::new("t.toml", "x");
            let c = Condition::Leaf(Leaf {
                key: "origin",
                test: Test::Country {
                    field: CountryField::Origin,
                    negated: false,
                    list,
                },
                location: source.locate(0..1),
            });
            explained(&c, &s)
        };
        let members: Vec<String> = CountryCode::eu_members()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let mut all: Vec<&str> = members.iter().map(String::as_str).collect();
        all.push("US");
        assert_eq!(origin_in(&all).0, Truth::True);
        assert_eq!(origin_in(&["US", "KZ"]).0, Truth::False);
        let (truth, texts) = origin_in(&["DE", "FR"]);
        assert_eq!(truth, Truth::Unknown);
        assert!(texts[0].contains("some member states"), "{texts:?}");
    }
}

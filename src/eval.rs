//! Evaluating rules' conditions on a record in three-valued logic, in one pass that also keeps
//! the reasons when asked.
//!
//! A condition is true, false, or unknown: unknown when the record lacks a field it tests, or a
//! value is in another currency or unit than the rule's. `all` is false if any part is false,
//! else unknown if any is unknown; `any` is true if any part is true, else unknown if any is
//! unknown; `not` keeps unknown. A rule whose conditions are unknown sends the record to review:
//! the engine fails closed.
//!
//! [`eval`] runs a rule's compiled operations ([`Program`]) and, when its [`Sink`] is active,
//! keeps a note for each leaf it looks at; as parts settle, it keeps the notes of the parts that
//! decided the result: the first false part of a false `all`, every part of a true or unknown
//! `all`; the first true part of a true `any`, the unknown parts of an unknown `any`, every part
//! of a false one. A note says what the evaluation found (the prefix met, whether the country is
//! in the list); [`reason`] turns it into a [`Because`] with the rule's texts once the rule
//! matches, so a rule that does not match costs no reason. With [`NoReasons`] the same code,
//! monomorphised, only computes the truth: `decide` and `check` share it.

use std::borrow::Cow;

use smallvec::SmallVec;

use crate::country::{CountryCode, CountrySet};
use crate::hs::{HsCode, HsPrefix};
use crate::program::{Op, Program, extent};
use crate::rule::{
    AmountField, AttrTest, CountryField, Leaf, PartyField, Pattern, Rule, Test, lacks, same_text,
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
    /// Both hold: false if either is false, unknown if either is unknown.
    pub(crate) fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    pub(crate) fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    pub(crate) fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }
}

/// What the evaluation of one leaf found, kept until the rule is known to match. The leaf is
/// numbered as [`Program::leaf`] finds it.
#[derive(Debug, Clone)]
pub(crate) enum Note<'e> {
    /// The HS code starts with the `hit`-th included prefix (and the `excluded`-th excluded
    /// one), or with none. When `coarse`, the last prefix named is one the code is too short to
    /// tell (`hit` when nothing is excluded, else `excluded`).
    Hs {
        leaf: u32,
        hit: Option<u32>,
        excluded: Option<u32>,
        coarse: bool,
    },
    /// A single-valued country field: its value (none: missing) and whether it is in the list.
    Country {
        leaf: u32,
        value: Option<CountryCode>,
        in_list: bool,
    },
    /// The origin is the EU: how many member states the list holds.
    Union { leaf: u32, members: Share },
    /// The first country of the route in the list, if any.
    Route { leaf: u32, hit: Option<CountryCode> },
    /// A test whose reason the leaf's test and the record give again at no cost (control
    /// codes, classification, fields given): nothing is kept, and nothing allocated, until the
    /// rule is known to match.
    Derived { leaf: u32 },
    /// A reason written as the leaf was evaluated (the less common tests), boxed so that the
    /// notes of the common ones stay small.
    Ready(Box<Because<'e>>),
}

/// Where [`eval`] keeps notes.
pub(crate) trait Sink<'e> {
    /// Whether notes are wanted at all; when not, none is made.
    const ACTIVE: bool;
    /// How many notes it holds.
    fn len(&self) -> usize;
    /// Adds a note.
    fn push(&mut self, note: Note<'e>);
    /// Drops the notes at `start..end`, keeping those after.
    fn drop_range(&mut self, start: usize, end: usize);
    /// Drops the notes from `len` on.
    fn truncate(&mut self, len: usize);
    /// Adds a finished reason.
    #[inline]
    fn reason(&mut self, reason: Because<'e>) {
        if Self::ACTIVE {
            self.push(Note::Ready(Box::new(reason)));
        }
    }
}

/// The sink of `decide`: nothing is kept.
pub(crate) struct NoReasons;

impl<'e> Sink<'e> for NoReasons {
    const ACTIVE: bool = false;
    #[inline]
    fn len(&self) -> usize {
        0
    }
    #[inline]
    fn push(&mut self, _: Note<'e>) {}
    #[inline]
    fn drop_range(&mut self, _: usize, _: usize) {}
    #[inline]
    fn truncate(&mut self, _: usize) {}
}

/// How many notes a check keeps on the stack before it needs the heap: a rule of up to this
/// many conditions that turns out not to match costs no allocation.
const INLINE: usize = 8;

/// The notes of the rule being evaluated.
pub(crate) struct Notes<'e>(SmallVec<[Note<'e>; INLINE]>);

impl<'e> Notes<'e> {
    pub(crate) fn new() -> Self {
        Notes(SmallVec::new())
    }

    /// The reasons of the notes from `start` on, in order, leaving the notes before.
    pub(crate) fn reasons_from(
        &mut self,
        start: usize,
        program: &Program,
        rule: &'e Rule,
        s: &Shipment,
    ) -> Vec<Because<'e>> {
        let start = start.min(self.0.len());
        self.0
            .drain(start..)
            .map(|note| reason(note, program, rule, s))
            .collect()
    }

    /// `first`, then the reasons of every note.
    pub(crate) fn reasons_after(
        &mut self,
        first: &[Because<'e>],
        program: &Program,
        rule: &'e Rule,
        s: &Shipment,
    ) -> Vec<Because<'e>> {
        let mut out = Vec::with_capacity(first.len() + self.0.len());
        out.extend_from_slice(first);
        out.extend(self.0.drain(..).map(|note| reason(note, program, rule, s)));
        out
    }
}

impl<'e> Sink<'e> for Notes<'e> {
    const ACTIVE: bool = true;

    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }

    #[inline]
    fn push(&mut self, note: Note<'e>) {
        self.0.push(note);
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

/// The truth of the condition whose operations are `ops` (one part: a composite, a `not` or a
/// leaf), keeping in `sink` the notes of the parts that decided it.
#[inline]
pub(crate) fn eval<'e, S: Sink<'e>>(
    program: &'e Program,
    ops: &'e [Op],
    s: &Shipment,
    sink: &mut S,
) -> Truth {
    match ops.first() {
        Some(Op::All { .. }) => all_eval(program, ops.get(1..).unwrap_or_default(), s, sink),
        Some(Op::Any { .. }) => any_eval(program, ops.get(1..).unwrap_or_default(), s, sink),
        Some(Op::Not) => nested(program, ops.get(1..).unwrap_or_default(), s, sink).not(),
        Some(leaf) => leaf_eval(program, leaf, s, sink),
        // A condition compiles to at least one operation; fail closed if not.
        None => Truth::Unknown,
    }
}

/// A composite part: the one recursion, kept out of line.
#[inline(never)]
fn nested<'e, S: Sink<'e>>(
    program: &'e Program,
    ops: &'e [Op],
    s: &Shipment,
    sink: &mut S,
) -> Truth {
    eval(program, ops, s, sink)
}

/// The parts of a composite, one at a time: `(its operations, the rest)`.
#[inline]
fn next_part(ops: &[Op]) -> Option<(&[Op], &[Op])> {
    if ops.is_empty() {
        return None;
    }
    Some(ops.split_at(extent(ops).clamp(1, ops.len())))
}

#[inline]
fn part_eval<'e, S: Sink<'e>>(
    program: &'e Program,
    part: &'e [Op],
    s: &Shipment,
    sink: &mut S,
) -> Truth {
    match part.first() {
        Some(op @ (Op::Hs { .. } | Op::Country { .. } | Op::Other { .. })) => {
            leaf_eval(program, op, s, sink)
        }
        _ => nested(program, part, s, sink),
    }
}

#[inline]
fn all_eval<'e, S: Sink<'e>>(
    program: &'e Program,
    mut parts: &'e [Op],
    s: &Shipment,
    sink: &mut S,
) -> Truth {
    let start = sink.len();
    let mut result = Truth::True;
    while let Some((part, rest)) = next_part(parts) {
        parts = rest;
        let at = sink.len();
        match part_eval(program, part, s, sink) {
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
fn any_eval<'e, S: Sink<'e>>(
    program: &'e Program,
    mut parts: &'e [Op],
    s: &Shipment,
    sink: &mut S,
) -> Truth {
    let start = sink.len();
    let mut unknown = false;
    while let Some((part, rest)) = next_part(parts) {
        parts = rest;
        let at = sink.len();
        match part_eval(program, part, s, sink) {
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

/// One leaf operation.
#[inline]
fn leaf_eval<'e, S: Sink<'e>>(program: &'e Program, op: &Op, s: &Shipment, sink: &mut S) -> Truth {
    match *op {
        Op::Hs {
            leaf,
            include,
            except,
        } => {
            let hs = hs_truth(
                program.prefixes(include),
                program.prefixes(except),
                &s.hs_code,
            );
            if S::ACTIVE {
                sink.push(Note::Hs {
                    leaf,
                    hit: hs.hit,
                    excluded: hs.excluded,
                    coarse: hs.coarse,
                });
            }
            hs.truth
        }
        Op::Country {
            leaf,
            field,
            negated,
            set,
        } => match program.sets.get(set as usize) {
            Some(set) => country_eval(leaf, field, negated, set, s, sink),
            None => Truth::Unknown,
        },
        Op::Other { leaf, test } => match program.others.get(test as usize) {
            Some(test @ (Test::Control(_) | Test::Classified(_) | Test::Missing(_))) => {
                if S::ACTIVE {
                    sink.push(Note::Derived { leaf });
                }
                other_eval(test, s, &mut NoReasons)
            }
            Some(test) => other_eval(test, s, sink),
            None => Truth::Unknown,
        },
        // Composites are not leaves; fail closed.
        Op::All { .. } | Op::Any { .. } | Op::Not => Truth::Unknown,
    }
}

/// What an HS test found.
struct HsFound {
    truth: Truth,
    /// The included prefix the code starts with (or, when `coarse` and nothing is excluded, the
    /// one it is too short to tell), by position.
    hit: Option<u32>,
    /// The excluded prefix the code starts with (or, when `coarse`, the one it is too short to
    /// tell).
    excluded: Option<u32>,
    coarse: bool,
}

/// An HS test. A code shorter than a prefix that lies within it (`854231` against
/// `8542310000`) cannot tell: unknown, whether the prefix is included or excluded.
#[inline]
fn hs_truth(include: &[HsPrefix], except: &[HsPrefix], code: &HsCode) -> HsFound {
    let at = |i: usize| Some(u32::try_from(i).unwrap_or(u32::MAX));
    let position = |list: &[HsPrefix]| list.iter().position(|p| code.starts_with(p));
    let coarse_at = |list: &[HsPrefix]| list.iter().position(|p| code.is_coarser_than(p));
    let Some(hit) = position(include) else {
        return match coarse_at(include) {
            Some(i) => HsFound {
                truth: Truth::Unknown,
                hit: at(i),
                excluded: None,
                coarse: true,
            },
            None => HsFound {
                truth: Truth::False,
                hit: None,
                excluded: None,
                coarse: false,
            },
        };
    };
    if except.is_empty() {
        return HsFound {
            truth: Truth::True,
            hit: at(hit),
            excluded: None,
            coarse: false,
        };
    }
    if let Some(x) = position(except) {
        return HsFound {
            truth: Truth::False,
            hit: at(hit),
            excluded: at(x),
            coarse: false,
        };
    }
    match coarse_at(except) {
        Some(x) => HsFound {
            truth: Truth::Unknown,
            hit: at(hit),
            excluded: at(x),
            coarse: true,
        },
        None => HsFound {
            truth: Truth::True,
            hit: at(hit),
            excluded: None,
            coarse: false,
        },
    }
}

#[inline]
fn country_eval<'e, S: Sink<'e>>(
    leaf: u32,
    field: CountryField,
    negated: bool,
    set: &CountrySet,
    s: &Shipment,
    sink: &mut S,
) -> Truth {
    let value = match field {
        CountryField::Origin => s.origin,
        CountryField::ExportCountry => Some(s.export_country),
        CountryField::Destination => Some(s.destination),
        CountryField::Transit | CountryField::Route => {
            return route_eval(leaf, field, negated, set, s, sink);
        }
    };
    match value {
        None => {
            if S::ACTIVE {
                sink.push(Note::Country {
                    leaf,
                    value: None,
                    in_list: false,
                });
            }
            Truth::Unknown
        }
        Some(code) if code.is_eu() => {
            let members = union_share(set);
            if S::ACTIVE {
                sink.push(Note::Union { leaf, members });
            }
            match members {
                Share::All => Truth::from_bool(!negated),
                Share::None => Truth::from_bool(negated),
                Share::Some => Truth::Unknown,
            }
        }
        Some(code) => {
            let in_list = set.contains(code);
            if S::ACTIVE {
                sink.push(Note::Country {
                    leaf,
                    value: Some(code),
                    in_list,
                });
            }
            Truth::from_bool(in_list != negated)
        }
    }
}

/// The countries of the route a condition looks at, in order.
fn route_of(field: CountryField, s: &Shipment) -> impl Iterator<Item = CountryCode> + '_ {
    let ends = (field == CountryField::Route).then_some((s.export_country, s.destination));
    ends.map(|(e, _)| e)
        .into_iter()
        .chain(s.transit.iter().copied())
        .chain(ends.map(|(_, d)| d))
}

/// A condition on the transit countries, or on the whole route.
fn route_eval<'e, S: Sink<'e>>(
    leaf: u32,
    field: CountryField,
    negated: bool,
    set: &CountrySet,
    s: &Shipment,
    sink: &mut S,
) -> Truth {
    let hit = route_of(field, s).find(|c| set.contains(*c));
    if S::ACTIVE {
        sink.push(Note::Route { leaf, hit });
    }
    match hit {
        Some(_) => Truth::from_bool(!negated),
        // A country the record does not name may be in the list.
        None if s.transit_unknown => Truth::Unknown,
        None => Truth::from_bool(negated),
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
            sink.reason(Because::Missing {
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
    sink.reason(Because::Pattern {
        subject,
        value: value.to_owned(),
        pattern: Cow::Borrowed(regex.as_str()),
        matched,
    });
    truth
}

/// The tests other than HS code and country, with their reasons written as they are evaluated.
#[inline(never)]
fn other_eval<'e, S: Sink<'e>>(test: &'e Test, s: &Shipment, sink: &mut S) -> Truth {
    match test {
        // Compiled as their own operations; here only when a caller passes the model's test.
        Test::Hs { include, except } => {
            hs_truth(&include.prefixes, &except.prefixes, &s.hs_code).truth
        }
        Test::Country {
            field,
            negated,
            list,
        } => country_eval(0, *field, *negated, &list.set, s, &mut NoReasons),
        Test::PartyName { field, names } => match party_of(*field, s) {
            None => {
                if S::ACTIVE {
                    sink.reason(Because::Missing {
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
                    sink.reason(Because::PartyName {
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
                    sink.reason(Because::EndUser {
                        end_user: end_user.to_owned(),
                        consignee: consignee.to_owned(),
                        same,
                    });
                }
                Truth::from_bool(same != *want)
            }
            (end_user, _) => {
                if S::ACTIVE {
                    sink.reason(Because::Missing {
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
                        sink.reason(Because::Amount {
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
                        sink.reason(Because::NotComparable {
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
                        sink.reason(Because::Missing {
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
                sink.reason(Because::Licences {
                    licences: s.licences.clone(),
                    pattern: Cow::Borrowed(regex.as_str()),
                    matched: matched.cloned(),
                });
            }
            Truth::from_bool(matched.is_some())
        }
        Test::Control(list) => {
            let found = list.first_within(&s.control_codes);
            if S::ACTIVE {
                sink.reason(Because::ControlCode {
                    codes: s.control_codes.clone(),
                    listed: Cow::Borrowed(list.written.as_slice()),
                    matched: found.map(|(code, _)| code.clone()),
                    within: found.and_then(|(_, at)| list.codes.get(at)).cloned(),
                    group: found
                        .and_then(|(_, at)| list.groups.get(at)?.as_deref())
                        .map(Cow::Borrowed),
                });
            }
            Truth::from_bool(found.is_some())
        }
        Test::Classified(want) => {
            let classified = !s.control_codes.is_empty() || s.control_list_checked.is_some();
            if S::ACTIVE {
                sink.reason(Because::Classification {
                    codes: s.control_codes.clone(),
                    checked: s.control_list_checked,
                    classified,
                });
            }
            Truth::from_bool(classified == *want)
        }
        Test::Missing(fields) => {
            let holds = fields.iter().any(|f| lacks(s, *f));
            if S::ACTIVE {
                sink.reason(Because::Given {
                    fields: Cow::Borrowed(fields.as_slice()),
                    missing: fields.iter().copied().filter(|f| lacks(s, *f)).collect(),
                });
            }
            Truth::from_bool(holds)
        }
        Test::Attribute {
            name,
            test,
            missing_is_no_match,
        } => {
            let subject = || Subject::Attribute(Cow::Borrowed(name.as_str()));
            let Some(value) = s.attributes.get(name) else {
                if S::ACTIVE {
                    sink.reason(Because::Missing {
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
                sink.reason(Because::Attribute {
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

/// A sink for the one reason of one test, given again from the record.
struct One<'e>(Option<Because<'e>>);

impl<'e> Sink<'e> for One<'e> {
    const ACTIVE: bool = true;
    fn len(&self) -> usize {
        usize::from(self.0.is_some())
    }
    fn push(&mut self, note: Note<'e>) {
        if let Note::Ready(because) = note {
            self.0 = Some(*because);
        }
    }
    fn drop_range(&mut self, _: usize, _: usize) {}
    fn truncate(&mut self, _: usize) {}
}

/// The reason a note stands for, with the texts of the rule's leaf it is about.
pub(crate) fn reason<'e>(
    note: Note<'e>,
    program: &Program,
    rule: &'e Rule,
    s: &Shipment,
) -> Because<'e> {
    let leaf_of = |n: u32| program.leaf(rule, n).map(|l: &'e Leaf| &l.test);
    match note {
        Note::Ready(because) => *because,
        Note::Derived { leaf } => match leaf_of(leaf) {
            Some(test) => {
                let mut one = One(None);
                other_eval(test, s, &mut one);
                one.0.unwrap_or_else(|| lost(leaf))
            }
            None => lost(leaf),
        },
        Note::Hs {
            leaf,
            hit,
            excluded,
            coarse,
        } => match leaf_of(leaf) {
            Some(Test::Hs { include, except }) => {
                let at = |i: Option<u32>| i.map(|i| i as usize);
                match (
                    at(hit).and_then(|i| include.get(i)),
                    at(excluded).and_then(|x| except.get(x)),
                ) {
                    (Some((prefix, group)), None) if coarse => Because::HsTooCoarse {
                        value: s.hs_code,
                        prefix,
                        group: group.map(Cow::Borrowed),
                        excluded: false,
                    },
                    (Some(_), Some((prefix, group))) if coarse => Because::HsTooCoarse {
                        value: s.hs_code,
                        prefix,
                        group: group.map(Cow::Borrowed),
                        excluded: true,
                    },
                    (None, _) => Because::HsNotListed {
                        value: s.hs_code,
                        listed: Cow::Borrowed(include.written.as_slice()),
                    },
                    (Some((prefix, group)), None) => Because::HsPrefix {
                        value: s.hs_code,
                        prefix,
                        group: group.map(Cow::Borrowed),
                    },
                    (Some((prefix, group)), Some((excluded, excluded_group))) => {
                        Because::HsExcluded {
                            value: s.hs_code,
                            prefix,
                            group: group.map(Cow::Borrowed),
                            excluded,
                            excluded_group: excluded_group.map(Cow::Borrowed),
                        }
                    }
                }
            }
            _ => lost(leaf),
        },
        Note::Country {
            leaf,
            value,
            in_list,
        } => match leaf_of(leaf) {
            Some(Test::Country {
                field,
                negated,
                list,
            }) => {
                let listed = Cow::Borrowed(list.listed.as_slice());
                let record_field = match field {
                    CountryField::Origin => Field::Origin,
                    CountryField::ExportCountry => Field::ExportCountry,
                    _ => Field::Destination,
                };
                match value {
                    None => Because::Missing {
                        subject: Subject::Field(record_field),
                        needed: Needed::InList {
                            listed,
                            negated: *negated,
                        },
                        counts_as_no_match: false,
                    },
                    Some(code) => Because::Country {
                        field: record_field,
                        value: code,
                        listed,
                        in_list,
                        via: in_list.then(|| list.via(code)).flatten().map(Cow::Borrowed),
                    },
                }
            }
            _ => lost(leaf),
        },
        Note::Union { leaf, members } => match leaf_of(leaf) {
            Some(Test::Country { list, .. }) => Because::UnionOrigin {
                listed: Cow::Borrowed(list.listed.as_slice()),
                members,
            },
            _ => lost(leaf),
        },
        Note::Route { leaf, hit } => match leaf_of(leaf) {
            Some(Test::Country { field, list, .. }) => Because::Route {
                field: if *field == CountryField::Route {
                    RouteField::Route
                } else {
                    RouteField::Transit
                },
                countries: route_of(*field, s).collect(),
                listed: Cow::Borrowed(list.listed.as_slice()),
                hit,
                via: hit.and_then(|c| list.via(c)).map(Cow::Borrowed),
                unnamed: hit.is_none() && s.transit_unknown,
            },
            _ => lost(leaf),
        },
    }
}

/// A note about a leaf the rule does not have: cannot happen (notes come from the rule's own
/// compiled operations); said as what it is rather than panicking.
fn lost<'e>(leaf: u32) -> Because<'e> {
    Because::Missing {
        subject: Subject::Attribute(Cow::Owned(format!("(condition {leaf})"))),
        needed: Needed::SameAsConsignee,
        counts_as_no_match: false,
    }
}

/// Calls `f` with the truth of every leaf of a rule on a record, each on its own, in leaf order
/// (test coverage asks whether each condition was seen to hold and to fail).
#[cfg(feature = "authoring")]
pub(crate) fn for_each_leaf_truth(rule: &Rule, s: &Shipment, f: &mut dyn FnMut(Truth)) {
    for condition in std::iter::once(&rule.when).chain(rule.unless.as_ref()) {
        condition.for_each_leaf(&mut |leaf| f(other_eval(&leaf.test, s, &mut NoReasons)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{Condition, CountryItem, CountryList, HsList, Leaf};

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

    /// A rule whose `when` is `c`, for its reasons' texts.
    fn rule_of(c: &Condition) -> Rule {
        let source = crate::source::Source::new("t.toml", "x");
        Rule {
            id: "r".into(),
            verdict: crate::verdict::Decision::Review,
            title: "t".into(),
            citation: None,
            window: crate::window::Window::default(),
            labels: std::collections::BTreeMap::new(),
            when: c.clone(),
            unless: None,
            history: None,
            parties: None,
            accepted_licences: None,
            location: source.locate(0..1),
            id_location: source.locate(0..1),
        }
    }

    /// The truth of `c` without notes, and with them, and the notes' reasons.
    fn both_ways(c: &Condition, s: &Shipment) -> (Truth, Truth, Vec<String>) {
        let mut program = Program::default();
        let range = program.add(c, 0);
        let rule = rule_of(c);
        let plain = eval(&program, program.ops(&range), s, &mut NoReasons);
        let mut notes = Notes::new();
        let truth = eval(&program, program.ops(&range), s, &mut notes);
        let texts = notes
            .reasons_from(0, &program, &rule, s)
            .iter()
            .map(|b| b.to_string())
            .collect();
        (plain, truth, texts)
    }

    fn explained(c: &Condition, s: &Shipment) -> (Truth, Vec<String>) {
        let (plain, truth, texts) = both_ways(c, s);
        assert_eq!(plain, truth, "with and without notes");
        (truth, texts)
    }

    /// Kleene's three-valued logic, the whole truth table, with and without reasons.
    #[test]
    fn not_all_and_any_follow_kleene() {
        let s = record();
        let values = [Some(true), Some(false), None];
        let both = |c: &Condition| explained(c, &s).0;
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
        let codes = ["KZ", "RU", "CN", "DE", "AM", "BY", "KG", "UZ", "TJ", "TM"];
        let rule = rule_of(&leaf(Some(true)));
        let mut r = Notes::new();
        for code in codes.iter().take(INLINE + 2) {
            r.reason(Because::Jurisdiction {
                value: code.parse().unwrap(),
                within: None,
            });
        }
        r.drop_range(1, INLINE + 1);
        let left: Vec<String> = r
            .reasons_from(0, &Program::default(), &rule, &s)
            .iter()
            .map(|b| b.to_string())
            .collect();
        assert_eq!(
            left,
            [
                "export_country KZ is the rule set's jurisdiction",
                "export_country TM is the rule set's jurisdiction"
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

//! Whether a licence covers a record: every point of the licence (holder, dates, goods,
//! destination, the parties it names, and what is left of its limits after the records drawn
//! on it before), and whether it meets a rule's requirement (the rule's jurisdiction and
//! licence number form).
//!
//! A record draws on the first licence it carries, per issuing jurisdiction, that covers it:
//! its quantity and value (in the licence's unit and currency) come off that licence's
//! balances, in the order of history (records dated earlier, then records of the same date
//! earlier in the input). A `license_required` rule is met only by a licence the record draws
//! on, issued under the law of the rule's jurisdiction, whose number the rule accepts.

use std::sync::Arc;

use rust_decimal::Decimal;
use smallvec::SmallVec;

use super::register::{Licence, Register};
use crate::country::CountryCode;
use crate::eval::Truth;
use crate::history::{DRAWN_PREFIX, Series, View};
use crate::parties::normalise;
use crate::rule::Pattern;
use crate::shipment::{Field, Shipment};
use crate::verdict::Because;
use crate::verdict::because::{Key, LicenceBalance, LicenceCheck, LicenceFailure};

/// The series of what records drew on a licence in one unit or currency.
pub(crate) fn drawn_series(id: &str, unit: &Arc<str>) -> Series {
    Series {
        rule: Arc::from(format!("{DRAWN_PREFIX}{id}")),
        key: Key::default(),
        unit: Arc::clone(unit),
    }
}

/// One licence the record carries, checked.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// Its place in the record's licences.
    pub index: usize,
    /// Its place in the register, if it is there.
    pub position: Option<usize>,
    pub failures: SmallVec<[LicenceFailure; 1]>,
    pub balances: SmallVec<[LicenceBalance; 2]>,
    /// What the record draws on it (when it covers and is the first of its jurisdiction).
    pub draws: SmallVec<[(Series, Decimal); 2]>,
}

/// The record's licences checked against the register, once per record on first need.
#[derive(Debug, Default)]
pub(crate) struct Covers {
    items: Option<SmallVec<[Item; 2]>>,
}

impl Covers {
    /// The record's licences, checked (computed on the first call).
    pub fn get(&mut self, register: &Register, s: &Shipment, view: &View<'_>) -> &[Item] {
        self.items
            .get_or_insert_with(|| check_all(register, s, view))
    }
}

/// Checks every licence the record carries; decides which it draws on.
pub(crate) fn check_all(register: &Register, s: &Shipment, view: &View<'_>) -> SmallVec<[Item; 2]> {
    let mut items: SmallVec<[Item; 2]> = SmallVec::new();
    for (index, id) in s.licences.iter().enumerate() {
        // A number carried twice is checked once.
        if s.licences
            .get(..index)
            .is_some_and(|before| before.contains(id))
        {
            continue;
        }
        let position = register.position(id);
        let mut item = Item {
            index,
            position,
            failures: SmallVec::new(),
            balances: SmallVec::new(),
            draws: SmallVec::new(),
        };
        match position.and_then(|p| register.licences().get(p)) {
            Some(licence) => check(licence, s, view, &mut item),
            None => item.failures.push(LicenceFailure::NotInRegister),
        }
        items.push(item);
    }
    // The first covering licence of each jurisdiction is drawn on; a later one is not.
    let mut drawn: SmallVec<[(CountryCode, usize); 2]> = SmallVec::new();
    for item in &mut items {
        let Some(licence) = item.position.and_then(|p| register.licences().get(p)) else {
            continue;
        };
        if !item.failures.is_empty() {
            item.draws.clear();
            item.balances.clear();
            continue;
        }
        match drawn.iter().find(|(j, _)| *j == licence.jurisdiction) {
            Some(&(_, first)) => {
                item.draws.clear();
                item.balances.clear();
                item.failures.push(LicenceFailure::DrawsOn {
                    licence: s.licences.get(first).cloned().unwrap_or_default(),
                });
            }
            None => drawn.push((licence.jurisdiction, item.index)),
        }
    }
    items
}

/// The points of one licence for a record, and its balances.
fn check(licence: &Licence, s: &Shipment, view: &View<'_>, item: &mut Item) {
    let failures = &mut item.failures;
    if let (Some(holder), Some(name)) = (&licence.names.holder, &licence.holder) {
        let same = s
            .consignor
            .as_deref()
            .is_some_and(|c| normalise(c) == *holder);
        if !same {
            failures.push(LicenceFailure::Holder {
                holder: name.clone(),
                consignor: s.consignor.clone(),
            });
        }
    }
    if s.date < licence.valid_from {
        failures.push(LicenceFailure::NotYetValid {
            valid_from: licence.valid_from,
            date: s.date,
        });
    }
    if s.date > licence.valid_until {
        failures.push(LicenceFailure::Expired {
            valid_until: licence.valid_until,
            date: s.date,
        });
    }
    if !licence.hs.is_empty() && !licence.hs.iter().any(|p| s.hs_code.starts_with(p)) {
        failures.push(LicenceFailure::Goods {
            covers: licence.hs.clone(),
            hs_code: s.hs_code,
        });
    }
    if !licence.control_codes.is_empty()
        && !s
            .control_codes
            .iter()
            .any(|c| licence.control_codes.iter().any(|l| l.covers(c)))
    {
        failures.push(LicenceFailure::ControlCodes {
            covers: licence.control_codes.clone(),
            codes: s.control_codes.clone(),
        });
    }
    if !licence
        .destinations
        .iter()
        .any(|d| d.has_member(s.destination))
    {
        failures.push(LicenceFailure::Destination {
            covers: licence.destinations.clone(),
            destination: s.destination,
        });
    }
    for (field, named, normalised, record) in [
        (
            Field::Consignee,
            &licence.consignee,
            &licence.names.consignee,
            &s.consignee,
        ),
        (
            Field::EndUser,
            &licence.end_user,
            &licence.names.end_user,
            &s.end_user,
        ),
    ] {
        if let (Some(named), Some(normalised)) = (named, normalised)
            && !record
                .as_deref()
                .is_some_and(|r| normalise(r) == *normalised)
        {
            failures.push(LicenceFailure::Party {
                field,
                licence: named.clone(),
                record: record.clone(),
            });
        }
    }
    let limits = [
        (
            Field::Quantity,
            &licence.quantity,
            s.quantity,
            s.unit.as_deref(),
        ),
        (Field::Value, &licence.value, s.value, s.currency.as_deref()),
    ];
    for (field, limit, amount, unit) in limits {
        let Some(limit) = limit else { continue };
        let comparable = unit.is_some_and(|u| u.trim().eq_ignore_ascii_case(&limit.unit));
        let amount = match amount {
            Some(a) if comparable && a >= Decimal::ZERO => a,
            _ => {
                failures.push(LicenceFailure::NotComparable {
                    field,
                    unit: limit.unit.to_string(),
                    amount,
                    record_unit: unit.map(str::to_owned),
                });
                continue;
            }
        };
        let series = drawn_series(&licence.id, &limit.unit);
        let drawn = view.sum(&series, licence.valid_from, s.date);
        let remaining = limit.amount.checked_sub(drawn.amount);
        match remaining {
            Some(remaining) if !drawn.overflowed => {
                if amount > remaining {
                    failures.push(LicenceFailure::Balance {
                        field,
                        unit: limit.unit.to_string(),
                        remaining,
                        needed: amount,
                    });
                } else {
                    item.balances.push(LicenceBalance {
                        field,
                        unit: limit.unit.to_string(),
                        limit: limit.amount,
                        drawn_before: drawn.amount,
                        amount,
                        remaining: remaining - amount,
                    });
                    item.draws.push((series, amount));
                }
            }
            _ => failures.push(LicenceFailure::TotalTooLarge),
        }
    }
}

/// Whether the record's licences meet a `license_required` rule of `jurisdiction` (and, if the
/// rule gives one, of the form `pattern`): `True` when one covers the record on every point,
/// `Unknown` when none does but one fails only because the record's amount cannot be measured
/// against its limit (missing, or in another unit or currency: the record goes to review, as
/// for value conditions), `False` otherwise. The licences' reasons go into `reasons`, if given:
/// the one that meets the rule, or each that does not.
pub(crate) fn meets(
    items: &[Item],
    register: &Register,
    s: &Shipment,
    jurisdiction: CountryCode,
    pattern: Option<&Pattern>,
    mut reasons: Option<&mut Vec<Because<'static>>>,
) -> Truth {
    /// A licence that does not meet the rule: its number, its entry, why.
    type Problem<'a> = (&'a str, Option<&'a Licence>, Vec<LicenceFailure>);
    let mut problems: SmallVec<[Problem<'_>; 2]> = SmallVec::new();
    let mut unmeasured = false;
    for item in items {
        let Some(id) = s.licences.get(item.index) else {
            continue;
        };
        let licence = item.position.and_then(|p| register.licences().get(p));
        let mut failures: Vec<LicenceFailure> = Vec::new();
        if let Some(pattern) = pattern
            && !pattern.is_match(id)
        {
            failures.push(LicenceFailure::Format {
                pattern: pattern.as_str().to_owned(),
            });
        }
        if let Some(licence) = licence
            && !jurisdiction.has_member(licence.jurisdiction)
        {
            failures.push(LicenceFailure::Jurisdiction {
                licence: licence.jurisdiction,
                required: jurisdiction,
            });
        }
        if failures.is_empty() && item.failures.is_empty() {
            if let Some(reasons) = reasons {
                let balances = item.balances.to_vec();
                reasons.push(reason(id, licence, true, Vec::new(), balances));
            }
            return Truth::True;
        }
        unmeasured |= licence.is_some()
            && failures.is_empty()
            && item
                .failures
                .iter()
                .all(|f| matches!(f, LicenceFailure::NotComparable { .. }));
        if reasons.is_some() {
            // Not in the register says all there is to say.
            if licence.is_none() {
                failures.clear();
            }
            failures.extend(item.failures.iter().cloned());
            problems.push((id, licence, failures));
        }
    }
    if let Some(reasons) = reasons.as_mut() {
        for (id, licence, failures) in problems {
            reasons.push(reason(id, licence, false, failures, Vec::new()));
        }
    }
    if unmeasured {
        Truth::Unknown
    } else {
        Truth::False
    }
}

fn reason(
    id: &str,
    licence: Option<&Licence>,
    covers: bool,
    failures: Vec<LicenceFailure>,
    balances: Vec<LicenceBalance>,
) -> Because<'static> {
    Because::Licence(Box::new(LicenceCheck {
        licence: id.to_owned(),
        covers,
        licence_kind: licence.map(|l| l.kind),
        authority: licence.map(|l| l.authority.clone()),
        holder: licence.and_then(|l| l.holder.clone()),
        register: licence.map(|l| format!("{}:{}", l.location.file(), l.location.line())),
        failures,
        balances,
    }))
}

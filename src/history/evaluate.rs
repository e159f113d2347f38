//! A rule's history test on one record against a [`View`] of the history before it: the truth
//! and the reason with its figures. The record itself is counted here, never by the view.

use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use super::View;
use super::aggregate::{ArrivalKey, Series, Sum, party_key};
use crate::eval::Truth;
use crate::rule::history::{Cap, HistoryKind, HistoryTest, KeyFields, Measure, Span};
use crate::rule::{AmountField, PartyField};
use crate::shipment::{Field, Shipment};
use crate::verdict::Because;
use crate::verdict::because::Key;
use crate::verdict::because::{self, BaselineSource, CapBasis};

/// The record's amount in the measure's currency or unit; otherwise why it cannot be counted.
pub(crate) fn measured(s: &Shipment, measure: &Measure) -> Result<Decimal, Box<Because<'static>>> {
    let (field, amount, unit) = match measure.field {
        AmountField::Value => (Field::Value, s.value, s.currency.as_deref()),
        AmountField::Quantity => (Field::Quantity, s.quantity, s.unit.as_deref()),
    };
    match (amount, unit) {
        (Some(amount), Some(unit)) if same_unit(measure, unit) => Ok(amount),
        (amount, unit) => Err(Box::new(Because::NotCounted {
            field,
            value: amount,
            unit: unit.map(str::to_owned),
            rule_unit: measure.unit.to_string(),
        })),
    }
}

/// Whether a record's currency or unit is the measure's, compared as rules compare them
/// (currencies upper case, units lower case), without allocating for ASCII text.
fn same_unit(measure: &Measure, unit: &str) -> bool {
    let unit = unit.trim();
    if unit.is_ascii() {
        return unit.eq_ignore_ascii_case(&measure.unit);
    }
    crate::parse::normalise_unit(measure.field, unit) == *measure.unit
}

/// The record's key; the field that is missing when it has none.
pub(crate) fn key_of(s: &Shipment, by: KeyFields) -> Result<Key, Field> {
    let consignee = if by.consignee {
        Some(party_key(s.consignee.as_deref().ok_or(Field::Consignee)?))
    } else {
        None
    };
    Ok(Key {
        export_country: by.export_country.then_some(s.export_country),
        hs: by.hs_digits.and_then(|n| s.hs_code.prefix(usize::from(n))),
        destination: by.destination.then_some(s.destination),
        consignee,
    })
}

/// The party a new-party rule looks at.
pub(crate) fn party(s: &Shipment, role: PartyField) -> Option<&str> {
    match role {
        PartyField::Consignor => s.consignor.as_deref(),
        PartyField::Consignee => s.consignee.as_deref(),
        PartyField::EndUser => s.end_user.as_deref(),
    }
}

/// The truth of `test` for `s`, and its reason.
pub(crate) fn evaluate(
    test: &HistoryTest,
    rule: &Arc<str>,
    s: &Shipment,
    view: &View<'_>,
) -> (Truth, Option<Because<'static>>) {
    match &test.kind {
        HistoryKind::Spike {
            measure,
            by,
            window,
            baseline_year,
            ratio,
            floor,
        } => spike(
            rule,
            s,
            view,
            measure,
            *by,
            *window,
            *baseline_year,
            *ratio,
            *floor,
        ),
        HistoryKind::Quota { measure, by, cap } => quota(rule, s, view, measure, *by, *cap),
        HistoryKind::NewParty {
            role,
            days,
            measure,
            floor,
        } => new_party(s, view, *role, *days, measure, *floor),
        HistoryKind::Reexport { days } => reexport(s, view, *days),
    }
}

/// What a series' key and amount are for this record, or why there are none.
fn series_of(
    test: &'static str,
    rule: &Arc<str>,
    s: &Shipment,
    measure: &Measure,
    by: KeyFields,
) -> Result<(Series, Decimal), Box<Because<'static>>> {
    let key = key_of(s, by).map_err(|field| {
        Box::new(Because::HistoryKeyMissing {
            field,
            test: test.into(),
        })
    })?;
    let amount = measured(s, measure)?;
    Ok((
        Series {
            rule: Arc::clone(rule),
            key,
            unit: Arc::clone(&measure.unit),
        },
        amount,
    ))
}

fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// A key's total in a year: from a statistics file when one has it, else from the records.
fn year_total(
    view: &View<'_>,
    series: &Series,
    measure: &Measure,
    year: i32,
) -> Option<(Decimal, BaselineSource)> {
    if let Some((total, file)) = view.statistics_total(&series.key, measure, year) {
        return Some((total, BaselineSource::Statistics { file }));
    }
    let (from, through) = year_bounds(year)?;
    let sum = view.sum(series, from, through);
    (!sum.overflowed).then_some((sum.amount, BaselineSource::Records { count: sum.count }))
}

#[allow(
    clippy::too_many_arguments,
    reason = "the fields of a spike rule, passed apart so that each has its name"
)]
fn spike(
    rule: &Arc<str>,
    s: &Shipment,
    view: &View<'_>,
    measure: &Measure,
    by: KeyFields,
    window: Span,
    baseline_year: i32,
    ratio: Decimal,
    floor: Decimal,
) -> (Truth, Option<Because<'static>>) {
    let (series, amount) = match series_of("spike", rule, s, measure, by) {
        Ok(found) => found,
        Err(reason) => return (Truth::Unknown, Some(*reason)),
    };
    let through = s.date;
    let from = match window {
        Span::Month => through.with_day(1).unwrap_or(through),
        Span::Days(n) => through
            .checked_sub_days(Days::new(u64::from(n.saturating_sub(1))))
            .unwrap_or(through),
    };
    let mut total = view.sum(&series, from, through);
    total.add(&Sum::of(amount));
    let too_large = || {
        (
            Truth::Unknown,
            Some(Because::TotalTooLarge {
                key: series.key.clone(),
            }),
        )
    };
    let Some((baseline_total, baseline_source)) = year_total(view, &series, measure, baseline_year)
    else {
        return too_large();
    };
    let days_in_year = year_bounds(baseline_year).map_or(365, |(a, b)| (b - a).num_days() + 1);
    let baseline = match window {
        Span::Month => baseline_total.checked_div(Decimal::from(12)),
        Span::Days(n) => baseline_total
            .checked_mul(Decimal::from(n))
            .and_then(|t| t.checked_div(Decimal::from(days_in_year))),
    }
    .map(|b| b.round_dp(2));
    let threshold = baseline.and_then(|b| b.checked_mul(ratio));
    let (Some(baseline), Some(threshold), false) = (baseline, threshold, total.overflowed) else {
        return too_large();
    };
    let holds = total.amount >= floor && total.amount >= threshold;
    if !holds {
        // A test that does not hold ends the rule: no reason is kept.
        return (Truth::False, None);
    }
    (
        Truth::True,
        Some(Because::Spike(Box::new(because::Spike {
            key: series.key,
            unit: measure.unit.to_string(),
            from,
            through,
            total: total.amount,
            records: total.count,
            baseline_year,
            baseline_total,
            baseline,
            baseline_source,
            ratio,
            floor,
            holds,
        }))),
    )
}

fn quota(
    rule: &Arc<str>,
    s: &Shipment,
    view: &View<'_>,
    measure: &Measure,
    by: KeyFields,
    cap: Cap,
) -> (Truth, Option<Because<'static>>) {
    let (series, amount) = match series_of("quota", rule, s, measure, by) {
        Ok(found) => found,
        Err(reason) => return (Truth::Unknown, Some(*reason)),
    };
    let year = s.date.year();
    let from = year_bounds(year).map_or(s.date, |(first, _)| first);
    let before = view.sum(&series, from, s.date);
    let mut total = before;
    total.add(&Sum::of(amount));
    let (cap, basis) = match cap {
        Cap::Amount(cap) => (Some(cap), None),
        Cap::Baseline { factor, year } => match year_total(view, &series, measure, year) {
            Some((base, source)) => (
                base.checked_mul(factor),
                Some(CapBasis {
                    factor,
                    year,
                    total: base,
                    source,
                }),
            ),
            None => (None, None),
        },
    };
    let (Some(cap), false) = (cap, total.overflowed) else {
        return (
            Truth::Unknown,
            Some(Because::TotalTooLarge { key: series.key }),
        );
    };
    let holds = total.amount > cap;
    if !holds {
        // A test that does not hold ends the rule: no reason is kept.
        return (Truth::False, None);
    }
    (
        Truth::True,
        Some(Because::Quota(Box::new(because::Quota {
            key: series.key,
            unit: measure.unit.to_string(),
            year,
            before: before.amount,
            amount,
            total: total.amount,
            cap,
            basis,
            holds,
        }))),
    )
}

fn new_party(
    s: &Shipment,
    view: &View<'_>,
    role: PartyField,
    days: u16,
    measure: &Measure,
    floor: Decimal,
) -> (Truth, Option<Because<'static>>) {
    let Some(name) = party(s, role) else {
        return (
            Truth::Unknown,
            Some(Because::HistoryKeyMissing {
                field: role.field(),
                test: "new_party".into(),
            }),
        );
    };
    let first_seen = view.first_seen(role, &party_key(name));
    let new = first_seen.is_none_or(|d| (s.date - d).num_days() < i64::from(days));
    let amount = match measured(s, measure) {
        Ok(amount) => amount,
        // A party seen long ago is not new, whatever the amount; a new one must be measured.
        Err(_) if !new => Decimal::ZERO,
        Err(reason) => return (Truth::Unknown, Some(*reason)),
    };
    let holds = new && amount >= floor;
    if !holds {
        // A test that does not hold ends the rule: no reason is kept.
        return (Truth::False, None);
    }
    (
        Truth::True,
        Some(Because::NewParty(Box::new(because::NewParty {
            field: role.field(),
            name: name.to_owned(),
            first_seen,
            days,
            new,
            amount,
            unit: measure.unit.to_string(),
            floor,
            holds,
        }))),
    )
}

fn reexport(s: &Shipment, view: &View<'_>, days: u16) -> (Truth, Option<Because<'static>>) {
    let Some(consignor) = s.consignor.as_deref() else {
        return (
            Truth::Unknown,
            Some(Because::HistoryKeyMissing {
                field: Field::Consignor,
                test: "reexport".into(),
            }),
        );
    };
    let key = ArrivalKey {
        country: s.export_country,
        consignee: party_key(consignor),
        hs6: s.hs_code.subheading().to_owned(),
    };
    let from = s
        .date
        .checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(s.date);
    let import = view.import_within(&key, from);
    let holds = import.is_some();
    if !holds {
        // A test that does not hold ends the rule: no reason is kept.
        return (Truth::False, None);
    }
    (
        Truth::True,
        Some(Because::Reexport(Box::new(because::Reexport {
            consignor: consignor.to_owned(),
            hs6: key.hs6,
            country: key.country,
            days,
            import,
            holds,
        }))),
    )
}

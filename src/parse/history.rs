//! A rule's `[rule.history]` table: which history test, over which measure and key, with which
//! thresholds. Each kind allows its own keys; every value is checked like the rest of the file.

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::DeValue;

use super::condition::{check_currency, normalise_unit};
use super::walk::{Diagnostics, Table, one_of};
use crate::error::RuleErrorKind;
use crate::rule::history::{Cap, HistoryKind, HistoryTest, KeyFields, Measure, Span};
use crate::rule::{AmountField, PartyField};
use crate::shipment::{FIRST_YEAR, LAST_YEAR};

/// The keys of each kind; `kind` first.
const SPIKE_KEYS: &[&str] = &[
    "kind",
    "measure",
    "currency",
    "unit",
    "by",
    "window",
    "window_days",
    "baseline_year",
    "ratio",
    "floor",
];
const QUOTA_KEYS: &[&str] = &[
    "kind",
    "measure",
    "currency",
    "unit",
    "by",
    "cap",
    "cap_factor",
    "baseline_year",
];
const NEW_PARTY_KEYS: &[&str] = &[
    "kind", "party", "days", "measure", "currency", "unit", "floor",
];
const REEXPORT_KEYS: &[&str] = &["kind", "days"];
const KINDS: &[(&str, &[&str])] = &[
    ("spike", SPIKE_KEYS),
    ("quota", QUOTA_KEYS),
    ("new_party", NEW_PARTY_KEYS),
    ("reexport", REEXPORT_KEYS),
];

/// The longest look-back of a history rule, in days (ten years).
pub(crate) const MAX_DAYS: u16 = 3660;

/// Reads `[rule.history]` at `path`.
pub(crate) fn history(
    diag: &mut Diagnostics<'_>,
    path: &str,
    value: &Spanned<DeValue<'_>>,
) -> Option<HistoryTest> {
    let probe = Table::from_value(diag, path, value, &["kind"])?;
    let kind = probe.string(diag, "kind", true)?;
    let names: Vec<(&str, &'static [&'static str])> = KINDS.to_vec();
    let allowed = one_of(diag, &probe.key_path("kind"), &kind, &names)?;
    let table = Table::from_value(diag, path, value, allowed)?;
    table.finish(diag, &[]);
    let errors_before = diag.errors.len();
    let kind = match kind.get_ref().as_str() {
        "spike" => {
            let measure = measure(diag, &table);
            let by = key_fields(diag, &table);
            let window = span(diag, &table);
            let baseline_year = year(diag, &table, true);
            let ratio = positive(diag, &table, "ratio", true);
            let floor = non_negative(diag, &table, "floor", true);
            HistoryKind::Spike {
                measure: measure?,
                by: by?,
                window: window?,
                baseline_year: baseline_year?,
                ratio: ratio?,
                floor: floor?,
            }
        }
        "quota" => {
            let measure = measure(diag, &table);
            let by = key_fields(diag, &table);
            let cap = cap(diag, &table);
            HistoryKind::Quota {
                measure: measure?,
                by: by?,
                cap: cap?,
            }
        }
        "new_party" => {
            let role = table.string(diag, "party", true).and_then(|p| {
                one_of(
                    diag,
                    &table.key_path("party"),
                    &p,
                    &[
                        ("consignee", PartyField::Consignee),
                        ("consignor", PartyField::Consignor),
                        ("end_user", PartyField::EndUser),
                    ],
                )
            });
            let days = days(diag, &table);
            let measure = measure(diag, &table);
            let floor = non_negative(diag, &table, "floor", true);
            HistoryKind::NewParty {
                role: role?,
                days: days?,
                measure: measure?,
                floor: floor?,
            }
        }
        _ => HistoryKind::Reexport {
            days: days(diag, &table)?,
        },
    };
    if diag.errors.len() != errors_before {
        return None;
    }
    Some(HistoryTest {
        kind,
        location: diag.source.locate(value.span()),
    })
}

/// `measure` with its `currency` (a value) or `unit` (a quantity).
fn measure(diag: &mut Diagnostics<'_>, table: &Table<'_, '_>) -> Option<Measure> {
    let field = table.string(diag, "measure", true).and_then(|m| {
        one_of(
            diag,
            &table.key_path("measure"),
            &m,
            &[
                ("value", AmountField::Value),
                ("quantity", AmountField::Quantity),
            ],
        )
    })?;
    let (wanted, other) = match field {
        AmountField::Value => ("currency", "unit"),
        AmountField::Quantity => ("unit", "currency"),
    };
    if let Some(stray) = table.get(other) {
        diag.push_with_help(
            RuleErrorKind::InvalidValue {
                key: table.key_path(other),
                value: super::walk::type_name(stray.get_ref()).to_owned(),
                reason: format!(
                    "a {} measure has a {wanted}, not a {other}",
                    field_name(field)
                ),
            },
            stray.span(),
            Some(format!("write `{wanted} = ...`")),
        );
        return None;
    }
    let unit = table.string(diag, wanted, true)?;
    if field == AmountField::Value && !check_currency(diag, table, &unit) {
        return None;
    }
    Some(Measure {
        field,
        unit: normalise_unit(field, unit.get_ref()).into(),
    })
}

fn field_name(field: AmountField) -> &'static str {
    match field {
        AmountField::Value => "value",
        AmountField::Quantity => "quantity",
    }
}

/// `by = [...]`: the fields of the key, each once, at most one HS granularity.
fn key_fields(diag: &mut Diagnostics<'_>, table: &Table<'_, '_>) -> Option<KeyFields> {
    let items = table.strings(diag, "by", true)?;
    let mut key = KeyFields::default();
    let mut ok = true;
    for item in &items {
        let mut invalid = |diag: &mut Diagnostics<'_>, reason: String| {
            ok = false;
            diag.push(
                RuleErrorKind::InvalidValue {
                    key: table.key_path("by"),
                    value: item.get_ref().clone(),
                    reason,
                },
                item.span(),
            );
        };
        let seen = match item.get_ref().as_str() {
            "export_country" => std::mem::replace(&mut key.export_country, true),
            "destination" => std::mem::replace(&mut key.destination, true),
            "consignee" => std::mem::replace(&mut key.consignee, true),
            "hs2" | "hs4" | "hs6" => {
                let digits = if item.get_ref() == "hs2" {
                    2
                } else if item.get_ref() == "hs4" {
                    4
                } else {
                    6
                };
                key.hs_digits.replace(digits).is_some()
            }
            _ => {
                let names = [
                    "export_country",
                    "hs6",
                    "hs4",
                    "hs2",
                    "destination",
                    "consignee",
                ];
                let hint = crate::suggest::closest(item.get_ref(), names.iter().copied())
                    .map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"));
                invalid(
                    diag,
                    format!(
                        "expected one of {}{hint}",
                        names.map(|n| format!("`{n}`")).join(", ")
                    ),
                );
                continue;
            }
        };
        if seen {
            invalid(
                diag,
                "named twice (at most one of `hs2`, `hs4`, `hs6`)".into(),
            );
        }
    }
    ok.then_some(key)
}

/// `window = "month"` or `window_days = N`, one of them.
fn span(diag: &mut Diagnostics<'_>, table: &Table<'_, '_>) -> Option<Span> {
    match (table.get("window"), table.get("window_days")) {
        (Some(_), Some(days)) => {
            diag.push_with_help(
                RuleErrorKind::InvalidValue {
                    key: table.key_path("window_days"),
                    value: "both".into(),
                    reason: "`window` and `window_days` are given together".into(),
                },
                days.span(),
                Some("keep one: `window = \"month\"` or `window_days = 30`".into()),
            );
            None
        }
        (Some(_), None) => {
            let w = table.string(diag, "window", true)?;
            one_of(
                diag,
                &table.key_path("window"),
                &w,
                &[("month", Span::Month)],
            )
        }
        (None, Some(_)) => integer(diag, table, "window_days", 1, i64::from(MAX_DAYS))
            .map(|d| Span::Days(u16::try_from(d).unwrap_or(MAX_DAYS))),
        (None, None) => {
            diag.push_with_help(
                RuleErrorKind::MissingKey {
                    key: "window".into(),
                    table: table.path.clone(),
                },
                table.span.clone(),
                Some(
                    "`window = \"month\"` (the calendar month to date) or `window_days = N`".into(),
                ),
            );
            None
        }
    }
}

/// `cap = AMOUNT`, or `cap_factor = F` with `baseline_year`.
fn cap(diag: &mut Diagnostics<'_>, table: &Table<'_, '_>) -> Option<Cap> {
    match (table.get("cap"), table.get("cap_factor")) {
        (Some(_), Some(factor)) => {
            diag.push(
                RuleErrorKind::InvalidValue {
                    key: table.key_path("cap_factor"),
                    value: "both".into(),
                    reason: "a quota has a `cap` or a `cap_factor` (times `baseline_year`'s \
                             total), not both"
                        .into(),
                },
                factor.span(),
            );
            None
        }
        (Some(_), None) => {
            if let Some(y) = table.get("baseline_year") {
                diag.push(
                    RuleErrorKind::InvalidValue {
                        key: table.key_path("baseline_year"),
                        value: "given".into(),
                        reason: "a fixed `cap` has no baseline year (use `cap_factor`)".into(),
                    },
                    y.span(),
                );
                return None;
            }
            positive(diag, table, "cap", true).map(Cap::Amount)
        }
        (None, Some(_)) => {
            let factor = positive(diag, table, "cap_factor", true);
            let year = year(diag, table, true);
            Some(Cap::Baseline {
                factor: factor?,
                year: year?,
            })
        }
        (None, None) => {
            diag.push_with_help(
                RuleErrorKind::MissingKey {
                    key: "cap".into(),
                    table: table.path.clone(),
                },
                table.span.clone(),
                Some("`cap = AMOUNT`, or `cap_factor = 1` with `baseline_year = YEAR`".into()),
            );
            None
        }
    }
}

fn days(diag: &mut Diagnostics<'_>, table: &Table<'_, '_>) -> Option<u16> {
    let Some(_) = table.get("days") else {
        diag.push(
            RuleErrorKind::MissingKey {
                key: "days".into(),
                table: table.path.clone(),
            },
            table.span.clone(),
        );
        return None;
    };
    integer(diag, table, "days", 1, i64::from(MAX_DAYS)).and_then(|d| u16::try_from(d).ok())
}

fn year(diag: &mut Diagnostics<'_>, table: &Table<'_, '_>, required: bool) -> Option<i32> {
    if table.get("baseline_year").is_none() {
        if required {
            diag.push(
                RuleErrorKind::MissingKey {
                    key: "baseline_year".into(),
                    table: table.path.clone(),
                },
                table.span.clone(),
            );
        }
        return None;
    }
    integer(
        diag,
        table,
        "baseline_year",
        i64::from(FIRST_YEAR),
        i64::from(LAST_YEAR),
    )
    .and_then(|y| i32::try_from(y).ok())
}

/// A whole number in `min..=max`.
fn integer(
    diag: &mut Diagnostics<'_>,
    table: &Table<'_, '_>,
    key: &str,
    min: i64,
    max: i64,
) -> Option<i64> {
    let value = table.get(key)?;
    let DeValue::Integer(i) = value.get_ref() else {
        diag.push(
            RuleErrorKind::WrongType {
                key: table.key_path(key),
                expected: "a whole number",
                found: super::walk::type_name(value.get_ref()),
            },
            value.span(),
        );
        return None;
    };
    let text = i.as_str().replace('_', "");
    match text.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            diag.push(
                RuleErrorKind::InvalidValue {
                    key: table.key_path(key),
                    value: text,
                    reason: format!("expected a whole number from {min} to {max}"),
                },
                value.span(),
            );
            None
        }
    }
}

fn non_negative(
    diag: &mut Diagnostics<'_>,
    table: &Table<'_, '_>,
    key: &str,
    required: bool,
) -> Option<Decimal> {
    bounded(diag, table, key, required, false)
}

fn positive(
    diag: &mut Diagnostics<'_>,
    table: &Table<'_, '_>,
    key: &str,
    required: bool,
) -> Option<Decimal> {
    bounded(diag, table, key, required, true)
}

/// A decimal at least zero (or above it), at most [`crate::shipment::MAX_AMOUNT`].
fn bounded(
    diag: &mut Diagnostics<'_>,
    table: &Table<'_, '_>,
    key: &str,
    required: bool,
    above_zero: bool,
) -> Option<Decimal> {
    let Some(value) = table.decimal(diag, key) else {
        if required && table.get(key).is_none() {
            diag.push(
                RuleErrorKind::MissingKey {
                    key: key.to_owned(),
                    table: table.path.clone(),
                },
                table.span.clone(),
            );
        }
        return None;
    };
    let d = *value.get_ref();
    let max = Decimal::from(crate::shipment::MAX_AMOUNT);
    let problem = if d.is_sign_negative() && !d.is_zero() {
        Some("it is negative")
    } else if above_zero && d.is_zero() {
        Some("it must be above zero")
    } else if d > max {
        Some("it is above the largest amount a record may hold (10^18)")
    } else {
        None
    };
    if let Some(reason) = problem {
        diag.push(
            RuleErrorKind::InvalidValue {
                key: table.key_path(key),
                value: d.to_string(),
                reason: reason.into(),
            },
            value.span(),
        );
        return None;
    }
    Some(d)
}

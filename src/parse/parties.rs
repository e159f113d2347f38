//! A rule's `[rule.parties]` table: the parties screened, the lists, the lowest score, and the
//! facts of the entry matched. Every key checked like the rest of the file; the list ids are
//! checked against the rule book's lists once every file is read.

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::DeValue;

use super::walk::{Diagnostics, Table, one_of};
use crate::country::CountryCode;
use crate::error::RuleErrorKind;
use crate::rule::PartyField;
use crate::rule::parties::{DEFAULT_MIN_SCORE, EntryKind, MAX_SIGNAL, PartyTest};

const KEYS: &[&str] = &[
    "lists",
    "parties",
    "min_score",
    "registered_on_or_after",
    "owners_in",
    "entry_type",
    "country_signal",
    "type_signal",
];

const ROLES: &[(&str, PartyField)] = &[
    ("consignor", PartyField::Consignor),
    ("consignee", PartyField::Consignee),
    ("end_user", PartyField::EndUser),
];

/// Reads `[rule.parties]` at `path`.
pub(crate) fn parties(
    diag: &mut Diagnostics<'_>,
    path: &str,
    value: &Spanned<DeValue<'_>>,
) -> Option<PartyTest> {
    let table = Table::from_value(diag, path, value, KEYS)?;
    table.finish(diag, &[]);
    let before = diag.errors.len();
    let lists = table.strings(diag, "lists", true).map(|ids| {
        ids.into_iter()
            .map(|id| {
                let at = diag.source.locate(id.span());
                (std::sync::Arc::from(id.into_inner()), at)
            })
            .collect::<Vec<_>>()
    });
    let roles = match table.strings(diag, "parties", false) {
        None => ROLES.iter().map(|(_, r)| *r).collect(),
        Some(names) => {
            let mut roles = Vec::new();
            for name in names {
                if let Some(role) = one_of(diag, &table.key_path("parties"), &name, ROLES)
                    && !roles.contains(&role)
                {
                    roles.push(role);
                }
            }
            roles
        }
    };
    let min_score = match table.decimal(diag, "min_score") {
        None => Decimal::from_f64_retain(DEFAULT_MIN_SCORE).map(|d| d.round_dp(4)),
        Some(score) => {
            let s = *score.get_ref();
            if s <= Decimal::ZERO || s > Decimal::ONE || s.scale() > 4 {
                diag.push(
                    RuleErrorKind::InvalidValue {
                        key: table.key_path("min_score"),
                        value: s.to_string(),
                        reason:
                            "a score is above 0 and at most 1, with four decimal places at most"
                                .into(),
                    },
                    score.span(),
                );
                None
            } else {
                Some(s)
            }
        }
    };
    let registered_on_or_after = table
        .date(diag, "registered_on_or_after")
        .map(Spanned::into_inner);
    let mut owners_in = Vec::new();
    for code in table.strings(diag, "owners_in", false).unwrap_or_default() {
        match code.get_ref().parse::<CountryCode>() {
            Ok(c) => owners_in.push(c),
            Err(e) => diag.push(
                RuleErrorKind::InvalidCountry {
                    key: table.key_path("owners_in"),
                    value: code.get_ref().clone(),
                    reason: e.to_string(),
                },
                code.span(),
            ),
        }
    }
    let entry_type = table.string(diag, "entry_type", false).and_then(|t| {
        one_of(
            diag,
            &table.key_path("entry_type"),
            &t,
            &[
                ("entity", EntryKind::Entity),
                ("individual", EntryKind::Individual),
                ("vessel", EntryKind::Vessel),
                ("aircraft", EntryKind::Aircraft),
            ],
        )
    });
    let country_signal = signal(diag, &table, "country_signal");
    let type_signal = signal(diag, &table, "type_signal");
    if country_signal.is_some() && roles.iter().all(|r| *r == PartyField::EndUser) {
        // The end user has no country of its own on a record: the signal would never apply.
        if let Some(at) = table.get("country_signal") {
            diag.push(
                RuleErrorKind::InvalidValue {
                    key: table.key_path("country_signal"),
                    value: "end_user".into(),
                    reason: "the end user has no country on a record (it may be anywhere): a \
                             country signal on the end user alone never applies"
                        .into(),
                },
                at.span(),
            );
        }
    }
    if diag.errors.len() != before {
        return None;
    }
    let min_score = min_score?;
    Some(PartyTest {
        lists: lists?,
        roles,
        min_score_f64: f64::try_from(min_score).unwrap_or(1.0),
        min_score,
        registered_on_or_after,
        owners_in,
        entry_type,
        country_signal,
        type_signal,
        location: diag.source.locate(value.span()),
    })
}

/// A signal's size (`country_signal`, `type_signal`): above 0 and at most [`MAX_SIGNAL`], four
/// decimal places at most.
fn signal(diag: &mut Diagnostics<'_>, table: &Table<'_, '_>, key: &str) -> Option<Decimal> {
    let size = table.decimal(diag, key)?;
    let s = *size.get_ref();
    if s <= Decimal::ZERO || s > MAX_SIGNAL || s.scale() > 4 {
        diag.push(
            RuleErrorKind::InvalidValue {
                key: table.key_path(key),
                value: s.to_string(),
                reason: format!(
                    "a signal raises or lowers a score by more than 0 and at most {MAX_SIGNAL}, \
                     with four decimal places at most"
                ),
            },
            size.span(),
        );
        return None;
    }
    Some(s)
}

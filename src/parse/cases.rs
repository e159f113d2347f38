//! Rule test files: `*.tests.toml` beside a rule file, or `[[test]]` tables in the rule file;
//! `*.tests.toml` files in a directory named `tests` test the whole rule book (how measures
//! combine: a licence under one does not lift another).
//!
//! ```toml
//! [defaults]                 # optional: fields every case starts from
//! date = 2023-11-15
//!
//! [[test]]
//! name = "US processors to Russia are prohibited"
//! shipment = { hs_code = "8542.31", origin = "US", destination = "RU" }
//! expect = "prohibited"
//! fires = ["kz106-chpl-to-ru"]
//! does_not_fire = ["kz106-uav-to-ru"]
//! ```
//!
//! Fields a case leaves out take documented defaults: `id` is the case name, `export_country`
//! the rule set's jurisdiction, `date` the case's `as_of`, else the rule set's `effective_from`
//! (a case of the whole rule book gives both itself, or in `[defaults]`).
//! Shipment tables take the record's field names only (a misspelled field is an error); free-form
//! attributes go under `attributes = { ... }`.

use std::borrow::Cow;

use toml::Spanned;
use toml::de::DeValue;

use super::walk::{Diagnostics, Table, closest, one_of, parse_toml, type_name};
use crate::error::{RuleError, RuleErrorKind};
use crate::rule::{Case, RuleSet};
use crate::shipment::{FIELD_NAMES, Field, FieldValue, Shipment, ShipmentBuilder};
use crate::source::{Source, SourceKind};
use crate::verdict::Decision;
use crate::verdict::Outcome;

/// `licence`: the file's own licence register (`[[licence]]` tables), read by the licences
/// module (see `Rulebook::test_cases`).
const TESTS_FILE_KEYS: &[&str] = &["defaults", "test", "licence"];
const CASE_KEYS: &[&str] = &[
    "name",
    "shipment",
    "history",
    "as_of",
    "expect",
    "fires",
    "does_not_fire",
    "outcomes",
];

/// What a test source tests: one rule set, or the whole rule book.
#[derive(Clone, Copy)]
enum Target<'b> {
    Set(&'b RuleSet),
    Book(&'b [RuleSet]),
}

impl<'b> Target<'b> {
    fn sets(self) -> &'b [RuleSet] {
        match self {
            Target::Set(set) => std::slice::from_ref(set),
            Target::Book(sets) => sets,
        }
    }
    fn has_rule(self, id: &str) -> bool {
        self.sets()
            .iter()
            .any(|s| s.rules().iter().any(|r| r.id() == id))
    }
    fn describe(self) -> String {
        match self {
            Target::Set(set) => format!("rule set `{}`", set.id()),
            Target::Book(_) => "the rule book".to_owned(),
        }
    }
}

/// Whether a tests file tests the whole rule book: it lies in a directory named `tests`.
pub(crate) fn tests_the_book(name: &str) -> bool {
    name.rsplit_once('/')
        .is_some_and(|(dir, _)| dir == "tests" || dir.ends_with("/tests"))
}

/// What a test source tests: for a tests file in a `tests` directory, the whole rule book;
/// for another tests file, the rule file of the same name beside it; for `[[test]]` tables,
/// the rule file itself.
fn target_of<'b>(source: &Source, sets: &'b [RuleSet]) -> Option<Target<'b>> {
    let target = match source.kind() {
        SourceKind::Tests if tests_the_book(source.name()) => return Some(Target::Book(sets)),
        SourceKind::Tests => source
            .name()
            .strip_suffix(crate::source::TESTS_SUFFIX)
            .map(|stem| format!("{stem}.toml"))?,
        _ => source.name().to_owned(),
    };
    sets.iter().find(|s| s.file() == target).map(Target::Set)
}

/// Reads the cases of one source (a tests file, or a rule file's `[[test]]` tables).
pub(crate) fn cases(source: &Source, sets: &[RuleSet], errors: &mut Vec<RuleError>) -> Vec<Case> {
    let mut diag = Diagnostics::new(source);
    let out = read(&mut diag, sets);
    errors.extend(diag.errors);
    out
}

fn read(diag: &mut Diagnostics<'_>, sets: &[RuleSet]) -> Vec<Case> {
    let source = diag.source;
    let mut out = Vec::new();
    let Some(doc) = parse_toml(diag, source.text()) else {
        return out;
    };
    let is_tests_file = source.kind() == SourceKind::Tests;
    if is_tests_file {
        Table::new("", doc.get_ref(), doc.span(), TESTS_FILE_KEYS).finish(diag, &[]);
    }
    let top = Table::new("", doc.get_ref(), doc.span(), TESTS_FILE_KEYS);
    let Some(tests) = top.get("test") else {
        return out;
    };
    let Some(target) = target_of(source, sets) else {
        diag.push_with_help(
            RuleErrorKind::MissingKey {
                key: "rule file".into(),
                table: source.name().to_owned(),
            },
            0..0,
            Some(format!(
                "a tests file tests the rule file of the same name beside it (`{}`), or the \
                 whole rule book when it lies in a directory named `tests`",
                source.name().replace(crate::source::TESTS_SUFFIX, ".toml")
            )),
        );
        return out;
    };
    let defaults = if is_tests_file {
        top.get("defaults")
            .and_then(|d| Table::from_value(diag, "defaults", d, &FIELD_NAMES))
    } else {
        None
    };
    if let Some(d) = &defaults {
        d.finish(diag, &[]);
    }
    let DeValue::Array(items) = tests.get_ref() else {
        diag.push(
            RuleErrorKind::WrongType {
                key: "test".into(),
                expected: "`[[test]]` tables",
                found: type_name(tests.get_ref()),
            },
            tests.span(),
        );
        return out;
    };
    for (i, item) in items.iter().enumerate() {
        if let Some(case) = read_case(diag, target, defaults.as_ref(), i, item) {
            out.push(case);
        }
    }
    out
}

fn read_case(
    diag: &mut Diagnostics<'_>,
    target: Target<'_>,
    defaults: Option<&Table<'_, '_>>,
    index: usize,
    value: &Spanned<DeValue<'_>>,
) -> Option<Case> {
    let table = Table::from_value(diag, format!("test[{index}]"), value, CASE_KEYS)?;
    table.finish(diag, &[]);
    let errors_before = diag.errors.len();
    let name = table.string(diag, "name", true);
    let as_of = table.date(diag, "as_of");
    let expect = table.string(diag, "expect", false).and_then(|e| {
        one_of(
            diag,
            &table.key_path("expect"),
            &e,
            &[
                ("allowed", Decision::Allowed),
                ("review", Decision::Review),
                ("license_required", Decision::LicenseRequired),
                ("prohibited", Decision::Prohibited),
            ],
        )
    });
    let mut rule_list = |key: &str| -> Vec<String> {
        let items = table.strings(diag, key, false).unwrap_or_default();
        let mut ids = Vec::new();
        for item in items {
            if target.has_rule(item.get_ref()) {
                ids.push(item.into_inner());
            } else {
                unknown_rule(diag, target, &table.key_path(key), &item);
            }
        }
        ids
    };
    let fires = rule_list("fires");
    let does_not_fire = rule_list("does_not_fire");
    let outcomes = outcomes(diag, target, &table);
    if diag.errors.len() == errors_before
        && expect.is_none()
        && fires.is_empty()
        && does_not_fire.is_empty()
        && outcomes.is_empty()
    {
        diag.push(
            RuleErrorKind::InvalidValue {
                key: table.path.clone(),
                value: String::new(),
                reason:
                    "a case must expect something: `expect`, `fires`, `does_not_fire` or `outcomes`"
                        .into(),
            },
            value.span(),
        );
    }

    let mut builder = ShipmentBuilder::default();
    let shipment_table = table
        .get("shipment")
        .and_then(|s| Table::from_value(diag, table.key_path("shipment"), s, &FIELD_NAMES));
    fill(diag, &mut builder, defaults, shipment_table.as_ref());
    let history = history(diag, &table, defaults);
    let name = name?.into_inner();
    // Documented defaults; a field the case gave (even empty) is left as given.
    if !builder.given(Field::Id) {
        let _ = builder.set(Field::Id, FieldValue::Text(Cow::Owned(name.clone())));
    }
    // A case of the whole rule book has no rule set to take an export country or a date from.
    let set = match target {
        Target::Set(set) => Some(set),
        Target::Book(_) => None,
    };
    if !builder.given(Field::ExportCountry)
        && let Some(set) = set
    {
        let _ = builder.set(
            Field::ExportCountry,
            FieldValue::Text(Cow::Owned(set.jurisdiction().to_string())),
        );
    }
    if !builder.given(Field::Date)
        && let Some(date) = as_of
            .as_ref()
            .map(|d| *d.get_ref())
            .or(set.and_then(|s| s.window().from))
    {
        let _ = builder.set(Field::Date, FieldValue::Text(Cow::Owned(date.to_string())));
    }
    let shipment = match builder.build() {
        Ok(s) => Some(s),
        Err(_) if diag.errors.len() != errors_before => None,
        Err(e) => {
            diag.push_with_help(
                RuleErrorKind::InvalidValue {
                    key: table.key_path("shipment"),
                    value: name.clone(),
                    reason: e.to_string(),
                },
                value.span(),
                Some("give it in `shipment` or in the file's `[defaults]`".into()),
            );
            None
        }
    };
    if diag.errors.len() != errors_before {
        return None;
    }
    Some(Case {
        name,
        location: diag.source.locate(value.span()),
        rule_set: set.map(|s| s.id().to_owned()),
        shipment: shipment?,
        history: history?,
        as_of: as_of.map(Spanned::into_inner),
        expect,
        fires,
        does_not_fire,
        outcomes,
    })
}

/// Sets the fields of `own` on the builder, and those of `defaults` that `own` does not give.
fn fill(
    diag: &mut Diagnostics<'_>,
    builder: &mut ShipmentBuilder,
    defaults: Option<&Table<'_, '_>>,
    own: Option<&Table<'_, '_>>,
) {
    if let Some(t) = own {
        t.finish(diag, &[]);
    }
    for (is_default, fields) in [(true, defaults), (false, own)] {
        let Some(fields) = fields else { continue };
        for (key, key_span, field) in fields.keys() {
            let Some(record_field) = Field::from_name(key) else {
                continue; // reported by `finish`
            };
            // A case's own value replaces the file's default.
            if is_default && own.is_some_and(|t| t.get(key).is_some()) {
                continue;
            }
            let Some(value) = field_value(field) else {
                diag.push(
                    RuleErrorKind::WrongType {
                        key: fields.key_path(key),
                        expected: "a string, number, date, list of strings or table of strings",
                        found: type_name(field.get_ref()),
                    },
                    field.span(),
                );
                continue;
            };
            if let Err(e) = builder.set(record_field, value) {
                diag.push(
                    RuleErrorKind::InvalidValue {
                        key: fields.key_path(key),
                        value: field.get_ref().as_str().unwrap_or("").to_owned(),
                        reason: e.to_string(),
                    },
                    key_span.start..field.span().end,
                );
            }
        }
    }
}

/// A case's `history`: the records before its shipment, each a table of fields with the file's
/// defaults (its id defaults to `history[N]`).
fn history(
    diag: &mut Diagnostics<'_>,
    table: &Table<'_, '_>,
    defaults: Option<&Table<'_, '_>>,
) -> Option<Vec<Shipment>> {
    let Some(value) = table.get("history") else {
        return Some(Vec::new());
    };
    let key = table.key_path("history");
    let DeValue::Array(items) = value.get_ref() else {
        diag.push(
            RuleErrorKind::WrongType {
                key,
                expected: "an array of shipment tables",
                found: type_name(value.get_ref()),
            },
            value.span(),
        );
        return None;
    };
    let errors_before = diag.errors.len();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("{key}[{i}]");
        let Some(fields) = Table::from_value(diag, path.clone(), item, &FIELD_NAMES) else {
            continue;
        };
        let mut builder = ShipmentBuilder::default();
        fill(diag, &mut builder, defaults, Some(&fields));
        if !builder.given(Field::Id) {
            let _ = builder.set(
                Field::Id,
                FieldValue::Text(Cow::Owned(format!("history[{i}]"))),
            );
        }
        match builder.build() {
            Ok(s) => out.push(s),
            Err(e) => diag.push_with_help(
                RuleErrorKind::InvalidValue {
                    key: path,
                    value: String::new(),
                    reason: e.to_string(),
                },
                item.span(),
                Some("a history record gives its fields, or takes them from `[defaults]`".into()),
            ),
        }
    }
    (diag.errors.len() == errors_before).then_some(out)
}

fn unknown_rule(diag: &mut Diagnostics<'_>, target: Target<'_>, key: &str, item: &Spanned<String>) {
    let ids = target
        .sets()
        .iter()
        .flat_map(|s| s.rules().iter().map(|r| r.id()));
    let help = closest(item.get_ref(), ids).map(|id| format!("did you mean `{id}`?"));
    diag.push_with_help(
        RuleErrorKind::InvalidValue {
            key: key.to_owned(),
            value: item.get_ref().clone(),
            reason: format!("no rule `{}` in {}", item.get_ref(), target.describe()),
        },
        item.span(),
        help,
    );
}

fn outcomes(
    diag: &mut Diagnostics<'_>,
    target: Target<'_>,
    table: &Table<'_, '_>,
) -> Vec<(String, Outcome)> {
    let Some(value) = table.get("outcomes") else {
        return Vec::new();
    };
    let Some(entries) = Table::from_value(diag, table.key_path("outcomes"), value, &[]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (rule, rule_span, v) in entries.keys() {
        let rule_name = Spanned::new(rule_span, rule.to_owned());
        if !target.has_rule(rule) {
            unknown_rule(diag, target, &entries.path, &rule_name);
            continue;
        }
        let Some(text) = v.get_ref().as_str() else {
            diag.push(
                RuleErrorKind::WrongType {
                    key: format!("{}.{rule}", entries.path),
                    expected: "a string",
                    found: type_name(v.get_ref()),
                },
                v.span(),
            );
            continue;
        };
        let spanned = Spanned::new(v.span(), text.to_owned());
        if let Some(outcome) = one_of(
            diag,
            &format!("{}.{rule}", entries.path),
            &spanned,
            &[
                ("fired", Outcome::Fired),
                ("exempted", Outcome::Exempted),
                ("licensed", Outcome::Licensed),
                ("undetermined", Outcome::Undetermined),
                ("not_in_force", Outcome::NotInForce),
            ],
        ) {
            out.push((rule.to_owned(), outcome));
        }
    }
    out
}

/// A TOML value as a shipment field value.
fn field_value(value: &Spanned<DeValue<'_>>) -> Option<FieldValue<'static>> {
    let scalar = |v: &DeValue<'_>| -> Option<String> {
        Some(match v {
            DeValue::String(s) => s.to_string(),
            DeValue::Integer(i) => i.as_str().replace('_', ""),
            DeValue::Float(f) => f.as_str().replace('_', ""),
            DeValue::Boolean(b) => b.to_string(),
            DeValue::Datetime(d) => d.to_string(),
            DeValue::Array(_) | DeValue::Table(_) => return None,
        })
    };
    match value.get_ref() {
        DeValue::Array(items) => Some(FieldValue::List(
            items
                .iter()
                .map(|i| scalar(i.get_ref()).map(Cow::Owned))
                .collect::<Option<Vec<_>>>()?,
        )),
        DeValue::Table(entries) => Some(FieldValue::Map(
            entries
                .iter()
                .map(|(k, v)| Some((k.get_ref().to_string(), scalar(v.get_ref())?)))
                .collect::<Option<Vec<_>>>()?,
        )),
        other => scalar(other).map(|s| FieldValue::Text(Cow::Owned(s))),
    }
}

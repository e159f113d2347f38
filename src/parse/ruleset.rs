//! Rule set files: the `[ruleset]` table and its `[[rule]]` tables, read against the loaded
//! groups into the validated model.

use std::collections::BTreeMap;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::condition::{CONDITION_KEYS, ConditionReader};
use super::groups::GroupSets;
use super::walk::{Diagnostics, RegexCache, Table, one_of, parse_toml, type_name};
use crate::country::CountryCode;
use crate::error::{RuleError, RuleErrorKind};
use crate::rule::{CountryItem, Rule, RuleSet, Scope};
use crate::source::Source;
use crate::verdict::{Decision, Status};
use crate::window::Window;

const TOP_KEYS: &[&str] = &["ruleset", "rule", "test"];
const RULESET_KEYS: &[&str] = &[
    "id",
    "title",
    "authority",
    "jurisdiction",
    "scope",
    "citations",
    "sources",
    "version",
    "effective_from",
    "effective_until",
    "status",
    "notes",
];
const RULE_KEYS: &[&str] = &[
    "id",
    "verdict",
    "title",
    "citation",
    "effective_from",
    "effective_until",
    "labels",
    "when",
    "unless",
    "accepted_licences",
    "history",
    "parties",
];

/// Reads one rule set file against the loaded groups.
pub(crate) fn rule_set(
    source: &Source,
    groups: &GroupSets,
    errors: &mut Vec<RuleError>,
    regexes: &mut RegexCache,
) -> Option<RuleSet> {
    let mut diag = Diagnostics::new(source);
    diag.regexes = std::mem::take(regexes);
    let result = read_rule_set(&mut diag, groups);
    *regexes = std::mem::take(&mut diag.regexes);
    let ok = diag.errors.is_empty();
    errors.extend(diag.errors);
    if ok { result } else { None }
}

fn read_rule_set(diag: &mut Diagnostics<'_>, groups: &GroupSets) -> Option<RuleSet> {
    let source = diag.source;
    let doc = parse_toml(diag, source.text())?;
    let top = Table::new("", doc.get_ref(), doc.span(), TOP_KEYS);
    top.finish(diag, &[]);

    let Some(meta_value) = top.get("ruleset") else {
        diag.push(
            RuleErrorKind::MissingKey {
                key: "ruleset".into(),
                table: "the top level".into(),
            },
            0..0,
        );
        return None;
    };
    let meta = Table::from_value(diag, "ruleset", meta_value, RULESET_KEYS)?;
    meta.finish(diag, &[("rule", "its own `[[rule]]` table")]);
    let id = meta.id(diag, "id");
    let title = meta.string(diag, "title", true);
    let authority = meta.string(diag, "authority", true);
    let jurisdiction = meta.string(diag, "jurisdiction", true).and_then(|j| {
        // The European Union makes law for its member states: `EU` is a jurisdiction.
        if j.get_ref().eq_ignore_ascii_case("EU") {
            return Some(CountryCode::EU);
        }
        let reader = ConditionReader { groups };
        match reader.country_item(diag, "ruleset.jurisdiction", &j) {
            Some(CountryItem::Code(code)) => Some(code),
            Some(CountryItem::Group(..)) => {
                diag.push(
                    RuleErrorKind::InvalidCountry {
                        key: "ruleset.jurisdiction".into(),
                        value: j.get_ref().clone(),
                        reason: "a jurisdiction is one country code, not a group".into(),
                    },
                    j.span(),
                );
                None
            }
            None => None,
        }
    });
    let scope = match meta.string(diag, "scope", false) {
        None => Some(Scope::Jurisdiction),
        Some(s) => one_of(
            diag,
            "ruleset.scope",
            &s,
            &[
                ("jurisdiction", Scope::Jurisdiction),
                ("any_exporter", Scope::AnyExporter),
            ],
        ),
    };
    let citations = meta.strings(diag, "citations", true);
    let sources = meta.strings(diag, "sources", true);
    let version = meta.string(diag, "version", true);
    let window = window(diag, &meta);
    let status = meta.string(diag, "status", true).and_then(|s| {
        one_of(
            diag,
            "ruleset.status",
            &s,
            &[
                ("in_force", Status::InForce),
                ("reported", Status::Reported),
                ("draft", Status::Draft),
                ("repealed", Status::Repealed),
            ],
        )
    });
    let notes = meta.string(diag, "notes", false);

    let mut rules = Vec::new();
    match top.get("rule") {
        None => diag.push(
            RuleErrorKind::MissingKey {
                key: "rule".into(),
                table: "the top level".into(),
            },
            0..0,
        ),
        Some(value) => match value.get_ref() {
            DeValue::Array(items) if !items.is_empty() => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(rule) = read_rule(diag, groups, i, item) {
                        rules.push(rule);
                    }
                }
            }
            other => diag.push(
                RuleErrorKind::WrongType {
                    key: "rule".into(),
                    expected: "one or more `[[rule]]` tables",
                    found: type_name(other),
                },
                value.span(),
            ),
        },
    }

    rules.shrink_to_fit();
    let id = id?;
    let id_location = source.locate(id.span());
    Some(RuleSet {
        id: id.into_inner().into(),
        id_location,
        title: title?.into_inner(),
        authority: authority?.into_inner(),
        jurisdiction: jurisdiction?,
        scope: scope?,
        citations: citations?.into_iter().map(Spanned::into_inner).collect(),
        sources: sources?.into_iter().map(Spanned::into_inner).collect(),
        version: version?.into_inner().into(),
        window: window?,
        status: status?,
        notes: notes.map(Spanned::into_inner),
        rules,
        location: source.locate(meta_value.span()),
        path: source.key().into(),
    })
}

fn read_rule(
    diag: &mut Diagnostics<'_>,
    groups: &GroupSets,
    index: usize,
    value: &Spanned<DeValue<'_>>,
) -> Option<Rule> {
    let table = Table::from_value(diag, format!("rule[{index}]"), value, RULE_KEYS)?;
    let id = table.id(diag, "id");
    let path = match &id {
        Some(id) => format!("rule({})", id.get_ref()),
        None => format!("rule[{index}]"),
    };
    let table = Table::new(path.clone(), table_entries(value)?, value.span(), RULE_KEYS);
    let condition_keys: Vec<(&str, &str)> = CONDITION_KEYS
        .iter()
        .map(|k| (*k, "the rule's `when` (or `unless`) table"))
        .collect();
    table.finish(diag, &condition_keys);

    let verdict = table.string(diag, "verdict", true).and_then(|v| {
        one_of(
            diag,
            &table.key_path("verdict"),
            &v,
            &[
                ("prohibited", Decision::Prohibited),
                ("license_required", Decision::LicenseRequired),
                ("review", Decision::Review),
            ],
        )
    });
    let title = table.string(diag, "title", true);
    let citation = table.string(diag, "citation", false);
    let own_window = window(diag, &table);
    let labels = labels(diag, &table);
    let reader = ConditionReader { groups };
    let when = match table.get("when") {
        Some(v) => reader.table(diag, &table.key_path("when"), v, 0),
        // A party rule may screen every record: its `[rule.parties]` says what it matches.
        None if table.get("parties").is_some() => Some(crate::rule::Condition::All(Vec::new())),
        None => {
            diag.push(
                RuleErrorKind::MissingKey {
                    key: "when".into(),
                    table: path.clone(),
                },
                value.span(),
            );
            None
        }
    };
    let unless = match table.get("unless") {
        Some(v) => Some(reader.table(diag, &table.key_path("unless"), v, 0)?),
        None => None,
    };
    let history = match table.get("history") {
        Some(v) => Some(super::history::history(
            diag,
            &table.key_path("history"),
            v,
        )?),
        None => None,
    };
    let parties = match table.get("parties") {
        Some(v) => Some(super::parties::parties(
            diag,
            &table.key_path("parties"),
            v,
        )?),
        None => None,
    };
    let accepted_licences = table.regex(diag, "accepted_licences");
    match (verdict, table.get("accepted_licences")) {
        (Some(Decision::LicenseRequired), None) => diag.push_with_help(
            RuleErrorKind::MissingKey {
                key: "accepted_licences".into(),
                table: path.clone(),
            },
            value.span(),
            Some(
                "a `license_required` rule names the licences that satisfy it, as a pattern \
                 over licence ids, e.g. `accepted_licences = \"^KZ-DU-\\\\d+$\"`"
                    .into(),
            ),
        ),
        (Some(v), Some(spec)) if v != Decision::LicenseRequired => diag.push_with_help(
            RuleErrorKind::InvalidValue {
                key: table.key_path("accepted_licences"),
                value: v.to_string(),
                reason: format!("only a `license_required` rule accepts licences, not a `{v}` one"),
            },
            spec.span(),
            Some(
                "a licence does not lift a prohibition; to exempt some records use `unless`".into(),
            ),
        ),
        _ => {}
    }

    let id = id?;
    let id_location = diag.source.locate(id.span());
    Some(Rule {
        id: id.into_inner().into(),
        id_location,
        verdict: verdict?,
        title: title?.into_inner().into(),
        citation: citation.map(Spanned::into_inner),
        window: own_window?,
        labels: labels?,
        when: when?,
        unless,
        history,
        parties,
        accepted_licences,
        location: diag.source.locate(value.span()),
    })
}

fn table_entries<'t, 'i>(value: &'t Spanned<DeValue<'i>>) -> Option<&'t DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

/// `effective_from` and `effective_until`, checked to be in order.
fn window(diag: &mut Diagnostics<'_>, table: &Table<'_, '_>) -> Option<Window> {
    let errors_before = diag.errors.len();
    let from = table.date(diag, "effective_from");
    let until = table.date(diag, "effective_until");
    if diag.errors.len() != errors_before {
        return None;
    }
    if let (Some(from), Some(until)) = (&from, &until)
        && until.get_ref() < from.get_ref()
    {
        diag.push(
            RuleErrorKind::WindowEndsBeforeStart {
                from: *from.get_ref(),
                until: *until.get_ref(),
            },
            until.span(),
        );
        return None;
    }
    Some(Window {
        from: from.map(Spanned::into_inner),
        until: until.map(Spanned::into_inner),
    })
}

fn labels(diag: &mut Diagnostics<'_>, table: &Table<'_, '_>) -> Option<BTreeMap<String, String>> {
    let Some(value) = table.get("labels") else {
        return Some(BTreeMap::new());
    };
    let DeValue::Table(entries) = value.get_ref() else {
        diag.push(
            RuleErrorKind::WrongType {
                key: table.key_path("labels"),
                expected: "a table of strings",
                found: type_name(value.get_ref()),
            },
            value.span(),
        );
        return None;
    };
    let mut out = BTreeMap::new();
    let mut ok = true;
    for (k, v) in entries.iter() {
        match v.get_ref() {
            DeValue::String(s) => {
                out.insert(k.get_ref().to_string(), s.to_string());
            }
            other => {
                ok = false;
                diag.push(
                    RuleErrorKind::WrongType {
                        key: format!("{}.{}", table.key_path("labels"), k.get_ref()),
                        expected: "a string",
                        found: type_name(other),
                    },
                    v.span(),
                );
            }
        }
    }
    ok.then_some(out)
}

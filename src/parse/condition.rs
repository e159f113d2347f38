//! Condition tables (`when`, `unless`, and the tables inside `any`, `all`, `not`).
//!
//! Every key of one table is a condition, and all of them must hold. `any`, `all` and `not` nest
//! further tables. Country lists name ISO codes (two letters) or groups (longer names) from the
//! groups file.

use std::sync::Arc;

use toml::Spanned;
use toml::de::DeValue;

use super::groups::{GroupSets, is_group_name};
use super::walk::{Diagnostics, Table, closest, compile_regex, one_of, type_name};
use crate::control::ControlCode;
use crate::country::CountryCode;
use crate::error::RuleErrorKind;
use crate::hs::HsPrefix;
use crate::rule::{
    AmountField, AttrTest, Condition, ControlList, CountryField, CountryItem, CountryList,
    GroupMembers, HsList, Leaf, MISSABLE_FIELDS, PartyField, Test,
};
use crate::shipment::Field;
use crate::verdict::because::{Bound, Comparison};

/// How deep `any` / `all` / `not` may nest.
pub(crate) const MAX_DEPTH: usize = 16;

/// The keys a condition table allows.
pub(crate) const CONDITION_KEYS: &[&str] = &[
    "hs_code",
    "hs_code_except",
    "origin",
    "origin_not",
    "export_country",
    "export_country_not",
    "destination",
    "destination_not",
    "transit",
    "transit_not",
    "route",
    "route_not",
    "consignor",
    "consignor_matches",
    "consignee",
    "consignee_matches",
    "end_user",
    "end_user_matches",
    "end_user_differs_from_consignee",
    "value",
    "quantity",
    "description_matches",
    "licence_matches",
    "control_code",
    "classified",
    "missing",
    "attributes",
    "any",
    "all",
    "not",
];

const VALUE_KEYS: &[&str] = &["gt", "ge", "lt", "le", "eq", "currency"];
const QUANTITY_KEYS: &[&str] = &["gt", "ge", "lt", "le", "eq", "unit"];
const ATTRIBUTE_KEYS: &[&str] = &["equals", "in", "matches", "when_missing"];
const ATTRIBUTE_TESTS: &[&str] = &["equals", "in", "matches"];

/// Keys that belong to a rule, not to its conditions: named in the help of an unknown-key error.
const RULE_LEVEL_KEYS: &[(&str, &str)] = &[
    ("effective_from", "the `[[rule]]` table"),
    ("effective_until", "the `[[rule]]` table"),
    ("citation", "the `[[rule]]` table"),
    ("verdict", "the `[[rule]]` table"),
    ("accepted_licences", "the `[[rule]]` table"),
    ("labels", "the `[[rule]]` table"),
    ("unless", "the `[[rule]]` table"),
];

/// The fields of a `missing` condition: optional fields of the record, by name.
fn missing_fields(
    diag: &mut Diagnostics<'_>,
    table: &Table<'_, '_>,
    key: &str,
) -> Option<Vec<Field>> {
    let items = table.strings(diag, key, false)?;
    let mut fields = Vec::new();
    let mut ok = true;
    for item in items {
        let text = item.get_ref();
        match Field::from_name(text) {
            Some(field) if MISSABLE_FIELDS.contains(&field) => {
                if !fields.contains(&field) {
                    fields.push(field);
                }
            }
            found => {
                ok = false;
                let names: Vec<&str> = MISSABLE_FIELDS.iter().map(|f| f.name()).collect();
                let help = match found {
                    Some(_) => format!(
                        "`{text}` is required on every record; optional fields: {}",
                        names.join(", ")
                    ),
                    None => match closest(text, names.iter().copied()) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("optional fields: {}", names.join(", ")),
                    },
                };
                diag.push_with_help(
                    RuleErrorKind::InvalidValue {
                        key: table.key_path(key),
                        value: text.clone(),
                        reason: "not an optional field of a record".into(),
                    },
                    item.span(),
                    Some(help),
                );
            }
        }
    }
    ok.then_some(fields)
}

/// What a group holds, in words, with its article.
fn kind_of(members: &GroupMembers) -> &'static str {
    match members {
        GroupMembers::Countries(_) => "a country",
        GroupMembers::HsCodes(_) => "an HS code",
        GroupMembers::ControlCodes(_) => "a control code",
    }
}

/// Reads condition tables against the loaded groups.
pub(crate) struct ConditionReader<'g> {
    pub groups: &'g GroupSets,
}

impl ConditionReader<'_> {
    /// Reads one condition table at `path` (e.g. `rule.when`): all of its keys must hold.
    pub fn table(
        &self,
        diag: &mut Diagnostics<'_>,
        path: &str,
        value: &Spanned<DeValue<'_>>,
        depth: usize,
    ) -> Option<Condition> {
        let table = Table::from_value(diag, path, value, CONDITION_KEYS)?;
        if depth > MAX_DEPTH {
            diag.push(
                RuleErrorKind::InvalidValue {
                    key: path.to_owned(),
                    value: format!("depth {depth}"),
                    reason: format!("conditions nest deeper than {MAX_DEPTH} levels"),
                },
                value.span(),
            );
            return None;
        }
        let errors_before = diag.errors.len();
        table.finish(diag, RULE_LEVEL_KEYS);
        let mut parts = Vec::new();
        for (key, key_span, item) in table.keys() {
            let Some(key) = CONDITION_KEYS.iter().copied().find(|k| *k == key) else {
                continue; // reported by `finish`
            };
            let location = diag.source.locate(key_span.start..item.span().end);
            let leaf = |test: Test| {
                Condition::Leaf(Leaf {
                    key,
                    test,
                    location: location.clone(),
                })
            };
            let path_of = table.key_path(key);
            match key {
                "hs_code" => {
                    let include = self.hs_prefixes(diag, &table, "hs_code");
                    let except = match table.get("hs_code_except") {
                        Some(_) => self.hs_prefixes(diag, &table, "hs_code_except"),
                        None => Some(HsList::default()),
                    };
                    if let (Some(include), Some(except)) = (include, except) {
                        parts.push(leaf(Test::Hs { include, except }));
                    }
                }
                "hs_code_except" => {
                    if table.get("hs_code").is_none() {
                        diag.push_with_help(
                            RuleErrorKind::MissingKey {
                                key: "hs_code".into(),
                                table: table.path.clone(),
                            },
                            key_span,
                            Some(
                                "`hs_code_except` carves codes out of the `hs_code` beside it; \
                                 to exclude codes on their own write `not = { hs_code = [...] }`"
                                    .into(),
                            ),
                        );
                    }
                }
                "origin" | "origin_not" | "export_country" | "export_country_not"
                | "destination" | "destination_not" | "transit" | "transit_not" | "route"
                | "route_not" => {
                    let negated = key.ends_with("_not");
                    let field = match key.trim_end_matches("_not") {
                        "origin" => CountryField::Origin,
                        "export_country" => CountryField::ExportCountry,
                        "destination" => CountryField::Destination,
                        "transit" => CountryField::Transit,
                        _ => CountryField::Route,
                    };
                    if let Some(list) = self.countries(diag, &table, key) {
                        parts.push(leaf(Test::Country {
                            field,
                            negated,
                            list,
                        }));
                    }
                }
                "consignor" | "consignee" | "end_user" => {
                    if let Some(names) = table.strings(diag, key, false) {
                        parts.push(leaf(Test::PartyName {
                            field: party_field(key),
                            names: names.into_iter().map(Spanned::into_inner).collect(),
                        }));
                    }
                }
                "consignor_matches" | "consignee_matches" | "end_user_matches" => {
                    if let Some(regex) = table.regex(diag, key) {
                        parts.push(leaf(Test::PartyRegex {
                            field: party_field(key.trim_end_matches("_matches")),
                            regex,
                        }));
                    }
                }
                "end_user_differs_from_consignee" => {
                    if let Some(flag) = table.boolean(diag, key) {
                        parts.push(leaf(Test::EndUserDiffers(flag.into_inner())));
                    }
                }
                "value" | "quantity" => {
                    if let Some(test) = self.amount(diag, &path_of, item, key) {
                        parts.push(leaf(test));
                    }
                }
                "description_matches" => {
                    if let Some(regex) = table.regex(diag, key) {
                        parts.push(leaf(Test::Description(regex)));
                    }
                }
                "licence_matches" => {
                    if let Some(regex) = table.regex(diag, key) {
                        parts.push(leaf(Test::Licence(regex)));
                    }
                }
                "control_code" => {
                    if let Some(list) = self.control_codes(diag, &table, key) {
                        parts.push(leaf(Test::Control(list)));
                    }
                }
                "classified" => {
                    if let Some(flag) = table.boolean(diag, key) {
                        parts.push(leaf(Test::Classified(flag.into_inner())));
                    }
                }
                "missing" => {
                    if let Some(fields) = missing_fields(diag, &table, key) {
                        parts.push(leaf(Test::Missing(fields)));
                    }
                }
                "attributes" => {
                    parts.extend(self.attributes(diag, &path_of, item));
                }
                "any" | "all" => {
                    if let Some(children) = self.list(diag, &path_of, item, depth) {
                        parts.push(if key == "any" {
                            Condition::Any(children)
                        } else {
                            Condition::All(children)
                        });
                    }
                }
                _ => {
                    // "not"
                    if let Some(child) = self.table(diag, &path_of, item, depth + 1) {
                        parts.push(Condition::Not(Box::new(child)));
                    }
                }
            }
        }
        if parts.is_empty() && diag.errors.len() == errors_before {
            diag.push(
                RuleErrorKind::EmptyCondition {
                    key: path.to_owned(),
                },
                value.span(),
            );
        }
        parts.shrink_to_fit();
        (diag.errors.len() == errors_before).then_some(Condition::All(parts))
    }

    /// An `any` or `all` list: an array of condition tables.
    fn list(
        &self,
        diag: &mut Diagnostics<'_>,
        path: &str,
        value: &Spanned<DeValue<'_>>,
        depth: usize,
    ) -> Option<Vec<Condition>> {
        let DeValue::Array(items) = value.get_ref() else {
            diag.push(
                RuleErrorKind::WrongType {
                    key: path.to_owned(),
                    expected: "an array of condition tables",
                    found: type_name(value.get_ref()),
                },
                value.span(),
            );
            return None;
        };
        if items.is_empty() {
            diag.push(
                RuleErrorKind::EmptyCondition {
                    key: path.to_owned(),
                },
                value.span(),
            );
            return None;
        }
        let children: Vec<Option<Condition>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.table(diag, &format!("{path}[{i}]"), item, depth + 1))
            .collect();
        children.into_iter().collect()
    }

    /// HS prefixes, or names of HS code groups.
    fn hs_prefixes(
        &self,
        diag: &mut Diagnostics<'_>,
        table: &Table<'_, '_>,
        key: &str,
    ) -> Option<HsList> {
        let items = table.strings(diag, key, false)?;
        let mut out = HsList::default();
        let mut ok = true;
        for item in items {
            let text = item.get_ref();
            if text.chars().any(|c| c.is_ascii_alphabetic()) {
                match self.groups.get(text.as_str()) {
                    Some((name, GroupMembers::HsCodes(codes), _)) => {
                        let location = diag.source.locate(item.span());
                        for prefix in codes {
                            out.push(*prefix, Some(Arc::clone(name)), location.clone());
                        }
                        continue;
                    }
                    Some((name, other, _)) => {
                        diag.push(
                            RuleErrorKind::InvalidValue {
                                key: table.key_path(key),
                                value: text.clone(),
                                reason: format!(
                                    "`{name}` is {} group, not an HS code group",
                                    kind_of(other)
                                ),
                            },
                            item.span(),
                        );
                        ok = false;
                        continue;
                    }
                    None if is_group_name(text) => {
                        let hs_groups = self.names_of(|m| matches!(m, GroupMembers::HsCodes(_)));
                        let help = closest(text, hs_groups.iter().map(String::as_str))
                            .map(|g| format!("did you mean `{g}`?"));
                        diag.push_with_help(
                            RuleErrorKind::UnknownGroup {
                                key: table.key_path(key),
                                name: text.clone(),
                                kind: "HS code",
                            },
                            item.span(),
                            help,
                        );
                        ok = false;
                        continue;
                    }
                    None => {}
                }
            }
            match text.parse::<HsPrefix>() {
                Ok(prefix) => out.push(prefix, None, diag.source.locate(item.span())),
                Err(e) => {
                    ok = false;
                    diag.push(
                        RuleErrorKind::InvalidHsPrefix {
                            key: table.key_path(key),
                            value: text.clone(),
                            reason: e.to_string(),
                        },
                        item.span(),
                    );
                }
            }
        }
        out.shrink_to_fit();
        ok.then_some(out)
    }

    /// Control codes, or names of control code groups. A known group's name is the group; a
    /// name with `_`, or one a letter or two from a group's, is an unknown group (codes have no
    /// `_`); anything else must be a control code.
    fn control_codes(
        &self,
        diag: &mut Diagnostics<'_>,
        table: &Table<'_, '_>,
        key: &str,
    ) -> Option<ControlList> {
        let items = table.strings(diag, key, false)?;
        let mut out = ControlList::default();
        let mut ok = true;
        let control_groups = self.names_of(|m| matches!(m, GroupMembers::ControlCodes(_)));
        for item in items {
            let text = item.get_ref();
            let mut refuse = |kind: RuleErrorKind, help: Option<String>| {
                diag.push_with_help(kind, item.span(), help);
                ok = false;
            };
            match self.groups.get(text.as_str()) {
                Some((name, GroupMembers::ControlCodes(codes), _)) => {
                    for code in codes {
                        out.push(code.clone(), Some(Arc::clone(name)));
                    }
                    continue;
                }
                Some((name, other, _)) => {
                    refuse(
                        RuleErrorKind::InvalidValue {
                            key: table.key_path(key),
                            value: text.clone(),
                            reason: format!(
                                "`{name}` is {} group, not a control code group",
                                kind_of(other)
                            ),
                        },
                        None,
                    );
                    continue;
                }
                None => {}
            }
            let near = closest(text, control_groups.iter().map(String::as_str));
            if is_group_name(text) && (text.contains('_') || near.is_some()) {
                refuse(
                    RuleErrorKind::UnknownGroup {
                        key: table.key_path(key),
                        name: text.clone(),
                        kind: "control code",
                    },
                    near.map(|g| format!("did you mean `{g}`?")),
                );
                continue;
            }
            match text.parse::<ControlCode>() {
                Ok(code) => out.push(code, None),
                Err(e) => refuse(
                    RuleErrorKind::InvalidValue {
                        key: table.key_path(key),
                        value: text.clone(),
                        reason: e.to_string(),
                    },
                    None,
                ),
            }
        }
        ok.then_some(out)
    }

    /// The names of the groups whose members pass `kind`.
    fn names_of(&self, kind: impl Fn(&GroupMembers) -> bool) -> Vec<String> {
        self.groups
            .iter()
            .filter(|(_, (_, members, _))| kind(members))
            .map(|(name, _)| name.clone())
            .collect()
    }

    fn countries(
        &self,
        diag: &mut Diagnostics<'_>,
        table: &Table<'_, '_>,
        key: &str,
    ) -> Option<CountryList> {
        let items = table.strings(diag, key, false)?;
        let mut list = CountryList::new();
        let mut ok = true;
        for item in items {
            match self.country_item(diag, &table.key_path(key), &item) {
                Some(item) => list.push(item),
                None => ok = false,
            }
        }
        list.shrink_to_fit();
        ok.then_some(list)
    }

    /// A two-letter code, or the name of a group.
    pub fn country_item(
        &self,
        diag: &mut Diagnostics<'_>,
        key: &str,
        item: &Spanned<String>,
    ) -> Option<CountryItem> {
        let text = item.get_ref();
        if text.chars().count() == 2 {
            return match CountryCode::parse_country(text) {
                Ok(code) => Some(CountryItem::Code(code)),
                Err(e) => {
                    let help = (text.eq_ignore_ascii_case("UK"))
                        .then(|| "the United Kingdom's ISO code is `GB`".to_owned())
                        .or_else(|| {
                            (text.eq_ignore_ascii_case("EU"))
                                .then(|| "the European Union is the group `EU27`".to_owned())
                        });
                    diag.push_with_help(
                        RuleErrorKind::InvalidCountry {
                            key: key.to_owned(),
                            value: text.clone(),
                            reason: e.to_string(),
                        },
                        item.span(),
                        help,
                    );
                    None
                }
            };
        }
        match self.groups.get(text.as_str()) {
            Some((name, GroupMembers::Countries(set), shared)) => {
                let shared = shared.clone().unwrap_or_else(|| Arc::new(*set));
                return Some(CountryItem::Group(Arc::clone(name), shared));
            }
            Some((name, other, _)) => {
                diag.push(
                    RuleErrorKind::InvalidValue {
                        key: key.to_owned(),
                        value: text.clone(),
                        reason: format!(
                            "`{name}` is {} group, not a country group",
                            kind_of(other)
                        ),
                    },
                    item.span(),
                );
                return None;
            }
            None => {}
        }
        let country_groups = self.names_of(|m| matches!(m, GroupMembers::Countries(_)));
        let help = match closest(text, country_groups.iter().map(String::as_str)) {
            Some(group) => format!("did you mean `{group}`?"),
            None if text.len() == 3 && text.chars().all(|c| c.is_ascii_alphabetic()) => {
                format!(
                    "`{text}` looks like an ISO alpha-3 code; rules use alpha-2 codes (two letters)"
                )
            }
            None => format!(
                "country codes have two letters; country groups defined in groups files: {}",
                if country_groups.is_empty() {
                    "none".to_owned()
                } else {
                    country_groups.join(", ")
                }
            ),
        };
        diag.push_with_help(
            RuleErrorKind::UnknownGroup {
                key: key.to_owned(),
                name: text.clone(),
                kind: "country",
            },
            item.span(),
            Some(help),
        );
        None
    }

    fn amount(
        &self,
        diag: &mut Diagnostics<'_>,
        path: &str,
        value: &Spanned<DeValue<'_>>,
        key: &str,
    ) -> Option<Test> {
        let (field, allowed) = if key == "value" {
            (AmountField::Value, VALUE_KEYS)
        } else {
            (AmountField::Quantity, QUANTITY_KEYS)
        };
        let table = Table::from_value(diag, path, value, allowed)?;
        table.finish(diag, &[]);
        let errors_before = diag.errors.len();
        let mut bounds = Vec::new();
        for (name, op) in [
            ("gt", Comparison::Gt),
            ("ge", Comparison::Ge),
            ("lt", Comparison::Lt),
            ("le", Comparison::Le),
            ("eq", Comparison::Eq),
        ] {
            if let Some(limit) = table.decimal(diag, name) {
                bounds.push(Bound {
                    op,
                    limit: limit.into_inner(),
                });
            }
        }
        let unit = table.string(diag, field.unit_name(), true);
        if let Some(unit) = &unit
            && field == AmountField::Value
        {
            check_currency(diag, &table, unit);
        }
        if bounds.is_empty() && diag.errors.len() == errors_before {
            diag.push_with_help(
                RuleErrorKind::EmptyCondition {
                    key: path.to_owned(),
                },
                value.span(),
                Some("give a bound: `gt`, `ge`, `lt`, `le` or `eq`".into()),
            );
        }
        if diag.errors.len() != errors_before {
            return None;
        }
        Some(Test::Amount {
            field,
            bounds,
            unit: normalise_unit(field, unit?.get_ref()),
        })
    }

    fn attributes(
        &self,
        diag: &mut Diagnostics<'_>,
        path: &str,
        value: &Spanned<DeValue<'_>>,
    ) -> Vec<Condition> {
        let mut out = Vec::new();
        let DeValue::Table(entries) = value.get_ref() else {
            diag.push(
                RuleErrorKind::WrongType {
                    key: path.to_owned(),
                    expected: "a table of attribute tests",
                    found: type_name(value.get_ref()),
                },
                value.span(),
            );
            return out;
        };
        if entries.is_empty() {
            diag.push(
                RuleErrorKind::EmptyCondition {
                    key: path.to_owned(),
                },
                value.span(),
            );
        }
        for (name, spec) in entries.iter() {
            let attr_path = format!("{path}.{}", name.get_ref());
            let Some(table) = Table::from_value(diag, attr_path.clone(), spec, ATTRIBUTE_KEYS)
            else {
                continue;
            };
            table.finish(diag, &[]);
            let present: Vec<&str> = ATTRIBUTE_TESTS
                .iter()
                .copied()
                .filter(|k| table.get(k).is_some())
                .collect();
            if present.len() != 1 {
                diag.push_with_help(
                    RuleErrorKind::InvalidValue {
                        key: attr_path,
                        value: present.join(", "),
                        reason: "an attribute test needs exactly one of `equals`, `in`, `matches`"
                            .into(),
                    },
                    spec.span(),
                    None,
                );
                continue;
            }
            let test = match present.first().copied() {
                Some("equals") => table
                    .string(diag, "equals", true)
                    .map(|s| AttrTest::Equals(s.into_inner())),
                Some("in") => table
                    .strings(diag, "in", true)
                    .map(|v| AttrTest::In(v.into_iter().map(Spanned::into_inner).collect())),
                _ => table.string(diag, "matches", true).and_then(|pattern| {
                    compile_regex(diag, &table.key_path("matches"), &pattern).map(AttrTest::Matches)
                }),
            };
            let missing_is_no_match = match table.string(diag, "when_missing", false) {
                None => Some(false),
                Some(value) => one_of(
                    diag,
                    &table.key_path("when_missing"),
                    &value,
                    &[("review", false), ("no_match", true)],
                ),
            };
            if let (Some(test), Some(missing_is_no_match)) = (test, missing_is_no_match) {
                out.push(Condition::Leaf(Leaf {
                    key: "attributes",
                    test: Test::Attribute {
                        name: name.get_ref().to_string(),
                        test,
                        missing_is_no_match,
                    },
                    location: diag.source.locate(name.span().start..spec.span().end),
                }));
            }
        }
        out
    }
}

fn party_field(key: &str) -> PartyField {
    match key {
        "consignor" => PartyField::Consignor,
        "consignee" => PartyField::Consignee,
        _ => PartyField::EndUser,
    }
}

/// Reports a currency that is not three letters (an ISO 4217 code); true when it is one.
pub(crate) fn check_currency(
    diag: &mut Diagnostics<'_>,
    table: &Table<'_, '_>,
    unit: &Spanned<String>,
) -> bool {
    let text = unit.get_ref();
    let ok = text.len() == 3 && text.chars().all(|c| c.is_ascii_alphabetic());
    if !ok {
        diag.push(
            RuleErrorKind::InvalidValue {
                key: table.key_path("currency"),
                value: text.clone(),
                reason: "a currency is a three-letter ISO 4217 code".into(),
            },
            unit.span(),
        );
    }
    ok
}

/// Currencies compare upper-case, units lower-case.
pub(crate) fn normalise_unit(field: AmountField, unit: &str) -> String {
    match field {
        AmountField::Value => unit.trim().to_ascii_uppercase(),
        AmountField::Quantity => unit.trim().to_lowercase(),
    }
}

//! Groups files: named lists of countries (`[country_group.EAEU]`), of HS codes
//! (`[hs_group.CHPL_TIER_1]`) and of control-list codes (`[control_group.MUNITIONS]`) that rules
//! name instead of repeating them.
//!
//! A group name has three or more characters `A-Z`, `0-9`, `_`, so it never clashes with a
//! two-letter country code or with digits. Names are unique across both kinds and all files. A
//! group may name other groups of its kind; cycles are errors.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::DeValue;

use super::walk::{Diagnostics, Table, parse_toml, type_name};
use crate::control::ControlCode;
use crate::country::{CountryCode, CountrySet};
use crate::error::{RuleError, RuleErrorKind};
use crate::hs::HsPrefix;
use crate::rule::{Group, GroupMembers};
use crate::source::Source;

/// Groups by name, already expanded: the name, the members, and for a country group its set
/// (shared by every list that names it).
pub(crate) type GroupSets = BTreeMap<String, (Arc<str>, GroupMembers, Option<Arc<CountrySet>>)>;

const TOP_KEYS: &[&str] = &["country_group", "hs_group", "control_group"];
const COUNTRY_GROUP_KEYS: &[&str] = &["title", "members", "sources", "notes"];
const HS_GROUP_KEYS: &[&str] = &["title", "codes", "sources", "notes"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Countries,
    HsCodes,
    ControlCodes,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Countries, Kind::HsCodes, Kind::ControlCodes];

    fn table(self) -> &'static str {
        match self {
            Kind::Countries => "country_group",
            Kind::HsCodes => "hs_group",
            Kind::ControlCodes => "control_group",
        }
    }
    fn list_key(self) -> &'static str {
        match self {
            Kind::Countries => "members",
            Kind::HsCodes | Kind::ControlCodes => "codes",
        }
    }
    /// The kind in words, for errors.
    fn what(self) -> &'static str {
        match self {
            Kind::Countries => "country",
            Kind::HsCodes => "HS code",
            Kind::ControlCodes => "control code",
        }
    }
}

/// A group as written, before nested groups are expanded.
struct RawGroup {
    kind: Kind,
    name: String,
    title: String,
    items: Vec<Spanned<String>>,
    sources: Vec<String>,
    notes: Option<String>,
    file: usize,
    span: Range<usize>,
}

/// Whether a name may name a group.
pub(crate) fn is_group_name(name: &str) -> bool {
    name.len() >= 3
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Reads every groups file and expands nested groups.
pub(crate) fn groups(sources: &[&Source], errors: &mut Vec<RuleError>) -> BTreeMap<String, Group> {
    let mut diags: Vec<Diagnostics<'_>> = sources.iter().map(|s| Diagnostics::new(s)).collect();
    let mut raw: Vec<RawGroup> = Vec::new();
    for (file, diag) in diags.iter_mut().enumerate() {
        read_file(diag, file, &mut raw);
    }

    // Names are unique across kinds and files.
    let mut by_name: BTreeMap<&str, &RawGroup> = BTreeMap::new();
    for group in &raw {
        if let Some(earlier) = by_name.get(group.name.as_str()) {
            let first = sources
                .get(earlier.file)
                .map(|s| s.locate(earlier.span.clone()));
            if let (Some(diag), Some(first)) = (diags.get_mut(group.file), first) {
                diag.push(
                    RuleErrorKind::DuplicateGroup {
                        name: group.name.clone(),
                        first,
                    },
                    group.span.clone(),
                );
            }
        } else {
            by_name.insert(&group.name, group);
        }
    }

    let mut resolved = BTreeMap::new();
    for group in by_name.values() {
        let mut visiting = BTreeSet::new();
        let members = expand(group, &by_name, &mut visiting, &mut diags);
        if let (Some(members), Some(source)) = (members, sources.get(group.file)) {
            resolved.insert(
                group.name.clone(),
                Group {
                    name: group.name.clone(),
                    title: group.title.clone(),
                    members,
                    items: group
                        .items
                        .iter()
                        .map(|i| (i.get_ref().clone(), source.locate(i.span())))
                        .collect(),
                    sources: group.sources.clone(),
                    notes: group.notes.clone(),
                    location: source.locate(group.span.clone()),
                },
            );
        }
    }
    for diag in diags {
        errors.extend(diag.errors);
    }
    resolved
}

fn read_file(diag: &mut Diagnostics<'_>, file: usize, out: &mut Vec<RawGroup>) {
    let Some(doc) = parse_toml(diag, diag.source.text()) else {
        return;
    };
    let top = Table::new("", doc.get_ref(), doc.span(), TOP_KEYS);
    top.finish(
        diag,
        &[("group", "`country_group`, `hs_group` or `control_group`")],
    );
    for kind in Kind::ALL {
        let Some(value) = top.get(kind.table()) else {
            continue;
        };
        let DeValue::Table(entries) = value.get_ref() else {
            diag.push(
                RuleErrorKind::WrongType {
                    key: kind.table().into(),
                    expected: "a table of groups",
                    found: type_name(value.get_ref()),
                },
                value.span(),
            );
            continue;
        };
        for (name, body) in entries.iter() {
            let name_text = name.get_ref().to_string();
            let path = format!("{}.{name_text}", kind.table());
            if !is_group_name(&name_text) {
                diag.push(
                    RuleErrorKind::InvalidValue {
                        key: path.clone(),
                        value: name_text.clone(),
                        reason: "a group name starts with a letter and has three or more \
                                 characters `A-Z`, `0-9`, `_` (two letters are a country code)"
                            .into(),
                    },
                    name.span(),
                );
            }
            let keys = match kind {
                Kind::Countries => COUNTRY_GROUP_KEYS,
                Kind::HsCodes | Kind::ControlCodes => HS_GROUP_KEYS,
            };
            let Some(table) = Table::from_value(diag, path, body, keys) else {
                continue;
            };
            table.finish(diag, &[]);
            let title = table.string(diag, "title", true);
            let items = table.strings(diag, kind.list_key(), true);
            let sources = table.strings(diag, "sources", true);
            let notes = table.string(diag, "notes", false);
            if let (Some(title), Some(items), Some(sources)) = (title, items, sources) {
                out.push(RawGroup {
                    kind,
                    name: name_text,
                    title: title.into_inner(),
                    items,
                    sources: sources.into_iter().map(Spanned::into_inner).collect(),
                    notes: notes.map(Spanned::into_inner),
                    file,
                    span: name.span(),
                });
            }
        }
    }
}

fn expand(
    group: &RawGroup,
    all: &BTreeMap<&str, &RawGroup>,
    visiting: &mut BTreeSet<String>,
    diags: &mut [Diagnostics<'_>],
) -> Option<GroupMembers> {
    if !visiting.insert(group.name.clone()) {
        if let Some(diag) = diags.get_mut(group.file) {
            diag.push(
                RuleErrorKind::GroupCycle {
                    name: group.name.clone(),
                },
                group.span.clone(),
            );
        }
        return None;
    }
    let key = format!(
        "{}.{}.{}",
        group.kind.table(),
        group.name,
        group.kind.list_key()
    );
    let mut countries = CountrySet::new();
    let mut codes: Vec<HsPrefix> = Vec::new();
    let mut controls: Vec<ControlCode> = Vec::new();
    let mut ok = true;
    for item in &group.items {
        let text = item.get_ref();
        if is_group_name(text) {
            match all.get(text.as_str()) {
                Some(inner) if inner.kind == group.kind => {
                    match expand(inner, all, visiting, diags) {
                        Some(GroupMembers::Countries(set)) => countries.union_with(&set),
                        Some(GroupMembers::HsCodes(list)) => codes.extend(list),
                        Some(GroupMembers::ControlCodes(list)) => controls.extend(list),
                        None => ok = false,
                    }
                }
                Some(_) => {
                    ok = false;
                    push(
                        diags,
                        group.file,
                        item,
                        RuleErrorKind::InvalidValue {
                            key: key.clone(),
                            value: text.clone(),
                            reason: format!("`{text}` is not a {} group", group.kind.what()),
                        },
                    );
                }
                None => {
                    ok = false;
                    push(
                        diags,
                        group.file,
                        item,
                        RuleErrorKind::UnknownGroup {
                            key: key.clone(),
                            name: text.clone(),
                            kind: group.kind.what(),
                        },
                    );
                }
            }
            continue;
        }
        match group.kind {
            Kind::Countries => match CountryCode::parse_country(text) {
                Ok(code) => countries.insert(code),
                Err(e) => {
                    ok = false;
                    push(
                        diags,
                        group.file,
                        item,
                        RuleErrorKind::InvalidCountry {
                            key: key.clone(),
                            value: text.clone(),
                            reason: e.to_string(),
                        },
                    );
                }
            },
            Kind::HsCodes => match text.parse::<HsPrefix>() {
                Ok(prefix) => codes.push(prefix),
                Err(e) => {
                    ok = false;
                    push(
                        diags,
                        group.file,
                        item,
                        RuleErrorKind::InvalidHsPrefix {
                            key: key.clone(),
                            value: text.clone(),
                            reason: e.to_string(),
                        },
                    );
                }
            },
            Kind::ControlCodes => match text.parse::<ControlCode>() {
                Ok(code) => controls.push(code),
                Err(e) => {
                    ok = false;
                    push(
                        diags,
                        group.file,
                        item,
                        RuleErrorKind::InvalidValue {
                            key: key.clone(),
                            value: text.clone(),
                            reason: e.to_string(),
                        },
                    );
                }
            },
        }
    }
    visiting.remove(&group.name);
    if !ok {
        return None;
    }
    Some(match group.kind {
        Kind::Countries => GroupMembers::Countries(countries),
        Kind::HsCodes => {
            codes.sort();
            codes.dedup();
            GroupMembers::HsCodes(codes)
        }
        Kind::ControlCodes => {
            controls.sort();
            controls.dedup();
            GroupMembers::ControlCodes(controls)
        }
    })
}

fn push(diags: &mut [Diagnostics<'_>], file: usize, item: &Spanned<String>, kind: RuleErrorKind) {
    if let Some(diag) = diags.get_mut(file) {
        diag.push(kind, item.span());
    }
}

/// Group members by name, as condition lists use them.
pub(crate) fn group_sets(groups: &BTreeMap<String, Group>) -> GroupSets {
    groups
        .iter()
        .map(|(name, g)| {
            let shared = match &g.members {
                GroupMembers::Countries(set) => Some(Arc::new(*set)),
                GroupMembers::HsCodes(_) | GroupMembers::ControlCodes(_) => None,
            };
            (
                name.clone(),
                (Arc::from(name.as_str()), g.members.clone(), shared),
            )
        })
        .collect()
}

//! Party lists of the rule book: a declaration per list (`*.list.toml`: id, title, authority,
//! date, sources, format, data files), and the entries it loads, whatever the list's own format.
//!
//! ```toml
//! [list]
//! id = "un"
//! title = "United Nations Security Council Consolidated List"
//! authority = "United Nations Security Council"
//! date = 2026-02-27
//! sources = ["https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list"]
//! format = "un-xml"
//! files = { file = "un/un-consolidated.xml" }
//! ```
//!
//! Data files are named relative to the declaration's directory, inside the rule book (no
//! absolute paths, no `..`): the loader reads them beside the rule files, so the rule book's
//! digest covers them. An in-house watch list (`format = "watchlist"`) holds its entries in the
//! declaration itself (`[[entry]]` tables), or in a CSV file (`format = "watchlist-csv"`) with
//! the same fields as columns.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::ofac::{self, EntryKind, name_problem};
use super::records::{invalid, records};
use super::{dpl, un};
use crate::country::CountryCode;
use crate::error::{RuleError, RuleErrorKind};
use crate::parse::walk::{Diagnostics, Table, one_of, parse_toml};
use crate::source::{Location, Source};

/// The format of a list's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ListFormat {
    /// OFAC's legacy CSV layout: `files = { primary = ..., aliases = ... }` (SDN or the
    /// consolidated non-SDN list).
    OfacCsv,
    /// The UN Security Council Consolidated List, XML: `files = { file = ... }`.
    UnXml,
    /// BIS's Denied Persons List, tab-separated: `files = { file = ... }`.
    BisDpl,
    /// An in-house watch list, its entries as `[[entry]]` tables in the declaration.
    Watchlist,
    /// An in-house watch list in CSV: `files = { file = ... }`, columns named as the fields of
    /// `[[entry]]` (`id` and `name` required; several aliases or countries separated by `;`).
    WatchlistCsv,
}

/// The formats by name, with the data files each reads (required ones first) and how many of
/// those are required.
const FORMATS: &[(&str, ListFormat, &[&str], usize)] = &[
    ("ofac-csv", ListFormat::OfacCsv, &["primary", "aliases"], 1),
    ("un-xml", ListFormat::UnXml, &["file"], 1),
    ("bis-dpl", ListFormat::BisDpl, &["file"], 1),
    ("watchlist", ListFormat::Watchlist, &[], 0),
    ("watchlist-csv", ListFormat::WatchlistCsv, &["file"], 1),
];

const TOP_KEYS: &[&str] = &["list", "entry"];
const LIST_KEYS: &[&str] = &[
    "id",
    "title",
    "authority",
    "jurisdiction",
    "date",
    "version",
    "sources",
    "format",
    "files",
    "notes",
];
/// The fields of an in-house entry: the keys of `[[entry]]`, the columns of a watch list CSV.
const ENTRY_KEYS: &[&str] = &[
    "id",
    "name",
    "aliases",
    "type",
    "countries",
    "registered_on",
    "owners_countries",
    "notes",
];
const TYPES: &[(&str, EntryKind)] = &[
    ("entity", EntryKind::Entity),
    ("individual", EntryKind::Individual),
    ("vessel", EntryKind::Vessel),
    ("aircraft", EntryKind::Aircraft),
];

/// Most entries one list may hold.
pub const MAX_LIST_ENTRIES: usize = 200_000;

/// One entry of a list, whatever the list's format.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListEntry {
    /// The list's own identifier (OFAC's entity number, the UN DATAID, an in-house id; for the
    /// Denied Persons List, which has none, the line of the entry's first row).
    pub id: String,
    /// The name as the list writes it.
    pub name: String,
    /// Other names as the list writes them (aliases; the UN's names in original script).
    pub aliases: Vec<String>,
    /// What it is, where the list says.
    pub kind: Option<EntryKind>,
    /// The countries the list gives (an address, a nationality, registration).
    pub countries: Vec<CountryCode>,
    /// When the company was registered (in-house lists).
    pub registered_on: Option<NaiveDate>,
    /// The countries of its owners (in-house lists).
    pub owners_countries: Vec<CountryCode>,
    /// Programmes, regimes or notes the list gives.
    pub notes: Option<String>,
}

impl ListEntry {
    /// Its name and aliases, the name first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A party list of the rule book, as declared and loaded.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PartyList {
    /// Its id, which rules name.
    pub id: Arc<str>,
    /// Its title.
    pub title: String,
    /// Who publishes it.
    pub authority: String,
    /// The jurisdiction whose law it carries, if one.
    pub jurisdiction: Option<String>,
    /// The date of the list (its publication or generation date).
    pub date: NaiveDate,
    /// Its version, as verdicts name it: the declared `version`, else the date.
    pub version: Arc<str>,
    /// Where it comes from.
    pub sources: Vec<String>,
    /// The format of its data.
    pub format: ListFormat,
    /// Notes (what it binds, that it is a stand-in, ...).
    pub notes: Option<String>,
    /// The declaration file.
    pub file: Arc<str>,
    /// The entries.
    pub entries: Vec<ListEntry>,
    /// Where its id is written.
    pub(crate) id_location: Location,
}

/// The data files a declaration names, relative to its directory, as written, for the loader;
/// paths that are not allowed are left out (the declaration's reading reports them).
pub(crate) fn data_paths(source: &Source) -> Vec<String> {
    let Ok(doc) = DeTable::parse(source.text()) else {
        return Vec::new();
    };
    let Some(DeValue::Table(list)) = doc.get_ref().get("list").map(Spanned::get_ref) else {
        return Vec::new();
    };
    let Some(DeValue::Table(files)) = list.get("files").map(Spanned::get_ref) else {
        return Vec::new();
    };
    files
        .values()
        .filter_map(|v| match v.get_ref() {
            DeValue::String(s) if path_problem(s).is_none() => Some(s.to_string()),
            _ => None,
        })
        .collect()
}

/// Why a data file's path is not allowed, if it is not.
fn path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        Some("it is empty")
    } else if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        Some("a data file is named relative to the declaration, with `/`")
    } else if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == ".." || part.starts_with('.'))
    {
        Some("a data file lies inside the rule book: no `..`, `.`, hidden or empty parts")
    } else if path.chars().any(char::is_control) {
        Some("it holds a control character")
    } else {
        None
    }
}

/// The key of a data file named `relative` by the declaration `source`.
fn data_key(source: &Source, relative: &str) -> String {
    match source.key().rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{relative}"),
        None => relative.to_owned(),
    }
}

/// Reads a list declaration and the data it names (found by key among `sources`).
pub(crate) fn read(
    source: &Source,
    sources: &[Source],
    errors: &mut Vec<RuleError>,
) -> Option<PartyList> {
    let mut diag = Diagnostics::new(source);
    let list = read_declaration(&mut diag, sources);
    let ok = diag.errors.is_empty();
    errors.extend(diag.errors);
    list.filter(|_| ok)
}

fn read_declaration(diag: &mut Diagnostics<'_>, sources: &[Source]) -> Option<PartyList> {
    let source = diag.source;
    let doc = parse_toml(diag, source.text())?;
    let top = Table::new("", doc.get_ref(), doc.span(), TOP_KEYS);
    top.finish(diag, &[]);
    let Some(meta_value) = top.get("list") else {
        diag.push(
            RuleErrorKind::MissingKey {
                key: "list".into(),
                table: "the top level".into(),
            },
            0..0,
        );
        return None;
    };
    let meta = Table::from_value(diag, "list", meta_value, LIST_KEYS)?;
    meta.finish(diag, &[]);
    let id = meta.id(diag, "id");
    let title = meta.string(diag, "title", true);
    let authority = meta.string(diag, "authority", true);
    let jurisdiction = meta.string(diag, "jurisdiction", false);
    let date = meta.date(diag, "date");
    if date.is_none() && meta.get("date").is_none() {
        diag.push(
            RuleErrorKind::MissingKey {
                key: "date".into(),
                table: "list".into(),
            },
            meta.span.clone(),
        );
    }
    let version = meta.string(diag, "version", false);
    let sources_of_list = meta.strings(diag, "sources", true);
    let notes = meta.string(diag, "notes", false);
    let format = meta.string(diag, "format", true).and_then(|f| {
        let choices: Vec<(&str, usize)> = FORMATS
            .iter()
            .enumerate()
            .map(|(i, (name, ..))| (*name, i))
            .collect();
        one_of(diag, "list.format", &f, &choices)
    });
    let entries_value = top.get("entry");
    let (format, files) = match format.and_then(|i| FORMATS.get(i)) {
        Some(&(name, format, keys, required)) => {
            let files = data_files(diag, &meta, name, keys, required, sources);
            (format, files?)
        }
        None => return None,
    };
    let entries = match format {
        ListFormat::Watchlist => match entries_value {
            Some(value) => inline_entries(diag, value),
            None => {
                diag.push(
                    RuleErrorKind::MissingKey {
                        key: "entry".into(),
                        table: "the top level (a `watchlist` holds `[[entry]]` tables)".into(),
                    },
                    meta.span.clone(),
                );
                None
            }
        },
        _ => {
            if let Some(value) = entries_value {
                diag.push(
                    RuleErrorKind::InvalidValue {
                        key: "entry".into(),
                        value: "[[entry]]".into(),
                        reason:
                            "only a list of format `watchlist` holds its entries in the declaration"
                                .into(),
                    },
                    value.span(),
                );
            }
            let data: Vec<&Source> = files.iter().flatten().copied().collect();
            entries_of(diag, format, &files, &data)
        }
    };
    let entries = entries?;
    if entries.len() > MAX_LIST_ENTRIES {
        diag.push(
            RuleErrorKind::InvalidValue {
                key: "list".into(),
                value: entries.len().to_string(),
                reason: format!("a list holds at most {MAX_LIST_ENTRIES} entries"),
            },
            meta.span.clone(),
        );
        return None;
    }
    let date = date?.into_inner();
    let id = id?;
    Some(PartyList {
        id_location: source.locate(id.span()),
        id: Arc::from(id.into_inner()),
        title: title?.into_inner(),
        authority: authority?.into_inner(),
        jurisdiction: jurisdiction.map(Spanned::into_inner),
        version: Arc::from(version.map_or_else(|| date.to_string(), Spanned::into_inner)),
        date,
        sources: sources_of_list?
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
        format,
        notes: notes.map(Spanned::into_inner),
        file: Arc::from(source.name()),
        entries,
    })
}

/// The data files of `files`, in the order of `keys` (`None` for an optional one not given).
fn data_files<'a>(
    diag: &mut Diagnostics<'_>,
    meta: &Table<'_, '_>,
    format: &str,
    keys: &'static [&'static str],
    required: usize,
    sources: &'a [Source],
) -> Option<Vec<Option<&'a Source>>> {
    let Some(value) = meta.get("files") else {
        if required == 0 {
            return Some(Vec::new());
        }
        diag.push(
            RuleErrorKind::MissingKey {
                key: "files".into(),
                table: format!("list (format `{format}` reads {})", keys.join(", ")),
            },
            meta.span.clone(),
        );
        return None;
    };
    let table = Table::from_value(diag, "list.files", value, keys)?;
    table.finish(diag, &[]);
    let before = diag.errors.len();
    let mut found = Vec::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        let Some(path) = table.string(diag, key, i < required) else {
            found.push(None);
            continue;
        };
        if let Some(reason) = path_problem(path.get_ref()) {
            diag.push(
                RuleErrorKind::InvalidValue {
                    key: table.key_path(key),
                    value: path.get_ref().clone(),
                    reason: reason.into(),
                },
                path.span(),
            );
            continue;
        }
        let wanted = data_key(diag.source, path.get_ref());
        match sources.iter().find(|s| s.key() == wanted) {
            Some(data) => found.push(Some(data)),
            None => diag.push(
                RuleErrorKind::InvalidValue {
                    key: table.key_path(key),
                    value: path.get_ref().clone(),
                    reason: format!("no such data file in the rule book (`{wanted}`)"),
                },
                path.span(),
            ),
        }
    }
    (diag.errors.len() == before).then_some(found)
}

/// The entries of a list read from its data files.
fn entries_of(
    diag: &mut Diagnostics<'_>,
    format: ListFormat,
    files: &[Option<&Source>],
    data: &[&Source],
) -> Option<Vec<ListEntry>> {
    let first = *data.first()?;
    let result = match format {
        ListFormat::OfacCsv => ofac::read(first, files.get(1).copied().flatten()).map(|entries| {
            entries
                .into_iter()
                .map(|e| ListEntry {
                    id: e.id,
                    name: e.name,
                    aliases: e.aliases.into_iter().map(|a| a.name).collect(),
                    kind: Some(e.kind),
                    countries: Vec::new(),
                    registered_on: None,
                    owners_countries: Vec::new(),
                    notes: (!e.programs.is_empty()).then(|| e.programs.join(", ")),
                })
                .collect()
        }),
        ListFormat::UnXml => un::read(first).map(|list| {
            list.entries
                .into_iter()
                .map(|e| ListEntry {
                    id: e.id,
                    name: e.name,
                    aliases: e
                        .aliases
                        .into_iter()
                        .map(|a| a.name)
                        .chain(e.original_script)
                        .collect(),
                    kind: Some(e.kind),
                    countries: Vec::new(),
                    registered_on: None,
                    owners_countries: Vec::new(),
                    notes: e.reference.or(e.regime),
                })
                .collect()
        }),
        ListFormat::BisDpl => dpl::read(first).map(|entries| {
            entries
                .into_iter()
                .map(|e| ListEntry {
                    id: e.id,
                    name: e.name,
                    aliases: Vec::new(),
                    kind: None,
                    countries: e.country.into_iter().collect(),
                    registered_on: None,
                    owners_countries: Vec::new(),
                    notes: e.citation,
                })
                .collect()
        }),
        ListFormat::WatchlistCsv => csv_entries(first),
        ListFormat::Watchlist => Ok(Vec::new()),
    };
    match result {
        Ok(entries) => Some(entries),
        Err(errors) => {
            diag.errors.extend(errors);
            None
        }
    }
}

/// The `[[entry]]` tables of a watch list.
fn inline_entries(
    diag: &mut Diagnostics<'_>,
    value: &Spanned<DeValue<'_>>,
) -> Option<Vec<ListEntry>> {
    let DeValue::Array(items) = value.get_ref() else {
        diag.push(
            RuleErrorKind::WrongType {
                key: "entry".into(),
                expected: "an array of tables (`[[entry]]`)",
                found: crate::parse::walk::type_name(value.get_ref()),
            },
            value.span(),
        );
        return None;
    };
    let before = diag.errors.len();
    let mut ids = HashSet::new();
    let mut entries = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(table) = Table::from_value(diag, format!("entry[{i}]"), item, ENTRY_KEYS) else {
            continue;
        };
        table.finish(diag, &[]);
        let id = table.id(diag, "id");
        let name = table.string(diag, "name", true);
        let aliases = table.strings(diag, "aliases", false).unwrap_or_default();
        for (key, text) in name.iter().chain(&aliases).map(|n| ("name", n)) {
            if let Some(reason) = name_problem(text.get_ref()) {
                diag.push(
                    RuleErrorKind::InvalidValue {
                        key: table.key_path(key),
                        value: text.get_ref().chars().take(80).collect(),
                        reason: reason.into(),
                    },
                    text.span(),
                );
            }
        }
        let kind = table
            .string(diag, "type", false)
            .and_then(|t| one_of(diag, &table.key_path("type"), &t, TYPES));
        let owners = country_codes(diag, &table, "owners_countries");
        let countries = country_codes(diag, &table, "countries");
        let registered_on = table.date(diag, "registered_on").map(Spanned::into_inner);
        let notes = table.string(diag, "notes", false).map(Spanned::into_inner);
        let (Some(id), Some(name)) = (id, name) else {
            continue;
        };
        if !ids.insert(id.get_ref().clone()) {
            diag.push(
                RuleErrorKind::InvalidValue {
                    key: table.key_path("id"),
                    value: id.get_ref().clone(),
                    reason: "another entry of the list has this id".into(),
                },
                id.span(),
            );
        }
        entries.push(ListEntry {
            id: id.into_inner(),
            name: name.into_inner(),
            aliases: aliases.into_iter().map(Spanned::into_inner).collect(),
            kind,
            countries,
            registered_on,
            owners_countries: owners,
            notes,
        });
    }
    (diag.errors.len() == before).then_some(entries)
}

/// A list of country codes at `key`.
fn country_codes(diag: &mut Diagnostics<'_>, table: &Table<'_, '_>, key: &str) -> Vec<CountryCode> {
    let mut out = Vec::new();
    for code in table.strings(diag, key, false).unwrap_or_default() {
        match code.get_ref().parse::<CountryCode>() {
            Ok(c) => out.push(c),
            Err(e) => diag.push(
                RuleErrorKind::InvalidCountry {
                    key: table.key_path(key),
                    value: code.get_ref().clone(),
                    reason: e.to_string(),
                },
                code.span(),
            ),
        }
    }
    out
}

/// A watch list in CSV: a header naming [`ENTRY_KEYS`] columns (`id` and `name` required),
/// then one entry per record.
fn csv_entries(source: &Source) -> Result<Vec<ListEntry>, Vec<RuleError>> {
    let mut errors = Vec::new();
    let mut rows = records(source.text(), b',').into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(vec![invalid(source, 0, "header", "", "the file is empty")]);
    };
    let header: Vec<String> = header
        .into_iter()
        .map(|h| h.unwrap_or_default().trim().to_owned())
        .collect();
    let mut seen = HashSet::new();
    for name in &header {
        if !ENTRY_KEYS.contains(&name.as_str()) {
            errors.push(invalid(
                source,
                0,
                "header",
                name,
                &format!("unknown column; the columns are {}", ENTRY_KEYS.join(", ")),
            ));
        } else if !seen.insert(name.as_str()) {
            errors.push(invalid(
                source,
                0,
                "header",
                name,
                "the column is named twice",
            ));
        }
    }
    for required in ["id", "name"] {
        if !seen.contains(required) {
            errors.push(invalid(
                source,
                0,
                "header",
                required,
                "a required column is missing",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    let mut ids = HashSet::new();
    let mut entries = Vec::new();
    for (at, fields) in rows {
        if fields.iter().all(Option::is_none) {
            continue;
        }
        if fields.len() != header.len() {
            errors.push(invalid(
                source,
                at,
                "record",
                &fields.len().to_string(),
                &format!("the header has {} columns", header.len()),
            ));
            continue;
        }
        let field = |name: &str| -> Option<&str> {
            column(name)
                .and_then(|i| fields.get(i))
                .and_then(Option::as_deref)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let many = |name: &str| -> Vec<&str> {
            field(name)
                .map(|v| {
                    v.split(';')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut problems: Vec<(&str, String, String)> = Vec::new();
        let (Some(id), Some(name)) = (field("id"), field("name")) else {
            errors.push(invalid(
                source,
                at,
                "id",
                "",
                "an entry needs an id and a name",
            ));
            continue;
        };
        if !ids.insert(id.to_owned()) {
            problems.push((
                "id",
                id.into(),
                "another entry of the list has this id".into(),
            ));
        }
        let aliases = many("aliases");
        for n in std::iter::once(name).chain(aliases.iter().copied()) {
            if let Some(reason) = name_problem(n) {
                problems.push(("name", n.into(), reason.into()));
            }
        }
        let kind = field("type").and_then(|t| {
            let kind = TYPES.iter().find(|(n, _)| *n == t).map(|(_, k)| *k);
            if kind.is_none() {
                problems.push((
                    "type",
                    t.into(),
                    "expected entity, individual, vessel or aircraft".into(),
                ));
            }
            kind
        });
        let mut codes = |key: &'static str| -> Vec<CountryCode> {
            many(key)
                .into_iter()
                .filter_map(|c| match c.parse::<CountryCode>() {
                    Ok(code) => Some(code),
                    Err(e) => {
                        problems.push((key, c.into(), e.to_string()));
                        None
                    }
                })
                .collect()
        };
        let countries = codes("countries");
        let owners_countries = codes("owners_countries");
        let registered_on = field("registered_on").and_then(|d| {
            let date = NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
            if date.is_none() {
                problems.push((
                    "registered_on",
                    d.into(),
                    "expected a date YYYY-MM-DD".into(),
                ));
            }
            date
        });
        for (key, value, reason) in problems {
            errors.push(invalid(source, at, key, &value, &reason));
        }
        entries.push(ListEntry {
            id: id.to_owned(),
            name: name.to_owned(),
            aliases: aliases.into_iter().map(str::to_owned).collect(),
            kind,
            countries,
            registered_on,
            owners_countries,
            notes: field("notes").map(str::to_owned),
        });
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(declaration: &str, data: &[(&str, &str)]) -> Result<PartyList, Vec<RuleError>> {
        let mut sources = vec![Source::new("lists/l.list.toml", declaration)];
        sources.extend(data.iter().map(|(n, t)| Source::data(*n, *t)));
        let mut errors = Vec::new();
        let list = read(&sources[0], &sources, &mut errors);
        match list {
            Some(l) if errors.is_empty() => Ok(l),
            _ => Err(errors),
        }
    }

    const HEAD: &str = r#"
[list]
id = "in-house"
title = "In-house"
authority = "Compliance"
date = 2026-11-30
sources = ["internal"]
"#;

    #[test]
    fn an_inline_watch_list_reads_every_field() {
        let text = format!(
            "{HEAD}format = \"watchlist\"\n[[entry]]\nid = \"W-1\"\nname = \"Alpha LLP\"\naliases = [\"Альфа ТОО\"]\ntype = \"entity\"\ncountries = [\"KZ\"]\nregistered_on = 2023-03-01\nowners_countries = [\"RU\"]\n"
        );
        let list = load(&text, &[]).unwrap();
        assert_eq!(&*list.version, "2026-11-30");
        let e = &list.entries[0];
        assert_eq!(e.names().collect::<Vec<_>>(), ["Alpha LLP", "Альфа ТОО"]);
        assert_eq!(e.registered_on, "2023-03-01".parse().ok());
        assert_eq!(
            e.owners_countries,
            vec!["RU".parse::<CountryCode>().unwrap()]
        );
        assert_eq!(e.kind, Some(EntryKind::Entity));
    }

    #[test]
    fn a_mistyped_key_a_bad_country_and_a_duplicate_id_are_located() {
        let text = format!(
            "{HEAD}format = \"watchlist\"\n[[entry]]\nid = \"W-1\"\nname = \"A\"\nowner_countries = [\"RU\"]\n[[entry]]\nid = \"W-1\"\nname = \"B\"\ncountries = [\"XX\"]\n"
        );
        let errors = load(&text, &[]).unwrap_err();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            shown
                .iter()
                .any(|e| e.contains("owner_countries") && e.contains(":12:")),
            "{shown:?}"
        );
        assert!(shown.iter().any(|e| e.contains("XX")), "{shown:?}");
        assert!(
            shown.iter().any(|e| e.contains("another entry")),
            "{shown:?}"
        );
    }

    #[test]
    fn data_files_stay_inside_the_book_and_must_exist() {
        for (path, expected) in [
            ("../etc/passwd", "inside the rule book"),
            ("/etc/passwd", "relative"),
            ("missing.csv", "no such data file"),
        ] {
            let text = format!("{HEAD}format = \"bis-dpl\"\nfiles = {{ file = \"{path}\" }}\n");
            let errors = load(&text, &[]).unwrap_err();
            assert!(
                errors[0].to_string().contains(expected),
                "{path}: {}",
                errors[0]
            );
        }
        let text = format!("{HEAD}format = \"watchlist-csv\"\nfiles = {{ file = \"w.csv\" }}\n");
        let list = load(
            &text,
            &[("lists/w.csv", "id,name,aliases\nW-1,Alpha,A1;A2\n")],
        )
        .unwrap();
        assert_eq!(list.entries[0].aliases, ["A1", "A2"]);
    }

    #[test]
    fn a_watch_list_csv_refuses_unknown_and_twice_named_columns() {
        let text = format!("{HEAD}format = \"watchlist-csv\"\nfiles = {{ file = \"w.csv\" }}\n");
        for (csv, expected) in [
            ("id,name,owner\nW-1,A,RU\n", "unknown column"),
            ("id,name,name\nW-1,A,B\n", "named twice"),
            ("id,aliases\nW-1,A\n", "required column"),
            ("id,name,countries\nW-1,A,XX\n", "XX"),
            ("id,name\nW-1,A\nW-1,B\n", "another entry"),
            ("id,name\nW-1,A\u{7}B\n", "control character"),
        ] {
            let errors = load(&text, &[("lists/w.csv", csv)]).unwrap_err();
            assert!(
                errors.iter().any(|e| e.to_string().contains(expected)),
                "{csv:?}: {errors:?}"
            );
        }
    }

    #[test]
    fn a_format_that_reads_files_needs_them_and_only_a_watchlist_holds_entries() {
        let text = format!("{HEAD}format = \"un-xml\"\n");
        assert!(
            load(&text, &[]).unwrap_err()[0]
                .to_string()
                .contains("files")
        );
        let text = format!("{HEAD}format = \"un-xm\"\n");
        assert!(
            load(&text, &[]).unwrap_err()[0]
                .to_string()
                .contains("un-xml")
        );
        let text = format!(
            "{HEAD}format = \"watchlist-csv\"\nfiles = {{ file = \"w.csv\" }}\n[[entry]]\nid = \"x\"\nname = \"y\"\n"
        );
        let errors = load(&text, &[("lists/w.csv", "id,name\n")]).unwrap_err();
        assert!(errors[0].to_string().contains("only a list of format"));
    }
}

//! The licence register: licences as records (issued by an authority to a holder, valid between
//! two dates, for given goods, destinations and parties, up to a quantity or a value), read from
//! TOML (`*.licences.toml`) or CSV (`*.licences.csv`) with every key checked and every problem
//! located.
//!
//! Both forms have the same fields: the keys of a `[[licence]]` table are the columns of the CSV.
//!
//! ```toml
//! [register]
//! title = "Licences of Steppe Electronics LLP"
//!
//! [[licence]]
//! id = "KZ-DU-2023-000117"
//! authority = "Ministry of Trade and Integration of the Republic of Kazakhstan"
//! jurisdiction = "KZ"
//! type = "individual"
//! holder = "Steppe Electronics LLP"
//! valid_from = 2023-01-01
//! valid_until = 2023-06-30
//! hs = ["854231"]
//! destinations = ["AM"]
//! consignee = "Yerevan Electronics CJSC"
//! quantity = 500
//! unit = "pcs"
//! ```
//!
//! In CSV, fields that hold several values (`hs`, `control_codes`, `destinations`) separate
//! them with `;`.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::DeValue;

use crate::control::ControlCode;
use crate::country::CountryCode;
use crate::error::{LoadError, RuleError, RuleErrorKind, RuleErrors};
use crate::hs::HsPrefix;
use crate::parse::walk::{Diagnostics, Table, closest, parse_toml, type_name};
use crate::parties::ofac::name_problem;
use crate::parties::{Normalised, normalise};
use crate::source::{Location, Source};
use crate::verdict::because::LicenceKind;

/// Most licences one register file may hold.
pub const MAX_LICENCES: usize = 100_000;

const KINDS: &[(&str, LicenceKind)] = &[
    ("individual", LicenceKind::Individual),
    ("general", LicenceKind::General),
    ("global", LicenceKind::Global),
];

/// A quantity (in a unit) or a value (in a currency) a licence allows in all.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Limit {
    /// The amount, more than zero.
    pub amount: Decimal,
    /// The unit (lower case) or currency (upper case).
    pub unit: Arc<str>,
}

/// One licence of a register.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Licence {
    /// Its number, as records carry it.
    pub id: String,
    /// Who issued it.
    pub authority: String,
    /// The country (or `EU`) whose law it was issued under.
    pub jurisdiction: CountryCode,
    /// Individual, general or global.
    pub kind: LicenceKind,
    /// Who holds it (the exporter, the record's consignor); none for a general licence.
    pub holder: Option<String>,
    /// The first day it may be used.
    pub valid_from: NaiveDate,
    /// The last day it may be used.
    pub valid_until: NaiveDate,
    /// The HS codes it covers (prefixes); empty when only control-list codes are named.
    pub hs: Vec<HsPrefix>,
    /// The control-list entries it covers; empty when only HS codes are named.
    pub control_codes: Vec<ControlCode>,
    /// The countries the goods may go to.
    pub destinations: Vec<CountryCode>,
    /// The consignee it names, if any: records must name the same.
    pub consignee: Option<String>,
    /// The end user it names, if any: records must name the same.
    pub end_user: Option<String>,
    /// The quantity it allows in all, if limited.
    pub quantity: Option<Limit>,
    /// The value it allows in all, if limited.
    pub value: Option<Limit>,
    /// Conditions and remarks, in words.
    pub notes: Option<String>,
    /// Where its `id` is written.
    pub location: Location,
    pub(crate) names: Names,
}

/// The names of a licence as parties are compared (see [`crate::parties::normalise`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Names {
    pub holder: Option<Normalised>,
    pub consignee: Option<Normalised>,
    pub end_user: Option<Normalised>,
}

/// Licences by id, from register files (and, for a rule book, the registers it declares).
///
/// ```
/// use export_control::Source;
/// use export_control::licences::Register;
/// let csv = "id,authority,jurisdiction,type,holder,valid_from,valid_until,hs,destinations,quantity,unit\n\
///            KZ-DU-2023-000117,Ministry of Trade and Integration,KZ,individual,Steppe Electronics LLP,2023-01-01,2023-06-30,854231,AM,500,pcs\n";
/// let register = Register::from_source(&Source::new("mine.licences.csv", csv))?;
/// let licence = register.get("KZ-DU-2023-000117").unwrap();
/// assert_eq!(licence.quantity.as_ref().unwrap().amount, 500.into());
/// # Ok::<(), export_control::LoadError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Register {
    licences: Vec<Licence>,
    by_id: HashMap<String, usize>,
    /// The files the licences come from (for locating a duplicate across files).
    sources: Vec<Source>,
}

impl Register {
    /// An empty register: no licence meets any requirement.
    pub fn new() -> Register {
        Register::default()
    }

    /// Reads one register file: CSV if its name ends in `.licences.csv` (or `.csv`), TOML
    /// otherwise.
    pub fn from_source(source: &Source) -> Result<Register, LoadError> {
        let mut errors = Vec::new();
        let licences = read(source, &mut errors);
        let mut register = Register::new();
        if let Some(licences) = licences
            && errors.is_empty()
        {
            register.add(source, licences, &mut errors);
        }
        if errors.is_empty() {
            Ok(register)
        } else {
            Err(LoadError::Invalid(RuleErrors::new(errors)))
        }
    }

    /// Reads a register file from disk, as rule files are read (a regular file, bounded).
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Register, LoadError> {
        let source = crate::load::file(path.as_ref())?;
        Register::from_source(&source)
    }

    /// [`Register::load`] of a copy: the file at `path` is a copy of the register file `shown`
    /// (shipped to a cluster's executors, say, under another name), and its errors,
    /// explanations and digest are those of `shown`.
    ///
    /// ```
    /// use export_control::licences::Register;
    /// let original = "examples/data/kz-sample.licences.toml";
    /// let copy = std::env::temp_dir().join("export-control-doc-copy-7f3a.licences.toml");
    /// std::fs::copy(original, &copy)?;
    /// let register = Register::load_as(&copy, original)?;
    /// assert_eq!(register.digest(), Register::load(original)?.digest());
    /// assert_ne!(register.digest(), Register::load(&copy)?.digest());
    /// # std::fs::remove_file(&copy)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_as(
        path: impl AsRef<std::path::Path>,
        shown: impl AsRef<std::path::Path>,
    ) -> Result<Register, LoadError> {
        let copy = crate::load::file(path.as_ref())?;
        let shown = shown.as_ref();
        let key = shown
            .file_name()
            .map_or_else(|| shown.to_string_lossy(), |name| name.to_string_lossy());
        let source = Source::with_key(&shown.to_string_lossy(), &key, copy.text().to_owned());
        Register::from_source(&source)
    }

    /// Adds another register's licences; a licence id already held is an error, located at
    /// the second licence.
    pub fn merge(&mut self, other: Register) -> Result<(), LoadError> {
        let mut errors = Vec::new();
        for source in &other.sources {
            let licences: Vec<Licence> = other
                .licences
                .iter()
                .filter(|l| l.location.file() == source.name())
                .cloned()
                .collect();
            self.add(source, licences, &mut errors);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(LoadError::Invalid(RuleErrors::new(errors)))
        }
    }

    pub(crate) fn add(
        &mut self,
        source: &Source,
        licences: Vec<Licence>,
        errors: &mut Vec<RuleError>,
    ) {
        if !self.sources.iter().any(|s| s.name() == source.name()) {
            self.sources.push(source.clone());
        }
        for licence in licences {
            if let Some(&first) = self.by_id.get(&licence.id) {
                let at = self
                    .licences
                    .get(first)
                    .map(|l| l.location.to_string())
                    .unwrap_or_default();
                errors.push(RuleError::new(
                    RuleErrorKind::InvalidValue {
                        key: "licence.id".into(),
                        value: licence.id.clone(),
                        reason: format!("another licence has this id (first at {at})"),
                    },
                    licence.location.clone(),
                    source.shared_text(),
                ));
                continue;
            }
            self.by_id.insert(licence.id.clone(), self.licences.len());
            self.licences.push(licence);
        }
    }

    /// The SHA-256 digest of the register's files, as a rule book's digest is made: what an
    /// audit records of a register given beside the rules.
    pub fn digest(&self) -> crate::source::Digest {
        crate::source::Digest::of(&self.sources)
    }

    /// A licence by id.
    pub fn get(&self, id: &str) -> Option<&Licence> {
        self.by_id.get(id).and_then(|&i| self.licences.get(i))
    }

    /// A licence's number in the register, by id.
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Every licence, in the order the files give them.
    pub fn licences(&self) -> &[Licence] {
        &self.licences
    }

    /// How many licences it holds.
    pub fn len(&self) -> usize {
        self.licences.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.licences.is_empty()
    }
}

/// The fields of a licence: the keys of `[[licence]]`, the columns of a register CSV.
pub(crate) const FIELDS: &[&str] = &[
    "id",
    "authority",
    "jurisdiction",
    "type",
    "holder",
    "valid_from",
    "valid_until",
    "hs",
    "control_codes",
    "destinations",
    "consignee",
    "end_user",
    "quantity",
    "unit",
    "value",
    "currency",
    "notes",
];
/// The fields that hold several values.
const MANY: &[&str] = &["hs", "control_codes", "destinations"];
const TOP_KEYS: &[&str] = &["register", "licence"];
const REGISTER_KEYS: &[&str] = &["title", "notes", "sources"];

/// One field's text as a file gives it, with where it is.
struct Raw {
    values: Vec<String>,
    span: Range<usize>,
}

/// The licences of one register file; problems go to `errors`.
pub(crate) fn read(source: &Source, errors: &mut Vec<RuleError>) -> Option<Vec<Licence>> {
    let mut diag = Diagnostics::new(source);
    // `.licences.csv`, or any other `.csv`.
    let licences = if source.name().ends_with(".csv") {
        read_csv(&mut diag)
    } else {
        read_toml(&mut diag)
    };
    let ok = diag.errors.is_empty();
    errors.extend(diag.errors);
    licences.filter(|_| ok)
}

fn read_toml(diag: &mut Diagnostics<'_>) -> Option<Vec<Licence>> {
    let source = diag.source;
    let doc = parse_toml(diag, source.text())?;
    let top = Table::new("", doc.get_ref(), doc.span(), TOP_KEYS);
    top.finish(diag, &[]);
    if let Some(value) = top.get("register")
        && let Some(meta) = Table::from_value(diag, "register", value, REGISTER_KEYS)
    {
        meta.finish(diag, &[]);
        meta.string(diag, "title", false);
        meta.string(diag, "notes", false);
        meta.strings(diag, "sources", false);
    }
    let Some(value) = top.get("licence") else {
        diag.push(
            RuleErrorKind::MissingKey {
                key: "licence".into(),
                table: "the top level (a register holds `[[licence]]` tables)".into(),
            },
            0..0,
        );
        return None;
    };
    licence_tables(diag, value)
}

/// The register a tests file gives its cases (its `[[licence]]` tables), if it has one.
#[cfg(feature = "authoring")]
pub(crate) fn of_tests_file(source: &Source, errors: &mut Vec<RuleError>) -> Option<Register> {
    let mut diag = Diagnostics::new(source);
    let doc = parse_toml(&mut diag, source.text())?;
    let top = Table::new("", doc.get_ref(), doc.span(), TOP_KEYS);
    let value = top.get("licence")?;
    let licences = licence_tables(&mut diag, value);
    let mut register = Register::new();
    if diag.errors.is_empty() {
        register.add(source, licences.unwrap_or_default(), &mut diag.errors);
    }
    let ok = diag.errors.is_empty();
    errors.extend(diag.errors);
    ok.then_some(register)
}

/// The licences of `[[licence]]` tables (a register file's, or a tests file's own register).
pub(crate) fn licence_tables(
    diag: &mut Diagnostics<'_>,
    value: &Spanned<DeValue<'_>>,
) -> Option<Vec<Licence>> {
    let DeValue::Array(items) = value.get_ref() else {
        diag.push(
            RuleErrorKind::WrongType {
                key: "licence".into(),
                expected: "an array of tables (`[[licence]]`)",
                found: type_name(value.get_ref()),
            },
            value.span(),
        );
        return None;
    };
    if items.len() > MAX_LICENCES {
        diag.push(too_many(items.len()), value.span());
        return None;
    }
    let mut licences = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("licence[{i}]");
        let Some(table) = Table::from_value(diag, path.clone(), item, FIELDS) else {
            continue;
        };
        table.finish(diag, &[]);
        let mut fields: HashMap<&str, Raw> = HashMap::new();
        for (key, _, value) in table.keys() {
            if let Some(&known) = FIELDS.iter().find(|f| **f == key)
                && let Some(raw) = toml_raw(diag, &table.key_path(key), value, MANY.contains(&key))
            {
                fields.insert(known, raw);
            }
        }
        if let Some(licence) = build(diag, &path, &fields, table.span.clone()) {
            licences.push(licence);
        }
    }
    Some(licences)
}

fn too_many(n: usize) -> RuleErrorKind {
    RuleErrorKind::InvalidValue {
        key: "licence".into(),
        value: n.to_string(),
        reason: format!("a register file holds at most {MAX_LICENCES} licences"),
    }
}

/// A TOML value as text: a string, a date or a number; for a field of several values, also
/// an array of them.
fn toml_raw(
    diag: &mut Diagnostics<'_>,
    key: &str,
    value: &Spanned<DeValue<'_>>,
    many: bool,
) -> Option<Raw> {
    let one = |v: &DeValue<'_>| -> Option<String> {
        match v {
            DeValue::String(s) => Some(s.trim().to_owned()),
            DeValue::Integer(i) => Some(i.as_str().replace('_', "")),
            DeValue::Float(f) => Some(f.as_str().replace('_', "")),
            DeValue::Datetime(d) => Some(d.to_string()),
            _ => None,
        }
    };
    let values = match value.get_ref() {
        DeValue::Array(items) if many => items
            .iter()
            .map(|item| one(item.get_ref()))
            .collect::<Option<Vec<String>>>(),
        other => one(other).map(|v| vec![v]),
    };
    if values
        .as_ref()
        .is_some_and(|v| v.is_empty() || v.iter().any(String::is_empty))
    {
        diag.push(
            RuleErrorKind::InvalidValue {
                key: key.to_owned(),
                value: String::new(),
                reason: "it is empty".into(),
            },
            value.span(),
        );
        return None;
    }
    match values {
        Some(values) => Some(Raw {
            values,
            span: value.span(),
        }),
        None => {
            diag.push(
                RuleErrorKind::WrongType {
                    key: key.to_owned(),
                    expected: if many {
                        "a string or an array of strings"
                    } else {
                        "a string, a date or a number"
                    },
                    found: type_name(value.get_ref()),
                },
                value.span(),
            );
            None
        }
    }
}

fn read_csv(diag: &mut Diagnostics<'_>) -> Option<Vec<Licence>> {
    let source = diag.source;
    let mut rows = crate::parties::records(source.text(), b',').into_iter();
    let Some((_, header)) = rows.next() else {
        diag.push(
            RuleErrorKind::InvalidValue {
                key: "header".into(),
                value: String::new(),
                reason: "the file is empty".into(),
            },
            0..0,
        );
        return None;
    };
    let header: Vec<String> = header.into_iter().map(Option::unwrap_or_default).collect();
    let mut seen: Vec<&str> = Vec::new();
    for name in &header {
        match FIELDS.iter().find(|f| **f == name) {
            Some(known) if seen.contains(known) => diag.push(
                RuleErrorKind::InvalidValue {
                    key: "header".into(),
                    value: name.clone(),
                    reason: "the column is named twice".into(),
                },
                0..0,
            ),
            Some(known) => seen.push(known),
            None => diag.push_with_help(
                RuleErrorKind::UnknownKey {
                    key: name.chars().take(80).collect(),
                    table: "header".into(),
                },
                0..0,
                Some(match closest(name, FIELDS.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the columns are {}", FIELDS.join(", ")),
                }),
            ),
        }
    }
    if !diag.errors.is_empty() {
        return None;
    }
    let mut licences = Vec::new();
    for (n, (at, row)) in rows.enumerate() {
        if n >= MAX_LICENCES {
            diag.push(too_many(n + 1), at..at);
            return None;
        }
        let span = at..at;
        if row.len() != header.len() {
            diag.push(
                RuleErrorKind::InvalidValue {
                    key: "record".into(),
                    value: row.len().to_string(),
                    reason: format!("the header has {} columns", header.len()),
                },
                span,
            );
            continue;
        }
        let mut fields: HashMap<&str, Raw> = HashMap::new();
        for (name, value) in seen.iter().zip(row) {
            let Some(value) = value else { continue };
            let values = if MANY.contains(name) {
                value
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            } else {
                vec![value]
            };
            fields.insert(
                name,
                Raw {
                    values,
                    span: span.clone(),
                },
            );
        }
        let path = format!("licence (line {})", source.locate(span.clone()).line());
        if let Some(licence) = build(diag, &path, &fields, span) {
            licences.push(licence);
        }
    }
    Some(licences)
}

/// A licence from its fields, every one checked; `None` (with the problems in `diag`) if any
/// is wrong or missing.
fn build(
    diag: &mut Diagnostics<'_>,
    path: &str,
    fields: &HashMap<&str, Raw>,
    span: Range<usize>,
) -> Option<Licence> {
    let before = diag.errors.len();
    let key_path = |key: &str| format!("{path}.{key}");
    let invalid =
        |diag: &mut Diagnostics<'_>, key: &str, value: &str, reason: String, at: &Range<usize>| {
            diag.push(
                RuleErrorKind::InvalidValue {
                    key: key_path(key),
                    value: value.chars().take(80).collect(),
                    reason,
                },
                at.clone(),
            );
        };
    let one = |key: &str| -> Option<(&str, &Range<usize>)> {
        let raw = fields.get(key)?;
        Some((raw.values.first()?.as_str(), &raw.span))
    };
    let required = |diag: &mut Diagnostics<'_>, key: &str| -> Option<(&str, &Range<usize>)> {
        let found = one(key).filter(|(v, _)| !v.is_empty());
        if found.is_none() {
            diag.push(
                RuleErrorKind::MissingKey {
                    key: key.to_owned(),
                    table: path.to_owned(),
                },
                fields.get(key).map_or(span.clone(), |r| r.span.clone()),
            );
        }
        found
    };
    // Control characters would reach reports and terminals: none in any value, but line breaks
    // and tabs in the notes.
    let mut keys: Vec<&str> = fields.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let Some(raw) = fields.get(key) else { continue };
        let allowed = |c: char| key == "notes" && matches!(c, '\n' | '\t');
        if let Some(c) = raw
            .values
            .iter()
            .flat_map(|v| v.chars())
            .find(|c| c.is_control() && !allowed(*c))
        {
            let value = raw.values.join(";").escape_default().to_string();
            let reason = format!("holds the control character U+{:04X}", u32::from(c));
            invalid(diag, key, &value, reason, &raw.span);
        }
    }
    let id = required(diag, "id").map(|(v, at)| (v.to_owned(), at.clone()));
    if let Some((id, at)) = &id
        && let Some(reason) = id_problem(id)
    {
        invalid(diag, "id", &id.escape_default().to_string(), reason, at);
    }
    let authority = required(diag, "authority").map(|(v, _)| v.to_owned());
    let jurisdiction =
        required(diag, "jurisdiction").and_then(|(v, at)| match v.parse::<CountryCode>() {
            Ok(c) => Some(c),
            Err(e) => {
                invalid(diag, "jurisdiction", v, e.to_string(), at);
                None
            }
        });
    let kind = required(diag, "type").and_then(|(v, at)| {
        let kind = KINDS.iter().find(|(n, _)| *n == v).map(|(_, k)| *k);
        if kind.is_none() {
            invalid(
                diag,
                "type",
                v,
                "expected one of `individual`, `general`, `global`".into(),
                at,
            );
        }
        kind
    });
    let name = |diag: &mut Diagnostics<'_>, key: &str| -> Option<String> {
        let (v, at) = one(key).filter(|(v, _)| !v.is_empty())?;
        if let Some(reason) = name_problem(v) {
            invalid(diag, key, v, reason.into(), at);
            return None;
        }
        Some(v.to_owned())
    };
    let holder = name(diag, "holder");
    let consignee = name(diag, "consignee");
    let end_user = name(diag, "end_user");
    match (kind, &holder) {
        (Some(LicenceKind::General), Some(h)) => invalid(
            diag,
            "holder",
            h,
            "a general licence has no holder: every exporter who meets its conditions may use it"
                .into(),
            &fields
                .get("holder")
                .map_or(span.clone(), |r| r.span.clone()),
        ),
        (Some(LicenceKind::Individual | LicenceKind::Global), None) => diag.push(
            RuleErrorKind::MissingKey {
                key: "holder".into(),
                table: format!("{path} (an individual or global licence names its holder)"),
            },
            span.clone(),
        ),
        _ => {}
    }
    let date = |diag: &mut Diagnostics<'_>, key: &str| -> Option<(NaiveDate, Range<usize>)> {
        let (v, at) = required(diag, key)?;
        match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => Some((d, at.clone())),
            Err(_) => {
                invalid(diag, key, v, "expected a date YYYY-MM-DD".into(), at);
                None
            }
        }
    };
    let valid_from = date(diag, "valid_from");
    let valid_until = date(diag, "valid_until");
    if let (Some((from, _)), Some((until, at))) = (&valid_from, &valid_until)
        && until < from
    {
        invalid(
            diag,
            "valid_until",
            &until.to_string(),
            format!("it is before `valid_from` ({from}): the licence would never be valid"),
            at,
        );
    }
    let many = |key: &str| -> Vec<(String, Range<usize>)> {
        fields
            .get(key)
            .map(|raw| {
                raw.values
                    .iter()
                    .filter(|v| !v.is_empty())
                    .map(|v| (v.clone(), raw.span.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut hs = Vec::new();
    for (v, at) in many("hs") {
        match v.parse::<HsPrefix>() {
            Ok(p) => hs.push(p),
            Err(e) => diag.push(
                RuleErrorKind::InvalidHsPrefix {
                    key: key_path("hs"),
                    value: v.clone(),
                    reason: e.to_string(),
                },
                at,
            ),
        }
    }
    let mut control_codes = Vec::new();
    for (v, at) in many("control_codes") {
        match v.parse::<ControlCode>() {
            Ok(c) => control_codes.push(c),
            Err(e) => invalid(diag, "control_codes", &v, e.to_string(), &at),
        }
    }
    if hs.is_empty()
        && control_codes.is_empty()
        && !fields.contains_key("hs")
        && !fields.contains_key("control_codes")
    {
        diag.push(
            RuleErrorKind::MissingKey {
                key: "hs".into(),
                table: format!("{path} (a licence names its goods: `hs`, `control_codes` or both)"),
            },
            span.clone(),
        );
    }
    let mut destinations = Vec::new();
    let listed = many("destinations");
    if listed.is_empty() {
        diag.push(
            RuleErrorKind::MissingKey {
                key: "destinations".into(),
                table: path.to_owned(),
            },
            fields
                .get("destinations")
                .map_or(span.clone(), |r| r.span.clone()),
        );
    }
    for (v, at) in listed {
        match v.parse::<CountryCode>() {
            Ok(c) => destinations.push(c),
            Err(e) => diag.push(
                RuleErrorKind::InvalidCountry {
                    key: key_path("destinations"),
                    value: v.clone(),
                    reason: e.to_string(),
                },
                at,
            ),
        }
    }
    let limit = |diag: &mut Diagnostics<'_>, amount_key: &str, unit_key: &str| -> Option<Limit> {
        let amount = one(amount_key);
        let unit = one(unit_key).filter(|(v, _)| !v.is_empty());
        match (amount, unit) {
            (None, None) => None,
            (Some((v, at)), None) => {
                diag.push(
                    RuleErrorKind::MissingKey {
                        key: unit_key.to_owned(),
                        table: format!("{path} (`{amount_key}` = {v} in what?)"),
                    },
                    at.clone(),
                );
                None
            }
            (None, Some((_, at))) => {
                diag.push(
                    RuleErrorKind::MissingKey {
                        key: amount_key.to_owned(),
                        table: format!("{path} (`{unit_key}` without a limit)"),
                    },
                    at.clone(),
                );
                None
            }
            (Some((v, at)), Some((u, uat))) => {
                let amount = match v.parse::<Decimal>() {
                    Ok(a) if a > Decimal::ZERO => Some(a),
                    Ok(_) => {
                        invalid(diag, amount_key, v, "a limit is more than zero".into(), at);
                        None
                    }
                    Err(e) => {
                        invalid(
                            diag,
                            amount_key,
                            v,
                            format!("not an exact decimal number: {e}"),
                            at,
                        );
                        None
                    }
                };
                let unit = if amount_key == "value" {
                    if u.len() == 3 && u.bytes().all(|b| b.is_ascii_alphabetic()) {
                        Some(u.to_ascii_uppercase())
                    } else {
                        invalid(
                            diag,
                            unit_key,
                            u,
                            "expected an ISO 4217 currency code".into(),
                            uat,
                        );
                        None
                    }
                } else if u.chars().count() <= 16 && u.chars().all(char::is_alphanumeric) {
                    Some(u.to_lowercase())
                } else {
                    invalid(
                        diag,
                        unit_key,
                        u,
                        "expected a unit such as `pcs` or `kg`".into(),
                        uat,
                    );
                    None
                };
                Some(Limit {
                    amount: amount?,
                    unit: Arc::from(unit?),
                })
            }
        }
    };
    let quantity = limit(diag, "quantity", "unit");
    let value = limit(diag, "value", "currency");
    let notes = one("notes")
        .map(|(v, _)| v.to_owned())
        .filter(|v| !v.is_empty());
    if diag.errors.len() != before {
        return None;
    }
    let (id, at) = id?;
    let location = diag.source.locate(at);
    Some(Licence {
        names: Names {
            holder: holder.as_deref().map(normalise),
            consignee: consignee.as_deref().map(normalise),
            end_user: end_user.as_deref().map(normalise),
        },
        id,
        authority: authority?,
        jurisdiction: jurisdiction?,
        kind: kind?,
        holder,
        valid_from: valid_from?.0,
        valid_until: valid_until?.0,
        hs,
        control_codes,
        destinations,
        consignee,
        end_user,
        quantity,
        value,
        notes,
        location,
    })
}

/// Why a licence number cannot be an id: records carry it and reports print it, so it is
/// ASCII letters, digits and `-_./:` only, 100 characters at most.
fn id_problem(id: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/');
    if id.chars().count() > 100 {
        Some("a licence number has at most 100 characters".into())
    } else if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        Some("a licence number starts with an ASCII letter or digit".into())
    } else {
        id.chars().find(|c| !allowed(*c)).map(|c| {
            format!(
                "a licence number holds only ASCII letters, digits and `-_./:`, not `{}`",
                c.escape_default()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML_LICENCE: &str = r#"[[licence]]
id = "KZ-DU-2023-000117"
authority = "Ministry of Trade and Integration"
jurisdiction = "KZ"
type = "individual"
holder = "Steppe Electronics LLP"
valid_from = 2023-01-01
valid_until = 2023-06-30
hs = ["851762"]
destinations = ["AM"]
"#;

    const CSV_HEADER: &str =
        "id,authority,jurisdiction,type,holder,valid_from,valid_until,hs,destinations";
    const CSV_ROW: &str = "KZ-DU-2023-000117,Ministry,KZ,individual,Steppe Electronics LLP,2023-01-01,2023-06-30,851762,AM";

    /// A register file read, or its errors as text.
    fn read_text(name: &str, text: &str) -> Result<Register, Vec<String>> {
        Register::from_source(&Source::new(name, text)).map_err(|e| match e {
            LoadError::Invalid(errors) => {
                errors.as_slice().iter().map(ToString::to_string).collect()
            }
            other => vec![other.to_string()],
        })
    }

    fn errors(name: &str, text: &str) -> Vec<String> {
        read_text(name, text)
            .err()
            .unwrap_or_else(|| panic!("expected errors for {text:?}"))
    }

    #[test]
    fn the_fixtures_read() {
        let toml = Register::from_source(&Source::new("a.licences.toml", TOML_LICENCE)).unwrap();
        let csv = format!("{CSV_HEADER}\n{CSV_ROW}\n");
        let csv = Register::from_source(&Source::new("a.licences.csv", &csv)).unwrap();
        assert_eq!(toml.len(), 1);
        assert_eq!(csv.len(), 1);
        assert_eq!(toml.licences()[0].holder, csv.licences()[0].holder);
    }

    /// A copy loaded as the file it copies reads as that file: its digest, and its licences
    /// located in it.
    #[test]
    fn a_copy_loads_as_the_file_it_copies() {
        let original = "examples/data/kz-sample.licences.toml";
        let copy = std::env::temp_dir().join(format!(
            "export-control-unit-copy-{}.licences.toml",
            std::process::id()
        ));
        std::fs::copy(original, &copy).unwrap();
        let as_original = Register::load_as(&copy, original).unwrap();
        let plain = Register::load(&copy).unwrap();
        std::fs::remove_file(&copy).unwrap();
        let expected = Register::load(original).unwrap();
        assert!(!expected.is_empty());
        assert_eq!(as_original.digest(), expected.digest());
        assert_ne!(plain.digest(), expected.digest());
        assert_eq!(as_original.licences(), expected.licences());
        assert_eq!(
            as_original.licences()[0].location.file(),
            "examples/data/kz-sample.licences.toml"
        );
    }

    /// Keys of a licence to change: `(key, TOML value)`, `None` to remove the key.
    type Changes<'a> = &'a [(&'a str, Option<&'a str>)];

    /// The licence of `TOML_LICENCE` with `changes` made (keys replaced, added or removed), read.
    fn with(changes: Changes<'_>) -> Result<Register, Vec<String>> {
        let mut text = String::from("[[licence]]\n");
        for line in TOML_LICENCE.lines().skip(1) {
            let key = line.split(" = ").next().unwrap_or("");
            if !changes.iter().any(|(k, _)| *k == key) {
                text.push_str(line);
                text.push('\n');
            }
        }
        for (key, value) in changes {
            if let Some(value) = value {
                text.push_str(&format!("{key} = {value}\n"));
            }
        }
        read_text("a.licences.toml", &text)
    }

    /// Each check of a licence's values, on both sides: what is read, and what is refused with
    /// the reason (and only that error).
    #[test]
    fn each_value_is_checked_on_both_sides() {
        let read: &[Changes<'_>] = &[
            &[("quantity", Some("2.5")), ("unit", Some("\"kg\""))],
            &[("value", Some("1_000")), ("currency", Some("\"usd\""))],
            &[("unit", Some("\"m3\"")), ("quantity", Some("4"))],
            &[("notes", Some("\"one line\\nanother\\tindented\""))],
            &[("valid_until", Some("2023-01-01"))],
            &[("id", Some(&*format!("\"{}\"", "A".repeat(100))))],
            &[("hs", None), ("control_codes", Some("[\"5A002\"]"))],
        ];
        for changes in read {
            let register = with(changes).unwrap_or_else(|e| panic!("{changes:?}: {e:?}"));
            assert_eq!(register.len(), 1, "{changes:?}");
        }
        let licence = with(read[0]).unwrap().licences()[0].clone();
        assert_eq!(
            licence.quantity.map(|l| (l.amount, l.unit.to_string())),
            Some((Decimal::new(25, 1), "kg".to_owned()))
        );
        let refused: &[(Changes<'_>, &str)] = &[
            (
                &[("consignee", Some("[\"A\", \"B\"]"))],
                "`licence[0].consignee` must be a string",
            ),
            (
                &[("authority", Some("\"Ministry\tof Trade\""))],
                "control character U+0009",
            ),
            (
                &[("notes", Some("\"a bell \\u0007\""))],
                "control character U+0007",
            ),
            (
                &[("holder", None)],
                "an individual or global licence names its holder",
            ),
            (
                &[("type", Some("\"global\"")), ("holder", None)],
                "an individual or global licence names its holder",
            ),
            (
                &[("valid_until", Some("2022-12-31"))],
                "before `valid_from`",
            ),
            (
                &[("id", Some(&*format!("\"{}\"", "A".repeat(101))))],
                "at most 100 characters",
            ),
            (&[("hs", None)], "a licence names its goods"),
            (&[("hs", Some("[\"85x\"]"))], "`licence[0].hs`"),
            (
                &[("hs", None), ("control_codes", Some("[\"??\"]"))],
                "`licence[0].control_codes`",
            ),
            (
                &[("value", Some("10")), ("currency", Some("\"US\""))],
                "ISO 4217",
            ),
            (
                &[("value", Some("10")), ("currency", Some("\"US1\""))],
                "ISO 4217",
            ),
            (
                &[("quantity", Some("10")), ("unit", Some("\"kg m\""))],
                "a unit such as",
            ),
            (
                &[
                    ("quantity", Some("10")),
                    ("unit", Some(&*format!("\"{}\"", "k".repeat(17)))),
                ],
                "a unit such as",
            ),
        ];
        for (changes, expected) in refused {
            let found = with(changes)
                .err()
                .unwrap_or_else(|| panic!("{changes:?} read"));
            assert_eq!(found.len(), 1, "{changes:?}: {found:?}");
            assert!(found[0].contains(expected), "{changes:?}: {found:?}");
        }
    }

    /// A register's digest is its files': two files make another digest than one, and a file
    /// merged in counts as read together.
    #[test]
    fn a_register_is_its_files_and_its_digest_theirs() {
        let first = Source::new("a.licences.toml", TOML_LICENCE);
        let second_text = format!("{CSV_HEADER}\n{}\n", CSV_ROW.replace("000117", "000118"));
        let second = Source::new("b.csv", &second_text);
        assert!(Register::new().is_empty());
        let mut merged = Register::from_source(&first).unwrap();
        assert!(!merged.is_empty());
        let alone = merged.digest();
        assert_eq!(
            alone,
            crate::source::Digest::of(std::slice::from_ref(&first))
        );
        let b = Register::from_source(&second).unwrap();
        assert_eq!(
            b.licences()[0].id,
            "KZ-DU-2023-000118",
            "a `.csv` file reads as CSV"
        );
        merged.merge(b).unwrap();
        assert_eq!(merged.len(), 2);
        assert_eq!(merged.digest(), crate::source::Digest::of(&[first, second]));
        assert_ne!(merged.digest(), alone);
    }

    #[test]
    fn a_key_given_twice_is_an_error() {
        let twice = TOML_LICENCE.replace(
            "destinations = [\"AM\"]",
            "destinations = [\"AM\"]\ndestinations = [\"RU\"]",
        );
        assert!(!errors("a.licences.toml", &twice).is_empty());
        let header = format!("{CSV_HEADER},destinations");
        let text = format!("{header}\n{CSV_ROW},RU\n");
        let found = errors("a.licences.csv", &text);
        assert!(found.iter().any(|e| e.contains("named twice")), "{found:?}");
    }

    #[test]
    fn disguised_column_names_are_unknown_columns_and_padded_ones_the_same_column() {
        for disguise in ["hol\u{200b}der", "HOLDER", "h\u{f6}lder", "holder\u{7}"] {
            let header = CSV_HEADER.replace("holder", disguise);
            let found = errors("a.licences.csv", &format!("{header}\n{CSV_ROW}\n"));
            assert!(
                found.iter().any(|e| e.contains("unknown")),
                "{disguise:?}: {found:?}"
            );
        }
        // As in shipment files, spaces around a name are not part of it: a padded name and the
        // plain one are one column named twice.
        for padded in ["holder ", "holder\t", "\u{a0}holder"] {
            let header = format!("{CSV_HEADER},{padded}");
            let found = errors(
                "a.licences.csv",
                &format!("{header}\n{CSV_ROW},Other LLP\n"),
            );
            assert!(
                found.iter().any(|e| e.contains("named twice")),
                "{padded:?}: {found:?}"
            );
        }
    }

    #[test]
    fn control_characters_in_names_and_ids_are_errors() {
        // Values as TOML writes them: the escapes become control characters when read.
        for (key, good, bad) in [
            (
                "holder",
                "Steppe Electronics LLP",
                r"Steppe\u0007Electronics LLP",
            ),
            (
                "authority",
                "Ministry of Trade and Integration",
                r"Ministry\u001b[31m",
            ),
            ("id", "KZ-DU-2023-000117", r"KZ-DU-2023\n-000117"),
        ] {
            let text = TOML_LICENCE.replace(
                &format!("{key} = \"{good}\""),
                &format!("{key} = \"{bad}\""),
            );
            assert_ne!(text, TOML_LICENCE, "{key}: the fixture changed");
            let found = errors("a.licences.toml", &text);
            assert!(found.iter().any(|e| e.contains(key)), "{key}: {found:?}");
        }
    }

    #[test]
    fn limits_beyond_a_decimal_are_errors_not_panics() {
        for value in [
            "\"79228162514264337593543950336\"",
            "\"-1\"",
            "\"0\"",
            "\"1e400\"",
        ] {
            let text = format!("{TOML_LICENCE}value = {value}\ncurrency = \"USD\"\n");
            let found = errors("a.licences.toml", &text);
            assert!(
                found.iter().any(|e| e.contains("value")),
                "{value}: {found:?}"
            );
        }
    }
}

//! Reading a spanned TOML tree key by key, gathering every problem with its place.
//!
//! A [`Table`] knows which keys its part of the format allows. Each getter checks the type of one
//! value and reports a precise error when it is wrong; [`Table::finish`] reports every key that
//! was not allowed, with the closest allowed key as a hint. Nothing in a file is skipped
//! silently: a key is either read or reported.

use std::ops::Range;

use chrono::NaiveDate;
use regex::RegexBuilder;
use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{RuleError, RuleErrorKind};
use crate::rule::Pattern;
use crate::source::Source;
pub(crate) use crate::suggest::closest;

/// Longest compiled form a regex in a rule file may take, in bytes.
pub(crate) const REGEX_SIZE_LIMIT: usize = 512 << 10;
/// Longest pattern text a rule file may hold, in characters.
pub(crate) const REGEX_TEXT_LIMIT: usize = 4096;
/// Most distinct patterns a rule book may compile (the same pattern written twice counts once).
pub(crate) const MAX_PATTERNS: usize = 256;

/// Compiled regexes by pattern: rule books repeat patterns (licence numbers, drone words), and
/// a compiled regex costs kilobytes, so each pattern is compiled once per load and shared.
/// Each distinct pattern is compiled once per rule book, and counted against
/// [`MAX_PATTERNS`] whether it compiles or not (a failed compile costs time too).
#[derive(Default)]
pub(crate) struct RegexCache {
    compiled: std::collections::HashMap<String, Pattern>,
    attempted: usize,
}

impl RegexCache {
    pub fn new() -> Self {
        RegexCache::default()
    }
}

/// Where errors go while one file is read.
pub(crate) struct Diagnostics<'s> {
    pub source: &'s Source,
    pub errors: Vec<RuleError>,
    pub regexes: RegexCache,
}

impl<'s> Diagnostics<'s> {
    pub fn new(source: &'s Source) -> Self {
        Diagnostics {
            source,
            errors: Vec::new(),
            regexes: RegexCache::new(),
        }
    }

    pub fn push(&mut self, kind: RuleErrorKind, span: Range<usize>) {
        self.push_with_help(kind, span, None);
    }

    pub fn push_with_help(
        &mut self,
        kind: RuleErrorKind,
        span: Range<usize>,
        help: Option<String>,
    ) {
        let error = RuleError::new(kind, self.source.locate(span), self.source.shared_text());
        self.errors.push(match help {
            Some(help) => error.with_help(help),
            None => error,
        });
    }
}

/// The TOML type of a value, in words.
pub(crate) fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// One TOML table of the format, with the keys it allows.
pub(crate) struct Table<'t, 'i> {
    pub path: String,
    entries: &'t DeTable<'i>,
    pub span: Range<usize>,
    allowed: &'static [&'static str],
}

impl<'t, 'i> Table<'t, 'i> {
    pub fn new(
        path: impl Into<String>,
        entries: &'t DeTable<'i>,
        span: Range<usize>,
        allowed: &'static [&'static str],
    ) -> Self {
        Table {
            path: path.into(),
            entries,
            span,
            allowed,
        }
    }

    /// The value as a table, or a type error.
    pub fn from_value(
        diag: &mut Diagnostics<'_>,
        path: impl Into<String>,
        value: &'t Spanned<DeValue<'i>>,
        allowed: &'static [&'static str],
    ) -> Option<Self> {
        let path = path.into();
        match value.get_ref() {
            DeValue::Table(entries) => Some(Table::new(path, entries, value.span(), allowed)),
            other => {
                diag.push(
                    RuleErrorKind::WrongType {
                        key: path,
                        expected: "a table",
                        found: type_name(other),
                    },
                    value.span(),
                );
                None
            }
        }
    }

    /// Every key present, with its span, in file order.
    pub fn keys(&self) -> impl Iterator<Item = (&'t str, Range<usize>, &'t Spanned<DeValue<'i>>)> {
        self.entries
            .iter()
            .map(|(k, v)| (k.get_ref().as_ref(), k.span(), v))
    }

    /// The dotted path of one of this table's keys.
    pub fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Reports each key not in the allowed list, suggesting the closest allowed one.
    /// `elsewhere` names keys that are valid in another table, to say where they belong.
    pub fn finish(&self, diag: &mut Diagnostics<'_>, elsewhere: &[(&str, &str)]) {
        for (key, span, _) in self.keys() {
            if self.allowed.contains(&key) {
                continue;
            }
            let help = if let Some(suggestion) = closest(key, self.allowed.iter().copied()) {
                Some(format!("did you mean `{suggestion}`?"))
            } else if let Some((_, place)) = elsewhere.iter().find(|(k, _)| *k == key) {
                Some(format!("`{key}` belongs in {place}"))
            } else {
                Some(format!(
                    "allowed keys here: {}",
                    self.allowed
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            };
            diag.push_with_help(
                RuleErrorKind::UnknownKey {
                    key: key.to_owned(),
                    table: self.path.clone(),
                },
                span,
                help,
            );
        }
    }

    pub fn get(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.entries.get(key)
    }

    fn missing(&self, diag: &mut Diagnostics<'_>, key: &str) {
        diag.push(
            RuleErrorKind::MissingKey {
                key: key.to_owned(),
                table: self.path.clone(),
            },
            self.span.clone(),
        );
    }

    fn wrong_type(
        &self,
        diag: &mut Diagnostics<'_>,
        key: &str,
        expected: &'static str,
        value: &Spanned<DeValue<'_>>,
    ) {
        diag.push(
            RuleErrorKind::WrongType {
                key: self.key_path(key),
                expected,
                found: type_name(value.get_ref()),
            },
            value.span(),
        );
    }

    /// A non-empty string, trimmed.
    pub fn string(
        &self,
        diag: &mut Diagnostics<'_>,
        key: &str,
        required: bool,
    ) -> Option<Spanned<String>> {
        let Some(value) = self.get(key) else {
            if required {
                self.missing(diag, key);
            }
            return None;
        };
        match value.get_ref() {
            DeValue::String(s) if s.trim().is_empty() => {
                diag.push(
                    RuleErrorKind::InvalidValue {
                        key: self.key_path(key),
                        value: s.to_string(),
                        reason: "it is empty".into(),
                    },
                    value.span(),
                );
                None
            }
            DeValue::String(s) => Some(Spanned::new(value.span(), s.trim().to_owned())),
            _ => {
                self.wrong_type(diag, key, "a string", value);
                None
            }
        }
    }

    /// A list of non-empty strings; a single string counts as a list of one.
    /// An id (of a rule or a rule set): [`MAX_ID_CHARS`] characters at most, ASCII letters,
    /// digits and `-_.:/`, starting with a letter or digit. Ids are written into every kind of
    /// output (table rows, Markdown code spans, HTML, file names), so none may carry a line
    /// break, a control character or markup.
    pub fn id(&self, diag: &mut Diagnostics<'_>, key: &str) -> Option<Spanned<String>> {
        let id = self.string(diag, key, true)?;
        let text = id.get_ref();
        let allowed =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/');
        let problem = if text.chars().count() > MAX_ID_CHARS {
            Some(format!("an id has at most {MAX_ID_CHARS} characters"))
        } else if !text.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            Some("an id starts with an ASCII letter or digit".to_owned())
        } else {
            text.chars().find(|c| !allowed(*c)).map(|c| {
                format!(
                    "an id holds only ASCII letters, digits and `-_.:/`, not `{}`",
                    c.escape_default()
                )
            })
        };
        match problem {
            Some(reason) => {
                diag.push(
                    RuleErrorKind::InvalidValue {
                        key: self.key_path(key),
                        value: text.escape_default().to_string(),
                        reason,
                    },
                    id.span(),
                );
                None
            }
            None => Some(id),
        }
    }

    pub fn strings(
        &self,
        diag: &mut Diagnostics<'_>,
        key: &str,
        required: bool,
    ) -> Option<Vec<Spanned<String>>> {
        let Some(value) = self.get(key) else {
            if required {
                self.missing(diag, key);
            }
            return None;
        };
        let items: Vec<&Spanned<DeValue<'_>>> = match value.get_ref() {
            DeValue::String(_) => vec![value],
            DeValue::Array(items) => items.iter().collect(),
            _ => {
                self.wrong_type(diag, key, "a string or an array of strings", value);
                return None;
            }
        };
        if items.is_empty() {
            diag.push(
                RuleErrorKind::InvalidValue {
                    key: self.key_path(key),
                    value: "[]".into(),
                    reason: "the list is empty".into(),
                },
                value.span(),
            );
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match item.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => {
                    out.push(Spanned::new(item.span(), s.trim().to_owned()));
                }
                DeValue::String(s) => {
                    ok = false;
                    diag.push(
                        RuleErrorKind::InvalidValue {
                            key: self.key_path(key),
                            value: s.to_string(),
                            reason: "an item of the list is empty".into(),
                        },
                        item.span(),
                    );
                }
                other => {
                    ok = false;
                    diag.push(
                        RuleErrorKind::WrongType {
                            key: self.key_path(key),
                            expected: "a string",
                            found: type_name(other),
                        },
                        item.span(),
                    );
                }
            }
        }
        ok.then_some(out)
    }

    pub fn boolean(&self, diag: &mut Diagnostics<'_>, key: &str) -> Option<Spanned<bool>> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(Spanned::new(value.span(), *b)),
            _ => {
                self.wrong_type(diag, key, "true or false", value);
                None
            }
        }
    }

    /// A local date, written as a TOML date (`2023-10-19`) or a string holding one.
    pub fn date(&self, diag: &mut Diagnostics<'_>, key: &str) -> Option<Spanned<NaiveDate>> {
        let value = self.get(key)?;
        let invalid = |diag: &mut Diagnostics<'_>, text: String| {
            diag.push(
                RuleErrorKind::InvalidValue {
                    key: self.key_path(key),
                    value: text,
                    reason: "expected a date YYYY-MM-DD".into(),
                },
                value.span(),
            );
        };
        match value.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(date), None, None) => {
                    let parsed = NaiveDate::from_ymd_opt(
                        i32::from(date.year),
                        u32::from(date.month),
                        u32::from(date.day),
                    );
                    match parsed {
                        Some(d) => Some(Spanned::new(value.span(), d)),
                        None => {
                            invalid(diag, dt.to_string());
                            None
                        }
                    }
                }
                _ => {
                    invalid(diag, dt.to_string());
                    None
                }
            },
            DeValue::String(s) => match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                Ok(d) => Some(Spanned::new(value.span(), d)),
                Err(_) => {
                    invalid(diag, s.to_string());
                    None
                }
            },
            _ => {
                self.wrong_type(diag, key, "a date", value);
                None
            }
        }
    }

    /// An exact decimal, written as a string, an integer or a float (read from its text, so
    /// `10000.10` stays exactly that).
    pub fn decimal(&self, diag: &mut Diagnostics<'_>, key: &str) -> Option<Spanned<Decimal>> {
        let value = self.get(key)?;
        let text: String = match value.get_ref() {
            DeValue::String(s) => s.trim().to_owned(),
            DeValue::Integer(i) => i.as_str().replace('_', ""),
            DeValue::Float(f) => f.as_str().replace('_', ""),
            _ => {
                self.wrong_type(diag, key, "a number or a string holding one", value);
                return None;
            }
        };
        let parsed = if text.contains(['e', 'E']) {
            Decimal::from_scientific(&text)
        } else {
            text.parse::<Decimal>()
        };
        match parsed {
            Ok(d) => Some(Spanned::new(value.span(), d)),
            Err(e) => {
                diag.push(
                    RuleErrorKind::InvalidValue {
                        key: self.key_path(key),
                        value: text,
                        reason: format!("not an exact decimal number: {e}"),
                    },
                    value.span(),
                );
                None
            }
        }
    }

    /// A regex, compiled case-insensitive with size limits.
    pub fn regex(&self, diag: &mut Diagnostics<'_>, key: &str) -> Option<Pattern> {
        let pattern = self.string(diag, key, false)?;
        compile_regex(diag, &self.key_path(key), &pattern)
    }
}

/// Compiles a rule file's pattern: case-insensitive, bounded in size.
pub(crate) fn compile_regex(
    diag: &mut Diagnostics<'_>,
    key: &str,
    pattern: &Spanned<String>,
) -> Option<Pattern> {
    let text = pattern.get_ref();
    let fail = |diag: &mut Diagnostics<'_>, reason: String| {
        diag.push(
            RuleErrorKind::InvalidRegex {
                key: key.to_owned(),
                value: text.clone(),
                reason,
            },
            pattern.span(),
        );
    };
    if let Some(regex) = diag.regexes.compiled.get(text) {
        return Some(regex.clone());
    }
    diag.regexes.attempted += 1;
    if diag.regexes.attempted > MAX_PATTERNS {
        diag.push(
            RuleErrorKind::TooManyPatterns {
                key: key.to_owned(),
                limit: MAX_PATTERNS,
            },
            pattern.span(),
        );
        return None;
    }
    if text.chars().count() > REGEX_TEXT_LIMIT {
        fail(
            diag,
            format!("the pattern is longer than {REGEX_TEXT_LIMIT} characters"),
        );
        return None;
    }
    match RegexBuilder::new(text)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
    {
        Ok(regex) => {
            let regex = Pattern::new(regex);
            diag.regexes
                .compiled
                .insert(text.clone(), Pattern::clone(&regex));
            Some(regex)
        }
        Err(e) => {
            // The regex crate's message spans several lines; keep the last, which says why.
            let message = e.to_string();
            let reason = message
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or(&message)
                .trim()
                .trim_start_matches("error: ")
                .to_owned();
            fail(diag, reason);
            None
        }
    }
}

use crate::source::MAX_FILE_BYTES;

/// The longest id of a rule or a rule set, in characters.
pub(crate) const MAX_ID_CHARS: usize = 100;

/// Parses a file's TOML, reporting a syntax error at its place.
pub(crate) fn parse_toml<'i>(
    diag: &mut Diagnostics<'_>,
    text: &'i str,
) -> Option<Spanned<DeTable<'i>>> {
    if text.len() > MAX_FILE_BYTES {
        diag.push(
            RuleErrorKind::FileTooLarge {
                bytes: text.len(),
                limit: MAX_FILE_BYTES,
            },
            0..0,
        );
        return None;
    }
    match DeTable::parse(text) {
        Ok(doc) => Some(doc),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            diag.push(
                RuleErrorKind::Syntax {
                    message: e.message().trim().to_owned(),
                },
                span,
            );
            None
        }
    }
}

/// One of a fixed set of words.
pub(crate) fn one_of<T: Copy>(
    diag: &mut Diagnostics<'_>,
    key: &str,
    value: &Spanned<String>,
    choices: &[(&str, T)],
) -> Option<T> {
    if let Some((_, v)) = choices.iter().find(|(name, _)| *name == value.get_ref()) {
        return Some(*v);
    }
    let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
    let help =
        closest(value.get_ref(), names.iter().copied()).map(|s| format!("did you mean `{s}`?"));
    diag.push_with_help(
        RuleErrorKind::InvalidValue {
            key: key.to_owned(),
            value: value.get_ref().clone(),
            reason: format!(
                "expected one of {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        value.span(),
        help,
    );
    None
}

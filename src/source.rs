//! Rule files as text: their names, kinds, locations of byte offsets, and the digest of a set of
//! them. Nothing here touches the disk (see `load` for discovery and reading).
//!
//! A rule book holds five kinds of TOML files, told apart by name: `groups.toml` (country and
//! HS code groups), `*.tests.toml` (rule test cases, not rule sets), `*.list.toml` (a party
//! list's declaration), `*.licences.toml` (a licence register) and every other `*.toml` (one
//! rule set each); beside them statistics files (`*.statistics.csv`), licence registers in CSV
//! (`*.licences.csv`) and the data files list declarations name.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Serialize, Serializer};
use sha2::{Digest as _, Sha256};

/// The file name of a country groups file.
pub const GROUPS_FILE: &str = "groups.toml";
/// The suffix of a rule test file.
pub const TESTS_SUFFIX: &str = ".tests.toml";

/// The suffix of a statistics file.
pub const STATISTICS_SUFFIX: &str = ".statistics.csv";

/// The suffix of a party list's declaration (see [`crate::parties::PartyList`]).
pub const LIST_SUFFIX: &str = ".list.toml";

/// The suffix of a licence register in TOML (see [`crate::licences::Register`]).
pub const LICENCES_SUFFIX: &str = ".licences.toml";

/// The suffix of a licence register in CSV.
pub const LICENCES_CSV_SUFFIX: &str = ".licences.csv";

/// Largest rule file accepted, in bytes (8 MiB). Files on disk are measured before they are
/// read.
pub const MAX_FILE_BYTES: usize = 8 << 20;

/// What a rule file holds, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceKind {
    /// One rule set.
    RuleSet,
    /// Country groups shared by every rule set.
    Groups,
    /// Test cases for rule sets.
    Tests,
    /// Trade statistics that give history rules a baseline (`*.statistics.csv`, see
    /// [`crate::history::Statistics`]).
    Statistics,
    /// The declaration of a party list (`*.list.toml`, see [`crate::parties::PartyList`]).
    List,
    /// A data file a list declaration names (made with [`Source::data`]; the loader reads the
    /// files declarations name).
    ListData,
    /// A licence register (`*.licences.toml` or `*.licences.csv`, see
    /// [`crate::licences::Register`]).
    Licences,
}

impl SourceKind {
    /// The kind a file of this name holds; `None` for files that are neither TOML nor
    /// statistics.
    pub fn of(name: &str) -> Option<SourceKind> {
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        if file == GROUPS_FILE {
            Some(SourceKind::Groups)
        } else if file.ends_with(TESTS_SUFFIX) {
            Some(SourceKind::Tests)
        } else if file.ends_with(STATISTICS_SUFFIX) {
            Some(SourceKind::Statistics)
        } else if file.ends_with(LIST_SUFFIX) {
            Some(SourceKind::List)
        } else if file.ends_with(LICENCES_SUFFIX) || file.ends_with(LICENCES_CSV_SUFFIX) {
            Some(SourceKind::Licences)
        } else if file.ends_with(".toml") {
            Some(SourceKind::RuleSet)
        } else {
            None
        }
    }
}

/// The text of one rule file and the names it goes by.
#[derive(Debug, Clone)]
pub struct Source {
    name: Arc<str>,
    key: String,
    text: Arc<str>,
    kind: SourceKind,
    /// Byte offsets where lines start, for locating spans without rescanning the text.
    line_starts: Arc<[usize]>,
}

impl Source {
    /// A file held in memory. `name` is shown in errors and explanations and decides the kind
    /// (`groups.toml`, `*.tests.toml`, or a rule set). A leading byte order mark is dropped.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        let name: String = name.into();
        let mut text: String = text.into();
        // A byte order mark some editors write is not content.
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let kind = SourceKind::of(&name).unwrap_or(SourceKind::RuleSet);
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            key: name.replace('\\', "/"),
            name: name.into(),
            text: Arc::from(text),
            kind,
            line_starts,
        }
    }

    /// A data file of a party list held in memory: `name` is its path relative to the rule
    /// book's root, as the list's declaration names it relative to its own directory
    /// (`lists/un/un-consolidated.xml` for `files = { file = "un/un-consolidated.xml" }` in
    /// `lists/un.list.toml`).
    pub fn data(name: impl Into<String>, text: impl Into<String>) -> Source {
        let mut source = Source::new(name, text);
        source.kind = SourceKind::ListData;
        source
    }

    /// The path it goes by in the digest, relative to the root it was found under, with `/`
    /// between parts (`chpl-2024.toml` for `/srv/rules/chpl-2024.toml` found under
    /// `/srv/rules`): the same on every machine, unlike [`name`](Source::name). For a file held
    /// in memory, its name.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The same file as a list's data file.
    pub(crate) fn into_data(mut self) -> Source {
        self.kind = SourceKind::ListData;
        self
    }

    /// A file read from disk: `key` is its path relative to the root it was found under, so the
    /// same tree digests the same wherever it lies.
    pub(crate) fn with_key(name: &str, key: &str, text: String) -> Source {
        let mut source = Source::new(name, text);
        source.key = key.replace('\\', "/");
        source
    }

    /// The same file shown under another name; its key, kind and text unchanged.
    pub(crate) fn renamed(&self, name: &str) -> Source {
        Source {
            name: Arc::from(name),
            ..self.clone()
        }
    }

    /// The name shown in errors and explanations (the path as found, e.g. `rules/kz-arms.toml`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What the file holds.
    pub fn kind(&self) -> SourceKind {
        self.kind
    }

    pub(crate) fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// The location of a byte range of this file.
    pub(crate) fn locate(&self, span: Range<usize>) -> Location {
        let offset = span.start.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        let (line, column) = (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        );
        Location {
            file: Arc::clone(&self.name),
            line,
            column,
            span,
        }
    }
}

/// 1-based line and column (in characters) of a byte offset, by scanning: the reference
/// `Source::locate` is tested against.
#[cfg(test)]
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// A place in a rule file: file name, 1-based line and column, and the byte span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    file: Arc<str>,
    line: u32,
    column: u32,
    span: Range<usize>,
}

impl Location {
    /// The file, as named when it was loaded.
    pub fn file(&self) -> &str {
        &self.file
    }
    /// The line, from 1.
    pub fn line(&self) -> u32 {
        self.line
    }
    /// The column in characters, from 1.
    pub fn column(&self) -> u32 {
        self.column
    }
    /// The byte range in the file.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// The SHA-256 digest of a loaded rule book: every rule set and groups file, by relative name
/// and content, in sorted order. Test files are not part of it: they do not change a verdict.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Digest([u8; 32]);

impl Digest {
    pub(crate) fn of(sources: &[Source]) -> Digest {
        let mut parts: Vec<&Source> = sources
            .iter()
            .filter(|s| s.kind != SourceKind::Tests)
            .collect();
        parts.sort_by(|a, b| a.key.cmp(&b.key));
        let mut hasher = Sha256::new();
        for source in parts {
            for field in [source.key.as_bytes(), source.text.as_bytes()] {
                hasher.update((field.len() as u64).to_le_bytes());
                hasher.update(field);
            }
        }
        Digest(hasher.finalize().into())
    }

    /// The digest as `sha256:` followed by 64 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written once per verdict in an audit: build the text in place, one write.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = *b"sha256:0000000000000000000000000000000000000000000000000000000000000000";
        for (i, byte) in self.0.iter().enumerate() {
            if let Some(pair) = text.get_mut(7 + 2 * i..9 + 2 * i) {
                let digit = |n: u8| HEX.get(usize::from(n)).copied().unwrap_or(b'0');
                pair.copy_from_slice(&[digit(byte >> 4), digit(byte & 0xf)]);
            }
        }
        f.write_str(std::str::from_utf8(&text).unwrap_or("sha256:?"))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Digest {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Digest")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^sha256:[0-9a-f]{64}$",
            "description": "the SHA-256 digest of the rule book's rule set and groups files"
        })
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        let hex = text
            .strip_prefix("sha256:")
            .filter(|h| h.len() == 64 && h.is_ascii())
            .ok_or_else(|| serde::de::Error::custom("expected `sha256:` and 64 hex digits"))?;
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            let pair = hex.get(2 * i..2 * i + 2).unwrap_or_default();
            *byte = u8::from_str_radix(pair, 16).map_err(serde::de::Error::custom)?;
        }
        Ok(Digest(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        assert_eq!(
            SourceKind::of("rules/groups.toml"),
            Some(SourceKind::Groups)
        );
        assert_eq!(
            SourceKind::of("rules/kz-arms.tests.toml"),
            Some(SourceKind::Tests)
        );
        assert_eq!(
            SourceKind::of("rules/kz-arms.toml"),
            Some(SourceKind::RuleSet)
        );
        assert_eq!(SourceKind::of("rules/README.md"), None);
        // Each suffix on its own: licence registers in TOML and in CSV alike.
        for (name, kind) in [
            ("rules/x.licences.toml", SourceKind::Licences),
            ("rules/x.licences.csv", SourceKind::Licences),
            ("rules/lists/un.list.toml", SourceKind::List),
            (
                "rules\\statistics\\kz-2021.statistics.csv",
                SourceKind::Statistics,
            ),
        ] {
            assert_eq!(SourceKind::of(name), Some(kind), "{name}");
        }
    }

    #[test]
    fn to_hex_is_the_prefixed_sha256() {
        let digest = Digest::of(&[Source::new("a.toml", "x = 1")]);
        let hex = digest.to_hex();
        assert_eq!(hex, digest.to_string());
        let digits = hex.strip_prefix("sha256:").unwrap();
        assert_eq!(digits.len(), 64);
        assert!(
            digits
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(hex, Digest::of(&[Source::new("a.toml", "x = 2")]).to_hex());
    }

    #[test]
    fn renamed_keeps_key_kind_and_text() {
        let source = Source::with_key(
            "/tmp/copy/lists/un.list.toml",
            "lists/un.list.toml",
            "x = 1\ny = 2".into(),
        );
        let renamed = source.renamed("rules/lists/un.list.toml");
        assert_eq!(renamed.name(), "rules/lists/un.list.toml");
        assert_eq!(source.name(), "/tmp/copy/lists/un.list.toml");
        assert_eq!(renamed.key(), source.key());
        assert_eq!(renamed.kind(), SourceKind::List);
        assert_eq!(renamed.text(), source.text());
        assert_eq!(renamed.locate(6..7).line(), 2);
    }

    #[test]
    fn line_and_column() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 7), (2, 4));
        assert_eq!(line_column(text, 8), (3, 1));
        assert_eq!(line_column(text, 100), (3, 2));
        let source = Source::new("x.toml", text);
        for offset in 0..=text.len() + 2 {
            if text.is_char_boundary(offset.min(text.len())) {
                let l = source.locate(offset..offset);
                assert_eq!(
                    (l.line(), l.column()),
                    line_column(text, offset),
                    "offset {offset}"
                );
            }
        }
    }

    #[test]
    fn digest_ignores_order_and_tests_but_not_content_or_names() {
        let a = Source::new("a.toml", "x = 1");
        let b = Source::new("b.toml", "y = 2");
        let t = Source::new("a.tests.toml", "z = 3");
        let d1 = Digest::of(&[a.clone(), b.clone()]);
        assert_eq!(d1, Digest::of(&[b.clone(), a.clone(), t]));
        assert_ne!(d1, Digest::of(&[a.clone(), Source::new("b.toml", "y = 3")]));
        assert_ne!(d1, Digest::of(&[a, Source::new("c.toml", "y = 2")]));
        let hex = d1.to_string();
        assert!(hex.starts_with("sha256:") && hex.len() == 71);
        let json = serde_json::to_string(&d1).unwrap();
        assert_eq!(serde_json::from_str::<Digest>(&json).unwrap(), d1);
    }
}

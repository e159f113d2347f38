//! Errors of the load layer: reading rule files and turning them into a validated rule book.
//!
//! Loading gathers every problem it finds instead of stopping at the first, so a rule author sees
//! the whole list at once. Each [`RuleError`] names the file, line and column, the key and the
//! offending value; [`RuleError::kind`] is what a program matches on.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::source::Location;

/// The result of loading: a value, or why the rules could not be loaded.
pub type Result<T, E = LoadError> = std::result::Result<T, E>;

/// Why a rule book could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file or directory could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A file is not UTF-8 text.
    #[error("`{}` is not UTF-8 text (first bad byte at offset {offset})", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// A rule file is larger than [`MAX_FILE_BYTES`](crate::source::MAX_FILE_BYTES); it is not
    /// read.
    #[error("`{}` is {bytes} bytes: a rule file may hold at most {limit}", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
        /// The limit.
        limit: usize,
    },
    /// A path named as a rule file, or found where rule files are, that is not a regular file
    /// (a FIFO, a device, a socket): it is not read, so loading cannot hang on it.
    #[error("`{}` is {what}, not a regular file: rule files are read from regular files only", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is, in words.
        what: &'static str,
    },
    /// A file beside the rule files whose name looks like a rule file's but is not read as one
    /// (`X.TOML`, `x.toml.new`, `x.toml~`): a rule set that silently stopped loading would
    /// disable its rules.
    #[error("`{}` is named like a rule file but would not be read: {hint}", path.display())]
    Misnamed {
        /// The file.
        path: PathBuf,
        /// What to do about it.
        hint: String,
    },
    /// The paths held no rule set at all.
    #[error(
        "no rule set found in {paths}: rule sets are `.toml` files other than `groups.toml` and `*.tests.toml`"
    )]
    NoRuleSets {
        /// The paths searched, as given.
        paths: String,
    },
    /// One or more rule files are wrong; every problem found is listed.
    #[error("{0}")]
    Invalid(RuleErrors),
}

impl LoadError {
    /// The problems in the rule files, when that is why loading failed.
    pub fn rule_errors(&self) -> &[RuleError] {
        match self {
            LoadError::Invalid(errors) => errors.as_slice(),
            _ => &[],
        }
    }
}

/// Every problem found in the rule files, sorted by file, line and column.
#[derive(Debug, Clone)]
pub struct RuleErrors(Vec<RuleError>);

impl RuleErrors {
    pub(crate) fn new(mut errors: Vec<RuleError>) -> RuleErrors {
        errors.sort_by(|a, b| {
            (a.location.file(), a.location.line(), a.location.column()).cmp(&(
                b.location.file(),
                b.location.line(),
                b.location.column(),
            ))
        });
        RuleErrors(errors)
    }

    /// The problems, in file order.
    pub fn as_slice(&self) -> &[RuleError] {
        &self.0
    }
}

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "{n} error{} in rule files",
            if n == 1 { "" } else { "s" }
        )?;
        for error in &self.0 {
            write!(f, "\n{error}")?;
        }
        Ok(())
    }
}

/// One problem in a rule file, at a place.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{location}: {kind}")]
pub struct RuleError {
    kind: RuleErrorKind,
    location: Location,
    help: Option<String>,
    text: Arc<str>,
}

impl RuleError {
    pub(crate) fn new(kind: RuleErrorKind, location: Location, text: Arc<str>) -> RuleError {
        RuleError {
            kind,
            location,
            help: None,
            text,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> RuleError {
        self.help = Some(help.into());
        self
    }

    /// What is wrong.
    pub fn kind(&self) -> &RuleErrorKind {
        &self.kind
    }

    /// Where it is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// A hint at the fix, such as the key that was probably meant.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The whole text of the file the problem is in, for rendering the line.
    pub fn source_text(&self) -> &str {
        &self.text
    }
}

/// What is wrong in a rule file. Keys are written as dotted paths (`rule.when.destination`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleErrorKind {
    /// The file is not valid TOML.
    #[error("invalid TOML: {message}")]
    Syntax {
        /// The parser's message.
        message: String,
    },
    /// The file is larger than a rule file may be.
    #[error("the file is {bytes} bytes: a rule file may hold at most {limit}")]
    FileTooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A key the format does not know (usually a typo).
    #[error("unknown key `{key}` in `{table}`")]
    UnknownKey {
        /// The key as written.
        key: String,
        /// The table it is in.
        table: String,
    },
    /// A required key is absent.
    #[error("missing key `{key}` in `{table}`")]
    MissingKey {
        /// The key that must be given.
        key: String,
        /// The table that lacks it.
        table: String,
    },
    /// A value of the wrong TOML type.
    #[error("`{key}` must be {expected}, found {found}")]
    WrongType {
        /// The key.
        key: String,
        /// The type wanted, in words.
        expected: &'static str,
        /// The type found.
        found: &'static str,
    },
    /// A value of the right type that is not allowed.
    #[error("`{key}` has invalid value `{value}`: {reason}")]
    InvalidValue {
        /// The key.
        key: String,
        /// The value as written.
        value: String,
        /// Why it is not allowed.
        reason: String,
    },
    /// Not an ISO 3166-1 alpha-2 country code.
    #[error("`{key}`: {reason}")]
    InvalidCountry {
        /// The key.
        key: String,
        /// The value as written.
        value: String,
        /// Why it is not a code.
        reason: String,
    },
    /// Not an HS code prefix.
    #[error("`{key}`: invalid HS prefix: {reason}")]
    InvalidHsPrefix {
        /// The key.
        key: String,
        /// The value as written.
        value: String,
        /// Why it is not a prefix.
        reason: String,
    },
    /// A regular expression that does not compile.
    #[error("`{key}`: invalid regular expression `{value}`: {reason}")]
    InvalidRegex {
        /// The key.
        key: String,
        /// The pattern as written.
        value: String,
        /// The regex compiler's reason.
        reason: String,
    },
    /// One distinct pattern more than a rule book may compile: together, within each one's own
    /// limits, patterns could still take gigabytes and seconds to load.
    #[error("`{key}`: more than {limit} distinct regular expressions in the rule book")]
    TooManyPatterns {
        /// The key of the first pattern over the budget.
        key: String,
        /// The budget.
        limit: usize,
    },
    /// A group name not defined in any groups file.
    #[error("`{key}`: unknown {kind} group `{name}`")]
    UnknownGroup {
        /// The key.
        key: String,
        /// The group named.
        name: String,
        /// The kind of group the key takes: `country` or `HS code`.
        kind: &'static str,
    },
    /// A rule id used twice in the loaded rule book.
    #[error("duplicate rule id `{id}` (first defined at {first})")]
    DuplicateRuleId {
        /// The id.
        id: String,
        /// Where it was first defined.
        first: Location,
    },
    /// A rule set id used twice in the loaded rule book.
    #[error("duplicate rule set id `{id}` (first defined at {first})")]
    DuplicateRuleSetId {
        /// The id.
        id: String,
        /// Where it was first defined.
        first: Location,
    },
    /// A group (of countries or of HS codes) defined twice: names are unique across kinds.
    #[error("duplicate group `{name}` (first defined at {first})")]
    DuplicateGroup {
        /// The group name.
        name: String,
        /// Where it was first defined.
        first: Location,
    },
    /// A group that contains itself through other groups.
    #[error("group `{name}` contains itself")]
    GroupCycle {
        /// The group name.
        name: String,
    },
    /// An effective window whose end is before its start.
    #[error("effective window ends ({until}) before it starts ({from})")]
    WindowEndsBeforeStart {
        /// The first day.
        from: chrono::NaiveDate,
        /// The last day.
        until: chrono::NaiveDate,
    },
    /// A condition table with no condition in it, which would match every record.
    #[error("`{key}` holds no condition: a rule must say what it matches")]
    EmptyCondition {
        /// The key of the empty table.
        key: String,
    },
}

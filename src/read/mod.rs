//! Streaming readers for shipment files: CSV and JSON Lines.
//!
//! Both yield one item per record, in order: the [`Record`] with its line number, or a
//! [`RecordError`] naming the line, the record's id when it has one, and the field at fault.
//! Reading goes on after a bad record, so records in = results out. Memory does not grow with the
//! file: one record is held at a time. [`check_records`] checks records as a reader yields them.
//!
//! CSV ([`csv()`]): a header row names the columns, in any order; `transit` and `licences`
//! separate items with `;`; columns the format does not name become attributes. JSON Lines
//! ([`json_lines`]): one object per line with the same names, lists as arrays, an optional
//! `attributes` object; blank lines are skipped.

mod columns;
mod csv;
mod jsonl;
mod lines;

use std::io;
use std::path::{Path, PathBuf};

pub use self::columns::Columns;
pub use self::csv::{CsvRecords, MAX_RECORD_LINES, csv, csv_with};
pub use jsonl::{JsonLines, json_lines};
pub use lines::MAX_SKIPPED_LINE_BYTES;

use crate::engine::{CheckOptions, Engine};
use crate::shipment::{FieldError, Shipment};
use crate::verdict::Verdict;

/// Longest line (JSON Lines) or record (CSV) accepted, in bytes.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// A record read from a file, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The 1-based line the record starts on.
    pub line: u64,
    /// The record.
    pub shipment: Shipment,
}

/// Why one record could not be read. Reading goes on with the next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {kind}", id.as_ref().map(|i| format!(" (record `{i}`)")).unwrap_or_default())]
pub struct RecordError {
    line: u64,
    id: Option<String>,
    kind: RecordErrorKind,
}

impl RecordError {
    /// The 1-based line the record starts on.
    pub fn line(&self) -> u64 {
        self.line
    }
    /// The record's id, if it could be read.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    /// What was wrong.
    pub fn kind(&self) -> &RecordErrorKind {
        &self.kind
    }
    /// The field at fault, if one is.
    pub fn field(&self) -> Option<&str> {
        match &self.kind {
            RecordErrorKind::Field(e) => Some(e.field()),
            RecordErrorKind::NotUtf8 { field } => Some(field),
            _ => None,
        }
    }
}

/// What was wrong with a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordErrorKind {
    /// A field is missing or invalid.
    #[error("{0}")]
    Field(FieldError),
    /// The line is not a JSON object (or, in CSV, the parser could not split the record).
    #[error("not a JSON object: {message}")]
    Syntax {
        /// The parser's message.
        message: String,
    },
    /// A CSV record with more or fewer fields than the header.
    #[error("the record has {found} fields, the header {expected}")]
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in the record.
        found: usize,
    },
    /// A field that is not UTF-8 text.
    #[error("field `{field}` is not UTF-8 text")]
    NotUtf8 {
        /// The field.
        field: String,
    },
    /// A record longer than [`MAX_RECORD_BYTES`].
    #[error("the record is longer than {limit} bytes")]
    TooLong {
        /// The limit.
        limit: usize,
    },
    /// A CSV quoted field opened on this line does not close where a record can end; the
    /// lines after this one are read again as records of their own.
    #[error("a quoted field opened on this line {problem}")]
    OpenQuote {
        /// What went wrong with it.
        problem: QuoteProblem,
    },
    /// A line runs on past [`MAX_SKIPPED_LINE_BYTES`]: reading stops, no record follows.
    #[error("a line runs on past {limit} bytes without ending: reading stops here")]
    Endless {
        /// The limit.
        limit: u64,
    },
    /// The file could not be read further; no record follows this one.
    #[error("read error: {source}")]
    Io {
        /// The operating system's reason.
        source: IoError,
    },
}

impl RecordErrorKind {
    /// Whether reading stopped at this error: the records after it, if any, were not read, so
    /// a run that met it did not see its whole input.
    pub fn ends_reading(&self) -> bool {
        matches!(
            self,
            RecordErrorKind::Io { .. } | RecordErrorKind::Endless { .. }
        )
    }
}

/// Why a CSV quoted field that holds line breaks was not taken as one record's field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuoteProblem {
    /// The file ends before the quote closes.
    #[error("is not closed before the end of the file")]
    EndOfFile,
    /// It runs into a line that reads as a record of its own.
    #[error("runs into line {line}, which reads as a record of its own: close the quote")]
    RunsIntoRecord {
        /// That line.
        line: u64,
    },
    /// The record would span more than [`MAX_RECORD_LINES`] lines.
    #[error("is not closed within {} lines", MAX_RECORD_LINES)]
    TooManyLines,
    /// The record would be longer than [`MAX_RECORD_BYTES`].
    #[error("is not closed within {} bytes", MAX_RECORD_BYTES)]
    TooLong,
    /// A line read again after a record spanning it was given up opens a quote of its own.
    #[error("is not closed on its line (the line is read on its own after an earlier open quote)")]
    NotClosedOnItsLine,
}

/// An operating-system error met while reading, shared by the clones of the [`RecordError`]
/// that carries it. Two compare equal when their kind and message are the same.
#[derive(Debug, Clone)]
pub struct IoError(std::sync::Arc<io::Error>);

impl IoError {
    pub(crate) fn new(error: io::Error) -> IoError {
        IoError(std::sync::Arc::new(error))
    }

    /// The error itself.
    pub fn get(&self) -> &io::Error {
        &self.0
    }
}

impl PartialEq for IoError {
    fn eq(&self, other: &IoError) -> bool {
        self.0.kind() == other.0.kind() && self.0.to_string() == other.0.to_string()
    }
}

impl Eq for IoError {}

impl std::fmt::Display for IoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Why a file cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The CSV header row is missing or unusable.
    #[error("CSV header: {reason}")]
    Header {
        /// What is wrong with it.
        reason: String,
    },
    /// A `.json` file that is not one JSON array of records (nor JSON Lines): its records
    /// cannot be told apart, so none is read.
    #[error("not a JSON array of records: {message}")]
    JsonArray {
        /// The parser's message, with line and column.
        message: String,
    },
    /// The file holds nothing but white space: no records, and probably not what was meant.
    #[error("the file is empty")]
    Empty,
    /// The file's format cannot be told from its name.
    #[error(
        "cannot tell the format of `{}`: name it .csv, .jsonl or .json (or say which)",
        .0.display()
    )]
    UnknownFormat(PathBuf),
}

/// The file formats records can be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    JsonLines,
    /// One JSON array of record objects; a file whose first character is `{` is read as
    /// JSON Lines instead (one object on its own is both).
    Json,
}

impl Format {
    /// The format a file name implies: `.csv`, `.jsonl` / `.ndjson`, or `.json`.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// How to read records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// The file format; `None`: the one the file name implies.
    pub format: Option<Format>,
    /// CSV columns to read as attributes although their names are one edit away from a
    /// field's (a column `end_use` beside `end_user`, say); any other such column is an error.
    pub attribute_columns: Vec<String>,
}

/// Records from a reader.
pub type Records<'a> = Box<dyn Iterator<Item = Result<Record, RecordError>> + Send + 'a>;

/// Opens a file (`-` for standard input) and reads its records in the format the options give,
/// or else the one its name implies.
pub fn open(path: &Path, options: &ReadOptions) -> Result<Records<'static>, ReadError> {
    let format = options
        .format
        .or_else(|| Format::from_path(path))
        .ok_or_else(|| ReadError::UnknownFormat(path.to_owned()))?;
    let input: Box<dyn io::Read + Send> = if path == Path::new("-") {
        Box::new(io::stdin())
    } else {
        Box::new(open_file(path)?)
    };
    let buffered = io::BufReader::with_capacity(1 << 16, input);
    reader(buffered, format, options).map_err(|e| match e {
        ReadError::Io { source, .. } => ReadError::Io {
            path: path.to_owned(),
            source,
        },
        other => other,
    })
}

/// Opens a file of records: anything that can be read as a stream (a regular file, a pipe, a
/// device), but not a directory, which would only fail at its first read.
pub fn open_file(path: &Path) -> Result<std::fs::File, ReadError> {
    let io_error = |source| ReadError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    if file.metadata().map_err(io_error)?.is_dir() {
        return Err(io_error(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory, not a file of records",
        )));
    }
    Ok(file)
}

/// Reads records from any buffered reader in `format`. An input of nothing but white space is
/// [`ReadError::Empty`] in every format.
pub fn reader<'a, R: io::BufRead + Send + 'a>(
    mut input: R,
    format: Format,
    options: &ReadOptions,
) -> Result<Records<'a>, ReadError> {
    Ok(match format {
        Format::Csv => Box::new(csv_with(input, options)?),
        Format::JsonLines => {
            let blank = lines::skip_blank_start(&mut input, lines::Ends::Lf)
                .map_err(|source| ReadError::Io {
                    path: "-".into(),
                    source,
                })?
                .ok_or(ReadError::Empty)?;
            Box::new(jsonl::json_lines_after(input, blank))
        }
        Format::Json => jsonl::json_file(input)?,
    })
}

/// The result of checking one record read from a file: its verdict, or why it could not be read.
///
/// Deliberately not `#[non_exhaustive]`: a caller matches both arms, so no record can fall into
/// a catch-all arm and be dropped.
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "the large variant is the common one; boxing it would allocate for every record"
)]
pub enum Checked<'e> {
    /// The record was read and checked.
    Verdict {
        /// The record.
        record: Record,
        /// Its verdict.
        verdict: Verdict<'e>,
    },
    /// The record could not be read; it is never taken as allowed.
    Invalid(RecordError),
}

/// Checks records as a reader yields them: one result per record, in order, with records
/// that could not be read passed through as [`Checked::Invalid`].
pub fn check_records<'a, I>(
    engine: &'a Engine,
    records: I,
    options: &'a CheckOptions,
) -> impl Iterator<Item = Checked<'a>> + 'a
where
    I: IntoIterator<Item = Result<Record, RecordError>> + 'a,
{
    records.into_iter().map(move |record| match record {
        Ok(record) => {
            let verdict = engine.check_with(&record.shipment, options);
            Checked::Verdict { record, verdict }
        }
        Err(error) => Checked::Invalid(error),
    })
}

/// Checks the records of an input in order against the history of the whole input (built
/// first, see [`crate::history`]): what [`check_records`] does for rule books with history
/// rules. Records that could not be read are passed through and add nothing to history.
pub fn check_records_replayed<'a, 'r, I>(
    engine: &'a Engine,
    records: I,
    replay: &'r mut crate::history::Replay<'_>,
    options: &'a CheckOptions,
) -> impl Iterator<Item = Checked<'a>> + 'r
where
    I: IntoIterator<Item = Result<Record, RecordError>> + 'r,
    'a: 'r,
{
    records.into_iter().map(move |record| match record {
        Ok(record) => {
            let verdict = engine.replay(replay, &record.shipment, options);
            Checked::Verdict { record, verdict }
        }
        Err(error) => Checked::Invalid(error),
    })
}

/// Adds every record an input holds to a history (the first pass of an audit with history
/// rules); records that cannot be read add nothing. Returns how many were added.
///
/// What records draw on licences is settled after the pass, in the order of history
/// ([`Engine::settle_draws`]): the input need not be sorted. The records that draw are held
/// in memory until then, all of them: for an input of any size, [`record_all_in_passes`].
pub fn record_all<I>(engine: &Engine, records: I, history: &mut crate::history::History) -> u64
where
    I: IntoIterator<Item = Result<Record, RecordError>>,
{
    let (n, claims) = first_pass(engine, records, history, usize::MAX);
    if let Claims::Held(claims) = claims {
        settle_held(engine, history, &claims);
    }
    n
}

/// How many records that draw on licences an audit's first pass holds at once
/// ([`record_all_in_passes`]): about 7 MB of the sample's records.
pub const DRAW_CLAIMS_HELD: usize = 16_384;

/// [`record_all`] in memory bounded by `limit` records that draw on licences, not by the
/// input: while they fit they are held and settled as `record_all` does; when more draw, the
/// pass keeps only how many draw on each day, and the draws are settled over ranges of days
/// of at most `limit` such records (a day of more, alone, in input order without holding
/// them), reading the input again for each range through `reopen`, which must give the same
/// records in the same order. The history is the same as `record_all`'s for any `limit`.
///
/// # Errors
/// What `reopen` returns when it cannot open the input again; the history then holds the
/// records' facts but not all their draws, and must not be used.
pub fn record_all_in_passes<I, F, E>(
    engine: &Engine,
    records: I,
    mut reopen: F,
    limit: usize,
    history: &mut crate::history::History,
) -> Result<u64, E>
where
    I: IntoIterator<Item = Result<Record, RecordError>>,
    F: FnMut() -> Result<I, E>,
{
    let (n, claims) = first_pass(engine, records, history, limit);
    let per_day = match claims {
        Claims::Held(claims) => {
            settle_held(engine, history, &claims);
            return Ok(n);
        }
        Claims::Counted(per_day) => per_day,
    };
    let mut ledger = history.aggregates().draws_only();
    let mut drawn = crate::history::Aggregates::new();
    for (from, through) in day_ranges(&per_day, limit) {
        let mut claims = Vec::new();
        let records = reopen()?.into_iter().flatten().enumerate();
        for (at, record) in records {
            let s = record.shipment;
            if s.date < from || s.date > through || !engine.may_draw(&s) {
                continue;
            }
            if from == through {
                // One day: input order is the order of history.
                engine.settle_in_order(&mut ledger, &mut drawn, std::iter::once(&s));
            } else {
                claims.push((at, s));
            }
        }
        claims.sort_by_key(|(at, s)| (s.date, *at));
        engine.settle_in_order(&mut ledger, &mut drawn, claims.iter().map(|(_, s)| s));
    }
    history.merge(&drawn);
    Ok(n)
}

/// The records of a first pass that draw on licences: held, or, past the limit, counted by
/// day.
enum Claims {
    Held(Vec<(u64, Shipment)>),
    Counted(std::collections::BTreeMap<chrono::NaiveDate, u64>),
}

/// Adds each record's facts to `history`; holds the records that draw while there are at most
/// `limit` of them, and counts them by day in any case.
fn first_pass<I>(
    engine: &Engine,
    records: I,
    history: &mut crate::history::History,
    limit: usize,
) -> (u64, Claims)
where
    I: IntoIterator<Item = Result<Record, RecordError>>,
{
    let mut n = 0;
    let mut held = Vec::new();
    let mut over = false;
    let mut per_day = std::collections::BTreeMap::<chrono::NaiveDate, u64>::new();
    for record in records.into_iter().flatten() {
        history.add(&engine.facts(&record.shipment));
        if engine.may_draw(&record.shipment) {
            *per_day.entry(record.shipment.date).or_default() += 1;
            if held.len() < limit {
                held.push((n, record.shipment));
            } else if !over {
                over = true;
                held = Vec::new();
            }
        }
        n += 1;
    }
    let claims = if over {
        Claims::Counted(per_day)
    } else {
        Claims::Held(held)
    };
    (n, claims)
}

/// Settles held claims and adds their draws to `history`.
fn settle_held(engine: &Engine, history: &mut crate::history::History, claims: &[(u64, Shipment)]) {
    if !claims.is_empty() {
        let drawn =
            engine.settle_draws(history.aggregates(), claims.iter().map(|(at, s)| (*at, s)));
        history.merge(&drawn);
    }
}

/// Consecutive ranges of days (first, last) covering every day of `per_day`, each of at most
/// `limit` records unless it is one day.
fn day_ranges(
    per_day: &std::collections::BTreeMap<chrono::NaiveDate, u64>,
    limit: usize,
) -> Vec<(chrono::NaiveDate, chrono::NaiveDate)> {
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    let mut ranges = Vec::new();
    let mut current: Option<(chrono::NaiveDate, chrono::NaiveDate, u64)> = None;
    for (&day, &count) in per_day {
        current = match current {
            Some((from, through, held)) if held.saturating_add(count) > limit => {
                ranges.push((from, through));
                Some((day, day, count))
            }
            Some((from, _, held)) => Some((from, day, held.saturating_add(count))),
            None => Some((day, day, count)),
        };
    }
    ranges.extend(current.map(|(from, through, _)| (from, through)));
    ranges
}

/// One record's result as an audit writes it: the record's id and line, and its verdict, or
/// why it could not be read (`decision` is then `invalid`, never an allowed record). Its JSON
/// form, one object per input record, is part of the contract (`docs/verdict.schema.json`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AuditRecord<'e> {
    /// The version of this form ([`crate::verdict::SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The record's id, if it could be read.
    pub id: Option<String>,
    /// The line the record starts on, from 1.
    pub line: u64,
    /// The record's decision, or `invalid`.
    pub decision: RecordDecision,
    /// The date the rules were taken as of (absent for an invalid record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<chrono::NaiveDate>,
    /// The digest of the rule book.
    pub ruleset_digest: crate::source::Digest,
    /// The rules that played a part (none for an invalid record).
    pub matches: Vec<crate::verdict::RuleMatch<'e>>,
    /// Why the record could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RecordProblem>,
}

/// A record's decision in an audit: a verdict's, or `invalid` for a record that could not be
/// read.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum RecordDecision {
    /// No rule stops the shipment.
    Allowed,
    /// A human must look.
    Review,
    /// The shipment may go only with a valid licence.
    LicenseRequired,
    /// The shipment must not go.
    Prohibited,
    /// The record could not be read: it is never taken as allowed.
    Invalid,
}

impl RecordDecision {
    /// The name used in JSON (`license_required`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordDecision::Allowed => "allowed",
            RecordDecision::Review => "review",
            RecordDecision::LicenseRequired => "license_required",
            RecordDecision::Prohibited => "prohibited",
            RecordDecision::Invalid => "invalid",
        }
    }

    /// The verdict's decision, `None` for an invalid record.
    pub fn decision(self) -> Option<crate::verdict::Decision> {
        use crate::verdict::Decision;
        match self {
            RecordDecision::Allowed => Some(Decision::Allowed),
            RecordDecision::Review => Some(Decision::Review),
            RecordDecision::LicenseRequired => Some(Decision::LicenseRequired),
            RecordDecision::Prohibited => Some(Decision::Prohibited),
            RecordDecision::Invalid => None,
        }
    }
}

impl From<crate::verdict::Decision> for RecordDecision {
    fn from(decision: crate::verdict::Decision) -> Self {
        use crate::verdict::Decision;
        match decision {
            Decision::Allowed => RecordDecision::Allowed,
            Decision::Review => RecordDecision::Review,
            Decision::LicenseRequired => RecordDecision::LicenseRequired,
            Decision::Prohibited => RecordDecision::Prohibited,
        }
    }
}

impl std::fmt::Display for RecordDecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a record could not be read, as an audit writes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RecordProblem {
    /// What was wrong, in English.
    pub message: String,
    /// The field at fault, if one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl<'e> AuditRecord<'e> {
    /// The audit record of a record that was read and checked.
    pub fn checked(record: &Record, verdict: Verdict<'e>) -> AuditRecord<'e> {
        AuditRecord {
            schema_version: crate::verdict::SCHEMA_VERSION,
            id: Some(record.shipment.id.clone()),
            line: record.line,
            decision: verdict.decision.into(),
            as_of: Some(verdict.as_of),
            ruleset_digest: verdict.ruleset_digest,
            matches: verdict.matches,
            error: None,
        }
    }

    /// The audit record of a record that could not be read, under the rule book of `digest`.
    pub fn invalid(error: &RecordError, ruleset_digest: crate::source::Digest) -> AuditRecord<'e> {
        AuditRecord {
            schema_version: crate::verdict::SCHEMA_VERSION,
            id: error.id().map(str::to_owned),
            line: error.line(),
            decision: RecordDecision::Invalid,
            as_of: None,
            ruleset_digest,
            matches: Vec::new(),
            error: Some(RecordProblem {
                message: error.kind().to_string(),
                field: error.field().map(str::to_owned),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_ranges_hold_at_most_the_limit_unless_one_day() {
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2023, 1, d).unwrap();
        let per_day: std::collections::BTreeMap<_, _> = [
            (day(1), 1),
            (day(2), 2),
            (day(3), 5),
            (day(4), 1),
            (day(9), 1),
            (day(10), 3),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            day_ranges(&per_day, 3),
            vec![
                (day(1), day(2)),
                (day(3), day(3)),
                (day(4), day(9)),
                (day(10), day(10))
            ]
        );
        assert_eq!(day_ranges(&per_day, 13), vec![(day(1), day(10))]);
        assert_eq!(day_ranges(&per_day, 12).len(), 2);
        assert_eq!(day_ranges(&per_day, 0).len(), 6);
        assert!(day_ranges(&std::collections::BTreeMap::new(), 3).is_empty());
    }

    #[test]
    fn formats_are_told_by_the_file_name() {
        for (name, format) in [
            ("x.csv", Some(Format::Csv)),
            ("x.CSV", Some(Format::Csv)),
            ("x.jsonl", Some(Format::JsonLines)),
            ("x.ndjson", Some(Format::JsonLines)),
            ("x.JSONL", Some(Format::JsonLines)),
            ("x.json", Some(Format::Json)),
            ("x.txt", None),
            ("x", None),
        ] {
            assert_eq!(Format::from_path(Path::new(name)), format, "{name}");
        }
    }

    #[test]
    fn io_errors_compare_by_kind_and_message_and_show_both() {
        let e = |kind, text: &str| IoError::new(io::Error::new(kind, text.to_owned()));
        let a = e(io::ErrorKind::BrokenPipe, "gone");
        assert_eq!(a, e(io::ErrorKind::BrokenPipe, "gone"));
        assert_ne!(a, e(io::ErrorKind::BrokenPipe, "other"));
        assert_ne!(a, e(io::ErrorKind::NotFound, "gone"));
        assert_eq!(a.to_string(), "gone");
        assert_eq!(a.get().kind(), io::ErrorKind::BrokenPipe);
        // The cause of the operating system's error is the cause of this one.
        #[derive(Debug)]
        struct Cause(io::Error);
        impl std::fmt::Display for Cause {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("outer")
            }
        }
        impl std::error::Error for Cause {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let wrapped = IoError::new(io::Error::other(Cause(io::Error::other("inner"))));
        assert_eq!(
            std::error::Error::source(&wrapped).map(ToString::to_string),
            Some("inner".to_owned())
        );
    }

    #[test]
    fn record_decisions_are_named_as_in_json() {
        for d in [
            RecordDecision::Allowed,
            RecordDecision::Review,
            RecordDecision::LicenseRequired,
            RecordDecision::Prohibited,
            RecordDecision::Invalid,
        ] {
            let json = serde_json::to_string(&d).unwrap_or_default();
            assert_eq!(format!("\"{d}\""), json);
            assert_eq!(
                d.decision().map(RecordDecision::from),
                d.decision().map(|_| d)
            );
        }
    }
}

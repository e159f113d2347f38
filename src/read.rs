//! Streaming readers for shipment files: CSV and JSON Lines.
//!
//! Both yield one item per record, in order: the [`Record`] with its line number, or a
//! [`RecordError`] naming the line, the record's id when it has one, and the field at fault.
//! Reading goes on after a bad record, so records in = results out. Memory does not grow with the
//! file: one record is held at a time.
//!
//! CSV: a header row names the columns, in any order; `transit` and `licences` separate items
//! with `;`; columns the format does not name become attributes. JSON Lines: one object per line
//! with the same names, lists as arrays, an optional `attributes` object; blank lines are skipped.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};
use std::path::Path;

use serde::de::{MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::shipment::{Field, FieldError, FieldValue, REQUIRED_FIELDS, Shipment, ShipmentBuilder};

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
    /// The line is not a JSON object.
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
    /// A key or column given twice in one record.
    #[error("field `{field}` is given twice")]
    DuplicateField {
        /// The field.
        field: String,
    },
    /// A record longer than [`MAX_RECORD_BYTES`].
    #[error("the record is longer than {limit} bytes")]
    TooLong {
        /// The limit.
        limit: usize,
    },
    /// The file could not be read further; no record follows this one.
    #[error("read error: {message}")]
    Io {
        /// The operating system's reason.
        message: String,
    },
}

/// Why a file cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The CSV header row is missing or unusable.
    #[error("CSV header: {reason}")]
    Header {
        /// What is wrong with it.
        reason: String,
    },
    /// The file's format cannot be told from its name.
    #[error("cannot tell the format of `{0}`: name it .csv or .jsonl (or say which)")]
    UnknownFormat(String),
}

/// The file formats records can be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

impl Format {
    /// The format a file name implies: `.csv`, or `.jsonl` / `.ndjson` / `.json`.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" | "json" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

/// Records from a reader.
pub type Records<'a> = Box<dyn Iterator<Item = Result<Record, RecordError>> + Send + 'a>;

/// Opens a file (`-` for standard input) and reads its records in `format`, or the format its
/// name implies.
pub fn open(path: &Path, format: Option<Format>) -> Result<Records<'static>, ReadError> {
    let format = format
        .or_else(|| Format::from_path(path))
        .ok_or_else(|| ReadError::UnknownFormat(path.display().to_string()))?;
    let input: Box<dyn io::Read + Send> = if path == Path::new("-") {
        Box::new(io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(|source| ReadError::Io {
            path: path.display().to_string(),
            source,
        })?)
    };
    let buffered = io::BufReader::with_capacity(1 << 16, input);
    Ok(match format {
        Format::Csv => Box::new(csv(buffered)?),
        Format::JsonLines => Box::new(json_lines(buffered)),
    })
}

/// Counts lines in what the CSV parser reads, so a record's line can be found from its byte
/// offset. The `csv` crate's own line numbers are wrong after blank lines
/// (BurntSushi/rust-csv#208), and a record's byte offset then points at the blank lines it
/// skipped. A line ends at `\n`, `\r\n` or a lone `\r` (the parser accepts all three). Only the
/// line ends not yet passed are kept, so memory is bounded by the parser's read-ahead.
struct LineCounter<R> {
    inner: R,
    read: u64,
    /// Offsets of line ends not yet passed, and whether their line was empty.
    pending: std::collections::VecDeque<(u64, bool)>,
    passed: u64,
    /// Whether the line being read is empty so far.
    blank_so_far: bool,
    /// Whether the last byte read was a `\r` (a `\n` right after it ends no new line).
    after_cr: bool,
}

impl<R: io::Read> io::Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = buf.get(..n).unwrap_or_default();
        let mut line_start = 0;
        for end in memchr::memchr2_iter(b'\n', b'\r', chunk) {
            let is_cr = chunk.get(end) == Some(&b'\r');
            let empty = end == line_start && self.blank_so_far;
            if !is_cr && end == line_start && self.after_cr {
                // The `\n` of a `\r\n`: the line ended at the `\r`.
                self.after_cr = false;
                line_start = end + 1;
                continue;
            }
            self.pending.push_back((self.read + end as u64, empty));
            self.blank_so_far = true;
            self.after_cr = is_cr;
            line_start = end + 1;
        }
        if line_start < chunk.len() {
            self.blank_so_far = false;
            self.after_cr = false;
        }
        self.read += n as u64;
        Ok(n)
    }
}

impl<R> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter {
            inner,
            read: 0,
            pending: std::collections::VecDeque::new(),
            passed: 0,
            blank_so_far: true,
            after_cr: false,
        }
    }

    /// The 1-based line a record reported at `byte` starts on, past any empty lines the parser
    /// skipped (with CRLF line ends the offset is that of the previous line's `\n`). Offsets
    /// must be asked in increasing order.
    fn record_line(&mut self, byte: u64) -> u64 {
        while let Some(&(end, blank)) = self.pending.front() {
            if end <= byte || blank {
                self.pending.pop_front();
                self.passed += 1;
            } else {
                break;
            }
        }
        self.passed + 1
    }
}

/// Reads CSV records: the header row first.
pub fn csv<R: io::Read>(reader: R) -> Result<CsvRecords<R>, ReadError> {
    let counter = LineCounter::new(reader);
    let mut inner = ::csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(counter);
    let mut header = ::csv::ByteRecord::new();
    let header_error = |reason: String| ReadError::Header { reason };
    match inner.read_byte_record(&mut header) {
        Ok(true) => {}
        Ok(false) => return Err(header_error("the file is empty".into())),
        Err(e) => return Err(header_error(e.to_string())),
    }
    let mut columns = Vec::with_capacity(header.len());
    for (i, name) in header.iter().enumerate() {
        let name = std::str::from_utf8(name)
            .map_err(|_| header_error(format!("column {} is not UTF-8 text", i + 1)))?;
        let name = name.trim().trim_start_matches('\u{feff}').trim().to_owned();
        if name.is_empty() {
            return Err(header_error(format!("column {} has no name", i + 1)));
        }
        if columns.contains(&name) {
            return Err(header_error(format!("column `{name}` appears twice")));
        }
        columns.push(name);
    }
    let missing: Vec<&str> = REQUIRED_FIELDS
        .iter()
        .copied()
        .filter(|f| !columns.iter().any(|c| c == f))
        .collect();
    if !missing.is_empty() {
        return Err(header_error(format!(
            "required column{} missing: {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        )));
    }
    Ok(CsvRecords {
        inner,
        fields: columns.iter().map(|c| Field::of(c)).collect(),
        columns,
        record: ::csv::ByteRecord::new(),
        done: false,
    })
}

/// The records of a CSV file; see [`csv()`].
pub struct CsvRecords<R> {
    inner: ::csv::Reader<LineCounter<R>>,
    columns: Vec<String>,
    fields: Vec<Field>,
    record: ::csv::ByteRecord,
    done: bool,
}

impl<R> fmt::Debug for CsvRecords<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvRecords")
            .field("columns", &self.columns)
            .finish_non_exhaustive()
    }
}

impl<R: io::Read> CsvRecords<R> {
    /// The column names of the header row.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    fn parse(&self, line: u64) -> Result<Record, RecordError> {
        // The id names a record in its errors; it is read only when there is one.
        let fail = |kind| RecordError {
            line,
            id: self
                .fields
                .iter()
                .position(|f| *f == Field::Id)
                .and_then(|pos| self.record.get(pos))
                .and_then(|raw| std::str::from_utf8(raw).ok())
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned),
            kind,
        };
        if self.record.as_slice().len() > MAX_RECORD_BYTES {
            return Err(fail(RecordErrorKind::TooLong {
                limit: MAX_RECORD_BYTES,
            }));
        }
        if self.record.len() != self.columns.len() {
            return Err(fail(RecordErrorKind::FieldCount {
                expected: self.columns.len(),
                found: self.record.len(),
            }));
        }
        // One UTF-8 check for the whole record (fields split at ASCII delimiters, so each is
        // valid when the whole is); field by field only to name the one at fault.
        let Ok(all) = std::str::from_utf8(self.record.as_slice()) else {
            let field = self
                .columns
                .iter()
                .zip(self.record.iter())
                .find(|(_, raw)| std::str::from_utf8(raw).is_err())
                .map_or_else(String::new, |(name, _)| name.clone());
            return Err(fail(RecordErrorKind::NotUtf8 { field }));
        };
        let mut builder = ShipmentBuilder::default();
        let mut start = 0;
        for ((name, field), raw) in self
            .columns
            .iter()
            .zip(&self.fields)
            .zip(self.record.iter())
        {
            let text = all.get(start..start + raw.len()).unwrap_or_default();
            start += raw.len();
            builder
                .set_text(*field, name, text)
                .map_err(|e| fail(RecordErrorKind::Field(e)))?;
        }
        let shipment = builder
            .build()
            .map_err(|e| fail(RecordErrorKind::Field(e)))?;
        Ok(Record { line, shipment })
    }
}

impl<R: io::Read> Iterator for CsvRecords<R> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let byte = self.inner.position().byte();
            match self.inner.read_byte_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                // A line with nothing on it is not a record.
                Ok(true) if self.record.len() == 1 && self.record.get(0) == Some(b"") => {}
                Ok(true) => {
                    let byte = self.record.position().map_or(byte, |p| p.byte());
                    let line = self.inner.get_mut().record_line(byte);
                    return Some(self.parse(line));
                }
                Err(e) => {
                    let byte = e.position().map_or(byte, |p| p.byte());
                    let line = self.inner.get_mut().record_line(byte);
                    if matches!(e.kind(), ::csv::ErrorKind::Io(_)) {
                        self.done = true;
                    }
                    return Some(Err(RecordError {
                        line,
                        id: None,
                        kind: RecordErrorKind::Io {
                            message: e.to_string(),
                        },
                    }));
                }
            }
        }
    }
}

/// Reads JSON Lines records.
pub fn json_lines<R: BufRead>(reader: R) -> JsonLines<R> {
    JsonLines {
        reader,
        line: 0,
        buffer: Vec::new(),
        done: false,
    }
}

/// The records of a JSON Lines file; see [`json_lines`].
pub struct JsonLines<R> {
    reader: R,
    line: u64,
    buffer: Vec<u8>,
    done: bool,
}

impl<R> fmt::Debug for JsonLines<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines")
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buffer.clear();
            let read = io::Read::take(&mut self.reader, MAX_RECORD_BYTES as u64 + 1)
                .read_until(b'\n', &mut self.buffer);
            self.line += 1;
            let line = self.line;
            let fail = |kind| {
                Some(Err(RecordError {
                    line,
                    id: None,
                    kind,
                }))
            };
            match read {
                Ok(0) => {
                    self.done = true;
                    return None;
                }
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    return fail(RecordErrorKind::Io {
                        message: e.to_string(),
                    });
                }
            }
            if self.buffer.len() > MAX_RECORD_BYTES {
                // Skip the rest of the over-long line.
                if !self.buffer.ends_with(b"\n") {
                    let mut rest = Vec::new();
                    let _ = self.reader.read_until(b'\n', &mut rest);
                }
                return fail(RecordErrorKind::TooLong {
                    limit: MAX_RECORD_BYTES,
                });
            }
            let Ok(text) = std::str::from_utf8(&self.buffer) else {
                return fail(RecordErrorKind::NotUtf8 {
                    field: "line".into(),
                });
            };
            let text = text.trim_start_matches('\u{feff}').trim();
            if text.is_empty() {
                continue;
            }
            return Some(parse_json_record(text, line));
        }
        None
    }
}

/// The fields of one JSON object in order, each as its raw JSON text, so numbers keep their
/// exact digits and a key given twice can be reported.
struct RawFields<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for RawFields<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = RawFields<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut fields = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    fields.push((k, v));
                }
                Ok(RawFields(fields))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

fn parse_json_record(text: &str, line: u64) -> Result<Record, RecordError> {
    let syntax = |e: serde_json::Error| RecordError {
        line,
        id: None,
        kind: RecordErrorKind::Syntax {
            message: e.to_string(),
        },
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let fields = <RawFields<'_> as serde::Deserialize>::deserialize(&mut de).map_err(syntax)?;
    de.end().map_err(syntax)?;

    let mut builder = ShipmentBuilder::default();
    if let Some((_, raw)) = fields.0.iter().find(|(k, _)| k == "id")
        && let Ok(value) = json_value(raw)
    {
        let _ = builder.set("id", value);
    }
    let id = builder.id().map(str::to_owned);
    let fail = |kind| RecordError {
        line,
        id: id.clone(),
        kind,
    };
    for (i, (name, raw)) in fields.0.iter().enumerate() {
        if fields.0.iter().take(i).any(|(earlier, _)| earlier == name) {
            return Err(fail(RecordErrorKind::DuplicateField {
                field: name.clone(),
            }));
        }
        let value = json_value(raw).map_err(|reason| {
            fail(RecordErrorKind::Field(FieldError::Invalid {
                field: name.clone(),
                value: raw.get().chars().take(80).collect(),
                reason,
            }))
        })?;
        builder
            .set(name, value)
            .map_err(|e| fail(RecordErrorKind::Field(e)))?;
    }
    let shipment = builder
        .build()
        .map_err(|e| fail(RecordErrorKind::Field(e)))?;
    Ok(Record { line, shipment })
}

/// A raw JSON value as a field value: strings unescaped, numbers and booleans as written.
fn json_value(raw: &RawValue) -> Result<FieldValue<'static>, String> {
    let text = raw.get().trim();
    let scalar = |raw: &RawValue| -> Result<Option<String>, String> {
        let t = raw.get().trim();
        match t.as_bytes().first() {
            Some(b'"') => serde_json::from_str::<String>(t)
                .map(Some)
                .map_err(|e| e.to_string()),
            Some(b'n') => Ok(None),
            Some(b'[' | b'{') => Err("expected a string or a number".into()),
            _ => Ok(Some(t.to_owned())),
        }
    };
    match text.as_bytes().first() {
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| e.to_string())?;
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if let Some(s) = scalar(item)? {
                    out.push(Cow::Owned(s));
                }
            }
            Ok(FieldValue::List(out))
        }
        Some(b'{') => {
            let entries = <RawFields<'_> as serde::Deserialize>::deserialize(
                &mut serde_json::Deserializer::from_str(text),
            )
            .map_err(|e| e.to_string())?;
            let mut out = Vec::with_capacity(entries.0.len());
            for (k, v) in entries.0 {
                if let Some(s) = scalar(v)? {
                    out.push((k, s));
                }
            }
            Ok(FieldValue::Map(out))
        }
        _ => Ok(match scalar(raw)? {
            Some(s) => FieldValue::Text(Cow::Owned(s)),
            None => FieldValue::Null,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "\u{feff}destination,id,date,hs_code,export_country,transit,licences,buyer_type\n\
        RU,A1,2023-11-15,8542.31,KZ,BY;AM,L1;L2,government\n\
        RU,A2,2023-02-30,854231,KZ,,,\n\
        RU,A3,2023-11-15,854231\n\
        \n\
        CN,A4,2023-11-15,930190,KZ,,,\n";

    #[test]
    fn csv_reads_every_record_and_reports_bad_ones() {
        let results: Vec<_> = csv(CSV.as_bytes()).unwrap().collect();
        assert_eq!(results.len(), 4);
        let first = results[0].as_ref().unwrap();
        assert_eq!(first.line, 2);
        assert_eq!(first.shipment.transit.len(), 2);
        assert_eq!(first.shipment.licences, ["L1", "L2"]);
        assert_eq!(
            first
                .shipment
                .attributes
                .get("buyer_type")
                .map(String::as_str),
            Some("government")
        );
        let bad_date = results[1].as_ref().unwrap_err();
        assert_eq!(bad_date.line(), 3);
        assert_eq!(bad_date.id(), Some("A2"));
        assert_eq!(bad_date.field(), Some("date"));
        let short = results[2].as_ref().unwrap_err();
        assert_eq!(
            short.kind(),
            &RecordErrorKind::FieldCount {
                expected: 8,
                found: 4
            }
        );
        assert_eq!(short.line(), 4);
        let last = results[3].as_ref().unwrap();
        assert_eq!(last.line, 6);
        assert_eq!(last.shipment.id, "A4");
    }

    #[test]
    fn csv_lines_survive_crlf_blank_lines_and_multiline_fields() {
        let text = "id,date,hs_code,export_country,destination,description\r\n\r\n\r\n\
            C1,2023-01-01,930190,KZ,CN,\"two\r\n\r\nlines\"\r\n\r\n\
            C2,2023-01-01,930190,KZ,CN,x\r\n";
        let lines: Vec<u64> = csv(text.as_bytes())
            .unwrap()
            .map(|r| r.unwrap().line)
            .collect();
        assert_eq!(lines, [4, 8]);
    }

    #[test]
    fn csv_lines_with_lone_carriage_returns() {
        // Found by fuzzing: old Mac line ends. Each record is on its own line.
        let text = "id,date,hs_code,export_country,destination\rC1,2023-01-01,930190,KZ,CN\r\rC2,2023-01-01,930190,KZ,CN\r\nC3,2023-01-01,930190,KZ,CN\n";
        let lines: Vec<u64> = csv(text.as_bytes())
            .unwrap()
            .map(|r| r.unwrap().line)
            .collect();
        assert_eq!(lines, [2, 4, 5]);
    }

    #[test]
    fn csv_header_problems_fail_the_file() {
        for (text, needle) in [
            ("", "empty"),
            ("id,date,hs_code,export_country\n", "destination"),
            ("id,id,date,hs_code,export_country,destination\n", "twice"),
            ("id,,date,hs_code,export_country,destination\n", "no name"),
        ] {
            let err = csv(text.as_bytes()).unwrap_err();
            assert!(err.to_string().contains(needle), "{text:?}: {err}");
        }
    }

    #[test]
    fn csv_invalid_utf8_is_one_bad_record() {
        let mut bytes = b"id,date,hs_code,export_country,destination,description\n".to_vec();
        bytes.extend_from_slice(b"B1,2023-01-01,930190,KZ,CN,caf\xe9\n");
        bytes.extend_from_slice(b"B2,2023-01-01,930190,KZ,CN,ok\n");
        let results: Vec<_> = csv(&bytes[..]).unwrap().collect();
        assert_eq!(results.len(), 2);
        assert_eq!(
            results[0].as_ref().unwrap_err().field(),
            Some("description")
        );
        assert!(results[1].is_ok());
    }

    #[test]
    fn json_lines_keep_exact_numbers_and_report_lines() {
        let text = concat!(
            r#"{"id":"J1","date":"2023-11-15","hs_code":"8542.31","export_country":"KZ","destination":"RU","value":12345678901234567.89,"currency":"USD","transit":["BY"]}"#,
            "\n\n",
            r#"{"id":"J2","date":"2023-11-15"}"#,
            "\n",
            "not json\n",
            r#"{"id":"J4","id":"J5","date":"2023-11-15","hs_code":"854231","export_country":"KZ","destination":"RU"}"#,
            "\n",
            r#"{"id":"J6","date":"2023-11-15","hs_code":"854231","export_country":"KZ","destination":"RU","attributes":{"buyer_type":"government"},"lot":7}"#,
        );
        let results: Vec<_> = json_lines(text.as_bytes()).collect();
        assert_eq!(results.len(), 5);
        let first = results[0].as_ref().unwrap();
        assert_eq!(
            first.shipment.value.unwrap().to_string(),
            "12345678901234567.89"
        );
        let missing = results[1].as_ref().unwrap_err();
        assert_eq!((missing.line(), missing.field()), (3, Some("hs_code")));
        assert!(matches!(
            results[2].as_ref().unwrap_err().kind(),
            RecordErrorKind::Syntax { .. }
        ));
        assert_eq!(results[2].as_ref().unwrap_err().line(), 4);
        assert!(matches!(
            results[3].as_ref().unwrap_err().kind(),
            RecordErrorKind::DuplicateField { .. }
        ));
        let last = results[4].as_ref().unwrap();
        assert_eq!(last.line, 6);
        assert_eq!(last.shipment.attributes.len(), 2);
    }
}

//! CSV files: a header row, then one record per row.

use std::fmt;
use std::io;

use std::collections::HashSet;

use super::{
    IoError, MAX_RECORD_BYTES, ReadError, ReadOptions, Record, RecordError, RecordErrorKind,
};
use crate::shipment::{Field, ShipmentBuilder};

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

/// Reads CSV records: the header row first. Columns that name no field are attributes;
/// see [`csv_with`] for a column whose name is one edit away from a field's.
pub fn csv<R: io::Read>(reader: R) -> Result<CsvRecords<R>, ReadError> {
    csv_with(reader, &ReadOptions::default())
}

/// Reads CSV records with options. A column whose name is one edit away from a field's
/// (`orign`, `destinaton`) is an error naming the field it probably means, unless
/// [`ReadOptions::attribute_columns`] names it: a misspelt column must not turn a field the rules
/// test into an attribute they never look at.
pub fn csv_with<R: io::Read>(reader: R, options: &ReadOptions) -> Result<CsvRecords<R>, ReadError> {
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
    let mut fields = Vec::with_capacity(header.len());
    let mut seen = HashSet::with_capacity(header.len());
    for (i, name) in header.iter().enumerate() {
        let name = std::str::from_utf8(name)
            .map_err(|_| header_error(format!("column {} is not UTF-8 text", i + 1)))?;
        let name = name.trim().trim_start_matches('\u{feff}').trim().to_owned();
        if name.is_empty() {
            return Err(header_error(format!("column {} has no name", i + 1)));
        }
        if !seen.insert(name.clone()) {
            return Err(header_error(format!("column `{name}` appears twice")));
        }
        let field = Field::from_name(&name);
        if field.is_none()
            && let Some(meant) = Field::one_edit_from(&name)
            && !options.attribute_columns.contains(&name)
        {
            return Err(header_error(format!(
                "column `{name}` is one letter away from the field `{meant}`: rename it, or \
                 read it as an attribute on purpose (attribute columns option)"
            )));
        }
        fields.push(field);
        columns.push(name);
    }
    let missing: Vec<&str> = Field::required()
        .filter(|f| !fields.contains(&Some(*f)))
        .map(Field::name)
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
        fields,
        columns,
        record: ::csv::ByteRecord::new(),
        done: false,
    })
}

/// The records of a CSV file; see [`csv()`].
pub struct CsvRecords<R> {
    inner: ::csv::Reader<LineCounter<R>>,
    columns: Vec<String>,
    /// The field of each column; `None` for an attribute.
    fields: Vec<Option<Field>>,
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
                .position(|f| *f == Some(Field::Id))
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
            match field {
                Some(field) => builder.set_text(*field, text),
                None => builder.set_attribute(name, text),
            }
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
                    let message = e.to_string();
                    let kind = match e.into_kind() {
                        ::csv::ErrorKind::Io(source) => {
                            self.done = true;
                            RecordErrorKind::Io {
                                source: IoError::new(source),
                            }
                        }
                        _ => RecordErrorKind::Syntax { message },
                    };
                    return Some(Err(RecordError {
                        line,
                        id: None,
                        kind,
                    }));
                }
            }
        }
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
}

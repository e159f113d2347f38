//! CSV files: a header row, then one record per row.
//!
//! Lines are read with bounded memory ([`super::lines`]) and each record is split into fields
//! by `csv-core`, the parser of the `csv` crate, fed one line at a time. A record whose quoted
//! field goes on to the next line is put together line by line, but only while that is
//! believable: a quote still open at the end of the file, a record over
//! [`MAX_RECORD_LINES`] lines or [`MAX_RECORD_BYTES`] bytes, or a continued line that reads as
//! a record of its own makes the record an error at the line where the quote opened, and the
//! lines after that line are read again as records of their own. So no record can disappear
//! into another one's field: at worst it is read on its own, or reported.

use std::collections::VecDeque;
use std::fmt;
use std::io;

use csv_core::ReadRecordResult;

use super::lines::{Ends, Line, Lines, Stop, skip_blank_start};
use super::{
    Columns, IoError, MAX_RECORD_BYTES, QuoteProblem, ReadError, ReadOptions, Record, RecordError,
    RecordErrorKind,
};

/// Most lines one CSV record may span (through quoted fields that hold line breaks).
pub const MAX_RECORD_LINES: usize = 100;

/// Reads CSV records: the header row first. Columns that name no field are attributes;
/// see [`csv_with`] for a column whose name is one edit away from a field's.
pub fn csv<R: io::BufRead>(reader: R) -> Result<CsvRecords<R>, ReadError> {
    csv_with(reader, &ReadOptions::default())
}

/// Reads CSV records with options. A column whose name is one edit away from a field's
/// (`orign`, `destinaton`) is an error naming the field it probably means, unless
/// [`ReadOptions::attribute_columns`] names it: a misspelt column must not turn a field the rules
/// test into an attribute they never look at.
pub fn csv_with<R: io::BufRead>(
    mut reader: R,
    options: &ReadOptions,
) -> Result<CsvRecords<R>, ReadError> {
    let io_error = |source| ReadError::Io {
        path: "-".into(),
        source,
    };
    let blank = skip_blank_start(&mut reader, Ends::Any)
        .map_err(io_error)?
        .ok_or(ReadError::Empty)?;
    let mut lines = Lines::new(reader, Ends::Any);
    lines.skip_numbers(blank);
    let header_error = |reason: String| ReadError::Header { reason };
    let mut parser = Parser::default();
    match lines.next_line() {
        Ok(Some(Line::Text { content, end, .. })) => {
            if !parser.feed_line(content, end) {
                return Err(header_error(
                    "a quote in the header row is not closed on its line".into(),
                ));
            }
        }
        Ok(Some(Line::TooLong { .. })) => {
            return Err(header_error(format!(
                "the header row is longer than {MAX_RECORD_BYTES} bytes"
            )));
        }
        Ok(None) => return Err(ReadError::Empty),
        Err(Stop::Io(source)) => return Err(io_error(source)),
        Err(Stop::Endless) => {
            return Err(header_error(format!(
                "the header row is longer than {MAX_RECORD_BYTES} bytes"
            )));
        }
    }
    let mut names = Vec::with_capacity(parser.ends.len());
    for (i, name) in parser.fields().enumerate() {
        let name = std::str::from_utf8(name)
            .map_err(|_| header_error(format!("column {} is not UTF-8 text", i + 1)))?;
        names.push(name.trim().trim_start_matches('\u{feff}').trim().to_owned());
    }
    let columns = Columns::new(names, options)?;
    Ok(CsvRecords {
        lines,
        parser,
        probe: Parser::default(),
        columns,
        span: Vec::new(),
        span_lines: Vec::new(),
        reread: VecDeque::new(),
        stop: None,
        done: false,
    })
}

/// `csv-core` with the buffers a record's fields are written to.
struct Parser {
    core: csv_core::Reader,
    /// The fields' bytes, one after the other.
    out: Vec<u8>,
    /// Where each field ends in `out`.
    ends: Vec<usize>,
    out_len: usize,
}

impl Default for Parser {
    fn default() -> Self {
        Parser {
            // `csv_core::Reader::default()` has no transition table built: `new` does.
            core: csv_core::Reader::new(),
            out: Vec::new(),
            ends: Vec::new(),
            out_len: 0,
        }
    }
}

impl Parser {
    /// Starts a new record.
    fn reset(&mut self) {
        self.core.reset();
        self.ends.clear();
        self.out_len = 0;
    }

    /// Feeds bytes; true when a record ended in them (the bytes after its end are dropped: only
    /// the rest of a line end can follow).
    fn feed(&mut self, mut input: &[u8]) -> bool {
        if self.out.is_empty() {
            self.out.resize(1024, 0);
        }
        let mut ends = [0usize; 64];
        loop {
            let out = self.out.get_mut(self.out_len..).unwrap_or_default();
            let (result, read, written, ended) = self.core.read_record(input, out, &mut ends);
            input = input.get(read..).unwrap_or_default();
            self.out_len += written;
            self.ends
                .extend_from_slice(ends.get(..ended).unwrap_or_default());
            match result {
                ReadRecordResult::InputEmpty => return false,
                ReadRecordResult::OutputFull => {
                    let len = self.out.len().max(1024) * 2;
                    self.out.resize(len, 0);
                }
                ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::Record | ReadRecordResult::End => return true,
            }
        }
    }

    /// Feeds one line from the start of a record (or continuing one); true when the record
    /// ended on it. A last line without a line end is ended here, so that a quote still open
    /// on it is seen: a record then does not end.
    fn feed_line(&mut self, content: &[u8], end: &[u8]) -> bool {
        if !content.is_empty() && self.feed(content) {
            return true;
        }
        self.feed(if end.is_empty() { b"\n" } else { end })
    }

    /// The fields of the record just read.
    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let out = self.out.get(..self.out_len).unwrap_or_default();
        self.ends.iter().scan(0usize, move |start, &end| {
            let field = out.get(*start..end).unwrap_or_default();
            *start = end;
            Some(field)
        })
    }

    /// The number of fields of `content` read as one record on its own line, if it ends on it.
    fn fields_alone(&mut self, content: &[u8]) -> Option<usize> {
        self.reset();
        let ended = self.feed_line(content, b"\n");
        let fields = self.ends.len();
        self.reset();
        ended.then_some(fields)
    }
}

/// A line to read again after a record that spanned it was given up.
enum Reread {
    Text { number: u64, line: Vec<u8> },
    TooLong { number: u64 },
}

/// The records of a CSV file; see [`csv()`].
pub struct CsvRecords<R> {
    lines: Lines<R>,
    parser: Parser,
    /// A second parser, to read a line on its own.
    probe: Parser,
    columns: Columns,
    /// The lines of a record being put together across lines, with their ends.
    span: Vec<u8>,
    /// The number of each line in `span` and where it starts there.
    span_lines: Vec<(u64, usize)>,
    /// Lines to read again, each as a record of its own.
    reread: VecDeque<Reread>,
    /// Why reading stopped, told after the lines read again.
    stop: Option<RecordError>,
    done: bool,
}

impl<R> fmt::Debug for CsvRecords<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvRecords")
            .field("columns", &self.columns.names())
            .finish_non_exhaustive()
    }
}

impl<R: io::BufRead> CsvRecords<R> {
    /// The column names of the header row.
    pub fn columns(&self) -> &[String] {
        self.columns.names()
    }

    /// The record's id, to name it in its errors, when the fields hold one.
    fn id(&self) -> Option<String> {
        let pos = self.columns.id_column()?;
        let raw = self.parser.fields().nth(pos)?;
        let id = std::str::from_utf8(raw).ok()?.trim();
        (!id.is_empty()).then(|| id.to_owned())
    }

    fn parse(&self, line: u64) -> Result<Record, RecordError> {
        let fail = |kind| RecordError {
            line,
            id: self.id(),
            kind,
        };
        if self.parser.ends.len() != self.columns.len() {
            return Err(fail(RecordErrorKind::FieldCount {
                expected: self.columns.len(),
                found: self.parser.ends.len(),
            }));
        }
        // One UTF-8 check for the whole record (fields split at ASCII delimiters, so each is
        // valid when the whole is); field by field only to name the one at fault.
        let bytes = self
            .parser
            .out
            .get(..self.parser.out_len)
            .unwrap_or_default();
        let Ok(all) = std::str::from_utf8(bytes) else {
            let field = self
                .columns
                .names()
                .iter()
                .zip(self.parser.fields())
                .find(|(_, raw)| std::str::from_utf8(raw).is_err())
                .map_or_else(String::new, |(name, _)| name.clone());
            return Err(fail(RecordErrorKind::NotUtf8 { field }));
        };
        let ends = &self.parser.ends;
        self.columns.record(line, |i| {
            let start = i.checked_sub(1).and_then(|p| ends.get(p)).copied();
            all.get(start.unwrap_or(0)..*ends.get(i)?)
        })
    }

    /// Gives up the record being put together across lines: an error at the line it started
    /// on, and the lines after that one read again, each on its own.
    fn give_up(&mut self, problem: QuoteProblem, then: Option<Reread>) -> RecordError {
        let start = self.span_lines.first().map_or(0, |&(n, _)| n);
        let error = RecordError {
            line: start,
            id: self.id(),
            kind: RecordErrorKind::OpenQuote { problem },
        };
        let bounds: Vec<(u64, usize, usize)> = self
            .span_lines
            .iter()
            .enumerate()
            .map(|(i, &(n, at))| {
                let to = self
                    .span_lines
                    .get(i + 1)
                    .map_or(self.span.len(), |&(_, next)| next);
                (n, at, to)
            })
            .collect();
        let mut again: Vec<Reread> = bounds
            .into_iter()
            .skip(1)
            .map(|(number, at, to)| Reread::Text {
                number,
                line: self.span.get(at..to).unwrap_or_default().to_vec(),
            })
            .collect();
        again.extend(then);
        for line in again.into_iter().rev() {
            self.reread.push_front(line);
        }
        self.span.clear();
        self.span_lines.clear();
        self.parser.reset();
        error
    }

    /// A line read again: a record on its own, or an error.
    fn reread(&mut self, line: Reread) -> Option<Result<Record, RecordError>> {
        let (number, line) = match line {
            Reread::TooLong { number } => return Some(Err(too_long(number))),
            Reread::Text { number, line } => (number, line),
        };
        let content_len = line
            .iter()
            .rposition(|b| !matches!(b, b'\r' | b'\n'))
            .map_or(0, |i| i + 1);
        let (content, end) = line.split_at(content_len);
        if content.is_empty() {
            return None;
        }
        self.parser.reset();
        if self.parser.feed_line(content, end) {
            let result = self.parse(number);
            self.parser.reset();
            return Some(result);
        }
        let error = RecordError {
            line: number,
            id: self.id(),
            kind: RecordErrorKind::OpenQuote {
                problem: QuoteProblem::NotClosedOnItsLine,
            },
        };
        self.parser.reset();
        Some(Err(error))
    }
}

fn too_long(line: u64) -> RecordError {
    RecordError {
        line,
        id: None,
        kind: RecordErrorKind::TooLong {
            limit: MAX_RECORD_BYTES,
        },
    }
}

impl<R: io::BufRead> Iterator for CsvRecords<R> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.span_lines.is_empty()
                && let Some(line) = self.reread.pop_front()
            {
                match self.reread(line) {
                    Some(result) => return Some(result),
                    None => continue,
                }
            }
            if self.done {
                return self.stop.take().map(Err);
            }
            let spanning = !self.span_lines.is_empty();
            let (number, content, end) = match self.lines.next_line() {
                Ok(Some(Line::Text {
                    number,
                    content,
                    end,
                })) => (number, content, end),
                Ok(Some(Line::TooLong { number })) => {
                    if spanning {
                        let then = Some(Reread::TooLong { number });
                        return Some(Err(self.give_up(QuoteProblem::TooLong, then)));
                    }
                    return Some(Err(too_long(number)));
                }
                Ok(None) => {
                    self.done = true;
                    if spanning {
                        return Some(Err(self.give_up(QuoteProblem::EndOfFile, None)));
                    }
                    return None;
                }
                Err(stop) => {
                    self.done = true;
                    let error = stop_error(self.lines.number() + 1, stop);
                    if spanning {
                        // What was being put together is reported first, its lines read
                        // again, and then why reading stopped.
                        self.stop = Some(error);
                        return Some(Err(self.give_up(QuoteProblem::EndOfFile, None)));
                    }
                    return Some(Err(error));
                }
            };
            if !spanning {
                // A line with nothing on it is not a record.
                if content.is_empty() {
                    continue;
                }
                self.parser.reset();
                if self.parser.feed_line(content, end) {
                    let result = self.parse(number);
                    self.parser.reset();
                    return Some(result);
                }
                if end.is_empty() {
                    // The last line, its quote still open.
                    let error = RecordError {
                        line: number,
                        id: self.id(),
                        kind: RecordErrorKind::OpenQuote {
                            problem: QuoteProblem::EndOfFile,
                        },
                    };
                    self.parser.reset();
                    return Some(Err(error));
                }
                self.span_lines.push((number, 0));
                self.span.extend_from_slice(content);
                self.span.extend_from_slice(end);
                continue;
            }
            // A line that goes on a record whose quoted field is open.
            let line: Vec<u8> = [content, end].concat();
            let alone = (!content.is_empty())
                .then(|| self.probe.fields_alone(content))
                .flatten();
            self.span_lines.push((number, self.span.len()));
            self.span.extend_from_slice(&line);
            if alone == Some(self.columns.len()) {
                return Some(Err(
                    self.give_up(QuoteProblem::RunsIntoRecord { line: number }, None)
                ));
            }
            if self.span.len() > MAX_RECORD_BYTES {
                return Some(Err(self.give_up(QuoteProblem::TooLong, None)));
            }
            if self.span_lines.len() > MAX_RECORD_LINES {
                return Some(Err(self.give_up(QuoteProblem::TooManyLines, None)));
            }
            if self.parser.feed_line(content, end) {
                let start = self.span_lines.first().map_or(number, |&(n, _)| n);
                let result = self.parse(start);
                self.span.clear();
                self.span_lines.clear();
                self.parser.reset();
                return Some(result);
            }
            if end.is_empty() {
                return Some(Err(self.give_up(QuoteProblem::EndOfFile, None)));
            }
        }
    }
}

/// The error that ends reading.
fn stop_error(line: u64, stop: Stop) -> RecordError {
    RecordError {
        line,
        id: None,
        kind: match stop {
            Stop::Io(source) => RecordErrorKind::Io {
                source: IoError::new(source),
            },
            Stop::Endless => RecordErrorKind::Endless {
                limit: super::lines::MAX_SKIPPED_LINE_BYTES,
            },
        },
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
        let records = csv(CSV.as_bytes()).unwrap();
        assert_eq!(
            records.columns(),
            [
                "destination",
                "id",
                "date",
                "hs_code",
                "export_country",
                "transit",
                "licences",
                "buyer_type"
            ]
        );
        assert!(format!("{records:?}").starts_with("CsvRecords { columns: [\"destination\""));
        let results: Vec<_> = records.collect();
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
        assert_eq!(short.id(), Some("A3"), "the id column is the second");
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

    /// A record longer than the parser's first buffer (1 KiB) is read whole, and so is the
    /// next.
    #[test]
    fn csv_a_record_longer_than_the_buffer_reads_whole() {
        let long = "x".repeat(5000);
        let text = format!(
            "id,date,hs_code,export_country,destination,description\n\
             L1,2023-01-01,930190,KZ,CN,{long}\nL2,2023-01-01,930190,KZ,CN,short\n"
        );
        let records: Vec<_> = csv(text.as_bytes()).unwrap().map(Result::unwrap).collect();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].shipment.description.as_deref(), Some(&*long));
        assert_eq!(records[1].shipment.id, "L2");
    }

    /// What each result names: its line, and the id of a record read.
    fn seen(text: &str) -> Vec<(u64, Option<String>)> {
        csv(text.as_bytes())
            .unwrap()
            .map(|r| match r {
                Ok(record) => (record.line, Some(record.shipment.id)),
                Err(e) => (e.line(), None),
            })
            .collect()
    }

    /// The lines after a quote left open are read again, each on its own: blank lines among
    /// them are no records, as elsewhere, and the last line is read whether or not it ends
    /// with a line end.
    #[test]
    fn csv_lines_after_an_open_quote_are_read_again_to_the_last() {
        let header = "id,date,hs_code,export_country,destination,description\n";
        for last_end in ["", "\n", "\r\n"] {
            // Runs into a record: given up at Q2, which is read again with what came before.
            let text = format!(
                "{header}Q1,2023-01-01,090111,KZ,CN,\"coffee\n\n\r\n\
                 Q2,2023-01-01,930190,KZ,RU,x\nQ3,2023-01-01,930190,KZ,RU,y{last_end}"
            );
            assert_eq!(
                seen(&text),
                [(2, None), (5, Some("Q2".into())), (6, Some("Q3".into()))],
                "{last_end:?}"
            );
            let q2 = csv(text.as_bytes()).unwrap().nth(1).unwrap().unwrap();
            assert_eq!(q2.shipment.description.as_deref(), Some("x"), "read whole");
            // Open to the end of the file: every line after the first read again, the last
            // one too, of one character (each too short to be a record: an error of its own).
            let text = format!("{header}Q1,2023-01-01,090111,KZ,CN,\"coffee\nbeans\n\nr{last_end}");
            assert_eq!(
                seen(&text),
                [(2, None), (3, None), (5, None)],
                "{last_end:?}"
            );
        }
    }

    /// A quoted field open over lines stops at `MAX_RECORD_BYTES` however many lines it takes
    /// (here three of 400,000 bytes, none too long alone): an error at the line it opened on,
    /// the lines after it read again, and the record after them read.
    #[test]
    fn csv_an_open_quote_is_bounded_in_bytes_over_lines() {
        let filler = "a".repeat(400_000);
        let text = format!(
            "id,date,hs_code,export_country,destination,description\n\
             B1,2023-01-01,090111,KZ,CN,\"coffee\n{filler}\n{filler}\n{filler}\n\
             B2,2023-01-01,930190,KZ,RU,x\n"
        );
        let results: Vec<_> = csv(text.as_bytes()).unwrap().collect();
        let first = results[0].as_ref().unwrap_err();
        assert_eq!(first.line(), 2);
        assert_eq!(
            first.kind(),
            &RecordErrorKind::OpenQuote {
                problem: QuoteProblem::TooLong
            }
        );
        assert_eq!(results.len(), 5, "the three lines, each an error, then B2");
        assert_eq!(results[4].as_ref().unwrap().shipment.id, "B2");
    }

    /// A record whose quoted field spans lines may take exactly `MAX_RECORD_BYTES` bytes, line
    /// ends included, and is delimited as one record (its description is then too long as a
    /// field); one byte more is given up as too long over lines.
    #[test]
    fn csv_a_spanning_record_of_exactly_max_record_bytes_is_read() {
        let first = "M1,2023-01-01,090111,KZ,CN,\"coffee\n";
        let last = "end\"\n";
        for extra in [0, 1] {
            // Three filler lines, each well under the limit alone.
            let fill = MAX_RECORD_BYTES - first.len() - last.len() - 3 + extra;
            let third = fill / 3;
            let filler = format!(
                "{}\n{}\n{}\n",
                "a".repeat(third),
                "a".repeat(third),
                "a".repeat(fill - 2 * third)
            );
            let record = format!("{first}{filler}{last}");
            assert_eq!(record.len(), MAX_RECORD_BYTES + extra);
            let text = format!("id,date,hs_code,export_country,destination,description\n{record}");
            let result = csv(text.as_bytes()).unwrap().next().unwrap();
            let error = result.unwrap_err();
            if extra == 0 {
                // Delimited as one record; its description is then too long as a field.
                assert_eq!((error.line(), error.id()), (2, Some("M1")));
                assert_eq!(error.field(), Some("description"), "{error}");
            } else {
                assert_eq!(
                    error.kind(),
                    &RecordErrorKind::OpenQuote {
                        problem: QuoteProblem::TooLong
                    }
                );
            }
        }
    }

    /// A quoted field may span up to `MAX_RECORD_LINES` lines with its record: that many
    /// read as one record, one more is given up.
    #[test]
    fn csv_an_open_quote_spans_at_most_max_record_lines() {
        for lines in [MAX_RECORD_LINES, MAX_RECORD_LINES + 1] {
            let filler = "a\n".repeat(lines - 2);
            let text = format!(
                "id,date,hs_code,export_country,destination,description\n\
                 M1,2023-01-01,090111,KZ,CN,\"coffee\n{filler}end\"\n"
            );
            let first = csv(text.as_bytes()).unwrap().next().unwrap();
            if lines == MAX_RECORD_LINES {
                let record = first.unwrap();
                assert_eq!((record.line, record.shipment.id.as_str()), (2, "M1"));
            } else {
                assert_eq!(
                    first.unwrap_err().kind(),
                    &RecordErrorKind::OpenQuote {
                        problem: QuoteProblem::TooManyLines
                    }
                );
            }
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

//! Records of the delimited files lists come in (CSV, tab-separated), each with the byte
//! offset it starts at, for located errors.

use csv_core::ReadRecordResult;

use crate::error::{RuleError, RuleErrorKind};
use crate::source::Source;

/// A problem of a list file at byte `at`: the field (`key`), its value (80 characters at most)
/// and why it is refused.
pub(crate) fn invalid(
    source: &Source,
    at: usize,
    key: &str,
    value: &str,
    reason: &str,
) -> RuleError {
    RuleError::new(
        RuleErrorKind::InvalidValue {
            key: key.to_owned(),
            value: value.chars().take(80).collect(),
            reason: reason.to_owned(),
        },
        source.locate(at..at),
        source.shared_text(),
    )
}

/// Each record of a delimited text (quotes as in CSV) with the byte offset it starts at;
/// `None` fields are empty or `-0-` (OFAC's empty field).
pub(crate) fn records(text: &str, delimiter: u8) -> Vec<(usize, Vec<Option<String>>)> {
    let bytes = text.as_bytes();
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = vec![0u8; 4096];
    // Field ends are offsets into the record's whole output: both buffers grow, never shift.
    let mut ends = vec![0usize; 32];
    let mut records = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        // A record starts after the line ends before it (the reader may leave a `\n`).
        while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        if at >= bytes.len() {
            break;
        }
        let start = at;
        let (mut written, mut ended) = (0usize, 0usize);
        loop {
            let input = bytes.get(at..).unwrap_or_default();
            let output = out.get_mut(written..).unwrap_or_default();
            let ends_out = ends.get_mut(ended..).unwrap_or_default();
            let (result, nin, nout, nend) = reader.read_record(input, output, ends_out);
            at += nin;
            written += nout;
            ended += nend;
            match result {
                ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                ReadRecordResult::Record | ReadRecordResult::End => break,
                // All the input was read; the next call, with no input, ends the record.
                ReadRecordResult::InputEmpty => {}
            }
            if result == ReadRecordResult::InputEmpty && at >= bytes.len() && nin == 0 {
                // The reader has had the empty input that ends the file and still wants more:
                // nothing more will come.
                break;
            }
        }
        let mut fields = Vec::with_capacity(ended);
        let mut from = 0;
        for &end in ends.get(..ended).unwrap_or_default() {
            fields.push(field(out.get(from..end).unwrap_or_default()));
            from = end;
        }
        // A blank line, or the DOS end-of-file byte, is no record.
        let blank = fields.iter().all(|f| {
            f.as_deref()
                .is_none_or(|t| t.trim_matches('\u{1a}').is_empty())
        });
        if !blank {
            records.push((start, fields));
        }
    }
    records
}

/// A field's text, trimmed; `None` for `-0-` or nothing.
fn field(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    (!text.is_empty() && text != "-0-").then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_of_many_fields_and_without_a_last_line_end_read_whole() {
        let wide = format!("{}x\n1,2", ",".repeat(100));
        let rows = records(&wide, b',');
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1.len(), 101);
        assert_eq!(rows[0].1[100].as_deref(), Some("x"));
        assert_eq!(rows[1].0, 102);
        assert_eq!(rows[1].1, [Some("1".to_owned()), Some("2".to_owned())]);
        let quoted = records("\"a, b\"\t\"c\"\"d\"\n", b'\t');
        assert_eq!(
            quoted[0].1,
            [Some("a, b".to_owned()), Some("c\"d".to_owned())]
        );
        assert!(records("", b',').is_empty());
        assert!(records("\r\n\n\u{1a}", b',').is_empty());
        // A quote never closed ends with the text.
        assert_eq!(records("\"open", b',').len(), 1);
    }

    #[test]
    fn the_fuzz_finding_of_a_record_of_many_fields_reads() {
        let text = format!("9639,{}9150,\"aka\",\"HAN\"\n", ",".repeat(40));
        let rows = records(&text, b',');
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1.len(), 44);
    }
}

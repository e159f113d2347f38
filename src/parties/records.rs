//! Records of the delimited files lists come in (CSV, tab-separated), each with the byte
//! offset it starts at, for located errors.

use csv_core::ReadRecordResult;

/// Each record of a delimited text (quotes as in CSV) with the byte offset it starts at;
/// `None` fields are empty or `-0-` (OFAC's empty field).
pub(crate) fn records(text: &str, delimiter: u8) -> Vec<(usize, Vec<Option<String>>)> {
    let bytes = text.as_bytes();
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = vec![0u8; 4096];
    let mut ends = [0usize; 32];
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
        let mut fields: Vec<Option<String>> = Vec::new();
        let mut written = 0usize;
        let mut ended = 0usize;
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
                ReadRecordResult::OutputEndsFull => {
                    // Flush the fields seen so far; their ends restart from zero.
                    let mut from = 0;
                    for &end in ends.get(..ended).unwrap_or_default() {
                        fields.push(field(out.get(from..end).unwrap_or_default()));
                        from = end;
                    }
                    out.copy_within(from..written, 0);
                    written -= from;
                    ended = 0;
                }
                ReadRecordResult::InputEmpty => {
                    if at >= bytes.len() {
                        // The last record without a line end.
                        let (result, _, nout, nend) = reader.read_record(
                            &[],
                            out.get_mut(written..).unwrap_or_default(),
                            ends.get_mut(ended..).unwrap_or_default(),
                        );
                        written += nout;
                        ended += nend;
                        if matches!(result, ReadRecordResult::Record | ReadRecordResult::End) {
                            break;
                        }
                    }
                }
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
            if at >= bytes.len() && ended == 0 && written == 0 {
                break;
            }
        }
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

//! JSON Lines files: one JSON object per line.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead, Read as _};

use super::lines::{Ends, Line, Lines, MAX_SKIPPED_LINE_BYTES, Stop, skip_blank_start};

use serde::de::{MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{IoError, MAX_RECORD_BYTES, Record, RecordError, RecordErrorKind};
use crate::shipment::{FieldError, FieldValue, ShipmentBuilder};

/// Reads JSON Lines records. Blank lines are skipped; an input with nothing else gives no
/// records (see [`super::reader`], which calls that an empty file).
pub fn json_lines<R: BufRead>(reader: R) -> JsonLines<R> {
    JsonLines {
        lines: Lines::new(reader, Ends::Lf),
        done: false,
    }
}

/// JSON Lines after `lines` blank lines already passed.
pub(super) fn json_lines_after<R: BufRead>(reader: R, lines: u64) -> JsonLines<R> {
    let mut records = json_lines(reader);
    records.lines.skip_numbers(lines);
    records
}

/// The records of a JSON Lines file; see [`json_lines`].
pub struct JsonLines<R> {
    lines: Lines<R>,
    done: bool,
}

impl<R> fmt::Debug for JsonLines<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines").finish_non_exhaustive()
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let fail = |line, kind| {
                Some(Err(RecordError {
                    line,
                    id: None,
                    kind,
                }))
            };
            let (line, content) = match self.lines.next_line() {
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Ok(Some(Line::Text {
                    number, content, ..
                })) => (number, content),
                Ok(Some(Line::TooLong { number })) => {
                    return fail(
                        number,
                        RecordErrorKind::TooLong {
                            limit: MAX_RECORD_BYTES,
                        },
                    );
                }
                Err(stop) => {
                    self.done = true;
                    let line = self.lines.number() + 1;
                    return fail(
                        line,
                        match stop {
                            Stop::Io(e) => RecordErrorKind::Io {
                                source: IoError::new(e),
                            },
                            Stop::Endless => RecordErrorKind::Endless {
                                limit: MAX_SKIPPED_LINE_BYTES,
                            },
                        },
                    );
                }
            };
            let Ok(text) = std::str::from_utf8(content) else {
                return fail(
                    line,
                    RecordErrorKind::NotUtf8 {
                        field: "line".into(),
                    },
                );
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

/// Largest `.json` file read as one array, in bytes: the array is parsed whole, so its records
/// can be told apart before any is checked. Larger files go as JSON Lines.
pub const MAX_JSON_ARRAY_BYTES: u64 = 256 << 20;

/// Reads a `.json` file: one array of record objects, each with the line it starts on; a file
/// that starts with `{` is JSON Lines.
pub(super) fn json_file<'a, R: BufRead + Send + 'a>(
    mut input: R,
) -> Result<super::Records<'a>, super::ReadError> {
    let io_error = |source| super::ReadError::Io {
        path: "-".into(),
        source,
    };
    // A file whose first character (past white space and a byte order mark) is `{` is JSON
    // Lines; an empty one is an error, as in every format.
    let blank = skip_blank_start(&mut input, Ends::Lf)
        .map_err(io_error)?
        .ok_or(super::ReadError::Empty)?;
    let first = input.fill_buf().map_err(io_error)?.first().copied();
    if first == Some(b'{') {
        return Ok(Box::new(json_lines_after(input, blank)));
    }
    let mut bytes = Vec::new();
    io::Read::take(&mut input, MAX_JSON_ARRAY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > MAX_JSON_ARRAY_BYTES {
        return Err(super::ReadError::JsonArray {
            message: format!(
                "the file is larger than {MAX_JSON_ARRAY_BYTES} bytes: write it as JSON Lines"
            ),
        });
    }
    let array_error = |message: String| super::ReadError::JsonArray { message };
    let text = String::from_utf8(bytes).map_err(|e| {
        array_error(format!(
            "not UTF-8 text at byte {}",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let body = text.trim_start_matches('\u{feff}');
    let items: Vec<&RawValue> =
        serde_json::from_str(body).map_err(|e| array_error(e.to_string()))?;
    let base = body.as_ptr() as usize;
    let mut records = Vec::with_capacity(items.len());
    let mut line = 1 + blank;
    let mut counted = 0usize;
    for item in items {
        let offset = (item.get().as_ptr() as usize).saturating_sub(base);
        line += body
            .as_bytes()
            .get(counted..offset)
            .map_or(0, |b| memchr::memchr_iter(b'\n', b).count() as u64);
        counted = offset.max(counted);
        records.push(parse_json_record(item.get(), line));
    }
    Ok(Box::new(records.into_iter()))
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

    // The id names the record in its errors, whatever else is wrong with it.
    let id = fields
        .0
        .iter()
        .find(|(k, _)| k == "id")
        .and_then(|(_, raw)| match json_value(raw) {
            Ok(FieldValue::Text(t)) => Some(t.trim().to_owned()).filter(|t| !t.is_empty()),
            _ => None,
        });
    let fail = |kind| RecordError {
        line,
        id: id.clone(),
        kind,
    };
    let mut builder = ShipmentBuilder::default();
    for (name, raw) in &fields.0 {
        let value = json_value(raw).map_err(|reason| {
            fail(RecordErrorKind::Field(FieldError::Invalid {
                field: name.clone(),
                value: raw.get().chars().take(80).collect(),
                reason,
            }))
        })?;
        builder
            .set_named(name, value)
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
                // `null` is an empty value, still a name given (so a repeat of it is caught).
                out.push((k, scalar(v)?.unwrap_or_default()));
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
    use crate::shipment::Shipment;

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
            r#"{"id":"J6","date":"2023-11-15","hs_code":"854231","export_country":"KZ","destination":"RU","attributes":{"buyer_type":"government","lot":7}}"#,
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
            RecordErrorKind::Field(FieldError::Duplicate { .. })
        ));
        let last = results[4].as_ref().unwrap();
        assert_eq!(last.line, 6);
        assert_eq!(last.shipment.attributes.len(), 2);
    }

    const REST: &str =
        r#""date":"2023-11-15","hs_code":"854231","export_country":"KZ","destination":"RU""#;

    /// What a line gives: the record's id, or the error's id and text.
    fn one(line: &str) -> Result<Shipment, RecordError> {
        let mut results: Vec<_> = json_lines(line.as_bytes()).collect();
        assert_eq!(results.len(), 1, "{line}");
        results.remove(0).map(|r| r.shipment)
    }

    #[test]
    fn values_in_lists_and_the_id_in_errors() {
        assert!(format!("{:?}", json_lines(&b""[..])).starts_with("JsonLines"));
        // Not an object: said so.
        let error = one("[1, 2]").unwrap_err();
        assert!(
            error.to_string().contains("expected a JSON object"),
            "{error}"
        );
        // `null` in a list is no item; a list or an object in a list is an error.
        let s = one(&format!(
            r#"{{"id":"N1",{REST},"transit":["BY",null,"AM"]}}"#
        ))
        .unwrap();
        assert_eq!(s.transit.len(), 2);
        for nested in [r#"[["BY"]]"#, r#"[{"c":"BY"}]"#] {
            let error = one(&format!(r#"{{"id":"N2",{REST},"transit":{nested}}}"#)).unwrap_err();
            assert_eq!(error.field(), Some("transit"), "{nested}");
            assert!(
                error.to_string().contains("expected a string or a number"),
                "{error}"
            );
        }
        // The id names the record in its errors, trimmed; a blank one names nothing.
        let bad_date = |id: &str| {
            one(&format!(
                r#"{{"id":{id},"date":"2023-02-30","hs_code":"854231","export_country":"KZ","destination":"RU"}}"#
            ))
            .unwrap_err()
        };
        assert_eq!(bad_date(r#"" N3 ""#).id(), Some("N3"));
        assert_eq!(bad_date(r#""  ""#).id(), None);
        assert_eq!(bad_date("null").id(), None);
    }

    /// Records of a JSON array file are numbered by the line each starts on, blank lines
    /// before the array counted.
    #[test]
    fn a_json_array_numbers_records_by_their_lines() {
        let text = format!("\n\n[\n{{\"id\":\"A1\",{REST}}},\n\n{{\"id\":\"A2\",{REST}}}]\n");
        let lines: Vec<u64> = json_file(text.as_bytes())
            .unwrap()
            .map(|r| r.unwrap().line)
            .collect();
        assert_eq!(lines, [4, 6]);
    }

    /// A JSON array file of exactly `MAX_JSON_ARRAY_BYTES` is read whole; one byte more is
    /// refused with its own error, not read cut short. The input is generated as it is read
    /// (a record, then spaces), so only the reader's own copy is held.
    #[test]
    fn a_json_array_file_of_exactly_the_limit_is_read() {
        use std::io::Read as _;
        let head = format!("[{{\"id\":\"A1\",{REST}}}");
        for extra in [0, 1] {
            let spaces = MAX_JSON_ARRAY_BYTES - head.len() as u64 - 1 + extra;
            let input = io::BufReader::new(
                head.as_bytes()
                    .chain(io::repeat(b' ').take(spaces))
                    .chain(&b"]"[..]),
            );
            match json_file(input) {
                Ok(records) => {
                    assert_eq!(extra, 0, "a file one byte over the limit was read");
                    let ids: Vec<String> = records.map(|r| r.unwrap().shipment.id).collect();
                    assert_eq!(ids, ["A1"]);
                }
                Err(error) => {
                    assert_eq!(extra, 1, "a file of exactly the limit was refused: {error}");
                    assert!(
                        error.to_string().contains("larger than 268435456 bytes"),
                        "{error}"
                    );
                }
            }
        }
    }
}

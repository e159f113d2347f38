//! Reading shipment files: every record gives exactly one result, in order.

use export_control::{CheckOptions, Checked, read};
use proptest::prelude::*;

use crate::common::shipped;

const HEADER: &str = "id,date,hs_code,origin,export_country,destination,transit,value,currency\n";

fn good_line(n: usize) -> String {
    format!("R{n},2023-11-15,8542.31,US,KZ,RU,BY;AM,{n}.50,USD\n")
}

/// Ways to spoil a line, each making exactly that record invalid.
const SPOILERS: &[fn(usize) -> String] = &[
    |n| format!("R{n},2023-02-30,854231,US,KZ,RU,,1,USD\n"),
    |n| format!("R{n},2023-11-15,85A231,US,KZ,RU,,1,USD\n"),
    |n| format!("R{n},2023-11-15,854231,US,KZ,XX,,1,USD\n"),
    |n| format!("R{n},2023-11-15,854231,US,KZ,RU,,-1,USD\n"),
    |n| format!("R{n},2023-11-15,854231,US,KZ\n"),
    |_| ",2023-11-15,854231,US,KZ,RU,,1,USD\n".to_owned(),
    |n| format!("R{n},2023-11-15,854231,US,KZ,RU,,1,US$\n"),
    |n| format!("R{n},2023-11-15,854231,US,KZ,RU,,1e400,USD\n"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_record_in_gives_one_result_out(plan in proptest::collection::vec(proptest::option::of(0..SPOILERS.len()), 0..60)) {
        let engine = shipped();
        let mut csv = String::from(HEADER);
        let mut jsonl = String::new();
        for (n, spoil) in plan.iter().enumerate() {
            match spoil {
                None => {
                    csv.push_str(&good_line(n));
                    jsonl.push_str(&format!(
                        "{{\"id\":\"R{n}\",\"date\":\"2023-11-15\",\"hs_code\":\"854231\",\"export_country\":\"KZ\",\"destination\":\"RU\"}}\n"
                    ));
                }
                Some(s) => {
                    csv.push_str(&SPOILERS[*s](n));
                    jsonl.push_str(&format!("{{\"id\":\"R{n}\",\"date\":\"2023-13-01\"}}\n"));
                }
            }
        }
        let options = CheckOptions::default();
        // CSV records start on line 2 (after the header), JSON Lines records on line 1.
        for (results, first_line) in [
            (export_control::read::check_records(&engine, read::csv(csv.as_bytes()).unwrap(), &options).collect::<Vec<_>>(), 2),
            (export_control::read::check_records(&engine, read::json_lines(jsonl.as_bytes()), &options).collect::<Vec<_>>(), 1),
        ] {
            prop_assert_eq!(results.len(), plan.len());
            for (i, (result, spoil)) in results.iter().zip(&plan).enumerate() {
                match (result, spoil) {
                    (Checked::Verdict { record, verdict }, None) => {
                        prop_assert_eq!(&record.shipment.id, &format!("R{i}"));
                        prop_assert_eq!(record.line, i as u64 + first_line);
                        prop_assert_ne!(verdict.decision, export_control::Decision::Allowed);
                    }
                    (Checked::Invalid(e), Some(_)) => {
                        prop_assert_eq!(e.line(), i as u64 + first_line);
                    }
                    _ => prop_assert!(false, "record {i}: {result:?}"),
                }
            }
        }
    }
}

const GOOD_JSON: &str = r#"{"id":"J1","date":"2023-11-15","hs_code":"854231","export_country":"KZ","destination":"RU"}"#;

#[test]
fn a_misspelt_json_key_is_an_error_that_names_the_field() {
    let line = GOOD_JSON.replace(
        r#""destination":"RU""#,
        r#""destination":"RU","orign":"US""#,
    );
    let results: Vec<_> = read::json_lines(line.as_bytes()).collect();
    let err = results[0].as_ref().unwrap_err();
    assert_eq!(err.field(), Some("orign"));
    assert!(err.to_string().contains("did you mean `origin`"), "{err}");
    // Free-form attributes go under `attributes`.
    let line = GOOD_JSON.replace(
        r#""destination":"RU""#,
        r#""destination":"RU","attributes":{"orign":"US"}"#,
    );
    let record = read::json_lines(line.as_bytes()).next().unwrap().unwrap();
    assert_eq!(record.shipment.attributes["orign"], "US");
}

#[test]
fn a_csv_column_one_letter_from_a_field_is_an_error_unless_allowed() {
    let text = "id,date,hs_code,export_country,destination,orign\nC1,2023-01-01,930190,KZ,RU,US\n";
    let err = read::csv(text.as_bytes()).unwrap_err();
    assert!(
        err.to_string().contains("`orign`") && err.to_string().contains("`origin`"),
        "{err}"
    );
    let mut options = read::ReadOptions::default();
    options.attribute_columns = vec!["orign".into()];
    let record = read::csv_with(text.as_bytes(), &options)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(record.shipment.attributes["orign"], "US");
    assert_eq!(record.shipment.origin, None);
    // A column far from every field is an attribute as before.
    let text =
        "id,date,hs_code,export_country,destination,buyer_type\nC1,2023-01-01,930190,KZ,RU,state\n";
    let record = read::csv(text.as_bytes()).unwrap().next().unwrap().unwrap();
    assert_eq!(record.shipment.attributes["buyer_type"], "state");
}

#[test]
fn a_json_file_is_one_array_of_records_with_their_lines() {
    let text = format!(
        "[\n  {GOOD_JSON},\n\n  {}\n]\n",
        GOOD_JSON.replace("J1", "J2")
    );
    let results: Vec<_> = read::reader(text.as_bytes(), read::Format::Json, &Default::default())
        .unwrap()
        .collect();
    let lines: Vec<(u64, String)> = results
        .iter()
        .map(|r| {
            let r = r.as_ref().unwrap();
            (r.line, r.shipment.id.clone())
        })
        .collect();
    assert_eq!(lines, [(2, "J1".to_owned()), (4, "J2".to_owned())]);
    // A file that starts with an object is JSON Lines.
    let jsonl = format!("{GOOD_JSON}\n{}\n", GOOD_JSON.replace("J1", "J2"));
    let n = read::reader(jsonl.as_bytes(), read::Format::Json, &Default::default())
        .unwrap()
        .count();
    assert_eq!(n, 2);
    // An array that does not parse is refused whole: its records cannot be told apart.
    let broken = format!("[{GOOD_JSON}, {{\"id\": ]");
    assert!(matches!(
        read::reader(broken.as_bytes(), read::Format::Json, &Default::default()),
        Err(read::ReadError::JsonArray { .. })
    ));
    assert_eq!(
        read::Format::from_path(std::path::Path::new("x.json")),
        Some(read::Format::Json)
    );
}

/// The fields of a record line of [`HEADER`]'s columns, some quoted, some holding commas
/// (never a line break: each record is on one line).
type RecordFields = (&'static str, &'static str, &'static str, &'static str);

fn gen_record() -> impl Strategy<Value = RecordFields> {
    (
        proptest::sample::select(&["854231", "930190", "090111", "8542310000", "880610"][..]),
        proptest::sample::select(&["RU", "AE", "CN", "KZ"][..]),
        proptest::sample::select(&["", "\"BY;AM\"", "RU", "\"\""][..]),
        proptest::sample::select(&["10", "\"1000.50\"", "", "\"7\""][..]),
    )
}

fn record_line(n: usize, (hs, dest, transit, value): RecordFields) -> String {
    let currency = if value.is_empty() { "" } else { "USD" };
    format!("\"R{n}\",2023-06-01,{hs},US,KZ,{dest},{transit},{value},{currency}\n")
}

/// A line of garbage: quotes, commas, line-end bytes and anything else, ending in a line end.
fn gen_garbage() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => Just('"'),
            3 => Just(','),
            1 => Just('\r'),
            1 => Just('\n'),
            3 => proptest::char::range('a', 'z'),
            1 => any::<char>(),
        ],
        0..30,
    )
    .prop_map(|chars| {
        let mut line: String = chars.into_iter().collect();
        line.push('\n');
        line
    })
}

/// The number of line ends in a text, as the CSV reader counts them (`\n`, `\r\n`, lone `\r`).
fn csv_lines(text: &str) -> u64 {
    let b = text.as_bytes();
    (0..b.len())
        .filter(|&i| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .count() as u64
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever garbage surrounds them, records get their own results, each the verdict they
    /// get alone: no quote opened in garbage can hide a record or lower its verdict.
    #[test]
    fn records_inside_garbage_get_the_result_they_get_alone(
        parts in proptest::collection::vec(
            (proptest::collection::vec(gen_garbage(), 0..3), gen_record()),
            1..12,
        ),
    ) {
        let engine = shipped();
        let options = CheckOptions::default();
        let mut text = String::from(HEADER);
        let mut expected = Vec::new();
        for (n, (garbage, fields)) in parts.iter().enumerate() {
            for g in garbage {
                text.push_str(g);
            }
            let record = record_line(n, *fields);
            let line = csv_lines(&text) + 1;
            let alone = format!("{HEADER}{record}");
            let Some(Ok(alone)) = read::csv(alone.as_bytes()).unwrap().next() else {
                panic!("a generated record must read alone: {record:?}");
            };
            expected.push((line, alone.shipment));
            text.push_str(&record);
        }
        let results: Vec<_> = read::check_records(&engine, read::csv(text.as_bytes()).unwrap(), &options).collect();
        let lines: Vec<u64> = results.iter().map(|r| match r {
            Checked::Verdict { record, .. } => record.line,
            Checked::Invalid(e) => e.line(),
        }).collect();
        prop_assert!(lines.windows(2).all(|w| w[0] < w[1]), "lines {:?} in\n{:?}", lines, text);
        for (line, shipment) in &expected {
            let found = results.iter().find_map(|r| match r {
                Checked::Verdict { record, verdict } if record.line == *line => Some((record, verdict)),
                _ => None,
            });
            let Some((record, verdict)) = found else {
                return Err(TestCaseError::fail(format!("no verdict for the record at line {line} in\n{text:?}\n{results:#?}")));
            };
            prop_assert_eq!(&record.shipment, shipment);
            prop_assert_eq!(verdict.decision, engine.check(shipment).decision);
        }
    }

    /// The same for JSON Lines: a garbage line is one bad record, never more.
    #[test]
    fn json_records_inside_garbage_get_the_result_they_get_alone(
        parts in proptest::collection::vec((proptest::collection::vec("[^\n]{0,20}", 0..3), 0usize..4), 1..12),
    ) {
        let engine = shipped();
        let mut text = String::new();
        let mut line = 0u64;
        let mut expected = Vec::new();
        let dests = ["RU", "AE", "CN", "KZ"];
        for (n, (garbage, dest)) in parts.iter().enumerate() {
            for g in garbage {
                text.push_str(g);
                text.push('\n');
                line += 1;
            }
            let record = format!("{{\"id\":\"R{n}\",\"date\":\"2023-06-01\",\"hs_code\":\"930190\",\"export_country\":\"KZ\",\"destination\":\"{}\",\"transit\":[]}}", dests[*dest]);
            line += 1;
            let alone = read::json_lines(record.as_bytes()).next().unwrap().unwrap();
            expected.push((line, alone.shipment));
            text.push_str(&record);
            text.push('\n');
        }
        let results: Vec<_> = read::json_lines(text.as_bytes()).collect();
        let lines: Vec<u64> = results.iter().map(|r| match r { Ok(r) => r.line, Err(e) => e.line() }).collect();
        prop_assert!(lines.windows(2).all(|w| w[0] < w[1]));
        for (line, shipment) in &expected {
            let got = results.iter().find_map(|r| r.as_ref().ok().filter(|r| r.line == *line));
            prop_assert_eq!(got.map(|r| &r.shipment), Some(shipment));
            prop_assert_eq!(engine.check(shipment).decision, engine.check(&got.unwrap().shipment).decision);
        }
    }

    /// Any bytes at all: no panic, results in increasing line order, none past the last line.
    #[test]
    fn any_bytes_give_results_in_line_order(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut text = HEADER.as_bytes().to_vec();
        text.extend_from_slice(&bytes);
        let total = csv_lines(&String::from_utf8_lossy(&text)) + 1;
        let lines: Vec<u64> = read::csv(&text[..]).unwrap().map(|r| match r { Ok(r) => r.line, Err(e) => e.line() }).collect();
        prop_assert!(lines.windows(2).all(|w| w[0] < w[1]), "{:?}", lines);
        prop_assert!(lines.iter().all(|l| *l >= 2 && *l <= total), "{:?} of {}", lines, total);
        let jsonl: Vec<u64> = read::json_lines(&bytes[..]).map(|r| match r { Ok(r) => r.line, Err(e) => e.line() }).collect();
        prop_assert!(jsonl.windows(2).all(|w| w[0] < w[1]));
    }
}

/// A reader that gives `data`, then fails.
struct FailsAfter {
    data: std::io::Cursor<Vec<u8>>,
}

impl std::io::Read for FailsAfter {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = std::io::Read::read(&mut self.data, buf)?;
        if n == 0 {
            return Err(std::io::Error::other("disk gone"));
        }
        Ok(n)
    }
}

#[test]
fn line_numbers_count_leading_blank_lines_and_name_where_reading_stopped() {
    use std::io::BufReader;
    // JSON Lines after two blank lines: the record is on line 3, the read error on line 5.
    let text = "\n  \n{\"id\":\"J1\",\"date\":\"2023-06-01\",\"hs_code\":\"100199\",\"export_country\":\"KZ\",\"destination\":\"CN\",\"transit\":[]}\n\n";
    let input = BufReader::new(FailsAfter {
        data: std::io::Cursor::new(text.as_bytes().to_vec()),
    });
    let results: Vec<_> = read::reader(
        input,
        read::Format::JsonLines,
        &read::ReadOptions::default(),
    )
    .unwrap()
    .collect();
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].as_ref().unwrap().line, 3);
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(error.line(), 5, "{error}");
    assert!(error.kind().ends_reading(), "{error}");
    assert!(error.to_string().contains("disk gone"), "{error}");
    // CSV after a blank line before the header: the header is line 2, the record line 3.
    let text = format!("\n{HEADER}{}", good_line(1));
    let input = BufReader::new(FailsAfter {
        data: std::io::Cursor::new(text.into_bytes()),
    });
    let results: Vec<_> = read::reader(input, read::Format::Csv, &read::ReadOptions::default())
        .unwrap()
        .collect();
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].as_ref().unwrap().line, 3);
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(error.line(), 4, "{error}");
    assert!(error.kind().ends_reading());
    // A record that is only invalid does not end reading.
    let text = format!("{HEADER}{}{}", SPOILERS[0](1), good_line(2));
    let results: Vec<_> = read::csv(text.as_bytes()).unwrap().collect();
    let error = results[0].as_ref().unwrap_err();
    assert!(!error.kind().ends_reading(), "{error}");
    assert!(results[1].is_ok());
}

#[test]
fn the_endless_line_limit_is_64_mib() {
    assert_eq!(read::MAX_SKIPPED_LINE_BYTES, 64 * 1024 * 1024);
}

/// A reader that is interrupted (EINTR) before every read that gives data.
struct Interrupting {
    data: std::io::Cursor<Vec<u8>>,
    interrupt: bool,
}

impl std::io::Read for Interrupting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.interrupt = !self.interrupt;
        if self.interrupt {
            return Err(std::io::ErrorKind::Interrupted.into());
        }
        // A byte at a time, so that every line end and every blank line meets an interruption.
        let one = buf.len().min(1);
        std::io::Read::read(&mut self.data, &mut buf[..one])
    }
}

#[test]
fn interrupted_reads_are_retried_and_lone_carriage_returns_count_as_lines_before_the_header() {
    let record = "{\"id\":\"J1\",\"date\":\"2023-06-01\",\"hs_code\":\"100199\",\"export_country\":\"KZ\",\"destination\":\"CN\",\"transit\":[]}";
    let csv = format!(
        "\r\r\n\r{HEADER}{}{}",
        good_line(1).replace('\n', "\r"),
        good_line(2)
    );
    for (format, text, lines) in [
        (
            read::Format::JsonLines,
            format!("\n\r\n{record}\r\n{record}\n"),
            vec![3, 4],
        ),
        // `\r`, `\r\n`, `\r`: three line ends before the header on line 4.
        (read::Format::Csv, csv, vec![5, 6]),
    ] {
        let input = std::io::BufReader::with_capacity(
            4,
            Interrupting {
                data: std::io::Cursor::new(text.into_bytes()),
                interrupt: false,
            },
        );
        let results: Vec<_> = read::reader(input, format, &read::ReadOptions::default())
            .unwrap()
            .collect();
        let got: Vec<u64> = results
            .iter()
            .map(|r| {
                r.as_ref()
                    .map(|r| r.line)
                    .unwrap_or_else(|e| panic!("{format:?}: {e}"))
            })
            .collect();
        assert_eq!(got, lines, "{format:?}");
    }
}

//! The bad-input corpus: shipment files and rule files that are wrong in one way each. Every
//! case asserts the exact error kind and its location, and that every other record of the file
//! still gets its verdict. (The bad rule files with one mistake each are in
//! `tests/fixtures/bad-rules/`, run by `bad_rules.rs`.)

use export_control::read::{self, ReadError, RecordErrorKind};
use export_control::shipment::FieldError;
use export_control::{CheckOptions, Checked, LoadError, RuleErrorKind, Rulebook, Source};

use crate::common::{groups_source, rule_set, shipped};

const HEADER: &str = "id,date,hs_code,origin,export_country,destination,transit,value,currency\n";
const GOOD: &str = "G1,2023-11-15,854231,US,KZ,RU,,10,USD\n";
const GOOD2: &str = "G2,2023-06-01,930190,KZ,KZ,AE,,10,USD\n";

/// What one record must give.
#[derive(Debug, Clone, PartialEq)]
enum Want {
    /// A verdict, for the record with this id.
    Ok(&'static str),
    /// An error of this kind (debug name prefix), naming this field.
    Err(&'static str, Option<&'static str>),
}

enum Input {
    Csv(Vec<u8>),
    Jsonl(Vec<u8>),
}

struct Case {
    name: &'static str,
    input: Input,
    /// Per record: the line it starts on and what it must give.
    want: Vec<(u64, Want)>,
}

fn csv(body: &str) -> Input {
    Input::Csv(format!("{HEADER}{body}").into_bytes())
}

fn jsonl(body: &str) -> Input {
    Input::Jsonl(body.as_bytes().to_vec())
}

fn good_json(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","date":"2023-11-15","hs_code":"854231","export_country":"KZ","destination":"RU","origin":"US"}}"#
    )
}

fn record_cases() -> Vec<Case> {
    use Want::{Err, Ok};
    let huge_field = "x".repeat(70 * 1024);
    let huge_record = format!(
        "{},2023-11-15,854231,US,KZ,RU,,1,USD\n",
        "y".repeat(2 * 1024 * 1024)
    );
    let mut deep = String::from(
        r#"{"id":"D","date":"2023-11-15","hs_code":"854231","export_country":"KZ","destination":"RU","transit":"#,
    );
    deep.push_str(&"[".repeat(5000));
    deep.push_str(&"]".repeat(5000));
    deep.push_str("}\n");
    vec![
        Case {
            name: "csv: header only",
            input: csv(""),
            want: vec![],
        },
        Case {
            name: "csv: BOM and CRLF",
            input: Input::Csv(
                format!(
                    "\u{feff}{}{}{}",
                    HEADER.replace('\n', "\r\n"),
                    GOOD.replace('\n', "\r\n"),
                    GOOD2.replace('\n', "\r\n")
                )
                .into_bytes(),
            ),
            want: vec![(2, Ok("G1")), (3, Ok("G2"))],
        },
        Case {
            name: "csv: blank lines between records",
            input: csv(&format!("{GOOD}\n\n{GOOD2}")),
            want: vec![(2, Ok("G1")), (5, Ok("G2"))],
        },
        Case {
            name: "csv: truncated last line",
            input: csv(&format!("{GOOD}G3,2023-11-15,8542")),
            want: vec![(2, Ok("G1")), (3, Err("FieldCount", None))],
        },
        Case {
            name: "csv: unterminated quote runs to the end",
            input: csv(&format!(
                "{GOOD}G3,2023-11-15,\"854231,US,KZ,RU,,1,USD\n{GOOD2}"
            )),
            // The open quote is reported where it opened, and the record after it still read.
            want: vec![(2, Ok("G1")), (3, Err("OpenQuote", None)), (4, Ok("G2"))],
        },
        Case {
            name: "csv: more fields than the header",
            input: csv(&format!(
                "G0,2023-11-15,854231,US,KZ,RU,,1,USD,extra\n{GOOD}"
            )),
            want: vec![(2, Err("FieldCount", None)), (3, Ok("G1"))],
        },
        Case {
            name: "csv: a line of spaces",
            input: csv(&format!("   \n{GOOD}")),
            want: vec![(2, Err("FieldCount", None)), (3, Ok("G1"))],
        },
        Case {
            name: "csv: invalid UTF-8 in a field",
            input: Input::Csv(
                [
                    HEADER.as_bytes(),
                    b"G0,2023-11-15,854231,U\xffS,KZ,RU,,1,USD\n",
                    GOOD.as_bytes(),
                ]
                .concat(),
            ),
            want: vec![(2, Err("NotUtf8", Some("origin"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: a field over 64 KiB",
            input: csv(&format!(
                "G0,2023-11-15,854231,US,KZ,RU,{huge_field},1,USD\n{GOOD}"
            )),
            want: vec![(2, Err("Field", Some("transit"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: a record over 1 MiB",
            input: csv(&format!("{huge_record}{GOOD}")),
            want: vec![(2, Err("TooLong", None)), (3, Ok("G1"))],
        },
        Case {
            name: "csv: 2023-02-30",
            input: csv(&format!("G0,2023-02-30,854231,US,KZ,RU,,1,USD\n{GOOD}")),
            want: vec![(2, Err("Field", Some("date"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: a date in another format",
            input: csv(&format!("{GOOD}G0,15.11.2023,854231,US,KZ,RU,,1,USD\n")),
            want: vec![(2, Ok("G1")), (3, Err("Field", Some("date")))],
        },
        Case {
            name: "csv: a negative value",
            input: csv(&format!("G0,2023-11-15,854231,US,KZ,RU,,-100,USD\n{GOOD}")),
            want: vec![(2, Err("Field", Some("value"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: an exponent value, as spreadsheets write them",
            input: csv(&format!(
                "G0,2023-11-15,854231,US,KZ,RU,,1.23457E+11,USD\n{GOOD}"
            )),
            want: vec![(2, Err("Field", Some("value"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: an HS code a spreadsheet turned into a number",
            input: csv(&format!(
                "G0,2023-11-15,8.54231E+09,US,KZ,RU,,1,USD\n{GOOD}"
            )),
            want: vec![(2, Err("Field", Some("hs_code"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: letters in an HS code",
            input: csv(&format!("G0,2023-11-15,85A231,US,KZ,RU,,1,USD\n{GOOD}")),
            want: vec![(2, Err("Field", Some("hs_code"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: an HS code of 4 digits",
            input: csv(&format!("G0,2023-11-15,8542,US,KZ,RU,,1,USD\n{GOOD}")),
            want: vec![(2, Err("Field", Some("hs_code"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: an unknown country",
            input: csv(&format!("G0,2023-11-15,854231,US,KZ,XX,,1,USD\n{GOOD}")),
            want: vec![(2, Err("Field", Some("destination"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: a country name instead of a code",
            input: csv(&format!("G0,2023-11-15,854231,Russia,KZ,RU,,1,USD\n{GOOD}")),
            want: vec![(2, Err("Field", Some("origin"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: a bad transit country",
            input: csv(&format!(
                "G0,2023-11-15,854231,US,KZ,BY,RU;QQ,1,USD\n{GOOD}"
            )),
            want: vec![(2, Err("Field", Some("transit"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: no id",
            input: csv(&format!(",2023-11-15,854231,US,KZ,RU,,1,USD\n{GOOD}")),
            want: vec![(2, Err("Field", Some("id"))), (3, Ok("G1"))],
        },
        Case {
            name: "csv: a value without its currency",
            input: csv(&format!("G0,2023-11-15,854231,US,KZ,RU,,1,\n{GOOD}")),
            want: vec![(2, Err("Field", Some("currency"))), (3, Ok("G1"))],
        },
        Case {
            name: "jsonl: not JSON",
            input: jsonl(&format!(
                "{}\nnot json\n{}\n",
                good_json("J1"),
                good_json("J3")
            )),
            want: vec![(1, Ok("J1")), (2, Err("Syntax", None)), (3, Ok("J3"))],
        },
        Case {
            name: "jsonl: an array, not an object",
            input: jsonl(&format!("[1, 2]\n{}\n", good_json("J2"))),
            want: vec![(1, Err("Syntax", None)), (2, Ok("J2"))],
        },
        Case {
            name: "jsonl: a key given twice",
            input: jsonl(&format!(
                "{{\"id\":\"J1\",\"id\":\"J9\"}}\n{}\n",
                good_json("J2")
            )),
            want: vec![(1, Err("Field", Some("id"))), (2, Ok("J2"))],
        },
        Case {
            name: "jsonl: an object where a value belongs",
            input: jsonl(&format!(
                "{}\n{}\n",
                good_json("J1").replace("\"US\"", "{\"code\":\"US\"}"),
                good_json("J2")
            )),
            want: vec![(1, Err("Field", Some("origin"))), (2, Ok("J2"))],
        },
        Case {
            name: "jsonl: invalid UTF-8",
            input: Input::Jsonl(
                [
                    b"{\"id\":\"J\xff\"}\n".as_slice(),
                    good_json("J2").as_bytes(),
                    b"\n",
                ]
                .concat(),
            ),
            want: vec![(1, Err("NotUtf8", Some("line"))), (2, Ok("J2"))],
        },
        Case {
            name: "jsonl: BOM, CRLF and blank lines",
            input: jsonl(&format!(
                "\u{feff}{}\r\n\r\n\n{}\r\n",
                good_json("J1"),
                good_json("J4")
            )),
            want: vec![(1, Ok("J1")), (4, Ok("J4"))],
        },
        Case {
            name: "jsonl: truncated last line",
            input: jsonl(&format!("{}\n{{\"id\":\"J2\",\"date\":", good_json("J1"))),
            want: vec![(1, Ok("J1")), (2, Err("Syntax", None))],
        },
        Case {
            name: "jsonl: a line over 1 MiB",
            input: jsonl(&format!(
                "{{\"id\":\"{}\"}}\n{}\n",
                "z".repeat(2 * 1024 * 1024),
                good_json("J2")
            )),
            want: vec![(1, Err("TooLong", None)), (2, Ok("J2"))],
        },
        Case {
            name: "jsonl: arrays nested 5,000 deep",
            input: jsonl(&format!("{deep}{}\n", good_json("J2"))),
            want: vec![(1, Err("Field", Some("transit"))), (2, Ok("J2"))],
        },
        Case {
            name: "jsonl: a missing required field",
            input: jsonl(&format!(
                "{{\"id\":\"J1\",\"date\":\"2023-11-15\",\"hs_code\":\"854231\",\"destination\":\"RU\"}}\n{}\n",
                good_json("J2")
            )),
            want: vec![(1, Err("Field", Some("export_country"))), (2, Ok("J2"))],
        },
    ]
}

#[test]
fn every_bad_record_is_reported_and_every_other_record_checked() {
    let engine = shipped();
    let options = CheckOptions::default();
    let mut failures = Vec::new();
    let cases = record_cases();
    assert!(cases.len() >= 30);
    for case in cases {
        let records: Box<dyn Iterator<Item = _>> = match &case.input {
            Input::Csv(bytes) => Box::new(read::csv(bytes.as_slice()).unwrap()),
            Input::Jsonl(bytes) => Box::new(read::json_lines(bytes.as_slice())),
        };
        let got: Vec<(u64, Want)> = export_control::read::check_records(&engine, records, &options)
            .map(|checked| match checked {
                Checked::Verdict { record, .. } => (
                    record.line,
                    Want::Ok(Box::leak(record.shipment.id.into_boxed_str())),
                ),
                Checked::Invalid(e) => {
                    let kind = format!("{:?}", e.kind());
                    let kind = kind.split(['(', ' ', '{']).next().unwrap_or("").to_owned();
                    let field = e
                        .field()
                        .map(|f| &*Box::leak(f.to_owned().into_boxed_str()));
                    (e.line(), Want::Err(Box::leak(kind.into_boxed_str()), field))
                }
            })
            .collect();
        if got != case.want {
            failures.push(format!(
                "{}:\n  want {:?}\n  got  {:?}",
                case.name, case.want, got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn files_that_cannot_be_read_at_all_say_why() {
    let header_error = |bytes: &[u8]| match read::csv(bytes) {
        Err(ReadError::Header { reason }) => reason,
        other => panic!("expected a header error, got {other:?}"),
    };
    assert!(matches!(read::csv(&b""[..]), Err(ReadError::Empty)));
    assert!(matches!(read::csv(&b" \r\n\n"[..]), Err(ReadError::Empty)));
    assert!(
        header_error(b"id,id,date,hs_code,export_country,destination\n")
            .contains("`id` appears twice")
    );
    assert!(header_error(b"id,date,hs_code,export_country\n").contains("destination"));
    assert!(
        header_error(b"id,da\xfete,hs_code,export_country,destination\n")
            .contains("column 2 is not UTF-8")
    );
    assert!(matches!(
        read::open(
            std::path::Path::new("/nonexistent.csv"),
            &export_control::read::ReadOptions::default()
        ),
        Err(ReadError::Io { .. })
    ));
    assert!(matches!(
        read::open(
            std::path::Path::new("shipments.xlsx"),
            &export_control::read::ReadOptions::default()
        ),
        Err(ReadError::UnknownFormat(_))
    ));
}

#[test]
fn a_field_error_names_the_field_and_value() {
    let text = format!("{HEADER}G0,2023-02-30,854231,US,KZ,RU,,1,USD\n");
    let results: Vec<_> = read::csv(text.as_bytes()).unwrap().collect();
    let err = results[0].as_ref().unwrap_err();
    assert_eq!(
        err.kind(),
        &RecordErrorKind::Field(FieldError::Invalid {
            field: "date".into(),
            value: "2023-02-30".into(),
            reason: "expected an ISO 8601 date YYYY-MM-DD that exists".into()
        })
    );
    assert_eq!(
        err.to_string(),
        "line 2 (record `G0`): field `date` has invalid value `2023-02-30`: expected an ISO 8601 date YYYY-MM-DD that exists"
    );
}

fn one_error(sources: Vec<Source>) -> export_control::RuleError {
    let err = Rulebook::from_sources(sources).unwrap_err();
    let errors = err.rule_errors();
    assert_eq!(errors.len(), 1, "{err}");
    errors[0].clone()
}

const RULE: &str = "[[rule]]\nid = \"r\"\nverdict = \"review\"\ntitle = \"t\"\ncitation = \"c\"\nwhen = { hs_code = [\"93\"] }\n";

#[test]
fn bad_rule_files_beyond_the_fixture_corpus() {
    // An empty file.
    let e = one_error(vec![Source::new("empty.toml", "")]);
    assert!(matches!(e.kind(), RuleErrorKind::MissingKey { key, .. } if key == "ruleset"));
    assert_eq!((e.location().line(), e.location().column()), (1, 1));

    // A file cut short inside a table.
    let full = rule_set("cut", "", RULE);
    let cut = &full[..full.find("verdict").unwrap() + 10];
    let e = one_error(vec![Source::new("cut.toml", cut)]);
    assert!(matches!(e.kind(), RuleErrorKind::Syntax { .. }), "{e}");
    assert_eq!(e.location().line(), 13);

    // A pattern longer than the limit.
    let long = format!(
        "{}\n[rule.unless]\ndescription_matches = '{}'\n",
        rule_set("re", "", RULE),
        "a".repeat(5000)
    );
    let e = one_error(vec![Source::new("re.toml", long)]);
    assert!(
        matches!(e.kind(), RuleErrorKind::InvalidRegex { reason, .. } if reason.contains("longer than 4096")),
        "{e}"
    );

    // A pattern short to write but huge to compile.
    let big = format!(
        "{}\n[rule.unless]\ndescription_matches = '(\\w{{100}}){{100}}'\n",
        rule_set("big", "", RULE)
    );
    let e = one_error(vec![Source::new("big.toml", big)]);
    assert!(
        matches!(e.kind(), RuleErrorKind::InvalidRegex { .. }),
        "{e}"
    );
    assert_eq!(e.location().line(), 19);

    // Inline tables nested beyond the TOML parser's limit: an error, not a stack overflow.
    let deep = format!(
        "{}{}{}",
        "a = ".to_owned() + &"{ b = ".repeat(1000),
        "1",
        &" }".repeat(1000)
    );
    let e = one_error(vec![Source::new("deep.toml", deep)]);
    assert!(matches!(e.kind(), RuleErrorKind::Syntax { .. }), "{e}");

    // A rule set without rules.
    let e = one_error(vec![Source::new(
        "none.toml",
        format!("rule = []\n{}", rule_set("none", "", "")),
    )]);
    assert!(
        matches!(e.kind(), RuleErrorKind::WrongType { key, .. } if key == "rule"),
        "{e}"
    );

    // A file of exactly the size limit is read; one byte more is not.
    let base = rule_set("edge", "", RULE);
    let limit = 8 << 20;
    let exact = format!("{base}#{}\n", "x".repeat(limit - base.len() - 2));
    assert_eq!(exact.len(), limit);
    assert!(Rulebook::from_sources(vec![Source::new("edge.toml", exact)]).is_ok());
    let over = format!("{base}#{}\n", "x".repeat(limit - base.len() - 1));
    let e = one_error(vec![Source::new("over.toml", over)]);
    assert!(
        matches!(e.kind(), RuleErrorKind::FileTooLarge { bytes, limit } if *bytes == limit + 1 && *limit == 8 << 20),
        "{e}"
    );

    // A file over the size limit.
    let huge = format!("{}# {}\n", rule_set("huge", "", RULE), "x".repeat(9 << 20));
    let e = one_error(vec![Source::new("huge.toml", huge)]);
    assert!(
        matches!(e.kind(), RuleErrorKind::FileTooLarge { .. }) && e.to_string().contains("at most"),
        "{e}"
    );
}

#[test]
fn bom_and_crlf_rule_files_load_with_the_same_lines() {
    let text = rule_set("crlf", "", RULE).replace('\n', "\r\n");
    let with_bom = format!("\u{feff}{text}");
    for (name, body) in [("crlf.toml", text.clone()), ("bom.toml", with_bom)] {
        let book = Rulebook::from_sources(vec![Source::new(name, body)]).unwrap();
        let rule = &book.rule_sets()[0].rules()[0];
        assert_eq!(rule.location().line(), 11, "{name}");
    }
    // A mistake in a CRLF file is placed as in an LF one.
    let bad = rule_set("crlf", "", &RULE.replace("hs_code", "hs_cod")).replace('\n', "\r\n");
    let e = one_error(vec![groups_source(), Source::new("bad.toml", bad)]);
    assert_eq!((e.location().line(), e.location().column()), (16, 10));
}

#[test]
fn a_rule_file_that_is_not_utf8_is_refused_with_its_offset() {
    let dir = std::env::temp_dir().join(format!("ec-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes = rule_set("u", "", RULE).into_bytes();
    bytes.splice(5..5, [0xff, 0xfe]);
    std::fs::write(dir.join("u.toml"), bytes).unwrap();
    let err = Rulebook::load(&dir).unwrap_err();
    assert!(matches!(err, LoadError::NotUtf8 { offset: 5, .. }), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Crashes found by fuzzing (`fuzz/run.sh`), kept as regression tests.
#[test]
fn fuzz_regressions() {
    // csv: lone carriage returns end records; their lines must still go forward.
    let input = b"id,date,hs_code,export_country,destination,trans\x00\x00\rUSD\rUSc,,";
    let lines: Vec<u64> = read::csv(&input[..])
        .unwrap()
        .map(|r| match r {
            Ok(record) => record.line,
            Err(e) => e.line(),
        })
        .collect();
    assert_eq!(lines, [2, 3]);
}

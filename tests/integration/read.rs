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

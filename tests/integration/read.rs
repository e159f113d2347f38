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

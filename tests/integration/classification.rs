//! Control-list classification: control codes matched on their structure, classified or not,
//! fields not given, and the errors of each in rule files and records.

use export_control::{Because, Decision, LoadError, Rulebook, Source};

use crate::common::{engine_of, groups_source, overriding, rule_set, shipment};

const BASE: [(&str, &str); 6] = [
    ("id", "C"),
    ("date", "2023-06-01"),
    ("hs_code", "854231"),
    ("export_country", "KZ"),
    ("destination", "KZ"),
    ("transit", ""),
];

fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    overriding(&BASE, extra)
}

fn rule(when: &str) -> String {
    rule_set(
        "x",
        "scope = \"any_exporter\"",
        &format!(
            "[[rule]]\nid = \"r\"\nverdict = \"review\"\ntitle = \"t\"\ncitation = \"c\"\nwhen = {when}\n"
        ),
    )
}

/// The decision and the reasons (without the date's) of one rule on one record.
fn check(when: &str, fields: &[(&str, &str)]) -> (Decision, Vec<String>) {
    let text = rule(when);
    let engine = engine_of(&[("x.toml", &text)]);
    let verdict = engine.check(&shipment(fields));
    let reasons = verdict
        .matches
        .iter()
        .flat_map(|m| &m.because)
        .map(Because::to_string)
        .filter(|b| !b.starts_with("date "))
        .collect();
    (verdict.decision, reasons)
}

#[test]
fn control_codes_match_on_their_structure_and_name_the_code_met() {
    let when = "{ control_code = [\"3A001\", \"MUNITIONS\"] }";
    let (d, why) = check(when, &with(&[("control_codes", "5A002;3A001.a.2")]));
    assert_eq!(d, Decision::Review);
    assert_eq!(why, ["control code 3A001.a.2 is within 3A001"]);
    let (d, why) = check(when, &with(&[("control_codes", "ML10.a")]));
    assert_eq!(d, Decision::Review);
    assert_eq!(why, ["control code ML10.a is within ML (group MUNITIONS)"]);
    // `3A00` is not a part of `3A001`; `3A0012` is another entry.
    assert_eq!(
        check(when, &with(&[("control_codes", "3A0012;3A00")])).0,
        Decision::Allowed
    );
    // `ML1` does not cover `ML10`.
    let ml1 = "{ control_code = [\"ML1\"] }";
    assert_eq!(
        check(ml1, &with(&[("control_codes", "ML10")])).0,
        Decision::Allowed
    );
    assert_eq!(
        check(ml1, &with(&[("control_codes", "ml1.a")])).0,
        Decision::Review
    );
    // A record with no control code has none within the list: not "cannot tell".
    assert_eq!(check(when, &BASE).0, Decision::Allowed);
}

#[test]
fn reasons_say_which_codes_were_not_within_the_list() {
    let when = "{ destination = [\"KZ\"], not = { control_code = [\"DUAL_USE\"] } }";
    let (d, why) = check(when, &with(&[("control_codes", "ML4")]));
    assert_eq!(d, Decision::Review);
    assert_eq!(
        why,
        [
            "destination KZ is in [KZ]",
            "control codes [ML4] are within none of [DUAL_USE]"
        ]
    );
    let (_, why) = check(when, &BASE);
    assert_eq!(
        why[1],
        "the record carries no control code: none is within [DUAL_USE]"
    );
}

#[test]
fn classified_tells_unclassified_goods_from_goods_classified_as_not_controlled() {
    let unclassified = "{ classified = false }";
    let (d, why) = check(unclassified, &BASE);
    assert_eq!(d, Decision::Review);
    assert_eq!(
        why,
        [
            "the goods are not classified against a control list (no control code, no control_list_checked): classify them"
        ]
    );
    for checked in ["2023-05-02", "true", "YES"] {
        let fields = with(&[("control_list_checked", checked)]);
        assert_eq!(
            check(unclassified, &fields).0,
            Decision::Allowed,
            "{checked}"
        );
    }
    // `false` and `no` say the goods were not classified.
    for not_checked in ["false", "no"] {
        let fields = with(&[("control_list_checked", not_checked)]);
        assert_eq!(
            check(unclassified, &fields).0,
            Decision::Review,
            "{not_checked}"
        );
    }
    let classified = "{ classified = true }";
    let (d, why) = check(classified, &with(&[("control_list_checked", "2023-05-02")]));
    assert_eq!(d, Decision::Review);
    assert_eq!(
        why,
        [
            "the goods are classified against a control list: not controlled (no control code), checked on 2023-05-02"
        ]
    );
    let (_, why) = check(classified, &with(&[("control_codes", "5A002")]));
    assert_eq!(
        why,
        ["the goods are classified against a control list: control codes [5A002]"]
    );
    assert_eq!(check(classified, &BASE).0, Decision::Allowed);
}

#[test]
fn missing_holds_when_a_named_field_is_not_given() {
    let when = "{ missing = [\"consignor\", \"consignee\"] }";
    let (d, why) = check(when, &with(&[("consignor", "A LLP")]));
    assert_eq!(d, Decision::Review);
    assert_eq!(why, ["consignee is not given"]);
    let (_, why) = check(when, &BASE);
    assert_eq!(why, ["consignor and consignee are not given"]);
    let both = with(&[("consignor", "A LLP"), ("consignee", "B LLC")]);
    assert_eq!(check(when, &both).0, Decision::Allowed);
    let (_, why) = check(
        "{ not = { missing = [\"consignor\", \"consignee\"] } }",
        &both,
    );
    assert_eq!(why, ["consignor and consignee are given"]);
    let codes = "{ missing = [\"control_codes\", \"origin\", \"end_user\"] }";
    let all = with(&[
        ("control_codes", "3A001"),
        ("origin", "CN"),
        ("end_user", "Z"),
    ]);
    assert_eq!(check(codes, &all).0, Decision::Allowed);
    let (_, why) = check(codes, &with(&[("origin", "CN")]));
    assert_eq!(why, ["control_codes and end_user are not given"]);
}

fn error_of(when: &str) -> String {
    let text = rule(when);
    match Rulebook::from_sources(vec![groups_source(), Source::new("x.toml", text)]) {
        Err(LoadError::Invalid(errors)) => {
            let errors = errors.as_slice();
            assert_eq!(errors.len(), 1, "{errors:?}");
            match errors[0].help() {
                Some(help) => format!("{} ({help})", errors[0]),
                None => errors[0].to_string(),
            }
        }
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("{when} loaded"),
    }
}

#[test]
fn rule_files_name_bad_codes_unknown_groups_and_fields_that_cannot_be_missing() {
    let e = error_of("{ control_code = [\"MUNITIONZ\"] }");
    assert!(
        e.contains("MUNITIONZ") && e.contains("control code group"),
        "{e}"
    );
    assert!(e.contains("did you mean `MUNITIONS`?"), "{e}");
    let e = error_of("{ control_code = [\"DUAL_US\"] }");
    assert!(
        e.contains("DUAL_US") && e.contains("did you mean `DUAL_USE`?"),
        "{e}"
    );
    let e = error_of("{ control_code = [\"NO_SUCH_LIST\"] }");
    assert!(e.contains("NO_SUCH_LIST"), "{e}");
    let e = error_of("{ control_code = [\"CHPL\"] }");
    assert!(
        e.contains("`CHPL` is an HS code group, not a control code group"),
        "{e}"
    );
    let e = error_of("{ control_code = [\"3A001 a\"] }");
    assert!(
        e.contains("`3A001 a`") && e.contains("not part of a control code"),
        "{e}"
    );
    let e = error_of("{ control_code = [\"3A001..a\"] }");
    assert!(e.contains("separator"), "{e}");
    let e = error_of("{ hs_code = [\"DUAL_USE\"] }");
    assert!(
        e.contains("`DUAL_USE` is a control code group, not an HS code group"),
        "{e}"
    );
    let e = error_of("{ origin = [\"MUNITIONS\"] }");
    assert!(
        e.contains("`MUNITIONS` is a control code group, not a country group"),
        "{e}"
    );
    let e = error_of("{ classified = \"no\" }");
    assert!(e.contains("classified"), "{e}");
    let e = error_of("{ missing = [\"destination\"] }");
    assert!(
        e.contains("`destination` is required on every record"),
        "{e}"
    );
    let e = error_of("{ missing = [\"consignr\"] }");
    assert!(e.contains("did you mean `consignor`?"), "{e}");
}

#[test]
fn control_groups_check_their_codes_and_kinds() {
    let groups = "[control_group.BAD]\ntitle = \"t\"\ncodes = [\"3A001\", \"ML 1\"]\nsources = [\"s\"]\n\
                  [control_group.MIXED]\ntitle = \"t\"\ncodes = [\"EAEU\"]\nsources = [\"s\"]\n\
                  [country_group.EAEU]\ntitle = \"t\"\nmembers = [\"KZ\"]\nsources = [\"s\"]\n";
    let result = Rulebook::from_sources(vec![Source::new("groups.toml", groups)]);
    let Err(LoadError::Invalid(errors)) = result else {
        panic!("loaded");
    };
    let texts: Vec<String> = errors.as_slice().iter().map(ToString::to_string).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("`ML 1`")), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("`EAEU` is not a control code group")),
        "{texts:?}"
    );
}

#[test]
fn records_carry_control_codes_in_every_form() {
    use export_control::read::csv;
    let text = "id,date,hs_code,export_country,destination,transit,control_codes,control_list_checked\n\
               A,2023-06-01,854231,KZ,RU,,3A001.a.2; ML10 ,2023-05-01\n\
               B,2023-06-01,854231,KZ,RU,,,true\n\
               C,2023-06-01,854231,KZ,RU,,3A001_a,\n\
               D,2023-06-01,854231,KZ,RU,,,2023-02-30\n\
               E,2023-06-01,854231,KZ,RU,,,1899-12-31\n";
    let results: Vec<_> = csv(text.as_bytes()).unwrap().collect();
    assert_eq!(results.len(), 5);
    let Ok(a) = &results[0] else {
        panic!("{:?}", results[0]);
    };
    let codes: Vec<&str> = a
        .shipment
        .control_codes
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(codes, ["3A001.a.2", "ML10"]);
    let json = serde_json::to_string(&a.shipment).unwrap();
    assert!(
        json.contains(
            r#""control_codes":["3A001.a.2","ML10"],"control_list_checked":"2023-05-01""#
        ),
        "{json}"
    );
    let back: export_control::Shipment = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, &a.shipment);
    let Ok(b) = &results[1] else {
        panic!("{:?}", results[1]);
    };
    let json = serde_json::to_string(&b.shipment).unwrap();
    assert!(json.contains(r#""control_list_checked":true"#), "{json}");
    let back: export_control::Shipment = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, &b.shipment);
    for (i, needle) in [
        (2, "`3A001_a`"),
        (3, "2023-02-30"),
        (4, "between 1900 and 2100"),
    ] {
        let Err(e) = &results[i] else {
            panic!("{:?}", results[i]);
        };
        assert!(e.to_string().contains(needle), "{e}");
    }
}

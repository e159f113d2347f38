//! Explanations, word for word, for the forms the golden files do not show; and the parts of
//! the API the other tests do not reach.

use export_control::{Because, CheckOptions, Decision, Digest, Outcome, Rulebook, Source};

use crate::common::{engine_of, overriding, rule_set, shipment, shipped};

fn reasons(rules: &str, fields: &[(&str, &str)]) -> Vec<String> {
    let text = rule_set("x", "scope = \"any_exporter\"", rules);
    let engine = engine_of(&[("x.toml", &text)]);
    let v = engine.check(&shipment(fields));
    v.matches
        .iter()
        .flat_map(|m| &m.because)
        .flat_map(|b| match b {
            Because::Exemption { because, .. } => because
                .iter()
                .map(|inner| format!("exemption: {inner}"))
                .collect::<Vec<_>>(),
            other => vec![other.to_string()],
        })
        .filter(|b| !b.starts_with("date "))
        .collect()
}

const BASE: [(&str, &str); 6] = [
    ("id", "E"),
    ("date", "2023-06-01"),
    ("hs_code", "100199"),
    ("export_country", "KZ"),
    ("destination", "KZ"),
    // Given, and empty: no transit (a record without the field has an unknown route).
    ("transit", ""),
];

fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    overriding(&BASE, extra)
}

fn rule(when: &str) -> String {
    format!(
        "[[rule]]\nid = \"r\"\nverdict = \"review\"\ntitle = \"t\"\ncitation = \"c\"\nwhen = {when}\n"
    )
}

#[test]
fn a_negated_hs_condition_says_what_the_code_is_not() {
    let got = reasons(
        &rule("{ destination = [\"KZ\"], not = { hs_code = [\"CHPL_TIER_1\", \"93\"] } }"),
        &BASE,
    );
    assert_eq!(
        got,
        [
            "destination KZ is in [KZ]",
            "hs_code 100199 does not start with any of [CHPL_TIER_1, 93]",
        ]
    );
}

#[test]
fn long_lists_are_cut_after_eight_items() {
    let names: Vec<String> = (1..=10).map(|i| format!("\"Party {i}\"")).collect();
    let got = reasons(
        &rule(&format!(
            "{{ hs_code = [\"1001\"], consignee = [{}] }}",
            names.join(", ")
        )),
        &BASE,
    );
    assert_eq!(
        got[1],
        "consignee is missing: cannot tell whether it is one of [Party 1, Party 2, Party 3, Party 4, Party 5, Party 6, Party 7, Party 8, and 2 more]"
    );
    let names: Vec<String> = (1..=8).map(|i| format!("\"P{i}\"")).collect();
    let got = reasons(
        &rule(&format!(
            "{{ hs_code = [\"1001\"], consignee = [{}] }}",
            names.join(", ")
        )),
        &BASE,
    );
    assert_eq!(
        got[1],
        "consignee is missing: cannot tell whether it is one of [P1, P2, P3, P4, P5, P6, P7, P8]"
    );
}

#[test]
fn a_country_met_through_a_group_among_other_items_names_the_group() {
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], destination = [\"CN\", \"EAEU\"] }"),
        &BASE,
    );
    assert_eq!(got[1], "destination KZ is in [CN, EAEU], by group EAEU");
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], destination = [\"KZ\", \"EAEU\"] }"),
        &BASE,
    );
    assert_eq!(got[1], "destination KZ is in [KZ, EAEU]");
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], destination = [\"EAEU\"] }"),
        &BASE,
    );
    assert_eq!(got[1], "destination KZ is in group EAEU");
}

#[test]
fn transit_explanations() {
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], transit_not = [\"RU\"] }"),
        &BASE,
    );
    assert_eq!(got[1], "transit has no country in [RU]");
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], transit_not = [\"RU\"] }"),
        &with(&[("transit", "CN;KG")]),
    );
    assert_eq!(got[1], "transit [CN, KG] has no country in [RU]");
}

#[test]
fn amount_explanations() {
    let when = "{ hs_code = [\"1001\"], not = { value = { gt = \"100\", currency = \"USD\" } } }";
    let got = reasons(&rule(when), &with(&[("value", "50"), ("currency", "USD")]));
    assert_eq!(got[1], "value 50 USD is not > 100 USD");
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], value = { ge = \"10\", le = \"20\", currency = \"USD\" } }"),
        &BASE,
    );
    assert_eq!(
        got[1],
        "value is missing: cannot compare with >= 10 USD and <= 20 USD"
    );
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], quantity = { eq = \"5\", unit = \"PCS\" } }"),
        &with(&[("quantity", "5"), ("unit", "pcs")]),
    );
    assert_eq!(got[1], "quantity 5 pcs is = 5 pcs");
}

#[test]
fn attribute_explanations() {
    let when = "{ hs_code = [\"1001\"], not = { attributes = { buyer_type = { equals = \"government\", when_missing = \"no_match\" } } } }";
    let got = reasons(&rule(when), &BASE);
    assert_eq!(
        got[1],
        "attributes.buyer_type is missing, which counts as no match"
    );
    let when = "{ hs_code = [\"1001\"], attributes = { buyer_type = { in = [\"state\", \"government\"] } } }";
    let got = reasons(&rule(when), &with(&[("buyer_type", "Government")]));
    assert_eq!(
        got[1],
        "attributes.buyer_type Government is in [state, government]"
    );
    let when =
        "{ hs_code = [\"1001\"], not = { attributes = { buyer_type = { in = [\"state\"] } } } }";
    let got = reasons(&rule(when), &with(&[("buyer_type", "private")]));
    assert_eq!(got[1], "attributes.buyer_type private is not in [state]");
    let when = "{ hs_code = [\"1001\"], attributes = { lot = { matches = '^L-\\d+$' } } }";
    let got = reasons(&rule(when), &with(&[("lot", "L-42")]));
    assert_eq!(got[1], r#"attributes.lot L-42 matches /^L-\d+$/ at "L-42""#);
}

#[test]
fn a_rule_that_fired_lists_no_exemption() {
    let engine = shipped();
    let s = shipment(&[
        ("id", "G-1"),
        ("date", "2023-06-01"),
        ("hs_code", "847130"),
        ("export_country", "GB"),
        ("destination", "RU"),
        ("transit", ""),
        ("licences", "X-1"),
    ]);
    let v = engine.check(&s);
    let m = v
        .matches
        .iter()
        .find(|m| &*m.rule == "gb-ru-listed-chapters")
        .unwrap();
    assert_eq!(m.outcome, Outcome::Fired);
    assert!(
        !m.because
            .iter()
            .any(|b| matches!(b, Because::Exemption { .. })),
        "{m}"
    );
}

#[test]
fn decide_respects_jurisdictions_and_windows() {
    let engine = shipped();
    let options = CheckOptions::default();
    let mut s = shipment(&[
        ("id", "D"),
        ("date", "2023-01-10"),
        ("hs_code", "930190"),
        ("export_country", "KZ"),
        ("destination", "CN"),
    ]);
    assert_eq!(engine.decide_with(&s, &options), Decision::Prohibited);
    s.export_country = "KG".parse().unwrap();
    assert_eq!(engine.decide_with(&s, &options), Decision::Allowed);
    s.export_country = "KZ".parse().unwrap();
    assert_eq!(
        engine.decide_with(&s, &CheckOptions::as_of("2024-01-01".parse().unwrap())),
        Decision::Allowed
    );
}

#[test]
fn the_digest_is_the_rule_books_and_changes_with_the_rules() {
    let engine = shipped();
    assert_eq!(engine.digest(), engine.rulebook().digest());
    assert_ne!(engine.digest(), Digest::default());
    let text = rule_set("x", "", &rule("{ hs_code = [\"93\"] }"));
    let a = Rulebook::from_sources(vec![Source::new("x.toml", text.clone())]).unwrap();
    let b = Rulebook::from_sources(vec![Source::new(
        "x.toml",
        text.replace("\"93\"", "\"94\""),
    )])
    .unwrap();
    assert_ne!(a.digest(), b.digest());
}

#[test]
fn check_all_gives_one_verdict_per_shipment_in_order() {
    let engine = shipped();
    let shipments = vec![
        shipment(&[
            ("id", "1"),
            ("date", "2023-01-10"),
            ("hs_code", "930190"),
            ("export_country", "KZ"),
            ("destination", "CN"),
        ]),
        shipment(&[
            ("id", "2"),
            ("date", "2023-01-10"),
            ("hs_code", "100199"),
            ("export_country", "KZ"),
            ("destination", "CN"),
        ]),
    ];
    let options = CheckOptions::default();
    let verdicts: Vec<Decision> = engine
        .check_all(&shipments, &options)
        .map(|v| v.decision)
        .collect();
    assert_eq!(verdicts, [Decision::Prohibited, Decision::Allowed]);
    let batch: Vec<Decision> = engine
        .check_batch(&shipments, &options)
        .iter()
        .map(|v| v.decision)
        .collect();
    assert_eq!(batch, verdicts);
}

/// Runs the cases of `tests` on the rule file `text`; every case must pass.
fn passing_report(text: String, tests: &str) -> export_control::testing::TestReport {
    let book = Rulebook::from_sources(vec![
        Source::new("x.toml", text),
        Source::new("x.tests.toml", tests),
    ])
    .unwrap();
    let report = export_control::testing::run_tests(&book, &book.test_cases().unwrap());
    assert!(report.failures().next().is_none());
    report
}

#[test]
fn coverage_records_what_each_condition_saw() {
    let text = rule_set(
        "x",
        "",
        &rule("{ hs_code = [\"93\"], destination = [\"RU\"] }"),
    );
    let tests = "[[test]]\nname = \"to Russia\"\nshipment = { hs_code = \"930190\", destination = \"RU\", date = 2023-01-01 }\nexpect = \"review\"\n\n\
                 [[test]]\nname = \"to China\"\nshipment = { hs_code = \"930190\", destination = \"CN\", date = 2023-01-01 }\nexpect = \"allowed\"\n";
    let report = passing_report(text, tests);
    let coverage = &report.coverage[0];
    assert_eq!(coverage.exercised, 1);
    let seen: Vec<(&str, bool, bool)> = coverage
        .conditions
        .iter()
        .map(|c| (c.key, c.seen_true, c.seen_false))
        .collect();
    assert_eq!(
        seen,
        [("hs_code", true, false), ("destination", true, true)]
    );
}

#[test]
fn coverage_counts_a_case_only_for_the_rules_it_made_match() {
    let text = rule_set(
        "x",
        "",
        "[[rule]]\nid = \"to-ru\"\nverdict = \"review\"\ntitle = \"t\"\ncitation = \"c\"\n\
         when = { hs_code = [\"93\"], destination = [\"RU\"] }\n\n\
         [[rule]]\nid = \"to-cn\"\nverdict = \"prohibited\"\ntitle = \"t\"\ncitation = \"c\"\n\
         when = { hs_code = [\"93\"], destination = [\"CN\"] }\n",
    );
    let tests = "[[test]]\nname = \"to Russia\"\nshipment = { hs_code = \"930190\", destination = \"RU\", date = 2023-01-01 }\nexpect = \"review\"\n";
    let report = passing_report(text, tests);
    let exercised: Vec<(&str, usize)> = report
        .coverage
        .iter()
        .map(|c| (c.rule.as_str(), c.exercised))
        .collect();
    assert_eq!(exercised, [("to-ru", 1), ("to-cn", 0)]);
}

#[test]
fn a_missing_attribute_cannot_be_told_unless_it_counts_as_no_match() {
    let when = "{ hs_code = [\"1001\"], attributes = { supplier_country = { equals = \"KZ\" } } }";
    let got = reasons(&rule(when), &BASE);
    assert_eq!(
        got[1],
        "attributes.supplier_country is missing: cannot tell whether it equals \"KZ\""
    );
}

#[test]
fn an_exemption_that_holds_wins_over_a_licence() {
    let rules = "[[rule]]\nid = \"r\"\nverdict = \"license_required\"\ntitle = \"t\"\ncitation = \"c\"\n\
        accepted_licences = '^LIC-'\nwhen = { hs_code = [\"1001\"] }\nunless = { destination = [\"KZ\"] }\n";
    let text = rule_set("x", "scope = \"any_exporter\"", rules);
    // A licence of any jurisdiction: the rule set is Kazakh and applies to any exporter.
    let register = "[[licence]]\nid = \"LIC-1\"\nauthority = \"a\"\njurisdiction = \"KZ\"\n\
        type = \"general\"\nvalid_from = 2000-01-01\nvalid_until = 2099-12-31\nhs = [\"1001\"]\n\
        destinations = [\"KZ\", \"CN\"]\n";
    let engine = engine_of(&[("x.toml", &text), ("x.licences.toml", register)]);
    let v = engine.check(&shipment(&with(&[("licences", "LIC-1")])));
    assert_eq!(v.matches[0].outcome, export_control::Outcome::Exempted);
    let v = engine.check(&shipment(&with(&[
        ("licences", "LIC-1"),
        ("destination", "CN"),
    ])));
    assert_eq!(v.matches[0].outcome, export_control::Outcome::Licensed);
    let v = engine.check(&shipment(&with(&[("destination", "CN")])));
    assert_eq!(v.matches[0].outcome, export_control::Outcome::Fired);
}

#[test]
fn an_any_that_cannot_be_told_shows_every_untold_part_and_no_false_one() {
    let got = reasons(
        &rule(
            "{ hs_code = [\"1001\"], any = [{ origin = [\"US\"] }, { destination = [\"CN\"] }, { end_user = [\"ACME\"] }] }",
        ),
        &BASE,
    );
    assert_eq!(
        got,
        [
            "hs_code 100199 starts with 1001",
            "origin is missing: cannot tell whether it is in [US]",
            "end_user is missing: cannot tell whether it is one of [ACME]"
        ]
    );
}

#[test]
fn export_country_explanations() {
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], export_country = [\"KZ\"] }"),
        &BASE,
    );
    assert_eq!(got[1], "export_country KZ is in [KZ]");
}

#[test]
fn json_record_errors_name_the_record_and_read_null_as_empty() {
    use export_control::read;
    let base = r#""date":"2023-06-01","hs_code":"100199","export_country":"KZ","destination":"KZ""#;
    let first = |line: String| {
        read::json_lines(line.into_bytes().as_slice())
            .next()
            .unwrap()
    };
    // An error names the record's id, when it has one that is text.
    let e = first(format!(r#"{{"id":"J1",{base},"origin":"XQ"}}"#)).unwrap_err();
    assert_eq!(e.id(), Some("J1"));
    let e = first(format!(r#"{{"id":"  ",{base},"origin":"XQ"}}"#)).unwrap_err();
    assert_eq!(e.id(), None);
    let e = first(format!(r#"{{"id":7,{base},"origin":"XQ"}}"#)).unwrap_err();
    assert_eq!(e.id(), Some("7"));
    let e = first(format!(r#"{{"id":["J1"],{base}}}"#)).unwrap_err();
    assert_eq!(e.id(), None);
    assert_eq!(e.field(), Some("id"));
    // `null` is an empty value: an optional field left out.
    let r = first(format!(
        r#"{{"id":"J2",{base},"origin":null,"transit":["KG",null]}}"#
    ))
    .unwrap();
    assert_eq!(r.shipment.origin, None);
    assert_eq!(r.shipment.transit.len(), 1);
    // A list or object where one value belongs is an error, not dropped.
    for bad in [
        r#""origin":["US"]"#,
        r#""origin":{"a":"US"}"#,
        r#""transit":[["RU"]]"#,
        r#""transit":[{"a":"RU"}]"#,
    ] {
        let e = first(format!(r#"{{"id":"J3",{base},{bad}}}"#)).unwrap_err();
        assert_eq!(e.id(), Some("J3"), "{bad}");
    }
}

#[test]
fn route_explanations_name_the_group_the_country_is_in() {
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], transit = [\"EAEU\"] }"),
        &with(&[("transit", "KG")]),
    );
    assert_eq!(
        got[1],
        "transit [KG] passes through KG, which is in group EAEU"
    );
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], transit = [\"CN\", \"EAEU\"] }"),
        &with(&[("transit", "KG")]),
    );
    assert_eq!(
        got[1],
        "transit [KG] passes through KG, which is in [CN, EAEU], by group EAEU"
    );
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], transit = [\"KG\"] }"),
        &with(&[("transit", "KG")]),
    );
    assert_eq!(got[1], "transit [KG] passes through KG, which is in [KG]");
    let got = reasons(
        &rule("{ hs_code = [\"1001\"], transit = [\"RU\"] }"),
        &with(&[("transit", "KG;ZZ")]),
    );
    assert_eq!(
        got[1],
        "transit [KG] and a country the record does not name: cannot tell whether it passes through [RU]"
    );
}

#[test]
fn an_exemption_reads_as_one_sentence_of_its_reasons() {
    let text = rule_set(
        "x",
        "scope = \"any_exporter\"",
        "[[rule]]\nid = \"r\"\nverdict = \"review\"\ntitle = \"t\"\ncitation = \"c\"\n\
         when = { hs_code = [\"1001\"] }\nunless = { destination = [\"KZ\"], export_country = [\"KZ\"] }\n",
    );
    let engine = engine_of(&[("x.toml", &text)]);
    let v = engine.check(&shipment(&BASE));
    let exemption = v.matches[0]
        .because
        .iter()
        .find(|b| matches!(b, Because::Exemption { .. }))
        .unwrap();
    assert_eq!(
        exemption.to_string(),
        "the exception holds: destination KZ is in [KZ]; export_country KZ is in [KZ]"
    );
    // A verdict that owns its texts says the same.
    let owned = v.clone().into_owned();
    assert_eq!(owned, v);
    assert_eq!(owned.to_string(), v.to_string());
    let groups_engine = engine_of(&[(
        "g.toml",
        &rule_set(
            "g",
            "scope = \"any_exporter\"",
            "[[rule]]\nid = \"g\"\nverdict = \"review\"\ntitle = \"t\"\ncitation = \"c\"\nwhen = { hs_code = [\"CHPL\"], destination = [\"EAEU\"] }\n",
        ),
    )]);
    let grouped = groups_engine.check(&shipment(&with(&[("hs_code", "854231")])));
    assert!(grouped.to_string().contains("(group CHPL)"), "{grouped}");
    assert_eq!(grouped.clone().into_owned(), grouped);
}

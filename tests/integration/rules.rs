//! The shipped rule sets, on real cases.

use std::collections::BTreeMap;

use export_control::rule::GroupMembers;
use export_control::shipment::Field;
use export_control::verdict::because::{DateField, Subject};
use export_control::{Because, CheckOptions, Decision, Outcome, Verdict};

use crate::common::{engine_of, rule_set, shipment, shipped};

fn decisive_sets<'a>(v: &'a Verdict<'_>) -> Vec<&'a str> {
    let mut sets: Vec<&str> = v.decisive().map(|m| &*m.ruleset).collect();
    sets.sort();
    sets.dedup();
    sets
}

fn fired(v: &Verdict<'_>, rule: &str) -> Option<Outcome> {
    v.matches
        .iter()
        .find(|m| &*m.rule == rule)
        .map(|m| m.outcome)
}

#[test]
fn us_processors_from_kazakhstan_to_russia_need_a_bis_licence_and_review() {
    let engine = shipped();
    let s = shipment(&[
        ("id", "KZ-1"),
        ("date", "2023-11-15"),
        ("hs_code", "8542.31"),
        ("origin", "US"),
        ("export_country", "KZ"),
        ("destination", "RU"),
        ("transit", ""),
        ("consignor", "Astana Chips LLP"),
        ("consignee", "OOO Vector"),
        ("end_user", "OOO Vector"),
    ]);
    let v = engine.check(&s);
    // The United States' licence requirement follows its goods (policy of denial); the Kazakh
    // measures that are denied or drafts review, none prohibits.
    assert_eq!(v.decision, Decision::LicenseRequired);
    let licensing: Vec<&str> = v
        .matches
        .iter()
        .filter(|m| m.effect() == Decision::LicenseRequired)
        .map(|m| &*m.ruleset)
        .collect();
    assert_eq!(licensing, ["us-ear-russia-746-8"]);
    assert!(v.matches.iter().all(|m| m.effect() != Decision::Prohibited));
    let reviewing: Vec<&str> = v
        .matches
        .iter()
        .filter(|m| m.effect() == Decision::Review)
        .map(|m| &*m.rule)
        .collect();
    assert_eq!(
        reviewing,
        [
            "kz-du-classify",
            "kz-new-consignee-chpl",
            "kz-reexport-banned-origin",
            "kz-spike-to-eaeu",
            "kz106-chpl-to-ru"
        ]
    );
    // The history red flags cannot measure a record without a value: they cannot be told.
    for rule in ["kz-new-consignee-chpl", "kz-spike-to-eaeu"] {
        assert_eq!(fired(&v, rule), Some(Outcome::Undetermined), "{rule}");
    }
    let kz106 = v
        .matches
        .iter()
        .find(|m| &*m.rule == "kz106-chpl-to-ru")
        .unwrap();
    assert_eq!(kz106.status, export_control::Status::Reported);
    let draft = v
        .matches
        .iter()
        .find(|m| &*m.rule == "kz-reexport-banned-origin")
        .unwrap();
    assert_eq!(draft.status, export_control::Status::Draft);
    assert_eq!(
        kz106.source.to_string(),
        format!("{}/kz-106-dual-use-ru.toml:49", crate::common::RULES)
    );
    let conditions: Vec<String> = kz106.because.iter().map(|b| b.to_string()).collect();
    assert_eq!(
        conditions,
        [
            "export_country KZ is the rule set's jurisdiction",
            "date 2023-11-15 is in force: from 2023-10-19",
            "hs_code 854231 starts with 854231 (group CHPL)",
            "destination RU is in [RU]",
            "origin US is not in [KZ]",
        ]
    );
    // The CHPL guidance was published on 2024-02-23: not in force yet.
    assert_eq!(fired(&v, "chpl-tier-1"), None);
    let later = engine.check_with(&s, &CheckOptions::as_of("2024-03-01".parse().unwrap()));
    assert_eq!(later.decision, Decision::LicenseRequired);
    assert_eq!(fired(&later, "chpl-tier-1"), Some(Outcome::Fired));
    assert_eq!(v.ruleset_digest, engine.digest());
}

#[test]
fn arms_suspension_ends_on_the_last_day_of_august_2023() {
    let engine = shipped();
    let mut s = shipment(&[
        ("id", "A-1"),
        ("date", "2023-08-31"),
        ("hs_code", "9301.10"),
        ("export_country", "KZ"),
        ("destination", "AE"),
    ]);
    let v = engine.check(&s);
    assert_eq!(v.decision, Decision::Prohibited);
    assert_eq!(decisive_sets(&v), ["kz-arms-export-suspension-2022"]);
    s.date = "2023-09-01".parse().unwrap();
    let v = engine.check(&s);
    assert_eq!(v.decision, Decision::Allowed, "{v}");
    assert!(v.matches.is_empty());
    s.date = "2022-08-26".parse().unwrap();
    assert_eq!(engine.check(&s).decision, Decision::Allowed);
    // Any destination, and a licence does not lift it.
    s.date = "2022-12-01".parse().unwrap();
    s.destination = "GB".parse().unwrap();
    s.licences = vec!["KZ-ARMS-2022-0001".into()];
    assert_eq!(engine.check(&s).decision, Decision::Prohibited);
    // Only exports from Kazakhstan.
    s.export_country = "KG".parse().unwrap();
    assert_eq!(engine.check(&s).decision, Decision::Allowed);
}

#[test]
fn as_of_replaces_the_record_date() {
    let engine = shipped();
    let s = shipment(&[
        ("id", "A-2"),
        ("date", "2024-01-10"),
        ("hs_code", "930190"),
        ("export_country", "KZ"),
        ("destination", "CN"),
    ]);
    assert_eq!(engine.check(&s).decision, Decision::Allowed);
    let as_of = CheckOptions::as_of("2023-01-10".parse().unwrap());
    let v = engine.check_with(&s, &as_of);
    assert_eq!(v.decision, Decision::Prohibited);
    assert_eq!(v.as_of.to_string(), "2023-01-10");
    assert!(
        matches!(
            v.matches[0].because[1],
            Because::InForce {
                field: DateField::AsOf,
                ..
            }
        ),
        "{v}"
    );
}

#[test]
fn rules_not_in_force_are_shown_only_on_request() {
    let engine = shipped();
    let s = shipment(&[
        ("id", "A-3"),
        ("date", "2024-01-10"),
        ("hs_code", "871000"),
        ("export_country", "KZ"),
        ("destination", "CN"),
    ]);
    let mut options = CheckOptions::default();
    options.include_not_in_force = true;
    let v = engine.check_with(&s, &options);
    assert_eq!(v.decision, Decision::Allowed);
    let m = &v.matches[0];
    assert_eq!(
        (&*m.rule, m.outcome),
        ("kz-arms-armoured-vehicles", Outcome::NotInForce)
    );
    assert!(
        matches!(m.because[1], Because::InForce { inside: false, .. }),
        "{m}"
    );
    assert!(
        m.because[1].to_string().contains("outside the window"),
        "{m}"
    );
}

#[test]
fn goods_of_kazakh_origin_fall_only_under_interfax_reading_of_the_106_goods() {
    let engine = shipped();
    let s = shipment(&[
        ("id", "K-1"),
        ("date", "2023-11-15"),
        ("hs_code", "854231"),
        ("origin", "KZ"),
        ("export_country", "KZ"),
        ("destination", "RU"),
        ("transit", ""),
        ("control_codes", "3A001.a.2"),
        ("consignor", "Astana Chips LLP"),
        ("consignee", "OOO Vector"),
        ("end_user", "OOO Vector"),
    ]);
    let v = engine.check(&s);
    assert_eq!(v.decision, Decision::LicenseRequired);
    assert_eq!(fired(&v, "kz-du-licence"), Some(Outcome::Fired));
    let mut s = s;
    s.licences = vec!["KZ-DU-2023-123456".into()];
    // Not in a register: no licence.
    assert_eq!(
        fired(&engine.check(&s), "kz-du-licence"),
        Some(Outcome::Fired)
    );
    let register = export_control::licences::Register::from_source(&export_control::Source::new(
        "kz.licences.csv",
        "id,authority,jurisdiction,type,holder,valid_from,valid_until,control_codes,destinations\n\
         KZ-DU-2023-123456,Ministry of Trade and Integration,KZ,individual,Astana Chips LLP,2023-01-01,2023-12-31,3A001,RU\n",
    ))
    .unwrap();
    let engine = engine.with_register(register).unwrap();
    let v = engine.check(&s);
    assert_eq!(v.decision, Decision::Review);
    assert_eq!(fired(&v, "kz-du-licence"), Some(Outcome::Licensed));
    assert_eq!(fired(&v, "kz106-chpl-to-ru"), None);
    assert_eq!(fired(&v, "kz106-kazakh-origin-to-ru"), Some(Outcome::Fired));
    assert_eq!(fired(&v, "kz-reexport-other-origin"), Some(Outcome::Fired));
}

#[test]
fn a_missing_origin_sends_to_review_never_allows() {
    let engine = shipped();
    let s = shipment(&[
        ("id", "K-2"),
        ("date", "2023-11-15"),
        ("hs_code", "880610"),
        ("export_country", "KZ"),
        ("destination", "RU"),
        ("licences", "KZ-DU-2023-000042"),
    ]);
    let v = engine.check(&s);
    assert_eq!(v.decision, Decision::Review);
    let m = v
        .matches
        .iter()
        .find(|m| &*m.rule == "kz106-uav-to-ru")
        .unwrap();
    assert_eq!(
        (m.outcome, m.effect()),
        (Outcome::Undetermined, Decision::Review)
    );
    assert!(m.because.iter().any(|b| matches!(
        b,
        Because::Missing {
            subject: Subject::Field(Field::Origin),
            ..
        }
    )));
}

#[test]
fn drones_declared_as_toys_are_red_flags() {
    let engine = shipped();
    let mut s = shipment(&[
        ("id", "T-1"),
        ("date", "2023-05-02"),
        ("hs_code", "9503.00"),
        ("description", "Mini QUADCOPTER with 4K camera, toy"),
        ("export_country", "CN"),
        ("destination", "KZ"),
    ]);
    let v = engine.check(&s);
    assert_eq!(v.decision, Decision::Review);
    let m = &v.matches[0];
    assert_eq!(&*m.rule, "redflag-drone-declared-as-toy");
    assert!(
        m.because
            .iter()
            .any(|b| matches!(b, Because::Pattern { matched: Some(m), .. } if m == "QUADCOPTER")),
        "{m}"
    );
    s.description = Some("Plush teddy bear".into());
    assert_eq!(engine.check(&s).decision, Decision::Allowed);
}

#[test]
fn end_user_red_flags_compare_names_loosely() {
    let engine = shipped();
    let mut s = shipment(&[
        ("id", "E-1"),
        ("date", "2023-05-02"),
        ("hs_code", "851762"),
        ("export_country", "DE"),
        ("destination", "TR"),
        ("transit", ""),
        ("consignee", "Acme  GmbH"),
        ("end_user", "ACME GmbH"),
    ]);
    assert_eq!(engine.check(&s).decision, Decision::Allowed);
    s.end_user = Some("Zeta Freight Forwarding LLC".into());
    let v = engine.check(&s);
    let rules: Vec<&str> = v.decisive().map(|m| &*m.rule).collect();
    assert_eq!(
        rules,
        [
            "redflag-end-user-not-consignee",
            "redflag-forwarder-as-end-user"
        ]
    );
}

#[test]
fn chpl_guidance_covers_transit_and_transshipment_points() {
    let engine = shipped();
    let mut s = shipment(&[
        ("id", "C-1"),
        ("date", "2024-03-01"),
        ("hs_code", "848210"),
        ("export_country", "DE"),
        ("destination", "MN"),
        ("transit", "RU"),
        ("consignee", "A"),
        ("end_user", "A"),
    ]);
    let v = engine.check(&s);
    assert_eq!(v.decision, Decision::Review);
    let m = &v.matches[0];
    assert_eq!(&*m.rule, "chpl-tier-3b");
    assert_eq!(
        *m.labels,
        BTreeMap::from([("tier".to_owned(), "3.B".to_owned())])
    );
    assert!(
        m.because
            .iter()
            .any(|b| b.to_string() == "transit [RU] passes through RU, which is in [RU, BY]"),
        "{m}"
    );
    s.transit.clear();
    assert_eq!(engine.check(&s).decision, Decision::Allowed);
    s.destination = "HK".parse().unwrap();
    let v = engine.check(&s);
    assert!(
        v.matches[0]
            .because
            .iter()
            .any(|b| matches!(b, Because::Country { in_list: true, via: Some(g), .. } if g == "TRANSSHIPMENT_POINTS")),
        "{v}"
    );
}

#[test]
fn government_purchases_from_abroad_use_attributes() {
    let engine = shipped();
    let mut s = shipment(&[
        ("id", "P-1"),
        ("date", "2024-02-01"),
        ("hs_code", "903020"),
        ("export_country", "CN"),
        ("destination", "KZ"),
        ("buyer_type", "Government"),
        ("supplier_country", "CN"),
        ("consignee", "MoD"),
        ("end_user", "MoD"),
    ]);
    let v = engine.check(&s);
    // Reported, with no act found: review, not a ban.
    assert_eq!(v.decision, Decision::Review);
    let m = v
        .matches
        .iter()
        .find(|m| &*m.rule == "kz-procurement-foreign-supplier")
        .unwrap();
    assert_eq!(m.status, export_control::Status::Reported);
    s.attributes.insert("supplier_country".into(), "KZ".into());
    assert_eq!(
        fired(&engine.check(&s), "kz-procurement-foreign-supplier"),
        None
    );
    s.attributes.remove("supplier_country");
    assert_eq!(
        fired(&engine.check(&s), "kz-procurement-foreign-supplier"),
        Some(Outcome::Undetermined)
    );
    s.attributes.clear();
    assert_eq!(
        fired(&engine.check(&s), "kz-procurement-foreign-supplier"),
        None
    );
}

#[test]
fn uk_document_codes_exempt_a_declaration() {
    let engine = shipped();
    let mut s = shipment(&[
        ("id", "G-1"),
        ("date", "2023-06-01"),
        ("hs_code", "847130"),
        ("export_country", "GB"),
        ("destination", "RU"),
        ("transit", ""),
    ]);
    // A chapter hit is a proxy for the legal schedules: review.
    assert_eq!(engine.check(&s).decision, Decision::Review);
    // 9038 is an import document code: it exempts no export.
    s.licences = vec!["9038".into()];
    assert_eq!(engine.check(&s).decision, Decision::Review);
    s.licences = vec!["9022".into()];
    let v = engine.check(&s);
    assert_eq!(v.decision, Decision::Allowed);
    let m = &v.matches[0];
    assert_eq!(m.outcome, Outcome::Exempted);
    assert!(
        m.because.iter().any(|b| matches!(
            b,
            Because::Exemption { held: true, because }
                if because[0].to_string().contains("include \"9022\"")
        )),
        "{m}"
    );
}

const LICENCE_SET: &str = r#"
[[rule]]
id = "lic-dual-use"
verdict = "license_required"
title = "Dual-use goods need an export licence"
citation = "Test act, art. 2"
accepted_licences = '^KZ-DU-\d{6}$'
when = { hs_code = ["8542"], destination_not = ["EAEU"] }

[[rule]]
id = "lic-big-value"
verdict = "review"
title = "Large consignments"
when = { hs_code = ["8542"], value = { gt = "100000", currency = "USD" } }
"#;

#[test]
fn a_licence_meets_a_requirement_and_is_named() {
    let text = rule_set("lic", "effective_from = 2020-01-01", LICENCE_SET);
    let register = r#"
[[licence]]
id = "KZ-DU-123456"
authority = "Ministry of Trade and Integration of the Republic of Kazakhstan"
jurisdiction = "KZ"
type = "individual"
holder = "Steppe Electronics LLP"
valid_from = 2023-01-01
valid_until = 2023-12-31
hs = ["8542"]
destinations = ["CN"]
"#;
    let engine = engine_of(&[("lic.toml", &text)]);
    let registered = engine_of(&[("lic.toml", &text), ("lic.licences.toml", register)]);
    let mut s = shipment(&[
        ("id", "L-1"),
        ("consignor", "STEPPE ELECTRONICS, LLP"),
        ("date", "2023-11-15"),
        ("hs_code", "854239"),
        ("export_country", "KZ"),
        ("destination", "CN"),
        ("value", "5000"),
        ("currency", "USD"),
    ]);
    assert_eq!(engine.check(&s).decision, Decision::LicenseRequired);
    s.licences = vec!["KZ-DU-12".into(), "KZ-DU-123456".into()];
    // A number of the right form is no proof: without a register it meets nothing.
    let v = engine.check(&s);
    assert_eq!(v.decision, Decision::LicenseRequired);
    assert!(
        v.to_string()
            .contains("licence \"KZ-DU-123456\" is not in the licence register"),
        "{v}"
    );
    let v = registered.check(&s);
    assert_eq!(v.decision, Decision::Allowed);
    assert_eq!(v.matches[0].outcome, Outcome::Licensed);
    assert!(
        v.matches[0].because.iter().any(|b| matches!(
            b,
            Because::Licence(check) if check.licence == "KZ-DU-123456" && check.covers
        )),
        "{v}"
    );
    s.destination = "BY".parse().unwrap();
    assert!(registered.check(&s).matches.is_empty());
    // Without a value the threshold rule cannot be told: review, never allowed.
    s.value = None;
    s.currency = None;
    assert_eq!(engine.check(&s).decision, Decision::Review);
}

#[test]
fn amounts_compare_exactly_and_only_in_the_rules_currency() {
    let text = rule_set("lic", "", LICENCE_SET);
    let engine = engine_of(&[("lic.toml", &text)]);
    let mut s = shipment(&[
        ("id", "V-1"),
        ("date", "2023-11-15"),
        ("hs_code", "854239"),
        ("export_country", "KZ"),
        ("destination", "AM"),
        ("value", "100000.00"),
        ("currency", "USD"),
    ]);
    assert_eq!(engine.check(&s).decision, Decision::Allowed);
    s.value = Some("100000.01".parse().unwrap());
    assert_eq!(engine.check(&s).decision, Decision::Review);
    s.currency = Some("EUR".into());
    let v = engine.check(&s);
    assert_eq!(v.decision, Decision::Review);
    assert_eq!(v.matches[0].outcome, Outcome::Undetermined);
    assert_eq!(
        v.matches[0].because.last().unwrap().to_string(),
        "value 100000.01 EUR cannot be compared with > 100000 USD: the record's currency is EUR, the rule's USD"
    );
}

#[test]
fn chpl_groups_match_the_reference_list() {
    let engine = shipped();
    let groups = engine.rulebook().groups();
    let csv = std::fs::read_to_string(format!(
        "{}/reference/chpl-2024-02-23.csv",
        crate::common::RULES
    ))
    .unwrap();
    let mut tiers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let mut parts = line.splitn(3, ',');
        let code = parts.next().unwrap().to_owned();
        let tier = parts.next().unwrap().replace('.', "");
        tiers.entry(tier).or_default().push(code);
    }
    assert_eq!(tiers.values().map(Vec::len).sum::<usize>(), 50);
    for (tier, mut codes) in tiers {
        codes.sort();
        let group = &groups[&format!("CHPL_TIER_{tier}")];
        let GroupMembers::HsCodes(listed) = group.members() else {
            panic!("not an HS group");
        };
        let listed: Vec<String> = listed.iter().map(|p| p.to_string()).collect();
        assert_eq!(listed, codes, "tier {tier}");
    }
    let GroupMembers::HsCodes(all) = groups["CHPL"].members() else {
        panic!()
    };
    assert_eq!(all.len(), 50);
}

#[test]
fn every_shipped_rule_set_says_where_it_comes_from() {
    let engine = shipped();
    let book = engine.rulebook();
    assert_eq!(book.rule_sets().len(), 14);
    for set in book.rule_sets() {
        assert!(
            !set.sources().is_empty() && !set.citations().is_empty(),
            "{}",
            set.id()
        );
        if set.status() != export_control::Status::InForce {
            assert!(set.notes().is_some(), "{} needs notes", set.id());
        }
        for rule in set.rules() {
            assert!(rule.citation().is_some(), "{} has no citation", rule.id());
        }
    }
}

/// A measure that was denied (`reported`) or never verified as adopted (`draft`) cannot be
/// defended as a ban: no shipped rule of such a rule set prohibits, and none requires a licence.
/// One exception, named: the EU's pre-war quota proposal (`eu-prewar-quota`, draft) gives the
/// `license_required` its proposal would impose, as issue 11 fixes it so that audits compare
/// across versions; its notes say it is not law, and every verdict it decides carries `draft`.
#[test]
fn shipped_measures_not_in_force_in_law_only_review() {
    let engine = shipped();
    let quota = engine
        .rulebook()
        .rule_sets()
        .iter()
        .find(|s| s.id() == "eu-prewar-quota");
    let quota = quota.expect("the quota rule set is shipped");
    assert_eq!(quota.status(), export_control::Status::Draft);
    assert!(quota.notes().is_some_and(|n| n.contains("DRAFT: not law")));
    assert!(
        quota
            .rules()
            .iter()
            .all(|r| r.verdict() == Decision::LicenseRequired)
    );
    for set in engine.rulebook().rule_sets() {
        if set.id() == "eu-prewar-quota" {
            continue;
        }
        if matches!(
            set.status(),
            export_control::Status::Reported | export_control::Status::Draft
        ) {
            for rule in set.rules() {
                assert_eq!(
                    rule.verdict(),
                    Decision::Review,
                    "{} of {} ({:?})",
                    rule.id(),
                    set.id(),
                    set.status()
                );
            }
            assert!(
                set.notes().is_some_and(|n| n.contains("review")),
                "{}",
                set.id()
            );
        }
    }
}

/// The validated model gives back what the rule files say: a rule set's and a group's
/// descriptive fields, as the reports and the `rules` command show them.
#[test]
fn the_model_gives_what_the_files_say() {
    let book = export_control::Rulebook::load("rules").unwrap();
    let set = book
        .rule_sets()
        .iter()
        .find(|s| s.id() == "kz-arms-export-suspension-2022")
        .unwrap();
    assert_eq!(
        set.title(),
        "Kazakhstan: suspension of exports of weapons, military equipment and military products"
    );
    assert!(
        set.authority().starts_with(
            "Government of the Republic of Kazakhstan: Commission on Defence Industry"
        ),
        "{}",
        set.authority()
    );
    assert_eq!(set.citations().len(), 1);
    assert!(
        set.citations()[0]
            .starts_with("Decision of the Commission on Defence Industry of 2022-08-27")
    );
    assert_eq!(
        set.sources(),
        [
            "https://euroweeklynews.com/2022/08/27/breaking-news-kazakhstan-to-suspend-exports-of-military-products-for-a-year/",
            "https://thediplomat.com/2022/08/kazakhstan-suspends-arms-exports-for-a-year/",
            "https://zona.media/news/2022/08/27/kzhstn",
        ]
    );
    assert_eq!(set.version(), "2022-08-27.2");
    assert!(
        set.notes()
            .is_some_and(|n| n.starts_with("Applies to every destination."))
    );
    assert_eq!(set.path(), "kz-arms-export-suspension-2022.toml");
    assert_eq!(set.file(), "rules/kz-arms-export-suspension-2022.toml");
    let eaeu = book.groups().get("EAEU").unwrap();
    assert_eq!(eaeu.name(), "EAEU");
    assert_eq!(eaeu.title(), "Eurasian Economic Union member states");
    assert_eq!(eaeu.sources().len(), 2);
    assert!(eaeu.sources()[0].starts_with("Treaty on the Eurasian Economic Union"));
    assert_eq!(eaeu.sources()[1], "https://eec.eaeunion.org/en/");
    assert!(
        eaeu.notes()
            .is_some_and(|n| n.starts_with("No customs checks"))
    );
    // A group without notes has none.
    let eu = book.groups().get("EU27").unwrap();
    assert_eq!(eu.notes(), None);
    assert_eq!(
        eu.title(),
        "European Union member states (since 2020-02-01)"
    );
    // A rule's licence pattern, history test and party lists.
    let rule = |id: &str| book.rule(id).unwrap().1;
    assert_eq!(
        rule("kz-du-licence").accepted_licences(),
        Some(r"^KZ-DU-\d{4}-\d{6}$")
    );
    assert_eq!(rule("kz-du-classify").accepted_licences(), None);
    for (id, kind) in [
        ("kz-spike-to-eaeu", "spike"),
        ("eu-quota-kz-cannibalisable", "quota"),
        ("kz-new-consignee-chpl", "new_party"),
        ("kz-reexport-of-recent-import", "reexport"),
    ] {
        assert_eq!(rule(id).history_kind(), Some(kind), "{id}");
    }
    assert_eq!(rule("kz-du-licence").history_kind(), None);
    assert_eq!(
        rule("party-on-us-lists").party_lists().collect::<Vec<_>>(),
        ["ofac-consolidated", "bis-dpl"]
    );
    assert_eq!(rule("kz-du-licence").party_lists().count(), 0);
    // A test case's name, as its file writes it.
    let cases = book.test_cases().unwrap();
    assert!(cases.iter().any(|c| {
        c.name()
            == "military weapons (HS 9301.90, not artillery) during the suspension are prohibited"
            && c.location()
                .file()
                .ends_with("kz-arms-export-suspension-2022.tests.toml")
    }));
}

/// A test case gives back the records of history before its shipment, in the order written,
/// and the date it checks the rules in force on (`as_of`, else the shipment's date).
#[test]
fn a_case_gives_its_history_in_order_and_its_date() {
    let book = export_control::Rulebook::load("rules").unwrap();
    let cases = book.test_cases().unwrap();
    let case = cases
        .iter()
        .find(|c| c.name() == "the record that takes the year's total past the 2021 total")
        .unwrap();
    let history: Vec<(&str, String)> = case
        .history()
        .iter()
        .map(|s| (s.id.as_str(), s.date.to_string()))
        .collect();
    assert_eq!(
        history,
        [
            ("Q-2021", "2021-03-01".to_owned()),
            ("Q-1", "2023-02-01".to_owned())
        ]
    );
    assert_eq!(case.as_of(), None);
    assert_eq!(case.date().to_string(), "2023-06-01");

    let set = rule_set(
        "dated",
        "",
        "[[rule]]\nid = \"r\"\nverdict = \"prohibited\"\ntitle = \"Chips\"\n\
         when = { hs_code = [\"8542\"] }\n",
    );
    let tests = "[defaults]\nexport_country = \"KZ\"\ndestination = \"RU\"\n\n\
                 [[test]]\nname = \"as of a later day\"\nas_of = 2024-05-06\n\
                 shipment = { id = \"A\", date = 2023-01-02, hs_code = \"854231\" }\n\
                 expect = \"prohibited\"\n";
    let book = export_control::Rulebook::from_sources(vec![
        crate::common::groups_source(),
        export_control::Source::new("dated.toml", set),
        export_control::Source::new("dated.tests.toml", tests),
    ])
    .unwrap();
    let cases = book.test_cases().unwrap();
    let [case] = cases.as_slice() else {
        panic!("one case: {cases:?}")
    };
    assert!(case.history().is_empty());
    assert_eq!(
        case.as_of().map(|d| d.to_string()).as_deref(),
        Some("2024-05-06")
    );
    assert_eq!(case.date().to_string(), "2024-05-06");
    assert_eq!(case.shipment().date.to_string(), "2023-01-02");
}

/// A rule file loaded alone brings the groups file beside it and its own test file, and
/// nothing else of its directory.
#[test]
fn a_rule_file_loaded_alone_brings_its_groups_and_its_tests() {
    let book = export_control::Rulebook::load("rules/kz-dual-use-licensing.toml").unwrap();
    let mut names: Vec<&str> = book.sources().iter().map(|s| s.name()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "rules/groups.toml",
            "rules/kz-dual-use-licensing.tests.toml",
            "rules/kz-dual-use-licensing.toml"
        ]
    );
    assert!(!book.groups().is_empty());
    assert!(!book.test_cases().unwrap().is_empty());
}

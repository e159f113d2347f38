//! The bad-rules corpus: each file under `tests/fixtures/bad-rules/` holds exactly one mistake
//! and says on its first line which error it must give, and where:
//! `# expect: <Kind> <line>:<column> <text the error mentions>`.

use std::path::Path;

use export_control::{LoadError, Rulebook, Source};

use crate::common::groups_source;

fn expectation(text: &str) -> (String, u32, u32, String) {
    let line = text.lines().next().unwrap();
    let rest = line
        .strip_prefix("# expect: ")
        .expect("first line is `# expect: ...`");
    let mut parts = rest.splitn(3, ' ');
    let kind = parts.next().unwrap().to_owned();
    let (l, c) = parts.next().unwrap().split_once(':').unwrap();
    let mention = parts.next().unwrap_or("").to_owned();
    (kind, l.parse().unwrap(), c.parse().unwrap(), mention)
}

#[test]
fn each_bad_file_gives_its_one_precise_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 25, "the corpus has {} files", files.len());
    let mut failures = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let (kind, line, column, mention) = expectation(&text);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let result = Rulebook::from_sources(vec![groups_source(), Source::new(&name, &text)]);
        let errors = match result {
            Err(LoadError::Invalid(errors)) => errors,
            Err(other) => {
                failures.push(format!("{name}: unexpected load error {other}"));
                continue;
            }
            Ok(_) => {
                failures.push(format!("{name}: loaded without error"));
                continue;
            }
        };
        let errors = errors.as_slice();
        if errors.len() != 1 {
            let all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            failures.push(format!("{name}: {} errors: {all:#?}", errors.len()));
            continue;
        }
        let error = &errors[0];
        let got_kind = format!("{:?}", error.kind());
        let got = (error.location().line(), error.location().column());
        let message = error.to_string();
        if !got_kind.starts_with(&kind)
            || got != (line, column)
            || !message.contains(&mention)
            || error.location().file() != name
        {
            failures.push(format!(
                "{name}: expected {kind} at {line}:{column} mentioning `{mention}`, got {message} ({got_kind})"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_misspelled_key_names_the_key_it_meant() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-rules");
    let text = std::fs::read_to_string(dir.join("unknown-key-in-when.toml")).unwrap();
    let err =
        Rulebook::from_sources(vec![groups_source(), Source::new("x.toml", text)]).unwrap_err();
    let error = &err.rule_errors()[0];
    assert_eq!(error.help(), Some("did you mean `destination`?"));
    let text = std::fs::read_to_string(dir.join("unknown-group.toml")).unwrap();
    let err =
        Rulebook::from_sources(vec![groups_source(), Source::new("x.toml", text)]).unwrap_err();
    assert_eq!(err.rule_errors()[0].help(), Some("did you mean `EAEU`?"));
}

#[test]
fn every_problem_of_every_file_is_reported_at_once() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-rules");
    let mut sources = vec![groups_source()];
    for name in [
        "unknown-key-in-when.toml",
        "invalid-country.toml",
        "bad-regex.toml",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        // Give each its own rule set id so only the planted mistakes remain.
        let text = text.replace("id = \"bad\"", &format!("id = \"bad-{name}\""));
        let text = text.replace("id = \"r1\"", &format!("id = \"r1-{name}\""));
        sources.push(Source::new(name, text));
    }
    let err = Rulebook::from_sources(sources).unwrap_err();
    let files: Vec<&str> = err
        .rule_errors()
        .iter()
        .map(|e| e.location().file())
        .collect();
    assert_eq!(
        files,
        [
            "bad-regex.toml",
            "invalid-country.toml",
            "unknown-key-in-when.toml"
        ]
    );
}

#[test]
fn duplicate_ids_across_files_point_at_both() {
    let a = crate::common::rule_set(
        "set-a",
        "",
        "[[rule]]\nid = \"same\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = { hs_code = [\"93\"] }\n",
    );
    let b = crate::common::rule_set(
        "set-b",
        "",
        "[[rule]]\nid = \"same\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = { hs_code = [\"94\"] }\n",
    );
    let err = Rulebook::from_sources(vec![
        Source::new("a.toml", a.clone()),
        Source::new("b.toml", b),
    ])
    .unwrap_err();
    let errors = err.rule_errors();
    assert_eq!(errors.len(), 1);
    let message = errors[0].to_string();
    assert!(
        // At the `id` key of each, not at the `[[rule]]` headers.
        message.starts_with("b.toml:12:6: duplicate rule id `same` (first defined at a.toml:12:6)"),
        "{message}"
    );
    let err = Rulebook::from_sources(vec![
        Source::new("a.toml", a.clone()),
        Source::new("c.toml", a),
    ])
    .unwrap_err();
    assert!(matches!(
        err.rule_errors()[0].kind(),
        export_control::RuleErrorKind::DuplicateRuleSetId { .. }
    ));
}

#[test]
fn groups_file_errors_are_located_too() {
    let groups = "[country_group.EAEU]\ntitle = \"x\"\nmembers = [\"AM\", \"ZZ\"]\nsources = [\"s\"]\n\
                  [country_group.LOOP]\ntitle = \"x\"\nmembers = [\"LOOP\"]\nsources = [\"s\"]\n\
                  [country_group.RU]\ntitle = \"x\"\nmembers = [\"RU\"]\nsources = [\"s\"]\n";
    let set = crate::common::rule_set(
        "s",
        "",
        "[[rule]]\nid = \"r\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = { hs_code = [\"93\"] }\n",
    );
    let err = Rulebook::from_sources(vec![
        Source::new("groups.toml", groups),
        Source::new("s.toml", set),
    ])
    .unwrap_err();
    let got: Vec<String> = err.rule_errors().iter().map(|e| e.to_string()).collect();
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(
        got[0].starts_with("groups.toml:3:18: `country_group.EAEU.members`"),
        "{got:#?}"
    );
    assert!(
        got[1].starts_with("groups.toml:5:16: group `LOOP` contains itself"),
        "{got:#?}"
    );
    assert!(
        got[2].starts_with("groups.toml:9:16: `country_group.RU` has invalid value"),
        "{got:#?}"
    );
}

#[test]
fn io_and_empty_directories_are_errors() {
    assert!(matches!(
        Rulebook::load("/nonexistent/rules"),
        Err(LoadError::Io { .. })
    ));
    let dir = std::env::temp_dir().join(format!("ec-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    assert!(matches!(
        Rulebook::load(&dir),
        Err(LoadError::NoRuleSets { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn errors_of(rules: &str) -> Vec<export_control::RuleError> {
    let text = crate::common::rule_set("x", "", rules);
    Rulebook::from_sources(vec![groups_source(), Source::new("x.toml", text)])
        .unwrap_err()
        .rule_errors()
        .to_vec()
}

fn rule_when(when: &str) -> String {
    format!("[[rule]]\nid = \"r\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = {when}\n")
}

#[test]
fn hints_name_what_was_probably_meant() {
    let e = errors_of(&rule_when("{ hs_code = [\"CHPL_TIER_9\"] }"));
    assert!(
        matches!(
            e[0].kind(),
            export_control::RuleErrorKind::UnknownGroup {
                kind: "HS code",
                ..
            }
        ),
        "{}",
        e[0]
    );
    // An HS code group is not called a country group.
    assert!(
        e[0].to_string()
            .ends_with("unknown HS code group `CHPL_TIER_9`"),
        "{}",
        e[0]
    );
    assert_eq!(e[0].help(), Some("did you mean `CHPL_TIER_1`?"));
    let e = errors_of(&rule_when(
        "{ hs_code = [\"93\"], destination = [\"RUS\"] }",
    ));
    assert_eq!(
        e[0].help(),
        Some("`RUS` looks like an ISO alpha-3 code; rules use alpha-2 codes (two letters)")
    );
    let e = errors_of(&rule_when(
        "{ hs_code = [\"93\"], destination = [\"RUSSIA\"] }",
    ));
    assert!(e[0].help().unwrap().starts_with("country codes have two letters; country groups defined in groups files: CHPL_PARTNERS, EAEU"), "{:?}", e[0].help());
    let e = errors_of(&rule_when("{ hs_code = 8542 }"));
    assert_eq!(
        e[0].to_string(),
        "x.toml:15:20: `rule(r).when.hs_code` must be a string or an array of strings, found an integer"
    );
    let e = errors_of(&rule_when(
        "{ hs_code = [\"93\"], any = { destination = [\"RU\"] } }",
    ));
    assert!(
        e[0].to_string()
            .ends_with("`rule(r).when.any` must be an array of condition tables, found a table"),
        "{}",
        e[0]
    );
}

#[test]
fn a_group_may_only_name_groups_of_its_kind() {
    let groups = "[country_group.MIXED]\ntitle = \"x\"\nmembers = [\"RU\", \"CHIPS\"]\nsources = [\"s\"]\n\
                  [hs_group.CHIPS]\ntitle = \"x\"\ncodes = [\"8542\"]\nsources = [\"s\"]\n";
    let set = crate::common::rule_set("s", "", &rule_when("{ hs_code = [\"CHIPS\"] }"));
    let err = Rulebook::from_sources(vec![
        Source::new("groups.toml", groups),
        Source::new("s.toml", set),
    ])
    .unwrap_err();
    let e = &err.rule_errors()[0];
    assert_eq!(
        e.to_string(),
        "groups.toml:3:18: `country_group.MIXED.members` has invalid value `CHIPS`: `CHIPS` is not a country group"
    );
}

#[test]
fn every_party_field_can_be_tested() {
    for field in ["consignor", "consignee", "end_user"] {
        let when = format!("{{ hs_code = [\"93\"], {field} = [\"ACME\"] }}");
        let text = crate::common::rule_set("p", "scope = \"any_exporter\"", &rule_when(&when));
        let engine = crate::common::engine_of(&[("p.toml", &text)]);
        let mut fields = vec![
            ("id", "P"),
            ("date", "2023-01-01"),
            ("hs_code", "930190"),
            ("export_country", "KZ"),
            ("destination", "CN"),
        ];
        fields.push((field, "Acme"));
        let v = engine.check(&crate::common::shipment(&fields));
        assert_eq!(v.decision, export_control::Decision::Review, "{field}");
        // `Acme` is the listed `ACME` (case aside), yet the rule is `review`: the reason names
        // the field it tested and the name it met.
        match &v.matches[0].because[2] {
            export_control::Because::PartyName {
                field: f,
                matched: Some(listed),
                ..
            } => assert_eq!((f.name(), &**listed), (field, "ACME")),
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn long_keys_get_hints_for_more_typos() {
    // Five edits away from a 31-character key: still a likely typo.
    let e = errors_of(&rule_when(
        "{ hs_code = [\"93\"], end_user_differs_consignee = true }",
    ));
    assert_eq!(
        e[0].help(),
        Some("did you mean `end_user_differs_from_consignee`?")
    );
}

#[test]
fn a_key_in_the_wrong_table_says_where_it_belongs() {
    let e = errors_of(&rule_when("{ hs_code = [\"93\"], citation = \"Art. 1\" }"));
    assert_eq!(
        e[0].help(),
        Some("`citation` belongs in the `[[rule]]` table")
    );
}

#[test]
fn empty_strings_and_list_items_are_errors() {
    let e = errors_of(
        "[[rule]]\nid = \"r\"\nverdict = \"review\"\ntitle = \"  \"\nwhen = { hs_code = [\"93\"] }\n",
    );
    assert!(
        e[0].to_string()
            .ends_with("`rule(r).title` has invalid value `  `: it is empty"),
        "{}",
        e[0]
    );
    let e = errors_of(&rule_when("{ hs_code = [\"93\", \" \"] }"));
    assert!(
        e[0].to_string().ends_with("an item of the list is empty"),
        "{}",
        e[0]
    );
}

#[test]
fn convenient_spellings_are_accepted() {
    // One string for a list of one, a date as a string, amounts as integers and decimals.
    let text = crate::common::rule_set(
        "ok",
        "effective_from = \"2023-01-01\"",
        &rule_when(
            "{ hs_code = \"93\", value = { gt = 10000, le = 20000.10, currency = \"USD\" } }",
        ),
    );
    let book = Rulebook::from_sources(vec![Source::new("ok.toml", text)]).unwrap();
    assert_eq!(
        book.rule_sets()[0].window().from.unwrap().to_string(),
        "2023-01-01"
    );
    let engine = export_control::Engine::new(book);
    let mut s = crate::common::shipment(&[
        ("id", "A"),
        ("date", "2023-06-01"),
        ("hs_code", "930190"),
        ("export_country", "KZ"),
        ("destination", "CN"),
        ("value", "20000.10"),
        ("currency", "USD"),
    ]);
    assert_eq!(engine.check(&s).decision, export_control::Decision::Review);
    s.value = Some("20000.11".parse().unwrap());
    assert_eq!(engine.check(&s).decision, export_control::Decision::Allowed);
}

#[test]
fn regex_limits_and_messages() {
    let exact = format!(
        "{{ hs_code = [\"93\"], description_matches = '{}' }}",
        "a".repeat(4096)
    );
    let text = crate::common::rule_set("re", "", &rule_when(&exact));
    assert!(Rulebook::from_sources(vec![Source::new("re.toml", text)]).is_ok());
    let e = errors_of(&rule_when(
        "{ hs_code = [\"93\"], description_matches = '(drone' }",
    ));
    assert!(
        e[0].to_string()
            .ends_with("invalid regular expression `(drone`: unclosed group"),
        "{}",
        e[0]
    );
}

#[test]
fn nesting_through_lists_counts_too() {
    let mut when = String::from("{ hs_code = [\"93\"] }");
    for _ in 0..20 {
        when = format!("{{ any = [{when}] }}");
    }
    let e = errors_of(&rule_when(&when));
    assert!(
        e[0].to_string()
            .contains("conditions nest deeper than 16 levels"),
        "{}",
        e[0]
    );
}

#[test]
fn a_rule_written_inside_the_ruleset_table_says_so() {
    let text = crate::common::rule_set("x", "rule = 1", &rule_when("{ hs_code = [\"93\"] }"));
    let err = Rulebook::from_sources(vec![Source::new("x.toml", text)]).unwrap_err();
    let e = &err.rule_errors()[0];
    assert!(
        e.to_string()
            .starts_with("x.toml:10:1: unknown key `rule` in `ruleset`"),
        "{e}"
    );
    assert_eq!(e.help(), Some("`rule` belongs in its own `[[rule]]` table"));
}

#[test]
fn a_load_error_prints_its_count_then_every_problem_in_file_order() {
    // What a caller that prints the error with `{}` shows: the count, then each problem on its
    // own line, as `file:line:column: message`.
    let load = |rules: &str| {
        let text = crate::common::rule_set("x", "", rules);
        Rulebook::from_sources(vec![groups_source(), Source::new("x.toml", text)]).unwrap_err()
    };
    let one = load(&rule_when(
        "{ hs_code = [\"93\"], destination = [\"RUS\"] }",
    ));
    let e = one.rule_errors();
    assert_eq!(e.len(), 1);
    assert_eq!(one.to_string(), format!("1 error in rule files\n{}", e[0]));
    assert!(e[0].to_string().starts_with("x.toml:"), "{}", e[0]);

    let two = load(&format!(
        "{}{}",
        rule_when("{ hs_code = [\"93\"], destination = [\"RUS\"] }"),
        rule_when("{ hs_code = [\"93\"], destination = [\"BLR\"] }").replace("\"r\"", "\"r2\"")
    ));
    let e = two.rule_errors();
    assert_eq!(e.len(), 2, "{two}");
    assert!(e[0].location().line() < e[1].location().line());
    assert_eq!(
        two.to_string(),
        format!("2 errors in rule files\n{}\n{}", e[0], e[1])
    );
}

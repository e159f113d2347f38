//! Rule authoring: the shipped rules' test cases, the linter on a corpus of planted mistakes,
//! test-file errors, and rustc-style rendering.

use std::path::Path;

use export_control::lint::{self, LintCode, Severity};
use export_control::render::Style;
use export_control::{Decision, LoadError, Rulebook, Source};

use crate::common::{RULES, groups_source};

#[test]
fn every_shipped_test_case_passes_and_covers_every_rule() {
    let book = Rulebook::load(RULES).unwrap();
    let cases = book.test_cases().unwrap();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let report = export_control::testing::run_tests(&book, &cases);
    let failures: Vec<String> = report
        .failures()
        .map(|f| {
            format!(
                "{} ({}): {:?}",
                f.case.name(),
                f.case.location(),
                f.mismatches
            )
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    let untested: Vec<&str> = report
        .coverage
        .iter()
        .filter(|c| c.exercised == 0)
        .map(|c| c.rule.as_str())
        .collect();
    assert!(untested.is_empty(), "rules without a case: {untested:?}");
    let half_seen: Vec<String> = report
        .coverage
        .iter()
        .flat_map(|c| {
            c.conditions
                .iter()
                .filter(|k| !(k.seen_true && k.seen_false))
                .map(move |k| format!("{} {} at {}", c.rule, k.key, k.location))
        })
        .collect();
    assert!(
        half_seen.is_empty(),
        "conditions not seen both holding and failing: {half_seen:#?}"
    );
    // Every rule set has its tests file.
    for set in book.rule_sets() {
        assert!(
            cases.iter().any(|c| c.rule_set() == Some(set.id())),
            "{} has no cases",
            set.id()
        );
    }
}

/// Every window of every shipped rule set and rule is tested on its edges: its first day and
/// the day before it, its last day and the day after it, by a case of the rule set (or of the
/// whole rule book) that expects something of a rule the window bounds.
#[test]
fn every_window_is_tested_on_both_sides_of_each_end() {
    let book = Rulebook::load(RULES).unwrap();
    let cases = book.test_cases().unwrap();
    let mut missing = Vec::new();
    for set in book.rule_sets() {
        for rule in set.rules() {
            let window = set.window().intersect(&rule.window());
            let ends = [
                window.from.map(|d| ("first day", d, d.pred_opt().unwrap())),
                window.until.map(|d| ("last day", d, d.succ_opt().unwrap())),
            ];
            for (what, inside, outside) in ends.into_iter().flatten() {
                let of_set: Vec<_> = cases
                    .iter()
                    .filter(|c| c.rule_set().is_none_or(|id| id == set.id()))
                    .filter(|c| {
                        c.shipment().export_country == set.jurisdiction()
                            || set.scope() == export_control::rule::Scope::AnyExporter
                            || set.jurisdiction().has_member(c.shipment().export_country)
                    })
                    .collect();
                for day in [inside, outside] {
                    if !of_set.iter().any(|c| c.date() == day) {
                        missing.push(format!("{} ({what} {inside}): no case on {day}", rule.id()));
                    }
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn the_linter_finds_nothing_above_info_in_the_shipped_rules() {
    let book = Rulebook::load(RULES).unwrap();
    let report = export_control::testing::run_tests(&book, &book.test_cases().unwrap());
    let findings: Vec<String> = lint::lint(&book, Some(&report))
        .into_iter()
        .filter(|f| f.severity > Severity::Info)
        .map(|f| f.to_string())
        .collect();
    assert!(findings.is_empty(), "{findings:#?}");
}

/// Each file of `tests/fixtures/lint/` plants mistakes and lists on its first line the findings
/// (above info, or `overlap`) it must give: `# expect: <code> <line> | <code> <line>`.
#[test]
fn each_planted_mistake_is_found_at_its_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    let mut failures = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let first = text
            .lines()
            .next()
            .unwrap()
            .strip_prefix("# expect: ")
            .unwrap();
        let mut expected: Vec<(String, u32)> = if first == "nothing" {
            Vec::new()
        } else {
            first
                .split(" | ")
                .map(|e| {
                    let (code, line) = e.split_once(' ').unwrap();
                    (code.to_owned(), line.parse().unwrap())
                })
                .collect()
        };
        expected.sort();
        let book =
            Rulebook::from_sources(vec![groups_source(), Source::new(&name, &text)]).unwrap();
        let mut found: Vec<(String, u32)> = lint::lint(&book, None)
            .into_iter()
            .filter(|f| f.severity > Severity::Info || f.code == LintCode::Overlap)
            .filter(|f| f.location.file() == name)
            .map(|f| (f.code.as_str().to_owned(), f.location.line()))
            .collect();
        found.sort();
        if found != expected {
            failures.push(format!("{name}: expected {expected:?}, found {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_duplicate_is_reported_once_at_the_later_rule_naming_the_earlier() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint");
    let text = std::fs::read_to_string(dir.join("duplicate.toml")).unwrap();
    let book = Rulebook::from_sources(vec![groups_source(), Source::new("duplicate.toml", &text)])
        .unwrap();
    let found: Vec<String> = lint::lint(&book, None)
        .iter()
        .filter(|f| f.code == LintCode::Duplicate)
        .map(|f| format!("{} | {}", f, f.help.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        found,
        [
            "duplicate.toml:22:1: warning[duplicate]: rule `r-second` matches exactly what rule \
             `r-first` matches, with the same verdict | `r-first` is at duplicate.toml:15:1"
        ]
    );
}

#[test]
fn untested_rules_are_reported_when_tests_ran() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint");
    let text = std::fs::read_to_string(dir.join("clean.toml")).unwrap();
    let tests = "[[test]]\nname = \"a drone to Russia\"\nshipment = { hs_code = \"880622\", destination = \"RU\", origin = \"CN\" }\nexpect = \"review\"\n";
    let book =
        Rulebook::from_sources(vec![groups_source(), Source::new("clean.toml", &text)]).unwrap();
    let report = export_control::testing::run_tests(&book, &book.test_cases().unwrap());
    assert!(
        lint::lint(&book, Some(&report))
            .iter()
            .any(|f| f.code == LintCode::Untested)
    );
    let book = Rulebook::from_sources(vec![
        groups_source(),
        Source::new("clean.toml", &text),
        Source::new("clean.tests.toml", tests),
    ])
    .unwrap();
    let report = export_control::testing::run_tests(&book, &book.test_cases().unwrap());
    assert!(report.failures().next().is_none());
    assert!(
        !lint::lint(&book, Some(&report))
            .iter()
            .any(|f| f.code == LintCode::Untested)
    );
}

const ARMS: &str = r#"
[ruleset]
id = "arms"
title = "Arms"
authority = "Test"
jurisdiction = "KZ"
citations = ["Test"]
sources = ["https://example.org"]
version = "1"
effective_from = 2022-08-27
effective_until = 2023-08-31
status = "in_force"

[[rule]]
id = "arms-93"
verdict = "prohibited"
title = "Arms"
citation = "Test"
when = { hs_code = ["93"] }

[[test]]
name = "inside the file"
shipment = { hs_code = "930190", destination = "CN" }
expect = "prohibited"
"#;

/// What the cases of these files (with the groups) exercised of one rule; every case passes.
fn coverage_of(files: &[(&str, &str)], rule: &str) -> export_control::testing::RuleCoverage {
    let mut sources = vec![groups_source()];
    sources.extend(files.iter().map(|(name, text)| Source::new(*name, *text)));
    let book = Rulebook::from_sources(sources).unwrap();
    let report = export_control::testing::run_tests(&book, &book.test_cases().unwrap());
    assert!(report.failures().next().is_none(), "{:?}", report.results);
    report
        .coverage
        .into_iter()
        .find(|c| c.rule == rule)
        .unwrap()
}

#[test]
fn coverage_counts_only_cases_the_rule_could_decide() {
    // A case before the rule set's window, or from an exporter outside its jurisdiction, does
    // not exercise the rule's conditions: coverage must not say they were seen to hold.
    let rules = ARMS.split("[[test]]").next().unwrap();
    let coverage = |cases: &str| {
        let sources = [("arms.toml", rules), ("arms.tests.toml", cases)];
        let rule = coverage_of(&sources, "arms-93");
        let hs = &rule.conditions[0];
        assert_eq!(hs.key, "hs_code");
        (rule.exercised, hs.seen_true, hs.seen_false)
    };
    let before = "[[test]]\nname = \"before\"\nshipment = { hs_code = \"930190\", destination = \"CN\", date = 2022-08-26 }\nexpect = \"allowed\"\n";
    let elsewhere = "[[test]]\nname = \"elsewhere\"\nshipment = { hs_code = \"930190\", destination = \"CN\", export_country = \"UZ\", date = 2023-01-01 }\nexpect = \"allowed\"\n";
    let inside = "[[test]]\nname = \"inside\"\nshipment = { hs_code = \"930190\", destination = \"CN\", date = 2023-01-01 }\nexpect = \"prohibited\"\n";
    assert_eq!(coverage(before), (0, false, false));
    assert_eq!(coverage(elsewhere), (0, false, false));
    assert_eq!(coverage(inside), (1, true, false));
}

#[test]
fn coverage_keeps_each_test_of_a_rule_apart() {
    // A rule with conditions, a history test and a party test: each has its own entry, and
    // what a case saw of one is never written to another.
    let rules = crate::common::rule_set(
        "watch",
        "effective_from = 2023-01-01",
        "[[rule]]\nid = \"watch-93\"\nverdict = \"review\"\ntitle = \"t\"\ncitation = \"c\"\n\
         [rule.when]\nhs_code = [\"93\"]\n\
         [rule.history]\nkind = \"new_party\"\nparty = \"consignee\"\ndays = 90\n\
         measure = \"value\"\ncurrency = \"USD\"\nfloor = 1\n[rule.parties]\nlists = [\"watch\"]\n",
    );
    let list = "[list]\nid = \"watch\"\ntitle = \"Watch\"\nauthority = \"Tests\"\n\
                date = 2026-12-04\nsources = [\"tests\"]\nformat = \"watchlist\"\n\
                [[entry]]\nid = \"W1\"\nname = \"Nova Trade LLC\"\n";
    let case = |name: &str, consignee: &str, history: &str, expect: &str| {
        format!(
            "[[test]]\nname = \"{name}\"\nhistory = [{history}]\n\
             shipment = {{ hs_code = \"930190\", destination = \"CN\", consignee = \"{consignee}\",\
               value = \"100\", currency = \"USD\" }}\n\
             expect = \"{expect}\"\n"
        )
    };
    let seen = |cases: &str| {
        let sources = [
            ("watch.toml", rules.as_str()),
            ("watch.list.toml", list),
            ("watch.tests.toml", cases),
        ];
        coverage_of(&sources, "watch-93")
            .conditions
            .iter()
            .map(|c| (c.key, c.seen_true, c.seen_false))
            .collect::<Vec<_>>()
    };
    let old = "{ id = \"H1\", date = 2022-09-01, export_country = \"KZ\", hs_code = \"930190\", destination = \"CN\", consignee = \"Alpha Steel\" }";
    // New and listed: every test holds.
    assert_eq!(
        seen(&case("listed", "Nova Trade LLC", "", "review")),
        [
            ("hs_code", true, false),
            ("history", true, false),
            ("parties", true, false)
        ]
    );
    // First seen four months before (not new) and not listed: both tests fail.
    assert_eq!(
        seen(&case("known", "Alpha Steel", old, "allowed")),
        [
            ("hs_code", true, false),
            ("history", false, true),
            ("parties", false, true)
        ]
    );
}

#[test]
fn a_failing_case_reports_what_differs() {
    let tests = "[defaults]\ndestination = \"CN\"\n\n[[test]]\nname = \"wrong on purpose\"\n\
                 shipment = { hs_code = \"930190\", date = 2023-09-01 }\nexpect = \"prohibited\"\nfires = [\"arms-93\"]\n";
    let book = Rulebook::from_sources(vec![
        Source::new("arms.toml", ARMS),
        Source::new("arms.tests.toml", tests),
    ])
    .unwrap();
    let cases = book.test_cases().unwrap();
    assert_eq!(
        cases.len(),
        2,
        "the [[test]] table in the rule file counts too"
    );
    assert_eq!(
        cases[0].shipment().date.to_string(),
        "2022-08-27",
        "date defaults to effective_from"
    );
    assert_eq!(
        cases[0].shipment().export_country.as_str(),
        "KZ",
        "exporter defaults to the jurisdiction"
    );
    let report = export_control::testing::run_tests(&book, &cases);
    let failures: Vec<_> = report.failures().collect();
    assert_eq!(failures.len(), 1);
    let f = failures[0];
    assert_eq!(f.case.location().to_string(), "arms.tests.toml:4:1");
    assert_eq!(f.verdict.decision, Decision::Allowed);
    assert_eq!(
        f.mismatches,
        [
            (
                "verdict".to_owned(),
                "prohibited".to_owned(),
                "allowed".to_owned()
            ),
            (
                "rule `arms-93`".to_owned(),
                "fired".to_owned(),
                "not_in_force".to_owned()
            ),
        ]
    );
}

#[test]
fn mistakes_in_test_files_are_located() {
    let tests = "[[test]]\nname = \"typo in a rule id\"\nshipment = { hs_code = \"930190\", destination = \"CN\" }\nfires = [\"arms-39\"]\n\n\
                 [[test]]\nname = \"typo in a field\"\nshipment = { hs_code = \"930190\", destinaton = \"CN\" }\nexpect = \"prohibited\"\n";
    let book = Rulebook::from_sources(vec![
        Source::new("arms.toml", ARMS),
        Source::new("arms.tests.toml", tests),
    ])
    .unwrap();
    let Err(LoadError::Invalid(errors)) = book.test_cases() else {
        panic!("expected errors");
    };
    let got: Vec<String> = errors.as_slice().iter().map(|e| e.to_string()).collect();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got[0].starts_with("arms.tests.toml:4:10: `test[0].fires` has invalid value `arms-39`"),
        "{got:#?}"
    );
    assert_eq!(errors.as_slice()[0].help(), Some("did you mean `arms-93`?"));
    assert!(
        got[1].starts_with("arms.tests.toml:8:34: unknown key `destinaton`"),
        "{got:#?}"
    );
}

#[test]
fn errors_render_like_rustc() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-rules");
    let text = std::fs::read_to_string(dir.join("unknown-key-in-when.toml")).unwrap();
    let err = Rulebook::from_sources(vec![groups_source(), Source::new("rules/bad.toml", text)])
        .unwrap_err();
    let rendered = err.rule_errors()[0].render(Style::Plain);
    let expected = "\
error: unknown key `destinaton` in `rule(r1).when`
  --> rules/bad.toml:18:1
   |
18 | destinaton = [\"RU\"]
   | ^^^^^^^^^^
   |
help: did you mean `destination`?";
    assert_eq!(rendered.trim_end(), expected);
}

#[test]
fn findings_render_like_rustc() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint");
    let text = std::fs::read_to_string(dir.join("unknown-hs-code.toml")).unwrap();
    let book = Rulebook::from_sources(vec![groups_source(), Source::new("hs.toml", text)]).unwrap();
    let findings = lint::lint(&book, None);
    let unknown = findings
        .iter()
        .find(|f| f.code == LintCode::UnknownHsCode)
        .unwrap();
    let rendered = unknown.render(&book, Style::Plain);
    assert!(rendered.starts_with("warning: `854299` is not a code of the HS 2022 nomenclature [unknown-hs-code]\n  --> hs.toml:23:5"), "{rendered}");
    assert!(
        rendered.contains("23 |     \"854299\",\n   |     ^^^^^^^^"),
        "{rendered}"
    );
    assert!(
        rendered.contains("help: codes under `8542`: 854231, 854232, 854233, 854239, 854290"),
        "{rendered}"
    );
}

#[test]
fn a_case_is_checked_under_its_own_rule_set_and_the_groups() {
    let set = crate::common::rule_set(
        "solo",
        "",
        "[[rule]]\nid = \"solo-93\"\nverdict = \"review\"\ntitle = \"t\"\ncitation = \"c\"\nwhen = { hs_code = [\"93\"], destination = [\"EAEU\"] }\n",
    );
    let other = crate::common::rule_set(
        "other",
        "",
        "[[rule]]\nid = \"other-93\"\nverdict = \"prohibited\"\ntitle = \"t\"\ncitation = \"c\"\nwhen = { hs_code = [\"93\"] }\n",
    );
    let tests = "[[test]]\nname = \"alone\"\nshipment = { hs_code = \"930190\", destination = \"RU\", date = 2023-01-01 }\nexpect = \"review\"\n";
    let book = Rulebook::from_sources(vec![
        groups_source(),
        Source::new("solo.toml", &set),
        Source::new("other.toml", &other),
        Source::new("solo.tests.toml", tests),
    ])
    .unwrap();
    let report = export_control::testing::run_tests(&book, &book.test_cases().unwrap());
    let result = &report.results[0];
    assert!(
        result.passed(),
        "the other rule set's prohibition does not count: {:?}",
        result.mismatches
    );
    let alone =
        Rulebook::from_sources(vec![groups_source(), Source::new("solo.toml", &set)]).unwrap();
    assert_eq!(result.verdict.ruleset_digest, alone.digest());
}

#[test]
fn a_wrong_outcome_fails_its_case() {
    let tests = "[[test]]\nname = \"says licensed, is fired\"\nshipment = { hs_code = \"930190\", destination = \"CN\", date = 2023-01-01 }\noutcomes = { \"arms-93\" = \"licensed\" }\n";
    let book = Rulebook::from_sources(vec![
        Source::new("arms.toml", ARMS),
        Source::new("arms.tests.toml", tests),
    ])
    .unwrap();
    let report = export_control::testing::run_tests(&book, &book.test_cases().unwrap());
    let failed: Vec<_> = report.failures().map(|f| f.mismatches.clone()).collect();
    assert_eq!(
        failed,
        [vec![(
            "rule `arms-93`".to_owned(),
            "licensed".to_owned(),
            "fired".to_owned()
        )]]
    );
}

#[test]
fn a_case_without_a_required_field_says_which() {
    let tests = "[[test]]\nname = \"no destination\"\nshipment = { hs_code = \"930190\" }\nexpect = \"prohibited\"\n";
    let book = Rulebook::from_sources(vec![
        Source::new("arms.toml", ARMS),
        Source::new("arms.tests.toml", tests),
    ])
    .unwrap();
    let err = book.test_cases().unwrap_err();
    let errors = err.rule_errors();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0]
            .to_string()
            .contains("missing required field `destination`"),
        "{err}"
    );
    assert_eq!(
        errors[0].help(),
        Some("give it in `shipment` or in the file's `[defaults]`")
    );
}

#[test]
fn rules_are_found_by_id() {
    let book = Rulebook::load(RULES).unwrap();
    let (set, rule) = book.rule("kz106-uav-to-ru").unwrap();
    assert_eq!(
        (set.id(), rule.id()),
        ("kz-106-dual-use-ru", "kz106-uav-to-ru")
    );
    assert!(book.rule("no-such-rule").is_none());
    assert_eq!(
        book.rules().count(),
        book.rule_sets()
            .iter()
            .map(|s| s.rules().len())
            .sum::<usize>()
    );
}

#[test]
fn a_duplicate_id_error_renders_its_own_file() {
    let a = crate::common::rule_set(
        "set-a",
        "",
        "[[rule]]\nid = \"same\"\nverdict = \"review\"\ntitle = \"first\"\nwhen = { hs_code = [\"93\"] }\n",
    );
    let b = crate::common::rule_set(
        "set-b",
        "",
        "[[rule]]\nid = \"same\"\nverdict = \"review\"\ntitle = \"second\"\nwhen = { hs_code = [\"94\"] }\n",
    );
    let err = Rulebook::from_sources(vec![Source::new("a.toml", a), Source::new("b.toml", b)])
        .unwrap_err();
    let rendered = err.rule_errors()[0].render(Style::Plain);
    assert!(rendered.contains("--> b.toml:12:6"), "{rendered}");
    assert!(rendered.contains("12 | id = \"same\""), "{rendered}");
    assert!(err.rule_errors()[0].source_text().contains("set-b"));
}

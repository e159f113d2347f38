//! The audit and impact examples, run as a script would run them: golden output for each format,
//! exit statuses, records in = lines out, `--as-of`, `--explain`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

use crate::golden::assert_golden;

/// The example binary `name`, built from the sources as they are now by this test process
/// (once), so that a test never runs a binary left over from an earlier build: `cargo` says
/// where the executable is.
pub fn example_path(name: &str) -> PathBuf {
    built(name, &["--example", name])
}

/// The installable command `export-control` (feature `cli`), built as [`example_path`] builds
/// an example.
pub fn command_path() -> PathBuf {
    built(
        "export-control",
        &["--bin", "export-control", "--features", "cli"],
    )
}

/// The executable `name` that `cargo build <target>` makes, built once per test process.
fn built(name: &str, target: &[&str]) -> PathBuf {
    static BUILT: OnceLock<Mutex<BTreeMap<String, PathBuf>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(|| Mutex::new(BTreeMap::new()))
        .lock()
        .unwrap();
    if let Some(path) = built.get(name) {
        return path.clone();
    }
    let output = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--message-format=json"])
        .args(target)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cannot build `{name}`: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["target"]["name"] == name)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo built no executable `{name}`"));
    built.insert(name.to_owned(), path.clone());
    path
}

/// A command running the example `name` from the crate's directory, colours off.
pub fn example(name: &str) -> Command {
    let mut command = Command::new(example_path(name));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.env("NO_COLOR", "1");
    command
}

fn audit(args: &[&str]) -> Output {
    example("audit").args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn digest() -> String {
    crate::common::shipped().digest().to_string()
}

const INPUT: &str = "tests/fixtures/audit.csv";

/// The audit of the sample year with its licence register.
pub const SAMPLE_YEAR: [&str; 6] = [
    "--rules",
    "rules",
    "--licences",
    "examples/data/kz-sample.licences.toml",
    "--shipments",
    "examples/data/kz-trade-2021-2023.csv",
];

#[test]
fn each_format_matches_its_golden_file() {
    let digest = digest();
    for (format, file) in [
        ("jsonl", "audit.jsonl"),
        ("json", "audit.json"),
        ("table", "audit.table.txt"),
        ("markdown", "audit.md"),
        ("html", "audit.html"),
    ] {
        let out = audit(&["--rules", "rules", "--shipments", INPUT, "--format", format]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = stdout(&out).replace(&digest, "sha256:<digest>");
        assert_golden(file, &text);
    }
}

#[test]
fn every_record_gives_one_line_in_input_order() {
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        INPUT,
        "--format",
        "jsonl",
    ]);
    let text = stdout(&out);
    let records = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(INPUT))
        .unwrap()
        .lines()
        .count()
        - 1;
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), records);
    let numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, (2..2 + records as u64).collect::<Vec<_>>());
    let invalid: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["decision"] == "invalid")
        .collect();
    assert_eq!(invalid.len(), 4);
    assert_eq!(invalid[0]["id"], "F-10");
    assert!(
        invalid[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`date`")
    );
    assert_eq!(invalid[0]["error"]["field"], "date");
    assert!(
        invalid[3]["id"].is_null(),
        "a record without id has a null id"
    );
    for l in &lines {
        assert_eq!(l.get("error").is_some(), l["decision"] == "invalid");
        assert!(l["ruleset_digest"].as_str().unwrap().starts_with("sha256:"));
    }
    // The summary goes to standard error.
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("13 records in") && err.contains("4 invalid"),
        "{err}"
    );
}

#[test]
fn exit_status_follows_fail_on_and_invalid_records() {
    let clean = std::env::temp_dir().join(format!("ec-clean-{}.csv", std::process::id()));
    std::fs::write(
        &clean,
        "id,date,hs_code,export_country,destination\nC-1,2023-11-15,100199,KZ,CN\n\
         C-2,2024-03-01,950300,CN,KZ\n",
    )
    .unwrap();
    let clean = clean.to_str().unwrap();
    // C-2 is a toy with no description: the red flag cannot be told, so it goes to review.
    let run = |fail_on: &str| {
        audit(&[
            "--rules",
            "rules",
            "--shipments",
            clean,
            "--fail-on",
            fail_on,
        ])
        .status
        .code()
    };
    assert_eq!(run("license-required"), Some(0));
    assert_eq!(run("prohibited"), Some(0));
    assert_eq!(run("review"), Some(1));
    // Invalid records fail the run whatever the level.
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        INPUT,
        "--fail-on",
        "prohibited",
    ]);
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_file(clean).unwrap();
}

#[test]
fn a_report_reads_the_same_whichever_way_the_rule_directory_was_named() {
    let absolute = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let absolute = absolute.to_str().unwrap();
    for format in ["markdown", "html"] {
        let report = |rules: &str| {
            let out = audit(&["--rules", rules, "--shipments", INPUT, "--format", format]);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            stdout(&out)
        };
        let relative = report("rules");
        assert!(relative.contains("chpl-2024.toml"), "{relative}");
        assert!(!relative.contains("rules/chpl-2024.toml"), "{relative}");
        let from_root = report(absolute);
        assert!(
            !from_root.contains(absolute),
            "{format}: the report names {absolute}"
        );
        assert_eq!(relative, from_root, "{format}");
        assert_eq!(report("./rules/"), relative, "{format}");
    }
}

/// Every `text` field of a JSON value, wherever it is nested.
fn texts<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("text", serde_json::Value::String(t)) => out.push(t),
                    _ => texts(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| texts(v, out)),
        _ => {}
    }
}

#[test]
fn explanations_are_plain_text_without_markdown() {
    let out = audit(&SAMPLE_YEAR);
    assert_eq!(out.status.code(), Some(1));
    let mut seen = 0;
    for line in stdout(&out).lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut found = Vec::new();
        texts(&record, &mut found);
        for text in found {
            seen += 1;
            assert!(!text.contains('`'), "a backtick in {text:?}");
        }
    }
    // The sample's reasons include quoted values (parties, licences, patterns).
    assert!(seen > 5_000, "only {seen} texts");
}

#[test]
fn exclude_status_leaves_out_measures_and_the_reports_say_so() {
    let base = ["--rules", "rules", "--shipments", INPUT];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let out = audit(&args);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout(&out)
    };
    let statuses = |jsonl: &str| -> Vec<String> {
        jsonl
            .lines()
            .flat_map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["matches"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m["status"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let all = statuses(&run(&[]));
    assert!(all.iter().any(|s| s == "reported") && all.iter().any(|s| s == "draft"));
    let kept = statuses(&run(&["--exclude-status", "reported,draft"]));
    assert!(kept.iter().all(|s| s == "in_force"), "{kept:?}");
    assert!(!kept.is_empty());

    let json: serde_json::Value =
        serde_json::from_str(&run(&["--exclude-status", "draft", "--format", "json"])).unwrap();
    assert_eq!(json["exclude_statuses"], serde_json::json!(["draft"]));
    // Every record not allowed and readable counts once under the status table.
    let by_status = json["summary"]["by_status"].as_object().unwrap();
    for (verdict, counts) in by_status {
        let sum: u64 = counts
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(
            sum,
            json["summary"]["verdicts"][verdict].as_u64().unwrap(),
            "{verdict}"
        );
        assert_eq!(counts["draft"], 0, "{verdict}");
    }

    for format in ["markdown", "html"] {
        let report = run(&["--exclude-status", "reported,draft", "--format", format]);
        assert!(
            report.contains("rule sets with status reported, draft: their rules played no part"),
            "{format}"
        );
        assert!(
            !run(&["--format", format]).contains("played no part"),
            "{format}"
        );
    }
    let out = audit(&[&base[..], &["--exclude-status", "rumoured"]].concat());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn detail_bounds_the_records_shown_and_not_the_counts() {
    let run = |extra: &[&str]| {
        let mut args = SAMPLE_YEAR.to_vec();
        args.extend_from_slice(extra);
        let out = audit(&args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout(&out)
    };
    // Records per verdict and deciding rule, from the JSON Lines (every record).
    let mut groups: BTreeMap<(String, String), Vec<(String, u64)>> = BTreeMap::new();
    for line in run(&[]).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let decision = v["decision"].as_str().unwrap().to_owned();
        if decision == "allowed" {
            continue;
        }
        let effect = |m: &serde_json::Value| match m["outcome"].as_str().unwrap() {
            "fired" => m["decision"].as_str().unwrap().to_owned(),
            "undetermined" => "review".to_owned(),
            _ => "allowed".to_owned(),
        };
        let rule = v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| effect(m) == decision)
            .map(|m| m["rule"].as_str().unwrap().to_owned())
            .min()
            .unwrap_or_default();
        let date = v["as_of"].as_str().unwrap_or("").to_owned();
        groups
            .entry((decision, rule))
            .or_default()
            .push((date, v["line"].as_u64().unwrap()));
    }
    assert!(groups.values().any(|g| g.len() > 3), "no group to bound");
    let full = run(&["--format", "markdown"]);
    for limit in [1usize, 3] {
        let report = run(&["--format", "markdown", "--detail", &limit.to_string()]);
        // The counts are those of the full report (the licences' lists are bounded too).
        let counts = |r: &str| {
            let end = r
                .find("\n## Licences")
                .or_else(|| r.find("\n## Records not allowed"))
                .unwrap();
            r[..end].to_owned()
        };
        assert_eq!(counts(&report), counts(&full), "--detail {limit}");
        // Each group shows its earliest records by date, then line, and says how many more.
        for ((verdict, rule), records) in &groups {
            let mut expected = records.clone();
            expected.sort();
            for (n, (_, line)) in expected.iter().enumerate() {
                let heading = format!(" (line {line}): {}", verdict.replace('_', "\\_"));
                assert_eq!(
                    report.contains(&heading),
                    n < limit,
                    "{verdict} {rule} line {line}"
                );
            }
            if records.len() > limit {
                let note = format!(
                    "{limit} of {} records {}",
                    records.len(),
                    verdict.replace('_', "\\_")
                );
                assert!(report.contains(&note), "no note {note:?} for {rule}");
            }
        }
        // A licence that more records carried than the limit lists the first, and says so
        // (in the sample, one licence has 2 records that drew on it and 3 it did not cover).
        assert_eq!(
            report.contains(
                "*The first 1 of 2 records that drew on it and 1 of 3 that it did not cover"
            ),
            limit == 1,
            "--detail {limit}"
        );
    }
}

#[test]
fn the_markdown_contents_link_to_headings_that_exist() {
    let out = audit(&[&SAMPLE_YEAR[..], &["--format", "markdown"]].concat());
    let md = stdout(&out);
    // Headings as GitHub anchors them: lower case, spaces as `-`.
    let anchors: Vec<String> = md
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| h.to_lowercase().replace(' ', "-"))
        .collect();
    let links: Vec<&str> = md
        .lines()
        .skip_while(|l| *l != "## Contents")
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.split("](#").nth(1)?.strip_suffix(')'))
        .collect();
    assert!(links.len() >= 10, "{links:?}");
    for link in &links {
        assert!(anchors.iter().any(|a| a == link), "no heading for #{link}");
    }
    // Every section is in the contents.
    assert_eq!(links.len() + 1, anchors.len(), "{anchors:?}");
}

#[test]
fn a_run_that_cannot_start_exits_2_and_says_why() {
    let out = audit(&["--rules", "rules", "--shipments", "missing.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `missing.csv`"));

    let out = audit(&[
        "--rules",
        "tests/fixtures/bad-rules/unknown-key-in-when.toml",
        "--shipments",
        INPUT,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: unknown key `destinaton`"), "{err}");
    assert!(
        err.contains("--> tests/fixtures/bad-rules/unknown-key-in-when.toml:18:1"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `destination`?"), "{err}");
    assert!(
        err.trim_end()
            .ends_with("1 error(s) in rule files: nothing was checked"),
        "{err}"
    );

    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        INPUT,
        "--as-of",
        "2023-13-01",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = audit(&["--shipments", INPUT]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn as_of_checks_every_record_against_that_date() {
    let verdict_of = |as_of: Option<&str>, id: &str| {
        let mut args = vec![
            "--rules",
            "rules",
            "--shipments",
            INPUT,
            "--format",
            "jsonl",
        ];
        if let Some(d) = as_of {
            args.extend(["--as-of", d]);
        }
        let out = audit(&args);
        stdout(&out)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|l| l["id"] == id)
            .map(|l| l["decision"].as_str().unwrap().to_owned())
            .unwrap()
    };
    // F-03 exports artillery on 2023-09-01, the day after the suspension ended.
    assert_eq!(verdict_of(None, "F-03"), "allowed");
    assert_eq!(verdict_of(Some("2023-08-31"), "F-03"), "prohibited");
    // F-02, exported during the suspension, would be allowed under today's rules.
    assert_eq!(verdict_of(Some("2024-01-01"), "F-02"), "allowed");
}

#[test]
fn explain_shows_rules_not_in_force() {
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        INPUT,
        "--explain",
        "F-03",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("record `F-03` (line 4): 930110 Artillery parts from KZ to AE"),
        "{text}"
    );
    assert!(
        text.contains("not in force: would be prohibited by kz-arms-ch93"),
        "{text}"
    );
    assert!(
        text.contains("is outside the window: in force from 2022-08-27 until 2023-08-31"),
        "{text}"
    );
    assert!(
        text.contains("\nclassification: none (not classified against a control list)\n"),
        "{text}"
    );
    // The classification line names the record's control codes, or its check.
    let dir = std::env::temp_dir().join(format!("ec-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("classified.csv");
    std::fs::write(
        &file,
        "id,date,hs_code,export_country,destination,transit,control_codes,control_list_checked\n\
         M1,2023-01-10,847130,KZ,AE,,ML11.a;5A002,\n\
         N1,2023-01-10,900510,KZ,AE,,,2023-01-02\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let text = stdout(&audit(&[
        "--rules",
        "rules",
        "--shipments",
        path,
        "--explain",
        "M1",
    ]));
    assert!(
        text.contains("\nclassification: control codes ML11.a, 5A002\n"),
        "{text}"
    );
    assert!(
        text.contains("control code ML11.a is within ML (group MUNITIONS)"),
        "{text}"
    );
    let text = stdout(&audit(&[
        "--rules",
        "rules",
        "--shipments",
        path,
        "--explain",
        "N1",
    ]));
    assert!(
        text.contains("\nclassification: not controlled (checked on 2023-01-02)\n"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        INPUT,
        "--explain",
        "F-10",
    ]);
    assert!(stdout(&out).contains("could not be read"));
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        INPUT,
        "--explain",
        "NOPE",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn impact_lists_exactly_the_changed_records() {
    let out = example("impact")
        .args([
            "--old",
            "tests/fixtures/impact/v1",
            "--new",
            "tests/fixtures/impact/v2",
            "--shipments",
            "tests/fixtures/impact/shipments.csv",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let changes: Vec<(String, String, String)> = stdout(&out)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_owned(),
                v["before"]["decision"].as_str().unwrap().to_owned(),
                v["after"]["decision"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("I-1", "prohibited", "allowed"),
        ("I-3", "allowed", "prohibited"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(changes, expected);
    let same = example("impact")
        .args([
            "--old",
            "tests/fixtures/impact/v2",
            "--new",
            "tests/fixtures/impact/v2",
            "--shipments",
            "tests/fixtures/impact/shipments.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).contains("0 of 7 records change verdict"));
}

#[test]
fn a_misspelt_csv_column_stops_the_audit_unless_named_as_an_attribute() {
    let path = std::env::temp_dir().join(format!("ec-orign-{}.csv", std::process::id()));
    std::fs::write(
        &path,
        "id,date,hs_code,export_country,destination,orign\nO-1,2023-11-15,854231,KZ,RU,US\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let out = audit(&["--rules", "rules", "--shipments", file, "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`orign`") && err.contains("`origin`"), "{err}");
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        file,
        "--format",
        "jsonl",
        "--attribute-column",
        "orign",
    ]);
    // Read as an attribute, the origin is unknown: the rules that need it cannot be told.
    let line: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(line["id"], "O-1");
    assert_ne!(line["decision"], "allowed");
    std::fs::remove_file(&path).ok();
}

#[test]
fn the_table_shows_only_what_is_asked_cuts_long_ids_and_ends_with_totals() {
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        INPUT,
        "--format",
        "table",
        "--only",
        "license-required",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let table = stdout(&out);
    let rows: Vec<&str> = table.lines().skip(1).collect();
    let (last, rows) = rows.split_last().expect("a totals line");
    // Every row at or above licence required, and every invalid record; nothing else.
    for verdict in ["review", "allowed"] {
        assert!(
            rows.iter()
                .all(|r| r.split_whitespace().nth(2) != Some(verdict)),
            "{table}"
        );
    }
    let shown = |v: &str| {
        rows.iter()
            .filter(|r| r.split_whitespace().any(|w| w == v))
            .count()
    };
    assert_eq!(
        (
            shown("prohibited"),
            shown("license_required"),
            shown("invalid")
        ),
        (1, 1, 4),
        "{table}"
    );
    assert_eq!(
        *last,
        "total: 13 records: 1 prohibited, 1 license_required, 4 review, 3 allowed, 4 invalid; \
         shown: 6 at or above license_required or invalid"
    );
    // `--only` is for the table: elsewhere it is a mistake, said with exit 2.
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        INPUT,
        "--format",
        "jsonl",
        "--only",
        "review",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--only applies to the table"));

    // An id longer than the column ends in an ellipsis, never cut silently.
    let dir = std::env::temp_dir().join(format!("ec-table-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("long.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"KZ-2023-0000000000000000042\",\"date\":\"2023-06-01\",\"hs_code\":\"090111\",\
         \"export_country\":\"KZ\",\"destination\":\"CN\"}\n",
    )
    .unwrap();
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        input.to_str().unwrap(),
        "--format",
        "table",
    ]);
    let table = stdout(&out);
    assert!(table.contains("KZ-2023-000000000\u{2026}  "), "{table}");
    std::fs::remove_dir_all(dir).unwrap();
}

//! Every exit status of every example, each with an input that gives that status and no other
//! reason for it; and the rule book's digest, pinned: what changes it and what does not.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use export_control::{Rulebook, Source};

use crate::audit::example;
use crate::common::{groups_source, rule_set};

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ec-exits-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(name: &str, args: &[&str]) -> Output {
    example(name).args(args).output().unwrap()
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const RULE: &str = "[[rule]]\nid = \"arms\"\nverdict = \"prohibited\"\ntitle = \"Arms\"\ncitation = \"Act\"\nwhen = { hs_code = [\"93\"], destination = [\"AE\"] }\n";

/// A rules directory: the shipped groups, one rule set, and its test cases.
fn rules_dir(dir: &Path, rules: &str, tests: &str) -> PathBuf {
    let rules_dir = dir.join("rules");
    std::fs::create_dir_all(&rules_dir).unwrap();
    std::fs::copy("rules/groups.toml", rules_dir.join("groups.toml")).unwrap();
    let set = rule_set(
        "set",
        "notes = \"A fixture of the exit status tests.\"",
        rules,
    );
    std::fs::write(rules_dir.join("set.toml"), set).unwrap();
    if !tests.is_empty() {
        std::fs::write(rules_dir.join("set.tests.toml"), tests).unwrap();
    }
    rules_dir
}

const PASSING: &str = "[defaults]\ndate = 2023-06-01\nexport_country = \"KZ\"\n\n[[test]]\nname = \"arms to AE\"\nshipment = { hs_code = \"930190\", destination = \"AE\", transit = [] }\nexpect = \"prohibited\"\nfires = [\"arms\"]\n\n[[test]]\nname = \"arms to CN\"\nshipment = { hs_code = \"930190\", destination = \"CN\", transit = [] }\nexpect = \"allowed\"\n";

#[test]
fn audit_exit_statuses() {
    let dir = scratch("audit");
    let write = |name: &str, body: &str| {
        let path = dir.join(name);
        std::fs::write(&path, body).unwrap();
        path.to_str().unwrap().to_owned()
    };
    const H: &str = "id,date,hs_code,export_country,destination,transit\n";
    let allowed = write("allowed.csv", &format!("{H}A1,2023-11-15,090111,KZ,CN,\n"));
    let invalid_only = write(
        "invalid.csv",
        &format!("{H}I1,2023-02-30,090111,KZ,CN,\nI2,2023-11-15,09,KZ,CN,\n"),
    );
    let prohibited = write(
        "prohibited.csv",
        &format!("{H}P1,2023-06-01,930190,KZ,AE,\n"),
    );
    let audit = |input: &str, extra: &[&str]| {
        let mut args = vec!["--rules", "rules", "--shipments", input];
        args.extend_from_slice(extra);
        run("audit", &args)
    };
    assert_eq!(code(&audit(&allowed, &[])), Some(0));
    // Only invalid records: the run fails, though no record reaches the level.
    let out = audit(&invalid_only, &["--fail-on", "prohibited"]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 invalid"), "{}", stderr(&out));
    assert_eq!(code(&audit(&prohibited, &[])), Some(1));
    assert_eq!(
        code(&audit(&prohibited, &["--fail-on", "prohibited"])),
        Some(1)
    );
    // Reading that stops before the end is exit 2, after the rows read.
    let mut endless = format!("{H}A1,2023-11-15,090111,KZ,CN,\n").into_bytes();
    endless.extend(std::iter::repeat_n(
        b'x',
        (export_control::read::MAX_SKIPPED_LINE_BYTES + 1) as usize,
    ));
    let endless_path = dir.join("endless.csv");
    std::fs::write(&endless_path, endless).unwrap();
    let out = audit(endless_path.to_str().unwrap(), &["--format", "jsonl"]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).lines().count(),
        2,
        "the record read and the stop"
    );
    assert!(
        stderr(&out).contains("stopped before its end"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(&endless_path).unwrap();
    // Bad arguments.
    assert_eq!(code(&run("audit", &["--rules", "rules"])), Some(2));
    assert_eq!(code(&audit(&allowed, &["--format", "xml"])), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn rules_example_exit_statuses() {
    let dir = scratch("rules");
    // Passing cases: 0, with the count.
    let good = rules_dir(&dir.join("good"), RULE, PASSING);
    let out = run("rules", &["test", good.to_str().unwrap()]);
    assert_eq!(code(&out), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("2 passed; 0 failed; 2 cases"),
        "{}",
        stdout(&out)
    );
    // A failing case: 1, naming it.
    let failing = PASSING.replace("expect = \"allowed\"", "expect = \"review\"");
    let bad = rules_dir(&dir.join("bad"), RULE, &failing);
    let out = run("rules", &["test", bad.to_str().unwrap()]);
    assert_eq!(code(&out), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("arms to CN ... FAILED"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("1 passed; 1 failed; 2 cases"),
        "{}",
        stdout(&out)
    );
    // Rules that do not load: 2, with the error where it is.
    let broken = rules_dir(
        &dir.join("broken"),
        &RULE.replace("destination =", "destinaton ="),
        "",
    );
    let out = run("rules", &["test", broken.to_str().unwrap()]);
    assert_eq!(code(&out), Some(2), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("unknown key `destinaton`"),
        "{}",
        stdout(&out)
    );
    let out = run("rules", &["lint", broken.to_str().unwrap()]);
    assert_eq!(code(&out), Some(2));
    // Lint: a clean, tested rule set is 0; a rule that can never fire is 1.
    let out = run("rules", &["lint", good.to_str().unwrap()]);
    assert_eq!(code(&out), Some(0), "{}", stdout(&out));
    let dead = RULE.replace(
        "destination = [\"AE\"]",
        "destination = [\"AE\"], destination_not = [\"AE\"]",
    );
    let dead = rules_dir(&dir.join("dead"), &dead, PASSING);
    let out = run(
        "rules",
        &["lint", dead.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(code(&out), Some(1), "{}", stdout(&out));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(findings.as_array().is_some_and(|f| !f.is_empty()));
    // A missing path, and no command at all.
    assert_eq!(code(&run("rules", &["test", "/nonexistent"])), Some(2));
    assert_eq!(code(&run("rules", &[])), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn check_example_exit_statuses() {
    let record = r#"{"id":"S1","date":"2023-06-01","hs_code":"930190","export_country":"KZ","destination":"AE","transit":[]}"#;
    let out = run("check", &["rules", record]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("PROHIBITED (as of 2023-06-01;"), "{text}");
    let json_start = text.find("\n{").unwrap();
    let verdict: serde_json::Value = serde_json::from_str(&text[json_start..]).unwrap();
    assert_eq!(verdict["decision"], "prohibited");
    // Whatever the verdict, a printed verdict is 0.
    let allowed = record.replace("930190", "090111");
    assert_eq!(code(&run("check", &["rules", &allowed])), Some(0));
    // A record that cannot be read, rules that cannot be loaded, bad usage: 2.
    let out = run("check", &["rules", r#"{"id":"S1"}"#]);
    assert_eq!(code(&out), Some(2));
    assert!(
        stderr(&out).contains("the record cannot be read"),
        "{}",
        stderr(&out)
    );
    let out = run(
        "check",
        &["tests/fixtures/bad-rules/unknown-key-in-when.toml", record],
    );
    assert_eq!(code(&out), Some(2));
    assert_eq!(code(&run("check", &["rules"])), Some(2));
    assert_eq!(code(&run("check", &["rules", record, "extra"])), Some(2));
}

#[test]
fn impact_example_exit_statuses_and_counts() {
    let args = |old: &str, new: &str, shipments: &str| {
        run(
            "impact",
            &["--old", old, "--new", new, "--shipments", shipments],
        )
    };
    const V1: &str = "tests/fixtures/impact/v1";
    const V2: &str = "tests/fixtures/impact/v2";
    const SHIPMENTS: &str = "tests/fixtures/impact/shipments.csv";
    let out = args(V1, V2, SHIPMENTS);
    assert_eq!(code(&out), Some(1));
    assert!(
        stdout(&out).contains("2 of 7 records change verdict (1 could not be read under either):"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("  prohibited -> allowed: 1"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("  allowed -> prohibited: 1"),
        "{}",
        stdout(&out)
    );
    assert_eq!(code(&args(V2, V2, SHIPMENTS)), Some(0));
    // Rules that do not load, a file that cannot be read: 2.
    assert_eq!(
        code(&args(
            "tests/fixtures/bad-rules/unknown-key-in-when.toml",
            V2,
            SHIPMENTS
        )),
        Some(2)
    );
    assert_eq!(code(&args(V1, V2, "missing.csv")), Some(2));
    // Reading that stops early: 2, not a count of what was read.
    let dir = scratch("impact");
    let mut endless = std::fs::read(SHIPMENTS).unwrap();
    endless.extend(std::iter::repeat_n(
        b'x',
        (export_control::read::MAX_SKIPPED_LINE_BYTES + 1) as usize,
    ));
    let path = dir.join("endless.csv");
    std::fs::write(&path, endless).unwrap();
    let out = args(V1, V2, path.to_str().unwrap());
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    std::fs::remove_dir_all(dir).unwrap();
}

/// The digest is the identity of the rules that decide verdicts: it changes with a rule, a
/// group or a file's name, and not with test cases, the order files are given in or where the
/// tree lies.
#[test]
fn the_digest_changes_with_what_decides_and_only_with_that() {
    let set = rule_set("set", "", RULE);
    let groups = groups_source();
    let digest = |sources: Vec<Source>| {
        Rulebook::from_sources(sources)
            .unwrap()
            .digest()
            .to_string()
    };
    let base = digest(vec![groups.clone(), Source::new("set.toml", set.clone())]);
    // Pinned: the formula itself must not change silently (an auditor compares digests).
    let tiny = digest(vec![Source::new(
        "tiny.toml",
        rule_set(
            "tiny",
            "",
            "[[rule]]\nid = \"r\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = { hs_code = [\"93\"] }\n",
        ),
    )]);
    assert_eq!(
        tiny, "sha256:ab21480079e1c16097f7079f16e0ffed1af944fec64e41c3b5b4466c0d196248",
        "the digest of a fixed rule book changed"
    );
    // Order of the files: no change.
    assert_eq!(
        digest(vec![Source::new("set.toml", set.clone()), groups.clone()]),
        base
    );
    // Test cases: no change.
    assert_eq!(
        digest(vec![
            groups.clone(),
            Source::new("set.toml", set.clone()),
            Source::new("set.tests.toml", PASSING),
        ]),
        base
    );
    // A rule: changed.
    let other_rule = rule_set("set", "", &RULE.replace("\"AE\"", "\"SA\""));
    assert_ne!(
        digest(vec![groups.clone(), Source::new("set.toml", other_rule)]),
        base
    );
    // A group: changed.
    let other_groups = Source::new(
        "groups.toml",
        format!(
            "{}\n[country_group.EXTRA]\ntitle = \"t\"\nmembers = [\"AE\"]\nsources = [\"s\"]\n",
            groups.text()
        ),
    );
    assert_ne!(
        digest(vec![other_groups, Source::new("set.toml", set.clone())]),
        base
    );
    // A file's name: changed.
    assert_ne!(
        digest(vec![
            groups.clone(),
            Source::new("renamed.toml", set.clone())
        ]),
        base
    );

    // On disk: the same tree in two places digests the same; a test file added does not count.
    let dir = scratch("digest");
    let a = rules_dir(&dir.join("a"), RULE, "");
    let b = rules_dir(&dir.join("b"), RULE, PASSING);
    assert_eq!(
        Rulebook::load(&a).unwrap().digest(),
        Rulebook::load(&b).unwrap().digest()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

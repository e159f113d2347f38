//! Hostile input, one test per class of defect the reliability review found (issue 16): what a
//! user trying to make the audit lose records, erase its input, hang, run out of memory or
//! print forged output would try. The examples are run as built from the sources now.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use export_control::read::{self, QuoteProblem, ReadError, RecordErrorKind};
use export_control::shipment::FieldError;
use export_control::{
    Because, CheckOptions, Checked, Decision, LoadError, Outcome, RuleErrorKind, Rulebook, Source,
};

use crate::audit::example;
use crate::common::{engine_of, groups_source, rule_set, shipped};

const HEADER: &str = "id,date,hs_code,origin,export_country,destination,transit,value,currency\n";
/// Allowed under the shipped rules.
const COFFEE: &str = "C1,2023-11-15,090111,KZ,KZ,CN,,10,USD\n";
/// Prohibited under the shipped rules (arms during the 2022-23 suspension).
const ARMS: &str = "G2,2023-06-01,930190,KZ,KZ,AE,,10,USD\n";

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ec-hostile-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn audit(args: &[&str]) -> Output {
    example("audit").args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The audit's JSON Lines rows: (line, id, decision).
fn rows(out: &Output) -> Vec<(u64, String, String)> {
    text(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["line"].as_u64().unwrap(),
                v["id"].as_str().unwrap_or("-").to_owned(),
                v["decision"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn no_panic(out: &Output) {
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}

/// The results of reading a CSV text with the library: (line, id or error kind).
fn csv_results(csv: &str) -> Vec<(u64, String)> {
    read::csv(csv.as_bytes())
        .unwrap()
        .map(|r| match r {
            Ok(record) => (record.line, record.shipment.id),
            Err(e) => (
                e.line(),
                format!("{:?}", e.kind())
                    .split([' ', '(', '{'])
                    .next()
                    .unwrap_or("")
                    .to_owned(),
            ),
        })
        .collect()
}

#[test]
fn an_output_that_is_one_of_the_inputs_is_refused_and_the_input_kept() {
    let dir = scratch("output");
    let input = dir.join("x.csv");
    let body = format!("{HEADER}{COFFEE}{ARMS}");
    std::fs::write(&input, &body).unwrap();
    let input_s = input.to_str().unwrap();
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let hard = dir.join("hard.csv");
    std::fs::hard_link(&input, &hard).unwrap();
    for output in [&input, &link, &hard] {
        let out = audit(&[
            "--rules",
            "rules",
            "--shipments",
            input_s,
            "--output",
            output.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("refusing"),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(std::fs::read_to_string(&input).unwrap(), body);
    }
    // Standard input read from the file the output names.
    let out = example("audit")
        .args(["--rules", "rules", "--shipments", "-", "--output", input_s])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), body);
    // A rule file.
    let rules = dir.join("rules");
    std::fs::create_dir(&rules).unwrap();
    for file in ["groups.toml", "kz-arms-export-suspension-2022.toml"] {
        std::fs::copy(Path::new("rules").join(file), rules.join(file)).unwrap();
    }
    let rule_file = rules.join("kz-arms-export-suspension-2022.toml");
    let before = std::fs::read(&rule_file).unwrap();
    let out = audit(&[
        "--rules",
        rules.to_str().unwrap(),
        "--shipments",
        input_s,
        "--output",
        rule_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&rule_file).unwrap(), before);
    // Any other file is written.
    let fresh = dir.join("out.jsonl");
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        input_s,
        "--output",
        fresh.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&fresh).unwrap().lines().count(), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn amounts_beyond_the_maximum_are_invalid_and_no_sum_can_overflow() {
    let dir = scratch("amounts");
    let input = dir.join("big.csv");
    let huge = "79228162514264337593543950335";
    std::fs::write(
        &input,
        format!("{HEADER}B1,2023-06-01,930190,KZ,KZ,AE,,{huge},USD\nB2,2023-06-01,930190,KZ,KZ,AE,,{huge},USD\n{ARMS}"),
    )
    .unwrap();
    for format in ["jsonl", "json", "table", "markdown", "html"] {
        let out = audit(&[
            "--rules",
            "rules",
            "--shipments",
            input.to_str().unwrap(),
            "--format",
            format,
        ]);
        no_panic(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("3 records"),
            "{}",
            text(&out.stderr)
        );
        if format == "jsonl" {
            let got = rows(&out);
            assert_eq!(got[0].2, "invalid");
            assert_eq!(got[1].2, "invalid");
            assert_eq!(got[2].2, "prohibited");
        }
    }
    // The maximum itself is an amount; anything above it is not.
    let max = export_control::shipment::MAX_AMOUNT;
    let results = csv_results(&format!(
        "{HEADER}M1,2023-06-01,930190,KZ,KZ,AE,,{max},USD\nM2,2023-06-01,930190,KZ,KZ,AE,,{max}.01,USD\n"
    ));
    assert_eq!(results, [(2, "M1".into()), (3, "Field".into())]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn disguised_or_repeated_json_keys_make_the_record_invalid() {
    let engine = shipped();
    let base =
        r#""id":"J1","date":"2023-06-01","hs_code":"930190","export_country":"KZ","transit":[]"#;
    let lines = [
        // A key with trailing white space next to the real one.
        format!(r#"{{{base},"destination":"AE","destination ":"CN"}}"#),
        format!(r#"{{{base},"destination ":"CN","destination":"AE"}}"#),
        format!(r#"{{{base},"destination":"AE","destination":"CN"}}"#),
        format!(r#"{{{base},"destination\t":"CN","destination":"AE"}}"#),
        format!(r#"{{{base},"destination\n":"CN","destination":"AE"}}"#),
        format!(r#"{{{base},"destination\u00a0":"CN","destination":"AE"}}"#),
        format!(r#"{{{base},"\u200bdestination":"CN","destination":"AE"}}"#),
        // Attributes: repeated, disguised, or shadowing a field.
        format!(r#"{{{base},"destination":"AE","attributes":{{"lot":"1","lot":"2"}}}}"#),
        format!(r#"{{{base},"destination":"AE","attributes":{{"lot":"","lot":"2"}}}}"#),
        format!(r#"{{{base},"destination":"AE","attributes":{{"lot":null,"lot":"2"}}}}"#),
        format!(r#"{{{base},"destination":"AE","attributes":{{"destination":"CN"}}}}"#),
        format!(r#"{{{base},"destination":"AE","attributes":{{"lot ":"1","lot":"2"}}}}"#),
        format!(
            r#"{{{base},"destination":"AE","attributes":{{"a":"1"}},"attributes":{{"b":"2"}}}}"#
        ),
    ];
    let text = lines.join("\n");
    let options = CheckOptions::default();
    let results: Vec<_> =
        read::check_records(&engine, read::json_lines(text.as_bytes()), &options).collect();
    assert_eq!(results.len(), lines.len());
    for (line, result) in lines.iter().zip(&results) {
        assert!(
            matches!(result, Checked::Invalid(e) if matches!(e.kind(), RecordErrorKind::Field(_))),
            "{line}: {result:?}"
        );
    }
}

#[test]
fn an_open_quote_cannot_swallow_the_records_after_it() {
    const H: &str = "id,date,hs_code,export_country,destination,transit,description\n";
    // The reproduction: a quote left open at the end of the file.
    let open = format!(
        "{H}A1,2023-11-15,090111,KZ,CN,,\"coffee\nA2,2023-06-01,930190,KZ,AE,,x\nA3,2023-06-01,930190,KZ,AE,,x\n"
    );
    assert_eq!(
        csv_results(&open),
        [(2, "OpenQuote".into()), (3, "A2".into()), (4, "A3".into())]
    );
    // Closed on a later line, merging the records between.
    let closed_late = format!(
        "{H}A1,2023-11-15,090111,KZ,CN,,\"coffee\nA2,2023-06-01,930190,KZ,AE,,x\nA3,2023-06-01,930190,KZ,AE,,x\"\n"
    );
    let got = csv_results(&closed_late);
    assert_eq!(got[0], (2, "OpenQuote".into()));
    assert_eq!(got[1], (3, "A2".into()));
    // A3's own closing quote is a literal quote in an unquoted field: A3 is read.
    assert_eq!(got[2], (4, "A3".into()));
    // A quote open on the last line, which has no line end.
    let last = format!(
        "{H}{}A9,2023-11-15,090111,KZ,CN,,\"coffee",
        "A8,2023-11-15,090111,KZ,CN,,ok\n"
    );
    assert_eq!(
        csv_results(&last),
        [(2, "A8".into()), (3, "OpenQuote".into())]
    );
    // A field may hold line breaks, over a few lines...
    let multi =
        format!("{H}M1,2023-11-15,090111,KZ,CN,,\"two\nlines\"\nM2,2023-11-15,090111,KZ,CN,,x\n");
    assert_eq!(csv_results(&multi), [(2, "M1".into()), (4, "M2".into())]);
    // ...but not over more than MAX_RECORD_LINES of them.
    let many = format!(
        "{H}L1,2023-11-15,090111,KZ,CN,,\"{}\nL2,2023-06-01,930190,KZ,AE,,x\n",
        "text\n".repeat(read::MAX_RECORD_LINES)
    );
    let got = csv_results(&many);
    assert_eq!(got[0], (2, "OpenQuote".into()), "{got:?}");
    assert_eq!(
        got.last(),
        Some(&(read::MAX_RECORD_LINES as u64 + 3, "L2".into()))
    );
    let problem = read::csv(many.as_bytes())
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        problem.kind(),
        &RecordErrorKind::OpenQuote {
            problem: QuoteProblem::TooManyLines
        }
    );

    // Through the audit: every record accounted for, and the run fails.
    let dir = scratch("quote");
    let input = dir.join("open.csv");
    std::fs::write(&input, &open).unwrap();
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        input.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let got: Vec<(String, String)> = rows(&out).into_iter().map(|(_, id, d)| (id, d)).collect();
    assert_eq!(
        got,
        [
            ("A1".to_owned(), "invalid".to_owned()),
            ("A2".to_owned(), "prohibited".to_owned()),
            ("A3".to_owned(), "prohibited".to_owned())
        ]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_line_holding_only_an_empty_quoted_field_is_a_record() {
    let got = csv_results(&format!("{HEADER}\"\"\n{ARMS}"));
    assert_eq!(got, [(2, "FieldCount".into()), (3, "G2".into())]);
    // Blank lines are not records.
    let got = csv_results(&format!("{HEADER}\n\r\n{ARMS}"));
    assert_eq!(got, [(4, "G2".into())]);
}

#[test]
fn links_to_directories_are_walked_once() {
    let dir = scratch("links");
    for file in ["groups.toml", "kz-arms-export-suspension-2022.toml"] {
        std::fs::copy(Path::new("rules").join(file), dir.join(file)).unwrap();
    }
    let plain = Rulebook::load(&dir).unwrap();
    std::os::unix::fs::symlink(".", dir.join("self-a")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("self-b")).unwrap();
    let sub = dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::os::unix::fs::symlink("..", sub.join("up")).unwrap();
    let linked = Rulebook::load(&dir).unwrap();
    assert_eq!(linked.rule_sets().len(), plain.rule_sets().len());
    assert_eq!(linked.digest(), plain.digest());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn over_long_lines_are_skipped_and_endless_input_stops_reading() {
    let long = "x".repeat(3 << 20);
    let got = csv_results(&format!("{HEADER}{COFFEE}{long}\n{ARMS}"));
    assert_eq!(
        got,
        [(2, "C1".into()), (3, "TooLong".into()), (4, "G2".into())]
    );
    let jsonl = format!(
        "{{\"id\":\"J1\",\"date\":\"2023-06-01\",\"hs_code\":\"930190\",\"export_country\":\"KZ\",\"destination\":\"AE\"}}\n{long}\n{{}}\n"
    );
    let kinds: Vec<String> = read::json_lines(jsonl.as_bytes())
        .map(|r| match r {
            Ok(r) => r.shipment.id,
            Err(e) => format!("{}:{:?}", e.line(), e.kind())
                .chars()
                .take(9)
                .collect(),
        })
        .collect();
    assert_eq!(kinds, ["J1", "2:TooLong", "3:Field(M"]);

    // Standard input that never ends a line: reading stops, the run fails with exit 2.
    for format in ["csv", "jsonl"] {
        let mut child = example("audit")
            .args([
                "--rules",
                "rules",
                "--shipments",
                "-",
                "--input-format",
                format,
            ])
            .stdin(std::fs::File::open("/dev/zero").unwrap())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(2), "{format}: {err}");
        assert!(err.contains("bytes"), "{format}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn wide_headers_and_many_keys_are_read_whole() {
    let columns: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    let header = format!(
        "id,date,hs_code,export_country,destination,{}",
        columns.join(",")
    );
    let record = format!(
        "W1,2023-11-15,090111,KZ,CN,{}",
        vec!["v"; 100_000].join(",")
    );
    let records: Vec<_> = read::csv(format!("{header}\n{record}\n").as_bytes())
        .unwrap()
        .collect();
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].as_ref().unwrap().shipment.attributes.len(),
        100_000
    );
    let twice = format!("{header},c99999\n");
    assert!(matches!(
        read::csv(twice.as_bytes()),
        Err(ReadError::Header { reason }) if reason.contains("`c99999` appears twice")
    ));

    // As many keys as fit in one line of the longest length read.
    let name = |mut i: usize| {
        // `k` first: no key may be a field's name.
        let mut s = String::from("k");
        loop {
            s.push(char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[i % 36]));
            i /= 36;
            if i == 0 {
                return s;
            }
        }
    };
    let keys: Vec<String> = (0..85_000)
        .map(|i| format!("\"{}\":\"1\"", name(i)))
        .collect();
    let line = format!(
        "{{\"id\":\"K1\",\"date\":\"2023-11-15\",\"hs_code\":\"090111\",\"export_country\":\"KZ\",\"destination\":\"CN\",\"attributes\":{{{}}}}}",
        keys.join(",")
    );
    assert!(line.len() <= read::MAX_RECORD_BYTES);
    let record = read::json_lines(line.as_bytes()).next().unwrap().unwrap();
    assert_eq!(record.shipment.attributes.len(), 85_000);
    let repeated = line.replacen("\"kb\":\"1\"", "\"ka\":\"1\"", 1);
    let error = read::json_lines(repeated.as_bytes())
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            error.kind(),
            RecordErrorKind::Field(FieldError::Duplicate { .. })
        ),
        "{error}"
    );
}

#[test]
fn rule_paths_that_are_not_regular_files_are_refused_unread() {
    let dir = scratch("special");
    std::fs::copy("rules/groups.toml", dir.join("groups.toml")).unwrap();
    std::fs::copy(
        "rules/kz-arms-export-suspension-2022.toml",
        dir.join("arms.toml"),
    )
    .unwrap();
    assert!(Rulebook::load(&dir).is_ok());

    // A FIFO would block the load until someone writes to it.
    let fifo = dir.join("fifo.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for path in [dir.clone(), fifo.clone()] {
        match Rulebook::load(&path) {
            Err(LoadError::NotAFile { what, .. }) => assert_eq!(what, "a FIFO"),
            other => panic!("{}: {other:?}", path.display()),
        }
    }
    std::fs::remove_file(&fifo).unwrap();

    // A link to a device that never ends.
    let zero = dir.join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    assert!(matches!(
        Rulebook::load(&dir),
        Err(LoadError::NotAFile {
            what: "a device",
            ..
        })
    ));
    std::fs::remove_file(&zero).unwrap();

    // A 1 GiB file (sparse: nothing is written) is measured, not read.
    let big = dir.join("big.toml");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    assert!(matches!(
        Rulebook::load(&dir),
        Err(LoadError::TooLarge { bytes, .. }) if bytes == 1 << 30
    ));
    std::fs::remove_file(&big).unwrap();

    // Names that look like rule files but would not be read are errors, not silence.
    for name in ["ARMS2.TOML", "arms.toml.new", "arms.toml~"] {
        let odd = dir.join(name);
        std::fs::write(&odd, "x").unwrap();
        assert!(
            matches!(Rulebook::load(&dir), Err(LoadError::Misnamed { .. })),
            "{name}"
        );
        std::fs::remove_file(&odd).unwrap();
    }
    // An editor's lock link (dangling, hidden) is not looked at.
    std::os::unix::fs::symlink("user@host.1234:1700000000", dir.join(".#arms.toml")).unwrap();
    assert!(Rulebook::load(&dir).is_ok());
    std::fs::remove_dir_all(dir).unwrap();
}

/// Runs an example with its standard output (or error) closed before it writes.
pub fn with_closed(name: &str, args: &[&str], close_stdout: bool) -> (Option<i32>, String, String) {
    let mut command = example(name);
    command.args(args);
    run_with_closed(command, close_stdout)
}

/// Runs `command` with its standard output (or error) a pipe whose reading end is closed
/// before the command starts, so that its first write fails however little it writes.
pub fn run_with_closed(mut command: Command, close_stdout: bool) -> (Option<i32>, String, String) {
    command.stdin(Stdio::null());
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let (mut out, mut err) = (String::new(), String::new());
    let mut child = if close_stdout {
        command
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    } else {
        command
            .stdout(Stdio::piped())
            .stderr(writer)
            .spawn()
            .unwrap()
    };
    // The parent's copy of the writing end went to the child with `command`, which is
    // dropped here so that the child's exit ends the pipe.
    drop(command);
    if close_stdout {
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
    } else {
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
    }
    let status = child.wait().unwrap();
    (status.code(), out, err)
}

#[test]
fn closed_pipes_end_every_example_quietly() {
    const SAMPLE: &str = "examples/data/kz-trade-2021-2023.csv";
    let cases: [(&str, &[&str]); 6] = [
        (
            "audit",
            &[
                "--rules",
                "rules",
                "--shipments",
                SAMPLE,
                "--format",
                "jsonl",
            ],
        ),
        (
            "audit",
            &[
                "--rules",
                "rules",
                "--shipments",
                SAMPLE,
                "--explain",
                "KZX-2022-500005",
            ],
        ),
        ("rules", &["test", "rules"]),
        ("rules", &["lint", "rules", "--format", "json"]),
        (
            "check",
            &[
                "rules",
                r#"{"id":"S1","date":"2023-11-15","hs_code":"8542.31","origin":"US","export_country":"KZ","destination":"RU","transit":[]}"#,
            ],
        ),
        (
            "impact",
            &["--old", "rules", "--new", "rules", "--shipments", SAMPLE],
        ),
    ];
    for (name, args) in cases {
        let (code, _, err) = with_closed(name, args, true);
        assert_eq!(code, Some(141), "{name} {args:?}: {err}");
        assert!(err.is_empty(), "{name} {args:?}: {err}");
    }
    // A closed standard error loses the summary line, not the run or its status.
    let (code, out, _) = with_closed(
        "audit",
        &[
            "--rules",
            "rules",
            "--shipments",
            SAMPLE,
            "--format",
            "jsonl",
        ],
        false,
    );
    assert_eq!(code, Some(1));
    let records = std::fs::read_to_string(SAMPLE).unwrap().lines().count() - 1;
    assert_eq!(out.lines().count(), records);
}

#[test]
fn an_input_that_cannot_be_read_exits_2_in_every_format() {
    let dir = scratch("empty");
    for (name, body) in [
        ("empty.csv", ""),
        ("empty.jsonl", ""),
        ("empty.json", ""),
        ("blank.csv", " \r\n\n"),
        ("blank.jsonl", "\n\n  \n"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, body).unwrap();
        let out = audit(&["--rules", "rules", "--shipments", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("empty"),
            "{name}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{name}");
    }
    let folder = dir.join("folder.jsonl");
    std::fs::create_dir(&folder).unwrap();
    let out = audit(&["--rules", "rules", "--shipments", folder.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("directory"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    // A header and no records is a file with nothing to check, not an unreadable one.
    let header_only = dir.join("header.csv");
    std::fs::write(&header_only, HEADER).unwrap();
    let out = audit(&[
        "--rules",
        "rules",
        "--shipments",
        header_only.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn record_values_cannot_forge_output() {
    let dir = scratch("forge");
    let input = dir.join("forge.jsonl");
    let evil = r#"{"id":"X1\n     9  FAKE  allowed","date":"2023-06-01","hs_code":"930190","export_country":"KZ","destination":"AE","transit":[],"description":"\u001b[2J\u001b[31m<img src=x onerror=alert(1)> [x](javascript:alert(1)) | cell","consignee":"<script>alert(1)</script>"}"#;
    std::fs::write(&input, format!("{evil}\n")).unwrap();
    let input = input.to_str().unwrap();
    let table = audit(&[
        "--rules",
        "rules",
        "--shipments",
        input,
        "--format",
        "table",
    ]);
    let shown = text(&table.stdout);
    // The header, one row, the totals: the id's line break cannot make a row of its own.
    assert_eq!(shown.lines().count(), 3, "{shown}");
    assert!(
        shown
            .lines()
            .last()
            .unwrap()
            .starts_with("total: 1 record: "),
        "{shown}"
    );
    assert!(!shown.contains('\u{1b}'), "{shown:?}");
    for format in ["markdown", "html"] {
        let out = audit(&["--rules", "rules", "--shipments", input, "--format", format]);
        let report = text(&out.stdout);
        assert!(!report.contains('\u{1b}'), "{format}");
        assert!(!report.contains("<img"), "{format}: {report}");
        assert!(!report.contains("<script"), "{format}");
        assert!(!report.contains("](javascript"), "{format}");
        // Markdown escapes the escape's backslash too: it renders as `X1\n`.
        let id = if format == "markdown" {
            "X1\\\\n"
        } else {
            "X1\\n"
        };
        assert!(report.contains(id), "{format}: the id is shown, escaped");
    }
    let explain = audit(&[
        "--rules",
        "rules",
        "--shipments",
        input,
        "--explain",
        "X1\n     9  FAKE  allowed",
    ]);
    assert!(!text(&explain.stdout).contains('\u{1b}'));
    assert_eq!(explain.status.code(), Some(0));
    std::fs::remove_dir_all(dir).unwrap();

    // Rule ids are restricted to a printable set.
    for id in ["a\\u0000b", "a\\nb", "a b", "<b>", "a`b", "-a", ""] {
        let rule = format!(
            "[[rule]]\nid = \"{id}\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = {{ hs_code = [\"93\"] }}\n"
        );
        let text = rule_set("ids", "", &rule);
        let err = Rulebook::from_sources(vec![groups_source(), Source::new("ids.toml", text)])
            .unwrap_err();
        assert!(
            err.rule_errors()
                .iter()
                .any(|e| matches!(e.kind(), RuleErrorKind::InvalidValue { key, .. } if key.ends_with("id"))),
            "{id}: {err}"
        );
    }
    let text = rule_set(
        "ids",
        "",
        "[[rule]]\nid = \"ok-1.a_b:c/d\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = { hs_code = [\"93\"] }\n",
    );
    assert!(Rulebook::from_sources(vec![groups_source(), Source::new("ids.toml", text)]).is_ok());
    let set_id = rule_set(
        "bad\\nset",
        "",
        "[[rule]]\nid = \"r\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = { hs_code = [\"93\"] }\n",
    );
    assert!(Rulebook::from_sources(vec![groups_source(), Source::new("s.toml", set_id)]).is_err());
}

#[test]
fn regexes_beyond_the_rule_books_budget_are_an_error() {
    let rules = |n: usize| -> String {
        (0..n)
            .map(|i| {
                format!(
                    "[[rule]]\nid = \"r{i}\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = {{ hs_code = [\"93\"], description_matches = \"word{i}\" }}\n"
                )
            })
            .collect()
    };
    let load = |n: usize| {
        Rulebook::from_sources(vec![
            groups_source(),
            Source::new("re.toml", rule_set("re", "", &rules(n))),
        ])
    };
    assert!(load(256).is_ok());
    let err = load(257).unwrap_err();
    let errors = err.rule_errors();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        matches!(
            errors[0].kind(),
            RuleErrorKind::TooManyPatterns { limit: 256, .. }
        ),
        "{err}"
    );
    // The same pattern written many times is compiled, and counted, once.
    let same: String = (0..300)
        .map(|i| format!("[[rule]]\nid = \"s{i}\"\nverdict = \"review\"\ntitle = \"t\"\nwhen = {{ hs_code = [\"93\"], description_matches = \"drone\" }}\n"))
        .collect();
    assert!(
        Rulebook::from_sources(vec![
            groups_source(),
            Source::new("same.toml", rule_set("same", "", &same))
        ])
        .is_ok()
    );
}

#[test]
fn a_code_too_short_for_a_rule_prefix_cannot_be_told() {
    let text = rule_set(
        "fine",
        "scope = \"any_exporter\"",
        "[[rule]]\nid = \"ten\"\nverdict = \"prohibited\"\ntitle = \"t\"\nwhen = { hs_code = [\"8542310000\"] }\n\
         [[rule]]\nid = \"but-not\"\nverdict = \"prohibited\"\ntitle = \"t\"\nwhen = { hs_code = [\"8471\"], hs_code_except = [\"8471300000\"] }\n",
    );
    let engine = engine_of(&[("fine.toml", &text)]);
    let check = |code: &str| {
        let s = crate::common::shipment(&[
            ("id", "S"),
            ("date", "2023-06-01"),
            ("hs_code", code),
            ("export_country", "KZ"),
            ("destination", "CN"),
            ("transit", ""),
        ]);
        let v = engine.check(&s);
        assert_eq!(engine.decide(&s), v.decision, "{code}");
        assert_eq!(
            engine.check_by_scan(&s, &CheckOptions::default()).decision,
            v.decision,
            "{code}: index and scan"
        );
        let coarse = v
            .matches
            .iter()
            .flat_map(|m| &m.because)
            .find(|b| matches!(b, Because::HsTooCoarse { .. }))
            .map(ToString::to_string);
        (v.decision, coarse)
    };
    let (decision, why) = check("854231");
    assert_eq!(decision, Decision::Review);
    assert_eq!(
        why.as_deref(),
        Some(
            "hs_code 854231 has 6 digits and the rule names 8542310000: cannot tell whether the goods are within it"
        )
    );
    assert_eq!(check("8542310000").0, Decision::Prohibited);
    assert_eq!(check("85423100").0, Decision::Review);
    assert_eq!(check("8542319000").0, Decision::Allowed);
    assert_eq!(check("854232").0, Decision::Allowed);
    // Excluded prefixes the code is too short to tell send it to review too.
    let (decision, why) = check("847130");
    assert_eq!(decision, Decision::Review);
    assert!(why.unwrap().contains("the rule excludes 8471300000"));
    assert_eq!(check("8471300000").0, Decision::Allowed);
    assert_eq!(check("847141").0, Decision::Prohibited);
    let v = engine.check(&crate::common::shipment(&[
        ("id", "S"),
        ("date", "2023-06-01"),
        ("hs_code", "854231"),
        ("export_country", "KZ"),
        ("destination", "CN"),
        ("transit", ""),
    ]));
    assert_eq!(v.matches[0].outcome, Outcome::Undetermined);
}

#[test]
fn a_record_that_does_not_give_its_route_has_an_unknown_one() {
    let text = rule_set(
        "route",
        "scope = \"any_exporter\"",
        "[[rule]]\nid = \"via-ru\"\nverdict = \"prohibited\"\ntitle = \"t\"\nwhen = { hs_code = [\"93\"], transit = [\"RU\"] }\n",
    );
    let engine = engine_of(&[("route.toml", &text)]);
    let options = CheckOptions::default();
    let decide = |csv: &str| -> Vec<Decision> {
        read::check_records(&engine, read::csv(csv.as_bytes()).unwrap(), &options)
            .map(|c| match c {
                Checked::Verdict { verdict, .. } => verdict.decision,
                Checked::Invalid(e) => panic!("{e}"),
            })
            .collect()
    };
    // No transit column: the route is unknown.
    assert_eq!(
        decide("id,date,hs_code,export_country,destination\nT1,2023-06-01,930190,KZ,CN\n"),
        [Decision::Review]
    );
    // An empty cell: no transit.
    assert_eq!(
        decide(
            "id,date,hs_code,export_country,destination,transit\nT1,2023-06-01,930190,KZ,CN,\nT2,2023-06-01,930190,KZ,CN,RU\n"
        ),
        [Decision::Allowed, Decision::Prohibited]
    );
    // The same in JSON Lines: no key, unknown; an empty list, none.
    let jsonl = "{\"id\":\"T1\",\"date\":\"2023-06-01\",\"hs_code\":\"930190\",\"export_country\":\"KZ\",\"destination\":\"CN\"}\n\
                 {\"id\":\"T2\",\"date\":\"2023-06-01\",\"hs_code\":\"930190\",\"export_country\":\"KZ\",\"destination\":\"CN\",\"transit\":[]}\n";
    let got: Vec<Decision> =
        read::check_records(&engine, read::json_lines(jsonl.as_bytes()), &options)
            .map(|c| match c {
                Checked::Verdict { verdict, .. } => verdict.decision,
                Checked::Invalid(e) => panic!("{e}"),
            })
            .collect();
    assert_eq!(got, [Decision::Review, Decision::Allowed]);
}

#[test]
fn dates_outside_1900_to_2100_are_invalid() {
    let got = csv_results(&format!(
        "{HEADER}D1,1899-12-31,930190,KZ,KZ,AE,,,\nD2,1900-01-01,930190,KZ,KZ,AE,,,\nD3,2100-12-31,930190,KZ,KZ,AE,,,\nD4,2101-01-01,930190,KZ,KZ,AE,,,\nD5,0001-01-01T00:00:00Z,930190,KZ,KZ,AE,,,\n"
    ));
    assert_eq!(
        got,
        [
            (2, "Field".into()),
            (3, "D2".into()),
            (4, "D3".into()),
            (5, "Field".into()),
            (6, "Field".into())
        ]
    );
}

#[test]
fn messages_say_what_is_wrong() {
    // A file separated by semicolons.
    let err =
        read::csv(&b"id;date;hs_code;export_country;destination\nA;2023-01-01;930190;KZ;AE\n"[..])
            .unwrap_err();
    assert!(err.to_string().contains("separated by semicolons"), "{err}");
    // A JSON line of exactly the limit is read (and is then judged as JSON).
    let record = "{\"id\":\"L1\",\"date\":\"2023-06-01\",\"hs_code\":\"930190\",\"export_country\":\"KZ\",\"destination\":\"AE\"}";
    let exact = format!(
        "{record}{}",
        " ".repeat(read::MAX_RECORD_BYTES - record.len())
    );
    assert_eq!(exact.len(), read::MAX_RECORD_BYTES);
    let first = read::json_lines(format!("{exact}\n").as_bytes())
        .next()
        .unwrap();
    assert_eq!(first.unwrap().shipment.id, "L1");
    let over = format!("{exact} \n");
    let error = read::json_lines(over.as_bytes())
        .next()
        .unwrap()
        .unwrap_err();
    assert!(matches!(error.kind(), RecordErrorKind::TooLong { .. }));
    // `--as-of` is a date written as record dates are.
    for bad in ["2023-2-5", "2023-02-5", "20230205", "1899-12-31"] {
        let out = audit(&[
            "--rules",
            "rules",
            "--shipments",
            "tests/fixtures/audit.csv",
            "--as-of",
            bad,
        ]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    // A file size error names the file, not an empty key.
    let mut file = tempfile_in(&scratch("size"), "over.toml");
    file.1
        .write_all(&vec![b'#'; export_control::source::MAX_FILE_BYTES + 1])
        .unwrap();
    let err = Rulebook::load(&file.0).unwrap_err();
    assert!(
        err.to_string().contains("over.toml") && err.to_string().contains("at most"),
        "{err}"
    );
}

fn tempfile_in(dir: &Path, name: &str) -> (PathBuf, std::fs::File) {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}

/// A rule file of exactly the size limit loads whole, to its last byte (here the `}` that
/// closes its last table: a byte less would not parse); a byte more is refused.
#[test]
fn a_rule_file_at_the_size_limit_loads_to_its_last_byte() {
    let limit = export_control::source::MAX_FILE_BYTES;
    let rules = rule_set(
        "at-limit",
        "",
        "[[rule]]\nid = \"r\"\nverdict = \"prohibited\"\ntitle = \"Chips\"\n\
         when = { hs_code = [\"8542\"] }",
    );
    let padding = limit - rules.len() - 1;
    let text = format!("{}\n{rules}", "#".repeat(padding));
    assert_eq!(text.len(), limit);
    let dir = scratch("at-limit");
    let path = dir.join("at-limit.toml");
    std::fs::write(&path, &text).unwrap();
    let book = Rulebook::load(&path).unwrap();
    assert!(book.rule("r").is_some());
    std::fs::write(&path, format!("{text}\n")).unwrap();
    assert!(matches!(
        Rulebook::load(&path),
        Err(LoadError::TooLarge { bytes, .. }) if bytes == limit as u64 + 1
    ));
}

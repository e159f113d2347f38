//! The installable command `export-control` (feature `cli`): the same programs as the
//! examples, its help stating the contract, completions and manual pages from the argument
//! definitions, load errors through the library's renderer, colours by anstream's rules.

use std::path::Path;
use std::process::{Command, Output};

use crate::audit::{command_path, example};

/// The command from the crate's directory, with no colour variable set.
fn command(args: &[&str]) -> Command {
    let mut command = Command::new(command_path());
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE");
    command
}

fn run(args: &[&str]) -> Output {
    command(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn help_states_the_contract_and_every_subcommand() {
    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for needed in [
        "records in = verdicts out",
        "never allowed",
        "docs/verdict.schema.json",
        "Exit status:",
        "141",
        "NO_COLOR",
    ] {
        assert!(
            help.contains(needed),
            "`{needed}` missing from --help:\n{help}"
        );
    }
    for sub in ["audit", "rules", "impact", "screen", "completions", "man"] {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{sub} "))),
            "subcommand `{sub}` missing from --help:\n{help}"
        );
    }
    let audit = text(&run(&["audit", "--help"]).stdout);
    assert!(
        audit.contains("--fail-on") && audit.contains("Exit status:"),
        "{audit}"
    );
    let test = text(&run(&["rules", "test", "--help"]).stdout);
    assert!(test.contains("--coverage"), "{test}");
}

#[test]
fn audit_is_the_example_audit() {
    let args = [
        "--rules",
        "rules",
        "--shipments",
        "tests/fixtures/audit.csv",
        "--format",
        "jsonl",
    ];
    let mut installed = vec!["audit"];
    installed.extend(args);
    let ours = run(&installed);
    let example = example("audit").args(args).output().unwrap();
    assert_eq!(ours.status.code(), example.status.code());
    assert!(!ours.stdout.is_empty());
    assert_eq!(text(&ours.stdout), text(&example.stdout));
}

#[test]
fn rules_test_and_lint_run_on_the_shipped_rules() {
    let out = run(&["rules", "test", "rules"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains(" 0 failed; "), "{report}");
    let out = run(&["rules", "lint", "tests/fixtures/lint/shadowed.toml"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let out = run(&["rules", "lint", "rules"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn impact_and_screen_run_as_subcommands() {
    let out = run(&[
        "impact",
        "--old",
        "tests/fixtures/impact/v1",
        "--new",
        "tests/fixtures/impact/v2",
        "--shipments",
        "tests/fixtures/impact/shipments.csv",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(" -> "));
    let mut screen = command(&["screen", "--rules", "rules", "--names", "-"]);
    screen
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = screen.spawn().unwrap();
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all("Kazakhstan Temir Zholy\n".as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("\"matches\":[{"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn load_errors_are_rendered_by_the_library() {
    let out = run(&[
        "audit",
        "--rules",
        "tests/fixtures/bad-rules/unknown-key-in-when.toml",
        "--shipments",
        "tests/fixtures/audit.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let errors = text(&out.stderr);
    // rustc's layout: the location under the message, the source line, a caret, the hint.
    assert!(
        errors.contains(" --> tests/fixtures/bad-rules/unknown-key-in-when.toml:"),
        "{errors}"
    );
    assert!(errors.contains(" | ") && errors.contains('^'), "{errors}");
    assert!(errors.contains("help: did you mean"), "{errors}");
    assert!(
        errors.contains("error(s) in rule files: nothing was checked"),
        "{errors}"
    );
    // Standard error is not a terminal: no colour.
    assert!(!errors.contains('\u{1b}'), "{errors}");
}

#[test]
fn colours_follow_no_color_and_clicolor_force() {
    let args = [
        "audit",
        "--rules",
        "rules",
        "--shipments",
        "tests/fixtures/audit.csv",
        "--format",
        "table",
    ];
    let plain = run(&args);
    assert!(!plain.stdout.contains(&0x1b), "a pipe got colours");
    let forced = command(&args).env("CLICOLOR_FORCE", "1").output().unwrap();
    let forced_text = text(&forced.stdout);
    assert!(forced_text.contains("\u{1b}[32m"), "{forced_text}");
    let refused = command(&args)
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(text(&refused.stdout), text(&plain.stdout));
    // Into a file, never.
    let dir = tempfile_dir("colour");
    let file = dir.join("table.txt");
    let mut to_file = args.to_vec();
    let file_arg = file.display().to_string();
    to_file.extend(["--output", &file_arg]);
    command(&to_file)
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!std::fs::read(&file).unwrap().contains(&0x1b));
}

#[test]
fn completions_and_manual_pages_come_from_the_argument_definitions() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        for word in ["export-control", "audit", "shipments", "fail-on", "lint"] {
            assert!(script.contains(word), "{shell} completion lacks `{word}`");
        }
    }
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));

    let page = text(&run(&["man"]).stdout);
    assert!(page.contains(".TH export-control 1"), "{page}");
    assert!(page.contains("audit") && page.contains("screen"), "{page}");
    let dir = tempfile_dir("man");
    let out = run(&["man", "--dir", &dir.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for name in [
        "export-control.1",
        "export-control-audit.1",
        "export-control-rules.1",
        "export-control-rules-test.1",
        "export-control-rules-lint.1",
        "export-control-screen.1",
    ] {
        let page = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(page.starts_with(".ie"), "`{name}` not written");
    }
    let audit = std::fs::read_to_string(dir.join("export-control-audit.1")).unwrap();
    assert!(audit.contains("fail\\-on"), "{audit}");
}

#[test]
fn a_closed_output_pipe_ends_quietly_with_141() {
    let sample = "examples/data/kz-trade-2021-2023.csv";
    let cases: [&[&str]; 4] = [
        &["completions", "bash"],
        &["man"],
        &[
            "audit",
            "--rules",
            "rules",
            "--shipments",
            sample,
            "--format",
            "jsonl",
        ],
        &["rules", "lint", "rules", "--format", "json"],
    ];
    for args in cases {
        let (code, _, err) = crate::hostile::run_with_closed(command(args), true);
        assert_eq!(code, Some(141), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

/// A fresh directory under the target directory, for files a test writes.
fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("command-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

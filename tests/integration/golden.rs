//! Golden files: the exact plain-text and JSON explanations of a fixed set of shipments under
//! the shipped rules. Run with `UPDATE_GOLDEN=1` to rewrite them after a deliberate change, then
//! read the diff.

use std::path::Path;

use export_control::{CheckOptions, Checked, read};

use crate::common::shipped;

/// Compares `actual` with the golden file, or rewrites it when `UPDATE_GOLDEN` is set.
pub fn assert_golden(name: &str, actual: &str) {
    assert_golden_at(&format!("tests/golden/{name}"), actual);
}

/// Compares `actual` with the file at `relative` (to the crate), or rewrites it when
/// `UPDATE_GOLDEN` is set.
pub fn assert_golden_at(relative: &str, actual: &str) {
    let name = relative;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (e, a))| e != a)
            .take(5)
            .map(|(i, (e, a))| format!("line {}:\n  expected: {e}\n  actual:   {a}", i + 1))
            .collect();
        panic!(
            "{name} differs from its golden file ({} vs {} lines):\n{}",
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

/// The rule book digest changes with every rule edit; golden files show a placeholder.
fn redact(text: &str, digest: &str) -> String {
    text.replace(digest, "sha256:<digest>")
        .replace(crate::common::RULES, "rules")
}

#[test]
fn explanations_match_the_golden_files() {
    let engine = shipped();
    let digest = engine.digest().to_string();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shipments.csv");
    let records = read::open(&path, &export_control::read::ReadOptions::default()).unwrap();
    let options = CheckOptions::default();
    let mut text = String::new();
    let mut json = String::new();
    for checked in export_control::read::check_records(&engine, records, &options) {
        let Checked::Verdict { record, verdict } = checked else {
            panic!("fixture records are valid");
        };
        text.push_str(&format!(
            "{} (line {})\n{verdict}\n",
            record.shipment.id, record.line
        ));
        json.push_str(&serde_json::to_string(&verdict).unwrap());
        json.push('\n');
    }
    assert_golden("verdicts.txt", &redact(&text, &digest));
    assert_golden("verdicts.jsonl", &redact(&json, &digest));
}

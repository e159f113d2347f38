//! The published JSON Schema (`docs/verdict.schema.json`) is the one the types produce, and
//! every golden file validates against it.

use std::path::Path;

use serde_json::{Value, json};

use crate::golden::assert_golden_at;

fn root() -> Value {
    export_control::schema::json_schema()
}

/// The schema with its root pointed at one definition.
pub(crate) fn schema_of(def: &str) -> jsonschema::Validator {
    let mut schema = root();
    let object = schema.as_object_mut().unwrap();
    object.remove("anyOf");
    object.insert("$ref".into(), json!(format!("#/$defs/{def}")));
    jsonschema::draft202012::new(&schema).unwrap()
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden")
            .join(name),
    )
    .unwrap()
    .replace("sha256:<digest>", &format!("sha256:{}", "0".repeat(64)))
}

pub(crate) fn assert_valid(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn the_published_schema_is_the_one_the_types_produce() {
    let text = serde_json::to_string_pretty(&root()).unwrap() + "\n";
    assert_golden_at("docs/verdict.schema.json", &text);
}

#[test]
fn every_golden_verdict_and_audit_record_validates() {
    let verdict = schema_of("Verdict");
    let record = schema_of("AuditRecord");
    let whole = jsonschema::draft202012::new(&root()).unwrap();
    let mut seen = 0;
    for line in golden("verdicts.jsonl").lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        assert_valid(&verdict, &value, line);
        assert_valid(&whole, &value, line);
        seen += 1;
    }
    for line in golden("audit.jsonl").lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        assert_valid(&record, &value, line);
        assert_valid(&whole, &value, line);
        seen += 1;
    }
    let document: Value = serde_json::from_str(&golden("audit.json")).unwrap();
    for value in document["records"].as_array().unwrap() {
        assert_valid(&record, value, "audit.json");
        seen += 1;
    }
    assert!(seen > 30, "only {seen} values checked");
}

#[test]
fn the_schema_refuses_what_the_contract_does_not_allow() {
    let verdict = schema_of("Verdict");
    let line = golden("verdicts.jsonl");
    let good: Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert!(verdict.is_valid(&good));
    type Mutation = (&'static str, fn(&mut Value));
    let mutations: [Mutation; 5] = [
        ("unknown decision", |v| v["decision"] = json!("maybe")),
        ("reason of no kind", |v| {
            v["matches"][0]["because"][0] = json!({"text": "trust me"});
        }),
        ("reason without its text", |v| {
            v["matches"][0]["because"][0]
                .as_object_mut()
                .unwrap()
                .remove("text");
        }),
        ("line as text", |v| {
            v["matches"][0]["source"]["line"] = json!("29")
        }),
        ("no schema version", |v| {
            v.as_object_mut().unwrap().remove("schema_version");
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!verdict.is_valid(&bad), "{what} passed the schema");
    }
}

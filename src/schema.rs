//! The JSON Schema of the verdict and of the audit record, produced from the types (feature
//! `schema`). `docs/verdict.schema.json` is its output; a test keeps the two equal and checks
//! every golden file against it.

use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use crate::read::AuditRecord;
use crate::verdict::Verdict;

/// The schema (JSON Schema 2020-12): `$defs` describe [`Verdict`] and [`AuditRecord`] and the
/// types they hold; the document validates either. Every reason (`Because`) carries `text`, its
/// English sentence.
pub fn json_schema() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let verdict = generator.subschema_for::<Verdict<'static>>();
    let record = generator.subschema_for::<AuditRecord<'static>>();
    let mut defs = generator.take_definitions(true);
    if let Some(because) = defs.get_mut("Because") {
        add_text(because);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "export-control verdict and audit record",
        "description": format!(
            "A verdict (export_control::Verdict) or one audit record (export_control::read::AuditRecord), schema_version {}.",
            crate::verdict::SCHEMA_VERSION
        ),
        "anyOf": [verdict.to_value(), record.to_value()],
        "$defs": Value::Object(defs),
    })
}

/// Adds the required `text` property to every variant of the reason's schema: the serialised
/// reason carries its sentence beside its data.
fn add_text(because: &mut Value) {
    let Some(variants) = because.get_mut("oneOf").and_then(Value::as_array_mut) else {
        return;
    };
    for variant in variants {
        if let Some(properties) = variant.get_mut("properties").and_then(Value::as_object_mut) {
            properties.insert(
                "text".into(),
                json!({ "type": "string", "description": "The reason as an English sentence." }),
            );
        }
        if let Some(required) = variant.get_mut("required").and_then(Value::as_array_mut) {
            required.push(json!("text"));
        }
    }
}

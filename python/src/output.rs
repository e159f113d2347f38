//! The result of checking a batch: one row per input row, in input order, invalid records
//! included. Columns: `id`, `line`, `decision` (`prohibited` ... `allowed`, or `invalid`),
//! `rules` (the ids of the rules that raised the decision above allowed, or could not be told),
//! `error` (why an invalid record could not be read) and `verdict`, the audit record's JSON,
//! byte for byte what `export-control audit --format jsonl` writes for the record (null when
//! the caller asked for decisions alone: the JSON is most of the cost of a result).

use std::sync::Arc;

use arrow_array::builder::{Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use export_control::Decision;
use export_control::read::AuditRecord;
use serde::ser::Error as _;

/// The schema of results.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, true),
        Field::new("line", DataType::Int64, false),
        Field::new("decision", DataType::Utf8, false),
        Field::new(
            "rules",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            false,
        ),
        Field::new("error", DataType::Utf8, true),
        Field::new("verdict", DataType::Utf8, true),
    ]))
}

/// Builds result batches row by row.
pub struct Results {
    id: StringBuilder,
    line: Int64Builder,
    decision: StringBuilder,
    rules: ListBuilder<StringBuilder>,
    error: StringBuilder,
    verdict: StringBuilder,
    json: Vec<u8>,
    /// Whether to write the verdicts' JSON.
    verdicts: bool,
}

impl Results {
    /// Room for `rows` rows; `verdicts`: whether to write each verdict's JSON.
    pub fn with_capacity(rows: usize, verdicts: bool) -> Results {
        Results {
            id: StringBuilder::with_capacity(rows, rows * 12),
            line: Int64Builder::with_capacity(rows),
            decision: StringBuilder::with_capacity(rows, rows * 8),
            rules: ListBuilder::with_capacity(StringBuilder::new(), rows),
            error: StringBuilder::with_capacity(rows, 0),
            verdict: StringBuilder::with_capacity(rows, if verdicts { rows * 1024 } else { 0 }),
            json: Vec::with_capacity(4096),
            verdicts,
        }
    }

    /// Adds one record's result.
    pub fn push(&mut self, record: &AuditRecord<'_>) -> Result<(), serde_json::Error> {
        self.id.append_option(record.id.as_deref());
        // Int64, as Spark and Java read integers; no file has 2^63 lines.
        self.line
            .append_value(i64::try_from(record.line).unwrap_or(i64::MAX));
        self.decision.append_value(record.decision.as_str());
        for m in record
            .matches
            .iter()
            .filter(|m| m.effect() > Decision::Allowed)
        {
            self.rules.values().append_value(&m.rule);
        }
        self.rules.append(true);
        self.error
            .append_option(record.error.as_ref().map(|e| e.message.as_str()));
        if self.verdicts {
            self.json.clear();
            serde_json::to_writer(&mut self.json, record)?;
            // serde_json writes UTF-8: checked, not repaired (a lossy read costs twice as much).
            let text = std::str::from_utf8(&self.json).map_err(serde_json::Error::custom)?;
            self.verdict.append_value(text);
        } else {
            self.verdict.append_null();
        }
        Ok(())
    }

    /// The batch of the rows added since the last one.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.line.finish()),
            Arc::new(self.decision.finish()),
            Arc::new(self.rules.finish()),
            Arc::new(self.error.finish()),
            Arc::new(self.verdict.finish()),
        ];
        RecordBatch::try_new(schema(), columns)
    }
}

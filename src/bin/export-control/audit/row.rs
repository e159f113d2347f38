//! One record's result in an audit: the library's audit record, with the record itself
//! for the reports. Output, summary and reports all read rows; none of them owns the type.

use export_control::Shipment;
use export_control::read::{AuditRecord, Record, RecordError};
use export_control::verdict::Escaped;
use export_control::{Decision, Digest, Outcome, Verdict};

/// The verdict names in report order.
pub const VERDICTS: [&str; 5] = [
    "prohibited",
    "license_required",
    "review",
    "allowed",
    "invalid",
];

/// A record's result as written out (the library's audit record), with the record itself for
/// the reports.
#[derive(Debug, Clone)]
pub struct AuditRow<'e> {
    pub record: AuditRecord<'e>,
    /// The record, for reports; not part of the JSON contract.
    pub shipment: Option<Shipment>,
}

impl<'e> AuditRow<'e> {
    pub fn checked(record: Record, verdict: Verdict<'e>) -> AuditRow<'e> {
        AuditRow {
            record: AuditRecord::checked(&record, verdict),
            shipment: Some(record.shipment),
        }
    }

    pub fn invalid(error: &RecordError, digest: Digest) -> AuditRow<'e> {
        AuditRow {
            record: AuditRecord::invalid(error, digest),
            shipment: None,
        }
    }

    /// `prohibited` ... `allowed`, or `invalid`.
    pub fn verdict(&self) -> &'static str {
        self.record.decision.as_str()
    }

    /// The verdict's decision; `None` for an invalid record.
    pub fn decision(&self) -> Option<Decision> {
        self.record.decision.decision()
    }

    pub fn error(&self) -> Option<&str> {
        self.record.error.as_ref().map(|e| e.message.as_str())
    }

    /// The rules that raised the verdict, in brief.
    pub fn reasons(&self) -> String {
        if let Some(error) = self.error() {
            return Escaped(error).to_string();
        }
        let decisive: Vec<String> = self
            .record
            .matches
            .iter()
            .filter(|m| m.effect() > Decision::Allowed)
            .map(|m| {
                if m.outcome == Outcome::Undetermined {
                    format!("{} (cannot tell)", Escaped(&m.rule))
                } else {
                    Escaped(&m.rule).to_string()
                }
            })
            .collect();
        decisive.join(", ")
    }
}

//! Verdicts and their explanations.
//!
//! A [`Verdict`] says what may happen to a shipment and why: for every rule that played a part,
//! which rule of which rule set (version, status, file and line, citation), what it did
//! ([`Outcome`]) and, condition by condition, structured reasons ([`Because`]) that give the
//! record's values and what in the rule they met. It carries the digest of the rule book that
//! decided it.
//!
//! A verdict borrows the texts of its rules from the [`Engine`](crate::Engine) that wrote it
//! (`Verdict<'e>`): checking copies no rule text and touches no shared counter, so checks on
//! several threads do not slow each other. [`Verdict::into_owned`] gives a verdict that
//! outlives the engine; deserialised verdicts own their texts.
//!
//! The JSON form (`serde`) is a contract: it carries [`SCHEMA_VERSION`], and
//! `docs/verdict.schema.json` describes it.

pub mod because;
mod text;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use because::Because;
pub use text::Escaped;

use crate::source::Digest;

/// The version of the verdict's JSON form; it changes when a field changes meaning or goes
/// away (new reason kinds and new optional fields do not change it).
pub const SCHEMA_VERSION: u32 = 1;

/// How severe a verdict is, from least to most: `allowed < review < license_required < prohibited`.
///
/// A rule's verdict is one of the last three; a record's verdict is the most severe of the rules
/// that fire, `allowed` when none does. Not `#[non_exhaustive]`: a program acting on verdicts
/// should be made to handle a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Decision {
    /// No rule stops the shipment.
    Allowed,
    /// A human must look: a red flag, or a rule that could not be evaluated on this record.
    Review,
    /// The shipment may go only with a valid licence.
    LicenseRequired,
    /// The shipment must not go.
    Prohibited,
}

impl Decision {
    /// The name used in rule files and JSON (`license_required`).
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::Review => "review",
            Decision::LicenseRequired => "license_required",
            Decision::Prohibited => "prohibited",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The legal standing of a rule set's content, shown in every explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Status {
    /// Adopted and in force (within its effective window).
    InForce,
    /// Reported by officials or the press but not published as an act, or disputed.
    Reported,
    /// Proposed, not adopted.
    Draft,
    /// No longer in force.
    Repealed,
}

impl Status {
    /// The name used in rule files and JSON (`in_force`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InForce => "in_force",
            Status::Reported => "reported",
            Status::Draft => "draft",
            Status::Repealed => "repealed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer for one shipment.
///
/// In JSON: `{"schema_version", "decision", "as_of", "ruleset_digest", "matches"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verdict<'e> {
    /// The most severe effect of the rules that matched; `allowed` when none did.
    pub decision: Decision,
    /// The date the rules were taken as of (the record's date unless the caller gave one).
    pub as_of: NaiveDate,
    /// The digest of the rule book that decided it.
    pub ruleset_digest: Digest,
    /// Every rule that played a part, most severe effect first, then by rule id.
    pub matches: Vec<RuleMatch<'e>>,
}

impl<'e> Verdict<'e> {
    /// A verdict with no match (`allowed`).
    pub(crate) fn allowed(as_of: NaiveDate, ruleset_digest: Digest) -> Verdict<'e> {
        Verdict {
            decision: Decision::Allowed,
            as_of,
            ruleset_digest,
            matches: Vec::new(),
        }
    }

    /// The rules that raised the decision above `allowed`.
    pub fn decisive(&self) -> impl Iterator<Item = &RuleMatch<'e>> {
        self.matches
            .iter()
            .filter(|m| m.effect() > Decision::Allowed)
    }

    /// Whether nothing stops the shipment.
    pub fn is_allowed(&self) -> bool {
        self.decision == Decision::Allowed
    }

    /// The same verdict, owning every text: it no longer borrows the engine.
    pub fn into_owned(self) -> Verdict<'static> {
        Verdict {
            decision: self.decision,
            as_of: self.as_of,
            ruleset_digest: self.ruleset_digest,
            matches: self
                .matches
                .into_iter()
                .map(RuleMatch::into_owned)
                .collect(),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Verdict"))]
struct VerdictWire<'e> {
    /// The version of this form ([`SCHEMA_VERSION`]).
    schema_version: u32,
    /// The most severe effect of the rules that matched.
    decision: Decision,
    /// The date the rules were taken as of.
    as_of: NaiveDate,
    /// The digest of the rule book that decided it.
    ruleset_digest: Digest,
    /// Every rule that played a part, most severe effect first, then by rule id.
    matches: Vec<RuleMatch<'e>>,
}

impl Serialize for Verdict<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Borrowed<'a, 'e> {
            schema_version: u32,
            decision: Decision,
            as_of: NaiveDate,
            ruleset_digest: Digest,
            matches: &'a [RuleMatch<'e>],
        }
        Borrowed {
            schema_version: SCHEMA_VERSION,
            decision: self.decision,
            as_of: self.as_of,
            ruleset_digest: self.ruleset_digest,
            matches: &self.matches,
        }
        .serialize(s)
    }
}

impl<'de, 'e> Deserialize<'de> for Verdict<'e> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire = VerdictWire::deserialize(d)?;
        if wire.schema_version != SCHEMA_VERSION {
            return Err(serde::de::Error::custom(format!(
                "verdict schema version {} is not {SCHEMA_VERSION}",
                wire.schema_version
            )));
        }
        Ok(Verdict {
            decision: wire.decision,
            as_of: wire.as_of,
            ruleset_digest: wire.ruleset_digest,
            matches: wire.matches,
        })
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Verdict<'_> {
    fn schema_name() -> Cow<'static, str> {
        VerdictWire::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        VerdictWire::json_schema(generator)
    }
}

/// What a rule did for this record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Outcome {
    /// Its conditions held: it gives its decision.
    Fired,
    /// Its conditions held but an `unless` exception did too.
    Exempted,
    /// A `license_required` rule whose licence the record carries.
    Licensed,
    /// A condition could not be evaluated on this record (a missing field, a different
    /// currency), or a licence that covers it on every other point cannot be measured against
    /// its limit (the record's quantity or value missing, or in another unit): the record goes
    /// to review.
    Undetermined,
    /// Its conditions held, but it is not in force on the date (shown only on request).
    NotInForce,
}

impl Outcome {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fired => "fired",
            Outcome::Exempted => "exempted",
            Outcome::Licensed => "licensed",
            Outcome::Undetermined => "undetermined",
            Outcome::NotInForce => "not_in_force",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a rule is written: file and line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SourceRef<'e> {
    /// The rule file, as named when it was loaded.
    pub file: Cow<'e, str>,
    /// The line of its `[[rule]]` table, from 1.
    pub line: u32,
}

impl fmt::Display for SourceRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", Escaped(&self.file), self.line)
    }
}

/// One rule's part in a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RuleMatch<'e> {
    /// The rule's id.
    pub rule: Cow<'e, str>,
    /// Its rule set's id.
    pub ruleset: Cow<'e, str>,
    /// The rule set's version.
    pub version: Cow<'e, str>,
    /// The rule set's legal standing.
    pub status: Status,
    /// The decision the rule gives when it fires.
    pub decision: Decision,
    /// What it did for this record.
    pub outcome: Outcome,
    /// The rule's title.
    pub title: Cow<'e, str>,
    /// The clause of the act it implements, else the rule set's citations.
    pub citation: Cow<'e, str>,
    /// The rule's file and line.
    pub source: SourceRef<'e>,
    /// The rule's labels (`tier = "1"`).
    pub labels: Cow<'e, BTreeMap<String, String>>,
    /// Condition by condition, why it did what it did: the exporter and date first, then its
    /// conditions, the licence that met it or the exception that lifted it.
    #[serde(serialize_with = "because::with_text")]
    pub because: Vec<Because<'e>>,
}

impl RuleMatch<'_> {
    /// What it contributes to the record's decision: its decision when it fired, `review` when
    /// it could not be told, else `allowed`.
    pub fn effect(&self) -> Decision {
        match self.outcome {
            Outcome::Fired => self.decision,
            Outcome::Undetermined => Decision::Review,
            _ => Decision::Allowed,
        }
    }

    /// The same match, owning every text.
    pub fn into_owned(self) -> RuleMatch<'static> {
        let owned = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        RuleMatch {
            rule: owned(self.rule),
            ruleset: owned(self.ruleset),
            version: owned(self.version),
            status: self.status,
            decision: self.decision,
            outcome: self.outcome,
            title: owned(self.title),
            citation: owned(self.citation),
            source: SourceRef {
                file: owned(self.source.file),
                line: self.source.line,
            },
            labels: Cow::Owned(self.labels.into_owned()),
            because: self.because.into_iter().map(Because::into_owned).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_order_is_severity() {
        assert!(Decision::Prohibited > Decision::LicenseRequired);
        assert!(Decision::LicenseRequired > Decision::Review);
        assert!(Decision::Review > Decision::Allowed);
        assert_eq!(
            serde_json::to_string(&Decision::LicenseRequired).unwrap(),
            "\"license_required\""
        );
    }

    #[test]
    fn an_allowed_verdict_says_no_rule_matched() {
        let v = Verdict::allowed("2023-01-01".parse().unwrap(), Digest::default());
        assert!(v.is_allowed());
        assert_eq!(v.decisive().count(), 0);
        assert!(
            v.to_string()
                .starts_with("ALLOWED (as of 2023-01-01; rules sha256:0000")
        );
        assert!(v.to_string().contains("no rule matched"));
        let json = serde_json::to_string(&v).unwrap();
        assert!(
            json.starts_with(r#"{"schema_version":1,"decision":"allowed""#),
            "{json}"
        );
        let back: Verdict<'static> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
        let other = json.replace(r#""schema_version":1"#, r#""schema_version":2"#);
        assert!(serde_json::from_str::<Verdict<'_>>(&other).is_err());
    }

    #[test]
    fn decisive_matches_are_those_above_allowed_and_outcomes_have_names() {
        let m = |outcome: Outcome, decision: Decision| RuleMatch {
            rule: "r".into(),
            ruleset: "s".into(),
            version: "1".into(),
            status: Status::Draft,
            decision,
            outcome,
            title: "t".into(),
            citation: "c".into(),
            source: SourceRef {
                file: "f".into(),
                line: 1,
            },
            labels: Cow::Owned(std::collections::BTreeMap::new()),
            because: Vec::new(),
        };
        let mut v = Verdict::allowed("2023-01-01".parse().unwrap(), Digest::default());
        v.decision = Decision::Prohibited;
        v.matches = vec![
            m(Outcome::Fired, Decision::Prohibited),
            m(Outcome::Exempted, Decision::Prohibited),
            m(Outcome::Licensed, Decision::LicenseRequired),
            m(Outcome::NotInForce, Decision::Prohibited),
            m(Outcome::Undetermined, Decision::Prohibited),
        ];
        assert!(!v.is_allowed());
        let decisive: Vec<Outcome> = v.decisive().map(|m| m.outcome).collect();
        assert_eq!(decisive, [Outcome::Fired, Outcome::Undetermined]);
        let names: Vec<String> = v.matches.iter().map(|m| m.outcome.to_string()).collect();
        assert_eq!(
            names,
            [
                "fired",
                "exempted",
                "licensed",
                "not_in_force",
                "undetermined"
            ]
        );
    }
}

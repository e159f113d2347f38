//! Verdicts and their explanations.
//!
//! A [`Verdict`] says what may happen to a shipment and why: for every rule that played a part,
//! which rule of which rule set (version, status, file and line, citation), what it did
//! ([`Outcome`]) and, field by field, the record's value and what in the rule it met
//! ([`Because`]). It carries the digest of the rule book that decided it.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::source::Digest;

/// How severe a verdict is, from least to most: `allowed < review < license_required < prohibited`.
///
/// A rule's verdict is one of the last three; a record's verdict is the most severe of the rules
/// that fire, `allowed` when none does. Not `#[non_exhaustive]`: a program acting on verdicts
/// should be made to handle a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Verdict {
    /// The most severe effect of the rules that matched; `allowed` when none did.
    pub verdict: Decision,
    /// The date the rules were taken as of (the record's date unless the caller gave one).
    pub as_of: NaiveDate,
    /// Every rule that played a part, most severe effect first, then by rule id.
    pub matches: Vec<RuleMatch>,
    /// The digest of the rule book that decided it.
    pub ruleset_digest: Digest,
}

impl Verdict {
    /// The rules that raised the verdict above `allowed`.
    pub fn decisive(&self) -> impl Iterator<Item = &RuleMatch> {
        self.matches.iter().filter(|m| m.effect > Decision::Allowed)
    }

    /// Whether nothing stops the shipment.
    pub fn is_allowed(&self) -> bool {
        self.verdict == Decision::Allowed
    }
}

/// What a rule did for this record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Its conditions held: it gives its verdict.
    Fired,
    /// Its conditions held but an `unless` exception did too.
    Exempted,
    /// A `license_required` rule whose licence the record carries.
    Licensed,
    /// A condition could not be evaluated on this record (a missing field, a different
    /// currency): the record goes to review.
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

/// One rule's part in a verdict.
///
/// Its texts (`rule`, `ruleset`, `version`, `title`, `citation`, `source`) are shared with the
/// engine that wrote them: building and cloning a match copies no text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleMatch {
    /// The rule's id.
    pub rule: Arc<str>,
    /// Its rule set's id.
    pub ruleset: Arc<str>,
    /// The rule set's version.
    pub version: Arc<str>,
    /// The rule set's legal standing.
    pub status: Status,
    /// The verdict the rule gives when it fires.
    pub verdict: Decision,
    /// What it did for this record.
    pub outcome: Outcome,
    /// What it contributes to the record's verdict.
    pub effect: Decision,
    /// The rule's title.
    pub title: Arc<str>,
    /// The clause of the act it implements, else the rule set's citations.
    pub citation: Arc<str>,
    /// The rule's file and line: `rules/kz-arms.toml:12`.
    pub source: Arc<str>,
    /// Field by field, why its conditions held (or could not be told).
    pub because: Vec<Because>,
    /// For `exempted`: the exception's conditions that held. For an exception that could not be
    /// told: what was missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exemption: Vec<Because>,
    /// For `licensed`: the licence that met the requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// The rule's labels (`tier = "1"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<(String, String)>,
}

/// One condition, as it stood on the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Because {
    /// The record's field (`hs_code`, `destination`, `attributes.buyer_type`...).
    pub field: Cow<'static, str>,
    /// The record's value, `None` when it has none.
    pub value: Option<String>,
    /// What in the rule it met: `starts with 854231`, `is in [RU, BY]`.
    pub condition: String,
}

impl fmt::Display for Because {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(value) => write!(f, "{} {} {}", self.field, value, self.condition),
            None => write!(f, "{} {}", self.field, self.condition),
        }
    }
}

impl fmt::Display for RuleMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.outcome {
            Outcome::Fired => format!("{} by", self.verdict),
            Outcome::Exempted => format!("exempted from {}", self.verdict),
            Outcome::Licensed => format!("licensed under {}", self.verdict),
            Outcome::Undetermined => format!("review (cannot tell; would be {}) by", self.verdict),
            Outcome::NotInForce => format!("not in force: would be {} by", self.verdict),
        };
        writeln!(
            f,
            "{what} `{}` ({} v{}, {}) at {}",
            self.rule, self.ruleset, self.version, self.status, self.source
        )?;
        writeln!(f, "    {}", self.title)?;
        writeln!(f, "    cites: {}", self.citation)?;
        for because in &self.because {
            writeln!(f, "    - {because}")?;
        }
        if let Some(licence) = &self.licence {
            writeln!(f, "    licence `{licence}` meets the requirement")?;
        }
        for because in &self.exemption {
            writeln!(f, "    exemption: {because}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Verdict {
    /// Short plain text: the verdict, then each rule that played a part.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} (as of {}; rules {})",
            self.verdict.as_str().to_uppercase(),
            self.as_of,
            self.ruleset_digest
        )?;
        if self.matches.is_empty() {
            writeln!(f, "  no rule matched")?;
        }
        for m in &self.matches {
            write!(f, "  {m}")?;
        }
        Ok(())
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
    fn a_reason_reads_as_a_sentence() {
        let with_value = Because {
            field: Cow::Borrowed("destination"),
            value: Some("RU".into()),
            condition: "is in [RU]".into(),
        };
        assert_eq!(with_value.to_string(), "destination RU is in [RU]");
        let missing = Because {
            field: Cow::Borrowed("origin"),
            value: None,
            condition: "is missing".into(),
        };
        assert_eq!(missing.to_string(), "origin is missing");
    }

    #[test]
    fn an_allowed_verdict_says_no_rule_matched() {
        let v = Verdict {
            verdict: Decision::Allowed,
            as_of: "2023-01-01".parse().unwrap(),
            matches: Vec::new(),
            ruleset_digest: Digest::default(),
        };
        assert!(v.is_allowed());
        assert_eq!(v.decisive().count(), 0);
        assert!(
            v.to_string()
                .starts_with("ALLOWED (as of 2023-01-01; rules sha256:0000")
        );
        assert!(v.to_string().contains("no rule matched"));
    }
}

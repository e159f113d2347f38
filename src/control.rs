//! Control-list classification: entries of a control list a record's goods are classified under.
//!
//! Licences for dual-use and military goods are decided by classification against a control list
//! (technical parameters), not by HS code. A record may carry the [`ControlCode`]s of its goods:
//! entries of the EU dual-use list (Regulation (EU) 2021/821, Annex I: `3A001.a.2`, `5A002`), of
//! the Wassenaar Arrangement's munitions list (`ML1` to `ML22`), of a national list (`1.1.1`) or
//! of the US Commerce Control List (`3A090`, `EAR99`); and a [`ControlCheck`] saying the goods
//! were classified (with no code: classified, not controlled).
//!
//! Codes are compared on their structure, not as strings: a code is a run of parts, each a run
//! of letters or a run of digits, with `.`, `-` and `/` between them only as separators
//! (`3A001.a.2` is `3`, `A`, `001`, `A`, `2`). A rule's code covers every code whose parts start
//! with its parts: `3A001` covers `3A001.a.2`, `ML` covers `ML10`, but `ML1` does not cover `ML10`
//! (the parts `1` and `10` differ). Letters compare ignoring case.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest control code, in bytes.
pub const MAX_CODE_BYTES: usize = 40;

/// Why a text is not a control code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ControlCodeError {
    /// Empty, or longer than [`MAX_CODE_BYTES`].
    #[error("a control code has 1 to {MAX_CODE_BYTES} characters")]
    Length,
    /// A character other than an ASCII letter, a digit or a separator (`.`, `-`, `/`).
    #[error("`{found}` is not part of a control code: letters, digits and `.`, `-`, `/`")]
    InvalidCharacter {
        /// The first offending character.
        found: char,
    },
    /// Starts or ends with a separator, or has two in a row.
    #[error("a control code starts and ends with a letter or digit, one separator between parts")]
    Separator,
}

/// One entry of a control list, as written (trimmed), compared by its parts.
///
/// ```
/// use export_control::control::ControlCode;
/// let code: ControlCode = "3A001.a.2".parse()?;
/// assert!("3A001".parse::<ControlCode>()?.covers(&code));
/// assert!("3a".parse::<ControlCode>()?.covers(&code));
/// assert!(!"3A00".parse::<ControlCode>()?.covers(&code));
/// let ml10: ControlCode = "ML10".parse()?;
/// assert!("ML".parse::<ControlCode>()?.covers(&ml10));
/// assert!(!"ML1".parse::<ControlCode>()?.covers(&ml10));
/// # Ok::<(), export_control::control::ControlCodeError>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ControlCode(Box<str>);

/// The parts of a code: runs of letters and runs of digits.
fn parts(code: &str) -> impl Iterator<Item = &str> {
    let bytes = code.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while bytes.get(at).is_some_and(|b| !b.is_ascii_alphanumeric()) {
            at += 1;
        }
        let first = *bytes.get(at)?;
        let start = at;
        while bytes.get(at).is_some_and(|b| {
            b.is_ascii_alphanumeric() && b.is_ascii_digit() == first.is_ascii_digit()
        }) {
            at += 1;
        }
        code.get(start..at)
    })
}

impl ControlCode {
    /// The code as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `code` lies within this one: its parts start with this code's parts.
    pub fn covers(&self, code: &ControlCode) -> bool {
        let mut theirs = parts(&code.0);
        parts(&self.0).all(|mine| theirs.next().is_some_and(|t| t.eq_ignore_ascii_case(mine)))
    }
}

impl FromStr for ControlCode {
    type Err = ControlCodeError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.is_empty() || text.len() > MAX_CODE_BYTES {
            return Err(ControlCodeError::Length);
        }
        if let Some(found) = text
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && !matches!(c, '.' | '-' | '/'))
        {
            return Err(ControlCodeError::InvalidCharacter { found });
        }
        let separator = |b: &u8| !b.is_ascii_alphanumeric();
        let bytes = text.as_bytes();
        if bytes.first().is_some_and(separator)
            || bytes.last().is_some_and(separator)
            || bytes.windows(2).any(|w| w.iter().all(separator))
        {
            return Err(ControlCodeError::Separator);
        }
        Ok(ControlCode(text.into()))
    }
}

impl fmt::Display for ControlCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ControlCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ControlCode({})", self.0)
    }
}

impl Serialize for ControlCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ControlCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ControlCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ControlCode".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z0-9]+([./-][A-Za-z0-9]+)*$",
            "maxLength": MAX_CODE_BYTES,
            "description": "An entry of a control list (`3A001.a.2`, `ML10`, `EAR99`)"
        })
    }
}

/// That a record's goods were classified against a control list: on a date, or without one.
/// With no control code on the record, the goods are classified as not controlled (the
/// `EAR99`-like case). Written as the date (`"2023-05-01"`), or `true` when undated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ControlCheck {
    /// Classified on this date.
    On(NaiveDate),
    /// Classified; the record does not say when (`true`, `yes`).
    Undated,
}

impl Serialize for ControlCheck {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ControlCheck::On(date) => date.serialize(s),
            ControlCheck::Undated => s.serialize_bool(true),
        }
    }
}

impl<'de> Deserialize<'de> for ControlCheck {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Date(NaiveDate),
            Flag(bool),
        }
        match Wire::deserialize(d)? {
            Wire::Date(date) => Ok(ControlCheck::On(date)),
            Wire::Flag(true) => Ok(ControlCheck::Undated),
            Wire::Flag(false) => Err(serde::de::Error::custom(
                "`false` is no classification: leave the field out",
            )),
        }
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ControlCheck {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ControlCheck".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Classified against a control list: on a date, or `true` (undated)",
            "oneOf": [
                { "type": "string", "format": "date" },
                { "const": true }
            ]
        })
    }
}

impl fmt::Display for ControlCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ControlCheck::On(date) => write!(f, "on {date}"),
            ControlCheck::Undated => f.write_str("on a date not given"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> ControlCode {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn codes_split_into_letter_and_digit_parts() {
        assert_eq!(
            parts("3A001.a.2").collect::<Vec<_>>(),
            ["3", "A", "001", "a", "2"]
        );
        assert_eq!(parts("ML10").collect::<Vec<_>>(), ["ML", "10"]);
        assert_eq!(parts("EAR99").collect::<Vec<_>>(), ["EAR", "99"]);
        assert_eq!(parts("1.1-2/3").collect::<Vec<_>>(), ["1", "1", "2", "3"]);
    }

    #[test]
    fn a_code_covers_the_codes_below_it_on_their_structure() {
        assert!(code("3A001").covers(&code("3A001.a.2")));
        assert!(code("3A001").covers(&code("3A001")));
        assert!(code("3").covers(&code("3A001")));
        assert!(code("3a001.A").covers(&code("3A001.a.2")));
        assert!(!code("3A001.a.2").covers(&code("3A001")));
        assert!(!code("3A00").covers(&code("3A001")));
        assert!(!code("3A001").covers(&code("3A0012")));
        assert!(!code("3A001.b").covers(&code("3A001.a.2")));
        assert!(code("ML").covers(&code("ML10")));
        assert!(code("ML10").covers(&code("ML10.a")));
        assert!(!code("ML1").covers(&code("ML10")));
        assert!(!code("ML").covers(&code("3A001")));
        assert!(!code("5A002").covers(&code("5A992")));
        assert!(!code("EAR").covers(&code("ML1")));
    }

    #[test]
    fn codes_and_checks_print_as_written() {
        assert_eq!(format!("{:?}", code("3A001.a.2")), "ControlCode(3A001.a.2)");
        assert_eq!(code("ML10").to_string(), "ML10");
        let day = "2023-05-02".parse().unwrap();
        assert_eq!(ControlCheck::On(day).to_string(), "on 2023-05-02");
        assert_eq!(ControlCheck::Undated.to_string(), "on a date not given");
        let json = serde_json::to_string(&[ControlCheck::On(day), ControlCheck::Undated]).unwrap();
        assert_eq!(json, r#"["2023-05-02",true]"#);
        let back: Vec<ControlCheck> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [ControlCheck::On(day), ControlCheck::Undated]);
        assert!(serde_json::from_str::<ControlCheck>("false").is_err());
        let codes: Vec<ControlCode> = serde_json::from_str(r#"["5A002", "ML1"]"#).unwrap();
        assert_eq!(codes, [code("5A002"), code("ML1")]);
        assert!(serde_json::from_str::<ControlCode>(r#""3A001 a""#).is_err());
    }

    #[test]
    fn bad_codes_are_refused() {
        assert_eq!("".parse::<ControlCode>(), Err(ControlCodeError::Length));
        assert_eq!(
            "x".repeat(MAX_CODE_BYTES + 1).parse::<ControlCode>(),
            Err(ControlCodeError::Length)
        );
        assert_eq!(
            "3A001 a".parse::<ControlCode>(),
            Err(ControlCodeError::InvalidCharacter { found: ' ' })
        );
        assert_eq!(
            "ML_1".parse::<ControlCode>(),
            Err(ControlCodeError::InvalidCharacter { found: '_' })
        );
        for bad in [".3A001", "3A001.", "3A001..a", "3A-.a"] {
            assert_eq!(
                bad.parse::<ControlCode>(),
                Err(ControlCodeError::Separator),
                "{bad}"
            );
        }
        assert_eq!(code(" 5A002 ").as_str(), "5A002");
        assert_eq!(
            code("x".repeat(MAX_CODE_BYTES).as_str()).as_str().len(),
            MAX_CODE_BYTES
        );
    }
}

//! Harmonized System commodity codes.
//!
//! A shipment carries an [`HsCode`] of 6 to 10 digits (6 are international, countries extend them:
//! the EAEU's TN VED to 10, the EU's CN to 8). A rule names an [`HsPrefix`] of 2 to 10 digits and
//! covers every code that starts with it. Both are written with or without dots and spaces
//! (`"8542.31"`, `"8542 31 000 0"`, `"854231"`) and stored as bare digits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The most digits any national extension of the HS uses (the EAEU's TN VED).
pub const MAX_DIGITS: usize = 10;

/// Why a text is not an HS code or prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HsError {
    /// A character other than a digit, a dot or a space.
    #[error("`{text}` contains `{found}`: an HS code has only digits, dots and spaces")]
    InvalidCharacter {
        /// The text as written.
        text: String,
        /// The first offending character.
        found: char,
    },
    /// Too few or too many digits.
    #[error("`{text}` has {digits} digits: {expected}")]
    Length {
        /// The text as written.
        text: String,
        /// How many digits it has.
        digits: usize,
        /// What was expected, in words.
        expected: &'static str,
    },
}

/// Digits of a code, without separators, at most [`MAX_DIGITS`] long; also packed four bits a
/// digit from the top of a `u64`, so that a prefix test is one mask and one comparison.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Digits {
    bytes: [u8; MAX_DIGITS],
    len: u8,
    packed: u64,
}

impl Digits {
    /// Parses `text`, ignoring dots and spaces, and checks the digit count lies in `min..=max`.
    fn parse(text: &str, min: usize, max: usize, expected: &'static str) -> Result<Self, HsError> {
        let mut bytes = [0u8; MAX_DIGITS];
        let mut len = 0usize;
        for c in text.chars() {
            match c {
                '0'..='9' => {
                    if let Some(slot) = bytes.get_mut(len) {
                        *slot = c as u8;
                    }
                    len += 1;
                }
                '.' | ' ' | '\u{a0}' | '\t' => {}
                other => {
                    return Err(HsError::InvalidCharacter {
                        text: text.to_owned(),
                        found: other,
                    });
                }
            }
        }
        if len < min || len > max {
            return Err(HsError::Length {
                text: text.to_owned(),
                digits: len,
                expected,
            });
        }
        let mut packed = 0u64;
        for (i, digit) in bytes.iter().take(len).enumerate() {
            packed |= u64::from(digit - b'0') << (60 - 4 * i);
        }
        Ok(Digits {
            bytes,
            len: len as u8,
            packed,
        })
    }

    /// The bits of `packed` a prefix of this length covers.
    #[inline]
    fn mask(&self) -> u64 {
        // Two shifts, each under 64: no branch for the empty prefix (whose mask is 0).
        (u64::MAX << 1) << (63 - 4 * u32::from(self.len.min(15)))
    }

    fn as_str(&self) -> &str {
        let digits = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        // Only ASCII digits are ever stored.
        std::str::from_utf8(digits).unwrap_or_default()
    }
}

/// A shipment's commodity code: 6 to 10 digits.
///
/// ```
/// use export_control::HsCode;
/// let code: HsCode = "8542 31 000 0".parse()?;
/// assert_eq!(code.as_str(), "8542310000");
/// assert_eq!(code.chapter(), "85");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HsCode(Digits);

impl HsCode {
    /// The digits, without separators.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The two-digit chapter.
    pub fn chapter(&self) -> &str {
        self.as_str().get(..2).unwrap_or_default()
    }

    /// The six-digit international subheading.
    pub fn subheading(&self) -> &str {
        self.as_str().get(..6).unwrap_or_default()
    }

    /// Its first `digits` digits as a prefix (`854231` of `8542310000`); `None` under two
    /// digits or past the code's length.
    pub fn prefix(&self, digits: usize) -> Option<HsPrefix> {
        if digits < 2 || digits > self.len() {
            return None;
        }
        let mut d = self.0;
        d.len = u8::try_from(digits).ok()?;
        for b in d.bytes.iter_mut().skip(digits) {
            *b = 0;
        }
        d.packed &= d.mask();
        Some(HsPrefix(d))
    }

    /// Whether this code starts with `prefix`.
    #[inline]
    pub fn starts_with(&self, prefix: &HsPrefix) -> bool {
        prefix.0.len <= self.0.len && self.0.packed & prefix.0.mask() == prefix.0.packed
    }

    /// Whether `prefix` names a finer code within this one (`8542310000` within `854231`): the
    /// code does not say whether the goods are in it, so a rule naming it cannot be told.
    #[inline]
    pub fn is_coarser_than(&self, prefix: &HsPrefix) -> bool {
        self.0.len < prefix.0.len && prefix.0.packed & self.0.mask() == self.0.packed
    }

    /// The number of digits.
    pub fn len(&self) -> usize {
        usize::from(self.0.len)
    }

    /// Always false: a code has at least six digits. Present for the `len` convention.
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// The digits as bytes `b'0'..=b'9'`.
    pub(crate) fn digits(&self) -> &[u8] {
        self.0
            .bytes
            .get(..usize::from(self.0.len))
            .unwrap_or_default()
    }
}

impl FromStr for HsCode {
    type Err = HsError;
    fn from_str(s: &str) -> Result<Self, HsError> {
        Digits::parse(s, 6, MAX_DIGITS, "a shipment's HS code has 6 to 10").map(HsCode)
    }
}

/// The start of an HS code named by a rule: 2 to 10 digits.
///
/// ```
/// use export_control::{HsCode, HsPrefix};
/// let prefix: HsPrefix = "8542.31".parse()?;
/// let code: HsCode = "8542310000".parse()?;
/// assert!(code.starts_with(&prefix));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HsPrefix(Digits);

impl HsPrefix {
    /// The digits, without separators.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The number of digits.
    pub fn len(&self) -> usize {
        usize::from(self.0.len)
    }

    /// Always false: a prefix has at least two digits. Present for the `len` convention.
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// Whether every code this prefix covers is also covered by `other`.
    pub fn is_within(&self, other: &HsPrefix) -> bool {
        other.0.len <= self.0.len && self.0.packed & other.0.mask() == other.0.packed
    }

    /// The digits as bytes `b'0'..=b'9'`.
    pub(crate) fn digits(&self) -> &[u8] {
        self.0
            .bytes
            .get(..usize::from(self.0.len))
            .unwrap_or_default()
    }
}

impl FromStr for HsPrefix {
    type Err = HsError;
    fn from_str(s: &str) -> Result<Self, HsError> {
        Digits::parse(s, 2, MAX_DIGITS, "an HS prefix has 2 to 10").map(HsPrefix)
    }
}

macro_rules! text_traits {
    ($t:ty, $pattern:literal, $what:literal) => {
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $t {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($t))
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "pattern": $pattern, "description": $what })
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($t), self.as_str())
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
text_traits!(HsCode, "^[0-9]{6,10}$", "an HS code: 6 to 10 digits");
text_traits!(HsPrefix, "^[0-9]{2,10}$", "an HS prefix: 2 to 10 digits");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_codes_prefix_equals_the_parsed_prefix() {
        let code: HsCode = "8542.31.0090".parse().unwrap();
        for (n, text) in [(2, "85"), (4, "8542"), (6, "854231"), (10, "8542310090")] {
            let parsed: HsPrefix = text.parse().unwrap();
            assert_eq!(code.prefix(n), Some(parsed), "{n}");
            assert_eq!(code.prefix(n).unwrap().as_str(), text);
        }
        assert_eq!(code.prefix(1), None);
        assert_eq!(code.prefix(11), None);
    }

    /// A code is coarser than the finer prefixes within it only: not than itself, not than a
    /// shorter prefix, not than a finer code elsewhere; codes and prefixes are never empty.
    #[test]
    fn a_code_is_coarser_only_than_finer_prefixes_within_it() {
        let code: HsCode = "854231".parse().unwrap();
        let prefix = |t: &str| t.parse::<HsPrefix>().unwrap();
        assert!(code.is_coarser_than(&prefix("8542310000")));
        assert!(!code.is_coarser_than(&prefix("854231")));
        assert!(!code.is_coarser_than(&prefix("8542")));
        assert!(!code.is_coarser_than(&prefix("8542320000")));
        assert!(!code.is_empty());
        assert!(!prefix("85").is_empty());
    }
    use proptest::prelude::*;

    #[test]
    fn separators_are_dropped() {
        for text in [
            "8542.31.0000",
            "8542 31 000 0",
            "8542310000",
            " 854231 0000 ",
        ] {
            assert_eq!(
                text.parse::<HsCode>().unwrap().as_str(),
                "8542310000",
                "{text}"
            );
        }
    }

    #[test]
    fn code_length_is_checked() {
        assert!(matches!(
            "85423".parse::<HsCode>(),
            Err(HsError::Length { digits: 5, .. })
        ));
        assert!(matches!(
            "85423100001".parse::<HsCode>(),
            Err(HsError::Length { digits: 11, .. })
        ));
        assert!("854231".parse::<HsCode>().is_ok());
    }

    #[test]
    fn prefix_length_is_checked() {
        assert!("9".parse::<HsPrefix>().is_err());
        assert_eq!("93".parse::<HsPrefix>().unwrap().len(), 2);
        assert!("".parse::<HsPrefix>().is_err());
    }

    #[test]
    fn letters_are_rejected_with_the_character() {
        let err = "8542A1".parse::<HsCode>().unwrap_err();
        assert_eq!(
            err,
            HsError::InvalidCharacter {
                text: "8542A1".into(),
                found: 'A'
            }
        );
        assert!(err.to_string().contains("`A`"));
    }

    #[test]
    fn prefix_matching_and_containment() {
        let code: HsCode = "8542310000".parse().unwrap();
        let p8542: HsPrefix = "8542".parse().unwrap();
        let p854231: HsPrefix = "8542.31".parse().unwrap();
        let p854232: HsPrefix = "854232".parse().unwrap();
        assert!(code.starts_with(&p8542));
        assert!(code.starts_with(&p854231));
        assert!(!code.starts_with(&p854232));
        assert!(p854231.is_within(&p8542));
        assert!(!p8542.is_within(&p854231));
        assert_eq!(code.chapter(), "85");
        assert_eq!(code.subheading(), "854231");
    }

    #[test]
    fn serde_round_trip() {
        let code: HsCode = "8542.31".parse().unwrap();
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, "\"854231\"");
        assert_eq!(serde_json::from_str::<HsCode>(&json).unwrap(), code);
        assert!(serde_json::from_str::<HsCode>("\"12\"").is_err());
    }

    proptest! {
        #[test]
        fn packed_prefix_test_agrees_with_text(code in "[0-9]{6,10}", prefix in "[0-9]{2,10}") {
            let c: HsCode = code.parse().unwrap();
            let p: HsPrefix = prefix.parse().unwrap();
            prop_assert_eq!(c.starts_with(&p), code.starts_with(&prefix));
            let q: HsPrefix = code.parse().unwrap();
            prop_assert_eq!(q.is_within(&p), code.starts_with(&prefix));
            prop_assert_eq!(p.is_within(&q), prefix.starts_with(&code));
        }

        #[test]
        fn normalisation_is_idempotent(text in "[0-9 .]{0,16}") {
            if let Ok(code) = text.parse::<HsCode>() {
                let again: HsCode = code.as_str().parse().unwrap();
                prop_assert_eq!(again, code);
                prop_assert_eq!(again.as_str(), code.as_str());
            }
            if let Ok(prefix) = text.parse::<HsPrefix>() {
                let again: HsPrefix = prefix.as_str().parse().unwrap();
                prop_assert_eq!(again, prefix);
            }
        }

        #[test]
        fn digits_survive_any_separators(digits in "[0-9]{6,10}", seps in proptest::collection::vec(0usize..3, 10)) {
            let mut written = String::new();
            for (i, d) in digits.chars().enumerate() {
                written.push(d);
                match seps.get(i) { Some(1) => written.push('.'), Some(2) => written.push(' '), _ => {} }
            }
            let code: HsCode = written.parse().unwrap();
            prop_assert_eq!(code.as_str(), digits.as_str());
        }
    }
}

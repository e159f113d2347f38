//! ISO 3166-1 alpha-2 country codes and sets of them.
//!
//! The list of codes is compiled in from `src/data/iso3166-1-alpha2.csv` (see `src/data/SOURCE.md`).
//! A [`CountrySet`] is a bitset over every two-letter code, so a membership test is one shift and
//! one mask, whatever the size of the set.
//!
//! Beside the 249 assigned codes, three kinds of code customs declarations use are understood:
//! `XK`, the user-assigned code the European Commission, the IMF and CLDR use for Kosovo, is a
//! country like any other; `EU`, which ISO 3166/MA has exceptionally reserved for the European
//! Union, parses as [`CountryCode::EU`] and stands for "one of the member states" (records accept
//! it as an origin only, rules never); `ZZ`, `XX` and `XZ`, user-assigned codes declarations use
//! for "unknown", are [`CountryError::Unknown`], so a reader can take the field as missing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const ISO_TABLE: &str = include_str!("data/iso3166-1-alpha2.csv");

/// Two letters `A..=Z` give 676 slots; 11 words of 64 bits hold them.
const WORDS: usize = 11;

/// The assigned ISO 3166-1 alpha-2 codes, as a bitset built at compile time from the table.
const ASSIGNED: [u64; WORDS] = assigned_codes();

#[allow(
    clippy::indexing_slicing,
    reason = "const fn over a compile-time table; an out-of-range index fails the build"
)]
const fn assigned_codes() -> [u64; WORDS] {
    let bytes = ISO_TABLE.as_bytes();
    let mut set = [0u64; WORDS];
    let mut i = 0;
    // Skip the header line.
    while bytes[i] != b'\n' {
        i += 1;
    }
    i += 1;
    while i + 2 < bytes.len() {
        let (a, b) = (bytes[i], bytes[i + 1]);
        assert!(a.is_ascii_uppercase() && b.is_ascii_uppercase() && bytes[i + 2] == b',');
        let slot = ((a - b'A') as usize) * 26 + (b - b'A') as usize;
        set[slot / 64] |= 1 << (slot % 64);
        while i < bytes.len() && bytes[i] != b'\n' {
            i += 1;
        }
        i += 1;
    }
    set
}

/// [`EU_MEMBERS`] as a set, built at compile time.
const EU_SET: CountrySet = eu_set();

#[allow(
    clippy::indexing_slicing,
    reason = "const fn over a compile-time list; an out-of-range index fails the build"
)]
const fn eu_set() -> CountrySet {
    let mut set = [0u64; WORDS];
    let mut i = 0;
    while i < EU_MEMBERS.len() {
        let code = EU_MEMBERS[i].as_bytes();
        let slot = ((code[0] - b'A') as usize) * 26 + (code[1] - b'A') as usize;
        set[slot / 64] |= 1 << (slot % 64);
        i += 1;
    }
    CountrySet(set)
}

/// Why a text is not a country code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CountryError {
    /// Not two ASCII letters.
    #[error("`{0}` is not a country code: ISO 3166-1 alpha-2 codes are two letters")]
    Malformed(String),
    /// Two letters, but not an assigned ISO 3166-1 code.
    #[error("`{0}` is not an assigned ISO 3166-1 alpha-2 country code")]
    Unassigned(String),
    /// `EU` where one country must be named.
    #[error("`{0}` stands for the European Union, not one country")]
    Union(String),
    /// A code that means "unknown" (`ZZ`, `XX`, `XZ`).
    #[error("`{0}` means an unknown country")]
    Unknown(String),
}

/// The codes declarations use for "unknown country".
const UNKNOWN_CODES: [&str; 3] = ["ZZ", "XX", "XZ"];

/// The member states of the European Union since 2020-02-01 (27; see `src/data/SOURCE.md`).
const EU_MEMBERS: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// An assigned ISO 3166-1 alpha-2 country code, upper-case.
///
/// ```
/// use export_control::CountryCode;
/// let kz: CountryCode = " kz".parse()?;
/// assert_eq!(kz.as_str(), "KZ");
/// assert_eq!(kz.name(), Some("Kazakhstan"));
/// assert!("XX".parse::<CountryCode>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// The European Union (`EU`, exceptionally reserved in ISO 3166-1): "made in one of the
    /// member states", as declarations write an origin. See [`CountryCode::eu_members`].
    pub const EU: CountryCode = CountryCode(*b"EU");
    /// Kosovo (`XK`, a user-assigned code used by the European Commission, the IMF and CLDR).
    pub const XK: CountryCode = CountryCode(*b"XK");

    /// A code that names one country: as [`str::parse`], but `EU` is an error. Rules and
    /// groups name countries this way (the Union is a group of its members).
    pub fn parse_country(text: &str) -> Result<CountryCode, CountryError> {
        match text.parse::<CountryCode>()? {
            code if code.is_eu() => Err(CountryError::Union(text.trim().to_owned())),
            code => Ok(code),
        }
    }

    /// Whether this is [`CountryCode::EU`]: a union of countries, not one of them.
    pub fn is_eu(&self) -> bool {
        *self == CountryCode::EU
    }

    /// Whether a jurisdiction takes in `country`: it is the country, or the union (`EU`) and
    /// the country is one of its member states.
    pub fn has_member(self, country: CountryCode) -> bool {
        self == country || (self.is_eu() && EU_SET.contains(country))
    }

    /// The member states [`CountryCode::EU`] stands for.
    pub const fn eu_members() -> CountrySet {
        EU_SET
    }

    /// The code, two upper-case letters.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The short English name (CLDR display name), if the table has one.
    pub fn name(&self) -> Option<&'static str> {
        match self.0 {
            [b'E', b'U'] => return Some("European Union"),
            [b'X', b'K'] => return Some("Kosovo"),
            _ => {}
        }
        ISO_TABLE.lines().skip(1).find_map(|line| {
            let (code, name) = line.split_once(',')?;
            (code == self.as_str()).then_some(name)
        })
    }

    /// Index of this code's slot in a [`CountrySet`].
    fn slot(self) -> usize {
        usize::from(self.0[0] - b'A') * 26 + usize::from(self.0[1] - b'A')
    }

    /// Every assigned code, in alphabetical order.
    pub fn all() -> impl Iterator<Item = CountryCode> {
        ISO_TABLE
            .lines()
            .skip(1)
            .filter_map(|line| line.get(..2)?.parse().ok())
    }
}

impl FromStr for CountryCode {
    type Err = CountryError;
    fn from_str(s: &str) -> Result<Self, CountryError> {
        let trimmed = s.trim();
        let &[a, b] = trimmed.as_bytes() else {
            return Err(CountryError::Malformed(s.to_owned()));
        };
        if !a.is_ascii_alphabetic() || !b.is_ascii_alphabetic() {
            return Err(CountryError::Malformed(s.to_owned()));
        }
        let code = CountryCode([a.to_ascii_uppercase(), b.to_ascii_uppercase()]);
        let slot = code.slot();
        let assigned = ASSIGNED
            .get(slot / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0);
        if assigned || code == CountryCode::EU || code == CountryCode::XK {
            Ok(code)
        } else if UNKNOWN_CODES.contains(&code.as_str()) {
            Err(CountryError::Unknown(code.as_str().to_owned()))
        } else {
            Err(CountryError::Unassigned(trimmed.to_owned()))
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({:?})", self.as_str())
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for CountryCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("CountryCode")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Z]{2}$",
            "description": "an ISO 3166-1 alpha-2 country code (or XK, Kosovo; EU, the European Union, as an origin)"
        })
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A set of countries: a bitset over all two-letter codes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CountrySet([u64; WORDS]);

impl CountrySet {
    /// The empty set.
    pub const fn new() -> Self {
        CountrySet([0; WORDS])
    }

    /// Adds a country.
    pub fn insert(&mut self, code: CountryCode) {
        let slot = code.slot();
        if let Some(word) = self.0.get_mut(slot / 64) {
            *word |= 1 << (slot % 64);
        }
    }

    /// Whether the set holds `code`.
    pub fn contains(&self, code: CountryCode) -> bool {
        let slot = code.slot();
        self.0
            .get(slot / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }

    /// Adds every member of `other`.
    pub fn union_with(&mut self, other: &CountrySet) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= b;
        }
    }

    /// Whether the two sets share a member.
    pub fn intersects(&self, other: &CountrySet) -> bool {
        self.0.iter().zip(other.0.iter()).any(|(a, b)| a & b != 0)
    }

    /// Whether every member of `self` is in `other`.
    pub fn is_subset(&self, other: &CountrySet) -> bool {
        self.0.iter().zip(other.0.iter()).all(|(a, b)| a & !b == 0)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The members in alphabetical order.
    pub fn iter(&self) -> impl Iterator<Item = CountryCode> + '_ {
        (0..WORDS * 64).filter_map(move |slot| {
            let word = self.0.get(slot / 64)?;
            if word & (1 << (slot % 64)) == 0 {
                return None;
            }
            let a = u8::try_from(slot / 26).ok()?;
            let b = u8::try_from(slot % 26).ok()?;
            Some(CountryCode([b'A' + a, b'A' + b]))
        })
    }
}

impl FromIterator<CountryCode> for CountrySet {
    fn from_iter<I: IntoIterator<Item = CountryCode>>(iter: I) -> Self {
        let mut set = CountrySet::new();
        for code in iter {
            set.insert(code);
        }
        set
    }
}

impl fmt::Debug for CountrySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(|c| c.to_string()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_has_every_assigned_code() {
        assert_eq!(CountryCode::all().count(), 249);
        for code in [
            "KZ", "RU", "BY", "AM", "KG", "TW", "HK", "MO", "NA", "GB", "US",
        ] {
            assert!(code.parse::<CountryCode>().is_ok(), "{code}");
        }
    }

    #[test]
    fn kosovo_the_union_and_unknown_codes() {
        let xk: CountryCode = "xk".parse().unwrap();
        assert_eq!((xk, xk.name()), (CountryCode::XK, Some("Kosovo")));
        let eu: CountryCode = "EU".parse().unwrap();
        assert!(eu.is_eu() && !xk.is_eu());
        assert_eq!(eu.name(), Some("European Union"));
        let members = CountryCode::eu_members();
        assert_eq!(members.len(), 27);
        for code in ["DE", "FR", "HR", "CY"] {
            assert!(members.contains(code.parse().unwrap()), "{code}");
        }
        for code in ["GB", "NO", "CH", "EU"] {
            assert!(!members.contains(code.parse().unwrap()), "{code}");
        }
        for code in ["ZZ", "xx", "XZ"] {
            assert!(
                matches!(code.parse::<CountryCode>(), Err(CountryError::Unknown(_))),
                "{code}"
            );
        }
        // Every EU member is an assigned code: no typo in the list.
        assert!(
            EU_MEMBERS
                .iter()
                .all(|c| CountryCode::all().any(|a| a.as_str() == *c))
        );
    }

    #[test]
    fn unassigned_and_malformed_codes_are_rejected() {
        assert_eq!(
            "UK".parse::<CountryCode>(),
            Err(CountryError::Unassigned("UK".into()))
        );
        assert!(matches!(
            "RUS".parse::<CountryCode>(),
            Err(CountryError::Malformed(_))
        ));
        assert!(matches!(
            "R1".parse::<CountryCode>(),
            Err(CountryError::Malformed(_))
        ));
        assert!(matches!(
            "".parse::<CountryCode>(),
            Err(CountryError::Malformed(_))
        ));
        assert!(matches!(
            "ÄB".parse::<CountryCode>(),
            Err(CountryError::Malformed(_))
        ));
    }

    #[test]
    fn codes_are_upper_cased_and_named() {
        let ru: CountryCode = "ru".parse().unwrap();
        assert_eq!(ru.as_str(), "RU");
        assert_eq!(ru.name(), Some("Russia"));
        assert_eq!(format!("{ru:?}"), "CountryCode(\"RU\")");
        // Rules name one country: the Union is a group of its members there.
        assert_eq!(CountryCode::parse_country(" de"), Ok("DE".parse().unwrap()));
        assert_eq!(
            CountryCode::parse_country(" eu "),
            Err(CountryError::Union("eu".into()))
        );
    }

    #[test]
    fn set_operations() {
        let eaeu: CountrySet = ["AM", "BY", "KZ", "KG", "RU"]
            .iter()
            .map(|c| c.parse().unwrap())
            .collect();
        assert_eq!(eaeu.len(), 5);
        assert!(eaeu.contains("KZ".parse().unwrap()));
        assert!(!eaeu.contains("CN".parse().unwrap()));
        let listed: Vec<String> = eaeu.iter().map(|c| c.to_string()).collect();
        assert_eq!(listed, ["AM", "BY", "KG", "KZ", "RU"]);
        let ru: CountrySet = std::iter::once("RU".parse().unwrap()).collect();
        assert!(ru.is_subset(&eaeu));
        assert!(!eaeu.is_subset(&ru));
        assert!(ru.intersects(&eaeu));
        assert!(!CountrySet::new().intersects(&eaeu));
        let mut wider: CountrySet = ["CN", "RU"].iter().map(|c| c.parse().unwrap()).collect();
        wider.union_with(&eaeu);
        let listed: Vec<String> = wider.iter().map(|c| c.to_string()).collect();
        assert_eq!(listed, ["AM", "BY", "CN", "KG", "KZ", "RU"]);
        assert_eq!(format!("{ru:?}"), "{\"RU\"}");
        assert!(CountrySet::new().is_empty() && !ru.is_empty());
    }

    proptest! {
        #[test]
        fn set_holds_exactly_what_was_inserted(picks in proptest::collection::vec(0usize..249, 0..40)) {
            let all: Vec<CountryCode> = CountryCode::all().collect();
            let chosen: Vec<CountryCode> = picks.iter().map(|&i| all[i]).collect();
            let set: CountrySet = chosen.iter().copied().collect();
            for code in &all {
                prop_assert_eq!(set.contains(*code), chosen.contains(code));
            }
            let mut sorted = chosen.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(set.iter().collect::<Vec<_>>(), sorted);
        }
    }
}

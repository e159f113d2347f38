//! A rule's party test (`[rule.parties]`): which parties of the record are screened against
//! which lists of the rule book, from which score, and which facts of the entry matched must
//! hold.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::country::CountryCode;
use crate::rule::PartyField;
use crate::source::Location;
pub use crate::verdict::because::EntryKind;

/// The threshold screening uses when a rule or caller gives none: names scoring at least this
/// are hits. On the labelled set in `tests/data/parties/quality.csv` it keeps every pair the
/// set calls a match that the normalisation can reach (see the README for precision and
/// recall).
pub const DEFAULT_MIN_SCORE: f64 = 0.88;

/// A party test: it holds when a party of the record in one of `roles` matches an entry of one
/// of `lists` with a score at least `min_score`, and the entry's facts meet the test's.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PartyTest {
    /// The list ids, with where each is written (checked against the rule book's lists).
    pub lists: Vec<(Arc<str>, Location)>,
    /// The parties screened, in order.
    pub roles: Vec<PartyField>,
    /// The lowest score that is a hit, as written (four decimal places at most).
    pub min_score: Decimal,
    /// The same, for comparing scores.
    pub min_score_f64: f64,
    /// The entry's company was registered on or after this date.
    pub registered_on_or_after: Option<NaiveDate>,
    /// One of the entry's owners' countries is among these.
    pub owners_in: Vec<CountryCode>,
    /// The entry is of this type.
    pub entry_type: Option<EntryKind>,
    /// `country_signal`: the score is raised by this when the party's country (see
    /// [`party_country`]) is among the countries the entry gives, and lowered by it when the
    /// entry gives only others.
    pub country_signal: Option<Decimal>,
    /// `type_signal`: the score is lowered by this when a name with a legal form (an
    /// organisation) meets the entry of a person, a vessel or an aircraft.
    pub type_signal: Option<Decimal>,
    /// Where the `[rule.parties]` table is written.
    pub location: Location,
}

impl PartyTest {
    /// Whether the test names the list `id`.
    pub fn names_list(&self, id: &str) -> bool {
        self.lists.iter().any(|(l, _)| &**l == id)
    }

    /// The lowest name score that can still reach `min_score` once signals raise it: what the
    /// party must be screened at.
    pub fn screened_from(&self) -> f64 {
        let raised = self
            .country_signal
            .and_then(|d| f64::try_from(d).ok())
            .unwrap_or(0.0);
        (self.min_score_f64 - raised).max(0.0)
    }
}

/// The country a party is taken to be in, for `country_signal`: a record names no country of
/// its own for each party, so the consignor is taken to be in the export country and the
/// consignee in the destination; the end user may be anywhere (goods sent to Kazakhstan for a
/// Russian end user are the pattern rules look for), so it has none.
pub fn party_country(
    role: PartyField,
    export_country: CountryCode,
    destination: CountryCode,
) -> Option<CountryCode> {
    match role {
        PartyField::Consignor => Some(export_country),
        PartyField::Consignee => Some(destination),
        PartyField::EndUser => None,
    }
}

/// The most a signal may raise or lower a score.
pub const MAX_SIGNAL: Decimal = Decimal::from_parts(2, 0, 0, false, 1);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn test(min_score: &str, country_signal: Option<&str>) -> PartyTest {
        let min_score: Decimal = min_score.parse().unwrap();
        PartyTest {
            lists: Vec::new(),
            roles: vec![PartyField::Consignee],
            min_score,
            min_score_f64: f64::try_from(min_score).unwrap(),
            registered_on_or_after: None,
            owners_in: Vec::new(),
            entry_type: None,
            country_signal: country_signal.map(|s| s.parse().unwrap()),
            type_signal: None,
            location: Source::new("t.toml", "x").locate(0..1),
        }
    }

    /// A party is screened from the lowest name score a country signal can raise to the
    /// threshold: lower would screen names no signal can make hits (slower, verdicts the
    /// same), higher would lose the hits the signal makes.
    #[test]
    fn screened_from_the_score_a_country_signal_raises_to_the_threshold() {
        let near = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(near(test("0.88", None).screened_from(), 0.88));
        assert!(near(test("0.88", Some("0.15")).screened_from(), 0.73));
        assert!(near(test("0.1", Some("0.2")).screened_from(), 0.0));
    }

    /// The consignor is taken to be in the export country, the consignee in the destination,
    /// the end user nowhere.
    #[test]
    fn a_party_is_in_the_country_its_role_gives() {
        let (kz, ru): (CountryCode, CountryCode) = ("KZ".parse().unwrap(), "RU".parse().unwrap());
        assert_eq!(party_country(PartyField::Consignor, kz, ru), Some(kz));
        assert_eq!(party_country(PartyField::Consignee, kz, ru), Some(ru));
        assert_eq!(party_country(PartyField::EndUser, kz, ru), None);
    }
}

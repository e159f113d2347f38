//! History as mergeable aggregates: per key and day, sums per currency or unit with counts,
//! the days each party was seen in each role, and the imports each consignee received.
//!
//! Nothing here keeps a record: the state grows with the number of distinct keys and days, not
//! with the number of records. Two aggregates [`merge`](Aggregates::merge) into the one a
//! single pass over both inputs gives, whatever the split and the order (sums add, sets unite,
//! the import kept for a day is the one with the smallest id), so partitions computed apart
//! combine exactly.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::country::CountryCode;
use crate::rule::PartyField;
use crate::shipment::Field;
use crate::verdict::because::Key;

/// One series: what a rule sums, for one key, in one currency or unit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Series {
    /// The rule's id.
    pub rule: Arc<str>,
    /// The key.
    pub key: Key,
    /// The currency (upper case) or unit (lower case) summed.
    pub unit: Arc<str>,
}

/// A sum of amounts and how many records gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sum {
    /// The total.
    pub amount: Decimal,
    /// The number of records.
    pub count: u64,
    /// Whether the total went past what a decimal holds: it is then no longer known.
    pub overflowed: bool,
}

impl Sum {
    /// One record's amount.
    pub fn of(amount: Decimal) -> Sum {
        Sum {
            amount,
            count: 1,
            overflowed: false,
        }
    }

    /// Adds another sum (checked: an overflow is kept as such, never wrapped).
    pub fn add(&mut self, other: &Sum) {
        self.count = self.count.saturating_add(other.count);
        match self.amount.checked_add(other.amount) {
            Some(total) if !other.overflowed => self.amount = total,
            _ => self.overflowed = true,
        }
    }
}

/// Where an import arrived: the country, the consignee and the HS subheading.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArrivalKey {
    /// The destination of the import.
    pub country: CountryCode,
    /// Its consignee, as history compares names.
    pub consignee: String,
    /// The HS subheading (six digits).
    pub hs6: String,
}

/// The imports of one day for one [`ArrivalKey`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    /// How many.
    pub count: u64,
    /// The smallest record id among them (the one explanations name).
    pub id: String,
    /// The import with the smallest id among those that named an end user other than the
    /// consignee (the "ghost trade" pattern): its id and end user.
    pub ghost: Option<(String, String)>,
}

impl Arrival {
    fn add(&mut self, other: &Arrival) {
        self.count = self.count.saturating_add(other.count);
        if other.id < self.id {
            self.id.clone_from(&other.id);
        }
        if let Some(g) = &other.ghost
            && self.ghost.as_ref().is_none_or(|mine| g.0 < mine.0)
        {
            self.ghost = Some(g.clone());
        }
    }
}

/// The contribution of one record to history, as the engine computes it from its rules
/// ([`Engine::facts`](crate::Engine::facts)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub(crate) date: NaiveDate,
    pub(crate) series: Vec<(Series, Decimal)>,
    pub(crate) parties: Vec<(PartyField, String)>,
    pub(crate) arrival: Option<(ArrivalKey, Arrival)>,
}

impl Facts {
    /// The record's date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Whether the record adds nothing to history (no rule of the book keeps what it holds).
    pub fn is_empty(&self) -> bool {
        self.series.is_empty() && self.parties.is_empty() && self.arrival.is_none()
    }
}

/// History as aggregates per key and day. See the [module](self) for why they merge exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aggregates {
    series: BTreeMap<Series, BTreeMap<NaiveDate, Sum>>,
    parties: BTreeMap<(PartyField, String), BTreeSet<NaiveDate>>,
    arrivals: BTreeMap<ArrivalKey, BTreeMap<NaiveDate, Arrival>>,
    records: u64,
}

impl Aggregates {
    /// No history.
    pub fn new() -> Aggregates {
        Aggregates::default()
    }

    /// Adds one record's facts.
    pub fn add(&mut self, facts: &Facts) {
        self.records = self.records.saturating_add(1);
        for (series, amount) in &facts.series {
            self.add_sum_day(series, facts.date, &Sum::of(*amount));
        }
        for (role, name) in &facts.parties {
            self.add_party_day(*role, name, facts.date);
        }
        if let Some((key, arrival)) = &facts.arrival {
            self.add_arrival_day(key, facts.date, arrival);
        }
    }

    pub(crate) fn add_sum_day(&mut self, series: &Series, day: NaiveDate, sum: &Sum) {
        let days = match self.series.get_mut(series) {
            Some(days) => days,
            None => self.series.entry(series.clone()).or_default(),
        };
        days.entry(day).or_default().add(sum);
    }

    pub(crate) fn add_party_day(&mut self, role: PartyField, name: &str, day: NaiveDate) {
        let key = (role, name.to_owned());
        self.parties.entry(key).or_default().insert(day);
    }

    pub(crate) fn add_arrival_day(&mut self, key: &ArrivalKey, day: NaiveDate, arrival: &Arrival) {
        let days = match self.arrivals.get_mut(key) {
            Some(days) => days,
            None => self.arrivals.entry(key.clone()).or_default(),
        };
        match days.get_mut(&day) {
            Some(mine) => mine.add(arrival),
            None => {
                days.insert(day, arrival.clone());
            }
        }
    }

    /// Adds everything another aggregate holds: the result is what one pass over both inputs
    /// gives.
    pub fn merge(&mut self, other: &Aggregates) {
        self.records = self.records.saturating_add(other.records);
        for (series, days) in &other.series {
            for (day, sum) in days {
                self.add_sum_day(series, *day, sum);
            }
        }
        for ((role, name), days) in &other.parties {
            for day in days {
                self.add_party_day(*role, name, *day);
            }
        }
        for (key, days) in &other.arrivals {
            for (day, arrival) in days {
                self.add_arrival_day(key, *day, arrival);
            }
        }
    }

    /// Sets how many records it holds (a store that loads its entries).
    #[cfg_attr(
        not(feature = "sqlite"),
        allow(dead_code, reason = "the SQLite store's")
    )]
    pub(crate) fn set_records(&mut self, records: u64) {
        self.records = records;
    }

    /// How many records were added.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// How many entries per key and day it holds (series days, party days, import days): what
    /// its memory grows with.
    pub fn entries(&self) -> usize {
        self.series.values().map(BTreeMap::len).sum::<usize>()
            + self.parties.values().map(BTreeSet::len).sum::<usize>()
            + self.arrivals.values().map(BTreeMap::len).sum::<usize>()
    }

    /// The sum of a series over the days `from..=through`.
    pub fn sum(&self, series: &Series, from: NaiveDate, through: NaiveDate) -> Sum {
        let mut total = Sum::default();
        if from > through {
            return total;
        }
        if let Some(days) = self.series.get(series) {
            for (_, sum) in days.range(from..=through) {
                total.add(sum);
            }
        }
        total
    }

    /// The first day on or before `through` a party was seen in a role.
    pub(crate) fn first_seen(
        &self,
        role: PartyField,
        name: &str,
        through: NaiveDate,
    ) -> Option<NaiveDate> {
        let days = self.parties.get(&(role, name.to_owned()))?;
        days.first().copied().filter(|d| *d <= through)
    }

    /// The latest day in `from..=through` with imports for the key, and those imports.
    pub fn latest_arrival(
        &self,
        key: &ArrivalKey,
        from: NaiveDate,
        through: NaiveDate,
    ) -> Option<(NaiveDate, &Arrival)> {
        if from > through {
            return None;
        }
        let days = self.arrivals.get(key)?;
        days.range(from..=through).next_back().map(|(d, a)| (*d, a))
    }

    /// The days in `from..=through` with imports for the key.
    pub fn arrivals_in(
        &self,
        key: &ArrivalKey,
        from: NaiveDate,
        through: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, &Arrival)> {
        self.arrivals
            .get(key)
            .filter(|_| from <= through)
            .into_iter()
            .flat_map(move |days| days.range(from..=through).map(|(d, a)| (*d, a)))
    }

    /// Every series with its days, for stores that write them out.
    pub fn series(&self) -> impl Iterator<Item = (&Series, &BTreeMap<NaiveDate, Sum>)> {
        self.series.iter()
    }

    /// Every party sighting: role (`consignor`, `consignee` or `end_user`), name, days.
    pub fn parties(&self) -> impl Iterator<Item = (Field, &str, &BTreeSet<NaiveDate>)> {
        self.parties
            .iter()
            .map(|((role, name), days)| (role.field(), name.as_str(), days))
    }

    /// Every import key with its days.
    pub fn arrivals(&self) -> impl Iterator<Item = (&ArrivalKey, &BTreeMap<NaiveDate, Arrival>)> {
        self.arrivals.iter()
    }
}

/// A party's name as history compares it: lower case, without white space.
pub(crate) fn party_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn series(rule: &str) -> Series {
        Series {
            rule: rule.into(),
            key: Key {
                hs: Some("845011".into()),
                ..Key::default()
            },
            unit: "USD".into(),
        }
    }

    fn facts(date: &str, amount: i64, party: &str, import_id: Option<&str>) -> Facts {
        Facts {
            date: day(date),
            series: vec![(series("r"), Decimal::from(amount))],
            parties: vec![(PartyField::Consignee, party_key(party))],
            arrival: import_id.map(|id| {
                (
                    ArrivalKey {
                        country: "KZ".parse().unwrap(),
                        consignee: party_key(party),
                        hs6: "845011".into(),
                    },
                    Arrival {
                        count: 1,
                        id: id.into(),
                        ghost: None,
                    },
                )
            }),
        }
    }

    #[test]
    fn sums_cover_exactly_the_days_asked() {
        let mut a = Aggregates::new();
        a.add(&facts("2022-03-01", 10, "A", None));
        a.add(&facts("2022-03-02", 20, "A", None));
        a.add(&facts("2022-03-31", 40, "B", None));
        let s = series("r");
        assert_eq!(
            a.sum(&s, day("2022-03-01"), day("2022-03-31")).amount,
            70.into()
        );
        assert_eq!(
            a.sum(&s, day("2022-03-02"), day("2022-03-30")).amount,
            20.into()
        );
        assert_eq!(a.sum(&s, day("2022-03-02"), day("2022-03-30")).count, 1);
        assert_eq!(
            a.sum(&s, day("2022-04-01"), day("2022-03-01")),
            Sum::default()
        );
        assert_eq!(
            a.sum(&series("other"), day("2022-01-01"), day("2022-12-31"))
                .count,
            0
        );
        assert_eq!(
            a.first_seen(PartyField::Consignee, "b", day("2022-03-30")),
            None
        );
        assert_eq!(
            a.first_seen(PartyField::Consignee, "b", day("2022-03-31")),
            Some(day("2022-03-31"))
        );
        assert_eq!(a.records(), 3);
        assert_eq!(a.entries(), 3 + 3);
    }

    #[test]
    fn merging_partitions_equals_one_pass_in_any_order() {
        let all = [
            facts("2022-03-01", 10, "A", Some("I-9")),
            facts("2022-03-01", 5, "B", Some("I-2")),
            facts("2022-02-01", 7, "A", Some("I-5")),
            facts("2022-03-01", 1, "A", Some("I-1")),
        ];
        let mut one = Aggregates::new();
        for f in &all {
            one.add(f);
        }
        let (mut left, mut right) = (Aggregates::new(), Aggregates::new());
        for (i, f) in all.iter().enumerate() {
            if i % 2 == 0 { &mut left } else { &mut right }.add(f);
        }
        let mut merged = right.clone();
        merged.merge(&left);
        assert_eq!(merged, one);
        left.merge(&right);
        assert_eq!(left, one);
        // The import named is the one with the smallest id, whatever the order.
        let key = ArrivalKey {
            country: "KZ".parse().unwrap(),
            consignee: "a".into(),
            hs6: "845011".into(),
        };
        let (d, arrival) = one
            .latest_arrival(&key, day("2022-01-01"), day("2022-03-31"))
            .unwrap();
        assert_eq!(
            (d, arrival.id.as_str(), arrival.count),
            (day("2022-03-01"), "I-1", 2)
        );
        let (d, arrival) = one
            .latest_arrival(&key, day("2022-01-01"), day("2022-02-28"))
            .unwrap();
        assert_eq!((d, arrival.id.as_str()), (day("2022-02-01"), "I-5"));
    }

    #[test]
    fn an_overflowing_sum_is_kept_as_unknown() {
        let mut sum = Sum::of(Decimal::MAX);
        sum.add(&Sum::of(Decimal::ONE));
        assert!(sum.overflowed);
        assert_eq!(sum.count, 2);
        let mut other = Sum::of(Decimal::ONE);
        other.add(&sum);
        assert!(other.overflowed, "an overflow absorbs what it is added to");
    }

    #[test]
    fn party_names_compare_without_case_and_spaces() {
        assert_eq!(party_key("Steppe  Trade LLP"), party_key("steppetrade llp"));
        assert_eq!(party_key("ТОО Ромашка"), "тооромашка");
    }
}

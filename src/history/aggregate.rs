//! History as mergeable aggregates: per key and day, sums per currency or unit with counts,
//! the days each party was seen in each role, and the imports each consignee received.
//!
//! Nothing here keeps a record: the state grows with the number of distinct keys and days, not
//! with the number of records. Two aggregates [`merge`](Aggregates::merge) into the one a
//! single pass over both inputs gives, whatever the split and the order (sums add, sets unite,
//! the import kept for a day is the one with the smallest id), so partitions computed apart
//! combine exactly.

use std::collections::BTreeMap;

use foldhash::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::country::CountryCode;
use crate::rule::PartyField;
use crate::shipment::Field;
use crate::verdict::because::Key;

/// The prefix of the series that hold what records drew on a licence (`#licence/` and the
/// licence number, see [`crate::licences`]): no rule id starts with `#`, so these never meet a
/// rule's series.
pub const DRAWN_PREFIX: &str = "#licence/";

/// One series: what a rule sums, for one key, in one currency or unit.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Series {
    /// The rule's id.
    pub rule: Arc<str>,
    /// The key.
    pub key: Key,
    /// The currency (upper case) or unit (lower case) summed.
    pub unit: Arc<str>,
}

/// A sum of amounts and how many records gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
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
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct ArrivalKey {
    /// The destination of the import.
    pub country: CountryCode,
    /// Its consignee, as history compares names.
    pub consignee: String,
    /// The HS subheading (six digits).
    pub hs6: String,
}

/// The imports of one day for one [`ArrivalKey`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Arrival {
    /// How many.
    pub count: u64,
    /// The smallest record id among them (the one explanations name).
    pub id: String,
    /// The import with the smallest id among those that named an end user other than the
    /// consignee (the "ghost trade" pattern): its id and end user (of two with one id, the
    /// smaller end user, so that merging in any order keeps the same one).
    pub ghost: Option<(String, String)>,
}

impl Arrival {
    fn add(&mut self, other: &Arrival) {
        self.count = self.count.saturating_add(other.count);
        if other.id < self.id {
            self.id.clone_from(&other.id);
        }
        keep_smaller_ghost(&mut self.ghost, other.ghost.as_ref());
    }
}

/// Keeps in `mine` the smaller of two ghost imports, by id and then end user: merging keeps
/// the same one in any order (partitions merged, days summed).
pub(crate) fn keep_smaller_ghost(
    mine: &mut Option<(String, String)>,
    other: Option<&(String, String)>,
) {
    if let Some(g) = other
        && mine.as_ref().is_none_or(|m| g < m)
    {
        *mine = Some(g.clone());
    }
}

/// The contribution of one record to history, as the engine computes it from its rules
/// ([`Engine::facts`](crate::Engine::facts)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub(crate) date: NaiveDate,
    pub(crate) series: smallvec::SmallVec<[(Series, Decimal); 2]>,
    pub(crate) parties: smallvec::SmallVec<[(PartyField, String); 1]>,
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

/// History as aggregates per key and day. Two of them merge exactly into what one
/// pass over both inputs gives: sums add, first days take the earlier, and the import named for a
/// day is the one with the smallest id.
///
/// They serialise (serde) to their entries by day, sorted, so one state gives one text
/// whatever the order it was built in; partitions computed on other machines travel so and
/// [`merge`](Aggregates::merge) where they meet. The form carries a version
/// ([`Aggregates::WIRE_VERSION`]); another is refused when read. Aggregates only mean
/// something under the rules that computed them: whoever sends them sends the rule book's
/// digest beside them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aggregates {
    series: HashMap<Series, Days>,
    /// The first day each party was seen, per role (indexed by [`role_index`]): all a
    /// first-seen test needs, since the first day on or before any date is the first day, if
    /// it is on or before it.
    parties: HashMap<String, [Option<NaiveDate>; 3]>,
    arrivals: HashMap<ArrivalKey, BTreeMap<NaiveDate, Arrival>>,
    records: u64,
}

/// The serialised form of [`Aggregates`]: the entries by day, sorted.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    version: u32,
    records: u64,
    series: Vec<(Series, Vec<(NaiveDate, Sum)>)>,
    parties: Vec<(String, [Option<NaiveDate>; 3])>,
    arrivals: Vec<(ArrivalKey, Vec<(NaiveDate, Arrival)>)>,
}

impl serde::Serialize for Aggregates {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut series: Vec<(Series, Vec<(NaiveDate, Sum)>)> = self
            .series
            .iter()
            .map(|(s, d)| (s.clone(), d.days.iter().map(|(k, v)| (*k, *v)).collect()))
            .collect();
        series.sort_by(|a, b| a.0.cmp(&b.0));
        let mut parties: Vec<(String, [Option<NaiveDate>; 3])> =
            self.parties.iter().map(|(n, r)| (n.clone(), *r)).collect();
        parties.sort();
        let mut arrivals: Vec<(ArrivalKey, Vec<(NaiveDate, Arrival)>)> = self
            .arrivals
            .iter()
            .map(|(k, d)| (k.clone(), d.iter().map(|(k, v)| (*k, v.clone())).collect()))
            .collect();
        arrivals.sort_by(|a, b| a.0.cmp(&b.0));
        let wire = Wire {
            version: Aggregates::WIRE_VERSION,
            records: self.records,
            series,
            parties,
            arrivals,
        };
        serde::Serialize::serialize(&wire, serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Aggregates {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = <Wire as serde::Deserialize>::deserialize(deserializer)?;
        if wire.version != Aggregates::WIRE_VERSION {
            return Err(serde::de::Error::custom(format!(
                "aggregates of version {}, this build reads version {}",
                wire.version,
                Aggregates::WIRE_VERSION
            )));
        }
        let mut out = Aggregates::new();
        for (series, days) in &wire.series {
            for (day, sum) in days {
                out.add_sum_day(series, *day, sum);
            }
        }
        for (name, roles) in &wire.parties {
            for (role, first) in ROLES.iter().zip(roles) {
                if let Some(day) = first {
                    out.add_party_day(*role, name, *day);
                }
            }
        }
        for (key, days) in &wire.arrivals {
            for (day, arrival) in days {
                out.add_arrival_day(key, *day, arrival);
            }
        }
        out.records = wire.records;
        Ok(out)
    }
}

impl Aggregates {
    /// The version of the serialised form.
    pub const WIRE_VERSION: u32 = 1;

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

    /// Adds one record's facts to the days alone, without the month and year totals: for an
    /// aggregate only ever summed one day at a time (a replay's same-day part), whose
    /// [`sum`](Aggregates::sum) over a single day reads the days alone.
    pub(crate) fn add_days_only(&mut self, facts: &Facts) {
        self.records = self.records.saturating_add(1);
        for (series, amount) in &facts.series {
            let days = match self.series.get_mut(series) {
                Some(days) => days,
                None => self.series.entry(series.clone()).or_default(),
            };
            days.days
                .entry(facts.date)
                .or_default()
                .add(&Sum::of(*amount));
        }
        for (role, name) in &facts.parties {
            self.add_party_day(*role, name, facts.date);
        }
        if let Some((key, arrival)) = &facts.arrival {
            self.add_arrival_day(key, facts.date, arrival);
        }
    }

    /// What records drew on licences alone (the series of [`DRAWN_PREFIX`]).
    pub(crate) fn draws_only(&self) -> Aggregates {
        Aggregates {
            series: self
                .series
                .iter()
                .filter(|(s, _)| s.rule.starts_with(DRAWN_PREFIX))
                .map(|(s, d)| (s.clone(), d.clone()))
                .collect(),
            ..Aggregates::default()
        }
    }

    /// Adds what one record drew on a licence, counting no record.
    pub(crate) fn add_draw(&mut self, series: &Series, day: NaiveDate, amount: Decimal) {
        self.add_sum_day(series, day, &Sum::of(amount));
    }

    pub(crate) fn add_sum_day(&mut self, series: &Series, day: NaiveDate, sum: &Sum) {
        let days = match self.series.get_mut(series) {
            Some(days) => days,
            None => self.series.entry(series.clone()).or_default(),
        };
        days.add(day, sum);
    }

    pub(crate) fn add_party_day(&mut self, role: PartyField, name: &str, day: NaiveDate) {
        let roles = match self.parties.get_mut(name) {
            Some(roles) => roles,
            None => self.parties.entry(name.to_owned()).or_default(),
        };
        if let Some(first) = roles.get_mut(role_index(role)) {
            *first = Some(first.map_or(day, |f| f.min(day)));
        }
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
            for (day, sum) in &days.days {
                self.add_sum_day(series, *day, sum);
            }
        }
        for (name, roles) in &other.parties {
            for (role, first) in ROLES.iter().zip(roles) {
                if let Some(day) = first {
                    self.add_party_day(*role, name, *day);
                }
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
        self.series.values().map(|d| d.days.len()).sum::<usize>()
            + self
                .parties
                .values()
                .map(|roles| roles.iter().flatten().count())
                .sum::<usize>()
            + self.arrivals.values().map(BTreeMap::len).sum::<usize>()
    }

    /// The sum of a series over the days `from..=through`: whole years and months from their
    /// totals, the days at either end one by one.
    pub fn sum(&self, series: &Series, from: NaiveDate, through: NaiveDate) -> Sum {
        match self.series.get(series) {
            Some(days) => days.sum(from, through),
            None => Sum::default(),
        }
    }

    /// The first day on or before `through` a party was seen in a role.
    pub(crate) fn first_seen(
        &self,
        role: PartyField,
        name: &str,
        through: NaiveDate,
    ) -> Option<NaiveDate> {
        let roles = self.parties.get(name)?;
        roles
            .get(role_index(role))
            .copied()
            .flatten()
            .filter(|d| *d <= through)
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
        self.series.iter().map(|(s, d)| (s, &d.days))
    }

    /// Every party with the first day it was seen in a role (`consignor`, `consignee` or
    /// `end_user`).
    pub fn parties(&self) -> impl Iterator<Item = (Field, &str, NaiveDate)> {
        self.parties.iter().flat_map(|(name, roles)| {
            ROLES
                .iter()
                .zip(roles)
                .filter_map(move |(role, first)| Some((role.field(), name.as_str(), (*first)?)))
        })
    }

    /// Every import key with its days.
    pub fn arrivals(&self) -> impl Iterator<Item = (&ArrivalKey, &BTreeMap<NaiveDate, Arrival>)> {
        self.arrivals.iter()
    }
}

/// The roles history keeps sightings in, in the order of [`role_index`].
const ROLES: [PartyField; 3] = [
    PartyField::Consignor,
    PartyField::Consignee,
    PartyField::EndUser,
];

fn role_index(role: PartyField) -> usize {
    match role {
        PartyField::Consignor => 0,
        PartyField::Consignee => 1,
        PartyField::EndUser => 2,
    }
}

/// One series' sums per day, with the totals of its months and years kept beside them so that
/// a sum over a long range adds a few totals instead of every day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Days {
    days: BTreeMap<NaiveDate, Sum>,
    months: BTreeMap<(i32, u32), Sum>,
    years: BTreeMap<i32, Sum>,
}

impl Days {
    fn add(&mut self, day: NaiveDate, sum: &Sum) {
        self.days.entry(day).or_default().add(sum);
        self.months
            .entry((day.year(), day.month()))
            .or_default()
            .add(sum);
        self.years.entry(day.year()).or_default().add(sum);
    }

    fn sum(&self, from: NaiveDate, through: NaiveDate) -> Sum {
        let mut total = Sum::default();
        let mut d = from;
        while d <= through {
            let year_end = NaiveDate::from_ymd_opt(d.year(), 12, 31);
            if d.ordinal() == 1
                && let Some(end) = year_end.filter(|e| *e <= through)
            {
                if let Some(sum) = self.years.get(&d.year()) {
                    total.add(sum);
                }
                match end.succ_opt() {
                    Some(next) => d = next,
                    None => break,
                }
                continue;
            }
            let month_end = last_of_month(d);
            if d.day() == 1 && month_end <= through {
                if let Some(sum) = self.months.get(&(d.year(), d.month())) {
                    total.add(sum);
                }
            } else {
                for (_, sum) in self.days.range(d..=month_end.min(through)) {
                    total.add(sum);
                }
            }
            match month_end.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
        }
        total
    }
}

/// The last day of `d`'s month.
fn last_of_month(d: NaiveDate) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(1))
        .and_then(|n| n.with_day(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// A party's name as history compares it: lower case, without white space.
pub(crate) fn party_key(name: &str) -> String {
    if name.is_ascii() {
        let mut key = String::with_capacity(name.len());
        for b in name.bytes().filter(|b| !b.is_ascii_whitespace()) {
            key.push(char::from(b.to_ascii_lowercase()));
        }
        return key;
    }
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
                hs: Some("845011".parse().unwrap()),
                ..Key::default()
            },
            unit: "USD".into(),
        }
    }

    #[test]
    fn the_serialised_form_reads_back_and_refuses_another_version() {
        let mut a = Aggregates::new();
        a.add(&facts("2022-08-03", 60_000, "Astana Trade", Some("IM-1")));
        a.add(&facts("2022-09-01", 5, "Other LLP", None));
        let text = serde_json::to_string(&a).unwrap();
        let back: Aggregates = serde_json::from_str(&text).unwrap();
        assert_eq!(back, a);
        // Months and years are rebuilt from the days: sums over them read the same.
        let s = series("r");
        assert_eq!(
            back.sum(&s, day("2022-08-01"), day("2022-12-31")),
            a.sum(&s, day("2022-08-01"), day("2022-12-31"))
        );
        let other = text.replacen("\"version\":1", "\"version\":2", 1);
        let error = serde_json::from_str::<Aggregates>(&other).unwrap_err();
        assert!(error.to_string().contains("version 2"), "{error}");
    }

    fn facts(date: &str, amount: i64, party: &str, import_id: Option<&str>) -> Facts {
        Facts {
            date: day(date),
            series: smallvec::smallvec![(series("r"), Decimal::from(amount))],
            parties: smallvec::smallvec![(PartyField::Consignee, party_key(party))],
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
        assert_eq!(
            a.entries(),
            3 + 2,
            "three days of the series, the first day of two parties"
        );
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
    fn range_sums_from_month_and_year_totals_equal_day_by_day_sums() {
        let mut days = Days::default();
        let mut plain: BTreeMap<NaiveDate, Sum> = BTreeMap::new();
        let start = day("2020-11-03");
        for i in 0..900u64 {
            if i % 3 == 0 || i % 7 == 0 {
                let d = start + chrono::Days::new(i);
                let s = Sum::of(Decimal::from(i));
                days.add(d, &s);
                plain.entry(d).or_default().add(&s);
            }
        }
        let naive = |from: NaiveDate, through: NaiveDate| {
            let mut t = Sum::default();
            if from > through {
                return t;
            }
            for (_, s) in plain.range(from..=through) {
                t.add(s);
            }
            t
        };
        for (from, through) in [
            ("2021-01-01", "2021-12-31"),
            ("2021-01-01", "2022-03-15"),
            ("2020-12-31", "2022-01-01"),
            ("2021-02-01", "2021-02-28"),
            ("2021-02-02", "2021-02-28"),
            ("2021-03-05", "2021-03-04"),
            ("2020-01-01", "2023-12-31"),
            ("2022-12-01", "2022-12-31"),
        ] {
            assert_eq!(
                days.sum(day(from), day(through)),
                naive(day(from), day(through)),
                "{from}..={through}"
            );
        }
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
    fn entries_count_the_days_of_series_parties_and_imports() {
        let mut a = Aggregates::new();
        a.add(&facts("2022-08-03", 1, "A", Some("IM-1")));
        a.add(&facts("2022-08-03", 2, "B", None));
        a.add(&facts("2022-08-04", 3, "A", Some("IM-2")));
        // Series: 2 days; parties: A and B, one role each; imports of A: 2 days.
        assert_eq!(a.entries(), 6);
        assert_eq!(a.records(), 3);
    }

    #[test]
    fn facts_say_their_date_and_whether_they_add_anything() {
        let f = facts("2022-08-03", 1, "A", None);
        assert_eq!(f.date(), day("2022-08-03"));
        assert!(!f.is_empty());
        let mut empty = f.clone();
        empty.series.clear();
        empty.parties.clear();
        assert!(empty.is_empty());
        // Each part alone is something to add.
        let mut series_only = f.clone();
        series_only.parties.clear();
        assert!(!series_only.is_empty());
        let mut parties_only = f.clone();
        parties_only.series.clear();
        assert!(!parties_only.is_empty());
        let mut arrival_only = facts("2022-08-03", 1, "A", Some("IM-1"));
        arrival_only.series.clear();
        arrival_only.parties.clear();
        assert!(!arrival_only.is_empty());
    }

    #[test]
    fn a_sum_added_an_overflowed_one_is_overflowed_too() {
        let mut sum = Sum::of(Decimal::ONE);
        sum.add(&Sum {
            amount: Decimal::ONE,
            count: 1,
            overflowed: true,
        });
        assert!(
            sum.overflowed,
            "the other's total is not known: neither is this one"
        );
        assert_eq!(sum.count, 2);
    }

    #[test]
    fn arrivals_keep_the_smallest_id_and_ghost_in_any_order() {
        let arrival = |count, id: &str, ghost: Option<(&str, &str)>| Arrival {
            count,
            id: id.into(),
            ghost: ghost.map(|(g, e)| (g.into(), e.into())),
        };
        let all = [
            arrival(1, "IM-B", Some(("IM-B", "Y"))),
            arrival(2, "IM-A", None),
            arrival(1, "IM-C", Some(("IM-A", "Z"))),
            arrival(1, "IM-D", Some(("IM-A", "X"))),
        ];
        for order in [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]] {
            let mut merged = all[order[0]].clone();
            for &i in &order[1..] {
                merged.add(&all[i]);
            }
            assert_eq!(merged.count, 5, "{order:?}");
            assert_eq!(merged.id, "IM-A", "{order:?}");
            assert_eq!(
                merged.ghost,
                Some(("IM-A".to_owned(), "X".to_owned())),
                "{order:?}"
            );
        }
    }

    #[test]
    fn party_names_compare_without_case_and_spaces() {
        assert_eq!(party_key("Steppe  Trade LLP"), party_key("steppetrade llp"));
        assert_eq!(party_key("ТОО Ромашка"), "тооромашка");
    }
}

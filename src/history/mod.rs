//! Trade history: what rules over earlier shipments (spikes against a baseline, quotas, new
//! parties, re-exports of recent imports) read, and the stores that keep it.
//!
//! # What "the history before a record" is
//!
//! A record is checked against every record dated earlier, the records of the same date that
//! came before it (earlier in the input, or recorded earlier), and itself. Verdicts therefore
//! do not depend on the order of the input, except among records of the same date.
//!
//! - Embedded: keep a [`History`], check each shipment against it
//!   ([`Engine::check_against`](crate::Engine::check_against)), then record it
//!   ([`Engine::record`](crate::Engine::record)). In SQLite, with feature `sqlite`:
//!   `export_control::sqlite::SqliteHistory`. Records dated after the one checked are not seen, even if
//!   they were recorded first.
//! - Audits: build the history of the whole input first (record each record, in any order),
//!   then check the records in input order through a [`Replay`]
//!   ([`Engine::replay`](crate::Engine::replay)), which
//!   sees the earlier dates in full and the record's own date as far as the input has come.
//!   The verdicts are those of recording the input sorted by date (a stable sort) into a
//!   `History` one record at a time.
//!
//! State is kept as mergeable [`Aggregates`] per key and day, never as records, so
//! partitions computed apart combine into the same state ([`Aggregates::merge`]).
//! Baselines come from the records or from [`Statistics`] files; a statistics file wins where
//! both give one (it is the wider count), and the reason says which.
//!
//! ```
//! use export_control::history::History;
//! use export_control::{Decision, Engine, Shipment};
//!
//! let engine = Engine::from_path("rules")?;
//! let mut history = History::new();
//! let mut s = Shipment::new("W-1", "2022-08-03".parse()?, "845011".parse()?, "KZ".parse()?, "RU".parse()?);
//! s.value = Some("60000".parse()?);
//! s.currency = Some("USD".into());
//! // No washing machines went to Russia in 2021 (the statistics file in `rules/`): USD 60,000
//! // in a month is a spike.
//! let verdict = engine.check_against(&s, &history);
//! let spike = verdict.matches.iter().find(|m| m.rule == "kz-spike-to-eaeu").unwrap();
//! println!("{spike}"); // ... 60000 USD from 2022-08-01 to 2022-08-03 ... against a baseline of 0 USD ...
//! engine.record(&mut history, &s);
//! assert_eq!(history.aggregates().records(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod aggregate;
mod baseline;
mod evaluate;

pub use crate::source::STATISTICS_SUFFIX;
pub use crate::verdict::because::Key;
pub use aggregate::{Aggregates, Arrival, ArrivalKey, DRAWN_PREFIX, Facts, Series, Sum};
pub use baseline::Statistics;

pub(crate) use aggregate::party_key;
pub(crate) use evaluate::{evaluate, key_of, measured, party};

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use crate::rule::PartyField;
use crate::rule::history::Measure;
use crate::shipment::Shipment;
use crate::verdict::because::ImportRef;

/// What a check reads of history: the aggregates of the records before it, and statistics
/// files beyond those of the rule book.
#[derive(Debug, Clone, Copy, Default)]
pub struct View<'a> {
    history: Option<&'a Aggregates>,
    /// In a replay: the record's own date is read from here (what the input has given of it so
    /// far), earlier dates from `history`.
    same_day: Option<&'a Aggregates>,
    /// The date of the record checked.
    date: Option<NaiveDate>,
    statistics: &'a [Statistics],
    book_statistics: &'a [Statistics],
    /// Records added since `history` was taken and not yet in it (a batch being recorded): their
    /// sums count too.
    pending: Option<&'a Aggregates>,
}

impl<'a> View<'a> {
    /// No history: a record is checked against itself alone (and the rule book's statistics).
    pub fn empty() -> View<'static> {
        View::default()
    }

    /// The history held in `aggregates`.
    pub fn of(aggregates: &'a Aggregates) -> View<'a> {
        View {
            history: Some(aggregates),
            ..View::default()
        }
    }

    /// Also reads baselines from these statistics files (after the rule book's own).
    pub fn with_statistics(mut self, statistics: &'a [Statistics]) -> View<'a> {
        self.statistics = statistics;
        self
    }

    /// Also counts the sums of `pending`: records of a batch being recorded, not yet in the
    /// history (see `SqliteHistory::record_batch`).
    pub fn with_pending(mut self, pending: &'a Aggregates) -> View<'a> {
        self.pending = Some(pending);
        self
    }

    /// The view as the engine reads it for `s`.
    pub(crate) fn for_record(mut self, s: &Shipment, book: &'a [Statistics]) -> View<'a> {
        self.date = Some(s.date);
        self.book_statistics = book;
        self
    }

    fn date(&self) -> NaiveDate {
        self.date.unwrap_or(NaiveDate::MAX)
    }

    /// The sum of a series over `from..=through` (never past the record's date).
    pub(crate) fn sum(&self, series: &Series, from: NaiveDate, through: NaiveDate) -> Sum {
        let date = self.date();
        let through = through.min(date);
        let mut sum = match (self.history, self.same_day) {
            (None, _) => Sum::default(),
            (Some(history), None) => history.sum(series, from, through),
            (Some(history), Some(same_day)) => {
                let mut sum = history.sum(series, from, through.min(before(date)));
                if through == date {
                    sum.add(&same_day.sum(series, date, date));
                }
                sum
            }
        };
        if let Some(pending) = self.pending {
            sum.add(&pending.sum(series, from, through));
        }
        sum
    }

    /// The first day on or before the record's date a party was seen in a role.
    pub(crate) fn first_seen(&self, role: PartyField, name: &str) -> Option<NaiveDate> {
        let date = self.date();
        let history = self.history?;
        match self.same_day {
            None => history.first_seen(role, name, date),
            Some(same_day) => history
                .first_seen(role, name, before(date))
                .or_else(|| same_day.first_seen(role, name, date)),
        }
    }

    /// The latest import for the key in `from..=` the record's date, with the ghost import of
    /// the window, if any.
    pub(crate) fn import_within(&self, key: &ArrivalKey, from: NaiveDate) -> Option<ImportRef> {
        let date = self.date();
        let history = self.history?;
        // The record's own date first (the latest), then the dates before it.
        let parts: [Option<(&Aggregates, NaiveDate, NaiveDate)>; 2] = match self.same_day {
            None => [Some((history, from, date)), None],
            Some(same_day) => [
                Some((same_day, date.max(from), date)),
                Some((history, from, before(date))),
            ],
        };
        let mut latest: Option<(NaiveDate, &Arrival)> = None;
        let mut ghost: Option<(String, String)> = None;
        for (aggregates, from, through) in parts.into_iter().flatten() {
            if latest.is_none() {
                latest = aggregates.latest_arrival(key, from, through);
            }
            for (_, arrival) in aggregates.arrivals_in(key, from, through) {
                aggregate::keep_smaller_ghost(&mut ghost, arrival.ghost.as_ref());
            }
        }
        let (date, arrival) = latest?;
        Some(ImportRef {
            id: arrival.id.clone(),
            date,
            count: arrival.count,
            ghost,
        })
    }

    /// A key's total in a year from the first statistics file that has one.
    pub(crate) fn statistics_total(
        &self,
        key: &Key,
        measure: &Measure,
        year: i32,
    ) -> Option<(Decimal, String)> {
        self.book_statistics
            .iter()
            .chain(self.statistics)
            .find_map(|stats| Some((stats.total(key, measure, year)?, stats.name().to_owned())))
    }
}

/// The day before, or the day itself at the start of the calendar.
fn before(date: NaiveDate) -> NaiveDate {
    date.checked_sub_days(Days::new(1)).unwrap_or(date)
}

/// History kept in memory: the aggregates of the records recorded so far.
#[derive(Debug, Clone, Default)]
pub struct History {
    aggregates: Aggregates,
    statistics: Vec<Statistics>,
}

impl History {
    /// An empty history.
    pub fn new() -> History {
        History::default()
    }

    /// A history holding these aggregates (computed elsewhere, or merged from partitions).
    pub fn from_aggregates(aggregates: Aggregates) -> History {
        History {
            aggregates,
            statistics: Vec::new(),
        }
    }

    /// Adds statistics files beyond those of the rule book (`--baseline`).
    pub fn add_statistics(&mut self, statistics: Statistics) {
        self.statistics.push(statistics);
    }

    /// Adds one record's facts ([`Engine::facts`](crate::Engine::facts)); see also
    /// [`Engine::record`](crate::Engine::record).
    pub fn add(&mut self, facts: &Facts) {
        self.aggregates.add(facts);
    }

    /// Adds aggregates computed elsewhere (a partition, a stored history).
    pub fn merge(&mut self, aggregates: &Aggregates) {
        self.aggregates.merge(aggregates);
    }

    /// What a check reads.
    pub fn view(&self) -> View<'_> {
        View::of(&self.aggregates).with_statistics(&self.statistics)
    }

    /// The aggregates.
    pub fn aggregates(&self) -> &Aggregates {
        &self.aggregates
    }

    /// The extra statistics files.
    pub fn statistics(&self) -> &[Statistics] {
        &self.statistics
    }
}

/// Checks records in input order against the aggregates of the whole input, built first: each
/// record sees the dates before its own in full and its own date as far as the input has come
/// (see the [module](self)).
#[derive(Debug)]
pub struct Replay<'a> {
    full: &'a History,
    same_day: Aggregates,
}

impl<'a> Replay<'a> {
    /// A replay over the history of the whole input.
    pub fn new(full: &'a History) -> Replay<'a> {
        Replay::after(full, Aggregates::new())
    }

    /// A replay of an input that comes after the records of `earlier` (a stored history):
    /// those count as before every record of the input, on their own dates too. `full` holds
    /// them and the whole input.
    pub fn after(full: &'a History, earlier: Aggregates) -> Replay<'a> {
        Replay {
            full,
            same_day: earlier,
        }
    }

    /// What the next record of the input reads: the dates before its own in full, its own date
    /// as far as the input has come. Check the record against it, then [`add`](Replay::add)
    /// its facts (as [`Engine::replay`](crate::Engine::replay) does).
    pub fn view(&self) -> View<'_> {
        View {
            same_day: Some(&self.same_day),
            ..self.full.view()
        }
    }

    /// Adds the facts of the record just checked.
    pub fn add(&mut self, facts: &Facts) {
        // The same-day part is read one day at a time: its days suffice.
        self.same_day.add_days_only(facts);
    }
}

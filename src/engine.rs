//! The engine: a rule book compiled for checking, and the check itself.
//!
//! [`Engine::new`] compiles once: each rule's effective window (its own inside its rule set's),
//! the exporting country it is limited to (its rule set's jurisdiction, unless the rule set
//! applies to any exporter) and the HS-prefix index. A check is then a pure function of the
//! record and the compiled rules; the engine is `Send + Sync` and holds no global state.
//!
//! Every entry point runs the same evaluation ([`eval`](crate::eval)): [`Engine::check`] and
//! [`Engine::check_with`] with the reasons, [`Engine::decide`] and [`Engine::decide_with`]
//! without them; batches and iterators call the same code per record.

use std::borrow::Cow;
use std::ops::Range;

use chrono::NaiveDate;

use crate::country::CountryCode;
use crate::error::LoadError;
use crate::eval::{self, NoReasons, Notes, Sink, Truth};
use crate::history::{self, Arrival, ArrivalKey, Facts, History, Replay, Series, Statistics, View};
use crate::index::HsIndex;
use crate::licences::{self, Covers, Register};
use crate::parties::{self, Screen, Screened};
use crate::program::Program;
use crate::rule::PartyField;
use crate::rule::history::HistoryKind;
use crate::rule::{Rule, RuleSet, Scope};
use crate::rulebook::Rulebook;
use crate::shipment::Shipment;
use crate::source::Digest;
use crate::verdict::because::DateField;
use crate::verdict::{Because, Decision, Outcome, RuleMatch, SourceRef, Status, Verdict};
use crate::window::Window;

/// How to check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckOptions {
    /// Take the rules in force on this date instead of the record's date.
    pub as_of: Option<NaiveDate>,
    /// Also list rules whose conditions hold but that are not in force on the date
    /// ([`Outcome::NotInForce`]); they do not change the decision.
    pub include_not_in_force: bool,
    /// Leave out the rules of rule sets with these statuses (`reported` and `draft`, say, for
    /// a verdict that rests on law in force alone): they play no part in the decision and are
    /// not listed. Empty by default: every rule set counts.
    pub exclude_statuses: Vec<Status>,
}

impl CheckOptions {
    /// Options that take the rules in force on `date`.
    pub fn as_of(date: NaiveDate) -> CheckOptions {
        CheckOptions {
            as_of: Some(date),
            ..CheckOptions::default()
        }
    }

    /// These options, leaving out the rule sets whose status is in `statuses`.
    pub fn excluding(mut self, statuses: impl IntoIterator<Item = Status>) -> CheckOptions {
        for status in statuses {
            if !self.exclude_statuses.contains(&status) {
                self.exclude_statuses.push(status);
            }
        }
        self
    }

    /// Whether a rule set of `status` plays a part.
    fn counts(&self, status: Status) -> bool {
        !self.exclude_statuses.contains(&status)
    }
}

/// A rule as compiled: what limits it before its conditions, and where its conditions'
/// operations lie. What only a match needs is in [`Cold`], apart, so that checks read little.
#[derive(Debug, Clone)]
struct Compiled {
    window: Window,
    /// Its rule set's status, for [`CheckOptions::exclude_statuses`].
    status: Status,
    exporter: Option<CountryCode>,
    verdict: Decision,
    /// Whether a licence can meet it (`license_required`).
    licensed: bool,
    /// The jurisdiction a licence that meets it is issued under (its rule set's).
    jurisdiction: CountryCode,
    when: Range<u32>,
    unless: Option<Range<u32>>,
    /// Whether it tests history (`[rule.history]`).
    history: bool,
    /// Whether it screens parties (`[rule.parties]`).
    parties: bool,
}

/// What a rule's match needs beside its decision.
#[derive(Debug, Clone)]
struct Cold {
    set: u32,
    rule: u32,
    /// The rule's citation, else its rule set's, as explanations show it.
    citation: String,
}

/// Below this many shipments a thread of [`Engine::check_batch_parallel`] costs more to start
/// than it saves.
const MIN_PER_THREAD: usize = 256;

/// A compiled rule book, ready to check shipments.
///
/// ```
/// use export_control::{Decision, Engine, Shipment};
/// let engine = Engine::from_path("rules")?;
/// let mut s = Shipment::new("S-1", "2023-11-15".parse()?, "8542.31".parse()?, "KZ".parse()?, "RU".parse()?);
/// s.origin = Some("US".parse()?);
/// assert_eq!(engine.decide(&s), Decision::LicenseRequired);
/// let verdict = engine.check(&s);
/// assert_eq!(verdict.decision, Decision::LicenseRequired);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    book: Rulebook,
    compiled: Vec<Compiled>,
    cold: Vec<Cold>,
    program: Program,
    index: HsIndex,
    /// The rules with a history test, by number.
    history_rules: Vec<u32>,
    /// The roles in which new-party rules look parties up: history keeps their sightings.
    party_roles: Vec<PartyField>,
    /// The re-export rules, by number: history keeps the imports of goods they may concern.
    reexport_rules: Vec<u32>,
    /// The rule book's statistics files.
    statistics: Vec<Statistics>,
    /// The rule book's party lists, indexed.
    screen: Screen,
    /// The lowest name score a party rule can take as a hit (its minimum, less what its
    /// country signal may raise): each party is screened once, at it.
    party_floor: f64,
    /// The licences that can meet `license_required` rules: the rule book's registers and
    /// those the caller adds.
    register: Register,
}

/// What one rule did for a record: its outcome and what it contributes.
struct Part {
    outcome: Outcome,
    effect: Decision,
    /// Where the reasons of its `unless` start among its reasons, when they are kept (the
    /// exception held or could not be told), and whether it held.
    exemption: Option<(usize, bool)>,
}

impl Engine {
    /// Compiles a rule book.
    pub fn new(book: Rulebook) -> Engine {
        let mut compiled = Vec::new();
        let mut cold = Vec::new();
        let mut program = Program::default();
        for (set_number, set) in book.rule_sets().iter().enumerate() {
            for (rule_number, rule) in set.rules().iter().enumerate() {
                let when = program.add(&rule.when, 0);
                let unless = rule.unless.as_ref().map(|u| program.add(u, 1));
                compiled.push(Compiled {
                    window: set.window().intersect(&rule.window()),
                    status: set.status(),
                    exporter: match set.scope() {
                        Scope::Jurisdiction => Some(set.jurisdiction()),
                        Scope::AnyExporter => None,
                    },
                    verdict: rule.verdict(),
                    licensed: rule.verdict() == Decision::LicenseRequired,
                    jurisdiction: set.jurisdiction(),
                    when,
                    unless,
                    history: rule.history.is_some(),
                    parties: rule.parties.is_some(),
                });
                cold.push(Cold {
                    set: u32::try_from(set_number).unwrap_or(u32::MAX),
                    rule: u32::try_from(rule_number).unwrap_or(u32::MAX),
                    citation: rule
                        .citation()
                        .map_or_else(|| set.citations().join("; "), str::to_owned),
                });
            }
        }
        compiled.shrink_to_fit();
        cold.shrink_to_fit();
        program.finish();
        let index = HsIndex::build(book.rules().map(|(_, rule)| &rule.when));
        let mut history_rules = Vec::new();
        let mut party_roles = Vec::new();
        let mut reexport_rules = Vec::new();
        for (number, (_, rule)) in book.rules().enumerate() {
            let Some(test) = &rule.history else { continue };
            let number = u32::try_from(number).unwrap_or(u32::MAX);
            history_rules.push(number);
            match test.kind {
                HistoryKind::NewParty { role, .. } if !party_roles.contains(&role) => {
                    party_roles.push(role);
                }
                HistoryKind::Reexport { .. } => reexport_rules.push(number),
                _ => {}
            }
        }
        let statistics = book.statistics().to_vec();
        let party_floor = book
            .rules()
            .filter_map(|(_, rule)| rule.parties.as_ref().map(|p| p.screened_from()))
            .fold(1.0_f64, f64::min);
        let screen = Screen::new(book.lists().to_vec());
        let register = book.register().clone();
        Engine {
            book,
            compiled,
            cold,
            program,
            index,
            history_rules,
            party_roles,
            reexport_rules,
            statistics,
            screen,
            party_floor,
            register,
        }
    }

    /// Adds a licence register beside the rule book's (a logistics system's own, an audit's
    /// `--licences`): a licence id the engine already holds is an error. The rule book's digest
    /// does not cover it.
    pub fn with_register(mut self, register: Register) -> Result<Engine, LoadError> {
        self.register.merge(register)?;
        Ok(self)
    }

    /// The licences that can meet `license_required` rules.
    pub fn register(&self) -> &Register {
        &self.register
    }

    /// Whether the record carries a licence of the register (and so may draw on one).
    pub fn may_draw(&self, shipment: &Shipment) -> bool {
        !self.register.is_empty()
            && shipment
                .licences
                .iter()
                .any(|l| self.register.get(l).is_some())
    }

    /// What the record draws on licences, against the history before it: the series of each
    /// licence it draws on (see [`crate::licences`]), with the amounts.
    pub fn draws_in(
        &self,
        shipment: &Shipment,
        history: &View<'_>,
    ) -> smallvec::SmallVec<[(Series, rust_decimal::Decimal); 2]> {
        if !self.may_draw(shipment) {
            return smallvec::SmallVec::new();
        }
        let view = history.for_record(shipment, &self.statistics);
        licences::check_all(&self.register, shipment, &view)
            .into_iter()
            .flat_map(|item| item.draws)
            .collect()
    }

    /// The rule book's party lists, indexed for screening.
    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// Loads and compiles the rule file or directory at `path` (see [`Rulebook::load`]).
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Engine, LoadError> {
        Rulebook::load(path).map(Engine::new)
    }

    /// The rule book it checks against.
    pub fn rulebook(&self) -> &Rulebook {
        &self.book
    }

    /// The digest of the rule book; every verdict carries it.
    pub fn digest(&self) -> Digest {
        self.book.digest()
    }

    /// Checks a shipment against the rules in force on its date: the decision with every
    /// reason.
    pub fn check(&self, shipment: &Shipment) -> Verdict<'_> {
        self.check_with(shipment, &CheckOptions::default())
    }

    /// Checks a shipment with options, against no history but itself (history rules see the
    /// shipment alone; see [`Engine::check_in`]).
    pub fn check_with(&self, shipment: &Shipment, options: &CheckOptions) -> Verdict<'_> {
        self.check_in(shipment, &View::empty(), options)
    }

    /// Checks a shipment against the rules and a view of the history before it (the shipment
    /// itself is counted once, by the check). See [`crate::history`] for what history means
    /// and for the stores that give a view.
    pub fn check_in(
        &self,
        shipment: &Shipment,
        history: &View<'_>,
        options: &CheckOptions,
    ) -> Verdict<'_> {
        let view = history.for_record(shipment, &self.statistics);
        let mut check = Check::new(self, shipment, options, view);
        self.index
            .for_each_candidate(&shipment.hs_code, |number| check.consider(number));
        check.finish()
    }

    /// What `shipment` adds to history under these rules: for each spike and quota rule whose
    /// `when` holds, its amount under its key; the parties new-party rules look up; the import
    /// re-export rules look for. Stores add it ([`History::record`](crate::history::History)).
    pub fn facts(&self, shipment: &Shipment) -> Facts {
        let mut facts = Facts {
            date: shipment.date,
            series: smallvec::SmallVec::new(),
            parties: smallvec::SmallVec::new(),
            arrival: None,
        };
        // Only the history rules whose HS codes the record's may meet (the index's candidates).
        let mut candidates: smallvec::SmallVec<[u32; 8]> = smallvec::SmallVec::new();
        if !self.history_rules.is_empty() {
            self.index.for_each_candidate(&shipment.hs_code, |number| {
                if self.history_rules.contains(&number) {
                    candidates.push(number);
                }
            });
        }
        for &number in &candidates {
            let (Some(compiled), Some((_, rule, _))) =
                (self.compiled.get(number as usize), self.rule(number))
            else {
                continue;
            };
            let Some((measure, by)) = rule.history.as_ref().and_then(|t| t.keeps_series()) else {
                continue;
            };
            if compiled
                .exporter
                .is_some_and(|e| !e.has_member(shipment.export_country))
            {
                continue;
            }
            let when = eval::eval(
                &self.program,
                self.program.ops(&compiled.when),
                shipment,
                &mut NoReasons,
            );
            if when != Truth::True {
                continue;
            }
            if let (Ok(amount), Ok(key)) = (
                history::measured(shipment, measure),
                history::key_of(shipment, by),
            ) {
                facts.series.push((
                    Series {
                        rule: std::sync::Arc::clone(&rule.id),
                        key,
                        unit: std::sync::Arc::clone(&measure.unit),
                    },
                    amount,
                ));
            }
        }
        for &role in &self.party_roles {
            if let Some(name) = history::party(shipment, role) {
                facts.parties.push((role, history::party_key(name)));
            }
        }
        // An import matters to a re-export rule only if its goods could meet the rule's HS
        // codes (the index's candidates for the code).
        let may_be_reexported = candidates.iter().any(|n| self.reexport_rules.contains(n));
        if may_be_reexported && let Some(consignee) = &shipment.consignee {
            let consignee = facts
                .parties
                .iter()
                .find(|(role, _)| *role == PartyField::Consignee)
                .map_or_else(|| history::party_key(consignee), |(_, key)| key.clone());
            let ghost = shipment
                .end_user
                .as_ref()
                .filter(|e| history::party_key(e) != consignee)
                .map(|e| (shipment.id.clone(), e.clone()));
            facts.arrival = Some((
                ArrivalKey {
                    country: shipment.destination,
                    consignee,
                    hs6: shipment.hs_code.subheading().to_owned(),
                },
                Arrival {
                    count: 1,
                    id: shipment.id.clone(),
                    ghost,
                },
            ));
        }
        facts
    }

    /// What the records of an input draw on licences, settled in the order of history (by
    /// date, then input order among records of a date) after those of `earlier` (a stored
    /// history): the first pass of an audit, whose input need not be sorted. Returns the
    /// draws alone, to [`merge`](crate::history::Aggregates::merge) into the input's history
    /// (they count no record). `records` gives each record with its place in the input.
    pub fn settle_draws<'a, I>(
        &self,
        earlier: &crate::history::Aggregates,
        records: I,
    ) -> crate::history::Aggregates
    where
        I: IntoIterator<Item = (u64, &'a Shipment)>,
    {
        self.settle_draws_by_part(earlier, records.into_iter().map(|(at, s)| ((0, at), s)))
            .pop()
            .unwrap_or_default()
    }

    /// [`Engine::settle_draws`] over an input in parts (a cluster's partitions), with what
    /// each part's records drew apart: `records` gives each record with its part and its place
    /// in the part, parts numbered in input order from 0. Element `p` of the result is what
    /// the records of part `p` drew (empty for a part none of whose records drew, up to the
    /// last part that drew); together they are what `settle_draws` gives for the whole input.
    pub fn settle_draws_by_part<'a, I>(
        &self,
        earlier: &crate::history::Aggregates,
        records: I,
    ) -> Vec<crate::history::Aggregates>
    where
        I: IntoIterator<Item = ((usize, u64), &'a Shipment)>,
    {
        let mut claims: Vec<((usize, u64), &Shipment)> = records
            .into_iter()
            .filter(|(_, s)| self.may_draw(s))
            .collect();
        claims.sort_by_key(|(at, s)| (s.date, *at));
        let mut ledger = earlier.draws_only();
        let mut drawn: Vec<crate::history::Aggregates> = Vec::new();
        for ((part, _), s) in claims {
            if drawn.len() <= part {
                drawn.resize_with(part + 1, crate::history::Aggregates::new);
            }
            if let Some(part) = drawn.get_mut(part) {
                self.settle_in_order(&mut ledger, part, std::iter::once(s));
            }
        }
        drawn
    }

    /// Settles claims already in the order of history against `ledger` (the draws before
    /// them, which it then holds too), adding what they draw to `drawn` as well.
    pub(crate) fn settle_in_order<'a>(
        &self,
        ledger: &mut crate::history::Aggregates,
        drawn: &mut crate::history::Aggregates,
        claims: impl IntoIterator<Item = &'a Shipment>,
    ) {
        for s in claims {
            for (series, amount) in self.draws_in(s, &View::of(ledger)) {
                ledger.add_draw(&series, s.date, amount);
                drawn.add_draw(&series, s.date, amount);
            }
        }
    }

    /// What `shipment` adds to history against the history before it: its
    /// [`facts`](Engine::facts) and what it draws on licences ([`Engine::draws_in`]).
    pub fn facts_in(&self, shipment: &Shipment, history: &View<'_>) -> Facts {
        let mut facts = self.facts(shipment);
        facts.series.extend(self.draws_in(shipment, history));
        facts
    }

    /// Checks a shipment against the rules and a history kept in memory: [`Engine::check_in`]
    /// with the history's view.
    pub fn check_against(&self, shipment: &Shipment, history: &History) -> Verdict<'_> {
        self.check_in(shipment, &history.view(), &CheckOptions::default())
    }

    /// Adds a shipment to a history: its [`facts`](Engine::facts) under these rules and what
    /// it draws on licences, against the history before it.
    pub fn record(&self, history: &mut History, shipment: &Shipment) {
        let facts = self.facts_in(shipment, &history.view());
        history.add(&facts);
    }

    /// Checks the next record of an audit's input against the history of the whole input,
    /// then adds it to the replay (see [`crate::history`]).
    pub fn replay(
        &self,
        replay: &mut Replay<'_>,
        shipment: &Shipment,
        options: &CheckOptions,
    ) -> Verdict<'_> {
        let verdict = self.check_in(shipment, &replay.view(), options);
        let facts = self.facts_in(shipment, &replay.view());
        replay.add(&facts);
        verdict
    }

    /// Whether any rule tests history.
    pub fn has_history_rules(&self) -> bool {
        !self.history_rules.is_empty()
    }

    /// The decision alone, without reasons: what [`Engine::check`] decides, for the hot path of
    /// order entry that only needs to know whether a shipment may go. Allocates nothing.
    pub fn decide(&self, shipment: &Shipment) -> Decision {
        self.decide_with(shipment, &CheckOptions::default())
    }

    /// The decision alone, with options: what [`Engine::check_with`] decides.
    pub fn decide_with(&self, shipment: &Shipment, options: &CheckOptions) -> Decision {
        self.decide_in(shipment, &View::empty(), options)
    }

    /// The decision alone, against a view of history: what [`Engine::check_in`] decides.
    pub fn decide_in(
        &self,
        shipment: &Shipment,
        history: &View<'_>,
        options: &CheckOptions,
    ) -> Decision {
        let view = history.for_record(shipment, &self.statistics);
        let date = options.as_of.unwrap_or(shipment.date);
        let mut best = Decision::Allowed;
        let mut screened = Screened::default();
        let mut covers = Covers::default();
        self.index.for_each_candidate(&shipment.hs_code, |number| {
            if best == Decision::Prohibited {
                return;
            }
            let mut context = Context {
                history: &view,
                parties: &mut screened,
                licences: &mut covers,
            };
            if let Some(part) = self.part(
                number,
                shipment,
                &mut context,
                date,
                (options, false),
                &mut NoReasons,
            ) {
                best = best.max(part.effect);
            }
        });
        best
    }

    /// Checks every rule without the index, for tests and benchmarks that compare the index
    /// against a plain scan.
    #[cfg(any(test, feature = "test-support"))]
    #[doc(hidden)]
    pub fn check_by_scan(&self, shipment: &Shipment, options: &CheckOptions) -> Verdict<'_> {
        let view = View::empty().for_record(shipment, &self.statistics);
        let mut check = Check::new(self, shipment, options, view);
        for number in 0..self.compiled.len() {
            check.consider(u32::try_from(number).unwrap_or(u32::MAX));
        }
        check.finish()
    }

    /// Checks a slice of shipments; one verdict per shipment, in order.
    pub fn check_batch(&self, shipments: &[Shipment], options: &CheckOptions) -> Vec<Verdict<'_>> {
        shipments
            .iter()
            .map(|shipment| self.check_with(shipment, options))
            .collect()
    }

    /// Checks a slice of shipments on every core: the verdicts of [`Engine::check_batch`], in
    /// the same order. Each thread checks a contiguous part; verdicts borrow the engine's texts
    /// and share no counter, so the threads do not slow each other down.
    pub fn check_batch_parallel(
        &self,
        shipments: &[Shipment],
        options: &CheckOptions,
    ) -> Vec<Verdict<'_>> {
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        if threads < 2 || shipments.len() < 2 * MIN_PER_THREAD {
            return self.check_batch(shipments, options);
        }
        let chunk = shipments.len().div_ceil(threads).max(MIN_PER_THREAD);
        std::thread::scope(|scope| {
            let mut parts = shipments.chunks(chunk);
            // The calling thread checks the first part itself.
            let first = parts.next().unwrap_or_default();
            let handles: Vec<_> = parts
                .map(|part| (part, scope.spawn(move || self.check_batch(part, options))))
                .collect();
            let mut verdicts = Vec::with_capacity(shipments.len());
            verdicts.extend(self.check_batch(first, options));
            for (part, handle) in handles {
                match handle.join() {
                    Ok(part_verdicts) => verdicts.extend(part_verdicts),
                    // A check never panics; if a thread failed anyway, redo its part here so that
                    // no record is lost.
                    Err(_) => verdicts.extend(self.check_batch(part, options)),
                }
            }
            verdicts
        })
    }

    /// Checks shipments one after the other as an iterator yields them; one verdict per
    /// shipment, in order.
    pub fn check_all<'e, 's, I>(
        &'e self,
        shipments: I,
        options: &'s CheckOptions,
    ) -> impl Iterator<Item = Verdict<'e>>
    where
        I: IntoIterator<Item = &'s Shipment>,
    {
        shipments
            .into_iter()
            .map(move |shipment| self.check_with(shipment, options))
    }

    /// Rule `number` and its rule set.
    fn rule(&self, number: u32) -> Option<(&RuleSet, &Rule, &Cold)> {
        let cold = self.cold.get(number as usize)?;
        let set = self.book.rule_sets().get(cold.set as usize)?;
        Some((set, set.rules().get(cold.rule as usize)?, cold))
    }

    /// What rule `number` does for the record, its reasons written into `sink`: `None` when it
    /// plays no part (another exporter, not in force, conditions false). The one evaluation
    /// every entry point runs.
    fn part<'e, S: Sink<'e>>(
        &'e self,
        number: u32,
        s: &Shipment,
        context: &mut Context<'_>,
        date: NaiveDate,
        (options, include_not_in_force): (&CheckOptions, bool),
        sink: &mut S,
    ) -> Option<Part> {
        let compiled = self.compiled.get(number as usize)?;
        if compiled
            .exporter
            .is_some_and(|e| !e.has_member(s.export_country))
            || !options.counts(compiled.status)
        {
            return None;
        }
        let in_force = compiled.window.contains(date);
        if !in_force && !include_not_in_force {
            return None;
        }
        let mut when = eval::eval(&self.program, self.program.ops(&compiled.when), s, sink);
        if when == Truth::False {
            return None;
        }
        if compiled.history
            && let Some(test) = self
                .rule(number)
                .and_then(|(_, rule, _)| Some((rule.history.as_ref()?, &rule.id)))
        {
            let (truth, reason) = history::evaluate(test.0, test.1, s, context.history);
            when = when.and(truth);
            if when == Truth::False {
                return None;
            }
            if let Some(reason) = reason {
                sink.reason(reason);
            }
        }
        if compiled.parties
            && let Some(test) = self
                .rule(number)
                .and_then(|(_, rule, _)| rule.parties.as_ref())
        {
            let (truth, reason) =
                parties::evaluate(test, s, &self.screen, self.party_floor, context.parties);
            when = when.and(truth);
            if when == Truth::False {
                return None;
            }
            if let Some(reason) = reason {
                sink.reason(reason);
            }
        }
        if !in_force {
            return Some(Part {
                outcome: Outcome::NotInForce,
                effect: Decision::Allowed,
                exemption: None,
            });
        }
        let mark = sink.len();
        let unless = compiled
            .unless
            .as_ref()
            .map(|u| eval::eval(&self.program, self.program.ops(u), s, sink));
        if unless == Some(Truth::False) {
            sink.truncate(mark);
        }
        let unless_shown = matches!(unless, Some(Truth::True | Truth::Unknown));
        // A licence is looked at only where it would decide: the rule holds and no exception.
        let mut licence_reasons = Vec::new();
        let licensed = match self.rule(number) {
            Some((_, rule, _))
                if compiled.licensed
                    && !unless_shown
                    && when == Truth::True
                    && !s.licences.is_empty() =>
            {
                let items = context.licences.get(&self.register, s, context.history);
                licences::meets(
                    items,
                    &self.register,
                    s,
                    compiled.jurisdiction,
                    rule.accepted_licences.as_ref(),
                    S::ACTIVE.then_some(&mut licence_reasons),
                )
            }
            _ => Truth::False,
        };
        for reason in licence_reasons {
            sink.reason(reason);
        }
        let (outcome, effect) = if when == Truth::Unknown
            || unless == Some(Truth::Unknown)
            || licensed == Truth::Unknown
        {
            (Outcome::Undetermined, Decision::Review)
        } else if unless == Some(Truth::True) {
            (Outcome::Exempted, Decision::Allowed)
        } else if licensed == Truth::True {
            (Outcome::Licensed, Decision::Allowed)
        } else {
            (Outcome::Fired, compiled.verdict)
        };
        Some(Part {
            outcome,
            effect,
            exemption: unless_shown.then_some((mark, unless == Some(Truth::True))),
        })
    }
}

/// What a rule's evaluation reads beside the record: the history before it, its parties as
/// screened so far (each party screened once per record, on first need), and its licences as
/// checked against the register (once per record, on first need).
struct Context<'v> {
    history: &'v View<'v>,
    parties: &'v mut Screened,
    licences: &'v mut Covers,
}

/// One check in progress: the record, the date, and the rules that played a part so far.
struct Check<'e, 's> {
    engine: &'e Engine,
    shipment: &'s Shipment,
    view: View<'s>,
    date: NaiveDate,
    options: &'s CheckOptions,
    decision: Decision,
    matches: Vec<RuleMatch<'e>>,
    reasons: Notes<'e>,
    screened: Screened,
    covers: Covers,
}

impl<'e, 's> Check<'e, 's> {
    fn new(
        engine: &'e Engine,
        shipment: &'s Shipment,
        options: &'s CheckOptions,
        view: View<'s>,
    ) -> Self {
        Check {
            engine,
            shipment,
            view,
            date: options.as_of.unwrap_or(shipment.date),
            options,
            decision: Decision::Allowed,
            matches: Vec::new(),
            reasons: Notes::new(),
            screened: Screened::default(),
            covers: Covers::default(),
        }
    }

    fn consider(&mut self, number: u32) {
        let engine = self.engine;
        let part = engine.part(
            number,
            self.shipment,
            &mut Context {
                history: &self.view,
                parties: &mut self.screened,
                licences: &mut self.covers,
            },
            self.date,
            (self.options, self.options.include_not_in_force),
            &mut self.reasons,
        );
        let Some(part) = part else {
            self.reasons.truncate(0);
            return;
        };
        let (Some(compiled), Some((set, rule, cold))) =
            (engine.compiled.get(number as usize), engine.rule(number))
        else {
            return;
        };
        // The exporter and the date come first; they are written only for rules that match.
        let exporter = compiled.exporter.map(|j| Because::Jurisdiction {
            value: self.shipment.export_country,
            within: j.is_eu().then_some(j),
        });
        let date = Because::InForce {
            field: if self.options.as_of.is_some() {
                DateField::AsOf
            } else {
                DateField::Date
            },
            value: self.date,
            window: compiled.window,
            inside: compiled.window.contains(self.date),
        };
        let settled: &[Because<'e>] = match &exporter {
            Some(exporter) => &[exporter.clone(), date],
            None => std::slice::from_ref(&date),
        };
        let s = self.shipment;
        let exemption = part.exemption.map(|(start, held)| Because::Exemption {
            held,
            because: self.reasons.reasons_from(start, &engine.program, rule, s),
        });
        let mut because = self
            .reasons
            .reasons_after(settled, &engine.program, rule, s);
        because.extend(exemption);
        self.decision = self.decision.max(part.effect);
        self.matches.push(RuleMatch {
            rule: Cow::Borrowed(rule.id()),
            ruleset: Cow::Borrowed(set.id()),
            version: Cow::Borrowed(set.version()),
            status: set.status(),
            decision: rule.verdict,
            outcome: part.outcome,
            title: Cow::Borrowed(rule.title()),
            citation: Cow::Borrowed(cold.citation.as_str()),
            source: SourceRef {
                file: Cow::Borrowed(rule.location().file()),
                line: rule.location().line(),
            },
            labels: Cow::Borrowed(rule.labels()),
            because,
        });
    }

    fn finish(mut self) -> Verdict<'e> {
        self.matches.sort_by(|a, b| {
            b.effect()
                .cmp(&a.effect())
                .then(b.decision.cmp(&a.decision))
                .then_with(|| a.rule.cmp(&b.rule))
        });
        let mut verdict = Verdict::allowed(self.date, self.engine.digest());
        verdict.decision = self.decision;
        verdict.matches = self.matches;
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Engine>();
        assert_send_sync::<Verdict<'static>>();
    }
}

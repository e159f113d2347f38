//! A rule's party test on one record: each party it names screened once per record (at the
//! lowest threshold of the rule book's party rules, over every list; a name screened before is
//! taken from the screen's memo), then each rule keeps the hits on its own lists, at its own
//! score, whose entry has the facts it asks for.

use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};

use super::LegalForm;
use super::list::ListEntry;
use super::memo::Screening;
use super::ofac::EntryKind;
use super::screen::{Hit, Screen};
use crate::eval::Truth;
use crate::history::party;
use crate::rule::PartyField;
use crate::rule::parties::{PartyTest, party_country};
use crate::shipment::Shipment;
use crate::verdict::Because;
use crate::verdict::because::{ListedParty, Signal};

/// The parties of one record screened so far: per role, its screening (from the screen's memo
/// when the name was screened before).
#[derive(Debug, Default)]
pub(crate) struct Screened {
    roles: [Option<Arc<Screening>>; 3],
}

fn slot(role: PartyField) -> usize {
    match role {
        PartyField::Consignor => 0,
        PartyField::Consignee => 1,
        PartyField::EndUser => 2,
    }
}

impl Screened {
    /// The screening of the record's party in `role`, on first need.
    fn of(
        &mut self,
        role: PartyField,
        name: &str,
        screen: &Screen,
        floor: f64,
    ) -> Option<&Screening> {
        let entry = self.roles.get_mut(slot(role))?;
        Some(entry.get_or_insert_with(|| screen.screening(name, floor)))
    }
}

/// Whether the entry has the facts the test asks for.
fn facts_hold(test: &PartyTest, entry: &ListEntry) -> bool {
    if let Some(after) = test.registered_on_or_after
        && entry.registered_on.is_none_or(|on| on < after)
    {
        return false;
    }
    if !test.owners_in.is_empty()
        && !entry
            .owners_countries
            .iter()
            .any(|c| test.owners_in.contains(c))
    {
        return false;
    }
    test.entry_type.is_none_or(|t| entry.kind == Some(t))
}

/// A score as reasons show it: four decimal places, cut (never rounded up past the score).
fn shown(score: f64) -> Decimal {
    cut(Decimal::from_f64_retain(score).unwrap_or_default())
}

/// A decimal score cut to four decimal places.
fn cut(score: Decimal) -> Decimal {
    four_places(score.round_dp_with_strategy(4, RoundingStrategy::ToZero))
}

/// The rule's lowest score as reasons show it: four decimal places.
fn four_places(mut score: Decimal) -> Decimal {
    score.rescale(4);
    score
}

/// What the test's signals change in a hit's score, for the party in `role` of `s` whose name
/// has `legal_form`, against `entry` (none when the test has no signals or none applies).
fn signals(
    test: &PartyTest,
    role: PartyField,
    s: &Shipment,
    legal_form: Option<LegalForm>,
    entry: &ListEntry,
) -> Vec<Signal> {
    let mut signals = Vec::new();
    if let Some(by) = test.country_signal.map(four_places)
        && let Some(country) = party_country(role, s.export_country, s.destination)
        && !entry.countries.is_empty()
    {
        signals.push(Signal::Country {
            change: if entry.countries.contains(&country) {
                by
            } else {
                -by
            },
            country,
            entry_countries: entry.countries.clone(),
        });
    }
    if let Some(by) = test.type_signal.map(four_places)
        && let Some(form) = legal_form.filter(|f| f.is_organisation())
        && let Some(kind) = entry.kind.filter(|k| *k != EntryKind::Entity)
    {
        signals.push(Signal::EntryType {
            change: -by,
            legal_form: form,
            entry_type: kind,
        });
    }
    signals
}

/// A hit as a rule sees it: its score after the rule's signals (the names' score when none
/// applied), whether that reaches the rule's minimum, and the signals.
struct Scored<'s> {
    hit: Hit<'s>,
    rank: f64,
    shown: Decimal,
    holds: bool,
    signals: Vec<Signal>,
}

fn scored<'s>(
    test: &PartyTest,
    role: PartyField,
    s: &Shipment,
    legal_form: Option<LegalForm>,
    hit: Hit<'s>,
) -> Scored<'s> {
    let signals = signals(test, role, s, legal_form, hit.entry);
    if signals.is_empty() {
        return Scored {
            rank: hit.score,
            shown: shown(hit.score),
            holds: hit.score >= test.min_score_f64,
            hit,
            signals,
        };
    }
    // In decimals, so that a name score and a signal that add up to the minimum reach it.
    let score = signals
        .iter()
        .fold(
            Decimal::from_f64_retain(hit.score).unwrap_or_default(),
            |sum, signal| sum.saturating_add(signal.change()),
        )
        .clamp(Decimal::ZERO, Decimal::ONE);
    Scored {
        rank: f64::try_from(score).unwrap_or(0.0),
        shown: cut(score),
        holds: score >= test.min_score,
        hit,
        signals,
    }
}

/// The truth of the party test for `s`, and the reason of its best hit (its score after the
/// test's signals). A record without any of the parties the test names has nothing to screen:
/// the test does not hold.
pub(crate) fn evaluate(
    test: &PartyTest,
    s: &Shipment,
    screen: &Screen,
    floor: f64,
    screened: &mut Screened,
) -> (Truth, Option<Because<'static>>) {
    let signalled = test.country_signal.is_some() || test.type_signal.is_some();
    let mut best: Option<(f64, ListedParty)> = None;
    for &role in &test.roles {
        let Some(name) = party(s, role) else {
            continue;
        };
        let Some(screening) = screened.of(role, name, screen, floor) else {
            continue;
        };
        let normalised = &screening.normalised;
        let mut candidates = screen
            .hits(screening)
            .filter(|h| test.names_list(&h.list.id) && facts_hold(test, h.entry))
            .map(|h| scored(test, role, s, normalised.legal_form, h))
            .filter(|h| h.holds);
        // Hits come best name score first: without signals the first that holds is the best;
        // with them, the best after its signals (the first of equals).
        let chosen = if signalled {
            candidates.fold(None, |best: Option<Scored<'_>>, h| match best {
                Some(b) if b.rank >= h.rank => Some(b),
                _ => Some(h),
            })
        } else {
            candidates.next()
        };
        let Some(Scored {
            hit,
            rank,
            shown: score,
            signals,
            ..
        }) = chosen
        else {
            continue;
        };
        if best.as_ref().is_some_and(|(b, _)| *b >= rank) {
            continue;
        }
        best = Some((
            rank,
            ListedParty {
                field: role.field(),
                name: name.to_owned(),
                normalised: normalised.text(),
                legal_form: normalised.legal_form,
                list: hit.list.id.to_string(),
                version: hit.list.version.to_string(),
                entry: hit.entry.id.clone(),
                matched: hit.matched.to_owned(),
                matched_normalised: hit.matched_normalised.text(),
                matched_legal_form: hit.matched_normalised.legal_form,
                score,
                min_score: four_places(test.min_score),
                registered_on: test.registered_on_or_after.and(hit.entry.registered_on),
                registered_on_or_after: test.registered_on_or_after,
                owners_countries: if test.owners_in.is_empty() {
                    Vec::new()
                } else {
                    hit.entry.owners_countries.clone()
                },
                name_score: (!signals.is_empty()).then(|| shown(hit.score)),
                signals,
            },
        ));
    }
    match best {
        Some((_, reason)) => (Truth::True, Some(Because::ListedParty(Box::new(reason)))),
        None => (Truth::False, None),
    }
}

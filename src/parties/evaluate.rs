//! A rule's party test on one record: each party it names screened once per record (at the
//! lowest threshold of the rule book's party rules, over every list; a name screened before is
//! taken from the screen's memo), then each rule keeps the hits on its own lists, at its own
//! score, whose entry has the facts it asks for.

use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};

use super::list::ListEntry;
use super::memo::Screening;
use super::screen::Screen;
use crate::eval::Truth;
use crate::history::party;
use crate::rule::PartyField;
use crate::rule::parties::PartyTest;
use crate::shipment::Shipment;
use crate::verdict::Because;
use crate::verdict::because::ListedParty;

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
    let mut shown = Decimal::from_f64_retain(score)
        .unwrap_or_default()
        .round_dp_with_strategy(4, RoundingStrategy::ToZero);
    shown.rescale(4);
    shown
}

/// The rule's lowest score as reasons show it: four decimal places.
fn four_places(mut score: Decimal) -> Decimal {
    score.rescale(4);
    score
}

/// The truth of the party test for `s`, and the reason of its best hit. A record without any
/// of the parties the test names has nothing to screen: the test does not hold.
pub(crate) fn evaluate(
    test: &PartyTest,
    s: &Shipment,
    screen: &Screen,
    floor: f64,
    screened: &mut Screened,
) -> (Truth, Option<Because<'static>>) {
    let mut best: Option<(f64, ListedParty)> = None;
    for &role in &test.roles {
        let Some(name) = party(s, role) else {
            continue;
        };
        let Some(screening) = screened.of(role, name, screen, floor) else {
            continue;
        };
        let normalised = &screening.normalised;
        let Some(hit) = screen.hits(screening).find(|h| {
            h.score >= test.min_score_f64
                && test.names_list(&h.list.id)
                && facts_hold(test, h.entry)
        }) else {
            continue;
        };
        if best.as_ref().is_some_and(|(b, _)| *b >= hit.score) {
            continue;
        }
        best = Some((
            hit.score,
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
                score: shown(hit.score),
                min_score: four_places(test.min_score),
                registered_on: test.registered_on_or_after.and(hit.entry.registered_on),
                registered_on_or_after: test.registered_on_or_after,
                owners_countries: if test.owners_in.is_empty() {
                    Vec::new()
                } else {
                    hit.entry.owners_countries.clone()
                },
            },
        ));
    }
    match best {
        Some((_, reason)) => (Truth::True, Some(Because::ListedParty(Box::new(reason)))),
        None => (Truth::False, None),
    }
}

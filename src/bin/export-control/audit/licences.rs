//! The reports' licence section: each licence of the register, and each number records carried
//! that the register does not hold: its terms, what the audit drew on it and what is left, the
//! records that drew on it, and those it did not cover with why.

use export_control::Engine;
use export_control::licences::{Licence, Limit};
use rust_decimal::Decimal;

use super::summary::{Summary, grouped};

/// One licence as the reports show it (plain text; each report escapes it its own way).
pub struct Section {
    pub id: String,
    /// Its terms in one line, or that it is not in the register.
    pub terms: String,
    /// Per limit: the limit, what the audit drew, what is left.
    pub limits: Vec<String>,
    /// The records that drew on it: id, date, what it drew and what was left.
    pub drew: Vec<[String; 3]>,
    /// The records it did not cover: id, date, why.
    pub refused: Vec<[String; 3]>,
    /// When the lists hold only the first records: how many there were in all.
    pub omitted: Option<String>,
}

/// The sections, register order first, then numbers not in the register (sorted).
pub fn sections(engine: &Engine, summary: &Summary) -> Vec<Section> {
    let register = engine.register();
    let mut out: Vec<Section> = register
        .licences()
        .iter()
        .map(|licence| section(&licence.id, Some(licence), summary))
        .collect();
    for id in summary.licences.keys() {
        if register.get(id).is_none() {
            out.push(section(id, None, summary));
        }
    }
    out
}

fn section(id: &str, licence: Option<&Licence>, summary: &Summary) -> Section {
    let usage = summary.licences.get(id);
    let terms = match licence {
        Some(l) => {
            let holder = l.holder.as_deref().map_or_else(
                || "no holder (general)".to_owned(),
                |h| format!("held by {h}"),
            );
            let goods: Vec<String> =
                l.hs.iter()
                    .map(|h| format!("HS {h}"))
                    .chain(l.control_codes.iter().map(ToString::to_string))
                    .collect();
            let destinations: Vec<String> =
                l.destinations.iter().map(ToString::to_string).collect();
            format!(
                "{} licence issued by {} ({}), {holder}, valid {} to {}; goods {}; to {}{}{}; at {}:{}",
                l.kind.as_str(),
                l.authority,
                l.jurisdiction,
                l.valid_from,
                l.valid_until,
                goods.join(", "),
                destinations.join(", "),
                l.consignee
                    .as_deref()
                    .map(|c| format!("; consignee {c}"))
                    .unwrap_or_default(),
                l.end_user
                    .as_deref()
                    .map(|c| format!("; end user {c}"))
                    .unwrap_or_default(),
                l.location.file(),
                l.location.line()
            )
        }
        None => "not in the licence register: it met no requirement".to_owned(),
    };
    let limits = licence
        .map(|l| {
            [("quantity", &l.quantity), ("value", &l.value)]
                .into_iter()
                .filter_map(|(field, limit)| {
                    limit.as_ref().map(|limit| limit_line(field, limit, usage))
                })
                .collect()
        })
        .unwrap_or_default();
    let drew = usage
        .map(|u| {
            u.drew
                .iter()
                .map(|(record, date, balances)| {
                    let parts: Vec<String> = balances
                        .iter()
                        .map(|b| {
                            format!(
                                "{} {} ({} left)",
                                grouped(b.amount),
                                b.unit,
                                grouped(b.remaining)
                            )
                        })
                        .collect();
                    let drawn = if parts.is_empty() {
                        "no limit to draw on".to_owned()
                    } else {
                        parts.join(", ")
                    };
                    [record.clone(), date.to_string(), drawn]
                })
                .collect()
        })
        .unwrap_or_default();
    let refused = usage
        .map(|u| {
            u.refused
                .iter()
                .map(|(record, date, why)| [record.clone(), date.to_string(), why.clone()])
                .collect()
        })
        .unwrap_or_default();
    let omitted = usage.and_then(|u| {
        let shown = (u.drew.len() + u.refused.len()) as u64;
        (u.drew_total + u.refused_total > shown).then(|| {
            format!(
                "The first {} of {} records that drew on it and {} of {} that it did not \
                 cover are listed; the JSON Lines hold every record.",
                u.drew.len(),
                u.drew_total,
                u.refused.len(),
                u.refused_total
            )
        })
    });
    Section {
        id: id.to_owned(),
        terms,
        limits,
        drew,
        refused,
        omitted,
    }
}

/// `quantity 500 pcs: 450 drawn in this audit, 50 left`.
fn limit_line(field: &str, limit: &Limit, usage: Option<&super::summary::LicenceUse>) -> String {
    let (drawn, left) = usage
        .and_then(|u| u.drawn.get(&*limit.unit).copied())
        .unwrap_or((Decimal::ZERO, limit.amount));
    format!(
        "{field} {} {}: {} drawn in this audit, {} left",
        grouped(limit.amount),
        limit.unit,
        grouped(drawn),
        grouped(left)
    )
}

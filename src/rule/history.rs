//! The validated model of a rule's `[rule.history]` table: a test over the shipments before the
//! record (see [`crate::history`] for what "before" means), made when the rule's `when` holds.

use rust_decimal::Decimal;

use super::{AmountField, PartyField};
use crate::source::Location;

/// What a history rule measures: a value in one currency, or a quantity in one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Measure {
    pub field: AmountField,
    /// The currency (upper case) or unit (lower case), shared by every series of the rule.
    pub unit: std::sync::Arc<str>,
}

/// The fields of a record that make a history key (`by = [...]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct KeyFields {
    pub export_country: bool,
    /// How many leading digits of the HS code: 2, 4 or 6 (none: the code is not in the key).
    pub hs_digits: Option<u8>,
    pub destination: bool,
    pub consignee: bool,
}

/// The window a spike sums over, ending on the record's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Span {
    /// The calendar month to date.
    Month,
    /// The record's date and the days before it, this many in all.
    Days(u16),
}

/// A quota's cap for a key and calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cap {
    /// A fixed amount.
    Amount(Decimal),
    /// A factor times the key's total in a baseline year.
    Baseline { factor: Decimal, year: i32 },
}

/// The kinds of history test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HistoryKind {
    /// The total over a window against the average window of a baseline year.
    Spike {
        measure: Measure,
        by: KeyFields,
        window: Span,
        baseline_year: i32,
        ratio: Decimal,
        floor: Decimal,
    },
    /// The running total of a calendar year against a cap.
    Quota {
        measure: Measure,
        by: KeyFields,
        cap: Cap,
    },
    /// A party first seen (in its role) less than `days` before, or never, receiving at least
    /// `floor` in one record.
    NewParty {
        role: PartyField,
        days: u16,
        measure: Measure,
        floor: Decimal,
    },
    /// The consignor imported the same HS subheading into the export country (as consignee)
    /// within `days` before.
    Reexport { days: u16 },
}

/// A rule's history test, as written at `location`.
#[derive(Debug, Clone)]
pub(crate) struct HistoryTest {
    pub kind: HistoryKind,
    #[cfg_attr(
        not(feature = "authoring"),
        allow(dead_code, reason = "read by the test coverage")
    )]
    pub location: Location,
}

impl HistoryTest {
    /// The name of its kind, as the rule file writes it.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            HistoryKind::Spike { .. } => "spike",
            HistoryKind::Quota { .. } => "quota",
            HistoryKind::NewParty { .. } => "new_party",
            HistoryKind::Reexport { .. } => "reexport",
        }
    }

    /// Whether records matching the rule are summed into a series (spikes and quotas).
    pub fn keeps_series(&self) -> Option<(&Measure, KeyFields)> {
        match &self.kind {
            HistoryKind::Spike { measure, by, .. } | HistoryKind::Quota { measure, by, .. } => {
                Some((measure, *by))
            }
            _ => None,
        }
    }
}

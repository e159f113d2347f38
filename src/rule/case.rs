//! Test cases beside the rules, as read: a shipment, a date, and what the rules must do with it.

use chrono::NaiveDate;

use crate::shipment::Shipment;
use crate::source::Location;
use crate::verdict::{Decision, Outcome};

/// One test case from a `*.tests.toml` file or a `[[test]]` table.
#[derive(Debug, Clone)]
pub struct Case {
    pub(crate) name: String,
    pub(crate) location: Location,
    pub(crate) rule_set: Option<String>,
    pub(crate) shipment: Shipment,
    /// The records before the shipment (`history = [...]`), recorded in order.
    pub(crate) history: Vec<Shipment>,
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) expect: Option<Decision>,
    pub(crate) fires: Vec<String>,
    pub(crate) does_not_fire: Vec<String>,
    pub(crate) outcomes: Vec<(String, Outcome)>,
}

impl Case {
    /// The case's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Where the case is written.
    pub fn location(&self) -> &Location {
        &self.location
    }
    /// The id of the rule set it tests; `None` for a case of the whole rule book.
    pub fn rule_set(&self) -> Option<&str> {
        self.rule_set.as_deref()
    }
    /// The shipment it checks, defaults filled in.
    pub fn shipment(&self) -> &Shipment {
        &self.shipment
    }
    /// The records of history before its shipment, in the order they are recorded.
    pub fn history(&self) -> &[Shipment] {
        &self.history
    }
    /// The date it checks the rules in force on, when not the shipment's.
    pub fn as_of(&self) -> Option<NaiveDate> {
        self.as_of
    }
    /// The date it checks the rules in force on: `as_of`, else the shipment's date.
    pub fn date(&self) -> NaiveDate {
        self.as_of.unwrap_or(self.shipment.date)
    }
}

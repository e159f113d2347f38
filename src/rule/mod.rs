//! The validated rule model: what the parser produces and the engine compiles.
//!
//! Every value here has been checked: country codes are assigned ISO codes, HS prefixes are
//! digits, regexes compile, groups are resolved to sets, windows are in order. Each rule and each
//! condition keeps the [`Location`] it was written at, for explanations and for the linter.

#[cfg(feature = "authoring")]
mod case;

#[cfg(feature = "authoring")]
pub use case::Case;

use std::fmt;
use std::sync::Arc;

use regex::Regex;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::country::{CountryCode, CountrySet};
use crate::hs::HsPrefix;
use crate::source::Location;
use crate::verdict::{Decision, Status};
use crate::window::Window;

/// A compiled pattern of a rule file, shared: a `Regex` clone would carry a cache pool of its
/// own, kilobytes per copy.
pub(crate) type Pattern = Arc<Regex>;

/// Which exports a rule set applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scope {
    /// Exports from the rule set's jurisdiction only (the record's `export_country`).
    Jurisdiction,
    /// Exports from any country (guidance such as red-flag alerts).
    AnyExporter,
}

/// What a group holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GroupMembers {
    /// A set of countries (`[country_group.NAME]`).
    Countries(CountrySet),
    /// HS code prefixes, sorted (`[hs_group.NAME]`).
    HsCodes(Vec<HsPrefix>),
}

/// A named list from a groups file: countries (`EAEU`, `EU27`) or HS codes (`CHPL_TIER_1`).
#[derive(Debug, Clone)]
pub struct Group {
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) members: GroupMembers,
    /// The members as written, with their places.
    pub(crate) items: Vec<(String, Location)>,
    pub(crate) sources: Vec<String>,
    pub(crate) notes: Option<String>,
    pub(crate) location: Location,
}

impl Group {
    /// The name rules use.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// What the group is.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Its members, with nested groups expanded.
    pub fn members(&self) -> &GroupMembers {
        &self.members
    }
    /// Where its membership comes from.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }
    /// Caveats on the membership.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }
    /// Where it is defined.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

/// One rule file: metadata of the legal measure and its rules.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Shared with every verdict that cites the set (as are `version` and a rule's id and title).
    pub(crate) id: Arc<str>,
    pub(crate) title: String,
    pub(crate) authority: String,
    pub(crate) jurisdiction: CountryCode,
    pub(crate) scope: Scope,
    pub(crate) citations: Vec<String>,
    pub(crate) sources: Vec<String>,
    pub(crate) version: Arc<str>,
    pub(crate) window: Window,
    pub(crate) status: Status,
    pub(crate) notes: Option<String>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) location: Location,
}

impl RuleSet {
    /// Its id, unique in the rule book.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// What the measure is.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Who issued it.
    pub fn authority(&self) -> &str {
        &self.authority
    }
    /// The country whose law it is.
    pub fn jurisdiction(&self) -> CountryCode {
        self.jurisdiction
    }
    /// Which exports it applies to.
    pub fn scope(&self) -> Scope {
        self.scope
    }
    /// Citations of the legal act(s).
    pub fn citations(&self) -> &[String] {
        &self.citations
    }
    /// Where the content comes from (URLs).
    pub fn sources(&self) -> &[String] {
        &self.sources
    }
    /// The rule file's own version.
    pub fn version(&self) -> &str {
        &self.version
    }
    /// When the measure is in force.
    pub fn window(&self) -> Window {
        self.window
    }
    /// Its legal standing.
    pub fn status(&self) -> Status {
        self.status
    }
    /// Caveats: where the content is incomplete, inferred or disputed.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }
    /// Its rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
    /// Where the `[ruleset]` table is.
    pub fn location(&self) -> &Location {
        &self.location
    }
    /// The file it was loaded from.
    pub fn file(&self) -> &str {
        self.location.file()
    }
}

/// One rule: when its conditions hold (and no exception does), it gives its verdict.
#[derive(Debug, Clone)]
pub struct Rule {
    pub(crate) id: Arc<str>,
    pub(crate) verdict: Decision,
    pub(crate) title: Arc<str>,
    pub(crate) citation: Option<String>,
    pub(crate) window: Window,
    pub(crate) labels: Vec<(String, String)>,
    pub(crate) when: Condition,
    pub(crate) unless: Option<Condition>,
    pub(crate) accepted_licences: Option<Pattern>,
    pub(crate) location: Location,
}

impl Rule {
    /// Its id, unique in the rule book.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The verdict it gives when it fires.
    pub fn verdict(&self) -> Decision {
        self.verdict
    }
    /// What it is about.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// The clause of the act it implements.
    pub fn citation(&self) -> Option<&str> {
        self.citation.as_deref()
    }
    /// Its own effective window, as written; it applies only inside the rule set's window.
    pub fn window(&self) -> Window {
        self.window
    }
    /// Free-form labels (`tier = "1"`).
    pub fn labels(&self) -> &[(String, String)] {
        &self.labels
    }
    /// The pattern a licence id must match to satisfy a `license_required` rule.
    pub fn accepted_licences(&self) -> Option<&str> {
        self.accepted_licences.as_deref().map(Regex::as_str)
    }
    /// Where the `[[rule]]` table starts.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

/// A tree of conditions. A table of keys is `All` of its leaves.
#[derive(Debug, Clone)]
pub(crate) enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Leaf(Leaf),
}

impl Condition {
    /// Calls `f` with every leaf of a condition, in file order.
    pub(crate) fn for_each_leaf<'a>(&'a self, f: &mut dyn FnMut(&'a Leaf)) {
        match self {
            Condition::All(parts) | Condition::Any(parts) => {
                for part in parts {
                    part.for_each_leaf(f);
                }
            }
            Condition::Not(inner) => inner.for_each_leaf(f),
            Condition::Leaf(leaf) => f(leaf),
        }
    }

    /// How many leaves a condition has: the most reasons an explanation of it gives.
    pub(crate) fn leaf_count(&self) -> usize {
        match self {
            Condition::All(parts) | Condition::Any(parts) => {
                parts.iter().map(Condition::leaf_count).sum()
            }
            Condition::Not(inner) => inner.leaf_count(),
            Condition::Leaf(_) => 1,
        }
    }
}

/// One test on one field of a record, as written at `location` under `key`.
#[derive(Debug, Clone)]
#[allow(
    dead_code,
    reason = "key and location are read by the linter (issue 4)"
)]
pub(crate) struct Leaf {
    pub key: &'static str,
    pub test: Test,
    pub location: Location,
}

/// The record fields that hold a country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CountryField {
    Origin,
    ExportCountry,
    Destination,
    /// Any country in the transit list.
    Transit,
    /// Any of export country, transit countries and destination.
    Route,
}

impl CountryField {
    pub fn name(self) -> &'static str {
        match self {
            CountryField::Origin => "origin",
            CountryField::ExportCountry => "export_country",
            CountryField::Destination => "destination",
            CountryField::Transit => "transit",
            CountryField::Route => "route",
        }
    }
}

/// The record fields that name a party.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartyField {
    Consignor,
    Consignee,
    EndUser,
}

impl PartyField {
    pub fn name(self) -> &'static str {
        match self {
            PartyField::Consignor => "consignor",
            PartyField::Consignee => "consignee",
            PartyField::EndUser => "end_user",
        }
    }
}

/// Value (with a currency) or quantity (with a unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AmountField {
    Value,
    Quantity,
}

impl AmountField {
    pub fn name(self) -> &'static str {
        match self {
            AmountField::Value => "value",
            AmountField::Quantity => "quantity",
        }
    }
    pub fn unit_name(self) -> &'static str {
        match self {
            AmountField::Value => "currency",
            AmountField::Quantity => "unit",
        }
    }
}

/// A comparison operator of an amount condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
}

impl CmpOp {
    pub fn holds(self, left: Decimal, right: Decimal) -> bool {
        match self {
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Eq => left == right,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Eq => "=",
        }
    }
}

/// An HS prefix of a rule, with the group it came from when it was written as a group name.
#[derive(Debug, Clone)]
pub(crate) struct HsItem {
    pub prefix: HsPrefix,
    pub group: Option<Arc<str>>,
    /// Where the prefix, or the group name, is written in the rule.
    pub location: Location,
}

impl HsItem {
    /// Appends the item as explanations show it, `854231 (group CHPL)`, to `out`.
    pub(crate) fn push_to(&self, out: &mut String) {
        out.push_str(self.prefix.as_str());
        if let Some(group) = &self.group {
            out.push_str(" (group ");
            out.push_str(group);
            out.push(')');
        }
    }
}

impl fmt::Display for HsItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.push_to(&mut text);
        f.write_str(&text)
    }
}

/// A country list as written: codes and groups, with the set they stand for.
#[derive(Debug, Clone)]
pub(crate) struct CountryList {
    pub items: Vec<CountryItem>,
    pub set: CountrySet,
}

#[derive(Debug, Clone)]
pub(crate) enum CountryItem {
    Code(CountryCode),
    /// A group by name, with its members (shared by every list that names it).
    Group(Arc<str>, Arc<CountrySet>),
}

impl CountryList {
    /// The written item that holds `code` (a code or a group).
    pub fn item_for(&self, code: CountryCode) -> Option<&CountryItem> {
        self.items.iter().find(|item| match item {
            CountryItem::Code(c) => *c == code,
            CountryItem::Group(_, set) => set.contains(code),
        })
    }

    /// Appends the list as written, `[RU, EAEU]`, to `out` (explanations write it for every
    /// match, so without the formatting machinery).
    pub(crate) fn push_to(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(match item {
                CountryItem::Code(c) => c.as_str(),
                CountryItem::Group(name, _) => name,
            });
        }
        out.push(']');
    }
}

impl fmt::Display for CountryList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.push_to(&mut text);
        f.write_str(&text)
    }
}

/// A test on an attribute's value; comparisons ignore case and spaces.
#[derive(Debug, Clone)]
pub(crate) enum AttrTest {
    Equals(String),
    In(Vec<String>),
    Matches(Pattern),
}

/// The tests a leaf can make.
#[derive(Debug, Clone)]
pub(crate) enum Test {
    /// The HS code starts with one of `include` and none of `except`.
    Hs {
        include: Vec<HsItem>,
        except: Vec<HsItem>,
    },
    /// The field's country is in the list (`negated`: is not in it).
    Country {
        field: CountryField,
        negated: bool,
        list: CountryList,
    },
    /// The party's name equals one of these (case and space insensitive).
    PartyName {
        field: PartyField,
        names: Vec<String>,
    },
    /// The party's name matches the regex.
    PartyRegex { field: PartyField, regex: Pattern },
    /// The end user differs from the consignee (`false`: they are the same).
    EndUserDiffers(bool),
    /// Every bound holds on the field, compared in `unit`.
    Amount {
        field: AmountField,
        bounds: Vec<(CmpOp, Decimal)>,
        unit: String,
    },
    /// The description matches the regex.
    Description(Pattern),
    /// One of the record's licences matches the regex.
    Licence(Pattern),
    /// The named free-form attribute passes the test. A record without the attribute cannot be
    /// told (review) unless `missing_is_no_match`, when the test simply fails.
    Attribute {
        name: String,
        test: AttrTest,
        missing_is_no_match: bool,
    },
}

/// Party names and attribute values compare ignoring case and all white space.
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect::<Vec<char>>()
    };
    // Fast path for the common case of ASCII text, without allocating.
    if a.is_ascii() && b.is_ascii() {
        let mut x = a.bytes().filter(|c| !c.is_ascii_whitespace());
        let mut y = b.bytes().filter(|c| !c.is_ascii_whitespace());
        loop {
            match (x.next(), y.next()) {
                (None, None) => return true,
                (Some(p), Some(q)) if p.eq_ignore_ascii_case(&q) => {}
                _ => return false,
            }
        }
    }
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_comparison_ignores_case_and_spaces() {
        assert!(same_text("ACME  Trading LLP", "acme trading llp"));
        assert!(same_text("AcmeTrading", "acme trading"));
        assert!(!same_text("Acme Trading", "Acme Tradinh"));
        assert!(same_text("ТОО  Ромашка", "тоо ромашка"));
        assert!(!same_text("ТОО Ромашка", "ТОО Ромашк"));
    }
}

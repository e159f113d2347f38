//! The validated rule model: what the parser produces and the engine compiles.
//!
//! Every value here has been checked: country codes are assigned ISO codes, HS prefixes are
//! digits, regexes compile, groups are resolved to sets, windows are in order. Each rule and each
//! condition keeps the [`Location`] it was written at, for explanations and for the linter.

#[cfg(feature = "authoring")]
mod case;
pub(crate) mod history;
pub(crate) mod parties;

#[cfg(feature = "authoring")]
pub use case::Case;

use std::collections::BTreeMap;
use std::sync::Arc;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::control::ControlCode;
use crate::country::{CountryCode, CountrySet};
use crate::hs::HsPrefix;
use crate::shipment::Field;
use crate::source::Location;
use crate::verdict::because::{Bound, HsListed, Listed};
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
    /// Control-list codes, sorted (`[control_group.NAME]`).
    ControlCodes(Vec<ControlCode>),
}

/// A named list from a groups file: countries (`EAEU`, `EU27`) or HS codes (`CHPL_TIER_1`).
#[derive(Debug, Clone)]
pub struct Group {
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) members: GroupMembers,
    /// The members as written, with their places.
    #[cfg_attr(
        not(feature = "authoring"),
        allow(dead_code, reason = "read by the linter")
    )]
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
    /// Where its `id` is written.
    pub(crate) id_location: Location,
    /// The file's path relative to the rule directory it was found under, as the digest has it.
    pub(crate) path: Arc<str>,
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
    /// The file it was loaded from, as it was named (a path under the directory the caller
    /// gave, which may be absolute).
    pub fn file(&self) -> &str {
        self.location.file()
    }
    /// The file's path relative to the directory it was found under (`chpl-2024.toml` for
    /// `/srv/rules/chpl-2024.toml` loaded from `/srv/rules`), with `/` between parts: the name
    /// the rule book's digest covers, the same on every machine. For a file named on its own,
    /// its name; for rules parsed from text, the name given.
    pub fn path(&self) -> &str {
        &self.path
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
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) when: Condition,
    pub(crate) unless: Option<Condition>,
    /// A test over the shipments before the record, made when `when` holds.
    pub(crate) history: Option<history::HistoryTest>,
    /// A screening of the record's parties against the rule book's lists, made when `when`
    /// holds.
    pub(crate) parties: Option<parties::PartyTest>,
    pub(crate) accepted_licences: Option<Pattern>,
    pub(crate) location: Location,
    /// Where its `id` is written.
    pub(crate) id_location: Location,
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
    pub fn labels(&self) -> &BTreeMap<String, String> {
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
    /// Whether it tests the history of shipments (`[rule.history]`), and which kind of test:
    /// `spike`, `quota`, `new_party` or `reexport`.
    pub fn history_kind(&self) -> Option<&'static str> {
        self.history.as_ref().map(history::HistoryTest::kind_name)
    }
    /// The party lists it screens the record's parties against (`[rule.parties]`), if any.
    pub fn party_lists(&self) -> impl Iterator<Item = &str> {
        self.parties
            .iter()
            .flat_map(|p| p.lists.iter().map(|(id, _)| &**id))
    }
}

/// A tree of conditions. A table of keys is `All` of its leaves.
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "most conditions are leaves, kept inline in their parent's parts: boxing them would \
              add a pointer to follow to every test of every check"
)]
pub(crate) enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Leaf(Leaf),
}

impl Condition {
    /// Calls `f` with every leaf of a condition, in file order.
    #[cfg(feature = "authoring")]
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
    #[cfg(feature = "authoring")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum PartyField {
    Consignor,
    Consignee,
    EndUser,
}

impl PartyField {
    pub fn field(self) -> Field {
        match self {
            PartyField::Consignor => Field::Consignor,
            PartyField::Consignee => Field::Consignee,
            PartyField::EndUser => Field::EndUser,
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
    pub fn field(self) -> Field {
        match self {
            AmountField::Value => Field::Value,
            AmountField::Quantity => Field::Quantity,
        }
    }
    pub fn unit_name(self) -> &'static str {
        match self {
            AmountField::Value => "currency",
            AmountField::Quantity => "unit",
        }
    }
}

/// An HS prefix of a rule, with the group it came from when it was written as a group name.
#[cfg(feature = "authoring")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct HsItem<'a> {
    pub prefix: HsPrefix,
    pub group: Option<&'a str>,
    /// Where the prefix, or the group name, is written in the rule.
    pub location: &'a Location,
}

/// HS prefixes as a rule writes them (codes, and groups expanded), kept apart by what reads
/// them: the prefixes side by side for the check, the rest for explanations and the linter.
#[derive(Debug, Clone, Default)]
pub(crate) struct HsList {
    pub prefixes: Vec<HsPrefix>,
    /// The group each prefix came from.
    pub groups: Vec<Option<Arc<str>>>,
    /// Where each prefix, or its group's name, is written.
    pub locations: Vec<Location>,
    /// The list as written: prefixes, and each group once.
    pub written: Vec<HsListed>,
}

impl HsList {
    pub fn push(&mut self, prefix: HsPrefix, group: Option<Arc<str>>, location: Location) {
        let written = match &group {
            Some(name) => HsListed::Group(name.to_string()),
            None => HsListed::Prefix(prefix),
        };
        if !self.written.contains(&written) {
            self.written.push(written);
        }
        self.prefixes.push(prefix);
        self.groups.push(group);
        self.locations.push(location);
    }

    pub fn shrink_to_fit(&mut self) {
        self.prefixes.shrink_to_fit();
        self.groups.shrink_to_fit();
        self.locations.shrink_to_fit();
        self.written.shrink_to_fit();
    }

    /// The prefix at `i` with its group.
    pub fn get(&self, i: usize) -> Option<(HsPrefix, Option<&str>)> {
        let prefix = *self.prefixes.get(i)?;
        Some((prefix, self.groups.get(i).and_then(|g| g.as_deref())))
    }

    #[cfg(feature = "authoring")]
    pub fn items(&self) -> impl Iterator<Item = HsItem<'_>> {
        self.prefixes
            .iter()
            .zip(&self.groups)
            .zip(&self.locations)
            .map(|((prefix, group), location)| HsItem {
                prefix: *prefix,
                group: group.as_deref(),
                location,
            })
    }
}

/// A country list as written: codes and groups, with the set they stand for.
#[derive(Debug, Clone)]
pub(crate) struct CountryList {
    /// The items as written.
    pub listed: Vec<Listed>,
    /// For each item that is a group, its members (shared by every list that names it).
    pub groups: Vec<Option<Arc<CountrySet>>>,
    /// Every country the list stands for.
    pub set: CountrySet,
}

/// A country list item as the parser reads it: a code, or a group with its members.
#[derive(Debug, Clone)]
pub(crate) enum CountryItem {
    Code(CountryCode),
    /// A group by name, with its members (shared by every list that names it).
    Group(Arc<str>, Arc<CountrySet>),
}

impl CountryList {
    pub fn new() -> CountryList {
        CountryList {
            listed: Vec::new(),
            groups: Vec::new(),
            set: CountrySet::new(),
        }
    }

    pub fn push(&mut self, item: CountryItem) {
        match item {
            CountryItem::Code(code) => {
                self.set.insert(code);
                self.listed.push(Listed::Code(code));
                self.groups.push(None);
            }
            CountryItem::Group(name, members) => {
                self.set.union_with(&members);
                self.listed.push(Listed::Group(name.to_string()));
                self.groups.push(Some(members));
            }
        }
    }

    /// The group of the list that holds `code`, when the list names it only through a group.
    pub fn via(&self, code: CountryCode) -> Option<&str> {
        if self.listed.contains(&Listed::Code(code)) {
            return None;
        }
        self.listed
            .iter()
            .zip(&self.groups)
            .find(|(_, members)| members.as_ref().is_some_and(|m| m.contains(code)))
            .map(|(listed, _)| listed.as_str())
    }

    pub fn shrink_to_fit(&mut self) {
        self.listed.shrink_to_fit();
        self.groups.shrink_to_fit();
    }
}

/// Control codes as a rule writes them: codes, and groups expanded.
#[derive(Debug, Clone, Default)]
pub(crate) struct ControlList {
    pub codes: Vec<ControlCode>,
    /// The group each code came from.
    pub groups: Vec<Option<Arc<str>>>,
    /// The list as written: codes, and each group once.
    pub written: Vec<String>,
}

impl ControlList {
    pub fn push(&mut self, code: ControlCode, group: Option<Arc<str>>) {
        let written = group
            .as_deref()
            .map_or_else(|| code.as_str().to_owned(), str::to_owned);
        if !self.written.contains(&written) {
            self.written.push(written);
        }
        self.codes.push(code);
        self.groups.push(group);
    }

    /// The first of `codes` within the list, and where in the list the code covering it is.
    pub fn first_within<'a>(&self, codes: &'a [ControlCode]) -> Option<(&'a ControlCode, usize)> {
        codes.iter().find_map(|code| {
            let at = self.codes.iter().position(|mine| mine.covers(code))?;
            Some((code, at))
        })
    }
}

/// The fields a `missing` condition may name: the optional ones.
pub(crate) const MISSABLE_FIELDS: &[Field] = &[
    Field::Description,
    Field::Origin,
    Field::Consignor,
    Field::Consignee,
    Field::EndUser,
    Field::Value,
    Field::Quantity,
    Field::Licences,
    Field::ControlCodes,
];

/// Whether a record lacks an optional field.
pub(crate) fn lacks(s: &crate::shipment::Shipment, field: Field) -> bool {
    match field {
        Field::Description => s.description.is_none(),
        Field::Origin => s.origin.is_none(),
        Field::Consignor => s.consignor.is_none(),
        Field::Consignee => s.consignee.is_none(),
        Field::EndUser => s.end_user.is_none(),
        Field::Value => s.value.is_none(),
        Field::Quantity => s.quantity.is_none(),
        Field::Licences => s.licences.is_empty(),
        Field::ControlCodes => s.control_codes.is_empty(),
        // Required fields are always there; the parser allows only the fields above.
        _ => false,
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
    Hs { include: HsList, except: HsList },
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
        bounds: Vec<Bound>,
        unit: String,
    },
    /// The description matches the regex.
    Description(Pattern),
    /// One of the record's licences matches the regex.
    Licence(Pattern),
    /// One of the record's control codes lies within one of the list's (a record with none
    /// has none within it).
    Control(ControlList),
    /// The goods are (`false`: are not) classified against a control list.
    Classified(bool),
    /// One of these fields is not given.
    Missing(Vec<Field>),
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
    fn same_text_ignores_case_and_white_space_only() {
        assert!(same_text(
            "Steppe  Electronics LLP",
            "steppe electronics llp"
        ));
        assert!(!same_text("Steppe Electronics", "Steppe Electronic"));
        assert!(same_text("", " \t"));
        // Other scripts and white space outside ASCII go the long way.
        assert!(same_text("ТОО Степь", "тоо  степь"));
        assert!(!same_text("ТОО Степь", "ТОО Степи"));
        assert!(same_text("a\u{a0}b", "ab"));
        assert!(same_text("Café", "CAFÉ"));
    }

    #[test]
    fn lacks_each_optional_field_until_it_is_set() {
        let mut s = crate::shipment::Shipment::new(
            "L-1",
            "2023-01-02".parse().unwrap(),
            "854231".parse().unwrap(),
            "KZ".parse().unwrap(),
            "RU".parse().unwrap(),
        );
        // Every field a `missing` condition may name.
        let optional = MISSABLE_FIELDS;
        assert_eq!(optional.len(), 9);
        for &field in optional {
            assert!(lacks(&s, field), "{field:?}");
        }
        assert!(!lacks(&s, Field::Destination));
        s.description = Some("chips".into());
        s.origin = Some("CN".parse().unwrap());
        s.consignor = Some("A".into());
        s.consignee = Some("B".into());
        s.end_user = Some("C".into());
        s.value = Some(rust_decimal::Decimal::ONE);
        s.quantity = Some(rust_decimal::Decimal::ONE);
        s.licences = vec!["KZ-DU-2023-000117".into()];
        s.control_codes = vec!["3A001".parse().unwrap()];
        for &field in optional {
            assert!(!lacks(&s, field), "{field:?}");
        }
    }

    #[test]
    fn text_comparison_ignores_case_and_spaces() {
        assert!(same_text("ACME  Trading LLP", "acme trading llp"));
        assert!(same_text("AcmeTrading", "acme trading"));
        assert!(!same_text("Acme Trading", "Acme Tradinh"));
        assert!(same_text("ТОО  Ромашка", "тоо ромашка"));
        assert!(!same_text("ТОО Ромашка", "ТОО Ромашк"));
    }
}

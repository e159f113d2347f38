//! The structured reasons of a verdict: why each condition of a rule held, did not hold, or could
//! not be told on the record, as data a program (or a screen in another language) can lay out,
//! with the English sentence generated from it (`Display`, and `text` in the JSON).
//!
//! Every reason is a true statement about the record and the rule: `destination RU is in [RU]`,
//! `origin is missing: cannot tell whether it is not in [KZ]`. Texts of the rule (lists, group
//! names, patterns) are borrowed from the engine that wrote the reason (`'e`); values of the
//! record are copied, so a verdict does not borrow the record.

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::control::{ControlCheck, ControlCode};
use crate::country::CountryCode;
use crate::hs::{HsCode, HsPrefix};
use crate::shipment::Field;
use crate::window::Window;

/// One reason a rule gives for its part in a verdict.
///
/// In JSON, an object whose `kind` names the variant (`"hs_prefix"`), with the variant's fields
/// and `text`, the English sentence. New kinds will be added (trade history, party screening,
/// licence registers): match with a catch-all arm and fall back to `to_string()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Because<'e> {
    /// The record's export country is the rule set's jurisdiction (rule sets that apply to
    /// exports from one country).
    Jurisdiction {
        /// The record's `export_country`.
        value: CountryCode,
        /// The union whose member it is, when the rule set's jurisdiction is a union (`EU`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within: Option<CountryCode>,
    },
    /// The date checked lies inside, or outside, the rule's effective window.
    InForce {
        /// `date` (the record's), or `as_of` (the caller's).
        field: DateField,
        /// The date.
        value: NaiveDate,
        /// The rule's window, within its rule set's.
        window: Window,
        /// Whether the date lies in it.
        inside: bool,
    },
    /// The HS code starts with one of the rule's prefixes.
    HsPrefix {
        /// The record's code.
        value: HsCode,
        /// The prefix it starts with.
        prefix: HsPrefix,
        /// The HS code group the prefix came from, when the rule names a group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<Cow<'e, str>>,
    },
    /// The HS code starts with one of the rule's prefixes, but also with one it excludes.
    HsExcluded {
        /// The record's code.
        value: HsCode,
        /// The included prefix it starts with.
        prefix: HsPrefix,
        /// The group of the included prefix.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<Cow<'e, str>>,
        /// The excluded prefix it starts with.
        excluded: HsPrefix,
        /// The group of the excluded prefix.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        excluded_group: Option<Cow<'e, str>>,
    },
    /// The HS code is shorter than a prefix the rule names and that prefix lies within it
    /// (`854231` against `8542310000`): the code does not say whether the goods are within the
    /// prefix, so the rule cannot be told.
    HsTooCoarse {
        /// The record's code.
        value: HsCode,
        /// The finer prefix.
        prefix: HsPrefix,
        /// The group the prefix came from, when the rule names a group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<Cow<'e, str>>,
        /// Whether the prefix is one the rule excludes (the code starts with an included one).
        #[serde(default, skip_serializing_if = "is_false")]
        excluded: bool,
    },
    /// The HS code starts with none of the rule's prefixes.
    HsNotListed {
        /// The record's code.
        value: HsCode,
        /// The prefixes and groups as the rule writes them.
        listed: Cow<'e, [HsListed]>,
    },
    /// A country field is, or is not, in the rule's list.
    Country {
        /// `origin`, `export_country` or `destination`.
        field: Field,
        /// The record's country.
        value: CountryCode,
        /// The codes and groups as the rule writes them.
        listed: Cow<'e, [Listed]>,
        /// Whether the country is in the list.
        in_list: bool,
        /// The group of the list that holds the country, when the list names it only through
        /// a group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<Cow<'e, str>>,
    },
    /// The origin is the European Union (`EU`): the list holds every member state, none, or
    /// some (then the condition cannot be told).
    UnionOrigin {
        /// The codes and groups as the rule writes them.
        listed: Cow<'e, [Listed]>,
        /// How many of the member states the list holds.
        members: Share,
    },
    /// The route passes through a country of the rule's list, or through none of them.
    Route {
        /// `transit` (the countries passed through) or `route` (export country, transit and
        /// destination).
        field: RouteField,
        /// The record's countries along it, in order.
        countries: Vec<CountryCode>,
        /// The codes and groups as the rule writes them.
        listed: Cow<'e, [Listed]>,
        /// The first country of the route in the list.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hit: Option<CountryCode>,
        /// The group of the list that holds `hit`, when the list names it only through a group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<Cow<'e, str>>,
        /// Whether the record says the route passed through a country it does not name: with
        /// no listed country among those named, the condition cannot be told.
        #[serde(default, skip_serializing_if = "is_false")]
        unnamed: bool,
    },
    /// A party's name is, or is not, one of the rule's names (case and spaces aside).
    PartyName {
        /// `consignor`, `consignee` or `end_user`.
        field: Field,
        /// The name on the record.
        value: String,
        /// The rule's names.
        names: Cow<'e, [String]>,
        /// The rule's name it is, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        matched: Option<Cow<'e, str>>,
    },
    /// A text of the record matches, or does not match, a pattern of the rule.
    Pattern {
        /// The field or attribute.
        subject: Subject<'e>,
        /// The record's text.
        value: String,
        /// The rule's regular expression (matched ignoring case).
        pattern: Cow<'e, str>,
        /// The part of the text it matched, if it did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        matched: Option<String>,
    },
    /// The end user is, or is not, the consignee.
    EndUser {
        /// The record's end user.
        end_user: String,
        /// The record's consignee.
        consignee: String,
        /// Whether they are the same party (case and spaces aside).
        same: bool,
    },
    /// An amount compared with the rule's bounds.
    Amount {
        /// `value` or `quantity`.
        field: Field,
        /// The record's amount.
        value: Decimal,
        /// Its currency or unit (the rule's, since they are the same).
        unit: Cow<'e, str>,
        /// The rule's bounds, all of which must hold.
        bounds: Cow<'e, [Bound]>,
        /// Whether they all hold.
        holds: bool,
    },
    /// An amount in another currency or unit than the rule's bounds: it cannot be compared.
    NotComparable {
        /// `value` or `quantity`.
        field: Field,
        /// The record's amount.
        value: Decimal,
        /// The record's currency or unit.
        unit: String,
        /// The rule's bounds.
        bounds: Cow<'e, [Bound]>,
        /// The rule's currency or unit.
        rule_unit: Cow<'e, str>,
    },
    /// A free-form attribute compared with the rule's value or values (case and spaces aside).
    Attribute {
        /// The attribute's name.
        name: Cow<'e, str>,
        /// The record's value.
        value: String,
        /// What the rule compares it with.
        test: AttributeTest<'e>,
        /// Whether the test holds.
        holds: bool,
    },
    /// The record's licences include one that matches the rule's pattern, or none does.
    Licences {
        /// The record's licence ids.
        licences: Vec<String>,
        /// The rule's pattern.
        pattern: Cow<'e, str>,
        /// The first licence that matches.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        matched: Option<String>,
    },
    /// The goods' control codes include one within the rule's codes, or none does (a record
    /// with no control code has none within them).
    ControlCode {
        /// The record's control codes.
        codes: Vec<ControlCode>,
        /// The codes and groups as the rule writes them.
        listed: Cow<'e, [String]>,
        /// The first of the record's codes within the rule's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        matched: Option<ControlCode>,
        /// The rule's code it lies within.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within: Option<ControlCode>,
        /// The control code group `within` came from, when the rule names a group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<Cow<'e, str>>,
    },
    /// Whether the goods are classified against a control list: they carry control codes, or
    /// the record says they were checked (with no code: classified, not controlled).
    Classification {
        /// The record's control codes.
        codes: Vec<ControlCode>,
        /// The record's `control_list_checked`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        checked: Option<ControlCheck>,
        /// Whether the goods are classified.
        classified: bool,
    },
    /// Whether fields the rule names are given on the record (`missing = [...]`): the rule
    /// holds when one of them is not.
    Given {
        /// The fields the rule names.
        fields: Cow<'e, [Field]>,
        /// Those the record does not give, in the rule's order.
        missing: Vec<Field>,
    },
    /// A field the condition needs is missing from the record: the condition cannot be told
    /// (or, for an attribute the rule says so of, it does not hold).
    Missing {
        /// The field or attribute.
        subject: Subject<'e>,
        /// What the rule would have tested.
        needed: Needed<'e>,
        /// Whether the rule counts the missing attribute as no match (`when_missing =
        /// "no_match"`) instead of "cannot tell".
        #[serde(default, skip_serializing_if = "is_false")]
        counts_as_no_match: bool,
    },
    /// A licence the record carries, checked against the licence register for a
    /// `license_required` rule: it covers the record on every point (the rule is met), or the
    /// points it fails.
    Licence(Box<LicenceCheck>),
    /// A spike: the total of a key over a window ending on the record's date (the record
    /// included) against the average window of a baseline year.
    Spike(Box<Spike>),
    /// A quota: the running total of a key in the record's calendar year against a cap.
    Quota(Box<Quota>),
    /// A party first seen (in its role) less than the rule's days before the record, or never,
    /// receiving at least the rule's floor.
    NewParty(Box<NewParty>),
    /// A re-export of a recent import: the consignor received the same HS subheading in the
    /// export country within the rule's days before.
    Reexport(Box<Reexport>),
    /// A party of the record matched an entry of a party list.
    ListedParty(Box<ListedParty>),
    /// A record a history rule cannot measure: its amount is missing or in another currency or
    /// unit. It is not counted, and the rule cannot be told.
    NotCounted {
        /// `value` or `quantity`.
        field: Field,
        /// The record's amount, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<Decimal>,
        /// Its currency or unit, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        /// The rule's currency or unit.
        rule_unit: String,
    },
    /// A field a history rule needs (a party of its key) is missing.
    HistoryKeyMissing {
        /// The field.
        field: Field,
        /// The rule's kind of test.
        test: Cow<'e, str>,
    },
    /// A history total went past what a decimal holds: it is not known.
    TotalTooLarge {
        /// The key.
        key: Key,
    },
    /// The rule's exception (`unless`) held, or could not be told, for these reasons.
    Exemption {
        /// Whether it held (`false`: it could not be told).
        held: bool,
        /// Its conditions' reasons.
        #[serde(serialize_with = "with_text")]
        because: Vec<Because<'e>>,
    },
}

/// Serialises reasons each with its English sentence as `text`, for readers of the JSON who
/// need nothing else.
pub(crate) fn with_text<S: Serializer>(reasons: &[Because<'_>], s: S) -> Result<S::Ok, S::Error> {
    struct Texted<'a, 'e>(&'a Because<'e>);
    impl Serialize for Texted<'_, '_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            /// The sentence, written straight into the output (no string of its own).
            struct Text<'a, 'e>(&'a Because<'e>);
            impl Serialize for Text<'_, '_> {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.collect_str(self.0)
                }
            }
            #[derive(Serialize)]
            struct Out<'a, 'e> {
                #[serde(flatten)]
                because: &'a Because<'e>,
                text: Text<'a, 'e>,
            }
            Out {
                because: self.0,
                text: Text(self.0),
            }
            .serialize(s)
        }
    }
    s.collect_seq(reasons.iter().map(Texted))
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The key a history rule sums by (`by = [...]`): the fields it names, the others `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Key {
    /// The exporting country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_country: Option<CountryCode>,
    /// The leading digits of the HS code (2, 4 or 6 of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs: Option<HsPrefix>,
    /// The destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<CountryCode>,
    /// The consignee, as history compares names (lower case, without white space).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consignee: Option<String>,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(c) = self.export_country {
            parts.push(format!("from {c}"));
        }
        if let Some(hs) = &self.hs {
            parts.push(format!("HS {hs}"));
        }
        if let Some(c) = self.destination {
            parts.push(format!("to {c}"));
        }
        if let Some(c) = &self.consignee {
            parts.push(format!("consignee {c}"));
        }
        if parts.is_empty() {
            f.write_str("every record")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// A spike: the total of a key over a window ending on the record's date (the record
/// included) against the average window of a baseline year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Spike {
    /// The key summed by.
    pub key: Key,
    /// The currency or unit summed.
    pub unit: String,
    /// The window's first day.
    pub from: NaiveDate,
    /// Its last day (the record's date).
    pub through: NaiveDate,
    /// The total over the window, this record included.
    pub total: Decimal,
    /// How many records make it.
    pub records: u64,
    /// The baseline year.
    pub baseline_year: i32,
    /// The key's total in that year.
    pub baseline_total: Decimal,
    /// The average window of that year (the total / 12 for a calendar month).
    pub baseline: Decimal,
    /// Where the baseline comes from.
    pub baseline_source: BaselineSource,
    /// The rule's ratio.
    pub ratio: Decimal,
    /// The rule's floor.
    pub floor: Decimal,
    /// Whether the total is at least `ratio` x `baseline` and at least `floor`.
    pub holds: bool,
}

/// A quota: the running total of a key in the record's calendar year against a cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Quota {
    /// The key summed by.
    pub key: Key,
    /// The currency or unit summed.
    pub unit: String,
    /// The calendar year.
    pub year: i32,
    /// The total before this record.
    pub before: Decimal,
    /// This record's amount.
    pub amount: Decimal,
    /// The total with it.
    pub total: Decimal,
    /// The cap.
    pub cap: Decimal,
    /// When the cap is a factor of a baseline year's total: which.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<CapBasis>,
    /// Whether the total is above the cap.
    pub holds: bool,
}

/// A party first seen (in its role) less than the rule's days before the record, or never,
/// receiving at least the rule's floor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewParty {
    /// `consignee`, `consignor` or `end_user`.
    pub field: Field,
    /// The record's party.
    pub name: String,
    /// The first day it was seen in that role before this record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<NaiveDate>,
    /// The rule's days.
    pub days: u16,
    /// Whether the party is new: never seen, or first seen less than `days` before.
    pub new: bool,
    /// The record's amount.
    pub amount: Decimal,
    /// Its currency or unit.
    pub unit: String,
    /// The rule's floor.
    pub floor: Decimal,
    /// Whether the party is new and the amount at least the floor.
    pub holds: bool,
}

/// A party of the record that matched an entry of a party list, with the facts of the entry
/// the rule tested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListedParty {
    /// `consignor`, `consignee` or `end_user`.
    pub field: Field,
    /// The record's name.
    pub name: String,
    /// Its normalised form, as the matcher compared it (the words, without the legal form).
    pub normalised: String,
    /// Its legal form, if the name has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_form: Option<LegalForm>,
    /// The list's id.
    pub list: String,
    /// The list's version (its date unless the declaration gives one).
    pub version: String,
    /// The entry's id in the list (OFAC's entity number, the UN DATAID, ...).
    pub entry: String,
    /// The entry's name or alias matched, as the list writes it.
    pub matched: String,
    /// Its normalised form.
    pub matched_normalised: String,
    /// Its legal form, if the name has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_legal_form: Option<LegalForm>,
    /// The score, four decimal places (see `parties::score`).
    pub score: Decimal,
    /// The rule's lowest score.
    pub min_score: Decimal,
    /// When the entry's company was registered, if the rule tests it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_on: Option<NaiveDate>,
    /// The rule's date it was registered on or after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_on_or_after: Option<NaiveDate>,
    /// The entry's owners' countries, if the rule tests them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners_countries: Vec<CountryCode>,
    /// The names' score before the rule's signals changed it, four decimal places (present
    /// only when a signal applied: `score` is then the name score with the signals' changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_score: Option<Decimal>,
    /// The signals that raised or lowered the score, in the order applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<Signal>,
}

/// A fact beside the names that raised or lowered a party's score (`country_signal`,
/// `type_signal` in `[rule.parties]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "signal", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Signal {
    /// The party's country is among the entry's countries (raised), or the entry gives only
    /// others (lowered). The consignor is taken to be in the export country, the consignee in
    /// the destination.
    Country {
        /// The change to the score (positive: raised).
        change: Decimal,
        /// The party's country.
        country: CountryCode,
        /// The countries the entry gives.
        entry_countries: Vec<CountryCode>,
    },
    /// A name with a legal form (an organisation) met the entry of a person, a vessel or an
    /// aircraft (lowered).
    EntryType {
        /// The change to the score (negative).
        change: Decimal,
        /// The record's name's legal form.
        legal_form: LegalForm,
        /// The entry's type.
        entry_type: EntryKind,
    },
}

impl Signal {
    /// The change to the score (positive: raised).
    pub fn change(&self) -> Decimal {
        match self {
            Signal::Country { change, .. } | Signal::EntryType { change, .. } => *change,
        }
    }
}

/// What kind of licence it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LicenceKind {
    /// Issued to one holder for one export (or a series of them) to named parties.
    Individual,
    /// Published for every exporter who meets its conditions (an EU Union General Export
    /// Authorisation, a UK open general licence): no holder.
    General,
    /// Issued to one holder for a kind of goods to several destinations or parties.
    Global,
}

impl LicenceKind {
    /// The name used in register files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            LicenceKind::Individual => "individual",
            LicenceKind::General => "general",
            LicenceKind::Global => "global",
        }
    }
}

/// A licence the record carries, checked against the register for a `license_required` rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LicenceCheck {
    /// The licence number as the record carries it.
    pub licence: String,
    /// Whether it covers the record on every point: the rule is met by it.
    pub covers: bool,
    /// What kind of licence it is (absent when it is not in the register).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence_kind: Option<LicenceKind>,
    /// Who issued it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// Its holder (none for a general licence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// Where the register gives it (`file:line`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register: Option<String>,
    /// The points it fails, in the order they are checked (empty when it covers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<LicenceFailure>,
    /// Its balances with this record: before, drawn, after (one per limit it has).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub balances: Vec<LicenceBalance>,
}

/// A point on which a licence does not cover a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "point", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LicenceFailure {
    /// The register holds no licence of this number.
    NotInRegister,
    /// The number is not of the form the rule accepts (`accepted_licences`).
    Format {
        /// The rule's pattern.
        pattern: String,
    },
    /// It was issued under another country's law than the rule's.
    Jurisdiction {
        /// The licence's jurisdiction.
        licence: CountryCode,
        /// The rule set's.
        required: CountryCode,
    },
    /// It is held by someone other than the record's consignor.
    Holder {
        /// The licence's holder.
        holder: String,
        /// The record's consignor, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consignor: Option<String>,
    },
    /// The record's date is before its first day.
    NotYetValid {
        /// Its first day.
        valid_from: NaiveDate,
        /// The record's date.
        date: NaiveDate,
    },
    /// The record's date is after its last day.
    Expired {
        /// Its last day.
        valid_until: NaiveDate,
        /// The record's date.
        date: NaiveDate,
    },
    /// The record's HS code is not among the licence's.
    Goods {
        /// The licence's HS codes.
        covers: Vec<HsPrefix>,
        /// The record's.
        hs_code: HsCode,
    },
    /// None of the record's control codes is among the licence's.
    ControlCodes {
        /// The licence's control codes.
        covers: Vec<ControlCode>,
        /// The record's.
        codes: Vec<ControlCode>,
    },
    /// The record's destination is not among the licence's.
    Destination {
        /// The licence's destinations.
        covers: Vec<CountryCode>,
        /// The record's.
        destination: CountryCode,
    },
    /// The licence names a consignee or end user the record does not.
    Party {
        /// `consignee` or `end_user`.
        field: Field,
        /// The party the licence names.
        licence: String,
        /// The record's, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record: Option<String>,
    },
    /// What is left on the licence is less than the record needs.
    Balance {
        /// `quantity` or `value`.
        field: Field,
        /// The unit or currency.
        unit: String,
        /// What is left before this record.
        remaining: Decimal,
        /// What the record needs.
        needed: Decimal,
    },
    /// The record's amount is missing or in another unit or currency than the licence's limit:
    /// the balance cannot be drawn down.
    NotComparable {
        /// `quantity` or `value`.
        field: Field,
        /// The licence's unit or currency.
        unit: String,
        /// The record's amount, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount: Option<Decimal>,
        /// Its unit or currency, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record_unit: Option<String>,
    },
    /// What was drawn on the licence went past what a decimal holds: the balance is not known.
    TotalTooLarge,
    /// The record draws on another licence of the same jurisdiction it carries first.
    DrawsOn {
        /// That licence.
        licence: String,
    },
}

/// A licence's balance in one unit or currency, with the record drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LicenceBalance {
    /// `quantity` or `value`.
    pub field: Field,
    /// The unit or currency.
    pub unit: String,
    /// The licence's limit.
    pub limit: Decimal,
    /// What was drawn before this record.
    pub drawn_before: Decimal,
    /// What this record draws.
    pub amount: Decimal,
    /// What is left after it.
    pub remaining: Decimal,
}

/// A re-export of a recent import: the consignor received the same HS subheading in the
/// export country within the rule's days before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reexport {
    /// The record's consignor.
    pub consignor: String,
    /// The HS subheading.
    pub hs6: String,
    /// The export country, where the import arrived.
    pub country: CountryCode,
    /// The rule's days.
    pub days: u16,
    /// The latest such import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportRef>,
    /// Whether there was one.
    pub holds: bool,
}

/// Where a history rule's baseline comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum BaselineSource {
    /// The records of the baseline year in the history.
    Records {
        /// How many.
        count: u64,
    },
    /// A statistics file (it wins over the records: it is the wider count).
    Statistics {
        /// Its name.
        file: String,
    },
}

/// A quota's cap as a factor of a baseline year's total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CapBasis {
    /// The factor.
    pub factor: Decimal,
    /// The baseline year.
    pub year: i32,
    /// The key's total in that year.
    pub total: Decimal,
    /// Where it comes from.
    pub source: BaselineSource,
}

/// The import a re-export rule found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportRef {
    /// The import record's id.
    pub id: String,
    /// Its date.
    pub date: NaiveDate,
    /// How many imports of the key arrived that day.
    pub count: u64,
    /// An import of the key within the days that named an end user other than its consignee
    /// (the goods were declared for someone else: the "ghost trade" pattern): its id and end
    /// user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ghost: Option<(String, String)>,
}

/// Which date a rule's window was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum DateField {
    /// The record's date.
    Date,
    /// The date the caller asked for (`CheckOptions::as_of`).
    AsOf,
}

/// Which list of countries a route condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum RouteField {
    /// The countries passed through.
    Transit,
    /// The export country, the countries passed through and the destination.
    Route,
}

/// How many members of a union a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Share {
    /// Every one.
    All,
    /// Some, not all.
    Some,
    /// None.
    None,
}

/// A comparison of an amount bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Comparison {
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
    /// Equal.
    Eq,
}

impl Comparison {
    /// Whether `left <op> right`.
    pub fn holds(self, left: Decimal, right: Decimal) -> bool {
        match self {
            Comparison::Gt => left > right,
            Comparison::Ge => left >= right,
            Comparison::Lt => left < right,
            Comparison::Le => left <= right,
            Comparison::Eq => left == right,
        }
    }

    /// The operator as written in explanations (`>=`).
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Gt => ">",
            Comparison::Ge => ">=",
            Comparison::Lt => "<",
            Comparison::Le => "<=",
            Comparison::Eq => "=",
        }
    }
}

/// One bound of an amount condition: `op limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Bound {
    /// The comparison.
    pub op: Comparison,
    /// The limit, in the rule's currency or unit.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub limit: Decimal,
}

/// What an attribute condition compares with (a pattern is a [`Because::Pattern`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum AttributeTest<'e> {
    /// Equal to this value.
    Equals(Cow<'e, str>),
    /// One of these values.
    In(Cow<'e, [String]>),
}

/// What a condition would have tested, had its field not been missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Needed<'e> {
    /// Whether a country is (`negated`: is not) in the list.
    InList {
        /// The codes and groups as the rule writes them.
        listed: Cow<'e, [Listed]>,
        /// Whether the rule wants the country not to be in it.
        negated: bool,
    },
    /// Whether a name is one of these.
    OneOf {
        /// The rule's names.
        names: Cow<'e, [String]>,
    },
    /// Whether a text matches the pattern.
    Matches {
        /// The rule's pattern.
        pattern: Cow<'e, str>,
    },
    /// Whether an amount meets the bounds.
    Bounds {
        /// The rule's bounds.
        bounds: Cow<'e, [Bound]>,
        /// The rule's currency or unit.
        unit: Cow<'e, str>,
    },
    /// Whether an attribute passes the test.
    Attribute {
        /// The test.
        test: AttributeTest<'e>,
    },
    /// Whether the end user is the consignee (one of the two is missing).
    SameAsConsignee,
}

/// A country list item as a rule writes it: a code, or a group's name. In JSON, a string: two
/// letters are a code, longer names a group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Listed {
    /// A country.
    Code(CountryCode),
    /// A country group of the groups file.
    Group(String),
}

/// An HS list item as a rule writes it: a prefix, or a group's name. In JSON, a string: digits
/// are a prefix, letters a group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HsListed {
    /// A prefix.
    Prefix(HsPrefix),
    /// An HS code group of the groups file.
    Group(String),
}

/// What in a record a reason speaks of: a field, or a free-form attribute. In JSON, the field's
/// name or `attributes.NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject<'e> {
    /// A field.
    Field(Field),
    /// An attribute, by name.
    Attribute(Cow<'e, str>),
}

impl Listed {
    /// The item as written.
    pub fn as_str(&self) -> &str {
        match self {
            Listed::Code(code) => code.as_str(),
            Listed::Group(name) => name,
        }
    }
}

impl HsListed {
    /// The item as written.
    pub fn as_str(&self) -> &str {
        match self {
            HsListed::Prefix(prefix) => prefix.as_str(),
            HsListed::Group(name) => name,
        }
    }
}

impl Subject<'_> {
    /// The same subject, owning its text.
    pub fn into_owned(self) -> Subject<'static> {
        match self {
            Subject::Field(field) => Subject::Field(field),
            Subject::Attribute(name) => Subject::Attribute(Cow::Owned(name.into_owned())),
        }
    }
}

impl fmt::Display for Listed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for HsListed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Field(field) => f.write_str(field.name()),
            Subject::Attribute(name) => write!(f, "attributes.{name}"),
        }
    }
}

macro_rules! as_string {
    ($t:ident $(<$l:lifetime>)?, $parse:expr, $what:literal) => {
        impl$(<$l>)? Serialize for $t$(<$l>)? {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de, $($l)?> Deserialize<'de> for $t$(<$l>)? {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                let parse: fn(String) -> Option<$t$(<$l>)?> = $parse;
                parse(text).ok_or_else(|| serde::de::Error::custom(concat!("not ", $what)))
            }
        }
        #[cfg(feature = "schema")]
        impl$(<$l>)? schemars::JsonSchema for $t$(<$l>)? {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($t))
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "description": $what })
            }
        }
    };
}

as_string!(
    Listed,
    |text| match text.len() {
        2 => text.parse().ok().map(Listed::Code),
        _ => Some(Listed::Group(text)),
    },
    "a country code (two letters) or a country group's name"
);
as_string!(
    HsListed,
    |text| match text.bytes().all(|b| b.is_ascii_digit()) {
        true => text.parse().ok().map(HsListed::Prefix),
        false => Some(HsListed::Group(text)),
    },
    "an HS prefix (digits) or an HS code group's name"
);
as_string!(
    Subject<'e>,
    |text| match text.strip_prefix("attributes.") {
        Some(name) => Some(Subject::Attribute(Cow::Owned(name.to_owned()))),
        None => Field::from_name(&text).map(Subject::Field),
    },
    "a field's name, or `attributes.` and an attribute's name"
);

fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

impl AttributeTest<'_> {
    /// The same test, owning its texts.
    pub fn into_owned(self) -> AttributeTest<'static> {
        match self {
            AttributeTest::Equals(value) => AttributeTest::Equals(owned(value)),
            AttributeTest::In(values) => AttributeTest::In(Cow::Owned(values.into_owned())),
        }
    }
}

impl Needed<'_> {
    /// The same need, owning its texts.
    pub fn into_owned(self) -> Needed<'static> {
        match self {
            Needed::InList { listed, negated } => Needed::InList {
                listed: Cow::Owned(listed.into_owned()),
                negated,
            },
            Needed::OneOf { names } => Needed::OneOf {
                names: Cow::Owned(names.into_owned()),
            },
            Needed::Matches { pattern } => Needed::Matches {
                pattern: owned(pattern),
            },
            Needed::Bounds { bounds, unit } => Needed::Bounds {
                bounds: Cow::Owned(bounds.into_owned()),
                unit: owned(unit),
            },
            Needed::Attribute { test } => Needed::Attribute {
                test: test.into_owned(),
            },
            Needed::SameAsConsignee => Needed::SameAsConsignee,
        }
    }
}

impl Because<'_> {
    /// The same reason, owning every text: it no longer borrows the engine.
    pub fn into_owned(self) -> Because<'static> {
        match self {
            Because::Jurisdiction { value, within } => Because::Jurisdiction { value, within },
            Because::InForce {
                field,
                value,
                window,
                inside,
            } => Because::InForce {
                field,
                value,
                window,
                inside,
            },
            Because::HsPrefix {
                value,
                prefix,
                group,
            } => Because::HsPrefix {
                value,
                prefix,
                group: group.map(owned),
            },
            Because::HsExcluded {
                value,
                prefix,
                group,
                excluded,
                excluded_group,
            } => Because::HsExcluded {
                value,
                prefix,
                group: group.map(owned),
                excluded,
                excluded_group: excluded_group.map(owned),
            },
            Because::HsTooCoarse {
                value,
                prefix,
                group,
                excluded,
            } => Because::HsTooCoarse {
                value,
                prefix,
                group: group.map(owned),
                excluded,
            },
            Because::HsNotListed { value, listed } => Because::HsNotListed {
                value,
                listed: Cow::Owned(listed.into_owned()),
            },
            Because::Country {
                field,
                value,
                listed,
                in_list,
                via,
            } => Because::Country {
                field,
                value,
                listed: Cow::Owned(listed.into_owned()),
                in_list,
                via: via.map(owned),
            },
            Because::UnionOrigin { listed, members } => Because::UnionOrigin {
                listed: Cow::Owned(listed.into_owned()),
                members,
            },
            Because::Route {
                field,
                countries,
                listed,
                hit,
                via,
                unnamed,
            } => Because::Route {
                field,
                countries,
                listed: Cow::Owned(listed.into_owned()),
                hit,
                via: via.map(owned),
                unnamed,
            },
            Because::PartyName {
                field,
                value,
                names,
                matched,
            } => Because::PartyName {
                field,
                value,
                names: Cow::Owned(names.into_owned()),
                matched: matched.map(owned),
            },
            Because::Pattern {
                subject,
                value,
                pattern,
                matched,
            } => Because::Pattern {
                subject: subject.into_owned(),
                value,
                pattern: owned(pattern),
                matched,
            },
            Because::EndUser {
                end_user,
                consignee,
                same,
            } => Because::EndUser {
                end_user,
                consignee,
                same,
            },
            Because::Amount {
                field,
                value,
                unit,
                bounds,
                holds,
            } => Because::Amount {
                field,
                value,
                unit: owned(unit),
                bounds: Cow::Owned(bounds.into_owned()),
                holds,
            },
            Because::NotComparable {
                field,
                value,
                unit,
                bounds,
                rule_unit,
            } => Because::NotComparable {
                field,
                value,
                unit,
                bounds: Cow::Owned(bounds.into_owned()),
                rule_unit: owned(rule_unit),
            },
            Because::Attribute {
                name,
                value,
                test,
                holds,
            } => Because::Attribute {
                name: owned(name),
                value,
                test: test.into_owned(),
                holds,
            },
            Because::Licences {
                licences,
                pattern,
                matched,
            } => Because::Licences {
                licences,
                pattern: owned(pattern),
                matched,
            },
            Because::ControlCode {
                codes,
                listed,
                matched,
                within,
                group,
            } => Because::ControlCode {
                codes,
                listed: Cow::Owned(listed.into_owned()),
                matched,
                within,
                group: group.map(owned),
            },
            Because::Classification {
                codes,
                checked,
                classified,
            } => Because::Classification {
                codes,
                checked,
                classified,
            },
            Because::Given { fields, missing } => Because::Given {
                fields: Cow::Owned(fields.into_owned()),
                missing,
            },
            Because::Missing {
                subject,
                needed,
                counts_as_no_match,
            } => Because::Missing {
                subject: subject.into_owned(),
                needed: needed.into_owned(),
                counts_as_no_match,
            },
            Because::Licence(check) => Because::Licence(check),
            Because::Spike(figures) => Because::Spike(figures),
            Because::Quota(figures) => Because::Quota(figures),
            Because::NewParty(figures) => Because::NewParty(figures),
            Because::ListedParty(hit) => Because::ListedParty(hit),
            Because::Reexport(figures) => Because::Reexport(figures),
            Because::NotCounted {
                field,
                value,
                unit,
                rule_unit,
            } => Because::NotCounted {
                field,
                value,
                unit,
                rule_unit,
            },
            Because::HistoryKeyMissing { field, test } => Because::HistoryKeyMissing {
                field,
                test: owned(test),
            },
            Because::TotalTooLarge { key } => Because::TotalTooLarge { key },
            Because::Exemption { held, because } => Because::Exemption {
                held,
                because: because.into_iter().map(Because::into_owned).collect(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_hold_exactly_at_their_bounds() {
        let (one, two) = (Decimal::ONE, Decimal::TWO);
        let table = [
            (Comparison::Gt, [false, false, true]),
            (Comparison::Ge, [false, true, true]),
            (Comparison::Lt, [true, false, false]),
            (Comparison::Le, [true, true, false]),
            (Comparison::Eq, [false, true, false]),
        ];
        for (op, want) in table {
            // left below, equal to, above the bound
            let got = [op.holds(one, two), op.holds(two, two), op.holds(two, one)];
            assert_eq!(got, want, "{op:?}");
        }
    }

    #[test]
    fn flags_are_written_only_when_set() {
        let coarse = |excluded| Because::HsTooCoarse {
            value: "854231".parse().unwrap(),
            prefix: "8542310000".parse().unwrap(),
            group: None,
            excluded,
        };
        let json = serde_json::to_string(&coarse(true)).unwrap();
        assert!(json.contains(r#""excluded":true"#), "{json}");
        let json = serde_json::to_string(&coarse(false)).unwrap();
        assert!(!json.contains("excluded"), "{json}");
        let back: Because<'_> =
            serde_json::from_str(&serde_json::to_string(&coarse(true)).unwrap()).unwrap();
        assert_eq!(back, coarse(true));
    }

    /// Every legal form is an organisation's but a sole proprietor's (the type signal lowers
    /// an organisation's name against a person's entry, not a sole proprietor's).
    #[test]
    fn every_form_but_a_sole_proprietors_is_an_organisation() {
        let forms = [
            LegalForm::LimitedLiability,
            LegalForm::JointStock,
            LegalForm::PublicJointStock,
            LegalForm::ClosedJointStock,
            LegalForm::StateEnterprise,
            LegalForm::SoleProprietor,
            LegalForm::Corporation,
        ];
        let persons: Vec<&str> = forms
            .iter()
            .filter(|f| !f.is_organisation())
            .map(|f| f.as_str())
            .collect();
        assert_eq!(persons, ["sole_proprietor"]);
    }
}

/// What a list entry is (`parties::ofac::EntryKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EntryKind {
    /// A company or organisation.
    Entity,
    /// A person.
    Individual,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
}

/// A legal form of a party's name, by family: forms of one family compare equal (see
/// `parties::normalise`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum LegalForm {
    /// A limited liability company or partnership: ТОО, ЖШС, ООО, LLP, LLC, Ltd, GmbH, BV, SARL.
    LimitedLiability,
    /// A joint-stock company: АО, АҚ, JSC, AG, SA.
    JointStock,
    /// A public (formerly open) joint-stock company: ПАО, ОАО, PJSC, OJSC, PLC.
    PublicJointStock,
    /// A closed or non-public joint-stock company: ЗАО, НАО, CJSC.
    ClosedJointStock,
    /// A state enterprise: ГУП, ФГУП, РГП, ГКП, SOE.
    StateEnterprise,
    /// A sole proprietor: ИП, ЖК.
    SoleProprietor,
    /// A corporation or company without a more precise form: Inc, Corp, Co.
    Corporation,
}

impl LegalForm {
    /// Its name in the JSON (`limited_liability`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            LegalForm::LimitedLiability => "limited_liability",
            LegalForm::JointStock => "joint_stock",
            LegalForm::PublicJointStock => "public_joint_stock",
            LegalForm::ClosedJointStock => "closed_joint_stock",
            LegalForm::StateEnterprise => "state_enterprise",
            LegalForm::SoleProprietor => "sole_proprietor",
            LegalForm::Corporation => "corporation",
        }
    }

    /// Whether the form is that of an organisation (every form but a sole proprietor's, who is
    /// a person).
    pub fn is_organisation(self) -> bool {
        self != LegalForm::SoleProprietor
    }
}

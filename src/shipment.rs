//! Shipment records: the typed record the engine checks, and the field-by-field normalisation
//! every reader (CSV, JSON Lines, serde) goes through.
//!
//! Normalisation: HS codes lose dots and spaces and must have 6 to 10 digits; country codes are
//! upper-cased and must be assigned ISO 3166-1 codes; dates are ISO 8601; values and quantities
//! are exact decimals and not negative; currencies are three-letter codes, upper-cased; units are
//! lower-cased. An empty optional field is absent. Any field the format does not name is kept as
//! a free-form attribute.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::hs::HsCode;

/// Longest text a single field may hold, in bytes.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// The fields a record must have.
pub const REQUIRED_FIELDS: [&str; 5] = ["id", "date", "hs_code", "export_country", "destination"];

/// Every field name with a meaning of its own; other names are attributes.
pub const KNOWN_FIELDS: [&str; 17] = [
    "id",
    "date",
    "hs_code",
    "description",
    "origin",
    "export_country",
    "destination",
    "transit",
    "consignor",
    "consignee",
    "end_user",
    "value",
    "currency",
    "quantity",
    "unit",
    "licences",
    "attributes",
];

/// One shipment (or declaration line): what is shipped, from where, to whom, when.
///
/// Build one with [`Shipment::new`] and set the optional fields, read them with
/// [`crate::read`], or deserialize them with serde (field names as below; lists as arrays).
///
/// ```
/// use export_control::Shipment;
/// let mut s = Shipment::new("S-1", "2023-11-15".parse()?, "8542.31".parse()?, "KZ".parse()?, "RU".parse()?);
/// s.origin = Some("US".parse()?);
/// assert_eq!(s.hs_code.as_str(), "854231");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawShipment")]
#[non_exhaustive]
pub struct Shipment {
    /// The record's id (declaration number, order line...).
    pub id: String,
    /// The date of export; rules in force on it apply.
    pub date: NaiveDate,
    /// The commodity code, 6 to 10 digits.
    pub hs_code: HsCode,
    /// The goods description as declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the goods were made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<CountryCode>,
    /// Where they are declared for export: whose rules apply.
    pub export_country: CountryCode,
    /// Where they are going.
    pub destination: CountryCode,
    /// Countries passed through on the way, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transit: Vec<CountryCode>,
    /// The sender.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consignor: Option<String>,
    /// The receiver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consignee: Option<String>,
    /// Who finally uses the goods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_user: Option<String>,
    /// The declared value, in `currency`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    /// ISO 4217 code of `value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The quantity, in `unit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
    /// The unit of `quantity` (`pcs`, `kg`...), lower-case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Ids of the licences and permits the shipment carries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licences: Vec<String>,
    /// Any other field, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

impl Shipment {
    /// A shipment with the required fields; the optional ones start empty.
    pub fn new(
        id: impl Into<String>,
        date: NaiveDate,
        hs_code: HsCode,
        export_country: CountryCode,
        destination: CountryCode,
    ) -> Shipment {
        Shipment {
            id: id.into(),
            date,
            hs_code,
            description: None,
            origin: None,
            export_country,
            destination,
            transit: Vec::new(),
            consignor: None,
            consignee: None,
            end_user: None,
            value: None,
            currency: None,
            quantity: None,
            unit: None,
            licences: Vec::new(),
            attributes: BTreeMap::new(),
        }
    }
}

/// Why one field of a record is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldError {
    /// A required field is absent or empty.
    #[error("missing required field `{field}`")]
    Missing {
        /// The field.
        field: String,
    },
    /// A field whose value cannot be used.
    #[error("field `{field}` has invalid value `{value}`: {reason}")]
    Invalid {
        /// The field.
        field: String,
        /// The value as read (cut to 80 characters).
        value: String,
        /// Why.
        reason: String,
    },
}

impl FieldError {
    /// The field at fault.
    pub fn field(&self) -> &str {
        match self {
            FieldError::Missing { field } | FieldError::Invalid { field, .. } => field,
        }
    }

    fn invalid(field: &str, value: &str, reason: impl fmt::Display) -> FieldError {
        let shown: String = value.chars().take(80).collect();
        FieldError::Invalid {
            field: field.to_owned(),
            value: if shown.len() < value.len() {
                format!("{shown}...")
            } else {
                shown
            },
            reason: reason.to_string(),
        }
    }
}

/// A field's value as a reader found it.
#[derive(Debug, Clone)]
pub(crate) enum FieldValue<'a> {
    /// Text; for list fields, items are separated by `;`.
    Text(Cow<'a, str>),
    /// A list of texts (JSON arrays).
    List(Vec<Cow<'a, str>>),
    /// A map of texts (the JSON `attributes` object).
    Map(Vec<(String, String)>),
    /// Explicitly nothing (JSON `null`).
    Null,
}

/// Collects a record's fields one at a time, then checks it whole.
#[derive(Debug, Default)]
pub(crate) struct ShipmentBuilder {
    id: Option<String>,
    date: Option<NaiveDate>,
    hs_code: Option<HsCode>,
    description: Option<String>,
    origin: Option<CountryCode>,
    export_country: Option<CountryCode>,
    destination: Option<CountryCode>,
    transit: Vec<CountryCode>,
    consignor: Option<String>,
    consignee: Option<String>,
    end_user: Option<String>,
    value: Option<Decimal>,
    currency: Option<String>,
    quantity: Option<Decimal>,
    unit: Option<String>,
    licences: Vec<String>,
    attributes: BTreeMap<String, String>,
}

impl ShipmentBuilder {
    /// The id read so far, to name a record whose other fields are wrong.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// Whether a required field has been set.
    pub fn has(&self, name: &str) -> bool {
        match name {
            "id" => self.id.is_some(),
            "date" => self.date.is_some(),
            "hs_code" => self.hs_code.is_some(),
            "export_country" => self.export_country.is_some(),
            "destination" => self.destination.is_some(),
            _ => false,
        }
    }

    /// Sets one field by name; unknown names become attributes.
    pub fn set(&mut self, name: &str, value: FieldValue<'_>) -> Result<(), FieldError> {
        let name = name.trim();
        let field = Field::of(name);
        match value {
            FieldValue::Map(entries) => {
                if field != Field::Attributes {
                    return Err(FieldError::invalid(
                        name,
                        "{...}",
                        "expected a value, not an object",
                    ));
                }
                for (k, v) in entries {
                    self.set_attribute(&k, &v)?;
                }
                Ok(())
            }
            FieldValue::Null => self.set_text(field, name, ""),
            FieldValue::Text(text) => self.set_text(field, name, &text),
            FieldValue::List(items) if field.is_list() => {
                self.clear_list(field);
                for item in &items {
                    self.push_item(field, name, item)?;
                }
                Ok(())
            }
            FieldValue::List(_) => Err(FieldError::invalid(
                name,
                "[...]",
                "expected one value, not a list",
            )),
        }
    }

    /// Sets one field from its text (for lists: items separated by `;`). `name` is the field's
    /// name as written, for errors and attributes. An empty text leaves the field absent.
    pub fn set_text(&mut self, field: Field, name: &str, raw: &str) -> Result<(), FieldError> {
        if raw.len() > MAX_FIELD_BYTES {
            return Err(FieldError::invalid(
                name,
                raw,
                format!("longer than {MAX_FIELD_BYTES} bytes"),
            ));
        }
        if field.is_list() {
            self.clear_list(field);
            for item in raw.split(';') {
                self.push_item(field, name, item)?;
            }
            return Ok(());
        }
        let text = trim(raw);
        let some = (!text.is_empty()).then_some(text);
        match field {
            Field::Id => self.id = some.map(str::to_owned),
            Field::Date => self.date = some.map(|t| parse_date(name, t)).transpose()?,
            Field::HsCode => {
                self.hs_code = some
                    .map(|t| t.parse().map_err(|e| FieldError::invalid(name, t, e)))
                    .transpose()?;
            }
            Field::Description => self.description = some.map(str::to_owned),
            Field::Origin => self.origin = some.map(|t| parse_country(name, t)).transpose()?,
            Field::ExportCountry => {
                self.export_country = some.map(|t| parse_country(name, t)).transpose()?
            }
            Field::Destination => {
                self.destination = some.map(|t| parse_country(name, t)).transpose()?
            }
            Field::Consignor => self.consignor = some.map(str::to_owned),
            Field::Consignee => self.consignee = some.map(str::to_owned),
            Field::EndUser => self.end_user = some.map(str::to_owned),
            Field::Value => self.value = some.map(|t| parse_amount(name, t)).transpose()?,
            Field::Quantity => self.quantity = some.map(|t| parse_amount(name, t)).transpose()?,
            Field::Currency => {
                self.currency = some
                    .map(|t| {
                        if t.len() == 3 && t.chars().all(|c| c.is_ascii_alphabetic()) {
                            Ok(t.to_ascii_uppercase())
                        } else {
                            Err(FieldError::invalid(
                                name,
                                t,
                                "a currency is a three-letter ISO 4217 code",
                            ))
                        }
                    })
                    .transpose()?;
            }
            Field::Unit => self.unit = some.map(str::to_lowercase),
            Field::Attributes => {
                if some.is_some() {
                    return Err(FieldError::invalid(
                        name,
                        text,
                        "expected an object of attributes",
                    ));
                }
            }
            Field::Transit | Field::Licences => {}
            Field::Other => {
                if let Some(t) = some {
                    self.set_attribute(name, t)?;
                }
            }
        }
        Ok(())
    }

    fn clear_list(&mut self, field: Field) {
        match field {
            Field::Transit => self.transit.clear(),
            _ => self.licences.clear(),
        }
    }

    /// Adds one item to a list field; empty items are skipped.
    fn push_item(&mut self, field: Field, name: &str, item: &str) -> Result<(), FieldError> {
        let item = item.trim();
        if item.is_empty() {
            return Ok(());
        }
        if item.len() > MAX_FIELD_BYTES {
            return Err(FieldError::invalid(
                name,
                item,
                format!("longer than {MAX_FIELD_BYTES} bytes"),
            ));
        }
        match field {
            Field::Transit => self.transit.push(parse_country(name, item)?),
            _ => self.licences.push(item.to_owned()),
        }
        Ok(())
    }

    fn set_attribute(&mut self, name: &str, value: &str) -> Result<(), FieldError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(FieldError::invalid(
                "attributes",
                value,
                "an attribute needs a name",
            ));
        }
        if value.len() > MAX_FIELD_BYTES {
            return Err(FieldError::invalid(
                name,
                value,
                format!("longer than {MAX_FIELD_BYTES} bytes"),
            ));
        }
        let value = value.trim();
        if !value.is_empty() {
            self.attributes.insert(name.to_owned(), value.to_owned());
        }
        Ok(())
    }

    /// The record, or the first required field it lacks, or an inconsistency.
    pub fn build(self) -> Result<Shipment, FieldError> {
        let missing = |field: &str| FieldError::Missing {
            field: field.to_owned(),
        };
        if self.value.is_some() && self.currency.is_none() {
            return Err(missing("currency"));
        }
        if self.quantity.is_some() && self.unit.is_none() {
            return Err(missing("unit"));
        }
        Ok(Shipment {
            id: self.id.ok_or_else(|| missing("id"))?,
            date: self.date.ok_or_else(|| missing("date"))?,
            hs_code: self.hs_code.ok_or_else(|| missing("hs_code"))?,
            description: self.description,
            origin: self.origin,
            export_country: self
                .export_country
                .ok_or_else(|| missing("export_country"))?,
            destination: self.destination.ok_or_else(|| missing("destination"))?,
            transit: self.transit,
            consignor: self.consignor,
            consignee: self.consignee,
            end_user: self.end_user,
            value: self.value,
            currency: self.currency,
            quantity: self.quantity,
            unit: self.unit,
            licences: self.licences,
            attributes: self.attributes,
        })
    }
}

/// A record field, resolved from its name once (per column for CSV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Id,
    Date,
    HsCode,
    Description,
    Origin,
    ExportCountry,
    Destination,
    Transit,
    Consignor,
    Consignee,
    EndUser,
    Value,
    Currency,
    Quantity,
    Unit,
    Licences,
    Attributes,
    /// Any other name: a free-form attribute.
    Other,
}

impl Field {
    pub fn of(name: &str) -> Field {
        match name {
            "id" => Field::Id,
            "date" => Field::Date,
            "hs_code" => Field::HsCode,
            "description" => Field::Description,
            "origin" => Field::Origin,
            "export_country" => Field::ExportCountry,
            "destination" => Field::Destination,
            "transit" => Field::Transit,
            "consignor" => Field::Consignor,
            "consignee" => Field::Consignee,
            "end_user" => Field::EndUser,
            "value" => Field::Value,
            "currency" => Field::Currency,
            "quantity" => Field::Quantity,
            "unit" => Field::Unit,
            "licences" => Field::Licences,
            "attributes" => Field::Attributes,
            _ => Field::Other,
        }
    }

    fn is_list(self) -> bool {
        matches!(self, Field::Transit | Field::Licences)
    }
}

/// `str::trim`, with a fast path for the usual field that starts and ends in ASCII.
fn trim(raw: &str) -> &str {
    let text = raw.trim_ascii();
    // White space `trim_ascii` leaves: the vertical tab and non-ASCII spaces.
    let maybe_space = |b: &u8| !b.is_ascii() || *b == 0x0b;
    if text.as_bytes().first().is_some_and(maybe_space)
        || text.as_bytes().last().is_some_and(maybe_space)
    {
        text.trim()
    } else {
        text
    }
}

fn parse_country(field: &str, text: &str) -> Result<CountryCode, FieldError> {
    text.parse()
        .map_err(|e| FieldError::invalid(field, text, e))
}

/// An ISO 8601 date, or the date of an ISO 8601 date-time.
fn parse_date(field: &str, text: &str) -> Result<NaiveDate, FieldError> {
    if let Some(date) = plain_date(text) {
        return Ok(date);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(dt.date_naive());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(text, format) {
            return Ok(dt.date());
        }
    }
    Err(FieldError::invalid(
        field,
        text,
        "expected an ISO 8601 date YYYY-MM-DD that exists",
    ))
}

/// `YYYY-MM-DD`, the common case, read without a format parser; `None` for anything else.
fn plain_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

/// An exact, non-negative decimal, written out in full. Exponent notation (`1.23457E+11`) is
/// refused: spreadsheets write it after rounding, so the exact amount is already lost.
fn parse_amount(field: &str, text: &str) -> Result<Decimal, FieldError> {
    // Digit separators are allowed (`1_000`); most amounts have none and need no copy.
    let cleaned: Cow<'_, str> = if text.contains('_') {
        Cow::Owned(text.replace('_', ""))
    } else {
        Cow::Borrowed(text)
    };
    if cleaned.contains(['e', 'E']) {
        return Err(FieldError::invalid(
            field,
            text,
            "exponent notation is not exact: write the amount in full",
        ));
    }
    match Decimal::from_str_exact(&cleaned) {
        Ok(d) if d.is_sign_negative() && !d.is_zero() => {
            Err(FieldError::invalid(field, text, "it must not be negative"))
        }
        Ok(d) => Ok(d),
        Err(e) => Err(FieldError::invalid(
            field,
            text,
            format!("not an exact decimal number: {e}"),
        )),
    }
}

/// The serde form of a record: named fields whose values are text, numbers, lists or a map.
#[derive(Deserialize)]
#[serde(transparent)]
struct RawShipment(BTreeMap<String, RawField>);

#[derive(Deserialize)]
#[serde(untagged)]
enum RawField {
    Null(()),
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Text(String),
    List(Vec<RawField>),
    Map(BTreeMap<String, RawField>),
}

impl RawField {
    fn text(&self) -> Option<String> {
        match self {
            RawField::Null(()) => None,
            RawField::Bool(b) => Some(b.to_string()),
            RawField::Int(i) => Some(i.to_string()),
            RawField::UInt(u) => Some(u.to_string()),
            // Shortest text that reads back as the same float: exact for amounts written with
            // up to 15 significant digits. Write longer amounts as strings.
            RawField::Float(f) => Some(f.to_string()),
            RawField::Text(s) => Some(s.clone()),
            RawField::List(_) | RawField::Map(_) => None,
        }
    }
}

impl TryFrom<RawShipment> for Shipment {
    type Error = FieldError;
    fn try_from(raw: RawShipment) -> Result<Shipment, FieldError> {
        let mut builder = ShipmentBuilder::default();
        for (name, field) in raw.0 {
            let value = match &field {
                RawField::List(items) => FieldValue::List(
                    items
                        .iter()
                        .filter_map(RawField::text)
                        .map(Cow::Owned)
                        .collect(),
                ),
                RawField::Map(entries) => FieldValue::Map(
                    entries
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.text()?)))
                        .collect(),
                ),
                other => match other.text() {
                    Some(t) => FieldValue::Text(Cow::Owned(t)),
                    None => FieldValue::Null,
                },
            };
            builder.set(&name, value)?;
        }
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(fields: &[(&str, &str)]) -> Result<Shipment, FieldError> {
        let mut b = ShipmentBuilder::default();
        for (k, v) in fields {
            b.set(k, FieldValue::Text(Cow::Borrowed(v)))?;
        }
        b.build()
    }

    const BASE: [(&str, &str); 5] = [
        ("id", "S1"),
        ("date", "2023-11-15"),
        ("hs_code", "8542.31.0000"),
        ("export_country", "kz"),
        ("destination", " RU "),
    ];

    #[test]
    fn normalises_fields() {
        let mut fields = BASE.to_vec();
        fields.extend([
            ("transit", "by; am ;"),
            ("value", "1250.50"),
            ("currency", "usd"),
            ("quantity", "1_000"),
            ("unit", "PCS"),
            ("licences", "KZ-1;KZ-2"),
            ("buyer_type", " government "),
            ("origin", ""),
        ]);
        let s = build(&fields).unwrap();
        assert_eq!(s.hs_code.as_str(), "8542310000");
        assert_eq!(s.export_country.as_str(), "KZ");
        assert_eq!(s.destination.as_str(), "RU");
        assert_eq!(
            s.transit.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            ["BY", "AM"]
        );
        assert_eq!(s.value, Some("1250.50".parse().unwrap()));
        assert_eq!(s.currency.as_deref(), Some("USD"));
        assert_eq!(s.quantity, Some(Decimal::from(1000)));
        assert_eq!(s.unit.as_deref(), Some("pcs"));
        assert_eq!(s.licences, ["KZ-1", "KZ-2"]);
        assert_eq!(
            s.attributes.get("buyer_type").map(String::as_str),
            Some("government")
        );
        assert_eq!(s.origin, None);
    }

    #[test]
    fn trimming_equals_str_trim() {
        for text in [
            "",
            " ",
            "x",
            " x ",
            "\tx\r\n",
            "\u{0b}x\u{0b}",
            "\u{a0}x\u{2003}",
            " \u{a0} x",
            "x \u{85}",
            "\u{feff}x",
            "é",
            " é ",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn trimming_equals_str_trim_on_any_text(text in "[ \t\r\n\u{0b}\u{0c}\u{85}\u{a0}\u{2000}\u{3000}a-zé]{0,12}") {
            proptest::prop_assert_eq!(trim(&text), text.trim());
        }

        #[test]
        fn amounts_read_the_same_with_separators(whole in 0u64..10_000_000, cents in 0u32..100) {
            let plain = format!("{whole}.{cents:02}");
            let separated = format!("{}_{:03}.{cents:02}", whole / 1000, whole % 1000);
            let expected: Decimal = plain.parse().unwrap();
            proptest::prop_assert_eq!(parse_amount("value", &plain).unwrap(), expected);
            proptest::prop_assert_eq!(parse_amount("value", &separated).unwrap(), expected);
        }
    }

    #[test]
    fn required_fields_are_named() {
        for missing in REQUIRED_FIELDS {
            let fields: Vec<_> = BASE
                .iter()
                .copied()
                .filter(|(k, _)| *k != missing)
                .collect();
            assert_eq!(
                build(&fields).unwrap_err(),
                FieldError::Missing {
                    field: missing.into()
                }
            );
        }
    }

    #[test]
    fn bad_values_name_field_and_reason() {
        let cases = [
            ("date", "2023-02-30"),
            ("date", "15.11.2023"),
            ("hs_code", "8542AB"),
            ("hs_code", "8542"),
            ("destination", "XX"),
            ("destination", "Russia"),
            ("value", "-5"),
            ("value", "12,5"),
            ("value", "1.23457E+11"),
            ("currency", "US$"),
        ];
        for (field, value) in cases {
            let mut fields = BASE.to_vec();
            fields.push((field, value));
            let err = build(&fields).unwrap_err();
            assert_eq!(err.field(), field, "{field}={value}: {err}");
            assert!(matches!(err, FieldError::Invalid { .. }), "{err}");
        }
    }

    #[test]
    fn amounts_need_their_unit() {
        let mut fields = BASE.to_vec();
        fields.push(("value", "10"));
        assert_eq!(build(&fields).unwrap_err().field(), "currency");
        let mut fields = BASE.to_vec();
        fields.push(("quantity", "10"));
        assert_eq!(build(&fields).unwrap_err().field(), "unit");
    }

    #[test]
    fn date_times_give_their_date() {
        for text in [
            "2023-11-15T23:30:00Z",
            "2023-11-15T10:00:00+06:00",
            "2023-11-15 10:00:00",
        ] {
            assert_eq!(parse_date("date", text).unwrap().to_string(), "2023-11-15");
        }
    }

    #[test]
    fn serde_round_trip() {
        let mut fields = BASE.to_vec();
        fields.extend([("value", "1000"), ("currency", "EUR"), ("note", "x")]);
        let s = build(&fields).unwrap();
        assert_eq!(s.value, Some(Decimal::from(1000)));
        let json = serde_json::to_string(&s).unwrap();
        let back: Shipment = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn serde_accepts_numbers_and_arrays() {
        let json = r#"{"id": 7, "date": "2023-01-02", "hs_code": "930190", "export_country": "KZ",
            "destination": "CN", "transit": ["KG"], "value": 12.5, "currency": "USD",
            "attributes": {"buyer_type": "government"}, "lot": 3}"#;
        let s: Shipment = serde_json::from_str(json).unwrap();
        assert_eq!(s.id, "7");
        assert_eq!(s.value, Some("12.5".parse().unwrap()));
        assert_eq!(s.transit.len(), 1);
        assert_eq!(s.attributes.get("lot").map(String::as_str), Some("3"));
        assert_eq!(
            s.attributes.get("buyer_type").map(String::as_str),
            Some("government")
        );
        let bad = r#"{"id": "x", "date": "2023-01-02", "hs_code": "93", "export_country": "KZ", "destination": "CN"}"#;
        let err = serde_json::from_str::<Shipment>(bad).unwrap_err();
        assert!(err.to_string().contains("hs_code"), "{err}");
    }
}

//! Shipment records: the typed record the engine checks, and the field-by-field normalisation
//! every reader (CSV, JSON Lines, serde, test cases) goes through.
//!
//! One table names the fields ([`Field`]); [`normalise`](self) turns each value as written into
//! its type (see the module docs of `normalise` for the rules), and a builder checks the record
//! whole. An empty optional field is absent. A field given twice makes the record invalid.

mod builder;
mod fields;
mod normalise;
mod raw;

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

#[cfg(any(feature = "read", feature = "authoring"))]
pub(crate) use builder::{FieldValue, ShipmentBuilder};
pub use fields::Field;
#[cfg(feature = "authoring")]
pub(crate) use fields::NAMES as FIELD_NAMES;

use crate::control::{ControlCheck, ControlCode};
use crate::country::CountryCode;
use crate::hs::HsCode;

/// Longest text a single field may hold, in bytes.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// The largest value or quantity a record may declare: 10^18 (a billion billion). Larger ones
/// are errors, not amounts: no shipment is worth that much in any currency, and sums of up to
/// ten billion such amounts still fit a `Decimal`.
pub const MAX_AMOUNT: u64 = 1_000_000_000_000_000_000;

/// The earliest year a record's date may lie in.
pub const FIRST_YEAR: i32 = 1900;

/// The latest year a record's date may lie in.
pub const LAST_YEAR: i32 = 2100;

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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "raw::RawShipment")]
#[non_exhaustive]
pub struct Shipment {
    /// The record's id (declaration number, order line...).
    pub id: String,
    /// The date of export; rules in force on it apply.
    pub date: NaiveDate,
    /// The commodity code, 6 to 10 digits.
    pub hs_code: HsCode,
    /// The goods description as declared.
    pub description: Option<String>,
    /// Where the goods were made.
    pub origin: Option<CountryCode>,
    /// Where they are declared for export: whose rules apply.
    pub export_country: CountryCode,
    /// Where they are going.
    pub destination: CountryCode,
    /// Countries passed through on the way, in order: those known.
    pub transit: Vec<CountryCode>,
    /// Whether the route passed through a country the record does not name (a transit item
    /// `ZZ`, `XX` or `XZ`, or no `transit` field at all in the file it was read from): a rule
    /// about the transit countries that `transit` does not meet cannot be told. Written back
    /// as a `ZZ` item.
    pub transit_unknown: bool,
    /// The sender.
    pub consignor: Option<String>,
    /// The receiver.
    pub consignee: Option<String>,
    /// Who finally uses the goods.
    pub end_user: Option<String>,
    /// The declared value, in `currency`.
    pub value: Option<Decimal>,
    /// ISO 4217 code of `value`.
    pub currency: Option<String>,
    /// The quantity, in `unit`.
    pub quantity: Option<Decimal>,
    /// The unit of `quantity` (`pcs`, `kg`...), lower-case.
    pub unit: Option<String>,
    /// Ids of the licences and permits the shipment carries.
    pub licences: Vec<String>,
    /// The control-list entries the goods are classified under (see [`crate::control`]).
    pub control_codes: Vec<ControlCode>,
    /// That the goods were classified against a control list; with no `control_codes`, they
    /// are classified as not controlled.
    pub control_list_checked: Option<ControlCheck>,
    /// Any other field, by name.
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
            transit_unknown: false,
            consignor: None,
            consignee: None,
            end_user: None,
            value: None,
            currency: None,
            quantity: None,
            unit: None,
            licences: Vec::new(),
            control_codes: Vec::new(),
            control_list_checked: None,
            attributes: BTreeMap::new(),
        }
    }
}

impl Serialize for Shipment {
    /// The record's fields by name, empty ones left out except `transit`, which is always
    /// written (`[]`: no transit; left out, a reader takes the route as unknown); an unknown
    /// transit country is written as a `ZZ` item.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Transit<'a>(&'a Shipment);
        impl Serialize for Transit<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let unknown = self.0.transit_unknown.then_some("ZZ");
                s.collect_seq(
                    self.0
                        .transit
                        .iter()
                        .map(CountryCode::as_str)
                        .chain(unknown),
                )
            }
        }
        #[derive(Serialize)]
        struct Wire<'a> {
            id: &'a str,
            date: NaiveDate,
            hs_code: HsCode,
            #[serde(skip_serializing_if = "Option::is_none")]
            description: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            origin: Option<CountryCode>,
            export_country: CountryCode,
            destination: CountryCode,
            transit: Transit<'a>,
            #[serde(skip_serializing_if = "Option::is_none")]
            consignor: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            consignee: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            end_user: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            value: Option<Decimal>,
            #[serde(skip_serializing_if = "Option::is_none")]
            currency: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            quantity: Option<Decimal>,
            #[serde(skip_serializing_if = "Option::is_none")]
            unit: Option<&'a str>,
            #[serde(skip_serializing_if = "<[String]>::is_empty")]
            licences: &'a [String],
            #[serde(skip_serializing_if = "<[ControlCode]>::is_empty")]
            control_codes: &'a [ControlCode],
            #[serde(skip_serializing_if = "Option::is_none")]
            control_list_checked: Option<ControlCheck>,
            #[serde(skip_serializing_if = "BTreeMap::is_empty")]
            attributes: &'a BTreeMap<String, String>,
        }
        Wire {
            id: &self.id,
            date: self.date,
            hs_code: self.hs_code,
            description: self.description.as_deref(),
            origin: self.origin,
            export_country: self.export_country,
            destination: self.destination,
            transit: Transit(self),
            consignor: self.consignor.as_deref(),
            consignee: self.consignee.as_deref(),
            end_user: self.end_user.as_deref(),
            value: self.value,
            currency: self.currency.as_deref(),
            quantity: self.quantity,
            unit: self.unit.as_deref(),
            licences: &self.licences,
            control_codes: &self.control_codes,
            control_list_checked: self.control_list_checked,
            attributes: &self.attributes,
        }
        .serialize(s)
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
    /// A name that is not a field (JSON records, test cases).
    #[error("unknown field `{name}`{}: free-form attributes go under `attributes`", suggestion.map(|f| format!(" (did you mean `{f}`?)")).unwrap_or_default())]
    Unknown {
        /// The name as written.
        name: String,
        /// The field it most likely means.
        suggestion: Option<Field>,
    },
    /// A field given twice in one record.
    #[error("field `{field}` is given twice")]
    Duplicate {
        /// The field (`attributes.NAME` for an attribute).
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
            FieldError::Missing { field }
            | FieldError::Invalid { field, .. }
            | FieldError::Duplicate { field } => field,
            FieldError::Unknown { name, .. } => name,
        }
    }

    pub(crate) fn invalid(field: &str, value: &str, reason: impl fmt::Display) -> FieldError {
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

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::builder::{FieldValue, ShipmentBuilder};
    use super::normalise::{amount, date, trim};
    use super::*;

    fn build(fields: &[(&str, &str)]) -> Result<Shipment, FieldError> {
        let mut b = ShipmentBuilder::default();
        for (k, v) in fields {
            match Field::from_name(k) {
                Some(field) => b.set(field, FieldValue::Text(Cow::Borrowed(v)))?,
                None => b.set_attribute(k, v)?,
            }
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
            proptest::prop_assert_eq!(amount(Field::Value, &plain).unwrap(), expected);
            proptest::prop_assert_eq!(amount(Field::Value, &separated).unwrap(), expected);
        }
    }

    #[test]
    fn required_fields_are_named() {
        for missing in Field::required().map(Field::name) {
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
            // Ten characters of digits, but not ISO 8601's separators.
            ("date", "2023/11/15"),
            ("date", "2023-11/15"),
            ("date", "2023/11-15"),
            ("hs_code", "8542AB"),
            ("hs_code", "8542"),
            ("destination", "XX"),
            ("destination", "EU"),
            ("destination", "QQ"),
            ("destination", "Russia"),
            ("value", "-5"),
            ("value", "12,5"),
            ("value", "1.23457E+11"),
            ("currency", "US$"),
        ];
        for (field, value) in cases {
            let mut fields: Vec<_> = BASE.iter().copied().filter(|(k, _)| *k != field).collect();
            fields.push((field, value));
            let err = build(&fields).unwrap_err();
            assert_eq!(err.field(), field, "{field}={value}: {err}");
            assert!(matches!(err, FieldError::Invalid { .. }), "{err}");
        }
    }

    #[test]
    fn dates_and_amounts_are_bounded() {
        // The bounds written out (1900 to 2100, at most 10^18), not through the constants.
        for (text, ok) in [
            ("1899-12-31", false),
            ("1900-01-01", true),
            ("2100-12-31", true),
            ("2101-01-01", false),
            ("2101-01-01T00:00:00Z", false),
            ("1899-12-31 23:59:59", false),
        ] {
            assert_eq!(date(Field::Date, text).is_ok(), ok, "{text}");
        }
        for (text, ok) in [
            ("1000000000000000000", true),
            ("1_000_000_000_000_000_000.00", true),
            ("1000000000000000000.01", false),
            ("1000000000000000001", false),
            ("0", true),
            ("-0", true),
        ] {
            let got = amount(Field::Value, text);
            assert_eq!(got.is_ok(), ok, "{text}: {got:?}");
            if let Err(e) = got {
                assert!(
                    e.to_string().contains("larger than the largest amount"),
                    "{e}"
                );
            }
        }
    }

    #[test]
    fn a_field_given_twice_is_an_error() {
        let mut fields = BASE.to_vec();
        fields.push(("destination", "CN"));
        assert_eq!(
            build(&fields).unwrap_err(),
            FieldError::Duplicate {
                field: "destination".into()
            }
        );
        let mut b = ShipmentBuilder::default();
        b.set_attribute("lot", "1").unwrap();
        assert_eq!(
            b.set_attribute("lot", "2").unwrap_err().field(),
            "attributes.lot"
        );
    }

    #[test]
    fn a_field_holds_at_most_64_kib() {
        // The limit written out, not through the constant: a mistyped constant (64 + 1024)
        // would refuse ordinary long descriptions.
        let limit = 65_536;
        for (n, fits) in [(limit, true), (limit + 1, false)] {
            let text = "x".repeat(n);
            let refused = |e: FieldError, field: &str| {
                assert_eq!(e.field(), field);
                assert!(e.to_string().contains("longer than 65536 bytes"), "{e}");
            };
            // A field of text, an attribute's value, and an item of a list given as a list.
            for name in ["description", "lot"] {
                let mut fields = BASE.to_vec();
                fields.push((name, &text));
                match build(&fields) {
                    Ok(s) if fits => {
                        let got = match name {
                            "description" => s.description.as_deref(),
                            _ => s.attributes.get(name).map(String::as_str),
                        };
                        assert_eq!(got.map(str::len), Some(n), "{name}");
                    }
                    Ok(_) => panic!("{name} of {n} bytes was read"),
                    Err(e) if !fits => refused(e, name),
                    Err(e) => panic!("{name} of {n} bytes: {e}"),
                }
            }
            let mut b = ShipmentBuilder::default();
            let item = FieldValue::List(vec![Cow::Borrowed("L-1"), Cow::Owned(text.clone())]);
            match b.set(Field::Licences, item) {
                Ok(()) => assert!(fits, "a licence of {n} bytes was read"),
                Err(e) => {
                    assert!(!fits, "a licence of {n} bytes: {e}");
                    refused(e, "licences");
                }
            }
        }
    }

    #[test]
    fn an_invalid_value_is_shown_up_to_80_characters() {
        let shown = |value: &str| match FieldError::invalid("currency", value, "bad") {
            FieldError::Invalid { value, .. } => value,
            other => panic!("{other:?}"),
        };
        let x80 = "x".repeat(80);
        assert_eq!(shown(&x80), x80);
        assert_eq!(shown(&"x".repeat(81)), format!("{x80}..."));
        // Characters, not bytes: a value of 80 two-byte characters is shown whole.
        assert_eq!(shown(&"é".repeat(80)), "é".repeat(80));
        assert_eq!(shown(&"é".repeat(81)), format!("{}...", "é".repeat(80)));
    }

    #[test]
    fn attribute_names_cannot_hide_or_shadow() {
        let mut b = ShipmentBuilder::default();
        for name in [
            "",
            " lot",
            "lot ",
            "lo\tt",
            "lot\n",
            "lot\u{a0}",
            "a\u{0}b",
            "destination",
        ] {
            let err = b.set_attribute(name, "x").unwrap_err();
            assert_eq!(err.field(), "attributes", "{name:?}: {err}");
        }
        b.set_attribute("buyer type", "government").unwrap();
    }

    #[test]
    fn unknown_origin_is_missing_and_eu_is_an_origin_only() {
        let with = |field: &'static str, value: &'static str| {
            let mut fields: Vec<_> = BASE.iter().copied().filter(|(k, _)| *k != field).collect();
            fields.push((field, value));
            build(&fields)
        };
        assert_eq!(with("origin", "ZZ").unwrap().origin, None);
        assert_eq!(with("origin", "xx").unwrap().origin, None);
        assert_eq!(
            with("origin", "EU").unwrap().origin,
            Some(crate::country::CountryCode::EU)
        );
        assert_eq!(
            with("destination", "XK").unwrap().destination,
            crate::country::CountryCode::XK
        );
        let err = with("export_country", "ZZ").unwrap_err();
        assert!(err.to_string().contains("unknown country"), "{err}");
        let s = with("transit", "KG;ZZ").unwrap();
        assert_eq!(s.transit.len(), 1);
        assert!(s.transit_unknown);
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains(r#""transit":["KG","ZZ"]"#), "{json}");
        assert_eq!(serde_json::from_str::<Shipment>(&json).unwrap(), s);
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
            assert_eq!(date(Field::Date, text).unwrap().to_string(), "2023-11-15");
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
            "attributes": {"buyer_type": "government", "lot": 3, "note": null}}"#;
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
        let typo = r#"{"id": "x", "date": "2023-01-02", "hs_code": "930190", "export_country": "KZ", "destination": "CN", "orign": "RU"}"#;
        let err = serde_json::from_str::<Shipment>(typo)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown field `orign`") && err.contains("did you mean `origin`"),
            "{err}"
        );
        let nested = r#"{"id": "x", "date": "2023-01-02", "hs_code": "930190", "export_country": "KZ", "destination": "CN", "transit": [["RU"]]}"#;
        assert!(serde_json::from_str::<Shipment>(nested).is_err());
        let twice = r#"{"id": "x", "date": "2023-01-02", "hs_code": "930190", "export_country": "KZ", "destination": "RU", "destination": "CN"}"#;
        assert!(serde_json::from_str::<Shipment>(twice).is_err());
        // A record that is not an object is told so (not what a field may hold).
        for not_an_object in ["[1]", "\"x\"", "7", "null"] {
            let err = serde_json::from_str::<Shipment>(not_an_object).unwrap_err();
            assert!(
                err.to_string()
                    .contains("expected a shipment: an object of fields"),
                "{not_an_object}: {err}"
            );
        }
    }
}

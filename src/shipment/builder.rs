//! Collecting a record's fields one at a time, whatever the reader, then checking it whole.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::normalise::{self, Country, trim};
use super::{Field, FieldError, MAX_FIELD_BYTES, Shipment};
use crate::control::{ControlCheck, ControlCode};
use crate::country::CountryCode;
use crate::hs::HsCode;

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

/// Collects a record's fields one at a time, then checks it whole. A field given twice is an
/// error, so no reader can let a later value silently replace an earlier one.
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
    transit_unknown: bool,
    consignor: Option<String>,
    consignee: Option<String>,
    end_user: Option<String>,
    value: Option<Decimal>,
    currency: Option<String>,
    quantity: Option<Decimal>,
    unit: Option<String>,
    licences: Vec<String>,
    control_codes: Vec<ControlCode>,
    control_list_checked: Option<ControlCheck>,
    attributes: BTreeMap<String, String>,
    /// The fields given so far, one bit each.
    given: u32,
}

impl ShipmentBuilder {
    /// Whether a field was given (possibly empty).
    pub fn given(&self, field: Field) -> bool {
        self.given & (1 << field as u32) != 0
    }

    /// Sets the field a name names; a name that is not a field is an error that suggests the
    /// closest field (attributes go under `attributes`).
    pub fn set_named(&mut self, name: &str, value: FieldValue<'_>) -> Result<(), FieldError> {
        match Field::from_name(name) {
            Some(field) => self.set(field, value),
            None => Err(FieldError::Unknown {
                name: name.to_owned(),
                suggestion: Field::closest(name),
            }),
        }
    }

    /// Sets one field.
    pub fn set(&mut self, field: Field, value: FieldValue<'_>) -> Result<(), FieldError> {
        match value {
            FieldValue::Map(entries) => {
                if field != Field::Attributes {
                    return Err(FieldError::invalid(
                        field.name(),
                        "{...}",
                        "expected a value, not an object",
                    ));
                }
                self.mark(field)?;
                for (k, v) in entries {
                    self.set_attribute(&k, &v)?;
                }
                Ok(())
            }
            FieldValue::Null => self.set_text(field, ""),
            FieldValue::Text(text) => self.set_text(field, &text),
            FieldValue::List(items) if field.is_list() => {
                self.mark(field)?;
                for item in &items {
                    self.push_item(field, item)?;
                }
                Ok(())
            }
            FieldValue::List(_) => Err(FieldError::invalid(
                field.name(),
                "[...]",
                "expected one value, not a list",
            )),
        }
    }

    /// Records that `field` was given; an error if it was given before.
    fn mark(&mut self, field: Field) -> Result<(), FieldError> {
        if self.given(field) {
            return Err(FieldError::Duplicate {
                field: field.name().to_owned(),
            });
        }
        self.given |= 1 << field as u32;
        Ok(())
    }

    /// Sets one field from its text (for lists: items separated by `;`). An empty text leaves
    /// the field absent.
    pub fn set_text(&mut self, field: Field, raw: &str) -> Result<(), FieldError> {
        let name = field.name();
        if raw.len() > MAX_FIELD_BYTES {
            return Err(FieldError::invalid(
                name,
                raw,
                format!("longer than {MAX_FIELD_BYTES} bytes"),
            ));
        }
        self.mark(field)?;
        if field.is_list() {
            for item in raw.split(';') {
                self.push_item(field, item)?;
            }
            return Ok(());
        }
        let text = trim(raw);
        let some = (!text.is_empty()).then_some(text);
        let owned = |t: &str| t.to_owned();
        match field {
            Field::Id => self.id = some.map(owned),
            Field::Date => self.date = some.map(|t| normalise::date(field, t)).transpose()?,
            Field::HsCode => {
                self.hs_code = some
                    .map(|t| t.parse().map_err(|e| FieldError::invalid(name, t, e)))
                    .transpose()?;
            }
            Field::Description => self.description = some.map(owned),
            Field::Origin => {
                self.origin = match some.map(|t| normalise::country(field, t)).transpose()? {
                    Some(Country::Known(code)) => Some(code),
                    // An unknown origin is a missing origin: rules that need it cannot be told.
                    Some(Country::Unknown) | None => None,
                }
            }
            Field::ExportCountry | Field::Destination => {
                let code = match some.map(|t| normalise::country(field, t)).transpose()? {
                    Some(Country::Known(code)) => Some(code),
                    Some(Country::Unknown) => {
                        return Err(FieldError::invalid(
                            name,
                            text,
                            format!(
                                "the code means an unknown country, and a record needs its {name}"
                            ),
                        ));
                    }
                    None => None,
                };
                if field == Field::ExportCountry {
                    self.export_country = code;
                } else {
                    self.destination = code;
                }
            }
            Field::Consignor => self.consignor = some.map(owned),
            Field::Consignee => self.consignee = some.map(owned),
            Field::EndUser => self.end_user = some.map(owned),
            Field::Value => self.value = some.map(|t| normalise::amount(field, t)).transpose()?,
            Field::Quantity => {
                self.quantity = some.map(|t| normalise::amount(field, t)).transpose()?;
            }
            Field::Currency => {
                self.currency = some.map(|t| normalise::currency(field, t)).transpose()?;
            }
            Field::Unit => self.unit = some.map(str::to_lowercase),
            Field::ControlListChecked => {
                self.control_list_checked =
                    some.map(normalise::control_check).transpose()?.flatten();
            }
            Field::Attributes => {
                if some.is_some() {
                    return Err(FieldError::invalid(
                        name,
                        text,
                        "expected an object of attributes",
                    ));
                }
            }
            Field::Transit | Field::Licences | Field::ControlCodes => {}
        }
        Ok(())
    }

    /// Adds one item to a list field; empty items are skipped.
    fn push_item(&mut self, field: Field, item: &str) -> Result<(), FieldError> {
        let name = field.name();
        let item = trim(item);
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
            Field::Transit => match normalise::country(field, item)? {
                Country::Known(code) => self.transit.push(code),
                Country::Unknown => self.transit_unknown = true,
            },
            Field::ControlCodes => {
                let code = item
                    .parse::<ControlCode>()
                    .map_err(|e| FieldError::invalid(name, item, e))?;
                if !self.control_codes.contains(&code) {
                    self.control_codes.push(code);
                }
            }
            _ => self.licences.push(item.to_owned()),
        }
        Ok(())
    }

    /// Sets a free-form attribute. Its name must be printable text without white space at
    /// either end, must not be a field's name, and must not be given twice: a disguised or
    /// repeated name could otherwise change what a rule sees.
    pub fn set_attribute(&mut self, name: &str, value: &str) -> Result<(), FieldError> {
        let bad_name = |reason: &str| {
            Err(FieldError::invalid(
                "attributes",
                name,
                format!("attribute name {reason}"),
            ))
        };
        if name.is_empty() {
            return bad_name("is empty");
        }
        if name.chars().any(char::is_control) {
            return bad_name("holds a control character");
        }
        if name.trim() != name || name.chars().any(|c| c.is_whitespace() && c != ' ') {
            return bad_name("holds white space other than inner spaces");
        }
        if let Some(field) = Field::from_name(name) {
            return bad_name(&format!("is the name of the field `{field}`"));
        }
        if value.len() > MAX_FIELD_BYTES {
            return Err(FieldError::invalid(
                name,
                value,
                format!("longer than {MAX_FIELD_BYTES} bytes"),
            ));
        }
        if self.attributes.contains_key(name) {
            return Err(FieldError::Duplicate {
                field: format!("attributes.{name}"),
            });
        }
        // Kept even when empty, so that a name given twice is caught whatever its first
        // value; empty ones are dropped when the record is built.
        self.attributes
            .insert(name.to_owned(), trim(value).to_owned());
        Ok(())
    }

    /// The record, or the first required field it lacks, or an inconsistency.
    pub fn build(self) -> Result<Shipment, FieldError> {
        let missing = |field: Field| FieldError::Missing {
            field: field.name().to_owned(),
        };
        if self.value.is_some() && self.currency.is_none() {
            return Err(missing(Field::Currency));
        }
        if self.quantity.is_some() && self.unit.is_none() {
            return Err(missing(Field::Unit));
        }
        let route_given = self.given(Field::Transit);
        let mut attributes = self.attributes;
        attributes.retain(|_, value| !value.is_empty());
        Ok(Shipment {
            id: self.id.ok_or_else(|| missing(Field::Id))?,
            date: self.date.ok_or_else(|| missing(Field::Date))?,
            hs_code: self.hs_code.ok_or_else(|| missing(Field::HsCode))?,
            description: self.description,
            origin: self.origin,
            export_country: self
                .export_country
                .ok_or_else(|| missing(Field::ExportCountry))?,
            destination: self
                .destination
                .ok_or_else(|| missing(Field::Destination))?,
            transit: self.transit,
            // A record that does not say its route at all (no `transit` column or key) cannot
            // tell a rule about transit countries anything; one that gives it empty has none.
            transit_unknown: self.transit_unknown || !route_given,
            consignor: self.consignor,
            consignee: self.consignee,
            end_user: self.end_user,
            value: self.value,
            currency: self.currency,
            quantity: self.quantity,
            unit: self.unit,
            licences: self.licences,
            control_codes: self.control_codes,
            control_list_checked: self.control_list_checked,
            attributes,
        })
    }
}

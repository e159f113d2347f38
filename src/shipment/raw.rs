//! The serde form of a record: named fields whose values are text, numbers, lists or a map,
//! kept in the order written so that a field given twice is reported, not silently replaced.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::builder::{FieldValue, ShipmentBuilder};
use super::{FieldError, Shipment};

/// A record's fields in the order written.
pub(crate) struct RawShipment(Vec<(String, RawField)>);

/// One value of the serde form.
enum RawField {
    Null,
    /// Booleans and numbers as their text, strings as they are.
    Text(String),
    List(Vec<RawField>),
    Map(Vec<(String, RawField)>),
}

impl RawField {
    fn text(&self) -> Option<String> {
        match self {
            RawField::Text(s) => Some(s.clone()),
            RawField::Null | RawField::List(_) | RawField::Map(_) => None,
        }
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawField;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number, boolean, list or object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawField, E> {
        Ok(RawField::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<RawField, E> {
        Ok(RawField::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawField, D::Error> {
        d.deserialize_any(RawVisitor)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawField, E> {
        Ok(RawField::Text(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawField, E> {
        Ok(RawField::Text(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawField, E> {
        Ok(RawField::Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawField, E> {
        // Shortest text that reads back as the same float: exact for amounts written with up to
        // 15 significant digits. Write longer amounts as strings (the JSON Lines reader keeps
        // every digit of a number as written).
        Ok(RawField::Text(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawField, E> {
        Ok(RawField::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<RawField, E> {
        Ok(RawField::Text(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawField, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(RawSeed)? {
            items.push(item);
        }
        Ok(RawField::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawField, A::Error> {
        entries(map).map(RawField::Map)
    }
}

/// An object's entries, in the order written.
fn entries<'de, A: MapAccess<'de>>(mut map: A) -> Result<Vec<(String, RawField)>, A::Error> {
    let mut entries = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        entries.push((key, map.next_value_seed(RawSeed)?));
    }
    Ok(entries)
}

/// The record itself: an object of fields (its error names that, not what a field may hold).
struct ShipmentVisitor;

impl<'de> Visitor<'de> for ShipmentVisitor {
    type Value = RawShipment;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a shipment: an object of fields")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawShipment, A::Error> {
        entries(map).map(RawShipment)
    }
}

struct RawSeed;

impl<'de> de::DeserializeSeed<'de> for RawSeed {
    type Value = RawField;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawField, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

impl<'de> Deserialize<'de> for RawShipment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ShipmentVisitor)
    }
}

impl TryFrom<RawShipment> for Shipment {
    type Error = FieldError;
    fn try_from(raw: RawShipment) -> Result<Shipment, FieldError> {
        let mut builder = ShipmentBuilder::default();
        for (name, field) in raw.0 {
            // Nothing is dropped silently: a list item or attribute that is not a plain value
            // makes the record invalid.
            let nested = |what: &str| FieldError::invalid(&name, what, "expected plain values");
            let value = match &field {
                RawField::List(items) => FieldValue::List(
                    items
                        .iter()
                        .map(|item| item.text().map(Cow::Owned).ok_or_else(|| nested("[...]")))
                        .collect::<Result<_, _>>()?,
                ),
                RawField::Map(entries) => FieldValue::Map(
                    entries
                        .iter()
                        .map(|(k, v)| match v {
                            // `null` is an empty value, still a name given.
                            RawField::Null => Ok((k.clone(), String::new())),
                            v => Ok((k.clone(), v.text().ok_or_else(|| nested("{...}"))?)),
                        })
                        .collect::<Result<_, FieldError>>()?,
                ),
                RawField::Text(t) => FieldValue::Text(Cow::Borrowed(t)),
                RawField::Null => FieldValue::Null,
            };
            builder.set_named(&name, value)?;
        }
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeSeed as _;
    use serde::de::value::{BytesDeserializer, Error};

    use super::*;

    #[test]
    fn a_value_of_another_kind_says_what_a_field_may_hold() {
        // JSON has no value a field cannot hold; other formats do (bytes).
        let err = RawSeed
            .deserialize(BytesDeserializer::<Error>::new(b"x"))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("invalid type: byte array, expected a string, number, boolean, list or object")
        );
    }
}

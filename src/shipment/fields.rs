//! The record's field names: one table, read by every reader, the rule test cases and the
//! verdict's reasons, so a field is named the same way everywhere.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::suggest;

/// A field of a shipment record with a meaning of its own. Any other name is a free-form
/// attribute (`attributes.NAME`).
///
/// ```
/// use export_control::shipment::Field;
/// assert_eq!(Field::from_name("hs_code"), Some(Field::HsCode));
/// assert_eq!(Field::HsCode.name(), "hs_code");
/// assert!(Field::Destination.is_required());
/// assert_eq!(Field::closest("orign"), Some(Field::Origin));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Field {
    /// The record's id.
    Id,
    /// The date of export.
    Date,
    /// The commodity code.
    HsCode,
    /// The goods description.
    Description,
    /// Where the goods were made.
    Origin,
    /// Where they are declared for export.
    ExportCountry,
    /// Where they are going.
    Destination,
    /// Countries passed through (a list).
    Transit,
    /// The sender.
    Consignor,
    /// The receiver.
    Consignee,
    /// Who finally uses the goods.
    EndUser,
    /// The declared value.
    Value,
    /// The currency of the value.
    Currency,
    /// The quantity.
    Quantity,
    /// The unit of the quantity.
    Unit,
    /// Licence and permit ids (a list).
    Licences,
    /// Entries of control lists the goods are classified under (a list: `3A001.a.2`, `ML10`).
    ControlCodes,
    /// That the goods were classified against a control list: a date, or `true`.
    ControlListChecked,
    /// Free-form attributes (an object in JSON).
    Attributes,
}

/// What the table says of one field.
struct Spec {
    field: Field,
    name: &'static str,
    required: bool,
    list: bool,
}

const fn spec(field: Field, name: &'static str, required: bool, list: bool) -> Spec {
    Spec {
        field,
        name,
        required,
        list,
    }
}

/// Every field, in the order records are usually written.
const TABLE: [Spec; 19] = [
    spec(Field::Id, "id", true, false),
    spec(Field::Date, "date", true, false),
    spec(Field::HsCode, "hs_code", true, false),
    spec(Field::Description, "description", false, false),
    spec(Field::Origin, "origin", false, false),
    spec(Field::ExportCountry, "export_country", true, false),
    spec(Field::Destination, "destination", true, false),
    spec(Field::Transit, "transit", false, true),
    spec(Field::Consignor, "consignor", false, false),
    spec(Field::Consignee, "consignee", false, false),
    spec(Field::EndUser, "end_user", false, false),
    spec(Field::Value, "value", false, false),
    spec(Field::Currency, "currency", false, false),
    spec(Field::Quantity, "quantity", false, false),
    spec(Field::Unit, "unit", false, false),
    spec(Field::Licences, "licences", false, true),
    spec(Field::ControlCodes, "control_codes", false, true),
    spec(
        Field::ControlListChecked,
        "control_list_checked",
        false,
        false,
    ),
    spec(Field::Attributes, "attributes", false, false),
];

/// Every field name, in table order, as a slice (for tables of allowed keys).
#[cfg(feature = "authoring")]
#[allow(
    clippy::indexing_slicing,
    reason = "const evaluation over the table: an index out of range fails the build"
)]
pub(crate) const NAMES: [&str; TABLE.len()] = {
    let mut names = [""; TABLE.len()];
    let mut i = 0;
    while i < TABLE.len() {
        names[i] = TABLE[i].name;
        i += 1;
    }
    names
};

impl Field {
    fn spec(self) -> &'static Spec {
        // The table lists every field once, in declaration order (a unit test checks it).
        TABLE
            .get(self as usize)
            .filter(|s| s.field == self)
            .unwrap_or(&TABLE[0])
    }

    /// Every field, in table order.
    pub fn all() -> impl Iterator<Item = Field> {
        TABLE.iter().map(|s| s.field)
    }

    /// Every field name, in table order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        TABLE.iter().map(|s| s.name)
    }

    /// The fields a record must have.
    pub fn required() -> impl Iterator<Item = Field> {
        Field::all().filter(|f| f.is_required())
    }

    /// The field's name in files and JSON (`hs_code`).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The field of this exact name.
    pub fn from_name(name: &str) -> Option<Field> {
        TABLE.iter().find(|s| s.name == name).map(|s| s.field)
    }

    /// The field a mistyped name most likely means (`destinaton`: `destination`).
    pub fn closest(name: &str) -> Option<Field> {
        suggest::closest(name, Field::names()).and_then(Field::from_name)
    }

    /// The field exactly one edit away from `name` (`orign`: `origin`), if any.
    pub fn one_edit_from(name: &str) -> Option<Field> {
        suggest::one_edit(name, Field::names()).and_then(Field::from_name)
    }

    /// Whether every record must have it.
    pub fn is_required(self) -> bool {
        self.spec().required
    }

    /// Whether it holds a list (`;`-separated in CSV, an array in JSON).
    pub fn is_list(self) -> bool {
        self.spec().list
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_field_once_in_order_with_its_serde_name() {
        for (i, spec) in TABLE.iter().enumerate() {
            assert_eq!(spec.field as usize, i, "{}", spec.name);
            assert_eq!(spec.field.name(), spec.name);
            assert_eq!(Field::from_name(spec.name), Some(spec.field));
            let json = serde_json::to_string(&spec.field).unwrap();
            assert_eq!(json, format!("\"{}\"", spec.name));
        }
        let required: Vec<&str> = Field::required().map(Field::name).collect();
        assert_eq!(
            required,
            ["id", "date", "hs_code", "export_country", "destination"]
        );
        let lists: Vec<&str> = Field::all()
            .filter(|f| f.is_list())
            .map(Field::name)
            .collect();
        assert_eq!(lists, ["transit", "licences", "control_codes"]);
        assert_eq!(Field::from_name("price"), None);
    }

    #[test]
    fn typos_are_recognised() {
        assert_eq!(Field::closest("destinaton"), Some(Field::Destination));
        assert_eq!(Field::one_edit_from("orign"), Some(Field::Origin));
        assert_eq!(Field::one_edit_from("unit_price"), None);
        assert_eq!(Field::closest("buyer_type"), None);
    }
}

//! Records laid out in named columns: a CSV file's header, or the columns of an Arrow batch or
//! a data frame. The same names, the same checks of them and the same reading of each value,
//! whatever holds the table.

use std::collections::HashSet;

use super::{ReadError, ReadOptions, Record, RecordError, RecordErrorKind};
use crate::shipment::{Field, ShipmentBuilder};

/// The columns of a table of records, checked: each names a field or an attribute, none twice,
/// none one letter away from a field's name (a misspelt field must not become an attribute the
/// rules never read), and every required field present.
///
/// ```
/// use export_control::read::{Columns, ReadOptions};
///
/// let columns = Columns::new(
///     ["id", "date", "hs_code", "export_country", "destination", "vessel"],
///     &ReadOptions::default(),
/// )?;
/// let row = ["A-1", "2023-05-02", "8542.31", "KZ", "RU", "Aktau Star"];
/// let record = columns.record(2, |i| row.get(i).copied())?;
/// assert_eq!(record.shipment.destination.as_str(), "RU");
/// assert_eq!(record.shipment.attributes["vessel"], "Aktau Star");
///
/// let misspelt = Columns::new(["id", "date", "hs_code", "export_country", "destinaton"], &ReadOptions::default());
/// assert!(misspelt.unwrap_err().to_string().contains("one letter away from the field `destination`"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    names: Vec<String>,
    /// The field of each column; `None` for an attribute.
    fields: Vec<Option<Field>>,
    /// The column of the record's id, to name a record in its errors.
    id: Option<usize>,
}

impl Columns {
    /// Checks column names (as given: a reader trims them first if its format allows blanks
    /// around them). The error is a [`ReadError::Header`] saying what is wrong.
    pub fn new<I, S>(names: I, options: &ReadOptions) -> Result<Columns, ReadError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let header_error = |reason: String| ReadError::Header { reason };
        let names = names.into_iter();
        let mut columns = Vec::with_capacity(names.size_hint().0);
        let mut fields = Vec::with_capacity(names.size_hint().0);
        let mut seen = HashSet::with_capacity(names.size_hint().0);
        for (i, name) in names.enumerate() {
            let name = name.as_ref();
            if name.is_empty() {
                return Err(header_error(format!("column {} has no name", i + 1)));
            }
            if !seen.insert(name.to_owned()) {
                return Err(header_error(format!("column `{name}` appears twice")));
            }
            let field = Field::from_name(name);
            if field.is_none()
                && let Some(meant) = Field::one_edit_from(name)
                && !options.attribute_columns.iter().any(|c| c == name)
            {
                return Err(header_error(format!(
                    "column `{name}` is one letter away from the field `{meant}`: rename it, or \
                     read it as an attribute on purpose (attribute columns option)"
                )));
            }
            fields.push(field);
            columns.push(name.to_owned());
        }
        let missing: Vec<&str> = Field::required()
            .filter(|f| !fields.contains(&Some(*f)))
            .map(Field::name)
            .collect();
        if !missing.is_empty() {
            let mut reason = format!(
                "required column{} missing: {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            );
            if let [only] = columns.as_slice()
                && let Some(separator) = [';', '\t', '|'].into_iter().find(|c| only.contains(*c))
            {
                let name = match separator {
                    ';' => "semicolons",
                    '\t' => "tabs",
                    _ => "vertical bars",
                };
                reason.push_str(&format!(
                    " (the header is one column holding `{}`: the file seems to be separated by \
                     {name}; records are read separated by commas)",
                    separator.escape_default()
                ));
            }
            return Err(header_error(reason));
        }
        let id = fields.iter().position(|f| *f == Some(Field::Id));
        Ok(Columns {
            names: columns,
            fields,
            id,
        })
    }

    /// The column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The field column `i` names; `None` for an attribute (or past the last column).
    pub fn field(&self, i: usize) -> Option<Field> {
        self.fields.get(i).copied().flatten()
    }

    /// How many columns there are.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none (never, for columns that passed [`Columns::new`]).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The column of the record's id.
    pub(crate) fn id_column(&self) -> Option<usize> {
        self.id
    }

    /// The record of one row: `value(i)` is the text of column `i` (`None` or empty: not given,
    /// as an empty CSV cell). `line` numbers the record in its errors and its result. Lists
    /// (`transit`, `licences`, `control_codes`) separate items with `;`, as in CSV.
    ///
    /// # Errors
    /// The first field that cannot be read, or a required field missing, naming the record's
    /// id when it has one.
    pub fn record<'t>(
        &self,
        line: u64,
        value: impl Fn(usize) -> Option<&'t str>,
    ) -> Result<Record, RecordError> {
        let fail = |kind| RecordError {
            line,
            id: self
                .id
                .and_then(&value)
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned),
            kind,
        };
        let mut builder = ShipmentBuilder::default();
        for (i, (name, field)) in self.names.iter().zip(&self.fields).enumerate() {
            let text = value(i).unwrap_or_default();
            match field {
                Some(field) => builder.set_text(*field, text),
                None => builder.set_attribute(name, text),
            }
            .map_err(|e| fail(RecordErrorKind::Field(e)))?;
        }
        let shipment = builder
            .build()
            .map_err(|e| fail(RecordErrorKind::Field(e)))?;
        Ok(Record { line, shipment })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(names: &[&str]) -> Result<Columns, String> {
        Columns::new(names, &ReadOptions::default()).map_err(|e| e.to_string())
    }

    const REQUIRED: [&str; 5] = ["id", "date", "hs_code", "export_country", "destination"];

    #[test]
    fn names_are_checked_as_a_csv_header_is() {
        let checked = columns(&[&REQUIRED[..], &["vessel"]].concat()).unwrap();
        assert_eq!(checked.len(), 6);
        assert!(!checked.is_empty());
        assert_eq!(checked.field(2), Some(Field::HsCode));
        assert_eq!(checked.field(5), None, "an attribute");
        assert_eq!(checked.field(6), None, "past the last column");
        let twice = [&REQUIRED[..], &["id"]].concat();
        assert!(
            columns(&twice)
                .unwrap_err()
                .contains("column `id` appears twice")
        );
        let unnamed = [&REQUIRED[..], &[""]].concat();
        assert!(
            columns(&unnamed)
                .unwrap_err()
                .contains("column 6 has no name")
        );
        let missing = columns(&REQUIRED[..4]).unwrap_err();
        assert!(
            missing.contains("required column missing: destination"),
            "{missing}"
        );
        let semicolons = columns(&["id;date;hs_code"]).unwrap_err();
        assert!(
            semicolons.contains("separated by semicolons"),
            "{semicolons}"
        );
    }

    #[test]
    fn a_misspelt_field_is_refused_unless_named_an_attribute() {
        let names = [&REQUIRED[..], &["orign"]].concat();
        assert!(columns(&names).unwrap_err().contains("field `origin`"));
        let options = ReadOptions {
            attribute_columns: vec!["orign".into()],
            ..ReadOptions::default()
        };
        let columns = Columns::new(&names, &options).unwrap();
        let row = ["A", "2023-01-02", "854231", "KZ", "RU", "CN"];
        let record = columns.record(7, |i| row.get(i).copied()).unwrap();
        assert_eq!(record.line, 7);
        assert_eq!(record.shipment.attributes["orign"], "CN");
        assert_eq!(record.shipment.origin, None);
    }

    #[test]
    fn a_row_that_cannot_be_read_names_its_line_id_and_field() {
        let columns = columns(&REQUIRED).unwrap();
        let row = [" A-9 ", "2023-02-30", "854231", "KZ", "RU"];
        let error = columns.record(12, |i| row.get(i).copied()).unwrap_err();
        assert_eq!(error.line(), 12);
        assert_eq!(error.id(), Some("A-9"));
        assert_eq!(error.field(), Some("date"));
        // Not given (None) reads as an empty cell: a required field missing.
        let row = ["A-9", "2023-02-28", "854231", "KZ", "RU"];
        assert!(columns.record(3, |i| row.get(i).copied()).is_ok());
        let error = columns
            .record(3, |i| if i == 4 { None } else { row.get(i).copied() })
            .unwrap_err();
        assert!(error.to_string().contains("destination"), "{error}");
    }
}

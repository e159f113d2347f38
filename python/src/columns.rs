//! Arrow columns read as records: the column names go through the crate's own column checks
//! ([`export_control::read::Columns`], the CSV reader's), each row through its reading of text
//! values, so a batch gives the verdicts its CSV file gives.
//!
//! Text columns are read in place (Utf8, LargeUtf8, Utf8View; a null is an empty cell).
//! Other types are accepted only where their text cannot differ from what was meant, and
//! turned into text in Rust: dates (Date32, Date64) for `date` and attributes, integers and
//! decimals for amounts, ids and attributes, dictionaries of text anywhere. Refused, naming
//! the column: floating point (an amount must be exact: read it as text or decimal), integers
//! for codes (`hs_code` 0101.21 read as an integer has lost its leading zero), timestamps for
//! `date` (a day depends on the time zone), anything else.

use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use arrow_array::{
    Array, ArrayRef, LargeStringArray, RecordBatch, StringArray, StringViewArray, UInt64Array,
};
use arrow_schema::{DataType, Schema};
use export_control::read::{Columns, ReadOptions, Record, RecordError};
use export_control::{Engine, Field};

/// One column as text.
enum Text {
    Utf8(StringArray),
    Large(LargeStringArray),
    View(StringViewArray),
    /// A column of nulls only.
    Absent,
}

impl Text {
    fn get(&self, row: usize) -> Option<&str> {
        match self {
            Text::Utf8(a) => (row < a.len() && a.is_valid(row)).then(|| a.value(row)),
            Text::Large(a) => (row < a.len() && a.is_valid(row)).then(|| a.value(row)),
            Text::View(a) => (row < a.len() && a.is_valid(row)).then(|| a.value(row)),
            Text::Absent => None,
        }
    }
}

/// What a column of a type other than text may hold, by the field it names.
fn accepts(field: Option<Field>, data_type: &DataType) -> Result<(), String> {
    use DataType as T;
    let integer = data_type.is_integer();
    let decimal = matches!(
        data_type,
        T::Decimal32(..) | T::Decimal64(..) | T::Decimal128(..) | T::Decimal256(..)
    );
    let date = matches!(data_type, T::Date32 | T::Date64);
    let ok = match field {
        None => integer || decimal || date,
        Some(Field::Date) => date,
        Some(Field::Value | Field::Quantity) => integer || decimal,
        Some(Field::Id) => integer,
        Some(_) => false,
    };
    if ok {
        return Ok(());
    }
    let why = if data_type.is_floating() {
        "floating point cannot hold an amount exactly: give the column as text or as a decimal"
    } else if integer {
        "an integer loses a code's leading zeros (HS 0101.21 becomes 10121): give the column as text"
    } else if matches!(data_type, T::Timestamp(..)) {
        "a timestamp's day depends on its time zone: give the column as a date (date32) or as text"
    } else {
        "give the column as text"
    };
    Err(why.to_owned())
}

/// The columns of a batch as text, by the checks of the columns' names.
pub struct Table {
    columns: Columns,
    /// For each batch, its columns as text, and the line of each row when a column gives them.
    batches: Vec<Batch>,
}

struct Batch {
    rows: usize,
    texts: Vec<Text>,
    lines: Option<UInt64Array>,
}

impl Table {
    /// Reads the schema's names and every batch's columns; the error names the column.
    /// `line_column` names a column of integers that numbers each row (the line a record
    /// starts on in the file it came from); it is not read as part of the record.
    pub fn new(
        schema: &Schema,
        batches: &[RecordBatch],
        options: &ReadOptions,
        line_column: Option<&str>,
    ) -> Result<Table, String> {
        let line_at = match line_column {
            Some(name) => Some(
                schema
                    .index_of(name)
                    .map_err(|_| format!("the line column `{name}` is not among the columns"))?,
            ),
            None => None,
        };
        let record_columns = || (0..schema.fields().len()).filter(move |i| Some(*i) != line_at);
        let columns = Columns::new(
            record_columns().filter_map(|i| schema.fields().get(i).map(|f| f.name())),
            options,
        )
        .map_err(|e| e.to_string())?;
        let mut out = Vec::with_capacity(batches.len());
        for batch in batches {
            let mut texts = Vec::with_capacity(batch.num_columns());
            for (at, i) in record_columns().enumerate() {
                let name = columns.names().get(at).map_or("?", String::as_str);
                let array = batch.column(i);
                texts.push(text(columns.field(at), array).map_err(|why| {
                    format!("column `{name}` is of type {}: {why}", array.data_type())
                })?);
            }
            let lines = line_at
                .map(|i| lines(batch.column(i), line_column.unwrap_or_default()))
                .transpose()?;
            out.push(Batch {
                rows: batch.num_rows(),
                texts,
                lines,
            });
        }
        Ok(Table {
            columns,
            batches: out,
        })
    }

    /// How many rows each batch holds.
    pub fn batch_rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.batches.iter().map(|b| b.rows)
    }

    /// Every row as a record, in order, numbered from `first_line`.
    pub fn records(
        &self,
        first_line: u64,
    ) -> impl Iterator<Item = Result<Record, RecordError>> + '_ {
        self.batches
            .iter()
            .flat_map(|b| (0..b.rows).map(move |row| (b, row)))
            .zip(first_line..)
            .map(|((b, row), counted)| {
                let line = b.lines.as_ref().map_or(counted, |lines| lines.value(row));
                self.columns
                    .record(line, |i| b.texts.get(i).and_then(|t| t.get(row)))
            })
    }
}

/// One column as text, when its type may be read so for its field.
fn text(field: Option<Field>, array: &ArrayRef) -> Result<Text, String> {
    Ok(match array.data_type() {
        DataType::Utf8 => Text::Utf8(array.as_string::<i32>().clone()),
        DataType::LargeUtf8 => Text::Large(array.as_string::<i64>().clone()),
        DataType::Utf8View => Text::View(array.as_string_view().clone()),
        DataType::Null => Text::Absent,
        DataType::Dictionary(_, values)
            if matches!(
                **values,
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            ) =>
        {
            Text::Utf8(as_utf8(array)?)
        }
        other => {
            accepts(field, other)?;
            Text::Utf8(as_utf8(array)?)
        }
    })
}

/// The line column, as positive integers without nulls.
fn lines(array: &ArrayRef, name: &str) -> Result<UInt64Array, String> {
    if !array.data_type().is_integer() {
        return Err(format!(
            "the line column `{name}` is of type {}: it must hold integers",
            array.data_type()
        ));
    }
    let cast = arrow_cast::cast(array, &DataType::UInt64).map_err(|e| e.to_string())?;
    let lines = cast.as_primitive::<UInt64Type>().clone();
    if let Some(row) = (0..lines.len()).find(|&r| lines.is_null(r) || lines.value(r) == 0) {
        return Err(format!(
            "the line column `{name}` has no line from 1 up at row {row} (null, zero or negative)"
        ));
    }
    Ok(lines)
}

fn as_utf8(array: &ArrayRef) -> Result<StringArray, String> {
    let cast = arrow_cast::cast(array, &DataType::Utf8).map_err(|e| e.to_string())?;
    Ok(cast.as_string::<i32>().clone())
}

/// Whether checking a table needs its whole history first (as an audit of a file does).
pub fn needs_history(engine: &Engine) -> bool {
    engine.has_history_rules() || !engine.register().is_empty()
}

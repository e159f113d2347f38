//! The `Engine` class: rule files loaded once, records checked as dicts or as Arrow data.

use std::path::PathBuf;

use chrono::NaiveDate;
use export_control::history::{Aggregates, History, Replay};
use export_control::licences::Register;
use export_control::read::{self, AuditRecord, Checked, ReadOptions};
use export_control::{CheckOptions, Rulebook, Status};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use pyo3_arrow::input::AnyRecordBatch;
use pyo3_arrow::{PyRecordBatch, PyTable};

use crate::columns::{Table, needs_history};
use crate::errors;
use crate::history::{self as carried, Carried, Claim};
use crate::output::{self, Results};

/// Rule files loaded, validated and compiled; checks records against them.
///
/// An engine is immutable and may be shared between threads; checking releases the GIL.
#[pyclass(frozen, module = "export_control")]
pub struct Engine {
    inner: export_control::Engine,
}

/// The history of a whole input and of each of its parts (`settle_histories`).
type Settled<'py> = (Bound<'py, PyBytes>, Vec<Option<Bound<'py, PyBytes>>>);

/// Rule paths as given: one path, or a list of them.
#[derive(FromPyObject)]
enum Paths {
    One(PathBuf),
    Many(Vec<PathBuf>),
}

impl Paths {
    fn into_vec(self) -> Vec<PathBuf> {
        match self {
            Paths::One(path) => vec![path],
            Paths::Many(paths) => paths,
        }
    }
}

/// The check options of the keyword arguments.
fn options(
    as_of: Option<&Bound<'_, PyAny>>,
    exclude_status: Option<Vec<String>>,
) -> PyResult<CheckOptions> {
    let statuses = exclude_status
        .unwrap_or_default()
        .iter()
        .map(|s| match s.replace('-', "_").as_str() {
            "in_force" => Ok(Status::InForce),
            "reported" => Ok(Status::Reported),
            "draft" => Ok(Status::Draft),
            "repealed" => Ok(Status::Repealed),
            other => Err(errors::argument(format!(
                "exclude_status: `{other}` is not a status (in_force, reported, draft, repealed)"
            ))),
        })
        .collect::<PyResult<Vec<Status>>>()?;
    let mut options = CheckOptions::default().excluding(statuses);
    if let Some(as_of) = as_of {
        let text = as_of.str()?.to_string();
        let date = text
            .parse::<NaiveDate>()
            .map_err(|_| errors::argument(format!("as_of: `{text}` is not a date (YYYY-MM-DD)")))?;
        options.as_of = Some(date);
    }
    Ok(options)
}

#[pymethods]
impl Engine {
    /// Loads rule files: a directory (every rule file below it), a file, or a list of them;
    /// `licences`, licence registers (`*.licences.toml`, `*.licences.csv`) beside those of the
    /// rule directory. `named_as`: the rule directory is a copy of one at this path (shipped to
    /// a cluster's executors), and errors and verdicts name its files as the original's.
    /// `licences_named_as`: likewise for the `licences` files, one original path for each.
    /// Raises `LoadError` listing every problem with its file, line and column.
    #[staticmethod]
    #[pyo3(signature = (rules, licences = None, *, named_as = None, licences_named_as = None))]
    fn from_path(
        py: Python<'_>,
        rules: Paths,
        licences: Option<Paths>,
        named_as: Option<PathBuf>,
        licences_named_as: Option<Vec<PathBuf>>,
    ) -> PyResult<Engine> {
        let rules = rules.into_vec();
        if named_as.is_some() && rules.len() != 1 {
            return Err(errors::argument(
                "named_as names one rule directory: give one path",
            ));
        }
        let licences = licences.map(Paths::into_vec).unwrap_or_default();
        if licences_named_as
            .as_ref()
            .is_some_and(|shown| shown.len() != licences.len())
        {
            return Err(errors::argument(
                "licences_named_as names each of the licences: give as many paths",
            ));
        }
        let load = || -> Result<export_control::Engine, export_control::LoadError> {
            let book = match (&named_as, rules.as_slice()) {
                (Some(shown), [path]) => Rulebook::load_as(path, shown)?,
                _ => Rulebook::load_paths(&rules)?,
            };
            let mut engine = export_control::Engine::new(book);
            for (i, path) in licences.iter().enumerate() {
                let register = match licences_named_as.as_ref().and_then(|s| s.get(i)) {
                    Some(shown) => Register::load_as(path, shown)?,
                    None => Register::load(path)?,
                };
                engine = engine.with_register(register)?;
            }
            Ok(engine)
        };
        py.detach(load)
            .map(|inner| Engine { inner })
            .map_err(|e| errors::load(py, &e))
    }

    /// The digest of the rule book (`sha256:...`): every verdict carries it.
    #[getter]
    fn digest(&self) -> String {
        self.inner.digest().to_string()
    }

    /// Whether checking a table reads its history first: the rules have history rules, or
    /// the engine has licence registers (balances are drawn in the order of history).
    #[getter]
    fn has_history(&self) -> bool {
        needs_history(&self.inner)
    }

    /// Whether the engine has licence registers (from the rule directory or `licences`).
    #[getter]
    fn has_licences(&self) -> bool {
        !self.inner.register().is_empty()
    }

    /// The ids of the rule sets, in the order they were loaded.
    #[getter]
    fn rule_sets(&self) -> Vec<String> {
        self.inner
            .rulebook()
            .rule_sets()
            .iter()
            .map(|s| s.id().to_string())
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Engine({} rule sets, digest {})",
            self.inner.rulebook().rule_sets().len(),
            self.inner.digest()
        )
    }

    /// Checks one record, a dict with the fields of the record format (`id`, `date`,
    /// `hs_code`, `export_country`, `destination`, ...; dates as `datetime.date` or text,
    /// amounts as `decimal.Decimal`, int or text). Returns the verdict as a dict (the JSON
    /// contract, `docs/verdict.schema.json`). History rules see no history: check a table
    /// with `check_arrow` for that. Raises `InvalidRecord` when the record cannot be read.
    #[pyo3(signature = (record, *, as_of = None, exclude_status = None))]
    fn check<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyDict>,
        as_of: Option<&Bound<'py, PyAny>>,
        exclude_status: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = options(as_of, exclude_status)?;
        let json = py.import("json")?;
        let default = py
            .import("export_control._convert")?
            .getattr("json_default")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("default", default)?;
        kwargs.set_item("ensure_ascii", false)?;
        let line: String = json
            .call_method("dumps", (record,), Some(&kwargs))?
            .extract()?;
        let verdict = py.detach(|| {
            let mut records = read::json_lines(line.as_bytes());
            match records.next() {
                Some(Ok(record)) => {
                    let verdict = self.inner.check_with(&record.shipment, &options);
                    serde_json::to_string(&verdict)
                        .map_err(|e| e.to_string())
                        .map(Ok)
                }
                Some(Err(error)) => Ok(Err(error)),
                None => Err("the record is empty".to_owned()),
            }
        });
        match verdict {
            Ok(Ok(text)) => json.call_method1("loads", (PyString::new(py, &text),)),
            Ok(Err(error)) => Err(errors::record(py, &error)),
            Err(message) => Err(errors::argument(message)),
        }
    }

    /// Checks Arrow data with the record columns (`id`, `date`, `hs_code`, ... as a CSV file
    /// names them; other columns are attributes): a pyarrow `RecordBatch` or `Table`, or
    /// anything that exports the Arrow PyCapsule interface (a Polars or pandas data frame, a
    /// DuckDB result, a stream). The columns cross as Arrow memory, not Python objects, and
    /// the GIL is released while checking.
    ///
    /// Returns one row per input row, in input order: `id`, `line`, `decision` (`invalid`
    /// for a record that cannot be read), `rules` (the deciding rule ids), `error`, and
    /// `verdict`, the JSON of the audit record, as `export-control audit --format jsonl`
    /// writes it. A `RecordBatch` gives a `RecordBatch`, anything else a `Table` with the
    /// input's batches.
    ///
    /// The input is one input as an audit reads a file: when the rules have history rules or
    /// the engine has licence registers, every record is checked against the records of the
    /// input before it (earlier dates, and the same date earlier in the input). `first_line`
    /// numbers the first row (2 gives the lines of a CSV file whose header is line 1).
    /// `line_column` names an integer column numbering the rows instead (the line each record
    /// starts on in its file); it is not part of the record. Raises `SchemaError` when the
    /// columns cannot be read as records.
    ///
    /// `history` (bytes from `history_arrow`, merged with `merge_histories`, or with licence
    /// registers settled with `settle_histories`): the history of the whole input, this data
    /// included, computed elsewhere (a Spark job's partitions); the data is then checked
    /// against it without reading itself first. `earlier`: the history of the input's records
    /// before this data (the partitions before this one), which count as before it on their
    /// own dates too. A history holding unsettled licence draws, or computed under other rules
    /// or another register, raises `ValueError`. `verdicts=False` leaves the `verdict`
    /// column null: decisions and rules alone, without the JSON that is most of a result's
    /// cost.
    #[allow(
        clippy::too_many_arguments,
        reason = "Python's keyword arguments, each optional"
    )]
    #[pyo3(signature = (data, *, first_line = 1, line_column = None, as_of = None, exclude_status = None, attribute_columns = None, history = None, earlier = None, verdicts = true))]
    fn check_arrow<'py>(
        &self,
        py: Python<'py>,
        data: AnyRecordBatch,
        first_line: u64,
        line_column: Option<String>,
        as_of: Option<&Bound<'py, PyAny>>,
        exclude_status: Option<Vec<String>>,
        attribute_columns: Option<Vec<String>>,
        history: Option<Vec<u8>>,
        earlier: Option<Vec<u8>>,
        verdicts: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = options(as_of, exclude_status)?;
        let carried = match (&history, &earlier) {
            (Some(full), earlier) => {
                let full = Carried::settled(full, &self.inner).map_err(errors::argument)?;
                let earlier = earlier
                    .as_deref()
                    .map(|e| Carried::settled(e, &self.inner))
                    .transpose()
                    .map_err(errors::argument)?
                    .unwrap_or_default();
                Some((History::from_aggregates(full), earlier))
            }
            (None, Some(_)) => return Err(errors::argument("earlier needs history")),
            (None, None) => None,
        };
        let one_batch = matches!(data, AnyRecordBatch::RecordBatch(_));
        let (batches, schema) = data.into_table()?.into_inner();
        // A batch's own schema is the one its columns have (a stream's may say less).
        let input_schema = batches.first().map_or(schema, |b| b.schema());
        let mut read_options = ReadOptions::default();
        read_options.attribute_columns = attribute_columns.unwrap_or_default();
        let results = py.detach(|| -> Result<_, String> {
            let table = Table::new(
                &input_schema,
                &batches,
                &read_options,
                line_column.as_deref(),
            )?;
            self.check_table(&table, first_line, &options, carried, verdicts)
        });
        let batches = results.map_err(errors::schema)?;
        if one_batch && batches.len() == 1 {
            let batch = batches
                .into_iter()
                .next()
                .ok_or_else(|| errors::schema("no result"))?;
            PyRecordBatch::new(batch).into_pyarrow(py)
        } else {
            PyTable::try_new(batches, output::schema())?.into_pyarrow(py)
        }
    }

    /// The history of Arrow data (read as `check_arrow` reads it): the aggregates its records
    /// add under these rules, as bytes to send to another process and `merge_histories` there.
    /// Records that cannot be read add nothing. With licence registers, the history also holds
    /// the records that may draw on a licence, unsettled: what they draw depends on every
    /// record before them, so the parts of an input are settled together
    /// (`settle_histories`), not merged.
    #[pyo3(signature = (data, *, attribute_columns = None))]
    fn history_arrow<'py>(
        &self,
        py: Python<'py>,
        data: AnyRecordBatch,
        attribute_columns: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let (batches, schema) = data.into_table()?.into_inner();
        let schema = batches.first().map_or(schema, |b| b.schema());
        let mut read_options = ReadOptions::default();
        read_options.attribute_columns = attribute_columns.unwrap_or_default();
        let bytes = py.detach(|| -> Result<Vec<u8>, String> {
            let table = Table::new(&schema, &batches, &read_options, None)?;
            let mut aggregates = Aggregates::new();
            let mut claims = Vec::new();
            for record in table.records(1).flatten() {
                aggregates.add(&self.inner.facts(&record.shipment));
                if self.inner.may_draw(&record.shipment) {
                    claims.push(Claim {
                        at: record.line,
                        record: record.shipment,
                    });
                }
            }
            Carried::new(&self.inner, aggregates, claims).to_bytes()
        });
        Ok(PyBytes::new(py, &bytes.map_err(errors::schema)?))
    }

    /// Merges histories (from `history_arrow`, or the parts `settle_histories` gives) of the
    /// same rules into one: the history of all their records, whatever the order. Refused for
    /// histories holding records that draw on licences, not settled yet.
    #[staticmethod]
    fn merge_histories<'py>(py: Python<'py>, parts: Vec<Vec<u8>>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py.detach(|| carried::merge(&parts).and_then(|m| m.to_bytes()));
        Ok(PyBytes::new(py, &bytes.map_err(errors::argument)?))
    }

    /// Settles the histories of the parts of one input (from `history_arrow`; `None` for a
    /// part without records), given in input order: what their records draw on the engine's
    /// licences, in the order of history across all parts (by date, then input order), as
    /// an audit of the whole input settles them. Returns `(whole, parts)`: the history of the
    /// whole input, and each part's own (its records' facts and draws), so that the history
    /// before part `p` is `merge_histories(parts[:p])`. Without licence registers it merges.
    fn settle_histories<'py>(
        &self,
        py: Python<'py>,
        parts: Vec<Option<Vec<u8>>>,
    ) -> PyResult<Settled<'py>> {
        let settled = py.detach(|| -> Result<_, String> {
            let (whole, parts) = carried::settle(&self.inner, &parts)?;
            let parts = parts
                .iter()
                .map(|p| p.as_ref().map(Carried::to_bytes).transpose())
                .collect::<Result<Vec<_>, String>>()?;
            Ok((whole.to_bytes()?, parts))
        });
        let (whole, parts) = settled.map_err(errors::argument)?;
        Ok((
            PyBytes::new(py, &whole),
            parts
                .iter()
                .map(|p| p.as_ref().map(|b| PyBytes::new(py, b)))
                .collect(),
        ))
    }

    /// The names of the record fields, in the order of the record format.
    #[staticmethod]
    fn fields(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
        PyList::new(py, export_control::Field::names())
    }
}

impl Engine {
    /// The results of a table, one batch per input batch.
    fn check_table(
        &self,
        table: &Table,
        first_line: u64,
        options: &CheckOptions,
        carried: Option<(History, Aggregates)>,
        verdicts: bool,
    ) -> Result<Vec<arrow_array::RecordBatch>, String> {
        let engine = &self.inner;
        let digest = engine.digest();
        let (full, earlier) = match carried {
            Some((full, earlier)) => (Some(full), earlier),
            None => {
                let full = needs_history(engine).then(|| {
                    let mut history = History::new();
                    read::record_all(engine, table.records(first_line), &mut history);
                    history
                });
                (full, Aggregates::new())
            }
        };
        let mut replay = full.as_ref().map(|full| Replay::after(full, earlier));
        let records = table.records(first_line);
        let mut checked: Box<dyn Iterator<Item = Checked<'_>>> = match replay.as_mut() {
            Some(replay) => Box::new(read::check_records_replayed(
                engine, records, replay, options,
            )),
            None => Box::new(read::check_records(engine, records, options)),
        };
        let mut out = Vec::new();
        for rows in table.batch_rows() {
            let mut results = Results::with_capacity(rows, verdicts);
            for _ in 0..rows {
                let record = match checked.next() {
                    Some(Checked::Verdict { record, verdict }) => {
                        AuditRecord::checked(&record, verdict)
                    }
                    Some(Checked::Invalid(error)) => AuditRecord::invalid(&error, digest),
                    None => return Err("internal error: fewer results than rows".to_owned()),
                };
                results.push(&record).map_err(|e| e.to_string())?;
            }
            out.push(results.finish().map_err(|e| e.to_string())?);
        }
        Ok(out)
    }
}

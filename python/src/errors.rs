//! The crate's errors as Python exceptions: the same messages, and their parts (file, line,
//! column; line, id, field) as attributes a caller can read.

use export_control::{LoadError as RustLoadError, RecordError};
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

pyo3::create_exception!(
    export_control,
    ExportControlError,
    PyException,
    "Every error of export_control."
);
pyo3::create_exception!(
    export_control,
    LoadError,
    ExportControlError,
    "The rule files (or licence registers) could not be loaded. `problems` lists each problem \
     in the rule files as a dict: file, line, column, message, help."
);
pyo3::create_exception!(
    export_control,
    InvalidRecord,
    ExportControlError,
    "A record that cannot be read: `line`, `id` (or None), `field` (or None). It is never allowed."
);
pyo3::create_exception!(
    export_control,
    SchemaError,
    ExportControlError,
    "Arrow columns that cannot be read as records: names the column and what is wrong."
);

/// A load error, with every rule-file problem located.
pub fn load(py: Python<'_>, error: &RustLoadError) -> PyErr {
    let err = LoadError::new_err(error.to_string());
    let problems: PyResult<Vec<Bound<'_, PyDict>>> = error
        .rule_errors()
        .iter()
        .map(|e| {
            let problem = PyDict::new(py);
            problem.set_item("file", e.location().file())?;
            problem.set_item("line", e.location().line())?;
            problem.set_item("column", e.location().column())?;
            problem.set_item("message", e.kind().to_string())?;
            problem.set_item("help", e.help())?;
            Ok(problem)
        })
        .collect();
    match problems.and_then(|p| err.value(py).setattr("problems", p)) {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// A record that cannot be read.
pub fn record(py: Python<'_>, error: &RecordError) -> PyErr {
    let err = InvalidRecord::new_err(error.to_string());
    let value = err.value(py);
    let set = value
        .setattr("line", error.line())
        .and_then(|()| value.setattr("id", error.id()))
        .and_then(|()| value.setattr("field", error.field()));
    match set {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// Columns that cannot be read as records.
pub fn schema(error: impl std::fmt::Display) -> PyErr {
    SchemaError::new_err(error.to_string())
}

/// A wrong argument.
pub fn argument(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}

//! The Python package `export_control`: the engine of the Rust crate on dicts and on Arrow
//! data (pyarrow, Polars, DuckDB, Spark's `mapInArrow`), with the same rule files, the same
//! verdicts and the same JSON.
//!
//! Layout: [`engine`] is the `Engine` class; [`columns`] turns Arrow columns into records
//! through the crate's own column reader; [`output`] builds the result batches; [`errors`]
//! maps the crate's errors to Python exceptions with their locations; [`history`] carries
//! history between processes (Spark's partitions and driver).

mod columns;
mod engine;
mod errors;
mod history;
mod output;

use pyo3::prelude::*;

/// The compiled part of `export_control`; import the package, not this module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<engine::Engine>()?;
    m.add(
        "ExportControlError",
        py.get_type::<errors::ExportControlError>(),
    )?;
    m.add("LoadError", py.get_type::<errors::LoadError>())?;
    m.add("InvalidRecord", py.get_type::<errors::InvalidRecord>())?;
    m.add("SchemaError", py.get_type::<errors::SchemaError>())?;
    m.add("SCHEMA_VERSION", export_control::verdict::SCHEMA_VERSION)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

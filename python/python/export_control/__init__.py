"""Export-control rule files in, explainable shipment verdicts out.

The engine of the Rust crate ``export-control`` on dicts and on Arrow data: the same rule files,
the same verdicts and the same JSON as the ``export-control audit`` command.

>>> from export_control import Engine
>>> engine = Engine.from_path("rules")                           # doctest: +SKIP
>>> verdict = engine.check({"id": "A-1", "date": "2023-11-15", "hs_code": "8542.31",
...     "origin": "US", "export_country": "KZ", "destination": "RU"})  # doctest: +SKIP
>>> verdict["decision"]                                          # doctest: +SKIP
'license_required'

``Engine.check_arrow`` checks a pyarrow ``RecordBatch`` or ``Table`` (or any object with the
Arrow PyCapsule interface: Polars, DuckDB); ``export_control.spark.check_dataframe`` checks a
PySpark DataFrame on its executors.
"""

from ._native import (
    SCHEMA_VERSION,
    Engine,
    ExportControlError,
    InvalidRecord,
    LoadError,
    SchemaError,
    __version__,
)

__all__ = [
    "SCHEMA_VERSION",
    "Engine",
    "ExportControlError",
    "InvalidRecord",
    "LoadError",
    "SchemaError",
    "__version__",
]

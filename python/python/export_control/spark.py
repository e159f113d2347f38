"""Checking a PySpark DataFrame of records on its executors, through Arrow.

>>> from export_control.spark import check_dataframe              # doctest: +SKIP
>>> verdicts = check_dataframe(spark, records, "rules")          # doctest: +SKIP

The rule directory is shipped to the executors with ``SparkContext.addFile`` (so the
executors need no copy of it) and each executor's Python worker loads the engine once, on its
first batch, and keeps it for every later batch and task (Spark reuses its Python workers).
Each batch of records crosses from the JVM as Arrow (``mapInArrow``) and is checked by
``Engine.check_arrow`` with the GIL released.

Rule books with history rules (spikes, quotas, new parties, re-exports) or licence registers
need the history of the whole input before each record, which one partition does not have:
they are refused (``ExportControlError``) rather than checked against a partial history. Check
such inputs with the ``export-control audit`` command or ``Engine.check_arrow`` on one
machine.
"""

from __future__ import annotations

import os
import threading

from . import Engine, ExportControlError

#: The result columns, as a Spark schema (DDL).
RESULT_SCHEMA = (
    "id string, line long, decision string, rules array<string>, error string, verdict string"
)

_engines: dict[tuple[str, ...], Engine] = {}
_lock = threading.Lock()
#: How many engines this process has loaded (tests read it to see one load per process).
loads = 0


def engine_for(shipped: str, named_as: str) -> Engine:
    """The engine of a rule directory shipped with ``addFile`` (its name ``shipped``), its files
    named as the driver's (``named_as``); loaded once per process."""
    global loads
    key = (shipped, named_as)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            from pyspark import SparkFiles

            copy = os.path.join(SparkFiles.getRootDirectory(), shipped)
            engine = Engine.from_path(copy, named_as=named_as)
            _engines[key] = engine
            loads += 1
            log = os.environ.get("EXPORT_CONTROL_SPARK_LOAD_LOG")
            if log:
                # For tests and operators: one line per load, naming the process.
                with open(log, "a", encoding="utf-8") as f:
                    f.write(f"{os.getpid()}\n")
        return engine


def check_dataframe(
    spark,
    records,
    rules: str,
    *,
    line_column: str | None = None,
    as_of=None,
    exclude_status: list[str] | None = None,
    attribute_columns: list[str] | None = None,
):
    """Checks a DataFrame of records (the columns of the record format, as text; other
    columns are attributes) against the rule directory ``rules``; returns a DataFrame of
    :data:`RESULT_SCHEMA`, one row per record, invalid records included.

    ``line_column`` names a column of integers numbering the records (the line of each in
    its file); it is not part of the record. Without it, ``line`` numbers the rows of each
    Arrow batch from 1 and only ``id`` identifies a record. Verdicts name the rule files as
    ``rules`` names them on the driver, whatever the copy's path on an executor.
    """
    local = Engine.from_path(rules)
    if local.has_history:
        raise ExportControlError(
            f"the rules in `{rules}` have history rules or licence registers: checking them "
            "needs the history of the whole input, which a partition does not have; check "
            "the input with `export-control audit` or Engine.check_arrow on one machine"
        )
    directory = os.path.abspath(rules)
    spark.sparkContext.addFile(directory, recursive=True)
    shipped = os.path.basename(directory.rstrip(os.sep))
    digest = local.digest
    as_of = None if as_of is None else str(as_of)
    exclude_status = list(exclude_status or [])
    attribute_columns = list(attribute_columns or [])

    def check(batches):
        engine = engine_for(shipped, rules)
        if engine.digest != digest:
            raise ExportControlError(
                f"the executor's rules have digest {engine.digest}, the driver's {digest}"
            )
        for batch in batches:
            yield engine.check_arrow(
                batch,
                line_column=line_column,
                as_of=as_of,
                exclude_status=exclude_status,
                attribute_columns=attribute_columns,
            )

    return records.mapInArrow(check, RESULT_SCHEMA)

"""Checking a PySpark DataFrame of records on its executors, through Arrow.

>>> from export_control.spark import check_dataframe              # doctest: +SKIP
>>> verdicts = check_dataframe(spark, records, "rules")          # doctest: +SKIP

The rule directory is shipped to the executors with ``SparkContext.addFile``, under a name of
its digest (so the executors need no copy of it, and two directories called ``rules`` do not
meet) and each executor's Python worker loads the engine once, on its
first batch, and keeps it for every later batch and task (Spark reuses its Python workers).
Each batch of records crosses from the JVM as Arrow (``mapInArrow``) and is checked by
``Engine.check_arrow`` with the GIL released.

Rule books with history rules (spikes, quotas, new parties, re-exports) need the history of
the whole input before each record, which one partition does not have. They run in two jobs:
each partition's aggregates are computed on the executors (``Engine.history_arrow``), merged on
the driver (``Engine.merge_histories``: aggregates merge exactly, whatever the split) and
broadcast; then each partition is checked against the whole input's history, with the
partitions before it as the records before it on the same date (``check_arrow(history=,
earlier=)``). The partitions' order is the input's order, as an audit reads a file in its
order: a DataFrame read from a file keeps it; a shuffle does not, and changes only which of
the records of one date come first.

Licence registers (in the rule directory, or given as ``licences``) draw balances over the
whole input in the order of history, which no partition knows alone: the first job also
collects each partition's records that may draw on a licence (those carrying a licence id of
the register; only those), the driver settles them across all partitions in the order of
history as an audit does (``Engine.settle_histories``), and each partition is checked against
the settled history. The driver holds those records while settling them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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


def engine_for(
    shipped: str,
    named_as: str,
    licences: tuple[tuple[str, str], ...] = (),
) -> Engine:
    """The engine of a rule directory shipped with ``addFile`` (its name ``shipped``), its files
    named as the driver's (``named_as``), with the licence registers ``licences`` (the name each
    was shipped under, and the driver's path of it); loaded once per process."""
    global loads
    key = (shipped, named_as, *licences)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            from pyspark import SparkFiles

            root = SparkFiles.getRootDirectory()
            copy = os.path.join(root, shipped)
            registers = [os.path.join(root, name) for name, _ in licences] or None
            engine = Engine.from_path(
                copy,
                registers,
                named_as=named_as,
                licences_named_as=[shown for _, shown in licences] or None,
            )
            _engines[key] = engine
            loads += 1
            log = os.environ.get("EXPORT_CONTROL_SPARK_LOAD_LOG")
            if log:
                # For tests and operators: one line per load, naming the process and rules.
                with open(log, "a", encoding="utf-8") as f:
                    names = " ".join([shipped, *(name for name, _ in licences)])
                    f.write(f"{os.getpid()} {names}\n")
        return engine


def _ship(spark, rules: str, digest: str) -> str:
    """Ships the rule directory to the executors under a name of its digest (two directories
    both called `rules` must not meet in ``SparkFiles``); returns that name."""
    return _stage(spark, rules, "export-control-rules-" + digest.split(":")[-1][:16], tree=True)


def _stage(spark, source: str, name: str, *, tree: bool) -> str:
    """Copies a file (or, with ``tree``, a directory) once into this process's staging
    directory under ``name`` and adds the copy to the executors' files; returns ``name``."""
    staging = os.path.join(tempfile.gettempdir(), f"export-control-spark-{os.getpid()}")
    copy = os.path.join(staging, name)
    with _lock:
        if not os.path.exists(copy):
            os.makedirs(staging, exist_ok=True)
            (shutil.copytree if tree else shutil.copyfile)(source, copy + ".partial")
            os.replace(copy + ".partial", copy)
        spark.sparkContext.addFile(copy, recursive=tree)
    return name


def _ship_licences(spark, licences: list[str]) -> tuple[tuple[str, str], ...]:
    """Ships licence register files to the executors, each under a name of its content's
    digest and its own name (its kind is in its suffix); returns those names, each with the
    path it was given as."""
    import hashlib

    names = []
    for path in licences:
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:16]
        name = f"export-control-licences-{digest}-{os.path.basename(path)}"
        names.append((_stage(spark, path, name, tree=False), path))
    return tuple(names)


def check_dataframe(
    spark,
    records,
    rules: str,
    *,
    licences: list[str] | None = None,
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

    ``licences``: licence register files (``*.licences.toml``, ``*.licences.csv``) beside
    those of the rule directory, as ``export-control audit --licences`` takes them; shipped to
    the executors too and named in verdicts as given here.
    """
    licences = [str(path) for path in licences or []]
    local = Engine.from_path(rules, licences or None)
    history = local.has_history
    digest = local.digest
    shipped = _ship(spark, rules, digest)
    registers = _ship_licences(spark, licences)
    as_of = None if as_of is None else str(as_of)
    exclude_status = list(exclude_status or [])
    attribute_columns = list(attribute_columns or [])

    options = dict(
        line_column=line_column,
        as_of=as_of,
        exclude_status=exclude_status,
        attribute_columns=attribute_columns,
    )

    def engine_here():
        engine = engine_for(shipped, rules, registers)
        if engine.digest != digest:
            raise ExportControlError(
                f"the executor's rules have digest {engine.digest}, the driver's {digest}"
            )
        return engine

    if not history:
        def check(batches):
            engine = engine_here()
            for batch in batches:
                yield engine.check_arrow(batch, **options)

        return records.mapInArrow(check, RESULT_SCHEMA)

    history_columns = [c for c in records.columns if c != line_column]

    def history_of_partition(batches):
        import pyarrow as pa
        from pyspark import TaskContext

        engine = engine_here()
        batches = [b.select(history_columns) for b in batches]
        part = None
        if batches:
            part = engine.history_arrow(
                pa.Table.from_batches(batches), attribute_columns=attribute_columns
            )
        yield pa.RecordBatch.from_pydict(
            {"partition": [TaskContext.get().partitionId()], "history": [part]},
            schema=pa.schema([("partition", pa.int32()), ("history", pa.binary())]),
        )

    parts = records.mapInArrow(history_of_partition, "partition int, history binary").collect()
    by_partition = {row["partition"]: row["history"] for row in parts}
    histories = [by_partition.get(p) for p in range(max(by_partition, default=-1) + 1)]
    if all(h is None for h in histories):
        return records.mapInArrow(lambda batches: iter(()), RESULT_SCHEMA)
    # Licence draws settled across the partitions in the order of history (a merge when
    # there are no licence registers); each partition's own history comes back settled.
    full, histories = local.settle_histories(
        [None if h is None else bytes(h) for h in histories]
    )
    shared = spark.sparkContext.broadcast(
        (bytes(full), [None if h is None else bytes(h) for h in histories])
    )

    def check_partition(batches):
        import pyarrow as pa
        from pyspark import TaskContext

        engine = engine_here()
        batches = list(batches)
        if not batches:
            return
        full, histories = shared.value
        before = [h for h in histories[: TaskContext.get().partitionId()] if h is not None]
        earlier = Engine.merge_histories(before) if before else None
        table = pa.Table.from_batches(batches)
        out = engine.check_arrow(table, history=full, earlier=earlier, **options)
        yield from out.to_batches()

    return records.mapInArrow(check_partition, RESULT_SCHEMA)

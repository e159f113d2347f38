"""PySpark in local mode: a DataFrame checked on the executors through mapInArrow."""

import json
import os
import pathlib
import shutil
import sys

import pytest

pyspark = pytest.importorskip("pyspark")  # the CI virtual environment has it; see .ci/run

import export_control
from conftest import RULES, SAMPLE, audit_jsonl, read_csv_rows
from export_control.spark import RESULT_SCHEMA, check_dataframe


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession

    # The workers run this interpreter (its environment has the package), not the first
    # `python3` on the PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # Python workers inherit the environment (local mode): each engine load is logged here.
    os.environ["EXPORT_CONTROL_SPARK_LOAD_LOG"] = str(tmp_path_factory.mktemp("loads") / "log")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("export-control-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "100")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def stateless_rules(tmp_path_factory):
    """The shipped rules without the rule sets that read history (and without licences)."""
    rules = tmp_path_factory.mktemp("spark") / "rules"
    shutil.copytree(RULES, rules)
    for path in rules.glob("*.toml"):
        if path.name.endswith(".tests.toml") or path.name == "groups.toml":
            continue
        try:
            engine = export_control.Engine.from_path([str(path), str(rules / "groups.toml")])
        except export_control.LoadError:
            continue
        if engine.has_history:
            path.unlink()
            tests = path.with_name(path.name.replace(".toml", ".tests.toml"))
            tests.unlink(missing_ok=True)
    engine = export_control.Engine.from_path(str(rules))
    assert not engine.has_history
    assert len(engine.rule_sets) >= 8
    return rules


def test_verdicts_equal_the_audit(spark, stateless_rules, tmp_path):
    table, ragged = read_csv_rows(SAMPLE)
    frame = spark.createDataFrame(table.to_pandas()).repartition(2, "line")
    results = check_dataframe(spark, frame, str(stateless_rules), line_column="line")
    rows = results.orderBy("line").collect()
    assert len(rows) == table.num_rows
    audit = audit_jsonl(SAMPLE, tmp_path, rules=stateless_rules, licences=None)
    by_line = {json.loads(line)["line"]: line for line in audit}
    for row in rows:
        assert row["verdict"] == by_line.pop(row["line"]), row["line"]
    assert sorted(by_line) == [line for line, _ in ragged]


#: The shipped history rules (rules/kz-trade-baselines.toml, rules/eu-prewar-quota.toml).
HISTORY_RULES = {"kz-spike-to-eaeu", "kz-reexport-of-recent-import", "kz-new-consignee-chpl",
                 "eu-quota-kz-cannibalisable"}


def test_history_rules_equal_the_audit(spark, tmp_path):
    # The shipped rules (spikes, quotas, new parties, re-exports) without licences: each
    # partition is checked against the merged history of all of them, the partitions before
    # it counting as earlier on the same date, so the verdicts are the audit's of the file.
    table, ragged = read_csv_rows(SAMPLE)
    frame = spark.createDataFrame(table.to_pandas())
    assert frame.rdd.getNumPartitions() >= 2
    results = check_dataframe(spark, frame, str(RULES), line_column="line")
    rows = results.collect()
    assert len(rows) == table.num_rows
    audit = audit_jsonl(SAMPLE, tmp_path, licences=None)
    by_line = {json.loads(line)["line"]: line for line in audit}
    history_rules = set()
    for row in rows:
        assert row["verdict"] == by_line.pop(row["line"]), row["line"]
        history_rules.update(set(row["rules"]) & HISTORY_RULES)
    assert sorted(by_line) == [line for line, _ in ragged]
    # Not vacuous: history rules decided records, of every kind but one the sample lacks.
    assert len(history_rules) >= 3, history_rules


def test_one_partition_alone_would_differ(sample):
    # Why the history is merged first: the second half of the sample checked alone (without
    # the records before it) gives other verdicts for some records.
    table, _ = sample
    half = table.num_rows // 2
    plain = export_control.Engine.from_path(str(RULES))
    whole = plain.check_arrow(table, line_column="line").column("verdict").to_pylist()
    alone = plain.check_arrow(table.slice(half), line_column="line").column("verdict").to_pylist()
    assert whole[half:] != alone
    full = export_control.Engine.merge_histories([plain.history_arrow(table.drop(["line"]))])
    first = plain.history_arrow(table.slice(0, half).drop(["line"]))
    carried = plain.check_arrow(table.slice(half), line_column="line", history=full,
                                earlier=first).column("verdict").to_pylist()
    assert carried == whole[half:]


def test_licences_equal_the_audit(spark, tmp_path):
    # Licence registers draw balances over the whole input in the order of history: the
    # partitions' records that may draw are settled together on the driver. The register is
    # shipped to the executors and named in verdicts as given here, as the audit names it.
    from conftest import LICENCES

    table, ragged = read_csv_rows(SAMPLE)
    frame = spark.createDataFrame(table.to_pandas())
    assert frame.rdd.getNumPartitions() >= 2
    results = check_dataframe(spark, frame, str(RULES), licences=[str(LICENCES)],
                              line_column="line")
    rows = results.collect()
    assert len(rows) == table.num_rows
    audit = audit_jsonl(SAMPLE, tmp_path)
    by_line = {json.loads(line)["line"]: line for line in audit}
    for row in rows:
        assert row["verdict"] == by_line.pop(row["line"]), row["line"]
    assert sorted(by_line) == [line for line, _ in ragged]
    licensed = [r for r in rows if '"outcome":"licensed"' in r["verdict"]]
    assert len(licensed) >= 4
    assert all(str(LICENCES) in r["verdict"] for r in licensed)


def test_one_engine_per_worker_process(spark, stateless_rules):
    frame = spark.range(0, 2000, numPartitions=8).selectExpr(
        "concat('R-', id) as id", "'2023-01-05' as date", "'090121' as hs_code",
        "'KZ' as export_country", "'CN' as destination")
    results = check_dataframe(spark, frame, str(stateless_rules))
    assert results.filter("decision = 'allowed'").count() == 2000
    # 8 partitions of 250 rows in batches of 100: 24 batches, but each worker process loaded
    # the engine once (local[2] reuses its Python workers).
    log = pathlib.Path(os.environ["EXPORT_CONTROL_SPARK_LOAD_LOG"])
    loads = log.read_text(encoding="utf-8").splitlines()
    assert loads and len(loads) == len(set(loads)), loads  # (process, rules, registers) once each
    name = "export-control-rules-" + export_control.Engine.from_path(
        str(stateless_rules)).digest.split(":")[-1][:16]
    these = [line for line in loads if line.endswith(" " + name)]
    assert 1 <= len(these) <= 4, loads

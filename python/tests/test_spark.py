"""PySpark in local mode: a DataFrame checked on the executors through mapInArrow."""

import json
import os
import pathlib
import shutil

import pytest

pyspark = pytest.importorskip("pyspark")  # the CI virtual environment has it; see .ci/run

import export_control
from conftest import RULES, SAMPLE, audit_jsonl, read_csv_rows
from export_control.spark import RESULT_SCHEMA, check_dataframe


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession

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
    audit = audit_jsonl_for(stateless_rules, tmp_path)
    by_line = {json.loads(line)["line"]: line for line in audit}
    for row in rows:
        assert row["verdict"] == by_line.pop(row["line"]), row["line"]
    assert sorted(by_line) == [line for line, _ in ragged]


def audit_jsonl_for(rules, tmp_path):
    import subprocess
    from conftest import command

    out = tmp_path / "stateless.jsonl"
    run = subprocess.run(
        [command(), "audit", "--rules", str(rules), "--shipments", str(SAMPLE),
         "--format", "jsonl", "--output", str(out)],
        capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    return out.read_text(encoding="utf-8").splitlines()


def test_history_rules_are_refused(spark):
    frame = spark.createDataFrame([("A", "2023-01-05", "090121", "KZ", "CN")],
                                  "id string, date string, hs_code string, "
                                  "export_country string, destination string")
    with pytest.raises(export_control.ExportControlError, match="history rules"):
        check_dataframe(spark, frame, str(RULES))


def test_one_engine_per_worker_process(spark, stateless_rules):
    frame = spark.range(0, 2000, numPartitions=8).selectExpr(
        "concat('R-', id) as id", "'2023-01-05' as date", "'090121' as hs_code",
        "'KZ' as export_country", "'CN' as destination")
    results = check_dataframe(spark, frame, str(stateless_rules))
    assert results.filter("decision = 'allowed'").count() == 2000
    # 8 partitions of 250 rows in batches of 100: 24 batches, but each worker process loaded
    # the engine once (local[2] reuses its Python workers).
    log = pathlib.Path(os.environ["EXPORT_CONTROL_SPARK_LOAD_LOG"])
    pids = log.read_text(encoding="utf-8").split()
    assert pids and len(pids) == len(set(pids)), pids
    assert len(pids) <= 4, pids

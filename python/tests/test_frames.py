"""Polars and DuckDB: data frames and query results checked through Arrow, no copy through
Python objects; the verdicts are those of the same records as a pyarrow table."""

import json

import duckdb
import polars as pl
import pytest

from conftest import SAMPLE


def test_polars_frame(engine, sample):
    table, _ = sample
    expected = engine.check_arrow(table, line_column="line")
    frame = pl.from_arrow(table)
    # A Polars frame exports the Arrow stream interface: no conversion needed.
    results = engine.check_arrow(frame, line_column="line")
    assert results.column("verdict").to_pylist() == expected.column("verdict").to_pylist()
    joined = frame.join(pl.from_arrow(results).select("line", "decision"), on="line")
    assert joined.height == frame.height
    assert joined.filter(pl.col("decision") == "prohibited").height > 0


def test_polars_map_batches_stateless(tmp_path):
    # Per batch (map_batches) only makes sense for rules without history.
    import export_control

    rules = tmp_path / "rules"
    rules.mkdir()
    source = SAMPLE.parents[2] / "rules"
    for name in ("kz-arms-export-suspension-2022.toml", "groups.toml"):
        (rules / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    engine = export_control.Engine.from_path(str(rules))
    assert not engine.has_history
    frame = pl.DataFrame({
        "id": ["A", "B"], "date": ["2023-01-05", "2023-01-05"],
        "hs_code": ["9301.90", "0901.21"], "export_country": ["KZ", "KZ"],
        "destination": ["AE", "AE"],
    })
    # A lazy query that checks each batch it streams (rules without history only: a batch
    # does not hold the history before it).
    decided = (
        frame.lazy()
        .map_batches(
            lambda df: pl.from_arrow(engine.check_arrow(df)),
            schema={"id": pl.String, "line": pl.Int64, "decision": pl.String,
                    "rules": pl.List(pl.String), "error": pl.String, "verdict": pl.String},
            streamable=True,
        )
        .select("id", "decision")
        .collect()
    )
    assert decided.rows() == [("A", "prohibited"), ("B", "allowed")]


def test_duckdb_query(engine, sample):
    table, _ = sample
    expected = engine.check_arrow(table, line_column="line")
    con = duckdb.connect()
    con.register("shipments", table)
    relation = con.sql("SELECT * FROM shipments ORDER BY line")
    # A DuckDB relation exports the Arrow stream interface too.
    results = engine.check_arrow(relation, line_column="line")
    assert results.column("verdict").to_pylist() == expected.column("verdict").to_pylist()
    con.register("verdicts", results)
    counts = dict(con.sql("SELECT decision, count(*) FROM verdicts GROUP BY decision").fetchall())
    assert sum(counts.values()) == table.num_rows
    assert counts["prohibited"] == sum(
        1 for v in expected.column("verdict").to_pylist()
        if json.loads(v)["decision"] == "prohibited")

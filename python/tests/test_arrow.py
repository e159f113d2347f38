"""`Engine.check_arrow`: Arrow data in, the audit's verdicts out, record for record."""

import datetime
import decimal
import json

import pyarrow as pa
import pytest

import export_control
from conftest import RULES, audit_jsonl


def test_verdicts_equal_the_audit_record_for_record(engine, sample, sample_audit):
    table, ragged = sample
    results = engine.check_arrow(table, line_column="line")
    assert results.num_rows == table.num_rows
    by_line = {json.loads(line)["line"]: line for line in sample_audit}
    # Every record of the file has the audit's line, byte for byte.
    for line, verdict in zip(results.column("line").to_pylist(),
                             results.column("verdict").to_pylist()):
        assert verdict == by_line.pop(line), line
    # What is left: the rows no table can hold, which the audit reports as invalid.
    assert sorted(by_line) == [line for line, _ in ragged]
    for line, fields in ragged:
        left = json.loads(by_line[line])
        assert left["decision"] == "invalid"
        assert f"the record has {len(fields)} fields" in left["error"]["message"]
    # The sample exercises every decision (so the equality is not vacuous).
    decisions = set(results.column("decision").to_pylist())
    assert decisions == {"prohibited", "license_required", "review", "allowed", "invalid"}


def test_history_rules_see_the_whole_input(engine, tmp_path):
    # Washing machines to Russia: no baseline in 2021 (the rules' statistics file), so a month
    # over the floor is a spike; the second record only passes the floor with the first.
    rows = {
        "id": ["W-2", "W-1"],
        "date": ["2022-08-20", "2022-08-03"],
        "hs_code": ["8450.11", "8450.11"],
        "export_country": ["KZ", "KZ"],
        "destination": ["RU", "RU"],
        "value": ["30000", "30000"],
        "currency": ["USD", "USD"],
    }
    csv_path = tmp_path / "machines.csv"
    names = list(rows)
    csv_path.write_text(
        ",".join(names) + "\n"
        + "".join(",".join(rows[n][i] for n in names) + "\n" for i in range(2)),
        encoding="utf-8",
    )
    audit = audit_jsonl(csv_path, tmp_path)
    results = engine.check_arrow(pa.table(rows), first_line=2)
    assert results.column("verdict").to_pylist() == audit
    # Out of input order, as the audit does: W-2 (first in the input) sees W-1 (an earlier
    # date), USD 60,000 in the month, over the floor of 50,000; alone it is USD 30,000.
    def spike(results):
        verdict = json.loads(results.column("verdict")[0].as_py())
        return [m["outcome"] for m in verdict["matches"] if m["rule"] == "kz-spike-to-eaeu"]

    assert spike(results) == ["fired"]
    alone = engine.check_arrow(pa.table({n: v[:1] for n, v in rows.items()}))
    assert spike(alone) in ([], ["not_fired"])
    assert "kz-spike-to-eaeu" in results.column("rules")[0].as_py()
    assert "kz-spike-to-eaeu" not in alone.column("rules")[0].as_py()


def test_a_batch_gives_a_batch_and_a_table_a_table(engine, sample):
    table, _ = sample
    batch = table.slice(0, 10).to_batches()[0]
    out = engine.check_arrow(batch, line_column="line")
    assert isinstance(out, pa.RecordBatch) and out.num_rows == 10
    chunked = pa.Table.from_batches(table.slice(0, 30).to_batches(max_chunksize=7))
    out = engine.check_arrow(chunked, line_column="line")
    assert isinstance(out, pa.Table)
    assert [b.num_rows for b in out.to_batches()] == [7, 7, 7, 7, 2]
    assert out.schema.names == ["id", "line", "decision", "rules", "error", "verdict"]


def test_typed_columns_read_as_their_text(engine):
    text = pa.table({
        "id": ["T-1"], "date": ["2023-11-15"], "hs_code": ["8542.31"], "origin": ["US"],
        "export_country": ["KZ"], "destination": ["RU"], "value": ["12500.50"],
        "currency": ["USD"],
    })
    typed = text.set_column(1, "date", pa.array([datetime.date(2023, 11, 15)], pa.date32()))
    typed = typed.set_column(6, "value", pa.array([decimal.Decimal("12500.50")],
                                                  pa.decimal128(12, 2)))
    typed = typed.set_column(0, "id", pa.array(["T-1"]).dictionary_encode())
    a = engine.check_arrow(text).column("verdict").to_pylist()
    b = engine.check_arrow(typed).column("verdict").to_pylist()
    assert a == b
    assert json.loads(a[0])["decision"] == "license_required"


@pytest.mark.parametrize("column, array, message", [
    ("value", pa.array([12500.5]), "floating point cannot hold an amount exactly"),
    ("hs_code", pa.array([854231]), "loses a code's leading zeros"),
    ("date", pa.array([datetime.datetime(2023, 11, 15)], pa.timestamp("s")),
     "depends on its time zone"),
])
def test_types_that_could_change_a_value_are_refused(engine, column, array, message):
    table = pa.table({
        "id": ["T-1"], "date": ["2023-11-15"], "hs_code": ["8542.31"],
        "export_country": ["KZ"], "destination": ["RU"], "value": ["1"],
    })
    table = table.set_column(table.schema.get_field_index(column), column, array)
    with pytest.raises(export_control.SchemaError, match=f"column `{column}` is of type"):
        engine.check_arrow(table)
    with pytest.raises(export_control.SchemaError, match=message):
        engine.check_arrow(table)


def test_column_names_are_checked_as_a_csv_header(engine):
    base = {"id": ["T"], "date": ["2023-01-01"], "hs_code": ["854231"],
            "export_country": ["KZ"]}
    with pytest.raises(export_control.SchemaError, match="required column missing: destination"):
        engine.check_arrow(pa.table(base))
    with pytest.raises(export_control.SchemaError, match="one letter away from the field `destination`"):
        engine.check_arrow(pa.table({**base, "destinaton": ["RU"]}))
    # On purpose, as an attribute: then the record lacks its destination, and says so.
    out = engine.check_arrow(pa.table({**base, "destination": ["RU"], "destinaton": ["CN"]}),
                             attribute_columns=["destinaton"])
    assert json.loads(out.column("verdict")[0].as_py())["decision"] != "invalid"


def test_invalid_records_are_rows_never_allowed(engine):
    table = pa.table({
        "id": ["OK-1", "BAD-1", None], "date": ["2023-01-05", "2023-02-30", "2023-01-05"],
        "hs_code": ["0901.21", "0901.21", "0901.21"], "export_country": ["KZ"] * 3,
        "destination": ["CN"] * 3,
    })
    out = engine.check_arrow(table).to_pylist()
    assert [r["decision"] for r in out] == ["allowed", "invalid", "invalid"]
    assert out[1]["id"] == "BAD-1" and "2023-02-30" in out[1]["error"]
    assert out[2]["id"] is None and "id" in out[2]["error"]
    assert [r["line"] for r in out] == [1, 2, 3]


def test_line_column_must_number_rows(engine):
    table = pa.table({"id": ["A"], "date": ["2023-01-05"], "hs_code": ["090121"],
                      "export_country": ["KZ"], "destination": ["CN"], "n": pa.array([0])})
    with pytest.raises(export_control.SchemaError, match="no line from 1 up at row 0"):
        engine.check_arrow(table, line_column="n")
    with pytest.raises(export_control.SchemaError, match="not among the columns"):
        engine.check_arrow(table, line_column="nope")


def parts_of(table, cuts):
    """The table cut before the rows whose `line` is in `cuts`, as a cluster's partitions."""
    lines = table.column("line").to_pylist()
    starts = [0] + [lines.index(c) for c in cuts] + [table.num_rows]
    return [table.slice(a, b - a) for a, b in zip(starts, starts[1:])]


def test_parts_with_licences_settled_together_equal_the_whole(engine, sample, sample_audit):
    # The Spark route without Spark: each part's history (with the records that may draw on a
    # licence), settled together, then each part checked after the parts before it. The sample
    # licence KZ-DU-2023-000117 is drawn at line 1279 (part 0) and again at 1426 (part 1, which
    # sees 300 pcs left); the value licence at 1656 (part 1) and 1797 (part 2).
    table, _ = sample
    parts = parts_of(table, [1400, 1700])
    histories = [engine.history_arrow(p.drop(["line"])) for p in parts]
    whole, settled = engine.settle_histories(histories + [None])
    assert settled[-1] is None and len(settled) == len(parts) + 1
    verdicts = []
    for p, part in enumerate(parts):
        earlier = engine.merge_histories(settled[:p]) if p else None
        out = engine.check_arrow(part, line_column="line", history=whole, earlier=earlier)
        verdicts += out.column("verdict").to_pylist()
    assert verdicts == engine.check_arrow(table, line_column="line").column("verdict").to_pylist()
    by_line = {json.loads(line)["line"]: line for line in sample_audit}
    assert "balance 300 pcs before, 250 drawn" in by_line[1426]
    assert "balance 1200000.00 USD before, 900000.00 drawn" in by_line[1797]


def test_unsettled_or_foreign_history_is_refused(engine, sample):
    table, _ = sample
    part = engine.history_arrow(table.slice(0, 1500).drop(["line"]))
    with pytest.raises(ValueError, match="settle_histories"):
        engine.merge_histories([part])
    with pytest.raises(ValueError, match="settle_histories"):
        engine.check_arrow(table.slice(0, 10), history=part)
    whole, _ = engine.settle_histories([part])
    # Without the licence register (or with another), that history means nothing.
    plain = export_control.Engine.from_path(str(RULES))
    assert plain.digest == engine.digest
    with pytest.raises(ValueError, match="licence register"):
        plain.check_arrow(table.slice(0, 10), history=whole)
    with pytest.raises(ValueError, match="licence register"):
        plain.settle_histories([part])


def test_histories_of_other_registers_do_not_merge(engine, sample):
    table, _ = sample
    plain = export_control.Engine.from_path(str(RULES))
    with_register, _ = engine.settle_histories([engine.history_arrow(table.slice(0, 50).drop(["line"]))])
    without = plain.history_arrow(table.slice(50, 50).drop(["line"]))
    with pytest.raises(ValueError, match="without a licence register"):
        engine.merge_histories([with_register, without])

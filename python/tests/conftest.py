"""Shared fixtures: the repository's rules and sample, and the Rust audit's answer on them."""

import csv
import os
import pathlib
import subprocess

import pyarrow as pa
import pytest

import export_control

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
SAMPLE = ROOT / "examples" / "data" / "kz-trade-2021-2023.csv"
LICENCES = ROOT / "examples" / "data" / "kz-sample.licences.toml"


def command():
    """The `export-control` command: $EXPORT_CONTROL_BIN, or built from this checkout."""
    given = os.environ.get("EXPORT_CONTROL_BIN")
    if given:
        return given
    subprocess.run(
        ["cargo", "build", "--quiet", "--features", "cli", "--bin", "export-control"],
        cwd=ROOT,
        check=True,
    )
    return str(ROOT / "target" / "debug" / "export-control")


def audit_jsonl(shipments, tmp_path, rules=RULES, licences=LICENCES):
    """The audit's JSON Lines for a file (with the sample's licences unless `licences` is
    None): one line of text per record."""
    out = tmp_path / "audit.jsonl"
    given = [] if licences is None else ["--licences", str(licences)]
    run = subprocess.run(
        [command(), "audit", "--rules", str(rules), *given,
         "--shipments", str(shipments), "--format", "jsonl", "--output", str(out)],
        capture_output=True,
        text=True,
    )
    # 0: nothing reached the fail level; 1: something did (the sample has prohibited records).
    assert run.returncode in (0, 1), run.stderr
    return out.read_text(encoding="utf-8").splitlines()


def read_csv_rows(path):
    """A CSV file as an Arrow table of text columns plus `line`, the line each row starts on,
    as the audit numbers them; rows whose field count is not the header's cannot be a table's
    row and are returned apart (line, fields)."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        columns = {name: [] for name in header}
        lines, ragged = [], []
        start = reader.line_num + 1
        for row in reader:
            if row and len(row) != len(header):
                ragged.append((start, row))
            elif row:
                for name, value in zip(header, row):
                    columns[name].append(value)
                lines.append(start)
            start = reader.line_num + 1
    table = pa.table({**{n: pa.array(v, pa.string()) for n, v in columns.items()},
                      "line": pa.array(lines, pa.int64())})
    return table, ragged


@pytest.fixture(scope="session")
def engine():
    return export_control.Engine.from_path(str(RULES), licences=[str(LICENCES)])


@pytest.fixture(scope="session")
def sample():
    return read_csv_rows(SAMPLE)


@pytest.fixture(scope="session")
def sample_audit(tmp_path_factory):
    return audit_jsonl(SAMPLE, tmp_path_factory.mktemp("audit"))

#!/usr/bin/env python3
"""The Python package's speed, beside the Rust engine's, in one run (figures in the README).

    target/venv/bin/python python/benches/throughput.py [--records N] [--spark-records M]

1. ``Engine.check_arrow`` on one thread against ``Engine::check_batch`` (``cargo bench --bench
   file``) on the same records: the sample year repeated to N records
   (``benches/data/repeat-sample.py``), with the shipped rules that need no history (history
   rules and licences make ``check_arrow`` read its input twice, which ``check_batch`` does
   not), with and without party screening (which dominates both).
2. PySpark ``local[2]`` over M records (default 1,000,000) through
   ``export_control.spark.check_dataframe``, beside ``export-control audit`` on the same file
   and rules; Spark's fixed start-up cost (session, first job) is timed apart.

Run from the repository root after ``maturin develop --release`` (see the README).
"""

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import pyarrow as pa
import pyarrow.csv as pcsv

import export_control

ROOT = pathlib.Path(__file__).resolve().parents[2]
HISTORY_RULE_SETS = ("kz-trade-baselines", "eu-prewar-quota")


def rules_without(tmp, name, drop):
    """A copy of the shipped rules without the rule sets in `drop` (and their tests)."""
    target = tmp / name
    shutil.copytree(ROOT / "rules", target)
    for rule_set in drop:
        (target / f"{rule_set}.toml").unlink()
        (target / f"{rule_set}.tests.toml").unlink(missing_ok=True)
    engine = export_control.Engine.from_path(str(target))
    assert not engine.has_history, f"{target} still has history rules"
    return target


def sample_file(tmp, records):
    path = tmp / f"sample-{records}.csv"
    with open(path, "w", encoding="utf-8") as out:
        subprocess.run([sys.executable, "benches/data/repeat-sample.py", str(records)],
                       cwd=ROOT, stdout=out, check=True)
    return path


def read_table(path):
    """All columns as text; the sample's one ragged row cannot be a table's row (skipped)."""
    names = path.open(encoding="utf-8").readline().strip().split(",")
    return pcsv.read_csv(
        path,
        convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in names}),
        parse_options=pcsv.ParseOptions(invalid_row_handler=lambda row: "skip"),
    )


def python_check_arrow(rules, table, runs, verdicts=True):
    engine = export_control.Engine.from_path(str(rules))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = engine.check_arrow(table, verdicts=verdicts)
        times.append(time.perf_counter() - start)
        assert out.num_rows == table.num_rows
    return table.num_rows, statistics.median(times)


def rust_check_batch(rules, path, runs):
    run = subprocess.run(
        ["cargo", "bench", "--quiet", "--bench", "file", "--", str(rules), str(path), str(runs)],
        cwd=ROOT, capture_output=True, text=True, check=True)
    lines = [line.split() for line in run.stdout.splitlines()]
    return [(words[0], int(words[1]), float(words[3])) for words in lines]


def spark_run(rules, path):
    from pyspark.sql import SparkSession

    from export_control.spark import check_dataframe

    # The workers run this interpreter (its environment has the package), not the first
    # `python3` on the PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    start = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]").appName("export-control-bench")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.range(1).count()
    startup = time.perf_counter() - start
    schema = ", ".join(f"`{n}` string" for n in
                       path.open(encoding="utf-8").readline().strip().split(","))
    frame = (spark.read.option("header", True).option("mode", "DROPMALFORMED")
             .schema(schema).csv(str(path)))
    records = frame.count()
    start = time.perf_counter()
    check_dataframe(spark, frame, str(rules)).write.format("noop").mode("overwrite").save()
    elapsed = time.perf_counter() - start
    spark.stop()
    return records, startup, elapsed


def rust_audit(rules, path, binary):
    start = time.perf_counter()
    run = subprocess.run([binary, "audit", "--rules", str(rules), "--shipments", str(path),
                          "--format", "jsonl", "--output", os.devnull],
                         capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--spark-records", type=int, default=1_000_000)
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--features", "cli",
                    "--bin", "export-control"], cwd=ROOT, check=True)
    binary = str(ROOT / "target" / "release" / "export-control")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        stateless = rules_without(tmp, "stateless", HISTORY_RULE_SETS)
        unscreened = rules_without(tmp, "unscreened", HISTORY_RULE_SETS + ("party-screening",))
        path = sample_file(tmp, args.records)
        table = read_table(path)
        print(f"single thread, {args.records:,} records of the sample, median of {args.runs}")
        for name, rules in (("with party screening", stateless),
                            ("without party screening", unscreened)):
            rust = rust_check_batch(rules, path, args.runs)
            print(f"  {name}:")
            for label, n, t in rust:
                print(f"    Rust {label:<11} {n / t:>11,.0f} records/s ({n:,} in {t:.3f} s)")
            check_batch = rust[0][1] / rust[0][2]
            for verdicts in (True, False):
                n, t = python_check_arrow(rules, table, args.runs, verdicts)
                label = "check_arrow" + ("" if verdicts else " (verdicts=False)")
                print(f"    Python {label:<28} {n / t:>11,.0f} records/s ({n:,} in {t:.3f} s), "
                      f"{(n / t) / check_batch:.2f}x check_batch")
        if args.spark_records:
            path = sample_file(tmp, args.spark_records)
            records, startup, elapsed = spark_run(stateless, path)
            audit = rust_audit(stateless, path, binary)
            print(f"{args.spark_records:,} records, rules without history:")
            print(f"  PySpark local[2]: {records / elapsed:,.0f} records/s ({records:,} in "
                  f"{elapsed:.1f} s), start-up {startup:.1f} s apart")
            print(f"  export-control audit (one process): {args.spark_records / audit:,.0f} "
                  f"records/s ({audit:.1f} s, loading the rules included)")


if __name__ == "__main__":
    main()

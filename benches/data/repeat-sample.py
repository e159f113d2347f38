#!/usr/bin/env python3
"""Writes the sample year (examples/data/kz-trade-2021-2023.csv) repeated to N records, each
copy's ids suffixed `-r<copy>` so that ids stay unique, for the report-at-scale measurement in
the README:

    python3 benches/data/repeat-sample.py 10000000 > /tmp/10m.csv

The output is a pure function of N and the sample.
"""
import csv
import sys


def main() -> None:
    n = int(sys.argv[1])
    rows = open("examples/data/kz-trade-2021-2023.csv", encoding="utf-8").read().splitlines()
    header, body = rows[0], rows[1:]
    cols = next(csv.reader([header]))
    id_column = cols.index("id")
    parsed = [next(csv.reader([line])) for line in body]
    out = sys.stdout
    out.write(header + "\n")
    writer = csv.writer(out, lineterminator="\n")
    copy = written = 0
    while written < n:
        for row in parsed:
            if written >= n:
                break
            row = list(row)
            if row[id_column]:
                row[id_column] = f"{row[id_column]}-r{copy}"
            writer.writerow(row)
            written += 1
        copy += 1


if __name__ == "__main__":
    main()

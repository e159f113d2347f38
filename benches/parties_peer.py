"""Party screening beside a peer, in one run: ours (the `screen` example, index and all) and
rapidfuzz's token-set ratio on the same labelled pairs and the same queries.

Quality on the labelled pairs of tests/data/parties/quality.csv (precision and recall at a
cut-off of 88, the same figure as our default threshold 0.88, and at the cut-off that is best for
rapidfuzz), then speed on the queries of `cargo bench --bench parties` (benches/common/sdn.rs:
every 20th name of the OFAC SDN 2021 snapshot with its 4th and 5th characters swapped, and the
sample's party names, in turn) against the snapshot's 20,886 names and aliases, by
`process.extract` (a scan of every name; rapidfuzz has no index), one thread. Ours runs as a
user runs it: the `screen` example (built here) over a rule directory made in a temporary
directory, the labelled names as an in-house list for the pairs, the snapshot as an OFAC list
for the queries; its time includes starting the process and loading the list.

    python3 -m venv /tmp/rf && /tmp/rf/bin/pip install rapidfuzz==3.14.6
    /tmp/rf/bin/python benches/parties_peer.py
"""

import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
SDN = ROOT / "tests/data/ofac-sdn-2021"
CUT = 88


# The benches' rule set: one rule over the list "ofac-sdn-2021" (replaced for another list).
RULES = (ROOT / "benches/common/sdn-rules.toml").read_text(encoding="utf-8")


def ours(directory, names, min_score):
    """Our matches for each name (`matched_name`s), and the seconds the `screen` example took."""
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "screen"], cwd=ROOT, check=True)
    asked = Path(directory) / "names.txt"
    asked.write_text("".join(n + "\n" for n in names), encoding="utf-8")
    start = time.perf_counter()
    run = subprocess.run(
        [str(ROOT / "target/release/examples/screen"), "--rules", str(directory), "--names", str(asked),
         "--min-score", str(min_score)],
        capture_output=True, text=True, encoding="utf-8")
    took = time.perf_counter() - start
    assert run.returncode in (0, 1), run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [line["name"] for line in lines] == names, "one line per name, in order"
    return [{m["matched_name"] for m in line["matches"]} for line in lines], took


def quality_list(directory, labelled):
    """The labelled pairs' names as an in-house list in `directory`."""
    (Path(directory) / "peer.toml").write_text(RULES.replace('"ofac-sdn-2021"', '"quality"'), encoding="utf-8")
    entries = "".join(
        f'\n[[entry]]\nid = "Q{i}"\nname = {json.dumps(name, ensure_ascii=False)}\ntype = "entity"\n'
        for i, name in enumerate(sorted({n for _, _, n, _ in labelled}), 1))
    (Path(directory) / "quality.list.toml").write_text(
        '[list]\nid = "quality"\ntitle = "Labelled names"\nauthority = "Nobody"\njurisdiction = "KZ"\n'
        'date = 2026-12-04\nsources = ["tests/data/parties/quality.csv"]\nformat = "watchlist"\n' + entries,
        encoding="utf-8")


def sdn_list(directory):
    """The SDN snapshot as an OFAC list in `directory`."""
    (Path(directory) / "peer.toml").write_text(RULES, encoding="utf-8")
    (Path(directory) / "sdn").mkdir()
    for name in ("sdn.csv", "alt.csv"):
        (Path(directory) / "sdn" / name).write_bytes((SDN / name).read_bytes())
    (Path(directory) / "sdn.list.toml").write_text(
        '[list]\nid = "ofac-sdn-2021"\ntitle = "OFAC SDN list (2021 snapshot)"\nauthority = "OFAC"\n'
        'date = 2021-01-01\nsources = ["tests/data/ofac-sdn-2021/SOURCE.md"]\nformat = "ofac-csv"\n'
        'files = { primary = "sdn/sdn.csv", aliases = "sdn/alt.csv" }\n', encoding="utf-8")


def counts(labelled, hits):
    tp = sum(h and same for h, (*_, same) in zip(hits, labelled))
    fp = sum(h and not same for h, (*_, same) in zip(hits, labelled))
    fn = sum(same and not h for h, (*_, same) in zip(hits, labelled))
    return tp, fp, fn


def line(who, tp, fp, fn):
    return (f"  {who}: precision {tp / max(tp + fp, 1):.3f} ({tp} of {tp + fp}), "
            f"recall {tp / max(tp + fn, 1):.3f} ({tp} of {tp + fn})")


def pairs():
    with open(ROOT / "tests/data/parties/quality.csv", newline="", encoding="utf-8") as f:
        return [(r["kind"], r["query"], r["name"], r["label"] == "match") for r in csv.DictReader(f)]


def quality(labelled, cut):
    tp = fp = fn = 0
    for _, query, name, same in labelled:
        hit = fuzz.token_set_ratio(query, name, processor=utils.default_process) >= cut
        tp += hit and same
        fp += hit and not same
        fn += same and not hit
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, tp, fp, fn


def names():
    def column(path, index):
        with open(path, newline="", encoding="utf-8", errors="replace") as f:
            return [row[index].strip() for row in csv.reader(f) if len(row) > index]

    primary = column(SDN / "sdn.csv", 1)
    aliases = [n for n in column(SDN / "alt.csv", 3) if n != "-0-"]
    return primary, primary + aliases


def queries(primary):
    typos = []
    for name in primary[::20]:
        chars = list(name)
        if len(chars) > 5:
            chars[3], chars[4] = chars[4], chars[3]
        typos.append("".join(chars))
    with open(ROOT / "examples/data/kz-trade-2021-2023.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        width = len(next(reader))
        # As the csv crate, a row of another width is not read.
        rows = [row for row in reader if len(row) == width]
        parties = sorted({n for row in rows for n in (row[8], row[9]) if n})
    out = []
    for i, typo in enumerate(typos):
        out += [typo, parties[i % len(parties)]]
    return out


def main():
    labelled = pairs()
    with tempfile.TemporaryDirectory() as directory:
        quality_list(directory, labelled)
        found, _ = ours(directory, [q for _, q, _, _ in labelled], 0.88)
    hits = [name in matched for matched, (_, _, name, _) in zip(found, labelled)]
    print(f"export-control (the screen example) at 0.88, {len(labelled)} pairs")
    print(line("index", *counts(labelled, hits)))
    p, r, tp, fp, fn = quality(labelled, CUT)
    print(f"rapidfuzz {sys.modules['rapidfuzz'].__version__} token_set_ratio, {len(labelled)} pairs")
    print(f"  at {CUT}: precision {p:.3f} ({tp} of {tp + fp}), recall {r:.3f} ({tp} of {tp + fn})")

    def f1(cut):
        precision, recall, *_ = quality(labelled, cut)
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    best = max(range(50, 101), key=f1)
    p, r, tp, fp, fn = quality(labelled, best)
    print(f"  at {best} (its best F1): precision {p:.3f} ({tp} of {tp + fp}), recall {r:.3f} ({tp} of {tp + fn})")
    for kind in sorted({k for k, *_ in labelled}):
        some = [x for x in labelled if x[0] == kind]
        right = sum(
            (fuzz.token_set_ratio(q, n, processor=utils.default_process) >= CUT) == same
            for _, q, n, same in some
        )
        print(f"  {kind}: {right} of {len(some)} right at {CUT}")

    primary, choices = names()
    asked = queries(primary)
    # What benches/common/sdn.rs reads and asks, or the speeds are not of the same work.
    assert len(choices) == 20886 and len(asked) == 898, (len(choices), len(asked))
    processed = [utils.default_process(c) for c in choices]
    start = time.perf_counter()
    hits = 0
    for q in asked:
        hits += len(process.extract(utils.default_process(q), processed, scorer=fuzz.token_set_ratio,
                                    processor=None, score_cutoff=CUT, limit=None))
    took = time.perf_counter() - start
    print(f"rapidfuzz: {len(asked)} queries against {len(choices)} names: {took:.2f} s, "
          f"{len(asked) / took:.0f} names/s, {took / len(asked) * 1e6:.0f} us a name, {hits} hits at {CUT}")
    with tempfile.TemporaryDirectory() as directory:
        sdn_list(directory)
        found, took = ours(directory, asked, 0.88)
    print(f"export-control: the same queries: {took:.2f} s with start and loading, "
          f"{len(asked) / took:.0f} names/s, {sum(map(len, found))} names matched at 0.88")


if __name__ == "__main__":
    main()

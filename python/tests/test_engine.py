"""`Engine`: loading, errors with their locations, one record as a dict."""

import datetime
import decimal
import threading

import pytest

import export_control
from conftest import RULES


def test_digest_and_rule_sets(engine):
    assert engine.digest.startswith("sha256:") and len(engine.digest) == 71
    assert "kz-106-dual-use-ru" in engine.rule_sets
    # Licence registers are not part of the rule book: the same digest without them.
    assert export_control.Engine.from_path(str(RULES)).digest == engine.digest


def test_check_a_dict(engine):
    verdict = engine.check({
        "id": "KZ-2023-0042", "date": datetime.date(2023, 11, 15), "hs_code": "8542.31.0000",
        "origin": "US", "export_country": "KZ", "destination": "RU",
        "value": decimal.Decimal("12000.00"), "currency": "USD",
    })
    assert verdict["decision"] == "license_required"
    assert verdict["ruleset_digest"] == engine.digest
    rule_sets = {m["ruleset"] for m in verdict["matches"] if m["outcome"] == "fired"}
    assert {"us-ear-russia-746-8", "kz-106-dual-use-ru"} <= rule_sets
    # The same record with the reported and draft measures left out.
    fewer = engine.check({"id": "X", "date": "2023-11-15", "hs_code": "8542.31",
                          "origin": "US", "export_country": "KZ", "destination": "RU"},
                         exclude_status=["reported", "draft"])
    assert "kz-106-dual-use-ru" not in {m["ruleset"] for m in fewer["matches"]}


def test_an_unreadable_record_raises_with_its_field(engine):
    with pytest.raises(export_control.InvalidRecord) as caught:
        engine.check({"id": "B-1", "date": "2023-02-30", "hs_code": "854231",
                      "export_country": "KZ", "destination": "RU"})
    assert caught.value.field == "date" and caught.value.id == "B-1"
    assert "2023-02-30" in str(caught.value)
    with pytest.raises(export_control.InvalidRecord, match="`destinaton`"):
        engine.check({"id": "B-2", "date": "2023-02-03", "hs_code": "854231",
                      "export_country": "KZ", "destinaton": "RU"})
    with pytest.raises(TypeError, match="date and time"):
        engine.check({"id": "B-3", "date": datetime.datetime(2023, 2, 3), "hs_code": "854231",
                      "export_country": "KZ", "destination": "RU"})


def test_load_errors_carry_file_line_and_column(tmp_path):
    # A shipped rule file with one key misspelt: an error at that key, never a silent rule.
    text = (RULES / "kz-arms-export-suspension-2022.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, l in enumerate(lines) if l.startswith("verdict = "))
    lines[at] = lines[at].replace("verdict", "verdcit", 1)
    (tmp_path / "arms.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "groups.toml").write_text(
        (RULES / "groups.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(export_control.LoadError) as caught:
        export_control.Engine.from_path(str(tmp_path))
    problems = caught.value.problems
    typo = [p for p in problems if "verdcit" in p["message"]]
    assert typo, problems
    assert typo[0]["file"].endswith("arms.toml")
    assert (typo[0]["line"], typo[0]["column"]) == (at + 1, 1)
    assert "verdict" in (typo[0]["help"] or "") + typo[0]["message"]
    # The exception's text is the Rust error's, with the same location.
    assert f"arms.toml:{at + 1}:1" in str(caught.value)
    assert isinstance(caught.value, export_control.ExportControlError)


def test_a_missing_directory_is_a_load_error(tmp_path):
    with pytest.raises(export_control.LoadError, match="cannot read"):
        export_control.Engine.from_path(str(tmp_path / "nowhere"))


def test_shared_between_threads(engine, sample):
    table, _ = sample
    expected = engine.check_arrow(table, line_column="line").column("verdict")
    results = [None] * 4

    def work(i):
        results[i] = engine.check_arrow(table, line_column="line").column("verdict")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.equals(expected) for r in results)

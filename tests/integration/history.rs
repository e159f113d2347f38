//! History rules: the semantics of "the history before a record" held against independent
//! computations, the stores against each other, a writer killed mid-batch, and the audit's
//! history options.

use std::process::{Command, Stdio};

use export_control::history::{Aggregates, History, Replay};
use export_control::read;
use export_control::sqlite::SqliteHistory;
use export_control::{CheckOptions, Engine, Outcome, Shipment, Verdict};
use proptest::prelude::*;

use crate::audit::example;
use crate::common::{engine_of, fresh_dir, rule_set, shipped};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/data/kz-trade-2021-2023.csv"
);

/// The valid records of the sample, in input order.
fn sample() -> Vec<Shipment> {
    read::csv(std::io::BufReader::new(
        std::fs::File::open(SAMPLE).unwrap(),
    ))
    .unwrap()
    .flatten()
    .map(|r| r.shipment)
    .collect()
}

/// A verdict as the tests compare them: the decision and each rule's outcome and reasons.
fn key(v: &Verdict<'_>) -> String {
    serde_json::to_string(&v.matches).unwrap() + &v.decision.to_string()
}

/// The verdicts of the records through a replay: the whole input recorded first, then each
/// record checked in input order.
fn replayed(engine: &Engine, records: &[Shipment]) -> Vec<String> {
    let mut full = History::new();
    for s in records {
        engine.record(&mut full, s);
    }
    let mut replay = Replay::new(&full);
    let options = CheckOptions::default();
    records
        .iter()
        .map(|s| key(&engine.replay(&mut replay, s, &options)))
        .collect()
}

/// The verdicts of the records checked one at a time against a `History`, in date order
/// (stable: same-date records keep their input order), each recorded after its check: the
/// semantics written out as plainly as it can be.
fn incremental(engine: &Engine, records: &[Shipment]) -> Vec<String> {
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| records[i].date);
    let mut history = History::new();
    let mut out = vec![String::new(); records.len()];
    for i in order {
        out[i] = key(&engine.check_against(&records[i], &history));
        engine.record(&mut history, &records[i]);
    }
    out
}

#[test]
fn the_sample_audit_equals_an_incremental_replay_in_date_order() {
    let engine = shipped();
    let records = sample();
    assert!(records.len() > 2_800);
    let two_pass = replayed(&engine, &records);
    assert_eq!(two_pass, incremental(&engine, &records));
    // Each history rule fires somewhere in the sample.
    let all = two_pass.join("\n");
    for rule in [
        "kz-spike-to-eaeu",
        "kz-reexport-of-recent-import",
        "kz-new-consignee-chpl",
        "eu-quota-kz-cannibalisable",
    ] {
        assert!(all.contains(&format!("\"rule\":\"{rule}\"")), "{rule}");
    }
    // The ghost-trade pattern is named.
    assert!(all.contains("not the consignor (goods declared for someone else)"));
    // A statistics file gave a baseline, and says so.
    assert!(all.contains("kz-ru-washing-machines-2021.statistics.csv"));
}

#[test]
fn the_audit_binary_gives_the_replayed_verdicts() {
    // The rules as the binary names them (relative to the crate, where it runs).
    let engine = Engine::from_path("rules").unwrap();
    let records = sample();
    let expected = replayed(&engine, &records);
    let output = example("audit")
        .args([
            "--rules",
            "rules",
            "--shipments",
            SAMPLE,
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let got: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["decision"] != "invalid").then(|| {
                serde_json::to_string(&v["matches"]).unwrap() + v["decision"].as_str().unwrap()
            })
        })
        .collect();
    // The binary writes `text` beside every reason; compare the reasons' data alone.
    let strip = |s: &str| {
        let mut v: serde_json::Value =
            serde_json::from_str(&s[..s.rfind(']').unwrap() + 1]).unwrap();
        strip_text(&mut v);
        v.to_string() + &s[s.rfind(']').unwrap() + 1..]
    };
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(strip(g), strip(e));
    }
}

fn strip_text(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.remove("text");
            map.values_mut().for_each(strip_text);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_text),
        _ => {}
    }
}

/// Rules of every history kind with low thresholds, so that small generated histories make
/// them fire and not fire.
fn small_rules() -> Engine {
    let rules = r#"
[[rule]]
id = "t-spike"
verdict = "review"
title = "spike"
citation = "test"
when = { hs_code = ["8542"], destination = ["RU"] }
history = { kind = "spike", measure = "value", currency = "USD", by = ["hs6", "destination"], window_days = 10, baseline_year = 2021, ratio = 2, floor = 100 }

[[rule]]
id = "t-quota"
verdict = "review"
title = "quota"
citation = "test"
when = { hs_code = ["8542", "8450"] }
history = { kind = "quota", measure = "value", currency = "USD", by = ["export_country", "hs6"], cap_factor = 1, baseline_year = 2021 }

[[rule]]
id = "t-new"
verdict = "review"
title = "new consignee"
citation = "test"
when = { hs_code = ["8542"] }
history = { kind = "new_party", party = "consignee", days = 20, measure = "value", currency = "USD", floor = 50 }

[[rule]]
id = "t-reexport"
verdict = "review"
title = "re-export"
citation = "test"
when = { hs_code = ["8542", "8450"], destination = ["RU"] }
history = { kind = "reexport", days = 15 }
"#;
    engine_of(&[("t.toml", &rule_set("t", "scope = \"any_exporter\"", rules))])
}

fn arb_record() -> impl Strategy<Value = Shipment> {
    (
        prop_oneof![Just(2021), Just(2022)],
        1u32..=40,
        prop::sample::select(vec!["854231", "854232", "845011"]),
        prop::sample::select(vec![("KZ", "RU"), ("CN", "KZ"), ("KZ", "KG")]),
        prop::sample::select(vec!["A", "B", "C"]),
        prop::sample::select(vec!["A", "B", "C", "D"]),
        prop::option::of(0u32..400),
        prop::sample::select(vec!["USD", "USD", "EUR"]),
    )
        .prop_map(
            |(year, day, hs, (from, to), consignor, consignee, value, currency)| {
                let date = chrono::NaiveDate::from_ymd_opt(year, 3, 1).unwrap()
                    + chrono::Days::new(u64::from(day));
                let mut s = Shipment::new(
                    "r",
                    date,
                    hs.parse().unwrap(),
                    from.parse().unwrap(),
                    to.parse().unwrap(),
                );
                s.consignor = Some(consignor.to_owned());
                s.consignee = Some(consignee.to_owned());
                s.value = value.map(Into::into);
                s.currency = Some(currency.to_owned());
                s
            },
        )
}

fn arb_records() -> impl Strategy<Value = Vec<Shipment>> {
    prop::collection::vec(arb_record(), 1..40).prop_map(|mut records| {
        for (i, s) in records.iter_mut().enumerate() {
            s.id = format!("R{i}");
        }
        records
    })
}

/// The aggregates of records added in the order given.
fn aggregates_of(engine: &Engine, records: &[Shipment]) -> Aggregates {
    let mut aggregates = Aggregates::new();
    for s in records {
        aggregates.add(&engine.facts(s));
    }
    aggregates
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The two-pass replay of an audit gives each record the verdict of the plain incremental
    /// check in date order.
    #[test]
    fn replay_equals_incremental_check(records in arb_records()) {
        let engine = small_rules();
        prop_assert_eq!(replayed(&engine, &records), incremental(&engine, &records));
    }

    /// Shuffling records of different dates (same-date records keep their order) changes no
    /// verdict.
    #[test]
    fn shuffling_dates_changes_no_verdict(records in arb_records(), seed in any::<u64>()) {
        let engine = small_rules();
        let before = replayed(&engine, &records);
        let mut order: Vec<usize> = (0..records.len()).collect();
        // A permutation from the seed, then same-date records back in their input order.
        order.sort_by_key(|&i| (i as u64).wrapping_mul(seed | 1).rotate_left(17));
        let mut by_date: std::collections::BTreeMap<_, Vec<usize>> = Default::default();
        for &i in &order {
            by_date.entry(records[i].date).or_default().push(i);
        }
        for list in by_date.values_mut() {
            list.sort_unstable();
            list.reverse();
        }
        let order: Vec<usize> = order
            .iter()
            .map(|&i| by_date.get_mut(&records[i].date).unwrap().pop().unwrap())
            .collect();
        let shuffled: Vec<Shipment> = order.iter().map(|&i| records[i].clone()).collect();
        let after = replayed(&engine, &shuffled);
        for (k, &i) in order.iter().enumerate() {
            prop_assert_eq!(&after[k], &before[i], "record {}", i);
        }
    }

    /// Aggregates computed over any split of the input and merged equal one pass.
    #[test]
    fn merged_partitions_equal_one_pass(records in arb_records(), cut in any::<prop::sample::Index>()) {
        let engine = small_rules();
        let cut = cut.index(records.len() + 1);
        let one = aggregates_of(&engine, &records);
        let left = aggregates_of(&engine, &records[..cut]);
        let later: Vec<Shipment> = records[cut..].iter().rev().cloned().collect();
        let mut right = aggregates_of(&engine, &later);
        right.merge(&left);
        prop_assert_eq!(right, one);
    }

    /// Partitions serialised (as they travel between machines), read back and merged equal one
    /// pass; and one state has one text, whatever the order it was built in.
    #[test]
    fn serialised_partitions_merge_to_one_pass(records in arb_records(), cut in any::<prop::sample::Index>()) {
        let engine = small_rules();
        let cut = cut.index(records.len() + 1);
        let one = aggregates_of(&engine, &records);
        let part = |records: &[Shipment]| serde_json::to_string(&aggregates_of(&engine, records)).unwrap();
        let (left, right) = (part(&records[..cut]), part(&records[cut..]));
        let mut merged: Aggregates = serde_json::from_str(&right).unwrap();
        merged.merge(&serde_json::from_str(&left).unwrap());
        prop_assert_eq!(&merged, &one);
        let reversed: Vec<Shipment> = records.iter().rev().cloned().collect();
        let reversed = aggregates_of(&engine, &reversed);
        prop_assert_eq!(serde_json::to_string(&reversed).unwrap(), serde_json::to_string(&one).unwrap());
    }

    /// The SQLite store holds what the memory store holds, and what its records recompute to.
    #[test]
    fn sqlite_equals_memory(records in arb_records(), batch in 1usize..8) {
        let engine = small_rules();
        let mut memory = History::new();
        let mut sqlite = SqliteHistory::open_in_memory(&engine).unwrap();
        for chunk in records.chunks(batch) {
            for s in chunk {
                engine.record(&mut memory, s);
            }
            sqlite.record_batch(&engine, chunk).unwrap();
        }
        prop_assert_eq!(sqlite.history().aggregates(), memory.aggregates());
        prop_assert_eq!(&sqlite.recompute(&engine).unwrap(), memory.aggregates());
        for s in &records {
            prop_assert_eq!(
                key(&sqlite.check(&engine, s)),
                key(&engine.check_against(s, &memory))
            );
        }
    }

    /// A record added to the history before a record (outside the baseline year) never lowers
    /// that record's spike or quota outcome: totals only grow.
    #[test]
    fn more_history_never_lowers_a_spike_or_quota(
        records in arb_records(),
        target in arb_record(),
        extra in arb_record(),
    ) {
        let engine = small_rules();
        let mut target = target;
        target.date = chrono::NaiveDate::from_ymd_opt(2022, 4, 15).unwrap();
        let mut extra = extra;
        extra.date = chrono::NaiveDate::from_ymd_opt(2022, 4, 10).unwrap();
        let mut history = History::new();
        for s in &records {
            engine.record(&mut history, s);
        }
        let before = engine.check_against(&target, &history);
        engine.record(&mut history, &extra);
        let after = engine.check_against(&target, &history);
        for rule in ["t-spike", "t-quota"] {
            let fired = |v: &Verdict<'_>| {
                v.matches.iter().any(|m| *m.rule == *rule && m.outcome == Outcome::Fired)
            };
            prop_assert!(!fired(&before) || fired(&after), "{} stopped firing", rule);
        }
    }
}

#[test]
fn a_database_opened_with_other_rules_recomputes_its_aggregates() {
    let dir = fresh_dir("rules");
    let path = dir.join("h.sqlite");
    let records = sample();
    let shipped = shipped();
    {
        let mut db = SqliteHistory::open(&path, &shipped).unwrap();
        db.record_batch(&shipped, &records[..500]).unwrap();
    }
    let other = small_rules();
    let db = SqliteHistory::open(&path, &other).unwrap();
    let mut expected = Aggregates::new();
    for s in &records[..500] {
        expected.add(&other.facts(s));
    }
    assert_eq!(db.history().aggregates(), &expected);
    assert_eq!(db.len().unwrap(), 500);
    drop(db);
    // Back to the shipped rules: the shipped aggregates again.
    let db = SqliteHistory::open(&path, &shipped).unwrap();
    assert_eq!(db.history().aggregates(), &db.recompute(&shipped).unwrap());
    assert!(db.integrity_check().unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Run as a child by [`a_writer_killed_mid_batch_loses_only_that_batch`]: records batches of
/// the sample into the database named by the environment, forever.
#[test]
fn a_writer_killed_mid_batch_loses_only_that_batch() {
    let dir = fresh_dir("kill");
    let path = dir.join("h.sqlite");
    let engine = shipped();
    let mut before = 0u64;
    for round in 0..3 {
        let mut child = example("record-history")
            .args(["--db", path.to_str().unwrap(), "--forever", SAMPLE])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // After its first commit (however long loading the rules took), then at a moment no
        // one chose.
        // Its output is read on a thread until the kill, so that it never stops on a full or
        // closed pipe between batches.
        let (first_tx, first_rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
            let _ = first_tx.send(lines.next());
            for _ in lines {}
        });
        let first = first_rx.recv().unwrap();
        assert!(
            first
                .as_ref()
                .is_some_and(|l| l.as_ref().is_ok_and(|l| l.starts_with("committed "))),
            "{first:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(150 + 170 * round));
        child.kill().unwrap(); // SIGKILL: no destructor, no rollback of our own
        reader.join().unwrap();
        child.wait().unwrap();
        let db = SqliteHistory::open(&path, &engine).unwrap();
        assert!(db.integrity_check().unwrap(), "round {round}");
        let n = db.len().unwrap();
        assert!(n > before, "round {round}: nothing committed");
        // Whole batches only: each writer cycles through the sample from its start in batches
        // of 250 (the last one of a cycle short, which completes the cycle).
        let per_cycle = sample().len() as u64;
        let written = n - before;
        assert_eq!(
            (written % per_cycle) % 250,
            0,
            "round {round}: {written} records is not a whole number of batches"
        );
        before = n;
        // The stored aggregates are exactly those of the stored records.
        assert_eq!(db.history().aggregates(), &db.recompute(&engine).unwrap());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Audits half of the sample into a history database, then the other half against it: the
/// second half gets the verdicts a single audit of the whole sample gives it.
#[test]
fn an_audit_continues_from_its_history_database() {
    let dir = fresh_dir("db");
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let body: Vec<&str> = lines.collect();
    let (first, second) = body.split_at(body.len() / 2);
    let write = |name: &str, rows: &[&str]| {
        let path = dir.join(name);
        std::fs::write(&path, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
        path
    };
    let (a, b) = (write("a.csv", first), write("b.csv", second));
    let db = dir.join("h.sqlite");
    let run = |input: &std::path::Path, with_db: bool| {
        let mut command = example("audit");
        command.args(["--rules", "rules", "--format", "jsonl", "--shipments"]);
        command.arg(input);
        if with_db {
            command.arg("--history-db").arg(&db);
        }
        let output = command.output().unwrap();
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let whole = run(std::path::Path::new(SAMPLE), false);
    run(&a, true);
    let continued = run(&b, true);
    let matches = |line: &str| {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        strip_text(&mut v["matches"]);
        (v["id"].clone(), v["decision"].clone(), v["matches"].clone())
    };
    let whole: Vec<_> = whole.lines().map(matches).collect();
    let continued: Vec<_> = continued.lines().map(matches).collect();
    assert_eq!(&whole[whole.len() - continued.len()..], &continued[..]);
    let engine = shipped();
    let stored = SqliteHistory::open(&db, &engine).unwrap();
    assert_eq!(stored.len().unwrap() as usize, sample().len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_baseline_file_raises_the_baseline_and_says_so() {
    let dir = fresh_dir("baseline");
    let input = dir.join("in.csv");
    std::fs::write(
        &input,
        "id,date,hs_code,origin,export_country,destination,consignor,consignee,value,currency\n\
         C-1,2023-11-15,854231,TW,KZ,RU,Steppe LLP,OOO Vector,60000,USD\n",
    )
    .unwrap();
    let stats = dir.join("kz.statistics.csv");
    std::fs::write(
        &stats,
        "period,reporter,partner,hs_code,value,currency\n2021,KZ,RU,854231,1200000,USD\n",
    )
    .unwrap();
    let spike = |extra: &[&std::ffi::OsStr]| {
        let output = example("audit")
            .args(["--rules", "rules", "--format", "jsonl", "--shipments"])
            .arg(&input)
            .args(extra)
            .output()
            .unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(output.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
        v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["rule"] == "kz-spike-to-eaeu")
            .cloned()
    };
    let without = spike(&[]).expect("a spike against a zero baseline");
    assert_eq!(without["outcome"], "fired");
    assert!(spike(&["--baseline".as_ref(), stats.as_os_str()]).is_none());
    // A bad statistics file is an error naming its line and column, exit 2.
    std::fs::write(
        &stats,
        "period,reporter,partner,hs_code,value,currency\n2021,KZ,XX,854231,1,USD\n",
    )
    .unwrap();
    let output = example("audit")
        .args(["--rules", "rules", "--shipments"])
        .arg(&input)
        .arg("--baseline")
        .arg(&stats)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("kz.statistics.csv:2:9"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the audit's history options do with hostile files: each is refused with exit 2, fast,
/// and nothing given is changed.
#[test]
fn hostile_history_inputs_are_refused() {
    let dir = fresh_dir("hostile");
    let input = dir.join("in.csv");
    std::fs::write(
        &input,
        "id,date,hs_code,export_country,destination,value,currency\nH-1,2023-11-15,845011,KZ,RU,60000,USD\n",
    )
    .unwrap();
    let run = |extra: &[&std::ffi::OsStr]| {
        let started = std::time::Instant::now();
        let output = example("audit")
            .args(["--rules", "rules", "--format", "jsonl", "--shipments"])
            .arg(&input)
            .args(extra)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "{extra:?} hangs"
        );
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let baseline = |path: &std::path::Path| run(&["--baseline".as_ref(), path.as_os_str()]);

    // A FIFO (opening it would wait for a writer), a directory, a link to /dev/zero.
    let fifo = dir.join("fifo.statistics.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (code, err) = baseline(&fifo);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    assert_eq!(baseline(&dir).0, Some(2));
    let zero = dir.join("zero.statistics.csv");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    assert_eq!(baseline(&zero).0, Some(2));
    // Too large (a sparse file: measured before a byte is read).
    let big = dir.join("big.statistics.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(export_control::source::MAX_FILE_BYTES as u64 + 1)
        .unwrap();
    let (code, err) = baseline(&big);
    assert_eq!(code, Some(2));
    assert!(err.contains("above the limit"), "{err}");
    // Duplicate columns, NUL, an amount past 10^18, a control character in a column's name:
    // each located, the control character escaped.
    for (text, needle) in [
        (
            "period,reporter,partner,hs_code,value,value,currency\n",
            "named twice",
        ),
        (
            "period,reporter,partner,hs_code,value,currency\n2021,KZ,RU,845011,1\0,USD\n",
            ":2:",
        ),
        (
            "period,reporter,partner,hs_code,value,currency\n2021,KZ,RU,845011,1000000000000000001,USD\n",
            "0 to 10^18",
        ),
        ("period,reporter,partner,hs_code,\u{1b}[31m\n", "\\u{1b}"),
    ] {
        let path = dir.join("bad.statistics.csv");
        std::fs::write(&path, text).unwrap();
        let (code, err) = baseline(&path);
        assert_eq!(code, Some(2), "{text:?}: {err}");
        assert!(err.contains(needle), "{text:?}: {err}");
        assert!(!err.contains('\u{1b}'), "raw escape in {err:?}");
    }

    // A history database that is not one, or a directory: exit 2, the file unchanged.
    let garbage = dir.join("garbage.sqlite");
    std::fs::write(&garbage, "not a database, a text file a user cares about\n").unwrap();
    let (code, err) = run(&["--history-db".as_ref(), garbage.as_os_str()]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(
        std::fs::read_to_string(&garbage).unwrap(),
        "not a database, a text file a user cares about\n"
    );
    assert_eq!(run(&["--history-db".as_ref(), dir.as_os_str()]).0, Some(2));
    // The report written over the history database: refused, the database intact.
    let db = dir.join("h.sqlite");
    assert!(matches!(
        run(&["--history-db".as_ref(), db.as_os_str()]).0,
        Some(0 | 1)
    ));
    let before = std::fs::read(&db).unwrap();
    let (code, err) = run(&[
        "--history-db".as_ref(),
        db.as_os_str(),
        "--output".as_ref(),
        db.as_os_str(),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("history database"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Statistics files are part of the rule book: their problems fail the load with their place,
/// and their content is in the digest (test files are not).
#[test]
fn statistics_files_are_checked_and_digested_with_the_rules() {
    use export_control::{Rulebook, Source};
    let rules = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/kz-trade-baselines.toml"
    ))
    .unwrap();
    let book = |stats: &str, tests: Option<&str>| {
        let mut sources = vec![
            crate::common::groups_source(),
            Source::new("kz-trade-baselines.toml", rules.as_str()),
            Source::new("s.statistics.csv", stats),
        ];
        if let Some(t) = tests {
            sources.push(Source::new("kz-trade-baselines.tests.toml", t));
        }
        Rulebook::from_sources(sources)
    };
    let good = "period,reporter,partner,hs_code,value,currency\n2021,KZ,RU,854231,100,USD\n";
    let a = book(good, None).unwrap();
    assert_eq!(a.statistics().len(), 1);
    let b = book(&good.replace("100", "101"), None).unwrap();
    assert_ne!(
        a.digest(),
        b.digest(),
        "a changed figure changes the digest"
    );
    let c = book(
        good,
        Some("[[test]]\nname = \"x\"\nshipment = { hs_code = \"854231\" }\nexpect = \"allowed\"\n"),
    )
    .unwrap();
    assert_eq!(a.digest(), c.digest(), "a test file does not");
    let bad = book(
        "period,reporter,partner,hs_code,value,currency\n2021,KZ,RU,854231,-5,USD\n",
        None,
    )
    .unwrap_err();
    let errors = bad.rule_errors();
    assert_eq!(errors.len(), 1, "{bad}");
    let at = errors[0].location();
    assert_eq!(
        (at.file(), at.line(), at.column()),
        ("s.statistics.csv", 2, 19)
    );
    assert!(errors[0].kind().to_string().contains("-5"));
}

/// `--explain` gives a record the history the audit gives it: the import a re-export came from.
#[test]
fn explain_replays_the_history_before_the_record() {
    let output = example("audit")
        .args([
            "--rules",
            "rules",
            "--shipments",
            SAMPLE,
            "--explain",
            "KZR-2022-010",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("received HS 854231 in KZ on 2022-07-07 (import \"KZM-2022-010\")"),
        "{text}"
    );
    assert!(
        text.contains("named end user \"Almaty Mapping Services LLP\""),
        "{text}"
    );
}

/// The one way more history lowers a spike: a record of the baseline year raises the baseline.
/// (Issue 11 asks that adding a record never lower a later spike or quota verdict; for records
/// of the baseline year that cannot hold, by the definition of a spike. Stated here.)
#[test]
fn a_baseline_year_record_can_end_a_spike() {
    let engine = small_rules();
    let mut s = Shipment::new(
        "T",
        chrono::NaiveDate::from_ymd_opt(2022, 4, 15).unwrap(),
        "854231".parse().unwrap(),
        "KZ".parse().unwrap(),
        "RU".parse().unwrap(),
    );
    s.value = Some(1_000.into());
    s.currency = Some("USD".into());
    let fired = |v: &Verdict<'_>| {
        v.matches
            .iter()
            .any(|m| &*m.rule == "t-spike" && m.outcome == Outcome::Fired)
    };
    let mut history = History::new();
    assert!(fired(&engine.check_against(&s, &history)), "zero baseline");
    let mut baseline = s.clone();
    baseline.id = "B-2021".into();
    baseline.date = chrono::NaiveDate::from_ymd_opt(2021, 6, 1).unwrap();
    baseline.value = Some(1_000_000.into());
    engine.record(&mut history, &baseline);
    assert!(
        !fired(&engine.check_against(&s, &history)),
        "a baseline 2021 record ends it"
    );
}

/// A record for the semantics tests below: 854231 (chips), from `from` to `to`, on `date`,
/// `value` USD (none when `None`), with a consignor and a consignee.
fn rec(
    id: &str,
    date: &str,
    route: (&str, &str),
    parties: (&str, &str),
    value: Option<u32>,
) -> Shipment {
    let mut s = Shipment::new(
        id,
        date.parse().unwrap(),
        "854231".parse().unwrap(),
        route.0.parse().unwrap(),
        route.1.parse().unwrap(),
    );
    s.consignor = Some(parties.0.to_owned());
    s.consignee = Some(parties.1.to_owned());
    s.value = value.map(Into::into);
    s.currency = Some("USD".to_owned());
    s
}

/// The JSON of the reason of `kind` in `rule`'s match, if the rule matched.
fn reason_of(v: &Verdict<'_>, rule: &str, kind: &str) -> Option<serde_json::Value> {
    let m = v.matches.iter().find(|m| m.rule == rule)?;
    let json = serde_json::to_value(m).unwrap();
    json["because"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == kind)
        .cloned()
}

/// The history of `records`, recorded in the order given.
fn history_of(engine: &Engine, records: &[Shipment]) -> History {
    let mut history = History::new();
    for s in records {
        engine.record(&mut history, s);
    }
    history
}

/// New party (`t-new`: a consignee first seen fewer than 20 days before, or never, receiving
/// at least 50 USD), told by hand: the days are counted from the first day the consignee was
/// seen, and the floor is "at least".
#[test]
fn a_new_party_is_new_for_fewer_than_its_days_and_from_its_floor() {
    let engine = small_rules();
    let history = history_of(
        &engine,
        &[rec(
            "R0",
            "2022-03-01",
            ("KZ", "KG"),
            ("S", "C1"),
            Some(100),
        )],
    );
    let check = |date: &str, consignee: &str, value: Option<u32>| {
        engine.check_against(
            &rec("R", date, ("KZ", "KG"), ("S", consignee), value),
            &history,
        )
    };
    let matched = |v: &Verdict<'_>| v.matches.iter().any(|m| m.rule == "t-new");
    // 19 days after its first day: new; the reason gives the first day.
    let v = check("2022-03-20", "C1", Some(100));
    let reason = reason_of(&v, "t-new", "new_party").expect("19 days: new");
    assert_eq!(reason["first_seen"], "2022-03-01");
    assert_eq!(reason["new"], true);
    // 20 days after: no longer new, and a missing value does not matter then.
    assert!(
        !matched(&check("2022-03-21", "C1", Some(100))),
        "20 days: not new"
    );
    assert!(
        !matched(&check("2022-04-30", "C1", None)),
        "not new, no value: not told"
    );
    // Never seen: new from 50 USD.
    let v = check("2022-03-21", "C2", Some(50));
    let reason = reason_of(&v, "t-new", "new_party").expect("never seen, 50 USD");
    assert!(reason["first_seen"].is_null());
    assert!(
        !matched(&check("2022-03-21", "C2", Some(49))),
        "under the floor"
    );
}

/// History keeps each role's sightings apart when rules look parties up in several roles: a
/// name seen as consignor only is new as a consignee, and one seen as consignee only is new as
/// a consignor; seen in the role itself, it is not new.
#[test]
fn a_party_seen_in_one_role_is_new_in_another() {
    let rules = r#"
[[rule]]
id = "new-consignee"
verdict = "review"
title = "new consignee"
citation = "test"
when = { hs_code = ["8542"] }
history = { kind = "new_party", party = "consignee", days = 20, measure = "value", currency = "USD", floor = 1 }

[[rule]]
id = "new-consignor"
verdict = "review"
title = "new consignor"
citation = "test"
when = { hs_code = ["8542"] }
history = { kind = "new_party", party = "consignor", days = 20, measure = "value", currency = "USD", floor = 1 }
"#;
    let engine = engine_of(&[("t.toml", &rule_set("t", "scope = \"any_exporter\"", rules))]);
    let history = history_of(
        &engine,
        &[rec("R0", "2022-03-01", ("KZ", "KG"), ("S", "C"), Some(1))],
    );
    let first_seen = |consignor: &str, consignee: &str, rule: &str| {
        let v = engine.check_against(
            &rec(
                "R1",
                "2022-06-01",
                ("KZ", "KG"),
                (consignor, consignee),
                Some(1),
            ),
            &history,
        );
        reason_of(&v, rule, "new_party").map(|r| r["first_seen"].clone())
    };
    // The roles swapped: both new, never seen in their roles.
    assert_eq!(
        first_seen("C", "S", "new-consignee"),
        Some(serde_json::Value::Null)
    );
    assert_eq!(
        first_seen("C", "S", "new-consignor"),
        Some(serde_json::Value::Null)
    );
    // In their own roles: seen 92 days before, not new (the rules do not match).
    assert_eq!(first_seen("S", "C", "new-consignee"), None);
    assert_eq!(first_seen("S", "C", "new-consignor"), None);
}

/// Quota with a cap of 100 USD a year and HS subheading: the record that takes the total
/// past the cap fires, one that brings it to the cap does not.
#[test]
fn a_quota_fires_above_its_cap_not_at_it() {
    let rules = r#"
[[rule]]
id = "t-cap"
verdict = "review"
title = "cap"
citation = "test"
when = { hs_code = ["8542"] }
history = { kind = "quota", measure = "value", currency = "USD", by = ["hs6"], cap = 100 }
"#;
    let engine = engine_of(&[("t.toml", &rule_set("t", "scope = \"any_exporter\"", rules))]);
    let first = rec("Q1", "2022-05-01", ("KZ", "RU"), ("S", "C"), Some(60));
    let second = rec("Q2", "2022-05-02", ("KZ", "RU"), ("S", "C"), Some(40));
    let third = rec("Q3", "2022-05-03", ("KZ", "RU"), ("S", "C"), Some(1));
    let history = history_of(&engine, std::slice::from_ref(&first));
    assert!(reason_of(&engine.check_against(&second, &history), "t-cap", "quota").is_none());
    let history = history_of(&engine, &[first, second]);
    let reason = reason_of(&engine.check_against(&third, &history), "t-cap", "quota")
        .expect("101 USD is above 100");
    assert_eq!(
        (
            &reason["before"],
            &reason["amount"],
            &reason["total"],
            &reason["cap"]
        ),
        (
            &serde_json::json!("100"),
            &serde_json::json!("1"),
            &serde_json::json!("101"),
            &serde_json::json!("100")
        )
    );
    assert_eq!(
        reason["text"],
        "HS 854231: 101 USD in 2022 with this record (100 before it, 1 in it), above the cap \
         of 100 USD"
    );
    // The next year starts again.
    let next = rec("Q4", "2023-01-02", ("KZ", "RU"), ("S", "C"), Some(60));
    assert!(reason_of(&engine.check_against(&next, &history), "t-cap", "quota").is_none());
}

/// A spike over a window of days (`t-spike`: 10 days, baseline 2021): the baseline is the
/// baseline year's total times the window's days over the year's 365.
#[test]
fn a_spike_baseline_over_days_is_the_years_total_spread_over_its_days() {
    let engine = small_rules();
    let year: Vec<Shipment> = (0..73)
        .map(|i| {
            let date =
                chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap() + chrono::Days::new(i * 5);
            rec(
                &format!("B{i}"),
                &date.to_string(),
                ("KZ", "RU"),
                ("S", "C"),
                Some(50),
            )
        })
        .collect();
    // 73 records of 50 USD: 3,650 USD in 2021, so 100 USD per 10 days.
    let history = history_of(&engine, &year);
    let v = engine.check_against(
        &rec("S1", "2022-06-10", ("KZ", "RU"), ("S", "C"), Some(200)),
        &history,
    );
    let reason = reason_of(&v, "t-spike", "spike").expect("200 is 2 x 100 and above the floor");
    assert_eq!(reason["baseline_total"], "3650");
    assert_eq!(reason["baseline"], "100");
    let v = engine.check_against(
        &rec("S2", "2022-06-10", ("KZ", "RU"), ("S", "C"), Some(199)),
        &history,
    );
    assert!(
        reason_of(&v, "t-spike", "spike").is_none(),
        "199 is under 2 x 100"
    );
    // A record in another currency is not counted: the rule cannot tell.
    let mut euros = rec("S3", "2022-06-10", ("KZ", "RU"), ("S", "C"), Some(500));
    euros.currency = Some("EUR".into());
    let v = engine.check_against(&euros, &history);
    assert!(reason_of(&v, "t-spike", "not_counted").is_some(), "{v:?}");
    assert!(reason_of(&v, "t-spike", "spike").is_none());
    // Nor one whose currency only looks like it (a Cyrillic Ѕ), nor a lower-case one that is.
    euros.currency = Some("UЅD".into());
    let v = engine.check_against(&euros, &history);
    assert!(reason_of(&v, "t-spike", "not_counted").is_some(), "{v:?}");
    euros.currency = Some(" usd ".into());
    let v = engine.check_against(&euros, &history);
    assert!(reason_of(&v, "t-spike", "spike").is_some(), "{v:?}");
}

/// Re-export of a recent import (`t-reexport`: 15 days): the import the reason names is the
/// latest, and the ghost import (an end user other than the consignee) the one with the
/// smallest id, whatever the order the imports were recorded in.
#[test]
fn a_reexport_names_the_latest_import_and_the_smallest_ghost() {
    let engine = small_rules();
    let import = |id: &str, date: &str, end_user: Option<&str>| {
        let mut s = rec(id, date, ("CN", "KZ"), ("Shenzhen Co", "K1"), Some(10));
        s.end_user = end_user.map(str::to_owned);
        s
    };
    let imports = [
        import("IM-3", "2022-05-02", Some("End User B")),
        import("IM-1", "2022-05-04", Some("End User A")),
        import("IM-2", "2022-05-06", None),
    ];
    let export = rec(
        "EX-1",
        "2022-05-10",
        ("KZ", "RU"),
        ("K1", "Moscow Buyer"),
        Some(10),
    );
    for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
        let records: Vec<Shipment> = order.iter().map(|&i| imports[i].clone()).collect();
        let v = engine.check_against(&export, &history_of(&engine, &records));
        let reason = reason_of(&v, "t-reexport", "reexport").expect("an import 4 days before");
        assert_eq!(reason["import"]["id"], "IM-2", "{order:?}");
        assert_eq!(reason["import"]["date"], "2022-05-06");
        assert_eq!(
            reason["import"]["ghost"],
            serde_json::json!(["IM-1", "End User A"]),
            "{order:?}"
        );
        assert_eq!(
            reason["text"],
            "consignor \"K1\" received HS 854231 in KZ on 2022-05-06 (import \"IM-2\"), within 15 \
             days before; import \"IM-1\" named end user \"End User A\", not the consignor (goods \
             declared for someone else)",
            "{order:?}"
        );
    }
    // 16 days after the last import: none within 15.
    let late = rec(
        "EX-2",
        "2022-05-22",
        ("KZ", "RU"),
        ("K1", "Moscow Buyer"),
        Some(10),
    );
    let v = engine.check_against(&late, &history_of(&engine, &imports));
    assert!(reason_of(&v, "t-reexport", "reexport").is_none());
}

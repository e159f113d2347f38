//! CSV audit throughput over a generated file of 1,000,000 records, against the parse-bound
//! limit: the `csv` crate reading the same file into the same `Shipment` struct, with no checks.
//!
//! ```text
//! cargo bench --bench audit
//! ```
//!
//! The file is generated once (seeded) into `target/bench-data/`.

#[path = "common/rules.rs"]
mod rules;

use std::fs::File;
use std::hint::black_box;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;

use divan::counter::{BytesCount, ItemsCount};
use export_control::{AuditRecord, CheckOptions, Checked, Engine, Shipment, read};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const RECORDS: usize = 1_000_000;

fn main() {
    divan::main();
}

/// Real HS 2022 subheadings, and a few the shipped rules care about, in realistic shares.
fn data_file() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join("shipments-1m.csv");
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(&dir).expect("bench data dir");
    let codes: Vec<&str> = include_str!("../src/data/hs2022-codes.txt")
        .lines()
        .filter(|c| c.len() == 6)
        .collect();
    let watched = [
        "854231", "854239", "880622", "930190", "950300", "848210", "847130",
    ];
    let countries = ["RU", "CN", "KG", "UZ", "DE", "TR", "AE", "BY", "AM", "IT"];
    let origins = ["KZ", "US", "CN", "DE", "KR", "TW", "JP"];
    let mut rng = ChaCha8Rng::seed_from_u64(1_000_000);
    let tmp = path.with_extension("tmp");
    let mut out = BufWriter::new(File::create(&tmp).expect("bench data file"));
    writeln!(out, "id,date,hs_code,description,origin,export_country,destination,transit,consignor,consignee,end_user,value,currency,quantity,unit,licences").expect("write");
    for i in 0..RECORDS {
        let code = if rng.random_bool(0.1) {
            watched[rng.random_range(0..watched.len())]
        } else {
            codes[rng.random_range(0..codes.len())]
        };
        let month = rng.random_range(1..=12);
        let day = rng.random_range(1..=28);
        let destination = countries[rng.random_range(0..countries.len())];
        let origin = origins[rng.random_range(0..origins.len())];
        let transit = if destination == "BY" { "RU" } else { "" };
        let licence = if rng.random_bool(0.05) {
            "KZ-DU-2023-000001"
        } else {
            ""
        };
        writeln!(
            out,
            "KZX-{i:07},2023-{month:02}-{day:02},{code}{:04},\"Goods, lot {i}\",{origin},KZ,{destination},{transit},\"Astana Trade LLP\",\"Buyer {}\",\"Buyer {}\",{}.{:02},USD,{},pcs,{licence}",
            rng.random_range(0..100) * 10,
            i % 97,
            i % 97,
            rng.random_range(1..1_000_000),
            rng.random_range(0..100),
            rng.random_range(1..5000),
        )
        .expect("write");
    }
    out.flush().expect("flush");
    drop(out);
    std::fs::rename(&tmp, &path).expect("rename");
    path
}

/// The sample (`examples/data/kz-trade-2021-2023.csv`, 2,836 records) repeated to about
/// 1,000,000 records, each copy's ids made unique. (Delete `target/bench-data/sample-1m.csv`
/// after the sample changes.)
fn sample_file() -> (PathBuf, usize) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join("sample-1m.csv");
    let sample = include_str!("../examples/data/kz-trade-2021-2023.csv");
    let (header, rows) = sample.split_once('\n').expect("a header");
    let rows: Vec<&str> = rows.lines().filter(|l| !l.is_empty()).collect();
    let copies = RECORDS.div_ceil(rows.len());
    let records = copies * rows.len();
    if path.exists() {
        return (path, records);
    }
    std::fs::create_dir_all(&dir).expect("bench data dir");
    let id_column = header
        .split(',')
        .position(|c| c == "id")
        .expect("an id column");
    let tmp = path.with_extension("tmp");
    let mut out = BufWriter::new(File::create(&tmp).expect("bench data file"));
    writeln!(out, "{header}").expect("write");
    for copy in 0..copies {
        for row in &rows {
            // The id is a plain field of the sample (no quotes, no commas): suffix it.
            let mut fields: Vec<String> = row.split(',').map(str::to_owned).collect();
            if let Some(id) = fields.get_mut(id_column) {
                id.push_str(&format!("-{copy}"));
            }
            writeln!(out, "{}", fields.join(",")).expect("write");
        }
    }
    out.flush().expect("flush");
    drop(out);
    std::fs::rename(&tmp, &path).expect("rename");
    (path, records)
}

fn file_len(path: &PathBuf) -> usize {
    std::fs::metadata(path)
        .map(|m| m.len() as usize)
        .unwrap_or(0)
}

/// The parse-bound limit: the `csv` crate reads each record and its fields are parsed into a
/// `Shipment` with the types' own `FromStr`, nothing else.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn raw_csv_parse(bencher: divan::Bencher<'_, '_>) {
    let path = data_file();
    bencher
        .counter(ItemsCount::new(RECORDS))
        .counter(BytesCount::new(file_len(&path)))
        .bench_local(|| {
            let mut reader = csv::Reader::from_reader(BufReader::with_capacity(
                1 << 16,
                File::open(&path).expect("open"),
            ));
            let mut record = csv::StringRecord::new();
            let mut count = 0usize;
            while reader.read_record(&mut record).expect("csv") {
                let field = |i: usize| record.get(i).unwrap_or("");
                let mut s = Shipment::new(
                    field(0),
                    field(1).parse().expect("date"),
                    field(2).parse().expect("hs"),
                    field(5).parse().expect("exporter"),
                    field(6).parse().expect("destination"),
                );
                s.description = Some(field(3).to_owned());
                s.origin = field(4).parse().ok();
                s.transit = field(7).split(';').filter_map(|c| c.parse().ok()).collect();
                s.consignor = Some(field(8).to_owned());
                s.consignee = Some(field(9).to_owned());
                s.end_user = Some(field(10).to_owned());
                s.value = field(11).parse().ok();
                s.currency = Some(field(12).to_owned());
                s.quantity = field(13).parse().ok();
                s.unit = Some(field(14).to_owned());
                s.licences = field(15)
                    .split(';')
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect();
                black_box(&s);
                count += 1;
            }
            assert_eq!(count, RECORDS);
        });
}

/// Our streaming reader alone (line numbers, normalisation, validation), no checks: where the
/// audit's time goes between the raw parse and the checks.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn read_only(bencher: divan::Bencher<'_, '_>) {
    let path = data_file();
    bencher
        .counter(ItemsCount::new(RECORDS))
        .counter(BytesCount::new(file_len(&path)))
        .bench_local(|| {
            let mut count = 0usize;
            for record in
                read::open(&path, &export_control::read::ReadOptions::default()).expect("open")
            {
                black_box(record.expect("every generated record reads"));
                count += 1;
            }
            assert_eq!(count, RECORDS);
        });
}

/// The audit: our streaming reader, every record checked against the shipped rules.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_check(bencher: divan::Bencher<'_, '_>) {
    let path = data_file();
    let engine = Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).expect("rules");
    let options = CheckOptions::default();
    bencher
        .counter(ItemsCount::new(RECORDS))
        .counter(BytesCount::new(file_len(&path)))
        .bench_local(|| {
            let records =
                read::open(&path, &export_control::read::ReadOptions::default()).expect("open");
            let mut count = 0usize;
            for checked in export_control::read::check_records(&engine, records, &options) {
                if let Checked::Verdict { verdict, .. } = checked {
                    black_box(verdict);
                }
                count += 1;
            }
            assert_eq!(count, RECORDS);
        });
}

/// The audit writing JSON Lines (to a sink): the whole `--format jsonl` path but the disk.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_check_and_write_jsonl(bencher: divan::Bencher<'_, '_>) {
    let path = data_file();
    let engine = Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).expect("rules");
    let options = CheckOptions::default();
    bencher
        .counter(ItemsCount::new(RECORDS))
        .counter(BytesCount::new(file_len(&path)))
        .bench_local(|| {
            let records =
                read::open(&path, &export_control::read::ReadOptions::default()).expect("open");
            let mut sink = BufWriter::new(std::io::sink());
            for checked in export_control::read::check_records(&engine, records, &options) {
                if let Checked::Verdict { record, verdict } = checked {
                    serde_json::to_writer(&mut sink, &(&record.shipment.id, record.line, &verdict))
                        .expect("write");
                    sink.write_all(b"\n").expect("write");
                }
            }
        });
}

/// The audit of the sample year repeated to about a million records, JSON Lines out (one
/// audit record per input record, invalid ones included, to a sink): most flagged records
/// carry their full explanation.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_sample_year_jsonl(bencher: divan::Bencher<'_, '_>) {
    let engine = Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).expect("rules");
    // Each record checked alone: history rules see no history but the record itself.
    audit_sample_jsonl(bencher, &engine, false);
}

/// The audit of the sample repeated, JSON Lines out (one audit record per input record, to a
/// sink), against a rule book, over the whole input's history or each record alone: the one
/// loop of the three sample audits.
fn audit_sample_jsonl(bencher: divan::Bencher<'_, '_>, engine: &Engine, history: bool) {
    let (path, records) = sample_file();
    let options = CheckOptions::default();
    let digest = engine.digest();
    bencher
        .counter(ItemsCount::new(records))
        .counter(BytesCount::new(file_len(&path)))
        .bench_local(|| {
            let open =
                || read::open(&path, &export_control::read::ReadOptions::default()).expect("open");
            let mut full = export_control::history::History::new();
            if history {
                read::record_all(engine, open(), &mut full);
            }
            let mut replay = export_control::history::Replay::new(&full);
            let checked: Box<dyn Iterator<Item = Checked<'_>>> = if history {
                Box::new(read::check_records_replayed(
                    engine,
                    open(),
                    &mut replay,
                    &options,
                ))
            } else {
                Box::new(read::check_records(engine, open(), &options))
            };
            let mut sink = BufWriter::new(std::io::sink());
            let mut count = 0usize;
            for checked in checked {
                let record = match checked {
                    Checked::Verdict { record, verdict } => AuditRecord::checked(&record, verdict),
                    Checked::Invalid(error) => AuditRecord::invalid(&error, digest),
                };
                serde_json::to_writer(&mut sink, &record).expect("write");
                sink.write_all(b"\n").expect("write");
                count += 1;
            }
            assert_eq!(count, records);
        });
}

/// The sample audit without the history rule sets (one pass).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_sample_jsonl_without_history_rules(bencher: divan::Bencher<'_, '_>) {
    audit_sample_jsonl(bencher, &rules::without_history_rules(), false);
}

/// The sample audit with them, over the whole input: the first pass builds the history, the
/// second replays the records in input order (what the audit command does).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_sample_jsonl_with_history_rules(bencher: divan::Bencher<'_, '_>) {
    let engine = Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).expect("rules");
    audit_sample_jsonl(bencher, &engine, true);
}

/// The sample audit without party screening (the costliest rules a record meets) and without
/// the history rule sets: what history costs against cheap rules, beside the next.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_sample_jsonl_without_party_or_history_rules(bencher: divan::Bencher<'_, '_>) {
    audit_sample_jsonl(bencher, &rules::without_party_or_history_rules(), false);
}

/// The sample audit without party screening, with the history rule sets over the whole input.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_sample_jsonl_without_party_rules_with_history_rules(bencher: divan::Bencher<'_, '_>) {
    audit_sample_jsonl(bencher, &rules::without_party_rules(), true);
}

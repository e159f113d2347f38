//! Party lists in the rule book, screening against them, and party rules.

use export_control::parties::{DEFAULT_MIN_SCORE, Screen};
use export_control::{LoadError, Rulebook};

use crate::common::{copy_dir, fresh_dir};

fn book() -> Rulebook {
    Rulebook::load("rules").expect("the shipped rules load")
}

#[test]
fn the_shipped_lists_load_with_their_dates_and_every_entry() {
    let book = book();
    let lists: Vec<(&str, String, usize)> = book
        .lists()
        .iter()
        .map(|l| (&*l.id, l.date.to_string(), l.entries.len()))
        .collect();
    assert_eq!(
        lists,
        [
            ("bis-dpl", "2022-09-02".to_owned(), 581),
            ("kz-company-register-example", "2026-12-02".to_owned(), 3),
            ("kz-watchlist", "2026-12-02".to_owned(), 1),
            ("ofac-consolidated", "2025-12-19".to_owned(), 442),
            ("un", "2026-02-27".to_owned(), 1003),
        ]
    );
}

#[test]
fn the_digest_covers_the_list_data() {
    let dir = fresh_dir("digest");
    copy_dir(std::path::Path::new("rules"), &dir);
    let before = Rulebook::load(&dir).unwrap().digest();
    let data = dir.join("lists/kz-company-register-example/entries.csv");
    let text = std::fs::read_to_string(&data).unwrap();
    std::fs::write(&data, text.replace("2023-03-15", "2023-03-16")).unwrap();
    let after = Rulebook::load(&dir).unwrap().digest();
    assert_ne!(before, after, "a changed list entry changes the digest");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_or_escaping_data_file_is_a_located_error() {
    let dir = fresh_dir("missing");
    copy_dir(std::path::Path::new("rules"), &dir);
    let declaration = dir.join("lists/un.list.toml");
    let text = std::fs::read_to_string(&declaration).unwrap();
    for (path, expected) in [
        ("un/missing.xml", "no such data file"),
        ("../../../etc/passwd", "inside the rule book"),
    ] {
        std::fs::write(&declaration, text.replace("un/un-consolidated.xml", path)).unwrap();
        let Err(LoadError::Invalid(errors)) = Rulebook::load(&dir) else {
            panic!("{path} loads");
        };
        let shown = errors.to_string();
        assert!(
            shown.contains(expected) && shown.contains("un.list.toml:"),
            "{shown}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_list_data_file_that_is_a_fifo_is_refused_without_hanging() {
    let dir = fresh_dir("fifo");
    copy_dir(std::path::Path::new("rules"), &dir);
    let data = dir.join("lists/kz-company-register-example/entries.csv");
    std::fs::remove_file(&data).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&data)
        .status()
        .unwrap();
    assert!(status.success());
    let err = Rulebook::load(&dir).unwrap_err();
    assert!(matches!(err, LoadError::NotAFile { .. }), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn screening_finds_ktz_in_any_script_and_un_entries_by_alias() {
    let book = book();
    let screen = Screen::new(book.lists().to_vec());
    for name in [
        "АО «Национальная компания «Қазақстан темір жолы»",
        "Kazakhstan Temir Zholy JSC",
        "Казахстан Темир Жолы",
        "KTZ",
    ] {
        let hits = screen.screen(name, DEFAULT_MIN_SCORE);
        assert_eq!(
            hits.first().map(|h| (&*h.list.id, h.entry.id.as_str())),
            Some(("kz-watchlist", "KZ-WL-1")),
            "{name}: {hits:?}"
        );
    }
    assert!(
        screen
            .screen("Almaty Cotton Trading", DEFAULT_MIN_SCORE)
            .is_empty()
    );
}

/// The labelled pairs of `tests/data/parties/quality.csv`: kind, query, name, whether they
/// are the same party.
fn labelled() -> Vec<(String, String, String, bool)> {
    let mut reader = csv::Reader::from_path("tests/data/parties/quality.csv").unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let label = match &r[3] {
                "match" => true,
                "non-match" => false,
                other => panic!("label {other}"),
            };
            (r[0].to_owned(), r[1].to_owned(), r[2].to_owned(), label)
        })
        .collect()
}

/// Precision and recall at the default threshold on the labelled set (printed for the README
/// with `--nocapture`), each at least what the README states.
#[test]
fn precision_and_recall_on_the_labelled_set() {
    use export_control::parties::{normalise, score};
    let pairs = labelled();
    let (mut tp, mut fp, mut fn_) = (0u32, 0u32, 0u32);
    let mut by_kind: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
    for (kind, query, name, same) in &pairs {
        let s = score(&normalise(query), &normalise(name));
        let hit = s >= DEFAULT_MIN_SCORE;
        let entry = by_kind.entry(kind.clone()).or_default();
        entry.1 += 1;
        if hit == *same {
            entry.0 += 1;
        } else {
            println!("wrong: {kind}: `{query}` / `{name}`: {s:.4}");
        }
        match (hit, same) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
    }
    let precision = f64::from(tp) / f64::from(tp + fp);
    let recall = f64::from(tp) / f64::from(tp + fn_);
    println!(
        "{} pairs at {DEFAULT_MIN_SCORE}: precision {precision:.3} ({tp} of {}), recall {recall:.3} ({tp} of {})",
        pairs.len(),
        tp + fp,
        tp + fn_
    );
    for (kind, (right, all)) in &by_kind {
        println!("  {kind}: {right} of {all} right");
    }
    assert!(pairs.len() >= 60);
    assert!(precision >= 0.85, "precision {precision}");
    assert!(recall >= 0.85, "recall {recall}");
}

/// The index finds what a scan finds with the labelled set's names as the list: each query
/// against every name (initials, word order, legal forms), at the default threshold and lower.
#[test]
fn the_index_finds_what_a_scan_finds_on_the_labelled_names() {
    let pairs = labelled();
    let mut names: Vec<&str> = pairs.iter().map(|(_, _, n, _)| n.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut text = String::from(
        "[list]\nid = \"labelled\"\ntitle = \"Labelled names\"\nauthority = \"Tests\"\n\
         date = 2026-12-04\nsources = [\"tests/data/parties/quality.csv\"]\nformat = \"watchlist\"\n",
    );
    for (i, name) in names.iter().enumerate() {
        text.push_str(&format!("[[entry]]\nid = \"L{i}\"\nname = {name:?}\n"));
    }
    let rules = "[ruleset]\nid = \"t\"\ntitle = \"T\"\nauthority = \"A\"\njurisdiction = \"KZ\"\n\
                 citations = [\"c\"]\nsources = [\"s\"]\nversion = \"1\"\nstatus = \"draft\"\n\
                 [[rule]]\nid = \"t-1\"\nverdict = \"review\"\ntitle = \"On the list\"\n\
                 [rule.parties]\nlists = [\"labelled\"]\n";
    let book = Rulebook::from_sources(vec![
        export_control::Source::new("t.toml", rules),
        export_control::Source::new("labelled.list.toml", text),
    ])
    .expect("the labelled names load as a list");
    let screen = Screen::new(book.lists().to_vec());
    for min_score in [DEFAULT_MIN_SCORE, 0.8] {
        for (_, query, _, _) in &pairs {
            let mut indexed: Vec<(String, String)> = screen
                .screen(query, min_score)
                .into_iter()
                .map(|h| (h.entry.id.clone(), format!("{:.6}", h.score)))
                .collect();
            let mut scanned: Vec<(String, String)> = screen
                .scan(query, min_score)
                .into_iter()
                .map(|(_, e, s)| (e, format!("{s:.6}")))
                .collect();
            indexed.sort();
            scanned.sort();
            assert_eq!(indexed, scanned, "{query} at {min_score}");
        }
    }
}

/// The index finds what a scan of every name finds, on the shipped lists, for every query of
/// the labelled set and for each list name with a typo.
#[test]
fn the_index_finds_what_a_scan_finds_on_the_shipped_lists() {
    let book = book();
    let screen = Screen::new(book.lists().to_vec());
    let mut queries: Vec<String> = labelled().into_iter().map(|(_, q, _, _)| q).collect();
    for list in book.lists() {
        for entry in list.entries.iter().step_by(25) {
            let mut typo: Vec<char> = entry.name.chars().collect();
            if typo.len() > 4 {
                typo.swap(2, 3);
            }
            queries.push(typo.into_iter().collect());
        }
    }
    for query in &queries {
        let mut indexed: Vec<(String, String)> = screen
            .screen(query, DEFAULT_MIN_SCORE)
            .into_iter()
            .map(|h| (h.list.id.to_string(), h.entry.id.clone()))
            .collect();
        let mut scanned: Vec<(String, String)> = screen
            .scan(query, DEFAULT_MIN_SCORE)
            .into_iter()
            .map(|(l, e, _)| (l.to_string(), e))
            .collect();
        indexed.sort();
        scanned.sort();
        assert_eq!(indexed, scanned, "{query}");
    }
}

/// Party names for the memo property: the sample's parties (which hit the shipped lists), the
/// labelled set's, and a few of each with two letters swapped.
fn memo_names() -> Vec<String> {
    let mut names: Vec<String> = {
        // The sample holds one ragged row on purpose (an invalid record): read it as it is.
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path("examples/data/kz-trade-2021-2023.csv")
            .unwrap();
        let headers = reader.headers().unwrap().clone();
        let roles: Vec<usize> = ["consignor", "consignee", "end_user"]
            .iter()
            .map(|r| headers.iter().position(|h| h == *r).unwrap())
            .collect();
        reader
            .records()
            .flat_map(|r| {
                let r = r.unwrap();
                roles
                    .iter()
                    .filter_map(|&i| r.get(i).filter(|v| !v.is_empty()).map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    names.extend(labelled().into_iter().flat_map(|(_, q, n, _)| [q, n]));
    names.sort();
    names.dedup();
    let swapped: Vec<String> = names
        .iter()
        .step_by(3)
        .map(|n| {
            let mut chars: Vec<char> = n.chars().collect();
            if chars.len() > 3 {
                chars.swap(1, 2);
            }
            chars.into_iter().collect()
        })
        .collect();
    names.extend(swapped);
    names
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// The engine keeps what screening gave each party name (the screen's memo): a verdict
    /// built from what it kept is the verdict built from screening anew. One engine checks
    /// every case (its memo fills across cases and within one); for each case a clone, whose
    /// memo starts empty, checks the same records: the same JSON, record for record.
    #[test]
    fn verdicts_from_the_memo_equal_verdicts_screened_anew(
        picks in proptest::collection::vec(
            (proptest::option::of(0usize..10_000), proptest::option::of(0usize..10_000),
             proptest::option::of(0usize..10_000), 0usize..4),
            1..12,
        ),
    ) {
        use std::sync::OnceLock;
        static WARM: OnceLock<(export_control::Engine, Vec<String>)> = OnceLock::new();
        let (warm, names) = WARM.get_or_init(|| {
            (export_control::Engine::from_path("rules").unwrap(), memo_names())
        });
        let cold = warm.clone();
        proptest::prop_assert_eq!(cold.screen().names_remembered(), 0);
        let hs = ["854231", "847130", "880620", "100199"];
        for (consignor, consignee, end_user, h) in picks {
            let mut fields = vec![
                ("id", "M-1".to_owned()),
                ("date", "2023-06-01".to_owned()),
                ("hs_code", hs[h].to_owned()),
                ("export_country", "KZ".to_owned()),
                ("destination", "RU".to_owned()),
            ];
            for (role, pick) in [("consignor", consignor), ("consignee", consignee), ("end_user", end_user)] {
                if let Some(i) = pick {
                    fields.push((role, names[i % names.len()].clone()));
                }
            }
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let s = crate::common::shipment(&fields);
            let from_memo = serde_json::to_string(&warm.check(&s)).unwrap();
            let anew = serde_json::to_string(&cold.check(&s)).unwrap();
            proptest::prop_assert_eq!(&from_memo, &anew);
        }
        proptest::prop_assert!(warm.screen().names_remembered() <= export_control::parties::MEMO_NAMES);
    }
}

/// One pair of `tests/data/parties/quality-signals.csv`.
struct SignalPair {
    kind: String,
    role: String,
    query: String,
    country: String,
    name: String,
    entry_countries: Vec<String>,
    entry_type: String,
    same: bool,
}

fn signal_pairs() -> Vec<SignalPair> {
    let mut reader = csv::Reader::from_path("tests/data/parties/quality-signals.csv").unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            SignalPair {
                kind: r[0].to_owned(),
                role: r[1].to_owned(),
                query: r[2].to_owned(),
                country: r[3].to_owned(),
                name: r[4].to_owned(),
                entry_countries: r[5]
                    .split(';')
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
                entry_type: r[6].to_owned(),
                same: match &r[7] {
                    "match" => true,
                    "non-match" => false,
                    other => panic!("label {other}"),
                },
            }
        })
        .collect()
}

/// The entries of `pairs` as an in-house list, and two rules over it: names alone, and names
/// with both signals at 0.15.
fn signals_engine(pairs: &[&SignalPair]) -> export_control::Engine {
    let mut list = String::from(
        "[list]\nid = \"signals\"\ntitle = \"Signals\"\nauthority = \"Tests\"\n\
         date = 2026-12-07\nsources = [\"tests/data/parties/quality-signals.csv\"]\n\
         format = \"watchlist\"\n",
    );
    for (i, p) in pairs.iter().enumerate() {
        list.push_str(&format!(
            "[[entry]]\nid = \"S{i}\"\nname = {:?}\ntype = {:?}\n",
            p.name, p.entry_type
        ));
        if !p.entry_countries.is_empty() {
            list.push_str(&format!("countries = {:?}\n", p.entry_countries));
        }
    }
    let rules = crate::common::rule_set(
        "t",
        "scope = \"any_exporter\"",
        "[[rule]]\nid = \"t-names\"\nverdict = \"review\"\ntitle = \"Names alone\"\n\
         [rule.parties]\nlists = [\"signals\"]\n\n\
         [[rule]]\nid = \"t-signals\"\nverdict = \"review\"\ntitle = \"Names and signals\"\n\
         [rule.parties]\nlists = [\"signals\"]\ncountry_signal = 0.15\ntype_signal = 0.15\n",
    );
    crate::common::engine_of(&[("t.toml", &rules), ("signals.list.toml", &list)])
}

/// The record of a pair: its party in its role, the pair's country where that role's country
/// is read (the export country of a consignor, the destination of a consignee or end user).
fn signal_record(p: &SignalPair) -> export_control::Shipment {
    let (export, destination) = match p.role.as_str() {
        "consignor" => (p.country.as_str(), "RU"),
        _ => ("KZ", p.country.as_str()),
    };
    crate::common::shipment(&[
        ("id", "S-1"),
        ("date", "2023-06-01"),
        ("hs_code", "100199"),
        ("export_country", export),
        ("destination", destination),
        (p.role.as_str(), p.query.as_str()),
    ])
}

/// The signals on the labelled pairs written for them (printed for the README with
/// `--nocapture`): what each rule gets right, pair by pair. Names alone hit every same name in
/// another country and every company named like a ship or an aircraft; the signals clear
/// those and raise variant spellings in the party's own country, at two documented costs: a
/// listed company's branch in another country is lowered out, and siblings in one country are
/// raised in.
#[test]
fn country_and_type_signals_on_the_labelled_pairs() {
    let pairs = signal_pairs();
    assert!(pairs.len() >= 20);
    let mut counts = std::collections::BTreeMap::new();
    for p in &pairs {
        // Each pair against its own entry alone.
        let engine = signals_engine(&[p]);
        let verdict = engine.check(&signal_record(p));
        for rule in ["t-names", "t-signals"] {
            let hit = verdict.matches.iter().any(|m| m.rule == rule);
            let c: &mut (u32, u32, u32) = counts.entry(rule).or_default();
            match (hit, p.same) {
                (true, true) => c.0 += 1,
                (true, false) => c.1 += 1,
                (false, true) => c.2 += 1,
                (false, false) => {}
            }
            if hit != p.same {
                println!(
                    "{rule} wrong: {}: {} {:?} / {:?}",
                    p.kind, p.role, p.query, p.name
                );
            }
        }
    }
    for (rule, (tp, fp, fn_)) in &counts {
        println!(
            "{rule}: precision {:.3} ({tp} of {}), recall {:.3} ({tp} of {})",
            f64::from(*tp) / f64::from(tp + fp),
            tp + fp,
            f64::from(*tp) / f64::from(tp + fn_),
            tp + fn_
        );
    }
    // (true positives, false positives, false negatives): names alone miss the variant spellings
    // under 0.88 and hit every same name elsewhere; the signals keep two false hits (siblings)
    // and two misses (the end user, the branch abroad).
    assert_eq!(counts["t-names"], (8, 7, 5));
    assert_eq!(counts["t-signals"], (11, 2, 2));
    let branch = pairs.iter().find(|p| p.kind.contains("branch")).unwrap();
    let engine = signals_engine(&[branch]);
    let verdict = engine.check(&signal_record(branch));
    assert!(verdict.matches.iter().any(|m| m.rule == "t-names"));
    assert!(!verdict.matches.iter().any(|m| m.rule == "t-signals"));
}

/// A hit the signals raised says by how much and why, in the JSON and in the sentence; a hit
/// without signals keeps the reason it had.
#[test]
fn a_signalled_hit_explains_its_score() {
    let pairs = signal_pairs();
    let tekhno = pairs
        .iter()
        .find(|p| p.query == "Tekhnoservis OOO")
        .unwrap();
    let engine = signals_engine(&[tekhno]);
    let verdict = engine.check(&signal_record(tekhno));
    let matched = verdict
        .matches
        .iter()
        .find(|m| m.rule == "t-signals")
        .unwrap();
    let json = serde_json::to_value(matched).unwrap();
    let reason = json["because"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == "listed_party")
        .unwrap();
    assert_eq!(reason["name_score"], "0.8380");
    assert_eq!(reason["score"], "0.9880");
    assert_eq!(reason["min_score"], "0.8800");
    assert_eq!(
        reason["signals"],
        serde_json::json!([{"signal": "country", "change": "0.1500", "country": "RU",
                            "entry_countries": ["RU"]}])
    );
    let text = reason["text"].as_str().unwrap();
    assert!(
        text.ends_with(
            "with score 0.9880 (at least 0.8800; compared as \"tehnoservis\" and \
             \"technoservice\"); names 0.8380, +0.1500 as the party's country RU is among the \
             entry's (RU)"
        ),
        "{text}"
    );
    // Names alone: no hit at all (0.8380 is under 0.88).
    assert!(!verdict.matches.iter().any(|m| m.rule == "t-names"));
    // The verdict keeps the published contract, and reads back as it was written.
    let whole = serde_json::to_value(&verdict).unwrap();
    crate::schema::assert_valid(&crate::schema::schema_of("Verdict"), &whole, "signalled");
    let back: export_control::Verdict<'static> = serde_json::from_value(whole.clone()).unwrap();
    assert_eq!(serde_json::to_value(&back).unwrap(), whole);

    // A company named like a listed person in the person's country: raised by the country,
    // lowered by the type, in that order.
    let petrov = SignalPair {
        kind: "company named like a person".into(),
        role: "consignee".into(),
        query: "Ivan Petrov LLC".into(),
        country: "RU".into(),
        name: "Ivan Petrov".into(),
        entry_countries: vec!["RU".into()],
        entry_type: "individual".into(),
        same: false,
    };
    let engine = signals_engine(&[&petrov]);
    let verdict = engine.check(&signal_record(&petrov));
    let matched = verdict
        .matches
        .iter()
        .find(|m| m.rule == "t-signals")
        .unwrap();
    let text = matched.to_string();
    assert!(
        text.contains(
            "with score 1.0000 (at least 0.8800; compared as \"ivan petrov\" and \"ivan \
             petrov\"); names 1.0000, +0.1500 as the party's country RU is among the entry's \
             (RU), -0.1500 as an organisation (limited_liability) against the entry of a person"
        ),
        "{text}"
    );

    // A company against a vessel of its name: lowered, and said so.
    let ship = pairs.iter().find(|p| p.query == "Sea Star LLC").unwrap();
    let engine = signals_engine(&[ship]);
    let verdict = engine.check(&signal_record(ship));
    let names = verdict
        .matches
        .iter()
        .find(|m| m.rule == "t-names")
        .unwrap();
    let json = serde_json::to_value(names).unwrap();
    let reason = json["because"].as_array().unwrap().last().unwrap();
    assert!(reason.get("signals").is_none() && reason.get("name_score").is_none());
    assert!(!verdict.matches.iter().any(|m| m.rule == "t-signals"));
}

/// A signal's size is checked like any value: above 0, at most 0.2, four decimal places; a
/// country signal on the end user alone, who has no country on a record, is an error too.
#[test]
fn a_signal_out_of_range_is_a_located_error() {
    for (bad, value, says) in [
        ("country_signal", "0.3", "at most 0.2"),
        ("type_signal", "0", "at most 0.2"),
        ("country_signal", "0.00001", "four decimal places"),
        (
            "country_signal",
            "0.1\nparties = [\"end_user\"]",
            "never applies",
        ),
    ] {
        let rules = crate::common::rule_set(
            "t",
            "",
            &format!(
                "[[rule]]\nid = \"t-1\"\nverdict = \"review\"\ntitle = \"T\"\n\
                 [rule.parties]\nlists = [\"signals\"]\n{bad} = {value}\n"
            ),
        );
        let list = "[list]\nid = \"signals\"\ntitle = \"S\"\nauthority = \"T\"\ndate = 2026-12-07\n\
                    sources = [\"x\"]\nformat = \"watchlist\"\n[[entry]]\nid = \"1\"\nname = \"A\"\n";
        let err = export_control::Rulebook::from_sources(vec![
            crate::common::groups_source(),
            export_control::Source::new("t.toml", rules),
            export_control::Source::new("signals.list.toml", list),
        ])
        .unwrap_err();
        let LoadError::Invalid(errors) = err else {
            panic!("{err:?}")
        };
        let e = errors.as_slice().first().unwrap();
        assert!(e.to_string().contains(bad), "{e}");
        assert!(e.to_string().contains(says), "{e}");
        assert_eq!(e.location().line(), 17, "{e}");
    }
}

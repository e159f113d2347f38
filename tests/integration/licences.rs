//! Licences as records: the register's reading (every key checked, problems located), a
//! licence's cover on every point with its reason, balances drawn in the order of history, the
//! register given to an audit, and hostile register files.

use std::process::Command;

use export_control::history::History;
use export_control::licences::{LicenceFailure, Register};
use export_control::read::{self, ReadOptions};
use export_control::{Because, Decision, Engine, LoadError, Outcome, Shipment, Source};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::audit::example;
use crate::common::shipped;

/// A register of one licence of Steppe Electronics for 500 routers (5A002) to one consignee
/// in Armenia, first half of 2023, with `extra` lines added to (or replacing) its keys.
fn routers(extra: &str) -> String {
    let base = [
        ("id", "\"KZ-DU-2023-000117\""),
        (
            "authority",
            "\"Ministry of Trade and Integration of the Republic of Kazakhstan\"",
        ),
        ("jurisdiction", "\"KZ\""),
        ("type", "\"individual\""),
        ("holder", "\"Steppe Electronics LLP\""),
        ("valid_from", "2023-01-01"),
        ("valid_until", "2023-06-30"),
        ("hs", "[\"851762\"]"),
        ("control_codes", "[\"5A002\"]"),
        ("destinations", "[\"AM\"]"),
        ("consignee", "\"Yerevan Electronics CJSC\""),
        ("quantity", "500"),
        ("unit", "\"pcs\""),
    ];
    let replaced: Vec<&str> = extra
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim()))
        .collect();
    let mut text = String::from("[[licence]]\n");
    for (key, value) in base {
        if !replaced.contains(&key) {
            text.push_str(&format!("{key} = {value}\n"));
        }
    }
    text.push_str(extra);
    text.push('\n');
    text
}

fn register(text: &str) -> Register {
    Register::from_source(&Source::new("test.licences.toml", text)).unwrap()
}

fn engine(register_text: &str) -> Engine {
    shipped().with_register(register(register_text)).unwrap()
}

/// The shipped rules with the routers' licence, loaded once for the properties (loading the
/// shipped rules and lists costs more than a case).
fn routers_engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| engine(&routers("")))
}

/// A shipment the routers' licence covers (300 of its 500 pieces).
fn covered() -> Shipment {
    let mut s = Shipment::new(
        "R-1",
        "2023-03-01".parse().unwrap(),
        "8517.62.0000".parse().unwrap(),
        "KZ".parse().unwrap(),
        "AM".parse().unwrap(),
    );
    s.origin = Some("CN".parse().unwrap());
    s.consignor = Some("Steppe Electronics LLP".into());
    s.consignee = Some("Yerevan Electronics CJSC".into());
    s.end_user = Some("Yerevan Electronics CJSC".into());
    s.control_codes = vec!["5A002.a".parse().unwrap()];
    s.quantity = Some(Decimal::from(300));
    s.unit = Some("pcs".into());
    s.value = Some(Decimal::from(36_000));
    s.currency = Some("USD".into());
    s.licences = vec!["KZ-DU-2023-000117".into()];
    s
}

/// The licence reasons of the dual-use licensing rule for `s`, and its outcome.
fn licence_reasons(engine: &Engine, s: &Shipment, history: &History) -> (Outcome, Vec<String>) {
    let verdict = engine.check_against(s, history);
    let m = verdict
        .matches
        .iter()
        .find(|m| m.rule == "kz-du-licence")
        .unwrap_or_else(|| panic!("kz-du-licence did not match: {verdict}"));
    let texts = m
        .because
        .iter()
        .filter(|b| matches!(b, Because::Licence(_)))
        .map(ToString::to_string)
        .collect();
    (m.outcome, texts)
}

fn errors_of(text: &str, name: &str) -> Vec<String> {
    match Register::from_source(&Source::new(name, text)) {
        Err(LoadError::Invalid(errors)) => {
            errors.as_slice().iter().map(|e| e.to_string()).collect()
        }
        other => panic!("expected errors, got {other:?}"),
    }
}

#[test]
fn a_covered_record_is_licensed_and_shows_its_balance() {
    let engine = engine(&routers(""));
    let (outcome, texts) = licence_reasons(&engine, &covered(), &History::new());
    assert_eq!(outcome, Outcome::Licensed);
    assert_eq!(
        texts,
        [
            "licence \"KZ-DU-2023-000117\" (individual, held by \"Steppe Electronics LLP\", issued by \
          Ministry of Trade and Integration of the Republic of Kazakhstan, at \
          test.licences.toml:2) covers the record; quantity balance 500 pcs before, 300 drawn, \
          200 pcs left"
        ]
    );
    // Holder names compare as party screening compares them.
    let mut s = covered();
    s.consignor = Some("STEPPE ELECTRONICS, LLP".into());
    assert_eq!(
        licence_reasons(&engine, &s, &History::new()).0,
        Outcome::Licensed
    );
}

#[test]
fn each_point_a_licence_fails_is_its_own_reason() {
    let engine = engine(&routers(""));
    let none = History::new();
    type Change = Box<dyn Fn(&mut Shipment)>;
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "unknown number",
            Box::new(|s| s.licences = vec!["KZ-DU-2023-000001".into()]),
            "licence \"KZ-DU-2023-000001\" is not in the licence register",
        ),
        (
            "expired",
            Box::new(|s| s.date = "2023-08-02".parse().unwrap()),
            "expired on 2023-06-30 (the record is of 2023-08-02)",
        ),
        (
            "not yet valid",
            Box::new(|s| s.date = "2022-12-31".parse().unwrap()),
            "not valid before 2023-01-01",
        ),
        (
            "other goods",
            Box::new(|s| s.hs_code = "8517.71.0000".parse().unwrap()),
            "covers HS [851762], not 8517710000",
        ),
        (
            "other control code",
            Box::new(|s| s.control_codes = vec!["4A003".parse().unwrap()]),
            "covers control codes [5A002], not [4A003]",
        ),
        (
            "other destination",
            Box::new(|s| s.destination = "GE".parse().unwrap()),
            "covers destinations [AM], not GE",
        ),
        (
            "other holder",
            Box::new(|s| s.consignor = Some("Astana Trade Hub LLP".into())),
            "held by \"Steppe Electronics LLP\", not by the consignor \"Astana Trade Hub LLP\"",
        ),
        (
            "no consignor",
            Box::new(|s| s.consignor = None),
            "the record names no consignor",
        ),
        (
            "other consignee",
            Box::new(|s| s.consignee = Some("OOO Vector Components".into())),
            "names consignee \"Yerevan Electronics CJSC\", not \"OOO Vector Components\"",
        ),
        (
            "more than the limit",
            Box::new(|s| s.quantity = Some(Decimal::from(501))),
            "quantity balance 500 pcs, the record needs 501 pcs",
        ),
        (
            "another unit",
            Box::new(|s| s.unit = Some("kg".into())),
            "limits quantity in pcs, the record gives 300 kg: not comparable",
        ),
        (
            "no quantity",
            Box::new(|s| s.quantity = None),
            "the record gives no quantity in it",
        ),
    ];
    // A licence that covers every other point but cannot be measured against its limit sends
    // the record to review (as value conditions do); every other failure leaves the rule's verdict.
    let unmeasured = ["another unit", "no quantity"];
    for (name, change, expected) in cases {
        let mut s = covered();
        change(&mut s);
        let verdict = engine.check_against(&s, &none);
        let (outcome, texts) = licence_reasons(&engine, &s, &none);
        if unmeasured.contains(&name) {
            assert_eq!(outcome, Outcome::Undetermined, "{name}");
            assert_eq!(verdict.decision, Decision::Review, "{name}: {verdict}");
        } else {
            assert_eq!(outcome, Outcome::Fired, "{name}");
            assert!(
                verdict.decision >= Decision::LicenseRequired,
                "{name}: {verdict}"
            );
        }
        assert!(
            texts.iter().any(|t| t.contains(expected)),
            "{name}: {texts:?}"
        );
    }
    // Two points failed: both, in the licence's order, one after the other.
    let mut s = covered();
    s.destination = "GE".parse().unwrap();
    s.consignee = Some("OOO Vector Components".into());
    let (_, texts) = licence_reasons(&engine, &s, &none);
    assert!(
        texts.iter().any(|t| t.contains(
            "does not cover the record: covers destinations [AM], not GE; names consignee \
             \"Yerevan Electronics CJSC\", not \"OOO Vector Components\""
        )),
        "{texts:?}"
    );
}

/// A register file holds at most `MAX_LICENCES` licences: that many CSV rows read, one more
/// is an error saying so. A TOML register of that many licences cannot stay under the
/// file-size limit (8 MiB, over 84 bytes a licence), but empty tables can: one more than the
/// limit is that one error, not an error for each table.
#[test]
fn a_register_holds_at_most_max_licences() {
    use export_control::licences::MAX_LICENCES;
    let too_many = format!("a register file holds at most {MAX_LICENCES} licences");
    for n in [MAX_LICENCES, MAX_LICENCES + 1] {
        let mut csv =
            String::from("id,authority,jurisdiction,type,valid_from,valid_until,destinations,hs\n");
        for i in 0..n {
            csv.push_str(&format!(
                "G-{i},M,KZ,general,2023-01-01,2023-12-31,AM,8517\n"
            ));
        }
        let toml = format!("licence = [{}]", "{},".repeat(n));
        assert!(toml.len() < 8 << 20);
        let csv_read = Register::from_source(&Source::new("big.licences.csv", &csv));
        if n == MAX_LICENCES {
            assert_eq!(csv_read.map(|r| r.len()).ok(), Some(n));
        } else {
            for (text, name) in [(&csv, "big.licences.csv"), (&toml, "big.licences.toml")] {
                let found = errors_of(text, name);
                assert_eq!(found.len(), 1, "{name}");
                assert!(found[0].contains(&too_many), "{name}: {found:?}");
                assert!(
                    found[0].contains("`licence` has invalid value `100001`"),
                    "{found:?}"
                );
            }
        }
    }
}

#[test]
fn a_licence_is_valid_on_its_first_and_its_last_day() {
    let engine = engine(&routers(""));
    for day in ["2023-01-01", "2023-06-30"] {
        let mut s = covered();
        s.date = day.parse().unwrap();
        let (outcome, texts) = licence_reasons(&engine, &s, &History::new());
        assert_eq!(outcome, Outcome::Licensed, "{day}: {texts:?}");
    }
}

/// Draws adding up past the largest decimal (here two histories merged, each holding a draw of
/// the licence's whole limit) leave no balance to tell: the licence fails on that point, not on
/// a balance worked out from part of the draws.
#[test]
fn draws_too_large_to_add_up_meet_no_licence() {
    let engine = engine(&routers(&format!("quantity = {}", Decimal::MAX)));
    let mut s = covered();
    s.quantity = Some(Decimal::MAX);
    let mut history = History::new();
    assert_eq!(licence_reasons(&engine, &s, &history).0, Outcome::Licensed);
    engine.record(&mut history, &s);
    let drawn = history.aggregates().clone();
    history.merge(&drawn);
    s.id = "R-2".into();
    s.quantity = Some(Decimal::ONE);
    let (outcome, texts) = licence_reasons(&engine, &s, &history);
    assert_eq!(outcome, Outcome::Fired);
    assert!(
        texts[0].ends_with("what was drawn on it is too large to add up"),
        "{texts:?}"
    );
}

#[test]
fn a_foreign_licence_cannot_meet_a_requirement_and_the_first_covering_one_is_drawn() {
    let german =
        routers("id = \"DE-BAFA-2023-118034\"\nauthority = \"BAFA\"\njurisdiction = \"DE\"");
    let both = format!("{}{}", routers(""), german);
    let engine = engine(&both);
    let mut s = covered();
    s.licences = vec!["DE-BAFA-2023-118034".into()];
    let (outcome, texts) = licence_reasons(&engine, &s, &History::new());
    assert_eq!(outcome, Outcome::Fired);
    assert!(
        texts[0].contains("issued under the law of DE, not of KZ"),
        "{texts:?}"
    );
    // Carrying both, the Kazakh one meets the Kazakh requirement; each is drawn on (one per
    // jurisdiction).
    s.licences = vec!["DE-BAFA-2023-118034".into(), "KZ-DU-2023-000117".into()];
    assert_eq!(
        licence_reasons(&engine, &s, &History::new()).0,
        Outcome::Licensed
    );
    let draws = engine.draws_in(&s, &History::new().view());
    assert_eq!(draws.len(), 2);
    // Two Kazakh licences that both cover: the first is drawn on, the second says so.
    let second = routers("id = \"KZ-DU-2023-000118\"");
    let engine = self::engine(&format!("{}{}", routers(""), second));
    s.licences = vec!["KZ-DU-2023-000117".into(), "KZ-DU-2023-000118".into()];
    assert_eq!(engine.draws_in(&s, &History::new().view()).len(), 1);
    s.licences = vec!["KZ-DU-2023-000118".into(), "KZ-DU-2023-000117".into()];
    let draws = engine.draws_in(&s, &History::new().view());
    assert!(draws[0].0.rule.ends_with("KZ-DU-2023-000118"));
}

#[test]
fn a_general_licence_has_no_holder_and_covers_any_exporter() {
    let general = routers("type = \"general\"\nholder = \"\"");
    // An empty holder is refused like any empty value...
    assert!(Register::from_source(&Source::new("g.licences.toml", &general)).is_err());
    let general: String = routers("type = \"general\"")
        .lines()
        .filter(|l| !l.starts_with("holder"))
        .map(|l| format!("{l}\n"))
        .collect();
    let engine = engine(&general);
    let mut s = covered();
    s.consignor = Some("Any Exporter LLP".into());
    assert_eq!(
        licence_reasons(&engine, &s, &History::new()).0,
        Outcome::Licensed
    );
    // ...and a general licence that names one is an error.
    let errors = errors_of(&routers("type = \"general\""), "g.licences.toml");
    assert!(
        errors[0].contains("a general licence has no holder"),
        "{errors:?}"
    );
}

#[test]
fn records_draw_down_the_balance_in_history_order_with_before_and_after() {
    let engine = engine(&routers(""));
    let mut history = History::new();
    let mut s = covered();
    engine.record(&mut history, &s);
    // 200 left: a second 300 is refused and draws nothing; 150 fits.
    s.id = "R-2".into();
    let (outcome, texts) = licence_reasons(&engine, &s, &history);
    assert_eq!(outcome, Outcome::Fired);
    assert!(texts[0].contains("quantity balance 200 pcs, the record needs 300 pcs"));
    engine.record(&mut history, &s);
    s.id = "R-3".into();
    s.quantity = Some(Decimal::from(150));
    let (outcome, texts) = licence_reasons(&engine, &s, &history);
    assert_eq!(outcome, Outcome::Licensed);
    assert!(
        texts[0].contains("quantity balance 200 pcs before, 150 drawn, 50 pcs left"),
        "{texts:?}"
    );
    // A record dated before the others sees none of them.
    s.date = "2023-02-01".parse().unwrap();
    s.quantity = Some(Decimal::from(500));
    assert_eq!(licence_reasons(&engine, &s, &history).0, Outcome::Licensed);
}

/// An SQLite batch draws in the order of its records, as recording them one by one does: the
/// second record of a batch sees what the first drew (300 of 500 pieces, then 300 more is
/// refused and draws nothing, then 150 fits).
#[test]
fn a_batch_recorded_in_sqlite_draws_as_one_by_one() {
    let engine = engine(&routers(""));
    let batch: Vec<Shipment> = [("R-1", 300), ("R-2", 300), ("R-3", 150)]
        .into_iter()
        .map(|(id, quantity)| {
            let mut s = covered();
            s.id = id.into();
            s.quantity = Some(Decimal::from(quantity));
            s
        })
        .collect();
    let mut memory = History::new();
    for s in &batch {
        engine.record(&mut memory, s);
    }
    let mut db = export_control::sqlite::SqliteHistory::open_in_memory(&engine).unwrap();
    db.record_batch(&engine, &batch).unwrap();
    assert_eq!(db.history().aggregates(), memory.aggregates());
    // 50 pieces left after the batch: a fourth record of 100 is refused.
    let mut fourth = covered();
    fourth.id = "R-4".into();
    fourth.quantity = Some(Decimal::from(100));
    let (outcome, texts) = licence_reasons(&engine, &fourth, db.history());
    assert_eq!(outcome, Outcome::Fired);
    assert!(
        texts[0].contains("quantity balance 50 pcs, the record needs 100 pcs"),
        "{texts:?}"
    );
}

#[test]
fn errors_in_a_register_name_the_file_line_and_key() {
    let errors = errors_of(
        &routers("holdr = \"Steppe Electronics LLP\""),
        "r.licences.toml",
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("unknown key `holdr`") && e.contains("r.licences.toml:15")),
        "{errors:?}"
    );
    for (extra, expected) in [
        ("valid_until = 2022-12-31", "it is before `valid_from`"),
        ("quantity = -5", "a limit is more than zero"),
        ("quantity = 0", "a limit is more than zero"),
        (
            "quantity = \"79228162514264337593543950336\"",
            "not an exact decimal number",
        ),
        ("unit = \"\"", "`unit`"),
        ("jurisdiction = \"XX\"", "licence[0].jurisdiction"),
        (
            "type = \"individul\"",
            "expected one of `individual`, `general`, `global`",
        ),
        ("hs = [\"85A7\"]", "invalid HS prefix"),
        ("destinations = []", "missing key `destinations`"),
        ("valid_from = \"01.01.2023\"", "expected a date YYYY-MM-DD"),
        ("holder = \"Steppe\\u0007 LLP\"", "licence[0].holder"),
        ("id = \"KZ DU 1\"", "a licence number holds only"),
    ] {
        let errors = errors_of(&routers(extra), "r.licences.toml");
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{extra}: {errors:?}"
        );
    }
    // A value limit needs its currency; a quantity its unit.
    let text: String = routers("value = 1000")
        .lines()
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(errors_of(&text, "r.licences.toml")[0].contains("missing key `currency`"));
    // Duplicate keys are a TOML error, located.
    let errors = errors_of(
        &routers("").replace("type =", "hs = [\"8517\"]\ntype ="),
        "d.licences.toml",
    );
    assert!(errors[0].contains("d.licences.toml:"), "{errors:?}");
}

#[test]
fn a_licence_id_twice_is_an_error_within_a_file_across_files_and_in_a_rule_book() {
    let twice = format!("{}{}", routers(""), routers(""));
    let errors = errors_of(&twice, "t.licences.toml");
    assert!(
        errors[0].contains("another licence has this id (first at t.licences.toml:2"),
        "{errors:?}"
    );
    let csv = "id,authority,jurisdiction,type,holder,valid_from,valid_until,hs,destinations\n\
               KZ-DU-2023-000117,M,KZ,individual,Steppe Electronics LLP,2023-01-01,2023-06-30,851762,AM\n";
    let mut one = register(&routers(""));
    let other = Register::from_source(&Source::new("o.licences.csv", csv)).unwrap();
    match one.merge(other) {
        Err(LoadError::Invalid(errors)) => {
            let text = errors.as_slice()[0].to_string();
            assert!(
                text.contains("o.licences.csv:2") && text.contains("test.licences.toml:2"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    // In a rule book: its register and one given beside it.
    let book = export_control::Rulebook::from_sources(vec![
        crate::common::groups_source(),
        Source::new("x.toml", crate::common::rule_set("x", "", "[[rule]]\nid = \"x-r\"\nverdict = \"license_required\"\ntitle = \"t\"\ncitation = \"c\"\naccepted_licences = '^KZ-'\nwhen = { hs_code = [\"8517\"] }\n")),
        Source::new("x.licences.toml", routers("")),
    ])
    .unwrap();
    assert_eq!(book.register().len(), 1);
    assert!(
        Engine::new(book)
            .with_register(register(&routers("")))
            .is_err()
    );
}

#[test]
fn a_register_in_csv_reads_every_field_and_locates_its_errors() {
    let csv = "id,authority,jurisdiction,type,holder,valid_from,valid_until,hs,control_codes,destinations,consignee,end_user,quantity,unit,value,currency,notes\n\
               KZ-DU-2023-000245,Ministry,KZ,global,Kazakhstan Engineering JSC,2023-01-01,2023-12-31,847150,4A003,AM;KG;CN,,,,,2000000,usd,servers\n";
    let register = Register::from_source(&Source::new("r.licences.csv", csv)).unwrap();
    let l = register.get("KZ-DU-2023-000245").unwrap();
    assert_eq!(l.destinations.len(), 3);
    assert_eq!(&*l.value.as_ref().unwrap().unit, "USD");
    assert_eq!(l.notes.as_deref(), Some("servers"));
    let errors = errors_of(&csv.replace("notes", "note"), "r.licences.csv");
    assert!(errors[0].contains("unknown key `note`"), "{errors:?}");
    let errors = errors_of(
        &csv.replace(",2023-12-31,", ",2023-13-31,"),
        "r.licences.csv",
    );
    assert!(
        errors[0].contains("r.licences.csv:2") && errors[0].contains("valid_until"),
        "{errors:?}"
    );
    let errors = errors_of(&format!("{csv}X,Y\n"), "r.licences.csv");
    assert!(
        errors[0].contains("r.licences.csv:3") && errors[0].contains("the header has 17 columns"),
        "{errors:?}"
    );
    let errors = errors_of("id,id\n", "r.licences.csv");
    assert!(errors[0].contains("named twice"), "{errors:?}");
}

#[test]
fn register_files_that_are_not_regular_files_are_refused_unread() {
    let dir = std::env::temp_dir().join(format!("ec-licences-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("fifo.licences.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    assert!(matches!(
        Register::load(&fifo),
        Err(LoadError::NotAFile { what: "a FIFO", .. })
    ));
    let zero = dir.join("zero.licences.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    assert!(matches!(
        Register::load(&zero),
        Err(LoadError::NotAFile { .. })
    ));
    // One endless line: refused by size before it is parsed.
    let long = dir.join("long.licences.csv");
    std::fs::write(&long, "x".repeat(9 << 20)).unwrap();
    assert!(matches!(
        Register::load(&long),
        Err(LoadError::TooLarge { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_sample_audit_shows_every_licence_reason() {
    let output = example("audit")
        .args([
            "--rules",
            "rules",
            "--shipments",
            "examples/data/kz-trade-2021-2023.csv",
            "--licences",
            "examples/data/kz-sample.licences.toml",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The report as a reader sees it: without the backslashes that keep record text from
    // becoming Markdown.
    let report = String::from_utf8(output.stdout).unwrap().replace("\\", "");
    let section = report
        .split("## Licences")
        .nth(1)
        .and_then(|s| s.split("## Records not allowed").next())
        .expect("a licence section");
    for expected in [
        "| KZL-2023-001 | 2023-02-10 | 200 pcs (300 left) | |",
        "| KZL-2023-002 | 2023-03-15 | 250 pcs (50 left) | |",
        "quantity 500 pcs: 450 drawn in this audit, 50 left",
        "limits quantity in pcs, the record gives 40 kg: not comparable (the record goes to review) |",
        "quantity balance 50 pcs, the record needs 120 pcs",
        "expired on 2023-06-30",
        "value 2,000,000 USD: 1,700,000.00 drawn in this audit, 300,000.00 left",
        "covers destinations [AM, KG, CN], not AE",
        "not by the consignor \"Astana Trade Hub LLP\"",
        "covers control codes [4A003], not [2A001]",
        "issued under the law of DE, not of KZ",
        "| KZL-2023-012 | 2023-06-20 | | not in the licence register |",
    ] {
        assert!(section.contains(expected), "{expected}\n{section}");
    }
    assert!(
        report.contains("| licence register | `examples/data/kz-sample.licences.toml` (sha256:")
    );
    // The same answer when the input is not in date order: balances follow history, not input.
    let text = std::fs::read_to_string("examples/data/kz-trade-2021-2023.csv").unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let reversed = std::env::temp_dir().join(format!("ec-reversed-{}.csv", std::process::id()));
    std::fs::write(&reversed, lines.join("\n") + "\n").unwrap();
    let output = example("audit")
        .args(["--rules", "rules", "--shipments"])
        .arg(&reversed)
        .args([
            "--licences",
            "examples/data/kz-sample.licences.toml",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let again = String::from_utf8(output.stdout).unwrap();
    let again = again
        .split("## Licences")
        .nth(1)
        .and_then(|s| s.split("## Records not allowed").next())
        .unwrap();
    for expected in [
        "200 pcs (300 left)",
        "250 pcs (50 left)",
        "quantity balance 50 pcs, the record needs 120 pcs",
    ] {
        assert!(again.contains(expected), "{expected}\n{again}");
    }
    let _ = std::fs::remove_file(&reversed);
}

#[test]
fn an_audit_without_the_register_meets_no_licence() {
    let engine = shipped();
    let records = read::open(
        std::path::Path::new("examples/data/kz-trade-2021-2023.csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    let mut licensed = 0;
    for r in records.flatten() {
        let v = engine.check(&r.shipment);
        licensed += v
            .matches
            .iter()
            .filter(|m| m.outcome == Outcome::Licensed)
            .count();
    }
    assert_eq!(licensed, 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// In any order of input, no record draws more than the balance, the sum drawn is the sum
    /// of the covered records' amounts, and an audit's settled draws give the verdicts of
    /// recording the input sorted by date one record at a time.
    #[test]
    fn draws_never_pass_the_limit_and_add_up(
        amounts in proptest::collection::vec((1u32..300, 0u32..180), 1..14),
    ) {
        let engine = routers_engine();
        let shipments: Vec<Shipment> = amounts
            .iter()
            .enumerate()
            .map(|(i, (q, day))| {
                let mut s = covered();
                s.id = format!("P-{i}");
                s.date = "2023-01-01".parse::<chrono::NaiveDate>().unwrap() + chrono::Days::new(u64::from(*day));
                s.quantity = Some(Decimal::from(*q));
                s
            })
            .collect();
        // Sequential, in history order (a stable sort by date).
        let mut sorted: Vec<&Shipment> = shipments.iter().collect();
        sorted.sort_by_key(|s| s.date);
        let mut history = History::new();
        let mut covered_sum = Decimal::ZERO;
        let mut expected = std::collections::BTreeMap::new();
        for s in &sorted {
            let (outcome, _) = licence_reasons(engine, s, &history);
            if outcome == Outcome::Licensed {
                covered_sum += s.quantity.unwrap();
            }
            expected.insert(s.id.clone(), outcome);
            engine.record(&mut history, s);
        }
        prop_assert!(covered_sum <= Decimal::from(500));
        let series = export_control::history::Series {
            rule: format!("{}KZ-DU-2023-000117", export_control::licences::DRAWN_PREFIX).into(),
            key: Default::default(),
            unit: "pcs".into(),
        };
        let drawn = history.aggregates().sum(
            &series,
            "2023-01-01".parse().unwrap(),
            "2023-12-31".parse().unwrap(),
        );
        prop_assert_eq!(drawn.amount, covered_sum);
        // The audit's way: input order, draws settled first, then replayed.
        let mut full = History::new();
        for s in &shipments {
            full.add(&engine.facts(s));
        }
        let settled = engine.settle_draws(full.aggregates(), shipments.iter().enumerate().map(|(i, s)| (i as u64, s)));
        full.merge(&settled);
        let mut replay = export_control::history::Replay::new(&full);
        for s in &shipments {
            let verdict = engine.replay(&mut replay, s, &Default::default());
            let outcome = verdict.matches.iter().find(|m| m.rule == "kz-du-licence").unwrap().outcome;
            prop_assert_eq!(Some(&outcome), expected.get(&s.id), "{}", s.id);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// An input in parts (a cluster's partitions): the draws settled by part add up to the
    /// draws of the whole, and each part replayed after the parts before it (their facts and
    /// draws as `earlier`) against the whole's history gives the whole's verdicts.
    #[test]
    fn draws_settled_by_part_equal_the_whole(
        amounts in proptest::collection::vec((1u32..300, 0u32..6, any::<bool>()), 1..14),
        cuts in proptest::collection::vec(0usize..14, 0..4),
    ) {
        let engine = routers_engine();
        let shipments = claims(&amounts);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(shipments.len())).collect();
        cuts.push(0);
        cuts.push(shipments.len());
        cuts.sort_unstable();
        let parts: Vec<&[Shipment]> = cuts.windows(2).map(|w| &shipments[w[0]..w[1]]).collect();
        // The whole, on one machine.
        let mut full = History::new();
        for s in &shipments {
            full.add(&engine.facts(s));
        }
        let whole = engine.settle_draws(full.aggregates(), shipments.iter().enumerate().map(|(i, s)| (i as u64, s)));
        // By part: places count from 0 in each part.
        let by_part = engine.settle_draws_by_part(
            &export_control::history::Aggregates::new(),
            parts.iter().enumerate().flat_map(|(p, part)| {
                part.iter().enumerate().map(move |(i, s)| ((p, i as u64), s))
            }),
        );
        prop_assert!(by_part.len() <= parts.len());
        let mut merged = export_control::history::Aggregates::new();
        for drawn in &by_part {
            merged.merge(drawn);
        }
        prop_assert_eq!(&merged, &whole);
        full.merge(&whole);
        let mut replay = export_control::history::Replay::new(&full);
        let expected: Vec<Option<Outcome>> = shipments
            .iter()
            .map(|s| licence_outcome(&engine.replay(&mut replay, s, &Default::default())))
            .collect();
        let mut got = Vec::new();
        for (p, part) in parts.iter().enumerate() {
            let mut earlier = export_control::history::Aggregates::new();
            for (q, before) in parts[..p].iter().enumerate() {
                for s in *before {
                    earlier.add(&engine.facts(s));
                }
                if let Some(drawn) = by_part.get(q) {
                    earlier.merge(drawn);
                }
            }
            let mut replay = export_control::history::Replay::after(&full, earlier);
            got.extend(part.iter().map(|s| licence_outcome(&engine.replay(&mut replay, s, &Default::default()))));
        }
        prop_assert_eq!(got, expected);
    }
}

/// Covered records `P-0`, `P-1`, ... of the quantities and days (after 2023-01-01) given, each
/// carrying the licence or, when its flag is false, none.
fn claims(amounts: &[(u32, u32, bool)]) -> Vec<Shipment> {
    amounts
        .iter()
        .enumerate()
        .map(|(i, (q, day, draws))| {
            let mut s = covered();
            s.id = format!("P-{i}");
            s.date = "2023-01-01".parse::<chrono::NaiveDate>().unwrap()
                + chrono::Days::new(u64::from(*day));
            s.quantity = Some(Decimal::from(*q));
            if !draws {
                s.licences.clear();
            }
            s
        })
        .collect()
}

/// Draws are settled over ranges of days holding at most `limit` records that draw: four
/// records drawing on four days take four passes at a limit of one, two at two, none at four
/// (all held). Counting them by day is what bounds the memory of a pass.
#[test]
fn passes_hold_at_most_the_limit_of_records_that_draw() {
    let engine = routers_engine();
    let amounts = [
        (10, 0, true),
        (10, 1, true),
        (10, 2, false),
        (10, 3, true),
        (10, 5, true),
    ];
    let records = numbered(&claims(&amounts));
    for (limit, passes) in [(1, 4), (2, 2), (3, 2), (4, 0)] {
        let (_, reads) = settle_in_passes(engine, &records, limit, &mut History::new());
        assert_eq!(reads, passes, "limit {limit}");
    }
}

type Input = Vec<Result<read::Record, read::RecordError>>;

/// Shipments as the records of an input, numbered by line from 2 (after a header).
fn numbered(shipments: &[Shipment]) -> Input {
    shipments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(read::Record {
                line: i as u64 + 2,
                shipment: s.clone(),
            })
        })
        .collect()
}

/// `read::record_all_in_passes` over `records` into `history`, reopening the same records:
/// how many records it read, and how many times it read them again.
fn settle_in_passes(
    engine: &Engine,
    records: &Input,
    limit: usize,
    history: &mut History,
) -> (u64, usize) {
    let mut reads = 0;
    let n = read::record_all_in_passes(
        engine,
        records.clone(),
        || {
            reads += 1;
            Ok::<_, ()>(records.clone())
        },
        limit,
        history,
    )
    .unwrap();
    (n, reads)
}

/// The outcome of the licence rule in a verdict.
fn licence_outcome(verdict: &export_control::Verdict<'_>) -> Option<Outcome> {
    verdict
        .matches
        .iter()
        .find(|m| m.rule == "kz-du-licence")
        .map(|m| m.outcome)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Settling draws in passes over ranges of days, holding at most `limit` records that draw,
    /// gives the history of holding them all, in any order of input, with records that do not
    /// draw and records that cannot be read among them; the passes read the input again only
    /// when more than `limit` records draw.
    #[test]
    fn draws_settled_in_passes_equal_draws_held(
        amounts in proptest::collection::vec((1u32..200, 0u32..8, any::<bool>()), 1..16),
        limit in 0usize..5,
    ) {
        let engine = routers_engine();
        let mut records = numbered(&claims(&amounts));
        // A record that cannot be read, in the middle.
        let unreadable = read::json_lines("{\"id\":\"X\"}\n".as_bytes()).next().unwrap();
        prop_assert!(unreadable.is_err());
        records.insert(records.len() / 2, unreadable);
        let drawing = amounts.iter().filter(|(_, _, d)| *d).count();
        let mut held = History::new();
        let n = read::record_all(engine, records.clone(), &mut held);
        let mut passes = History::new();
        let (m, reads) = settle_in_passes(engine, &records, limit, &mut passes);
        prop_assert_eq!(n, m);
        prop_assert_eq!(n, amounts.len() as u64);
        prop_assert_eq!(held.aggregates(), passes.aggregates());
        prop_assert_eq!(reads > 0, drawing > limit);
    }

    /// A history that holds draws (an audit continued from its history database) counts
    /// them: records in date order recorded in two runs, the second after the first's draws,
    /// give the history of one run, whether the second holds its claims or settles them in
    /// passes (both start from the draws the history holds).
    #[test]
    fn draws_of_an_earlier_run_count_in_the_next(
        amounts in proptest::collection::vec((1u32..300, 0u32..8, any::<bool>()), 1..14),
        cut in 0usize..14,
        limit in 0usize..4,
    ) {
        let engine = routers_engine();
        let mut shipments = claims(&amounts);
        shipments.sort_by_key(|s| s.date);
        let (first, second) = shipments.split_at(cut.min(shipments.len()));
        let mut whole = History::new();
        read::record_all(engine, numbered(&shipments), &mut whole);
        let mut held = History::new();
        read::record_all(engine, numbered(first), &mut held);
        let mut passes = held.clone();
        read::record_all(engine, numbered(second), &mut held);
        settle_in_passes(engine, &numbered(second), limit, &mut passes);
        prop_assert_eq!(held.aggregates(), whole.aggregates());
        prop_assert_eq!(passes.aggregates(), whole.aggregates());
    }
}

#[test]
fn failures_serialise_with_their_point() {
    let engine = engine(&routers(""));
    let mut s = covered();
    s.destination = "GE".parse().unwrap();
    let verdict = engine.check(&s);
    let json = serde_json::to_value(&verdict).unwrap();
    let text = json.to_string();
    assert!(text.contains("\"point\":\"destination\""), "{text}");
    let m = verdict
        .matches
        .iter()
        .find(|m| m.rule == "kz-du-licence")
        .unwrap();
    let failure = m.because.iter().find_map(|b| match b {
        Because::Licence(check) => check.failures.first().cloned(),
        _ => None,
    });
    assert!(matches!(failure, Some(LicenceFailure::Destination { .. })));
}

//! Loading rule text: any input gives a rule book or located errors, never a panic. A rule book
//! that loads compiles, lints and checks a record.
#![no_main]

use export_control::{Engine, Rulebook, Shipment, Source, lint};
use libfuzzer_sys::fuzz_target;

const GROUPS: &str = include_str!("../../rules/groups.toml");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sources = vec![Source::new("groups.toml", GROUPS), Source::new("fuzz.toml", text)];
    match Rulebook::from_sources(sources) {
        Ok(book) => {
            let _ = lint::lint(&book, None);
            if let Ok(cases) = book.test_cases() {
                let _ = export_control::testing::run_tests(&book, &cases);
            }
            let engine = Engine::new(book);
            let s = Shipment::new(
                "F",
                "2023-11-15".parse().unwrap(),
                "8542310000".parse().unwrap(),
                "KZ".parse().unwrap(),
                "RU".parse().unwrap(),
            );
            let v = engine.check(&s);
            assert_eq!(v.decision, engine.decide(&s));
        }
        Err(e) => {
            for error in e.rule_errors() {
                let _ = error.render(Default::default());
                assert!(error.location().line() >= 1);
            }
        }
    }
});

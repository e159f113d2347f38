//! Statistics files (baselines of history rules): any input gives statistics or located
//! errors, never a panic. Statistics that parse load into a rule book with the shipped history
//! rules, and a check against them decides what the decision alone decides.
#![no_main]

use export_control::history::{History, Statistics};
use export_control::{Engine, Rulebook, Shipment, Source};
use libfuzzer_sys::fuzz_target;

const GROUPS: &str = include_str!("../../rules/groups.toml");
const BASELINES: &str = include_str!("../../rules/kz-trade-baselines.toml");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source::new("fuzz.statistics.csv", text);
    match Statistics::parse(&source) {
        Ok(stats) => {
            assert!(!stats.is_empty());
            let book = Rulebook::from_sources(vec![
                Source::new("groups.toml", GROUPS),
                Source::new("kz-trade-baselines.toml", BASELINES),
                source,
            ])
            .expect("statistics that parse load");
            let engine = Engine::new(book);
            let mut s = Shipment::new(
                "F",
                "2023-11-15".parse().unwrap(),
                "8450110000".parse().unwrap(),
                "KZ".parse().unwrap(),
                "RU".parse().unwrap(),
            );
            s.value = Some(60_000.into());
            s.currency = Some("USD".into());
            let history = History::new();
            let v = engine.check_against(&s, &history);
            assert_eq!(v.decision, engine.decide_in(&s, &history.view(), &Default::default()));
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for error in &errors {
                assert!(error.location().line() >= 1);
                let _ = error.render(Default::default());
            }
        }
    }
});

//! Licence registers, TOML or CSV (the first byte chooses): any input gives a register or
//! located errors, never a panic. A register that reads is given to the shipped rules, and a
//! record built from its first licence is covered by it, draws no more than its limits, and
//! checks to what the decision alone decides.
#![no_main]

use export_control::history::History;
use export_control::licences::Register;
use export_control::{Engine, LoadError, Shipment, Source};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn shipped() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))
            .expect("shipped rules load")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = if first % 2 == 0 {
        "f.licences.toml"
    } else {
        "f.licences.csv"
    };
    match Register::from_source(&Source::new(name, text)) {
        Ok(register) => {
            let Some(licence) = register.licences().first().cloned() else {
                return;
            };
            for l in register.licences() {
                assert!(l.valid_from <= l.valid_until);
                assert!(l.quantity.as_ref().is_none_or(|q| q.amount > 0.into()));
                assert!(l.value.as_ref().is_none_or(|v| v.amount > 0.into()));
            }
            let engine = shipped()
                .clone()
                .with_register(register)
                .expect("no duplicate of the shipped book");
            let Some(hs) = licence
                .hs
                .first()
                .and_then(|p| format!("{p}0000000000")[..10].parse().ok())
            else {
                return;
            };
            let Some(&destination) = licence.destinations.first() else {
                return;
            };
            let mut s = Shipment::new(
                "F",
                licence.valid_from,
                hs,
                "KZ".parse().unwrap(),
                destination,
            );
            s.consignor = licence.holder.clone();
            s.consignee = licence.consignee.clone();
            s.end_user = licence.end_user.clone();
            s.control_codes = licence.control_codes.clone();
            if let Some(q) = &licence.quantity {
                s.quantity = Some(q.amount);
                s.unit = Some(q.unit.to_string());
            }
            if let Some(v) = &licence.value {
                s.value = Some(v.amount);
                s.currency = Some(v.unit.to_string());
            }
            s.licences = vec![licence.id.clone()];
            let mut history = History::new();
            let v = engine.check_against(&s, &history);
            assert_eq!(
                v.decision,
                engine.decide_in(&s, &history.view(), &Default::default())
            );
            engine.record(&mut history, &s);
            // The licence is used up to its limits: the same record again draws nothing more.
            let again = engine.draws_in(&s, &history.view());
            assert!(licence.quantity.is_none() && licence.value.is_none() || again.is_empty());
        }
        Err(LoadError::Invalid(errors)) => {
            assert!(!errors.as_slice().is_empty());
            for error in errors.as_slice() {
                assert!(error.location().line() >= 1);
                let _ = error.render(Default::default());
            }
        }
        Err(other) => panic!("a register held in memory fails only as invalid: {other}"),
    }
});

//! Checking arbitrary records against the shipped rules: a verdict for every record that can be
//! built, `decide` agrees with `check`, the indexed check equals a scan, and the verdict
//! round-trips through JSON.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use export_control::{CheckOptions, Engine, Shipment, Verdict};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules")).unwrap())
}

#[derive(Debug, Arbitrary)]
struct Input {
    hs: u64,
    hs_len: u8,
    date: (u16, u8, u8),
    export: u8,
    destination: u8,
    origin: Option<u8>,
    transit: Vec<u8>,
    description: Option<String>,
    consignee: Option<String>,
    end_user: Option<String>,
    value: Option<(u64, u8)>,
    licences: Vec<String>,
    attributes: Vec<(String, String)>,
    as_of: Option<(u16, u8, u8)>,
}

const COUNTRIES: [&str; 12] = ["KZ", "RU", "BY", "CN", "US", "DE", "GB", "AE", "HK", "KG", "AM", "JP"];

fn country(i: u8) -> export_control::CountryCode {
    COUNTRIES[usize::from(i) % COUNTRIES.len()].parse().unwrap()
}

fn date((y, m, d): (u16, u8, u8)) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(2020 + i32::from(y % 6), u32::from(m % 13), u32::from(d % 32))
}

fuzz_target!(|input: Input| {
    let digits = format!("{:010}", input.hs % 10_000_000_000);
    let len = 6 + usize::from(input.hs_len % 5);
    let Ok(hs) = digits[..len].parse() else { return };
    let Some(day) = date(input.date) else { return };
    let mut s = Shipment::new("F", day, hs, country(input.export), country(input.destination));
    s.origin = input.origin.map(country);
    s.transit = input.transit.iter().take(4).map(|c| country(*c)).collect();
    s.description = input.description;
    s.consignee = input.consignee;
    s.end_user = input.end_user;
    if let Some((v, c)) = input.value {
        s.value = Some(v.into());
        s.currency = Some(["USD", "EUR", "KZT"][usize::from(c) % 3].to_owned());
    }
    s.licences = input.licences;
    s.attributes = input.attributes.into_iter().collect();
    let mut options = CheckOptions::default();
    options.as_of = input.as_of.and_then(date);
    let engine = engine();
    let verdict = engine.check_with(&s, &options);
    assert_eq!(verdict.decision, engine.decide_with(&s, &options));
    assert_eq!(verdict, engine.check_by_scan(&s, &options));
    let json = serde_json::to_string(&verdict).unwrap();
    assert_eq!(serde_json::from_str::<Verdict<'static>>(&json).unwrap(), verdict);
    // Every reason reads as a sentence with no raw control character.
    for m in &verdict.matches {
        for b in &m.because {
            assert!(!b.to_string().chars().any(char::is_control), "{b:?}");
        }
    }
});

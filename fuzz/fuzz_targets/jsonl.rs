//! Reading JSON Lines: any bytes give one result per non-blank line, never a panic.
#![no_main]

use export_control::read;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = data
        .split(|b| *b == b'\n')
        .filter(|l| {
            let t = String::from_utf8_lossy(l);
            !t.trim_start_matches('\u{feff}').trim().is_empty()
        })
        .count();
    let results = read::json_lines(data).count();
    // Over-long lines are cut into one error; otherwise records in = results out.
    if data.len() <= read::MAX_RECORD_BYTES {
        assert_eq!(results, lines);
    }
    for r in read::json_lines(data) {
        if let Ok(record) = r {
            let json = serde_json::to_string(&record.shipment).unwrap();
            let back: export_control::Shipment = serde_json::from_str(&json).unwrap();
            assert_eq!(back, record.shipment);
        }
    }
});

//! Reading CSV: any bytes give a header error or one result per record, never a panic, and
//! every record read is checked.
#![no_main]

use std::sync::OnceLock;

use export_control::{CheckOptions, Checked, Engine, read};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules")).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let Ok(records) = read::csv(data) else {
        return;
    };
    let options = CheckOptions::default();
    let mut last_line = 0;
    for checked in export_control::read::check_records(&engine(), records, &options) {
        let line = match &checked {
            Checked::Verdict { record, .. } => record.line,
            Checked::Invalid(e) => e.line(),
        };
        assert!(line > last_line, "lines go forward");
        last_line = line;
    }
});

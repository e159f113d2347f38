//! Party list readers (OFAC's CSV layout, the BIS Denied Persons List, the UN XML list): any input gives entries
//! or located errors, never a panic; every entry has a name a screening can take.
#![no_main]

use export_control::Source;
use export_control::parties::{MAX_NAME_CHARS, dpl, ofac, un};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first line chooses the reader; for OFAC, a line `--` splits primary and aliases.
    let (choice, rest) = text.split_once('\n').unwrap_or((text, ""));
    let check_errors = |errors: &[export_control::RuleError]| {
        assert!(!errors.is_empty());
        for e in errors {
            assert!(e.location().line() >= 1);
        }
    };
    if choice.starts_with('u') {
        match un::read(&Source::new("u.xml", rest)) {
            Ok(list) => {
                for e in &list.entries {
                    assert!(!e.name.is_empty() && e.name.chars().count() <= MAX_NAME_CHARS);
                }
            }
            Err(errors) => check_errors(&errors),
        }
    } else if choice.starts_with('d') {
        match dpl::read(&Source::new("f.txt", rest)) {
            Ok(entries) => {
                for e in &entries {
                    assert!(!e.name.is_empty() && e.name.chars().count() <= MAX_NAME_CHARS);
                }
            }
            Err(errors) => check_errors(&errors),
        }
    } else {
        let (primary, aliases) = rest.split_once("\n--\n").unwrap_or((rest, ""));
        let alias_source = Source::new("a.csv", aliases);
        match ofac::read(&Source::new("p.csv", primary), Some(&alias_source)) {
            Ok(entries) => {
                for e in &entries {
                    assert!(!e.name.is_empty() && !e.name.chars().any(char::is_control));
                    assert!(e.id.bytes().all(|b| b.is_ascii_digit()));
                }
            }
            Err(errors) => check_errors(&errors),
        }
    }
});

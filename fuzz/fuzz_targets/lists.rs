//! Party list readers (OFAC's CSV layout, the BIS Denied Persons List, the UN XML list, list
//! declarations with in-house CSV watch lists): any input gives entries or located errors,
//! never a panic; every entry has a name a screening can take, and screening an entry's own
//! name through the index finds that entry.
#![no_main]

use export_control::Source;
use export_control::parties::{MAX_NAME_CHARS, Screen, dpl, normalise, ofac, un};
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
    } else if choice.starts_with('w') {
        // A declaration, `--`, then its CSV data (`w.csv`), in a rule book of one rule set.
        let (declaration, data) = rest.split_once("\n--\n").unwrap_or((rest, ""));
        let rules = "[ruleset]\nid = \"f\"\ntitle = \"F\"\nauthority = \"F\"\njurisdiction = \"KZ\"\ncitations = [\"f\"]\nsources = [\"f\"]\nversion = \"1\"\nstatus = \"draft\"\n[[rule]]\nid = \"f-1\"\nverdict = \"review\"\ntitle = \"F\"\nwhen = { hs_code = [\"93\"] }\n";
        let sources = vec![
            Source::new("f.toml", rules),
            Source::new("l.list.toml", declaration),
            Source::data("w.csv", data),
        ];
        match export_control::Rulebook::from_sources(sources) {
            Ok(book) => {
                let screen = Screen::new(book.lists().to_vec());
                for list in book.lists() {
                    for entry in list.entries.iter().take(20) {
                        assert!(entry.name.chars().count() <= MAX_NAME_CHARS);
                        let hits = screen.screen(&entry.name, 0.99);
                        for h in &hits {
                            assert!((0.0..=1.0).contains(&h.score));
                        }
                        if !normalise(&entry.name).words.is_empty() {
                            assert!(
                                hits.iter().any(|h| h.entry.id == entry.id && h.list.id == list.id),
                                "{:?} does not find itself",
                                entry.name
                            );
                        }
                    }
                }
            }
            Err(export_control::LoadError::Invalid(errors)) => {
                for e in errors.as_slice() {
                    assert!(e.location().line() >= 1);
                }
            }
            Err(other) => panic!("{other}"),
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

//! The shipped rules as the history benchmarks compare them: whole, without the rule sets that
//! hold history rules, and either of those without party screening.

use std::path::{Path, PathBuf};

use export_control::{Engine, Rulebook};

/// The shipped rules directory.
pub const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");

/// The rule sets with history rules.
pub const HISTORY_SETS: [&str; 2] = ["kz-trade-baselines.toml", "eu-prewar-quota.toml"];

/// The rule set that screens parties against the lists (the most costly rules per record).
pub const PARTY_SETS: [&str; 1] = ["party-screening.toml"];

/// The shipped rules without the rule sets that hold history rules.
#[allow(
    dead_code,
    reason = "not every benchmark that includes this module uses it"
)]
pub fn without_history_rules() -> Engine {
    let engine = shipped_without(&HISTORY_SETS);
    assert!(!engine.has_history_rules());
    engine
}

/// The shipped rules without party screening, with their history rules.
#[allow(
    dead_code,
    reason = "not every benchmark that includes this module uses it"
)]
pub fn without_party_rules() -> Engine {
    let engine = shipped_without(&PARTY_SETS);
    assert!(engine.has_history_rules());
    engine
}

/// The shipped rules without party screening and without history rules.
#[allow(
    dead_code,
    reason = "not every benchmark that includes this module uses it"
)]
pub fn without_party_or_history_rules() -> Engine {
    let engine = shipped_without(&[PARTY_SETS.as_slice(), HISTORY_SETS.as_slice()].concat());
    assert!(!engine.has_history_rules());
    engine
}

/// The shipped rule book (its groups, lists, statistics and licence registers too) without the
/// rule sets named, which must exist.
pub fn shipped_without(left_out: &[&str]) -> Engine {
    for name in left_out {
        assert!(Path::new(RULES).join(name).is_file(), "no rule set {name}");
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(RULES)
        .expect("rules dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // Test files play no part in checks; `tests/` holds only test files.
            !name.ends_with(".tests.toml") && name != "tests" && !left_out.contains(&name)
        })
        .collect();
    paths.sort();
    Engine::new(Rulebook::load_paths(&paths).expect("rules"))
}

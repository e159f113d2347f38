//! The shipped rules as the history benchmarks compare them: whole, and without the rule sets
//! that hold history rules.

use std::path::PathBuf;

use export_control::{Engine, Rulebook};

/// The shipped rules directory.
pub const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");

/// The rule sets with history rules.
pub const HISTORY_SETS: [&str; 2] = ["kz-trade-baselines.toml", "eu-prewar-quota.toml"];

/// The shipped rules without the rule sets that hold history rules.
pub fn without_history_rules() -> Engine {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(RULES)
        .expect("rules dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".toml")
                && !name.ends_with(".tests.toml")
                && !HISTORY_SETS.contains(&name)
        })
        .collect();
    paths.sort();
    let engine = Engine::new(Rulebook::load_paths(&paths).expect("rules"));
    assert!(!engine.has_history_rules());
    engine
}

//! Helpers shared by the integration tests.

use export_control::{Engine, Rulebook, Shipment, Source};

/// The shipped rules directory.
pub const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");

/// The shipped groups file, for fixtures that name groups.
pub fn groups_source() -> Source {
    let path = format!("{RULES}/groups.toml");
    Source::new("groups.toml", std::fs::read_to_string(path).unwrap())
}

/// The engine over the shipped rules.
pub fn shipped() -> Engine {
    Engine::from_path(RULES).unwrap()
}

/// An engine over rule texts held in memory (plus the shipped groups).
pub fn engine_of(files: &[(&str, &str)]) -> Engine {
    let mut sources = vec![groups_source()];
    sources.extend(files.iter().map(|(name, text)| Source::new(*name, *text)));
    Engine::new(Rulebook::from_sources(sources).unwrap())
}

/// A shipment from `key=value` pairs; the five required fields must be among them. A key that
/// is not a field is an attribute.
pub fn shipment(fields: &[(&str, &str)]) -> Shipment {
    let mut map = serde_json::Map::new();
    let mut attributes = serde_json::Map::new();
    for (k, v) in fields {
        if export_control::shipment::Field::from_name(k).is_none() {
            attributes.insert((*k).to_owned(), serde_json::Value::String((*v).to_owned()));
            continue;
        }
        let value = if *k == "transit" || *k == "licences" || *k == "control_codes" {
            serde_json::Value::Array(
                v.split(';')
                    .filter(|s| !s.is_empty())
                    .map(|s| serde_json::Value::String(s.to_owned()))
                    .collect(),
            )
        } else {
            serde_json::Value::String((*v).to_owned())
        };
        map.insert((*k).to_owned(), value);
    }
    if !attributes.is_empty() {
        map.insert("attributes".into(), serde_json::Value::Object(attributes));
    }
    serde_json::from_value(serde_json::Value::Object(map)).unwrap()
}

/// A rule set file around the given `[[rule]]` tables.
pub fn rule_set(id: &str, extra_meta: &str, rules: &str) -> String {
    format!(
        "[ruleset]\nid = \"{id}\"\ntitle = \"Test set {id}\"\nauthority = \"Test\"\n\
         jurisdiction = \"KZ\"\ncitations = [\"Test act\"]\nsources = [\"https://example.org\"]\n\
         version = \"1\"\nstatus = \"draft\"\n{extra_meta}\n{rules}"
    )
}

/// `base` with the fields of `extra` added, or replacing those of the same name.
pub fn overriding(
    base: &[(&'static str, &'static str)],
    extra: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    let mut fields: Vec<(&str, &str)> = base
        .iter()
        .copied()
        .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
        .collect();
    fields.extend_from_slice(extra);
    fields
}

/// An empty directory of this test process's own, under the system's temporary directory.
pub fn fresh_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ec-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies a directory tree (regular files and directories).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

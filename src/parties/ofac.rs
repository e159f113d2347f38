//! OFAC's lists in their legacy CSV layout: the SDN list (`sdn.csv`, `alt.csv`) and the
//! consolidated non-SDN list (`cons_prim.csv`, `cons_alt.csv`), read with every problem located.
//!
//! Primary file, no header, one entry per record: `ent_num, name, type, programs, title,
//! call sign, vessel type, tonnage, GRT, vessel flag, vessel owner, remarks`; `type` is `-0-`
//! for an entity, else `individual`, `vessel` or `aircraft`; `programs` separates several with
//! `] [`. Alias file: `ent_num, alt_num, alt_type, alt_name, remarks`. `-0-` (with or without
//! spaces) is an empty field. A file may end with the DOS end-of-file byte (0x1A), as OFAC's do.

use super::normalise::MAX_NAME_CHARS;
use super::records::{invalid, records};
use crate::error::RuleError;
use crate::source::Source;

pub use crate::rule::parties::EntryKind;

/// Another name of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// `aka`, `fka` (formerly known as) or `nka` (now known as).
    pub kind: String,
    /// The name as the list writes it.
    pub name: String,
}

/// One entry of an OFAC list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// OFAC's entity number.
    pub id: String,
    /// The name as the list writes it.
    pub name: String,
    /// What it is.
    pub kind: EntryKind,
    /// The sanctions programmes (`RUSSIA-EO14024`).
    pub programs: Vec<String>,
    /// Its other names.
    pub aliases: Vec<Alias>,
    /// OFAC's remarks.
    pub remarks: Option<String>,
}

/// Reads an OFAC list: its primary file and, when given, its alias file.
pub fn read(primary: &Source, aliases: Option<&Source>) -> Result<Vec<Entry>, Vec<RuleError>> {
    let mut errors = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let push = |errors: &mut Vec<RuleError>,
                source: &Source,
                at: usize,
                key: &str,
                value: &str,
                reason: &str| {
        errors.push(invalid(source, at, key, value, reason));
    };
    for (at, fields) in records(primary.text(), b',') {
        let get = |i: usize| fields.get(i).cloned().flatten();
        let (Some(id), Some(name)) = (get(0), get(1)) else {
            push(
                &mut errors,
                primary,
                at,
                "ent_num",
                "",
                "an entry needs its number and its name",
            );
            continue;
        };
        if !id.bytes().all(|b| b.is_ascii_digit()) {
            push(&mut errors, primary, at, "ent_num", &id, "not a number");
            continue;
        }
        if let Some(problem) = name_problem(&name) {
            push(&mut errors, primary, at, "name", &name, problem);
            continue;
        }
        let kind = match get(2).as_deref() {
            None => EntryKind::Entity,
            Some("individual") => EntryKind::Individual,
            Some("vessel") => EntryKind::Vessel,
            Some("aircraft") => EntryKind::Aircraft,
            Some(other) => {
                push(
                    &mut errors,
                    primary,
                    at,
                    "type",
                    other,
                    "expected -0-, individual, vessel or aircraft",
                );
                continue;
            }
        };
        if index.contains_key(&id) {
            push(
                &mut errors,
                primary,
                at,
                "ent_num",
                &id,
                "the entry number is given twice",
            );
            continue;
        }
        let programs = get(3)
            .map(|p| {
                p.split("] [")
                    .map(|s| s.trim_matches(['[', ']', ' ']).to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        index.insert(id.clone(), entries.len());
        entries.push(Entry {
            id,
            name,
            kind,
            programs,
            aliases: Vec::new(),
            remarks: get(11),
        });
    }
    if let Some(source) = aliases {
        for (at, fields) in records(source.text(), b',') {
            let get = |i: usize| fields.get(i).cloned().flatten();
            let (Some(id), Some(name)) = (get(0), get(3)) else {
                push(
                    &mut errors,
                    source,
                    at,
                    "alt_name",
                    "",
                    "an alias needs its entry number and its name",
                );
                continue;
            };
            if let Some(problem) = name_problem(&name) {
                push(&mut errors, source, at, "alt_name", &name, problem);
                continue;
            }
            match index.get(&id).and_then(|&i| entries.get_mut(i)) {
                Some(entry) => entry.aliases.push(Alias {
                    kind: get(2).unwrap_or_else(|| "aka".to_owned()),
                    name,
                }),
                None => push(
                    &mut errors,
                    source,
                    at,
                    "ent_num",
                    &id,
                    "no entry has this number",
                ),
            }
        }
    }
    if entries.is_empty() && errors.is_empty() {
        push(
            &mut errors,
            primary,
            0,
            "entries",
            "",
            "the list has no entry",
        );
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// Why a name cannot be screened, if it cannot.
pub(crate) fn name_problem(name: &str) -> Option<&'static str> {
    if name.chars().count() > MAX_NAME_CHARS {
        Some("longer than a name can be (512 characters)")
    } else if name.chars().any(char::is_control) {
        Some("holds a control character")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str) -> Source {
        let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
        Source::new(path, std::fs::read_to_string(full).unwrap())
    }

    #[test]
    fn the_consolidated_list_reads_with_its_aliases() {
        let prim = source("rules/lists/ofac-consolidated/cons_prim.csv");
        let alt = source("rules/lists/ofac-consolidated/cons_alt.csv");
        let entries = read(&prim, Some(&alt)).unwrap();
        assert_eq!(entries.len(), 442);
        let russia = entries
            .iter()
            .filter(|e| e.programs.iter().any(|p| p == "RUSSIA-EO14024"))
            .count();
        assert_eq!(russia, 93);
        assert!(
            entries.iter().any(|e| e.name.contains("VTB")),
            "VTB Bank is on the list"
        );
        assert!(entries.iter().map(|e| e.aliases.len()).sum::<usize>() > 0);
    }

    #[test]
    fn the_2021_sdn_list_reads_whole() {
        let sdn = source("tests/data/ofac-sdn-2021/sdn.csv");
        let alt = source("tests/data/ofac-sdn-2021/alt.csv");
        let entries = read(&sdn, Some(&alt)).unwrap();
        assert_eq!(entries.len(), 8_976);
        assert_eq!(
            entries.iter().map(|e| e.aliases.len()).sum::<usize>(),
            11_910
        );
        let individuals = entries
            .iter()
            .filter(|e| e.kind == EntryKind::Individual)
            .count();
        assert!(individuals > 3_000, "{individuals}");
    }

    #[test]
    fn problems_are_located() {
        let prim = Source::new(
            "p.csv",
            "1,\"ACME LLC\",-0- ,\"RUSSIA-EO14024] [UKRAINE-EO13662\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\r\n\
             x2,\"BAD NUMBER\",-0-\r\n\
             3,\"A, Person\",\"robot\"\r\n\
             1,\"TWICE\",-0-\r\n\
             4,\"CTRL\u{1b}[31m\",-0-\r\n\u{1a}",
        );
        let errors = read(&prim, None).unwrap_err();
        let lines: Vec<(u32, String)> = errors
            .iter()
            .map(|e| (e.location().line(), e.kind().to_string()))
            .collect();
        assert_eq!(lines.len(), 4, "{lines:#?}");
        assert_eq!(lines[0].0, 2);
        assert!(lines[0].1.contains("not a number"));
        assert_eq!(lines[1].0, 3);
        assert!(lines[1].1.contains("robot"));
        assert_eq!(lines[2].0, 4);
        assert!(lines[2].1.contains("twice"));
        assert_eq!(lines[3].0, 5);
        assert!(lines[3].1.contains("control character"));
        let good = Source::new(
            "p.csv",
            "1,\"ACME LLC\",-0- ,\"RUSSIA-EO14024] [UKRAINE-EO13662\"\n",
        );
        let alt = Source::new(
            "a.csv",
            "1,10,\"fka\",\"ACME TRADING\",-0-\n9,11,\"aka\",\"ORPHAN\",-0-\n",
        );
        let errors = read(&good, Some(&alt)).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].location().file(), "a.csv");
        assert_eq!(errors[0].location().line(), 2);
        let alt = Source::new("a.csv", "1,10,\"fka\",\"ACME TRADING\",-0-\n");
        let entries = read(&good, Some(&alt)).unwrap();
        assert_eq!(entries[0].programs, ["RUSSIA-EO14024", "UKRAINE-EO13662"]);
        assert_eq!(entries[0].aliases[0].name, "ACME TRADING");
        assert_eq!(entries[0].kind, EntryKind::Entity);
        assert!(
            read(&Source::new("e.csv", "\u{1a}"), None).is_err(),
            "an empty list is an error"
        );
        // A name of 10 KB is refused with its place; mixed scripts are a name like any other.
        let long = format!(
            "1,\"{}\",-0-\n2,\"ТОО Steppe Трейд\",-0-\n",
            "A".repeat(10_240)
        );
        let errors = read(&Source::new("l.csv", long.as_str()), None).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].kind().to_string().contains("longer than a name"));
    }
}

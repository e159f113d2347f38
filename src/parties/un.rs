//! The UN Security Council Consolidated List (XML, schema `sc-sanctions.xsd`): its INDIVIDUAL
//! and ENTITY elements with their names, aliases and names in the original script, read with
//! every problem located (the element and the byte it starts at).
//!
//! An individual's name is its `FIRST_NAME` to `FOURTH_NAME` joined by spaces; an entity's is
//! its `FIRST_NAME`. Aliases are `ALIAS_NAME` with their `QUALITY` (`Good`, `Low`); an empty
//! alias element (the list writes `<ALIAS_NAME/>` for none) is no alias.

use chrono::NaiveDate;
use quick_xml::Reader;
use quick_xml::events::Event;

use super::ofac::{Alias, EntryKind, name_problem};
use super::records::invalid;
use crate::error::RuleError;
use crate::source::Source;

/// One entry of the UN list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnEntry {
    /// The list's `DATAID`.
    pub id: String,
    /// The name (see the [module](self)).
    pub name: String,
    /// `Individual` or `Entity`.
    pub kind: EntryKind,
    /// The name in its original script (`NAME_ORIGINAL_SCRIPT`), when given.
    pub original_script: Option<String>,
    /// The sanctions regime (`UN_LIST_TYPE`, e.g. `DPRK`).
    pub regime: Option<String>,
    /// The UN reference number (`QDi.001`).
    pub reference: Option<String>,
    /// When it was listed.
    pub listed_on: Option<NaiveDate>,
    /// Its other names; `kind` is the alias's quality in lower case.
    pub aliases: Vec<Alias>,
}

/// The list: its entries and the date it was generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnList {
    /// The root's `dateGenerated`, as written.
    pub generated: Option<String>,
    /// The entries, in file order.
    pub entries: Vec<UnEntry>,
}

/// An entry being read.
#[derive(Default)]
struct Building {
    at: usize,
    individual: bool,
    fields: Vec<(String, String)>,
    aliases: Vec<Alias>,
    alias: Option<(String, String)>,
}

/// Reads the UN Consolidated List.
pub fn read(source: &Source) -> Result<UnList, Vec<RuleError>> {
    let mut errors = Vec::new();
    let mut reader = Reader::from_str(source.text());
    // Text is trimmed per element, not per piece: `A &amp; B` keeps its spaces.
    reader.config_mut().trim_text(false);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut current: Option<Building> = None;
    let mut list = UnList {
        generated: None,
        entries: Vec::new(),
    };
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0);
                errors.push(invalid(source, at, "xml", "", &e.to_string()));
                break;
            }
        };
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().to_owned();
                if name == "CONSOLIDATED_LIST" {
                    list.generated = e
                        .try_get_attribute("dateGenerated")
                        .ok()
                        .flatten()
                        .map(|a| a.value.into_owned());
                }
                if name == "INDIVIDUAL" || name == "ENTITY" {
                    // Where its tag starts (the reader's position is before the white space).
                    let tag = source
                        .text()
                        .get(at..)
                        .and_then(|t| t.find('<'))
                        .map_or(at, |i| at + i);
                    current = Some(Building {
                        at: tag,
                        individual: name == "INDIVIDUAL",
                        ..Building::default()
                    });
                }
                text.clear();
                path.push(name);
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.xml10_content().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                match resolved {
                    Some(c) => text.push(c),
                    None => errors.push(invalid(
                        source,
                        at,
                        "xml",
                        &r.xml10_content(),
                        "an unknown entity reference",
                    )),
                }
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                let value = std::mem::take(&mut text).trim().to_owned();
                let Some(entry) = current.as_mut() else {
                    continue;
                };
                match name.as_str() {
                    "INDIVIDUAL" | "ENTITY" => {
                        if let Some(done) = current.take() {
                            finish(source, done, &mut list.entries, &mut errors);
                        }
                    }
                    "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => {
                        if let Some((quality, alias)) = entry.alias.take()
                            && !alias.is_empty()
                        {
                            if let Some(problem) = name_problem(&alias) {
                                errors.push(invalid(source, at, "ALIAS_NAME", &alias, problem));
                            } else {
                                entry.aliases.push(Alias {
                                    kind: if quality.is_empty() {
                                        "aka".to_owned()
                                    } else {
                                        quality.to_lowercase()
                                    },
                                    name: alias,
                                });
                            }
                        }
                    }
                    "QUALITY" | "ALIAS_NAME" => {
                        let parent = path.last().map(String::as_str);
                        if matches!(parent, Some("INDIVIDUAL_ALIAS" | "ENTITY_ALIAS")) {
                            let alias = entry.alias.get_or_insert_with(Default::default);
                            if name == "QUALITY" {
                                alias.0 = value;
                            } else {
                                alias.1 = value;
                            }
                        }
                    }
                    _ => {
                        // Fields directly inside the entry.
                        let parent = path.last().map(String::as_str);
                        if matches!(parent, Some("INDIVIDUAL" | "ENTITY")) && !value.is_empty() {
                            entry.fields.push((name, value));
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if list.entries.is_empty() && errors.is_empty() {
        errors.push(invalid(source, 0, "entries", "", "the list has no entry"));
    }
    if errors.is_empty() {
        Ok(list)
    } else {
        Err(errors)
    }
}

/// An XML Schema date: `YYYY-MM-DD`, with or without a time zone (`Z`, `+hh:mm`, `-hh:mm`; the
/// list writes `2015-04-07-04:00`).
fn xs_date(text: &str) -> Option<NaiveDate> {
    let (day, zone) = (text.get(..10)?, text.get(10..)?);
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6
            && zone.starts_with(['+', '-'])
            && zone.get(3..4) == Some(":")
            && zone
                .bytes()
                .enumerate()
                .all(|(i, b)| matches!(i, 0 | 3) || b.is_ascii_digit()));
    if !zone_ok {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// Checks a read entry and adds it.
fn finish(source: &Source, b: Building, out: &mut Vec<UnEntry>, errors: &mut Vec<RuleError>) {
    let get = |key: &str| {
        b.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let Some(id) = get("DATAID") else {
        errors.push(invalid(
            source,
            b.at,
            "DATAID",
            "",
            "an entry needs its DATAID",
        ));
        return;
    };
    let parts: Vec<String> = if b.individual {
        ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
            .iter()
            .filter_map(|k| get(k))
            .collect()
    } else {
        get("FIRST_NAME").into_iter().collect()
    };
    let name = parts.join(" ");
    if name.is_empty() {
        errors.push(invalid(
            source,
            b.at,
            "FIRST_NAME",
            &id,
            "an entry needs its name",
        ));
        return;
    }
    if let Some(problem) = name_problem(&name) {
        errors.push(invalid(source, b.at, "FIRST_NAME", &name, problem));
        return;
    }
    let listed_on = match get("LISTED_ON") {
        None => None,
        Some(text) => match xs_date(&text) {
            Some(d) => Some(d),
            None => {
                errors.push(invalid(
                    source,
                    b.at,
                    "LISTED_ON",
                    &text,
                    "expected a date YYYY-MM-DD",
                ));
                return;
            }
        },
    };
    out.push(UnEntry {
        id,
        name,
        kind: if b.individual {
            EntryKind::Individual
        } else {
            EntryKind::Entity
        },
        original_script: get("NAME_ORIGINAL_SCRIPT"),
        regime: get("UN_LIST_TYPE"),
        reference: get("REFERENCE_NUMBER"),
        listed_on,
        aliases: b.aliases,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_list_reads_whole() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/lists/un/un-consolidated.xml"
        );
        let source = Source::new("un.xml", std::fs::read_to_string(path).unwrap());
        let list = read(&source).unwrap();
        assert_eq!(list.generated.as_deref(), Some("2026-02-27T00:00:09.554Z"));
        let individuals = list
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Individual)
            .count();
        assert_eq!((individuals, list.entries.len() - individuals), (730, 273));
        let first = &list.entries[0];
        assert_eq!(
            (first.id.as_str(), first.name.as_str()),
            ("6907993", "ERIC BADEGE")
        );
        assert_eq!(first.listed_on, NaiveDate::from_ymd_opt(2012, 12, 31));
        assert!(first.aliases.is_empty(), "an empty ALIAS_NAME is no alias");
        assert!(list.entries.iter().any(|e| !e.aliases.is_empty()));
        assert!(list.entries.iter().any(|e| e.original_script.is_some()));
    }

    #[test]
    fn dates_with_a_time_zone_are_dates() {
        let d = NaiveDate::from_ymd_opt(2015, 4, 7);
        for text in [
            "2015-04-07",
            "2015-04-07Z",
            "2015-04-07-04:00",
            "2015-04-07+05:30",
        ] {
            assert_eq!(xs_date(text), d, "{text}");
        }
        for text in [
            "2015-04-07-0400",
            "2015-04-07T00:00",
            "2015-4-7",
            "2015-04-07+aa:bb",
            "",
        ] {
            assert_eq!(xs_date(text), None, "{text}");
        }
    }

    #[test]
    fn problems_are_located() {
        let text = "<CONSOLIDATED_LIST><ENTITIES>\n\
                    <ENTITY><DATAID>1</DATAID><FIRST_NAME>A &amp; B &#x41;</FIRST_NAME>\
                    <ENTITY_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>AB Co</ALIAS_NAME></ENTITY_ALIAS></ENTITY>\n\
                    <ENTITY><FIRST_NAME>NO ID</FIRST_NAME></ENTITY>\n\
                    <ENTITY><DATAID>3</DATAID><FIRST_NAME>BAD DATE</FIRST_NAME><LISTED_ON>2012-13-01</LISTED_ON></ENTITY>\n\
                    </ENTITIES></CONSOLIDATED_LIST>";
        let errors = read(&Source::new("u.xml", text)).unwrap_err();
        let lines: Vec<u32> = errors.iter().map(|e| e.location().line()).collect();
        assert_eq!(lines, [3, 4], "{errors:?}");
        let good = read(&Source::new(
            "u.xml",
            text.split("\n<ENTITY><FIRST_NAME>NO ID")
                .next()
                .unwrap()
                .to_owned()
                + "</ENTITIES></CONSOLIDATED_LIST>",
        ))
        .unwrap();
        assert_eq!(good.entries[0].name, "A & B A");
        assert_eq!(good.entries[0].aliases[0].kind, "good");
        assert_eq!(good.entries[0].aliases[0].name, "AB Co");
        let broken = read(&Source::new("u.xml", "<A><B></A>")).unwrap_err();
        assert_eq!(broken.len(), 1, "mismatched tags: one error");
        assert!(read(&Source::new("u.xml", "<CONSOLIDATED_LIST/>")).is_err());
        assert!(read(&Source::new("u.xml", "<X>&bogus;</X>")).is_err());
    }
}

//! The HTML report's links: a fragment id for each rule, rule set, HS chapter, destination
//! and record not allowed, the index that lists the records under each of the first four
//! (where the summary tables link to), and the links from each record back to them.

use std::collections::BTreeMap;
use std::fmt::Write;

use export_control::Decision;

use maud::{Markup, Render, html};

use super::escape::Text;
use super::row::AuditRow;

/// What an index entry is about; each kind has its own fragment prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Rule,
    RuleSet,
    Chapter,
    Destination,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Rule, Kind::RuleSet, Kind::Chapter, Kind::Destination];

    fn prefix(self) -> &'static str {
        match self {
            Kind::Rule => "rule",
            Kind::RuleSet => "set",
            Kind::Chapter => "ch",
            Kind::Destination => "dest",
        }
    }

    /// How a record's links name the kind.
    fn plural(self) -> &'static str {
        match self {
            Kind::Rule => "rules",
            Kind::RuleSet => "rule sets",
            Kind::Chapter => "chapter",
            Kind::Destination => "destination",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Kind::Rule => "By rule",
            Kind::RuleSet => "By rule set",
            Kind::Chapter => "By HS chapter",
            Kind::Destination => "By destination",
        }
    }
}

/// A fragment id: `prefix-` and the name, each byte outside `A-Z a-z 0-9 - _ .` written as
/// `~` and two hex digits, so that every name has its own id and the id needs no escaping in
/// an attribute or a URL.
pub fn fragment(prefix: &str, name: &str) -> String {
    let mut id = format!("{prefix}-");
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.') {
            id.push(char::from(byte));
        } else {
            let _ = write!(id, "~{byte:02X}");
        }
    }
    id
}

/// The fragment of a record of the detail section (its input line is unique).
pub fn record(line: u64) -> String {
    format!("rec-{line}")
}

/// The records not allowed under each rule (that made them so), rule set, chapter and
/// destination, as links to the detail section.
#[derive(Debug, Default)]
pub struct Index {
    entries: BTreeMap<(Kind, String), Vec<(u64, String)>>,
}

impl Index {
    /// The index of `rows`, in the order given (the report's).
    pub fn new(rows: &[&AuditRow<'_>]) -> Index {
        let mut index = Index::default();
        for row in rows {
            let label = row.record.id.as_deref().unwrap_or("(no id)").to_owned();
            for (kind, name) in keys(row) {
                index
                    .entries
                    .entry((kind, name))
                    .or_default()
                    .push((row.record.line, label.clone()));
            }
        }
        index
    }

    /// `text` as a link to the index entry of `name`, when there is one.
    pub fn link(&self, kind: Kind, name: &str, text: impl Render) -> Markup {
        let listed = self.entries.contains_key(&(kind, name.to_owned()));
        html! {
            @if listed {
                a href={ "#" (fragment(kind.prefix(), name)) } { (text) }
            } @else {
                (text)
            }
        }
    }

    /// The links from a record back to the index entries it is listed under, and to the top.
    pub fn back_links(&self, row: &AuditRow<'_>) -> Markup {
        let mut by_kind: BTreeMap<Kind, Vec<String>> = BTreeMap::new();
        for (kind, name) in keys(row) {
            by_kind.entry(kind).or_default().push(name);
        }
        html! {
            p.links {
                @for (kind, names) in &by_kind {
                    (kind.plural()) " "
                    @for (i, name) in names.iter().enumerate() {
                        @if i > 0 { ", " }
                        (self.link(*kind, name, Text(name)))
                    }
                    " · "
                }
                a href="#contents" { "contents" }
            }
        }
    }

    /// The index section: under each rule, rule set, chapter and destination, its records.
    pub fn html(&self) -> Markup {
        html! {
            p {
                "The records not allowed under each rule that made them so, each rule set, \
                 chapter and destination; the summary tables link here."
            }
            @for kind in Kind::ALL {
                h3 { (kind.title()) }
                ul.index {
                    @for ((_, name), records) in self.entries.iter().filter(|((k, _), _)| *k == kind) {
                        li id=(fragment(kind.prefix(), name)) {
                            b { (Text(name)) } " (" (records.len()) " record(s)): "
                            @for (i, (line, id)) in records.iter().enumerate() {
                                @if i > 0 { ", " }
                                a href={ "#" (record(*line)) } { (Text(id)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What a record is listed under: each rule that made it not allowed (and its rule set), its
/// chapter and its destination (`??` for a record that could not be read, as in the tables).
fn keys(row: &AuditRow<'_>) -> Vec<(Kind, String)> {
    let mut keys = Vec::new();
    for m in &row.record.matches {
        if m.effect() > Decision::Allowed {
            keys.push((Kind::Rule, m.rule.to_string()));
            keys.push((Kind::RuleSet, m.ruleset.to_string()));
        }
    }
    let (chapter, destination) = match &row.shipment {
        Some(s) => (s.hs_code.chapter().to_owned(), s.destination.to_string()),
        None => ("??".to_owned(), "??".to_owned()),
    };
    keys.push((Kind::Chapter, chapter));
    keys.push((Kind::Destination, destination));
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_are_distinct_and_safe() {
        assert_eq!(fragment("rule", "kz-arms-ch93"), "rule-kz-arms-ch93");
        assert_eq!(fragment("dest", "??"), "dest-~3F~3F");
        assert_eq!(fragment("rule", "a:b/c"), "rule-a~3Ab~2Fc");
        assert_ne!(fragment("rule", "a b"), fragment("rule", "a_b"));
        assert_ne!(fragment("rule", "a~20b"), fragment("rule", "a b"));
        assert!(
            fragment("ch", "<\"'&>é")
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c))
        );
    }
}

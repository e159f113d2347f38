//! The BIS Denied Persons List: tab-separated, quoted fields, a header row naming the columns
//! (`Name`, `Street_Address`, `City`, `State`, `Country`, `Postal_Code`, `Effective_Date`,
//! `Expiration_Date`, `Standard_Order`, `Last_Update`, `Action`, `FR_Citation`), read with every
//! problem located.
//!
//! Dates are written `MM/DD/YYYY` (effective, expiration) or `YYYY-MM-DD` (last update, kept as
//! written: the list holds the typo `3017-08-22`, as published). The list has no entry
//! identifier: an entry is named by its row (`row 2` is the first after the header).

use chrono::NaiveDate;

use super::ofac::name_problem;
use super::records::{invalid, records};
use crate::country::CountryCode;
use crate::error::RuleError;
use crate::source::Source;

/// One person or company denied export privileges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    /// `row N`: the entry's place in the file.
    pub id: String,
    /// The name as the list writes it.
    pub name: String,
    /// The country of its address as the list writes it (mostly ISO codes; `PRC` once).
    pub country_text: Option<String>,
    /// That country as an ISO code, when it is one.
    pub country: Option<CountryCode>,
    /// When the denial took effect.
    pub effective: Option<NaiveDate>,
    /// When it ends.
    pub expires: Option<NaiveDate>,
    /// The Federal Register citation.
    pub citation: Option<String>,
}

const COLUMNS: [&str; 4] = ["Name", "Country", "Effective_Date", "Expiration_Date"];

fn us_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%m/%d/%Y").ok()
}

/// Reads the Denied Persons List.
pub fn read(source: &Source) -> Result<Vec<Denied>, Vec<RuleError>> {
    let mut errors = Vec::new();
    let push = |errors: &mut Vec<RuleError>, at: usize, key: &str, value: &str, reason: &str| {
        errors.push(invalid(source, at, key, value, reason));
    };
    let mut rows = records(source.text(), b'\t').into_iter();
    let Some((_, header)) = rows.next() else {
        push(&mut errors, 0, "header", "", "the file is empty");
        return Err(errors);
    };
    let header: Vec<String> = header.into_iter().map(Option::unwrap_or_default).collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let mut at_of = Vec::new();
    for name in COLUMNS {
        match column(name) {
            Some(i) => at_of.push(i),
            None => push(
                &mut errors,
                0,
                "header",
                name,
                "a column of the list is missing",
            ),
        }
    }
    let (Some(&name_at), Some(&country_at), Some(&effective_at), Some(&expires_at)) =
        (at_of.first(), at_of.get(1), at_of.get(2), at_of.get(3))
    else {
        return Err(errors);
    };
    let citation_at = column("FR_Citation");
    let mut out = Vec::new();
    for (row, (at, fields)) in rows.enumerate() {
        let get = |i: usize| fields.get(i).cloned().flatten();
        let Some(name) = get(name_at) else {
            push(&mut errors, at, "Name", "", "an entry needs its name");
            continue;
        };
        if let Some(problem) = name_problem(&name) {
            push(&mut errors, at, "Name", &name, problem);
            continue;
        }
        // Kept as written: the published list is not all ISO codes.
        let country_text = get(country_at);
        let country = country_text
            .as_deref()
            .and_then(|c| CountryCode::parse_country(c).ok());
        let mut date = |key: &str, i: usize| match get(i) {
            None => Ok(None),
            Some(text) => us_date(&text).map(Some).ok_or(()).inspect_err(|()| {
                push(&mut errors, at, key, &text, "expected a date MM/DD/YYYY");
            }),
        };
        let (Ok(effective), Ok(expires)) = (
            date("Effective_Date", effective_at),
            date("Expiration_Date", expires_at),
        ) else {
            continue;
        };
        out.push(Denied {
            id: format!("row {}", row + 2),
            name,
            country_text,
            country,
            effective,
            expires,
            citation: citation_at.and_then(get),
        });
    }
    if out.is_empty() && errors.is_empty() {
        push(&mut errors, 0, "entries", "", "the list has no entry");
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_list_reads_whole() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/lists/bis-dpl/dpl.txt");
        let source = Source::new("dpl.txt", std::fs::read_to_string(path).unwrap());
        let entries = read(&source).unwrap();
        assert_eq!(entries.len(), 581);
        assert_eq!(entries[0].name, "I. ASH");
        assert_eq!(entries[0].country, Some("US".parse().unwrap()));
        assert_eq!(entries[0].effective, NaiveDate::from_ymd_opt(2003, 6, 19));
        assert_eq!(entries[1].country, None, "an empty country is none");
        assert!(
            entries
                .iter()
                .any(|e| e.country_text.as_deref() == Some("PRC") && e.country.is_none()),
            "the list's one `PRC` is kept as written"
        );
    }

    #[test]
    fn problems_are_located() {
        let text = "\"Name\"\t\"Country\"\t\"Effective_Date\"\t\"Expiration_Date\"\n\
                    \"GOOD\"\t\"US\"\t\"06/19/2003\"\t\"\"\n\
                    \"\"\t\"US\"\t\"06/19/2003\"\t\"\"\n\
                    \"PRC COUNTRY\"\t\"PRC\"\t\"06/19/2003\"\t\"\"\n\
                    \"BAD DATE\"\t\"US\"\t\"2003-06-19\"\t\"\"\n";
        let errors = read(&Source::new("d.txt", text)).unwrap_err();
        let lines: Vec<u32> = errors.iter().map(|e| e.location().line()).collect();
        assert_eq!(
            lines,
            [3, 5],
            "a country that is not a code is kept as written"
        );
        let missing =
            read(&Source::new("d.txt", "\"Name\"\t\"City\"\n\"A\"\t\"B\"\n")).unwrap_err();
        assert_eq!(missing.len(), 3, "Country, Effective_Date, Expiration_Date");
        assert!(read(&Source::new("d.txt", "")).is_err());
    }
}

//! Statistics files: published trade totals that give history rules their baseline where a
//! company's own records cannot (a 2021 total of zero that no record shows).
//!
//! A statistics file is a CSV file named `*.statistics.csv` in the rule directory, so the rule
//! book's digest covers it. Lines starting with `#` before the header say where the figures
//! come from. The header names the columns, in any order:
//!
//! ```text
//! # source: ...
//! period,reporter,partner,hs_code,value,currency,quantity,unit
//! 2021,KZ,RU,845011,0,USD,0,u
//! ```
//!
//! `period` is a year (`2021`) or a month (`2021-03`); `reporter` and `partner` are ISO country
//! codes (the exporting and the receiving country); `hs_code` has 2, 4 or 6 digits and meets keys
//! of as many digits; `value` with `currency`, `quantity` with `unit`, at least one of the two
//! pairs. Figures are codes and numbers: a field holds no comma and no quote. A file whose rows
//! give one key and year twice (two rows, or a year and one of its months) is an error, as are
//! negative or oversized amounts and unknown countries; every error names its line and column.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::country::CountryCode;
use crate::error::{RuleError, RuleErrorKind};
use crate::rule::AmountField;
use crate::rule::history::Measure;
use crate::shipment::{FIRST_YEAR, LAST_YEAR, MAX_AMOUNT};
use crate::source::Source;
use crate::verdict::because::Key;

const COLUMNS: &[&str] = &[
    "period", "reporter", "partner", "hs_code", "value", "currency", "quantity", "unit",
];
const REQUIRED: &[&str] = &["period", "reporter", "partner", "hs_code"];

/// One row of a statistics file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    year: i32,
    month: Option<u32>,
    reporter: CountryCode,
    partner: CountryCode,
    hs: String,
    value: Option<(Decimal, String)>,
    quantity: Option<(Decimal, String)>,
}

/// A statistics file, read and checked.
#[derive(Debug, Clone)]
pub struct Statistics {
    name: Arc<str>,
    /// Rows by year and HS code.
    rows: BTreeMap<i32, BTreeMap<String, Vec<Row>>>,
    len: usize,
}

impl Statistics {
    /// Reads a statistics file held in memory (the format is in `docs/rule-format.md`, "History rules"); every
    /// problem is listed with its line and column.
    pub fn parse(source: &Source) -> Result<Statistics, Vec<RuleError>> {
        let mut errors = Vec::new();
        let stats = read(source, &mut errors);
        if errors.is_empty() {
            Ok(stats)
        } else {
            Err(errors)
        }
    }

    /// The file's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many rows it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no row (never, for a file that parsed).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The total for `key` in `year` in the measure's currency or unit, when the file has rows
    /// for it: rows of the key's HS code (as many digits), reporter (its export country) and
    /// partner (its destination), summed over what the key leaves open. A key with a consignee
    /// has no statistics.
    pub(crate) fn total(&self, key: &Key, measure: &Measure, year: i32) -> Option<Decimal> {
        if key.consignee.is_some() {
            return None;
        }
        let of_year = self.rows.get(&year)?;
        let rows: Box<dyn Iterator<Item = &Row>> = match &key.hs {
            Some(hs) => Box::new(of_year.get(hs.as_str())?.iter()),
            None => Box::new(of_year.values().flatten()),
        };
        let mut total: Option<Decimal> = None;
        for row in rows {
            if key.export_country.is_some_and(|c| c != row.reporter)
                || key.destination.is_some_and(|c| c != row.partner)
            {
                continue;
            }
            let amount = match measure.field {
                AmountField::Value => row.value.as_ref(),
                AmountField::Quantity => row.quantity.as_ref(),
            };
            if let Some((amount, unit)) = amount
                && **unit == *measure.unit
            {
                total = Some(total.unwrap_or_default().checked_add(*amount)?);
            }
        }
        total
    }
}

fn read(source: &Source, errors: &mut Vec<RuleError>) -> Statistics {
    let text = source.text();
    let shared = source.shared_text();
    let push = |kind: RuleErrorKind, at: usize, errors: &mut Vec<RuleError>| {
        errors.push(RuleError::new(
            kind,
            source.locate(at..at),
            Arc::clone(&shared),
        ));
    };
    let mut rows: BTreeMap<i32, BTreeMap<String, Vec<Row>>> = BTreeMap::new();
    let mut len = 0;
    let mut columns: Option<Vec<&str>> = None;
    let mut seen: BTreeMap<(i32, Option<u32>, CountryCode, CountryCode, String), usize> =
        BTreeMap::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() || (columns.is_none() && line.starts_with('#')) {
            continue;
        }
        if let Some(at) = line.find(['"', '\u{0}']) {
            push(
                RuleErrorKind::InvalidValue {
                    key: "line".into(),
                    value: line.chars().take(40).collect(),
                    reason: "a statistics file holds codes and numbers: no quote, no NUL".into(),
                },
                start + at,
                errors,
            );
            continue;
        }
        // Each field with its byte offset in the file.
        let mut fields: Vec<(&str, usize)> = Vec::new();
        let mut at = start;
        for field in line.split(',') {
            fields.push((field.trim(), at));
            at += field.len() + 1;
        }
        let Some(names) = &columns else {
            let mut names = Vec::new();
            for (name, at) in &fields {
                if !COLUMNS.contains(name) {
                    let hint = crate::suggest::closest(name, COLUMNS.iter().copied()).map_or_else(
                        || format!(" (the columns are {})", COLUMNS.join(", ")),
                        |s| format!(" (did you mean `{s}`?)"),
                    );
                    push(
                        RuleErrorKind::InvalidValue {
                            key: "header".into(),
                            value: (*name).to_owned(),
                            reason: format!("not a column of a statistics file{hint}"),
                        },
                        *at,
                        errors,
                    );
                } else if names.contains(name) {
                    push(
                        RuleErrorKind::InvalidValue {
                            key: "header".into(),
                            value: (*name).to_owned(),
                            reason: "the column is named twice".into(),
                        },
                        *at,
                        errors,
                    );
                }
                names.push(*name);
            }
            for required in REQUIRED {
                if !names.contains(required) {
                    push(
                        RuleErrorKind::MissingKey {
                            key: (*required).to_owned(),
                            table: "the header".into(),
                        },
                        start,
                        errors,
                    );
                }
            }
            columns = Some(names);
            continue;
        };
        if fields.len() != names.len() {
            push(
                RuleErrorKind::InvalidValue {
                    key: "line".into(),
                    value: format!("{} fields", fields.len()),
                    reason: format!("the header has {} columns", names.len()),
                },
                start,
                errors,
            );
            continue;
        }
        let get = |name: &str| {
            names
                .iter()
                .position(|n| *n == name)
                .and_then(|i| fields.get(i).copied())
                .filter(|(v, _)| !v.is_empty())
        };
        let before = errors.len();
        let mut bad = |column: &str, (value, at): (&str, usize), reason: String| {
            push(
                RuleErrorKind::InvalidValue {
                    key: column.to_owned(),
                    value: value.to_owned(),
                    reason,
                },
                at,
                errors,
            );
        };
        let period = get("period").and_then(|p| {
            let parsed = parse_period(p.0);
            if parsed.is_none() {
                bad(
                    "period",
                    p,
                    format!(
                        "expected a year (2021) or a month (2021-03), {FIRST_YEAR} to {LAST_YEAR}"
                    ),
                );
            }
            parsed
        });
        let mut country = |column: &str| {
            let field = get(column)?;
            match CountryCode::parse_country(field.0) {
                Ok(c) => Some(c),
                Err(e) => {
                    bad(column, field, e.to_string());
                    None
                }
            }
        };
        let reporter = country("reporter");
        let partner = country("partner");
        let hs = get("hs_code").and_then(|h| {
            let ok = matches!(h.0.len(), 2 | 4 | 6) && h.0.bytes().all(|b| b.is_ascii_digit());
            if !ok {
                bad("hs_code", h, "expected 2, 4 or 6 digits".into());
            }
            ok.then(|| h.0.to_owned())
        });
        let mut amount = |amount_column: &str, unit_column: &str, field: AmountField| {
            let (Some(a), unit) = (get(amount_column), get(unit_column)) else {
                if let Some(u) = get(unit_column) {
                    bad(unit_column, u, format!("given without a {amount_column}"));
                }
                return None;
            };
            let Some(unit) = unit else {
                bad(amount_column, a, format!("given without a {unit_column}"));
                return None;
            };
            let parsed = a.0.parse::<Decimal>().ok().filter(|d| {
                (d.is_zero() || !d.is_sign_negative()) && *d <= Decimal::from(MAX_AMOUNT)
            });
            if parsed.is_none() {
                bad(
                    amount_column,
                    a,
                    "expected a decimal number from 0 to 10^18".into(),
                );
            }
            if field == AmountField::Value
                && !(unit.0.len() == 3 && unit.0.chars().all(|c| c.is_ascii_alphabetic()))
            {
                bad(
                    unit_column,
                    unit,
                    "a currency is a three-letter ISO 4217 code".into(),
                );
                return None;
            }
            Some((parsed?, crate::parse::normalise_unit(field, unit.0)))
        };
        let value = amount("value", "currency", AmountField::Value);
        let quantity = amount("quantity", "unit", AmountField::Quantity);
        for required in REQUIRED {
            if get(required).is_none() && names.contains(required) {
                push(
                    RuleErrorKind::MissingKey {
                        key: (*required).to_owned(),
                        table: "the row".into(),
                    },
                    start,
                    errors,
                );
            }
        }
        if value.is_none() && quantity.is_none() && errors.len() == before {
            push(
                RuleErrorKind::MissingKey {
                    key: "value".into(),
                    table: "the row (a value with its currency, or a quantity with its unit)"
                        .into(),
                },
                start,
                errors,
            );
        }
        let (Some((year, month)), Some(reporter), Some(partner), Some(hs)) =
            (period, reporter, partner, hs)
        else {
            continue;
        };
        if errors.len() != before {
            continue;
        }
        // A key and year given twice, or a year and one of its months.
        let line_no = source.locate(start..start).line();
        let clash = [(year, month), (year, None)]
            .into_iter()
            .chain(month.map_or_else(
                || (1..=12).map(|m| (year, Some(m))).collect::<Vec<_>>(),
                |_| Vec::new(),
            ))
            .find_map(|(y, m)| seen.get(&(y, m, reporter, partner, hs.clone())).copied());
        if let Some(first) = clash {
            push(
                RuleErrorKind::InvalidValue {
                    key: "period".into(),
                    value: get("period").map_or_else(String::new, |p| p.0.to_owned()),
                    reason: format!(
                        "line {first} already gives {reporter} to {partner}, HS {hs}, for this period \
                         (overlapping periods)"
                    ),
                },
                start,
                errors,
            );
            continue;
        }
        seen.insert(
            (year, month, reporter, partner, hs.clone()),
            line_no as usize,
        );
        len += 1;
        rows.entry(year)
            .or_default()
            .entry(hs.clone())
            .or_default()
            .push(Row {
                year,
                month,
                reporter,
                partner,
                hs,
                value,
                quantity,
            });
    }
    if columns.is_none() {
        push(
            RuleErrorKind::MissingKey {
                key: "header".into(),
                table: "the statistics file".into(),
            },
            0,
            errors,
        );
    } else if len == 0 && errors.is_empty() {
        push(
            RuleErrorKind::InvalidValue {
                key: "rows".into(),
                value: String::new(),
                reason: "the statistics file has a header and no row".into(),
            },
            text.len(),
            errors,
        );
    }
    Statistics {
        name: Arc::from(source.name()),
        rows,
        len,
    }
}

fn parse_period(text: &str) -> Option<(i32, Option<u32>)> {
    let (year, month) = match text.split_once('-') {
        Some((y, m)) if m.len() == 2 => (y, Some(m.parse::<u32>().ok()?)),
        Some(_) => return None,
        None => (text, None),
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let ok =
        (FIRST_YEAR..=LAST_YEAR).contains(&year) && month.is_none_or(|m| (1..=12).contains(&m));
    ok.then_some((year, month))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Statistics, Vec<String>> {
        Statistics::parse(&Source::new("t.statistics.csv", text)).map_err(|errors| {
            errors
                .iter()
                .map(|e| {
                    format!(
                        "{}:{} {}",
                        e.location().line(),
                        e.location().column(),
                        e.kind()
                    )
                })
                .collect()
        })
    }

    fn usd() -> Measure {
        Measure {
            field: AmountField::Value,
            unit: "USD".into(),
        }
    }

    fn key(hs: &str, destination: Option<&str>) -> Key {
        Key {
            export_country: Some("KZ".parse().unwrap()),
            hs: Some(hs.parse().unwrap()),
            destination: destination.map(|d| d.parse().unwrap()),
            consignee: None,
        }
    }

    #[test]
    fn totals_sum_the_rows_of_a_key_and_year() {
        let stats = parse(
            "# source: a test\nperiod,reporter,partner,hs_code,value,currency\n\
             2021,KZ,RU,845011,0,USD\n2021-03,KZ,BY,845011,100,usd\n2021-04,KZ,BY,845011,50,USD\n\
             2021,KZ,AM,845011,7,EUR\n",
        )
        .unwrap();
        assert_eq!(stats.len(), 4);
        assert!(!stats.is_empty());
        assert_eq!(
            stats.total(&key("845011", Some("RU")), &usd(), 2021),
            Some(Decimal::ZERO)
        );
        assert_eq!(
            stats.total(&key("845011", Some("BY")), &usd(), 2021),
            Some(150.into())
        );
        // Over every partner; rows in another currency are not summed.
        assert_eq!(
            stats.total(&key("845011", None), &usd(), 2021),
            Some(150.into())
        );
        assert_eq!(stats.total(&key("845011", Some("AM")), &usd(), 2021), None);
        assert_eq!(stats.total(&key("845011", Some("RU")), &usd(), 2022), None);
        assert_eq!(stats.total(&key("845012", Some("RU")), &usd(), 2021), None);
        let mut with_party = key("845011", Some("RU"));
        with_party.consignee = Some("x".into());
        assert_eq!(stats.total(&with_party, &usd(), 2021), None);
    }

    #[test]
    fn every_problem_is_located() {
        let errors = parse(
            "period,reporter,partner,hs_code,value,currency\n\
             2021,KZ,XX,845011,1,USD\n\
             2021-13,KZ,RU,845011,1,USD\n\
             2021,KZ,RU,84501,1,USD\n\
             2021,KZ,RU,845011,-1,USD\n\
             2021,KZ,RU,845011,1,\n\
             2021,KZ,RU,845012,\"1\",USD\n",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 6, "{errors:#?}");
        assert!(errors[0].starts_with("2:9 "), "{}", errors[0]);
        assert!(
            errors[1].starts_with("3:1 ") && errors[1].contains("2021-13"),
            "{}",
            errors[1]
        );
        assert!(errors[2].starts_with("4:12 ") && errors[2].contains("hs_code"));
        assert!(errors[3].starts_with("5:19 ") && errors[3].contains("-1"));
        assert!(errors[4].starts_with("6:") && errors[4].contains("without a currency"));
        assert!(errors[5].starts_with("7:") && errors[5].contains("quote"));
    }

    #[test]
    fn periods_and_currencies_are_checked() {
        let errors = parse(
            "period,reporter,partner,hs_code,value,currency\n\
             2021-1,KZ,RU,845011,1,USD\n\
             21,KZ,RU,845011,1,USD\n\
             2O21,KZ,RU,845011,1,USD\n\
             2021-03-01,KZ,RU,845011,1,USD\n\
             02021,KZ,RU,845011,1,USD\n\
             2021,KZ,RU,845011,1,US\n\
             2021,KZ,BY,845011,1,U5D\n\
             2021,KZ,AM,845011,1,dollars\n\
             2021-07,KZ,KG,845011,1,usd\n",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 8, "{errors:#?}");
        // A year is four digits: `02021` is not 2021.
        for (i, period) in ["2021-1", "21", "2O21", "2021-03-01", "02021"]
            .iter()
            .enumerate()
        {
            assert!(
                errors[i].starts_with(&format!("{}:1 ", i + 2)) && errors[i].contains(period),
                "{}",
                errors[i]
            );
        }
        for (i, currency) in ["US", "U5D", "dollars"].iter().enumerate() {
            let e = &errors[i + 5];
            assert!(
                e.starts_with(&format!("{}:", i + 7))
                    && e.contains(currency)
                    && e.contains("three-letter"),
                "{e}"
            );
        }
        // A month of two digits and a currency of three letters, in any case, are read.
        let stats =
            parse("period,reporter,partner,hs_code,value,currency\n2021-07,KZ,KG,845011,1,usd\n")
                .unwrap();
        assert_eq!(stats.len(), 1);
        assert!(!stats.is_empty());
        let empty = Statistics {
            name: Arc::from("none"),
            rows: Default::default(),
            len: 0,
        };
        assert!(empty.is_empty());
    }

    #[test]
    fn overlapping_and_empty_files_are_errors() {
        let overlap = parse(
            "period,reporter,partner,hs_code,value,currency\n\
             2021-02,KZ,RU,845011,1,USD\n2021,KZ,RU,845011,5,USD\n",
        )
        .unwrap_err();
        assert!(
            overlap[0].contains("line 2 already gives") && overlap[0].starts_with("3:"),
            "{overlap:?}"
        );
        let twice = parse(
            "period,reporter,partner,hs_code,value,currency\n\
             2021,KZ,RU,845011,1,USD\n2021,KZ,RU,845011,5,USD\n",
        )
        .unwrap_err();
        assert_eq!(twice.len(), 1);
        assert!(
            parse("period,reporter,partner,hs_code,value,currency\n").unwrap_err()[0]
                .contains("no row")
        );
        assert!(parse("# nothing\n").unwrap_err()[0].contains("header"));
        let header = parse("period,reporter,partner,hs,value,currency\n2021,KZ,RU,845011,1,USD\n")
            .unwrap_err();
        assert!(header[0].contains("the columns are period,"), "{header:?}");
        assert!(header[1].contains("missing key `hs_code`"), "{header:?}");
        let typo =
            parse("period,reporter,partner,hs_cod,value,currency\n2021,KZ,RU,845011,1,USD\n")
                .unwrap_err();
        assert!(typo[0].contains("did you mean `hs_code`"), "{typo:?}");
    }
}

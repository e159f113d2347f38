//! Dates on the command line, read as strictly as record dates are.

use chrono::{Datelike as _, NaiveDate};

/// A date written `YYYY-MM-DD` exactly, as record dates are (`2023-2-5` is refused).
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    let date = shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("`{text}` is not a date written YYYY-MM-DD"))?;
    let years = export_control::shipment::FIRST_YEAR..=export_control::shipment::LAST_YEAR;
    if !years.contains(&date.year()) {
        return Err(format!(
            "`{text}` lies outside {}-{}",
            years.start(),
            years.end()
        ));
    }
    Ok(date)
}

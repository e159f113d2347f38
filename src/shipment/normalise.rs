//! Field values as written to typed values: trimming, dates, amounts, codes, currencies.
//!
//! HS codes lose dots and spaces and must have 6 to 10 digits; country codes are upper-cased and
//! must be assigned ISO 3166-1 codes (or `XK`; `EU` as an origin; `ZZ`, `XX`, `XZ` mean
//! unknown); dates are ISO 8601; values and quantities are exact decimals and not negative;
//! currencies are three-letter codes, upper-cased; units are lower-cased.

use std::borrow::Cow;

use chrono::{Datelike as _, NaiveDate};
use rust_decimal::Decimal;

use super::{FIRST_YEAR, Field, FieldError, LAST_YEAR, MAX_AMOUNT};
use crate::control::ControlCheck;
use crate::country::{CountryCode, CountryError};

/// `str::trim`, with a fast path for the usual field that starts and ends in ASCII.
pub(crate) fn trim(raw: &str) -> &str {
    let text = raw.trim_ascii();
    // White space `trim_ascii` leaves: the vertical tab and non-ASCII spaces.
    let maybe_space = |b: &u8| !b.is_ascii() || *b == 0x0b;
    if text.as_bytes().first().is_some_and(maybe_space)
        || text.as_bytes().last().is_some_and(maybe_space)
    {
        text.trim()
    } else {
        text
    }
}

/// An ISO 8601 date, or the date of an ISO 8601 date-time, from [`FIRST_YEAR`] to
/// [`LAST_YEAR`].
pub(crate) fn date(field: Field, text: &str) -> Result<NaiveDate, FieldError> {
    let parsed = plain_date(text)
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|dt| dt.date_naive())
        })
        .or_else(|| {
            ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
                .into_iter()
                .find_map(|format| chrono::NaiveDateTime::parse_from_str(text, format).ok())
                .map(|dt| dt.date())
        });
    match parsed {
        Some(date) if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) => Ok(date),
        Some(_) => Err(FieldError::invalid(
            field.name(),
            text,
            format!("a shipment's date lies between {FIRST_YEAR} and {LAST_YEAR}"),
        )),
        None => Err(FieldError::invalid(
            field.name(),
            text,
            "expected an ISO 8601 date YYYY-MM-DD that exists",
        )),
    }
}

/// `YYYY-MM-DD`, the common case, read without a format parser; `None` for anything else.
pub(crate) fn plain_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

/// An exact, non-negative decimal of at most [`MAX_AMOUNT`], written out in full (sums of
/// amounts then stay far inside what a `Decimal` holds). Exponent notation (`1.23457E+11`) is
/// refused: spreadsheets write it after rounding, so the exact amount is already lost.
pub(crate) fn amount(field: Field, text: &str) -> Result<Decimal, FieldError> {
    // Digit separators are allowed (`1_000`); most amounts have none and need no copy.
    let cleaned: Cow<'_, str> = if text.contains('_') {
        Cow::Owned(text.replace('_', ""))
    } else {
        Cow::Borrowed(text)
    };
    if cleaned.contains(['e', 'E']) {
        return Err(FieldError::invalid(
            field.name(),
            text,
            "exponent notation is not exact: write the amount in full",
        ));
    }
    match Decimal::from_str_exact(&cleaned) {
        Ok(d) if d.is_sign_negative() && !d.is_zero() => Err(FieldError::invalid(
            field.name(),
            text,
            "it must not be negative",
        )),
        Ok(d) if d > Decimal::from(MAX_AMOUNT) => Err(FieldError::invalid(
            field.name(),
            text,
            format!("larger than the largest amount read, {MAX_AMOUNT}"),
        )),
        Ok(d) => Ok(d),
        Err(e) => Err(FieldError::invalid(
            field.name(),
            text,
            format!("not an exact decimal number: {e}"),
        )),
    }
}

/// What a country field holds: a country, or a code that means "unknown".
pub(crate) enum Country {
    Known(CountryCode),
    Unknown,
}

/// A country code of a record's `field`. `EU` is accepted as an origin only: goods are made in
/// the Union, but they are sent to and through a member state.
pub(crate) fn country(field: Field, text: &str) -> Result<Country, FieldError> {
    match text.parse::<CountryCode>() {
        Ok(code) if code.is_eu() && field != Field::Origin => Err(FieldError::invalid(
            field.name(),
            text,
            "`EU` (the European Union) is accepted as an origin only: name the member state",
        )),
        Ok(code) => Ok(Country::Known(code)),
        Err(CountryError::Unknown(_)) => Ok(Country::Unknown),
        Err(e) => Err(FieldError::invalid(field.name(), text, e)),
    }
}

/// That goods were classified against a control list: an ISO 8601 date, or `true` / `yes`
/// (undated); `false` and `no` say they were not (the field is absent).
pub(crate) fn control_check(text: &str) -> Result<Option<ControlCheck>, FieldError> {
    let is = |words: [&str; 2]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
    if is(["true", "yes"]) {
        return Ok(Some(ControlCheck::Undated));
    }
    if is(["false", "no"]) {
        return Ok(None);
    }
    let field = Field::ControlListChecked;
    match plain_date(text) {
        Some(day) if (FIRST_YEAR..=LAST_YEAR).contains(&day.year()) => {
            Ok(Some(ControlCheck::On(day)))
        }
        _ => Err(FieldError::invalid(
            field.name(),
            text,
            format!(
                "expected a date YYYY-MM-DD between {FIRST_YEAR} and {LAST_YEAR}, `true` or `false`"
            ),
        )),
    }
}

/// A three-letter ISO 4217 currency code, upper-cased.
pub(crate) fn currency(field: Field, text: &str) -> Result<String, FieldError> {
    if text.len() == 3 && text.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(text.to_ascii_uppercase())
    } else {
        Err(FieldError::invalid(
            field.name(),
            text,
            "a currency is a three-letter ISO 4217 code",
        ))
    }
}

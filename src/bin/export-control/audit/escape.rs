//! Text for the reports' formats: a value from a record or a rule as Markdown or HTML text
//! that adds no markup, and an id as code.

use std::fmt::Write as _;

use export_control::verdict::Escaped;
use maud::Render;

/// Text for a Markdown report: control characters as escapes (`\n`), HTML's `& < >` as
/// entities (Markdown passes raw HTML through, and `<...>` would be an autolink), and a
/// backslash before every character that can start or end markup inline (`\ * _ ` [ ] | ~ !`),
/// so a value from a record adds no markup: no emphasis, code span, link, image, strikethrough
/// or table cell split, and no escape of ours can be undone. (Line-start markup cannot occur:
/// values never begin a line of a report.)
pub fn md_escape(text: &str) -> String {
    escaped_with(text, |c, out| {
        let markup = matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '|' | '~' | '!');
        if markup {
            out.push('\\');
            out.push(c);
        }
        markup
    })
}

/// `text` with control characters as escapes and `& < >` as entities; `more` writes any other
/// character Markdown escapes (and says whether it did).
fn escaped_with(text: &str, more: impl Fn(char, &mut String) -> bool) -> String {
    let visible = Escaped(text).to_string();
    let mut out = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if more(c, &mut out) => {}
            c => out.push(c),
        }
    }
    out
}

/// An id in a Markdown code span. Ids are restricted when rules are loaded (letters, digits
/// and `-_.:/`), so none can close the span; anything else is escaped as text.
pub fn md_code(id: &str) -> String {
    if id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
    {
        format!("`{id}`")
    } else {
        md_escape(id)
    }
}

/// A value from a record or a rule as HTML text, in an element or a quoted attribute: its
/// control characters as escapes, then escaped by maud (`& < > "` as entities).
pub struct Text<'a>(pub &'a str);

impl Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        let _ = write!(maud::Escaper::new(buffer), "{}", Escaped(self.0));
    }
}

/// [`Text`] with each ISO date in a `<time>` element ([`esc_dates`]).
pub struct Dated<'a>(pub &'a str);

impl Render for Dated<'_> {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(&esc_dates(self.0));
    }
}

/// [`Text`] as a string.
pub fn esc(text: &str) -> String {
    Text(text).render().into_string()
}

/// An id in HTML, as code.
pub fn html_code(id: &str) -> String {
    format!("<code>{}</code>", esc(id))
}

/// HTML text as [`esc`] writes it, with each ISO date (`2023-11-15`, not inside a longer run
/// of digits) in a `<time>` element, which the report's style keeps on one line.
pub fn esc_dates(text: &str) -> String {
    let escaped = esc(text);
    let bytes = escaped.as_bytes();
    let is_date = |i: usize| {
        let shape = b"dddd-dd-dd";
        i + shape.len() <= bytes.len()
            && shape.iter().enumerate().all(|(k, s)| match s {
                b'd' => bytes[i + k].is_ascii_digit(),
                _ => bytes[i + k] == b'-',
            })
            && (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes
                .get(i + shape.len())
                .is_none_or(|b| !b.is_ascii_digit())
    };
    let mut out = String::with_capacity(escaped.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if is_date(i) {
            out.push_str(&escaped[copied..i]);
            out.push_str("<time>");
            out.push_str(&escaped[i..i + 10]);
            out.push_str("</time>");
            i += 10;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&escaped[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_kept_on_one_line_and_nothing_else_changes() {
        assert_eq!(
            esc_dates("from 2022-02-24 until 2023-08-31"),
            "from <time>2022-02-24</time> until <time>2023-08-31</time>"
        );
        assert_eq!(esc_dates("2024-02-23.1"), "<time>2024-02-23</time>.1");
        assert_eq!(
            esc_dates("12024-02-23 2024-02-231 KZX-2022-404001"),
            "12024-02-23 2024-02-231 KZX-2022-404001"
        );
        assert_eq!(esc_dates("<2023-01-01>"), "&lt;<time>2023-01-01</time>&gt;");
        assert_eq!(esc_dates("é2023-01-01é"), "é<time>2023-01-01</time>é");
    }
}

//! Names as a matcher compares them (see [`normalise`]).

use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

use super::legal::{self, LegalForm};
use super::translit;

/// Longest name normalised, in characters; the rest is not compared. A name on a declaration
/// or in a list is far shorter; a longer text is not a name.
pub const MAX_NAME_CHARS: usize = 512;

/// A name as a matcher compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalised {
    /// The words, in order, without the legal form.
    pub words: Vec<String>,
    /// The legal form, when the name has one.
    pub legal_form: Option<LegalForm>,
}

impl Normalised {
    /// The words joined by one space.
    pub fn text(&self) -> String {
        self.words.join(" ")
    }

    /// The words in sorted order, joined by one space: the same for any word order.
    pub fn sorted_text(&self) -> String {
        let mut words = self.words.clone();
        words.sort();
        words.join(" ")
    }
}

/// Normalises a party's name as a matcher compares it: one script, one case, no diacritics or
/// punctuation, the legal form apart ([`LegalForm`]), each word's variant spellings written
/// alike.
///
/// The steps, in order: Unicode NFKC (full-width and compatibility forms to their usual
/// letters); lower case; Cyrillic to Latin ([`to_latin`](super::to_latin));
/// diacritics removed (NFKD, combining marks dropped: `é` is `e`, `ö` is `o`); dots and
/// apostrophes removed (`L.L.P.` is `llp`, `O'Neil` is `oneil`), other punctuation and symbols
/// between words (quotes, `«»`, hyphens, commas, brackets); the legal form taken from the start
/// or the end; each word's [`skeleton`](super::skeleton).
pub fn normalise(name: &str) -> Normalised {
    let composed: String = name.chars().take(MAX_NAME_CHARS).nfkc().collect();
    let lower: String = composed.chars().flat_map(char::to_lowercase).collect();
    let latin = translit::to_latin(&lower);
    let plain: String = latin.nfkd().filter(|c| !is_combining_mark(*c)).collect();
    let mut cleaned = String::with_capacity(plain.len());
    for c in plain.chars() {
        if c.is_alphanumeric() {
            cleaned.push(c);
        } else if matches!(c, '.' | '\'' | '\u{2019}' | '\u{02bc}' | '\u{02bb}' | '`') {
            // Inside a word: dropped, the word stays whole.
        } else {
            cleaned.push(' ');
        }
    }
    let words: Vec<String> = cleaned.split_whitespace().map(str::to_owned).collect();
    let (legal_form, rest) = legal::split(&words);
    Normalised {
        words: rest.iter().map(|w| translit::skeleton(w)).collect(),
        legal_form,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(name: &str) -> (String, Option<LegalForm>) {
        let normalised = normalise(name);
        (normalised.text(), normalised.legal_form)
    }

    #[test]
    fn one_name_in_latin_and_cyrillic_normalises_alike() {
        // The Russian and English spellings of Kazakhstan Temir Zholy...
        let ktz = (
            "kazahstan temir joly".to_owned(),
            Some(LegalForm::JointStock),
        );
        assert_eq!(n("Kazakhstan Temir Zholy JSC"), ktz);
        assert_eq!(n("Акционерное общество Казахстан Темир Жолы"), ktz);
        assert_eq!(n("АО «Казахстан темир жолы»"), ktz);
        // ...and the Kazakh ones (Қазақстан has no х: one letter apart, for the score).
        let kazakh = (
            "kazakstan temir joly".to_owned(),
            Some(LegalForm::JointStock),
        );
        assert_eq!(n("АО «Қазақстан темір жолы»"), kazakh);
        assert_eq!(n("«Қазақстан темір жолы» акционерлік қоғамы"), kazakh);
        assert_eq!(n("AO \"Qazaqstan Temir Joly\""), kazakh);
        let romashka = ("romashka".to_owned(), Some(LegalForm::LimitedLiability));
        assert_eq!(n("ТОО «Ромашка»"), romashka);
        assert_eq!(n("Romashka L.L.P."), romashka);
        assert_eq!(n("ЖШС Ромашка"), romashka);
        assert_eq!(
            n("Товарищество с ограниченной ответственностью \"Ромашка\""),
            romashka
        );
        assert_eq!(
            n("ПАО Сбербанк"),
            ("sberbank".to_owned(), Some(LegalForm::PublicJointStock))
        );
        assert_eq!(
            n("Sberbank of Russia PJSC"),
            (
                "sberbank of russya".to_owned(),
                Some(LegalForm::PublicJointStock)
            )
        );
    }

    #[test]
    fn case_diacritics_width_and_punctuation_do_not_matter() {
        assert_eq!(n("ÉLAN  Trade-House"), n("elan trade house"));
        assert_eq!(
            n("ＡＣＭＥ Ｔｒａｄｉｎｇ"),
            n("acme trading"),
            "full-width letters (NFKC)"
        );
        assert_eq!(n("O'Neil & Sons, Ltd."), n("ONeil Sons Ltd"));
        assert_eq!(n("Jürgen Müller GmbH").0, "jurgen muller");
        assert_eq!(n("Ёлка"), n("Елка"));
        assert_eq!(n("Йошкар"), n("Yoshkar"));
    }

    #[test]
    fn word_order_is_kept_and_can_be_set_aside() {
        let a = normalise("Temir Zholy Kazakhstan");
        let b = normalise("Kazakhstan Temir Zholy");
        assert_ne!(a.text(), b.text());
        assert_eq!(a.sorted_text(), b.sorted_text());
    }

    #[test]
    fn hostile_names_normalise_without_panicking() {
        assert_eq!(n(""), (String::new(), None));
        assert_eq!(n(" \t\u{0}\u{1b}[31m "), ("31m".to_owned(), None));
        let long = "Ä".repeat(100_000);
        assert_eq!(normalise(&long).text().chars().count(), MAX_NAME_CHARS);
        assert_eq!(
            n("ООО").0,
            "ooo",
            "a name that is only a legal form keeps it as its name"
        );
        // Mixed scripts in one word are transliterated letter by letter.
        assert_eq!(n("Tемир").0, "temir");
    }
}

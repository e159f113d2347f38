//! How alike two names are (see [`score`]).

use super::normalise::Normalised;

/// Pairs of words alike less than this are not pairs.
const MIN_WORD_SIMILARITY: f64 = 0.7;
/// An initial against a word it starts.
const INITIAL: f64 = 0.9;
/// The factor when both names have a legal form and the forms differ.
const OTHER_LEGAL_FORM: f64 = 0.95;

/// The letters of a word (its bytes when it is ASCII, as normalised words mostly are).
pub(crate) fn letters(word: &str) -> usize {
    if word.is_ascii() {
        word.len()
    } else {
        word.chars().count()
    }
}

/// How alike two words are, in [0, 1].
fn word_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (short, long) = if letters(a) <= letters(b) {
        (a, b)
    } else {
        (b, a)
    };
    if letters(short) == 1 {
        return if long.starts_with(short) {
            INITIAL
        } else {
            0.0
        };
    }
    strsim::jaro_winkler(a, b)
}

/// The `k`-th word of a list, or nothing.
fn word(list: &[String], k: usize) -> &str {
    list.get(k).map_or("", String::as_str)
}

/// How alike two names are: a score in [0, 1] over their normalised words.
///
/// **What a score means.** Each word of one name is paired with at most one word of the other,
/// best pairs first: equal words score 1, an initial and a word it starts (`J` and `Joly`) 0.9,
/// other words their Jaro-Winkler similarity (`strsim`), pairs under 0.7 not at all. A pair
/// weighs twice the letters of its shorter word (the longer word's extra letters count as
/// missing: `aero` against `aerocom` is not a whole pair), an initial's pair the letters of both
/// words. The score is the pairs' similarities times their weights, over the letters of all the
/// words of both names: a word one name has and the other lacks lowers it by its share of the
/// letters. Word order does not matter. When both names carry a legal form and the forms
/// differ (an LLC and a JSC of one name are often different companies), the score is multiplied
/// by 0.95.
///
/// So: 1 is the same words (any order); about 0.9 to 0.99, a typo or a variant spelling left
/// by the normalisation; under about 0.8, a word more or less than the other name (`Steppe
/// Trade` against `Steppe Trade Logistics`: 0.71). The score is symmetric, and 0 against an
/// empty name.
pub fn score(a: &Normalised, b: &Normalised) -> f64 {
    let total: f64 = a
        .words
        .iter()
        .chain(&b.words)
        .map(|w| letters(w) as f64)
        .sum();
    if total == 0.0 {
        return 0.0;
    }
    // Every pair alike enough, best first; ties broken by the words themselves (in the same
    // order whichever name comes first), so the pairing and the score are symmetric.
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, x) in a.words.iter().enumerate() {
        for (j, y) in b.words.iter().enumerate() {
            let s = word_similarity(x, y);
            if s >= MIN_WORD_SIMILARITY {
                pairs.push((s, i, j));
            }
        }
    }
    pairs.sort_by(|p, q| {
        q.0.total_cmp(&p.0).then_with(|| {
            let key = |&(_, i, j): &(f64, usize, usize)| {
                let (x, y) = (word(&a.words, i), word(&b.words, j));
                if x <= y { (x, y) } else { (y, x) }
            };
            key(p).cmp(&key(q))
        })
    });
    let mut used_a = vec![false; a.words.len()];
    let mut used_b = vec![false; b.words.len()];
    let mut matched = 0.0;
    for (s, i, j) in pairs {
        if used_a.get(i).copied().unwrap_or(true) || used_b.get(j).copied().unwrap_or(true) {
            continue;
        }
        if let (Some(ua), Some(ub)) = (used_a.get_mut(i), used_b.get_mut(j)) {
            *ua = true;
            *ub = true;
        }
        let (x, y) = (letters(word(&a.words, i)), letters(word(&b.words, j)));
        // A pair counts the letters both words have: what the longer one has beyond the
        // shorter counts as missing (`aero` is not `aerocom`), except for an initial, which
        // stands for its whole word.
        let weight = if x.min(y) == 1 { x + y } else { 2 * x.min(y) };
        matched += s * weight as f64;
    }
    let mut score = (matched / total).clamp(0.0, 1.0);
    if let (Some(x), Some(y)) = (a.legal_form, b.legal_form)
        && x != y
    {
        score *= OTHER_LEGAL_FORM;
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parties::normalise;
    use proptest::prelude::*;

    fn s(a: &str, b: &str) -> f64 {
        score(&normalise(a), &normalise(b))
    }

    #[test]
    fn scores_mean_what_the_module_says() {
        assert_eq!(s("Steppe Trade LLP", "ТОО «Степпе Траде»"), 1.0);
        assert_eq!(s("Temir Zholy Kazakhstan", "Kazakhstan Temir Zholy"), 1.0);
        let kazakh = s("Kazakhstan Temir Zholy JSC", "«Қазақстан темір жолы» АҚ");
        assert!(kazakh > 0.95 && kazakh < 1.0, "{kazakh}");
        let typo = s("OOO Vector Components", "OOO Vektor Components");
        assert!(typo > 0.9 && typo < 1.0, "{typo}");
        let sibling = s("Steppe Trade LLP", "Steppe Trade Logistics LLP");
        assert!((0.70..0.72).contains(&sibling), "{sibling}");
        let other_form = s("Steppe Trade LLP", "Steppe Trade JSC");
        assert!((other_form - 0.95).abs() < 1e-9, "{other_form}");
        let initials = s("J. Smith", "John Smith");
        assert!(initials > 0.8, "{initials}");
        assert!(s("Almaty Import-Export", "Shanghai Metals Co") < 0.3);
        assert_eq!(s("", "Steppe Trade"), 0.0);
        assert_eq!(s("", ""), 0.0);
    }

    proptest! {
        #[test]
        fn a_score_is_in_0_1_symmetric_and_1_for_the_same_name(
            a in "[a-zA-Zа-яА-ЯәғқңөұүһіЁё .'-]{0,30}",
            b in "[a-zA-Zа-яА-ЯәғқңөұүһіЁё .'-]{0,30}",
        ) {
            let (x, y) = (normalise(&a), normalise(&b));
            let ab = score(&x, &y);
            prop_assert!((0.0..=1.0).contains(&ab));
            prop_assert!((ab - score(&y, &x)).abs() < 1e-12, "{} / {}", a, b);
            if !x.words.is_empty() {
                prop_assert_eq!(score(&x, &x), 1.0);
            }
        }
    }
}

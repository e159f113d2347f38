//! How alike two names are (see [`score`]).

use super::normalise::Normalised;

/// Pairs of words alike less than this are not pairs.
const MIN_WORD_SIMILARITY: f64 = 0.7;
/// An initial against a word it starts.
pub(crate) const INITIAL: f64 = 0.9;
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
    pairing(a, b, |_, _| true)
}

/// What bounds a word's similarity to another without comparing their letters: its letters,
/// which letters it has (once and twice), its first bytes. See [`Signature::bound`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Signature {
    /// A bit for each of `a`..`z` and `0`..`9` the word has, and one for each letter it has
    /// twice or more.
    seen: u64,
    /// Its characters the bits do not count (a letter's third, a digit's second, any other).
    others: u16,
    /// Its letters ([`letters`]), at most `u16::MAX`.
    letters: u16,
    /// Its first four bytes (0 past its end).
    head: [u8; 4],
}

impl Signature {
    /// The signature of a word.
    pub(crate) fn of(word: &str) -> Signature {
        let mut seen = 0u64;
        let mut others = 0u16;
        for c in word.chars() {
            let bit = match c {
                'a'..='z' => u32::from(c) - u32::from('a'),
                '0'..='9' => 26 + u32::from(c) - u32::from('0'),
                _ => 64,
            };
            let once = 1u64.checked_shl(bit).unwrap_or(0);
            let twice = if bit < 26 { 1u64 << (36 + bit) } else { 0 };
            if once != 0 && seen & once == 0 {
                seen |= once;
            } else if twice != 0 && seen & twice == 0 {
                seen |= twice;
            } else {
                others = others.saturating_add(1);
            }
        }
        let mut head = [0u8; 4];
        for (slot, byte) in head.iter_mut().zip(word.bytes()) {
            *slot = byte;
        }
        Signature {
            seen,
            others,
            letters: u16::try_from(letters(word)).unwrap_or(u16::MAX),
            head,
        }
    }

    /// At least the similarity of the words ([`word_similarity`]) where that can reach
    /// [`MIN_WORD_SIMILARITY`] (below it a pair counts 0 in a score), 0 where it cannot: from
    /// their signatures, the Jaro similarity as if every letter the two have in common matched
    /// without transposition, raised as Winkler raises it for the bytes their heads share. An
    /// initial and a word bound at 1.
    fn bound(&self, other: &Signature) -> f64 {
        let (x, y) = (usize::from(self.letters), usize::from(other.letters));
        if x.min(y) <= 1 {
            return 1.0;
        }
        let common = (self.seen & other.seen).count_ones() as usize
            + usize::from(self.others.min(other.others));
        let m = common.min(x).min(y);
        // Jaro below 0.7, that is m (x + y) / (x y) below 1.1, told in integers: most pairs
        // of a candidate stop here, without a division.
        let (m, wide, x_y) = (m as u64, (x + y) as u64, (x * y) as u64);
        if 10 * m * wide < 11 * x_y {
            return 0.0;
        }
        let matches = m as f64;
        // (m / x + m / y + 1) / 3, with one division.
        let jaro = (matches * wide as f64 / x_y as f64 + 1.0) / 3.0;
        if jaro <= 0.7 {
            return jaro;
        }
        let prefix = self
            .head
            .iter()
            .zip(&other.head)
            .take_while(|(p, q)| p == q && **p != 0)
            .count();
        jaro + 0.1 * prefix as f64 * (1.0 - jaro)
    }

    /// Its letters ([`letters`]; `u16::MAX` when more).
    pub(crate) fn letter_count(&self) -> u16 {
        self.letters
    }

    /// A bit for its first letter, `a`..`z`; every bit when it begins with another byte.
    pub(crate) fn head_bit(&self) -> u32 {
        match self.head[0] {
            first @ b'a'..=b'z' => 1 << (first - b'a'),
            _ => u32::MAX,
        }
    }

    /// Whether a signature of this many letters is exact (a longer word's letters are not).
    fn exact(&self) -> bool {
        self.letters < u16::MAX
    }
}

/// Margin for rounding between a bound and what it bounds.
const ROUNDING: f64 = 1e-9;

/// The score of two names ([`score`]) when it can be at least `min_score`, else nothing:
/// from the words' signatures (one per word, in order), [`may_reach`] first, and pairs of
/// words that cannot be alike enough are not compared.
#[cfg(test)]
fn score_at_least(
    a: &Normalised,
    a_signatures: &[Signature],
    b: &Normalised,
    b_signatures: &[Signature],
    min_score: f64,
) -> Option<f64> {
    let s = if a_signatures.len() == a.words.len() && b_signatures.len() == b.words.len() {
        if !may_reach(a_signatures, b_signatures, min_score) {
            return None;
        }
        score_signed(a, a_signatures, b, b_signatures)
    } else {
        score(a, b)
    };
    (s >= min_score).then_some(s)
}

/// The score of two names ([`score`]), their words' signatures given (one per word, in order):
/// pairs of words whose signatures show they cannot be alike enough are not compared.
pub(crate) fn score_signed(
    a: &Normalised,
    a_signatures: &[Signature],
    b: &Normalised,
    b_signatures: &[Signature],
) -> f64 {
    pairing(a, b, |i, j| {
        match (a_signatures.get(i), b_signatures.get(j)) {
            (Some(x), Some(y)) => x.bound(y) + ROUNDING >= MIN_WORD_SIMILARITY,
            _ => true,
        }
    })
}

/// Most words of a name whose best pairs [`may_reach`] keeps on the stack.
const COLUMNS: usize = 16;

/// Whether two names whose words have these signatures (one per word, in order) can score at
/// least `min_score`: a bound on the score, each word paired with its most alike word of the
/// other name by [`Signature::bound`] (each word is in one pair at most, so the pairs weigh at
/// most each word's best, on either side). Allocates nothing.
pub(crate) fn may_reach(a: &[Signature], b: &[Signature], min_score: f64) -> bool {
    if !a.iter().chain(b).all(Signature::exact) {
        return true;
    }
    let total: usize = a.iter().chain(b).map(|s| usize::from(s.letters)).sum();
    if total == 0 {
        return min_score <= 0.0;
    }
    // What a pair can weigh at most.
    let weighed = |x: &Signature, y: &Signature| {
        let bound = x.bound(y) + ROUNDING;
        if bound < MIN_WORD_SIMILARITY {
            0.0
        } else {
            bound * weight(usize::from(x.letters), usize::from(y.letters)) as f64
        }
    };
    // The most a row (a word of `a`) can weigh: a word's pairs weigh at most twice its
    // letters, an initial's its letter and the other's; the rows not taken yet weigh at most
    // `left`, so the bound is told short as soon as the rows taken and `left` cannot reach it.
    let longest_b = b.iter().map(|y| usize::from(y.letters)).max().unwrap_or(0);
    let cap = |x: &Signature| {
        let letters = usize::from(x.letters);
        (if letters == 1 {
            1 + longest_b
        } else {
            2 * letters
        }) as f64
            * (1.0 + ROUNDING)
    };
    let mut left: f64 = a.iter().map(cap).sum();
    let short = |rows: f64, left: f64| (rows + left) / total as f64 + 2.0 * ROUNDING < min_score;
    let mut rows = 0.0;
    let columns: f64 = if b.len() <= COLUMNS {
        // One pass: each pair's bound taken once, the columns' best kept on the stack.
        let mut best_b = [0.0f64; COLUMNS];
        for x in a {
            let mut best = 0.0f64;
            for (y, column) in b.iter().zip(best_b.iter_mut()) {
                let w = weighed(x, y);
                best = best.max(w);
                *column = column.max(w);
            }
            rows += best;
            left -= cap(x);
            if short(rows, left.max(0.0)) {
                return false;
            }
        }
        best_b.iter().sum()
    } else {
        let best = |x: &Signature, others: &[Signature]| {
            others.iter().map(|y| weighed(x, y)).fold(0.0f64, f64::max)
        };
        rows = a.iter().map(|x| best(x, b)).sum();
        b.iter().map(|y| best(y, a)).sum()
    };
    rows.min(columns) / total as f64 + ROUNDING >= min_score
}

/// What a pair of words of these letters weighs: twice the shorter's letters, an initial's
/// pair the letters of both.
fn weight(x: usize, y: usize) -> usize {
    if x.min(y) == 1 { x + y } else { 2 * x.min(y) }
}

/// The score of two names ([`score`]), comparing only the pairs of words `compare` accepts (by
/// position): a pair it refuses must not be alike enough to pair.
fn pairing(a: &Normalised, b: &Normalised, compare: impl Fn(usize, usize) -> bool) -> f64 {
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
            if !compare(i, j) {
                continue;
            }
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
        // A pair counts the letters both words have: what the longer one has beyond the
        // shorter counts as missing (`aero` is not `aerocom`), except for an initial, which
        // stands for its whole word.
        let weight = weight(letters(word(&a.words, i)), letters(word(&b.words, j)));
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

    fn signatures(n: &Normalised) -> Vec<Signature> {
        n.words.iter().map(|w| Signature::of(w)).collect()
    }

    proptest! {
        #[test]
        fn a_signature_bounds_the_similarity_of_two_words(
            a in "[a-zа-яәғқңөұүһі0-9]{1,12}",
            b in "[a-zа-яәғқңөұүһі0-9]{1,12}",
        ) {
            let (x, y) = (Signature::of(&a), Signature::of(&b));
            let s = word_similarity(&a, &b);
            let bound = x.bound(&y);
            // Below the minimum a pair counts 0, whatever its bound.
            prop_assert!(
                s < MIN_WORD_SIMILARITY || bound + ROUNDING >= s,
                "{} / {}: {} < {}", a, b, bound, s
            );
        }

        #[test]
        fn the_bounded_score_is_the_score_when_it_reaches_the_minimum(
            a in "[a-eA-Eа-дә0-2 .'-]{0,24}",
            b in "[a-eA-Eа-дә0-2 .'-]{0,24}",
            min in 0.0f64..1.0,
        ) {
            let (x, y) = (normalise(&a), normalise(&b));
            let s = score(&x, &y);
            let bounded = score_at_least(&x, &signatures(&x), &y, &signatures(&y), min);
            if s >= min {
                prop_assert_eq!(bounded, Some(s), "{} / {}", a, b);
            } else {
                prop_assert_eq!(bounded, None, "{} / {}", a, b);
            }
        }

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

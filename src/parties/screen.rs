//! Screening a name against the rule book's party lists through an index, so that a name is
//! scored against a few candidates rather than every list entry.
//!
//! **The index.** Every name and alias of every entry is normalised ([`normalise`]) once, when
//! the lists load. Each of its words gives block keys (see `block_keys`): a short word itself
//! and itself with a letter left out; a longer word its last three letters and each three of
//! its first four. A name is a candidate for a query when they share a block key, so a typo or
//! a swap keeps a word findable unless it changes its first letters twice and its last three
//! too (and the name's other words still find it). A candidate is scored only when the words
//! its keys matched could give a score at the threshold: the letters of the matched words of
//! both names, and the others' as if they paired at 0.85, over all their letters. So the index
//! finds what a scan of every name finds unless a score rests on words that share no key and
//! are more alike than that; a test compares the two on the labelled pairs and on typos of
//! list names. Keys that open more than [`COMMON_KEY`] names (`bank`, `ing`) only confirm
//! candidates rarer keys found, unless the query has no rarer key.

use foldhash::HashMap;

use super::list::{ListEntry, PartyList};
use super::normalise::{Normalised, normalise};
use super::score::{letters, score};

pub use crate::rule::parties::DEFAULT_MIN_SCORE;

/// A block key that opens more names than this only confirms candidates found otherwise.
pub const COMMON_KEY: usize = 150;

/// The most two words that share no block key are taken to be alike, for the bound on a
/// candidate's score: such words differ in their first letters and in their last three.
const UNKEYED: f64 = 0.85;

/// Most words of a name the index keeps track of (a name's words past it still score).
const MAX_WORDS: usize = 64;

/// One name or alias of a list entry, as the index keeps it.
#[derive(Debug, Clone)]
struct Indexed {
    list: u32,
    entry: u32,
    /// 0 for the entry's name, `n` for its `n`-th alias.
    name: u32,
    normalised: Normalised,
    /// The letters of each word (at most [`MAX_WORDS`]).
    word_letters: Box<[u16]>,
    letters: u32,
}

/// The lists of a rule book, indexed for screening. `Send + Sync`: build it once, screen from
/// every thread.
#[derive(Debug, Clone, Default)]
pub struct Screen {
    lists: Vec<PartyList>,
    names: Vec<Indexed>,
    /// Block key to the names (index into `names`) and word positions that have it, sorted by
    /// name.
    postings: HashMap<Box<str>, Vec<(u32, u8)>>,
}

/// A name of a list entry that a screened name matched.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Hit<'s> {
    /// The list.
    pub list: &'s PartyList,
    /// The entry.
    pub entry: &'s ListEntry,
    /// The entry's name or alias matched, as the list writes it.
    pub matched: &'s str,
    /// Its normalised form.
    pub matched_normalised: &'s Normalised,
    /// The score, in [0, 1] ([`score`]).
    pub score: f64,
}

impl Screen {
    /// Indexes the lists (every name and alias of every entry).
    pub fn new(lists: Vec<PartyList>) -> Screen {
        let mut names = Vec::new();
        let mut postings: HashMap<Box<str>, Vec<(u32, u8)>> = HashMap::default();
        for (l, list) in lists.iter().enumerate() {
            for (e, entry) in list.entries.iter().enumerate() {
                for (n, name) in entry.names().enumerate() {
                    let normalised = normalise(name);
                    if normalised.words.is_empty() {
                        continue;
                    }
                    let number = u32::try_from(names.len()).unwrap_or(u32::MAX);
                    // Each word's keys, each word apart: a name repeating a word (`Bahmanyar
                    // Morteza Bahmanyar`) has both found.
                    for (w, word) in normalised.words.iter().enumerate().take(MAX_WORDS) {
                        for key in block_keys(word) {
                            postings
                                .entry(key.into_boxed_str())
                                .or_default()
                                .push((number, u8::try_from(w).unwrap_or(u8::MAX)));
                        }
                    }
                    let word_letters: Box<[u16]> = normalised
                        .words
                        .iter()
                        .take(MAX_WORDS)
                        .map(|w| u16::try_from(letters(w)).unwrap_or(u16::MAX))
                        .collect();
                    let letters: usize = normalised.words.iter().map(|w| letters(w)).sum();
                    names.push(Indexed {
                        list: u32::try_from(l).unwrap_or(u32::MAX),
                        entry: u32::try_from(e).unwrap_or(u32::MAX),
                        name: u32::try_from(n).unwrap_or(u32::MAX),
                        normalised,
                        word_letters,
                        letters: u32::try_from(letters).unwrap_or(u32::MAX),
                    });
                }
            }
        }
        Screen {
            lists,
            names,
            postings,
        }
    }

    /// The lists indexed.
    pub fn lists(&self) -> &[PartyList] {
        &self.lists
    }

    /// How many names and aliases it holds.
    pub fn names(&self) -> usize {
        self.names.len()
    }

    /// The hits for `name` on every list, best first: one per entry (its best name), at or
    /// above `min_score`.
    pub fn screen(&self, name: &str, min_score: f64) -> Vec<Hit<'_>> {
        self.screen_normalised(&normalise(name), min_score, |_| true)
    }

    /// The hits for an already normalised name on the lists `on` accepts (by list), best first:
    /// one per entry, at or above `min_score`; ties in list, then entry order.
    pub fn screen_normalised(
        &self,
        query: &Normalised,
        min_score: f64,
        on: impl Fn(&PartyList) -> bool,
    ) -> Vec<Hit<'_>> {
        let mut hits: Vec<Hit<'_>> = Vec::new();
        let mut best: Vec<(u32, u32, f64, u32)> = Vec::new();
        for (number, score) in self.candidates(query, min_score) {
            let Some(indexed) = self.names.get(number as usize) else {
                continue;
            };
            let Some(list) = self.lists.get(indexed.list as usize) else {
                continue;
            };
            if !on(list) {
                continue;
            }
            // An entry's best name; among names scoring alike, the first the list gives (the
            // candidates come in no fixed order: the explanation must not depend on it).
            match best
                .iter_mut()
                .find(|(l, e, ..)| *l == indexed.list && *e == indexed.entry)
            {
                Some(b) if b.2 > score || (b.2 == score && b.3 < number) => {}
                Some(b) => {
                    b.2 = score;
                    b.3 = number;
                }
                None => best.push((indexed.list, indexed.entry, score, number)),
            }
        }
        best.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
        for (l, e, score, number) in best {
            let (Some(list), Some(indexed)) =
                (self.lists.get(l as usize), self.names.get(number as usize))
            else {
                continue;
            };
            let Some(entry) = list.entries.get(e as usize) else {
                continue;
            };
            let Some(matched) = entry.names().nth(indexed.name as usize) else {
                continue;
            };
            hits.push(Hit {
                list,
                entry,
                matched,
                matched_normalised: &indexed.normalised,
                score,
            });
        }
        hits
    }

    /// Every indexed name scoring at least `min_score` against `query`, with its score.
    fn candidates(&self, query: &Normalised, min_score: f64) -> Vec<(u32, f64)> {
        let words: Vec<(usize, &String)> = query.words.iter().enumerate().take(MAX_WORDS).collect();
        let query_letters: usize = query.words.iter().map(|w| letters(w)).sum();
        if query_letters == 0 {
            return Vec::new();
        }
        // Each key of the query, with the query words that have it and its postings.
        let mut keys: Vec<QueryKey<'_>> = Vec::new();
        for (w, word) in words {
            for key in block_keys(word) {
                match keys.iter_mut().find(|(k, ..)| *k == key) {
                    Some(k) => k.1 |= 1 << w,
                    None => {
                        let postings = self
                            .postings
                            .get(key.as_str())
                            .map_or(&[][..], Vec::as_slice);
                        keys.push((key, 1 << w, postings));
                    }
                }
            }
        }
        keys.sort_by_key(|(_, _, p)| p.len());
        let all_common = keys.iter().all(|(_, _, p)| p.len() > COMMON_KEY);
        // Candidate name -> (query words matched, its own words matched).
        let mut found: HashMap<u32, (u64, u64)> = HashMap::default();
        for (_, query_words, postings) in &keys {
            if postings.len() > COMMON_KEY && !all_common {
                // Confirm the candidates found so far: through the postings when they are
                // fewer than the searches would cost, else a search per candidate.
                if postings.len() <= found.len().saturating_mul(8) {
                    for (n, w) in *postings {
                        if let Some(seen) = found.get_mut(n) {
                            seen.0 |= query_words;
                            seen.1 |= 1u64.checked_shl(u32::from(*w)).unwrap_or(0);
                        }
                    }
                    continue;
                }
                for (name, seen) in &mut found {
                    let start = postings.partition_point(|(n, _)| n < name);
                    for (n, w) in postings.get(start..).unwrap_or_default() {
                        if n != name {
                            break;
                        }
                        seen.0 |= query_words;
                        seen.1 |= 1u64.checked_shl(u32::from(*w)).unwrap_or(0);
                    }
                }
                continue;
            }
            for (n, w) in *postings {
                let seen = found.entry(*n).or_default();
                seen.0 |= query_words;
                seen.1 |= 1u64.checked_shl(u32::from(*w)).unwrap_or(0);
            }
        }
        let query_word_letters: Vec<usize> = query.words.iter().map(|w| letters(w)).collect();
        let mut out = Vec::new();
        for (number, (query_words, own_words)) in found {
            let Some(indexed) = self.names.get(number as usize) else {
                continue;
            };
            // Words past the first [`MAX_WORDS`] are not tracked: taken as matched.
            let covered_query: usize = query_word_letters
                .iter()
                .enumerate()
                .filter(|(i, _)| *i >= MAX_WORDS || query_words & (1u64 << i) != 0)
                .map(|(_, l)| l)
                .sum();
            let tracked: usize = indexed.word_letters.iter().map(|l| usize::from(*l)).sum();
            let covered_own: usize = indexed
                .word_letters
                .iter()
                .enumerate()
                .filter(|(i, _)| own_words & (1u64 << i) != 0)
                .map(|(_, l)| usize::from(*l))
                .sum::<usize>()
                + (indexed.letters as usize).saturating_sub(tracked);
            let total = query_letters + indexed.letters as usize;
            // The most the score can be: every word a key matched a perfect pair, the words
            // left pairing at most at [`UNKEYED`].
            let left = query_letters
                .saturating_sub(covered_query)
                .min((indexed.letters as usize).saturating_sub(covered_own));
            let bound = (covered_query + covered_own) as f64 + UNKEYED * 2.0 * left as f64;
            if bound < min_score * total as f64 - 1e-9 {
                continue;
            }
            let s = score(query, &indexed.normalised);
            if s >= min_score {
                out.push((number, s));
            }
        }
        out
    }

    /// Every list entry's best score against `query`, by a scan of every name without the
    /// index: what the index must find, for tests and benchmarks.
    #[cfg(any(test, feature = "test-support"))]
    #[doc(hidden)]
    pub fn scan(&self, name: &str, min_score: f64) -> Vec<(std::sync::Arc<str>, String, f64)> {
        let query = normalise(name);
        let mut best: Vec<(std::sync::Arc<str>, String, f64)> = Vec::new();
        for indexed in &self.names {
            let s = score(&query, &indexed.normalised);
            if s < min_score {
                continue;
            }
            let Some(list) = self.lists.get(indexed.list as usize) else {
                continue;
            };
            let Some(entry) = list.entries.get(indexed.entry as usize) else {
                continue;
            };
            match best
                .iter_mut()
                .find(|(l, e, _)| *l == list.id && *e == entry.id)
            {
                Some(b) if b.2 >= s => {}
                Some(b) => b.2 = s,
                None => best.push((std::sync::Arc::clone(&list.id), entry.id.clone(), s)),
            }
        }
        best
    }
}

/// A block key of a query: the key, the query words that have it (a bit each), its postings.
type QueryKey<'a> = (String, u64, &'a [(u32, u8)]);

/// The block keys of a word: a word of one or two letters itself; of three letters itself and
/// each of its letter pairs (one letter left out: `vtb` meets `veb` on `vb`, and `al` on `al`);
/// a longer word each three of its first four letters (one left out: a typo or a swap in the
/// first letters keeps some; `vtbr` meets `vtb`), and its last three letters, marked apart.
fn block_keys(word: &str) -> impl Iterator<Item = String> {
    let chars: Vec<char> = word.chars().collect();
    let mut keys: Vec<String> = Vec::with_capacity(5);
    let without = |letters: &[char], skip: usize, mark: char| -> String {
        std::iter::once(mark)
            .chain(
                letters
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, c)| *c),
            )
            .collect()
    };
    match chars.len() {
        0 => {}
        1 | 2 => keys.push(format!("={word}")),
        3 => {
            keys.push(format!("={word}"));
            for skip in 0..3 {
                keys.push(without(&chars, skip, '='));
            }
        }
        n => {
            let head = chars.get(..4).unwrap_or(&chars);
            for skip in 0..4 {
                keys.push(without(head, skip, '='));
            }
            keys.push(
                std::iter::once('$')
                    .chain(chars.iter().skip(n - 3).copied())
                    .collect(),
            );
        }
    }
    keys.dedup();
    keys.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Source;
    use crate::parties::list::read;

    fn screen(entries: &[(&str, &str, &[&str])]) -> Screen {
        let mut text = String::from(
            "[list]\nid = \"w\"\ntitle = \"W\"\nauthority = \"A\"\ndate = 2026-01-01\nsources = [\"x\"]\nformat = \"watchlist\"\n",
        );
        for (id, name, aliases) in entries {
            text.push_str(&format!("[[entry]]\nid = \"{id}\"\nname = \"{name}\"\n"));
            if !aliases.is_empty() {
                text.push_str(&format!("aliases = {aliases:?}\n"));
            }
        }
        let source = Source::new("w.list.toml", text);
        let mut errors = Vec::new();
        let list = read(&source, std::slice::from_ref(&source), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let list = list.expect("a list");
        Screen::new(vec![list])
    }

    #[test]
    fn a_name_finds_its_entry_across_scripts_order_and_typos() {
        let s = screen(&[
            (
                "KTZ",
                "Kazakhstan Temir Zholy",
                &["KTZ", "Қазақстан темір жолы"],
            ),
            ("ST", "Steppe Trade LLP", &[]),
            ("STL", "Steppe Trade Logistics LLP", &[]),
        ]);
        for query in [
            "АО «Казахстан темир жолы»",
            "Temir Zholy Kazakhstan JSC",
            "Kazakstan Temir Zholy",
            "KTZ",
        ] {
            let hits = s.screen(query, DEFAULT_MIN_SCORE);
            assert_eq!(
                hits.first().map(|h| h.entry.id.as_str()),
                Some("KTZ"),
                "{query}"
            );
        }
        let hits = s.screen("ТОО «Степпе Траде»", DEFAULT_MIN_SCORE);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].entry.id, "ST");
        assert!(s.screen("Almaty Cotton", DEFAULT_MIN_SCORE).is_empty());
        assert!(s.screen("", 0.0).is_empty());
    }

    #[test]
    fn names_scoring_alike_give_the_first_of_them_whatever_the_order_candidates_come_in() {
        // A fuzzer found the index and a scan naming different aliases of one entry.
        let s = screen(&[(
            "32129",
            "AEROSUN CORPORATION",
            &["AEROSUN CORP.", "Aerosun Corporation"],
        )]);
        for _ in 0..20 {
            let fresh = Screen::new(s.lists().to_vec());
            let hits = fresh.screen("aersion", 0.85);
            assert_eq!(hits.len(), 1);
            assert_eq!(hits[0].matched, "AEROSUN CORPORATION");
        }
    }

    #[test]
    fn a_name_of_more_words_than_the_index_tracks_finds_itself() {
        let long: String = (0..100).map(|i| format!("w{i} ")).collect();
        let s = screen(&[("L", long.trim(), &[])]);
        let hits = s.screen(&long, 0.99);
        assert_eq!(hits.len(), 1);
        assert!((hits[0].score - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let s = screen(&[
            ("1", "Vector Components OOO", &["Vektor Komponenty"]),
            ("2", "Trading House Alpha", &["Alpha TD"]),
            ("3", "Bank Rossiya", &["Rossiya Bank JSC"]),
        ]);
        for query in [
            "Vektor Components",
            "Alpha Trading House",
            "Bank Rosiya",
            "Rosiya",
        ] {
            let mut indexed: Vec<(String, f64)> = s
                .screen(query, 0.8)
                .into_iter()
                .map(|h| (h.entry.id.clone(), h.score))
                .collect();
            let mut scanned: Vec<(String, f64)> = s
                .scan(query, 0.8)
                .into_iter()
                .map(|(_, e, sc)| (e, sc))
                .collect();
            indexed.sort_by(|a, b| a.0.cmp(&b.0));
            scanned.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(indexed, scanned, "{query}");
        }
    }
}

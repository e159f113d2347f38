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
//! are more alike than that. An initial is (it shares no key with its word and pairs with it at
//! 0.9): each initial that begins a word of the other name adds what that pair can weigh.
//! Tests compare the index with a scan on the labelled pairs, the labelled names as a list and
//! typos of list names. Keys that open more than [`COMMON_KEY`] names (`bank`, `ing`) only
//! confirm candidates rarer keys found, unless the query has no rarer key.
//!
//! **Scoring.** A candidate that passes the bound is scored word pair by word pair, each
//! pair first bounded by the two words' signatures (letter sets, lengths, first letters: see
//! `score::Signature`), so pairs that cannot reach the threshold are not compared letter by
//! letter. The signatures are kept in one flat array beside the names.
//!
//! **Memo.** The engine screens a record's parties through [`Screen::screening`], which keeps
//! what each name gave (see [`memo`](super::memo)): trade data names the same parties again and
//! again, and a name met again costs a look-up. [`Screen::screen`] screens every time.
//!
//! **Scratch space.** A screening gathers its candidates in a slot per indexed name (4 bytes
//! each) taken from a pool and given back cleared, so it reuses warm memory rather than
//! building a map; a [`Screen`] screened from several threads at once holds one per thread.

use foldhash::HashMap;

use std::sync::Arc;

use super::list::{ListEntry, PartyList};
use super::memo::{Memo, Place, Screening};
use super::normalise::{Normalised, normalise};
use super::score::{INITIAL, Signature, letters, may_reach, score_signed};

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
}

/// A block key, its characters packed in a number (see [`pack`]).
type Key = u64;

/// A name having a block key: all the bound on its score needs, so that bounding a candidate
/// reads the postings alone, not the name.
#[derive(Debug, Clone, Copy)]
struct Posting {
    /// The name (index into `Screen::names`).
    name: u32,
    /// The word's position (below [`MAX_WORDS`]) times 1024 plus its letters (at most 1023).
    word: u16,
    /// The name's letters, with [`SHORT`] set when it has a word of one letter; [`UNBOUNDED`]
    /// when it has words or letters past what a posting holds (it is then always scored).
    letters: u16,
}

/// A posting's `letters` for a name always scored.
const UNBOUNDED: u16 = u16::MAX;

/// The bit of a posting's `letters` set when the name has a word of one letter (an initial),
/// which the bound must take apart (see [`bound`]).
const SHORT: u16 = 0x8000;

impl Posting {
    fn position(self) -> u32 {
        u32::from(self.word >> 10)
    }

    fn word_letters(self) -> u32 {
        u32::from(self.word & 1023)
    }
}

/// The lists of a rule book, indexed for screening. `Send + Sync`: build it once, screen from
/// every thread.
#[derive(Debug, Clone, Default)]
pub struct Screen {
    lists: Vec<PartyList>,
    names: Vec<Indexed>,
    /// The signatures of the names' words, name after name (one per word).
    signatures: Vec<Signature>,
    /// Where each name's signatures start in `signatures`, and after the last name its end:
    /// the bound on a candidate's score reads these two arrays, not the name.
    starts: Vec<u32>,
    /// Block key to the names that have it (each word apart), sorted by name.
    postings: HashMap<Key, Box<[Posting]>>,
    /// Scratch space for gathering candidates, kept between screenings.
    scratch: Pool,
    /// Names screened before, for [`Screen::screening`].
    memo: Memo,
}

/// Where a screening gathers its candidates: a slot per indexed name (0, or its candidate's
/// place in `found` plus one) and the candidates. Between screenings every slot is 0 and
/// `found` is empty.
#[derive(Debug, Default)]
struct Scratch {
    slots: Vec<u32>,
    found: Vec<Found>,
}

/// Scratch spaces for the screenings under way, one taken by each and given back (as the
/// `regex` crate keeps its caches): a screening reuses warm memory instead of a fresh map.
/// It holds no result: a clone of a [`Screen`] starts with none.
#[derive(Debug, Default)]
struct Pool(std::sync::Mutex<Vec<Scratch>>);

impl Clone for Pool {
    fn clone(&self) -> Pool {
        Pool::default()
    }
}

impl Pool {
    /// A scratch space with a slot for each of `names` names, every slot 0.
    fn take(&self, names: usize) -> Scratch {
        let taken = match self.0.lock() {
            Ok(mut pool) => pool.pop(),
            Err(poisoned) => poisoned.into_inner().pop(),
        };
        let mut scratch = taken.unwrap_or_default();
        if scratch.slots.len() != names {
            scratch.slots = vec![0; names];
        }
        scratch
    }

    /// Gives a scratch space back, its slots cleared.
    fn give(&self, mut scratch: Scratch) {
        let Scratch { slots, found } = &mut scratch;
        for seen in found.drain(..) {
            if let Some(slot) = slots.get_mut(seen.name as usize) {
                *slot = 0;
            }
        }
        match self.0.lock() {
            Ok(mut pool) => pool.push(scratch),
            Err(poisoned) => poisoned.into_inner().push(scratch),
        }
    }
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
    /// The score, in [0, 1] ([`score`](super::score)).
    pub score: f64,
}

impl Screen {
    /// Indexes the lists (every name and alias of every entry).
    pub fn new(lists: Vec<PartyList>) -> Screen {
        let mut names = Vec::new();
        let mut signatures = Vec::new();
        let mut starts = vec![0];
        let mut postings: HashMap<Key, Vec<Posting>> = HashMap::default();
        for (l, list) in lists.iter().enumerate() {
            for (e, entry) in list.entries.iter().enumerate() {
                for (n, name) in entry.names().enumerate() {
                    let normalised = normalise(name);
                    if normalised.words.is_empty() {
                        continue;
                    }
                    let number = u32::try_from(names.len()).unwrap_or(u32::MAX);
                    let word_letters: Vec<usize> =
                        normalised.words.iter().map(|w| letters(w)).collect();
                    let total: usize = word_letters.iter().sum();
                    let bounded = normalised.words.len() <= MAX_WORDS
                        && word_letters.iter().all(|l| *l <= 1023)
                        && total < usize::from(SHORT);
                    let name_letters = match u16::try_from(total) {
                        Ok(total) if bounded && word_letters.contains(&1) => total | SHORT,
                        Ok(total) if bounded => total,
                        _ => UNBOUNDED,
                    };
                    // Each word's keys, each word apart: a name repeating a word (`Bahmanyar
                    // Morteza Bahmanyar`) has both found.
                    for (w, text) in normalised.words.iter().enumerate().take(MAX_WORDS) {
                        let own = word_letters.get(w).copied().unwrap_or(0).min(1023);
                        let word = u16::try_from((w << 10) | own).unwrap_or(u16::MAX);
                        for key in block_keys(text) {
                            postings.entry(key).or_default().push(Posting {
                                name: number,
                                word,
                                letters: name_letters,
                            });
                        }
                    }
                    signatures.extend(normalised.words.iter().map(|w| Signature::of(w)));
                    starts.push(u32::try_from(signatures.len()).unwrap_or(u32::MAX));
                    names.push(Indexed {
                        list: u32::try_from(l).unwrap_or(u32::MAX),
                        entry: u32::try_from(e).unwrap_or(u32::MAX),
                        name: u32::try_from(n).unwrap_or(u32::MAX),
                        normalised,
                    });
                }
            }
        }
        Screen {
            lists,
            names,
            signatures,
            starts,
            postings: postings
                .into_iter()
                .map(|(key, p)| (key, p.into_boxed_slice()))
                .collect(),
            scratch: Pool::default(),
            memo: Memo::default(),
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
        self.places(query, min_score, on)
            .iter()
            .filter_map(|place| self.hit_at(*place))
            .collect()
    }

    /// The screening of `name` on every list at `min_score`, from the memo when the name was
    /// screened before (see [`memo`](super::memo)); [`Screen::hits`] gives its hits.
    pub(crate) fn screening(&self, name: &str, min_score: f64) -> Arc<Screening> {
        if let Some(kept) = self.memo.get(name, min_score) {
            return kept;
        }
        let normalised = normalise(name);
        let places = self.places(&normalised, min_score, |_| true).into();
        let screening = Arc::new(Screening {
            normalised,
            min_score,
            places,
        });
        self.memo.keep(name, &screening);
        screening
    }

    /// The hits of a screening, best first.
    pub(crate) fn hits<'a>(
        &'a self,
        screening: &'a Screening,
    ) -> impl Iterator<Item = Hit<'a>> + 'a {
        screening
            .places
            .iter()
            .filter_map(|place| self.hit_at(*place))
    }

    /// How many names the memo of screenings holds (at most [`MEMO_NAMES`](super::MEMO_NAMES)).
    pub fn names_remembered(&self) -> usize {
        self.memo.len()
    }

    /// Where `query` matched, on the lists `on` accepts: one place per entry (its best name),
    /// at or above `min_score`, best first; ties in list, then entry order.
    fn places(
        &self,
        query: &Normalised,
        min_score: f64,
        on: impl Fn(&PartyList) -> bool,
    ) -> Vec<Place> {
        let mut best: Vec<Place> = Vec::new();
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
                .find(|b| b.list == indexed.list && b.entry == indexed.entry)
            {
                Some(b) if b.score > score || (b.score == score && b.name < number) => {}
                Some(b) => {
                    b.score = score;
                    b.name = number;
                }
                None => best.push(Place {
                    list: indexed.list,
                    entry: indexed.entry,
                    score,
                    name: number,
                }),
            }
        }
        best.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.list.cmp(&b.list))
                .then(a.entry.cmp(&b.entry))
        });
        best
    }

    /// The hit at a place of the index.
    fn hit_at(&self, place: Place) -> Option<Hit<'_>> {
        let list = self.lists.get(place.list as usize)?;
        let indexed = self.names.get(place.name as usize)?;
        let entry = list.entries.get(place.entry as usize)?;
        let matched = entry.names().nth(indexed.name as usize)?;
        Some(Hit {
            list,
            entry,
            matched,
            matched_normalised: &indexed.normalised,
            score: place.score,
        })
    }

    /// Every indexed name scoring at least `min_score` against `query`, with its score.
    fn candidates(&self, query: &Normalised, min_score: f64) -> Vec<(u32, f64)> {
        let query_word_letters: Vec<usize> = query.words.iter().map(|w| letters(w)).collect();
        let query_letters: usize = query_word_letters.iter().sum();
        if query_letters == 0 {
            return Vec::new();
        }
        // Words past the first [`MAX_WORDS`] are not tracked: taken as matched.
        let untracked: usize = query_word_letters.iter().skip(MAX_WORDS).sum();
        let query_short = query_word_letters.contains(&1);
        // Each key of the query, with the query words that have it and its postings.
        let mut keys: Vec<QueryKey<'_>> = Vec::new();
        for (w, word) in query.words.iter().enumerate().take(MAX_WORDS) {
            for key in block_keys(word) {
                match keys.iter_mut().find(|(k, ..)| *k == key) {
                    Some(k) => k.1 |= 1 << w,
                    None => {
                        let postings = self.postings.get(&key).map_or(&[][..], |p| &p[..]);
                        keys.push((key, 1 << w, postings));
                    }
                }
            }
        }
        keys.sort_by_key(|(_, _, p)| p.len());
        let all_common = keys.iter().all(|(_, _, p)| p.len() > COMMON_KEY);
        let opening: usize = keys
            .iter()
            .map(|(_, _, p)| p.len())
            .filter(|l| all_common || *l <= COMMON_KEY)
            .sum();
        let mut scratch = self.scratch.take(self.names.len());
        let Scratch { slots, found } = &mut scratch;
        found.reserve(opening);
        for (_, query_words, postings) in &keys {
            // A key that opens many names only confirms the candidates found so far: through
            // the postings when they are fewer than the searches would cost, else a search per
            // candidate.
            let confirm = postings.len() > COMMON_KEY && !all_common;
            if confirm && postings.len() > found.len().saturating_mul(8) {
                for seen in found.iter_mut() {
                    let start = postings.partition_point(|p| p.name < seen.name);
                    for posting in postings.get(start..).unwrap_or_default() {
                        if posting.name != seen.name {
                            break;
                        }
                        seen.add(*query_words, *posting);
                    }
                }
                continue;
            }
            if confirm {
                // Most of these names are not candidates: a loop of its own, that only reads.
                for posting in *postings {
                    let slot = slots.get(posting.name as usize).copied().unwrap_or(0);
                    if slot != 0
                        && let Some(seen) = found.get_mut(slot as usize - 1)
                    {
                        seen.add(*query_words, *posting);
                    }
                }
                continue;
            }
            for posting in *postings {
                let Some(slot) = slots.get_mut(posting.name as usize) else {
                    continue;
                };
                if *slot == 0 {
                    found.push(Found::new(posting.name, posting.letters));
                    *slot = u32::try_from(found.len()).unwrap_or(u32::MAX);
                }
                if let Some(seen) = found.get_mut(*slot as usize - 1) {
                    seen.add(*query_words, *posting);
                }
            }
        }
        let query_signatures: Vec<Signature> =
            query.words.iter().map(|w| Signature::of(w)).collect();
        let mut out = Vec::new();
        for seen in found.iter() {
            let number = seen.name;
            let n = number as usize;
            // Its words' signatures, read only for the candidates that need them.
            let own = || match (self.starts.get(n), self.starts.get(n + 1)) {
                (Some(&start), Some(&end)) => self
                    .signatures
                    .get(start as usize..end as usize)
                    .unwrap_or_default(),
                _ => &[],
            };
            if seen.letters != UNBOUNDED {
                let mut covered_query = untracked;
                let mut words = seen.query;
                while words != 0 {
                    let w = words.trailing_zeros() as usize;
                    covered_query += query_word_letters.get(w).copied().unwrap_or(0);
                    words &= words - 1;
                }
                let letters = Letters {
                    query: query_letters,
                    covered_query,
                    own: usize::from(seen.letters & !SHORT),
                    covered_own: seen.covered as usize,
                };
                let needed = min_score * letters.total() as f64 - 1e-9;
                // Initials can only raise the bound: counted when it falls short without them.
                if bound(letters, 0.0) < needed
                    && (!(query_short || seen.letters & SHORT != 0)
                        || bound(letters, initial_pairs(&query_signatures, own())) < needed)
                {
                    continue;
                }
            }
            let own = own();
            if own.is_empty() {
                continue;
            }
            if !may_reach(&query_signatures, own, min_score) {
                continue;
            }
            let Some(indexed) = self.names.get(n) else {
                continue;
            };
            let s = if own.len() == indexed.normalised.words.len() {
                score_signed(query, &query_signatures, &indexed.normalised, own)
            } else {
                super::score(query, &indexed.normalised)
            };
            if s >= min_score {
                out.push((number, s));
            }
        }
        self.scratch.give(scratch);
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
            let s = super::score(&query, &indexed.normalised);
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

/// The letters of a query and a candidate, and those of the words a key matched.
#[derive(Debug, Clone, Copy)]
struct Letters {
    query: usize,
    covered_query: usize,
    own: usize,
    covered_own: usize,
}

impl Letters {
    fn total(self) -> usize {
        self.query + self.own
    }
}

/// The most a candidate's score can be, times its letters: every word a key matched a perfect
/// pair, the words left pairing at most at [`UNKEYED`] (a pair weighs twice the shorter word's
/// letters, so the letters left pair at most two for the fewer of them), plus what initials
/// can add (`initials`, see [`initial_pairs`]).
fn bound(letters: Letters, initials: f64) -> f64 {
    let covered = (letters.covered_query + letters.covered_own) as f64;
    let left_query = letters.query.saturating_sub(letters.covered_query);
    let left_own = letters.own.saturating_sub(letters.covered_own);
    covered + UNKEYED * 2.0 * left_query.min(left_own) as f64 + initials
}

/// The most pairs of an initial (a word of one letter) with a word of the other name can weigh:
/// such a pair scores [`INITIAL`] when the word begins with the letter (0 otherwise) and weighs
/// both words' letters, and shares no key. Each initial of either name that begins a word of
/// the other counts as paired with the other's longest word.
fn initial_pairs(query: &[Signature], own: &[Signature]) -> f64 {
    let side = |initials: &[Signature], words: &[Signature]| {
        let heads = words.iter().fold(0u32, |h, w| h | w.head_bit());
        let longest = words
            .iter()
            .map(|w| usize::from(w.letter_count()))
            .max()
            .unwrap_or(0);
        initials
            .iter()
            .filter(|i| i.letter_count() == 1 && i.head_bit() & heads != 0)
            .count()
            * (1 + longest)
    };
    INITIAL * (side(query, own) + side(own, query)) as f64
}

/// A candidate name as the postings found it: the query's words and its own that shared a key.
#[derive(Debug, Clone, Copy)]
struct Found {
    /// The name (index into `Screen::names`).
    name: u32,
    /// The query's words (a bit each).
    query: u64,
    /// Its own words (a bit each).
    own: u64,
    /// The letters of its own words found.
    covered: u32,
    /// Its letters, or [`UNBOUNDED`].
    letters: u16,
}

impl Found {
    fn new(name: u32, letters: u16) -> Found {
        Found {
            name,
            query: 0,
            own: 0,
            covered: 0,
            letters,
        }
    }

    fn add(&mut self, query_words: u64, posting: Posting) {
        self.query |= query_words;
        let bit = 1u64.checked_shl(posting.position()).unwrap_or(0);
        if self.own & bit == 0 {
            self.own |= bit;
            self.covered += posting.word_letters();
        }
    }
}

/// A block key of a query: the key, the query words that have it (a bit each), its postings.
type QueryKey<'a> = (Key, u64, &'a [Posting]);

/// A block key packed in a number: the mark (a word's head, or its tail) in the top bit, then
/// up to three characters of 21 bits each (no word holds the character 0, so a key of fewer
/// characters never equals one of more).
fn pack(tail: bool, chars: impl Iterator<Item = char>) -> Key {
    let mut key = Key::from(tail) << 63;
    for (i, c) in chars.take(3).enumerate() {
        key |= Key::from(u32::from(c)) << (42 - 21 * i);
    }
    key
}

/// The block keys of a word: a word of one or two letters itself; of three letters itself and
/// each of its letter pairs (one letter left out: `vtb` meets `veb` on `vb`, and `al` on `al`);
/// a longer word each three of its first four letters (one left out: a typo or a swap in the
/// first letters keeps some; `vtbr` meets `vtb`), and its last three letters, marked apart.
fn block_keys(word: &str) -> impl Iterator<Item = Key> {
    let mut head = ['\0'; 4];
    let mut n = 0usize;
    for c in word.chars() {
        if let Some(slot) = head.get_mut(n) {
            *slot = c;
        }
        n += 1;
    }
    let without = |letters: &[char], skip: usize| {
        pack(
            false,
            letters
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| *c),
        )
    };
    let mut keys = [0; 5];
    let mut count = 0usize;
    let mut push = |key: Key| {
        // Keys alike in a row once (`aab` has `ab` twice).
        if count == 0 || keys.get(count - 1) != Some(&key) {
            if let Some(slot) = keys.get_mut(count) {
                *slot = key;
            }
            count += 1;
        }
    };
    match n {
        0 => {}
        1 | 2 => push(pack(false, word.chars())),
        3 => {
            push(pack(false, word.chars()));
            for skip in 0..3 {
                push(without(&head[..3], skip));
            }
        }
        n => {
            for skip in 0..4 {
                push(without(&head, skip));
            }
            push(pack(true, word.chars().skip(n - 3)));
        }
    }
    keys.into_iter().take(count)
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

    /// What a hit shows, to compare hits of two screenings.
    fn shown<'a>(hits: impl IntoIterator<Item = Hit<'a>>) -> Vec<(String, String, String, u64)> {
        hits.into_iter()
            .map(|h| {
                (
                    h.list.id.to_string(),
                    h.entry.id.clone(),
                    h.matched.to_owned(),
                    h.score.to_bits(),
                )
            })
            .collect()
    }

    #[test]
    fn a_screening_from_the_memo_is_the_screening_computed() {
        let s = screen(&[
            ("1", "Kazakhstan Temir Zholy", &["KTZ"]),
            ("2", "Kazakhstan Temir Zholy Express", &[]),
            ("3", "Almaty Cotton", &[]),
        ]);
        for name in ["Kazakstan Temir Zholy JSC", "КТЖ", "Almaty Coton", "Nobody"] {
            let first = s.screening(name, 0.8);
            assert_eq!(shown(s.hits(&first)), shown(s.screen(name, 0.8)), "{name}");
            assert_eq!(first.normalised, normalise(name));
            let again = s.screening(name, 0.8);
            assert!(Arc::ptr_eq(&first, &again), "{name}: kept");
            // Another minimum score is screened anew.
            let lower = s.screening(name, 0.5);
            assert_eq!(shown(s.hits(&lower)), shown(s.screen(name, 0.5)), "{name}");
        }
        assert!(!shown(s.hits(&s.screening("Kazakstan Temir Zholy JSC", 0.8))).is_empty());
        assert_eq!(s.names_remembered(), 4);
        assert_eq!(s.clone().names_remembered(), 0);
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
    fn an_initial_finds_the_name_it_stands_for_on_either_side() {
        // An initial shares no block key with its word: the letter bound must not drop it.
        let s = screen(&[("P", "Dmitriy Novikov", &[]), ("I", "Y. Kovalchuk", &[])]);
        let first = |query: &str| {
            let hits = s.screen(query, DEFAULT_MIN_SCORE);
            hits.first().map(|h| h.entry.id.clone())
        };
        assert_eq!(first("D. Novikov").as_deref(), Some("P"));
        assert_eq!(first("Yuri Kovalchuk").as_deref(), Some("I"));
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

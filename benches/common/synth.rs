//! Synthetic rule sets and records for benchmarks, built from the real HS 2022 nomenclature and
//! ISO country list shipped in `src/data`, seeded so that every run measures the same thing.
//! Shared by `benches/*.rs` and the peer comparison crate in `benches/peers`.
#![allow(dead_code, reason = "each bench uses part of it")]

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const HS_CODES: &str = include_str!("../../src/data/hs2022-codes.txt");
const COUNTRIES: &str = include_str!("../../src/data/iso3166-1-alpha2.csv");

/// One rule: an HS prefix, destinations, a verdict.
#[derive(Debug, Clone)]
pub struct SynthRule {
    pub id: String,
    pub prefix: String,
    pub destinations: Vec<String>,
    pub verdict: &'static str,
}

/// What a record is built to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Rules lie on its HS path, but none matches (its destination is in no rule).
    Nothing,
    /// Exactly one rule.
    One,
    /// Four rules, at chapter, heading, subheading and national level.
    Several,
}

/// A record: HS code and destination (exporter `KZ`, date 2024-01-01).
#[derive(Debug, Clone)]
pub struct SynthRecord {
    pub id: String,
    pub hs_code: String,
    pub destination: String,
}

pub const SEED: u64 = 20240223;
/// Never a rule destination: records sent there match nothing.
pub const NOWHERE: &str = "AQ";
/// The destination of the four nested rules of [`Matching::Several`].
pub const NESTED_DESTINATION: &str = "RU";
const VERDICTS: [&str; 3] = ["review", "license_required", "prohibited"];

pub fn subheadings() -> Vec<&'static str> {
    HS_CODES.lines().filter(|c| c.len() == 6).collect()
}

pub fn countries() -> Vec<&'static str> {
    COUNTRIES
        .lines()
        .skip(1)
        .filter_map(|l| l.get(..2))
        .filter(|c| *c != NOWHERE && *c != NESTED_DESTINATION)
        .collect()
}

/// `n` rules (n >= 4): four nested rules to `RU` on 85 / 8542 / 854231 / 85423100, the rest
/// each on its own subheading (then 8-digit extensions once the 5,613 subheadings run out),
/// to one to three destinations other than `RU` and `AQ`.
pub fn rules(n: usize) -> Vec<SynthRule> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut codes: Vec<&str> = subheadings()
        .into_iter()
        .filter(|c| !c.starts_with("854231"))
        .collect();
    codes.shuffle(&mut rng);
    let countries = countries();
    let mut out = Vec::with_capacity(n);
    for (i, prefix) in ["85", "8542", "854231", "85423100"].iter().enumerate() {
        out.push(SynthRule {
            id: format!("nested-{i}"),
            prefix: (*prefix).to_owned(),
            destinations: vec![NESTED_DESTINATION.to_owned()],
            verdict: VERDICTS[i % 3],
        });
    }
    for i in 0..n.saturating_sub(4) {
        let code = codes[i % codes.len()];
        let prefix = if i < codes.len() {
            code.to_owned()
        } else {
            format!("{code}{:02}", 10 + i / codes.len())
        };
        let k = rng.random_range(1..=3);
        let destinations = (0..k)
            .map(|_| countries[rng.random_range(0..countries.len())].to_owned())
            .collect();
        out.push(SynthRule {
            id: format!("r{i}"),
            prefix,
            destinations,
            verdict: VERDICTS[rng.random_range(0..3)],
        });
    }
    out.truncate(n);
    out
}

/// The rules as one rule set file.
pub fn rule_file(rules: &[SynthRule]) -> String {
    let mut text = String::from(
        "[ruleset]\nid = \"synth\"\ntitle = \"Synthetic\"\nauthority = \"Benchmark\"\njurisdiction = \"KZ\"\n\
         scope = \"any_exporter\"\ncitations = [\"none\"]\nsources = [\"benches/common/synth.rs\"]\n\
         version = \"1\"\nstatus = \"draft\"\nnotes = \"generated\"\n",
    );
    for r in rules {
        let dest: Vec<String> = r.destinations.iter().map(|d| format!("\"{d}\"")).collect();
        let accepted = if r.verdict == "license_required" {
            "accepted_licences = '^LIC-'\n"
        } else {
            ""
        };
        text.push_str(&format!(
            "\n[[rule]]\nid = \"{}\"\nverdict = \"{}\"\ntitle = \"t\"\ncitation = \"c\"\n{accepted}when = {{ hs_code = [\"{}\"], destination = [{}] }}\n",
            r.id,
            r.verdict,
            r.prefix,
            dest.join(", ")
        ));
    }
    text
}

/// `count` records of one kind for these rules.
pub fn records(rules: &[SynthRule], kind: Matching, count: usize) -> Vec<SynthRecord> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED + 1);
    let plain: Vec<&SynthRule> = rules
        .iter()
        .filter(|r| !r.id.starts_with("nested"))
        .collect();
    (0..count)
        .map(|i| {
            let (hs_code, destination) = match kind {
                Matching::Several => ("8542310000".to_owned(), NESTED_DESTINATION.to_owned()),
                _ if plain.is_empty() => ("1001990000".to_owned(), NOWHERE.to_owned()),
                _ => {
                    let r = plain[rng.random_range(0..plain.len())];
                    let mut code = r.prefix.clone();
                    while code.len() < 10 {
                        code.push('0');
                    }
                    let destination = if kind == Matching::One {
                        r.destinations[0].clone()
                    } else {
                        NOWHERE.to_owned()
                    };
                    (code, destination)
                }
            };
            SynthRecord {
                id: format!("S{i}"),
                hs_code,
                destination,
            }
        })
        .collect()
}

/// The most severe verdict of the rules a record matches, by scanning the rule list: the
/// reference every engine must agree with.
pub fn expected(rules: &[SynthRule], record: &SynthRecord) -> &'static str {
    let rank = |v: &str| VERDICTS.iter().position(|x| *x == v).map_or(0, |p| p + 1);
    rules
        .iter()
        .filter(|r| {
            record.hs_code.starts_with(&r.prefix) && r.destinations.contains(&record.destination)
        })
        .map(|r| r.verdict)
        .max_by_key(|v| rank(v))
        .unwrap_or("allowed")
}

//! The rule book: every rule set and country group loaded together, validated as a whole.
//!
//! Loading reads the groups files first (rules name groups), then each rule set, then checks what
//! only the whole can show: rule ids and rule set ids unique across all files. Every problem in
//! every file is gathered into one [`LoadError::Invalid`]. Rule sets are kept sorted by id, so
//! nothing depends on the order files were given in.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{LoadError, RuleError, RuleErrorKind, RuleErrors};
use crate::history::Statistics;
use crate::load;
use crate::parse;
use crate::rule::{Group, Rule, RuleSet};
use crate::source::{Digest, Location, Source, SourceKind};

/// Every rule set and country group loaded, validated, with the digest of their files.
#[derive(Debug, Clone)]
pub struct Rulebook {
    sets: Vec<RuleSet>,
    statistics: Vec<Statistics>,
    groups: BTreeMap<String, Group>,
    sources: Vec<Source>,
    digest: Digest,
}

impl Rulebook {
    /// Loads a rule file or every rule file under a directory.
    ///
    /// A single file brings the `groups.toml` beside it.
    pub fn load(path: impl AsRef<Path>) -> Result<Rulebook, LoadError> {
        Rulebook::load_paths(&[path])
    }

    /// Loads several files and directories as one rule book.
    pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Rulebook, LoadError> {
        let sources = load::sources(paths)?;
        if !sources.iter().any(|s| s.kind() == SourceKind::RuleSet) {
            return Err(LoadError::NoRuleSets {
                paths: paths
                    .iter()
                    .map(|p| format!("`{}`", p.as_ref().display()))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        Rulebook::from_sources(sources)
    }

    /// Builds a rule book from files held in memory; names decide their kind (see [`Source`]).
    ///
    /// ```
    /// use export_control::{Rulebook, Source};
    /// let text = r#"
    /// [ruleset]
    /// id = "demo"
    /// title = "Demo"
    /// authority = "Nobody"
    /// jurisdiction = "KZ"
    /// citations = ["none"]
    /// sources = ["https://example.org"]
    /// version = "1"
    /// status = "draft"
    ///
    /// [[rule]]
    /// id = "demo-arms"
    /// verdict = "prohibited"
    /// title = "Arms"
    /// when = { hs_code = ["93"] }
    /// "#;
    /// let book = Rulebook::from_sources(vec![Source::new("demo.toml", text)])?;
    /// assert_eq!(book.rule_sets()[0].rules()[0].id(), "demo-arms");
    /// # Ok::<(), export_control::LoadError>(())
    /// ```
    pub fn from_sources(sources: Vec<Source>) -> Result<Rulebook, LoadError> {
        let mut errors: Vec<RuleError> = Vec::new();
        let group_files: Vec<&Source> = sources
            .iter()
            .filter(|s| s.kind() == SourceKind::Groups)
            .collect();
        let groups = parse::groups(&group_files, &mut errors);
        let group_sets = parse::group_sets(&groups);

        let mut statistics = Vec::new();
        for source in sources
            .iter()
            .filter(|s| s.kind() == SourceKind::Statistics)
        {
            match Statistics::parse(source) {
                Ok(stats) => statistics.push(stats),
                Err(problems) => errors.extend(problems),
            }
        }
        statistics.sort_by(|a, b| a.name().cmp(b.name()));
        let mut sets: Vec<RuleSet> = Vec::new();
        let mut regexes = parse::RegexCache::new();
        for source in sources.iter().filter(|s| s.kind() == SourceKind::RuleSet) {
            if let Some(set) = parse::rule_set(source, &group_sets, &mut errors, &mut regexes) {
                sets.push(set);
            }
        }
        if sets.is_empty() && errors.is_empty() {
            return Err(LoadError::NoRuleSets {
                paths: sources
                    .iter()
                    .map(|s| format!("`{}`", s.name()))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        sets.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.file().cmp(b.file())));
        check_unique_ids(&sets, &sources, &mut errors);
        if !errors.is_empty() {
            return Err(LoadError::Invalid(RuleErrors::new(errors)));
        }
        let digest = Digest::of(&sources);
        Ok(Rulebook {
            sets,
            statistics,
            groups,
            sources,
            digest,
        })
    }

    /// The rule sets, sorted by id.
    pub fn rule_sets(&self) -> &[RuleSet] {
        &self.sets
    }

    /// The statistics files (`*.statistics.csv`), by name: baselines of history rules.
    pub fn statistics(&self) -> &[Statistics] {
        &self.statistics
    }

    /// The country and HS code groups, by name.
    pub fn groups(&self) -> &BTreeMap<String, Group> {
        &self.groups
    }

    /// The files loaded (rule sets, groups and any test files found beside them).
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The SHA-256 digest of the rule set, groups and statistics files: the identity of the rules that
    /// decide a verdict.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// The rule book holding only one rule set (and the groups), to test it alone.
    #[cfg(feature = "authoring")]
    pub(crate) fn subset(&self, set_id: &str) -> Rulebook {
        let sets: Vec<RuleSet> = self
            .sets
            .iter()
            .filter(|s| *s.id == *set_id)
            .cloned()
            .collect();
        let sources: Vec<Source> = self
            .sources
            .iter()
            .filter(|s| {
                s.kind() == SourceKind::Groups
                    || (s.kind() == SourceKind::RuleSet
                        && sets.iter().any(|set| set.file() == s.name()))
            })
            .cloned()
            .collect();
        let sources: Vec<Source> = sources
            .into_iter()
            .chain(
                self.sources
                    .iter()
                    .filter(|s| s.kind() == SourceKind::Statistics)
                    .cloned(),
            )
            .collect();
        Rulebook {
            digest: Digest::of(&sources),
            statistics: self.statistics.clone(),
            sets,
            groups: self.groups.clone(),
            sources,
        }
    }

    /// Reads every test case of the loaded files: `*.tests.toml` files and `[[test]]` tables in
    /// rule files. Problems in test files are reported like problems in rule files.
    #[cfg(feature = "authoring")]
    pub fn test_cases(&self) -> Result<Vec<crate::rule::Case>, LoadError> {
        let mut errors = Vec::new();
        let mut cases = Vec::new();
        for source in self.sources() {
            if matches!(source.kind(), SourceKind::Tests | SourceKind::RuleSet) {
                cases.extend(crate::parse::cases(source, self.rule_sets(), &mut errors));
            }
        }
        if errors.is_empty() {
            Ok(cases)
        } else {
            Err(LoadError::Invalid(RuleErrors::new(errors)))
        }
    }

    /// A rule by id, with its rule set.
    pub fn rule(&self, id: &str) -> Option<(&RuleSet, &Rule)> {
        self.sets
            .iter()
            .find_map(|set| set.rules.iter().find(|r| *r.id == *id).map(|r| (set, r)))
    }

    /// Every rule with its rule set, rule sets in id order and rules in file order.
    pub fn rules(&self) -> impl Iterator<Item = (&RuleSet, &Rule)> {
        self.sets
            .iter()
            .flat_map(|set| set.rules.iter().map(move |r| (set, r)))
    }
}

fn check_unique_ids(sets: &[RuleSet], sources: &[Source], errors: &mut Vec<RuleError>) {
    // Each duplicate is reported at its own `id` key, naming where the id was first written.
    let mut set_ids: BTreeMap<&str, &Location> = BTreeMap::new();
    let mut rule_ids: BTreeMap<&str, &Location> = BTreeMap::new();
    let duplicate = |kind: RuleErrorKind, at: &Location| {
        let text = sources
            .iter()
            .find(|s| s.name() == at.file())
            .map_or_else(|| std::sync::Arc::from(""), Source::shared_text);
        RuleError::new(kind, at.clone(), text)
    };
    for set in sets {
        if let Some(first) = set_ids.insert(&set.id, &set.id_location) {
            errors.push(duplicate(
                RuleErrorKind::DuplicateRuleSetId {
                    id: set.id.to_string(),
                    first: first.clone(),
                },
                &set.id_location,
            ));
            set_ids.insert(&set.id, first);
        }
        for rule in &set.rules {
            if let Some(first) = rule_ids.insert(&rule.id, &rule.id_location) {
                errors.push(duplicate(
                    RuleErrorKind::DuplicateRuleId {
                        id: rule.id.to_string(),
                        first: first.clone(),
                    },
                    &rule.id_location,
                ));
                rule_ids.insert(&rule.id, first);
            }
        }
    }
}

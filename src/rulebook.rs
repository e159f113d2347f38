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
use crate::licences::Register;
use crate::load;
use crate::parse;
use crate::parties::PartyList;
use crate::rule::{Group, Rule, RuleSet};
use crate::source::{Digest, Location, Source, SourceKind};

/// Every rule set and country group loaded, validated, with the digest of their files.
#[derive(Debug, Clone)]
pub struct Rulebook {
    sets: Vec<RuleSet>,
    statistics: Vec<Statistics>,
    lists: Vec<PartyList>,
    register: Register,
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

    /// Loads the rule files under `path` and names them as if they were under `shown`: for a
    /// copy of a rule directory shipped elsewhere (to a cluster's executors, say), so that its
    /// errors and explanations name the files as the original's. The digest is the same, as it
    /// is for any copy of the tree.
    ///
    /// ```
    /// use export_control::Rulebook;
    /// let copy = Rulebook::load_as("rules", "/srv/compliance/rules")?;
    /// let file = copy.sources().iter().find(|s| s.key() == "chpl-2024.toml").unwrap();
    /// assert_eq!(file.name(), "/srv/compliance/rules/chpl-2024.toml");
    /// assert_eq!(copy.digest(), Rulebook::load("rules")?.digest());
    /// # Ok::<(), export_control::LoadError>(())
    /// ```
    pub fn load_as(path: impl AsRef<Path>, shown: impl AsRef<Path>) -> Result<Rulebook, LoadError> {
        let path = path.as_ref();
        let shown = shown.as_ref();
        let sources = load::sources(&[path])?;
        if !sources.iter().any(|s| s.kind() == SourceKind::RuleSet) {
            return Err(LoadError::NoRuleSets {
                paths: format!("`{}`", path.display()),
            });
        }
        let base = if path.is_dir() {
            shown
        } else {
            shown.parent().unwrap_or(shown)
        };
        let renamed = sources
            .iter()
            .map(|s| s.renamed(&base.join(s.key()).to_string_lossy()))
            .collect();
        Rulebook::from_sources(renamed)
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
        let mut lists: Vec<PartyList> = Vec::new();
        for source in sources.iter().filter(|s| s.kind() == SourceKind::List) {
            if let Some(list) = crate::parties::read_list(source, &sources, &mut errors) {
                lists.push(list);
            }
        }
        lists.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.file.cmp(&b.file)));
        check_unique_list_ids(&lists, &sources, &mut errors);
        let mut register = Register::new();
        for source in sources.iter().filter(|s| s.kind() == SourceKind::Licences) {
            if let Some(licences) = crate::licences::read(source, &mut errors) {
                register.add(source, licences, &mut errors);
            }
        }
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
        check_party_lists(&sets, &lists, &sources, &mut errors);
        if !errors.is_empty() {
            return Err(LoadError::Invalid(RuleErrors::new(errors)));
        }
        let digest = Digest::of(&sources);
        Ok(Rulebook {
            sets,
            statistics,
            lists,
            register,
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

    /// The party lists (`*.list.toml` and their data), by id.
    pub fn lists(&self) -> &[PartyList] {
        &self.lists
    }

    /// The licences of the rule book's registers (`*.licences.toml`, `*.licences.csv`).
    pub fn register(&self) -> &Register {
        &self.register
    }

    /// A party list by id.
    pub fn list(&self, id: &str) -> Option<&PartyList> {
        self.lists.iter().find(|l| *l.id == *id)
    }

    /// The SHA-256 digest of the rule set, groups, statistics, list declaration, list data and
    /// licence register files: the identity of the rules that decide a verdict.
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
                    .filter(|s| {
                        matches!(
                            s.kind(),
                            SourceKind::Statistics
                                | SourceKind::List
                                | SourceKind::ListData
                                | SourceKind::Licences
                        )
                    })
                    .cloned(),
            )
            .collect();
        Rulebook {
            digest: Digest::of(&sources),
            statistics: self.statistics.clone(),
            lists: self.lists.clone(),
            register: self.register.clone(),
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
            if source.kind() == SourceKind::Tests {
                crate::licences::of_tests_file(source, &mut errors);
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

/// Every list a party rule names is a list of the rule book: a mistyped id must never leave a
/// rule screening nothing.
fn check_party_lists(
    sets: &[RuleSet],
    lists: &[PartyList],
    sources: &[Source],
    errors: &mut Vec<RuleError>,
) {
    for rule in sets.iter().flat_map(|s| s.rules.iter()) {
        let Some(test) = &rule.parties else { continue };
        for (id, at) in &test.lists {
            if lists.iter().any(|l| l.id == *id) {
                continue;
            }
            let text = sources
                .iter()
                .find(|s| s.name() == at.file())
                .map_or_else(|| std::sync::Arc::from(""), Source::shared_text);
            let known: Vec<&str> = lists.iter().map(|l| &*l.id).collect();
            let help = match crate::suggest::closest(id, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if known.is_empty() => {
                    "the rule book declares no list (`*.list.toml`)".to_owned()
                }
                None => format!("the rule book's lists: {}", known.join(", ")),
            };
            errors.push(
                RuleError::new(
                    RuleErrorKind::InvalidValue {
                        key: format!("rule.parties.lists ({})", rule.id),
                        value: id.to_string(),
                        reason: "no list of the rule book has this id".into(),
                    },
                    at.clone(),
                    text,
                )
                .with_help(help),
            );
        }
    }
}

/// Each list id once in the rule book, a duplicate reported at its own `id` key.
fn check_unique_list_ids(lists: &[PartyList], sources: &[Source], errors: &mut Vec<RuleError>) {
    let mut first: BTreeMap<&str, &Location> = BTreeMap::new();
    for list in lists {
        match first.get(&*list.id) {
            None => {
                first.insert(&list.id, &list.id_location);
            }
            Some(at) => {
                let text = sources
                    .iter()
                    .find(|s| s.name() == list.id_location.file())
                    .map_or_else(|| std::sync::Arc::from(""), Source::shared_text);
                errors.push(RuleError::new(
                    RuleErrorKind::InvalidValue {
                        key: "list.id".into(),
                        value: list.id.to_string(),
                        reason: format!("another list declares this id (first at {at})"),
                    },
                    list.id_location.clone(),
                    text,
                ));
            }
        }
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

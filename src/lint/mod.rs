//! The rule linter: findings a rule author should act on, each with a severity and a place.
//!
//! | code | severity | finding |
//! |---|---|---|
//! | `unknown-hs-code` | warning | an HS prefix that is not a code of the HS 2022 nomenclature |
//! | `hs-level` | warning | a prefix of 3 or 5 digits: not a chapter, heading or subheading |
//! | `dead-rule` | error | a rule that can never fire: its window lies outside its rule set's, or its conditions contradict each other (a country both required and excluded, an exclusion covering the whole inclusion, bounds that cannot both hold, an exporter the rule set never applies to) |
//! | `window-outside` | warning | part of a rule's window lies outside its rule set's |
//! | `duplicate` | warning | two rules of a rule set match exactly the same records with the same verdict |
//! | `shadowed` | warning | every record a rule matches is matched by another rule of the same rule set with an equal or more severe verdict |
//! | `covered-elsewhere` | info | the same, by a rule of another rule set (a different legal basis: often intended) |
//! | `overlap` | info | two rules of a rule set with different verdicts can match the same record |
//! | `missing-citation` | warning | a rule without `citation` |
//! | `untested` | warning | a rule no test case exercises (when tests were run) |
//! | `missing-notes` | warning | a rule set whose status is not `in_force` and that has no `notes` |
//!
//! The analysis is conservative: a rule is reported dead, shadowed or duplicate only when the
//! conditions at the top level of its `when` prove it; parts it cannot reason about (`any`,
//! `not`, parties, regexes) must be written identically to count.

mod nomenclature;
mod reasoning;

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use crate::hs::HsPrefix;
use crate::rule::{GroupMembers, Scope, Test};
use crate::rulebook::Rulebook;
use crate::source::Location;
use crate::testing::TestReport;
use crate::verdict::Status;
use crate::window::Window;
use reasoning::{
    Conj, View, covers, dead_reason, may_overlap, shape, verdict_covers, window_within,
};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; often intended.
    Info,
    /// Probably a mistake.
    Warning,
    /// Certainly a mistake: the rule cannot work as written.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding of the linter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// What it is about.
    pub code: LintCode,
    /// What was found.
    pub message: String,
    /// Where.
    #[serde(serialize_with = "location_text")]
    pub location: Location,
    /// What to do about it.
    pub help: Option<String>,
}

fn location_text<S: serde::Serializer>(l: &Location, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(l)
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}[{}]: {}",
            self.location, self.severity, self.code, self.message
        )
    }
}

/// What a finding is about: a stable code (`dead-rule`), with its severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum LintCode {
    /// An HS prefix that is not a code of the HS 2022 nomenclature.
    UnknownHsCode,
    /// A prefix of 3 or 5 digits: not a chapter, heading or subheading.
    HsLevel,
    /// A rule that can never fire.
    DeadRule,
    /// Part of a rule's window lies outside its rule set's.
    WindowOutside,
    /// Two rules of a rule set match exactly the same records with the same verdict.
    Duplicate,
    /// Every record a rule matches is matched by another rule of the same rule set with an equal or more severe verdict.
    Shadowed,
    /// The same, by a rule of another rule set.
    CoveredElsewhere,
    /// Two rules of a rule set with different verdicts can match the same record.
    Overlap,
    /// A rule without `citation`.
    MissingCitation,
    /// A rule no test case exercises.
    Untested,
    /// A rule set whose status is not `in_force` and that has no `notes`.
    MissingNotes,
}

impl LintCode {
    /// The code as shown and in JSON (`dead-rule`).
    pub fn as_str(self) -> &'static str {
        match self {
            LintCode::UnknownHsCode => "unknown-hs-code",
            LintCode::HsLevel => "hs-level",
            LintCode::DeadRule => "dead-rule",
            LintCode::WindowOutside => "window-outside",
            LintCode::Duplicate => "duplicate",
            LintCode::Shadowed => "shadowed",
            LintCode::CoveredElsewhere => "covered-elsewhere",
            LintCode::Overlap => "overlap",
            LintCode::MissingCitation => "missing-citation",
            LintCode::Untested => "untested",
            LintCode::MissingNotes => "missing-notes",
        }
    }

    /// How much a finding of this code matters.
    pub fn severity(self) -> Severity {
        match self {
            LintCode::UnknownHsCode => Severity::Warning,
            LintCode::HsLevel => Severity::Warning,
            LintCode::DeadRule => Severity::Error,
            LintCode::WindowOutside => Severity::Warning,
            LintCode::Duplicate => Severity::Warning,
            LintCode::Shadowed => Severity::Warning,
            LintCode::CoveredElsewhere => Severity::Info,
            LintCode::Overlap => Severity::Info,
            LintCode::MissingCitation => Severity::Warning,
            LintCode::Untested => Severity::Warning,
            LintCode::MissingNotes => Severity::Warning,
        }
    }
}

impl fmt::Display for LintCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lints a rule book; with a test report, also finds rules no case exercises.
pub fn lint(book: &Rulebook, tests: Option<&TestReport>) -> Vec<Finding> {
    let nomenclature = nomenclature::Nomenclature::new();
    let mut out = Vec::new();

    for group in book.groups().values() {
        if matches!(group.members(), GroupMembers::HsCodes(_)) {
            for (text, location) in &group.items {
                if let Ok(prefix) = text.parse::<HsPrefix>() {
                    nomenclature.check(&prefix, location, &mut out);
                }
            }
        }
    }

    let mut views: Vec<View<'_>> = Vec::new();
    for set in book.rule_sets() {
        if set.status() != Status::InForce && set.notes().is_none() {
            out.push(Finding {
                severity: Severity::Warning,
                code: LintCode::MissingNotes,
                message: format!(
                    "rule set `{}` has status `{}` but no `notes` saying why",
                    set.id(),
                    set.status()
                ),
                location: set.location().clone(),
                help: Some("say what is reported, disputed or incomplete about it".into()),
            });
        }
        for rule in set.rules() {
            let mut seen = BTreeSet::new();
            for condition in std::iter::once(&rule.when).chain(rule.unless.as_ref()) {
                condition.for_each_leaf(&mut |leaf| {
                    if let Test::Hs { include, except } = &leaf.test {
                        for item in include.items().chain(except.items()) {
                            if item.group.is_none() && seen.insert(item.prefix) {
                                nomenclature.check(&item.prefix, item.location, &mut out);
                            }
                        }
                    }
                });
            }
            if rule.citation().is_none() {
                out.push(Finding {
                    severity: Severity::Warning,
                    code: LintCode::MissingCitation,
                    message: format!("rule `{}` cites no clause", rule.id()),
                    location: rule.location().clone(),
                    help: Some("add `citation = \"...\"`: explanations show it".into()),
                });
            }
            let conj = Conj::of(&rule.when);
            if let Some((reason, location)) = dead_reason(set, rule, &conj) {
                out.push(Finding {
                    severity: Severity::Error,
                    code: LintCode::DeadRule,
                    message: format!("rule `{}` can never fire: {reason}", rule.id()),
                    location,
                    help: None,
                });
            } else if !window_within(&rule.window(), &set.window())
                && rule.window() != Window::default()
            {
                out.push(Finding {
                    severity: Severity::Warning,
                    code: LintCode::WindowOutside,
                    message: format!(
                        "part of rule `{}`'s window ({}) lies outside its rule set's ({})",
                        rule.id(),
                        rule.window(),
                        set.window()
                    ),
                    location: rule.location().clone(),
                    help: Some("the rule applies only where the two windows overlap".into()),
                });
            }
            views.push(View {
                set,
                rule,
                window: set.window().intersect(&rule.window()),
                exporter: match set.scope() {
                    Scope::Jurisdiction => Some(set.jurisdiction()),
                    Scope::AnyExporter => None,
                },
                unless: rule.unless.as_ref().map(shape),
                conj,
            });
        }
    }

    // `views` holds each rule set's rules in file order, so of two duplicates in one set the
    // one met first as `a` is the earlier: the later one is reported, once.
    for (i, a) in views.iter().enumerate() {
        for (j, b) in views.iter().enumerate() {
            if i == j {
                continue;
            }
            let same_set = a.set.id() == b.set.id();
            if covers(b, a) && verdict_covers(b.rule, a.rule) {
                let mutual = covers(a, b) && a.rule.verdict() == b.rule.verdict();
                if mutual && same_set {
                    if i < j {
                        out.push(Finding {
                            severity: Severity::Warning,
                            code: LintCode::Duplicate,
                            message: format!(
                                "rule `{}` matches exactly what rule `{}` matches, with the same verdict",
                                b.rule.id(),
                                a.rule.id()
                            ),
                            location: b.rule.location().clone(),
                            help: Some(format!("`{}` is at {}", a.rule.id(), a.rule.location())),
                        });
                    }
                    continue;
                }
                if mutual {
                    continue;
                }
                out.push(Finding {
                    severity: if same_set {
                        Severity::Warning
                    } else {
                        Severity::Info
                    },
                    code: if same_set {
                        LintCode::Shadowed
                    } else {
                        LintCode::CoveredElsewhere
                    },
                    message: format!(
                        "every record rule `{}` ({}) matches is also matched by rule `{}` ({}{})",
                        a.rule.id(),
                        a.rule.verdict(),
                        b.rule.id(),
                        b.rule.verdict(),
                        if same_set {
                            String::new()
                        } else {
                            format!(", rule set `{}`", b.set.id())
                        }
                    ),
                    location: a.rule.location().clone(),
                    help: Some(if same_set {
                        format!(
                            "remove it or narrow `{}` (at {})",
                            b.rule.id(),
                            b.rule.location()
                        )
                    } else {
                        "intended when two acts cover the same goods; both are cited".into()
                    }),
                });
            } else if same_set
                && a.rule.verdict() < b.rule.verdict()
                && may_overlap(a, b)
                && !covers(a, b)
            {
                out.push(Finding {
                    severity: Severity::Info,
                    code: LintCode::Overlap,
                    message: format!(
                        "rules `{}` ({}) and `{}` ({}) can match the same record; the more severe decides",
                        a.rule.id(),
                        a.rule.verdict(),
                        b.rule.id(),
                        b.rule.verdict()
                    ),
                    location: a.rule.location().clone(),
                    help: None,
                });
            }
        }
    }

    if let Some(report) = tests {
        let exercised: BTreeSet<&str> = report.exercised_rules().collect();
        for (set, rule) in book.rules() {
            if !exercised.contains(rule.id()) {
                out.push(Finding {
                    severity: Severity::Warning,
                    code: LintCode::Untested,
                    message: format!("no test case makes rule `{}` match", rule.id()),
                    location: rule.location().clone(),
                    help: Some(format!(
                        "add a `[[test]]` case to `{}`",
                        set.file().replace(".toml", crate::source::TESTS_SUFFIX)
                    )),
                });
            }
        }
    }

    out.sort_by(|a, b| {
        (
            a.location.file(),
            a.location.line(),
            a.location.column(),
            a.code,
            &a.message,
        )
            .cmp(&(
                b.location.file(),
                b.location.line(),
                b.location.column(),
                b.code,
                &b.message,
            ))
    });
    out.dedup();
    out
}

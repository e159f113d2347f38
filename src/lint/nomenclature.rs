//! The HS 2022 nomenclature compiled in, and the findings for HS prefixes that are not codes
//! of it.

use std::collections::BTreeSet;

use super::{Finding, LintCode};
use crate::hs::HsPrefix;
use crate::source::Location;

const HS_CODES: &str = include_str!("../data/hs2022-codes.txt");

/// The HS 2022 nomenclature the linter checks prefixes against (compiled in).
pub(super) struct Nomenclature(BTreeSet<&'static str>);

impl Nomenclature {
    pub(super) fn new() -> Self {
        Nomenclature(
            HS_CODES
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect(),
        )
    }

    /// A finding for a prefix that is not a code, if it is not.
    pub(super) fn check(&self, prefix: &HsPrefix, location: &Location, out: &mut Vec<Finding>) {
        let digits = prefix.as_str();
        match digits.len() {
            2 | 4 | 6 => {
                if !self.0.contains(digits) {
                    out.push(Finding {
                        severity: LintCode::UnknownHsCode.severity(),
                        code: LintCode::UnknownHsCode,
                        message: format!("`{digits}` is not a code of the HS 2022 nomenclature"),
                        location: location.clone(),
                        help: self.nearest(digits),
                    });
                }
            }
            3 | 5 => out.push(Finding {
                severity: LintCode::HsLevel.severity(),
                code: LintCode::HsLevel,
                message: format!(
                    "`{digits}` has {} digits: not a chapter (2), heading (4) or subheading (6)",
                    digits.len()
                ),
                location: location.clone(),
                help: Some("list the headings or subheadings it is meant to cover".into()),
            }),
            _ => {
                let six = digits.get(..6).unwrap_or(digits);
                if !self.0.contains(six) {
                    out.push(Finding {
                        severity: LintCode::UnknownHsCode.severity(),
                        code: LintCode::UnknownHsCode,
                        message: format!(
                            "`{digits}` extends `{six}`, which is not a subheading of the HS 2022 nomenclature"
                        ),
                        location: location.clone(),
                        help: self.nearest(six),
                    });
                }
            }
        }
    }

    fn nearest(&self, digits: &str) -> Option<String> {
        let parent = digits.get(..digits.len().saturating_sub(2)).unwrap_or("");
        if parent.len() >= 2 && self.0.contains(parent) {
            let children: Vec<&str> = self
                .0
                .iter()
                .filter(|c| c.len() == digits.len() && c.starts_with(parent))
                .take(8)
                .copied()
                .collect();
            Some(format!("codes under `{parent}`: {}", children.join(", ")))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    /// The findings for one prefix: (message, help).
    fn findings(prefix: &str) -> Vec<(String, Option<String>)> {
        let location = Source::new("hs.toml", "x").locate(0..1);
        let mut out = Vec::new();
        Nomenclature::new().check(&prefix.parse().unwrap(), &location, &mut out);
        out.into_iter().map(|f| (f.message, f.help)).collect()
    }

    #[test]
    fn a_national_extension_is_checked_by_its_subheading() {
        assert_eq!(findings("85423110"), []);
        assert_eq!(findings("8542311000"), []);
        let found = findings("85429910");
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].0,
            "`85429910` extends `854299`, which is not a subheading of the HS 2022 nomenclature"
        );
        assert_eq!(
            found[0].1.as_deref(),
            Some("codes under `8542`: 854231, 854232, 854233, 854239, 854290")
        );
    }

    /// Chapter 77 is reserved for future use in the Harmonized System: no codes under it to
    /// suggest, and nothing above a chapter.
    #[test]
    fn nothing_is_suggested_under_a_parent_that_is_not_a_code() {
        assert_eq!(
            findings("7701"),
            [(
                "`7701` is not a code of the HS 2022 nomenclature".to_owned(),
                None
            )]
        );
        assert_eq!(
            findings("77"),
            [(
                "`77` is not a code of the HS 2022 nomenclature".to_owned(),
                None
            )]
        );
        assert_eq!(findings("85"), []);
    }
}

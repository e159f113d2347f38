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

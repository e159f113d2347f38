//! Rule file text to the validated rule model, with every problem located.
//!
//! The TOML is parsed into a spanned tree (`toml::de::DeTable`), then read key by key
//! (`walk`): the format is checked as it is read, so the model that comes out holds only
//! valid values and each problem names its file, line, column and key. Groups files are read
//! first (`groups`), then each rule set (`ruleset`, with its condition tables in `condition`);
//! test cases beside the rules are read by `cases`.

#[cfg(feature = "authoring")]
mod cases;
mod condition;
mod groups;
mod history;
mod parties;
mod ruleset;
pub(crate) mod walk;

#[cfg(feature = "authoring")]
pub(crate) use cases::cases;
pub(crate) use condition::normalise_unit;
pub(crate) use groups::{group_sets, groups};
pub(crate) use ruleset::rule_set;
pub(crate) use walk::RegexCache;

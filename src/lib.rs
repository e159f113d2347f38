//! Declarative export-control rule files in, explainable shipment verdicts out.
//!
//! `export_control` loads rule files written by compliance officers (TOML, one file per legal
//! measure: Kazakhstan's 2022-23 arms export suspension, its reported ban on exporting 106
//! dual-use goods to Russia, red-flag guidance...) and checks shipment records against them.
//! Each [`Verdict`] says which rule, from which file and line, citing which act, matched which
//! fields of the record with which values, and carries the digest of the rules that decided it.
//!
//! ```
//! use export_control::{Because, Decision, Engine, Shipment};
//!
//! let engine = Engine::from_path("rules")?;
//! let shipment: Shipment = serde_json::from_str(r#"{
//!     "id": "KZ-2023-0042", "date": "2023-11-15", "hs_code": "8542.31.0000",
//!     "origin": "US", "export_country": "KZ", "destination": "RU"
//! }"#)?;
//! let verdict = engine.check(&shipment);
//!
//! // US-made chips re-exported to Russia need a BIS licence (policy of denial); the Kazakh
//! // measures that were denied or are drafts send them to review besides.
//! assert_eq!(verdict.decision, Decision::LicenseRequired);
//! let rule_sets: Vec<&str> = verdict.decisive().map(|m| &*m.ruleset).collect();
//! assert!(rule_sets.contains(&"us-ear-russia-746-8"));
//! assert!(rule_sets.contains(&"kz-106-dual-use-ru"));
//! // Reasons are data: a screen can lay them out in its own language...
//! let first = &verdict.matches[0];
//! assert!(first.because.iter().any(|b| matches!(b, Because::HsPrefix { .. })));
//! // ...and each reads as a sentence.
//! println!("{}", first.because[1]); // hs_code 8542310000 starts with 854231 (group CHPL)
//! println!("{verdict}"); // the whole explanation as plain text
//! println!("{}", serde_json::to_string_pretty(&verdict)?); // or JSON (docs/verdict.schema.json)
//! assert_eq!(engine.decide(&shipment), Decision::LicenseRequired); // the decision alone, fast
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The flow, one module per step: rule files ([`source`], read from disk by `load`) are parsed
//! with every value located (`parse`) into the validated model ([`rule`]), gathered and checked
//! as a whole ([`Rulebook`]), compiled into an HS-prefix index by the [`Engine`], evaluated in
//! three-valued logic in one pass (`eval`) into a [`Verdict`] with structured reasons
//! ([`verdict`], [`verdict::because`]). Shipment records ([`shipment`]) are read from files by
//! [`read`]. History rules (spikes against a baseline, quotas, new parties, re-exports of recent
//! imports) read the shipments before a record through [`history`] (a `History` kept in memory,
//! an audit's `Replay`, or the SQLite store of feature `sqlite`). Rule authors' tools: test cases
//! beside the rules ([`testing`]), the linter ([`lint`]) and rustc-style rendering of both
//! ([`render`]).
//!
//! # The verdict contract
//!
//! A verdict borrows its rules' texts from the engine (`Verdict<'e>`); [`Verdict::into_owned`]
//! gives one that outlives it. Reasons ([`Because`]) are a `#[non_exhaustive]` enum of kinds,
//! each with its data; their English is generated from it. The JSON form carries
//! [`verdict::SCHEMA_VERSION`] and is described by `docs/verdict.schema.json`, produced from
//! these types (feature `schema`, [`schema::json_schema`]); audits write one
//! [`AuditRecord`] per input record.
//!
//! Entry points: [`Engine::check`] and [`Engine::check_with`] give the verdict with its
//! reasons; [`Engine::decide`] and [`Engine::decide_with`] the decision alone, allocating
//! nothing; [`Engine::check_batch`], [`Engine::check_batch_parallel`] and [`Engine::check_all`]
//! check many records; [`read::check_records`] checks records as a reader yields them.
//! [`Engine::check_in`], [`Engine::check_against`] and [`Engine::replay`] check against history.
//!
//! # Crate features
//!
//! - `read` (default): the CSV and JSON Lines readers ([`read`]); adds `csv`, `memchr`,
//!   `serde_json`.
//! - `authoring` (default): test cases beside the rules, the linter, rendering; adds
//!   `annotate-snippets`.
//! - `schema`: [`schema::json_schema`], the JSON Schema of verdicts and audit records; adds
//!   `schemars` (and `read`).
//! - `sqlite`: `sqlite::SqliteHistory`, history kept in an SQLite file (SQLite built in through
//!   `rusqlite`; adds `rusqlite` and `serde_json`).
//! - `test-support`: what the crate's own tests and benchmarks need and no caller should
//!   (`Engine::check_by_scan`).
//!
//! With `--no-default-features` the engine alone builds: serde, decimals, dates, regular
//! expressions, TOML and SHA-256.
//!
//! # Errors
//!
//! Loading fails with a [`LoadError`]: the file could not be read, or the rules have problems,
//! all of them listed as [`RuleError`]s with file, line, column and key (match on
//! [`RuleError::kind`]). Checking never fails: a record the rules cannot decide goes to
//! `review`. Reading a shipment file yields a [`RecordError`] for each record that cannot be read,
//! and goes on.
//!
//! The engine fails closed: a record it cannot evaluate is never allowed. A record that cannot
//! be read is an error naming its line and field; a rule that needs a field the record lacks
//! sends the record to review. See `docs/rule-format.md` for the rule file format and
//! `DESIGN.md` for the reasons behind the design.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod control;
pub mod country;
mod engine;
pub mod error;
mod eval;
pub mod history;
pub mod hs;
mod index;
pub mod licences;
#[cfg(feature = "authoring")]
pub mod lint;
mod load;
mod parse;
pub mod parties;
mod program;
#[cfg(feature = "read")]
pub mod read;
#[cfg(feature = "authoring")]
pub mod render;
pub mod rule;
mod rulebook;
#[cfg(feature = "schema")]
pub mod schema;
pub mod shipment;
pub mod source;
#[cfg(feature = "sqlite")]
pub mod sqlite;
mod suggest;
#[cfg(feature = "authoring")]
pub mod testing;
pub mod verdict;
pub mod window;

pub use country::{CountryCode, CountryError, CountrySet};
pub use engine::{CheckOptions, Engine};
pub use error::{LoadError, Result, RuleError, RuleErrorKind, RuleErrors};
pub use hs::{HsCode, HsError, HsPrefix};
#[cfg(feature = "read")]
pub use read::{
    AuditRecord, Checked, IoError, ReadError, Record, RecordDecision, RecordError, RecordErrorKind,
};
pub use rule::{Rule, RuleSet};
pub use rulebook::Rulebook;
pub use shipment::{Field, FieldError, Shipment};
pub use source::{Digest, Location, Source};
pub use verdict::{Because, Decision, Outcome, RuleMatch, Status, Verdict};
pub use window::Window;

/// The README's examples, run as doc tests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

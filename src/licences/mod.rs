//! Licences as records: a register of licences (issued by an authority to a holder, valid
//! between two dates, for given goods, destinations and parties, up to a quantity or value)
//! that `license_required` rules are met by, and the balances records draw down.
//!
//! A `license_required` rule is met only by a licence that is in the register and covers the
//! record on every point: the rule's jurisdiction, the holder (the record's consignor, names
//! compared as party screening compares them), the record's date, its goods (HS codes and/or
//! control-list codes), its destination, the consignee and end user the licence names, and what
//! is left of its quantity and value limits. Each point a licence fails is a structured reason
//! ([`LicenceFailure`]), and the rule's verdict stands. The rule's `accepted_licences` pattern,
//! if it has one, is a check of the number's form, not proof.
//!
//! Registers come from the rule book (`*.licences.toml`, `*.licences.csv`: the rule book's
//! digest covers them) or from the caller ([`Register::load`],
//! [`Engine::with_register`](crate::Engine::with_register)).
//!
//! Balances: a record draws on the first licence it carries, per issuing jurisdiction, that
//! covers it, in the order of history (see [`crate::history`]): kept embedded in a
//! [`History`](crate::history::History) (or the SQLite store) by
//! [`Engine::record`](crate::Engine::record), and in an audit settled in that order over the
//! whole input before the records are checked ([`Engine::settle_draws`](crate::Engine::settle_draws)).
//!
//! ```
//! use export_control::history::History;
//! use export_control::licences::Register;
//! use export_control::{Decision, Engine, Outcome, Shipment, Source};
//!
//! let register = Register::from_source(&Source::new("mine.licences.toml", r#"
//! [[licence]]
//! id = "KZ-DU-2023-000117"
//! authority = "Ministry of Trade and Integration of the Republic of Kazakhstan"
//! jurisdiction = "KZ"
//! type = "individual"
//! holder = "Steppe Electronics LLP"
//! valid_from = 2023-01-01
//! valid_until = 2023-12-31
//! control_codes = ["3A001"]
//! destinations = ["AM"]
//! quantity = 500
//! unit = "pcs"
//! "#))?;
//! let engine = Engine::from_path("rules")?.with_register(register)?;
//! let mut s = Shipment::new("S-1", "2023-03-01".parse()?, "854231".parse()?, "KZ".parse()?, "AM".parse()?);
//! s.consignor = Some("Steppe Electronics LLP".into());
//! s.control_codes = vec!["3A001.a.2".parse()?];
//! s.quantity = Some("300".parse()?);
//! s.unit = Some("pcs".into());
//! s.licences = vec!["KZ-DU-2023-000117".into()];
//! let mut history = History::new();
//! // The licence meets the licensing rule (the red flags still send the record, which gives
//! // no value, consignee or end user, to review).
//! let verdict = engine.check_against(&s, &history);
//! assert!(verdict.matches.iter().any(|m| m.outcome == Outcome::Licensed));
//! assert_eq!(verdict.decision, Decision::Review);
//! engine.record(&mut history, &s);
//! // 200 pcs are left: a second shipment of 300 is not covered.
//! s.id = "S-2".into();
//! let verdict = engine.check_against(&s, &history);
//! assert_eq!(verdict.decision, Decision::LicenseRequired);
//! assert!(verdict.to_string().contains("quantity balance 200 pcs, the record needs 300 pcs"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cover;
mod register;

pub use crate::history::DRAWN_PREFIX;
pub use crate::verdict::because::{LicenceBalance, LicenceCheck, LicenceFailure, LicenceKind};
pub use register::{Licence, Limit, MAX_LICENCES, Register};

pub(crate) use cover::{Covers, check_all, meets};
#[cfg(feature = "authoring")]
pub(crate) use register::of_tests_file;
pub(crate) use register::read;

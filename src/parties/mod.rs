//! Parties: names of consignors, consignees and end users as a screening compares them, across
//! Latin and Cyrillic (Russian and Kazakh letters), legal forms and variant spellings.
//!
//! This is the first part of party screening (issue 12): [`normalise`] (and the
//! transliteration and legal forms it uses) and [`score`]. Lists, their index and party
//! conditions in rules build on them.
//!
//! ```
//! use export_control::parties::{LegalForm, normalise};
//! let a = normalise("АО «Казахстан темир жолы»");
//! let b = normalise("Kazakhstan Temir Zholy JSC");
//! assert_eq!(a, b);
//! assert_eq!(a.legal_form, Some(LegalForm::JointStock));
//! assert_eq!(a.text(), "kazahstan temir joly");
//! // The Kazakh spelling: Қазақстан, one letter from the Russian one once written in Latin.
//! assert_eq!(normalise("Қазақстан темір жолы АҚ").text(), "kazakstan temir joly");
//! ```

pub mod dpl;
mod evaluate;
mod legal;
mod list;
mod memo;
mod normalise;
pub mod ofac;
mod records;
mod score;
mod screen;
mod translit;
pub mod un;

pub(crate) use evaluate::{Screened, evaluate};
pub use legal::LegalForm;
pub use list::{ListEntry, ListFormat, MAX_LIST_ENTRIES, PartyList};
pub(crate) use list::{data_paths, read as read_list};
pub use memo::MEMO_NAMES;
pub use normalise::{MAX_NAME_CHARS, Normalised, normalise};
pub(crate) use records::records;
pub use score::score;
pub use screen::{COMMON_KEY, DEFAULT_MIN_SCORE, Hit, Screen};
pub use translit::{skeleton, to_latin};

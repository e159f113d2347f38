//! History carried between processes: the aggregates of some records under a rule book, with
//! the rule book's digest, as bytes (JSON). A Spark job computes them per partition, merges
//! them on the driver and sends them back to check each partition against.

use export_control::history::Aggregates;
use export_control::{Digest, Engine};

/// The aggregates of some records under the rule book of `digest`.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carried {
    /// The rule book's digest (`sha256:...`): aggregates mean nothing under other rules.
    pub digest: String,
    /// The aggregates.
    pub aggregates: Aggregates,
}

impl Carried {
    /// Aggregates of this engine's rules.
    pub fn new(digest: Digest, aggregates: Aggregates) -> Carried {
        Carried {
            digest: digest.to_string(),
            aggregates,
        }
    }

    /// As bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        serde_json::to_vec(self).map_err(|e| e.to_string())
    }

    /// Read from bytes, refused unless computed under `engine`'s rules.
    pub fn from_bytes(bytes: &[u8], engine: &Engine) -> Result<Aggregates, String> {
        let carried = Carried::read(bytes)?;
        let digest = engine.digest().to_string();
        if carried.digest != digest {
            return Err(format!(
                "history of the rule book {}, not of these rules ({digest})",
                carried.digest
            ));
        }
        Ok(carried.aggregates)
    }

    /// Read from bytes, whatever its rules.
    pub fn read(bytes: &[u8]) -> Result<Carried, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("not a history: {e}"))
    }
}

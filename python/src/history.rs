//! History carried between processes: the aggregates of some records under a rule book (and
//! licence register), with their digests, as bytes (JSON). A Spark job computes them per
//! partition, settles them on the driver and sends them back to check each partition against.

use export_control::history::Aggregates;
use export_control::{Engine, Shipment};

/// The aggregates of some records under the rule book of `digest`.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carried {
    /// The rule book's digest (`sha256:...`): aggregates mean nothing under other rules.
    pub digest: String,
    /// The digest of the engine's licence register, when it has one: draws on licences mean
    /// nothing under another register, nor without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licences: Option<String>,
    /// The aggregates.
    pub aggregates: Aggregates,
    /// The records that may draw on licences, not settled yet (what they draw depends on the
    /// records of every other part before them): [`settle`] settles them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<Claim>,
}

/// A record that may draw on licences, with its place in its part.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Its place in its part (the row it was read from).
    pub at: u64,
    /// The record.
    pub record: Shipment,
}

/// The register's digest of an engine that has one.
fn register_digest(engine: &Engine) -> Option<String> {
    let register = engine.register();
    (!register.is_empty()).then(|| register.digest().to_string())
}

impl Carried {
    /// Aggregates of this engine's rules, with the claims of the records that may draw.
    pub fn new(engine: &Engine, aggregates: Aggregates, claims: Vec<Claim>) -> Carried {
        Carried {
            digest: engine.digest().to_string(),
            licences: register_digest(engine),
            aggregates,
            claims,
        }
    }

    /// As bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        serde_json::to_vec(self).map_err(|e| e.to_string())
    }

    /// Read from bytes, refused unless computed under `engine`'s rules and register.
    pub fn of(bytes: &[u8], engine: &Engine) -> Result<Carried, String> {
        let carried = Carried::read(bytes)?;
        let digest = engine.digest().to_string();
        if carried.digest != digest {
            return Err(format!(
                "history of the rule book {}, not of these rules ({digest})",
                carried.digest
            ));
        }
        let licences = register_digest(engine);
        if carried.licences != licences {
            let name = |d: &Option<String>| {
                d.as_ref().map_or_else(
                    || "no licence register".to_owned(),
                    |d| format!("the licence register {d}"),
                )
            };
            return Err(format!(
                "history computed with {}, this engine has {}",
                name(&carried.licences),
                name(&licences)
            ));
        }
        Ok(carried)
    }

    /// The aggregates of settled history (no claims left), refused unless computed under
    /// `engine`'s rules and register.
    pub fn settled(bytes: &[u8], engine: &Engine) -> Result<Aggregates, String> {
        let carried = Carried::of(bytes, engine)?;
        if !carried.claims.is_empty() {
            return Err(UNSETTLED.to_owned());
        }
        Ok(carried.aggregates)
    }

    /// Read from bytes, whatever its rules.
    pub fn read(bytes: &[u8]) -> Result<Carried, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("not a history: {e}"))
    }
}

/// Why history holding claims is refused where settled history is needed.
pub const UNSETTLED: &str = "the history holds records that draw on licences, not settled yet: \
    settle the parts of the input together with Engine.settle_histories first";

/// Merges histories of the same rules and register into one, whatever the order; refused when
/// one holds claims (they are settled over every part in order, not merged).
pub fn merge(parts: &[Vec<u8>]) -> Result<Carried, String> {
    let mut merged: Option<Carried> = None;
    for part in parts {
        let carried = Carried::read(part)?;
        if !carried.claims.is_empty() {
            return Err(UNSETTLED.to_owned());
        }
        match &mut merged {
            Some(m) if (&m.digest, &m.licences) != (&carried.digest, &carried.licences) => {
                let of = |c: &Carried| match &c.licences {
                    Some(register) => {
                        format!("rules {} with the licence register {register}", c.digest)
                    }
                    None => format!("rules {} without a licence register", c.digest),
                };
                return Err(format!(
                    "histories of different rule books or licence registers: {} and {}",
                    of(m),
                    of(&carried)
                ));
            }
            Some(m) => m.aggregates.merge(&carried.aggregates),
            None => merged = Some(carried),
        }
    }
    merged.ok_or_else(|| "merge_histories: no history given".to_owned())
}

/// Settles the histories of the parts of one input, in input order (`None` for a part with no
/// records): what their claims draw on licences, in the order of history across the parts.
/// Returns the history of the whole input and each part's own (its facts and its draws; no
/// claims), from which the history before a part is the merge of the parts before it.
pub fn settle(
    engine: &Engine,
    parts: &[Option<Vec<u8>>],
) -> Result<(Carried, Vec<Option<Carried>>), String> {
    let parts = parts
        .iter()
        .map(|p| p.as_deref().map(|b| Carried::of(b, engine)).transpose())
        .collect::<Result<Vec<Option<Carried>>, String>>()?;
    let claims = parts.iter().enumerate().flat_map(|(p, part)| {
        part.iter().flat_map(move |c| {
            c.claims
                .iter()
                .map(move |claim| ((p, claim.at), &claim.record))
        })
    });
    let drawn = engine.settle_draws_by_part(&Aggregates::new(), claims);
    let mut whole = Aggregates::new();
    let mut settled = Vec::with_capacity(parts.len());
    for (p, part) in parts.into_iter().enumerate() {
        settled.push(part.map(|mut part| {
            if let Some(drawn) = drawn.get(p) {
                part.aggregates.merge(drawn);
            }
            part.claims.clear();
            whole.merge(&part.aggregates);
            part
        }));
    }
    Ok((Carried::new(engine, whole, Vec::new()), settled))
}

//! The same generated rule sets (from the real HS nomenclature and country list, seeded), the same
//! records, in four engines: export-control, cedar-policy 4.14, zen-engine 2.1 and regorus.
//!
//! First every engine must give, for every record, the verdict a plain scan of the rule list
//! gives (the most severe rule that matches). Then each is timed on the same records in one run.
//! export-control is timed twice: `check` (the verdict with its full explanation, what the
//! library normally returns) and `decide` (the verdict alone, like the peers' outputs). The table
//! ends with one line, for `check`:
//! `peers: rules=1000 ours_ns=.. cedar_ns=.. zen_ns=.. ratio_cedar=.. ratio_zen=..`.
//!
//! ```text
//! cargo run --release --manifest-path benches/peers/Cargo.toml [-- SIZES...]
//! ```

#[path = "../../common/synth.rs"]
mod synth;

use std::collections::HashMap;
use std::hint::black_box;
use std::str::FromStr;
use std::time::{Duration, Instant};

use serde_json::json;
use synth::{Matching, SynthRecord, SynthRule};

const RANKS: [&str; 4] = ["allowed", "review", "license_required", "prohibited"];

fn rank(verdict: &str) -> usize {
    RANKS.iter().position(|v| *v == verdict).unwrap_or(0)
}

/// One engine under test: checks a record (prepared outside the timing) and says the verdict's
/// rank.
trait Peer {
    fn name(&self) -> &'static str;
    /// Prepares what `rounds` passes over every record consume, before they are timed (engines
    /// that take their input by value get a fresh copy per call, built here).
    fn prepare(&mut self, _rounds: usize) {}
    fn check(&mut self, i: usize) -> usize;
}

// ---------------------------------------------------------------- export-control
struct Ours {
    engine: export_control::Engine,
    records: Vec<export_control::Shipment>,
    options: export_control::CheckOptions,
}

impl Ours {
    fn new(rules: &[SynthRule], records: &[SynthRecord]) -> Self {
        let book = export_control::Rulebook::from_sources(vec![export_control::Source::new(
            "synth.toml",
            synth::rule_file(rules),
        )])
        .expect("rules load");
        let records = records
            .iter()
            .map(|r| {
                export_control::Shipment::new(
                    r.id.clone(),
                    "2024-01-01".parse().expect("date"),
                    r.hs_code.parse().expect("hs"),
                    "KZ".parse().expect("country"),
                    r.destination.parse().expect("country"),
                )
            })
            .collect();
        Ours {
            engine: export_control::Engine::new(book),
            records,
            options: export_control::CheckOptions::default(),
        }
    }
}

impl Peer for Ours {
    fn name(&self) -> &'static str {
        "export-control check"
    }
    fn check(&mut self, i: usize) -> usize {
        let v = self.engine.check_with(&self.records[i], &self.options);
        rank(v.decision.as_str())
    }
}

/// The verdict alone (`Engine::decide`): what the other engines return.
struct OursDecide(Ours);

impl Peer for OursDecide {
    fn name(&self) -> &'static str {
        "export-control decide"
    }
    fn check(&mut self, i: usize) -> usize {
        rank(self.0.engine.decide_with(&self.0.records[i], &self.0.options).as_str())
    }
}

// ---------------------------------------------------------------- cedar-policy
struct Cedar {
    authorizer: cedar_policy::Authorizer,
    policies: cedar_policy::PolicySet,
    entities: cedar_policy::Entities,
    requests: Vec<cedar_policy::Request>,
    verdicts: HashMap<cedar_policy::PolicyId, usize>,
}

impl Cedar {
    /// Each rule is a `permit` policy whose id maps to its verdict; the verdict of a request is
    /// the most severe of the policies the authorizer reports as satisfied.
    fn new(rules: &[SynthRule], records: &[SynthRecord]) -> Self {
        let mut policies = cedar_policy::PolicySet::new();
        let mut verdicts = HashMap::new();
        for r in rules {
            let dests: Vec<String> = r.destinations.iter().map(|d| format!("\"{d}\"")).collect();
            let src = format!(
                "permit(principal, action, resource) when {{ context.hs like \"{}*\" && [{}].contains(context.destination) }};",
                r.prefix,
                dests.join(", ")
            );
            let id = cedar_policy::PolicyId::new(r.id.clone());
            let policy = cedar_policy::Policy::parse(Some(id.clone()), src).expect("cedar policy");
            policies.add(policy).expect("add policy");
            verdicts.insert(id, rank(r.verdict));
        }
        let principal = cedar_policy::EntityUid::from_str(r#"Exporter::"kz""#).expect("uid");
        let action = cedar_policy::EntityUid::from_str(r#"Action::"export""#).expect("uid");
        let resource = cedar_policy::EntityUid::from_str(r#"Shipment::"s""#).expect("uid");
        let requests = records
            .iter()
            .map(|r| {
                let context = cedar_policy::Context::from_pairs([
                    (
                        "hs".to_owned(),
                        cedar_policy::RestrictedExpression::new_string(r.hs_code.clone()),
                    ),
                    (
                        "destination".to_owned(),
                        cedar_policy::RestrictedExpression::new_string(r.destination.clone()),
                    ),
                ])
                .expect("context");
                cedar_policy::Request::new(principal.clone(), action.clone(), resource.clone(), context, None)
                    .expect("request")
            })
            .collect();
        Cedar {
            authorizer: cedar_policy::Authorizer::new(),
            policies,
            entities: cedar_policy::Entities::empty(),
            requests,
            verdicts,
        }
    }
}

impl Peer for Cedar {
    fn name(&self) -> &'static str {
        "cedar-policy 4.14"
    }
    fn check(&mut self, i: usize) -> usize {
        let response = self
            .authorizer
            .is_authorized(&self.requests[i], &self.policies, &self.entities);
        response
            .diagnostics()
            .reason()
            .filter_map(|id| self.verdicts.get(id))
            .copied()
            .max()
            .unwrap_or(0)
    }
}

// ---------------------------------------------------------------- zen-engine
struct Zen {
    runtime: tokio::runtime::Runtime,
    decision: zen_engine::Decision,
    /// Each record's input as JSON, to build fresh inputs from.
    inputs: Vec<serde_json::Value>,
    /// Inputs built by `prepare`, one per call to come, per record.
    prepared: Vec<Vec<zen_engine::Variable>>,
}

impl Zen {
    /// One decision table, hit policy `collect`: a row per rule (`startsWith($, prefix)` on the
    /// HS code, the destination list), output the verdict's rank; the verdict is the largest.
    fn new(rules: &[SynthRule], records: &[SynthRecord]) -> Self {
        let rows: Vec<serde_json::Value> = rules
            .iter()
            .map(|r| {
                let dests: Vec<String> = r.destinations.iter().map(|d| format!("\"{d}\"")).collect();
                json!({
                    "_id": r.id,
                    "hs": format!("startsWith($, \"{}\")", r.prefix),
                    "dest": dests.join(", "),
                    "rank": rank(r.verdict).to_string(),
                })
            })
            .collect();
        let graph = json!({
            "nodes": [
                { "id": "in", "name": "request", "type": "inputNode", "content": {} },
                { "id": "dt", "name": "rules", "type": "decisionTableNode", "content": {
                    "hitPolicy": "collect",
                    "inputs": [
                        { "id": "hs", "name": "HS code", "field": "hs" },
                        { "id": "dest", "name": "Destination", "field": "destination" }
                    ],
                    "outputs": [ { "id": "rank", "name": "Rank", "field": "rank" } ],
                    "rules": rows,
                    "passThrough": false
                } },
                { "id": "out", "name": "response", "type": "outputNode", "content": {} }
            ],
            "edges": [
                { "id": "e1", "sourceId": "in", "targetId": "dt" },
                { "id": "e2", "sourceId": "dt", "targetId": "out" }
            ]
        });
        let content: zen_engine::model::DecisionContent =
            serde_json::from_value(graph).expect("zen decision");
        let engine = zen_engine::DecisionEngine::default();
        let mut decision = engine
            .create_decision(std::sync::Arc::new(content))
            .expect("a graph decision");
        decision.compile();
        let inputs = records
            .iter()
            .map(|r| json!({ "hs": r.hs_code, "destination": r.destination }))
            .collect();
        Zen {
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime"),
            decision,
            inputs,
            prepared: Vec::new(),
        }
    }
}

fn max_rank(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => items.iter().map(max_rank).max().unwrap_or(0),
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| match (k.as_str(), v) {
                ("rank", serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0) as usize,
                _ => max_rank(v),
            })
            .max()
            .unwrap_or(0),
        _ => 0,
    }
}

impl Peer for Zen {
    fn name(&self) -> &'static str {
        "zen-engine 2.1"
    }
    fn prepare(&mut self, rounds: usize) {
        self.prepared = self
            .inputs
            .iter()
            .map(|input| (0..rounds).map(|_| input.clone().into()).collect())
            .collect();
    }
    fn check(&mut self, i: usize) -> usize {
        let input = match self.prepared.get_mut(i).and_then(Vec::pop) {
            Some(input) => input,
            None => self.inputs[i].clone().into(),
        };
        let response = self
            .runtime
            .block_on(self.decision.evaluate(input))
            .expect("zen evaluation");
        max_rank(&response.result.to_value())
    }
}

// ---------------------------------------------------------------- regorus (Rego)
struct Rego {
    engine: regorus::Engine,
    /// Each record's input as JSON text, to build fresh inputs from.
    inputs: Vec<String>,
    /// Inputs built by `prepare`, one per call to come, per record.
    prepared: Vec<Vec<regorus::Value>>,
}

const REGO: &str = r#"
package exportcontrol
import rego.v1

default verdict := 0

ranks contains r.rank if {
    some r in data.rules
    startswith(input.hs, r.prefix)
    input.destination in r.destinations
}

verdict := max(ranks) if count(ranks) > 0
"#;

impl Rego {
    /// The rules as data, one Rego policy over them (the way Rego rule tables are written).
    fn new(rules: &[SynthRule], records: &[SynthRecord]) -> Self {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy("export.rego".into(), REGO.into())
            .expect("rego policy");
        let data = json!({ "rules": rules.iter().map(|r| json!({
            "prefix": r.prefix, "destinations": r.destinations, "rank": rank(r.verdict)
        })).collect::<Vec<_>>() });
        engine
            .add_data(regorus::Value::from_json_str(&data.to_string()).expect("data"))
            .expect("add data");
        let inputs = records
            .iter()
            .map(|r| json!({ "hs": r.hs_code, "destination": r.destination }).to_string())
            .collect();
        Rego {
            engine,
            inputs,
            prepared: Vec::new(),
        }
    }
}

impl Peer for Rego {
    fn name(&self) -> &'static str {
        "regorus 0.14 (Rego)"
    }
    fn prepare(&mut self, rounds: usize) {
        self.prepared = self
            .inputs
            .iter()
            .map(|input| {
                (0..rounds)
                    .map(|_| regorus::Value::from_json_str(input).expect("input"))
                    .collect()
            })
            .collect();
    }
    fn check(&mut self, i: usize) -> usize {
        let input = match self.prepared.get_mut(i).and_then(Vec::pop) {
            Some(input) => input,
            None => regorus::Value::from_json_str(&self.inputs[i]).expect("input"),
        };
        self.engine.set_input(input);
        let value = self
            .engine
            .eval_rule("data.exportcontrol.verdict".into())
            .expect("rego evaluation");
        value.as_i64().ok().map_or(0, |n| n as usize)
    }
}

// ---------------------------------------------------------------- the run
fn records(rules: &[SynthRule]) -> Vec<SynthRecord> {
    let mut all = Vec::new();
    for kind in [Matching::Nothing, Matching::One, Matching::Several] {
        all.extend(synth::records(rules, kind, 30));
    }
    all
}

/// Mean nanoseconds per check over the records, repeated for about `budget`. A first pass
/// measures one round; the inputs of the timed rounds are prepared before the clock starts.
fn time(peer: &mut dyn Peer, count: usize, budget: Duration) -> f64 {
    peer.prepare(1);
    let start = Instant::now();
    for i in 0..count {
        black_box(peer.check(i));
    }
    let one = start.elapsed().max(Duration::from_nanos(1));
    let rounds = (budget.as_secs_f64() / one.as_secs_f64()).clamp(1.0, 100_000.0) as usize;
    peer.prepare(rounds);
    let start = Instant::now();
    for _ in 0..rounds {
        for i in 0..count {
            black_box(peer.check(black_box(i)));
        }
    }
    start.elapsed().as_nanos() as f64 / (rounds * count) as f64
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![10, 100, 1_000] } else { sizes };
    println!(
        "machine: {} logical cores; one thread per engine; mean ns per check over {} records (nothing / one / several matching)",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        90
    );
    println!("{:>6}  {:<22} {:>14} {:>10}", "rules", "engine", "ns/check", "vs ours");
    let mut last = String::new();
    for &n in &sizes {
        let rules = synth::rules(n);
        let records = records(&rules);
        let expected: Vec<usize> = records.iter().map(|r| rank(synth::expected(&rules, r))).collect();
        let mut peers: Vec<Box<dyn Peer>> = vec![
            Box::new(Ours::new(&rules, &records)),
            Box::new(OursDecide(Ours::new(&rules, &records))),
            Box::new(Cedar::new(&rules, &records)),
            Box::new(Zen::new(&rules, &records)),
            Box::new(Rego::new(&rules, &records)),
        ];
        for peer in &mut peers {
            for (i, want) in expected.iter().enumerate() {
                let got = peer.check(i);
                assert_eq!(
                    got,
                    *want,
                    "{} gives {} for record {} ({} to {}), the rule list {}",
                    peer.name(),
                    RANKS[got],
                    i,
                    records[i].hs_code,
                    records[i].destination,
                    RANKS[*want]
                );
            }
        }
        let budget = Duration::from_millis(if n >= 10_000 { 3000 } else { 1500 });
        let mut results = Vec::new();
        for peer in &mut peers {
            let ns = time(peer.as_mut(), records.len(), budget);
            results.push((peer.name(), ns));
        }
        let ours = results[0].1;
        for (name, ns) in &results {
            println!("{n:>6}  {name:<22} {ns:>14.0} {:>9.2}x", ns / ours);
        }
        if n == 1_000 || last.is_empty() {
            last = format!(
                "peers: rules={n} ours_ns={ours:.0} cedar_ns={:.0} zen_ns={:.0} ratio_cedar={:.0} ratio_zen={:.0}",
                results[2].1,
                results[3].1,
                results[2].1 / ours,
                results[3].1 / ours
            );
        }
    }
    println!("all engines agree with a scan of the rule list on every record");
    println!("{last}");
}

//! Properties over generated rule sets and records: the index never changes an answer, the
//! order of rule files never matters, adding a rule never lowers a verdict, verdicts round-trip
//! through JSON.

use export_control::{CheckOptions, Engine, Rulebook, Shipment, Source};
use proptest::prelude::*;

use crate::common::{groups_source, shipment};

const PREFIXES: &[&str] = &[
    "85",
    "8542",
    "854231",
    "8542.39",
    "93",
    "9301",
    "8806",
    "880610",
    "CHPL_TIER_1",
];
const COUNTRIES: &[&str] = &["RU", "BY", "KZ", "CN", "DE", "EAEU", "US"];
const CODES: &[&str] = &[
    "8542310000",
    "854239",
    "930190",
    "880610",
    "847130",
    "950300",
    "85423100",
];

#[derive(Debug, Clone)]
struct GenRule {
    verdict: usize,
    hs: Option<Vec<usize>>,
    destination: Option<(bool, Vec<usize>)>,
    origin: Option<(bool, Vec<usize>)>,
    transit_any: Option<Vec<usize>>,
    window: Option<(u32, u32)>,
    unless_origin: Option<usize>,
    value_gt: Option<u32>,
    licence: bool,
}

fn gen_rule() -> impl Strategy<Value = GenRule> {
    let idx = |n: usize| proptest::collection::vec(0..n, 1..3);
    (
        0usize..3,
        proptest::option::weighted(0.8, idx(PREFIXES.len())),
        proptest::option::of((any::<bool>(), idx(COUNTRIES.len()))),
        proptest::option::of((any::<bool>(), idx(COUNTRIES.len()))),
        proptest::option::weighted(0.2, idx(COUNTRIES.len())),
        proptest::option::of((0u32..36, 0u32..36)),
        proptest::option::weighted(0.2, 0..COUNTRIES.len()),
        proptest::option::weighted(0.2, 0u32..3),
        any::<bool>(),
    )
        .prop_map(
            |(
                verdict,
                hs,
                destination,
                origin,
                transit_any,
                window,
                unless_origin,
                value_gt,
                licence,
            )| GenRule {
                verdict,
                hs,
                destination,
                origin,
                transit_any,
                window,
                unless_origin,
                value_gt,
                licence,
            },
        )
}

fn list(items: &[usize], pool: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{}\"", pool[*i])).collect();
    format!("[{}]", quoted.join(", "))
}

fn month(m: u32) -> String {
    format!("{}-{:02}-01", 2022 + m / 12, m % 12 + 1)
}

/// The TOML of one rule set holding `rules`, their ids prefixed by `tag`.
fn rule_file(tag: &str, rules: &[GenRule]) -> String {
    let mut text = crate::common::rule_set(tag, "scope = \"any_exporter\"", "");
    for (n, r) in rules.iter().enumerate() {
        let verdict = ["review", "license_required", "prohibited"][r.verdict];
        text.push_str(&format!(
            "\n[[rule]]\nid = \"{tag}-{n}\"\nverdict = \"{verdict}\"\ntitle = \"r\"\n"
        ));
        if verdict == "license_required" {
            text.push_str("accepted_licences = '^LIC-'\n");
        }
        if let Some((a, b)) = r.window {
            text.push_str(&format!(
                "effective_from = {}\neffective_until = {}\n",
                month(a.min(b)),
                month(a.max(b))
            ));
        }
        let mut when = Vec::new();
        if let Some(hs) = &r.hs {
            when.push(format!("hs_code = {}", list(hs, PREFIXES)));
        }
        if let Some((neg, c)) = &r.destination {
            when.push(format!(
                "destination{} = {}",
                if *neg { "_not" } else { "" },
                list(c, COUNTRIES)
            ));
        }
        if let Some((neg, c)) = &r.origin {
            when.push(format!(
                "origin{} = {}",
                if *neg { "_not" } else { "" },
                list(c, COUNTRIES)
            ));
        }
        if let Some(c) = &r.transit_any {
            when.push(format!(
                "any = [{{ transit = {} }}, {{ route = [\"RU\"] }}]",
                list(c, COUNTRIES)
            ));
        }
        if let Some(v) = r.value_gt {
            when.push(format!(
                "value = {{ gt = \"{}\", currency = \"USD\" }}",
                v * 1000
            ));
        }
        if r.licence {
            when.push("not = { licence_matches = '^X-' }".into());
        }
        if when.is_empty() {
            when.push("hs_code = [\"0101\"]".into());
        }
        text.push_str(&format!("when = {{ {} }}\n", when.join(", ")));
        if let Some(c) = r.unless_origin {
            text.push_str(&format!("unless = {{ origin = [\"{}\"] }}\n", COUNTRIES[c]));
        }
    }
    text
}

fn engine(files: &[(String, String)]) -> Engine {
    let mut sources = vec![groups_source()];
    sources.extend(files.iter().map(|(n, t)| Source::new(n.clone(), t.clone())));
    Engine::new(Rulebook::from_sources(sources).unwrap())
}

fn gen_shipment() -> impl Strategy<Value = Shipment> {
    let country = || proptest::sample::select(&["RU", "BY", "KZ", "CN", "DE", "US", "AM"][..]);
    (
        proptest::sample::select(CODES),
        country(),
        country(),
        proptest::option::of(country()),
        proptest::collection::vec(country(), 0..2),
        0u32..36,
        proptest::option::of((0u32..4000, any::<bool>())),
        proptest::collection::vec(proptest::sample::select(&["LIC-1", "X-2", "Z"][..]), 0..2),
    )
        .prop_map(
            |(code, export, dest, origin, transit, m, value, licences)| {
                let date = month(m);
                let mut fields = vec![
                    ("id", "G".to_owned()),
                    ("date", date),
                    ("hs_code", code.to_owned()),
                    ("export_country", export.to_owned()),
                    ("destination", dest.to_owned()),
                    ("transit", transit.join(";")),
                    ("licences", licences.join(";")),
                ];
                if let Some(o) = origin {
                    fields.push(("origin", o.to_owned()));
                }
                if let Some((v, usd)) = value {
                    fields.push(("value", v.to_string()));
                    fields.push(("currency", if usd { "USD" } else { "EUR" }.to_owned()));
                }
                let borrowed: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                shipment(&borrowed)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn indexed_check_equals_a_scan_of_every_rule(
        rules in proptest::collection::vec(gen_rule(), 1..30),
        shipments in proptest::collection::vec(gen_shipment(), 1..20),
        not_in_force in any::<bool>(),
    ) {
        let engine = engine(&[("gen.toml".into(), rule_file("g", &rules))]);
        let mut options = CheckOptions::default();
        options.include_not_in_force = not_in_force;
        for s in &shipments {
            let indexed = engine.check_with(s, &options);
            prop_assert_eq!(engine.decide(s, &options), indexed.verdict);
            prop_assert_eq!(indexed, engine.check_by_scan(s, &options));
        }
    }

    #[test]
    fn parallel_batches_equal_sequential_ones(
        rules in proptest::collection::vec(gen_rule(), 1..20),
        shipments in proptest::collection::vec(gen_shipment(), 0..300),
    ) {
        let engine = engine(&[("gen.toml".into(), rule_file("g", &rules))]);
        let options = CheckOptions::default();
        let sequential = engine.check_batch(&shipments, &options);
        prop_assert_eq!(sequential.len(), shipments.len());
        prop_assert_eq!(engine.check_batch_parallel(&shipments, &options), sequential);
    }

    #[test]
    fn rule_file_order_does_not_matter(
        a in proptest::collection::vec(gen_rule(), 1..10),
        b in proptest::collection::vec(gen_rule(), 1..10),
        shipments in proptest::collection::vec(gen_shipment(), 1..20),
    ) {
        let fa = ("a.toml".to_owned(), rule_file("a", &a));
        let fb = ("b.toml".to_owned(), rule_file("b", &b));
        let one = engine(&[fa.clone(), fb.clone()]);
        let two = engine(&[fb, fa]);
        prop_assert_eq!(one.digest(), two.digest());
        for s in &shipments {
            prop_assert_eq!(one.check(s), two.check(s));
        }
    }

    #[test]
    fn adding_a_rule_never_lowers_a_verdict(
        rules in proptest::collection::vec(gen_rule(), 1..15),
        extra in gen_rule(),
        shipments in proptest::collection::vec(gen_shipment(), 1..20),
    ) {
        let base = engine(&[("a.toml".into(), rule_file("a", &rules))]);
        let more = engine(&[
            ("a.toml".into(), rule_file("a", &rules)),
            ("b.toml".into(), rule_file("b", &[extra])),
        ]);
        for s in &shipments {
            prop_assert!(more.check(s).verdict >= base.check(s).verdict);
        }
    }

    #[test]
    fn verdicts_round_trip_through_json(
        rules in proptest::collection::vec(gen_rule(), 1..15),
        shipments in proptest::collection::vec(gen_shipment(), 1..10),
    ) {
        let engine = engine(&[("a.toml".into(), rule_file("a", &rules))]);
        for s in &shipments {
            let v = engine.check(s);
            let json = serde_json::to_string(&v).unwrap();
            prop_assert_eq!(serde_json::from_str::<export_control::Verdict>(&json).unwrap(), v);
            let shipment_json = serde_json::to_string(s).unwrap();
            prop_assert_eq!(&serde_json::from_str::<Shipment>(&shipment_json).unwrap(), s);
        }
    }
}

/// The countries a list in an explanation names (`[RU, EAEU]`), groups expanded.
fn listed(text: &str, book: &Rulebook) -> Vec<String> {
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    let mut out = Vec::new();
    for item in inner.split(", ").filter(|i| !i.is_empty()) {
        match book.groups().get(item).map(|g| g.members()) {
            Some(export_control::rule::GroupMembers::Countries(set)) => {
                out.extend(set.iter().map(|c| c.to_string()));
            }
            _ => out.push(item.to_owned()),
        }
    }
    out
}

/// Checks, without the engine, that one line of an explanation is true of the record.
fn holds(b: &export_control::Because, s: &Shipment, book: &Rulebook) -> Result<(), String> {
    let value = b.value.clone().unwrap_or_default();
    let cond = b.condition.as_str();
    let field_value = |name: &str| -> Option<String> {
        match name {
            "origin" => s.origin.map(|c| c.to_string()),
            "destination" => Some(s.destination.to_string()),
            "export_country" => Some(s.export_country.to_string()),
            _ => None,
        }
    };
    let ok = match b.field.as_ref() {
        "hs_code" => {
            let prefix = cond
                .strip_prefix("starts with ")
                .map(|rest| rest.split(' ').next().unwrap_or(""));
            value == s.hs_code.as_str()
                && match prefix {
                    Some(p) => s.hs_code.as_str().starts_with(p),
                    None => cond.starts_with("does not start with"),
                }
        }
        "date" | "as_of" => {
            let in_window = |w: &str| {
                let from = w
                    .split("from ")
                    .nth(1)
                    .map(|x| x.split(' ').next().unwrap_or(""));
                let until = w.split("until ").nth(1);
                from.is_none_or(|f| value.as_str() >= f)
                    && until.is_none_or(|u| value.as_str() <= u)
            };
            b.field == "as_of"
                || value == s.date.to_string()
                    && match cond.strip_prefix("is in force: ") {
                        Some(w) => w == "without a start or end date" || in_window(w),
                        None => cond.starts_with("is outside the window"),
                    }
        }
        "origin" | "destination" | "export_country" => {
            if let Some(set_id) = cond
                .strip_prefix("is the jurisdiction of rule set `")
                .and_then(|r| r.strip_suffix('`'))
            {
                Some(value.clone()) == field_value(&b.field)
                    && book
                        .rule_sets()
                        .iter()
                        .any(|set| set.id() == set_id && set.jurisdiction().as_str() == value)
            } else if let Some(list) = cond.strip_prefix("is not in ") {
                Some(value.clone()) == field_value(&b.field) && !listed(list, book).contains(&value)
            } else if let Some(group) = cond.strip_prefix("is in group ") {
                Some(value.clone()) == field_value(&b.field) && listed(group, book).contains(&value)
            } else if let Some(list) = cond.strip_prefix("is in ") {
                let list = list.split(", by group").next().unwrap_or(list);
                Some(value.clone()) == field_value(&b.field) && listed(list, book).contains(&value)
            } else {
                cond.starts_with("is missing") && field_value(&b.field).is_none()
            }
        }
        "transit" | "route" => {
            let mut countries: Vec<String> = s.transit.iter().map(|c| c.to_string()).collect();
            if b.field == "route" {
                countries.push(s.export_country.to_string());
                countries.push(s.destination.to_string());
            }
            match cond.strip_prefix("passes through ") {
                Some(rest) => {
                    let c = rest.split(',').next().unwrap_or("");
                    let list = rest.split("which is in ").nth(1).unwrap_or("");
                    let list = list.split(", by group").next().unwrap_or(list);
                    let list = list.strip_prefix("group ").unwrap_or(list);
                    countries.iter().any(|x| x == c) && listed(list, book).iter().any(|x| x == c)
                }
                None => {
                    let list = cond.strip_prefix("has no country in ").unwrap_or("");
                    !countries.iter().any(|x| listed(list, book).contains(x))
                }
            }
        }
        "value" => match (s.value, s.currency.as_deref()) {
            (Some(v), Some(cur)) => {
                let text = cond.strip_prefix("is ").unwrap_or("");
                let parts: Vec<&str> = text.split(' ').collect();
                value == format!("{v} {cur}")
                    && parts.len() == 3
                    && parts[2] == cur
                    && match parts[0] {
                        ">" => v > parts[1].parse().unwrap(),
                        _ => false,
                    }
            }
            _ => cond.starts_with("is missing") || cond.starts_with("cannot be compared"),
        },
        "licences" => {
            if let Some(rest) = cond.strip_prefix("include none matching /") {
                let re = regex::RegexBuilder::new(rest.trim_end_matches('/'))
                    .case_insensitive(true)
                    .build()
                    .unwrap();
                !s.licences.iter().any(|l| re.is_match(l))
            } else {
                let l = cond.split('`').nth(1).unwrap_or("");
                s.licences.iter().any(|x| x == l)
            }
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("`{b}` does not hold for {s:?}"))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_line_of_an_explanation_holds_on_the_record(
        rules in proptest::collection::vec(gen_rule(), 1..20),
        shipments in proptest::collection::vec(gen_shipment(), 1..20),
    ) {
        let engine = engine(&[("gen.toml".into(), rule_file("g", &rules))]);
        for s in &shipments {
            let v = engine.check(s);
            for m in v.matches.iter().filter(|m| m.outcome == export_control::Outcome::Fired) {
                for b in &m.because {
                    if let Err(e) = holds(b, s, engine.rulebook()) {
                        prop_assert!(false, "rule {}: {}", m.rule, e);
                    }
                }
            }
        }
    }

    #[test]
    fn checking_is_deterministic(
        rules in proptest::collection::vec(gen_rule(), 1..20),
        shipments in proptest::collection::vec(gen_shipment(), 1..20),
    ) {
        let text = rule_file("g", &rules);
        let first = engine(&[("gen.toml".into(), text.clone())]);
        let again = engine(&[("gen.toml".into(), text)]);
        for s in &shipments {
            let v = first.check(s);
            prop_assert_eq!(&v, &first.check(s));
            prop_assert_eq!(&v, &again.check(s));
            prop_assert_eq!(
                serde_json::to_string(&v).unwrap(),
                serde_json::to_string(&again.check(s)).unwrap()
            );
        }
    }
}

//! Properties over generated rule sets and records: the index never changes an answer, the
//! order of rule files never matters, adding a rule never lowers a verdict, verdicts round-trip
//! through JSON.

use chrono::NaiveDate;
use export_control::rule::GroupMembers;
use export_control::shipment::Field;
use export_control::verdict::because::{
    Comparison, DateField, HsListed, Listed, RouteField, Share, Subject,
};
use export_control::{
    Because, CheckOptions, CountryCode, Engine, Rulebook, Shipment, Source, Status,
};
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
    "8542310000",
];
/// Prefixes a rule may exclude: some finer than every code, some no record's code is long
/// enough to tell.
const EXCEPT: &[&str] = &["854231", "8542310000", "930190", "9301", "85423900"];
const COUNTRIES: &[&str] = &["RU", "BY", "KZ", "CN", "DE", "EAEU", "US"];
const CODES: &[&str] = &[
    "8542310000",
    "854239",
    "930190",
    "880610",
    "847130",
    "950300",
    "85423100",
    "854231",
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
    except: Option<Vec<usize>>,
}

/// How a generated rule set applies: to its jurisdiction's exports or to any, and its window.
#[derive(Debug, Clone, Default)]
struct GenSet {
    jurisdiction_only: bool,
    window: Option<(u32, u32)>,
}

fn gen_set() -> impl Strategy<Value = GenSet> {
    (any::<bool>(), proptest::option::of((0u32..36, 0u32..36))).prop_map(
        |(jurisdiction_only, window)| GenSet {
            jurisdiction_only,
            window,
        },
    )
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
        proptest::option::weighted(0.3, proptest::collection::vec(0..EXCEPT.len(), 1..3)),
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
                except,
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
                except,
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

/// The TOML of one rule set holding `rules`, their ids prefixed by `tag`, for any exporter and
/// without a window of its own.
fn rule_file(tag: &str, rules: &[GenRule]) -> String {
    rule_file_with(tag, rules, &GenSet::default())
}

/// The TOML of one rule set as `set` says.
fn rule_file_with(tag: &str, rules: &[GenRule], set: &GenSet) -> String {
    let mut meta = String::new();
    if !set.jurisdiction_only {
        meta.push_str("scope = \"any_exporter\"\n");
    }
    if let Some((a, b)) = set.window {
        meta.push_str(&format!(
            "effective_from = {}\neffective_until = {}\n",
            month(a.min(b)),
            month(a.max(b))
        ));
    }
    let mut text = crate::common::rule_set(tag, &meta, "");
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
            if let Some(except) = &r.except {
                when.push(format!("hs_code_except = {}", list(except, EXCEPT)));
            }
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

/// Leaving out the draft rule sets gives what a rule book without them gives: the same
/// decision and the same matches, in the indexed check, the scan and `decide`. Not vacuous:
/// in some of the cases a draft rule matches when nothing is left out.
#[test]
fn excluding_a_status_is_checking_without_its_rule_sets() {
    use proptest::test_runner::{Config, TestRunner};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let cases = 64;
    let mut runner = TestRunner::new(Config {
        cases,
        ..Config::default()
    });
    let drafts_matched = AtomicUsize::new(0);
    let strategy = (
        proptest::collection::vec(gen_rule(), 1..15),
        proptest::collection::vec(gen_rule(), 1..15),
        proptest::collection::vec(gen_shipment(), 1..15),
    );
    runner
        .run(&strategy, |(in_force, draft, shipments)| {
            let kept =
                rule_file("f", &in_force).replace("status = \"draft\"", "status = \"in_force\"");
            let both = engine(&[
                ("f.toml".into(), kept.clone()),
                ("d.toml".into(), rule_file("d", &draft)),
            ]);
            let alone = engine(&[("f.toml".into(), kept)]);
            let options = CheckOptions::default().excluding([Status::Draft]);
            let mut draft_matched = false;
            for s in &shipments {
                let excluded = both.check_with(s, &options);
                let without = alone.check(s);
                prop_assert_eq!(excluded.decision, without.decision);
                prop_assert_eq!(&excluded.matches, &without.matches);
                prop_assert_eq!(both.decide_with(s, &options), excluded.decision);
                prop_assert_eq!(&both.check_by_scan(s, &options).matches, &excluded.matches);
                prop_assert!(excluded.matches.iter().all(|m| m.status != Status::Draft));
                draft_matched |= both
                    .check(s)
                    .matches
                    .iter()
                    .any(|m| m.status == Status::Draft);
            }
            if draft_matched {
                drafts_matched.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        })
        .unwrap();
    let matched = drafts_matched.load(Ordering::Relaxed);
    assert!(
        matched > 0,
        "in none of {cases} cases did a draft rule match: the property tested nothing"
    );
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
            prop_assert_eq!(engine.decide_with(s, &options), indexed.decision);
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
            prop_assert!(more.check(s).decision >= base.check(s).decision);
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

/// The countries a rule's list stands for, groups expanded, read from the rule book (not from
/// the engine's compiled sets).
fn expand(listed: &[Listed], book: &Rulebook) -> Vec<CountryCode> {
    let mut out = Vec::new();
    for item in listed {
        match item {
            Listed::Code(code) => out.push(*code),
            Listed::Group(name) => match book.groups().get(name.as_str()).map(|g| g.members()) {
                Some(GroupMembers::Countries(set)) => out.extend(set.iter()),
                _ => panic!("`{name}` is not a country group"),
            },
        }
    }
    out
}

/// The HS prefixes an HS group stands for.
fn hs_group(name: &str, book: &Rulebook) -> Vec<String> {
    match book.groups().get(name).map(|g| g.members()) {
        Some(GroupMembers::HsCodes(codes)) => codes.iter().map(|c| c.to_string()).collect(),
        _ => panic!("`{name}` is not an HS group"),
    }
}

/// Text equality as rules define it: case and white space aside.
fn same(a: &str, b: &str) -> bool {
    let norm = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    norm(a) == norm(b)
}

/// Checks, without the engine, that one reason of an explanation is true of the record.
fn holds(b: &Because<'_>, s: &Shipment, date: NaiveDate, book: &Rulebook) -> Result<(), String> {
    let fail = || Err(format!("`{b}` does not hold for {s:?}"));
    let country_of = |field: Field| match field {
        Field::Origin => s.origin,
        Field::ExportCountry => Some(s.export_country),
        Field::Destination => Some(s.destination),
        _ => None,
    };
    let ok = match b {
        Because::Jurisdiction { value, within } => {
            *value == s.export_country
                && book.rule_sets().iter().any(|set| {
                    set.jurisdiction().has_member(*value)
                        && within.is_none_or(|u| u == set.jurisdiction())
                })
        }
        Because::InForce {
            field,
            value,
            window,
            inside,
        } => {
            let in_window =
                window.from.is_none_or(|f| *value >= f) && window.until.is_none_or(|u| *value <= u);
            (*field == DateField::AsOf || *value == s.date)
                && *value == date
                && *inside == in_window
        }
        Because::HsPrefix {
            value,
            prefix,
            group,
        } => {
            *value == s.hs_code
                && s.hs_code.as_str().starts_with(prefix.as_str())
                && group
                    .as_ref()
                    .is_none_or(|g| hs_group(g, book).contains(&prefix.to_string()))
        }
        Because::HsExcluded {
            value,
            prefix,
            excluded,
            ..
        } => {
            *value == s.hs_code
                && s.hs_code.as_str().starts_with(prefix.as_str())
                && s.hs_code.as_str().starts_with(excluded.as_str())
        }
        Because::HsTooCoarse { value, prefix, .. } => {
            *value == s.hs_code
                && prefix.as_str().len() > s.hs_code.as_str().len()
                && prefix.as_str().starts_with(s.hs_code.as_str())
        }
        Because::HsNotListed { value, listed } => {
            // Neither covering the code nor finer than it (that would be "cannot tell").
            let code = s.hs_code.as_str();
            let apart = |p: &str| !code.starts_with(p) && !p.starts_with(code);
            *value == s.hs_code
                && listed.iter().all(|item| match item {
                    HsListed::Prefix(p) => apart(p.as_str()),
                    HsListed::Group(g) => hs_group(g, book).iter().all(|p| apart(p)),
                })
        }
        Because::Country {
            field,
            value,
            listed,
            in_list,
            via,
        } => {
            let members = expand(listed, book);
            country_of(*field) == Some(*value)
                && *in_list == members.contains(value)
                && via.as_ref().is_none_or(|g| {
                    !listed.contains(&Listed::Code(*value))
                        && expand(&[Listed::Group(g.to_string())], book).contains(value)
                })
        }
        Because::UnionOrigin { listed, members } => {
            let set = expand(listed, book);
            let eu = CountryCode::eu_members();
            let inside = eu.iter().filter(|c| set.contains(c)).count();
            s.origin == Some(CountryCode::EU)
                && *members
                    == match inside {
                        0 => Share::None,
                        n if n == eu.len() => Share::All,
                        _ => Share::Some,
                    }
        }
        Because::Route {
            field,
            countries,
            listed,
            hit,
            unnamed,
            ..
        } => {
            let mut route: Vec<CountryCode> = Vec::new();
            if *field == RouteField::Route {
                route.push(s.export_country);
            }
            route.extend(&s.transit);
            if *field == RouteField::Route {
                route.push(s.destination);
            }
            let members = expand(listed, book);
            *countries == route
                && *hit == route.iter().copied().find(|c| members.contains(c))
                && *unnamed == (hit.is_none() && s.transit_unknown)
        }
        Because::Amount {
            field,
            value,
            unit,
            bounds,
            holds,
        } => {
            let (amount, record_unit) = match field {
                Field::Value => (s.value, s.currency.as_deref()),
                _ => (s.quantity, s.unit.as_deref()),
            };
            let all = bounds.iter().all(|bound| match bound.op {
                Comparison::Gt => *value > bound.limit,
                Comparison::Ge => *value >= bound.limit,
                Comparison::Lt => *value < bound.limit,
                Comparison::Le => *value <= bound.limit,
                Comparison::Eq => *value == bound.limit,
            });
            amount == Some(*value) && record_unit == Some(&**unit) && *holds == all
        }
        Because::NotComparable {
            field,
            value,
            unit,
            rule_unit,
            ..
        } => {
            let (amount, record_unit) = match field {
                Field::Value => (s.value, s.currency.as_deref()),
                _ => (s.quantity, s.unit.as_deref()),
            };
            amount == Some(*value) && record_unit == Some(unit.as_str()) && unit != rule_unit
        }
        Because::Licences {
            licences,
            pattern,
            matched,
        } => {
            let re = regex::RegexBuilder::new(pattern)
                .case_insensitive(true)
                .build()
                .unwrap();
            *licences == s.licences
                && *matched == s.licences.iter().find(|l| re.is_match(l)).cloned()
        }
        Because::Licence(check) => {
            s.licences.contains(&check.licence)
                && check.covers == check.failures.is_empty()
                && check.failures.iter().all(|f| match f {
                    export_control::licences::LicenceFailure::Format { pattern } => {
                        !regex::RegexBuilder::new(pattern)
                            .case_insensitive(true)
                            .build()
                            .unwrap()
                            .is_match(&check.licence)
                    }
                    export_control::licences::LicenceFailure::Destination {
                        covers,
                        destination,
                    } => *destination == s.destination && !covers.contains(destination),
                    _ => true,
                })
        }
        Because::Missing { subject, .. } => match subject {
            Subject::Field(Field::Origin) => s.origin.is_none(),
            Subject::Field(Field::Value) => s.value.is_none(),
            Subject::Field(Field::Quantity) => s.quantity.is_none(),
            Subject::Field(Field::Description) => s.description.is_none(),
            Subject::Field(Field::Consignor) => s.consignor.is_none(),
            Subject::Field(Field::Consignee) => s.consignee.is_none(),
            Subject::Field(Field::EndUser) => s.end_user.is_none(),
            Subject::Attribute(name) => !s.attributes.contains_key(name.as_ref()),
            _ => false,
        },
        Because::PartyName {
            field,
            value,
            names,
            matched,
        } => {
            let party = match field {
                Field::Consignor => s.consignor.as_deref(),
                Field::Consignee => s.consignee.as_deref(),
                _ => s.end_user.as_deref(),
            };
            party == Some(value.as_str())
                && matched.as_deref() == names.iter().find(|n| same(n, value)).map(String::as_str)
        }
        Because::Exemption { because, .. } => {
            for inner in because {
                holds(inner, s, date, book)?;
            }
            true
        }
        // The generated rules test no other field; a reason of another kind is wrong here.
        _ => false,
    };
    if ok { Ok(()) } else { fail() }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_line_of_an_explanation_holds_on_the_record(
        rules in proptest::collection::vec(gen_rule(), 1..20),
        shipments in proptest::collection::vec(gen_shipment(), 1..20),
    ) {
        let engine = engine(&[("gen.toml".into(), rule_file("g", &rules))]);
        let mut options = CheckOptions::default();
        options.include_not_in_force = true;
        for s in &shipments {
            // Every outcome's reasons, not only those of rules that fired.
            let v = engine.check_with(s, &options);
            for m in &v.matches {
                prop_assert!(!m.because.is_empty(), "rule {} gives no reason", m.rule);
                for b in &m.because {
                    if let Err(e) = holds(b, s, s.date, engine.rulebook()) {
                        prop_assert!(false, "rule {} ({}): {}", m.rule, m.outcome, e);
                    }
                }
            }
        }
    }

    #[test]
    fn explanations_hold_for_jurisdiction_scopes_windows_exclusions_and_as_of(
        sets in proptest::collection::vec((gen_set(), proptest::collection::vec(gen_rule(), 1..10)), 1..3),
        shipments in proptest::collection::vec(gen_shipment(), 1..15),
        as_of in proptest::option::of(0u32..36),
    ) {
        let files: Vec<(String, String)> = sets
            .iter()
            .enumerate()
            .map(|(i, (set, rules))| (format!("s{i}.toml"), rule_file_with(&format!("s{i}"), rules, set)))
            .collect();
        let engine = engine(&files);
        let mut options = CheckOptions::default();
        options.include_not_in_force = true;
        options.as_of = as_of.map(|m| month(m).parse().unwrap());
        for s in &shipments {
            let v = engine.check_with(s, &options);
            let date = options.as_of.unwrap_or(s.date);
            prop_assert_eq!(v.as_of, date);
            for m in &v.matches {
                prop_assert!(!m.because.is_empty(), "rule {} gives no reason", m.rule);
                for b in &m.because {
                    if let Err(e) = holds(b, s, date, engine.rulebook()) {
                        prop_assert!(false, "rule {} ({}): {}", m.rule, m.outcome, e);
                    }
                }
            }
            prop_assert_eq!(engine.decide_with(s, &options), v.decision);
        }
    }

    /// The rules in force on a date, worked out here from the generated windows (the set's and
    /// the rule's, by comparing dates), not by the engine: a check with windows gives exactly
    /// the matches of the same rules without windows, less those out of force on the date.
    #[test]
    fn rule_windows_agree_with_an_independent_oracle(
        set in gen_set(),
        rules in proptest::collection::vec(gen_rule(), 1..20),
        shipments in proptest::collection::vec(gen_shipment(), 1..15),
        as_of in proptest::option::of(0u32..36),
    ) {
        let windowed = engine(&[("w.toml".into(), rule_file_with("w", &rules, &set))]);
        let timeless_rules: Vec<GenRule> = rules
            .iter()
            .cloned()
            .map(|mut r| {
                r.window = None;
                r
            })
            .collect();
        let timeless_set = GenSet { window: None, ..set.clone() };
        let timeless = engine(&[("w.toml".into(), rule_file_with("w", &timeless_rules, &timeless_set))]);
        let day = |m: u32| -> NaiveDate { month(m).parse().unwrap() };
        let in_force = |n: usize, date: NaiveDate| -> bool {
            let within = |w: Option<(u32, u32)>| {
                w.is_none_or(|(a, b)| date >= day(a.min(b)) && date <= day(a.max(b)))
            };
            within(set.window) && within(rules[n].window)
        };
        let mut options = CheckOptions::default();
        options.as_of = as_of.map(day);
        for s in &shipments {
            let date = options.as_of.unwrap_or(s.date);
            let with = windowed.check_with(s, &options);
            let without = timeless.check_with(s, &options);
            let number = |rule: &str| -> usize { rule.trim_start_matches("w-").parse().unwrap() };
            let expected: Vec<(String, export_control::Outcome)> = without
                .matches
                .iter()
                .filter(|m| in_force(number(&m.rule), date))
                .map(|m| (m.rule.to_string(), m.outcome))
                .collect();
            let got: Vec<(String, export_control::Outcome)> =
                with.matches.iter().map(|m| (m.rule.to_string(), m.outcome)).collect();
            prop_assert_eq!(&got, &expected, "on {}", date);
            let decision = without
                .matches
                .iter()
                .filter(|m| in_force(number(&m.rule), date))
                .map(|m| m.effect())
                .max()
                .unwrap_or(export_control::Decision::Allowed);
            prop_assert_eq!(with.decision, decision);
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

/// Text of any characters, control characters and the invisible ones that reorder text often.
fn hostile_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => any::<char>(),
            1 => Just('\n'),
            1 => Just('\r'),
            1 => Just('\u{1b}'),
            1 => Just('\u{202e}'),
            1 => Just('\0'),
            2 => proptest::sample::select(&['d', 'r', 'o', 'n', 'e', ' ', 'L', 'I', 'C', '-'][..]),
        ],
        0..16,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// No value of a record reaches the text of a verdict raw: every reason is one line without
    /// control characters, and the verdict has exactly the lines its structure gives.
    #[test]
    fn record_texts_never_reach_a_verdicts_text_raw(
        id in hostile_text(),
        description in hostile_text(),
        consignee in hostile_text(),
        end_user in hostile_text(),
        licence in hostile_text(),
        attribute in hostile_text(),
        code in proptest::sample::select(&["950300", "8542310000", "880610", "930190"][..]),
        destination in proptest::sample::select(&["RU", "KG", "AE"][..]),
    ) {
        let engine = crate::common::shipped();
        let mut s = Shipment::new(
            id,
            "2023-11-15".parse().unwrap(),
            code.parse().unwrap(),
            "KZ".parse().unwrap(),
            destination.parse().unwrap(),
        );
        s.description = Some(description);
        s.consignee = Some(consignee);
        s.end_user = Some(end_user);
        s.licences = vec![licence];
        s.attributes.insert("buyer_type".into(), attribute);
        let mut options = CheckOptions::default();
        options.include_not_in_force = true;
        let v = engine.check_with(&s, &options);
        let mut lines = 1 + usize::from(v.matches.is_empty());
        for m in &v.matches {
            lines += 3;
            for b in &m.because {
                let mut reasons = vec![b];
                if let Because::Exemption { because, .. } = b {
                    reasons.extend(because.iter());
                }
                lines += reasons.len();
                for r in reasons {
                    let text = r.to_string();
                    prop_assert!(!text.chars().any(char::is_control), "{:?}", text);
                    prop_assert!(!text.contains('\u{202e}'), "{:?}", text);
                }
            }
        }
        let shown = v.to_string();
        prop_assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{:?}", shown);
        prop_assert_eq!(shown.lines().count(), lines, "{}", shown);
    }
}

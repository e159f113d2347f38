//! The HTML reports parse as HTML5 without a single parse error (html5ever, the WHATWG
//! algorithm with its errors reported exactly), every id is unique, and every link inside the
//! report leads to an element that exists.

use std::collections::BTreeMap;

use html5ever::driver::ParseOpts;
use html5ever::tendril::TendrilSink;
use html5ever::tree_builder::TreeBuilderOpts;
use markup5ever_rcdom::{Handle, NodeData, RcDom};

use crate::audit::SAMPLE_YEAR;

/// The parse errors of `html`, and its elements' `id` and `href` attribute values.
struct Parsed {
    errors: Vec<String>,
    ids: BTreeMap<String, usize>,
    hrefs: Vec<String>,
    elements: usize,
}

fn parse(html: &str) -> Parsed {
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            exact_errors: true,
            ..TreeBuilderOpts::default()
        },
        ..ParseOpts::default()
    };
    let dom = html5ever::parse_document(RcDom::default(), opts)
        .from_utf8()
        .read_from(&mut html.as_bytes())
        .unwrap();
    let mut parsed = Parsed {
        errors: dom.errors.borrow().iter().map(|e| e.to_string()).collect(),
        ids: BTreeMap::new(),
        hrefs: Vec::new(),
        elements: 0,
    };
    walk(&dom.document, &mut parsed);
    parsed
}

fn walk(node: &Handle, parsed: &mut Parsed) {
    if let NodeData::Element { attrs, .. } = &node.data {
        parsed.elements += 1;
        for attr in attrs.borrow().iter() {
            match &*attr.name.local {
                "id" => *parsed.ids.entry(attr.value.to_string()).or_default() += 1,
                "href" => parsed.hrefs.push(attr.value.to_string()),
                _ => {}
            }
        }
    }
    for child in node.children.borrow().iter() {
        walk(child, parsed);
    }
}

fn assert_valid(name: &str, html: &str) -> Parsed {
    let parsed = parse(html);
    assert!(
        parsed.errors.is_empty(),
        "{name}: {} HTML5 parse error(s): {:?}",
        parsed.errors.len(),
        &parsed.errors[..parsed.errors.len().min(10)]
    );
    let twice: Vec<_> = parsed.ids.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "{name}: ids given more than once: {twice:?}"
    );
    for href in &parsed.hrefs {
        let target = href
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{name}: a link out of the report: {href}"));
        assert!(
            parsed.ids.contains_key(target),
            "{name}: a link to #{target}, which no element has"
        );
    }
    parsed
}

fn report(args: &[&str]) -> String {
    let out = crate::audit::example("audit").args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_checker_finds_what_is_wrong() {
    let bad = parse("<!DOCTYPE html><html><body><p><div></p></span></body></html>");
    assert!(!bad.errors.is_empty());
    let no_doctype = parse("<html><body></body></html>");
    assert!(!no_doctype.errors.is_empty());
    let good = parse(
        "<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head>\
         <body><p id=\"a\"><a href=\"#a\">x</a></p></body></html>",
    );
    assert!(good.errors.is_empty(), "{:?}", good.errors);
    assert_eq!(good.ids.get("a"), Some(&1));
    assert_eq!(good.hrefs, ["#a"]);
}

#[test]
fn the_html_reports_are_valid_html5_whose_links_all_lead_somewhere() {
    // The golden file's own report (the golden file writes its digest as `<digest>`).
    let fixture = report(&[
        "--rules",
        "rules",
        "--shipments",
        "tests/fixtures/audit.csv",
        "--format",
        "html",
    ]);
    assert_valid("the report of tests/fixtures/audit.csv", &fixture);

    let sample = report(
        &[
            &SAMPLE_YEAR[..],
            &["--format", "html", "--detail", "1000000"],
        ]
        .concat(),
    );
    let parsed = assert_valid("the sample's report, every record", &sample);
    // The sample's report has its sections, a record per record not allowed, and the index.
    for id in [
        "contents", "verdicts", "by-rule", "records", "index", "ch-93",
    ] {
        assert!(parsed.ids.contains_key(id), "no #{id}");
    }
    let records = parsed
        .ids
        .keys()
        .filter(|id| id.starts_with("rec-"))
        .count();
    assert!(records > 500, "{records} records");
    assert!(
        parsed.hrefs.len() > 3 * records,
        "{} links",
        parsed.hrefs.len()
    );

    // Bounded to two records a group, the index links only to records shown.
    let bounded = report(&[&SAMPLE_YEAR[..], &["--format", "html", "--detail", "2"]].concat());
    let parsed = assert_valid("the sample's report, --detail 2", &bounded);
    let shown = parsed
        .ids
        .keys()
        .filter(|id| id.starts_with("rec-"))
        .count();
    assert!(
        shown > 0 && shown < records / 5,
        "{shown} of {records} records shown"
    );
}

#[test]
fn hostile_values_leave_the_report_valid() {
    // Ids, parties, descriptions and attributes with markup, quotes, entities and controls.
    let dir = crate::common::fresh_dir("html-hostile");
    let csv = dir.join("hostile.csv");
    std::fs::write(
        &csv,
        "id,date,hs_code,export_country,destination,consignee,end_user,description,value,currency\n\
         \"<b>x</b>\",2023-11-15,930190,KZ,RU,\"A & B <i>\",\"\"\"q\"\" '\",\"</td></tr></table><script>\",100,USD\n\
         \"a\u{7}b\",2023-11-15,854231,KZ,RU,\"<!--\",\"]]>\",\"&amp;&#0;\",5,USD\n\
         \"dest?\",2023-11-15,854231,KZ,XX,,,,,\n",
    )
    .unwrap();
    let html = report(&[
        "--rules",
        "rules",
        "--shipments",
        csv.to_str().unwrap(),
        "--format",
        "html",
    ]);
    assert_valid("a report of hostile values", &html);
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<b>x</b>"));
}

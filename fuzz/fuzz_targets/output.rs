//! The audit's writers (table, Markdown and HTML reports) fed arbitrary records: programmatic
//! shipments with any text in every text field, and invalid records with any message. No
//! control character reaches any output raw (but the line ends the formats write), the table
//! has one line per record, and no report holds markup a record brought in.
#![no_main]

// The audit's writers, as the command holds them: its modules refer to each other through
// `super`, which here is this crate's root.
#[path = "../../src/bin/export-control/audit/kinds.rs"]
mod kinds;
#[path = "../../src/bin/export-control/audit/escape.rs"]
mod escape;
#[path = "../../src/bin/export-control/audit/html.rs"]
mod html;
#[path = "../../src/bin/export-control/audit/licences.rs"]
mod licences;
#[path = "../../src/bin/export-control/audit/links.rs"]
mod links;
#[path = "../../src/bin/export-control/audit/output.rs"]
#[allow(dead_code, reason = "the target drives the writers, not every option the command has")]
mod output;
#[path = "../../src/bin/export-control/audit/report.rs"]
mod report;
#[path = "../../src/bin/export-control/audit/row.rs"]
mod row;
#[path = "../../src/bin/export-control/audit/detail.rs"]
mod detail;
#[path = "../../src/bin/export-control/audit/summary.rs"]
#[allow(dead_code, reason = "the target drives the writers, not every option the command has")]
mod summary;

use kinds::{InputInfo, OutputFormat};

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use export_control::read::{self, Record};
use export_control::{CheckOptions, Decision, Engine, Shipment};
use libfuzzer_sys::fuzz_target;

use output::RowWriter;
use row::AuditRow;
use summary::Summary;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules")).unwrap())
}

#[derive(Debug, Arbitrary)]
struct Item {
    id: String,
    code: u8,
    destination: u8,
    description: Option<String>,
    consignee: Option<String>,
    end_user: Option<String>,
    value: Option<(u64, String)>,
    licences: Vec<String>,
    attributes: Vec<(String, String)>,
    /// Also a record of bytes to read as JSON Lines (for invalid records and their messages).
    line: Vec<u8>,
}

const CODES: [&str; 6] = ["950300", "8542310000", "880610", "930190", "847130", "090111"];
const DESTINATIONS: [&str; 4] = ["RU", "KG", "AE", "CN"];

fn control_free(text: &str) -> bool {
    !text
        .chars()
        .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

fuzz_target!(|items: Vec<Item>| {
    let engine = engine();
    let options = CheckOptions::default();
    let mut rows = Vec::new();
    for item in items.iter().take(50) {
        let mut s = Shipment::new(
            item.id.clone(),
            "2023-11-15".parse().unwrap(),
            CODES[usize::from(item.code) % CODES.len()].parse().unwrap(),
            "KZ".parse().unwrap(),
            DESTINATIONS[usize::from(item.destination) % DESTINATIONS.len()].parse().unwrap(),
        );
        s.description = item.description.clone();
        s.consignee = item.consignee.clone();
        s.end_user = item.end_user.clone();
        if let Some((value, currency)) = &item.value {
            s.value = Some((*value).into());
            s.currency = Some(currency.clone());
        }
        s.licences = item.licences.clone();
        s.attributes = item.attributes.iter().cloned().collect();
        let verdict = engine.check_with(&s, &options);
        let record = Record { line: rows.len() as u64 + 2, shipment: s };
        // `--explain`'s text too.
        let explained = output::explanation(&record, &verdict, engine);
        assert!(control_free(&explained), "a control character in an explanation");
        rows.push(AuditRow::checked(record, verdict));
        for result in read::json_lines(&item.line[..]).take(3) {
            rows.push(match result {
                Ok(record) => {
                    let verdict = engine.check_with(&record.shipment, &options);
                    AuditRow::checked(record, verdict)
                }
                Err(error) => AuditRow::invalid(&error, engine.digest()),
            });
        }
    }
    let input = InputInfo {
        name: "fuzz\n<b>input</b>".to_owned(),
        digest: "sha256:00".to_owned(),
        bytes: 0,
    };
    for format in [OutputFormat::Table, OutputFormat::Markdown, OutputFormat::Html] {
        let mut writer = RowWriter::new(format, false, engine, &options, Decision::LicenseRequired);
        let mut summary = Summary::new(Decision::LicenseRequired, (format != OutputFormat::Table).then_some(usize::from(items.len() as u8 % 4)));
        let mut out: Vec<u8> = Vec::new();
        writer.begin(&mut out).unwrap();
        for row in &rows {
            writer.row(&mut out, row).unwrap();
            summary.add(row);
        }
        writer.end(&mut out, &summary, &input).unwrap();
        let _ = summary.failed();
        assert!(control_free(&summary.stderr_line(1.0)));
        let text = String::from_utf8(out).expect("the output is UTF-8");
        if let Some(at) = text.find(|c: char| !control_free(&c.to_string())) {
            let from = text.floor_char_boundary(at.saturating_sub(80));
            let to = text.ceil_char_boundary((at + 40).min(text.len()));
            panic!("{format:?}: a control character reached the output: {:?}", &text[from..to]);
        }
        match format {
            OutputFormat::Table => {
                // The header, a line per record, the totals.
                assert_eq!(text.lines().count(), rows.len() + 2, "one line per record");
            }
            OutputFormat::Markdown => {
                assert!(!text.contains('<'), "raw markup in the Markdown report");
                // Links only in the contents, which precede the first table of values.
                let body = text.split_once("\n## Rule sets").map_or(text.as_str(), |(_, b)| b);
                assert!(!body.contains("]("), "a link in the Markdown report");
            }
            _ => {
                for tag in ["<script", "<img", "<iframe", "onerror", "onload"] {
                    assert!(!text.contains(tag), "`{tag}` in the HTML report");
                }
                // The report's own links only: to a fragment of safe characters.
                for (at, _) in text.match_indices("<a ") {
                    let rest = &text[at..];
                    let id = rest
                        .strip_prefix("<a href=\"#")
                        .and_then(|r| r.split_once("\">"))
                        .map(|(id, _)| id);
                    assert!(
                        id.is_some_and(|id| !id.is_empty()
                            && id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c))),
                        "a link in the HTML report that is not the report's own: {:?}",
                        &rest[..rest.len().min(80)]
                    );
                }
            }
        }
    }
});

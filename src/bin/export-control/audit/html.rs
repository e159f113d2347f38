//! The HTML report: one self-contained page with inline SVG charts, written through maud's
//! templates, which escape every value they insert (`&`, `<`, `>`, `"`). Values from records
//! and rules go in as [`Text`] (control characters shown as escapes first) or [`Dated`]
//! (the same, with each ISO date kept on one line); the only markup inserted as it is comes
//! from [`match_lines`](super::report), which builds each rule's lines with the same escapers
//! for both report formats.
//!
//! The page holds no wall-clock time: the same inputs and rules give the same bytes.

use std::collections::BTreeMap;

use export_control::{CheckOptions, Decision, Engine};
use maud::{DOCTYPE, Markup, PreEscaped, Render, html};
use rust_decimal::Decimal;

use super::InputInfo;
use super::detail::Detail;
use super::escape::{Dated, Text, esc_dates, html_code};
use super::licences::Section;
use super::links::{self, Index, Kind};
use super::report::{
    RulePaths, as_of_text, detail_limit, excluded_text, match_lines, omitted_text, record_heading,
    rule_set_table, status_rows,
};
use super::row::{AuditRow, VERDICTS};
use super::summary::{Counts, STATUSES, SpikeSeries, Summary, Total};

const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#222}\
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}\
th{background:#f2f2f2}code{font-size:90%}.prohibited{color:#b00020;font-weight:bold}.license_required{color:#a15c00;font-weight:bold}\
.review{color:#00607a}.invalid{color:#6a1b9a}.rec{border-top:1px solid #ddd;padding:.4rem 0;break-inside:avoid}ul{margin:.2rem 0}time{white-space:nowrap}.links{margin:.1rem 0;font-size:90%;color:#555}.index li{margin:.2rem 0}\
@media print{body{margin:0;max-width:none;font-size:11px}.rec{page-break-inside:avoid}h2{page-break-after:avoid}}";

const PALETTE: [&str; 7] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#9c9c9c",
];

/// The report as one HTML page.
pub fn html(
    engine: &Engine,
    summary: &Summary,
    input: &InputInfo,
    options: &CheckOptions,
    fail_on: Decision,
) -> String {
    let paths = RulePaths::new(engine);
    let groups = summary
        .detail
        .as_ref()
        .map(Detail::groups)
        .unwrap_or_default();
    let ordered: Vec<&AuditRow<'_>> = groups.iter().flat_map(|g| g.rows.iter().copied()).collect();
    let index = Index::new(&ordered);
    let licences = super::licences::sections(engine, summary);
    let sections = [
        ("rule-sets", "Rule sets", true),
        ("verdicts", "Verdicts", true),
        (
            "by-status",
            "Verdicts by the standing of the measures behind them",
            true,
        ),
        ("value-stopped", "Value stopped", true),
        ("by-rule", "By rule", true),
        ("by-chapter", "By HS chapter", true),
        ("by-destination", "By destination", true),
        (
            "spikes",
            "Spikes against the baseline",
            !summary.spikes.is_empty(),
        ),
        ("licences", "Licences", !licences.is_empty()),
        ("records", "Records not allowed", true),
        ("index", "Index of records", true),
    ];
    let page = html! {
        (DOCTYPE) "\n"
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "Export control audit" }
                style { (PreEscaped(CSS)) }
            }
            body {
                "\n"
                h1 { "Export control audit" }
                "\n"
                (header(engine, summary, input, options, fail_on))
                "\n"
                nav id="contents" {
                    h2 { "Contents" }
                    ul {
                        @for (id, title, _) in sections.iter().filter(|s| s.2) {
                            li { a href={ "#" (id) } { (title) } }
                        }
                    }
                }
                "\n"
                (rule_sets(engine, &index))
                "\n"
                (verdicts(summary))
                "\n"
                (value_stopped(summary, fail_on))
                "\n"
                (by_rule(summary, &index))
                "\n"
                (counts_table(("by-chapter", "By HS chapter"), "chapter", &summary.by_chapter,
                    |c| index.link(Kind::Chapter, c, Text(c))))
                (counts_table(("by-destination", "By destination"), "destination",
                    &summary.by_destination, |d| index.link(Kind::Destination, d, Text(d))))
                @if !summary.spikes.is_empty() {
                    "\n"
                    (spikes(summary, &paths))
                }
                @if !licences.is_empty() {
                    "\n"
                    (licence_sections(&licences))
                }
                "\n"
                h2 id="records" { "Records not allowed" }
                "\n"
                @if ordered.is_empty() {
                    p { "None." }
                }
                @if let Some(limit) = detail_limit(summary) {
                    p { (Text(&limit)) }
                }
                @for group in &groups {
                    @for row in &group.rows {
                        (record(row, &index, &paths))
                    }
                    @if let Some(more) = omitted_text(group) {
                        p.more { i { (Text(&more)) } }
                        "\n"
                    }
                }
                "\n"
                h2 id="index" { "Index of records" }
                (index.html())
            }
        }
        "\n"
    };
    page.into_string()
}

/// What was checked against what: the input, the rules, the options; the licence registers.
fn header(
    engine: &Engine,
    summary: &Summary,
    input: &InputInfo,
    options: &CheckOptions,
    fail_on: Decision,
) -> Markup {
    html! {
        table {
            tr {
                th { "shipments" }
                td { code { (Text(&input.name)) } " (" (input.bytes) " bytes, " (input.digest) ")" }
            }
            tr { th { "records" } td { (summary.verdicts.total()) } }
            tr { th { "rules digest" } td { (engine.digest()) } }
            tr { th { "as of" } td { (Dated(&as_of_text(options.as_of))) } }
            @if let Some(excluded) = excluded_text(options) {
                tr { th { "left out" } td { (Text(&excluded)) } }
            }
            tr { th { "fails from" } td { (fail_on.to_string()) " (and invalid records)" } }
            tr { th { "engine" } td { "export-control " (env!("CARGO_PKG_VERSION")) } }
        }
        @if !summary.registers.is_empty() {
            table {
                @for (name, digest) in &summary.registers {
                    tr { th { "licence register" } td { code { (Text(name)) } " (" (digest) ")" } }
                }
            }
        }
    }
}

fn rule_sets(engine: &Engine, index: &Index) -> Markup {
    html! {
        h2 id="rule-sets" { "Rule sets" }
        table {
            tr { th { "id" } th { "version" } th { "status" } th { "in force" } th { "file" } th { "citations" } }
            @for s in rule_set_table(engine) {
                tr {
                    td { (index.link(Kind::RuleSet, &s.id, Text(&s.id))) }
                    td { (Dated(&s.version)) }
                    td { (s.status) }
                    td { (Dated(&s.window)) }
                    td { (Text(&s.file)) }
                    td { (Text(&s.citations.join("; "))) }
                }
            }
        }
    }
}

/// The verdicts, and the same counts by the standing of the measures that decided them.
fn verdicts(summary: &Summary) -> Markup {
    html! {
        h2 id="verdicts" { "Verdicts" }
        table {
            tr { th { "verdict" } th { "records" } }
            @for (v, n) in VERDICTS.iter().zip(summary.verdicts.0) {
                tr { td class=(v) { (v) } td { (n) } }
            }
        }
        "\n"
        h2 id="by-status" { "Verdicts by the standing of the measures behind them" }
        p {
            "Each record not allowed counts under the firmest status among the rule sets whose \
             rules gave its verdict."
        }
        table {
            tr {
                th { "verdict" }
                @for status in STATUSES { th { (status) } }
            }
            @for (decision, counts) in status_rows(summary) {
                tr {
                    td class=(decision.to_string()) { (decision.to_string()) }
                    @for n in counts { td { (n) } }
                }
            }
        }
    }
}

fn value_stopped(summary: &Summary, fail_on: Decision) -> Markup {
    html! {
        h2 id="value-stopped" { "Value stopped" }
        (charts(summary))
        table {
            tr { th { "currency" } th { "value at or above " (fail_on.to_string()) } }
            @for (currency, value) in &summary.stopped {
                tr { td { (Text(currency)) } td { (value.to_string()) } }
            }
        }
        @if summary.stopped_without_value > 0 {
            p { (summary.stopped_without_value) " such record(s) declare no value." }
        }
    }
}

fn by_rule(summary: &Summary, index: &Index) -> Markup {
    html! {
        h2 id="by-rule" { "By rule" }
        table {
            tr {
                th { "rule" } th { "rule set" } th { "verdict" } th { "fired" }
                th { "cannot tell" } th { "exempted" } th { "licensed" }
            }
            @for (rule, c) in &summary.by_rule {
                tr {
                    td { (index.link(Kind::Rule, rule, html! { code { (Text(rule)) } })) }
                    td { (index.link(Kind::RuleSet, &c.ruleset, Text(&c.ruleset))) }
                    td { (c.verdict.to_string()) }
                    td { (c.fired) }
                    td { (c.undetermined) }
                    td { (c.exempted) }
                    td { (c.licensed) }
                }
            }
        }
    }
}

/// Records by a key (chapter, destination) and verdict, each key linking to its records.
fn counts_table(
    (id, title): (&str, &str),
    first: &str,
    rows: &BTreeMap<String, Counts>,
    link: impl Fn(&str) -> Markup,
) -> Markup {
    html! {
        h2 id=(id) { (title) }
        table {
            tr {
                th { (first) }
                th { "total" }
                @for v in VERDICTS { th { (v) } }
            }
            @for (label, c) in rows {
                tr {
                    td { (link(label)) }
                    td { (c.total()) }
                    @for n in c.0 { td { (n) } }
                }
            }
        }
    }
}

fn spikes(summary: &Summary, paths: &RulePaths) -> Markup {
    html! {
        h2 id="spikes" { "Spikes against the baseline" }
        p {
            "Each key a spike rule flagged records for: its total per month (bars) against the \
             average month of its baseline year (line)."
        }
        @for ((rule, key, unit), series) in &summary.spikes {
            h3 { code { (Text(rule)) } " " (Text(&key.to_string())) " (" (Text(unit)) ")" }
            p {
                (series.flagged) " record(s) flagged; baseline " (series.baseline.to_string()) " "
                (Text(unit)) " a month (" (series.baseline_year) " average, from "
                (Text(&paths.baseline_source(series))) ")."
            }
            (sparkline(series, unit))
        }
    }
}

fn licence_sections(licences: &[Section]) -> Markup {
    html! {
        h2 id="licences" { "Licences" }
        p {
            "Each licence of the register and each licence number the records carried: what the \
             audit drew on it, what is left, the records that drew on it, and those it did not \
             cover with why."
        }
        @for section in licences {
            h3 { code { (Text(&section.id)) } }
            p { (Text(&section.terms)) }
            @if !section.limits.is_empty() {
                ul { @for limit in &section.limits { li { (Text(limit)) } } }
            }
            @if section.drew.is_empty() && section.refused.is_empty() {
                p { "No record carried it." }
            } @else {
                table {
                    tr { th { "record" } th { "date" } th { "drew" } th { "not covered because" } }
                    @for [id, date, drew] in &section.drew {
                        tr { td { (Text(id)) } td { (Dated(date)) } td { (Dated(drew)) } td {} }
                    }
                    @for [id, date, why] in &section.refused {
                        tr { td { (Text(id)) } td { (Dated(date)) } td {} td { (Dated(why)) } }
                    }
                }
                "\n"
                @if let Some(omitted) = &section.omitted {
                    p.more { i { (Text(omitted)) } }
                }
            }
        }
    }
}

/// One record of the detail section: its heading, its links, and each rule's part in it.
fn record(row: &AuditRow<'_>, index: &Index, paths: &RulePaths) -> Markup {
    html! {
        div.rec id=(links::record(row.record.line)) {
            h3 class=(row.verdict()) { (Dated(&record_heading(row))) }
            (index.back_links(row))
            @if let Some(error) = row.error() {
                p { "Could not be read: " (Text(error)) }
            } @else {
                ul {
                    @for m in &row.record.matches {
                        // Built by the escapers both formats share (see the module's note).
                        @let (head, lines) = match_lines(m, paths, esc_dates, html_code);
                        li {
                            b { (PreEscaped(head)) }
                            ul { @for line in lines { li { (PreEscaped(line)) } } }
                        }
                    }
                }
            }
        }
        "\n"
    }
}

/// The charts of the value stopped: one per currency that records were stopped in (the four
/// with the most records), and in each currency one per verdict, so that what is prohibited
/// and what needs a licence are never added up.
fn charts(summary: &Summary) -> Markup {
    let mut currencies: Vec<(&String, &u64)> = summary.stopped_records.iter().collect();
    currencies.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shown: Vec<(&String, Vec<Decision>)> = currencies
        .iter()
        .take(4)
        .map(|(currency, _)| {
            let mut verdicts: Vec<Decision> = summary
                .stopped_by_month
                .keys()
                .filter(|(c, ..)| c == *currency)
                .map(|(_, d, ..)| *d)
                .collect();
            verdicts.sort();
            verdicts.dedup();
            verdicts.reverse();
            (*currency, verdicts)
        })
        .collect();
    html! {
        @for (currency, verdicts) in &shown {
            @for verdict in verdicts {
                (chart(summary, currency, *verdict))
            }
        }
        @if shown.iter().all(|(_, v)| v.is_empty()) {
            p { "No value stopped." }
        }
        @if currencies.len() > 4 {
            p { (currencies.len() - 4) " more currencies are in the table only." }
        }
    }
}

/// Round ticks from 0 to at least `max`: a step of 1, 2, 2.5 or 5 times a power of ten, for
/// four or five intervals.
fn ticks(max: f64) -> (f64, usize) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 1);
    }
    let raw = max / 4.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    let count = (max / step).ceil().max(1.0) as usize;
    (step, count)
}

/// A coordinate with one decimal.
fn at(value: f64) -> String {
    format!("{value:.1}")
}

/// One bar of a chart: its series (the chapter's place among the six largest, 6 for the
/// rest), its total and its chapters.
type Bar<'a> = (usize, Total, Vec<&'a str>);

/// A bar stacked on a month's column: the bar, its top and its height.
type Stacked<'a> = (Bar<'a>, f64, f64);

/// One chart: value stopped in `currency` with `verdict`, by month, stacked by HS chapter.
fn chart(summary: &Summary, currency: &str, verdict: Decision) -> Markup {
    let mut by_chapter: BTreeMap<&str, Total> = BTreeMap::new();
    let mut months: BTreeMap<&str, BTreeMap<&str, Total>> = BTreeMap::new();
    for ((cur, d, month, chapter), value) in &summary.stopped_by_month {
        if cur != currency || *d != verdict {
            continue;
        }
        let slot = by_chapter.entry(chapter).or_default();
        *slot = slot.plus(*value);
        let slot = months.entry(month).or_default().entry(chapter).or_default();
        *slot = slot.plus(*value);
    }
    let mut ranked: Vec<(&str, Total)> = by_chapter.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let top: Vec<&str> = ranked.iter().take(6).map(|(c, _)| *c).collect();
    let series = |chapter: &str| top.iter().position(|t| *t == chapter).unwrap_or(6);
    let max = months
        .values()
        .map(|m| m.values().fold(Total::default(), |a, b| a.plus(*b)))
        .max()
        .unwrap_or_default();
    // An overflowed total scales as the largest amount a `Decimal` holds.
    let as_f64 = |t: Total| -> f64 {
        t.value()
            .unwrap_or(Decimal::MAX)
            .to_string()
            .parse::<f64>()
            .unwrap_or(0.0)
    };
    let (step_value, intervals) = ticks(as_f64(max));
    let axis_max = step_value * intervals as f64;
    let (w, h, left, bottom, top_pad) = (760.0, 300.0, 90.0, 50.0, 20.0);
    let plot_h = h - bottom - top_pad;
    let n = months.len().max(1) as f64;
    let bar_w = ((w - left - 20.0) / n * 0.7).max(2.0);
    let step = (w - left - 20.0) / n;
    let phrase = match verdict {
        Decision::Prohibited => "prohibited",
        Decision::LicenseRequired => "needing a licence",
        Decision::Review => "sent to review",
        _ => "allowed",
    };
    // A currency is three letters when read from a file, but a caller's record may hold
    // anything: it goes in as text.
    let label = format!(
        "Value of records {phrase} ({}) by month and HS chapter",
        export_control::verdict::Escaped(currency)
    );
    let axis_y = at(top_pad + plot_h / 2.0);
    // Each month's bar: where it stands, and its stacked parts from the bottom (series,
    // total, chapters; the top and the height of each).
    let bars: Vec<(&str, f64, Vec<Stacked<'_>>)> = months
        .iter()
        .enumerate()
        .map(|(i, (month, chapters))| {
            let x = left + step * i as f64 + (step - bar_w) / 2.0;
            let mut stacked: Vec<Bar<'_>> = Vec::new();
            for (chapter, value) in chapters {
                let s = series(chapter);
                match stacked.iter_mut().find(|(k, ..)| *k == s) {
                    Some(entry) => {
                        entry.1 = entry.1.plus(*value);
                        entry.2.push(chapter);
                    }
                    None => stacked.push((s, *value, vec![chapter])),
                }
            }
            stacked.sort();
            let mut y = h - bottom;
            let parts = stacked
                .into_iter()
                .map(|bar| {
                    let bar_h = plot_h * as_f64(bar.1) / axis_max;
                    y -= bar_h;
                    (bar, y, bar_h)
                })
                .collect();
            (*month, x, parts)
        })
        .collect();
    let mut legend: Vec<String> = top.iter().map(|c| format!("ch. {c}")).collect();
    if ranked.len() > 6 {
        legend.push("other".to_owned());
    }
    let svg = html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (w) " " (h + 30.0) }
            width=(w) height=(h + 30.0) role="img" aria-label=(Text(&label)) {
            line x1=(left) y1=(top_pad) x2=(left) y2=(h - bottom) stroke="#333" {}
            line x1=(left) y1=(h - bottom) x2=(w - 10.0) y2=(h - bottom) stroke="#333" {}
            // The axis unit, along the axis.
            text x="14" y=(axis_y) font-size="11" text-anchor="middle"
                transform={ "rotate(-90 14 " (axis_y) ")" } { (Text(currency)) }
            @for tick in 0..=intervals {
                @let value = step_value * tick as f64;
                @let y = h - bottom - plot_h * value / axis_max;
                text x=(left - 4.0) y=(at(y + 3.0)) font-size="10" text-anchor="end" { (human(value)) }
                line x1=(left) y1=(at(y)) x2=(w - 10.0) y2=(at(y)) stroke="#eee" {}
            }
            @for (month, x, parts) in &bars {
                @for ((s, value, chapters), y, bar_h) in parts {
                    @let names = if *s < 6 {
                        format!("ch. {}", chapters.join(", "))
                    } else {
                        format!("other chapters ({})", chapters.join(", "))
                    };
                    rect x=(at(*x)) y=(at(*y)) width=(at(bar_w)) height=(at(*bar_h))
                        fill=(PALETTE[(*s).min(6)]) {
                        title {
                            (month) ", " (Text(&names)) ": " (value.to_string()) " "
                            (Text(currency)) ", " (phrase)
                        }
                    }
                }
                @let middle = at(x + bar_w / 2.0);
                text x=(middle) y=(h - bottom + 12.0) font-size="9" text-anchor="end"
                    transform={ "rotate(-45 " (middle) " " (h - bottom + 12.0) ")" } { (month) }
            }
            @for (i, name) in legend.iter().enumerate() {
                @let legend_x = left + 80.0 * i as f64;
                rect x=(legend_x) y=(h + 12.0) width="10" height="10" fill=(PALETTE[i.min(6)]) {}
                text x=(legend_x + 14.0) y=(h + 21.0) font-size="11" { (Text(name)) }
            }
        }
    };
    html! {
        figure { (svg) figcaption { (Text(&label)) "." } }
    }
}

/// Monthly bars of a spike key with its baseline as a line, each bar titled with its month and
/// total.
fn sparkline(series: &SpikeSeries, unit: &str) -> Markup {
    use rust_decimal::prelude::ToPrimitive as _;
    let (bar, height) = (10u32, 60.0f64);
    let max = series
        .months
        .values()
        .copied()
        .chain(std::iter::once(series.baseline))
        .max()
        .and_then(|d| d.to_f64())
        .filter(|m| *m > 0.0)
        .unwrap_or(1.0);
    let width = bar * u32::try_from(series.months.len()).unwrap_or(0).max(1);
    let y = height - series.baseline.to_f64().unwrap_or(0.0) / max * height;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) }
            width=(width) height=(height) role="img"
            aria-label="Monthly totals against the baseline" {
            @for (i, (month, total)) in series.months.iter().enumerate() {
                @let h = total.to_f64().unwrap_or(0.0) / max * height;
                rect x=(i as u32 * bar) y=(at(height - h)) width=(bar - 1) height=(at(h))
                    fill="#4e79a7" {
                    title { (Text(month)) " " (total.to_string()) " " (Text(unit)) }
                }
            }
            line x1="0" x2=(width) y1=(at(y)) y2=(at(y)) stroke="#e15759" {}
        }
    }
}

/// A tick's value, short: `2.5M`, `250k`.
fn human(value: f64) -> String {
    if value >= 1e9 {
        format!("{:.1}B", value / 1e9)
    } else if value >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.0}k", value / 1e3)
    } else {
        format!("{value:.0}")
    }
}

/// A report's value as [`Render`] needs it.
impl Render for Total {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(&self.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use export_control::Shipment;
    use export_control::read::Record;

    /// Found by the `output` fuzz target: a record built by a caller (not read from a file) may
    /// hold any currency, and the chart wrote it raw.
    #[test]
    fn every_value_in_the_reports_is_escaped_even_a_callers_currency() {
        let engine = Engine::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap();
        let mut s = Shipment::new(
            "X\n<blink>1</blink>",
            "2023-06-01".parse().unwrap(),
            "930190".parse().unwrap(),
            "KZ".parse().unwrap(),
            "AE".parse().unwrap(),
        );
        s.value = Some(Decimal::from(10));
        s.currency = Some("\u{e}<blink>p".to_owned());
        let verdict = engine.check(&s);
        let row = AuditRow::checked(
            Record {
                line: 2,
                shipment: s,
            },
            verdict,
        );
        let mut summary = Summary::new(Decision::LicenseRequired, Some(100));
        summary.add(&row);
        let input = InputInfo {
            name: "in\u{1b}.csv".to_owned(),
            digest: "sha256:00".to_owned(),
            bytes: 1,
        };
        let html = html(
            &engine,
            &summary,
            &input,
            &CheckOptions::default(),
            Decision::LicenseRequired,
        );
        let md = super::super::report::markdown(
            &engine,
            &summary,
            &input,
            &CheckOptions::default(),
            Decision::LicenseRequired,
        );
        for report in [&html, &md] {
            assert!(
                !report.chars().any(|c| c.is_control() && c != '\n'),
                "a control character reached a report"
            );
            assert!(!report.contains("<blink"));
        }
        assert!(
            html.contains("\\u{e}&lt;blink&gt;p"),
            "the currency is shown, escaped"
        );
    }

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(900_000.0), (250_000.0, 4));
        assert_eq!(ticks(1_025_000.0), (500_000.0, 3));
        assert_eq!(ticks(80.0), (20.0, 4));
        assert_eq!(ticks(1.0), (0.25, 4));
        assert_eq!(ticks(0.0), (1.0, 1));
        for max in [3.0, 17.0, 999.0, 12_345.0, 7.7e9] {
            let (step, n) = ticks(max);
            assert!(
                step * n as f64 >= max && step * ((n - 1) as f64) < max,
                "{max}"
            );
            assert!((3..=5).contains(&n), "{max}: {n} intervals");
        }
    }
}

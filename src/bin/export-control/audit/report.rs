//! Reports to file: Markdown, and one self-contained HTML page with an inline SVG chart.
//!
//! A report holds no wall-clock time: the same inputs and rules give the same bytes, so an
//! auditor can reproduce it. It names the input by its SHA-256 and the rules by their digest.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use export_control::verdict::Escaped;
use export_control::{CheckOptions, Decision, Engine, Outcome, RuleMatch};
use rust_decimal::Decimal;
use serde::Serialize;

use super::InputInfo;
use super::detail::{Detail, Shown};
use super::escape::{esc, esc_dates, html_code, md_code, md_escape};
use super::links::{self, Index, Kind};
use super::row::{AuditRow, VERDICTS};
use super::summary::{Counts, STATUSES, SpikeSeries, Summary, Total};

/// One rule set as the reports list it.
#[derive(Serialize)]
pub struct RuleSetRow {
    pub id: String,
    pub version: String,
    pub status: String,
    pub window: String,
    /// The file relative to the rule directory it was found under (as the digest names it).
    pub file: String,
    pub citations: Vec<String>,
}

pub fn rule_set_table(engine: &Engine) -> Vec<RuleSetRow> {
    engine
        .rulebook()
        .rule_sets()
        .iter()
        .map(|s| RuleSetRow {
            id: s.id().to_owned(),
            version: s.version().to_owned(),
            status: s.status().to_string(),
            window: s.window().to_string(),
            file: s.path().to_owned(),
            citations: s.citations().to_vec(),
        })
        .collect()
}

/// What `--exclude-status` left out, for the header; `None` when nothing was.
fn excluded_text(options: &CheckOptions) -> Option<String> {
    if options.exclude_statuses.is_empty() {
        return None;
    }
    let names: Vec<&str> = options
        .exclude_statuses
        .iter()
        .map(|s| s.as_str())
        .collect();
    Some(format!(
        "rule sets with status {}: their rules played no part in any verdict",
        names.join(", ")
    ))
}

/// The counts of records not allowed by the standing of the measures that decided them.
fn status_rows(summary: &Summary) -> Vec<(Decision, [u64; 4])> {
    summary.by_status.rows().map(|(d, c)| (d, *c)).collect()
}

fn as_of_text(as_of: Option<NaiveDate>) -> String {
    match as_of {
        Some(d) => format!("{d} (every record checked against the rules in force on this date)"),
        None => "each record's own date".to_owned(),
    }
}

fn counts_row(label: &str, c: &Counts) -> String {
    let cells: Vec<String> = c.0.iter().map(u64::to_string).collect();
    format!(
        "| {} | {} | {} |\n",
        md_escape(label),
        c.total(),
        cells.join(" | ")
    )
}

/// The rule book's files by the names they were loaded under, for a report that reads the same
/// on every machine: each name becomes the path relative to its rule directory (the name the
/// digest covers), so `/home/a/rules/x.toml` and `rules/x.toml` are both `x.toml`.
pub struct RulePaths(Vec<(String, String)>);

impl RulePaths {
    pub fn new(engine: &Engine) -> RulePaths {
        let mut pairs: Vec<(String, String)> = engine
            .rulebook()
            .sources()
            .iter()
            .filter(|s| s.name() != s.key())
            .map(|s| (s.name().to_owned(), s.key().to_owned()))
            .collect();
        // The longest name first, so that no name is replaced inside a longer one.
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        RulePaths(pairs)
    }

    /// A file's relative path; a name the rule book does not hold, unchanged.
    pub fn file<'a>(&'a self, name: &'a str) -> &'a str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or(name, |(_, key)| key.as_str())
    }

    /// Where a spike's baseline comes from, in words.
    pub fn baseline_source(&self, series: &SpikeSeries) -> String {
        match &series.statistics_file {
            Some(file) => format!("statistics file {}", self.file(file)),
            None => "the records".to_owned(),
        }
    }

    /// An explanation with every file it names in backticks (`` `rules/x.csv` ``) relative.
    pub fn text(&self, text: String) -> String {
        let mut text = text;
        for (name, key) in &self.0 {
            let quoted = format!("`{}`", Escaped(name));
            if text.contains(&quoted) {
                text = text.replace(&quoted, &format!("`{}`", Escaped(key)));
            }
        }
        text
    }
}

/// The detail lines of one rule match, shared by both report formats: each value from the rules
/// or the record goes through `text`, each id through `code`; file names are relative.
fn match_lines(
    m: &RuleMatch<'_>,
    paths: &RulePaths,
    text: fn(&str) -> String,
    code: fn(&str) -> String,
) -> (String, Vec<String>) {
    let rule = code(&m.rule);
    let head = match m.outcome {
        Outcome::Fired => format!("{} by {rule}", m.decision),
        Outcome::Undetermined => format!("review (cannot tell; would be {}) by {rule}", m.decision),
        Outcome::Exempted => format!("exempted from {} by {rule}", m.decision),
        Outcome::Licensed => format!("licensed under {rule}"),
        _ => format!("{rule} not in force"),
    };
    let head = format!(
        "{head} ({} v{}, {}) at {}",
        text(&m.ruleset),
        text(&m.version),
        m.status,
        text(&format!("{}:{}", paths.file(&m.source.file), m.source.line))
    );
    let mut lines = vec![text(&m.title), format!("cites: {}", text(&m.citation))];
    lines.extend(m.because.iter().map(|b| text(&paths.text(b.to_string()))));
    (head, lines)
}

fn record_heading(row: &AuditRow<'_>) -> String {
    let id = row.record.id.as_deref().unwrap_or("(no id)");
    let line = row.record.line;
    match &row.shipment {
        Some(s) => format!(
            "{id} (line {line}): {} — HS {}, {} → {}, {}{}",
            row.verdict(),
            s.hs_code,
            s.export_country,
            s.destination,
            s.date,
            match (&s.value, &s.currency) {
                (Some(v), Some(c)) => format!(", {} {c}", super::summary::grouped(*v)),
                _ => String::new(),
            }
        ),
        None => format!("{id} (line {line}): invalid"),
    }
}

pub fn markdown(
    engine: &Engine,
    summary: &Summary,
    input: &InputInfo,
    options: &CheckOptions,
    fail_on: Decision,
) -> String {
    let paths = RulePaths::new(engine);
    let mut md = String::new();
    let _ = writeln!(md, "# Export control audit\n");
    let _ = writeln!(md, "| | |\n|---|---|");
    let _ = writeln!(
        md,
        "| shipments | `{}` ({} bytes, {}) |",
        md_escape(&input.name),
        input.bytes,
        input.digest
    );
    let _ = writeln!(md, "| records | {} |", summary.verdicts.total());
    let _ = writeln!(md, "| rules digest | {} |", engine.digest());
    for (name, digest) in &summary.registers {
        let _ = writeln!(
            md,
            "| licence register | `{}` ({digest}) |",
            md_escape(name)
        );
    }
    let _ = writeln!(md, "| as of | {} |", as_of_text(options.as_of));
    if let Some(excluded) = excluded_text(options) {
        let _ = writeln!(md, "| left out | {excluded} |");
    }
    let _ = writeln!(md, "| fails from | {fail_on} (and invalid records) |");
    let _ = writeln!(
        md,
        "| engine | export-control {} |\n",
        env!("CARGO_PKG_VERSION")
    );
    // Contents, linking to the anchors GitHub and GitLab give headings (lower case, spaces as
    // `-`).
    let _ = writeln!(md, "## Contents\n");
    let has_licences = !super::licences::sections(engine, summary).is_empty();
    for (title, shown) in [
        ("Rule sets", true),
        ("Verdicts", true),
        ("Verdicts by the standing of the measures behind them", true),
        ("By rule", true),
        ("By HS chapter", true),
        ("By destination", true),
        ("Value stopped", true),
        ("Spikes against the baseline", !summary.spikes.is_empty()),
        ("Licences", has_licences),
        ("Records not allowed", true),
    ] {
        if shown {
            let anchor = title.to_lowercase().replace(' ', "-");
            let _ = writeln!(md, "- [{title}](#{anchor})");
        }
    }
    md.push('\n');

    let _ = writeln!(
        md,
        "## Rule sets\n\n| id | version | status | in force | file | citations |\n|---|---|---|---|---|---|"
    );
    for s in rule_set_table(engine) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            md_escape(&s.id),
            md_escape(&s.version),
            s.status,
            s.window,
            md_escape(&s.file),
            md_escape(&s.citations.join("; "))
        );
    }

    let _ = writeln!(md, "\n## Verdicts\n\n| verdict | records |\n|---|---|");
    for (v, n) in VERDICTS.iter().zip(summary.verdicts.0) {
        let _ = writeln!(md, "| {v} | {n} |");
    }
    let _ = writeln!(
        md,
        "\n## Verdicts by the standing of the measures behind them\n\n\
         Each record not allowed counts under the firmest status among the rule sets whose \
         rules gave its verdict.\n\n| verdict | {} |\n|---|{}",
        STATUSES.map(|s| s.as_str()).join(" | "),
        "---:|".repeat(STATUSES.len())
    );
    for (decision, counts) in status_rows(summary) {
        let cells: Vec<String> = counts.iter().map(u64::to_string).collect();
        let _ = writeln!(md, "| {decision} | {} |", cells.join(" | "));
    }

    let _ = writeln!(
        md,
        "\n## By rule\n\n| rule | rule set | verdict | fired | cannot tell | exempted | licensed |\n|---|---|---|---|---|---|---|"
    );
    for (rule, c) in &summary.by_rule {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md_code(rule),
            md_escape(&c.ruleset),
            c.verdict,
            c.fired,
            c.undetermined,
            c.exempted,
            c.licensed
        );
    }

    let header = format!(
        "| total | {} |\n|---|---|---|---|---|---|---|",
        VERDICTS.join(" | ")
    );
    let _ = writeln!(md, "\n## By HS chapter\n\n| chapter {header}");
    for (chapter, c) in &summary.by_chapter {
        md.push_str(&counts_row(chapter, c));
    }
    let _ = writeln!(md, "\n## By destination\n\n| destination {header}");
    for (dest, c) in &summary.by_destination {
        md.push_str(&counts_row(dest, c));
    }

    let _ = writeln!(
        md,
        "\n## Value stopped\n\nDeclared value of the records at or above `{fail_on}`, per currency.\n\n| currency | value |\n|---|---|"
    );
    for (currency, value) in &summary.stopped {
        let _ = writeln!(md, "| {} | {value} |", md_escape(currency));
    }
    if summary.stopped_without_value > 0 {
        let _ = writeln!(
            md,
            "\n{} such record(s) declare no value.",
            summary.stopped_without_value
        );
    }

    if !summary.spikes.is_empty() {
        let _ = writeln!(
            md,
            "\n## Spikes against the baseline\n\nEach key a spike rule flagged records for: its \
             total per month against the average month of its baseline year."
        );
        for ((rule, key, unit), series) in &summary.spikes {
            let _ = writeln!(
                md,
                "\n### {} {} ({})\n\n{} record(s) flagged; baseline {} {} a month ({} \
                 average, from {}).\n\n| month | total | x baseline |\n|---|---:|---:|",
                md_code(rule),
                md_escape(&key.to_string()),
                md_escape(unit),
                series.flagged,
                series.baseline,
                md_escape(unit),
                series.baseline_year,
                md_escape(&paths.baseline_source(series))
            );
            for (month, total) in &series.months {
                let _ = writeln!(
                    md,
                    "| {month} | {total} | {} |",
                    times(*total, series.baseline)
                );
            }
        }
    }

    let licences = super::licences::sections(engine, summary);
    if !licences.is_empty() {
        let _ = writeln!(
            md,
            "\n## Licences\n\nEach licence of the register and each licence number the records \
             carried: what the audit drew on it, what is left, the records that drew on it, and \
             those it did not cover with why."
        );
        for section in &licences {
            let _ = writeln!(
                md,
                "\n### {}\n\n{}\n",
                md_code(&section.id),
                md_escape(&section.terms)
            );
            for limit in &section.limits {
                let _ = writeln!(md, "- {}", md_escape(limit));
            }
            if !section.limits.is_empty() {
                let _ = writeln!(md);
            }
            if section.drew.is_empty() && section.refused.is_empty() {
                let _ = writeln!(md, "No record carried it.");
                continue;
            }
            let _ = writeln!(
                md,
                "| record | date | drew | not covered because |\n|---|---|---|---|"
            );
            for [id, date, drew] in &section.drew {
                let _ = writeln!(md, "| {} | {date} | {} | |", md_escape(id), md_escape(drew));
            }
            for [id, date, why] in &section.refused {
                let _ = writeln!(md, "| {} | {date} | | {} |", md_escape(id), md_escape(why));
            }
            if let Some(omitted) = &section.omitted {
                let _ = writeln!(md, "\n*{}*", md_escape(omitted));
            }
        }
    }

    let _ = writeln!(md, "\n## Records not allowed\n");
    let groups = summary
        .detail
        .as_ref()
        .map(Detail::groups)
        .unwrap_or_default();
    if groups.is_empty() {
        let _ = writeln!(md, "None.");
    }
    if let Some(limit) = detail_limit(summary) {
        let _ = writeln!(md, "{}\n", md_escape(&limit));
    }
    for group in &groups {
        for row in &group.rows {
            let _ = writeln!(md, "### {}\n", md_escape(&record_heading(row)));
            if let Some(error) = row.error() {
                let _ = writeln!(md, "Could not be read: {}\n", md_escape(error));
                continue;
            }
            for m in &row.record.matches {
                let (head, lines) = match_lines(m, &paths, md_escape, md_code);
                let _ = writeln!(md, "- **{head}**");
                for line in lines {
                    let _ = writeln!(md, "  - {line}");
                }
            }
            md.push('\n');
        }
        if let Some(more) = omitted_text(group) {
            let _ = writeln!(md, "*{}*\n", md_escape(&more));
        }
    }
    md
}

/// How the detail section is bounded, when some group has more records than it shows.
fn detail_limit(summary: &Summary) -> Option<String> {
    let detail = summary.detail.as_ref()?;
    detail.groups().iter().any(|g| g.omitted() > 0).then(|| {
        format!(
            "At most {} records of each verdict and deciding rule are shown, the earliest by \
             date; the counts above cover every record, and every record is in the audit's JSON \
             Lines (--format jsonl).",
            detail.limit()
        )
    })
}

/// The note after a group some of whose records are not shown.
fn omitted_text(group: &Shown<'_, '_>) -> Option<String> {
    let omitted = group.omitted();
    (omitted > 0).then(|| {
        let by = if group.rule.is_empty() {
            String::new()
        } else {
            format!(" by {}", group.rule)
        };
        format!(
            "{} of {} records {}{by} shown; {omitted} more in the JSON Lines.",
            group.rows.len(),
            group.total,
            group.verdict
        )
    })
}

const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#222}\
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}\
th{background:#f2f2f2}code{font-size:90%}.prohibited{color:#b00020;font-weight:bold}.license_required{color:#a15c00;font-weight:bold}\
.review{color:#00607a}.invalid{color:#6a1b9a}.rec{border-top:1px solid #ddd;padding:.4rem 0;break-inside:avoid}ul{margin:.2rem 0}time{white-space:nowrap}.links{margin:.1rem 0;font-size:90%;color:#555}.index li{margin:.2rem 0}\
@media print{body{margin:0;max-width:none;font-size:11px}.rec{page-break-inside:avoid}h2{page-break-after:avoid}}";

const PALETTE: [&str; 7] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#9c9c9c",
];

/// Stacked bars: value stopped per month, one colour per HS chapter (the six largest, then
/// the rest), in the currency with the largest total.
/// The charts of the value stopped: one per currency that records were stopped in (the four
/// with the most records), and in each currency one per verdict, so that what is prohibited
/// and what needs a licence are never added up.
fn charts(summary: &Summary) -> String {
    let mut currencies: Vec<(&String, &u64)> = summary.stopped_records.iter().collect();
    currencies.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (currency, _) in currencies.iter().take(4) {
        let mut verdicts: Vec<Decision> = summary
            .stopped_by_month
            .keys()
            .filter(|(c, ..)| c == *currency)
            .map(|(_, d, ..)| *d)
            .collect();
        verdicts.sort();
        verdicts.dedup();
        for verdict in verdicts.into_iter().rev() {
            out.push_str(&chart(summary, currency, verdict));
        }
    }
    if out.is_empty() {
        out.push_str("<p>No value stopped.</p>");
    }
    if currencies.len() > 4 {
        let _ = write!(
            out,
            "<p>{} more currencies are in the table only.</p>",
            currencies.len() - 4
        );
    }
    out
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

/// One chart: value stopped in `currency` with `verdict`, by month, stacked by HS chapter.
fn chart(summary: &Summary, currency: &str, verdict: Decision) -> String {
    // A currency is three letters when read from a file, but a caller's record may hold anything.
    let shown_currency = esc(currency);
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
    let label = format!("Value of records {phrase} ({shown_currency}) by month and HS chapter");
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {}\" width=\"{w}\" height=\"{}\" role=\"img\" aria-label=\"{label}\">",
        h + 30.0,
        h + 30.0
    );
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{top_pad}\" x2=\"{left}\" y2=\"{}\" stroke=\"#333\"/>",
        h - bottom
    );
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/>",
        h - bottom,
        w - 10.0,
        h - bottom
    );
    // The axis unit, along the axis.
    let _ = write!(
        svg,
        "<text x=\"14\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 {:.1})\">{shown_currency}</text>",
        top_pad + plot_h / 2.0,
        top_pad + plot_h / 2.0
    );
    for tick in 0..=intervals {
        let value = step_value * tick as f64;
        let y = h - bottom - plot_h * value / axis_max;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">{}</text><line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#eee\"/>",
            left - 4.0,
            y + 3.0,
            human(value),
            w - 10.0
        );
    }
    for (i, (month, chapters)) in months.iter().enumerate() {
        let x = left + step * i as f64 + (step - bar_w) / 2.0;
        let mut y = h - bottom;
        let mut stacked: Vec<(usize, Total, Vec<&str>)> = Vec::new();
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
        for (s, value, chapters) in stacked {
            let v = as_f64(value);
            let bar_h = plot_h * v / axis_max;
            y -= bar_h;
            let names = if s < 6 {
                format!("ch. {}", chapters.join(", "))
            } else {
                format!("other chapters ({})", chapters.join(", "))
            };
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"{bar_h:.1}\" fill=\"{}\"><title>{month}, {}: {} {shown_currency}, {phrase}</title></rect>",
                PALETTE[s.min(6)],
                esc(&names),
                value
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"9\" text-anchor=\"end\" transform=\"rotate(-45 {:.1} {})\">{month}</text>",
            x + bar_w / 2.0,
            h - bottom + 12.0,
            x + bar_w / 2.0,
            h - bottom + 12.0
        );
    }
    let mut legend_x = left;
    let mut names: Vec<String> = top.iter().map(|c| format!("ch. {c}")).collect();
    if ranked.len() > 6 {
        names.push("other".to_owned());
    }
    for (i, name) in names.iter().enumerate() {
        let _ = write!(
            svg,
            "<rect x=\"{legend_x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>",
            h + 12.0,
            PALETTE[i.min(6)],
            legend_x + 14.0,
            h + 21.0,
            esc(name)
        );
        legend_x += 80.0;
    }
    svg.push_str("</svg>");
    format!("<figure>{svg}<figcaption>{label}.</figcaption></figure>")
}

/// How many times the baseline a total is (`-` against a zero baseline).
fn times(total: Decimal, baseline: Decimal) -> String {
    if baseline.is_zero() {
        return "-".to_owned();
    }
    total
        .checked_div(baseline)
        .map_or_else(|| "-".to_owned(), |r| r.round_dp(1).to_string())
}

/// Monthly bars of a spike key with its baseline as a line, each bar titled with its month and
/// total.
fn sparkline(series: &SpikeSeries, unit: &str) -> String {
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
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" \
         height=\"{height}\" role=\"img\" aria-label=\"Monthly totals against the baseline\">"
    );
    for (i, (month, total)) in series.months.iter().enumerate() {
        let h = total.to_f64().unwrap_or(0.0) / max * height;
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{:.1}\" width=\"{}\" height=\"{h:.1}\" fill=\"#4e79a7\"><title>{} {} {}</title></rect>",
            i as u32 * bar,
            height - h,
            bar - 1,
            esc(month),
            total,
            esc(unit)
        );
    }
    let y = height - series.baseline.to_f64().unwrap_or(0.0) / max * height;
    let _ = write!(
        svg,
        "<line x1=\"0\" x2=\"{width}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e15759\"/></svg>"
    );
    svg
}

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

fn html_counts(
    (id, title): (&str, &str),
    first: &str,
    rows: &BTreeMap<String, Counts>,
    link: impl Fn(&str) -> String,
) -> String {
    let mut t = format!("<h2 id=\"{id}\">{title}</h2><table><tr><th>{first}</th><th>total</th>");
    for v in VERDICTS {
        let _ = write!(t, "<th>{v}</th>");
    }
    t.push_str("</tr>");
    for (label, c) in rows {
        let _ = write!(t, "<tr><td>{}</td><td>{}</td>", link(label), c.total());
        for n in c.0 {
            let _ = write!(t, "<td>{n}</td>");
        }
        t.push_str("</tr>");
    }
    t.push_str("</table>");
    t
}

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
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Export control audit</title><style>{CSS}</style></head><body>\n<h1>Export control audit</h1>\n"
    );
    let _ = write!(
        h,
        "<table><tr><th>shipments</th><td><code>{}</code> ({} bytes, {})</td></tr><tr><th>records</th><td>{}</td></tr>\
         <tr><th>rules digest</th><td>{}</td></tr><tr><th>as of</th><td>{}</td></tr>{}<tr><th>fails from</th><td>{fail_on} (and invalid records)</td></tr>\
         <tr><th>engine</th><td>export-control {}</td></tr></table>",
        esc(&input.name),
        input.bytes,
        input.digest,
        summary.verdicts.total(),
        engine.digest(),
        esc_dates(&as_of_text(options.as_of)),
        excluded_text(options).map_or_else(String::new, |e| format!(
            "<tr><th>left out</th><td>{}</td></tr>",
            esc(&e)
        )),
        env!("CARGO_PKG_VERSION"),
    );
    if !summary.registers.is_empty() {
        h.push_str("<table>");
        for (name, digest) in &summary.registers {
            let _ = write!(
                h,
                "<tr><th>licence register</th><td><code>{}</code> ({digest})</td></tr>",
                esc(name)
            );
        }
        h.push_str("</table>");
    }
    h.push_str("\n<nav id=\"contents\"><h2>Contents</h2><ul>");
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
    for (id, title, _) in sections.iter().filter(|s| s.2) {
        let _ = write!(h, "<li><a href=\"#{id}\">{title}</a></li>");
    }
    h.push_str("</ul></nav>\n<h2 id=\"rule-sets\">Rule sets</h2><table><tr><th>id</th><th>version</th><th>status</th><th>in force</th><th>file</th><th>citations</th></tr>");
    for s in rule_set_table(engine) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            index.link(Kind::RuleSet, &s.id, &esc(&s.id)),
            esc_dates(&s.version),
            s.status,
            esc_dates(&s.window),
            esc(&s.file),
            esc(&s.citations.join("; "))
        );
    }
    h.push_str("</table>\n<h2 id=\"verdicts\">Verdicts</h2><table><tr><th>verdict</th><th>records</th></tr>");
    for (v, n) in VERDICTS.iter().zip(summary.verdicts.0) {
        let _ = write!(h, "<tr><td class=\"{v}\">{v}</td><td>{n}</td></tr>");
    }
    h.push_str(
        "</table>\n<h2 id=\"by-status\">Verdicts by the standing of the measures behind them</h2>\
         <p>Each record not allowed counts under the firmest status among the rule sets whose \
         rules gave its verdict.</p><table><tr><th>verdict</th>",
    );
    for status in STATUSES {
        let _ = write!(h, "<th>{status}</th>");
    }
    h.push_str("</tr>");
    for (decision, counts) in status_rows(summary) {
        let _ = write!(h, "<tr><td class=\"{decision}\">{decision}</td>");
        for n in counts {
            let _ = write!(h, "<td>{n}</td>");
        }
        h.push_str("</tr>");
    }
    h.push_str("</table>\n<h2 id=\"value-stopped\">Value stopped</h2>");
    h.push_str(&charts(summary));
    let _ = write!(
        h,
        "<table><tr><th>currency</th><th>value at or above {fail_on}</th></tr>"
    );
    for (currency, value) in &summary.stopped {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td></tr>",
            esc(currency),
            esc(&value.to_string())
        );
    }
    h.push_str("</table>");
    if summary.stopped_without_value > 0 {
        let _ = write!(
            h,
            "<p>{} such record(s) declare no value.</p>",
            summary.stopped_without_value
        );
    }
    h.push_str("\n<h2 id=\"by-rule\">By rule</h2><table><tr><th>rule</th><th>rule set</th><th>verdict</th><th>fired</th><th>cannot tell</th><th>exempted</th><th>licensed</th></tr>");
    for (rule, c) in &summary.by_rule {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            index.link(Kind::Rule, rule, &html_code(rule)),
            index.link(Kind::RuleSet, &c.ruleset, &esc(&c.ruleset)),
            c.verdict,
            c.fired,
            c.undetermined,
            c.exempted,
            c.licensed
        );
    }
    h.push_str("</table>\n");
    h.push_str(&html_counts(
        ("by-chapter", "By HS chapter"),
        "chapter",
        &summary.by_chapter,
        |c| index.link(Kind::Chapter, c, &esc(c)),
    ));
    h.push_str(&html_counts(
        ("by-destination", "By destination"),
        "destination",
        &summary.by_destination,
        |d| index.link(Kind::Destination, d, &esc(d)),
    ));
    if !summary.spikes.is_empty() {
        h.push_str(
            "\n<h2 id=\"spikes\">Spikes against the baseline</h2><p>Each key a spike rule flagged records for: \
             its total per month (bars) against the average month of its baseline year (line).</p>",
        );
        for ((rule, key, unit), series) in &summary.spikes {
            let _ = write!(
                h,
                "<h3>{} {} ({})</h3><p>{} record(s) flagged; baseline {} {} a month ({} average, \
                 from {}).</p>{}",
                html_code(rule),
                esc(&key.to_string()),
                esc(unit),
                series.flagged,
                series.baseline,
                esc(unit),
                series.baseline_year,
                esc(&paths.baseline_source(series)),
                sparkline(series, unit)
            );
        }
    }
    if !licences.is_empty() {
        h.push_str(
            "\n<h2 id=\"licences\">Licences</h2><p>Each licence of the register and each licence number the \
             records carried: what the audit drew on it, what is left, the records that drew on \
             it, and those it did not cover with why.</p>",
        );
        for section in &licences {
            let _ = write!(
                h,
                "<h3>{}</h3><p>{}</p>",
                html_code(&section.id),
                esc(&section.terms)
            );
            if !section.limits.is_empty() {
                h.push_str("<ul>");
                for limit in &section.limits {
                    let _ = write!(h, "<li>{}</li>", esc(limit));
                }
                h.push_str("</ul>");
            }
            if section.drew.is_empty() && section.refused.is_empty() {
                h.push_str("<p>No record carried it.</p>");
                continue;
            }
            h.push_str("<table><tr><th>record</th><th>date</th><th>drew</th><th>not covered because</th></tr>");
            for [id, date, drew] in &section.drew {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td></td></tr>",
                    esc(id),
                    esc_dates(date),
                    esc_dates(drew)
                );
            }
            for [id, date, why] in &section.refused {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td></td><td>{}</td></tr>",
                    esc(id),
                    esc_dates(date),
                    esc_dates(why)
                );
            }
            h.push_str("</table>\n");
            if let Some(omitted) = &section.omitted {
                let _ = write!(h, "<p class=\"more\"><i>{}</i></p>", esc(omitted));
            }
        }
    }
    h.push_str("\n<h2 id=\"records\">Records not allowed</h2>\n");
    if ordered.is_empty() {
        h.push_str("<p>None.</p>");
    }
    if let Some(limit) = detail_limit(summary) {
        let _ = write!(h, "<p>{}</p>", esc(&limit));
    }
    for group in &groups {
        for row in &group.rows {
            html_record(&mut h, row, &index, &paths);
        }
        if let Some(more) = omitted_text(group) {
            let _ = writeln!(h, "<p class=\"more\"><i>{}</i></p>", esc(&more));
        }
    }
    h.push_str("\n<h2 id=\"index\">Index of records</h2>");
    h.push_str(&index.html());
    h.push_str("</body></html>\n");
    h
}

/// One record of the detail section: its heading, its links, and each rule's part in it.
fn html_record(h: &mut String, row: &AuditRow<'_>, index: &Index, paths: &RulePaths) {
    let _ = write!(
        h,
        "<div class=\"rec\" id=\"{}\"><h3 class=\"{}\">{}</h3>{}",
        links::record(row.record.line),
        row.verdict(),
        esc_dates(&record_heading(row)),
        index.back_links(row)
    );
    if let Some(error) = row.error() {
        let _ = writeln!(h, "<p>Could not be read: {}</p></div>", esc(error));
        return;
    }
    h.push_str("<ul>");
    for m in &row.record.matches {
        let (head, lines) = match_lines(m, paths, esc_dates, html_code);
        let _ = write!(h, "<li><b>{head}</b><ul>");
        for line in lines {
            let _ = write!(h, "<li>{line}</li>");
        }
        h.push_str("</ul></li>");
    }
    h.push_str("</ul></div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use export_control::read::Record;
    use export_control::{Engine, Shipment};

    /// The text CommonMark (with GitHub's tables and strikethrough) renders for `markdown`.
    fn rendered(markdown: &str) -> String {
        use pulldown_cmark::{Event, Options, Parser};
        let mut text = String::new();
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
        for event in Parser::new_ext(markdown, options) {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::Code(t) => text.push_str(&format!("<code {t}>")),
                Event::Html(t) | Event::InlineHtml(t) => text.push_str(&format!("<html {t}>")),
                Event::Start(tag) => text.push_str(&format!("<{tag:?}>")),
                Event::End(tag) => text.push_str(&format!("</{tag:?}>")),
                other => text.push_str(&format!("<{other:?}>")),
            }
        }
        text
    }

    proptest::proptest! {
        /// Whatever a record holds, its escaped text renders as exactly that text, in a
        /// sentence and in a table cell: no markup, no extra cell.
        #[test]
        fn escaped_text_renders_as_the_text(
            text in r"[a-z _*`\[\]()|~!<>&#\\.:-]{0,24}",
        ) {
            let visible = Escaped(&text).to_string();
            let expected = visible.trim();
            let sentence = rendered(&format!("Record x {} y", md_escape(&text)));
            let words = sentence
                .strip_prefix("<Paragraph>Record x ")
                .and_then(|s| s.strip_suffix(" y</Paragraph>"));
            proptest::prop_assert_eq!(
                words.map(str::trim),
                Some(expected),
                "{:?} rendered {:?}",
                md_escape(&text),
                sentence
            );
            let table = rendered(&format!("| a | b |\n|---|---|\n| {} | z |\n", md_escape(&text)));
            let cells = table.matches("<TableCell>").count();
            proptest::prop_assert_eq!(cells, 4, "{}", table);
            proptest::prop_assert!(
                table.contains(&format!("<TableCell>{expected}</TableCell><TableCell>z")),
                "{:?} rendered {:?}",
                md_escape(&text),
                table
            );
        }
    }

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
        let md = markdown(
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

//! Reports to file: the Markdown report, and what it shares with the HTML one (`html.rs`).
//!
//! A report holds no wall-clock time: the same inputs and rules give the same bytes, so an
//! auditor can reproduce it. It names the input by its SHA-256 and the rules by their digest.

use std::fmt::Write as _;

use chrono::NaiveDate;
use export_control::verdict::Escaped;
use export_control::{CheckOptions, Decision, Engine, Outcome, RuleMatch};
use rust_decimal::Decimal;
use serde::Serialize;

use super::InputInfo;
use super::detail::{Detail, Shown};
use super::escape::{md_code, md_escape};
use super::row::{AuditRow, VERDICTS};
use super::summary::{Counts, STATUSES, SpikeSeries, Summary};

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
pub fn excluded_text(options: &CheckOptions) -> Option<String> {
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
pub fn status_rows(summary: &Summary) -> Vec<(Decision, [u64; 4])> {
    summary.by_status.rows().map(|(d, c)| (d, *c)).collect()
}

pub fn as_of_text(as_of: Option<NaiveDate>) -> String {
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
pub fn match_lines(
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

pub fn record_heading(row: &AuditRow<'_>) -> String {
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
pub fn detail_limit(summary: &Summary) -> Option<String> {
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
pub fn omitted_text(group: &Shown<'_, '_>) -> Option<String> {
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

/// How many times the baseline a total is (`-` against a zero baseline).
fn times(total: Decimal, baseline: Decimal) -> String {
    if baseline.is_zero() {
        return "-".to_owned();
    }
    total
        .checked_div(baseline)
        .map_or_else(|| "-".to_owned(), |r| r.round_dp(1).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

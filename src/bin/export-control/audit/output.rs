//! Per-record output: JSON Lines, one JSON document, or an aligned table.

use std::io::{self, Write};

use export_control::read::Record;
use export_control::verdict::Escaped;
use export_control::{CheckOptions, Decision, Engine, Outcome, RuleMatch, Verdict};

use super::row::AuditRow;
use super::summary::Summary;
use super::{InputInfo, OutputFormat, html, report};

/// Writes rows as they come, and whatever closes the output at the end.
pub struct RowWriter<'e> {
    format: OutputFormat,
    colour: bool,
    engine: &'e Engine,
    options: CheckOptions,
    fail_on: Decision,
    /// The table's `--only`: rows below this verdict are not shown (invalid ones always are).
    only: Option<Decision>,
    rows: usize,
    /// Rows shown in the table.
    shown: usize,
    /// One record's JSON, built here and written in one piece (the output is a `dyn Write`).
    line: Vec<u8>,
}

impl<'e> RowWriter<'e> {
    pub fn new(
        format: OutputFormat,
        colour: bool,
        engine: &'e Engine,
        options: &CheckOptions,
        fail_on: Decision,
    ) -> Self {
        RowWriter {
            format,
            colour,
            engine,
            options: options.clone(),
            fail_on,
            only: None,
            rows: 0,
            shown: 0,
            line: Vec::with_capacity(1 << 14),
        }
    }

    /// Shows only rows at or above `level` in the table.
    pub fn only(mut self, level: Option<Decision>) -> Self {
        self.only = level;
        self
    }

    pub fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => {
                let sets = report::rule_set_table(self.engine);
                write!(
                    out,
                    "{{\"ruleset_digest\":{},\"as_of\":{},\"exclude_statuses\":{},\"rule_sets\":{},\"records\":[",
                    serde_json::to_string(&self.engine.digest())?,
                    serde_json::to_string(&self.options.as_of)?,
                    serde_json::to_string(&self.options.exclude_statuses)?,
                    serde_json::to_string(&sets)?,
                )
            }
            OutputFormat::Table => writeln!(
                out,
                "{:>6}  {:<18}  {:<16}  {:<10}  {:<9}  reasons",
                "line", "id", "verdict", "hs_code", "route"
            ),
            _ => Ok(()),
        }
    }

    pub fn row(&mut self, out: &mut dyn Write, row: &AuditRow<'_>) -> io::Result<()> {
        match self.format {
            OutputFormat::Jsonl | OutputFormat::Json => {
                self.line.clear();
                if self.format == OutputFormat::Json && self.rows > 0 {
                    self.line.push(b',');
                }
                serde_json::to_writer(&mut self.line, &row.record)?;
                if self.format == OutputFormat::Jsonl {
                    self.line.push(b'\n');
                }
                out.write_all(&self.line)?;
            }
            OutputFormat::Table
                if self
                    .only
                    .is_some_and(|l| row.decision().is_some_and(|d| d < l)) => {}
            OutputFormat::Table => {
                self.shown += 1;
                let (hs, route) = match &row.shipment {
                    Some(s) => (
                        s.hs_code.to_string(),
                        format!("{}->{}", s.export_country, s.destination),
                    ),
                    None => (String::new(), String::new()),
                };
                let verdict = format!("{:<16}", row.verdict());
                let verdict = if self.colour {
                    paint(row.verdict(), &verdict)
                } else {
                    verdict
                };
                let id = cut(
                    &Escaped(row.record.id.as_deref().unwrap_or("-")).to_string(),
                    18,
                );
                writeln!(
                    out,
                    "{:>6}  {id:<18}  {verdict}  {hs:<10}  {route:<9}  {}",
                    row.record.line,
                    row.reasons()
                )?;
            }
            OutputFormat::Markdown | OutputFormat::Html => {}
        }
        self.rows += 1;
        Ok(())
    }

    pub fn end(
        &mut self,
        out: &mut dyn Write,
        summary: &Summary,
        input: &InputInfo,
    ) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => {
                write!(out, "],\"summary\":")?;
                serde_json::to_writer(&mut *out, &summary.json(input))?;
                writeln!(out, "}}")
            }
            OutputFormat::Markdown => out.write_all(
                report::markdown(self.engine, summary, input, &self.options, self.fail_on)
                    .as_bytes(),
            ),
            OutputFormat::Html => out.write_all(
                html::html(self.engine, summary, input, &self.options, self.fail_on).as_bytes(),
            ),
            OutputFormat::Table => {
                let shown = match self.only {
                    Some(level) => {
                        format!("; shown: {} at or above {level} or invalid", self.shown)
                    }
                    None => String::new(),
                };
                let total = summary.verdicts.total();
                let noun = if total == 1 { "record" } else { "records" };
                writeln!(
                    out,
                    "total: {total} {noun}: {}{shown}",
                    summary.verdict_counts()
                )
            }
            OutputFormat::Jsonl => Ok(()),
        }
    }
}

/// `text` in at most `width` characters: cut ones end in an ellipsis.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('\u{2026}');
    out
}

/// `text` in the colour of its verdict; a verdict this writer does not know (one a later
/// version adds) is written without colour, never green.
fn paint(verdict: &str, text: &str) -> String {
    use anstyle::{AnsiColor, Style};
    let style = match verdict {
        "prohibited" => AnsiColor::Red.on_default().bold(),
        "license_required" => AnsiColor::Yellow.on_default().bold(),
        "review" => AnsiColor::Cyan.on_default(),
        "invalid" => AnsiColor::Magenta.on_default(),
        "allowed" => AnsiColor::Green.on_default(),
        _ => Style::new(),
    };
    format!("{style}{text}{style:#}")
}

/// The full plain-language explanation of one record, for `--explain`.
pub fn explanation(record: &Record, verdict: &Verdict<'_>, engine: &Engine) -> String {
    let s = &record.shipment;
    let mut text = format!(
        "record `{}` (line {}): {} {} from {} to {}{}, dated {}\n",
        Escaped(&s.id),
        record.line,
        s.hs_code,
        Escaped(s.description.as_deref().unwrap_or("(no description)")),
        s.export_country,
        s.destination,
        if s.transit.is_empty() {
            String::new()
        } else {
            format!(
                " through {}",
                s.transit
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        s.date
    );
    text.push_str(&format!(
        "origin: {}; consignee: {}; end user: {}; licences: {}\n",
        s.origin.map_or("unknown".to_owned(), |o| o.to_string()),
        Escaped(s.consignee.as_deref().unwrap_or("unknown")),
        Escaped(s.end_user.as_deref().unwrap_or("unknown")),
        if s.licences.is_empty() {
            "none".to_owned()
        } else {
            Escaped(&s.licences.join(", ")).to_string()
        }
    ));
    // Control codes are checked characters only (letters, digits, `.`, `-`, `/`).
    let codes: Vec<&str> = s.control_codes.iter().map(|c| c.as_str()).collect();
    text.push_str(&match (codes.is_empty(), s.control_list_checked) {
        (true, None) => {
            "classification: none (not classified against a control list)\n\n".to_owned()
        }
        (true, Some(checked)) => format!("classification: not controlled (checked {checked})\n\n"),
        (false, _) => format!("classification: control codes {}\n\n", codes.join(", ")),
    });
    text.push_str(&format!("verdict: {verdict}"));
    let not_in_force: Vec<&RuleMatch<'_>> = verdict
        .matches
        .iter()
        .filter(|m| m.outcome == Outcome::NotInForce)
        .collect();
    if !not_in_force.is_empty() {
        text.push_str(&format!(
            "\n{} rule(s) above would have fired but were not in force on {}.\n",
            not_in_force.len(),
            verdict.as_of
        ));
    }
    text.push_str(&format!(
        "\nrules: {} ({} rule sets)\n",
        engine.digest(),
        engine.rulebook().rule_sets().len()
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::paint;

    #[test]
    fn only_allowed_is_green_and_an_unknown_verdict_is_not_painted() {
        assert_eq!(paint("allowed", "ok"), "\x1b[32mok\x1b[0m");
        for verdict in ["prohibited", "license_required", "review", "invalid"] {
            let painted = paint(verdict, "x");
            assert!(painted.starts_with("\x1b[") && painted.ends_with("x\x1b[0m"));
            assert!(
                !painted.contains("32m"),
                "{verdict} painted green: {painted:?}"
            );
        }
        assert_eq!(paint("embargoed", "x"), "x");
        assert_eq!(paint("", "x"), "x");
    }
}

//! What the writers of the audit's output share with its command line: the output formats and
//! what is known of the input. (A module of its own so that the fuzz target of the writers can
//! include them as they are.)

use clap::ValueEnum;

/// How records and reports are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One JSON object per input record, in input order.
    Jsonl,
    /// One JSON document: rule sets, summary and every record.
    Json,
    /// One aligned line per record.
    Table,
    /// A report to file, in Markdown.
    Markdown,
    /// A report to file: one self-contained HTML page with a chart.
    Html,
}

/// What the report says about the input.
pub struct InputInfo {
    /// The path as given.
    pub name: String,
    /// `sha256:` and the hex digest of its bytes.
    pub digest: String,
    /// Its size in bytes.
    pub bytes: u64,
}

//! Screens names, one per line, against the party lists of a rule book and writes JSON Lines:
//! one object per input line, in order, with the matches at or above a score, best first.
//!
//! ```text
//! cargo run --release --example screen -- --rules rules --names names.txt
//! printf 'ПАО Банк ВТБ\nAlmaty Cotton\n' | cargo run --release --example screen -- --names -
//! ```
//!
//! Each line gives `{"name": ..., "matches": [{"list", "entry", "matched_name", "score"}]}`:
//! `entry` is the list's own identifier (OFAC's entity number, the UN DATAID, an in-house id),
//! `matched_name` the entry's name or alias as the list writes it, `score` in [0, 1] with four
//! decimal places. A line that is not a name (longer than 512 characters, control characters,
//! not UTF-8) gives `{"line", "error"}` instead, and the others are still screened.
//!
//! Exit status: 0 when nothing matched, 1 when something did, 2 on errors (bad arguments,
//! rules with errors, unreadable input, a line refused), 141 when the output pipe is closed.

use std::io::{self, BufRead, BufWriter, Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use export_control::Rulebook;
use export_control::parties::{DEFAULT_MIN_SCORE, MAX_NAME_CHARS, Screen};
use export_control::verdict::Escaped;
use serde::Serialize;

use crate::cli;

/// The longest line read as a name, in bytes (a name is at most 512 characters of at most 4
/// bytes); a longer line is refused and skipped without being held in memory.
const MAX_LINE_BYTES: u64 = 4 * MAX_NAME_CHARS as u64 + 2;

/// The output and exit statuses of screening, for `--help`.
pub const EXIT_STATUS: &str = "\
Output: one JSON object per input line, in order: {\"name\", \"matches\": [{\"list\", \"entry\", \
\"matched_name\", \"score\"}]} (best first, score in [0, 1]), or {\"line\", \"error\"} for a line \
that is not a name.

Exit status:
  0    nothing matched
  1    something matched
  2    errors: bad arguments, rules with errors, unreadable input, a line refused
  141  the output pipe was closed";

/// Screens names against the party lists of a rule book.
#[derive(Parser, Debug)]
#[command(version, about, after_help = EXIT_STATUS)]
pub struct Args {
    /// Rules directory (its `*.list.toml` declarations and their data).
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// File of names, one per line; `-` for standard input.
    #[arg(long)]
    names: PathBuf,
    /// Lowest score reported, in (0, 1].
    #[arg(long, default_value_t = DEFAULT_MIN_SCORE)]
    min_score: f64,
}

#[derive(Serialize)]
struct Match<'a> {
    list: &'a str,
    entry: &'a str,
    matched_name: &'a str,
    score: f64,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Line<'a> {
    Screened {
        name: &'a str,
        matches: Vec<Match<'a>>,
    },
    Refused {
        line: u64,
        error: String,
    },
}

/// A score with four decimal places, cut (never shown above what it is).
fn four_places(score: f64) -> f64 {
    (score * 10_000.0).floor() / 10_000.0
}

/// Why a line is not a name, if it is not.
fn refused(text: &str) -> Option<&'static str> {
    if text.chars().count() > MAX_NAME_CHARS {
        Some("longer than a name can be (512 characters)")
    } else if text.chars().any(char::is_control) {
        Some("holds a control character")
    } else {
        None
    }
}

/// Reads one line of at most [`MAX_LINE_BYTES`] into `buf` (without its end); `Ok(None)` at the
/// end of the input, `Ok(Some(false))` for a longer line, skipped to its end.
fn read_line(input: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<Option<bool>> {
    buf.clear();
    let read = input.by_ref().take(MAX_LINE_BYTES).read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        return Ok(Some(true));
    }
    if (buf.len() as u64) < MAX_LINE_BYTES {
        // The last line, without an end.
        return Ok(Some(true));
    }
    // Too long: skip the rest of the line a buffer at a time.
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return Ok(Some(false));
        }
        match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => {
                input.consume(i + 1);
                return Ok(Some(false));
            }
            None => {
                let n = chunk.len();
                input.consume(n);
            }
        }
    }
}

fn run(args: &Args) -> Result<ExitCode, cli::Failure> {
    if !(args.min_score > 0.0 && args.min_score <= 1.0) {
        return Err(cli::Failure::Run(format!(
            "--min-score {} is not in (0, 1]",
            args.min_score
        )));
    }
    let book = Rulebook::load(&args.rules).map_err(|e| cli::load_failure(&e, "rule files"))?;
    if book.lists().is_empty() {
        return Err(cli::Failure::Run(format!(
            "`{}` declares no party list (`*.list.toml`)",
            args.rules.display()
        )));
    }
    let screen = Screen::new(book.lists().to_vec());
    let mut input: Box<dyn BufRead> = if args.names.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = export_control::read::open_file(&args.names).map_err(|e| e.to_string())?;
        Box::new(io::BufReader::new(file))
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let (mut matched, mut errors) = (false, false);
    let mut buf = Vec::new();
    let mut number = 0u64;
    loop {
        let whole = read_line(&mut input, &mut buf).map_err(|e| {
            format!(
                "cannot read `{}` after line {number}: {e}",
                args.names.display()
            )
        })?;
        let Some(whole) = whole else { break };
        number += 1;
        let problem = match (whole, std::str::from_utf8(&buf)) {
            (false, _) => Some("longer than a name can be (512 characters)"),
            (true, Err(_)) => Some("not UTF-8 text"),
            (true, Ok(text)) => refused(text),
        };
        let line = match (problem, std::str::from_utf8(&buf)) {
            (None, Ok(name)) => {
                let hits = screen.screen(name, args.min_score);
                matched |= !hits.is_empty();
                let matches = hits
                    .iter()
                    .map(|h| Match {
                        list: &h.list.id,
                        entry: &h.entry.id,
                        matched_name: h.matched,
                        score: four_places(h.score),
                    })
                    .collect();
                serde_json::to_writer(&mut out, &Line::Screened { name, matches })
            }
            (problem, _) => {
                errors = true;
                let error = problem.unwrap_or("not a name").to_owned();
                cli::warn(format_args!(
                    "screen: line {number} of `{}`: {}",
                    Escaped(&args.names.display().to_string()),
                    error
                ));
                serde_json::to_writer(
                    &mut out,
                    &Line::Refused {
                        line: number,
                        error,
                    },
                )
            }
        };
        line.map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::from(if errors { 2 } else { u8::from(matched) }))
}

/// Screens the names the arguments name; the exit status as documented above.
pub fn main(args: &Args) -> ExitCode {
    cli::finish("screen", run(args))
}

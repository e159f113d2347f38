//! The history an audit checks its records against, when the rules have history rules or a
//! history database is given: the whole input read once before it is checked (so the input
//! need not be sorted), the records of `--history-db` before it, and the statistics files of
//! `--baseline`.
//!
//! Standard input cannot be read twice: the first pass copies what it reads to a temporary
//! file (removed when the run ends), which the later passes read. The copy holds what the
//! reader took, no more: input that breaks a limit of the reader (an endless line) stops the
//! first pass and the copy as it stops the reader.

use std::io;
use std::path::{Path, PathBuf};

use export_control::Engine;
use export_control::history::{Aggregates, History, Statistics};
use export_control::read;
use export_control::source::Source;
use export_control::sqlite::SqliteHistory;
use export_control::verdict::Escaped;

/// Largest statistics file `--baseline` reads, as for rule files.
const MAX_BASELINE_BYTES: u64 = export_control::source::MAX_FILE_BYTES as u64;

/// A copy of standard input in a temporary file, removed on drop.
pub struct Spool {
    path: PathBuf,
}

impl Spool {
    /// A new, empty file only this process can read, and standard input copied into it as it
    /// is read.
    pub fn tee_stdin() -> Result<(Spool, Tee), String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "export-control-audit-{}-{nanos}.input",
            std::process::id()
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let spool = Spool { path };
        let file = options
            .open(&spool.path)
            .map_err(|e| format!("cannot create `{}`: {e}", spool.path.display()))?;
        Ok((spool, Tee { file }))
    }

    /// Where the copy is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Standard input, each byte read also written to the spool.
pub struct Tee {
    file: std::fs::File,
}

impl io::Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = io::stdin().lock().read(buf)?;
        io::Write::write_all(&mut self.file, buf.get(..n).unwrap_or_default())?;
        Ok(n)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Reads the statistics files `--baseline` names: regular files, bounded, every problem
/// located.
pub fn baselines(paths: &[PathBuf]) -> Result<Vec<Statistics>, String> {
    let mut out = Vec::new();
    for path in paths {
        let shown = path.display();
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
        if !meta.is_file() {
            return Err(format!("`{shown}` is not a regular file"));
        }
        if meta.len() > MAX_BASELINE_BYTES {
            return Err(format!(
                "`{shown}` is {} bytes, above the limit of {MAX_BASELINE_BYTES}",
                meta.len()
            ));
        }
        // Bounded even if the file grows after it was measured.
        let mut bytes = Vec::new();
        io::Read::read_to_end(
            &mut io::Read::take(
                std::fs::File::open(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?,
                MAX_BASELINE_BYTES + 1,
            ),
            &mut bytes,
        )
        .map_err(|e| format!("cannot read `{shown}`: {e}"))?;
        if bytes.len() as u64 > MAX_BASELINE_BYTES {
            return Err(format!(
                "`{shown}` is above the limit of {MAX_BASELINE_BYTES} bytes"
            ));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "`{shown}` is not UTF-8 (byte {})",
                e.utf8_error().valid_up_to()
            )
        })?;
        let source = Source::new(path.to_string_lossy(), text);
        let stats = Statistics::parse(&source).map_err(|errors| {
            errors
                .iter()
                .map(|e| {
                    format!(
                        "{}:{}:{}: {}",
                        Escaped(e.location().file()),
                        e.location().line(),
                        e.location().column(),
                        Escaped(&e.kind().to_string())
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })?;
        out.push(stats);
    }
    Ok(out)
}

/// The history of a run: everything before and in the input, and what of it came before.
pub struct RunHistory {
    /// The stored records and the whole input.
    pub full: History,
    /// The stored records alone: before every record of the input.
    pub earlier: Aggregates,
    /// The database the run appends to.
    pub database: Option<SqliteHistory>,
}

/// Builds the history of a run: the database's records, then every record of the input.
/// Records that draw on licences are settled in memory bounded by
/// [`read::DRAW_CLAIMS_HELD`], reading the input again through `reopen` when more draw.
pub fn build(
    engine: &Engine,
    database: Option<&Path>,
    statistics: Vec<Statistics>,
    input: read::Records<'static>,
    reopen: impl FnMut() -> Result<read::Records<'static>, String>,
) -> Result<RunHistory, String> {
    let database = database
        .map(|path| {
            SqliteHistory::open(path, engine).map_err(|e| format!("`{}`: {e}", path.display()))
        })
        .transpose()?;
    let earlier = database
        .as_ref()
        .map_or_else(Aggregates::new, |db| db.history().aggregates().clone());
    let mut full = History::from_aggregates(earlier.clone());
    for stats in statistics {
        full.add_statistics(stats);
    }
    read::record_all_in_passes(engine, input, reopen, read::DRAW_CLAIMS_HELD, &mut full)?;
    Ok(RunHistory {
        full,
        earlier,
        database,
    })
}

/// Appends the records of the input to the database, in transactions of 10,000.
pub fn append(
    engine: &Engine,
    database: &mut SqliteHistory,
    input: read::Records<'static>,
) -> Result<u64, String> {
    const BATCH: usize = 10_000;
    let mut batch = Vec::with_capacity(BATCH);
    let mut n = 0u64;
    let mut flush = |batch: &mut Vec<export_control::Shipment>| -> Result<(), String> {
        database
            .record_batch(engine, batch)
            .map_err(|e| format!("cannot append to the history database: {e}"))?;
        n += batch.len() as u64;
        batch.clear();
        Ok(())
    };
    for record in input.flatten() {
        batch.push(record.shipment);
        if batch.len() == BATCH {
            flush(&mut batch)?;
        }
    }
    flush(&mut batch)?;
    Ok(n)
}

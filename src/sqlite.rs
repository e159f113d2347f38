//! History kept in an SQLite file (feature `sqlite`, SQLite built in through `rusqlite`), so a
//! logistics system keeps it across restarts.
//!
//! The file holds the records themselves (as JSON) and their aggregates per key and day, with
//! the digest of the rule book that computed them. Opening it loads the aggregates into memory
//! (checks read memory, as [`History`] does); opening it with another rule book recomputes
//! them from the records. [`SqliteHistory::record_batch`] writes a batch in one transaction:
//! a crash before the commit loses the batch and nothing else, and leaves the file as it was.

use std::path::Path;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension as _, Transaction, params};
use rust_decimal::Decimal;

use crate::engine::{CheckOptions, Engine};
use crate::history::{Aggregates, Arrival, ArrivalKey, History, Key, Series, Statistics, Sum};
use crate::rule::PartyField;
use crate::shipment::{Field, Shipment};
use crate::verdict::Verdict;

/// The layout of the file; a file of another version is refused.
const SCHEMA_VERSION: &str = "1";

/// What can go wrong with an SQLite history.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SqliteError {
    /// SQLite failed (the file cannot be opened, is not a database, is locked...).
    #[error("history database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by another version of this library.
    #[error("history database has schema version {found}, this library writes {expected}")]
    Schema {
        /// The file's version.
        found: String,
        /// This library's.
        expected: &'static str,
    },
    /// A stored value cannot be read back (the file was changed by something else).
    #[error("history database: {table} holds an unreadable value `{value}`")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The value.
        value: String,
    },
}

/// History in an SQLite file, with its aggregates in memory.
#[derive(Debug)]
pub struct SqliteHistory {
    connection: Connection,
    memory: History,
}

impl SqliteHistory {
    /// Opens (or creates) the history at `path` for the rules of `engine`.
    pub fn open(path: impl AsRef<Path>, engine: &Engine) -> Result<SqliteHistory, SqliteError> {
        let connection = Connection::open(path)?;
        SqliteHistory::with_connection(connection, engine)
    }

    /// A history in memory only, with the same layout (for tests).
    pub fn open_in_memory(engine: &Engine) -> Result<SqliteHistory, SqliteError> {
        SqliteHistory::with_connection(Connection::open_in_memory()?, engine)
    }

    fn with_connection(
        mut connection: Connection,
        engine: &Engine,
    ) -> Result<SqliteHistory, SqliteError> {
        // A write-ahead log: a crash mid-transaction leaves the last commit intact, and
        // readers do not block the writer.
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        let tx = connection.transaction()?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS records (
                 seq INTEGER PRIMARY KEY, id TEXT NOT NULL, date TEXT NOT NULL, json TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS series (
                 rule TEXT NOT NULL, key TEXT NOT NULL, unit TEXT NOT NULL, day TEXT NOT NULL,
                 amount TEXT NOT NULL, count INTEGER NOT NULL, overflowed INTEGER NOT NULL,
                 PRIMARY KEY (rule, key, unit, day));
             CREATE TABLE IF NOT EXISTS parties (
                 role TEXT NOT NULL, name TEXT NOT NULL, first_day TEXT NOT NULL,
                 PRIMARY KEY (role, name));
             CREATE TABLE IF NOT EXISTS arrivals (
                 country TEXT NOT NULL, consignee TEXT NOT NULL, hs6 TEXT NOT NULL, day TEXT NOT NULL,
                 count INTEGER NOT NULL, id TEXT NOT NULL, ghost_id TEXT, ghost_end_user TEXT,
                 PRIMARY KEY (country, consignee, hs6, day));",
        )?;
        let version: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .optional()?;
        match version {
            None => {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?1)",
                    [SCHEMA_VERSION],
                )?;
            }
            Some(v) if v == SCHEMA_VERSION => {}
            Some(found) => {
                return Err(SqliteError::Schema {
                    found,
                    expected: SCHEMA_VERSION,
                });
            }
        }
        let digest = engine.digest().to_hex();
        let stored: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = 'rulebook'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let aggregates = if stored.as_deref() == Some(digest.as_str()) {
            load(&tx)?
        } else {
            // Other rules keep other aggregates: recompute them from the records.
            let aggregates = rebuild(&tx, engine)?;
            tx.execute_batch("DELETE FROM series; DELETE FROM parties; DELETE FROM arrivals;")?;
            write(&tx, &aggregates, &Aggregates::new())?;
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('rulebook', ?1)",
                [&digest],
            )?;
            aggregates
        };
        tx.commit()?;
        Ok(SqliteHistory {
            connection,
            memory: History::from_aggregates(aggregates),
        })
    }

    /// Checks a shipment against the rules and this history.
    pub fn check<'e>(&self, engine: &'e Engine, s: &Shipment) -> Verdict<'e> {
        engine.check_against(s, &self.memory)
    }

    /// Checks a shipment with options.
    pub fn check_with<'e>(
        &self,
        engine: &'e Engine,
        s: &Shipment,
        options: &CheckOptions,
    ) -> Verdict<'e> {
        engine.check_in(s, &self.memory.view(), options)
    }

    /// Records one shipment (one transaction; for many, [`SqliteHistory::record_batch`]).
    pub fn record(&mut self, engine: &Engine, s: &Shipment) -> Result<(), SqliteError> {
        self.record_batch(engine, std::slice::from_ref(s))
    }

    /// Records shipments in one transaction: all of them, or (on an error or a crash) none.
    pub fn record_batch(&mut self, engine: &Engine, batch: &[Shipment]) -> Result<(), SqliteError> {
        let mut added = Aggregates::new();
        for s in batch {
            // What a record draws on licences counts the records of the batch before it.
            let facts = engine.facts_in(s, &self.memory.view().with_pending(&added));
            added.add(&facts);
        }
        let tx = self.connection.transaction()?;
        {
            let mut insert =
                tx.prepare_cached("INSERT INTO records (id, date, json) VALUES (?1, ?2, ?3)")?;
            for s in batch {
                let json = serde_json::to_string(s).map_err(|e| SqliteError::Corrupt {
                    table: "records",
                    value: e.to_string(),
                })?;
                insert.execute(params![s.id, s.date.to_string(), json])?;
            }
        }
        write(&tx, &added, self.memory.aggregates())?;
        tx.commit()?;
        // Memory follows the file only once the file has it.
        self.memory.merge(&added);
        Ok(())
    }

    /// The history in memory (what checks read).
    pub fn history(&self) -> &History {
        &self.memory
    }

    /// Adds statistics files beyond those of the rule book.
    pub fn add_statistics(&mut self, statistics: Statistics) {
        self.memory.add_statistics(statistics);
    }

    /// How many records the file holds.
    pub fn len(&self) -> Result<u64, SqliteError> {
        let n: i64 = self
            .connection
            .query_row("SELECT COUNT(*) FROM records", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Whether the file holds no record.
    pub fn is_empty(&self) -> Result<bool, SqliteError> {
        Ok(self.len()? == 0)
    }

    /// Whether SQLite finds the file sound (`PRAGMA integrity_check`).
    pub fn integrity_check(&self) -> Result<bool, SqliteError> {
        let result: String = self
            .connection
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(result == "ok")
    }

    /// The aggregates recomputed from the stored records, to check the stored ones against.
    pub fn recompute(&self, engine: &Engine) -> Result<Aggregates, SqliteError> {
        rebuild(&self.connection, engine)
    }
}

fn role_of(name: &str) -> Option<PartyField> {
    match Field::from_name(name)? {
        Field::Consignor => Some(PartyField::Consignor),
        Field::Consignee => Some(PartyField::Consignee),
        Field::EndUser => Some(PartyField::EndUser),
        _ => None,
    }
}

/// Writes the entries `added` touches, as `base` plus `added`.
fn write(tx: &Transaction<'_>, added: &Aggregates, base: &Aggregates) -> Result<(), SqliteError> {
    let mut series = tx.prepare_cached(
        "INSERT OR REPLACE INTO series (rule, key, unit, day, amount, count, overflowed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (s, days) in added.series() {
        let key = serde_json::to_string(&s.key).map_err(|e| SqliteError::Corrupt {
            table: "series",
            value: e.to_string(),
        })?;
        for (day, sum) in days {
            let mut total = base.sum(s, *day, *day);
            total.add(sum);
            series.execute(params![
                &*s.rule,
                key,
                &*s.unit,
                day.to_string(),
                total.amount.to_string(),
                i64::try_from(total.count).unwrap_or(i64::MAX),
                total.overflowed,
            ])?;
        }
    }
    // ISO dates compare as text: the earlier first day stays.
    let mut parties = tx.prepare_cached(
        "INSERT INTO parties (role, name, first_day) VALUES (?1, ?2, ?3)
         ON CONFLICT (role, name) DO UPDATE SET first_day = min(first_day, excluded.first_day)",
    )?;
    for (role, name, day) in added.parties() {
        parties.execute(params![role.name(), name, day.to_string()])?;
    }
    let mut arrivals = tx.prepare_cached(
        "INSERT OR REPLACE INTO arrivals (country, consignee, hs6, day, count, id, ghost_id, ghost_end_user)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (key, days) in added.arrivals() {
        for (day, arrival) in days {
            let mut merged = Aggregates::new();
            if let Some((_, mine)) = base.latest_arrival(key, *day, *day) {
                merged.add_arrival_day(key, *day, mine);
            }
            merged.add_arrival_day(key, *day, arrival);
            let Some((_, total)) = merged.latest_arrival(key, *day, *day) else {
                continue;
            };
            arrivals.execute(params![
                key.country.as_str(),
                key.consignee,
                key.hs6,
                day.to_string(),
                i64::try_from(total.count).unwrap_or(i64::MAX),
                total.id,
                total.ghost.as_ref().map(|g| g.0.clone()),
                total.ghost.as_ref().map(|g| g.1.clone()),
            ])?;
        }
    }
    Ok(())
}

fn day(table: &'static str, text: &str) -> Result<NaiveDate, SqliteError> {
    text.parse().map_err(|_| SqliteError::Corrupt {
        table,
        value: text.to_owned(),
    })
}

/// The stored aggregates.
fn load(connection: &Connection) -> Result<Aggregates, SqliteError> {
    let mut out = Aggregates::new();
    let records: i64 = connection.query_row("SELECT COUNT(*) FROM records", [], |r| r.get(0))?;
    out.set_records(u64::try_from(records).unwrap_or(0));
    let mut stmt =
        connection.prepare("SELECT rule, key, unit, day, amount, count, overflowed FROM series")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let rule: String = row.get(0)?;
        let key_text: String = row.get(1)?;
        let key: Key = serde_json::from_str(&key_text).map_err(|_| SqliteError::Corrupt {
            table: "series",
            value: key_text.clone(),
        })?;
        let unit: String = row.get(2)?;
        let d = day("series", &row.get::<_, String>(3)?)?;
        let amount_text: String = row.get(4)?;
        let amount: Decimal = amount_text.parse().map_err(|_| SqliteError::Corrupt {
            table: "series",
            value: amount_text.clone(),
        })?;
        let count: i64 = row.get(5)?;
        let overflowed: bool = row.get(6)?;
        let series = Series {
            rule: rule.into(),
            key,
            unit: unit.into(),
        };
        out.add_sum_day(
            &series,
            d,
            &Sum {
                amount,
                count: u64::try_from(count).unwrap_or(0),
                overflowed,
            },
        );
    }
    let mut stmt = connection.prepare("SELECT role, name, first_day FROM parties")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let role_text: String = row.get(0)?;
        let role = role_of(&role_text).ok_or(SqliteError::Corrupt {
            table: "parties",
            value: role_text.clone(),
        })?;
        let name: String = row.get(1)?;
        out.add_party_day(role, &name, day("parties", &row.get::<_, String>(2)?)?);
    }
    let mut stmt = connection.prepare(
        "SELECT country, consignee, hs6, day, count, id, ghost_id, ghost_end_user FROM arrivals",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let country_text: String = row.get(0)?;
        let country = country_text.parse().map_err(|_| SqliteError::Corrupt {
            table: "arrivals",
            value: country_text.clone(),
        })?;
        let key = ArrivalKey {
            country,
            consignee: row.get(1)?,
            hs6: row.get(2)?,
        };
        let d = day("arrivals", &row.get::<_, String>(3)?)?;
        let count: i64 = row.get(4)?;
        let ghost_id: Option<String> = row.get(6)?;
        let ghost_end_user: Option<String> = row.get(7)?;
        out.add_arrival_day(
            &key,
            d,
            &Arrival {
                count: u64::try_from(count).unwrap_or(0),
                id: row.get(5)?,
                ghost: ghost_id.zip(ghost_end_user),
            },
        );
    }
    Ok(out)
}

/// The aggregates of the stored records under `engine`'s rules.
fn rebuild(connection: &Connection, engine: &Engine) -> Result<Aggregates, SqliteError> {
    let mut out = Aggregates::new();
    let mut stmt = connection.prepare("SELECT json FROM records ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let json: String = row.get(0)?;
        let s: Shipment = serde_json::from_str(&json).map_err(|_| SqliteError::Corrupt {
            table: "records",
            value: json.chars().take(80).collect(),
        })?;
        out.add(&engine.facts(&s));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Rulebook, Source};

    /// A rule book whose history keeps every role of a party (a new-party rule on each) and a
    /// quota's sums.
    fn engine() -> Engine {
        let mut rules = String::from(
            "[ruleset]\nid = \"t\"\ntitle = \"T\"\nauthority = \"A\"\njurisdiction = \"KZ\"\n\
             scope = \"any_exporter\"\ncitations = [\"c\"]\nsources = [\"s\"]\nversion = \"1\"\n\
             status = \"draft\"\n\
             [[rule]]\nid = \"t-quota\"\nverdict = \"review\"\ntitle = \"Quota\"\n\
             when = { hs_code = [\"8542\"] }\n\
             history = { kind = \"quota\", measure = \"value\", currency = \"USD\", \
             by = [\"hs6\"], cap = 100 }\n",
        );
        for role in ["consignor", "consignee", "end_user"] {
            rules.push_str(&format!(
                "[[rule]]\nid = \"t-new-{role}\"\nverdict = \"review\"\ntitle = \"New {role}\"\n\
                 when = {{ hs_code = [\"8542\"] }}\n\
                 history = {{ kind = \"new_party\", party = \"{role}\", days = 30, \
                 measure = \"value\", currency = \"USD\", floor = 1 }}\n"
            ));
        }
        Engine::new(Rulebook::from_sources(vec![Source::new("t.toml", rules)]).unwrap())
    }

    fn shipment(id: &str, day: u32) -> Shipment {
        let mut s = Shipment::new(
            id,
            chrono::NaiveDate::from_ymd_opt(2023, 5, day).unwrap(),
            "854231".parse().unwrap(),
            "KZ".parse().unwrap(),
            "RU".parse().unwrap(),
        );
        s.consignor = Some(format!("Sender {id}"));
        s.consignee = Some(format!("Receiver {id}"));
        s.end_user = Some(format!("User {id}"));
        s.value = Some(60.into());
        s.currency = Some("USD".into());
        s
    }

    fn temp_file(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("ec-sqlite-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("h.sqlite")
    }

    #[test]
    fn one_record_is_stored_counted_and_seen_by_checks() {
        let engine = engine();
        let mut db = SqliteHistory::open_in_memory(&engine).unwrap();
        assert!(db.is_empty().unwrap());
        assert_eq!(db.len().unwrap(), 0);
        let first = shipment("A", 1);
        db.record(&engine, &first).unwrap();
        assert!(!db.is_empty().unwrap());
        assert_eq!(db.len().unwrap(), 1);
        let mut memory = History::new();
        engine.record(&mut memory, &first);
        assert_eq!(db.history().aggregates(), memory.aggregates());
        // The quota's cap of 100 USD: the second 60 USD goes past it, seen through the file.
        let verdict = db.check(&engine, &shipment("B", 2));
        assert!(verdict.matches.iter().any(|m| m.rule == "t-quota"));
    }

    #[test]
    fn every_role_of_a_party_survives_reopening() {
        let engine = engine();
        let path = temp_file("roles");
        let records = [shipment("A", 1), shipment("B", 3)];
        let mut memory = History::new();
        {
            let mut db = SqliteHistory::open(&path, &engine).unwrap();
            db.record_batch(&engine, &records).unwrap();
        }
        for s in &records {
            engine.record(&mut memory, s);
        }
        // Reopened with the same rules: the aggregates are read from the file, not recomputed.
        let db = SqliteHistory::open(&path, &engine).unwrap();
        assert_eq!(db.history().aggregates(), memory.aggregates());
        // The consignor, consignee and end user of record A, first seen 2023-05-01: not new
        // 40 days later, in each role.
        let mut later = shipment("A", 1);
        later.date = chrono::NaiveDate::from_ymd_opt(2023, 6, 10).unwrap();
        let verdict = db.check(&engine, &later);
        for role in ["consignor", "consignee", "end_user"] {
            let rule = format!("t-new-{role}");
            assert!(!verdict.matches.iter().any(|m| m.rule == rule), "{rule}");
        }
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn a_file_of_another_layout_is_refused() {
        let engine = engine();
        let path = temp_file("schema");
        drop(SqliteHistory::open(&path, &engine).unwrap());
        let connection = Connection::open(&path).unwrap();
        connection
            .execute("UPDATE meta SET value = '0' WHERE key = 'schema'", [])
            .unwrap();
        drop(connection);
        match SqliteHistory::open(&path, &engine) {
            Err(SqliteError::Schema { found, expected }) => {
                assert_eq!((found.as_str(), expected), ("0", SCHEMA_VERSION));
            }
            other => panic!("{other:?}"),
        }
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn the_integrity_check_finds_a_damaged_page() {
        let engine = engine();
        let path = temp_file("damaged");
        {
            let mut db = SqliteHistory::open(&path, &engine).unwrap();
            let records: Vec<Shipment> = (0..2_000)
                .map(|i| shipment(&format!("R{i:05}"), 1 + i % 28))
                .collect();
            db.record_batch(&engine, &records).unwrap();
            assert!(db.integrity_check().unwrap());
        }
        // Damage the cells of a leaf page of the records, which opening does not read (it reads
        // the aggregates), leaving the page's header whole.
        let (page, size): (i64, i64) = {
            let connection = Connection::open(&path).unwrap();
            let size = connection
                .query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap();
            let page = connection
                .query_row(
                    "SELECT pageno FROM dbstat WHERE name = 'records' AND pagetype = 'leaf' \
                     ORDER BY pageno LIMIT 1 OFFSET 10",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            (page, size)
        };
        let mut bytes = std::fs::read(&path).unwrap();
        let start = usize::try_from((page - 1) * size).unwrap();
        let size = usize::try_from(size).unwrap();
        for b in bytes.iter_mut().skip(start + size / 2).take(size / 2) {
            *b = 0x5a;
        }
        std::fs::write(&path, bytes).unwrap();
        let db = SqliteHistory::open(&path, &engine).unwrap();
        assert!(!matches!(db.integrity_check(), Ok(true)));
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn statistics_added_are_kept_with_the_history() {
        let engine = engine();
        let mut db = SqliteHistory::open_in_memory(&engine).unwrap();
        assert!(db.history().statistics().is_empty());
        let stats = Statistics::parse(&Source::new(
            "x.statistics.csv",
            "period,reporter,partner,hs_code,value,currency\n2021,KZ,RU,854231,1200,USD\n",
        ))
        .unwrap();
        db.add_statistics(stats);
        assert_eq!(db.history().statistics().len(), 1);
        assert_eq!(db.history().statistics()[0].name(), "x.statistics.csv");
    }
}

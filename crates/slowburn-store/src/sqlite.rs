//! The embedded backend: one `SQLite` file (bundled), WAL mode, foreign keys on, schema
//! migrations by `PRAGMA user_version` (see `docs/SCHEMA.md`).

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::blob;
use crate::schema;
use crate::{
    hex, ActivityData, ActivityRow, AthleteEntryRow, Batch, DailyLog, Date, Derived, DuplicateRow,
    Facts, Filter, Generations, HistoryRow, HistorySnapshot, MetaAdded, MetaRef, NewActivity,
    OriginalRow, PartOf, PeriodRow, PlanRevisionRow, PlanRow, Result, Sha256, Store, StoreError,
    StoredRecording, MAX_SPAN_MS,
};

/// The `SQLite` store: one connection.
pub struct SqliteStore {
    conn: Connection,
}

/// The columns written for an activity, in the order of [`activity_values`].
const WRITE_COLUMNS: [&str; 45] = [
    "sha256",
    "part",
    "parts",
    "source_name",
    "format",
    "start_ms",
    "utc_offset_s",
    "sport",
    "sub_sport",
    "name",
    "description",
    "gear",
    "device",
    "duration_s",
    "moving_s",
    "distance_m",
    "ascent_m",
    "avg_hr",
    "max_hr",
    "samples",
    "richness",
    "summary",
    "hr_hist",
    "pace_hist",
    "summary_version",
    "base_type",
    "base_reason",
    "confidence",
    "settled_hr",
    "hr_coverage",
    "best_30s_hr",
    "best_30min_lthr",
    "gap_pace_s_per_km",
    "efficiency_factor",
    "decoupling_pct",
    "best_efforts",
    "hr_pace",
    "settled_hr_pace",
    "run_type",
    "reason",
    "end_ms",
    "channels",
    "evidence",
    "derived_confidence",
    "why",
];

/// Position (1-based, as bound) of a column in [`WRITE_COLUMNS`].
fn bind_index(column: &str) -> usize {
    WRITE_COLUMNS.iter().position(|c| *c == column).map_or(0, |i| i + 1)
}

/// Blobs of one activity, encoded once for binding.
struct Blobs {
    hr: Vec<u8>,
    pace: Vec<u8>,
    efforts: Vec<u8>,
    hr_pace: Vec<u8>,
    settled: Vec<u8>,
}

impl Blobs {
    fn of(a: &NewActivity) -> Blobs {
        Blobs {
            hr: blob::f32s(&a.hr_hist),
            pace: blob::f32s(&a.pace_hist),
            efforts: blob::efforts(&a.facts.best_efforts),
            hr_pace: blob::hr_pace(&a.facts.hr_pace),
            settled: blob::hr_pace(&a.facts.settled_hr_pace),
        }
    }
}

/// An activity's values in the order of [`WRITE_COLUMNS`]. At insert and re-analysis the
/// derived type is the base type; the application's refresh then brings it up to date.
fn activity_values<'a>(a: &'a NewActivity, b: &'a Blobs) -> [&'a dyn rusqlite::ToSql; 45] {
    const NO_TEXT: Option<String> = None;
    let f = &a.facts;
    [
        &a.sha256,
        &a.part.part,
        &a.part.parts,
        &a.data.source_name,
        &a.data.format,
        &a.data.start_ms,
        &a.data.utc_offset_s,
        &a.data.sport,
        &a.data.sub_sport,
        &a.data.name,
        &a.data.description,
        &a.data.gear,
        &a.data.device,
        &a.data.duration_s,
        &a.data.moving_s,
        &a.data.distance_m,
        &a.data.ascent_m,
        &a.data.avg_hr,
        &a.data.max_hr,
        &a.data.samples,
        &a.richness,
        &a.summary,
        &b.hr,
        &b.pace,
        &f.summary_version,
        &f.base_type,
        &f.base_reason,
        &f.confidence,
        &f.settled_hr,
        &f.hr_coverage,
        &f.best_30s_hr,
        &f.best_30min_lthr,
        &f.gap_pace_s_per_km,
        &f.efficiency_factor,
        &f.decoupling_pct,
        &b.efforts,
        &b.hr_pace,
        &b.settled,
        &f.base_type,
        &f.base_reason,
        &a.end_ms,
        &a.channels,
        &f.evidence,
        &f.confidence,
        &NO_TEXT,
    ]
}

/// The columns of a [`StoredRecording`], in the order [`stored_from_row`] reads them.
const STORED_COLUMNS: &str = "id, sha256, part, parts, source_name, format, sport, sub_sport, \
     start_ms, end_ms, span_start_ms, span_end_ms, duration_s, samples, richness, channels";

fn stored_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRecording> {
    let sha: Vec<u8> = r.get(1)?;
    Ok(StoredRecording {
        id: r.get(0)?,
        sha256: sha_of(&sha),
        part: PartOf { part: r.get(2)?, parts: r.get(3)? },
        source_name: r.get(4)?,
        format: r.get(5)?,
        sport: r.get(6)?,
        sub_sport: r.get(7)?,
        start_ms: r.get(8)?,
        end_ms: r.get(9)?,
        span_start_ms: r.get(10)?,
        span_end_ms: r.get(11)?,
        duration_s: r.get(12)?,
        samples: r.get(13)?,
        richness: r.get(14)?,
        channels: r.get(15)?,
    })
}

const DUPLICATE_COLUMNS: &str = "sha256, activity_id, source_name, reason, start_ms, end_ms, sport";

fn duplicate_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DuplicateRow> {
    let sha: Vec<u8> = r.get(0)?;
    Ok(DuplicateRow {
        sha256: sha_of(&sha),
        activity_id: r.get(1)?,
        source_name: r.get(2)?,
        reason: r.get(3)?,
        start_ms: r.get(4)?,
        end_ms: r.get(5)?,
        sport: r.get(6)?,
    })
}

const ACTIVITY_COLUMNS: &str =
    "a.id, a.sha256, a.source_name, a.format, a.start_ms, a.utc_offset_s, a.sport, \
     a.sub_sport, a.name, a.description, a.gear, a.device, a.duration_s, a.moving_s, a.distance_m, \
     a.ascent_m, a.avg_hr, a.max_hr, a.samples, a.label, a.run_type, a.reason, a.summary_version, \
     (SELECT count(*) FROM duplicates d WHERE d.activity_id = a.id), a.derived_confidence, a.why";

/// A stored `YYYY-MM-DD` as a date (a conversion error names the table and the value).
fn date_at(r: &rusqlite::Row<'_>, i: usize, table: &'static str) -> rusqlite::Result<Date> {
    let text: String = r.get(i)?;
    text.parse::<Date>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            Box::new(StoreError::BadDate { table, value: text.clone(), why: e.to_string() }),
        )
    })
}

fn sha_of(v: &[u8]) -> Sha256 {
    let mut sha = [0u8; 32];
    if v.len() == 32 {
        sha.copy_from_slice(v);
    }
    sha
}

fn activity_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityRow> {
    let sha: Vec<u8> = r.get(1)?;
    Ok(ActivityRow {
        id: r.get(0)?,
        sha256: sha_of(&sha),
        data: ActivityData {
            source_name: r.get(2)?,
            format: r.get(3)?,
            start_ms: r.get(4)?,
            utc_offset_s: r.get(5)?,
            sport: r.get(6)?,
            sub_sport: r.get(7)?,
            name: r.get(8)?,
            description: r.get(9)?,
            gear: r.get(10)?,
            device: r.get(11)?,
            duration_s: r.get(12)?,
            moving_s: r.get(13)?,
            distance_m: r.get(14)?,
            ascent_m: r.get(15)?,
            avg_hr: r.get(16)?,
            max_hr: r.get(17)?,
            samples: r.get(18)?,
        },
        label: r.get(19)?,
        derived: Derived {
            run_type: r.get(20)?,
            reason: r.get(21)?,
            confidence: r.get("derived_confidence")?,
            why: r.get("why")?,
        },
        summary_version: r.get(22)?,
        duplicates: r.get(23)?,
    })
}

/// [`ACTIVITY_COLUMNS`] (0–23), then the facts (24–37), histograms (38–39) and RPE (40).
const HISTORY_COLUMNS: &str =
    "a.id, a.sha256, a.source_name, a.format, a.start_ms, a.utc_offset_s, a.sport, \
     a.sub_sport, a.name, a.description, a.gear, a.device, a.duration_s, a.moving_s, a.distance_m, \
     a.ascent_m, a.avg_hr, a.max_hr, a.samples, a.label, a.run_type, a.reason, a.summary_version, \
     (SELECT count(*) FROM duplicates d WHERE d.activity_id = a.id), \
     a.base_type, a.base_reason, a.confidence, a.settled_hr, a.hr_coverage, a.best_30s_hr, \
     a.best_30min_lthr, a.gap_pace_s_per_km, a.efficiency_factor, a.decoupling_pct, \
     a.best_efforts, a.hr_pace, a.settled_hr_pace, a.evidence, a.hr_hist, a.pace_hist, r.rpe, \
     a.derived_confidence, a.why \
     FROM activities a LEFT JOIN activity_rpe r ON r.activity_id = a.id";

/// A blob column read without copying (`None` for NULL).
fn blob_ref<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r [u8]>> {
    Ok(r.get_ref(i)?.as_blob_or_null()?)
}

fn history_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HistoryRow> {
    let activity = activity_from_row(r)?;
    let id = activity.id;
    let corrupt = |what: &'static str| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Blob,
            Box::new(StoreError::Corrupt { id, what, why: "bad length".into() }),
        )
    };
    let efforts = blob_ref(r, 34)?
        .map(|b| blob::to_efforts(b).ok_or_else(|| corrupt("best_efforts")))
        .transpose()?;
    let hr_pace = blob_ref(r, 35)?
        .map(|b| blob::to_hr_pace(b).ok_or_else(|| corrupt("hr_pace")))
        .transpose()?;
    let settled = blob_ref(r, 36)?
        .map(|b| blob::to_hr_pace(b).ok_or_else(|| corrupt("settled_hr_pace")))
        .transpose()?;
    Ok(HistoryRow {
        facts: Facts {
            summary_version: activity.summary_version,
            base_type: r.get(24)?,
            base_reason: r.get(25)?,
            confidence: r.get(26)?,
            settled_hr: r.get(27)?,
            hr_coverage: r.get(28)?,
            best_30s_hr: r.get(29)?,
            best_30min_lthr: r.get(30)?,
            gap_pace_s_per_km: r.get(31)?,
            efficiency_factor: r.get(32)?,
            decoupling_pct: r.get(33)?,
            best_efforts: efforts.unwrap_or_default(),
            hr_pace: hr_pace.unwrap_or_default(),
            settled_hr_pace: settled.unwrap_or_default(),
            evidence: r.get(37)?,
        },
        hr_hist: blob_ref(r, 38)?.map(blob::to_f32s).unwrap_or_default(),
        pace_hist: blob_ref(r, 39)?.map(blob::to_f32s).unwrap_or_default(),
        rpe: r.get(40)?,
        activity,
    })
}

/// Why the store's folder cannot be written, if it cannot (a read-only filesystem, no
/// permission): `SQLite` says only "unable to open database file".
fn not_writable(path: &Path) -> Option<StoreError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let probe = dir.join(format!(".slowburn-write-check-{}", std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            None
        }
        Err(e) => Some(StoreError::NotWritable {
            path: path.display().to_string(),
            why: match e.kind() {
                std::io::ErrorKind::ReadOnlyFilesystem => "a read-only filesystem".to_owned(),
                std::io::ErrorKind::PermissionDenied => "no permission to write there".to_owned(),
                _ => e.to_string(),
            },
        }),
    }
}

/// Advance the generation of derived state's inputs (in the caller's transaction).
fn bump_inputs(conn: &Connection) -> Result<()> {
    conn.execute("UPDATE generations SET inputs = inputs + 1 WHERE id = 1", [])?;
    Ok(())
}

/// How long a command waits for another one holding the store's write lock (one batch, one
/// refresh) before it gives up with a message naming the store.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(crate::BUSY_TIMEOUT_S);

impl SqliteStore {
    /// Open (creating if needed) the store at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                    path: path.display().to_string(),
                    source: rusqlite::Error::InvalidPath(std::path::PathBuf::from(e.to_string())),
                })?;
            }
        }
        let opened = Connection::open(path)
            .map_err(|source| StoreError::Open { path: path.display().to_string(), source })
            .and_then(Self::setup);
        match opened {
            Err(e) if e.is_environment() => Err(not_writable(path).unwrap_or(e)),
            other => other,
        }
    }

    /// A store in memory (tests).
    pub fn open_in_memory() -> Result<SqliteStore> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<SqliteStore> {
        // Another slowburn writing to the same store (an import beside the dashboard, two
        // imports) is waited for, never reported as "database is locked": every write
        // transaction takes the lock at its start (IMMEDIATE) and holds it for one batch.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Opening can meet a lock the busy handler is not asked about: two processes opening a
        // new store at once, one switching it to WAL (an exclusive lock SQLite does not wait
        // for). Every step below can be run again, so it is, until the lock is free.
        let started = std::time::Instant::now();
        let mut pause = std::time::Duration::from_millis(2);
        loop {
            match Self::prepare(&conn) {
                Err(e) if e.is_busy() && started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(std::time::Duration::from_millis(100));
                }
                Err(e) => return Err(e),
                Ok(()) => return Ok(SqliteStore { conn }),
            }
        }
    }

    /// The connection's settings and the schema, brought up to date (idempotent).
    fn prepare(conn: &Connection) -> Result<()> {
        // A newer schema is refused before anything writes (switching to WAL rewrites the header).
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > schema::SCHEMA_VERSION {
            return Err(StoreError::TooNew { found, supported: schema::SCHEMA_VERSION });
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // FULL: every commit syncs the WAL before it returns, so what a command reported as
        // stored survives a power cut right after (NORMAL keeps it only from the next
        // checkpoint on). One fsync per transaction; imports write a batch per transaction.
        conn.pragma_update(None, "synchronous", "FULL")?;
        schema::migrate(conn)
    }

    /// Every original file, decompressed, with the name it was imported under. Calls `f` for
    /// each; stops at the first error. (Streams: one original in memory at a time.)
    pub fn for_each_original(
        &self,
        mut f: impl FnMut(&Sha256, &str, &[u8]) -> std::result::Result<(), String>,
    ) -> Result<usize> {
        let mut st = self
            .conn
            .prepare("SELECT sha256, name, size, data FROM originals ORDER BY name, sha256")?;
        let mut rows = st.query([])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let sha_v: Vec<u8> = r.get(0)?;
            let name: String = r.get(1)?;
            let size: i64 = r.get(2)?;
            let data: Vec<u8> = r.get(3)?;
            let sha = sha_of(&sha_v);
            let bytes = zstd::bulk::decompress(&data, usize::try_from(size).unwrap_or(0))
                .map_err(|e| StoreError::Original { sha: hex(&sha), why: e.to_string() })?;
            f(&sha, &name, &bytes).map_err(|why| StoreError::Original { sha: hex(&sha), why })?;
            n += 1;
        }
        Ok(n)
    }
}

fn range_sql(filter: &Filter) -> (Option<i64>, Option<i64>) {
    (filter.since_ms, filter.until_ms)
}

impl Store for SqliteStore {
    fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    fn has_original(&self, sha: &Sha256) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM originals WHERE sha256 = ?1", [&sha[..]], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn batch(&mut self) -> Result<Box<dyn Batch + '_>> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        Ok(Box::new(SqliteBatch { tx }))
    }

    fn activities(&self, filter: &Filter) -> Result<Vec<ActivityRow>> {
        let sql = format!(
            "SELECT {ACTIVITY_COLUMNS} FROM activities a \
             WHERE (?1 IS NULL OR a.start_ms >= ?1) AND (?2 IS NULL OR a.start_ms < ?2) \
               AND (?3 IS NULL OR a.sport = ?3) \
             ORDER BY a.start_ms {}, a.id LIMIT ?4",
            if filter.newest_first { "DESC" } else { "ASC" }
        );
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map(
            params![filter.since_ms, filter.until_ms, filter.sport, filter.limit.unwrap_or(-1)],
            activity_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn activity(&self, id: i64) -> Result<ActivityRow> {
        let sql = format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.id = ?1");
        self.conn
            .query_row(&sql, [id], activity_from_row)
            .optional()?
            .ok_or(StoreError::NoActivity(id))
    }

    fn activity_summary(&self, id: i64) -> Result<String> {
        self.conn
            .query_row("SELECT summary FROM activities WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NoActivity(id))
    }

    fn history_row(&self, id: i64) -> Result<HistoryRow> {
        let sql = format!("SELECT {HISTORY_COLUMNS} WHERE a.id = ?1");
        self.conn
            .query_row(&sql, [id], history_from_row)
            .optional()?
            .ok_or(StoreError::NoActivity(id))
    }

    fn history(&self, filter: &Filter) -> Result<HistorySnapshot> {
        // One read transaction: a concurrent import never shows half a batch to a review.
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let read = (|| -> Result<HistorySnapshot> {
            let (since, until) = range_sql(filter);
            let sql = format!(
                "SELECT {HISTORY_COLUMNS} \
                 WHERE (?1 IS NULL OR a.start_ms >= ?1) AND (?2 IS NULL OR a.start_ms < ?2) \
                 ORDER BY a.start_ms, a.id"
            );
            let mut st = self.conn.prepare_cached(&sql)?;
            let activities = st
                .query_map(params![since, until], history_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut st = self.conn.prepare_cached(
                "SELECT from_date, entry FROM athlete_entries ORDER BY from_date, id",
            )?;
            let entries = st
                .query_map([], |r| {
                    Ok(AthleteEntryRow {
                        from_date: date_at(r, 0, "athlete_entries")?,
                        entry: r.get(1)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut st = self.conn.prepare_cached(
                "SELECT date, kind, value, text FROM daily_log ORDER BY date, id",
            )?;
            let logs = st
                .query_map([], |r| {
                    Ok(DailyLog {
                        date: date_at(r, 0, "daily_log")?,
                        kind: r.get(1)?,
                        value: r.get(2)?,
                        text: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(HistorySnapshot { activities, entries, logs })
        })();
        let _ = self.conn.execute_batch("COMMIT");
        read
    }

    fn stale_summaries(&self, version: u32) -> Result<Vec<i64>> {
        // No ORDER BY: sorting by id would make SQLite walk the table instead of the index.
        let mut st = self.conn.prepare(
            "SELECT id FROM activities INDEXED BY activities_summary_version \
             WHERE summary_version < ?1",
        )?;
        let rows = st.query_map([version], |r| r.get(0))?;
        let mut ids = rows.collect::<rusqlite::Result<Vec<i64>>>()?;
        ids.sort_unstable();
        Ok(ids)
    }

    fn latest_start(&self) -> Result<Option<(i64, Option<i32>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT start_ms, utc_offset_s FROM activities WHERE start_ms IS NOT NULL \
                 ORDER BY start_ms DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    fn activity_part(&self, id: i64) -> Result<PartOf> {
        self.conn
            .query_row("SELECT part, parts FROM activities WHERE id = ?1", [id], |r| {
                Ok(PartOf { part: r.get(0)?, parts: r.get(1)? })
            })
            .optional()?
            .ok_or(StoreError::NoActivity(id))
    }

    fn file_activities(&self, sha: &Sha256) -> Result<Vec<i64>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id FROM activities WHERE sha256 = ?1 ORDER BY part")?;
        let rows = st.query_map([&sha[..]], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<i64>>>()?)
    }

    fn duplicates(&self, id: i64) -> Result<Vec<DuplicateRow>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {DUPLICATE_COLUMNS} FROM duplicates WHERE activity_id = ?1 \
             ORDER BY source_name, sha256"
        ))?;
        let rows = st.query_map([id], duplicate_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn counts(&self) -> Result<(i64, i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM activities), (SELECT count(*) FROM duplicates), \
                    (SELECT count(*) FROM originals)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }

    fn original_list(&self) -> Result<Vec<OriginalRow>> {
        let mut st =
            self.conn.prepare("SELECT sha256, name FROM originals ORDER BY name, sha256")?;
        let rows = st.query_map([], |r| {
            let v: Vec<u8> = r.get(0)?;
            Ok(OriginalRow { sha256: sha_of(&v), name: r.get(1)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn original(&self, sha: &Sha256) -> Result<Vec<u8>> {
        let (size, data): (i64, Vec<u8>) = self
            .conn
            .query_row("SELECT size, data FROM originals WHERE sha256 = ?1", [&sha[..]], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::Original { sha: hex(sha), why: "not stored".into() })?;
        zstd::bulk::decompress(&data, usize::try_from(size).unwrap_or(0))
            .map_err(|e| StoreError::Original { sha: hex(sha), why: e.to_string() })
    }

    fn add_athlete_entry(&mut self, from_date: Date, entry: &str) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // The same entry again for its date (a command re-run after it was killed) is the same
        // fact, not a second one: nothing changes unless it differs from the date's latest.
        tx.execute(
            "INSERT INTO athlete_entries (from_date, entry) SELECT ?1, ?2 WHERE ?2 IS NOT              (SELECT entry FROM athlete_entries WHERE from_date = ?1 ORDER BY id DESC LIMIT 1)",
            params![from_date.to_string(), entry],
        )?;
        bump_inputs(&tx)?;
        tx.commit()?;
        Ok(())
    }

    fn add_daily_log(&mut self, log: &DailyLog) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // An identical entry for the day (a re-run) is not logged twice.
        tx.execute(
            "INSERT INTO daily_log (date, kind, value, text) SELECT ?1, ?2, ?3, ?4              WHERE NOT EXISTS (SELECT 1 FROM daily_log WHERE date = ?1 AND kind = ?2                                AND value IS ?3 AND text IS ?4)",
            params![log.date.to_string(), log.kind, log.value, log.text],
        )?;
        bump_inputs(&tx)?;
        tx.commit()?;
        Ok(())
    }

    fn set_rpe(&mut self, id: i64, rpe: f64) -> Result<()> {
        self.activity(id)?;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR REPLACE INTO activity_rpe (activity_id, rpe) VALUES (?1, ?2)",
            params![id, rpe],
        )?;
        bump_inputs(&tx)?;
        tx.commit()?;
        Ok(())
    }

    fn set_label(&mut self, id: i64, label: Option<&str>) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let n = tx.execute("UPDATE activities SET label = ?2 WHERE id = ?1", params![id, label])?;
        if n == 0 {
            return Err(StoreError::NoActivity(id));
        }
        bump_inputs(&tx)?;
        tx.commit()?;
        Ok(())
    }

    fn generations(&self) -> Result<Generations> {
        Ok(self.conn.query_row(
            "SELECT inputs, derived FROM generations WHERE id = 1",
            [],
            |r| Ok(Generations { inputs: r.get(0)?, derived: r.get(1)? }),
        )?)
    }

    fn set_derived(
        &mut self,
        updates: &[(i64, Derived)],
        periods: &[PeriodRow],
        inputs_seen: i64,
    ) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Computed from inputs another writer has since changed: that writer's refresh (which
        // read the newer inputs) writes the derived state; this one must not overwrite it.
        let inputs: i64 =
            tx.query_row("SELECT inputs FROM generations WHERE id = 1", [], |r| r.get(0))?;
        if inputs != inputs_seen {
            return Ok(());
        }
        tx.execute("UPDATE generations SET derived = ?1 WHERE id = 1", [inputs_seen])?;
        {
            let mut st = tx.prepare_cached(
                "UPDATE activities SET run_type = ?2, reason = ?3, derived_confidence = ?4, \
                     why = ?5 WHERE id = ?1",
            )?;
            for (id, d) in updates {
                st.execute(params![id, d.run_type, d.reason, d.confidence, d.why])?;
            }
            tx.execute("DELETE FROM profile_periods", [])?;
            let mut st = tx.prepare_cached(
                "INSERT INTO profile_periods (from_date, profile) VALUES (?1, ?2)",
            )?;
            for p in periods {
                st.execute(params![p.from_date.to_string(), p.profile])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn period_on(&self, date: Date) -> Result<Option<PeriodRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT from_date, profile FROM profile_periods WHERE from_date <= ?1 \
                 ORDER BY from_date DESC LIMIT 1",
                [date.to_string()],
                |r| {
                    Ok(PeriodRow {
                        from_date: date_at(r, 0, "profile_periods")?,
                        profile: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    fn canonical_dump(&self) -> Result<String> {
        let mut out = String::new();
        let cols = WRITE_COLUMNS
            .iter()
            .filter(|c| **c != "sha256")
            .map(|c| format!("a.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut st = self.conn.prepare(&format!(
            "SELECT hex(a.sha256), {cols}, a.span_start_ms, a.span_end_ms, a.label, \
                    (SELECT group_concat(hex(d.sha256) || ':' || d.reason || ':' || \
                        coalesce(d.start_ms, '') || ':' || coalesce(d.end_ms, '') || ':' || \
                        coalesce(d.sport, ''), ',') FROM \
                      (SELECT * FROM duplicates d WHERE d.activity_id = a.id ORDER BY d.sha256) d), \
                    (SELECT rpe FROM activity_rpe WHERE activity_id = a.id) \
             FROM activities a ORDER BY a.sha256, a.part"
        ))?;
        let n = st.column_count();
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i)?;
                out.push_str(&format!("{v:?}\t"));
            }
            out.push('\n');
        }
        for sql in [
            "SELECT hex(sha256), size, name FROM originals ORDER BY sha256",
            "SELECT from_date, entry, '' FROM athlete_entries ORDER BY from_date, id",
            "SELECT from_date, profile, '' FROM profile_periods ORDER BY from_date",
            "SELECT date, kind, coalesce(value, '') || '|' || coalesce(text, '') FROM daily_log \
             ORDER BY date, kind, value, text",
            "SELECT p.created || '#' || r.revision, r.reason, r.plan FROM plan_revisions r \
             JOIN plans p ON p.id = r.plan_id ORDER BY p.created, r.plan, r.revision",
        ] {
            let mut st = self.conn.prepare(sql)?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let (a, b, c): (
                    rusqlite::types::Value,
                    rusqlite::types::Value,
                    rusqlite::types::Value,
                ) = (r.get(0)?, r.get(1)?, r.get(2)?);
                out.push_str(&format!("{a:?}\t{b:?}\t{c:?}\n"));
            }
        }
        Ok(out)
    }

    fn add_plan(&mut self, created: &str, plan: &str) -> Result<i64> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("INSERT INTO plans (created) VALUES (?1)", params![created])?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO plan_revisions (plan_id, revision, created, reason, plan) \
             VALUES (?1, 1, ?2, 'created', ?3)",
            params![id, created, plan],
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn add_plan_revision(
        &mut self,
        id: i64,
        created: &str,
        reason: &str,
        plan: &str,
    ) -> Result<u32> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let last: Option<u32> = tx.query_row(
            "SELECT max(revision) FROM plan_revisions WHERE plan_id = ?1",
            params![id],
            |r| r.get(0),
        )?;
        let Some(last) = last else { return Err(StoreError::NoPlan(id)) };
        tx.execute(
            "INSERT INTO plan_revisions (plan_id, revision, created, reason, plan) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, last + 1, created, reason, plan],
        )?;
        tx.commit()?;
        Ok(last + 1)
    }

    fn plans(&self) -> Result<Vec<PlanRow>> {
        let mut st = self.conn.prepare(
            "SELECT p.id, p.created, r.revision, r.created, r.reason, r.plan FROM plans p \
             JOIN plan_revisions r ON r.plan_id = p.id \
             AND r.revision = (SELECT max(revision) FROM plan_revisions WHERE plan_id = p.id) \
             ORDER BY p.id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(PlanRow {
                id: r.get(0)?,
                created: r.get(1)?,
                revisions: r.get(2)?,
                latest: PlanRevisionRow {
                    revision: r.get(2)?,
                    created: r.get(3)?,
                    reason: r.get(4)?,
                    plan: r.get(5)?,
                },
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    fn plan_revisions(&self, id: i64) -> Result<Vec<PlanRevisionRow>> {
        let mut st = self.conn.prepare(
            "SELECT revision, created, reason, plan FROM plan_revisions WHERE plan_id = ?1 \
             ORDER BY revision",
        )?;
        let rows = st.query_map(params![id], |r| {
            Ok(PlanRevisionRow {
                revision: r.get(0)?,
                created: r.get(1)?,
                reason: r.get(2)?,
                plan: r.get(3)?,
            })
        })?;
        let out: Vec<PlanRevisionRow> = rows.collect::<std::result::Result<_, _>>()?;
        if out.is_empty() {
            return Err(StoreError::NoPlan(id));
        }
        Ok(out)
    }

    fn delete_plan(&mut self, id: i64) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM plan_revisions WHERE plan_id = ?1", params![id])?;
        if tx.execute("DELETE FROM plans WHERE id = ?1", params![id])? == 0 {
            return Err(StoreError::NoPlan(id));
        }
        tx.commit()?;
        Ok(())
    }
}

/// One `SQLite` transaction (taken with the write lock at once, so two writers queue on the
/// busy timeout instead of failing half-way).
struct SqliteBatch<'a> {
    tx: Transaction<'a>,
}

impl SqliteBatch<'_> {
    /// `UPDATE activities SET {set} WHERE id = ?44`, with `?1`…`?43` bound in the order of
    /// [`WRITE_COLUMNS`].
    fn update(&self, id: i64, a: &NewActivity, set: &str) -> Result<()> {
        let b = Blobs::of(a);
        let mut values = activity_values(a, &b).to_vec();
        values.push(&id);
        let n = self.tx.execute(
            &format!("UPDATE activities SET {set} WHERE id = ?{}", WRITE_COLUMNS.len() + 1),
            rusqlite::params_from_iter(values),
        )?;
        if n == 0 {
            return Err(StoreError::NoActivity(id));
        }
        Ok(())
    }

    /// Bring activity `id`'s span up to date: its own recording's and its duplicates' (a part of
    /// a multisport file keeps its own, so a copy of the whole file does not swallow its legs).
    fn refresh_span(&self, id: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE activities SET
                   span_start_ms = CASE WHEN parts > 1 THEN start_ms ELSE (SELECT min(x) FROM
                     (SELECT start_ms AS x FROM activities WHERE id = ?1
                      UNION ALL SELECT start_ms FROM duplicates WHERE activity_id = ?1)) END,
                   span_end_ms = CASE WHEN parts > 1 THEN end_ms ELSE (SELECT max(x) FROM
                     (SELECT end_ms AS x FROM activities WHERE id = ?1
                      UNION ALL SELECT end_ms FROM duplicates WHERE activity_id = ?1)) END
                 WHERE id = ?1",
            )?
            .execute([id])?;
        Ok(())
    }

    /// The kept recording of activity `id` as a duplicate row (its own span and sport).
    fn as_duplicate(&self, id: i64, into: i64, reason: &str) -> Result<DuplicateRow> {
        self.tx
            .query_row(
                "SELECT sha256, source_name, start_ms, end_ms, sport FROM activities WHERE id = ?1",
                [id],
                |r| {
                    let sha: Vec<u8> = r.get(0)?;
                    Ok(DuplicateRow {
                        sha256: sha_of(&sha),
                        activity_id: into,
                        source_name: r.get(1)?,
                        reason: reason.to_owned(),
                        start_ms: r.get(2)?,
                        end_ms: r.get(3)?,
                        sport: r.get(4)?,
                    })
                },
            )
            .optional()?
            .ok_or(StoreError::NoActivity(id))
    }

    fn write_duplicate(&self, d: &DuplicateRow) -> Result<()> {
        self.tx
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO duplicates ({DUPLICATE_COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            ))?
            .execute(params![
                &d.sha256[..],
                d.activity_id,
                d.source_name,
                d.reason,
                d.start_ms,
                d.end_ms,
                d.sport
            ])?;
        Ok(())
    }
}

/// `col=?n` for the analysis columns (everything but identity, part, names, label).
fn analysis_set() -> String {
    WRITE_COLUMNS
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            !matches!(
                **c,
                "sha256"
                    | "part"
                    | "parts"
                    | "source_name"
                    | "format"
                    | "name"
                    | "description"
                    | "gear"
            )
        })
        .map(|(i, c)| format!("{c}=?{}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Batch for SqliteBatch<'_> {
    fn insert_original(
        &mut self,
        sha: &Sha256,
        name: &str,
        size: usize,
        compressed: &[u8],
    ) -> Result<bool> {
        let n = self.tx.execute(
            "INSERT OR IGNORE INTO originals (sha256, name, size, data) VALUES (?1, ?2, ?3, ?4)",
            params![&sha[..], name, size as i64, compressed],
        )?;
        Ok(n == 1)
    }

    fn has_original(&mut self, sha: &Sha256) -> Result<bool> {
        Ok(self
            .tx
            .query_row("SELECT 1 FROM originals WHERE sha256 = ?1", [&sha[..]], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn overlapping(&mut self, start_ms: i64, end_ms: i64) -> Result<Vec<StoredRecording>> {
        let mut st = self.tx.prepare_cached(&format!(
            "SELECT {STORED_COLUMNS} FROM activities INDEXED BY activities_span \
             WHERE span_start_ms BETWEEN ?1 AND ?2 AND span_end_ms >= ?3 \
             ORDER BY span_start_ms, id"
        ))?;
        let rows = st.query_map(
            params![start_ms.saturating_sub(MAX_SPAN_MS), end_ms, start_ms],
            stored_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn file_parts(&mut self, sha: &Sha256) -> Result<Vec<StoredRecording>> {
        let mut st = self.tx.prepare_cached(&format!(
            "SELECT {STORED_COLUMNS} FROM activities WHERE sha256 = ?1 ORDER BY part"
        ))?;
        let rows = st.query_map([&sha[..]], stored_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn duplicates_of(&mut self, id: i64) -> Result<Vec<DuplicateRow>> {
        let mut st = self.tx.prepare_cached(&format!(
            "SELECT {DUPLICATE_COLUMNS} FROM duplicates WHERE activity_id = ?1 ORDER BY sha256"
        ))?;
        let rows = st.query_map([id], duplicate_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn insert_activity(&mut self, a: &NewActivity) -> Result<i64> {
        let b = Blobs::of(a);
        let marks: Vec<String> = (1..=WRITE_COLUMNS.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO activities ({}, span_start_ms, span_end_ms) VALUES ({}, ?{}, ?{})",
            WRITE_COLUMNS.join(", "),
            marks.join(","),
            bind_index("start_ms"),
            bind_index("end_ms"),
        );
        self.tx
            .prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(activity_values(a, &b)))?;
        Ok(self.tx.last_insert_rowid())
    }

    fn replace_activity(&mut self, id: i64, a: &NewActivity, reason: &str) -> Result<()> {
        let old = self.as_duplicate(id, id, reason)?;
        self.update(
            id,
            a,
            &format!(
                "sha256=?{}, part=?{}, parts=?{}, source_name=?{}, format=?{}, \
                 name=coalesce(?{n}, name), description=coalesce(?{d}, description), \
                 gear=coalesce(?{g}, gear), {}",
                bind_index("sha256"),
                bind_index("part"),
                bind_index("parts"),
                bind_index("source_name"),
                bind_index("format"),
                analysis_set(),
                n = bind_index("name"),
                d = bind_index("description"),
                g = bind_index("gear"),
            ),
        )?;
        // The new recording is no longer a duplicate of anything.
        self.tx.execute("DELETE FROM duplicates WHERE sha256 = ?1", [&a.sha256[..]])?;
        if old.sha256 != a.sha256 {
            self.write_duplicate(&old)?;
        }
        self.refresh_span(id)
    }

    fn merge_activity(&mut self, from: i64, into: i64, reason: Option<&str>) -> Result<()> {
        if from == into {
            return Ok(());
        }
        let kept = self.as_duplicate(from, into, reason.unwrap_or_default())?;
        self.tx.execute(
            "UPDATE duplicates SET activity_id = ?2 WHERE activity_id = ?1",
            [from, into],
        )?;
        self.tx.execute(
            "UPDATE activities SET
               label = coalesce(label, (SELECT label FROM activities WHERE id = ?1)),
               name = coalesce(name, (SELECT name FROM activities WHERE id = ?1)),
               description = coalesce(description, (SELECT description FROM activities WHERE id = ?1)),
               gear = coalesce(gear, (SELECT gear FROM activities WHERE id = ?1))
             WHERE id = ?2",
            [from, into],
        )?;
        self.tx.execute(
            "INSERT OR IGNORE INTO activity_rpe (activity_id, rpe) \
             SELECT ?2, rpe FROM activity_rpe WHERE activity_id = ?1",
            [from, into],
        )?;
        self.tx.execute("DELETE FROM activity_rpe WHERE activity_id = ?1", [from])?;
        self.tx.execute("DELETE FROM activities WHERE id = ?1", [from])?;
        if reason.is_some() {
            self.write_duplicate(&kept)?;
        }
        self.refresh_span(into)
    }

    fn update_analysis(&mut self, id: i64, a: &NewActivity) -> Result<()> {
        self.update(id, a, &analysis_set())?;
        self.refresh_span(id)
    }

    fn split_activity(&mut self, id: i64, parts: &[NewActivity]) -> Result<Vec<i64>> {
        let Some(first) = parts.first() else { return Ok(vec![id]) };
        self.update(
            id,
            first,
            &format!(
                "part=?{}, parts=?{}, {}",
                bind_index("part"),
                bind_index("parts"),
                analysis_set()
            ),
        )?;
        self.refresh_span(id)?;
        let mut ids = vec![id];
        for a in &parts[1..] {
            ids.push(self.insert_activity(a)?);
        }
        Ok(ids)
    }

    fn add_daily_log(&mut self, log: &DailyLog) -> Result<()> {
        self.tx.execute(
            "INSERT INTO daily_log (date, kind, value, text) VALUES (?1, ?2, ?3, ?4)",
            params![log.date.to_string(), log.kind, log.value, log.text],
        )?;
        Ok(())
    }

    fn insert_duplicate(&mut self, d: &DuplicateRow) -> Result<()> {
        let before = self.duplicate_of(&d.sha256)?;
        self.write_duplicate(d)?;
        if let Some(b) = before.filter(|b| *b != d.activity_id) {
            self.refresh_span(b)?;
        }
        self.refresh_span(d.activity_id)
    }

    fn add_meta(&mut self, id: i64, meta: MetaRef<'_>) -> Result<MetaAdded> {
        let (name, description, gear): (Option<String>, Option<String>, Option<String>) = self
            .tx
            .query_row("SELECT name, description, gear FROM activities WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?
            .ok_or(StoreError::NoActivity(id))?;
        let added = MetaAdded {
            name: name.is_none() && meta.name.is_some(),
            description: description.is_none() && meta.description.is_some(),
            gear: gear.is_none() && meta.gear.is_some(),
        };
        if added.any() {
            self.tx.execute(
                "UPDATE activities SET name = coalesce(name, ?2), \
                 description = coalesce(description, ?3), gear = coalesce(gear, ?4) WHERE id = ?1",
                params![id, meta.name, meta.description, meta.gear],
            )?;
        }
        Ok(added)
    }

    fn activity_of(&mut self, sha: &Sha256) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT id FROM activities WHERE sha256 = ?1 ORDER BY part LIMIT 1")?
            .query_row([&sha[..]], |r| r.get(0))
            .optional()?)
    }

    fn duplicate_of(&mut self, sha: &Sha256) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT activity_id FROM duplicates WHERE sha256 = ?1")?
            .query_row([&sha[..]], |r| r.get(0))
            .optional()?)
    }

    fn commit(self: Box<Self>) -> Result<()> {
        bump_inputs(&self.tx)?;
        Ok(self.tx.commit()?)
    }
}

//! `slowburn-store`: the `SQLite` store — activities with their summaries and histograms, the
//! original files (zstd-compressed, content-addressed by SHA-256), duplicates, and later the
//! athlete's dated profile and daily logs.
//!
//! # Design
//! SQL lives here and nowhere else; the store computes no analysis (it keeps what
//! `slowburn-core` computed). Writes go through a [`Batch`] — one transaction — so an import
//! killed at any point leaves whole batches or nothing. WAL mode, foreign keys on, schema
//! migrations by `PRAGMA user_version` (see `docs/SCHEMA.md`).

mod schema;

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

pub use schema::SCHEMA_VERSION;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open { path: String, source: rusqlite::Error },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(
        "database schema version {found} is newer than this slowburn understands ({supported})"
    )]
    TooNew { found: i64, supported: i64 },
    #[error("original file {sha}: {why}")]
    Original { sha: String, why: String },
    #[error("no activity with id {0}")]
    NoActivity(i64),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// SHA-256 of an original file.
pub type Sha256 = [u8; 32];

/// Lower-case hex of a hash.
#[must_use]
pub fn hex(sha: &Sha256) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(64);
    for b in sha {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// zstd level for originals: level 1 compresses FIT about as well as level 3 here at about
/// twice the speed (measured in `docs/PERFORMANCE.md`), and import time is dominated by it.
pub const ZSTD_LEVEL: i32 = 1;

/// Compress an original file for the store (callers run this in parallel before a batch).
pub fn compress(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    zstd::bulk::compress(bytes, ZSTD_LEVEL)
}

/// An activity to insert: what the import pipeline computed for one recording.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewActivity {
    pub sha256: Sha256,
    /// The values stored as columns (and the summary JSON).
    pub data: ActivityData,
    /// How much the recording holds (channels × samples); the richer of two copies of the
    /// same run is kept.
    pub richness: f64,
    /// Seconds at each bpm, 0–255.
    pub hr_hist: Vec<f32>,
    /// Seconds per pace bucket.
    pub pace_hist: Vec<f32>,
}

/// A stored activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityRow {
    pub id: i64,
    #[serde(serialize_with = "ser_hex")]
    pub sha256: Sha256,
    #[serde(flatten)]
    pub data: ActivityData,
    pub label: Option<String>,
    pub duplicates: i64,
}

/// The stored values of an activity (without the histograms, which [`Store::histograms`] reads).
/// `summary` is the core summary as JSON (laps, metrics, cleaning, classification, warnings).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityData {
    pub source_name: String,
    pub format: String,
    pub start_ms: Option<i64>,
    pub utc_offset_s: Option<i32>,
    pub sport: Option<u8>,
    pub sub_sport: Option<u8>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub gear: Option<String>,
    pub device: Option<String>,
    pub duration_s: Option<f64>,
    pub moving_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub ascent_m: Option<f64>,
    pub avg_hr: Option<f64>,
    pub max_hr: Option<u8>,
    pub samples: i64,
    #[serde(skip)]
    pub summary: String,
}

fn ser_hex<S: serde::Serializer>(sha: &Sha256, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&hex(sha))
}

/// Filters for [`Store::activities`].
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub sport: Option<u8>,
    pub limit: Option<i64>,
    /// Newest first (default oldest first).
    pub newest_first: bool,
}

/// The store: one `SQLite` connection.
pub struct Store {
    conn: Connection,
}

/// An activity's values in the column order of `INSERT INTO activities (sha256, …, pace_hist)`.
// `&Vec<u8>`, not `&[u8]`: an unsized slice cannot become a `&dyn ToSql`.
#[allow(clippy::ptr_arg)]
fn activity_values<'a>(
    a: &'a NewActivity,
    hr: &'a Vec<u8>,
    pace: &'a Vec<u8>,
) -> [&'a dyn rusqlite::ToSql; 22] {
    [
        &a.sha256,
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
        &a.data.summary,
        hr,
        pace,
    ]
}

fn f32s_to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn blob_to_f32s(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

const ACTIVITY_COLUMNS: &str =
    "a.id, a.sha256, a.source_name, a.format, a.start_ms, a.utc_offset_s, a.sport, \
     a.sub_sport, a.name, a.description, a.gear, a.device, a.duration_s, a.moving_s, a.distance_m, \
     a.ascent_m, a.avg_hr, a.max_hr, a.samples, a.summary, a.label, \
     (SELECT count(*) FROM duplicates d WHERE d.activity_id = a.id)";

fn activity_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityRow> {
    let sha: Vec<u8> = r.get(1)?;
    let mut sha256 = [0u8; 32];
    if sha.len() == 32 {
        sha256.copy_from_slice(&sha);
    }
    Ok(ActivityRow {
        id: r.get(0)?,
        sha256,
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
            summary: r.get(19)?,
        },
        label: r.get(20)?,
        duplicates: r.get(21)?,
    })
}

impl Store {
    /// Open (creating if needed) the store at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                    path: path.display().to_string(),
                    source: rusqlite::Error::InvalidPath(std::path::PathBuf::from(e.to_string())),
                })?;
            }
        }
        let conn = Connection::open(path)
            .map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        Self::setup(conn)
    }

    /// A store in memory (tests).
    pub fn open_in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Store> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // WAL with NORMAL sync is durable at every checkpoint and never corrupts on power
        // loss; a crash can lose only the last committed batches, which a re-import restores.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::migrate(&conn)?;
        Ok(Store { conn })
    }

    /// `PRAGMA integrity_check` result ("ok" when healthy).
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Is this original file already stored (as an activity, a duplicate or a skipped file)?
    pub fn has_original(&self, sha: &Sha256) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM originals WHERE sha256 = ?1", [&sha[..]], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Start a batch of writes (one transaction).
    pub fn batch(&mut self) -> Result<Batch<'_>> {
        Ok(Batch { tx: self.conn.transaction()? })
    }

    /// Activities matching `filter`, by start time.
    pub fn activities(&self, filter: &Filter) -> Result<Vec<ActivityRow>> {
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

    /// One activity.
    pub fn activity(&self, id: i64) -> Result<ActivityRow> {
        let sql = format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.id = ?1");
        self.conn
            .query_row(&sql, [id], activity_from_row)
            .optional()?
            .ok_or(StoreError::NoActivity(id))
    }

    /// The per-bpm and per-pace histograms of every activity with a start in the range, in
    /// start order: `(id, start_ms, utc_offset_s, hr_hist, pace_hist)`.
    pub fn histograms(
        &self,
        filter: &Filter,
    ) -> Result<Vec<(i64, Option<i64>, Option<i32>, Vec<f32>, Vec<f32>)>> {
        let mut st = self.conn.prepare(
            "SELECT id, start_ms, utc_offset_s, hr_hist, pace_hist FROM activities \
             WHERE (?1 IS NULL OR start_ms >= ?1) AND (?2 IS NULL OR start_ms < ?2) \
             ORDER BY start_ms, id",
        )?;
        let rows = st.query_map(params![filter.since_ms, filter.until_ms], |r| {
            let hr: Option<Vec<u8>> = r.get(3)?;
            let pace: Option<Vec<u8>> = r.get(4)?;
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                hr.map(|b| blob_to_f32s(&b)).unwrap_or_default(),
                pace.map(|b| blob_to_f32s(&b)).unwrap_or_default(),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One activity's histograms: `(hr_hist, pace_hist)`.
    pub fn activity_histograms(&self, id: i64) -> Result<(Vec<f32>, Vec<f32>)> {
        let (hr, pace): (Option<Vec<u8>>, Option<Vec<u8>>) = self
            .conn
            .query_row("SELECT hr_hist, pace_hist FROM activities WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or(StoreError::NoActivity(id))?;
        Ok((
            hr.map(|b| blob_to_f32s(&b)).unwrap_or_default(),
            pace.map(|b| blob_to_f32s(&b)).unwrap_or_default(),
        ))
    }

    /// Number of activities, duplicates and originals stored.
    pub fn counts(&self) -> Result<(i64, i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM activities), (SELECT count(*) FROM duplicates), \
                    (SELECT count(*) FROM originals)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }

    /// Every original file, decompressed, with the name it was imported under:
    /// `(sha256, source_name, bytes)`. Calls `f` for each; stops at the first error.
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
            let mut sha = [0u8; 32];
            if sha_v.len() == 32 {
                sha.copy_from_slice(&sha_v);
            }
            let bytes = zstd::bulk::decompress(&data, usize::try_from(size).unwrap_or(0))
                .map_err(|e| StoreError::Original { sha: hex(&sha), why: e.to_string() })?;
            f(&sha, &name, &bytes).map_err(|why| StoreError::Original { sha: hex(&sha), why })?;
            n += 1;
        }
        Ok(n)
    }

    /// Every stored original: `(sha256, name)`, by name.
    pub fn original_list(&self) -> Result<Vec<(Sha256, String)>> {
        let mut st =
            self.conn.prepare("SELECT sha256, name FROM originals ORDER BY name, sha256")?;
        let rows = st.query_map([], |r| {
            let v: Vec<u8> = r.get(0)?;
            let mut sha = [0u8; 32];
            if v.len() == 32 {
                sha.copy_from_slice(&v);
            }
            Ok((sha, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One original file's bytes, decompressed.
    pub fn original(&self, sha: &Sha256) -> Result<Vec<u8>> {
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

    /// Add a dated athlete profile entry (`entry` is the core's `ProfileEntry` as JSON).
    pub fn add_athlete_entry(&self, from_date: &str, entry: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO athlete_entries (from_date, entry) VALUES (?1, ?2)",
            params![from_date, entry],
        )?;
        Ok(())
    }

    /// Every athlete profile entry as JSON, oldest first (by date, then by when it was added).
    pub fn athlete_entries(&self) -> Result<Vec<String>> {
        let mut st =
            self.conn.prepare("SELECT entry FROM athlete_entries ORDER BY from_date, id")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    /// Log a daily value (`rhr`) or note (`note` with its text; `value` may carry a category).
    pub fn add_daily_log(
        &self,
        date: &str,
        kind: &str,
        value: Option<f64>,
        text: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO daily_log (date, kind, value, text) VALUES (?1, ?2, ?3, ?4)",
            params![date, kind, value, text],
        )?;
        Ok(())
    }

    /// Daily logs of one kind: `(date, value, text)`, by date.
    pub fn daily_logs(&self, kind: &str) -> Result<Vec<(String, Option<f64>, Option<String>)>> {
        let mut st = self
            .conn
            .prepare("SELECT date, value, text FROM daily_log WHERE kind = ?1 ORDER BY date, id")?;
        let rows = st.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Set an activity's session RPE (CR-10).
    pub fn set_rpe(&self, id: i64, rpe: f64) -> Result<()> {
        self.activity(id)?;
        self.conn.execute(
            "INSERT OR REPLACE INTO activity_rpe (activity_id, rpe) VALUES (?1, ?2)",
            params![id, rpe],
        )?;
        Ok(())
    }

    /// Every logged session RPE: `(activity id, rpe)`.
    pub fn rpes(&self) -> Result<Vec<(i64, f64)>> {
        let mut st =
            self.conn.prepare("SELECT activity_id, rpe FROM activity_rpe ORDER BY activity_id")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The stored summaries (JSON) with start and label of every activity, by start:
    /// `(id, start_ms, utc_offset_s, sport, summary, label)`.
    pub fn summaries(
        &self,
    ) -> Result<Vec<(i64, Option<i64>, Option<i32>, Option<u8>, String, Option<String>)>> {
        let mut st = self.conn.prepare(
            "SELECT id, start_ms, utc_offset_s, sport, summary, label FROM activities ORDER BY start_ms, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Set or clear the user's type label of an activity.
    pub fn set_label(&self, id: i64, label: Option<&str>) -> Result<()> {
        let n = self
            .conn
            .execute("UPDATE activities SET label = ?2 WHERE id = ?1", params![id, label])?;
        if n == 0 {
            return Err(StoreError::NoActivity(id));
        }
        Ok(())
    }

    /// A canonical text dump of everything stored except row ids and timestamps of the import
    /// itself: two stores holding the same data dump identically (used by the kill test).
    pub fn canonical_dump(&self) -> Result<String> {
        let mut out = String::new();
        let mut st = self.conn.prepare(
            "SELECT hex(a.sha256), a.source_name, a.format, a.start_ms, a.distance_m, a.duration_s, \
                    a.samples, a.summary, hex(a.hr_hist), hex(a.pace_hist), a.name, \
                    (SELECT group_concat(hex(d.sha256) || ':' || d.reason, ',') FROM \
                      (SELECT * FROM duplicates d WHERE d.activity_id = a.id ORDER BY d.sha256) d) \
             FROM activities a ORDER BY a.sha256",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            for i in 0..12 {
                let v: rusqlite::types::Value = r.get(i)?;
                out.push_str(&format!("{v:?}\t"));
            }
            out.push('\n');
        }
        let mut st =
            self.conn.prepare("SELECT hex(sha256), size, name FROM originals ORDER BY sha256")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (a, b, c): (String, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            out.push_str(&format!("{a}\t{b}\t{c}\n"));
        }
        Ok(out)
    }
}

/// One transaction of writes. Dropped without [`Batch::commit`], it rolls back.
pub struct Batch<'a> {
    tx: Transaction<'a>,
}

/// What [`Batch::find_same_run`] found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SameRun {
    pub id: i64,
    pub richness: f64,
}

impl Batch<'_> {
    /// Store an original file (compressed bytes); false when it was already there.
    pub fn insert_original(
        &self,
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

    /// Is this original already stored (including earlier in this batch)?
    pub fn has_original(&self, sha: &Sha256) -> Result<bool> {
        Ok(self
            .tx
            .query_row("SELECT 1 FROM originals WHERE sha256 = ?1", [&sha[..]], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// An activity that is the same run as one starting at `start_ms` and lasting
    /// `duration_s`: starts within 2 minutes and durations within 10% (or 2 minutes).
    pub fn find_same_run(
        &self,
        start_ms: i64,
        duration_s: f64,
        sport: Option<u8>,
    ) -> Result<Option<SameRun>> {
        let tol_ms = 120_000i64;
        let mut st = self.tx.prepare_cached(
            "SELECT id, duration_s, richness, sport FROM activities \
             WHERE start_ms BETWEEN ?1 AND ?2 ORDER BY abs(start_ms - ?3) LIMIT 5",
        )?;
        let mut rows = st.query(params![start_ms - tol_ms, start_ms + tol_ms, start_ms])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let d: Option<f64> = r.get(1)?;
            let richness: f64 = r.get(2)?;
            let s: Option<u8> = r.get(3)?;
            let d = d.unwrap_or(0.0);
            let close = (d - duration_s).abs() <= (0.1 * d.max(duration_s)).max(120.0);
            let sport_ok = match (s, sport) {
                (Some(a), Some(b)) => a == b || a == 0 || b == 0,
                _ => true,
            };
            if close && sport_ok {
                return Ok(Some(SameRun { id, richness }));
            }
        }
        Ok(None)
    }

    /// Insert an activity; returns its id.
    pub fn insert_activity(&self, a: &NewActivity) -> Result<i64> {
        let (hr, pace) = (f32s_to_blob(&a.hr_hist), f32s_to_blob(&a.pace_hist));
        self.tx.execute(
            "INSERT INTO activities (sha256, source_name, format, start_ms, utc_offset_s, sport, \
               sub_sport, name, description, gear, device, duration_s, moving_s, distance_m, ascent_m, \
               avg_hr, max_hr, samples, richness, summary, hr_hist, pace_hist) \
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22)",
            rusqlite::params_from_iter(activity_values(a, &hr, &pace)),
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Replace what activity `id` holds with a richer copy of the same run; the copy it held
    /// becomes a duplicate of it. Name, description and gear from an export are kept when the
    /// new copy has none.
    pub fn replace_activity(&self, id: i64, a: &NewActivity, reason: &str) -> Result<()> {
        let (old_sha, old_name): (Vec<u8>, String) = self.tx.query_row(
            "SELECT sha256, source_name FROM activities WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        self.update(
            id,
            a,
            "sha256=?1, source_name=?2, format=?3, start_ms=?4, utc_offset_s=?5, sport=?6, \
             sub_sport=?7, name=coalesce(?8, name), description=coalesce(?9, description), \
             gear=coalesce(?10, gear), device=?11, duration_s=?12, moving_s=?13, distance_m=?14, \
             ascent_m=?15, avg_hr=?16, max_hr=?17, samples=?18, richness=?19, summary=?20, \
             hr_hist=?21, pace_hist=?22",
        )?;
        self.tx.execute(
            "INSERT OR REPLACE INTO duplicates (sha256, activity_id, source_name, reason) VALUES (?1, ?2, ?3, ?4)",
            params![old_sha, id, old_name, reason],
        )?;
        Ok(())
    }

    /// `UPDATE activities SET {set} WHERE id = ?23`, with `?1`…`?22` bound to the activity's
    /// values in the column order of [`activity_values`].
    fn update(&self, id: i64, a: &NewActivity, set: &str) -> Result<()> {
        let (hr, pace) = (f32s_to_blob(&a.hr_hist), f32s_to_blob(&a.pace_hist));
        let mut values = activity_values(a, &hr, &pace).to_vec();
        values.push(&id);
        self.tx.execute(
            &format!("UPDATE activities SET {set} WHERE id = ?23"),
            rusqlite::params_from_iter(values),
        )?;
        Ok(())
    }

    /// Replace an activity's stored summary JSON (re-norming after an import).
    pub fn set_summary(&self, id: i64, summary: &str) -> Result<()> {
        self.tx
            .execute("UPDATE activities SET summary = ?2 WHERE id = ?1", params![id, summary])?;
        Ok(())
    }

    /// Log a daily value within this batch (see [`Store::add_daily_log`]).
    pub fn add_daily_log(
        &self,
        date: &str,
        kind: &str,
        value: Option<f64>,
        text: Option<&str>,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO daily_log (date, kind, value, text) VALUES (?1, ?2, ?3, ?4)",
            params![date, kind, value, text],
        )?;
        Ok(())
    }

    /// Record an original as a duplicate of activity `id`.
    pub fn insert_duplicate(
        &self,
        sha: &Sha256,
        id: i64,
        source_name: &str,
        reason: &str,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT OR REPLACE INTO duplicates (sha256, activity_id, source_name, reason) VALUES (?1, ?2, ?3, ?4)",
            params![&sha[..], id, source_name, reason],
        )?;
        Ok(())
    }

    /// Update an activity's computed values (reanalysis), keeping identity, label and names.
    pub fn update_analysis(&self, id: i64, a: &NewActivity) -> Result<()> {
        self.update(
            id,
            a,
            "start_ms=?4, utc_offset_s=?5, sport=?6, sub_sport=?7, device=?11, duration_s=?12, \
             moving_s=?13, distance_m=?14, ascent_m=?15, avg_hr=?16, max_hr=?17, samples=?18, \
             richness=?19, summary=?20, hr_hist=?21, pace_hist=?22",
        )
    }

    /// The activity holding this original, if any.
    pub fn activity_of(&self, sha: &Sha256) -> Result<Option<i64>> {
        Ok(self
            .tx
            .query_row("SELECT id FROM activities WHERE sha256 = ?1", [&sha[..]], |r| r.get(0))
            .optional()?)
    }

    /// Make the writes of this batch permanent.
    pub fn commit(self) -> Result<()> {
        Ok(self.tx.commit()?)
    }
}

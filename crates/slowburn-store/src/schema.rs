//! Schema and migrations, by `PRAGMA user_version`. Each migration runs once, in its own
//! transaction; the documented schema is `docs/SCHEMA.md`.

use rusqlite::Connection;

use crate::{Result, StoreError};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 3;

const MIGRATIONS: &[&str] = &[
    // 1: originals, activities, duplicates.
    "CREATE TABLE originals (
        sha256 BLOB PRIMARY KEY,
        name   TEXT NOT NULL,
        size   INTEGER NOT NULL,
        data   BLOB NOT NULL
     ) WITHOUT ROWID;
     CREATE TABLE activities (
        id           INTEGER PRIMARY KEY,
        sha256       BLOB NOT NULL UNIQUE REFERENCES originals(sha256),
        source_name  TEXT NOT NULL,
        format       TEXT NOT NULL,
        start_ms     INTEGER,
        utc_offset_s INTEGER,
        sport        INTEGER,
        sub_sport    INTEGER,
        name         TEXT,
        description  TEXT,
        gear         TEXT,
        device       TEXT,
        duration_s   REAL,
        moving_s     REAL,
        distance_m   REAL,
        ascent_m     REAL,
        avg_hr       REAL,
        max_hr       INTEGER,
        samples      INTEGER NOT NULL,
        richness     REAL NOT NULL,
        summary      TEXT NOT NULL,
        hr_hist      BLOB,
        pace_hist    BLOB,
        label        TEXT
     );
     CREATE INDEX activities_start ON activities(start_ms);
     CREATE TABLE duplicates (
        sha256      BLOB PRIMARY KEY REFERENCES originals(sha256),
        activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
        source_name TEXT NOT NULL,
        reason      TEXT NOT NULL
     ) WITHOUT ROWID;
     CREATE INDEX duplicates_activity ON duplicates(activity_id);",
    // 2: the athlete's dated profile entries, daily logs, session RPE.
    "CREATE TABLE athlete_entries (
        id        INTEGER PRIMARY KEY,
        from_date TEXT NOT NULL,
        entry     TEXT NOT NULL
     );
     CREATE TABLE daily_log (
        id    INTEGER PRIMARY KEY,
        date  TEXT NOT NULL,
        kind  TEXT NOT NULL,
        value REAL,
        text  TEXT
     );
     CREATE INDEX daily_log_date ON daily_log(date);
     CREATE TABLE activity_rpe (
        activity_id INTEGER PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
        rpe         REAL NOT NULL
     );",
    // 3: the typed facts reviews read on every run, and the derived type. Rows written before
    // have summary_version 0 and are re-analysed from their originals when the store is opened
    // by the application.
    "ALTER TABLE activities ADD COLUMN summary_version INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE activities ADD COLUMN base_type TEXT;
     ALTER TABLE activities ADD COLUMN base_reason TEXT;
     ALTER TABLE activities ADD COLUMN confidence REAL;
     ALTER TABLE activities ADD COLUMN settled_hr REAL;
     ALTER TABLE activities ADD COLUMN hr_coverage REAL;
     ALTER TABLE activities ADD COLUMN best_30s_hr REAL;
     ALTER TABLE activities ADD COLUMN best_30min_lthr REAL;
     ALTER TABLE activities ADD COLUMN gap_pace_s_per_km REAL;
     ALTER TABLE activities ADD COLUMN efficiency_factor REAL;
     ALTER TABLE activities ADD COLUMN decoupling_pct REAL;
     ALTER TABLE activities ADD COLUMN best_efforts BLOB;
     ALTER TABLE activities ADD COLUMN hr_pace BLOB;
     ALTER TABLE activities ADD COLUMN settled_hr_pace BLOB;
     ALTER TABLE activities ADD COLUMN run_type TEXT;
     ALTER TABLE activities ADD COLUMN reason TEXT;
     -- The stale-summary check on every open reads this index, not the table (whose rows
     -- carry their summaries in overflow pages).
     CREATE INDEX activities_summary_version ON activities(summary_version);
     CREATE TABLE profile_periods (
        from_date TEXT PRIMARY KEY,
        profile   TEXT NOT NULL
     ) WITHOUT ROWID;",
];

/// Bring the schema up to [`SCHEMA_VERSION`]. Each step takes the write lock first
/// (`BEGIN IMMEDIATE`) and re-reads the version inside it, so two processes opening a new
/// database at once never both run a migration.
pub(crate) fn migrate(conn: &Connection) -> Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found, supported: SCHEMA_VERSION });
        }
        if found >= version {
            continue;
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let step = (|| -> Result<()> {
            let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if found < version {
                conn.execute_batch(&format!("{sql}; PRAGMA user_version = {version};"))?;
            }
            Ok(())
        })();
        match step {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
    }
    Ok(())
}

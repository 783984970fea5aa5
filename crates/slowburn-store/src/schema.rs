//! Schema and migrations, by `PRAGMA user_version`. Each migration runs once, in its own
//! transaction; the documented schema is `docs/SCHEMA.md`.

use rusqlite::{Connection, OptionalExtension};

use crate::{Result, StoreError};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 6;

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
    // 3: see `migrate_3` (the table is rebuilt, which SQL alone cannot do safely).
    "",
    // 4: the classification evidence core computed at import (JSON owned by core), from which
    // the application re-decides the type, NULL for rows written before; and the derived type's
    // confidence and explanation beside its type and reason.
    "ALTER TABLE activities ADD COLUMN evidence TEXT;
     ALTER TABLE activities ADD COLUMN derived_confidence REAL;
     ALTER TABLE activities ADD COLUMN why TEXT;",
    // 5: training plans and their revisions (JSON owned by core; a revision is never changed).
    "CREATE TABLE plans (
        id      INTEGER PRIMARY KEY,
        created TEXT NOT NULL
     );
     CREATE TABLE plan_revisions (
        plan_id  INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        revision INTEGER NOT NULL,
        created  TEXT NOT NULL,
        reason   TEXT NOT NULL,
        plan     TEXT NOT NULL,
        PRIMARY KEY (plan_id, revision)
     ) WITHOUT ROWID;",
    // 6: generations of derived state's inputs and of derived state. Every change to an input
    // (an import or re-analysis batch, a label, a profile entry, a log, an RPE) adds one to
    // `inputs` in its own transaction; a refresh records the generation it read. When the two
    // differ — a process killed between a change and its refresh — the next open refreshes.
    // A store migrated from an earlier version starts stale, so it is refreshed once.
    "CREATE TABLE generations (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        inputs  INTEGER NOT NULL,
        derived INTEGER NOT NULL
     );
     INSERT INTO generations (id, inputs, derived) VALUES (1, 1, 0);",
];

/// The activities table of version 3. An activity is one part of an original file (a
/// multisport file gives one per session), so `(sha256, part)` is unique rather than `sha256`.
/// `end_ms` is the recording's own end; `span_start_ms`/`span_end_ms` cover it and every
/// duplicate kept with it (what a new recording is matched against); `channels` is a bitmask of
/// the channels recorded (bit i: the import pipeline's i-th channel).
const ACTIVITIES_V3: &str = "CREATE TABLE activities_v3 (
        id                INTEGER PRIMARY KEY,
        sha256            BLOB NOT NULL REFERENCES originals(sha256),
        part              INTEGER NOT NULL DEFAULT 0,
        parts             INTEGER NOT NULL DEFAULT 1,
        source_name       TEXT NOT NULL,
        format            TEXT NOT NULL,
        start_ms          INTEGER,
        utc_offset_s      INTEGER,
        sport             INTEGER,
        sub_sport         INTEGER,
        name              TEXT,
        description       TEXT,
        gear              TEXT,
        device            TEXT,
        duration_s        REAL,
        moving_s          REAL,
        distance_m        REAL,
        ascent_m          REAL,
        avg_hr            REAL,
        max_hr            INTEGER,
        samples           INTEGER NOT NULL,
        richness          REAL NOT NULL,
        summary           TEXT NOT NULL,
        hr_hist           BLOB,
        pace_hist         BLOB,
        label             TEXT,
        summary_version   INTEGER NOT NULL DEFAULT 0,
        base_type         TEXT,
        base_reason       TEXT,
        confidence        REAL,
        settled_hr        REAL,
        hr_coverage       REAL,
        best_30s_hr       REAL,
        best_30min_lthr   REAL,
        gap_pace_s_per_km REAL,
        efficiency_factor REAL,
        decoupling_pct    REAL,
        best_efforts      BLOB,
        hr_pace           BLOB,
        settled_hr_pace   BLOB,
        run_type          TEXT,
        reason            TEXT,
        end_ms            INTEGER,
        span_start_ms     INTEGER,
        span_end_ms       INTEGER,
        channels          INTEGER NOT NULL DEFAULT 0,
        UNIQUE (sha256, part)
     )";

/// Columns of [`ACTIVITIES_V3`] copied from an older activities table when it has them.
const CARRIED: [&str; 42] = [
    "id",
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
    "label",
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
    // The derived type of a store made by an unreleased build of version 3.
    "run_type",
    "reason",
];

fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let rows = st.query_map([], |r| r.get::<_, String>(1))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Version 3: the typed facts reviews read on every run, the derived type, and parts. Rows
/// written before have `summary_version` 0 and are re-analysed from their originals when the
/// store is opened by the application; each becomes part 0 of 1 of its file.
///
/// The activities table is rebuilt (`SQLite` cannot drop the old `UNIQUE (sha256)`), keeping
/// every id, so duplicates, RPE and labels still point at their activities. Idempotent: it
/// also brings a database made by an unreleased build of version 3 (without parts) up to date.
fn migrate_3(conn: &Connection) -> Result<()> {
    let have = columns(conn, "activities")?;
    if !have.iter().any(|c| c == "part") {
        conn.execute_batch(ACTIVITIES_V3)?;
        let carried: Vec<&str> =
            CARRIED.iter().copied().filter(|c| have.iter().any(|h| h == c)).collect();
        let list = carried.join(", ");
        conn.execute_batch(&format!(
            "INSERT INTO activities_v3 ({list}) SELECT {list} FROM activities;
             UPDATE activities_v3 SET end_ms = start_ms + CAST(round(duration_s * 1000) AS INTEGER)
                 WHERE duration_s IS NOT NULL;
             UPDATE activities_v3 SET span_start_ms = start_ms, span_end_ms = end_ms;
             DROP TABLE activities;
             ALTER TABLE activities_v3 RENAME TO activities;"
        ))?;
    }
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS activities_start ON activities(start_ms);
         -- The stale-summary check on every open reads this index, not the table (whose rows
         -- carry their summaries in overflow pages).
         CREATE INDEX IF NOT EXISTS activities_summary_version ON activities(summary_version);
         -- Overlap search of a new recording: spans starting in a bounded window before it.
         CREATE INDEX IF NOT EXISTS activities_span ON activities(span_start_ms);
         CREATE TABLE IF NOT EXISTS profile_periods (
            from_date TEXT PRIMARY KEY,
            profile   TEXT NOT NULL
         ) WITHOUT ROWID;",
    )?;
    let dup = columns(conn, "duplicates")?;
    for (col, ty) in [("start_ms", "INTEGER"), ("end_ms", "INTEGER"), ("sport", "INTEGER")] {
        if !dup.iter().any(|c| c == col) {
            conn.execute_batch(&format!("ALTER TABLE duplicates ADD COLUMN {col} {ty}"))?;
        }
    }
    let bad: Option<String> =
        conn.query_row("PRAGMA foreign_key_check", [], |r| r.get(0)).optional()?;
    if let Some(table) = bad {
        return Err(StoreError::Migration {
            version: 3,
            why: format!("a row of {table} refers to a missing row"),
        });
    }
    Ok(())
}

/// Run `step` in one write-locked transaction (`BEGIN IMMEDIATE`) if the schema version,
/// re-read inside it, is still below `version`; then set the version. Foreign keys are off for
/// the step (a table rebuild needs it; `PRAGMA foreign_keys` is a no-op inside a transaction)
/// and the step checks them itself.
fn apply(conn: &Connection, version: i64, step: &dyn Fn(&Connection) -> Result<()>) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", false)?;
    let run = (|| -> Result<()> {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let inner = (|| -> Result<()> {
            let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if found < version {
                step(conn)?;
                conn.execute_batch(&format!("PRAGMA user_version = {version};"))?;
            }
            Ok(())
        })();
        match inner {
            Ok(()) => Ok(conn.execute_batch("COMMIT")?),
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    })();
    conn.pragma_update(None, "foreign_keys", true)?;
    run
}

/// Bring the schema up to [`SCHEMA_VERSION`]. Each step takes the write lock first
/// (`BEGIN IMMEDIATE`) and re-reads the version inside it, so two processes opening a new
/// database at once never both run a migration.
///
/// A database made by an unreleased build of version 3 (without parts) is brought up to
/// version 3 as released before any later migration runs, so the table rebuild of version 3
/// never drops a column a later version added.
pub(crate) fn migrate(conn: &Connection) -> Result<()> {
    for version in 1..=SCHEMA_VERSION {
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found, supported: SCHEMA_VERSION });
        }
        if found < version {
            if version == 3 {
                apply(conn, version, &migrate_3)?;
            } else {
                let sql = MIGRATIONS[(version - 1) as usize];
                apply(conn, version, &|c: &Connection| Ok(c.execute_batch(sql)?))?;
            }
        }
        if version == 3 {
            repair_unreleased_3(conn)?;
        }
    }
    Ok(())
}

/// A database made by an unreleased build of version 3 has no parts yet: run `migrate_3`
/// (idempotent) on it, write-locked.
fn repair_unreleased_3(conn: &Connection) -> Result<()> {
    if columns(conn, "activities")?.iter().any(|c| c == "part") {
        return Ok(());
    }
    conn.pragma_update(None, "foreign_keys", false)?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let r = migrate_3(conn);
    match r {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            conn.pragma_update(None, "foreign_keys", true)?;
            return Err(e);
        }
    }
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

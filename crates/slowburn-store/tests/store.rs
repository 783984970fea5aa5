//! The `SQLite` backend passes the store contract, keeps its schema and opens files safely.

mod contract;

use slowburn_store::{PartOf, SqliteStore, Store};

#[test]
fn sqlite_passes_the_store_contract() {
    contract::all(&|| Box::new(SqliteStore::open_in_memory().expect("open")));
}

#[test]
fn reopening_a_file_store_keeps_the_schema_version() {
    let dir = std::env::temp_dir().join(format!("slowburn-store-test-{}", std::process::id()));
    let path = dir.join("db.sqlite");
    {
        let mut s = SqliteStore::open(&path).expect("open");
        let a = contract::activity(5, 1, 1.0, 1);
        let mut b = s.batch().expect("batch");
        b.insert_original(&a.sha256, "x", 1, b"x").expect("orig");
        b.insert_activity(&a).expect("insert");
        b.commit().expect("commit");
    }
    let s = SqliteStore::open(&path).expect("reopen");
    assert_eq!(s.counts().expect("counts").0, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_store_from_a_newer_schema_is_refused_untouched() {
    let dir = std::env::temp_dir().join(format!("slowburn-store-newer-{}", std::process::id()));
    let path = dir.join("db.sqlite");
    drop(SqliteStore::open(&path).expect("open"));
    {
        let c = rusqlite::Connection::open(&path).expect("raw");
        c.pragma_update(None, "user_version", 99).expect("bump");
    }
    let err = SqliteStore::open(&path).err().expect("refused");
    assert!(err.to_string().contains("newer"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The migrations as released up to version 3 (frozen copies, whatever `schema.rs` does now),
/// and version 3 as an unreleased build had it (without parts): databases made by each must
/// open.
const V1: &str =
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
     CREATE INDEX duplicates_activity ON duplicates(activity_id);";

const V2: &str =
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
     );";

const V3_UNRELEASED: &str =
    // 3 as an unreleased build had it: the typed facts reviews read on every run, and the
    // derived type, without parts. Rows written before have summary_version 0 and are
    // re-analysed from their originals when the store is opened by the application.
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
     ) WITHOUT ROWID;";

const V3: &str =
    // 3 as released, over an empty version 2: the activities table rebuilt with the typed facts,
    // the derived type, parts and spans; duplicates with their spans; profile periods.
    "DROP TABLE activities;
     CREATE TABLE activities (
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
     );
     CREATE INDEX activities_start ON activities(start_ms);
     CREATE INDEX activities_summary_version ON activities(summary_version);
     CREATE INDEX activities_span ON activities(span_start_ms);
     CREATE TABLE profile_periods (
        from_date TEXT PRIMARY KEY,
        profile   TEXT NOT NULL
     ) WITHOUT ROWID;
     ALTER TABLE duplicates ADD COLUMN start_ms INTEGER;
     ALTER TABLE duplicates ADD COLUMN end_ms INTEGER;
     ALTER TABLE duplicates ADD COLUMN sport INTEGER;";

/// Every earlier schema: its name, the SQL that made it, its `user_version`.
const EARLIER: &[(&str, &[&str], i64)] = &[
    ("version 1", &[V1], 1),
    ("version 2", &[V1, V2], 2),
    ("unreleased version 3", &[V1, V2, V3_UNRELEASED], 3),
    ("version 3", &[V1, V2, V3], 3),
];

/// A database of an earlier schema, holding one activity with a duplicate, a label and (from
/// version 2) an RPE, as that schema's build wrote it.
fn old_database(path: &std::path::Path, schema: &[&str], version: i64) {
    let _ = std::fs::remove_file(path);
    let c = rusqlite::Connection::open(path).expect("raw");
    for sql in schema {
        c.execute_batch(sql).expect("old migration");
    }
    c.pragma_update(None, "user_version", version).expect("version");
    c.execute_batch(
        "INSERT INTO originals VALUES (x'01', 'a.fit', 1, x'00'), (x'02', 'a.gpx', 1, x'00');
         INSERT INTO activities (id, sha256, source_name, format, start_ms, duration_s, samples,
                                 richness, summary, label)
             VALUES (7, x'01', 'a.fit', 'fit', 1700000000000, 3600.0, 3600, 3600.0, '{}', 'long');
         INSERT INTO duplicates (sha256, activity_id, source_name, reason)
             VALUES (x'02', 7, 'a.gpx', 'same run');",
    )
    .expect("rows");
    if version >= 2 {
        c.execute_batch("INSERT INTO activity_rpe VALUES (7, 5.0);").expect("rpe");
    }
    if schema.contains(&V3) {
        c.execute_batch(
            "UPDATE activities SET end_ms = 1700003600000, span_start_ms = 1700000000000,
                                   span_end_ms = 1700003600000 WHERE id = 7;",
        )
        .expect("span");
    }
}

#[test]
fn a_store_of_every_earlier_schema_opens_keeping_every_row_with_no_evidence() {
    let dir = std::env::temp_dir().join(format!("slowburn-store-migrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for (i, &(name, schema, version)) in EARLIER.iter().enumerate() {
        let path = dir.join(format!("old-{i}.sqlite"));
        old_database(&path, schema, version);
        let s = SqliteStore::open(&path).expect("migrated");
        assert_eq!(s.integrity_check().expect("check"), "ok");
        let r = s.history_row(7).expect("kept its id");
        assert_eq!(r.activity.label.as_deref(), Some("long"), "{name}");
        assert_eq!(r.rpe, (version >= 2).then_some(5.0), "{name}");
        assert_eq!(r.activity.duplicates, 1, "{name}");
        assert_eq!(r.facts.evidence, None, "{name}: no evidence before version 4");
        assert_eq!(s.activity_part(7).expect("part"), PartOf::WHOLE);
        assert_eq!(s.counts().expect("counts"), (1, 1, 2));
        assert_eq!(s.stale_summaries(3).expect("stale"), vec![7], "re-analysed on open");
        drop(s);
        let c = rusqlite::Connection::open(&path).expect("raw");
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(v, slowburn_store::SCHEMA_VERSION, "{name}");
        let (span, evidence): ((Option<i64>, Option<i64>), Option<String>) = c
            .query_row(
                "SELECT span_start_ms, span_end_ms, evidence FROM activities WHERE id = 7",
                [],
                |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)),
            )
            .expect("span");
        assert_eq!(span, (Some(1_700_000_000_000), Some(1_700_003_600_000)), "{name}");
        assert_eq!(evidence, None, "{name}: the evidence column is there and NULL");
        let fk: Option<String> = c.query_row("PRAGMA foreign_key_check", [], |r| r.get(0)).ok();
        assert_eq!(fk, None);
        // Opening again changes nothing.
        drop(c);
        let before = SqliteStore::open(&path).expect("reopen").canonical_dump().expect("dump");
        let after = SqliteStore::open(&path).expect("reopen").canonical_dump().expect("dump");
        assert_eq!(before, after);
        // The migrated store takes evidence like a new one.
        let mut s = SqliteStore::open(&path).expect("reopen");
        let mut a = contract::activity(9, 1_800_000_000_000, 60.0, 1);
        a.facts.evidence = Some(contract::evidence(9, "steady"));
        let mut b = s.batch().expect("batch");
        b.insert_original(&a.sha256, "n.fit", 1, b"n").expect("orig");
        let id = b.insert_activity(&a).expect("insert");
        b.commit().expect("commit");
        assert_eq!(s.history_row(id).expect("row").facts.evidence, a.facts.evidence, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

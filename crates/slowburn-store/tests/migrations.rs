//! Stores written by every earlier schema version open, migrate and keep every row; a store
//! from a newer version is refused and left byte for byte as it was.
//!
//! The fixtures in `tests/data/` were written by the slowburn binary of each old schema
//! version, built from its commit (`scripts/make-schema-fixtures.sh`, which also wrote
//! `tests/data/schema-fixtures.json`: what each fixture held when it was made).

use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use slowburn_store::{hex, SqliteStore, Store, StoreError, SCHEMA_VERSION};

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("slowburn-migr-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn manifest() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(data().join("schema-fixtures.json")).expect("manifest");
    let v: serde_json::Value = serde_json::from_str(&text).expect("manifest is JSON");
    v["fixtures"].as_array().expect("fixtures").clone()
}

fn user_version(path: &Path) -> i64 {
    let c = Connection::open(path).expect("open");
    c.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("user_version")
}

fn count(c: &Connection, table: &str) -> i64 {
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count")
}

fn tables(c: &Connection) -> Vec<String> {
    let mut st = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("tables");
    st.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("names")
}

fn columns(c: &Connection, table: &str) -> Vec<String> {
    let mut st = c.prepare(&format!("PRAGMA table_info({table})")).expect("table_info");
    st.query_map([], |r| r.get(1)).expect("query").collect::<Result<_, _>>().expect("columns")
}

/// Every row of `table`, the given columns only, in a fixed order.
fn rows(c: &Connection, table: &str, cols: &[String]) -> Vec<Vec<Value>> {
    let list = cols.join(", ");
    let mut st =
        c.prepare(&format!("SELECT {list} FROM {table} ORDER BY {list}")).expect("select rows");
    let n = cols.len();
    st.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect::<Result<Vec<_>, _>>())
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// Every table of the old store with every column it had: (table, columns, rows).
fn snapshot(path: &Path) -> Vec<(String, Vec<String>, Vec<Vec<Value>>)> {
    let c = Connection::open(path).expect("open old");
    tables(&c)
        .into_iter()
        .map(|t| {
            let cols = columns(&c, &t);
            let r = rows(&c, &t, &cols);
            (t, cols, r)
        })
        .collect()
}

/// Values a migration does not keep, each with why that loses nothing: (fixture, table,
/// column). None: migration 3's rebuild of the unreleased version 3 (before parts) carries the
/// derived type and its reason too (it dropped them until this fixture showed it).
const RECOMPUTED: [(&str, &str, &str); 0] = [];

#[test]
fn every_earlier_schema_opens_migrates_and_keeps_every_row() {
    let fixtures = manifest();
    let versions: Vec<i64> =
        fixtures.iter().map(|f| f["schema"].as_i64().expect("schema")).collect();
    for v in 1..SCHEMA_VERSION {
        assert!(versions.contains(&v), "no fixture of schema {v}");
    }
    let dir = tempdir("all");
    for f in &fixtures {
        let file = f["file"].as_str().expect("file");
        let schema = f["schema"].as_i64().expect("schema");
        let db = dir.join(file);
        std::fs::copy(data().join(file), &db).expect("copy fixture");
        assert_eq!(user_version(&db), schema, "{file}");
        let before = snapshot(&db);
        // What the manifest recorded when the fixture was made is what it holds.
        let old = Connection::open(&db).expect("open");
        for (table, key) in [
            ("activities", "activities"),
            ("originals", "originals"),
            ("duplicates", "duplicates"),
            ("daily_log", "daily_log"),
            ("athlete_entries", "athlete_entries"),
            ("activity_rpe", "activity_rpe"),
            ("plans", "plans"),
            ("plan_revisions", "plan_revisions"),
        ] {
            if let Some(n) = f[key].as_i64() {
                assert_eq!(count(&old, table), n, "{file}: {table} as made");
            }
        }
        drop(old);

        let store = SqliteStore::open(&db).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(store.integrity_check().expect("check"), "ok", "{file}");
        let (activities, duplicates, originals) = store.counts().expect("counts");
        assert_eq!(activities, f["activities"].as_i64().expect("n"), "{file}");
        assert_eq!(duplicates, f["duplicates"].as_i64().expect("n"), "{file}");
        assert_eq!(originals, f["originals"].as_i64().expect("n"), "{file}");
        // Every original, byte for byte: it decompresses to what its key (and the manifest) says.
        let mut shas: Vec<String> = Vec::new();
        for o in store.original_list().expect("originals") {
            let bytes = store.original(&o.sha256).expect("original");
            let got: [u8; 32] = Sha256::digest(&bytes).into();
            assert_eq!(hex(&got), hex(&o.sha256), "{file}: original {}", o.name);
            shas.push(hex(&o.sha256));
        }
        shas.sort();
        let mut want: Vec<String> = f["originals_sha256"]
            .as_array()
            .expect("shas")
            .iter()
            .map(|s| s.as_str().expect("sha").to_owned())
            .collect();
        want.sort();
        assert_eq!(shas, want, "{file}: the originals");
        // Labels by activity, as written.
        let labelled = store
            .activities(&slowburn_store::Filter::default())
            .expect("activities")
            .iter()
            .filter(|a| a.label.is_some())
            .count();
        assert_eq!(labelled as i64, f["labels"].as_i64().expect("labels"), "{file}: labels");
        let dump = store.canonical_dump().expect("dump");
        drop(store);
        assert_eq!(user_version(&db), SCHEMA_VERSION, "{file}");

        // Every row of every old table is there with every value it had.
        let c = Connection::open(&db).expect("open migrated");
        let now = tables(&c);
        for (table, cols, old_rows) in &before {
            assert!(now.contains(table), "{file}: table {table} gone");
            let new_cols = columns(&c, table);
            let kept: Vec<String> = cols.iter().filter(|x| new_cols.contains(x)).cloned().collect();
            let lost: Vec<&String> = cols.iter().filter(|x| !new_cols.contains(x)).collect();
            assert!(lost.is_empty(), "{file}: {table} lost columns {lost:?}");
            let new_rows = rows(&c, table, &kept);
            assert_eq!(new_rows.len(), old_rows.len(), "{file}: rows of {table}");
            let mut changed: Vec<String> = Vec::new();
            for (old_row, new_row) in old_rows.iter().zip(&new_rows) {
                for (i, col) in kept.iter().enumerate() {
                    let recomputed = RECOMPUTED.contains(&(file, table.as_str(), col.as_str()));
                    if old_row[i] != new_row[i] && !recomputed && !changed.contains(col) {
                        changed.push(col.clone());
                    }
                }
            }
            assert!(changed.is_empty(), "{file}: {table}: values of {changed:?} changed");
        }
        drop(c);

        // Opening again changes nothing.
        let store = SqliteStore::open(&db).expect("reopen");
        assert_eq!(store.canonical_dump().expect("dump"), dump, "{file}: second open");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_store_of_a_newer_schema_is_refused_and_not_modified() {
    let dir = tempdir("newer");
    let db = dir.join("newer.db");
    {
        let s = SqliteStore::open(&db).expect("new store");
        drop(s);
        // As a later slowburn might leave it: its own version, one self-contained file.
        let c = Connection::open(&db).expect("open");
        let mode: String =
            c.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0)).expect("journal");
        assert_eq!(mode, "delete");
        c.execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1)).expect("bump");
    }
    let bytes = std::fs::read(&db).expect("read");
    match SqliteStore::open(&db) {
        Err(StoreError::TooNew { found, supported }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        Err(e) => panic!("refused for the wrong reason: {e}"),
        Ok(_) => panic!("a newer store was opened"),
    }
    let msg = SqliteStore::open(&db).err().expect("refused").to_string();
    assert!(msg.contains("newer") && msg.contains(&(SCHEMA_VERSION + 1).to_string()), "{msg}");
    assert_eq!(std::fs::read(&db).expect("read"), bytes, "the refused store was modified");
    let mut sidecars: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    sidecars.sort();
    assert_eq!(sidecars, ["newer.db"], "files left beside the refused store");
    let _ = std::fs::remove_dir_all(&dir);
}

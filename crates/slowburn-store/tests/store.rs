//! The `SQLite` backend passes the store contract, keeps its schema and opens files safely.

mod contract;

use slowburn_store::{SqliteStore, Store};

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

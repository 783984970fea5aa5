//! Backup and restore of an `SQLite` store, by path.
//!
//! [`backup`] copies a live store with `SQLite`'s online backup API from inside one read
//! transaction: in WAL mode a reader never blocks a writer, so an import (or `serve`) may go on
//! writing while the copy is taken, and the copy is the store as it was when the backup began,
//! never half of a batch. The copy is written to a temporary file beside the target, switched
//! to a single self-contained file (rollback journal, no `-wal`), checked (`integrity_check`,
//! schema version), synced, and only then renamed into place.
//!
//! [`restore`] never opens the file it is given with `SQLite` (so it cannot change it): it reads
//! the header (magic, application id, schema version) and refuses what is not a slowburn store
//! or is from a newer schema; then copies the file beside the live store, checks the copy
//! (`integrity_check`, the store's tables), migrates it, checks it again, and only then keeps the
//! current store aside as `<db>.before-restore-<time>` and renames the copy into place. At every
//! instant the live path holds a valid store: the old one until the rename, the restored one
//! after.

use std::fs::{self, File};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::schema::SCHEMA_VERSION;
use crate::{SqliteStore, Store as _, StoreError};

/// `PRAGMA application_id` written into backups and restored stores: "slbw". A header field
/// only (no schema change); stores made before it have 0 and are recognised by their tables.
pub const APPLICATION_ID: i32 = 0x736C_6277;

/// Tables every slowburn store has had since schema 1.
const CORE_TABLES: [&str; 3] = ["originals", "activities", "duplicates"];

/// Pages copied per backup step (4 MB at the default 4 KiB page size), and the pause between
/// steps that leaves the disk to a concurrent import.
const PAGES_PER_STEP: i32 = 1024;
const PAUSE: Duration = Duration::from_millis(2);

/// Errors of backup and restore.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {source}")]
    Sql { path: String, source: rusqlite::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no store at {0}")]
    NoStore(String),
    #[error("{path} is not a slowburn store: {why}")]
    NotAStore { path: String, why: String },
    #[error("{path} is from schema {found}, this slowburn reads up to {supported}; use a newer slowburn")]
    TooNew { path: String, found: i64, supported: i64 },
    #[error("{path} is damaged: {why}")]
    Damaged { path: String, why: String },
    #[error("{0} already exists; pass --force to replace it")]
    Exists(String),
    #[error("{0} is the store itself; back up to another file")]
    SameFile(String),
    #[error("{path} is in use by another process (is `slowburn serve` running?); stop it and retry: {why}")]
    InUse { path: String, why: String },
}

type Result<T> = std::result::Result<T, BackupError>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.display().to_string(), source }
}

fn sql(path: &Path) -> impl FnOnce(rusqlite::Error) -> BackupError + '_ {
    move |source| BackupError::Sql { path: path.display().to_string(), source }
}

/// What a store (or a backup of one) holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreInfo {
    /// Schema version (`PRAGMA user_version`).
    pub schema: i64,
    pub activities: i64,
    pub originals: i64,
    pub duplicates: i64,
    /// Daily log entries (0 before schema 2).
    pub logs: i64,
    /// Plans (0 before schema 5).
    pub plans: i64,
    /// Size of the file, bytes.
    pub bytes: u64,
}

/// The outcome of [`restore`].
#[derive(Debug, Clone)]
pub struct Restored {
    /// What the restored store holds (after migration).
    pub info: StoreInfo,
    /// The schema version of the file restored from (before migration).
    pub from_schema: i64,
    /// Where the store that was replaced is kept, if there was one.
    pub kept: Option<PathBuf>,
}

fn count(conn: &Connection, table: &str) -> rusqlite::Result<i64> {
    let exists: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    if exists == 0 {
        return Ok(0);
    }
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
}

fn info_of(conn: &Connection, path: &Path) -> Result<StoreInfo> {
    let q = || -> rusqlite::Result<StoreInfo> {
        Ok(StoreInfo {
            schema: conn.query_row("PRAGMA user_version", [], |r| r.get(0))?,
            activities: count(conn, "activities")?,
            originals: count(conn, "originals")?,
            duplicates: count(conn, "duplicates")?,
            logs: count(conn, "daily_log")?,
            plans: count(conn, "plans")?,
            bytes: 0,
        })
    };
    let mut info = q().map_err(sql(path))?;
    info.bytes = fs::metadata(path).map_err(io(path))?.len();
    Ok(info)
}

/// The store's tables are there (a slowburn store of any schema has them).
fn check_tables(conn: &Connection, path: &Path) -> Result<()> {
    for table in CORE_TABLES {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .map_err(sql(path))?;
        if n == 0 {
            return Err(BackupError::NotAStore {
                path: path.display().to_string(),
                why: format!("it has no {table} table"),
            });
        }
    }
    Ok(())
}

/// `PRAGMA integrity_check` is "ok".
fn check_integrity(conn: &Connection, path: &Path) -> Result<()> {
    let damaged = |why: String| BackupError::Damaged { path: path.display().to_string(), why };
    let mut st = conn.prepare("PRAGMA integrity_check").map_err(|e| damaged(e.to_string()))?;
    let lines: Vec<String> = st
        .query_map([], |r| r.get(0))
        .and_then(Iterator::collect)
        .map_err(|e| damaged(e.to_string()))?;
    if lines != ["ok"] {
        return Err(damaged(lines.into_iter().take(5).collect::<Vec<_>>().join("; ")));
    }
    Ok(())
}

/// fsync a file, and the folder it is in (so a rename into it is durable).
fn sync_file(path: &Path) -> Result<()> {
    File::open(path).and_then(|f| f.sync_all()).map_err(io(path))
}

fn sync_dir(path: &Path) {
    // Opening a folder to fsync it works on Unix; elsewhere the rename is as durable as the OS
    // makes it.
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// A file name beside `path`: `.<name>.<tag>-<pid>`.
fn beside(path: &Path, tag: &str) -> PathBuf {
    let name = path.file_name().map_or_else(|| "slowburn.db".into(), |n| n.to_string_lossy());
    path.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// `path` with `suffix` appended to its file name (`db` → `db-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Remove a temporary database and its sidecar files.
fn remove_db_files(path: &Path) {
    for p in [
        path.to_path_buf(),
        with_suffix(path, "-wal"),
        with_suffix(path, "-shm"),
        with_suffix(path, "-journal"),
    ] {
        let _ = fs::remove_file(p);
    }
}

/// Removes a temporary database on drop unless disarmed.
struct TempDb(Option<PathBuf>);

impl Drop for TempDb {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            remove_db_files(&p);
        }
    }
}

/// Make the copy at `path` one self-contained file (rollback journal: no `-wal` beside it),
/// mark it as a slowburn store, and check it.
fn seal(path: &Path) -> Result<StoreInfo> {
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(sql(path))?;
    let mode: String =
        conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0)).map_err(sql(path))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(BackupError::Damaged {
            path: path.display().to_string(),
            why: format!("journal mode stays {mode}"),
        });
    }
    conn.pragma_update(None, "application_id", APPLICATION_ID).map_err(sql(path))?;
    check_integrity(&conn, path)?;
    check_tables(&conn, path)?;
    let info = info_of(&conn, path)?;
    conn.close().map_err(|(_, e)| e).map_err(sql(path))?;
    sync_file(path)?;
    Ok(StoreInfo { bytes: fs::metadata(path).map_err(io(path))?.len(), ..info })
}

/// Back up the store at `db` to `target`, safely while other commands use the store. Refuses
/// to replace an existing `target` unless `force`.
pub fn backup(db: &Path, target: &Path, force: bool) -> Result<StoreInfo> {
    if !db.is_file() {
        return Err(BackupError::NoStore(db.display().to_string()));
    }
    if let (Ok(a), Ok(b)) = (fs::canonicalize(db), fs::canonicalize(target)) {
        if a == b {
            return Err(BackupError::SameFile(target.display().to_string()));
        }
    }
    if target.exists() && !force {
        return Err(BackupError::Exists(target.display().to_string()));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::metadata(dir).map_err(io(dir))?;
    }
    // Opened without CREATE: a mistyped path is an error, not a new empty store.
    let src =
        Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(sql(db))?;
    src.busy_timeout(Duration::from_secs(10)).map_err(sql(db))?;
    // One read transaction for the whole copy: the backup sees one snapshot (never restarts when
    // an import commits meanwhile) and, in WAL mode, blocks no writer.
    src.execute_batch("BEGIN").map_err(sql(db))?;
    let schema: i64 = src.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql(db))?;
    // A database with nothing in it yet is a store another command is creating, not a store.
    let objects: i64 =
        src.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(sql(db))?;
    if objects == 0 {
        return Err(BackupError::NoStore(db.display().to_string()));
    }
    check_tables(&src, db)?;
    let tmp = beside(target, "backup");
    remove_db_files(&tmp);
    let guard = TempDb(Some(tmp.clone()));
    {
        let mut dst = Connection::open(&tmp).map_err(sql(&tmp))?;
        let b = rusqlite::backup::Backup::new(&src, &mut dst).map_err(sql(&tmp))?;
        b.run_to_completion(PAGES_PER_STEP, PAUSE, None).map_err(sql(&tmp))?;
    }
    src.execute_batch("COMMIT").map_err(sql(db))?;
    drop(src);
    let info = seal(&tmp)?;
    if info.schema != schema {
        return Err(BackupError::Damaged {
            path: tmp.display().to_string(),
            why: format!("the copy is schema {}, the store {schema}", info.schema),
        });
    }
    fs::rename(&tmp, target).map_err(io(target))?;
    let mut guard = guard;
    guard.0 = None;
    sync_dir(target);
    Ok(info)
}

/// What the first 100 bytes of an `SQLite` file say: (schema version, application id).
fn read_header(path: &Path) -> Result<(i64, i32)> {
    let mut f = File::open(path).map_err(io(path))?;
    let mut h = [0u8; 100];
    let not =
        |why: &str| BackupError::NotAStore { path: path.display().to_string(), why: why.into() };
    let mut got = 0;
    while got < h.len() {
        let n = f.read(&mut h[got..]).map_err(io(path))?;
        if n == 0 {
            return Err(not("too short to be an SQLite database"));
        }
        got += n;
    }
    if &h[..16] != b"SQLite format 3\0" {
        return Err(not("not an SQLite database"));
    }
    let be = |o: usize| i32::from_be_bytes([h[o], h[o + 1], h[o + 2], h[o + 3]]);
    Ok((i64::from(be(60)), be(68)))
}

/// Check that `file` is a slowburn store this build can read, from its header alone (the file
/// is only read).
fn precheck(file: &Path) -> Result<i64> {
    let (schema, app) = read_header(file)?;
    if app != 0 && app != APPLICATION_ID {
        return Err(BackupError::NotAStore {
            path: file.display().to_string(),
            why: format!("its application id is {app:#x}"),
        });
    }
    if schema > SCHEMA_VERSION {
        return Err(BackupError::TooNew {
            path: file.display().to_string(),
            found: schema,
            supported: SCHEMA_VERSION,
        });
    }
    if schema < 1 {
        return Err(BackupError::NotAStore {
            path: file.display().to_string(),
            why: "it has no slowburn schema".into(),
        });
    }
    Ok(schema)
}

/// Copy `file` to `tmp`, check and migrate the copy; (what it holds, its schema before).
fn prepare(file: &Path, tmp: &Path) -> Result<(StoreInfo, i64)> {
    if !file.is_file() {
        return Err(BackupError::NoStore(file.display().to_string()));
    }
    precheck(file)?;
    remove_db_files(tmp);
    fs::copy(file, tmp).map_err(io(tmp))?;
    // A copy of a live store may have its write-ahead log beside it: take it along, SQLite
    // applies it to the copy.
    let wal = with_suffix(file, "-wal");
    if wal.is_file() {
        fs::copy(&wal, with_suffix(tmp, "-wal")).map_err(io(tmp))?;
    }
    let from_schema = {
        let conn =
            Connection::open_with_flags(tmp, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(|e| {
                BackupError::Damaged { path: file.display().to_string(), why: e.to_string() }
            })?;
        // Reported against the file the user named, not the scratch copy.
        check_integrity(&conn, file)?;
        check_tables(&conn, file)?;
        let schema: i64 =
            conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql(file))?;
        if schema > SCHEMA_VERSION {
            return Err(BackupError::TooNew {
                path: file.display().to_string(),
                found: schema,
                supported: SCHEMA_VERSION,
            });
        }
        schema
    };
    {
        let store = SqliteStore::open(tmp)?;
        let ok = store.integrity_check()?;
        if ok != "ok" {
            return Err(BackupError::Damaged { path: file.display().to_string(), why: ok });
        }
        store.counts()?;
    }
    let info = seal(tmp)?;
    Ok((info, from_schema))
}

/// The name the replaced store is kept under: `<db>.before-restore-<UTC time>`.
fn kept_name(db: &Path) -> PathBuf {
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let base = with_suffix(db, &format!(".before-restore-{stamp}"));
    let mut p = base.clone();
    let mut n = 1;
    while p.exists() {
        n += 1;
        p = with_suffix(&base, &format!("-{n}"));
    }
    p
}

/// Bring the live store at `db` to one self-contained file: its log checkpointed into it and
/// the rollback journal mode set (which `SQLite` allows only when no other connection has it
/// open), so it can be kept aside and replaced without a `-wal` left to apply to the new one.
fn quiesce(db: &Path) -> Result<()> {
    let in_use = |e: &dyn std::fmt::Display| BackupError::InUse {
        path: db.display().to_string(),
        why: e.to_string(),
    };
    let conn =
        Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(sql(db))?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(sql(db))?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .map_err(|e| BackupError::Damaged { path: db.display().to_string(), why: e.to_string() })?;
    if mode.eq_ignore_ascii_case("wal") {
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| in_use(&e))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .map_err(|e| in_use(&e))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(in_use(&format!("journal mode stays {mode}")));
        }
    }
    conn.close().map_err(|(_, e)| in_use(&e))?;
    let wal = with_suffix(db, "-wal");
    if fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(in_use(&format!("{} is still there", wal.display())));
    }
    Ok(())
}

/// Restore the store at `db` from `file`. The current store, if any, is kept as
/// `<db>.before-restore-<time>` (in [`Restored::kept`]); nothing at `db` changes unless
/// `file` is a readable slowburn store of this or an earlier schema that migrates cleanly.
pub fn restore(db: &Path, file: &Path) -> Result<Restored> {
    if let (Ok(a), Ok(b)) = (fs::canonicalize(db), fs::canonicalize(file)) {
        if a == b {
            return Err(BackupError::SameFile(file.display().to_string()));
        }
    }
    if let Some(dir) = db.parent() {
        if !dir.as_os_str().is_empty() {
            fs::create_dir_all(dir).map_err(io(dir))?;
        }
    }
    let tmp = beside(db, "restore");
    let mut guard = TempDb(Some(tmp.clone()));
    let (info, from_schema) = prepare(file, &tmp)?;
    let kept = if db.exists() {
        quiesce(db)?;
        let kept = kept_name(db);
        // A hard link keeps the old store under its new name while the live path still holds
        // it; where links are not possible, a copy (the store is one closed file now).
        if fs::hard_link(db, &kept).is_err() {
            fs::copy(db, &kept).map_err(io(&kept))?;
            sync_file(&kept)?;
        }
        Some(kept)
    } else {
        None
    };
    for stale in [with_suffix(db, "-wal"), with_suffix(db, "-journal")] {
        if fs::metadata(&stale).is_ok_and(|m| m.len() > 0) {
            return Err(BackupError::InUse {
                path: db.display().to_string(),
                why: format!("{} appeared", stale.display()),
            });
        }
    }
    fs::rename(&tmp, db).map_err(io(db))?;
    guard.0 = None;
    sync_dir(db);
    // An empty `-wal`/`-shm` of the old store describes no pages; remove them so the restored
    // store starts its own.
    for stale in [with_suffix(db, "-wal"), with_suffix(db, "-shm")] {
        let _ = fs::remove_file(stale);
    }
    // Opens as the application will (WAL mode again).
    SqliteStore::open(db)?;
    Ok(Restored { info, from_schema, kept })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(tag: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("slowburn-backup-unit-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).expect("temp dir");
        d
    }

    #[test]
    fn an_sqlite_file_without_the_stores_tables_is_not_restored() {
        let dir = tempdir("tables");
        let db = dir.join("live.db");
        drop(SqliteStore::open(&db).expect("live"));
        let live = fs::read(&db).expect("read");
        let other = dir.join("other.sqlite");
        let c = Connection::open(&other).expect("open");
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1); PRAGMA user_version = 3;")
            .expect("other");
        drop(c);
        let err = restore(&db, &other).expect_err("refused").to_string();
        assert!(
            err.contains("not a slowburn store") && err.contains("no originals table"),
            "{err}"
        );
        assert_eq!(fs::read(&db).expect("read"), live);
        let names: Vec<String> = fs::read_dir(&dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_backup_is_refused_over_an_existing_file_and_over_the_store_itself() {
        let dir = tempdir("exists");
        let db = dir.join("live.db");
        drop(SqliteStore::open(&db).expect("live"));
        let file = dir.join("b.db");
        fs::write(&file, b"keep me").expect("write");
        assert!(matches!(backup(&db, &file, false), Err(BackupError::Exists(_))));
        assert_eq!(fs::read(&file).expect("read"), b"keep me");
        assert!(matches!(backup(&db, &db, true), Err(BackupError::SameFile(_))));
        let info = backup(&db, &file, true).expect("forced");
        assert_eq!(info.schema, SCHEMA_VERSION);
        assert_eq!(read_header(&file).expect("header"), (SCHEMA_VERSION, APPLICATION_ID));
        let _ = fs::remove_dir_all(&dir);
    }
}

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
//! (`integrity_check`, the store's tables), migrates it, and checks it again. Only then is the
//! live store touched: refused if another command has it open; else kept as
//! `<db>.before-restore-<time>` (a backup of it, checked like every backup) and overwritten with
//! the restored one by the backup API — one write transaction under the live store's own
//! journal, so the live path holds a valid store at every instant, and a command that opens it
//! meanwhile sees the old store or the new one, never a mix or a stray `-wal`. A live store
//! `SQLite` cannot read (damaged) is moved aside as it is and the copy renamed in its place.

use std::fs::{self, File};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::Value;
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
    #[error("{path} is in use by another command (an import, a dashboard request); retry when it is done: {why}")]
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

/// What [`quiesce`] found at the live path.
enum Live {
    /// A slowburn store, checkpointed into one closed file, that no other command has open.
    Healthy,
    /// Not a store `SQLite` can read (damaged, not a database, not slowburn's): replaced as a file.
    Broken,
}

fn busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Bring the live store at `db` to one closed file: its log checkpointed into it and the
/// rollback journal mode set, which `SQLite` allows only when no other connection has it open —
/// so a store another command is using is refused, untouched.
fn quiesce(db: &Path) -> Result<Live> {
    let in_use = |e: &dyn std::fmt::Display| BackupError::InUse {
        path: db.display().to_string(),
        why: e.to_string(),
    };
    let Ok(conn) = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE) else {
        return Ok(Live::Broken);
    };
    conn.busy_timeout(Duration::from_secs(5)).map_err(sql(db))?;
    let step = |q: &str| -> std::result::Result<Option<String>, BackupError> {
        match conn.query_row(q, [], |r| r.get::<_, Value>(0)) {
            Ok(Value::Text(t)) => Ok(Some(t)),
            Ok(_) => Ok(Some(String::new())),
            Err(e) if busy(&e) => Err(in_use(&e)),
            Err(_) => Ok(None),
        }
    };
    let Some(mode) = step("PRAGMA journal_mode")? else { return Ok(Live::Broken) };
    if mode.eq_ignore_ascii_case("wal") {
        if step("PRAGMA wal_checkpoint(TRUNCATE)")?.is_none() {
            return Ok(Live::Broken);
        }
        match step("PRAGMA journal_mode = DELETE")? {
            None => return Ok(Live::Broken),
            Some(m) if !m.eq_ignore_ascii_case("delete") => {
                return Err(in_use(&format!("journal mode stays {m}")));
            }
            Some(_) => {}
        }
    }
    if step("PRAGMA quick_check")?.as_deref() != Some("ok") || check_tables(&conn, db).is_err() {
        return Ok(Live::Broken);
    }
    conn.close().map_err(|(_, e)| in_use(&e))?;
    Ok(Live::Healthy)
}

/// Copy the checked store at `src` into the live store at `db` with `SQLite`'s backup API: one
/// write transaction on the live store, so another connection sees it whole before or after,
/// and the live store's own journal makes it atomic if the process dies meanwhile.
fn copy_into(src: &Path, db: &Path) -> Result<()> {
    let size = |c: &Connection, p: &Path| -> Result<i64> {
        c.query_row("PRAGMA page_size", [], |r| r.get(0)).map_err(sql(p))
    };
    let mut dst =
        Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(sql(db))?;
    dst.busy_timeout(Duration::from_secs(60)).map_err(sql(db))?;
    let want = size(&dst, db)?;
    {
        // A WAL destination cannot change its page size: give the copy the live store's.
        let c = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(sql(src))?;
        if size(&c, src)? != want {
            c.execute_batch(&format!("PRAGMA page_size = {want}; VACUUM;")).map_err(sql(src))?;
        }
    }
    let from =
        Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(sql(src))?;
    let b = rusqlite::backup::Backup::new(&from, &mut dst).map_err(sql(db))?;
    let started = std::time::Instant::now();
    loop {
        match b.step(PAGES_PER_STEP).map_err(sql(db))? {
            rusqlite::backup::StepResult::Done => return Ok(()),
            rusqlite::backup::StepResult::More => {}
            _ if started.elapsed() > Duration::from_secs(60) => {
                return Err(BackupError::InUse {
                    path: db.display().to_string(),
                    why: "its write lock was not free for 60 s".into(),
                });
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Rename `from` (and its sidecar files) to `to`.
fn move_db(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).map_err(io(to))?;
    for s in ["-wal", "-shm", "-journal"] {
        let side = with_suffix(from, s);
        if side.exists() {
            fs::rename(&side, with_suffix(to, s)).map_err(io(&side))?;
        }
    }
    Ok(())
}

/// Restore the store at `db` from `file`. The current store, if any, is kept as
/// `<db>.before-restore-<time>` (in [`Restored::kept`]); nothing at `db` changes unless
/// `file` is a readable slowburn store of this or an earlier schema that migrates cleanly, and
/// a store another command has open is refused.
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
        let kept = kept_name(db);
        match quiesce(db)? {
            Live::Healthy => {
                // A checked copy of the store being replaced (a snapshot, as every backup),
                // then the restored store copied into it in one transaction.
                backup(db, &kept, false)?;
                copy_into(&tmp, db)?;
            }
            Live::Broken => {
                // Nothing can be using a store SQLite cannot read: it is moved aside as it is,
                // with its sidecar files, and the checked copy renamed into its place.
                move_db(db, &kept)?;
                fs::rename(&tmp, db).map_err(io(db))?;
                guard.0 = None;
                sync_dir(db);
            }
        }
        Some(kept)
    } else {
        fs::rename(&tmp, db).map_err(io(db))?;
        guard.0 = None;
        sync_dir(db);
        None
    };
    drop(guard);
    // The live store as the application opens it (WAL again), checked against the copy.
    let store = SqliteStore::open(db)?;
    let damaged = |why: String| BackupError::Damaged { path: db.display().to_string(), why };
    let ok = store.integrity_check()?;
    if ok != "ok" {
        return Err(damaged(ok));
    }
    let counts = store.counts()?;
    if counts != (info.activities, info.duplicates, info.originals) {
        return Err(damaged(format!("after the restore it holds {counts:?}, the backup {info:?}")));
    }
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
    fn a_store_another_connection_has_open_is_not_replaced() {
        let dir = tempdir("inuse");
        let db = dir.join("live.db");
        let file = dir.join("b.db");
        drop(SqliteStore::open(&db).expect("live"));
        backup(&db, &file, false).expect("backup");
        // Another command holding the store, as an import does between its batches.
        let other = SqliteStore::open(&db).expect("held");
        let err = restore(&db, &file).expect_err("refused");
        assert!(matches!(err, BackupError::InUse { .. }), "{err}");
        drop(other);
        let names: Vec<String> = fs::read_dir(&dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.') || n.contains("before-restore"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
        let r = restore(&db, &file).expect("restored once it is free");
        assert!(r.kept.is_some_and(|k| k.exists()));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_damaged_live_store_is_replaced_and_kept_as_it_was() {
        let dir = tempdir("damaged");
        let db = dir.join("live.db");
        let file = dir.join("b.db");
        drop(SqliteStore::open(&db).expect("live"));
        backup(&db, &file, false).expect("backup");
        let garbage = b"this was a store before the disk hiccuped".repeat(200);
        fs::write(&db, &garbage).expect("damage");
        let r = restore(&db, &file).expect("restored over a damaged store");
        let kept = r.kept.expect("kept");
        assert_eq!(fs::read(&kept).expect("kept"), garbage);
        let s = SqliteStore::open(&db).expect("restored opens");
        assert_eq!(s.integrity_check().expect("check"), "ok");
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

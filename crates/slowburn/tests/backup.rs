//! `slowburn backup` and `slowburn restore`, through the real binary: a populated store round
//! trips (every activity, original byte for byte, profile entry, log, label and plan); a backup
//! taken while an import runs is a whole store; restore refuses what is not a slowburn store,
//! a newer schema and a damaged file, and the live store is unchanged after each refusal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use slowburn_store::{SqliteStore, Store};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_slowburn"));
    c.env("SLOWBURN_TODAY", "2026-12-01").env("SLOWBURN_CONFIG", "/nonexistent/config.toml");
    c
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus(name: &str) -> PathBuf {
    let root = std::env::var_os("SLOWBURN_CORPUS")
        .map_or_else(|| PathBuf::from("/work/shared/corpus"), PathBuf::from);
    root.join(name)
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("slowburn-backup-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs and fails; its stderr.
fn run_err(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(!out.status.success(), "{cmd:?} succeeded: {}", stdout(&out));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Everything a store holds: the canonical dump (every activity with its facts, duplicates,
/// RPE and label, originals' names and sizes, profile entries, periods, logs, plans) and every
/// original's bytes.
fn contents(db: &Path) -> (String, BTreeMap<String, Vec<u8>>) {
    let store = SqliteStore::open(db).expect("open");
    let dump = store.canonical_dump().expect("dump");
    let originals = store
        .original_list()
        .expect("originals")
        .into_iter()
        .map(|o| (slowburn_store::hex(&o.sha256), store.original(&o.sha256).expect("original")))
        .collect();
    (dump, originals)
}

const FIRST: [&str; 5] = [
    "python-fitparse/2013-02-06-12-11-14.fit",
    "python-fitparse/Activity.fit",
    "python-fitparse/activity-filecrc.fit",
    "togeojson/Friday-Evening-Run.gpx",
    "togeojson/sample.tcx",
];

const MORE: [&str; 3] = [
    "gpsbabel/garmin-forerunner-10.fit",
    "python-fitparse/compressed-speed-distance.fit",
    "python-fitparse/garmin-fenix-5-walk.fit",
];

fn populate(db: &Path) {
    let mut import = bin();
    import.arg("--db").arg(db).arg("import");
    for f in FIRST {
        import.arg(corpus(f));
    }
    import.arg(repo().join("examples/data/fenix5-run.fit"));
    run_ok(&mut import);
    let sb = |args: &[&str]| run_ok(bin().arg("--db").arg(db).args(args));
    sb(&["athlete", "set", "--max-hr", "188", "--resting-hr", "48", "--from", "2012-01-01"]);
    sb(&["log", "rhr", "49", "--date", "2013-02-05"]);
    sb(&["log", "note", "--kind", "illness", "--date", "2017-06-01", "sore", "throat"]);
    sb(&["log", "rpe", "1", "6"]);
    sb(&["label", "1", "long"]);
    sb(&["plan", "create", "--goal", "half", "--race-date", "2027-03-21"]);
}

#[test]
fn a_populated_store_round_trips_and_the_replaced_one_is_kept() {
    let dir = tempdir("trip");
    let db = dir.join("live.db");
    populate(&db);
    let at_backup = contents(&db);
    assert!(at_backup.0.contains("sore throat") || at_backup.0.contains("sore"), "log kept");
    assert!(at_backup.1.len() >= 5, "originals: {}", at_backup.1.len());

    let file = dir.join("backup.slowburn");
    let out = stdout(&run_ok(bin().arg("--db").arg(&db).arg("backup").arg(&file)));
    assert!(out.contains("activities") && out.contains("original files"), "{out}");
    assert!(out.contains("integrity_check ok"), "{out}");
    let backup_bytes = std::fs::read(&file).expect("backup written");
    // One self-contained file: nothing beside it.
    assert!(!dir.join("backup.slowburn-wal").exists());
    // An existing file is not replaced without --force.
    let err = run_err(bin().arg("--db").arg(&db).arg("backup").arg(&file));
    assert!(err.contains("already exists") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&file).expect("backup"), backup_bytes);
    run_ok(bin().arg("--db").arg(&db).args(["backup", "--force"]).arg(&file));
    assert_eq!(contents(&file), at_backup, "the backup holds the store");

    // The live store moves on.
    let mut more = bin();
    more.arg("--db").arg(&db).arg("import");
    for f in MORE {
        more.arg(corpus(f));
    }
    run_ok(&mut more);
    run_ok(bin().arg("--db").arg(&db).args(["label", "2", "race"]));
    let moved_on = contents(&db);
    assert_ne!(moved_on.0, at_backup.0);

    let out = stdout(&run_ok(bin().arg("--db").arg(&db).arg("restore").arg(&file)));
    assert!(out.contains("Restored") && out.contains("kept as"), "{out}");
    assert_eq!(contents(&db), at_backup, "restored: every activity, original and log");
    let kept: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().contains("live.db.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(out.contains(&kept[0].display().to_string()), "{out}");
    assert_eq!(contents(&kept[0]), moved_on, "the replaced store is kept whole");
    // The restored store is the application's store again.
    let runs = stdout(&run_ok(bin().arg("--db").arg(&db).args(["runs", "--json"])));
    let runs: serde_json::Value = serde_json::from_str(&runs).expect("json");
    assert!(runs.as_array().is_some_and(|r| !r.is_empty()), "{runs}");
    // No temporary file left behind.
    for e in std::fs::read_dir(&dir).expect("dir") {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "left behind: {name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The bytes of a store file and of its sidecars.
fn files_of(db: &Path) -> Vec<Option<Vec<u8>>> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| {
            let mut p = db.as_os_str().to_owned();
            p.push(s);
            std::fs::read(PathBuf::from(p)).ok()
        })
        .collect()
}

#[test]
fn restore_refuses_what_it_cannot_trust_and_leaves_the_live_store_alone() {
    let dir = tempdir("refuse");
    let db = dir.join("live.db");
    run_ok(bin().arg("--db").arg(&db).arg("import").arg(corpus(FIRST[0])).arg(corpus(FIRST[3])));
    let good = dir.join("good.backup");
    run_ok(bin().arg("--db").arg(&db).arg("backup").arg(&good));
    let live = files_of(&db);
    let live_contents = contents(&db);
    assert_eq!(files_of(&db), live, "reading the store leaves its files as they were");

    let check = |file: &Path, want: &[&str]| {
        let before = std::fs::read(file).expect("file");
        let err = run_err(bin().arg("--db").arg(&db).arg("restore").arg(file));
        for w in want {
            assert!(err.contains(w), "{}: {err}", file.display());
        }
        assert_eq!(std::fs::read(file).expect("file"), before, "the refused file was changed");
        assert_eq!(files_of(&db), live, "the live store changed after refusing {}", file.display());
        for e in std::fs::read_dir(&dir).expect("dir") {
            let name = e.expect("entry").file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with('.') && !name.contains("before-restore"), "{name}");
        }
    };

    let text = dir.join("notes.txt");
    std::fs::write(&text, "hello, this is not a database\n".repeat(10)).expect("write");
    check(&text, &["not a slowburn store", "not an SQLite database"]);

    // A store of another application (its own application id in the header).
    let other = dir.join("other.sqlite");
    let mut bytes = std::fs::read(&good).expect("read");
    bytes[68..72].copy_from_slice(&0x0f0f_0f0f_u32.to_be_bytes());
    std::fs::write(&other, &bytes).expect("write");
    check(&other, &["not a slowburn store", "application id"]);

    // A backup of a later slowburn: schema 99 in the header (`PRAGMA user_version`, offset 60).
    let newer = dir.join("newer.backup");
    let mut bytes = std::fs::read(&good).expect("read");
    bytes[60..64].copy_from_slice(&99_u32.to_be_bytes());
    std::fs::write(&newer, &bytes).expect("write");
    let msg =
        format!("is from schema 99, this slowburn reads up to {}", slowburn_store::SCHEMA_VERSION);
    check(&newer, &[&msg]);

    let corrupt = dir.join("corrupt.backup");
    let mut bytes = std::fs::read(&good).expect("read");
    let page = 4096;
    assert!(bytes.len() > 4 * page, "a backup of several pages");
    for b in &mut bytes[2 * page + 100..3 * page] {
        *b = 0xA5;
    }
    std::fs::write(&corrupt, &bytes).expect("write");
    check(&corrupt, &["corrupt.backup is damaged"]);

    let missing = dir.join("missing.backup");
    let err = run_err(bin().arg("--db").arg(&db).arg("restore").arg(&missing));
    assert!(err.contains("no store at"), "{err}");
    assert_eq!(files_of(&db), live);
    assert_eq!(contents(&db), live_contents);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_backup_taken_while_an_import_runs_is_a_whole_store() {
    let dir = tempdir("live");
    let files = dir.join("synth");
    run_ok(bin().args(["synth", "--years", "0.3", "--seed", "5", "--out"]).arg(&files));
    let db = dir.join("live.db");
    // Small batches, so the backups fall between many commits.
    let mut import = bin()
        .arg("--db")
        .arg(&db)
        .args(["import", "--batch", "5"])
        .arg(&files)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("import starts");
    let mut backups = Vec::new();
    loop {
        let done = import.try_wait().expect("wait").is_some();
        if db.exists() {
            let file = dir.join(format!("during-{}.backup", backups.len()));
            let out = bin().arg("--db").arg(&db).arg("backup").arg(&file).output().expect("runs");
            let err = String::from_utf8_lossy(&out.stderr);
            if out.status.success() {
                backups.push(file);
            } else {
                // Only while the import is still creating the store (an empty database file).
                assert!(backups.is_empty() && err.contains("no store at"), "{err}");
            }
        }
        if done {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(import.wait().expect("import").success());
    assert!(backups.len() >= 2, "only {} backups during the import", backups.len());
    let final_store = SqliteStore::open(&db).expect("open");
    let (total, _, _) = final_store.counts().expect("counts");
    let known: std::collections::BTreeSet<_> =
        final_store.original_list().expect("list").into_iter().map(|o| o.sha256).collect();
    let mut seen = Vec::new();
    for file in &backups {
        let copy = dir.join("check.db");
        std::fs::copy(file, &copy).expect("copy");
        let s = SqliteStore::open(&copy).expect("a backup opens");
        assert_eq!(s.integrity_check().expect("check"), "ok", "{}", file.display());
        let (activities, _, originals) = s.counts().expect("counts");
        // Whole batches only: every original has its activity, and batches are 5 files.
        assert_eq!(activities, originals, "{}", file.display());
        assert!(activities % 5 == 0 || activities == total, "{activities} of {total}");
        for o in s.original_list().expect("list") {
            assert!(known.contains(&o.sha256), "an original the store does not have");
        }
        seen.push(activities);
        drop(s);
        let _ = std::fs::remove_file(&copy);
    }
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(seen.iter().any(|&n| n > 0 && n < total), "no backup fell inside the import: {seen:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_store_of_every_earlier_schema_is_restored_migrated() {
    let data = repo().join("crates/slowburn-store/tests/data");
    let dir = tempdir("old");
    let mut seen = 0;
    for e in std::fs::read_dir(&data).expect("fixtures") {
        let file = e.expect("entry").path();
        if file.extension().is_none_or(|x| x != "db") {
            continue;
        }
        let before = std::fs::read(&file).expect("fixture");
        let db = dir.join(format!("{seen}.live"));
        let out = stdout(&run_ok(bin().arg("--db").arg(&db).arg("restore").arg(&file)));
        let want = format!("migrated to {}", slowburn_store::SCHEMA_VERSION);
        assert!(out.contains(&want) && out.contains("no store at"), "{}: {out}", file.display());
        assert_eq!(std::fs::read(&file).expect("fixture"), before, "{}", file.display());
        let runs = stdout(&run_ok(bin().arg("--db").arg(&db).args(["runs", "--json"])));
        let runs: serde_json::Value = serde_json::from_str(&runs).expect("json");
        assert!(runs.as_array().is_some_and(|r| !r.is_empty()), "{}", file.display());
        seen += 1;
    }
    assert!(seen >= 5, "fixtures restored: {seen}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// GET `path` from a server; the body.
fn get(addr: std::net::SocketAddr, path: &str) -> String {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(60))).expect("timeout");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default()
}

#[test]
fn a_restore_while_the_dashboard_runs_is_what_its_next_page_reads() {
    use std::io::BufRead as _;
    let dir = tempdir("serve");
    let db = dir.join("live.db");
    run_ok(bin().arg("--db").arg(&db).arg("import").arg(corpus(FIRST[0])));
    let file = dir.join("one.backup");
    run_ok(bin().arg("--db").arg(&db).arg("backup").arg(&file));
    run_ok(bin().arg("--db").arg(&db).arg("import").arg(corpus(FIRST[3])).arg(corpus(FIRST[4])));
    let mut child = bin()
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("serving line");
    let addr: std::net::SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out, &mut sink);
    });
    let count = |body: &str| {
        serde_json::from_str::<serde_json::Value>(body).expect("json").as_array().map(Vec::len)
    };
    let before = count(&get(addr, "/api/runs"));
    assert_eq!(before, Some(3));
    let restored = run_ok(bin().arg("--db").arg(&db).arg("restore").arg(&file));
    let after = count(&get(addr, "/api/runs"));
    let _ = child.kill();
    let _ = child.wait();
    assert!(stdout(&restored).contains("kept as"), "{}", stdout(&restored));
    assert_eq!(after, Some(1), "the dashboard reads the restored store");
    let _ = std::fs::remove_dir_all(&dir);
}

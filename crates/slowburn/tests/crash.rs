//! The store cannot be lost or half-written by the process dying, the disk filling, the
//! filesystem turning read-only, or two writers at once — the real binary, end to end.
//!
//! Kill points are deterministic: strace's fault injection sends SIGKILL at the Nth write-type
//! system call of the command (`pwrite64`, `write`, `fsync`, `fdatasync`, `ftruncate`, unlink,
//! rename), as `SQLite`'s own tests crash at every write. After each kill the store passes
//! `PRAGMA integrity_check`, the next command sees either the state before the change or the
//! state after it (for the one-transaction changes), and running the command again reaches
//! exactly the state of an uninterrupted run. Disk full and read-only are tried on a small
//! tmpfs (this test runs as root in CI) and by injecting ENOSPC/EROFS at every write point.
//! strace is required: without it these tests fail, they never skip.

use std::ffi::OsString;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use slowburn_store::{SqliteStore, Store};

/// The system calls a kill or a fault is injected at.
const POINTS: &str = "pwrite64,write,fsync,fdatasync,ftruncate,unlink,unlinkat,rename,renameat2";

/// The system calls a failure (ENOSPC, EIO) is injected at: the store's writes and syncs
/// (strace counts each call separately, so `write` would also fail the error message).
const FAULTS: &str = "pwrite64,fsync,fdatasync,ftruncate";

/// At most this many kill points per command (spread over all of them, the last ones always);
/// `SLOWBURN_CRASH_POINTS=N` tries N, `SLOWBURN_CRASH_POINTS=all` every one.
const MAX_POINTS: usize = 16;

fn max_points() -> usize {
    match std::env::var("SLOWBURN_CRASH_POINTS").as_deref() {
        Ok("all") => usize::MAX,
        Ok(n) => n.parse().expect("SLOWBURN_CRASH_POINTS is a number or all"),
        Err(_) => MAX_POINTS,
    }
}

const TODAY: &str = "2016-03-01";

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_slowburn"))
}

fn strace() -> PathBuf {
    let found = std::env::var_os("PATH")
        .and_then(|p| std::env::split_paths(&p).map(|d| d.join("strace")).find(|c| c.is_file()));
    found.expect(
        "strace is needed for the kill-point and fault-injection tests (apt install strace); \
         they do not skip",
    )
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("slowburn-crash-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn cmd(db: &Path, args: &[OsString]) -> Command {
    let mut c = Command::new(bin());
    c.arg("--db").arg(db).arg("--today").arg(TODAY).args(args);
    c
}

fn run_ok(c: &mut Command) -> Output {
    let out = c.output().expect("runs");
    assert!(
        out.status.success(),
        "{c:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn args(list: &[&str]) -> Vec<OsString> {
    list.iter().map(OsString::from).collect()
}

/// A copy of the store at `from` (its WAL checkpointed first) at `to`.
fn copy_store(from: &Path, to: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", to.display()));
    }
    {
        let s = SqliteStore::open(from).expect("open");
        drop(s);
    }
    std::fs::copy(from, to).expect("copy store");
}

/// Everything the store holds, canonical (plans compared by revision and reason: a plan's
/// text carries the moment it was made).
fn dump(db: &Path) -> String {
    let s = SqliteStore::open(db).expect("open");
    assert_eq!(s.integrity_check().expect("integrity check"), "ok", "{}", db.display());
    s.canonical_dump()
        .expect("dump")
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() == 3 && f[0].starts_with("Text(\"") && f[0].contains('#') {
                let rev = f[0].rsplit('#').next().unwrap_or("");
                format!("plan revision {rev} {}", f[1])
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `got` is `want`, else the first lines that differ.
fn same(got: &str, want: &str, what: &str) {
    if got != want {
        let g: Vec<&str> = got.lines().collect();
        let w: Vec<&str> = want.lines().collect();
        let i = g.iter().zip(&w).position(|(a, b)| a != b).unwrap_or(g.len().min(w.len()));
        let cut =
            |l: Option<&&str>| l.map_or(String::from("(none)"), |l| l.chars().take(600).collect());
        panic!(
            "{what}: {} lines against {}; first difference at line {i}:\n got  {}\n want {}",
            g.len(),
            w.len(),
            cut(g.get(i)),
            cut(w.get(i))
        );
    }
}

/// What the next command sees: a read through the application (which finishes a refresh a
/// killed change left undone), then the dump.
fn seen(db: &Path) -> String {
    run_ok(&mut cmd(db, &args(&["runs", "--json"])));
    dump(db)
}

/// The write points of `c` run uninterrupted on a copy of `base`: the most any one thread of
/// it makes (strace counts injection points per thread).
fn count_points(c: &mut Command, dir: &Path) -> usize {
    count_in(c, dir, POINTS)
}

fn count_in(c: &mut Command, dir: &Path, set: &str) -> usize {
    let trace = dir.join("points.trace");
    let out = traced(c, &trace, set, false).output().expect("strace runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    points_in(&trace)
}

/// `c` under strace, tracing `set` into `trace` (`paths`: file descriptors named by path).
fn traced(c: &Command, trace: &Path, set: &str, paths: bool) -> Command {
    let mut s = Command::new(strace());
    s.args(["-f", "-qq"]);
    if paths {
        s.args(["-y", "-s", "64"]);
    }
    s.arg("-o").arg(trace).arg(format!("-etrace={set}")).arg(c.get_program()).args(c.get_args());
    s
}

/// The write points in a trace: the most any one thread made.
fn points_in(trace: &Path) -> usize {
    let text = std::fs::read_to_string(trace).expect("trace");
    let mut per: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for l in text.lines().filter(|l| !l.contains("resumed>")) {
        *per.entry(l.split_whitespace().next().unwrap_or("")).or_default() += 1;
    }
    per.into_values().max().unwrap_or(0)
}

/// `c` under strace, with `inject` (`signal=KILL`, `error=ENOSPC` …) at its `n`th write point.
fn injected(c: &Command, inject: &str, n: usize) -> Command {
    injected_in(c, POINTS, inject, n)
}

fn injected_in(c: &Command, set: &str, inject: &str, n: usize) -> Command {
    let mut s = Command::new(strace());
    s.args(["-f", "-qq", "-o", "/dev/null"])
        .arg(format!("-etrace={set}"))
        .arg(format!("-einject={set}:{inject}:when={n}"))
        .arg(c.get_program())
        .args(c.get_args());
    s
}

/// Up to [`max_points`] of `1..=n`, evenly spread, always with the first and the last three.
fn sample(n: usize) -> Vec<usize> {
    let max = max_points().max(5);
    if n <= max {
        return (1..=n).collect();
    }
    let mut v: Vec<usize> = (0..max - 3).map(|i| 1 + i * (n - 4) / (max - 4)).collect();
    v.extend([n - 2, n - 1, n]);
    v.sort_unstable();
    v.dedup();
    v
}

fn killed(s: ExitStatus) -> bool {
    s.signal() == Some(9) || s.code() == Some(137)
}

/// Synthetic runs (heart rate, GPS) for the stores: `n` files of the synthetic runner.
fn synth_files(dir: &Path) -> Vec<PathBuf> {
    let out = dir.join("synth");
    run_ok(Command::new(bin()).args(["synth", "--years", "0.1", "--seed", "5", "--out"]).arg(&out));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("synth dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "fit"))
        .collect();
    files.sort();
    assert!(files.len() >= 12, "{} synthetic files", files.len());
    files
}

fn folder_of(dir: &Path, name: &str, files: &[PathBuf]) -> PathBuf {
    let d = dir.join(name);
    std::fs::create_dir_all(&d).expect("dir");
    for f in files {
        std::fs::copy(f, d.join(f.file_name().expect("name"))).expect("copy");
    }
    d
}

struct Op {
    name: &'static str,
    args: Vec<OsString>,
    /// One transaction: after a kill the next command sees the state before or after.
    atomic: bool,
    /// Run again after a kill even when it had landed (the re-run must change nothing).
    rerun_always: bool,
}

/// Kill `op` at its write points, starting each time from `base`.
fn kill_at_every_point(dir: &Path, base: &Path, op: &Op) -> (usize, usize, usize) {
    let reference = dir.join(format!("{}-reference.db", op.name));
    copy_store(base, &reference);
    let before = dump(base);
    let mut c = cmd(&reference, &op.args);
    let n = count_points(&mut c, dir);
    let after = dump(&reference);
    if op.name == "reanalyze" {
        // Re-analysis by the same version measures the same: it must change nothing.
        assert_eq!(before, after, "re-analysis by the same version changes nothing");
    } else {
        assert_ne!(before, after, "{}: the command changes the store", op.name);
    }
    let points = sample(n);
    let mut kills = 0;
    for &k in &points {
        let db = dir.join(format!("{}-{k}.db", op.name));
        copy_store(base, &db);
        let status = injected(&cmd(&db, &op.args), "signal=KILL", k)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("strace runs");
        if killed(status) {
            kills += 1;
        }
        let now = seen(&db);
        if op.atomic {
            assert!(
                now == before || now == after,
                "{}: killed at write {k} of {n}, the next command sees neither the state before \
                 nor after",
                op.name
            );
        }
        if now != after || op.rerun_always {
            run_ok(&mut cmd(&db, &op.args));
        }
        assert!(
            dump(&db) == after,
            "{}: killed at write {k} of {n}, a re-run does not reach the uninterrupted state",
            op.name
        );
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
        }
    }
    (kills, points.len(), n)
}

#[test]
fn killed_at_every_write_point_a_rerun_reaches_exactly_the_uninterrupted_state() {
    let dir = tempdir("kill");
    let files = synth_files(&dir);
    let first = folder_of(&dir, "first", &files[..6]);
    let more = folder_of(&dir, "more", &files[6..10]);
    let empty = dir.join("empty.db");
    SqliteStore::open(&empty).expect("new store");
    let base = dir.join("base.db");
    copy_store(&empty, &base);
    run_ok(&mut cmd(&base, &[OsString::from("import"), first.clone().into_os_string()]));
    let id = {
        let s = SqliteStore::open(&base).expect("open");
        s.activities(&slowburn_store::Filter::default()).expect("rows")[0].id
    };
    let ops = [
        (
            &empty,
            Op {
                name: "import",
                args: vec!["import".into(), "--batch".into(), "1".into(), first.into()],
                atomic: false,
                rerun_always: true,
            },
        ),
        (
            &base,
            Op {
                name: "import-more",
                args: vec!["import".into(), "--batch".into(), "2".into(), more.into()],
                atomic: false,
                rerun_always: true,
            },
        ),
        (
            &base,
            Op { name: "reanalyze", args: args(&["reanalyze"]), atomic: false, rerun_always: true },
        ),
        (
            &base,
            Op {
                name: "profile",
                args: args(&["athlete", "set", "--max-hr", "176", "--from", "2016-01-01"]),
                atomic: true,
                rerun_always: true,
            },
        ),
        (
            &base,
            Op {
                name: "label",
                args: vec!["label".into(), id.to_string().into(), "race".into()],
                atomic: true,
                rerun_always: true,
            },
        ),
        (
            &base,
            Op {
                name: "log",
                args: args(&["log", "rhr", "47", "--date", "2016-02-10"]),
                atomic: true,
                rerun_always: true,
            },
        ),
        (
            &base,
            Op {
                name: "plan",
                args: args(&["plan", "create", "--goal", "10k", "--race-date", "2016-05-29"]),
                atomic: true,
                rerun_always: false,
            },
        ),
    ];
    let mut report = Vec::new();
    for (from, op) in &ops {
        let (kills, points, n) = kill_at_every_point(&dir, from, op);
        assert!(kills * 2 >= points, "{}: only {kills} of {points} points killed it", op.name);
        report.push(format!("{}: {n} write points, {kills} kills of {points} tried", op.name));
    }
    eprintln!("{}", report.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// The dashboard: an upload killed at every write point.

struct Served {
    child: Child,
    addr: SocketAddr,
}

fn serve_cmd(db: &Path) -> Command {
    cmd(db, &args(&["serve", "--addr", "127.0.0.1:0"]))
}

/// `slowburn serve` on a free loopback port (`wrap`: under strace, injecting at a point).
fn serve(db: &Path, wrap: Option<(&str, usize)>) -> Option<Served> {
    let c = serve_cmd(db);
    spawn_served(match wrap {
        Some((inject, n)) => injected(&c, inject, n),
        None => c,
    })
}

/// Start `c` (a `serve`, maybe under strace) and read the address it listens on; `None` when
/// it died before it listened.
fn spawn_served(mut c: Command) -> Option<Served> {
    let mut child = c.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("serve");
    let mut line = String::new();
    let mut r = BufReader::new(child.stdout.take().expect("stdout"));
    if r.read_line(&mut line).unwrap_or(0) == 0 {
        let _ = child.wait();
        return None; // killed before it listened
    }
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .expect("serving address");
    // Keep reading its stdout so it never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = r.read_to_end(&mut sink);
    });
    Some(Served { child, addr })
}

/// POST `files` to `/api/upload`; the status line's code, if an answer came.
fn upload(addr: SocketAddr, files: &[(&str, &[u8])]) -> Option<u16> {
    let boundary = "slowburncrashtestboundary";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; \
                 filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    request(
        addr,
        "POST",
        "/api/upload",
        &format!("multipart/form-data; boundary={boundary}"),
        &body,
    )
}

fn request(addr: SocketAddr, method: &str, path: &str, ctype: &str, body: &[u8]) -> Option<u16> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(120))).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {ctype}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body).ok()?;
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.split_whitespace().nth(1).and_then(|c| c.parse().ok())
}

/// SIGTERM to `pid` and its children (a server under strace is strace's child: strace itself
/// leaves its tracee running when it is stopped).
fn terminate(pid: u32) {
    let _ = Command::new("pkill").args(["-TERM", "-P", &pid.to_string()]).status();
    let _ = Command::new("kill").arg("-TERM").arg(pid.to_string()).status();
}

fn stop(mut s: Served) {
    terminate(s.child.id());
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if let Ok(Some(_)) = s.child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = Command::new("pkill").args(["-KILL", "-P", &s.child.id().to_string()]).status();
    let _ = s.child.kill();
    let _ = s.child.wait();
}

#[test]
fn a_dashboard_upload_killed_at_every_write_point_is_finished_exactly_by_a_retry() {
    let dir = tempdir("upload");
    let files = synth_files(&dir);
    let base = dir.join("base.db");
    run_ok(&mut cmd(&base, &[OsString::from("import"), files[0].clone().into_os_string()]));
    let bytes: Vec<Vec<u8>> = files[1..4].iter().map(|f| std::fs::read(f).expect("read")).collect();
    let names = ["a.fit", "b.fit", "c.fit"];
    let upload_all = |addr| {
        let parts: Vec<(&str, &[u8])> =
            names.iter().zip(&bytes).map(|(n, b)| (*n, b.as_slice())).collect();
        upload(addr, &parts)
    };

    // The reference: an uninterrupted upload, and how many write points the server makes
    // from its start to the upload's end.
    let reference = dir.join("reference.db");
    copy_store(&base, &reference);
    let s = serve(&reference, None).expect("serves");
    assert_eq!(upload_all(s.addr), Some(200));
    stop(s);
    let after = dump(&reference);
    let counted = dir.join("counted.db");
    copy_store(&base, &counted);
    let trace = dir.join("serve.trace");
    let s = spawn_served(traced(&serve_cmd(&counted), &trace, POINTS, false)).expect("serves");
    assert_eq!(upload_all(s.addr), Some(200));
    stop(s);
    let n = points_in(&trace);
    assert!(n > 5, "{n} write points");

    let mut kills = 0;
    let points = sample(n);
    for &k in &points {
        let db = dir.join(format!("up-{k}.db"));
        copy_store(&base, &db);
        if let Some(mut s) = serve(&db, Some(("signal=KILL", k))) {
            let _ = upload_all(s.addr);
            // Killed during the upload, or the point lies past it: stop it either way.
            match s.child.try_wait() {
                Ok(Some(st)) if killed(st) => kills += 1,
                _ => {
                    std::thread::sleep(Duration::from_millis(50));
                    if let Ok(Some(st)) = s.child.try_wait() {
                        kills += usize::from(killed(st));
                    } else {
                        stop(s);
                    }
                }
            }
        } else {
            kills += 1;
        }
        let now = seen(&db);
        // The upload is imported in one batch: all of it or none.
        assert!(now == dump(&base) || now == after, "killed at write {k} of {n}: half an upload");
        let s = serve(&db, None).expect("serves again");
        assert_eq!(upload_all(s.addr), Some(200), "the retry is answered");
        stop(s);
        assert!(dump(&db) == after, "killed at write {k} of {n}: the retry differs");
    }
    eprintln!("upload: {n} write points, {kills} kills of {} tried", points.len());
    assert!(kills * 2 >= points.len(), "only {kills} of {} points killed it", points.len());
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// A full disk and a read-only filesystem.

/// A tmpfs of `kib` KiB at `dir` (root in CI); false when this machine does not allow it.
fn mount_tmpfs(dir: &Path, kib: u64) -> bool {
    std::fs::create_dir_all(dir).expect("mount point");
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
        .arg(dir)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        let ci = std::env::var_os("CI").is_some();
        assert!(!ci, "CI must be able to mount a tmpfs (run as root) for the disk-full test");
        eprintln!(
            "NOT TRIED on a real tmpfs (mounting needs root here): the ENOSPC and EROFS \
             injection tests below cover the same failures"
        );
    }
    ok
}

fn umount(dir: &Path) {
    let _ = Command::new("umount").arg(dir).status();
}

/// A fingerprint of a file's bytes.
fn sha(path: &Path) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::read(path).expect("read").hash(&mut h);
    h.finish()
}

#[test]
fn a_full_disk_or_a_read_only_filesystem_fails_clearly_and_leaves_the_store_as_it_was() {
    let dir = tempdir("full");
    let files = synth_files(&dir);
    let first = folder_of(&dir, "first", &files[..6]);
    let more = folder_of(&dir, "more", &files[6..12]);
    let base = dir.join("base.db");
    run_ok(&mut cmd(&base, &[OsString::from("import"), first.into_os_string()]));
    let reference = dir.join("reference.db");
    copy_store(&base, &reference);
    run_ok(&mut cmd(&reference, &[OsString::from("import"), more.clone().into_os_string()]));
    let want = dump(&reference);
    let size_kib = std::fs::metadata(&base).expect("size").len() / 1024;

    // Full: the store on a tmpfs with about 100 KiB left, less than the import needs.
    let mnt = dir.join("full");
    if mount_tmpfs(&mnt, size_kib + 2048) {
        let db = mnt.join("slowburn.db");
        std::fs::copy(&base, &db).expect("copy");
        let filler = mnt.join("filler");
        {
            let mut f = std::fs::File::create(&filler).expect("filler");
            let block = vec![0u8; 64 * 1024];
            while f.write_all(&block).is_ok() {}
        }
        let len = std::fs::metadata(&filler).expect("filler").len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&filler)
            .and_then(|f| f.set_len(len.saturating_sub(100 * 1024)))
            .expect("shrink filler");
        let before = sha(&db);
        let out = cmd(&db, &[OsString::from("import"), more.clone().into_os_string()])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("disk holding the store is full") && err.contains("slowburn.db"),
            "{err}"
        );
        assert_eq!(sha(&db), before, "the store's file is untouched");
        assert_eq!(dump(&db), dump(&base), "the store holds what it held");
        std::fs::remove_file(&filler).expect("free the space");
        run_ok(&mut cmd(&db, &[OsString::from("import"), more.clone().into_os_string()]));
        assert!(dump(&db) == want, "with space again, the import completes exactly");
        umount(&mnt);
    }

    // Read-only: the same filesystem remounted read-only.
    let mnt = dir.join("ro");
    if mount_tmpfs(&mnt, size_kib + 2048) {
        let db = mnt.join("slowburn.db");
        std::fs::copy(&base, &db).expect("copy");
        let ro = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&mnt)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ro, "remount read-only");
        let before = sha(&db);
        for a in [
            vec![OsString::from("import"), more.clone().into_os_string()],
            args(&["label", "1", "race"]),
            args(&["athlete", "set", "--max-hr", "180"]),
        ] {
            let out = cmd(&db, &a).output().expect("runs");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{a:?}: {err}");
            assert!(
                err.contains("cannot be written (a read-only filesystem)")
                    && err.contains("nothing was changed")
                    && err.contains("slowburn.db"),
                "{a:?}: {err}"
            );
        }
        assert_eq!(sha(&db), before, "the store's file is untouched");
        umount(&mnt);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_write_failing_at_every_point_is_reported_and_a_rerun_completes_exactly() {
    let dir = tempdir("enospc");
    let files = synth_files(&dir);
    let first = folder_of(&dir, "first", &files[..4]);
    let more = folder_of(&dir, "more", &files[4..8]);
    let base = dir.join("base.db");
    run_ok(&mut cmd(&base, &[OsString::from("import"), first.into_os_string()]));
    let reference = dir.join("reference.db");
    copy_store(&base, &reference);
    let op = vec![OsString::from("import"), more.into_os_string()];
    let n = count_in(&mut cmd(&reference, &op), &dir, FAULTS);
    let want = dump(&reference);
    let mut failed = 0;
    // SQLite reports a full disk as SQLITE_FULL where it writes pages, and as an I/O error
    // where it writes its journal's header or shared memory: both messages end the same way.
    for errno in ["ENOSPC", "EIO"] {
        for k in sample(n) {
            let db = dir.join(format!("{errno}-{k}.db"));
            copy_store(&base, &db);
            let out = injected_in(&cmd(&db, &op), FAULTS, &format!("error={errno}"), k)
                .output()
                .expect("strace runs");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!err.contains("panicked"), "{errno} at write {k}: {err}");
            if !out.status.success() {
                failed += 1;
                assert_eq!(out.status.code(), Some(2), "{errno} at write {k}: {err}");
                assert!(err.starts_with("error: "), "{errno} at write {k}: {err}");
                assert!(
                    err.contains("what was being written was not stored; the store is as it was"),
                    "{errno} at write {k}: {err}"
                );
            }
            run_ok(&mut cmd(&db, &op));
            assert!(dump(&db) == want, "{errno} at write {k}: a re-run differs");
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
            }
        }
    }
    assert!(failed > 0, "no injected failure reached the command");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Durability: what was reported stored was synced before it was reported.

/// The strace lines of `c` run with `-y` (file descriptors named by their paths).
fn syscalls(c: &Command, dir: &Path, trace_set: &str) -> Vec<String> {
    let trace = dir.join("sync.trace");
    let status =
        traced(c, &trace, trace_set, true).stdout(Stdio::null()).status().expect("strace runs");
    assert!(status.success());
    std::fs::read_to_string(&trace).expect("trace").lines().map(str::to_owned).collect()
}

/// Every store write is followed by a sync of the file it went to before `reported` (the
/// index of the line that tells the user).
fn synced_before(lines: &[String], reported: usize, what: &str) {
    let store_file = |l: &str| l.contains(".db-wal>") || l.contains(".db>");
    let last_write = lines[..reported]
        .iter()
        .rposition(|l| l.contains("pwrite64(") && store_file(l))
        .unwrap_or_else(|| panic!("{what}: no store write before the report"));
    let synced = lines[last_write..reported]
        .iter()
        .any(|l| (l.contains("fdatasync(") || l.contains("fsync(")) && store_file(l));
    assert!(synced, "{what}: the last store write is not synced before the user is told");
}

#[test]
fn what_a_command_or_an_upload_reported_stored_was_synced_before_it_said_so() {
    let dir = tempdir("sync");
    let files = synth_files(&dir);
    let first = folder_of(&dir, "first", &files[..3]);
    let db = dir.join("store.db");
    let lines = syscalls(
        &cmd(&db, &[OsString::from("import"), first.into_os_string()]),
        &dir,
        "pwrite64,fsync,fdatasync,write",
    );
    let reported = lines
        .iter()
        .rposition(|l| l.contains("write(1<") && l.contains("imported"))
        .expect("the import's report");
    synced_before(&lines, reported, "import");
    for (what, a) in [
        ("label", args(&["label", "1", "race"])),
        ("profile", args(&["athlete", "set", "--max-hr", "181"])),
        ("log", args(&["log", "rhr", "49"])),
    ] {
        let lines = syscalls(&cmd(&db, &a), &dir, "pwrite64,fsync,fdatasync,write");
        let reported = lines.iter().rposition(|l| l.contains("write(1<")).expect("report");
        synced_before(&lines, reported, what);
    }

    // The dashboard: the upload's answer is sent after the sync.
    let trace = dir.join("serve.trace");
    let set = "pwrite64,fsync,fdatasync,write,writev,sendto,sendmsg";
    let s = spawn_served(traced(&serve_cmd(&db), &trace, set, true)).expect("serves");
    let bytes = std::fs::read(&files[5]).expect("read");
    assert_eq!(upload(s.addr, &[("up.fit", &bytes)]), Some(200));
    stop(s);
    let lines: Vec<String> =
        std::fs::read_to_string(&trace).expect("trace").lines().map(str::to_owned).collect();
    let answered = lines
        .iter()
        .position(|l| l.contains("HTTP/1.1 200") && (l.contains("TCP") || l.contains("socket")))
        .expect("the upload's answer");
    synced_before(&lines, answered, "upload");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Concurrency: two imports at once, and the dashboard answering and writing while the CLI
// imports, end exactly where the same work run one after the other ends.

#[test]
fn two_imports_at_once_end_where_the_two_one_after_the_other_end() {
    let dir = tempdir("two");
    let files = synth_files(&dir);
    let a = folder_of(&dir, "a", &files[..8]);
    let b = folder_of(&dir, "b", &files[8..16]);
    // The second import also takes four of the first's files, by the same paths: whichever
    // stores them first stores them under the same name.
    let shared: Vec<OsString> =
        (4..8).map(|i| a.join(files[i].file_name().expect("name")).into_os_string()).collect();
    let first = vec![OsString::from("import"), a.clone().into_os_string()];
    let mut second = vec![OsString::from("import"), b.clone().into_os_string()];
    second.extend(shared);
    let seq = dir.join("seq.db");
    run_ok(&mut cmd(&seq, &first));
    run_ok(&mut cmd(&seq, &second));
    let want = dump(&seq);
    for round in 0..3 {
        let db = dir.join(format!("together-{round}.db"));
        let spawn = |a: &[OsString]| {
            cmd(&db, a).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn")
        };
        let (ca, cb) = (spawn(&first), spawn(&second));
        for c in [ca, cb] {
            let out = c.wait_with_output().expect("wait");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success() && !err.contains("locked"), "round {round}: {err}");
        }
        same(&dump(&db), &want, &format!("round {round}: two imports at once against one by one"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_dashboard_answers_and_writes_while_the_cli_imports() {
    let dir = tempdir("serve");
    let out = dir.join("year");
    run_ok(
        Command::new(bin())
            .args(["synth", "--years", "0.4", "--seed", "9", "--start", "2016-06-06", "--out"])
            .arg(&out),
    );
    let upload_bytes = std::fs::read(synth_files(&dir)[0].clone()).expect("read");
    let logs: Vec<String> =
        (1..=8).map(|d| format!("{{\"bpm\": {}, \"date\": \"2016-01-{d:02}\"}}", 44 + d)).collect();
    let post_logs_and_upload = |addr: SocketAddr, during: &mut dyn FnMut() -> bool| {
        let mut codes = Vec::new();
        let mut i = 0;
        loop {
            let busy = during();
            if i < logs.len() {
                codes.push(request(
                    addr,
                    "POST",
                    "/api/log/rhr",
                    "application/json",
                    logs[i].as_bytes(),
                ));
                i += 1;
            } else if i == logs.len() {
                codes.push(upload(addr, &[("phone.fit", &upload_bytes)]));
                i += 1;
            }
            codes.push(request(addr, "GET", "/api/runs", "text/plain", b""));
            codes.push(request(addr, "GET", "/api/week", "text/plain", b""));
            if !busy && i > logs.len() {
                break;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        codes
    };

    // One after the other: the import, then the dashboard's writes.
    let seq = dir.join("seq.db");
    run_ok(&mut cmd(&seq, &[OsString::from("import"), out.clone().into_os_string()]));
    let s = serve(&seq, None).expect("serves");
    let codes = post_logs_and_upload(s.addr, &mut || false);
    stop(s);
    assert!(codes.iter().all(|c| *c == Some(200)), "{codes:?}");
    let want = dump(&seq);

    // Together.
    let db = dir.join("together.db");
    SqliteStore::open(&db).expect("new store");
    let s = serve(&db, None).expect("serves");
    let mut import = cmd(&db, &[OsString::from("import"), out.into_os_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("import");
    let mut done = None;
    let codes = post_logs_and_upload(s.addr, &mut || {
        if done.is_none() {
            done = import.try_wait().expect("wait");
        }
        done.is_none()
    });
    let status = import.wait().expect("import");
    let mut err = String::new();
    if let Some(mut e) = import.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    stop(s);
    assert!(status.success() && !err.contains("locked"), "{err}");
    assert!(codes.iter().all(|c| *c == Some(200)), "every request answered: {codes:?}");
    assert!(codes.len() > 12, "the requests ran during the import: {}", codes.len());
    same(&dump(&db), &want, "together against one after the other");
    let _ = std::fs::remove_dir_all(&dir);
}

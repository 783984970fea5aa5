//! The store cannot be lost or half-written by the process dying, the disk filling, the
//! filesystem turning read-only, or two writers at once — the real binary, end to end.
//!
//! Kill points are deterministic: strace's fault injection sends SIGKILL at the Nth write-type
//! system call of the command (`pwrite64`, `write`, `fsync`, `fdatasync`, `ftruncate`, unlink,
//! rename), as SQLite's own tests crash at every write. After each kill the store passes
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

/// At most this many kill points per command (spread over all of them, the last ones always).
const MAX_POINTS: usize = 14;

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

/// What the next command sees: a read through the application (which finishes a refresh a
/// killed change left undone), then the dump.
fn seen(db: &Path) -> String {
    run_ok(&mut cmd(db, &args(&["runs", "--json"])));
    dump(db)
}

/// The write points of `c` run uninterrupted on a copy of `base`: the most any one thread of
/// it makes (strace counts injection points per thread).
fn count_points(c: &mut Command, dir: &Path) -> usize {
    let trace = dir.join("points.trace");
    let program = c.get_program().to_owned();
    let a: Vec<OsString> = c.get_args().map(OsString::from).collect();
    let out = Command::new(strace())
        .args(["-f", "-qq", "-o"])
        .arg(&trace)
        .arg(format!("-etrace={POINTS}"))
        .arg(program)
        .args(a)
        .output()
        .expect("strace runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&trace).expect("trace");
    let mut per: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for l in text.lines().filter(|l| !l.contains("resumed>")) {
        *per.entry(l.split_whitespace().next().unwrap_or("")).or_default() += 1;
    }
    per.into_values().max().unwrap_or(0)
}

/// `c` under strace, with `inject` (`signal=KILL`, `error=ENOSPC` …) at its `n`th write point.
fn injected(c: &Command, inject: &str, n: usize) -> Command {
    let mut s = Command::new(strace());
    s.args(["-f", "-qq", "-o", "/dev/null"])
        .arg(format!("-etrace={POINTS}"))
        .arg(format!("-einject={POINTS}:{inject}:when={n}"))
        .arg(c.get_program())
        .args(c.get_args());
    s
}

/// Up to [`MAX_POINTS`] of `1..=n`, evenly spread, always with the first and the last three.
fn sample(n: usize) -> Vec<usize> {
    if n <= MAX_POINTS {
        return (1..=n).collect();
    }
    let mut v: Vec<usize> =
        (0..MAX_POINTS - 3).map(|i| 1 + i * (n - 4) / (MAX_POINTS - 4)).collect();
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
fn kill_at_every_point(dir: &Path, base: &Path, op: &Op) -> (usize, usize) {
    let reference = dir.join(format!("{}-reference.db", op.name));
    copy_store(base, &reference);
    let before = dump(base);
    let mut c = cmd(&reference, &op.args);
    let n = count_points(&mut c, dir);
    let after = dump(&reference);
    if op.name != "reanalyze" {
        // (Re-analysis by the same version measures the same: it must change nothing.)
        assert_ne!(before, after, "{}: the command changes the store", op.name);
    } else {
        assert_eq!(before, after, "re-analysis by the same version changes nothing");
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
    (kills, points.len())
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
        let (kills, points) = kill_at_every_point(&dir, from, op);
        assert!(kills * 2 >= points, "{}: only {kills} of {points} points killed it", op.name);
        report.push(format!("{}: {kills} kills of {points} points", op.name));
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

/// `slowburn serve` on a free loopback port (`wrap`: under strace).
fn serve(db: &Path, wrap: Option<(&str, usize)>) -> Option<Served> {
    let c = cmd(db, &args(&["serve", "--addr", "127.0.0.1:0"]));
    let mut c = match wrap {
        Some((inject, n)) => injected(&c, inject, n),
        None => c,
    };
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

fn stop(mut s: Served) {
    let _ = Command::new("kill").arg("-TERM").arg(s.child.id().to_string()).status();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if let Ok(Some(_)) = s.child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
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
    let c = cmd(&counted, &args(&["serve", "--addr", "127.0.0.1:0"]));
    let mut traced = Command::new(strace());
    traced
        .args(["-f", "-qq", "-o"])
        .arg(&trace)
        .arg(format!("-etrace={POINTS}"))
        .arg(c.get_program())
        .args(c.get_args());
    let mut child = traced.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("strace");
    let mut r = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    r.read_line(&mut line).expect("serving line");
    let addr: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .expect("address");
    assert_eq!(upload_all(addr), Some(200));
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&trace).expect("trace");
    let mut per: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for l in text.lines().filter(|l| !l.contains("resumed>")) {
        *per.entry(l.split_whitespace().next().unwrap_or("")).or_default() += 1;
    }
    let n = per.into_values().max().unwrap_or(0);
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
    eprintln!("upload: {kills} kills of {} points", points.len());
    assert!(kills * 2 >= points.len(), "only {kills} of {} points killed it", points.len());
    let _ = std::fs::remove_dir_all(&dir);
}

//! The real binary on a `PostgreSQL` store (`--db postgres://… --athlete NAME`), against the
//! server named by `SLOWBURN_PG_URL` (`bash scripts/pg-throwaway.sh start`): every view of
//! the same files says the same on the server as in a file; `migrate` moves a file's store in
//! losing nothing, and again is a no-op; athletes of one database never see each other's
//! runs; the commands of a file refuse a server with a reason; `access` sets up who sees what.
//!
//! Without `SLOWBURN_PG_URL` the tests say they did not run and pass — except with `CI=true`,
//! where they fail: CI never skips them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use slowburn_store_pg::testing::TestDb;

fn corpus() -> PathBuf {
    std::env::var_os("SLOWBURN_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    )
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("slowburn-cli-pg-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn bin(today: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_slowburn"));
    c.env("SLOWBURN_TODAY", today).env_remove("SLOWBURN_DB").env_remove("SLOWBURN_ATHLETE");
    c.env("SLOWBURN_CONFIG", "/nonexistent/slowburn-config.toml");
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("runs")
}

fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn on_file(db: &Path, today: &str, args: &[&str]) -> String {
    ok(bin(today).arg("--db").arg(db).args(args))
}

fn on_server(url: &str, athlete: &str, today: &str, args: &[&str]) -> String {
    ok(bin(today).args(["--db", url, "--athlete", athlete]).args(args))
}

/// Runs and walks of several devices from the corpus (FIT, GPX, TCX).
fn some_files() -> Vec<PathBuf> {
    let c = corpus();
    let mut out: Vec<PathBuf> = ["python-fitparse", "togeojson", "fit-sdk-examples"]
        .iter()
        .filter_map(|d| std::fs::read_dir(c.join(d)).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out.truncate(40);
    assert!(out.len() >= 10, "the corpus is at {}", c.display());
    out
}

#[test]
fn the_server_says_what_the_file_says() {
    let Some(server) = slowburn_store_pg::testing::server() else { return };
    let db = TestDb::new(&server, "cli_server");
    let dir = tempdir("same");
    let file = dir.join("runner.db");
    let files = some_files();
    let today = "2026-12-01";
    let mut import: Vec<&std::ffi::OsStr> = vec!["import".as_ref()];
    import.extend(files.iter().map(|p| p.as_os_str()));
    let out = run(bin(today).arg("--db").arg(&file).args(&import));
    let out_pg = run(bin(today).args(["--db", &db.url, "--athlete", "anna"]).args(&import));
    assert_eq!(out.status.code(), out_pg.status.code());
    for view in [
        &["runs", "--json"][..],
        &["week", "--json"],
        &["review", "--json", "--weeks", "520"],
        &["trends", "--json"],
        &["zones", "--json"],
        &["today", "--json"],
        &["runs"],
        &["review", "--weeks", "520"],
    ] {
        assert_eq!(
            on_file(&file, today, view),
            on_server(&db.url, "anna", today, view),
            "{view:?} differs between the file and the server"
        );
    }
    let runs: serde_json::Value =
        serde_json::from_str(&on_file(&file, today, &["runs", "--json"])).expect("json");
    let first = runs.as_array().and_then(|r| r.first()).expect("a run")["id"].to_string();
    assert_eq!(
        on_file(&file, today, &["show", &first, "--json"]),
        on_server(&db.url, "anna", today, &["show", &first, "--json"])
    );

    // A second athlete in the same database sees none of anna's runs.
    let empty = run(bin(today).args(["--db", &db.url, "--athlete", "ben", "runs"]));
    assert!(!empty.status.success(), "ben does not exist yet");
    let said = String::from_utf8_lossy(&empty.stderr);
    assert!(
        said.contains("no athlete \"ben\"") && said.contains("importing a run creates one"),
        "{said}"
    );
    on_server(&db.url, "ben", today, &["import", files[0].to_str().unwrap()]);
    let ben: serde_json::Value =
        serde_json::from_str(&on_server(&db.url, "ben", today, &["runs", "--json"])).unwrap();
    assert!(ben.as_array().unwrap().len() <= 1, "{ben}");
    // anna's ids are not ben's.
    let shown = run(bin(today).args(["--db", &db.url, "--athlete", "ben", "show", &first]));
    let ben_ids: Vec<String> =
        ben.as_array().unwrap().iter().map(|r| r["id"].to_string()).collect();
    if !ben_ids.contains(&first) {
        assert!(!shown.status.success(), "ben cannot open anna's run {first}");
    }

    // No athlete named, and the file-only commands, are refused with a reason.
    let none = run(bin(today).args(["--db", &db.url, "runs"]));
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("--athlete NAME"));
    let backup = run(bin(today)
        .args(["--db", &db.url, "--athlete", "anna", "backup"])
        .arg(dir.join("b.db")));
    assert!(!backup.status.success());
    assert!(String::from_utf8_lossy(&backup.stderr).contains("pg_dump"));
    let stray = run(bin(today).arg("--db").arg(&file).args(["--athlete", "anna", "runs"]));
    assert!(!stray.status.success(), "--athlete with a file is a mistake, said");
    // The password never shows in a message.
    let secret_url = db.url.replacen("://", "://someone:hunter2@", 1);
    let denied = run(bin(today).args(["--db", &secret_url, "--athlete", "anna", "runs"]));
    let said = String::from_utf8_lossy(&denied.stderr);
    assert!(!said.contains("hunter2"), "{said}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn migrate_moves_a_store_losing_nothing() {
    let Some(server) = slowburn_store_pg::testing::server() else { return };
    let db = TestDb::new(&server, "cli_server");
    let dir = tempdir("migrate");
    let file = dir.join("runner.db");
    let today = "2026-12-01";
    let files = some_files();
    let mut import: Vec<&std::ffi::OsStr> = vec!["import".as_ref()];
    import.extend(files.iter().map(|p| p.as_os_str()));
    let _ = run(bin(today).arg("--db").arg(&file).args(&import));
    on_file(&file, today, &["log", "rhr", "47", "--date", "2026-11-30"]);
    on_file(&file, today, &["log", "note", "slept badly", "--date", "2026-11-30"]);
    let dump = |f: &Path| std::fs::read(f).expect("the file");
    let before = dump(&file);
    let moved = on_file(
        &file,
        today,
        &[
            "--athlete",
            "anna",
            "migrate",
            "--from",
            file.to_str().unwrap(),
            "--to",
            &db.url,
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&moved).expect("json");
    assert_eq!(v["already_there"], false);
    assert!(v["activities"].as_u64().unwrap() >= 10, "{v}");
    assert_eq!(v["daily_logs"].as_u64(), Some(2), "{v}");
    assert_eq!(dump(&file), before, "the file is unchanged");
    for view in
        [&["runs", "--json"][..], &["review", "--json", "--weeks", "520"], &["trends", "--json"]]
    {
        assert_eq!(
            on_file(&file, today, view),
            on_server(&db.url, "anna", today, view),
            "{view:?}"
        );
    }
    // The originals come back byte for byte.
    let out_file = dir.join("from-file");
    let out_pg = dir.join("from-server");
    on_file(&file, today, &["export-originals", out_file.to_str().unwrap()]);
    on_server(&db.url, "anna", today, &["export-originals", out_pg.to_str().unwrap()]);
    let listing = |d: &Path| {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
            .expect("exported")
            .filter_map(Result::ok)
            .map(|e| {
                (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
            })
            .collect();
        v.sort();
        v
    };
    let a = listing(&out_file);
    assert!(!a.is_empty());
    assert_eq!(a, listing(&out_pg));
    // Again: nothing to do, and said so.
    let again = on_file(
        &file,
        today,
        &["--athlete", "anna", "migrate", "--from", file.to_str().unwrap(), "--to", &db.url],
    );
    assert!(again.contains("already holds exactly this history"), "{again}");
    // Into an athlete with another history: refused, untouched.
    on_server(&db.url, "ben", today, &["import", files[0].to_str().unwrap()]);
    let refused = run(bin(today).args([
        "--athlete",
        "ben",
        "migrate",
        "--from",
        file.to_str().unwrap(),
        "--to",
        &db.url,
    ]));
    assert!(!refused.status.success());
    let ben: serde_json::Value =
        serde_json::from_str(&on_server(&db.url, "ben", today, &["runs", "--json"])).unwrap();
    assert!(ben.as_array().unwrap().len() <= 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn access_sets_who_sees_what() {
    let Some(server) = slowburn_store_pg::testing::server() else { return };
    let db = TestDb::new(&server, "cli_server");
    let today = "2026-12-01";
    let files = some_files();
    on_server(&db.url, "anna", today, &["import", files[0].to_str().unwrap()]);
    let add = |athlete: Option<&str>, login: &str| {
        let mut c = bin(today);
        c.args(["--db", &db.url]);
        if let Some(a) = athlete {
            c.args(["--athlete", a]);
        }
        c.args(["access", "add-account", login]).env("SLOWBURN_SECRET", "a-long-secret");
        ok(&mut c)
    };
    assert!(add(Some("anna"), "anna").contains("it is athlete \"anna\""));
    assert!(add(None, "coach").contains("a coach or a club admin"));
    let show = |login: &str| on_server(&db.url, "anna", today, &["access", "show", login]);
    assert!(show("coach").contains("sees no athlete"), "{}", show("coach"));
    on_server(&db.url, "anna", today, &["access", "grant", "coach", "--level", "edit"]);
    assert_eq!(show("coach").trim(), "anna: summaries, read, label, plan, log");
    on_server(&db.url, "anna", today, &["access", "grant", "coach", "--level", "view"]);
    assert_eq!(show("coach").trim(), "anna: summaries, read");
    on_server(&db.url, "anna", today, &["access", "revoke", "coach"]);
    assert!(show("coach").contains("sees no athlete"));
    // A secret on standard input; none at all is refused.
    let mut c = bin(today);
    c.args(["--db", &db.url, "access", "add-account", "nosecret"]).env_remove("SLOWBURN_SECRET");
    c.stdin(std::process::Stdio::null());
    let out = run(&mut c);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no secret"));
    // Club: ben shares summaries; the admin sees only those.
    add(None, "admin");
    on_server(&db.url, "ben", today, &["import", files[1].to_str().unwrap()]);
    add(Some("ben"), "ben");
    ok(bin(today).args(["--db", &db.url, "access", "add-club", "harriers", "--admin", "admin"]));
    let uninvited =
        run(bin(today).args(["--db", &db.url, "--athlete", "ben", "access", "join", "harriers"]));
    assert!(!uninvited.status.success(), "nobody joins a club uninvited");
    assert!(String::from_utf8_lossy(&uninvited.stderr).contains("no invitation"));
    on_server(&db.url, "ben", today, &["access", "invite", "harriers", "--by", "admin"]);
    on_server(&db.url, "ben", today, &["access", "join", "harriers", "--sharing", "summary"]);
    assert_eq!(show("admin").trim(), "ben: summaries");
    let json: serde_json::Value = serde_json::from_str(&on_server(
        &db.url,
        "anna",
        today,
        &["access", "show", "anna", "--json"],
    ))
    .unwrap();
    assert_eq!(json[0]["athlete"], "anna");
    assert_eq!(json[0]["may"].as_array().unwrap().len(), 6);
}

//! Moving an `SQLite` store into `PostgreSQL` loses nothing: the canonical dumps are equal and
//! every original's bytes are the same; running it again is a no-op; a destination athlete
//! holding another history is refused untouched.
//!
//! Needs `SLOWBURN_PG_URL` (see `tests/pg.rs`). The test of a store the real import made runs
//! the `slowburn` binary (`SLOWBURN_BIN`, or the main workspace's `target/release/slowburn` or
//! `target/debug/slowburn`) on the shared corpus (`SLOWBURN_CORPUS`, default
//! `/work/shared/corpus`), and says so and passes when either is missing (fails with `CI=true`).

mod common;
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss, dead_code)]
#[path = "../../slowburn-store/tests/contract/mod.rs"]
mod contract;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{server, unique, TestDb};
use sha2::{Digest, Sha256};
use slowburn_store::{
    compress, DailyLog, Derived, DuplicateRow, MetaRef, PeriodRow, SqliteStore, Store,
};
use slowburn_store_pg::{migrate_from, PgStore};

/// A fresh directory for one test's `SQLite` files.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(unique(tag));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Real files of the corpus (FIT first), their bytes and SHA-256.
fn corpus_files(n: usize) -> Vec<(String, Vec<u8>, [u8; 32])> {
    let root = std::env::var("SLOWBURN_CORPUS").unwrap_or_else(|_| "/work/shared/corpus".into());
    let mut paths = Vec::new();
    if let Ok(dirs) = std::fs::read_dir(&root) {
        for d in dirs.flatten() {
            if let Ok(files) = std::fs::read_dir(d.path()) {
                paths.extend(files.flatten().map(|f| f.path()));
            }
        }
    }
    paths.sort();
    let mut out: Vec<(String, Vec<u8>, [u8; 32])> = paths
        .iter()
        .filter_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            let name = p.file_name()?.to_string_lossy().into_owned();
            let sha: [u8; 32] = Sha256::digest(&bytes).into();
            Some((name, bytes, sha))
        })
        .take(n)
        .collect();
    // Without the corpus: made-up files, still real bytes with their real hashes.
    let mut i = 0u8;
    while out.len() < n {
        let bytes = format!("synthetic file {i} ").repeat(200 + usize::from(i)).into_bytes();
        let sha: [u8; 32] = Sha256::digest(&bytes).into();
        out.push((format!("synthetic-{i}.fit"), bytes, sha));
        i += 1;
    }
    out
}

fn store_original(b: &mut dyn slowburn_store::Batch, f: &(String, Vec<u8>, [u8; 32])) {
    b.insert_original(&f.2, &f.0, f.1.len(), &compress(&f.1).expect("zstd")).expect("original");
}

/// A history with everything a store can hold: single and multisport files, duplicates kept,
/// a recording replaced by a richer one, two folded together, a file split into legs, a
/// re-analysis, names added, labels, RPEs, profile entries, daily logs (in a batch and alone),
/// resolved periods and derived types, plans with revisions (and a deleted one), and derived
/// state left stale by a last change.
fn rich_history(s: &mut dyn Store) {
    let files = corpus_files(12);
    let t0 = 1_700_000_000_000_i64;
    let day = 86_400_000_i64;
    let act = |i: usize, start: i64, dur: f64, samples: i64| {
        let mut a = contract::activity(0, start, dur, samples);
        a.sha256 = files[i].2;
        a.data.source_name.clone_from(&files[i].0);
        a.summary = format!("{{\"version\":3,\"file\":{:?}}}", files[i].0);
        a
    };
    let mut ids = Vec::new();
    {
        let mut b = s.batch().expect("batch");
        for (i, f) in files.iter().enumerate().take(6) {
            store_original(&mut *b, f);
            ids.push(b.insert_activity(&act(i, t0 + i as i64 * day, 3000.0, 100)).expect("insert"));
        }
        // A triathlon: one file, three legs.
        store_original(&mut *b, &files[6]);
        for part in 0..3 {
            let mut leg =
                contract::part_of(0, part, 3, t0 + 10 * day + i64::from(part) * 900_000, 600.0);
            leg.sha256 = files[6].2;
            leg.data.sport = Some([5, 2, 1][part as usize]);
            b.insert_activity(&leg).expect("leg");
        }
        // Another file of run 0, kept as its duplicate.
        store_original(&mut *b, &files[7]);
        b.insert_duplicate(&DuplicateRow {
            sha256: files[7].2,
            activity_id: ids[0],
            source_name: files[7].0.clone(),
            reason: "same run, fewer channels".into(),
            start_ms: Some(t0 - 4000),
            end_ms: Some(t0 + 3_100_000),
            sport: Some(1),
        })
        .expect("duplicate");
        // A second recording of run 1, folded into it.
        store_original(&mut *b, &files[8]);
        let second = b.insert_activity(&act(8, t0 + day + 2000, 2990.0, 80)).expect("insert");
        b.merge_activity(second, ids[1], Some("the same run from the phone")).expect("merge");
        // Run 2 replaced by a richer recording of it.
        store_original(&mut *b, &files[9]);
        b.replace_activity(ids[2], &act(9, t0 + 2 * day - 1000, 3010.0, 400), "richer")
            .expect("replace");
        // Run 3 found to be a brick (two legs) by a newer decoder.
        let mut legs =
            vec![act(3, t0 + 3 * day, 1500.0, 50), act(3, t0 + 3 * day + 1_600_000, 1400.0, 50)];
        for (p, l) in legs.iter_mut().enumerate() {
            l.part = slowburn_store::PartOf { part: p as u32, parts: 2 };
        }
        b.split_activity(ids[3], &legs).expect("split");
        // Run 4 re-analysed: other facts, some unknown.
        let mut again = act(4, t0 + 4 * day, 3000.0, 100);
        again.facts.summary_version = 6;
        again.facts.settled_hr = None;
        again.facts.best_efforts.clear();
        again.facts.evidence = Some(contract::evidence(4, "tempo"));
        again.data.avg_hr = Some(f64::NAN);
        b.update_analysis(ids[4], &again).expect("reanalyse");
        b.add_meta(
            ids[5],
            MetaRef { name: Some("Parkrun — ü"), description: None, gear: Some("shoe \"A\"") },
        )
        .expect("meta");
        b.add_daily_log(&DailyLog {
            date: "2023-11-15".parse().expect("date"),
            kind: "note".into(),
            value: None,
            text: Some("from the import's batch".into()),
        })
        .expect("log");
        // A kept file that is no activity (an original without a run).
        store_original(&mut *b, &files[10]);
        b.commit().expect("commit");
    }
    s.set_label(ids[0], Some("long")).expect("label");
    s.set_label(ids[5], Some("race")).expect("label");
    s.set_rpe(ids[1], 6.5).expect("rpe");
    s.set_rpe(ids[5], 9.0).expect("rpe");
    s.add_athlete_entry("2023-01-01".parse().expect("date"), "{\"max_hr\":190}").expect("entry");
    s.add_athlete_entry("2023-06-01".parse().expect("date"), "{\"lthr\":171}").expect("entry");
    for (d, kind, v, t) in [
        ("2023-11-14", "rhr", Some(48.0), None),
        ("2023-11-15", "rhr", Some(47.5), None),
        ("2023-11-15", "note", None, Some("slept badly — 5 h")),
        ("2023-11-16", "monitoring_low", Some(1.0 / 3.0), Some("hrv")),
    ] {
        s.add_daily_log(&DailyLog {
            date: d.parse().expect("date"),
            kind: kind.into(),
            value: v,
            text: t.map(str::to_owned),
        })
        .expect("log");
    }
    let g = s.generations().expect("generations");
    let derived = Derived {
        run_type: Some("long".into()),
        reason: Some("duration".into()),
        confidence: Some(0.85),
        why: Some("long: 50 min, your easy runs are 40 min".into()),
    };
    let periods = [
        PeriodRow {
            from_date: "2023-01-01".parse().expect("date"),
            profile: "{\"max_hr\":190}".into(),
        },
        PeriodRow {
            from_date: "2023-06-01".parse().expect("date"),
            profile: "{\"lthr\":171}".into(),
        },
        PeriodRow { from_date: "2023-06-02".parse().expect("date"), profile: "{\"x\":1}".into() },
    ];
    s.set_derived(&[(ids[0], derived)], &periods, g.inputs).expect("derived");
    let plan = s.add_plan("2023-12-01T10:00:00Z", "{\"goal\":\"half\"}").expect("plan");
    s.add_plan_revision(plan, "2023-12-08T07:00:00Z", "illness", "{\"goal\":\"half\",\"v\":2}")
        .expect("revision");
    let gone = s.add_plan("2023-12-02T10:00:00Z", "{\"goal\":\"5k\"}").expect("plan");
    s.delete_plan(gone).expect("delete");
    s.add_plan("2023-12-03T10:00:00Z", "{\"goal\":\"base\"}").expect("plan");
    // Derived state left behind its inputs (the refresh never ran).
    s.set_label(ids[1], Some("easy")).expect("label");
}

/// The destination holds what the source holds: the same dump, every original's bytes, the
/// same generations and counts, and a sound store.
fn assert_same(src: &dyn Store, dst: &PgStore) {
    let (a, b) = (src.canonical_dump().expect("dump"), dst.canonical_dump().expect("dump"));
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        assert_eq!(x, y, "line {i} of the dumps differs");
    }
    assert_eq!(a, b);
    let list = src.original_list().expect("originals");
    assert_eq!(list, dst.original_list().expect("originals"));
    for o in &list {
        let bytes = dst.original(&o.sha256).expect("original");
        assert_eq!(bytes, src.original(&o.sha256).expect("original"), "{}", o.name);
        assert_eq!(<[u8; 32]>::from(Sha256::digest(&bytes)), o.sha256, "{}", o.name);
    }
    assert_eq!(src.counts().expect("counts"), dst.counts().expect("counts"));
    assert_eq!(src.generations().expect("g"), dst.generations().expect("g"));
    assert_eq!(src.plans().expect("plans"), {
        // Plan ids differ between the stores; everything else is the same.
        let mut p = dst.plans().expect("plans");
        for (q, s) in p.iter_mut().zip(src.plans().expect("plans")) {
            q.id = s.id;
        }
        p
    });
    assert_eq!(dst.integrity_check().expect("check"), "ok");
}

/// Migrate, check, migrate again (a no-op), and check that another athlete's history is not
/// overwritten.
fn migrate_and_check(src: &mut dyn Store, db: &TestDb) {
    // Someone else on the same database, left alone throughout.
    let mut other = PgStore::connect(&db.url, "other").expect("connect");
    let files = corpus_files(1);
    {
        let mut b = other.batch().expect("batch");
        store_original(&mut *b, &files[0]);
        let mut a = contract::activity(0, 1_600_000_000_000, 1000.0, 10);
        a.sha256 = files[0].2;
        b.insert_activity(&a).expect("insert");
        b.commit().expect("commit");
    }
    let other_dump = other.canonical_dump().expect("dump");

    let mut dst = PgStore::connect(&db.url, "anna").expect("connect");
    let report = migrate_from(src, &mut dst).expect("migrate");
    assert!(!report.already_there);
    let (acts, dups, origs) = src.counts().expect("counts");
    assert_eq!(
        (report.activities as i64, report.duplicates as i64, report.originals as i64),
        (acts, dups, origs)
    );
    eprintln!("migrated: {report:?}");
    assert_same(src, &dst);

    // Again: nothing is written, nothing changes.
    let before = dst.canonical_dump().expect("dump");
    let g = dst.generations().expect("g");
    let again = migrate_from(src, &mut dst).expect("migrate again");
    assert!(again.already_there, "{again:?}");
    assert_eq!(dst.canonical_dump().expect("dump"), before);
    assert_eq!(dst.generations().expect("g"), g);

    // Into an athlete holding another history: refused, untouched.
    let refused = migrate_from(src, &mut other).expect_err("another history");
    assert!(refused.to_string().contains("already holds another history"), "{refused}");
    assert_eq!(other.canonical_dump().expect("dump"), other_dump);
    assert_eq!(other.counts().expect("counts"), (1, 0, 1));
    assert_same(src, &dst);
}

#[test]
fn a_rich_sqlite_history_moves_to_postgres_losing_nothing() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "migrate");
    let dir = scratch("migrate");
    let mut src = SqliteStore::open(&dir.join("slowburn.db")).expect("sqlite");
    rich_history(&mut src);
    assert!(src.generations().expect("g").stale(), "the test leaves derived state stale");
    assert!(src.counts().expect("counts").1 >= 3, "duplicates kept, merged and replaced");
    migrate_and_check(&mut src, &db);
    drop(src);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_destination_athlete_that_differs_in_one_value_is_refused_untouched() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "migrate_one");
    let mut src = SqliteStore::open_in_memory().expect("sqlite");
    rich_history(&mut src);
    let mut dst = PgStore::connect(&db.url, "anna").expect("connect");
    migrate_from(&mut src, &mut dst).expect("migrate");
    // The source changes after the move: the destination is no longer its copy.
    src.add_daily_log(&DailyLog {
        date: "2024-01-01".parse().expect("date"),
        kind: "note".into(),
        value: None,
        text: Some("later".into()),
    })
    .expect("log");
    let before = dst.canonical_dump().expect("dump");
    let e = migrate_from(&mut src, &mut dst).expect_err("differs");
    assert!(e.to_string().contains("already holds another history"), "{e}");
    assert_eq!(dst.canonical_dump().expect("dump"), before);
}

/// The `slowburn` binary of the main workspace, if one is built.
fn slowburn_bin() -> Option<PathBuf> {
    if let Ok(b) = std::env::var("SLOWBURN_BIN") {
        return Some(PathBuf::from(b));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    ["release/slowburn", "debug/slowburn"].iter().map(|p| root.join(p)).find(|p| p.is_file())
}

fn run(bin: &Path, db: &Path, args: &[&str]) -> String {
    let out = Command::new(bin).arg("--db").arg(db).args(args).output().expect("run slowburn");
    assert!(out.status.success(), "slowburn {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_store_the_real_import_made_moves_to_postgres_losing_nothing() {
    let Some(server) = server() else { return };
    let corpus = std::env::var("SLOWBURN_CORPUS").unwrap_or_else(|_| "/work/shared/corpus".into());
    let (Some(bin), true) = (slowburn_bin(), Path::new(&corpus).is_dir()) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "no slowburn binary or corpus on CI (SLOWBURN_BIN, SLOWBURN_CORPUS)"
        );
        eprintln!("no slowburn binary or corpus: the real-import migration test did not run");
        return;
    };
    let db = TestDb::new(&server, "migrate_real");
    let dir = scratch("migrate_real");
    let path = dir.join("slowburn.db");
    run(&bin, &path, &["import", &corpus]);
    run(
        &bin,
        &path,
        &["athlete", "set", "--max-hr", "188", "--resting-hr", "48", "--from", "2008-01-01"],
    );
    run(&bin, &path, &["log", "rhr", "47"]);
    run(&bin, &path, &["log", "note", "sore", "calf", "—", "ü"]);
    let src = SqliteStore::open(&path).expect("sqlite");
    let runs = src.activities(&slowburn_store::Filter::default()).expect("activities");
    assert!(runs.len() > 20, "the corpus gives many activities ({})", runs.len());
    let first = runs[runs.len() / 2].id.to_string();
    let second = runs[runs.len() / 3].id.to_string();
    drop(src);
    run(&bin, &path, &["label", &first, "tempo"]);
    run(&bin, &path, &["log", "rpe", &second, "7"]);
    run(&bin, &path, &["plan", "create", "--goal", "base"]);
    let mut src = SqliteStore::open(&path).expect("sqlite");
    let (_, dups, origs) = src.counts().expect("counts");
    eprintln!("real store: {} activities, {dups} duplicates, {origs} originals", runs.len());
    migrate_and_check(&mut src, &db);
    drop(src);
    let _ = std::fs::remove_dir_all(dir);
}

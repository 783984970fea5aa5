//! A runner's real, mixed archive — the shared corpus of files from many devices — imported
//! through the binary, and what every view then says checked for honesty: nothing impossible,
//! nothing counted twice, every place agreeing with every other.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

fn corpus() -> PathBuf {
    let dir = std::env::var_os("SLOWBURN_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    assert!(dir.is_dir(), "the corpus is missing at {} (set SLOWBURN_CORPUS)", dir.display());
    dir
}

struct Imported {
    dir: PathBuf,
    db: PathBuf,
    import: Value,
}

fn bin(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_slowburn"));
    c.env("SLOWBURN_CONFIG", dir.join("no-config.toml"))
        .env("SLOWBURN_TODAY", "2026-12-01")
        .env("HOME", dir)
        .env_remove("SLOWBURN_DB");
    c
}

fn imported() -> &'static Imported {
    static I: OnceLock<Imported> = OnceLock::new();
    I.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("slowburn-corpus-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let db = dir.join("db.sqlite");
        let out = bin(&dir)
            .arg("--db")
            .arg(&db)
            .args(["import", "--json"])
            .arg(corpus())
            .output()
            .expect("import");
        let import: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("import --json is not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr))
        });
        Imported { dir, db, import }
    })
}

fn json(args: &[&str]) -> Value {
    let i = imported();
    let out = bin(&i.dir).arg("--db").arg(&i.db).args(args).output().expect("runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?} is not JSON: {e}"))
}

/// Men's world records (road or track), seconds, by distance in metres: no running effort
/// may be faster.
const WORLD_RECORDS: [(f64, f64); 7] = [
    (400.0, 43.03),
    (1000.0, 131.96),
    (1609.344, 223.13),
    (5000.0, 755.36),
    (10_000.0, 1571.0),
    (21_097.5, 3451.0),
    (42_195.0, 7235.0),
];

fn is_running(r: &Value) -> bool {
    r["sport"].as_str().is_none_or(|s| s == "running" || s == "generic")
        && r["run_type"].as_str().is_none_or(|t| !matches!(t, "walk" | "hike" | "other_sport"))
}

#[test]
fn import_counts_add_up() {
    let r = &imported().import;
    let files = r["files"].as_array().expect("files");
    let n = |k: &str| r[k].as_u64().unwrap_or(0);
    let sum = n("imported") + n("replaced") + n("duplicates") + n("skipped") + n("failed");
    assert_eq!(sum as usize, files.len(), "every file has exactly one outcome");
    let mut by_outcome: HashMap<&str, u64> = HashMap::new();
    for f in files {
        *by_outcome.entry(f["outcome"].as_str().expect("outcome")).or_default() += 1;
    }
    assert_eq!(by_outcome.get("imported").copied().unwrap_or(0), n("imported"));
    assert_eq!(by_outcome.get("duplicate").copied().unwrap_or(0), n("duplicates"));
    assert_eq!(
        n("failed"),
        0,
        "no real file fails: {:?}",
        files.iter().filter(|f| f["outcome"] == "failed").collect::<Vec<_>>()
    );
}

#[test]
fn no_running_is_faster_than_a_world_record() {
    let runs = json(&["runs", "--json"]);
    let mut impossible = Vec::new();
    for r in runs.as_array().expect("runs").iter().filter(|r| is_running(r)) {
        let (d, t) =
            (r["distance_m"].as_f64().unwrap_or(0.0), r["moving_s"].as_f64().unwrap_or(0.0));
        // Faster on average than the 10 km world record's pace, over 1.5 km or more.
        if d >= 1500.0 && t > 0.0 && t / d * 1000.0 < 157.0 {
            impossible.push(format!(
                "#{} {:.2} km in {t:.0} s ({})",
                r["id"],
                d / 1000.0,
                r["source"]
            ));
        }
        let id = r["id"].to_string();
        let s = json(&["show", &id, "--json"]);
        for e in s["summary"]["metrics"]["best_efforts"].as_array().into_iter().flatten() {
            let (ed, et) =
                (e["distance_m"].as_f64().unwrap_or(0.0), e["time_s"].as_f64().unwrap_or(0.0));
            if let Some((_, wr)) = WORLD_RECORDS.iter().find(|(wd, _)| (wd - ed).abs() < 1.0) {
                if et < *wr {
                    impossible
                        .push(format!("#{id} best {} in {et:.0} s ({})", e["name"], r["source"]));
                }
            }
        }
    }
    assert!(impossible.is_empty(), "impossible running: {impossible:#?}");
}

#[test]
fn records_and_predictions_are_humanly_possible() {
    let t = json(&["trends", "--months", "240", "--json"]);
    for r in t["records"].as_array().expect("records") {
        let (d, s) = (r["distance_m"].as_f64().expect("d"), r["time_s"].as_f64().expect("t"));
        if let Some((_, wr)) = WORLD_RECORDS.iter().find(|(wd, _)| (wd - d).abs() < 1.0) {
            assert!(s >= *wr, "record {} in {s} s beats the world record", r["distance"]);
        }
    }
    for m in t["months"].as_array().expect("months") {
        if let Some(v) = m["best_vdot"].as_f64() {
            assert!(v < 90.0, "VDOT {v} in {} (the best humans are about 85)", m["month"]);
        }
    }
}

#[test]
fn runs_review_and_trends_count_the_same_running() {
    let runs = json(&["runs", "--json"]);
    let running: Vec<&Value> =
        runs.as_array().expect("runs").iter().filter(|r| is_running(r)).collect();
    let review = json(&["review", "--weeks", "2000", "--json"]);
    let reviewed: usize = review["weeks"]
        .as_array()
        .expect("weeks")
        .iter()
        .map(|w| w["runs"].as_u64().unwrap_or(0) as usize)
        .sum();
    let trends = json(&["trends", "--months", "600", "--json"]);
    let trended: usize = trends["months"]
        .as_array()
        .expect("months")
        .iter()
        .map(|m| m["runs"].as_u64().unwrap_or(0) as usize)
        .sum();
    let listed = json(&["runs", "--sport", "running", "--json"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(running.len()), "runs --sport running");
    assert_eq!(reviewed, running.len(), "review counts the running that runs lists");
    assert_eq!(trended, running.len(), "trends counts the running that runs lists");
}

#[test]
fn no_two_running_activities_overlap() {
    let runs = json(&["runs", "--json"]);
    let mut spans: Vec<(i64, i64, String)> = Vec::new();
    for r in runs.as_array().expect("runs").iter().filter(|r| is_running(r)) {
        let Some(start) = r["start_utc"].as_str() else { continue };
        let Ok(t) = start.parse::<jiff::Timestamp>() else { continue };
        let dur = r["duration_s"].as_f64().unwrap_or(0.0);
        let s = t.as_second();
        spans.push((s, s + dur as i64, format!("#{} {}", r["id"], r["source"])));
    }
    spans.sort();
    let overlaps: Vec<String> = spans
        .windows(2)
        .filter(|w| w[1].0 < w[0].1)
        .map(|w| format!("{} overlaps {}", w[0].2, w[1].2))
        .collect();
    assert!(overlaps.is_empty(), "{overlaps:#?}");
}

#[test]
fn every_view_answers_on_a_real_archive() {
    for args in [
        vec!["week", "--json"],
        vec!["zones", "--json"],
        vec!["athlete", "show", "--json"],
        vec!["review", "--weeks", "520", "--json"],
    ] {
        json(&args);
    }
    // The archive's last week ended long before "today": it is a whole week, not one running.
    let week = json(&["week", "--json"]);
    assert_eq!(week["weeks"][0]["days"], 7, "{}", week["weeks"][0]["week"]);
    let runs = json(&["runs", "--json"]);
    for r in runs.as_array().expect("runs") {
        let s = json(&["show", &r["id"].to_string(), "--json"]);
        assert_eq!(s["run_type"], r["run_type"], "#{}", r["id"]);
        // Every activity's sport is explained: the file's, or the evidence's with its reason.
        let call = &s["summary"]["sport"];
        assert!(call["reason"].as_str().is_some_and(|x| !x.is_empty()), "#{}: {call}", r["id"]);
        if let (Some(m), Some(e)) = (s["moving_s"].as_f64(), s["duration_s"].as_f64()) {
            assert!(m <= e + 1.0, "#{}: moving {m} s > elapsed {e} s", r["id"]);
            assert!(e < 7.0 * 86_400.0, "#{}: elapsed {e} s", r["id"]);
        }
    }
}

/// A ride or a drive recorded as a run (its sport called from speeds no runner holds) is that
/// sport in every view: never typed as a running session, never given a running intensity
/// (the refresh re-typed them from their parts: a Forerunner 10 ride came back "intervals").
#[test]
fn another_sport_is_never_typed_as_running() {
    let runs = json(&["runs", "--json"]);
    let mut others = 0;
    for r in runs.as_array().expect("runs") {
        let sport = r["sport"].as_str().unwrap_or("generic");
        if sport == "running" || sport == "generic" {
            continue;
        }
        others += 1;
        let t = r["run_type"].as_str().unwrap_or("none");
        assert!(
            matches!(t, "walk" | "hike" | "other_sport"),
            "#{} ({sport}, {}) is typed {t}",
            r["id"],
            r["source"]
        );
        assert!(
            r["intensity"].is_null(),
            "#{} ({sport}) has intensity {}",
            r["id"],
            r["intensity"]
        );
    }
    assert!(others >= 10, "the corpus holds rides, swims and a drive: {others} found");
}

//! What a runner sees, pinned: every command's text and JSON on one fixed synthetic history
//! (insta snapshots, paths and timings filtered), JSON on an empty store, and the consistency
//! of one run's type, intensity and load across every view.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

/// The fixed "today" of every command here.
const TODAY: &str = "2026-04-06";

struct Fixture {
    dir: PathBuf,
    db: PathBuf,
}

fn base(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_slowburn"));
    c.env("SLOWBURN_TODAY", TODAY)
        .env("SLOWBURN_CONFIG", dir.join("no-config.toml"))
        .env("HOME", dir)
        .env_remove("SLOWBURN_DB");
    c
}

fn ok(out: Output, what: &str) -> Output {
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Twelve weeks of the synthetic 80/20 runner, imported; resting HR given from February.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("slowburn-views-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = dir.join("files");
        let db = dir.join("db.sqlite");
        ok(
            base(&dir)
                .args([
                    "synth",
                    "--years",
                    "0.23",
                    "--seed",
                    "11",
                    "--start",
                    "2026-01-05",
                    "--out",
                ])
                .arg(&files)
                .output()
                .expect("synth"),
            "synth",
        );
        ok(
            base(&dir).arg("--db").arg(&db).arg("import").arg(&files).output().expect("import"),
            "import",
        );
        ok(
            base(&dir)
                .arg("--db")
                .arg(&db)
                .args(["athlete", "set", "--resting-hr", "50", "--from", "2026-02-01"])
                .output()
                .expect("athlete set"),
            "athlete set",
        );
        Fixture { dir, db }
    })
}

fn run(args: &[&str]) -> Output {
    let f = fixture();
    base(&f.dir).arg("--db").arg(&f.db).args(args).output().expect("runs")
}

fn json(args: &[&str]) -> Value {
    let out = ok(run(args), &args.join(" "));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{args:?} is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout))
    })
}

/// The fixture's paths and the binary's path filtered out.
fn clean(s: &str) -> String {
    let dir = fixture().dir.display().to_string();
    s.replace(env!("CARGO_BIN_EXE_slowburn"), "[SLOWBURN]").replace(&dir, "[DIR]")
}

/// Exit code, stdout and stderr, with the fixture's paths filtered.
fn shown(out: &Output) -> String {
    let clean = |b: &[u8]| clean(&String::from_utf8_lossy(b));
    format!(
        "exit: {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        clean(&out.stdout),
        clean(&out.stderr)
    )
}

fn snapshot(name: &str, args: &[&str]) {
    insta::assert_snapshot!(name, shown(&run(args)));
}

/// A run id in the middle of the fixture, and one with strides or intervals.
fn ids() -> (String, String) {
    let runs = json(&["runs", "--json"]);
    let rows = runs.as_array().expect("runs");
    let mid = rows[rows.len() / 2]["id"].to_string();
    let hard = rows
        .iter()
        .find(|r| r["run_type"] == "intervals" || r["run_type"] == "tempo")
        .map_or_else(|| mid.clone(), |r| r["id"].to_string());
    (mid, hard)
}

#[test]
fn every_view_as_a_runner_sees_it() {
    let (mid, hard) = ids();
    snapshot("runs", &["runs"]);
    snapshot("runs_limit", &["runs", "--limit", "5"]);
    snapshot("show", &["show", &mid]);
    snapshot("show_hard", &["show", &hard]);
    snapshot("zones", &["zones"]);
    snapshot("zones_hrr", &["zones", "--model", "hrr"]);
    snapshot("zones_pace", &["zones", "--model", "pace"]);
    snapshot("athlete", &["athlete", "show"]);
    snapshot("athlete_january", &["athlete", "show", "--date", "2026-01-15"]);
    snapshot("week", &["week"]);
    snapshot("week_w05", &["week", "--week", "2026-W05"]);
    snapshot("review", &["review", "--weeks", "6"]);
    snapshot("trends", &["trends", "--months", "3"]);
    snapshot("bad_range", &["runs", "--since", "2026-03-01", "--until", "2026-02-01"]);
    snapshot("no_such_run", &["show", "99999"]);
}

#[test]
fn every_view_as_a_script_reads_it() {
    let (mid, _) = ids();
    for (name, args) in [
        ("runs_json", vec!["runs", "--json", "--limit", "8"]),
        ("show_json", vec!["show", &mid, "--json"]),
        ("zones_json", vec!["zones", "--json"]),
        ("athlete_json", vec!["athlete", "show", "--json"]),
        ("week_json", vec!["week", "--json"]),
        ("review_json", vec!["review", "--weeks", "3", "--json"]),
        ("trends_json", vec!["trends", "--months", "3", "--json"]),
    ] {
        let v = json(&args);
        insta::assert_snapshot!(name, clean(&serde_json::to_string_pretty(&v).expect("json")));
    }
}

#[test]
fn json_is_json_on_an_empty_store_too() {
    let dir = std::env::temp_dir().join(format!("slowburn-views-empty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("empty.db");
    for args in [
        vec!["runs", "--json"],
        vec!["zones", "--json"],
        vec!["athlete", "show", "--json"],
        vec!["week", "--json"],
        vec!["review", "--json"],
        vec!["trends", "--json"],
    ] {
        let out = base(&dir).arg("--db").arg(&db).args(&args).output().expect("runs");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let v: Result<Value, _> = serde_json::from_slice(&out.stdout);
        assert!(v.is_ok(), "{args:?} printed {}", String::from_utf8_lossy(&out.stdout));
    }
    assert!(!db.exists(), "reading an empty history creates no store");
    let out = base(&dir)
        .arg("--db")
        .arg(&db)
        .args(["import", "/nonexistent/x.fit"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/x.fit"));
    assert!(!db.exists(), "a failed import creates no store");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `(type, intensity, load)` of every run in `runs --json`.
fn per_run(runs: &Value) -> HashMap<i64, (Value, Value, f64)> {
    runs.as_array()
        .expect("runs")
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().expect("id"),
                (r["run_type"].clone(), r["intensity"].clone(), r["load"].as_f64().unwrap_or(-1.0)),
            )
        })
        .collect()
}

#[test]
fn one_run_is_one_type_one_intensity_and_one_load_everywhere() {
    let runs = per_run(&json(&["runs", "--json"]));
    let review = json(&["review", "--weeks", "20", "--json"]);
    let mut seen = 0;
    for w in review["weeks"].as_array().expect("weeks") {
        for a in w["activities"].as_array().expect("activities") {
            let id = a["id"].as_i64().expect("id");
            let (t, i, l) = &runs[&id];
            assert_eq!(&a["run_type"], t, "type of #{id}");
            assert_eq!(&a["session"], i, "intensity of #{id}");
            assert!((a["load"].as_f64().expect("load") - l).abs() < 1e-9, "load of #{id}");
            seen += 1;
        }
    }
    assert_eq!(seen, runs.len(), "the review covers every run");
    // `show` says the same for a sample, in JSON and in text.
    for id in runs.keys().step_by(7) {
        let s = json(&["show", &id.to_string(), "--json"]);
        let (t, i, l) = &runs[id];
        assert_eq!((&s["run_type"], &s["intensity"]), (t, i), "#{id}");
        assert!((s["load"].as_f64().unwrap_or(-1.0) - l).abs() < 1e-9);
        assert_eq!(s["summary"]["run_type"], *t, "the summary shown agrees");
        if s["load_method"] == "heart_rate" {
            let trimp = s["summary"]["metrics"]["trimp_banister"].as_f64().expect("trimp");
            assert!((trimp - l).abs() < 1e-9, "#{id}: one load, {trimp} vs {l}");
        }
    }
}

#[test]
fn a_label_is_that_type_everywhere_at_once() {
    // On a copy: the other tests read the fixture meanwhile.
    let f = fixture();
    let db = f.dir.join("labelled.sqlite");
    std::fs::copy(&f.db, &db).expect("copy");
    let on = |args: &[&str]| -> Value {
        let out = ok(base(&f.dir).arg("--db").arg(&db).args(args).output().expect("runs"), "cmd");
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
    };
    let runs = per_run(&on(&["runs", "--json"]));
    let id = *runs.keys().min().expect("a run");
    on(&["label", &id.to_string(), "race"]);
    assert_eq!(per_run(&on(&["runs", "--json"]))[&id].0, "race");
    let s = on(&["show", &id.to_string(), "--json"]);
    assert_eq!((&s["run_type"], &s["reason"]), (&Value::from("race"), &Value::from("user_label")));
    let w = on(&["review", "--weeks", "30", "--json"]);
    let in_review = w["weeks"]
        .as_array()
        .expect("weeks")
        .iter()
        .flat_map(|w| w["activities"].as_array().cloned().unwrap_or_default())
        .find(|a| a["id"] == id)
        .expect("in the review");
    assert_eq!(in_review["run_type"], "race");
    on(&["label", &id.to_string(), "auto"]);
    assert_eq!(per_run(&on(&["runs", "--json"]))[&id], runs[&id]);
}

#[test]
fn zones_athlete_and_review_use_the_same_profile() {
    let review = json(&["review", "--weeks", "2", "--json"]);
    let to = review["to"].as_str().expect("to").to_owned();
    let athlete = json(&["athlete", "show", "--date", &to, "--json"]);
    let zones = json(&["zones", "--date", &to, "--json"]);
    let p = &review["profile"];
    assert_eq!(p["max_hr"], athlete["max_hr"]["value"]);
    assert_eq!(p["max_hr"], zones["max_hr"]);
    assert_eq!(p["threshold_pace_s_per_km"], athlete["threshold_pace_s_per_km"]["value"]);
    assert_eq!(p["threshold_pace_s_per_km"], zones["threshold_pace_s_per_km"]);
    assert_eq!(p["resting_hr"], athlete["resting_hr"]["value"]);
    assert_eq!(p["zone2"], zones["profile"]["zone2"]);
    // The resting HR given from February stands for January too (nothing earlier was given).
    let jan = json(&["athlete", "show", "--date", "2026-01-10", "--json"]);
    assert_eq!(jan["resting_hr"]["value"], 50);
}

/// The section of docs/JSON.md whose heading starts with `heading`.
fn json_doc_section(heading: &str) -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/JSON.md"))
        .expect("docs/JSON.md");
    let start = doc.find(heading).unwrap_or_else(|| panic!("docs/JSON.md has no {heading:?}"));
    let rest = &doc[start + heading.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_owned()
}

fn undocumented(section: &str, v: &Value, out: &mut Vec<String>, path: &str) {
    let obj = match v {
        Value::Array(a) => match a.first() {
            Some(x) => return undocumented(section, x, out, path),
            None => return,
        },
        Value::Object(o) => o,
        _ => return,
    };
    for (k, x) in obj {
        let documented =
            ["`", "[", " ", "("].iter().any(|end| section.contains(&format!("`{k}{end}")));
        if !documented {
            out.push(format!("{path}{k}"));
        }
        // One level down is documented per field (`profile`, `block`, `weeks[]`).
        if path.is_empty() && matches!(k.as_str(), "profile" | "block" | "weeks" | "settings") {
            undocumented(section, x, out, &format!("{k}."));
        }
    }
}

#[test]
fn every_json_field_is_documented() {
    let (mid, _) = ids();
    let mut missing = Vec::new();
    let runs = "## `slowburn runs --json`";
    let review = "## `slowburn review --json` and `slowburn week --json`";
    for (headings, args) in [
        (vec![runs], vec!["runs", "--json"]),
        // `show` is "the `runs` object plus …", its profile "as in `review --json`".
        (vec!["## `slowburn show --json ID`", runs, review], vec!["show", &mid, "--json"]),
        (vec!["## `slowburn zones --json", review], vec!["zones", "--json"]),
        (vec!["## `slowburn athlete show --json`"], vec!["athlete", "show", "--json"]),
        (vec![review], vec!["review", "--json"]),
        (vec!["## `slowburn trends --json`", review], vec!["trends", "--json"]),
    ] {
        let section: String = headings.iter().map(|h| json_doc_section(h)).collect();
        let mut here = Vec::new();
        undocumented(&section, &json(&args), &mut here, "");
        missing.extend(here.into_iter().map(|f| format!("{}: {f}", args[0])));
    }
    assert!(missing.is_empty(), "fields missing from docs/JSON.md: {missing:?}");
}

/// Timing figures ("in 0.23 s (692 files/s, 58.6 MB/s)", `"elapsed": 0.23`) filtered out.
fn untimed(s: &str) -> String {
    s.lines()
        .map(|l| {
            if let Some(i) = l.find(" files in ") {
                format!("{} files in [TIME]", &l[..i])
            } else if l.trim_start().starts_with("\"elapsed\"") {
                "  \"elapsed\": \"[TIME]\",".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_change_as_a_runner_sees_it() {
    let f = fixture();
    let db = f.dir.join("changes.sqlite");
    let _ = std::fs::remove_file(&db);
    let on = |args: &[&str]| -> String {
        let out = base(&f.dir).arg("--db").arg(&db).args(args).output().expect("runs");
        untimed(&shown(&out))
    };
    let files = f.dir.join("files");
    let files = files.to_str().expect("utf-8 path");
    insta::assert_snapshot!("import", on(&["import", files]));
    insta::assert_snapshot!("import_again_json", on(&["import", "--json", files]));
    insta::assert_snapshot!(
        "athlete_set",
        on(&["athlete", "set", "--max-hr", "182", "--from", "2026-01-01"])
    );
    insta::assert_snapshot!("athlete_set_implausible", on(&["athlete", "set", "--max-hr", "245"]));
    insta::assert_snapshot!("athlete_set_nothing", on(&["athlete", "set"]));
    insta::assert_snapshot!("log_rhr", on(&["log", "rhr", "49", "--date", "2026-03-02"]));
    insta::assert_snapshot!("log_rhr_implausible", on(&["log", "rhr", "12"]));
    insta::assert_snapshot!("log_rpe", on(&["log", "rpe", "3", "6"]));
    insta::assert_snapshot!("log_note", on(&["log", "note", "--kind", "illness", "head", "cold"]));
    insta::assert_snapshot!("label", on(&["label", "3", "strides"]));
    insta::assert_snapshot!("label_unknown", on(&["label", "3", "sprint"]));
    insta::assert_snapshot!("label_auto", on(&["label", "3", "auto"]));
    let out = f.dir.join("originals");
    let _ = std::fs::remove_dir_all(&out);
    let out = out.to_str().expect("utf-8 path");
    insta::assert_snapshot!("export_originals", on(&["export-originals", out]));
    insta::assert_snapshot!("export_originals_again", on(&["export-originals", out]));
    insta::assert_snapshot!("reanalyze", {
        let s = on(&["reanalyze"]);
        // "in 0.52 s" is a timing.
        s.split(" in ").next().unwrap_or_default().to_owned() + " …"
    });
    let corpus_fit = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");
    if std::path::Path::new(corpus_fit).exists() {
        let fit = std::fs::read_dir(f.dir.join("files"))
            .expect("files")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "fit"))
            .expect("a FIT file");
        let fit = fit.to_str().expect("utf-8 path");
        insta::assert_snapshot!("inspect", on(&["inspect", fit]));
    }
}

//! The real binary, end to end: inspect, import, runs, show, export-originals, reanalyze,
//! athlete/zones, and an import killed with SIGKILL partway that a re-run completes exactly.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use slowburn_store::{SqliteStore, Store};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_slowburn"))
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("slowburn-cli-{tag}-{}", std::process::id()));
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

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn inspect_json_uses_the_reference_field_names() {
    let out =
        run_ok(bin().arg("inspect").arg("--json").arg(repo().join("examples/data/fenix5-run.fit")));
    let v = json(&out);
    assert_eq!(v[0]["record_count"], 21);
    assert_eq!(v[0]["hr_min"], 56);
    assert_eq!(v[0]["first_record_time"], "2017-06-11T14:34:09Z");
    assert_eq!(v[0]["error"], serde_json::Value::Null);
}

#[test]
fn inspect_names_the_file_and_the_problem_for_bad_input() {
    let dir = tempdir("bad");
    let f = dir.join("not-a-watch-file.fit");
    std::fs::write(&f, b"hello").expect("write");
    let out = bin().arg("inspect").arg(&f).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not-a-watch-file.fit") && text.contains("not a FIT file"), "{text}");
}

#[test]
fn import_list_show_export_and_reanalyze() {
    let dir = tempdir("flow");
    let db = dir.join("db.sqlite");
    let data = repo().join("examples/data");
    let out = run_ok(bin().arg("--db").arg(&db).args(["import", "--json"]).arg(&data));
    let r = json(&out);
    assert_eq!(r["imported"], 2, "{r}");
    assert_eq!(r["skipped"], 1, "the settings file: {r}");
    // Again: duplicates only.
    let r = json(&run_ok(bin().arg("--db").arg(&db).args(["import", "--json"]).arg(&data)));
    assert_eq!(r["imported"], 0);
    assert_eq!(r["duplicates"], 2);
    let runs = json(&run_ok(bin().arg("--db").arg(&db).args(["runs", "--json"])));
    let runs = runs.as_array().expect("array");
    assert_eq!(runs.len(), 2);
    let id = runs[0]["id"].as_i64().expect("id");
    let show = json(&run_ok(bin().arg("--db").arg(&db).args(["show", "--json", &id.to_string()])));
    assert!(show["summary"]["moving_s"].as_f64().expect("moving") > 0.0);
    // Every original back, byte-identical.
    let out_dir = dir.join("originals");
    run_ok(bin().arg("--db").arg(&db).arg("export-originals").arg(&out_dir));
    for name in ["fenix2-run.fit", "fenix5-run.fit"] {
        assert_eq!(
            std::fs::read(out_dir.join(name)).expect("exported"),
            std::fs::read(data.join(name)).expect("original"),
            "{name}"
        );
    }
    let out = run_ok(bin().arg("--db").arg(&db).arg("reanalyze"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("re-analysed 2 activities"));
    // A label sticks.
    run_ok(bin().arg("--db").arg(&db).args(["label", &id.to_string(), "race"]));
    let runs = json(&run_ok(bin().arg("--db").arg(&db).args(["runs", "--json"])));
    assert_eq!(runs[0]["label"], "race");
    assert_eq!(runs[0]["run_type"], "race");
    run_ok(bin().arg("--db").arg(&db).args(["label", &id.to_string(), "strides"]));
    let runs = json(&run_ok(bin().arg("--db").arg(&db).args(["runs", "--json"])));
    assert_eq!(runs[0]["run_type"], "easy_with_strides");
    let bad = bin()
        .arg("--db")
        .arg(&db)
        .args(["label", &id.to_string(), "jogging"])
        .output()
        .expect("runs");
    assert!(!bad.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn athlete_profile_is_dated_and_zones_follow_it() {
    let dir = tempdir("athlete");
    let db = dir.join("db.sqlite");
    run_ok(bin().arg("--db").arg(&db).args([
        "athlete",
        "set",
        "--max-hr",
        "190",
        "--from",
        "2020-01-01",
    ]));
    run_ok(bin().arg("--db").arg(&db).args([
        "athlete",
        "set",
        "--max-hr",
        "186",
        "--resting-hr",
        "50",
        "--from",
        "2024-01-01",
    ]));
    let old = json(&run_ok(bin().arg("--db").arg(&db).args([
        "athlete",
        "show",
        "--json",
        "--date",
        "2021-06-01",
    ])));
    assert_eq!(old["max_hr"]["value"], 190);
    let z = json(&run_ok(bin().arg("--db").arg(&db).args(["zones", "--json"])));
    // %HRmax Zone 2 = 60–70 % of 186: 112 to 130 bpm.
    assert_eq!(z["zones"][1]["low_bpm"], 112);
    assert_eq!(z["zones"][1]["high_bpm"], 130);
    // Karvonen 60 % of reserve: 50 + 0.6 × 136 = 131.6.
    let z = json(&run_ok(bin().arg("--db").arg(&db).args(["zones", "--json", "--model", "hrr"])));
    assert_eq!(z["zones"][1]["low_bpm"], 132);
    let bad = bin()
        .arg("--db")
        .arg(&db)
        .args(["athlete", "set", "--max-hr", "150", "--resting-hr", "160"])
        .output()
        .expect("runs");
    assert!(!bad.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

fn activity_count(db: &Path) -> i64 {
    SqliteStore::open(db).and_then(|s| s.counts()).map_or(0, |c| c.0)
}

#[cfg(unix)]
#[test]
fn an_import_killed_partway_is_finished_exactly_by_a_rerun() {
    let dir = tempdir("kill");
    let files = dir.join("archive");
    run_ok(
        bin()
            .args(["synth", "--years", "2", "--profile", "eighty-twenty", "--seed", "11", "--out"])
            .arg(&files),
    );
    // The reference: an uninterrupted import.
    let reference = dir.join("reference.db");
    run_ok(bin().arg("--db").arg(&reference).args(["import", "--batch", "16"]).arg(&files));
    let total = activity_count(&reference);
    assert!(total > 500, "{total} activities");

    // Kill an import partway, at a random moment after its first batches landed.
    let db = dir.join("killed.db");
    let mut child = bin()
        .arg("--db")
        .arg(&db)
        .args(["import", "--batch", "16"])
        .arg(&files)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    loop {
        let n = activity_count(&db);
        if n > 0 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(u64::from(std::process::id() % 40)));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let partial = activity_count(&db);
    assert!(partial > 0 && partial < total, "not killed partway ({partial} of {total})");
    {
        let s = SqliteStore::open(&db).expect("open after kill");
        assert_eq!(s.integrity_check().expect("check"), "ok");
    }
    run_ok(bin().arg("--db").arg(&db).args(["import", "--batch", "16"]).arg(&files));
    let a = SqliteStore::open(&db).expect("open").canonical_dump().expect("dump");
    let b = SqliteStore::open(&reference).expect("open").canonical_dump().expect("dump");
    assert!(a == b, "the re-run store differs from an uninterrupted import");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A FIT monitoring file: all-day heart rate once a minute over the last three days.
fn monitoring_file() -> Vec<u8> {
    use slowburn_formats::fit::crc::crc16;
    let mut d = vec![0x40, 0, 0, 0, 0, 1, 0, 1, 0x00, 0x00, 32]; // file_id: monitoring_b
    d.extend_from_slice(&[0x41, 0, 0, 55, 0, 2, 253, 4, 0x86, 27, 1, 0x02]); // monitoring: time, hr
    let now_fit =
        (jiff::Timestamp::now().as_second() - slowburn_formats::FIT_EPOCH_OFFSET_S) as u32;
    for day in 1..=3u32 {
        let t0 = now_fit - day * 86_400;
        for i in 0..40u32 {
            d.push(0x01);
            d.extend_from_slice(&(t0 + i * 60).to_le_bytes());
            d.push(50 + i as u8);
        }
    }
    let mut f = vec![14, 0x20, 0x08, 0x08];
    f.extend_from_slice(&(d.len() as u32).to_le_bytes());
    f.extend_from_slice(b".FIT");
    let hc = crc16(&f);
    f.extend_from_slice(&hc.to_le_bytes());
    f.extend_from_slice(&d);
    let c = crc16(&f);
    f.extend_from_slice(&c.to_le_bytes());
    f
}

#[test]
fn resting_heart_rate_is_estimated_from_monitoring_files() {
    let dir = tempdir("monitoring");
    let db = dir.join("db.sqlite");
    std::fs::write(dir.join("monitor.fit"), monitoring_file()).expect("write");
    let r = json(&run_ok(
        bin().arg("--db").arg(&db).args(["import", "--json"]).arg(dir.join("monitor.fit")),
    ));
    assert_eq!(r["skipped"], 1, "{r}");
    assert!(r["files"][0]["reason"].as_str().expect("reason").contains("3 day(s)"), "{r}");
    let p = json(&run_ok(bin().arg("--db").arg(&db).args(["athlete", "show", "--json"])));
    // 5th percentile of 50..=89 is 52 each day; the median of the days is 52.
    assert_eq!(p["resting_hr"]["value"], 52, "{p}");
    assert_eq!(p["resting_hr"]["source"]["kind"], "estimated");
    let _ = std::fs::remove_dir_all(&dir);
}

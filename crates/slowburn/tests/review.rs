//! The review and trends judged against the synthetic runner's ground truth, through the real
//! binary: `synth` a year of each training philosophy, `import` it, then `review`, `week` and
//! `trends --json`.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_slowburn"))
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

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// One synthetic year, imported.
struct History {
    db: PathBuf,
    truth: Value,
}

impl History {
    fn new(profile: &str, seed: u64) -> History {
        let dir = std::env::temp_dir()
            .join(format!("slowburn-review-{profile}-{seed}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = dir.join("files");
        let db = dir.join("db.sqlite");
        run_ok(
            bin()
                .args(["synth", "--years", "1", "--profile", profile, "--seed"])
                .arg(seed.to_string())
                .arg("--out")
                .arg(&files),
        );
        run_ok(bin().arg("--db").arg(&db).arg("import").arg(&files));
        // Keep the database and the truth; the FIT files (25 MB a year) are not needed again.
        let truth_path = dir.join("truth.json");
        std::fs::rename(files.join("truth.json"), &truth_path).expect("move truth.json");
        let _ = std::fs::remove_dir_all(&files);
        let truth = serde_json::from_slice(&std::fs::read(&truth_path).expect("truth"))
            .expect("truth.json");
        History { db, truth }
    }

    fn json(&self, args: &[&str]) -> Value {
        json(&run_ok(bin().arg("--db").arg(&self.db).args(args)))
    }
}

fn eighty_twenty() -> &'static History {
    static H: OnceLock<History> = OnceLock::new();
    H.get_or_init(|| History::new("eighty-twenty", 7))
}

fn grey_zone() -> &'static History {
    static H: OnceLock<History> = OnceLock::new();
    H.get_or_init(|| History::new("grey-zone", 7))
}

fn novice() -> &'static History {
    static H: OnceLock<History> = OnceLock::new();
    H.get_or_init(|| History::new("novice", 7))
}

/// Weekly easy shares of time, for weeks with running.
fn easy_shares(review: &Value) -> Vec<f64> {
    review["weeks"]
        .as_array()
        .expect("weeks")
        .iter()
        .filter_map(|w| w["easy_share_time"].as_f64())
        .collect()
}

#[test]
fn the_eighty_twenty_runner_holds_80_20() {
    let r = eighty_twenty().json(&["review", "--weeks", "12", "--json"]);
    let shares = easy_shares(&r);
    println!("80/20 runner, easy share of time per week: {shares:.2?}");
    assert_eq!(r["weeks"].as_array().map(Vec::len), Some(12));
    let holding = shares.iter().filter(|s| **s >= 0.75).count();
    assert!(
        holding * 4 >= shares.len() * 3,
        "80/20 held in only {holding} of {} weeks",
        shares.len()
    );
    let verdict = r["block"]["verdicts"][0]["text"].as_str().expect("verdict");
    assert!(verdict.starts_with("80/20 holds"), "{verdict}");
    // Easy days stay easy.
    let (grey, easy) = (
        r["block"]["grey_runs"].as_f64().expect("grey"),
        r["block"]["easy_runs"].as_f64().expect("easy"),
    );
    assert!(easy > 0.0 && grey / easy < 0.25, "{grey} of {easy} easy runs crept");
    // By session the quality days show: easy share of sessions below the share of time.
    let s = r["block"]["easy_share_sessions"].as_f64().expect("sessions");
    assert!((0.5..0.95).contains(&s), "{s}");
}

#[test]
fn the_grey_zone_runner_creeps_and_stalls() {
    let r = grey_zone().json(&["review", "--weeks", "12", "--json"]);
    let shares = easy_shares(&r);
    println!("grey-zone runner, easy share of time per week: {shares:.2?}");
    assert!(shares.iter().filter(|s| **s < 0.75).count() * 4 >= shares.len() * 3);
    assert!(r["block"]["verdicts"][0]["text"].as_str().is_some_and(|v| v.starts_with("Not 80/20")));
    let (grey, easy) = (
        r["block"]["grey_runs"].as_f64().expect("grey"),
        r["block"]["easy_runs"].as_f64().expect("easy"),
    );
    println!("grey-zone runner: {grey} of {easy} easy runs crept");
    assert!(easy >= 12.0 && grey / easy >= 0.5, "{grey} of {easy} easy runs crept");
    let weekly: Vec<u64> = r["weeks"]
        .as_array()
        .expect("weeks")
        .iter()
        .filter_map(|w| w["grey_runs"].as_u64())
        .collect();
    assert!(weekly.iter().filter(|g| **g > 0).count() * 4 >= weekly.len() * 3, "{weekly:?}");
    assert!(r["block"]["verdicts"].as_array().expect("verdicts").iter().any(|v| v["text"]
        .as_str()
        .is_some_and(|v| v.starts_with("Grey-zone creep on most easy days"))));

    // Easy pace at the same heart rate: the 80/20 runner gets faster, the grey-zone runner stalls.
    let trend = |h: &History| {
        let t = h.json(&["trends", "--months", "12", "--json"]);
        let change =
            t["then_vs_now"]["easy_pace_change_s_per_km"].as_f64().expect("easy pace change");
        (change, t["verdicts"][0]["text"].as_str().unwrap_or_default().to_owned())
    };
    let (grey_change, grey_verdict) = trend(grey_zone());
    let (e82_change, e82_verdict) = trend(eighty_twenty());
    println!("easy pace change now − then: 80/20 {e82_change:+.1} s/km ({e82_verdict}); grey zone {grey_change:+.1} s/km ({grey_verdict})");
    assert!(e82_change < -3.0, "{e82_verdict}");
    assert!(grey_change > e82_change + 3.0, "{grey_verdict} / {e82_verdict}");
    assert!(grey_verdict.starts_with("Easy pace has stalled"), "{grey_verdict}");
}

#[test]
fn the_novice_volume_jump_is_flagged() {
    let h = novice();
    let jump = &h.truth["volume_jump"];
    let start: jiff::civil::Date =
        jump["start"].as_str().expect("jump start").parse().expect("date");
    let iso = start.iso_week_date();
    let label = format!("{:04}-W{:02}", iso.year(), iso.week());
    let r =
        h.json(&["review", "--since", h.truth["start_date"].as_str().expect("start"), "--json"]);
    let flagged: Vec<&str> = r["weeks"]
        .as_array()
        .expect("weeks")
        .iter()
        .filter(|w| {
            w["flags"].as_array().is_some_and(|f| f.iter().any(|f| f["kind"] == "volume_jump"))
        })
        .filter_map(|w| w["week"].as_str())
        .collect();
    println!("novice: truth jump in {label} (+{} %); flagged {flagged:?}", jump["change_pct"]);
    assert!(flagged.contains(&label.as_str()), "{label} not in {flagged:?}");
    // The week itself says so in words.
    let w = h.json(&["week", "--week", &label, "--json"]);
    let verdicts = w["weeks"][0]["verdicts"].as_array().expect("verdicts");
    assert!(
        verdicts.iter().any(|v| v["code"] == "volume_jump"
            && v["text"].as_str().is_some_and(|v| v.starts_with("Volume jumped"))),
        "{verdicts:?}"
    );
}

#[test]
fn week_json_has_the_documented_fields() {
    let w = eighty_twenty().json(&["week", "--json"]);
    let week = &w["weeks"][0];
    for field in [
        "week",
        "km",
        "seconds",
        "runs",
        "rest_days",
        "easy_share_time",
        "easy_share_sessions",
        "polarization_index",
        "grey_runs",
        "recovery_compliance",
        "ctl",
        "atl",
        "tsb",
        "monotony",
        "strain",
        "verdicts",
    ] {
        assert!(week.get(field).is_some(), "weeks[0].{field} missing");
    }
    assert!(week["week"].as_str().is_some_and(|s| s.len() == 8 && s.contains("-W")));
    assert!(w["profile"]["max_hr"].as_u64().is_some());
    assert!(w["block"]["verdicts"].as_array().is_some_and(|v| !v.is_empty()));
    // Text output: verdicts first, numbers with units.
    let out = run_ok(bin().arg("--db").arg(&eighty_twenty().db).arg("week"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().nth(2).is_some_and(|l| l.trim_start().starts_with("80/20")), "{text}");
    assert!(text.contains(" km") && text.contains(" /km") && text.contains(" bpm"), "{text}");
}

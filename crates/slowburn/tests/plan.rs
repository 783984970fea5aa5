//! `plan` and `today` through the real binary, on a fixed synthetic history: what a plan holds
//! (JSON contract), planned against done, adaptation as a new revision, the exports, and the
//! errors a runner can make. Snapshots pin what a runner reads.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Store {
    dir: PathBuf,
    db: PathBuf,
}

fn base(dir: &Path, today: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_slowburn"));
    c.env("SLOWBURN_TODAY", today)
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

impl Store {
    /// Twelve weeks of the synthetic 80/20 runner (from 5 January 2026), imported, in a store
    /// of its own.
    fn new(name: &str) -> Store {
        let dir = std::env::temp_dir().join(format!("slowburn-plan-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = dir.join("files");
        let db = dir.join("db.sqlite");
        let s = Store { dir, db };
        ok(
            base(&s.dir, "2026-04-06")
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
        let files = files.display().to_string();
        s.ok("2026-04-06", &["import", &files]);
        s
    }

    fn run(&self, today: &str, args: &[&str]) -> Output {
        base(&self.dir, today).arg("--db").arg(&self.db).args(args).output().expect("run")
    }

    fn ok(&self, today: &str, args: &[&str]) -> String {
        String::from_utf8_lossy(&ok(self.run(today, args), &args.join(" ")).stdout).into_owned()
    }

    fn json(&self, today: &str, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(today, args)).expect("JSON")
    }

    fn err(&self, today: &str, args: &[&str]) -> String {
        let out = self.run(today, args);
        assert_eq!(out.status.code(), Some(2), "{args:?} should fail");
        assert!(out.stdout.is_empty(), "nothing on stdout when it fails");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn workouts(v: &Value) -> Vec<&Value> {
    v["weeks"]
        .as_array()
        .expect("weeks")
        .iter()
        .flat_map(|w| w["workouts"].as_array().expect("workouts"))
        .collect()
}

#[test]
fn a_plan_from_the_history_holds_every_field_the_contract_names() {
    let s = Store::new("contract");
    let v = s.json(
        "2026-04-06",
        &["plan", "create", "--goal", "half", "--race-date", "2026-07-12", "--json"],
    );
    assert_eq!(v["id"], 1);
    assert_eq!(v["goal"], "half");
    // The start volume comes from the history, with the level read from it.
    let src = v["volume_source"].as_str().expect("volume source");
    assert!(src.starts_with("your last 6 weeks"), "{src}");
    let weeks = v["weeks"].as_array().expect("weeks");
    assert_eq!(weeks.len(), 14, "2026-W15 to 2026-W28");
    assert_eq!(weeks[0]["start"], "2026-04-06");
    assert_eq!(weeks.last().expect("race week")["phase"], "race");
    for w in weeks {
        for k in ["start", "phase", "planned", "workouts"] {
            assert!(!w[k].is_null(), "week without {k}: {w}");
        }
        assert!(w["planned"]["duration_s"].as_f64().is_some());
    }
    for w in workouts(&v) {
        for k in ["date", "type", "intensity", "duration_s", "rpe", "purpose", "steps", "status"] {
            assert!(!w[k].is_null(), "workout without {k}: {w}");
        }
        let intensity = w["intensity"].as_str().expect("intensity");
        assert!(["easy", "moderate", "hard", "rest"].contains(&intensity));
        if w["type"] != "rest" {
            assert!(w["hr_low"].as_u64().is_some() && w["hr_high"].as_u64().is_some(), "{w}");
            assert!(w["distance_m"].as_f64().is_some_and(|d| d > 0.0), "{w}");
        }
        if ["tempo", "threshold", "intervals", "hills", "steady"]
            .contains(&w["type"].as_str().expect("type"))
        {
            let steps = w["steps"].as_array().expect("steps");
            assert!(steps.len() >= 3, "warm-up, work, cool-down: {w}");
            assert_eq!(steps[0]["kind"], "warm_up");
            assert_eq!(steps.last().expect("step")["kind"], "cool_down");
        }
    }
    let race: Vec<&Value> = workouts(&v).into_iter().filter(|w| w["type"] == "race").collect();
    assert_eq!(race.len(), 1);
    assert_eq!(race[0]["date"], "2026-07-12");
    assert_eq!(race[0]["distance_m"], 21_097.5);
    // `plan show` reads back the same plan; `--week` keeps one week.
    let again = s.json("2026-04-06", &["plan", "show", "--json"]);
    assert_eq!(again["weeks"], v["weeks"]);
    let one = s.json("2026-04-06", &["plan", "show", "--week", "2026-W20", "--json"]);
    assert_eq!(one["weeks"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["weeks"][0]["week"], "2026-W20");
    insta::assert_snapshot!(
        "plan_show_week",
        s.ok("2026-04-06", &["plan", "show", "--week", "2026-W20"])
    );
    insta::assert_snapshot!("plan_list", s.ok("2026-04-06", &["plan", "list"]));
}

#[test]
fn planned_sessions_are_matched_to_the_runs_imported_and_adaptation_is_a_new_revision() {
    let s = Store::new("follow");
    // A plan made on 2 March, inside the history: its first four weeks are in the past on 29
    // March, so each session is done, changed or missed by the synthetic runner's real runs.
    s.ok("2026-03-02", &["plan", "create", "--goal", "10k", "--race-date", "2026-05-31"]);
    let v = s.json("2026-03-29", &["plan", "show", "--json"]);
    let past: Vec<&Value> = workouts(&v)
        .into_iter()
        .filter(|w| w["date"].as_str().is_some_and(|d| d < "2026-03-29") && w["type"] != "rest")
        .collect();
    let count = |st: &str| past.iter().filter(|w| w["status"] == st).count();
    assert!(!past.is_empty());
    assert_eq!(count("planned"), 0, "nothing in the past is still planned");
    assert_eq!(count("done") + count("changed") + count("missed"), past.len());
    assert!(count("done") + count("changed") > 0, "the runner ran: {past:#?}");
    for w in past.iter().filter(|w| w["status"] != "missed") {
        assert!(w["activity"].as_i64().is_some(), "a matched session names its run: {w}");
    }
    for w in past.iter().filter(|w| w["status"] == "changed") {
        assert!(w["note"].as_str().is_some_and(|n| n.contains("instead of")), "{w}");
    }
    // Illness on the 29th: the next days' sessions become rest, in revision 2.
    s.ok("2026-03-29", &["log", "note", "--kind", "illness", "fever"]);
    let a = s.json("2026-03-30", &["plan", "adapt", "--json"]);
    assert_eq!(a["revision"], 2);
    let changes = a["changes"].as_array().expect("changes");
    assert!(!changes.is_empty());
    for c in changes {
        assert_eq!(c["to"], "rest");
        assert!(c["date"].as_str().is_some_and(|d| d >= "2026-03-30"), "only days ahead: {c}");
        assert!(c["why"].as_str().is_some_and(|w| w.contains("illness")));
    }
    let after = s.json("2026-03-30", &["plan", "show", "--json"]);
    assert_eq!(after["revision"], 2);
    // The past is as planned before: only days from the 30th changed.
    for (o, n) in workouts(&v).iter().zip(workouts(&after)) {
        if o["date"].as_str().is_some_and(|d| d < "2026-03-30") {
            assert_eq!(o["type"], n["type"]);
            assert_eq!(o["sequence"], n["sequence"]);
        }
    }
    // A changed workout's calendar event has a higher SEQUENCE under the same UID.
    let changed = &changes[0];
    let uid = workouts(&after)
        .into_iter()
        .find(|w| w["date"] == changed["date"] && w["slot"] == 0)
        .map(|w| w["uid"].as_str().expect("uid").to_owned())
        .expect("the changed workout");
    let ics = s.dir.join("plan.ics");
    s.ok("2026-03-30", &["plan", "export", "--ics", ics.to_str().expect("path")]);
    let text = std::fs::read_to_string(&ics).expect("ics");
    assert!(text.contains("\r\n"));
    let event = text.split("BEGIN:VEVENT").find(|e| e.contains(&format!("UID:{uid}")));
    // A rest day has no event; a day changed to rest is gone from the calendar.
    assert!(event.is_none(), "rest days have no event");
    // Nothing more to change: adapt again says so.
    let again = s.json("2026-03-30", &["plan", "adapt", "--json"]);
    assert!(
        again["revision"].is_null() || again["changes"].as_array().is_some_and(|c| !c.is_empty())
    );
    insta::assert_snapshot!("plan_list_revised", s.ok("2026-03-30", &["plan", "list"]));
}

#[test]
fn today_follows_the_plan_and_turns_a_hard_day_easy_when_the_resting_heart_rate_is_up() {
    let s = Store::new("today");
    // Without a plan: from the history.
    let v = s.json("2026-03-30", &["today", "--json"]);
    assert_eq!(v["source"], "history");
    assert!(v["plan_id"].is_null());
    assert!(!v["signals"].as_array().expect("signals").is_empty());
    s.ok("2026-03-30", &["plan", "create", "--goal", "10k", "--race-date", "2026-06-28"]);
    let plan = s.json("2026-03-30", &["plan", "show", "--json"]);
    let hard = workouts(&plan)
        .into_iter()
        .find(|w| w["intensity"] == "hard" && w["type"] != "race")
        .expect("a hard session")
        .clone();
    let day = hard["date"].as_str().expect("date").to_owned();
    let v = s.json(&day, &["today", "--json"]);
    assert_eq!((v["source"].as_str(), v["type"].as_str()), (Some("plan"), hard["type"].as_str()));
    // A resting HR 7 bpm over a 7-day baseline of 50.
    let d = |n: i64| {
        let date: jiff::civil::Date = day.parse().expect("date");
        date.checked_sub(jiff::Span::new().days(n)).expect("date").to_string()
    };
    for n in 1..=5 {
        s.ok(&day, &["log", "rhr", "50", "--date", &d(n)]);
    }
    s.ok(&day, &["log", "rhr", "57"]);
    let v = s.json(&day, &["today", "--json"]);
    assert_eq!(v["type"], "recovery");
    assert_eq!(v["decided_by"], "resting_hr");
    assert_eq!(v["planned"]["type"], hard["type"]);
    let text = s.ok(&day, &["today"]);
    assert!(text.contains("Changed from the plan's"), "{text}");
    assert!(text.contains("57 bpm, 7-day baseline 50"), "{text}");
}

#[test]
fn fit_workouts_are_written_one_per_session_and_read_back_by_our_decoder() {
    let s = Store::new("fit");
    s.ok("2026-04-06", &["plan", "create", "--goal", "5k", "--race-date", "2026-06-07"]);
    let dir = s.dir.join("NewFiles");
    let out =
        s.ok("2026-04-06", &["plan", "export", "--fit", dir.to_str().expect("path"), "--json"]);
    let v: Value = serde_json::from_str(&out).expect("json");
    let plan = s.json("2026-04-06", &["plan", "show", "--json"]);
    let sessions = workouts(&plan).into_iter().filter(|w| w["type"] != "rest").count();
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("fit")))
        .collect();
    assert!(files.len() >= sessions, "{} files for {sessions} sessions", files.len());
    assert_eq!(v["files"].as_u64(), Some(files.len() as u64));
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        // Our decoder reads the file (CRCs, definitions) and says what kind of file it is.
        let rec = slowburn_formats::fit::decode(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(rec.warnings.is_empty(), "{}: {:?}", f.display(), rec.warnings);
        let name = f.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(name.is_ascii() && name.len() <= 40, "{name}");
    }
}

#[test]
fn impossible_requests_are_refused_with_the_value_named() {
    let s = Store::new("errors");
    let e = s.err("2026-04-06", &["plan", "create", "--goal", "half", "--race-date", "2026-03-01"]);
    assert!(e.contains("race date 2026-03-01 is not after"), "{e}");
    let e = s.err("2026-04-06", &["plan", "create", "--goal", "marathon"]);
    assert!(e.contains("--race-date is needed"), "{e}");
    let e = s.err(
        "2026-04-06",
        &[
            "plan",
            "create",
            "--goal",
            "10k",
            "--race-date",
            "2026-06-01",
            "--long-run-day",
            "someday",
        ],
    );
    assert!(e.contains("\"someday\" is not a day of the week"), "{e}");
    let e = s.err(
        "2026-04-06",
        &[
            "plan",
            "create",
            "--goal",
            "10k",
            "--race-date",
            "2026-06-01",
            "--current-weekly-km",
            "900",
        ],
    );
    assert!(e.contains("--current-weekly-km 900 is implausible"), "{e}");
    let e = s.err("2026-04-06", &["plan", "show"]);
    assert!(e.contains("no plan yet"), "{e}");
    let e = s.err("2026-04-06", &["plan", "delete", "7"]);
    assert!(e.contains("no plan with id 7"), "{e}");
    s.ok("2026-04-06", &["plan", "create", "--goal", "base"]);
    let e = s.err("2026-04-06", &["plan", "show", "--week", "2030-W01"]);
    assert!(e.contains("the plan has no week 2030-W01"), "{e}");
    let e = s.err("2026-04-06", &["plan", "export", "--ics", "/nonexistent-dir/x.ics"]);
    assert!(e.contains("/nonexistent-dir/x.ics"), "{e}");
    let e = s.err("2026-04-06", &["plan", "export", "--ics", "x.ics", "--tz", "Mars/Base"]);
    assert!(e.contains("Mars/Base"), "{e}");
    assert!(s.ok("2026-04-06", &["plan", "delete", "1"]).contains("plan 1"));
}

/// A store with only a profile: no history.
fn empty(name: &str) -> Store {
    let dir = std::env::temp_dir().join(format!("slowburn-plan-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("db.sqlite");
    Store { dir, db }
}

#[test]
fn golden_plans_of_fixed_athletes() {
    // A novice with no history, three days a week, 10 weeks to a 5 km.
    let s = empty("novice");
    s.ok("2026-04-06", &["athlete", "set", "--max-hr", "195"]);
    s.ok(
        "2026-04-06",
        &[
            "plan",
            "create",
            "--goal",
            "5k",
            "--race-date",
            "2026-06-14",
            "--level",
            "novice",
            "--days-per-week",
            "3",
            "--current-weekly-km",
            "12",
        ],
    );
    insta::assert_snapshot!("plan_novice_5k", s.ok("2026-04-06", &["plan", "show"]));
    let race_week = s.ok("2026-04-06", &["plan", "show", "--week", "2026-W24"]);
    insta::assert_snapshot!("plan_novice_5k_race_week", race_week);
    // An experienced marathoner, seven days with doubles, 70 km a week, 18 weeks.
    let s = empty("experienced");
    s.ok("2026-04-06", &["athlete", "set", "--max-hr", "184", "--resting-hr", "44"]);
    s.ok(
        "2026-04-06",
        &[
            "plan",
            "create",
            "--goal",
            "marathon",
            "--race-date",
            "2026-08-09",
            "--level",
            "experienced",
            "--days-per-week",
            "7",
            "--current-weekly-km",
            "70",
            "--doubles",
            "--long-run-day",
            "sat",
            "--rest-day",
            "fri",
        ],
    );
    insta::assert_snapshot!("plan_experienced_marathon", s.ok("2026-04-06", &["plan", "show"]));
    let v = s.json("2026-04-06", &["plan", "show", "--json"]);
    let doubles = workouts(&v).iter().filter(|w| w["slot"] == 1).count();
    assert!(doubles > 0, "doubles asked for and given");
    for w in workouts(&v).into_iter().filter(|w| w["slot"] == 1) {
        assert_eq!(w["type"], "recovery");
    }
    insta::assert_snapshot!(
        "plan_experienced_marathon_sharpening",
        s.ok("2026-04-06", &["plan", "show", "--week", "2026-W27"])
    );
}

#[test]
fn the_html_report_is_one_self_contained_file_with_charts_and_their_data() {
    let s = Store::new("report");
    s.ok("2026-03-30", &["plan", "create", "--goal", "10k", "--race-date", "2026-06-28"]);
    let path = s.dir.join("report.html");
    let out = s.ok("2026-03-30", &["report", "-o", path.to_str().expect("path"), "--weeks", "8"]);
    assert!(out.contains("opens offline"), "{out}");
    let html = std::fs::read_to_string(&path).expect("report");
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing refers outside the file: no URL, no protocol-relative reference.
    for bad in ["http://", "https://", "//", "src=", "href="] {
        assert!(!html.contains(bad), "the report holds {bad:?}");
    }
    for id in [
        "today",
        "review",
        "zones",
        "trends",
        "plan",
        "runs",
        "weekly_volume",
        "easy_share",
        "load",
        "time_in_zones",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "no {id} section or chart");
    }
    assert!(html.matches("<svg").count() >= 5, "charts drawn");
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert!(html.contains("<table>"), "each chart's data as a table");
    // Every chart pinned (its SVG, text alternative and data table as the report holds them).
    for id in [
        "weekly_volume",
        "easy_share",
        "grey_time",
        "load",
        "time_in_zones",
        "easy_pace",
        "plan_calendar",
    ] {
        let start = html.find(&format!("<figure id=\"{id}\">")).expect("the chart");
        let end = start + html[start..].find("</figure>").expect("its end");
        insta::assert_snapshot!(format!("report_chart_{id}"), &html[start..end]);
    }
    // The same numbers as the CLI: the review's 80/20 finding is in the report word for word.
    let review: Value = s.json("2026-03-30", &["review", "--weeks", "8", "--json"]);
    let first = review["block"]["verdicts"][0]["text"].as_str().expect("a finding");
    let escaped = first
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    assert!(html.contains(&escaped), "{first}");
}

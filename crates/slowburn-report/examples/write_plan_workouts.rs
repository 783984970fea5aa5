//! Write every session of a generated 16-week half-marathon plan as a FIT workout file, and
//! the schedules file, each with a `<name>.json` sidecar of what Garmin's decoder must read
//! from it, for `scripts/check-fit-with-sdk.py` (run by `scripts/check-encoder.sh`).
//!
//! Usage: `cargo run -p slowburn-report --example write_plan_workouts -- <dir>`
//!
//! The sidecars are worked out from the plan itself, not from the FIT steps the files were
//! written from: per step its intensity, duration (seconds or metres, as the SDK scales them),
//! heart-rate range (bpm + 100, the raw FIT custom value the SDK reports) or an open target,
//! and each repeat as the step it returns to and the number of times. Workout names are
//! checked for length, ASCII and uniqueness in the directory rather than spelled out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::civil::{date, Weekday};
use serde_json::{json, Map, Value};
use slowburn_core::athlete::{Athlete, ProfileEntry};
use slowburn_core::plan::{
    create, Goal, Level, Plan, PlanAthlete, PlanRequest, Step, StepKind, Workout, WorkoutKind,
};
use slowburn_core::zones::ZoneModel;
use slowburn_report::workout_fit::{plan_files, NAME_MAX, SCHEDULES_FILE};

/// 2027-01-01T00:00:00Z as a FIT timestamp: the files' `time_created`.
const CREATED: u32 = 1_167_696_000;

/// A made-up athlete: max 186 bpm, resting 52, threshold 166, zones by heart-rate reserve.
fn the_plan() -> Result<Plan, String> {
    let d = date(2026, 12, 1);
    let profile = Athlete::from_entries(vec![ProfileEntry {
        max_hr: Some(186),
        resting_hr: Some(52),
        lthr: Some(166),
        ..ProfileEntry::new(d)
    }])
    .at(d);
    let zones = ZoneModel::HeartRateReserve.zones(&profile).map_err(|e| e.to_string())?;
    let start = date(2027, 1, 4);
    let req = PlanRequest {
        goal: Goal::Half,
        race_date: date(2027, 4, 25), // the Sunday of week 16
        start,
        days_per_week: 6,
        level: Level::Experienced,
        start_weekly_s: 300.0 * 60.0,
        long_run_day: Weekday::Sunday,
        rest_day: Weekday::Monday,
        // Doubles: morning recovery runs as `-am` files.
        doubles: true,
    };
    let athlete = PlanAthlete { zones: Some(zones), ..PlanAthlete::default() };
    let plan = create(&req, &athlete, "sdk-check").map_err(|e| e.to_string())?;
    if plan.weeks.len() != 16 {
        return Err(format!("the plan has {} weeks, not 16", plan.weeks.len()));
    }
    Ok(plan)
}

/// What the SDK must read for one step with a heart-rate range or none.
fn target(row: &mut Map<String, Value>, low: Option<u8>, high: Option<u8>) {
    if let Some((lo, hi)) = low.zip(high) {
        row.insert("target_type".into(), json!("heart_rate"));
        row.insert("target_hr_zone".into(), json!(0)); // 0: custom, not a zone number
        row.insert("custom_target_heart_rate_low".into(), json!(u32::from(lo) + 100));
        row.insert("custom_target_heart_rate_high".into(), json!(u32::from(hi) + 100));
    } else {
        row.insert("target_type".into(), json!("open"));
        row.insert("custom_target_heart_rate_low".into(), Value::Null);
        row.insert("custom_target_heart_rate_high".into(), Value::Null);
    }
}

/// The steps of `steps` as the SDK names and scales them, repeats after their steps.
fn expect_steps(steps: &[Step], out: &mut Vec<Value>) {
    for s in steps {
        if s.kind == StepKind::Repeat {
            let back = out.len();
            expect_steps(&s.steps, out);
            out.push(json!({
                "duration_type": "repeat_until_steps_cmplt",
                "duration_step": back,
                "repeat_steps": s.times,
                "target_type": "open",
            }));
            continue;
        }
        let mut row = Map::new();
        let intensity = match s.kind {
            StepKind::WarmUp => "warmup",
            StepKind::CoolDown => "cooldown",
            StepKind::Recovery => "recovery",
            StepKind::Work | StepKind::Run | StepKind::Repeat => "active",
        };
        row.insert("intensity".into(), json!(intensity));
        match (s.duration_s, s.distance_m) {
            (Some(t), _) => {
                row.insert("duration_type".into(), json!("time"));
                row.insert("duration_time".into(), json!(t));
            }
            (None, Some(d)) => {
                row.insert("duration_type".into(), json!("distance"));
                row.insert("duration_distance".into(), json!(d));
            }
            (None, None) => {
                row.insert("duration_type".into(), json!("open"));
            }
        }
        target(&mut row, s.hr_low, s.hr_high);
        if s.text.is_ascii() && !s.text.trim().is_empty() {
            row.insert("notes".into(), json!(s.text.trim()));
        }
        out.push(Value::Object(row));
    }
}

fn serial_number(w: &Workout) -> i64 {
    (i64::from(w.date.year()) * 10_000 + i64::from(w.date.month()) * 100 + i64::from(w.date.day()))
        * 100
        + i64::from(w.slot)
}

fn workout_sidecar(w: &Workout) -> Value {
    let mut steps = Vec::new();
    if matches!(w.kind, WorkoutKind::Easy | WorkoutKind::Recovery | WorkoutKind::Long) {
        // One step of the whole run under the session's ceiling.
        let mut row = Map::new();
        row.insert("intensity".into(), json!("active"));
        row.insert("duration_type".into(), json!("time"));
        row.insert("duration_time".into(), json!(w.duration_s));
        target(&mut row, w.hr_low, w.hr_high);
        steps.push(Value::Object(row));
    } else {
        expect_steps(&w.steps, &mut steps);
    }
    for (i, s) in steps.iter_mut().enumerate() {
        s["message_index"] = json!(i);
    }
    json!({
        "kind": "workout",
        "name": null,
        "name_max": NAME_MAX,
        "unique_name": true,
        "date": w.date.to_string(),
        "sport": "running",
        "sub_sport": "generic",
        "file_id": {
            "type": "workout",
            "manufacturer": "development",
            "product": 0,
            "serial_number": serial_number(w),
            "time_created": CREATED,
        },
        "steps": steps,
    })
}

fn schedules_sidecar(sessions: &[&Workout]) -> Value {
    let entries: Vec<Value> = sessions
        .iter()
        .map(|w| {
            let days = date(1989, 12, 31).until(w.date).map_or(0, |s| i64::from(s.get_days()));
            json!({
                "manufacturer": "development",
                "product": 0,
                "serial_number": serial_number(w),
                "time_created": CREATED,
                "completed": false,
                "type": "workout",
                "scheduled_time": days * 86_400,
                "date": w.date.to_string(),
            })
        })
        .collect();
    json!({
        "kind": "schedules",
        "file_id": {
            "type": "schedules",
            "manufacturer": "development",
            "product": 0,
            "time_created": CREATED,
        },
        "entries": entries,
    })
}

fn write(dir: &Path, file: &str, bytes: &[u8], sidecar: &Value) -> Result<(), String> {
    let fit = dir.join(file);
    std::fs::write(&fit, bytes).map_err(|e| format!("writing {}: {e}", fit.display()))?;
    let json = fit.with_extension("json");
    let text = serde_json::to_string_pretty(sidecar).map_err(|e| e.to_string())?;
    std::fs::write(&json, text).map_err(|e| format!("writing {}: {e}", json.display()))
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: write_plan_workouts <dir>");
        return ExitCode::from(2);
    };
    let result = (|| -> Result<usize, String> {
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let plan = the_plan()?;
        let files = plan_files(&plan, CREATED).map_err(|e| e.to_string())?;
        let sessions: Vec<&Workout> = plan
            .weeks
            .iter()
            .flat_map(|w| &w.workouts)
            .filter(|w| w.kind != WorkoutKind::Rest)
            .collect();
        if files.len() != sessions.len() + 1 {
            return Err(format!("{} files for {} sessions", files.len(), sessions.len()));
        }
        for ((file, bytes), w) in files.iter().zip(&sessions) {
            write(&dir, file, bytes, &workout_sidecar(w))?;
        }
        let (file, bytes) = &files[sessions.len()];
        if file != SCHEDULES_FILE {
            return Err(format!("the last file is {file}, not {SCHEDULES_FILE}"));
        }
        write(&dir, file, bytes, &schedules_sidecar(&sessions))?;
        Ok(sessions.len())
    })();
    match result {
        Ok(n) => {
            println!(
                "wrote {n} workouts of a 16-week half-marathon plan and their schedule to {}",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

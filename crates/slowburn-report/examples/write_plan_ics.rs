//! Write a generated 16-week half-marathon plan as iCalendar files, for `scripts/check-ics.py`
//! (run by `scripts/check-ics.sh`), which reads them with the `icalendar` package.
//!
//! Usage: `cargo run -p slowburn-report --example write_plan_ics -- <dir>`
//!
//! Writes `plan-all-day.ics` (all-day events), `plan-berlin.ics` (timed, `Europe/Berlin`, main
//! sessions at 18:00, doubles at 07:00), `plan-new-york.ics` (timed, `America/New_York`, main
//! sessions at 06:30, doubles at 18:00), and `expected-events`: how many events each must
//! hold (the plan's sessions that are not rest days). The plan runs from January to April
//! 2027, across both zones' change to summer time.

use std::path::Path;
use std::process::ExitCode;

use jiff::civil::{date, time, Weekday};
use slowburn_core::athlete::{Athlete, ProfileEntry};
use slowburn_core::plan::{create, Goal, Level, Plan, PlanAthlete, PlanRequest, WorkoutKind};
use slowburn_core::zones::{HrPace, ZoneModel};
use slowburn_report::ics::{plan_calendar, IcsOptions};

/// A made-up athlete: max 186 bpm, resting 52, threshold 166, zones by heart-rate reserve, and
/// flat running from 7:00 /km at 120 bpm to 4:10 /km at 180 bpm (so paces are known).
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
    let hr_pace = (120u8..=180)
        .flat_map(|hr| {
            let pace = 420.0 - (f64::from(hr) - 120.0) * 2.8;
            [-6.0, 0.0, 6.0].map(|d| HrPace { hr, pace_s_per_km: pace + d, seconds: 120.0 })
        })
        .collect();
    let req = PlanRequest {
        goal: Goal::Half,
        race_date: date(2027, 4, 25), // the Sunday of week 16
        start: date(2027, 1, 4),
        days_per_week: 6,
        level: Level::Experienced,
        start_weekly_s: 300.0 * 60.0,
        long_run_day: Weekday::Sunday,
        rest_day: Weekday::Monday,
        // Doubles: a second, short run on some days (slot 1).
        doubles: true,
    };
    let athlete = PlanAthlete {
        zones: Some(zones),
        hr_pace,
        threshold_pace_s_per_km: Some(270.0),
        max_hr: Some(186),
    };
    let plan = create(&req, &athlete, "ics-check").map_err(|e| e.to_string())?;
    if plan.weeks.len() != 16 {
        return Err(format!("the plan has {} weeks, not 16", plan.weeks.len()));
    }
    Ok(plan)
}

fn run(dir: &Path) -> Result<(), String> {
    let plan = the_plan()?;
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let stamp = "2027-01-01T06:00:00Z".parse().map_err(|e| format!("{e}"))?;
    let variants = [
        ("plan-all-day.ics", None, time(18, 0, 0, 0)),
        ("plan-berlin.ics", Some("Europe/Berlin"), time(18, 0, 0, 0)),
        ("plan-new-york.ics", Some("America/New_York"), time(6, 30, 0, 0)),
    ];
    for (file, zone, start_time) in variants {
        let opts = IcsOptions {
            stamp,
            time_zone: zone.map(str::to_owned),
            start_time,
            name: "slowburn: half marathon, 25 April 2027".to_owned(),
        };
        let ics = plan_calendar(&plan, &opts).map_err(|e| format!("{file}: {e}"))?;
        let path = dir.join(file);
        std::fs::write(&path, ics).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    let events =
        plan.weeks.iter().flat_map(|w| &w.workouts).filter(|w| w.kind != WorkoutKind::Rest).count();
    let path = dir.join("expected-events");
    std::fs::write(&path, format!("{events}\n"))
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(())
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: write_plan_ics <dir>");
        return ExitCode::from(2);
    };
    match run(Path::new(&dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("write_plan_ics: {e}");
            ExitCode::FAILURE
        }
    }
}

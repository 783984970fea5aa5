//! `slowburn trends [--months 12]`: is the training working? Easy pace at the same heart rate,
//! resting heart rate, long runs, records and race predictions, then against now.

use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;
use serde::Serialize;
use slowburn_core::summary::HrPacePoint;
use slowburn_core::trends::{self, TrendSettings, Trends};
use slowburn_report::format;

use super::review::{load, zoning, ProfileView};
use crate::cli::TrendsArgs;
use crate::printer::Printer;

#[derive(Serialize)]
struct TrendsJson<'a> {
    profile: ProfileView,
    #[serde(flatten)]
    trends: &'a Trends,
}

fn pace(s_per_km: f64) -> String {
    format::pace(1000.0 / s_per_km)
}

pub(crate) fn run(db: Option<&Path>, args: &TrendsArgs) -> anyhow::Result<ExitCode> {
    let store = crate::db::open(db)?;
    let config = crate::config::load()?;
    let h = load::<Vec<HrPacePoint>>(&store, db, &zoning(args.model, &config)?)?;
    let mut p = Printer::new();
    let Some(latest) = h.latest else {
        p.line("No activities yet: import some with `slowburn import PATH`.")?;
        p.flush()?;
        return Ok(ExitCode::SUCCESS);
    };
    let to = args.until.unwrap_or(latest);
    let from = match args.since {
        Some(d) => d,
        None => to
            .first_of_month()
            .checked_sub(jiff::Span::new().months(i64::from(args.months.max(1) - 1)))
            .unwrap_or(Date::MIN),
    };
    let settings = TrendSettings { target_hr: args.hr, compare_months: args.compare };
    let t = trends::trends(
        &h.activities,
        &h.periods,
        &h.resting_logs,
        &h.monitoring_lows,
        &settings,
        from,
        to,
    );
    let profile = ProfileView::new(&h, to);
    if args.json {
        p.json(&TrendsJson { profile, trends: &t })?;
        p.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    p.line(&format!("Trends from {from} to {to}; easy pace read at {}", t.target_note))?;
    p.line("")?;
    for v in &t.verdicts {
        p.line(&format!("  {v}"))?;
    }
    p.line("")?;
    let hr = t.target_hr.map_or("–".to_owned(), |h| format!("{h} bpm"));
    p.line(&format!(
        "  {:<7} {:>4} {:>10} {:>16} {:>9} {:>5} {:>10} {:>6} {:>6}",
        "month",
        "runs",
        "distance",
        format!("easy pace @{hr}"),
        "rest HR",
        "long",
        "decoupling",
        "EF",
        "VDOT"
    ))?;
    for m in &t.months {
        let ep = m.easy_pace.map_or("–".to_owned(), |e| {
            format!("{}{}", pace(e.pace_s_per_km), if e.extrapolated { "*" } else { " " })
        });
        p.line(&format!(
            "  {:<7} {:>4} {:>10} {:>16} {:>9} {:>5} {:>10} {:>6} {:>6}",
            m.month,
            m.runs,
            format!("{:.1} km", m.km),
            ep,
            m.resting_hr.map_or("–".to_owned(), |r| format!("{r:.0} bpm")),
            m.long_runs,
            m.decoupling_pct.map_or("–".to_owned(), |d| format!("{d:.1} %")),
            m.efficiency_factor.map_or("–".to_owned(), |e| format!("{e:.2}")),
            m.best_vdot.map_or("–".to_owned(), |v| format!("{v:.1}")),
        ))?;
    }
    if t.months.iter().any(|m| m.resting_hr_source == Some("watch_daily_lows")) {
        p.line("  rest HR: logged values; in months without any, the watch's daily lows (a few bpm lower)")?;
    }
    if t.months.iter().any(|m| m.easy_pace.is_some_and(|e| e.extrapolated)) {
        p.line(
            "  * read off the heart rate–pace line: little running that month at that heart rate",
        )?;
    }
    if !t.records.is_empty() {
        p.line("")?;
        p.line("  Personal records:")?;
        for r in &t.records {
            p.line(&format!(
                "    {:<14} {:>8}  {}  {}  (#{})",
                r.distance,
                format::duration(r.time_s),
                pace(r.pace_s_per_km),
                r.date,
                r.id
            ))?;
        }
    }
    if let Some(pr) = &t.predictions {
        p.line("")?;
        p.line(&format!(
            "  Race predictions from {} in {} on {} (VDOT {:.1}):",
            pr.basis.distance,
            format::duration(pr.basis.time_s),
            pr.basis.date,
            pr.vdot
        ))?;
        for x in &pr.predictions {
            p.line(&format!(
                "    {:<14} {:>8} (Riegel)  {:>8} (Daniels VDOT)",
                x.distance,
                format::duration(x.riegel_s),
                x.vdot_s.map_or("–".to_owned(), format::duration)
            ))?;
        }
    }
    p.line("")?;
    let tv = &t.then_vs_now;
    let ep = |s: &trends::Span| s.easy_pace.map_or("–".to_owned(), |e| pace(e.pace_s_per_km));
    p.line(&format!(
        "  Then ({} to {}): easy pace {}, resting HR {}, best VDOT {}",
        tv.then.from,
        tv.then.to,
        ep(&tv.then),
        tv.then.resting_hr.map_or("–".to_owned(), |r| format!("{r:.0} bpm")),
        tv.then.best_vdot.map_or("–".to_owned(), |v| format!("{v:.1}")),
    ))?;
    p.line(&format!(
        "  Now  ({} to {}): easy pace {}, resting HR {}, best VDOT {}",
        tv.now.from,
        tv.now.to,
        ep(&tv.now),
        tv.now.resting_hr.map_or("–".to_owned(), |r| format!("{r:.0} bpm")),
        tv.now.best_vdot.map_or("–".to_owned(), |v| format!("{v:.1}")),
    ))?;
    p.line("")?;
    p.line(&format!("  {}", profile.text()))?;
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

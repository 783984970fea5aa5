//! `slowburn week [--week 2026-W47]`: one week in detail, verdicts first.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use serde::de::IgnoredAny;
use slowburn_core::load::LoadMethod;
use slowburn_core::review::{self, NextDay, Structure};
use slowburn_report::format;

use super::review::{load, settings, zoning, ProfileView, ReviewJson};
use crate::cli::WeekArgs;
use crate::printer::Printer;

fn share(part: f64, total: f64) -> String {
    if total > 0.0 {
        format!("{:.0} %", part / total * 100.0)
    } else {
        "–".to_owned()
    }
}

pub(crate) fn run(db: Option<&Path>, args: &WeekArgs) -> anyhow::Result<ExitCode> {
    let store = crate::db::open(db)?;
    let config = crate::config::load()?;
    let h = load::<IgnoredAny>(&store, db, &zoning(args.options.model, &config)?)?;
    let mut p = Printer::new();
    let s = settings(&args.options, &config)?;
    let start = if let Some(label) = &args.week {
        review::week_of_label(label, s.week_start)
            .with_context(|| format!("{label:?} is not an ISO week like 2026-W47"))?
    } else {
        let Some(latest) = h.latest else {
            p.line("No activities yet: import some with `slowburn import PATH`.")?;
            p.flush()?;
            return Ok(ExitCode::SUCCESS);
        };
        review::week_start(latest, s.week_start)
    };
    let end = start.checked_add(jiff::Span::new().days(6))?;
    // A week still running ends at the latest activity, so its rest days are not counted ahead.
    let to = h.latest.map_or(end, |l| end.min(l.max(start)));
    let r = review::review(&h.activities, &h.periods, &s, start, to);
    let profile = ProfileView::new(&h, to);
    if args.json {
        p.json(&ReviewJson { from: start, to, profile, review: &r })?;
        p.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(w) = r.weeks.first() else {
        p.line("No such week.")?;
        p.flush()?;
        return Ok(ExitCode::SUCCESS);
    };
    let partial = if w.days < 7 { format!(" (first {} days)", w.days) } else { String::new() };
    p.line(&format!("Week {}, {} to {}{partial}", w.week, w.start, w.end))?;
    p.line("")?;
    for v in &w.verdicts {
        p.line(&format!("  {v}"))?;
    }
    p.line("")?;
    let t = &w.time_s;
    let total = t.easy + t.moderate + t.hard;
    let row = |p: &mut Printer, k: &str, v: String| p.line(&format!("  {k:<12} {v}"));
    row(
        &mut p,
        "Volume",
        format!(
            "{} in {}, {} {}, {} rest {}; longest run {} ({} of the week)",
            format::km(w.km * 1000.0),
            format::duration(w.seconds),
            w.runs,
            if w.runs == 1 { "run" } else { "runs" },
            w.rest_days,
            if w.rest_days == 1 { "day" } else { "days" },
            format::km(w.long_run_km * 1000.0),
            w.long_run_share.map_or("–".to_owned(), |x| format!("{:.0} %", x * 100.0)),
        ),
    )?;
    row(
        &mut p,
        "By time",
        format!(
            "easy {} ({}), moderate {} ({}), hard {} ({})",
            share(t.easy, total),
            format::duration(t.easy),
            share(t.moderate, total),
            format::duration(t.moderate),
            share(t.hard, total),
            format::duration(t.hard)
        ),
    )?;
    row(
        &mut p,
        "By session",
        format!(
            "{} easy, {} moderate, {} hard ({} easy)",
            w.sessions.easy,
            w.sessions.moderate,
            w.sessions.hard,
            share(w.sessions.easy, w.sessions.easy + w.sessions.moderate + w.sessions.hard)
        ),
    )?;
    if let Some(pi) = w.polarization_index {
        let st = match w.structure {
            Some(Structure::Polarized) => "polarized: Z1 > Z3 > Z2 and PI > 2",
            Some(Structure::Pyramidal) => "pyramidal",
            Some(Structure::Threshold) => "threshold-heavy",
            Some(Structure::HighIntensity) => "mostly hard",
            Some(Structure::Base) | None => "not polarized",
        };
        row(&mut p, "Polarization", format!("index {pi:.2} ({st}; Treff et al. 2019)"))?;
    }
    row(&mut p, "Grey band", format!("{} of {} easy runs crept", w.grey_runs, w.easy_runs))?;
    for k in &w.recovery {
        let after: Vec<String> = k.after.iter().map(|d| format!("#{} {}", d.id, d.why)).collect();
        let next = match &k.next_day {
            NextDay::Rest => "rest day".to_owned(),
            NextDay::Easy => "easy, under the ceiling".to_owned(),
            NextDay::TooHard { id, minutes_above, hard } => {
                if *hard {
                    format!("#{id} was itself hard")
                } else {
                    format!("#{id} {minutes_above:.0} min above the ceiling")
                }
            }
            NextDay::Unknown { id } => format!("#{id}: heart rate not trusted"),
            NextDay::Pending => "not yet".to_owned(),
        };
        row(&mut p, "Recovery", format!("after {} ({}): {next}", k.date, after.join(", ")))?;
    }
    row(
        &mut p,
        "Load",
        format!(
            "{:.0} TRIMP; fitness (CTL) {:.0}, fatigue (ATL) {:.0}, form (TSB) {:+.0}; ramp {} a week; acute:chronic {}; monotony {}, strain {}",
            w.load,
            w.ctl,
            w.atl,
            w.tsb,
            w.ramp.map_or("–".to_owned(), |r| format!("{r:+.1}")),
            w.acute_chronic.map_or("–".to_owned(), |r| format!("{r:.2}")),
            w.monotony.map_or("–".to_owned(), |m| format!("{m:.2}")),
            w.strain.map_or("–".to_owned(), |s| format!("{s:.0}")),
        ),
    )?;
    p.line("")?;
    p.line(&format!(
        "  {:<10} {:>6}  {:<21} {:>9} {:>8} {:>9} {:>6} {:>6} {:<9} {}",
        "date", "id", "type", "distance", "time", "pace", "easy", "grey", "session", "load"
    ))?;
    for a in &w.activities {
        let t = a.run_type.map_or(if a.running { "run (untyped)" } else { "other" }, |t| t.name());
        let pace =
            if a.km > 0.0 { format::pace(a.km * 1000.0 / a.moving_s) } else { "–".to_owned() };
        p.line(&format!(
            "  {:<10} {:>6}  {:<21} {:>9} {:>8} {:>9} {:>6} {:>6} {:<9} {:.0} TRIMP{}",
            a.date.to_string(),
            a.id,
            t,
            format::km(a.km * 1000.0),
            format::duration(a.moving_s),
            pace,
            a.easy_share.map_or("–".to_owned(), |x| format!("{:.0} %", x * 100.0)),
            a.grey_share.map_or("–".to_owned(), |x| format!("{:.0} %", x * 100.0)),
            a.session.map_or("–", |d| d.name()),
            a.load,
            match a.load_method {
                LoadMethod::HeartRate => "",
                LoadMethod::Rpe => " (from RPE)",
                LoadMethod::Pace => " (from pace)",
                LoadMethod::Duration => " (from duration)",
            },
        ))?;
    }
    p.line("")?;
    p.line(&format!("  {}", profile.text()))?;
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

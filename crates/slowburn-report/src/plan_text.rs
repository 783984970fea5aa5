//! Terminal text of plans and today: `plan create|show|list|adapt|export`, `today`.

use std::fmt::Write as _;

use slowburn_core::plan::{pace_words, Step, StepKind, Workout, WorkoutKind};

use crate::format;
use crate::views::{AdaptView, PlanExportView, PlanListView, PlanView, PlanWorkoutView, TodayView};

/// `45 min`, `1 h 50 min`.
pub(crate) fn minutes(seconds: f64) -> String {
    let m = (seconds / 60.0).round() as i64;
    if m >= 60 {
        if m % 60 == 0 {
            format!("{} h", m / 60)
        } else {
            format!("{} h {:02} min", m / 60, m % 60)
        }
    } else {
        format!("{m} min")
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().collect::<String>() + c.as_str())
}

/// `HR 113–131 bpm`, `pace 5:40–6:00 /km` (when known), `RPE 3`.
fn targets(w: &Workout) -> String {
    let mut parts = Vec::new();
    if let (Some(lo), Some(hi)) = (w.hr_low, w.hr_high) {
        parts.push(format!("HR {lo}–{hi} bpm"));
    }
    match (w.pace_fast_s_per_km, w.pace_slow_s_per_km) {
        (Some(f), Some(s)) if (f - s).abs() >= 1.0 => {
            parts.push(format!("{}–{}", pace_words(f).trim_end_matches(" /km"), pace_words(s)));
        }
        (Some(f), _) => parts.push(pace_words(f)),
        _ => {}
    }
    if w.kind != WorkoutKind::Rest {
        parts.push(format!("RPE {}", w.rpe));
    }
    parts.join(" · ")
}

fn step_text(s: &Step) -> String {
    if s.kind == StepKind::Repeat {
        return s.text.clone();
    }
    let len = match (s.duration_s, s.distance_m) {
        (_, Some(d)) => format::km(d),
        (Some(t), None) => minutes(t),
        (None, None) => "lap button".into(),
    };
    if s.text.starts_with(|c: char| c.is_ascii_digit()) {
        s.text.clone()
    } else {
        format!("{len} {}", s.text)
    }
}

/// One line per session: `Tue 08 Dec  Threshold intervals 1 h 02 min · HR … · done`.
fn workout_line(out: &mut String, v: &PlanWorkoutView, detail: bool) {
    let w = &v.workout;
    let day = w.date.strftime("%a %d %b").to_string();
    let what = if w.kind == WorkoutKind::Rest {
        "Rest".to_owned()
    } else {
        let dist = w.distance_m.map_or(String::new(), |d| format!(", about {}", format::km(d)));
        format!("{} {}{dist}", capitalised(w.kind.words()), minutes(w.duration_s))
    };
    let double = if w.slot > 0 { " (morning double)" } else { "" };
    let status = match (v.status.as_str(), v.activity) {
        ("planned", _) => String::new(),
        (s, Some(id)) => format!("  [{} · #{id}]", s.replace('_', " ")),
        (s, None) => format!("  [{}]", s.replace('_', " ")),
    };
    let _ = writeln!(out, "  {day}  {what}{double}{status}");
    if detail && w.kind != WorkoutKind::Rest {
        let _ = writeln!(out, "             {}", targets(w));
        if w.steps.len() > 1 {
            let steps: Vec<String> = w.steps.iter().map(step_text).collect();
            let _ = writeln!(out, "             {}", steps.join(" · "));
        }
        if let Some(n) = &v.note {
            let _ = writeln!(out, "             {n}");
        }
    }
}

fn header(out: &mut String, v: &PlanView) {
    let goal = match v.goal.as_str() {
        "base" => format!("aerobic base to {}", v.race_date),
        g => format!("{} on {}", goal_words(g), v.race_date.strftime("%a %d %b %Y")),
    };
    let _ = writeln!(
        out,
        "Plan {} · {goal} · {}, {} days a week, long run {}, rest {}{}",
        v.id,
        v.level,
        v.days_per_week,
        v.long_run_day,
        v.rest_day,
        if v.doubles { ", doubles" } else { "" }
    );
    if v.revision > 1 {
        let _ = writeln!(out, "Revision {}: {}", v.revision, v.reason);
    }
    let _ = writeln!(out, "Start volume: {}.", v.volume_source);
    let _ = writeln!(out, "Paces: {}.", v.pace_source);
    match &v.zone_model {
        Some(m) => {
            let _ = writeln!(out, "Heart-rate targets: your zones ({m}) today.");
        }
        None => {
            let _ = writeln!(out, "Heart-rate targets: none (max HR unknown).");
        }
    }
    for n in &v.notes {
        let _ = writeln!(out, "Note: {n}");
    }
}

fn goal_words(g: &str) -> &'static str {
    match g {
        "marathon" => "marathon",
        "half" => "half marathon",
        "10k" => "10 km race",
        "5k" => "5 km race",
        _ => "race",
    }
}

/// `plan create`.
#[must_use]
pub fn created(v: &PlanView) -> String {
    let mut out = format!("Plan {} created: {} weeks.\n\n", v.id, v.weeks.len());
    out.push_str(&show(v));
    out
}

/// `plan show`: the overview of every week, then the current week (and the next) in detail;
/// with `--week`, that week alone.
#[must_use]
pub fn show(v: &PlanView) -> String {
    let mut out = String::new();
    header(&mut out, v);
    out.push('\n');
    if v.only_week.is_none() {
        let _ = writeln!(out, "week      phase        planned        easy   long     done");
        for w in &v.weeks {
            let done = if w.start > v.today {
                String::new()
            } else {
                let mut d = minutes(w.done_s);
                if w.missed > 0 || w.changed > 0 {
                    let _ = write!(d, " ({} missed, {} changed)", w.missed, w.changed);
                }
                d
            };
            let _ = writeln!(
                out,
                "{}  {:<11}  {:>13}  {:>4.0} %  {:>7}  {}",
                w.week,
                format!("{}{}", w.phase, if w.lighter { "*" } else { "" }),
                minutes(w.planned.duration_s),
                w.planned.easy_share * 100.0,
                minutes(w.planned.long_s),
                done
            );
        }
        let _ = writeln!(out, "(* a lighter week)\n");
    }
    let current = v.weeks.iter().position(|w| {
        w.start <= v.today
            && v.today < w.start.checked_add(jiff::Span::new().days(7)).unwrap_or(w.start)
    });
    let shown: Vec<usize> = if v.only_week.is_some() {
        (0..v.weeks.len()).collect()
    } else {
        let i = current.unwrap_or(0);
        (i..(i + 2).min(v.weeks.len())).collect()
    };
    for i in shown {
        let w = &v.weeks[i];
        let dist =
            w.planned.distance_m.map_or(String::new(), |d| format!(", about {}", format::km(d)));
        let _ = writeln!(
            out,
            "{} · {} · planned {}{dist}, {:.0} % easy, {} sessions, {} rest day(s){}",
            w.week,
            w.phase,
            minutes(w.planned.duration_s),
            w.planned.easy_share * 100.0,
            w.planned.sessions,
            w.planned.rest_days,
            if w.lighter { " · lighter week" } else { "" }
        );
        for x in &w.workouts {
            workout_line(&mut out, x, true);
        }
        out.push('\n');
    }
    if !v.extra.is_empty() {
        let ids: Vec<String> = v.extra.iter().map(|e| format!("#{} ({})", e.id, e.date)).collect();
        let _ = writeln!(out, "Extra runs, not in the plan: {}", ids.join(", "));
    }
    out.trim_end().to_owned()
}

/// `plan list`.
#[must_use]
pub fn list(v: &PlanListView) -> String {
    if v.plans.is_empty() {
        return "No plans yet: `plan create --goal half --race-date YYYY-MM-DD` makes one.".into();
    }
    let mut out = String::from("id  goal      from        race        weeks  revisions\n");
    for p in &v.plans {
        let _ = writeln!(
            out,
            "{:<3} {:<9} {}  {}  {:>5}  {:>9}{}",
            p.id,
            p.goal,
            p.start,
            p.race_date,
            p.weeks,
            p.revisions,
            if p.active { "  (active)" } else { "" }
        );
    }
    out.trim_end().to_owned()
}

/// `plan adapt`.
#[must_use]
pub fn adapt(v: &AdaptView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", capitalised(&v.message));
    for c in &v.changes {
        let what = if c.from == c.to {
            format!(
                "{} {} → {}",
                c.from.words(),
                minutes(c.from_duration_s),
                minutes(c.to_duration_s)
            )
        } else if c.to == WorkoutKind::Rest {
            format!("{} → rest", c.from.words())
        } else {
            format!("{} → {} {}", c.from.words(), c.to.words(), minutes(c.to_duration_s))
        };
        let _ = writeln!(out, "  {}  {what}: {}", c.date, c.why);
    }
    out.trim_end().to_owned()
}

/// `plan export`.
#[must_use]
pub fn export(v: &PlanExportView) -> String {
    if v.path.ends_with(".ics") || v.files == 1 && v.events > 1 {
        format!(
            "Wrote {} ({} events, {} bytes) from plan {}.",
            v.path, v.events, v.bytes, v.plan_id
        )
    } else {
        format!(
            "Wrote {} FIT workout files ({} bytes) into {} from plan {}: copy them to the \
             watch's GARMIN/NewFiles folder.",
            v.files, v.bytes, v.path, v.plan_id
        )
    }
}

/// `today`.
#[must_use]
pub fn today(v: &TodayView) -> String {
    let r = &v.recommendation;
    let w = &r.workout;
    let mut out = String::new();
    let what = if w.kind == WorkoutKind::Rest {
        "Rest day.".to_owned()
    } else {
        format!("{} {}.", capitalised(w.kind.words()), minutes(w.duration_s))
    };
    let _ = writeln!(out, "Today, {}: {what}", w.date.strftime("%a %d %b"));
    if w.kind != WorkoutKind::Rest {
        let _ = writeln!(out, "  {}", targets(w));
        if w.steps.len() > 1 {
            let steps: Vec<String> = w.steps.iter().map(step_text).collect();
            let _ = writeln!(out, "  {}", steps.join(" · "));
        }
    }
    let _ = writeln!(out, "  {}", w.purpose);
    match (&r.planned, r.decided_by) {
        (Some(p), Some(by)) => {
            let s = r.signals.iter().find(|s| s.name == by);
            let _ = writeln!(
                out,
                "Changed from the plan's {} {}: {}{}.",
                p.kind.words(),
                minutes(p.duration_s),
                s.map_or("", |s| s.says.as_str()),
                s.map_or(String::new(), |s| format!(" ({})", s.value))
            );
        }
        (None, Some(by)) => {
            if let Some(s) = r.signals.iter().find(|s| s.name == by) {
                let _ =
                    writeln!(out, "Decided by {}: {} ({}).", by.replace('_', " "), s.says, s.value);
            }
        }
        _ => {
            let from = if r.source == "plan" {
                format!("From plan {}.", v.plan_id.unwrap_or_default())
            } else {
                "No plan holds today: from your recent running.".to_owned()
            };
            let _ = writeln!(out, "{from}");
        }
    }
    let _ = writeln!(out, "Signals:");
    for s in &r.signals {
        let _ = writeln!(
            out,
            "  {}{}: {} — {}",
            if s.decided { "→ " } else { "  " },
            s.name.replace('_', " "),
            s.value,
            s.says
        );
    }
    out.trim_end().to_owned()
}

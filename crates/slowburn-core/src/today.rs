//! What to run today: one recommendation with its reasons, from the plan when there is one and
//! from the history when there is not.
//!
//! # Design
//! The day starts from a base session (the plan's, or one the history suggests) and every
//! signal is weighed in a fixed order, strongest first: illness → rest; a resting heart rate
//! 5 bpm or more over its 7-day baseline, fatigue, a hard day or long run yesterday, a very
//! high session RPE yesterday, deep fatigue in the training-stress balance → a hard day becomes
//! a recovery run; two hard days this week already or an easy share under 75 % → it becomes
//! easy; six or more days without rest → rest. Each signal is reported with its value and
//! whether it decided; the first that changes the session decides it.

use jiff::civil::Date;
use serde::Serialize;

use crate::classify::RunType;
use crate::plan::{
    follow::RESTING_HR_RISE, session, Goal, Intensity, Level, PlanAthlete, Workout, WorkoutKind,
};

/// A recent day's session, for today's decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Recent {
    pub date: Date,
    pub run_type: Option<RunType>,
    pub intensity: Option<Intensity>,
    pub duration_s: f64,
    pub rpe: Option<f64>,
}

/// Everything `today` weighs.
#[derive(Debug, Clone, Default)]
pub struct TodayInput {
    pub date: Option<Date>,
    /// Today's planned main session, when a plan holds today.
    pub planned: Option<Workout>,
    /// Runs of the last 14 days (any order).
    pub recent: Vec<Recent>,
    /// Training-stress balance this morning (fitness − fatigue), when known.
    pub tsb: Option<f64>,
    /// This week's easy share of running time so far, 0–1, and its sessions.
    pub week_easy_share: Option<(f64, u32)>,
    /// Today's resting HR and its 7-day baseline.
    pub resting_hr: Option<(u8, f64)>,
    /// Notes of the last two days: `(date, kind, text)` with kind `illness`, `fatigue` or other.
    pub notes: Vec<(Date, String, String)>,
    /// Median easy run, seconds (for a session without a plan).
    pub median_easy_s: Option<f64>,
    /// Weekly running time recently, seconds (sizes a quality session without a plan).
    pub weekly_s: Option<f64>,
    pub level: Option<Level>,
}

/// One signal and what it said.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    /// `illness`, `resting_hr`, `fatigue`, `yesterday`, `rpe`, `tsb`, `hard_days`,
    /// `easy_share`, `days_since_rest`.
    pub name: &'static str,
    /// The value in words ("62 bpm, baseline 55").
    pub value: String,
    /// What it says, in words.
    pub says: String,
    /// This signal decided today's session.
    pub decided: bool,
}

/// Today's recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// `plan` or `history`.
    pub source: &'static str,
    /// The plan's session for today, when it was changed.
    pub planned: Option<Workout>,
    /// Today's session (its date is today).
    #[serde(flatten)]
    pub workout: Workout,
    /// The signal that changed the planned (or usual) session, when one did.
    pub decided_by: Option<&'static str>,
    pub signals: Vec<Signal>,
}

/// A session RPE this high (CR-10) yesterday asks for an easy day.
const HIGH_RPE: f64 = 8.0;
/// Training-stress balance below this is deep fatigue (Coggan's "high risk" band, about −30).
const TSB_FATIGUED: f64 = -30.0;
/// Days without rest after which today is rest.
const MAX_DAYS_WITHOUT_REST: i64 = 6;

fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map_or(0, |s| i64::from(s.get_days()))
}

fn is_hard(r: &Recent) -> bool {
    matches!(r.intensity, Some(Intensity::Moderate | Intensity::Hard))
        || matches!(
            r.run_type,
            Some(RunType::Tempo | RunType::Threshold | RunType::Intervals | RunType::Race)
        )
}

/// Today's recommendation.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn recommend(input: &TodayInput, athlete: &PlanAthlete, today: Date) -> Recommendation {
    let level = input.level.unwrap_or(Level::Intermediate);
    let goal = Goal::Base;
    let make = |kind: WorkoutKind, seconds: f64| {
        session(
            kind,
            today,
            seconds,
            input.weekly_s.unwrap_or(level.default_weekly_min() * 60.0),
            level,
            goal,
            athlete,
            "today",
        )
    };
    let runs: Vec<&Recent> = input
        .recent
        .iter()
        .filter(|r| {
            !matches!(r.run_type, Some(RunType::Walk | RunType::Hike | RunType::OtherSport))
        })
        .collect();
    let yesterday_runs: Vec<&&Recent> =
        runs.iter().filter(|r| days_between(r.date, today) == 1).collect();
    let yesterday_hard = yesterday_runs.iter().find(|r| is_hard(r));
    let yesterday_long = yesterday_runs.iter().find(|r| r.run_type == Some(RunType::Long));
    let last_rest = (1..=14).find(|d| !runs.iter().any(|r| days_between(r.date, today) == *d));
    let days_since_rest = last_rest.map_or(14, |d| d - 1);
    let week_start = crate::review::week_start(today, jiff::civil::Weekday::Monday);
    let hard_this_week =
        runs.iter().filter(|r| r.date >= week_start && r.date < today && is_hard(r)).count();
    let easy_s = input.median_easy_s.unwrap_or(45.0 * 60.0);

    // The base session.
    let (source, base) = if let Some(w) = &input.planned {
        ("plan", w.clone())
    } else {
        let last_quality = runs.iter().filter(|r| is_hard(r)).map(|r| r.date).max();
        let quality_due = last_quality.is_none_or(|d| days_between(d, today) >= 3)
            && hard_this_week == 0
            && !runs.is_empty();
        let strides_lately = runs.iter().any(|r| {
            r.run_type == Some(RunType::EasyWithStrides) && days_between(r.date, today) <= 7
        });
        let kind = if quality_due {
            WorkoutKind::Tempo
        } else if strides_lately {
            WorkoutKind::Easy
        } else {
            WorkoutKind::Strides
        };
        let w = make(kind, easy_s).or_else(|| make(WorkoutKind::Easy, easy_s));
        ("history", w.unwrap_or_else(|| fallback_rest(today)))
    };

    let mut signals = Vec::new();
    let mut current = base.clone();
    let mut decided_by: Option<&'static str> = None;
    let mut decide = |name: &'static str,
                      value: String,
                      says: String,
                      to: Option<WorkoutKind>,
                      current: &mut Workout,
                      signals: &mut Vec<Signal>| {
        let mut decided = false;
        if let Some(k) = to {
            if decided_by.is_none() && current.kind != k {
                // The same recovery run `plan adapt` writes for the same signal.
                let seconds = if k == WorkoutKind::Recovery {
                    crate::plan::follow::RECOVERY_INSTEAD_S
                } else {
                    easy_s
                };
                if let Some(w) = make(k, seconds) {
                    *current = Workout { uid: current.uid.clone(), ..w };
                    decided_by = Some(name);
                    decided = true;
                }
            }
        }
        signals.push(Signal { name, value, says, decided });
    };
    let quality = |w: &Workout| w.kind.is_quality() && w.kind != WorkoutKind::Race;

    // Illness.
    if let Some((d, _, text)) = input.notes.iter().rev().find(|n| n.1 == "illness") {
        decide(
            "illness",
            format!("{text} ({d})"),
            "illness: rest until it has passed, then ease back in".into(),
            (current.kind != WorkoutKind::Race).then_some(WorkoutKind::Rest),
            &mut current,
            &mut signals,
        );
    }
    // Resting heart rate against its baseline.
    if let Some((bpm, base_hr)) = input.resting_hr {
        let rise = f64::from(bpm) - base_hr;
        let high = rise >= RESTING_HR_RISE;
        decide(
            "resting_hr",
            format!("{bpm} bpm, 7-day baseline {base_hr:.0}"),
            if high {
                format!("{rise:.0} bpm over baseline: not a day for hard work")
            } else {
                "normal".into()
            },
            (high && quality(&current)).then_some(WorkoutKind::Recovery),
            &mut current,
            &mut signals,
        );
    }
    if let Some((d, _, text)) = input.notes.iter().rev().find(|n| n.1 == "fatigue") {
        decide(
            "fatigue",
            format!("{text} ({d})"),
            "fatigue noted: recovery before more hard work".into(),
            quality(&current).then_some(WorkoutKind::Recovery),
            &mut current,
            &mut signals,
        );
    }
    // Yesterday.
    match (yesterday_hard, yesterday_long) {
        (Some(r), _) => decide(
            "yesterday",
            format!(
                "{} for {:.0} min",
                r.run_type.map_or("a hard session", RunType::words),
                r.duration_s / 60.0
            ),
            "after a hard day: a recovery run in Zone 1 or rest".into(),
            (current.kind != WorkoutKind::Rest && current.kind != WorkoutKind::Race)
                .then_some(WorkoutKind::Recovery),
            &mut current,
            &mut signals,
        ),
        (None, Some(r)) => decide(
            "yesterday",
            format!("long run of {:.0} min", r.duration_s / 60.0),
            "after the long run: a recovery run in Zone 1 or rest".into(),
            (current.kind != WorkoutKind::Rest && current.kind != WorkoutKind::Race)
                .then_some(WorkoutKind::Recovery),
            &mut current,
            &mut signals,
        ),
        (None, None) => signals.push(Signal {
            name: "yesterday",
            value: yesterday_runs.first().map_or_else(
                || "rest".to_owned(),
                |r| {
                    format!(
                        "{} for {:.0} min",
                        r.run_type.map_or("a run", RunType::words),
                        r.duration_s / 60.0
                    )
                },
            ),
            says: "nothing that needs recovery".into(),
            decided: false,
        }),
    }
    if let Some(r) = yesterday_runs.iter().filter_map(|r| r.rpe).reduce(f64::max) {
        let high = r >= HIGH_RPE;
        decide(
            "rpe",
            format!("{r:.0} of 10 yesterday"),
            if high { "a very hard day by feel: go easy".into() } else { "fine".into() },
            (high && quality(&current)).then_some(WorkoutKind::Recovery),
            &mut current,
            &mut signals,
        );
    }
    if let Some(t) = input.tsb {
        let deep = t < TSB_FATIGUED;
        decide(
            "tsb",
            format!("{t:.0}"),
            if deep {
                "deep fatigue in the training-stress balance: recover first".into()
            } else if t < -10.0 {
                "training load is high but productive".into()
            } else {
                "fresh enough".into()
            },
            (deep && quality(&current)).then_some(WorkoutKind::Recovery),
            &mut current,
            &mut signals,
        );
    }
    decide(
        "hard_days",
        format!("{hard_this_week} this week"),
        if hard_this_week >= 2 {
            "two hard days this week already: the rest of the week is easy".into()
        } else {
            "room for one more".into()
        },
        (hard_this_week >= 2 && quality(&current)).then_some(WorkoutKind::Easy),
        &mut current,
        &mut signals,
    );
    if let Some((share, sessions)) = input.week_easy_share {
        let low = share < 0.75 && sessions >= 2;
        decide(
            "easy_share",
            format!("{:.0} % easy this week ({sessions} sessions)", share * 100.0),
            if low {
                "under 80/20 this week: keep today easy".into()
            } else {
                "on track for 80/20".into()
            },
            (low && quality(&current)).then_some(WorkoutKind::Easy),
            &mut current,
            &mut signals,
        );
    }
    let long_streak = days_since_rest >= MAX_DAYS_WITHOUT_REST;
    decide(
        "days_since_rest",
        format!("{days_since_rest} days since the last rest day"),
        if long_streak {
            "six days or more without rest: take a day off".into()
        } else {
            "rested recently".into()
        },
        (long_streak && current.kind != WorkoutKind::Race).then_some(WorkoutKind::Rest),
        &mut current,
        &mut signals,
    );

    let changed = current != base;
    Recommendation {
        source,
        planned: (changed && source == "plan").then_some(base),
        workout: current,
        decided_by,
        signals,
    }
}

fn fallback_rest(date: Date) -> Workout {
    Workout {
        date,
        slot: 0,
        kind: WorkoutKind::Rest,
        intensity: Intensity::Rest,
        duration_s: 0.0,
        distance_m: None,
        hr_low: None,
        hr_high: None,
        pace_fast_s_per_km: None,
        pace_slow_s_per_km: None,
        rpe: 0,
        purpose: "Rest".into(),
        steps: Vec::new(),
        work_s: 0.0,
        uid: "today".into(),
        sequence: 0,
    }
}

#[cfg(test)]
mod tests;

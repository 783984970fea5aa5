//! Following a plan: planned against done, and adapting what is still ahead.
//!
//! # Design
//! - [`compare`] matches each planned session to one imported run (same day ± 1, a compatible
//!   type, the closest duration) and marks it done, changed, missed or still planned; runs that
//!   match nothing inside the plan's dates are extra. The plan is only read.
//! - [`adapt`] writes what changes as a new revision: only days from `today` on change, each
//!   change names its signal, and each changed workout's `sequence` grows (calendars update the
//!   event rather than adding one).

use jiff::civil::Date;
use serde::Serialize;

use super::{add_days, days_between, session, Intensity, Plan, PlanAthlete, Workout, WorkoutKind};
use crate::classify::RunType;

/// One imported run, as the plan comparison needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub id: i64,
    pub date: Date,
    pub run_type: Option<RunType>,
    pub duration_s: f64,
    /// The session's intensity from its heart rate (or pace), when known.
    pub intensity: Option<Intensity>,
}

/// What became of a planned session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Run as planned (type, duration within 20 %, no harder).
    Done,
    /// Run, but differently (the note says how).
    Changed,
    /// Not run, and its day is past.
    Missed,
    /// Still ahead (or today, not yet run).
    Planned,
    /// A rest day kept.
    Rested,
    /// A rest day run through.
    NotRested,
}

impl Status {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Changed => "changed",
            Status::Missed => "missed",
            Status::Planned => "planned",
            Status::Rested => "rested",
            Status::NotRested => "not_rested",
        }
    }
}

/// A planned session and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub date: Date,
    pub slot: u8,
    pub uid: String,
    pub kind: WorkoutKind,
    pub status: Status,
    /// The run that matched it.
    pub activity: Option<i64>,
    /// How a changed session differed, in words.
    pub note: Option<String>,
}

/// The comparison of a plan with what was run.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Comparison {
    pub outcomes: Vec<Outcome>,
    /// Runs inside the plan's dates that match no planned session: `(id, date)`.
    pub extra: Vec<(i64, Date)>,
}

/// Run types that count as doing a planned kind.
fn compatible(kind: WorkoutKind, t: RunType) -> bool {
    use RunType as R;
    use WorkoutKind as K;
    match kind {
        K::Rest => false,
        K::Recovery => matches!(t, R::Recovery | R::Easy),
        K::Easy => matches!(t, R::Easy | R::Recovery | R::EasyWithStrides | R::Long),
        K::Strides => matches!(t, R::EasyWithStrides | R::Easy),
        K::Long => matches!(t, R::Long | R::Easy),
        K::Steady => matches!(t, R::Steady | R::Tempo | R::Long | R::Easy),
        K::Tempo => matches!(t, R::Tempo | R::Steady | R::Threshold),
        K::Threshold => matches!(t, R::Threshold | R::Tempo | R::Intervals),
        K::Intervals | K::Hills => matches!(t, R::Intervals | R::Threshold),
        K::Race => matches!(t, R::Race),
    }
}

fn is_run(t: Option<RunType>) -> bool {
    !matches!(t, Some(RunType::Walk | RunType::Hike | RunType::OtherSport))
}

fn rank(i: Intensity) -> u8 {
    match i {
        Intensity::Rest => 0,
        Intensity::Easy => 1,
        Intensity::Moderate => 2,
        Intensity::Hard => 3,
    }
}

/// Planned against done, on `today` (sessions from today on without a run are still planned).
#[must_use]
pub fn compare(plan: &Plan, done: &[Done], today: Date) -> Comparison {
    let mut runs: Vec<&Done> = done.iter().filter(|d| is_run(d.run_type)).collect();
    runs.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    let mut used = vec![false; runs.len()];
    let workouts: Vec<&Workout> = plan.weeks.iter().flat_map(|w| &w.workouts).collect();
    let mut outcomes = Vec::with_capacity(workouts.len());
    // Sessions first, then rest days (a run on a rest day may be a moved session). A run of a
    // compatible type on the session's day first, then any run on its day (changed), then a
    // compatible run a day away (moved).
    let sessions: Vec<&&Workout> =
        workouts.iter().filter(|w| w.kind != WorkoutKind::Rest).collect();
    let mut matched: Vec<Option<usize>> = vec![None; sessions.len()];
    for (max_gap, must_fit) in [(0, true), (0, false), (1, true)] {
        for (si, w) in sessions.iter().enumerate() {
            if matched[si].is_some() {
                continue;
            }
            let mut best: Option<(usize, (u8, u64))> = None;
            for (i, r) in runs.iter().enumerate() {
                if used[i] || days_between(w.date, r.date).abs() != max_gap {
                    continue;
                }
                let fits = r.run_type.is_some_and(|t| compatible(w.kind, t));
                let ratio = if w.duration_s > 0.0 { r.duration_s / w.duration_s } else { 1.0 };
                // A compatible type first, then the closest duration.
                let key = (u8::from(!fits), (ratio.ln().abs() * 1000.0) as u64);
                if must_fit && !fits {
                    continue;
                }
                if best.as_ref().is_none_or(|(_, k)| key < *k) {
                    best = Some((i, key));
                }
            }
            if let Some((i, _)) = best {
                used[i] = true;
                matched[si] = Some(i);
            }
        }
    }
    for (si, w) in sessions.iter().enumerate() {
        let outcome = match matched[si] {
            Some(i) => {
                let r = runs[i];
                let (status, note) = judge(w, r);
                Outcome {
                    date: w.date,
                    slot: w.slot,
                    uid: w.uid.clone(),
                    kind: w.kind,
                    status,
                    activity: Some(r.id),
                    note,
                }
            }
            None => Outcome {
                date: w.date,
                slot: w.slot,
                uid: w.uid.clone(),
                kind: w.kind,
                status: if w.date < today { Status::Missed } else { Status::Planned },
                activity: None,
                note: None,
            },
        };
        outcomes.push(outcome);
    }
    for w in workouts.iter().filter(|w| w.kind == WorkoutKind::Rest) {
        let ran = runs.iter().enumerate().find(|(i, r)| !used[*i] && r.date == w.date);
        let (status, activity) = match ran {
            Some((i, r)) => {
                used[i] = true;
                (Status::NotRested, Some(r.id))
            }
            None if w.date < today => (Status::Rested, None),
            None => (Status::Planned, None),
        };
        outcomes.push(Outcome {
            date: w.date,
            slot: w.slot,
            uid: w.uid.clone(),
            kind: w.kind,
            status,
            activity,
            note: None,
        });
    }
    outcomes.sort_by(|a, b| a.date.cmp(&b.date).then(a.slot.cmp(&b.slot)));
    let first = workouts.first().map(|w| w.date);
    let last = workouts.last().map(|w| w.date);
    let extra = runs
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            !used[*i] && first.is_some_and(|f| r.date >= f) && last.is_some_and(|l| r.date <= l)
        })
        .map(|(_, r)| (r.id, r.date))
        .collect();
    Comparison { outcomes, extra }
}

fn judge(w: &Workout, r: &Done) -> (Status, Option<String>) {
    let mut notes = Vec::new();
    if let Some(t) = r.run_type {
        if !compatible(w.kind, t) {
            notes.push(format!("{} instead of {}", t.words(), w.kind.words()));
        }
    }
    let ratio = if w.duration_s > 0.0 { r.duration_s / w.duration_s } else { 1.0 };
    if !(0.8..=1.2).contains(&ratio) {
        notes.push(format!("{:.0} min instead of {:.0}", r.duration_s / 60.0, w.duration_s / 60.0));
    }
    if let Some(i) = r.intensity {
        if rank(i) > rank(w.intensity) {
            notes.push(format!("{} instead of {}", i.name(), w.intensity.name()));
        }
    }
    if r.date != w.date {
        notes.push(format!("on {} instead of {}", r.date, w.date));
    }
    // A day moved is still done when nothing else differs.
    let only_moved = notes.len() == 1 && r.date != w.date;
    if notes.is_empty() || only_moved {
        (Status::Done, only_moved.then(|| notes.join("; ")))
    } else {
        (Status::Changed, Some(notes.join("; ")))
    }
}

/// What slowburn knows on `today` that may change the plan ahead.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Signals {
    /// Today's logged resting heart rate and its baseline (mean of the 7 days before).
    pub resting_hr: Option<(u8, f64)>,
    /// The latest illness note of the last two days.
    pub illness: Option<(Date, String)>,
    /// The latest fatigue note of the last two days.
    pub fatigue: Option<(Date, String)>,
    /// Consecutive weeks, up to last week, whose easy runs drifted into the grey zone.
    pub grey_weeks: u32,
    /// Top of the easy domain, bpm (for the advice when easy runs drift grey).
    pub easy_ceiling: Option<u8>,
}

/// Resting HR this many bpm over its 7-day baseline turns a hard day easy (about 5 bpm:
/// Buchheit 2014; a rise of that size goes with fatigue, illness or heat).
pub const RESTING_HR_RISE: f64 = 5.0;

/// The recovery run that replaces a hard session when a signal says so, seconds.
pub const RECOVERY_INSTEAD_S: f64 = 30.0 * 60.0;

/// One change adaptation made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub date: Date,
    pub from: WorkoutKind,
    pub to: WorkoutKind,
    pub from_duration_s: f64,
    pub to_duration_s: f64,
    /// The signal that decided it, in words.
    pub why: String,
}

/// A new revision's plan and what changed; `None` when nothing needs to change.
#[derive(Debug, Clone, PartialEq)]
pub struct Adaptation {
    pub plan: Plan,
    pub changes: Vec<Change>,
    /// The revision's reason, in one line.
    pub reason: String,
}

/// Adapt the plan ahead (from `today`) to what was done and what the signals say.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn adapt(
    plan: &Plan,
    cmp: &Comparison,
    signals: &Signals,
    athlete: &PlanAthlete,
    today: Date,
) -> Option<Adaptation> {
    let mut new = plan.clone();
    let mut changes: Vec<Change> = Vec::new();
    let req = &plan.request;
    let status_on = |d: Date| cmp.outcomes.iter().filter(move |o| o.date == d && o.slot == 0);
    let replace =
        |w: &mut Workout, to: WorkoutKind, seconds: f64, why: String, ch: &mut Vec<Change>| {
            let Some(mut x) =
                session(to, w.date, seconds, seconds * 5.0, req.level, req.goal, athlete, "")
            else {
                return;
            };
            x.uid.clone_from(&w.uid);
            x.slot = w.slot;
            x.sequence = w.sequence + 1;
            ch.push(Change {
                date: w.date,
                from: w.kind,
                to,
                from_duration_s: w.duration_s,
                to_duration_s: x.duration_s,
                why,
            });
            *w = x;
        };

    // 1. Illness, a raised resting HR, fatigue: today's and tomorrow's quality sessions.
    let tomorrow = add_days(today, 1);
    let rhr_high =
        signals.resting_hr.filter(|(bpm, base)| f64::from(*bpm) >= base + RESTING_HR_RISE);
    for w in new.weeks.iter_mut().flat_map(|w| &mut w.workouts) {
        if w.date < today || w.date > tomorrow || w.kind == WorkoutKind::Rest {
            continue;
        }
        if let Some((d, text)) = &signals.illness {
            replace(
                w,
                WorkoutKind::Rest,
                0.0,
                format!("illness noted on {d} ({text}): rest until it has passed"),
                &mut changes,
            );
        } else if w.kind.is_quality() && w.kind != WorkoutKind::Race {
            if let Some((bpm, base)) = rhr_high {
                replace(
                    w,
                    WorkoutKind::Recovery,
                    RECOVERY_INSTEAD_S,
                    format!(
                        "resting HR {bpm} bpm is {:.0} over its 7-day baseline of {base:.0}: a recovery run instead of the {}",
                        f64::from(bpm) - base,
                        w.kind.words()
                    ),
                    &mut changes,
                );
            } else if let Some((d, text)) = &signals.fatigue {
                replace(
                    w,
                    WorkoutKind::Recovery,
                    RECOVERY_INSTEAD_S,
                    format!(
                        "fatigue noted on {d} ({text}): a recovery run instead of the {}",
                        w.kind.words()
                    ),
                    &mut changes,
                );
            }
        }
    }

    // 2. Skipped recovery: yesterday was to be easy (recovery or rest) and was run hard.
    let yesterday = add_days(today, -1);
    let skipped = status_on(yesterday).find(|o| {
        matches!(o.kind, WorkoutKind::Recovery | WorkoutKind::Rest)
            && matches!(o.status, Status::Changed | Status::NotRested)
    });
    if let Some(o) = skipped {
        let what = if o.kind == WorkoutKind::Rest { "the rest day" } else { "the recovery run" };
        for w in new.weeks.iter_mut().flat_map(|w| &mut w.workouts) {
            if w.date == today
                && w.slot == 0
                && w.kind != WorkoutKind::Rest
                && w.kind != WorkoutKind::Race
            {
                replace(
                    w,
                    WorkoutKind::Rest,
                    0.0,
                    format!(
                        "yesterday {what} was run through ({}): rest today instead",
                        o.note.clone().unwrap_or_else(|| "a run on a rest day".into())
                    ),
                    &mut changes,
                );
            }
        }
    }

    // 3. A missed week is not made up, and grey drift holds the ramp: the weeks ahead grow from
    //    what was run, not from what was planned.
    let this_monday = super::monday_of(today);
    let last_week: Vec<&super::Week> =
        plan.weeks.iter().filter(|w| w.start == add_days(this_monday, -7)).collect();
    let mut hold: Option<(f64, String)> = None;
    if let Some(w) = last_week.first() {
        let planned = w.planned.duration_s;
        let ran: f64 = cmp
            .outcomes
            .iter()
            .filter(|o| {
                o.date >= w.start
                    && o.date < this_monday
                    && matches!(o.status, Status::Done | Status::Changed)
            })
            .filter_map(|o| w.workouts.iter().find(|x| x.uid == o.uid).map(|x| x.duration_s))
            .sum();
        if planned > 0.0 && ran < 0.6 * planned {
            let cap = (ran.max(0.5 * planned)) * 1.1;
            hold = Some((
                cap,
                format!(
                    "last week {:.0} of {:.0} planned minutes were run: this week is not made up \
                     but held near what you ran",
                    ran / 60.0,
                    planned / 60.0
                ),
            ));
        } else if signals.grey_weeks >= 2 {
            hold = Some((
                planned,
                format!(
                    "easy runs drifted into the grey zone {} weeks running: volume is held at \
                     last week's until they stay easy{}",
                    signals.grey_weeks,
                    signals.easy_ceiling.map_or(String::new(), |c| format!(" (under {c} bpm)"))
                ),
            ));
        }
    }
    if let Some((cap, why)) = hold {
        if let Some(week) = new.weeks.iter_mut().find(|w| w.start == this_monday) {
            let total = week.planned.duration_s;
            if total > cap && total > 0.0 {
                let scalable: f64 = week
                    .workouts
                    .iter()
                    .filter(|x| {
                        x.date >= today
                            && matches!(
                                x.kind,
                                WorkoutKind::Easy
                                    | WorkoutKind::Strides
                                    | WorkoutKind::Long
                                    | WorkoutKind::Recovery
                            )
                    })
                    .map(|x| x.duration_s)
                    .sum();
                let cut = (total - cap).min(scalable * 0.5);
                if scalable > 0.0 && cut > 60.0 {
                    let f = 1.0 - cut / scalable;
                    for x in week.workouts.iter_mut().filter(|x| x.date >= today) {
                        if matches!(
                            x.kind,
                            WorkoutKind::Easy
                                | WorkoutKind::Strides
                                | WorkoutKind::Long
                                | WorkoutKind::Recovery
                        ) {
                            let to = ((x.duration_s * f / 300.0).round() * 300.0).max(20.0 * 60.0);
                            if (to - x.duration_s).abs() >= 60.0 {
                                changes.push(Change {
                                    date: x.date,
                                    from: x.kind,
                                    to: x.kind,
                                    from_duration_s: x.duration_s,
                                    to_duration_s: to,
                                    why: why.clone(),
                                });
                                let k = to / x.duration_s;
                                x.distance_m = x.distance_m.map(|d| (d * k / 10.0).round() * 10.0);
                                for s in &mut x.steps {
                                    s.duration_s = s.duration_s.map(|d| (d * k).round());
                                }
                                x.duration_s = to;
                                x.sequence += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    if changes.is_empty() {
        return None;
    }
    for w in &mut new.weeks {
        w.planned = super::totals(&w.workouts);
    }
    changes.sort_by_key(|c| c.date);
    let mut whys: Vec<&str> = Vec::new();
    for c in &changes {
        if !whys.contains(&c.why.as_str()) {
            whys.push(&c.why);
        }
    }
    let reason = whys.join("; ");
    Some(Adaptation { plan: new, changes, reason })
}

#[cfg(test)]
mod tests;

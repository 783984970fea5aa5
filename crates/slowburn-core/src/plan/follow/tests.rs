use super::*;
use crate::plan::tests_support::{as_run, athlete, sample_plan};

fn done(id: i64, date: Date, t: RunType, min: f64, i: Intensity) -> Done {
    Done { id, date, run_type: Some(t), duration_s: min * 60.0, intensity: Some(i) }
}

fn find<'a>(plan: &'a Plan, uid: &str) -> &'a Workout {
    plan.weeks.iter().flat_map(|w| &w.workouts).find(|w| w.uid == uid).expect("the workout")
}

#[test]
fn a_planned_week_run_as_planned_moved_changed_and_missed() {
    let plan = sample_plan();
    let week = &plan.weeks[1];
    let sessions: Vec<&Workout> =
        week.workouts.iter().filter(|w| w.kind != WorkoutKind::Rest).collect();
    // b: the session before a rest day, run on the rest day.
    let b = plan.weeks[0].workouts.last().expect("last week's Sunday");
    assert_eq!(week.workouts[0].kind, WorkoutKind::Rest, "Monday rest");
    let (a, c) = (sessions[0], sessions[3]);
    let runs = vec![
        // As planned.
        done(1, a.date, as_run(a.kind), a.duration_s / 60.0, a.intensity),
        // A day late, otherwise as planned.
        done(2, add_days(b.date, 1), as_run(b.kind), b.duration_s / 60.0, b.intensity),
        // Same day, twice as long.
        done(3, c.date, as_run(c.kind), c.duration_s / 30.0, c.intensity),
    ];
    let today = add_days(week.start, 7);
    let cmp = compare(&plan, &runs, today);
    let of = |w: &Workout| cmp.outcomes.iter().find(|o| o.uid == w.uid).expect("an outcome");
    assert_eq!((of(a).status, of(a).activity), (Status::Done, Some(1)));
    assert_eq!((of(b).status, of(b).activity), (Status::Done, Some(2)));
    assert!(of(b).note.as_deref().is_some_and(|n| n.contains("instead of")));
    assert_eq!((of(c).status, of(c).activity), (Status::Changed, Some(3)));
    assert!(
        of(c).note.as_deref().is_some_and(|n| n.contains("min instead of")),
        "{:?}",
        of(c).note
    );
    let missed = sessions.iter().filter(|w| of(w).status == Status::Missed).count();
    assert_eq!(missed, sessions.len() - 2);
    // Later weeks: still planned.
    let later = &plan.weeks[3].workouts[0];
    assert_eq!(of(later).status, Status::Planned);
}

#[test]
fn a_run_on_a_rest_day_is_not_rested_and_runs_outside_the_plan_are_not_extra() {
    let plan = sample_plan();
    let week = &plan.weeks[1];
    let rest = week.workouts.iter().find(|w| w.kind == WorkoutKind::Rest).expect("a rest day");
    // Both neighbours are run as planned, so the run on the rest day is the rest day's.
    let mut runs = vec![done(9, rest.date, RunType::Easy, 30.0, Intensity::Easy)];
    let two_weeks = plan.weeks[..2].iter().flat_map(|w| &w.workouts);
    for w in two_weeks.filter(|w| w.kind != WorkoutKind::Rest) {
        runs.push(done(
            100 + runs.len() as i64,
            w.date,
            as_run(w.kind),
            w.duration_s / 60.0,
            w.intensity,
        ));
    }
    let cmp = compare(&plan, &runs, add_days(week.start, 7));
    let o = cmp.outcomes.iter().find(|o| o.uid == rest.uid).expect("rest outcome");
    assert_eq!((o.status, o.activity), (Status::NotRested, Some(9)));
    let far = done(10, add_days(plan.request.race_date, 30), RunType::Easy, 30.0, Intensity::Easy);
    assert!(compare(&plan, &[far], plan.request.race_date).extra.is_empty());
    // One run more on a day whose session is run: extra.
    let day = runs[1].date;
    runs.push(done(12, day, RunType::Easy, 30.0, Intensity::Easy));
    let cmp = compare(&plan, &runs, add_days(week.start, 7));
    assert_eq!(cmp.extra, vec![(12, day)]);
}

#[test]
fn illness_rests_and_a_raised_resting_hr_turns_tomorrows_hard_day_into_recovery() {
    let plan = sample_plan();
    let q = plan
        .weeks
        .iter()
        .flat_map(|w| &w.workouts)
        .find(|w| w.kind.is_quality() && w.date > plan.request.start)
        .expect("a quality session");
    let today = add_days(q.date, -1);
    let cmp = compare(&plan, &[], today);
    let s = Signals { resting_hr: Some((62, 55.0)), ..Signals::default() };
    let a = adapt(&plan, &cmp, &s, &athlete(), today).expect("an adaptation");
    let changed = find(&a.plan, &q.uid);
    assert_eq!(changed.kind, WorkoutKind::Recovery);
    assert_eq!(changed.sequence, q.sequence + 1);
    assert!(
        a.changes.iter().any(|c| c.why.contains("resting HR 62 bpm is 7 over")),
        "{:?}",
        a.changes
    );
    // Nothing before today changes.
    let old = plan.weeks.iter().flat_map(|w| &w.workouts);
    for (o, n) in old.zip(a.plan.weeks.iter().flat_map(|w| &w.workouts)) {
        if o.date < today {
            assert_eq!(o, n);
        }
    }
    let s = Signals { illness: Some((today, "fever".into())), ..Signals::default() };
    let a = adapt(&plan, &cmp, &s, &athlete(), today).expect("an adaptation");
    assert_eq!(find(&a.plan, &q.uid).kind, WorkoutKind::Rest);
    // A normal resting HR changes nothing.
    let s = Signals { resting_hr: Some((58, 55.0)), ..Signals::default() };
    let week_before = add_days(plan.weeks[0].start, 3);
    let early = compare(&plan, &[], week_before);
    assert!(adapt(&plan, &early, &s, &athlete(), week_before).is_none());
}

#[test]
fn a_missed_week_is_not_made_up_and_holds_the_next() {
    let plan = sample_plan();
    let w2 = &plan.weeks[2];
    let today = w2.start; // Monday of week 3; week 2 entirely missed
    let cmp = compare(&plan, &[], today);
    let a = adapt(&plan, &cmp, &Signals::default(), &athlete(), today).expect("held");
    let new_total = a.plan.weeks[2].planned.duration_s;
    assert!(new_total < w2.planned.duration_s, "{new_total} vs {}", w2.planned.duration_s);
    assert!(a.reason.contains("not made up"), "{}", a.reason);
    for (o, n) in plan.weeks.iter().zip(&a.plan.weeks) {
        assert!(n.planned.duration_s <= o.planned.duration_s + 1.0);
    }
}

#[test]
fn grey_drift_for_two_weeks_holds_the_volume_at_last_weeks() {
    let plan = sample_plan();
    // Week 3 grows over week 2; all of week 2 run as planned.
    let (w1, w2) = (&plan.weeks[1], &plan.weeks[2]);
    assert!(w2.planned.duration_s > w1.planned.duration_s);
    let runs: Vec<Done> = w1
        .workouts
        .iter()
        .filter(|w| w.kind != WorkoutKind::Rest)
        .enumerate()
        .map(|(i, w)| done(i as i64, w.date, as_run(w.kind), w.duration_s / 60.0, w.intensity))
        .collect();
    let cmp = compare(&plan, &runs, w2.start);
    let s = Signals { grey_weeks: 2, easy_ceiling: Some(131), ..Signals::default() };
    let a = adapt(&plan, &cmp, &s, &athlete(), w2.start).expect("held");
    assert!(a.plan.weeks[2].planned.duration_s <= w1.planned.duration_s + 5.0 * 60.0);
    assert!(a.reason.contains("grey zone") && a.reason.contains("under 131 bpm"), "{}", a.reason);
}

#[test]
fn skipped_recovery_inserts_rest() {
    let plan = sample_plan();
    let all: Vec<&Workout> = plan.weeks.iter().flat_map(|w| &w.workouts).collect();
    // A recovery run followed by a running day.
    let rec = all
        .windows(2)
        .find(|p| {
            p[0].kind == WorkoutKind::Recovery
                && p[1].kind != WorkoutKind::Rest
                && p[1].date == add_days(p[0].date, 1)
        })
        .map(|p| p[0])
        .expect("a recovery run before a running day");
    let today = add_days(rec.date, 1);
    let runs = vec![done(5, rec.date, RunType::Tempo, 50.0, Intensity::Moderate)];
    let cmp = compare(&plan, &runs, today);
    let a = adapt(&plan, &cmp, &Signals::default(), &athlete(), today).expect("rest inserted");
    let t = a.plan.weeks.iter().flat_map(|w| &w.workouts).find(|w| w.date == today && w.slot == 0);
    assert_eq!(t.map(|t| t.kind), Some(WorkoutKind::Rest));
    assert!(a.reason.contains("recovery run was run through"), "{}", a.reason);
}

use super::*;
use crate::plan;
use crate::plan::tests_support::athlete;
use jiff::civil::{date, Weekday};

fn planned(kind: WorkoutKind, on: Date) -> Workout {
    plan::session(
        kind,
        on,
        45.0 * 60.0,
        300.0 * 60.0,
        Level::Intermediate,
        Goal::Half,
        &athlete(),
        "p",
    )
    .expect("a session")
}

fn run(on: Date, t: RunType, i: Intensity, min: f64) -> Recent {
    Recent { date: on, run_type: Some(t), intensity: Some(i), duration_s: min * 60.0, rpe: None }
}

const TODAY: Date = date(2027, 3, 10);

fn base_input() -> TodayInput {
    TodayInput {
        recent: vec![run(date(2027, 3, 8), RunType::Easy, Intensity::Easy, 45.0)],
        ..TodayInput::default()
    }
}

#[test]
fn a_planned_session_stands_when_no_signal_says_otherwise() {
    let input =
        TodayInput { planned: Some(planned(WorkoutKind::Threshold, TODAY)), ..base_input() };
    let r = recommend(&input, &athlete(), TODAY);
    assert_eq!((r.source, r.workout.kind, r.decided_by), ("plan", WorkoutKind::Threshold, None));
    assert!(r.planned.is_none());
    assert!(r.signals.iter().all(|s| !s.decided));
}

#[test]
fn a_raised_resting_heart_rate_turns_a_hard_day_into_a_recovery_run() {
    let input = TodayInput {
        planned: Some(planned(WorkoutKind::Intervals, TODAY)),
        resting_hr: Some((61, 54.9)),
        ..base_input()
    };
    let r = recommend(&input, &athlete(), TODAY);
    assert_eq!(r.workout.kind, WorkoutKind::Recovery);
    assert_eq!(r.decided_by, Some("resting_hr"));
    assert_eq!(r.planned.map(|p| p.kind), Some(WorkoutKind::Intervals));
    // Zone 1 of 188 by % of max tops out at 112 bpm.
    assert_eq!(r.workout.hr_high, Some(112));
    // 4.9 bpm over is under the 5-bpm line.
    let input = TodayInput { resting_hr: Some((60, 55.1)), ..input };
    assert_eq!(recommend(&input, &athlete(), TODAY).workout.kind, WorkoutKind::Intervals);
}

#[test]
fn illness_is_rest_and_decides_before_anything_else() {
    let input = TodayInput {
        planned: Some(planned(WorkoutKind::Easy, TODAY)),
        notes: vec![(date(2027, 3, 9), "illness".into(), "sore throat, 38.2 °C".into())],
        resting_hr: Some((66, 55.0)),
        ..base_input()
    };
    let r = recommend(&input, &athlete(), TODAY);
    assert_eq!((r.workout.kind, r.decided_by), (WorkoutKind::Rest, Some("illness")));
    assert_eq!(r.signals.iter().filter(|s| s.decided).count(), 1);
}

#[test]
fn the_day_after_a_hard_session_is_recovery_whatever_the_plan_says() {
    let input = TodayInput {
        planned: Some(planned(WorkoutKind::Tempo, TODAY)),
        recent: vec![run(date(2027, 3, 9), RunType::Intervals, Intensity::Hard, 60.0)],
        ..TodayInput::default()
    };
    let r = recommend(&input, &athlete(), TODAY);
    assert_eq!((r.workout.kind, r.decided_by), (WorkoutKind::Recovery, Some("yesterday")));
}

#[test]
fn two_hard_days_this_week_or_a_low_easy_share_keep_today_easy() {
    // Wednesday 10 March: two hard sessions on Monday 8 already.
    let input = TodayInput {
        planned: Some(planned(WorkoutKind::Threshold, TODAY)),
        recent: vec![
            run(date(2027, 3, 8), RunType::Threshold, Intensity::Hard, 60.0),
            run(date(2027, 3, 8), RunType::Tempo, Intensity::Moderate, 40.0),
        ],
        ..TodayInput::default()
    };
    let r = recommend(&input, &athlete(), TODAY);
    assert_eq!((r.workout.kind, r.decided_by), (WorkoutKind::Easy, Some("hard_days")));
    let input = TodayInput {
        planned: Some(planned(WorkoutKind::Threshold, TODAY)),
        week_easy_share: Some((0.62, 3)),
        ..base_input()
    };
    let r = recommend(&input, &athlete(), TODAY);
    assert_eq!((r.workout.kind, r.decided_by), (WorkoutKind::Easy, Some("easy_share")));
}

#[test]
fn six_days_without_rest_is_a_rest_day() {
    let recent =
        (1..=6).map(|d| run(date(2027, 3, 10 - d), RunType::Easy, Intensity::Easy, 40.0)).collect();
    let input = TodayInput {
        planned: Some(planned(WorkoutKind::Easy, TODAY)),
        recent,
        ..TodayInput::default()
    };
    let r = recommend(&input, &athlete(), TODAY);
    assert_eq!((r.workout.kind, r.decided_by), (WorkoutKind::Rest, Some("days_since_rest")));
}

#[test]
fn without_a_plan_the_history_suggests_quality_when_it_is_due_and_easy_otherwise() {
    // Last hard day five days ago, nothing hard this week: a tempo is due.
    let input = TodayInput {
        recent: vec![
            run(date(2027, 3, 5), RunType::Threshold, Intensity::Hard, 55.0),
            run(date(2027, 3, 7), RunType::EasyWithStrides, Intensity::Easy, 45.0),
        ],
        median_easy_s: Some(50.0 * 60.0),
        weekly_s: Some(300.0 * 60.0),
        ..TodayInput::default()
    };
    let r = recommend(&input, &athlete(), TODAY);
    assert_eq!((r.source, r.workout.kind), ("history", WorkoutKind::Tempo));
    // A hard day two days ago: easy (strides already this week → plain easy), 50 min.
    let input = TodayInput {
        recent: vec![
            run(date(2027, 3, 8), RunType::Threshold, Intensity::Hard, 55.0),
            run(date(2027, 3, 7), RunType::EasyWithStrides, Intensity::Easy, 45.0),
        ],
        ..input
    };
    let r = recommend(&input, &athlete(), TODAY);
    assert_eq!((r.workout.kind, r.workout.duration_s), (WorkoutKind::Easy, 3000.0));
    assert_eq!(r.workout.date.weekday(), Weekday::Wednesday);
}

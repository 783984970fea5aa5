use super::*;
use crate::athlete::{Athlete, ProfileEntry};
use crate::zones::ZoneModel;
use jiff::civil::date;
use proptest::prelude::*;

fn zones(max: u8, model: &ZoneModel) -> ZoneTable {
    let d = date(2024, 1, 1);
    let p = Athlete::from_entries(vec![ProfileEntry {
        max_hr: Some(max),
        resting_hr: Some(50),
        lthr: Some((f64::from(max) * 0.89) as u8),
        ..ProfileEntry::new(d)
    }])
    .at(d);
    model.zones(&p).expect("zones from a full profile")
}

fn request(goal: Goal, level: Level, weeks: i64, days: u8, volume_min: f64) -> PlanRequest {
    let start = date(2026, 12, 7);
    PlanRequest {
        goal,
        race_date: add_days(start, 7 * weeks - 1),
        start,
        days_per_week: days,
        level,
        start_weekly_s: volume_min * 60.0,
        long_run_day: Weekday::Sunday,
        rest_day: Weekday::Monday,
        doubles: false,
    }
}

fn athlete(max: Option<u8>) -> PlanAthlete {
    PlanAthlete {
        zones: max.map(|m| zones(m, &ZoneModel::PercentMax)),
        hr_pace: Vec::new(),
        threshold_pace_s_per_km: None,
        max_hr: max,
    }
}

fn assert_obeys(plan: &Plan) {
    let broken = check(plan);
    assert!(broken.is_empty(), "rules broken: {broken:#?}");
}

#[test]
fn a_24_week_marathon_plan_has_the_phases_in_order_and_ends_with_the_race() {
    let req = request(Goal::Marathon, Level::Intermediate, 24, 5, 240.0);
    let plan = create(&req, &athlete(Some(188)), "t").unwrap();
    assert_eq!(plan.weeks.len(), 24);
    let phases: Vec<Phase> = plan.weeks.iter().map(|w| w.phase).collect();
    // Build of 21 weeks: sharpening round(6.3) = 6, hills round(4.2) = 4, base 11; taper 2.
    let count = |p| phases.iter().filter(|&&x| x == p).count();
    assert_eq!(
        (count(Phase::Base), count(Phase::Hills), count(Phase::Sharpening), count(Phase::Taper)),
        (11, 4, 6, 2)
    );
    assert!(phases.windows(2).all(|w| w[0] as u8 <= w[1] as u8), "phases in order: {phases:?}");
    assert_eq!(phases.last(), Some(&Phase::Race));
    let race = plan.weeks.last().unwrap().workouts.iter().find(|w| w.kind == WorkoutKind::Race);
    assert_eq!(race.map(|r| r.date), Some(req.race_date));
    assert_eq!(race.and_then(|r| r.distance_m), Some(42_195.0));
    assert_obeys(&plan);
}

#[test]
fn volume_grows_eight_percent_with_every_fourth_week_lighter() {
    let req = request(Goal::Marathon, Level::Intermediate, 24, 5, 240.0);
    let plan = create(&req, &athlete(Some(188)), "t").unwrap();
    let t: Vec<f64> = plan.weeks.iter().map(|w| (w.target_s / 60.0).round()).collect();
    // 240, 259.2, 279.9, then 0.8 × 279.9 = 223.9, then 302.3 …
    assert_eq!(&t[..5], &[240.0, 259.0, 280.0, 224.0, 302.0]);
    assert!(plan.weeks[3].lighter && !plan.weeks[4].lighter);
    // The peak is capped at 420 min for an intermediate marathoner.
    assert!(t.iter().all(|&v| v <= 420.0));
}

#[test]
fn every_week_has_the_day_after_the_long_run_as_rest_or_recovery() {
    let req = request(Goal::Half, Level::Experienced, 16, 6, 360.0);
    let plan = create(&req, &athlete(Some(180)), "t").unwrap();
    for w in &plan.weeks {
        for x in w.workouts.iter().filter(|x| x.kind == WorkoutKind::Long) {
            assert_eq!(x.date.weekday(), Weekday::Sunday);
        }
    }
    assert_obeys(&plan);
}

#[test]
fn a_novice_gets_easy_running_and_strides_in_the_base() {
    let req = request(Goal::TenK, Level::Novice, 14, 3, 90.0);
    let plan = create(&req, &athlete(Some(195)), "t").unwrap();
    let base: Vec<&Week> = plan.weeks.iter().filter(|w| w.phase == Phase::Base).collect();
    assert!(!base.is_empty());
    for w in base {
        assert!(w
            .workouts
            .iter()
            .all(|x| x.intensity != Intensity::Hard && x.intensity != Intensity::Moderate));
        assert!(w.workouts.iter().any(|x| x.kind == WorkoutKind::Strides), "week {}", w.start);
    }
    assert_obeys(&plan);
}

#[test]
fn heart_rate_targets_come_from_the_zones_and_none_without_max_hr() {
    let req = request(Goal::FiveK, Level::Intermediate, 10, 6, 200.0);
    let plan = create(&req, &athlete(Some(188)), "t").unwrap();
    let easy = plan.weeks[0]
        .workouts
        .iter()
        .find(|w| matches!(w.kind, WorkoutKind::Easy | WorkoutKind::Strides))
        .expect("an easy run");
    // Zone 2 of 188 by % of max: 113–131 bpm.
    assert_eq!((easy.hr_low, easy.hr_high), (Some(113), Some(131)));
    let rec = plan
        .weeks
        .iter()
        .flat_map(|w| &w.workouts)
        .find(|w| w.kind == WorkoutKind::Recovery)
        .expect("a recovery run");
    assert_eq!(rec.hr_high, Some(112));
    let none = create(&req, &athlete(None), "t").unwrap();
    assert!(none.weeks.iter().flat_map(|w| &w.workouts).all(|w| w.hr_high.is_none()));
    assert!(none.notes.iter().any(|n| n.contains("max HR is unknown")));
    assert_obeys(&none);
}

#[test]
fn paces_come_from_the_athletes_own_running_at_those_heart_rates() {
    let req = request(Goal::Base, Level::Intermediate, 8, 5, 240.0);
    let mut a = athlete(Some(188));
    // 20 min at 120 bpm at 6:00 /km, 20 min at 125 at 5:40: Zone 2's middle half 5:40–6:00.
    a.hr_pace = vec![
        HrPace { hr: 120, pace_s_per_km: 360.0, seconds: 1200.0 },
        HrPace { hr: 125, pace_s_per_km: 340.0, seconds: 1200.0 },
    ];
    let plan = create(&req, &a, "t").unwrap();
    let easy = plan.weeks[0].workouts.iter().find(|w| w.kind == WorkoutKind::Easy).unwrap();
    assert_eq!((easy.pace_fast_s_per_km, easy.pace_slow_s_per_km), (Some(340.0), Some(360.0)));
    // 350 s/km median: an easy run's distance follows it.
    let d = easy.distance_m.unwrap();
    assert!((d - easy.duration_s / 350.0 * 1000.0).abs() <= 10.0, "{d}");
    assert!(plan.pace_source.contains("your own"));
    assert!(plan.weeks.iter().all(|w| w.phase == Phase::Base));
}

#[test]
fn impossible_requests_are_refused_with_the_value() {
    let mut req = request(Goal::Half, Level::Novice, 10, 4, 100.0);
    req.race_date = req.start;
    assert!(matches!(create(&req, &athlete(None), "t"), Err(PlanError::RaceNotAhead { .. })));
    let mut req = request(Goal::Half, Level::Novice, 60, 4, 100.0);
    assert!(matches!(create(&req, &athlete(None), "t"), Err(PlanError::TooFar { .. })));
    req = request(Goal::Half, Level::Novice, 10, 8, 100.0);
    assert_eq!(create(&req, &athlete(None), "t"), Err(PlanError::Days { days: 8 }));
    req = request(Goal::Half, Level::Novice, 10, 4, 100.0);
    req.rest_day = Weekday::Sunday;
    assert!(matches!(create(&req, &athlete(None), "t"), Err(PlanError::SameDay("sunday"))));
}

fn weekday(i: u8) -> Weekday {
    Weekday::from_monday_zero_offset(i8::try_from(i % 7).unwrap_or(0)).unwrap_or(Weekday::Monday)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_plan_obeys_every_rule(
        goal in 0usize..5,
        level in 0usize..3,
        weeks in 1i64..=40,
        start_off in 0i64..7,
        days in 2u8..=7,
        volume in 0.0f64..900.0,
        long_day in 0u8..7,
        rest_off in 1u8..7,
        doubles: bool,
        max_hr in prop::option::of(150u8..210),
        model in 0usize..3,
        // A history: flat running at heart rates and paces (the athlete's own paces).
        history in prop::collection::vec((90u8..200, 200.0f64..600.0, 10.0f64..900.0), 0..60),
        threshold in prop::option::of(200.0f64..420.0),
    ) {
        let goal = Goal::ALL[goal];
        let level = Level::ALL[level];
        let start = add_days(date(2026, 11, 30), start_off);
        let race = add_days(start, 7 * weeks - start_off.min(3));
        let req = PlanRequest {
            goal,
            race_date: race,
            start,
            days_per_week: days,
            level,
            start_weekly_s: volume * 60.0,
            long_run_day: weekday(long_day),
            rest_day: weekday(long_day + rest_off),
            doubles,
        };
        let models = [ZoneModel::PercentMax, ZoneModel::HeartRateReserve, ZoneModel::FrielLthr];
        let a = PlanAthlete {
            zones: max_hr.map(|m| zones(m, &models[model])),
            hr_pace: history
                .iter()
                .map(|&(hr, pace_s_per_km, seconds)| HrPace { hr, pace_s_per_km, seconds })
                .collect(),
            threshold_pace_s_per_km: threshold,
            max_hr,
        };
        if race <= start {
            return Ok(());
        }
        let plan = create(&req, &a, "p").unwrap();
        let broken = check(&plan);
        prop_assert!(broken.is_empty(), "{req:?}: {broken:#?}");
        // Every day from the start to the race has its main entry (a session or rest).
        let days_planned: std::collections::BTreeSet<Date> =
            plan.weeks.iter().flat_map(|w| &w.workouts).map(|w| w.date).collect();
        prop_assert_eq!(days_planned.len() as i64, days_between(start, race) + 1 + days_after_race(&plan, race));
    }
}

/// Rest days kept after the race in race week.
fn days_after_race(plan: &Plan, race: Date) -> i64 {
    plan.weeks.iter().flat_map(|w| &w.workouts).filter(|w| w.date > race).count() as i64
}

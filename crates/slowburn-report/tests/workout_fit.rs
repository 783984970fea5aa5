//! Plan sessions as FIT workout files: read back with our decoder (file kind, no warnings) and,
//! message by message, with the small raw reader below (our decoder keeps no workout messages).

use std::collections::{HashMap, HashSet};

use jiff::civil::{date, Date, Weekday};
use slowburn_core::athlete::{Athlete, ProfileEntry};
use slowburn_core::plan::{
    create, Goal, Level, Plan, PlanAthlete, PlanRequest, Step, StepKind, Workout, WorkoutKind,
};
use slowburn_core::zones::{ZoneModel, ZoneTable};
use slowburn_formats::fit::decode;
use slowburn_formats::FileKind;
use slowburn_report::workout_fit::{
    plan_files, workout_file, WorkoutFitError, NAME_MAX, SCHEDULES_FILE,
};

/// 2027-01-01T00:00:00Z as a FIT timestamp.
const CREATED: u32 = 1_167_696_000;

const FILE_ID: u16 = 0;
const WORKOUT: u16 = 26;
const WORKOUT_STEP: u16 = 27;
const SCHEDULE: u16 = 28;

/// One data message: its global number and its fields (number, raw little-endian bytes).
#[derive(Debug)]
struct Mesg {
    global: u16,
    fields: Vec<(u8, Vec<u8>)>,
}

impl Mesg {
    fn bytes(&self, num: u8) -> Option<&[u8]> {
        self.fields.iter().find(|(n, _)| *n == num).map(|(_, b)| b.as_slice())
    }

    /// An unsigned field, `None` when absent (our encoder omits what it does not know).
    fn u(&self, num: u8) -> Option<u64> {
        let b = self.bytes(num)?;
        Some(b.iter().rev().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
    }

    fn s(&self, num: u8) -> Option<String> {
        let b = self.bytes(num)?;
        let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
        Some(String::from_utf8(b[..end].to_vec()).expect("UTF-8 string field"))
    }
}

/// The data messages of a FIT file we wrote (normal headers, little-endian, no developer data).
fn messages(bytes: &[u8]) -> Vec<Mesg> {
    let header = usize::from(bytes[0]);
    let size = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    assert_eq!(bytes.len(), header + size + 2, "header, data and CRC");
    let mut defs: HashMap<u8, (u16, Vec<(u8, usize)>)> = HashMap::new();
    let mut out = Vec::new();
    let mut p = header;
    while p < header + size {
        let h = bytes[p];
        p += 1;
        assert_eq!(h & 0xA0, 0, "no compressed timestamps or developer fields");
        let local = h & 0x0F;
        if h & 0x40 != 0 {
            assert_eq!(bytes[p + 1], 0, "little-endian");
            let global = u16::from_le_bytes([bytes[p + 2], bytes[p + 3]]);
            let n = usize::from(bytes[p + 4]);
            p += 5;
            let fields =
                (0..n).map(|i| (bytes[p + 3 * i], usize::from(bytes[p + 3 * i + 1]))).collect();
            p += 3 * n;
            defs.insert(local, (global, fields));
        } else {
            let (global, fields) = defs.get(&local).expect("data after its definition");
            let mut m = Mesg { global: *global, fields: Vec::new() };
            for &(num, len) in fields {
                m.fields.push((num, bytes[p..p + len].to_vec()));
                p += len;
            }
            out.push(m);
        }
    }
    out
}

fn of(ms: &[Mesg], global: u16) -> Vec<&Mesg> {
    ms.iter().filter(|m| m.global == global).collect()
}

fn zones(max: u8) -> ZoneTable {
    let d = date(2026, 1, 1);
    let profile = Athlete::from_entries(vec![ProfileEntry {
        max_hr: Some(max),
        resting_hr: Some(50),
        lthr: Some((f64::from(max) * 0.89) as u8),
        ..ProfileEntry::new(d)
    }])
    .at(d);
    ZoneModel::PercentMax.zones(&profile).expect("zones from a full profile")
}

fn zone_top(t: &ZoneTable, label: &str) -> u8 {
    t.zones().iter().find(|z| z.label == label).map(|z| z.high_bpm).expect("zone")
}

fn plan(goal: Goal, level: Level, weeks: i64, days: u8, doubles: bool, max_hr: Option<u8>) -> Plan {
    let start = date(2027, 1, 4);
    let req = PlanRequest {
        goal,
        race_date: start.checked_add(jiff::Span::new().days(7 * weeks - 1)).unwrap(),
        start,
        days_per_week: days,
        level,
        start_weekly_s: level.default_weekly_min() * 60.0,
        long_run_day: Weekday::Sunday,
        rest_day: Weekday::Monday,
        doubles,
    };
    let athlete = PlanAthlete { zones: max_hr.map(zones), ..PlanAthlete::default() };
    create(&req, &athlete, "test").expect("a plan")
}

fn half() -> Plan {
    plan(Goal::Half, Level::Experienced, 16, 6, true, Some(188))
}

fn sessions(p: &Plan) -> impl Iterator<Item = &Workout> {
    p.weeks.iter().flat_map(|w| &w.workouts).filter(|w| w.kind != WorkoutKind::Rest)
}

fn first(p: &Plan, kind: WorkoutKind) -> &Workout {
    sessions(p).find(|w| w.kind == kind).unwrap_or_else(|| panic!("a {} session", kind.name()))
}

fn ymd(d: Date) -> u64 {
    (d.year() as u64) * 10_000 + (d.month() as u64) * 100 + d.day() as u64
}

/// Decodes with our decoder (a workout file, no warnings) and returns the raw messages.
fn read_workout(bytes: &[u8]) -> Vec<Mesg> {
    let rec = decode(bytes).expect("our decoder reads it");
    assert_eq!(rec.warnings, vec![]);
    assert_eq!(rec.kind(), Some(FileKind::Workout));
    messages(bytes)
}

/// What a plan step must become (without its name): duration type/value, target
/// type/value/low/high, intensity.
fn expected_steps(steps: &[Step], out: &mut Vec<[Option<u64>; 7]>) {
    for s in steps {
        if s.kind == StepKind::Repeat {
            let start = out.len() as u64;
            expected_steps(&s.steps, out);
            out.push([Some(6), Some(start), Some(2), s.times.map(u64::from), None, None, None]);
            continue;
        }
        let (dt, dv) = match (s.duration_s, s.distance_m) {
            (Some(t), _) => (0, Some((t * 1000.0).round() as u64)),
            (None, Some(d)) => (1, Some((d * 100.0).round() as u64)),
            (None, None) => (5, None),
        };
        let hr = s.hr_low.zip(s.hr_high);
        let intensity = match s.kind {
            StepKind::WarmUp => 2,
            StepKind::CoolDown => 3,
            StepKind::Recovery => 4,
            _ => 0,
        };
        out.push([
            Some(dt),
            dv,
            Some(if hr.is_some() { 1 } else { 2 }),
            hr.map(|_| 0),
            hr.map(|h| u64::from(h.0) + 100),
            hr.map(|h| u64::from(h.1) + 100),
            Some(intensity),
        ]);
    }
}

fn got_steps(ms: &[Mesg]) -> Vec<[Option<u64>; 7]> {
    of(ms, WORKOUT_STEP).iter().map(|m| [1, 2, 3, 4, 5, 6, 7].map(|f| m.u(f))).collect()
}

#[test]
fn a_threshold_session_is_warm_up_repeats_of_work_and_recovery_and_cool_down() {
    let p = half();
    let w = first(&p, WorkoutKind::Threshold);
    let (file, bytes) = workout_file(w, CREATED).unwrap();
    assert_eq!(file, format!("{}-threshold.fit", w.date.strftime("%Y%m%d")));
    let ms = read_workout(&bytes);

    let id = of(&ms, FILE_ID);
    assert_eq!(id.len(), 1);
    assert_eq!(ms[0].global, FILE_ID, "file_id comes first");
    assert_eq!(id[0].u(0), Some(5), "type workout");
    assert_eq!(id[0].u(1), Some(255), "manufacturer development");
    assert_eq!(id[0].u(2), Some(0), "product");
    assert_eq!(id[0].u(3), Some(ymd(w.date) * 100), "serial_number: date and slot");
    assert_eq!(id[0].u(4), Some(u64::from(CREATED)), "time_created as given");

    let wk = of(&ms, WORKOUT);
    assert_eq!(wk.len(), 1);
    let reps = w.steps.iter().find(|s| s.kind == StepKind::Repeat).expect("a repeat");
    let work = reps.steps[0].duration_s.unwrap();
    let name = format!("Thr {}x{}min", reps.times.unwrap(), (work / 60.0) as u64);
    assert_eq!(wk[0].s(8).as_deref(), Some(name.as_str()));
    assert!(name.len() <= NAME_MAX);
    assert_eq!((wk[0].u(4), wk[0].u(11)), (Some(1), Some(0)), "running, generic");

    let mut want = Vec::new();
    expected_steps(&w.steps, &mut want);
    // Warm-up, work, recovery, the repeat step, cool-down.
    assert_eq!(want.len(), 5);
    assert_eq!(wk[0].u(6), Some(5), "num_valid_steps");
    assert_eq!(got_steps(&ms), want);
    let steps = of(&ms, WORKOUT_STEP);
    let index: Vec<Option<u64>> = steps.iter().map(|m| m.u(254)).collect();
    assert_eq!(index, (0..5).map(Some).collect::<Vec<_>>(), "message_index");
    // The repeat: back to the work step (index 1), `times` in all.
    assert_eq!(steps[3].u(1), Some(6));
    assert_eq!(steps[3].u(2), Some(1));
    assert_eq!(steps[3].u(4), Some(u64::from(reps.times.unwrap())));
    // Heart rate in absolute bpm + 100, from the plan's step: the warm-up's is Zone 2.
    let wu = &w.steps[0];
    assert_eq!(steps[0].u(5), Some(u64::from(wu.hr_low.unwrap()) + 100));
    assert_eq!(steps[0].u(6), Some(u64::from(wu.hr_high.unwrap()) + 100));
    assert_eq!(steps[0].u(2), Some((wu.duration_s.unwrap() * 1000.0) as u64), "ms");
    let names: Vec<Option<String>> = steps.iter().map(|m| m.s(0)).collect();
    assert_eq!(
        names,
        [Some("Warm up"), Some("Threshold"), Some("Recovery"), None, Some("Cool down")]
            .map(|s| s.map(str::to_owned))
    );
    assert_eq!(steps[0].s(8).as_deref(), Some("easy warm-up"), "notes");
}

#[test]
fn an_easy_run_is_one_step_under_the_top_of_zone_2() {
    let p = half();
    let z = zones(188);
    for (kind, zone, prefix) in [
        (WorkoutKind::Easy, "Z2", "Easy "),
        (WorkoutKind::Long, "Z2", "Long "),
        (WorkoutKind::Recovery, "Z1", "Recovery "),
    ] {
        let w = first(&p, kind);
        let ms = read_workout(&workout_file(w, CREATED).unwrap().1);
        let steps = of(&ms, WORKOUT_STEP);
        assert_eq!(steps.len(), 1, "{}", kind.name());
        let s = steps[0];
        assert_eq!(s.u(1), Some(0), "time");
        assert_eq!(s.u(2), Some((w.duration_s * 1000.0) as u64), "the whole session, ms");
        assert_eq!(s.u(3), Some(1), "heart-rate target");
        assert_eq!(s.u(4), Some(0), "custom range, not a zone number");
        assert_eq!(s.u(6), Some(u64::from(zone_top(&z, zone)) + 100), "{}", kind.name());
        assert_eq!(s.u(5), Some(u64::from(w.hr_low.unwrap()) + 100));
        assert_eq!(s.u(7), Some(0), "active");
        let name = of(&ms, WORKOUT)[0].s(8).unwrap();
        assert!(name.starts_with(prefix) && name.len() <= NAME_MAX, "{name}");
    }
    // Zone 2 of 188 by % of max: 113–131 bpm, written + 100.
    let easy = first(&p, WorkoutKind::Easy);
    let ms = read_workout(&workout_file(easy, CREATED).unwrap().1);
    assert_eq!(
        (of(&ms, WORKOUT_STEP)[0].u(5), of(&ms, WORKOUT_STEP)[0].u(6)),
        (Some(213), Some(231))
    );
    let minutes = (easy.duration_s / 60.0).round();
    assert_eq!(of(&ms, WORKOUT)[0].s(8), Some(format!("Easy {minutes}")));
}

#[test]
fn strides_are_open_targets_inside_a_repeat_after_the_easy_part() {
    let p = half();
    let w = first(&p, WorkoutKind::Strides);
    let ms = read_workout(&workout_file(w, CREATED).unwrap().1);
    let mut want = Vec::new();
    expected_steps(&w.steps, &mut want);
    assert_eq!(got_steps(&ms), want);
    let steps = of(&ms, WORKOUT_STEP);
    assert_eq!(steps.len(), 4, "easy, stride, back, repeat");
    assert_eq!(steps[1].u(3), Some(2), "a stride has an open target");
    assert_eq!(steps[1].u(2), Some(20_000));
    assert_eq!((steps[3].u(1), steps[3].u(2)), (Some(6), Some(1)));
    let n = w.steps[1].times.unwrap();
    let name = of(&ms, WORKOUT)[0].s(8).unwrap();
    assert_eq!(name, format!("Easy {} {n}x20s", (w.duration_s / 60.0).round()));
    // The plan's "4 × 20 s strides" style text is ASCII on the watch.
    for s in &steps {
        assert!(s.s(8).is_none_or(|t| t.is_ascii()));
    }
}

#[test]
fn the_race_is_its_distance_in_centimetres() {
    let p = half();
    let w = first(&p, WorkoutKind::Race);
    let (file, bytes) = workout_file(w, CREATED).unwrap();
    assert!(file.ends_with("-race.fit"));
    let ms = read_workout(&bytes);
    let steps = of(&ms, WORKOUT_STEP);
    assert_eq!(steps.len(), 1);
    assert_eq!((steps[0].u(1), steps[0].u(2)), (Some(1), Some(2_109_750)));
    assert_eq!(of(&ms, WORKOUT)[0].s(8).as_deref(), Some("Race 21.1 km"));
}

#[test]
fn a_morning_double_is_its_own_file_with_am() {
    let p = half();
    let w = sessions(&p).find(|w| w.slot == 1).expect("a double");
    let (file, bytes) = workout_file(w, CREATED).unwrap();
    assert_eq!(file, format!("{}-recovery-am.fit", w.date.strftime("%Y%m%d")));
    let ms = read_workout(&bytes);
    assert_eq!(of(&ms, FILE_ID)[0].u(3), Some(ymd(w.date) * 100 + 1));
}

#[test]
fn without_zones_every_step_is_open() {
    let p = plan(Goal::TenK, Level::Intermediate, 12, 5, false, None);
    for w in sessions(&p) {
        let ms = read_workout(&workout_file(w, CREATED).unwrap().1);
        assert!(of(&ms, WORKOUT_STEP).iter().all(|s| s.u(3) == Some(2) && s.u(5).is_none()));
    }
}

#[test]
fn rest_and_impossible_steps_are_errors_that_say_which() {
    let p = half();
    let rest = p.weeks.iter().flat_map(|w| &w.workouts).find(|w| w.kind == WorkoutKind::Rest);
    let rest = rest.expect("a rest day");
    let e = workout_file(rest, CREATED).unwrap_err();
    assert_eq!(e, WorkoutFitError::Rest { date: rest.date });

    let mut w = first(&p, WorkoutKind::Threshold).clone();
    w.steps[1].times = Some(0);
    let e = workout_file(&w, CREATED).unwrap_err().to_string();
    assert_eq!(
        e,
        format!("{} threshold: step 2 repeats 0 times; a repeat needs 1 or more", w.date)
    );

    let mut w = first(&p, WorkoutKind::Threshold).clone();
    w.steps[0].hr_low = None;
    let e = workout_file(&w, CREATED).unwrap_err().to_string();
    assert!(e.contains("step 1: a heart-rate range needs both ends (low none, high"), "{e}");

    let e = workout_file(first(&p, WorkoutKind::Easy), 5).unwrap_err().to_string();
    assert!(e.contains("created = 5 does not fit the FIT field date_time"), "{e}");
}

/// Every file of `p`: encodes, names and file names unique and short, and the schedules file
/// names each workout by its `file_id` on its day.
fn check_plan(p: &Plan) {
    let files = plan_files(p, CREATED).unwrap_or_else(|e| panic!("{:?}: {e}", p.request));
    let n = sessions(p).count();
    assert_eq!(files.len(), n + usize::from(n > 0));
    let mut names = HashSet::new();
    let mut file_names = HashSet::new();
    let mut ids = HashSet::new();
    for ((file, bytes), w) in files.iter().zip(sessions(p)) {
        assert!(file.is_ascii() && file.ends_with(".fit"), "{file}");
        assert!(file.starts_with(&w.date.strftime("%Y%m%d").to_string()), "{file}");
        assert!(file_names.insert(file.clone()), "file name {file} twice");
        let ms = read_workout(bytes);
        let name = of(&ms, WORKOUT)[0].s(8).unwrap();
        assert!(name.is_ascii() && !name.is_empty() && name.len() <= NAME_MAX, "{name:?}");
        assert!(names.insert(name.clone()), "workout name {name} twice");
        let id = of(&ms, FILE_ID)[0];
        assert_eq!(id.u(4), Some(u64::from(CREATED)));
        ids.insert((id.u(1), id.u(2), id.u(3), id.u(4)));
        let steps = of(&ms, WORKOUT_STEP);
        assert_eq!(of(&ms, WORKOUT)[0].u(6), Some(steps.len() as u64));
        for s in &steps {
            assert!(s.s(0).is_none_or(|t| t.is_ascii() && t.len() <= NAME_MAX));
        }
    }
    if n == 0 {
        return;
    }
    let (file, bytes) = files.last().unwrap();
    assert_eq!(file, SCHEDULES_FILE);
    let rec = decode(bytes).unwrap();
    assert_eq!(rec.warnings, vec![]);
    assert_eq!(rec.kind(), Some(FileKind::Other(7)), "type schedules");
    let ms = messages(bytes);
    let entries = of(&ms, SCHEDULE);
    assert_eq!(entries.len(), n);
    for (e, w) in entries.iter().zip(sessions(p)) {
        let id = (e.u(0), e.u(1), e.u(2), e.u(3));
        assert!(ids.contains(&id), "schedule entry {id:?} names no workout file");
        assert_eq!(e.u(5), Some(0), "type workout");
        assert_eq!(e.u(4), Some(0), "not completed");
        let days = date(1989, 12, 31).until(w.date).unwrap().get_days();
        assert_eq!(e.u(6), Some(days as u64 * 86_400), "local midnight of {}", w.date);
    }
}

#[test]
fn a_16_week_half_marathon_plan_exports_every_session_and_its_schedule() {
    let p = half();
    check_plan(&p);
    let files = plan_files(&p, CREATED).unwrap();
    // A name that recurs is numbered in date order.
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (_, bytes) in files.iter().take(files.len() - 1) {
        let name = of(&messages(bytes), WORKOUT)[0].s(8).unwrap();
        let base = name.split(" #").next().unwrap().to_owned();
        let k = seen.entry(base).or_insert(0);
        *k += 1;
        if *k > 1 {
            assert!(name.ends_with(&format!(" #{k}")), "{name}");
        }
    }
    assert!(seen.values().any(|&k| k > 1), "easy runs recur in 16 weeks");
}

#[test]
fn every_file_of_random_plans_encodes() {
    // SplitMix64 over the request space.
    let mut x: u64 = 0x5EED;
    let mut next = |n: u64| {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    };
    for _ in 0..60 {
        let goal = Goal::ALL[next(5) as usize];
        let level = Level::ALL[next(3) as usize];
        let weeks = 1 + next(40) as i64;
        let days = 2 + next(6) as u8;
        let doubles = next(2) == 1;
        let max_hr = (next(4) != 0).then(|| 150 + next(60) as u8);
        check_plan(&plan(goal, level, weeks, days, doubles, max_hr));
    }
}

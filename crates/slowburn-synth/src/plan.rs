//! The calendar: walk the history day by day, lay out each week by the profile, skip runs for
//! illness and missed days, decide how each run is actually executed, and move the athlete's
//! fitness with each day's training.
//!
//! # Design
//! Planning is sequential (fitness depends on every day before) but cheap: a day's training
//! impulse comes from the planned segments and the steady-state heart rate of each, not from
//! the 1 Hz simulation. The expensive part — rendering each run second by second — then runs in
//! parallel from the [`PlannedRun`]s, each with its own random stream.

use serde::Serialize;

use crate::calendar::{cet_offset_s, day_of_year, iso_date, weekday};
use crate::physiology::{stimulus_per_min, trimp_per_min, Athlete, Banister, Physiology};
use crate::profile::{self, DayRun, Phase, Profile, ProfileKind, ProfileState, Slot};
use crate::rng::Rng;
use crate::route::{RouteKind, RouteSpec, Terrain};
use crate::session::{Length, Role, RunType, Session};
use crate::SynthConfig;

/// Random-stream keys, one per purpose.
pub(crate) const STREAM_ATHLETE: u64 = 1;
pub(crate) const STREAM_PROFILE: u64 = 2;
pub(crate) const STREAM_WEEK: u64 = 3;
pub(crate) const STREAM_DAY: u64 = 4;
pub(crate) const STREAM_RENDER: u64 = 5;

/// A run, planned and decided, ready to render.
#[derive(Debug, Clone)]
pub(crate) struct PlannedRun {
    pub index: usize,
    /// Local date, days since 1970-01-01.
    pub day: i64,
    pub week: usize,
    /// Local start time, seconds after midnight.
    pub start_local_s: i64,
    pub utc_offset_s: i32,
    pub start_utc_ms: i64,
    pub session: Session,
    pub intended: RunType,
    pub kind: RunType,
    pub executed_zone: u8,
    pub phase: Phase,
    pub phys: Physiology,
    pub temp_c: f64,
    pub hr_offset_bpm: f64,
    pub route: RouteSpec,
    pub traffic_light_probability: f64,
}

/// Why a day had no run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum OffReason {
    Illness,
    Missed,
}

/// A day with a planned run that did not happen.
#[derive(Debug, Clone, Serialize)]
pub struct DayOff {
    pub date: String,
    pub reason: OffReason,
    /// What was planned (for missed runs).
    pub planned: Option<RunType>,
}

/// The athlete's true physiology on a Monday.
#[derive(Debug, Clone, Serialize)]
pub struct PhysiologyPoint {
    pub date: String,
    #[serde(flatten)]
    pub physiology: Physiology,
    /// Lactate-threshold pace, seconds per km.
    pub threshold_pace_s_per_km: f64,
    /// Flat-ground speed at 65 % of max HR (the middle of Zone 2), m/s.
    pub easy_speed_mps: f64,
}

/// A planned week.
#[derive(Debug, Clone, Serialize)]
pub struct WeekInfo {
    pub week: usize,
    /// Monday.
    pub start: String,
    #[serde(skip)]
    pub start_day: i64,
    pub phase: Phase,
    pub planned_minutes: f64,
    /// This week carries the injected volume jump.
    pub volume_jump: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub athlete: Athlete,
    pub runs: Vec<PlannedRun>,
    pub weeks: Vec<WeekInfo>,
    pub days_off: Vec<DayOff>,
    pub physiology: Vec<PhysiologyPoint>,
    pub jump_week: Option<usize>,
}

/// Aerobic stimulus and TRIMP of a session as planned, from each segment's steady state.
pub(crate) fn impulses(s: &Session, phys: &Physiology) -> (f64, f64) {
    let mut stim = 0.0;
    let mut strain = 0.0;
    for seg in &s.segments {
        let minutes = match seg.length {
            Length::Seconds(t) => t / 60.0,
            Length::Meters(m) => m / (seg.r * phys.threshold_speed_mps) / 60.0,
        };
        let mut h = phys.hrr_at(seg.r);
        if let Some(cap) = seg.hr_cap {
            h = h.min((cap * phys.max_hr - phys.resting_hr) / (phys.max_hr - phys.resting_hr));
        }
        stim += minutes * stimulus_per_min(h);
        strain += minutes * trimp_per_min(h);
    }
    (stim, strain)
}

/// The effort that characterises a session: the mean of its work reps, else its longest part.
fn main_r(s: &Session) -> (f64, Option<f64>) {
    let work: Vec<_> = s.segments.iter().filter(|x| x.role == Role::Work).collect();
    if !work.is_empty() && s.kind != RunType::Strides {
        return (work.iter().map(|x| x.r).sum::<f64>() / work.len() as f64, None);
    }
    let len = |l: &Length| match *l {
        Length::Seconds(t) => t,
        Length::Meters(m) => m / 3.0,
    };
    s.segments
        .iter()
        .filter(|x| x.role == Role::Main)
        .max_by(|a, b| len(&a.length).total_cmp(&len(&b.length)))
        .map_or((0.75, None), |x| (x.r, x.hr_cap))
}

/// What the run turned out to be: an easy or recovery run executed in Zone 3 is a steady run,
/// a recovery run in Zone 2 an easy run; other kinds keep their type.
fn executed_type(intended: RunType, zone: u8) -> RunType {
    match (intended, zone) {
        (RunType::Recovery, 1) => RunType::Recovery,
        (RunType::Recovery | RunType::Easy, 2) | (RunType::Easy, 1) => RunType::Easy,
        (RunType::Recovery | RunType::Easy, _) => RunType::Steady,
        (k, _) => k,
    }
}

fn fnv(s: &str, seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

fn start_time(day: &DayRun, wd: i64, v_lt: f64, rng: &mut Rng) -> i64 {
    match day.slot {
        Slot::Any if wd < 5 => {
            if rng.chance(0.55) {
                rng.int(6 * 3600, 7 * 3600 + 1800)
            } else {
                rng.int(17 * 3600 + 1800, 19 * 3600 + 1800)
            }
        }
        Slot::Any => rng.int(7 * 3600 + 1800, 10 * 3600 + 1800),
        Slot::Morning => rng.int(6 * 3600, 6 * 3600 + 2700),
        Slot::Evening => rng.int(17 * 3600 + 1800, 19 * 3600),
        Slot::Gun(t) => {
            let before: f64 = day
                .session
                .segments
                .iter()
                .take_while(|s| s.role != Role::Main)
                .map(|s| match s.length {
                    Length::Seconds(x) => x,
                    Length::Meters(m) => m / (s.r * v_lt),
                })
                .sum();
            t - before.round() as i64 - rng.int(60, 240)
        }
    }
}

/// Air temperature (°C) at home: a seasonal cycle (about 1 °C in late January, 19 °C in late
/// July), a daily cycle peaking mid-afternoon, and weather noise.
fn temperature(day: i64, secs: i64, rng: &mut Rng) -> f64 {
    let season = std::f64::consts::TAU * (day_of_year(day) as f64 - 20.0) / 365.25;
    let hour = secs as f64 / 3600.0;
    let daily = std::f64::consts::TAU * (hour - 9.0) / 24.0;
    10.0 - 9.0 * season.cos() + 4.0 * daily.sin() + 3.0 * rng.normal()
}

fn route_for(s: &Session, seed: u64, rng: &mut Rng) -> RouteSpec {
    if let Some(race) = &s.race {
        // The same course every time the race is run.
        let h = fnv(&race.name, seed);
        let east = (h % 16_000) as f64 - 8_000.0;
        let north = ((h >> 20) % 16_000) as f64 - 8_000.0;
        return RouteSpec {
            kind: RouteKind::Loop,
            terrain: s.terrain.unwrap_or(Terrain::Flat),
            origin_m: (east, north),
            seed: h,
        };
    }
    if s.route == RouteKind::Track {
        return RouteSpec {
            kind: RouteKind::Track,
            terrain: Terrain::Flat,
            origin_m: (900.0, 1_300.0),
            seed: fnv("track", seed),
        };
    }
    let terrain = s.terrain.unwrap_or_else(|| match rng.f64() {
        x if x < 0.4 => Terrain::Flat,
        x if x < 0.8 => Terrain::Rolling,
        _ => Terrain::Hilly,
    });
    // Most runs start at the door; some at the park across town.
    let origin_m = if rng.chance(0.15) { (-1_600.0, 700.0) } else { (0.0, 0.0) };
    RouteSpec { kind: s.route, terrain, origin_m, seed: rng.next_u64() }
}

/// Plan the whole history.
pub(crate) fn plan(cfg: &SynthConfig) -> Plan {
    let profile = Profile::new(cfg.profile);
    let novice = cfg.profile == ProfileKind::Novice;
    let athlete = Athlete::draw(&mut Rng::new(cfg.seed, STREAM_ATHLETE, 0), novice);
    let mut state = ProfileState::new(&profile, &mut Rng::new(cfg.seed, STREAM_PROFILE, 0));
    let first = cfg.first_day();
    let monday = first - weekday(first);
    let n_days = (cfg.years * 365.25).round().max(1.0) as i64;
    let last = first + n_days; // exclusive
    let n_weeks = ((last - monday) as usize).div_ceil(7);

    let mut banister = Banister::steady(athlete.prior_stimulus, athlete.prior_strain);
    let mut runs = Vec::new();
    let mut weeks = Vec::with_capacity(n_weeks);
    let mut days_off = Vec::new();
    let mut physiology = Vec::with_capacity(n_weeks);
    let mut ill_left = 0i64;
    let mut easy_after_illness = 0i64;

    for w in 0..n_weeks {
        let week_start = monday + 7 * w as i64;
        let years = ((week_start - first).max(0)) as f64 / 365.25;
        let phys_w = Physiology::on(&athlete, years, &banister);
        physiology.push(PhysiologyPoint {
            date: iso_date(week_start),
            physiology: phys_w,
            threshold_pace_s_per_km: 1000.0 / phys_w.threshold_speed_mps,
            easy_speed_mps: phys_w.speed_at_hr(0.65 * phys_w.max_hr),
        });
        let wk = profile::week(
            &profile,
            &mut state,
            w,
            years,
            phys_w.threshold_speed_mps,
            &mut Rng::new(cfg.seed, STREAM_WEEK, w as u64),
        );
        weeks.push(WeekInfo {
            week: w,
            start: iso_date(week_start),
            start_day: week_start,
            phase: wk.phase,
            planned_minutes: wk.minutes,
            volume_jump: wk.jump,
        });
        if wk.protected {
            ill_left = 0;
        }
        for d in 0..7 {
            let day = week_start + d;
            if day < first || day >= last {
                continue;
            }
            let mut rng = Rng::new(cfg.seed, STREAM_DAY, day as u64);
            let years = (day - first) as f64 / 365.25;
            let phys = Physiology::on(&athlete, years, &banister);
            if !wk.protected && ill_left == 0 && rng.chance(profile.illnesses_per_year / 365.25) {
                ill_left = rng.int(3, 8);
            }
            let mut todays: Vec<&DayRun> = wk.runs.iter().filter(|r| r.weekday == d).collect();
            todays.sort_by_key(|r| match r.slot {
                Slot::Morning => 0,
                _ => 1,
            });
            if ill_left > 0 {
                ill_left -= 1;
                if ill_left == 0 {
                    easy_after_illness = 3;
                }
                if !todays.is_empty() {
                    days_off.push(DayOff {
                        date: iso_date(day),
                        reason: OffReason::Illness,
                        planned: todays.first().map(|r| r.session.kind),
                    });
                }
                banister.step(0.0, 0.0);
                continue;
            }
            let mut stim = 0.0;
            let mut strain = 0.0;
            let offset = cet_offset_s(day);
            for planned in todays {
                let is_race = planned.session.kind == RunType::Race;
                if !wk.protected && !is_race && rng.chance(profile.missed_run_probability) {
                    days_off.push(DayOff {
                        date: iso_date(day),
                        reason: OffReason::Missed,
                        planned: Some(planned.session.kind),
                    });
                    continue;
                }
                let mut day_run = planned.clone();
                if easy_after_illness > 0 && !is_race {
                    let m = crate::session::minutes(&day_run.session, phys.threshold_speed_mps);
                    day_run.session = crate::session::continuous(
                        RunType::Easy,
                        (m * 0.6).clamp(20.0, 40.0),
                        &mut rng,
                    );
                }
                let session = profile::execute(&profile, &day_run, &phys, &mut rng);
                let (s, a) = impulses(&session, &phys);
                stim += s;
                strain += a;
                let (r_main, cap) = main_r(&session);
                let mut hr_main = phys.hr_at(r_main);
                if let Some(c) = cap {
                    hr_main = hr_main.min(c * phys.max_hr);
                }
                let executed_zone = phys.zone_of_hr(hr_main);
                let start_local_s = start_time(&day_run, d, phys.threshold_speed_mps, &mut rng);
                let start_utc_s = day * 86_400 + start_local_s - i64::from(offset);
                let temp_c = temperature(day, start_local_s, &mut rng);
                let route = route_for(&session, cfg.seed, &mut rng);
                let hr_offset_bpm =
                    2.0 * rng.normal() + if easy_after_illness > 0 { 3.0 } else { 0.0 };
                runs.push(PlannedRun {
                    index: runs.len(),
                    day,
                    week: w,
                    start_local_s,
                    utc_offset_s: offset,
                    start_utc_ms: start_utc_s * 1000,
                    intended: session.kind,
                    kind: executed_type(session.kind, executed_zone),
                    executed_zone,
                    session,
                    phase: wk.phase,
                    phys,
                    temp_c,
                    hr_offset_bpm,
                    route,
                    traffic_light_probability: profile.traffic_light_probability,
                });
            }
            easy_after_illness = (easy_after_illness - 1).max(0);
            banister.step(stim, strain);
        }
    }
    Plan { athlete, runs, weeks, days_off, physiology, jump_week: state.jump_week }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executed_type_follows_the_zone() {
        assert_eq!(executed_type(RunType::Recovery, 1), RunType::Recovery);
        assert_eq!(executed_type(RunType::Recovery, 2), RunType::Easy);
        assert_eq!(executed_type(RunType::Easy, 3), RunType::Steady);
        assert_eq!(executed_type(RunType::Long, 3), RunType::Long);
        assert_eq!(executed_type(RunType::Intervals, 5), RunType::Intervals);
    }
}

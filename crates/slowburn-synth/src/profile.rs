//! Training philosophies: how a runner lays out each week, how much they run, and how
//! faithfully they run their easy days easy.
//!
//! * `eighty-twenty`: about 80 % of time easy; two quality sessions a week with a recovery run
//!   after each; a long run; strides; a rest day; 19-week cycles of base → hills → sharpening →
//!   taper → race → recovery, 3:1 loading, Parkruns as tune-ups. Runs easy days by heart rate.
//! * `grey-zone`: most days moderately hard, just under threshold; even "recovery" and long runs
//!   are run at a steady effort.
//! * `novice`: three, then four runs a week, building volume about 5 % a week, often running
//!   easy runs too fast; one deliberate week-on-week jump of about 35 % early on.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::physiology::Physiology;
use crate::rng::Rng;
use crate::session::{self, continuous, Intensity, Role, RunType, Session};

/// The philosophy a synthetic runner trains by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileKind {
    EightyTwenty,
    GreyZone,
    Novice,
}

impl ProfileKind {
    pub const ALL: [ProfileKind; 3] =
        [ProfileKind::EightyTwenty, ProfileKind::GreyZone, ProfileKind::Novice];

    /// The name used on the command line and in the ground truth.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ProfileKind::EightyTwenty => "eighty-twenty",
            ProfileKind::GreyZone => "grey-zone",
            ProfileKind::Novice => "novice",
        }
    }
}

impl fmt::Display for ProfileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ProfileKind {
    type Err = crate::SynthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProfileKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| crate::SynthError::UnknownProfile(s.to_owned()))
    }
}

/// The numbers behind a philosophy.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub kind: ProfileKind,
    /// Planned running minutes in a normal week at the start.
    pub start_minutes_per_week: f64,
    /// Ceiling on planned weekly minutes.
    pub max_minutes_per_week: f64,
    /// Growth of weekly minutes per year.
    pub yearly_growth: f64,
    /// Probability that a planned run (not a race) is skipped.
    pub missed_run_probability: f64,
    /// Illness episodes (3–8 days off) per year.
    pub illnesses_per_year: f64,
    /// Obeys a heart-rate ceiling on easy and recovery runs.
    pub runs_easy_by_heart_rate: bool,
    /// Probability that an easy-type run is run faster than intended.
    pub too_fast_probability: f64,
    /// Probability that a road run has one or two stops at traffic lights.
    pub traffic_light_probability: f64,
}

impl Profile {
    /// The standard numbers for `kind`.
    #[must_use]
    pub fn new(kind: ProfileKind) -> Self {
        match kind {
            ProfileKind::EightyTwenty => Profile {
                kind,
                start_minutes_per_week: 330.0,
                max_minutes_per_week: 480.0,
                yearly_growth: 0.07,
                missed_run_probability: 0.03,
                illnesses_per_year: 1.5,
                runs_easy_by_heart_rate: true,
                too_fast_probability: 0.0,
                traffic_light_probability: 0.08,
            },
            ProfileKind::GreyZone => Profile {
                kind,
                start_minutes_per_week: 290.0,
                max_minutes_per_week: 380.0,
                yearly_growth: 0.04,
                missed_run_probability: 0.04,
                illnesses_per_year: 2.0,
                runs_easy_by_heart_rate: false,
                too_fast_probability: 0.9,
                traffic_light_probability: 0.08,
            },
            ProfileKind::Novice => Profile {
                kind,
                start_minutes_per_week: 75.0,
                max_minutes_per_week: 300.0,
                yearly_growth: 0.06,
                missed_run_probability: 0.06,
                illnesses_per_year: 1.5,
                runs_easy_by_heart_rate: false,
                too_fast_probability: 0.55,
                traffic_light_probability: 0.1,
            },
        }
    }
}

/// Where a week sits in the training cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Base,
    Hills,
    Sharpening,
    Taper,
    RaceWeek,
    Recovery,
    Build,
}

/// When in the day a run starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Morning or evening on weekdays, mid-morning at weekends.
    Any,
    /// The early run of a double day.
    Morning,
    /// The late run of a double day.
    Evening,
    /// A race that starts at this local time (seconds after midnight); the recording starts a
    /// warm-up earlier.
    Gun(i64),
}

#[derive(Debug, Clone)]
pub(crate) struct DayRun {
    /// Monday = 0.
    pub weekday: i64,
    pub slot: Slot,
    pub session: Session,
    /// Run exactly as intended, whatever the profile's habits.
    pub honest: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct WeekPlan {
    pub phase: Phase,
    pub minutes: f64,
    pub runs: Vec<DayRun>,
    /// No missed runs or illness this week (the novice's jump week and the week before).
    pub protected: bool,
    /// This is the injected volume jump.
    pub jump: bool,
}

/// State a profile carries from week to week.
#[derive(Debug, Clone)]
pub(crate) struct ProfileState {
    /// The novice's trend of weekly minutes.
    trend: f64,
    /// The week with the injected volume jump (novice).
    pub jump_week: Option<usize>,
}

impl ProfileState {
    pub(crate) fn new(profile: &Profile, rng: &mut Rng) -> Self {
        let jump_week = (profile.kind == ProfileKind::Novice).then(|| rng.int(7, 11) as usize);
        Self { trend: profile.start_minutes_per_week, jump_week }
    }
}

fn run(weekday: i64, session: Session) -> DayRun {
    DayRun { weekday, slot: Slot::Any, session, honest: false }
}

fn parkrun(rng: &mut Rng) -> DayRun {
    DayRun {
        weekday: 5,
        slot: Slot::Gun(9 * 3600),
        session: session::race("Parkrun", 5_000.0, rng),
        honest: false,
    }
}

fn goal_race(name: &str, distance_m: f64, rng: &mut Rng) -> DayRun {
    let gun = if distance_m > 25_000.0 { 8 * 3600 + 1800 } else { 9 * 3600 + 1800 };
    DayRun {
        weekday: 6,
        slot: Slot::Gun(gun),
        session: session::race(name, distance_m, rng),
        honest: false,
    }
}

/// Planned minutes of the runs listed so far.
fn total(runs: &[DayRun], v_lt: f64) -> f64 {
    runs.iter().map(|r| session::minutes(&r.session, v_lt)).sum()
}

/// Build week `w` (`years` into the history) for `profile`; `v_lt` sizes distance-based
/// sessions.
pub(crate) fn week(
    profile: &Profile,
    state: &mut ProfileState,
    w: usize,
    years: f64,
    v_lt: f64,
    rng: &mut Rng,
) -> WeekPlan {
    let base = (profile.start_minutes_per_week * (1.0 + profile.yearly_growth).powf(years))
        .min(profile.max_minutes_per_week);
    match profile.kind {
        ProfileKind::EightyTwenty => eighty_twenty(w, years, base, v_lt, rng),
        ProfileKind::GreyZone => grey_zone(w, base, v_lt, rng),
        ProfileKind::Novice => novice(profile, state, w, years, rng),
    }
}

const CYCLE_WEEKS: usize = 19;

fn eighty_twenty(w: usize, years: f64, base: f64, v_lt: f64, rng: &mut Rng) -> WeekPlan {
    let cycle = w / CYCLE_WEEKS;
    let k = w % CYCLE_WEEKS;
    let (phase, load) = match k {
        0..=7 => (Phase::Base, [0.9, 1.0, 1.08, 0.75][k % 4]),
        8..=11 => (Phase::Hills, [0.95, 1.05, 1.1, 0.8][k - 8]),
        12..=15 => (Phase::Sharpening, [1.0, 1.05, 1.0, 0.8][k - 12]),
        16 => (Phase::Taper, 0.8),
        17 => (Phase::RaceWeek, 0.6),
        _ => (Phase::Recovery, 0.55),
    };
    let (race_name, race_m) = match cycle % 3 {
        0 => ("City 10K", 10_000.0),
        1 => ("Riverside Half Marathon", 21_097.5),
        _ if years >= 1.5 => ("Autumn Marathon", 42_195.0),
        _ => ("Harbour 5K", 5_000.0),
    };
    let marathon = race_m > 40_000.0;
    let minutes = base * load;
    let cutback = load < 0.85 && matches!(phase, Phase::Base | Phase::Hills | Phase::Sharpening);
    let mut runs = Vec::new();
    match phase {
        Phase::RaceWeek => {
            runs.push(run(1, session::intervals(4, 120.0, 120.0, rng)));
            runs.push(run(2, continuous(RunType::Recovery, rng.range(28.0, 35.0), rng)));
            runs.push(run(3, session::strides(rng.range(35.0, 40.0), rng)));
            runs.push(run(5, continuous(RunType::Easy, rng.range(20.0, 28.0), rng)));
            runs.push(goal_race(race_name, race_m, rng));
        }
        Phase::Recovery => {
            runs.push(run(1, continuous(RunType::Easy, rng.range(28.0, 35.0), rng)));
            runs.push(run(3, session::strides(rng.range(38.0, 45.0), rng)));
            runs.push(run(5, continuous(RunType::Easy, rng.range(35.0, 45.0), rng)));
            runs.push(run(6, continuous(RunType::Long, rng.range(55.0, 70.0), rng)));
        }
        _ => {
            let q1 = match phase {
                Phase::Base if w % 2 == 0 => {
                    session::threshold(rng.int(3, 4), rng.range(8.0, 10.0).round(), rng)
                }
                Phase::Base => session::intervals(8, 60.0, 60.0, rng),
                Phase::Hills => session::hills(rng.int(6, 10), rng.range(60.0, 90.0).round(), rng),
                Phase::Sharpening if w % 2 == 0 => {
                    session::track(rng.int(5, 6), 1_000.0, 150.0, rng)
                }
                Phase::Sharpening => session::intervals(5, 240.0, 150.0, rng),
                _ => session::intervals(5, 180.0, 120.0, rng),
            };
            let parkrun_week = phase == Phase::Sharpening && (k == 12 || k == 14);
            let q2 = if cutback || parkrun_week {
                session::strides(rng.range(38.0, 45.0), rng)
            } else {
                match phase {
                    Phase::Sharpening if w % 2 == 0 => session::threshold(2, 15.0, rng),
                    Phase::Sharpening => session::threshold(3, 10.0, rng),
                    Phase::Taper => session::tempo(rng.range(15.0, 20.0), rng),
                    _ => session::tempo(rng.range(20.0, 30.0), rng),
                }
            };
            runs.push(run(1, q1));
            runs.push(run(2, continuous(RunType::Recovery, rng.range(32.0, 40.0), rng)));
            runs.push(run(3, q2));
            runs.push(run(4, continuous(RunType::Recovery, rng.range(30.0, 36.0), rng)));
            let long_share = if marathon && k >= 8 { 0.32 } else { 0.28 };
            let long_cap = if marathon { 180.0 } else { 150.0 };
            let long = (minutes * long_share).clamp(60.0, long_cap);
            runs.push(run(6, continuous(RunType::Long, long, rng)));
            if parkrun_week {
                runs.push(parkrun(rng));
            } else {
                let rest = (minutes - total(&runs, v_lt)).clamp(30.0, 70.0);
                let sat = match k {
                    2 | 6 => continuous(RunType::Steady, rest.min(50.0), rng),
                    _ if w % 2 == 1 => session::strides(rest, rng),
                    _ => continuous(RunType::Easy, rest, rng),
                };
                runs.push(run(5, sat));
            }
            // What the six runs leave over becomes easy morning doubles.
            let mut left = minutes - total(&runs, v_lt);
            for day in [3, 1] {
                if left > 25.0 {
                    let m = left.min(45.0);
                    runs.push(DayRun {
                        weekday: day,
                        slot: Slot::Morning,
                        session: continuous(RunType::Easy, m, rng),
                        honest: false,
                    });
                    left -= m;
                    for r in runs.iter_mut().filter(|r| r.weekday == day && r.slot == Slot::Any) {
                        r.slot = Slot::Evening;
                    }
                }
            }
        }
    }
    WeekPlan { phase, minutes, runs, protected: false, jump: false }
}

const GREY_CYCLE_WEEKS: usize = 26;

fn grey_zone(w: usize, base: f64, v_lt: f64, rng: &mut Rng) -> WeekPlan {
    let minutes = base * rng.range(0.93, 1.07);
    let k = w % GREY_CYCLE_WEEKS;
    let race_week = k == GREY_CYCLE_WEEKS - 1;
    let (race_name, race_m) = if (w / GREY_CYCLE_WEEKS) % 2 == 0 {
        ("City 10K", 10_000.0)
    } else {
        ("Riverside Half Marathon", 21_097.5)
    };
    let mut runs = vec![
        run(1, continuous(RunType::Steady, minutes * 0.17, rng)),
        run(2, session::tempo((minutes * 0.1).clamp(20.0, 35.0), rng)),
    ];
    if w % 5 == 0 {
        runs.push(DayRun {
            honest: true,
            ..run(3, continuous(RunType::Easy, rng.range(35.0, 45.0), rng))
        });
    } else {
        runs.push(run(3, continuous(RunType::Recovery, rng.range(30.0, 40.0), rng)));
    }
    if race_week {
        runs.push(run(5, continuous(RunType::Easy, rng.range(25.0, 30.0), rng)));
        runs.push(goal_race(race_name, race_m, rng));
    } else {
        runs.push(match w % 4 {
            0 => run(5, session::intervals(5, 180.0, 120.0, rng)),
            1 => parkrun(rng),
            2 => run(5, session::threshold(3, 8.0, rng)),
            _ => run(5, session::strides(rng.range(38.0, 45.0), rng)),
        });
        let long = (minutes - total(&runs, v_lt)).clamp(60.0, 110.0);
        runs.push(run(6, continuous(RunType::Long, long, rng)));
    }
    WeekPlan { phase: Phase::Build, minutes, runs, protected: false, jump: false }
}

fn novice(
    profile: &Profile,
    state: &mut ProfileState,
    w: usize,
    years: f64,
    rng: &mut Rng,
) -> WeekPlan {
    // The trend: +5 %/week to 190 min, then +1 %/week to 240, then the profile's yearly growth.
    if w > 0 {
        let g = if state.trend < 190.0 {
            1.05
        } else if state.trend < 240.0 {
            1.01
        } else {
            (1.0 + profile.yearly_growth).powf(7.0 / 365.25)
        };
        state.trend = (state.trend * g).min(profile.max_minutes_per_week);
    }
    let jump = state.jump_week == Some(w);
    let protected = state.jump_week.is_some_and(|j| w + 1 == j || w == j);
    // The jump week runs 35 % more than the week before (which ran the trend).
    let minutes = if jump { state.trend / 1.05 * 1.35 } else { state.trend };
    let mut runs = Vec::new();
    let race = match w {
        30 => Some(("Spring 10K", 10_000.0)),
        w if w > 30 && (w - 30) % 26 == 0 => {
            if years >= 1.0 && (w - 30) / 26 % 2 == 1 {
                Some(("Riverside Half Marathon", 21_097.5))
            } else {
                Some(("City 10K", 10_000.0))
            }
        }
        _ => None,
    };
    if minutes < 120.0 {
        runs.push(run(1, continuous(RunType::Easy, minutes * 0.3, rng)));
        runs.push(run(3, continuous(RunType::Easy, minutes * 0.3, rng)));
        runs.push(run(6, continuous(RunType::Long, minutes * 0.4, rng)));
    } else {
        let after_parkrun = w >= 13 && w % 4 == 3;
        let tue = if after_parkrun { RunType::Recovery } else { RunType::Easy };
        runs.push(run(1, continuous(tue, minutes * 0.22, rng)));
        let thu = if w >= 12 && !protected {
            match w % 4 {
                0 => session::tempo(rng.range(15.0, 20.0), rng),
                1 => session::intervals(6, 60.0, 90.0, rng),
                2 => session::strides(minutes * 0.24, rng),
                _ => session::threshold(3, 5.0, rng),
            }
        } else {
            continuous(RunType::Easy, minutes * 0.24, rng)
        };
        runs.push(run(3, thu));
        if let Some((name, m)) = race {
            runs.push(run(5, continuous(RunType::Easy, 25.0, rng)));
            runs.push(goal_race(name, m, rng));
        } else {
            if w >= 12 && w % 4 == 2 {
                runs.push(parkrun(rng));
            } else {
                runs.push(run(5, continuous(RunType::Easy, minutes * 0.22, rng)));
            }
            runs.push(run(6, continuous(RunType::Long, minutes * 0.32, rng)));
        }
    }
    WeekPlan { phase: Phase::Build, minutes, runs, protected, jump }
}

/// Heart-rate aims (fraction of max HR) of easy-type and steady running, as intended.
pub(crate) const RECOVERY_HR: (f64, f64) = (0.55, 0.60);
pub(crate) const EASY_HR: (f64, f64) = (0.62, 0.68);
pub(crate) const LONG_HR: (f64, f64) = (0.62, 0.67);
pub(crate) const STEADY_HR: (f64, f64) = (0.72, 0.78);

/// How the runner actually runs a planned session on a day with physiology `phys`: easy and
/// recovery running is aimed at a heart rate (the middle of Zone 2, or Zone 1 for recovery);
/// a disciplined runner also obeys a ceiling, the others often run their easy days too fast.
pub(crate) fn execute(
    profile: &Profile,
    day: &DayRun,
    phys: &Physiology,
    rng: &mut Rng,
) -> Session {
    let mut s = day.session.clone();
    let kind = s.kind;
    let aim =
        |band: (f64, f64), rng: &mut Rng| phys.r_at_hr(rng.range(band.0, band.1) * phys.max_hr);
    for seg in &mut s.segments {
        match seg.intensity {
            Intensity::Recovery => seg.r = aim(RECOVERY_HR, rng),
            Intensity::Easy if kind == RunType::Long => seg.r = aim(LONG_HR, rng),
            Intensity::Easy => seg.r = aim(EASY_HR, rng),
            Intensity::Steady => seg.r = aim(STEADY_HR, rng),
            // Race day: fresh legs after a taper run faster, tired ones slower.
            Intensity::Race => seg.r *= 1.0 + phys.form.clamp(-0.05, 0.05),
            _ => {}
        }
    }
    let easy_kind =
        matches!(kind, RunType::Recovery | RunType::Easy | RunType::Long | RunType::Strides);
    if profile.runs_easy_by_heart_rate {
        for seg in &mut s.segments {
            seg.hr_cap = match seg.intensity {
                Intensity::Recovery => Some(0.62),
                Intensity::Easy if easy_kind => Some(0.70),
                _ => None,
            };
        }
    } else if !day.honest && easy_kind && rng.chance(profile.too_fast_probability) {
        // Too fast: aimed (by feel) at these fractions of max HR instead.
        let (rec, easy, long) = match profile.kind {
            ProfileKind::GreyZone => ((0.74, 0.79), (0.76, 0.82), (0.75, 0.80)),
            _ => ((0.66, 0.72), (0.71, 0.77), (0.71, 0.75)),
        };
        let band = match kind {
            RunType::Recovery => rec,
            RunType::Long => long,
            _ => easy,
        };
        let pace = aim(band, rng);
        for seg in s.segments.iter_mut().filter(|x| x.role == Role::Main) {
            seg.r = pace;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_round_trip() {
        for k in ProfileKind::ALL {
            assert_eq!(k.name().parse::<ProfileKind>().ok(), Some(k));
        }
        assert!("polarised".parse::<ProfileKind>().is_err());
    }

    #[test]
    fn eighty_twenty_week_has_a_rest_day_two_quality_sessions_and_a_long_run() {
        let p = Profile::new(ProfileKind::EightyTwenty);
        let mut st = ProfileState::new(&p, &mut Rng::new(1, 0, 0));
        let wk = week(&p, &mut st, 1, 0.0, 4.0, &mut Rng::new(1, 1, 1));
        assert!(wk.runs.iter().all(|r| r.weekday != 0));
        let quality = wk
            .runs
            .iter()
            .filter(|r| {
                matches!(r.session.kind, RunType::Threshold | RunType::Intervals | RunType::Tempo)
            })
            .count();
        assert_eq!(quality, 2);
        assert!(wk.runs.iter().any(|r| r.session.kind == RunType::Long));
        assert!(wk.runs.iter().filter(|r| r.session.kind == RunType::Recovery).count() == 2);
    }
}

//! `slowburn-synth`: a synthetic runner. Years of realistic training — recovery, easy and long
//! runs, strides, tempo, threshold and `VO2max` sessions, races, rest days, missed days and
//! illness — rendered second by second into [`Recording`]s and written as FIT files, with the
//! ground truth of every run (what it was meant to be, how it was run, which sensor faults were
//! injected where) and of the athlete's physiology over time.
//!
//! ```no_run
//! use slowburn_synth::{generate, write, ProfileKind, SynthConfig};
//! let cfg = SynthConfig { years: 3.0, profile: ProfileKind::EightyTwenty, seed: 7, ..SynthConfig::default() };
//! let history = generate(&cfg)?;
//! let summary = write(&history, std::path::Path::new("out"))?;
//! # Ok::<(), slowburn_synth::SynthError>(())
//! ```
//!
//! # Design
//! Generation has two stages. Planning walks the calendar day by day (fitness depends on all
//! the days before) and is cheap. Rendering turns each planned run into 1 Hz samples; it is
//! the expensive part and runs in parallel, each run seeded from `(seed, index)`, so output is
//! identical whatever the thread count. A [`History`] holds only the plan: activities are
//! rendered when asked for ([`History::activity`], [`History::par_activities`]) so ten years
//! never sit in memory at once. The model and the ground-truth JSON are described in
//! `docs/SYNTH.md`.

mod calendar;
mod error;
mod physiology;
mod plan;
mod profile;
mod render;
mod rng;
mod route;
mod session;
mod write;

use rayon::prelude::*;
use serde::Serialize;

pub use error::SynthError;
pub use physiology::{
    grade_cost, stimulus_per_min, trimp_per_min, zone_of_fraction, Athlete, Physiology, K_FATIGUE,
    K_FITNESS, TAU_ADAPTATION_DAYS, TAU_FATIGUE_DAYS, TAU_FITNESS_DAYS, TAU_STRAIN_DAYS,
};
pub use plan::{DayOff, OffReason, PhysiologyPoint, WeekInfo};
pub use profile::{Phase, Profile, ProfileKind};
pub use render::{Activity, Fault, FaultKind, PauseTruth, SegmentTruth, Truth};
pub use route::{RouteKind, RouteSpec, Terrain};
pub use session::{Intensity, Length, Race, Role, RunType};
pub use slowburn_formats::Recording;
pub use write::{write, WriteSummary, TRUTH_FILE};

/// Where the athlete lives: routes start here.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Home {
    pub lat: f64,
    pub lon: f64,
    pub altitude_m: f64,
}

impl Default for Home {
    /// Freiburg im Breisgau: flat along the Rhine plain, rolling foothills, Black Forest hills.
    fn default() -> Self {
        Self { lat: 47.995, lon: 7.85, altitude_m: 280.0 }
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthConfig {
    /// Length of the history in years (fractions allowed).
    pub years: f64,
    pub profile: ProfileKind,
    pub seed: u64,
    /// First day of the history (local date).
    pub start_date: jiff::civil::Date,
    /// Inject sensor faults.
    pub faults: bool,
    /// With `faults`: probability per activity of a start lag, a dropout and spikes (each);
    /// cadence lock at half this rate.
    pub fault_rate: f64,
    pub home: Home,
}

impl Default for SynthConfig {
    fn default() -> Self {
        Self {
            years: 1.0,
            profile: ProfileKind::EightyTwenty,
            seed: 0,
            start_date: jiff::civil::date(2016, 1, 4),
            faults: false,
            fault_rate: 0.15,
            home: Home::default(),
        }
    }
}

impl SynthConfig {
    /// The first day as days since 1970-01-01.
    pub(crate) fn first_day(&self) -> i64 {
        let d = self.start_date;
        calendar::days_from_civil(i64::from(d.year()), i64::from(d.month()), i64::from(d.day()))
    }

    fn validate(&self) -> Result<(), SynthError> {
        if !(self.years > 0.0 && self.years <= 100.0) {
            return Err(SynthError::Years(self.years));
        }
        if !(0.0..=1.0).contains(&self.fault_rate) {
            return Err(SynthError::FaultRate(self.fault_rate));
        }
        let Home { lat, lon, .. } = self.home;
        if !(lat.abs() <= 80.0 && lon.abs() <= 180.0) {
            return Err(SynthError::Home { lat, lon });
        }
        Ok(())
    }
}

/// A generated history: the plan of every run and the athlete's truth. Activities are
/// rendered on demand.
#[derive(Debug, Clone)]
pub struct History {
    pub config: SynthConfig,
    pub profile: Profile,
    pub athlete: Athlete,
    pub weeks: Vec<WeekInfo>,
    pub days_off: Vec<DayOff>,
    /// True physiology every Monday.
    pub physiology: Vec<PhysiologyPoint>,
    /// The week index of the injected week-on-week volume jump (novice profile).
    pub volume_jump_week: Option<usize>,
    runs: Vec<plan::PlannedRun>,
}

impl History {
    /// Number of activities.
    #[must_use]
    pub fn len(&self) -> usize {
        self.runs.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Render activity `i` (0-based, in time order).
    #[must_use]
    pub fn activity(&self, i: usize) -> Option<Activity> {
        let run = self.runs.get(i)?;
        let faults = self.config.faults.then_some(self.config.fault_rate);
        Some(render::render(run, &self.athlete, &self.config.home, faults, self.config.seed))
    }

    /// Every activity, rendered one at a time.
    pub fn activities(&self) -> impl Iterator<Item = Activity> + '_ {
        (0..self.len()).filter_map(|i| self.activity(i))
    }

    #[must_use]
    /// Every activity, rendered in parallel (indexed: `collect` keeps time order).
    pub fn par_activities(&self) -> impl IndexedParallelIterator<Item = Activity> + '_ {
        (0..self.len()).into_par_iter().map(move |i| {
            let run = &self.runs[i];
            let faults = self.config.faults.then_some(self.config.fault_rate);
            render::render(run, &self.athlete, &self.config.home, faults, self.config.seed)
        })
    }

    /// The FIT file name activity `i` is written under.
    #[must_use]
    pub fn file_name(&self, i: usize) -> Option<String> {
        self.runs.get(i).map(render::file_name)
    }
}

/// Plan a history. Cheap: activities are rendered later, on demand.
pub fn generate(cfg: &SynthConfig) -> Result<History, SynthError> {
    cfg.validate()?;
    let p = plan::plan(cfg);
    Ok(History {
        config: cfg.clone(),
        profile: Profile::new(cfg.profile),
        athlete: p.athlete,
        weeks: p.weeks,
        days_off: p.days_off,
        physiology: p.physiology,
        volume_jump_week: p.jump_week,
        runs: p.runs,
    })
}

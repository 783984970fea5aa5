//! The dated athlete profile: max heart rate, resting heart rate, LTHR and threshold pace as
//! they were on any given day, each value with where it came from.
//!
//! # Design
//! The athlete's history is a list of [`ProfileEntry`]s, each effective from a date and each
//! setting only the values it names. [`Athlete::at`] resolves every value independently as the
//! latest entry on or before the date that sets it, so a 2019 run is judged by the 2019 profile
//! even if only the resting heart rate changed in 2020. Values the athlete never gave can be
//! filled from data ([`Estimates`], built with the `estimate_*` functions from inputs the caller
//! gathers) and, for max heart rate only, from age ([`tanaka_max_hr`]) as the last resort.
//! Every resolved value carries a [`Source`] so the product can always say where a number came
//! from. Nothing here reads a clock: "the last 12 months" is always relative to a date the
//! caller passes in.

use jiff::civil::Date;
use jiff::ToSpan;
use serde::{Deserialize, Serialize};

/// Biological sex, as the athlete gave it (used by formulas that have sex-specific forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
}

/// One dated change to the athlete's profile: each `Some` value takes effect on `from` and
/// holds until a later entry sets it again; `None` leaves the earlier value in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileEntry {
    pub from: Date,
    pub max_hr: Option<u8>,
    pub resting_hr: Option<u8>,
    /// Lactate threshold heart rate.
    pub lthr: Option<u8>,
    /// Threshold pace in seconds per kilometre (the pace of a ~1-hour race effort).
    pub threshold_pace_s_per_km: Option<f64>,
    pub sex: Option<Sex>,
    pub birth_year: Option<i16>,
}

impl ProfileEntry {
    /// An entry effective from `from` that sets nothing yet (fill in fields with struct update).
    #[must_use]
    pub fn new(from: Date) -> Self {
        Self {
            from,
            max_hr: None,
            resting_hr: None,
            lthr: None,
            threshold_pace_s_per_km: None,
            sex: None,
            birth_year: None,
        }
    }
}

/// Where a resolved profile value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Set by the athlete (or their coach) in the entry effective from `from`.
    Given { from: Date },
    /// Estimated from training data: `method` names the method, `detail` the evidence
    /// ("best 30-s mean 186.4 bpm on 2024-05-12").
    Estimated { method: String, detail: String },
    /// Predicted from age alone ([`tanaka_max_hr`]); the least reliable source.
    AgePredicted,
}

/// A value with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

/// An estimate from data, before it is placed in a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate<T> {
    pub value: T,
    pub method: String,
    pub detail: String,
}

impl<T> Estimate<T> {
    fn into_sourced(self) -> Sourced<T> {
        Sourced {
            value: self.value,
            source: Source::Estimated { method: self.method, detail: self.detail },
        }
    }
}

/// Estimates from data that fill values the athlete did not give (see [`Athlete::at_with`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimates {
    pub max_hr: Option<Estimate<u8>>,
    pub resting_hr: Option<Estimate<u8>>,
    pub lthr: Option<Estimate<u8>>,
    pub threshold_pace_s_per_km: Option<Estimate<f64>>,
}

/// The athlete's profile on one day: every value resolved, with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The day this profile describes.
    pub date: Date,
    pub max_hr: Option<Sourced<u8>>,
    pub resting_hr: Option<Sourced<u8>>,
    pub lthr: Option<Sourced<u8>>,
    pub threshold_pace_s_per_km: Option<Sourced<f64>>,
    pub sex: Option<Sourced<Sex>>,
    pub birth_year: Option<Sourced<i16>>,
}

impl Profile {
    /// A profile with nothing known, for `date`.
    #[must_use]
    pub fn empty(date: Date) -> Self {
        Self {
            date,
            max_hr: None,
            resting_hr: None,
            lthr: None,
            threshold_pace_s_per_km: None,
            sex: None,
            birth_year: None,
        }
    }

    /// Max heart rate in bpm, whatever its source.
    #[must_use]
    pub fn max_hr(&self) -> Option<u8> {
        self.max_hr.as_ref().map(|s| s.value)
    }

    /// Resting heart rate in bpm, whatever its source.
    #[must_use]
    pub fn resting_hr(&self) -> Option<u8> {
        self.resting_hr.as_ref().map(|s| s.value)
    }

    /// Lactate threshold heart rate in bpm, whatever its source.
    #[must_use]
    pub fn lthr(&self) -> Option<u8> {
        self.lthr.as_ref().map(|s| s.value)
    }

    /// Threshold pace in s/km, whatever its source.
    #[must_use]
    pub fn threshold_pace_s_per_km(&self) -> Option<f64> {
        self.threshold_pace_s_per_km.as_ref().map(|s| s.value)
    }

    /// Age in years reached during the profile's calendar year (birth year is all we keep, so
    /// this is exact to within one year).
    #[must_use]
    pub fn age(&self) -> Option<i16> {
        let birth = self.birth_year.as_ref()?.value;
        let age = self.date.year().checked_sub(birth)?;
        (0..=130).contains(&age).then_some(age)
    }
}

/// The athlete: a history of dated profile entries, kept sorted by date. Serialised as the
/// plain list of entries (sorted again when read back).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<ProfileEntry>", into = "Vec<ProfileEntry>")]
pub struct Athlete {
    history: Vec<ProfileEntry>,
}

impl From<Vec<ProfileEntry>> for Athlete {
    fn from(entries: Vec<ProfileEntry>) -> Self {
        Self::from_entries(entries)
    }
}

impl From<Athlete> for Vec<ProfileEntry> {
    fn from(athlete: Athlete) -> Self {
        athlete.history
    }
}

impl Athlete {
    /// An athlete with no history.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An athlete from entries in any order; entries with the same date keep their given order
    /// (the later one wins for the values both set).
    #[must_use]
    pub fn from_entries(mut entries: Vec<ProfileEntry>) -> Self {
        entries.sort_by_key(|e| e.from);
        Self { history: entries }
    }

    /// Add an entry; on a date that already has entries it goes after them (and so wins).
    pub fn push(&mut self, entry: ProfileEntry) {
        let at = self.history.partition_point(|e| e.from <= entry.from);
        self.history.insert(at, entry);
    }

    /// The history, oldest first.
    #[must_use]
    pub fn entries(&self) -> &[ProfileEntry] {
        &self.history
    }

    /// The profile on `date` from given values only, with an age-predicted max heart rate
    /// ([`tanaka_max_hr`]) when none was given and the birth year is known.
    #[must_use]
    pub fn at(&self, date: Date) -> Profile {
        self.at_with(date, &Estimates::default())
    }

    /// The profile on `date`: each value is the latest given one on or before `date`, else the
    /// earliest given one after it (a value the runner gives stands for the history before it
    /// too, until an earlier entry is given); a value never given is taken from `estimates`;
    /// max heart rate falls back to age last of all.
    ///
    /// Given values win over estimates: the athlete (or a lab test) knows better than a watch,
    /// and an estimate the athlete accepts becomes a given value with its own entry.
    #[must_use]
    pub fn at_with(&self, date: Date, estimates: &Estimates) -> Profile {
        fn latest<T: Clone>(
            (past, later): (&[ProfileEntry], &[ProfileEntry]),
            get: impl Fn(&ProfileEntry) -> Option<T>,
        ) -> Option<Sourced<T>> {
            let given = |e: &ProfileEntry| {
                get(e).map(|value| Sourced { value, source: Source::Given { from: e.from } })
            };
            past.iter().rev().find_map(&given).or_else(|| later.iter().find_map(&given))
        }
        let upto = self.history.partition_point(|e| e.from <= date);
        let past = self.history.split_at(upto);
        let mut profile = Profile {
            date,
            max_hr: latest(past, |e| e.max_hr),
            resting_hr: latest(past, |e| e.resting_hr),
            lthr: latest(past, |e| e.lthr),
            threshold_pace_s_per_km: latest(past, |e| e.threshold_pace_s_per_km),
            sex: latest(past, |e| e.sex),
            birth_year: latest(past, |e| e.birth_year),
        };
        if profile.max_hr.is_none() {
            profile.max_hr = estimates.max_hr.clone().map(Estimate::into_sourced);
        }
        if profile.resting_hr.is_none() {
            profile.resting_hr = estimates.resting_hr.clone().map(Estimate::into_sourced);
        }
        if profile.lthr.is_none() {
            profile.lthr = estimates.lthr.clone().map(Estimate::into_sourced);
        }
        if profile.threshold_pace_s_per_km.is_none() {
            profile.threshold_pace_s_per_km =
                estimates.threshold_pace_s_per_km.clone().map(Estimate::into_sourced);
        }
        if profile.max_hr.is_none() {
            if let Some(age) = profile.age() {
                let predicted = tanaka_max_hr(f64::from(age)).round().clamp(0.0, 255.0) as u8;
                profile.max_hr = Some(Sourced { value: predicted, source: Source::AgePredicted });
            }
        }
        profile
    }
}

/// Age-predicted maximal heart rate: `208 − 0.7 × age` bpm.
///
/// Source: Tanaka H., Monahan K. D., Seals D. R. (2001), "Age-predicted maximal heart rate
/// revisited", *Journal of the American College of Cardiology* 37(1):153–156. A population
/// regression with a standard deviation of about 10 bpm, so it is used only when neither a given
/// value nor an estimate from data exists.
#[must_use]
pub fn tanaka_max_hr(age: f64) -> f64 {
    208.0 - 0.7 * age
}

/// How hard the activity an effort came from was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffortKind {
    Race,
    /// A hard session: intervals, a tempo or threshold run, a hill session, a time trial.
    HardSession,
    /// Anything else (easy and long runs): never used to estimate max heart rate.
    Other,
}

/// One activity's best sustained heart rate, as an input to [`estimate_max_hr`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HrEffort {
    pub date: Date,
    /// The activity's best rolling 30-second mean heart rate (see [`best_rolling_mean_hr`]),
    /// computed from cleaned heart rate.
    pub best_30s_hr: f64,
    pub kind: EffortKind,
}

/// Days of history the data-based estimates look back over.
pub const ESTIMATE_WINDOW_DAYS: i32 = 365;

fn within_window(date: Date, as_of: Date, days: i32) -> bool {
    let earliest = as_of.checked_sub(days.days()).unwrap_or(Date::MIN);
    date > earliest && date <= as_of
}

/// Estimate max heart rate from the highest *sustained* heart rate: the best rolling 30-second
/// mean over races and hard sessions in the 12 months up to `as_of`.
///
/// A 30-second mean is used rather than the highest sample so that one spike (an optical
/// sensor's artefact, static on a chest strap) can never set max heart rate; heart rate near
/// max is only reached in races and hard sessions, so easy runs are ignored. The estimate is a
/// lower bound on the true max (few sessions reach it), which errs on the safe side for 80/20:
/// easy zones computed from it are, if anything, slightly too low. Values outside 120–230 bpm
/// are ignored as implausible.
#[must_use]
pub fn estimate_max_hr(efforts: &[HrEffort], as_of: Date) -> Option<Estimate<u8>> {
    let best = efforts
        .iter()
        .filter(|e| e.kind != EffortKind::Other)
        .filter(|e| within_window(e.date, as_of, ESTIMATE_WINDOW_DAYS))
        .filter(|e| e.best_30s_hr.is_finite() && (120.0..=230.0).contains(&e.best_30s_hr))
        .max_by(|a, b| a.best_30s_hr.total_cmp(&b.best_30s_hr).then(a.date.cmp(&b.date)))?;
    let kind = if best.kind == EffortKind::Race { "race" } else { "hard session" };
    Some(Estimate {
        value: best.best_30s_hr.round() as u8,
        method: "best sustained 30-s heart rate, last 12 months".to_owned(),
        detail: format!("{:.1} bpm over 30 s in a {kind} on {}", best.best_30s_hr, best.date),
    })
}

/// Where a lactate-threshold heart rate observation came from (input to [`estimate_lthr`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LthrEffortKind {
    /// The best ~30-minute hard effort of a session: `hr` is the mean of its last 20 minutes
    /// (see [`best_30min_effort_lthr`]).
    ThirtyMinuteEffort,
    /// A race: `hr` is its mean heart rate; it counts only when it lasted 30–60 minutes.
    Race { duration_s: f64 },
}

/// One observation of lactate-threshold heart rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LthrEffort {
    pub date: Date,
    pub hr: f64,
    pub kind: LthrEffortKind,
}

/// Estimate lactate threshold heart rate by Friel's method over the 12 months up to `as_of`.
///
/// Source: Joe Friel, *The Triathlete's Training Bible* (and his "Quick Guide to Setting
/// Zones"): LTHR is approximately the mean heart rate of the last 20 minutes of a 30-minute
/// solo all-out effort; a race lasting 30–60 minutes is run at about threshold, so its mean
/// heart rate is taken as an observation too. Friel asks for the test to be done alone, not in
/// a race, because a race tends to lift heart rate a little; race values are used as they are
/// and the detail says which kind set the estimate. The highest observation wins, since a
/// session that was not truly all-out can only under-read. Values outside 100–220 bpm are
/// ignored as implausible.
#[must_use]
pub fn estimate_lthr(efforts: &[LthrEffort], as_of: Date) -> Option<Estimate<u8>> {
    let best = efforts
        .iter()
        .filter(|e| match e.kind {
            LthrEffortKind::ThirtyMinuteEffort => true,
            LthrEffortKind::Race { duration_s } => {
                (30.0 * 60.0..=60.0 * 60.0).contains(&duration_s)
            }
        })
        .filter(|e| within_window(e.date, as_of, ESTIMATE_WINDOW_DAYS))
        .filter(|e| e.hr.is_finite() && (100.0..=220.0).contains(&e.hr))
        .max_by(|a, b| a.hr.total_cmp(&b.hr).then(a.date.cmp(&b.date)))?;
    let detail = match best.kind {
        LthrEffortKind::ThirtyMinuteEffort => {
            format!(
                "{:.1} bpm mean over the last 20 min of a 30-min effort on {}",
                best.hr, best.date
            )
        }
        LthrEffortKind::Race { duration_s } => format!(
            "{:.1} bpm mean over a {} min race on {}",
            best.hr,
            (duration_s / 60.0).round(),
            best.date
        ),
    };
    Some(Estimate {
        value: best.hr.round() as u8,
        method: "Friel: last 20 min of a 30-min effort, or a 30–60 min race".to_owned(),
        detail,
    })
}

/// Estimate resting heart rate from the 30 days up to `as_of`: the median of values the athlete
/// logged (a morning measurement), or, when fewer than 3 were logged, the median of a watch's
/// daily lows (all-day monitoring). At least 3 values are needed; values outside 25–120 bpm are
/// ignored.
///
/// The median resists the odd bad morning (illness, a poor night). A watch's daily low is
/// usually measured asleep and reads a few bpm under a morning value; it is used as it is, and
/// the method says which kind of value set the estimate.
#[must_use]
pub fn estimate_resting_hr(
    logged: &[(Date, u8)],
    monitoring_lows: &[(Date, u8)],
    as_of: Date,
) -> Option<Estimate<u8>> {
    const WINDOW_DAYS: i32 = 30;
    const MIN_VALUES: usize = 3;
    let recent = |values: &[(Date, u8)]| -> Vec<u8> {
        let mut v: Vec<u8> = values
            .iter()
            .filter(|(d, bpm)| within_window(*d, as_of, WINDOW_DAYS) && (25..=120).contains(bpm))
            .map(|(_, bpm)| *bpm)
            .collect();
        v.sort_unstable();
        v
    };
    let median = |v: &[u8]| -> f64 {
        let n = v.len();
        if n % 2 == 1 {
            f64::from(v[n / 2])
        } else {
            f64::midpoint(f64::from(v[n / 2 - 1]), f64::from(v[n / 2]))
        }
    };
    let logged = recent(logged);
    if logged.len() >= MIN_VALUES {
        let m = median(&logged);
        return Some(Estimate {
            value: m.round() as u8,
            method: "median of logged morning resting heart rate, last 30 days".to_owned(),
            detail: format!("{m:.1} bpm from {} logged values up to {as_of}", logged.len()),
        });
    }
    let lows = recent(monitoring_lows);
    if lows.len() >= MIN_VALUES {
        let m = median(&lows);
        return Some(Estimate {
            value: m.round() as u8,
            method: "median of the watch's daily lows, last 30 days".to_owned(),
            detail: format!("{m:.1} bpm from {} days up to {as_of}", lows.len()),
        });
    }
    None
}

/// A heart-rate series on a 1-second grid from `time` (Unix ms) and `hr`: each sample holds
/// until the next one, for at most [`crate::hist::MAX_SAMPLE_S`] seconds; `None` where nothing
/// was recorded. Used by the rolling-window estimates, which are not on a hot path.
fn one_hz(time: &[Option<i64>], hr: &[Option<u8>]) -> Vec<Option<f64>> {
    let pts: Vec<(i64, u8)> =
        time.iter().zip(hr).filter_map(|(t, h)| Some(((*t)?, (*h)?))).collect();
    let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
        return Vec::new();
    };
    let t0 = first.0;
    // Guard against absurd spans (corrupt timestamps): a day is far beyond any effort we scan.
    let span_s = (last.0.saturating_sub(t0) / 1000).clamp(0, 86_400) as usize;
    let mut grid = vec![None; span_s + 1];
    let cap = crate::hist::MAX_SAMPLE_S as i64;
    for (k, &(t, h)) in pts.iter().enumerate() {
        let s = t.saturating_sub(t0) / 1000;
        if s < 0 || s as usize >= grid.len() {
            continue;
        }
        let next = pts.get(k + 1).map_or(s + 1, |&(tn, _)| tn.saturating_sub(t0) / 1000);
        let end = next.min(s.saturating_add(cap)).max(s + 1).min(grid.len() as i64);
        for slot in &mut grid[s as usize..end as usize] {
            *slot = Some(f64::from(h));
        }
    }
    grid
}

/// Best mean of a `window_s`-second window over a 1-Hz grid, requiring at least 90 % of the
/// window to have a value; returns the window's start second and its mean.
fn best_window(grid: &[Option<f64>], window_s: usize) -> Option<(usize, f64)> {
    if window_s == 0 || grid.len() < window_s {
        return None;
    }
    let min_count = window_s * 9 / 10;
    let (mut sum, mut count) = (0.0_f64, 0_usize);
    let mut best: Option<(usize, f64)> = None;
    for i in 0..grid.len() {
        if let Some(v) = grid[i] {
            sum += v;
            count += 1;
        }
        if i >= window_s {
            if let Some(v) = grid[i - window_s] {
                sum -= v;
                count -= 1;
            }
        }
        if i + 1 >= window_s && count >= min_count.max(1) {
            let mean = sum / count as f64;
            if best.is_none_or(|(_, b)| mean > b) {
                best = Some((i + 1 - window_s, mean));
            }
        }
    }
    best
}

/// The best rolling mean heart rate over `window_s` seconds of one recording (e.g. 30 s for
/// [`HrEffort::best_30s_hr`]); `None` when no window has 90 % coverage.
#[must_use]
pub fn best_rolling_mean_hr(time: &[Option<i64>], hr: &[Option<u8>], window_s: u32) -> Option<f64> {
    best_window(&one_hz(time, hr), window_s as usize).map(|(_, m)| m)
}

/// Friel's LTHR from one recording: find the 30-minute window with the highest mean heart rate
/// and return the mean of its last 20 minutes.
///
/// Source: Joe Friel, *The Triathlete's Training Bible*: "average heart rate for the last 20
/// minutes of a 30-minute all-out solo effort approximates LTHR". Only meaningful for a
/// recording that contains such an effort; the caller decides that (by the session's kind).
/// `None` when the recording has no 30-minute window with 90 % heart-rate coverage.
#[must_use]
pub fn best_30min_effort_lthr(time: &[Option<i64>], hr: &[Option<u8>]) -> Option<f64> {
    const WINDOW: usize = 30 * 60;
    const TAIL: usize = 20 * 60;
    let grid = one_hz(time, hr);
    let (start, _) = best_window(&grid, WINDOW)?;
    let tail = grid.get(start + WINDOW - TAIL..start + WINDOW)?;
    let (sum, n) = tail.iter().flatten().fold((0.0, 0_usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn entry(from: Date) -> ProfileEntry {
        ProfileEntry::new(from)
    }

    #[test]
    fn tanaka_published_values() {
        // Tanaka et al. 2001: 208 − 0.7 × age; age 40 → 180 bpm, age 20 → 194 bpm.
        assert!((tanaka_max_hr(40.0) - 180.0).abs() < 1e-9);
        assert!((tanaka_max_hr(20.0) - 194.0).abs() < 1e-9);
    }

    #[test]
    fn each_value_resolves_to_latest_entry_that_sets_it() {
        let athlete = Athlete::from_entries(vec![
            ProfileEntry { resting_hr: Some(50), ..entry(date(2020, 1, 1)) },
            ProfileEntry { max_hr: Some(190), resting_hr: Some(55), ..entry(date(2018, 3, 1)) },
            ProfileEntry { lthr: Some(170), ..entry(date(2021, 6, 1)) },
        ]);
        let p = athlete.at(date(2019, 5, 5));
        assert_eq!(p.max_hr(), Some(190));
        assert_eq!(p.resting_hr(), Some(55));
        // LTHR was first given in 2021: it stands for the years before it too.
        assert_eq!(p.lthr(), Some(170));
        assert_eq!(p.lthr.unwrap().source, Source::Given { from: date(2021, 6, 1) });
        let p = athlete.at(date(2020, 1, 1));
        assert_eq!(p.resting_hr(), Some(50));
        assert_eq!(p.resting_hr.unwrap().source, Source::Given { from: date(2020, 1, 1) });
        assert_eq!(p.max_hr.unwrap().source, Source::Given { from: date(2018, 3, 1) });
        // Before every entry, each value is the earliest given one.
        let p = athlete.at(date(2017, 1, 1));
        assert_eq!((p.max_hr(), p.resting_hr(), p.lthr()), (Some(190), Some(55), Some(170)));
    }

    #[test]
    fn athlete_serialises_as_sorted_entry_list() {
        let json = r#"[{"from":"2021-06-01","max_hr":188,"resting_hr":null,"lthr":171,
            "threshold_pace_s_per_km":null,"sex":"female","birth_year":1985},
            {"from":"2019-01-01","max_hr":192,"resting_hr":50,"lthr":null,
            "threshold_pace_s_per_km":255.0,"sex":null,"birth_year":null}]"#;
        let a: Athlete = serde_json::from_str(json).unwrap();
        assert_eq!(a.entries()[0].from, date(2019, 1, 1));
        let p = a.at(date(2022, 1, 1));
        assert_eq!((p.max_hr(), p.resting_hr(), p.lthr()), (Some(188), Some(50), Some(171)));
        assert_eq!(p.sex.unwrap().value, Sex::Female);
        let back: Athlete = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn absurd_birth_year_has_no_age() {
        let a = Athlete::from_entries(vec![ProfileEntry {
            birth_year: Some(i16::MIN),
            ..entry(date(2010, 1, 1))
        }]);
        let p = a.at(date(2020, 1, 1));
        assert_eq!(p.age(), None);
        assert_eq!(p.max_hr, None);
    }

    #[test]
    fn same_date_later_push_wins() {
        let mut a = Athlete::new();
        a.push(ProfileEntry { max_hr: Some(185), ..entry(date(2022, 1, 1)) });
        a.push(ProfileEntry { max_hr: Some(188), ..entry(date(2022, 1, 1)) });
        a.push(ProfileEntry { max_hr: Some(180), ..entry(date(2021, 1, 1)) });
        assert_eq!(a.at(date(2022, 1, 1)).max_hr(), Some(188));
        assert_eq!(a.entries()[0].max_hr, Some(180));
    }

    #[test]
    fn given_beats_estimate_beats_age() {
        let a = Athlete::from_entries(vec![ProfileEntry {
            birth_year: Some(1980),
            ..entry(date(2010, 1, 1))
        }]);
        let p = a.at(date(2020, 6, 1));
        // Age 40 in 2020 → 180 bpm.
        assert_eq!(p.max_hr(), Some(180));
        assert_eq!(p.max_hr.as_ref().unwrap().source, Source::AgePredicted);
        let est = Estimates {
            max_hr: Some(Estimate { value: 186, method: "m".into(), detail: "d".into() }),
            ..Estimates::default()
        };
        let p = a.at_with(date(2020, 6, 1), &est);
        assert_eq!(p.max_hr(), Some(186));
        assert!(matches!(p.max_hr.unwrap().source, Source::Estimated { .. }));
        let mut a = a;
        a.push(ProfileEntry { max_hr: Some(191), ..entry(date(2020, 1, 1)) });
        assert_eq!(a.at_with(date(2020, 6, 1), &est).max_hr(), Some(191));
    }

    #[test]
    fn max_hr_uses_sustained_hard_efforts_of_last_year() {
        let as_of = date(2024, 6, 1);
        let efforts = [
            HrEffort { date: date(2024, 5, 1), best_30s_hr: 183.6, kind: EffortKind::HardSession },
            HrEffort { date: date(2024, 2, 1), best_30s_hr: 186.4, kind: EffortKind::Race },
            // Older than 12 months: ignored.
            HrEffort { date: date(2023, 5, 1), best_30s_hr: 192.0, kind: EffortKind::Race },
            // An easy run with a high value (a strap glitch that survived): ignored.
            HrEffort { date: date(2024, 5, 20), best_30s_hr: 199.0, kind: EffortKind::Other },
            // After as_of: ignored.
            HrEffort { date: date(2024, 7, 1), best_30s_hr: 190.0, kind: EffortKind::Race },
        ];
        let e = estimate_max_hr(&efforts, as_of).unwrap();
        assert_eq!(e.value, 186);
        assert!(e.detail.contains("2024-02-01"), "{}", e.detail);
        assert_eq!(estimate_max_hr(&efforts[2..4], as_of), None);
    }

    #[test]
    fn lthr_from_efforts_and_races() {
        let as_of = date(2024, 6, 1);
        let efforts = [
            LthrEffort {
                date: date(2024, 4, 1),
                hr: 168.2,
                kind: LthrEffortKind::ThirtyMinuteEffort,
            },
            LthrEffort {
                date: date(2024, 5, 1),
                hr: 171.4,
                kind: LthrEffortKind::Race { duration_s: 45.0 * 60.0 },
            },
            // A marathon is far below threshold: not a 30–60 min race.
            LthrEffort {
                date: date(2024, 5, 2),
                hr: 175.0,
                kind: LthrEffortKind::Race { duration_s: 3.5 * 3600.0 },
            },
        ];
        let e = estimate_lthr(&efforts, as_of).unwrap();
        assert_eq!(e.value, 171);
        assert!(e.detail.contains("45 min race"), "{}", e.detail);
    }

    #[test]
    fn resting_prefers_logged_then_monitoring() {
        let as_of = date(2024, 6, 30);
        let logged = [
            (date(2024, 6, 1), 48),
            (date(2024, 6, 10), 50),
            (date(2024, 6, 20), 47),
            (date(2024, 6, 25), 60),
        ];
        let e = estimate_resting_hr(&logged, &[], as_of).unwrap();
        // Median of 47, 48, 50, 60 = 49.
        assert_eq!(e.value, 49);
        let lows = [(date(2024, 6, 28), 44), (date(2024, 6, 29), 45), (date(2024, 6, 30), 43)];
        let e = estimate_resting_hr(&logged[..2], &lows, as_of).unwrap();
        assert_eq!(e.value, 44);
        assert!(e.method.contains("daily lows"));
        assert_eq!(estimate_resting_hr(&[], &lows[..2], as_of), None);
    }

    fn series(hr: impl IntoIterator<Item = u8>) -> (Vec<Option<i64>>, Vec<Option<u8>>) {
        let hr: Vec<Option<u8>> = hr.into_iter().map(Some).collect();
        let time = (0..hr.len() as i64).map(|i| Some(1_700_000_000_000 + i * 1000)).collect();
        (time, hr)
    }

    #[test]
    fn rolling_30s_ignores_single_spike() {
        // 10 min at 150 with one 220 spike, then 40 s at 180.
        let mut hr: Vec<u8> = vec![150; 600];
        hr[300] = 220;
        hr.extend([180; 40]);
        let (t, h) = series(hr);
        let best = best_rolling_mean_hr(&t, &h, 30).unwrap();
        assert!((best - 180.0).abs() < 1e-9, "{best}");
    }

    #[test]
    fn friel_last_20_of_best_30() {
        // 15 min warm-up at 130, then 10 min at 160, then 20 min at 170, then 10 min at 120.
        let hr = std::iter::repeat_n(130, 900)
            .chain(std::iter::repeat_n(160, 600))
            .chain(std::iter::repeat_n(170, 1200))
            .chain(std::iter::repeat_n(120, 600));
        let (t, h) = series(hr);
        let lthr = best_30min_effort_lthr(&t, &h).unwrap();
        assert!((lthr - 170.0).abs() < 1e-9, "{lthr}");
        let (t, h) = series([150; 1000]);
        assert_eq!(best_30min_effort_lthr(&t, &h), None);
    }
}

/// Each day's resting heart rate from an all-day monitoring file: the device's own resting
/// value for the day when it wrote one (`monitoring_hr_data`), else the 5th percentile of the
/// day's all-day readings (at least 30 of them), which resists the odd artefact a plain minimum
/// would take. Days are UTC calendar days. Input times are Unix milliseconds. The result feeds
/// [`estimate_resting_hr`] as `monitoring_lows`.
#[must_use]
pub fn monitoring_daily_lows(
    all_day: &[(i64, u8)],
    device_resting: &[(i64, u8)],
) -> Vec<(Date, u8)> {
    use std::collections::BTreeMap;
    fn day(ms: i64) -> Option<Date> {
        jiff::Timestamp::from_millisecond(ms)
            .ok()
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
    }
    let mut device: BTreeMap<Date, u8> = BTreeMap::new();
    for &(t, hr) in device_resting {
        if let Some(d) = day(t) {
            let e = device.entry(d).or_insert(hr);
            *e = (*e).min(hr);
        }
    }
    let mut readings: BTreeMap<Date, Vec<u8>> = BTreeMap::new();
    for &(t, hr) in all_day {
        if let Some(d) = day(t) {
            readings.entry(d).or_default().push(hr);
        }
    }
    let mut out: BTreeMap<Date, u8> = device;
    for (d, mut v) in readings {
        if out.contains_key(&d) || v.len() < 30 {
            continue;
        }
        v.sort_unstable();
        out.insert(d, v[v.len() * 5 / 100]);
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod monitoring_tests {
    use super::*;

    #[test]
    fn device_resting_values_win_and_readings_use_a_low_percentile() {
        let day_ms = 86_400_000i64;
        let d0 = 1_700_000_000_000 - 1_700_000_000_000 % day_ms;
        // Day 0: 100 readings 50..=149 and one artefact of 20: the 5th percentile is 54.
        let mut all: Vec<(i64, u8)> = (0..100).map(|i| (d0 + i * 60_000, 50 + i as u8)).collect();
        all.push((d0 + 7_000_000, 20));
        // Day 1: the device says 47; readings are ignored.
        all.extend((0..40).map(|i| (d0 + day_ms + i * 60_000, 60)));
        let lows = monitoring_daily_lows(&all, &[(d0 + day_ms + 5, 47)]);
        assert_eq!(lows.len(), 2);
        assert_eq!(lows[0].1, 54);
        assert_eq!(lows[1].1, 47);
        // Too few readings: no value.
        assert!(monitoring_daily_lows(&all[..10], &[]).is_empty());
    }
}

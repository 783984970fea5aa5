//! The athlete's history as the views read it, decoded once from the store's typed columns;
//! and the one profile resolver: the given entries, then estimates from the data up to each
//! date, as dated periods with their zones and load parameters.
//!
//! # Design
//! Periods start on the first of every month from the first activity to the latest, and on
//! every profile entry's date (and on any extra date a view asks about). A period's estimates
//! are made from the data up to the end of its month (never past the latest activity), each
//! estimator looking back 12 months — so a 2019 run is judged by what 2019's data said, and
//! every command that asks about a date gets the same profile for it. Classification
//! (`refresh`), `show`, `zones`, `athlete show`, `week`, `review` and `trends` all go through
//! [`Profiles::resolve`].

use jiff::civil::{Date, DateTime};
use slowburn_core::athlete::{
    estimate_lthr, estimate_max_hr, estimate_resting_hr, EffortKind, Estimates, HrEffort,
    LthrEffort, LthrEffortKind,
};
use slowburn_core::classify::{Reason, RunType};
use slowburn_core::load::LoadParams;
use slowburn_core::review::{ActivityInput, Effort, ProfilePeriod};
use slowburn_core::summary::HrPacePoint;
use slowburn_core::trends::{efforts_of, estimate_threshold_pace};
use slowburn_core::zones::pace_zones;
use slowburn_core::{Athlete, Profile, ProfileEntry};
use slowburn_store::{ActivityRow, HistoryRow, HistorySnapshot, HrPaceRow};

use crate::config::Zoning;
use crate::AppError;

/// The local date and time of an instant.
#[must_use]
pub fn local_datetime(start_ms: i64, offset_s: Option<i32>) -> Option<DateTime> {
    let t = jiff::Timestamp::from_millisecond(start_ms).ok()?;
    let off = jiff::tz::Offset::from_seconds(offset_s.unwrap_or(0)).ok()?;
    Some(t.to_zoned(off.to_time_zone()).datetime())
}

/// The local calendar date of an instant.
#[must_use]
pub fn local_date(start_ms: i64, offset_s: Option<i32>) -> Option<Date> {
    local_datetime(start_ms, offset_s).map(DateTime::date)
}

pub(crate) fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

fn points(rows: &[HrPaceRow]) -> Vec<HrPacePoint> {
    rows.iter()
        .map(|p| HrPacePoint { hr: p.hr, pace_s_per_km: p.pace_s_per_km, seconds: p.seconds })
        .collect()
}

/// What a run says beyond core's review input: where its type came from and the evidence the
/// estimates read.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFacts {
    pub start_ms: i64,
    pub label: Option<RunType>,
    /// The derived type as stored (before the label).
    pub derived: Option<DerivedType>,
    /// What the file says (`slowburn_core::classify::Evidence` as stored JSON, parsed only by
    /// the refresh that decides from it); `None` for rows written before it was kept.
    pub evidence: Option<String>,
    /// What the file alone said.
    pub base: Option<(RunType, Reason)>,
    pub confidence: Option<f64>,
    pub settled_hr: Option<f64>,
    pub avg_hr: Option<f64>,
    pub best_30s_hr: Option<f64>,
    pub best_30min_lthr: Option<f64>,
    /// Heart rate against pace on flat steady running (zones' "you run at").
    pub flat_hr_pace: Vec<HrPacePoint>,
}

impl RunFacts {
    /// How hard the run was for the estimates: the label, else the base type — never the
    /// derived type, which itself depends on the estimates.
    #[must_use]
    pub fn effort_kind(&self) -> EffortKind {
        match self.label.or(self.base.map(|b| b.0)) {
            Some(RunType::Race) => EffortKind::Race,
            Some(RunType::Intervals | RunType::Threshold | RunType::Tempo) => {
                EffortKind::HardSession
            }
            _ => EffortKind::Other,
        }
    }
}

/// A run's derived type: what the evidence, the profile of its date and the norms decide.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedType {
    pub run_type: RunType,
    pub reason: Reason,
    pub confidence: Option<f64>,
    /// The evidence that decided it, in words.
    pub why: Option<String>,
}

fn typed(t: Option<&str>, r: Option<&str>) -> Option<(RunType, Reason)> {
    Some((RunType::from_name(t?)?, r.and_then(Reason::from_name).unwrap_or(Reason::Default)))
}

/// The history: activities with a start, oldest first (`activities[i]` and `facts[i]` are the
/// same run), the athlete's entries and logs.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub activities: Vec<ActivityInput>,
    pub facts: Vec<RunFacts>,
    /// The stored rows (names, device, source …), same order.
    pub rows: Vec<ActivityRow>,
    /// Activities without a usable start time (not placed in any week).
    pub undated: Vec<ActivityRow>,
    pub athlete: Athlete,
    pub resting_logs: Vec<(Date, u8)>,
    /// A watch's daily lows (all-day monitoring files).
    pub monitoring_lows: Vec<(Date, u8)>,
    /// Logged notes: `(date, text)`.
    pub notes: Vec<(Date, String)>,
    /// The local date of the latest activity in the store (also when only a window is loaded).
    pub latest: Option<Date>,
}

/// One stored row as core's review input and its facts; the row back (`Err`) without a start
/// time. (Boxing the row would cost an allocation per run of every review for a rare case.)
#[allow(clippy::result_large_err)]
pub(crate) fn run_of(r: HistoryRow) -> Result<(ActivityInput, RunFacts, ActivityRow), ActivityRow> {
    let d = &r.activity.data;
    let Some((start_ms, start)) =
        d.start_ms.and_then(|ms| Some((ms, local_datetime(ms, d.utc_offset_s)?)))
    else {
        return Err(r.activity);
    };
    let mut f = r.facts;
    let label = r.activity.label.as_deref().and_then(RunType::from_user);
    let stored = &r.activity.derived;
    let derived =
        typed(stored.run_type.as_deref(), stored.reason.as_deref()).map(|(t, why)| DerivedType {
            run_type: t,
            reason: why,
            confidence: stored.confidence,
            why: stored.why.clone(),
        });
    let evidence = f.evidence.take();
    let mut a = ActivityInput::new(r.activity.id, start);
    a.duration_s = d.duration_s.unwrap_or(0.0);
    a.moving_s = d.moving_s.or(d.duration_s).unwrap_or(0.0);
    a.distance_m = d.distance_m.unwrap_or(0.0);
    a.sport = d.sport;
    a.run_type = label.or(derived.as_ref().map(|d| d.run_type));
    for (slot, v) in a.hr_hist.iter_mut().zip(&r.hr_hist) {
        *slot = f64::from(*v);
    }
    for (slot, v) in a.pace_hist.iter_mut().zip(&r.pace_hist) {
        *slot = f64::from(*v);
    }
    a.hr_coverage = f.hr_coverage.unwrap_or(0.0);
    a.gap_pace_s_per_km = f.gap_pace_s_per_km;
    a.efficiency_factor = f.efficiency_factor;
    a.decoupling_pct = f.decoupling_pct;
    a.best_efforts = f
        .best_efforts
        .iter()
        .map(|e| Effort { distance_m: e.distance_m, time_s: e.time_s })
        .collect();
    a.rpe = r.rpe;
    a.hr_pace = points(&f.settled_hr_pace);
    let facts = RunFacts {
        start_ms,
        label,
        derived,
        evidence,
        base: typed(f.base_type.as_deref(), f.base_reason.as_deref()),
        confidence: f.confidence,
        settled_hr: f.settled_hr,
        avg_hr: d.avg_hr,
        best_30s_hr: f.best_30s_hr,
        best_30min_lthr: f.best_30min_lthr,
        flat_hr_pace: points(&f.hr_pace),
    };
    Ok((a, facts, r.activity))
}

impl History {
    /// Decode a snapshot. `latest` is the store's latest activity (`None`: the snapshot's).
    pub fn from_snapshot(snap: HistorySnapshot, latest: Option<Date>) -> Result<History, AppError> {
        // Straight into the two lists (an `ActivityInput` holds its histograms inline, 3.3 KB:
        // building pairs and unzipping them copies ten years twice).
        let n = snap.activities.len();
        let (mut activities, mut facts, mut rows) =
            (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        let mut undated = Vec::new();
        for r in snap.activities {
            match run_of(r) {
                Ok((a, f, row)) => {
                    activities.push(a);
                    facts.push(f);
                    rows.push(row);
                }
                Err(row) => undated.push(row),
            }
        }
        // The store orders by UTC start; local starts differ only across time-zone changes.
        let key = |a: &ActivityInput| (a.start, a.id);
        if !activities.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
            let mut order: Vec<usize> = (0..activities.len()).collect();
            order.sort_by_key(|&i| key(&activities[i]));
            let mut slots: Vec<Option<(ActivityInput, (RunFacts, ActivityRow))>> =
                activities.into_iter().zip(facts.into_iter().zip(rows)).map(Some).collect();
            let sorted: Vec<(ActivityInput, (RunFacts, ActivityRow))> =
                order.into_iter().filter_map(|i| slots[i].take()).collect();
            (activities, (facts, rows)) = sorted.into_iter().unzip();
        }
        let mut entries = Vec::with_capacity(snap.entries.len());
        for e in &snap.entries {
            entries.push(serde_json::from_str::<ProfileEntry>(&e.entry).map_err(|err| {
                AppError::Corrupt(format!(
                    "the athlete entry from {} is not readable: {err}",
                    e.from_date
                ))
            })?);
        }
        let mut h = History {
            latest: latest.or(activities.last().map(|a: &ActivityInput| a.date)),
            activities,
            facts,
            rows,
            undated,
            athlete: Athlete::from_entries(entries),
            ..History::default()
        };
        for log in snap.logs {
            let date = log.date;
            let bpm =
                log.value.filter(|v| v.is_finite() && (0.0..=255.0).contains(v)).map(|v| v as u8);
            match (log.kind.as_str(), bpm) {
                ("rhr", Some(b)) => h.resting_logs.push((date, b)),
                ("monitoring_low", Some(b)) => h.monitoring_lows.push((date, b)),
                ("note", _) => h.notes.push((date, log.text.unwrap_or_default())),
                _ => {}
            }
        }
        Ok(h)
    }

    /// The index of activity `id`.
    #[must_use]
    pub fn index_of(&self, id: i64) -> Option<usize> {
        self.activities.iter().position(|a| a.id == id)
    }
}

/// The profile periods of a history: one truth for every date.
#[derive(Debug, Clone)]
pub struct Profiles {
    pub periods: Vec<ProfilePeriod>,
    /// The profile on each period's first day (same order as `periods`).
    pub profiles: Vec<Profile>,
    pub zoning: Zoning,
}

/// The evidence the estimators read, each list in date order.
struct Evidence {
    typed: Vec<HrEffort>,
    any: Vec<HrEffort>,
    lthr: Vec<LthrEffort>,
    efforts: Vec<(Date, Effort)>,
}

impl Evidence {
    fn of(h: &History) -> Evidence {
        let mut typed = Vec::new();
        let mut any = Vec::new();
        let mut lthr = Vec::new();
        let mut efforts = Vec::new();
        for (a, f) in h.activities.iter().zip(&h.facts) {
            if !a.is_running() {
                continue;
            }
            let kind = f.effort_kind();
            if let Some(hr) = f.best_30s_hr {
                any.push(HrEffort { date: a.date, best_30s_hr: hr, kind: EffortKind::HardSession });
                if kind != EffortKind::Other {
                    typed.push(HrEffort { date: a.date, best_30s_hr: hr, kind });
                }
            }
            match (kind, f.avg_hr, f.best_30min_lthr) {
                (EffortKind::Race, Some(hr), _) => lthr.push(LthrEffort {
                    date: a.date,
                    hr,
                    kind: LthrEffortKind::Race { duration_s: a.moving_s },
                }),
                (EffortKind::HardSession, _, Some(hr)) => lthr.push(LthrEffort {
                    date: a.date,
                    hr,
                    kind: LthrEffortKind::ThirtyMinuteEffort,
                }),
                _ => {}
            }
            efforts.extend(efforts_of(a).into_iter().map(|e| (a.date, e)));
        }
        Evidence { typed, any, lthr, efforts }
    }
}

/// The part of a date-sorted list in the 12 months up to `as_of` (estimators look back that far;
/// handing them only the window keeps ten years of monthly periods linear).
fn window<T>(list: &[T], date: impl Fn(&T) -> Date, as_of: Date) -> &[T] {
    let year_ago = add_days(as_of, -366);
    let lo = list.partition_point(|x| date(x) <= year_ago);
    let hi = list.partition_point(|x| date(x) <= as_of);
    &list[lo..hi.max(lo)]
}

impl Profiles {
    /// Resolve the profile periods of `h`, with extra period starts at `extra` (dates a view
    /// asks about that may lie outside the activities' months).
    #[must_use]
    pub fn resolve(h: &History, zoning: &Zoning, extra: &[Date]) -> Profiles {
        let ev = Evidence::of(h);
        let mut bounds: Vec<Date> = Vec::new();
        if let (Some(first), Some(last)) = (h.activities.first(), h.latest) {
            let mut m = first.date.first_of_month();
            while m <= last {
                bounds.push(m);
                m = m.checked_add(jiff::Span::new().months(1)).unwrap_or(Date::MAX);
            }
        }
        bounds.extend(h.athlete.entries().iter().map(|e| e.from));
        bounds.extend_from_slice(extra);
        bounds.sort_unstable();
        bounds.dedup();
        let profiles = bounds
            .iter()
            .map(|&b| {
                // Estimates from data up to the end of the period's month, never past the data.
                let as_of = h.latest.map_or(b, |l| b.last_of_month().min(l).max(b));
                h.athlete.at_with(b, &estimates(h, &ev, as_of))
            })
            .collect();
        Profiles::from_profiles(profiles, zoning)
    }

    /// Periods from resolved profiles (each in force from its `date`, in date order), zoned
    /// with `zoning` — what [`Profiles::resolve`] gives, read back from stored derived state.
    #[must_use]
    pub fn from_profiles(profiles: Vec<Profile>, zoning: &Zoning) -> Profiles {
        let mut periods = Vec::with_capacity(profiles.len());
        for profile in &profiles {
            let b = profile.date;
            let zones = zoning.model.zones(profile).ok().map(|z| match zoning.grey_width {
                Some(w) => z.with_grey_width(w),
                None => z,
            });
            periods.push(ProfilePeriod {
                from: b,
                zones,
                pace_zones: pace_zones(profile).ok(),
                load: LoadParams {
                    max_hr: profile.max_hr().map(f64::from),
                    resting_hr: profile.resting_hr().map(f64::from),
                    sex: profile.sex.as_ref().map(|s| s.value),
                    threshold_pace_s_per_km: profile.threshold_pace_s_per_km(),
                },
            });
        }
        Profiles { periods, profiles, zoning: zoning.clone() }
    }

    /// The period and profile in force on `date`.
    #[must_use]
    pub fn on(&self, date: Date) -> Option<(&ProfilePeriod, &Profile)> {
        let i = self.periods.partition_point(|p| p.from <= date).checked_sub(1)?;
        Some((&self.periods[i], &self.profiles[i]))
    }

    /// The distinct profiles in force between `from` and `to` (a footer per change).
    #[must_use]
    pub fn between(&self, from: Date, to: Date) -> Vec<&Profile> {
        let lo = self.periods.partition_point(|p| p.from <= from).saturating_sub(1);
        let hi = self.periods.partition_point(|p| p.from <= to);
        let mut out: Vec<&Profile> = Vec::new();
        for p in &self.profiles[lo..hi.max(lo)] {
            let same = out.last().is_some_and(|q| same_values(q, p));
            if !same {
                out.push(p);
            }
        }
        out
    }
}

/// Do two profiles judge alike (same values from the same sources)?
fn same_values(a: &Profile, b: &Profile) -> bool {
    a.max_hr == b.max_hr
        && a.resting_hr == b.resting_hr
        && a.lthr == b.lthr
        && a.threshold_pace_s_per_km == b.threshold_pace_s_per_km
        && a.sex == b.sex
        && a.birth_year == b.birth_year
}

fn estimates(h: &History, ev: &Evidence, as_of: Date) -> Estimates {
    let typed = window(&ev.typed, |e| e.date, as_of);
    let any = window(&ev.any, |e| e.date, as_of);
    let max_hr = estimate_max_hr(typed, as_of).or_else(|| {
        // Until runs are typed, every run's best sustained heart rate is evidence of max HR.
        estimate_max_hr(any, as_of).map(|mut e| {
            "best sustained 30-s heart rate of any run, last 12 months (no race or hard session typed yet)"
                .clone_into(&mut e.method);
            e.detail = e.detail.replace("in a hard session", "in a run");
            e
        })
    });
    Estimates {
        max_hr,
        resting_hr: estimate_resting_hr(&h.resting_logs, &h.monitoring_lows, as_of),
        lthr: estimate_lthr(window(&ev.lthr, |e| e.date, as_of), as_of),
        threshold_pace_s_per_km: estimate_threshold_pace(
            window(&ev.efforts, |e| e.0, as_of),
            as_of,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, start_ms: i64, offset_s: i32) -> HistoryRow {
        HistoryRow {
            activity: ActivityRow {
                id,
                sha256: [0; 32],
                data: slowburn_store::ActivityData {
                    source_name: format!("{id}.fit"),
                    format: "fit".into(),
                    start_ms: Some(start_ms),
                    utc_offset_s: Some(offset_s),
                    sport: Some(1),
                    sub_sport: None,
                    name: None,
                    description: None,
                    gear: None,
                    device: None,
                    duration_s: Some(1800.0),
                    moving_s: Some(1800.0),
                    distance_m: Some(5000.0),
                    ascent_m: None,
                    avg_hr: None,
                    max_hr: None,
                    samples: 1800,
                },
                label: None,
                derived: slowburn_store::Derived::default(),
                summary_version: 3,
                duplicates: 0,
            },
            facts: slowburn_store::Facts::default(),
            hr_hist: vec![0.0; 256],
            pace_hist: Vec::new(),
            rpe: None,
        }
    }

    #[test]
    fn runs_are_in_local_order_with_their_facts_across_a_time_zone_change() {
        // #1 starts first in UTC (08:00Z, at UTC-5: 03:00 local); #2 an hour later in UTC but
        // at UTC+9 (18:00 local the same day): local order is #1, #2 either way; #3 at 08:30Z
        // in UTC-12 is 20:30 the day before, so it comes first locally.
        let h = 1_700_000_000_000 - 1_700_000_000_000 % 86_400_000 + 8 * 3_600_000;
        let snap = HistorySnapshot {
            activities: vec![
                row(1, h, -5 * 3600),
                row(2, h + 3_600_000, 9 * 3600),
                row(3, h + 1_800_000, -12 * 3600),
            ],
            ..HistorySnapshot::default()
        };
        let hist = History::from_snapshot(snap, None).expect("history");
        let ids: Vec<i64> = hist.activities.iter().map(|a| a.id).collect();
        assert_eq!(ids, vec![3, 1, 2]);
        let starts: Vec<i64> = hist.facts.iter().map(|f| f.start_ms).collect();
        assert_eq!(starts, vec![h + 1_800_000, h, h + 3_600_000], "facts stay with their runs");
        let rows: Vec<i64> = hist.rows.iter().map(|r| r.id).collect();
        assert_eq!(rows, ids, "rows stay with their runs");
    }
}

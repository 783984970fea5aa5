//! `slowburn review [--weeks 12 | --since DATE]`: the honest review of a block of weeks; and the
//! history loader that `week` and `trends` share (stored activities → core's plain inputs, and
//! the dated profile → zone and load periods).

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use jiff::civil::{Date, DateTime, Weekday};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use slowburn_core::athlete::{
    estimate_lthr, estimate_max_hr, estimate_resting_hr, EffortKind, Estimates, HrEffort,
    LthrEffort, LthrEffortKind, Source, Sourced,
};
use slowburn_core::classify::RunType;
use slowburn_core::load::{LoadParams, ASSUMED_RESTING_HR};
use slowburn_core::review::{
    self, ActivityInput, Effort, ProfilePeriod, RecoveryCeiling, Review, ReviewSettings, WeekReview,
};
use slowburn_core::summary::HrPacePoint;
use slowburn_core::trends::{efforts_of, estimate_threshold_pace};
use slowburn_core::zones::{pace_zones, Purpose, ZoneModel};
use slowburn_core::Profile;
use slowburn_report::format;
use slowburn_store::{Filter, Store};

use crate::cli::{ReviewArgs, ReviewOptions, WeekStartArg, ZoneModelArg};
use crate::config::Config;
use crate::printer::Printer;

/// Best efforts as the import may store them (from the run's metrics).
#[derive(Deserialize)]
struct StoredEffort {
    distance_m: f64,
    time_s: f64,
}

/// Metrics the import may store under `metrics`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct StoredMetrics {
    gap_pace_s_per_km: Option<f64>,
    efficiency_factor: Option<f64>,
    decoupling_pct: Option<f64>,
    best_efforts: Vec<StoredEffort>,
}

/// The parts of a stored summary the review and trends read; everything is optional so older
/// summaries (and ones written before classification was stored) still load. `P` is the type
/// of `hr_pace`: the points for trends, or [`IgnoredAny`] to skip them quickly.
#[derive(Deserialize, Default)]
#[serde(default)]
struct StoredSummary<P> {
    hr_coverage: Option<f64>,
    best_30s_hr: Option<f64>,
    best_30min_lthr: Option<f64>,
    avg_hr: Option<f64>,
    hr_pace: P,
    /// The same from settled running only (warm-up left out; stored since the trends landed).
    settled_hr_pace: Option<P>,
    /// The classification: a type name, or an object with a `run_type` name.
    run_type: Option<serde_json::Value>,
    gap_pace_s_per_km: Option<f64>,
    efficiency_factor: Option<f64>,
    decoupling_pct: Option<f64>,
    best_efforts: Vec<StoredEffort>,
    metrics: Option<StoredMetrics>,
}

/// What a stored summary says about the athlete (for the profile estimates).
struct Evidence {
    best_30s_hr: Option<f64>,
    best_30min_lthr: Option<f64>,
    avg_hr: Option<f64>,
}

/// A run type from a user's label or a stored classification name.
fn run_type(label: Option<&str>, stored: Option<&serde_json::Value>) -> Option<RunType> {
    let name = label.map(str::to_owned).or_else(|| {
        let v = stored?;
        v.get("run_type").unwrap_or(v).as_str().map(str::to_owned)
    })?;
    match name.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
        "strides" => Some(RunType::EasyWithStrides),
        "other" => Some(RunType::OtherSport),
        n => RunType::from_name(n),
    }
}

/// Everything the review commands read from the store.
pub(super) struct History {
    pub activities: Vec<ActivityInput>,
    pub periods: Vec<ProfilePeriod>,
    /// The profile on each period's first day (same order as `periods`).
    pub profiles: Vec<Profile>,
    pub resting_logs: Vec<(Date, u8)>,
    /// A watch's daily lows (all-day monitoring files).
    pub monitoring_lows: Vec<(Date, u8)>,
    /// The local date of the latest activity.
    pub latest: Option<Date>,
    pub model: &'static str,
}

impl History {
    /// The profile in force on `date`.
    pub(super) fn profile_on(&self, date: Date) -> Option<&Profile> {
        let i = self.periods.partition_point(|p| p.from <= date);
        self.profiles.get(i.saturating_sub(1))
    }
}

fn local_datetime(start_ms: i64, offset_s: Option<i32>) -> Option<DateTime> {
    let t = jiff::Timestamp::from_millisecond(start_ms).ok()?;
    let off = jiff::tz::Offset::from_seconds(offset_s.unwrap_or(0)).ok()?;
    Some(t.to_zoned(off.to_time_zone()).datetime())
}

/// The heart-rate zone model to judge by, and the grey band's width: the flag, else the
/// config file, else `%HRmax` with the default band.
pub(super) struct Zoning {
    model: ZoneModel,
    grey_width: Option<u8>,
}

pub(super) fn zoning(flag: Option<ZoneModelArg>, config: &Config) -> anyhow::Result<Zoning> {
    let chosen = match (flag, config.zones.model.as_deref()) {
        (Some(m), _) => m,
        (None, Some(name)) => {
            <ZoneModelArg as clap::ValueEnum>::from_str(name, true).map_err(|_| {
                anyhow::anyhow!("zones.model = {name:?} in the config is not a zone model")
            })?
        }
        (None, None) => ZoneModelArg::Hrmax,
    };
    let model = match chosen {
        ZoneModelArg::Hrr => ZoneModel::HeartRateReserve,
        ZoneModelArg::Lthr => ZoneModel::FrielLthr,
        ZoneModelArg::ThreeZone => ZoneModel::ThreeZone { vt1: None },
        ZoneModelArg::Custom if !config.zones.custom.is_empty() => {
            ZoneModel::Custom(config.zones.custom.clone())
        }
        // Pace zones judge runs without heart rate anyway; heart-rate review uses %HRmax then.
        ZoneModelArg::Hrmax | ZoneModelArg::Pace | ZoneModelArg::Custom => ZoneModel::PercentMax,
    };
    Ok(Zoning { model, grey_width: config.zones.grey_band_bpm })
}

fn weekday(w: WeekStartArg) -> Weekday {
    match w {
        WeekStartArg::Monday => Weekday::Monday,
        WeekStartArg::Tuesday => Weekday::Tuesday,
        WeekStartArg::Wednesday => Weekday::Wednesday,
        WeekStartArg::Thursday => Weekday::Thursday,
        WeekStartArg::Friday => Weekday::Friday,
        WeekStartArg::Saturday => Weekday::Saturday,
        WeekStartArg::Sunday => Weekday::Sunday,
    }
}

pub(super) fn settings(o: &ReviewOptions, config: &Config) -> anyhow::Result<ReviewSettings> {
    let week_start = match o.week_start {
        Some(w) => weekday(w),
        None => match config.calendar.week_start.as_deref() {
            Some(name) => {
                weekday(<WeekStartArg as clap::ValueEnum>::from_str(name, true).map_err(|_| {
                    anyhow::anyhow!("calendar.week_start = {name:?} in the config is not a weekday")
                })?)
            }
            None => Weekday::Monday,
        },
    };
    Ok(ReviewSettings {
        week_start,
        recovery_ceiling: if o.recovery_easy {
            RecoveryCeiling::Easy
        } else {
            RecoveryCeiling::Zone1
        },
        ..ReviewSettings::default()
    })
}

fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

/// Load every stored activity and the profile periods. `P` is `Vec<HrPacePoint>` when the
/// heart rate–pace points are needed (trends), [`IgnoredAny`] otherwise.
pub(super) fn load<P>(store: &Store, db: Option<&Path>, zoning: &Zoning) -> anyhow::Result<History>
where
    P: DeserializeOwned + Default + IntoHrPace + Send,
{
    // The histograms come through a second connection on another core while this one reads
    // the activities (WAL lets readers run side by side); together they are half the time.
    let (rows, hists) = std::thread::scope(|scope| {
        let hists = scope.spawn(|| -> anyhow::Result<HashMap<i64, (Vec<f32>, Vec<f32>)>> {
            Ok(crate::db::open(db)?
                .histograms(&Filter::default())?
                .into_iter()
                .map(|(id, _, _, hr, pace)| (id, (hr, pace)))
                .collect())
        });
        let rows = store.activities(&Filter::default());
        (rows, hists.join())
    });
    let rows = rows?;
    let hists = hists.map_err(|_| anyhow::anyhow!("reading the histograms failed"))??;
    let rpes: HashMap<i64, f64> = store.rpes()?.into_iter().collect();
    // Parse the summaries on every core: they are most of the work (about 8 KB of JSON each).
    let parse = |r: &slowburn_store::ActivityRow| -> Option<(ActivityInput, Evidence)> {
        let d = &r.data;
        let start = d.start_ms.and_then(|t| local_datetime(t, d.utc_offset_s))?;
        let s: StoredSummary<P> = serde_json::from_str(&d.summary).unwrap_or_default();
        let mut a = ActivityInput::new(r.id, start);
        a.duration_s = d.duration_s.unwrap_or(0.0);
        a.moving_s = d.moving_s.or(d.duration_s).unwrap_or(0.0);
        a.distance_m = d.distance_m.unwrap_or(0.0);
        a.sport = d.sport;
        a.run_type = run_type(r.label.as_deref(), s.run_type.as_ref());
        if let Some((hr, pace)) = hists.get(&r.id) {
            for (slot, v) in a.hr_hist.iter_mut().zip(hr) {
                *slot = f64::from(*v);
            }
            for (slot, v) in a.pace_hist.iter_mut().zip(pace) {
                *slot = f64::from(*v);
            }
        }
        let hr_s: f64 = a.hr_hist.iter().sum();
        a.hr_coverage = s.hr_coverage.unwrap_or(if a.moving_s > 0.0 {
            (hr_s / a.moving_s).min(1.0)
        } else {
            0.0
        });
        let m = s.metrics.unwrap_or_default();
        a.gap_pace_s_per_km = s.gap_pace_s_per_km.or(m.gap_pace_s_per_km);
        a.efficiency_factor = s.efficiency_factor.or(m.efficiency_factor);
        a.decoupling_pct = s.decoupling_pct.or(m.decoupling_pct);
        let efforts = if s.best_efforts.is_empty() { m.best_efforts } else { s.best_efforts };
        a.best_efforts = efforts
            .into_iter()
            .map(|e| Effort { distance_m: e.distance_m, time_s: e.time_s })
            .collect();
        a.rpe = rpes.get(&r.id).copied();
        a.hr_pace = s.settled_hr_pace.unwrap_or(s.hr_pace).into_points();
        let evidence = Evidence {
            best_30s_hr: s.best_30s_hr,
            best_30min_lthr: s.best_30min_lthr,
            avg_hr: s.avg_hr,
        };
        Some((a, evidence))
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8);
    let chunk = rows.len().div_ceil(threads).max(1);
    let mut parsed: Vec<(ActivityInput, Evidence)> = std::thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().filter_map(parse).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    parsed.sort_by(|(a, _), (b, _)| a.start.cmp(&b.start).then(a.id.cmp(&b.id)));
    // The evidence the estimates read, in date order.
    let mut hr_efforts: Vec<HrEffort> = Vec::new();
    let mut lthr_efforts = Vec::new();
    for (a, ev) in parsed.iter().filter(|(a, _)| a.is_running()) {
        let kind = match a.run_type {
            Some(RunType::Race) => EffortKind::Race,
            Some(RunType::Intervals | RunType::Threshold | RunType::Tempo) => {
                EffortKind::HardSession
            }
            _ => EffortKind::Other,
        };
        if let Some(h) = ev.best_30s_hr {
            hr_efforts.push(HrEffort { date: a.date, best_30s_hr: h, kind });
        }
        match (kind, ev.avg_hr, ev.best_30min_lthr) {
            (EffortKind::Race, Some(hr), _) => lthr_efforts.push(LthrEffort {
                date: a.date,
                hr,
                kind: LthrEffortKind::Race { duration_s: a.moving_s },
            }),
            (EffortKind::HardSession, _, Some(hr)) => lthr_efforts.push(LthrEffort {
                date: a.date,
                hr,
                kind: LthrEffortKind::ThirtyMinuteEffort,
            }),
            _ => {}
        }
    }
    let activities: Vec<ActivityInput> = parsed.into_iter().map(|(a, _)| a).collect();
    let latest = activities.last().map(|a| a.date);
    let bpm_logs = |kind: &str| -> anyhow::Result<Vec<(Date, u8)>> {
        Ok(store
            .daily_logs(kind)?
            .into_iter()
            .filter_map(|(d, v, _)| {
                let v = v?;
                Some((
                    d.parse().ok()?,
                    (v.is_finite() && (0.0..=255.0).contains(&v)).then_some(v as u8)?,
                ))
            })
            .collect())
    };
    let resting_logs = bpm_logs("rhr")?;
    let monitoring_lows = bpm_logs("monitoring_low")?;
    let athlete = crate::profile::athlete(store)?;
    let typed: Vec<HrEffort> =
        hr_efforts.iter().filter(|e| e.kind != EffortKind::Other).copied().collect();
    // Until runs are classified, every run's best sustained heart rate is evidence of max HR.
    let any: Vec<HrEffort> =
        hr_efforts.iter().map(|e| HrEffort { kind: EffortKind::HardSession, ..*e }).collect();
    let dated_efforts: Vec<(Date, Effort)> = activities
        .iter()
        .filter(|a| a.is_running())
        .flat_map(|a| efforts_of(a).into_iter().map(move |e| (a.date, e)))
        .collect();
    let zm = &zoning.model;
    let typed_dates: Vec<Date> = typed.iter().map(|e| e.date).collect();
    let any_dates: Vec<Date> = any.iter().map(|e| e.date).collect();
    let lthr_dates: Vec<Date> = lthr_efforts.iter().map(|e| e.date).collect();
    let effort_dates: Vec<Date> = dated_efforts.iter().map(|e| e.0).collect();

    // Period boundaries: every month from the first activity, and every athlete entry.
    let mut bounds: Vec<Date> = Vec::new();
    if let (Some(first), Some(last)) = (activities.first(), latest) {
        let mut m = first.date.first_of_month();
        while m <= last {
            bounds.push(m);
            m = m.checked_add(jiff::Span::new().months(1)).unwrap_or(Date::MAX);
        }
    }
    bounds.extend(athlete.entries().iter().map(|e| e.from));
    bounds.sort_unstable();
    bounds.dedup();
    let mut periods = Vec::with_capacity(bounds.len());
    let mut profiles = Vec::with_capacity(bounds.len());
    for &b in &bounds {
        // Estimates from data up to the end of the period's month (and never past the data).
        let as_of = latest.map_or(b, |l| b.last_of_month().min(l).max(b));
        // Each estimator looks back 12 months; hand it only that window of the (date-sorted)
        // evidence so ten years of monthly periods stay linear.
        let year_ago = add_days(as_of, -366);
        let window = |dates: &[Date]| {
            dates.partition_point(|d| *d <= year_ago)..dates.partition_point(|d| *d <= as_of)
        };
        let (typed, any, lthr_efforts, dated_efforts) = (
            &typed[window(&typed_dates)],
            &any[window(&any_dates)],
            &lthr_efforts[window(&lthr_dates)],
            &dated_efforts[window(&effort_dates)],
        );
        let max_hr = estimate_max_hr(typed, as_of).or_else(|| {
            estimate_max_hr(any, as_of).map(|mut e| {
                "best sustained 30-s heart rate of any run, last 12 months (the runs have no type yet)"
                    .clone_into(&mut e.method);
                e.detail = e.detail.replace("in a hard session", "in a run");
                e
            })
        });
        let est = Estimates {
            max_hr,
            resting_hr: estimate_resting_hr(&resting_logs, &monitoring_lows, as_of),
            lthr: estimate_lthr(lthr_efforts, as_of),
            threshold_pace_s_per_km: estimate_threshold_pace(dated_efforts, as_of),
        };
        let profile = athlete.at_with(b, &est);
        let zones = zm.zones(&profile).ok().map(|z| match zoning.grey_width {
            Some(w) => z.with_grey_width(w),
            None => z,
        });
        periods.push(ProfilePeriod {
            from: b,
            zones,
            pace_zones: pace_zones(&profile).ok(),
            load: LoadParams {
                max_hr: profile.max_hr().map(f64::from),
                resting_hr: profile.resting_hr().map(f64::from),
                sex: profile.sex.as_ref().map(|s| s.value),
                threshold_pace_s_per_km: profile.threshold_pace_s_per_km(),
            },
        });
        profiles.push(profile);
    }
    Ok(History {
        activities,
        periods,
        profiles,
        resting_logs,
        monitoring_lows,
        latest,
        model: zm.name(),
    })
}

/// What `hr_pace` deserialises into.
pub(super) trait IntoHrPace {
    fn into_points(self) -> Vec<HrPacePoint>;
}

impl IntoHrPace for IgnoredAny {
    fn into_points(self) -> Vec<HrPacePoint> {
        Vec::new()
    }
}

impl IntoHrPace for Vec<HrPacePoint> {
    fn into_points(self) -> Vec<HrPacePoint> {
        self
    }
}

/// How a value was arrived at, in words.
fn source_text(s: &Source) -> String {
    match s {
        Source::Given { from } => format!("given, in force from {from}"),
        Source::Estimated { method, detail } => format!("estimated: {method}; {detail}"),
        Source::AgePredicted => "predicted from age (Tanaka: 208 − 0.7 × age)".to_owned(),
    }
}

/// The profile a review judged with, and where each value came from.
#[derive(Serialize)]
pub(super) struct ProfileView {
    pub date: Date,
    pub zone_model: &'static str,
    pub max_hr: Option<u8>,
    pub max_hr_source: Option<String>,
    pub resting_hr: u8,
    pub resting_hr_source: String,
    pub threshold_pace_s_per_km: Option<f64>,
    pub threshold_pace_source: Option<String>,
    /// Zone 2 (the aerobic-base zone), bpm.
    pub zone2: Option<(u8, u8)>,
    pub easy_domain: Option<(u8, u8)>,
    pub grey_band: Option<(u8, u8)>,
}

impl ProfileView {
    pub(super) fn new(h: &History, date: Date) -> ProfileView {
        let profile = h.profile_on(date);
        let period = review::period_on(&h.periods, date);
        let zones = period.and_then(|p| p.zones.as_ref());
        let src = |s: Option<&Sourced<u8>>| s.map(|s| source_text(&s.source));
        let resting = profile.and_then(|p| p.resting_hr.as_ref());
        ProfileView {
            date,
            zone_model: h.model,
            max_hr: profile.and_then(Profile::max_hr),
            max_hr_source: src(profile.and_then(|p| p.max_hr.as_ref())),
            resting_hr: resting.map_or(ASSUMED_RESTING_HR as u8, |s| s.value),
            resting_hr_source: resting.map_or_else(
                || "assumed: none logged; `slowburn log rhr 48` sets it".to_owned(),
                |s| source_text(&s.source),
            ),
            threshold_pace_s_per_km: profile.and_then(Profile::threshold_pace_s_per_km),
            threshold_pace_source: profile
                .and_then(|p| p.threshold_pace_s_per_km.as_ref())
                .map(|s| source_text(&s.source)),
            zone2: zones.and_then(|z| {
                z.zones()
                    .iter()
                    .find(|z| z.purpose == Purpose::AerobicBase)
                    .map(|z| (z.low_bpm, z.high_bpm))
            }),
            easy_domain: zones.and_then(|z| z.domain_ranges()[0]),
            grey_band: zones.and_then(slowburn_core::ZoneTable::grey_band),
        }
    }

    /// One paragraph: what the verdicts were judged with.
    pub(super) fn text(&self) -> String {
        let mut parts = Vec::new();
        match (self.max_hr, &self.max_hr_source) {
            (Some(m), Some(s)) => parts.push(format!("max HR {m} bpm ({s})")),
            _ => parts.push(
                "max HR unknown (no heart-rate data yet; `slowburn athlete set --max-hr`), so no zones".to_owned(),
            ),
        }
        parts.push(format!("resting HR {} bpm ({})", self.resting_hr, self.resting_hr_source));
        if let Some((lo, hi)) = self.zone2 {
            let grey =
                self.grey_band.map_or(String::new(), |(a, b)| format!(", grey band {a}–{b} bpm"));
            let model = match self.zone_model {
                "percent_max" => "%HRmax",
                "heart_rate_reserve" => "heart-rate reserve",
                "friel_lthr" => "Friel's LTHR",
                "three_zone" => "three-zone",
                other => other,
            };
            parts.push(format!("{model} zones: Zone 2 {lo}–{hi} bpm{grey}"));
        }
        if let (Some(t), Some(s)) = (self.threshold_pace_s_per_km, &self.threshold_pace_source) {
            parts.push(format!("threshold pace {} ({s})", format::pace(1000.0 / t)));
        }
        format!("Judged with {}.", parts.join("; "))
    }
}

/// The JSON of `review` and `week`.
#[derive(Serialize)]
pub(super) struct ReviewJson<'a> {
    pub from: Date,
    pub to: Date,
    pub profile: ProfileView,
    #[serde(flatten)]
    pub review: &'a Review,
}

fn pct(x: Option<f64>) -> String {
    x.map_or("–".to_owned(), |v| format!("{:.0} %", v * 100.0))
}

fn num(x: Option<f64>, decimals: usize) -> String {
    x.map_or("–".to_owned(), |v| format!("{v:.decimals$}"))
}

/// The one-line-per-week table.
pub(super) fn week_table(weeks: &[WeekReview]) -> Vec<String> {
    let mut out = vec![format!(
        "{:<9} {:>10} {:>8} {:>4} {:>4} {:>10} {:>10} {:>5} {:>5} {:>8} {:>10} {:>4} {:>4} {:>5} {:>5}",
        "week", "distance", "time", "runs", "rest", "easy time", "easy runs", "PI", "grey", "recovery",
        "load", "CTL", "ATL", "TSB", "mono"
    )];
    for w in weeks {
        out.push(format!(
            "{:<9} {:>10} {:>8} {:>4} {:>4} {:>10} {:>10} {:>5} {:>5} {:>8} {:>10} {:>4.0} {:>4.0} {:>+5.0} {:>5}",
            w.week,
            format!("{:.1} km", w.km),
            format::duration(w.seconds),
            w.runs,
            w.rest_days,
            pct(w.easy_share_time),
            pct(w.easy_share_sessions),
            num(w.polarization_index, 2),
            format!("{}/{}", w.grey_runs, w.easy_runs),
            pct(w.recovery_compliance),
            format!("{:.0} TRIMP", w.load),
            w.ctl,
            w.atl,
            // No "-0": a form that rounds to zero is zero.
            if w.tsb.round() == 0.0 { 0.0 } else { w.tsb },
            num(w.monotony, 1),
        ));
    }
    out
}

/// The first day of the week `weeks - 1` weeks before the one holding `to`.
pub(super) fn weeks_back(to: Date, weeks: u32, start: Weekday) -> Date {
    add_days(review::week_start(to, start), -7 * i64::from(weeks.max(1) - 1))
}

pub(crate) fn run(db: Option<&Path>, args: &ReviewArgs) -> anyhow::Result<ExitCode> {
    let store = crate::db::open(db)?;
    let config = crate::config::load()?;
    let h = load::<IgnoredAny>(&store, db, &zoning(args.options.model, &config)?)?;
    let mut p = Printer::new();
    let Some(latest) = h.latest else {
        p.line("No activities yet: import some with `slowburn import PATH`.")?;
        p.flush()?;
        return Ok(ExitCode::SUCCESS);
    };
    let s = settings(&args.options, &config)?;
    let to = args.until.unwrap_or(latest);
    let from = args.since.unwrap_or_else(|| weeks_back(to, args.weeks, s.week_start));
    let r = review::review(&h.activities, &h.periods, &s, from, to);
    let profile = ProfileView::new(&h, to);
    if args.json {
        p.json(&ReviewJson { from, to, profile, review: &r })?;
    } else {
        p.line(&format!(
            "Review of {} from {} to {} (weeks start on {})",
            if r.weeks.len() == 1 {
                "1 week".to_owned()
            } else {
                format!("{} weeks", r.weeks.len())
            },
            r.block.from,
            to,
            review::weekday_name(s.week_start)
        ))?;
        p.line("")?;
        for v in &r.block.verdicts {
            p.line(&format!("  {v}"))?;
        }
        p.line("")?;
        p.line(&format!(
            "  {} in {} over {} runs, {} rest days; {} of running time easy, {} moderate, {} hard.",
            format::km(r.block.km * 1000.0),
            format::duration(r.block.seconds),
            r.block.runs,
            r.block.rest_days,
            format::duration(r.block.time_s.easy),
            format::duration(r.block.time_s.moderate),
            format::duration(r.block.time_s.hard),
        ))?;
        p.line("")?;
        for line in week_table(&r.weeks) {
            p.line(&format!("  {line}"))?;
        }
        if !r.block.flags.is_empty() {
            p.line("")?;
            p.line("  Flags:")?;
            for f in &r.block.flags {
                p.line(&format!("    {}  {}", f.week, f.message))?;
            }
        }
        p.line("")?;
        p.line(&format!("  {}", profile.text()))?;
        p.line("  One week in detail: slowburn week --week YYYY-Www")?;
    }
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

//! The athlete's profile on a date: what they gave (`athlete set`), filled in by estimates
//! from their own data (core's estimators over the stored summaries and logs).

use anyhow::Context as _;
use jiff::civil::Date;
use slowburn_core::athlete::{
    estimate_lthr, estimate_max_hr, estimate_resting_hr, EffortKind, Estimates, HrEffort,
    LthrEffort, LthrEffortKind,
};
use slowburn_core::summary::RunSummary;
use slowburn_core::{Athlete, Profile, ProfileEntry};
use slowburn_store::Store;

/// One stored activity's summary, with its local date and kind.
pub(crate) struct StoredRun {
    pub date: Date,
    pub summary: RunSummary,
    pub kind: EffortKind,
    pub duration_s: f64,
}

/// The local calendar date of an instant.
pub(crate) fn local_date(start_ms: i64, offset_s: Option<i32>) -> Option<Date> {
    let t = jiff::Timestamp::from_millisecond(start_ms).ok()?;
    let off = jiff::tz::Offset::from_seconds(offset_s.unwrap_or(0)).ok()?;
    Some(t.to_zoned(off.to_time_zone()).date())
}

/// How hard a run was, from the user's label or the stored classification. The base type
/// (what import decided from the file alone) is read first, so that estimates — and the
/// re-typing that uses them — are the same whatever order files were imported in.
fn effort_kind(summary_json: &str, label: Option<&str>) -> EffortKind {
    let v: serde_json::Value = serde_json::from_str(summary_json).unwrap_or_default();
    let t = label.map(str::to_owned).or_else(|| {
        v.get("base_run_type")
            .filter(|t| !t.is_null())
            .or_else(|| v.get("run_type"))
            .and_then(|t| t.as_str())
            .map(str::to_owned)
    });
    match t.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("race") => EffortKind::Race,
        Some("intervals" | "threshold" | "tempo") => EffortKind::HardSession,
        _ => EffortKind::Other,
    }
}

/// Every stored run's summary (running only), oldest first.
pub(crate) fn stored_runs(store: &Store) -> anyhow::Result<Vec<StoredRun>> {
    let mut out = Vec::new();
    for (_id, start, off, sport, summary, label) in store.summaries()? {
        if sport.is_some_and(|s| s != 1) {
            continue;
        }
        let (Some(start), Ok(s)) = (start, serde_json::from_str::<RunSummary>(&summary)) else {
            continue;
        };
        let Some(date) = local_date(start, off) else { continue };
        out.push(StoredRun {
            date,
            kind: effort_kind(&summary, label.as_deref()),
            duration_s: s.moving_s,
            summary: s,
        });
    }
    Ok(out)
}

/// The athlete's given entries.
pub(crate) fn athlete(store: &Store) -> anyhow::Result<Athlete> {
    let mut entries = Vec::new();
    for json in store.athlete_entries()? {
        entries.push(
            serde_json::from_str::<ProfileEntry>(&json)
                .context("a stored athlete entry is not readable")?,
        );
    }
    Ok(Athlete::from_entries(entries))
}

/// Estimates from the data up to `as_of`.
pub(crate) fn estimates(
    store: &Store,
    runs: &[StoredRun],
    as_of: Date,
) -> anyhow::Result<Estimates> {
    let efforts: Vec<HrEffort> = runs
        .iter()
        .filter_map(|r| {
            r.summary.best_30s_hr.map(|hr| HrEffort { date: r.date, best_30s_hr: hr, kind: r.kind })
        })
        .collect();
    let lthr: Vec<LthrEffort> = runs
        .iter()
        .filter_map(|r| match r.kind {
            EffortKind::Race => r.summary.avg_hr.map(|hr| LthrEffort {
                date: r.date,
                hr,
                kind: LthrEffortKind::Race { duration_s: r.duration_s },
            }),
            EffortKind::HardSession => r.summary.best_30min_lthr.map(|hr| LthrEffort {
                date: r.date,
                hr,
                kind: LthrEffortKind::ThirtyMinuteEffort,
            }),
            EffortKind::Other => None,
        })
        .collect();
    let logged: Vec<(Date, u8)> = store
        .daily_logs("rhr")?
        .into_iter()
        .filter_map(|(d, v, _)| Some((d.parse().ok()?, v? as u8)))
        .collect();
    let monitoring: Vec<(Date, u8)> = store
        .daily_logs("monitoring_low")?
        .into_iter()
        .filter_map(|(d, v, _)| Some((d.parse().ok()?, v? as u8)))
        .collect();
    Ok(Estimates {
        max_hr: estimate_max_hr(&efforts, as_of),
        resting_hr: estimate_resting_hr(&logged, &monitoring, as_of),
        lthr: estimate_lthr(&lthr, as_of),
        threshold_pace_s_per_km: None,
    })
}

/// The profile on `date`, given values first, then estimates.
pub(crate) fn profile_at(store: &Store, date: Date) -> anyhow::Result<Profile> {
    let runs = stored_runs(store)?;
    let est = estimates(store, &runs, date)?;
    Ok(athlete(store)?.at_with(date, &est))
}

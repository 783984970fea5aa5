//! The per-run analysis import runs on every recording: core's summary, and the typed facts
//! the store keeps beside it.

use slowburn_core::summary::{self, summarise_with, Context, HrPacePoint, RunSummary};
use slowburn_core::Athlete;
use slowburn_formats::sources::ExportMeta;
use slowburn_formats::Recording;
use slowburn_import::{Analyser, Analysis};
use slowburn_store::{EffortRow, Facts, HrPaceRow};

use crate::history::local_date;

/// Core's analysis with the athlete's *given* profile only.
///
/// # Design
/// What import stores must not depend on what the store already holds, or an import killed and
/// re-run would store something else than one uninterrupted import: so the profile is the one
/// the athlete gave (estimates from data are applied afterwards by the refresh, which re-types
/// from the stored settled heart rate), and runs are classified without norms.
pub struct CoreAnalyser {
    athlete: Athlete,
}

impl CoreAnalyser {
    #[must_use]
    pub fn new(athlete: Athlete) -> CoreAnalyser {
        CoreAnalyser { athlete }
    }
}

fn rows(points: &[HrPacePoint]) -> Vec<HrPaceRow> {
    points
        .iter()
        .map(|p| HrPaceRow { hr: p.hr, pace_s_per_km: p.pace_s_per_km, seconds: p.seconds })
        .collect()
}

/// The typed facts of a summary (what reviews read on every run).
#[must_use]
pub fn facts_of(s: &RunSummary) -> Facts {
    let m = s.metrics.as_ref();
    Facts {
        summary_version: s.version,
        base_type: s.base_run_type.map(|t| t.name().to_owned()),
        base_reason: s.base_reason.map(|r| r.name().to_owned()),
        confidence: s.confidence,
        settled_hr: s.settled_hr,
        hr_coverage: Some(s.hr_coverage),
        best_30s_hr: s.best_30s_hr,
        best_30min_lthr: s.best_30min_lthr,
        gap_pace_s_per_km: m.and_then(|m| m.gap_pace_s_per_km),
        efficiency_factor: m.and_then(|m| m.efficiency_factor),
        decoupling_pct: m.and_then(|m| m.decoupling_pct),
        best_efforts: m
            .map(|m| {
                m.best_efforts
                    .iter()
                    .map(|e| EffortRow { distance_m: e.distance_m, time_s: e.time_s })
                    .collect()
            })
            .unwrap_or_default(),
        hr_pace: rows(&s.hr_pace),
        settled_hr_pace: rows(&s.settled_hr_pace),
        // Evidence of plain values: serde_json cannot fail on it.
        evidence: s.evidence.as_ref().and_then(|e| serde_json::to_string(e).ok()),
    }
}

impl Analyser for CoreAnalyser {
    fn daily_resting_hr(&self, rec: &Recording) -> Vec<(jiff::civil::Date, u8)> {
        slowburn_core::athlete::monitoring_daily_lows(&rec.monitoring_hr, &rec.resting_hr)
    }

    fn analyse(&self, rec: &Recording, meta: Option<&ExportMeta>) -> Analysis {
        let date = rec
            .start
            .and_then(|t| local_date(t, rec.utc_offset_s))
            .unwrap_or_else(|| jiff::civil::date(2000, 1, 1));
        let profile = self.athlete.at(date);
        let norms = slowburn_core::classify::Norms::default();
        let name = meta.and_then(|m| m.name.as_deref()).or(rec.name.as_deref());
        let r = summarise_with(rec, &Context { profile: &profile, norms, label: None, name });
        let s = &r.summary;
        Analysis {
            moving_s: Some(s.moving_s),
            ascent_m: s
                .metrics
                .as_ref()
                .and_then(|m| m.elevation_gain_m)
                .or_else(|| rec.sessions.iter().filter_map(|x| x.ascent_m).reduce(|a, b| a + b)),
            avg_hr: s.avg_hr,
            max_hr: s.max_hr,
            hr_hist: r.hr_hist.iter().map(|&x| x as f32).collect(),
            pace_hist: r.pace_hist.iter().map(|&x| x as f32).collect(),
            facts: facts_of(s),
            sport: s.sport.as_ref().filter(|c| c.changed).map(|c| (c.sport, c.sub_sport)),
            distance_m: s.distance_m,
            summary: summary::encode(s),
        }
    }
}

//! Wiring of the per-run analysis into the import pipeline, and the activity views the
//! commands print. The analysis itself lives in `slowburn-core`.

use serde::Serialize;
use slowburn_formats::sources::ExportMeta;
use slowburn_formats::Recording;
use slowburn_import::{Analyser, Analysis};
use slowburn_store::{ActivityRow, Store};

/// The analysis import runs on every recording, with the athlete's *given* profile only.
///
/// # Design
/// What import stores must not depend on what the store already holds, or an import killed and
/// re-run would store something else than one uninterrupted import: so the profile is the one
/// the athlete gave (estimates from data are shown by `athlete show` and used at read time),
/// and runs are classified without norms; [`apply_norms`] then re-norms the whole stored history
/// in date order, which is cheap (no file is read) and deterministic.
pub(crate) struct CoreAnalyser {
    athlete: slowburn_core::Athlete,
}

impl CoreAnalyser {
    pub(crate) fn from_store(store: &Store) -> anyhow::Result<CoreAnalyser> {
        Ok(CoreAnalyser { athlete: crate::profile::athlete(store)? })
    }
}

/// Finish the stored history's classification, deterministically and without reading a file:
/// runs typed before any heart-rate profile was known (no max HR given) are re-typed from their
/// settled heart rate against the profile with estimates from the data; then the athlete's norms
/// (median easy run, longest recent run) are applied in date order from each run's base type.
/// The user's labels count as the runs' types. Returns how many runs changed type.
pub(crate) fn apply_norms(store: &mut Store) -> anyhow::Result<usize> {
    use slowburn_core::classify::{self, Norms, PastRun, Reason, RunType};
    use slowburn_core::summary::RunSummary;
    let today = jiff::Zoned::now().date();
    let athlete = crate::profile::athlete(store)?;
    let runs = crate::profile::stored_runs(store)?;
    let estimates = crate::profile::estimates(store, &runs, today)?;
    let rows = store.summaries()?;
    let mut history: Vec<PastRun> = Vec::with_capacity(rows.len());
    let mut changes: Vec<(i64, String)> = Vec::new();
    for (id, start, offset, _, json, label) in rows {
        let Ok(mut s) = serde_json::from_str::<RunSummary>(&json) else { continue };
        let Some(start_ms) = start else { continue };
        if let (Some(mut base), Some(mut reason)) = (s.base_run_type, s.base_reason) {
            if matches!(reason, Reason::Default | Reason::Pace) {
                let date = crate::profile::local_date(start_ms, offset).unwrap_or(today);
                let profile = athlete.at_with(date, &estimates);
                let zones = slowburn_core::ZoneModel::PercentMax.zones(&profile).ok();
                if let Some((t, r)) = s.settled_hr.and_then(|hr| {
                    classify::type_from_heart_rate(hr, s.moving_s, &profile, zones.as_ref())
                }) {
                    (base, reason) = (t, r);
                }
            }
            let norms = Norms::from_history(&history, start_ms);
            let (t, r) = classify::apply_norms(base, reason, s.moving_s, &norms);
            if s.run_type != Some(t) || s.reason != Some(r) {
                s.run_type = Some(t);
                s.reason = Some(r);
                changes.push((id, serde_json::to_string(&s)?));
            }
        }
        let final_type = label.as_deref().and_then(RunType::from_name).or(s.run_type);
        if let Some(run_type) = final_type {
            history.push(PastRun { start_ms, moving_s: s.moving_s, run_type });
        }
    }
    let batch = store.batch()?;
    for (id, json) in &changes {
        batch.set_summary(*id, json)?;
    }
    batch.commit()?;
    Ok(changes.len())
}

impl Analyser for CoreAnalyser {
    fn daily_resting_hr(&self, rec: &Recording) -> Vec<(String, u8)> {
        slowburn_core::athlete::monitoring_daily_lows(&rec.monitoring_hr, &rec.resting_hr)
            .into_iter()
            .map(|(d, bpm)| (d.to_string(), bpm))
            .collect()
    }

    fn analyse(&self, rec: &Recording, meta: Option<&ExportMeta>) -> Analysis {
        use slowburn_core::summary::{summarise_with, Context};
        let date = rec
            .start
            .and_then(|t| crate::profile::local_date(t, rec.utc_offset_s))
            .unwrap_or_else(|| jiff::civil::date(2000, 1, 1));
        let profile = self.athlete.at(date);
        let norms = slowburn_core::classify::Norms::default();
        let name = meta.and_then(|m| m.name.as_deref());
        let r = summarise_with(rec, &Context { profile: &profile, norms, label: None, name });
        Analysis {
            moving_s: Some(r.summary.moving_s),
            ascent_m: r
                .summary
                .metrics
                .as_ref()
                .and_then(|m| m.elevation_gain_m)
                .or_else(|| rec.sessions.iter().filter_map(|x| x.ascent_m).reduce(|a, b| a + b)),
            avg_hr: r.summary.avg_hr,
            max_hr: r.summary.max_hr,
            hr_hist: r.hr_hist.iter().map(|&x| x as f32).collect(),
            pace_hist: r.pace_hist.iter().map(|&x| x as f32).collect(),
            summary_json: summary_json(&r, rec),
        }
    }
}

/// The stored summary: core's run summary plus `settled_hr_pace`, the heart rate–pace points
/// of settled running that `trends` reads the easy pace at a fixed heart rate from.
fn summary_json(r: &slowburn_core::summary::Summarised, rec: &Recording) -> String {
    let mut v = serde_json::to_value(&r.summary).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        let settled = slowburn_core::trends::settled_hr_pace(rec, &r.cleaned.hr);
        obj.insert("settled_hr_pace".to_owned(), serde_json::to_value(settled).unwrap_or_default());
    }
    serde_json::to_string(&v).unwrap_or_else(|_| "{}".to_owned())
}

/// One activity as `runs` and `show` print it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ActivityView {
    pub id: i64,
    pub start_utc: Option<String>,
    pub start_local: Option<String>,
    pub sport: Option<String>,
    pub name: Option<String>,
    pub label: Option<String>,
    /// The user's label, else the classification.
    pub run_type: Option<String>,
    pub distance_m: Option<f64>,
    pub duration_s: Option<f64>,
    pub moving_s: Option<f64>,
    pub pace_s_per_km: Option<f64>,
    pub avg_hr: Option<f64>,
    pub max_hr: Option<u8>,
    pub ascent_m: Option<f64>,
    pub device: Option<String>,
    pub source: String,
    pub format: String,
    pub sha256: String,
    pub duplicates: i64,
}

impl ActivityView {
    pub(crate) fn new(r: &ActivityRow) -> ActivityView {
        use slowburn_report::format;
        let d = &r.data;
        let pace = match (d.distance_m, d.moving_s.or(d.duration_s)) {
            (Some(m), Some(s)) if m > 0.0 && s > 0.0 => Some(s / (m / 1000.0)),
            _ => None,
        };
        ActivityView {
            id: r.id,
            start_utc: d.start_ms.map(format::utc),
            start_local: match (d.start_ms, d.utc_offset_s) {
                (Some(t), Some(o)) => Some(format::local(t, o)),
                _ => None,
            },
            sport: d.sport.map(|s| {
                slowburn_formats::fit::names::sport(s).map_or_else(|| s.to_string(), str::to_owned)
            }),
            name: d.name.clone(),
            label: r.label.clone(),
            run_type: r.label.clone().or_else(|| {
                serde_json::from_str::<slowburn_core::summary::RunSummary>(&d.summary)
                    .ok()
                    .and_then(|s| s.run_type)
                    .map(|t| t.name().to_owned())
            }),
            distance_m: d.distance_m,
            duration_s: d.duration_s,
            moving_s: d.moving_s,
            pace_s_per_km: pace,
            avg_hr: d.avg_hr,
            max_hr: d.max_hr,
            ascent_m: d.ascent_m,
            device: d.device.clone(),
            source: d.source_name.clone(),
            format: d.format.clone(),
            sha256: slowburn_store::hex(&r.sha256),
            duplicates: r.duplicates,
        }
    }

    pub(crate) fn table_header() -> String {
        format!(
            "{:>5}  {:<16}  {:<17}  {:>9}  {:>8}  {:>9}  {:>7}  {}",
            "id", "start (local)", "type", "distance", "time", "pace", "avg HR", "name"
        )
    }

    pub(crate) fn table_row(&self) -> String {
        use slowburn_report::format;
        let start = self
            .start_local
            .as_deref()
            .or(self.start_utc.as_deref())
            .map_or("–".to_owned(), |s| s.chars().take(16).collect::<String>().replace('T', " "));
        format!(
            "{:>5}  {:<16}  {:<17}  {:>9}  {:>8}  {:>9}  {:>7}  {}",
            self.id,
            start,
            self.run_type.as_deref().or(self.sport.as_deref()).unwrap_or("–"),
            self.distance_m.map_or("–".into(), format::km),
            self.moving_s.or(self.duration_s).map_or("–".into(), format::duration),
            self.pace_s_per_km.map_or("–".into(), |p| format::pace(1000.0 / p)),
            self.avg_hr.map_or("–".into(), |h| format!("{h:.0} bpm")),
            self.name.as_deref().unwrap_or(""),
        )
    }

    /// The detail of one activity (JSON).
    pub(crate) fn detail(&self, r: &ActivityRow) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if let (Some(obj), Ok(summary)) =
            (v.as_object_mut(), serde_json::from_str::<serde_json::Value>(&r.data.summary))
        {
            obj.insert("summary".into(), summary);
        }
        v
    }

    /// The detail of one activity (text).
    pub(crate) fn detail_text(&self, r: &ActivityRow) -> String {
        use slowburn_report::format;
        let mut o = String::new();
        let title = self
            .name
            .clone()
            .unwrap_or_else(|| self.sport.clone().unwrap_or_else(|| "activity".into()));
        o.push_str(&format!("#{} {title}\n", self.id));
        let summary =
            serde_json::from_str::<slowburn_core::summary::RunSummary>(&r.data.summary).ok();
        if let Some(t) = &self.run_type {
            let how = if self.label.is_some() {
                "your label".to_owned()
            } else {
                summary
                    .as_ref()
                    .and_then(|s| s.reason.map(|r| words(&format!("{r:?}"))))
                    .map_or_else(String::new, |r| format!("classified by {r}"))
            };
            o.push_str(&format!("  {:<10} {} ({how})\n", "type", t.replace('_', " ")));
        }
        if let Some(s) = &summary {
            for v in &s.verdicts {
                let mark = match v.severity.as_str() {
                    "warning" => "!",
                    "note" => "·",
                    _ => " ",
                };
                o.push_str(&format!("  {mark} {}\n", v.text));
            }
        }
        let row = |o: &mut String, k: &str, v: String| o.push_str(&format!("  {k:<10} {v}\n"));
        if let Some(s) = self.start_local.as_ref().or(self.start_utc.as_ref()) {
            row(&mut o, "start", s.clone());
        }
        if let Some(d) = self.distance_m {
            row(&mut o, "distance", format::km(d));
        }
        if let Some(t) = self.moving_s {
            row(&mut o, "moving", format::duration(t));
        }
        if let Some(t) = self.duration_s {
            row(&mut o, "elapsed", format::duration(t));
        }
        if let Some(p) = self.pace_s_per_km {
            row(&mut o, "pace", format::pace(1000.0 / p));
        }
        if let (Some(a), Some(m)) = (self.avg_hr, self.max_hr) {
            row(&mut o, "heart rate", format!("avg {a:.0} bpm, max {m} bpm"));
        }
        if let Some(a) = self.ascent_m {
            row(&mut o, "ascent", format!("{a:.0} m"));
        }
        if let Some(d) = &self.device {
            row(&mut o, "device", d.clone());
        }
        row(&mut o, "source", format!("{} ({})", self.source, self.format));
        if self.duplicates > 0 {
            row(
                &mut o,
                "copies",
                format!("{} other file(s) of the same run kept as duplicates", self.duplicates),
            );
        }
        if let Ok(s) = serde_json::from_str::<slowburn_core::summary::RunSummary>(&r.data.summary) {
            for c in &s.cleaning {
                row(
                    &mut o,
                    "HR cleaned",
                    format!(
                        "{} corrected for {} ({} stretch{})",
                        format::duration(c.seconds),
                        artefact_name(&c.kind),
                        c.stretches,
                        if c.stretches == 1 { "" } else { "es" }
                    ),
                );
            }
            if s.hr_coverage < 0.5 && s.moving_s > 0.0 {
                row(
                    &mut o,
                    "HR trust",
                    format!(
                        "heart rate covers only {:.0}% of moving time: load falls back to pace or RPE",
                        s.hr_coverage * 100.0
                    ),
                );
            }
            for w in &s.warnings {
                row(&mut o, "warning", w.clone());
            }
            if let Some(m) = &s.metrics {
                metrics_text(&mut o, m);
            }
        }
        o
    }
}

fn artefact_name(kind: &str) -> &str {
    match kind {
        "Spike" => "spikes",
        "Dropout" => "dropouts",
        "StartupLag" => "the optical sensor's start-up lag",
        "FlatLine" => "a flat-lined sensor",
        "CadenceLock" => "cadence lock (the sensor read cadence as heart rate)",
        other => other,
    }
}

/// Time in each zone and domain of one activity, from its stored histogram and the athlete's
/// profile on its date.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ZoneBreakdown {
    pub model: Option<String>,
    /// Why there is no breakdown, when there is none.
    pub missing: Option<String>,
    pub zones: Vec<(String, String, f64)>,
    pub domains: [f64; 3],
    pub grey_band: Option<(u8, u8)>,
    pub grey_s: f64,
}

impl ZoneBreakdown {
    pub(crate) fn for_activity(store: &Store, r: &ActivityRow) -> anyhow::Result<ZoneBreakdown> {
        let mut z = ZoneBreakdown {
            model: None,
            missing: None,
            zones: Vec::new(),
            domains: [0.0; 3],
            grey_band: None,
            grey_s: 0.0,
        };
        let Some(date) =
            r.data.start_ms.and_then(|t| crate::profile::local_date(t, r.data.utc_offset_s))
        else {
            z.missing = Some("no date".into());
            return Ok(z);
        };
        let profile = crate::profile::profile_at(store, date)?;
        let model = slowburn_core::ZoneModel::PercentMax;
        let table = match model.zones(&profile) {
            Ok(t) => t,
            Err(e) => {
                z.missing = Some(format!("{e}; set it with `slowburn athlete set --max-hr …`"));
                return Ok(z);
            }
        };
        let (hr, _) = store.activity_histograms(r.id)?;
        let mut hist = [0.0f64; 256];
        for (h, v) in hist.iter_mut().zip(&hr) {
            *h = f64::from(*v);
        }
        z.model = Some(model.name().to_owned());
        for (zone, secs) in table.zones().iter().zip(table.time_in_zones(&hist)) {
            z.zones.push((zone.label.clone(), format!("{}–{}", zone.low_bpm, zone.high_bpm), secs));
        }
        z.domains = table.time_in_domains(&hist);
        z.grey_band = table.grey_band();
        z.grey_s = table.time_in_grey(&hist);
        Ok(z)
    }

    pub(crate) fn text(&self) -> String {
        use slowburn_report::format;
        let mut o = String::new();
        if let Some(m) = &self.missing {
            o.push_str(&format!("  zones      – ({m})\n"));
            return o;
        }
        let total: f64 = self.zones.iter().map(|z| z.2).sum();
        if total <= 0.0 {
            o.push_str("  zones      – (no heart rate)\n");
            return o;
        }
        for (label, range, secs) in &self.zones {
            let share = secs / total;
            let bar = "█".repeat((share * 30.0).round() as usize);
            o.push_str(&format!(
                "  {label:<4} {range:>8} bpm {:>8} {:>4.0}% {bar}\n",
                format::duration(*secs),
                share * 100.0
            ));
        }
        o.push_str(&format!(
            "  easy {:.0}% · moderate {:.0}% · hard {:.0}%",
            self.domains[0] / total * 100.0,
            self.domains[1] / total * 100.0,
            self.domains[2] / total * 100.0
        ));
        if let Some((lo, hi)) = self.grey_band {
            o.push_str(&format!(" · grey band {lo}–{hi} bpm: {}", format::duration(self.grey_s)));
        }
        o.push('\n');
        o
    }
}

fn metrics_text(o: &mut String, m: &slowburn_core::metrics::RunMetrics) {
    use slowburn_report::format;
    let mut parts = Vec::new();
    if let Some(g) = m.gap_pace_s_per_km {
        parts.push(format!("grade-adjusted pace {}", format::pace(1000.0 / g)));
    }
    if let Some(t) = m.trimp_banister {
        parts.push(format!("TRIMP {t:.0}"));
    }
    if let Some(ef) = m.efficiency_factor {
        parts.push(format!("EF {ef:.2}"));
    }
    if let Some(d) = m.decoupling_pct {
        parts.push(format!("decoupling {d:.1}%"));
    }
    if let Some(c) = m.cadence_spm {
        parts.push(format!("cadence {c:.0} spm"));
    }
    if let Some(c) = m.cadence_drop_pct {
        parts.push(format!("late cadence drop {c:.1}%"));
    }
    if !parts.is_empty() {
        o.push_str(&format!("  {:<10} {}\n", "metrics", parts.join(" · ")));
    }
    if !m.splits.is_empty() {
        o.push_str("  splits     ");
        let s: Vec<String> = m
            .splits
            .iter()
            .map(|sp| {
                let pace = sp.pace_s_per_km.map_or("–".to_owned(), |p| format::pace(1000.0 / p));
                let hr = sp.avg_hr.map_or(String::new(), |h| format!(" {h:.0} bpm"));
                format!("km {:>2} {pace}{hr}", sp.km)
            })
            .collect();
        for (i, chunk) in s.chunks(4).enumerate() {
            if i > 0 {
                o.push_str("             ");
            }
            o.push_str(&chunk.join(" · "));
            o.push('\n');
        }
    }
    if !m.best_efforts.is_empty() {
        let b: Vec<String> = m
            .best_efforts
            .iter()
            .map(|e| format!("{} {}", e.name, format::duration(e.time_s)))
            .collect();
        o.push_str(&format!("  {:<10} {}\n", "best", b.join(" · ")));
    }
}

/// `LapRepetitions` → `lap repetitions`.
fn words(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

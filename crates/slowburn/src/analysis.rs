//! Wiring of the per-run analysis into the import pipeline, and the activity views the
//! commands print. The analysis itself lives in `slowburn-core`.

use serde::Serialize;
use slowburn_formats::sources::ExportMeta;
use slowburn_formats::Recording;
use slowburn_import::{Analyser, Analysis};
use slowburn_store::{ActivityRow, Store};

/// The analysis import runs on every recording.
pub(crate) struct CoreAnalyser {}

impl CoreAnalyser {
    pub(crate) fn from_store(_store: &Store) -> anyhow::Result<CoreAnalyser> {
        Ok(CoreAnalyser {})
    }
}

impl Analyser for CoreAnalyser {
    fn analyse(&self, rec: &Recording, _meta: Option<&ExportMeta>) -> Analysis {
        let r = slowburn_core::summary::summarise(rec);
        Analysis {
            moving_s: Some(r.summary.moving_s),
            ascent_m: rec.sessions.iter().filter_map(|x| x.ascent_m).reduce(|a, b| a + b),
            avg_hr: r.summary.avg_hr,
            max_hr: r.summary.max_hr,
            hr_hist: r.hr_hist.iter().map(|&x| x as f32).collect(),
            pace_hist: r.pace_hist.iter().map(|&x| x as f32).collect(),
            summary_json: serde_json::to_string(&r.summary).unwrap_or_else(|_| "{}".to_owned()),
        }
    }
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
            "{:>5}  {:<16}  {:<8}  {:>9}  {:>8}  {:>9}  {:>7}  {}",
            "id", "start (local)", "sport", "distance", "time", "pace", "avg HR", "name"
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
            "{:>5}  {:<16}  {:<8}  {:>9}  {:>8}  {:>9}  {:>7}  {}",
            self.id,
            start,
            self.sport.as_deref().unwrap_or("–"),
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

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
    pub(crate) fn detail_text(&self, _r: &ActivityRow) -> String {
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
        o
    }
}

//! The `inspect` view: what was decoded from one file (FIT, GPX or TCX, gzipped or not), as
//! text and as JSON.
//!
//! # Design
//! The JSON uses the field names of the corpus's reference decodes (`expected.json`) wherever
//! they overlap, so anyone can diff our decode against Garmin's SDK with `jq`; a GPX or TCX
//! gives the same fields (its points are the records, its laps the laps).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use slowburn_formats::fit::names;
use slowburn_formats::{Channel, Recording};

use crate::format;

/// One lap as shown by `inspect`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LapView {
    pub start: Option<String>,
    pub elapsed_s: Option<f64>,
    pub timer_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub avg_heart_rate: Option<u8>,
    pub max_heart_rate: Option<u8>,
}

/// One pause (timer stopped) as shown by `inspect`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PauseView {
    pub start: String,
    pub end: Option<String>,
    pub seconds: Option<f64>,
}

/// What `inspect` reports for one file.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Inspection {
    pub file: String,
    pub file_type: Vec<String>,
    pub manufacturer: Vec<Option<String>>,
    pub product: Vec<Option<String>>,
    /// One per session (`null` where a session does not say); absent without sessions.
    pub sport: Option<Vec<Option<String>>>,
    pub sub_sport: Option<Vec<Option<String>>>,
    pub start_utc: Option<String>,
    pub start_local: Option<String>,
    pub utc_offset_s: Option<i32>,
    /// Timestamps are device time, not dates: times are then seconds as strings.
    pub relative_time: bool,
    pub duration_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub record_count: usize,
    pub records_with_timestamp: usize,
    pub first_record_time: Option<String>,
    pub last_record_time: Option<String>,
    pub records_with_position: usize,
    pub hr_count: usize,
    pub hr_min: Option<u8>,
    pub hr_max: Option<u8>,
    pub hr_mean: Option<f64>,
    pub session_count: usize,
    pub lap_count: usize,
    pub session_total_distance_m: Option<Vec<Option<f64>>>,
    pub last_record_distance_m: Option<f64>,
    /// Percent of records carrying each channel (only channels present).
    pub channels: BTreeMap<String, f64>,
    pub laps: Vec<LapView>,
    pub pauses: Vec<PauseView>,
    pub hr_mesg_count: u32,
    pub rr_interval_count: usize,
    pub developer_fields: Vec<String>,
    pub warnings: Vec<String>,
    pub error: Option<String>,
}

fn time_str(ms: i64, relative: bool) -> String {
    if relative {
        (ms / 1000).to_string()
    } else {
        format::utc(ms)
    }
}

impl Inspection {
    /// A file that could not be decoded at all.
    #[must_use]
    pub fn failed(file: &str, error: String) -> Self {
        Self { file: file.to_owned(), error: Some(error), ..Self::default() }
    }

    /// The view of a decoded recording.
    #[must_use]
    pub fn new(file: &str, rec: &Recording) -> Self {
        let s = &rec.samples;
        let rel = rec.relative_time;
        let hrs: Vec<u8> = s.heart_rate.iter().filter_map(|h| *h).collect();
        let hr_mean = (!hrs.is_empty()).then(|| {
            let m = hrs.iter().map(|&h| f64::from(h)).sum::<f64>() / hrs.len() as f64;
            (m * 1000.0).round() / 1000.0
        });
        let names = |f: fn(u8) -> Option<&'static str>, v: Option<u8>| {
            v.map(|x| f(x).map_or_else(|| x.to_string(), str::to_owned))
        };
        let (sport, sub_sport): (Vec<_>, Vec<_>) = rec
            .sessions
            .iter()
            .map(|x| (names(names::sport, x.sport), names(names::sub_sport, x.sub_sport)))
            .unzip();
        let has_sessions = !rec.sessions.is_empty();
        let mut channels = BTreeMap::new();
        for c in Channel::ALL {
            let cov = s.coverage(c);
            if cov > 0.0 {
                channels.insert(c.name().to_owned(), (cov * 1000.0).round() / 10.0);
            }
        }
        let first = s.time.iter().find_map(|t| *t);
        let last = rec.end();
        Self {
            file: file.to_owned(),
            file_type: rec.file_kinds.iter().map(|k| k.name()).collect(),
            manufacturer: rec
                .devices
                .iter()
                .map(slowburn_formats::Device::manufacturer_name)
                .collect(),
            product: rec.devices.iter().map(slowburn_formats::Device::product_name).collect(),
            sport: has_sessions.then_some(sport),
            sub_sport: has_sessions.then_some(sub_sport),
            start_utc: rec.start.map(|t| time_str(t, rel)),
            start_local: match (rec.start, rec.utc_offset_s) {
                (Some(t), Some(o)) if !rel => Some(format::local(t, o)),
                _ => None,
            },
            utc_offset_s: rec.utc_offset_s,
            relative_time: rel,
            duration_s: rec.duration_s(),
            distance_m: rec.distance_m(),
            record_count: s.len(),
            records_with_timestamp: s.count(Channel::Time),
            first_record_time: first.map(|t| time_str(t, rel)),
            last_record_time: last.map(|t| time_str(t, rel)),
            records_with_position: s.count(Channel::Position),
            hr_count: hrs.len(),
            hr_min: hrs.iter().min().copied(),
            hr_max: hrs.iter().max().copied(),
            hr_mean,
            session_count: rec.sessions.len(),
            lap_count: rec.laps.len(),
            session_total_distance_m: (!rec.sessions.is_empty())
                .then(|| rec.sessions.iter().map(|x| x.distance_m).collect()),
            last_record_distance_m: s.distance_m.iter().rev().find_map(|d| *d),
            channels,
            laps: rec
                .laps
                .iter()
                .map(|l| LapView {
                    start: l.start.map(|t| time_str(t, rel)),
                    elapsed_s: l.elapsed_s,
                    timer_s: l.timer_s,
                    distance_m: l.distance_m,
                    avg_heart_rate: l.avg_heart_rate,
                    max_heart_rate: l.max_heart_rate,
                })
                .collect(),
            pauses: rec
                .pauses
                .iter()
                .map(|p| PauseView {
                    start: time_str(p.start, rel),
                    end: p.end.map(|t| time_str(t, rel)),
                    seconds: p.end.map(|e| (e - p.start) as f64 / 1000.0),
                })
                .collect(),
            hr_mesg_count: rec.hr_messages,
            rr_interval_count: rec.rr_ms.len(),
            developer_fields: rec
                .developer_fields
                .iter()
                .map(|d| {
                    let name =
                        d.name.clone().unwrap_or_else(|| format!("field {}", d.field_number));
                    match &d.units {
                        Some(u) => format!("{name} ({u}) in {} messages", d.count),
                        None => format!("{name} in {} messages", d.count),
                    }
                })
                .collect(),
            warnings: rec.warnings.iter().map(ToString::to_string).collect(),
            error: None,
        }
    }

    /// Plain-text rendering for the terminal.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "{}", self.file);
        if let Some(e) = &self.error {
            let _ = writeln!(o, "  error: {e}");
            return o;
        }
        let row = |o: &mut String, k: &str, v: &str| {
            let _ = writeln!(o, "  {k:<10} {v}");
        };
        row(&mut o, "type", &self.file_type.join(" + "));
        let device: Vec<String> = self
            .manufacturer
            .iter()
            .zip(&self.product)
            .map(|(m, p)| match (m.as_deref(), p.as_deref()) {
                // A GPX or TCX names its creator in free text.
                (None, Some(p)) => p.to_owned(),
                (m, p) => {
                    format!("{} {}", m.unwrap_or("unknown"), p.unwrap_or("")).trim().to_owned()
                }
            })
            .collect();
        if !device.is_empty() {
            row(&mut o, "device", &device.join(", "));
        }
        if let (Some(sports), Some(subs)) = (&self.sport, &self.sub_sport) {
            let sports: Vec<String> = sports
                .iter()
                .zip(subs)
                .map(|(s, ss)| match (s.as_deref().unwrap_or("unknown"), ss.as_deref()) {
                    (s, None | Some("generic")) => s.to_owned(),
                    (s, Some(ss)) => format!("{s} ({ss})"),
                })
                .collect();
            row(&mut o, "sport", &sports.join(", "));
        }
        if let Some(start) = &self.start_utc {
            let v = if self.relative_time {
                format!("device time {start} s (the file has no dates)")
            } else if let Some(l) = &self.start_local {
                format!("{l} local, {start}")
            } else {
                format!("{start} (local offset unknown)")
            };
            row(&mut o, "start", &v);
        }
        if let Some(d) = self.duration_s {
            row(&mut o, "duration", &format::duration(d));
        }
        if let Some(d) = self.distance_m {
            row(&mut o, "distance", &format::km(d));
        }
        row(&mut o, "records", &self.record_count.to_string());
        if !self.channels.is_empty() {
            let ch: Vec<String> =
                self.channels.iter().map(|(k, v)| format!("{k} {v:.0}%")).collect();
            row(&mut o, "channels", &ch.join(", "));
        }
        if let (Some(min), Some(max), Some(mean)) = (self.hr_min, self.hr_max, self.hr_mean) {
            row(&mut o, "heart rate", &format!("{min}–{max} bpm, mean {mean:.0} bpm"));
        }
        if self.hr_mesg_count > 0 {
            row(&mut o, "hr msgs", &format!("{} (merged into records)", self.hr_mesg_count));
        }
        if self.rr_interval_count > 0 {
            row(&mut o, "hrv", &format!("{} RR intervals", self.rr_interval_count));
        }
        row(&mut o, "laps", &self.lap_count.to_string());
        for (i, l) in self.laps.iter().enumerate().take(50) {
            let mut parts = vec![format!("    {:>3}.", i + 1)];
            if let Some(t) = l.timer_s.or(l.elapsed_s) {
                parts.push(format::duration(t));
            }
            if let Some(d) = l.distance_m {
                parts.push(format::km(d));
            }
            if let (Some(t), Some(d)) = (l.timer_s, l.distance_m) {
                if t > 0.0 && d > 0.0 {
                    parts.push(format::pace(d / t));
                }
            }
            if let Some(h) = l.avg_heart_rate {
                parts.push(format!("{h} bpm"));
            }
            let _ = writeln!(o, "{}", parts.join("  "));
        }
        if self.laps.len() > 50 {
            let _ = writeln!(o, "    … {} more laps", self.laps.len() - 50);
        }
        let paused: f64 = self.pauses.iter().filter_map(|p| p.seconds).sum();
        row(
            &mut o,
            "pauses",
            &if self.pauses.is_empty() {
                "none".to_owned()
            } else {
                format!("{} ({} stopped)", self.pauses.len(), format::duration(paused))
            },
        );
        for d in &self.developer_fields {
            row(&mut o, "dev field", d);
        }
        for w in &self.warnings {
            row(&mut o, "warning", w);
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_creator_named_in_free_text_is_shown_as_it_is() {
        let rec = Recording {
            devices: vec![slowburn_formats::Device {
                name: Some("Garmin Connect".into()),
                ..slowburn_formats::Device::default()
            }],
            ..Recording::default()
        };
        let v = Inspection::new("run.gpx", &rec);
        assert_eq!(
            (v.manufacturer.clone(), v.product.clone()),
            (vec![None], vec![Some("Garmin Connect".into())])
        );
        assert!(v.to_text().contains("  device     Garmin Connect\n"), "{}", v.to_text());
    }
}

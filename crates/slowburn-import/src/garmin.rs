//! Garmin Connect exports name their activities in `*_summarizedActivities.json`, keyed by
//! activity id and start time, not by file: a recording gets the name of the activity that
//! started when it did.
//!
//! # Design
//! The lists are read whole (`[{"summarizedActivitiesExport": [{…}, …]}]`; a plain array of
//! activities too) into one index by start time (`beginTimestamp`, else `startTimeGmt`, UTC
//! ms). A recording takes the entry starting nearest its own start, within
//! [`MATCH_WINDOW_MS`]; the legs of a multisport activity are listed as activities of their
//! own and match the legs of the file. Garmin lists no gear here.

use serde_json::Value;
use slowburn_formats::sources::{ExportList, ExportMeta};

/// How far a listed start may be from the recording's first sample.
pub const MATCH_WINDOW_MS: i64 = 30_000;

/// Names and descriptions of a Garmin export's activities, by start time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GarminIndex {
    by_start: Vec<(i64, ExportMeta)>,
}

fn text(a: &Value, key: &str) -> Option<String> {
    a.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn activities(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items
            .iter()
            .flat_map(|x| match x.get("summarizedActivitiesExport") {
                Some(Value::Array(list)) => list.iter().collect(),
                _ if x.get("activityId").is_some() => vec![x],
                _ => Vec::new(),
            })
            .collect(),
        Value::Object(_) => match v.get("summarizedActivitiesExport") {
            Some(Value::Array(list)) => list.iter().collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

impl GarminIndex {
    /// Read the lists; one that is not the expected JSON is a failure with its reason.
    pub fn read(lists: &[ExportList]) -> (GarminIndex, Vec<(String, String)>) {
        let mut index = GarminIndex::default();
        let mut failures = Vec::new();
        for l in lists {
            let v: Value = match serde_json::from_slice(&l.bytes) {
                Ok(v) => v,
                Err(e) => {
                    failures.push((l.name.clone(), format!("not a readable activity list: {e}")));
                    continue;
                }
            };
            for a in activities(&v) {
                let start = a
                    .get("beginTimestamp")
                    .and_then(Value::as_f64)
                    .or_else(|| a.get("startTimeGmt").and_then(Value::as_f64));
                let Some(start) = start.filter(|s| s.is_finite()) else { continue };
                let meta = ExportMeta {
                    name: text(a, "name"),
                    description: text(a, "description"),
                    gear: None,
                    activity_type: a
                        .get("activityType")
                        .and_then(|t| t.as_str().map(str::to_owned).or_else(|| text(t, "typeKey"))),
                };
                if meta.name.is_some() || meta.description.is_some() {
                    index.by_start.push((start as i64, meta));
                }
            }
        }
        index.by_start.sort_by_key(|(t, _)| *t);
        (index, failures)
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_start.is_empty()
    }

    /// The listed activity that started nearest `start_ms`, within [`MATCH_WINDOW_MS`].
    #[must_use]
    pub fn at(&self, start_ms: Option<i64>) -> Option<&ExportMeta> {
        let t = start_ms?;
        let i = self.by_start.partition_point(|(s, _)| *s < t);
        [i.checked_sub(1), Some(i)]
            .into_iter()
            .flatten()
            .filter_map(|j| self.by_start.get(j))
            // abs_diff: a listed start of ±1e300 ms saturates to i64::MIN/MAX, where `s - t`
            // overflowed (found by fuzzing): a panic in debug builds, and in release
            // `i64::MIN.abs()` stayed negative, so a run at 1970-01-01T00:00:00Z took its name.
            .map(|(s, m)| (s.abs_diff(t), m))
            .filter(|(d, _)| *d <= MATCH_WINDOW_MS.unsigned_abs())
            .min_by_key(|(d, _)| *d)
            .map(|(_, m)| m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activities_are_found_by_their_start() {
        let json = r#"[{"summarizedActivitiesExport": [
            {"activityId": 1, "name": "Lisbon Running", "beginTimestamp": 1700000000000,
             "activityType": "running", "description": "with Ana"},
            {"activityId": 2, "name": "Evening Ride", "startTimeGmt": 1700036000000.0},
            {"activityId": 3, "beginTimestamp": 1700090000000}
        ]}]"#;
        let list = ExportList { name: "x.json".into(), bytes: json.as_bytes().to_vec() };
        let bad = ExportList { name: "bad.json".into(), bytes: b"{nope".to_vec() };
        let (i, failures) = GarminIndex::read(&[list, bad]);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].0, "bad.json");
        let m = i.at(Some(1_700_000_004_000)).expect("found");
        assert_eq!(m.name.as_deref(), Some("Lisbon Running"));
        assert_eq!(m.description.as_deref(), Some("with Ana"));
        assert_eq!(m.activity_type.as_deref(), Some("running"));
        assert_eq!(
            i.at(Some(1_700_035_990_000)).and_then(|m| m.name.as_deref()),
            Some("Evening Ride")
        );
        assert!(i.at(Some(1_700_000_040_000)).is_none(), "outside the window");
        assert!(i.at(Some(1_700_090_000_000)).is_none(), "nothing to add");
        assert!(i.at(None).is_none());
    }
}

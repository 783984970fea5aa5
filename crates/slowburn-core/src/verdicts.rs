//! How one run went: plain-language findings with numbers ("Easy run, but 38 % of it was in the
//! grey band or above …"), each a [`Verdict`] with a severity and a stable machine-readable
//! code, judged against what the run was ([`crate::classify`]).
//!
//! # Design
//! Verdicts read only the run's [`RunMetrics`], its type, the zone table and what cleaning
//! did, so they are cheap and can be recomputed whenever the profile changes. The thresholds
//! are 80/20 coaching rules of thumb, each a named constant: easy running stays out of the
//! grey band, recovery runs stay in Zone 1, short (≤ 45 min) and flat, and a long run that
//! stays coupled (Pa:HR decoupling under 5 %, Friel) shows aerobic endurance for its length.
//! Text follows the house style: verdict first, numbers with units and a space, pace as
//! `m:ss /km`, durations as `4 min 12 s` or `1 h 52 min`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::classify::RunType;
use crate::clean::{Action, ArtefactKind, Cleaned};
use crate::metrics::RunMetrics;
use crate::zones::ZoneTable;

/// How much a finding matters; serialised in `snake_case` (`warning`, `note`, `info`, `good`).
/// Ordered most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something went wrong with the session's (or the period's) purpose.
    Warning,
    /// Worth knowing: neutral information.
    Note,
    /// Good news or plain facts (per-run verdicts).
    Info,
    /// Something went well: "80/20 holds", "Easy days stayed easy" (week, block and trend
    /// findings).
    Good,
}

/// A finding in plain words with what it rests on: a stable `code`, a `severity`, the numbers
/// behind it (`params`, names in `snake_case` with units in the name, e.g. `easy_share`,
/// `grey_runs`, `minutes_above`), and the sentence. Week, block and trend verdicts
/// ([`crate::review::WeekReview::verdicts`], [`crate::review::BlockReview::verdicts`],
/// [`crate::trends::Trends::verdicts`]) are findings; `Display` writes the sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable `snake_case` code, one per kind of finding (`eighty_twenty`, `grey_crept`, …).
    pub code: String,
    pub severity: Severity,
    /// The numbers behind the sentence, by name (shares 0–1, `_s` seconds, `_km`, `_bpm`, …).
    pub params: BTreeMap<String, serde_json::Value>,
    /// The finding in words.
    pub text: String,
}

impl Finding {
    /// A finding without params (add them with [`Finding::param`]).
    #[must_use]
    pub fn new(code: impl Into<String>, severity: Severity, text: impl Into<String>) -> Self {
        Self { code: code.into(), severity, params: BTreeMap::new(), text: text.into() }
    }

    /// With the param `name` set to `value` (a NaN or infinite number becomes `null`).
    #[must_use]
    pub fn param(mut self, name: &str, value: impl Into<serde_json::Value>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self
    }

    /// The param `name`, when set.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&serde_json::Value> {
        self.params.get(name)
    }
}

/// A serialisable value as a param (`null` when it cannot be serialised).
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// One finding about a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub severity: Severity,
    /// Stable `snake_case` code (`grey_band`, `recovery_above_zone1`, …).
    pub code: &'static str,
    pub text: String,
}

/// Share of an easy run's heart-rate time in the grey band or above that earns a note.
pub const GREY_NOTE_SHARE: f64 = 0.10;
/// … and a warning.
pub const GREY_WARNING_SHARE: f64 = 0.25;
/// Time above Zone 1 on a recovery run that earns a note, s, when it is also at least
/// [`RECOVERY_ABOVE_Z1_SHARE`] of the run (a warning from 3× that share).
pub const RECOVERY_ABOVE_Z1_S: f64 = 300.0;
/// Share of a recovery run above Zone 1 that earns a note.
pub const RECOVERY_ABOVE_Z1_SHARE: f64 = 0.10;
/// Climbing per km that makes a recovery run hilly, m/km.
pub const RECOVERY_HILLY_M_PER_KM: f64 = 15.0;
/// Longest recovery run, s (45 min).
pub const RECOVERY_MAX_S: f64 = 45.0 * 60.0;
/// Aerobic decoupling under this is coupled, % (Friel).
pub const DECOUPLING_AIM_PCT: f64 = 5.0;
/// Decoupling from this is heavy, %.
pub const DECOUPLING_HEAVY_PCT: f64 = 8.0;
/// Late-run cadence drop that earns a note, %.
pub const CADENCE_DROP_PCT: f64 = 3.0;
/// Heart-rate coverage of moving time under which load and zones are partial.
pub const MIN_HR_COVERAGE: f64 = 0.8;
/// Least corrected heart-rate time worth reporting, s.
pub const MIN_CORRECTION_S: f64 = 10.0;
/// Least heart-rate time for judging time in zones, s.
const MIN_JUDGED_S: f64 = 600.0;

/// `4 min 12 s`, `45 s`, `1 h 52 min` (seconds rounded; hours drop the seconds).
#[must_use]
pub fn format_duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    match (h, m, sec) {
        (0, 0, sec) => format!("{sec} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, sec) => format!("{m} min {sec} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

/// A clock time: `41:23`, `1:32:10`.
#[must_use]
pub fn format_clock(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m}:{sec:02}")
    }
}

/// Pace as `m:ss /km`.
#[must_use]
pub fn format_pace(s_per_km: f64) -> String {
    format!("{} /km", format_clock(s_per_km))
}

/// Percent with one decimal below 10, whole above: `9.4 %`, `38 %`.
fn pct(fraction: f64) -> String {
    let p = fraction * 100.0;
    if p.abs() < 10.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

/// "Zone 2" from a zone label "Z2" (other labels as they are).
fn zone_name(label: &str) -> String {
    match label.strip_prefix('Z') {
        Some(n) if !n.is_empty() => format!("Zone {n}"),
        _ => label.to_owned(),
    }
}

/// The run type in words, capitalised: "Easy run", "Long run", "Recovery run".
fn run_words(t: RunType) -> &'static str {
    match t {
        RunType::Recovery => "Recovery run",
        RunType::Easy => "Easy run",
        RunType::Long => "Long run",
        RunType::Steady => "Steady run",
        RunType::Tempo => "Tempo run",
        RunType::Threshold => "Threshold session",
        RunType::Intervals => "Interval session",
        RunType::EasyWithStrides => "Easy run with strides",
        RunType::Race => "Race",
        RunType::Walk => "Walk",
        RunType::Hike => "Hike",
        RunType::OtherSport => "Workout",
    }
}

/// Findings for one run, warnings first.
#[must_use]
pub fn verdicts(
    run_type: RunType,
    m: &RunMetrics,
    zones: Option<&ZoneTable>,
    cleaned: Option<&Cleaned>,
    evidence: Option<&crate::classify::Evidence>,
) -> Vec<Verdict> {
    let mut out = Vec::new();
    let mut push = |severity, code, text: String| out.push(Verdict { severity, code, text });
    let judged = m.hr_moving_s >= MIN_JUDGED_S;

    // Easy running in the grey band or above.
    if judged && run_type.is_easy_type() {
        if let (Some(z), Some(grey), Some(d)) = (zones, m.grey_band_s, m.time_in_domain) {
            let share = (grey + d.moderate_s + d.hard_s) / m.hr_moving_s;
            if let (true, Some((lo, hi))) = (share >= GREY_NOTE_SHARE, z.grey_band()) {
                let zone = zone_name(&z.zones()[z.zone_of(lo)].label);
                let width = u16::from(hi) - u16::from(lo) + 1;
                let sev =
                    if share >= GREY_WARNING_SHARE { Severity::Warning } else { Severity::Note };
                push(
                    sev,
                    "grey_band",
                    format!(
                        "{}, but {} of it was in the grey band or above ({zone}'s top {width} bpm, {lo}–{hi} bpm)",
                        run_words(run_type),
                        pct(share)
                    ),
                );
            }
        }
    }

    if run_type == RunType::Recovery {
        if let Some(z) = zones.filter(|z| z.zones().len() >= 4 && judged) {
            let above = m.hr_moving_s - m.time_in_zone_s.first().copied().unwrap_or(0.0);
            let share = above / m.hr_moving_s;
            if above >= RECOVERY_ABOVE_Z1_S && share >= RECOVERY_ABOVE_Z1_SHARE {
                let top = z.zones()[0].high_bpm;
                let sev = if share >= 3.0 * RECOVERY_ABOVE_Z1_SHARE {
                    Severity::Warning
                } else {
                    Severity::Note
                };
                push(
                    sev,
                    "recovery_above_zone1",
                    format!(
                        "Recovery run went above {} ({top} bpm) for {}",
                        zone_name(&z.zones()[0].label),
                        format_duration(above)
                    ),
                );
            }
        }
        if let Some(c) = m.climb_m_per_km.filter(|&c| c >= RECOVERY_HILLY_M_PER_KM) {
            push(
                Severity::Note,
                "recovery_hilly",
                format!("Recovery run was hilly: {c:.0} m of climbing per km (flat is kinder, < {RECOVERY_HILLY_M_PER_KM:.0} m)"),
            );
        }
        if m.moving_s > RECOVERY_MAX_S {
            push(
                Severity::Note,
                "recovery_too_long",
                format!(
                    "Recovery run lasted {} — longer than a recovery run should (≤ {})",
                    format_duration(m.moving_s),
                    format_duration(RECOVERY_MAX_S)
                ),
            );
        }
    }

    // Decoupling on long and easy runs.
    if let Some(d) = m.decoupling_pct {
        let what = match run_type {
            RunType::Long => Some("the long run"),
            RunType::Easy | RunType::Steady => Some("this steady run"),
            _ => None,
        };
        if let Some(what) = what {
            if d >= DECOUPLING_HEAVY_PCT {
                push(
                    Severity::Warning,
                    "decoupling",
                    format!(
                        "Heavy decoupling on {what}: {d:.1} % (aim < {DECOUPLING_AIM_PCT:.0} %)"
                    ),
                );
            } else if d >= DECOUPLING_AIM_PCT {
                push(
                    Severity::Note,
                    "decoupling",
                    format!(
                        "Some decoupling on {what}: {d:.1} % (aim < {DECOUPLING_AIM_PCT:.0} %)"
                    ),
                );
            } else if run_type == RunType::Long {
                push(
                    Severity::Info,
                    "coupled",
                    format!(
                        "Long run stayed coupled: {d:.1} % decoupling over {} (aim < {DECOUPLING_AIM_PCT:.0} %)",
                        format_duration(m.moving_s)
                    ),
                );
            }
        }
    }

    // Late cadence drop on longer runs.
    if let (Some(drop), Some(mid), Some(late)) =
        (m.cadence_drop_pct, m.cadence_mid_spm, m.cadence_late_spm)
    {
        if drop >= CADENCE_DROP_PCT && run_type.is_run() {
            push(
                Severity::Note,
                "cadence_drop",
                format!(
                    "Cadence fell late in the run: {mid:.0} → {late:.0} steps/min (−{drop:.1} %), a sign of tiring form"
                ),
            );
        }
    }

    // Heart-rate coverage.
    if m.moving_s >= MIN_JUDGED_S && m.hr_moving_s < MIN_HR_COVERAGE * m.moving_s {
        let sev = if m.hr_moving_s > 0.0 { Severity::Note } else { Severity::Warning };
        push(
            sev,
            "hr_coverage",
            format!(
                "Heart rate covered only {} of the moving time ({} of {}): zones and load are partial",
                pct(m.hr_moving_s / m.moving_s),
                format_duration(m.hr_moving_s),
                format_duration(m.moving_s)
            ),
        );
    }

    // What cleaning did.
    if let Some(c) = cleaned {
        for kind in ArtefactKind::ALL {
            let fixed: f64 = c
                .corrections
                .iter()
                .filter(|x| x.kind == kind && x.action != Action::LeftMissing)
                .map(|x| x.seconds)
                .sum();
            if fixed >= MIN_CORRECTION_S {
                push(
                    Severity::Info,
                    "hr_corrected",
                    format!(
                        "Heart rate corrected for {}: {}",
                        kind.describe(),
                        format_duration(fixed)
                    ),
                );
            }
        }
    }

    // A race result: the race effort itself (the one work part between a warm-up and a
    // cool-down, else the whole run), named by its standard distance — the same effort and the
    // same distance the type's explanation gives.
    if run_type == RunType::Race {
        let (d, t) = evidence
            .and_then(crate::classify::race_part)
            .unwrap_or((m.distance_m.unwrap_or(0.0), m.moving_s));
        if d > 0.0 && t > 0.0 {
            let pace = 1000.0 * t / d;
            let text = match crate::classify::race_distance_name(d) {
                Some((std, name)) if (d - std).abs() <= 0.02 * std => {
                    format!("Race: {name} in {} ({})", format_clock(t), format_pace(pace))
                }
                Some((_, name)) => format!(
                    "Race: {name} ({:.2} km measured) in {} ({})",
                    d / 1000.0,
                    format_clock(t),
                    format_pace(pace)
                ),
                None => format!(
                    "Race: {:.2} km in {} ({})",
                    d / 1000.0,
                    format_clock(t),
                    format_pace(pace)
                ),
            };
            push(Severity::Info, "race_result", text);
        }
    }

    out.sort_by_key(|v| v.severity);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::athlete::{Athlete, ProfileEntry};
    use crate::clean::Correction;
    use crate::metrics::{BestEffort, DomainTimes};
    use crate::zones::ZoneModel;

    fn zones() -> ZoneTable {
        let d = jiff::civil::date(2024, 1, 1);
        let e = ProfileEntry { max_hr: Some(190), ..ProfileEntry::new(d) };
        // %max zones for 190: Z1 ≤ 113, Z2 114–132 (grey band 128–132), Z3 133–151, …
        ZoneModel::PercentMax.zones(&Athlete::from_entries(vec![e]).at(d)).unwrap()
    }

    fn codes(v: &[Verdict]) -> Vec<&'static str> {
        v.iter().map(|x| x.code).collect()
    }

    #[test]
    fn findings_serialise_with_code_severity_params_and_text() {
        let f = Finding::new("eighty_twenty", Severity::Good, "80/20 holds: 82 % …")
            .param("easy_share", 0.82)
            .param("weeks", 3_usize)
            .param("missing", None::<f64>)
            .param("nan", f64::NAN);
        let j = serde_json::to_value(&f).expect("json");
        assert_eq!(
            j,
            serde_json::json!({
                "code": "eighty_twenty",
                "severity": "good",
                "params": {"easy_share": 0.82, "weeks": 3, "missing": null, "nan": null},
                "text": "80/20 holds: 82 % …",
            })
        );
        let back: Finding = serde_json::from_value(j).expect("back");
        assert_eq!(back.get("easy_share"), f.get("easy_share"));
        assert_eq!(back.text, f.text);
        assert_eq!(f.to_string(), "80/20 holds: 82 % …");
        for (sev, name) in [
            (Severity::Warning, "warning"),
            (Severity::Note, "note"),
            (Severity::Info, "info"),
            (Severity::Good, "good"),
        ] {
            assert_eq!(serde_json::to_value(sev).expect("sev"), serde_json::json!(name));
            assert_eq!(serde_json::from_value::<Severity>(name.into()).expect("sev"), sev);
        }
    }

    #[test]
    fn formats() {
        assert_eq!(format_duration(252.0), "4 min 12 s");
        assert_eq!(format_duration(45.4), "45 s");
        assert_eq!(format_duration(720.0), "12 min");
        assert_eq!(format_duration(6720.0), "1 h 52 min");
        assert_eq!(format_clock(2483.0), "41:23");
        assert_eq!(format_clock(5530.0), "1:32:10");
        assert_eq!(format_pace(312.0), "5:12 /km");
        assert_eq!(pct(0.094), "9.4 %");
        assert_eq!(pct(0.38), "38 %");
    }

    #[test]
    fn easy_run_in_the_grey_band() {
        let m = RunMetrics {
            moving_s: 3000.0,
            hr_moving_s: 3000.0,
            grey_band_s: Some(840.0),
            time_in_domain: Some(DomainTimes { easy_s: 2700.0, moderate_s: 300.0, hard_s: 0.0 }),
            ..RunMetrics::default()
        };
        let v = verdicts(RunType::Easy, &m, Some(&zones()), None, None);
        assert_eq!(v[0].severity, Severity::Warning);
        assert_eq!(
            v[0].text,
            "Easy run, but 38 % of it was in the grey band or above (Zone 2's top 5 bpm, 128–132 bpm)"
        );
        // A tempo run is supposed to be up there.
        assert!(verdicts(RunType::Tempo, &m, Some(&zones()), None, None).is_empty());
    }

    #[test]
    fn recovery_run_findings() {
        let m = RunMetrics {
            moving_s: 71.0 * 60.0,
            hr_moving_s: 71.0 * 60.0,
            time_in_zone_s: vec![71.0 * 60.0 - 720.0, 720.0, 0.0, 0.0, 0.0],
            grey_band_s: Some(0.0),
            time_in_domain: Some(DomainTimes { easy_s: 4260.0, moderate_s: 0.0, hard_s: 0.0 }),
            climb_m_per_km: Some(24.2),
            ..RunMetrics::default()
        };
        let v = verdicts(RunType::Recovery, &m, Some(&zones()), None, None);
        let text: Vec<&str> = v.iter().map(|x| x.text.as_str()).collect();
        assert!(text.contains(&"Recovery run went above Zone 1 (113 bpm) for 12 min"), "{text:?}");
        assert!(text
            .iter()
            .any(|t| t.starts_with("Recovery run was hilly: 24 m of climbing per km")));
        assert!(text.contains(
            &"Recovery run lasted 1 h 11 min — longer than a recovery run should (≤ 45 min)"
        ));
        assert_eq!(v[0].code, "recovery_above_zone1");
    }

    #[test]
    fn decoupling_on_the_long_run() {
        let mut m = RunMetrics {
            moving_s: 7200.0,
            hr_moving_s: 7200.0,
            decoupling_pct: Some(9.4),
            ..RunMetrics::default()
        };
        let v = verdicts(RunType::Long, &m, None, None, None);
        assert_eq!(v[0].text, "Heavy decoupling on the long run: 9.4 % (aim < 5 %)");
        m.decoupling_pct = Some(3.2);
        let v = verdicts(RunType::Long, &m, None, None, None);
        assert_eq!((v[0].severity, v[0].code), (Severity::Info, "coupled"));
        assert!(verdicts(RunType::Intervals, &m, None, None, None).is_empty());
    }

    #[test]
    fn cleaning_coverage_cadence_and_race() {
        let cleaned = Cleaned {
            hr: Vec::new(),
            corrections: vec![
                Correction {
                    kind: ArtefactKind::CadenceLock,
                    action: Action::Removed,
                    start_idx: 10,
                    end_idx: 261,
                    seconds: 252.0,
                },
                Correction {
                    kind: ArtefactKind::Spike,
                    action: Action::Interpolated,
                    start_idx: 5,
                    end_idx: 5,
                    seconds: 1.0,
                },
            ],
        };
        let m = RunMetrics {
            moving_s: 3600.0,
            distance_m: Some(14_600.0),
            hr_moving_s: 2000.0,
            cadence_mid_spm: Some(172.0),
            cadence_late_spm: Some(164.0),
            cadence_drop_pct: Some(100.0 * 8.0 / 172.0),
            best_efforts: vec![BestEffort {
                name: "10 km".to_owned(),
                distance_m: 10_000.0,
                time_s: 2483.0,
                pace_s_per_km: 248.3,
            }],
            ..RunMetrics::default()
        };
        let v = verdicts(RunType::Race, &m, None, Some(&cleaned), None);
        assert_eq!(codes(&v), vec!["cadence_drop", "hr_coverage", "hr_corrected", "race_result"]);
        assert_eq!(v[2].text, "Heart rate corrected for cadence lock: 4 min 12 s");
        // The race is the run (no evidence of a work part): its distance named by the standard
        // distance it is, and measured when it is 2 % or more off (not the 10 km best effort).
        assert_eq!(v[3].text, "Race: 15 km (14.60 km measured) in 1:00:00 (4:07 /km)");
        assert_eq!(
            v[0].text,
            "Cadence fell late in the run: 172 → 164 steps/min (−4.7 %), a sign of tiring form"
        );
    }
}

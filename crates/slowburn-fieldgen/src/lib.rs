//! slowburn-fieldgen: a second, independent generator of labelled runs — a field of very
//! different athletes with their own physiology, habits, lap styles and watches — written as
//! FIT (our own minimal writer), GPX and TCX files with the truth of every run.
//!
//! # Design
//! It shares no code with `slowburn-synth`, the FIT encoder of `slowburn-formats` or the
//! classifier, so that a classifier tuned on the synthetic runner can be tested on runners it
//! has never seen. Everything is deterministic by seed: athlete `i` of a seed, and run `k` of an
//! athlete, come from their own PRNG streams. See `docs/FIELDGEN.md`.

mod athlete;
mod body;
mod fit;
mod plan;
mod record;
mod rng;
mod xml;

use std::io;
use std::path::Path;

use jiff::civil::{Date, DateTime};
use jiff::{tz::Offset, Timestamp};
use serde::{Deserialize, Serialize};

pub use athlete::{athletes, AutoLap, FieldAthlete, RACES};

use rng::{mix, Rng};

/// The first Monday of every history.
pub const START: Date = jiff::civil::date(2025, 3, 3);

/// What a run really was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Recovery,
    Easy,
    Long,
    Steady,
    Tempo,
    Threshold,
    Intervals,
    /// An easy run with strides.
    Strides,
    Race,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Recovery,
        Kind::Easy,
        Kind::Long,
        Kind::Steady,
        Kind::Tempo,
        Kind::Threshold,
        Kind::Intervals,
        Kind::Strides,
        Kind::Race,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Recovery => "recovery",
            Kind::Easy => "easy",
            Kind::Long => "long",
            Kind::Steady => "steady",
            Kind::Tempo => "tempo",
            Kind::Threshold => "threshold",
            Kind::Intervals => "intervals",
            Kind::Strides => "strides",
            Kind::Race => "race",
        }
    }

    /// The same type in slowburn's vocabulary (`run_type` in `docs/JSON.md`).
    #[must_use]
    pub fn slowburn_name(self) -> &'static str {
        match self {
            Kind::Strides => "easy_with_strides",
            k => k.as_str(),
        }
    }
}

/// The truth of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    pub athlete: u32,
    pub kind: Kind,
    /// The drawn variants, `/`-separated (laps, race start, recording quirks, format …).
    pub variant: String,
    /// Local date.
    pub date: Date,
    pub start_utc: Timestamp,
    pub file_name: String,
    /// `fit`, `gpx` or `tcx`.
    pub format: String,
    pub elapsed_s: f64,
    pub distance_m: f64,
    /// Mean recorded heart rate as a share of the athlete's max HR (0–1), when recorded.
    pub hr_frac: Option<f64>,
    pub name: Option<String>,
}

/// One generated file.
#[derive(Debug, Clone)]
pub struct FieldRun {
    /// Relative to the set's folder: `aNN/DATE-HHMM-KIND.EXT`.
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub truth: Truth,
}

/// `weeks` weeks of an athlete's training from [`START`].
#[must_use]
pub fn history(a: &FieldAthlete, seed: u64, weeks: u32) -> Vec<FieldRun> {
    let mut out = Vec::new();
    for w in 0..weeks {
        let mut wr = Rng::new(mix(&[seed, 0x3EE4, u64::from(a.id), u64::from(w)]));
        let days = plan::week(a, w, &mut wr);
        for (d, kind) in days.iter().enumerate() {
            if let Some(kind) = *kind {
                let date = START.checked_add(jiff::Span::new().days(i64::from(w) * 7 + d as i64));
                let Ok(date) = date else { continue };
                let key = mix(&[seed, 0x5E55, u64::from(a.id), u64::from(w), d as u64]);
                out.push(one(a, kind, date, key));
            }
        }
    }
    out
}

fn one(a: &FieldAthlete, kind: Kind, date: Date, key: u64) -> FieldRun {
    let mut r = Rng::new(key);
    let mut s = plan::session(a, kind, &mut r);
    let minute = if kind == Kind::Race {
        r.int(7 * 60 + 30, 10 * 60)
    } else if r.chance(0.65) {
        r.int(5 * 60 + 30, 9 * 60)
    } else {
        r.int(16 * 60 + 30, 19 * 60 + 30)
    };
    let local = DateTime::from_parts(date, jiff::civil::Time::midnight())
        .checked_add(jiff::Span::new().minutes(i64::from(minute)).seconds(i64::from(r.int(0, 59))))
        .unwrap_or_else(|_| DateTime::from_parts(date, jiff::civil::Time::midnight()));
    let offset = Offset::from_seconds(a.utc_offset_min * 60).unwrap_or(Offset::UTC);
    let start = offset.to_timestamp(local).unwrap_or(Timestamp::UNIX_EPOCH);
    let ticks = body::run(a, &s, &mut r);
    let mut variant = std::mem::take(&mut s.variant);
    let rec = record::record(a, &s, &ticks, &mut r, &mut variant);
    let format = if s.treadmill {
        if r.chance(0.85) {
            "fit"
        } else {
            "tcx"
        }
    } else {
        ["fit", "gpx", "tcx"][r.weighted(&[0.8, 0.1, 0.1])]
    };
    variant.push(format.into());
    if s.name.is_none() && format != "fit" && r.chance(0.75) {
        s.name = Some(if minute < 12 * 60 { "Morning Run" } else { "Evening Run" }.to_string());
    }
    let unix = start.as_second();
    let bytes = match format {
        "fit" => {
            fit::encode(&rec, unix, i64::from(a.utc_offset_min) * 60, s.treadmill, 3_000_000 + a.id)
        }
        "gpx" => xml::gpx(&rec, unix, s.name.as_deref()),
        _ => xml::tcx(&rec, unix, s.name.as_deref()),
    };
    let hrs: Vec<f64> = rec.samples.iter().filter_map(|x| x.hr.map(f64::from)).collect();
    let hr_frac =
        (!hrs.is_empty()).then(|| hrs.iter().sum::<f64>() / hrs.len() as f64 / f64::from(a.max_hr));
    // One folder per athlete: import one athlete per database (runs of different athletes
    // overlap in time and would be taken for copies of one run).
    let file_name = format!(
        "a{:02}/{}-{:02}{:02}-{}.{format}",
        a.id,
        date,
        minute / 60,
        minute % 60,
        kind.as_str()
    );
    FieldRun {
        file_name: file_name.clone(),
        bytes,
        truth: Truth {
            athlete: a.id,
            kind,
            variant: variant.join("/"),
            date,
            start_utc: start,
            file_name,
            format: format.into(),
            elapsed_s: rec.elapsed,
            distance_m: rec.dist,
            hr_frac,
            name: if format == "fit" { None } else { s.name },
        },
    }
}

/// What `truth.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TruthFile {
    pub seed: u64,
    pub weeks: u32,
    pub athletes: Vec<FieldAthlete>,
    pub runs: Vec<Truth>,
}

/// Writes `n` athletes' `weeks` weeks into `dir` (created), one folder per athlete (`a00/` …),
/// with `truth.json` beside them; the truth back.
pub fn write_set(seed: u64, n: usize, weeks: u32, dir: &Path) -> io::Result<Vec<Truth>> {
    std::fs::create_dir_all(dir)?;
    let field = athletes(seed, n);
    let mut runs = Vec::new();
    for a in &field {
        std::fs::create_dir_all(dir.join(format!("a{:02}", a.id)))?;
        for run in history(a, seed, weeks) {
            std::fs::write(dir.join(&run.file_name), &run.bytes)?;
            runs.push(run.truth);
        }
    }
    let file = TruthFile { seed, weeks, athletes: field, runs };
    let json = serde_json::to_vec_pretty(&file).map_err(io::Error::other)?;
    std::fs::write(dir.join("truth.json"), json)?;
    Ok(file.runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_every_kind() {
        let a = athletes(5, 6);
        assert_eq!(a, athletes(5, 6));
        let mut kinds = std::collections::BTreeSet::new();
        for x in &a {
            let h = history(x, 5, 8);
            let again = history(x, 5, 8);
            assert_eq!(h.len(), again.len());
            for (p, q) in h.iter().zip(&again) {
                assert_eq!(p.bytes, q.bytes);
            }
            kinds.extend(h.iter().map(|r| r.truth.kind));
        }
        assert_eq!(kinds.len(), Kind::ALL.len(), "{kinds:?}");
    }
}

//! `slowburn-import`: the one import pipeline, used by `import`, `demo` and `reanalyze`.
//!
//! walk → read + hash (parallel) → skip what the store already has → decode + analyse +
//! compress (parallel, rayon) → insert (one writer, one transaction per batch).
//!
//! # Design
//! Every input ends as exactly one [`Outcome`]: imported, duplicate, skipped (not an activity,
//! with the reason) or failed (with the reason). Work is done in batches of entries so memory
//! stays bounded whatever the archive size, and a batch is one transaction: an import killed
//! at any point leaves whole batches, and running it again finishes the job (the same bytes are
//! recognised by SHA-256 and cost only a hash). The analysis is passed in ([`Analyser`]), so
//! this crate wires formats, core and store together without owning any metric.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use slowburn_formats::sources::{self, Entry, ExportMeta};
use slowburn_formats::{detect, Recording};
use slowburn_store::{
    compress, ActivityData, DailyLog, Date, Facts, NewActivity, Store, StoreError,
};

/// What the analysis computed for one recording; the pipeline stores it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    pub moving_s: Option<f64>,
    pub ascent_m: Option<f64>,
    pub avg_hr: Option<f64>,
    pub max_hr: Option<u8>,
    /// Seconds at each bpm (256 entries).
    pub hr_hist: Vec<f32>,
    /// Seconds per pace bucket.
    pub pace_hist: Vec<f32>,
    /// The full summary as stored (core's encoding: metrics, laps, cleaning, classification).
    pub summary: String,
    /// What reviews read on every run, for the store's typed columns.
    pub facts: Facts,
}

/// The per-recording analysis (cleaning, metrics, classification) that import runs.
pub trait Analyser: Sync {
    fn analyse(&self, rec: &Recording, meta: Option<&ExportMeta>) -> Analysis;

    /// Each day's resting heart rate from an all-day monitoring file, as `(date, bpm)`.
    fn daily_resting_hr(&self, _rec: &Recording) -> Vec<(Date, u8)> {
        Vec::new()
    }
}

/// Told how far an import has come (a progress bar, or nothing).
pub trait Progress: Sync {
    fn start(&self, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}

/// No progress reporting.
pub struct Silent;
impl Progress for Silent {}

/// How one input ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Imported {
        id: i64,
    },
    /// The same bytes are stored already, or the same run from another source (`of` is the
    /// activity it belongs to when known).
    Duplicate {
        of: Option<i64>,
        reason: String,
    },
    Skipped {
        reason: String,
    },
    Failed {
        reason: String,
    },
}

/// One input and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileResult {
    pub name: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The end of an import.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub imported: usize,
    pub duplicates: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Files that are not recordings (photos, CSVs …) passed over.
    pub ignored: usize,
    pub bytes: u64,
    #[serde(serialize_with = "ser_secs")]
    pub elapsed: Duration,
    pub files: Vec<FileResult>,
}

fn ser_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Why an import stopped (per-file problems are outcomes, not errors).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Options of [`import`].
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Entries per batch (and per transaction).
    pub batch_size: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { batch_size: 512 }
    }
}

/// A read and hashed entry.
struct Loaded<'a> {
    entry: &'a Entry,
    sha: [u8; 32],
    bytes: Vec<u8>,
}

/// A decoded, analysed, compressed entry ready for the writer.
enum Prepared {
    Activity {
        activity: Box<NewActivity>,
        compressed: Vec<u8>,
        size: usize,
    },
    /// A monitoring file with daily resting heart rates: its original is kept, its days logged.
    Monitoring {
        days: Vec<(Date, u8)>,
        compressed: Vec<u8>,
        size: usize,
    },
    Skipped(String),
    Failed(String),
}

fn format_name(rec_name: &str, bytes: &[u8]) -> &'static str {
    let lower = rec_name.to_ascii_lowercase();
    let base = lower.strip_suffix(".gz").unwrap_or(&lower);
    if bytes.len() >= 12 && &bytes[8..12] == b".FIT" {
        "fit"
    } else if base.ends_with(".tcx") {
        "tcx"
    } else if base.ends_with(".gpx") {
        "gpx"
    } else {
        "fit"
    }
}

/// How much a recording holds: samples × channels present, so a FIT with heart rate and
/// cadence beats a GPX of the same run.
#[must_use]
pub fn richness(rec: &Recording) -> f64 {
    use slowburn_formats::Channel;
    let n = rec.samples.len() as f64;
    let channels: f64 = Channel::ALL.iter().map(|&c| rec.samples.coverage(c)).sum();
    n * channels + rec.laps.len() as f64
}

/// Build what the store keeps for one decoded recording.
pub fn new_activity(
    name: &str,
    sha: [u8; 32],
    bytes: &[u8],
    rec: &Recording,
    meta: Option<&ExportMeta>,
    analyser: &dyn Analyser,
) -> NewActivity {
    let a = analyser.analyse(rec, meta);
    let device = rec.device().map(|d| {
        let m = d.manufacturer_name().unwrap_or_default();
        let p = d.product_name().unwrap_or_default();
        format!("{m} {p}").trim().to_owned()
    });
    NewActivity {
        sha256: sha,
        data: ActivityData {
            source_name: name.to_owned(),
            format: format_name(name, bytes).to_owned(),
            start_ms: rec.start,
            utc_offset_s: rec.utc_offset_s,
            sport: rec.sport.map(|s| s.sport),
            sub_sport: rec.sport.map(|s| s.sub_sport),
            name: meta.and_then(|m| m.name.clone()),
            description: meta.and_then(|m| m.description.clone()),
            gear: meta.and_then(|m| m.gear.clone()),
            device: device.filter(|d| !d.is_empty()),
            duration_s: rec.duration_s(),
            moving_s: a.moving_s,
            distance_m: rec.distance_m(),
            ascent_m: a.ascent_m,
            avg_hr: a.avg_hr,
            max_hr: a.max_hr,
            samples: rec.samples.len() as i64,
        },
        summary: a.summary,
        facts: a.facts,
        richness: richness(rec),
        hr_hist: a.hr_hist,
        pace_hist: a.pace_hist,
    }
}

/// Why a decoded recording is not imported as an activity, if it is not.
fn skip_reason(rec: &Recording) -> Option<String> {
    if !rec.is_activity() {
        let kind =
            rec.kind().map_or_else(|| "unknown".to_owned(), slowburn_formats::FileKind::name);
        return Some(format!("not an activity (a {kind} file)"));
    }
    if rec.samples.is_empty() {
        return Some("an activity without any samples".into());
    }
    if rec.relative_time {
        return Some("device time only, no dates: cannot be placed in a training history".into());
    }
    if rec.start.is_none() {
        return Some("no timestamps".into());
    }
    None
}

fn prepare(l: &Loaded<'_>, analyser: &dyn Analyser) -> Prepared {
    let rec = match detect::decode_any(&l.entry.name, &l.bytes) {
        Ok(r) => r,
        Err(e) => return Prepared::Failed(e.to_string()),
    };
    if let Some(why) = skip_reason(&rec) {
        let days = analyser.daily_resting_hr(&rec);
        if !days.is_empty() {
            return match compress(&l.bytes) {
                Ok(compressed) => Prepared::Monitoring { days, compressed, size: l.bytes.len() },
                Err(e) => Prepared::Failed(format!("cannot compress for storage: {e}")),
            };
        }
        return Prepared::Skipped(why);
    }
    let activity =
        new_activity(&l.entry.name, l.sha, &l.bytes, &rec, l.entry.meta.as_ref(), analyser);
    match compress(&l.bytes) {
        Ok(compressed) => {
            Prepared::Activity { activity: Box::new(activity), compressed, size: l.bytes.len() }
        }
        Err(e) => Prepared::Failed(format!("cannot compress for storage: {e}")),
    }
}

/// Import everything under `inputs` into `store`.
pub fn import(
    store: &mut dyn Store,
    inputs: &[PathBuf],
    analyser: &dyn Analyser,
    progress: &dyn Progress,
    options: Options,
) -> Result<Report, ImportError> {
    let started = Instant::now();
    let walk = sources::enumerate(inputs);
    let mut report = Report { ignored: walk.ignored, ..Report::default() };
    for f in walk.failures {
        report.failed += 1;
        report
            .files
            .push(FileResult { name: f.name, outcome: Outcome::Failed { reason: f.reason } });
    }
    progress.start(walk.entries.len() as u64);
    for chunk in walk.entries.chunks(options.batch_size.max(1)) {
        import_chunk(store, chunk, analyser, &mut report)?;
        progress.advance(chunk.len() as u64);
    }
    progress.finish();
    report.elapsed = started.elapsed();
    Ok(report)
}

fn import_chunk(
    store: &mut dyn Store,
    chunk: &[Entry],
    analyser: &dyn Analyser,
    report: &mut Report,
) -> Result<(), ImportError> {
    // Read and hash in parallel.
    let loaded: Vec<Result<Loaded<'_>, String>> = chunk
        .par_iter()
        .map(|entry| {
            let bytes = entry.read().map_err(|f| f.reason)?;
            let sha: [u8; 32] = Sha256::digest(&bytes).into();
            Ok(Loaded { entry, sha, bytes })
        })
        .collect();
    // What the store has already costs nothing more.
    let mut todo = Vec::with_capacity(loaded.len());
    let mut results: Vec<Option<Outcome>> = Vec::with_capacity(loaded.len());
    for l in loaded {
        match l {
            Err(reason) => results.push(Some(Outcome::Failed { reason })),
            Ok(l) => {
                report.bytes += l.bytes.len() as u64;
                if store.has_original(&l.sha)? {
                    results.push(Some(Outcome::Duplicate {
                        of: None,
                        reason: "already imported (same bytes)".into(),
                    }));
                } else {
                    results.push(None);
                    todo.push(l);
                }
            }
        }
    }
    // Decode, analyse and compress in parallel.
    let prepared: Vec<Prepared> = todo.par_iter().map(|l| prepare(l, analyser)).collect();
    // One writer, one transaction.
    let mut batch = store.batch()?;
    let mut p_iter = todo.iter().zip(prepared);
    for slot in &mut results {
        if slot.is_some() {
            continue;
        }
        let Some((l, p)) = p_iter.next() else { break };
        *slot = Some(match p {
            Prepared::Failed(reason) => Outcome::Failed { reason },
            Prepared::Skipped(reason) => Outcome::Skipped { reason },
            Prepared::Monitoring { days, compressed, size } => {
                batch.insert_original(&l.sha, &l.entry.name, size, &compressed)?;
                for (date, bpm) in &days {
                    batch.add_daily_log(&DailyLog {
                        date: *date,
                        kind: "monitoring_low".into(),
                        value: Some(f64::from(*bpm)),
                        text: None,
                    })?;
                }
                Outcome::Skipped {
                    reason: format!(
                        "not an activity (a monitoring file); resting heart rate of {} day(s) kept",
                        days.len()
                    ),
                }
            }
            Prepared::Activity { activity, compressed, size } => {
                if batch.has_original(&l.sha)? {
                    Outcome::Duplicate {
                        of: batch.activity_of(&l.sha)?,
                        reason: "same bytes twice in this import".into(),
                    }
                } else {
                    batch.insert_original(&l.sha, &l.entry.name, size, &compressed)?;
                    let same = match (activity.data.start_ms, activity.data.duration_s) {
                        (Some(s), Some(d)) => batch.find_same_run(s, d, activity.data.sport)?,
                        _ => None,
                    };
                    match same {
                        Some(same) if same.richness >= activity.richness => {
                            batch.insert_duplicate(
                                &l.sha,
                                same.id,
                                &l.entry.name,
                                "same run from another source; the richer recording is kept",
                            )?;
                            Outcome::Duplicate {
                                of: Some(same.id),
                                reason: "same run from another source".into(),
                            }
                        }
                        Some(same) => {
                            batch.replace_activity(
                                same.id,
                                &activity,
                                "same run from another source; a richer recording replaced it",
                            )?;
                            Outcome::Imported { id: same.id }
                        }
                        None => Outcome::Imported { id: batch.insert_activity(&activity)? },
                    }
                }
            }
        });
    }
    batch.commit()?;
    for (entry, outcome) in chunk.iter().zip(results) {
        let outcome = outcome.unwrap_or(Outcome::Failed { reason: "internal: no outcome".into() });
        match outcome {
            Outcome::Imported { .. } => report.imported += 1,
            Outcome::Duplicate { .. } => report.duplicates += 1,
            Outcome::Skipped { .. } => report.skipped += 1,
            Outcome::Failed { .. } => report.failed += 1,
        }
        report.files.push(FileResult { name: entry.name.clone(), outcome });
    }
    Ok(())
}

/// Re-analyse every stored activity from its original bytes (after the algorithms improve).
/// Returns the number of activities updated.
pub fn reanalyze(store: &mut dyn Store, analyser: &dyn Analyser) -> Result<usize, ImportError> {
    let ids: Vec<i64> =
        store.activities(&slowburn_store::Filter::default())?.into_iter().map(|a| a.id).collect();
    reanalyze_activities(store, analyser, &ids)
}

/// Re-analyse the activities `ids` from their original bytes, 512 at a time (one transaction
/// each). Returns the number updated; one whose original no longer decodes keeps what it had.
pub fn reanalyze_activities(
    store: &mut dyn Store,
    analyser: &dyn Analyser,
    ids: &[i64],
) -> Result<usize, ImportError> {
    let mut updated = 0;
    for chunk in ids.chunks(512) {
        let mut loaded = Vec::with_capacity(chunk.len());
        for &id in chunk {
            let row = store.activity(id)?;
            let bytes = store.original(&row.sha256)?;
            loaded.push((id, row, bytes));
        }
        let prepared: Vec<Option<NewActivity>> = loaded
            .par_iter()
            .map(|(_, row, bytes)| {
                let name = &row.data.source_name;
                let rec = detect::decode_any(name, bytes).ok()?;
                // The export's name is a hint for the analysis (races) and stays what it was.
                let meta = ExportMeta {
                    name: row.data.name.clone(),
                    description: row.data.description.clone(),
                    gear: row.data.gear.clone(),
                    activity_type: None,
                };
                skip_reason(&rec)
                    .is_none()
                    .then(|| new_activity(name, row.sha256, bytes, &rec, Some(&meta), analyser))
            })
            .collect();
        let mut batch = store.batch()?;
        for ((id, _, _), p) in loaded.iter().zip(prepared) {
            if let Some(a) = p {
                batch.update_analysis(*id, &a)?;
                updated += 1;
            }
        }
        batch.commit()?;
    }
    Ok(updated)
}

//! `slowburn-import`: the one import pipeline, used by `import`, `demo` and `reanalyze`.
//!
//! walk → read + hash (parallel) → skip what the store already has → decode + analyse +
//! compress (parallel, rayon) → insert (one writer, one transaction per batch).
//!
//! # Design
//! Every input ends as exactly one [`Outcome`]: imported, replaced (a richer recording of a run
//! already stored took its place), duplicate (the same bytes, or the same run from another
//! source, with which recording was kept and why), skipped (not an activity, with the reason)
//! or failed (with the reason); the [`Report`]'s counts add up to the files seen. A multisport
//! file is one original and one activity per leg ([`parts`]); recordings of one run are one
//! activity whatever order they come in ([`same`], `merge`); an export's names fill what the
//! activities lack, also when their files were imported before ([`garmin`] for Garmin
//! Connect). Work is done in batches of entries (at most 512 and 64 MiB) so memory stays
//! bounded whatever the archive size; ordinary files are decoded side by side and a huge one
//! alone, after them; and a batch is one transaction: an import killed at any point leaves
//! whole batches, and running it again finishes the job (the same bytes are
//! recognised by SHA-256 and cost only a hash). The analysis is passed in ([`Analyser`]), so
//! this crate wires formats, core and store together without owning any metric.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use slowburn_formats::sources::{self, Entry, ExportMeta};
use slowburn_formats::{detect, Recording};
use slowburn_store::{
    compress, ActivityData, Batch, DailyLog, Date, Facts, MetaAdded, MetaRef, NewActivity, PartOf,
    Store, StoreError,
};

pub mod garmin;
mod merge;
pub mod parts;
pub mod same;

use garmin::GarminIndex;
pub use same::richness;

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
    /// The sport the analysis decided from the evidence `(sport, sub_sport)`, when it differs
    /// from the file's (a ride recorded without a sport, a car trip): stored instead of it.
    pub sport: Option<(u8, u8)>,
    /// The run's one distance by the analysis's rule (glitches and vehicle stretches out):
    /// stored instead of the file's total.
    pub distance_m: Option<f64>,
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
    /// A new activity (for a multisport file, `id` is its first part; `parts` lists them all).
    Imported {
        id: i64,
    },
    /// A richer recording of a run already stored took the stored one's place (which is kept as
    /// its duplicate); `reason` says which was kept and why.
    Replaced {
        id: i64,
        reason: String,
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

/// One activity a file gave: every file gives one, a multisport file one per leg.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartResult {
    /// 0-based, in time order.
    pub part: u32,
    pub id: i64,
    /// The FIT profile's sport name of the leg (`swimming`, `running`, …).
    pub sport: String,
    pub duration_s: Option<f64>,
    pub distance_m: Option<f64>,
}

/// One input and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileResult {
    pub name: String,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The activities of a multisport file, one per leg (empty for any other file).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartResult>,
    /// What else the import has to say about the file ("multisport: 5 parts …").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl FileResult {
    fn new(name: String, outcome: Outcome) -> FileResult {
        FileResult { name, outcome, parts: Vec::new(), note: None }
    }
}

/// The end of an import. Every file seen is counted once:
/// `imported + replaced + duplicates + skipped + failed == files.len()`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub imported: usize,
    /// Files whose richer recording replaced a stored recording of the same run.
    pub replaced: usize,
    pub duplicates: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Files that are not recordings (photos, CSVs …) passed over.
    pub ignored: usize,
    /// Multisport files stored (imported or replacing), and the activities (legs) they gave.
    pub multisport_files: usize,
    pub multisport_parts: usize,
    /// Activities whose name, description or gear an export added (files already imported,
    /// or the same run from another source).
    pub metadata_added: usize,
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

/// A read and hashed entry (its bytes are let go once prepared: `len` stays).
struct Loaded<'a> {
    entry: &'a Entry,
    sha: [u8; 32],
    bytes: Vec<u8>,
    len: usize,
}

/// What an ordinary file stays within, so that files are decoded and analysed side by side
/// (one per core): 8 MiB plain and 100,000 samples (27 hours at 1 Hz). A file over either is
/// decoded afterwards on its own, with the hard limits ([`detect::Limits::default`]), so an
/// import holds at most one huge file at a time beside its ordinary work.
const ORDINARY: detect::Limits = detect::Limits { plain_bytes: 8 << 20, samples: 100_000 };

/// Most bytes (as read or declared) of the entries of one chunk: with the chunk the writer
/// holds and the one being staged, the bytes of two chunks are in memory at most, whatever
/// the batch size (a batch of 512 ordinary files is some 50 MB).
const CHUNK_BYTES: u64 = 64 << 20;

/// `entries` cut into chunks of at most `batch_size` entries and [`CHUNK_BYTES`] bytes (a
/// larger entry is a chunk of its own).
fn chunks(entries: &[Entry], batch_size: usize) -> Vec<&[Entry]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, e) in entries.iter().enumerate() {
        let size = e.size.min(sources::MAX_FILE_BYTES);
        if i > start && (i - start >= batch_size || bytes + size > CHUNK_BYTES) {
            out.push(&entries[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < entries.len() {
        out.push(&entries[start..]);
    }
    out
}

/// A decoded, analysed, compressed entry ready for the writer.
enum Prepared {
    /// One activity, or one per leg of a multisport file (in time order).
    Activities {
        parts: Vec<NewActivity>,
        note: Option<String>,
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

/// Build what the store keeps for one decoded recording (or one leg of a multisport file:
/// `part` says which).
pub fn new_activity(
    name: &str,
    sha: [u8; 32],
    bytes: &[u8],
    rec: &Recording,
    part: PartOf,
    meta: Option<&ExportMeta>,
    analyser: &dyn Analyser,
) -> NewActivity {
    let a = analyser.analyse(rec, meta);
    let device = rec.device().map(|d| {
        let m = d.manufacturer_name().unwrap_or_default();
        let p = d.product_name().unwrap_or_default();
        format!("{m} {p}").trim().to_owned()
    });
    let span = same::span(rec);
    NewActivity {
        sha256: sha,
        part,
        data: ActivityData {
            source_name: name.to_owned(),
            format: format_name(name, bytes).to_owned(),
            start_ms: span.map(|s| s.0).or(rec.start),
            utc_offset_s: rec.utc_offset_s,
            sport: a.sport.map(|s| s.0).or(rec.sport.map(|s| s.sport)),
            sub_sport: a.sport.map(|s| s.1).or(rec.sport.map(|s| s.sub_sport)),
            // The export's name, else the one the file gives (GPX, TCX).
            name: meta.and_then(|m| m.name.clone()).or_else(|| rec.name.clone()),
            description: meta.and_then(|m| m.description.clone()),
            gear: meta.and_then(|m| m.gear.clone()),
            device: device.filter(|d| !d.is_empty()),
            // First to last sample, a clock jump left out (a Strava app file ends 64 years on),
            // and never less than the moving time: the samples after a jump mid-run were run.
            duration_s: span
                .map(|(a, b)| (b - a) as f64 / 1000.0)
                .or_else(|| rec.duration_s())
                .map(|d| d.max(a.moving_s.unwrap_or(0.0))),
            moving_s: a.moving_s,
            distance_m: a.distance_m.or_else(|| rec.distance_m()),
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
        end_ms: span.map(|s| s.1),
        channels: same::channels(rec),
    }
}

/// Why a decoded recording is not imported as an activity, if it is not.
fn skip_reason(rec: &Recording) -> Option<String> {
    if !rec.is_activity() {
        let Some(kind) = rec.kind().map(slowburn_formats::FileKind::name) else {
            return Some("not an activity (the file does not say what it holds)".into());
        };
        // A type the FIT profile does not name (a damaged file_id) is said by its number.
        if kind.bytes().all(|b| b.is_ascii_digit()) {
            return Some(format!("not an activity (FIT file type {kind})"));
        }
        return Some(format!("not an activity (a {kind} file)"));
    }
    if rec.samples.is_empty() {
        return Some("an activity without any samples".into());
    }
    if rec.relative_time {
        return Some("device time only, no dates: cannot be placed in a training history".into());
    }
    let Some(start) = rec.start else {
        return Some("no timestamps".into());
    };
    // A clock before any GPS watch or beyond this century cannot place a run in a history.
    if !(EARLIEST_START_MS..LATEST_START_MS).contains(&start) {
        let when = jiff::Timestamp::from_millisecond(start)
            .map_or_else(|_| format!("{start} ms"), |t| t.strftime("%Y-%m-%d").to_string());
        return Some(format!(
            "its clock says it started on {when}: no real date to place it in a training history"
        ));
    }
    None
}

/// Earliest start taken as a real date: 1990-01-01 (before any sports watch with a clock that
/// recorded files).
const EARLIEST_START_MS: i64 = 631_152_000_000;
/// Latest start taken as a real date: 2100-01-01.
const LATEST_START_MS: i64 = 4_102_444_800_000;

/// The activities one decoded recording gives: itself, or each leg of a multisport file; with
/// a note on the legs for the report.
fn activities_of<'m>(
    name: &str,
    sha: [u8; 32],
    bytes: &[u8],
    rec: &Recording,
    meta: &(dyn Fn(Option<i64>) -> Option<&'m ExportMeta> + Sync),
    analyser: &dyn Analyser,
) -> (Vec<NewActivity>, Option<String>) {
    let Some(split) = parts::split(rec).filter(|s| !s.parts.is_empty()) else {
        let whole = new_activity(name, sha, bytes, rec, PartOf::WHOLE, meta(rec.start), analyser);
        return (vec![whole], None);
    };
    let parts = split.parts.len() as u32;
    let list: Vec<NewActivity> = split
        .parts
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let part = PartOf { part: i as u32, parts };
            new_activity(name, sha, bytes, p, part, meta(p.start), analyser)
        })
        .collect();
    let sports: Vec<String> = list.iter().map(|a| same::sport_name(a.data.sport)).collect();
    let mut note = format!(
        "multisport: {} session{}, {} part{} ({})",
        split.sessions,
        if split.sessions == 1 { "" } else { "s" },
        list.len(),
        if list.len() == 1 { "" } else { "s" },
        sports.join(", ")
    );
    for (i, sport) in &split.empty {
        note.push_str(&format!(
            "; session {} ({}) has no samples and gives no part",
            i + 1,
            same::sport_name(*sport)
        ));
    }
    (list, Some(note))
}

/// The export's names for an entry's recording starting at `start`: from the entry itself
/// (Strava's `activities.csv`), else from a Garmin activity list by start time.
fn meta_for<'a>(
    entry: &'a Entry,
    garmin: &'a GarminIndex,
    start: Option<i64>,
) -> Option<&'a ExportMeta> {
    entry.meta.as_ref().or_else(|| garmin.at(start))
}

/// `bytes` compressed for storage, holding no more memory than it needs.
fn shrunk(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut c = compress(bytes).map_err(|e| format!("cannot compress for storage: {e}"))?;
    c.shrink_to_fit();
    Ok(c)
}

/// Decode, analyse and compress one entry within `limits`; `None` when it is over them (its
/// bytes are kept for another try). Otherwise the entry's bytes are let go, and before the
/// analysis: what is stored is their compressed copy.
fn prepare(
    l: &mut Loaded<'_>,
    analyser: &dyn Analyser,
    garmin: &GarminIndex,
    limits: detect::Limits,
) -> Option<Prepared> {
    // A large file is compressed before it is decoded, so that its bytes, their compressed
    // copy (zstd reserves the worst case, as much again) and its samples are never all held.
    let len = l.bytes.len() as u64;
    let mut early =
        (len > ORDINARY.plain_bytes && len <= limits.plain_bytes).then(|| shrunk(&l.bytes));
    let rec = match detect::decode_within(&l.entry.name, &l.bytes, limits) {
        Ok(Some(r)) => r,
        Ok(None) => return None,
        Err(e) => {
            l.bytes = Vec::new();
            return Some(Prepared::Failed(e.to_string()));
        }
    };
    let size = l.bytes.len();
    // The format is told by the first 12 bytes (the FIT signature) and the name.
    let head = l.bytes[..size.min(12)].to_vec();
    let mut compressed = || {
        let c = early.take().unwrap_or_else(|| shrunk(&l.bytes));
        l.bytes = Vec::new();
        c
    };
    if let Some(why) = skip_reason(&rec) {
        let days = analyser.daily_resting_hr(&rec);
        if days.is_empty() {
            l.bytes = Vec::new();
            return Some(Prepared::Skipped(why));
        }
        return Some(match compressed() {
            Ok(compressed) => Prepared::Monitoring { days, compressed, size },
            Err(reason) => Prepared::Failed(reason),
        });
    }
    let compressed = match compressed() {
        Ok(c) => c,
        Err(reason) => return Some(Prepared::Failed(reason)),
    };
    let meta = |start| meta_for(l.entry, garmin, start);
    let (parts, note) = activities_of(&l.entry.name, l.sha, &head, &rec, &meta, analyser);
    Some(Prepared::Activities { parts, note, compressed, size })
}

/// Import everything under `inputs` into `store`.
pub fn import(
    store: &mut dyn Store,
    inputs: &[PathBuf],
    analyser: &dyn Analyser,
    progress: &dyn Progress,
    options: Options,
) -> Result<Report, ImportError> {
    import_under(store, inputs, None, analyser, progress, options)
}

/// [`import`], naming what lies under the folder `root` (an upload's temporary folder) by its
/// path inside it: what is stored and reported is the name the file was given, not where it
/// waited.
pub fn import_under(
    store: &mut dyn Store,
    inputs: &[PathBuf],
    root: Option<&Path>,
    analyser: &dyn Analyser,
    progress: &dyn Progress,
    options: Options,
) -> Result<Report, ImportError> {
    let started = Instant::now();
    let mut walk = sources::enumerate(inputs);
    if let Some(root) = root {
        let prefix = format!("{}{}", root.display(), std::path::MAIN_SEPARATOR);
        let inside = |name: &mut String| {
            if let Some(rest) = name.strip_prefix(&prefix) {
                *name = rest.to_owned();
            }
        };
        walk.entries.iter_mut().for_each(|e| inside(&mut e.name));
        walk.failures.iter_mut().for_each(|f| inside(&mut f.name));
    }
    let mut report = Report { ignored: walk.ignored, ..Report::default() };
    for f in walk.failures {
        report.failed += 1;
        report.files.push(FileResult::new(f.name, Outcome::Failed { reason: f.reason }));
    }
    let (garmin, unreadable) = GarminIndex::read(&walk.lists);
    for (name, reason) in unreadable {
        report.failed += 1;
        report.files.push(FileResult::new(name, Outcome::Failed { reason }));
    }
    progress.start(walk.entries.len() as u64);
    // The originals stored before this import: what needs no decoding. Read once, so the
    // stage that reads, hashes, decodes, analyses and compresses needs no store and runs on
    // its own thread while the writer stores the chunk before (the two overlap: on two cores
    // the writer's inserts no longer wait for the analysis, nor the analysis for the inserts).
    let known: HashSet<[u8; 32]> = store.original_list()?.into_iter().map(|o| o.sha256).collect();
    let garmin = &garmin;
    let known = &known;
    let result = std::thread::scope(|scope| -> Result<(), ImportError> {
        // The next chunk is staged while the writer stores this one, and handed over only when
        // the writer is ready: memory stays at about two chunks.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Staged<'_>>(0);
        let entries = &walk.entries;
        let batch_size = options.batch_size.max(1);
        scope.spawn(move || {
            for chunk in chunks(entries, batch_size) {
                if tx.send(stage(chunk, analyser, garmin, known)).is_err() {
                    // The writer stopped (an error): nothing more to stage.
                    break;
                }
            }
        });
        // SHA-256s this import stored: a later chunk's copy of the same bytes is "already
        // imported", as if read from the store.
        let mut stored: HashSet<[u8; 32]> = HashSet::new();
        for staged in rx {
            let n = staged.chunk.len() as u64;
            write_chunk(store, staged, garmin, &mut stored, &mut report)?;
            progress.advance(n);
        }
        Ok(())
    });
    result?;
    progress.finish();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// An entry's way to the writer: settled already (failed to read), stored already (same
/// bytes), or prepared.
enum Slot {
    Done(Outcome),
    Known,
    Todo,
}

/// A chunk read, hashed, decoded, analysed and compressed: all but the writing.
struct Staged<'a> {
    chunk: &'a [Entry],
    slots: Vec<Slot>,
    known: Vec<Loaded<'a>>,
    todo: Vec<Loaded<'a>>,
    prepared: Vec<Prepared>,
}

fn stage<'a>(
    chunk: &'a [Entry],
    analyser: &dyn Analyser,
    garmin: &GarminIndex,
    stored_before: &HashSet<[u8; 32]>,
) -> Staged<'a> {
    // Read and hash in parallel.
    let loaded: Vec<Result<Loaded<'_>, String>> = chunk
        .par_iter()
        .map(|entry| {
            let bytes = entry.read().map_err(|f| f.reason)?;
            let sha: [u8; 32] = Sha256::digest(&bytes).into();
            let len = bytes.len();
            Ok(Loaded { entry, sha, bytes, len })
        })
        .collect();
    // What the store has already costs nothing more.
    let mut todo = Vec::with_capacity(loaded.len());
    let mut known = Vec::new();
    let mut slots: Vec<Slot> = Vec::with_capacity(loaded.len());
    for l in loaded {
        match l {
            Err(reason) => slots.push(Slot::Done(Outcome::Failed { reason })),
            Ok(l) => {
                if stored_before.contains(&l.sha) {
                    slots.push(Slot::Known);
                    known.push(l);
                } else {
                    slots.push(Slot::Todo);
                    todo.push(l);
                }
            }
        }
    }
    // The bytes of what the store has are not needed again.
    for l in &mut known {
        l.bytes = Vec::new();
    }
    // Decode, analyse and compress in parallel the files within the ordinary limits, letting
    // go of each file's bytes once it is prepared; then the others one at a time.
    let mut prepared: Vec<Option<Prepared>> =
        todo.par_iter_mut().map(|l| prepare(l, analyser, garmin, ORDINARY)).collect();
    for (l, p) in todo.iter_mut().zip(&mut prepared) {
        if p.is_none() {
            *p = prepare(l, analyser, garmin, detect::Limits::default());
        }
    }
    let prepared = prepared
        .into_iter()
        .map(|p| p.unwrap_or_else(|| Prepared::Failed("internal: not prepared".into())))
        .collect();
    Staged { chunk, slots, known, todo, prepared }
}

fn write_chunk(
    store: &mut dyn Store,
    staged: Staged<'_>,
    garmin: &GarminIndex,
    stored: &mut HashSet<[u8; 32]>,
    report: &mut Report,
) -> Result<(), ImportError> {
    let Staged { chunk, slots, known, todo, prepared } = staged;
    for l in known.iter().chain(&todo) {
        report.bytes += l.len as u64;
    }
    // Bytes an earlier chunk of this import stored are already imported (as a store lookup
    // before the chunk would have found); the work prepared for them is dropped.
    let again: Vec<bool> = todo.iter().map(|l| stored.contains(&l.sha)).collect();
    // One writer, one transaction.
    let mut batch = store.batch()?;
    let mut known = known.iter();
    let mut p_iter = todo.iter().zip(prepared).zip(again);
    let mut results = Vec::with_capacity(slots.len());
    for slot in slots {
        let internal = || {
            FileResult::new(
                String::new(),
                Outcome::Failed { reason: "internal: no outcome".into() },
            )
        };
        let file = match slot {
            Slot::Done(outcome) => FileResult::new(String::new(), outcome),
            Slot::Known => {
                let Some(l) = known.next() else {
                    results.push(internal());
                    continue;
                };
                let (outcome, added) =
                    already_stored(batch.as_mut(), l, garmin, "already imported")?;
                report.metadata_added += added;
                FileResult::new(String::new(), outcome)
            }
            Slot::Todo => {
                let Some(((l, p), again)) = p_iter.next() else {
                    results.push(internal());
                    continue;
                };
                if again {
                    let (outcome, added) =
                        already_stored(batch.as_mut(), l, garmin, "already imported")?;
                    report.metadata_added += added;
                    FileResult::new(String::new(), outcome)
                } else {
                    write_one(batch.as_mut(), l, p, garmin, report)?
                }
            }
        };
        results.push(file);
    }
    batch.commit()?;
    for l in &todo {
        // Only what was stored (a file that failed or was skipped is tried again, as before).
        if store.has_original(&l.sha)? {
            stored.insert(l.sha);
        }
    }
    for (entry, mut file) in chunk.iter().zip(results) {
        match file.outcome {
            Outcome::Imported { .. } => report.imported += 1,
            Outcome::Replaced { .. } => report.replaced += 1,
            Outcome::Duplicate { .. } => report.duplicates += 1,
            Outcome::Skipped { .. } => report.skipped += 1,
            Outcome::Failed { .. } => report.failed += 1,
        }
        if file.parts.len() > 1
            && matches!(file.outcome, Outcome::Imported { .. } | Outcome::Replaced { .. })
        {
            report.multisport_files += 1;
            report.multisport_parts += file.parts.len();
        }
        file.name.clone_from(&entry.name);
        report.files.push(file);
    }
    Ok(())
}

/// The export's names of an entry, as the store takes them.
fn meta_ref(meta: Option<&ExportMeta>) -> MetaRef<'_> {
    meta.map_or_else(MetaRef::default, |m| MetaRef {
        name: m.name.as_deref(),
        description: m.description.as_deref(),
        gear: m.gear.as_deref(),
    })
}

/// "name and gear added from the export".
fn added_words(a: MetaAdded) -> String {
    let words: Vec<&str> = [(a.name, "name"), (a.description, "description"), (a.gear, "gear")]
        .iter()
        .filter(|(yes, _)| *yes)
        .map(|(_, w)| *w)
        .collect();
    let list = match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    format!("{list} added from the export")
}

/// Add an export's names to activities `ids`; how many gained something, and what.
fn add_meta_to(
    batch: &mut dyn Batch,
    ids: &[i64],
    meta: Option<&ExportMeta>,
) -> Result<(usize, MetaAdded), ImportError> {
    let m = meta_ref(meta);
    let mut total = MetaAdded::default();
    let mut n = 0;
    if m.name.is_none() && m.description.is_none() && m.gear.is_none() {
        return Ok((0, total));
    }
    for &id in ids {
        let a = batch.add_meta(id, m)?;
        if a.any() {
            n += 1;
        }
        total = total.or(a);
    }
    Ok((n, total))
}

/// A file whose bytes are stored already: a duplicate, whose export names fill what its
/// activities lack. Returns the outcome and how many activities gained names.
fn already_stored(
    batch: &mut dyn Batch,
    l: &Loaded<'_>,
    garmin: &GarminIndex,
    why: &str,
) -> Result<(Outcome, usize), ImportError> {
    // Each activity of the file (each leg), or the one it is kept as a duplicate of, with the
    // start its names are looked up by.
    let mut targets: Vec<(i64, Option<i64>)> =
        batch.file_parts(&l.sha)?.iter().map(|p| (p.id, p.start_ms)).collect();
    if targets.is_empty() {
        if let Some(id) = batch.duplicate_of(&l.sha)? {
            let start = batch
                .duplicates_of(id)?
                .into_iter()
                .find(|d| d.sha256 == l.sha)
                .and_then(|d| d.start_ms);
            targets.push((id, start));
        }
    }
    let (mut n, mut added) = (0, MetaAdded::default());
    if l.entry.meta.is_some() || !garmin.is_empty() {
        for &(id, start) in &targets {
            let (k, a) = add_meta_to(batch, &[id], meta_for(l.entry, garmin, start))?;
            n += k;
            added = added.or(a);
        }
    }
    let reason = if added.any() {
        format!("{why}; {}", added_words(added))
    } else {
        format!("{why} (same bytes)")
    };
    Ok((Outcome::Duplicate { of: targets.first().map(|t| t.0), reason }, n))
}

fn write_one(
    batch: &mut dyn Batch,
    l: &Loaded<'_>,
    p: Prepared,
    garmin: &GarminIndex,
    report: &mut Report,
) -> Result<FileResult, ImportError> {
    let outcome = match p {
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
        Prepared::Activities { parts, note, compressed, size } => {
            if batch.has_original(&l.sha)? {
                let (outcome, n) =
                    already_stored(batch, l, garmin, "the same bytes twice in this import")?;
                report.metadata_added += n;
                return Ok(FileResult::new(String::new(), outcome));
            }
            batch.insert_original(&l.sha, &l.entry.name, size, &compressed)?;
            let start = parts.first().and_then(|a| a.data.start_ms);
            let written = merge::write(batch, &parts, meta_for(l.entry, garmin, start))?;
            report.metadata_added += written.metadata_added;
            let mut file = FileResult::new(String::new(), written.outcome);
            if parts.len() > 1 {
                file.parts = parts
                    .iter()
                    .zip(&written.ids)
                    .map(|(a, &id)| PartResult {
                        part: a.part.part,
                        id,
                        sport: same::sport_name(a.data.sport),
                        duration_s: a.data.duration_s,
                        distance_m: a.data.distance_m,
                    })
                    .collect();
            }
            file.note = note;
            return Ok(file);
        }
    };
    Ok(FileResult::new(String::new(), outcome))
}

/// Re-analyse every stored activity from its original bytes (after the algorithms improve).
/// Returns the number of activities updated.
pub fn reanalyze(store: &mut dyn Store, analyser: &dyn Analyser) -> Result<usize, ImportError> {
    let ids: Vec<i64> =
        store.activities(&slowburn_store::Filter::default())?.into_iter().map(|a| a.id).collect();
    reanalyze_activities(store, analyser, &ids)
}

/// Re-analyse the activities `ids` from their original bytes, 512 at a time (one transaction
/// each). Returns the number of activities written; one whose original no longer decodes (or
/// gives other legs than it gave) keeps what it had, and one stored whole that is now found to
/// be a multisport file becomes one activity per leg.
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
            let part = store.activity_part(id)?;
            let bytes = store.original(&row.sha256)?;
            loaded.push((id, row, part, bytes));
        }
        let prepared: Vec<Option<Vec<NewActivity>>> = loaded
            .par_iter()
            .map(|(_, row, part, bytes)| {
                let name = &row.data.source_name;
                let rec = detect::decode_any(name, bytes).ok()?;
                // The export's name is a hint for the analysis (races) and stays what it was.
                let meta = ExportMeta {
                    name: row.data.name.clone(),
                    description: row.data.description.clone(),
                    gear: row.data.gear.clone(),
                    activity_type: None,
                };
                if skip_reason(&rec).is_some() {
                    return None;
                }
                let one = |leg: &Recording, part| {
                    new_activity(name, row.sha256, bytes, leg, part, Some(&meta), analyser)
                };
                match parts::split(&rec).filter(|s| !s.parts.is_empty()) {
                    None if part.parts == 1 => Some(vec![one(&rec, *part)]),
                    Some(s) if s.parts.len() == part.parts as usize => {
                        Some(vec![one(s.parts.get(part.part as usize)?, *part)])
                    }
                    // Stored whole, now found to be a multisport file: it becomes its legs.
                    Some(s) if part.parts == 1 => {
                        let n = s.parts.len() as u32;
                        Some(
                            s.parts
                                .iter()
                                .enumerate()
                                .map(|(i, leg)| one(leg, PartOf { part: i as u32, parts: n }))
                                .collect(),
                        )
                    }
                    _ => None,
                }
            })
            .collect();
        let mut batch = store.batch()?;
        for ((id, _, _, _), p) in loaded.iter().zip(prepared) {
            match p.as_deref() {
                Some([a]) => {
                    batch.update_analysis(*id, a)?;
                    updated += 1;
                }
                Some(legs @ [_, _, ..]) => {
                    let ids = batch.split_activity(*id, legs)?;
                    merge::spread_duplicates(batch.as_mut(), *id, legs, &ids)?;
                    updated += ids.len();
                }
                _ => {}
            }
        }
        batch.commit()?;
    }
    Ok(updated)
}

//! `slowburn-store`: where an athlete's history is kept — activities with their summaries,
//! typed facts and histograms, the original files (zstd-compressed, content-addressed by
//! SHA-256), duplicates, the dated profile entries and daily logs.
//!
//! # Design
//! The [`Store`] trait is what the rest of slowburn sees; [`SqliteStore`] is the embedded
//! backend (a `PostgreSQL` backend for coaches and clubs implements the same trait and passes the
//! same contract suite, `tests/contract`). SQL lives in the backends and nowhere else; the store
//! computes no analysis, it keeps what `slowburn-core` computed. Writes go through a [`Batch`]
//! — one transaction — so an import killed at any point leaves whole batches or nothing.
//!
//! An activity is one part of an original file: a multisport file (triathlon, brick) is one
//! original with one activity per leg, keyed by `(sha256, part)` ([`PartOf`]); every other file
//! is part 0 of 1. Each activity keeps the span of its recording and of the duplicates kept
//! with it, so the import pipeline finds the same run from another source by time overlap
//! ([`Batch::overlapping`]) and folds recordings of one run together ([`Batch::merge_activity`]).
//!
//! Rows are named structs. What a review or trend reads on every run (types, coverage, best
//! efforts, heart rate–pace points, load inputs) is kept in typed columns ([`Facts`]) next to
//! the full summary, so reading ten years costs about what a bare read of those rows costs;
//! the full summary (JSON, owned and decoded by core) is read for one activity at a time.

pub mod backup;
mod schema;
mod sqlite;

pub use jiff::civil::Date;
use serde::Serialize;

pub use schema::SCHEMA_VERSION;
pub use sqlite::SqliteStore;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open { path: String, source: rusqlite::Error },
    /// An `SQLite` error, in words a runner can act on for the ones a machine causes (a full
    /// disk, a read-only filesystem, a lock held too long, a failing disk).
    #[error("database: {}", sql_words(.0))]
    Sql(rusqlite::Error),
    #[error(
        "database schema version {found} is newer than this slowburn understands ({supported}); \
         use a newer slowburn"
    )]
    TooNew { found: i64, supported: i64 },
    #[error("original file {sha}: {why}")]
    Original { sha: String, why: String },
    #[error("no activity with id {0}")]
    NoActivity(i64),
    #[error("stored value {what} of activity {id} is not readable: {why}")]
    Corrupt { id: i64, what: &'static str, why: String },
    #[error("database migration to version {version}: {why}")]
    Migration { version: i64, why: String },
    #[error("stored date {value:?} in {table} is not a date: {why}")]
    BadDate { table: &'static str, value: String, why: String },
    #[error("no plan with id {0}")]
    NoPlan(i64),
    #[error(
        "the store {path} cannot be written ({why}): nothing was changed. slowburn keeps its \
         journal beside the store, so the store's folder must be writable"
    )]
    NotWritable { path: String, why: String },
    /// An error of a server backend (`PostgreSQL`), already in words a user can act on: what
    /// was being done and what the server said. `environment`: the server, the network or
    /// the machine failed (unreachable, shut down, disk full, a lock held too long), not the
    /// data.
    #[error("database: {what}")]
    Backend { what: String, environment: bool },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sql(e)
    }
}

impl StoreError {
    /// Is this another connection's lock (busy or locked)?
    #[must_use]
    pub fn is_busy(&self) -> bool {
        use rusqlite::ErrorCode as C;
        match self {
            StoreError::Sql(e) | StoreError::Open { source: e, .. } => {
                matches!(e.sqlite_error_code(), Some(C::DatabaseBusy | C::DatabaseLocked))
            }
            _ => false,
        }
    }

    /// Is this the machine's problem (disk full, read-only, locked, I/O) rather than the data's?
    #[must_use]
    pub fn is_environment(&self) -> bool {
        use rusqlite::ErrorCode as C;
        let code = match self {
            StoreError::Sql(e) | StoreError::Open { source: e, .. } => e.sqlite_error_code(),
            StoreError::NotWritable { .. } => return true,
            StoreError::Backend { environment, .. } => return *environment,
            _ => None,
        };
        matches!(
            code,
            Some(
                C::DiskFull
                    | C::ReadOnly
                    | C::DatabaseBusy
                    | C::DatabaseLocked
                    | C::SystemIoFailure
                    | C::CannotOpen
                    | C::PermissionDenied
            )
        )
    }
}

/// What an `SQLite` error means to the user. Every write is one transaction, so a failed one
/// left the store as it was before it.
fn sql_words(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    let undone = "what was being written was not stored; the store is as it was before it";
    match e.sqlite_error_code() {
        Some(C::DiskFull) => {
            format!(
                "the disk holding the store is full: {undone} (free some space and run it again)"
            )
        }
        Some(C::ReadOnly) => {
            format!("the store cannot be written (a read-only file or filesystem): {undone}")
        }
        Some(C::DatabaseBusy | C::DatabaseLocked) => format!(
            "another slowburn has held the store's write lock for over {} minutes: {undone} \
             (run it again when that one has finished)",
            BUSY_TIMEOUT_S / 60
        ),
        Some(C::SystemIoFailure) => format!("the disk failed a read or write ({e}): {undone}"),
        _ => e.to_string(),
    }
}

/// How long a write waits for another process holding the store's write lock, seconds.
pub const BUSY_TIMEOUT_S: u64 = 300;

pub type Result<T> = std::result::Result<T, StoreError>;

/// SHA-256 of an original file.
pub type Sha256 = [u8; 32];

/// Lower-case hex of a hash.
#[must_use]
pub fn hex(sha: &Sha256) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(64);
    for b in sha {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The longest span of a recording that is matched against others, ms (48 h). A longer one
/// is a clock jump, not a recording: the import pipeline stores its span cut to this.
pub const MAX_SPAN_MS: i64 = 48 * 3600 * 1000;

/// zstd level for originals: level 1 compresses FIT about as well as level 3 here at about
/// twice the speed (measured in `docs/PERFORMANCE.md`), and import time is dominated by it.
pub const ZSTD_LEVEL: i32 = 1;

/// Compress an original file for the store (callers run this in parallel before a batch).
pub fn compress(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    zstd::bulk::compress(bytes, ZSTD_LEVEL)
}

/// Mean pace at one heart rate (a point of a run's heart rate–pace curve).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HrPaceRow {
    pub hr: u8,
    pub pace_s_per_km: f64,
    pub seconds: f64,
}

/// A best effort over a distance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EffortRow {
    pub distance_m: f64,
    pub time_s: f64,
}

/// The typed facts of an activity that reviews and trends read on every run, kept in columns
/// beside the full summary. Written at import (from the summary) and by re-analysis only.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facts {
    /// Version of the summary these were taken from (core's `SUMMARY_VERSION`); 0 for rows
    /// written before facts were kept.
    pub summary_version: u32,
    /// What the file alone says the run was (classification without the athlete's norms or
    /// estimates), its reason and confidence.
    pub base_type: Option<String>,
    pub base_reason: Option<String>,
    pub confidence: Option<f64>,
    /// Settled heart rate of the run's main part, bpm.
    pub settled_hr: Option<f64>,
    /// Share of moving time with a trusted heart rate (0–1).
    pub hr_coverage: Option<f64>,
    pub best_30s_hr: Option<f64>,
    pub best_30min_lthr: Option<f64>,
    pub gap_pace_s_per_km: Option<f64>,
    pub efficiency_factor: Option<f64>,
    pub decoupling_pct: Option<f64>,
    pub best_efforts: Vec<EffortRow>,
    /// Heart rate against pace on flat steady running (zones' "you run at").
    pub hr_pace: Vec<HrPaceRow>,
    /// The same from settled running only, warm-up left out (trends' easy pace at a fixed HR).
    pub settled_hr_pace: Vec<HrPaceRow>,
    /// The classification evidence core computed at import: the run's parts and their
    /// measurements, opaque JSON owned by slowburn-core (`classify::Evidence`), from which the
    /// application re-decides the type against the dated profile and norms without reading the
    /// file. `None` for rows written before it was kept (schema 4) and until re-analysed.
    pub evidence: Option<String>,
}

/// What the application derives from the facts and the athlete's profile and norms: the run's
/// final type, the reason, how sure, and the evidence in words. Brought up to date whenever a
/// fact changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Derived {
    pub run_type: Option<String>,
    pub reason: Option<String>,
    /// 0–1.
    pub confidence: Option<f64>,
    /// "long: 1 h 52 min, your easy runs are 55 min on median".
    pub why: Option<String>,
}

/// Which part of its original file an activity is: a multisport file (triathlon, brick) gives
/// one activity per session, numbered from 0; any other file is part 0 of 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PartOf {
    pub part: u32,
    pub parts: u32,
}

impl PartOf {
    /// Part 0 of 1: a file that is one activity.
    pub const WHOLE: PartOf = PartOf { part: 0, parts: 1 };
}

impl Default for PartOf {
    fn default() -> Self {
        Self::WHOLE
    }
}

/// An activity to insert: what the import pipeline computed for one recording (or one part of
/// a multisport recording).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewActivity {
    pub sha256: Sha256,
    /// Which part of the file this is.
    pub part: PartOf,
    /// The values stored as columns.
    pub data: ActivityData,
    /// The full per-run summary (core's typed summary, as JSON).
    #[serde(skip)]
    pub summary: String,
    pub facts: Facts,
    /// How much the recording holds (channels × samples); the richer of two copies of the
    /// same run is kept.
    pub richness: f64,
    /// Seconds at each bpm, 0–255.
    pub hr_hist: Vec<f32>,
    /// Seconds per pace bucket.
    pub pace_hist: Vec<f32>,
    /// When the recording ends (UTC ms; its span is `data.start_ms` to this), clock jumps left
    /// out: what other recordings of the same run are matched against.
    pub end_ms: Option<i64>,
    /// The channels recorded, as a bitmask the import pipeline defines (it describes the
    /// recordings it compares with it).
    pub channels: u32,
}

/// The stored values of an activity that describe the recording.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityData {
    pub source_name: String,
    pub format: String,
    pub start_ms: Option<i64>,
    pub utc_offset_s: Option<i32>,
    pub sport: Option<u8>,
    pub sub_sport: Option<u8>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub gear: Option<String>,
    pub device: Option<String>,
    pub duration_s: Option<f64>,
    pub moving_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub ascent_m: Option<f64>,
    pub avg_hr: Option<f64>,
    pub max_hr: Option<u8>,
    pub samples: i64,
}

/// A stored activity (without its summary and histograms).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityRow {
    pub id: i64,
    pub sha256: Sha256,
    pub data: ActivityData,
    /// The user's type label, if any.
    pub label: Option<String>,
    pub derived: Derived,
    pub summary_version: u32,
    /// Other files of the same run kept as its duplicates.
    pub duplicates: i64,
}

/// One activity as a review reads it: the row, its facts, histograms and RPE.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub activity: ActivityRow,
    pub facts: Facts,
    pub hr_hist: Vec<f32>,
    pub pace_hist: Vec<f32>,
    pub rpe: Option<f64>,
}

/// A resolved profile period, kept as derived state: the first day it is in force and the
/// profile (core's `Profile` as JSON, each value with its source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodRow {
    pub from_date: Date,
    pub profile: String,
}

/// A daily log entry: a value (`rhr`, `monitoring_low`) or a note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DailyLog {
    /// Local calendar date.
    pub date: Date,
    pub kind: String,
    pub value: Option<f64>,
    pub text: Option<String>,
}

/// A dated athlete profile entry (`entry` is core's `ProfileEntry` as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AthleteEntryRow {
    pub from_date: Date,
    pub entry: String,
}

/// Everything an athlete's history holds apart from summaries and originals, read in one
/// snapshot (one read transaction): the activities in the range by start, all profile entries
/// and all daily logs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistorySnapshot {
    pub activities: Vec<HistoryRow>,
    pub entries: Vec<AthleteEntryRow>,
    pub logs: Vec<DailyLog>,
}

/// Filters for [`Store::activities`] and [`Store::history`].
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub sport: Option<u8>,
    pub limit: Option<i64>,
    /// Newest first (default oldest first).
    pub newest_first: bool,
}

/// A stored activity as the import pipeline compares it with a new recording of perhaps the
/// same run ([`Batch::overlapping`], [`Batch::file_parts`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecording {
    pub id: i64,
    pub sha256: Sha256,
    pub part: PartOf,
    pub source_name: String,
    pub format: String,
    pub sport: Option<u8>,
    pub sub_sport: Option<u8>,
    pub start_ms: Option<i64>,
    /// The kept recording's own end.
    pub end_ms: Option<i64>,
    /// The span of the kept recording and of every duplicate kept with it (for a part of a
    /// multisport file: its own span only).
    pub span_start_ms: Option<i64>,
    pub span_end_ms: Option<i64>,
    pub duration_s: Option<f64>,
    pub samples: i64,
    pub richness: f64,
    pub channels: u32,
}

/// Another file of the same run, kept beside the activity holding the richest recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateRow {
    pub sha256: Sha256,
    pub activity_id: i64,
    pub source_name: String,
    pub reason: String,
    /// The duplicate recording's own span and sport, when known.
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub sport: Option<u8>,
}

/// What an export's names, descriptions and gear added to an activity that had none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MetaAdded {
    pub name: bool,
    pub description: bool,
    pub gear: bool,
}

impl MetaAdded {
    #[must_use]
    pub fn any(self) -> bool {
        self.name || self.description || self.gear
    }

    /// Both additions together.
    #[must_use]
    pub fn or(self, other: MetaAdded) -> MetaAdded {
        MetaAdded {
            name: self.name || other.name,
            description: self.description || other.description,
            gear: self.gear || other.gear,
        }
    }
}

/// An export's names, descriptions and gear for an activity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetaRef<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub gear: Option<&'a str>,
}

/// An original file as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalRow {
    pub sha256: Sha256,
    /// The name it was imported under.
    pub name: String,
}

/// An athlete's store. Every backend passes the contract suite in `tests/contract`.
pub trait Store: Send {
    /// The backend's own consistency check ("ok" when healthy).
    fn integrity_check(&self) -> Result<String>;

    /// Is this original file already stored (as an activity, a duplicate or a kept file)?
    fn has_original(&self, sha: &Sha256) -> Result<bool>;

    /// Start a batch of writes (one transaction); dropped without commit, it rolls back.
    fn batch(&mut self) -> Result<Box<dyn Batch + '_>>;

    /// Activities matching `filter`, by start time (oldest first unless `newest_first`).
    fn activities(&self, filter: &Filter) -> Result<Vec<ActivityRow>>;

    /// One activity.
    fn activity(&self, id: i64) -> Result<ActivityRow>;

    /// One activity's full summary (core's JSON).
    fn activity_summary(&self, id: i64) -> Result<String>;

    /// One activity as a review reads it.
    fn history_row(&self, id: i64) -> Result<HistoryRow>;

    /// The history in `filter`'s time range (sport and limit are ignored), with every profile
    /// entry and daily log, in one snapshot.
    fn history(&self, filter: &Filter) -> Result<HistorySnapshot>;

    /// Ids of activities whose summary is older than `version` (re-analysed from originals).
    fn stale_summaries(&self, version: u32) -> Result<Vec<i64>>;

    /// The latest activity's start, ms, with its UTC offset.
    fn latest_start(&self) -> Result<Option<(i64, Option<i32>)>>;

    /// Which part of its file activity `id` is.
    fn activity_part(&self, id: i64) -> Result<PartOf>;

    /// The activities made from one original file, by part (empty when it is none's).
    fn file_activities(&self, sha: &Sha256) -> Result<Vec<i64>>;

    /// The other files of the same run kept with activity `id`, by name.
    fn duplicates(&self, id: i64) -> Result<Vec<DuplicateRow>>;

    /// Number of activities, duplicates and originals stored.
    fn counts(&self) -> Result<(i64, i64, i64)>;

    /// Every stored original, by name.
    fn original_list(&self) -> Result<Vec<OriginalRow>>;

    /// One original file's bytes, decompressed.
    fn original(&self, sha: &Sha256) -> Result<Vec<u8>>;

    /// Add a dated athlete profile entry.
    fn add_athlete_entry(&mut self, from_date: Date, entry: &str) -> Result<()>;

    /// Log a daily value or note.
    fn add_daily_log(&mut self, log: &DailyLog) -> Result<()>;

    /// Set an activity's session RPE (CR-10).
    fn set_rpe(&mut self, id: i64, rpe: f64) -> Result<()>;

    /// Set or clear the user's type label of an activity.
    fn set_label(&mut self, id: i64, label: Option<&str>) -> Result<()>;

    /// Write derived state in one transaction: the runs whose derived type changed, and the
    /// whole list of resolved profile periods (replacing the one stored), computed from the
    /// inputs of generation `inputs_seen` (read by [`Store::generations`] before the history).
    /// When the inputs have changed since (another process wrote), nothing is written: the
    /// refresh that follows that change computes from the newer inputs and writes instead, so a
    /// slower refresh of older inputs never overwrites it.
    fn set_derived(
        &mut self,
        updates: &[(i64, Derived)],
        periods: &[PeriodRow],
        inputs_seen: i64,
    ) -> Result<()>;

    /// The generation of derived state's inputs, and the one derived state was computed from.
    /// Every change to an input (a batch, a label, a profile entry, a log, an RPE) advances the
    /// first in the same transaction; they differ when a change was never followed by its
    /// refresh (the process was killed between them).
    fn generations(&self) -> Result<Generations>;

    /// The stored profile period in force on `date`: the latest starting on or before it.
    fn period_on(&self, date: Date) -> Result<Option<PeriodRow>>;

    /// A canonical text dump of everything stored except row ids: two stores holding the same
    /// data dump identically (kill tests, migrations, backends compared).
    fn canonical_dump(&self) -> Result<String>;

    /// Store a new plan (JSON owned by core) as its revision 1; returns its id.
    fn add_plan(&mut self, created: &str, plan: &str) -> Result<i64>;

    /// Add a revision to plan `id` (the plan as it is from now on, and why); returns its number.
    /// Earlier revisions are kept unchanged.
    fn add_plan_revision(
        &mut self,
        id: i64,
        created: &str,
        reason: &str,
        plan: &str,
    ) -> Result<u32>;

    /// Every plan with its latest revision, oldest plan first.
    fn plans(&self) -> Result<Vec<PlanRow>>;

    /// Every revision of plan `id`, first to last.
    fn plan_revisions(&self, id: i64) -> Result<Vec<PlanRevisionRow>>;

    /// Delete plan `id` and its revisions.
    fn delete_plan(&mut self, id: i64) -> Result<()>;
}

/// See [`Store::generations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generations {
    pub inputs: i64,
    pub derived: i64,
}

impl Generations {
    /// Is derived state older than its inputs?
    #[must_use]
    pub fn stale(self) -> bool {
        self.derived != self.inputs
    }
}

/// A stored plan and its latest revision.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub id: i64,
    pub created: String,
    pub revisions: u32,
    pub latest: PlanRevisionRow,
}

/// One revision of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRevisionRow {
    pub revision: u32,
    pub created: String,
    /// Why this revision was made (`created` for the first).
    pub reason: String,
    /// The plan, JSON.
    pub plan: String,
}

/// One transaction of writes.
pub trait Batch {
    /// Store an original file (compressed bytes); false when it was already there.
    fn insert_original(
        &mut self,
        sha: &Sha256,
        name: &str,
        size: usize,
        compressed: &[u8],
    ) -> Result<bool>;

    /// Is this original already stored (including earlier in this batch)?
    fn has_original(&mut self, sha: &Sha256) -> Result<bool>;

    /// Stored activities whose span (the kept recording and its duplicates) overlaps
    /// `start_ms..=end_ms`, by span start. Spans longer than [`MAX_SPAN_MS`] are never stored
    /// as such, so the search is bounded.
    fn overlapping(&mut self, start_ms: i64, end_ms: i64) -> Result<Vec<StoredRecording>>;

    /// Every part of the file `sha` as stored, by part.
    fn file_parts(&mut self, sha: &Sha256) -> Result<Vec<StoredRecording>>;

    /// The duplicates kept with activity `id`.
    fn duplicates_of(&mut self, id: i64) -> Result<Vec<DuplicateRow>>;

    /// Insert an activity; returns its id.
    fn insert_activity(&mut self, a: &NewActivity) -> Result<i64>;

    /// Replace what activity `id` holds with a richer recording of the same run; the recording
    /// it held becomes a duplicate of it with `reason`. Label, RPE and duplicates stay; name,
    /// description and gear are kept where the new recording has none.
    fn replace_activity(&mut self, id: i64, a: &NewActivity, reason: &str) -> Result<()>;

    /// Fold activity `from` into activity `into` (the same run): `from`'s duplicates move to
    /// `into`, its label and RPE and its name, description and gear fill what `into` lacks,
    /// and `from` is deleted. With `reason`, `from`'s original is kept as a duplicate of
    /// `into` (for a part of a multisport file the caller records the file once instead).
    fn merge_activity(&mut self, from: i64, into: i64, reason: Option<&str>) -> Result<()>;

    /// Update an activity's computed values (re-analysis), keeping identity, part, label and
    /// names.
    fn update_analysis(&mut self, id: i64, a: &NewActivity) -> Result<()>;

    /// Activity `id`, stored as a whole file, is found to be a multisport file (a re-analysis
    /// with a decoder that now finds its legs): it becomes `parts[0]` — keeping its id, label,
    /// RPE, names and duplicates — and the other parts are inserted. Returns every part's id.
    fn split_activity(&mut self, id: i64, parts: &[NewActivity]) -> Result<Vec<i64>>;

    /// Log a daily value within this batch.
    fn add_daily_log(&mut self, log: &DailyLog) -> Result<()>;

    /// Record an original as a duplicate of activity `activity_id` (replacing any earlier
    /// record of it).
    fn insert_duplicate(&mut self, d: &DuplicateRow) -> Result<()>;

    /// Fill activity `id`'s missing name, description and gear from an export.
    fn add_meta(&mut self, id: i64, meta: MetaRef<'_>) -> Result<MetaAdded>;

    /// The activity holding this original (its first part), if any.
    fn activity_of(&mut self, sha: &Sha256) -> Result<Option<i64>>;

    /// The activity this original is kept as a duplicate of, if any.
    fn duplicate_of(&mut self, sha: &Sha256) -> Result<Option<i64>>;

    /// Make the writes of this batch permanent.
    fn commit(self: Box<Self>) -> Result<()>;
}

/// Little-endian encodings of the facts' lists (a stable storage format, documented in
/// `docs/SCHEMA.md`): histograms as f32, efforts as two f64, heart rate–pace points as u8 + two
/// f64. Every backend stores them this way (one definition, so they cannot drift apart).
pub mod blob {
    use super::{EffortRow, HrPaceRow};

    #[must_use]
    pub fn f32s(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    #[must_use]
    pub fn to_f32s(b: &[u8]) -> Vec<f32> {
        b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
    }

    fn f64_at(b: &[u8], at: usize) -> f64 {
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[at..at + 8]);
        f64::from_le_bytes(a)
    }

    #[must_use]
    pub fn efforts(v: &[EffortRow]) -> Vec<u8> {
        let mut out = Vec::with_capacity(v.len() * 16);
        for e in v {
            out.extend_from_slice(&e.distance_m.to_le_bytes());
            out.extend_from_slice(&e.time_s.to_le_bytes());
        }
        out
    }

    #[must_use]
    pub fn to_efforts(b: &[u8]) -> Option<Vec<EffortRow>> {
        (b.len() % 16 == 0).then(|| {
            b.chunks_exact(16)
                .map(|c| EffortRow { distance_m: f64_at(c, 0), time_s: f64_at(c, 8) })
                .collect()
        })
    }

    #[must_use]
    pub fn hr_pace(v: &[HrPaceRow]) -> Vec<u8> {
        let mut out = Vec::with_capacity(v.len() * 17);
        for p in v {
            out.push(p.hr);
            out.extend_from_slice(&p.pace_s_per_km.to_le_bytes());
            out.extend_from_slice(&p.seconds.to_le_bytes());
        }
        out
    }

    #[must_use]
    pub fn to_hr_pace(b: &[u8]) -> Option<Vec<HrPaceRow>> {
        (b.len() % 17 == 0).then(|| {
            b.chunks_exact(17)
                .map(|c| HrPaceRow { hr: c[0], pace_s_per_km: f64_at(c, 1), seconds: f64_at(c, 9) })
                .collect()
        })
    }
}

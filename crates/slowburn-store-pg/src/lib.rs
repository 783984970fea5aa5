//! `slowburn-store-pg`: slowburn's store on `PostgreSQL`, for coaches and clubs — many athletes
//! in one database, each [`PgStore`] seeing one athlete's history only.
//!
//! It implements [`slowburn_store::Store`] and [`slowburn_store::Batch`] and passes the same
//! contract suite as the `SQLite` store (`slowburn-store/tests/contract`). The values are kept
//! as `SQLite` keeps them (originals zstd-compressed, histograms and the facts' lists in the
//! same little-endian encodings, dates as `YYYY-MM-DD` text), and [`Store::canonical_dump`]
//! writes the same text as the `SQLite` store's, so a store moved from one to the other can be
//! compared row by row.
//!
//! # Design
//! One connection per store (the synchronous `postgres` client); no pool yet — a server
//! (`slowburn serve`) on `PostgreSQL` will want one, and will add it. A [`Batch`] is one
//! transaction; each of its calls runs in a savepoint, so a call that fails (a unique key met)
//! leaves the batch as it was before the call, as a failed statement does in `SQLite`. Every
//! write that changes derived state's inputs takes the athlete's row of `generations` first and
//! advances it, so two writers for one athlete queue there (for up to
//! [`slowburn_store::BUSY_TIMEOUT_S`], the server's `lock_timeout`) as two `SQLite` writers
//! queue on the store's lock; writers for different athletes never wait for each other.
//!
//! Tenancy: every query names the store's `athlete_id`, and every key starts with it (see
//! [`schema`](crate#schema)); activity ids come from one sequence for the whole database but
//! resolve only within their athlete.

mod access;
mod error;
mod migrate;
mod pool;
mod schema;
#[cfg(feature = "testing")]
pub mod testing;

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;

use postgres::types::{ToSql, Type};
use postgres::{Client, GenericClient, IsolationLevel, NoTls, Row, Statement, Transaction};
use slowburn_store::{
    hex, ActivityData, ActivityRow, AthleteEntryRow, Batch, DailyLog, Date, Derived, DuplicateRow,
    Facts, Filter, Generations, HistoryRow, HistorySnapshot, MetaAdded, MetaRef, NewActivity,
    OriginalRow, PartOf, PeriodRow, PlanRevisionRow, PlanRow, Result, Sha256, Store, StoreError,
    StoredRecording, MAX_SPAN_MS,
};

pub use access::{
    Access, Action, Caller, KeptStanding, Level, Rights, RunSummary, Session, Sharing, Visible,
    SESSION_TTL,
};
pub(crate) use error::pg;
pub use error::redact;
pub use migrate::{migrate_from, MigrateReport};
use pool::Conn;
pub use pool::{Pool, POOL_WAIT};
pub use schema::SCHEMA_VERSION;

/// Prepared statements of one connection, by their SQL.
type Cache = HashMap<String, Statement>;

type Param<'a> = &'a (dyn ToSql + Sync);

/// An athlete's store in a `PostgreSQL` database shared with other athletes.
pub struct PgStore {
    client: RefCell<Conn>,
    cache: RefCell<Cache>,
    athlete: i64,
    name: String,
    /// What the caller may do ([`Rights::ALL`] when opened with [`PgStore::connect`]).
    rights: Rights,
    /// The caller's login, when opened for one ([`PgStore::open_as`]).
    caller: Option<String>,
}

/// How a column's values are bound and dumped.
#[derive(Clone, Copy)]
enum Kind {
    Bytes,
    Int,
    Real,
    Text,
}

impl Kind {
    fn ty(self) -> Type {
        match self {
            Kind::Bytes => Type::BYTEA,
            Kind::Int => Type::INT8,
            Kind::Real => Type::FLOAT8,
            Kind::Text => Type::TEXT,
        }
    }
}

/// The columns written for an activity, in the order of [`activity_values`] (the `SQLite`
/// store's order: the canonical dump lists them so).
const WRITE_COLUMNS: [(&str, Kind); 45] = [
    ("sha256", Kind::Bytes),
    ("part", Kind::Int),
    ("parts", Kind::Int),
    ("source_name", Kind::Text),
    ("format", Kind::Text),
    ("start_ms", Kind::Int),
    ("utc_offset_s", Kind::Int),
    ("sport", Kind::Int),
    ("sub_sport", Kind::Int),
    ("name", Kind::Text),
    ("description", Kind::Text),
    ("gear", Kind::Text),
    ("device", Kind::Text),
    ("duration_s", Kind::Real),
    ("moving_s", Kind::Real),
    ("distance_m", Kind::Real),
    ("ascent_m", Kind::Real),
    ("avg_hr", Kind::Real),
    ("max_hr", Kind::Int),
    ("samples", Kind::Int),
    ("richness", Kind::Real),
    ("summary", Kind::Text),
    ("hr_hist", Kind::Bytes),
    ("pace_hist", Kind::Bytes),
    ("summary_version", Kind::Int),
    ("base_type", Kind::Text),
    ("base_reason", Kind::Text),
    ("confidence", Kind::Real),
    ("settled_hr", Kind::Real),
    ("hr_coverage", Kind::Real),
    ("best_30s_hr", Kind::Real),
    ("best_30min_lthr", Kind::Real),
    ("gap_pace_s_per_km", Kind::Real),
    ("efficiency_factor", Kind::Real),
    ("decoupling_pct", Kind::Real),
    ("best_efforts", Kind::Bytes),
    ("hr_pace", Kind::Bytes),
    ("settled_hr_pace", Kind::Bytes),
    ("run_type", Kind::Text),
    ("reason", Kind::Text),
    ("end_ms", Kind::Int),
    ("channels", Kind::Int),
    ("evidence", Kind::Text),
    ("derived_confidence", Kind::Real),
    ("why", Kind::Text),
];

/// Parameter number of the athlete in the activity writes (after the written columns), and of
/// the activity's id in updates.
const ATHLETE_PARAM: usize = WRITE_COLUMNS.len() + 1;
const ID_PARAM: usize = WRITE_COLUMNS.len() + 2;

/// Position (1-based, as bound) of a column in [`WRITE_COLUMNS`].
fn bind_index(column: &str) -> usize {
    WRITE_COLUMNS.iter().position(|(c, _)| *c == column).map_or(0, |i| i + 1)
}

/// The parameter types of the activity writes: the columns, the athlete, the id.
fn write_types() -> Vec<Type> {
    let mut t: Vec<Type> = WRITE_COLUMNS.iter().map(|(_, k)| k.ty()).collect();
    t.push(Type::INT8);
    t.push(Type::INT8);
    t
}

/// A real as `SQLite` stores it: NaN becomes NULL there, so it does here.
fn real(v: Option<f64>) -> Option<f64> {
    v.filter(|x| !x.is_nan())
}

/// The facts' lists in the encodings every backend uses (`docs/SCHEMA.md`).
use slowburn_store::blob;

/// An activity's values in the order of [`WRITE_COLUMNS`]. At insert and re-analysis the
/// derived type is the base type; the application's refresh then brings it up to date.
fn activity_values(a: &NewActivity) -> Vec<Box<dyn ToSql + Sync>> {
    let f = &a.facts;
    let d = &a.data;
    vec![
        Box::new(a.sha256.to_vec()),
        Box::new(i64::from(a.part.part)),
        Box::new(i64::from(a.part.parts)),
        Box::new(d.source_name.clone()),
        Box::new(d.format.clone()),
        Box::new(d.start_ms),
        Box::new(d.utc_offset_s.map(i64::from)),
        Box::new(d.sport.map(i64::from)),
        Box::new(d.sub_sport.map(i64::from)),
        Box::new(d.name.clone()),
        Box::new(d.description.clone()),
        Box::new(d.gear.clone()),
        Box::new(d.device.clone()),
        Box::new(real(d.duration_s)),
        Box::new(real(d.moving_s)),
        Box::new(real(d.distance_m)),
        Box::new(real(d.ascent_m)),
        Box::new(real(d.avg_hr)),
        Box::new(d.max_hr.map(i64::from)),
        Box::new(d.samples),
        Box::new(real(Some(a.richness))),
        Box::new(a.summary.clone()),
        Box::new(blob::f32s(&a.hr_hist)),
        Box::new(blob::f32s(&a.pace_hist)),
        Box::new(i64::from(f.summary_version)),
        Box::new(f.base_type.clone()),
        Box::new(f.base_reason.clone()),
        Box::new(real(f.confidence)),
        Box::new(real(f.settled_hr)),
        Box::new(real(f.hr_coverage)),
        Box::new(real(f.best_30s_hr)),
        Box::new(real(f.best_30min_lthr)),
        Box::new(real(f.gap_pace_s_per_km)),
        Box::new(real(f.efficiency_factor)),
        Box::new(real(f.decoupling_pct)),
        Box::new(blob::efforts(&f.best_efforts)),
        Box::new(blob::hr_pace(&f.hr_pace)),
        Box::new(blob::hr_pace(&f.settled_hr_pace)),
        Box::new(f.base_type.clone()),
        Box::new(f.base_reason.clone()),
        Box::new(a.end_ms),
        Box::new(i64::from(a.channels)),
        Box::new(f.evidence.clone()),
        Box::new(real(f.confidence)),
        Box::new(None::<String>),
    ]
}

/// `col=$n` for the analysis columns (everything but identity, part, names, label).
fn analysis_set() -> String {
    WRITE_COLUMNS
        .iter()
        .enumerate()
        .filter(|(_, (c, _))| {
            !matches!(
                *c,
                "sha256"
                    | "part"
                    | "parts"
                    | "source_name"
                    | "format"
                    | "name"
                    | "description"
                    | "gear"
            )
        })
        .map(|(i, (c, _))| format!("{c}=${}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sha_of(v: &[u8]) -> Sha256 {
    let mut sha = [0u8; 32];
    if v.len() == 32 {
        sha.copy_from_slice(v);
    }
    sha
}

/// Column `i` of a row (a type mismatch is an error, never a panic).
fn get<'r, T: postgres::types::FromSql<'r>>(r: &'r Row, i: usize) -> Result<T> {
    r.try_get(i).map_err(pg)
}

/// A stored integer as a narrower one (a value out of its range is a corrupt row).
fn narrow<T: TryFrom<i64>>(v: i64, id: i64, what: &'static str) -> Result<T> {
    T::try_from(v).map_err(|_| StoreError::Corrupt {
        id,
        what,
        why: format!("{v} is out of range"),
    })
}

fn narrow_opt<T: TryFrom<i64>>(v: Option<i64>, id: i64, what: &'static str) -> Result<Option<T>> {
    v.map(|v| narrow(v, id, what)).transpose()
}

/// A stored `YYYY-MM-DD` as a date.
fn date_of(text: &str, table: &'static str) -> Result<Date> {
    text.parse::<Date>().map_err(|e| StoreError::BadDate {
        table,
        value: text.to_owned(),
        why: e.to_string(),
    })
}

/// The columns of a [`StoredRecording`], in the order [`stored_from_row`] reads them.
const STORED_COLUMNS: &str = "id, sha256, part, parts, source_name, format, sport, sub_sport, \
     start_ms, end_ms, span_start_ms, span_end_ms, duration_s, samples, richness, channels";

fn stored_from_row(r: &Row) -> Result<StoredRecording> {
    let id: i64 = get(r, 0)?;
    let sha: Vec<u8> = get(r, 1)?;
    Ok(StoredRecording {
        id,
        sha256: sha_of(&sha),
        part: PartOf {
            part: narrow(get(r, 2)?, id, "part")?,
            parts: narrow(get(r, 3)?, id, "parts")?,
        },
        source_name: get(r, 4)?,
        format: get(r, 5)?,
        sport: narrow_opt(get(r, 6)?, id, "sport")?,
        sub_sport: narrow_opt(get(r, 7)?, id, "sub_sport")?,
        start_ms: get(r, 8)?,
        end_ms: get(r, 9)?,
        span_start_ms: get(r, 10)?,
        span_end_ms: get(r, 11)?,
        duration_s: get(r, 12)?,
        samples: get(r, 13)?,
        richness: get(r, 14)?,
        channels: narrow(get(r, 15)?, id, "channels")?,
    })
}

const DUPLICATE_COLUMNS: &str = "sha256, activity_id, source_name, reason, start_ms, end_ms, sport";

fn duplicate_from_row(r: &Row) -> Result<DuplicateRow> {
    let sha: Vec<u8> = get(r, 0)?;
    let id: i64 = get(r, 1)?;
    Ok(DuplicateRow {
        sha256: sha_of(&sha),
        activity_id: id,
        source_name: get(r, 2)?,
        reason: get(r, 3)?,
        start_ms: get(r, 4)?,
        end_ms: get(r, 5)?,
        sport: narrow_opt(get(r, 6)?, id, "duplicate sport")?,
    })
}

/// An activity's columns (0–25); `a` is `activities`.
const ACTIVITY_COLUMNS: &str =
    "a.id, a.sha256, a.source_name, a.format, a.start_ms, a.utc_offset_s, a.sport, \
     a.sub_sport, a.name, a.description, a.gear, a.device, a.duration_s, a.moving_s, a.distance_m, \
     a.ascent_m, a.avg_hr, a.max_hr, a.samples, a.label, a.run_type, a.reason, a.summary_version, \
     (SELECT count(*) FROM duplicates d WHERE d.athlete_id = a.athlete_id AND d.activity_id = a.id), \
     a.derived_confidence, a.why";

fn activity_from_row(r: &Row) -> Result<ActivityRow> {
    let id: i64 = get(r, 0)?;
    let sha: Vec<u8> = get(r, 1)?;
    Ok(ActivityRow {
        id,
        sha256: sha_of(&sha),
        data: ActivityData {
            source_name: get(r, 2)?,
            format: get(r, 3)?,
            start_ms: get(r, 4)?,
            utc_offset_s: narrow_opt(get(r, 5)?, id, "utc_offset_s")?,
            sport: narrow_opt(get(r, 6)?, id, "sport")?,
            sub_sport: narrow_opt(get(r, 7)?, id, "sub_sport")?,
            name: get(r, 8)?,
            description: get(r, 9)?,
            gear: get(r, 10)?,
            device: get(r, 11)?,
            duration_s: get(r, 12)?,
            moving_s: get(r, 13)?,
            distance_m: get(r, 14)?,
            ascent_m: get(r, 15)?,
            avg_hr: get(r, 16)?,
            max_hr: narrow_opt(get(r, 17)?, id, "max_hr")?,
            samples: get(r, 18)?,
        },
        label: get(r, 19)?,
        derived: Derived {
            run_type: get(r, 20)?,
            reason: get(r, 21)?,
            confidence: get(r, 24)?,
            why: get(r, 25)?,
        },
        summary_version: narrow(get(r, 22)?, id, "summary_version")?,
        duplicates: get(r, 23)?,
    })
}

/// [`ACTIVITY_COLUMNS`] (0–25), then the facts (26–39), histograms (40–41) and RPE (42).
fn history_columns() -> String {
    format!(
        "{ACTIVITY_COLUMNS}, a.base_type, a.base_reason, a.confidence, a.settled_hr, \
         a.hr_coverage, a.best_30s_hr, a.best_30min_lthr, a.gap_pace_s_per_km, \
         a.efficiency_factor, a.decoupling_pct, a.best_efforts, a.hr_pace, a.settled_hr_pace, \
         a.evidence, a.hr_hist, a.pace_hist, r.rpe \
         FROM activities a LEFT JOIN activity_rpe r \
         ON r.athlete_id = a.athlete_id AND r.activity_id = a.id"
    )
}

fn history_from_row(r: &Row) -> Result<HistoryRow> {
    let activity = activity_from_row(r)?;
    let id = activity.id;
    let corrupt = |what: &'static str| StoreError::Corrupt { id, what, why: "bad length".into() };
    let efforts = get::<Option<&[u8]>>(r, 36)?
        .map(|b| blob::to_efforts(b).ok_or_else(|| corrupt("best_efforts")))
        .transpose()?;
    let hr_pace = get::<Option<&[u8]>>(r, 37)?
        .map(|b| blob::to_hr_pace(b).ok_or_else(|| corrupt("hr_pace")))
        .transpose()?;
    let settled = get::<Option<&[u8]>>(r, 38)?
        .map(|b| blob::to_hr_pace(b).ok_or_else(|| corrupt("settled_hr_pace")))
        .transpose()?;
    Ok(HistoryRow {
        facts: Facts {
            summary_version: activity.summary_version,
            base_type: get(r, 26)?,
            base_reason: get(r, 27)?,
            confidence: get(r, 28)?,
            settled_hr: get(r, 29)?,
            hr_coverage: get(r, 30)?,
            best_30s_hr: get(r, 31)?,
            best_30min_lthr: get(r, 32)?,
            gap_pace_s_per_km: get(r, 33)?,
            efficiency_factor: get(r, 34)?,
            decoupling_pct: get(r, 35)?,
            best_efforts: efforts.unwrap_or_default(),
            hr_pace: hr_pace.unwrap_or_default(),
            settled_hr_pace: settled.unwrap_or_default(),
            evidence: get(r, 39)?,
        },
        hr_hist: get::<Option<&[u8]>>(r, 40)?.map(blob::to_f32s).unwrap_or_default(),
        pace_hist: get::<Option<&[u8]>>(r, 41)?.map(blob::to_f32s).unwrap_or_default(),
        rpe: get(r, 42)?,
        activity,
    })
}

/// One athlete's view of a connection (or of a transaction on it): every query names
/// `athlete` as `$1`, and prepared statements are kept for the connection.
struct Db<'a, C: GenericClient> {
    c: &'a mut C,
    cache: &'a mut Cache,
    athlete: i64,
}

impl<C: GenericClient> Db<'_, C> {
    fn prepare(&mut self, sql: &str, types: Option<&[Type]>) -> Result<Statement> {
        if let Some(s) = self.cache.get(sql) {
            return Ok(s.clone());
        }
        let s = match types {
            Some(t) => self.c.prepare_typed(sql, t),
            None => self.c.prepare(sql),
        }
        .map_err(pg)?;
        self.cache.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    /// Rows of `sql` with the athlete as `$1` and `rest` as `$2`….
    fn query(&mut self, sql: &str, rest: &[Param<'_>]) -> Result<Vec<Row>> {
        let st = self.prepare(sql, None)?;
        let athlete = self.athlete;
        let mut p: Vec<Param<'_>> = Vec::with_capacity(rest.len() + 1);
        p.push(&athlete);
        p.extend_from_slice(rest);
        self.c.query(&st, &p).map_err(pg)
    }

    fn opt(&mut self, sql: &str, rest: &[Param<'_>]) -> Result<Option<Row>> {
        Ok(self.query(sql, rest)?.into_iter().next())
    }

    fn exec(&mut self, sql: &str, rest: &[Param<'_>]) -> Result<u64> {
        let st = self.prepare(sql, None)?;
        let athlete = self.athlete;
        let mut p: Vec<Param<'_>> = Vec::with_capacity(rest.len() + 1);
        p.push(&athlete);
        p.extend_from_slice(rest);
        self.c.execute(&st, &p).map_err(pg)
    }

    /// Take the athlete's write lock (its row of `generations`) and advance the generation of
    /// derived state's inputs, in the caller's transaction.
    fn bump_inputs(&mut self) -> Result<()> {
        let n = self.exec(
            "UPDATE generations SET inputs = inputs + 1, changes = changes + 1 \
             WHERE athlete_id = $1",
            &[],
        )?;
        if n == 0 {
            return Err(self.no_athlete());
        }
        Ok(())
    }

    /// Advance the athlete's change counter (what the server's kept answers are checked
    /// against), in the caller's transaction: a write that is not an input of derived state.
    fn bump_changes(&mut self) -> Result<()> {
        if self.exec("UPDATE generations SET changes = changes + 1 WHERE athlete_id = $1", &[])?
            == 0
        {
            return Err(self.no_athlete());
        }
        Ok(())
    }

    fn no_athlete(&self) -> StoreError {
        StoreError::Backend {
            what: format!(
                "athlete {} has no generations row: the database is damaged",
                self.athlete
            ),
            environment: false,
        }
    }

    fn activity(&mut self, id: i64) -> Result<ActivityRow> {
        let sql = format!(
            "SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.athlete_id = $1 AND a.id = $2"
        );
        match self.opt(&sql, &[&id])? {
            Some(r) => activity_from_row(&r),
            None => Err(StoreError::NoActivity(id)),
        }
    }

    fn exists(&mut self, id: i64) -> Result<()> {
        match self.opt("SELECT 1 FROM activities WHERE athlete_id = $1 AND id = $2", &[&id])? {
            Some(_) => Ok(()),
            None => Err(StoreError::NoActivity(id)),
        }
    }

    fn has_original(&mut self, sha: &Sha256) -> Result<bool> {
        let sha = &sha[..];
        Ok(self
            .opt("SELECT 1 FROM originals WHERE athlete_id = $1 AND sha256 = $2", &[&sha])?
            .is_some())
    }

    /// `UPDATE activities SET {set} WHERE …`, with `$1`…`$45` bound in the order of
    /// [`WRITE_COLUMNS`].
    fn update(&mut self, id: i64, a: &NewActivity, set: &str) -> Result<()> {
        let sql = format!(
            "UPDATE activities SET {set} WHERE athlete_id = ${ATHLETE_PARAM} AND id = ${ID_PARAM}"
        );
        let st = self.prepare(&sql, Some(&write_types()))?;
        let values = activity_values(a);
        let mut p: Vec<Param<'_>> = values.iter().map(|v| &**v as Param<'_>).collect();
        let athlete = self.athlete;
        p.push(&athlete);
        p.push(&id);
        if self.c.execute(&st, &p).map_err(pg)? == 0 {
            return Err(StoreError::NoActivity(id));
        }
        Ok(())
    }

    fn insert_activity(&mut self, a: &NewActivity) -> Result<i64> {
        let cols: Vec<&str> = WRITE_COLUMNS.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (1..=WRITE_COLUMNS.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO activities (athlete_id, {}, span_start_ms, span_end_ms) \
             VALUES (${ATHLETE_PARAM}, {}, ${}, ${}) RETURNING id",
            cols.join(", "),
            marks.join(", "),
            bind_index("start_ms"),
            bind_index("end_ms"),
        );
        let mut types = write_types();
        types.pop();
        let st = self.prepare(&sql, Some(&types))?;
        let values = activity_values(a);
        let mut p: Vec<Param<'_>> = values.iter().map(|v| &**v as Param<'_>).collect();
        let athlete = self.athlete;
        p.push(&athlete);
        let rows = self.c.query(&st, &p).map_err(pg)?;
        match rows.first() {
            Some(r) => get(r, 0),
            None => Err(StoreError::Backend {
                what: "inserting an activity returned no id".into(),
                environment: false,
            }),
        }
    }

    /// Bring activity `id`'s span up to date: its own recording's and its duplicates' (a part of
    /// a multisport file keeps its own, so a copy of the whole file does not swallow its legs).
    fn refresh_span(&mut self, id: i64) -> Result<()> {
        self.exec(
            "UPDATE activities a SET
               span_start_ms = CASE WHEN a.parts > 1 THEN a.start_ms ELSE least(a.start_ms,
                 (SELECT min(d.start_ms) FROM duplicates d
                  WHERE d.athlete_id = a.athlete_id AND d.activity_id = a.id)) END,
               span_end_ms = CASE WHEN a.parts > 1 THEN a.end_ms ELSE greatest(a.end_ms,
                 (SELECT max(d.end_ms) FROM duplicates d
                  WHERE d.athlete_id = a.athlete_id AND d.activity_id = a.id)) END
             WHERE a.athlete_id = $1 AND a.id = $2",
            &[&id],
        )?;
        Ok(())
    }

    /// The kept recording of activity `id` as a duplicate row of `into` (its own span and sport).
    fn as_duplicate(&mut self, id: i64, into: i64, reason: &str) -> Result<DuplicateRow> {
        let Some(r) = self.opt(
            "SELECT sha256, source_name, start_ms, end_ms, sport FROM activities \
             WHERE athlete_id = $1 AND id = $2",
            &[&id],
        )?
        else {
            return Err(StoreError::NoActivity(id));
        };
        let sha: Vec<u8> = get(&r, 0)?;
        Ok(DuplicateRow {
            sha256: sha_of(&sha),
            activity_id: into,
            source_name: get(&r, 1)?,
            reason: reason.to_owned(),
            start_ms: get(&r, 2)?,
            end_ms: get(&r, 3)?,
            sport: narrow_opt(get(&r, 4)?, id, "sport")?,
        })
    }

    fn write_duplicate(&mut self, d: &DuplicateRow) -> Result<()> {
        let sha = &d.sha256[..];
        let sport = d.sport.map(i64::from);
        self.exec(
            &format!(
                "INSERT INTO duplicates (athlete_id, {DUPLICATE_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (athlete_id, sha256) DO UPDATE SET \
                   activity_id = excluded.activity_id, source_name = excluded.source_name, \
                   reason = excluded.reason, start_ms = excluded.start_ms, \
                   end_ms = excluded.end_ms, sport = excluded.sport"
            ),
            &[&sha, &d.activity_id, &d.source_name, &d.reason, &d.start_ms, &d.end_ms, &sport],
        )?;
        Ok(())
    }

    fn duplicate_of(&mut self, sha: &Sha256) -> Result<Option<i64>> {
        let sha = &sha[..];
        self.opt(
            "SELECT activity_id FROM duplicates WHERE athlete_id = $1 AND sha256 = $2",
            &[&sha],
        )?
        .map(|r| get(&r, 0))
        .transpose()
    }

    fn stored(&mut self, sql: &str, rest: &[Param<'_>]) -> Result<Vec<StoredRecording>> {
        self.query(sql, rest)?.iter().map(stored_from_row).collect()
    }

    fn duplicates(&mut self, sql: &str, id: i64) -> Result<Vec<DuplicateRow>> {
        self.query(sql, &[&id])?.iter().map(duplicate_from_row).collect()
    }
}

/// The store's connection string as named in messages, and the connection.
fn connect_client(url: &str) -> Result<Client> {
    let shown = redact(url);
    let mut config: postgres::Config = url.parse().map_err(|e| StoreError::Backend {
        what: format!("the PostgreSQL address {shown} is not valid: {}", error::chain(&e)),
        environment: false,
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(30));
    }
    if config.get_application_name().is_none() {
        config.application_name("slowburn");
    }
    let mut client = config.connect(NoTls).map_err(|e| {
        let said = match e.as_db_error() {
            Some(db) => db.message().to_owned(),
            None => error::chain(&e),
        };
        StoreError::Backend {
            what: format!("cannot connect to PostgreSQL at {shown}: {said}"),
            environment: true,
        }
    })?;
    // Two writers for one athlete queue on its row of `generations` as two SQLite writers
    // queue on the store's lock, for as long.
    client
        .batch_execute(&format!(
            "SET lock_timeout = '{}s'; SET client_min_messages = warning",
            slowburn_store::BUSY_TIMEOUT_S
        ))
        .map_err(pg)?;
    Ok(client)
}

impl PgStore {
    /// Connect to the database at `url` (`postgres://user:password@host:port/db`, or the
    /// `key=value` form), bring its schema up to date (refusing one newer than this build's,
    /// untouched) and open the store of athlete `athlete`, creating it if it is new.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when the address is not valid or the server cannot be reached
    /// (named without its password), [`StoreError::TooNew`] for a database of a newer schema,
    /// [`StoreError::Migration`] when bringing the schema up to date fails.
    pub fn connect(url: &str, athlete: &str) -> Result<PgStore> {
        if athlete.is_empty() {
            return Err(StoreError::Backend {
                what: "an athlete needs a name to have a store".into(),
                environment: false,
            });
        }
        let mut client = connect_client(url)?;
        schema::migrate(&mut client)?;
        let id = Self::athlete_id_of(&mut client, athlete)?;
        Ok(PgStore {
            client: RefCell::new(Conn::Own(client)),
            cache: RefCell::new(Cache::new()),
            athlete: id,
            name: athlete.to_owned(),
            rights: Rights::ALL,
            caller: None,
        })
    }

    /// Open the store of athlete `athlete`, who must exist: what a command that only reads
    /// opens, so that a mistyped name is an error rather than a new, empty athlete.
    ///
    /// # Errors
    /// As [`PgStore::connect`], and [`StoreError::Backend`] when there is no such athlete.
    pub fn open_existing(url: &str, athlete: &str) -> Result<PgStore> {
        let mut client = connect_client(url)?;
        schema::migrate(&mut client)?;
        let Some(id) = Self::known_athlete(&mut client, athlete)? else {
            return Err(StoreError::Backend {
                what: format!(
                    "there is no athlete {athlete:?} on {}: importing a run creates one",
                    redact(url)
                ),
                environment: false,
            });
        };
        Ok(PgStore {
            client: RefCell::new(Conn::Own(client)),
            cache: RefCell::new(Cache::new()),
            athlete: id,
            name: athlete.to_owned(),
            rights: Rights::ALL,
            caller: None,
        })
    }

    /// The id of athlete `name` with a store (a `generations` row), if there is one. Reads only.
    fn known_athlete(client: &mut Client, name: &str) -> Result<Option<i64>> {
        client
            .query_opt(
                "SELECT a.athlete_id FROM athletes a JOIN generations g USING (athlete_id) \
                 WHERE a.name = $1",
                &[&name],
            )
            .map_err(pg)?
            .map(|r| get(&r, 0))
            .transpose()
    }

    /// The athlete's id, creating the athlete (with a new store, stale once) if it is new.
    /// Reopening an athlete writes nothing.
    fn athlete_id_of(client: &mut Client, name: &str) -> Result<i64> {
        if let Some(id) = Self::known_athlete(client, name)? {
            return Ok(id);
        }
        let mut tx = client.transaction().map_err(pg)?;
        tx.execute(
            "INSERT INTO athletes (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
            &[&name],
        )
        .map_err(pg)?;
        let id: i64 = get(
            &tx.query_one("SELECT athlete_id FROM athletes WHERE name = $1", &[&name])
                .map_err(pg)?,
            0,
        )?;
        // A new store's derived state is computed once (as for a new SQLite store).
        tx.execute(
            "INSERT INTO generations (athlete_id, inputs, derived) VALUES ($1, 1, 0) \
             ON CONFLICT (athlete_id) DO NOTHING",
            &[&id],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)?;
        Ok(id)
    }

    /// The athlete's id in the database (the tenancy key of every row of this store).
    #[must_use]
    pub fn athlete_id(&self) -> i64 {
        self.athlete
    }

    /// The athlete's name, as given to [`PgStore::connect`].
    #[must_use]
    pub fn athlete(&self) -> &str {
        &self.name
    }

    /// Run `f` on the connection (a read, outside any transaction).
    fn read<T>(&self, f: impl FnOnce(&mut Db<'_, Client>) -> Result<T>) -> Result<T> {
        let busy = || StoreError::Backend {
            what: "the store's connection is already in use".into(),
            environment: false,
        };
        let mut client = self.client.try_borrow_mut().map_err(|_| busy())?;
        let mut cache = self.cache.try_borrow_mut().map_err(|_| busy())?;
        f(&mut Db { c: &mut **client, cache: &mut cache, athlete: self.athlete })
    }

    /// Run `f` in one transaction, committed when it succeeds, advancing no counter (`f` does
    /// what it must).
    fn write_unbumped<T>(
        &mut self,
        f: impl FnOnce(&mut Db<'_, Transaction<'_>>) -> Result<T>,
    ) -> Result<T> {
        let athlete = self.athlete;
        let cache = self.cache.get_mut();
        let mut tx = self.client.get_mut().transaction().map_err(pg)?;
        let v = f(&mut Db { c: &mut tx, cache, athlete })?;
        tx.commit().map_err(pg)?;
        Ok(v)
    }

    /// Run `f` in one transaction, committed when it succeeds. With `input`, the change is one
    /// to derived state's inputs: the athlete's write lock is taken and the generation advanced
    /// first.
    fn write<T>(
        &mut self,
        input: bool,
        f: impl FnOnce(&mut Db<'_, Transaction<'_>>) -> Result<T>,
    ) -> Result<T> {
        let athlete = self.athlete;
        let cache = self.cache.get_mut();
        let mut tx = self.client.get_mut().transaction().map_err(pg)?;
        let v = {
            let mut db = Db { c: &mut tx, cache, athlete };
            if input {
                db.bump_inputs()?;
            } else {
                db.bump_changes()?;
            }
            f(&mut db)?
        };
        tx.commit().map_err(pg)?;
        Ok(v)
    }
}

/// An original file for [`PgStore::bulk_insert`]: its hash, name, uncompressed size and
/// compressed bytes (`slowburn_store::compress`).
pub struct BulkOriginal<'a> {
    pub sha256: Sha256,
    pub name: &'a str,
    pub size: usize,
    pub compressed: &'a [u8],
}

impl PgStore {
    /// Load originals and new activities in one transaction with `COPY … (FORMAT binary)`:
    /// the fast path for a bulk load (a migration, a club joining with years of files) where
    /// nothing needs comparing with what is stored. Every activity's original must be in
    /// `originals` or already stored; a file already stored or an activity already there
    /// (same file and part) fails the whole load, leaving the store as it was. Spans are the
    /// recordings' own (no duplicates yet). Returns the activities' ids, in order.
    pub fn bulk_insert(
        &mut self,
        originals: &[BulkOriginal<'_>],
        activities: &[NewActivity],
    ) -> Result<Vec<i64>> {
        self.need(Action::Admin)?;
        let athlete = self.athlete;
        let cache = self.cache.get_mut();
        let mut tx = self.client.get_mut().transaction().map_err(pg)?;
        Db { c: &mut tx, cache, athlete }.bump_inputs()?;
        {
            let w = tx
                .copy_in("COPY originals (athlete_id, sha256, name, size, data) FROM STDIN (FORMAT binary)")
                .map_err(pg)?;
            let mut w = postgres::binary_copy::BinaryCopyInWriter::new(
                w,
                &[Type::INT8, Type::BYTEA, Type::TEXT, Type::INT8, Type::BYTEA],
            );
            for o in originals {
                let size = i64::try_from(o.size).unwrap_or(i64::MAX);
                let sha = &o.sha256[..];
                w.write(&[&athlete, &sha, &o.name, &size, &o.compressed]).map_err(pg)?;
            }
            w.finish().map_err(pg)?;
        }
        let n = i64::try_from(activities.len()).unwrap_or(i64::MAX);
        let ids: Vec<i64> = tx
            .query(
                "SELECT nextval(pg_get_serial_sequence('activities', 'id'))                  FROM generate_series(1, $1::int8)",
                &[&n],
            )
            .map_err(pg)?
            .iter()
            .map(|r| get(r, 0))
            .collect::<Result<_>>()?;
        {
            let cols: Vec<&str> = WRITE_COLUMNS.iter().map(|(c, _)| *c).collect();
            let w = tx
                .copy_in(&format!(
                    "COPY activities (athlete_id, id, {}, span_start_ms, span_end_ms)                      FROM STDIN (FORMAT binary)",
                    cols.join(", ")
                ))
                .map_err(pg)?;
            let mut types = vec![Type::INT8, Type::INT8];
            types.extend(WRITE_COLUMNS.iter().map(|(_, k)| k.ty()));
            types.push(Type::INT8);
            types.push(Type::INT8);
            let mut w = postgres::binary_copy::BinaryCopyInWriter::new(w, &types);
            for (a, id) in activities.iter().zip(&ids) {
                let values = activity_values(a);
                let mut p: Vec<Param<'_>> = Vec::with_capacity(values.len() + 4);
                p.push(&athlete);
                p.push(id);
                p.extend(values.iter().map(|v| &**v as Param<'_>));
                p.push(&a.data.start_ms);
                p.push(&a.end_ms);
                w.write(&p).map_err(pg)?;
            }
            w.finish().map_err(pg)?;
        }
        tx.commit().map_err(pg)?;
        Ok(ids)
    }
}

/// A value of the canonical dump, printed as the `SQLite` store prints rusqlite's `Value` (its
/// derived `Debug`), so the two backends' dumps are the same text.
#[derive(Debug)]
#[allow(dead_code)] // The fields are read by `Debug` only.
enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// Column `i` of a dump row as a [`Value`], by its type.
fn value_at(r: &Row, i: usize) -> Result<Value> {
    let ty = r.columns().get(i).map(|c| c.type_().clone());
    Ok(match ty {
        Some(t) if t == Type::INT8 => get::<Option<i64>>(r, i)?.map_or(Value::Null, Value::Integer),
        Some(t) if t == Type::INT4 => {
            get::<Option<i32>>(r, i)?.map_or(Value::Null, |v| Value::Integer(v.into()))
        }
        Some(t) if t == Type::FLOAT8 => get::<Option<f64>>(r, i)?.map_or(Value::Null, Value::Real),
        Some(t) if t == Type::BYTEA => {
            get::<Option<Vec<u8>>>(r, i)?.map_or(Value::Null, Value::Blob)
        }
        _ => get::<Option<String>>(r, i)?.map_or(Value::Null, Value::Text),
    })
}

/// A real as `SQLite` turns it into text (`printf("%!.15g")`): 15 significant digits, trailing
/// zeros dropped but one kept after the point, exponent form below 1e-4 and from 1e15.
fn sqlite_real_text(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Inf".into() } else { "-Inf".into() };
    }
    if v == 0.0 {
        return "0.0".into();
    }
    // 15 significant digits, rounded half away from zero from the exact expansion (as
    // SQLite's decimal conversion rounds).
    let exact = format!("{:.30e}", v.abs());
    let (mantissa, exp) = exact.split_once('e').unwrap_or((&exact, "0"));
    let mut exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> =
        mantissa.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    let round_up = digits.get(15).is_some_and(|d| *d >= 5);
    // Exactly 15 digits (the expansion above has 31), so the slicing below stays in bounds.
    digits.resize(15, 0);
    if round_up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, 1);
                digits.truncate(15);
                exp += 1;
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let text = |d: &[u8]| d.iter().map(|x| char::from(b'0' + x)).collect::<String>();
    let trim = |s: String| {
        let s = s.trim_end_matches('0').to_owned();
        if s.is_empty() {
            "0".to_owned()
        } else {
            s
        }
    };
    if !(-4..=14).contains(&exp) {
        let frac = trim(text(&digits[1..]));
        let e_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{}.{frac}e{e_sign}{:02}", digits[0], exp.abs());
    }
    let (int, frac) = if exp >= 0 {
        let at = usize::try_from(exp + 1).unwrap_or(0);
        (text(&digits[..at]), text(&digits[at..]))
    } else {
        let zeros = "0".repeat(usize::try_from(-exp - 1).unwrap_or(0));
        ("0".to_owned(), format!("{zeros}{}", text(&digits)))
    };
    format!("{sign}{int}.{}", trim(frac))
}

/// The canonical dump of `db`'s athlete, read on `db`'s connection or transaction (see
/// [`Store::canonical_dump`]).
fn dump<C: GenericClient>(db: &mut Db<'_, C>) -> Result<String> {
    let cols = WRITE_COLUMNS
        .iter()
        .filter(|(c, _)| *c != "sha256")
        .map(|(c, _)| format!("a.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let activities = format!(
        "SELECT upper(encode(a.sha256, 'hex')), {cols}, a.span_start_ms, a.span_end_ms, \
                a.label, \
                (SELECT string_agg(upper(encode(d.sha256, 'hex')) || ':' || d.reason || ':' \
                    || coalesce(d.start_ms::text, '') || ':' || coalesce(d.end_ms::text, '') \
                    || ':' || coalesce(d.sport::text, ''), ',' ORDER BY d.sha256) \
                 FROM duplicates d WHERE d.athlete_id = a.athlete_id AND d.activity_id = a.id), \
                (SELECT rpe FROM activity_rpe r WHERE r.athlete_id = a.athlete_id \
                 AND r.activity_id = a.id) \
         FROM activities a WHERE a.athlete_id = $1 ORDER BY a.sha256, a.part"
    );
    let mut out = String::new();
    {
        for r in db.query(&activities, &[])? {
            for i in 0..r.len() {
                let _ = write!(out, "{:?}\t", value_at(&r, i)?);
            }
            out.push('\n');
        }
        for sql in [
            "SELECT upper(encode(sha256, 'hex')), size, name FROM originals \
             WHERE athlete_id = $1 ORDER BY sha256",
            "SELECT from_date, entry, '' FROM athlete_entries WHERE athlete_id = $1 \
             ORDER BY from_date, id",
            "SELECT from_date, profile, '' FROM profile_periods WHERE athlete_id = $1 \
             ORDER BY from_date",
        ] {
            for r in db.query(sql, &[])? {
                let (a, b, c) = (value_at(&r, 0)?, value_at(&r, 1)?, value_at(&r, 2)?);
                let _ = writeln!(out, "{a:?}\t{b:?}\t{c:?}");
            }
        }
        // The value is made text as SQLite makes it (`coalesce(value, '') || '|' || …`).
        for r in db.query(
            "SELECT date, kind, value, text FROM daily_log WHERE athlete_id = $1 \
             ORDER BY date, kind, value NULLS FIRST, text NULLS FIRST",
            &[],
        )? {
            let value: Option<f64> = get(&r, 2)?;
            let text: Option<String> = get(&r, 3)?;
            let joined = format!(
                "{}|{}",
                value.map(sqlite_real_text).unwrap_or_default(),
                text.unwrap_or_default()
            );
            let (a, b) = (value_at(&r, 0)?, value_at(&r, 1)?);
            let _ = writeln!(out, "{a:?}\t{b:?}\t{:?}", Value::Text(joined));
        }
        for r in db.query(
            "SELECT p.created || '#' || r.revision, r.reason, r.plan FROM plan_revisions r \
             JOIN plans p ON p.athlete_id = r.athlete_id AND p.id = r.plan_id \
             WHERE r.athlete_id = $1 ORDER BY p.created, r.plan, r.revision",
            &[],
        )? {
            let (a, b, c) = (value_at(&r, 0)?, value_at(&r, 1)?, value_at(&r, 2)?);
            let _ = writeln!(out, "{a:?}\t{b:?}\t{c:?}");
        }
    }
    Ok(out)
}

impl Store for PgStore {
    fn integrity_check(&self) -> Result<String> {
        let mut problems: Vec<String> = Vec::new();
        let found = {
            let mut client = self.client.try_borrow_mut().map_err(|_| StoreError::Backend {
                what: "the store's connection is already in use".into(),
                environment: false,
            })?;
            schema::version(&mut **client)?
        };
        if found != Some(SCHEMA_VERSION) {
            problems.push(format!(
                "schema version {} where this build writes {SCHEMA_VERSION}",
                found.map_or_else(|| "none".to_owned(), |v| v.to_string())
            ));
        }
        self.read(|db| {
            if db.opt("SELECT 1 FROM generations WHERE athlete_id = $1", &[])?.is_none() {
                problems.push("the athlete has no generations row".into());
            }
            for (sql, what) in [
                (
                    "SELECT a.id FROM activities a WHERE a.athlete_id = $1 AND NOT EXISTS \
                     (SELECT 1 FROM originals o WHERE o.athlete_id = a.athlete_id \
                      AND o.sha256 = a.sha256) ORDER BY a.id",
                    "activity {} has no original file",
                ),
                (
                    "SELECT d.activity_id FROM duplicates d WHERE d.athlete_id = $1 AND NOT EXISTS \
                     (SELECT 1 FROM originals o WHERE o.athlete_id = d.athlete_id \
                      AND o.sha256 = d.sha256) ORDER BY d.activity_id",
                    "a duplicate of activity {} has no original file",
                ),
                (
                    "SELECT d.activity_id FROM duplicates d WHERE d.athlete_id = $1 AND NOT EXISTS \
                     (SELECT 1 FROM activities a WHERE a.athlete_id = d.athlete_id \
                      AND a.id = d.activity_id) ORDER BY d.activity_id",
                    "a duplicate refers to missing activity {}",
                ),
                (
                    "SELECT a.id FROM activities a WHERE a.athlete_id = $1 AND ( \
                     length(a.hr_hist) % 4 <> 0 OR length(a.pace_hist) % 4 <> 0 \
                     OR length(a.best_efforts) % 16 <> 0 OR length(a.hr_pace) % 17 <> 0 \
                     OR length(a.settled_hr_pace) % 17 <> 0) ORDER BY a.id",
                    "activity {} holds a list of a bad length",
                ),
                (
                    "SELECT 0::int8 FROM originals WHERE athlete_id = $1 AND (size < 0 \
                     OR length(data) = 0) LIMIT 1",
                    "an original file is empty or has a negative size{}",
                ),
            ] {
                for r in db.query(sql, &[])? {
                    let id: i64 = get(&r, 0)?;
                    let shown = if what.ends_with("{}") && id == 0 { String::new() } else { id.to_string() };
                    problems.push(what.replace("{}", &shown));
                }
            }
            Ok(())
        })?;
        Ok(if problems.is_empty() { "ok".to_owned() } else { problems.join("\n") })
    }

    fn has_original(&self, sha: &Sha256) -> Result<bool> {
        self.read(|db| db.has_original(sha))
    }

    fn batch(&mut self) -> Result<Box<dyn Batch + '_>> {
        self.need(Action::Admin)?;
        let athlete = self.athlete;
        let cache = self.cache.get_mut();
        let mut tx = self.client.get_mut().transaction().map_err(pg)?;
        Db { c: &mut tx, cache: &mut *cache, athlete }.bump_inputs()?;
        Ok(Box::new(PgBatch { tx, cache, athlete }))
    }

    fn activities(&self, filter: &Filter) -> Result<Vec<ActivityRow>> {
        let mut sql =
            format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.athlete_id = $1");
        let mut p: Vec<Param<'_>> = Vec::new();
        if let Some(since) = &filter.since_ms {
            p.push(since);
            let _ = write!(sql, " AND a.start_ms >= ${}", p.len() + 1);
        }
        if let Some(until) = &filter.until_ms {
            p.push(until);
            let _ = write!(sql, " AND a.start_ms < ${}", p.len() + 1);
        }
        let sport = filter.sport.map(i64::from);
        if let Some(sport) = &sport {
            p.push(sport);
            let _ = write!(sql, " AND a.sport = ${}", p.len() + 1);
        }
        // SQLite's order: NULL starts first going up, last going down.
        sql.push_str(if filter.newest_first {
            " ORDER BY a.start_ms DESC NULLS LAST, a.id"
        } else {
            " ORDER BY a.start_ms ASC NULLS FIRST, a.id"
        });
        // A negative limit is no limit, as in SQLite.
        let limit = filter.limit.filter(|l| *l >= 0);
        if let Some(limit) = &limit {
            p.push(limit);
            let _ = write!(sql, " LIMIT ${}", p.len() + 1);
        }
        self.read(|db| db.query(&sql, &p)?.iter().map(activity_from_row).collect())
    }

    fn activity(&self, id: i64) -> Result<ActivityRow> {
        self.read(|db| db.activity(id))
    }

    fn activity_summary(&self, id: i64) -> Result<String> {
        self.read(|db| {
            match db
                .opt("SELECT summary FROM activities WHERE athlete_id = $1 AND id = $2", &[&id])?
            {
                Some(r) => get(&r, 0),
                None => Err(StoreError::NoActivity(id)),
            }
        })
    }

    fn history_row(&self, id: i64) -> Result<HistoryRow> {
        let sql = format!("SELECT {} WHERE a.athlete_id = $1 AND a.id = $2", history_columns());
        self.read(|db| match db.opt(&sql, &[&id])? {
            Some(r) => history_from_row(&r),
            None => Err(StoreError::NoActivity(id)),
        })
    }

    fn history(&self, filter: &Filter) -> Result<HistorySnapshot> {
        let mut sql = format!("SELECT {} WHERE a.athlete_id = $1", history_columns());
        let mut p: Vec<Param<'_>> = Vec::new();
        if let Some(since) = &filter.since_ms {
            p.push(since);
            let _ = write!(sql, " AND a.start_ms >= ${}", p.len() + 1);
        }
        if let Some(until) = &filter.until_ms {
            p.push(until);
            let _ = write!(sql, " AND a.start_ms < ${}", p.len() + 1);
        }
        sql.push_str(" ORDER BY a.start_ms ASC NULLS FIRST, a.id");
        let athlete = self.athlete;
        let mut client = self.client.try_borrow_mut().map_err(|_| StoreError::Backend {
            what: "the store's connection is already in use".into(),
            environment: false,
        })?;
        let mut cache = self.cache.try_borrow_mut().map_err(|_| StoreError::Backend {
            what: "the store's connection is already in use".into(),
            environment: false,
        })?;
        // One snapshot: a concurrent import never shows half a batch to a review.
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(pg)?;
        let snapshot = {
            let mut db = Db { c: &mut tx, cache: &mut cache, athlete };
            let activities =
                db.query(&sql, &p)?.iter().map(history_from_row).collect::<Result<Vec<_>>>()?;
            let entries = db
                .query(
                    "SELECT from_date, entry FROM athlete_entries WHERE athlete_id = $1 \
                     ORDER BY from_date, id",
                    &[],
                )?
                .iter()
                .map(|r| {
                    Ok(AthleteEntryRow {
                        from_date: date_of(&get::<String>(r, 0)?, "athlete_entries")?,
                        entry: get(r, 1)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let logs = db
                .query(
                    "SELECT date, kind, value, text FROM daily_log WHERE athlete_id = $1 \
                     ORDER BY date, id",
                    &[],
                )?
                .iter()
                .map(|r| {
                    Ok(DailyLog {
                        date: date_of(&get::<String>(r, 0)?, "daily_log")?,
                        kind: get(r, 1)?,
                        value: get(r, 2)?,
                        text: get(r, 3)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            HistorySnapshot { activities, entries, logs }
        };
        tx.commit().map_err(pg)?;
        Ok(snapshot)
    }

    fn stale_summaries(&self, version: u32) -> Result<Vec<i64>> {
        let version = i64::from(version);
        self.read(|db| {
            db.query(
                "SELECT id FROM activities WHERE athlete_id = $1 AND summary_version < $2 \
                 ORDER BY id",
                &[&version],
            )?
            .iter()
            .map(|r| get(r, 0))
            .collect()
        })
    }

    fn latest_start(&self) -> Result<Option<(i64, Option<i32>)>> {
        self.read(|db| {
            let Some(r) = db.opt(
                "SELECT start_ms, utc_offset_s, id FROM activities \
                 WHERE athlete_id = $1 AND start_ms IS NOT NULL \
                 ORDER BY start_ms DESC LIMIT 1",
                &[],
            )?
            else {
                return Ok(None);
            };
            let id: i64 = get(&r, 2)?;
            Ok(Some((get(&r, 0)?, narrow_opt(get(&r, 1)?, id, "utc_offset_s")?)))
        })
    }

    fn activity_part(&self, id: i64) -> Result<PartOf> {
        self.read(|db| {
            match db.opt(
                "SELECT part, parts FROM activities WHERE athlete_id = $1 AND id = $2",
                &[&id],
            )? {
                Some(r) => Ok(PartOf {
                    part: narrow(get(&r, 0)?, id, "part")?,
                    parts: narrow(get(&r, 1)?, id, "parts")?,
                }),
                None => Err(StoreError::NoActivity(id)),
            }
        })
    }

    fn file_activities(&self, sha: &Sha256) -> Result<Vec<i64>> {
        let sha = &sha[..];
        self.read(|db| {
            db.query(
                "SELECT id FROM activities WHERE athlete_id = $1 AND sha256 = $2 ORDER BY part",
                &[&sha],
            )?
            .iter()
            .map(|r| get(r, 0))
            .collect()
        })
    }

    fn duplicates(&self, id: i64) -> Result<Vec<DuplicateRow>> {
        self.read(|db| {
            db.duplicates(
                &format!(
                    "SELECT {DUPLICATE_COLUMNS} FROM duplicates \
                     WHERE athlete_id = $1 AND activity_id = $2 ORDER BY source_name, sha256"
                ),
                id,
            )
        })
    }

    fn counts(&self) -> Result<(i64, i64, i64)> {
        self.read(|db| {
            let Some(r) = db.opt(
                "SELECT (SELECT count(*) FROM activities WHERE athlete_id = $1), \
                        (SELECT count(*) FROM duplicates WHERE athlete_id = $1), \
                        (SELECT count(*) FROM originals WHERE athlete_id = $1)",
                &[],
            )?
            else {
                return Ok((0, 0, 0));
            };
            Ok((get(&r, 0)?, get(&r, 1)?, get(&r, 2)?))
        })
    }

    fn original_list(&self) -> Result<Vec<OriginalRow>> {
        self.read(|db| {
            db.query(
                "SELECT sha256, name FROM originals WHERE athlete_id = $1 ORDER BY name, sha256",
                &[],
            )?
            .iter()
            .map(|r| {
                let v: Vec<u8> = get(r, 0)?;
                Ok(OriginalRow { sha256: sha_of(&v), name: get(r, 1)? })
            })
            .collect()
        })
    }

    fn original(&self, sha: &Sha256) -> Result<Vec<u8>> {
        let key = &sha[..];
        let (size, data): (i64, Vec<u8>) = self.read(|db| {
            match db.opt(
                "SELECT size, data FROM originals WHERE athlete_id = $1 AND sha256 = $2",
                &[&key],
            )? {
                Some(r) => Ok((get(&r, 0)?, get(&r, 1)?)),
                None => Err(StoreError::Original { sha: hex(sha), why: "not stored".into() }),
            }
        })?;
        zstd::bulk::decompress(&data, usize::try_from(size).unwrap_or(0))
            .map_err(|e| StoreError::Original { sha: hex(sha), why: e.to_string() })
    }

    fn add_athlete_entry(&mut self, from_date: Date, entry: &str) -> Result<()> {
        self.need(Action::Note)?;
        let date = from_date.to_string();
        self.write(true, |db| {
            // The same entry again for its date (a command re-run after it was killed) is the
            // same fact, not a second one: nothing changes unless it differs from the date's
            // latest.
            db.exec(
                "INSERT INTO athlete_entries (athlete_id, from_date, entry) \
                 SELECT $1, $2::text, $3::text WHERE $3::text IS DISTINCT FROM \
                   (SELECT entry FROM athlete_entries WHERE athlete_id = $1 AND from_date = $2::text \
                    ORDER BY id DESC LIMIT 1)",
                &[&date, &entry],
            )?;
            Ok(())
        })
    }

    fn add_daily_log(&mut self, log: &DailyLog) -> Result<()> {
        self.need(Action::Note)?;
        let date = log.date.to_string();
        let value = real(log.value);
        self.write(true, |db| {
            // An identical entry for the day (a re-run) is not logged twice.
            db.exec(
                "INSERT INTO daily_log (athlete_id, date, kind, value, text) \
                 SELECT $1, $2::text, $3::text, $4::float8, $5::text WHERE NOT EXISTS \
                   (SELECT 1 FROM daily_log WHERE athlete_id = $1 AND date = $2::text \
                    AND kind = $3::text AND value IS NOT DISTINCT FROM $4::float8 \
                    AND text IS NOT DISTINCT FROM $5::text)",
                &[&date, &log.kind, &value, &log.text],
            )?;
            Ok(())
        })
    }

    fn set_rpe(&mut self, id: i64, rpe: f64) -> Result<()> {
        self.need(Action::Note)?;
        let rpe = real(Some(rpe));
        self.write(true, |db| {
            db.exists(id)?;
            db.exec(
                "INSERT INTO activity_rpe (athlete_id, activity_id, rpe) VALUES ($1, $2, $3) \
                 ON CONFLICT (athlete_id, activity_id) DO UPDATE SET rpe = excluded.rpe",
                &[&id, &rpe],
            )?;
            Ok(())
        })
    }

    fn set_label(&mut self, id: i64, label: Option<&str>) -> Result<()> {
        self.need(Action::Label)?;
        self.write(true, |db| {
            let n = db.exec(
                "UPDATE activities SET label = $3 WHERE athlete_id = $1 AND id = $2",
                &[&id, &label],
            )?;
            if n == 0 {
                return Err(StoreError::NoActivity(id));
            }
            Ok(())
        })
    }

    fn generations(&self) -> Result<Generations> {
        self.read(|db| {
            match db.opt("SELECT inputs, derived FROM generations WHERE athlete_id = $1", &[])? {
                Some(r) => Ok(Generations { inputs: get(&r, 0)?, derived: get(&r, 1)? }),
                None => Err(db.no_athlete()),
            }
        })
    }

    fn set_derived(
        &mut self,
        updates: &[(i64, Derived)],
        periods: &[PeriodRow],
        inputs_seen: i64,
    ) -> Result<()> {
        self.need(Action::Read)?;
        self.write_unbumped(|db| {
            // Computed from inputs another writer has since changed: that writer's refresh
            // writes the derived state; this one must not overwrite it.
            let Some(row) =
                db.opt("SELECT inputs FROM generations WHERE athlete_id = $1 FOR UPDATE", &[])?
            else {
                return Err(db.no_athlete());
            };
            let inputs: i64 = get(&row, 0)?;
            if inputs != inputs_seen {
                return Ok(());
            }
            // A change only when it writes (a refresh refused here must not drop the server's
            // kept answers).
            db.exec(
                "UPDATE generations SET derived = $2, changes = changes + 1 WHERE athlete_id = $1",
                &[&inputs_seen],
            )?;
            for (id, d) in updates {
                let confidence = real(d.confidence);
                db.exec(
                    "UPDATE activities SET run_type = $3, reason = $4, derived_confidence = $5, \
                     why = $6 WHERE athlete_id = $1 AND id = $2",
                    &[id, &d.run_type, &d.reason, &confidence, &d.why],
                )?;
            }
            db.exec("DELETE FROM profile_periods WHERE athlete_id = $1", &[])?;
            for p in periods {
                let from = p.from_date.to_string();
                db.exec(
                    "INSERT INTO profile_periods (athlete_id, from_date, profile) VALUES ($1, $2, $3)",
                    &[&from, &p.profile],
                )?;
            }
            Ok(())
        })
    }

    fn period_on(&self, date: Date) -> Result<Option<PeriodRow>> {
        let date = date.to_string();
        self.read(|db| {
            db.opt(
                "SELECT from_date, profile FROM profile_periods \
                 WHERE athlete_id = $1 AND from_date <= $2 ORDER BY from_date DESC LIMIT 1",
                &[&date],
            )?
            .map(|r| {
                Ok(PeriodRow {
                    from_date: date_of(&get::<String>(&r, 0)?, "profile_periods")?,
                    profile: get(&r, 1)?,
                })
            })
            .transpose()
        })
    }

    fn canonical_dump(&self) -> Result<String> {
        let athlete = self.athlete;
        let mut client = self.client.try_borrow_mut().map_err(|_| StoreError::Backend {
            what: "the store's connection is already in use".into(),
            environment: false,
        })?;
        let mut cache = self.cache.try_borrow_mut().map_err(|_| StoreError::Backend {
            what: "the store's connection is already in use".into(),
            environment: false,
        })?;
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(pg)?;
        let out = dump(&mut Db { c: &mut tx, cache: &mut cache, athlete })?;
        tx.commit().map_err(pg)?;
        Ok(out)
    }

    fn add_plan(&mut self, created: &str, plan: &str) -> Result<i64> {
        self.need(Action::Plan)?;
        self.write(false, |db| {
            let Some(r) = db.opt(
                "INSERT INTO plans (athlete_id, created) VALUES ($1, $2) RETURNING id",
                &[&created],
            )?
            else {
                return Err(StoreError::Backend {
                    what: "inserting a plan returned no id".into(),
                    environment: false,
                });
            };
            let id: i64 = get(&r, 0)?;
            db.exec(
                "INSERT INTO plan_revisions (athlete_id, plan_id, revision, created, reason, plan) \
                 VALUES ($1, $2, 1, $3, 'created', $4)",
                &[&id, &created, &plan],
            )?;
            Ok(id)
        })
    }

    fn add_plan_revision(
        &mut self,
        id: i64,
        created: &str,
        reason: &str,
        plan: &str,
    ) -> Result<u32> {
        self.need(Action::Plan)?;
        self.write(false, |db| {
            // The plan's row is locked so two revisions at once get two numbers.
            if db
                .opt("SELECT 1 FROM plans WHERE athlete_id = $1 AND id = $2 FOR UPDATE", &[&id])?
                .is_none()
            {
                return Err(StoreError::NoPlan(id));
            }
            let last: Option<i64> = match db.opt(
                "SELECT max(revision) FROM plan_revisions WHERE athlete_id = $1 AND plan_id = $2",
                &[&id],
            )? {
                Some(r) => get(&r, 0)?,
                None => None,
            };
            let Some(last) = last else { return Err(StoreError::NoPlan(id)) };
            let next = last + 1;
            db.exec(
                "INSERT INTO plan_revisions (athlete_id, plan_id, revision, created, reason, plan) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[&id, &next, &created, &reason, &plan],
            )?;
            narrow(next, id, "plan revision")
        })
    }

    fn plans(&self) -> Result<Vec<PlanRow>> {
        self.read(|db| {
            db.query(
                "SELECT p.id, p.created, r.revision, r.created, r.reason, r.plan FROM plans p \
                 JOIN plan_revisions r ON r.athlete_id = p.athlete_id AND r.plan_id = p.id \
                 AND r.revision = (SELECT max(revision) FROM plan_revisions x \
                                   WHERE x.athlete_id = p.athlete_id AND x.plan_id = p.id) \
                 WHERE p.athlete_id = $1 ORDER BY p.id",
                &[],
            )?
            .iter()
            .map(|r| {
                let id: i64 = get(r, 0)?;
                let revision: u32 = narrow(get(r, 2)?, id, "plan revision")?;
                Ok(PlanRow {
                    id,
                    created: get(r, 1)?,
                    revisions: revision,
                    latest: PlanRevisionRow {
                        revision,
                        created: get(r, 3)?,
                        reason: get(r, 4)?,
                        plan: get(r, 5)?,
                    },
                })
            })
            .collect()
        })
    }

    fn plan_revisions(&self, id: i64) -> Result<Vec<PlanRevisionRow>> {
        let out: Vec<PlanRevisionRow> = self.read(|db| {
            db.query(
                "SELECT revision, created, reason, plan FROM plan_revisions \
                 WHERE athlete_id = $1 AND plan_id = $2 ORDER BY revision",
                &[&id],
            )?
            .iter()
            .map(|r| {
                Ok(PlanRevisionRow {
                    revision: narrow(get(r, 0)?, id, "plan revision")?,
                    created: get(r, 1)?,
                    reason: get(r, 2)?,
                    plan: get(r, 3)?,
                })
            })
            .collect()
        })?;
        if out.is_empty() {
            return Err(StoreError::NoPlan(id));
        }
        Ok(out)
    }

    fn delete_plan(&mut self, id: i64) -> Result<()> {
        self.need(Action::Plan)?;
        self.write(false, |db| {
            db.exec("DELETE FROM plan_revisions WHERE athlete_id = $1 AND plan_id = $2", &[&id])?;
            if db.exec("DELETE FROM plans WHERE athlete_id = $1 AND id = $2", &[&id])? == 0 {
                return Err(StoreError::NoPlan(id));
            }
            Ok(())
        })
    }
}

/// One `PostgreSQL` transaction, holding the athlete's write lock from its start.
struct PgBatch<'a> {
    tx: Transaction<'a>,
    cache: &'a mut Cache,
    athlete: i64,
}

impl PgBatch<'_> {
    /// Run `f` in a savepoint: a call that fails is undone alone and the batch goes on, as a
    /// failed statement in an `SQLite` transaction.
    fn step<T>(&mut self, f: impl FnOnce(&mut Db<'_, Transaction<'_>>) -> Result<T>) -> Result<T> {
        let mut sp = self.tx.savepoint("slowburn_step").map_err(pg)?;
        let r = f(&mut Db { c: &mut sp, cache: &mut *self.cache, athlete: self.athlete });
        match r {
            Ok(v) => {
                sp.commit().map_err(pg)?;
                Ok(v)
            }
            Err(e) => {
                let _ = sp.rollback();
                Err(e)
            }
        }
    }
}

impl Batch for PgBatch<'_> {
    fn insert_original(
        &mut self,
        sha: &Sha256,
        name: &str,
        size: usize,
        compressed: &[u8],
    ) -> Result<bool> {
        let sha = &sha[..];
        let size = i64::try_from(size).map_err(|_| StoreError::Original {
            sha: hex(&sha_of(sha)),
            why: format!("{size} bytes is too large"),
        })?;
        self.step(|db| {
            let n = db.exec(
                "INSERT INTO originals (athlete_id, sha256, name, size, data) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (athlete_id, sha256) DO NOTHING",
                &[&sha, &name, &size, &compressed],
            )?;
            Ok(n == 1)
        })
    }

    fn has_original(&mut self, sha: &Sha256) -> Result<bool> {
        self.step(|db| db.has_original(sha))
    }

    fn overlapping(&mut self, start_ms: i64, end_ms: i64) -> Result<Vec<StoredRecording>> {
        let from = start_ms.saturating_sub(MAX_SPAN_MS);
        self.step(|db| {
            db.stored(
                &format!(
                    "SELECT {STORED_COLUMNS} FROM activities WHERE athlete_id = $1 \
                     AND span_start_ms BETWEEN $2 AND $3 AND span_end_ms >= $4 \
                     ORDER BY span_start_ms, id"
                ),
                &[&from, &end_ms, &start_ms],
            )
        })
    }

    fn file_parts(&mut self, sha: &Sha256) -> Result<Vec<StoredRecording>> {
        let sha = &sha[..];
        self.step(|db| {
            db.stored(
                &format!(
                    "SELECT {STORED_COLUMNS} FROM activities WHERE athlete_id = $1 AND sha256 = $2 \
                     ORDER BY part"
                ),
                &[&sha],
            )
        })
    }

    fn duplicates_of(&mut self, id: i64) -> Result<Vec<DuplicateRow>> {
        self.step(|db| {
            db.duplicates(
                &format!(
                    "SELECT {DUPLICATE_COLUMNS} FROM duplicates \
                     WHERE athlete_id = $1 AND activity_id = $2 ORDER BY sha256"
                ),
                id,
            )
        })
    }

    fn insert_activity(&mut self, a: &NewActivity) -> Result<i64> {
        self.step(|db| db.insert_activity(a))
    }

    fn replace_activity(&mut self, id: i64, a: &NewActivity, reason: &str) -> Result<()> {
        self.step(|db| {
            let old = db.as_duplicate(id, id, reason)?;
            db.update(
                id,
                a,
                &format!(
                    "sha256=${}, part=${}, parts=${}, source_name=${}, format=${}, \
                     name=coalesce(${n}, name), description=coalesce(${d}, description), \
                     gear=coalesce(${g}, gear), {}",
                    bind_index("sha256"),
                    bind_index("part"),
                    bind_index("parts"),
                    bind_index("source_name"),
                    bind_index("format"),
                    analysis_set(),
                    n = bind_index("name"),
                    d = bind_index("description"),
                    g = bind_index("gear"),
                ),
            )?;
            // The new recording is no longer a duplicate of anything.
            let sha = &a.sha256[..];
            db.exec("DELETE FROM duplicates WHERE athlete_id = $1 AND sha256 = $2", &[&sha])?;
            if old.sha256 != a.sha256 {
                db.write_duplicate(&old)?;
            }
            db.refresh_span(id)
        })
    }

    fn merge_activity(&mut self, from: i64, into: i64, reason: Option<&str>) -> Result<()> {
        if from == into {
            return Ok(());
        }
        self.step(|db| {
            let kept = db.as_duplicate(from, into, reason.unwrap_or_default())?;
            db.exists(into)?;
            db.exec(
                "UPDATE duplicates SET activity_id = $3 WHERE athlete_id = $1 AND activity_id = $2",
                &[&from, &into],
            )?;
            db.exec(
                "UPDATE activities a SET label = coalesce(a.label, f.label), \
                   name = coalesce(a.name, f.name), \
                   description = coalesce(a.description, f.description), \
                   gear = coalesce(a.gear, f.gear) \
                 FROM activities f \
                 WHERE a.athlete_id = $1 AND a.id = $3 AND f.athlete_id = $1 AND f.id = $2",
                &[&from, &into],
            )?;
            db.exec(
                "INSERT INTO activity_rpe (athlete_id, activity_id, rpe) \
                 SELECT $1, $3::int8, rpe FROM activity_rpe WHERE athlete_id = $1 AND activity_id = $2 \
                 ON CONFLICT (athlete_id, activity_id) DO NOTHING",
                &[&from, &into],
            )?;
            db.exec("DELETE FROM activity_rpe WHERE athlete_id = $1 AND activity_id = $2", &[&from])?;
            db.exec("DELETE FROM activities WHERE athlete_id = $1 AND id = $2", &[&from])?;
            if reason.is_some() {
                db.write_duplicate(&kept)?;
            }
            db.refresh_span(into)
        })
    }

    fn update_analysis(&mut self, id: i64, a: &NewActivity) -> Result<()> {
        self.step(|db| {
            db.update(id, a, &analysis_set())?;
            db.refresh_span(id)
        })
    }

    fn split_activity(&mut self, id: i64, parts: &[NewActivity]) -> Result<Vec<i64>> {
        let Some(first) = parts.first() else { return Ok(vec![id]) };
        self.step(|db| {
            db.update(
                id,
                first,
                &format!(
                    "part=${}, parts=${}, {}",
                    bind_index("part"),
                    bind_index("parts"),
                    analysis_set()
                ),
            )?;
            db.refresh_span(id)?;
            let mut ids = vec![id];
            for a in &parts[1..] {
                ids.push(db.insert_activity(a)?);
            }
            Ok(ids)
        })
    }

    fn add_daily_log(&mut self, log: &DailyLog) -> Result<()> {
        let date = log.date.to_string();
        let value = real(log.value);
        self.step(|db| {
            db.exec(
                "INSERT INTO daily_log (athlete_id, date, kind, value, text) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[&date, &log.kind, &value, &log.text],
            )?;
            Ok(())
        })
    }

    fn insert_duplicate(&mut self, d: &DuplicateRow) -> Result<()> {
        self.step(|db| {
            let before = db.duplicate_of(&d.sha256)?;
            db.write_duplicate(d)?;
            if let Some(b) = before.filter(|b| *b != d.activity_id) {
                db.refresh_span(b)?;
            }
            db.refresh_span(d.activity_id)
        })
    }

    fn add_meta(&mut self, id: i64, meta: MetaRef<'_>) -> Result<MetaAdded> {
        self.step(|db| {
            let Some(r) = db.opt(
                "SELECT name, description, gear FROM activities WHERE athlete_id = $1 AND id = $2",
                &[&id],
            )?
            else {
                return Err(StoreError::NoActivity(id));
            };
            let (name, description, gear): (Option<String>, Option<String>, Option<String>) =
                (get(&r, 0)?, get(&r, 1)?, get(&r, 2)?);
            let added = MetaAdded {
                name: name.is_none() && meta.name.is_some(),
                description: description.is_none() && meta.description.is_some(),
                gear: gear.is_none() && meta.gear.is_some(),
            };
            if added.any() {
                db.exec(
                    "UPDATE activities SET name = coalesce(name, $3), \
                     description = coalesce(description, $4), gear = coalesce(gear, $5) \
                     WHERE athlete_id = $1 AND id = $2",
                    &[&id, &meta.name, &meta.description, &meta.gear],
                )?;
            }
            Ok(added)
        })
    }

    fn activity_of(&mut self, sha: &Sha256) -> Result<Option<i64>> {
        let sha = &sha[..];
        self.step(|db| {
            db.opt(
                "SELECT id FROM activities WHERE athlete_id = $1 AND sha256 = $2 \
                 ORDER BY part LIMIT 1",
                &[&sha],
            )?
            .map(|r| get(&r, 0))
            .transpose()
        })
    }

    fn duplicate_of(&mut self, sha: &Sha256) -> Result<Option<i64>> {
        self.step(|db| db.duplicate_of(sha))
    }

    fn commit(self: Box<Self>) -> Result<()> {
        // The generation was advanced when the batch began (taking the athlete's lock).
        self.tx.commit().map_err(pg)
    }
}

#[cfg(test)]
mod tests {
    use super::sqlite_real_text;

    #[test]
    fn reals_become_text_as_in_sqlite() {
        for (v, t) in [
            (48.0, "48.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1.0 / 3.0, "0.333333333333333"),
            (2.0 / 3.0, "0.666666666666667"),
            (1e20, "1.0e+20"),
            (1e-5, "1.0e-05"),
            (0.0001, "0.0001"),
            (123_456_789_012_345.0, "123456789012345.0"),
            (1_234_567_890_123_456.0, "1.23456789012346e+15"),
            (999_999_999_999_999.9, "1.0e+15"),
            (1_234_567_890_123_445.0, "1.23456789012345e+15"),
            (0.300_000_000_000_000_04, "0.3"),
            (1e14, "100000000000000.0"),
            (-0.0, "0.0"),
            (f64::INFINITY, "Inf"),
            (f64::NEG_INFINITY, "-Inf"),
        ] {
            assert_eq!(sqlite_real_text(v), t, "{v}");
        }
    }
}

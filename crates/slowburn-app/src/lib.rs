//! `slowburn-app`: the application layer between the store and every view. It loads the
//! history, resolves the one dated profile, keeps derived state current, wires core's analysis
//! into import, and has one use-case function per view returning its view model
//! (`slowburn-report` renders them). The CLI and the web server are thin fronts over [`App`].
//!
//! # Design
//! - One profile resolver ([`history::Profiles`]) for every command and for classification.
//! - Derived state (each run's final type) is refreshed by every command that changes a fact
//!   (import, label, profile entry, log) before it returns ([`refresh`]); a stored summary of an
//!   older version is re-analysed from its original when the store is opened.
//! - One run has one type, one intensity domain and one load, computed in one place
//!   ([`App::run_row`] over core's `assess`) and shown identically by every view.
//! - No printing, no argument parsing, no HTTP; "today" is passed in, never read here.

pub mod analyser;
pub mod config;
pub mod history;
pub mod plans;
pub mod refresh;
pub mod standing;
pub mod streams;

use std::path::{Path, PathBuf};

use jiff::civil::{Date, Weekday};
use slowburn_core::classify::{Reason, RunType};
use slowburn_core::review::{self, ActivityInput, ProfilePeriod, RecoveryCeiling, ReviewSettings};
use slowburn_core::summary;
use slowburn_core::trends::{self, TrendSettings};
use slowburn_core::zones::{pace_for_hr_range, pace_zones, Purpose};
use slowburn_core::{Profile, ProfileEntry};
use slowburn_import::{ImportError, Options, Progress, Report};
use slowburn_report::views::{
    ActivityDetail, AthleteView, ChangeView, MaxHrExceeded, ProfileUsed, ReviewView, RunRow,
    RunsView, TrendsView, VerdictView, ZoneBreakdown, ZoneRow, ZonesView,
};
use slowburn_store::{ActivityRow, DailyLog, Filter, PeriodRow, Store, StoreError};

pub use analyser::CoreAnalyser;
pub use config::{Config, ZoneModelName, Zoning};
use history::{add_days, History, Profiles, RunFacts};

/// Errors of the application layer.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("the configuration {path}: {why}")]
    Config { path: String, why: String },
    /// A value the user gave is not acceptable; the message names it and what is.
    #[error("{0}")]
    Input(String),
    #[error("{0}")]
    Corrupt(String),
}

pub type Result<T> = std::result::Result<T, AppError>;

/// FIT sport number of running.
const RUNNING: u8 = 1;

/// The resting heart rate the load model assumes when none is known, bpm.
const ASSUMED_RESTING_HR: u8 = slowburn_core::load::ASSUMED_RESTING_HR as u8;

/// `runs`: which activities.
#[derive(Debug, Clone, Default)]
pub struct RunsQuery {
    pub since: Option<Date>,
    pub until: Option<Date>,
    /// A FIT sport number.
    pub sport: Option<u8>,
    /// The newest N.
    pub limit: Option<i64>,
}

/// How weeks are reviewed (flags; the config file fills what they leave open).
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    pub week_start: Option<Weekday>,
    /// Judge recovery days against the easy domain instead of Zone 1.
    pub recovery_easy: bool,
    pub model: Option<ZoneModelName>,
}

/// `review`: which weeks.
#[derive(Debug, Clone, Default)]
pub struct ReviewQuery {
    pub weeks: u32,
    pub since: Option<Date>,
    pub until: Option<Date>,
    pub options: ReviewOptions,
}

/// `trends`: which months.
#[derive(Debug, Clone, Default)]
pub struct TrendsQuery {
    pub months: u32,
    pub since: Option<Date>,
    pub until: Option<Date>,
    pub hr: Option<u8>,
    pub compare: u8,
    pub model: Option<ZoneModelName>,
}

/// `zones`: which model, on which day.
#[derive(Debug, Clone, Default)]
pub struct ZonesQuery {
    pub model: Option<ZoneModelName>,
    pub bounds: Vec<u8>,
    pub vt1: Option<u8>,
    pub date: Option<Date>,
}

/// What an import did, and what it brought up to date.
#[derive(Debug, serde::Serialize)]
pub struct ImportOutcome {
    #[serde(flatten)]
    pub report: Report,
    /// Runs whose derived type changed with what was imported.
    pub retyped: usize,
}

/// What `export-originals` did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ExportOutcome {
    /// Files written.
    pub written: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Originals already in the folder, byte-identical (not written again).
    pub already_there: usize,
}

/// The application over one athlete's store.
pub struct App {
    store: Box<dyn Store>,
    config: Config,
    today: Date,
}

fn date_ms(d: Date) -> Result<i64> {
    d.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_millisecond())
        .map_err(|e| AppError::Input(format!("date {d}: {e}")))
}

fn check_range(since: Option<Date>, until: Option<Date>) -> Result<()> {
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(AppError::Input(format!("--since {s} is after --until {u}")));
        }
    }
    Ok(())
}

impl App {
    /// The application over `store`, with `config`, on the athlete's local `today`. Summaries
    /// stored by an older version are re-analysed from their originals first.
    pub fn open(store: Box<dyn Store>, config: Config, today: Date) -> Result<App> {
        let mut app = App { store, config, today };
        let stale = app.store.stale_summaries(summary::SUMMARY_VERSION)?;
        if !stale.is_empty() {
            let analyser = app.analyser()?;
            slowburn_import::reanalyze_activities(app.store.as_mut(), &analyser, &stale)?;
            app.refresh()?;
        } else if app.store.generations()?.stale() {
            // A change whose refresh never ran (the process was killed between them).
            app.refresh()?;
        }
        Ok(app)
    }

    /// The store (for what the views do not cover: integrity checks, tests).
    #[must_use]
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Does the store hold no activity yet?
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.store.counts()?.0 == 0)
    }

    #[must_use]
    pub fn today(&self) -> Date {
        self.today
    }

    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn analyser(&self) -> Result<CoreAnalyser> {
        let h = self.history(&Filter { since_ms: Some(i64::MAX), ..Filter::default() })?;
        Ok(CoreAnalyser::new(h.athlete))
    }

    fn history(&self, filter: &Filter) -> Result<History> {
        let snap = self.store.history(filter)?;
        let latest = self.store.latest_start()?.and_then(|(ms, off)| history::local_date(ms, off));
        History::from_snapshot(snap, latest)
    }

    fn zoning(&self, model: Option<ZoneModelName>) -> Result<Zoning> {
        self.config.zoning(model, &[], None)
    }

    // -----------------------------------------------------------------------------------------
    // Changes: each brings derived state up to date before it returns.

    /// Bring every run's derived type up to date; returns how many changed.
    pub fn refresh(&mut self) -> Result<usize> {
        // Read before the history: a change landing in between leaves derived state marked
        // stale (refreshed again on the next open), never marked fresh over an unseen input.
        let seen = self.store.generations()?.inputs;
        let h = self.history(&Filter::default())?;
        let profiles = Profiles::resolve(&h, &self.zoning(None)?, &[]);
        let changes = refresh::changes(&h, &profiles);
        let periods: Vec<PeriodRow> = profiles
            .profiles
            .iter()
            .map(|p| {
                serde_json::to_string(p)
                    .map(|profile| PeriodRow { from_date: p.date, profile })
                    .map_err(|e| AppError::Corrupt(format!("profile of {}: {e}", p.date)))
            })
            .collect::<Result<_>>()?;
        self.store.set_derived(&changes, &periods, seen)?;
        Ok(changes.len())
    }

    /// Import everything under `paths`.
    pub fn import(
        &mut self,
        paths: &[PathBuf],
        progress: &dyn Progress,
        batch_size: usize,
    ) -> Result<ImportOutcome> {
        self.import_under(paths, None, progress, batch_size)
    }

    /// [`App::import`], naming what lies under `root` (an upload's temporary folder) by its
    /// path inside it.
    pub fn import_under(
        &mut self,
        paths: &[PathBuf],
        root: Option<&Path>,
        progress: &dyn Progress,
        batch_size: usize,
    ) -> Result<ImportOutcome> {
        let analyser = self.analyser()?;
        let report = slowburn_import::import_under(
            self.store.as_mut(),
            paths,
            root,
            &analyser,
            progress,
            Options { batch_size },
        )?;
        let retyped = self.refresh()?;
        Ok(ImportOutcome { report, retyped })
    }

    /// Re-analyse every activity from its original; returns (re-analysed, re-typed).
    pub fn reanalyze(&mut self) -> Result<(usize, usize)> {
        let analyser = self.analyser()?;
        let n = slowburn_import::reanalyze(self.store.as_mut(), &analyser)?;
        Ok((n, self.refresh()?))
    }

    /// Label a run (or, with `None`, let it be classified again).
    pub fn label(&mut self, id: i64, label: Option<RunType>) -> Result<ChangeView> {
        self.store.set_label(id, label.map(RunType::name))?;
        let retyped = self.refresh()?;
        let message = match label {
            None => format!("activity {id} is classified automatically again"),
            Some(t) => {
                let w = t.words();
                let article = if w.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                format!("activity {id} is {article} {w} run from now on")
            }
        };
        Ok(ChangeView { message, retyped })
    }

    /// Add a dated profile entry, after checking its values are plausible.
    pub fn athlete_set(&mut self, entry: &ProfileEntry) -> Result<ChangeView> {
        check_entry(entry, self.today)?;
        let json = serde_json::to_string(entry)
            .map_err(|e| AppError::Input(format!("the entry cannot be stored: {e}")))?;
        self.store.add_athlete_entry(entry.from, &json)?;
        let retyped = self.refresh()?;
        Ok(ChangeView { message: format!("saved; in force from {}", entry.from), retyped })
    }

    /// Log a morning resting heart rate.
    pub fn log_rhr(&mut self, bpm: u8, date: Option<Date>) -> Result<ChangeView> {
        if !(25..=120).contains(&bpm) {
            return Err(AppError::Input(format!(
                "resting heart rate {bpm} bpm is outside 25–120 bpm"
            )));
        }
        let d = date.unwrap_or(self.today);
        self.store.add_daily_log(&DailyLog {
            date: d,
            kind: "rhr".into(),
            value: Some(f64::from(bpm)),
            text: None,
        })?;
        let retyped = self.refresh()?;
        Ok(ChangeView { message: format!("resting heart rate {bpm} bpm logged for {d}"), retyped })
    }

    /// Log a session RPE (CR-10).
    pub fn log_rpe(&mut self, id: i64, rpe: f64) -> Result<ChangeView> {
        if !(0.0..=10.0).contains(&rpe) {
            return Err(AppError::Input(format!("RPE {rpe} is outside the CR-10 scale (0–10)")));
        }
        self.store.set_rpe(id, rpe)?;
        let retyped = self.refresh()?;
        Ok(ChangeView { message: format!("session RPE {rpe} logged for activity {id}"), retyped })
    }

    /// Log a note (`kind`: illness, fatigue, …).
    pub fn log_note(
        &mut self,
        text: &str,
        kind: Option<&str>,
        date: Option<Date>,
    ) -> Result<ChangeView> {
        let d = date.unwrap_or(self.today);
        self.store.add_daily_log(&DailyLog {
            date: d,
            kind: "note".into(),
            value: None,
            text: Some(format!("{}: {text}", kind.unwrap_or("note"))),
        })?;
        Ok(ChangeView { message: format!("note logged for {d}"), retyped: 0 })
    }

    /// Write every original back, byte-identical, into `dir`. Idempotent: a file already there
    /// with the same bytes is left alone (and counted), never written twice; a different file
    /// of the same name is kept and the original goes beside it under a name with its hash.
    pub fn export_originals(&self, dir: &Path) -> Result<ExportOutcome> {
        let io =
            |path: &Path, e: std::io::Error| AppError::Input(format!("{}: {e}", path.display()));
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let mut out = ExportOutcome::default();
        let mut used = std::collections::HashSet::new();
        for o in self.store.original_list()? {
            let bytes = self.store.original(&o.sha256)?;
            let plain = export_name(&o.name);
            let hashed = format!("{}-{plain}", &slowburn_store::hex(&o.sha256)[..12]);
            // The first of its two names that holds it already, or is free.
            let mut target = None;
            let mut there = false;
            for name in [plain, hashed] {
                let path = dir.join(&name);
                match std::fs::read(&path) {
                    Ok(existing) if existing == bytes => {
                        there = true;
                        break;
                    }
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&path, e)),
                    Err(_) if used.insert(name) => {
                        target = Some(path);
                        break;
                    }
                    // Another file holds the name (or this export gave it away): next name.
                    Ok(_) | Err(_) => {}
                }
            }
            if there {
                out.already_there += 1;
                continue;
            }
            let Some(path) = target else {
                return Err(AppError::Input(format!(
                    "{}: no free name for {} (both names it can take hold other files)",
                    dir.display(),
                    o.name
                )));
            };
            let write = || -> std::io::Result<()> {
                use std::io::Write as _;
                let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
                f.write_all(&bytes)?;
                f.sync_all()
            };
            write().map_err(|e| io(&path, e))?;
            out.written += 1;
            out.bytes += bytes.len() as u64;
        }
        Ok(out)
    }

    // -----------------------------------------------------------------------------------------
    // Views.

    fn settings(&self, o: &ReviewOptions) -> Result<ReviewSettings> {
        Ok(ReviewSettings {
            week_start: self.config.week_start(o.week_start)?,
            recovery_ceiling: if o.recovery_easy {
                RecoveryCeiling::Easy
            } else {
                RecoveryCeiling::Zone1
            },
            ..ReviewSettings::default()
        })
    }

    /// One activity as every list shows it: the final type, the session's domain and its load
    /// from core's assessment with the period in force on its date.
    fn run_row(
        row: &ActivityRow,
        run: Option<(&ActivityInput, &RunFacts)>,
        period: Option<&ProfilePeriod>,
        settings: &ReviewSettings,
    ) -> RunRow {
        use slowburn_report::format;
        let d = &row.data;
        let pace = match (d.distance_m, d.moving_s.or(d.duration_s)) {
            (Some(m), Some(s)) if m > 0.0 && s > 0.0 => Some(s / (m / 1000.0)),
            _ => None,
        };
        let assessed = run.map(|(a, _)| review::assess(a, period, settings));
        let (run_type, reason, confidence, why) = match run {
            Some((_, f)) if f.label.is_some() => (
                f.label.map(|t| t.name().to_owned()),
                Some("user_label".to_owned()),
                Some(1.0),
                Some("your label".to_owned()),
            ),
            Some((_, f)) => (
                f.derived.as_ref().map(|t| t.run_type.name().to_owned()),
                f.derived.as_ref().map(|t| t.reason.name().to_owned()),
                f.derived.as_ref().and_then(|t| t.confidence).or(f.confidence),
                f.derived.as_ref().and_then(|t| t.why.clone()),
            ),
            None => (
                row.label.clone().or(row.derived.run_type.clone()),
                row.derived.reason.clone(),
                row.derived.confidence,
                row.derived.why.clone(),
            ),
        };
        // A running session's intensity domain: a ride's speed against running pace zones says
        // nothing (it read "a hard session").
        let intensity = assessed
            .as_ref()
            .and_then(|a| a.session)
            .filter(|_| {
                run_type.as_deref().and_then(RunType::from_name).is_none_or(RunType::is_run)
            })
            .map(|s| s.name().to_owned());
        RunRow {
            id: row.id,
            start_utc: d.start_ms.map(format::utc),
            start_local: match (d.start_ms, d.utc_offset_s) {
                (Some(t), Some(o)) => Some(format::local(t, o)),
                _ => None,
            },
            sport: d.sport.map(|s| {
                slowburn_formats::fit::names::sport(s).map_or_else(|| s.to_string(), str::to_owned)
            }),
            name: d.name.clone(),
            label: row.label.clone(),
            run_type,
            reason,
            confidence,
            why,
            intensity,
            load: assessed.as_ref().map(|a| a.load.trimp),
            load_method: assessed.as_ref().map(|a| a.load.method.name().to_owned()),
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
            sha256: slowburn_store::hex(&row.sha256),
            duplicates: row.duplicates,
        }
    }

    /// `runs`: one read of the history, filtered by local date, sport and count.
    pub fn runs(&self, q: &RunsQuery) -> Result<RunsView> {
        check_range(q.since, q.until)?;
        let h = self.history(&Filter::default())?;
        let profiles = Profiles::resolve(&h, &self.zoning(None)?, &[]);
        let settings = self.settings(&ReviewOptions::default())?;
        let in_range = |d: Date| q.since.is_none_or(|s| d >= s) && q.until.is_none_or(|u| d <= u);
        let sport_ok = |row: &ActivityRow| q.sport.is_none_or(|s| row.data.sport == Some(s));
        let dated = h.activities.iter().zip(&h.facts).zip(&h.rows).filter(|((a, _), row)| {
            // `running` is what every review counts as running (a file without a sport that
            // was run included, a walk recorded as running excluded), so the counts agree.
            in_range(a.date)
                && if q.sport == Some(RUNNING) { a.is_running() } else { sport_ok(row) }
        });
        let mut runs: Vec<RunRow> = h
            .undated
            .iter()
            .filter(|row| q.since.is_none() && q.until.is_none() && sport_ok(row))
            .map(|row| Self::run_row(row, None, None, &settings))
            .collect();
        runs.extend(dated.map(|((a, f), row)| {
            let period = profiles.on(a.date).map(|p| p.0);
            Self::run_row(row, Some((a, f)), period, &settings)
        }));
        if let Some(n) = q.limit {
            let keep = usize::try_from(n.max(0)).unwrap_or(usize::MAX);
            runs.drain(..runs.len().saturating_sub(keep));
        }
        Ok(RunsView { runs })
    }

    /// The history a view about `date` needs: the 13 months up to the end of its month (what
    /// the estimates look at), so one activity costs the same whatever the history's size.
    fn history_around(&self, date: Date) -> Result<History> {
        let since = add_days(date.first_of_month(), -400);
        let until = add_days(date.last_of_month(), 1);
        self.history(&Filter {
            since_ms: Some(date_ms(since)?),
            until_ms: Some(date_ms(until)?),
            ..Filter::default()
        })
    }

    /// `show ID`.
    pub fn activity(&self, id: i64) -> Result<ActivityDetail> {
        let row = self.store.activity(id)?;
        let settings = self.settings(&ReviewOptions::default())?;
        let zoning = self.zoning(None)?;
        let mut s = summary::decode(&self.store.activity_summary(id)?)
            .map_err(|e| AppError::Corrupt(format!("activity {id}: {e}")))?;
        let one = history::run_of(self.store.history_row(id)?).ok();
        // The profile of the run's date as the last refresh resolved it (derived state), so one
        // activity costs the same whatever the history's size; without one, resolve it from
        // the 13 months the estimates look at.
        let profiles = match &one {
            Some((a, _, _)) => match self.store.period_on(a.date)? {
                Some(p) => {
                    let profile: Profile = serde_json::from_str(&p.profile).map_err(|e| {
                        AppError::Corrupt(format!("stored profile from {}: {e}", p.from_date))
                    })?;
                    Profiles::from_profiles(vec![profile], &zoning)
                }
                None => Profiles::resolve(&self.history_around(a.date)?, &zoning, &[]),
            },
            None => Profiles::from_profiles(Vec::new(), &zoning),
        };
        let run = one.as_ref().map(|(a, f, _)| (a, f));
        let on = run.and_then(|(a, _)| profiles.on(a.date));
        let period = on.map(|p| p.0);
        let r = Self::run_row(&row, run, period, &settings);
        let table = period.and_then(|p| p.zones.as_ref());
        let profile = on.map(|p| p.1);
        // The stored figures that depend on zones and load, re-zoned to the profile used.
        let mut zones = ZoneBreakdown {
            model: None,
            zones: Vec::new(),
            domains: [0.0; 3],
            grey_band: None,
            grey_s: 0.0,
            missing: None,
        };
        let mut verdicts = Vec::new();
        if let Some((a, _)) = run {
            let banister =
                (r.load_method.as_deref() == Some("heart_rate")).then_some(r.load).flatten();
            if let Some(m) = s.metrics.as_mut() {
                slowburn_core::metrics::rezone(
                    m,
                    &a.hr_hist,
                    table,
                    profile.and_then(Profile::max_hr).map(f64::from),
                    banister,
                );
            }
            let covers = a.hr_coverage >= slowburn_core::classify::MIN_HR_COVERAGE_TO_TYPE;
            match table.filter(|_| covers) {
                None if table.is_some() => {
                    zones.missing = Some(format!(
                        "heart rate covers only {:.0} % of the run: too little to place it in zones",
                        a.hr_coverage * 100.0
                    ));
                }
                Some(t) => {
                    zones.model = Some(t.model.to_owned());
                    for (zone, secs) in t.zones().iter().zip(t.time_in_zones(&a.hr_hist)) {
                        zones.zones.push((
                            zone.label.clone(),
                            format!("{}–{}", zone.low_bpm, zone.high_bpm),
                            secs,
                        ));
                    }
                    zones.domains = t.time_in_domains(&a.hr_hist);
                    zones.grey_band = t.grey_band();
                    zones.grey_s = t.time_in_grey(&a.hr_hist);
                }
                None => {
                    zones.missing = Some(match profile.map(|p| zoning.model.zones(p)) {
                        Some(Err(e)) => format!("{e}; set it with `athlete set`"),
                        _ => "no profile for this date".to_owned(),
                    });
                }
            }
            let final_type = a.run_type.or(s.run_type);
            if let (Some(t), Some(m)) = (final_type, s.metrics.as_ref()) {
                verdicts =
                    slowburn_core::verdicts::verdicts(t, m, table, None, s.evidence.as_ref())
                        .into_iter()
                        .map(|v| VerdictView {
                            severity: format!("{:?}", v.severity).to_lowercase(),
                            code: v.code.to_owned(),
                            text: v.text,
                        })
                        .collect();
            }
            // The heart-rate corrections were found at import (they need the samples).
            for v in s.verdicts.iter().filter(|v| v.code.starts_with("hr_")) {
                if !verdicts.iter().any(|x| x.code == v.code) {
                    verdicts.push(VerdictView {
                        severity: v.severity.clone(),
                        code: v.code.clone(),
                        text: v.text.clone(),
                    });
                }
            }
            s.run_type = final_type;
            s.reason = run.and_then(|(_, f)| {
                if f.label.is_some() {
                    Some(Reason::UserLabel)
                } else {
                    f.derived.as_ref().map(|d| d.reason)
                }
            });
        }
        let type_note = match (r.label.is_some(), r.reason.as_deref().and_then(Reason::from_name)) {
            (true, _) => Some("your label".to_owned()),
            (false, Some(reason)) => {
                let evidence =
                    r.why.clone().unwrap_or_else(|| format!("classified by {}", reason.words()));
                Some(match r.confidence {
                    Some(c) if c < slowburn_report::text::LOW_CONFIDENCE => {
                        format!("{evidence} — not sure: {:.0} % confidence", c * 100.0)
                    }
                    _ => evidence,
                })
            }
            _ => None,
        };
        let profile = on.map(|(p, prof)| {
            let mut u = profile_used(prof, p, &zoning, prof.date);
            u.max_hr_exceeded = run.and_then(|(a, f)| max_hr_exceeded(a, f, Some(prof)));
            u
        });
        Ok(ActivityDetail { run: r, type_note, verdicts, zones, summary: s, profile })
    }

    /// `zones`: the athlete's zones on a date (today by default), with the pace they run there.
    pub fn zones(&self, q: &ZonesQuery) -> Result<ZonesView> {
        let date = q.date.unwrap_or(self.today);
        let zoning = self.config.zoning(q.model, &q.bounds, q.vt1)?;
        let h = self.history(&Filter::default())?;
        let profiles = Profiles::resolve(&h, &zoning, &[date]);
        let (period, profile) =
            profiles.on(date).ok_or_else(|| AppError::Input(format!("no profile on {date}")))?;
        // The athlete's own heart rate against pace, last 12 months (as plans read it).
        let samples = plans::hr_pace_samples(&h, date);
        let mut view = ZonesView {
            model: zoning.chosen.name().to_owned(),
            date,
            max_hr: profile.max_hr(),
            resting_hr: profile.resting_hr(),
            lthr: profile.lthr(),
            threshold_pace_s_per_km: profile.threshold_pace_s_per_km(),
            grey_band: None,
            zones: Vec::new(),
            missing: None,
            profile: profile_used(profile, period, &zoning, date),
        };
        if zoning.chosen == ZoneModelName::Pace {
            match pace_zones(profile) {
                Ok(table) => {
                    for z in table.zones() {
                        view.zones.push(ZoneRow {
                            label: z.label.clone(),
                            name: z.name.clone(),
                            low_bpm: None,
                            high_bpm: None,
                            fast_s_per_km: Some(z.fast_s_per_km),
                            slow_s_per_km: z.slow_s_per_km.is_finite().then_some(z.slow_s_per_km),
                            your_pace: None,
                            rpe: z.rpe,
                            purpose: z.purpose.description().to_owned(),
                            domain: z.domain.name().to_owned(),
                        });
                    }
                }
                Err(e) => {
                    view.missing =
                        Some(format!("{e}; set it with `athlete set --threshold-pace m:ss`"));
                }
            }
            return Ok(view);
        }
        if let Some(table) = period.zones.as_ref() {
            view.grey_band = table.grey_band();
            table.model.clone_into(&mut view.model);
            for z in table.zones() {
                view.zones.push(ZoneRow {
                    label: z.label.clone(),
                    name: z.name.clone(),
                    low_bpm: Some(z.low_bpm),
                    high_bpm: Some(z.high_bpm),
                    fast_s_per_km: None,
                    slow_s_per_km: None,
                    your_pace: pace_for_hr_range(&samples, z.low_bpm, z.high_bpm),
                    rpe: z.rpe,
                    purpose: z.purpose.description().to_owned(),
                    domain: z.domain.name().to_owned(),
                });
            }
        } else {
            let why = zoning
                .model
                .zones(profile)
                .err()
                .map_or_else(|| "a value the model needs is unknown".to_owned(), |e| e.to_string());
            view.missing = Some(format!("{why}; set it with `athlete set`"));
        }
        Ok(view)
    }

    /// `athlete show`: the profile on a date (today by default) as every command resolves it.
    pub fn athlete(&self, date: Option<Date>) -> Result<AthleteView> {
        let date = date.unwrap_or(self.today);
        let h = self.history(&Filter::default())?;
        let profiles = Profiles::resolve(&h, &self.zoning(None)?, &[date]);
        let profile = profiles.on(date).map_or_else(|| h.athlete.at(date), |(_, p)| p.clone());
        Ok(AthleteView { profile: Profile { date, ..profile } })
    }

    fn judged(
        zoning: &Zoning,
        h: &History,
        from: Date,
        to: Date,
    ) -> (Profiles, Option<ProfileUsed>, Vec<ProfileUsed>) {
        let profiles = Profiles::resolve(h, zoning, &[]);
        let mut last = profiles.on(to).map(|(p, prof)| profile_used(prof, p, zoning, to));
        let mut all: Vec<ProfileUsed> = profiles
            .between(from, to)
            .into_iter()
            .filter_map(|prof| {
                let (period, _) = profiles.on(prof.date)?;
                Some(profile_used(prof, period, zoning, prof.date.max(from)))
            })
            .collect();
        // Runs that held more than the profile's max HR for 30 s: a finding, not silence.
        for (a, f) in h.activities.iter().zip(&h.facts) {
            if a.date < from || a.date > to || !a.is_running() {
                continue;
            }
            let Some(x) = max_hr_exceeded(a, f, profiles.on(a.date).map(|p| p.1)) else { continue };
            let higher = |u: &Option<MaxHrExceeded>| {
                u.as_ref().is_none_or(|y| x.best_30s_hr > y.best_30s_hr)
            };
            if let Some(u) = all.iter_mut().rev().find(|u| u.from <= a.date) {
                if higher(&u.max_hr_exceeded) {
                    u.max_hr_exceeded = Some(x.clone());
                }
            }
            if let Some(u) = last.as_mut().filter(|u| u.from <= a.date) {
                if higher(&u.max_hr_exceeded) {
                    u.max_hr_exceeded = Some(x);
                }
            }
        }
        (profiles, last, all)
    }

    /// The athlete's "now": today, or the latest activity when the clock is behind the data.
    fn now(&self, h: &History) -> Date {
        h.latest.map_or(self.today, |l| l.max(self.today))
    }

    /// `review`: a block of weeks (the last `weeks` up to the latest activity by default).
    pub fn review(&self, q: &ReviewQuery) -> Result<ReviewView> {
        check_range(q.since, q.until)?;
        let zoning = self.zoning(q.options.model)?;
        let s = self.settings(&q.options)?;
        let h = self.history(&Filter::default())?;
        // By default up to the latest activity's week: to its end when that week is over, to
        // today while it is still running (so it is marked as such, not judged as failed).
        let to = q.until.unwrap_or_else(|| {
            let latest = h.latest.unwrap_or(self.today);
            let end = add_days(review::week_start(latest, s.week_start), 6);
            end.min(self.now(&h).max(latest))
        });
        let from = q.since.unwrap_or_else(|| {
            add_days(review::week_start(to, s.week_start), -7 * i64::from(q.weeks.max(1) - 1))
        });
        let (profiles, profile, all) = Self::judged(&zoning, &h, from, to);
        let r = review::review(&h.activities, &profiles.periods, &s, from, to);
        Ok(ReviewView { from, to, profile, profiles: all, review: r })
    }

    /// `week`: one week (`label` like `2026-W47`; the latest activity's week by default).
    pub fn week(&self, label: Option<&str>, options: &ReviewOptions) -> Result<ReviewView> {
        let zoning = self.zoning(options.model)?;
        let s = self.settings(options)?;
        let h = self.history(&Filter::default())?;
        let start = match label {
            Some(l) => review::week_of_label(l, s.week_start).ok_or_else(|| {
                AppError::Input(format!("{l:?} is not an ISO week like 2026-W47"))
            })?,
            None => review::week_start(h.latest.unwrap_or(self.today), s.week_start),
        };
        let end = add_days(start, 6);
        // A week still running ends today, so its rest days are not counted ahead; a week that
        // is over is whole.
        let to = end.min(self.now(&h).max(start));
        let (profiles, profile, all) = Self::judged(&zoning, &h, start, to);
        let r = review::review(&h.activities, &profiles.periods, &s, start, to);
        Ok(ReviewView { from: start, to, profile, profiles: all, review: r })
    }

    /// `trends`: months of easy pace at a fixed heart rate, resting HR, records, predictions.
    pub fn trends(&self, q: &TrendsQuery) -> Result<TrendsView> {
        check_range(q.since, q.until)?;
        let zoning = self.zoning(q.model)?;
        let h = self.history(&Filter::default())?;
        let to = q.until.or(h.latest).unwrap_or(self.today);
        let from = q.since.unwrap_or_else(|| {
            to.first_of_month()
                .checked_sub(jiff::Span::new().months(i64::from(q.months.max(1) - 1)))
                .unwrap_or(Date::MIN)
        });
        let (profiles, profile, all) = Self::judged(&zoning, &h, from, to);
        let settings = TrendSettings { target_hr: q.hr, compare_months: q.compare };
        let t = trends::trends(
            &h.activities,
            &profiles.periods,
            &h.resting_logs,
            &h.monitoring_lows,
            &settings,
            from,
            to,
        );
        Ok(TrendsView { profile, profiles: all, trends: t })
    }
}

/// Sustained heart rate above a profile's max HR by at least this much is a finding, bpm
/// (below it: the rounding and scatter of a 30-s mean).
const MAX_HR_EXCEEDED_BY: f64 = 2.0;

/// The run's best 30-s heart rate when it is above the profile's max HR.
fn max_hr_exceeded(
    a: &ActivityInput,
    f: &RunFacts,
    profile: Option<&Profile>,
) -> Option<MaxHrExceeded> {
    let max = f64::from(profile?.max_hr()?);
    let best = f.best_30s_hr.filter(|b| *b >= max + MAX_HR_EXCEEDED_BY && a.hr_coverage >= 0.5)?;
    Some(MaxHrExceeded { best_30s_hr: best, date: a.date, id: a.id })
}

/// What a view judged with, from the profile and period in force.
fn profile_used(
    profile: &Profile,
    period: &ProfilePeriod,
    zoning: &Zoning,
    date: Date,
) -> ProfileUsed {
    let src = |s: &slowburn_core::athlete::Source| slowburn_report::text::source_text(s);
    let zones = period.zones.as_ref();
    let resting = profile.resting_hr.as_ref();
    ProfileUsed {
        from: period.from,
        date,
        zone_model: zones.map_or_else(|| zoning.model.name().to_owned(), |z| z.model.to_owned()),
        max_hr: profile.max_hr(),
        max_hr_source: profile.max_hr.as_ref().map(|s| src(&s.source)),
        resting_hr: resting.map_or(ASSUMED_RESTING_HR, |s| s.value),
        resting_hr_source: resting.map_or_else(
            || format!("assumed: none logged or recorded; `log rhr {ASSUMED_RESTING_HR}` sets it"),
            |s| src(&s.source),
        ),
        lthr: profile.lthr(),
        lthr_source: profile.lthr.as_ref().map(|s| src(&s.source)),
        threshold_pace_s_per_km: profile.threshold_pace_s_per_km(),
        threshold_pace_source: profile.threshold_pace_s_per_km.as_ref().map(|s| src(&s.source)),
        zone2: zones.and_then(|z| {
            z.zones()
                .iter()
                .find(|z| z.purpose == Purpose::AerobicBase)
                .map(|z| (z.low_bpm, z.high_bpm))
        }),
        easy_domain: zones.and_then(|z| z.domain_ranges()[0]),
        grey_band: zones.and_then(slowburn_core::ZoneTable::grey_band),
        max_hr_exceeded: None,
    }
}

/// Refuse implausible profile values, naming the value and the range.
fn check_entry(e: &ProfileEntry, today: Date) -> Result<()> {
    let bad = |what: &str, v: String, range: &str| {
        Err(AppError::Input(format!("{what} {v} is implausible: give a value in {range}")))
    };
    if let Some(m) = e.max_hr {
        if !(100..=240).contains(&m) {
            return bad("max HR", format!("{m} bpm"), "100–240 bpm");
        }
    }
    if let Some(r) = e.resting_hr {
        if !(25..=120).contains(&r) {
            return bad("resting HR", format!("{r} bpm"), "25–120 bpm");
        }
    }
    if let Some(l) = e.lthr {
        if !(80..=230).contains(&l) {
            return bad("LTHR", format!("{l} bpm"), "80–230 bpm");
        }
    }
    if let (Some(m), Some(r)) = (e.max_hr, e.resting_hr) {
        if r >= m {
            return Err(AppError::Input(format!("resting HR {r} bpm is not below max HR {m} bpm")));
        }
    }
    if let (Some(m), Some(l)) = (e.max_hr, e.lthr) {
        if l >= m {
            return Err(AppError::Input(format!("LTHR {l} bpm is not below max HR {m} bpm")));
        }
    }
    if let Some(y) = e.birth_year {
        if i32::from(y) > i32::from(today.year()) || i32::from(y) < 1900 {
            return bad("birth year", y.to_string(), &format!("1900–{}", today.year()));
        }
    }
    if let Some(p) = e.threshold_pace_s_per_km {
        if !(120.0..=900.0).contains(&p) {
            return bad("threshold pace", format!("{p:.0} s/km"), "2:00–15:00 /km");
        }
    }
    Ok(())
}

/// A safe file name from an import name (`export.zip!activities/1.fit.gz` → `1.fit.gz`).
fn export_name(source: &str) -> String {
    safe_file_name(source, "original")
}

/// A file name safe to create in a folder from a name a file came with (an import name like
/// `export.zip!activities/1.fit.gz`, or an upload's): its last component, control and
/// reserved characters as `_`, no leading dots or surrounding spaces, at most 200 bytes (cut at
/// a character: file systems allow 255 bytes, and 200 characters of `€` are 600); `fallback`
/// when nothing is left.
#[must_use]
pub fn safe_file_name(given: &str, fallback: &str) -> String {
    let base = given.rsplit(['/', '\\', '!']).next().unwrap_or(given);
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim_start_matches('.').trim();
    if clean.is_empty() {
        fallback.to_owned()
    } else {
        let mut end = clean.len().min(200);
        while !clean.is_char_boundary(end) {
            end -= 1;
        }
        clean[..end].to_owned()
    }
}

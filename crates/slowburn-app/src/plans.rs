//! Plans and today: the use cases behind `plan create|show|list|delete|adapt|export` and
//! `today`. Core makes and follows plans ([`slowburn_core::plan`], [`slowburn_core::today`]);
//! this module gathers what they weigh from the history and the store, and keeps revisions.

use std::path::Path;

use jiff::civil::{Date, Weekday};
use slowburn_core::classify::RunType;
use slowburn_core::plan::follow::{self, Comparison, Done, Signals, Status};
use slowburn_core::plan::{self, Goal, Intensity, Level, Plan, PlanAthlete, PlanRequest};
use slowburn_core::review::{self, ReviewSettings};
use slowburn_core::today::{self, Recent, TodayInput};
use slowburn_core::zones::HrPace;
use slowburn_core::Domain;
use slowburn_report::views::{
    AdaptView, ChangeView, ExtraRun, PlanExportView, PlanListRow, PlanListView, PlanView,
    PlanWeekView, PlanWorkoutView, TodayView,
};
use slowburn_store::PlanRow;

use crate::history::{add_days, History, Profiles};
use crate::{App, AppError, Result};

/// What `plan create` is asked.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub goal: Goal,
    /// Race day; for a base plan the end (12 weeks from the start when not given).
    pub race_date: Option<Date>,
    pub days_per_week: Option<u8>,
    pub level: Option<Level>,
    pub current_weekly_km: Option<f64>,
    pub long_run_day: Weekday,
    pub rest_day: Weekday,
    pub doubles: bool,
}

/// Weeks of history the start volume comes from.
const VOLUME_WEEKS: i64 = 6;
/// Of which at least this many must hold running.
const VOLUME_WEEKS_MIN: usize = 4;

fn intensity_of(d: Domain) -> Intensity {
    match d {
        Domain::Easy => Intensity::Easy,
        Domain::Moderate => Intensity::Moderate,
        Domain::Hard => Intensity::Hard,
    }
}

fn monday(d: Date) -> Date {
    review::week_start(d, Weekday::Monday)
}

fn iso_week(d: Date) -> String {
    let w = d.iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

fn decode(row: &PlanRow) -> Result<Plan> {
    serde_json::from_str(&row.latest.plan)
        .map_err(|e| AppError::Corrupt(format!("stored plan {}: {e}", row.id)))
}

impl App {
    /// The athlete as plans see them on `date`: zones, max HR, threshold pace, their heart rate
    /// against pace over the last 12 months.
    fn plan_athlete(h: &History, profiles: &Profiles, date: Date) -> PlanAthlete {
        let (zones, max_hr, threshold) =
            profiles.on(date).map_or((None, None, None), |(p, prof)| {
                (p.zones.clone(), prof.max_hr(), prof.threshold_pace_s_per_km())
            });
        PlanAthlete {
            zones,
            hr_pace: hr_pace_samples(h, date),
            threshold_pace_s_per_km: threshold,
            max_hr,
        }
    }

    /// The runner's weekly running time over the last six whole weeks, seconds, with the number
    /// of those weeks that hold running.
    fn recent_weekly_s(h: &History, today: Date) -> (f64, usize) {
        let this_week = monday(today);
        let from = add_days(this_week, -7 * VOLUME_WEEKS);
        let mut weeks = [0.0f64; VOLUME_WEEKS as usize];
        for a in
            h.activities.iter().filter(|a| a.is_running() && a.date >= from && a.date < this_week)
        {
            let i =
                usize::try_from(from.until(a.date).map_or(0, |s| s.get_days()) / 7).unwrap_or(0);
            if let Some(w) = weeks.get_mut(i) {
                *w += if a.moving_s > 0.0 { a.moving_s } else { a.duration_s };
            }
        }
        let with = weeks.iter().filter(|w| **w > 0.0).count();
        (weeks.iter().sum::<f64>() / VOLUME_WEEKS as f64, with)
    }

    /// `plan create`: build and store a plan; returns it as `plan show` shows it.
    ///
    /// # Errors
    /// An impossible request (named), or the store.
    pub fn plan_create(&mut self, o: &PlanOptions, created: jiff::Timestamp) -> Result<PlanView> {
        let today = self.today;
        let h = self.history_from(today)?;
        let profiles = Profiles::resolve(&h, &self.zoning(None)?, &[today]);
        let athlete = Self::plan_athlete(&h, &profiles, today);
        let (weekly, weeks_with) = Self::recent_weekly_s(&h, today);
        let have_history = weeks_with >= VOLUME_WEEKS_MIN;
        let level = o.level.unwrap_or(if !have_history {
            Level::Intermediate
        } else if weekly >= 300.0 * 60.0 {
            Level::Experienced
        } else if weekly < 150.0 * 60.0 {
            Level::Novice
        } else {
            Level::Intermediate
        });
        let easy_pace = plan_easy_pace(&athlete, level);
        let (start_s, mut volume_source) = match o.current_weekly_km {
            Some(km) if !(0.0..=300.0).contains(&km) || !km.is_finite() => {
                return Err(AppError::Input(format!(
                    "--current-weekly-km {km} is implausible: give 0–300 km"
                )))
            }
            Some(km) => (
                km * easy_pace,
                format!(
                    "{km:.0} km a week as you gave it (at {} easy)",
                    plan::pace_words(easy_pace)
                ),
            ),
            None if have_history => (
                weekly,
                format!(
                    "your last {VOLUME_WEEKS} weeks: {} of running a week on average",
                    hours(weekly)
                ),
            ),
            None => (
                level.default_weekly_min() * 60.0,
                format!(
                    "no history to start from ({weeks_with} of the last {VOLUME_WEEKS} weeks hold \
                     running): {} a week, usual for {} runner",
                    hours(level.default_weekly_min() * 60.0),
                    match level {
                        Level::Intermediate | Level::Experienced => format!("an {}", level.name()),
                        Level::Novice => "a novice".to_owned(),
                    }
                ),
            ),
        };
        if o.level.is_none() {
            volume_source.push_str(&format!("; level {} ", level.name()));
            volume_source.push_str(if have_history { "from that volume" } else { "assumed" });
        }
        let race_date = match (o.race_date, o.goal) {
            (Some(d), _) => d,
            (None, Goal::Base) => add_days(today, 7 * 12 - 1),
            (None, g) => {
                return Err(AppError::Input(format!(
                    "--race-date is needed for a {} plan (a base plan can do without)",
                    g.name()
                )))
            }
        };
        let req = PlanRequest {
            goal: o.goal,
            race_date,
            start: today,
            days_per_week: o.days_per_week.unwrap_or_else(|| level.default_days()),
            level,
            start_weekly_s: start_s,
            long_run_day: o.long_run_day,
            rest_day: o.rest_day,
            doubles: o.doubles,
        };
        let key = format!("{:x}", created.as_millisecond());
        let mut p =
            plan::create(&req, &athlete, &key).map_err(|e| AppError::Input(e.to_string()))?;
        p.volume_source = volume_source;
        let json = serde_json::to_string(&p)
            .map_err(|e| AppError::Corrupt(format!("the plan cannot be stored: {e}")))?;
        let id = self.store.add_plan(&created.to_string(), &json)?;
        let row = self.plan_row(Some(id))?;
        self.plan_view(&row, &p, &h, &profiles, None)
    }

    /// The history the plans and today look at: from 400 days before `date` (13 months, what
    /// the profile estimates of a date look at, and the load model's warm-up) to the end.
    fn history_from(&self, date: Date) -> Result<History> {
        let since = add_days(date.first_of_month(), -400);
        self.history(&slowburn_store::Filter {
            since_ms: Some(crate::date_ms(since)?),
            ..slowburn_store::Filter::default()
        })
    }

    fn plan_row(&self, id: Option<i64>) -> Result<PlanRow> {
        let plans = self.store.plans()?;
        match id {
            Some(id) => plans.into_iter().find(|p| p.id == id).ok_or_else(|| {
                AppError::Input(format!("no plan with id {id} (`plan list` shows them)"))
            }),
            None => plans.into_iter().last().ok_or_else(|| {
                AppError::Input(
                    "no plan yet: `plan create --goal … --race-date …` makes one".into(),
                )
            }),
        }
    }

    /// The imported runs as the plan comparison sees them.
    fn done_runs(h: &History, profiles: &Profiles, from: Date, to: Date) -> Vec<Done> {
        let settings = ReviewSettings::default();
        h.activities
            .iter()
            .zip(&h.facts)
            .filter(|(a, _)| a.date >= from && a.date <= to && a.is_running())
            .map(|(a, f)| {
                let period = profiles.on(a.date).map(|p| p.0);
                let assessed = review::assess(a, period, &settings);
                Done {
                    id: a.id,
                    date: a.date,
                    run_type: f.label.or(f.derived.as_ref().map(|d| d.run_type)).or(a.run_type),
                    duration_s: if a.moving_s > 0.0 { a.moving_s } else { a.duration_s },
                    intensity: assessed.session.map(intensity_of),
                }
            })
            .collect()
    }

    fn comparison(&self, plan: &Plan, h: &History, profiles: &Profiles) -> Comparison {
        let first = plan.weeks.first().map_or(plan.request.start, |w| w.start);
        let done =
            Self::done_runs(h, profiles, add_days(first, -1), add_days(plan.request.race_date, 7));
        follow::compare(plan, &done, self.today)
    }

    /// `plan show`: the plan (the newest, or `id`), each session marked done, changed, missed
    /// or planned; `week` (`2027-W05`) keeps only that week.
    ///
    /// # Errors
    /// No such plan or week, or the store.
    pub fn plan_show(&self, id: Option<i64>, week: Option<&str>) -> Result<PlanView> {
        let row = self.plan_row(id)?;
        let plan = decode(&row)?;
        let h = self.history_from(plan.request.start.min(self.today))?;
        let profiles = Profiles::resolve(&h, &self.zoning(None)?, &[self.today]);
        self.plan_view(&row, &plan, &h, &profiles, week)
    }

    fn plan_view(
        &self,
        row: &PlanRow,
        plan: &Plan,
        h: &History,
        profiles: &Profiles,
        week: Option<&str>,
    ) -> Result<PlanView> {
        let cmp = self.comparison(plan, h, profiles);
        let wanted = match week {
            Some(l) => Some(review::week_of_label(l, Weekday::Monday).ok_or_else(|| {
                AppError::Input(format!("{l:?} is not an ISO week like 2027-W05"))
            })?),
            None => None,
        };
        let done_s = |id: i64| h.activities.iter().find(|a| a.id == id).map_or(0.0, |a| a.moving_s);
        let mut weeks = Vec::new();
        for w in &plan.weeks {
            if wanted.is_some_and(|s| s != w.start) {
                continue;
            }
            let mut v = PlanWeekView {
                start: w.start,
                week: iso_week(w.start),
                phase: w.phase.name().to_owned(),
                lighter: w.lighter,
                target_s: w.target_s,
                planned: w.planned,
                done_s: 0.0,
                done: 0,
                changed: 0,
                missed: 0,
                workouts: Vec::new(),
            };
            for x in &w.workouts {
                let o = cmp.outcomes.iter().find(|o| o.uid == x.uid);
                let status = o.map_or(Status::Planned, |o| o.status);
                match status {
                    Status::Done => v.done += 1,
                    Status::Changed => v.changed += 1,
                    Status::Missed => v.missed += 1,
                    _ => {}
                }
                if let Some(a) = o.and_then(|o| o.activity) {
                    if x.kind != plan::WorkoutKind::Rest {
                        v.done_s += done_s(a);
                    }
                }
                v.workouts.push(PlanWorkoutView {
                    workout: x.clone(),
                    status: status.name().to_owned(),
                    activity: o.and_then(|o| o.activity),
                    note: o.and_then(|o| o.note.clone()),
                });
            }
            weeks.push(v);
        }
        if let (Some(s), true) = (wanted, weeks.is_empty()) {
            return Err(AppError::Input(format!(
                "the plan has no week {} (it runs {} to {})",
                iso_week(s),
                plan.request.start,
                plan.request.race_date
            )));
        }
        let r = &plan.request;
        Ok(PlanView {
            id: row.id,
            revision: row.latest.revision,
            created: row.created.clone(),
            reason: row.latest.reason.clone(),
            goal: r.goal.name().to_owned(),
            race_date: r.race_date,
            start: r.start,
            level: r.level.name().to_owned(),
            days_per_week: r.days_per_week,
            long_run_day: review::weekday_name(r.long_run_day).to_owned(),
            rest_day: review::weekday_name(r.rest_day).to_owned(),
            doubles: r.doubles,
            volume_source: plan.volume_source.clone(),
            pace_source: plan.pace_source.clone(),
            zone_model: plan.zone_model.clone(),
            notes: plan.notes.clone(),
            today: self.today,
            only_week: wanted.map(iso_week),
            weeks,
            extra: cmp.extra.iter().map(|&(id, date)| ExtraRun { id, date }).collect(),
        })
    }

    /// `plan list`.
    ///
    /// # Errors
    /// The store, or a stored plan that cannot be read.
    pub fn plan_list(&self) -> Result<PlanListView> {
        let rows = self.store.plans()?;
        let last = rows.last().map(|r| r.id);
        let plans = rows
            .iter()
            .map(|row| {
                let p = decode(row)?;
                Ok(PlanListRow {
                    id: row.id,
                    created: row.created.clone(),
                    goal: p.request.goal.name().to_owned(),
                    race_date: p.request.race_date,
                    start: p.request.start,
                    weeks: p.weeks.len(),
                    revisions: row.revisions,
                    reason: row.latest.reason.clone(),
                    active: Some(row.id) == last,
                })
            })
            .collect::<Result<_>>()?;
        Ok(PlanListView { plans })
    }

    /// `plan delete`.
    ///
    /// # Errors
    /// No such plan, or the store.
    pub fn plan_delete(&mut self, id: i64) -> Result<ChangeView> {
        self.store.delete_plan(id).map_err(|e| match e {
            slowburn_store::StoreError::NoPlan(id) => {
                AppError::Input(format!("no plan with id {id} (`plan list` shows them)"))
            }
            e => e.into(),
        })?;
        Ok(ChangeView { message: format!("plan {id} and its revisions deleted"), retyped: 0 })
    }

    /// What the history says this morning: resting HR against its baseline, notes, grey drift.
    fn signals(h: &History, today: Date, easy_ceiling: Option<u8>, grey_weeks: u32) -> Signals {
        let rhr_today = h.resting_logs.iter().rev().find(|(d, _)| *d == today).map(|x| x.1);
        let base: Vec<f64> = h
            .resting_logs
            .iter()
            .filter(|(d, _)| *d < today && *d >= add_days(today, -7))
            .map(|x| f64::from(x.1))
            .collect();
        let baseline = (base.len() >= 3).then(|| base.iter().sum::<f64>() / base.len() as f64);
        let note = |kind: &str| {
            h.notes.iter().rev().filter(|(d, _)| *d <= today && *d >= add_days(today, -1)).find_map(
                |(d, t)| {
                    let (k, text) = t.split_once(": ").unwrap_or(("note", t.as_str()));
                    (k == kind).then(|| (*d, text.to_owned()))
                },
            )
        };
        Signals {
            resting_hr: rhr_today.zip(baseline),
            illness: note("illness"),
            fatigue: note("fatigue"),
            grey_weeks,
            easy_ceiling,
        }
    }

    /// Weeks (up to last week) whose easy runs drifted grey, the current week's easy share and
    /// sessions so far, and the training-stress balance today.
    fn recent_review(
        &self,
        h: &History,
        profiles: &Profiles,
    ) -> (u32, Option<(f64, u32)>, Option<f64>) {
        let this_week = monday(self.today);
        let from = add_days(this_week, -21);
        let r = review::review(
            &h.activities,
            &profiles.periods,
            &ReviewSettings::default(),
            from,
            self.today,
        );
        let mut grey = 0;
        for w in r.weeks.iter().filter(|w| w.start < this_week).rev() {
            if w.grey_runs >= 1 && w.grey_runs * 3 >= w.easy_runs {
                grey += 1;
            } else {
                break;
            }
        }
        let current = r.weeks.iter().find(|w| w.start == this_week);
        let share = current.and_then(|w| {
            w.easy_share_time.map(|s| (s, u32::try_from(w.runs).unwrap_or(u32::MAX)))
        });
        let tsb = r.weeks.last().map(|w| w.tsb);
        (grey, share, tsb)
    }

    /// `plan adapt`: adapt the newest plan to what was run and what the signals say; a change
    /// is a new revision, with its reason.
    ///
    /// # Errors
    /// No plan, or the store.
    pub fn plan_adapt(&mut self, stamp: jiff::Timestamp) -> Result<AdaptView> {
        let row = self.plan_row(None)?;
        let plan = decode(&row)?;
        let h = self.history_from(plan.request.start.min(self.today))?;
        let profiles = Profiles::resolve(&h, &self.zoning(None)?, &[self.today]);
        let athlete = Self::plan_athlete(&h, &profiles, self.today);
        let cmp = self.comparison(&plan, &h, &profiles);
        let (grey, _, _) = self.recent_review(&h, &profiles);
        let ceiling = athlete.zones.as_ref().and_then(|z| z.domain_ranges()[0]).map(|r| r.1);
        let signals = Self::signals(&h, self.today, ceiling, grey);
        let Some(a) = follow::adapt(&plan, &cmp, &signals, &athlete, self.today) else {
            return Ok(AdaptView {
                plan_id: row.id,
                revision: None,
                changes: Vec::new(),
                message: "nothing to change: the plan stands".into(),
            });
        };
        let json = serde_json::to_string(&a.plan)
            .map_err(|e| AppError::Corrupt(format!("the plan cannot be stored: {e}")))?;
        let rev = self.store.add_plan_revision(row.id, &stamp.to_string(), &a.reason, &json)?;
        Ok(AdaptView {
            plan_id: row.id,
            revision: Some(rev),
            message: format!("revision {rev} of plan {}: {}", row.id, a.reason),
            changes: a.changes,
        })
    }

    /// `today`: one recommendation, from the newest plan when it holds today, else from the
    /// history.
    ///
    /// # Errors
    /// The store, or a stored plan that cannot be read.
    pub fn today_view(&self) -> Result<TodayView> {
        let today = self.today;
        let h = self.history_from(today)?;
        let profiles = Profiles::resolve(&h, &self.zoning(None)?, &[today]);
        let athlete = Self::plan_athlete(&h, &profiles, today);
        let plan_row = self.store.plans()?.into_iter().last();
        let plan = plan_row.as_ref().map(decode).transpose()?;
        let planned = plan.as_ref().and_then(|p| {
            p.weeks
                .iter()
                .flat_map(|w| &w.workouts)
                .find(|w| w.date == today && w.slot == 0)
                .cloned()
        });
        let settings = ReviewSettings::default();
        let recent: Vec<Recent> = h
            .activities
            .iter()
            .zip(&h.facts)
            .filter(|(a, _)| a.is_running() && a.date < today && a.date >= add_days(today, -14))
            .map(|(a, f)| Recent {
                date: a.date,
                run_type: f.label.or(f.derived.as_ref().map(|d| d.run_type)).or(a.run_type),
                intensity: review::assess(a, profiles.on(a.date).map(|p| p.0), &settings)
                    .session
                    .map(intensity_of),
                duration_s: if a.moving_s > 0.0 { a.moving_s } else { a.duration_s },
                rpe: a.rpe,
            })
            .collect();
        let mut easy: Vec<f64> = h
            .activities
            .iter()
            .zip(&h.facts)
            .filter(|(a, f)| {
                a.date >= add_days(today, -28)
                    && a.date < today
                    && matches!(
                        f.label.or(f.derived.as_ref().map(|d| d.run_type)),
                        Some(RunType::Easy | RunType::EasyWithStrides)
                    )
            })
            .map(|(a, _)| a.moving_s)
            .collect();
        easy.sort_by(f64::total_cmp);
        let median_easy_s = (!easy.is_empty()).then(|| easy[easy.len() / 2]);
        let (weekly, with) = Self::recent_weekly_s(&h, today);
        let (grey, share, tsb) = self.recent_review(&h, &profiles);
        let ceiling = athlete.zones.as_ref().and_then(|z| z.domain_ranges()[0]).map(|r| r.1);
        let s = Self::signals(&h, today, ceiling, grey);
        let notes = h
            .notes
            .iter()
            .filter(|(d, _)| *d <= today && *d >= add_days(today, -1))
            .map(|(d, t)| {
                let (k, text) = t.split_once(": ").unwrap_or(("note", t.as_str()));
                (*d, k.to_owned(), text.to_owned())
            })
            .collect();
        let input = TodayInput {
            date: Some(today),
            planned,
            recent,
            tsb,
            week_easy_share: share,
            resting_hr: s.resting_hr,
            notes,
            median_easy_s,
            weekly_s: (with >= 1).then_some(weekly),
            level: plan.as_ref().map(|p| p.request.level),
        };
        let recommendation = today::recommend(&input, &athlete, today);
        Ok(TodayView { plan_id: plan_row.map(|r| r.id), recommendation })
    }

    /// `plan export --ics FILE`: the newest plan as an iCalendar file.
    ///
    /// # Errors
    /// No plan, an unknown time zone, or the file cannot be written.
    pub fn plan_export_ics(
        &self,
        path: &Path,
        time_zone: Option<String>,
        stamp: jiff::Timestamp,
    ) -> Result<PlanExportView> {
        let row = self.plan_row(None)?;
        let plan = decode(&row)?;
        let opts = slowburn_report::ics::IcsOptions {
            stamp,
            time_zone,
            start_time: jiff::civil::time(18, 0, 0, 0),
            name: format!("slowburn: {} plan", plan.request.goal.name()),
        };
        let text = slowburn_report::ics::plan_calendar(&plan, &opts)
            .map_err(|e| AppError::Input(e.to_string()))?;
        write_file(path, text.as_bytes())?;
        let events = plan
            .weeks
            .iter()
            .flat_map(|w| &w.workouts)
            .filter(|w| w.kind != plan::WorkoutKind::Rest)
            .count();
        Ok(PlanExportView {
            plan_id: row.id,
            path: path.display().to_string(),
            files: 1,
            events,
            bytes: text.len() as u64,
        })
    }

    /// `plan export --fit DIR`: one FIT workout file per planned session, ready for
    /// `GARMIN/NewFiles`.
    ///
    /// # Errors
    /// No plan, a workout that cannot be encoded, or a file that cannot be written.
    pub fn plan_export_fit(&self, dir: &Path, stamp: jiff::Timestamp) -> Result<PlanExportView> {
        let row = self.plan_row(None)?;
        let plan = decode(&row)?;
        let created =
            u32::try_from(stamp.as_second() - slowburn_formats::FIT_EPOCH_OFFSET_S).unwrap_or(0);
        let files = slowburn_report::workout_fit::plan_files(&plan, created)
            .map_err(|e| AppError::Input(e.to_string()))?;
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::Input(format!("{}: {e}", dir.display())))?;
        let mut bytes = 0u64;
        for (name, data) in &files {
            write_file(&dir.join(name), data)?;
            bytes += data.len() as u64;
        }
        Ok(PlanExportView {
            plan_id: row.id,
            path: dir.display().to_string(),
            files: files.len(),
            events: files.len(),
            bytes,
        })
    }
}

/// `4 h 05 min`.
fn hours(seconds: f64) -> String {
    let m = (seconds / 60.0).round() as i64;
    format!("{} h {:02} min", m / 60, m % 60)
}

/// The easy pace plans use for this athlete: theirs at Zone 2, else the level's.
fn plan_easy_pace(a: &PlanAthlete, level: Level) -> f64 {
    a.zones
        .as_ref()
        .and_then(|z| {
            z.zones()
                .iter()
                .find(|z| z.purpose == slowburn_core::zones::Purpose::AerobicBase)
                .and_then(|z| {
                    slowburn_core::zones::pace_for_hr_range(&a.hr_pace, z.low_bpm, z.high_bpm)
                })
        })
        .map_or_else(|| level.assumed_easy_pace(), |p| p.median_s_per_km)
}

/// The athlete's flat running, heart rate against pace, in the 12 months up to `date`.
pub(crate) fn hr_pace_samples(h: &History, date: Date) -> Vec<HrPace> {
    let year_ago = add_days(date, -365);
    h.activities
        .iter()
        .zip(&h.facts)
        .filter(|(a, _)| a.date > year_ago && a.date <= date && a.is_running())
        .flat_map(|(_, f)| {
            f.flat_hr_pace.iter().map(|p| HrPace {
                hr: p.hr,
                pace_s_per_km: p.pace_s_per_km,
                seconds: p.seconds,
            })
        })
        .collect()
}

/// Write `bytes` to `path` whole: a temporary file beside it, synced, then renamed over it.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let err = |e: std::io::Error| AppError::Input(format!("{}: {e}", path.display()));
    let tmp = path.with_extension("slowburn-tmp");
    let mut f = std::fs::File::create(&tmp).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

impl App {
    /// `report`: the review of the last `weeks`, a year of trends, today and the newest plan,
    /// and the last 20 runs, for the HTML report.
    ///
    /// # Errors
    /// The store, or a stored plan that cannot be read.
    pub fn report_view(&self, weeks: u32) -> Result<slowburn_report::html::ReportView> {
        let review = self.review(&crate::ReviewQuery { weeks, ..crate::ReviewQuery::default() })?;
        let trends = self.trends(&crate::TrendsQuery {
            months: 12,
            compare: 2,
            ..crate::TrendsQuery::default()
        })?;
        let has_runs = !self.is_empty()?;
        let today = if has_runs || !self.store.plans()?.is_empty() {
            Some(self.today_view()?)
        } else {
            None
        };
        let plan =
            if self.store.plans()?.is_empty() { None } else { Some(self.plan_show(None, None)?) };
        let runs =
            self.runs(&crate::RunsQuery { limit: Some(20), ..crate::RunsQuery::default() })?;
        let mut runs = runs;
        runs.runs.reverse();
        let zones = self.zones_in_period(review.from, review.to)?;
        Ok(slowburn_report::html::ReportView {
            date: self.today,
            review,
            zones,
            trends,
            today,
            plan,
            runs,
        })
    }

    /// Time in each heart-rate zone of the running from `from` to `to`, in the zones in force
    /// on `to` (runs whose heart rate covers too little of them are left out, as `show` does).
    ///
    /// # Errors
    /// The store.
    pub fn zones_in_period(
        &self,
        from: Date,
        to: Date,
    ) -> Result<slowburn_report::views::ZoneBreakdown> {
        let h = self.history_from(from)?;
        let profiles = Profiles::resolve(&h, &self.zoning(None)?, &[to]);
        let mut z = slowburn_report::views::ZoneBreakdown {
            model: None,
            zones: Vec::new(),
            domains: [0.0; 3],
            grey_band: None,
            grey_s: 0.0,
            missing: None,
        };
        let Some(t) = profiles.on(to).and_then(|(p, _)| p.zones.as_ref()) else {
            z.missing = Some("max HR is unknown on that date; set it with `athlete set`".into());
            return Ok(z);
        };
        let mut hist = [0.0f64; 256];
        for a in h.activities.iter().filter(|a| {
            a.date >= from
                && a.date <= to
                && a.is_running()
                && a.hr_coverage >= slowburn_core::classify::MIN_HR_COVERAGE_TO_TYPE
        }) {
            for (s, x) in hist.iter_mut().zip(a.hr_hist.iter()) {
                *s += x;
            }
        }
        z.model = Some(t.model.to_owned());
        for (zone, secs) in t.zones().iter().zip(t.time_in_zones(&hist)) {
            z.zones.push((zone.label.clone(), format!("{}–{}", zone.low_bpm, zone.high_bpm), secs));
        }
        z.domains = t.time_in_domains(&hist);
        z.grey_band = t.grey_band();
        z.grey_s = t.time_in_grey(&hist);
        Ok(z)
    }
}

//! A coach's line for one athlete ([`App::standing`]): this week so far against the method —
//! 80/20 by time and by session, grey-zone creep, recovery — form, today's advice, and what
//! needs attention. The server's overview shows one per athlete and keeps it until the
//! athlete's history changes or the day does.

use slowburn_core::review;
use slowburn_core::verdicts::Severity;
use slowburn_report::views::StandingView;

use crate::{add_days, App, Result, ReviewOptions, ReviewQuery};

/// Training-stress balance below this is deep fatigue (Coggan's "high risk" band); as
/// `slowburn_core::today` judges it.
const TSB_FATIGUED: f64 = -30.0;
/// Days without a run after which a coach wants to know why.
const DAYS_WITHOUT_RUNNING: i64 = 10;

impl App {
    /// This athlete's line in a coach's overview, for [`App::today`].
    ///
    /// # Errors
    /// The store.
    pub fn standing(&self) -> Result<StandingView> {
        let today = self.today();
        let v = self.review(&ReviewQuery {
            // Three weeks: this one and last are judged; with the one before, the last run is
            // found back at least 14 days.
            weeks: 3,
            since: None,
            until: Some(today),
            options: ReviewOptions::default(),
        })?;
        let r = &v.review;
        let this = r.weeks.last();
        let last = (r.weeks.len() >= 2).then(|| &r.weeks[r.weeks.len() - 2]);
        let mut flags: Vec<(String, String)> = Vec::new();
        for (w, when) in
            this.map(|w| (w, "This week")).into_iter().chain(last.map(|w| (w, "Last week")))
        {
            for f in w.verdicts.iter().filter(|f| f.severity == Severity::Warning) {
                if !flags.iter().any(|(c, _)| *c == f.code) {
                    flags.push((f.code.clone(), format!("{when} ({}): {}", w.week, f.text)));
                }
            }
        }
        let weeks = || this.into_iter().chain(last);
        let grey_runs = weeks().map(|w| w.grey_runs).sum();
        let easy_runs = weeks().map(|w| w.easy_runs).sum();
        let checks: Vec<bool> =
            weeks().flat_map(|w| &w.recovery).filter_map(review::RecoveryCheck::complied).collect();
        let recovery_compliance = (!checks.is_empty())
            .then(|| checks.iter().filter(|c| **c).count() as f64 / checks.len() as f64);
        let last_run = r
            .weeks
            .iter()
            .flat_map(|w| &w.activities)
            .filter(|a| a.running && a.date <= today)
            .map(|a| a.date)
            .max();
        let empty = self.is_empty()?;
        let plans = !self.plan_list()?.plans.is_empty();
        let advice = if empty && !plans { None } else { Some(self.today_view()?) };
        let today_words = advice.as_ref().map(|t| {
            let w = &t.recommendation.workout;
            if w.kind == slowburn_core::plan::WorkoutKind::Rest {
                "Rest day".to_owned()
            } else {
                let words = w.kind.words();
                let mut c = words.chars();
                let first = c.next().map(|f| f.to_uppercase().collect::<String>());
                format!(
                    "{}{} {} min",
                    first.unwrap_or_default(),
                    c.as_str(),
                    (w.duration_s / 60.0).round()
                )
            }
        });
        let tsb = this.map_or(0.0, |w| w.tsb);
        let mut attention = u32::try_from(flags.len()).unwrap_or(u32::MAX);
        if tsb < TSB_FATIGUED {
            attention += 2;
        }
        let idle = last_run.is_none_or(|d| add_days(d, DAYS_WITHOUT_RUNNING) < today);
        if idle && !empty {
            attention += 1;
        }
        Ok(StandingView {
            date: today,
            week: this.map_or_else(String::new, |w| w.week.clone()),
            days: this.map_or(0, |w| w.days),
            runs: this.map_or(0, |w| w.runs),
            km: this.map_or(0.0, |w| w.km),
            seconds: this.map_or(0.0, |w| w.seconds),
            easy_share_time: this.and_then(|w| w.easy_share_time),
            easy_share_sessions: this.and_then(|w| w.easy_share_sessions),
            last_week_easy_share_time: last.and_then(|w| w.easy_share_time),
            target: r.settings.easy_target,
            grey_runs,
            easy_runs,
            recovery_compliance,
            tsb,
            ctl: this.map_or(0.0, |w| w.ctl),
            last_run,
            today: today_words,
            today_decided_by: advice
                .as_ref()
                .and_then(|t| t.recommendation.decided_by.map(str::to_owned)),
            flags,
            attention,
        })
    }
}

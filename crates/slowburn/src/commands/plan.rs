//! `plan …` and `today`: call the application layer, print the view.

use std::process::ExitCode;

use anyhow::bail;
use slowburn_app::plans::PlanOptions;
use slowburn_core::plan::{parse_weekday, Goal, Level};
use slowburn_report::plan_text;

use super::Ctx;
use crate::cli::{GoalArg, LevelArg, PlanArgs, PlanCommand, PlanCreateArgs};
use crate::printer::Printer;

fn done(mut p: Printer) -> anyhow::Result<ExitCode> {
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn weekday(s: &str, what: &str) -> anyhow::Result<jiff::civil::Weekday> {
    match parse_weekday(s) {
        Some(w) => Ok(w),
        None => bail!("{what} {s:?} is not a day of the week: give mon, tue, … sun"),
    }
}

fn options(a: &PlanCreateArgs) -> anyhow::Result<PlanOptions> {
    Ok(PlanOptions {
        goal: match a.goal {
            GoalArg::Marathon => Goal::Marathon,
            GoalArg::Half => Goal::Half,
            GoalArg::TenK => Goal::TenK,
            GoalArg::FiveK => Goal::FiveK,
            GoalArg::Base => Goal::Base,
        },
        race_date: a.race_date,
        days_per_week: a.days_per_week,
        level: a.level.map(|l| match l {
            LevelArg::Novice => Level::Novice,
            LevelArg::Intermediate => Level::Intermediate,
            LevelArg::Experienced => Level::Experienced,
        }),
        current_weekly_km: a.current_weekly_km,
        long_run_day: weekday(&a.long_run_day, "--long-run-day")?,
        rest_day: weekday(&a.rest_day, "--rest-day")?,
        doubles: a.doubles,
    })
}

pub(crate) fn run(ctx: &Ctx, a: &PlanArgs) -> anyhow::Result<ExitCode> {
    match &a.command {
        PlanCommand::Create(c) => {
            let o = options(c)?;
            let v = ctx.open(true)?.plan_create(&o, jiff::Timestamp::now())?;
            let mut p = Printer::new(c.json);
            p.view(&v, plan_text::created)?;
            done(p)
        }
        PlanCommand::Show { week, id, json } => {
            let v = ctx.open(false)?.plan_show(*id, week.as_deref())?;
            let mut p = Printer::new(*json);
            p.view(&v, plan_text::show)?;
            done(p)
        }
        PlanCommand::List { json } => {
            let v = ctx.open(false)?.plan_list()?;
            let mut p = Printer::new(*json);
            p.view(&v, plan_text::list)?;
            done(p)
        }
        PlanCommand::Delete { id } => {
            let v = ctx.open(true)?.plan_delete(*id)?;
            let mut p = Printer::new(false);
            p.line(&v.message)?;
            done(p)
        }
        PlanCommand::Adapt { json } => {
            let v = ctx.open(true)?.plan_adapt(jiff::Timestamp::now())?;
            let mut p = Printer::new(*json);
            p.view(&v, plan_text::adapt)?;
            done(p)
        }
        PlanCommand::Export(e) => {
            let app = ctx.open(false)?;
            let v = match (&e.ics, &e.fit) {
                (Some(path), _) => {
                    app.plan_export_ics(path, e.tz.clone(), jiff::Timestamp::now())?
                }
                (None, Some(dir)) => {
                    if e.tz.is_some() {
                        bail!("--tz is for --ics (FIT workouts carry no dates)");
                    }
                    app.plan_export_fit(dir, jiff::Timestamp::now())?
                }
                (None, None) => bail!("give --ics FILE or --fit DIR"),
            };
            let mut p = Printer::new(e.json);
            p.view(&v, plan_text::export)?;
            done(p)
        }
    }
}

pub(crate) fn report(ctx: &Ctx, output: &std::path::Path, weeks: u32) -> anyhow::Result<ExitCode> {
    use anyhow::Context as _;
    let v = ctx.open(false)?.report_view(weeks.max(1))?;
    let html = slowburn_report::html::report(&v);
    std::fs::write(output, html.as_bytes())
        .with_context(|| format!("writing the report to {}", output.display()))?;
    let mut p = Printer::new(false);
    p.line(&format!(
        "Wrote {} ({} KB): {} weeks of review, trends, {}{}; opens offline in any browser.",
        output.display(),
        html.len().div_ceil(1024),
        weeks.max(1),
        if v.today.is_some() { "today" } else { "no advice for today (no runs yet)" },
        if v.plan.is_some() { ", the plan" } else { "" }
    ))?;
    done(p)
}

pub(crate) fn today(ctx: &Ctx, json: bool) -> anyhow::Result<ExitCode> {
    let v = ctx.open(false)?.today_view()?;
    let mut p = Printer::new(json);
    p.view(&v, plan_text::today)?;
    done(p)
}

//! The commands that show: `runs`, `show`, `zones`, `week`, `review`, `trends`.

use std::process::ExitCode;

use slowburn_app::{ReviewQuery, RunsQuery, TrendsQuery, ZonesQuery};
use slowburn_report::text;

use super::{model, Ctx};
use crate::cli::{ReviewArgs, ReviewOptions, RunsArgs, ShowArgs, TrendsArgs, WeekArgs, ZonesArgs};
use crate::printer::Printer;

fn done(mut p: Printer) -> anyhow::Result<ExitCode> {
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A FIT sport from a name or number.
fn sport_number(s: &str) -> anyhow::Result<u8> {
    if let Ok(n) = s.parse::<u8>() {
        return Ok(n);
    }
    let want = s.to_ascii_lowercase().replace([' ', '-'], "_");
    (0..=u8::MAX)
        .find(|&n| slowburn_formats::fit::names::sport(n) == Some(want.as_str()))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "unknown sport {s:?} (try running, cycling, walking, hiking or a FIT sport number)"
            )
        })
}

pub(crate) fn options(o: &ReviewOptions) -> slowburn_app::ReviewOptions {
    slowburn_app::ReviewOptions {
        week_start: o.week_start.map(crate::cli::WeekStartArg::weekday),
        recovery_easy: o.recovery_easy,
        model: model(o.model),
    }
}

pub(crate) fn runs(ctx: &Ctx, a: &RunsArgs) -> anyhow::Result<ExitCode> {
    let q = RunsQuery {
        since: a.since,
        until: a.until,
        sport: a.sport.as_deref().map(sport_number).transpose()?,
        limit: a.limit,
    };
    let v = ctx.open(false)?.runs(&q)?;
    let mut p = Printer::new(a.json);
    p.view(&v, |v| text::runs(v, &ctx.cmd))?;
    done(p)
}

pub(crate) fn show(ctx: &Ctx, a: &ShowArgs) -> anyhow::Result<ExitCode> {
    let v = ctx.open(false)?.activity(a.id)?;
    let mut p = Printer::new(a.json);
    p.view(&v, text::activity)?;
    done(p)
}

pub(crate) fn zones(ctx: &Ctx, a: &ZonesArgs) -> anyhow::Result<ExitCode> {
    let q =
        ZonesQuery { model: model(a.model), bounds: a.bounds.clone(), vt1: a.vt1, date: a.date };
    let v = ctx.open(false)?.zones(&q)?;
    let mut p = Printer::new(a.json);
    p.view(&v, |v| text::zones(v, &ctx.cmd))?;
    done(p)
}

pub(crate) fn week(ctx: &Ctx, a: &WeekArgs) -> anyhow::Result<ExitCode> {
    let app = ctx.open(false)?;
    let v = app.week(a.week.as_deref(), &options(&a.options))?;
    let mut p = Printer::new(a.json);
    if !a.json && app.is_empty()? {
        p.line(&text::nothing_yet(&ctx.cmd))?;
        return done(p);
    }
    p.view(&v, text::week)?;
    done(p)
}

pub(crate) fn review(ctx: &Ctx, a: &ReviewArgs) -> anyhow::Result<ExitCode> {
    let q = ReviewQuery {
        weeks: a.weeks,
        since: a.since,
        until: a.until,
        options: options(&a.options),
    };
    let app = ctx.open(false)?;
    let v = app.review(&q)?;
    let mut p = Printer::new(a.json);
    if !a.json && app.is_empty()? {
        p.line(&text::nothing_yet(&ctx.cmd))?;
        return done(p);
    }
    p.view(&v, |v| text::review(v, &ctx.cmd))?;
    done(p)
}

pub(crate) fn trends(ctx: &Ctx, a: &TrendsArgs) -> anyhow::Result<ExitCode> {
    let q = TrendsQuery {
        months: a.months,
        since: a.since,
        until: a.until,
        hr: a.hr,
        compare: a.compare,
        model: model(a.model),
    };
    let app = ctx.open(false)?;
    let v = app.trends(&q)?;
    let mut p = Printer::new(a.json);
    if !a.json && app.is_empty()? {
        p.line(&text::nothing_yet(&ctx.cmd))?;
        return done(p);
    }
    p.view(&v, text::trends)?;
    done(p)
}

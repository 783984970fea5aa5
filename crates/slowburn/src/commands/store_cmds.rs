//! The commands that change the store: `import`, `reanalyze`, `athlete`, `log`, `label`, and
//! `export-originals`. Each brings derived state up to date through the application layer.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::bail;
use slowburn_core::classify::RunType;
use slowburn_core::{ProfileEntry, Sex};
use slowburn_report::text;

use super::Ctx;
use crate::cli::{
    AthleteArgs, AthleteCommand, AthleteSetArgs, ExportOriginalsArgs, ImportArgs, LabelArgs,
    LogArgs, LogCommand,
};
use crate::printer::Printer;

pub(crate) fn import(ctx: &Ctx, a: &ImportArgs) -> anyhow::Result<ExitCode> {
    // Nothing to import is an error before any store is created.
    for p in &a.paths {
        if !p.exists() {
            bail!("{}: no such file or directory", p.display());
        }
    }
    let mut app = ctx.open(true)?;
    let mut p = Printer::new(a.json);
    let bar = p.bar();
    let out = app.import(&a.paths, &bar, a.batch)?;
    p.view(&out, |o| {
        let mut t = text::import(&o.report);
        if o.retyped > 0 {
            t.push_str(&format!("\n  {} run(s) re-typed with what was imported", o.retyped));
        }
        t
    })?;
    p.flush()?;
    Ok(if out.report.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub(crate) fn reanalyze(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open(false)?;
    let t = Instant::now();
    let (n, retyped) = app.reanalyze()?;
    let mut p = Printer::new(false);
    p.line(&format!(
        "re-analysed {n} activities from their original files in {:.2} s ({retyped} re-typed)",
        t.elapsed().as_secs_f64()
    ))?;
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn export_originals(ctx: &Ctx, a: &ExportOriginalsArgs) -> anyhow::Result<ExitCode> {
    let o = ctx.open(false)?.export_originals(&a.dir)?;
    let mut p = Printer::new(false);
    let there = match o.already_there {
        0 => String::new(),
        n => format!("; {n} already there, byte-identical, left as they were"),
    };
    p.line(&format!(
        "wrote {} original files ({:.1} MB) to {}{there}",
        o.written,
        o.bytes as f64 / 1e6,
        a.dir.display()
    ))?;
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `4:05` → 245 s/km.
pub(crate) fn parse_pace(s: &str) -> anyhow::Result<f64> {
    let (m, sec) = s.split_once(':').unwrap_or((s, "0"));
    let (m, sec): (u32, u32) = (m.trim().parse()?, sec.trim().parse()?);
    if sec >= 60 || m == 0 || m > 30 {
        bail!("pace {s:?} is not m:ss per km between 1:00 and 30:00");
    }
    Ok(f64::from(m * 60 + sec))
}

fn entry(a: &AthleteSetArgs, today: jiff::civil::Date) -> anyhow::Result<ProfileEntry> {
    let from = a.from.unwrap_or(today);
    let mut e = ProfileEntry::new(from);
    e.max_hr = a.max_hr;
    e.resting_hr = a.resting_hr;
    e.lthr = a.lthr;
    e.threshold_pace_s_per_km = a.threshold_pace.as_deref().map(parse_pace).transpose()?;
    e.sex = match a.sex.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("f" | "female") => Some(Sex::Female),
        Some("m" | "male") => Some(Sex::Male),
        Some(other) => bail!("sex {other:?}: use female or male"),
    };
    e.birth_year = a.birth_year;
    if e == ProfileEntry::new(from) {
        bail!("nothing to set: give at least one of --max-hr, --resting-hr, --lthr, --threshold-pace, --sex, --birth-year");
    }
    Ok(e)
}

fn change(json: bool, v: &slowburn_report::views::ChangeView) -> anyhow::Result<ExitCode> {
    let mut p = Printer::new(json);
    p.view(v, |v| {
        if v.retyped > 0 {
            format!("{}; {} run(s) re-typed", v.message, v.retyped)
        } else {
            v.message.clone()
        }
    })?;
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn athlete(ctx: &Ctx, a: &AthleteArgs) -> anyhow::Result<ExitCode> {
    match &a.command {
        AthleteCommand::Set(s) => {
            let e = entry(s, ctx.today)?;
            let v = ctx.open(true)?.athlete_set(&e)?;
            change(false, &v)
        }
        AthleteCommand::Show { date, json } => {
            let v = ctx.open(false)?.athlete(*date)?;
            let mut p = Printer::new(*json);
            p.view(&v, |v| text::athlete(v, &ctx.cmd))?;
            p.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn log(ctx: &Ctx, a: &LogArgs) -> anyhow::Result<ExitCode> {
    let mut app = ctx.open(true)?;
    let v = match &a.command {
        LogCommand::Rhr { bpm, date } => app.log_rhr(*bpm, *date)?,
        LogCommand::Rpe { id, rpe } => app.log_rpe(*id, *rpe)?,
        LogCommand::Note { text, date, kind } => {
            app.log_note(&text.join(" "), kind.as_deref(), *date)?
        }
    };
    change(false, &v)
}

pub(crate) fn label(ctx: &Ctx, a: &LabelArgs) -> anyhow::Result<ExitCode> {
    let t = if a.run_type.eq_ignore_ascii_case("auto") {
        None
    } else {
        Some(RunType::from_user(&a.run_type).ok_or_else(|| {
            let names: Vec<&str> = RunType::ALL.iter().map(|t| t.name()).collect();
            anyhow::anyhow!("unknown type {:?}: one of {}, or auto", a.run_type, names.join(", "))
        })?)
    };
    let mut v = ctx.open(false)?.label(a.id, t)?;
    if t.is_some() {
        v.message.push_str(&format!(" (`{} label {} auto` undoes it)", ctx.cmd, a.id));
    }
    change(false, &v)
}

//! The commands of a `PostgreSQL` store: `migrate` (a runner's store into the server) and
//! `access` (accounts, coaches' grants, clubs). The work is in `slowburn_store_pg`.

use std::io::BufRead as _;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use serde::Serialize;
use slowburn_store::SqliteStore;
use slowburn_store_pg::{redact, Access, Level, PgStore, Sharing};

use super::{server_url, Ctx};
use crate::cli::{AccessArgs, AccessCommand, GrantArg, MigrateArgs, SharingArg};
use crate::printer::Printer;

/// What `migrate --json` prints.
#[derive(Debug, Serialize)]
struct MigrateView {
    from: String,
    to: String,
    athlete: String,
    already_there: bool,
    activities: usize,
    originals: usize,
    original_bytes: u64,
    duplicates: usize,
    athlete_entries: usize,
    daily_logs: usize,
    rpes: usize,
    labels: usize,
    profile_periods: usize,
    plans: usize,
    plan_revisions: usize,
}

pub(crate) fn migrate(ctx: &Ctx, a: &MigrateArgs) -> anyhow::Result<ExitCode> {
    let Some(url) = server_url(std::path::Path::new(&a.to)) else {
        bail!("--to {:?} is not a PostgreSQL address (postgres://user@host/db)", redact(&a.to));
    };
    let athlete = ctx.server_athlete()?;
    if !a.from.is_file() {
        bail!("{}: no such store file", a.from.display());
    }
    let mut src = SqliteStore::open(&a.from)
        .with_context(|| format!("opening the store {}", a.from.display()))?;
    let mut dst = PgStore::connect(url, athlete)?;
    let r = slowburn_store_pg::migrate_from(&mut src, &mut dst).with_context(|| {
        format!("moving {} into {} as {athlete:?}", a.from.display(), redact(url))
    })?;
    let v = MigrateView {
        from: a.from.display().to_string(),
        to: redact(url),
        athlete: athlete.to_owned(),
        already_there: r.already_there,
        activities: r.activities,
        originals: r.originals,
        original_bytes: r.original_bytes,
        duplicates: r.duplicates,
        athlete_entries: r.athlete_entries,
        daily_logs: r.daily_logs,
        rpes: r.rpes,
        labels: r.labels,
        profile_periods: r.profile_periods,
        plans: r.plans,
        plan_revisions: r.plan_revisions,
    };
    let mut p = Printer::new(a.json);
    p.view(&v, |v| {
        if v.already_there {
            format!(
                "{} already holds exactly this history for {:?}: nothing was written.",
                v.to, v.athlete
            )
        } else {
            format!(
                "Moved {} into {} as athlete {:?}: {} activities, {} original files ({:.1} MB), \
                 {} duplicates, {} profile entries, {} daily logs, {} RPEs, {} labels, {} plans \
                 ({} revisions).\nChecked: the server's copy dumps line for line as the file \
                 does, and every original's bytes hash to its name. The file is unchanged.",
                v.from,
                v.to,
                v.athlete,
                v.activities,
                v.originals,
                v.original_bytes as f64 / (1024.0 * 1024.0),
                v.duplicates,
                v.athlete_entries,
                v.daily_logs,
                v.rpes,
                v.labels,
                v.plans,
                v.plan_revisions,
            )
        }
    })?;
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The secret of a new account: `SLOWBURN_SECRET`, else standard input's first line.
fn secret() -> anyhow::Result<String> {
    if let Ok(s) = std::env::var("SLOWBURN_SECRET") {
        if !s.is_empty() {
            return Ok(s);
        }
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the secret from standard input")?;
    let s = line.trim_end_matches(['\n', '\r']).to_owned();
    if s.is_empty() {
        bail!("no secret: set SLOWBURN_SECRET or give it on standard input's first line");
    }
    Ok(s)
}

fn action_name(a: slowburn_store_pg::Action) -> &'static str {
    use slowburn_store_pg::Action;
    match a {
        Action::ReadSummary => "summaries",
        Action::Read => "read",
        Action::Label => "label",
        Action::Plan => "plan",
        Action::Note => "log",
        Action::Admin => "own",
    }
}

/// One athlete an account sees, for `access show`.
#[derive(Debug, Serialize)]
struct SeenView {
    athlete: String,
    may: Vec<String>,
}

pub(crate) fn access(ctx: &Ctx, a: &AccessArgs) -> anyhow::Result<ExitCode> {
    let Some(url) = ctx.server() else {
        bail!(
            "accounts, grants and clubs are a PostgreSQL store's: give --db postgres://user@host/db"
        );
    };
    let mut acc = Access::connect(url)?;
    // The athlete's own acts are done as the athlete's account (the operator's command line
    // holds the database's credentials, which can do anything anyway).
    let as_athlete = |acc: &mut Access| -> anyhow::Result<(String, slowburn_store_pg::Caller)> {
        let athlete = ctx.server_athlete()?.to_owned();
        let login = acc.login_of_athlete(&athlete)?.with_context(|| {
            format!(
                "athlete {athlete:?} has no account to act as: make one with `{} --db … --athlete \
                 {athlete} access add-account LOGIN`",
                ctx.cmd
            )
        })?;
        Ok((athlete, acc.act_as(&login)?))
    };
    let mut p = Printer::new(false);
    match &a.command {
        AccessCommand::AddAccount { login } => {
            let secret = secret()?;
            let athlete = ctx.athlete.as_deref();
            acc.create_account(login, &secret, athlete)?;
            match athlete {
                Some(n) => p.line(&format!("account {login:?} made: it is athlete {n:?}"))?,
                None => p.line(&format!("account {login:?} made (a coach or a club admin)"))?,
            }
        }
        AccessCommand::Grant { coach, level } => {
            let (athlete, by) = as_athlete(&mut acc)?;
            let level = match level {
                GrantArg::View => Level::View,
                GrantArg::Edit => Level::Edit,
            };
            acc.grant(&by, &athlete, coach, level)?;
            p.line(&format!(
                "{coach:?} may now {} athlete {athlete:?}",
                match level {
                    Level::View => "see the history of",
                    Level::Edit => "see, label, log and plan for",
                }
            ))?;
        }
        AccessCommand::Revoke { coach } => {
            let (athlete, by) = as_athlete(&mut acc)?;
            acc.revoke(&by, &athlete, coach)?;
            p.line(&format!("{coach:?} no longer sees athlete {athlete:?} as their coach"))?;
        }
        AccessCommand::AddClub { club, admin } => {
            let by = acc.act_as(admin)?;
            acc.create_club(&by, club)?;
            p.line(&format!("club {club:?} made, with {admin:?} as its admin"))?;
        }
        AccessCommand::Invite { club, by } => {
            let athlete = ctx.server_athlete()?.to_owned();
            let admin = acc.act_as(by)?;
            acc.invite(&admin, club, &athlete)?;
            p.line(&format!(
                "athlete {athlete:?} is invited to club {club:?}: they join, choosing what it \
                 sees, with `{} --db … --athlete {athlete} access join {club} --sharing \
                 summary|view|none`",
                ctx.cmd
            ))?;
        }
        AccessCommand::Join { club, sharing } => {
            let (athlete, by) = as_athlete(&mut acc)?;
            let s = match sharing {
                SharingArg::None => Sharing::None,
                SharingArg::Summary => Sharing::Summary,
                SharingArg::View => Sharing::View,
            };
            acc.join_club(&by, &athlete, club, s)?;
            p.line(&format!(
                "athlete {athlete:?} is in club {club:?}, sharing {}",
                match s {
                    Sharing::None => "nothing",
                    Sharing::Summary => "run summaries (date, type, duration, distance)",
                    Sharing::View => "the whole history, read only",
                }
            ))?;
        }
        AccessCommand::Leave { club } => {
            let (athlete, by) = as_athlete(&mut acc)?;
            acc.leave_club(&by, &athlete, club)?;
            p.line(&format!("athlete {athlete:?} left club {club:?}"))?;
        }
        AccessCommand::Show { login, json } => {
            let who = acc.act_as(login)?;
            let seen: Vec<SeenView> = acc
                .visible(&who)?
                .into_iter()
                .map(|v| SeenView {
                    athlete: v.name,
                    may: v
                        .rights
                        .actions()
                        .into_iter()
                        .map(|a| action_name(a).to_owned())
                        .collect(),
                })
                .collect();
            let mut p = Printer::new(*json);
            p.view(&seen, |seen| {
                if seen.is_empty() {
                    return format!("{login:?} sees no athlete");
                }
                let mut o = String::new();
                for s in seen {
                    o.push_str(&format!("{}: {}\n", s.athlete, s.may.join(", ")));
                }
                o.trim_end().to_owned()
            })?;
            p.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

//! `serve`: the dashboard and its JSON API (`slowburn-web`, `docs/API.md`) over the database
//! and configuration every other command uses, until Ctrl-C.

use std::process::ExitCode;

use anyhow::Context as _;
use slowburn_web::{Server, WebConfig};

use super::Ctx;
use crate::cli::ServeArgs;
use crate::printer::Printer;

pub(crate) fn run(
    ctx: &Ctx,
    a: &ServeArgs,
    today: Option<jiff::civil::Date>,
) -> anyhow::Result<ExitCode> {
    let max_upload_bytes = usize::try_from(a.max_upload_mb)
        .ok()
        .and_then(|mb| mb.checked_mul(1024 * 1024))
        .with_context(|| format!("--max-upload-mb {} is too large", a.max_upload_mb))?;
    let cfg = if let Some(url) = ctx.server() {
        if a.pool == 0 {
            anyhow::bail!("--pool must be at least 1 connection");
        }
        let pool = slowburn_store_pg::Pool::new(url, a.pool)?;
        WebConfig {
            today,
            token: a.token.clone(),
            max_upload_bytes,
            ..WebConfig::server(pool, ctx.config()?)
        }
    } else {
        let db = match &ctx.db {
            Some(p) => p.clone(),
            None => super::default_db()?,
        };
        WebConfig {
            db,
            config: ctx.config()?,
            today,
            token: a.token.clone(),
            max_upload_bytes,
            server: None,
        }
    };
    let many = cfg.server.as_ref().map(slowburn_store_pg::Pool::shown);
    let server = Server::bind(a.addr, cfg)?;
    let at = server.local_addr()?;
    let mut p = Printer::new(false);
    p.line(&format!("serving http://{at} (Ctrl-C stops)"))?;
    if let Some(db) = many {
        p.line(&format!(
            "  the athletes of {db}: sign in at http://{at}/sign-in (accounts: `{} --db … access`)",
            ctx.cmd
        ))?;
    }
    if let Some(t) = &a.token {
        p.line(&format!(
            "  every request needs the token: open http://{at}/?token={t} once in the browser; \
             scripts send Authorization: Bearer …"
        ))?;
    }
    p.flush()?;
    server.run()?;
    Ok(ExitCode::SUCCESS)
}

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
    let db = match &ctx.db {
        Some(p) => p.clone(),
        None => super::default_db()?,
    };
    let max_upload_bytes = usize::try_from(a.max_upload_mb)
        .ok()
        .and_then(|mb| mb.checked_mul(1024 * 1024))
        .with_context(|| format!("--max-upload-mb {} is too large", a.max_upload_mb))?;
    let cfg =
        WebConfig { db, config: ctx.config()?, today, token: a.token.clone(), max_upload_bytes };
    let server = Server::bind(a.addr, cfg)?;
    let at = server.local_addr()?;
    let mut p = Printer::new(false);
    p.line(&format!("serving http://{at} (Ctrl-C stops)"))?;
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

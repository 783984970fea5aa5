//! One module per subcommand; each parses nothing and computes nothing: it calls the
//! application layer and prints the view.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use slowburn_app::{App, Config, ZoneModelName};
use slowburn_store::SqliteStore;

use crate::cli::{Cli, Command, ZoneModelArg};

mod backup;
mod demo;
mod inspect;
mod plan;
mod serve;
mod server;
mod store_cmds;
mod synth;
mod views;

/// What every command that opens the store needs.
pub(crate) struct Ctx {
    db: Option<PathBuf>,
    /// The athlete on a `PostgreSQL` store.
    pub(crate) athlete: Option<String>,
    today: jiff::civil::Date,
    /// How the user runs slowburn, for hints (`slowburn`, or the path they started).
    pub cmd: String,
}

/// The default database path: `slowburn.db` in the platform data dir.
fn default_db() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "slowburn")
        .context("no home directory to keep the database in; pass --db PATH")?;
    Ok(dirs.data_dir().join("slowburn.db"))
}

/// Where the configuration is read from: `SLOWBURN_CONFIG`, else the platform config dir.
fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SLOWBURN_CONFIG") {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "slowburn").map(|d| d.config_dir().join("config.toml"))
}

/// How to name this program in a hint: `slowburn` when that is what the PATH runs, else the
/// path it was started by.
fn command_name() -> String {
    let Ok(exe) = std::env::current_exe().and_then(std::fs::canonicalize) else {
        return "slowburn".into();
    };
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths)
            .any(|d| std::fs::canonicalize(d.join("slowburn")).is_ok_and(|p| p == exe))
    });
    if on_path {
        return "slowburn".into();
    }
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| exe.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| exe.clone());
    shown.display().to_string()
}

/// The `PostgreSQL` address `--db` names, if it names one (`postgres://…` or `postgresql://…`).
pub(crate) fn server_url(db: &Path) -> Option<&str> {
    let s = db.to_str()?;
    (s.starts_with("postgres://") || s.starts_with("postgresql://")).then_some(s)
}

/// How a store is named in a message: its path, or its address without the password.
fn store_name(db: &Path) -> String {
    match server_url(db) {
        Some(url) => slowburn_store_pg::redact(url),
        None => db.display().to_string(),
    }
}

impl Ctx {
    /// The `PostgreSQL` address of `--db`, when the store is on a server.
    pub(crate) fn server(&self) -> Option<&str> {
        self.db.as_deref().and_then(server_url)
    }

    /// The athlete `--athlete` names, required with a `PostgreSQL` `--db`.
    pub(crate) fn server_athlete(&self) -> anyhow::Result<&str> {
        self.athlete.as_deref().filter(|a| !a.is_empty()).with_context(|| {
            format!(
                "the store {} holds many athletes: say whose history with --athlete NAME (or \
                 SLOWBURN_ATHLETE)",
                self.server().map_or_else(String::new, slowburn_store_pg::redact)
            )
        })
    }

    /// The store's file, for a command that works on the `SQLite` file itself (`what`): refused
    /// for a `PostgreSQL` store, which the server's own tools back up.
    pub(crate) fn file_db(&self, what: &str) -> anyhow::Result<PathBuf> {
        if let Some(url) = self.server() {
            anyhow::bail!(
                "{what} works on a store's file, and {} is a PostgreSQL server: back it up with \
                 pg_dump, or copy an athlete out with `{} --db FILE migrate --from {} --to FILE \
                 --athlete NAME`",
                slowburn_store_pg::redact(url),
                self.cmd,
                slowburn_store_pg::redact(url)
            );
        }
        match &self.db {
            Some(p) => Ok(p.clone()),
            None => default_db(),
        }
    }

    /// Open the store and the application over it. `create`: a command that adds data may
    /// create a new store (a new athlete on a server); one that reads refuses a store that does
    /// not exist.
    pub(crate) fn open(&self, create: bool) -> anyhow::Result<App> {
        if let Some(url) = self.server() {
            let athlete = self.server_athlete()?;
            let store = if create {
                slowburn_store_pg::PgStore::connect(url, athlete)?
            } else {
                slowburn_store_pg::PgStore::open_existing(url, athlete)?
            };
            return Ok(App::open(Box::new(store), self.config()?, self.today)?);
        }
        if let Some(a) = &self.athlete {
            anyhow::bail!(
                "--athlete {a:?} names an athlete on a PostgreSQL store (--db postgres://…); a \
                 store's file holds one athlete's history"
            );
        }
        let path = match &self.db {
            Some(p) => p.clone(),
            None => default_db()?,
        };
        if !create && !path.exists() {
            // Reading an empty history needs no file: an in-memory store answers the same.
            let store = SqliteStore::open_in_memory()?;
            return Ok(App::open(Box::new(store), self.config()?, self.today)?);
        }
        let store = SqliteStore::open(&path)
            .with_context(|| format!("opening the database {}", path.display()))?;
        Ok(App::open(Box::new(store), self.config()?, self.today)?)
    }

    #[allow(clippy::unused_self)] // the configuration belongs to the invocation, as the store does
    pub(crate) fn config(&self) -> anyhow::Result<Config> {
        Ok(Config::load(config_path().as_deref())?)
    }
}

pub(crate) fn model(m: Option<ZoneModelArg>) -> Option<ZoneModelName> {
    m.map(|m| match m {
        ZoneModelArg::Hrmax => ZoneModelName::Hrmax,
        ZoneModelArg::Hrr => ZoneModelName::Hrr,
        ZoneModelArg::Lthr => ZoneModelName::Lthr,
        ZoneModelArg::ThreeZone => ZoneModelName::ThreeZone,
        ZoneModelArg::Pace => ZoneModelName::Pace,
        ZoneModelArg::Custom => ZoneModelName::Custom,
    })
}

pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let today = match cli.today {
        Some(d) => d,
        None => jiff::Zoned::now().date(),
    };
    let ctx = Ctx { db: cli.db.clone(), athlete: cli.athlete.clone(), today, cmd: command_name() };
    let db = ctx.db.clone();
    dispatch(&ctx, cli).map_err(|e| {
        // A full disk, a read-only filesystem, a lock: name the store it happened to.
        let environment = e.chain().any(|c| {
            c.downcast_ref::<slowburn_store::StoreError>()
                .is_some_and(slowburn_store::StoreError::is_environment)
                || c.downcast_ref::<slowburn_app::AppError>().is_some_and(|a| match a {
                    slowburn_app::AppError::Store(s)
                    | slowburn_app::AppError::Import(slowburn_import::ImportError::Store(s)) => {
                        s.is_environment()
                    }
                    _ => false,
                })
        });
        match (environment, db.or_else(|| default_db().ok()).map(|p| store_name(&p))) {
            (true, Some(name)) if !format!("{e:#}").contains(&name) => {
                e.context(format!("the store {name}"))
            }
            _ => e,
        }
    })
}

fn dispatch(ctx: &Ctx, cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Synth(args) => synth::run(&args),
        Command::Demo(args) => demo::run(ctx, &args),
        Command::Import(args) => store_cmds::import(ctx, &args),
        Command::ExportOriginals(args) => store_cmds::export_originals(ctx, &args),
        Command::Reanalyze(_) => store_cmds::reanalyze(ctx),
        Command::Athlete(args) => store_cmds::athlete(ctx, &args),
        Command::Log(args) => store_cmds::log(ctx, &args),
        Command::Label(args) => store_cmds::label(ctx, &args),
        Command::Runs(args) => views::runs(ctx, &args),
        Command::Show(args) => views::show(ctx, &args),
        Command::Zones(args) => views::zones(ctx, &args),
        Command::Week(args) => views::week(ctx, &args),
        Command::Review(args) => views::review(ctx, &args),
        Command::Trends(args) => views::trends(ctx, &args),
        Command::Plan(args) => plan::run(ctx, &args),
        Command::Today { json } => plan::today(ctx, json),
        Command::Report { output, weeks } => plan::report(ctx, &output, weeks),
        Command::Serve(args) => serve::run(ctx, &args, cli.today),
        Command::Backup(args) => backup::backup(ctx, &args),
        Command::Migrate(args) => server::migrate(ctx, &args),
        Command::Access(args) => server::access(ctx, &args),
        Command::Restore(args) => backup::restore(ctx, &args),
    }
}

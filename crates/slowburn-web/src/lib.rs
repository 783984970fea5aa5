//! `slowburn-web`: the local dashboard (`slowburn serve`) — HTML pages and a JSON API over the
//! application layer. Every page and every `/api/` answer is the view model of the matching CLI
//! command, rendered by `slowburn-report`; the forms and uploads call the same `App` changes
//! and the same import pipeline as the CLI. No logic here that the CLI lacks.
//!
//! # Design
//! - **One request, one `App`.** `SQLite` is synchronous: each request opens the store and the
//!   application inside `tokio::task::spawn_blocking`, exactly as a CLI command does. The store
//!   runs in WAL mode with a busy timeout, so `slowburn import` can write into the same database
//!   while the server answers; nothing is cached between requests, so no answer is stale.
//! - **Safe by default.** The server binds to loopback; a non-loopback address without a token
//!   refuses to start. With a token every request needs `Authorization: Bearer …` or the cookie
//!   that the one-time link `/?token=…` sets (`HttpOnly`, `SameSite=Strict`). Without one, only
//!   requests addressed to a loopback host are answered (no DNS rebinding), and a form posted
//!   from another site is refused ([`guard`]).
//! - **Errors are answers.** Every error — a bad value, an unknown run, a body over its limit,
//!   a route that does not exist — is its status with `{"error": "…"}` naming the value, or the
//!   same message as an HTML page when a browser asks for a page ([`error`]). Nothing a request
//!   sends can panic the server.

mod api;
mod cache;
mod error;
mod guard;
mod layout;
mod pages;
mod params;
mod server;
mod upload;
mod work;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

/// The body limit of forms and JSON requests, bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The default limit of one upload (all its files together), bytes.
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// The fewest characters a token may have.
pub const MIN_TOKEN_LEN: usize = 12;

/// What the server serves, and how.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The database (created by the first change when it does not exist yet; until then the
    /// pages show an empty history).
    pub db: PathBuf,
    /// The configuration (zone model, week start), as the CLI loads it.
    pub config: slowburn_app::Config,
    /// The athlete's local "today": fixed (tests, looking at a past day), else the system's
    /// local date at each request.
    pub today: Option<jiff::civil::Date>,
    /// The token every request must carry; `None` serves loopback without authentication.
    pub token: Option<String>,
    /// The limit of one upload, bytes.
    pub max_upload_bytes: usize,
    /// Server mode: many athletes' stores in a `PostgreSQL` database, on this pool; callers sign
    /// in ([`server`]), and `db` and `token` are not used.
    pub server: Option<slowburn_store_pg::Pool>,
}

impl WebConfig {
    /// A configuration for `db` with the defaults: no token, today from the clock, 64 MB uploads.
    #[must_use]
    pub fn new(db: PathBuf, config: slowburn_app::Config) -> WebConfig {
        WebConfig {
            db,
            config,
            today: None,
            token: None,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            server: None,
        }
    }

    /// A configuration serving the athletes of the `PostgreSQL` database behind `pool`.
    #[must_use]
    pub fn server(pool: slowburn_store_pg::Pool, config: slowburn_app::Config) -> WebConfig {
        WebConfig {
            db: PathBuf::new(),
            config,
            today: None,
            token: None,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            server: Some(pool),
        }
    }
}

/// Why the server cannot start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(
        "{addr} is reachable from other machines: give a token (--token or SLOWBURN_TOKEN) to \
         serve there, or serve on loopback (127.0.0.1)"
    )]
    NeedsToken { addr: SocketAddr },
    #[error(
        "the token is {why}: use at least {MIN_TOKEN_LEN} characters of A–Z, a–z, 0–9, '-', '.', \
         '_' or '~'"
    )]
    BadToken { why: String },
    #[error(
        "a server of many athletes signs each caller in (accounts: `slowburn --db postgres://… \
         access`): it takes no --token"
    )]
    TokenWithServer,
    #[error("the upload limit must be at least 1 byte")]
    BadUploadLimit,
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot start the server's runtime: {0}")]
    Runtime(std::io::Error),
    #[error("serving: {0}")]
    Serve(std::io::Error),
}

/// Refuse a configuration the server must not start with: a non-loopback address without a
/// token, a token that is short or holds characters a cookie or URL would mangle.
pub fn check(addr: SocketAddr, cfg: &WebConfig) -> Result<(), WebError> {
    if cfg.server.is_some() {
        // Every caller signs in; a token has no place.
        if cfg.token.is_some() {
            return Err(WebError::TokenWithServer);
        }
        if cfg.max_upload_bytes == 0 {
            return Err(WebError::BadUploadLimit);
        }
        return Ok(());
    }
    match &cfg.token {
        None if !addr.ip().is_loopback() => return Err(WebError::NeedsToken { addr }),
        None => {}
        Some(t) => {
            let n = t.chars().count();
            if n < MIN_TOKEN_LEN {
                return Err(WebError::BadToken { why: format!("{n} characters long") });
            }
            if let Some(c) = t.chars().find(|c| !guard::token_char(*c)) {
                return Err(WebError::BadToken { why: format!("holding {c:?}") });
            }
        }
    }
    if cfg.max_upload_bytes == 0 {
        return Err(WebError::BadUploadLimit);
    }
    Ok(())
}

/// The dashboard's routes: the pages, the forms, the JSON API, with the guard, the body limits
/// and the error answers around them.
pub fn router(cfg: WebConfig) -> Router {
    let server = cfg.server.is_some();
    let state = Arc::new(cfg);
    let dashboard = dashboard(&state);
    if !server {
        return dashboard
            .layer(axum::middleware::from_fn_with_state(state.clone(), guard::guard))
            .layer(axum::middleware::from_fn_with_state(state.clone(), error::finish));
    }
    // Server mode: the sign-in routes, the coach's overview, and each athlete's dashboard under
    // `/athletes/{name}/`, behind the session check.
    Router::new()
        .route("/", get(server::overview))
        .route("/api/overview", get(server::api_overview))
        .route("/sign-in", get(server::sign_in_form).post(server::sign_in))
        .route("/sign-out", post(server::sign_out))
        .route("/api/session", post(server::api_session).delete(server::sign_out))
        .route("/athletes/{name}", get(server::athlete_root))
        .route("/athletes/{name}/", axum::routing::any(server::athlete_index))
        .route("/athletes/{name}/{*rest}", axum::routing::any(server::athlete))
        .fallback(error::not_found)
        .layer(axum::Extension(server::Inner(dashboard)))
        // The sign-in forms' limit; an athlete's routes set their own (uploads) inside.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(state.clone(), server::signed_in))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::finish))
        .with_state(state)
}

/// One athlete's dashboard: the pages, the forms, the JSON API, with the body limits and the
/// kept answers.
fn dashboard(state: &Arc<WebConfig>) -> Router {
    let upload_limit = DefaultBodyLimit::max(state.max_upload_bytes);
    let state = Arc::clone(state);
    let api = Router::new()
        .route("/runs", get(api::runs))
        .route("/runs/{id}", get(api::run))
        .route("/runs/{id}/streams", get(api::streams))
        .route("/runs/{id}/label", post(api::label))
        .route("/week", get(api::week))
        .route("/review", get(api::review))
        .route("/trends", get(api::trends))
        .route("/zones", get(api::zones))
        .route("/plan", get(api::plan))
        .route("/today", get(api::today))
        .route("/athlete", get(api::athlete))
        .route("/log/rhr", post(api::log_rhr))
        .route("/log/rpe", post(api::log_rpe))
        .route("/log/note", post(api::log_note))
        .route("/upload", post(api::upload).layer(upload_limit));
    Router::new()
        .route("/", get(pages::overview))
        .route("/runs", get(pages::runs))
        .route("/runs/{id}", get(pages::run))
        .route("/runs/{id}/label", post(pages::label))
        .route("/zones", get(pages::zones))
        .route("/plan", get(pages::plan))
        .route("/athlete", get(pages::athlete))
        .route("/log/rhr", post(pages::log_rhr))
        .route("/log/rpe", post(pages::log_rpe))
        .route("/log/note", post(pages::log_note))
        .route("/upload", post(pages::upload).layer(upload_limit))
        .nest("/api", api)
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), Arc::new(cache::Cache::default())),
            cache::cache,
        ))
        .with_state(state)
}

/// A bound server, ready to run.
pub struct Server {
    runtime: tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    cfg: WebConfig,
}

impl Server {
    /// Check the configuration, start a runtime and listen on `addr` (port 0: any free port).
    pub fn bind(addr: SocketAddr, cfg: WebConfig) -> Result<Server, WebError> {
        check(addr, &cfg)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(WebError::Runtime)?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(addr))
            .map_err(|source| WebError::Bind { addr, source })?;
        Ok(Server { runtime, listener, cfg })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> Result<SocketAddr, WebError> {
        self.listener.local_addr().map_err(WebError::Serve)
    }

    /// Serve until Ctrl-C (or SIGTERM); requests under way are answered before it returns.
    pub fn run(self) -> Result<(), WebError> {
        let Server { runtime, listener, cfg } = self;
        runtime.block_on(serve_on(listener, cfg))
    }
}

/// Serve on `addr` until Ctrl-C (or SIGTERM), then finish the requests under way.
pub async fn serve(addr: SocketAddr, cfg: WebConfig) -> Result<(), WebError> {
    check(addr, &cfg)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| WebError::Bind { addr, source })?;
    serve_on(listener, cfg).await
}

async fn serve_on(listener: tokio::net::TcpListener, cfg: WebConfig) -> Result<(), WebError> {
    axum::serve(listener, router(cfg))
        .with_graceful_shutdown(stopped())
        .await
        .map_err(WebError::Serve)
}

/// Resolves at Ctrl-C or, on Unix, SIGTERM.
async fn stopped() {
    let ctrl_c = async {
        // Without a signal handler the server runs until it is killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

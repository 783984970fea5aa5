//! One request's work on the application: the store and the `App` opened on a blocking thread,
//! as a CLI command opens them, and closed when the request is answered.

use std::sync::Arc;

use slowburn_app::App;
use slowburn_store::{SqliteStore, Store};

use crate::error::ApiError;
use crate::WebConfig;

/// Whether a request reads or changes the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Reads: a database that does not exist yet reads as an empty history (none is created).
    Read,
    /// Changes: the database is created when it does not exist yet.
    Write,
}

/// The athlete's local today for this request.
pub(crate) fn today(cfg: &WebConfig) -> jiff::civil::Date {
    cfg.today.unwrap_or_else(|| jiff::Zoned::now().date())
}

fn open(
    cfg: &WebConfig,
    access: Access,
    scope: Option<&crate::server::Scope>,
) -> Result<App, ApiError> {
    if let Some(pool) = &cfg.server {
        // Server mode: the scope's athlete, opened as the caller, for what the route does
        // (checked before the route ran; the store checks each write again).
        let Some(scope) = scope else {
            return Err(ApiError::internal(
                "a request reached an athlete's route without its athlete",
            ));
        };
        let action = match access {
            Access::Read => slowburn_store_pg::Action::Read,
            Access::Write => scope.action,
        };
        let store =
            slowburn_store_pg::PgStore::open_pooled(pool, &scope.caller, &scope.athlete, action)
                .map_err(|e| ApiError::new(axum::http::StatusCode::FORBIDDEN, e.to_string()))?;
        return Ok(App::open(Box::new(store), cfg.config.clone(), today(cfg))?);
    }
    let store: Box<dyn Store> = if access == Access::Read && !cfg.db.exists() {
        Box::new(SqliteStore::open_in_memory()?)
    } else {
        Box::new(SqliteStore::open(&cfg.db)?)
    };
    Ok(App::open(store, cfg.config.clone(), today(cfg))?)
}

/// Run `f` on a fresh `App` on a blocking thread.
pub(crate) async fn with_app<T, F>(
    cfg: &Arc<WebConfig>,
    access: Access,
    f: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut App) -> Result<T, ApiError> + Send + 'static,
{
    let cfg = Arc::clone(cfg);
    // The athlete's scope (server mode) goes with the work onto its thread.
    let scope = crate::server::scope();
    tokio::task::spawn_blocking(move || {
        let mut app = open(&cfg, access, scope.as_ref())?;
        f(&mut app)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the request's work stopped: {e}")))?
}

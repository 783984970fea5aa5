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

fn open(cfg: &WebConfig, access: Access) -> Result<App, ApiError> {
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
    tokio::task::spawn_blocking(move || {
        let mut app = open(&cfg, access)?;
        f(&mut app)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the request's work stopped: {e}")))?
}

//! Answers to reads, kept until the history changes.
//!
//! Every page and API answer is a function of the database, the configuration (fixed while the
//! server runs) and today's date. A `GET` that answered 200 is kept, keyed by its path and
//! query, and served again while the database is unchanged; any change — through this server
//! or through the CLI importing into the same database — changes the database's file or its
//! write-ahead log (size or modification time), which drops every kept answer. So a reader sees
//! exactly what a fresh render would show, and a repeated page costs two `stat`s instead of a
//! history read (docs/PERFORMANCE.md).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::WebConfig;

/// At most this many answers are kept (the oldest change clears them all anyway).
const MAX_ENTRIES: usize = 512;
/// An answer larger than this is not kept, bytes.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// What the answers were rendered from: the database file and its write-ahead log (length and
/// modification time of each; `None` when absent) and the day.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    db: Option<(u64, SystemTime)>,
    wal: Option<(u64, SystemTime)>,
    today: jiff::civil::Date,
    /// In server mode: the athlete's change counter (every write to their store advances it).
    changes: Option<i64>,
}

fn stamp(p: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(p).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// The version of what a request reads: in server mode, the scope's athlete's change counter
/// (`None` when it cannot be read: then nothing is kept or served from the cache).
async fn version(cfg: &Arc<WebConfig>) -> Option<Version> {
    let Some(pool) = cfg.server.clone() else {
        return Some(file_version(cfg));
    };
    let scope = crate::server::scope()?;
    let changes = tokio::task::spawn_blocking(move || {
        slowburn_store_pg::Access::from_pool(&pool)?.changes_of(&scope.athlete)
    })
    .await
    .ok()?
    .ok()?;
    Some(Version { db: None, wal: None, today: crate::work::today(cfg), changes: Some(changes) })
}

fn file_version(cfg: &WebConfig) -> Version {
    let mut wal = cfg.db.clone().into_os_string();
    wal.push("-wal");
    Version {
        db: stamp(&cfg.db),
        // An empty log is what a reader's connection leaves; only written frames are changes.
        wal: stamp(Path::new(&wal)).filter(|(len, _)| *len > 0),
        today: crate::work::today(cfg),
        changes: None,
    }
}

#[derive(Clone)]
struct Kept {
    content_type: Option<HeaderValue>,
    body: axum::body::Bytes,
}

/// The kept answers, each with the version it was rendered from.
#[derive(Default)]
pub(crate) struct Cache {
    inner: Mutex<HashMap<String, (Version, Kept)>>,
}

/// The middleware: serve a kept answer to a `GET` while the history is unchanged; keep a new
/// 200 answer.
pub(crate) async fn cache(
    State((cfg, cache)): State<(Arc<WebConfig>, Arc<Cache>)>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    // In server mode an answer is the athlete's, as the caller's rights show it (the forms a
    // caller may not use are left out).
    let key = match crate::server::scope() {
        Some(s) => format!("{}\0{:?}\0{}", s.athlete, s.rights, req.uri()),
        None => req.uri().to_string(),
    };
    let Some(before) = version(&cfg).await else {
        return next.run(req).await;
    };
    if let Ok(map) = cache.inner.lock() {
        if let Some((v, k)) = map.get(&key) {
            if *v == before {
                let mut r = Response::new(Body::from(k.body.clone()));
                if let Some(ct) = &k.content_type {
                    r.headers_mut().insert(header::CONTENT_TYPE, ct.clone());
                }
                return r;
            }
        }
    }
    let response = next.run(req).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        // Too large to keep (or broken): this answer cannot be sent twice either way.
        return Response::from_parts(parts, Body::empty());
    };
    // Kept only when nothing changed while it was rendered.
    if version(&cfg).await.as_ref() == Some(&before) {
        if let Ok(mut map) = cache.inner.lock() {
            if map.len() >= MAX_ENTRIES {
                // Stale answers first; all of them when every one is current.
                map.retain(|_, (v, _)| *v == before);
                if map.len() >= MAX_ENTRIES {
                    map.clear();
                }
            }
            map.insert(
                key,
                (
                    before,
                    Kept {
                        content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
                        body: bytes.clone(),
                    },
                ),
            );
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

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

/// At most this many answers are kept, all athletes together.
const MAX_ENTRIES: usize = 4096;
/// At most this many bytes of answers are kept, all athletes together.
const MAX_BYTES: usize = 128 * 1024 * 1024;
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

/// One athlete's kept answers (the local dashboard's one athlete, or each athlete of the
/// server), all rendered from one version of their history.
struct Slot {
    version: Version,
    answers: HashMap<String, Kept>,
    bytes: usize,
    /// When it last answered or kept something (a tick of [`Slots`]).
    used: u64,
}

#[derive(Default)]
struct Slots {
    by_athlete: HashMap<String, Slot>,
    tick: u64,
    entries: usize,
    bytes: usize,
}

impl Slots {
    /// Drop the least recently used athlete's answers (not `keep`'s) until within the limits.
    fn trim(&mut self, keep: &str) {
        while self.entries > MAX_ENTRIES || self.bytes > MAX_BYTES {
            let Some(oldest) = self
                .by_athlete
                .iter()
                .filter(|(a, _)| a.as_str() != keep)
                .min_by_key(|(_, s)| s.used)
                .map(|(a, _)| a.clone())
            else {
                // Only `keep`'s own answers are left: start it afresh.
                if let Some(s) = self.by_athlete.remove(keep) {
                    self.entries -= s.answers.len();
                    self.bytes -= s.bytes;
                }
                return;
            };
            if let Some(s) = self.by_athlete.remove(&oldest) {
                self.entries -= s.answers.len();
                self.bytes -= s.bytes;
            }
        }
    }
}

/// The kept answers, by athlete, each athlete's with the version they were rendered from; the
/// least recently used athlete's go first when the limits are reached.
#[derive(Default)]
pub(crate) struct Cache {
    inner: Mutex<Slots>,
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
    let (athlete, key) = match crate::server::scope() {
        Some(s) => (s.athlete.clone(), format!("{:?}\0{}", s.rights, req.uri())),
        None => (String::new(), req.uri().to_string()),
    };
    let Some(before) = version(&cfg).await else {
        return next.run(req).await;
    };
    if let Ok(mut slots) = cache.inner.lock() {
        slots.tick += 1;
        let tick = slots.tick;
        if let Some(slot) = slots.by_athlete.get_mut(&athlete) {
            if slot.version == before {
                if let Some(k) = slot.answers.get(&key) {
                    slot.used = tick;
                    let mut r = Response::new(Body::from(k.body.clone()));
                    if let Some(ct) = &k.content_type {
                        r.headers_mut().insert(header::CONTENT_TYPE, ct.clone());
                    }
                    return r;
                }
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
        if let Ok(mut slots) = cache.inner.lock() {
            slots.tick += 1;
            let tick = slots.tick;
            let Slots { by_athlete, entries, bytes: total, .. } = &mut *slots;
            let slot = by_athlete.entry(athlete.clone()).or_insert_with(|| Slot {
                version: before.clone(),
                answers: HashMap::new(),
                bytes: 0,
                used: tick,
            });
            if slot.version != before {
                // The athlete's history (or the day) changed: their older answers go.
                *entries -= slot.answers.len();
                *total -= slot.bytes;
                slot.answers.clear();
                slot.bytes = 0;
                slot.version = before;
            }
            slot.used = tick;
            let kept = Kept {
                content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
                body: bytes.clone(),
            };
            let size = kept.body.len() + key.len();
            if let Some(old) = slot.answers.insert(key.clone(), kept) {
                *entries -= 1;
                *total -= old.body.len() + key.len();
                slot.bytes -= old.body.len() + key.len();
            }
            *entries += 1;
            *total += size;
            slot.bytes += size;
            slots.trim(&athlete);
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

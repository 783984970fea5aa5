//! Coverage-guided fuzzing of the dashboard's upload endpoint: the input is the body of a
//! `POST /api/upload` (multipart/form-data, boundary `slowburnfuzz`) with the server's token,
//! sent through the real router (guard, body limit, multipart parsing, the import into a
//! fresh store) in-process with `tower::ServiceExt::oneshot` on a current-thread runtime.
//! Any body gets an answer — imported, failed files named, or a 4xx naming what is wrong —
//! never a panic or a 500. Each input gets a fresh database, so a crash replays alone.
//! Seeds: multipart bodies of corpus files `scripts/fuzz.sh` builds.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Request};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt as _;

const TOKEN: &str = "fuzz-token-0123456789";
const BOUNDARY: &str = "slowburnfuzz";

struct Server {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    db: PathBuf,
}

fn server() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| {
        let shm = std::path::Path::new("/dev/shm");
        let base = if shm.is_dir() { shm.to_owned() } else { std::env::temp_dir() };
        let dir = base.join(format!("slowburn-fuzz-upload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        let db = dir.join("fuzz.db");
        let cfg = slowburn_web::WebConfig {
            token: Some(TOKEN.to_owned()),
            today: Some(jiff::civil::date(2026, 2, 20)),
            // Small, so the limit's path is reached too.
            max_upload_bytes: 1024 * 1024,
            ..slowburn_web::WebConfig::new(db.clone(), slowburn_app::Config::default())
        };
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        Server { runtime, router: slowburn_web::router(cfg), db }
    })
}

fuzz_target!(|data: &[u8]| {
    let s = server();
    for ext in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{ext}", s.db.display()));
    }
    let req = Request::post("/api/upload")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(data.to_vec()))
        .expect("request");
    let (status, body) = s.runtime.block_on(async {
        let r = s.router.clone().oneshot(req).await.expect("infallible");
        let status = r.status();
        let body = axum::body::to_bytes(r.into_body(), usize::MAX).await.expect("body");
        (status, body)
    });
    let text = String::from_utf8_lossy(&body);
    assert!(!status.is_server_error(), "{status}: {text}");
    let json: serde_json::Value = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{status}, not JSON ({e}): {text}"));
    if status.is_success() {
        // Every file uploaded is accounted for: imported, a duplicate, skipped or failed.
        assert!(json["files"].is_array(), "{text}");
    } else {
        assert!(json["error"].as_str().is_some_and(|e| !e.is_empty()), "{status}: {text}");
    }
});

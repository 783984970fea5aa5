//! Upload bodies from fuzzing the upload endpoint (`fuzz/fuzz_targets/upload.rs`,
//! `docs/RELIABILITY.md, Fuzzing`), in `tests/data/fuzz/`, each named after what it broke. Every one
//! goes through the same call as the target — `POST /api/upload` through the router, with the
//! token, multipart with boundary `slowburnfuzz`, into a fresh store — and must get an answer
//! that is not a 5xx, in JSON. Cases with a known answer are checked one by one below.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt as _;

const TOKEN: &str = "fuzz-token-0123456789";

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz")
}

/// The fuzz target's request, answered by a router over a fresh store.
async fn upload(body: Vec<u8>) -> (StatusCode, Value) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let cfg = slowburn_web::WebConfig {
        token: Some(TOKEN.to_owned()),
        today: Some(jiff::civil::date(2026, 2, 20)),
        max_upload_bytes: 1024 * 1024,
        ..slowburn_web::WebConfig::new(dir.path().join("fuzz.db"), slowburn_app::Config::default())
    };
    let req = Request::post("/api/upload")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=slowburnfuzz")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(body))
        .expect("request");
    let r = slowburn_web::router(cfg).oneshot(req).await.expect("infallible");
    let status = r.status();
    let bytes = axum::body::to_bytes(r.into_body(), usize::MAX).await.expect("body");
    let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!("{status}, not JSON ({e}): {}", String::from_utf8_lossy(&bytes))
    });
    (status, json)
}

#[tokio::test]
async fn every_body_is_answered() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data())
        .expect("tests/data/fuzz")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the regression inputs are missing");
    for f in files {
        let (status, json) = upload(std::fs::read(&f).expect("read")).await;
        assert!(!status.is_server_error(), "{}: {status} {json}", f.display());
        if status.is_success() {
            assert!(json["files"].is_array(), "{}: {json}", f.display());
        } else {
            assert!(
                json["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{}: {json}",
                f.display()
            );
        }
    }
}

/// A file name of 150 `€` (450 bytes) was cut to 200 characters, 600 bytes, over the 255 bytes
/// a file system allows: the upload failed with a 500 "File name too long".
#[tokio::test]
async fn a_file_name_over_255_bytes_is_cut_to_fit() {
    let body =
        std::fs::read(data().join("upload-file-name-over-255-bytes.multipart")).expect("read");
    let (status, json) = upload(body).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let name = json["files"][0]["name"].as_str().expect("the file is reported");
    assert!(name.starts_with('€') && name.len() <= 200, "{name}");
    // One byte of "x" is not a recording: a failure named, not a lost upload.
    assert_eq!(json["failed"], 1, "{json}");
}

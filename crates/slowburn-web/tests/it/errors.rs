//! Bad input is an answer naming the value, never a panic; bodies over their limit are 413.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use crate::util::{browse, config, copy, corpus_run, fixture, get, post_json, send, upload};

#[tokio::test]
async fn unknown_runs_are_404_naming_them() {
    let cfg = config(&fixture().db);
    let e = get(&cfg, "/api/runs/999").await.expect(StatusCode::NOT_FOUND, "application/json");
    assert_eq!(e.error(), "no activity with id 999");
    let e = get(&cfg, "/runs/999").await.expect(StatusCode::NOT_FOUND, "application/json");
    assert!(e.error().contains("999"));
    // A browser on a page gets the same as a page.
    let t = browse(&cfg, "/runs/999").await.expect(StatusCode::NOT_FOUND, "text/html").text();
    assert!(t.contains("no activity with id 999") && t.contains("<!DOCTYPE html>"), "{t}");
    let e = post_json(&cfg, "/api/runs/999/label", &json!({"run_type": "easy"})).await;
    assert_eq!(
        (e.status, e.error()),
        (StatusCode::NOT_FOUND, "no activity with id 999".to_owned())
    );
}

#[tokio::test]
async fn bad_values_are_400_naming_them() {
    let cfg = config(&fixture().db);
    for (uri, named) in [
        ("/api/runs/abc", "\"abc\""),
        ("/api/runs?since=2026-13-01", "2026-13-01"),
        ("/api/runs?limit=many", "\"many\""),
        ("/api/runs?sport=quidditch", "quidditch"),
        ("/api/runs?since=2026-02-01&until=2026-01-01", "2026-02-01"),
        ("/api/week?week=last", "\"last\""),
        ("/api/week?week_start=someday", "someday"),
        ("/api/review?model=fancy", "fancy"),
        ("/api/trends?hr=fast", "fast"),
        ("/api/zones?bounds=120,x", "\"x\""),
        ("/api/athlete?date=yesterday", "yesterday"),
        ("/api/plan?id=first", "first"),
        ("/runs?until=soon", "soon"),
    ] {
        let e = get(&cfg, uri).await.expect(StatusCode::BAD_REQUEST, "application/json");
        assert!(e.error().contains(named), "{uri}: {}", e.error());
    }
    let e = post_json(&cfg, "/api/runs/1/label", &json!({"run_type": "jog"})).await;
    assert_eq!(e.status, StatusCode::BAD_REQUEST);
    assert!(e.error().starts_with("unknown type \"jog\": one of recovery"), "{}", e.error());
}

#[tokio::test]
async fn malformed_requests_are_json_errors() {
    let cfg = config(&fixture().db);
    let e = get(&cfg, "/api/nothing").await.expect(StatusCode::NOT_FOUND, "application/json");
    assert!(e.error().contains("/api/nothing"), "{}", e.error());
    let e = post_json(&cfg, "/api/runs", &json!({}))
        .await
        .expect(StatusCode::METHOD_NOT_ALLOWED, "application/json");
    assert!(e.error().contains("POST"), "{}", e.error());
    let req = Request::post("/api/log/rhr")
        .header("content-type", "application/json")
        .body(Body::from("{\"bpm\": "))
        .expect("request");
    let e = send(&cfg, req).await;
    assert!(e.status.is_client_error(), "{}", e.status);
    assert!(!e.error().is_empty());
    let e = post_json(&cfg, "/api/log/rhr", &json!({"date": "2026-02-01"})).await;
    assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.error().contains("bpm"), "{}", e.error());
    let req = Request::post("/api/log/rhr").body(Body::from("bpm=50")).expect("request");
    let e = send(&cfg, req).await;
    assert_eq!(e.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(!e.error().is_empty());
    let e = upload(&cfg, "/api/log/note", &[("a.fit", b"x")]).await;
    assert!(e.status.is_client_error());
    let req = Request::post("/api/upload")
        .header("content-type", "text/plain")
        .body(Body::from("x"))
        .expect("request");
    let e = send(&cfg, req).await;
    assert_eq!(e.status, StatusCode::BAD_REQUEST);
    assert!(!e.error().is_empty());
}

#[tokio::test]
async fn bodies_over_their_limit_are_413() {
    let db = copy();
    let mut cfg = config(&db);
    let big = "x".repeat(slowburn_web::MAX_BODY_BYTES + 1);
    let e = post_json(&cfg, "/api/log/note", &json!({"text": big})).await;
    assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(e.error().contains("1 MB"), "{}", e.error());
    let req = Request::post("/log/note")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("text={big}")))
        .expect("request");
    let e = send(&cfg, req).await;
    assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(e.error().contains("1 MB"), "{}", e.error());
    // Uploads have their own, larger limit: 2 MB is read whole (and fails to import: not FIT).
    let junk = vec![b'x'; 2 * slowburn_web::MAX_BODY_BYTES];
    let out = upload(&cfg, "/api/upload", &[("big.fit", &junk)])
        .await
        .expect(StatusCode::OK, "application/json")
        .json();
    assert_eq!((out["imported"].as_u64(), out["failed"].as_u64()), (Some(0), Some(1)), "{out}");
    // An upload over its limit: refused whole, nothing imported.
    cfg.max_upload_bytes = 50 * 1024;
    let (name, bytes) = corpus_run();
    assert!(bytes.len() > cfg.max_upload_bytes);
    let before = get(&cfg, "/api/runs").await.json();
    for uri in ["/api/upload", "/upload"] {
        let e = upload(&cfg, uri, &[(&name, &bytes)]).await;
        assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        assert!(e.error().contains("50 KB"), "{uri}: {}", e.error());
    }
    assert_eq!(get(&cfg, "/api/runs").await.json(), before);
}

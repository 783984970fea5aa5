//! The changes: label, logs, upload — through the API and the forms — and an import by the
//! CLI's path into the same database while the server answers.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::util::{
    config, copy, corpus_run, fixture, get, open, post_form, post_json, some_id, upload,
};

fn row(runs: &Value, id: i64) -> Value {
    runs.as_array()
        .expect("runs")
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no run {id} in {runs}"))
}

#[tokio::test]
async fn labelling_changes_the_type_everywhere() {
    let db = copy();
    let cfg = config(&db);
    let id = some_id(&db);
    let a = post_json(&cfg, &format!("/api/runs/{id}/label"), &json!({"run_type": "race"}))
        .await
        .expect(StatusCode::OK, "application/json");
    let change = a.json();
    assert_eq!(change["message"], format!("activity {id} is a race run from now on"));
    assert!(change["retyped"].is_u64());
    let r = row(&get(&cfg, "/api/runs").await.json(), id);
    assert_eq!((r["run_type"].as_str(), r["label"].as_str()), (Some("race"), Some("race")));
    let d = get(&cfg, &format!("/api/runs/{id}")).await.json();
    assert_eq!(d["run_type"], "race");
    // The page's form undoes it.
    let t = post_form(&cfg, &format!("/runs/{id}/label"), "run_type=auto")
        .await
        .expect(StatusCode::OK, "text/html")
        .text();
    assert!(t.contains("classified automatically again"), "{t}");
    let r = row(&get(&cfg, "/api/runs").await.json(), id);
    assert!(r["label"].is_null(), "{r}");
    assert_ne!(r["run_type"], "race");
    // The page shows the label it has.
    post_form(&cfg, &format!("/runs/{id}/label"), "run_type=long")
        .await
        .expect(StatusCode::OK, "text/html");
    let t = get(&cfg, &format!("/runs/{id}")).await.text();
    assert!(t.contains("<option value=\"long\" selected>"), "{t}");
}

#[tokio::test]
async fn logs_through_the_api_and_the_forms() {
    let db = copy();
    let cfg = config(&db);
    let id = some_id(&db);
    let a = post_json(&cfg, "/api/log/rhr", &json!({"bpm": 48, "date": "2026-02-19"}))
        .await
        .expect(StatusCode::OK, "application/json");
    assert_eq!(a.json()["message"], "resting heart rate 48 bpm logged for 2026-02-19");
    let a = post_json(&cfg, "/api/log/rpe", &json!({"id": id, "rpe": 4.5}))
        .await
        .expect(StatusCode::OK, "application/json");
    assert_eq!(a.json()["message"], format!("session RPE 4.5 logged for activity {id}"));
    let a = post_json(&cfg, "/api/log/note", &json!({"text": "sore throat", "kind": "illness"}))
        .await
        .expect(StatusCode::OK, "application/json");
    assert_eq!(a.json(), json!({"message": "note logged for 2026-02-20", "retyped": 0}));
    let t = post_form(&cfg, "/log/rhr", "bpm=50&date=")
        .await
        .expect(StatusCode::OK, "text/html")
        .text();
    assert!(t.contains("resting heart rate 50 bpm logged for 2026-02-20"), "{t}");
    post_form(&cfg, "/log/rpe", &format!("id={id}&rpe=3"))
        .await
        .expect(StatusCode::OK, "text/html");
    post_form(&cfg, "/log/note", "kind=fatigue&text=heavy+legs&date=2026-02-20")
        .await
        .expect(StatusCode::OK, "text/html");
    // Today's advice reads the logs: the illness note is one of its signals now.
    let today = get(&cfg, "/api/today").await.text();
    assert_eq!(
        today,
        serde_json::to_string(&open(&db).today_view().expect("today")).expect("json")
    );
    // Refused values are named.
    let e = post_json(&cfg, "/api/log/rhr", &json!({"bpm": 300})).await;
    assert_eq!(e.status, StatusCode::BAD_REQUEST);
    assert!(e.error().contains("300"), "{}", e.error());
    let e = post_form(&cfg, "/log/rpe", &format!("id={id}&rpe=11")).await;
    assert_eq!(e.status, StatusCode::BAD_REQUEST);
    assert!(e.text().contains("RPE 11"), "{}", e.text());
    let e = post_json(&cfg, "/api/log/rpe", &json!({"id": 999_999, "rpe": 3})).await;
    assert_eq!(e.status, StatusCode::NOT_FOUND);
    assert!(e.error().contains("999999"), "{}", e.error());
}

#[tokio::test]
async fn an_upload_is_imported_and_listed() {
    let db = copy();
    let cfg = config(&db);
    let before = get(&cfg, "/api/runs").await.json().as_array().expect("runs").len();
    let (name, bytes) = corpus_run();
    let a = upload(&cfg, "/api/upload", &[(&name, &bytes)])
        .await
        .expect(StatusCode::OK, "application/json");
    let out = a.json();
    assert_eq!((out["imported"].as_u64(), out["failed"].as_u64()), (Some(1), Some(0)), "{out}");
    assert_eq!(out["files"][0]["name"], name, "named as uploaded: {out}");
    let id = out["files"][0]["id"].as_i64().expect("the new run's id");
    let runs = get(&cfg, "/api/runs").await.json();
    assert_eq!(runs.as_array().expect("runs").len(), before + 1);
    let r = row(&runs, id);
    assert!(r["start_local"].as_str().is_some_and(|s| s.starts_with("2015-08-15")), "{r}");
    assert_eq!(r["sport"], "running");
    get(&cfg, &format!("/api/runs/{id}")).await.expect(StatusCode::OK, "application/json");
    // The same bytes again, by the page's form: a duplicate, and a file that is no recording fails.
    let (ct, body) = crate::util::multipart(&[(&name, &bytes), ("notes.fit", b"not a fit file")]);
    let req = axum::http::Request::post("/upload")
        .header("content-type", ct)
        .header("accept", "text/html")
        .body(axum::body::Body::from(body))
        .expect("request");
    let t = crate::util::send(&cfg, req).await.expect(StatusCode::OK, "text/html").text();
    assert!(t.contains("0 imported, 1 duplicate, 1 failed"), "{t}");
    assert!(t.contains("notes.fit"), "{t}");
    assert!(!t.contains("slowburn-upload-"), "the temporary folder shows: {t}");
    // Nothing to import.
    let e = upload(&cfg, "/api/upload", &[]).await;
    assert_eq!(e.status, StatusCode::BAD_REQUEST);
    assert!(e.error().contains("no file"), "{}", e.error());
}

/// The CLI imports into the database the server is reading and writing: no request fails, none
/// waits forever, and the server sees the new runs at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_imports_while_the_server_answers() {
    let f = fixture();
    let db = copy();
    let cfg = config(&db);
    let before = get(&cfg, "/api/runs").await.json().as_array().expect("runs").len();
    let id = some_id(&db);
    let files = f.later.clone();
    let import_db = db.clone();
    let importer = std::thread::spawn(move || {
        // The CLI's path: its own store and App over the same file, `import` in small batches.
        let mut app = crate::util::open(&import_db);
        app.import(&files, &slowburn_import::Silent, 2).map(|o| o.report.imported)
    });
    // Answers completed while the import was still running.
    let mut during = 0;
    let mut round = 0;
    while !importer.is_finished() || round < 3 {
        for uri in ["/api/runs", "/api/review", "/"] {
            let a = get(&cfg, uri).await;
            assert_eq!(a.status, StatusCode::OK, "{uri} during the import: {}", a.text());
            during += usize::from(!importer.is_finished());
        }
        let t = if round % 2 == 0 { "race" } else { "auto" };
        let a = post_json(&cfg, &format!("/api/runs/{id}/label"), &json!({"run_type": t})).await;
        assert_eq!(a.status, StatusCode::OK, "label during the import: {}", a.text());
        during += usize::from(!importer.is_finished());
        round += 1;
    }
    let imported = importer.join().expect("the importer").expect("the import");
    assert!(imported > 0);
    assert!(during >= 4, "only {during} answers while the import ran");
    let after = get(&cfg, "/api/runs").await.json().as_array().expect("runs").len();
    assert_eq!(after, before + imported);
}

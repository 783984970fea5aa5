//! `/api/…` gives exactly the view models the CLI prints with `--json`.

use axum::http::StatusCode;
use slowburn_app::{ReviewOptions, ReviewQuery, RunsQuery, TrendsQuery, ZonesQuery};

use crate::util::{config, fixture, get, open, some_id};

/// The JSON text of a view as the CLI prints it (compact): the API's body must be exactly this.
fn value<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialise")
}

#[tokio::test]
async fn every_api_route_is_json() {
    let f = fixture();
    let cfg = config(&f.db);
    let id = some_id(&f.db);
    for uri in [
        "/api/runs".to_owned(),
        format!("/api/runs/{id}"),
        format!("/api/runs/{id}/streams"),
        "/api/week".to_owned(),
        "/api/week?week=2026-W04&week_start=sunday&recovery_easy=true".to_owned(),
        "/api/review".to_owned(),
        "/api/review?weeks=2&model=lthr".to_owned(),
        "/api/trends".to_owned(),
        "/api/trends?months=2&hr=130".to_owned(),
        "/api/zones".to_owned(),
        "/api/zones?model=custom&bounds=120,140,155,170".to_owned(),
        "/api/today".to_owned(),
        "/api/athlete".to_owned(),
        "/api/athlete?date=2026-01-20".to_owned(),
    ] {
        let a = get(&cfg, &uri).await.expect(StatusCode::OK, "application/json");
        assert!(!a.json().is_null(), "{uri}");
    }
    // No plan yet: named, as `plan show` says it.
    let e = get(&cfg, "/api/plan").await.expect(StatusCode::NOT_FOUND, "application/json");
    assert!(e.error().contains("no plan yet"), "{}", e.error());
}

#[tokio::test]
async fn api_runs_is_what_app_runs_returns() {
    let f = fixture();
    let cfg = config(&f.db);
    let app = open(&f.db);
    let all = app.runs(&RunsQuery::default()).expect("runs");
    assert!(all.runs.len() >= 10);
    assert_eq!(get(&cfg, "/api/runs").await.text(), value(&all));
    let q = RunsQuery {
        since: Some(jiff::civil::date(2026, 1, 12)),
        until: Some(jiff::civil::date(2026, 1, 31)),
        sport: Some(1),
        limit: Some(4),
    };
    let some = app.runs(&q).expect("runs");
    assert_eq!(some.runs.len(), 4);
    let a = get(&cfg, "/api/runs?since=2026-01-12&until=2026-01-31&sport=running&limit=4").await;
    assert_eq!(a.text(), value(&some));
    let id = some_id(&f.db);
    assert_eq!(
        get(&cfg, &format!("/api/runs/{id}")).await.text(),
        value(&app.activity(id).expect("show"))
    );
}

#[tokio::test]
async fn api_views_are_the_apps() {
    let f = fixture();
    let cfg = config(&f.db);
    let app = open(&f.db);
    let review = app.review(&ReviewQuery { weeks: 12, ..ReviewQuery::default() }).expect("review");
    assert_eq!(get(&cfg, "/api/review").await.text(), value(&review));
    let week = app.week(None, &ReviewOptions::default()).expect("week");
    assert_eq!(get(&cfg, "/api/week").await.text(), value(&week));
    let trends = app
        .trends(&TrendsQuery { months: 12, compare: 2, ..TrendsQuery::default() })
        .expect("trends");
    assert_eq!(get(&cfg, "/api/trends").await.text(), value(&trends));
    assert_eq!(
        get(&cfg, "/api/zones").await.text(),
        value(&app.zones(&ZonesQuery::default()).expect("zones"))
    );
    assert_eq!(get(&cfg, "/api/today").await.text(), value(&app.today_view().expect("today")));
    assert_eq!(get(&cfg, "/api/athlete").await.text(), value(&app.athlete(None).expect("athlete")));
}

#[tokio::test]
async fn api_run_streams_has_the_points_of_the_run() {
    let f = fixture();
    let cfg = config(&f.db);
    let app = open(&f.db);
    let id = some_id(&f.db);
    let s = app.run_streams(id).expect("streams");
    let a = get(&cfg, &format!("/api/runs/{id}/streams"))
        .await
        .expect(StatusCode::OK, "application/json");
    assert_eq!(a.text(), value(&s));
    let j = a.json();
    assert_eq!(j["id"], id);
    let points = j["points"].as_array().expect("points");
    assert!(points.len() > 100 && points.len() <= 601, "{}", points.len());
    assert!(points.iter().all(|p| p["t_s"].is_number()));
    assert!(s.points.iter().filter(|p| p.hr.is_some()).count() > points.len() / 2);
    assert!(s.points.iter().filter(|p| p.pace_s_per_km.is_some()).count() > points.len() / 2);
    assert!(s.points.windows(2).all(|w| w[0].t_s < w[1].t_s), "in time order");
    // The same run as `show` gives it: its length and its whole kilometres.
    let d = app.activity(id).expect("show");
    let km = (d.run.distance_m.expect("distance") / 1000.0).floor();
    assert!((s.splits.len() as f64 - km).abs() <= 1.0, "{} splits, {km} km", s.splits.len());
    let duration = d.run.duration_s.expect("duration");
    assert!((s.elapsed_s - duration).abs() <= 0.05 * duration, "{} s of {duration}", s.elapsed_s);
    assert!(!s.zones.is_empty() && !s.parts.is_empty(), "{s:?}");
    // An unknown run is named.
    let e = get(&cfg, "/api/runs/999999/streams")
        .await
        .expect(StatusCode::NOT_FOUND, "application/json");
    assert!(e.error().contains("999999"), "{}", e.error());
}

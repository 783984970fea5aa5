//! Every page answers with HTML made of the report's sections and the CLI's text.

use axum::http::StatusCode;

use crate::util::{browse, config, copy, fixture, get, open, some_id, TODAY};

#[tokio::test]
async fn every_page_is_html() {
    let f = fixture();
    let cfg = config(&f.db);
    let id = some_id(&f.db);
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<String>>();
    let pages = [
        (
            "/".to_owned(),
            s(&[
                "<section id=\"today\">",
                "<section id=\"review\">",
                "<section id=\"trends\">",
                "action=\"/upload\"",
            ]),
        ),
        ("/runs".to_owned(), s(&[&format!("href=\"/runs/{id}\""), "name=\"since\""])),
        ("/runs?sport=running&limit=3&since=2026-01-01".to_owned(), s(&["3 activities"])),
        (
            format!("/runs/{id}"),
            s(&[
                &format!("#{id}"),
                "<pre>",
                "Time in zones",
                &format!("action=\"/runs/{id}/label\""),
            ]),
        ),
        ("/zones".to_owned(), s(&["<h1>Zones</h1>", "Z2"])),
        ("/zones?model=hrr&date=2026-02-01".to_owned(), s(&["<option selected>hrr</option>"])),
        ("/plan".to_owned(), s(&["No plan yet"])),
        ("/athlete".to_owned(), s(&["<h1>Athlete</h1>", &TODAY.to_string()])),
    ];
    for (uri, wants) in pages {
        for a in [get(&cfg, &uri).await, browse(&cfg, &uri).await] {
            let a = a.expect(StatusCode::OK, "text/html");
            let t = a.text();
            assert!(t.starts_with("<!DOCTYPE html>"), "{uri}");
            for w in &wants {
                assert!(t.contains(w), "{uri} lacks {w:?}:\n{t}");
            }
            assert!(!t.contains("http://") && !t.contains("https://"), "{uri} refers outside");
        }
    }
}

#[tokio::test]
async fn an_empty_store_says_so() {
    let dir = fixture().dir.join("empty");
    let cfg = config(&dir.join("none.db"));
    let t = get(&cfg, "/").await.expect(StatusCode::OK, "text/html").text();
    assert!(t.contains("No activities yet"), "{t}");
    get(&cfg, "/runs").await.expect(StatusCode::OK, "text/html");
    get(&cfg, "/plan").await.expect(StatusCode::OK, "text/html");
    // Reading created nothing.
    assert!(!dir.join("none.db").exists());
}

#[tokio::test]
async fn the_plan_page_shows_the_plan() {
    let db = copy();
    let mut app = open(&db);
    let o = slowburn_app::plans::PlanOptions {
        goal: slowburn_core::plan::Goal::Half,
        race_date: Some(jiff::civil::date(2026, 5, 31)),
        days_per_week: None,
        level: None,
        current_weekly_km: None,
        long_run_day: jiff::civil::Weekday::Sunday,
        rest_day: jiff::civil::Weekday::Monday,
        doubles: false,
    };
    let made = app.plan_create(&o, jiff::Timestamp::UNIX_EPOCH).expect("plan");
    let expected = serde_json::to_string(&app.plan_show(None, None).expect("show")).expect("json");
    drop(app);
    let cfg = config(&db);
    let t = get(&cfg, "/plan").await.expect(StatusCode::OK, "text/html").text();
    assert!(t.contains("<section id=\"plan\">") && t.contains(&format!("Plan {}", made.id)), "{t}");
    let a = get(&cfg, "/api/plan").await.expect(StatusCode::OK, "application/json");
    assert_eq!(a.text(), expected);
    get(&cfg, &format!("/api/plan?id={}", made.id))
        .await
        .expect(StatusCode::OK, "application/json");
    let e = get(&cfg, "/api/plan?id=77").await.expect(StatusCode::NOT_FOUND, "application/json");
    assert!(e.error().contains("77"), "{}", e.error());
}

/// Every page as a runner sees it, pinned (the fixture's folder written as `[dir]`).
#[tokio::test]
async fn pages_as_a_runner_sees_them() {
    let f = fixture();
    let cfg = config(&f.db);
    let id = some_id(&f.db);
    let dir = f.dir.display().to_string();
    for (name, uri) in [
        ("overview", "/".to_owned()),
        ("runs", "/runs".to_owned()),
        ("run", format!("/runs/{id}")),
        ("zones", "/zones".to_owned()),
        ("plan_none", "/plan".to_owned()),
        ("athlete", "/athlete".to_owned()),
    ] {
        let t = get(&cfg, &uri).await.expect(StatusCode::OK, "text/html").text();
        insta::assert_snapshot!(format!("page_{name}"), t.replace(&dir, "[dir]"));
    }
}

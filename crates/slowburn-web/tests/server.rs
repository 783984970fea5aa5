//! The multi-athlete server (`serve --db postgres://…`) driven in-process against the
//! `PostgreSQL` server named by `SLOWBURN_PG_URL` (`bash scripts/pg-throwaway.sh start`): every
//! route of an athlete's dashboard tried as a stranger, as the athlete, as a coach with `view`,
//! as a coach with `edit`, as another athlete and as a club admin who sees summaries, with
//! what each must get; ids guessed across athletes; sign-in, sign-out and the coach's overview.
//!
//! Without `SLOWBURN_PG_URL` the test says it did not run and passes — except with `CI=true`,
//! where it fails: CI never skips it.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use jiff::civil::{date, Date};
use serde_json::Value;
use slowburn_app::{App, Config};
use slowburn_store_pg::testing::TestDb;
use slowburn_store_pg::{Access, Level, PgStore, Pool, Sharing};
use slowburn_web::WebConfig;
use tower::ServiceExt as _;

const TODAY: Date = date(2026, 2, 20);

/// Three weeks of a synthetic runner (seed `seed`), imported as athlete `name`; returns the
/// ids of the athlete's runs.
fn import(url: &str, name: &str, seed: u64, dir: &std::path::Path) -> Vec<i64> {
    let cfg = slowburn_synth::SynthConfig {
        years: 21.0 / 365.25,
        seed,
        start_date: date(2026, 1, 26),
        ..slowburn_synth::SynthConfig::default()
    };
    let h = slowburn_synth::generate(&cfg).expect("synth");
    let files = dir.join(name);
    slowburn_synth::write(&h, &files).expect("write");
    let fit: Vec<PathBuf> =
        (0..h.len()).filter_map(|i| h.file_name(i)).map(|n| files.join(n)).collect();
    let store = PgStore::connect(url, name).expect("the athlete's store");
    let mut app = App::open(Box::new(store), Config::default(), TODAY).expect("app");
    let out = app.import(&fit, &slowburn_import::Silent, 64).expect("import");
    assert!(out.report.imported >= 5, "{:?}", out.report);
    let runs = app.runs(&slowburn_app::RunsQuery::default()).expect("runs");
    runs.runs.iter().map(|r| r.id).collect()
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(router: &axum::Router, req: Request<Body>) -> Answer {
    let r = router.clone().oneshot(req).await.expect("the router answers");
    let status = r.status();
    let headers = r.headers().clone();
    let body = axum::body::to_bytes(r.into_body(), 64 * 1024 * 1024).await.expect("body");
    Answer { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
}

fn request(method: &str, path: &str, token: Option<&str>) -> axum::http::request::Builder {
    let mut b = Request::builder().method(method).uri(path).header(header::HOST, "127.0.0.1");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b
}

/// A route of an athlete's dashboard and the action it needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Needs {
    Read,
    Label,
    Note,
    Import,
}

const BOUNDARY: &str = "slowburn-test-boundary";

fn multipart(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut b = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    b.extend_from_slice(bytes);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

/// Every route of athlete `athlete`'s dashboard with a run of theirs, `run`.
fn routes(athlete: &str, run: i64, upload: &[u8]) -> Vec<(Needs, Request<Body>, String)> {
    let p = format!("/athletes/{athlete}");
    let get = |path: String| {
        (
            Needs::Read,
            Request::builder().method("GET").uri(&path).body(Body::empty()).unwrap(),
            path,
        )
    };
    let mut out = vec![
        get(format!("{p}/")),
        get(format!("{p}/runs")),
        get(format!("{p}/runs/{run}")),
        get(format!("{p}/zones")),
        get(format!("{p}/plan")),
        get(format!("{p}/athlete")),
        get(format!("{p}/api/runs")),
        get(format!("{p}/api/runs/{run}")),
        get(format!("{p}/api/runs/{run}/streams")),
        get(format!("{p}/api/week")),
        get(format!("{p}/api/review")),
        get(format!("{p}/api/trends")),
        get(format!("{p}/api/zones")),
        get(format!("{p}/api/plan")),
        get(format!("{p}/api/today")),
        get(format!("{p}/api/athlete")),
    ];
    let json = |needs: Needs, path: String, body: Value| {
        let r = Request::builder()
            .method("POST")
            .uri(&path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        (needs, r, path)
    };
    let form = |needs: Needs, path: String, body: String| {
        let r = Request::builder()
            .method("POST")
            .uri(&path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        (needs, r, path)
    };
    out.push(json(
        Needs::Label,
        format!("{p}/api/runs/{run}/label"),
        serde_json::json!({"run_type": "easy"}),
    ));
    out.push(form(Needs::Label, format!("{p}/runs/{run}/label"), "run_type=auto".into()));
    out.push(json(Needs::Note, format!("{p}/api/log/rhr"), serde_json::json!({"bpm": 48})));
    out.push(form(Needs::Note, format!("{p}/log/rhr"), "bpm=49".into()));
    out.push(json(
        Needs::Note,
        format!("{p}/api/log/rpe"),
        serde_json::json!({"id": run, "rpe": 4}),
    ));
    out.push(form(Needs::Note, format!("{p}/log/rpe"), format!("id={run}&rpe=5")));
    out.push(json(
        Needs::Note,
        format!("{p}/api/log/note"),
        serde_json::json!({"text": "slept badly"}),
    ));
    out.push(form(Needs::Note, format!("{p}/log/note"), "text=tired&kind=fatigue".into()));
    for path in [format!("{p}/api/upload"), format!("{p}/upload")] {
        let r = Request::builder()
            .method("POST")
            .uri(&path)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(Body::from(multipart("extra.fit", upload)))
            .unwrap();
        out.push((Needs::Import, r, path));
    }
    out
}

fn with_token(req: Request<Body>, token: Option<&str>) -> Request<Body> {
    let (mut parts, body) = req.into_parts();
    parts.headers.insert(header::HOST, "127.0.0.1".parse().unwrap());
    if let Some(t) = token {
        parts.headers.insert(header::AUTHORIZATION, format!("Bearer {t}").parse().unwrap());
    }
    Request::from_parts(parts, body)
}

#[test]
fn every_route_answers_each_caller_what_they_may() {
    let Some(server) = slowburn_store_pg::testing::server() else { return };
    // The database's setup and removal use the blocking client, outside the runtime.
    let db = TestDb::new(&server, "web_server");
    let dir = std::env::temp_dir().join(format!("slowburn-web-server-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let setup = setup(&db.url, &dir);
    let pool = Pool::new(&db.url, 4).expect("pool");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(routes_for_each_caller(pool, setup));
    drop(runtime);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two athletes with three weeks each, their accounts, two coaches of anna's (view, edit), a
/// stranger, and a club admin whose club ben shares summaries with; and a file to upload.
fn setup(url: &str, dir: &std::path::Path) -> (Vec<i64>, Vec<i64>, Vec<u8>) {
    let anna = import(url, "anna", 5, dir);
    let ben = import(url, "ben", 6, dir);
    let mut acc = Access::connect(url).expect("access");
    acc.create_account("anna", "anna-secret-1", Some("anna")).expect("account");
    acc.create_account("ben", "ben-secret-1", Some("ben")).expect("account");
    for login in ["viewer", "editor", "stranger", "clubadmin"] {
        acc.create_account(login, &format!("{login}-secret-1"), None).expect("account");
    }
    let a = acc.act_as("anna").expect("anna");
    acc.grant(&a, "anna", "viewer", Level::View).expect("grant");
    acc.grant(&a, "anna", "editor", Level::Edit).expect("grant");
    let admin = acc.act_as("clubadmin").expect("admin");
    acc.create_club(&admin, "harriers").expect("club");
    let b = acc.act_as("ben").expect("ben");
    acc.invite(&admin, "harriers", "ben").expect("invite");
    acc.join_club(&b, "ben", "harriers", Sharing::Summary).expect("join");
    // A file of another runner to upload: the first of a third synthetic runner.
    let h = slowburn_synth::generate(&slowburn_synth::SynthConfig {
        years: 7.0 / 365.25,
        seed: 9,
        start_date: date(2026, 2, 16),
        ..slowburn_synth::SynthConfig::default()
    })
    .expect("synth");
    let files = dir.join("upload");
    slowburn_synth::write(&h, &files).expect("write");
    let first = h.file_name(0).expect("a file");
    (anna, ben, std::fs::read(files.join(first)).expect("read"))
}

async fn routes_for_each_caller(
    pool: Pool,
    (anna_runs, ben_runs, upload): (Vec<i64>, Vec<i64>, Vec<u8>),
) {
    let cfg = WebConfig { today: Some(TODAY), ..WebConfig::server(pool, Config::default()) };
    let router = slowburn_web::router(cfg);

    // Sign in: a wrong secret and an unknown login get the same 401.
    for body in [
        serde_json::json!({"login": "anna", "secret": "wrong"}),
        serde_json::json!({"login": "nobody", "secret": "wrong"}),
    ] {
        let a = send(
            &router,
            request("POST", "/api/session", None)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
        assert!(a.body.contains("the login or the secret is wrong"), "{}", a.body);
    }
    // A sign-in body over the forms' limit is refused, not read whole.
    let a = send(
        &router,
        request("POST", "/api/session", None)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(vec![b' '; 2 * 1024 * 1024]))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
    let mut tokens = std::collections::HashMap::new();
    for login in ["anna", "ben", "viewer", "editor", "stranger", "clubadmin"] {
        let a = send(
            &router,
            request("POST", "/api/session", None)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    serde_json::json!({"login": login, "secret": format!("{login}-secret-1")})
                        .to_string(),
                ))
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{login}: {}", a.body);
        let v: Value = serde_json::from_str(&a.body).expect("json");
        tokens.insert(login, v["token"].as_str().expect("token").to_owned());
    }
    // The browser's sign-in: a cookie, HttpOnly and SameSite=Strict.
    let a = send(
        &router,
        request("POST", "/sign-in", None)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("login=viewer&secret=viewer-secret-1"))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let cookie = a.headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(cookie.starts_with("slowburn_session=") && cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    let cookie_token = cookie.split(';').next().unwrap().to_owned();
    let a = send(
        &router,
        request("GET", "/athletes/anna/api/runs", None)
            .header(header::COOKIE, &cookie_token)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "the cookie signs the browser in: {}", a.body);

    let run = anna_runs[0];
    // Who may do what with anna's dashboard.
    let may = |who: &str, needs: Needs| -> bool {
        match who {
            "anna" => true,
            "editor" => needs != Needs::Import,
            "viewer" => needs == Needs::Read,
            _ => false,
        }
    };
    let mut tried = 0;
    for who in ["none", "stranger", "ben", "clubadmin", "viewer", "editor", "anna"] {
        let token = tokens.get(who).map(String::as_str);
        for (needs, req, path) in routes("anna", run, &upload) {
            let a = send(&router, with_token(req, token)).await;
            tried += 1;
            let what = format!(
                "{who} {needs:?} {path}: {} {}",
                a.status,
                a.body.chars().take(300).collect::<String>()
            );
            if token.is_none() {
                assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{what}");
                assert!(!a.body.contains("anna-"), "{what}");
            } else if may(who, needs) {
                // A plan the athlete has not made is a 404 of their own; everything else is
                // answered.
                let ok = a.status.is_success()
                    || (path.ends_with("/plan") && a.status == StatusCode::NOT_FOUND);
                assert!(ok, "{what}");
            } else {
                assert_eq!(a.status, StatusCode::FORBIDDEN, "{what}");
                // Refused before anything is read: nothing of anna's history in the answer.
                assert!(!a.body.contains("\"runs\""), "{what}");
                assert!(!a.body.contains("TRIMP"), "{what}");
            }
        }
    }
    assert_eq!(tried, 7 * routes("anna", run, &upload).len());

    // The pages leave out the forms a caller may not use.
    let page = |who: &str, path: &str| {
        request("GET", path, tokens.get(who).map(String::as_str)).body(Body::empty()).unwrap()
    };
    let viewer = send(&router, page("viewer", &format!("/athletes/anna/runs/{run}"))).await;
    assert_eq!(viewer.status, StatusCode::OK);
    assert!(!viewer.body.contains("<form"), "a viewer sees no form");
    let editor = send(&router, page("editor", &format!("/athletes/anna/runs/{run}"))).await;
    assert!(editor.body.contains(&format!("action=\"/athletes/anna/runs/{run}/label\"")));
    let editor_overview = send(&router, page("editor", "/athletes/anna/")).await;
    assert!(editor_overview.body.contains("action=\"/athletes/anna/log/rhr\""));
    assert!(!editor_overview.body.contains("/upload\""), "only the athlete imports");
    let own = send(&router, page("anna", "/athletes/anna/")).await;
    assert!(own.body.contains("action=\"/athletes/anna/upload\""));
    // Every link of the page stays under the athlete (or goes back to the overview).
    for href in own.body.split("href=\"").skip(1).filter_map(|s| s.split('"').next()) {
        assert!(
            href == "/" || href.starts_with("/athletes/anna/") || href.starts_with('#'),
            "{href}"
        );
    }

    // Ids guessed across athletes: ben's run is not under anna, whoever asks.
    let ben_run = ben_runs[0];
    for who in ["anna", "editor"] {
        let a = send(&router, page(who, &format!("/athletes/anna/api/runs/{ben_run}"))).await;
        assert!(
            a.status == StatusCode::NOT_FOUND || !a.body.contains("ben"),
            "{who}: {} {}",
            a.status,
            a.body
        );
        if !anna_runs.contains(&ben_run) {
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{who}: {}", a.body);
        }
    }
    // Nobody but ben sees ben's history; a missing athlete is refused the same way.
    for who in ["anna", "viewer", "editor", "stranger", "clubadmin"] {
        for athlete in ["ben", "nobody"] {
            let a = send(&router, page(who, &format!("/athletes/{athlete}/api/runs"))).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{who} {athlete}: {}", a.body);
        }
    }
    let a = send(&router, page("ben", &format!("/athletes/ben/api/runs/{ben_run}"))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    // The coach's overview: each caller sees their own athletes, no one else.
    let overview = |who: &str| {
        request("GET", "/api/overview", tokens.get(who).map(String::as_str))
            .body(Body::empty())
            .unwrap()
    };
    let names = |body: &str| -> Vec<(String, String)> {
        let v: Value = serde_json::from_str(body).expect("json");
        v["athletes"]
            .as_array()
            .expect("athletes")
            .iter()
            .map(|l| {
                (
                    l["athlete"].as_str().unwrap().to_owned(),
                    l["access"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let expect: [(&str, &[(&str, &str)]); 6] = [
        ("anna", &[("anna", "own")]),
        ("ben", &[("ben", "own")]),
        ("viewer", &[("anna", "view")]),
        ("editor", &[("anna", "edit")]),
        ("stranger", &[]),
        ("clubadmin", &[("ben", "summary")]),
    ];
    for (who, want) in expect {
        let a = send(&router, overview(who)).await;
        assert_eq!(a.status, StatusCode::OK, "{who}: {}", a.body);
        let got = names(&a.body);
        let want: Vec<(String, String)> =
            want.iter().map(|(n, a)| ((*n).to_owned(), (*a).to_owned())).collect();
        assert_eq!(got, want, "{who}");
        if who == "clubadmin" {
            let v: Value = serde_json::from_str(&a.body).unwrap();
            assert!(v["athletes"][0]["standing"].is_null(), "summaries only: {}", a.body);
        }
        if who == "viewer" {
            let v: Value = serde_json::from_str(&a.body).unwrap();
            let s = &v["athletes"][0]["standing"];
            assert_eq!(s["date"], "2026-02-20", "{s}");
            assert!(s["attention"].is_u64() && s["tsb"].is_number(), "{s}");
        }
    }
    let a = send(&router, request("GET", "/api/overview", None).body(Body::empty()).unwrap()).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let a = send(
        &router,
        request("GET", "/", None).header(header::ACCEPT, "text/html").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "a browser is sent to sign in");
    assert_eq!(a.headers.get(header::LOCATION).unwrap(), "/sign-in");
    let a = send(&router, page("editor", "/")).await;
    assert!(a.body.contains("href=\"/athletes/anna/\""), "{}", a.body);

    // Changes by the editor show in the overview at once (the kept line is stale).
    let before = send(&router, overview("viewer")).await.body;
    let a = send(
        &router,
        request("POST", "/athletes/anna/api/log/note", tokens.get("editor").map(String::as_str))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::json!({"text": "knee sore", "kind": "injury"}).to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let after = send(&router, overview("viewer")).await.body;
    assert_ne!(before, after, "the overview follows the athlete's changes");

    // Signing out ends the session.
    let t = tokens["viewer"].clone();
    let a =
        send(&router, request("POST", "/sign-out", Some(&t)).body(Body::empty()).unwrap()).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let a = send(&router, page("viewer", "/athletes/anna/api/runs")).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
}

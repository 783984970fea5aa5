//! The fixture (six weeks of the synthetic runner, most of them imported) and a tiny client
//! over the router.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use jiff::civil::{date, Date};
use serde_json::Value;
use slowburn_app::{App, Config};
use slowburn_store::SqliteStore;
use slowburn_web::WebConfig;
use tower::ServiceExt as _;

/// The fixed "today" of every request here.
pub(crate) const TODAY: Date = date(2026, 2, 20);

pub(crate) struct Fixture {
    pub dir: PathBuf,
    /// The imported history; tests that change it work on a copy.
    pub db: PathBuf,
    /// Files of the same runner not imported yet, later than every imported one.
    pub later: Vec<PathBuf>,
}

pub(crate) fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("slowburn-web-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cfg = slowburn_synth::SynthConfig {
            years: 6.0 * 7.0 / 365.25,
            seed: 5,
            start_date: date(2026, 1, 5),
            ..slowburn_synth::SynthConfig::default()
        };
        let h = slowburn_synth::generate(&cfg).expect("synth");
        let files = dir.join("files");
        slowburn_synth::write(&h, &files).expect("write");
        let mut fit: Vec<PathBuf> =
            (0..h.len()).filter_map(|i| h.file_name(i)).map(|n| files.join(n)).collect();
        let later = fit.split_off(fit.len() * 2 / 3);
        let db = dir.join("base.db");
        let mut app = open(&db);
        let out = app.import(&fit, &slowburn_import::Silent, 64).expect("import");
        assert!(out.report.imported >= 10, "{:?}", out.report);
        drop(app);
        Fixture { dir, db, later }
    })
}

/// The application over `db`, as the server opens it.
pub(crate) fn open(db: &Path) -> App {
    let store = SqliteStore::open(db).expect("open the store");
    App::open(Box::new(store), Config::default(), TODAY).expect("open the app")
}

/// A fresh copy of the fixture's database, for a test that changes it.
pub(crate) fn copy() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let f = fixture();
    let to = f.dir.join(format!("copy-{}.db", N.fetch_add(1, Ordering::Relaxed)));
    std::fs::copy(&f.db, &to).expect("copy the database");
    to
}

pub(crate) fn config(db: &Path) -> WebConfig {
    WebConfig { today: Some(TODAY), ..WebConfig::new(db.to_owned(), Config::default()) }
}

/// An answer.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub(crate) fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Status and content type as expected, else a failure with the body.
    pub(crate) fn expect(self, status: StatusCode, content_type: &str) -> Answer {
        assert_eq!(self.status, status, "{}", self.text());
        assert!(
            self.content_type().starts_with(content_type),
            "content type {:?}, not {content_type}: {}",
            self.content_type(),
            self.text()
        );
        self
    }

    /// The `{"error": …}` of an error answer.
    pub(crate) fn error(&self) -> String {
        assert!(self.content_type().starts_with("application/json"), "{}", self.text());
        self.json()["error"].as_str().expect("an error message").to_owned()
    }
}

/// Send `req` to the router of `cfg`.
pub(crate) async fn send(cfg: &WebConfig, req: Request<Body>) -> Answer {
    let r = slowburn_web::router(cfg.clone()).oneshot(req).await.expect("infallible");
    let status = r.status();
    let headers = r.headers().clone();
    let body = axum::body::to_bytes(r.into_body(), usize::MAX).await.expect("body").to_vec();
    Answer { status, headers, body }
}

pub(crate) async fn get(cfg: &WebConfig, uri: &str) -> Answer {
    send(cfg, Request::get(uri).body(Body::empty()).expect("request")).await
}

/// As a browser asks for a page.
pub(crate) async fn browse(cfg: &WebConfig, uri: &str) -> Answer {
    let req = Request::get(uri)
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .header(header::HOST, "127.0.0.1:8080")
        .body(Body::empty())
        .expect("request");
    send(cfg, req).await
}

pub(crate) async fn post_json(cfg: &WebConfig, uri: &str, body: &Value) -> Answer {
    let req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    send(cfg, req).await
}

pub(crate) async fn post_form(cfg: &WebConfig, uri: &str, body: &str) -> Answer {
    let req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .body(Body::from(body.to_owned()))
        .expect("request");
    send(cfg, req).await
}

/// A multipart/form-data body of `files` (field `files`).
pub(crate) fn multipart(files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "slowburn-test-boundary-7d1f";
    let mut b = Vec::new();
    for (name, bytes) in files {
        b.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), b)
}

pub(crate) async fn upload(cfg: &WebConfig, uri: &str, files: &[(&str, &[u8])]) -> Answer {
    let (content_type, body) = multipart(files);
    let req = Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    send(cfg, req).await
}

/// A real watch file of the shared corpus: a Fenix 2 run.
pub(crate) fn corpus_run() -> (String, Vec<u8>) {
    let dir = std::env::var_os("SLOWBURN_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    let path = dir.join("python-fitparse/activity-small-fenix2-run.fit");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("the corpus is missing at {} (set SLOWBURN_CORPUS): {e}", dir.display())
    });
    ("activity-small-fenix2-run.fit".to_owned(), bytes)
}

/// The id of a run in the middle of the fixture.
pub(crate) fn some_id(db: &Path) -> i64 {
    let runs = open(db).runs(&slowburn_app::RunsQuery::default()).expect("runs");
    runs.runs[runs.runs.len() / 2].id
}

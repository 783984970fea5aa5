//! The server mode (`slowburn serve --db postgres://…`): many athletes in one `PostgreSQL`
//! database, each caller signed in and seeing only what they may.
//!
//! # Design
//! - **Sign-in.** `POST /sign-in` (a form) or `POST /api/session` (JSON or a form) checks the
//!   login's secret (argon2id, in `slowburn-store-pg`) and answers a session token: as the
//!   `slowburn_session` cookie (`HttpOnly`, `SameSite=Strict`) for a browser, in the JSON
//!   answer for a script, which sends it back as `Authorization: Bearer …`. Only the token's
//!   SHA-256 is stored. `POST /sign-out` ends the session.
//! - **One athlete's dashboard** is the local dashboard's every page and API route under
//!   `/athletes/{name}/…`. Each request is checked before anything is read: the caller's rights
//!   for that athlete, from the database as it is now, must allow the route's action (reading
//!   for `GET`; labelling, logging or importing for the changes). A refusal says the same for
//!   an athlete the caller may not see and for one that does not exist, so names cannot be
//!   probed. The request then runs, unchanged, in a [`Scope`] that names the athlete and the
//!   caller: the store it opens is that athlete's, on a pooled connection, opened *as the
//!   caller* (it refuses a write the caller may not make, a second check). Links in the pages
//!   are rewritten under the prefix, and the forms a caller may not use are left out.
//! - **The coach's overview** (`/`, `/api/overview`): one line per athlete the caller may see
//!   ([`slowburn_app::App::standing`]), the ones needing attention first, sortable by every
//!   column. A line is kept in the database with the day and the athlete's change counter it
//!   was computed at, and recomputed only when either moved, so the overview of thirty
//!   athletes is a few indexed reads (docs/PERFORMANCE.md). An athlete shared only as
//!   summaries (a club) shows their week's runs and distance, nothing more.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form, Json};
use serde::{Deserialize, Serialize};
use slowburn_report::views::StandingView;
use slowburn_store_pg::{Access, Action, Caller, Pool, Rights};
use tower::ServiceExt as _;

use crate::error::ApiError;
use crate::layout::{esc, page};
use crate::WebConfig;

/// The cookie that carries a session's token.
pub(crate) const SESSION_COOKIE: &str = "slowburn_session";

/// The most bytes of an HTML page rewritten under an athlete's prefix.
const MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;

/// The athlete and the caller a request runs for, in server mode.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub(crate) athlete: String,
    pub(crate) caller: Caller,
    pub(crate) rights: Rights,
    /// What the route does (checked before it ran).
    pub(crate) action: Action,
    /// `/athletes/{name}` as it appears in links (percent-encoded).
    pub(crate) prefix: String,
}

tokio::task_local! {
    static SCOPE: Scope;
}

/// The scope of the request being answered, in server mode.
pub(crate) fn scope() -> Option<Scope> {
    SCOPE.try_with(Clone::clone).ok()
}

/// May the caller of this request do `a`? Always on the local dashboard (one runner's own).
pub(crate) fn may(a: Action) -> bool {
    SCOPE.try_with(|s| s.rights.allows(a)).unwrap_or(true)
}

fn pool(cfg: &WebConfig) -> Result<&Pool, ApiError> {
    cfg.server.as_ref().ok_or_else(|| ApiError::internal("this server holds no athletes' store"))
}

/// Run `f` with the access checks on a pooled connection, on a blocking thread.
async fn with_access<T, F>(cfg: &Arc<WebConfig>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut Access) -> Result<T, ApiError> + Send + 'static,
{
    let pool = pool(cfg)?.clone();
    tokio::task::spawn_blocking(move || {
        let mut access = Access::from_pool(&pool)?;
        f(&mut access)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the request's work stopped: {e}")))?
}

fn header_str(h: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// The session token a request carries: the bearer header, else the session cookie.
fn presented(h: &HeaderMap) -> Option<String> {
    crate::guard::presented(h, SESSION_COOKIE).map(str::to_owned)
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, message)
}

/// Who sends this request (its session), or 401.
async fn caller(cfg: &Arc<WebConfig>, h: &HeaderMap) -> Result<Caller, ApiError> {
    let Some(token) = presented(h) else {
        return Err(unauthorized(
            "sign in first: POST /sign-in (a browser) or /api/session (a script, then send \
             Authorization: Bearer TOKEN)",
        ));
    };
    with_access(cfg, move |a| a.session(&token).map_err(|e| unauthorized(&e.to_string()))).await
}

/// A browser asking for a page (not the API) is sent to the sign-in page instead of a 401.
fn wants_page(uri: &Uri, h: &HeaderMap) -> bool {
    !uri.path().split('/').any(|s| s == "api")
        && header_str(h, header::ACCEPT).is_some_and(|a| a.contains("text/html"))
}

fn to_sign_in() -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/sign-in"))])
        .into_response()
}

// --- sign-in ---------------------------------------------------------------------------------

/// The sign-in form's (and `/api/session`'s) fields.
#[derive(Debug, Deserialize)]
pub(crate) struct SignIn {
    login: Option<String>,
    secret: Option<String>,
}

fn sign_in_page(message: Option<&str>) -> Html<String> {
    let mut b = String::from("<h1>Sign in</h1>\n");
    if let Some(m) = message {
        b.push_str(&format!("<p class=\"message\">{}</p>\n", esc(m)));
    }
    b.push_str(
        "<form class=\"inline\" method=\"post\" action=\"/sign-in\">\n\
         <label>Login<input type=\"text\" name=\"login\" autocomplete=\"username\" required></label>\n\
         <label>Secret<input type=\"password\" name=\"secret\" autocomplete=\"current-password\" required></label>\n\
         <button type=\"submit\">Sign in</button>\n</form>\n",
    );
    page("sign in", "", &b)
}

pub(crate) async fn sign_in_form() -> Html<String> {
    sign_in_page(None)
}

/// Secrets checked at once: argon2id is tens of milliseconds of CPU each, so more at once than
/// there are cores only slows every one of them (and every other request) down.
fn checks() -> &'static tokio::sync::Semaphore {
    static CHECKS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    CHECKS.get_or_init(|| {
        tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
        )
    })
}

async fn authenticate(
    cfg: &Arc<WebConfig>,
    f: SignIn,
) -> Result<slowburn_store_pg::Session, ApiError> {
    let login =
        f.login.filter(|l| !l.is_empty()).ok_or_else(|| ApiError::bad("login is missing"))?;
    let secret =
        f.secret.filter(|s| !s.is_empty()).ok_or_else(|| ApiError::bad("secret is missing"))?;
    let _turn =
        checks().acquire().await.map_err(|_| ApiError::internal("the sign-in queue is closed"))?;
    let pool = pool(cfg)?.clone();
    // No connection is held while the secret is checked.
    tokio::task::spawn_blocking(move || {
        Access::sign_in_pooled(&pool, &login, &secret, slowburn_store_pg::SESSION_TTL).map_err(
            |e| match e {
                slowburn_store::StoreError::Backend { environment: true, .. } => ApiError::from(e),
                other => unauthorized(&other.to_string()),
            },
        )
    })
    .await
    .map_err(|e| ApiError::internal(format!("the request's work stopped: {e}")))?
}

fn session_cookie(token: &str, max_age_s: i64) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}"
    ))
    .map_err(|_| ApiError::internal("the session token cannot be sent as a cookie"))
}

/// `POST /sign-in`: the cookie, then the overview; the form again, with the refusal, otherwise.
pub(crate) async fn sign_in(State(cfg): State<Arc<WebConfig>>, Form(f): Form<SignIn>) -> Response {
    match authenticate(&cfg, f).await {
        Ok(s) => {
            let left = s.expires_unix_s - jiff::Timestamp::now().as_second();
            match session_cookie(s.token(), left.max(0)) {
                Ok(cookie) => (
                    StatusCode::SEE_OTHER,
                    [
                        (header::LOCATION, HeaderValue::from_static("/")),
                        (header::SET_COOKIE, cookie),
                    ],
                )
                    .into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => (e.status, sign_in_page(Some(&e.message))).into_response(),
    }
}

/// The answer of `POST /api/session`.
#[derive(Debug, Serialize)]
pub(crate) struct SessionAnswer {
    token: String,
    login: String,
    expires_unix_s: i64,
}

/// `POST /api/session` (JSON `{"login", "secret"}`): a bearer token for a script.
pub(crate) async fn api_session(
    State(cfg): State<Arc<WebConfig>>,
    Json(f): Json<SignIn>,
) -> Result<Json<SessionAnswer>, ApiError> {
    let s = authenticate(&cfg, f).await?;
    Ok(Json(SessionAnswer {
        token: s.token().to_owned(),
        login: s.caller.login().to_owned(),
        expires_unix_s: s.expires_unix_s,
    }))
}

/// `POST /sign-out` (and `DELETE /api/session`): the session ends, the cookie is cleared.
pub(crate) async fn sign_out(State(cfg): State<Arc<WebConfig>>, h: HeaderMap) -> Response {
    if let Some(token) = presented(&h) {
        if let Err(e) = with_access(&cfg, move |a| Ok(a.sign_out(&token)?)).await {
            return e.into_response();
        }
    }
    let clear =
        HeaderValue::from_static("slowburn_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, HeaderValue::from_static("/sign-in")), (header::SET_COOKIE, clear)],
    )
        .into_response()
}

// --- the coach's overview --------------------------------------------------------------------

/// One athlete in the overview.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OverviewLine {
    athlete: String,
    /// What the caller may do: `summary`, `view`, `edit` or `own`.
    access: &'static str,
    /// The athlete's line; `None` for an athlete shared as summaries only.
    standing: Option<StandingView>,
    /// This week's runs and distance from the summaries (every line has them).
    runs: usize,
    km: f64,
}

/// `/api/overview`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OverviewView {
    login: String,
    date: jiff::civil::Date,
    sort: String,
    athletes: Vec<OverviewLine>,
}

fn access_word(r: Rights) -> &'static str {
    if r.allows(Action::Admin) {
        "own"
    } else if r.allows(Action::Label) {
        "edit"
    } else if r.allows(Action::Read) {
        "view"
    } else {
        "summary"
    }
}

/// The overview's query: `sort` (a column) and `desc`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct OverviewParams {
    sort: Option<String>,
}

const SORTS: [&str; 9] =
    ["attention", "athlete", "km", "easy", "sessions", "grey", "recovery", "tsb", "last_run"];

/// Milliseconds since 1970 of a civil day's start, UTC (a day either side covers any zone).
fn day_ms(d: jiff::civil::Date) -> i64 {
    d.to_zoned(jiff::tz::TimeZone::UTC).map_or(0, |z| z.timestamp().as_millisecond())
}

/// Every line, computed or kept: the work of `/` and `/api/overview`, on a blocking thread.
fn overview_lines(
    pool: &Pool,
    cfg: &WebConfig,
    caller: &Caller,
    today: jiff::civil::Date,
) -> Result<Vec<OverviewLine>, ApiError> {
    let mut access = Access::from_pool(pool)?;
    let visible = access.visible(caller)?;
    let ids: Vec<i64> = visible.iter().map(|v| v.id).collect();
    let kept = access.standings(&ids)?;
    let day = kept_day(cfg, today);
    // This week's runs and distance for the lines without a standing.
    let monday = slowburn_core::review::week_start(today, jiff::civil::Weekday::Monday);
    let summary_only: Vec<&str> = visible
        .iter()
        .filter(|v| !v.rights.allows(Action::Read))
        .map(|v| v.name.as_str())
        .collect();
    let summaries = if summary_only.is_empty() {
        Vec::new()
    } else {
        let since = day_ms(monday) - 86_400_000;
        let until = day_ms(today) + 2 * 86_400_000;
        access.overview(caller, &summary_only, since, until)?
    };
    drop(access);
    // The kept lines that are current; the others are computed, on a few threads at once
    // (each athlete's review is independent), and kept.
    let mut lines: Vec<Option<StandingView>> = visible
        .iter()
        .map(|v| {
            kept.iter()
                .find(|k| k.athlete_id == v.id && k.day == day && k.changes == k.current_changes)
                .and_then(|k| serde_json::from_str::<StandingView>(&k.body).ok())
        })
        .collect();
    let stale: Vec<usize> = (0..visible.len())
        .filter(|&i| lines[i].is_none() && visible[i].rights.allows(Action::Read))
        .collect();
    let workers = std::thread::available_parallelism()
        .map_or(2, std::num::NonZeroUsize::get)
        .min((pool.max() / 2).max(1))
        .min(stale.len().max(1));
    let computed: Vec<(usize, Result<StandingView, ApiError>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let mine: Vec<usize> = stale.iter().copied().skip(w).step_by(workers).collect();
                let visible = &visible;
                s.spawn(move || {
                    mine.into_iter()
                        .map(|i| {
                            let v = &visible[i];
                            (i, compute_standing(pool, cfg, caller, v.id, &v.name, today))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![(usize::MAX, Err(ApiError::internal("computing a standing failed")))]
                })
            })
            .collect()
    });
    for (i, r) in computed {
        let s = r?;
        if let Some(slot) = lines.get_mut(i) {
            *slot = Some(s);
        }
    }
    let mut out = Vec::with_capacity(visible.len());
    for (v, line) in visible.iter().zip(lines) {
        let standing = if v.rights.allows(Action::Read) { line } else { None };
        let (runs, km) = if let Some(s) = &standing {
            (s.runs, s.km)
        } else {
            let week: Vec<_> = summaries
                .iter()
                .filter(|r| r.athlete == v.name && r.sport == Some(1))
                .filter(|r| {
                    r.start_ms.is_some_and(|ms| {
                        let local = ms + i64::from(r.utc_offset_s.unwrap_or(0)) * 1000;
                        local >= day_ms(monday) && local < day_ms(today) + 86_400_000
                    })
                })
                .collect();
            (week.len(), week.iter().filter_map(|r| r.distance_m).sum::<f64>() / 1000.0)
        };
        out.push(OverviewLine {
            athlete: v.name.clone(),
            access: access_word(v.rights),
            standing,
            runs,
            km,
        });
    }
    Ok(out)
}

/// Bumped whenever what a standing holds or how it is computed changes.
const STANDING_FORMAT: u32 = 1;

/// What a kept standing is valid for: the day, with a fingerprint of this build's standing
/// and of the configuration (zone model, week start) it was computed with, so a new build or
/// a new configuration never serves a line computed otherwise.
fn kept_day(cfg: &WebConfig, today: jiff::civil::Date) -> String {
    use std::hash::{Hash as _, Hasher as _};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    STANDING_FORMAT.hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    format!("{:?}", cfg.config).hash(&mut h);
    format!("{today} {:016x}", h.finish())
}

/// Compute an athlete's standing as the caller, and keep it when nothing changed meanwhile.
fn compute_standing(
    pool: &Pool,
    cfg: &WebConfig,
    caller: &Caller,
    id: i64,
    name: &str,
    today: jiff::civil::Date,
) -> Result<StandingView, ApiError> {
    let changes = Access::from_pool(pool)?.changes(id)?;
    let store = slowburn_store_pg::PgStore::open_pooled(pool, caller, name, Action::Read)?;
    let app = slowburn_app::App::open(Box::new(store), cfg.config.clone(), today)?;
    let s = app.standing()?;
    drop(app);
    if let Ok(body) = serde_json::to_string(&s) {
        Access::from_pool(pool)?.keep_standing(id, &kept_day(cfg, today), changes, &body)?;
    }
    Ok(s)
}

fn sort_lines(lines: &mut [OverviewLine], sort: &str) {
    let num = |l: &OverviewLine, f: fn(&StandingView) -> Option<f64>| {
        l.standing.as_ref().and_then(f).unwrap_or(f64::NEG_INFINITY)
    };
    let key = |l: &OverviewLine| -> f64 {
        match sort {
            "km" => l.km,
            // Least easy first: the ones drifting from 80/20.
            "easy" => -num(l, |s| s.easy_share_time),
            "sessions" => -num(l, |s| s.easy_share_sessions),
            "grey" => num(l, |s| Some(s.grey_runs as f64)),
            "recovery" => -num(l, |s| s.recovery_compliance),
            // Most fatigued first.
            "tsb" => -num(l, |s| Some(s.tsb)),
            // Longest without a run first.
            "last_run" => -num(l, |s| s.last_run.map(|d| day_ms(d) as f64)),
            _ => num(l, |s| Some(f64::from(s.attention))),
        }
    };
    if sort == "athlete" {
        lines.sort_by(|a, b| a.athlete.cmp(&b.athlete));
    } else {
        lines.sort_by(|a, b| key(b).total_cmp(&key(a)).then_with(|| a.athlete.cmp(&b.athlete)));
    }
}

async fn overview_view(
    cfg: &Arc<WebConfig>,
    caller: Caller,
    p: &OverviewParams,
) -> Result<OverviewView, ApiError> {
    let sort = p.sort.clone().unwrap_or_else(|| "attention".into());
    if !SORTS.contains(&sort.as_str()) {
        return Err(ApiError::bad(format!(
            "sort {sort:?} is not a column: one of {}",
            SORTS.join(", ")
        )));
    }
    let today = crate::work::today(cfg);
    let pool = pool(cfg)?.clone();
    let c = Arc::clone(cfg);
    let login = caller.login().to_owned();
    let mut lines = tokio::task::spawn_blocking(move || overview_lines(&pool, &c, &caller, today))
        .await
        .map_err(|e| ApiError::internal(format!("the request's work stopped: {e}")))??;
    sort_lines(&mut lines, &sort);
    Ok(OverviewView { login, date: today, sort, athletes: lines })
}

/// `/api/overview`.
pub(crate) async fn api_overview(
    State(cfg): State<Arc<WebConfig>>,
    Extension(caller): Extension<Caller>,
    Query(p): Query<OverviewParams>,
) -> Result<Json<OverviewView>, ApiError> {
    Ok(Json(overview_view(&cfg, caller, &p).await?))
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), |v| format!("{:.0} %", v * 100.0))
}

/// `/`: the coach's overview.
pub(crate) async fn overview(
    State(cfg): State<Arc<WebConfig>>,
    Extension(caller): Extension<Caller>,
    Query(p): Query<OverviewParams>,
) -> Result<Html<String>, ApiError> {
    let v = overview_view(&cfg, caller, &p).await?;
    let mut b = format!(
        "<h1>Athletes</h1>\n<p class=\"meta\">{} · signed in as {} · \
         <form class=\"inline\" method=\"post\" action=\"/sign-out\" style=\"display:inline\">\
         <button type=\"submit\">Sign out</button></form></p>\n",
        v.date,
        esc(&v.login)
    );
    if v.athletes.is_empty() {
        b.push_str(
            "<p class=\"message\">No athlete shares anything with you yet: an athlete grants a \
             coach view or edit (<code>slowburn --db … --athlete NAME access grant LOGIN</code>), \
             a club member chooses what the club sees.</p>\n",
        );
        return Ok(page("athletes", "", &b));
    }
    let head = |key: &str, title: &str| {
        if key == v.sort {
            format!("<th>{title} ▾</th>")
        } else {
            format!("<th><a href=\"/?sort={key}\">{title}</a></th>")
        }
    };
    b.push_str("<table class=\"overview\">\n<thead><tr>");
    for (k, t) in [
        ("athlete", "Athlete"),
        ("attention", "Needs attention"),
        ("km", "This week"),
        ("easy", "Easy by time"),
        ("sessions", "Easy by session"),
        ("grey", "Grey-zone creep"),
        ("recovery", "Recovery"),
        ("tsb", "Form (TSB)"),
    ] {
        b.push_str(&head(k, t));
    }
    b.push_str("<th>Today</th><th>Flags</th></tr></thead>\n<tbody>\n");
    for l in &v.athletes {
        let name = esc(&l.athlete);
        let link = if l.access == "summary" {
            name.clone()
        } else {
            format!("<a href=\"/athletes/{}/\">{name}</a>", url_segment(&l.athlete))
        };
        b.push_str(&format!("<tr><td>{link} <span class=\"meta\">{}</span></td>", l.access));
        match &l.standing {
            Some(s) => {
                let flags: Vec<String> = s.flags.iter().map(|(_, t)| esc(t)).collect();
                b.push_str(&format!(
                    "<td>{}</td><td>{} runs, {:.1} km</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:+.0}</td><td>{}</td><td>{}</td></tr>\n",
                    s.attention,
                    s.runs,
                    s.km,
                    pct(s.easy_share_time),
                    s.last_week_easy_share_time
                        .map_or_else(String::new, |x| format!(" <span class=\"meta\">(last week {:.0} %)</span>", x * 100.0)),
                    pct(s.easy_share_sessions),
                    if s.easy_runs == 0 {
                        "—".to_owned()
                    } else {
                        format!("{} of {} easy runs", s.grey_runs, s.easy_runs)
                    },
                    pct(s.recovery_compliance),
                    if s.tsb.round() == 0.0 { 0.0 } else { s.tsb },
                    esc(s.today.as_deref().unwrap_or("—")),
                    if flags.is_empty() { "—".to_owned() } else { flags.join("<br>") },
                ));
            }
            None => b.push_str(&format!(
                "<td>—</td><td>{} runs, {:.1} km</td><td colspan=\"7\" class=\"meta\">shares run summaries only</td></tr>\n",
                l.runs, l.km
            )),
        }
    }
    b.push_str("</tbody></table>\n");
    Ok(page("athletes", "", &b))
}

// --- one athlete's dashboard -----------------------------------------------------------------

/// An athlete's name as one path segment: letters, digits and `-._~` as they are, every other
/// byte percent-encoded.
pub(crate) fn url_segment(name: &str) -> String {
    let mut o = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            o.push(char::from(b));
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

/// What a route of an athlete's dashboard does, from its method and path (under the prefix).
fn action_of(method: &Method, rest: &str) -> Action {
    if matches!(*method, Method::GET | Method::HEAD) {
        return Action::Read;
    }
    let rest = rest.strip_prefix("/api").unwrap_or(rest);
    if rest.ends_with("/label") {
        Action::Label
    } else if rest.starts_with("/log/") {
        Action::Note
    } else {
        // An upload (an import) and anything else that changes the store: the athlete's own.
        Action::Admin
    }
}

/// `/athletes/{name}`: the dashboard is at `/athletes/{name}/`.
pub(crate) async fn athlete_root(Path(name): Path<String>) -> Response {
    let to = format!("/athletes/{}/", url_segment(&name));
    match HeaderValue::from_str(&to) {
        Ok(v) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, v)]).into_response(),
        Err(_) => ApiError::bad("the athlete's name cannot be an address").into_response(),
    }
}

/// `/athletes/{name}/`: the athlete's overview page.
pub(crate) async fn athlete_index(
    state: State<Arc<WebConfig>>,
    inner: Extension<Inner>,
    caller: Extension<Caller>,
    Path(name): Path<String>,
    req: Request,
) -> Response {
    athlete(state, inner, caller, Path((name, String::new())), req).await
}

/// The routes of one athlete's dashboard (the local dashboard's), set by [`crate::router`].
#[derive(Clone)]
pub(crate) struct Inner(pub(crate) axum::Router);

/// `/athletes/{name}/{*rest}`: the caller's rights checked for the route's action, then the
/// local dashboard's route, in the athlete's scope.
pub(crate) async fn athlete(
    State(cfg): State<Arc<WebConfig>>,
    Extension(inner): Extension<Inner>,
    Extension(caller): Extension<Caller>,
    Path((name, rest)): Path<(String, String)>,
    req: Request,
) -> Response {
    let rest = format!("/{rest}");
    let action = action_of(req.method(), &rest);
    let who = caller.clone();
    let athlete = name.clone();
    let rights = match with_access(&cfg, move |a| Ok(a.rights(&who, &athlete)?)).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    // The same answer for an athlete the caller may not see and for none at all.
    if !(rights.allows(action) && rights.allows(Action::Read)) {
        let what = if rights.allows(Action::ReadSummary) && action == Action::Read {
            format!(
                "{} sees only the run summaries of athlete {name:?} (on the overview)",
                caller.login()
            )
        } else {
            format!(
                "{} may not {} athlete {name:?} (or there is no such athlete)",
                caller.login(),
                match action {
                    Action::Read | Action::ReadSummary => "see",
                    Action::Label => "label the runs of",
                    Action::Note => "log for",
                    Action::Plan => "change the plans of",
                    Action::Admin => "import for",
                }
            )
        };
        return ApiError::new(StatusCode::FORBIDDEN, what).into_response();
    }
    let prefix = format!("/athletes/{}", url_segment(&name));
    let (mut parts, body) = req.into_parts();
    // The dashboard's routes see a request of their own: not this route's path parameters
    // (axum keeps them in the extensions), nor the caller (the scope carries it).
    parts.extensions = axum::http::Extensions::new();
    let target = match parts.uri.query() {
        Some(q) => format!("{rest}?{q}"),
        None => rest.clone(),
    };
    match target.parse::<Uri>() {
        Ok(u) => parts.uri = u,
        Err(_) => return ApiError::bad(format!("{target:?} is not a path")).into_response(),
    }
    let scope = Scope { athlete: name, caller, rights, action, prefix: prefix.clone() };
    let req = Request::from_parts(parts, body);
    let response = match SCOPE.scope(scope.clone(), inner.0.oneshot(req)).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    under_prefix(response, &scope).await
}

/// Rewrite an athlete's page for its place under the prefix: links and forms, redirects, and
/// the way back to the overview in the navigation.
async fn under_prefix(response: Response, scope: &Scope) -> Response {
    let (mut parts, body) = response.into_parts();
    if let Some(loc) = parts.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()) {
        if loc.starts_with('/') {
            if let Ok(v) = HeaderValue::from_str(&format!("{}{loc}", scope.prefix)) {
                parts.headers.insert(header::LOCATION, v);
            }
        }
    }
    let html = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if !html {
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return ApiError::internal("the page is too large to send").into_response();
    };
    let text = String::from_utf8_lossy(&bytes);
    let p = &scope.prefix;
    // Every link and form of our pages is written `href="/…"` / `action="/…"`; the text a user
    // gave is escaped (`"` is `&quot;`), so nothing else matches.
    let mut text = text
        .replace("href=\"/", &format!("href=\"{p}/"))
        .replace("action=\"/", &format!("action=\"{p}/"));
    text = text.replacen(
        "<nav class=\"top\"><strong>slowburn</strong>",
        &format!(
            "<nav class=\"top\"><a href=\"/\">← Athletes</a><strong>{}</strong>",
            esc(&scope.athlete)
        ),
        1,
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(text))
}

/// In front of the server's routes: the sign-in routes are open; every other one needs a
/// session (a browser asking for a page is sent to sign in), whose caller it is given.
pub(crate) async fn signed_in(
    State(cfg): State<Arc<WebConfig>>,
    mut req: Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path();
    if matches!(path, "/sign-in" | "/sign-out" | "/api/session") {
        return next.run(req).await;
    }
    match caller(&cfg, req.headers()).await {
        Ok(c) => {
            req.extensions_mut().insert(c);
            next.run(req).await
        }
        Err(_) if wants_page(req.uri(), req.headers()) => to_sign_in(),
        Err(e) => {
            let mut r = e.into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"slowburn\""),
            );
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_of_routes() {
        assert_eq!(action_of(&Method::GET, "/runs/3"), Action::Read);
        assert_eq!(action_of(&Method::POST, "/runs/3/label"), Action::Label);
        assert_eq!(action_of(&Method::POST, "/api/runs/3/label"), Action::Label);
        assert_eq!(action_of(&Method::POST, "/log/rhr"), Action::Note);
        assert_eq!(action_of(&Method::POST, "/api/log/note"), Action::Note);
        assert_eq!(action_of(&Method::POST, "/upload"), Action::Admin);
        assert_eq!(action_of(&Method::POST, "/api/upload"), Action::Admin);
        assert_eq!(action_of(&Method::DELETE, "/runs/3"), Action::Admin);
    }

    #[test]
    fn names_as_segments() {
        assert_eq!(url_segment("anna"), "anna");
        assert_eq!(url_segment("Anna Berg"), "Anna%20Berg");
        assert_eq!(url_segment("a/../b"), "a%2F..%2Fb");
        assert_eq!(url_segment("Zoë"), "Zo%C3%AB");
    }
}

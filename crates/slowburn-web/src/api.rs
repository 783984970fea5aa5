//! `/api/…`: the view models the CLI prints with `--json`, serialised by serde from the same
//! structs (`docs/JSON.md`), and the changes (label, logs, upload) answering with the CLI's
//! `ChangeView` and `ImportOutcome`. The fetching and changing here is shared with the pages.

use std::sync::Arc;

use axum::extract::{Multipart, Path, Query, State};
use axum::Json;
use serde::Deserialize;
use slowburn_app::{ImportOutcome, TrendsQuery};
use slowburn_report::views::{
    ActivityDetail, AthleteView, ChangeView, PlanView, ReviewView, RunStreams, RunsView, TodayView,
    TrendsView, ZonesView,
};

use crate::error::ApiError;
use crate::params::{
    self, DateParams, PlanParams, ReviewParams, RunsParams, TrendsParams, ZonesParams,
};
use crate::work::{with_app, Access};
use crate::WebConfig;

type Cfg = State<Arc<WebConfig>>;
type Answer<T> = Result<Json<T>, ApiError>;

// ---------------------------------------------------------------------------------------------
// The views, for the API and the pages alike.

pub(crate) async fn runs_view(cfg: &Arc<WebConfig>, p: &RunsParams) -> Result<RunsView, ApiError> {
    let q = p.query()?;
    with_app(cfg, Access::Read, move |app| Ok(app.runs(&q)?)).await
}

pub(crate) async fn run_view(cfg: &Arc<WebConfig>, id: &str) -> Result<ActivityDetail, ApiError> {
    let id = params::run_id(id)?;
    with_app(cfg, Access::Read, move |app| Ok(app.activity(id)?)).await
}

pub(crate) async fn streams_view(cfg: &Arc<WebConfig>, id: &str) -> Result<RunStreams, ApiError> {
    let id = params::run_id(id)?;
    with_app(cfg, Access::Read, move |app| Ok(app.run_streams(id)?)).await
}

pub(crate) async fn zones_view(
    cfg: &Arc<WebConfig>,
    p: &ZonesParams,
) -> Result<ZonesView, ApiError> {
    let q = p.query()?;
    with_app(cfg, Access::Read, move |app| Ok(app.zones(&q)?)).await
}

pub(crate) async fn athlete_view(
    cfg: &Arc<WebConfig>,
    p: &DateParams,
) -> Result<AthleteView, ApiError> {
    let date = params::date("date", p.date.as_ref())?;
    with_app(cfg, Access::Read, move |app| Ok(app.athlete(date)?)).await
}

/// The trends the overview shows and `/api/trends` gives by default: `trends` with its defaults.
pub(crate) fn default_trends() -> TrendsQuery {
    TrendsQuery { months: 12, compare: 2, ..TrendsQuery::default() }
}

// ---------------------------------------------------------------------------------------------
// The changes.

pub(crate) async fn label_change(
    cfg: &Arc<WebConfig>,
    id: &str,
    run_type: &str,
) -> Result<ChangeView, ApiError> {
    let id = params::run_id(id)?;
    let t = params::run_type(run_type)?;
    with_app(cfg, Access::Write, move |app| Ok(app.label(id, t)?)).await
}

pub(crate) async fn rhr_change(
    cfg: &Arc<WebConfig>,
    bpm: i64,
    date: Option<jiff::civil::Date>,
) -> Result<ChangeView, ApiError> {
    let bpm = u8::try_from(bpm).map_err(|_| {
        ApiError::bad(format!("resting heart rate {bpm} bpm is outside 25–120 bpm"))
    })?;
    with_app(cfg, Access::Write, move |app| Ok(app.log_rhr(bpm, date)?)).await
}

pub(crate) async fn rpe_change(
    cfg: &Arc<WebConfig>,
    id: i64,
    rpe: f64,
) -> Result<ChangeView, ApiError> {
    with_app(cfg, Access::Write, move |app| Ok(app.log_rpe(id, rpe)?)).await
}

pub(crate) async fn note_change(
    cfg: &Arc<WebConfig>,
    text: String,
    kind: Option<String>,
    date: Option<jiff::civil::Date>,
) -> Result<ChangeView, ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::bad("text is missing: a note needs some words"));
    }
    with_app(cfg, Access::Write, move |app| Ok(app.log_note(text.trim(), kind.as_deref(), date)?))
        .await
}

// ---------------------------------------------------------------------------------------------
// The routes.

pub(crate) async fn runs(State(cfg): Cfg, Query(p): Query<RunsParams>) -> Answer<RunsView> {
    Ok(Json(runs_view(&cfg, &p).await?))
}

pub(crate) async fn run(State(cfg): Cfg, Path(id): Path<String>) -> Answer<ActivityDetail> {
    Ok(Json(run_view(&cfg, &id).await?))
}

/// `GET /api/runs/{id}/streams`: heart rate and pace over elapsed time, from the original.
pub(crate) async fn streams(State(cfg): Cfg, Path(id): Path<String>) -> Answer<RunStreams> {
    Ok(Json(streams_view(&cfg, &id).await?))
}

pub(crate) async fn week(State(cfg): Cfg, Query(p): Query<ReviewParams>) -> Answer<ReviewView> {
    let (week, o) = (p.week(), p.options()?);
    Ok(Json(with_app(&cfg, Access::Read, move |app| Ok(app.week(week.as_deref(), &o)?)).await?))
}

pub(crate) async fn review(State(cfg): Cfg, Query(p): Query<ReviewParams>) -> Answer<ReviewView> {
    let q = p.review()?;
    Ok(Json(with_app(&cfg, Access::Read, move |app| Ok(app.review(&q)?)).await?))
}

pub(crate) async fn trends(State(cfg): Cfg, Query(p): Query<TrendsParams>) -> Answer<TrendsView> {
    let q = p.query()?;
    Ok(Json(with_app(&cfg, Access::Read, move |app| Ok(app.trends(&q)?)).await?))
}

pub(crate) async fn zones(State(cfg): Cfg, Query(p): Query<ZonesParams>) -> Answer<ZonesView> {
    Ok(Json(zones_view(&cfg, &p).await?))
}

pub(crate) async fn plan(State(cfg): Cfg, Query(p): Query<PlanParams>) -> Answer<PlanView> {
    let (id, week) = (p.id()?, p.week());
    Ok(Json(
        with_app(&cfg, Access::Read, move |app| Ok(app.plan_show(id, week.as_deref())?)).await?,
    ))
}

pub(crate) async fn today(State(cfg): Cfg) -> Answer<TodayView> {
    Ok(Json(with_app(&cfg, Access::Read, |app| Ok(app.today_view()?)).await?))
}

pub(crate) async fn athlete(State(cfg): Cfg, Query(p): Query<DateParams>) -> Answer<AthleteView> {
    Ok(Json(athlete_view(&cfg, &p).await?))
}

/// `POST /api/runs/{id}/label`.
#[derive(Debug, Deserialize)]
pub(crate) struct LabelIn {
    /// A run type (`race`, `easy`, `long`, …) or `auto`.
    run_type: String,
}

pub(crate) async fn label(
    State(cfg): Cfg,
    Path(id): Path<String>,
    Json(b): Json<LabelIn>,
) -> Answer<ChangeView> {
    Ok(Json(label_change(&cfg, &id, &b.run_type).await?))
}

/// `POST /api/log/rhr`.
#[derive(Debug, Deserialize)]
pub(crate) struct RhrIn {
    bpm: i64,
    date: Option<String>,
}

pub(crate) async fn log_rhr(State(cfg): Cfg, Json(b): Json<RhrIn>) -> Answer<ChangeView> {
    let date = params::date("date", b.date.as_ref())?;
    Ok(Json(rhr_change(&cfg, b.bpm, date).await?))
}

/// `POST /api/log/rpe`.
#[derive(Debug, Deserialize)]
pub(crate) struct RpeIn {
    id: i64,
    rpe: f64,
}

pub(crate) async fn log_rpe(State(cfg): Cfg, Json(b): Json<RpeIn>) -> Answer<ChangeView> {
    Ok(Json(rpe_change(&cfg, b.id, b.rpe).await?))
}

/// `POST /api/log/note`.
#[derive(Debug, Deserialize)]
pub(crate) struct NoteIn {
    text: String,
    kind: Option<String>,
    date: Option<String>,
}

pub(crate) async fn log_note(State(cfg): Cfg, Json(b): Json<NoteIn>) -> Answer<ChangeView> {
    let date = params::date("date", b.date.as_ref())?;
    let kind = b.kind.filter(|k| !k.trim().is_empty());
    Ok(Json(note_change(&cfg, b.text, kind, date).await?))
}

/// `POST /api/upload`: multipart files, imported.
pub(crate) async fn upload(State(cfg): Cfg, mp: Multipart) -> Answer<ImportOutcome> {
    Ok(Json(crate::upload::import(&cfg, mp).await?))
}

//! The pages: each the view model of the matching CLI command, rendered by `slowburn-report`'s
//! HTML sections (or its terminal text in a `<pre>` where it has none), and the forms' answers.

use std::sync::Arc;

use axum::extract::{Multipart, Path, Query, State};
use axum::response::Html;
use axum::Form;
use serde::Deserialize;
use slowburn_app::ReviewOptions;
use slowburn_report::{charts, html, text};

use crate::api;
use crate::error::ApiError;
use crate::layout::{self, esc, page, pre};
use crate::params::{self, DateParams, PlanParams, RunsParams, ZonesParams};
use crate::work::{with_app, Access};
use crate::WebConfig;

type Cfg = State<Arc<WebConfig>>;
type Page = Result<Html<String>, ApiError>;

/// How the hints in the CLI's text name the program.
const CMD: &str = "slowburn";

/// `/`: today, the latest week's review, the trends; the logs and the upload.
pub(crate) async fn overview(State(cfg): Cfg) -> Page {
    let (date, empty, today, week, trends) = with_app(&cfg, Access::Read, |app| {
        let empty = app.is_empty()?;
        let plans = !app.plan_list()?.plans.is_empty();
        // As `report` does: no advice for a runner with neither runs nor a plan.
        let today = if empty && !plans { None } else { Some(app.today_view()?) };
        // The last 12 weeks up to this one (as `review` shows them): its charts show this week
        // against the weeks before it.
        let week = app.review(&slowburn_app::ReviewQuery {
            weeks: 12,
            options: ReviewOptions::default(),
            ..slowburn_app::ReviewQuery::default()
        })?;
        let trends = app.trends(&api::default_trends())?;
        Ok((app.today(), empty, today, week, trends))
    })
    .await?;
    let mut b = format!("<h1>slowburn</h1>\n<p class=\"meta\">{date}</p>\n");
    if let Some(t) = &today {
        b.push_str(&html::today_section(t));
    }
    if empty {
        b.push_str(&format!(
            "<p class=\"message\">No activities yet: import some below, or with <code>{CMD} import PATH</code>.</p>\n"
        ));
    } else {
        b.push_str(&html::review_section(&week));
        b.push_str(&html::trends_section(&trends));
    }
    b.push_str(&layout::log_forms());
    b.push_str(&layout::upload_form());
    Ok(page("overview", "/", &b))
}

/// `/runs`: the list (`since`, `until`, `sport`, `limit`), newest first, each linked.
pub(crate) async fn runs(State(cfg): Cfg, Query(p): Query<RunsParams>) -> Page {
    let v = api::runs_view(&cfg, &p).await?;
    let mut b = String::from("<h1>Runs</h1>\n");
    b.push_str(&layout::runs_filters(&p));
    if v.runs.is_empty() {
        b.push_str("<p class=\"message\">No activities here.</p>\n");
    } else {
        b.push_str(&format!("<p class=\"meta\">{} activities, newest first</p>\n", v.runs.len()));
        b.push_str(&layout::runs_table(&v));
    }
    b.push_str(&layout::upload_form());
    Ok(page("runs", "/runs", &b))
}

/// `/runs/{id}`: what `show ID` prints, heart rate and pace over the run (from its original),
/// the time in zones (chart and table), the label and RPE forms.
pub(crate) async fn run(State(cfg): Cfg, Path(id): Path<String>) -> Page {
    let id = params::run_id(&id)?;
    // One store for both; a run whose original cannot be read still has its page, saying why
    // there is no stream chart.
    let (d, streams) = with_app(&cfg, Access::Read, move |app| {
        Ok((app.activity(id)?, app.run_streams(id).map_err(|e| e.to_string())))
    })
    .await?;
    let title = d.run.name.clone().unwrap_or_else(|| format!("activity {}", d.run.id));
    let mut b = format!("<h1>#{} {}</h1>\n", d.run.id, esc(&title));
    b.push_str(&pre(&text::activity(&d)));
    match streams {
        Ok(s) => b.push_str(&html::figure_html(charts::run_streams(&s))),
        Err(e) => b.push_str(&format!(
            "<p class=\"message\">No heart rate and pace chart: {}</p>\n",
            esc(&e)
        )),
    }
    b.push_str(&html::figure_html(charts::time_in_zones(&d.zones)));
    b.push_str(&layout::zone_table(&d.zones));
    b.push_str(&layout::run_forms(d.run.id, d.run.label.as_deref()));
    b.push_str("<p><a href=\"/runs\">All runs</a></p>\n");
    Ok(page(&format!("run {}", d.run.id), "/runs", &b))
}

/// `/zones`: what `zones` prints (`model`, `bounds`, `vt1`, `date`).
pub(crate) async fn zones(State(cfg): Cfg, Query(p): Query<ZonesParams>) -> Page {
    let v = api::zones_view(&cfg, &p).await?;
    let mut b = String::from("<h1>Zones</h1>\n");
    b.push_str(
        "<form class=\"inline\" method=\"get\" action=\"/zones\">\n<label>Model<select name=\"model\">\n",
    );
    for (name, _) in slowburn_app::ZoneModelName::ALL {
        let selected = if v.model == name { " selected" } else { "" };
        b.push_str(&format!("<option{selected}>{name}</option>\n"));
    }
    b.push_str(&format!(
        "</select></label>\n<label>On<input type=\"date\" name=\"date\" value=\"{}\"></label>\n\
         <button type=\"submit\">Show</button>\n</form>\n",
        v.date
    ));
    b.push_str(&pre(&text::zones(&v, CMD)));
    Ok(page("zones", "/zones", &b))
}

/// `/plan`: the plan (`id`, `week`), planned against done; a word on how to make one when
/// there is none.
pub(crate) async fn plan(State(cfg): Cfg, Query(p): Query<PlanParams>) -> Page {
    let (id, week) = (p.id()?, p.week());
    let shown = with_app(&cfg, Access::Read, move |app| {
        if id.is_none() && app.plan_list()?.plans.is_empty() {
            return Ok(None);
        }
        Ok(Some((app.plan_show(id, week.as_deref())?, app.today())))
    })
    .await?;
    let Some((plan, date)) = shown else {
        return Ok(page(
            "plan",
            "/plan",
            &format!(
                "<h1>Plan</h1>\n<p class=\"message\">No plan yet. Make one with \
                 <code>{CMD} plan create --goal half --race-date YYYY-MM-DD</code> (goals: \
                 marathon, half, 10k, 5k, base); it shows here, each session marked done, \
                 changed, missed or planned.</p>\n"
            ),
        ));
    };
    Ok(page("plan", "/plan", &html::plan_section(&plan, date)))
}

/// `/athlete`: what `athlete show` prints (`date`).
pub(crate) async fn athlete(State(cfg): Cfg, Query(p): Query<DateParams>) -> Page {
    let v = api::athlete_view(&cfg, &p).await?;
    let mut b = String::from("<h1>Athlete</h1>\n");
    b.push_str(&format!(
        "<form class=\"inline\" method=\"get\" action=\"/athlete\">\n\
         <label>On<input type=\"date\" name=\"date\" value=\"{}\"></label>\n\
         <button type=\"submit\">Show</button>\n</form>\n",
        v.profile.date
    ));
    b.push_str(&pre(&text::athlete(&v, CMD)));
    Ok(page("athlete", "/athlete", &b))
}

fn changed(
    title: &str,
    v: &slowburn_report::views::ChangeView,
    back: &str,
    back_text: &str,
) -> Html<String> {
    let message = if v.retyped > 0 {
        format!("{}; {} run(s) re-typed", v.message, v.retyped)
    } else {
        v.message.clone()
    };
    layout::done_page(title, &message, back, back_text)
}

/// The label form.
#[derive(Debug, Deserialize)]
pub(crate) struct LabelForm {
    run_type: Option<String>,
}

pub(crate) async fn label(
    State(cfg): Cfg,
    Path(id): Path<String>,
    Form(f): Form<LabelForm>,
) -> Page {
    let t = params::required("run_type", f.run_type.as_ref())?;
    let v = api::label_change(&cfg, &id, t).await?;
    Ok(changed("Labelled", &v, &format!("/runs/{}", params::run_id(&id)?), "Back to the run"))
}

/// The resting heart-rate form.
#[derive(Debug, Deserialize)]
pub(crate) struct RhrForm {
    bpm: Option<String>,
    date: Option<String>,
}

pub(crate) async fn log_rhr(State(cfg): Cfg, Form(f): Form<RhrForm>) -> Page {
    let bpm = params::required("bpm", f.bpm.as_ref())?;
    let bpm = bpm
        .parse::<i64>()
        .map_err(|_| ApiError::bad(format!("bpm {bpm:?} is not a heart rate in bpm")))?;
    let date = params::date("date", f.date.as_ref())?;
    let v = api::rhr_change(&cfg, bpm, date).await?;
    Ok(changed("Logged", &v, "/", "Back to the overview"))
}

/// The RPE form.
#[derive(Debug, Deserialize)]
pub(crate) struct RpeForm {
    id: Option<String>,
    rpe: Option<String>,
}

pub(crate) async fn log_rpe(State(cfg): Cfg, Form(f): Form<RpeForm>) -> Page {
    let id = params::run_id(params::required("id", f.id.as_ref())?)?;
    let rpe = params::required("rpe", f.rpe.as_ref())?;
    let rpe = rpe.parse::<f64>().map_err(|_| {
        ApiError::bad(format!("rpe {rpe:?} is not a number on the CR-10 scale (0–10)"))
    })?;
    let v = api::rpe_change(&cfg, id, rpe).await?;
    Ok(changed("Logged", &v, &format!("/runs/{id}"), "Back to the run"))
}

/// The note form.
#[derive(Debug, Deserialize)]
pub(crate) struct NoteForm {
    text: Option<String>,
    kind: Option<String>,
    date: Option<String>,
}

pub(crate) async fn log_note(State(cfg): Cfg, Form(f): Form<NoteForm>) -> Page {
    let text = params::required("text", f.text.as_ref())?.to_owned();
    let kind = f.kind.filter(|k| !k.trim().is_empty() && k.trim() != "note");
    let date = params::date("date", f.date.as_ref())?;
    let v = api::note_change(&cfg, text, kind, date).await?;
    Ok(changed("Logged", &v, "/", "Back to the overview"))
}

/// The upload form: what the import did, file by file.
pub(crate) async fn upload(State(cfg): Cfg, mp: Multipart) -> Page {
    let out = crate::upload::import(&cfg, mp).await?;
    let r = &out.report;
    let mut b = format!(
        "<h1>Imported</h1>\n<p class=\"message\">{} imported, {} duplicate, {} failed \
         ({} replaced a poorer recording, {} skipped).</p>\n",
        r.imported, r.duplicates, r.failed, r.replaced, r.skipped
    );
    let mut t = text::import(r);
    if out.retyped > 0 {
        t.push_str(&format!("\n  {} run(s) re-typed with what was imported", out.retyped));
    }
    b.push_str(&pre(&t));
    b.push_str("<p><a href=\"/runs\">The runs</a> · <a href=\"/\">the overview</a></p>\n");
    Ok(page("imported", "", &b))
}

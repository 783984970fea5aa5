//! Query and form values into the application's queries: the same names and meanings as the
//! CLI's flags (`since`, `until`, `sport`, `limit`, `weeks`, `week`, `model`, …). Every value
//! arrives as text; an empty one (a form's blank field) is absent; a bad one is a 400 naming
//! the parameter and the value.

use std::str::FromStr;

use jiff::civil::Date;
use serde::Deserialize;
use slowburn_app::{ReviewOptions, ReviewQuery, RunsQuery, TrendsQuery, ZoneModelName, ZonesQuery};
use slowburn_core::classify::RunType;

use crate::error::ApiError;

/// A value given, or `None` for a missing or blank one.
fn given(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Parse `name`'s value, naming it and what it should be when it is not.
pub(crate) fn parse<T: FromStr>(
    name: &str,
    v: Option<&String>,
    what: &str,
) -> Result<Option<T>, ApiError> {
    given(v)
        .map(|s| s.parse().map_err(|_| ApiError::bad(format!("{name} {s:?} is not {what}"))))
        .transpose()
}

/// A date like 2026-04-06.
pub(crate) fn date(name: &str, v: Option<&String>) -> Result<Option<Date>, ApiError> {
    parse(name, v, "a date like 2026-04-06")
}

/// A required value.
pub(crate) fn required<'a>(name: &str, v: Option<&'a String>) -> Result<&'a str, ApiError> {
    given(v).ok_or_else(|| ApiError::bad(format!("{name} is missing")))
}

/// A FIT sport from a name or number (`running`, `cycling`, `1`), as `runs --sport` takes it.
pub(crate) fn sport(v: Option<&String>) -> Result<Option<u8>, ApiError> {
    let Some(s) = given(v) else { return Ok(None) };
    if let Ok(n) = s.parse::<u8>() {
        return Ok(Some(n));
    }
    let want = s.to_ascii_lowercase().replace([' ', '-'], "_");
    (0..=u8::MAX)
        .find(|&n| slowburn_formats::fit::names::sport(n) == Some(want.as_str()))
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad(format!(
                "sport {s:?} is not a sport (try running, cycling, walking, hiking or a FIT sport \
                 number)"
            ))
        })
}

fn model(v: Option<&String>) -> Result<Option<ZoneModelName>, ApiError> {
    given(v)
        .map(|s| s.parse::<ZoneModelName>().map_err(|e| ApiError::bad(format!("model {e}"))))
        .transpose()
}

fn flag(name: &str, v: Option<&String>) -> Result<bool, ApiError> {
    match given(v).map(str::to_ascii_lowercase).as_deref() {
        None | Some("false" | "0" | "no" | "off") => Ok(false),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some(other) => Err(ApiError::bad(format!("{name} {other:?} is not true or false"))),
    }
}

/// `runs`: `since`, `until` (local dates), `sport`, `limit`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RunsParams {
    pub since: Option<String>,
    pub until: Option<String>,
    pub sport: Option<String>,
    pub limit: Option<String>,
}

impl RunsParams {
    pub(crate) fn query(&self) -> Result<RunsQuery, ApiError> {
        Ok(RunsQuery {
            since: date("since", self.since.as_ref())?,
            until: date("until", self.until.as_ref())?,
            sport: sport(self.sport.as_ref())?,
            limit: parse("limit", self.limit.as_ref(), "a count of runs")?,
        })
    }
}

/// What `week` and `review` share: `week_start`, `model`, `recovery_easy`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReviewParams {
    /// `week`: an ISO week like 2026-W47.
    pub week: Option<String>,
    /// `review`: weeks to review (12).
    pub weeks: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub week_start: Option<String>,
    pub model: Option<String>,
    pub recovery_easy: Option<String>,
}

impl ReviewParams {
    pub(crate) fn options(&self) -> Result<ReviewOptions, ApiError> {
        Ok(ReviewOptions {
            week_start: given(self.week_start.as_ref())
                .map(|s| {
                    slowburn_app::config::parse_weekday(s)
                        .map_err(|e| ApiError::bad(format!("week_start {e}")))
                })
                .transpose()?,
            recovery_easy: flag("recovery_easy", self.recovery_easy.as_ref())?,
            model: model(self.model.as_ref())?,
        })
    }

    pub(crate) fn week(&self) -> Option<String> {
        given(self.week.as_ref()).map(str::to_owned)
    }

    pub(crate) fn review(&self) -> Result<ReviewQuery, ApiError> {
        Ok(ReviewQuery {
            weeks: parse("weeks", self.weeks.as_ref(), "a count of weeks")?.unwrap_or(12),
            since: date("since", self.since.as_ref())?,
            until: date("until", self.until.as_ref())?,
            options: self.options()?,
        })
    }
}

/// `trends`: `months` (12), `since`, `until`, `hr`, `compare` (2), `model`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TrendsParams {
    pub months: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub hr: Option<String>,
    pub compare: Option<String>,
    pub model: Option<String>,
}

impl TrendsParams {
    pub(crate) fn query(&self) -> Result<TrendsQuery, ApiError> {
        Ok(TrendsQuery {
            months: parse("months", self.months.as_ref(), "a count of months")?.unwrap_or(12),
            since: date("since", self.since.as_ref())?,
            until: date("until", self.until.as_ref())?,
            hr: parse("hr", self.hr.as_ref(), "a heart rate in bpm")?,
            compare: parse("compare", self.compare.as_ref(), "a count of months")?.unwrap_or(2),
            model: model(self.model.as_ref())?,
        })
    }
}

/// `zones`: `model`, `bounds` (`120,140,155,170`), `vt1`, `date`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ZonesParams {
    pub model: Option<String>,
    pub bounds: Option<String>,
    pub vt1: Option<String>,
    pub date: Option<String>,
}

impl ZonesParams {
    pub(crate) fn query(&self) -> Result<ZonesQuery, ApiError> {
        let bounds = match given(self.bounds.as_ref()) {
            None => Vec::new(),
            Some(b) => b
                .split(',')
                .map(|x| {
                    x.trim().parse::<u8>().map_err(|_| {
                        ApiError::bad(format!("bounds {b:?}: {x:?} is not a heart rate in bpm"))
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(ZonesQuery {
            model: model(self.model.as_ref())?,
            bounds,
            vt1: parse("vt1", self.vt1.as_ref(), "a heart rate in bpm")?,
            date: date("date", self.date.as_ref())?,
        })
    }
}

/// `plan`: `id` (the newest by default), `week` (2027-W05).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PlanParams {
    pub id: Option<String>,
    pub week: Option<String>,
}

impl PlanParams {
    pub(crate) fn id(&self) -> Result<Option<i64>, ApiError> {
        parse("id", self.id.as_ref(), "a plan id")
    }

    pub(crate) fn week(&self) -> Option<String> {
        given(self.week.as_ref()).map(str::to_owned)
    }
}

/// `athlete`: `date`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DateParams {
    pub date: Option<String>,
}

/// A run id from the path.
pub(crate) fn run_id(s: &str) -> Result<i64, ApiError> {
    s.parse().map_err(|_| ApiError::bad(format!("run id {s:?} is not a number")))
}

/// A run type as `label` takes it, or `auto` (`None`: classified automatically again).
pub(crate) fn run_type(s: &str) -> Result<Option<RunType>, ApiError> {
    if s.trim().eq_ignore_ascii_case("auto") {
        return Ok(None);
    }
    RunType::from_user(s).map(Some).ok_or_else(|| {
        let names: Vec<&str> = RunType::ALL.iter().map(|t| t.name()).collect();
        ApiError::bad(format!("unknown type {s:?}: one of {}, or auto", names.join(", ")))
    })
}

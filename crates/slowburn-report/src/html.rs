//! The self-contained HTML report (`slowburn report`): the review, trends, today's advice and
//! the plan, with their charts, in one file — styles and data inline, no reference to any URL —
//! that opens offline in any browser and can be mailed to a coach.
//!
//! Everything shown comes from the same view models the CLI prints; the charts are
//! [`crate::charts`], each with its text alternative and its data table.

use std::fmt::Write as _;

use serde::Serialize;

use slowburn_core::verdicts::Severity;

use crate::charts::{self, Chart};
use crate::format;
use crate::views::{PlanView, ReviewView, RunsView, TodayView, TrendsView};

/// What the report holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportView {
    /// The day it was made for.
    pub date: jiff::civil::Date,
    pub review: ReviewView,
    /// Time in zones over the review's weeks.
    pub zones: crate::views::ZoneBreakdown,
    pub trends: TrendsView,
    pub today: Option<TodayView>,
    pub plan: Option<PlanView>,
    /// The most recent runs, newest first.
    pub runs: RunsView,
}

/// Escape text for HTML.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = "
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --rule: #d0d7de; --card: #f6f8fa; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --rule: #30363d; --card: #161b22; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.6rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.25rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.25rem; }
p.meta, figcaption, .muted { color: var(--muted); }
ul.findings { padding-left: 1.2rem; }
ul.findings li { margin: 0.3rem 0; }
li.warning::marker { content: '▲ '; }
li.good::marker { content: '● '; }
figure { margin: 1rem 0; padding: 0.75rem; background: var(--card); border-radius: 6px; }
figure svg { width: 100%; height: auto; display: block; color: var(--fg); }
figcaption { font-size: 0.9rem; margin-top: 0.4rem; }
details { margin-top: 0.4rem; }
table { border-collapse: collapse; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
th, td { padding: 0.15rem 0.6rem; border-bottom: 1px solid var(--rule); text-align: right; }
th:first-child, td:first-child { text-align: left; }
.today { padding: 0.75rem 1rem; background: var(--card); border-radius: 6px; }
.today .what { font-size: 1.2rem; font-weight: 600; }
pre { white-space: pre-wrap; font-size: 0.85rem; }
";

fn findings(out: &mut String, f: &[slowburn_core::verdicts::Finding]) {
    if f.is_empty() {
        return;
    }
    out.push_str("<ul class=\"findings\">\n");
    for x in f {
        let class = match x.severity {
            Severity::Warning => "warning",
            Severity::Note => "note",
            Severity::Info => "info",
            Severity::Good => "good",
        };
        let _ = writeln!(out, "<li class=\"{class}\">{}</li>", esc(&x.text));
    }
    out.push_str("</ul>\n");
}

fn table(out: &mut String, t: &charts::Table) {
    out.push_str("<table>\n<thead><tr>");
    for h in &t.headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in &t.rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", esc(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn figure(out: &mut String, c: Option<Chart>) {
    let Some(c) = c else { return };
    let _ = writeln!(out, "<figure id=\"{}\">", c.id);
    let _ = writeln!(out, "<h3>{}</h3>", esc(&c.title));
    out.push_str(&c.svg);
    let _ = writeln!(out, "\n<figcaption>{}</figcaption>", esc(&c.alt));
    out.push_str("<details><summary>Data</summary>\n");
    table(out, &c.table);
    out.push_str("</details>\n</figure>\n");
}

fn today(out: &mut String, t: &TodayView) {
    let r = &t.recommendation;
    let w = &r.workout;
    out.push_str("<section id=\"today\">\n<h2>Today</h2>\n<div class=\"today\">\n");
    let what = if w.kind == slowburn_core::plan::WorkoutKind::Rest {
        "Rest day".to_owned()
    } else {
        format!("{} · {}", w.kind.words(), crate::plan_text::minutes(w.duration_s))
    };
    let _ =
        writeln!(out, "<div class=\"what\">{} — {}</div>", esc(&w.date.to_string()), esc(&what));
    if let (Some(lo), Some(hi)) = (w.hr_low, w.hr_high) {
        let _ = writeln!(out, "<div>Heart rate {lo}–{hi} bpm · RPE {}</div>", w.rpe);
    }
    let _ = writeln!(out, "<p>{}</p>", esc(&w.purpose));
    if let Some(by) = r.decided_by {
        if let Some(s) = r.signals.iter().find(|s| s.name == by) {
            let _ = writeln!(
                out,
                "<p><strong>Decided by {}:</strong> {} ({})</p>",
                esc(&by.replace('_', " ")),
                esc(&s.says),
                esc(&s.value)
            );
        }
    }
    out.push_str("<ul class=\"findings\">\n");
    for s in &r.signals {
        let _ = writeln!(
            out,
            "<li>{}: {} — {}</li>",
            esc(&s.name.replace('_', " ")),
            esc(&s.value),
            esc(&s.says)
        );
    }
    out.push_str("</ul>\n</div>\n</section>\n");
}

fn runs(out: &mut String, v: &RunsView) {
    if v.runs.is_empty() {
        return;
    }
    out.push_str("<section id=\"runs\">\n<h2>Recent runs</h2>\n");
    let t = charts::Table {
        headers: ["date", "type", "distance", "time", "pace", "avg HR", "load"]
            .map(str::to_owned)
            .to_vec(),
        rows: v
            .runs
            .iter()
            .map(|r| {
                vec![
                    crate::text::start_text(r),
                    r.run_type.clone().unwrap_or_default().replace('_', " "),
                    r.distance_m.map(format::km).unwrap_or_default(),
                    r.moving_s.or(r.duration_s).map(format::duration).unwrap_or_default(),
                    r.pace_s_per_km.map(|p| format::pace(1000.0 / p)).unwrap_or_default(),
                    r.avg_hr.map(|h| format!("{h:.0} bpm")).unwrap_or_default(),
                    r.load.map(|l| format!("{l:.0}")).unwrap_or_default(),
                ]
            })
            .collect(),
    };
    table(out, &t);
    out.push_str("</section>\n");
}

/// One chart as a `<figure>`: its title, the svg, the alt text as the caption and its data
/// table folded under it; empty for no chart.
#[must_use]
pub fn figure_html(c: Option<Chart>) -> String {
    let mut out = String::new();
    figure(&mut out, c);
    out
}

/// A whole HTML document around `body` (already HTML): inline styles, no outside reference.
#[must_use]
pub fn document(title: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + CSS.len() + charts::CHART_CSS.len() + 512);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(title));
    out.push_str("<style>");
    out.push_str(CSS);
    out.push_str(charts::CHART_CSS);
    out.push_str("</style>\n</head>\n<body>\n");
    out.push_str(body);
    out.push_str("</body>\n</html>\n");
    out
}

/// The review section: its findings and charts.
#[must_use]
pub fn review_section(r: &ReviewView) -> String {
    let mut out = String::from("<section id=\"review\">\n<h2>Review</h2>\n");
    let _ = writeln!(out, "<p class=\"meta\">{} to {}</p>", r.from, r.to);
    findings(&mut out, &r.review.block.verdicts);
    figure(&mut out, charts::weekly_volume(&r.review));
    figure(&mut out, charts::easy_share(&r.review));
    figure(&mut out, charts::grey_time(&r.review));
    figure(&mut out, charts::load(&r.review));
    out.push_str("</section>\n");
    out
}

/// The trends section: findings, easy pace at a fixed heart rate, resting HR.
#[must_use]
pub fn trends_section(v: &TrendsView) -> String {
    let mut out = String::from("<section id=\"trends\">\n<h2>Trends</h2>\n");
    let t = &v.trends;
    let _ = writeln!(out, "<p class=\"meta\">{} to {}. {}</p>", t.from, t.to, esc(&t.target_note));
    findings(&mut out, &t.verdicts);
    figure(&mut out, charts::easy_pace(t));
    figure(&mut out, charts::resting_hr(t));
    out.push_str("</section>\n");
    out
}

/// Today's advice.
#[must_use]
pub fn today_section(t: &TodayView) -> String {
    let mut out = String::new();
    today(&mut out, t);
    out
}

/// The plan: its calendar (planned against done) and its weeks.
#[must_use]
pub fn plan_section(p: &PlanView, date: jiff::civil::Date) -> String {
    let mut out = String::from("<section id=\"plan\">\n<h2>Plan</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"meta\">Plan {} · {} on {} · {} · revision {}</p>",
        p.id,
        esc(&p.goal),
        p.race_date,
        esc(&p.level),
        p.revision
    );
    figure(&mut out, charts::plan_calendar(p));
    let weeks = charts::Table {
        headers: ["week", "phase", "planned", "easy", "long", "done", "missed"]
            .map(str::to_owned)
            .to_vec(),
        rows: p
            .weeks
            .iter()
            .map(|w| {
                let past = w.start <= date;
                vec![
                    w.week.clone(),
                    format!("{}{}", w.phase, if w.lighter { " (lighter)" } else { "" }),
                    format::duration(w.planned.duration_s),
                    format!("{:.0} %", w.planned.easy_share * 100.0),
                    format::duration(w.planned.long_s),
                    if past { format::duration(w.done_s) } else { String::new() },
                    if past { w.missed.to_string() } else { String::new() },
                ]
            })
            .collect(),
    };
    table(&mut out, &weeks);
    out.push_str("</section>\n");
    out
}

/// The recent runs as a table.
#[must_use]
pub fn runs_section(v: &RunsView) -> String {
    let mut out = String::new();
    runs(&mut out, v);
    out
}

/// The whole report, one HTML document.
#[must_use]
pub fn report(v: &ReportView) -> String {
    let r = &v.review;
    let mut body = String::with_capacity(256 * 1024);
    let _ = writeln!(body, "<h1>slowburn report</h1>");
    let _ = writeln!(
        body,
        "<p class=\"meta\">Made on {} · review of {} to {}{}</p>",
        v.date,
        r.from,
        r.to,
        r.profile.as_ref().map_or(String::new(), |p| {
            let max = p.max_hr.map_or("max HR unknown".to_owned(), |m| format!("max HR {m} bpm"));
            format!(" · zones {} ({max})", p.zone_model)
        })
    );
    if let Some(t) = &v.today {
        body.push_str(&today_section(t));
    }
    body.push_str(&review_section(r));
    if let Some(c) = charts::time_in_zones(&v.zones) {
        let _ = writeln!(
            body,
            "<section id=\"zones\">\n<h2>Time in zones</h2>\n<p class=\"meta\">Running from {} to \
             {}, in the zones in force on {}.</p>",
            r.from, r.to, r.to
        );
        figure(&mut body, Some(c));
        body.push_str("</section>\n");
    }
    body.push_str(&trends_section(&v.trends));
    if let Some(p) = &v.plan {
        body.push_str(&plan_section(p, v.date));
    }
    body.push_str(&runs_section(&v.runs));
    body.push_str(
        "<p class=\"muted\">Made by slowburn on the runner's own machine; nothing in this file \
         refers to anything outside it.</p>\n",
    );
    document(&format!("slowburn report {}", v.date), &body)
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}

//! The dashboard's frame around `slowburn-report`'s sections: the navigation, the forms that
//! change the history, the error page. The sections themselves (review, trends, today, plan)
//! are the report's; the pages without an HTML section show the CLI's text in a `<pre>`.

use std::fmt::Write as _;

use axum::http::StatusCode;
use axum::response::Html;
use slowburn_core::classify::RunType;
use slowburn_report::format;
use slowburn_report::views::RunsView;

/// Escape text for HTML.
pub(crate) fn esc(s: &str) -> String {
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

/// The dashboard's own styles, after the report's.
const STYLE: &str = "<style>
nav.top { display: flex; gap: 1rem; flex-wrap: wrap; padding-bottom: 0.5rem; margin-bottom: 1rem; border-bottom: 1px solid var(--rule); }
nav.top a { color: var(--fg); text-decoration: none; }
nav.top a.here { font-weight: 600; text-decoration: underline; }
form.inline { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: end; margin: 0.5rem 0; }
form.inline label { display: flex; flex-direction: column; font-size: 0.85rem; color: var(--muted); }
input, select, button { font: inherit; padding: 0.2rem 0.4rem; }
td a { color: inherit; }
.message { padding: 0.75rem 1rem; background: var(--card); border-radius: 6px; }
</style>
";

const PAGES: [(&str, &str); 5] = [
    ("/", "Overview"),
    ("/runs", "Runs"),
    ("/zones", "Zones"),
    ("/plan", "Plan"),
    ("/athlete", "Athlete"),
];

/// A whole page: the navigation (with `here` marked) and `body`.
pub(crate) fn page(title: &str, here: &str, body: &str) -> Html<String> {
    let mut b = String::with_capacity(body.len() + 1024);
    b.push_str(STYLE);
    b.push_str("<nav class=\"top\"><strong>slowburn</strong>");
    for (href, name) in PAGES {
        let class = if href == here { " class=\"here\"" } else { "" };
        let _ = write!(b, "<a href=\"{href}\"{class}>{name}</a>");
    }
    b.push_str("</nav>\n");
    b.push_str(body);
    Html(slowburn_report::html::document(&format!("slowburn — {title}"), &b))
}

/// Text as the terminal shows it.
pub(crate) fn pre(text: &str) -> String {
    format!("<pre>{}</pre>\n", esc(text))
}

/// The error page of a browser's request.
pub(crate) fn error_page(status: StatusCode, message: &str) -> Html<String> {
    let reason = status.canonical_reason().unwrap_or("Error");
    page(
        reason,
        "",
        &format!(
            "<h1>{} {}</h1>\n<p class=\"message\">{}</p>\n<p><a href=\"/\">Back to the overview</a></p>\n",
            status.as_u16(),
            esc(reason),
            esc(message)
        ),
    )
}

/// The answer of a form: what it did, and where to go next.
pub(crate) fn done_page(title: &str, message: &str, back: &str, back_text: &str) -> Html<String> {
    page(
        title,
        "",
        &format!(
            "<h1>{}</h1>\n<p class=\"message\">{}</p>\n<p><a href=\"{}\">{}</a></p>\n",
            esc(title),
            esc(message),
            esc(back),
            esc(back_text)
        ),
    )
}

/// The upload form (none for a caller who may not import: a coach, in server mode).
pub(crate) fn upload_form() -> String {
    if !crate::server::may(slowburn_store_pg::Action::Admin) {
        return String::new();
    }
    "<section id=\"upload\">\n<h2>Import files</h2>\n\
     <form class=\"inline\" method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\">\n\
     <label>FIT, GPX or TCX files (gzipped or not), or export archives (.zip)\
     <input type=\"file\" name=\"files\" multiple required></label>\n\
     <button type=\"submit\">Import</button>\n</form>\n</section>\n"
        .to_owned()
}

/// The daily logs: resting heart rate and a note (none for a caller who may not log).
pub(crate) fn log_forms() -> String {
    if !crate::server::may(slowburn_store_pg::Action::Note) {
        return String::new();
    }
    "<section id=\"log\">\n<h2>Log</h2>\n\
     <form class=\"inline\" method=\"post\" action=\"/log/rhr\">\n\
     <label>Resting heart rate, bpm<input type=\"number\" name=\"bpm\" min=\"25\" max=\"120\" required></label>\n\
     <label>Date (default today)<input type=\"date\" name=\"date\"></label>\n\
     <button type=\"submit\">Log resting HR</button>\n</form>\n\
     <form class=\"inline\" method=\"post\" action=\"/log/note\">\n\
     <label>Kind<select name=\"kind\"><option>note</option><option>illness</option>\
     <option>fatigue</option><option>sleep</option><option>injury</option></select></label>\n\
     <label>Note<input type=\"text\" name=\"text\" required></label>\n\
     <label>Date (default today)<input type=\"date\" name=\"date\"></label>\n\
     <button type=\"submit\">Log note</button>\n</form>\n</section>\n"
        .to_owned()
}

/// A run's label and RPE forms.
pub(crate) fn run_forms(id: i64, label: Option<&str>) -> String {
    if !crate::server::may(slowburn_store_pg::Action::Label) {
        return String::new();
    }
    let mut o = String::from("<section id=\"label\">\n<h2>Label</h2>\n");
    let _ = write!(
        o,
        "<form class=\"inline\" method=\"post\" action=\"/runs/{id}/label\">\n\
         <label>What this run was<select name=\"run_type\">\n<option value=\"auto\">auto (classify it again)</option>\n"
    );
    for t in RunType::ALL {
        let selected = if label == Some(t.name()) { " selected" } else { "" };
        let _ = writeln!(o, "<option value=\"{}\"{selected}>{}</option>", t.name(), esc(t.words()));
    }
    o.push_str("</select></label>\n<button type=\"submit\">Label</button>\n</form>\n");
    let _ = write!(
        o,
        "<form class=\"inline\" method=\"post\" action=\"/log/rpe\">\n\
         <input type=\"hidden\" name=\"id\" value=\"{id}\">\n\
         <label>Session RPE (CR-10)<input type=\"number\" name=\"rpe\" min=\"0\" max=\"10\" step=\"0.5\" required></label>\n\
         <button type=\"submit\">Log RPE</button>\n</form>\n</section>\n"
    );
    o
}

/// The filters of `/runs`, holding the values given.
pub(crate) fn runs_filters(p: &crate::params::RunsParams) -> String {
    let v = |x: &Option<String>| esc(x.as_deref().unwrap_or_default());
    format!(
        "<form class=\"inline\" method=\"get\" action=\"/runs\">\n\
         <label>Since<input type=\"date\" name=\"since\" value=\"{}\"></label>\n\
         <label>Until<input type=\"date\" name=\"until\" value=\"{}\"></label>\n\
         <label>Sport<input type=\"text\" name=\"sport\" placeholder=\"running\" value=\"{}\"></label>\n\
         <label>Newest<input type=\"number\" name=\"limit\" min=\"1\" value=\"{}\"></label>\n\
         <button type=\"submit\">Show</button>\n</form>\n",
        v(&p.since),
        v(&p.until),
        v(&p.sport),
        v(&p.limit)
    )
}

/// The runs, newest first, each linked to its page.
pub(crate) fn runs_table(v: &RunsView) -> String {
    let mut o = String::from(
        "<table>\n<thead><tr><th>id</th><th>start (local)</th><th>type</th><th>distance</th>\
         <th>time</th><th>pace</th><th>avg HR</th><th>load</th><th>name</th></tr></thead>\n<tbody>\n",
    );
    for r in v.runs.iter().rev() {
        let cells = [
            slowburn_report::text::start_text(r),
            r.run_type.as_deref().unwrap_or_default().replace('_', " "),
            r.distance_m.map(format::km).unwrap_or_default(),
            r.moving_s.or(r.duration_s).map(format::duration).unwrap_or_default(),
            r.pace_s_per_km
                .filter(|p| *p > 0.0)
                .map(|p| format::pace(1000.0 / p))
                .unwrap_or_default(),
            r.avg_hr.map(|h| format!("{h:.0} bpm")).unwrap_or_default(),
            r.load.map(|l| format!("{l:.0} TRIMP")).unwrap_or_default(),
            r.name.clone().unwrap_or_default(),
        ];
        let _ = write!(o, "<tr><td><a href=\"/runs/{0}\">{0}</a></td>", r.id);
        for c in cells {
            let _ = write!(o, "<td>{}</td>", esc(&c));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n");
    o
}

/// Time in each zone of one run.
pub(crate) fn zone_table(z: &slowburn_report::views::ZoneBreakdown) -> String {
    let mut o = String::from("<section id=\"zones\">\n<h2>Time in zones</h2>\n");
    if let Some(m) = &z.missing {
        let _ = writeln!(o, "<p class=\"muted\">{}</p>", esc(m));
    }
    if !z.zones.is_empty() {
        if let Some(m) = &z.model {
            let _ = writeln!(o, "<p class=\"meta\">Zones: {}</p>", esc(m));
        }
        let total: f64 = z.zones.iter().map(|x| x.2).sum();
        o.push_str("<table>\n<thead><tr><th>zone</th><th>bpm</th><th>time</th><th>share</th></tr></thead>\n<tbody>\n");
        for (label, range, secs) in &z.zones {
            let share = if total > 0.0 { secs / total * 100.0 } else { 0.0 };
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{share:.0} %</td></tr>",
                esc(label),
                esc(range),
                format::duration(*secs)
            );
        }
        o.push_str("</tbody>\n</table>\n");
        let [easy, moderate, hard] = z.domains;
        let _ = write!(
            o,
            "<p>Easy {} · moderate {} · hard {}",
            format::duration(easy),
            format::duration(moderate),
            format::duration(hard)
        );
        if let Some((lo, hi)) = z.grey_band {
            let _ = write!(o, " · grey band {lo}–{hi} bpm: {}", format::duration(z.grey_s));
        }
        o.push_str("</p>\n");
    }
    o.push_str("</section>\n");
    o
}

//! Server-free SVG charts of the review, the trends, a plan and one run (its time in zones, its
//! heart rate and pace), for the HTML report and the dashboard: each an inline `<svg>` with a
//! title, an alt text that says what it shows with its key numbers, and the same numbers as a
//! [`Table`] to print under it. `None` when there is nothing to draw.
//!
//! # Design
//! Our own code rather than a plotting crate: the charts are bars, lines and a calendar on
//! one linear axis, and owning the markup is what guarantees what a self-contained report
//! needs. No `xmlns` (HTML5 inline SVG needs none) and no URL of any kind; a `viewBox`
//! fixes the coordinates and `width="100%"` lets the page size the chart. No colour is written
//! into the markup: shapes paint with `currentColor` and a class (`easy`, `ctl`, `done`, …)
//! whose `color` comes from [`CHART_CSS`] — Okabe–Ito hues, which stay apart for colour-blind
//! readers, in a light and a dark set — so a page can theme the charts, and an unstyled chart
//! still draws in the text colour. Shapes carry what tells them apart without colour: stacking
//! order, circles against squares, filled against hollow marks. Coordinates are rounded to two
//! decimals and nothing depends on hash order: the same input gives the same bytes.

use std::fmt::Write as _;

use jiff::civil::Date;
use jiff::Span;
use serde::Serialize;
use slowburn_core::plan::{Goal, WorkoutKind};
use slowburn_core::review::{Review, WeekReview};
use slowburn_core::trends::{MonthTrend, Trends};

use crate::format::no_negative_zero;
use crate::views::{PlanView, PlanWorkoutView, RunStreams, ZoneBreakdown};

/// The numbers a chart draws, as text. Cells are plain text: the page escapes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chart {
    /// Stable name, the function's: `weekly_volume`, `easy_share`, `grey_time`, `load`,
    /// `easy_pace`, `resting_hr`, `plan_calendar`, `time_in_zones`, `run_streams`.
    pub id: &'static str,
    pub title: String,
    /// An inline `<svg>` element for an HTML5 page (styled by [`CHART_CSS`]).
    pub svg: String,
    /// What the chart shows, with its key numbers; also the svg's `aria-label`.
    pub alt: String,
    pub table: Table,
}

/// The charts' classes for a light and a dark page (`prefers-color-scheme`), Okabe–Ito hues.
pub const CHART_CSS: &str = "\
.chart{display:block;max-width:100%;height:auto;font-family:system-ui,sans-serif}
.chart text{fill:currentColor;stroke:none}
.chart .grid{opacity:.15}
.chart .axis{opacity:.75}
.chart .zero{opacity:.6}
.chart .ref{opacity:.7}
.chart .band{opacity:.1}
.chart .easy{color:#0072b2}
.chart .moderate{color:#e69f00}
.chart .hard{color:#d55e00}
.chart .unknown{color:#999}
.chart .grey{color:#8c8c8c}
.chart .time{color:#0072b2}
.chart .sessions{color:#e69f00}
.chart .ctl{color:#0072b2}
.chart .atl{color:#cc79a7}
.chart .tsb{color:#009e73}
.chart .pace{color:#0072b2}
.chart .rhr{color:#d55e00}
.chart .hr{color:#d55e00}
.chart .lap{opacity:.45}
.chart .split{opacity:.8}
.chart .part{color:#8c8c8c}
.chart rect.part{fill-opacity:.3}
.chart .part.work{color:#d55e00}
.chart rect.day{fill-opacity:.55}
.chart rect.rest{fill-opacity:.12}
.chart rect.outside{fill-opacity:.03}
.chart .done{color:#009e73}
.chart .changed{color:#e69f00}
.chart .missed{color:#d55e00}
.chart .today{opacity:.9}
@media (prefers-color-scheme: dark){
.chart .easy,.chart .time,.chart .ctl,.chart .pace{color:#56b4e9}
.chart .moderate,.chart .sessions,.chart .changed{color:#f0e442}
.chart .hard,.chart .rhr,.chart .hr,.chart .part.work,.chart .missed{color:#e8743b}
.chart .unknown{color:#777}
.chart .grey,.chart .part{color:#a6a6a6}
.chart .atl{color:#e09cc4}
.chart .tsb,.chart .done{color:#2fbf91}
.chart .band{opacity:.16}
}
";

// ---------------------------------------------------------------------------------------------
// Geometry and formatting.

/// The `viewBox` of the axis charts and their plot area inside it.
const W: f64 = 640.0;
const H: f64 = 240.0;
const PLOT_LEFT: f64 = 48.0;
const PLOT_RIGHT: f64 = 628.0;
const PLOT_TOP: f64 = 30.0;
const PLOT_BOTTOM: f64 = 212.0;
/// Width of a character of the 10-unit font, roughly: for spacing labels and legends.
const CHAR_W: f64 = 6.0;

/// A coordinate or value with at most two decimals, trailing zeros dropped: `12.5`, `3`.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_owned()
    }
}

/// `x` with exactly `decimals` decimals, never `-0.0`.
fn fixed(x: f64, decimals: usize) -> String {
    let x = no_negative_zero(x, decimals as i32);
    format!("{x:.decimals$}")
}

/// A share 0–1 as a whole percentage: `81`.
fn pct(share: f64) -> String {
    fixed(share * 100.0, 0)
}

/// A whole number with its sign, the minus a real one: `+5`, `−13`, `0`.
fn signed(x: f64) -> String {
    let r = no_negative_zero(x, 0).round();
    if r > 0.0 {
        format!("+{r:.0}")
    } else if r < 0.0 {
        format!("−{:.0}", -r)
    } else {
        "0".into()
    }
}

/// Pace as min:sec: `5:48`.
fn pace(s_per_km: f64) -> String {
    let s = s_per_km.round().max(0.0) as i64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Planned time as h:mm: `0:45`, `1:50`.
fn hours_minutes(seconds: f64) -> String {
    let m = (seconds / 60.0).round().max(0.0) as i64;
    format!("{}:{:02}", m / 60, m % 60)
}

/// `1 week`, `12 weeks`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Text for SVG content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A linear map from values `d0..d1` to coordinates `r0..r1`.
#[derive(Debug, Clone, Copy)]
struct Linear {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Linear {
    fn at(self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span.abs() < f64::EPSILON {
            return self.r0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// Round ticks covering `lo..=hi`: a step of 1, 2 or 5 × 10ⁿ (at least `min_step`) giving
/// about five intervals; the first tick is at or below `lo`, the last at or above `hi`.
fn nice_ticks(lo: f64, hi: f64, min_step: f64) -> Vec<f64> {
    let raw = ((hi - lo) / 5.0).max(min_step);
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag);
    let first = (lo / step + 1e-9).floor() as i64;
    let last = ((hi / step - 1e-9).ceil() as i64).max(first + 1);
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A [`Linear`] from the first to the last tick onto the plot's height, bottom to top.
fn y_scale(ticks: &[f64]) -> Linear {
    let (d0, d1) = (ticks.first().copied().unwrap_or(0.0), ticks.last().copied().unwrap_or(1.0));
    Linear { d0, d1, r0: PLOT_BOTTOM, r1: PLOT_TOP }
}

/// `n` equal bands across the plot, one per week or month.
#[derive(Debug, Clone, Copy)]
struct Bands {
    n: usize,
}

impl Bands {
    fn step(self) -> f64 {
        (PLOT_RIGHT - PLOT_LEFT) / self.n.max(1) as f64
    }

    fn center(self, i: usize) -> f64 {
        PLOT_LEFT + (i as f64 + 0.5) * self.step()
    }

    /// Left edge and width of a bar in band `i`: `share` of the band, at most `max` wide.
    fn bar(self, i: usize, share: f64, max: f64) -> (f64, f64) {
        let w = (self.step() * share).min(max);
        (self.center(i) - w / 2.0, w)
    }
}

/// The markup of one chart.
struct Svg {
    out: String,
}

impl Svg {
    fn new(id: &str, width: f64, height: f64, title: &str, alt: &str) -> Self {
        let mut out = String::with_capacity(8192);
        let _ = write!(
            out,
            r#"<svg class="chart" data-chart="{id}" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" fill="currentColor" font-size="10"><title>{}</title>"#,
            num(width),
            num(height),
            esc(alt),
            esc(title)
        );
        Self { out }
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }

    fn open(&mut self, class: &str) {
        let _ = write!(self.out, r#"<g class="{class}">"#);
    }

    fn close(&mut self) {
        self.out.push_str("</g>");
    }

    fn class(&mut self, class: &str) {
        if !class.is_empty() {
            let _ = write!(self.out, r#" class="{class}""#);
        }
    }

    /// Ends an element: with a tooltip, or self-closed.
    fn end(&mut self, element: &str, tip: Option<&str>) {
        match tip {
            Some(t) => {
                let _ = write!(self.out, "><title>{}</title></{element}>", esc(t));
            }
            None => self.out.push_str("/>"),
        }
    }

    /// A filled rectangle; a negative height is drawn upwards from `y`.
    fn rect(&mut self, class: &str, x: f64, y: f64, w: f64, h: f64, tip: Option<&str>) {
        let (y, h) = if h < 0.0 { (y + h, -h) } else { (y, h) };
        self.out.push_str("<rect");
        self.class(class);
        let _ = write!(
            self.out,
            r#" x="{}" y="{}" width="{}" height="{}" fill="currentColor""#,
            num(x),
            num(y),
            num(w),
            num(h)
        );
        self.end("rect", tip);
    }

    /// A rectangle outline.
    fn frame(&mut self, class: &str, x: f64, y: f64, w: f64, h: f64) {
        self.out.push_str("<rect");
        self.class(class);
        let _ = write!(
            self.out,
            r#" x="{}" y="{}" width="{}" height="{}" fill="none" stroke="currentColor" stroke-width="2"/>"#,
            num(x),
            num(y),
            num(w),
            num(h)
        );
    }

    /// A line; `extra` adds presentation attributes (`stroke-dasharray`, `stroke-width`).
    fn line(&mut self, class: &str, (x1, y1): (f64, f64), (x2, y2): (f64, f64), extra: &str) {
        self.out.push_str("<line");
        self.class(class);
        let _ = write!(
            self.out,
            r#" x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor"{extra}/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        );
    }

    /// A path: stroked (`fill` false) or filled.
    fn path(&mut self, class: &str, d: &str, fill: bool, extra: &str) {
        self.out.push_str("<path");
        self.class(class);
        let paint =
            if fill { r#"fill="currentColor""# } else { r#"fill="none" stroke="currentColor""# };
        let _ = write!(self.out, r#" d="{d}" {paint}{extra}/>"#);
    }

    /// A point marker: a circle, filled or hollow, or a square.
    fn marker(&mut self, class: &str, (x, y): (f64, f64), m: Marker, tip: Option<&str>) {
        match m {
            Marker::Square => self.rect(class, x - 3.0, y - 3.0, 6.0, 6.0, tip),
            Marker::Dot(r) | Marker::Ring(r) => {
                self.out.push_str("<circle");
                self.class(class);
                let paint = if matches!(m, Marker::Dot(_)) {
                    r#"fill="currentColor""#
                } else {
                    r#"fill="none" stroke="currentColor" stroke-width="1.5""#
                };
                let _ =
                    write!(self.out, r#" cx="{}" cy="{}" r="{}" {paint}"#, num(x), num(y), num(r));
                self.end("circle", tip);
            }
        }
    }

    fn text(&mut self, class: &str, (x, y): (f64, f64), anchor: &str, s: &str) {
        self.out.push_str("<text");
        self.class(class);
        let _ = write!(
            self.out,
            r#" x="{}" y="{}" text-anchor="{anchor}">{}</text>"#,
            num(x),
            num(y),
            esc(s)
        );
    }
}

#[derive(Debug, Clone, Copy)]
enum Marker {
    Dot(f64),
    Ring(f64),
    Square,
}

/// How a legend entry shows its class.
#[derive(Debug, Clone, Copy)]
enum Key {
    Swatch,
    Line,
    Dashed,
    Mark(Marker),
}

/// The legend, right-aligned above the plot.
fn legend(svg: &mut Svg, items: &[(&str, &str, Key)]) {
    let width = |label: &str| 14.0 + label.chars().count() as f64 * CHAR_W + 10.0;
    let total: f64 = items.iter().map(|(_, l, _)| width(l)).sum();
    let mut x = PLOT_RIGHT - total + 10.0;
    svg.open("legend");
    for &(class, label, key) in items {
        match key {
            Key::Swatch => svg.rect(class, x, 8.0, 10.0, 10.0, None),
            Key::Line => svg.line(class, (x, 13.0), (x + 10.0, 13.0), r#" stroke-width="2""#),
            Key::Dashed => {
                svg.line(class, (x, 13.0), (x + 10.0, 13.0), r#" stroke-dasharray="3 2""#);
            }
            Key::Mark(m) => svg.marker(class, (x + 5.0, 13.0), m, None),
        }
        svg.text("", (x + 14.0, 17.0), "start", label);
        x += width(label);
    }
    svg.close();
}

/// Grid lines, the y axis with its tick labels, and the unit above it.
fn y_axis(svg: &mut Svg, y: Linear, ticks: &[f64], label: &dyn Fn(f64) -> String, unit: &str) {
    svg.open("grid");
    for &t in ticks {
        svg.line("", (PLOT_LEFT, y.at(t)), (PLOT_RIGHT, y.at(t)), "");
    }
    svg.close();
    svg.open("axis y");
    svg.line("", (PLOT_LEFT, PLOT_TOP), (PLOT_LEFT, PLOT_BOTTOM), "");
    for &t in ticks {
        svg.text("tick", (PLOT_LEFT - 5.0, y.at(t) + 3.5), "end", &label(t));
    }
    svg.text("unit", (4.0, 17.0), "start", unit);
    svg.close();
}

/// The x axis under the plot with one label per band, thinned so labels do not overlap (the
/// first is always shown).
fn x_axis(svg: &mut Svg, bands: Bands, labels: &[String]) {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let every = ((longest as f64 * CHAR_W + 8.0) / bands.step()).ceil().max(1.0) as usize;
    svg.open("axis x");
    svg.line("", (PLOT_LEFT, PLOT_BOTTOM), (PLOT_RIGHT, PLOT_BOTTOM), "");
    for (i, l) in labels.iter().enumerate().step_by(every) {
        let x = bands.center(i);
        svg.line("", (x, PLOT_BOTTOM), (x, PLOT_BOTTOM + 3.0), "");
        svg.text("tick", (x, PLOT_BOTTOM + 15.0), "middle", l);
    }
    svg.close();
}

/// A line through the points that exist, broken where one is missing.
fn gapped_path(points: &[Option<(f64, f64)>]) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for p in points {
        match p {
            Some((x, y)) => {
                let _ = write!(d, "{}{} {}", if pen_down { "L" } else { "M" }, num(*x), num(*y));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

/// A series: its line (with gaps) and a marker at each point.
fn series(svg: &mut Svg, class: &str, points: &[Option<(f64, f64)>], markers: &[(Marker, String)]) {
    svg.open(&format!("series {class}"));
    let d = gapped_path(points);
    if d.contains('L') {
        svg.path(class, &d, false, r#" stroke-width="2" stroke-linejoin="round""#);
    }
    for (p, (m, tip)) in points.iter().zip(markers) {
        if let Some(p) = p {
            svg.marker(class, *p, *m, Some(tip));
        }
    }
    svg.close();
}

// ---------------------------------------------------------------------------------------------
// The review.

fn week_labels(r: &Review) -> Vec<String> {
    r.weeks.iter().map(|w| w.week.clone()).collect()
}

/// `12 weeks from 2026-01-05` (the review has weeks).
fn weeks_from(r: &Review) -> String {
    let start = r.weeks.first().map_or_else(String::new, |w| w.start.to_string());
    format!("{} from {start}", count(r.weeks.len(), "week", "weeks"))
}

/// The stacked segments of a week's bar: class and words.
const SEGMENTS: [(&str, &str); 4] =
    [("easy", "easy"), ("moderate", "moderate"), ("hard", "hard"), ("unknown", "no intensity")];

/// Hours easy, moderate, hard, and running time no intensity could be given to.
fn week_hours(w: &WeekReview) -> [f64; 4] {
    let d = &w.time_s;
    let unknown = w.seconds - d.easy - d.moderate - d.hard;
    let unknown = if unknown < 1.0 { 0.0 } else { unknown };
    [d.easy, d.moderate, d.hard, unknown].map(|s| s / 3600.0)
}

/// Stacked bars per week: hours easy, moderate and hard (and without a known intensity, when
/// heart rate and pace could not say); y axis in hours. `None` without weeks or running time.
#[must_use]
pub fn weekly_volume(r: &Review) -> Option<Chart> {
    let total_s: f64 = r.weeks.iter().map(|w| w.seconds).sum();
    if r.weeks.is_empty() || total_s <= 0.0 {
        return None;
    }
    let hours: Vec<[f64; 4]> = r.weeks.iter().map(week_hours).collect();
    let sum = |k: usize| hours.iter().map(|h| h[k]).sum::<f64>();
    let (easy, classified, unknown) = (sum(0), sum(0) + sum(1) + sum(2), sum(3));
    let top = hours.iter().map(|h| h.iter().sum::<f64>()).fold(0.0, f64::max);
    let ticks = nice_ticks(0.0, top, 0.1);
    let y = y_scale(&ticks);
    let bands = Bands { n: r.weeks.len() };

    let title = "Weekly running time by intensity".to_owned();
    let mut alt = format!(
        "{title}, {}: {} h a week on average",
        weeks_from(r),
        fixed(total_s / 3600.0 / r.weeks.len() as f64, 1)
    );
    if classified > 0.0 {
        alt += &format!(", {} % easy", pct(easy / classified));
    }
    if unknown > 0.0 {
        alt += &format!(", {} h without a known intensity", fixed(unknown, 1));
    }
    alt.push('.');

    let mut svg = Svg::new("weekly_volume", W, H, &title, &alt);
    let mut keys = vec![
        ("easy", "Easy", Key::Swatch),
        ("moderate", "Moderate", Key::Swatch),
        ("hard", "Hard", Key::Swatch),
    ];
    if unknown > 0.0 {
        keys.push(("unknown", "No intensity", Key::Swatch));
    }
    legend(&mut svg, &keys);
    y_axis(&mut svg, y, &ticks, &num, "h");
    x_axis(&mut svg, bands, &week_labels(r));
    svg.open("bars");
    for (i, (w, h)) in r.weeks.iter().zip(&hours).enumerate() {
        let (x, bw) = bands.bar(i, 0.7, 48.0);
        let mut base = 0.0;
        for (&v, (class, words)) in h.iter().zip(SEGMENTS) {
            if v <= 0.0 {
                continue;
            }
            let (y0, y1) = (y.at(base), y.at(base + v));
            let tip = format!("{}: {words} {} h", w.week, fixed(v, 1));
            svg.rect(class, x, y1, bw, y0 - y1, Some(&tip));
            base += v;
        }
    }
    svg.close();

    let mut headers: Vec<String> =
        ["Week", "Start", "Easy (h)", "Moderate (h)", "Hard (h)"].map(String::from).to_vec();
    if unknown > 0.0 {
        headers.push("No intensity (h)".into());
    }
    headers.push("Total (h)".into());
    let rows = r
        .weeks
        .iter()
        .zip(&hours)
        .map(|(w, h)| {
            let mut row = vec![w.week.clone(), w.start.to_string()];
            let shown = if unknown > 0.0 { 4 } else { 3 };
            row.extend(h[..shown].iter().map(|v| fixed(*v, 1)));
            row.push(fixed(w.seconds / 3600.0, 1));
            row
        })
        .collect();
    Some(Chart {
        id: "weekly_volume",
        title,
        svg: svg.finish(),
        alt,
        table: Table { headers, rows },
    })
}

/// A share shown as a whole percentage reaches the target as shown (the review's own rule:
/// 79.6 % shows as 80 % and holds).
fn holds(share: f64, target: f64) -> bool {
    (share * 100.0).round() >= (target * 100.0).round()
}

/// Per week, the easy share of running time and of sessions (two series, circles and
/// squares, points joined by lines, gaps where a week has none), with the review's target
/// (80 % by default) as a dashed line; y axis 0–100 %. `None` when no week has a share.
#[must_use]
pub fn easy_share(r: &Review) -> Option<Chart> {
    if r.weeks.iter().all(|w| w.easy_share_time.is_none() && w.easy_share_sessions.is_none()) {
        return None;
    }
    let target = r.settings.easy_target;
    let ticks: Vec<f64> = (0..=5).map(|k| f64::from(k) * 20.0).collect();
    let y = y_scale(&ticks);
    let bands = Bands { n: r.weeks.len() };

    let dom = |w: &WeekReview| w.time_s.easy + w.time_s.moderate + w.time_s.hard;
    let time_all: f64 = r.weeks.iter().map(dom).sum();
    let time_easy: f64 = r.weeks.iter().map(|w| w.time_s.easy).sum();
    let ses = |w: &WeekReview| w.sessions.easy + w.sessions.moderate + w.sessions.hard;
    let ses_all: f64 = r.weeks.iter().map(ses).sum();
    let ses_easy: f64 = r.weeks.iter().map(|w| w.sessions.easy).sum();
    let known: Vec<f64> = r.weeks.iter().filter_map(|w| w.easy_share_time).collect();
    let holding = known.iter().filter(|s| holds(**s, target)).count();

    let title = "Easy share of running per week".to_owned();
    let mut parts = Vec::new();
    if time_all > 0.0 {
        parts.push(format!("{} % of the running time", pct(time_easy / time_all)));
    }
    if ses_all > 0.0 {
        parts.push(format!(
            "{} % of the sessions ({} of {})",
            pct(ses_easy / ses_all),
            fixed(ses_easy, 0),
            fixed(ses_all, 0)
        ));
    }
    let mut alt = format!("{title}, {}", weeks_from(r));
    if !parts.is_empty() {
        alt += &format!(": {} was easy", parts.join(" and "));
    }
    if !known.is_empty() {
        alt += &format!(
            "; {} of {} reached the {} % target by time (dashed line)",
            holding,
            count(known.len(), "week", "weeks"),
            pct(target)
        );
    }
    alt.push('.');

    let mut svg = Svg::new("easy_share", W, H, &title, &alt);
    legend(
        &mut svg,
        &[
            ("time", "By time", Key::Mark(Marker::Dot(3.0))),
            ("sessions", "By session", Key::Mark(Marker::Square)),
            ("ref", &format!("{} % target", pct(target)), Key::Dashed),
        ],
    );
    y_axis(&mut svg, y, &ticks, &num, "%");
    x_axis(&mut svg, bands, &week_labels(r));
    let ty = y.at(target * 100.0);
    svg.line("ref", (PLOT_LEFT, ty), (PLOT_RIGHT, ty), r#" stroke-dasharray="6 4""#);
    let point = |i: usize, s: Option<f64>| s.map(|s| (bands.center(i), y.at(s * 100.0)));
    let tip = |w: &WeekReview, what: &str, s: Option<f64>| {
        format!("{}: {} % easy {what}", w.week, s.map_or_else(|| "–".into(), pct))
    };
    let time: Vec<_> =
        r.weeks.iter().enumerate().map(|(i, w)| point(i, w.easy_share_time)).collect();
    let time_marks: Vec<_> =
        r.weeks.iter().map(|w| (Marker::Dot(3.0), tip(w, "by time", w.easy_share_time))).collect();
    series(&mut svg, "time", &time, &time_marks);
    let sessions: Vec<_> =
        r.weeks.iter().enumerate().map(|(i, w)| point(i, w.easy_share_sessions)).collect();
    let session_marks: Vec<_> = r
        .weeks
        .iter()
        .map(|w| (Marker::Square, tip(w, "by session", w.easy_share_sessions)))
        .collect();
    series(&mut svg, "sessions", &sessions, &session_marks);

    let share = |s: Option<f64>| s.map_or_else(|| "–".into(), pct);
    let rows = r
        .weeks
        .iter()
        .map(|w| {
            vec![
                w.week.clone(),
                w.start.to_string(),
                share(w.easy_share_time),
                share(w.easy_share_sessions),
                format!("{} of {}", fixed(w.sessions.easy, 0), fixed(ses(w), 0)),
            ]
        })
        .collect();
    let headers = ["Week", "Start", "Easy by time (%)", "Easy by session (%)", "Easy sessions"]
        .map(String::from)
        .to_vec();
    Some(Chart { id: "easy_share", title, svg: svg.finish(), alt, table: Table { headers, rows } })
}

/// Bars per week: minutes of easy runs spent in the grey band (the top of the easy domain) or
/// above, the sum over the week's creeping runs. `None` without an easy run to judge.
#[must_use]
pub fn grey_time(r: &Review) -> Option<Chart> {
    let easy_runs: usize = r.weeks.iter().map(|w| w.easy_runs).sum();
    if r.weeks.is_empty() || easy_runs == 0 {
        return None;
    }
    let minutes: Vec<f64> =
        r.weeks.iter().map(|w| w.grey.iter().map(|g| g.minutes).sum::<f64>()).collect();
    let grey_runs: usize = r.weeks.iter().map(|w| w.grey_runs).sum();
    let total: f64 = minutes.iter().sum();
    let top = minutes.iter().copied().fold(0.0, f64::max);
    let ticks = nice_ticks(0.0, top.max(5.0), 1.0);
    let y = y_scale(&ticks);
    let bands = Bands { n: r.weeks.len() };

    let title = "Grey-zone minutes of easy runs per week".to_owned();
    let mut alt =
        format!("Minutes of easy runs in the grey band or above, per week, {}: ", weeks_from(r));
    if grey_runs == 0 {
        alt += &format!("none of the {easy_runs} easy runs crept into the grey band.");
    } else {
        let (most, most_min) = r
            .weeks
            .iter()
            .zip(&minutes)
            .fold((&r.weeks[0], 0.0), |acc, (w, m)| if *m > acc.1 { (w, *m) } else { acc });
        alt += &format!(
            "{} min in all; {grey_runs} of {} crept ({} %), the most in {} ({} min).",
            fixed(total, 0),
            count(easy_runs, "easy run", "easy runs"),
            pct(grey_runs as f64 / easy_runs as f64),
            most.week,
            fixed(most_min, 0)
        );
    }

    let mut svg = Svg::new("grey_time", W, H, &title, &alt);
    legend(&mut svg, &[("grey", "Grey band or above", Key::Swatch)]);
    y_axis(&mut svg, y, &ticks, &num, "min");
    x_axis(&mut svg, bands, &week_labels(r));
    svg.open("bars");
    for (i, (w, m)) in r.weeks.iter().zip(&minutes).enumerate() {
        if *m <= 0.0 {
            continue;
        }
        let (x, bw) = bands.bar(i, 0.7, 48.0);
        let tip = format!(
            "{}: {} min, {} of {} easy runs crept",
            w.week,
            fixed(*m, 0),
            w.grey_runs,
            w.easy_runs
        );
        svg.rect("grey", x, y.at(*m), bw, y.at(0.0) - y.at(*m), Some(&tip));
    }
    svg.close();

    let headers = ["Week", "Start", "Grey band or above (min)", "Runs that crept", "Easy runs"]
        .map(String::from)
        .to_vec();
    let rows = r
        .weeks
        .iter()
        .zip(&minutes)
        .map(|(w, m)| {
            vec![
                w.week.clone(),
                w.start.to_string(),
                fixed(*m, 0),
                w.grey_runs.to_string(),
                w.easy_runs.to_string(),
            ]
        })
        .collect();
    Some(Chart { id: "grey_time", title, svg: svg.finish(), alt, table: Table { headers, rows } })
}

/// Form (TSB) from which the shaded band starts, and where it ends.
const FORM_BAND: (f64, f64) = (-10.0, 5.0);

/// Per week: fitness (CTL) and fatigue (ATL) as lines and form (TSB) as bars from the zero
/// line (negative below it), over a shaded band of neutral form, TSB −10 to +5; y axis in
/// TRIMP a day. `None` without weeks or without any load.
#[must_use]
pub fn load(r: &Review) -> Option<Chart> {
    if r.weeks.iter().all(|w| w.ctl == 0.0 && w.atl == 0.0 && w.tsb == 0.0) {
        return None;
    }
    let values = r.weeks.iter().flat_map(|w| [w.ctl, w.atl, w.tsb]);
    let (lo, hi) = values.fold((FORM_BAND.0, FORM_BAND.1), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let ticks = nice_ticks(lo, hi, 1.0);
    let y = y_scale(&ticks);
    let bands = Bands { n: r.weeks.len() };
    let (first, last) = (&r.weeks[0], &r.weeks[r.weeks.len() - 1]);

    let title = "Fitness, fatigue and form per week".to_owned();
    let alt = format!(
        "Fitness (CTL), fatigue (ATL) and form (TSB) at the end of each week, {}: fitness {} \
         at the end of the first week and {} at the end of the last, fatigue {} and form {} then. \
         The shaded band is form from −10 to +5, \
         neutral: load and recovery in balance; below it fatigue is building, above it you are \
         fresh.",
        weeks_from(r),
        fixed(first.ctl, 0),
        fixed(last.ctl, 0),
        fixed(last.atl, 0),
        signed(last.tsb)
    );

    let mut svg = Svg::new("load", W, H, &title, &alt);
    legend(
        &mut svg,
        &[
            ("ctl", "Fitness (CTL)", Key::Line),
            ("atl", "Fatigue (ATL)", Key::Line),
            ("tsb", "Form (TSB)", Key::Swatch),
            ("band", "Form −10 to +5", Key::Swatch),
        ],
    );
    let (b_top, b_bottom) = (y.at(FORM_BAND.1), y.at(FORM_BAND.0));
    svg.rect(
        "band",
        PLOT_LEFT,
        b_top,
        PLOT_RIGHT - PLOT_LEFT,
        b_bottom - b_top,
        Some("Form −10 to +5: neutral, load and recovery in balance"),
    );
    y_axis(&mut svg, y, &ticks, &num, "TRIMP a day");
    x_axis(&mut svg, bands, &week_labels(r));
    let zero = y.at(0.0);
    svg.line("zero", (PLOT_LEFT, zero), (PLOT_RIGHT, zero), "");
    svg.open("bars");
    for (i, w) in r.weeks.iter().enumerate() {
        let (x, bw) = bands.bar(i, 0.45, 24.0);
        let tip = format!("{}: form (TSB) {}", w.week, fixed(w.tsb, 1));
        svg.rect("tsb", x, zero, bw, y.at(w.tsb) - zero, Some(&tip));
    }
    svg.close();
    for (class, words, ctl) in [("ctl", "fitness (CTL)", true), ("atl", "fatigue (ATL)", false)] {
        let get = |w: &WeekReview| if ctl { w.ctl } else { w.atl };
        let points: Vec<_> = r
            .weeks
            .iter()
            .enumerate()
            .map(|(i, w)| Some((bands.center(i), y.at(get(w)))))
            .collect();
        let marks: Vec<_> = r
            .weeks
            .iter()
            .map(|w| (Marker::Dot(2.5), format!("{}: {words} {}", w.week, fixed(get(w), 1))))
            .collect();
        series(&mut svg, class, &points, &marks);
    }

    let headers = ["Week", "Start", "Fitness (CTL)", "Fatigue (ATL)", "Form (TSB)"]
        .map(String::from)
        .to_vec();
    let rows = r
        .weeks
        .iter()
        .map(|w| {
            vec![
                w.week.clone(),
                w.start.to_string(),
                fixed(w.ctl, 1),
                fixed(w.atl, 1),
                fixed(w.tsb, 1),
            ]
        })
        .collect();
    Some(Chart { id: "load", title, svg: svg.finish(), alt, table: Table { headers, rows } })
}

// ---------------------------------------------------------------------------------------------
// Trends.

/// `12 months from 2025-03`.
fn months_from(months: &[MonthTrend]) -> String {
    let start = months.first().map_or("", |m| m.month.as_str());
    format!("{} from {start}", count(months.len(), "month", "months"))
}

/// Ticks of pace, s/km: steps of whole seconds that read well as min:sec.
fn pace_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let step = [5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0]
        .into_iter()
        .find(|s| (hi - lo) / s <= 6.0)
        .unwrap_or(600.0);
    let first = (lo / step).floor() as i64;
    let last = ((hi / step).ceil() as i64).max(first + 1);
    (first..=last).map(|k| k as f64 * step).collect()
}

/// The pace at the target heart rate by month, min:sec per km on the axis with faster
/// higher; points joined by lines, gaps where a month has none, hollow where the pace is read
/// off the line's extension. `None` when no month has a pace.
#[must_use]
pub fn easy_pace(t: &Trends) -> Option<Chart> {
    let first = t.months.iter().find_map(|m| m.easy_pace.as_ref())?;
    let hr = t.target_hr.unwrap_or(first.hr);
    let paces: Vec<f64> =
        t.months.iter().filter_map(|m| m.easy_pace.as_ref().map(|p| p.pace_s_per_km)).collect();
    let (lo, hi) = paces.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(*p), hi.max(*p)));
    let ticks = pace_ticks(lo - 5.0, hi + 5.0);
    // Slower at the bottom, faster at the top.
    let y = Linear { d0: ticks[ticks.len() - 1], d1: ticks[0], r0: PLOT_BOTTOM, r1: PLOT_TOP };
    let bands = Bands { n: t.months.len() };
    let labels: Vec<String> = t.months.iter().map(|m| m.month.clone()).collect();
    let with: Vec<(&MonthTrend, f64)> = t
        .months
        .iter()
        .filter_map(|m| m.easy_pace.as_ref().map(|p| (m, p.pace_s_per_km)))
        .collect();
    let gaps = t.months.len() - with.len();
    let extrapolated =
        t.months.iter().filter(|m| m.easy_pace.as_ref().is_some_and(|p| p.extrapolated)).count();

    let title = format!("Easy pace at {hr} bpm by month");
    let (m0, p0) = with[0];
    let (m1, p1) = with[with.len() - 1];
    let mut alt = format!("{title}, {}: {} /km in {}", months_from(&t.months), pace(p0), m0.month);
    // The months' readings only: whether they show a change is the trends' finding, which
    // weighs how much running is behind each (the chart does not judge).
    if with.len() > 1 {
        alt += &format!(", {} /km in {}", pace(p1), m1.month);
    }
    if gaps > 0 {
        alt += &format!("; no pace in {}", count(gaps, "month", "months"));
    }
    if extrapolated > 0 {
        alt += &format!("; {extrapolated} read off the line's extension (hollow)");
    }
    alt += "; faster is higher.";

    let mut svg = Svg::new("easy_pace", W, H, &title, &alt);
    let mut keys = vec![("pace", "Pace", Key::Mark(Marker::Dot(3.0)))];
    if extrapolated > 0 {
        keys.push(("pace", "Extrapolated", Key::Mark(Marker::Ring(3.0))));
    }
    legend(&mut svg, &keys);
    y_axis(&mut svg, y, &ticks, &pace, "min:sec /km");
    x_axis(&mut svg, bands, &labels);
    let points: Vec<_> = t
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| m.easy_pace.as_ref().map(|p| (bands.center(i), y.at(p.pace_s_per_km))))
        .collect();
    let marks: Vec<_> = t
        .months
        .iter()
        .map(|m| match &m.easy_pace {
            Some(p) => (
                if p.extrapolated { Marker::Ring(3.0) } else { Marker::Dot(3.0) },
                format!("{}: {} /km at {} bpm", m.month, pace(p.pace_s_per_km), p.hr),
            ),
            None => (Marker::Dot(3.0), String::new()),
        })
        .collect();
    series(&mut svg, "pace", &points, &marks);

    let headers = vec![
        "Month".to_owned(),
        format!("Pace at {hr} bpm (/km)"),
        "Heart rates run (bpm)".to_owned(),
        "Running behind it (min)".to_owned(),
        "Note".to_owned(),
    ];
    let rows = t
        .months
        .iter()
        .map(|m| match &m.easy_pace {
            Some(p) => vec![
                m.month.clone(),
                pace(p.pace_s_per_km),
                format!("{}–{}", p.hr_p10, p.hr_p90),
                fixed(p.seconds / 60.0, 0),
                if p.extrapolated { "extrapolated".into() } else { String::new() },
            ],
            None => vec![m.month.clone(), "–".into(), "–".into(), "–".into(), String::new()],
        })
        .collect();
    Some(Chart { id: "easy_pace", title, svg: svg.finish(), alt, table: Table { headers, rows } })
}

/// Resting heart rate by month, bpm; points joined by lines, gaps where a month has none.
/// `None` when no month has one.
#[must_use]
pub fn resting_hr(t: &Trends) -> Option<Chart> {
    let with: Vec<(&MonthTrend, f64)> =
        t.months.iter().filter_map(|m| m.resting_hr.map(|v| (m, v))).collect();
    let (&(m0, v0), &(m1, v1)) = (with.first()?, with.last()?);
    let (low_m, low) =
        with.iter().fold((m0, v0), |acc, &(m, v)| if v < acc.1 { (m, v) } else { acc });
    let hi = with.iter().map(|x| x.1).fold(f64::MIN, f64::max);
    let ticks = nice_ticks(low - 2.0, hi + 2.0, 1.0);
    let y = y_scale(&ticks);
    let bands = Bands { n: t.months.len() };
    let labels: Vec<String> = t.months.iter().map(|m| m.month.clone()).collect();
    let gaps = t.months.len() - with.len();

    let title = "Resting heart rate by month".to_owned();
    let mut alt = format!("{title}, {}: {} bpm in {}", months_from(&t.months), num(v0), m0.month);
    if with.len() > 1 {
        alt += &format!(
            ", {} bpm in {} ({} bpm); lowest {} bpm in {}",
            num(v1),
            m1.month,
            signed(v1 - v0),
            num(low),
            low_m.month
        );
    }
    if gaps > 0 {
        alt += &format!("; no value in {}", count(gaps, "month", "months"));
    }
    alt.push('.');

    let mut svg = Svg::new("resting_hr", W, H, &title, &alt);
    legend(&mut svg, &[("rhr", "Resting HR", Key::Mark(Marker::Dot(3.0)))]);
    y_axis(&mut svg, y, &ticks, &num, "bpm");
    x_axis(&mut svg, bands, &labels);
    let points: Vec<_> = t
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| m.resting_hr.map(|v| (bands.center(i), y.at(v))))
        .collect();
    let marks: Vec<_> = t
        .months
        .iter()
        .map(|m| {
            let v = m.resting_hr.map_or_else(|| "–".into(), num);
            (Marker::Dot(3.0), format!("{}: {v} bpm", m.month))
        })
        .collect();
    series(&mut svg, "rhr", &points, &marks);

    let headers = ["Month", "Resting HR (bpm)", "Source"].map(String::from).to_vec();
    let rows = t
        .months
        .iter()
        .map(|m| {
            vec![
                m.month.clone(),
                m.resting_hr.map_or_else(|| "–".into(), num),
                m.resting_hr_source.map_or_else(String::new, |s| s.replace('_', " ")),
            ]
        })
        .collect();
    Some(Chart { id: "resting_hr", title, svg: svg.finish(), alt, table: Table { headers, rows } })
}

// ---------------------------------------------------------------------------------------------
// A plan.

/// The calendar's grid: week labels left of it, day names above it.
const CAL_LEFT: f64 = 64.0;
const CAL_TOP: f64 = 24.0;
const CELL_W: f64 = 80.0;
const CELL_H: f64 = 22.0;
const PITCH_X: f64 = 82.0;
const PITCH_Y: f64 = 24.0;
/// Size of the status mark in a cell's top-right corner.
const MARK: f64 = 8.0;
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// What became of a day's sessions, as its corner mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayMark {
    /// Done as planned, or rested as planned: a filled corner.
    Done,
    /// Run differently, or run on a rest day: a hollow corner.
    Changed,
    /// Not run: a crossed corner.
    Missed,
}

impl DayMark {
    fn of(day: &[&PlanWorkoutView]) -> Option<DayMark> {
        let has = |names: &[&str]| day.iter().any(|v| names.contains(&v.status.as_str()));
        if has(&["missed"]) {
            Some(DayMark::Missed)
        } else if has(&["changed", "not_rested"]) {
            Some(DayMark::Changed)
        } else if has(&["done", "rested"]) {
            Some(DayMark::Done)
        } else {
            None
        }
    }

    fn class(self) -> &'static str {
        match self {
            DayMark::Done => "done",
            DayMark::Changed => "changed",
            DayMark::Missed => "missed",
        }
    }

    /// The mark in the corner whose top-right point is (`x`, `y`).
    fn draw(self, svg: &mut Svg, x: f64, y: f64) {
        let corner = format!(
            "M{} {}L{} {}L{} {}Z",
            num(x - MARK),
            num(y),
            num(x),
            num(y),
            num(x),
            num(y + MARK)
        );
        match self {
            DayMark::Done => svg.path(self.class(), &corner, true, ""),
            DayMark::Changed => svg.path(self.class(), &corner, false, r#" stroke-width="1.5""#),
            DayMark::Missed => {
                let d = format!(
                    "M{} {}L{} {}M{} {}L{} {}",
                    num(x - MARK),
                    num(y),
                    num(x),
                    num(y + MARK),
                    num(x),
                    num(y),
                    num(x - MARK),
                    num(y + MARK)
                );
                svg.path(self.class(), &d, false, r#" stroke-width="2""#);
            }
        }
    }
}

/// `easy run 45 min`, `long run 1 h 40 min`, `rest day (rested)`.
fn session_words(v: &PlanWorkoutView) -> String {
    let w = &v.workout;
    let what = if w.kind == WorkoutKind::Rest {
        w.kind.words().to_owned()
    } else {
        let m = (w.duration_s / 60.0).round().max(0.0) as i64;
        match (m / 60, m % 60) {
            (0, m) => format!("{} {m} min", w.kind.words()),
            (h, 0) => format!("{} {h} h", w.kind.words()),
            (h, m) => format!("{} {h} h {m:02} min", w.kind.words()),
        }
    };
    match v.status.as_str() {
        "planned" | "" => what,
        s => format!("{what} ({})", s.replace('_', " ")),
    }
}

/// One cell a day (rows are the plan's weeks, columns Monday to Sunday), coloured by the
/// planned session's intensity with its type and time written in it, rest days their own
/// colour, and a corner mark for what became of it: filled for done (or rested), hollow for
/// changed (or run on a rest day), crossed for missed; a dot for a morning double, an outline
/// on today; a legend under the grid. `None` for a plan without weeks.
#[must_use]
pub fn plan_calendar(p: &PlanView) -> Option<Chart> {
    if p.weeks.is_empty() {
        return None;
    }
    let rows_n = p.weeks.len();
    let grid_bottom = CAL_TOP + rows_n as f64 * PITCH_Y;
    let height = grid_bottom + 46.0;

    let all = || p.weeks.iter().flat_map(|w| &w.workouts);
    let sessions: Vec<&PlanWorkoutView> =
        all().filter(|v| v.workout.kind != WorkoutKind::Rest).collect();
    let by = |name: &str| sessions.iter().filter(|v| v.workout.intensity.name() == name).count();
    let rest_days = all().filter(|v| v.workout.kind == WorkoutKind::Rest).count();
    let (done, changed, missed) =
        p.weeks.iter().fold((0, 0, 0), |a, w| (a.0 + w.done, a.1 + w.changed, a.2 + w.missed));
    let goal = Goal::parse(&p.goal).map_or_else(|| p.goal.clone(), |g| g.words().to_owned());
    let title = format!("Plan for {goal} on {}", p.race_date);
    let alt = format!(
        "Plan calendar, {} from {} to {goal} on {}: {} ({} easy, {} moderate, {} hard) and {}; \
         {done} done, {changed} changed and {missed} missed so far.",
        count(rows_n, "week", "weeks"),
        p.weeks[0].start.max(p.start),
        p.race_date,
        count(sessions.len(), "session", "sessions"),
        by("easy"),
        by("moderate"),
        by("hard"),
        count(rest_days, "rest day", "rest days"),
    );

    let mut svg = Svg::new("plan_calendar", W, height, &title, &alt);
    svg.open("axis x");
    for (c, d) in DAYS.iter().enumerate() {
        svg.text("tick", (CAL_LEFT + c as f64 * PITCH_X + CELL_W / 2.0, 16.0), "middle", d);
    }
    svg.close();
    let mut table_rows = Vec::new();
    for (r, week) in p.weeks.iter().enumerate() {
        let top = CAL_TOP + r as f64 * PITCH_Y;
        svg.open("axis y");
        svg.text("tick", (CAL_LEFT - 6.0, top + 15.0), "end", &week.week);
        svg.close();
        let offset = i64::from(week.start.weekday().to_monday_zero_offset());
        let monday = week.start.checked_sub(Span::new().days(offset)).unwrap_or(week.start);
        let mut row = vec![week.week.clone(), week.phase.clone()];
        svg.open("week");
        for c in 0..7 {
            let date: Option<Date> = monday.checked_add(Span::new().days(c)).ok();
            let mut day: Vec<&PlanWorkoutView> =
                week.workouts.iter().filter(|v| Some(v.workout.date) == date).collect();
            day.sort_by_key(|v| v.workout.slot);
            let x = CAL_LEFT + c as f64 * PITCH_X;
            let Some(main) = day.first() else {
                svg.rect("day outside", x, top, CELL_W, CELL_H, None);
                row.push("–".into());
                continue;
            };
            let w = &main.workout;
            let words: Vec<String> = day.iter().map(|v| session_words(v)).collect();
            let tip = format!("{} {}: {}", w.date, DAYS[c as usize], words.join(" + "));
            svg.rect(&format!("day {}", w.intensity.name()), x, top, CELL_W, CELL_H, Some(&tip));
            let label = if w.kind == WorkoutKind::Rest {
                "rest".to_owned()
            } else {
                format!("{} {}", w.kind.name(), hours_minutes(w.duration_s))
            };
            svg.text("cell", (x + 4.0, top + 15.0), "start", &label);
            if day.len() > 1 {
                svg.marker(
                    "double",
                    (x + CELL_W - 5.0, top + CELL_H - 5.0),
                    Marker::Dot(2.0),
                    None,
                );
            }
            if let Some(m) = DayMark::of(&day) {
                m.draw(&mut svg, x + CELL_W, top);
            }
            if Some(p.today) == date {
                svg.frame("today", x - 1.0, top - 1.0, CELL_W + 2.0, CELL_H + 2.0);
            }
            row.push(words.join(" + "));
        }
        svg.close();
        table_rows.push(row);
    }

    // The legend, two lines under the grid.
    svg.open("legend");
    let (y1, y2) = (grid_bottom + 8.0, grid_bottom + 26.0);
    let mut x = CAL_LEFT;
    for (class, label) in [
        ("day rest", "Rest"),
        ("day easy", "Easy"),
        ("day moderate", "Moderate"),
        ("day hard", "Hard"),
    ] {
        svg.rect(class, x, y1, 16.0, 10.0, None);
        svg.text("", (x + 20.0, y1 + 9.0), "start", label);
        x += 28.0 + label.chars().count() as f64 * CHAR_W;
    }
    x = CAL_LEFT;
    for (m, label) in [
        (Some(DayMark::Done), "Done (or rested)"),
        (Some(DayMark::Changed), "Changed (or ran on a rest day)"),
        (Some(DayMark::Missed), "Missed"),
        (None, "Double"),
    ] {
        match m {
            Some(m) => m.draw(&mut svg, x + MARK, y2),
            None => svg.marker("double", (x + 4.0, y2 + 4.0), Marker::Dot(2.0), None),
        }
        svg.text("", (x + MARK + 4.0, y2 + 8.0), "start", label);
        x += MARK + 16.0 + label.chars().count() as f64 * CHAR_W;
    }
    svg.frame("today", x, y2 - 1.0, 14.0, 10.0);
    svg.text("", (x + 18.0, y2 + 8.0), "start", "Today");
    svg.close();

    let mut headers = vec!["Week".to_owned(), "Phase".to_owned()];
    headers.extend(DAYS.iter().map(|d| (*d).to_owned()));
    Some(Chart {
        id: "plan_calendar",
        title,
        svg: svg.finish(),
        alt,
        table: Table { headers, rows: table_rows },
    })
}

// ---------------------------------------------------------------------------------------------
// One run.

/// Seconds as min:sec, minutes counting on past the hour: `5:08`, `75:12`.
fn min_sec(seconds: f64) -> String {
    let s = seconds.round().max(0.0) as i64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Elapsed time as m:ss, or h:mm:ss from an hour: `52:10`, `1:05:30`.
fn clock(seconds: f64) -> String {
    let s = seconds.round().max(0.0) as i64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        min_sec(seconds)
    }
}

const DOMAIN_CLASSES: [&str; 3] = ["easy", "moderate", "hard"];

/// A zone's range in words: `120–132 bpm`, the open ends `≤132 bpm` and `≥171 bpm`.
fn bpm_range(low: u8, high: u8) -> String {
    match (low, high) {
        (0, h) => format!("≤{h} bpm"),
        (l, 255) => format!("≥{l} bpm"),
        (l, h) => format!("{l}–{h} bpm"),
    }
}

/// `"120–132"` as its two numbers.
fn parse_range(r: &str) -> Option<(u8, u8)> {
    let (lo, hi) = r.split_once('–')?;
    Some((lo.trim().parse().ok()?, hi.trim().parse().ok()?))
}

/// The domain (0 easy, 1 moderate, 2 hard) of each zone with time, from the breakdown alone:
/// each domain starts at a zone's lower bound, so the zones' times, in order, fill the
/// domains' times in turn, and a zone is in the domain the middle of its time falls in. A zone
/// without time has none here (it draws no bar; the breakdown does not say).
fn zone_domains(z: &ZoneBreakdown) -> Vec<Option<usize>> {
    let [easy, moderate, _] = z.domains;
    let mut before = 0.0;
    z.zones
        .iter()
        .map(|(_, _, secs)| {
            let secs = secs.max(0.0);
            let mid = before + secs / 2.0;
            before += secs;
            (secs > 0.0).then_some(if mid < easy {
                0
            } else if mid < easy + moderate {
                1
            } else {
                2
            })
        })
        .collect()
}

/// Zone bars' geometry: labels left of `ZONE_LEFT`, bars to `ZONE_RIGHT` at the top tick,
/// one row every `ZONE_PITCH` from `ZONE_TOP`.
const ZONE_LEFT: f64 = 112.0;
const ZONE_RIGHT: f64 = 580.0;
const ZONE_TOP: f64 = 30.0;
const ZONE_PITCH: f64 = 24.0;
const ZONE_BAR: f64 = 16.0;

/// Horizontal bars, one per zone (its label and heart-rate range), as long as the time spent
/// in it, coloured by the zone's domain (easy, moderate, hard); the time written after each
/// bar as min:sec; x axis in minutes. The alt text adds the time in the grey band. `None`
/// without zones or without any time in them.
#[must_use]
pub fn time_in_zones(z: &ZoneBreakdown) -> Option<Chart> {
    let total: f64 = z.zones.iter().map(|x| x.2.max(0.0)).sum();
    if z.zones.is_empty() || total <= 0.0 {
        return None;
    }
    let domains = zone_domains(z);
    let top_min = z.zones.iter().map(|x| x.2 / 60.0).fold(0.0, f64::max);
    let ticks = nice_ticks(0.0, top_min, 1.0);
    let x = Linear { d0: 0.0, d1: ticks[ticks.len() - 1], r0: ZONE_LEFT, r1: ZONE_RIGHT };
    let rows_n = z.zones.len();
    let axis_y = ZONE_TOP + rows_n as f64 * ZONE_PITCH;
    let height = axis_y + 28.0;
    let label = |(l, r): (&String, &String)| match parse_range(r) {
        Some((lo, hi)) => format!("{l} {}", bpm_range(lo, hi)),
        None => format!("{l} {r} bpm"),
    };

    let title = "Time in heart-rate zones".to_owned();
    let most = z.zones.iter().fold(&z.zones[0], |a, x| if x.2 > a.2 { x } else { a });
    let model =
        z.model.as_deref().map_or_else(String::new, |m| format!(" ({})", m.replace('_', " ")));
    let mut alt = format!(
        "{title}{model}: {} with heart rate, the most in {} ({}, {} %); easy {}, moderate {}, \
         hard {}",
        clock(total),
        label((&most.0, &most.1)),
        clock(most.2),
        pct(most.2 / total),
        clock(z.domains[0]),
        clock(z.domains[1]),
        clock(z.domains[2]),
    );
    if let Some((lo, hi)) = z.grey_band {
        alt += &format!(
            "; {} in the grey band ({lo}–{hi} bpm, the top of the easy domain)",
            clock(z.grey_s)
        );
    }
    alt.push('.');

    let mut svg = Svg::new("time_in_zones", W, height, &title, &alt);
    legend(
        &mut svg,
        &[
            ("easy", "Easy", Key::Swatch),
            ("moderate", "Moderate", Key::Swatch),
            ("hard", "Hard", Key::Swatch),
        ],
    );
    svg.open("grid");
    for &t in &ticks {
        svg.line("", (x.at(t), ZONE_TOP), (x.at(t), axis_y), "");
    }
    svg.close();
    svg.open("axis x");
    svg.line("", (ZONE_LEFT, axis_y), (ZONE_RIGHT, axis_y), "");
    for &t in &ticks {
        svg.text("tick", (x.at(t), axis_y + 15.0), "middle", &num(t));
    }
    svg.text("unit", (ZONE_RIGHT + 14.0, axis_y + 15.0), "start", "min");
    svg.close();
    svg.open("axis y");
    for (i, (l, r, _)) in z.zones.iter().enumerate() {
        let y = ZONE_TOP + i as f64 * ZONE_PITCH + ZONE_BAR / 2.0 + 4.0 + 3.5;
        svg.text("tick", (ZONE_LEFT - 6.0, y), "end", &label((l, r)));
    }
    svg.close();
    svg.open("bars");
    for (i, ((l, r, secs), d)) in z.zones.iter().zip(&domains).enumerate() {
        let top = ZONE_TOP + i as f64 * ZONE_PITCH + 4.0;
        let w = x.at(secs / 60.0) - ZONE_LEFT;
        if let Some(class) = d.map(|d| DOMAIN_CLASSES[d]) {
            let tip = format!("{}: {} ({class})", label((l, r)), clock(*secs));
            svg.rect(class, ZONE_LEFT, top, w, ZONE_BAR, Some(&tip));
        }
        svg.text(
            "value",
            (ZONE_LEFT + w + 4.0, top + ZONE_BAR / 2.0 + 3.5),
            "start",
            &clock(*secs),
        );
    }
    svg.close();

    let headers = ["Zone", "Heart rate (bpm)", "Time (min:sec)", "Share (%)", "Domain"]
        .map(String::from)
        .to_vec();
    let rows = z
        .zones
        .iter()
        .zip(&domains)
        .map(|((l, r, secs), d)| {
            vec![
                l.clone(),
                r.clone(),
                clock(*secs),
                pct(secs / total),
                d.map_or("–", |d| DOMAIN_CLASSES[d]).to_owned(),
            ]
        })
        .collect();
    Some(Chart {
        id: "time_in_zones",
        title,
        svg: svg.finish(),
        alt,
        table: Table { headers, rows },
    })
}

/// The stream chart's plot right edge (the pace axis is right of it).
const STREAM_RIGHT: f64 = 588.0;
/// The parts strip under the x axis.
const STRIP_TOP: f64 = 234.0;
const STRIP_H: f64 = 14.0;

/// `warm_up` → `warm-up`.
fn part_words(kind: &str) -> String {
    kind.replace('_', "-")
}

/// Heart rate (left axis, bpm) and pace (right axis, min:sec per km, faster higher) over
/// elapsed time (minutes), over the heart-rate zones as faint bands coloured by domain; lap
/// starts as thin vertical lines, each whole kilometre as a tick on the x axis, and the run's
/// parts (warm-up, work, recoveries, cool-down) as a labelled strip under the axis. Lines break
/// where nothing was recorded. `None` without a point with a heart rate or a pace.
#[must_use]
pub fn run_streams(s: &RunStreams) -> Option<Chart> {
    let hrs: Vec<f64> = s.points.iter().filter_map(|p| p.hr.map(f64::from)).collect();
    let paces: Vec<f64> = s.points.iter().filter_map(|p| p.pace_s_per_km).collect();
    if (hrs.is_empty() && paces.is_empty()) || s.elapsed_s <= 0.0 {
        return None;
    }
    let height = if s.parts.is_empty() { H } else { STRIP_TOP + STRIP_H + 8.0 };
    let x = Linear { d0: 0.0, d1: s.elapsed_s, r0: PLOT_LEFT, r1: STREAM_RIGHT };
    let minutes = s.elapsed_s / 60.0;
    let x_ticks: Vec<f64> =
        nice_ticks(0.0, minutes, 1.0).into_iter().filter(|t| *t <= minutes + 1e-9).collect();
    let (hr_lo, hr_hi) = hrs.iter().fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
    let hr_ticks =
        if hrs.is_empty() { vec![0.0, 1.0] } else { nice_ticks(hr_lo - 5.0, hr_hi + 5.0, 1.0) };
    let y = y_scale(&hr_ticks);
    let (p_lo, p_hi) = paces.iter().fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
    let pace_t = if paces.is_empty() { vec![0.0, 1.0] } else { pace_ticks(p_lo - 5.0, p_hi + 5.0) };
    // Slower at the bottom, faster at the top.
    let y2 = Linear { d0: pace_t[pace_t.len() - 1], d1: pace_t[0], r0: PLOT_BOTTOM, r1: PLOT_TOP };

    // Each point stands for `step_s`; the mean heart rate and the time in the top zone.
    let step = s.step_s.max(0.0);
    let mean_hr = (!hrs.is_empty()).then(|| hrs.iter().sum::<f64>() / hrs.len() as f64);
    let top_zone = s.zones.last();
    let in_top = top_zone.map(|(_, lo, hi, _)| {
        s.points.iter().filter(|p| p.hr.is_some_and(|h| h >= *lo && h <= *hi)).count() as f64 * step
    });

    let title = "Heart rate and pace".to_owned();
    let mut alt = format!("{title} over {} of elapsed time", clock(s.elapsed_s));
    match mean_hr {
        Some(m) => alt += &format!(": mean heart rate {} bpm", fixed(m, 0)),
        None => alt += ": no heart rate",
    }
    if let (Some((label, lo, hi, _)), Some(t), Some(_)) = (top_zone, in_top, mean_hr) {
        alt += &format!(", {} in {label} (the top zone, {})", min_sec(t), bpm_range(*lo, *hi));
    }
    if !paces.is_empty() {
        let best = paces.iter().copied().fold(f64::MAX, f64::min);
        alt += &format!("; fastest 30-s pace {} /km (faster is higher)", pace(best));
    }
    let laps = s.laps.iter().filter(|t| **t > 0.5 && **t < s.elapsed_s).count();
    alt += &format!(
        "; {}, {}",
        count(laps + 1, "lap", "laps"),
        count(s.splits.len(), "whole kilometre", "whole kilometres")
    );
    if !s.parts.is_empty() {
        let words: Vec<String> = s.parts.iter().map(|p| part_words(&p.2)).collect();
        alt += &format!("; parts: {}", words.join(", "));
    }
    alt.push('.');

    let mut svg = Svg::new("run_streams", W, height, &title, &alt);
    let mut keys = Vec::new();
    if !hrs.is_empty() {
        keys.push(("hr", "Heart rate", Key::Line));
    }
    if !paces.is_empty() {
        keys.push(("pace", "Pace", Key::Line));
    }
    if laps > 0 {
        keys.push(("lap", "Lap", Key::Line));
    }
    legend(&mut svg, &keys);

    // Zone bands behind everything, clipped to the heart-rate axis.
    if !hrs.is_empty() {
        svg.open("zones");
        let (a0, a1) = (hr_ticks[0], hr_ticks[hr_ticks.len() - 1]);
        for (label, lo, hi, domain) in &s.zones {
            let (b0, b1) = (f64::from(*lo).max(a0), (f64::from(*hi) + 1.0).min(a1));
            if b1 <= b0 {
                continue;
            }
            let class =
                if DOMAIN_CLASSES.contains(&domain.as_str()) { domain.as_str() } else { "unknown" };
            let tip = format!("{label} {} ({domain})", bpm_range(*lo, *hi));
            svg.rect(
                &format!("band {class}"),
                PLOT_LEFT,
                y.at(b1),
                STREAM_RIGHT - PLOT_LEFT,
                y.at(b0) - y.at(b1),
                Some(&tip),
            );
        }
        svg.close();
    }
    // Grid and axes.
    svg.open("grid");
    for &t in &hr_ticks {
        svg.line("", (PLOT_LEFT, y.at(t)), (STREAM_RIGHT, y.at(t)), "");
    }
    svg.close();
    if !hrs.is_empty() {
        svg.open("axis y");
        svg.line("", (PLOT_LEFT, PLOT_TOP), (PLOT_LEFT, PLOT_BOTTOM), "");
        for &t in &hr_ticks {
            svg.text("tick", (PLOT_LEFT - 5.0, y.at(t) + 3.5), "end", &num(t));
        }
        svg.text("unit", (4.0, 17.0), "start", "bpm");
        svg.close();
    }
    if !paces.is_empty() {
        svg.open("axis y2");
        svg.line("", (STREAM_RIGHT, PLOT_TOP), (STREAM_RIGHT, PLOT_BOTTOM), "");
        for &t in &pace_t {
            svg.text("tick", (STREAM_RIGHT + 5.0, y2.at(t) + 3.5), "start", &pace(t));
        }
        svg.text("unit", (W - 4.0, 27.0), "end", "min:sec /km");
        svg.close();
    }
    svg.open("axis x");
    svg.line("", (PLOT_LEFT, PLOT_BOTTOM), (STREAM_RIGHT, PLOT_BOTTOM), "");
    for &t in &x_ticks {
        let xt = x.at(t * 60.0);
        svg.line("", (xt, PLOT_BOTTOM), (xt, PLOT_BOTTOM + 3.0), "");
        svg.text("tick", (xt, PLOT_BOTTOM + 15.0), "middle", &num(t));
    }
    svg.text("unit", (STREAM_RIGHT + 5.0, PLOT_BOTTOM + 15.0), "start", "min");
    svg.close();
    // Laps and kilometres.
    if laps > 0 {
        svg.open("laps");
        for &t in s.laps.iter().filter(|t| **t > 0.5 && **t < s.elapsed_s) {
            svg.line("lap", (x.at(t), PLOT_TOP), (x.at(t), PLOT_BOTTOM), r#" stroke-width="0.75""#);
        }
        svg.close();
    }
    if !s.splits.is_empty() {
        svg.open("splits");
        let mut prev = 0.0;
        for (k, &t) in s.splits.iter().enumerate() {
            let tip = format!("km {}: {} elapsed, split {}", k + 1, clock(t), min_sec(t - prev));
            svg.rect("split", x.at(t) - 0.75, PLOT_BOTTOM - 6.0, 1.5, 6.0, Some(&tip));
            prev = t;
        }
        svg.close();
    }
    // The lines, broken where a bucket holds nothing (a pause, a gap in the recording).
    let gap = |i: usize| i > 0 && s.points[i].t_s - s.points[i - 1].t_s > 1.5 * step.max(1.0);
    let line =
        |f: &dyn Fn(&crate::views::StreamPoint) -> Option<(f64, f64)>| -> Vec<Option<(f64, f64)>> {
            let mut out = Vec::with_capacity(s.points.len() + 8);
            for (i, p) in s.points.iter().enumerate() {
                if gap(i) {
                    out.push(None);
                }
                out.push(f(p));
            }
            out
        };
    if !paces.is_empty() {
        let pts = line(&|p| p.pace_s_per_km.map(|v| (x.at(p.t_s), y2.at(v))));
        svg.open("series pace");
        svg.path(
            "pace",
            &gapped_path(&pts),
            false,
            r#" stroke-width="1.25" stroke-linejoin="round""#,
        );
        svg.close();
    }
    if !hrs.is_empty() {
        let pts = line(&|p| p.hr.map(|v| (x.at(p.t_s), y.at(f64::from(v)))));
        svg.open("series hr");
        svg.path("hr", &gapped_path(&pts), false, r#" stroke-width="1.5" stroke-linejoin="round""#);
        svg.close();
    }
    // The parts, a strip under the axis.
    if !s.parts.is_empty() {
        svg.open("parts");
        for (a, b, kind) in &s.parts {
            let (x0, x1) = (x.at(a.max(0.0)), x.at(b.min(s.elapsed_s)));
            if x1 <= x0 {
                continue;
            }
            let words = part_words(kind);
            let tip = format!("{words}: {} to {}", clock(*a), clock(*b));
            svg.rect(&format!("part {kind}"), x0, STRIP_TOP, x1 - x0, STRIP_H, Some(&tip));
            if words.chars().count() as f64 * CHAR_W + 4.0 <= x1 - x0 {
                svg.text("", (f64::midpoint(x0, x1), STRIP_TOP + 10.5), "middle", &words);
            }
        }
        svg.close();
    }

    let headers = ["km", "Elapsed", "Split (min:sec)", "Mean HR (bpm)"].map(String::from).to_vec();
    let mut prev = 0.0;
    let rows = s
        .splits
        .iter()
        .enumerate()
        .map(|(k, &t)| {
            let in_km: Vec<f64> = s
                .points
                .iter()
                .filter(|p| p.t_s >= prev && p.t_s < t)
                .filter_map(|p| p.hr.map(f64::from))
                .collect();
            let hr = if in_km.is_empty() {
                "–".to_owned()
            } else {
                fixed(in_km.iter().sum::<f64>() / in_km.len() as f64, 0)
            };
            let row = vec![(k + 1).to_string(), clock(t), min_sec(t - prev), hr];
            prev = t;
            row
        })
        .collect();
    Some(Chart { id: "run_streams", title, svg: svg.finish(), alt, table: Table { headers, rows } })
}

//! The SVG charts against hand-checked numbers: bar heights, reference lines, the zero line,
//! min:sec ticks, gaps, `None` for nothing to draw, escaping, and markup fit for an HTML5 page
//! (balanced tags, no URL, no `xmlns`).
//!
//! Geometry the numbers below are worked out from: every axis chart's `viewBox` is 640 × 240
//! with the plot from y = 212 (bottom) to y = 30 (top), 182 units high, x from 48 to 628.

use jiff::civil::{date, Date, Weekday};
use slowburn_core::athlete::{Athlete, ProfileEntry};
use slowburn_core::classify::RunType;
use slowburn_core::load::LoadParams;
use slowburn_core::plan::{create, Goal, Level, PlanAthlete, PlanRequest, WorkoutKind};
use slowburn_core::review::{
    review, ActivityInput, Domains, GreyRun, ProfilePeriod, Review, ReviewSettings,
};
use slowburn_core::trends::{trends, PaceAtHr, TrendSettings, Trends};
use slowburn_core::zones::ZoneModel;
use slowburn_report::charts::{
    easy_pace, easy_share, grey_time, load, plan_calendar, resting_hr, run_streams, time_in_zones,
    weekly_volume, Chart, CHART_CSS,
};
use slowburn_report::views::{
    PlanView, PlanWeekView, PlanWorkoutView, RunStreams, StreamPoint, ZoneBreakdown,
};

const BOTTOM: f64 = 212.0;
const PLOT_H: f64 = 182.0;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.006
}

/// `n` empty Monday weeks from 2026-01-05 (ISO week 2026-W02), to fill in by hand.
fn weeks(n: i64) -> Review {
    let from = date(2026, 1, 5);
    let to = from.checked_add(jiff::Span::new().days(7 * n - 1)).expect("to");
    let r = review(&[], &[], &ReviewSettings::default(), from, to);
    assert_eq!(r.weeks.len() as i64, n);
    r
}

fn hours(easy: f64, moderate: f64, hard: f64) -> Domains {
    Domains { easy: easy * 3600.0, moderate: moderate * 3600.0, hard: hard * 3600.0 }
}

/// Months 2025-01 to 2025-04 without data, to fill in by hand.
fn months() -> Trends {
    let t =
        trends(&[], &[], &[], &[], &TrendSettings::default(), date(2025, 1, 1), date(2025, 4, 30));
    let names: Vec<&str> = t.months.iter().map(|m| m.month.as_str()).collect();
    assert_eq!(names, ["2025-01", "2025-02", "2025-03", "2025-04"]);
    t
}

/// Every element that starts with `prefix` (`<rect class="easy"`), up to its `>`.
fn elements<'a>(svg: &'a str, prefix: &str) -> Vec<&'a str> {
    svg.match_indices(prefix)
        .map(|(i, _)| &svg[i..i + svg[i..].find('>').expect("tag ends")])
        .collect()
}

/// The number in attribute `name` of one element.
fn attr(element: &str, name: &str) -> f64 {
    let key = format!(" {name}=\"");
    let i = element.find(&key).unwrap_or_else(|| panic!("{name} in {element}")) + key.len();
    let j = i + element[i..].find('"').expect("closing quote");
    element[i..j].parse().unwrap_or_else(|_| panic!("{name} of {element} is a number"))
}

/// The svg without its legend (which repeats the classes it explains).
fn unlegended(svg: &str) -> String {
    let i = svg.find(r#"<g class="legend">"#).expect("a legend");
    let j = i + svg[i..].find("</g>").expect("the legend closes") + "</g>".len();
    format!("{}{}", &svg[..i], &svg[j..])
}

/// The texts inside the first group that opens with `open` (which holds no nested group).
fn texts_in<'a>(svg: &'a str, open: &str) -> Vec<&'a str> {
    let i = svg.find(open).unwrap_or_else(|| panic!("{open}"));
    let group = &svg[i..i + svg[i..].find("</g>").expect("group closes")];
    group
        .split("</text>")
        .filter_map(|s| s.rfind('>').map(|k| &s[k + 1..]))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Well-formed enough for an HTML5 page: every tag closes in order (or closes itself), no
/// stray `<` or `>` in text or attributes, every `&` starts an entity, attribute quotes pair.
fn assert_well_formed(svg: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        assert!(!rest[..i].contains('>'), "a stray > before {:?}", &rest[i..]);
        let j = i + rest[i..].find('>').expect("every tag ends");
        let tag = &rest[i + 1..j];
        assert!(!tag.contains('<'), "a < inside the tag {tag:?}");
        assert_eq!(tag.matches('"').count() % 2, 0, "unpaired quotes in {tag:?}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name), "</{name}> closes what was opened");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().expect("a tag name"));
        }
        rest = &rest[j + 1..];
    }
    assert!(stack.is_empty(), "left open: {stack:?}");
    assert!(!rest.contains('>'), "a stray > at the end");
    for (i, _) in svg.match_indices('&') {
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| svg[i..].starts_with(e)),
            "a bare & at {:?}",
            &svg[i..(i + 12).min(svg.len())]
        );
    }
}

/// What every chart must be: one responsive, accessible, self-contained inline svg.
fn check(c: &Chart) {
    let svg = &c.svg;
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "{svg}");
    assert_eq!(svg.matches("<svg").count(), 1);
    assert_eq!(svg.matches("</svg>").count(), 1);
    assert_eq!(svg.matches("<g").count(), svg.matches("</g>").count());
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
    assert_well_formed(svg);
    for bad in ["http", "//", "xmlns", "url(", "href"] {
        assert!(!svg.contains(bad), "{bad} in {}", c.id);
        assert!(!c.alt.contains(bad) && !c.title.contains(bad));
    }
    assert!(svg.contains(r#" viewBox="0 0 640 "#) && svg.contains(r#" width="100%""#), "{svg}");
    let head = &svg[..svg.find('>').expect("svg tag")];
    assert!(head.contains(r#"role="img""#));
    let label = c
        .alt
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    assert!(head.contains(&format!(r#"aria-label="{label}""#)), "{head}");
    assert!(svg.contains(&format!("<title>{}</title>", c.title.replace('&', "&amp;"))));
    // Colours come from classes only.
    assert!(!svg.contains("=\"#") && !svg.contains("rgb") && !svg.contains("style"), "{svg}");
    assert!(!c.table.headers.is_empty());
    assert!(c.table.rows.iter().all(|r| r.len() == c.table.headers.len()), "{:?}", c.table);
}

#[test]
fn weekly_volume_bars_are_proportional_to_the_hours() {
    let mut r = weeks(2);
    r.weeks[0].time_s = hours(2.0, 1.0, 0.5);
    r.weeks[0].seconds = 3.5 * 3600.0;
    r.weeks[1].time_s = hours(3.0, 0.5, 0.5);
    r.weeks[1].seconds = 4.0 * 3600.0;
    let c = weekly_volume(&r).expect("a chart");
    check(&c);
    assert_eq!(c.id, "weekly_volume");
    // The tallest bar is 4 h: ticks 0–4 h, so one hour is 182 / 4 = 45.5 units.
    assert_eq!(texts_in(&c.svg, r#"<g class="axis y">"#), ["0", "1", "2", "3", "4", "h"]);
    let easy = elements(&c.svg, r#"<rect class="easy""#);
    let moderate = elements(&c.svg, r#"<rect class="moderate""#);
    let hard = elements(&c.svg, r#"<rect class="hard""#);
    // One per week plus the legend's swatch.
    assert_eq!((easy.len(), moderate.len(), hard.len()), (3, 3, 3));
    assert!(close(attr(easy[1], "height"), 91.0)); // 2 h
    assert!(close(attr(easy[1], "y"), BOTTOM - 91.0));
    assert!(close(attr(easy[2], "height"), 136.5)); // 3 h
                                                    // Stacked: moderate (1 h) on easy, hard (0.5 h) on moderate.
    assert!(close(attr(moderate[1], "height"), 45.5));
    assert!(close(attr(moderate[1], "y"), BOTTOM - 91.0 - 45.5));
    assert!(close(attr(hard[1], "height"), 22.75));
    assert!(close(attr(hard[1], "y"), BOTTOM - 91.0 - 45.5 - 22.75));
    let ratio = attr(easy[1], "height") / attr(easy[2], "height");
    assert!(close(ratio, 2.0 / 3.0), "{ratio}");
    assert!(c.svg.contains("<title>2026-W02: easy 2.0 h</title>"));
    assert_eq!(
        c.alt,
        "Weekly running time by intensity, 2 weeks from 2026-01-05: 3.8 h a week on average, \
         67 % easy."
    );
    assert_eq!(
        c.table.headers,
        ["Week", "Start", "Easy (h)", "Moderate (h)", "Hard (h)", "Total (h)"]
    );
    assert_eq!(c.table.rows[0], ["2026-W02", "2026-01-05", "2.0", "1.0", "0.5", "3.5"]);
    assert_eq!(c.table.rows[1], ["2026-W03", "2026-01-12", "3.0", "0.5", "0.5", "4.0"]);
    // The same input, the same bytes.
    assert_eq!(weekly_volume(&r), Some(c));
}

#[test]
fn weekly_volume_shows_time_without_an_intensity() {
    let mut r = weeks(1);
    r.weeks[0].time_s = hours(1.0, 0.0, 0.0);
    r.weeks[0].seconds = 1.5 * 3600.0;
    let c = weekly_volume(&r).expect("a chart");
    check(&c);
    let body = unlegended(&c.svg);
    let unknown = elements(&body, r#"<rect class="unknown""#);
    assert_eq!(unknown.len(), 1);
    // 1.5 h: ticks 0–1.5 h by 0.5, so half an hour is a third of the plot.
    assert_eq!(texts_in(&c.svg, r#"<g class="axis y">"#), ["0", "0.5", "1", "1.5", "h"]);
    assert!(close(attr(unknown[0], "height"), 60.67));
    assert!(close(attr(unknown[0], "y"), BOTTOM - PLOT_H));
    assert!(c.alt.ends_with("100 % easy, 0.5 h without a known intensity."), "{}", c.alt);
    assert_eq!(c.table.headers[5], "No intensity (h)");
    assert_eq!(c.table.rows[0][5..], ["0.5", "1.5"]);
}

#[test]
fn easy_share_has_the_target_line_at_80_percent_and_gaps() {
    let mut r = weeks(3);
    r.weeks[0].time_s = hours(0.9, 0.1, 0.0);
    r.weeks[0].easy_share_time = Some(0.9);
    r.weeks[0].sessions = Domains { easy: 3.0, moderate: 1.0, hard: 0.0 };
    r.weeks[0].easy_share_sessions = Some(0.75);
    r.weeks[1].time_s = hours(0.7, 0.3, 0.0);
    r.weeks[1].easy_share_time = Some(0.7);
    r.weeks[2].sessions = Domains { easy: 2.0, moderate: 0.0, hard: 0.0 };
    r.weeks[2].easy_share_sessions = Some(1.0);
    let c = easy_share(&r).expect("a chart");
    check(&c);
    let body = unlegended(&c.svg);
    assert_eq!(
        texts_in(&c.svg, r#"<g class="axis y">"#),
        ["0", "20", "40", "60", "80", "100", "%"]
    );
    // 80 % of 182 above the bottom: 212 − 145.6 = 66.4, dashed, across the plot.
    let refs = elements(&body, r#"<line class="ref""#);
    assert_eq!(refs.len(), 1);
    assert!(close(attr(refs[0], "y1"), 66.4) && close(attr(refs[0], "y2"), 66.4));
    assert!(close(attr(refs[0], "x1"), 48.0) && close(attr(refs[0], "x2"), 628.0));
    assert!(refs[0].contains("stroke-dasharray"));
    // By time: 90 % and 70 %, joined; nothing in week 3.
    let time = elements(&body, r#"<circle class="time""#);
    assert_eq!(time.len(), 2);
    assert!(close(attr(time[0], "cy"), BOTTOM - 0.9 * PLOT_H));
    assert!(close(attr(time[1], "cy"), BOTTOM - 0.7 * PLOT_H));
    assert_eq!(elements(&c.svg, r#"<path class="time""#).len(), 1);
    // By session: weeks 1 and 3 with a gap between: two squares, no line.
    assert_eq!(elements(&body, r#"<rect class="sessions""#).len(), 2);
    assert!(elements(&c.svg, r#"<path class="sessions""#).is_empty());
    assert_eq!(
        c.alt,
        "Easy share of running per week, 3 weeks from 2026-01-05: 80 % of the running time and \
         83 % of the sessions (5 of 6) was easy; 1 of 2 weeks reached the 80 % target by time \
         (dashed line)."
    );
    assert_eq!(c.table.rows[1], ["2026-W03", "2026-01-12", "70", "–", "0 of 0"]);
    assert_eq!(c.table.rows[2], ["2026-W04", "2026-01-19", "–", "100", "2 of 2"]);
}

#[test]
fn grey_time_sums_the_minutes_of_the_week() {
    let mut r = weeks(2);
    let grey = |id: i64, minutes: f64| GreyRun {
        id,
        date: date(2026, 1, 6),
        run_type: Some(RunType::Easy),
        grey_share: 0.4,
        minutes,
    };
    r.weeks[0].grey = vec![grey(1, 12.0), grey(2, 8.0)];
    (r.weeks[0].easy_runs, r.weeks[0].grey_runs) = (5, 2);
    r.weeks[1].easy_runs = 3;
    let c = grey_time(&r).expect("a chart");
    check(&c);
    let body = unlegended(&c.svg);
    // 20 min is the top tick (0–20 by 5): the bar fills the plot.
    assert_eq!(texts_in(&c.svg, r#"<g class="axis y">"#), ["0", "5", "10", "15", "20", "min"]);
    let bars = elements(&body, r#"<rect class="grey""#);
    assert_eq!(bars.len(), 1, "no bar for a week without creep");
    assert!(close(attr(bars[0], "height"), PLOT_H) && close(attr(bars[0], "y"), 30.0));
    assert_eq!(
        c.alt,
        "Minutes of easy runs in the grey band or above, per week, 2 weeks from 2026-01-05: \
         20 min in all; 2 of 8 easy runs crept (25 %), the most in 2026-W02 (20 min)."
    );
    assert_eq!(c.table.rows[0], ["2026-W02", "2026-01-05", "20", "2", "5"]);
    assert_eq!(c.table.rows[1], ["2026-W03", "2026-01-12", "0", "0", "3"]);
    // No easy run to judge: nothing to draw.
    let mut none = weeks(2);
    none.weeks[0].seconds = 3600.0;
    assert_eq!(grey_time(&none), None);
}

#[test]
fn load_draws_negative_form_below_the_zero_line_over_the_band() {
    let mut r = weeks(2);
    (r.weeks[0].ctl, r.weeks[0].atl, r.weeks[0].tsb) = (30.0, 45.0, -16.0);
    (r.weeks[1].ctl, r.weeks[1].atl, r.weeks[1].tsb) = (32.0, 28.0, 4.0);
    let c = load(&r).expect("a chart");
    check(&c);
    let body = unlegended(&c.svg);
    // −16..45 → ticks −20..60 by 20: 80 over 182 units, zero at 212 − 182 × 20 / 80 = 166.5.
    assert_eq!(
        texts_in(&c.svg, r#"<g class="axis y">"#),
        ["-20", "0", "20", "40", "60", "TRIMP a day"]
    );
    let zero = elements(&c.svg, r#"<line class="zero""#);
    assert!(close(attr(zero[0], "y1"), 166.5));
    let unit = PLOT_H / 80.0;
    let tsb = elements(&body, r#"<rect class="tsb""#);
    assert_eq!(tsb.len(), 2);
    // Negative form hangs from the zero line; positive form stands on it.
    assert!(close(attr(tsb[0], "y"), 166.5) && close(attr(tsb[0], "height"), 16.0 * unit));
    assert!(close(attr(tsb[1], "y") + attr(tsb[1], "height"), 166.5));
    assert!(close(attr(tsb[1], "height"), 4.0 * unit));
    // The band: form −10 to +5.
    let band = elements(&body, r#"<rect class="band""#);
    assert!(close(attr(band[0], "y"), 166.5 - 5.0 * unit));
    assert!(close(attr(band[0], "height"), 15.0 * unit));
    let ctl = elements(&body, r#"<circle class="ctl""#);
    assert!(close(attr(ctl[0], "cy"), 166.5 - 30.0 * unit));
    assert_eq!(elements(&c.svg, r#"<path class="atl""#).len(), 1);
    assert!(
        c.alt.contains(
            "fitness 30 at the end of the first week and 32 at the end of the last, fatigue 28 \
             and form +4 then"
        ),
        "{}",
        c.alt
    );
    assert!(c.alt.contains("The shaded band is form from −10 to +5, neutral"), "{}", c.alt);
    assert_eq!(c.table.rows[0], ["2026-W02", "2026-01-05", "30.0", "45.0", "-16.0"]);
}

fn at(pace_s_per_km: f64, extrapolated: bool) -> PaceAtHr {
    PaceAtHr { hr: 140, pace_s_per_km, seconds: 5400.0, hr_p10: 134, hr_p90: 146, extrapolated }
}

#[test]
fn easy_pace_reads_min_sec_with_faster_higher_and_gaps() {
    let mut t = months();
    t.target_hr = Some(140);
    t.months[0].easy_pace = Some(at(345.0, false));
    t.months[2].easy_pace = Some(at(330.0, false));
    t.months[3].easy_pace = Some(at(335.0, true));
    let c = easy_pace(&t).expect("a chart");
    check(&c);
    let body = unlegended(&c.svg);
    assert_eq!(c.title, "Easy pace at 140 bpm by month");
    // 5:25–5:50 /km by 5 s, slowest at the bottom.
    assert_eq!(
        texts_in(&c.svg, r#"<g class="axis y">"#),
        ["5:25", "5:30", "5:35", "5:40", "5:45", "5:50", "min:sec /km"]
    );
    let points = elements(&body, r#"<circle class="pace""#);
    assert_eq!(points.len(), 3);
    // 5:45 is 5 s from the slow end of 25 s; 5:30 is 20 s.
    assert!(close(attr(points[0], "cy"), BOTTOM - PLOT_H * 5.0 / 25.0));
    assert!(close(attr(points[1], "cy"), BOTTOM - PLOT_H * 20.0 / 25.0));
    assert!(attr(points[1], "cy") < attr(points[0], "cy"), "faster is higher");
    assert!(points[2].contains(r#"fill="none""#), "extrapolated is hollow: {}", points[2]);
    // A gap in February: the line starts again in March.
    let path = elements(&c.svg, r#"<path class="pace""#);
    assert_eq!(path.len(), 1);
    assert_eq!((path[0].matches('M').count(), path[0].matches('L').count()), (2, 1));
    assert_eq!(
        c.alt,
        "Easy pace at 140 bpm by month, 4 months from 2025-01: 5:45 /km in 2025-01, 5:35 /km in \
         2025-04; no pace in 1 month; 1 read off the line's extension \
         (hollow); faster is higher."
    );
    assert_eq!(c.table.rows[0], ["2025-01", "5:45", "134–146", "90", ""]);
    assert_eq!(c.table.rows[1], ["2025-02", "–", "–", "–", ""]);
    assert_eq!(c.table.rows[3][4], "extrapolated");
}

#[test]
fn resting_hr_by_month_in_bpm() {
    let mut t = months();
    t.months[0].resting_hr = Some(52.0);
    t.months[2].resting_hr = Some(49.5);
    t.months[3].resting_hr = Some(48.0);
    t.months[3].resting_hr_source = Some("watch_daily_lows");
    let c = resting_hr(&t).expect("a chart");
    check(&c);
    let body = unlegended(&c.svg);
    // 46–54 bpm by 2.
    assert_eq!(texts_in(&c.svg, r#"<g class="axis y">"#), ["46", "48", "50", "52", "54", "bpm"]);
    let points = elements(&body, r#"<circle class="rhr""#);
    assert_eq!(points.len(), 3);
    assert!(close(attr(points[0], "cy"), BOTTOM - PLOT_H * 6.0 / 8.0));
    assert_eq!(
        c.alt,
        "Resting heart rate by month, 4 months from 2025-01: 52 bpm in 2025-01, 48 bpm in \
         2025-04 (−4 bpm); lowest 48 bpm in 2025-04; no value in 1 month."
    );
    assert_eq!(c.table.rows[2], ["2025-03", "49.5", ""]);
    assert_eq!(c.table.rows[3], ["2025-04", "48", "watch daily lows"]);
}

#[test]
fn nothing_to_draw_is_none() {
    let mut r = weeks(2);
    // Weeks without running, load or shares.
    assert_eq!(weekly_volume(&r), None);
    assert_eq!(easy_share(&r), None);
    assert_eq!(grey_time(&r), None);
    assert_eq!(load(&r), None);
    r.weeks.clear();
    assert_eq!(weekly_volume(&r), None);
    assert_eq!(easy_share(&r), None);
    assert_eq!(grey_time(&r), None);
    assert_eq!(load(&r), None);
    let mut t = months();
    assert_eq!(easy_pace(&t), None);
    assert_eq!(resting_hr(&t), None);
    t.months.clear();
    assert_eq!(easy_pace(&t), None);
    assert_eq!(resting_hr(&t), None);
    let mut p = plan_view();
    p.weeks.clear();
    assert_eq!(plan_calendar(&p), None);
}

#[test]
fn text_is_escaped() {
    let mut r = weeks(2);
    r.weeks[0].week = r#"W<1 & "q" 'x'>"#.to_owned();
    r.weeks[0].time_s = hours(1.0, 0.0, 0.0);
    r.weeks[0].seconds = 3600.0;
    r.weeks[0].easy_runs = 1;
    r.weeks[0].grey_runs = 1;
    r.weeks[0].grey = vec![GreyRun {
        id: 1,
        date: date(2026, 1, 6),
        run_type: None,
        grey_share: 0.5,
        minutes: 30.0,
    }];
    r.weeks[0].ctl = 1.0;
    for c in [weekly_volume(&r), grey_time(&r), load(&r)] {
        let c = c.expect("a chart");
        check(&c);
        assert!(c.svg.contains("W&lt;1 &amp; &quot;q&quot; &#39;x&#39;&gt;"), "{}", c.svg);
        assert!(!c.svg.contains("W<1"));
        // The table is plain text (the page escapes it).
        assert_eq!(c.table.rows[0][0], r#"W<1 & "q" 'x'>"#);
    }
    // The alt names the week with the most grey minutes: escaped in aria-label.
    let c = grey_time(&r).expect("a chart");
    assert!(c.alt.contains("the most in W<1"));
    assert!(c.svg.contains("the most in W&lt;1 &amp; &quot;q&quot;"));
}

/// Max 190 (%HRmax): easy below 133 bpm, moderate from 133, hard from 171.
fn period() -> ProfilePeriod {
    let d = date(2020, 1, 1);
    let p = Athlete::from_entries(vec![ProfileEntry {
        max_hr: Some(190),
        resting_hr: Some(50),
        ..ProfileEntry::new(d)
    }])
    .at(d);
    ProfilePeriod {
        from: d,
        zones: ZoneModel::PercentMax.zones(&p).ok(),
        pace_zones: None,
        load: LoadParams {
            max_hr: Some(190.0),
            resting_hr: Some(50.0),
            sex: None,
            threshold_pace_s_per_km: None,
        },
    }
}

/// `minutes` at `bpm`, at 6:00 /km.
fn run(id: i64, day: Date, minutes: f64, bpm: u8) -> ActivityInput {
    let mut a = ActivityInput::new(id, day.at(7, 0, 0, 0));
    a.moving_s = minutes * 60.0;
    a.duration_s = a.moving_s;
    a.distance_m = a.moving_s / 360.0 * 1000.0;
    a.hr_hist[usize::from(bpm)] = a.moving_s;
    a.pace_hist[48] = a.moving_s;
    a.hr_coverage = 1.0;
    a
}

#[test]
fn charts_of_a_reviewed_week() {
    let mon = date(2024, 3, 4);
    let day = |k: i16| mon.checked_add(jiff::Span::new().days(k)).expect("day");
    let acts = vec![
        run(1, day(1), 60.0, 125),
        ActivityInput { run_type: Some(RunType::Tempo), ..run(2, day(2), 48.0, 150) },
        run(3, day(3), 30.0, 130), // the grey band: creeps
        run(4, day(6), 50.0, 120),
    ];
    let r = review(&acts, &[period()], &ReviewSettings::default(), mon, day(13));
    let v = weekly_volume(&r).expect("volume");
    check(&v);
    // 140 min easy and 48 min moderate in the first week, nothing in the second.
    assert_eq!(v.table.rows[0][2..], ["2.3", "0.8", "0.0", "3.1"]);
    assert_eq!(v.table.rows[1][2..], ["0.0", "0.0", "0.0", "0.0"]);
    let s = easy_share(&r).expect("share");
    check(&s);
    // 140 of 188 min (74 %), 3 of 4 sessions.
    assert_eq!(s.table.rows[0][2..], ["74", "75", "3 of 4"]);
    let g = grey_time(&r).expect("grey");
    check(&g);
    assert_eq!(g.table.rows[0][2..], ["30", "1", "3"]);
    let l = load(&r).expect("load");
    check(&l);
    let lbody = unlegended(&l.svg);
    // From nothing, a week of training leaves fatigue above fitness: form negative, both
    // weeks' bars hanging from the zero line.
    assert!(r.weeks.iter().all(|w| w.atl > w.ctl && w.tsb < 0.0), "{:?}", r.weeks[1].tsb);
    let zero = attr(elements(&lbody, r#"<line class="zero""#)[0], "y1");
    let tsb = elements(&lbody, r#"<rect class="tsb""#);
    assert_eq!(tsb.len(), 2);
    assert!(tsb.iter().all(|b| close(attr(b, "y"), zero) && attr(b, "height") > 0.0));
}

fn plan_view() -> PlanView {
    let start = date(2027, 1, 6); // a Wednesday: the first week starts within it
    let race_date = date(2027, 1, 4).checked_add(jiff::Span::new().days(7 * 6 - 1)).expect("race");
    let req = PlanRequest {
        goal: Goal::Half,
        race_date,
        start,
        days_per_week: 6,
        level: Level::Experienced,
        start_weekly_s: Level::Experienced.default_weekly_min() * 60.0,
        long_run_day: Weekday::Sunday,
        rest_day: Weekday::Monday,
        doubles: true,
    };
    let plan = create(&req, &PlanAthlete::default(), "test").expect("a plan");
    let weeks = plan
        .weeks
        .iter()
        .map(|w| {
            let iso = w.start.iso_week_date();
            PlanWeekView {
                start: w.start,
                week: format!("{:04}-W{:02}", iso.year(), iso.week()),
                phase: w.phase.name().to_owned(),
                lighter: w.lighter,
                target_s: w.target_s,
                planned: w.planned,
                done_s: 0.0,
                done: 0,
                changed: 0,
                missed: 0,
                workouts: w
                    .workouts
                    .iter()
                    .map(|x| PlanWorkoutView {
                        workout: x.clone(),
                        status: "planned".to_owned(),
                        activity: None,
                        note: None,
                    })
                    .collect(),
            }
        })
        .collect();
    PlanView {
        id: 1,
        revision: 1,
        created: "2027-01-06T07:00:00Z".to_owned(),
        reason: "created".to_owned(),
        goal: "half".to_owned(),
        race_date,
        start,
        level: "experienced".to_owned(),
        days_per_week: 6,
        long_run_day: "sunday".to_owned(),
        rest_day: "monday".to_owned(),
        doubles: true,
        volume_source: "default".to_owned(),
        pace_source: "default".to_owned(),
        zone_model: None,
        notes: Vec::new(),
        today: date(2027, 1, 14),
        only_week: None,
        weeks,
        extra: Vec::new(),
    }
}

#[test]
fn plan_calendar_has_a_cell_a_day_rest_days_and_marks() {
    let mut p = plan_view();
    // The first week: Wed–Sun. Mark the second week's Tue–Thu sessions done, changed and
    // missed, and its Monday rest as rested.
    let w = &mut p.weeks[1];
    let main = |w: &PlanWeekView, d: Date| {
        w.workouts.iter().position(|v| v.workout.date == d && v.workout.slot == 0).expect("a day")
    };
    let rest = w.workouts.iter().position(|v| v.workout.kind == WorkoutKind::Rest).expect("rest");
    w.workouts[rest].status = "rested".to_owned();
    for (d, status) in [(12, "done"), (13, "changed"), (14, "missed")] {
        let i = main(w, date(2027, 1, d));
        assert_ne!(w.workouts[i].workout.kind, WorkoutKind::Rest);
        w.workouts[i].status = status.to_owned();
    }
    (w.done, w.changed, w.missed) = (1, 1, 1);
    let c = plan_calendar(&p).expect("a calendar");
    check(&c);
    let body = unlegended(&c.svg);
    let grid = body.as_str();
    // A cell a day: 6 weeks of 7; the first two days are before the plan.
    assert_eq!(elements(grid, r#"<rect class="day "#).len(), 42);
    assert_eq!(elements(grid, r#"<rect class="day outside""#).len(), 2);
    // Rest days have their own colour, one cell for each planned rest.
    let rests =
        p.weeks.iter().flat_map(|w| &w.workouts).filter(|v| v.workout.kind == WorkoutKind::Rest);
    assert_eq!(elements(grid, r#"<rect class="day rest""#).len(), rests.count());
    assert!(elements(grid, r#"<rect class="day easy""#).len() > 10);
    assert!(!elements(grid, r#"<rect class="day hard""#).is_empty());
    // Marks: filled (done and rested), hollow (changed), crossed (missed).
    let done = elements(grid, r#"<path class="done""#);
    assert_eq!(done.len(), 2);
    assert!(done[0].contains(r#"fill="currentColor""#));
    let changed = elements(grid, r#"<path class="changed""#);
    assert_eq!(changed.len(), 1);
    assert!(changed[0].contains(r#"fill="none""#));
    let missed = elements(grid, r#"<path class="missed""#);
    assert_eq!((missed.len(), missed[0].matches('M').count()), (1, 2), "a cross");
    // Doubles get a dot; today an outline.
    let doubles = p.weeks.iter().flat_map(|w| &w.workouts).filter(|v| v.workout.slot > 0).count();
    assert!(doubles > 0);
    assert_eq!(elements(grid, r#"<circle class="double""#).len(), doubles);
    assert_eq!(elements(grid, r#"<rect class="today""#).len(), 1);
    // The legend explains colours and marks.
    for words in ["Rest", "Easy", "Moderate", "Hard", "Done (or rested)", "Missed", "Today"] {
        assert!(c.svg.contains(&format!(">{words}</text>")), "{words}");
    }
    assert!(c.svg.contains(">Mon</text>") && c.svg.contains(">Sun</text>"));
    // The table: a row a week, a column a day.
    assert_eq!(c.table.headers, ["Week", "Phase", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    assert_eq!(c.table.rows.len(), 6);
    assert_eq!(c.table.rows[0][..4], ["2027-W01", p.weeks[0].phase.as_str(), "–", "–"]);
    assert!(c.table.rows[1][2].ends_with("(rested)"), "{:?}", c.table.rows[1]);
    assert!(c.table.rows[1][3].contains("(done)"), "{:?}", c.table.rows[1]);
    assert!(c.table.rows[1][5].contains("(missed)"), "{:?}", c.table.rows[1]);
    assert!(
        c.alt.starts_with(
            "Plan calendar, 6 weeks from 2027-01-06 to a half marathon on 2027-02-14: "
        ),
        "{}",
        c.alt
    );
    assert!(c.alt.ends_with("; 1 done, 1 changed and 1 missed so far."), "{}", c.alt);
    assert_eq!(plan_calendar(&p), Some(c));
}

#[test]
fn the_stylesheet_themes_every_class_in_light_and_dark() {
    assert!(
        !CHART_CSS.contains("//") && !CHART_CSS.contains("http") && !CHART_CSS.contains("url(")
    );
    let (light, dark) = CHART_CSS.split_once("@media (prefers-color-scheme: dark)").expect("dark");
    for class in [
        "easy", "moderate", "hard", "unknown", "grey", "time", "sessions", "ctl", "atl", "tsb",
        "pace", "rhr", "done", "changed", "missed",
    ] {
        let sel = format!(".{class}");
        assert!(light.contains(&format!("{sel}{{color:")), "{class} in the light theme");
        assert!(dark.contains(&sel), "{class} in the dark theme");
    }
    for class in ["grid", "axis", "ref", "band", "zero", "rest", "outside", "today"] {
        assert!(light.contains(&format!(".{class}{{")), "{class}");
    }
    assert_eq!(CHART_CSS.matches('{').count(), CHART_CSS.matches('}').count());
}

/// Percent-of-max zones for a max HR of 190, as `show` gives them: Z1–Z2 easy, Z3–Z4 moderate, Z5 hard.
fn breakdown() -> ZoneBreakdown {
    let z = |l: &str, r: &str, s: f64| (l.to_owned(), r.to_owned(), s);
    ZoneBreakdown {
        model: Some("percent_max".to_owned()),
        zones: vec![
            z("Z1", "0–113", 600.0),
            z("Z2", "114–132", 1800.0),
            z("Z3", "133–151", 300.0),
            z("Z4", "152–170", 0.0),
            z("Z5", "171–255", 60.0),
        ],
        domains: [2400.0, 300.0, 60.0],
        grey_band: Some((126, 132)),
        grey_s: 420.0,
        missing: None,
    }
}

#[test]
fn time_in_zones_bars_are_as_long_as_the_time() {
    let c = time_in_zones(&breakdown()).expect("a chart");
    check(&c);
    assert_eq!(c.id, "time_in_zones");
    let body = unlegended(&c.svg);
    // The longest zone is 30 min: ticks 0–30 by 10 over 580 − 112 = 468 units, 15.6 a minute.
    assert_eq!(texts_in(&c.svg, r#"<g class="axis x">"#), ["0", "10", "20", "30", "min"]);
    let easy = elements(&body, r#"<rect class="easy""#);
    let moderate = elements(&body, r#"<rect class="moderate""#);
    let hard = elements(&body, r#"<rect class="hard""#);
    // Z1 and Z2 easy, Z3 moderate, Z5 hard; Z4 has no time and no bar.
    assert_eq!((easy.len(), moderate.len(), hard.len()), (2, 1, 1));
    assert!(close(attr(easy[0], "width"), 156.0)); // 10 min
    assert!(close(attr(easy[1], "width"), 468.0)); // 30 min
    assert!(close(attr(moderate[0], "width"), 78.0)); // 5 min
    assert!(close(attr(hard[0], "width"), 15.6)); // 1 min
    assert!(easy.iter().chain(&moderate).chain(&hard).all(|b| close(attr(b, "x"), 112.0)));
    // One row every 24 units from 30, the bar 4 below the row's top.
    assert!(close(attr(easy[1], "y"), 30.0 + 24.0 + 4.0));
    assert!(close(attr(hard[0], "y"), 30.0 + 4.0 * 24.0 + 4.0));
    assert_eq!(
        texts_in(&c.svg, r#"<g class="axis y">"#),
        ["Z1 ≤113 bpm", "Z2 114–132 bpm", "Z3 133–151 bpm", "Z4 152–170 bpm", "Z5 ≥171 bpm"]
    );
    assert!(c.svg.contains("<title>Z1 ≤113 bpm: 10:00 (easy)</title>"), "{}", c.svg);
    assert!(c.svg.contains(">30:00</text>") && c.svg.contains(">0:00</text>"));
    assert_eq!(
        c.alt,
        "Time in heart-rate zones (percent max): 46:00 with heart rate, the most in Z2 \
         114–132 bpm (30:00, 65 %); easy 40:00, moderate 5:00, hard 1:00; 7:00 in the grey \
         band (126–132 bpm, the top of the easy domain)."
    );
    assert_eq!(
        c.table.headers,
        ["Zone", "Heart rate (bpm)", "Time (min:sec)", "Share (%)", "Domain"]
    );
    assert_eq!(c.table.rows[0], ["Z1", "0–113", "10:00", "22", "easy"]);
    assert_eq!(c.table.rows[3], ["Z4", "152–170", "0:00", "0", "–"]);
    assert_eq!(c.table.rows[4], ["Z5", "171–255", "1:00", "2", "hard"]);
    assert_eq!(time_in_zones(&breakdown()), Some(c));
    // No zones, or no time in them: nothing to draw.
    let mut none = breakdown();
    none.zones.iter_mut().for_each(|z| z.2 = 0.0);
    assert_eq!(time_in_zones(&none), None);
    none.zones.clear();
    assert_eq!(time_in_zones(&none), None);
}

/// 20 minutes, a point a minute (none at 10–11 min: a pause): 5 min at 120 bpm and 6:00 /km,
/// 10 at 150 bpm and 5:00 /km, 5 at 175 bpm and 5:30 /km.
fn streams() -> RunStreams {
    let points = (0..20)
        .filter(|k| *k != 10)
        .map(|k| {
            let (hr, pace) = match k {
                0..5 => (120, 360.0),
                5..15 => (150, 300.0),
                _ => (175, 330.0),
            };
            StreamPoint { t_s: 60.0 * f64::from(k) + 30.0, hr: Some(hr), pace_s_per_km: Some(pace) }
        })
        .collect();
    let z = |l: &str, lo: u8, hi: u8, d: &str| (l.to_owned(), lo, hi, d.to_owned());
    RunStreams {
        id: 7,
        elapsed_s: 1200.0,
        step_s: 60.0,
        points,
        zones: vec![
            z("Z1", 0, 113, "easy"),
            z("Z2", 114, 132, "easy"),
            z("Z3", 133, 151, "moderate"),
            z("Z4", 152, 170, "moderate"),
            z("Z5", 171, 255, "hard"),
        ],
        parts: vec![
            (0.0, 300.0, "warm_up".to_owned()),
            (300.0, 900.0, "work".to_owned()),
            (900.0, 1200.0, "cool_down".to_owned()),
        ],
        laps: vec![0.0, 600.0, 900.0],
        splits: vec![330.0, 630.0, 930.0],
    }
}

#[test]
fn run_streams_draws_heart_rate_and_pace_over_zones_laps_and_parts() {
    let s = streams();
    let c = run_streams(&s).expect("a chart");
    check(&c);
    assert_eq!(c.id, "run_streams");
    assert!(c.svg.contains(r#" viewBox="0 0 640 256""#), "the parts strip under the axis");
    let body = unlegended(&c.svg);
    // Heart rate 120–175 bpm: ticks 100–180 by 20, 182 / 80 = 2.275 units a bpm.
    assert_eq!(
        texts_in(&c.svg, r#"<g class="axis y">"#),
        ["100", "120", "140", "160", "180", "bpm"]
    );
    // Pace 5:00–6:00 /km: 4:45–6:15 by 15 s, slowest at the bottom.
    assert_eq!(
        texts_in(&c.svg, r#"<g class="axis y2">"#),
        ["4:45", "5:00", "5:15", "5:30", "5:45", "6:00", "6:15", "min:sec /km"]
    );
    // 20 min over 48–588: ticks every 5 min.
    assert_eq!(texts_in(&c.svg, r#"<g class="axis x">"#), ["0", "5", "10", "15", "20", "min"]);
    // Zone bands behind the line, clipped to the axis: Z1 from 100 to 114 bpm.
    let bands: Vec<&str> = elements(&body, r#"<rect class="band "#);
    assert_eq!(bands.len(), 5);
    assert!(bands[0].starts_with(r#"<rect class="band easy""#));
    assert!(bands[4].starts_with(r#"<rect class="band hard""#));
    assert!(close(attr(bands[0], "y"), 212.0 - 14.0 * 2.275));
    assert!(close(attr(bands[0], "height"), 14.0 * 2.275));
    assert!(close(attr(bands[4], "y"), 30.0), "Z5 is cut at 180 bpm");
    assert!(
        c.svg.find("band easy").expect("bands") < c.svg.find(r#"<path class="hr""#).expect("hr")
    );
    // The heart-rate line: 150 bpm at 212 − 50 × 2.275; broken at the pause.
    let hr = elements(&body, r#"<path class="hr""#);
    assert_eq!(hr.len(), 1);
    assert_eq!((hr[0].matches('M').count(), hr[0].matches('L').count()), (2, 17));
    assert!(hr[0].contains("M61.5 166.5L88.5 166.5"), "{}", hr[0]); // 30 s and 90 s at 120 bpm
    assert!(hr[0].contains(&format!("L{} 98.25", 48.0 + 0.45 * 330.0)), "{}", hr[0]);
    // Pace: 5:00 is 75 s from the slow end of 90 s; faster is higher.
    let pace = elements(&body, r#"<path class="pace""#);
    assert!(pace[0].contains("M61.5 181.67"), "{}", pace[0]); // 6:00
    assert!(pace[0].contains(&format!("L{} 60.33", 48.0 + 0.45 * 330.0)), "{}", pace[0]);
    // Lap starts after the first: thin vertical lines at 10 and 15 min.
    let laps = elements(&body, r#"<line class="lap""#);
    assert_eq!(laps.len(), 2);
    assert!(close(attr(laps[0], "x1"), 318.0) && close(attr(laps[0], "x2"), 318.0));
    assert!(close(attr(laps[1], "x1"), 453.0));
    assert!(close(attr(laps[0], "y1"), 30.0) && close(attr(laps[0], "y2"), 212.0));
    // A tick at each whole kilometre, on the axis.
    let km = elements(&body, r#"<rect class="split""#);
    assert_eq!(km.len(), 3);
    assert!(close(attr(km[0], "x") + attr(km[0], "width") / 2.0, 48.0 + 0.45 * 330.0));
    assert!(c.svg.contains("<title>km 2: 10:30 elapsed, split 5:00</title>"));
    // The parts, a strip with their names where they fit.
    let parts = elements(&body, r#"<rect class="part "#);
    assert_eq!(parts.len(), 3);
    assert!(parts[1].starts_with(r#"<rect class="part work""#));
    assert!(close(attr(parts[1], "x"), 183.0) && close(attr(parts[1], "width"), 270.0));
    assert!(close(attr(parts[1], "y"), 234.0));
    assert_eq!(texts_in(&c.svg, r#"<g class="parts">"#), ["warm-up", "work", "cool-down"]);
    assert_eq!(
        c.alt,
        "Heart rate and pace over 20:00 of elapsed time: mean heart rate 149 bpm, 5:00 in Z5 \
         (the top zone, ≥171 bpm); fastest 30-s pace 5:00 /km (faster is higher); 3 laps, 3 \
         whole kilometres; parts: warm-up, work, cool-down."
    );
    assert_eq!(c.table.headers, ["km", "Elapsed", "Split (min:sec)", "Mean HR (bpm)"]);
    assert_eq!(
        c.table.rows,
        [
            ["1", "5:30", "5:30", "120"],
            ["2", "10:30", "5:00", "150"],
            ["3", "15:30", "5:00", "150"]
        ]
    );
    assert_eq!(run_streams(&s), Some(c));
}

#[test]
fn run_streams_without_parts_or_heart_rate() {
    let mut s = streams();
    s.parts.clear();
    s.zones.clear();
    s.points.iter_mut().for_each(|p| p.hr = None);
    let c = run_streams(&s).expect("pace alone is a chart");
    check(&c);
    assert!(c.svg.contains(r#" viewBox="0 0 640 240""#));
    assert!(elements(&c.svg, r#"<path class="hr""#).is_empty());
    assert!(!c.svg.contains(r#"<g class="parts">"#) && !c.svg.contains("band "));
    assert!(c.alt.starts_with("Heart rate and pace over 20:00 of elapsed time: no heart rate;"));
    assert_eq!(c.table.rows[0], ["1", "5:30", "5:30", "–"]);
    s.points.iter_mut().for_each(|p| p.pace_s_per_km = None);
    assert_eq!(run_streams(&s), None);
    s.points.clear();
    assert_eq!(run_streams(&s), None);
}

//! Terminal text of every view, rendered from the same view models the JSON is.

use slowburn_core::athlete::Source;
use slowburn_core::load::LoadMethod;
use slowburn_core::review::{NextDay, Structure, WeekReview};
use slowburn_core::{Profile, Sourced};
use slowburn_import::{Outcome, Report};

use crate::format;
use crate::views::{
    ActivityDetail, AthleteView, ProfileUsed, ReviewView, RunRow, RunsView, TrendsView,
    ZoneBreakdown, ZonesView,
};

/// The hint shown where there is nothing yet; `cmd` is how the user runs slowburn.
#[must_use]
pub fn nothing_yet(cmd: &str) -> String {
    format!("No activities yet: import some with `{cmd} import PATH`.")
}

fn pace_of(s_per_km: f64) -> String {
    format::pace(1000.0 / s_per_km)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("–".to_owned(), |v| format!("{:.0} %", v * 100.0))
}

fn num(x: Option<f64>, decimals: usize) -> String {
    x.map_or("–".to_owned(), |v| format!("{v:.decimals$}"))
}

/// `given, in force from 2026-01-01` and the like.
#[must_use]
pub fn source_text(s: &Source) -> String {
    match s {
        Source::Given { from } => format!("given, in force from {from}"),
        Source::Estimated { method, detail } => format!("estimated: {method}; {detail}"),
        Source::AgePredicted => "predicted from age (Tanaka: 208 − 0.7 × age)".to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// runs

/// A run's local start as `runs` shows it (`2026-04-24 18:46`; UTC when the offset is unknown).
#[must_use]
pub fn start_text(r: &RunRow) -> String {
    r.start_local
        .as_deref()
        .or(r.start_utc.as_deref())
        .map_or("–".to_owned(), |s| s.chars().take(16).collect::<String>().replace('T', " "))
}

fn type_text(r: &RunRow) -> String {
    let t = r.run_type.as_deref().or(r.sport.as_deref()).unwrap_or("–").replace('_', " ");
    if r.label.is_none() && r.confidence.is_some_and(|c| c < LOW_CONFIDENCE) {
        format!("{t}?")
    } else {
        t
    }
}

/// Below this confidence a type is shown with a question mark.
pub const LOW_CONFIDENCE: f64 = 0.5;

/// The runs table.
#[must_use]
pub fn runs(v: &RunsView, cmd: &str) -> String {
    if v.runs.is_empty() {
        return format!("No activities (import some with `{cmd} import PATH`).");
    }
    let mut o = format!(
        "{:>5}  {:<16}  {:<18}  {:>9}  {:>8}  {:>9}  {:>7}  {:>10}  {}\n",
        "id", "start (local)", "type", "distance", "time", "pace", "avg HR", "load", "name"
    );
    for r in &v.runs {
        o.push_str(&format!(
            "{:>5}  {:<16}  {:<18}  {:>9}  {:>8}  {:>9}  {:>7}  {:>10}  {}\n",
            r.id,
            start_text(r),
            type_text(r),
            r.distance_m.map_or("–".into(), format::km),
            r.moving_s.or(r.duration_s).map_or("–".into(), format::duration),
            r.pace_s_per_km.map_or("–".into(), pace_of),
            r.avg_hr.map_or("–".into(), |h| format!("{h:.0} bpm")),
            r.load.map_or("–".into(), |l| format!("{l:.0} TRIMP")),
            r.name.as_deref().unwrap_or(""),
        ));
    }
    o.trim_end().to_owned()
}

// ---------------------------------------------------------------------------------------------
// show

fn artefact_name(kind: &str) -> &str {
    match kind {
        "Spike" => "spikes",
        "Dropout" => "dropouts",
        "StartupLag" => "the optical sensor's start-up lag",
        "FlatLine" => "a flat-lined sensor",
        "CadenceLock" => "cadence lock (the sensor read cadence as heart rate)",
        other => other,
    }
}

fn zones_text(o: &mut String, z: &ZoneBreakdown) {
    if let Some(m) = &z.missing {
        o.push_str(&format!("  zones      – ({m})\n"));
        return;
    }
    let total: f64 = z.zones.iter().map(|z| z.2).sum();
    if total <= 0.0 {
        o.push_str("  zones      – (no heart rate)\n");
        return;
    }
    for (label, range, secs) in &z.zones {
        let share = secs / total;
        let bar = "█".repeat((share * 30.0).round() as usize);
        o.push_str(&format!(
            "  {label:<4} {range:>8} bpm {:>8} {:>4.0}% {bar}\n",
            format::duration(*secs),
            share * 100.0
        ));
    }
    o.push_str(&format!(
        "  easy {:.0}% · moderate {:.0}% · hard {:.0}%",
        z.domains[0] / total * 100.0,
        z.domains[1] / total * 100.0,
        z.domains[2] / total * 100.0
    ));
    if let Some((lo, hi)) = z.grey_band {
        o.push_str(&format!(" · grey band {lo}–{hi} bpm: {}", format::duration(z.grey_s)));
    }
    o.push('\n');
}

fn metrics_text(o: &mut String, d: &ActivityDetail) {
    let Some(m) = &d.summary.metrics else { return };
    let mut parts = Vec::new();
    if let Some(g) = m.gap_pace_s_per_km {
        parts.push(format!("grade-adjusted pace {}", pace_of(g)));
    }
    if let (Some(l), Some(method)) = (d.run.load, d.run.load_method.as_deref()) {
        let how = if method == LoadMethod::HeartRate.name() {
            String::new()
        } else {
            format!(" (from {})", method.replace('_', " "))
        };
        parts.push(format!("load {l:.0} TRIMP{how}"));
    }
    if let Some(ef) = m.efficiency_factor {
        parts.push(format!("EF {ef:.2}"));
    }
    if let Some(x) = m.decoupling_pct {
        parts.push(format!("decoupling {x:.1}%"));
    }
    if let Some(c) = m.cadence_spm {
        parts.push(format!("cadence {c:.0} spm"));
    }
    if let Some(c) = m.cadence_drop_pct {
        parts.push(format!("late cadence drop {c:.1}%"));
    }
    if !parts.is_empty() {
        o.push_str(&format!("  {:<10} {}\n", "metrics", parts.join(" · ")));
    }
    if !m.splits.is_empty() {
        o.push_str("  splits     ");
        let s: Vec<String> = m
            .splits
            .iter()
            .map(|sp| {
                let pace = sp.pace_s_per_km.map_or("–".to_owned(), pace_of);
                let hr = sp.avg_hr.map_or(String::new(), |h| format!(" {h:.0} bpm"));
                format!("km {:>2} {pace}{hr}", sp.km)
            })
            .collect();
        for (i, chunk) in s.chunks(4).enumerate() {
            if i > 0 {
                o.push_str("             ");
            }
            o.push_str(&chunk.join(" · "));
            o.push('\n');
        }
    }
    if !m.best_efforts.is_empty() {
        let b: Vec<String> = m
            .best_efforts
            .iter()
            .map(|e| format!("{} {}", e.name, format::duration(e.time_s)))
            .collect();
        o.push_str(&format!("  {:<10} {}\n", "best", b.join(" · ")));
    }
}

/// One activity in detail.
#[must_use]
pub fn activity(d: &ActivityDetail) -> String {
    let r = &d.run;
    let mut o = String::new();
    let title =
        r.name.clone().unwrap_or_else(|| r.sport.clone().unwrap_or_else(|| "activity".into()));
    o.push_str(&format!("#{} {title}\n", r.id));
    if r.run_type.is_some() {
        let how = d.type_note.as_deref().map_or(String::new(), |n| format!(" ({n})"));
        let intensity = r.intensity.as_deref().map_or(String::new(), |i| {
            let article = if i.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
            format!("; {article} {i} session")
        });
        o.push_str(&format!("  {:<10} {}{how}{intensity}\n", "type", type_text(r)));
    }
    // The work parts as the decision used them: a run typed by its intensity, a long run or
    // strides is continuous, whatever pieces the signal offered.
    let structured = matches!(
        r.reason.as_deref(),
        Some("speed_repetitions" | "speed_block" | "lap_block" | "lap_repetitions" | "race_effort")
    );
    let parts = d.summary.evidence.as_ref().and_then(|e| {
        if structured {
            format::parts(&e.segments)
        } else {
            let mut continuous = e.segments.clone();
            continuous.parts.retain(|p| p.kind != slowburn_core::segment::PartKind::Work);
            continuous
                .parts
                .iter_mut()
                .for_each(|p| p.kind = slowburn_core::segment::PartKind::Run);
            format::parts(&continuous)
        }
    });
    if let Some(p) = parts {
        o.push_str(&format!("  {:<10} {p}\n", "parts"));
    }
    for v in &d.verdicts {
        let mark = match v.severity.as_str() {
            "warning" => "!",
            "note" => "·",
            _ => " ",
        };
        o.push_str(&format!("  {mark} {}\n", v.text));
    }
    let row = |o: &mut String, k: &str, v: String| o.push_str(&format!("  {k:<10} {v}\n"));
    if let Some(s) = r.start_local.as_ref().or(r.start_utc.as_ref()) {
        row(&mut o, "start", s.clone());
    }
    if let Some(call) = d.summary.sport.as_ref().filter(|c| c.changed) {
        row(&mut o, "sport", call.reason.clone());
    }
    if let Some(x) = r.distance_m {
        let from = d
            .summary
            .distance_source
            .as_deref()
            .map_or(String::new(), |s| format!(", from the {s}"));
        row(&mut o, "distance", format!("{}{from}", format::km(x)));
    }
    for x in &d.summary.excluded {
        row(&mut o, "left out", x.reason.clone());
    }
    if let Some(t) = r.moving_s {
        row(&mut o, "moving", format::duration(t));
    }
    if let Some(t) = r.duration_s {
        row(&mut o, "elapsed", format::duration(t));
    }
    if let Some(p) = r.pace_s_per_km {
        row(&mut o, "pace", pace_of(p));
    }
    if let (Some(a), Some(m)) = (r.avg_hr, r.max_hr) {
        row(&mut o, "heart rate", format!("avg {a:.0} bpm, max {m} bpm"));
    }
    if let Some(a) = r.ascent_m {
        row(&mut o, "ascent", format!("{a:.0} m"));
    }
    if let Some(x) = &r.device {
        row(&mut o, "device", x.clone());
    }
    row(&mut o, "source", format!("{} ({})", r.source, r.format));
    if r.duplicates > 0 {
        row(
            &mut o,
            "copies",
            format!("{} other file(s) of the same run kept as duplicates", r.duplicates),
        );
    }
    let s = &d.summary;
    for c in &s.cleaning {
        row(
            &mut o,
            "HR cleaned",
            format!(
                "{} corrected for {} ({} stretch{})",
                format::duration(c.seconds),
                artefact_name(&c.kind),
                c.stretches,
                if c.stretches == 1 { "" } else { "es" }
            ),
        );
    }
    if s.hr_coverage < 0.5 && s.moving_s > 0.0 {
        row(
            &mut o,
            "HR trust",
            format!(
                "heart rate covers only {:.0}% of moving time: load falls back to pace or RPE",
                s.hr_coverage * 100.0
            ),
        );
    }
    for w in &s.warnings {
        row(&mut o, "warning", w.clone());
    }
    metrics_text(&mut o, d);
    zones_text(&mut o, &d.zones);
    if let Some(p) = &d.profile {
        o.push_str(&format!("  {}\n", judged_with(std::slice::from_ref(p))));
    }
    o.trim_end().to_owned()
}

// ---------------------------------------------------------------------------------------------
// zones and athlete

fn pace_s(s: f64) -> String {
    if !s.is_finite() || s <= 0.0 {
        return "–".into();
    }
    let s = s.round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// The zones table.
#[must_use]
pub fn zones(v: &ZonesView, cmd: &str) -> String {
    let mut o = String::new();
    let hr = |x: Option<u8>| x.map_or("unknown".to_owned(), |b| format!("{b} bpm"));
    o.push_str(&format!(
        "Zones ({}) on {}: max HR {}, resting HR {}, LTHR {}, threshold pace {} (`{cmd} athlete show` says where each comes from)\n",
        v.model,
        v.date,
        hr(v.max_hr),
        hr(v.resting_hr),
        hr(v.lthr),
        v.threshold_pace_s_per_km.map_or("unknown".to_owned(), |t| format!("{} /km", pace_s(t)))
    ));
    if let Some(m) = &v.missing {
        o.push_str(&format!("No zones yet: {m}.\n"));
        return o.trim_end().to_owned();
    }
    o.push_str(&format!(
        "{:<4} {:<22} {:>11} {:>19} {:>6}  {}\n",
        "zone", "name", "range", "you run (flat)", "RPE", "purpose"
    ));
    for z in &v.zones {
        let range = match (z.low_bpm, z.high_bpm, z.fast_s_per_km, z.slow_s_per_km) {
            (Some(lo), Some(255), _, _) => format!("≥ {lo}"),
            (Some(0), Some(hi), _, _) => format!("< {}", u16::from(hi) + 1),
            (Some(lo), Some(hi), _, _) => format!("{lo}–{hi}"),
            (None, None, Some(f), s) => {
                format!("{}–{} /km", pace_s(f), s.map_or("…".into(), pace_s))
            }
            _ => "–".into(),
        };
        let yours = z.your_pace.map_or("–".to_owned(), |r| {
            format!("{}–{} /km", pace_s(r.faster_s_per_km), pace_s(r.slower_s_per_km))
        });
        let rpe = if z.rpe.0 == z.rpe.1 {
            z.rpe.0.to_string()
        } else {
            format!("{}–{}", z.rpe.0, z.rpe.1)
        };
        o.push_str(&format!(
            "{:<4} {:<22} {:>11} {:>19} {:>6}  {} ({})\n",
            z.label, z.name, range, yours, rpe, z.purpose, z.domain
        ));
    }
    if let Some((lo, hi)) = v.grey_band {
        o.push_str(&format!(
            "Grey band: {lo}–{hi} bpm — the top of the easy domain, where easy days quietly become moderate.\n"
        ));
    }
    o.trim_end().to_owned()
}

fn row<T>(o: &mut String, k: &str, v: Option<&Sourced<T>>, show: impl Fn(&T) -> String, cmd: &str) {
    match v {
        Some(s) => {
            o.push_str(&format!("  {k:<16} {:<10} {}\n", show(&s.value), source_text(&s.source)));
        }
        None => o.push_str(&format!(
            "  {k:<16} {:<10} not known: set it with `{cmd} athlete set`\n",
            "–"
        )),
    }
}

/// The resolved profile.
#[must_use]
pub fn athlete(v: &AthleteView, cmd: &str) -> String {
    let p: &Profile = &v.profile;
    let mut o = format!("Athlete profile on {}\n", p.date);
    row(&mut o, "max HR", p.max_hr.as_ref(), |v| format!("{v} bpm"), cmd);
    row(&mut o, "resting HR", p.resting_hr.as_ref(), |v| format!("{v} bpm"), cmd);
    row(&mut o, "LTHR", p.lthr.as_ref(), |v| format!("{v} bpm"), cmd);
    row(
        &mut o,
        "threshold pace",
        p.threshold_pace_s_per_km.as_ref(),
        |v| format!("{} /km", pace_s(*v)),
        cmd,
    );
    row(&mut o, "sex", p.sex.as_ref(), |v| format!("{v:?}").to_lowercase(), cmd);
    row(&mut o, "birth year", p.birth_year.as_ref(), ToString::to_string, cmd);
    o.trim_end().to_owned()
}

// ---------------------------------------------------------------------------------------------
// the "judged with" footer

fn model_words(m: &str) -> &str {
    match m {
        "percent_max" => "%HRmax",
        "heart_rate_reserve" => "heart-rate reserve",
        "friel_lthr" => "Friel's LTHR",
        "three_zone" => "three-zone",
        other => other,
    }
}

/// The values of a profile in words, each under a key (so a footer can say what changed).
fn profile_parts(p: &ProfileUsed) -> Vec<(&'static str, String)> {
    let mut parts = Vec::new();
    match (p.max_hr, &p.max_hr_source) {
        (Some(m), Some(s)) => {
            let higher = p.max_hr_exceeded.as_ref().map_or(String::new(), |x| {
                format!(
                    " — your max HR may be higher: {:.0} bpm held for 30 s on {} (#{}); set it with `athlete set --max-hr` if that was real",
                    x.best_30s_hr, x.date, x.id
                )
            });
            parts.push(("max", format!("max HR {m} bpm ({s}){higher}")));
        }
        _ => parts.push(("max", "max HR unknown (no race or hard session with heart rate yet; `athlete set --max-hr` sets it), so no heart-rate zones".to_owned())),
    }
    parts.push(("rest", format!("resting HR {} bpm ({})", p.resting_hr, p.resting_hr_source)));
    if let (Some(l), Some(s)) = (p.lthr, &p.lthr_source) {
        parts.push(("lthr", format!("LTHR {l} bpm ({s})")));
    }
    if let Some((lo, hi)) = p.zone2 {
        let grey = p.grey_band.map_or(String::new(), |(a, b)| format!(", grey band {a}–{b} bpm"));
        parts.push((
            "zones",
            format!("{} zones: Zone 2 {lo}–{hi} bpm{grey}", model_words(&p.zone_model)),
        ));
    }
    if let (Some(t), Some(s)) = (p.threshold_pace_s_per_km, &p.threshold_pace_source) {
        parts.push(("pace", format!("threshold pace {} ({s})", pace_of(t))));
    }
    parts
}

fn join(parts: &[(&str, String)]) -> String {
    parts.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("; ")
}

/// "Judged with …": one sentence; when the values changed in the range, the first period in
/// full, then from each later period's start what changed.
#[must_use]
pub fn judged_with(profiles: &[ProfileUsed]) -> String {
    match profiles {
        [] => "Judged with no profile: nothing is known yet.".to_owned(),
        [p] => format!("Judged with {}.", join(&profile_parts(p))),
        [first, rest @ ..] => {
            let mut o =
                format!("Judged with, from {}: {}.", first.from, join(&profile_parts(first)));
            let mut prev = profile_parts(first);
            for p in rest {
                let now = profile_parts(p);
                let changed: Vec<(&str, String)> =
                    now.iter().filter(|x| !prev.contains(x)).cloned().collect();
                let gone: Vec<&str> = prev
                    .iter()
                    .filter(|(k, _)| !now.iter().any(|(n, _)| n == k))
                    .map(|(k, _)| *k)
                    .collect();
                let mut line = join(&changed);
                if !gone.is_empty() {
                    line.push_str(&format!(
                        "{}no longer known: {}",
                        if line.is_empty() { "" } else { "; " },
                        gone.join(", ")
                    ));
                }
                o.push_str(&format!("\n    From {}: {line}.", p.from));
                prev = now;
            }
            o
        }
    }
}

// ---------------------------------------------------------------------------------------------
// review and week

/// The one-line-per-week table.
#[must_use]
pub fn week_table(weeks: &[WeekReview]) -> Vec<String> {
    let mut out = vec![format!(
        "{:<9} {:>10} {:>8} {:>4} {:>4} {:>10} {:>10} {:>5} {:>5} {:>8} {:>10} {:>4} {:>4} {:>5} {:>5}",
        "week", "distance", "time", "runs", "rest", "easy time", "easy runs", "PI", "grey", "recovery",
        "load", "CTL", "ATL", "TSB", "mono"
    )];
    for w in weeks {
        let label = if w.days < 7 { format!("{}*", w.week) } else { w.week.clone() };
        out.push(format!(
            "{:<9} {:>10} {:>8} {:>4} {:>4} {:>10} {:>10} {:>5} {:>5} {:>8} {:>10} {:>4.0} {:>4.0} {:>+5.0} {:>5}",
            label,
            format!("{:.1} km", format::no_negative_zero(w.km, 1)),
            format::duration(w.seconds),
            w.runs,
            w.rest_days,
            pct(w.easy_share_time),
            pct(w.easy_share_sessions),
            num(w.polarization_index, 2),
            format!("{}/{}", w.grey_runs, w.easy_runs),
            pct(w.recovery_compliance),
            format!("{:.0} TRIMP", w.load),
            w.ctl,
            w.atl,
            // No "-0": a form that rounds to zero is zero.
            if w.tsb.round() == 0.0 { 0.0 } else { w.tsb },
            num(w.monotony, 1),
        ));
    }
    if let Some(w) = weeks.last().filter(|w| w.days < 7) {
        out.push(format!(
            "* still running: the first {} of its 7 days (not counted as a week that missed 80/20)",
            w.days
        ));
    }
    out
}

/// A block of weeks.
#[must_use]
pub fn review(v: &ReviewView, cmd: &str) -> String {
    let r = &v.review;
    let mut o = format!(
        "Review of {} from {} to {} (weeks start on {})\n\n",
        if r.weeks.len() == 1 { "1 week".to_owned() } else { format!("{} weeks", r.weeks.len()) },
        r.block.from,
        v.to,
        slowburn_core::review::weekday_name(r.settings.week_start)
    );
    for x in &r.block.verdicts {
        o.push_str(&format!("  {x}\n"));
    }
    o.push_str(&format!(
        "\n  {} in {} over {} runs, {} rest days; {} of running time easy, {} moderate, {} hard.\n\n",
        format::km(r.block.km * 1000.0),
        format::duration(r.block.seconds),
        r.block.runs,
        r.block.rest_days,
        format::duration(r.block.time_s.easy),
        format::duration(r.block.time_s.moderate),
        format::duration(r.block.time_s.hard),
    ));
    for line in week_table(&r.weeks) {
        o.push_str(&format!("  {line}\n"));
    }
    if !r.block.flags.is_empty() {
        o.push_str("\n  Flags:\n");
        for f in &r.block.flags {
            o.push_str(&format!("    {}  {}\n", f.week, f.message));
        }
    }
    o.push_str(&format!("\n  {}\n", judged_with(&v.profiles)));
    o.push_str(&format!("  One week in detail: {cmd} week --week YYYY-Www"));
    o
}

fn share(part: f64, total: f64) -> String {
    if total > 0.0 {
        format!("{:.0} %", part / total * 100.0)
    } else {
        "–".to_owned()
    }
}

/// One week in detail.
#[must_use]
pub fn week(v: &ReviewView) -> String {
    let Some(w) = v.review.weeks.first() else { return "No such week.".to_owned() };
    let partial = if w.days < 7 { format!(" (first {} days)", w.days) } else { String::new() };
    let mut o = format!("Week {}, {} to {}{partial}\n\n", w.week, w.start, w.end);
    for x in &w.verdicts {
        o.push_str(&format!("  {x}\n"));
    }
    o.push('\n');
    let t = &w.time_s;
    let total = t.easy + t.moderate + t.hard;
    let row = |o: &mut String, k: &str, val: String| o.push_str(&format!("  {k:<12} {val}\n"));
    row(
        &mut o,
        "Volume",
        format!(
            "{} in {}, {} {}, {} rest {}; longest run {} ({} of the week)",
            format::km(w.km * 1000.0),
            format::duration(w.seconds),
            w.runs,
            if w.runs == 1 { "run" } else { "runs" },
            w.rest_days,
            if w.rest_days == 1 { "day" } else { "days" },
            format::km(w.long_run_km * 1000.0),
            w.long_run_share.map_or("–".to_owned(), |x| format!("{:.0} %", x * 100.0)),
        ),
    );
    row(
        &mut o,
        "By time",
        if total > 0.0 {
            format!(
                "easy {} ({}), moderate {} ({}), hard {} ({})",
                share(t.easy, total),
                format::duration(t.easy),
                share(t.moderate, total),
                format::duration(t.moderate),
                share(t.hard, total),
                format::duration(t.hard)
            )
        } else {
            "no running time with a trusted heart rate or pace zones to place".to_owned()
        },
    );
    row(
        &mut o,
        "By session",
        if w.sessions.easy + w.sessions.moderate + w.sessions.hard > 0.0 {
            format!(
                "{} easy, {} moderate, {} hard ({} easy)",
                w.sessions.easy,
                w.sessions.moderate,
                w.sessions.hard,
                share(w.sessions.easy, w.sessions.easy + w.sessions.moderate + w.sessions.hard)
            )
        } else {
            "no session to place (none long enough, or no heart rate or pace zones)".to_owned()
        },
    );
    if let Some(pi) = w.polarization_index {
        let st = match w.structure {
            Some(Structure::Polarized) => "polarized: Z1 > Z3 > Z2 and PI > 2",
            Some(Structure::Pyramidal) => "pyramidal",
            Some(Structure::Threshold) => "threshold-heavy",
            Some(Structure::HighIntensity) => "mostly hard",
            Some(Structure::Base) | None => "not polarized",
        };
        row(&mut o, "Polarization", format!("index {pi:.2} ({st}; Treff et al. 2019)"));
    }
    row(
        &mut o,
        "Grey band",
        if w.easy_runs > 0 {
            format!("{} of {} easy runs crept", w.grey_runs, w.easy_runs)
        } else {
            "no easy run with a trusted heart rate to judge".to_owned()
        },
    );
    for k in &w.recovery {
        let after: Vec<String> = k.after.iter().map(|d| format!("#{} {}", d.id, d.why)).collect();
        let next = match &k.next_day {
            NextDay::Rest => "rest day".to_owned(),
            NextDay::Easy => "easy, under the ceiling".to_owned(),
            NextDay::TooHard { id, minutes_above, hard } => {
                if *hard {
                    format!("#{id} was itself hard")
                } else {
                    format!("#{id} {minutes_above:.0} min above the ceiling")
                }
            }
            NextDay::Unknown { id } => format!("#{id}: heart rate not trusted"),
            NextDay::Pending => "not yet".to_owned(),
        };
        row(&mut o, "Recovery", format!("after {} ({}): {next}", k.date, after.join(", ")));
    }
    row(
        &mut o,
        "Load",
        format!(
            "{:.0} TRIMP; fitness (CTL) {:.0}, fatigue (ATL) {:.0}, form (TSB) {:+.0}; ramp {} a week; acute:chronic {}; monotony {}, strain {}",
            w.load,
            w.ctl,
            w.atl,
            if w.tsb.round() == 0.0 { 0.0 } else { w.tsb },
            w.ramp.map_or("–".to_owned(), |r| format!("{r:+.1}")),
            w.acute_chronic.map_or("–".to_owned(), |r| format!("{r:.2}")),
            w.monotony.map_or("–".to_owned(), |m| format!("{m:.2}")),
            w.strain.map_or("–".to_owned(), |s| format!("{s:.0}")),
        ),
    );
    o.push_str(&format!(
        "\n  {:<10} {:>6}  {:<21} {:>9} {:>8} {:>9} {:>6} {:>6} {:<9} {}\n",
        "date", "id", "type", "distance", "time", "pace", "easy", "grey", "session", "load"
    ));
    for a in &w.activities {
        let t = a.run_type.map_or(if a.running { "run (untyped)" } else { "other" }, |t| t.words());
        let pace =
            if a.km > 0.0 { format::pace(a.km * 1000.0 / a.moving_s) } else { "–".to_owned() };
        o.push_str(&format!(
            "  {:<10} {:>6}  {:<21} {:>9} {:>8} {:>9} {:>6} {:>6} {:<9} {:.0} TRIMP{}\n",
            a.date.to_string(),
            a.id,
            t,
            format::km(a.km * 1000.0),
            format::duration(a.moving_s),
            pace,
            a.easy_share.map_or("–".to_owned(), |x| format!("{:.0} %", x * 100.0)),
            a.grey_share.map_or("–".to_owned(), |x| format!("{:.0} %", x * 100.0)),
            a.session.map_or("–", |d| d.name()),
            a.load,
            match a.load_method {
                LoadMethod::HeartRate => "",
                LoadMethod::Rpe => " (from RPE)",
                LoadMethod::Pace => " (from pace)",
                LoadMethod::Duration => " (from duration)",
            },
        ));
    }
    o.push_str(&format!("\n  {}", judged_with(&v.profiles)));
    o
}

// ---------------------------------------------------------------------------------------------
// trends

/// Is the training working?
#[must_use]
pub fn trends(v: &TrendsView) -> String {
    let t = &v.trends;
    let read_at = match t.target_hr {
        Some(_) => format!("easy pace read at {}", t.target_note),
        None => format!("easy pace at a fixed heart rate not available: {}", t.target_note),
    };
    let mut o = format!("Trends from {} to {}; {read_at}\n\n", t.from, t.to);
    for x in &t.verdicts {
        o.push_str(&format!("  {x}\n"));
    }
    o.push('\n');
    let hr = t.target_hr.map_or("–".to_owned(), |h| format!("{h} bpm"));
    o.push_str(&format!(
        "  {:<7} {:>4} {:>10} {:>16} {:>9} {:>5} {:>10} {:>6} {:>6}\n",
        "month",
        "runs",
        "distance",
        format!("easy pace @{hr}"),
        "rest HR",
        "long",
        "decoupling",
        "EF",
        "VDOT"
    ));
    for m in &t.months {
        let ep = m.easy_pace.map_or("–".to_owned(), |e| {
            format!("{}{}", pace_of(e.pace_s_per_km), if e.extrapolated { "*" } else { " " })
        });
        o.push_str(&format!(
            "  {:<7} {:>4} {:>10} {:>16} {:>9} {:>5} {:>10} {:>6} {:>6}\n",
            m.month,
            m.runs,
            format!("{:.1} km", format::no_negative_zero(m.km, 1)),
            ep,
            m.resting_hr.map_or("–".to_owned(), |r| format!("{r:.0} bpm")),
            m.long_runs,
            m.decoupling_pct.map_or("–".to_owned(), |d| format!("{d:.1} %")),
            m.efficiency_factor.map_or("–".to_owned(), |e| format!("{e:.2}")),
            m.best_vdot.map_or("–".to_owned(), |x| format!("{x:.1}")),
        ));
    }
    if t.months.iter().any(|m| m.resting_hr_source == Some("watch_daily_lows")) {
        o.push_str("  rest HR: logged values; in months without any, the watch's daily lows (a few bpm lower)\n");
    }
    if t.months.iter().any(|m| m.easy_pace.is_some_and(|e| e.extrapolated)) {
        o.push_str(
            "  * read off the heart rate–pace line: little running that month at that heart rate\n",
        );
    }
    if !t.records.is_empty() {
        o.push_str("\n  Personal records:\n");
        for r in &t.records {
            o.push_str(&format!(
                "    {:<14} {:>8}  {}  {}  (#{})\n",
                r.distance,
                format::duration(r.time_s),
                pace_of(r.pace_s_per_km),
                r.date,
                r.id
            ));
        }
    }
    if let Some(pr) = &t.predictions {
        o.push_str(&format!(
            "\n  Race predictions from {} in {} on {} (VDOT {:.1}):\n",
            pr.basis.distance,
            format::duration(pr.basis.time_s),
            pr.basis.date,
            pr.vdot
        ));
        for x in &pr.predictions {
            o.push_str(&format!(
                "    {:<14} {:>8} (Riegel)  {:>8} (Daniels VDOT)\n",
                x.distance,
                format::duration(x.riegel_s),
                x.vdot_s.map_or("–".to_owned(), format::duration)
            ));
        }
    }
    let tv = &t.then_vs_now;
    for (word, s) in [("Then", &tv.then), ("Now ", &tv.now)] {
        // Only what is known: no sentence with a hole in it.
        let mut known = Vec::new();
        if let Some(e) = s.easy_pace {
            known.push(format!("easy pace {}", pace_of(e.pace_s_per_km)));
        }
        if let Some(r) = s.resting_hr {
            known.push(format!("resting HR {r:.0} bpm"));
        }
        if let Some(x) = s.best_vdot {
            known.push(format!("best VDOT {x:.1}"));
        }
        let said =
            if known.is_empty() { "nothing measured yet".to_owned() } else { known.join(", ") };
        o.push_str(&format!(
            "{}  {word} ({} to {}): {said}\n",
            if word == "Then" { "\n" } else { "" },
            s.from,
            s.to,
        ));
    }
    o.push_str(&format!("\n  {}", judged_with(&v.profiles)));
    o
}

// ---------------------------------------------------------------------------------------------
// import

/// The end-of-import table: every file counted once, the outcomes adding up.
#[must_use]
pub fn import(r: &Report) -> String {
    let secs = r.elapsed.as_secs_f64().max(1e-9);
    let total = r.imported + r.replaced + r.duplicates + r.skipped + r.failed;
    let mut o = String::new();
    o.push_str(&format!(
        "{total} files in {secs:.2} s ({:.0} files/s, {:.1} MB/s)\n",
        total as f64 / secs,
        r.bytes as f64 / 1e6 / secs
    ));
    o.push_str(&format!("  imported    {:>6}\n", r.imported));
    o.push_str(&format!(
        "  replaced    {:>6}  (a richer recording of a run already stored)\n",
        r.replaced
    ));
    o.push_str(&format!("  duplicate   {:>6}\n", r.duplicates));
    o.push_str(&format!("  skipped     {:>6}\n", r.skipped));
    o.push_str(&format!("  failed      {:>6}\n", r.failed));
    if r.ignored > 0 {
        o.push_str(&format!("  (not recordings, passed over: {})\n", r.ignored));
    }
    if r.multisport_files > 0 {
        o.push_str(&format!(
            "  ({} multisport file(s) gave {} activities, one per leg)\n",
            r.multisport_files, r.multisport_parts
        ));
    }
    if r.metadata_added > 0 {
        o.push_str(&format!(
            "  (names, descriptions or gear from an export added to {} activities)\n",
            r.metadata_added
        ));
    }
    let mut shown = 0;
    for f in &r.files {
        let mut lines = Vec::new();
        match &f.outcome {
            Outcome::Failed { reason } => lines.push(format!("  failed     {}: {reason}", f.name)),
            Outcome::Skipped { reason } => lines.push(format!("  skipped    {}: {reason}", f.name)),
            Outcome::Replaced { reason, .. } => {
                lines.push(format!("  replaced   {}: {reason}", f.name));
            }
            _ => {}
        }
        if let Some(note) = &f.note {
            lines.push(format!("  multisport {}: {note}", f.name));
        }
        for line in lines {
            if shown == 30 {
                o.push_str("  … (--json lists every file)\n");
                return o.trim_end().to_owned();
            }
            o.push_str(&line);
            o.push('\n');
            shown += 1;
        }
    }
    o.trim_end().to_owned()
}

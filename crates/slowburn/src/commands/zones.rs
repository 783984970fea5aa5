//! `slowburn zones [--model …]`: the athlete's zones, with the pace they actually run at each.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use slowburn_core::zones::{pace_for_hr_range, pace_zones, HrPace, PaceRange};
use slowburn_core::ZoneModel;

use crate::cli::{ZoneModelArg, ZonesArgs};
use crate::printer::Printer;

#[derive(Serialize)]
struct ZoneRow {
    label: String,
    name: String,
    low_bpm: Option<u8>,
    high_bpm: Option<u8>,
    fast_s_per_km: Option<f64>,
    slow_s_per_km: Option<f64>,
    /// The pace this athlete runs at these heart rates (flat, steady running, last 12 months).
    your_pace: Option<PaceRange>,
    rpe: (u8, u8),
    purpose: String,
    domain: String,
}

#[derive(Serialize)]
struct ZonesView {
    model: String,
    date: String,
    max_hr: Option<u8>,
    resting_hr: Option<u8>,
    lthr: Option<u8>,
    grey_band: Option<(u8, u8)>,
    zones: Vec<ZoneRow>,
}

fn pace(s: f64) -> String {
    if !s.is_finite() || s <= 0.0 {
        return "–".into();
    }
    let s = s.round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

pub(crate) fn run(db: Option<&Path>, args: &ZonesArgs) -> anyhow::Result<ExitCode> {
    let store = crate::db::open(db)?;
    let today = jiff::Zoned::now().date();
    let profile = crate::profile::profile_at(&store, today)?;
    // The athlete's own heart rate against pace, last 12 months.
    let year_ago = today.checked_sub(jiff::Span::new().days(365))?;
    let samples: Vec<HrPace> = crate::profile::stored_runs(&store)?
        .iter()
        .filter(|r| r.date > year_ago)
        .flat_map(|r| {
            r.summary.hr_pace.iter().map(|p| HrPace {
                hr: p.hr,
                pace_s_per_km: p.pace_s_per_km,
                seconds: p.seconds,
            })
        })
        .collect();
    let config = crate::config::load()?;
    let chosen = match (args.model, config.zones.model.as_deref()) {
        (Some(m), _) => m,
        (None, Some(name)) => {
            <ZoneModelArg as clap::ValueEnum>::from_str(name, true).map_err(|_| {
                anyhow::anyhow!("zones.model = {name:?} in the config is not a zone model")
            })?
        }
        (None, None) => ZoneModelArg::Hrmax,
    };
    let bounds =
        if args.bounds.is_empty() { config.zones.custom.clone() } else { args.bounds.clone() };
    let model = match chosen {
        ZoneModelArg::Hrmax => Some(ZoneModel::PercentMax),
        ZoneModelArg::Hrr => Some(ZoneModel::HeartRateReserve),
        ZoneModelArg::Lthr => Some(ZoneModel::FrielLthr),
        ZoneModelArg::ThreeZone => Some(ZoneModel::ThreeZone { vt1: args.vt1 }),
        ZoneModelArg::Custom => Some(ZoneModel::Custom(bounds)),
        ZoneModelArg::Pace => None,
    };
    let mut view = ZonesView {
        model: format!("{chosen:?}").to_lowercase(),
        date: today.to_string(),
        max_hr: profile.max_hr(),
        resting_hr: profile.resting_hr(),
        lthr: profile.lthr(),
        grey_band: None,
        zones: Vec::new(),
    };
    if let Some(model) = model {
        let mut table = model
            .zones(&profile)
            .map_err(|e| anyhow::anyhow!("{e}; set it with `slowburn athlete set`"))?;
        if let Some(w) = config.zones.grey_band_bpm {
            table = table.with_grey_width(w);
        }
        model.name().clone_into(&mut view.model);
        view.grey_band = table.grey_band();
        for z in table.zones() {
            view.zones.push(ZoneRow {
                label: z.label.clone(),
                name: z.name.clone(),
                low_bpm: Some(z.low_bpm),
                high_bpm: Some(z.high_bpm),
                fast_s_per_km: None,
                slow_s_per_km: None,
                your_pace: pace_for_hr_range(&samples, z.low_bpm, z.high_bpm),
                rpe: z.rpe,
                purpose: z.purpose.description().to_owned(),
                domain: z.domain.name().to_owned(),
            });
        }
    } else {
        let table = pace_zones(&profile).map_err(|e| {
            anyhow::anyhow!("{e}; set it with `slowburn athlete set --threshold-pace m:ss`")
        })?;
        for z in table.zones() {
            view.zones.push(ZoneRow {
                label: z.label.clone(),
                name: z.name.clone(),
                low_bpm: None,
                high_bpm: None,
                fast_s_per_km: Some(z.fast_s_per_km),
                slow_s_per_km: z.slow_s_per_km.is_finite().then_some(z.slow_s_per_km),
                your_pace: None,
                rpe: z.rpe,
                purpose: z.purpose.description().to_owned(),
                domain: z.domain.name().to_owned(),
            });
        }
    }
    let mut p = Printer::new();
    if args.json {
        p.json(&view)?;
        p.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let hr = |v: Option<u8>| v.map_or("unknown".to_owned(), |b| format!("{b} bpm"));
    p.line(&format!(
        "Zones ({}) on {}: max HR {}, resting HR {}, LTHR {} (`slowburn athlete show` says where each comes from)",
        view.model, view.date, hr(view.max_hr), hr(view.resting_hr), hr(view.lthr)
    ))?;
    p.line(&format!(
        "{:<4} {:<22} {:>11} {:>19} {:>6}  {}",
        "zone", "name", "range", "you run (flat)", "RPE", "purpose"
    ))?;
    for z in &view.zones {
        let range = match (z.low_bpm, z.high_bpm, z.fast_s_per_km, z.slow_s_per_km) {
            (Some(lo), Some(255), _, _) => format!("≥ {lo}"),
            (Some(0), Some(hi), _, _) => format!("< {}", u16::from(hi) + 1),
            (Some(lo), Some(hi), _, _) => format!("{lo}–{hi}"),
            (None, None, Some(f), s) => format!("{}–{} /km", pace(f), s.map_or("…".into(), pace)),
            _ => "–".into(),
        };
        let yours = z.your_pace.map_or("–".to_owned(), |r| {
            format!("{}–{} /km", pace(r.faster_s_per_km), pace(r.slower_s_per_km))
        });
        p.line(&format!(
            "{:<4} {:<22} {:>11} {:>19} {:>6}  {} ({})",
            z.label,
            z.name,
            range,
            yours,
            format!("{}–{}", z.rpe.0, z.rpe.1),
            z.purpose,
            z.domain
        ))?;
    }
    if let Some((lo, hi)) = view.grey_band {
        p.line(&format!(
            "Grey band: {lo}–{hi} bpm — the top of the easy domain, where easy days quietly become moderate."
        ))?;
    }
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

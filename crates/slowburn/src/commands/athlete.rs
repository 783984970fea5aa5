//! `slowburn athlete set|show`: the dated athlete profile.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use slowburn_core::athlete::Source;
use slowburn_core::{ProfileEntry, Sex};

use crate::cli::{AthleteArgs, AthleteCommand, AthleteSetArgs};
use crate::printer::Printer;

/// `4:05` → 245 s/km.
pub(crate) fn parse_pace(s: &str) -> anyhow::Result<f64> {
    let (m, sec) = s.split_once(':').unwrap_or((s, "0"));
    let (m, sec): (u32, u32) = (m.trim().parse()?, sec.trim().parse()?);
    if sec >= 60 || m == 0 || m > 30 {
        bail!("pace {s:?} is not m:ss per km between 1:00 and 30:00");
    }
    Ok(f64::from(m * 60 + sec))
}

fn source_text(s: &Source) -> String {
    match s {
        Source::Given { from } => format!("given, from {from}"),
        Source::Estimated { method, detail } => format!("estimated: {method} ({detail})"),
        Source::AgePredicted => {
            "predicted from age (Tanaka: 208 − 0.7 × age); set it or race to replace it".into()
        }
    }
}

pub(crate) fn run(db: Option<&Path>, args: &AthleteArgs) -> anyhow::Result<ExitCode> {
    let store = crate::db::open(db)?;
    let mut p = Printer::new();
    match &args.command {
        AthleteCommand::Set(a) => {
            let entry = entry(a)?;
            store.add_athlete_entry(&entry.from.to_string(), &serde_json::to_string(&entry)?)?;
            p.line(&format!("saved; in force from {}", entry.from))?;
        }
        AthleteCommand::Show { date, json } => {
            let date = date.unwrap_or_else(|| jiff::Zoned::now().date());
            let profile = crate::profile::profile_at(&store, date)?;
            if *json {
                p.json(&profile)?;
            } else {
                p.line(&format!("Athlete profile on {date}"))?;
                let mut row =
                    |k: &str, v: Option<String>, src: Option<&Source>| -> std::io::Result<()> {
                        match (v, src) {
                            (Some(v), Some(s)) => {
                                p.line(&format!("  {k:<16} {v:<10} {}", source_text(s)))
                            }
                            _ => p.line(&format!(
                                "  {k:<16} {:<10} not known: set it with `slowburn athlete set`",
                                "–"
                            )),
                        }
                    };
                row(
                    "max HR",
                    profile.max_hr.as_ref().map(|v| format!("{} bpm", v.value)),
                    profile.max_hr.as_ref().map(|v| &v.source),
                )?;
                row(
                    "resting HR",
                    profile.resting_hr.as_ref().map(|v| format!("{} bpm", v.value)),
                    profile.resting_hr.as_ref().map(|v| &v.source),
                )?;
                row(
                    "LTHR",
                    profile.lthr.as_ref().map(|v| format!("{} bpm", v.value)),
                    profile.lthr.as_ref().map(|v| &v.source),
                )?;
                row(
                    "threshold pace",
                    profile.threshold_pace_s_per_km.as_ref().map(|v| {
                        let s = v.value.round() as u32;
                        format!("{}:{:02} /km", s / 60, s % 60)
                    }),
                    profile.threshold_pace_s_per_km.as_ref().map(|v| &v.source),
                )?;
                row(
                    "sex",
                    profile.sex.as_ref().map(|v| format!("{:?}", v.value).to_lowercase()),
                    profile.sex.as_ref().map(|v| &v.source),
                )?;
                row(
                    "birth year",
                    profile.birth_year.as_ref().map(|v| v.value.to_string()),
                    profile.birth_year.as_ref().map(|v| &v.source),
                )?;
            }
        }
    }
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn entry(a: &AthleteSetArgs) -> anyhow::Result<ProfileEntry> {
    let from = a.from.unwrap_or_else(|| jiff::Zoned::now().date());
    let mut e = ProfileEntry::new(from);
    e.max_hr = a.max_hr;
    e.resting_hr = a.resting_hr;
    e.lthr = a.lthr;
    e.threshold_pace_s_per_km = a.threshold_pace.as_deref().map(parse_pace).transpose()?;
    e.sex = match a.sex.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("f" | "female") => Some(Sex::Female),
        Some("m" | "male") => Some(Sex::Male),
        Some(other) => bail!("sex {other:?}: use female or male"),
    };
    e.birth_year = a.birth_year;
    if let (Some(max), Some(rest)) = (e.max_hr, e.resting_hr) {
        if rest >= max {
            bail!("resting HR {rest} bpm is not below max HR {max} bpm");
        }
    }
    if e == ProfileEntry::new(from) {
        bail!("nothing to set: give at least one of --max-hr, --resting-hr, --lthr, --threshold-pace, --sex, --birth-year");
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::parse_pace;

    #[test]
    fn paces_parse_as_seconds_per_km() {
        assert!((parse_pace("4:05").expect("pace") - 245.0).abs() < 1e-9);
        assert!(parse_pace("4:75").is_err());
    }
}

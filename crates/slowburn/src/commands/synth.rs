//! `slowburn synth`: write a synthetic runner's training history (FIT files + truth.json).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use serde::Serialize;
use slowburn_synth::{generate, write, ProfileKind, SynthConfig, TRUTH_FILE};

use crate::cli::{SynthArgs, SynthProfile};
use crate::printer::Printer;

#[derive(Serialize)]
struct Report {
    profile: ProfileKind,
    seed: u64,
    years: f64,
    start: String,
    runs: usize,
    distance_km: f64,
    hours: f64,
    files: usize,
    bytes: u64,
    out: String,
    seconds: f64,
}

/// `12345.6` → `12,345.6` (one decimal).
fn thousands(x: f64) -> String {
    let s = format!("{x:.1}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, "0"));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}.{frac}")
}

pub(crate) fn run(args: &SynthArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let profile = match args.profile {
        SynthProfile::EightyTwenty => ProfileKind::EightyTwenty,
        SynthProfile::GreyZone => ProfileKind::GreyZone,
        SynthProfile::Novice => ProfileKind::Novice,
    };
    let cfg = SynthConfig {
        years: args.years,
        profile,
        seed: args.seed,
        start_date: args.start,
        faults: args.faults,
        fault_rate: args.fault_rate,
        ..SynthConfig::default()
    };
    let history = generate(&cfg).context("planning the synthetic history")?;
    let summary = write(&history, &args.out)
        .with_context(|| format!("writing the synthetic history to {}", args.out.display()))?;
    let report = Report {
        profile,
        seed: args.seed,
        years: args.years,
        start: args.start.to_string(),
        runs: summary.runs,
        distance_km: (summary.distance_m / 100.0).round() / 10.0,
        hours: (summary.timer_s / 360.0).round() / 10.0,
        files: summary.files,
        bytes: summary.bytes,
        out: args.out.display().to_string(),
        seconds: (started.elapsed().as_secs_f64() * 100.0).round() / 100.0,
    };
    let mut printer = Printer::new(args.json);
    if args.json {
        printer.json(&report)?;
    } else {
        let faults =
            if args.faults { format!(", faults at {}", args.fault_rate) } else { String::new() };
        printer.line(&format!(
            "Synthetic runner ({profile}, seed {}, {} years from {}{faults})",
            args.seed, args.years, report.start
        ))?;
        printer.line(&format!("  runs written  {}", report.runs))?;
        printer.line(&format!("  distance      {} km", thousands(report.distance_km)))?;
        printer.line(&format!("  time          {} h", thousands(report.hours)))?;
        printer.line(&format!(
            "  files         {} ({} FIT + {TRUTH_FILE}, {:.1} MB)",
            report.files,
            report.runs,
            report.bytes as f64 / 1e6
        ))?;
        printer.line(&format!("  output        {}", report.out))?;
        printer.line(&format!("  took          {:.1} s", report.seconds))?;
    }
    printer.flush()?;
    Ok(ExitCode::SUCCESS)
}

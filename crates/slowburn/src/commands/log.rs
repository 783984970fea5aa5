//! `slowburn log rhr|rpe|note`: daily entries later analysis uses.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use crate::cli::{LogArgs, LogCommand};
use crate::printer::Printer;

pub(crate) fn run(db: Option<&Path>, args: &LogArgs) -> anyhow::Result<ExitCode> {
    let store = crate::db::open(db)?;
    let today = || jiff::Zoned::now().date();
    let msg = match &args.command {
        LogCommand::Rhr { bpm, date } => {
            if !(25..=120).contains(bpm) {
                bail!("resting heart rate {bpm} bpm is outside 25–120 bpm");
            }
            let d = date.unwrap_or_else(today);
            store.add_daily_log(&d.to_string(), "rhr", Some(f64::from(*bpm)), None)?;
            format!("resting heart rate {bpm} bpm logged for {d}")
        }
        LogCommand::Rpe { id, rpe } => {
            if !(0.0..=10.0).contains(rpe) {
                bail!("RPE {rpe} is outside the CR-10 scale (0–10)");
            }
            store.set_rpe(*id, *rpe)?;
            format!("session RPE {rpe} logged for activity {id}")
        }
        LogCommand::Note { text, date, kind } => {
            let d = date.unwrap_or_else(today);
            let text = text.join(" ");
            store.add_daily_log(
                &d.to_string(),
                "note",
                None,
                Some(&format!("{}: {text}", kind.as_deref().unwrap_or("note"))),
            )?;
            format!("note logged for {d}")
        }
    };
    let mut p = Printer::new();
    p.line(&msg)?;
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

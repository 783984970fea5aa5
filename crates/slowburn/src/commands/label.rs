//! `slowburn label ID TYPE`: the user's word on what a run was; it sticks.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use crate::cli::LabelArgs;
use crate::printer::Printer;

/// The run types a label may name (`strides` and `other` are accepted as short forms).
pub(crate) const TYPES: [&str; 13] = [
    "recovery",
    "easy",
    "long",
    "steady",
    "tempo",
    "threshold",
    "intervals",
    "easy_with_strides",
    "race",
    "walk",
    "hike",
    "other_sport",
    "auto",
];

pub(crate) fn run(db: Option<&Path>, args: &LabelArgs) -> anyhow::Result<ExitCode> {
    let t = match args.run_type.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
        "strides" => "easy_with_strides".to_owned(),
        "other" => "other_sport".to_owned(),
        other => other.to_owned(),
    };
    if !TYPES.contains(&t.as_str()) {
        bail!("unknown type {:?}: one of {}", args.run_type, TYPES.join(", "));
    }
    let store = crate::db::open(db)?;
    store.set_label(args.id, if t == "auto" { None } else { Some(&t) })?;
    let mut p = Printer::new();
    p.line(&if t == "auto" {
        format!("activity {} is classified automatically again", args.id)
    } else {
        format!(
            "activity {} is a {t} run from now on (`label {} auto` undoes it)",
            args.id, args.id
        )
    })?;
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

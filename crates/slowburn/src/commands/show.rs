//! `slowburn show ID`: one activity.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::ShowArgs;
use crate::printer::Printer;

pub(crate) fn run(db: Option<&Path>, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let store = crate::db::open(db)?;
    let row = store.activity(args.id)?;
    let view = crate::analysis::ActivityView::new(&row);
    let zones = crate::analysis::ZoneBreakdown::for_activity(&store, &row)?;
    let mut p = Printer::new();
    if args.json {
        let mut v = view.detail(&row);
        if let Some(obj) = v.as_object_mut() {
            obj.insert("zones".into(), serde_json::to_value(&zones)?);
        }
        p.json(&v)?;
    } else {
        p.line(view.detail_text(&row).trim_end())?;
        p.line(zones.text().trim_end())?;
    }
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

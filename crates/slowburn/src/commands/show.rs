//! `slowburn show ID`: one activity.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::ShowArgs;
use crate::printer::Printer;

pub(crate) fn run(db: Option<&Path>, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let store = crate::db::open(db)?;
    let row = store.activity(args.id)?;
    let view = crate::analysis::ActivityView::new(&row);
    let mut p = Printer::new();
    if args.json {
        p.json(&view.detail(&row))?;
    } else {
        p.line(view.detail_text(&row).trim_end())?;
    }
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

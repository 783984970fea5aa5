//! `slowburn inspect FILE…`: what our decoder reads from each file.

use std::process::ExitCode;

use slowburn_report::inspect::Inspection;

use crate::cli::InspectArgs;
use crate::printer::Printer;

pub(crate) fn run(args: &InspectArgs) -> anyhow::Result<ExitCode> {
    let mut printer = Printer::new(args.json);
    let mut views = Vec::with_capacity(args.files.len());
    let mut failed = false;
    for path in &args.files {
        let name = path.display().to_string();
        let view = match std::fs::read(path) {
            Err(e) => Inspection::failed(&name, format!("{name}: cannot read: {e}")),
            Ok(bytes) => match slowburn_formats::fit::decode(&bytes) {
                Ok(rec) => Inspection::new(&name, &rec),
                Err(e) => Inspection::failed(&name, format!("{name}: {e}")),
            },
        };
        failed |= view.error.is_some();
        if args.json {
            views.push(view);
        } else {
            printer.line(&view.to_text())?;
        }
    }
    if args.json {
        printer.json(&views)?;
    }
    printer.flush()?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

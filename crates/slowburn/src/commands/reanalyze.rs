//! `slowburn reanalyze`: rebuild every summary from the stored originals.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use crate::printer::Printer;

pub(crate) fn run(db: Option<&Path>) -> anyhow::Result<ExitCode> {
    let mut store = crate::db::open(db)?;
    let analyser = crate::analysis::CoreAnalyser::from_store(&store)?;
    let t = Instant::now();
    let n = slowburn_import::reanalyze(&mut store, &analyser)?;
    crate::analysis::apply_norms(&mut store)?;
    let mut p = Printer::new();
    p.line(&format!(
        "re-analysed {n} activities from their original files in {:.2} s",
        t.elapsed().as_secs_f64()
    ))?;
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

//! `slowburn import PATH…`: everything a runner has, into the store.

use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;

use slowburn_import::{import, Options, Outcome, Progress, Report};

use crate::cli::ImportArgs;
use crate::printer::Printer;

/// A progress bar on stderr when it is a terminal; nothing when piped.
pub(crate) struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    pub(crate) fn new() -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let pb = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} importing {bar:30} {pos}/{len} files ({per_sec}, {eta} left)",
        ) {
            pb.set_style(style);
        }
        Bar(Some(pb))
    }
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        if let Some(pb) = &self.0 {
            pb.set_length(total);
        }
    }
    fn advance(&self, n: u64) {
        if let Some(pb) = &self.0 {
            pb.inc(n);
        }
    }
    fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}

/// The end-of-import table.
pub(crate) fn summary_text(r: &Report) -> String {
    let secs = r.elapsed.as_secs_f64().max(1e-9);
    let total = r.imported + r.duplicates + r.skipped + r.failed;
    let mut o = String::new();
    o.push_str(&format!(
        "{total} files in {secs:.2} s ({:.0} files/s, {:.1} MB/s)\n",
        total as f64 / secs,
        r.bytes as f64 / 1e6 / secs
    ));
    o.push_str(&format!("  imported    {:>6}\n", r.imported));
    o.push_str(&format!("  duplicate   {:>6}\n", r.duplicates));
    o.push_str(&format!("  skipped     {:>6}\n", r.skipped));
    o.push_str(&format!("  failed      {:>6}\n", r.failed));
    if r.ignored > 0 {
        o.push_str(&format!("  (not recordings, passed over: {})\n", r.ignored));
    }
    let mut shown = 0;
    for f in &r.files {
        let line = match &f.outcome {
            Outcome::Failed { reason } => format!("  failed   {}: {reason}", f.name),
            Outcome::Skipped { reason } => format!("  skipped  {}: {reason}", f.name),
            _ => continue,
        };
        if shown == 30 {
            o.push_str("  … (--json lists every file)\n");
            break;
        }
        o.push_str(&line);
        o.push('\n');
        shown += 1;
    }
    o
}

pub(crate) fn run(db: Option<&Path>, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let mut store = crate::db::open(db)?;
    let analyser = crate::analysis::CoreAnalyser::from_store(&store)?;
    let bar = Bar::new();
    let report =
        import(&mut store, &args.paths, &analyser, &bar, Options { batch_size: args.batch })?;
    crate::analysis::apply_norms(&mut store)?;
    let mut p = Printer::new();
    if args.json {
        p.json(&report)?;
    } else {
        p.line(summary_text(&report).trim_end())?;
    }
    p.flush()?;
    Ok(if report.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

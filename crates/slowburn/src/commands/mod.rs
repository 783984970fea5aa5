//! One module per subcommand.

use std::process::ExitCode;

use crate::cli::{Cli, Command};

mod demo;
mod export_originals;
mod import;
mod inspect;
mod reanalyze;
mod runs;
mod show;
mod synth;

pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Synth(args) => synth::run(&args),
        Command::Import(args) => import::run(cli.db.as_deref(), &args),
        Command::Runs(args) => runs::run(cli.db.as_deref(), &args),
        Command::Show(args) => show::run(cli.db.as_deref(), &args),
        Command::ExportOriginals(args) => export_originals::run(cli.db.as_deref(), &args),
        Command::Reanalyze(_) => reanalyze::run(cli.db.as_deref()),
        Command::Demo(args) => demo::run(&args),
    }
}

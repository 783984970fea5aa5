//! One module per subcommand.

use std::process::ExitCode;

use crate::cli::{Cli, Command};

mod athlete;
mod demo;
mod export_originals;
mod import;
mod inspect;
mod label;
mod log;
mod reanalyze;
mod review;
mod runs;
mod show;
mod synth;
mod trends;
mod week;
mod zones;

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
        Command::Athlete(args) => athlete::run(cli.db.as_deref(), &args),
        Command::Log(args) => log::run(cli.db.as_deref(), &args),
        Command::Zones(args) => zones::run(cli.db.as_deref(), &args),
        Command::Label(args) => label::run(cli.db.as_deref(), &args),
        Command::Week(args) => week::run(cli.db.as_deref(), &args),
        Command::Review(args) => review::run(cli.db.as_deref(), &args),
        Command::Trends(args) => trends::run(cli.db.as_deref(), &args),
    }
}

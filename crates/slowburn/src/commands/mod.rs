//! One module per subcommand.

use std::process::ExitCode;

use crate::cli::{Cli, Command};

mod inspect;
mod synth;

pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Synth(args) => synth::run(&args),
    }
}

//! One module per subcommand.

use std::process::ExitCode;

use crate::cli::{Cli, Command};

mod inspect;

pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
    }
}

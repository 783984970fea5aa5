//! The command line, as clap derive structs. No behaviour lives here.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "slowburn", version, about = "The honest coach on a runner's own machine.")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show what a watch file holds: type, device, sport, start, duration, channels, laps, warnings.
    Inspect(InspectArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectArgs {
    /// FIT files to read.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print one JSON object per file (a JSON array), with the field names of the corpus's expected.json.
    #[arg(long)]
    pub json: bool,
}

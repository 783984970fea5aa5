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
    /// Generate a synthetic runner's training history: FIT files plus ground truth (truth.json).
    Synth(SynthArgs),
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

#[derive(Debug, clap::Args)]
pub(crate) struct SynthArgs {
    /// Years of training to generate (fractions allowed).
    #[arg(long, default_value_t = 3.0)]
    pub years: f64,
    /// Training philosophy.
    #[arg(long, value_enum, default_value_t = SynthProfile::EightyTwenty)]
    pub profile: SynthProfile,
    /// Random seed; the same seed and options give byte-identical output.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// First day of the history (YYYY-MM-DD).
    #[arg(long, default_value = "2016-01-04")]
    pub start: jiff::civil::Date,
    /// Directory to write the FIT files and truth.json into (created if needed).
    #[arg(long)]
    pub out: PathBuf,
    /// Inject sensor faults: optical-HR start lag, dropouts, spikes, cadence lock.
    #[arg(long)]
    pub faults: bool,
    /// With --faults: probability per activity of each fault kind (cadence lock at half).
    #[arg(long, default_value_t = 0.15)]
    pub fault_rate: f64,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The training philosophies `slowburn synth` can generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SynthProfile {
    /// About 80 % easy, two quality sessions a week, periodised blocks and races.
    EightyTwenty,
    /// Most days moderately hard, just under threshold.
    GreyZone,
    /// Three to four runs a week, building volume, with one >10 % week-on-week jump.
    Novice,
}

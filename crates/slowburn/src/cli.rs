//! The command line, as clap derive structs. No behaviour lives here.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "slowburn", version, about = "The honest coach on a runner's own machine.")]
pub(crate) struct Cli {
    /// The database to use (default: slowburn.db in the platform data directory).
    #[arg(long, global = true, env = "SLOWBURN_DB")]
    pub db: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show what a watch file holds: type, device, sport, start, duration, channels, laps, warnings.
    Inspect(InspectArgs),
    /// Generate a synthetic runner's training history: FIT files plus ground truth (truth.json).
    Synth(SynthArgs),
    /// Import FIT/GPX/TCX files (optionally .gz), folders, a watch's USB folder, Strava and Garmin export archives.
    Import(ImportArgs),
    /// List activities.
    Runs(RunsArgs),
    /// Show one activity.
    Show(ShowArgs),
    /// Write every original file back out, byte-identical, into a folder.
    ExportOriginals(ExportOriginalsArgs),
    /// Rebuild every activity's analysis from its original file.
    Reanalyze(ReanalyzeArgs),
    /// Generate a season for a sample runner, import it like real files and show what slowburn says.
    Demo(DemoArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// Files, folders or archives.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print the outcome of every input as JSON.
    #[arg(long)]
    pub json: bool,
    /// Entries per batch (one transaction each).
    #[arg(long, default_value_t = 512)]
    pub batch: usize,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RunsArgs {
    /// Only activities on or after this date (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub since: Option<jiff::civil::Date>,
    /// Only activities before this date (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub until: Option<jiff::civil::Date>,
    /// Only this sport (running, cycling, walking, … or a FIT sport number).
    #[arg(long)]
    pub sport: Option<String>,
    /// At most this many (the newest).
    #[arg(long)]
    pub limit: Option<i64>,
    /// Print a JSON array, one object per activity.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ShowArgs {
    /// Activity id (from `slowburn runs`).
    pub id: i64,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExportOriginalsArgs {
    /// Folder to write into (created if needed; existing files are never overwritten).
    pub dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReanalyzeArgs {}

#[derive(Debug, clap::Args)]
pub(crate) struct DemoArgs {
    /// Where to keep the demo's files and database (default: a fresh temporary folder).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Random seed of the sample runner.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
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

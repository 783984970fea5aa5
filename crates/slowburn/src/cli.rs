//! The command line, as clap derive structs. No behaviour lives here.
// The doc comments here are the help a runner reads: product names without code marks.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "slowburn", version, about = "The honest coach on a runner's own machine.")]
pub(crate) struct Cli {
    /// The database to use: a file (default: slowburn.db in the platform data directory), or a
    /// PostgreSQL server, postgres://user@host/db, with --athlete (docs/SERVER.md).
    #[arg(long, global = true, env = "SLOWBURN_DB")]
    pub db: Option<PathBuf>,
    /// With a PostgreSQL --db: whose history the command works on (the first import creates the
    /// athlete). A file holds one athlete's history and takes none.
    #[arg(long, global = true, env = "SLOWBURN_ATHLETE")]
    pub athlete: Option<String>,
    /// The athlete's local "today" (default: the system clock). For reproducible output in
    /// tests and for looking at a past day as it was.
    #[arg(long, global = true, env = "SLOWBURN_TODAY", hide = true)]
    pub today: Option<jiff::civil::Date>,
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
    /// The athlete's dated profile: max HR, resting HR, LTHR, threshold pace.
    Athlete(AthleteArgs),
    /// Log a resting heart rate, a session RPE, or a note (illness, fatigue, sleep).
    Log(LogArgs),
    /// The athlete's zones, with the pace they actually run at each.
    Zones(ZonesArgs),
    /// Say what a run was (recovery, easy, long, steady, tempo, threshold, intervals, strides, race, …); it sticks.
    Label(LabelArgs),
    /// One week in detail: 80/20 by time and by session, grey-zone creep, recovery, load, flags.
    Week(WeekArgs),
    /// The honest review of recent weeks: volume, 80/20, grey-zone creep, recovery, load, flags.
    Review(ReviewArgs),
    /// Is it working? Easy pace at the same heart rate, resting HR, long runs, records, predictions.
    Trends(TrendsArgs),
    /// A periodised training plan: create, show (planned against done), adapt, export to the calendar and the watch.
    Plan(PlanArgs),
    /// One self-contained HTML file (charts, review, trends, today, the plan) that opens offline.
    Report {
        /// Where to write it.
        #[arg(short, long, default_value = "report.html")]
        output: PathBuf,
        /// Weeks of review.
        #[arg(long, default_value_t = 12)]
        weeks: u32,
    },
    /// The dashboard in the browser and a JSON API over the same database (docs/API.md).
    Serve(ServeArgs),
    /// Copy the whole store into one file, safely while other commands use it (an online backup).
    Backup(BackupArgs),
    /// Replace the store with a backup once the backup is checked; the current store is kept beside it.
    Restore(RestoreArgs),
    /// What to run today, and why: from the plan when there is one, from the history when not.
    Today {
        #[arg(long)]
        json: bool,
    },
    /// Move a runner's store into a PostgreSQL server, losing nothing (checked line by line).
    Migrate(MigrateArgs),
    /// Accounts, coaches' grants and clubs on a PostgreSQL store (docs/SERVER.md).
    Access(AccessArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct MigrateArgs {
    /// The store's file to move (it is read, never changed).
    #[arg(long)]
    pub from: PathBuf,
    /// The PostgreSQL server, `postgres://user@host/db` (the athlete is --athlete).
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct AccessArgs {
    #[command(subcommand)]
    pub command: AccessCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AccessCommand {
    /// Make an account; with --athlete, the account is that athlete (created if new). The
    /// secret is read from SLOWBURN_SECRET, else from the first line of standard input.
    AddAccount { login: String },
    /// The athlete (--athlete) lets a coach's account see (view) or also label, log and plan
    /// (edit) their history.
    Grant {
        coach: String,
        #[arg(long, value_enum, default_value = "view")]
        level: GrantArg,
    },
    /// The athlete (--athlete) takes a coach's grant back.
    Revoke { coach: String },
    /// Make a club with its first admin (an account).
    AddClub {
        club: String,
        #[arg(long)]
        admin: String,
    },
    /// A club's admin (--by) invites the athlete (--athlete) to join.
    Invite {
        club: String,
        #[arg(long)]
        by: String,
    },
    /// The athlete (--athlete) joins a club that invited them, choosing what it sees.
    Join {
        club: String,
        #[arg(long, value_enum, default_value = "summary")]
        sharing: SharingArg,
    },
    /// The athlete (--athlete) leaves a club.
    Leave { club: String },
    /// Whom an account sees, and what it may do with each.
    Show {
        login: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum GrantArg {
    View,
    Edit,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum SharingArg {
    None,
    Summary,
    View,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on; any but loopback needs --token (with a PostgreSQL --db, every
    /// caller signs in instead).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Token every request must carry (Bearer header, or the cookie of the one-time link);
    /// prefer `SLOWBURN_TOKEN`: other users can read a process's arguments.
    #[arg(long, env = "SLOWBURN_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Largest upload, MB.
    #[arg(long, default_value_t = 64)]
    pub max_upload_mb: u32,
    /// With a PostgreSQL --db: the most connections the server opens.
    #[arg(long, default_value_t = 16)]
    pub pool: usize,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PlanArgs {
    #[command(subcommand)]
    pub command: PlanCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum GoalArg {
    Marathon,
    Half,
    #[value(name = "10k")]
    TenK,
    #[value(name = "5k")]
    FiveK,
    /// Aerobic base, no race (12 weeks unless --race-date ends it).
    Base,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LevelArg {
    Novice,
    Intermediate,
    Experienced,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PlanCommand {
    /// Build and store a plan from today to the race.
    Create(PlanCreateArgs),
    /// The plan week by week, each session marked done, changed, missed or planned.
    Show {
        /// Only this ISO week (2027-W05).
        #[arg(long)]
        week: Option<String>,
        /// A plan other than the newest (`plan list`).
        #[arg(long)]
        id: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// The stored plans.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Delete a plan and its revisions.
    Delete { id: i64 },
    /// Adapt the plan ahead to what you ran and what your logs say (a new revision, with why).
    Adapt {
        #[arg(long)]
        json: bool,
    },
    /// Export the plan: an iCalendar file, or FIT workout files for a watch's GARMIN/NewFiles.
    Export(PlanExportArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct PlanCreateArgs {
    #[arg(long, value_enum)]
    pub goal: GoalArg,
    /// Race day (YYYY-MM-DD); a base plan ends there (default: 12 weeks).
    #[arg(long)]
    pub race_date: Option<jiff::civil::Date>,
    /// Running days a week, 2–7 (default by level: 4, 5, 6).
    #[arg(long)]
    pub days_per_week: Option<u8>,
    /// Default: from your recent volume (intermediate without history).
    #[arg(long, value_enum)]
    pub level: Option<LevelArg>,
    /// Weekly distance to start from (default: your last 4–6 weeks).
    #[arg(long)]
    pub current_weekly_km: Option<f64>,
    /// Day of the long run (mon … sun).
    #[arg(long, default_value = "sun")]
    pub long_run_day: String,
    /// Rest day (mon … sun).
    #[arg(long, default_value = "mon")]
    pub rest_day: String,
    /// Short morning recovery runs on some easy days (experienced runners).
    #[arg(long)]
    pub doubles: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["ics", "fit"])))]
pub(crate) struct PlanExportArgs {
    /// Write an iCalendar (.ics) file.
    #[arg(long)]
    pub ics: Option<PathBuf>,
    /// Write one FIT workout file per session into this folder.
    #[arg(long)]
    pub fit: Option<PathBuf>,
    /// Timed events in this IANA time zone (default: all-day events).
    #[arg(long)]
    pub tz: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct AthleteArgs {
    #[command(subcommand)]
    pub command: AthleteCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AthleteCommand {
    /// Set values, in force from a date (default today).
    Set(AthleteSetArgs),
    /// Show the profile on a date, and where each value came from.
    Show {
        #[arg(long)]
        date: Option<jiff::civil::Date>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct AthleteSetArgs {
    #[arg(long)]
    pub max_hr: Option<u8>,
    #[arg(long)]
    pub resting_hr: Option<u8>,
    #[arg(long)]
    pub lthr: Option<u8>,
    /// Threshold pace as m:ss per km.
    #[arg(long)]
    pub threshold_pace: Option<String>,
    /// female or male (the Banister TRIMP coefficient needs it).
    #[arg(long)]
    pub sex: Option<String>,
    #[arg(long)]
    pub birth_year: Option<i16>,
    /// The date these values take effect (YYYY-MM-DD, default today).
    #[arg(long)]
    pub from: Option<jiff::civil::Date>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogArgs {
    #[command(subcommand)]
    pub command: LogCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum LogCommand {
    /// Morning resting heart rate.
    Rhr {
        bpm: u8,
        #[arg(long)]
        date: Option<jiff::civil::Date>,
    },
    /// Session RPE (CR-10, 0–10) of an activity.
    Rpe { id: i64, rpe: f64 },
    /// A note for a day.
    Note {
        #[arg(required = true)]
        text: Vec<String>,
        #[arg(long)]
        date: Option<jiff::civil::Date>,
        /// illness, fatigue, sleep, injury, …
        #[arg(long)]
        kind: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ZoneModelArg {
    /// Five zones of max HR (Zone 2 = 60–70 %).
    Hrmax,
    /// Heart-rate reserve (Karvonen).
    Hrr,
    /// Friel's LTHR running zones.
    Lthr,
    /// Easy / moderate / hard around the two thresholds.
    ThreeZone,
    /// Pace zones from threshold pace.
    Pace,
    /// Your own boundaries (--bounds).
    Custom,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ZonesArgs {
    /// The zone model (default: `zones.model` in the config, else hrmax).
    #[arg(long, value_enum)]
    pub model: Option<ZoneModelArg>,
    /// With --model custom: the first bpm of each zone after the first, e.g. 120,140,155,170.
    #[arg(long, value_delimiter = ',')]
    pub bounds: Vec<u8>,
    /// With --model three-zone: the first threshold (VT1) in bpm, if known.
    #[arg(long)]
    pub vt1: Option<u8>,
    /// The day (default today): zones use the profile in force then.
    #[arg(long)]
    pub date: Option<jiff::civil::Date>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LabelArgs {
    pub id: i64,
    /// recovery, easy, long, steady, tempo, threshold, intervals, strides, race, walk, hike, other — or auto to undo.
    pub run_type: String,
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
    /// Only this sport (running, cycling, walking, … or a FIT sport number). `running` is
    /// what reviews count as running: files without a sport that were run, not walks.
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

/// First day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum WeekStartArg {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl WeekStartArg {
    pub(crate) fn weekday(self) -> jiff::civil::Weekday {
        use jiff::civil::Weekday;
        match self {
            WeekStartArg::Monday => Weekday::Monday,
            WeekStartArg::Tuesday => Weekday::Tuesday,
            WeekStartArg::Wednesday => Weekday::Wednesday,
            WeekStartArg::Thursday => Weekday::Thursday,
            WeekStartArg::Friday => Weekday::Friday,
            WeekStartArg::Saturday => Weekday::Saturday,
            WeekStartArg::Sunday => Weekday::Sunday,
        }
    }
}

/// Options shared by `week` and `review`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReviewOptions {
    /// First day of the week (default: `calendar.week_start` in the config, else Monday).
    #[arg(long, value_enum)]
    pub week_start: Option<WeekStartArg>,
    /// Heart-rate zone model to judge by (default: `zones.model` in the config, else hrmax:
    /// Zone 2 = 60–70 % of max HR).
    #[arg(long, value_enum)]
    pub model: Option<ZoneModelArg>,
    /// Recovery days may use the whole easy domain, not only Zone 1.
    #[arg(long)]
    pub recovery_easy: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct WeekArgs {
    /// ISO week, e.g. 2026-W47 (default: the week of the latest activity).
    #[arg(long)]
    pub week: Option<String>,
    #[command(flatten)]
    pub options: ReviewOptions,
    /// Print as JSON (the shape of `review --json`, with one week).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReviewArgs {
    /// Weeks to review, ending with the week of --until.
    #[arg(long, default_value_t = 12, conflicts_with = "since")]
    pub weeks: u32,
    /// Review from this date instead (YYYY-MM-DD, local).
    #[arg(long)]
    pub since: Option<jiff::civil::Date>,
    /// Last day to review (default: the day of the latest activity).
    #[arg(long)]
    pub until: Option<jiff::civil::Date>,
    #[command(flatten)]
    pub options: ReviewOptions,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrendsArgs {
    /// Months to cover, ending with the month of --until.
    #[arg(long, default_value_t = 12, conflicts_with = "since")]
    pub months: u32,
    /// Cover from this date instead (YYYY-MM-DD, local).
    #[arg(long)]
    pub since: Option<jiff::civil::Date>,
    /// Last day to cover (default: the day of the latest activity).
    #[arg(long)]
    pub until: Option<jiff::civil::Date>,
    /// Heart rate to read easy pace at, bpm (default: the middle of Zone 2).
    #[arg(long)]
    pub hr: Option<u8>,
    /// Months at each end of the period that "then" and "now" cover.
    #[arg(long, default_value_t = 2)]
    pub compare: u8,
    /// Heart-rate zone model, for Zone 2 and the domains (default: `zones.model` in the config,
    /// else hrmax).
    #[arg(long, value_enum)]
    pub model: Option<ZoneModelArg>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BackupArgs {
    /// The backup file to write (one self-contained database file; refused if it exists, unless --force).
    pub file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RestoreArgs {
    /// The backup to restore (from `slowburn backup`, or a store of this or an earlier version).
    pub file: PathBuf,
}

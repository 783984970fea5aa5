//! `slowburn-formats`: bytes in, [`Recording`] out.
//!
//! Owns every file format a runner's watch or export produces: FIT (our own streaming decoder,
//! the hot path of every import), and later GPX, TCX, gzip and export archives. It knows
//! nothing of zones, athletes or storage.

pub mod detect;
pub mod error;
pub mod fit;
pub mod gpx;
pub mod recording;
pub mod sources;
pub mod tcx;

pub use error::FitError;
pub use recording::{
    Channel, DeveloperField, Device, FileKind, Pause, Recording, Samples, Sport, Summary,
    TimestampMs, Warning, FIT_EPOCH_OFFSET_S,
};

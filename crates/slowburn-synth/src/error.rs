//! The crate's one error type.

use std::path::PathBuf;

use slowburn_formats::fit::EncodeError;

/// Everything that can go wrong generating or writing a synthetic history.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("years must be a positive number no larger than 100, got {0}")]
    Years(f64),
    #[error("fault rate must be between 0 and 1, got {0}")]
    FaultRate(f64),
    #[error("home latitude {lat} / longitude {lon} is not a place on Earth away from the poles")]
    Home { lat: f64, lon: f64 },
    #[error("unknown profile {0:?}: expected eighty-twenty, grey-zone or novice")]
    UnknownProfile(String),
    #[error("activity {index} ({file}): {source}")]
    Encode {
        index: usize,
        file: String,
        #[source]
        source: EncodeError,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("writing {}: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

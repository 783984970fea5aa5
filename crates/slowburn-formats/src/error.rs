//! The error type of `slowburn-formats`.

use thiserror::Error;

/// Why a file could not be decoded at all. Problems after a valid start are warnings on the
/// `Recording` instead (see `Recording::warnings`).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FitError {
    /// The bytes at `offset` are not a FIT file header.
    #[error("not a FIT file (at byte {offset}): {reason}")]
    NotFit { offset: u64, reason: String },
}

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

/// Why a `Recording` or workout could not be written as FIT. Every value the encoder writes
/// must come back unchanged from our decoder, so a value a FIT field cannot hold (out of
/// range, not finite, or equal to the field's "invalid" sentinel) is an error, never clamped.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EncodeError {
    /// A value does not fit the FIT field it is written to.
    #[error("{what} = {value} does not fit the FIT field {field}")]
    OutOfRange { what: String, value: String, field: &'static str },
    /// A time that FIT cannot represent in this recording.
    #[error("{what}: time {ms} ms {reason}")]
    Time { what: String, ms: i64, reason: &'static str },
    /// A sample channel whose length differs from `samples.time`.
    #[error(
        "samples.{channel} has {len} values, samples.time has {samples}: every channel needs one value per sample"
    )]
    ChannelLength { channel: &'static str, len: usize, samples: usize },
    /// Pauses that are not in order, overlap, or end before they start.
    #[error("pause {index} {reason}")]
    Pause { index: usize, reason: &'static str },
    /// A string field FIT cannot carry.
    #[error("{what} {reason}")]
    Text { what: String, reason: &'static str },
    /// A workout step's repeat points at a step that does not come before it.
    #[error("workout step {step} repeats back to step {target}, which is not at or before it")]
    RepeatTarget { step: usize, target: u32 },
    /// More workout steps (repeat steps included) than a FIT `message_index` can number.
    #[error(
        "the workout has {steps} FIT steps (repeats included); a FIT workout holds at most 65534"
    )]
    TooManySteps { steps: usize },
    /// The encoded data is larger than a FIT header can describe.
    #[error("the encoded data is {bytes} bytes; a FIT file holds at most 4294967295")]
    TooLarge { bytes: usize },
}

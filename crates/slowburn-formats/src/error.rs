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

/// Why a GPX or TCX file could not be decoded at all. Bad values inside a readable file
/// (`lat="undefined"`, an unparseable time) and a file cut short after its first point are
/// warnings on the `Recording` instead.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum XmlError {
    /// The XML is not well-formed (or ends) before any point could be read.
    #[error("line {line} (byte {offset}): not well-formed XML: {reason}")]
    Syntax { line: u64, offset: u64, reason: String },
    /// The document is XML, but of another kind (a TCX file given to the GPX decoder, …).
    #[error("line {line}: root element is <{found}>, not <{expected}>")]
    WrongRoot { line: u64, found: String, expected: &'static str },
    /// No element at all: empty, whitespace, or only a declaration and comments.
    #[error("no XML element in {len} bytes")]
    NoRoot { len: u64 },
    /// UTF-16 (by its byte order mark or its first bytes); GPX and TCX files are UTF-8 in practice.
    #[error("the file is UTF-16 encoded; only UTF-8 (or ASCII) GPX and TCX files are read")]
    Utf16,
}

/// Why [`crate::detect::decode_any`] could not decode a file.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DecodeError {
    #[error(transparent)]
    Fit(#[from] FitError),
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// The gzip wrapper is damaged, or unpacks to more than the limit.
    #[error("gzip: {reason}")]
    Gzip { reason: String },
    /// Neither the content nor the name says FIT, GPX or TCX.
    #[error("{name}: not a FIT, GPX or TCX file ({reason})")]
    UnknownFormat { name: String, reason: String },
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

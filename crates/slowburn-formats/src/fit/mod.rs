//! The FIT protocol: our own decoder and encoder, CRC and profile names.

pub mod crc;
pub mod decode;
pub mod encode;
pub mod names;

pub use crate::error::EncodeError;
pub use decode::{decode, decode_with, DecodeOptions, MAX_SAMPLES};
pub use encode::{
    encode_activity, encode_workout, EncodeOptions, StepDuration, StepIntensity, StepTarget,
    Workout, WorkoutStep,
};

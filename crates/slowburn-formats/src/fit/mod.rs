//! The FIT protocol: our own decoder (and, later, encoder), CRC and profile names.

pub mod crc;
pub mod decode;
pub mod names;

pub use decode::{decode, decode_with, DecodeOptions, MAX_SAMPLES};

//! `slowburn-report`: renders views of what the other crates computed — text for the terminal
//! and JSON for scripts. It never reads files, queries the store or computes metrics.

pub mod format;
pub mod inspect;

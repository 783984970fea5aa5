//! `slowburn-report`: the view models (the JSON shapes) and their renderings — text for the
//! terminal and JSON for scripts (and, next, SVG charts and HTML). It never reads files,
//! queries the store or computes metrics: the application layer builds the views.

pub mod charts;
pub mod format;
pub mod html;
pub mod ics;
pub mod inspect;
pub mod plan_text;
pub mod text;
pub mod views;
pub mod workout_fit;

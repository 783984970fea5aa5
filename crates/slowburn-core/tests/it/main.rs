//! Integration tests for slowburn-core: property tests of the zone models and histograms,
//! artefact detection on a real recording with injected artefacts, and a re-zoning timing.

mod corpus_clean;
mod props;
mod rezone;
mod synth_clean;
mod util;

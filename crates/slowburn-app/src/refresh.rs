//! Derived state: every run's final type and reason, from the facts import stored, the
//! athlete's dated profile and their norms. Brought up to date by every command that changes
//! an input (import, label, profile entry, log), so no view is ever stale.
//!
//! # Design
//! Import classifies each run from its file alone with the profile the athlete *gave* (what
//! import stores must not depend on what the store already holds, or an import killed and re-run
//! would store something else). The refresh then, in date order and without reading a file:
//! re-types every run whose type rests on its intensity (heart rate, pace or nothing) from its
//! stored settled heart rate against the resolved profile of its date — given values, else
//! estimates from the data up to then; and applies the athlete's norms (median easy run, longest
//! recent run) so a run clearly longer than usual becomes a long run. Labels count as the runs'
//! types for the norms of later runs. Only the derived columns are written; the stored summary
//! and facts are never rewritten, so nothing import measured can be lost here.

use slowburn_core::classify::{self, Norms, PastRun, Reason, RunType};
use slowburn_core::ZoneModel;
use slowburn_store::Derived;

use crate::history::{History, Profiles};

/// The type and reason a run is derived to have (before its label).
#[must_use]
pub fn derive(h: &History, profiles: &Profiles) -> Vec<Option<(RunType, Reason)>> {
    let mut past: Vec<PastRun> = Vec::with_capacity(h.activities.len());
    let mut out = Vec::with_capacity(h.activities.len());
    for (a, f) in h.activities.iter().zip(&h.facts) {
        let derived = f.base.map(|(mut t, mut r)| {
            let hr_covers = a.hr_coverage >= classify::MIN_HR_COVERAGE_TO_TYPE
                && a.moving_s >= classify::TOO_SHORT_TO_TYPE_S;
            if matches!(r, Reason::HeartRate | Reason::Default | Reason::Pace) && hr_covers {
                if let (Some(hr), Some((_, profile))) = (f.settled_hr, profiles.on(a.date)) {
                    // Import classifies on %HRmax zones; so does the re-typing, whatever zone
                    // model the views display.
                    let zones = ZoneModel::PercentMax.zones(profile).ok();
                    if let Some(tr) =
                        classify::type_from_heart_rate(hr, a.moving_s, profile, zones.as_ref())
                    {
                        (t, r) = tr;
                    }
                }
            }
            let norms = Norms::from_history(&past, f.start_ms);
            classify::apply_norms(t, r, a.moving_s, &norms)
        });
        if let Some(run_type) = f.label.or(derived.map(|d| d.0)) {
            past.push(PastRun { start_ms: f.start_ms, moving_s: a.moving_s, run_type });
        }
        out.push(derived);
    }
    out
}

/// The rows whose stored derived state differs from what it should be now.
#[must_use]
pub fn changes(h: &History, profiles: &Profiles) -> Vec<(i64, Derived)> {
    derive(h, profiles)
        .into_iter()
        .zip(h.activities.iter().zip(&h.facts))
        .filter(|(d, (_, f))| *d != f.derived)
        .map(|(d, (a, _))| {
            (
                a.id,
                Derived {
                    run_type: d.map(|x| x.0.name().to_owned()),
                    reason: d.map(|x| x.1.name().to_owned()),
                },
            )
        })
        .collect()
}

//! Derived state: every run's final type, reason, confidence and explanation, from the
//! evidence import stored, the athlete's dated profile and their norms. Brought up to date by
//! every command that changes an input (import, label, profile entry, log), so no view is ever
//! stale.
//!
//! # Design
//! Import stores what each run's file says (its parts from the signal and their measurements,
//! `classify::Evidence`) and classifies it with the profile the athlete *gave* (what import
//! stores must not depend on what the store already holds, or an import killed and re-run
//! would store something else). The refresh then, in date order and without reading a file,
//! decides every run again from its evidence (`classify::decide`) against the resolved profile
//! of its date — given values, else estimates from the data up to then — and the athlete's
//! norms (median easy run, longest recent run), so a profile given today re-types the whole
//! history, and a run clearly longer than usual and easy becomes a long run. Labels count as the
//! runs' types for the norms of later runs. Only the derived columns are written; the stored
//! summary and facts are never rewritten, so nothing import measured can be lost here.

use slowburn_core::classify::{self, Context, Evidence, Hints, Norms, PastRun};
use slowburn_core::ZoneModel;
use slowburn_store::Derived;

use crate::history::{DerivedType, History, Profiles};

/// The type a run is derived to have (before its label), with its reason, confidence and the
/// evidence in words.
#[must_use]
pub fn derive(h: &History, profiles: &Profiles) -> Vec<Option<DerivedType>> {
    let mut past: Vec<PastRun> = Vec::with_capacity(h.activities.len());
    let mut out = Vec::with_capacity(h.activities.len());
    let empty = slowburn_core::Profile::empty(jiff::civil::date(2000, 1, 1));
    for (a, f) in h.activities.iter().zip(&h.facts) {
        let norms = Norms::from_history(&past, f.start_ms);
        // Evidence that does not parse (written by another version) is as good as none: the run
        // is re-analysed from its original when the summary version changes.
        let evidence = f.evidence.as_deref().and_then(|e| serde_json::from_str::<Evidence>(e).ok());
        // A sport import called from the recording's evidence (a ride or a drive recorded as a
        // run: speeds no runner holds) is that sport, whatever the parts would say of a run.
        let other_sport = !matches!(a.sport, None | Some(0 | 1));
        let derived = match (&evidence, f.base) {
            (_, Some((t, r))) if other_sport && !t.is_run() => Some(DerivedType {
                run_type: t,
                reason: r,
                confidence: f.confidence,
                why: Some(r.words().to_owned()),
            }),
            (Some(ev), _) => {
                let profile = profiles.on(a.date).map_or(&empty, |p| p.1);
                // Classification reads %HRmax zones, whatever zone model the views display.
                let zones = ZoneModel::PercentMax.zones(profile).ok();
                let c = classify::decide(
                    ev,
                    &Context { profile, zones: zones.as_ref(), norms, hints: Hints::default() },
                );
                Some(DerivedType {
                    run_type: c.run_type,
                    reason: c.reason,
                    confidence: Some(c.confidence),
                    why: Some(c.why),
                })
            }
            // A row without evidence (never re-analysed): what the file alone said.
            (None, Some((t, r))) => {
                Some(DerivedType { run_type: t, reason: r, confidence: f.confidence, why: None })
            }
            (None, None) => None,
        };
        if let Some(run_type) = f.label.or(derived.as_ref().map(|d| d.run_type)) {
            past.push(PastRun { start_ms: f.start_ms, moving_s: a.moving_s, run_type });
        }
        out.push(derived);
    }
    out
}

/// The stored form of a derived type.
#[must_use]
pub fn stored(d: Option<&DerivedType>) -> Derived {
    Derived {
        run_type: d.map(|x| x.run_type.name().to_owned()),
        reason: d.map(|x| x.reason.name().to_owned()),
        confidence: d.and_then(|x| x.confidence),
        why: d.and_then(|x| x.why.clone()),
    }
}

/// The rows whose stored derived state differs from what it should be now.
#[must_use]
pub fn changes(h: &History, profiles: &Profiles) -> Vec<(i64, Derived)> {
    derive(h, profiles)
        .into_iter()
        .zip(h.activities.iter().zip(&h.facts))
        .filter(|(d, (_, f))| *d != f.derived)
        .map(|(d, (a, _))| (a.id, stored(d.as_ref())))
        .collect()
}

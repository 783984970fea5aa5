//! Scratch: print the parts of synthetic runs.
use slowburn_core::classify::evidence;
use slowburn_core::metrics::{measure, Track};
use slowburn_core::{clean_hr, Profile};
use slowburn_synth::{generate, ProfileKind, SynthConfig};

fn main() {
    let dates: Vec<String> = std::env::args().skip(1).collect();
    let cfg = SynthConfig {
        years: 3.0,
        profile: ProfileKind::GreyZone,
        seed: std::env::var("SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(7),
        faults: true,
        ..SynthConfig::default()
    };
    let h = generate(&cfg).unwrap();
    for a in h.activities() {
        if !dates.iter().any(|d| a.truth.date.starts_with(d.as_str())) {
            continue;
        }
        let rec = &a.recording;
        let s = &rec.samples;
        let cleaned = clean_hr(&s.time, &s.heart_rate, &s.cadence, &s.speed_mps);
        let track = Track::new(rec, &cleaned.hr);
        let p = Profile::empty(jiff::civil::date(2016, 1, 1));
        let m = measure(&track, &p, None);
        let ev = evidence(&track, &m, None);
        println!(
            "{} {} {:?} base {:?} strides {:?}",
            a.truth.date, a.name, a.truth.kind, ev.segments.base_mps, ev.segments.strides
        );
        if std::env::var_os("TRACE").is_some() {
            let mut t = 0.0;
            for i in 0..track.len() {
                let mv = track.moving_s(i);
                if (t as i64) % 10 == 0 && mv > 0.0 {
                    println!(
                        "    t {:>5.0} v {:.2} gf {:.2} alt {:?} hr {:?}",
                        t,
                        track.speed(i),
                        track.grade_factor(i),
                        s.altitude_m[i],
                        track.hr(i)
                    );
                }
                t += mv;
            }
        }
        for p in &ev.segments.parts {
            println!(
                "   {:?} {:>6.0}s +{:>5.0}s {:>6.0} m eff {:.2} hr {:?} late {:?}",
                p.kind,
                p.start_s,
                p.duration_s,
                p.distance_m,
                p.effort_mps,
                p.hr,
                p.hr_late.map(|x| x.round())
            );
        }
    }
}
#[allow(dead_code)]
fn trace() {}

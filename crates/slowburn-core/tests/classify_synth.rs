//! Classification scored against the synthetic runner's ground truth: three years of each
//! profile, with sensor faults, cleaned, measured and classified with the athlete's true
//! profile on the day; at least 96 % typed correctly for the 80/20 runner and 87 % for the
//! grey-zone and novice runners (who run many sessions off plan), for two seeds.
//!
//! `cargo test -p slowburn-core --test classify_synth -- --nocapture` prints the confusion
//! matrices; `SLOWBURN_MISSES=1` also lists every miss with its features.

use slowburn_core::classify::{classify, Context, Hints, Norms, PastRun, RunType};
use slowburn_core::metrics::{measure, Track};
use slowburn_core::verdicts::verdicts;
use slowburn_core::{clean_hr, Athlete, ProfileEntry, Sex, ZoneModel};
use slowburn_synth::{generate, ProfileKind, SynthConfig};

/// The synth's run types in ours.
fn ours(t: slowburn_synth::RunType) -> RunType {
    use slowburn_synth::RunType as S;
    match t {
        S::Recovery => RunType::Recovery,
        S::Easy => RunType::Easy,
        S::Long => RunType::Long,
        S::Steady => RunType::Steady,
        S::Tempo => RunType::Tempo,
        S::Threshold => RunType::Threshold,
        S::Intervals => RunType::Intervals,
        S::Strides => RunType::EasyWithStrides,
        S::Race => RunType::Race,
    }
}

struct Score {
    /// [truth][predicted] counts over `RunType::ALL` indices.
    matrix: [[u32; 12]; 12],
    misses: Vec<String>,
    /// How often each verdict code came up (a sanity check of the verdicts on real-ish data).
    verdicts: std::collections::BTreeMap<&'static str, u32>,
}

impl Score {
    fn accuracy(&self) -> f64 {
        let total: u32 = self.matrix.iter().flatten().sum();
        let right: u32 = (0..12).map(|i| self.matrix[i][i]).sum();
        f64::from(right) / f64::from(total.max(1))
    }

    fn print(&self, title: &str) {
        let idx = |t: RunType| RunType::ALL.iter().position(|&x| x == t).unwrap_or(0);
        let used: Vec<usize> = (0..12)
            .filter(|&k| (0..12).any(|r| self.matrix[r][k] > 0 || self.matrix[k][r] > 0))
            .collect();
        let short = |k: usize| match RunType::ALL[k] {
            RunType::EasyWithStrides => "strides",
            RunType::OtherSport => "other",
            t => t.name(),
        };
        let total: u32 = self.matrix.iter().flatten().sum();
        println!(
            "\n{title}: {:.1} % of {total} runs typed correctly (rows truth, columns ours)",
            100.0 * self.accuracy()
        );
        print!("{:>10}", "");
        for &k in &used {
            print!("{:>10}", short(k));
        }
        println!();
        for &r in &used {
            print!("{:>10}", short(r));
            for &k in &used {
                print!("{:>10}", self.matrix[r][k]);
            }
            println!();
        }
        let _ = idx;
        println!("verdicts: {:?}", self.verdicts);
    }
}

fn score(kind: ProfileKind, seed: u64) -> Score {
    let cfg =
        SynthConfig { years: 3.0, profile: kind, seed, faults: true, ..SynthConfig::default() };
    let history = generate(&cfg).expect("valid config");
    let mut matrix = [[0u32; 12]; 12];
    let mut misses = Vec::new();
    let mut past: Vec<PastRun> = Vec::new();
    let idx = |t: RunType| RunType::ALL.iter().position(|&x| x == t).unwrap_or(0);
    let names = std::env::var_os("SLOWBURN_NO_NAMES").is_none();
    let mut verdict_counts = std::collections::BTreeMap::new();
    for a in history.activities() {
        let rec = &a.recording;
        let s = &rec.samples;
        let cleaned = clean_hr(&s.time, &s.heart_rate, &s.cadence, &s.speed_mps);
        let track = Track::new(rec, &cleaned.hr);
        // The athlete's true profile on the day.
        let p = &a.truth.physiology;
        let date: jiff::civil::Date = a.truth.date.parse().expect("ISO date");
        let entry = ProfileEntry {
            max_hr: Some(p.max_hr.round() as u8),
            resting_hr: Some(p.resting_hr.round() as u8),
            lthr: Some(p.lthr.round() as u8),
            threshold_pace_s_per_km: Some(1000.0 / p.threshold_speed_mps),
            sex: None::<Sex>,
            ..ProfileEntry::new(date)
        };
        let profile = Athlete::from_entries(vec![entry]).at(date);
        let zones = ZoneModel::PercentMax.zones(&profile).ok();
        let m = measure(&track, &profile, zones.as_ref());
        let start_ms = rec.start.unwrap_or(0);
        past.retain(|r| start_ms - r.start_ms < 40 * 86_400_000);
        let norms = Norms::from_history(&past, start_ms);
        let cx = Context {
            profile: &profile,
            zones: zones.as_ref(),
            norms,
            // The activity's title, as an export carries it (only race words are used);
            // SLOWBURN_NO_NAMES=1 leaves it out to see what the data alone gives.
            hints: Hints { label: None, race: false, name: names.then_some(a.name.as_str()) },
        };
        let c = classify(&track, &m, &cx);
        for v in verdicts(c.run_type, &m, zones.as_ref(), Some(&cleaned), None) {
            *verdict_counts.entry(v.code).or_insert(0) += 1;
        }
        past.push(PastRun { start_ms, moving_s: m.moving_s, run_type: c.run_type });
        // A long run the plan called for but run in the grey zone (Zone 3 or above) is a
        // steady run: long is easy running, longer (the method's definition, and ours).
        let truth = match ours(a.truth.kind) {
            RunType::Long if a.truth.executed_zone >= 3 => RunType::Steady,
            t => t,
        };
        if std::env::var_os("SLOWBURN_DUMP").is_some() {
            println!(
                "dump\t{}\t{}\t{}\t{}\t{:.1}\t{:.4}\t{:.4}\t{}\t{:?}\t{:?}\t{}\t{:?}\t{:?}\t{:?}\t{}",
                kind.name(),
                truth.name(),
                c.run_type.name(),
                a.name,
                m.moving_s / 60.0,
                c.features.settled_hr.unwrap_or(0.0) / p.max_hr,
                c.features.median_hr.unwrap_or(0.0) / p.max_hr,
                a.truth.executed_zone,
                norms.median_easy_s.map(|x| (x / 60.0).round()),
                norms.longest_recent_s.map(|x| (x / 60.0).round()),
                a.truth.date,
                c.features.rep_mean_s,
                c.features.rep_speed_mps.map(|v| v / p.threshold_speed_mps),
                c.features.rep_hr.map(|h| h - p.lthr),
                c.features.strides,
            );
        }
        matrix[idx(truth)][idx(c.run_type)] += 1;
        if truth != c.run_type {
            let ev = slowburn_core::classify::evidence(&track, &m, Some(a.name.as_str()));
            let parts: Vec<String> = ev
                .segments
                .parts
                .iter()
                .map(|q| {
                    format!(
                        "{}@{:.0}+{:.0}s {:.2}m/s {:.0}bpm",
                        q.kind.name(),
                        q.start_s,
                        q.duration_s,
                        q.effort_mps,
                        q.hr.unwrap_or(0.0)
                    )
                })
                .collect();
            misses.push(format!(
                "{} {:<28} truth {:<10} ours {:<10} ({}, {:.2}) moving {:.0} min, norms {:?}, settled {:?} of max {:.0} ({:.1} %), exec zone {}, {:?}",
                a.truth.date,
                a.name,
                truth.name(),
                c.run_type.name(),
                c.reason.name(),
                c.confidence,
                m.moving_s / 60.0,
                (norms.median_easy_s.map(|x| (x / 60.0).round()), norms.longest_recent_s.map(|x| (x / 60.0).round())),
                c.features.settled_hr.map(f64::round),
                p.max_hr,
                c.features.settled_hr.map_or(0.0, |h| 100.0 * h / p.max_hr),
                a.truth.executed_zone,
                c.features,
            ) + &format!("\n      parts: {}", parts.join(" | ")));
        }
    }
    Score { matrix, misses, verdicts: verdict_counts }
}

#[test]
fn classification_matches_synthetic_ground_truth() {
    let show_misses = std::env::var_os("SLOWBURN_MISSES").is_some();
    let mut failures = Vec::new();
    // Seed 7 is the project's usual seed; 20240611 is a second, arbitrary one.
    let only = std::env::var("SLOWBURN_PROFILE").ok();
    let mut cases = Vec::new();
    for seed in [7_u64, 20_240_611] {
        for kind in ProfileKind::ALL {
            if only.as_deref().is_none_or(|o| o == kind.name()) {
                cases.push((seed, kind));
            }
        }
    }
    // Each runner is scored on its own thread (the test takes half the time on two cores); the
    // results are printed in order after.
    let scores: Vec<Score> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            cases.iter().map(|&(seed, kind)| scope.spawn(move || score(kind, seed))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for (&(seed, kind), s) in cases.iter().zip(&scores) {
        s.print(&format!("{} (seed {seed})", kind.name()));
        if show_misses {
            for m in &s.misses {
                println!("  miss: {m}");
            }
        }
        // The 80/20 runner's runs are typed as planned; the grey-zone and novice runners run
        // many sessions off plan (threshold reps at VO2max heart rates, "steady" runs at
        // tempo heart rates), which the classifier rightly calls by what was run.
        let bar = if kind == ProfileKind::EightyTwenty { 0.96 } else { 0.87 };
        if s.accuracy() < bar {
            failures.push(format!("{} seed {seed}: {:.1} %", kind.name(), 100.0 * s.accuracy()));
        }
    }
    assert!(failures.is_empty(), "below the bar: {failures:?}");
}

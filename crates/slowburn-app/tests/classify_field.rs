//! Held-out classification accuracy on runners the classifier was never tuned on: the field
//! generator (`slowburn-fieldgen`, independent of `slowburn-synth` and of the classifier) writes
//! each athlete's weeks as files, they are imported through the application layer, and every
//! run's type is compared with the truth — without a profile (the app estimates max HR from the
//! data) and with the athlete's true profile.
//!
//! Two sets:
//! - TUNING (seeds 1 and 2): look at its misses (`SLOWBURN_MISSES=1`) while improving rules.
//! - HELD-OUT (seeds 101 and 102): NEVER tune a rule, threshold or constant on these runs, and
//!   never list their misses while developing; they only say whether the rules generalise.
//!   A new held-out seed pair is the remedy if that ever happens.
//!
//! `cargo test -p slowburn-app --test classify_field -- --nocapture` prints the confusion
//! matrices (rows: truth, columns: our type) and per-type and overall accuracy.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jiff::civil::Date;
use jiff::Timestamp;
use slowburn_app::{App, Config, RunsQuery};
use slowburn_core::ProfileEntry;
use slowburn_fieldgen::{FieldAthlete, Kind, Truth};
use slowburn_store::SqliteStore;

const ATHLETES_PER_SEED: usize = 4;
const WEEKS: u32 = 10;
const TUNING: [u64; 2] = [1, 2];
/// Never tune on these (see the module doc).
const HELD_OUT: [u64; 2] = [101, 102];

/// The goal (issue 13): printed against every set, not yet met on the held-out set (see
/// docs/CLASSIFICATION.md for today's figures).
const GOAL_OVERALL: f64 = 0.97;
const GOAL_PER_TYPE: f64 = 0.90;
/// What the test asserts: today's accuracy less a margin, so a change that makes the classifier
/// worse on runners it has never seen fails. Raise these as the rules improve.
const OVERALL_MIN: f64 = 0.80;
const PER_TYPE_MIN: f64 = 0.50;

/// One run as the app typed it.
#[derive(Debug, Clone)]
struct Ours {
    run_type: String,
    reason: String,
    why: String,
}

/// Truth and our type (None: not found among the app's runs) per run, for both modes.
struct Outcome {
    truth: Truth,
    plain: Option<Ours>,
    profiled: Option<Ours>,
}

fn typed(app: &App) -> HashMap<i64, Ours> {
    let view = app.runs(&RunsQuery::default()).expect("runs");
    view.runs
        .into_iter()
        .filter_map(|r| {
            let t: Timestamp = r.start_utc.as_deref()?.parse().ok()?;
            Some((
                t.as_second(),
                Ours {
                    run_type: r.run_type.unwrap_or_else(|| "none".into()),
                    reason: r.reason.unwrap_or_default(),
                    why: r.why.unwrap_or_default(),
                },
            ))
        })
        .collect()
}

/// Writes, imports and classifies one athlete (one athlete per store).
fn athlete(seed: u64, a: &FieldAthlete, root: &Path) -> Vec<Outcome> {
    let dir = root.join(format!("s{seed}-a{:02}", a.id));
    let files = dir.join("files");
    std::fs::create_dir_all(&files).expect("mkdir");
    let runs = slowburn_fieldgen::history(a, seed, WEEKS);
    for r in &runs {
        let name = r.file_name.rsplit('/').next().expect("name");
        std::fs::write(files.join(name), &r.bytes).expect("write");
    }
    let first: Date = slowburn_fieldgen::START;
    let today = first.checked_add(jiff::Span::new().days(i64::from(WEEKS) * 7 + 1)).expect("today");
    let store = SqliteStore::open(&dir.join("field.db")).expect("open store");
    let mut app = App::open(Box::new(store), Config::default(), today).expect("app");
    app.import(&[files], &slowburn_import::Silent, 64).expect("import");
    let plain = typed(&app);
    if std::env::var_os("SLOWBURN_FIELD_MAXHR").is_some() {
        let mut line = format!("max HR s{seed} a{:02}: true {}, estimated", a.id, a.max_hr);
        for w in [1, 2, 3, 5, 9] {
            let d = first.checked_add(jiff::Span::new().days(w * 7)).expect("date");
            let p = app.athlete(Some(d)).expect("athlete").profile;
            line += &format!(" w{w}:{:?}", p.max_hr());
        }
        println!("{line}");
    }
    app.athlete_set(&ProfileEntry {
        max_hr: Some(a.max_hr),
        resting_hr: Some(a.resting_hr),
        lthr: Some(a.lthr),
        threshold_pace_s_per_km: Some(a.threshold_pace_s_per_km()),
        ..ProfileEntry::new(first)
    })
    .expect("athlete set");
    let profiled = typed(&app);
    runs.into_iter()
        .map(|r| {
            let k = r.truth.start_utc.as_second();
            Outcome {
                plain: plain.get(&k).cloned(),
                profiled: profiled.get(&k).cloned(),
                truth: r.truth,
            }
        })
        .collect()
}

/// Every athlete of the seeds, two at a time (the test budget is two cores).
fn set(seeds: &[u64]) -> Vec<Outcome> {
    let root = std::env::temp_dir().join(format!(
        "slowburn-classify-field-{}-{}",
        std::process::id(),
        seeds[0]
    ));
    let _ = std::fs::remove_dir_all(&root);
    let jobs: Vec<(u64, FieldAthlete)> = seeds
        .iter()
        .flat_map(|&s| {
            slowburn_fieldgen::athletes(s, ATHLETES_PER_SEED).into_iter().map(move |a| (s, a))
        })
        .collect();
    let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get).min(4);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|sc| {
        for _ in 0..workers {
            sc.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((s, a)) = jobs.get(i) else { break };
                let out = athlete(*s, a, &root);
                results.lock().expect("lock").push((i, out));
            });
        }
    });
    let _ = std::fs::remove_dir_all(&root);
    let mut r = results.into_inner().expect("lock");
    r.sort_by_key(|x| x.0);
    r.into_iter().flat_map(|x| x.1).collect()
}

/// Prints the confusion matrix and accuracies; returns (overall, per type).
fn report(
    title: &str,
    out: &[Outcome],
    pick: fn(&Outcome) -> Option<&Ours>,
    misses: bool,
) -> (f64, BTreeMap<Kind, (usize, usize)>) {
    let cols: Vec<String> = {
        let mut c: Vec<String> = Kind::ALL.iter().map(|k| k.slowburn_name().to_string()).collect();
        for o in out {
            let t = pick(o).map_or("missing".to_string(), |x| x.run_type.clone());
            if !c.contains(&t) {
                c.push(t);
            }
        }
        c
    };
    let short =
        |s: &str| s.replace("easy_with_strides", "strides").chars().take(9).collect::<String>();
    let mut m: BTreeMap<(Kind, String), usize> = BTreeMap::new();
    let mut per: BTreeMap<Kind, (usize, usize)> = BTreeMap::new();
    for o in out {
        let ours = pick(o).map_or("missing".to_string(), |x| x.run_type.clone());
        *m.entry((o.truth.kind, ours.clone())).or_default() += 1;
        let e = per.entry(o.truth.kind).or_default();
        e.1 += 1;
        if ours == o.truth.kind.slowburn_name() {
            e.0 += 1;
        }
    }
    let mut s = format!("\n{title}: {} runs (rows: truth, columns: ours)\n{:>10}", out.len(), "");
    for c in &cols {
        s += &format!(" {:>9}", short(c));
    }
    s += "   accuracy\n";
    for k in Kind::ALL {
        let (ok, n) = per.get(&k).copied().unwrap_or((0, 0));
        s += &format!("{:>10}", k.as_str());
        for c in &cols {
            s += &format!(" {:>9}", m.get(&(k, c.clone())).copied().unwrap_or(0));
        }
        s += &format!(
            "   {:>5.1} % ({ok}/{n})\n",
            if n == 0 { 100.0 } else { 100.0 * ok as f64 / n as f64 }
        );
    }
    let ok: usize = per.values().map(|x| x.0).sum();
    let overall = ok as f64 / out.len().max(1) as f64;
    s += &format!("overall {:.1} % ({ok}/{})\n", 100.0 * overall, out.len());
    if misses {
        for o in out {
            let ours = pick(o);
            let t = ours.map_or("missing", |x| x.run_type.as_str());
            if t != o.truth.kind.slowburn_name() {
                s += &format!(
                    "  miss {} {:>9} → {:<17} ({}) {:>4.0} min {:>3} %HRmax  {}\n        {}\n",
                    o.truth.file_name,
                    o.truth.kind.as_str(),
                    t,
                    ours.map_or("", |x| x.reason.as_str()),
                    o.truth.elapsed_s / 60.0,
                    o.truth.hr_frac.map_or("–".into(), |h| format!("{:.0}", 100.0 * h)),
                    o.truth.variant,
                    ours.map_or("", |x| x.why.as_str()),
                );
            }
        }
    }
    println!("{s}");
    (overall, per)
}

#[test]
fn classification_holds_on_runners_it_was_not_tuned_on() {
    let misses = std::env::var_os("SLOWBURN_MISSES").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    // SLOWBURN_FIELD_TUNING="3,4,5" tunes on other seeds (never the held-out ones).
    let tuning: Vec<u64> =
        std::env::var("SLOWBURN_FIELD_TUNING").ok().map_or(TUNING.to_vec(), |v| {
            v.split(',')
                .filter_map(|x| x.trim().parse().ok())
                .filter(|s| !HELD_OUT.contains(s))
                .collect()
        });
    let only_tuning = std::env::var_os("SLOWBURN_FIELD_TUNING_ONLY").is_some();
    let sets: Vec<(&str, &[u64], bool)> = if only_tuning {
        vec![("TUNING", &tuning, misses)]
    } else {
        vec![("TUNING", &tuning, misses), ("HELD-OUT", &HELD_OUT, false)]
    };
    for (name, seeds, show) in sets {
        let out = set(seeds);
        let modes: [(&str, fn(&Outcome) -> Option<&Ours>); 2] =
            [("no profile", |o| o.plain.as_ref()), ("true profile", |o| o.profiled.as_ref())];
        for (mode, pick) in modes {
            let title = format!("{name} (seeds {seeds:?}), {mode}");
            let (overall, per) = report(&title, &out, pick, show);
            let goal = overall >= GOAL_OVERALL
                && per.iter().all(|(_, (ok, n))| *ok as f64 / (*n).max(1) as f64 >= GOAL_PER_TYPE);
            println!(
                "{title}: the goal of {:.0} % overall and {:.0} % per type is {}",
                100.0 * GOAL_OVERALL,
                100.0 * GOAL_PER_TYPE,
                if goal { "met" } else { "not met" }
            );
            if overall < OVERALL_MIN {
                failures.push(format!(
                    "{title}: overall {:.1} % < {:.0} %",
                    100.0 * overall,
                    100.0 * OVERALL_MIN
                ));
            }
            for (k, (ok, n)) in per {
                let acc = ok as f64 / n.max(1) as f64;
                if acc < PER_TYPE_MIN {
                    failures.push(format!(
                        "{title}: {} {:.1} % < {:.0} %",
                        k.as_str(),
                        100.0 * acc,
                        100.0 * PER_TYPE_MIN
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "classification below the bar:\n  {}", failures.join("\n  "));
}

//! Every path that changes a fact keeps every stored measurement, and leaves derived state
//! exactly what a fresh refresh computes (property test over random sequences of changes).

use std::path::PathBuf;
use std::sync::OnceLock;

use jiff::civil::{date, Date};
use proptest::prelude::*;
use slowburn_app::{App, Config, RunsQuery};
use slowburn_core::classify::RunType;
use slowburn_core::ProfileEntry;
use slowburn_store::{Filter, SqliteStore, Store};

const TODAY: Date = date(2026, 4, 1);

/// Eight weeks of the synthetic runner, imported once into a file store the cases copy.
fn fixture() -> &'static PathBuf {
    static F: OnceLock<PathBuf> = OnceLock::new();
    F.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("slowburn-app-refresh-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cfg = slowburn_synth::SynthConfig {
            years: 8.0 * 7.0 / 365.25,
            seed: 3,
            start_date: date(2026, 1, 5),
            ..slowburn_synth::SynthConfig::default()
        };
        let h = slowburn_synth::generate(&cfg).expect("synth");
        slowburn_synth::write(&h, &dir.join("files")).expect("write");
        let db = dir.join("base.db");
        let store = SqliteStore::open(&db).expect("open");
        let mut app = App::open(Box::new(store), Config::default(), TODAY).expect("app");
        app.import(&[dir.join("files")], &slowburn_import::Silent, 64).expect("import");
        db
    })
}

/// What import measured, per activity: the summary and the facts (never rewritten).
fn measured(s: &dyn Store) -> Vec<(i64, String, slowburn_store::Facts, Vec<f32>)> {
    let h = s.history(&Filter::default()).expect("history");
    h.activities
        .into_iter()
        .map(|r| {
            (r.activity.id, s.activity_summary(r.activity.id).expect("summary"), r.facts, r.hr_hist)
        })
        .collect()
}

#[derive(Debug, Clone)]
enum Change {
    Label(usize, Option<RunType>),
    MaxHr(u8, i64),
    Rhr(u8, i64),
    Rpe(usize, u8),
}

fn change() -> impl Strategy<Value = Change> {
    let types = prop::sample::select(RunType::ALL.to_vec());
    prop_oneof![
        (0usize..200, prop::option::of(types)).prop_map(|(i, t)| Change::Label(i, t)),
        (150u8..215, 0i64..90).prop_map(|(m, d)| Change::MaxHr(m, d)),
        (35u8..70, 0i64..90).prop_map(|(b, d)| Change::Rhr(b, d)),
        (0usize..200, 0u8..=10).prop_map(|(i, r)| Change::Rpe(i, r)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn changes_keep_every_measurement_and_leave_derived_state_fresh(
        changes in prop::collection::vec(change(), 1..6)
    ) {
        let base = fixture();
        let db = base.with_file_name(format!("case-{}.db", rand_name(&changes)));
        std::fs::copy(base, &db).expect("copy");
        let store = SqliteStore::open(&db).expect("open");
        let mut app = App::open(Box::new(store), Config::default(), TODAY).expect("app");
        let before = measured(app.store());
        let ids: Vec<i64> = before.iter().map(|m| m.0).collect();
        for c in &changes {
            match *c {
                Change::Label(i, t) => { app.label(ids[i % ids.len()], t).expect("label"); }
                Change::MaxHr(m, d) => {
                    let mut e = ProfileEntry::new(date(2026, 1, 5).checked_add(jiff::Span::new().days(d)).expect("date"));
                    e.max_hr = Some(m);
                    app.athlete_set(&e).expect("athlete set");
                }
                Change::Rhr(b, d) => {
                    app.log_rhr(b, Some(date(2026, 1, 5).checked_add(jiff::Span::new().days(d)).expect("date"))).expect("rhr");
                }
                Change::Rpe(i, r) => { app.log_rpe(ids[i % ids.len()], f64::from(r)).expect("rpe"); }
            }
            // Every measurement import stored is still there, byte for byte.
            prop_assert_eq!(&measured(app.store()), &before);
            // Derived state is what a refresh from scratch gives: nothing left to change.
            prop_assert_eq!(app.refresh().expect("refresh"), 0);
        }
        // Labels are the runs' types in every view.
        let runs = app.runs(&RunsQuery::default()).expect("runs");
        for c in &changes {
            if let Change::Label(i, Some(t)) = *c {
                let id = ids[i % ids.len()];
                let last = changes.iter().rev().find_map(|x| match *x {
                    Change::Label(j, l) if ids[j % ids.len()] == id => Some(l),
                    _ => None,
                });
                if last == Some(Some(t)) {
                    let row = runs.runs.iter().find(|r| r.id == id).expect("row");
                    prop_assert_eq!(row.run_type.as_deref(), Some(t.name()));
                }
            }
        }
        drop(app);
        let _ = std::fs::remove_file(&db);
    }
}

fn rand_name(changes: &[Change]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{changes:?}").hash(&mut h);
    std::thread::current().id().hash(&mut h);
    format!("{:x}", h.finish())
}

#[test]
fn reanalysis_keeps_labels_and_is_a_fixed_point() {
    let base = fixture();
    let db = base.with_file_name("reanalyse.db");
    std::fs::copy(base, &db).expect("copy");
    let mut app =
        App::open(Box::new(SqliteStore::open(&db).expect("open")), Config::default(), TODAY)
            .expect("app");
    let id = app.runs(&RunsQuery::default()).expect("runs").runs[3].id;
    app.label(id, Some(RunType::Race)).expect("label");
    let before = measured(app.store());
    let (n, _) = app.reanalyze().expect("reanalyze");
    assert_eq!(n, before.len());
    assert_eq!(measured(app.store()), before, "same algorithm, same measurements");
    let row = app.runs(&RunsQuery::default()).expect("runs").runs.into_iter().find(|r| r.id == id);
    assert_eq!(row.and_then(|r| r.run_type).as_deref(), Some("race"));
}

#[test]
fn an_older_summary_is_reanalysed_when_the_store_is_opened() {
    let base = fixture();
    let db = base.with_file_name("stale.db");
    std::fs::copy(base, &db).expect("copy");
    let before = measured(&SqliteStore::open(&db).expect("open"));
    {
        let c = mark_old(&db);
        assert!(c > 0);
    }
    let app = App::open(Box::new(SqliteStore::open(&db).expect("open")), Config::default(), TODAY)
        .expect("app");
    assert!(app
        .store()
        .stale_summaries(slowburn_core::summary::SUMMARY_VERSION)
        .expect("stale")
        .is_empty());
    assert_eq!(measured(app.store()), before);
}

/// Mark every summary as written by version 2 (as a store from before this version holds).
fn mark_old(db: &std::path::Path) -> usize {
    let c = rusqlite::Connection::open(db).expect("raw open");
    c.execute("UPDATE activities SET summary_version = 2", []).expect("downgrade")
}

//! One effort between a warm-up and a cool-down, found by its edges (issue 13): the hilly half
//! marathon of the field generator's tuning seed 3, athlete 1 (2025-03-30) — a 1.5 km warm-up,
//! the race over 405 m of climbing, a cool-down — came back "long", its settled heart rate read
//! from the warm-up, because the race's own hills, not the warm-up, were what two speed classes
//! split. It must be a race, with the race as its one work part.

use slowburn_app::{App, Config, RunsQuery};
use slowburn_core::classify::race_part;
use slowburn_store::SqliteStore;

#[test]
fn a_hilly_half_marathon_between_a_warm_up_and_a_cool_down_is_a_race() {
    let a = slowburn_fieldgen::athletes(3, 4).into_iter().nth(1).expect("athlete 1");
    let run = slowburn_fieldgen::history(&a, 3, 10)
        .into_iter()
        .find(|r| r.file_name.ends_with("2025-03-30-0841-race.fit"))
        .expect("the race of 2025-03-30");
    let dir = std::env::temp_dir().join(format!("slowburn-edge-effort-{}", std::process::id()));
    let files = dir.join("files");
    std::fs::create_dir_all(&files).expect("mkdir");
    std::fs::write(files.join("race.fit"), &run.bytes).expect("write");
    let store = SqliteStore::open(&dir.join("db")).expect("store");
    let today = jiff::civil::date(2025, 4, 1);
    let mut app = App::open(Box::new(store), Config::default(), today).expect("app");
    app.import(&[files], &slowburn_import::Silent, 4).expect("import");
    let runs = app.runs(&RunsQuery::default()).expect("runs").runs;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].run_type.as_deref(), Some("race"), "{:?}", runs[0].why);
    let detail = app.activity(runs[0].id).expect("show");
    let ev = detail.summary.evidence.as_ref().expect("evidence");
    let (d, t) = race_part(ev).expect("one work part");
    assert!((21_000.0..22_600.0).contains(&d), "the race part is the half marathon: {d} m");
    assert!(t > 100.0 * 60.0, "{t} s");
    let _ = std::fs::remove_dir_all(&dir);
}

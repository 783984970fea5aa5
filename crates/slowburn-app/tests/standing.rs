//! A coach's line (`App::standing`) says what the week's review says: the same week, runs,
//! distance and easy shares, the warnings of this week and last (each naming its week), the
//! grey-zone and recovery counts of both weeks, form at today, and attention as documented.

use jiff::civil::date;
use slowburn_app::{App, Config, ReviewOptions, ReviewQuery};
use slowburn_core::verdicts::Severity;
use slowburn_store::SqliteStore;

#[test]
fn the_line_is_the_reviews_week() {
    let dir = std::env::temp_dir().join(format!("slowburn-app-standing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let h = slowburn_synth::generate(&slowburn_synth::SynthConfig {
        years: 6.0 * 7.0 / 365.25,
        seed: 4,
        start_date: date(2026, 1, 5),
        ..slowburn_synth::SynthConfig::default()
    })
    .expect("synth");
    slowburn_synth::write(&h, &dir.join("files")).expect("write");
    // A Wednesday inside the history: this week has begun, last week is whole.
    let today = date(2026, 2, 11);
    let store = SqliteStore::open(&dir.join("s.db")).expect("open");
    let mut app = App::open(Box::new(store), Config::default(), today).expect("app");
    app.import(&[dir.join("files")], &slowburn_import::Silent, 64).expect("import");
    let s = app.standing().expect("standing");
    let r = app
        .review(&ReviewQuery {
            weeks: 2,
            since: None,
            until: Some(today),
            options: ReviewOptions::default(),
        })
        .expect("review");
    let (last, this) = (&r.review.weeks[0], &r.review.weeks[1]);
    assert_eq!(s.date, today);
    assert_eq!(s.week, "2026-W07");
    assert_eq!(s.week, this.week);
    assert_eq!((s.days, s.runs), (this.days, this.runs));
    assert!((s.km - this.km).abs() < 1e-9);
    assert_eq!(s.easy_share_time, this.easy_share_time);
    assert_eq!(s.easy_share_sessions, this.easy_share_sessions);
    assert_eq!(s.last_week_easy_share_time, last.easy_share_time);
    assert_eq!(s.grey_runs, this.grey_runs + last.grey_runs);
    assert_eq!(s.easy_runs, this.easy_runs + last.easy_runs);
    assert!((s.tsb - this.tsb).abs() < 1e-9, "form at today");
    assert!(s.last_run.is_some_and(|d| d <= today));
    assert!(s.today.is_some(), "a runner with runs gets advice");
    // The warnings: this week's first, then last week's codes not already said, each naming
    // its week.
    let mut want: Vec<String> = Vec::new();
    for w in [this, last] {
        for f in w.verdicts.iter().filter(|f| f.severity == Severity::Warning) {
            if !want.contains(&f.code) {
                want.push(f.code.clone());
            }
        }
    }
    let got: Vec<String> = s.flags.iter().map(|(c, _)| c.clone()).collect();
    assert_eq!(got, want);
    for (code, text) in &s.flags {
        assert!(
            text.starts_with("This week (2026-W07): ")
                || text.starts_with("Last week (2026-W06): "),
            "{code}: {text}"
        );
    }
    let idle =
        s.last_run.is_none_or(|d| d.checked_add(jiff::Span::new().days(10)).unwrap() < today);
    let want_attention =
        u32::try_from(s.flags.len()).unwrap() + if s.tsb < -30.0 { 2 } else { 0 } + u32::from(idle);
    assert_eq!(s.attention, want_attention);
    // Ten quiet days later the line says the runner stopped.
    let later = date(2026, 3, 20);
    let store = SqliteStore::open(&dir.join("s.db")).expect("open");
    let app = App::open(Box::new(store), Config::default(), later).expect("app");
    let quiet = app.standing().expect("standing");
    assert_eq!(quiet.runs, 0);
    assert!(quiet.last_run.is_none_or(|d| d < date(2026, 3, 10)));
    assert!(quiet.attention >= 1, "{quiet:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

//! The store contract: what every backend of [`Store`] must do. Each check takes a fresh,
//! empty store; a backend's test file calls [`all`] with a way to make one.

use slowburn_store::{
    compress, ActivityData, DailyLog, Derived, DuplicateRow, EffortRow, Facts, Filter, HrPaceRow,
    MetaAdded, MetaRef, NewActivity, PartOf, PeriodRow, Store,
};

/// A test activity: `sha` names its original, `samples` is its richness.
pub(crate) fn activity(sha: u8, start_ms: i64, duration_s: f64, samples: i64) -> NewActivity {
    NewActivity {
        sha256: [sha; 32],
        part: PartOf::WHOLE,
        data: ActivityData {
            source_name: format!("run-{sha}.fit"),
            format: "fit".into(),
            start_ms: Some(start_ms),
            utc_offset_s: Some(3600),
            sport: Some(1),
            sub_sport: Some(0),
            name: None,
            description: None,
            gear: None,
            device: Some("garmin fr955".into()),
            duration_s: Some(duration_s),
            moving_s: Some(duration_s),
            distance_m: Some(10_000.0),
            ascent_m: Some(50.0),
            avg_hr: Some(140.0),
            max_hr: Some(160),
            samples,
        },
        summary: format!("{{\"version\":3,\"sha\":{sha}}}"),
        facts: Facts {
            summary_version: 3,
            base_type: Some("easy".into()),
            base_reason: Some("heart_rate".into()),
            confidence: Some(0.8),
            settled_hr: Some(138.5),
            hr_coverage: Some(0.97),
            best_30s_hr: Some(158.0),
            best_30min_lthr: Some(150.0),
            gap_pace_s_per_km: Some(330.0),
            efficiency_factor: Some(1.23),
            decoupling_pct: Some(2.5),
            best_efforts: vec![
                EffortRow { distance_m: 1000.0, time_s: 300.5 },
                EffortRow { distance_m: 5000.0, time_s: 1600.25 },
            ],
            hr_pace: vec![HrPaceRow { hr: 140, pace_s_per_km: 331.25, seconds: 600.0 }],
            settled_hr_pace: vec![
                HrPaceRow { hr: 139, pace_s_per_km: 335.0, seconds: 120.0 },
                HrPaceRow { hr: 141, pace_s_per_km: 329.0, seconds: 300.0 },
            ],
            evidence: Some(evidence(sha, "steady")),
        },
        richness: samples as f64,
        hr_hist: vec![1.5; 256],
        pace_hist: vec![2.0; 10],
        end_ms: Some(start_ms + (duration_s * 1000.0) as i64),
        channels: 0b1011,
    }
}

/// Classification evidence as core might write it (the store keeps it opaque).
pub(crate) fn evidence(sha: u8, kind: &str) -> String {
    format!(
        r#"{{"parts":[{{"kind":"{kind}","s":1800.5,"hr":141.25}}],"sha":{sha},"note":"ü \"q\""}}"#
    )
}

/// Part `part` of `parts` of the file `sha`.
pub(crate) fn part_of(
    sha: u8,
    part: u32,
    parts: u32,
    start_ms: i64,
    duration_s: f64,
) -> NewActivity {
    let mut a = activity(sha, start_ms, duration_s, 100);
    a.part = PartOf { part, parts };
    a
}

fn dup(sha: u8, id: i64, start_ms: i64, end_ms: i64) -> DuplicateRow {
    DuplicateRow {
        sha256: [sha; 32],
        activity_id: id,
        source_name: format!("copy-{sha}.gpx"),
        reason: "same run".into(),
        start_ms: Some(start_ms),
        end_ms: Some(end_ms),
        sport: Some(1),
    }
}

fn day(s: &str) -> slowburn_store::Date {
    s.parse().expect("date")
}

fn insert(s: &mut dyn Store, a: &NewActivity) -> i64 {
    let mut b = s.batch().expect("batch");
    assert!(b
        .insert_original(
            &a.sha256,
            &a.data.source_name,
            10,
            &compress(b"0123456789").expect("zstd")
        )
        .expect("orig"));
    let id = b.insert_activity(a).expect("insert");
    b.commit().expect("commit");
    id
}

/// Run every check against fresh stores from `make`.
pub(crate) fn all(make: &dyn Fn() -> Box<dyn Store>) {
    activities_round_trip_with_facts_and_histograms(make().as_mut());
    an_uncommitted_batch_leaves_nothing(make().as_mut());
    the_same_run_is_found_and_the_richer_copy_kept(make().as_mut());
    athlete_entries_logs_rpe_and_labels_are_kept(make().as_mut());
    derived_state_is_written_and_reset_by_reanalysis(make().as_mut());
    every_input_change_marks_derived_state_stale_and_a_rerun_adds_nothing(make().as_mut());
    filters_select_by_time_and_sport(make().as_mut());
    stale_summaries_are_listed(make().as_mut());
    a_multisport_file_is_one_original_with_one_activity_per_part(make().as_mut());
    overlapping_recordings_are_found_by_their_spans(make().as_mut());
    merged_activities_keep_everything_the_user_gave(make().as_mut());
    export_names_fill_only_what_is_missing(make().as_mut());
    the_dump_does_not_depend_on_insertion_order(make);
    a_whole_file_found_to_be_multisport_becomes_its_parts(make().as_mut());
    evidence_is_kept_by_every_write_and_read_by_every_reader(make().as_mut());
    plans_keep_every_revision_and_are_deleted_whole(make().as_mut());
}

pub(crate) fn plans_keep_every_revision_and_are_deleted_whole(s: &mut dyn Store) {
    assert!(s.plans().expect("plans").is_empty());
    let a = s.add_plan("2026-12-01T10:00:00Z", "{\"v\":1}").expect("add");
    let b = s.add_plan("2026-12-02T10:00:00Z", "{\"other\":1}").expect("add");
    assert_ne!(a, b);
    let r = s.add_plan_revision(a, "2026-12-03T07:00:00Z", "illness", "{\"v\":2}").expect("rev");
    assert_eq!(r, 2);
    let plans = s.plans().expect("plans");
    assert_eq!(plans.len(), 2);
    assert_eq!((plans[0].id, plans[0].revisions), (a, 2));
    assert_eq!(plans[0].latest.plan, "{\"v\":2}");
    assert_eq!(plans[0].latest.reason, "illness");
    let revs = s.plan_revisions(a).expect("revisions");
    assert_eq!(revs.len(), 2);
    assert_eq!(
        (revs[0].revision, revs[0].reason.as_str(), revs[0].plan.as_str()),
        (1, "created", "{\"v\":1}")
    );
    assert!(s.canonical_dump().expect("dump").contains("illness"));
    s.delete_plan(a).expect("delete");
    assert!(matches!(s.plan_revisions(a), Err(slowburn_store::StoreError::NoPlan(_))));
    assert!(matches!(s.delete_plan(a), Err(slowburn_store::StoreError::NoPlan(_))));
    assert!(matches!(
        s.add_plan_revision(a, "x", "y", "{}"),
        Err(slowburn_store::StoreError::NoPlan(_))
    ));
    assert_eq!(s.plans().expect("plans").len(), 1);
}

pub(crate) fn activities_round_trip_with_facts_and_histograms(s: &mut dyn Store) {
    let a = activity(1, 1_700_000_000_000, 3600.0, 3600);
    let id = insert(s, &a);
    let row = s.activity(id).expect("row");
    assert_eq!(row.data, a.data);
    assert_eq!(row.summary_version, 3);
    assert_eq!(row.derived.run_type.as_deref(), Some("easy"), "derived starts as the base type");
    assert_eq!(s.activity_summary(id).expect("summary"), a.summary);
    let h = s.history(&Filter::default()).expect("history");
    assert_eq!(h.activities.len(), 1);
    let r = &h.activities[0];
    assert_eq!(r.activity, row);
    assert_eq!(r.facts, a.facts, "every fact comes back exactly");
    assert_eq!(r.hr_hist, a.hr_hist);
    assert_eq!(r.pace_hist, a.pace_hist);
    assert_eq!(s.history_row(id).expect("one row"), *r);
    assert!(s.has_original(&a.sha256).expect("has"));
    assert_eq!(s.original(&a.sha256).expect("bytes"), b"0123456789");
    assert_eq!(s.original_list().expect("list").len(), 1);
    assert_eq!(s.latest_start().expect("latest"), Some((1_700_000_000_000, Some(3600))));
    assert_eq!(s.integrity_check().expect("check"), "ok");
    assert!(matches!(s.activity(id + 1), Err(slowburn_store::StoreError::NoActivity(_))));
}

pub(crate) fn an_uncommitted_batch_leaves_nothing(s: &mut dyn Store) {
    {
        let mut b = s.batch().expect("batch");
        let a = activity(2, 1_700_000_000_000, 3600.0, 10);
        b.insert_original(&a.sha256, "x", 1, b"x").expect("orig");
        b.insert_activity(&a).expect("insert");
        // dropped without commit
    }
    assert_eq!(s.counts().expect("counts"), (0, 0, 0));
}

pub(crate) fn the_same_run_is_found_and_the_richer_copy_kept(s: &mut dyn Store) {
    let poor = activity(3, 1_700_000_000_000, 3600.0, 100);
    let mut rich = activity(4, 1_700_000_030_000, 3610.0, 3600);
    rich.data.name = None;
    let mut poor_named = poor.clone();
    poor_named.data.name = Some("Sunday long run".into());
    let mut b = s.batch().expect("batch");
    b.insert_original(&poor.sha256, "a.gpx", 1, b"a").expect("orig");
    let id = b.insert_activity(&poor_named).expect("insert");
    let same = b.overlapping(1_700_000_030_000, 1_700_003_640_000).expect("find");
    assert_eq!(same.len(), 1);
    assert_eq!((same[0].id, same[0].richness), (id, 100.0));
    assert_eq!(same[0].span_end_ms, Some(1_700_003_600_000));
    assert!(b.overlapping(1_700_010_000_000, 1_700_013_600_000).expect("find").is_empty());
    b.insert_original(&rich.sha256, "a.fit", 1, b"b").expect("orig");
    b.replace_activity(id, &rich, "same run, richer recording kept").expect("replace");
    assert_eq!(b.activity_of(&[4; 32]).expect("of"), Some(id));
    assert_eq!(b.activity_of(&[3; 32]).expect("of"), None);
    assert_eq!(b.duplicate_of(&[3; 32]).expect("dup of"), Some(id));
    let span = b.overlapping(1_700_000_000_000, 1_700_000_000_000).expect("find");
    assert_eq!(
        (span[0].start_ms, span[0].span_start_ms, span[0].span_end_ms),
        (Some(1_700_000_030_000), Some(1_700_000_000_000), Some(1_700_003_640_000)),
        "the span covers the kept recording and its duplicate"
    );
    b.commit().expect("commit");
    let row = s.activity(id).expect("row");
    assert_eq!(row.sha256, [4; 32]);
    assert_eq!(row.duplicates, 1);
    assert_eq!(row.data.name.as_deref(), Some("Sunday long run"), "the export's name is kept");
    assert_eq!(s.counts().expect("counts"), (1, 1, 2));
    let d = s.duplicates(id).expect("duplicates");
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].sha256, d[0].start_ms, d[0].end_ms, d[0].reason.as_str()),
        (
            [3; 32],
            Some(1_700_000_000_000),
            Some(1_700_003_600_000),
            "same run, richer recording kept"
        ),
        "the replaced recording is kept with its own span"
    );
}

pub(crate) fn a_multisport_file_is_one_original_with_one_activity_per_part(s: &mut dyn Store) {
    let t0 = 1_700_000_000_000;
    let swim = part_of(20, 0, 3, t0, 1800.0);
    let bike = part_of(20, 1, 3, t0 + 1_800_000, 3600.0);
    let mut run = part_of(20, 2, 3, t0 + 5_400_000, 2400.0);
    run.data.sport = Some(1);
    let mut b = s.batch().expect("batch");
    assert!(b.insert_original(&swim.sha256, "tri.fit", 1, b"t").expect("orig"));
    let ids: Vec<i64> =
        [&swim, &bike, &run].iter().map(|a| b.insert_activity(a).expect("insert")).collect();
    assert!(b.insert_activity(&bike).is_err(), "(sha256, part) is unique");
    assert_eq!(b.file_parts(&[20; 32]).expect("parts").len(), 3);
    assert_eq!(b.activity_of(&[20; 32]).expect("of"), Some(ids[0]), "the first part");
    // A copy of the whole file (a GPX of it) kept with the bike leg does not stretch the leg's
    // span over the other legs.
    b.insert_original(&[21; 32], "tri.gpx", 1, b"g").expect("orig");
    b.insert_duplicate(&dup(21, ids[1], t0, t0 + 7_800_000)).expect("dup");
    let found = b.overlapping(t0 + 6_000_000, t0 + 6_600_000).expect("find");
    assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[2]]);
    assert_eq!(found[0].part, PartOf { part: 2, parts: 3 });
    b.commit().expect("commit");
    assert_eq!(s.counts().expect("counts"), (3, 1, 2), "one original for the three parts");
    assert_eq!(s.file_activities(&[20; 32]).expect("parts"), ids);
    assert_eq!(s.activity_part(ids[2]).expect("part"), PartOf { part: 2, parts: 3 });
    assert!(s.activity_part(ids[2] + 10).is_err());
}

pub(crate) fn overlapping_recordings_are_found_by_their_spans(s: &mut dyn Store) {
    let t0 = 1_700_000_000_000;
    let morning = insert(s, &activity(30, t0, 3600.0, 10));
    let evening = insert(s, &activity(31, t0 + 36_000_000, 3600.0, 10));
    let mut b = s.batch().expect("batch");
    let ids = |v: Vec<slowburn_store::StoredRecording>| v.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(b.overlapping(t0 + 600_000, t0 + 1_200_000).expect("find")), vec![morning]);
    assert_eq!(ids(b.overlapping(t0 + 3_600_000, t0 + 3_600_000).expect("find")), vec![morning]);
    assert!(b.overlapping(t0 + 3_600_001, t0 + 36_000_000 - 1).expect("find").is_empty());
    assert_eq!(ids(b.overlapping(t0, t0 + 40_000_000).expect("find")), vec![morning, evening]);
    b.commit().expect("commit");
}

pub(crate) fn merged_activities_keep_everything_the_user_gave(s: &mut dyn Store) {
    let t0 = 1_700_000_000_000;
    let first = insert(s, &activity(40, t0, 1800.0, 10));
    let mut second_a = activity(41, t0 + 1_800_000, 1800.0, 10);
    second_a.data.gear = Some("Pegasus".into());
    let second = insert(s, &second_a);
    s.set_label(second, Some("long")).expect("label");
    s.set_rpe(second, 6.0).expect("rpe");
    let mut b = s.batch().expect("batch");
    b.insert_original(&[42; 32], "c.gpx", 1, b"c").expect("orig");
    b.insert_duplicate(&dup(42, second, t0 + 1_800_000, t0 + 3_600_000)).expect("dup");
    b.merge_activity(second, first, Some("same run; another recording")).expect("merge");
    b.commit().expect("commit");
    assert!(s.activity(second).is_err(), "merged away");
    let r = s.history_row(first).expect("row");
    assert_eq!(r.activity.label.as_deref(), Some("long"));
    assert_eq!(r.rpe, Some(6.0));
    assert_eq!(r.activity.data.gear.as_deref(), Some("Pegasus"));
    assert_eq!(r.activity.duplicates, 2);
    let d = s.duplicates(first).expect("dups");
    assert!(d.iter().any(|d| d.sha256 == [41; 32] && d.reason == "same run; another recording"));
    assert_eq!(s.counts().expect("counts"), (1, 2, 3));
    let mut b = s.batch().expect("batch");
    let span = b.overlapping(t0, t0).expect("find");
    assert_eq!((span[0].span_start_ms, span[0].span_end_ms), (Some(t0), Some(t0 + 3_600_000)));
    b.commit().expect("commit");
}

pub(crate) fn export_names_fill_only_what_is_missing(s: &mut dyn Store) {
    let mut a = activity(50, 1_700_000_000_000, 1800.0, 10);
    a.data.name = Some("Morning Run".into());
    let id = insert(s, &a);
    let mut b = s.batch().expect("batch");
    let meta = MetaRef { name: Some("Lakeside"), description: None, gear: Some("Pegasus 40") };
    let added = b.add_meta(id, meta).expect("meta");
    assert_eq!(added, MetaAdded { name: false, description: false, gear: true });
    assert!(!b.add_meta(id, meta).expect("again").any(), "nothing twice");
    assert!(b.add_meta(id + 1, meta).is_err());
    b.commit().expect("commit");
    let row = s.activity(id).expect("row");
    assert_eq!(row.data.name.as_deref(), Some("Morning Run"));
    assert_eq!(row.data.gear.as_deref(), Some("Pegasus 40"));
}

pub(crate) fn the_dump_does_not_depend_on_insertion_order(make: &dyn Fn() -> Box<dyn Store>) {
    let t0 = 1_700_000_000_000;
    let all = [
        part_of(60, 0, 2, t0, 600.0),
        part_of(60, 1, 2, t0 + 600_000, 600.0),
        activity(61, t0 + 9_000_000, 60.0, 5),
    ];
    let mut dumps = Vec::new();
    for order in [[0, 1, 2], [2, 1, 0]] {
        let mut s = make();
        let mut b = s.batch().expect("batch");
        for i in order {
            b.insert_original(&all[i].sha256, "x", 1, b"x").expect("orig");
            b.insert_activity(&all[i]).expect("insert");
        }
        b.commit().expect("commit");
        dumps.push(s.canonical_dump().expect("dump"));
    }
    assert_eq!(dumps[0], dumps[1]);
    assert!(dumps[0].contains("Integer(1)\tInteger(2)"), "part and parts are dumped: {}", dumps[0]);
}

pub(crate) fn athlete_entries_logs_rpe_and_labels_are_kept(s: &mut dyn Store) {
    s.add_athlete_entry(day("2026-01-01"), "{\"max_hr\":188}").expect("entry");
    s.add_athlete_entry(day("2025-01-01"), "{\"max_hr\":190}").expect("entry");
    let log = |date: &str, kind: &str, value, text: Option<&str>| DailyLog {
        date: day(date),
        kind: kind.into(),
        value,
        text: text.map(str::to_owned),
    };
    s.add_daily_log(&log("2026-11-20", "rhr", Some(48.0), None)).expect("log");
    s.add_daily_log(&log("2026-11-21", "note", None, Some("slept badly"))).expect("note");
    let h = s.history(&Filter::default()).expect("history");
    let entries: Vec<&str> = h.entries.iter().map(|e| e.entry.as_str()).collect();
    assert_eq!(entries, vec!["{\"max_hr\":190}", "{\"max_hr\":188}"], "by date");
    assert_eq!(h.logs.len(), 2);
    assert_eq!(h.logs[0], log("2026-11-20", "rhr", Some(48.0), None));
    assert!(s.set_rpe(99, 3.0).is_err(), "no such activity");
    assert!(s.set_label(99, Some("race")).is_err(), "no such activity");
    let id = insert(s, &activity(9, 1_700_000_000_000, 1800.0, 10));
    s.set_rpe(id, 7.0).expect("rpe");
    s.set_label(id, Some("race")).expect("label");
    let r = s.history_row(id).expect("row");
    assert_eq!((r.rpe, r.activity.label.as_deref()), (Some(7.0), Some("race")));
    s.set_label(id, None).expect("unlabel");
    assert_eq!(s.activity(id).expect("row").label, None);
}

pub(crate) fn every_input_change_marks_derived_state_stale_and_a_rerun_adds_nothing(
    s: &mut dyn Store,
) {
    let fresh = |s: &mut dyn Store| {
        let g = s.generations().expect("generations");
        s.set_derived(&[], &[], g.inputs).expect("derived");
        assert!(!s.generations().expect("generations").stale());
    };
    assert!(s.generations().expect("generations").stale(), "a new store is refreshed once");
    fresh(s);
    let id = insert(s, &activity(9, 1_700_000_000_000, 1800.0, 10));
    assert!(s.generations().expect("generations").stale(), "a batch is an input");
    fresh(s);
    let log =
        DailyLog { date: day("2026-11-20"), kind: "rhr".into(), value: Some(48.0), text: None };
    let changes: [&dyn Fn(&mut dyn Store); 4] = [
        &|s| s.add_athlete_entry(day("2026-01-01"), "{\"max_hr\":188}").expect("entry"),
        &|s| s.add_daily_log(&log).expect("log"),
        &|s| s.set_rpe(id, 6.0).expect("rpe"),
        &|s| s.set_label(id, Some("race")).expect("label"),
    ];
    for change in changes {
        change(s);
        assert!(s.generations().expect("generations").stale(), "every input change counts");
        fresh(s);
        // The same change again (a command re-run after it was killed) stores nothing new.
        let before = s.canonical_dump().expect("dump");
        change(s);
        assert_eq!(s.canonical_dump().expect("dump"), before, "a re-run adds nothing");
        fresh(s);
    }
    // A derived state computed from an older generation stays stale and is not written: the
    // refresh of the newer inputs writes it (two processes: the slower one must not overwrite).
    let kept = vec![PeriodRow { from_date: day("2026-01-01"), profile: "{\"kept\":1}".into() }];
    let g = s.generations().expect("generations");
    s.set_derived(&[], &kept, g.inputs).expect("derived");
    let seen = s.generations().expect("generations").inputs;
    s.add_athlete_entry(day("2026-02-01"), "{\"max_hr\":187}").expect("entry");
    let older = vec![PeriodRow { from_date: day("2026-01-01"), profile: "{\"older\":1}".into() }];
    let before = s.canonical_dump().expect("dump");
    s.set_derived(&[], &older, seen).expect("derived");
    assert!(s.generations().expect("generations").stale(), "an input landed after the read");
    assert_eq!(s.canonical_dump().expect("dump"), before, "a stale refresh writes nothing");
    assert_eq!(s.period_on(day("2026-01-02")).expect("period"), Some(kept[0].clone()));
    // A different entry for a date is kept: the latest counts.
    s.add_athlete_entry(day("2026-01-01"), "{\"max_hr\":186}").expect("entry");
    s.add_athlete_entry(day("2026-01-01"), "{\"max_hr\":188}").expect("entry");
    let h = s.history(&Filter::default()).expect("history");
    assert_eq!(h.entries.len(), 4, "188, 186, 188 again on 1 Jan and 187 on 1 Feb");
}

pub(crate) fn derived_state_is_written_and_reset_by_reanalysis(s: &mut dyn Store) {
    let a = activity(5, 1_700_000_000_000, 3600.0, 10);
    let id = insert(s, &a);
    let d = Derived {
        run_type: Some("long".into()),
        reason: Some("duration".into()),
        confidence: Some(0.85),
        why: Some("long: 1 h 52 min, your easy runs are 55 min on median".into()),
    };
    let period = |from: &str, p: &str| PeriodRow { from_date: day(from), profile: p.into() };
    let periods = vec![period("2026-01-01", "{\"a\":1}"), period("2026-02-01", "{\"a\":2}")];
    let seen = s.generations().expect("generations").inputs;
    s.set_derived(&[(id, d.clone())], &periods, seen).expect("derived");
    assert_eq!(s.activity(id).expect("row").derived, d);
    assert_eq!(s.period_on(day("2026-01-31")).expect("period"), Some(periods[0].clone()));
    assert_eq!(s.period_on(day("2026-03-01")).expect("period"), Some(periods[1].clone()));
    assert_eq!(s.period_on(day("2025-12-31")).expect("period"), None);
    s.set_derived(&[], &periods[1..], seen).expect("replace periods");
    assert_eq!(s.period_on(day("2026-01-31")).expect("period"), None, "the list is replaced whole");
    let before = s.activity_summary(id).expect("summary");
    assert_eq!(before, a.summary, "derived state never touches the summary");
    let mut b = s.batch().expect("batch");
    b.update_analysis(id, &a).expect("update");
    b.commit().expect("commit");
    let reset = s.activity(id).expect("row").derived;
    assert_eq!(reset.run_type.as_deref(), Some("easy"));
    assert_eq!(reset.why, None, "re-analysis leaves the explanation to the refresh");
    assert_eq!(s.history_row(id).expect("row").activity.derived, reset);
}

pub(crate) fn filters_select_by_time_and_sport(s: &mut dyn Store) {
    let mut ride = activity(6, 1_700_100_000_000, 3600.0, 10);
    ride.data.sport = Some(2);
    insert(s, &activity(7, 1_700_000_000_000, 3600.0, 10));
    insert(s, &ride);
    let runs = s.activities(&Filter { sport: Some(1), ..Filter::default() }).expect("runs");
    assert_eq!(runs.len(), 1);
    let late = s
        .activities(&Filter { since_ms: Some(1_700_050_000_000), ..Filter::default() })
        .expect("late");
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].data.sport, Some(2));
    let newest = s
        .activities(&Filter { limit: Some(1), newest_first: true, ..Filter::default() })
        .expect("newest");
    assert_eq!(newest[0].data.sport, Some(2));
    let h = s
        .history(&Filter { until_ms: Some(1_700_050_000_000), ..Filter::default() })
        .expect("history");
    assert_eq!(h.activities.len(), 1);
}

pub(crate) fn stale_summaries_are_listed(s: &mut dyn Store) {
    let mut old = activity(8, 1_700_000_000_000, 3600.0, 10);
    old.facts.summary_version = 1;
    let id = insert(s, &old);
    insert(s, &activity(10, 1_700_100_000_000, 3600.0, 10));
    assert_eq!(s.stale_summaries(3).expect("stale"), vec![id]);
}

pub(crate) fn a_whole_file_found_to_be_multisport_becomes_its_parts(s: &mut dyn Store) {
    let t0 = 1_700_000_000_000;
    let mut whole = activity(70, t0, 3600.0, 100);
    whole.data.name = Some("Brick".into());
    let id = insert(s, &whole);
    s.set_rpe(id, 8.0).expect("rpe");
    let legs = [part_of(70, 0, 2, t0, 1800.0), part_of(70, 1, 2, t0 + 1_800_000, 1800.0)];
    let mut b = s.batch().expect("batch");
    let ids = b.split_activity(id, &legs).expect("split");
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], id);
    let found = b.overlapping(t0 + 2_000_000, t0 + 2_100_000).expect("find");
    assert_eq!(
        found.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ids[1]],
        "the first leg's span is its own"
    );
    b.commit().expect("commit");
    assert_eq!(s.activity_part(id).expect("part"), PartOf { part: 0, parts: 2 });
    assert_eq!(s.activity_part(ids[1]).expect("part"), PartOf { part: 1, parts: 2 });
    let first = s.history_row(id).expect("row");
    assert_eq!((first.rpe, first.activity.data.name.as_deref()), (Some(8.0), Some("Brick")));
    assert_eq!(s.counts().expect("counts"), (2, 0, 1));
}

/// The evidence one activity holds, as the history snapshot and the single row read it (they
/// must agree).
fn evidence_of(s: &dyn Store, id: i64) -> Option<String> {
    let one = s.history_row(id).expect("row").facts.evidence;
    let all = s.history(&Filter::default()).expect("history");
    let snap = all.activities.iter().find(|r| r.activity.id == id).expect("in the snapshot");
    assert_eq!(snap.facts.evidence, one, "snapshot and single row agree on {id}");
    one
}

pub(crate) fn evidence_is_kept_by_every_write_and_read_by_every_reader(s: &mut dyn Store) {
    let t0 = 1_700_000_000_000;
    // Insert: with evidence and without.
    let a = activity(80, t0, 3600.0, 100);
    let id = insert(s, &a);
    assert_eq!(evidence_of(s, id), a.facts.evidence);
    let mut bare = activity(81, t0 + 86_400_000, 3600.0, 100);
    bare.facts.evidence = None;
    let bare_id = insert(s, &bare);
    assert_eq!(evidence_of(s, bare_id), None, "no evidence is NULL, not an empty text");
    // Replace with a richer recording: its evidence, not the old one's.
    let mut rich = activity(82, t0 + 10_000, 3600.0, 3600);
    rich.facts.evidence = Some(evidence(82, "intervals"));
    let mut b = s.batch().expect("batch");
    b.insert_original(&rich.sha256, "rich.fit", 1, b"r").expect("orig");
    b.replace_activity(id, &rich, "richer").expect("replace");
    b.commit().expect("commit");
    assert_eq!(evidence_of(s, id), rich.facts.evidence);
    // Re-analysis writes what core computed now, None included.
    let mut again = rich.clone();
    again.facts.evidence = Some(evidence(82, "tempo"));
    let mut b = s.batch().expect("batch");
    b.update_analysis(id, &again).expect("update");
    b.update_analysis(bare_id, &activity(81, t0 + 86_400_000, 3600.0, 100)).expect("update");
    b.commit().expect("commit");
    assert_eq!(evidence_of(s, id), again.facts.evidence);
    assert_eq!(evidence_of(s, bare_id), Some(evidence(81, "steady")), "filled by re-analysis");
    again.facts.evidence = None;
    let mut b = s.batch().expect("batch");
    b.update_analysis(id, &again).expect("update");
    b.commit().expect("commit");
    assert_eq!(evidence_of(s, id), None, "cleared by a re-analysis that has none");
    // A whole file split into its legs: each leg its own evidence.
    let mut legs =
        [part_of(81, 0, 2, t0 + 86_400_000, 1800.0), part_of(81, 1, 2, t0 + 88_200_000, 1800.0)];
    legs[0].facts.evidence = Some(evidence(81, "swim"));
    legs[1].facts.evidence = Some(evidence(81, "run"));
    let mut b = s.batch().expect("batch");
    let ids = b.split_activity(bare_id, &legs).expect("split");
    b.commit().expect("commit");
    assert_eq!(evidence_of(s, ids[0]), legs[0].facts.evidence);
    assert_eq!(evidence_of(s, ids[1]), legs[1].facts.evidence);
    assert!(s.canonical_dump().expect("dump").contains("swim"), "the dump holds the evidence");
}

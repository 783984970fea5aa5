//! Every FIT file of the shared corpus, decoded by us, checked field by field against the
//! reference decodes in `expected.json` (Garmin's SDK; fitdecode where the SDK cannot read
//! compressed-timestamp headers or shows relative timestamps as 1989 dates).
//!
//! The corpus is found at `../shared/corpus` from the repository root, or `SLOWBURN_CORPUS`.
//! A missing corpus fails the test: nothing is skipped silently.

use std::path::PathBuf;

use serde_json::Value;
use slowburn_formats::{fit, Channel, FileKind, Recording};

fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("SLOWBURN_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    assert!(
        dir.join("expected.json").is_file(),
        "the corpus is missing at {} (set SLOWBURN_CORPUS)",
        dir.display()
    );
    dir
}

fn expected() -> serde_json::Map<String, Value> {
    let text =
        std::fs::read_to_string(corpus_dir().join("expected.json")).expect("read expected.json");
    match serde_json::from_str(&text).expect("expected.json parses") {
        Value::Object(m) => m,
        _ => panic!("expected.json is not an object"),
    }
}

fn fit_iso(ms: i64, relative: bool) -> String {
    if relative {
        return (ms / 1000).to_string();
    }
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, (rem / 60) % 60, rem % 60)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.011
}

/// Compare one file; returns a list of disagreements.
fn check(name: &str, entry: &Value, rec: &Recording) -> Vec<String> {
    let sdk = &entry["garmin_sdk"];
    let fd = &entry["fitdecode"];
    let sdk_cannot = sdk["errors"].as_array().is_some_and(|e| {
        e.iter().any(|x| x.as_str().is_some_and(|s| s.contains("Compressed timestamp")))
    });
    let r = if sdk_cannot { fd } else { sdk };
    let mut bad = Vec::new();
    let s = &rec.samples;

    let rc = r["record_count"].as_u64().unwrap_or(0) as usize;
    if s.len() != rc {
        bad.push(format!("record_count: reference {rc}, ours {}", s.len()));
    }
    let pos = r["records_with_position"].as_u64().unwrap_or(0) as usize;
    if s.count(Channel::Position) != pos {
        bad.push(format!(
            "records_with_position: reference {pos}, ours {}",
            s.count(Channel::Position)
        ));
    }
    let kinds: Vec<String> = rec.file_kinds.iter().map(|k| k.name()).collect();
    if Value::from(kinds.clone()) != r["file_type"] {
        bad.push(format!("file_type: reference {}, ours {kinds:?}", r["file_type"]));
    }
    // Times: relative (device-time) timestamps are compared with fitdecode, which prints them raw.
    let tref = if rec.relative_time { fd } else { r };
    let first = s.time.iter().find_map(|t| *t).map(|t| fit_iso(t, rec.relative_time));
    let last = rec.end().map(|t| fit_iso(t, rec.relative_time));
    for (key, ours) in [("first_record_time", first), ("last_record_time", last)] {
        if Value::from(ours.clone()) != tref[key] {
            bad.push(format!("{key}: reference {}, ours {ours:?}", tref[key]));
        }
    }
    // Sessions: sport, sub-sport, total distance.
    if let Some(list) = r["sport"].as_array() {
        let ours: Vec<Option<String>> = rec
            .sessions
            .iter()
            .map(|x| {
                x.sport.map(|v| fit::names::sport(v).map_or_else(|| v.to_string(), str::to_owned))
            })
            .collect();
        if Value::from(ours.clone()) != Value::from(list.clone()) {
            bad.push(format!("sport: reference {list:?}, ours {ours:?}"));
        }
    } else if !rec.sessions.is_empty() {
        bad.push(format!("sessions: reference none, ours {}", rec.sessions.len()));
    }
    if let Some(list) = r["session_total_distance_m"].as_array() {
        let ours: Vec<Option<f64>> = rec.sessions.iter().map(|x| x.distance_m).collect();
        let same = list.len() == ours.len()
            && list.iter().zip(&ours).all(|(a, b)| match (a.as_f64(), b) {
                (Some(a), Some(b)) => close(a, *b),
                (None, None) => true,
                _ => false,
            });
        if !same {
            bad.push(format!("session_total_distance_m: reference {list:?}, ours {ours:?}"));
        }
    }
    let last_d = s.distance_m.iter().rev().find_map(|d| *d);
    match (r["last_record_distance_m"].as_f64(), last_d) {
        (Some(a), Some(b)) if close(a, b) => {}
        (None, None) => {}
        (a, b) => bad.push(format!("last_record_distance_m: reference {a:?}, ours {b:?}")),
    }
    // Heart rate. The SDK counts a sensor's 0 ("no reading") as a value; we do not. Zeros add
    // nothing to the sum, so the sum over readings must agree exactly, and count/min agree
    // whenever the reference saw no zero.
    let hrs: Vec<u64> = s.heart_rate.iter().filter_map(|h| h.map(u64::from)).collect();
    let rcount = r["hr_count"].as_u64().unwrap_or(0);
    if rcount == 0 {
        if !hrs.is_empty() {
            bad.push(format!("hr_count: reference 0, ours {}", hrs.len()));
        }
    } else {
        let rmin = r["hr_min"].as_u64().unwrap_or(0);
        let rmax = r["hr_max"].as_u64().unwrap_or(0);
        let rsum = r["hr_mean"].as_f64().unwrap_or(0.0) * rcount as f64;
        let ours_sum: u64 = hrs.iter().sum();
        // hr_mean is rounded to 3 decimals in expected.json.
        if (rsum - ours_sum as f64).abs() > 0.0005 * rcount as f64 + 0.5 {
            bad.push(format!("hr sum: reference {rsum:.1}, ours {ours_sum}"));
        }
        if rmin > 0 {
            if hrs.len() as u64 != rcount {
                bad.push(format!("hr_count: reference {rcount}, ours {}", hrs.len()));
            }
            if hrs.iter().min().copied() != Some(rmin) {
                bad.push(format!("hr_min: reference {rmin}, ours {:?}", hrs.iter().min()));
            }
        } else if hrs.len() as u64 > rcount {
            bad.push(format!("hr_count: reference {rcount} (with zeros), ours {}", hrs.len()));
        }
        let omax = hrs.iter().max().copied().unwrap_or(0);
        if omax != rmax {
            bad.push(format!("hr_max: reference {rmax}, ours {omax}"));
        }
    }
    // Files the references stop on must carry a warning with us.
    let ref_failed = !sdk["errors"].as_array().is_none_or(Vec::is_empty) && !sdk_cannot;
    if ref_failed && rec.warnings.is_empty() && !name.contains("virb") {
        bad.push("reference reports an error, we report no warning".into());
    }
    bad
}

#[test]
fn every_corpus_fit_file_agrees_with_the_reference_decoders() {
    let dir = corpus_dir();
    let exp = expected();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, entry) in &exp {
        if entry["format"] != "fit" {
            continue;
        }
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        checked += 1;
        match fit::decode(&bytes) {
            Ok(rec) => {
                for b in check(name, entry, &rec) {
                    failures.push(format!("{name}: {b}"));
                }
            }
            Err(e) => failures.push(format!("{name}: we fail to decode: {e}")),
        }
    }
    assert!(checked >= 60, "only {checked} FIT files found in the corpus");
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn bad_file_crc_is_a_warning_with_the_data_returned() {
    let bytes =
        std::fs::read(corpus_dir().join("python-fitparse/activity-filecrc.fit")).expect("read");
    let rec = fit::decode(&bytes).expect("data is returned");
    assert_eq!(rec.samples.len(), 14);
    assert!(rec.warnings.iter().any(|w| w.message.contains("file CRC")), "{:?}", rec.warnings);
}

#[test]
fn chained_files_are_all_read() {
    let bytes =
        std::fs::read(corpus_dir().join("python-fitparse/activity-settings.fit")).expect("read");
    let rec = fit::decode(&bytes).expect("decodes");
    assert_eq!(rec.file_kinds, vec![FileKind::Activity, FileKind::Settings]);
    assert!(rec.is_activity());
    assert!(rec.warnings.is_empty(), "{:?}", rec.warnings);
}

#[test]
fn a_corrupt_chained_header_keeps_the_first_file_and_warns() {
    let bytes =
        std::fs::read(corpus_dir().join("python-fitparse/activity-settings-corruptheader.fit"))
            .expect("read");
    let rec = fit::decode(&bytes).expect("first file is returned");
    assert_eq!(rec.samples.len(), 14);
    assert!(
        rec.warnings.iter().any(|w| w.message.contains("not a FIT file")),
        "{:?}",
        rec.warnings
    );
}

#[test]
fn non_activity_files_are_recognised_by_file_id() {
    let dir = corpus_dir();
    for (file, kind) in [
        ("python-fitparse/Settings.fit", FileKind::Settings),
        ("python-fitparse/MonitoringFile.fit", FileKind::Monitoring),
        ("python-fitparse/WorkoutRepeatSteps.fit", FileKind::Workout),
        ("gpsbabel/fitwrite-track.fit", FileKind::Course),
    ] {
        let rec = fit::decode(&std::fs::read(dir.join(file)).expect("read")).expect("decodes");
        assert_eq!(rec.kind(), Some(kind), "{file}");
        assert!(!rec.is_activity(), "{file}");
    }
}

#[test]
fn relative_device_time_is_not_a_date() {
    let bytes =
        std::fs::read(corpus_dir().join("gpsbabel/garmin-virb-ultra-30.fit")).expect("read");
    let rec = fit::decode(&bytes).expect("decodes");
    assert!(rec.relative_time);
    assert_eq!(rec.start, Some(2000));
}

#[test]
fn hr_messages_are_merged_into_records_as_the_sdk_does() {
    let bytes =
        std::fs::read(corpus_dir().join("fit-python-sdk/HrmPluginTestActivity.fit")).expect("read");
    let rec = fit::decode(&bytes).expect("decodes");
    assert_eq!(rec.hr_messages, 114);
    assert_eq!(rec.samples.count(Channel::HeartRate), 310);
    // Without merging, only the records' own heart rate (as fitdecode reports) remains.
    let plain = fit::decode_with(
        &bytes,
        fit::DecodeOptions { merge_hr_messages: false, ..Default::default() },
    )
    .expect("decodes");
    assert_eq!(plain.samples.count(Channel::HeartRate), 84);
}

#[test]
fn hrv_rr_intervals_are_kept() {
    let bytes = std::fs::read(corpus_dir().join("fitparse-rs/hrv-activity.fit")).expect("read");
    let rec = fit::decode(&bytes).expect("decodes");
    assert!(rec.rr_ms.len() > 1000, "{} RR intervals", rec.rr_ms.len());
    // Cycling at 128–185 bpm: beat intervals of 0.3–0.5 s dominate.
    let mid = rec.rr_ms.iter().filter(|&&ms| (300..=500).contains(&ms)).count();
    assert!(mid * 10 > rec.rr_ms.len() * 8, "{mid} of {}", rec.rr_ms.len());
}

#[test]
fn developer_fields_are_kept_aside_with_their_names() {
    let bytes = std::fs::read(corpus_dir().join("python-fitparse/developer-types-sample.fit"))
        .expect("read");
    let rec = fit::decode(&bytes).expect("decodes");
    assert!(!rec.developer_fields.is_empty());
    assert!(rec.developer_fields.iter().all(|d| d.name.is_some()), "{:?}", rec.developer_fields);
}

#[test]
fn activity_local_timestamp_gives_the_utc_offset() {
    let bytes = std::fs::read(corpus_dir().join("python-fitparse/activity-small-fenix2-run.fit"))
        .expect("read");
    let rec = fit::decode(&bytes).expect("decodes");
    assert_eq!(rec.utc_offset_s, Some(7200));
}

//! The FIT encoder against our decoder: `decode(encode(r)) == r` for generated recordings whose
//! values lie on the FIT fields' grids, compressed timestamps, re-encoding real files, workouts
//! and the errors for values FIT cannot hold.

use std::path::PathBuf;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use slowburn_formats::fit::{
    decode, encode_activity, encode_workout, EncodeError, EncodeOptions, StepDuration,
    StepIntensity, StepTarget, Workout, WorkoutStep,
};
use slowburn_formats::{
    Device, FileKind, Pause, Recording, Samples, Sport, Summary, TimestampMs, FIT_EPOCH_OFFSET_S,
};

const RELATIVE_LIMIT: i64 = 0x1000_0000;
const SEMICIRCLE: f64 = 180.0 / 2_147_483_648.0;

/// A column of `n` values: absent from the whole recording, or present with some gaps.
fn column<T: Clone + std::fmt::Debug + 'static>(
    n: usize,
    value: impl Strategy<Value = T> + Clone + 'static,
) -> BoxedStrategy<Vec<Option<T>>> {
    prop_oneof![
        1 => Just(vec![None; n]),
        3 => vec(option::weighted(0.85, value), n),
    ]
    .boxed()
}

/// Cadence on the FIT grid, computed as the decoder does: whole + 1/128ths.
fn cadence(units: u16) -> f32 {
    f32::from(units / 128) + (f64::from(units % 128) / 128.0) as f32
}

fn samples(n: usize, times: Vec<Option<TimestampMs>>) -> impl Strategy<Value = Samples> {
    let a = (
        column(n, (-(1i32 << 30)..=(1 << 30)).prop_map(|r| f64::from(r) * SEMICIRCLE)),
        column(n, (i32::MIN..i32::MAX).prop_map(|r| f64::from(r) * SEMICIRCLE)),
        column(n, (0u32..60_000).prop_map(|r| (f64::from(r) / 5.0 - 500.0) as f32)),
        column(n, 1u8..=254),
        prop_oneof![
            column(n, (0u8..=254).prop_map(f32::from)),
            column(n, (0u16..32_640).prop_map(cadence)),
        ],
        column(n, (0u32..=0xFFFF_FFFE).prop_map(|r| f64::from(r) / 100.0)),
    );
    let b = (
        column(n, (0u32..100_000).prop_map(|r| (f64::from(r) / 1000.0) as f32)),
        column(n, 0u16..=65_534),
        column(n, -128i8..=126),
        column(n, (0u16..=65_534).prop_map(|r| (f64::from(r) / 10.0) as f32)),
        column(n, (0u16..=65_534).prop_map(|r| (f64::from(r) / 10.0) as f32)),
        column(n, (0u16..=65_534).prop_map(|r| (f64::from(r) / 10.0) as f32)),
    );
    (a, b).prop_map(move |((lat, lon, alt, hr, cad, dist), (speed, power, temp, vo, st, sl))| {
        Samples {
            time: times.clone(),
            lat,
            lon,
            altitude_m: alt,
            heart_rate: hr,
            cadence: cad,
            distance_m: dist,
            speed_mps: speed,
            power_w: power,
            temperature_c: temp,
            vertical_oscillation_mm: vo,
            stance_time_ms: st,
            step_length_mm: sl,
        }
    })
}

/// A lap or session on the FIT grid, starting `base_s` seconds into the clock.
fn summary(to_ms: fn(i64) -> i64, base_s: i64, lap: bool) -> impl Strategy<Value = Summary> {
    let a = (
        option::of((0i64..100_000).prop_map(move |d| to_ms(base_s + d))),
        option::of((0u32..10_000_000).prop_map(|r| f64::from(r) / 1000.0)),
        option::of((0u32..10_000_000).prop_map(|r| f64::from(r) / 1000.0)),
        option::of((0u32..=0xFFFF_FFFE).prop_map(|r| f64::from(r) / 100.0)),
        option::of((0u16..=65_534).prop_map(f64::from)),
        option::of((0u16..=65_534).prop_map(f64::from)),
    );
    let b = (
        option::of(1u8..=254),
        option::of(1u8..=254),
        option::of(0u8..=254),
        option::of(0u8..=254),
        option::of(0u8..=254),
        option::of(0u8..=254),
    );
    (a, b).prop_map(
        move |(
            (start, elapsed_s, timer_s, distance_m, ascent_m, descent_m),
            (avg, max, sport, sub_sport, intensity, trigger),
        )| Summary {
            start,
            elapsed_s,
            timer_s,
            distance_m,
            ascent_m,
            descent_m,
            avg_heart_rate: avg,
            max_heart_rate: max,
            sport,
            sub_sport,
            // The decoder reads intensity from laps only.
            intensity: if lap { intensity } else { None },
            trigger,
        },
    )
}

fn absolute_ms(fit_s: i64) -> i64 {
    (fit_s + FIT_EPOCH_OFFSET_S) * 1000
}

fn relative_ms(s: i64) -> i64 {
    s * 1000
}

/// Time offsets between samples (seconds): mostly 1 Hz, some gaps past the 31 s that a
/// compressed timestamp can span, some samples without a time.
fn deltas(n: usize) -> impl Strategy<Value = Vec<Option<i64>>> {
    vec(
        option::weighted(
            0.95,
            prop_oneof![8 => 0i64..=3, 2 => 4i64..=40, 1 => 41i64..=5_000, 1 => -5i64..0],
        ),
        n,
    )
}

fn recording() -> impl Strategy<Value = Recording> {
    (any::<bool>(), 0usize..60).prop_flat_map(|(relative, n)| {
        let base = if relative { 0..0x0F00_0000i64 } else { RELATIVE_LIMIT..0xF000_0000i64 };
        (base, deltas(n)).prop_flat_map(move |(base, deltas)| {
            let to_ms: fn(i64) -> i64 = if relative { relative_ms } else { absolute_ms };
            // The first sample always has a time (so the decoder can tell device time).
            let mut t = base;
            let times: Vec<Option<TimestampMs>> = deltas
                .iter()
                .enumerate()
                .map(|(i, d)| match (i, d) {
                    (0, _) => Some(to_ms(base)),
                    (_, Some(d)) => {
                        t = (t + d).max(base);
                        Some(to_ms(t))
                    }
                    (_, None) => None,
                })
                .collect();
            let span = (t - base).max(1);
            let pauses = (vec((0..=span, 0..=span), 0..4), any::<bool>()).prop_map(
                move |(mut cuts, open)| {
                    for c in &mut cuts {
                        *c = (c.0.min(c.1), c.0.max(c.1));
                    }
                    cuts.sort_unstable();
                    let mut pauses = Vec::new();
                    let mut after = 0;
                    for (a, b) in cuts {
                        if a >= after {
                            pauses
                                .push(Pause { start: to_ms(base + a), end: Some(to_ms(base + b)) });
                            after = b;
                        }
                    }
                    if open {
                        if let Some(last) = pauses.last_mut() {
                            last.end = None;
                        }
                    }
                    pauses
                },
            );
            let devices = option::of((
                option::of(0u16..=65_534),
                option::of(0u16..=65_534),
                option::of("[a-zA-Z0-9 ]{1,20}"),
            ))
            .prop_map(|d| {
                d.map(|(manufacturer, product, name)| Device { manufacturer, product, name })
                    .into_iter()
                    .collect::<Vec<_>>()
            });
            (
                samples(n, times),
                vec(summary(to_ms, base, true), 0..4),
                vec(summary(to_ms, base, false), 0..3),
                pauses,
                devices,
                option::of(
                    (0u8..=254, 0u8..=254)
                        .prop_map(|(sport, sub_sport)| Sport { sport, sub_sport }),
                ),
                option::of(-14 * 3600..=14 * 3600),
                vec(0u16..=65_534, 0..23),
            )
                .prop_map(
                    move |(samples, laps, sessions, pauses, devices, sport, utc, rr_ms)| {
                        // The decoder takes the recording's sport from the first session
                        // that has one.
                        let sport = if sessions.is_empty() {
                            sport
                        } else {
                            sessions.iter().find_map(|s| {
                                s.sport.map(|sport| Sport {
                                    sport,
                                    sub_sport: s.sub_sport.unwrap_or(0),
                                })
                            })
                        };
                        Recording {
                            file_kinds: vec![FileKind::Activity],
                            sport,
                            start: samples.time.first().copied().flatten(),
                            utc_offset_s: if relative { None } else { utc },
                            relative_time: relative,
                            devices,
                            samples,
                            laps,
                            sessions,
                            pauses,
                            rr_ms,
                            ..Recording::default()
                        }
                    },
                )
        })
    })
}

/// What the decoder gives back for `rec`: what FIT cannot carry (no device: the encoder's
/// "development" device; no session: the one computed from samples; an open pause with no
/// samples after it; a UTC offset with no time to anchor it) adjusted, the rest unchanged.
fn expected(rec: &Recording, decoded: &Recording) -> Recording {
    let mut e = rec.clone();
    e.file_kinds = vec![FileKind::Activity];
    // The decoder knows device time from the records' timestamps.
    e.relative_time = rec.relative_time && rec.samples.time.iter().any(Option::is_some);
    if e.devices.is_empty() {
        e.devices = vec![Device { manufacturer: Some(255), product: Some(0), name: None }];
    }
    e.devices.truncate(1);
    if let Some(Pause { start, end: None }) = e.pauses.last().copied() {
        if rec.end().is_none_or(|end| end <= start) {
            e.pauses.pop();
        }
    }
    if e.sessions.is_empty() {
        // Checked field by field in `computed_session_matches_the_samples`.
        e.sessions.clone_from(&decoded.sessions);
    }
    let has_end =
        rec.end().is_some() || rec.sessions.iter().chain(&rec.laps).any(|s| s.start.is_some());
    if !has_end {
        e.utc_offset_s = None;
    }
    e.start = rec
        .samples
        .time
        .iter()
        .find_map(|t| *t)
        .or_else(|| e.sessions.first().and_then(|s| s.start));
    e
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn decode_of_encode_is_the_recording(rec in recording()) {
        let bytes = encode_activity(&rec, &EncodeOptions::default()).expect("encodes");
        let decoded = decode(&bytes).expect("decodes");
        prop_assert_eq!(&decoded.warnings, &Vec::new());
        prop_assert_eq!(decoded.samples.len(), rec.samples.len());
        prop_assert_eq!(&decoded, &expected(&rec, &decoded));
    }

    #[test]
    fn computed_session_matches_the_samples(mut rec in recording()) {
        rec.sessions.clear();
        let bytes = encode_activity(&rec, &EncodeOptions::default()).expect("encodes");
        let decoded = decode(&bytes).expect("decodes");
        prop_assert_eq!(decoded.sessions.len(), 1);
        let s = &decoded.sessions[0];
        let first = rec.samples.time.iter().find_map(|t| *t);
        prop_assert_eq!(s.start, first);
        let elapsed = first.zip(rec.end()).map(|(a, b)| (b - a) as f64 / 1000.0).filter(|e| *e >= 0.0);
        prop_assert_eq!(s.elapsed_s, elapsed);
        prop_assert!(s.timer_s <= s.elapsed_s);
        prop_assert_eq!(s.distance_m, rec.samples.distance_m.iter().rev().find_map(|d| *d));
        prop_assert_eq!(s.max_heart_rate, rec.samples.heart_rate.iter().flatten().copied().max());
        prop_assert_eq!(s.sport, rec.sport.map(|x| x.sport));
        prop_assert_eq!(decoded.sport, rec.sport);
    }

    #[test]
    fn compressed_timestamps_decode_to_the_same_recording(rec in recording()) {
        let plain = encode_activity(&rec, &EncodeOptions::default()).expect("encodes");
        let packed = encode_activity(&rec, &EncodeOptions { compressed_timestamps: true })
            .expect("encodes");
        let a = decode(&plain).expect("decodes");
        let b = decode(&packed).expect("decodes");
        prop_assert_eq!(&b.warnings, &Vec::new());
        prop_assert_eq!(&a, &b);
        // At worst it costs the definition of local type 0 (6 bytes + 3 per field, at most
        // 13 fields) and no record is within 31 s of the timestamp before it.
        prop_assert!(packed.len() <= plain.len() + 6 + 3 * 13);
    }
}

fn simple_recording(n: usize) -> Recording {
    let t0 = absolute_ms(1_000_000_000);
    let mut s = Samples::default();
    for i in 0..n {
        let k = s.push_empty();
        s.time[k] = Some(t0 + 1000 * i as i64);
        s.heart_rate[k] = if i % 3 == 1 { None } else { Some(120 + (i % 50) as u8) };
    }
    Recording { samples: s, ..Recording::default() }
}

#[test]
fn a_missing_heart_rate_is_written_as_0xff() {
    let bytes = encode_activity(&simple_recording(3), &EncodeOptions::default()).unwrap();
    // The record definition: local 1, little-endian, message 20, fields timestamp and heart rate.
    let def = [0x41, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 0x02];
    let at = bytes.windows(def.len()).position(|w| w == def).expect("record definition");
    let records = &bytes[at + def.len()..];
    let t0 = (1_000_000_000u32).to_le_bytes();
    assert_eq!(records[..6], [1, t0[0], t0[1], t0[2], t0[3], 120]);
    assert_eq!(records[6], 1);
    assert_eq!(records[11], 0xFF, "sample 1 has no heart rate");
    assert_eq!(records[12..18], [1, t0[0] + 2, t0[1], t0[2], t0[3], 122]);
}

#[test]
fn only_channels_with_a_value_are_defined() {
    let bytes = encode_activity(&simple_recording(5), &EncodeOptions::default()).unwrap();
    let def = [0x41, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 0x02];
    assert_eq!(bytes.windows(def.len()).filter(|w| *w == def).count(), 1, "defined once");
}

#[test]
fn compressed_headers_are_one_byte_on_local_type_0() {
    let rec = simple_recording(10);
    let plain = encode_activity(&rec, &EncodeOptions::default()).unwrap();
    let packed = encode_activity(&rec, &EncodeOptions { compressed_timestamps: true }).unwrap();
    // Every record after the first full timestamp saves its 4-byte timestamp; the extra
    // definition for local type 0 costs 6 + 3 bytes.
    assert_eq!(plain.len() - packed.len(), 10 * 4 - 9);
    let t0 = 1_000_000_000u32;
    let header = 0x80 | ((t0 + 2) & 0x1F) as u8;
    assert!(packed.windows(2).any(|w| w == [header, 120 + 2]), "sample 2: header and heart rate");
    assert_eq!(decode(&packed).unwrap().samples, decode(&plain).unwrap().samples);
}

/// The shared corpus; a missing corpus fails the test (it is never skipped).
fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("SLOWBURN_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    assert!(dir.is_dir(), "the corpus is missing at {} (set SLOWBURN_CORPUS)", dir.display());
    dir
}

/// Decode, encode, decode: what the encoder writes of a real file comes back unchanged.
fn reencode_keeps_everything(path: &std::path::Path, opts: EncodeOptions) -> Result<usize, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let first = decode(&bytes).map_err(|e| e.to_string())?;
    let again = encode_activity(&first, &opts).map_err(|e| e.to_string())?;
    let second = decode(&again).map_err(|e| e.to_string())?;
    if !second.warnings.is_empty() {
        return Err(format!("warnings: {:?}", second.warnings));
    }
    if second.samples != first.samples {
        let n = first.samples.len().min(second.samples.len());
        let i = (0..n)
            .find(|&i| {
                let one = |s: &Samples| format!("{:?}", slice(s, i));
                one(&first.samples) != one(&second.samples)
            })
            .unwrap_or(n);
        return Err(format!(
            "samples differ at {i} of {}: {:?} became {:?}",
            first.samples.len(),
            slice(&first.samples, i),
            slice(&second.samples, i)
        ));
    }
    for (what, a, b) in [
        ("laps", format!("{:?}", first.laps), format!("{:?}", second.laps)),
        ("pauses", format!("{:?}", first.pauses), format!("{:?}", second.pauses)),
        ("utc offset", format!("{:?}", first.utc_offset_s), format!("{:?}", second.utc_offset_s)),
        ("rr", format!("{:?}", first.rr_ms), format!("{:?}", second.rr_ms)),
        ("device", format!("{:?}", first.devices.first()), format!("{:?}", second.devices.first())),
    ] {
        if a != b {
            return Err(format!("{what} differ: {a} became {b}"));
        }
    }
    if !first.sessions.is_empty() && first.sessions != second.sessions {
        return Err(format!("sessions differ: {:?} became {:?}", first.sessions, second.sessions));
    }
    Ok(first.samples.len())
}

fn slice(s: &Samples, i: usize) -> impl std::fmt::Debug {
    (
        s.time.get(i).copied(),
        s.lat.get(i).copied(),
        s.lon.get(i).copied(),
        s.altitude_m.get(i).copied(),
        s.heart_rate.get(i).copied(),
        s.cadence.get(i).copied(),
        s.distance_m.get(i).copied(),
        s.speed_mps.get(i).copied(),
        s.power_w.get(i).copied(),
        s.temperature_c.get(i).copied(),
        (s.vertical_oscillation_mm.get(i).copied(), s.stance_time_ms.get(i).copied()),
        s.step_length_mm.get(i).copied(),
    )
}

#[test]
fn reencoding_a_real_fenix2_run_keeps_every_sample() {
    let dir = corpus_dir();
    let path = dir.join("python-fitparse/activity-small-fenix2-run.fit");
    for compressed in [false, true] {
        let opts = EncodeOptions { compressed_timestamps: compressed };
        let n = reencode_keeps_everything(&path, opts).unwrap();
        assert!(n > 100, "{n} samples");
    }
}

#[test]
fn reencoding_every_corpus_activity_keeps_every_sample() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("fit")) {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
    // Files whose values lie off the encoder's grid, each with the reason.
    let off_grid = [(
        "compressed-speed-distance.fit",
        "distance from compressed_speed_distance is in 1/16 m, finer than distance's 1 cm",
    )];
    for path in &files {
        let Ok(rec) = decode(&std::fs::read(path).unwrap()) else { continue };
        // Files our decoder already warns about are not clean inputs for a round trip.
        if !rec.is_activity() || rec.samples.is_empty() || !rec.warnings.is_empty() {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if off_grid.iter().any(|(n, _)| *n == name) {
            continue;
        }
        checked += 1;
        if let Err(e) = reencode_keeps_everything(path, EncodeOptions::default()) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(checked >= 10, "only {checked} corpus activities checked");
    assert!(failures.is_empty(), "{} of {checked} files:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn workout_decodes_as_a_workout_file() {
    let w = Workout {
        name: "6 x 800 m".into(),
        sport: Sport::RUNNING,
        steps: vec![
            WorkoutStep {
                name: Some("warm up".into()),
                intensity: StepIntensity::Warmup,
                duration: StepDuration::Time(900.0),
                target: StepTarget::HeartRate { low_bpm: 120, high_bpm: 145 },
                repeat: None,
                notes: None,
            },
            WorkoutStep {
                name: None,
                intensity: StepIntensity::Active,
                duration: StepDuration::Distance(800.0),
                target: StepTarget::Speed { low_mps: 4.4, high_mps: 4.6 },
                repeat: None,
                notes: None,
            },
            WorkoutStep {
                name: Some("jog".into()),
                intensity: StepIntensity::Recovery,
                duration: StepDuration::Time(120.0),
                target: StepTarget::Open,
                repeat: Some((1, 6)),
                notes: None,
            },
            WorkoutStep {
                name: Some("cool down".into()),
                intensity: StepIntensity::Cooldown,
                duration: StepDuration::Open,
                target: StepTarget::Open,
                repeat: None,
                notes: None,
            },
        ],
        created: None,
        serial_number: None,
    };
    let bytes = encode_workout(&w).unwrap();
    let rec = decode(&bytes).unwrap();
    assert_eq!(rec.warnings, vec![]);
    assert_eq!(rec.kind(), Some(FileKind::Workout));
    assert_eq!(rec.file_kinds, vec![FileKind::Workout]);
    assert!(rec.samples.is_empty());

    let mut bad = w.clone();
    bad.steps[1].repeat = Some((2, 3));
    assert_eq!(encode_workout(&bad), Err(EncodeError::RepeatTarget { step: 1, target: 2 }));
    let mut bad = w;
    bad.steps[0].duration = StepDuration::Time(f64::NAN);
    let e = encode_workout(&bad).unwrap_err().to_string();
    assert!(e.contains("workout step 0 duration = NaN"), "{e}");
}

#[test]
fn values_fit_cannot_hold_are_errors_that_name_the_sample() {
    let opts = EncodeOptions::default();
    let mut rec = simple_recording(3);
    rec.samples.heart_rate[2] = Some(255);
    let e = encode_activity(&rec, &opts).unwrap_err();
    assert_eq!(
        e.to_string(),
        "sample 2 heart_rate = 255 does not fit the FIT field record heart_rate (uint8, 0–254 bpm)"
    );

    let mut rec = simple_recording(3);
    rec.samples.altitude_m[1] = Some(f32::NAN);
    let e = encode_activity(&rec, &opts).unwrap_err().to_string();
    assert!(e.starts_with("sample 1 altitude_m = NaN"), "{e}");

    let mut rec = simple_recording(3);
    rec.samples.time[1] = Some(0);
    let e = encode_activity(&rec, &opts).unwrap_err().to_string();
    assert!(e.starts_with("sample 1 time: time 0 ms is before 1998-07-03"), "{e}");

    let mut rec = simple_recording(3);
    rec.samples.power_w.pop();
    let e = encode_activity(&rec, &opts).unwrap_err();
    assert_eq!(e, EncodeError::ChannelLength { channel: "power_w", len: 2, samples: 3 });

    let mut rec = simple_recording(3);
    let t = rec.samples.time[1].unwrap();
    rec.pauses = vec![Pause { start: t, end: None }, Pause { start: t, end: Some(t + 1000) }];
    let e = encode_activity(&rec, &opts).unwrap_err().to_string();
    assert_eq!(e, "pause 0 has no end but is not the last pause");

    let mut rec = simple_recording(1);
    rec.devices = vec![Device { manufacturer: Some(1), product: None, name: Some("a\0b".into()) }];
    let e = encode_activity(&rec, &opts).unwrap_err().to_string();
    assert!(e.contains("devices[0].name contains a NUL byte"), "{e}");
}

#[test]
fn longitude_180_is_written_as_minus_180() {
    let mut rec = simple_recording(1);
    rec.samples.lon[0] = Some(180.0);
    rec.samples.lat[0] = Some(-90.0);
    let decoded = decode(&encode_activity(&rec, &EncodeOptions::default()).unwrap()).unwrap();
    assert_eq!(decoded.samples.lon[0], Some(-180.0));
    assert_eq!(decoded.samples.lat[0], Some(-90.0));
}

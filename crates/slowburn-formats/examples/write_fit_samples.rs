//! Write generated runs as FIT files, each with a `<name>.json` sidecar of what any correct
//! FIT decoder must read from it, for `scripts/check-fit-with-sdk.py` (Garmin's own decoder).
//!
//! Usage: `cargo run -p slowburn-formats --example write_fit_samples -- <dir> [count]`
//!
//! The runs are deterministic (seeded by their index) and vary what the encoder must handle:
//! every channel, heart-rate dropouts, pauses, laps, given or computed sessions, device time,
//! a UTC offset, whole and fractional cadence, no device. Values are generated as whole FIT
//! units (centimetres, semicircles, 1/5 m, …), so the sidecar states them exactly. A workout
//! file is written too. Compressed timestamps are not used: Garmin's Python SDK rejects them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Map, Value};
use slowburn_formats::fit::{
    encode_activity, encode_workout, EncodeOptions, StepDuration, StepIntensity, StepTarget,
    Workout, WorkoutStep,
};
use slowburn_formats::{Device, Pause, Recording, Sport, Summary, FIT_EPOCH_OFFSET_S};

/// `SplitMix64`: small, seeded, good enough to vary test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// One generated run and, per sample, the raw FIT values a decoder must report.
fn run(index: u64) -> (Recording, Value) {
    let mut rng = Rng(index.wrapping_mul(0x1234_5678_9ABC_DEF1) ^ 0x5EED);
    let relative = index % 4 == 3;
    let fractional_cadence = index % 2 == 0;
    let n = rng.range(300, 1200) as usize;
    // Device time starts near power-on; dates in late 2024 plus a day per run.
    let mut t: i64 = if relative { 1000 } else { 1_100_000_000 + 86_400 * index as i64 };
    let to_ms =
        |fit_s: i64| if relative { fit_s * 1000 } else { (fit_s + FIT_EPOCH_OFFSET_S) * 1000 };

    let mut rec = Recording { relative_time: relative, ..Recording::default() };
    let pause_at: Vec<usize> = if index % 2 == 1 { vec![n / 3, 2 * n / 3] } else { Vec::new() };
    let dropout = rng.range(0, n as i64 - 30) as usize;
    let (mut lat, mut lon) =
        (rng.range(400_000_000, 600_000_000), rng.range(-100_000_000, 100_000_000));
    let mut alt5 = rng.range(2_600, 4_000); // (metres + 500) × 5
    let mut hr = rng.range(120, 140);
    let mut dist_cm: i64 = 0;
    let mut records = Vec::with_capacity(n);
    for i in 0..n {
        if pause_at.contains(&i) {
            let stop = t;
            t += rng.range(30, 120);
            rec.pauses.push(Pause { start: to_ms(stop), end: Some(to_ms(t)) });
        }
        let speed_mm = rng.range(2_500, 4_500);
        dist_cm += speed_mm / 10;
        lat += rng.range(-300, 300);
        lon += rng.range(-300, 300);
        alt5 = (alt5 + rng.range(-2, 2)).max(0);
        hr = (hr + rng.range(-2, 2)).clamp(95, 190);
        let heart_rate = if rng.chance(5) || (dropout..dropout + 20).contains(&i) {
            None
        } else {
            Some(hr as u8)
        };
        let cadence_128 =
            rng.range(80, 95) * 128 + if fractional_cadence { rng.range(0, 127) } else { 0 };
        let power = rng.range(180, 420);
        let temperature = rng.range(5, 30);
        let vo10 = rng.range(600, 1_100);
        let stance10 = rng.range(2_000, 3_000);
        let step10 = rng.range(9_000, 14_000);

        let cols = &mut rec.samples;
        let k = cols.push_empty();
        cols.time[k] = Some(to_ms(t));
        cols.lat[k] = Some(lat as f64 * (180.0 / 2_147_483_648.0));
        cols.lon[k] = Some(lon as f64 * (180.0 / 2_147_483_648.0));
        cols.altitude_m[k] = Some((alt5 as f64 / 5.0 - 500.0) as f32);
        cols.heart_rate[k] = heart_rate;
        cols.cadence[k] =
            Some((cadence_128 / 128) as f32 + ((cadence_128 % 128) as f64 / 128.0) as f32);
        cols.distance_m[k] = Some(dist_cm as f64 / 100.0);
        cols.speed_mps[k] = Some((speed_mm as f64 / 1000.0) as f32);
        cols.power_w[k] = Some(power as u16);
        cols.temperature_c[k] = Some(temperature as i8);
        cols.vertical_oscillation_mm[k] = Some((vo10 as f64 / 10.0) as f32);
        cols.stance_time_ms[k] = Some((stance10 as f64 / 10.0) as f32);
        cols.step_length_mm[k] = Some((step10 as f64 / 10.0) as f32);

        // What Garmin's decoder reports, scale and offset applied (positions stay semicircles).
        let mut row = Map::new();
        row.insert("timestamp".into(), json!(t));
        row.insert("position_lat".into(), json!(lat));
        row.insert("position_long".into(), json!(lon));
        row.insert("enhanced_altitude".into(), json!(alt5 as f64 / 5.0 - 500.0));
        if let Some(h) = heart_rate {
            row.insert("heart_rate".into(), json!(h));
        }
        row.insert("cadence".into(), json!(cadence_128 as f64 / 128.0));
        row.insert("distance".into(), json!(dist_cm as f64 / 100.0));
        row.insert("enhanced_speed".into(), json!(speed_mm as f64 / 1000.0));
        row.insert("power".into(), json!(power));
        row.insert("temperature".into(), json!(temperature));
        row.insert("vertical_oscillation".into(), json!(vo10 as f64 / 10.0));
        row.insert("stance_time".into(), json!(stance10 as f64 / 10.0));
        row.insert("step_length".into(), json!(step10 as f64 / 10.0));
        records.push(Value::Object(row));
        t += 1;
    }

    // Laps of 300 samples, with the device's totals.
    for (k, chunk) in rec.samples.time.chunks(300).enumerate() {
        let (Some(Some(a)), Some(Some(b))) = (chunk.first(), chunk.last()) else { continue };
        let from = k * 300;
        let hrs: Vec<u8> =
            rec.samples.heart_rate[from..from + chunk.len()].iter().flatten().copied().collect();
        rec.laps.push(Summary {
            start: Some(*a),
            elapsed_s: Some((b - a) as f64 / 1000.0),
            timer_s: Some((b - a) as f64 / 1000.0),
            distance_m: rec.samples.distance_m[from + chunk.len() - 1],
            avg_heart_rate: (!hrs.is_empty())
                .then(|| (hrs.iter().map(|&h| u32::from(h)).sum::<u32>() / hrs.len() as u32) as u8),
            max_heart_rate: hrs.iter().copied().max(),
            sport: Some(1),
            intensity: Some(0),
            trigger: Some(0),
            ..Summary::default()
        });
    }
    if index % 3 == 0 {
        let first = rec.samples.time[0];
        rec.sessions.push(Summary {
            start: first,
            elapsed_s: first.zip(rec.end()).map(|(a, b)| (b - a) as f64 / 1000.0),
            distance_m: Some(dist_cm as f64 / 100.0),
            sport: Some(1),
            sub_sport: Some(0),
            trigger: Some(0),
            ..Summary::default()
        });
    }
    rec.sport = Some(Sport::RUNNING);
    if !relative {
        rec.utc_offset_s = Some(3600 * (index as i32 % 5 - 2));
    }
    if index % 2 == 0 {
        rec.devices.push(Device { manufacturer: Some(1), product: Some(2697), name: None });
    }
    rec.rr_ms = (0..(index as u16 % 3) * 7).map(|k| 600 + 13 * k).collect();

    let first = records.first().and_then(|r| r["timestamp"].as_i64());
    let last = records.last().and_then(|r| r["timestamp"].as_i64());
    let sidecar = json!({
        "kind": "activity",
        "record_count": records.len(),
        "first_timestamp": first,
        "last_timestamp": last,
        "heart_rate": records.iter().map(|r| r.get("heart_rate").cloned().unwrap_or(Value::Null)).collect::<Vec<_>>(),
        "records": records,
        "lap_count": rec.laps.len(),
        "session_count": rec.sessions.len().max(1),
        "timer_events": 2 + 2 * rec.pauses.len(),
        "hrv_values": rec.rr_ms,
        "utc_offset_s": rec.utc_offset_s,
        "manufacturer": if rec.devices.is_empty() { "development" } else { "garmin" },
    });
    (rec, sidecar)
}

fn workout() -> (Workout, Value) {
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
                name: Some("800 m".into()),
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
                notes: Some("jog easily".into()),
            },
            WorkoutStep {
                name: None,
                intensity: StepIntensity::Cooldown,
                duration: StepDuration::Open,
                target: StepTarget::Open,
                repeat: None,
                notes: None,
            },
        ],
        created: Some(1_100_000_000),
        serial_number: Some(4242),
    };
    // As Garmin's decoder names and scales them (heart rates in bpm are written + 100).
    let sidecar = json!({
        "kind": "workout",
        "name": "6 x 800 m",
        "sport": "running",
        "sub_sport": "generic",
        "file_id": {"type": "workout", "manufacturer": "development", "product": 0,
                    "serial_number": 4242, "time_created": 1_100_000_000},
        "steps": [
            {"message_index": 0, "wkt_step_name": "warm up", "intensity": "warmup",
             "duration_type": "time", "duration_time": 900.0, "target_type": "heart_rate",
             "custom_target_heart_rate_low": 220, "custom_target_heart_rate_high": 245},
            {"message_index": 1, "wkt_step_name": "800 m", "intensity": "active",
             "duration_type": "distance", "duration_distance": 800.0, "target_type": "speed",
             "custom_target_speed_low": 4.4, "custom_target_speed_high": 4.6},
            {"message_index": 2, "wkt_step_name": "jog", "intensity": "recovery",
             "duration_type": "time", "duration_time": 120.0, "target_type": "open",
             "notes": "jog easily"},
            {"message_index": 3, "duration_type": "repeat_until_steps_cmplt",
             "duration_step": 1, "repeat_steps": 6},
            {"message_index": 4, "intensity": "cooldown", "duration_type": "open",
             "target_type": "open"},
        ],
    });
    (w, sidecar)
}

fn write(dir: &Path, name: &str, bytes: &[u8], sidecar: &Value) -> Result<(), String> {
    let fit = dir.join(format!("{name}.fit"));
    std::fs::write(&fit, bytes).map_err(|e| format!("writing {}: {e}", fit.display()))?;
    let json = dir.join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(sidecar).map_err(|e| e.to_string())?;
    std::fs::write(&json, text).map_err(|e| format!("writing {}: {e}", json.display()))
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: write_fit_samples <dir> [count]");
        return ExitCode::from(2);
    };
    let count: u64 = match args.next().map(|c| c.parse()) {
        None => 8,
        Some(Ok(c)) => c,
        Some(Err(e)) => {
            eprintln!("count: {e}");
            return ExitCode::from(2);
        }
    };
    let result = (|| -> Result<(), String> {
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        for i in 0..count {
            let (rec, sidecar) = run(i);
            let bytes = encode_activity(&rec, &EncodeOptions::default())
                .map_err(|e| format!("run {i}: {e}"))?;
            write(&dir, &format!("run-{i:03}"), &bytes, &sidecar)?;
        }
        let (w, sidecar) = workout();
        let bytes = encode_workout(&w).map_err(|e| format!("workout: {e}"))?;
        write(&dir, "workout", &bytes, &sidecar)
    })();
    match result {
        Ok(()) => {
            println!("wrote {count} activities and 1 workout to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

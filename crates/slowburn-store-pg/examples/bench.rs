//! Scale benchmark (issue 17), run by `scripts/bench-pg.sh`: loads N synthetic athletes × Y
//! years into `PostgreSQL` (bulk path) and the same rows into `SQLite` (the Batch path, one
//! store per athlete as `SQLite` keeps them), then times reading one athlete's 12-week history
//! and a 30-athlete coach overview (each athlete's last 7 days of summaries).
//!
//! Usage: `bench URL ATHLETES YEARS SQLITE_DIR`

use std::time::{Duration, Instant};

use slowburn_store::{
    compress, ActivityData, EffortRow, Facts, Filter, HrPaceRow, NewActivity, PartOf, SqliteStore,
    Store,
};
use slowburn_store_pg::{Access, BulkOriginal, PgStore, Sharing};

const DAY_MS: i64 = 86_400_000;
/// 1 January 2023.
const T0: i64 = 1_672_531_200_000;

fn sha(athlete: u32, run: u32) -> [u8; 32] {
    let mut s = [0u8; 32];
    s[..4].copy_from_slice(&athlete.to_le_bytes());
    s[4..8].copy_from_slice(&run.to_le_bytes());
    s[8] = 0x5b;
    s
}

/// One athlete's runs: 5 a week, varied by athlete and run (cloned from one realistic row).
fn runs(athlete: u32, years: u32) -> Vec<NewActivity> {
    let mut out = Vec::new();
    let days = years * 365;
    let mut n = 0u32;
    for day in 0..days {
        if (day + athlete) % 7 >= 5 {
            continue;
        }
        let dur = 1800.0 + f64::from((day * 37 + athlete * 11) % 5400);
        let start = T0 + i64::from(day) * DAY_MS + 6 * 3_600_000 + i64::from(athlete % 600) * 1000;
        out.push(NewActivity {
            sha256: sha(athlete, n),
            part: PartOf::WHOLE,
            data: ActivityData {
                source_name: format!("a{athlete}-{n}.fit"),
                format: "fit".into(),
                start_ms: Some(start),
                utc_offset_s: Some(3600),
                sport: Some(1),
                sub_sport: Some(0),
                name: None,
                description: None,
                gear: None,
                device: Some("garmin fr955".into()),
                duration_s: Some(dur),
                moving_s: Some(dur * 0.98),
                distance_m: Some(dur * 3.1),
                ascent_m: Some(40.0),
                avg_hr: Some(140.0 + f64::from(n % 20)),
                max_hr: Some(170),
                samples: dur as i64,
            },
            summary: format!(
                "{{\"version\":6,\"laps\":[{}]}}",
                "{\"s\":300.5,\"hr\":141.2},".repeat(40) + "{}"
            ),
            facts: Facts {
                summary_version: 6,
                base_type: Some(if dur > 5000.0 { "long" } else { "easy" }.into()),
                base_reason: Some("duration".into()),
                confidence: Some(0.8),
                settled_hr: Some(138.5),
                hr_coverage: Some(0.97),
                best_30s_hr: Some(160.0),
                best_30min_lthr: Some(150.0),
                gap_pace_s_per_km: Some(330.0),
                efficiency_factor: Some(1.2),
                decoupling_pct: Some(2.5),
                best_efforts: vec![EffortRow { distance_m: 1000.0, time_s: 290.0 }; 6],
                hr_pace: vec![HrPaceRow { hr: 140, pace_s_per_km: 330.0, seconds: 60.0 }; 30],
                settled_hr_pace: vec![
                    HrPaceRow { hr: 141, pace_s_per_km: 332.0, seconds: 60.0 };
                    30
                ],
                evidence: Some("{\"parts\":[{\"kind\":\"steady\",\"s\":1800.5}]}".into()),
            },
            richness: dur,
            hr_hist: vec![1.5; 256],
            pace_hist: vec![2.0; 60],
            end_ms: Some(start + (dur * 1000.0) as i64),
            channels: 0b1011,
        });
        n += 1;
    }
    out
}

/// A small original per run (4 KiB, varied), compressed.
fn original(athlete: u32, run: u32) -> (usize, Vec<u8>) {
    let mut bytes = Vec::with_capacity(4096);
    let mut x = u64::from(athlete) << 32 | u64::from(run);
    while bytes.len() < 4096 {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        bytes.push((x >> 58) as u8);
    }
    (bytes.len(), compress(&bytes).unwrap_or_default())
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).ok_or("usage: bench URL ATHLETES YEARS SQLITE_DIR")?;
    let athletes: u32 = args.get(2).map_or(Ok(50), |s| s.parse())?;
    let years: u32 = args.get(3).map_or(Ok(3), |s| s.parse())?;
    let dir = std::path::PathBuf::from(args.get(4).ok_or("SQLITE_DIR")?);
    std::fs::create_dir_all(&dir)?;

    let mut access = Access::connect(url)?;
    access.create_account("coach", "coach secret", None)?;
    let coach = access.authenticate("coach", "coach secret")?.caller;
    access.create_club(&coach, "club")?;

    let (mut pg_time, mut lite_time, mut rows) = (Duration::ZERO, Duration::ZERO, 0usize);
    for a in 0..athletes {
        let name = format!("athlete{a:04}");
        access.create_account(&name, "s", Some(&name))?;
        let me = access.authenticate(&name, "s")?.caller;
        access.invite(&coach, "club", &name)?;
        access.join_club(&me, &name, "club", Sharing::Summary)?;
        let acts = runs(a, years);
        let packed: Vec<(usize, Vec<u8>)> =
            (0..acts.len() as u32).map(|r| original(a, r)).collect();
        let originals: Vec<BulkOriginal<'_>> = acts
            .iter()
            .zip(&packed)
            .map(|(x, (size, c))| BulkOriginal {
                sha256: x.sha256,
                name: &x.data.source_name,
                size: *size,
                compressed: c,
            })
            .collect();
        rows += acts.len();
        let mut pg = PgStore::connect(url, &name)?;
        let t = Instant::now();
        pg.bulk_insert(&originals, &acts)?;
        pg_time += t.elapsed();
        // The same rows into SQLite the way an import writes them (batches of 512).
        let mut lite = SqliteStore::open(&dir.join(format!("{name}.db")))?;
        let t = Instant::now();
        for chunk in acts.chunks(512).zip(originals.chunks(512)) {
            let mut b = lite.batch()?;
            for o in chunk.1 {
                b.insert_original(&o.sha256, o.name, o.size, o.compressed)?;
            }
            for x in chunk.0 {
                b.insert_activity(x)?;
            }
            b.commit()?;
        }
        lite_time += t.elapsed();
    }
    let rate = |d: Duration| rows as f64 / d.as_secs_f64();
    println!(
        "athletes {athletes}, years {years}, activities {rows} (+ as many originals of 4 KiB)"
    );
    println!(
        "import: PostgreSQL bulk (COPY binary) {:.0} activities/s ({:.1} s), SQLite batches {:.0} activities/s ({:.1} s); PostgreSQL/SQLite rate ratio {:.2}",
        rate(pg_time),
        pg_time.as_secs_f64(),
        rate(lite_time),
        lite_time.as_secs_f64(),
        rate(pg_time) / rate(lite_time)
    );

    // The batch path on PostgreSQL for one athlete, for comparison.
    {
        let acts = runs(athletes + 1, 1);
        let mut pg = PgStore::connect(url, "rowwise")?;
        let t = Instant::now();
        let mut b = pg.batch()?;
        for (r, x) in acts.iter().enumerate() {
            let (size, c) = original(athletes + 1, r as u32);
            b.insert_original(&x.sha256, &x.data.source_name, size, &c)?;
            b.insert_activity(x)?;
        }
        b.commit()?;
        let d = t.elapsed();
        println!(
            "import: PostgreSQL Batch path (row by row, savepoints) {:.0} activities/s ({} rows)",
            acts.len() as f64 / d.as_secs_f64(),
            acts.len()
        );
    }

    // (b) One athlete's 12-week history, athletes in turn.
    let end = T0 + i64::from(years * 365) * DAY_MS;
    let filter =
        Filter { since_ms: Some(end - 84 * DAY_MS), until_ms: Some(end), ..Filter::default() };
    let mut times = Vec::new();
    let mut lite_times = Vec::new();
    let samples = 200.min(athletes as usize * 4).max(20);
    let mut stores: Vec<PgStore> = Vec::new();
    for a in 0..athletes.min(20) {
        stores.push(PgStore::connect(url, &format!("athlete{a:04}"))?);
    }
    let mut got = 0;
    for i in 0..samples {
        let s = &stores[i % stores.len()];
        let t = Instant::now();
        got = s.history(&filter)?.activities.len();
        times.push(t.elapsed());
    }
    for i in 0..samples {
        let a = i % stores.len();
        let lite = SqliteStore::open(&dir.join(format!("athlete{a:04}.db")))?;
        let t = Instant::now();
        lite.history(&filter)?;
        lite_times.push(t.elapsed());
    }
    println!(
        "12-week history ({got} activities): PostgreSQL p50 {:.2} ms p99 {:.2} ms; SQLite p50 {:.2} ms p99 {:.2} ms ({samples} reads each)",
        pct(&mut times, 0.5),
        pct(&mut times, 0.99),
        pct(&mut lite_times, 0.5),
        pct(&mut lite_times, 0.99)
    );

    // (b) A coach overview: 30 athletes' last 7 days of summaries, in one query.
    let names: Vec<String> = (0..athletes.min(30)).map(|a| format!("athlete{a:04}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut times = Vec::new();
    let mut got = 0;
    for _ in 0..samples {
        let t = Instant::now();
        got = access.overview(&coach, &refs, end - 7 * DAY_MS, end)?.len();
        times.push(t.elapsed());
    }
    println!(
        "coach overview ({} athletes, last 7 days, {got} runs, access checks included): p50 {:.2} ms p99 {:.2} ms ({samples} reads)",
        refs.len(),
        pct(&mut times, 0.5),
        pct(&mut times, 0.99)
    );
    Ok(())
}

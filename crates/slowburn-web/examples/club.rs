//! Club-scale benchmark and load test of the multi-athlete server (`slowburn serve --db
//! postgres://…`), run by `scripts/bench-club.sh`.
//!
//! 1. **Load.** N synthetic athletes (`athlete-0000`, `athlete-0001`, … — fixed width, so a
//!    response can be scanned for any other athlete's whole name) × Y years of runs, 5 a week,
//!    cloned from one activity row (the generator of `slowburn-store-pg`'s `examples/bench.rs`:
//!    facts, lists, a 1 KB heart-rate histogram and a placeholder summary; about 2 KB a row as
//!    stored, against ~12 KB for a real run), each run named after its athlete, with a tiny
//!    original ([`ORIGINAL_BYTES`] bytes before zstd), loaded through `PgStore::bulk_insert`
//!    (COPY binary). Each athlete has an account (argon2id); a coach is granted view or edit by
//!    the first C athletes. Then each athlete's derived state is brought up to date once
//!    (`App::open` refreshes it: the bulk load advanced the inputs' generation), as the import
//!    of a real history would have: a refresh re-decides the runs from their stored evidence and
//!    never reads the originals, which are not real FIT files here.
//! 2. **Serve.** The server in-process on loopback (`slowburn_web::Server`, a pool of P
//!    connections, a fixed today in the data's last week), driven over plain HTTP/1.1 on
//!    keep-alive `TcpStream`s from std threads. Every time is measured at the client, so it is
//!    an upper bound of the server's time (loopback, the client's parsing, and the client's
//!    threads competing with the server and `PostgreSQL` for the same cores).
//! 3. **Coach overview** of C athletes (`/api/overview`, `/`): the first request (every standing
//!    computed and kept), then warm p50/p99.
//! 4. **An athlete's dashboard** (`/athletes/NAME/`) and two API routes, each first request
//!    (uncached: the store opened and the view computed) over several athletes, then warm
//!    p50/p99 (served from the server's answer cache while the athlete's change counter holds),
//!    and the same views timed in this process without HTTP, to show where the time goes. A
//!    run's page is not timed: the placeholder summary is not one `summary::decode` reads.
//! 5. **Load test.** S threads, each signed in as a different athlete (over `/api/session`, all
//!    at once; one refused by the storm signs in again after it, counted as an error), then two
//!    rounds of the same K requests each to its own athlete's pages and API routes and two to
//!    another athlete's that must be refused (403). Every body is scanned for athlete names:
//!    any name but the caller's own (and, in a refusal, the one asked for) is a leak.
//!
//! Exits non-zero when any request failed (a status other than the expected one, or a broken
//! connection) or any response leaked another athlete's name.
//!
//! Usage: `club URL [ATHLETES=1000] [YEARS=3] [COACH=30] [SESSIONS=200] [REQUESTS=10] [POOL=16]`

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use slowburn_app::App;
use slowburn_store::{
    compress, ActivityData, EffortRow, Facts, HrPaceRow, NewActivity, PartOf, Store as _,
};
use slowburn_store_pg::{Access, Action, BulkOriginal, Level, PgStore, Pool};

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const DAY_MS: i64 = 86_400_000;
/// 1 January 2023.
const T0: i64 = 1_672_531_200_000;
/// Bytes of each synthetic original before compression (a real FIT file is ~56 KB zstd'd; these
/// only have to exist: nothing here reads them back).
const ORIGINAL_BYTES: usize = 384;
/// The coach's login (not an athlete's name: it never matches the leak scan).
const COACH: &str = "coach-of-club";
/// Timed repetitions of each warm request.
const WARM: usize = 200;
/// Athletes whose first (uncached) requests are timed.
const COLD_SAMPLE: u32 = 40;

fn athlete_name(a: u32) -> String {
    format!("athlete-{a:04}")
}

fn secret_of(login: &str) -> String {
    format!("secret of {login}")
}

// --- the synthetic club ----------------------------------------------------------------------

fn sha(athlete: u32, run: u32) -> [u8; 32] {
    let mut s = [0u8; 32];
    s[..4].copy_from_slice(&athlete.to_le_bytes());
    s[4..8].copy_from_slice(&run.to_le_bytes());
    s[8] = 0x5b;
    s
}

/// One athlete's runs: 5 a week, varied by athlete and run (cloned from one realistic row, as
/// `slowburn-store-pg/examples/bench.rs` makes them), each named after its athlete so that a
/// response holding another athlete's run names them.
fn runs(athlete: u32, years: u32) -> Vec<NewActivity> {
    let who = athlete_name(athlete);
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
                source_name: format!("{who}-{n:05}.fit"),
                format: "fit".into(),
                start_ms: Some(start),
                utc_offset_s: Some(3600),
                sport: Some(1),
                sub_sport: Some(0),
                name: Some(format!("{who} run {n}")),
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

/// A tiny original per run ([`ORIGINAL_BYTES`], varied), compressed.
fn original(athlete: u32, run: u32) -> Res<(usize, Vec<u8>)> {
    let mut bytes = Vec::with_capacity(ORIGINAL_BYTES);
    let mut x = u64::from(athlete) << 32 | u64::from(run);
    while bytes.len() < ORIGINAL_BYTES {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        bytes.push((x >> 58) as u8);
    }
    Ok((bytes.len(), compress(&bytes)?))
}

/// The local date of a UTC millisecond in the synthetic data (offset +1 h).
fn local_date(ms: i64) -> Res<jiff::civil::Date> {
    let t = jiff::Timestamp::from_millisecond(ms + 3_600_000)?;
    Ok(t.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// Run `f` for every index below `n` on `threads` threads; the results in index order.
fn par<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> Res<T> + Sync) -> Res<Vec<T>> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| -> Res<()> {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| -> Res<()> {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            return Ok(());
                        }
                        match f(i) {
                            Ok(v) => out.lock().map_err(|_| "a worker panicked")?[i] = Some(v),
                            Err(e) => {
                                // The others stop at their next item.
                                next.store(n, Ordering::Relaxed);
                                return Err(e);
                            }
                        }
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().map_err(|_| "a worker panicked")??;
        }
        Ok(())
    })?;
    Ok(out.into_inner().map_err(|_| "a worker panicked")?.into_iter().flatten().collect())
}

// --- timings ---------------------------------------------------------------------------------

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `p` quantile (nearest rank) of `v`, ms.
fn pct(v: &[Duration], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).map_or(0.0, |d| ms(*d))
}

fn stats(v: &[Duration]) -> String {
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} requests)",
        pct(v, 0.5),
        pct(v, 0.99),
        pct(v, 1.0),
        v.len()
    )
}

// --- a plain HTTP/1.1 client -----------------------------------------------------------------

/// An answer: status, body, and the time from writing the request to its last byte (a new
/// connection's connect included).
struct Answer {
    status: u16,
    body: Vec<u8>,
    took: Duration,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One keep-alive connection to the server, reopened when the server closes it.
struct Client {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
}

impl Client {
    fn new(addr: SocketAddr) -> Client {
        Client { addr, conn: None }
    }

    fn get(&mut self, path: &str, token: &str) -> Res<Answer> {
        self.request("GET", path, Some(token), None)
    }

    fn request(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Res<Answer> {
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nAccept: */*\r\n", self.addr);
        if let Some(t) = token {
            let _ = write!(head, "Authorization: Bearer {t}\r\n");
        }
        if let Some(b) = body {
            let _ =
                write!(head, "Content-Type: application/json\r\nContent-Length: {}\r\n", b.len());
        }
        head.push_str("\r\n");
        head.push_str(body.unwrap_or_default());
        // A kept-alive connection the server has closed meanwhile fails on first use: once
        // more, on a new one.
        let reused = self.conn.is_some();
        match self.exchange(head.as_bytes()) {
            Ok(a) => Ok(a),
            Err(_) if reused => {
                self.conn = None;
                self.exchange(head.as_bytes())
            }
            Err(e) => Err(e),
        }
    }

    fn exchange(&mut self, request: &[u8]) -> Res<Answer> {
        let t = Instant::now();
        let answer = self.exchange_on(request);
        if answer.is_err() {
            self.conn = None;
        }
        let (status, body, close) = answer?;
        if close {
            self.conn = None;
        }
        Ok(Answer { status, body, took: t.elapsed() })
    }

    fn exchange_on(&mut self, request: &[u8]) -> Res<(u16, Vec<u8>, bool)> {
        if self.conn.is_none() {
            let s = TcpStream::connect(self.addr)?;
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(Duration::from_secs(120)))?;
            self.conn = Some(BufReader::new(s));
        }
        let r = self.conn.as_mut().ok_or("no connection")?;
        r.get_mut().write_all(request)?;
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Err("the server closed the connection".into());
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .ok_or_else(|| format!("not an HTTP status line: {line:?}"))?
            .parse()?;
        let (mut length, mut chunked, mut close) = (None, false, false);
        loop {
            line.clear();
            if r.read_line(&mut line)? == 0 {
                return Err("the connection closed inside the headers".into());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
                match k.as_str() {
                    "content-length" => length = Some(v.parse::<usize>()?),
                    "transfer-encoding" => chunked = v.contains("chunked"),
                    "connection" => close = v == "close",
                    _ => {}
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                r.read_line(&mut line)?;
                let size = line.trim().split(';').next().unwrap_or_default();
                let n = usize::from_str_radix(size, 16)?;
                if n == 0 {
                    // Trailers, up to the blank line.
                    loop {
                        line.clear();
                        if r.read_line(&mut line)? == 0 || line.trim().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let at = body.len();
                body.resize(at + n, 0);
                r.read_exact(&mut body[at..])?;
                line.clear();
                r.read_line(&mut line)?;
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            r.read_exact(&mut body)?;
        } else {
            r.read_to_end(&mut body)?;
            close = true;
        }
        Ok((status, body, close))
    }
}

/// Sign in over `POST /api/session`: the bearer token.
fn sign_in(c: &mut Client, login: &str) -> Res<(String, Duration)> {
    let body = serde_json::json!({ "login": login, "secret": secret_of(login) }).to_string();
    let a = c.request("POST", "/api/session", None, Some(&body))?;
    if a.status != 200 {
        return Err(format!("signing in as {login}: {} {}", a.status, a.text()).into());
    }
    let v: serde_json::Value = serde_json::from_slice(&a.body)?;
    let token = v["token"].as_str().ok_or("the session answer holds no token")?.to_owned();
    Ok((token, a.took))
}

/// Every athlete name (`athlete-` and exactly four digits) in `body`.
fn names_in(body: &[u8]) -> Vec<&str> {
    const P: &[u8] = b"athlete-";
    let mut out = Vec::new();
    let mut i = 0;
    while i + P.len() + 4 <= body.len() {
        if body[i..].starts_with(P) {
            let d = &body[i + P.len()..i + P.len() + 4];
            let more = body.get(i + P.len() + 4).is_some_and(u8::is_ascii_digit);
            let before = i > 0 && body[i - 1].is_ascii_alphanumeric();
            if d.iter().all(u8::is_ascii_digit) && !more && !before {
                if let Ok(s) = std::str::from_utf8(&body[i..i + P.len() + 4]) {
                    out.push(s);
                }
            }
            i += P.len();
        } else {
            i += 1;
        }
    }
    out
}

/// Names in `body` that are none of `allowed`.
fn leaks<'b>(body: &'b [u8], allowed: &[&str]) -> Vec<&'b str> {
    let mut l: Vec<&str> = names_in(body).into_iter().filter(|n| !allowed.contains(n)).collect();
    l.sort_unstable();
    l.dedup();
    l
}

/// Time `n` requests of `path` (each must answer 200 and name no one but `allowed`).
fn timed(
    c: &mut Client,
    path: &str,
    token: &str,
    n: usize,
    allowed: &[&str],
) -> Res<Vec<Duration>> {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let a = c.get(path, token)?;
        check(&a, path, 200, allowed)?;
        v.push(a.took);
    }
    Ok(v)
}

fn check(a: &Answer, path: &str, want: u16, allowed: &[&str]) -> Res<()> {
    if a.status != want {
        let t = a.text();
        return Err(format!(
            "GET {path}: {} (wanted {want}): {}",
            a.status,
            &t[..t.len().min(300)]
        )
        .into());
    }
    let l = leaks(&a.body, allowed);
    if !l.is_empty() {
        return Err(format!("GET {path}: the answer names other athletes: {l:?}").into());
    }
    Ok(())
}

// --- the run ---------------------------------------------------------------------------------

struct Args {
    url: String,
    athletes: u32,
    years: u32,
    coach: u32,
    sessions: u32,
    requests: usize,
    pool: usize,
    cores: usize,
}

fn args() -> Res<Args> {
    let a: Vec<String> = std::env::args().collect();
    let usage = "usage: club URL [ATHLETES=1000] [YEARS=3] [COACH=30] [SESSIONS=200] \
                 [REQUESTS=10] [POOL=16]";
    let num = |i: usize, default: u32| -> Res<u32> {
        Ok(a.get(i).map_or(Ok(default), |s| s.parse()).map_err(|e| format!("{usage}: {e}"))?)
    };
    let athletes = num(2, 1000)?;
    if !(1..=10_000).contains(&athletes) {
        return Err(format!("{usage}: ATHLETES is 1 to 10000 (names have four digits)").into());
    }
    Ok(Args {
        url: a.get(1).ok_or(usage)?.clone(),
        athletes,
        years: num(3, 3)?.max(1),
        coach: num(4, 30)?.min(athletes),
        sessions: num(5, 200)?,
        requests: num(6, 10)? as usize,
        pool: num(7, 16)?.max(1) as usize,
        cores: std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
    })
}

fn main() {
    match run() {
        Ok(true) => std::process::exit(0),
        Ok(false) => {
            println!("FAILED: errors or cross-athlete data (above)");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("club: {e}");
            std::process::exit(2);
        }
    }
}

/// The whole run; `Ok(false)` when requests failed or leaked.
fn run() -> Res<bool> {
    let args = args()?;
    let cores = args.cores;
    let last_ms = T0 + i64::from(args.years * 365 - 1) * DAY_MS + 6 * 3_600_000;
    let today = local_date(last_ms)?;
    println!(
        "club: {} athletes x {} years (5 runs a week), coach of {}, {} sessions x {} requests, \
         server pool {}, {cores} cores, today {today}",
        args.athletes, args.years, args.coach, args.sessions, args.requests, args.pool
    );
    load(&args, today, cores)?;
    serve(&args, today)
}

/// Accounts, grants, the bulk load and the first refresh.
fn load(args: &Args, today: jiff::civil::Date, cores: usize) -> Res<()> {
    let n = args.athletes as usize;
    // Each worker holds at most two connections at once (access checks and a store).
    let loader = Pool::new(&args.url, 2 * cores + 1)?;

    let t = Instant::now();
    Access::from_pool(&loader)?.create_account(COACH, &secret_of(COACH), None)?;
    par(n, cores, |a| {
        let name = athlete_name(a as u32);
        Access::from_pool(&loader)?.create_account(&name, &secret_of(&name), Some(&name))?;
        Ok(())
    })?;
    let accounts = t.elapsed();
    let t = Instant::now();
    for a in 0..args.coach {
        let name = athlete_name(a);
        let mut access = Access::from_pool(&loader)?;
        let me = access.act_as(&name)?;
        let level = if a % 2 == 0 { Level::View } else { Level::Edit };
        access.grant(&me, &name, COACH, level)?;
    }
    println!(
        "accounts: {} (argon2id each) in {:.1} s on {cores} threads ({:.1} ms each per thread); \
         {} grants to {COACH} in {:.2} s",
        n + 1,
        accounts.as_secs_f64(),
        ms(accounts) * cores as f64 / (n + 1) as f64,
        args.coach,
        t.elapsed().as_secs_f64()
    );

    // The bulk load: each worker generates, compresses and COPYs one athlete at a time.
    let t = Instant::now();
    let loaded = par(n, cores, |a| -> Res<(usize, usize, usize, Duration)> {
        let a = a as u32;
        let name = athlete_name(a);
        let me = Access::from_pool(&loader)?.act_as(&name)?;
        let acts = runs(a, args.years);
        let packed = (0..acts.len() as u32).map(|r| original(a, r)).collect::<Res<Vec<_>>>()?;
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
        let raw: usize = packed.iter().map(|p| p.0).sum();
        let stored: usize = packed.iter().map(|p| p.1.len()).sum();
        let mut store = PgStore::open_pooled(&loader, &me, &name, Action::Admin)?;
        let c = Instant::now();
        store.bulk_insert(&originals, &acts)?;
        Ok((acts.len(), raw, stored, c.elapsed()))
    })?;
    let wall = t.elapsed();
    let rows: usize = loaded.iter().map(|l| l.0).sum();
    let raw: usize = loaded.iter().map(|l| l.1).sum();
    let stored: usize = loaded.iter().map(|l| l.2).sum();
    let copy: Duration = loaded.iter().map(|l| l.3).sum();
    println!(
        "bulk load: {rows} activities (+ as many originals of {ORIGINAL_BYTES} B, {:.0} B zstd on \
         average, {:.1} MB raw, {:.1} MB stored) in {:.1} s: {:.0} activities/s wall on {cores} \
         threads (COPY alone {:.1} s summed over threads, {:.0} activities/s per thread)",
        stored as f64 / rows.max(1) as f64,
        raw as f64 / 1e6,
        stored as f64 / 1e6,
        wall.as_secs_f64(),
        rows as f64 / wall.as_secs_f64(),
        copy.as_secs_f64(),
        rows as f64 / copy.as_secs_f64()
    );

    // Derived state: the bulk load advanced the inputs' generation, so the first `App::open`
    // refreshes (re-decides every run from its stored evidence; no original is read). Done here
    // once per athlete, as the import of a real history would have done it.
    let t = Instant::now();
    let refreshed = par(n, cores, |a| -> Res<(Duration, bool)> {
        let name = athlete_name(a as u32);
        let me = Access::from_pool(&loader)?.act_as(&name)?;
        let store = PgStore::open_pooled(&loader, &me, &name, Action::Admin)?;
        let stale_before = store.generations()?.stale();
        let c = Instant::now();
        let app = App::open(Box::new(store), slowburn_app::Config::default(), today)?;
        let took = c.elapsed();
        if app.store().generations()?.stale() {
            return Err(format!("{name}: derived state still stale after App::open").into());
        }
        Ok((took, stale_before))
    })?;
    let times: Vec<Duration> = refreshed.iter().map(|r| r.0).collect();
    println!(
        "first refresh (App::open on a stale store, {} of {n} were stale): {:.1} s wall, per \
         athlete p50 {:.1} ms p99 {:.1} ms; afterwards every athlete's derived state is current",
        refreshed.iter().filter(|r| r.1).count(),
        t.elapsed().as_secs_f64(),
        pct(&times, 0.5),
        pct(&times, 0.99)
    );
    Ok(())
}

/// Time `f` into `v`.
fn time<T>(v: &mut Vec<Duration>, f: impl FnOnce() -> Res<T>) -> Res<T> {
    let t = Instant::now();
    let out = f()?;
    v.push(t.elapsed());
    Ok(out)
}

/// Where an uncached answer's time goes, in this process without HTTP: the store and `App`
/// opened as a request opens them, one whole-history read, and each view the dashboard page,
/// the API routes and the coach's standing compute.
fn breakdown(url: &str, name: &str, today: jiff::civil::Date) -> Res<()> {
    use slowburn_app::{ReviewOptions, ReviewQuery, RunsQuery, TrendsQuery};
    const REPS: usize = 20;
    let pool = Pool::new(url, 2)?;
    let me = Access::from_pool(&pool)?.act_as(name)?;
    let mut t: [Vec<Duration>; 8] = Default::default();
    let mut rows = 0;
    for _ in 0..REPS {
        let app = time(&mut t[0], || {
            let store = PgStore::open_pooled(&pool, &me, name, Action::Read)?;
            Ok(App::open(Box::new(store), slowburn_app::Config::default(), today)?)
        })?;
        rows = time(&mut t[1], || {
            Ok(app.store().history(&slowburn_store::Filter::default())?.activities.len())
        })?;
        time(&mut t[2], || Ok(app.today_view()?))?;
        time(&mut t[3], || Ok(app.review(&ReviewQuery { weeks: 12, ..ReviewQuery::default() })?))?;
        time(&mut t[4], || {
            Ok(app.trends(&TrendsQuery { months: 12, compare: 2, ..TrendsQuery::default() })?)
        })?;
        time(&mut t[5], || Ok(app.runs(&RunsQuery { limit: Some(20), ..RunsQuery::default() })?))?;
        time(&mut t[6], || Ok(app.week(None, &ReviewOptions::default())?))?;
        time(&mut t[7], || Ok(app.standing()?))?;
    }
    let what = [
        "open store + App::open",
        "whole-history read (store.history, no filter)",
        "today_view (reads 13 months)",
        "review 12 weeks (reads the whole history)",
        "trends 12 months (reads the whole history)",
        "runs limit 20 (reads the whole history)",
        "week (reads the whole history)",
        "standing (review + today_view)",
    ];
    println!(
        "in-process breakdown for {name} ({rows} activities), p50 / max of {REPS}, no HTTP \
         (the dashboard page = today_view + review + trends):"
    );
    for (w, v) in what.iter().zip(&t) {
        println!("  {w}: {:.1} ms / {:.1} ms", pct(v, 0.5), pct(v, 1.0));
    }
    Ok(())
}

/// CPU seconds so far: this process (the server and the client), the `PostgreSQL` processes,
/// and the whole machine (busy, every core), from `/proc` (Linux, 100 ticks a second).
fn cpu() -> (f64, f64, f64) {
    const HZ: f64 = 100.0;
    let ticks = |stat: &str| -> f64 {
        // Fields after the command's closing parenthesis: state is 3rd, utime 14th, stime 15th.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let f: Vec<&str> = rest.split_whitespace().collect();
        let get = |i: usize| f.get(i - 3).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        get(14) + get(15)
    };
    let ours = std::fs::read_to_string("/proc/self/stat").map_or(0.0, |s| ticks(&s)) / HZ;
    let mut pg = 0.0;
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else { continue };
            if stat.contains("(postgres)") {
                pg += ticks(&stat) / HZ;
            }
        }
    }
    let machine = std::fs::read_to_string("/proc/stat").ok().and_then(|s| {
        let l = s.lines().next()?.to_owned();
        let v: Vec<f64> = l.split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
        // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
        Some(v.iter().sum::<f64>() - v.get(3).unwrap_or(&0.0) - v.get(4).unwrap_or(&0.0))
    });
    (ours, pg, machine.unwrap_or(0.0) / HZ)
}

/// Tallies of the load test.
#[derive(Default)]
struct Tally {
    times: Vec<Duration>,
    ok: usize,
    refused: usize,
    errors: BTreeMap<String, usize>,
    first_errors: Vec<String>,
    leaks: usize,
    first_leaks: Vec<String>,
    /// Answers of 200 that name their own athlete (so the scan does see names).
    named_self: usize,
    /// Times by route, the athletes' names replaced by `NAME`.
    by_route: BTreeMap<String, Vec<Duration>>,
}

impl Tally {
    fn error(&mut self, kind: String, detail: String) {
        *self.errors.entry(kind).or_default() += 1;
        if self.first_errors.len() < 5 {
            self.first_errors.push(detail);
        }
    }

    fn add(&mut self, path: &str, want: u16, allowed: &[&str], a: Res<Answer>) {
        match a {
            Err(e) => self.error("transport".into(), format!("{path}: {e}")),
            Ok(a) => {
                self.times.push(a.took);
                let mut route = path.to_owned();
                for n in allowed {
                    route = route.replace(n, if want == 200 { "NAME" } else { "OTHER" });
                }
                self.by_route.entry(route).or_default().push(a.took);
                if a.status == want {
                    if want == 200 {
                        self.ok += 1;
                    } else {
                        self.refused += 1;
                    }
                } else {
                    let t = a.text();
                    self.error(
                        format!("status {}", a.status),
                        format!("{path}: {} (wanted {want}) {}", a.status, &t[..t.len().min(240)]),
                    );
                }
                if a.status == 200
                    && allowed.iter().take(1).any(|me| names_in(&a.body).contains(me))
                {
                    self.named_self += 1;
                }
                let l = leaks(&a.body, allowed);
                if !l.is_empty() {
                    self.leaks += 1;
                    if self.first_leaks.len() < 5 {
                        self.first_leaks.push(format!("{path} names {l:?}"));
                    }
                }
            }
        }
    }

    fn merge(&mut self, o: Tally) {
        self.times.extend(o.times);
        self.ok += o.ok;
        self.refused += o.refused;
        for (k, v) in o.errors {
            *self.errors.entry(k).or_default() += v;
        }
        for e in o.first_errors {
            if self.first_errors.len() < 5 {
                self.first_errors.push(e);
            }
        }
        self.leaks += o.leaks;
        self.named_self += o.named_self;
        for (k, v) in o.by_route {
            self.by_route.entry(k).or_default().extend(v);
        }
        for l in o.first_leaks {
            if self.first_leaks.len() < 5 {
                self.first_leaks.push(l);
            }
        }
    }

    fn failures(&self) -> usize {
        self.errors.values().sum::<usize>() + self.leaks
    }
}

/// The routes of one athlete a session cycles through.
fn routes(prefix: &str) -> Vec<String> {
    vec![
        "/api/overview".into(),
        format!("{prefix}/"),
        format!("{prefix}/api/runs?limit=20"),
        format!("{prefix}/api/week"),
        format!("{prefix}/runs"),
        format!("{prefix}/api/today"),
        format!("{prefix}/api/trends"),
        format!("{prefix}/zones"),
    ]
}

fn serve(args: &Args, today: jiff::civil::Date) -> Res<bool> {
    let mut cfg = slowburn_web::WebConfig::server(
        Pool::new(&args.url, args.pool)?,
        slowburn_app::Config::default(),
    );
    cfg.today = Some(today);
    let server = slowburn_web::Server::bind("127.0.0.1:0".parse()?, cfg)?;
    let addr = server.local_addr()?;
    std::thread::spawn(move || {
        if let Err(e) = server.run() {
            eprintln!("club: the server stopped: {e}");
            std::process::exit(2);
        }
    });
    println!("server: http://{addr} (in this process), pool of {} connections", args.pool);
    let mut ok = true;

    // The coach's overview.
    let mut c = Client::new(addr);
    let (coach, took) = sign_in(&mut c, COACH)?;
    println!("sign-in ({COACH}, POST /api/session): {:.1} ms", ms(took));
    let granted: Vec<String> = (0..args.coach).map(athlete_name).collect();
    let allowed: Vec<&str> = granted.iter().map(String::as_str).collect();
    let a = c.get("/api/overview", &coach)?;
    check(&a, "/api/overview", 200, &allowed)?;
    let v: serde_json::Value = serde_json::from_slice(&a.body)?;
    let lines = v["athletes"].as_array().ok_or("the overview holds no athletes")?;
    let names: Vec<&str> = lines.iter().filter_map(|l| l["athlete"].as_str()).collect();
    let with_standing = lines.iter().filter(|l| !l["standing"].is_null()).count();
    if names.len() != granted.len() || names.iter().any(|n| !allowed.contains(n)) {
        println!("  WRONG: the overview lists {names:?}, the coach was granted {allowed:?}");
        ok = false;
    }
    println!(
        "coach overview, first request (every standing computed and kept): {:.1} ms; {} lines, {} \
         with a standing",
        ms(a.took),
        names.len(),
        with_standing
    );
    let first_html = c.get("/", &coach)?;
    check(&first_html, "/", 200, &allowed)?;
    let json = timed(&mut c, "/api/overview", &coach, WARM, &allowed)?;
    let html = timed(&mut c, "/", &coach, WARM, &allowed)?;
    println!("coach overview warm (kept standings), GET /api/overview: {}", stats(&json));
    println!(
        "coach overview warm, GET / (HTML; first {:.1} ms): {}",
        ms(first_html.took),
        stats(&html)
    );

    // One athlete's dashboard and two API routes: the first request of each of several athletes
    // (nothing kept yet), then warm repetitions on one.
    let sample: Vec<u32> =
        (0..COLD_SAMPLE.min(args.athletes)).map(|i| (args.coach + i) % args.athletes).collect();
    let mut tokens = Vec::new();
    let mut sign_ins = Vec::new();
    for &a in &sample {
        let (t, took) = sign_in(&mut c, &athlete_name(a))?;
        tokens.push(t);
        sign_ins.push(took);
    }
    println!("sign-in (argon2id verify), one at a time: {}", stats(&sign_ins));
    for (what, route) in
        [("dashboard page", "/"), ("API runs", "/api/runs?limit=20"), ("API week", "/api/week")]
    {
        let (mut cold, mut named) = (Vec::new(), 0);
        for (&a, token) in sample.iter().zip(&tokens) {
            let name = athlete_name(a);
            let path = format!("/athletes/{name}{route}");
            let first = c.get(&path, token)?;
            check(&first, &path, 200, &[&name])?;
            if names_in(&first.body).contains(&name.as_str()) {
                named += 1;
            }
            cold.push(first.took);
        }
        let name = athlete_name(sample[0]);
        let path = format!("/athletes/{name}{route}");
        let warm = timed(&mut c, &path, &tokens[0], WARM, &[&name])?;
        println!(
            "athlete {what} GET /athletes/NAME{route}: first request (uncached) over {} \
             athletes {}; warm (answer cache) {} [{named} of the first answers name their own \
             athlete]",
            sample.len(),
            stats(&cold),
            stats(&warm)
        );
    }
    // One run's page: the synthetic rows carry bench.rs's placeholder summary, which is not a
    // summary `slowburn_core::summary::decode` reads, so the run page is not measured; say what
    // it answers.
    let name = athlete_name(sample[0]);
    let list = c.get(&format!("/athletes/{name}/api/runs?limit=1"), &tokens[0])?;
    let v: serde_json::Value = serde_json::from_slice(&list.body)?;
    if let Some(id) = v[0]["id"].as_i64() {
        let path = format!("/athletes/{name}/api/runs/{id}");
        let a = c.get(&path, &tokens[0])?;
        let t = a.text();
        println!(
            "run detail GET /athletes/NAME/api/runs/ID (not timed: synthetic summary): {} {}",
            a.status,
            &t[..t.len().min(160)]
        );
    }
    // The coach opening an athlete's dashboard (cached apart from the athlete's own: the key
    // holds the caller's rights).
    let name = athlete_name(0);
    let path = format!("/athletes/{name}/");
    let first = c.get(&path, &coach)?;
    check(&first, &path, 200, &[&name])?;
    let warm = timed(&mut c, &path, &coach, WARM, &[&name])?;
    println!("coach opening {path}: first {:.1} ms, warm {}", ms(first.took), stats(&warm));

    breakdown(&args.url, &athlete_name(sample[0]), today)?;

    ok &= load_test(args, addr)?;

    // Was the first sampled athlete's page still kept after the load test's answers?
    let name = athlete_name(sample[0]);
    let path = format!("/athletes/{name}/");
    let again = timed(&mut c, &path, &tokens[0], 3, &[&name])?;
    println!(
        "after the load test, {path} again (warm before: see above): {:.1} ms, then {:.1} ms, \
         {:.1} ms",
        ms(again[0]),
        ms(again[1]),
        ms(again[2])
    );
    Ok(ok)
}

/// S sessions at once, each a different athlete.
fn load_test(args: &Args, addr: SocketAddr) -> Res<bool> {
    let s = args.sessions.min(args.athletes);
    if s < args.sessions {
        println!("load test: only {s} athletes, so {s} sessions (one athlete each)");
    }
    // Athletes spread over the club, the last ones first (the earlier ones were requested above).
    let who: Vec<u32> = (0..s).map(|i| args.athletes - 1 - i).collect();
    let barrier = Barrier::new(s as usize + 1);
    // Sign-in times, the storm's failures, and the failed ones' second try (after the storm).
    let sign_ins = Mutex::new((Vec::new(), Tally::default(), 0usize, Tally::default()));
    let tallies = [Mutex::new(Tally::default()), Mutex::new(Tally::default())];
    let tallies = &tallies;
    let mut signed_wall = Duration::ZERO;
    let mut rounds = [(Duration::ZERO, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)); 2];
    std::thread::scope(|sc| -> Res<()> {
        for (i, &a) in who.iter().enumerate() {
            let other = who[(i + 1) % who.len()];
            let (barrier, sign_ins) = (&barrier, &sign_ins);
            std::thread::Builder::new().stack_size(256 * 1024).spawn_scoped(sc, move || {
                let name = athlete_name(a);
                let other = athlete_name(other);
                let mut c = Client::new(addr);
                // Everyone signs in at once.
                barrier.wait();
                let mut token = match sign_in(&mut c, &name) {
                    Ok((t, took)) => {
                        if let Ok(mut g) = sign_ins.lock() {
                            g.0.push(took);
                        }
                        Some(t)
                    }
                    Err(e) => {
                        if let Ok(mut g) = sign_ins.lock() {
                            g.1.error("sign-in at once".into(), e.to_string());
                        }
                        None
                    }
                };
                barrier.wait();
                // A session the storm refused signs in again once it is over (counted apart),
                // so that every session takes part in the requests.
                if token.is_none() {
                    match sign_in(&mut c, &name) {
                        Ok((t, _)) => {
                            token = Some(t);
                            if let Ok(mut g) = sign_ins.lock() {
                                g.2 += 1;
                            }
                        }
                        Err(e) => {
                            if let Ok(mut g) = sign_ins.lock() {
                                g.3.error("sign-in again".into(), e.to_string());
                            }
                        }
                    }
                }
                barrier.wait();
                // Then everyone asks at once: the same requests in each round (the second finds
                // what the first left in the answer cache, if it is still there).
                if let Some(token) = token {
                    let prefix = format!("/athletes/{name}");
                    let routes = routes(&prefix);
                    for round in tallies {
                        barrier.wait();
                        let mut mine = Tally::default();
                        for k in 0..args.requests {
                            // Each session starts at a different route.
                            let path = &routes[(k + i) % routes.len()];
                            mine.add(path, 200, &[&name], c.get(path, &token));
                            if k == args.requests / 2 {
                                let theirs = format!("/athletes/{other}/");
                                let a = c.get(&theirs, &token);
                                mine.add(&theirs, 403, &[&name, &other], a);
                                let theirs = format!("/athletes/{other}/api/runs?limit=20");
                                let a = c.get(&theirs, &token);
                                mine.add(&theirs, 403, &[&name, &other], a);
                            }
                        }
                        if let Ok(mut t) = round.lock() {
                            t.merge(mine);
                        }
                        barrier.wait();
                    }
                } else {
                    for _ in tallies {
                        barrier.wait();
                        barrier.wait();
                    }
                }
            })?;
        }
        barrier.wait();
        let t = Instant::now();
        barrier.wait();
        signed_wall = t.elapsed();
        barrier.wait();
        for r in &mut rounds {
            barrier.wait();
            let (c, t) = (cpu(), Instant::now());
            barrier.wait();
            *r = (t.elapsed(), c, cpu());
        }
        Ok(())
    })?;
    let (sign_times, storm, again_ok, again) =
        sign_ins.into_inner().map_err(|_| "a session panicked")?;
    println!(
        "load test sign-in: {s} at once over POST /api/session in {:.1} s: {} signed in ({}), \
         {} failed{}",
        signed_wall.as_secs_f64(),
        sign_times.len(),
        stats(&sign_times),
        storm.failures(),
        if storm.failures() > 0 {
            format!(
                " (signed in again after the storm: {again_ok} did, {} failed again)",
                again.failures()
            )
        } else {
            String::new()
        }
    );
    for e in storm.first_errors.iter().take(2) {
        println!("  sign-in error: {e}");
    }
    let mut tally = Tally::default();
    for (r, (round, (wall, c0, c1))) in tallies.iter().zip(rounds).enumerate() {
        let round = std::mem::take(&mut *round.lock().map_err(|_| "a session panicked")?);
        let n = round.times.len();
        let (ours, pg, machine) = (c1.0 - c0.0, c1.1 - c0.1, c1.2 - c0.2);
        println!(
            "load test round {}: {} sessions x ({} own requests + 2 to another athlete) = {n} \
             answered in {:.2} s: {:.0} requests/s; latency {}",
            r + 1,
            s as usize - again.failures(),
            args.requests,
            wall.as_secs_f64(),
            n as f64 / wall.as_secs_f64(),
            stats(&round.times)
        );
        println!(
            "  CPU: {:.1} s this process (server + client), {:.1} s PostgreSQL, {:.1} s others; \
             the machine {:.0} % busy over {:.1} s x {} cores",
            ours,
            pg,
            (machine - ours - pg).max(0.0),
            100.0 * machine / (wall.as_secs_f64() * args.cores as f64),
            wall.as_secs_f64(),
            args.cores
        );
        for (route, v) in &round.by_route {
            println!("  {route}: {}", stats(v));
        }
        tally.merge(round);
    }
    tally.merge(storm);
    tally.merge(again);
    println!(
        "load test: {} answered 200, {} refused 403 as they must be, errors {} {:?}, \
         cross-athlete leaks {}",
        tally.ok,
        tally.refused,
        tally.errors.values().sum::<usize>(),
        tally.errors,
        tally.leaks
    );
    println!(
        "load test: {} of the {} answers of 200 name their own athlete (the scan sees names)",
        tally.named_self, tally.ok
    );
    for e in &tally.first_errors {
        println!("  error: {e}");
    }
    for l in &tally.first_leaks {
        println!("  leak: {l}");
    }
    Ok(tally.failures() == 0)
}

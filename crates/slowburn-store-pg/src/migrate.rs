//! Moving an athlete's store (an `SQLite` one, or any [`Store`]) into a [`PgStore`], losing
//! nothing: one `PostgreSQL` transaction that is committed only when the destination's
//! canonical dump is the source's, line for line, and every original's bytes hash to its name.
//!
//! Everything is read through the [`Store`] trait. Four values of an activity are not in its
//! read methods (`richness`, `end_ms`, `channels` and the span kept with its duplicates); they
//! are read through [`Batch::file_parts`] in a batch on the source that is never committed
//! (dropped, it rolls back: the source is unchanged, but it must be writable). The resolved
//! profile periods are read by walking [`Store::period_on`] back from the last day.

use std::fmt::Write as _;

use postgres::types::ToSql;
use sha2::{Digest, Sha256 as Sha256Hasher};
use slowburn_store::{
    compress, hex, Date, Filter, NewActivity, PeriodRow, Sha256, Store, StoreError, StoredRecording,
};

use crate::{activity_values, dump, get, pg, Db, Param, PgStore, Result, WRITE_COLUMNS};

/// What [`migrate_from`] copied (or found already there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrateReport {
    pub activities: usize,
    pub duplicates: usize,
    pub originals: usize,
    /// The originals' bytes, uncompressed.
    pub original_bytes: u64,
    pub athlete_entries: usize,
    pub daily_logs: usize,
    pub rpes: usize,
    pub labels: usize,
    pub profile_periods: usize,
    pub plans: usize,
    pub plan_revisions: usize,
    /// The destination already held exactly this history: nothing was written.
    pub already_there: bool,
}

fn refused(what: String) -> StoreError {
    StoreError::Backend { what, environment: false }
}

/// The first line where two dumps differ, for the message refusing a migration.
fn first_difference(want: &str, got: &str) -> String {
    let clip = |s: &str| s.chars().take(300).collect::<String>();
    for (i, (a, b)) in want.lines().zip(got.lines()).enumerate() {
        if a != b {
            return format!("line {}: source {:?}, destination {:?}", i + 1, clip(a), clip(b));
        }
    }
    format!(
        "the source has {} lines, the destination {}",
        want.lines().count(),
        got.lines().count()
    )
}

/// Every resolved profile period of `src`, first to last (walking [`Store::period_on`] back).
fn periods(src: &dyn Store) -> Result<Vec<PeriodRow>> {
    let mut out = Vec::new();
    let mut on = Date::MAX;
    while let Some(p) = src.period_on(on)? {
        let Ok(before) = p.from_date.yesterday() else {
            out.push(p);
            break;
        };
        if before >= on {
            break;
        }
        on = before;
        out.push(p);
    }
    out.reverse();
    Ok(out)
}

/// Copy athlete `src`'s whole store into `dst`'s athlete, in one transaction: every original
/// (its bytes checked against its SHA-256), activity (every analysis and derived column, label,
/// RPE, part, span), duplicate, profile entry, daily log, resolved profile period, plan with
/// its revisions, and the generations of derived state. It is committed only when `dst`'s
/// canonical dump equals `src`'s; otherwise nothing is written and the first difference is
/// named.
///
/// A destination athlete that already holds anything is refused untouched, unless it holds
/// exactly the source's history: then nothing is written and the report says
/// `already_there` (running a migration again is a no-op).
///
/// The source should not be written while this runs (a change between the reads is found by
/// the final comparison, and refused).
///
/// # Errors
/// The source's or the server's errors; [`StoreError::Original`] for an original whose bytes do
/// not hash to its name; [`StoreError::Backend`] when the destination holds another history or
/// the copy would differ from the source.
pub fn migrate_from(src: &mut dyn Store, dst: &mut PgStore) -> Result<MigrateReport> {
    dst.need(crate::Action::Admin)?;
    let want = src.canonical_dump()?;
    let generations = src.generations()?;
    let originals = src.original_list()?;
    let history = src.history(&Filter::default())?;
    let periods = periods(&*src)?;
    let plans = src.plans()?;
    let mut summaries = Vec::with_capacity(history.activities.len());
    let mut duplicates = Vec::new();
    for h in &history.activities {
        let id = h.activity.id;
        summaries.push(src.activity_summary(id)?);
        duplicates.extend(src.duplicates(id)?);
    }
    let mut revisions = Vec::with_capacity(plans.len());
    for p in &plans {
        revisions.push(src.plan_revisions(p.id)?);
    }
    // What only a batch reads: the recordings' richness, end, channels and span.
    let mut recordings: std::collections::HashMap<i64, StoredRecording> =
        std::collections::HashMap::new();
    {
        let mut b = src.batch()?;
        for o in &originals {
            for r in b.file_parts(&o.sha256)? {
                recordings.insert(r.id, r);
            }
        }
        // Dropped without commit: rolled back, the source is as it was.
    }

    let athlete = dst.athlete;
    let cache = dst.cache.get_mut();
    let mut tx = dst.client.get_mut().transaction().map_err(pg)?;
    let mut db = Db { c: &mut tx, cache, athlete };
    // The athlete's write lock, held to the end.
    if db.opt("SELECT 1 FROM generations WHERE athlete_id = $1 FOR UPDATE", &[])?.is_none() {
        return Err(db.no_athlete());
    }
    let holds = db.opt(
        "SELECT 1 WHERE EXISTS (SELECT 1 FROM originals WHERE athlete_id = $1) \
           OR EXISTS (SELECT 1 FROM activities WHERE athlete_id = $1) \
           OR EXISTS (SELECT 1 FROM athlete_entries WHERE athlete_id = $1) \
           OR EXISTS (SELECT 1 FROM daily_log WHERE athlete_id = $1) \
           OR EXISTS (SELECT 1 FROM profile_periods WHERE athlete_id = $1) \
           OR EXISTS (SELECT 1 FROM plans WHERE athlete_id = $1)",
        &[],
    )?;
    if holds.is_some() {
        let got = dump(&mut db)?;
        if got == want {
            return Ok(MigrateReport {
                activities: history.activities.len(),
                duplicates: duplicates.len(),
                originals: originals.len(),
                already_there: true,
                ..MigrateReport::default()
            });
        }
        return Err(refused(format!(
            "athlete {:?} already holds another history: nothing was migrated ({})",
            dst.name,
            first_difference(&want, &got)
        )));
    }

    let mut report = MigrateReport::default();
    for o in &originals {
        let bytes = src.original(&o.sha256)?;
        let found: Sha256 = Sha256Hasher::digest(&bytes).into();
        if found != o.sha256 {
            return Err(StoreError::Original {
                sha: hex(&o.sha256),
                why: format!("its bytes hash to {}: nothing was migrated", hex(&found)),
            });
        }
        let packed = compress(&bytes)
            .map_err(|e| StoreError::Original { sha: hex(&o.sha256), why: e.to_string() })?;
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let sha = &o.sha256[..];
        db.exec(
            "INSERT INTO originals (athlete_id, sha256, name, size, data) \
             VALUES ($1, $2, $3, $4, $5)",
            &[&sha, &o.name, &size, &packed],
        )?;
        report.originals += 1;
        report.original_bytes += bytes.len() as u64;
    }

    let n = WRITE_COLUMNS.len();
    let cols: Vec<&str> = WRITE_COLUMNS.iter().map(|(c, _)| *c).collect();
    let marks: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    // Each activity keeps its id: the runner's labels, notes and scripts name runs by it.
    let insert = format!(
        "INSERT INTO activities (athlete_id, {}, label, span_start_ms, span_end_ms, id) \
         VALUES (${}, {}, ${}, ${}, ${}, ${}) RETURNING id",
        cols.join(", "),
        n + 1,
        marks.join(", "),
        n + 2,
        n + 3,
        n + 4,
        n + 5,
    );
    let at = |c: &str| WRITE_COLUMNS.iter().position(|(w, _)| *w == c);
    let mut ids = std::collections::HashMap::new();
    for (h, summary) in history.activities.iter().zip(summaries) {
        let a = &h.activity;
        let rec = recordings.get(&a.id).ok_or_else(|| {
            refused(format!(
                "activity {} of the source has no original file: nothing was migrated",
                a.id
            ))
        })?;
        let new = NewActivity {
            sha256: a.sha256,
            part: rec.part,
            data: a.data.clone(),
            summary,
            facts: h.facts.clone(),
            richness: rec.richness,
            hr_hist: h.hr_hist.clone(),
            pace_hist: h.pace_hist.clone(),
            end_ms: rec.end_ms,
            channels: rec.channels,
        };
        let mut values = activity_values(&new);
        // The derived state as stored, not the base type an import starts from.
        for (col, v) in [
            ("run_type", Box::new(a.derived.run_type.clone()) as Box<dyn ToSql + Sync>),
            ("reason", Box::new(a.derived.reason.clone())),
            ("derived_confidence", Box::new(crate::real(a.derived.confidence))),
            ("why", Box::new(a.derived.why.clone())),
        ] {
            if let Some(i) = at(col) {
                values[i] = v;
            }
        }
        let mut p: Vec<Param<'_>> = values.iter().map(|v| &**v as Param<'_>).collect();
        p.push(&athlete);
        p.push(&a.label);
        p.push(&rec.span_start_ms);
        p.push(&rec.span_end_ms);
        p.push(&a.id);
        let st = db.prepare(&insert, None)?;
        let rows = db.c.query(&st, &p).map_err(pg)?;
        let new_id: i64 = match rows.first() {
            Some(r) => get(r, 0)?,
            None => return Err(refused("inserting an activity returned no id".into())),
        };
        ids.insert(a.id, new_id);
        report.activities += 1;
        if a.label.is_some() {
            report.labels += 1;
        }
        if let Some(rpe) = h.rpe {
            db.exec(
                "INSERT INTO activity_rpe (athlete_id, activity_id, rpe) VALUES ($1, $2, $3)",
                &[&new_id, &rpe],
            )?;
            report.rpes += 1;
        }
    }
    for d in &duplicates {
        let Some(into) = ids.get(&d.activity_id) else {
            return Err(refused(format!(
                "a duplicate of activity {} that the source's history does not list: nothing \
                 was migrated",
                d.activity_id
            )));
        };
        let mut d = d.clone();
        d.activity_id = *into;
        db.write_duplicate(&d)?;
        report.duplicates += 1;
    }
    for e in &history.entries {
        let date = e.from_date.to_string();
        db.exec(
            "INSERT INTO athlete_entries (athlete_id, from_date, entry) VALUES ($1, $2, $3)",
            &[&date, &e.entry],
        )?;
        report.athlete_entries += 1;
    }
    for l in &history.logs {
        let date = l.date.to_string();
        let value = crate::real(l.value);
        db.exec(
            "INSERT INTO daily_log (athlete_id, date, kind, value, text) \
             VALUES ($1, $2, $3, $4, $5)",
            &[&date, &l.kind, &value, &l.text],
        )?;
        report.daily_logs += 1;
    }
    for p in &periods {
        let from = p.from_date.to_string();
        db.exec(
            "INSERT INTO profile_periods (athlete_id, from_date, profile) VALUES ($1, $2, $3)",
            &[&from, &p.profile],
        )?;
        report.profile_periods += 1;
    }
    for (plan, revs) in plans.iter().zip(&revisions) {
        // A plan keeps its id too (`plan show ID`).
        let Some(r) = db.opt(
            "INSERT INTO plans (athlete_id, id, created) VALUES ($1, $2, $3) RETURNING id",
            &[&plan.id, &plan.created],
        )?
        else {
            return Err(refused("inserting a plan returned no id".into()));
        };
        let id: i64 = get(&r, 0)?;
        for rev in revs {
            let n = i64::from(rev.revision);
            db.exec(
                "INSERT INTO plan_revisions (athlete_id, plan_id, revision, created, reason, plan) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[&id, &n, &rev.created, &rev.reason, &rev.plan],
            )?;
            report.plan_revisions += 1;
        }
        report.plans += 1;
    }
    db.exec(
        "UPDATE generations SET inputs = $2, derived = $3, changes = changes + 1 \
         WHERE athlete_id = $1",
        &[&generations.inputs, &generations.derived],
    )?;
    // The ids kept are taken from the shared sequences: later rows of any athlete get new
    // ones above them (advancing a sequence is never undone, which only skips numbers).
    for (table, column) in [("activities", "id"), ("plans", "id")] {
        db.c.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
                 GREATEST((SELECT max({column}) FROM {table}), \
                          (SELECT last_value FROM {table}_{column}_seq)))"
            ),
            &[],
        )
        .map_err(pg)?;
    }

    let got = dump(&mut db)?;
    if got != want {
        let mut why = String::new();
        let _ = write!(
            why,
            "the copy in PostgreSQL would differ from the source, so nothing was migrated ({})",
            first_difference(&want, &got)
        );
        return Err(refused(why));
    }
    tx.commit().map_err(pg)?;
    Ok(report)
}

//! Writing one new file's activities: alone, or as the same run as what the store holds.
//!
//! # Design
//! A new recording is compared with every stored activity whose span (its kept recording and
//! the duplicates kept with it) it overlaps ([`same::same_run`]). What the import ends with
//! depends only on the set of files, never on their order: of the same run the recording that
//! [`Recorded::beats`] every other is kept and the others are its duplicates, each with a
//! reason that describes that copy alone; a new recording that is the same run as two stored
//! activities (a full recording arriving after two partial ones) folds them into one; a
//! multisport file keeps its legs, and a single recording of any of them is a duplicate of the
//! leg it overlaps most. Names, descriptions and gear from an export fill what the kept
//! activity lacks, whichever file brought them.

use slowburn_formats::sources::ExportMeta;
use slowburn_store::{Batch, DuplicateRow, NewActivity, StoredRecording};

use crate::same::{self, Recorded};
use crate::{add_meta_to, added_words, ImportError, Outcome};

/// What writing one file did.
pub(crate) struct Written {
    pub(crate) outcome: Outcome,
    /// The activity of each part, in order (empty when the file is a duplicate).
    pub(crate) ids: Vec<i64>,
    pub(crate) metadata_added: usize,
}

/// The stored duplicate reason for a recording kept beside the activity of its run: it
/// describes that copy only, so it reads the same whatever order the files came in.
fn kept_as_copy(copy: &str) -> String {
    format!("same run as the kept recording; this copy: {copy}")
}

/// "kept the FIT (heart rate, …) over the GPX (position only, …)", saying why when the two
/// read alike.
fn kept_over(kept: &Recorded, other: &Recorded) -> String {
    let (k, o) = (kept.describe(), other.describe());
    let why = if k != o {
        ""
    } else if other.gzipped() && !kept.gzipped() {
        ": the same recording, not gzipped"
    } else if kept.richness > other.richness {
        ": as complete, with fewer decoder warnings or more laps"
    } else {
        ": the same recording"
    };
    format!("kept the {k} over the {o}{why}")
}

fn span_of(r: &StoredRecording) -> Option<(i64, i64)> {
    r.span_start_ms.zip(r.span_end_ms)
}

fn own_span(r: &StoredRecording) -> Option<(i64, i64)> {
    r.start_ms.zip(r.end_ms)
}

/// Stored activities that are the same run as recording `a` (other files only).
fn same_runs(
    batch: &mut dyn Batch,
    a: &NewActivity,
    own_sha: &[u8; 32],
) -> Result<Vec<StoredRecording>, ImportError> {
    let Some(span) = a.data.start_ms.zip(a.end_ms) else { return Ok(Vec::new()) };
    Ok(batch
        .overlapping(span.0, span.1)?
        .into_iter()
        .filter(|c| c.sha256 != *own_sha)
        .filter(|c| span_of(c).is_some_and(|s| same::same_run(span, a.data.sport, s, c.sport)))
        .collect())
}

/// The index of the span in `among` that `span` overlaps most (ties: the first).
fn most_overlapped(span: Option<(i64, i64)>, among: &[Option<(i64, i64)>]) -> usize {
    let Some(span) = span else { return 0 };
    let mut best = (0, i64::MIN);
    for (i, s) in among.iter().enumerate() {
        let o = s.map_or(i64::MIN + 1, |s| same::overlap_ms(span, s));
        if o > best.1 {
            best = (i, o);
        }
    }
    best.0
}

fn duplicate(r: &Recorded, activity_id: i64, reason: String) -> DuplicateRow {
    DuplicateRow {
        sha256: r.sha,
        activity_id,
        source_name: r.source_name.clone(),
        reason,
        start_ms: r.span.map(|s| s.0),
        end_ms: r.span.map(|s| s.1),
        sport: r.sport,
    }
}

fn with_added(reason: String, added: slowburn_store::MetaAdded) -> String {
    if added.any() {
        format!("{reason}; {}", added_words(added))
    } else {
        reason
    }
}

/// Write a new file's activities (`parts`: one, or one per leg), its original being stored.
pub(crate) fn write(
    batch: &mut dyn Batch,
    parts: &[NewActivity],
    meta: Option<&ExportMeta>,
) -> Result<Written, ImportError> {
    match parts {
        [] => Ok(Written {
            outcome: Outcome::Failed { reason: "internal: no activity".into() },
            ids: Vec::new(),
            metadata_added: 0,
        }),
        [one] => write_single(batch, one, meta),
        _ => write_multisport(batch, parts, meta),
    }
}

fn write_single(
    batch: &mut dyn Batch,
    a: &NewActivity,
    meta: Option<&ExportMeta>,
) -> Result<Written, ImportError> {
    let new = Recorded::of_new(a);
    let found = same_runs(batch, a, &a.sha256)?;
    if found.is_empty() {
        let id = batch.insert_activity(a)?;
        return Ok(Written { outcome: Outcome::Imported { id }, ids: vec![id], metadata_added: 0 });
    }
    // A leg of a multisport file is kept over any single recording of it.
    let legs: Vec<&StoredRecording> = found.iter().filter(|c| c.part.parts > 1).collect();
    if !legs.is_empty() {
        let spans: Vec<_> = legs.iter().map(|c| own_span(c)).collect();
        let leg = legs[most_overlapped(new.span, &spans)];
        let kept = Recorded::of_stored(leg);
        batch.insert_duplicate(&duplicate(&new, leg.id, kept_as_copy(&new.describe())))?;
        let (n, added) = add_meta_to(batch, &[leg.id], meta)?;
        let reason = format!(
            "kept the {} over the {}: a multisport recording keeps its legs",
            kept.describe(),
            new.describe()
        );
        return Ok(Written {
            outcome: Outcome::Duplicate { of: Some(leg.id), reason: with_added(reason, added) },
            ids: Vec::new(),
            metadata_added: n,
        });
    }
    let stored: Vec<Recorded> = found.iter().map(Recorded::of_stored).collect();
    let best = (0..stored.len())
        .reduce(|b, i| if stored[i].beats(&stored[b]) { i } else { b })
        .unwrap_or(0);
    let others = found.len() - 1;
    let and_others = match others {
        0 => String::new(),
        1 => " and one other recording of it".to_owned(),
        n => format!(" and {n} other recordings of it"),
    };
    if new.beats(&stored[best]) {
        // The new recording takes the place of the oldest activity of the run; the others are
        // folded into it.
        let target = (0..found.len()).min_by_key(|&i| found[i].id).unwrap_or(0);
        let id = found[target].id;
        batch.replace_activity(id, a, &kept_as_copy(&stored[target].describe()))?;
        for (i, c) in found.iter().enumerate() {
            if i != target {
                batch.merge_activity(c.id, id, Some(&kept_as_copy(&stored[i].describe())))?;
            }
        }
        let reason = format!("{}{and_others}", kept_over(&new, &stored[best]));
        return Ok(Written {
            outcome: Outcome::Replaced { id, reason },
            ids: vec![id],
            metadata_added: 0,
        });
    }
    let id = found[best].id;
    batch.insert_duplicate(&duplicate(&new, id, kept_as_copy(&new.describe())))?;
    for (i, c) in found.iter().enumerate() {
        if i != best {
            batch.merge_activity(c.id, id, Some(&kept_as_copy(&stored[i].describe())))?;
        }
    }
    let (n, added) = add_meta_to(batch, &[id], meta)?;
    let reason = kept_over(&stored[best], &new);
    let reason = if others > 0 {
        format!("{reason}; {others} more recording(s) of the run folded into it")
    } else {
        reason
    };
    Ok(Written {
        outcome: Outcome::Duplicate { of: Some(id), reason: with_added(reason, added) },
        ids: Vec::new(),
        metadata_added: n,
    })
}

fn write_multisport(
    batch: &mut dyn Batch,
    parts: &[NewActivity],
    meta: Option<&ExportMeta>,
) -> Result<Written, ImportError> {
    let sha = parts[0].sha256;
    let new: Vec<Recorded> = parts.iter().map(Recorded::of_new).collect();
    let new_span = same::file_span(&new);
    // Everything stored that is the same run as one of the legs.
    let mut found: Vec<StoredRecording> = Vec::new();
    for a in parts {
        for c in same_runs(batch, a, &sha)? {
            if !found.iter().any(|f| f.id == c.id) {
                found.push(c);
            }
        }
    }
    // Other multisport files of the same activity, each whole.
    let mut files: Vec<Vec<StoredRecording>> = Vec::new();
    for c in found.iter().filter(|c| c.part.parts > 1) {
        if !files.iter().any(|f| f.first().is_some_and(|p| p.sha256 == c.sha256)) {
            files.push(batch.file_parts(&c.sha256)?);
        }
    }
    let described: Vec<Vec<Recorded>> =
        files.iter().map(|f| f.iter().map(Recorded::of_stored).collect()).collect();
    let best_file =
        (0..files.len()).reduce(
            |b, i| {
                if same::file_beats(&described[i], &described[b]) {
                    i
                } else {
                    b
                }
            },
        );
    if let Some(b) = best_file.filter(|&b| !same::file_beats(&new, &described[b])) {
        // A richer recording of the whole activity is stored: this file is its duplicate,
        // kept with the leg it overlaps most.
        let spans: Vec<_> = files[b].iter().map(own_span).collect();
        let leg = &files[b][most_overlapped(new_span, &spans)];
        batch.insert_duplicate(&DuplicateRow {
            sha256: sha,
            activity_id: leg.id,
            source_name: parts[0].data.source_name.clone(),
            reason: kept_as_copy(&same::describe_file(&new)),
            start_ms: new_span.map(|s| s.0),
            end_ms: new_span.map(|s| s.1),
            sport: None,
        })?;
        let ids: Vec<i64> = files[b].iter().map(|p| p.id).collect();
        let (n, added) = add_meta_to(batch, &ids, meta)?;
        let reason = format!(
            "kept the {} over the {}",
            same::describe_file(&described[b]),
            same::describe_file(&new)
        );
        return Ok(Written {
            outcome: Outcome::Duplicate { of: Some(leg.id), reason: with_added(reason, added) },
            ids: Vec::new(),
            metadata_added: n,
        });
    }
    let mut ids = Vec::with_capacity(parts.len());
    for a in parts {
        ids.push(batch.insert_activity(a)?);
    }
    let leg_spans: Vec<Option<(i64, i64)>> = new.iter().map(|r| r.span).collect();
    let mut replaced: Vec<String> = Vec::new();
    // Poorer multisport files of the same activity: their legs fold into ours.
    for (file, desc) in files.iter().zip(&described) {
        for leg in file {
            let into = ids[most_overlapped(own_span(leg), &leg_spans)];
            batch.merge_activity(leg.id, into, None)?;
        }
        let whole = same::file_span(desc);
        batch.insert_duplicate(&DuplicateRow {
            sha256: file[0].sha256,
            activity_id: ids[most_overlapped(whole, &leg_spans)],
            source_name: file[0].source_name.clone(),
            reason: kept_as_copy(&same::describe_file(desc)),
            start_ms: whole.map(|s| s.0),
            end_ms: whole.map(|s| s.1),
            sport: None,
        })?;
        replaced.push(same::describe_file(desc));
    }
    // Single recordings of the activity or of a leg: each copy goes to the leg it overlaps most.
    for c in found.iter().filter(|c| c.part.parts <= 1) {
        let copies = batch.duplicates_of(c.id)?;
        let into = ids[most_overlapped(own_span(c), &leg_spans)];
        let kept = Recorded::of_stored(c);
        batch.merge_activity(c.id, into, Some(&kept_as_copy(&kept.describe())))?;
        for d in copies {
            let to = ids[most_overlapped(d.start_ms.zip(d.end_ms), &leg_spans)];
            if to != into {
                batch.insert_duplicate(&DuplicateRow { activity_id: to, ..d })?;
            }
        }
        replaced.push(kept.describe());
    }
    let outcome = if replaced.is_empty() {
        Outcome::Imported { id: ids[0] }
    } else {
        Outcome::Replaced {
            id: ids[0],
            reason: format!(
                "kept the {} over the {}",
                same::describe_file(&new),
                replaced.join(" and the ")
            ),
        }
    };
    Ok(Written { outcome, ids, metadata_added: 0 })
}

/// The duplicates of activity `id`, now the first of the legs `ids` (`legs` their recordings),
/// each go to the leg they overlap most.
pub(crate) fn spread_duplicates(
    batch: &mut dyn Batch,
    id: i64,
    legs: &[NewActivity],
    ids: &[i64],
) -> Result<(), ImportError> {
    let spans: Vec<Option<(i64, i64)>> =
        legs.iter().map(|a| a.data.start_ms.zip(a.end_ms)).collect();
    for d in batch.duplicates_of(id)? {
        let Some(span) = d.start_ms.zip(d.end_ms) else { continue };
        let to = ids.get(most_overlapped(Some(span), &spans)).copied().unwrap_or(id);
        if to != id {
            batch.insert_duplicate(&DuplicateRow { activity_id: to, ..d })?;
        }
    }
    Ok(())
}

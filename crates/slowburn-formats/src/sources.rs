//! Where recordings come from: files, directories (a watch's USB folder), Strava bulk exports
//! (zip or unpacked, with `activities.csv`), Garmin Connect exports (nested zips, with the
//! activities' names in `*_summarizedActivities.json`).
//!
//! # Design
//! [`enumerate`] walks the inputs and lists every candidate *entry* — a file, or a member of a
//! zip (zips inside zips included) — without reading its bytes, so a 10-year archive is never
//! held in memory at once; [`Entry::read`] loads one entry, with hard size limits. Archive
//! member names are only ever used as labels: nothing is written to disk, so `..` or absolute
//! paths inside an archive cannot escape anywhere. Symlink loops, unreadable folders and
//! damaged archives become [`Failure`]s naming the path, and the walk goes on.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest single recording we read (a 24-hour 1 Hz FIT file is under 10 MB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Largest zip nested inside another zip that we unpack into memory.
pub const MAX_NESTED_ZIP_BYTES: u64 = 1024 * 1024 * 1024;

/// What an export says about an activity (Strava's `activities.csv`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportMeta {
    pub name: Option<String>,
    pub description: Option<String>,
    pub gear: Option<String>,
    pub activity_type: Option<String>,
}

#[derive(Debug, Clone)]
enum Location {
    File(PathBuf),
    /// Member `index` of the zip file at `path`.
    Zip {
        path: PathBuf,
        index: usize,
    },
    /// Member `index` of a zip held in memory (a zip inside a zip).
    NestedZip {
        bytes: Arc<Vec<u8>>,
        index: usize,
    },
}

/// One candidate recording.
#[derive(Debug, Clone)]
pub struct Entry {
    /// How we name it to the user: `path/to/file.fit` or `export.zip!activities/1.fit.gz`.
    pub name: String,
    /// Size on disk or as the archive declares it (the real size is enforced on read).
    pub size: u64,
    pub meta: Option<ExportMeta>,
    location: Location,
}

/// An input that could not be walked or read, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub name: String,
    pub reason: String,
}

/// Extensions we consider recordings (case-insensitive; `.gz` of each too).
fn is_candidate(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.strip_suffix(".gz").unwrap_or(&lower);
    base.ends_with(".fit") || base.ends_with(".gpx") || base.ends_with(".tcx")
}

fn is_zip_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".zip")
}

impl Entry {
    /// Read the entry's bytes (still possibly gzipped), refusing anything over
    /// [`MAX_FILE_BYTES`] whatever size it claims.
    pub fn read(&self) -> Result<Vec<u8>, Failure> {
        let fail = |reason: String| Failure { name: self.name.clone(), reason };
        let mut buf = Vec::new();
        match &self.location {
            Location::File(path) => {
                let f = File::open(path).map_err(|e| fail(format!("cannot open: {e}")))?;
                read_limited(f, &mut buf).map_err(fail)?;
            }
            Location::Zip { path, index } => {
                let f = File::open(path).map_err(|e| fail(format!("cannot open archive: {e}")))?;
                let mut z =
                    zip::ZipArchive::new(f).map_err(|e| fail(format!("damaged zip: {e}")))?;
                let m = z.by_index(*index).map_err(|e| fail(format!("damaged zip member: {e}")))?;
                read_limited(m, &mut buf).map_err(fail)?;
            }
            Location::NestedZip { bytes, index } => {
                let mut z = zip::ZipArchive::new(std::io::Cursor::new(Shared(Arc::clone(bytes))))
                    .map_err(|e| fail(format!("damaged zip: {e}")))?;
                let m = z.by_index(*index).map_err(|e| fail(format!("damaged zip member: {e}")))?;
                read_limited(m, &mut buf).map_err(fail)?;
            }
        }
        if buf.is_empty() {
            return Err(fail("empty file".into()));
        }
        Ok(buf)
    }
}

fn read_limited(r: impl Read, buf: &mut Vec<u8>) -> Result<(), String> {
    let mut limited = r.take(MAX_FILE_BYTES + 1);
    limited.read_to_end(buf).map_err(|e| format!("cannot read: {e}"))?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "larger than {} MiB, the limit for one recording (a zip bomb, or not a recording)",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    Ok(())
}

/// An export's list of activities read whole: a Garmin Connect export's
/// `DI-Connect-Fitness/*_summarizedActivities.json`, which names each activity by its start
/// time rather than by file (the import matches them once the recordings are decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportList {
    /// `export.zip!DI_CONNECT/DI-Connect-Fitness/…_summarizedActivities.json`.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Everything found under `inputs`, in a stable order (sorted by name within each input).
#[derive(Debug, Default)]
pub struct Walk {
    pub entries: Vec<Entry>,
    pub failures: Vec<Failure>,
    /// Files seen that are not recordings (photos, CSVs …), not counted as failures.
    pub ignored: usize,
    /// Garmin Connect activity lists found beside the recordings.
    pub lists: Vec<ExportList>,
}

/// Is this a Garmin Connect export's list of activities (`…_summarizedActivities.json`)?
fn is_garmin_list(name: &str) -> bool {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name).to_ascii_lowercase();
    file.ends_with(".json") && file.contains("summarizedactivities")
}

/// List every recording under `inputs` (files, folders, zips).
#[must_use]
pub fn enumerate(inputs: &[PathBuf]) -> Walk {
    let mut w = Walk::default();
    for input in inputs {
        let name = input.display().to_string();
        match std::fs::metadata(input) {
            Err(e) => w.failures.push(Failure { name, reason: format!("cannot read: {e}") }),
            Ok(m) if m.is_dir() => walk_dir(input, &mut w),
            Ok(m) => add_file(input, m.len(), &mut w, true),
        }
    }
    w
}

fn walk_dir(dir: &Path, w: &mut Walk) {
    let mut files: Vec<(PathBuf, u64)> = Vec::new();
    // Follow links (a watch mounted through a symlink) but detect loops.
    for item in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        match item {
            Err(e) => {
                let name =
                    e.path().map_or_else(|| dir.display().to_string(), |p| p.display().to_string());
                let reason = if e.loop_ancestor().is_some() {
                    "directory symlink loop; not followed".to_owned()
                } else {
                    format!("cannot read: {e}")
                };
                w.failures.push(Failure { name, reason });
            }
            Ok(e) if e.file_type().is_file() => {
                let len = e.metadata().map_or(0, |m| m.len());
                files.push((e.into_path(), len));
            }
            Ok(_) => {}
        }
    }
    // Strava's export has activities.csv at its root: names, descriptions, gear.
    let meta = read_strava_csv_file(&dir.join("activities.csv"), w);
    let before = w.entries.len();
    for (path, len) in files {
        let name = path.display().to_string();
        if is_garmin_list(&name) {
            match File::open(&path).map_err(|e| format!("cannot open: {e}")).and_then(|f| {
                let mut buf = Vec::new();
                read_limited(f, &mut buf).map(|()| buf)
            }) {
                Ok(bytes) => w.lists.push(ExportList { name, bytes }),
                Err(reason) => w.failures.push(Failure { name, reason }),
            }
            continue;
        }
        add_file(&path, len, w, false);
    }
    if let Some(meta) = meta {
        for e in &mut w.entries[before..] {
            if let Ok(rel) = Path::new(&e.name).strip_prefix(dir) {
                let key = rel.to_string_lossy().replace('\\', "/");
                e.meta = meta.get(&key).cloned();
            }
        }
    }
}

fn add_file(path: &Path, len: u64, w: &mut Walk, explicit: bool) {
    let name = path.display().to_string();
    if is_zip_name(&name) {
        match File::open(path)
            .map_err(|e| e.to_string())
            .and_then(|f| zip::ZipArchive::new(f).map_err(|e| format!("not a readable zip: {e}")))
        {
            Ok(z) => walk_zip(z, &name, &|index| Location::Zip { path: path.to_owned(), index }, w),
            Err(reason) => w.failures.push(Failure { name, reason }),
        }
    } else if is_candidate(&name) || explicit {
        // A file named explicitly is tried whatever its extension; the decoder says what it is.
        w.entries.push(Entry {
            name,
            size: len,
            meta: None,
            location: Location::File(path.to_owned()),
        });
    } else {
        w.ignored += 1;
    }
}

/// Shared bytes of a zip held in memory, readable by many entries without copies.
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn read_member<R: Read + Seek>(
    z: &mut zip::ZipArchive<R>,
    i: usize,
    limit: u64,
) -> Result<Vec<u8>, String> {
    let m = z.by_index(i).map_err(|e| format!("damaged zip member: {e}"))?;
    let mut buf = Vec::new();
    m.take(limit + 1).read_to_end(&mut buf).map_err(|e| format!("cannot read: {e}"))?;
    if buf.len() as u64 > limit {
        return Err(format!("unpacks to more than {} MiB; not read (a zip bomb?)", limit >> 20));
    }
    Ok(buf)
}

fn walk_zip<R: Read + Seek>(
    mut z: zip::ZipArchive<R>,
    zip_name: &str,
    location: &dyn Fn(usize) -> Location,
    w: &mut Walk,
) {
    let mut csv: Option<(usize, String)> = None;
    let mut members: Vec<(usize, String, u64)> = Vec::new();
    let mut nested: Vec<(usize, String)> = Vec::new();
    let mut lists: Vec<(usize, String)> = Vec::new();
    for i in 0..z.len() {
        let Ok(m) = z.by_index_raw(i) else {
            w.failures.push(Failure {
                name: format!("{zip_name}!#{i}"),
                reason: "damaged zip member".into(),
            });
            continue;
        };
        if m.is_dir() {
            continue;
        }
        let inner = m.name().to_owned();
        let size = m.size();
        if inner.rsplit('/').next() == Some("activities.csv") {
            csv = Some((i, inner));
        } else if is_zip_name(&inner) {
            nested.push((i, inner));
        } else if is_garmin_list(&inner) {
            lists.push((i, inner));
        } else if is_candidate(&inner) {
            members.push((i, inner, size));
        } else {
            w.ignored += 1;
        }
    }
    // Strava: activities.csv names files relative to its own folder.
    let mut meta: HashMap<String, ExportMeta> = HashMap::new();
    let mut csv_prefix = String::new();
    if let Some((i, inner)) = csv {
        let name = format!("{zip_name}!{inner}");
        inner.trim_end_matches("activities.csv").clone_into(&mut csv_prefix);
        match read_member(&mut z, i, MAX_FILE_BYTES) {
            Ok(b) => meta = parse_strava_csv(&b, &name, w),
            Err(reason) => w.failures.push(Failure { name, reason }),
        }
    }
    for (i, inner) in lists {
        let name = format!("{zip_name}!{inner}");
        match read_member(&mut z, i, MAX_FILE_BYTES) {
            Ok(bytes) => w.lists.push(ExportList { name, bytes }),
            Err(reason) => w.failures.push(Failure { name, reason }),
        }
    }
    for (i, inner) in nested {
        let name = format!("{zip_name}!{inner}");
        let bytes = match read_member(&mut z, i, MAX_NESTED_ZIP_BYTES) {
            Ok(b) => Arc::new(b),
            Err(reason) => {
                w.failures.push(Failure { name, reason });
                continue;
            }
        };
        match zip::ZipArchive::new(std::io::Cursor::new(Shared(Arc::clone(&bytes)))) {
            Ok(inner_zip) => walk_zip(
                inner_zip,
                &name,
                &move |index| Location::NestedZip { bytes: Arc::clone(&bytes), index },
                w,
            ),
            Err(e) => w.failures.push(Failure { name, reason: format!("not a readable zip: {e}") }),
        }
    }
    for (i, inner, size) in members {
        let key = inner.strip_prefix(&csv_prefix).unwrap_or(&inner);
        let m = meta.get(key).cloned();
        w.entries.push(Entry {
            name: format!("{zip_name}!{inner}"),
            size,
            meta: m,
            location: location(i),
        });
    }
}

fn read_strava_csv_file(path: &Path, w: &mut Walk) -> Option<HashMap<String, ExportMeta>> {
    if !path.is_file() {
        return None;
    }
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(b) => Some(parse_strava_csv(&b, &name, w)),
        Err(e) => {
            w.failures.push(Failure { name, reason: format!("cannot read: {e}") });
            None
        }
    }
}

/// Strava's `activities.csv`: `Filename` → name, description, gear, type. Column names are
/// matched by header text (Strava has moved columns between export versions).
fn parse_strava_csv(bytes: &[u8], name: &str, w: &mut Walk) -> HashMap<String, ExportMeta> {
    let mut out = HashMap::new();
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            w.failures.push(Failure {
                name: name.to_owned(),
                reason: format!("not a readable CSV: {e}"),
            });
            return out;
        }
    };
    let col = |want: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(want));
    let (Some(file), name_c, desc_c, gear_c, type_c) = (
        col("Filename"),
        col("Activity Name"),
        col("Activity Description"),
        col("Activity Gear"),
        col("Activity Type"),
    ) else {
        w.failures.push(Failure { name: name.to_owned(), reason: "no Filename column".into() });
        return out;
    };
    for rec in rdr.records().flatten() {
        let get = |c: Option<usize>| {
            c.and_then(|i| rec.get(i)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
        };
        if let Some(f) = get(Some(file)) {
            out.insert(
                f,
                ExportMeta {
                    name: get(name_c),
                    description: get(desc_c),
                    gear: get(gear_c),
                    activity_type: get(type_c),
                },
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garmin_activity_lists_are_read_not_ignored() {
        assert!(is_garmin_list(
            "DI_CONNECT/DI-Connect-Fitness/me@x.com_0_summarizedActivities.json"
        ));
        assert!(!is_garmin_list("DI_CONNECT/DI-Connect-Fitness/me@x.com_0_workouts.json"));
        assert!(!is_garmin_list("summarizedActivities.csv"));
        let dir = std::env::temp_dir().join(format!("slowburn-garmin-list-{}", std::process::id()));
        let fitness = dir.join("DI_CONNECT/DI-Connect-Fitness");
        std::fs::create_dir_all(&fitness).expect("dir");
        std::fs::write(fitness.join("a_0_summarizedActivities.json"), b"[]").expect("write");
        std::fs::write(fitness.join("a_0_workouts.json"), b"[]").expect("write");
        let w = enumerate(std::slice::from_ref(&dir));
        assert_eq!(w.lists.len(), 1);
        assert_eq!(w.lists[0].bytes, b"[]");
        assert_eq!(w.ignored, 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn candidates_by_extension() {
        assert!(is_candidate("a/B.FIT"));
        assert!(is_candidate("x.fit.gz"));
        assert!(is_candidate("run.gpx"));
        assert!(!is_candidate("photo.jpg"));
        assert!(!is_candidate("activities.csv"));
    }

    #[test]
    fn strava_csv_maps_filenames_to_names_and_gear() {
        let csv = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Filename,Activity Gear\n\
                   1,\"Jan 1, 2024\",Morning Run,Run,\"easy, by the river\",activities/1.fit.gz,Pegasus 40\n";
        let mut w = Walk::default();
        let m = parse_strava_csv(csv.as_bytes(), "activities.csv", &mut w);
        let e = &m["activities/1.fit.gz"];
        assert_eq!(e.name.as_deref(), Some("Morning Run"));
        assert_eq!(e.description.as_deref(), Some("easy, by the river"));
        assert_eq!(e.gear.as_deref(), Some("Pegasus 40"));
        assert_eq!(e.activity_type.as_deref(), Some("Run"));
    }
}

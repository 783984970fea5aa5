//! Where recordings come from: files, directories (a watch's USB folder), Strava bulk exports
//! (zip or unpacked, with `activities.csv`), Garmin Connect exports (nested zips, with the
//! activities' names in `*_summarizedActivities.json`).
//!
//! # Design
//! [`enumerate`] walks the inputs and lists every candidate *entry* — a file, or a member of a
//! zip (zips inside zips included) — without reading its bytes, so a 10-year archive is never
//! held in memory at once; [`Entry::read`] loads one entry, with hard size limits. A zip's
//! directory is read once and shared by its entries (a zip of 100,000 members is not re-parsed
//! 100,000 times), a zip inside a zip is spooled to an unlinked temporary file of our own
//! naming rather than to memory, and a member that unpacks to more than it declares is refused
//! as it is read. Archive member names are only ever used as labels: nothing is written under
//! them, so `..` or absolute paths inside an archive cannot escape anywhere. Symlink loops, unreadable folders and
//! damaged archives become [`Failure`]s naming the path, and the walk goes on.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::detect::{read_capped, Capped, MAX_GUNZIPPED};

/// Largest single recording we read, plain or a zip member: the same 40 MiB as a gzip's
/// content ([`MAX_GUNZIPPED`], where the reasons are).
pub const MAX_FILE_BYTES: u64 = MAX_GUNZIPPED;
/// Largest zip nested inside another zip (Garmin's uploaded files come as parts of about
/// 1 GB); it is spooled to a temporary file, not memory.
pub const MAX_NESTED_ZIP_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// Most bytes of zips inside zips spooled in one walk, all together (a Garmin Connect export of
/// a long history has a few 1 GB parts): a thousand small zips each unpacking to 4 GiB cannot
/// fill the disk.
pub const MAX_SPOOLED_BYTES: u64 = 16 * 1024 * 1024 * 1024;
/// Deepest nesting of zips we walk (a Garmin Connect export is two: the export and its
/// `UploadedFiles_*.zip`). Each level is a recursion, a spooled temporary file and an open file;
/// found by fuzzing: a 324 KB zip of 3,000 nested zips overflowed the stack.
pub const MAX_ZIP_DEPTH: usize = 8;
/// Largest `activities.csv` or Garmin activity list read (Strava's for 5,000 activities is
/// about 5 MB).
pub const MAX_LIST_BYTES: u64 = MAX_GUNZIPPED;

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
    /// Member `index` of a zip (a file, or a zip inside a zip spooled to a temporary file).
    Zip {
        archive: Archive,
        index: usize,
    },
}

/// An open file read at positions of its own: clones share the file, not the position, so
/// every entry of one zip reads through one handle and one parsed directory.
#[derive(Debug, Clone)]
struct SharedFile {
    file: Arc<Mutex<File>>,
    pos: u64,
}

impl SharedFile {
    fn new(file: File) -> SharedFile {
        SharedFile { file: Arc::new(Mutex::new(file)), pos: 0 }
    }
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut f = self.file.lock().map_err(|_| std::io::Error::other("a reader panicked"))?;
        f.seek(SeekFrom::Start(self.pos))?;
        let n = f.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let bad = || std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek out of range");
        self.pos = match to {
            SeekFrom::Start(p) => p,
            SeekFrom::Current(d) => self.pos.checked_add_signed(d).ok_or_else(bad)?,
            SeekFrom::End(d) => {
                let f = self.file.lock().map_err(|_| std::io::Error::other("a reader panicked"))?;
                f.metadata()?.len().checked_add_signed(d).ok_or_else(bad)?
            }
        };
        Ok(self.pos)
    }
}

/// A zip whose directory was read once, shared by all its entries.
#[derive(Clone)]
struct Archive(zip::ZipArchive<SharedFile>);

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "zip of {} members", self.0.len())
    }
}

fn open_zip(file: File) -> Result<Archive, String> {
    zip::ZipArchive::new(SharedFile::new(file))
        .map(Archive)
        .map_err(|e| format!("not a readable zip: {e}"))
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
    /// [`MAX_FILE_BYTES`] whatever size it claims, and a FIT file over
    /// [`crate::detect::MAX_FIT_BYTES`].
    pub fn read(&self) -> Result<Vec<u8>, Failure> {
        let fail = |reason: String| Failure { name: self.name.clone(), reason };
        let buf = match &self.location {
            Location::File(path) => {
                let f = File::open(path).map_err(|e| fail(format!("cannot open: {e}")))?;
                let len = f.metadata().map_or(0, |m| m.len());
                if len > MAX_FILE_BYTES {
                    return Err(fail(too_large(MAX_FILE_BYTES)));
                }
                read_limited(f, MAX_FILE_BYTES, len).map_err(fail)?
            }
            Location::Zip { archive, index } => {
                let mut z = archive.0.clone();
                let m = z.by_index(*index).map_err(|e| fail(format!("damaged zip member: {e}")))?;
                read_member_capped(m, MAX_FILE_BYTES).map_err(fail)?
            }
        };
        if buf.is_empty() {
            return Err(fail("empty file".into()));
        }
        if let Some(reason) = crate::detect::fit_too_large(&buf) {
            return Err(fail(reason));
        }
        Ok(buf)
    }
}

fn too_large(limit: u64) -> String {
    format!("larger than {} MiB, the limit for one file (not a recording, or a bomb)", limit >> 20)
}

/// All of `r` (whose size is said to be `hint`), or why not: more than `limit` bytes, or a
/// read error. The buffer never grows past the limit.
fn read_limited(r: impl Read, limit: u64, hint: u64) -> Result<Vec<u8>, String> {
    read_capped(r, limit, hint).map_err(|e| match e {
        Capped::Over => too_large(limit),
        Capped::Io(e) => format!("cannot read: {e}"),
    })
}

/// A zip member's bytes: refused unread when it declares more than `limit`, and as soon as it
/// unpacks to more than it declares (a zip bomb lies about its size; a sound zip never does).
fn read_member_capped<R: Read>(
    m: zip::read::ZipFile<'_, R>,
    limit: u64,
) -> Result<Vec<u8>, String> {
    let declared = m.size();
    if declared > limit {
        return Err(format!(
            "declares {} MiB unpacked, more than the {} MiB limit for one file (a zip bomb?)",
            declared.div_ceil(1 << 20),
            limit >> 20
        ));
    }
    read_capped(m, declared, declared).map_err(|e| match e {
        Capped::Over => format!(
            "unpacks to more than the {declared} bytes it declares; not read (a zip bomb, or damaged)"
        ),
        Capped::Io(e) => format!("cannot read: {e}"),
    })
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
    /// Bytes of zips inside zips spooled to temporary files so far (at most
    /// [`MAX_SPOOLED_BYTES`]).
    spooled: u64,
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
            match File::open(&path)
                .map_err(|e| format!("cannot open: {e}"))
                .and_then(|f| read_limited(f, MAX_LIST_BYTES, len))
            {
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
        match File::open(path).map_err(|e| e.to_string()).and_then(open_zip) {
            Ok(z) => walk_zip(&z, &name, 0, w),
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

fn read_member(archive: &Archive, i: usize, limit: u64) -> Result<Vec<u8>, String> {
    let mut z = archive.0.clone();
    let m = z.by_index(i).map_err(|e| format!("damaged zip member: {e}"))?;
    read_member_capped(m, limit)
}

/// A zip inside a zip, unpacked to a temporary file that is unlinked at once (it lives as
/// long as its entries hold it open), never to memory.
fn spool_member(archive: &Archive, i: usize, spooled: &mut u64) -> Result<Archive, String> {
    static SPOOLED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut z = archive.0.clone();
    let mut m = z.by_index(i).map_err(|e| format!("damaged zip member: {e}"))?;
    let declared = m.size();
    if declared > MAX_NESTED_ZIP_BYTES {
        return Err(format!(
            "declares {} MiB unpacked, more than the {} MiB limit for a zip inside a zip",
            declared >> 20,
            MAX_NESTED_ZIP_BYTES >> 20
        ));
    }
    if spooled.saturating_add(declared) > MAX_SPOOLED_BYTES {
        return Err(format!(
            "the zips inside zips of this import unpack to more than {} GiB in all; not read",
            MAX_SPOOLED_BYTES >> 30
        ));
    }
    *spooled += declared;
    let n = SPOOLED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // Process, count and clock: a name no other import (nor a crashed one's leftover) has.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path =
        std::env::temp_dir().join(format!("slowburn-zip-{}-{n}-{nanos}.zip", std::process::id()));
    let io = |e: std::io::Error| format!("cannot unpack to {}: {e}", path.display());
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(io)?;
    // Unlinked now: the open handle keeps it until the last entry is dropped (on systems that
    // refuse to remove an open file it stays in the temporary folder).
    let _ = std::fs::remove_file(&path);
    let copied = std::io::copy(&mut (&mut m).take(declared + 1), &mut f).map_err(io)?;
    if copied > declared {
        return Err(format!(
            "unpacks to more than the {declared} bytes it declares; not read (a zip bomb, or damaged)"
        ));
    }
    f.flush().map_err(io)?;
    f.seek(SeekFrom::Start(0)).map_err(io)?;
    open_zip(f)
}

/// Walk the zip `z`, itself inside `depth` zips.
fn walk_zip(z: &Archive, zip_name: &str, depth: usize, w: &mut Walk) {
    let mut csv: Option<(usize, String)> = None;
    let mut members: Vec<(usize, String, u64)> = Vec::new();
    let mut nested: Vec<(usize, String)> = Vec::new();
    let mut lists: Vec<(usize, String)> = Vec::new();
    let mut raw = z.0.clone();
    for i in 0..raw.len() {
        let Ok(m) = raw.by_index_raw(i) else {
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
        match read_member(z, i, MAX_LIST_BYTES) {
            Ok(b) => meta = parse_strava_csv(&b, &name, w),
            Err(reason) => w.failures.push(Failure { name, reason }),
        }
    }
    for (i, inner) in lists {
        let name = format!("{zip_name}!{inner}");
        match read_member(z, i, MAX_LIST_BYTES) {
            Ok(bytes) => w.lists.push(ExportList { name, bytes }),
            Err(reason) => w.failures.push(Failure { name, reason }),
        }
    }
    for (i, inner) in nested {
        let name = format!("{zip_name}!{inner}");
        if depth + 1 >= MAX_ZIP_DEPTH {
            let reason = format!("a zip inside {MAX_ZIP_DEPTH} zips; not read (exports nest two)");
            w.failures.push(Failure { name, reason });
            continue;
        }
        match spool_member(z, i, &mut w.spooled) {
            Ok(inner_zip) => walk_zip(&inner_zip, &name, depth + 1, w),
            Err(reason) => w.failures.push(Failure { name, reason }),
        }
    }
    for (i, inner, size) in members {
        let key = inner.strip_prefix(&csv_prefix).unwrap_or(&inner);
        let m = meta.get(key).cloned();
        w.entries.push(Entry {
            name: format!("{zip_name}!{inner}"),
            size,
            meta: m,
            location: Location::Zip { archive: z.clone(), index: i },
        });
    }
}

fn read_strava_csv_file(path: &Path, w: &mut Walk) -> Option<HashMap<String, ExportMeta>> {
    if !path.is_file() {
        return None;
    }
    let name = path.display().to_string();
    match File::open(path)
        .map_err(|e| format!("cannot read: {e}"))
        .and_then(|f| read_limited(f, MAX_LIST_BYTES, 0))
    {
        Ok(b) => Some(parse_strava_csv(&b, &name, w)),
        Err(reason) => {
            w.failures.push(Failure { name, reason });
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

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write as _;
        let mut out = Vec::new();
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut out));
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in members {
            z.start_file(*name, o).expect("member");
            z.write_all(bytes).expect("write");
        }
        z.finish().expect("zip");
        out
    }

    fn patch_u32(bytes: &mut [u8], signature: u32, offset: usize, value: u32) {
        let sig = signature.to_le_bytes();
        let at = bytes.windows(4).position(|w| w == sig).expect("signature");
        bytes[at + offset..at + offset + 4].copy_from_slice(&value.to_le_bytes());
    }

    #[test]
    fn a_member_that_unpacks_to_more_than_it_declares_is_refused_as_it_is_read() {
        let zeros = vec![0u8; 100_000];
        let mut z = zip_of(&[("a.fit", &zeros)]);
        // Local header and central directory both say 1,000 bytes unpacked.
        patch_u32(&mut z, 0x0403_4b50, 22, 1_000);
        patch_u32(&mut z, 0x0201_4b50, 24, 1_000);
        let dir = std::env::temp_dir().join(format!("slowburn-lying-zip-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let p = dir.join("lying.zip");
        std::fs::write(&p, &z).expect("write");
        let w = enumerate(std::slice::from_ref(&p));
        assert_eq!(w.entries.len(), 1, "{:?}", w.failures);
        let e = w.entries[0].read().unwrap_err();
        assert!(e.reason.contains("more than the 1000 bytes it declares"), "{e:?}");
        assert!(e.name.ends_with("lying.zip!a.fit"), "{e:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn zips_inside_zips_are_spooled_within_a_total_budget() {
        let inner = zip_of(&[("x.fit", b"one")]);
        let parts: Vec<(String, &[u8])> =
            (0..5).map(|i| (format!("p{i}.zip"), inner.as_slice())).collect();
        let refs: Vec<(&str, &[u8])> = parts.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        let mut outer = zip_of(&refs);
        // Each part claims 3.75 GiB unpacked, in its local header and the central directory.
        let claim = 0xF000_0000u32.to_le_bytes();
        for (sig, offset) in [(0x0403_4b50u32, 22), (0x0201_4b50, 24)] {
            let sig = sig.to_le_bytes();
            let at: Vec<usize> =
                outer.windows(4).enumerate().filter(|(_, w)| *w == sig).map(|(i, _)| i).collect();
            for i in at {
                outer[i + offset..i + offset + 4].copy_from_slice(&claim);
            }
        }
        let dir =
            std::env::temp_dir().join(format!("slowburn-spool-budget-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let p = dir.join("parts.zip");
        std::fs::write(&p, &outer).expect("write");
        let w = enumerate(std::slice::from_ref(&p));
        // Four fit in 16 GiB (15 GiB claimed); the fifth is refused, named.
        assert_eq!(w.entries.len(), 4, "{:?}", w.failures);
        assert_eq!(w.failures.len(), 1, "{:?}", w.failures);
        assert!(w.failures[0].name.ends_with("parts.zip!p4.zip"), "{:?}", w.failures);
        assert!(w.failures[0].reason.contains("more than 16 GiB in all"), "{:?}", w.failures);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn zips_inside_zips_are_read_through_one_shared_directory() {
        let inner = zip_of(&[("x/1.fit", b"one"), ("x/2.fit", b"two")]);
        let outer = zip_of(&[("part1.zip", &inner), ("3.fit", b"three")]);
        let dir = std::env::temp_dir().join(format!("slowburn-nested-zip-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let p = dir.join("outer.zip");
        std::fs::write(&p, &outer).expect("write");
        let w = enumerate(std::slice::from_ref(&p));
        let mut got: Vec<(String, Vec<u8>)> = w
            .entries
            .iter()
            .map(|e| {
                (e.name.rsplit('!').next().unwrap_or_default().to_owned(), e.read().expect("read"))
            })
            .collect();
        got.sort();
        let want: Vec<(String, Vec<u8>)> =
            [("3.fit", "three"), ("x/1.fit", "one"), ("x/2.fit", "two")]
                .iter()
                .map(|(n, b)| ((*n).to_owned(), b.as_bytes().to_vec()))
                .collect();
        assert_eq!(got, want);
        // Read in parallel through the one handle, each at its own position.
        std::thread::scope(|s| {
            for e in &w.entries {
                s.spawn(move || assert!(e.read().is_ok()));
            }
        });
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

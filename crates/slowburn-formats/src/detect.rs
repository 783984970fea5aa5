//! Which format a file is in, from its content first and its name second, and decoding it
//! whatever it is: FIT, GPX or TCX, plain or gzipped (`activity.fit.gz`, as Strava's bulk
//! export ships them).
//!
//! # Design
//! Content beats the name: a `.gpx` that is really TCX is decoded as TCX. The name decides only
//! when the content says nothing (no FIT signature, no recognisable XML root), and then the
//! decoder's own error tells what is wrong. Gzip is unpacked into memory with a hard limit
//! ([`MAX_GUNZIPPED`]) into a buffer that never grows past it ([`read_capped`]), so a small
//! malicious archive costs at most the limit, not the limit doubled. [`decode_within`] decodes
//! under smaller limits and says when a file is over them, so an import can decode ordinary
//! files side by side and the rare huge one alone.

use std::borrow::Cow;
use std::io::Read;

use flate2::read::MultiGzDecoder;

use crate::error::DecodeError;
use crate::recording::Recording;
use crate::{fit, gpx, tcx};

/// Most bytes a gzipped file may unpack to, and (in `sources`) the most bytes of any one
/// recording: 40 MiB. A 24-hour 1 Hz FIT file is under 10 MB, and [`fit::MAX_SAMPLES`] records
/// (55 hours at 1 Hz) some 5 to 20 MB of FIT; a GPX file with heart rate, cadence and power
/// extensions takes about 350 bytes a point, so 40 MiB holds some 120,000 points (33 hours
/// at 1 Hz; GPX of longer events is usually a point every few seconds). The bytes are held
/// whole while a file is decoded and, freed, stay resident a moment after: with the samples,
/// what bounds an import's extra memory (measured in docs/RELIABILITY.md, Hostile input).
pub const MAX_GUNZIPPED: u64 = 40 * 1024 * 1024;

/// Most bytes of a FIT file: 24 MiB. [`fit::MAX_SAMPLES`] records of the richest kind (position,
/// altitude, heart rate, cadence, speed, power, running dynamics and developer fields, some
/// 120 bytes) fit in it; past it a FIT file is all records the decoder would not read, and
/// its bytes held during the analysis would take the import past its memory bound (measured
/// in docs/RELIABILITY.md, Hostile input).
pub const MAX_FIT_BYTES: u64 = 24 * 1024 * 1024;

/// Why a FIT file is refused for its size, or `None`.
#[must_use]
pub fn fit_too_large(bytes: &[u8]) -> Option<String> {
    (bytes.len() as u64 > MAX_FIT_BYTES && sniff(bytes) == Some(Format::Fit)).then(|| {
        format!(
            "a FIT file of {} MiB: more than the {} MiB limit ({} records, the most read, take less)",
            (bytes.len() as u64).div_ceil(1 << 20),
            MAX_FIT_BYTES >> 20,
            fit::MAX_SAMPLES
        )
    })
}

/// How far [`decode_within`] may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most plain bytes (after gunzip).
    pub plain_bytes: u64,
    /// Most samples decoded.
    pub samples: usize,
}

impl Default for Limits {
    /// The hard limits: [`MAX_GUNZIPPED`] and [`fit::MAX_SAMPLES`].
    fn default() -> Self {
        Limits { plain_bytes: MAX_GUNZIPPED, samples: fit::MAX_SAMPLES }
    }
}

/// Why [`read_capped`] stopped.
#[derive(Debug)]
pub enum Capped {
    /// More than the limit would come.
    Over,
    Io(std::io::Error),
}

/// Read `r` to its end into memory, failing as soon as more than `limit` bytes come. The
/// buffer is reserved from `hint` (a declared size) when it is within the limit and grows by
/// doubling otherwise, but its capacity never passes `limit`: a bomb costs the limit, once.
pub fn read_capped(mut r: impl Read, limit: u64, hint: u64) -> Result<Vec<u8>, Capped> {
    const BLOCK: usize = 64 * 1024;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut out: Vec<u8> = Vec::with_capacity(usize::try_from(hint).unwrap_or(0).min(limit));
    let mut block = vec![0u8; BLOCK];
    loop {
        let n = match r.read(&mut block) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Capped::Io(e)),
        };
        let len = out.len() + n;
        if len > limit {
            return Err(Capped::Over);
        }
        if len > out.capacity() {
            let want = (out.capacity() * 2).max(len).max(BLOCK).min(limit);
            out.reserve_exact(want - out.len());
        }
        out.extend_from_slice(&block[..n]);
    }
}

/// How many bytes of a file are searched for an XML root element.
const SNIFF_LEN: usize = 64 * 1024;

/// A file format we decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Fit,
    Gpx,
    Tcx,
}

/// Decode a FIT, GPX or TCX file, gzipped or not; `name` (a file name or path) is only used
/// when the content does not say which format it is.
pub fn decode_any(name: &str, bytes: &[u8]) -> Result<Recording, DecodeError> {
    let limits = Limits::default();
    let inner = unwrap_gzip(bytes, limits.plain_bytes)?;
    if is_gzip(bytes) {
        if let Some(reason) = fit_too_large(&inner) {
            return Err(DecodeError::Gzip { reason: format!("unpacks to {reason}") });
        }
    }
    decode_plain(strip_suffix_ignore_case(name, ".gz").unwrap_or(name), &inner, limits.samples)
}

/// [`decode_any`] within `limits` (each at most the hard limit): `Ok(None)` when the file is
/// larger (more plain bytes, or more samples) than they allow, to be decoded again with the
/// hard limits, where a file over them is an error (bytes) or read in part (samples, with a
/// warning).
pub fn decode_within(
    name: &str,
    bytes: &[u8],
    limits: Limits,
) -> Result<Option<Recording>, DecodeError> {
    let hard = Limits::default();
    let plain_limit = limits.plain_bytes.min(hard.plain_bytes);
    let samples_limit = limits.samples.min(hard.samples);
    let inner = match unwrap_gzip(bytes, plain_limit) {
        Ok(inner) => inner,
        Err(Unwrapped::Over(_)) if plain_limit < hard.plain_bytes => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if plain_limit < hard.plain_bytes && inner.len() as u64 > plain_limit {
        return Ok(None);
    }
    if is_gzip(bytes) {
        if let Some(reason) = fit_too_large(&inner) {
            return Err(DecodeError::Gzip { reason: format!("unpacks to {reason}") });
        }
    }
    let name = strip_suffix_ignore_case(name, ".gz").unwrap_or(name);
    let rec = decode_plain(name, &inner, samples_limit)?;
    if samples_limit < hard.samples && rec.samples.len() >= samples_limit {
        return Ok(None);
    }
    Ok(Some(rec))
}

/// Why [`unwrap_gzip`] failed.
enum Unwrapped {
    Over(u64),
    Damaged(String),
}

impl From<Unwrapped> for DecodeError {
    fn from(u: Unwrapped) -> DecodeError {
        let reason = match u {
            Unwrapped::Over(limit) => format!(
                "unpacks to more than {}; not read (a watch file is a few MB)",
                if limit > 0 && limit % (1 << 20) == 0 {
                    format!("{} MiB", limit >> 20)
                } else {
                    format!("{limit} bytes")
                }
            ),
            Unwrapped::Damaged(e) => format!("damaged data: {e}"),
        };
        DecodeError::Gzip { reason }
    }
}

/// The plain bytes: gunzipped (one level only: a gzip inside a gzip is not something watches
/// or exports produce), or the bytes themselves.
fn unwrap_gzip(bytes: &[u8], limit: u64) -> Result<Cow<'_, [u8]>, Unwrapped> {
    if is_gzip(bytes) {
        return gunzip(bytes, limit).map(Cow::Owned);
    }
    Ok(Cow::Borrowed(bytes))
}

fn decode_plain(name: &str, bytes: &[u8], max_samples: usize) -> Result<Recording, DecodeError> {
    match sniff(bytes).or_else(|| from_extension(name)) {
        Some(Format::Fit) => {
            let options = fit::DecodeOptions { max_samples, ..fit::DecodeOptions::default() };
            Ok(fit::decode_with(bytes, options)?)
        }
        Some(Format::Gpx) => Ok(gpx::decode_with_limit(bytes, max_samples)?),
        Some(Format::Tcx) => Ok(tcx::decode_with_limit(bytes, max_samples)?),
        None => Err(DecodeError::UnknownFormat {
            name: name.to_owned(),
            reason: if is_gzip(bytes) {
                "gzip inside gzip".to_owned()
            } else {
                "no FIT header, no <gpx> or <TrainingCenterDatabase> root, and an unknown extension"
                    .to_owned()
            },
        }),
    }
}

/// The format the content shows: the FIT signature `.FIT` at byte 8, or the root element of
/// an XML document (after a byte order mark, the declaration, comments and a doctype).
#[must_use]
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.get(8..12) == Some(b".FIT".as_slice()) {
        return Some(Format::Fit);
    }
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    let mut rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    loop {
        let lt = rest.iter().position(|&b| b == b'<')?;
        // Only whitespace may come before the root (or between the prolog's parts).
        if !rest[..lt].iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        rest = &rest[lt + 1..];
        match rest.first()? {
            b'?' => rest = after(rest, b"?>")?,
            b'!' if rest.starts_with(b"!--") => rest = after(rest, b"-->")?,
            b'!' => rest = after(rest, b">")?,
            _ => {
                let end = rest
                    .iter()
                    .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
                    .unwrap_or(rest.len());
                let qname = &rest[..end];
                let local = qname.rsplit(|&b| b == b':').next().unwrap_or(qname);
                return match local {
                    b"gpx" => Some(Format::Gpx),
                    b"TrainingCenterDatabase" => Some(Format::Tcx),
                    _ => None,
                };
            }
        }
    }
}

/// The rest of `s` after the first `pat`.
fn after<'a>(s: &'a [u8], pat: &[u8]) -> Option<&'a [u8]> {
    s.windows(pat.len()).position(|w| w == pat).map(|i| &s[i + pat.len()..])
}

/// The format a file name's extension says (`.fit`, `.gpx`, `.tcx`, any case).
#[must_use]
pub fn from_extension(name: &str) -> Option<Format> {
    let ext = name.rsplit_once('.')?.1;
    [("fit", Format::Fit), ("gpx", Format::Gpx), ("tcx", Format::Tcx)]
        .into_iter()
        .find(|(e, _)| ext.eq_ignore_ascii_case(e))
        .map(|(_, f)| f)
}

fn strip_suffix_ignore_case<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(suffix.len())?;
    let (head, tail) = (name.get(..cut)?, name.get(cut..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1F, 0x8B])
}

/// Unpack gzip (all members) into memory, failing once more than `limit` bytes come out.
fn gunzip(bytes: &[u8], limit: u64) -> Result<Vec<u8>, Unwrapped> {
    // The trailer's size field (mod 2^32) is a hint, never trusted past the limit, nor past
    // what deflate can plausibly reach for a watch file (64 times the input).
    let hint = bytes
        .len()
        .checked_sub(4)
        .and_then(|i| bytes.get(i..))
        .and_then(|t| <[u8; 4]>::try_from(t).ok())
        .map_or(0, |t| u64::from(u32::from_le_bytes(t)));
    let hint = hint.min(bytes.len() as u64 * 64);
    read_capped(MultiGzDecoder::new(bytes), limit, hint).map_err(|e| match e {
        Capped::Over => Unwrapped::Over(limit),
        Capped::Io(e) => Unwrapped::Damaged(e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;
    use flate2::Compression;

    use super::*;
    use crate::error::XmlError;
    use crate::recording::FileKind;

    const GPX: &[u8] = br#"<?xml version="1.0"?>
<!-- a comment with <gpx> in it -->
<gpx version="1.1"><trk><trkseg><trkpt lat="1" lon="2"/></trkseg></trk></gpx>"#;
    const TCX: &[u8] = br#"<?xml version="1.0"?><TrainingCenterDatabase><Activities><Activity Sport="Running"><Lap><Track>
<Trackpoint><Time>2024-01-01T00:00:00Z</Time></Trackpoint></Track></Lap></Activity></Activities></TrainingCenterDatabase>"#;

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn sniffs_content() {
        assert_eq!(sniff(GPX), Some(Format::Gpx));
        assert_eq!(sniff(TCX), Some(Format::Tcx));
        assert_eq!(sniff(b"\xEF\xBB\xBF  <ns:gpx/>"), Some(Format::Gpx));
        assert_eq!(sniff(b"<!DOCTYPE x><TrainingCenterDatabase>"), Some(Format::Tcx));
        assert_eq!(sniff(b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT"), Some(Format::Fit));
        assert_eq!(sniff(b"<kml>"), None);
        assert_eq!(sniff(b"hello <gpx>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn content_beats_extension() {
        let r = decode_any("run.gpx", TCX).unwrap();
        assert_eq!(r.samples.len(), 1);
        assert!(r.laps.len() == 1 && r.kind() == Some(FileKind::Activity));
        let r = decode_any("RUN.TCX", GPX).unwrap();
        assert_eq!(r.samples.lat[0], Some(1.0));
    }

    #[test]
    fn extension_decides_when_content_is_silent() {
        // A broken GPX: the GPX decoder's error, not "unknown format".
        let e = decode_any("x.GPX", b"garbage").unwrap_err();
        assert!(matches!(e, DecodeError::Xml(XmlError::NoRoot { .. })), "{e}");
        let e = decode_any("x.fit", b"garbage").unwrap_err();
        assert!(matches!(e, DecodeError::Fit(_)), "{e}");
        let e = decode_any("notes.txt", b"garbage").unwrap_err();
        assert!(e.to_string().starts_with("notes.txt: not a FIT, GPX or TCX file"), "{e}");
    }

    #[test]
    fn gunzips() {
        let r = decode_any("a.gpx.gz", &gz(GPX)).unwrap();
        assert_eq!(r.samples.len(), 1);
        // By magic, whatever the name; by name when the content is already plain.
        assert_eq!(decode_any("a", &gz(TCX)).unwrap().laps.len(), 1);
        assert_eq!(decode_any("a.gpx.gz", GPX).unwrap().samples.len(), 1);
        // Two members (concatenated gzip) read as one stream.
        let mut two = gz(&GPX[..40]);
        two.extend(gz(&GPX[40..]));
        assert_eq!(decode_any("a.gz", &two).unwrap().samples.len(), 1);
        let e = decode_any("a.gz", &gz(&gz(GPX))).unwrap_err();
        assert!(e.to_string().contains("gzip inside gzip"), "{e}");
    }

    #[test]
    fn gzip_damage_and_limit_are_errors() {
        let mut damaged = gz(GPX);
        let n = damaged.len();
        damaged.truncate(n / 2);
        let e = decode_any("a.gpx.gz", &damaged).unwrap_err();
        assert!(e.to_string().starts_with("gzip: damaged data"), "{e}");
        let big = gz(&vec![b' '; 10_000]);
        let e = DecodeError::from(gunzip(&big, 9_999).unwrap_err());
        assert_eq!(
            e.to_string(),
            "gzip: unpacks to more than 9999 bytes; not read (a watch file is a few MB)"
        );
        assert_eq!(gunzip(&big, 10_000).ok().map(|v| v.len()), Some(10_000));
    }

    #[test]
    fn capped_reads_never_grow_past_the_limit() {
        let zeros = vec![0u8; 1_000_000];
        let v = read_capped(&zeros[..], 1_000_000, 0).unwrap();
        assert!(v.len() == 1_000_000 && v.capacity() == 1_000_000, "{}", v.capacity());
        assert!(matches!(read_capped(&zeros[..], 999_999, 10), Err(Capped::Over)));
        // A lying hint costs nothing past the limit.
        let v = read_capped(&zeros[..10], 100, u64::MAX).unwrap();
        assert!(v.len() == 10 && v.capacity() <= 100);
    }

    #[test]
    fn decode_within_says_when_a_file_is_over_the_limits() {
        let r = decode_within("a.gpx.gz", &gz(GPX), Limits { plain_bytes: 10, samples: 5 });
        assert!(matches!(r, Ok(None)));
        let r = decode_within("a.gpx", GPX, Limits { plain_bytes: 10_000, samples: 1 });
        assert!(matches!(r, Ok(None)));
        let r = decode_within("a.gpx", GPX, Limits { plain_bytes: 10_000, samples: 2 });
        assert_eq!(r.unwrap().map(|r| r.samples.len()), Some(1));
        // Limits past the hard ones are the hard ones: a decoded file, not "over".
        let r = decode_within("a.gpx", GPX, Limits { plain_bytes: u64::MAX, samples: usize::MAX });
        assert_eq!(r.unwrap().map(|r| r.samples.len()), Some(1));
    }
}

//! Which format a file is in, from its content first and its name second, and decoding it
//! whatever it is: FIT, GPX or TCX, plain or gzipped (`activity.fit.gz`, as Strava's bulk
//! export ships them).
//!
//! # Design
//! Content beats the name: a `.gpx` that is really TCX is decoded as TCX. The name decides only
//! when the content says nothing (no FIT signature, no recognisable XML root), and then the
//! decoder's own error tells what is wrong. Gzip is unpacked into memory with a hard limit
//! ([`MAX_GUNZIPPED`]), so a small malicious archive cannot take unbounded memory.

use std::io::Read;

use flate2::read::MultiGzDecoder;

use crate::error::DecodeError;
use crate::recording::Recording;
use crate::{fit, gpx, tcx};

/// Most bytes a gzipped file may unpack to (512 MiB; a 24-hour 1 Hz FIT file is under 10 MB).
pub const MAX_GUNZIPPED: u64 = 512 * 1024 * 1024;

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
    if is_gzip(bytes) {
        let inner = gunzip(bytes, MAX_GUNZIPPED)?;
        let inner_name = strip_suffix_ignore_case(name, ".gz").unwrap_or(name);
        // One level only: a gzip inside a gzip is not something watches or exports produce.
        return decode_plain(inner_name, &inner);
    }
    decode_plain(strip_suffix_ignore_case(name, ".gz").unwrap_or(name), bytes)
}

fn decode_plain(name: &str, bytes: &[u8]) -> Result<Recording, DecodeError> {
    match sniff(bytes).or_else(|| from_extension(name)) {
        Some(Format::Fit) => Ok(fit::decode(bytes)?),
        Some(Format::Gpx) => Ok(gpx::decode(bytes)?),
        Some(Format::Tcx) => Ok(tcx::decode(bytes)?),
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
fn gunzip(bytes: &[u8], limit: u64) -> Result<Vec<u8>, DecodeError> {
    // The trailer's size field (mod 2^32) is a hint, never trusted past the limit.
    let hint = bytes
        .len()
        .checked_sub(4)
        .and_then(|i| bytes.get(i..))
        .and_then(|t| <[u8; 4]>::try_from(t).ok())
        .map_or(0, |t| u64::from(u32::from_le_bytes(t)));
    let cap = hint.min(limit).min(bytes.len() as u64 * 64);
    let mut out = Vec::with_capacity(usize::try_from(cap).unwrap_or(0));
    let mut reader = MultiGzDecoder::new(bytes).take(limit + 1);
    reader
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Gzip { reason: format!("damaged data: {e}") })?;
    if out.len() as u64 > limit {
        return Err(DecodeError::Gzip {
            reason: format!(
                "unpacks to more than {}; not read (a watch file is a few MB)",
                if limit > 0 && limit % (1 << 20) == 0 {
                    format!("{} MiB", limit >> 20)
                } else {
                    format!("{limit} bytes")
                }
            ),
        });
    }
    Ok(out)
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
        let e = gunzip(&big, 9_999).unwrap_err();
        assert_eq!(
            e.to_string(),
            "gzip: unpacks to more than 9999 bytes; not read (a watch file is a few MB)"
        );
        assert_eq!(gunzip(&big, 10_000).unwrap().len(), 10_000);
    }
}

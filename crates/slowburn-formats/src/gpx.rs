//! GPX 1.0 and 1.1: tracks (or, failing those, routes) with the common heart-rate, cadence,
//! temperature, speed and power extensions, decoded straight into a [`Recording`].
//! Also home of the small XML plumbing that [`crate::tcx`] shares (times, numbers, warnings,
//! line numbers, distance from positions).
//!
//! # Design
//! One streaming pass of `quick-xml` over the borrowed bytes, no DOM: a stack of the few element
//! kinds that matter says where we are, a point's start tag appends an empty sample, and the text
//! of a wanted child element is parsed and written into that sample's column at its end tag.
//! Elements are matched on their local names, so `gpxtpx:hr`, `ns3:hr`, `gpxdata:hr` and a bare
//! `<hr>` are all heart rate, whatever prefix (or namespace) a writer chose.
//!
//! Robustness over strictness: a bad value (`lat="undefined"`, `<ele>bad data</ele>`) becomes a
//! missing value and a warning naming its line; XML that breaks off (a truncated download)
//! keeps the points before the break, with a warning. Only input with no readable point at all
//! is an error. Nothing here panics on any input (see the property tests).
//!
//! Distance: GPX carries none, so `distance_m` is accumulated from the positions with the
//! haversine formula (2D, mean Earth radius), restarting at each segment break the way gpxpy's
//! `length_2d` does: movement between segments (the watch was paused) is not counted.

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::error::XmlError;
use crate::fit::MAX_SAMPLES;
use crate::recording::{Device, FileKind, Pause, Recording, Samples, Sport, TimestampMs, Warning};

/// Decode a GPX 1.0 or 1.1 file.
///
/// Track points become samples (all tracks and segments in order, with a [`Pause`] at each
/// segment break that has a time gap). A file with no track points but route points yields the
/// route points, with the kind [`FileKind::Course`]; waypoints alone give a course with no
/// samples.
pub fn decode(bytes: &[u8]) -> Result<Recording, XmlError> {
    decode_with_limit(bytes, MAX_SAMPLES)
}

/// [`decode`], reading at most `max_samples` points (never more than [`MAX_SAMPLES`]); past it
/// the rest of the file is not read, with a warning.
pub fn decode_with_limit(bytes: &[u8], max_samples: usize) -> Result<Recording, XmlError> {
    check_utf16(bytes)?;
    let mut d = GpxDecoder::new(bytes, max_samples.min(MAX_SAMPLES));
    drive(bytes, &mut d)?;
    Ok(d.finish())
}

/// Element kinds whose nesting matters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tag {
    Gpx,
    Metadata,
    Trk,
    Trkseg,
    Trkpt,
    Rte,
    Rtept,
    Wpt,
    Extensions,
    Other,
}

/// A child element whose text we read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    MetaName,
    TrkName,
    TrkType,
    Ele,
    Time,
    Speed,
    HeartRate,
    Cadence,
    Temperature,
    Power,
}

/// Samples of one kind of point (track or route), with where each segment starts.
#[derive(Default)]
struct Points {
    samples: Samples,
    /// Sample index at which each segment (or track, or route) starts, ascending.
    breaks: Vec<usize>,
}

impl Points {
    fn mark_break(&mut self) {
        let i = self.samples.len();
        if self.breaks.last() != Some(&i) {
            self.breaks.push(i);
        }
    }
}

struct Capture {
    field: Field,
    /// Stack depth of the captured element (its end tag ends the capture).
    depth: usize,
    /// Byte offset of its start tag.
    offset: u64,
}

struct GpxDecoder<'a> {
    stack: Vec<Tag>,
    text: String,
    capture: Option<Capture>,
    track: Points,
    route: Points,
    /// The point being read: `true` for a route point, `false` for a track point.
    point: Option<bool>,
    /// Number of `extensions` elements open inside the current point.
    ext_depth: usize,
    waypoints: usize,
    creator: Option<String>,
    meta_name: Option<String>,
    trk_names: Vec<String>,
    trk_types: Vec<String>,
    limit_hit: bool,
    max_samples: usize,
    notes: Notes<'a>,
}

impl<'a> GpxDecoder<'a> {
    fn new(bytes: &'a [u8], max_samples: usize) -> Self {
        let mut track = Points::default();
        // A conservative guess: a track point is rarely under 40 bytes.
        track.samples.reserve((bytes.len() / 40).min(max_samples));
        Self {
            stack: Vec::new(),
            text: String::new(),
            capture: None,
            track,
            route: Points::default(),
            point: None,
            ext_depth: 0,
            waypoints: 0,
            creator: None,
            meta_name: None,
            trk_names: Vec::new(),
            trk_types: Vec::new(),
            limit_hit: false,
            max_samples,
            notes: Notes::new(bytes),
        }
    }

    fn points(&mut self, route: bool) -> &mut Points {
        if route {
            &mut self.route
        } else {
            &mut self.track
        }
    }

    fn have_points(&self) -> bool {
        !self.track.samples.is_empty() || !self.route.samples.is_empty()
    }

    /// The XML breaks off at `offset`: keep what was read (dropping a half-read point), or fail
    /// when nothing was.
    fn broken_off(&mut self, offset: u64, reason: &str) -> Result<(), XmlError> {
        if let Some(route) = self.point.take() {
            let points = self.points(route);
            let n = points.samples.len().saturating_sub(1);
            points.samples.truncate(n);
        }
        if !self.have_points() {
            let line = self.notes.line_at(offset);
            return Err(XmlError::Syntax { line, offset, reason: reason.to_owned() });
        }
        let kept = self.track.samples.len().max(self.route.samples.len());
        self.notes.warn(offset, || {
            format!("not well-formed XML: {reason}; kept the {kept} points before it")
        });
        Ok(())
    }

    fn start(&mut self, e: &BytesStart<'_>, pos: u64) {
        let local = e.local_name();
        let name = local.as_ref();
        let parent = self.stack.last().copied();
        let mut tag = Tag::Other;
        let mut field = None;
        match parent {
            None => tag = Tag::Gpx,
            Some(Tag::Gpx) => match name {
                b"metadata" => tag = Tag::Metadata,
                b"trk" => {
                    tag = Tag::Trk;
                    self.track.mark_break();
                }
                b"rte" => {
                    tag = Tag::Rte;
                    self.route.mark_break();
                }
                b"wpt" => {
                    tag = Tag::Wpt;
                    self.waypoints += 1;
                }
                b"name" => field = Some(Field::MetaName), // GPX 1.0
                _ => {}
            },
            Some(Tag::Metadata) if name == b"name" => field = Some(Field::MetaName),
            Some(Tag::Trk) => match name {
                b"trkseg" => {
                    tag = Tag::Trkseg;
                    self.track.mark_break();
                }
                b"name" => field = Some(Field::TrkName),
                b"type" => field = Some(Field::TrkType),
                _ => {}
            },
            Some(Tag::Trkseg) if name == b"trkpt" => {
                tag = Tag::Trkpt;
                self.start_point(e, pos, false);
            }
            Some(Tag::Rte) if name == b"rtept" => {
                tag = Tag::Rtept;
                self.start_point(e, pos, true);
            }
            Some(Tag::Trkpt | Tag::Rtept) => match name {
                b"ele" => field = Some(Field::Ele),
                b"time" => field = Some(Field::Time),
                b"speed" => field = Some(Field::Speed), // GPX 1.0
                b"extensions" => {
                    tag = Tag::Extensions;
                    self.ext_depth += 1;
                }
                _ => {}
            },
            Some(_) if self.ext_depth > 0 && self.point.is_some() => {
                field = extension_field(name);
                if field.is_none() && name.eq_ignore_ascii_case(b"extensions") {
                    tag = Tag::Extensions;
                    self.ext_depth += 1;
                }
            }
            Some(_) => {}
        }
        if tag == Tag::Gpx {
            for attr in e.attributes().flatten() {
                if attr.key.local_name().as_ref() == b"creator" {
                    let value = attr_text(&attr);
                    let value = value.trim();
                    if !value.is_empty() {
                        self.creator = Some(value.to_owned());
                    }
                }
            }
        }
        self.stack.push(tag);
        if let Some(field) = field {
            self.text.clear();
            self.capture = Some(Capture { field, depth: self.stack.len(), offset: pos });
        }
    }

    fn start_point(&mut self, e: &BytesStart<'_>, pos: u64, route: bool) {
        if self.track.samples.len() + self.route.samples.len() >= self.max_samples {
            let max = self.max_samples;
            self.notes
                .warn(pos, || format!("more than {max} points; the rest of the file is not read"));
            self.limit_hit = true;
            return;
        }
        let kind = if route { "rtept" } else { "trkpt" };
        // Each is None while absent, Some(None) when present but unusable.
        let mut lat: Option<Option<f64>> = None;
        let mut lon: Option<Option<f64>> = None;
        let mut problem: Option<String> = None;
        for attr in e.attributes() {
            let Ok(attr) = attr else {
                problem.get_or_insert_with(|| "a malformed attribute".to_owned());
                continue;
            };
            let key = attr.key.local_name();
            let (which, limit, slot) = match key.as_ref() {
                b"lat" => ("lat", 90.0, &mut lat),
                b"lon" => ("lon", 180.0, &mut lon),
                _ => continue,
            };
            let raw = String::from_utf8_lossy(&attr.value);
            let value = parse_f64(&raw);
            *slot = Some(value.filter(|v| v.abs() <= limit));
            if slot == &Some(None) && problem.is_none() {
                problem = Some(match value {
                    Some(_) => format!("{which}=\"{}\", outside ±{limit}°", clip(&raw)),
                    None => format!("{which}=\"{}\", not a number", clip(&raw)),
                });
            }
        }
        if problem.is_none() {
            if lat.is_none() {
                problem = Some("no lat attribute".to_owned());
            } else if lon.is_none() {
                problem = Some("no lon attribute".to_owned());
            }
        }
        if let Some(p) = problem {
            self.notes.warn(pos, || format!("{kind} has {p}; point kept without a position"));
        }
        let (lat, lon) = match (lat.flatten(), lon.flatten()) {
            (Some(a), Some(o)) => (Some(a), Some(o)),
            _ => (None, None),
        };
        let points = self.points(route);
        let i = points.samples.push_empty();
        points.samples.lat[i] = lat;
        points.samples.lon[i] = lon;
        self.point = Some(route);
        self.ext_depth = 0;
    }

    fn end(&mut self, name: &[u8]) {
        let depth = self.stack.len();
        if let Some(c) = self.capture.as_ref() {
            if c.depth == depth {
                let (field, offset) = (c.field, c.offset);
                self.capture = None;
                let text = std::mem::take(&mut self.text);
                let trimmed = text.trim();
                if !trimmed.is_empty() {
                    self.apply(field, trimmed, offset, name);
                }
                self.text = text;
            }
        }
        match self.stack.pop() {
            Some(Tag::Trkpt | Tag::Rtept) => {
                self.point = None;
                self.ext_depth = 0;
            }
            Some(Tag::Extensions) => self.ext_depth = self.ext_depth.saturating_sub(1),
            _ => {}
        }
    }

    /// Write a captured element's (non-empty, trimmed) text where it belongs.
    fn apply(&mut self, field: Field, text: &str, offset: u64, element: &[u8]) {
        match field {
            Field::MetaName => {
                if self.meta_name.is_none() {
                    self.meta_name = Some(text.to_owned());
                }
                return;
            }
            Field::TrkName => {
                self.trk_names.push(text.to_owned());
                return;
            }
            Field::TrkType => {
                self.trk_types.push(text.to_owned());
                return;
            }
            _ => {}
        }
        let Some(route) = self.point else { return };
        let kind = if route { "rtept" } else { "trkpt" };
        let points = if route { &mut self.route } else { &mut self.track };
        let Some(i) = points.samples.len().checked_sub(1) else { return };
        let s = &mut points.samples;
        let ok = match field {
            Field::Time => match parse_time(text) {
                Some((t, zone)) => {
                    s.time[i] = Some(t);
                    self.notes.zone(zone, offset);
                    true
                }
                None => false,
            },
            Field::Ele => set_f32(&mut s.altitude_m[i], text, -20_000.0, 100_000.0),
            Field::Speed => set_f32(&mut s.speed_mps[i], text, 0.0, 1_000.0),
            Field::Cadence => set_f32(&mut s.cadence[i], text, 0.0, 1_000.0),
            Field::HeartRate => set_heart_rate(&mut s.heart_rate[i], text),
            Field::Temperature => set_int(&mut s.temperature_c[i], text),
            Field::Power => set_int(&mut s.power_w[i], text),
            Field::MetaName | Field::TrkName | Field::TrkType => true,
        };
        if !ok {
            self.notes.warn(offset, || {
                let element = String::from_utf8_lossy(element);
                format!("{kind} has <{element}> \"{}\", not a usable value; left out", clip(text))
            });
        }
    }

    fn finish(mut self) -> Recording {
        let (kind, mut points) = if !self.track.samples.is_empty() {
            (FileKind::Activity, std::mem::take(&mut self.track))
        } else if !self.route.samples.is_empty() || self.waypoints > 0 {
            (FileKind::Course, std::mem::take(&mut self.route))
        } else {
            (FileKind::Activity, Points::default())
        };
        let pauses = fill_distance_and_pauses(&mut points.samples, &points.breaks);
        let sport = self
            .trk_types
            .iter()
            .find_map(|t| sport_from_type(t))
            .or_else(|| self.trk_names.iter().find_map(|n| sport_from_name(n)))
            .or_else(|| self.meta_name.as_deref().and_then(sport_from_name))
            .unwrap_or(Sport::GENERIC);
        let (warnings, utc_offset_s) = self.notes.finish();
        let mut samples = points.samples;
        samples.time.shrink_to_fit();
        Recording {
            file_kinds: vec![kind],
            sport: Some(sport),
            start: samples.time.iter().find_map(|t| *t),
            utc_offset_s,
            devices: self
                .creator
                .map(|name| vec![Device { name: Some(name), ..Device::default() }])
                .unwrap_or_default(),
            name: self.trk_names.into_iter().next().or(self.meta_name),
            samples,
            pauses,
            warnings,
            ..Recording::default()
        }
    }
}

impl Handler for GpxDecoder<'_> {
    const ROOT: &'static str = "gpx";

    fn start(&mut self, e: &BytesStart<'_>, pos: u64) {
        GpxDecoder::start(self, e, pos);
    }

    fn end(&mut self, name: &[u8]) {
        GpxDecoder::end(self, name);
    }

    fn text_sink(&mut self) -> Option<&mut String> {
        self.capture.is_some().then_some(&mut self.text)
    }

    fn depth(&self) -> usize {
        self.stack.len()
    }

    fn innermost(&self) -> &'static str {
        self.stack.iter().rev().find(|&&t| t != Tag::Other).map_or("gpx", |&t| tag_name(t))
    }

    fn broken_off(&mut self, offset: u64, reason: &str) -> Result<(), XmlError> {
        GpxDecoder::broken_off(self, offset, reason)
    }

    fn stop(&self) -> bool {
        self.limit_hit
    }
}

/// The field an element inside a point's `<extensions>` carries, by its local name (any
/// prefix: Garmin `TrackPointExtension` v1/v2 `gpxtpx:`, Cluetrust `gpxdata:`, `ns3:`, none).
fn extension_field(name: &[u8]) -> Option<Field> {
    const NAMES: [(&[u8], Field); 11] = [
        (b"hr", Field::HeartRate),
        (b"heartrate", Field::HeartRate),
        (b"cad", Field::Cadence),
        (b"cadence", Field::Cadence),
        (b"runcadence", Field::Cadence),
        (b"atemp", Field::Temperature),
        (b"temp", Field::Temperature),
        (b"speed", Field::Speed),
        (b"power", Field::Power),
        (b"powerinwatts", Field::Power),
        (b"watts", Field::Power),
    ];
    NAMES.iter().find(|(n, _)| name.eq_ignore_ascii_case(n)).map(|&(_, f)| f)
}

fn tag_name(tag: Tag) -> &'static str {
    match tag {
        Tag::Gpx => "gpx",
        Tag::Metadata => "metadata",
        Tag::Trk => "trk",
        Tag::Trkseg => "trkseg",
        Tag::Trkpt => "trkpt",
        Tag::Rte => "rte",
        Tag::Rtept => "rtept",
        Tag::Wpt => "wpt",
        Tag::Extensions => "extensions",
        Tag::Other => "?",
    }
}

// ---------------------------------------------------------------------------------------------
// Shared with `tcx.rs`: text, numbers, times, warnings, distance, sport names.
// ---------------------------------------------------------------------------------------------

/// What a format's decoder does with the events of [`drive`].
pub(crate) trait Handler {
    /// The local name the root element must have.
    const ROOT: &'static str;
    /// A start tag (or an empty element, followed at once by its `end`).
    fn start(&mut self, e: &BytesStart<'_>, pos: u64);
    fn end(&mut self, name: &[u8]);
    /// Where character data goes while an element's text is being read.
    fn text_sink(&mut self) -> Option<&mut String>;
    /// Elements open (0 once the root has closed).
    fn depth(&self) -> usize;
    /// The innermost open element with a name we know, for messages.
    fn innermost(&self) -> &'static str;
    /// The XML breaks off at `offset`: keep what was read, or fail when it is nothing.
    fn broken_off(&mut self, offset: u64, reason: &str) -> Result<(), XmlError>;
    /// True to stop reading (a limit was reached).
    fn stop(&self) -> bool;
}

/// Feed the events of `bytes` to a [`Handler`], checking the root element; stops when the root
/// closes (trailing bytes are not ours), at the end, at a syntax error or when asked to.
pub(crate) fn drive<H: Handler>(bytes: &[u8], h: &mut H) -> Result<(), XmlError> {
    let mut reader = Reader::from_reader(bytes);
    let mut root_seen = false;
    let check_root = |e: &BytesStart<'_>, pos: u64| {
        let local = e.local_name();
        if local.as_ref() == H::ROOT.as_bytes() {
            return Ok(());
        }
        let upto = usize::try_from(pos).unwrap_or(usize::MAX).min(bytes.len());
        let line = 1 + newlines(&bytes[..upto]);
        Err(XmlError::WrongRoot {
            line,
            found: String::from_utf8_lossy(local.as_ref()).into_owned(),
            expected: H::ROOT,
        })
    };
    loop {
        let pos = reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                if !root_seen {
                    root_seen = true;
                    check_root(&e, pos)?;
                }
                if h.depth() >= MAX_DEPTH {
                    // No watch nests deeper than a dozen levels: the rest is not read.
                    let reason = format!("elements nested more than {MAX_DEPTH} deep");
                    h.broken_off(pos, &reason)?;
                    break;
                }
                h.start(&e, pos);
            }
            Ok(Event::Empty(e)) => {
                if !root_seen {
                    root_seen = true;
                    check_root(&e, pos)?;
                }
                h.start(&e, pos);
                h.end(e.local_name().as_ref());
                if h.depth() == 0 {
                    break;
                }
            }
            Ok(Event::End(e)) => {
                h.end(e.local_name().as_ref());
                if h.depth() == 0 {
                    break; // The root closed; whatever follows is not ours.
                }
            }
            Ok(Event::Text(t)) => {
                if let Some(buf) = h.text_sink() {
                    push_text(buf, &t);
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(buf) = h.text_sink() {
                    push_text(buf, &t);
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some(buf) = h.text_sink() {
                    push_ref(buf, &r);
                }
            }
            Ok(Event::Eof) => {
                if !root_seen {
                    return Err(XmlError::NoRoot { len: bytes.len() as u64 });
                }
                if h.depth() > 0 {
                    let reason = format!("the file ends inside <{}>", h.innermost());
                    h.broken_off(bytes.len() as u64, &reason)?;
                }
                break;
            }
            Ok(_) => {}
            Err(e) => {
                if !root_seen {
                    let offset = reader.error_position();
                    let upto = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
                    let line = 1 + newlines(&bytes[..upto]);
                    return Err(XmlError::Syntax { line, offset, reason: e.to_string() });
                }
                h.broken_off(reader.error_position(), &e.to_string())?;
                break;
            }
        }
        if h.stop() {
            break;
        }
    }
    Ok(())
}

/// Deepest element nesting read (GPX and TCX files nest under ten levels; a million levels of
/// `<a>` would cost memory for nothing).
pub(crate) const MAX_DEPTH: usize = 256;

/// Most warnings kept per file; past it, one closing warning counts the rest.
pub(crate) const MAX_WARNINGS: usize = 50;

/// Mean Earth radius (IUGG), metres.
pub(crate) const EARTH_RADIUS_M: f64 = 6_371_000.0;

/// Fails on UTF-16 input (by byte order mark or a `<` followed by a NUL), which the UTF-8
/// reader would otherwise misread as garbage.
pub(crate) fn check_utf16(bytes: &[u8]) -> Result<(), XmlError> {
    match bytes {
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] | [b'<', 0, ..] | [0, b'<', ..] => Err(XmlError::Utf16),
        _ => Ok(()),
    }
}

/// Byte offset → line number, counting forward from the last question (warnings come in file
/// order, so a whole file costs one pass).
pub(crate) struct Notes<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
    warnings: Vec<Warning>,
    suppressed: u64,
    utc_offset_s: Option<i32>,
    /// Line of the first time without a zone.
    naive_line: Option<u64>,
}

impl<'a> Notes<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            pos: 0,
            line: 1,
            warnings: Vec::new(),
            suppressed: 0,
            utc_offset_s: None,
            naive_line: None,
        }
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line_at(&mut self, offset: u64) -> u64 {
        let off = usize::try_from(offset).unwrap_or(usize::MAX).min(self.bytes.len());
        if off < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += newlines(&self.bytes[self.pos..off]);
        self.pos = off;
        self.line
    }

    /// Record a problem at `offset`; the message is only built while under [`MAX_WARNINGS`].
    pub(crate) fn warn(&mut self, offset: u64, message: impl FnOnce() -> String) {
        if self.warnings.len() >= MAX_WARNINGS {
            self.suppressed += 1;
            return;
        }
        let line = self.line_at(offset);
        self.warnings
            .push(Warning { offset: Some(offset), message: format!("line {line}: {}", message()) });
    }

    /// Record a problem of the whole file (no position).
    pub(crate) fn note(&mut self, message: String) {
        if self.warnings.len() >= MAX_WARNINGS {
            self.suppressed += 1;
            return;
        }
        self.warnings.push(Warning { offset: None, message });
    }

    /// Note the zone of a parsed time: the first explicit offset is the activity's UTC offset.
    pub(crate) fn zone(&mut self, zone: Zone, offset: u64) {
        match zone {
            Zone::Offset(s) if self.utc_offset_s.is_none() => self.utc_offset_s = Some(s),
            Zone::Naive if self.naive_line.is_none() => {
                self.naive_line = Some(self.line_at(offset));
            }
            _ => {}
        }
    }

    /// Warnings (with the summary ones) and the UTC offset.
    pub(crate) fn finish(mut self) -> (Vec<Warning>, Option<i32>) {
        if let Some(line) = self.naive_line {
            self.warnings.push(Warning {
                offset: None,
                message: format!("times have no time zone (first on line {line}); read as UTC"),
            });
        }
        if self.suppressed > 0 {
            self.warnings.push(Warning {
                offset: None,
                message: format!("{} more problems like these, not listed", self.suppressed),
            });
        }
        (self.warnings, self.utc_offset_s)
    }
}

/// Line breaks in `bytes`.
#[allow(clippy::naive_bytecount)] // Only on warning and error paths: not worth a dependency.
fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// What a time said about its zone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Zone {
    /// `Z`.
    Utc,
    /// An explicit offset, seconds east of UTC (`+01:00` is 3600).
    Offset(i32),
    /// No zone at all (read as UTC, as gpxpy does).
    Naive,
}

/// An RFC 3339 / ISO 8601 date-time (`2016-01-15T20:59:07.100Z`, `…+01:00`, any number of
/// fractional digits, years before 1970) as Unix milliseconds, rounded down; a time without a
/// zone is taken as UTC.
pub(crate) fn parse_time(s: &str) -> Option<(TimestampMs, Zone)> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some((floor_ms(ts), zone_of(s)));
    }
    let dt: jiff::civil::DateTime = s.parse().ok()?;
    let ts = jiff::tz::Offset::UTC.to_timestamp(dt).ok()?;
    Some((floor_ms(ts), Zone::Naive))
}

/// Milliseconds, rounded toward negative infinity (so 1901-…T20:45:52.2073Z is …52.207).
fn floor_ms(ts: jiff::Timestamp) -> TimestampMs {
    // Timestamps span years -9999..=9999: a few 10^17 ms, well inside i64.
    ts.as_nanosecond().div_euclid(1_000_000) as TimestampMs
}

/// The zone suffix of a time that parsed as a timestamp (so it has one).
fn zone_of(s: &str) -> Zone {
    if s.ends_with(['Z', 'z']) {
        return Zone::Utc;
    }
    // The offset follows the time of day: the last '+' or '-' after the date's 'T'.
    let time_part = s.rfind(['T', 't', ' ']).map_or("", |i| &s[i..]);
    let Some(sign_at) = time_part.rfind(['+', '-']) else { return Zone::Utc };
    let sign = if time_part.as_bytes()[sign_at] == b'-' { -1 } else { 1 };
    let digits: Vec<i32> = time_part[sign_at + 1..]
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| i32::from(b - b'0'))
        .collect();
    let pair = |i: usize| digits.get(i).zip(digits.get(i + 1)).map_or(0, |(a, b)| a * 10 + b);
    let seconds = pair(0) * 3600 + pair(2) * 60 + pair(4);
    Zone::Offset(sign * seconds)
}

/// A finite number (surrounding whitespace allowed).
pub(crate) fn parse_f64(s: &str) -> Option<f64> {
    let v: f64 = s.trim().parse().ok()?;
    v.is_finite().then_some(v)
}

/// Parse into an `f32` column slot if within `lo..=hi`; false when the text is not usable.
pub(crate) fn set_f32(slot: &mut Option<f32>, text: &str, lo: f64, hi: f64) -> bool {
    match parse_f64(text) {
        Some(v) if (lo..=hi).contains(&v) => {
            *slot = Some(v as f32);
            true
        }
        _ => false,
    }
}

/// Parse a rounded integer into a column slot of any integer type it fits.
pub(crate) fn set_int<T: TryFrom<i64>>(slot: &mut Option<T>, text: &str) -> bool {
    let Some(v) = parse_f64(text) else { return false };
    let r = v.round();
    if r.abs() > 1e15 {
        return false;
    }
    match T::try_from(r as i64) {
        Ok(x) => {
            *slot = Some(x);
            true
        }
        Err(_) => false,
    }
}

/// Heart rate: a rounded bpm, with 0 (a sensor's "no reading") as missing.
pub(crate) fn set_heart_rate(slot: &mut Option<u8>, text: &str) -> bool {
    let mut v: Option<u8> = None;
    if !set_int(&mut v, text) {
        return false;
    }
    *slot = v.filter(|&b| b > 0);
    true
}

/// Text of an element, as UTF-8 (other encodings' bytes are replaced, not fatal).
pub(crate) fn push_text(buf: &mut String, raw: &[u8]) {
    match std::str::from_utf8(raw) {
        Ok(s) => buf.push_str(s),
        Err(_) => buf.push_str(&String::from_utf8_lossy(raw)),
    }
}

/// An attribute's value with entities resolved (the raw bytes, lossily, if that fails).
pub(crate) fn attr_text(attr: &Attribute<'_>) -> String {
    attr.normalized_value(XmlVersion::Implicit1_0)
        .map_or_else(|_| String::from_utf8_lossy(&attr.value).into_owned(), Cow::into_owned)
}

/// An entity or character reference inside text (`&amp;`, `&#233;`).
pub(crate) fn push_ref(buf: &mut String, r: &BytesRef<'_>) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        buf.push(c);
        return;
    }
    match &**r {
        b"amp" => buf.push('&'),
        b"lt" => buf.push('<'),
        b"gt" => buf.push('>'),
        b"quot" => buf.push('"'),
        b"apos" => buf.push('\''),
        other => {
            buf.push('&');
            buf.push_str(&String::from_utf8_lossy(other));
            buf.push(';');
        }
    }
}

/// At most 40 characters of a bad value, for a warning.
pub(crate) fn clip(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(40).collect();
        out.push('…');
        out
    }
}

/// Great-circle distance in metres between two positions in degrees: the haversine formula
/// (R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2), 1984) on a sphere of
/// the mean Earth radius.
#[must_use]
pub(crate) fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let half_dp = (p2 - p1) / 2.0;
    let half_dl = (lon2 - lon1).to_radians() / 2.0;
    let a = half_dp.sin().powi(2) + p1.cos() * p2.cos() * half_dl.sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// Fill `distance_m` cumulatively from the positions (when `fill_distance`) and return a
/// [`Pause`] for each break (sample index where a segment starts) across which time moves on.
/// Distance is not accumulated across a break. Samples before the first position have no
/// distance; samples without a position after it carry the distance so far.
pub(crate) fn track_breaks(
    samples: &mut Samples,
    breaks: &[usize],
    fill_distance: bool,
) -> Vec<Pause> {
    let mut pauses = Vec::new();
    let mut next_break = breaks.iter().copied().peekable();
    let mut total = 0.0;
    let mut prev: Option<(f64, f64)> = None;
    let mut seen_position = false;
    let mut last_time: Option<TimestampMs> = None;
    let mut pending_pause = false;
    for i in 0..samples.len() {
        while let Some(b) = next_break.next_if(|&b| b <= i) {
            if b == i && i > 0 {
                prev = None;
                pending_pause = true;
            }
        }
        if fill_distance {
            if let (Some(lat), Some(lon)) = (samples.lat[i], samples.lon[i]) {
                if let Some((plat, plon)) = prev {
                    total += haversine_m(plat, plon, lat, lon);
                }
                prev = Some((lat, lon));
                seen_position = true;
            }
            if seen_position {
                samples.distance_m[i] = Some(total);
            }
        }
        if let Some(t) = samples.time[i] {
            if pending_pause {
                if let Some(last) = last_time.filter(|&l| t > l) {
                    pauses.push(Pause { start: last, end: Some(t) });
                }
                pending_pause = false;
            }
            last_time = Some(t);
        }
    }
    pauses
}

fn fill_distance_and_pauses(samples: &mut Samples, breaks: &[usize]) -> Vec<Pause> {
    track_breaks(samples, breaks, true)
}

/// Sport from a track or activity *type* (`running`, `trail_running`, `Biking`, `9`, …):
/// Strava's numeric codes (1 ride, 4 hike, 9 run, 10 walk) or a word inside the text.
pub(crate) fn sport_from_type(s: &str) -> Option<Sport> {
    let t = s.trim().to_ascii_lowercase();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return match t.trim_start_matches('0') {
            "1" => Some(Sport::CYCLING),
            "4" => Some(Sport::HIKING),
            "9" => Some(Sport::RUNNING),
            "10" => Some(Sport::WALKING),
            _ => None,
        };
    }
    sport_from_words(&t, |word| t.contains(word))
}

/// Sport from a free-text *name* (`Friday Evening Run`, `Morning Ride`): whole words only.
pub(crate) fn sport_from_name(s: &str) -> Option<Sport> {
    let t = s.to_ascii_lowercase();
    let words: Vec<&str> = t.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    sport_from_words(&t, |word| words.contains(&word))
}

fn sport_from_words(text: &str, has: impl Fn(&str) -> bool) -> Option<Sport> {
    let any = |ws: &[&str]| ws.iter().any(|w| has(w));
    let sub = |ws: &[(&str, u8)]| ws.iter().find(|(w, _)| text.contains(w)).map_or(0, |&(_, n)| n);
    let sport = if any(&["run", "running", "jog", "jogging"]) {
        Sport { sport: 1, sub_sport: sub(&[("treadmill", 1), ("trail", 3), ("track", 4)]) }
    } else if any(&["ride", "cycling", "bike", "biking", "cycle", "riding"]) {
        Sport {
            sport: 2,
            sub_sport: sub(&[("indoor", 6), ("virtual", 6), ("road", 7), ("mountain", 8)]),
        }
    } else if any(&["walk", "walking"]) {
        Sport::WALKING
    } else if any(&["hike", "hiking"]) {
        Sport::HIKING
    } else {
        return None;
    };
    Some(sport)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::Channel;

    fn gpx(points: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Test Watch" xmlns="http://www.topografix.com/GPX/1/1"
  xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2"
  xmlns:gpxdata="http://www.cluetrust.com/XML/GPXDATA/1/0"
  xmlns:ns3="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
<trk><name>Test</name><type>running</type><trkseg>
{points}
</trkseg></trk></gpx>"#
        )
    }

    fn point(ext: &str) -> String {
        format!(
            r#"<trkpt lat="46.5" lon="13.7"><ele>612.5</ele><time>2024-05-01T06:00:00Z</time><extensions>{ext}</extensions></trkpt>"#
        )
    }

    fn one(ext: &str) -> Recording {
        let r = decode(gpx(&point(ext)).as_bytes()).unwrap();
        assert_eq!(r.samples.len(), 1, "{ext}");
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        r
    }

    #[test]
    fn garmin_track_point_extension_v1_and_v2() {
        let r = one(
            "<gpxtpx:TrackPointExtension><gpxtpx:atemp>21.4</gpxtpx:atemp><gpxtpx:hr>142</gpxtpx:hr>\
             <gpxtpx:cad>88</gpxtpx:cad><gpxtpx:speed>3.25</gpxtpx:speed></gpxtpx:TrackPointExtension>",
        );
        let s = &r.samples;
        assert_eq!(s.heart_rate[0], Some(142));
        assert_eq!(s.cadence[0], Some(88.0));
        assert_eq!(s.temperature_c[0], Some(21));
        assert_eq!(s.speed_mps[0], Some(3.25));
        assert_eq!(s.altitude_m[0], Some(612.5));
        assert_eq!(s.lat[0], Some(46.5));
        assert_eq!(s.time[0], Some(1_714_543_200_000));
        assert_eq!(s.distance_m[0], Some(0.0));
        assert_eq!(r.sport, Some(Sport::RUNNING));
        assert_eq!(r.device().and_then(|d| d.name.as_deref()), Some("Test Watch"));
        assert_eq!(r.kind(), Some(FileKind::Activity));
        // The track's name is the activity's name.
        assert_eq!(r.name.as_deref(), Some("Test"));
    }

    #[test]
    fn cluetrust_gpxdata_extension() {
        let r = one("<gpxdata:hr>150</gpxdata:hr><gpxdata:cadence>90</gpxdata:cadence><gpxdata:temp>-3</gpxdata:temp>");
        assert_eq!(r.samples.heart_rate[0], Some(150));
        assert_eq!(r.samples.cadence[0], Some(90.0));
        assert_eq!(r.samples.temperature_c[0], Some(-3));
    }

    #[test]
    fn ns3_prefixed_extension() {
        let r = one("<ns3:TrackPointExtension><ns3:hr>133</ns3:hr><ns3:cad>80</ns3:cad></ns3:TrackPointExtension>");
        assert_eq!(r.samples.heart_rate[0], Some(133));
        assert_eq!(r.samples.cadence[0], Some(80.0));
    }

    #[test]
    fn unprefixed_hr_heartrate_cadence_power() {
        let r = one("<hr>120</hr><cadence>85</cadence><power>250</power>");
        assert_eq!(r.samples.heart_rate[0], Some(120));
        assert_eq!(r.samples.power_w[0], Some(250));
        let r = one("<heartrate>121</heartrate>");
        assert_eq!(r.samples.heart_rate[0], Some(121));
        let r = one("<gpxtpx:PowerExtension><gpxtpx:PowerInWatts>301</gpxtpx:PowerInWatts></gpxtpx:PowerExtension>");
        assert_eq!(r.samples.power_w[0], Some(301));
    }

    #[test]
    fn nesting_past_the_limit_stops_the_read() {
        let deep = |points: &str| {
            let mut s = format!("<gpx><trk><trkseg>{points}");
            s.push_str(&"<a>".repeat(MAX_DEPTH));
            s.push_str(&"</a>".repeat(MAX_DEPTH));
            s.push_str("</trkseg></trk></gpx>");
            s
        };
        let e = decode(deep("").as_bytes()).unwrap_err();
        assert!(e.to_string().contains(&format!("nested more than {MAX_DEPTH} deep")), "{e}");
        let r = decode(deep("<trkpt lat=\"1\" lon=\"2\"/>").as_bytes()).unwrap();
        assert_eq!(r.samples.len(), 1);
        assert!(
            r.warnings.iter().any(|w| w.message.contains("nested more than")),
            "{:?}",
            r.warnings
        );
        let r = decode_with_limit(b"<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"/><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>", 1).unwrap();
        assert_eq!(r.samples.len(), 1);
    }

    #[test]
    fn heart_rate_zero_is_missing_without_a_warning() {
        let r = one("<gpxtpx:hr>0</gpxtpx:hr>");
        assert_eq!(r.samples.heart_rate[0], None);
    }

    #[test]
    fn names_outside_points_are_not_samples() {
        // `<speed>` and `<hr>` outside a point, and `<name>` inside one, change nothing.
        let text = gpx(r#"<trkpt lat="1" lon="2"><name>p</name><speed>2.5</speed></trkpt>"#)
            .replace("<trk>", "<extensions><hr>99</hr></extensions><trk>");
        let r = decode(text.as_bytes()).unwrap();
        assert_eq!(r.samples.len(), 1);
        assert_eq!(r.samples.heart_rate[0], None);
        assert_eq!(r.samples.speed_mps[0], Some(2.5));
    }

    #[test]
    fn times_with_fractions_offsets_and_before_1970() {
        assert_eq!(parse_time("2011-07-02T17:47:25.2Z"), Some((1_309_628_845_200, Zone::Utc)));
        assert_eq!(
            parse_time("2020-12-27T15:59:36.000+01:00"),
            Some((1_609_081_176_000, Zone::Offset(3600)))
        );
        assert_eq!(
            parse_time("2020-12-27T15:59:36-0330").map(|t| t.1),
            Some(Zone::Offset(-12_600))
        );
        // 1901-12-13T20:45:52.2073437Z: 2^31 - 0.79 s before the epoch, rounded down.
        assert_eq!(
            parse_time("1901-12-13T20:45:52.2073437Z"),
            Some((-2_147_483_647_793, Zone::Utc))
        );
        assert_eq!(parse_time("2013-01-01T12:00:04"), Some((1_357_041_604_000, Zone::Naive)));
        assert_eq!(parse_time("undefined"), None);
        assert_eq!(parse_time("May 20 2008, 16:58:11"), None);
    }

    #[test]
    fn utc_offset_comes_from_the_first_explicit_offset() {
        let text = gpx(r#"<trkpt lat="1" lon="2"><time>2020-12-27T15:59:36+01:00</time></trkpt>"#);
        let r = decode(text.as_bytes()).unwrap();
        assert_eq!(r.utc_offset_s, Some(3600));
        assert_eq!(r.start, Some(1_609_081_176_000));
    }

    #[test]
    fn segments_concatenate_with_pauses_and_no_distance_across_the_break() {
        let text = r#"<gpx version="1.1"><trk><trkseg>
<trkpt lat="0" lon="0"><time>2024-01-01T00:00:00Z</time></trkpt>
<trkpt lat="0" lon="0.001"><time>2024-01-01T00:00:10Z</time></trkpt>
</trkseg><trkseg>
<trkpt lat="0" lon="0.01"><time>2024-01-01T00:05:00Z</time></trkpt>
<trkpt lat="0" lon="0.011"><time>2024-01-01T00:05:10Z</time></trkpt>
</trkseg></trk><trk><trkseg>
<trkpt lat="0" lon="0.02"><time>2024-01-01T00:05:10Z</time></trkpt>
</trkseg></trk></gpx>"#;
        let r = decode(text.as_bytes()).unwrap();
        assert_eq!(r.samples.len(), 5);
        let step = haversine_m(0.0, 0.0, 0.0, 0.001);
        assert!((step - 111.195).abs() < 0.01, "{step}");
        let d: Vec<f64> = r.samples.distance_m.iter().map(|d| d.unwrap()).collect();
        assert!((d[1] - step).abs() < 1e-9 && (d[2] - step).abs() < 1e-9, "{d:?}");
        assert!((d[3] - 2.0 * step).abs() < 1e-6 && (d[4] - d[3]).abs() < 1e-9, "{d:?}");
        // One pause (00:00:10 → 00:05:00); the next track starts at the same second: no pause.
        assert_eq!(
            r.pauses,
            vec![Pause { start: 1_704_067_210_000, end: Some(1_704_067_500_000) }]
        );
    }

    #[test]
    fn gpx_1_0_speed_and_sport_from_name() {
        let text = r#"<gpx version="1.0" creator="x"><name>Morning Ride</name><trk><trkseg>
<trkpt lat="1" lon="2"><speed>7.5</speed></trkpt></trkseg></trk></gpx>"#;
        let r = decode(text.as_bytes()).unwrap();
        assert_eq!(r.samples.speed_mps[0], Some(7.5));
        assert_eq!(r.sport, Some(Sport::CYCLING));
    }

    #[test]
    fn sport_names() {
        assert_eq!(sport_from_type("9"), Some(Sport::RUNNING));
        assert_eq!(sport_from_type("1"), Some(Sport::CYCLING));
        assert_eq!(sport_from_type("10"), Some(Sport::WALKING));
        assert_eq!(sport_from_type("4"), Some(Sport::HIKING));
        assert_eq!(sport_from_type("trail_running"), Some(Sport { sport: 1, sub_sport: 3 }));
        assert_eq!(sport_from_type("Biking"), Some(Sport::CYCLING));
        assert_eq!(sport_from_type("hiking"), Some(Sport::HIKING));
        assert_eq!(sport_from_type("Other"), None);
        assert_eq!(sport_from_name("Friday Evening Run"), Some(Sport::RUNNING));
        assert_eq!(sport_from_name("Afternoon Walk"), Some(Sport::WALKING));
        assert_eq!(sport_from_name("Brunch"), None);
        let text = gpx("").replace("<type>running</type>", "<type>kayak</type>");
        assert_eq!(decode(text.as_bytes()).unwrap().sport, Some(Sport::GENERIC));
    }

    #[test]
    fn routes_and_waypoints_are_courses() {
        let text = r#"<gpx version="1.1"><rte><name>r</name>
<rtept lat="1" lon="2"/><rtept lat="1" lon="2.001"><ele>5</ele></rtept></rte></gpx>"#;
        let r = decode(text.as_bytes()).unwrap();
        assert_eq!(r.kind(), Some(FileKind::Course));
        assert_eq!(r.samples.len(), 2);
        assert!(r.samples.distance_m[1].unwrap() > 100.0);
        let text = r#"<gpx version="1.1"><wpt lat="1" lon="2"><name>w</name></wpt></gpx>"#;
        let r = decode(text.as_bytes()).unwrap();
        assert_eq!(r.kind(), Some(FileKind::Course));
        assert!(r.samples.is_empty());
        // Track points win over route points.
        let text = r#"<gpx><rte><rtept lat="1" lon="2"/></rte><trk><trkseg><trkpt lat="3" lon="4"/></trkseg></trk></gpx>"#;
        let r = decode(text.as_bytes()).unwrap();
        assert_eq!((r.kind(), r.samples.lat[0]), (Some(FileKind::Activity), Some(3.0)));
    }

    #[test]
    fn bad_values_are_warnings_naming_the_line() {
        let text = "<gpx>\n<trk><trkseg>\n<trkpt lat=\"undefined\" lon=\"undefined\">\n<ele>bad data</ele><time>2007-05-11T15:22:06Z</time></trkpt>\n<trkpt lat=\"1\" lon=\"2\"><gpxtpx:hr>999</gpxtpx:hr></trkpt>\n</trkseg></trk></gpx>";
        // No `extensions` wrapper around hr: it is not read, so only lat, lon, ele and nothing else.
        let r = decode(text.as_bytes()).unwrap();
        assert_eq!(r.samples.len(), 2);
        assert_eq!(r.samples.lat[0], None);
        assert_eq!(r.samples.time[0], Some(1_178_896_926_000));
        let msgs: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "line 3: trkpt has lat=\"undefined\", not a number; point kept without a position",
                "line 4: trkpt has <ele> \"bad data\", not a usable value; left out",
            ]
        );
        let text =
            text.replace("<gpxtpx:hr>999</gpxtpx:hr>", "<extensions><hr>999</hr></extensions>");
        let r = decode(text.as_bytes()).unwrap();
        assert_eq!(r.samples.heart_rate[1], None);
        assert!(r.warnings[2].message.contains("<hr> \"999\""), "{:?}", r.warnings);
    }

    #[test]
    fn truncated_file_keeps_complete_points() {
        let full =
            gpx(&[point("<hr>100</hr>"), point("<hr>101</hr>"), point("<hr>102</hr>")].join("\n"));
        let cut = &full[..full.rfind("<ele>").unwrap()];
        let r = decode(cut.as_bytes()).unwrap();
        assert_eq!(r.samples.count(Channel::HeartRate), 2);
        assert_eq!(r.samples.len(), 2);
        assert!(
            r.warnings[0].message.ends_with(
                "not well-formed XML: the file ends inside <trkpt>; kept the 2 points before it"
            ),
            "{:?}",
            r.warnings
        );
        // Cut before any point: an error naming the line.
        let cut = &full[..full.find("<trkpt").unwrap() + 3];
        let e = decode(cut.as_bytes()).unwrap_err();
        assert!(matches!(e, XmlError::Syntax { line: 7, .. }), "{e}");
    }

    #[test]
    fn not_gpx() {
        assert!(matches!(decode(b""), Err(XmlError::NoRoot { len: 0 })));
        assert!(matches!(
            decode(b"<?xml version=\"1.0\"?><!-- x -->"),
            Err(XmlError::NoRoot { .. })
        ));
        let e = decode(b"<TrainingCenterDatabase/>").unwrap_err();
        assert_eq!(e.to_string(), "line 1: root element is <TrainingCenterDatabase>, not <gpx>");
        assert_eq!(decode(b"\xFF\xFE<\0g\0"), Err(XmlError::Utf16));
        let e = decode(b"<gpx><trk></trkseg></gpx>").unwrap_err();
        assert!(e.to_string().starts_with("line 1 (byte 10): not well-formed XML"), "{e}");
    }

    #[test]
    fn bom_entities_and_cdata() {
        let text = "\u{feff}<gpx creator=\"A &amp; B\"><metadata><name><![CDATA[Hill]]> &#x52;un</name></metadata>\
                    <trk><trkseg><trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
        let r = decode(text.as_bytes()).unwrap();
        assert_eq!(r.device().and_then(|d| d.name.as_deref()), Some("A & B"));
        assert_eq!(r.sport, Some(Sport::RUNNING));
        assert_eq!(r.samples.len(), 1);
    }

    #[test]
    fn warnings_are_capped() {
        let pts: String = (0..200).map(|_| r#"<trkpt lat="x" lon="2"/>"#).collect();
        let r = decode(gpx(&pts).as_bytes()).unwrap();
        assert_eq!(r.samples.len(), 200);
        assert_eq!(r.warnings.len(), MAX_WARNINGS + 1);
        assert_eq!(r.warnings[MAX_WARNINGS].message, "150 more problems like these, not listed");
    }
}

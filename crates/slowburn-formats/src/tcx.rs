//! TCX (Garmin Training Center Database v2): activities with their laps, and courses, decoded
//! straight into a [`Recording`].
//!
//! # Design
//! The same streaming pass as [`crate::gpx`] (and its shared plumbing): a stack of the element
//! kinds that matter, a sample appended at each `Trackpoint`, and wanted texts written into the
//! columns at their end tags. Extension elements (`TPX`'s `Speed`, `RunCadence`, `Watts`) are
//! matched on local names, whatever their prefix (`ns3:`, `ax:`, none).
//!
//! Laps become [`Summary`]s from the device's own totals (`TotalTimeSeconds` is timer time,
//! pauses excluded), and one session sums them. A second `Track` inside one lap is Garmin's
//! mark of a pause: it becomes a [`Pause`](crate::Pause) when time moves on across it. Each
//! trackpoint's `DistanceMeters` is the device's; only a file without any is given distance
//! from its positions (haversine, as for GPX).

use quick_xml::events::BytesStart;

use crate::error::XmlError;
use crate::fit::MAX_SAMPLES;
use crate::gpx::{
    attr_text, check_utf16, clip, drive, parse_f64, parse_time, set_f32, set_heart_rate, set_int,
    sport_from_type, track_breaks, Handler, Notes,
};
use crate::recording::{Device, FileKind, Recording, Samples, Sport, Summary};

/// Decode a TCX file: its activities (several are read into one recording, with a warning)
/// or, failing those, its courses (kind [`FileKind::Course`]).
pub fn decode(bytes: &[u8]) -> Result<Recording, XmlError> {
    decode_with_limit(bytes, MAX_SAMPLES)
}

/// [`decode`], reading at most `max_samples` points (never more than [`MAX_SAMPLES`]); past it
/// the rest of the file is not read, with a warning.
pub fn decode_with_limit(bytes: &[u8], max_samples: usize) -> Result<Recording, XmlError> {
    check_utf16(bytes)?;
    let mut d = TcxDecoder::new(bytes, max_samples.min(MAX_SAMPLES));
    drive(bytes, &mut d)?;
    Ok(d.finish())
}

/// Element kinds whose nesting matters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tag {
    Root,
    Activity,
    Course,
    Lap,
    Track,
    Trackpoint,
    Position,
    HeartRate,
    LapAvgHr,
    LapMaxHr,
    Extensions,
    Creator,
    Other,
}

/// A child element whose text we read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    Time,
    Lat,
    Lon,
    Altitude,
    Distance,
    HeartRate,
    Cadence,
    Speed,
    Watts,
    LapTime,
    LapDistance,
    LapAvgHr,
    LapMaxHr,
    LapIntensity,
    LapTrigger,
    CreatorName,
    /// `Activity/Notes` or `Course/Name`: the activity's name.
    Name,
}

struct Capture {
    field: Field,
    depth: usize,
    offset: u64,
}

struct TcxDecoder<'a> {
    stack: Vec<Tag>,
    text: String,
    capture: Option<Capture>,
    samples: Samples,
    /// Sample indices where a new `Track` (after a pause) or activity starts.
    breaks: Vec<usize>,
    /// Offset of the open trackpoint's start tag.
    point: Option<u64>,
    ext_depth: usize,
    laps: Vec<Summary>,
    /// `Track`s seen in the current lap (or course).
    tracks_in_lap: usize,
    activities: usize,
    courses: usize,
    workouts: usize,
    /// The first activity's sport (the recording's).
    sport: Option<Sport>,
    /// The sport of the activity being read (its laps').
    activity_sport: Option<Sport>,
    creator: Option<String>,
    name: Option<String>,
    any_distance: bool,
    limit_hit: bool,
    max_samples: usize,
    notes: Notes<'a>,
}

impl<'a> TcxDecoder<'a> {
    fn new(bytes: &'a [u8], max_samples: usize) -> Self {
        let mut samples = Samples::default();
        // A conservative guess: a trackpoint is rarely under 150 bytes.
        samples.reserve((bytes.len() / 150).min(max_samples));
        Self {
            stack: Vec::new(),
            text: String::new(),
            capture: None,
            samples,
            breaks: Vec::new(),
            point: None,
            ext_depth: 0,
            laps: Vec::new(),
            tracks_in_lap: 0,
            activities: 0,
            courses: 0,
            workouts: 0,
            sport: None,
            activity_sport: None,
            creator: None,
            name: None,
            any_distance: false,
            limit_hit: false,
            max_samples,
            notes: Notes::new(bytes),
        }
    }

    fn mark_break(&mut self) {
        let i = self.samples.len();
        if self.breaks.last() != Some(&i) {
            self.breaks.push(i);
        }
    }

    fn start_tag(&mut self, e: &BytesStart<'_>, pos: u64) {
        let local = e.local_name();
        let name = local.as_ref();
        let parent = self.stack.last().copied();
        let mut tag = Tag::Other;
        let mut field = None;
        match (parent, name) {
            (None, _) => tag = Tag::Root,
            (Some(Tag::Trackpoint), _) => match name {
                b"Time" => field = Some(Field::Time),
                b"AltitudeMeters" => field = Some(Field::Altitude),
                b"DistanceMeters" => field = Some(Field::Distance),
                b"Cadence" => field = Some(Field::Cadence),
                b"Position" => tag = Tag::Position,
                b"HeartRateBpm" => tag = Tag::HeartRate,
                b"Extensions" => {
                    tag = Tag::Extensions;
                    self.ext_depth += 1;
                }
                _ => {}
            },
            (Some(Tag::Position), b"LatitudeDegrees") => field = Some(Field::Lat),
            (Some(Tag::Position), b"LongitudeDegrees") => field = Some(Field::Lon),
            (Some(Tag::HeartRate), b"Value") => field = Some(Field::HeartRate),
            (Some(_), _) if self.ext_depth > 0 && self.point.is_some() => {
                if name.eq_ignore_ascii_case(b"Speed") {
                    field = Some(Field::Speed);
                } else if name.eq_ignore_ascii_case(b"RunCadence") {
                    field = Some(Field::Cadence);
                } else if name.eq_ignore_ascii_case(b"Watts") {
                    field = Some(Field::Watts);
                }
            }
            (Some(Tag::Lap), _) => match name {
                b"TotalTimeSeconds" => field = Some(Field::LapTime),
                b"DistanceMeters" => field = Some(Field::LapDistance),
                b"Intensity" => field = Some(Field::LapIntensity),
                b"TriggerMethod" => field = Some(Field::LapTrigger),
                b"AverageHeartRateBpm" => tag = Tag::LapAvgHr,
                b"MaximumHeartRateBpm" => tag = Tag::LapMaxHr,
                b"Track" => tag = self.start_track(),
                _ => {}
            },
            (Some(Tag::LapAvgHr), b"Value") => field = Some(Field::LapAvgHr),
            (Some(Tag::LapMaxHr), b"Value") => field = Some(Field::LapMaxHr),
            (Some(Tag::Track), b"Trackpoint") => {
                tag = Tag::Trackpoint;
                self.start_point(pos);
            }
            (Some(Tag::Activity | Tag::Course), b"Lap") => {
                tag = Tag::Lap;
                self.start_lap(e, pos);
            }
            (Some(Tag::Activity), b"Creator") => tag = Tag::Creator,
            (Some(Tag::Creator), b"Name") => field = Some(Field::CreatorName),
            (Some(Tag::Activity), b"Notes") | (Some(Tag::Course), b"Name") => {
                field = Some(Field::Name);
            }
            (Some(Tag::Course), b"Track") => tag = self.start_track(),
            // `Activities/Activity`, and `MultiSportSession/FirstSport/Activity`.
            (Some(_), b"Activity") => {
                tag = Tag::Activity;
                self.start_activity(e, pos);
            }
            (Some(Tag::Other), b"Course") if self.in_courses() => {
                tag = Tag::Course;
                self.activity_sport = None;
                self.courses += 1;
                self.tracks_in_lap = 0;
                self.mark_break();
            }
            (Some(Tag::Other), b"Workout") => self.workouts += 1,
            _ => {}
        }
        self.stack.push(tag);
        if let Some(field) = field {
            self.text.clear();
            self.capture = Some(Capture { field, depth: self.stack.len(), offset: pos });
        }
    }

    /// `Courses/Course`, not `Folders/Courses/CourseFolder/…`: the parent's parent is the root.
    fn in_courses(&self) -> bool {
        self.stack.len() == 2 && self.stack[0] == Tag::Root
    }

    fn start_activity(&mut self, e: &BytesStart<'_>, pos: u64) {
        self.activities += 1;
        self.tracks_in_lap = 0;
        self.mark_break();
        let sport = e
            .attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() == b"Sport")
            .map(|a| attr_text(&a));
        let sport = match sport.as_deref().map(str::trim) {
            Some("Running") => Sport::RUNNING,
            Some("Biking") => Sport::CYCLING,
            Some("Other") | None => Sport::GENERIC,
            Some(other) => sport_from_type(other).unwrap_or_else(|| {
                self.notes.warn(pos, || {
                    format!(
                        "Activity has Sport=\"{}\", not Running, Biking or Other; read as generic",
                        clip(other)
                    )
                });
                Sport::GENERIC
            }),
        };
        self.activity_sport = Some(sport);
        if self.sport.is_none() {
            self.sport = Some(sport);
        }
    }

    fn start_lap(&mut self, e: &BytesStart<'_>, pos: u64) {
        self.tracks_in_lap = 0;
        let sport = self.activity_sport.map(|s| s.sport);
        let mut lap = Summary { sport, ..Summary::default() };
        if let Some(a) =
            e.attributes().flatten().find(|a| a.key.local_name().as_ref() == b"StartTime")
        {
            let text = attr_text(&a);
            match parse_time(&text) {
                Some((t, zone)) => {
                    lap.start = Some(t);
                    self.notes.zone(zone, pos);
                }
                None => self.notes.warn(pos, || {
                    format!("Lap has StartTime=\"{}\", not a date-time; left out", clip(&text))
                }),
            }
        }
        self.laps.push(lap);
    }

    fn start_track(&mut self) -> Tag {
        if self.tracks_in_lap > 0 {
            self.mark_break();
        }
        self.tracks_in_lap += 1;
        Tag::Track
    }

    fn start_point(&mut self, pos: u64) {
        if self.samples.len() >= self.max_samples {
            let max = self.max_samples;
            self.notes.warn(pos, || {
                format!("more than {max} trackpoints; the rest of the file is not read")
            });
            self.limit_hit = true;
            return;
        }
        self.samples.push_empty();
        self.point = Some(pos);
        self.ext_depth = 0;
    }

    fn end_tag(&mut self, name: &[u8]) {
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
            Some(Tag::Trackpoint) => self.end_point(),
            Some(Tag::Extensions) => self.ext_depth = self.ext_depth.saturating_sub(1),
            _ => {}
        }
    }

    /// A position needs both halves.
    fn end_point(&mut self) {
        let Some(pos) = self.point.take() else { return };
        self.ext_depth = 0;
        let Some(i) = self.samples.len().checked_sub(1) else { return };
        let (lat, lon) = (self.samples.lat[i], self.samples.lon[i]);
        if lat.is_some() != lon.is_some() {
            self.samples.lat[i] = None;
            self.samples.lon[i] = None;
            self.notes.warn(pos, || {
                "Trackpoint has only one usable coordinate; kept without a position".to_owned()
            });
        }
    }

    fn apply(&mut self, field: Field, text: &str, offset: u64, element: &[u8]) {
        let ok = match field {
            Field::LapTime | Field::LapDistance => {
                let Some(lap) = self.laps.last_mut() else { return };
                match parse_f64(text).filter(|v| *v >= 0.0) {
                    Some(v) if field == Field::LapTime => {
                        lap.timer_s = Some(v);
                        true
                    }
                    Some(v) => {
                        lap.distance_m = Some(v);
                        true
                    }
                    None => false,
                }
            }
            Field::LapAvgHr | Field::LapMaxHr => {
                let Some(lap) = self.laps.last_mut() else { return };
                let slot = if field == Field::LapAvgHr {
                    &mut lap.avg_heart_rate
                } else {
                    &mut lap.max_heart_rate
                };
                set_heart_rate(slot, text)
            }
            Field::LapIntensity => {
                let Some(lap) = self.laps.last_mut() else { return };
                // FIT `intensity`: 0 active, 1 rest.
                lap.intensity = match text {
                    "Active" => Some(0),
                    "Resting" => Some(1),
                    _ => None,
                };
                true
            }
            Field::LapTrigger => {
                let Some(lap) = self.laps.last_mut() else { return };
                // FIT `lap_trigger`: 0 manual, 1 time, 2 distance, 4 position_lap; FIT has no
                // heart-rate trigger.
                lap.trigger = match text {
                    "Manual" => Some(0),
                    "Time" => Some(1),
                    "Distance" => Some(2),
                    "Location" => Some(4),
                    _ => None,
                };
                true
            }
            Field::CreatorName => {
                if self.creator.is_none() {
                    self.creator = Some(text.to_owned());
                }
                true
            }
            Field::Name => {
                if self.name.is_none() {
                    self.name = Some(text.to_owned());
                }
                true
            }
            _ => {
                if self.point.is_none() {
                    return;
                }
                let Some(i) = self.samples.len().checked_sub(1) else { return };
                let s = &mut self.samples;
                match field {
                    Field::Time => match parse_time(text) {
                        Some((t, zone)) => {
                            s.time[i] = Some(t);
                            self.notes.zone(zone, offset);
                            true
                        }
                        None => false,
                    },
                    Field::Lat => set_degrees(&mut s.lat[i], text, 90.0),
                    Field::Lon => set_degrees(&mut s.lon[i], text, 180.0),
                    Field::Altitude => set_f32(&mut s.altitude_m[i], text, -20_000.0, 100_000.0),
                    Field::Distance => {
                        let ok = match parse_f64(text).filter(|v| *v >= 0.0) {
                            Some(v) => {
                                s.distance_m[i] = Some(v);
                                true
                            }
                            None => false,
                        };
                        self.any_distance |= ok;
                        ok
                    }
                    Field::HeartRate => set_heart_rate(&mut s.heart_rate[i], text),
                    Field::Cadence => set_f32(&mut s.cadence[i], text, 0.0, 1_000.0),
                    Field::Speed => set_f32(&mut s.speed_mps[i], text, 0.0, 1_000.0),
                    Field::Watts => set_int(&mut s.power_w[i], text),
                    _ => true,
                }
            }
        };
        if !ok {
            self.notes.warn(offset, || {
                let element = String::from_utf8_lossy(element);
                let what = if matches!(
                    field,
                    Field::LapTime | Field::LapDistance | Field::LapAvgHr | Field::LapMaxHr
                ) {
                    "Lap"
                } else {
                    "Trackpoint"
                };
                format!("{what} has <{element}> \"{}\", not a usable value; left out", clip(text))
            });
        }
    }

    fn finish(self) -> Recording {
        let Self {
            mut samples,
            breaks,
            laps,
            activities,
            courses,
            workouts,
            mut notes,
            sport,
            creator,
            name,
            any_distance,
            ..
        } = self;
        let pauses = track_breaks(&mut samples, &breaks, !any_distance);
        let kind = if activities > 0 {
            FileKind::Activity
        } else if courses > 0 {
            FileKind::Course
        } else if workouts > 0 {
            FileKind::Workout
        } else {
            FileKind::Activity
        };
        if activities > 1 {
            notes.note(format!("the file holds {activities} activities; read as one recording"));
        }
        let first_time = samples.time.iter().find_map(|t| *t);
        let last_time = samples.time.iter().rev().find_map(|t| *t);
        let sessions = session(&laps, sport, first_time, last_time).into_iter().collect();
        let (warnings, utc_offset_s) = notes.finish();
        samples.time.shrink_to_fit();
        Recording {
            file_kinds: vec![kind],
            sport,
            start: first_time.or_else(|| laps.first().and_then(|l| l.start)),
            utc_offset_s,
            devices: creator
                .map(|name| vec![Device { name: Some(name), ..Device::default() }])
                .unwrap_or_default(),
            name,
            samples,
            laps,
            sessions,
            pauses,
            warnings,
            ..Recording::default()
        }
    }
}

impl Handler for TcxDecoder<'_> {
    const ROOT: &'static str = "TrainingCenterDatabase";

    fn start(&mut self, e: &BytesStart<'_>, pos: u64) {
        self.start_tag(e, pos);
    }

    fn end(&mut self, name: &[u8]) {
        self.end_tag(name);
    }

    fn text_sink(&mut self) -> Option<&mut String> {
        self.capture.is_some().then_some(&mut self.text)
    }

    fn depth(&self) -> usize {
        self.stack.len()
    }

    fn innermost(&self) -> &'static str {
        self.stack.iter().rev().find(|&&t| t != Tag::Other).map_or(Self::ROOT, |&t| match t {
            Tag::Root | Tag::Other => Self::ROOT,
            Tag::Activity => "Activity",
            Tag::Course => "Course",
            Tag::Lap => "Lap",
            Tag::Track => "Track",
            Tag::Trackpoint => "Trackpoint",
            Tag::Position => "Position",
            Tag::HeartRate => "HeartRateBpm",
            Tag::LapAvgHr => "AverageHeartRateBpm",
            Tag::LapMaxHr => "MaximumHeartRateBpm",
            Tag::Extensions => "Extensions",
            Tag::Creator => "Creator",
        })
    }

    fn broken_off(&mut self, offset: u64, reason: &str) -> Result<(), XmlError> {
        if self.point.take().is_some() {
            let n = self.samples.len().saturating_sub(1);
            self.samples.truncate(n);
        }
        if self.samples.is_empty() {
            let line = self.notes.line_at(offset);
            return Err(XmlError::Syntax { line, offset, reason: reason.to_owned() });
        }
        let kept = self.samples.len();
        self.notes.warn(offset, || {
            format!("not well-formed XML: {reason}; kept the {kept} trackpoints before it")
        });
        Ok(())
    }

    fn stop(&self) -> bool {
        self.limit_hit
    }
}

/// Degrees within ±`limit`.
fn set_degrees(slot: &mut Option<f64>, text: &str, limit: f64) -> bool {
    match parse_f64(text) {
        Some(v) if v.abs() <= limit => {
            *slot = Some(v);
            true
        }
        _ => false,
    }
}

/// The session: the laps' totals summed, their heart rates averaged by timer time.
fn session(
    laps: &[Summary],
    sport: Option<Sport>,
    first_time: Option<i64>,
    last_time: Option<i64>,
) -> Option<Summary> {
    if laps.is_empty() {
        return None;
    }
    let sum = |f: fn(&Summary) -> Option<f64>| -> Option<f64> {
        laps.iter().filter_map(f).fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
    };
    let start = laps.iter().find_map(|l| l.start).or(first_time);
    let (mut weighted, mut weight, mut plain, mut n) = (0.0, 0.0, 0.0, 0.0);
    for lap in laps {
        if let Some(hr) = lap.avg_heart_rate {
            plain += f64::from(hr);
            n += 1.0;
            if let Some(t) = lap.timer_s.filter(|&t| t > 0.0) {
                weighted += f64::from(hr) * t;
                weight += t;
            }
        }
    }
    let avg_heart_rate = if weight > 0.0 {
        Some((weighted / weight).round() as u8)
    } else if n > 0.0 {
        Some((plain / n).round() as u8)
    } else {
        None
    };
    Some(Summary {
        start,
        elapsed_s: start.zip(last_time).map(|(s, e)| (e - s) as f64 / 1000.0).filter(|e| *e >= 0.0),
        timer_s: sum(|l| l.timer_s),
        distance_m: sum(|l| l.distance_m),
        avg_heart_rate,
        max_heart_rate: laps.iter().filter_map(|l| l.max_heart_rate).max(),
        sport: sport.map(|s| s.sport),
        sub_sport: sport.map(|s| s.sub_sport),
        ..Summary::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::{Channel, Pause};

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
  xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">"#;

    fn tcx(body: &str) -> String {
        format!("{HEAD}\n{body}\n</TrainingCenterDatabase>")
    }

    fn trackpoint(t: &str, extra: &str) -> String {
        format!(
            "<Trackpoint><Time>{t}</Time><Position><LatitudeDegrees>37.8959</LatitudeDegrees>\
             <LongitudeDegrees>-122.4896</LongitudeDegrees></Position><AltitudeMeters>4.5</AltitudeMeters>{extra}</Trackpoint>"
        )
    }

    #[test]
    fn activity_with_laps_and_extensions() {
        let body = format!(
            r#"<Activities><Activity Sport="Running"><Id>2024-05-01T06:00:00Z</Id>
<Lap StartTime="2024-05-01T06:00:00Z"><TotalTimeSeconds>300</TotalTimeSeconds><DistanceMeters>1000.5</DistanceMeters>
<AverageHeartRateBpm><Value>140</Value></AverageHeartRateBpm><MaximumHeartRateBpm><Value>150</Value></MaximumHeartRateBpm>
<Intensity>Active</Intensity><Cadence>99</Cadence><TriggerMethod>Distance</TriggerMethod>
<Track>{}{}</Track><Extensions><ns3:LX><ns3:AvgSpeed>3.3</ns3:AvgSpeed></ns3:LX></Extensions></Lap>
<Lap StartTime="2024-05-01T06:05:00Z"><TotalTimeSeconds>100</TotalTimeSeconds><DistanceMeters>400</DistanceMeters>
<AverageHeartRateBpm><Value>160</Value></AverageHeartRateBpm><MaximumHeartRateBpm><Value>171</Value></MaximumHeartRateBpm>
<Intensity>Resting</Intensity><TriggerMethod>Manual</TriggerMethod>
<Track>{}</Track></Lap>
<Creator xsi:type="Device_t"><Name>Forerunner 965</Name><UnitId>1</UnitId></Creator>
<Notes>Stadtlauf 10K</Notes></Activity></Activities>
<Author><Name>Garmin Connect</Name><Build><Time>May 20 2008, 16:58:11</Time></Build></Author>"#,
            trackpoint(
                "2024-05-01T06:00:00Z",
                "<DistanceMeters>0</DistanceMeters><HeartRateBpm><Value>138</Value></HeartRateBpm>\
                 <Extensions><ns3:TPX><ns3:Speed>3.1</ns3:Speed><ns3:RunCadence>86</ns3:RunCadence></ns3:TPX></Extensions>"
            ),
            trackpoint(
                "2024-05-01T06:00:01.5Z",
                "<DistanceMeters>3.2</DistanceMeters><HeartRateBpm><Value>0</Value></HeartRateBpm>\
                 <Cadence>90</Cadence><Extensions><TPX xmlns=\"x\"><Watts>250</Watts></TPX></Extensions>"
            ),
            trackpoint("2024-05-01T06:05:00Z", "<DistanceMeters>1000.5</DistanceMeters>"),
        );
        let r = decode(tcx(&body).as_bytes()).unwrap();
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert_eq!(r.kind(), Some(FileKind::Activity));
        assert_eq!(r.sport, Some(Sport::RUNNING));
        assert_eq!(r.device().and_then(|d| d.name.as_deref()), Some("Forerunner 965"));
        assert_eq!(r.name.as_deref(), Some("Stadtlauf 10K"));
        let s = &r.samples;
        assert_eq!(s.len(), 3);
        assert_eq!(s.time[1], Some(1_714_543_201_500));
        assert_eq!(s.heart_rate[..2], [Some(138), None]);
        assert_eq!(s.speed_mps[0], Some(3.1));
        assert_eq!(s.cadence[..2], [Some(86.0), Some(90.0)]);
        assert_eq!(s.power_w[1], Some(250));
        assert_eq!(s.distance_m[1], Some(3.2));
        assert_eq!(s.lat[2], Some(37.8959));
        assert_eq!(s.altitude_m[2], Some(4.5));
        assert_eq!(r.laps.len(), 2);
        let lap = &r.laps[0];
        assert_eq!(lap.start, Some(1_714_543_200_000));
        assert_eq!((lap.timer_s, lap.distance_m), (Some(300.0), Some(1000.5)));
        assert_eq!((lap.avg_heart_rate, lap.max_heart_rate), (Some(140), Some(150)));
        assert_eq!((lap.intensity, lap.trigger), (Some(0), Some(2)));
        assert_eq!((r.laps[1].intensity, r.laps[1].trigger), (Some(1), Some(0)));
        assert_eq!(r.sessions.len(), 1);
        let session = &r.sessions[0];
        assert_eq!((session.timer_s, session.distance_m), (Some(400.0), Some(1400.5)));
        // (140·300 + 160·100) / 400 = 145.
        assert_eq!((session.avg_heart_rate, session.max_heart_rate), (Some(145), Some(171)));
        assert_eq!(session.elapsed_s, Some(300.0));
        assert_eq!(r.distance_m(), Some(1400.5));
        assert!(r.pauses.is_empty());
    }

    #[test]
    fn second_track_in_a_lap_is_a_pause_and_distance_comes_from_positions_when_absent() {
        let body = format!(
            r#"<Activities><Activity Sport="Biking"><Lap StartTime="2024-05-01T06:00:00Z">
<Track>{}{}</Track><Track>{}</Track></Lap></Activity></Activities>"#,
            trackpoint("2024-05-01T06:00:00Z", ""),
            trackpoint("2024-05-01T06:00:05Z", ""),
            trackpoint("2024-05-01T06:10:00Z", ""),
        );
        let r = decode(tcx(&body).as_bytes()).unwrap();
        assert_eq!(r.sport, Some(Sport::CYCLING));
        assert_eq!(
            r.pauses,
            vec![Pause { start: 1_714_543_205_000, end: Some(1_714_543_800_000) }]
        );
        assert_eq!(r.samples.distance_m, vec![Some(0.0); 3]);
    }

    #[test]
    fn courses() {
        let body = format!(
            r#"<Folders><Courses><CourseFolder Name="Courses"><CourseNameRef><Id>R</Id></CourseNameRef></CourseFolder></Courses></Folders>
<Courses><Course><Name>R</Name><Lap><TotalTimeSeconds>9</TotalTimeSeconds><DistanceMeters>20</DistanceMeters>
<BeginPosition><LatitudeDegrees>1</LatitudeDegrees><LongitudeDegrees>2</LongitudeDegrees></BeginPosition></Lap>
<Track>{}</Track><CoursePoint><Name>x</Name><Time>2012-01-04T00:00:00Z</Time></CoursePoint></Course></Courses>"#,
            trackpoint("2012-01-04T00:00:00Z", "<DistanceMeters>0</DistanceMeters>"),
        );
        let r = decode(tcx(&body).as_bytes()).unwrap();
        assert_eq!(r.kind(), Some(FileKind::Course));
        // The course's own name, not a course point's.
        assert_eq!(r.name.as_deref(), Some("R"));
        assert_eq!(r.sport, None);
        assert_eq!(r.samples.len(), 1);
        assert_eq!(r.laps.len(), 1);
        assert_eq!(r.laps[0].distance_m, Some(20.0));
        assert_eq!(r.sessions[0].start, Some(1_325_635_200_000));
    }

    #[test]
    fn bad_values_are_warnings() {
        let body = r#"<Activities><Activity Sport="Biking"><Lap StartTime="soon"><Track>
<Trackpoint><Time>2020-12-27T15:59:36.000+01:00</Time><Position><LatitudeDegrees>no</LatitudeDegrees>
<LongitudeDegrees>10</LongitudeDegrees></Position><HeartRateBpm><Value>300</Value></HeartRateBpm></Trackpoint>
</Track></Lap></Activity></Activities>"#;
        let r = decode(tcx(body).as_bytes()).unwrap();
        assert_eq!(r.samples.len(), 1);
        assert_eq!(r.samples.count(Channel::Position), 0);
        assert_eq!(r.samples.lon[0], None);
        assert_eq!(r.samples.heart_rate[0], None);
        assert_eq!(r.utc_offset_s, Some(3600));
        let msgs: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "line 4: Lap has StartTime=\"soon\", not a date-time; left out",
                "line 5: Trackpoint has <LatitudeDegrees> \"no\", not a usable value; left out",
                "line 6: Trackpoint has <Value> \"300\", not a usable value; left out",
                "line 5: Trackpoint has only one usable coordinate; kept without a position",
            ]
        );
    }

    #[test]
    fn other_sports_and_several_activities() {
        let body = format!(
            r#"<Activities><Activity Sport="Other"><Lap StartTime="2024-05-01T06:00:00Z"><Track>{}</Track></Lap></Activity>
<Activity Sport="Running"><Lap StartTime="2024-05-01T07:00:00Z"><Track>{}</Track></Lap></Activity></Activities>"#,
            trackpoint("2024-05-01T06:00:00Z", ""),
            trackpoint("2024-05-01T07:00:00Z", ""),
        );
        let r = decode(tcx(&body).as_bytes()).unwrap();
        assert_eq!(r.sport, Some(Sport::GENERIC));
        assert_eq!(r.laps.len(), 2);
        assert_eq!((r.laps[0].sport, r.laps[1].sport), (Some(0), Some(1)));
        assert_eq!(r.pauses.len(), 1);
        assert_eq!(r.warnings[0].message, "the file holds 2 activities; read as one recording");
    }

    #[test]
    fn not_tcx_and_truncated() {
        let e = decode(b"<gpx/>").unwrap_err();
        assert_eq!(e.to_string(), "line 1: root element is <gpx>, not <TrainingCenterDatabase>");
        let body = format!(
            "<Activities><Activity Sport=\"Running\"><Lap><Track>{}{}",
            trackpoint("2024-05-01T06:00:00Z", ""),
            "<Trackpoint><Time>2024-05-01T06:00:01Z</Time><Posi"
        );
        let text = format!("{HEAD}\n{body}");
        let r = decode(text.as_bytes()).unwrap();
        assert_eq!(r.samples.len(), 1);
        assert!(r.warnings[0].message.contains("kept the 1 trackpoints"), "{:?}", r.warnings);
    }
}

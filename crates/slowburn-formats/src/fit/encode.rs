//! Our FIT encoder: a [`Recording`] out as an activity file, a [`Workout`] as a workout file,
//! a [`Schedule`] (workouts on calendar days) as a schedules file.
//!
//! # Design
//! The encoder is the exact inverse of [`super::decode()`]: every value is offset, scaled and
//! rounded onto the integer grid of its FIT field, so `decode(encode(r))` gives back every
//! value that lies on that grid (the property tests in `tests/encode.rs`). A value the field
//! cannot hold — out of range, not finite, or equal to the base type's "invalid" sentinel — is
//! an [`EncodeError`] naming the sample or message, never silently clamped; a missing value is
//! the sentinel.
//!
//! Records are the bulk of a file, so they go through a fixed plan: the channels that have any
//! value are found once, their fields defined once, and each sample is written straight from
//! the columns into the output buffer. Every other message goes through a small builder, and
//! the writer re-emits a local type's definition only when a message's field set differs from
//! the one last defined there (a lap without heart rate, a shorter last `hrv` message).
//!
//! Message order is the one watches use: `file_id`, `device_info` (the creator), a timer start
//! event, records with each pause's timer stop/start events between them in time order, `hrv`,
//! the final timer stop, laps, sessions, `activity`. The header says protocol 1.0: nothing here
//! needs 2.0 (no developer fields, no 64-bit types), and 1.0 is what every reader accepts.

use super::crc;
use crate::error::EncodeError;
use crate::recording::{
    Pause, Recording, Samples, Sport, Summary, TimestampMs, FIT_EPOCH_OFFSET_S,
};

/// Options for [`encode_activity`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EncodeOptions {
    /// Write records whose timestamp is 0–31 s after the timestamp a decoder last saw with a
    /// one-byte compressed-timestamp header instead of a 4-byte timestamp field (local types
    /// 0–3 only, as the protocol allows). Smaller files; not every reader supports them (the
    /// Garmin Python SDK does not).
    pub compressed_timestamps: bool,
}

/// A structured workout, written as a FIT file of type workout by [`encode_workout`].
///
/// `serial_number` and `created` go into the file's `file_id`; with the manufacturer and
/// product (always `development`, 0 here) they are what a [`Schedule`] names the workout by, so
/// workouts that are scheduled need both, and no two alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Workout {
    /// `wkt_name`: watches show about 15 characters of it.
    pub name: String,
    pub sport: Sport,
    pub steps: Vec<WorkoutStep>,
    /// `file_id.time_created`: FIT seconds (since 1989-12-31T00:00:00Z), given by the caller.
    pub created: Option<u32>,
    /// `file_id.serial_number` (uint32z: 0 is not a serial number).
    pub serial_number: Option<u32>,
}

/// One step of a [`Workout`].
#[derive(Debug, Clone, PartialEq)]
pub struct WorkoutStep {
    pub name: Option<String>,
    pub intensity: StepIntensity,
    pub duration: StepDuration,
    pub target: StepTarget,
    /// After this step, go back to step index `.0` (this step or an earlier one) and run that
    /// block `.1` times in all (FIT `repeat_until_steps_cmplt`, `repeat_steps`).
    pub repeat: Option<(u32, u32)>,
    /// `notes`: what to do, in words (watches show them with the step).
    pub notes: Option<String>,
}

/// Workouts on calendar days, written as a FIT file of type schedules by [`encode_schedules`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schedule {
    /// `file_id.time_created` of the schedules file, FIT seconds.
    pub created: Option<u32>,
    /// `file_id.serial_number` of the schedules file.
    pub serial_number: Option<u32>,
    pub entries: Vec<ScheduledWorkout>,
}

/// One workout on one day of a [`Schedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScheduledWorkout {
    /// The workout file's `serial_number` and `created`, as given to [`encode_workout`].
    pub serial_number: u32,
    pub created: u32,
    /// `scheduled_time`: FIT `local_date_time`, seconds since 1989-12-31T00:00:00 local time
    /// (a day's midnight is days × 86400).
    pub scheduled_time: u32,
    pub completed: bool,
}

/// FIT `intensity` of a workout step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepIntensity {
    Warmup,
    Active,
    Rest,
    Cooldown,
    Recovery,
}

/// How a workout step ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepDuration {
    /// Seconds (FIT resolution 1 ms).
    Time(f64),
    /// Metres (FIT resolution 1 cm).
    Distance(f64),
    /// Until the lap button.
    Open,
}

/// What a workout step aims at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepTarget {
    Open,
    HeartRate {
        low_bpm: u8,
        high_bpm: u8,
    },
    /// Metres per second (FIT resolution 1 mm/s).
    Speed {
        low_mps: f32,
        high_mps: f32,
    },
}

const HEADER_SIZE: usize = 14;
/// FIT protocol 1.0 (see the module docs).
const PROTOCOL_VERSION: u8 = 0x10;
/// The profile our field numbers come from, 21.218 (major × 1000 + minor, as the SDKs write it).
const PROFILE_VERSION: u16 = 21_218;

/// Timestamps below this are device time (seconds since power-on), not dates (FIT protocol).
const RELATIVE_TIME_LIMIT: i64 = 0x1000_0000;

const MESG_FILE_ID: u16 = 0;
const MESG_SESSION: u16 = 18;
const MESG_LAP: u16 = 19;
const MESG_RECORD: u16 = 20;
const MESG_EVENT: u16 = 21;
const MESG_DEVICE_INFO: u16 = 23;
const MESG_WORKOUT: u16 = 26;
const MESG_WORKOUT_STEP: u16 = 27;
const MESG_SCHEDULE: u16 = 28;
const MESG_ACTIVITY: u16 = 34;
const MESG_HRV: u16 = 78;

// Local types. Compressed-timestamp headers can only name local types 0–3, so the record
// definition without a timestamp field lives on 0.
const LOCAL_RECORD_COMPRESSED: u8 = 0;
const LOCAL_RECORD: u8 = 1;
const LOCAL_EVENT: u8 = 2;
const LOCAL_HRV: u8 = 3;
const LOCAL_FILE_ID: u8 = 4;
const LOCAL_DEVICE_INFO: u8 = 5;
const LOCAL_LAP: u8 = 6;
const LOCAL_SESSION: u8 = 7;
const LOCAL_ACTIVITY: u8 = 8;
const LOCAL_WORKOUT: u8 = 9;
const LOCAL_WORKOUT_STEP: u8 = 10;
const LOCAL_SCHEDULE: u8 = 11;

// Base type bytes.
const ENUM: u8 = 0x00;
const SINT8: u8 = 0x01;
const UINT8: u8 = 0x02;
const UINT16: u8 = 0x84;
const SINT32: u8 = 0x85;
const UINT32: u8 = 0x86;
const UINT32Z: u8 = 0x8C;
const STRING: u8 = 0x07;

const FIELD_TIMESTAMP: u8 = 253;
const FIELD_MESSAGE_INDEX: u8 = 254;

// Enum values.
const FILE_ACTIVITY: u8 = 4;
const FILE_WORKOUT: u8 = 5;
const FILE_SCHEDULES: u8 = 7;
const SCHEDULE_WORKOUT: u8 = 0;
const MANUFACTURER_DEVELOPMENT: u16 = 255;
const EVENT_TIMER: u8 = 0;
const EVENT_SESSION: u8 = 8;
const EVENT_LAP: u8 = 9;
const EVENT_ACTIVITY: u8 = 26;
const EVENT_TYPE_START: u8 = 0;
const EVENT_TYPE_STOP: u8 = 1;
const EVENT_TYPE_STOP_ALL: u8 = 4;
const SESSION_TRIGGER_ACTIVITY_END: u8 = 0;

/// The integer grid of one FIT field: raw = round((value + offset) × scale), in `min..=max`
/// (`max` stops below the base type's invalid sentinel).
struct Grid {
    /// How the field is named in errors.
    field: &'static str,
    scale: f64,
    offset: f64,
    min: f64,
    max: f64,
}

const U8_MAX: f64 = 254.0;
const U16_MAX: f64 = 65_534.0;
const U32_MAX: f64 = 4_294_967_294.0;

const fn grid(field: &'static str, scale: f64, offset: f64, min: f64, max: f64) -> Grid {
    Grid { field, scale, offset, min, max }
}

const G_ALTITUDE: Grid =
    grid("record enhanced_altitude (uint32, scale 5, offset 500)", 5.0, 500.0, 0.0, U32_MAX);
const G_HEART_RATE: Grid = grid("record heart_rate (uint8, 0–254 bpm)", 1.0, 0.0, 0.0, U8_MAX);
const CADENCE_FIELD: &str = "record cadence + fractional_cadence (uint8 + 1/128, 0 to 254 127/128)";
const G_DISTANCE: Grid = grid("record distance (uint32, scale 100)", 100.0, 0.0, 0.0, U32_MAX);
const G_SPEED: Grid = grid("record enhanced_speed (uint32, scale 1000)", 1000.0, 0.0, 0.0, U32_MAX);
const G_POWER: Grid = grid("record power (uint16)", 1.0, 0.0, 0.0, U16_MAX);
const G_TEMPERATURE: Grid = grid("record temperature (sint8, −128–126)", 1.0, 0.0, -128.0, 126.0);
const G_VERTICAL_OSCILLATION: Grid =
    grid("record vertical_oscillation (uint16, scale 10)", 10.0, 0.0, 0.0, U16_MAX);
const G_STANCE_TIME: Grid = grid("record stance_time (uint16, scale 10)", 10.0, 0.0, 0.0, U16_MAX);
const G_STEP_LENGTH: Grid = grid("record step_length (uint16, scale 10)", 10.0, 0.0, 0.0, U16_MAX);
/// Semicircles: 2^31 per 180°; +180° itself (2^31) is written as −180°, the same meridian.
const G_SEMICIRCLES: Grid = grid(
    "record position (sint32 semicircles, −180° to 180°)",
    2_147_483_648.0 / 180.0,
    0.0,
    -2_147_483_648.0,
    2_147_483_648.0,
);
const G_SECONDS_MS: Grid = grid("total_*_time (uint32, scale 1000)", 1000.0, 0.0, 0.0, U32_MAX);
const G_METRES_CM: Grid = grid("total_distance (uint32, scale 100)", 100.0, 0.0, 0.0, U32_MAX);
const G_METRES_U16: Grid = grid("total_ascent/descent (uint16 m)", 1.0, 0.0, 0.0, U16_MAX);
const G_UINT8: Grid = grid("uint8 (0–254)", 1.0, 0.0, 0.0, U8_MAX);
const G_ENUM: Grid = grid("enum (0–254)", 1.0, 0.0, 0.0, U8_MAX);
const G_UINT16: Grid = grid("uint16 (0–65534)", 1.0, 0.0, 0.0, U16_MAX);
const G_RR: Grid = grid("hrv time (uint16 ms, 0–65534)", 1.0, 0.0, 0.0, U16_MAX);
const G_UTC_OFFSET: Grid = grid(
    "activity local_timestamp (UTC offset within ±14 h)",
    1.0,
    0.0,
    -14.0 * 3600.0,
    14.0 * 3600.0,
);
const G_STEP_TIME: Grid =
    grid("workout_step duration_time (uint32, scale 1000 s)", 1000.0, 0.0, 0.0, U32_MAX);
const G_STEP_DISTANCE: Grid =
    grid("workout_step duration_distance (uint32, scale 100 m)", 100.0, 0.0, 0.0, U32_MAX);
const G_STEP_SPEED: Grid =
    grid("workout_step custom_target_speed (uint32, scale 1000 m/s)", 1000.0, 0.0, 0.0, U32_MAX);
const G_STEP_BPM: Grid = grid(
    "workout_step custom_target_heart_rate (1–255 bpm, written + 100)",
    1.0,
    100.0,
    101.0,
    355.0,
);
const G_REPEAT_TIMES: Grid =
    grid("workout_step repeat_steps (uint32, at least 1)", 1.0, 0.0, 1.0, U32_MAX);
const G_DATE_TIME: Grid = grid(
    "date_time (uint32 s since 1989-12-31, 0x10000000 and up: earlier values are device time)",
    1.0,
    0.0,
    RELATIVE_TIME_LIMIT as f64,
    U32_MAX,
);
const G_SERIAL: Grid =
    grid("serial_number (uint32z, 1–4294967295)", 1.0, 0.0, 1.0, 4_294_967_295.0);

impl Grid {
    /// The raw integer for `value`, or `None` when it is not finite or off the field's range.
    #[inline]
    fn try_raw(&self, value: f64) -> Option<i64> {
        let raw = round((value + self.offset) * self.scale)?;
        let r = raw as f64;
        (r >= self.min && r <= self.max).then_some(raw)
    }

    #[inline]
    fn raw(&self, value: f64, what: impl FnOnce() -> String) -> Result<i64, EncodeError> {
        self.try_raw(value).ok_or_else(|| EncodeError::OutOfRange {
            what: what(),
            value: value.to_string(),
            field: self.field,
        })
    }

    fn opt(
        &self,
        value: Option<f64>,
        what: impl FnOnce() -> String,
    ) -> Result<Option<i64>, EncodeError> {
        value.map(|v| self.raw(v, what)).transpose()
    }
}

/// `x` rounded to the nearest integer, halves away from zero (as `f64::round`), or `None` when
/// it is not finite or beyond ±2^52.
///
/// # Design
/// `f64::round` is a libm call on baseline x86-64 (no SSE4.1 `roundsd`), and the record loop
/// rounds a dozen values per sample; truncation by cast plus the exact fractional part
/// (`x - trunc(x)` is exact for |x| < 2^52) is a few instructions.
#[inline]
fn round(x: f64) -> Option<i64> {
    const LIMIT: f64 = 4_503_599_627_370_496.0; // 2^52
                                                // NaN is in no range.
    if !(-LIMIT..LIMIT).contains(&x) {
        return None;
    }
    let t = x as i64;
    let frac = x - t as f64;
    Some(if frac >= 0.5 {
        t + 1
    } else if frac <= -0.5 {
        t - 1
    } else {
        t
    })
}

/// Converts Recording times (Unix ms, or device ms for relative-time recordings) to FIT
/// timestamps (whole seconds, rounded to the nearest).
#[derive(Clone, Copy)]
struct Clock {
    relative: bool,
}

impl Clock {
    fn fit(self, ms: TimestampMs, what: impl FnOnce() -> String) -> Result<u32, EncodeError> {
        let s = ms.saturating_add(500).div_euclid(1000);
        let (fit, reason) = if self.relative {
            (s, "is not device time (0 to 268435455 s) although the recording is relative_time")
        } else {
            (
                s.saturating_sub(FIT_EPOCH_OFFSET_S),
                "is before 1998-07-03T21:24:16Z (FIT reads earlier timestamps as device time; set relative_time for device time)",
            )
        };
        if self.relative && (0..RELATIVE_TIME_LIMIT).contains(&fit) {
            return u32::try_from(fit).map_err(|_| EncodeError::Time { what: what(), ms, reason });
        }
        if !self.relative && fit >= RELATIVE_TIME_LIMIT {
            return u32::try_from(fit).ok().filter(|&t| t != u32::MAX).ok_or_else(|| {
                EncodeError::Time {
                    what: what(),
                    ms,
                    reason: "is after 2126-02-06T06:28:14Z, the last FIT timestamp",
                }
            });
        }
        Err(EncodeError::Time { what: what(), ms, reason })
    }

    fn opt(
        self,
        ms: Option<TimestampMs>,
        what: impl FnOnce() -> String,
    ) -> Result<Option<u32>, EncodeError> {
        ms.map(|t| self.fit(t, what)).transpose()
    }
}

/// A FIT string field's text: `None` for an absent or empty string (FIT cannot tell them
/// apart), an error for text FIT cannot carry.
fn fit_string(s: Option<&str>, what: impl FnOnce() -> String) -> Result<Option<&str>, EncodeError> {
    match s {
        None | Some("") => Ok(None),
        Some(t) if t.contains('\0') => Err(EncodeError::Text {
            what: what(),
            reason: "contains a NUL byte, which ends a FIT string",
        }),
        Some(t) if t.len() > 254 => Err(EncodeError::Text {
            what: what(),
            reason: "is longer than 254 bytes, the most a FIT string field holds",
        }),
        Some(t) => Ok(Some(t)),
    }
}

/// One message under construction: its field definitions and its data bytes.
#[derive(Default)]
struct Msg {
    defs: Vec<[u8; 3]>,
    data: Vec<u8>,
    timestamp: Option<u32>,
}

impl Msg {
    fn clear(&mut self) {
        self.defs.clear();
        self.data.clear();
        self.timestamp = None;
    }

    fn raw(&mut self, num: u8, base: u8, bytes: &[u8]) {
        self.defs.push([num, bytes.len() as u8, base]);
        self.data.extend_from_slice(bytes);
    }

    fn timestamp(&mut self, ts: Option<u32>) {
        if let Some(t) = ts {
            self.raw(FIELD_TIMESTAMP, UINT32, &t.to_le_bytes());
            self.timestamp = Some(t);
        }
    }

    fn enum8(&mut self, num: u8, v: Option<u8>) {
        if let Some(v) = v {
            self.raw(num, ENUM, &[v]);
        }
    }

    fn uint8(&mut self, num: u8, v: Option<u8>) {
        if let Some(v) = v {
            self.raw(num, UINT8, &[v]);
        }
    }

    fn uint16(&mut self, num: u8, v: Option<u16>) {
        if let Some(v) = v {
            self.raw(num, UINT16, &v.to_le_bytes());
        }
    }

    fn uint32(&mut self, num: u8, v: Option<u32>) {
        if let Some(v) = v {
            self.raw(num, UINT32, &v.to_le_bytes());
        }
    }

    fn uint32z(&mut self, num: u8, v: Option<u32>) {
        if let Some(v) = v {
            self.raw(num, UINT32Z, &v.to_le_bytes());
        }
    }

    /// `s` must have passed [`fit_string`] (at most 254 bytes, no NUL).
    fn string(&mut self, num: u8, s: Option<&str>) {
        if let Some(s) = s {
            self.defs.push([num, (s.len() + 1) as u8, STRING]);
            self.data.extend_from_slice(s.as_bytes());
            self.data.push(0);
        }
    }
}

/// Raw values narrowed to a field's width; the grids above guarantee they fit.
fn u8_of(raw: Option<i64>) -> Option<u8> {
    raw.and_then(|v| u8::try_from(v).ok())
}
fn u16_of(raw: Option<i64>) -> Option<u16> {
    raw.and_then(|v| u16::try_from(v).ok())
}
fn u32_of(raw: Option<i64>) -> Option<u32> {
    raw.and_then(|v| u32::try_from(v).ok())
}

/// The output: header placeholder, messages, and what a decoder would know at this point.
struct Writer {
    buf: Vec<u8>,
    defs: [Option<(u16, Vec<[u8; 3]>)>; 16],
    /// The timestamp a decoder would resolve a compressed-timestamp header against.
    last_ts: Option<u32>,
}

impl Writer {
    fn with_capacity(capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(capacity.max(HEADER_SIZE + 2));
        buf.resize(HEADER_SIZE, 0);
        Writer { buf, defs: Default::default(), last_ts: None }
    }

    /// Emit a definition for `local` unless it already holds exactly this one.
    fn define(&mut self, local: u8, global: u16, fields: &[[u8; 3]]) {
        let slot = &mut self.defs[usize::from(local & 0x0F)];
        if matches!(slot, Some((g, f)) if *g == global && f.as_slice() == fields) {
            return;
        }
        self.buf.push(0x40 | local);
        self.buf.push(0); // reserved
        self.buf.push(0); // architecture: little-endian
        self.buf.extend_from_slice(&global.to_le_bytes());
        // Every message here has fewer than 20 fields.
        self.buf.push(fields.len() as u8);
        for f in fields {
            self.buf.extend_from_slice(f);
        }
        *slot = Some((global, fields.to_vec()));
    }

    fn message(&mut self, local: u8, global: u16, m: &Msg) {
        self.define(local, global, &m.defs);
        self.buf.push(local);
        self.buf.extend_from_slice(&m.data);
        if m.timestamp.is_some() {
            self.last_ts = m.timestamp;
        }
    }

    /// Fill in the header and append the file CRC.
    fn finish(mut self) -> Result<Vec<u8>, EncodeError> {
        let data_len = self.buf.len() - HEADER_SIZE;
        let data_size =
            u32::try_from(data_len).map_err(|_| EncodeError::TooLarge { bytes: data_len })?;
        let mut header = [0u8; HEADER_SIZE];
        header[0] = HEADER_SIZE as u8;
        header[1] = PROTOCOL_VERSION;
        header[2..4].copy_from_slice(&PROFILE_VERSION.to_le_bytes());
        header[4..8].copy_from_slice(&data_size.to_le_bytes());
        header[8..12].copy_from_slice(b".FIT");
        let header_crc = crc::crc16(&header[..12]);
        header[12..14].copy_from_slice(&header_crc.to_le_bytes());
        for (dst, src) in self.buf.iter_mut().zip(header) {
            *dst = src;
        }
        let file_crc = crc::crc16(&self.buf);
        self.buf.extend_from_slice(&file_crc.to_le_bytes());
        Ok(self.buf)
    }
}

/// A column of a record message, in definition order.
#[derive(Clone, Copy, Debug)]
enum Col {
    Lat,
    Lon,
    Altitude,
    HeartRate,
    /// `cadence`, followed by `fractional_cadence` when the flag is set.
    Cadence {
        fractional: bool,
    },
    Distance,
    Speed,
    Power,
    Temperature,
    VerticalOscillation,
    StanceTime,
    StepLength,
}

/// The record layout of one recording: the columns with any value and their field definitions
/// (without the timestamp, which only full-header records carry).
struct RecordPlan {
    cols: Vec<Col>,
    fields: Vec<[u8; 3]>,
    /// Bytes of one record's fields (without header and timestamp).
    size: usize,
}

impl RecordPlan {
    fn new(s: &Samples) -> Self {
        fn any<T>(v: &[Option<T>]) -> bool {
            v.iter().any(Option::is_some)
        }
        let mut plan = RecordPlan { cols: Vec::new(), fields: Vec::new(), size: 0 };
        let mut add = |col: Col, defs: &[[u8; 3]]| {
            plan.cols.push(col);
            for d in defs {
                plan.fields.push(*d);
                plan.size += usize::from(d[1]);
            }
        };
        if any(&s.lat) {
            add(Col::Lat, &[[0, 4, SINT32]]);
        }
        if any(&s.lon) {
            add(Col::Lon, &[[1, 4, SINT32]]);
        }
        if any(&s.altitude_m) {
            add(Col::Altitude, &[[78, 4, UINT32]]);
        }
        if any(&s.heart_rate) {
            add(Col::HeartRate, &[[3, 1, UINT8]]);
        }
        if any(&s.cadence) {
            // fractional_cadence only when some cadence has a fraction (most watches write none).
            let fractional =
                s.cadence.iter().flatten().any(|c| cadence_parts(*c).is_some_and(|(_, f)| f != 0));
            if fractional {
                add(Col::Cadence { fractional }, &[[4, 1, UINT8], [53, 1, UINT8]]);
            } else {
                add(Col::Cadence { fractional }, &[[4, 1, UINT8]]);
            }
        }
        if any(&s.distance_m) {
            add(Col::Distance, &[[5, 4, UINT32]]);
        }
        if any(&s.speed_mps) {
            add(Col::Speed, &[[73, 4, UINT32]]);
        }
        if any(&s.power_w) {
            add(Col::Power, &[[7, 2, UINT16]]);
        }
        if any(&s.temperature_c) {
            add(Col::Temperature, &[[13, 1, SINT8]]);
        }
        if any(&s.vertical_oscillation_mm) {
            add(Col::VerticalOscillation, &[[39, 2, UINT16]]);
        }
        if any(&s.stance_time_ms) {
            add(Col::StanceTime, &[[41, 2, UINT16]]);
        }
        if any(&s.step_length_mm) {
            add(Col::StepLength, &[[85, 2, UINT16]]);
        }
        plan
    }
}

/// Cadence as whole units and 1/128ths (FIT `cadence` + `fractional_cadence`), or `None` when
/// it is not finite or outside 0 to 254 127/128.
fn cadence_parts(c: f32) -> Option<(u8, u8)> {
    let units = round(f64::from(c) * 128.0)?;
    if !(0..=254 * 128 + 127).contains(&units) {
        return None;
    }
    let units = units as u32;
    Some(((units / 128) as u8, (units % 128) as u8))
}

fn cadence_checked(c: f32, i: usize) -> Result<(u8, u8), EncodeError> {
    cadence_parts(c).ok_or_else(|| EncodeError::OutOfRange {
        what: format!("sample {i} cadence"),
        value: c.to_string(),
        field: CADENCE_FIELD,
    })
}

/// One record's field bytes, built on the stack and appended in one copy.
struct Row {
    bytes: [u8; ROW_MAX],
    len: usize,
}

/// Room for the largest record plan: 13 fields, 32 bytes.
const ROW_MAX: usize = 48;

impl Row {
    /// Append the low `W` bytes of `raw`, little-endian (−1 gives the all-ones sentinel).
    #[inline]
    fn put<const W: usize>(&mut self, raw: i64) {
        let b = raw.to_le_bytes();
        if let Some(dst) = self.bytes.get_mut(self.len..self.len + W) {
            dst.copy_from_slice(&b[..W]);
        }
        self.len += W;
    }
}

#[cold]
#[inline(never)]
fn sample_error(i: usize, channel: &'static str, value: f64, field: &'static str) -> EncodeError {
    EncodeError::OutOfRange {
        what: format!("sample {i} {channel}"),
        value: value.to_string(),
        field,
    }
}

/// The raw value of a sample's channel, or −1 (all ones: the unsigned sentinel) when missing.
#[inline]
fn sample_raw(
    v: Option<f64>,
    g: &Grid,
    i: usize,
    channel: &'static str,
) -> Result<i64, EncodeError> {
    match v {
        Some(x) => g.try_raw(x).ok_or_else(|| sample_error(i, channel, x, g.field)),
        None => Ok(-1),
    }
}

/// Write sample `i`'s fields as the plan lays them out.
#[inline]
fn write_sample(buf: &mut Vec<u8>, s: &Samples, i: usize, cols: &[Col]) -> Result<(), EncodeError> {
    let mut row = Row { bytes: [0; ROW_MAX], len: 0 };
    for &col in cols {
        match col {
            Col::Lat | Col::Lon => {
                let (v, name) =
                    if matches!(col, Col::Lat) { (s.lat[i], "lat") } else { (s.lon[i], "lon") };
                let raw = match v {
                    Some(deg) => {
                        let r = sample_raw(Some(deg), &G_SEMICIRCLES, i, name)?;
                        // +180° (2^31) is −180°; the sentinel 0x7FFFFFFF is refused.
                        let r = if r == 1 << 31 { -(1 << 31) } else { r };
                        if r == i64::from(i32::MAX) {
                            return Err(sample_error(i, name, deg, G_SEMICIRCLES.field));
                        }
                        r
                    }
                    None => i64::from(i32::MAX),
                };
                row.put::<4>(raw);
            }
            Col::Altitude => {
                row.put::<4>(sample_raw(
                    s.altitude_m[i].map(f64::from),
                    &G_ALTITUDE,
                    i,
                    "altitude_m",
                )?);
            }
            Col::HeartRate => {
                row.put::<1>(sample_raw(
                    s.heart_rate[i].map(f64::from),
                    &G_HEART_RATE,
                    i,
                    "heart_rate",
                )?);
            }
            Col::Cadence { fractional } => {
                let (whole, frac) = match s.cadence[i] {
                    Some(c) => cadence_checked(c, i)?,
                    None => (0xFF, 0xFF),
                };
                row.put::<1>(i64::from(whole));
                if fractional {
                    row.put::<1>(i64::from(frac));
                }
            }
            Col::Distance => {
                row.put::<4>(sample_raw(s.distance_m[i], &G_DISTANCE, i, "distance_m")?);
            }
            Col::Speed => {
                row.put::<4>(sample_raw(s.speed_mps[i].map(f64::from), &G_SPEED, i, "speed_mps")?);
            }
            Col::Power => {
                row.put::<2>(sample_raw(s.power_w[i].map(f64::from), &G_POWER, i, "power_w")?);
            }
            Col::Temperature => {
                // sint8's sentinel is 0x7F, not all ones.
                let raw = match s.temperature_c[i] {
                    Some(t) => sample_raw(Some(f64::from(t)), &G_TEMPERATURE, i, "temperature_c")?,
                    None => 0x7F,
                };
                row.put::<1>(raw);
            }
            Col::VerticalOscillation => row.put::<2>(sample_raw(
                s.vertical_oscillation_mm[i].map(f64::from),
                &G_VERTICAL_OSCILLATION,
                i,
                "vertical_oscillation_mm",
            )?),
            Col::StanceTime => row.put::<2>(sample_raw(
                s.stance_time_ms[i].map(f64::from),
                &G_STANCE_TIME,
                i,
                "stance_time_ms",
            )?),
            Col::StepLength => row.put::<2>(sample_raw(
                s.step_length_mm[i].map(f64::from),
                &G_STEP_LENGTH,
                i,
                "step_length_mm",
            )?),
        }
    }
    buf.extend_from_slice(row.bytes.get(..row.len).unwrap_or_default());
    Ok(())
}

fn check_lengths(s: &Samples) -> Result<(), EncodeError> {
    let n = s.time.len();
    let lens = [
        ("lat", s.lat.len()),
        ("lon", s.lon.len()),
        ("altitude_m", s.altitude_m.len()),
        ("heart_rate", s.heart_rate.len()),
        ("cadence", s.cadence.len()),
        ("distance_m", s.distance_m.len()),
        ("speed_mps", s.speed_mps.len()),
        ("power_w", s.power_w.len()),
        ("temperature_c", s.temperature_c.len()),
        ("vertical_oscillation_mm", s.vertical_oscillation_mm.len()),
        ("stance_time_ms", s.stance_time_ms.len()),
        ("step_length_mm", s.step_length_mm.len()),
    ];
    match lens.iter().find(|(_, len)| *len != n) {
        Some(&(channel, len)) => Err(EncodeError::ChannelLength { channel, len, samples: n }),
        None => Ok(()),
    }
}

/// Pauses must be in time order, each ending at or after its start and at or before the next
/// one starts; only the last may be open (the decoder reads an open pause only there).
fn check_pauses(pauses: &[Pause]) -> Result<(), EncodeError> {
    let mut prev_end: Option<TimestampMs> = None;
    for (index, p) in pauses.iter().enumerate() {
        if prev_end.is_some_and(|e| p.start < e) {
            return Err(EncodeError::Pause {
                index,
                reason: "starts before the previous pause ends (pauses must be in order and not overlap)",
            });
        }
        match p.end {
            Some(e) if e < p.start => {
                return Err(EncodeError::Pause { index, reason: "ends before it starts" })
            }
            Some(e) => prev_end = Some(e),
            None if index + 1 < pauses.len() => {
                return Err(EncodeError::Pause {
                    index,
                    reason: "has no end but is not the last pause",
                })
            }
            None => {}
        }
    }
    Ok(())
}

/// Field numbers of the summary fields the decoder reads (lap and session differ).
struct SummaryLayout {
    name: &'static str,
    global: u16,
    local: u8,
    event: u8,
    ascent: u8,
    descent: u8,
    avg_hr: u8,
    max_hr: u8,
    sport: u8,
    sub_sport: u8,
    intensity: Option<u8>,
    trigger: u8,
}

const LAP: SummaryLayout = SummaryLayout {
    name: "lap",
    global: MESG_LAP,
    local: LOCAL_LAP,
    event: EVENT_LAP,
    ascent: 21,
    descent: 22,
    avg_hr: 15,
    max_hr: 16,
    sport: 25,
    sub_sport: 39,
    intensity: Some(23),
    trigger: 24,
};

const SESSION: SummaryLayout = SummaryLayout {
    name: "session",
    global: MESG_SESSION,
    local: LOCAL_SESSION,
    event: EVENT_SESSION,
    ascent: 22,
    descent: 23,
    avg_hr: 16,
    max_hr: 17,
    sport: 5,
    sub_sport: 6,
    intensity: None,
    trigger: 28,
};

/// Write a lap or session. Fields that are `None` are left out of the message (the definition
/// follows); the timestamp (the end: start + elapsed) is only written with a start, since the
/// decoder takes a missing start from it.
fn write_summary(
    w: &mut Writer,
    m: &mut Msg,
    s: &Summary,
    index: usize,
    layout: &SummaryLayout,
    clock: Clock,
    extra: impl FnOnce(&mut Msg),
) -> Result<(), EncodeError> {
    let name = layout.name;
    let what = |field: &str| format!("{name} {index} {field}");
    let start = clock.opt(s.start, || what("start"))?;
    let elapsed = u32_of(G_SECONDS_MS.opt(s.elapsed_s, || what("elapsed_s"))?);
    let timer = u32_of(G_SECONDS_MS.opt(s.timer_s, || what("timer_s"))?);
    let distance = u32_of(G_METRES_CM.opt(s.distance_m, || what("distance_m"))?);
    let ascent = u16_of(G_METRES_U16.opt(s.ascent_m, || what("ascent_m"))?);
    let descent = u16_of(G_METRES_U16.opt(s.descent_m, || what("descent_m"))?);
    let avg_hr = u8_of(G_UINT8.opt(s.avg_heart_rate.map(f64::from), || what("avg_heart_rate"))?);
    let max_hr = u8_of(G_UINT8.opt(s.max_heart_rate.map(f64::from), || what("max_heart_rate"))?);
    let sport = u8_of(G_ENUM.opt(s.sport.map(f64::from), || what("sport"))?);
    let sub_sport = u8_of(G_ENUM.opt(s.sub_sport.map(f64::from), || what("sub_sport"))?);
    let trigger = u8_of(G_ENUM.opt(s.trigger.map(f64::from), || what("trigger"))?);
    let intensity = match layout.intensity {
        Some(_) => u8_of(G_ENUM.opt(s.intensity.map(f64::from), || what("intensity"))?),
        None => None,
    };
    // The message's timestamp is its end (a missing start leaves it out, see above).
    let end = if start.is_some() { summary_end(s, clock) } else { None };

    m.clear();
    m.timestamp(end);
    m.uint16(FIELD_MESSAGE_INDEX, u16::try_from(index).ok().filter(|&i| i != u16::MAX));
    m.enum8(0, Some(layout.event));
    m.enum8(1, Some(EVENT_TYPE_STOP));
    m.uint32(2, start);
    m.uint32(7, elapsed);
    m.uint32(8, timer);
    m.uint32(9, distance);
    m.uint8(layout.avg_hr, avg_hr);
    m.uint8(layout.max_hr, max_hr);
    m.uint16(layout.ascent, ascent);
    m.uint16(layout.descent, descent);
    m.enum8(layout.sport, sport);
    m.enum8(layout.sub_sport, sub_sport);
    if let Some(num) = layout.intensity {
        m.enum8(num, intensity);
    }
    m.enum8(layout.trigger, trigger);
    extra(m);
    w.message(layout.local, layout.global, m);
    Ok(())
}

/// The session a watch would have written, from the samples: start, elapsed and timer time
/// (pauses taken out), last distance, average and maximum heart rate, the recording's sport.
/// Ascent and descent are left out: a watch computes them from smoothed barometric altitude,
/// and a raw sum of differences would overstate them.
fn session_from_samples(rec: &Recording) -> Summary {
    let s = &rec.samples;
    let first = s.time.iter().find_map(|t| *t);
    let last = rec.end();
    let elapsed_ms = first.zip(last).map(|(a, b)| b.saturating_sub(a)).filter(|e| *e >= 0);
    let timer_ms = first.zip(last).zip(elapsed_ms).map(|((a, b), e)| {
        let paused: i64 = rec
            .pauses
            .iter()
            .map(|p| {
                let from = p.start.max(a);
                let to = p.end.unwrap_or(b).min(b);
                to.saturating_sub(from).max(0)
            })
            .fold(0i64, i64::saturating_add);
        e.saturating_sub(paused).max(0)
    });
    let (mut sum, mut count, mut max) = (0u64, 0u64, None::<u8>);
    for &h in s.heart_rate.iter().flatten() {
        if h > 0 {
            sum += u64::from(h);
            count += 1;
            max = max.max(Some(h));
        }
    }
    let avg = (count > 0).then(|| ((sum + count / 2) / count) as u8);
    Summary {
        start: first,
        elapsed_s: elapsed_ms.map(|e| e as f64 / 1000.0),
        timer_s: timer_ms.map(|e| e as f64 / 1000.0),
        distance_m: s.distance_m.iter().rev().find_map(|d| *d),
        ascent_m: None,
        descent_m: None,
        avg_heart_rate: avg,
        max_heart_rate: max,
        sport: rec.sport.map(|sp| sp.sport),
        sub_sport: rec.sport.map(|sp| sp.sub_sport),
        intensity: None,
        trigger: Some(SESSION_TRIGGER_ACTIVITY_END),
    }
}

/// The end of a summary as a FIT timestamp: start + elapsed, or the start when that is not a
/// valid time.
fn summary_end(s: &Summary, clock: Clock) -> Option<u32> {
    let start = s.start?;
    let elapsed = s
        .elapsed_s
        .and_then(|e| G_SECONDS_MS.try_raw(e))
        .map_or(Some(start), |e| start.checked_add(e));
    elapsed
        .and_then(|end| clock.fit(end, String::new).ok())
        .or_else(|| clock.fit(start, String::new).ok())
}

fn timer_event(w: &mut Writer, m: &mut Msg, ts: u32, event_type: u8) {
    m.clear();
    m.timestamp(Some(ts));
    m.enum8(0, Some(EVENT_TIMER));
    m.enum8(1, Some(event_type));
    m.uint32(3, Some(0)); // data: timer_trigger manual
    m.uint8(4, Some(0)); // event_group
    w.message(LOCAL_EVENT, MESG_EVENT, m);
}

/// Writes an activity FIT file: `file_id` (type activity, manufacturer/product from
/// `rec.devices[0]`, or "development" (255) / 0 when there is no device), `device_info`
/// (creator), a timer start event, `record` messages (every channel of `rec.samples` that has
/// any value), a timer stop/start event pair for each entry of `rec.pauses`, `hrv` messages
/// for `rec.rr_ms`, the final timer stop event, `lap` messages (`rec.laps`), `session`
/// messages (`rec.sessions`, or one session computed from the samples when there is none) and
/// the `activity` message (with `local_timestamp` from `rec.utc_offset_s` when set and the
/// recording has dates).
///
/// Times are Unix ms rounded to whole FIT seconds; in a `relative_time` recording they are
/// device time and written as they are. Pauses must be in time order and not overlap, and only
/// the last may be open (as the decoder produces them). Fails when a value does not fit its FIT field (see
/// [`EncodeError`]); every value on a field's grid decodes back unchanged.
pub fn encode_activity(rec: &Recording, opts: &EncodeOptions) -> Result<Vec<u8>, EncodeError> {
    let s = &rec.samples;
    check_lengths(s)?;
    check_pauses(&rec.pauses)?;
    let clock = Clock { relative: rec.relative_time };
    let n = s.len();
    let plan = RecordPlan::new(s);
    let record_bytes = 1 + 4 + plan.size;
    let mut out = Writer::with_capacity(
        HEADER_SIZE
            + 512
            + n.saturating_mul(record_bytes)
            + 64 * (rec.laps.len() + rec.sessions.len() + rec.pauses.len())
            + 3 * rec.rr_ms.len(),
    );
    let mut msg = Msg::default();

    let first_ms = s
        .time
        .iter()
        .find_map(|t| *t)
        .or_else(|| rec.sessions.iter().find_map(|x| x.start))
        .or_else(|| rec.laps.iter().find_map(|x| x.start));
    let start = clock.opt(first_ms, || "first timestamp".into())?;

    // file_id and the creator's device_info.
    let (manufacturer, product, name) = match rec.devices.first() {
        Some(d) => (d.manufacturer, d.product, d.name.as_deref()),
        None => (Some(MANUFACTURER_DEVELOPMENT), Some(0), None),
    };
    let manufacturer =
        u16_of(G_UINT16.opt(manufacturer.map(f64::from), || "devices[0].manufacturer".into())?);
    let product = u16_of(G_UINT16.opt(product.map(f64::from), || "devices[0].product".into())?);
    let name = fit_string(name, || "devices[0].name".into())?;
    msg.clear();
    msg.enum8(0, Some(FILE_ACTIVITY));
    msg.uint16(1, manufacturer);
    msg.uint16(2, product);
    msg.uint32(4, start); // time_created
    msg.string(8, name); // product_name
    out.message(LOCAL_FILE_ID, MESG_FILE_ID, &msg);

    msg.clear();
    msg.timestamp(start);
    msg.uint8(0, Some(0)); // device_index: creator
    msg.uint16(2, manufacturer);
    msg.uint16(4, product);
    msg.string(27, name);
    out.message(LOCAL_DEVICE_INFO, MESG_DEVICE_INFO, &msg);

    if let Some(t) = start {
        timer_event(&mut out, &mut msg, t, EVENT_TYPE_START);
    }

    // Pause events, in order: a stop at each start, a start at each end.
    let mut events: Vec<(u32, u8)> = Vec::with_capacity(2 * rec.pauses.len());
    for (i, p) in rec.pauses.iter().enumerate() {
        events.push((clock.fit(p.start, || format!("pause {i} start"))?, EVENT_TYPE_STOP_ALL));
        if let Some(e) = p.end {
            events.push((clock.fit(e, || format!("pause {i} end"))?, EVENT_TYPE_START));
        }
    }
    let mut next_event = 0usize;

    // Records.
    if n > 0 {
        let mut full = Vec::with_capacity(plan.fields.len() + 1);
        full.push([FIELD_TIMESTAMP, 4, UINT32]);
        full.extend_from_slice(&plan.fields);
        out.define(LOCAL_RECORD, MESG_RECORD, &full);
        if opts.compressed_timestamps {
            out.define(LOCAL_RECORD_COMPRESSED, MESG_RECORD, &plan.fields);
        }
    }
    for i in 0..n {
        let ts = clock.opt(s.time[i], || format!("sample {i} time"))?;
        if let Some(t) = ts {
            while let Some(&(et, ty)) = events.get(next_event) {
                if et >= t {
                    break;
                }
                timer_event(&mut out, &mut msg, et, ty);
                next_event += 1;
            }
        }
        let compressed = match (ts, out.last_ts) {
            (Some(t), Some(last)) => opts.compressed_timestamps && t >= last && t - last <= 31,
            _ => false,
        };
        match ts {
            Some(t) if compressed => {
                // Local type 0 in bits 5–6, the timestamp's low five bits in bits 0–4.
                out.buf.push(0x80 | (LOCAL_RECORD_COMPRESSED << 5) | (t & 0x1F) as u8);
                out.last_ts = Some(t);
            }
            _ => {
                out.buf.push(LOCAL_RECORD);
                out.buf.extend_from_slice(&ts.unwrap_or(u32::MAX).to_le_bytes());
                if ts.is_some() {
                    out.last_ts = ts;
                }
            }
        }
        write_sample(&mut out.buf, s, i, &plan.cols)?;
    }
    for &(et, ty) in &events[next_event.min(events.len())..] {
        timer_event(&mut out, &mut msg, et, ty);
    }

    // Beat-to-beat intervals, five to a message as watches write them.
    for (k, chunk) in rec.rr_ms.chunks(5).enumerate() {
        msg.clear();
        let mut bytes = [0u8; 10];
        for (j, &rr) in chunk.iter().enumerate() {
            G_RR.raw(f64::from(rr), || format!("rr_ms {}", k * 5 + j))?;
            bytes[2 * j..2 * j + 2].copy_from_slice(&rr.to_le_bytes());
        }
        msg.defs.push([0, (2 * chunk.len()) as u8, UINT16]);
        msg.data.extend_from_slice(&bytes[..2 * chunk.len()]);
        out.message(LOCAL_HRV, MESG_HRV, &msg);
    }

    // The end: the last sample's time, else the end of the last session or lap.
    let end = match rec.end() {
        Some(t) => Some(clock.fit(t, || "last sample time".into())?),
        None => rec
            .sessions
            .iter()
            .rev()
            .find_map(|x| summary_end(x, clock))
            .or_else(|| rec.laps.iter().rev().find_map(|x| summary_end(x, clock))),
    };
    if let Some(t) = end {
        timer_event(&mut out, &mut msg, t, EVENT_TYPE_STOP_ALL);
    }

    for (i, lap) in rec.laps.iter().enumerate() {
        write_summary(&mut out, &mut msg, lap, i, &LAP, clock, |_| {})?;
    }
    let computed;
    let sessions: &[Summary] = if rec.sessions.is_empty() {
        computed = [session_from_samples(rec)];
        &computed
    } else {
        &rec.sessions
    };
    let num_laps = u16::try_from(rec.laps.len()).ok().filter(|&l| l != u16::MAX);
    for (i, session) in sessions.iter().enumerate() {
        write_summary(&mut out, &mut msg, session, i, &SESSION, clock, |msg| {
            if sessions.len() == 1 {
                msg.uint16(25, Some(0)); // first_lap_index
                msg.uint16(26, num_laps);
            }
        })?;
    }

    let total_timer = sessions.iter().filter_map(|x| x.timer_s).sum::<f64>();
    let total_timer = if sessions.iter().any(|x| x.timer_s.is_some()) {
        u32_of(G_SECONDS_MS.try_raw(total_timer))
    } else {
        None
    };
    let local = match (rec.utc_offset_s, end) {
        (Some(off), Some(t)) if !rec.relative_time => {
            let off = G_UTC_OFFSET.raw(f64::from(off), || "utc_offset_s".into())?;
            u32::try_from(i64::from(t) + off).ok().filter(|&l| l != u32::MAX)
        }
        _ => None,
    };
    msg.clear();
    msg.timestamp(end);
    msg.uint32(0, total_timer);
    msg.uint16(1, u16::try_from(sessions.len()).ok());
    msg.enum8(2, Some(0)); // type: manual
    msg.enum8(3, Some(EVENT_ACTIVITY));
    msg.enum8(4, Some(EVENT_TYPE_STOP));
    msg.uint32(5, local);
    out.message(LOCAL_ACTIVITY, MESG_ACTIVITY, &msg);

    out.finish()
}

/// The `file_id` of a file we generate (workout, schedules): manufacturer `development`,
/// product 0, and the serial number and creation time the caller gave.
fn generated_file_id(
    out: &mut Writer,
    m: &mut Msg,
    file: u8,
    serial_number: Option<u32>,
    created: Option<u32>,
) -> Result<(), EncodeError> {
    let serial = u32_of(G_SERIAL.opt(serial_number.map(f64::from), || "serial_number".into())?);
    let created = u32_of(G_DATE_TIME.opt(created.map(f64::from), || "created".into())?);
    m.clear();
    m.enum8(0, Some(file));
    m.uint16(1, Some(MANUFACTURER_DEVELOPMENT));
    m.uint16(2, Some(0)); // product
    m.uint32z(3, serial);
    m.uint32(4, created); // time_created
    out.message(LOCAL_FILE_ID, MESG_FILE_ID, m);
    Ok(())
}

/// Writes a structured workout: `file_id` (type workout, manufacturer `development`, product
/// 0, `w.serial_number` and `w.created` as `time_created` when given), `workout` (name, sport,
/// sub-sport, number of steps) and one `workout_step` per step (name, duration, target,
/// intensity, notes), plus a `repeat_until_steps_cmplt` step after each step that has `repeat`
/// (so FIT step indices count those repeat steps; `repeat` indices are ours, into `w.steps`).
pub fn encode_workout(w: &Workout) -> Result<Vec<u8>, EncodeError> {
    // FIT message index of each of our steps.
    let mut fit_index = Vec::with_capacity(w.steps.len());
    let mut total = 0usize;
    for st in &w.steps {
        fit_index.push(total);
        total += 1 + usize::from(st.repeat.is_some());
    }
    let total16 = u16::try_from(total)
        .ok()
        .filter(|&t| t != u16::MAX)
        .ok_or(EncodeError::TooManySteps { steps: total })?;

    let mut out = Writer::with_capacity(HEADER_SIZE + 64 + 96 * total);
    let mut m = Msg::default();
    generated_file_id(&mut out, &mut m, FILE_WORKOUT, w.serial_number, w.created)?;

    let sport = u8_of(Some(G_ENUM.raw(f64::from(w.sport.sport), || "workout sport".into())?));
    let sub_sport =
        u8_of(Some(G_ENUM.raw(f64::from(w.sport.sub_sport), || "workout sub_sport".into())?));
    m.clear();
    m.enum8(4, sport);
    m.uint16(6, Some(total16)); // num_valid_steps
    m.string(8, fit_string(Some(w.name.as_str()), || "workout name".into())?);
    m.enum8(11, sub_sport);
    out.message(LOCAL_WORKOUT, MESG_WORKOUT, &m);

    for (i, st) in w.steps.iter().enumerate() {
        let what = |field: &str| format!("workout step {i} {field}");
        let (duration_type, duration_value) = match st.duration {
            StepDuration::Time(s) => (0, u32_of(Some(G_STEP_TIME.raw(s, || what("duration"))?))),
            StepDuration::Distance(d) => {
                (1, u32_of(Some(G_STEP_DISTANCE.raw(d, || what("duration"))?)))
            }
            StepDuration::Open => (5, None),
        };
        let (target_type, target_value, low, high) = match st.target {
            StepTarget::Open => (2, None, None, None),
            StepTarget::HeartRate { low_bpm, high_bpm } => (
                1,
                Some(0), // 0: custom range
                u32_of(Some(G_STEP_BPM.raw(f64::from(low_bpm), || what("low_bpm"))?)),
                u32_of(Some(G_STEP_BPM.raw(f64::from(high_bpm), || what("high_bpm"))?)),
            ),
            StepTarget::Speed { low_mps, high_mps } => (
                0,
                Some(0),
                u32_of(Some(G_STEP_SPEED.raw(f64::from(low_mps), || what("low_mps"))?)),
                u32_of(Some(G_STEP_SPEED.raw(f64::from(high_mps), || what("high_mps"))?)),
            ),
        };
        let intensity = match st.intensity {
            StepIntensity::Active => 0,
            StepIntensity::Rest => 1,
            StepIntensity::Warmup => 2,
            StepIntensity::Cooldown => 3,
            StepIntensity::Recovery => 4,
        };
        let name = fit_string(st.name.as_deref(), || what("name"))?;
        let notes = fit_string(st.notes.as_deref(), || what("notes"))?;
        let index = fit_index.get(i).copied().unwrap_or(0);
        m.clear();
        m.uint16(FIELD_MESSAGE_INDEX, u16::try_from(index).ok());
        m.string(0, name);
        m.enum8(1, Some(duration_type));
        m.uint32(2, duration_value);
        m.enum8(3, Some(target_type));
        m.uint32(4, target_value);
        m.uint32(5, low);
        m.uint32(6, high);
        m.enum8(7, Some(intensity));
        m.string(8, notes);
        out.message(LOCAL_WORKOUT_STEP, MESG_WORKOUT_STEP, &m);

        if let Some((back, times)) = st.repeat {
            let target = usize::try_from(back)
                .ok()
                .filter(|&b| b <= i)
                .and_then(|b| fit_index.get(b).copied())
                .ok_or(EncodeError::RepeatTarget { step: i, target: back })?;
            let times =
                u32_of(Some(G_REPEAT_TIMES.raw(f64::from(times), || what("repeat times"))?));
            m.clear();
            m.uint16(FIELD_MESSAGE_INDEX, u16::try_from(index + 1).ok());
            m.enum8(1, Some(6)); // repeat_until_steps_cmplt
            m.uint32(2, u32::try_from(target).ok()); // duration_step
            m.enum8(3, Some(2)); // target open
            m.uint32(4, times); // repeat_steps
            out.message(LOCAL_WORKOUT_STEP, MESG_WORKOUT_STEP, &m);
        }
    }
    out.finish()
}

/// Writes a schedules file: `file_id` (type schedules, manufacturer `development`, product 0,
/// `s.serial_number`, `s.created`) and one `schedule` message per entry, naming the workout
/// file by its `file_id` (manufacturer `development`, product 0, serial number, time created)
/// with `type` workout, `completed` and the day (`scheduled_time`, local time).
pub fn encode_schedules(s: &Schedule) -> Result<Vec<u8>, EncodeError> {
    let mut out = Writer::with_capacity(HEADER_SIZE + 64 + 24 * s.entries.len());
    let mut m = Msg::default();
    generated_file_id(&mut out, &mut m, FILE_SCHEDULES, s.serial_number, s.created)?;
    for (i, e) in s.entries.iter().enumerate() {
        let what = |field: &str| format!("schedule entry {i} {field}");
        let serial =
            u32_of(Some(G_SERIAL.raw(f64::from(e.serial_number), || what("serial_number"))?));
        let created = u32_of(Some(G_DATE_TIME.raw(f64::from(e.created), || what("created"))?));
        let when =
            u32_of(Some(G_DATE_TIME.raw(f64::from(e.scheduled_time), || what("scheduled_time"))?));
        m.clear();
        m.uint16(0, Some(MANUFACTURER_DEVELOPMENT));
        m.uint16(1, Some(0)); // product
        m.uint32z(2, serial);
        m.uint32(3, created); // time_created
        m.enum8(4, Some(u8::from(e.completed)));
        m.enum8(5, Some(SCHEDULE_WORKOUT));
        m.uint32(6, when); // scheduled_time
        out.message(LOCAL_SCHEDULE, MESG_SCHEDULE, &m);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_recording_is_a_valid_fit_file_with_both_crcs() {
        let bytes = encode_activity(&Recording::default(), &EncodeOptions::default()).unwrap();
        assert_eq!(bytes[0], 14);
        assert_eq!(&bytes[8..12], b".FIT");
        let size = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        assert_eq!(bytes.len(), 14 + size + 2);
        assert_eq!(crc::crc16(&bytes[..12]), u16::from_le_bytes([bytes[12], bytes[13]]));
        assert_eq!(crc::crc16(&bytes), 0, "file CRC over header + data + CRC is zero");
    }

    #[test]
    fn definitions_are_emitted_once_and_again_when_the_field_set_changes() {
        let mut w = Writer::with_capacity(64);
        let mut m = Msg::default();
        m.uint8(3, Some(1));
        w.message(6, MESG_LAP, &m);
        w.message(6, MESG_LAP, &m);
        // Definition (6 + 3) + message (2) + message (2).
        assert_eq!(w.buf.len(), HEADER_SIZE + 9 + 2 + 2);
        m.uint8(4, Some(1));
        w.message(6, MESG_LAP, &m);
        // A new definition (6 + 2 × 3) and the message (3).
        assert_eq!(w.buf.len(), HEADER_SIZE + 9 + 2 + 2 + 12 + 3);
    }

    #[test]
    fn round_is_f64_round() {
        let mut x = 0x1234_5678_u64;
        for k in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Halves, near-halves and wide magnitudes.
            let v = match k % 4 {
                0 => (x % 100_000) as f64 / 2.0 - 25_000.0,
                1 => f64::from_bits(x) % 1e15,
                2 => ((x % 2_000_001) as f64 - 1e6) * 0.1,
                _ => (x % 1000) as f64 + 0.5 - f64::EPSILON * 512.0,
            };
            if v.is_finite() && v.abs() < 4e15 {
                assert_eq!(round(v), Some(v.round() as i64), "{v}");
            }
        }
        assert_eq!(round(-0.5), Some(-1));
        assert_eq!(round(0.499_999_999_999_999_94), Some(0));
        assert_eq!(round(f64::NAN), None);
        assert_eq!(round(f64::INFINITY), None);
        assert_eq!(round(1e300), None);
    }

    #[test]
    fn cadence_splits_into_whole_and_128ths() {
        assert_eq!(cadence_parts(85.5), Some((85, 64)));
        assert_eq!(cadence_parts(0.0), Some((0, 0)));
        assert_eq!(cadence_parts(254.0 + 127.0 / 128.0), Some((254, 127)));
        assert_eq!(cadence_parts(255.0), None);
        assert_eq!(cadence_parts(-1.0), None);
        assert_eq!(cadence_parts(f32::NAN), None);
        // Rounds up into the next whole unit.
        assert_eq!(cadence_parts(89.999), Some((90, 0)));
    }

    #[test]
    fn a_schedule_names_each_workout_by_its_file_id_and_day() {
        let entry = ScheduledWorkout {
            serial_number: 2_027_010_500,
            created: 0x4000_0000,
            scheduled_time: 13_519 * 86_400,
            completed: false,
        };
        let s = Schedule { created: Some(0x4000_0000), serial_number: None, entries: vec![entry] };
        let bytes = encode_schedules(&s).unwrap();
        let rec = super::super::decode(&bytes).unwrap();
        assert_eq!(rec.warnings, vec![]);
        assert_eq!(rec.kind(), Some(crate::recording::FileKind::Other(FILE_SCHEDULES)));
        // The schedule message: manufacturer, product, serial, time_created, completed, type,
        // scheduled_time, in that order after its one-byte header.
        let mut data = vec![LOCAL_SCHEDULE];
        data.extend_from_slice(&MANUFACTURER_DEVELOPMENT.to_le_bytes());
        data.extend_from_slice(&0u16.to_le_bytes());
        data.extend_from_slice(&entry.serial_number.to_le_bytes());
        data.extend_from_slice(&entry.created.to_le_bytes());
        data.extend_from_slice(&[0, SCHEDULE_WORKOUT]);
        data.extend_from_slice(&entry.scheduled_time.to_le_bytes());
        assert!(bytes.windows(data.len()).any(|w| w == data.as_slice()));

        let bad = Schedule { entries: vec![ScheduledWorkout { serial_number: 0, ..entry }], ..s };
        let e = encode_schedules(&bad).unwrap_err().to_string();
        assert!(e.starts_with("schedule entry 0 serial_number = 0 does not fit"), "{e}");
        let bad =
            Schedule { entries: vec![ScheduledWorkout { scheduled_time: 86_400, ..entry }], ..s };
        let e = encode_schedules(&bad).unwrap_err().to_string();
        assert!(e.starts_with("schedule entry 0 scheduled_time = 86400 does not fit"), "{e}");
    }

    #[test]
    fn times_before_1998_are_not_dates() {
        let clock = Clock { relative: false };
        let e = clock.fit(0, || "sample 0 time".into()).unwrap_err();
        assert!(e.to_string().contains("before 1998-07-03"), "{e}");
        let t = (FIT_EPOCH_OFFSET_S + RELATIVE_TIME_LIMIT) * 1000;
        assert_eq!(clock.fit(t, String::new), Ok(0x1000_0000));
        assert!(Clock { relative: true }.fit(t, String::new).is_err());
        assert_eq!(Clock { relative: true }.fit(1499, String::new), Ok(1));
    }
}

//! `Recording`: what a watch recorded, independent of the file format it came in.
//!
//! # Design
//! Samples are **columnar**: one `Vec` per channel, all of the same length (one entry per
//! recorded sample), with `None` as the explicit "not recorded" value. Decoders write straight
//! into these columns; analysis reads whole columns. A channel that a file never recorded is
//! all `None` (see [`Samples::coverage`]).

use serde::Serialize;

/// Milliseconds since the Unix epoch (UTC), or — when [`Recording::relative_time`] is set —
/// milliseconds of device time since an unknown origin.
pub type TimestampMs = i64;

/// Seconds between the Unix epoch (1970-01-01) and the FIT epoch (1989-12-31T00:00:00Z).
pub const FIT_EPOCH_OFFSET_S: i64 = 631_065_600;

/// The kind of file, as its `file_id` says (FIT) or as the format implies (GPX/TCX tracks are
/// activities, TCX/GPX courses are courses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FileKind {
    Activity,
    Course,
    Workout,
    Settings,
    Monitoring,
    Other(u8),
}

impl FileKind {
    /// From a FIT `file` enum value.
    #[must_use]
    pub fn from_fit(value: u8) -> Self {
        match value {
            4 => Self::Activity,
            6 => Self::Course,
            5 => Self::Workout,
            2 => Self::Settings,
            15 | 28 | 32 => Self::Monitoring,
            v => Self::Other(v),
        }
    }

    /// The FIT `file` enum value.
    #[must_use]
    pub fn to_fit(self) -> u8 {
        match self {
            Self::Activity => 4,
            Self::Course => 6,
            Self::Workout => 5,
            Self::Settings => 2,
            Self::Monitoring => 32,
            Self::Other(v) => v,
        }
    }

    /// The FIT profile's name for this file type (`activity`, `monitoring_b`, …).
    #[must_use]
    pub fn name(self) -> String {
        let v = self.to_fit();
        crate::fit::names::file_type(v).map_or_else(|| v.to_string(), str::to_owned)
    }
}

/// Sport and sub-sport as FIT numbers (`1` running, `11` walking, …); GPX/TCX map onto them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Sport {
    pub sport: u8,
    pub sub_sport: u8,
}

impl Sport {
    pub const GENERIC: Sport = Sport { sport: 0, sub_sport: 0 };
    pub const RUNNING: Sport = Sport { sport: 1, sub_sport: 0 };
    pub const CYCLING: Sport = Sport { sport: 2, sub_sport: 0 };
    pub const WALKING: Sport = Sport { sport: 11, sub_sport: 0 };
    pub const HIKING: Sport = Sport { sport: 17, sub_sport: 0 };

    /// The FIT profile's sport name (`running`, `cycling`, …).
    #[must_use]
    pub fn sport_name(self) -> String {
        crate::fit::names::sport(self.sport).map_or_else(|| self.sport.to_string(), str::to_owned)
    }

    /// The FIT profile's sub-sport name (`generic`, `trail`, `treadmill`, …).
    #[must_use]
    pub fn sub_sport_name(self) -> String {
        crate::fit::names::sub_sport(self.sub_sport)
            .map_or_else(|| self.sub_sport.to_string(), str::to_owned)
    }
}

/// The recording device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Device {
    /// FIT manufacturer id.
    pub manufacturer: Option<u16>,
    /// FIT product id.
    pub product: Option<u16>,
    /// A free-text name when the format has one (FIT `product_name`, GPX `creator`, TCX `Creator/Name`).
    pub name: Option<String>,
}

impl Device {
    /// Manufacturer name from the FIT profile, or its number.
    #[must_use]
    pub fn manufacturer_name(&self) -> Option<String> {
        self.manufacturer.map(|m| {
            crate::fit::names::manufacturer(m).map_or_else(|| m.to_string(), str::to_owned)
        })
    }

    /// Product name (Garmin-family products by name, others by number), or the free-text name.
    #[must_use]
    pub fn product_name(&self) -> Option<String> {
        match (self.manufacturer, self.product) {
            (Some(1 | 13 | 15 | 89), Some(p)) => Some(
                crate::fit::names::garmin_product(p).map_or_else(|| p.to_string(), str::to_owned),
            ),
            (_, Some(p)) => Some(p.to_string()),
            (_, None) => self.name.clone(),
        }
    }
}

/// One channel per field; every `Vec` has the same length, one entry per sample.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Samples {
    pub time: Vec<Option<TimestampMs>>,
    /// Degrees (WGS84).
    pub lat: Vec<Option<f64>>,
    /// Degrees (WGS84).
    pub lon: Vec<Option<f64>>,
    /// Metres above sea level (FIT `enhanced_altitude` preferred over `altitude`).
    pub altitude_m: Vec<Option<f32>>,
    /// Beats per minute; a sensor's 0 ("no reading") is `None`.
    pub heart_rate: Vec<Option<u8>>,
    /// Cadence as the file records it, including FIT `fractional_cadence`: for running, FIT
    /// counts strides (one foot) per minute; steps per minute is twice that.
    pub cadence: Vec<Option<f32>>,
    /// Cumulative distance in metres.
    pub distance_m: Vec<Option<f64>>,
    /// Metres per second (FIT `enhanced_speed` preferred over `speed`).
    pub speed_mps: Vec<Option<f32>>,
    /// Watts.
    pub power_w: Vec<Option<u16>>,
    /// Degrees Celsius.
    pub temperature_c: Vec<Option<i8>>,
    /// Millimetres.
    pub vertical_oscillation_mm: Vec<Option<f32>>,
    /// Milliseconds of ground contact.
    pub stance_time_ms: Vec<Option<f32>>,
    /// Millimetres.
    pub step_length_mm: Vec<Option<f32>>,
}

/// Which channels a recording has, and how completely (fraction of samples with a value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Channel {
    Time,
    Position,
    Altitude,
    HeartRate,
    Cadence,
    Distance,
    Speed,
    Power,
    Temperature,
    VerticalOscillation,
    StanceTime,
    StepLength,
}

impl Channel {
    pub const ALL: [Channel; 12] = [
        Channel::Time,
        Channel::Position,
        Channel::Altitude,
        Channel::HeartRate,
        Channel::Cadence,
        Channel::Distance,
        Channel::Speed,
        Channel::Power,
        Channel::Temperature,
        Channel::VerticalOscillation,
        Channel::StanceTime,
        Channel::StepLength,
    ];

    /// Lower-case name, as used in JSON and tables.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Channel::Time => "time",
            Channel::Position => "position",
            Channel::Altitude => "altitude",
            Channel::HeartRate => "heart_rate",
            Channel::Cadence => "cadence",
            Channel::Distance => "distance",
            Channel::Speed => "speed",
            Channel::Power => "power",
            Channel::Temperature => "temperature",
            Channel::VerticalOscillation => "vertical_oscillation",
            Channel::StanceTime => "stance_time",
            Channel::StepLength => "step_length",
        }
    }
}

impl Samples {
    /// Number of samples.
    #[must_use]
    pub fn len(&self) -> usize {
        self.time.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Reserve room for `n` more samples in every channel.
    pub fn reserve(&mut self, n: usize) {
        self.time.reserve(n);
        self.lat.reserve(n);
        self.lon.reserve(n);
        self.altitude_m.reserve(n);
        self.heart_rate.reserve(n);
        self.cadence.reserve(n);
        self.distance_m.reserve(n);
        self.speed_mps.reserve(n);
        self.power_w.reserve(n);
        self.temperature_c.reserve(n);
        self.vertical_oscillation_mm.reserve(n);
        self.stance_time_ms.reserve(n);
        self.step_length_mm.reserve(n);
    }

    /// Append one sample with every channel missing; returns its index.
    #[inline]
    pub fn push_empty(&mut self) -> usize {
        let i = self.time.len();
        self.time.push(None);
        self.lat.push(None);
        self.lon.push(None);
        self.altitude_m.push(None);
        self.heart_rate.push(None);
        self.cadence.push(None);
        self.distance_m.push(None);
        self.speed_mps.push(None);
        self.power_w.push(None);
        self.temperature_c.push(None);
        self.vertical_oscillation_mm.push(None);
        self.stance_time_ms.push(None);
        self.step_length_mm.push(None);
        i
    }

    /// Drop samples from index `n` on.
    pub fn truncate(&mut self, n: usize) {
        self.time.truncate(n);
        self.lat.truncate(n);
        self.lon.truncate(n);
        self.altitude_m.truncate(n);
        self.heart_rate.truncate(n);
        self.cadence.truncate(n);
        self.distance_m.truncate(n);
        self.speed_mps.truncate(n);
        self.power_w.truncate(n);
        self.temperature_c.truncate(n);
        self.vertical_oscillation_mm.truncate(n);
        self.stance_time_ms.truncate(n);
        self.step_length_mm.truncate(n);
    }

    /// The samples in `range` (indices), every channel; an out-of-range end is cut to the
    /// length (a multisport file's session is a stretch of its samples).
    #[must_use]
    pub fn slice(&self, range: std::ops::Range<usize>) -> Samples {
        let end = range.end.min(self.len());
        let r = range.start.min(end)..end;
        Samples {
            time: self.time[r.clone()].to_vec(),
            lat: self.lat[r.clone()].to_vec(),
            lon: self.lon[r.clone()].to_vec(),
            altitude_m: self.altitude_m[r.clone()].to_vec(),
            heart_rate: self.heart_rate[r.clone()].to_vec(),
            cadence: self.cadence[r.clone()].to_vec(),
            distance_m: self.distance_m[r.clone()].to_vec(),
            speed_mps: self.speed_mps[r.clone()].to_vec(),
            power_w: self.power_w[r.clone()].to_vec(),
            temperature_c: self.temperature_c[r.clone()].to_vec(),
            vertical_oscillation_mm: self.vertical_oscillation_mm[r.clone()].to_vec(),
            stance_time_ms: self.stance_time_ms[r.clone()].to_vec(),
            step_length_mm: self.step_length_mm[r].to_vec(),
        }
    }

    /// How many samples have a value in `channel` (position counts when both lat and lon are set).
    #[must_use]
    pub fn count(&self, channel: Channel) -> usize {
        fn some<T>(v: &[Option<T>]) -> usize {
            v.iter().filter(|x| x.is_some()).count()
        }
        match channel {
            Channel::Time => some(&self.time),
            Channel::Position => {
                self.lat.iter().zip(&self.lon).filter(|(a, b)| a.is_some() && b.is_some()).count()
            }
            Channel::Altitude => some(&self.altitude_m),
            Channel::HeartRate => some(&self.heart_rate),
            Channel::Cadence => some(&self.cadence),
            Channel::Distance => some(&self.distance_m),
            Channel::Speed => some(&self.speed_mps),
            Channel::Power => some(&self.power_w),
            Channel::Temperature => some(&self.temperature_c),
            Channel::VerticalOscillation => some(&self.vertical_oscillation_mm),
            Channel::StanceTime => some(&self.stance_time_ms),
            Channel::StepLength => some(&self.step_length_mm),
        }
    }

    /// Fraction (0–1) of samples with a value in `channel`; 0 for an empty recording.
    #[must_use]
    pub fn coverage(&self, channel: Channel) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.count(channel) as f64 / self.len() as f64
        }
    }
}

/// A lap or a session: the device's own totals for a stretch of the activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub start: Option<TimestampMs>,
    /// Seconds from start to end, pauses included.
    pub elapsed_s: Option<f64>,
    /// Seconds the timer ran (pauses excluded).
    pub timer_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub ascent_m: Option<f64>,
    pub descent_m: Option<f64>,
    pub avg_heart_rate: Option<u8>,
    pub max_heart_rate: Option<u8>,
    /// FIT sport number, when recorded.
    pub sport: Option<u8>,
    /// FIT sub-sport number, when recorded.
    pub sub_sport: Option<u8>,
    /// FIT lap `intensity` (0 active, 1 rest, 2 warmup, 3 cooldown …) when recorded.
    pub intensity: Option<u8>,
    /// FIT lap `lap_trigger` (0 manual, 1 time, 2 distance, …) when recorded.
    pub trigger: Option<u8>,
}

/// A stretch when the timer was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pause {
    pub start: TimestampMs,
    /// `None` when the timer never started again.
    pub end: Option<TimestampMs>,
}

/// A value of a developer field, kept aside (we never misread it into our channels).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeveloperField {
    pub developer_data_index: u8,
    pub field_number: u8,
    pub name: Option<String>,
    pub units: Option<String>,
    /// Number of messages that carried the field.
    pub count: u32,
}

/// A problem that did not stop decoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Byte offset in the file where it was seen, when it has one.
    pub offset: Option<u64>,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.offset {
            Some(o) => write!(f, "at byte {o}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Everything decoded from one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Recording {
    /// One per FIT file in a chain (one for GPX/TCX).
    pub file_kinds: Vec<FileKind>,
    /// Sport of the first session (or the format's activity type).
    pub sport: Option<Sport>,
    /// First sample's time, or the session start.
    pub start: Option<TimestampMs>,
    /// Local time minus UTC, in seconds, when the file says (FIT `activity.local_timestamp`).
    pub utc_offset_s: Option<i32>,
    /// Timestamps are device time (FIT values below 0x10000000), not dates.
    pub relative_time: bool,
    /// The activity's name when the file gives one (GPX `trk/name` or `metadata/name`, TCX
    /// `Activity/Notes` or `Course/Name`).
    pub name: Option<String>,
    /// One per FIT `file_id`/`device_info` creator (first is the recording device).
    pub devices: Vec<Device>,
    pub samples: Samples,
    pub laps: Vec<Summary>,
    pub sessions: Vec<Summary>,
    pub pauses: Vec<Pause>,
    /// Beat-to-beat (RR) intervals in milliseconds, from FIT `hrv` messages.
    pub rr_ms: Vec<u16>,
    pub developer_fields: Vec<DeveloperField>,
    /// Count of FIT `hr` messages merged into the samples' heart rate.
    pub hr_messages: u32,
    /// All-day heart rate of a monitoring file (FIT `monitoring.heart_rate`).
    pub monitoring_hr: Vec<(TimestampMs, u8)>,
    /// The device's own resting heart rate of a monitoring file (`monitoring_hr_data`).
    pub resting_hr: Vec<(TimestampMs, u8)>,
    pub warnings: Vec<Warning>,
}

impl Recording {
    /// The kind of the first file (an activity with a settings file chained after it is an activity).
    #[must_use]
    pub fn kind(&self) -> Option<FileKind> {
        self.file_kinds.first().copied()
    }

    /// True when the first file is an activity.
    #[must_use]
    pub fn is_activity(&self) -> bool {
        self.kind() == Some(FileKind::Activity)
    }

    /// The recording device.
    #[must_use]
    pub fn device(&self) -> Option<&Device> {
        self.devices.first()
    }

    /// Last sample's timestamp.
    #[must_use]
    pub fn end(&self) -> Option<TimestampMs> {
        self.samples.time.iter().rev().find_map(|t| *t)
    }

    /// Seconds between first and last timestamped sample.
    #[must_use]
    pub fn duration_s(&self) -> Option<f64> {
        let first = self.samples.time.iter().find_map(|t| *t)?;
        Some((self.end()? - first) as f64 / 1000.0)
    }

    /// Total distance: the session's if present, else the last sample's cumulative distance.
    #[must_use]
    pub fn distance_m(&self) -> Option<f64> {
        let sessions: f64 = self.sessions.iter().filter_map(|s| s.distance_m).sum();
        if sessions > 0.0 {
            return Some(sessions);
        }
        self.samples.distance_m.iter().rev().find_map(|d| *d)
    }
}

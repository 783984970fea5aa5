//! Our streaming FIT decoder: bytes in, a columnar [`Recording`] out.
//!
//! # Design
//! FIT is self-describing: a *definition* message says which fields (number, size, base type,
//! endianness) the following *data* messages of a local type carry. We resolve each definition
//! once into a **decode plan** — for `record` messages, a short list of `(offset, size, base
//! type, target column)` operations — so decoding a record is a walk over that list writing
//! straight into the columns, with no per-field profile look-ups and no allocation. Everything
//! else (`file_id`, session, lap, event, hr, …) is rare and goes through a small generic reader.
//!
//! Robustness: every read is bounds-checked against the slice; a message that runs past the end
//! ends decoding with a warning and the data read so far. Memory is bounded by the input size
//! and by [`MAX_SAMPLES`]. Nothing here panics on any input (see the property tests and the
//! fuzz target in `fuzz/`).

use std::collections::HashMap;

use super::crc;
use crate::error::FitError;
use crate::recording::{
    DeveloperField, Device, FileKind, Pause, Recording, Samples, Sport, Summary, TimestampMs,
    Warning, FIT_EPOCH_OFFSET_S,
};

/// Most samples one file may produce: 200,000 is 55 hours at 1 Hz, past the cut-off of a
/// 100-mile race (30 to 48 hours) and longer than most watches' batteries last recording GPS
/// every second; and what an import can hold beside its normal work (about 250 bytes a sample
/// decoded and analysed: 50 MB). Past it, the rest of the file is not read, with a warning.
pub const MAX_SAMPLES: usize = 200_000;

/// Timestamps below this are device time (seconds since power-on), not dates (FIT protocol).
const RELATIVE_TIME_LIMIT: u32 = 0x1000_0000;

const MESG_FILE_ID: u16 = 0;
const MESG_SESSION: u16 = 18;
const MESG_LAP: u16 = 19;
const MESG_RECORD: u16 = 20;
const MESG_EVENT: u16 = 21;
const MESG_DEVICE_INFO: u16 = 23;
const MESG_ACTIVITY: u16 = 34;
const MESG_HRV: u16 = 78;
const MESG_HR: u16 = 132;
const MESG_MONITORING: u16 = 55;
const MESG_MONITORING_HR_DATA: u16 = 211;
const MESG_FIELD_DESCRIPTION: u16 = 206;

/// FIT base types, indexed by the low five bits of the base type byte: (size, invalid value
/// as raw unsigned bits, kind).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Unsigned,
    Signed,
    /// uint8z/uint16z/uint32z/uint64z: invalid is 0.
    UnsignedZ,
    Float,
    Str,
    Byte,
}

const BASE_TYPES: [(u8, u64, Kind); 17] = [
    (1, 0xFF, Kind::Unsigned),                // 0x00 enum
    (1, 0x7F, Kind::Signed),                  // 0x01 sint8
    (1, 0xFF, Kind::Unsigned),                // 0x02 uint8
    (2, 0x7FFF, Kind::Signed),                // 0x83 sint16
    (2, 0xFFFF, Kind::Unsigned),              // 0x84 uint16
    (4, 0x7FFF_FFFF, Kind::Signed),           // 0x85 sint32
    (4, 0xFFFF_FFFF, Kind::Unsigned),         // 0x86 uint32
    (1, 0x00, Kind::Str),                     // 0x07 string
    (4, 0xFFFF_FFFF, Kind::Float),            // 0x88 float32
    (8, u64::MAX, Kind::Float),               // 0x89 float64
    (1, 0x00, Kind::UnsignedZ),               // 0x0A uint8z
    (2, 0x0000, Kind::UnsignedZ),             // 0x8B uint16z
    (4, 0x0000, Kind::UnsignedZ),             // 0x8C uint32z
    (1, 0xFF, Kind::Byte),                    // 0x0D byte
    (8, 0x7FFF_FFFF_FFFF_FFFF, Kind::Signed), // 0x8E sint64
    (8, u64::MAX, Kind::Unsigned),            // 0x8F uint64
    (8, 0, Kind::UnsignedZ),                  // 0x90 uint64z
];

const BASE_UINT8: u8 = 2;

/// A resolved field of a definition: where it is in the message and how to read it.
#[derive(Clone, Copy, Debug)]
struct FieldDef {
    num: u8,
    offset: u32,
    size: u8,
    /// Index into `BASE_TYPES`.
    base: u8,
    /// Number of elements (size / base size).
    count: u8,
    /// The definition gave a base type the protocol does not have: skip by size only.
    unknown_base: bool,
}

/// What a record field becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RecordTarget {
    Timestamp,
    Lat,
    Lon,
    Altitude,
    EnhancedAltitude,
    HeartRate,
    Cadence,
    FractionalCadence,
    Distance,
    Speed,
    EnhancedSpeed,
    Power,
    CompressedSpeedDistance,
    Temperature,
    VerticalOscillation,
    StanceTime,
    StepLength,
}

/// One step of a record decode plan: read `width` bytes at `offset`, drop the base type's
/// invalid value, sign-extend or reinterpret as float, and store into `target`.
#[derive(Clone, Copy, Debug)]
struct RecordOp {
    offset: u32,
    width: u8,
    signed: bool,
    float: bool,
    invalid: u64,
    target: RecordTarget,
}

/// A record decode step specialised for the profile's own type of a field: no width, sign or
/// float dispatch at decode time (the byte order is a per-definition flag, a branch that always
/// goes the same way).
/// Anything else goes through [`FastOp::Generic`].
#[derive(Clone, Copy, Debug)]
enum FastOp {
    Time(u32),
    Lat(u32),
    Lon(u32),
    Altitude16(u32),
    Altitude32(u32),
    HeartRate(u32),
    Cadence(u32),
    FractionalCadence(u32),
    Distance(u32),
    Speed16(u32),
    Speed32(u32),
    Power(u32),
    Temperature(u32),
    VerticalOscillation(u32),
    StanceTime(u32),
    StepLength(u32),
    Generic(RecordOp),
}

impl FastOp {
    fn from_op(op: RecordOp) -> FastOp {
        use RecordTarget as T;
        let o = op.offset;
        let unsigned = !op.signed && !op.float;
        if op.float {
            return FastOp::Generic(op);
        }
        match (op.target, op.width, unsigned) {
            (T::Timestamp, 4, true) => FastOp::Time(o),
            (T::Lat, 4, false) => FastOp::Lat(o),
            (T::Lon, 4, false) => FastOp::Lon(o),
            (T::Altitude, 2, true) => FastOp::Altitude16(o),
            (T::EnhancedAltitude, 4, true) => FastOp::Altitude32(o),
            (T::HeartRate, 1, true) => FastOp::HeartRate(o),
            (T::Cadence, 1, true) => FastOp::Cadence(o),
            (T::FractionalCadence, 1, true) => FastOp::FractionalCadence(o),
            (T::Distance, 4, true) => FastOp::Distance(o),
            (T::Speed, 2, true) => FastOp::Speed16(o),
            (T::EnhancedSpeed, 4, true) => FastOp::Speed32(o),
            (T::Power, 2, true) => FastOp::Power(o),
            (T::Temperature, 1, false) => FastOp::Temperature(o),
            (T::VerticalOscillation, 2, true) => FastOp::VerticalOscillation(o),
            (T::StanceTime, 2, true) => FastOp::StanceTime(o),
            (T::StepLength, 2, true) => FastOp::StepLength(o),
            _ => FastOp::Generic(op),
        }
    }
}

#[inline(always)]
fn le8(b: &[u8], o: u32) -> Option<u8> {
    b.get(o as usize).copied()
}

#[inline(always)]
fn le16(b: &[u8], o: u32, be: bool) -> Option<u16> {
    let o = o as usize;
    let x: [u8; 2] = b.get(o..o + 2)?.try_into().ok()?;
    Some(if be { u16::from_be_bytes(x) } else { u16::from_le_bytes(x) })
}

#[inline(always)]
fn le32(b: &[u8], o: u32, be: bool) -> Option<u32> {
    let o = o as usize;
    let x: [u8; 4] = b.get(o..o + 4)?.try_into().ok()?;
    Some(if be { u32::from_be_bytes(x) } else { u32::from_le_bytes(x) })
}

/// A definition message, resolved.
#[derive(Clone, Debug)]
struct Definition {
    global: u16,
    big_endian: bool,
    /// Bytes of the whole data message after its header (regular + developer fields).
    size: u32,
    fields: Vec<FieldDef>,
    /// For `record`: the decode plan. Empty for other messages.
    record_ops: Vec<FastOp>,
    /// Offset of the timestamp field (253), if the definition has a valid one.
    timestamp_offset: Option<u32>,
    /// Developer fields: (developer data index, field number).
    dev_fields: Vec<(u8, u8)>,
    /// Data messages decoded with this definition (developer-field counts are added up from
    /// it when the definition is replaced or the file ends, not per message).
    messages: u32,
}

/// A decoded field value of a non-record message.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Uint(u64),
    Sint(i64),
    Float(f64),
    Str(String),
    /// Arrays and byte fields: raw unsigned elements; invalid elements kept as `None`.
    Array(Vec<Option<u64>>),
    /// Raw bytes of a `byte` field (for component expansion).
    Bytes(Vec<u8>),
}

impl Value {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Uint(v) => Some(v),
            Value::Sint(v) => u64::try_from(v).ok(),
            Value::Array(ref a) if a.len() == 1 => a[0],
            _ => None,
        }
    }
}

/// The fields of one generic message, by field number.
#[derive(Default)]
struct Fields {
    items: Vec<(u8, Value)>,
}

impl Fields {
    fn get(&self, num: u8) -> Option<&Value> {
        self.items.iter().find(|(n, _)| *n == num).map(|(_, v)| v)
    }
    fn u64(&self, num: u8) -> Option<u64> {
        self.get(num).and_then(Value::as_u64)
    }
    fn u8(&self, num: u8) -> Option<u8> {
        self.u64(num).and_then(|v| u8::try_from(v).ok())
    }
    fn u16(&self, num: u8) -> Option<u16> {
        self.u64(num).and_then(|v| u16::try_from(v).ok())
    }
    fn u32(&self, num: u8) -> Option<u32> {
        self.u64(num).and_then(|v| u32::try_from(v).ok())
    }
    fn str(&self, num: u8) -> Option<String> {
        match self.get(num) {
            Some(Value::Str(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        }
    }
    /// All elements of an array (or a scalar as a one-element array).
    fn elements(&self, num: u8) -> Vec<Option<u64>> {
        match self.get(num) {
            Some(Value::Array(a)) => a.clone(),
            Some(v) => vec![v.as_u64()],
            None => Vec::new(),
        }
    }
}

/// One heart-rate reading from an `hr` message, in seconds since the FIT epoch.
#[derive(Clone, Copy, Debug)]
struct HrEvent {
    time_s: f64,
    bpm: u8,
}

/// Expands `hr` messages into timestamped readings (see [`merge_hr`]).
#[derive(Default)]
struct HrExpander {
    anchor_time_s: Option<f64>,
    anchor_event_s: f64,
    /// Accumulator for `event_timestamp` (1/1024 s units): last raw value and accumulated value.
    acc_last: u64,
    acc_value: u64,
    events: Vec<HrEvent>,
    failed: Option<String>,
}

/// Accumulator state for the record's `compressed_speed_distance` distance component.
#[derive(Default, Clone, Copy)]
struct DistanceAccumulator {
    last: u64,
    value: u64,
    started: bool,
    /// A full `distance` value (in cm) seen since the last compressed one: the accumulator is
    /// re-based on it (as the SDK does) when the next compressed value comes.
    rebase_cm: Option<f64>,
}

/// Decoder state for one FIT file (a chain has several, sharing the output).
struct State<'a> {
    data: &'a [u8],
    defs: [Option<Definition>; 16],
    last_timestamp: Option<u32>,
}

/// Options for [`decode_with`].
#[derive(Debug, Clone, Copy)]
pub struct DecodeOptions {
    /// Check header and file CRCs (a mismatch is a warning, never an error).
    pub check_crc: bool,
    /// Merge heart rate from `hr` messages into the records, as the Garmin SDK does.
    pub merge_hr_messages: bool,
    /// Most samples read (at most [`MAX_SAMPLES`]); past it the rest of the file is not read,
    /// with a warning.
    pub max_samples: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self { check_crc: true, merge_hr_messages: true, max_samples: MAX_SAMPLES }
    }
}

/// Decode a FIT file (or a chain of FIT files) with the default options.
pub fn decode(bytes: &[u8]) -> Result<Recording, FitError> {
    decode_with(bytes, DecodeOptions::default())
}

/// Output under construction.
struct Out {
    rec: Recording,
    dist_acc: DistanceAccumulator,
    hr: HrExpander,
    dev_counts: HashMap<(u8, u8), u32>,
    pause_open: Option<TimestampMs>,
    sample_limit_hit: bool,
    max_samples: usize,
}

impl Out {
    fn warn(&mut self, offset: usize, message: impl Into<String>) {
        self.rec.warnings.push(Warning { offset: Some(offset as u64), message: message.into() });
    }
}

/// Decode a FIT file (or a chain of FIT files).
///
/// Returns `Err` only when the input is not a FIT file at all (no valid header at byte 0).
/// Everything after a valid header yields a `Recording`; problems on the way (bad CRC,
/// truncation, an undefined local message, a corrupt chained file) are `warnings` on it, and
/// decoding stops at the first problem that makes the rest unreadable.
pub fn decode_with(bytes: &[u8], options: DecodeOptions) -> Result<Recording, FitError> {
    let first = parse_header(bytes, 0)?;
    let mut out = Out {
        rec: Recording::default(),
        dist_acc: DistanceAccumulator::default(),
        hr: HrExpander::default(),
        dev_counts: HashMap::new(),
        pause_open: None,
        sample_limit_hit: false,
        max_samples: options.max_samples.min(MAX_SAMPLES),
    };
    // A conservative guess: a record message is rarely under 12 bytes.
    out.rec.samples.reserve((bytes.len() / 16).min(out.max_samples));

    let mut pos = 0usize;
    let mut header = first;
    loop {
        let file_start = pos;
        if options.check_crc && header.header_size >= 14 {
            let stored = u16::from_le_bytes([bytes[pos + 12], bytes[pos + 13]]);
            if stored != 0 && stored != crc::crc16(&bytes[pos..pos + 12]) {
                out.warn(pos, "header CRC does not match the header; data read anyway");
            }
        }
        let data_start = pos + header.header_size as usize;
        let available = bytes.len() - data_start;
        let mut data_len = header.data_size as usize;
        let mut complete = true;
        if data_len == 0 && available > 2 {
            out.warn(pos, "header gives a data size of 0; reading to the end of the file");
            data_len = available - 2;
        }
        if data_len > available {
            out.warn(
                pos + 4,
                format!(
                    "header says {} data bytes follow, the file has {available}; reading what is there",
                    header.data_size
                ),
            );
            data_len = available;
            complete = false;
        }
        let data_end = data_start + data_len;
        let ok = decode_messages(&bytes[..data_end], data_start, &mut out);
        if !ok {
            break;
        }
        if !complete {
            break;
        }
        // File CRC.
        if data_end + 2 > bytes.len() {
            out.warn(data_end, "file ends before its CRC; data read anyway");
            break;
        }
        if options.check_crc {
            let stored = u16::from_le_bytes([bytes[data_end], bytes[data_end + 1]]);
            let computed = crc::crc16(&bytes[file_start..data_end]);
            if stored != computed {
                out.warn(
                    data_end,
                    format!(
                        "file CRC is {stored:#06x}, the data gives {computed:#06x}: the file may be damaged; data read anyway"
                    ),
                );
            }
        }
        pos = data_end + 2;
        if pos >= bytes.len() {
            break;
        }
        match parse_header(bytes, pos) {
            Ok(h) => header = h,
            Err(e) => {
                out.warn(
                    pos,
                    format!(
                        "{} bytes after the FIT file are not a FIT file ({e}); ignored",
                        bytes.len() - pos
                    ),
                );
                break;
            }
        }
    }
    finish(&mut out, options);
    Ok(out.rec)
}

#[derive(Debug, Clone, Copy)]
struct Header {
    header_size: u8,
    data_size: u32,
}

fn parse_header(bytes: &[u8], pos: usize) -> Result<Header, FitError> {
    let rest = bytes.get(pos..).unwrap_or_default();
    if rest.len() < 12 {
        return Err(FitError::NotFit {
            offset: pos as u64,
            reason: format!("{} bytes is too short for a FIT header (12 or 14)", rest.len()),
        });
    }
    let header_size = rest[0];
    if &rest[8..12] != b".FIT" {
        return Err(FitError::NotFit {
            offset: pos as u64,
            reason: "no \".FIT\" signature in the header".into(),
        });
    }
    if header_size < 12 || rest.len() < header_size as usize {
        return Err(FitError::NotFit {
            offset: pos as u64,
            reason: format!("header size {header_size} is not possible here"),
        });
    }
    let data_size = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
    Ok(Header { header_size, data_size })
}

/// Decode the messages in `bytes[start..]` (the slice ends at the file's data end).
/// Returns false when decoding had to stop early (the chain cannot go on).
fn decode_messages(bytes: &[u8], start: usize, out: &mut Out) -> bool {
    let mut st = State { data: bytes, defs: Default::default(), last_timestamp: None };
    let ok = walk_messages(&mut st, start, out);
    for def in st.defs.iter().flatten() {
        flush_dev_counts(def, out);
    }
    ok
}

fn walk_messages(st: &mut State<'_>, start: usize, out: &mut Out) -> bool {
    let bytes = st.data;
    let mut pos = start;
    let end = bytes.len();
    while pos < end {
        let header = bytes[pos];
        if header & 0x80 != 0 {
            // Compressed timestamp header: local type in bits 5–6, time offset in bits 0–4.
            let local = ((header >> 5) & 0x3) as usize;
            let offset = u32::from(header & 0x1F);
            let Some(last) = st.last_timestamp else {
                out.warn(pos, "compressed-timestamp message before any full timestamp; stopping");
                return false;
            };
            let mut ts = (last & !0x1F) + offset;
            if offset < (last & 0x1F) {
                ts = ts.wrapping_add(0x20);
            }
            st.last_timestamp = Some(ts);
            match data_message(st, pos, local, Some(ts), out) {
                Some(next) => pos = next,
                None => return false,
            }
        } else if header & 0x40 != 0 {
            match definition(st, pos, out) {
                Some(next) => pos = next,
                None => return false,
            }
        } else {
            let local = (header & 0x0F) as usize;
            // The hot path, inline: a record message with a definition and room for it.
            if let Some(def) = st.defs[local].as_mut() {
                let end = pos + 1 + def.size as usize;
                if def.global == MESG_RECORD
                    && end <= bytes.len()
                    && out.rec.samples.len() < out.max_samples
                {
                    def.messages += 1;
                    if let Some(ts) =
                        record(&def.record_ops, def.big_endian, &bytes[pos + 1..end], None, out)
                    {
                        st.last_timestamp = Some(ts);
                    }
                    pos = end;
                    continue;
                }
            }
            match data_message(st, pos, local, None, out) {
                Some(next) => pos = next,
                None => return false,
            }
        }
        if out.sample_limit_hit {
            return false;
        }
    }
    true
}

/// Add a definition's developer-field message counts to the totals.
fn flush_dev_counts(def: &Definition, out: &mut Out) {
    if def.messages > 0 {
        for &key in &def.dev_fields {
            *out.dev_counts.entry(key).or_insert(0) += def.messages;
        }
    }
}

/// Parse a definition message at `pos`; returns the position after it.
fn definition(st: &mut State<'_>, pos: usize, out: &mut Out) -> Option<usize> {
    let bytes = st.data;
    let header = bytes[pos];
    let local = (header & 0x0F) as usize;
    let has_dev = header & 0x20 != 0;
    let Some(fixed) = bytes.get(pos + 1..pos + 6) else {
        out.warn(pos, "definition message cut off by the end of the data");
        return None;
    };
    let big_endian = match fixed[1] {
        0 => false,
        1 => true,
        other => {
            out.warn(
                pos,
                format!("definition message has architecture {other} (must be 0 or 1); stopping"),
            );
            return None;
        }
    };
    let global = if big_endian {
        u16::from_be_bytes([fixed[2], fixed[3]])
    } else {
        u16::from_le_bytes([fixed[2], fixed[3]])
    };
    let n = fixed[4] as usize;
    let mut p = pos + 6;
    let Some(raw_fields) = bytes.get(p..p + 3 * n) else {
        out.warn(
            pos,
            format!("definition of message {global} ({n} fields) cut off by the end of the data"),
        );
        return None;
    };
    p += 3 * n;
    let mut fields = Vec::with_capacity(n);
    let mut offset = 0u32;
    let mut bad_base = false;
    for f in raw_fields.chunks_exact(3) {
        let (num, size, base_byte) = (f[0], f[1], f[2]);
        let mut base = base_byte & 0x1F;
        let unknown_base = base as usize >= BASE_TYPES.len();
        if unknown_base {
            bad_base = true;
            base = 13; // read it as bytes: skipped by size, never misread
        }
        let bsize = BASE_TYPES[base as usize].0;
        if size % bsize != 0 || size == 0 {
            // As the Garmin SDK does: a size that is not a multiple of the base type's is bytes.
            base = BASE_UINT8;
        }
        let count = if BASE_TYPES[base as usize].2 == Kind::Str {
            1
        } else {
            size / BASE_TYPES[base as usize].0
        };
        fields.push(FieldDef { num, offset, size, base, count, unknown_base });
        offset += u32::from(size);
    }
    if bad_base {
        out.warn(pos, format!("definition of message {global} has a field with an unknown base type; it is skipped"));
    }
    let mut dev_fields = Vec::new();
    if has_dev {
        let Some(&nd) = bytes.get(p) else {
            out.warn(pos, "definition message cut off by the end of the data");
            return None;
        };
        p += 1;
        let nd = nd as usize;
        let Some(raw) = bytes.get(p..p + 3 * nd) else {
            out.warn(pos, "developer field definitions cut off by the end of the data");
            return None;
        };
        p += 3 * nd;
        for f in raw.chunks_exact(3) {
            offset += u32::from(f[1]);
            dev_fields.push((f[2], f[0]));
        }
    }
    let mut record_ops = Vec::new();
    let mut timestamp_offset = None;
    for f in &fields {
        if f.num == 253 && f.count == 1 && !f.unknown_base && BASE_TYPES[f.base as usize].0 == 4 {
            timestamp_offset = Some(f.offset);
        }
    }
    if global == MESG_RECORD {
        for f in &fields {
            if let Some(target) = record_target(f) {
                let (width, invalid, kind) = BASE_TYPES[f.base as usize];
                record_ops.push(RecordOp {
                    offset: f.offset,
                    width: if target == RecordTarget::CompressedSpeedDistance { 3 } else { width },
                    signed: kind == Kind::Signed,
                    float: kind == Kind::Float,
                    invalid,
                    target,
                });
            }
        }
        // Enhanced values must win over the plain ones whatever the field order.
        record_ops.sort_by_key(|op| match op.target {
            RecordTarget::EnhancedAltitude
            | RecordTarget::EnhancedSpeed
            | RecordTarget::FractionalCadence => 2,
            RecordTarget::CompressedSpeedDistance => 1,
            _ => 0,
        });
    }
    if let Some(old) = st.defs[local].take() {
        flush_dev_counts(&old, out);
    }
    st.defs[local] = Some(Definition {
        global,
        big_endian,
        size: offset,
        fields,
        record_ops: record_ops.into_iter().map(FastOp::from_op).collect(),
        timestamp_offset,
        dev_fields,
        messages: 0,
    });
    Some(p)
}

fn record_target(f: &FieldDef) -> Option<RecordTarget> {
    use RecordTarget as T;
    let (bsize, _, kind) = BASE_TYPES[f.base as usize];
    if f.unknown_base {
        return None;
    }
    let scalar = f.count == 1 && kind != Kind::Str;
    let t = match f.num {
        253 => T::Timestamp,
        0 => T::Lat,
        1 => T::Lon,
        2 => T::Altitude,
        3 => T::HeartRate,
        4 => T::Cadence,
        5 => T::Distance,
        6 => T::Speed,
        7 => T::Power,
        8 if f.size == 3 => return Some(T::CompressedSpeedDistance),
        13 => T::Temperature,
        39 => T::VerticalOscillation,
        41 => T::StanceTime,
        53 => T::FractionalCadence,
        73 => T::EnhancedSpeed,
        78 => T::EnhancedAltitude,
        85 => T::StepLength,
        _ => return None,
    };
    (scalar && bsize <= 8).then_some(t)
}

/// Read an unsigned little/big-endian integer of `size` bytes (1, 2, 4 or 8).
#[inline]
fn read_uint(b: &[u8], big_endian: bool) -> u64 {
    match (b.len(), big_endian) {
        (1, _) => u64::from(b[0]),
        (2, false) => u64::from(u16::from_le_bytes([b[0], b[1]])),
        (2, true) => u64::from(u16::from_be_bytes([b[0], b[1]])),
        (4, false) => u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        (4, true) => u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
        (8, false) => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        (8, true) => u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        _ => 0,
    }
}

/// A raw value as a number, or `None` when it is the base type's invalid sentinel.
#[inline]
fn number(raw: u64, base: u8) -> Option<f64> {
    let (size, invalid, kind) = BASE_TYPES[base as usize];
    if raw == invalid {
        return None;
    }
    Some(match kind {
        Kind::Signed => {
            let shift = 64 - 8 * u32::from(size);
            (((raw << shift) as i64) >> shift) as f64
        }
        Kind::Float => {
            if size == 4 {
                let v = f32::from_bits(raw as u32);
                if !v.is_finite() {
                    return None;
                }
                f64::from(v)
            } else {
                let v = f64::from_bits(raw);
                if !v.is_finite() {
                    return None;
                }
                v
            }
        }
        _ => raw as f64,
    })
}

fn to_ms(ts: u32) -> TimestampMs {
    if ts < RELATIVE_TIME_LIMIT {
        i64::from(ts) * 1000
    } else {
        (i64::from(ts) + FIT_EPOCH_OFFSET_S) * 1000
    }
}

/// Decode the data message at `pos` with local type `local`; returns the position after it.
fn data_message(
    st: &mut State<'_>,
    pos: usize,
    local: usize,
    compressed_ts: Option<u32>,
    out: &mut Out,
) -> Option<usize> {
    let bytes = st.data;
    let Some(def) = st.defs[local].as_mut() else {
        out.warn(
            pos,
            format!("data message uses local type {local}, which has no definition; the rest of the file cannot be read"),
        );
        return None;
    };
    let body_start = pos + 1;
    let body_end = body_start + def.size as usize;
    let Some(body) = bytes.get(body_start..body_end) else {
        out.warn(
            pos,
            format!(
                "message {} needs {} bytes, only {} remain: the file is truncated",
                def.global,
                def.size,
                bytes.len() - body_start
            ),
        );
        return None;
    };
    def.messages += 1;
    if def.global == MESG_RECORD {
        if out.rec.samples.len() >= out.max_samples {
            let max = out.max_samples;
            out.warn(pos, format!("more than {max} samples; the rest of the file is not read"));
            out.sample_limit_hit = true;
            return None;
        }
        if let Some(ts) = record(&def.record_ops, def.big_endian, body, compressed_ts, out) {
            // The latest full timestamp, for compressed headers.
            st.last_timestamp = Some(ts);
        }
        return Some(body_end);
    }
    // Track the latest full timestamp for compressed headers.
    if let Some(off) = def.timestamp_offset {
        let o = off as usize;
        let raw = read_uint(&body[o..o + 4], def.big_endian) as u32;
        if raw != u32::MAX {
            st.last_timestamp = Some(raw);
        }
    }

    let global = def.global;
    if !matches!(
        global,
        MESG_FILE_ID
            | MESG_SESSION
            | MESG_LAP
            | MESG_EVENT
            | MESG_DEVICE_INFO
            | MESG_ACTIVITY
            | MESG_HRV
            | MESG_HR
            | MESG_FIELD_DESCRIPTION
            | MESG_MONITORING
            | MESG_MONITORING_HR_DATA
    ) {
        // Not a message we use: skipped by size (its timestamp was tracked above).
        return Some(body_end);
    }
    let fields = read_fields(def, body);
    let ts = compressed_ts.or_else(|| fields.u32(253).filter(|&t| t != u32::MAX));
    match global {
        MESG_FILE_ID => file_id(&fields, out),
        MESG_SESSION => {
            let s = summary(&fields, ts, &SummaryFields::SESSION);
            if out.rec.sport.is_none() {
                out.rec.sport =
                    s.sport.map(|sport| Sport { sport, sub_sport: s.sub_sport.unwrap_or(0) });
            }
            out.rec.sessions.push(s);
        }
        MESG_LAP => {
            let s = summary(&fields, ts, &SummaryFields::LAP);
            out.rec.laps.push(s);
        }
        MESG_EVENT => event(&fields, ts, out),
        MESG_DEVICE_INFO => device_info(&fields, out),
        MESG_ACTIVITY => {
            if let (Some(t), Some(local)) = (ts, fields.u32(5)) {
                let off = i64::from(local) - i64::from(t);
                if off.abs() <= 14 * 3600 && t >= RELATIVE_TIME_LIMIT {
                    out.rec.utc_offset_s = Some(off as i32);
                }
            }
        }
        MESG_HRV => {
            for v in fields.elements(0).into_iter().flatten() {
                if let Ok(ms) = u16::try_from(v) {
                    out.rec.rr_ms.push(ms);
                }
            }
        }
        MESG_HR => hr_message(&fields, ts, out),
        MESG_MONITORING => {
            // Heart rate (field 27) at a full timestamp, or at `timestamp_16` (field 26): the low
            // 16 bits of a time after the last full timestamp (FIT protocol).
            let time = ts.or_else(|| {
                let t16 = fields.u32(26)?;
                let last = st.last_timestamp?;
                Some(last.wrapping_add(t16.wrapping_sub(last) & 0xFFFF))
            });
            if let (Some(t), Some(hr)) = (time, fields.u8(27).filter(|&h| h > 0)) {
                if t >= RELATIVE_TIME_LIMIT {
                    out.rec.monitoring_hr.push((to_ms(t), hr));
                }
            }
        }
        MESG_MONITORING_HR_DATA => {
            let hr = fields.u8(0).or_else(|| fields.u8(1)).filter(|&h| h > 0);
            if let (Some(t), Some(hr)) = (ts.filter(|&t| t >= RELATIVE_TIME_LIMIT), hr) {
                out.rec.resting_hr.push((to_ms(t), hr));
            }
        }
        MESG_FIELD_DESCRIPTION => {
            if let (Some(idx), Some(num)) = (fields.u8(0), fields.u8(1)) {
                let name = fields.str(3);
                let units = fields.str(8);
                if let Some(d) = out
                    .rec
                    .developer_fields
                    .iter_mut()
                    .find(|d| d.developer_data_index == idx && d.field_number == num)
                {
                    d.name = name;
                    d.units = units;
                } else {
                    out.rec.developer_fields.push(DeveloperField {
                        developer_data_index: idx,
                        field_number: num,
                        name,
                        units,
                        count: 0,
                    });
                }
            }
        }
        _ => {}
    }
    Some(body_end)
}

/// One record's values before they go into the columns.
#[derive(Default, Clone, Copy)]
struct Row {
    /// The record's own (full) timestamp field, raw.
    ts_raw: Option<u32>,
    time: Option<TimestampMs>,
    lat: Option<f64>,
    lon: Option<f64>,
    altitude: Option<f32>,
    heart_rate: Option<u8>,
    cadence: Option<f32>,
    distance: Option<f64>,
    speed: Option<f32>,
    power: Option<u16>,
    temperature: Option<i8>,
    vertical_oscillation: Option<f32>,
    stance_time: Option<f32>,
    step_length: Option<f32>,
}

/// Read an unsigned integer of `width` bytes (1, 2, 4 or 8) at `o`; `None` past the end.
#[inline(always)]
fn read_at(body: &[u8], o: usize, width: u8, big_endian: bool) -> Option<u64> {
    let v = match width {
        1 => u64::from(*body.get(o)?),
        2 => {
            let b: [u8; 2] = body.get(o..o + 2)?.try_into().ok()?;
            u64::from(if big_endian { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
        }
        4 => {
            let b: [u8; 4] = body.get(o..o + 4)?.try_into().ok()?;
            u64::from(if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
        }
        8 => {
            let b: [u8; 8] = body.get(o..o + 8)?.try_into().ok()?;
            if big_endian {
                u64::from_be_bytes(b)
            } else {
                u64::from_le_bytes(b)
            }
        }
        _ => return None,
    };
    Some(v)
}

/// One record field of an unusual type or byte order, read through its generic description.
#[inline(never)]
fn generic_op(op: RecordOp, big_endian: bool, body: &[u8], r: &mut Row, out: &mut Out) {
    use RecordTarget as T;
    {
        let o = op.offset as usize;
        if op.target == T::CompressedSpeedDistance {
            // byte[3]: speed (12 bits, 1/100 m/s), distance (12 bits, 1/16 m, accumulated).
            let Some(b) = body.get(o..o + 3) else { return };
            if b == [0xFF, 0xFF, 0xFF] {
                return;
            }
            let speed = u64::from(b[0]) | (u64::from(b[1] & 0x0F) << 8);
            let dist12 = u64::from(b[1] >> 4) | (u64::from(b[2]) << 4);
            r.speed = Some(speed as f32 / 100.0);
            let acc = &mut out.dist_acc;
            if let Some(cm) = acc.rebase_cm.take() {
                let units = (cm / 100.0 * 16.0) as u64;
                *acc = DistanceAccumulator {
                    last: units,
                    value: units,
                    started: true,
                    rebase_cm: None,
                };
            }
            if acc.started {
                acc.value += dist12.wrapping_sub(acc.last) & 0xFFF;
                acc.last = dist12;
            } else {
                *acc = DistanceAccumulator {
                    last: dist12,
                    value: dist12,
                    started: true,
                    rebase_cm: None,
                };
            }
            r.distance = Some(acc.value as f64 / 16.0);
            return;
        }
        let Some(raw) = read_at(body, o, op.width, big_endian) else { return };
        if raw == op.invalid {
            return;
        }
        let v = if op.signed {
            let shift = 64 - 8 * u32::from(op.width);
            (((raw << shift) as i64) >> shift) as f64
        } else if op.float {
            let x = if op.width == 4 {
                f64::from(f32::from_bits(raw as u32))
            } else {
                f64::from_bits(raw)
            };
            if !x.is_finite() {
                return;
            }
            x
        } else {
            raw as f64
        };
        match op.target {
            T::Timestamp => {
                let ts = raw as u32;
                r.ts_raw = Some(ts);
                r.time = Some(to_ms(ts));
                if ts < RELATIVE_TIME_LIMIT {
                    out.rec.relative_time = true;
                }
            }
            T::Lat => r.lat = Some(v * (180.0 / 2_147_483_648.0)),
            T::Lon => r.lon = Some(v * (180.0 / 2_147_483_648.0)),
            T::Altitude | T::EnhancedAltitude => r.altitude = Some((v / 5.0 - 500.0) as f32),
            T::HeartRate => {
                if v > 0.0 && v < 256.0 {
                    r.heart_rate = Some(v as u8);
                }
            }
            T::Cadence => r.cadence = Some(v as f32),
            T::FractionalCadence => {
                if let Some(c) = r.cadence {
                    r.cadence = Some(c + (v / 128.0) as f32);
                }
            }
            T::Distance => {
                r.distance = Some(v / 100.0);
                // A full distance value re-bases the compressed accumulator.
                out.dist_acc.rebase_cm = Some(v);
            }
            T::Speed | T::EnhancedSpeed => r.speed = Some((v / 1000.0) as f32),
            T::Power => r.power = Some(v as u16),
            T::Temperature => r.temperature = Some(v as i8),
            T::VerticalOscillation => r.vertical_oscillation = Some((v / 10.0) as f32),
            T::StanceTime => r.stance_time = Some((v / 10.0) as f32),
            T::StepLength => r.step_length = Some((v / 10.0) as f32),
            T::CompressedSpeedDistance => {}
        }
    }
}

/// Decode one record message through its plan, straight into the columns.
#[inline]
fn record(
    ops: &[FastOp],
    big_endian: bool,
    body: &[u8],
    compressed_ts: Option<u32>,
    out: &mut Out,
) -> Option<u32> {
    let mut r = Row::default();
    if let Some(ts) = compressed_ts {
        r.time = Some(to_ms(ts));
        if ts < RELATIVE_TIME_LIMIT {
            out.rec.relative_time = true;
        }
    }
    for op in ops {
        match *op {
            FastOp::Time(o) => {
                if let Some(ts) = le32(body, o, big_endian).filter(|&v| v != u32::MAX) {
                    r.ts_raw = Some(ts);
                    r.time = Some(to_ms(ts));
                    if ts < RELATIVE_TIME_LIMIT {
                        out.rec.relative_time = true;
                    }
                }
            }
            FastOp::Lat(o) => {
                if let Some(v) = le32(body, o, big_endian).filter(|&v| v != 0x7FFF_FFFF) {
                    r.lat = Some(f64::from(v as i32) * (180.0 / 2_147_483_648.0));
                }
            }
            FastOp::Lon(o) => {
                if let Some(v) = le32(body, o, big_endian).filter(|&v| v != 0x7FFF_FFFF) {
                    r.lon = Some(f64::from(v as i32) * (180.0 / 2_147_483_648.0));
                }
            }
            FastOp::Altitude16(o) => {
                if let Some(v) = le16(body, o, big_endian).filter(|&v| v != u16::MAX) {
                    r.altitude = Some((f64::from(v) / 5.0 - 500.0) as f32);
                }
            }
            FastOp::Altitude32(o) => {
                if let Some(v) = le32(body, o, big_endian).filter(|&v| v != u32::MAX) {
                    r.altitude = Some((f64::from(v) / 5.0 - 500.0) as f32);
                }
            }
            FastOp::HeartRate(o) => {
                if let Some(v) = le8(body, o).filter(|&v| v != 0 && v != u8::MAX) {
                    r.heart_rate = Some(v);
                }
            }
            FastOp::Cadence(o) => {
                if let Some(v) = le8(body, o).filter(|&v| v != u8::MAX) {
                    r.cadence = Some(f32::from(v));
                }
            }
            FastOp::FractionalCadence(o) => {
                if let (Some(v), Some(c)) = (le8(body, o).filter(|&v| v != u8::MAX), r.cadence) {
                    r.cadence = Some(c + (f64::from(v) / 128.0) as f32);
                }
            }
            FastOp::Distance(o) => {
                if let Some(v) = le32(body, o, big_endian).filter(|&v| v != u32::MAX) {
                    r.distance = Some(f64::from(v) / 100.0);
                    // A full distance value re-bases the compressed accumulator.
                    out.dist_acc.rebase_cm = Some(f64::from(v));
                }
            }
            FastOp::Speed16(o) => {
                if let Some(v) = le16(body, o, big_endian).filter(|&v| v != u16::MAX) {
                    r.speed = Some((f64::from(v) / 1000.0) as f32);
                }
            }
            FastOp::Speed32(o) => {
                if let Some(v) = le32(body, o, big_endian).filter(|&v| v != u32::MAX) {
                    r.speed = Some((f64::from(v) / 1000.0) as f32);
                }
            }
            FastOp::Power(o) => {
                if let Some(v) = le16(body, o, big_endian).filter(|&v| v != u16::MAX) {
                    r.power = Some(v);
                }
            }
            FastOp::Temperature(o) => {
                if let Some(v) = le8(body, o).filter(|&v| v != 0x7F) {
                    r.temperature = Some(v as i8);
                }
            }
            FastOp::VerticalOscillation(o) => {
                if let Some(v) = le16(body, o, big_endian).filter(|&v| v != u16::MAX) {
                    r.vertical_oscillation = Some((f64::from(v) / 10.0) as f32);
                }
            }
            FastOp::StanceTime(o) => {
                if let Some(v) = le16(body, o, big_endian).filter(|&v| v != u16::MAX) {
                    r.stance_time = Some((f64::from(v) / 10.0) as f32);
                }
            }
            FastOp::StepLength(o) => {
                if let Some(v) = le16(body, o, big_endian).filter(|&v| v != u16::MAX) {
                    r.step_length = Some((f64::from(v) / 10.0) as f32);
                }
            }
            FastOp::Generic(op) => generic_op(op, big_endian, body, &mut r, out),
        }
    }
    let s: &mut Samples = &mut out.rec.samples;
    s.time.push(r.time);
    s.lat.push(r.lat);
    s.lon.push(r.lon);
    s.altitude_m.push(r.altitude);
    s.heart_rate.push(r.heart_rate);
    s.cadence.push(r.cadence);
    s.distance_m.push(r.distance);
    s.speed_mps.push(r.speed);
    s.power_w.push(r.power);
    s.temperature_c.push(r.temperature);
    s.vertical_oscillation_mm.push(r.vertical_oscillation);
    s.stance_time_ms.push(r.stance_time);
    s.step_length_mm.push(r.step_length);
    r.ts_raw
}

/// Read all regular fields of a (rare) message generically.
fn read_fields(def: &Definition, body: &[u8]) -> Fields {
    let mut items = Vec::with_capacity(def.fields.len());
    for f in def.fields.iter().filter(|f| !f.unknown_base) {
        let o = f.offset as usize;
        let b = &body[o..o + f.size as usize];
        let (bsize, invalid, kind) = BASE_TYPES[f.base as usize];
        let value = match kind {
            Kind::Str => {
                let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
                Value::Str(String::from_utf8_lossy(&b[..end]).into_owned())
            }
            Kind::Byte => {
                if b.iter().all(|&x| x == 0xFF) {
                    continue;
                }
                if f.count == 1 {
                    Value::Uint(u64::from(b[0]))
                } else {
                    Value::Bytes(b.to_vec())
                }
            }
            _ if f.count == 1 => {
                let raw = read_uint(b, def.big_endian);
                if raw == invalid {
                    continue;
                }
                match kind {
                    Kind::Signed => {
                        let shift = 64 - 8 * u32::from(bsize);
                        Value::Sint(((raw << shift) as i64) >> shift)
                    }
                    Kind::Float => match number(raw, f.base) {
                        Some(x) => Value::Float(x),
                        None => continue,
                    },
                    _ => Value::Uint(raw),
                }
            }
            _ => {
                let elems: Vec<Option<u64>> = b
                    .chunks_exact(bsize as usize)
                    .map(|c| {
                        let raw = read_uint(c, def.big_endian);
                        (raw != invalid).then_some(raw)
                    })
                    .collect();
                if elems.iter().all(Option::is_none) {
                    continue;
                }
                Value::Array(elems)
            }
        };
        items.push((f.num, value));
    }
    Fields { items }
}

fn file_id(f: &Fields, out: &mut Out) {
    let kind = f.u8(0).map_or(FileKind::Other(0xFF), FileKind::from_fit);
    out.rec.file_kinds.push(kind);
    out.rec.devices.push(Device { manufacturer: f.u16(1), product: f.u16(2), name: f.str(8) });
}

fn device_info(f: &Fields, out: &mut Out) {
    // device_index 0 is the creator: fill what file_id left out.
    if f.u8(0) != Some(0) {
        return;
    }
    if let Some(d) = out.rec.devices.last_mut() {
        if d.manufacturer.is_none() {
            d.manufacturer = f.u16(2);
        }
        if d.product.is_none() {
            d.product = f.u16(4);
        }
        if d.name.is_none() {
            d.name = f.str(27);
        }
    }
}

struct SummaryFields {
    elapsed: u8,
    timer: u8,
    distance: u8,
    ascent: u8,
    descent: u8,
    avg_hr: u8,
    max_hr: u8,
    sport: u8,
    sub_sport: u8,
    intensity: Option<u8>,
    trigger: u8,
}

impl SummaryFields {
    const SESSION: SummaryFields = SummaryFields {
        elapsed: 7,
        timer: 8,
        distance: 9,
        ascent: 22,
        descent: 23,
        avg_hr: 16,
        max_hr: 17,
        sport: 5,
        sub_sport: 6,
        intensity: None,
        trigger: 28,
    };
    const LAP: SummaryFields = SummaryFields {
        elapsed: 7,
        timer: 8,
        distance: 9,
        ascent: 21,
        descent: 22,
        avg_hr: 15,
        max_hr: 16,
        sport: 25,
        sub_sport: 39,
        intensity: Some(23),
        trigger: 24,
    };
}

fn summary(f: &Fields, ts: Option<u32>, k: &SummaryFields) -> Summary {
    let start = f.u32(2).or(ts).map(to_ms);
    Summary {
        start,
        elapsed_s: f.u64(k.elapsed).map(|v| v as f64 / 1000.0),
        timer_s: f.u64(k.timer).map(|v| v as f64 / 1000.0),
        distance_m: f.u64(k.distance).map(|v| v as f64 / 100.0),
        ascent_m: f.u64(k.ascent).map(|v| v as f64),
        descent_m: f.u64(k.descent).map(|v| v as f64),
        avg_heart_rate: f.u8(k.avg_hr).filter(|&h| h > 0),
        max_heart_rate: f.u8(k.max_hr).filter(|&h| h > 0),
        sport: f.u8(k.sport),
        sub_sport: f.u8(k.sub_sport),
        intensity: k.intensity.and_then(|n| f.u8(n)),
        trigger: f.u8(k.trigger),
    }
}

fn event(f: &Fields, ts: Option<u32>, out: &mut Out) {
    // event 0 = timer; event_type 0 = start, 1 = stop, 4 = stop_all, 8/9 = stop_disable(_all).
    if f.u8(0) != Some(0) {
        return;
    }
    let Some(t) = ts.map(to_ms) else { return };
    match f.u8(1) {
        Some(0) => {
            if let Some(start) = out.pause_open.take() {
                if t >= start {
                    out.rec.pauses.push(Pause { start, end: Some(t) });
                }
            }
        }
        Some(1 | 4 | 8 | 9) if out.pause_open.is_none() => {
            out.pause_open = Some(t);
        }
        _ => {}
    }
}

/// Expand one `hr` message into readings: `event_timestamp` (field 9, uint32 in 1/1024 s,
/// accumulated) or `event_timestamp_12` (field 10, packed 12-bit values accumulated onto it),
/// `filtered_bpm` (field 6), anchored by `timestamp` + `fractional_timestamp` (field 0,
/// 1/32768 s) or `time256` (field 1, 1/256 s). Follows the FIT SDK's `expand_heart_rates`.
fn hr_message(f: &Fields, ts: Option<u32>, out: &mut Out) {
    out.rec.hr_messages += 1;
    let hr = &mut out.hr;
    if hr.failed.is_some() {
        return;
    }
    // Event timestamps in 1/1024 s.
    let mut events: Vec<u64> = Vec::new();
    let direct = f.elements(9);
    if !direct.is_empty() {
        for v in direct.iter().flatten() {
            hr.acc_last = *v;
            hr.acc_value = *v;
            events.push(*v);
        }
    }
    let packed: Option<Vec<u8>> = match f.get(10) {
        Some(Value::Bytes(b)) => Some(b.clone()),
        Some(Value::Uint(v)) => Some(vec![*v as u8]),
        _ => None,
    };
    if let Some(b) = packed {
        // Unpack 12-bit values LSB-first: value k starts at bit 12k, on a byte or half-byte.
        let mut k = 0;
        while 12 * (k + 1) <= b.len() * 8 {
            let i = 12 * k / 8;
            let (lo, hi) = (u64::from(b[i]), u64::from(b.get(i + 1).copied().unwrap_or(0)));
            let v = if k % 2 == 0 { lo | (hi & 0x0F) << 8 } else { lo >> 4 | hi << 4 };
            hr.acc_value = hr.acc_value.wrapping_add(v.wrapping_sub(hr.acc_last) & 0xFFF);
            hr.acc_last = v;
            events.push(hr.acc_value);
            k += 1;
        }
    }
    let bpms = f.elements(6);
    if let Some(t) = ts {
        let mut anchor = f64::from(t);
        if let Some(fr) = f.u64(0) {
            anchor += fr as f64 / 32768.0;
        } else if let Some(t256) = f.u64(1) {
            anchor += t256 as f64 / 256.0;
        }
        if events.len() != 1 {
            hr.failed = Some("an anchor hr message must have exactly one event_timestamp".into());
            return;
        }
        hr.anchor_time_s = Some(anchor);
        hr.anchor_event_s = events[0] as f64 / 1024.0;
    }
    let Some(anchor_time) = hr.anchor_time_s else {
        hr.failed = Some("hr messages without an anchor timestamp".into());
        return;
    };
    if events.len() > bpms.len() {
        hr.failed = Some("hr message with more event timestamps than heart rates".into());
        return;
    }
    // The SDK drops surplus packed slots: it pairs events with bpm values one to one, and a
    // message with more bpm than events is an error there. Packed 12-bit data pads to whole
    // bytes, so extra slots beyond the bpm count are padding.
    for (i, ev) in events.iter().enumerate() {
        let Some(bpm) = bpms[i] else { continue };
        let mut ev_s = *ev as f64 / 1024.0;
        if ev_s < hr.anchor_event_s {
            if hr.anchor_event_s - ev_s > f64::from(0x40_0000) {
                ev_s += f64::from(0x40_0000);
            } else {
                hr.failed = Some("hr event timestamps go backwards".into());
                return;
            }
        }
        let time_s = anchor_time + (ev_s - hr.anchor_event_s);
        // Carry the previous reading forward across gaps, in 250 ms steps for up to 5 s.
        if let Some(prev) = hr.events.last().copied() {
            let mut gap_ms = (time_s - prev.time_s).abs() * 1000.0;
            let mut step = 1;
            while gap_ms > 250.0 && step <= 20 {
                hr.events
                    .push(HrEvent { time_s: prev.time_s + 0.25 * f64::from(step), bpm: prev.bpm });
                gap_ms -= 250.0;
                step += 1;
            }
        }
        hr.events.push(HrEvent { time_s, bpm: bpm as u8 });
    }
}

/// Merge expanded hr readings into the records by timestamp, as the FIT SDK's
/// `merge_heart_rates`: each record takes the rounded mean of the readings in
/// (previous record time, this record time].
fn merge_hr(samples: &mut Samples, hr: &[HrEvent], relative: bool) {
    if hr.is_empty() {
        return;
    }
    let mut idx = 0usize;
    let mut range_start: Option<f64> = None;
    for i in 0..samples.len() {
        let Some(t_ms) = samples.time[i] else { continue };
        let end =
            if relative { t_ms as f64 / 1000.0 } else { (t_ms / 1000 - FIT_EPOCH_OFFSET_S) as f64 };
        let mut start = range_start.unwrap_or(end);
        // Whole seconds on both sides (record timestamps), so equality is exact here.
        #[allow(clippy::float_cmp)]
        let same = start == end;
        if same {
            start -= 1.0;
            idx = idx.saturating_sub(1);
        }
        range_start = Some(start);
        let mut sum = 0u64;
        let mut n = 0u64;
        while idx < hr.len() {
            let e = hr[idx];
            if e.time_s > start && e.time_s <= end {
                sum += u64::from(e.bpm);
                n += 1;
            } else if e.time_s > end {
                if n > 0 {
                    let avg = (sum as f64 / n as f64 + 0.5) as u64;
                    samples.heart_rate[i] = u8::try_from(avg).ok().filter(|&b| b > 0);
                }
                range_start = Some(end);
                break;
            }
            idx += 1;
        }
    }
}

fn finish(out: &mut Out, options: DecodeOptions) {
    if let Some(start) = out.pause_open.take() {
        // A trailing stop is the end of the activity, not a pause, unless data follows it.
        if out.rec.end().is_some_and(|e| e > start) {
            out.rec.pauses.push(Pause { start, end: None });
        }
    }
    if options.merge_hr_messages && out.rec.hr_messages > 0 {
        if let Some(why) = out.hr.failed.take() {
            out.rec.warnings.push(Warning {
                offset: None,
                message: format!("heart rate in hr messages not merged: {why}"),
            });
        } else {
            let events = std::mem::take(&mut out.hr.events);
            merge_hr(&mut out.rec.samples, &events, out.rec.relative_time);
        }
    }
    for d in &mut out.rec.developer_fields {
        d.count =
            out.dev_counts.get(&(d.developer_data_index, d.field_number)).copied().unwrap_or(0);
    }
    for (&(idx, num), &count) in &out.dev_counts {
        if !out
            .rec
            .developer_fields
            .iter()
            .any(|d| d.developer_data_index == idx && d.field_number == num)
        {
            out.rec.developer_fields.push(DeveloperField {
                developer_data_index: idx,
                field_number: num,
                name: None,
                units: None,
                count,
            });
        }
    }
    out.rec.developer_fields.sort_by_key(|d| (d.developer_data_index, d.field_number));
    out.rec.start = out
        .rec
        .samples
        .time
        .iter()
        .find_map(|t| *t)
        .or_else(|| out.rec.sessions.first().and_then(|s| s.start));
    out.rec.samples.time.shrink_to_fit();
}

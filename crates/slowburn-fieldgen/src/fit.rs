//! A minimal FIT activity writer of our own (not slowburn-formats' encoder): 14-byte header
//! with CRC, `file_id`, timer `event`s, `record`s, `lap`s, `session`, `activity`, file CRC.
//! Field numbers, scales and enums from the FIT SDK's Profile.xlsx (profile 21.32).

use crate::record::Recording;

/// Seconds from the Unix epoch to the FIT epoch (1989-12-31T00:00:00Z).
const FIT_EPOCH: i64 = 631_065_600;

const ENUM: u8 = 0x00;
const U8: u8 = 0x02;
const U16: u8 = 0x84;
const S32: u8 = 0x85;
const U32: u8 = 0x86;
const U32Z: u8 = 0x8C;

/// The FIT CRC-16 (the SDK's nibble table).
fn crc16(mut crc: u16, bytes: &[u8]) -> u16 {
    const T: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    for &b in bytes {
        let mut tmp = T[(crc & 0xF) as usize];
        crc = (crc >> 4) & 0x0FFF;
        crc = crc ^ tmp ^ T[(b & 0xF) as usize];
        tmp = T[(crc & 0xF) as usize];
        crc = (crc >> 4) & 0x0FFF;
        crc = crc ^ tmp ^ T[((b >> 4) & 0xF) as usize];
    }
    crc
}

struct W {
    buf: Vec<u8>,
}

impl W {
    /// A definition message: local type, global message number, (field, size, base type).
    fn def(&mut self, local: u8, global: u16, fields: &[(u8, u8, u8)]) {
        self.buf.push(0x40 | local);
        self.buf.push(0);
        self.buf.push(0); // little-endian
        self.buf.extend_from_slice(&global.to_le_bytes());
        self.buf.push(fields.len() as u8);
        for &(n, size, base) in fields {
            self.buf.extend_from_slice(&[n, size, base]);
        }
    }
    fn data(&mut self, local: u8) -> &mut Self {
        self.buf.push(local);
        self
    }
    fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }
    fn u16(&mut self, v: u16) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u32(&mut self, v: u32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn s32(&mut self, v: i32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }
}

fn scaled(v: f64, scale: f64) -> u32 {
    (v * scale).round().clamp(0.0, f64::from(u32::MAX - 1)) as u32
}

fn semicircles(deg: f64) -> i32 {
    (deg * (2_147_483_648.0 / 180.0)).round() as i32
}

/// Encodes one recording started at `start_unix` (UTC seconds); `utc_offset_s` gives the
/// activity's local timestamp.
pub(crate) fn encode(
    rec: &Recording,
    start_unix: i64,
    utc_offset_s: i64,
    treadmill: bool,
    serial: u32,
) -> Vec<u8> {
    let ts = |t: f64| (start_unix - FIT_EPOCH + t.round() as i64) as u32;
    let mut w = W { buf: Vec::with_capacity(64 + rec.samples.len() * 24) };
    w.buf.extend_from_slice(&[0u8; 14]);

    w.def(0, 0, &[(0, 1, ENUM), (1, 2, U16), (2, 2, U16), (3, 4, U32Z), (4, 4, U32)]);
    w.data(0).u8(4).u16(255).u16(1).u32(serial).u32(ts(0.0));

    w.def(1, 21, &[(253, 4, U32), (0, 1, ENUM), (1, 1, ENUM), (4, 1, U8)]);
    w.data(1).u32(ts(0.0)).u8(0).u8(0).u8(0);

    let mut fields = vec![(253, 4, U32)];
    if rec.gps {
        fields.extend([(0, 4, S32), (1, 4, S32)]);
    }
    fields.push((5, 4, U32));
    if rec.enhanced {
        fields.push((73, 4, U32));
        if rec.gps {
            fields.push((78, 4, U32));
        }
    } else {
        fields.push((6, 2, U16));
        if rec.gps {
            fields.push((2, 2, U16));
        }
    }
    if rec.has_hr {
        fields.push((3, 1, U8));
    }
    if rec.has_cad {
        fields.push((4, 1, U8));
    }
    w.def(2, 20, &fields);

    let with_intensity = rec.laps.iter().any(|l| l.intensity.is_some());
    let mut lap_fields = vec![
        (254, 2, U16),
        (253, 4, U32),
        (0, 1, ENUM),
        (1, 1, ENUM),
        (2, 4, U32),
        (7, 4, U32),
        (8, 4, U32),
        (9, 4, U32),
        (13, 2, U16),
        (14, 2, U16),
        (15, 1, U8),
        (16, 1, U8),
        (24, 1, ENUM),
        (25, 1, ENUM),
    ];
    if with_intensity {
        lap_fields.push((23, 1, ENUM));
    }
    w.def(3, 19, &lap_fields);

    let mut pauses = rec.pauses.iter().peekable();
    let mut laps = rec.laps.iter().enumerate().peekable();
    for s in &rec.samples {
        while let Some(&(p0, p1)) = pauses.peek() {
            if *p0 > s.t {
                break;
            }
            // Timer stop and start around an auto-pause.
            w.data(1).u32(ts(*p0)).u8(0).u8(4).u8(0);
            w.data(1).u32(ts(*p1)).u8(0).u8(0).u8(0);
            pauses.next();
        }
        while let Some((i, l)) = laps.peek() {
            if l.end > s.t {
                break;
            }
            write_lap(&mut w, *i, l, &ts, with_intensity);
            laps.next();
        }
        w.data(2).u32(ts(s.t));
        if rec.gps {
            w.s32(semicircles(s.lat)).s32(semicircles(s.lon));
        }
        w.u32(scaled(s.dist, 100.0));
        if rec.enhanced {
            w.u32(scaled(s.speed, 1000.0));
            if rec.gps {
                w.u32(scaled(s.alt + 500.0, 5.0));
            }
        } else {
            w.u16(scaled(s.speed, 1000.0).min(65_534) as u16);
            if rec.gps {
                w.u16(scaled(s.alt + 500.0, 5.0).min(65_534) as u16);
            }
        }
        if rec.has_hr {
            w.u8(s.hr.unwrap_or(0xFF));
        }
        if rec.has_cad {
            w.u8(s.cad.unwrap_or(0xFF));
        }
    }
    for (i, l) in laps {
        write_lap(&mut w, i, l, &ts, with_intensity);
    }
    let end = rec.elapsed;
    w.data(1).u32(ts(end)).u8(0).u8(4).u8(0);

    w.def(
        4,
        18,
        &[
            (254, 2, U16),
            (253, 4, U32),
            (0, 1, ENUM),
            (1, 1, ENUM),
            (2, 4, U32),
            (5, 1, ENUM),
            (6, 1, ENUM),
            (7, 4, U32),
            (8, 4, U32),
            (9, 4, U32),
            (14, 2, U16),
            (15, 2, U16),
            (16, 1, U8),
            (17, 1, U8),
            (25, 2, U16),
            (26, 2, U16),
            (28, 1, ENUM),
        ],
    );
    let hrs: Vec<u32> = rec.samples.iter().filter_map(|s| s.hr.map(u32::from)).collect();
    let avg_hr =
        if hrs.is_empty() { 0xFF } else { (hrs.iter().sum::<u32>() / hrs.len() as u32) as u8 };
    let max_hr = hrs.iter().max().map_or(0xFF, |&m| m as u8);
    let max_speed = rec.samples.iter().map(|s| s.speed).fold(0.0, f64::max);
    w.data(4)
        .u16(0)
        .u32(ts(end))
        .u8(8)
        .u8(1)
        .u32(ts(0.0))
        .u8(1)
        .u8(u8::from(treadmill))
        .u32(scaled(rec.elapsed, 1000.0))
        .u32(scaled(rec.timer, 1000.0))
        .u32(scaled(rec.dist, 100.0))
        .u16(scaled(rec.dist / rec.timer.max(1.0), 1000.0) as u16)
        .u16(scaled(max_speed, 1000.0) as u16)
        .u8(avg_hr)
        .u8(max_hr)
        .u16(0)
        .u16(rec.laps.len() as u16)
        .u8(0);

    w.def(
        5,
        34,
        &[
            (253, 4, U32),
            (0, 4, U32),
            (1, 2, U16),
            (2, 1, ENUM),
            (3, 1, ENUM),
            (4, 1, ENUM),
            (5, 4, U32),
        ],
    );
    w.data(5)
        .u32(ts(end))
        .u32(scaled(rec.timer, 1000.0))
        .u16(1)
        .u8(0)
        .u8(26)
        .u8(1)
        .u32((i64::from(ts(end)) + utc_offset_s) as u32);

    let data_size = (w.buf.len() - 14) as u32;
    let mut header = [0u8; 14];
    header[0] = 14;
    header[1] = 0x20;
    header[2..4].copy_from_slice(&2132u16.to_le_bytes());
    header[4..8].copy_from_slice(&data_size.to_le_bytes());
    header[8..12].copy_from_slice(b".FIT");
    let hcrc = crc16(0, &header[..12]);
    header[12..14].copy_from_slice(&hcrc.to_le_bytes());
    w.buf[..14].copy_from_slice(&header);
    let crc = crc16(0, &w.buf);
    w.buf.extend_from_slice(&crc.to_le_bytes());
    w.buf
}

fn write_lap(
    w: &mut W,
    i: usize,
    l: &crate::record::Lap,
    ts: &dyn Fn(f64) -> u32,
    with_intensity: bool,
) {
    w.data(3)
        .u16(i as u16)
        .u32(ts(l.end))
        .u8(9)
        .u8(1)
        .u32(ts(l.start))
        .u32(scaled(l.end - l.start, 1000.0))
        .u32(scaled(l.timer, 1000.0))
        .u32(scaled(l.dist, 100.0))
        .u16(scaled(l.avg_speed, 1000.0).min(65_534) as u16)
        .u16(scaled(l.max_speed, 1000.0).min(65_534) as u16)
        .u8(l.avg_hr.unwrap_or(0xFF))
        .u8(l.max_hr.unwrap_or(0xFF))
        .u8(l.trigger)
        .u8(1);
    if with_intensity {
        w.u8(l.intensity.unwrap_or(0));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc_of_a_known_header() {
        // Appending a CRC (little-endian) makes the CRC of the whole zero.
        let h = [14u8, 0x20, 0x54, 0x08, 0x10, 0, 0, 0, b'.', b'F', b'I', b'T'];
        let c = super::crc16(0, &h);
        let mut all = h.to_vec();
        all.extend_from_slice(&c.to_le_bytes());
        assert_eq!(super::crc16(0, &all), 0);
    }
}

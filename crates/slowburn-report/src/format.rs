//! Formatting of numbers, durations and instants the way the house style says: units after a
//! space, pace as min:sec, ISO 8601 dates.

use jiff::{tz::Offset, Timestamp};

/// `1:02:03` for hours, `12:03` below an hour.
#[must_use]
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "–".into();
    }
    let s = seconds.round() as u64;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Kilometres with two decimals: `12.35 km` (never `-0.00 km`).
#[must_use]
pub fn km(metres: f64) -> String {
    format!("{:.2} km", no_negative_zero(metres / 1000.0, 2))
}

/// `x`, or 0 where it rounds to zero at `decimals` (so nothing prints as `-0.0`).
#[must_use]
pub fn no_negative_zero(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    if (x * scale).round() == 0.0 {
        0.0
    } else {
        x
    }
}

/// Pace per kilometre as `5:12 /km` from metres per second.
#[must_use]
pub fn pace(mps: f64) -> String {
    if mps.is_nan() || mps <= 0.0 || !mps.is_finite() {
        return "–".into();
    }
    let s = (1000.0 / mps).round() as u64;
    format!("{}:{:02} /km", s / 60, s % 60)
}

/// An instant in UTC, ISO 8601 with a `Z`, to the second: `2021-07-20T21:11:20Z`.
#[must_use]
pub fn utc(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(t) => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => format!("{ms} ms"),
    }
}

/// An instant in local time given its UTC offset: `2021-07-20T23:11:20+02:00`.
#[must_use]
pub fn local(ms: i64, offset_s: i32) -> String {
    let Ok(t) = Timestamp::from_millisecond(ms) else { return format!("{ms} ms") };
    let Ok(off) = Offset::from_seconds(offset_s) else { return utc(ms) };
    t.to_zoned(off.to_time_zone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(59.6), "1:00");
        assert_eq!(duration(3723.0), "1:02:03");
        assert_eq!(duration(-1.0), "–");
    }

    #[test]
    fn paces() {
        // 1000 m in 312 s.
        assert_eq!(pace(1000.0 / 312.0), "5:12 /km");
        assert_eq!(pace(0.0), "–");
    }

    #[test]
    fn instants() {
        assert_eq!(utc(1_626_815_480_000), "2021-07-20T21:11:20Z");
        assert_eq!(local(1_626_815_480_000, 7200), "2021-07-20T23:11:20+02:00");
        assert_eq!(km(12_345.0), "12.35 km");
        assert_eq!(km(-0.4), "0.00 km");
    }
}

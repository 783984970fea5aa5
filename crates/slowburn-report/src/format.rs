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

/// A run's parts in words: "2.0 km warm-up · 4 × 8:00 at 4:12 /km, 162 bpm, 1:30 jog · 1.5 km
/// cool-down"; "continuous · 6 strides of 20 s". `None` for a continuous run without strides.
#[must_use]
pub fn parts(s: &slowburn_core::segment::Segmentation) -> Option<String> {
    use slowburn_core::segment::PartKind;
    let work: Vec<_> = s.work().collect();
    let mut out: Vec<String> = Vec::new();
    if work.is_empty() {
        if s.strides.count == 0 {
            return None;
        }
        out.push("continuous".to_owned());
    }
    if let Some(w) = s.parts.iter().find(|p| p.kind == PartKind::WarmUp) {
        out.push(format!("{} warm-up", km(w.distance_m).replace(".00 km", " km")));
    }
    if !work.is_empty() {
        let n = work.len();
        let t: f64 = work.iter().map(|p| p.duration_s).sum();
        let d: f64 = work.iter().map(|p| p.distance_m).sum();
        let mean = t / n as f64;
        let spread =
            (work.iter().map(|p| (p.duration_s - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        let lengths = if n == 1 || spread <= 0.2 * mean {
            if n == 1 {
                duration(mean)
            } else {
                format!("{n} × {}", duration(mean))
            }
        } else {
            work.iter().map(|p| duration(p.duration_s)).collect::<Vec<_>>().join(", ")
        };
        let (hs, hw) = work
            .iter()
            .filter_map(|p| p.hr_late.or(p.hr).map(|h| (h * p.duration_s, p.duration_s)))
            .fold((0.0, 0.0), |a, x| (a.0 + x.0, a.1 + x.1));
        let hr = if hw > 0.0 { format!(", {:.0} bpm", hs / hw) } else { String::new() };
        let rec: Vec<_> = s.parts.iter().filter(|p| p.kind == PartKind::Recovery).collect();
        let rest = if rec.is_empty() {
            String::new()
        } else {
            let moving: f64 = rec.iter().map(|p| p.duration_s).sum::<f64>() / rec.len() as f64;
            let stopped: f64 = rec.iter().map(|p| p.stopped_s).sum::<f64>() / rec.len() as f64;
            if stopped > moving {
                format!(", {} rest", duration(moving + stopped))
            } else {
                format!(", {} jog", duration(moving))
            }
        };
        out.push(format!("{lengths} at {}{hr}{rest}", pace(d / t.max(1.0))));
    }
    if let Some(c) = s.parts.iter().find(|p| p.kind == PartKind::CoolDown) {
        out.push(format!("{} cool-down", km(c.distance_m).replace(".00 km", " km")));
    }
    if s.strides.count > 0 {
        out.push(format!("{} strides of {:.0} s", s.strides.count, s.strides.mean_s));
    }
    Some(out.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_in_words() {
        use slowburn_core::segment::{Part, PartKind, Segmentation, Strides};
        let part = |kind, start_s, duration_s, distance_m, hr| Part {
            kind,
            start_s,
            duration_s,
            distance_m,
            effort_mps: distance_m / duration_s,
            hr: Some(hr),
            hr_late: Some(hr),
            stopped_s: 0.0,
        };
        let mut ps = vec![part(PartKind::WarmUp, 0.0, 720.0, 2000.0, 125.0)];
        let mut t = 720.0;
        for k in 0..4 {
            ps.push(part(PartKind::Work, t, 480.0, 480.0 * 1000.0 / 252.0, 162.0));
            t += 480.0;
            if k < 3 {
                ps.push(part(PartKind::Recovery, t, 90.0, 200.0, 140.0));
                t += 90.0;
            }
        }
        ps.push(part(PartKind::CoolDown, t, 540.0, 1500.0, 130.0));
        let s = Segmentation { parts: ps, base_mps: Some(2.8), strides: Strides::default() };
        assert_eq!(
            parts(&s).as_deref(),
            Some("2 km warm-up · 4 × 8:00 at 4:12 /km, 162 bpm, 1:30 jog · 1.50 km cool-down")
        );
        let easy = Segmentation {
            parts: vec![part(PartKind::Run, 0.0, 2400.0, 7000.0, 130.0)],
            base_mps: Some(2.9),
            strides: Strides { count: 6, mean_s: 20.0, speed_mps: 5.0, hr: Some(135.0) },
        };
        assert_eq!(parts(&easy).as_deref(), Some("continuous · 6 strides of 20 s"));
        assert_eq!(parts(&Segmentation { strides: Strides::default(), ..easy }), None);
    }

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

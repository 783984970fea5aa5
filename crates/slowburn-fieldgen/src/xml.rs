//! GPX 1.1 (with Garmin's `TrackPointExtension` for heart rate and cadence) and TCX v2 writers,
//! written as text: the activity's name, laps (TCX) and a track.

use std::fmt::Write as _;

use jiff::Timestamp;

use crate::record::Recording;

fn iso(start_unix: i64, t: f64) -> String {
    Timestamp::from_second(start_unix + t.round() as i64)
        .map_or_else(|_| String::new(), |x| x.to_string())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

pub(crate) fn gpx(rec: &Recording, start_unix: i64, name: Option<&str>) -> Vec<u8> {
    let mut o = String::with_capacity(rec.samples.len() * 200);
    o.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="slowburn-fieldgen" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
"#);
    let _ = writeln!(o, " <metadata><time>{}</time></metadata>", iso(start_unix, 0.0));
    o.push_str(" <trk>\n");
    if let Some(n) = name {
        let _ = writeln!(o, "  <name>{}</name>", esc(n));
    }
    o.push_str("  <type>running</type>\n  <trkseg>\n");
    for s in &rec.samples {
        let _ = write!(
            o,
            "   <trkpt lat=\"{:.7}\" lon=\"{:.7}\"><ele>{:.1}</ele><time>{}</time>",
            s.lat,
            s.lon,
            s.alt,
            iso(start_unix, s.t)
        );
        if s.hr.is_some() || s.cad.is_some() {
            o.push_str("<extensions><gpxtpx:TrackPointExtension>");
            if let Some(h) = s.hr {
                let _ = write!(o, "<gpxtpx:hr>{h}</gpxtpx:hr>");
            }
            if let Some(c) = s.cad {
                let _ = write!(o, "<gpxtpx:cad>{c}</gpxtpx:cad>");
            }
            o.push_str("</gpxtpx:TrackPointExtension></extensions>");
        }
        o.push_str("</trkpt>\n");
    }
    o.push_str("  </trkseg>\n </trk>\n</gpx>\n");
    o.into_bytes()
}

pub(crate) fn tcx(rec: &Recording, start_unix: i64, name: Option<&str>) -> Vec<u8> {
    let mut o = String::with_capacity(rec.samples.len() * 250);
    o.push_str(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
 <Activities>
  <Activity Sport="Running">
"#,
    );
    let _ = writeln!(o, "   <Id>{}</Id>", iso(start_unix, 0.0));
    for l in &rec.laps {
        let _ = writeln!(o, "   <Lap StartTime=\"{}\">", iso(start_unix, l.start));
        let _ = writeln!(o, "    <TotalTimeSeconds>{:.1}</TotalTimeSeconds>", l.timer);
        let _ = writeln!(o, "    <DistanceMeters>{:.1}</DistanceMeters>", l.dist);
        let _ = writeln!(o, "    <MaximumSpeed>{:.3}</MaximumSpeed>", l.max_speed);
        o.push_str("    <Calories>0</Calories>\n");
        if let (Some(a), Some(m)) = (l.avg_hr, l.max_hr) {
            let _ =
                writeln!(o, "    <AverageHeartRateBpm><Value>{a}</Value></AverageHeartRateBpm>");
            let _ =
                writeln!(o, "    <MaximumHeartRateBpm><Value>{m}</Value></MaximumHeartRateBpm>");
        }
        let intensity = if l.intensity == Some(1) { "Resting" } else { "Active" };
        let trigger = match l.trigger {
            1 => "Time",
            2 => "Distance",
            _ => "Manual",
        };
        let _ = writeln!(o, "    <Intensity>{intensity}</Intensity>\n    <TriggerMethod>{trigger}</TriggerMethod>\n    <Track>");
        let last = l.end >= rec.elapsed;
        for s in
            rec.samples.iter().filter(|s| s.t >= l.start && (s.t < l.end || (last && s.t <= l.end)))
        {
            let _ = write!(o, "     <Trackpoint><Time>{}</Time>", iso(start_unix, s.t));
            if rec.gps {
                let _ = write!(o, "<Position><LatitudeDegrees>{:.7}</LatitudeDegrees><LongitudeDegrees>{:.7}</LongitudeDegrees></Position><AltitudeMeters>{:.1}</AltitudeMeters>", s.lat, s.lon, s.alt);
            }
            let _ = write!(o, "<DistanceMeters>{:.1}</DistanceMeters>", s.dist);
            if let Some(h) = s.hr {
                let _ = write!(o, "<HeartRateBpm><Value>{h}</Value></HeartRateBpm>");
            }
            if let Some(c) = s.cad {
                let _ = write!(o, "<Cadence>{c}</Cadence>");
            }
            o.push_str("</Trackpoint>\n");
        }
        o.push_str("    </Track>\n   </Lap>\n");
    }
    if let Some(n) = name {
        let _ = writeln!(o, "   <Notes>{}</Notes>", esc(n));
    }
    o.push_str("   <Creator xsi:type=\"Device_t\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><Name>slowburn-fieldgen</Name></Creator>\n  </Activity>\n </Activities>\n</TrainingCenterDatabase>\n");
    o.into_bytes()
}

//! The training: which kind of run on which day, and each session as a list of segments with
//! an effort, a role and how laps are marked.

use crate::athlete::{AutoLap, FieldAthlete, RACES};
use crate::rng::Rng;
use crate::Kind;

/// What the runner aims at in a segment.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Effort {
    /// A steady state of this share of max HR (speed from the curve's inverse).
    Hr(f64),
    /// This speed relative to threshold speed.
    Rel(f64),
    /// Walking at this speed, m/s.
    Walk(f64),
    /// Standing still.
    Stand,
}

/// What a segment is in the session (the lap intensity written for manual laps with intensity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Warmup,
    Work,
    Rest,
    Cooldown,
    Easy,
    Pen,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum End {
    Time(f64),
    Dist(f64),
}

#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub(crate) end: End,
    pub(crate) effort: Effort,
    pub(crate) role: Role,
    /// A new manual lap starts here (for manual lap habits).
    pub(crate) lap: bool,
    /// Traffic lights may stop the runner here.
    pub(crate) stops: bool,
}

/// How laps are marked in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Laps {
    One,
    Km,
    Mile,
    Time5Min,
    /// A lap press at every segment marked `lap`; with or without the intensity field.
    Manual {
        intensity: bool,
    },
}

impl Laps {
    pub(crate) fn name(self, manual_what: &str) -> String {
        match self {
            Laps::One => "laps=none".into(),
            Laps::Km => "laps=auto_km".into(),
            Laps::Mile => "laps=auto_mile".into(),
            Laps::Time5Min => "laps=time_5min".into(),
            Laps::Manual { intensity: false } => format!("laps=manual_{manual_what}"),
            Laps::Manual { intensity: true } => format!("laps=manual_{manual_what}_intensity"),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) segments: Vec<Segment>,
    pub(crate) laps: Laps,
    pub(crate) name: Option<String>,
    pub(crate) variant: Vec<String>,
    pub(crate) treadmill: bool,
    /// Race day: nerves and no traffic.
    pub(crate) race: bool,
}

/// The kinds of one week, Monday first (`None` = rest).
pub(crate) fn week(a: &FieldAthlete, w: u32, r: &mut Rng) -> [Option<Kind>; 7] {
    use Kind::{Easy, Long, Recovery, Steady, Strides};
    let q = |i: u32| [Kind::Tempo, Kind::Threshold, Kind::Intervals][((a.id + i) % 3) as usize];
    let q1 = q(w);
    let q2 = if a.steady_runner && r.chance(0.6) { Steady } else { q(w + 1) };
    let mut d: [Option<Kind>; 7] = match a.runs_per_week {
        4 => [
            None,
            Some(q1),
            None,
            Some(if q2 == Steady { Steady } else { Easy }),
            None,
            Some(Easy),
            Some(Long),
        ],
        5 => [None, Some(q1), Some(Easy), Some(q2), None, Some(Easy), Some(Long)],
        6 => [Some(Recovery), Some(q1), Some(Easy), Some(q2), None, Some(Easy), Some(Long)],
        _ => {
            [Some(Recovery), Some(q1), Some(Easy), Some(q2), Some(Recovery), Some(Easy), Some(Long)]
        }
    };
    if a.runs_per_week <= 5 && r.chance(0.5) {
        d[2] = Some(Recovery);
        if a.runs_per_week == 4 {
            d[2] = None;
            d[3] = Some(Recovery);
        }
    }
    if r.chance(0.65) {
        // Strides on an easy day.
        let easy: Vec<usize> = (0..7).filter(|&i| d[i] == Some(Easy)).collect();
        if !easy.is_empty() {
            d[easy[r.int(0, easy.len() as u32 - 1) as usize]] = Some(Strides);
        }
    }
    // A race every three to five weeks, from the third week.
    if w >= 2 && (w + a.id) % [3, 4, 5][(a.id % 3) as usize] == 0 {
        if r.chance(0.5) {
            d[6] = Some(Kind::Race);
        } else {
            d[5] = Some(Kind::Race);
            d[6] = Some(Easy);
        }
        if d[4].is_some() {
            d[4] = Some(Recovery);
        }
        d[3] = Some(Easy);
    }
    d
}

/// The session of one run.
pub(crate) fn session(a: &FieldAthlete, kind: Kind, r: &mut Rng) -> Session {
    let mut s = Session {
        segments: Vec::new(),
        laps: Laps::One,
        name: None,
        variant: Vec::new(),
        treadmill: false,
        race: false,
    };
    // Easy is Zone 2, 60–70 % of max HR; recovery Zone 1, under 60 %; a long run is easy
    // running, longer (the method's definitions: a run that strays out of its zone is the
    // next type, and the truth must not straddle the boundaries it is judged by).
    let easy_p = |r: &mut Rng| r.range(0.62, 0.69);
    let min = |m: f64| End::Time(m * 60.0);
    let seg = |end, effort, role, lap| Segment { end, effort, role, lap, stops: false };
    let auto = match a.auto_lap {
        AutoLap::None => Laps::One,
        AutoLap::Km => Laps::Km,
        AutoLap::Mile => Laps::Mile,
        AutoLap::Time5Min => Laps::Time5Min,
    };
    // Now and then a runner changes the watch's setting for a day.
    let auto = if r.chance(0.15) {
        [Laps::One, Laps::Km, Laps::Mile, Laps::Time5Min][r.int(0, 3) as usize]
    } else {
        auto
    };
    s.laps = auto;
    let manual = r.chance(a.manual_laps);
    let with_intensity = r.chance(0.5);
    let wu_cd = |s: &mut Session, r: &mut Rng, work: Vec<Segment>| {
        let p = r.range(0.62, 0.70);
        s.segments.push(Segment {
            stops: true,
            ..seg(min(r.range(10.0, 20.0)), Effort::Hr(p), Role::Warmup, true)
        });
        s.segments.extend(work);
        let p = r.range(0.60, 0.68);
        s.segments.push(Segment {
            stops: true,
            ..seg(min(r.range(10.0, 20.0)), Effort::Hr(p), Role::Cooldown, true)
        });
    };
    match kind {
        Kind::Recovery => {
            let m = (a.easy_min * r.range(0.5, 0.8)).clamp(20.0, 45.0);
            let p = r.range(0.52, 0.59);
            s.segments
                .push(Segment { stops: true, ..seg(min(m), Effort::Hr(p), Role::Easy, true) });
            s.variant.push(format!("recovery_{m:.0}min"));
        }
        Kind::Easy => {
            let m = a.easy_min * r.range(0.85, 1.15);
            let p = easy_p(r);
            s.segments
                .push(Segment { stops: true, ..seg(min(m), Effort::Hr(p), Role::Easy, true) });
        }
        Kind::Long => {
            let m = (a.easy_min * a.long_factor * r.range(0.92, 1.08)).max(a.easy_min * 1.4);
            let p = easy_p(r);
            s.segments
                .push(Segment { stops: true, ..seg(min(m), Effort::Hr(p), Role::Easy, true) });
        }
        Kind::Steady => {
            let total = r.range(60.0, 75.0);
            let lead = r.range(3.0, 8.0);
            let p = easy_p(r);
            s.segments
                .push(Segment { stops: true, ..seg(min(lead), Effort::Hr(p), Role::Easy, true) });
            let p = r.range(0.74, 0.80);
            s.segments.push(seg(min(total - lead), Effort::Hr(p), Role::Work, false));
        }
        Kind::Tempo => {
            let m = r.range(20.0, 40.0);
            let p = r.range(0.83, 0.88);
            s.variant.push(format!("tempo_{m:.0}min"));
            wu_cd(&mut s, r, vec![seg(min(m), Effort::Hr(p), Role::Work, true)]);
        }
        Kind::Threshold => {
            let (n, lo, hi) =
                if r.chance(0.7) { (r.int(3, 5), 6.0, 12.0) } else { (2, 15.0, 20.0) };
            let rep = r.range(lo, hi);
            let jog = r.range(1.0, 3.0);
            s.variant.push(format!("threshold_{n}x{rep:.0}min"));
            let mut work = Vec::new();
            for i in 0..n {
                let p = r.range(0.87, 0.91);
                work.push(seg(min(rep * r.range(0.97, 1.03)), Effort::Hr(p), Role::Work, true));
                if i + 1 < n {
                    let p = r.range(0.60, 0.68);
                    work.push(seg(min(jog), Effort::Hr(p), Role::Rest, true));
                }
            }
            wu_cd(&mut s, r, work);
        }
        Kind::Intervals => {
            let short = r.chance(0.35);
            let (n, rep, jog) = if short {
                (r.int(10, 16), r.range(60.0, 90.0), r.range(60.0, 90.0))
            } else {
                let rep = r.range(2.0, 5.0) * 60.0;
                (r.int(4, 7), rep, (rep * r.range(0.5, 0.9)).max(80.0))
            };
            s.variant.push(format!("intervals_{n}x{rep:.0}s"));
            let mut work = Vec::new();
            let walk_rest = r.chance(0.25);
            for i in 0..n {
                let p = r.range(0.92, 0.97);
                // Short reps are run faster than the heart rate they would settle at.
                let rel =
                    a.rel_for(p) * if short { r.range(1.05, 1.12) } else { r.range(1.0, 1.03) };
                work.push(seg(End::Time(rep), Effort::Rel(rel), Role::Work, true));
                if i + 1 < n {
                    let e = if walk_rest {
                        Effort::Walk(r.range(1.2, 1.6))
                    } else {
                        Effort::Hr(r.range(0.55, 0.65))
                    };
                    work.push(seg(End::Time(jog), e, Role::Rest, true));
                }
            }
            wu_cd(&mut s, r, work);
        }
        Kind::Strides => {
            let total = r.range(35.0, 60.0) * 60.0;
            let n = r.int(4, 10);
            let p = r.range(0.62, 0.70);
            let mut strides = Vec::new();
            let mut block = 0.0;
            let walk = r.chance(0.5);
            for _ in 0..n {
                let d = r.range(12.0, 25.0);
                let back = r.range(45.0, 90.0);
                let rel = (a.race_speed(5000.0) * r.range(1.18, 1.38)).min(8.5) / a.threshold_speed;
                strides.push(seg(End::Time(d), Effort::Rel(rel), Role::Work, true));
                let e = if walk {
                    Effort::Walk(r.range(1.1, 1.6))
                } else {
                    Effort::Rel(r.range(0.45, 0.55))
                };
                strides.push(seg(End::Time(back), e, Role::Rest, true));
                block += d + back;
            }
            // Mostly in the second half: after 50–80 % of the easy running, or at the very end.
            let at = if r.chance(0.8) { r.range(0.5, 0.8) } else { r.range(0.25, 0.5) };
            let easy = total - block;
            let first = easy * at;
            s.segments.push(Segment {
                stops: true,
                ..seg(End::Time(first), Effort::Hr(p), Role::Easy, true)
            });
            s.segments.extend(strides);
            let rest = easy - first;
            if rest > 60.0 || r.chance(0.5) {
                s.segments.push(Segment {
                    stops: true,
                    ..seg(End::Time(rest.max(60.0)), Effort::Hr(p), Role::Easy, true)
                });
            }
            s.variant.push(format!("strides_{n}"));
            if manual {
                s.laps = Laps::Manual { intensity: with_intensity };
                s.variant.push(s.laps.name("per_stride"));
            }
        }
        Kind::Race => {
            race(a, &mut s, r);
        }
    }
    if matches!(kind, Kind::Tempo | Kind::Threshold | Kind::Intervals) && manual {
        s.laps = Laps::Manual { intensity: with_intensity };
        s.variant.push(s.laps.name("per_rep"));
    } else if !matches!(s.laps, Laps::Manual { .. }) {
        s.variant.push(s.laps.name(""));
    }
    let indoor_ok = matches!(
        kind,
        Kind::Easy | Kind::Recovery | Kind::Intervals | Kind::Threshold | Kind::Tempo
    );
    if indoor_ok && r.chance(0.07) {
        s.treadmill = true;
        s.variant.push("treadmill".into());
        for g in &mut s.segments {
            g.stops = false;
        }
    }
    s
}

fn race(a: &FieldAthlete, s: &mut Session, r: &mut Rng) {
    s.race = true;
    // Distance by the athlete's taste; a marathon only now and then.
    let i = r.weighted(
        &[[4.0, 3.0, 1.5, 0.4], [2.0, 3.0, 2.0, 0.6], [1.0, 2.0, 3.0, 1.0]][(a.id % 3) as usize],
    );
    let (label, d) = RACES[i];
    let pen_kind = r.weighted(&[0.4, 0.35, 0.25]);
    let seg = |end, effort, role| Segment { end, effort, role, lap: true, stops: false };
    if pen_kind == 0 {
        let p = r.range(0.62, 0.70);
        s.segments.push(Segment {
            stops: true,
            ..seg(End::Time(r.range(10.0, 20.0) * 60.0), Effort::Hr(p), Role::Warmup)
        });
        s.segments.push(seg(End::Time(r.range(60.0, 240.0)), Effort::Stand, Role::Pen));
    } else if pen_kind == 1 {
        let e = if r.chance(0.5) { Effort::Stand } else { Effort::Walk(r.range(0.4, 1.0)) };
        s.segments.push(seg(End::Time(r.range(60.0, 300.0)), e, Role::Pen));
    }
    let speed = a.race_speed(d) * r.range(0.975, 1.02);
    s.segments.push(seg(
        End::Dist(d * r.range(1.0, 1.012)),
        Effort::Rel(speed / a.threshold_speed),
        Role::Work,
    ));
    if pen_kind == 0 {
        let p = r.range(0.58, 0.66);
        s.segments.push(seg(End::Time(r.range(5.0, 15.0) * 60.0), Effort::Hr(p), Role::Cooldown));
    }
    s.variant.push(format!("race_{label}"));
    s.variant.push(["race=warmup_cooldown", "race=start_pen", "race=bare"][pen_kind].into());
    let names = match label {
        "5k" => ["Parkrun", "5K Fun Run"],
        "10k" => ["Stadtlauf 10K", "10K Road Race"],
        "half" => ["Half Marathon", "Halbmarathon"],
        _ => ["Marathon", "City Marathon"],
    };
    if r.chance(0.3) {
        s.name = Some(names[r.int(0, 1) as usize].to_string());
        s.variant.push("race_named".into());
    }
    if r.chance(a.manual_laps) {
        s.laps = Laps::Manual { intensity: r.chance(0.3) };
        s.variant.push(s.laps.name("per_block"));
    }
}

//! Zone models: from a [`Profile`] to a table of heart-rate zones, each mapped to one of the
//! three intensity [`Domain`]s that all 80/20 analysis uses, plus the grey band where easy days
//! quietly become moderate; and pace zones from threshold pace.
//!
//! # Design
//! A [`ZoneTable`] covers every bpm from 0 to 255 with no gaps: the first zone reaches down to
//! 0 and the last up to 255, so any recorded value has a zone. Zone `k` starts at the first
//! whole bpm at or above its lower edge (`ceil(edge)`), so e.g. "Zone 2 = 60–70 % of 188" is
//! 113–131 bpm. Domains are contiguous (all Easy zones, then Moderate, then Hard), so time in
//! domains from a per-bpm histogram is three slice sums, and time in zones one slice sum per
//! zone: no allocation, no per-bpm branching, a few hundred additions per activity.

use serde::Serialize;

use crate::athlete::Profile;
use crate::hist::{pace_bucket_mid_s_per_km, PACE_BUCKETS};

/// The three intensity domains of 80/20 training (Seiler's three-zone model): easy below the
/// first threshold, moderate between the thresholds, hard above the second (≈ LTHR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Domain {
    Easy = 0,
    Moderate = 1,
    Hard = 2,
}

impl Domain {
    pub const ALL: [Domain; 3] = [Domain::Easy, Domain::Moderate, Domain::Hard];

    /// Index into `[f64; 3]` domain arrays.
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Domain::Easy => "easy",
            Domain::Moderate => "moderate",
            Domain::Hard => "hard",
        }
    }
}

/// What a zone trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Recovery,
    AerobicBase,
    Tempo,
    Threshold,
    Vo2Max,
    Anaerobic,
    /// Threshold and above, undivided (the hard zone of a three-zone model).
    HighIntensity,
}

impl Purpose {
    /// A short description for tables.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Purpose::Recovery => "recovery",
            Purpose::AerobicBase => "aerobic base",
            Purpose::Tempo => "tempo",
            Purpose::Threshold => "threshold",
            Purpose::Vo2Max => "VO2max",
            Purpose::Anaerobic => "anaerobic capacity",
            Purpose::HighIntensity => "threshold and VO2max intervals",
        }
    }
}

/// One heart-rate zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Zone {
    /// Short label: `Z1`, `Z5a`, ….
    pub label: String,
    pub name: String,
    /// Lowest bpm in the zone (0 for the first zone).
    pub low_bpm: u8,
    /// Highest bpm in the zone, inclusive (255 for the last zone).
    pub high_bpm: u8,
    /// Perceived exertion on Borg's CR-10 scale, as a range.
    pub rpe: (u8, u8),
    pub purpose: Purpose,
    pub domain: Domain,
}

/// Why zones could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZoneError {
    #[error("the {model} zone model needs {what}, and the profile has none")]
    Missing { model: &'static str, what: &'static str },
    #[error("{what} of {value} is outside the plausible range {min}–{max}")]
    Implausible { what: &'static str, value: f64, min: f64, max: f64 },
    #[error("resting heart rate {resting} bpm must be at least {MIN_RESERVE} bpm below max heart rate {max} bpm")]
    Reserve { resting: u8, max: u8 },
    #[error("first threshold {vt1} bpm must be below LTHR {lthr} bpm")]
    FirstThresholdNotBelowLthr { vt1: u8, lthr: u8 },
    #[error("custom zone boundaries {boundaries:?}: {reason}")]
    Custom { boundaries: Vec<u8>, reason: &'static str },
}

/// Plausible max heart rate, bpm.
pub const MAX_HR_RANGE: (u8, u8) = (100, 240);
/// Plausible resting heart rate, bpm.
pub const RESTING_HR_RANGE: (u8, u8) = (25, 120);
/// Plausible lactate threshold heart rate, bpm.
pub const LTHR_RANGE: (u8, u8) = (80, 230);
/// Plausible threshold pace, s/km (2:00 to 15:00 /km).
pub const THRESHOLD_PACE_RANGE: (f64, f64) = (120.0, 900.0);
/// Smallest heart-rate reserve (max − resting) the reserve model accepts, bpm.
pub const MIN_RESERVE: u8 = 40;
/// Default width of the grey band: the top 5 bpm of the easy domain.
pub const DEFAULT_GREY_WIDTH: u8 = 5;

/// A heart rate at `fraction` of max heart rate (`fraction × max`), the classic `%HRmax` zones.
///
/// Source: the five-zone `%HRmax` scheme (50–60–70–80–90–100 %) used by most watch makers and
/// coaching texts, e.g. Edwards S., *The Heart Rate Monitor Book* (1993).
#[must_use]
pub fn percent_of_max(max_hr: f64, fraction: f64) -> f64 {
    fraction * max_hr
}

/// A heart rate at `fraction` of heart-rate reserve: `rest + fraction × (max − rest)`.
///
/// Source: Karvonen M. J., Kentala E., Mustala O. (1957), "The effects of training on heart
/// rate; a longitudinal study", *Annales Medicinae Experimentalis et Biologiae Fenniae*
/// 35(3):307–315. Example: rest 50, max 190, 70 % → 50 + 0.7 × 140 = 148 bpm.
#[must_use]
pub fn karvonen(resting_hr: f64, max_hr: f64, fraction: f64) -> f64 {
    resting_hr + fraction * (max_hr - resting_hr)
}

/// A heart rate at `fraction` of lactate threshold heart rate (`fraction × LTHR`).
///
/// Source: Joe Friel, *The Triathlete's Training Bible*, running heart-rate zones as
/// percentages of LTHR.
#[must_use]
pub fn percent_of_lthr(lthr: f64, fraction: f64) -> f64 {
    fraction * lthr
}

/// Fraction of LTHR taken as the first threshold (VT1/LT1) when no measured value is given.
pub const FIRST_THRESHOLD_FRACTION_OF_LTHR: f64 = 0.87;

/// The first threshold (the top of the easy domain) estimated from LTHR: `0.87 × LTHR`.
///
/// Source: the three-zone model of Seiler K. S., Kjerland G. Ø. (2006), "Quantifying training
/// intensity distribution in elite endurance athletes: is there evidence for an 'optimal'
/// distribution?", *Scand. J. Med. Sci. Sports* 16(1):49–56, splits intensity at the first and
/// second ventilatory thresholds. Without a lab-measured VT1 we place it at 87 % of LTHR, within
/// the range usually reported for trained runners and just under Friel's Z2/Z3 edge (90 %).
/// This factor is our choice, not a published constant.
#[must_use]
pub fn first_threshold_from_lthr(lthr: f64) -> f64 {
    FIRST_THRESHOLD_FRACTION_OF_LTHR * lthr
}

/// A pace at `fraction` of threshold pace, in s/km (a larger fraction is slower).
///
/// Source: Joe Friel, "Quick Guide to Setting Zones" (2009) and *The Triathlete's Training
/// Bible*: run pace zones as percentages of functional threshold pace (time per distance).
#[must_use]
pub fn percent_of_threshold_pace(threshold_s_per_km: f64, fraction: f64) -> f64 {
    fraction * threshold_s_per_km
}

/// The first whole bpm at or above `edge` (tolerant of float noise in `0.7 × 190`).
fn first_bpm(edge: f64) -> u16 {
    (edge - 1e-9).ceil().clamp(0.0, 256.0) as u16
}

/// A heart-rate zone model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "model", content = "params", rename_all = "snake_case")]
pub enum ZoneModel {
    /// Five zones at 50–60–70–80–90–100 % of max heart rate.
    PercentMax,
    /// Five zones at the same fractions of heart-rate reserve (Karvonen).
    HeartRateReserve,
    /// Friel's seven running zones as percentages of LTHR.
    FrielLthr,
    /// Easy below the first threshold (`vt1`, or 0.87 × LTHR), moderate up to LTHR, hard above.
    ThreeZone { vt1: Option<u8> },
    /// Zones split at the given bpm: each boundary is the first bpm of the next zone, so `n`
    /// boundaries make `n + 1` zones (at least 2 boundaries, strictly increasing, from 1 bpm).
    Custom(Vec<u8>),
}

/// Domain of each of the five zones of the `%HRmax` and reserve models: Z1–Z2 easy, Z3–Z4
/// moderate, Z5 (≥ 90 %, about LTHR for trained runners) hard.
const FIVE_ZONE_FRACTIONS: [f64; 4] = [0.60, 0.70, 0.80, 0.90];

struct ZoneSpec {
    label: &'static str,
    name: &'static str,
    rpe: (u8, u8),
    purpose: Purpose,
    domain: Domain,
}

const FIVE_ZONES: [ZoneSpec; 5] = [
    ZoneSpec {
        label: "Z1",
        name: "Recovery",
        rpe: (1, 2),
        purpose: Purpose::Recovery,
        domain: Domain::Easy,
    },
    ZoneSpec {
        label: "Z2",
        name: "Aerobic base",
        rpe: (2, 3),
        purpose: Purpose::AerobicBase,
        domain: Domain::Easy,
    },
    ZoneSpec {
        label: "Z3",
        name: "Tempo",
        rpe: (4, 5),
        purpose: Purpose::Tempo,
        domain: Domain::Moderate,
    },
    ZoneSpec {
        label: "Z4",
        name: "Threshold",
        rpe: (6, 7),
        purpose: Purpose::Threshold,
        domain: Domain::Moderate,
    },
    ZoneSpec {
        label: "Z5",
        name: "VO2max",
        rpe: (8, 10),
        purpose: Purpose::Vo2Max,
        domain: Domain::Hard,
    },
];

/// Friel's running LTHR zones: lower edges of Z2…Z5c as fractions of LTHR.
const FRIEL_FRACTIONS: [f64; 6] = [0.85, 0.90, 0.95, 1.00, 1.03, 1.06];

const FRIEL_ZONES: [ZoneSpec; 7] = [
    ZoneSpec {
        label: "Z1",
        name: "Recovery",
        rpe: (1, 2),
        purpose: Purpose::Recovery,
        domain: Domain::Easy,
    },
    ZoneSpec {
        label: "Z2",
        name: "Aerobic",
        rpe: (2, 3),
        purpose: Purpose::AerobicBase,
        domain: Domain::Easy,
    },
    ZoneSpec {
        label: "Z3",
        name: "Tempo",
        rpe: (4, 5),
        purpose: Purpose::Tempo,
        domain: Domain::Moderate,
    },
    ZoneSpec {
        label: "Z4",
        name: "Sub-threshold",
        rpe: (6, 6),
        purpose: Purpose::Threshold,
        domain: Domain::Moderate,
    },
    ZoneSpec {
        label: "Z5a",
        name: "Super-threshold",
        rpe: (7, 7),
        purpose: Purpose::Threshold,
        domain: Domain::Hard,
    },
    ZoneSpec {
        label: "Z5b",
        name: "Aerobic capacity",
        rpe: (8, 9),
        purpose: Purpose::Vo2Max,
        domain: Domain::Hard,
    },
    ZoneSpec {
        label: "Z5c",
        name: "Anaerobic capacity",
        rpe: (10, 10),
        purpose: Purpose::Anaerobic,
        domain: Domain::Hard,
    },
];

const THREE_ZONES: [ZoneSpec; 3] = [
    ZoneSpec {
        label: "Z1",
        name: "Easy",
        rpe: (1, 3),
        purpose: Purpose::AerobicBase,
        domain: Domain::Easy,
    },
    ZoneSpec {
        label: "Z2",
        name: "Moderate",
        rpe: (4, 6),
        purpose: Purpose::Tempo,
        domain: Domain::Moderate,
    },
    ZoneSpec {
        label: "Z3",
        name: "Hard",
        rpe: (7, 10),
        purpose: Purpose::HighIntensity,
        domain: Domain::Hard,
    },
];

fn check_u8(what: &'static str, value: u8, (min, max): (u8, u8)) -> Result<f64, ZoneError> {
    if (min..=max).contains(&value) {
        Ok(f64::from(value))
    } else {
        Err(ZoneError::Implausible {
            what,
            value: f64::from(value),
            min: f64::from(min),
            max: f64::from(max),
        })
    }
}

impl ZoneModel {
    /// The model's name, as used in config files and JSON.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            ZoneModel::PercentMax => "percent_max",
            ZoneModel::HeartRateReserve => "heart_rate_reserve",
            ZoneModel::FrielLthr => "friel_lthr",
            ZoneModel::ThreeZone { .. } => "three_zone",
            ZoneModel::Custom(_) => "custom",
        }
    }

    /// The zone table for `profile`, with the default grey band ([`DEFAULT_GREY_WIDTH`]).
    pub fn zones(&self, profile: &Profile) -> Result<ZoneTable, ZoneError> {
        let model = self.name();
        let max = || {
            let v =
                profile.max_hr().ok_or(ZoneError::Missing { model, what: "a max heart rate" })?;
            check_u8("max heart rate", v, MAX_HR_RANGE)
        };
        let lthr = || {
            let v = profile
                .lthr()
                .ok_or(ZoneError::Missing { model, what: "a lactate threshold heart rate" })?;
            check_u8("lactate threshold heart rate", v, LTHR_RANGE)
        };
        let (starts, specs): (Vec<u16>, &[ZoneSpec]) = match self {
            ZoneModel::PercentMax => {
                let max = max()?;
                let starts = FIVE_ZONE_FRACTIONS.iter().map(|&f| first_bpm(percent_of_max(max, f)));
                (std::iter::once(0).chain(starts).collect(), &FIVE_ZONES)
            }
            ZoneModel::HeartRateReserve => {
                let max_v = max()?;
                let rest = profile
                    .resting_hr()
                    .ok_or(ZoneError::Missing { model, what: "a resting heart rate" })?;
                let rest_v = check_u8("resting heart rate", rest, RESTING_HR_RANGE)?;
                if max_v - rest_v < f64::from(MIN_RESERVE) {
                    return Err(ZoneError::Reserve { resting: rest, max: max_v as u8 });
                }
                let starts =
                    FIVE_ZONE_FRACTIONS.iter().map(|&f| first_bpm(karvonen(rest_v, max_v, f)));
                (std::iter::once(0).chain(starts).collect(), &FIVE_ZONES)
            }
            ZoneModel::FrielLthr => {
                let lthr = lthr()?;
                let starts = FRIEL_FRACTIONS.iter().map(|&f| first_bpm(percent_of_lthr(lthr, f)));
                (std::iter::once(0).chain(starts).collect(), &FRIEL_ZONES)
            }
            ZoneModel::ThreeZone { vt1 } => {
                let lthr_v = lthr()?;
                let first = match vt1 {
                    Some(v) => {
                        check_u8("first threshold", *v, (60, 220))?;
                        if f64::from(*v) >= lthr_v {
                            return Err(ZoneError::FirstThresholdNotBelowLthr {
                                vt1: *v,
                                lthr: lthr_v as u8,
                            });
                        }
                        u16::from(*v)
                    }
                    None => first_bpm(first_threshold_from_lthr(lthr_v)),
                };
                (vec![0, first, first_bpm(lthr_v)], &THREE_ZONES)
            }
            ZoneModel::Custom(boundaries) => return ZoneTable::custom(boundaries),
        };
        let zones = starts
            .iter()
            .zip(specs)
            .map(|(&start, spec)| {
                (
                    start,
                    spec.label.to_owned(),
                    spec.name.to_owned(),
                    spec.rpe,
                    spec.purpose,
                    spec.domain,
                )
            })
            .collect();
        ZoneTable::build(model, zones, DEFAULT_GREY_WIDTH)
    }
}

/// A zone table over every bpm 0–255, with its domain mapping and grey band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneTable {
    /// [`ZoneModel::name`] of the model that made it.
    pub model: &'static str,
    zones: Vec<Zone>,
    /// First bpm of the moderate domain (256 when there is none).
    moderate_from: u16,
    /// First bpm of the hard domain (256 when there is none).
    hard_from: u16,
    /// First bpm of the grey band; the band ends where the moderate domain begins.
    grey_from: u16,
    #[serde(skip)]
    zone_lut: [u8; 256],
    /// First bpm of each zone, then 256.
    #[serde(skip)]
    edges: Vec<u16>,
}

type ZoneRow = (u16, String, String, (u8, u8), Purpose, Domain);

impl ZoneTable {
    fn custom(boundaries: &[u8]) -> Result<ZoneTable, ZoneError> {
        let err = |reason| Err(ZoneError::Custom { boundaries: boundaries.to_vec(), reason });
        if boundaries.len() < 2 {
            return err("need at least 2 boundaries (3 zones)");
        }
        if boundaries.len() > 20 {
            return err("at most 20 boundaries");
        }
        if boundaries[0] == 0 {
            return err("the first boundary must be at least 1 bpm");
        }
        if boundaries.windows(2).any(|w| w[0] >= w[1]) {
            return err("boundaries must increase strictly");
        }
        let n = boundaries.len() + 1;
        let zones = std::iter::once(0)
            .chain(boundaries.iter().map(|&b| u16::from(b)))
            .enumerate()
            .map(|(i, start)| {
                // Zones 1–2 easy (only zone 1 with three zones), the last hard, the rest moderate:
                // for five zones this is the %HRmax mapping.
                let domain = if i + 1 == n {
                    Domain::Hard
                } else if i == 0 || (i == 1 && n >= 4) {
                    Domain::Easy
                } else {
                    Domain::Moderate
                };
                let (rpe, purpose) = match domain {
                    Domain::Easy => ((1, 3), Purpose::AerobicBase),
                    Domain::Moderate => ((4, 6), Purpose::Tempo),
                    Domain::Hard => ((7, 10), Purpose::HighIntensity),
                };
                (start, format!("Z{}", i + 1), format!("Zone {}", i + 1), rpe, purpose, domain)
            })
            .collect();
        ZoneTable::build("custom", zones, DEFAULT_GREY_WIDTH)
    }

    /// Build from zone rows (first bpm, label, name, RPE, purpose, domain) in bpm order.
    fn build(
        model: &'static str,
        rows: Vec<ZoneRow>,
        grey_width: u8,
    ) -> Result<ZoneTable, ZoneError> {
        let mut edges: Vec<u16> = rows.iter().map(|r| r.0).collect();
        edges.push(256);
        // Every zone non-empty, the first from 0, domains in order. Validated profiles and custom
        // boundaries guarantee this; checked here so no input can build a broken table.
        let ordered = edges.first() == Some(&0)
            && edges.windows(2).all(|w| w[0] < w[1])
            && rows.windows(2).all(|w| w[0].5 <= w[1].5);
        if !ordered || rows.len() > 255 {
            let boundaries = rows.iter().skip(1).map(|r| r.0.min(255) as u8).collect();
            return Err(ZoneError::Custom {
                boundaries,
                reason: "zones would be empty or out of order",
            });
        }
        let mut zone_lut = [0_u8; 256];
        let mut zones = Vec::with_capacity(rows.len());
        for (i, (start, label, name, rpe, purpose, domain)) in rows.into_iter().enumerate() {
            let end = edges[i + 1];
            zone_lut[usize::from(start)..usize::from(end)].fill(i as u8);
            zones.push(Zone {
                label,
                name,
                low_bpm: start as u8,
                high_bpm: (end - 1) as u8,
                rpe,
                purpose,
                domain,
            });
        }
        let first_of =
            |d: Domain| zones.iter().find(|z| z.domain >= d).map_or(256, |z| u16::from(z.low_bpm));
        let moderate_from = first_of(Domain::Moderate);
        let hard_from = first_of(Domain::Hard);
        let mut table = ZoneTable {
            model,
            zones,
            moderate_from,
            hard_from,
            grey_from: moderate_from,
            zone_lut,
            edges,
        };
        table.grey_from = table.moderate_from.saturating_sub(u16::from(grey_width));
        Ok(table)
    }

    /// The same table with a grey band of `width` bpm (the top `width` bpm of the easy domain).
    #[must_use]
    pub fn with_grey_width(mut self, width: u8) -> Self {
        self.grey_from = self.moderate_from.saturating_sub(u16::from(width));
        self
    }

    /// First bpm of the moderate domain (256 when there is none).
    #[must_use]
    pub fn moderate_from(&self) -> u16 {
        self.moderate_from
    }

    /// First bpm of the hard domain (256 when there is none).
    #[must_use]
    pub fn hard_from(&self) -> u16 {
        self.hard_from
    }

    /// The zones, lowest first.
    #[must_use]
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// Index into [`ZoneTable::zones`] of the zone holding `bpm`.
    #[inline]
    #[must_use]
    pub fn zone_of(&self, bpm: u8) -> usize {
        usize::from(self.zone_lut[usize::from(bpm)])
    }

    /// The intensity domain of `bpm`.
    #[inline]
    #[must_use]
    pub fn domain_of(&self, bpm: u8) -> Domain {
        let b = u16::from(bpm);
        if b < self.moderate_from {
            Domain::Easy
        } else if b < self.hard_from {
            Domain::Moderate
        } else {
            Domain::Hard
        }
    }

    /// True when `bpm` is in the grey band: the top of the easy domain, where easy days creep
    /// towards moderate.
    #[inline]
    #[must_use]
    pub fn in_grey_band(&self, bpm: u8) -> bool {
        let b = u16::from(bpm);
        b >= self.grey_from && b < self.moderate_from
    }

    /// The grey band as an inclusive bpm range; `None` when it is empty (width 0).
    #[must_use]
    pub fn grey_band(&self) -> Option<(u8, u8)> {
        (self.grey_from < self.moderate_from)
            .then(|| (self.grey_from as u8, (self.moderate_from - 1) as u8))
    }

    /// The domains as inclusive bpm ranges (`None` for an empty domain), easy first.
    #[must_use]
    pub fn domain_ranges(&self) -> [Option<(u8, u8)>; 3] {
        let range = |lo: u16, hi: u16| (lo < hi).then(|| (lo as u8, (hi - 1) as u8));
        [
            range(0, self.moderate_from),
            range(self.moderate_from, self.hard_from),
            range(self.hard_from, 256),
        ]
    }

    /// Seconds in each zone from a per-bpm histogram of seconds, written into `out` (one entry
    /// per zone; extra entries are left alone, missing ones skipped). Allocation-free.
    pub fn time_in_zones_into(&self, hist: &[f64; 256], out: &mut [f64]) {
        for (slot, w) in out.iter_mut().zip(self.edges.windows(2)) {
            *slot = hist[usize::from(w[0])..usize::from(w[1])].iter().sum();
        }
    }

    /// Seconds in each zone from a per-bpm histogram of seconds.
    #[must_use]
    pub fn time_in_zones(&self, hist: &[f64; 256]) -> Vec<f64> {
        let mut out = vec![0.0; self.zones.len()];
        self.time_in_zones_into(hist, &mut out);
        out
    }

    /// Seconds in each domain (easy, moderate, hard) from a per-bpm histogram of seconds.
    #[must_use]
    pub fn time_in_domains(&self, hist: &[f64; 256]) -> [f64; 3] {
        let m = usize::from(self.moderate_from);
        let h = usize::from(self.hard_from);
        [hist[..m].iter().sum(), hist[m..h].iter().sum(), hist[h..].iter().sum()]
    }

    /// Seconds in the grey band from a per-bpm histogram of seconds.
    #[must_use]
    pub fn time_in_grey(&self, hist: &[f64; 256]) -> f64 {
        hist[usize::from(self.grey_from)..usize::from(self.moderate_from)].iter().sum()
    }
}

/// One pace zone; paces in s/km, `fast` < `slow`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaceZone {
    pub label: String,
    pub name: String,
    /// Fastest pace in the zone, inclusive-exclusive: the zone holds paces in `[fast, slow)`.
    /// 0 for the fastest zone.
    pub fast_s_per_km: f64,
    /// Slowest pace in the zone, exclusive; infinity for the slowest zone.
    pub slow_s_per_km: f64,
    pub rpe: (u8, u8),
    pub purpose: Purpose,
    pub domain: Domain,
}

/// Pace zones, slowest (Z1) first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaceZoneTable {
    zones: Vec<PaceZone>,
}

/// Friel's run pace zones: the *slow* edge of Z2…Z5c as fractions of threshold pace
/// (Z1 slower than 129 %, Z2 114–129 %, Z3 106–113 %, Z4 101–105 %, Z5a 97–100 %,
/// Z5b 90–96 %, Z5c faster than 90 %).
const FRIEL_PACE_FRACTIONS: [f64; 6] = [1.29, 1.14, 1.06, 1.01, 0.97, 0.90];

/// Pace zones from threshold pace (Friel's seven run pace zones; see
/// [`percent_of_threshold_pace`]). Domains as for Friel's heart-rate zones: Z1–Z2 easy, Z3–Z4
/// moderate, Z5a and faster (threshold pace and faster) hard.
pub fn pace_zones(profile: &Profile) -> Result<PaceZoneTable, ZoneError> {
    let t = profile
        .threshold_pace_s_per_km()
        .ok_or(ZoneError::Missing { model: "friel_pace", what: "a threshold pace" })?;
    let (min, max) = THRESHOLD_PACE_RANGE;
    if !(min..=max).contains(&t) {
        return Err(ZoneError::Implausible { what: "threshold pace (s/km)", value: t, min, max });
    }
    let mut zones = Vec::with_capacity(FRIEL_ZONES.len());
    for (i, spec) in FRIEL_ZONES.iter().enumerate() {
        // Zone i holds [edge_i, edge_{i-1}) where edge_{-1} = ∞ and edge_6 = 0.
        let slow = if i == 0 {
            f64::INFINITY
        } else {
            percent_of_threshold_pace(t, FRIEL_PACE_FRACTIONS[i - 1])
        };
        let fast = FRIEL_PACE_FRACTIONS.get(i).map_or(0.0, |&f| percent_of_threshold_pace(t, f));
        zones.push(PaceZone {
            label: spec.label.to_owned(),
            name: spec.name.to_owned(),
            fast_s_per_km: fast,
            slow_s_per_km: slow,
            rpe: spec.rpe,
            purpose: spec.purpose,
            domain: spec.domain,
        });
    }
    Ok(PaceZoneTable { zones })
}

impl PaceZoneTable {
    /// The zones, slowest first.
    #[must_use]
    pub fn zones(&self) -> &[PaceZone] {
        &self.zones
    }

    /// Index of the zone holding a pace (s/km); non-finite or non-positive paces (stopped) are
    /// in the slowest zone.
    #[must_use]
    pub fn zone_of_pace(&self, s_per_km: f64) -> usize {
        if !(s_per_km.is_finite() && s_per_km > 0.0) {
            return 0;
        }
        self.zones.iter().position(|z| s_per_km >= z.fast_s_per_km).unwrap_or(0)
    }

    /// The domain of a pace (s/km).
    #[must_use]
    pub fn domain_of_pace(&self, s_per_km: f64) -> Domain {
        self.zones.get(self.zone_of_pace(s_per_km)).map_or(Domain::Easy, |z| z.domain)
    }

    /// Seconds in each zone from a pace histogram ([`crate::hist::pace_histogram`]); each
    /// bucket goes to the zone of its middle pace, the slower/stopped bucket to Z1.
    #[must_use]
    pub fn time_in_zones(&self, hist: &[f64; PACE_BUCKETS]) -> Vec<f64> {
        let mut out = vec![0.0; self.zones.len()];
        for (b, &s) in hist.iter().enumerate() {
            if let Some(slot) = out.get_mut(self.zone_of_pace(pace_bucket_mid_s_per_km(b))) {
                *slot += s;
            }
        }
        out
    }

    /// Seconds in each domain from a pace histogram.
    #[must_use]
    pub fn time_in_domains(&self, hist: &[f64; PACE_BUCKETS]) -> [f64; 3] {
        let mut out = [0.0; 3];
        for (b, &s) in hist.iter().enumerate() {
            out[self.domain_of_pace(pace_bucket_mid_s_per_km(b)).index()] += s;
        }
        out
    }
}

/// Heart rate and pace at one moment of steady running, weighted by seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HrPace {
    pub hr: u8,
    pub pace_s_per_km: f64,
    pub seconds: f64,
}

/// The pace an athlete actually runs at some heart rates: the middle half of the time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PaceRange {
    /// 25th percentile of pace (time-weighted), s/km.
    pub faster_s_per_km: f64,
    /// Median pace, s/km.
    pub median_s_per_km: f64,
    /// 75th percentile of pace, s/km.
    pub slower_s_per_km: f64,
    /// Seconds of running behind the estimate.
    pub seconds: f64,
}

/// Grade beyond which running is not "flat" for [`hr_pace_samples`] (2 %).
pub const FLAT_GRADE: f64 = 0.02;

/// (heart rate, pace) pairs from one recording's flat, steady running, for
/// [`pace_for_hr_range`]: samples with heart rate, a running pace between 2:00 and 15:00 /km,
/// and a grade within ±2 % over the preceding ~20 s (computed from altitude and distance; a
/// sample whose grade cannot be computed counts as flat). Each weighs the time to the next
/// sample, capped at [`crate::hist::MAX_SAMPLE_S`].
#[must_use]
pub fn hr_pace_samples(
    time: &[Option<i64>],
    hr: &[Option<u8>],
    speed_mps: &[Option<f32>],
    distance_m: &[Option<f64>],
    altitude_m: &[Option<f32>],
) -> Vec<HrPace> {
    let n = time.len().min(hr.len()).min(speed_mps.len());
    let weights = crate::hist::sample_weights(&time[..n]);
    let mut out = Vec::new();
    let mut k = 0_usize;
    for i in 0..n {
        let (Some(now), Some(bpm), Some(speed)) = (time[i], hr[i], speed_mps[i]) else { continue };
        let speed = f64::from(speed);
        if !(1000.0 / 900.0..=1000.0 / 120.0).contains(&speed) {
            continue;
        }
        // Trailing window: advance k while the next sample is still ≥ 20 s before i.
        while k + 1 < i && time[k + 1].is_some_and(|tk| now.saturating_sub(tk) >= 20_000) {
            k += 1;
        }
        let grade =
            match (distance_m.get(i), distance_m.get(k), altitude_m.get(i), altitude_m.get(k)) {
                (Some(Some(d1)), Some(Some(d0)), Some(Some(a1)), Some(Some(a0)))
                    if d1 - d0 >= 20.0 =>
                {
                    Some((f64::from(*a1) - f64::from(*a0)) / (d1 - d0))
                }
                _ => None,
            };
        if grade.is_some_and(|g| g.abs() > FLAT_GRADE) {
            continue;
        }
        let seconds = weights[i];
        if seconds > 0.0 {
            out.push(HrPace { hr: bpm, pace_s_per_km: 1000.0 / speed, seconds });
        }
    }
    out
}

/// The pace range (time-weighted 25th–75th percentile and median) of the samples whose heart
/// rate is within `low_bpm..=high_bpm`; `None` with less than 60 s of such running.
///
/// Used by `slowburn zones` to print "the pace you run at these heart rates" beside each zone.
/// The samples should come from flat, steady running ([`hr_pace_samples`]) over recent weeks.
#[must_use]
pub fn pace_for_hr_range(samples: &[HrPace], low_bpm: u8, high_bpm: u8) -> Option<PaceRange> {
    let mut sel: Vec<(f64, f64)> = samples
        .iter()
        .filter(|s| {
            (low_bpm..=high_bpm).contains(&s.hr) && s.pace_s_per_km.is_finite() && s.seconds > 0.0
        })
        .map(|s| (s.pace_s_per_km, s.seconds))
        .collect();
    let total: f64 = sel.iter().map(|s| s.1).sum();
    if total < 60.0 {
        return None;
    }
    sel.sort_by(|a, b| a.0.total_cmp(&b.0));
    let quantile = |q: f64| {
        let target = q * total;
        let mut acc = 0.0;
        for &(pace, w) in &sel {
            acc += w;
            if acc >= target {
                return pace;
            }
        }
        sel.last().map_or(f64::NAN, |s| s.0)
    };
    Some(PaceRange {
        faster_s_per_km: quantile(0.25),
        median_s_per_km: quantile(0.5),
        slower_s_per_km: quantile(0.75),
        seconds: total,
    })
}

#[cfg(test)]
// Exact comparisons: the expected sums are of whole seconds, exact in f64.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use crate::athlete::{Athlete, ProfileEntry};
    use jiff::civil::date;

    fn profile(max: Option<u8>, rest: Option<u8>, lthr: Option<u8>) -> Profile {
        let d = date(2024, 1, 1);
        Athlete::from_entries(vec![ProfileEntry {
            max_hr: max,
            resting_hr: rest,
            lthr,
            ..ProfileEntry::new(d)
        }])
        .at(d)
    }

    fn ranges(t: &ZoneTable) -> Vec<(u8, u8)> {
        t.zones().iter().map(|z| (z.low_bpm, z.high_bpm)).collect()
    }

    #[test]
    fn karvonen_published_example() {
        // Rest 50, max 190, 70 % → 50 + 0.7 × 140 = 148 bpm.
        assert!((karvonen(50.0, 190.0, 0.7) - 148.0).abs() < 1e-9);
        let t = ZoneModel::HeartRateReserve.zones(&profile(Some(190), Some(50), None)).unwrap();
        // 60 % → 134, 70 % → 148, 80 % → 162, 90 % → 176.
        assert_eq!(ranges(&t), vec![(0, 133), (134, 147), (148, 161), (162, 175), (176, 255)]);
        assert_eq!(t.zone_of(148), 2);
        assert_eq!(t.zone_of(147), 1);
    }

    #[test]
    fn percent_max_worked_example_188() {
        // 60 % of 188 = 112.8, 70 % = 131.6, 80 % = 150.4, 90 % = 169.2.
        let t = ZoneModel::PercentMax.zones(&profile(Some(188), None, None)).unwrap();
        assert_eq!(ranges(&t), vec![(0, 112), (113, 131), (132, 150), (151, 169), (170, 255)]);
        assert_eq!(t.domain_ranges(), [Some((0, 131)), Some((132, 169)), Some((170, 255))]);
        // Grey band [0.70·188 − 5, 0.70·188) = [126.6, 131.6) → 127–131 bpm.
        assert_eq!(t.grey_band(), Some((127, 131)));
        assert!(t.in_grey_band(127) && t.in_grey_band(131));
        assert!(!t.in_grey_band(126) && !t.in_grey_band(132));
        assert_eq!(t.domain_of(131), Domain::Easy);
        assert_eq!(t.domain_of(132), Domain::Moderate);
        assert_eq!(t.domain_of(170), Domain::Hard);
    }

    #[test]
    fn percent_max_exact_boundary_190() {
        // 0.7 × 190 is 133 exactly (float noise must not push it to 134).
        let t = ZoneModel::PercentMax.zones(&profile(Some(190), None, None)).unwrap();
        assert_eq!(t.zones()[2].low_bpm, 133);
        assert_eq!(t.zones()[1].low_bpm, 114);
    }

    #[test]
    fn friel_worked_example_171() {
        // 85 % of 171 = 145.35, 90 % = 153.9, 95 % = 162.45, 100 % = 171, 103 % = 176.13, 106 % = 181.26.
        let t = ZoneModel::FrielLthr.zones(&profile(None, None, Some(171))).unwrap();
        assert_eq!(
            ranges(&t),
            vec![(0, 145), (146, 153), (154, 162), (163, 170), (171, 176), (177, 181), (182, 255)]
        );
        assert_eq!(t.domain_ranges(), [Some((0, 153)), Some((154, 170)), Some((171, 255))]);
        assert_eq!(t.grey_band(), Some((149, 153)));
        assert_eq!(t.zones()[4].label, "Z5a");
    }

    #[test]
    fn zones_md_worked_example() {
        // docs/ZONES.md: max 188, resting 48, LTHR 171.
        let p = profile(Some(188), Some(48), Some(171));
        let table = |m: ZoneModel| m.zones(&p).unwrap();
        let t = table(ZoneModel::PercentMax);
        assert_eq!(ranges(&t), vec![(0, 112), (113, 131), (132, 150), (151, 169), (170, 255)]);
        assert_eq!(t.grey_band(), Some((127, 131)));
        // Reserve 140: 60 % → 132, 70 % → 146, 80 % → 160, 90 % → 174.
        let t = table(ZoneModel::HeartRateReserve);
        assert_eq!(ranges(&t), vec![(0, 131), (132, 145), (146, 159), (160, 173), (174, 255)]);
        assert_eq!(t.domain_ranges(), [Some((0, 145)), Some((146, 173)), Some((174, 255))]);
        assert_eq!(t.grey_band(), Some((141, 145)));
        let t = table(ZoneModel::FrielLthr);
        assert_eq!(t.domain_ranges(), [Some((0, 153)), Some((154, 170)), Some((171, 255))]);
        let t = table(ZoneModel::ThreeZone { vt1: None });
        assert_eq!(t.domain_ranges(), [Some((0, 148)), Some((149, 170)), Some((171, 255))]);
        assert_eq!(t.grey_band(), Some((144, 148)));
    }

    #[test]
    fn three_zone_from_lthr_or_vt1() {
        // 0.87 × 171 = 148.77 → easy up to 148, hard from 171.
        let t = ZoneModel::ThreeZone { vt1: None }.zones(&profile(None, None, Some(171))).unwrap();
        assert_eq!(ranges(&t), vec![(0, 148), (149, 170), (171, 255)]);
        let t =
            ZoneModel::ThreeZone { vt1: Some(150) }.zones(&profile(None, None, Some(171))).unwrap();
        assert_eq!(ranges(&t), vec![(0, 149), (150, 170), (171, 255)]);
        assert!(matches!(
            ZoneModel::ThreeZone { vt1: Some(175) }.zones(&profile(None, None, Some(171))),
            Err(ZoneError::FirstThresholdNotBelowLthr { .. })
        ));
    }

    #[test]
    fn custom_boundaries() {
        let t =
            ZoneModel::Custom(vec![120, 140, 155, 170]).zones(&profile(None, None, None)).unwrap();
        assert_eq!(ranges(&t), vec![(0, 119), (120, 139), (140, 154), (155, 169), (170, 255)]);
        assert_eq!(t.domain_of(139), Domain::Easy);
        assert_eq!(t.domain_of(169), Domain::Moderate);
        assert_eq!(t.domain_of(170), Domain::Hard);
        for bad in [vec![], vec![150], vec![150, 140], vec![0, 140], vec![140, 140]] {
            assert!(matches!(
                ZoneModel::Custom(bad).zones(&profile(None, None, None)),
                Err(ZoneError::Custom { .. })
            ));
        }
    }

    #[test]
    fn errors_name_what_is_missing_or_wrong() {
        let e = ZoneModel::PercentMax.zones(&profile(None, None, None)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the percent_max zone model needs a max heart rate, and the profile has none"
        );
        let e =
            ZoneModel::HeartRateReserve.zones(&profile(Some(150), Some(120), None)).unwrap_err();
        assert_eq!(e, ZoneError::Reserve { resting: 120, max: 150 });
        let e = ZoneModel::PercentMax.zones(&profile(Some(60), None, None)).unwrap_err();
        assert!(matches!(e, ZoneError::Implausible { .. }), "{e}");
    }

    #[test]
    fn histogram_sums() {
        let t = ZoneModel::PercentMax.zones(&profile(Some(188), None, None)).unwrap();
        let mut hist = [0.0; 256];
        hist[100] = 10.0; // Z1
        hist[127] = 5.0; // Z2, grey
        hist[131] = 7.0; // Z2, grey
        hist[140] = 20.0; // Z3
        hist[175] = 3.0; // Z5
        assert_eq!(t.time_in_zones(&hist), vec![10.0, 12.0, 20.0, 0.0, 3.0]);
        assert_eq!(t.time_in_domains(&hist), [22.0, 20.0, 3.0]);
        assert!((t.time_in_grey(&hist) - 12.0).abs() < 1e-12);
        let mut out = [0.0; 5];
        t.time_in_zones_into(&hist, &mut out);
        assert_eq!(out, [10.0, 12.0, 20.0, 0.0, 3.0]);
        let t = t.with_grey_width(0);
        assert_eq!(t.grey_band(), None);
        assert!(t.time_in_grey(&hist).abs() < 1e-12);
    }

    #[test]
    fn friel_pace_zones_from_threshold() {
        let d = date(2024, 1, 1);
        let p = Athlete::from_entries(vec![ProfileEntry {
            threshold_pace_s_per_km: Some(240.0),
            ..ProfileEntry::new(d)
        }])
        .at(d);
        let t = pace_zones(&p).unwrap();
        let z = t.zones();
        // Threshold 4:00 /km: Z2 from 240 × 1.14 = 273.6 s up to 240 × 1.29 = 309.6 s.
        assert!(
            (z[1].fast_s_per_km - 273.6).abs() < 1e-9 && (z[1].slow_s_per_km - 309.6).abs() < 1e-9
        );
        assert_eq!(t.zone_of_pace(320.0), 0);
        assert_eq!(t.zone_of_pace(300.0), 1);
        assert_eq!(t.zone_of_pace(240.0), 4);
        assert_eq!(t.zone_of_pace(200.0), 6);
        assert_eq!(t.domain_of_pace(270.0), Domain::Moderate);
        assert_eq!(t.domain_of_pace(f64::INFINITY), Domain::Easy);
    }

    #[test]
    fn pace_range_at_heart_rates() {
        let mut s = Vec::new();
        for i in 0..100_u8 {
            // 120–139 bpm at 6:00–6:19 /km; 150 bpm at 5:00 /km.
            s.push(HrPace {
                hr: 120 + i % 20,
                pace_s_per_km: 360.0 + f64::from(i % 20),
                seconds: 1.0,
            });
            s.push(HrPace { hr: 150, pace_s_per_km: 300.0, seconds: 1.0 });
        }
        let r = pace_for_hr_range(&s, 120, 139).unwrap();
        assert_eq!(
            (r.faster_s_per_km, r.median_s_per_km, r.slower_s_per_km),
            (364.0, 369.0, 374.0)
        );
        assert!((r.seconds - 100.0).abs() < 1e-9);
        assert_eq!(pace_for_hr_range(&s, 160, 170), None);
    }

    #[test]
    fn hr_pace_samples_skip_hills_and_stops() {
        let n = 120;
        let time: Vec<Option<i64>> = (0..n).map(|i| Some(i * 1000)).collect();
        let hr = vec![Some(140_u8); n as usize];
        let mut speed = vec![Some(3.0_f32); n as usize];
        speed[5] = Some(0.0);
        let dist: Vec<Option<f64>> = (0..n).map(|i| Some(i as f64 * 3.0)).collect();
        // Flat for 60 s, then a 5 % climb.
        let alt: Vec<Option<f32>> = (0..n)
            .map(|i| Some(if i < 60 { 10.0 } else { 10.0 + (i - 60) as f32 * 0.15 }))
            .collect();
        let s = hr_pace_samples(&time, &hr, &speed, &dist, &alt);
        // Samples 0–59 except the stop at 5, plus the first climbing samples whose 20-s trailing
        // window is still mostly flat (grade ≤ 2 %: up to 8 s into the climb).
        assert!(s.iter().all(|x| (x.pace_s_per_km - 1000.0 / 3.0).abs() < 1e-3));
        assert!(s.len() >= 59 && s.len() <= 70, "{}", s.len());
    }
}

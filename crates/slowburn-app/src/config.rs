//! The user's configuration: `config.toml` (the binary finds it: the platform config dir or
//! `SLOWBURN_CONFIG`). Every setting also has a flag; a missing file means the defaults. Parsed
//! here, without clap, so every front end reads it the same way.
//!
//! ```toml
//! [zones]
//! model = "hrmax"              # hrmax | hrr | lthr | three-zone | pace | custom
//! custom = [120, 140, 155, 170] # first bpm of each zone after the first, for model = "custom"
//! grey_band_bpm = 5            # width of the grey band at the top of the easy domain
//!
//! [calendar]
//! week_start = "monday"        # monday … sunday
//! ```

use std::path::Path;
use std::str::FromStr;

use jiff::civil::Weekday;
use serde::Deserialize;
use slowburn_core::ZoneModel;

use crate::AppError;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub zones: ZonesConfig,
    #[serde(default)]
    pub calendar: CalendarConfig,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ZonesConfig {
    pub model: Option<String>,
    #[serde(default)]
    pub custom: Vec<u8>,
    pub grey_band_bpm: Option<u8>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CalendarConfig {
    pub week_start: Option<String>,
}

/// The zone models a user can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneModelName {
    /// % of max heart rate (Zone 2 = 60–70 %).
    Hrmax,
    /// Heart-rate reserve (Karvonen).
    Hrr,
    /// Friel's running zones from the lactate-threshold heart rate.
    Lthr,
    /// Three zones around the first and second thresholds.
    ThreeZone,
    /// Pace zones from the threshold pace.
    Pace,
    /// The user's own boundaries.
    Custom,
}

impl ZoneModelName {
    pub const ALL: [(&'static str, ZoneModelName); 6] = [
        ("hrmax", ZoneModelName::Hrmax),
        ("hrr", ZoneModelName::Hrr),
        ("lthr", ZoneModelName::Lthr),
        ("three-zone", ZoneModelName::ThreeZone),
        ("pace", ZoneModelName::Pace),
        ("custom", ZoneModelName::Custom),
    ];

    #[must_use]
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, m)| *m == self).map_or("hrmax", |(n, _)| n)
    }
}

impl FromStr for ZoneModelName {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, AppError> {
        let want = s.to_ascii_lowercase().replace('_', "-");
        Self::ALL.iter().find(|(n, _)| *n == want).map(|(_, m)| *m).ok_or_else(|| {
            AppError::Input(format!(
                "{s:?} is not a zone model (one of {})",
                Self::ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ))
        })
    }
}

/// A weekday from its English name (`monday`, `Mon`, …).
pub fn parse_weekday(s: &str) -> Result<Weekday, AppError> {
    const DAYS: [(&str, Weekday); 7] = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];
    let want = s.to_ascii_lowercase();
    DAYS.iter()
        .find(|(n, _)| want.len() >= 3 && n.starts_with(&want))
        .map(|(_, d)| *d)
        .ok_or_else(|| AppError::Input(format!("{s:?} is not a weekday (monday … sunday)")))
}

/// How heart rate is zoned for judging runs: the heart-rate model, the grey band's width, and
/// the name the user chose (which may be the pace model: runs are then judged on `%HRmax`
/// heart-rate zones and pace zones alike).
#[derive(Debug, Clone, PartialEq)]
pub struct Zoning {
    pub chosen: ZoneModelName,
    pub model: ZoneModel,
    pub grey_width: Option<u8>,
}

impl Config {
    /// Read the configuration at `path` (defaults when there is no file; an unreadable or
    /// invalid file is an error naming it).
    pub fn load(path: Option<&Path>) -> Result<Config, AppError> {
        let Some(path) = path else { return Ok(Config::default()) };
        let err = |why: String| AppError::Config { path: path.display().to_string(), why };
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text).map_err(|e| err(e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(err(e.to_string())),
        }
    }

    /// Parse a configuration's text.
    pub fn parse(text: &str) -> Result<Config, AppError> {
        let c: Config = toml::from_str(text).map_err(|e| AppError::Input(e.to_string()))?;
        // Check the names now, so a typo is reported on every command, not only some.
        c.zoning(None, &[], None)?;
        c.week_start(None)?;
        Ok(c)
    }

    /// The zoning to judge by: the flag, else the file, else `%HRmax` with the default band.
    /// `bounds` (a flag) replace the file's custom boundaries; `vt1` is the three-zone model's
    /// first threshold when known.
    pub fn zoning(
        &self,
        flag: Option<ZoneModelName>,
        bounds: &[u8],
        vt1: Option<u8>,
    ) -> Result<Zoning, AppError> {
        let chosen = match (flag, self.zones.model.as_deref()) {
            (Some(m), _) => m,
            (None, Some(name)) => name.parse().map_err(|_| {
                AppError::Input(format!("zones.model = {name:?} in the config is not a zone model"))
            })?,
            (None, None) => ZoneModelName::Hrmax,
        };
        let custom = if bounds.is_empty() { self.zones.custom.clone() } else { bounds.to_vec() };
        let model = match chosen {
            ZoneModelName::Hrmax | ZoneModelName::Pace => ZoneModel::PercentMax,
            ZoneModelName::Hrr => ZoneModel::HeartRateReserve,
            ZoneModelName::Lthr => ZoneModel::FrielLthr,
            ZoneModelName::ThreeZone => ZoneModel::ThreeZone { vt1 },
            ZoneModelName::Custom if custom.is_empty() => {
                return Err(AppError::Input(
                    "the custom zone model needs its boundaries: zones.custom = [120, 140, 155, 170] in the config, or --bounds".into(),
                ))
            }
            ZoneModelName::Custom => ZoneModel::Custom(custom),
        };
        Ok(Zoning { chosen, model, grey_width: self.zones.grey_band_bpm })
    }

    /// The first day of the week: the flag, else the file, else Monday.
    pub fn week_start(&self, flag: Option<Weekday>) -> Result<Weekday, AppError> {
        match (flag, self.calendar.week_start.as_deref()) {
            (Some(d), _) => Ok(d),
            (None, Some(name)) => parse_weekday(name).map_err(|_| {
                AppError::Input(format!(
                    "calendar.week_start = {name:?} in the config is not a weekday"
                ))
            }),
            (None, None) => Ok(Weekday::Monday),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_parses() {
        let c = Config::parse(
            "[zones]\nmodel = \"custom\"\ncustom = [120, 140, 155, 170]\ngrey_band_bpm = 4\n[calendar]\nweek_start = \"sunday\"\n",
        )
        .expect("parses");
        assert_eq!(c.zones.custom, vec![120, 140, 155, 170]);
        assert_eq!(c.zones.grey_band_bpm, Some(4));
        assert_eq!(c.week_start(None).expect("day"), Weekday::Sunday);
        let z = c.zoning(None, &[], None).expect("zoning");
        assert_eq!(z.model, ZoneModel::Custom(vec![120, 140, 155, 170]));
        assert_eq!(z.grey_width, Some(4));
        // A flag wins over the file.
        assert_eq!(
            c.zoning(Some(ZoneModelName::Hrr), &[], None).expect("hrr").model,
            ZoneModel::HeartRateReserve
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        assert!(Config::parse("[zones]\nmodle = \"hrmax\"\n").is_err());
        assert!(Config::parse("[zones]\nmodel = \"zone5\"\n").is_err());
        assert!(Config::parse("[calendar]\nweek_start = \"someday\"\n").is_err());
        assert!(Config::parse("[zones]\nmodel = \"custom\"\n").is_err(), "custom without bounds");
        assert_eq!(Config::parse("").expect("empty"), Config::default());
    }

    #[test]
    fn names_parse_both_ways() {
        for (name, m) in ZoneModelName::ALL {
            assert_eq!(name.parse::<ZoneModelName>().expect("parse"), m);
            assert_eq!(m.name(), name);
        }
        assert_eq!(parse_weekday("Sun").expect("sun"), Weekday::Sunday);
        assert!(parse_weekday("s").is_err());
    }
}

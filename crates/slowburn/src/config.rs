//! The user's configuration: `config.toml` in the platform config directory
//! (`~/.config/slowburn/config.toml` on Linux), or the file `SLOWBURN_CONFIG` names.
//! Every setting also has a flag; a missing file means the defaults.
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

use std::path::PathBuf;

use anyhow::Context as _;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    #[serde(default)]
    pub zones: ZonesConfig,
    #[serde(default)]
    pub calendar: CalendarConfig,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct ZonesConfig {
    pub model: Option<String>,
    #[serde(default)]
    pub custom: Vec<u8>,
    pub grey_band_bpm: Option<u8>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct CalendarConfig {
    pub week_start: Option<String>,
}

/// Where the configuration is read from.
pub(crate) fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SLOWBURN_CONFIG") {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "slowburn").map(|d| d.config_dir().join("config.toml"))
}

/// The configuration (defaults when there is no file; an unreadable file is an error naming it).
pub(crate) fn load() -> anyhow::Result<Config> {
    let Some(path) = path() else { return Ok(Config::default()) };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            parse(&text).with_context(|| format!("reading the configuration {}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(e).with_context(|| format!("reading the configuration {}", path.display())),
    }
}

pub(crate) fn parse(text: &str) -> anyhow::Result<Config> {
    Ok(toml::from_str(text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_parses() {
        let c = parse(
            "[zones]\nmodel = \"custom\"\ncustom = [120, 140, 155, 170]\ngrey_band_bpm = 4\n[calendar]\nweek_start = \"sunday\"\n",
        )
        .expect("parses");
        assert_eq!(c.zones.custom, vec![120, 140, 155, 170]);
        assert_eq!(c.zones.grey_band_bpm, Some(4));
        assert_eq!(c.calendar.week_start.as_deref(), Some("sunday"));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        assert!(parse("[zones]\nmodle = \"hrmax\"\n").is_err());
        assert_eq!(parse("").expect("empty"), Config::default());
    }
}

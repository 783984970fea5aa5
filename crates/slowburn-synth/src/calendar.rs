//! Civil-date arithmetic on days since 1970-01-01 and the home's UTC offset.
//!
//! # Design
//! The generator walks day by day over up to decades; plain day numbers (Hinnant's
//! `days_from_civil`) keep that loop free of fallible calls. The home keeps Central European
//! time: UTC+1 in winter, UTC+2 from the last Sunday of March to the last Sunday of October
//! (runs never start in the small hours, so the switch is taken per date).

/// Days since 1970-01-01 of a proleptic Gregorian date.
#[must_use]
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day number.
#[must_use]
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Day of the week, Monday = 0 … Sunday = 6.
#[must_use]
pub(crate) fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

/// Day of the year, 0-based.
#[must_use]
pub(crate) fn day_of_year(days: i64) -> i64 {
    let (y, _, _) = civil_from_days(days);
    days - days_from_civil(y, 1, 1)
}

fn last_sunday(y: i64, m: i64, last_day: i64) -> i64 {
    let d = days_from_civil(y, m, last_day);
    d - (weekday(d) + 1) % 7
}

/// Central European UTC offset in seconds on a local date.
#[must_use]
pub(crate) fn cet_offset_s(days: i64) -> i32 {
    let (y, _, _) = civil_from_days(days);
    if days >= last_sunday(y, 3, 31) && days < last_sunday(y, 10, 31) {
        7200
    } else {
        3600
    }
}

/// `YYYY-MM-DD`.
#[must_use]
pub(crate) fn iso_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDTHH:MM:SS+HH:MM` for a local time of day.
#[must_use]
pub(crate) fn iso_local(days: i64, secs: i64, offset_s: i32) -> String {
    let off_m = offset_s / 60;
    let sign = if off_m < 0 { '-' } else { '+' };
    format!(
        "{}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        iso_date(days),
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        off_m.abs() / 60,
        off_m.abs() % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for z in [-1000, 0, 11_016, 11_017, 19_000, 20_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        // 2016-01-04 was a Monday, 2024-02-29 a Thursday.
        assert_eq!(weekday(days_from_civil(2016, 1, 4)), 0);
        assert_eq!(weekday(days_from_civil(2024, 2, 29)), 3);
    }

    #[test]
    fn summer_time_follows_the_eu_rule() {
        // 2021: 28 March to 31 October.
        assert_eq!(cet_offset_s(days_from_civil(2021, 3, 27)), 3600);
        assert_eq!(cet_offset_s(days_from_civil(2021, 3, 28)), 7200);
        assert_eq!(cet_offset_s(days_from_civil(2021, 10, 30)), 7200);
        assert_eq!(cet_offset_s(days_from_civil(2021, 10, 31)), 3600);
        assert_eq!(
            iso_local(days_from_civil(2021, 7, 4), 8 * 3600 + 5 * 60, 7200),
            "2021-07-04T08:05:00+02:00"
        );
    }
}

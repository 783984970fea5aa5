//! `slowburn runs`: list activities.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use slowburn_store::Filter;

use crate::cli::RunsArgs;
use crate::printer::Printer;

fn date_ms(d: jiff::civil::Date) -> anyhow::Result<i64> {
    Ok(d.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp().as_millisecond())
}

/// A FIT sport from a name or number.
pub(crate) fn sport_number(s: &str) -> anyhow::Result<u8> {
    if let Ok(n) = s.parse::<u8>() {
        return Ok(n);
    }
    let want = s.to_ascii_lowercase().replace([' ', '-'], "_");
    for n in 0..=u8::MAX {
        if slowburn_formats::fit::names::sport(n) == Some(want.as_str()) {
            return Ok(n);
        }
    }
    bail!("unknown sport {s:?} (try running, cycling, walking, hiking or a FIT sport number)")
}

pub(crate) fn run(db: Option<&Path>, args: &RunsArgs) -> anyhow::Result<ExitCode> {
    let store = crate::db::open(db)?;
    let filter = Filter {
        since_ms: args.since.map(date_ms).transpose()?,
        until_ms: args.until.map(date_ms).transpose()?,
        sport: args.sport.as_deref().map(sport_number).transpose()?,
        limit: args.limit,
        newest_first: args.limit.is_some(),
    };
    let mut rows = store.activities(&filter)?;
    if filter.newest_first {
        rows.reverse();
    }
    let mut p = Printer::new();
    if args.json {
        let views: Vec<_> = rows.iter().map(crate::analysis::ActivityView::new).collect();
        p.json(&views)?;
    } else if rows.is_empty() {
        p.line("no activities (import some with `slowburn import PATH`)")?;
    } else {
        p.line(&crate::analysis::ActivityView::table_header())?;
        for r in &rows {
            p.line(&crate::analysis::ActivityView::new(r).table_row())?;
        }
    }
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

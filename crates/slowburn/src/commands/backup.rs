//! `slowburn backup FILE` and `slowburn restore FILE` (the work is in `slowburn_store::backup`).

use std::process::ExitCode;

use slowburn_store::backup::{self as store_backup, StoreInfo};

use super::Ctx;
use crate::cli::{BackupArgs, RestoreArgs};

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.0} kB", (bytes as f64 / 1024.0).ceil())
    }
}

fn holds(i: &StoreInfo) -> String {
    format!(
        "{}, {}, {}, {}, {}",
        plural(i.activities, "activity", "activities"),
        plural(i.originals, "original file", "original files"),
        plural(i.duplicates, "duplicate", "duplicates"),
        plural(i.logs, "log entry", "log entries"),
        plural(i.plans, "plan", "plans"),
    )
}

pub(crate) fn backup(ctx: &Ctx, a: &BackupArgs) -> anyhow::Result<ExitCode> {
    let db = ctx.file_db("backup")?;
    let info = store_backup::backup(&db, &a.file, a.force)?;
    println!("Backed up {} to {}: {}.", db.display(), a.file.display(), holds(&info));
    println!(
        "Schema {}, {}, checked (integrity_check ok). Restore with `{} restore {}`.",
        info.schema,
        size(info.bytes),
        ctx.cmd,
        a.file.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn restore(ctx: &Ctx, a: &RestoreArgs) -> anyhow::Result<ExitCode> {
    let db = ctx.file_db("restore")?;
    let r = store_backup::restore(&db, &a.file)?;
    let migrated = if r.from_schema == r.info.schema {
        format!("schema {}", r.info.schema)
    } else {
        format!("schema {}, migrated to {}", r.from_schema, r.info.schema)
    };
    println!(
        "Restored {} from {} ({migrated}): {}.",
        db.display(),
        a.file.display(),
        holds(&r.info)
    );
    match &r.kept {
        Some(k) => println!("The store it replaced is kept as {}.", k.display()),
        None => println!("There was no store at {} before.", db.display()),
    }
    Ok(ExitCode::SUCCESS)
}

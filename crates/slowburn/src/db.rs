//! Where the database lives: `--db`, `SLOWBURN_DB`, or `slowburn.db` in the platform data dir.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use slowburn_store::Store;

/// The default database path.
pub(crate) fn default_path() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "slowburn")
        .context("no home directory to keep the database in; pass --db PATH")?;
    Ok(dirs.data_dir().join("slowburn.db"))
}

/// Open the store the user chose.
pub(crate) fn open(path: Option<&Path>) -> anyhow::Result<Store> {
    let path = match path {
        Some(p) => p.to_owned(),
        None => default_path()?,
    };
    Store::open(&path).with_context(|| format!("opening the database {}", path.display()))
}

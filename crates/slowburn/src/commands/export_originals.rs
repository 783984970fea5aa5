//! `slowburn export-originals DIR`: every original file back, byte-identical.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::ExportOriginalsArgs;
use crate::printer::Printer;

/// A safe file name from an import name (`export.zip!activities/1.fit.gz` → `1.fit.gz`).
fn file_name(source: &str) -> String {
    let base = source.rsplit(['/', '\\', '!']).next().unwrap_or(source);
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim_start_matches('.').to_owned();
    if clean.is_empty() {
        "original".to_owned()
    } else {
        clean
    }
}

pub(crate) fn run(db: Option<&Path>, args: &ExportOriginalsArgs) -> anyhow::Result<ExitCode> {
    let store = crate::db::open(db)?;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let mut used = HashSet::new();
    let mut bytes_total = 0u64;
    let n = store.for_each_original(|sha, name, bytes| {
        let mut fname = file_name(name);
        if !used.insert(fname.clone()) || args.dir.join(&fname).exists() {
            fname = format!("{}-{fname}", &slowburn_store::hex(sha)[..12]);
            used.insert(fname.clone());
        }
        let path = args.dir.join(&fname);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        f.write_all(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        bytes_total += bytes.len() as u64;
        Ok(())
    })?;
    let mut p = Printer::new();
    p.line(&format!(
        "wrote {n} original files ({:.1} MB) to {}",
        bytes_total as f64 / 1e6,
        args.dir.display()
    ))?;
    p.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn names_never_escape_the_folder() {
        assert_eq!(file_name("export.zip!activities/1.fit.gz"), "1.fit.gz");
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("/abs/..hidden"), "hidden");
        assert_eq!(file_name("a/"), "original");
    }
}

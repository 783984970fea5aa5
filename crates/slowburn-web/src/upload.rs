//! Uploads: the files of a multipart request written, as they arrive, into a private temporary
//! folder, then imported by `App::import` — the CLI's one pipeline, so an upload stores, skips
//! and reports exactly what `slowburn import` of the same files would. The folder is removed
//! when the request ends, however it ends.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::multipart::MultipartError;
use axum::extract::Multipart;
use axum::http::StatusCode;
use slowburn_app::ImportOutcome;

use crate::error::{size, ApiError};
use crate::work::{with_app, Access};
use crate::WebConfig;

/// Entries per import batch, as `slowburn import` defaults to.
const BATCH: usize = 512;

/// A file name of the upload safe to create in the folder (as an export names its files).
fn safe_name(given: &str) -> String {
    slowburn_app::safe_file_name(given, "upload")
}

/// `name`, or `2-name`, `3-name` … when the upload already holds it.
fn unique(name: &str, taken: &mut HashSet<String>) -> String {
    let mut n = 1;
    let mut candidate = name.to_owned();
    while !taken.insert(candidate.clone()) {
        n += 1;
        candidate = format!("{n}-{name}");
    }
    candidate
}

fn multipart_error(e: &MultipartError, limit: usize) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the upload is larger than its limit of {}", size(limit)),
        )
    } else {
        ApiError::new(e.status(), format!("the upload cannot be read: {}", e.body_text()))
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> ApiError {
    ApiError::internal(format!("writing the upload to {}: {e}", path.display()))
}

/// Receive the files of `mp` and import them.
pub(crate) async fn import(
    cfg: &Arc<WebConfig>,
    mut mp: Multipart,
) -> Result<ImportOutcome, ApiError> {
    let limit = cfg.max_upload_bytes;
    let dir = tempfile::Builder::new()
        .prefix("slowburn-upload-")
        .tempdir()
        .map_err(|e| ApiError::internal(format!("no temporary folder for the upload: {e}")))?;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut taken = HashSet::new();
    while let Some(mut field) = mp.next_field().await.map_err(|e| multipart_error(&e, limit))? {
        // Only file fields: a form's other fields, and a file input left empty, are passed over.
        let Some(name) = field.file_name().filter(|n| !n.trim().is_empty()).map(safe_name) else {
            continue;
        };
        let path = dir.path().join(unique(&name, &mut taken));
        let mut file = std::fs::File::create(&path).map_err(|e| io_error(&path, &e))?;
        while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(&e, limit))? {
            file.write_all(&chunk).map_err(|e| io_error(&path, &e))?;
        }
        paths.push(path);
    }
    if paths.is_empty() {
        return Err(ApiError::bad(
            "the upload holds no file: send files as multipart/form-data fields with a file name",
        ));
    }
    with_app(cfg, Access::Write, move |app| {
        // Each file is stored and reported by the name it was uploaded under, not by the
        // folder it waited in (a retried upload stores exactly what the first one would have).
        let out = app.import_under(&paths, Some(dir.path()), &slowburn_import::Silent, BATCH)?;
        drop(dir);
        Ok(out)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_in_the_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\me\\run.fit"), "run.fit");
        assert_eq!(safe_name(".hidden.fit"), "hidden.fit");
        assert_eq!(safe_name(".."), "upload");
        assert_eq!(safe_name("a\u{0}b?.fit"), "a_b_.fit");
    }

    #[test]
    fn twice_the_same_name() {
        let mut t = HashSet::new();
        assert_eq!(unique("a.fit", &mut t), "a.fit");
        assert_eq!(unique("a.fit", &mut t), "2-a.fit");
        assert_eq!(unique("a.fit", &mut t), "3-a.fit");
    }
}

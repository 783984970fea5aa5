//! `slowburn inspect FILE…`: what our decoders read from each file — FIT, GPX or TCX, gzipped
//! or not, told apart by content first and name second (`slowburn_formats::detect`), as import
//! reads them.

use std::process::ExitCode;

use slowburn_report::inspect::Inspection;

use crate::cli::InspectArgs;
use crate::printer::Printer;

pub(crate) fn run(args: &InspectArgs) -> anyhow::Result<ExitCode> {
    let mut printer = Printer::new(args.json);
    let mut views = Vec::with_capacity(args.files.len());
    let mut failed = false;
    for path in &args.files {
        let name = path.display().to_string();
        let view = match std::fs::read(path) {
            Err(e) => Inspection::failed(&name, format!("{name}: cannot read: {e}")),
            Ok(bytes) => match slowburn_formats::detect::decode_any(&name, &bytes) {
                Ok(rec) => Inspection::new(&name, &rec),
                Err(e) => Inspection::failed(&name, format!("{name}: {e}")),
            },
        };
        failed |= view.error.is_some();
        if args.json {
            views.push(view);
        } else {
            printer.line(&view.to_text())?;
        }
    }
    if args.json {
        printer.json(&views)?;
    }
    printer.flush()?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn corpus() -> PathBuf {
        std::env::var_os("SLOWBURN_CORPUS").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
            PathBuf::from,
        )
    }

    /// A gzip file of `data` in stored (uncompressed) deflate blocks.
    fn gzip_stored(data: &[u8]) -> Vec<u8> {
        let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
        let chunks: Vec<&[u8]> = data.chunks(65_535).collect();
        for (i, c) in chunks.iter().enumerate() {
            out.push(u8::from(i + 1 == chunks.len()));
            let len = c.len() as u16;
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&(!len).to_le_bytes());
            out.extend_from_slice(c);
        }
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        out.extend_from_slice(&(!crc).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out
    }

    fn inspect(path: &std::path::Path) -> Inspection {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{name}: {e} (the corpus)"));
        match slowburn_formats::detect::decode_any(&name, &bytes) {
            Ok(rec) => Inspection::new(&name, &rec),
            Err(e) => Inspection::failed(&name, e.to_string()),
        }
    }

    #[test]
    fn gpx_tcx_and_gzipped_files_are_inspected_like_fit() {
        let c = corpus();
        let gpx = inspect(&c.join("togeojson/run.gpx"));
        assert_eq!((gpx.error.as_deref(), gpx.record_count), (None, 206), "{gpx:?}");
        assert_eq!(gpx.first_record_time.as_deref(), Some("2012-10-24T23:29:40Z"));
        let tcx = inspect(&c.join("python-tcxparser/test.tcx"));
        assert_eq!((tcx.error.as_deref(), tcx.record_count), (None, 384), "{tcx:?}");
        assert!(tcx.hr_count > 0);
        let fit = c.join("python-fitparse/garmin-fenix-5-run.fit");
        let dir = std::env::temp_dir().join(format!("slowburn-inspect-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let gz = dir.join("run.fit.gz");
        std::fs::write(&gz, gzip_stored(&std::fs::read(&fit).expect("read"))).expect("write");
        let (plain, zipped) = (inspect(&fit), inspect(&gz));
        assert_eq!(zipped.error, None);
        assert_eq!(
            serde_json::to_value(Inspection { file: String::new(), ..plain }).expect("json"),
            serde_json::to_value(Inspection { file: String::new(), ..zipped }).expect("json"),
            "the same fields and values gzipped"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! The one place user-facing output goes through.

use std::io::{self, Write};

/// Writes to stdout, propagating errors (a broken pipe ends the command quietly in `main`).
pub(crate) struct Printer {
    out: io::BufWriter<io::Stdout>,
}

impl Printer {
    pub(crate) fn new() -> Self {
        Self { out: io::BufWriter::new(io::stdout()) }
    }

    /// Write a line to stdout.
    pub(crate) fn line(&mut self, s: &str) -> io::Result<()> {
        self.out.write_all(s.as_bytes())?;
        self.out.write_all(b"\n")
    }

    /// Write a value as pretty JSON to stdout.
    pub(crate) fn json<T: serde::Serialize>(&mut self, value: &T) -> anyhow::Result<()> {
        serde_json::to_writer_pretty(&mut self.out, value)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Write a line to stderr (errors and warnings).
    pub(crate) fn stderr_line(s: &str) {
        let _ = writeln!(io::stderr().lock(), "{s}");
    }
}

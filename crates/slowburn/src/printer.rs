//! The one place user-facing output goes through: text or JSON on stdout, errors on stderr,
//! and a progress bar on stderr only when it is a terminal and the output is not JSON.

use std::io::{self, IsTerminal as _, Write};

/// Writes to stdout, propagating errors (a broken pipe ends the command quietly in `main`).
pub(crate) struct Printer {
    out: io::BufWriter<io::Stdout>,
    json: bool,
}

impl Printer {
    /// A printer; `json` says the command prints JSON (never a sentence on stdout).
    pub(crate) fn new(json: bool) -> Self {
        Self { out: io::BufWriter::new(io::stdout()), json }
    }

    /// Print a view: its JSON, or its text.
    pub(crate) fn view<T: serde::Serialize>(
        &mut self,
        value: &T,
        text: impl FnOnce(&T) -> String,
    ) -> anyhow::Result<()> {
        if self.json {
            self.json(value)?;
        } else {
            self.line(&text(value))?;
        }
        Ok(())
    }

    /// Write a value as pretty JSON.
    pub(crate) fn json<T: serde::Serialize>(&mut self, value: &T) -> anyhow::Result<()> {
        serde_json::to_writer_pretty(&mut self.out, value)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    /// Write a line of text (not in JSON mode: there the view is the whole output).
    pub(crate) fn line(&mut self, s: &str) -> io::Result<()> {
        if self.json {
            return Ok(());
        }
        self.out.write_all(s.as_bytes())?;
        self.out.write_all(b"\n")
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// A progress bar for `what`, drawn only on a terminal and not under `--json`.
    pub(crate) fn bar(&self) -> Bar {
        if self.json || !io::stderr().is_terminal() {
            return Bar(None);
        }
        let pb = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} importing {bar:30} {pos}/{len} files ({per_sec}, {eta} left)",
        ) {
            pb.set_style(style);
        }
        Bar(Some(pb))
    }

    /// Write a line to stderr (errors and warnings).
    pub(crate) fn stderr_line(s: &str) {
        let _ = writeln!(io::stderr().lock(), "{s}");
    }
}

/// An import's progress bar (or nothing).
pub(crate) struct Bar(Option<indicatif::ProgressBar>);

impl slowburn_import::Progress for Bar {
    fn start(&self, total: u64) {
        if let Some(pb) = &self.0 {
            pb.set_length(total);
        }
    }
    fn advance(&self, n: u64) {
        if let Some(pb) = &self.0 {
            pb.inc(n);
        }
    }
    fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}

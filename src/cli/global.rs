//! The options every subcommand takes: `--output FILE`, `--quiet`, `--color WHEN` and
//! `--jobs N`. They may stand before or after the subcommand.

use std::io::Write;

use clap::{Args, ValueEnum};

use crate::error::Error;
use crate::report::term::ColorChoice;

/// The options of every subcommand.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Write the report to FILE instead of standard output (`-` is standard output).
    #[arg(long, short = 'o', global = true, value_name = "FILE")]
    pub output: Option<String>,
    /// Print only errors on standard error: no warnings, notes, progress or statistics.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// Colour the tables: `auto` on a terminal unless `NO_COLOR` is set, `always`, `never`.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Worker threads for reading exports, linting and deciding cases (1 runs sequentially)
    /// [default: one per core].
    #[arg(long, alias = "threads", global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless `NO_COLOR` is set or `TERM` is `dumb`.
    #[default]
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

impl From<ColorArg> for ColorChoice {
    fn from(c: ColorArg) -> ColorChoice {
        match c {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        }
    }
}

/// Where the report goes.
pub enum Target<'a> {
    /// Standard output (or what the caller passed).
    Out(&'a mut dyn Write),
    /// The `--output` file.
    File(std::io::BufWriter<std::fs::File>, String),
}

impl Target<'_> {
    /// The writer of the report.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Target::Out(w) => *w,
            Target::File(f, _) => f,
        }
    }

    /// Flushes the file; a file that cannot be written is an error naming it.
    pub fn finish(self) -> Result<(), Error> {
        match self {
            Target::Out(_) => Ok(()),
            Target::File(mut f, path) => f
                .flush()
                .map_err(|e| Error::Usage(format!("--output: cannot write `{path}`: {e}"))),
        }
    }
}

impl GlobalArgs {
    /// The report's destination, and whether it is standard output.
    pub fn open<'a>(&self, out: &'a mut dyn Write) -> Result<(Target<'a>, bool), Error> {
        match self.output.as_deref() {
            None | Some("-") => Ok((Target::Out(out), true)),
            Some(path) => {
                let f = std::fs::File::create(path)
                    .map_err(|e| Error::Usage(format!("--output: cannot write `{path}`: {e}")))?;
                Ok((
                    Target::File(std::io::BufWriter::new(f), path.to_owned()),
                    false,
                ))
            }
        }
    }

    /// Sizes the shared worker pool to `--jobs`.
    pub fn start_threads(&self) -> Result<(), Error> {
        if let Some(n) = self.jobs {
            // Only the first call in a process sizes the pool; a later one keeps it.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(usize::from(n))
                .build_global();
        }
        Ok(())
    }

    /// `--jobs`, as the library options take it.
    pub fn jobs(&self) -> Option<usize> {
        self.jobs.map(usize::from)
    }
}

/// Standard error, keeping only errors (and the lines that continue them) when `quiet`.
pub struct QuietErr<'a> {
    inner: &'a mut dyn Write,
    quiet: bool,
    line: Vec<u8>,
    keeping: bool,
}

impl<'a> QuietErr<'a> {
    /// `inner`, filtered when `quiet`.
    pub fn new(inner: &'a mut dyn Write, quiet: bool) -> Self {
        QuietErr {
            inner,
            quiet,
            line: Vec::new(),
            keeping: true,
        }
    }

    /// Whether a whole line is kept: everything but warnings, notes and information
    /// (`warning: …`, `before: warning: …`) and the indented lines that continue them.
    fn keep(&mut self, line: &[u8]) -> bool {
        let text = String::from_utf8_lossy(line);
        let body = text
            .strip_prefix("before: ")
            .or_else(|| text.strip_prefix("after: "))
            .unwrap_or(&text);
        if ["warning", "info", "note"]
            .iter()
            .any(|w| body.starts_with(w))
        {
            self.keeping = false;
        } else if !body.starts_with(' ') {
            self.keeping = true;
        }
        self.keeping
    }
}

impl Write for QuietErr<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.quiet {
            return self.inner.write(buf);
        }
        for &b in buf {
            self.line.push(b);
            if b == b'\n' {
                let line = std::mem::take(&mut self.line);
                if self.keep(&line) {
                    self.inner.write_all(&line)?;
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.quiet && !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            if self.keep(&line) {
                self.inner.write_all(&line)?;
            }
        }
        self.inner.flush()
    }
}

impl Drop for QuietErr<'_> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_keeps_errors_and_their_causes() {
        let mut sink = Vec::new();
        {
            let mut q = QuietErr::new(&mut sink, true);
            write!(
                q,
                "warning: a: b [XL0001]\n  more\nerror: c\n  caused by: d\nfile: /x: e\nbefore: warning: e\nafter: error: f\nerr"
            )
            .unwrap();
        }
        assert_eq!(
            String::from_utf8(sink).unwrap(),
            "error: c\n  caused by: d\nfile: /x: e\nafter: error: f\nerr"
        );
        let mut sink = Vec::new();
        QuietErr::new(&mut sink, false)
            .write_all(b"warning: x\n")
            .unwrap();
        assert_eq!(sink, b"warning: x\n");
    }
}

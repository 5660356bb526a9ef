//! The `xacct` binary: parse the command line, run, exit with the documented code.

use std::process::ExitCode;

use clap::Parser;

/// Parsing many small policies is allocation-heavy; mimalloc halves the time spent there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match xacct::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                xacct::cli::ExitStatus::Error.into()
            } else {
                xacct::cli::ExitStatus::Success.into()
            };
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let status = xacct::cli::run(cli, &mut out, &mut err);
    match std::io::Write::flush(&mut out) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            xacct::cli::ExitStatus::Error.into()
        }
        _ => status.into(),
    }
}

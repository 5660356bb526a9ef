//! The `xacct` binary: parse the command line, run, exit with the documented code.

use std::process::ExitCode;

use clap::Parser;

/// Parsing many small policies is allocation-heavy; mimalloc halves the time spent there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the `mi_option_e` enum of the mimalloc sources bundled with
/// libmimalloc-sys 0.1.49 (pinned in Cargo.toml; `c_src/mimalloc/v3/include/mimalloc.h`).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory instead of returning it to the system after a delay. A run frees and
/// allocates again the same amounts over and over (each account's files, each case's
/// policies); returned memory comes back as fresh pages the kernel must zero, which was a
/// quarter to a half of `who-can`'s system time. The peak stays what the run needed.
#[allow(unsafe_code, reason = "one allocator option, set before any work")]
fn keep_freed_memory() {
    // SAFETY: `mi_option_set` only stores an integer in mimalloc's option table (atomic
    // store); the option index is checked against the pinned version's header above, and
    // -1 is the documented value for "no purging".
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

/// Turns transparent huge pages off for the process (Linux). mimalloc asks for them on its
/// arenas, and the kernel then makes each 2 MiB page at its first touch, compacting memory
/// to find one when it must. A whole inventory is hundreds of megabytes kept to the end of
/// the run: `who-can` over 1,000 accounts spent 0.4 to 3 s of system time there against
/// 0.5 s with 4 KiB pages, and its median run took 1.5 s against 1.0 s. The audit, which
/// frees and reuses its memory account by account, took the same time either way.
///
/// It runs as a constructor, before the standard library's start-up and so before the first
/// allocation: from `main` it came after mimalloc had touched its first arenas, for which the
/// kernel had zeroed two 2 MiB pages (an eighth of a one-case `simulate`).
#[cfg(target_os = "linux")]
#[allow(
    unsafe_code,
    reason = "a constructor: a function pointer in `.init_array`"
)]
#[used]
#[link_section = ".init_array"]
static NO_HUGE_PAGES: extern "C" fn() = {
    extern "C" fn no_huge_pages() {
        // Best effort: a kernel without the flag keeps its setting, and nothing else changes.
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
    no_huge_pages
};

fn main() -> ExitCode {
    keep_freed_memory();
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

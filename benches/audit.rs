//! The whole audit on synthetic organizations (`examples/gen_org.rs`), next to serde_json's
//! bare parse of the same bytes, in the same run.
//!
//! ```text
//! XACCT_BENCH_SIZES=100,1000,10000 cargo bench --bench audit
//! ```
//!
//! Each organization is generated once into `target/bench-org-<N>` (seed 7, the same folders
//! the inventory bench uses; never committed). For each size, in this order:
//!
//! 1. **serde_json**: every file read and parsed into `serde_json::Value` on all cores (the
//!    floor: the same reads and one parse, nothing else), and the same parse on one core with
//!    the reads not timed;
//! 2. **audit**: `xacct::audit::run` with every finding serialized as JSON Lines into a sink
//!    (what `xacct audit --format jsonl > /dev/null` does), with the peak resident memory
//!    of the process during it (`VmHWM`, reset through `/proc/self/clear_refs`).
//!
//! One measurement per size: at ten thousand accounts a run takes about a minute, and the
//! figures are for a table of growth, not for detecting small regressions. The peak memory of
//! the command itself is measured with `/usr/bin/time -v` (see `docs/audit.md`).

mod support;

use support::{data_dir, status_kb};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use xacct::audit::{run, AuditOptions, NoProgress};

/// The binary's allocator, so that the figures are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

struct Row {
    accounts: usize,
    files: usize,
    mb: f64,
    serde_all: Duration,
    serde_one: Duration,
    audit: Duration,
    peak_mb: f64,
    findings: usize,
}

fn measure(n: usize) -> Result<Row, Box<dyn std::error::Error>> {
    let dir = data_dir(n)?;
    let mut list = Vec::new();
    files(&dir, &mut list);
    // serde_json: reads and parse on all cores.
    let t = Instant::now();
    let bytes: u64 = list
        .par_iter()
        .map(|p| {
            let b = std::fs::read(p).unwrap_or_default();
            let v: Result<serde_json::Value, _> = serde_json::from_slice(&b);
            std::hint::black_box(v.is_ok());
            b.len() as u64
        })
        .sum();
    let serde_all = t.elapsed();
    // serde_json: the parse alone, one core.
    let mut serde_one = Duration::ZERO;
    for p in &list {
        let b = std::fs::read(p).unwrap_or_default();
        let t = Instant::now();
        let v: Result<serde_json::Value, _> = serde_json::from_slice(&b);
        std::hint::black_box(v.is_ok());
        serde_one += t.elapsed();
    }
    // The audit, findings serialized as JSON Lines.
    let _ = std::fs::write("/proc/self/clear_refs", b"5");
    let opts = AuditOptions {
        paths: vec![dir.to_string_lossy().into_owned()],
        ..AuditOptions::default()
    };
    let mut sink = std::io::sink();
    let mut findings = 0usize;
    let t = Instant::now();
    let totals = run(&opts, &NoProgress, &mut |f| {
        findings += 1;
        let line = serde_json::to_string(&f).map_err(std::io::Error::from)?;
        writeln!(sink, "{line}")
    })?;
    let audit = t.elapsed();
    let peak_mb = status_kb("VmHWM:").unwrap_or(0) as f64 / 1024.0;
    if totals.bytes != bytes {
        eprintln!(
            "note: the audit read {} bytes, serde_json {bytes}",
            totals.bytes
        );
    }
    Ok(Row {
        accounts: totals.accounts,
        files: list.len(),
        mb: bytes as f64 / 1e6,
        serde_all,
        serde_one,
        audit,
        peak_mb,
        findings,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: then only the
    // smallest size runs, as a smoke test.
    let benching = std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = std::env::var("XACCT_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| if benching { vec![100, 1000] } else { vec![10] });
    println!(
        "{} cores; audit = xacct::audit::run, findings as JSON Lines into a sink",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:>8} {:>8} {:>9} | {:>22} {:>18} | {:>16} {:>8} | {:>9} {:>9}",
        "accounts",
        "files",
        "MB",
        "serde_json all cores",
        "serde_json 1 core",
        "audit",
        "vs serde",
        "peak MB",
        "findings"
    );
    for n in sizes {
        let r = measure(n)?;
        let rate = |d: Duration| r.mb / d.as_secs_f64().max(1e-9);
        println!(
            "{:>8} {:>8} {:>9.1} | {:>8.2} s {:>7.0} MB/s {:>6.2} s {:>5.0} MB/s | {:>6.2} s {:>4.0} MB/s {:>7.0}% | {:>9.0} {:>9}",
            r.accounts,
            r.files,
            r.mb,
            r.serde_all.as_secs_f64(),
            rate(r.serde_all),
            r.serde_one.as_secs_f64(),
            rate(r.serde_one),
            r.audit.as_secs_f64(),
            rate(r.audit),
            100.0 * rate(r.audit) / rate(r.serde_all),
            r.peak_mb,
            r.findings
        );
    }
    Ok(())
}

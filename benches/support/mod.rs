//! What every benchmark shares, so that all of them are written one way: the criterion
//! configuration ([`criterion`]), the synthetic organization they run on (generated once
//! into `target/bench-org-<N>`, never committed; [`data_dir`], [`accounts`]), its files
//! ([`json_files`], [`read_all`]), serde_json's floor on the same bytes ([`floor_parse`],
//! [`floor_read_parse`]) and the process's peak memory around a setup step ([`peak_mb`]).
//!
//! The style: one `criterion_group!` per bench file, configured by [`criterion`]; a group
//! per subject named `<subject>` or `<subject>_<N>_accounts`; in each group serde_json's
//! floor first as `serde_json_floor/<how>`, then xacct's as `xacct/<how>`, with the same
//! `Throughput`, so criterion's report puts the two side by side.

#![allow(dead_code)]

#[path = "../../examples/gen_org.rs"]
mod gen_org;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::Criterion;
use rayon::prelude::*;

/// The criterion configuration of every bench: few samples (whole runs take seconds), a
/// short warm-up, then the command line's options (`--sample-size`, a filter, ...).
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .configure_from_args()
}

/// The organization sizes to run on: `XACCT_BENCH_ACCOUNTS` (comma-separated), else
/// `default`.
pub fn accounts(default: &[usize]) -> Vec<usize> {
    std::env::var("XACCT_BENCH_ACCOUNTS")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

/// The organizations to run on ([`accounts`]), each with its folder ([`data_dir`]); one
/// that cannot be generated is reported and left out.
pub fn organizations(default: &[usize]) -> Vec<(usize, PathBuf)> {
    accounts(default)
        .into_iter()
        .filter_map(|n| match data_dir(n) {
            Ok(dir) => Some((n, dir)),
            Err(e) => {
                eprintln!("cannot generate {n} accounts: {e}");
                None
            }
        })
        .collect()
}

/// A field of `/proc/self/status` in KB (`VmRSS:`, `VmHWM:`).
pub fn status_kb(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    text.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Runs `f` once and returns what it gave, its time and the process's peak resident memory
/// during it in MB (`VmHWM`, reset through `/proc/self/clear_refs`).
pub fn peak_mb<T>(f: impl FnOnce() -> T) -> (T, Duration, f64) {
    let _ = std::fs::write("/proc/self/clear_refs", b"5");
    let t = Instant::now();
    let v = f();
    let d = t.elapsed();
    (v, d, status_kb("VmHWM:").unwrap_or(0) as f64 / 1024.0)
}

/// The folder of a synthetic organization of `n` accounts (seed 7), generated on first use.
pub fn data_dir(n: usize) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("bench-org-{n}"));
    let marker = dir.join(".complete");
    if !marker.exists() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        let t = Instant::now();
        let bytes = gen_org::generate(&dir, n, 7)?;
        std::fs::write(&marker, b"")?;
        eprintln!(
            "generated {n} accounts ({:.1} MB) in {:.1?}",
            bytes as f64 / 1e6,
            t.elapsed()
        );
    }
    Ok(dir)
}

/// Every `*.json` file under `dir` (hidden entries skipped), sorted.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// The files, read: `(path, bytes)`, as `xacct::load::inventory_in_memory` takes them.
pub fn read_all(files: &[PathBuf]) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    files
        .iter()
        .map(|f| Ok((f.to_string_lossy().into_owned(), std::fs::read(f)?)))
        .collect()
}

/// serde_json's floor on bytes in memory: every file parsed into `serde_json::Value`, on
/// all cores (`parallel`) or one. Returns how many parsed.
pub fn floor_parse(sources: &[(String, Vec<u8>)], parallel: bool) -> usize {
    let one = |(_, b): &(String, Vec<u8>)| {
        usize::from(serde_json::from_slice::<serde_json::Value>(b).is_ok())
    };
    if parallel {
        sources.par_iter().map(one).sum()
    } else {
        sources.iter().map(one).sum()
    }
}

/// serde_json's floor from disk: every file read and parsed into `serde_json::Value` on all
/// cores. Returns the bytes read.
pub fn floor_read_parse(files: &[PathBuf]) -> u64 {
    files
        .par_iter()
        .map(|p| {
            let b = std::fs::read(p).unwrap_or_default();
            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&b).is_ok());
            b.len() as u64
        })
        .sum()
}

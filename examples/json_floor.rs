//! The floor xacct's whole runs are measured against: how long serde_json alone takes to
//! read and parse the same bytes into `serde_json::Value`, on the same cores. Used by
//! `scripts/bench-whole.sh` and `scripts/bench-simulate.sh`.
//!
//! - `json_floor DIR [REPEAT]`: every `*.json` file under `DIR` (hidden entries skipped)
//!   read and parsed on all cores with rayon, as `xacct audit` and `xacct inventory` read
//!   them (the walk included);
//! - `json_floor FILE.jsonl [REPEAT]`: every non-blank line of the file parsed on all cores
//!   with rayon, as `xacct simulate --cases` decides them.
//!
//! Prints the best of `REPEAT` runs (default 1) and, last, `floor_seconds=S` for scripts.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// Every file under `dir` read and parsed on all cores: (files, bytes).
fn tree(dir: &Path) -> (usize, u64) {
    let mut files = Vec::new();
    walk(dir, &mut files);
    let bytes = files
        .par_iter()
        .map(|p| {
            let b = std::fs::read(p).unwrap_or_default();
            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&b).is_ok());
            b.len() as u64
        })
        .sum();
    (files.len(), bytes)
}

/// Every non-blank line of `file` parsed on all cores: (lines, bytes).
fn lines(file: &Path) -> Result<(usize, u64), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(file)?;
    let lines: Vec<&[u8]> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .collect();
    lines
        .par_iter()
        .try_for_each(|line| -> Result<(), String> {
            let v: serde_json::Value = serde_json::from_slice(line).map_err(|e| e.to_string())?;
            std::hint::black_box(v);
            Ok(())
        })?;
    Ok((lines.len(), bytes.len() as u64))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(
        args.next()
            .ok_or("usage: json_floor DIR|FILE.jsonl [REPEAT]")?,
    );
    let repeat: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(1);
    let mut best = f64::INFINITY;
    let (mut items, mut bytes) = (0, 0);
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        (items, bytes) = if path.is_dir() {
            tree(&path)
        } else {
            lines(&path)?
        };
        best = best.min(start.elapsed().as_secs_f64());
    }
    let what = if path.is_dir() {
        "files read + parsed on all cores"
    } else {
        "lines parsed on all cores"
    };
    println!(
        "serde_json::Value: {items} {what}, {:.1} MB in {:.2} ms (best of {repeat}): {:.0} items/s, {:.0} MB/s",
        bytes as f64 / 1e6,
        best * 1e3,
        items as f64 / best,
        bytes as f64 / 1e6 / best
    );
    println!("floor_seconds={best:.6}");
    Ok(())
}

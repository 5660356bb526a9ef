//! What the benchmarks share: the synthetic organization they run on (generated once into
//! `target/bench-org-<N>`, never committed) and the process's memory figures.

#[path = "../../examples/gen_org.rs"]
mod gen_org;

use std::path::{Path, PathBuf};
use std::time::Instant;

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

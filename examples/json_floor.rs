//! The floor for `xacct simulate --cases`: how long serde_json alone takes to parse every
//! line of a case file into `serde_json::Value`. Used by `scripts/bench-simulate.sh`.
//!
//! Usage: `cargo run --release --example json_floor -- FILE.jsonl [REPEAT]`

use std::io::BufRead;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: json_floor FILE.jsonl [REPEAT]")?;
    let repeat: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(20);
    let bytes = std::fs::read(&path)?;
    let mut best = f64::INFINITY;
    let mut lines = 0;
    for _ in 0..repeat {
        let start = Instant::now();
        lines = 0;
        for line in bytes.lines() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(&line)?;
            std::hint::black_box(v);
            lines += 1;
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "serde_json::Value parse: {lines} lines, {:.1} MB in {:.2} ms (best of {repeat}): {:.0} lines/s, {:.0} MB/s",
        bytes.len() as f64 / 1e6,
        best * 1e3,
        lines as f64 / best,
        bytes.len() as f64 / 1e6 / best
    );
    Ok(())
}

//! Loading and graph building on a synthetic organization (`examples/gen_org.rs`).
//!
//! ```text
//! XACCT_BENCH_ACCOUNTS=1000 cargo bench --bench inventory
//! ```
//!
//! The organization is generated once into `target/bench-org-<N>` (never committed). One
//! cold load from disk is timed first, with the process's peak resident memory around it
//! (`VmHWM`, reset through `/proc/self/clear_refs`). Then criterion measures, over the same
//! bytes held in memory and in the same run: serde_json's bare parse into
//! `serde_json::Value` (the floor), the inventory load on one core and on all cores, and
//! the graph build.

mod support;

use support::{data_dir, status_kb};

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use xacct::graph::Graph;
use xacct::load::{discover, LoadOptions};

/// The binary's allocator, so that the figures are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::var("XACCT_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let dir = data_dir(n)?;
    let input = vec![dir.to_string_lossy().into_owned()];
    let opts = LoadOptions::default();

    // One cold load from disk, with peak memory.
    let rss_before = status_kb("VmRSS:").unwrap_or(0);
    let _ = std::fs::write("/proc/self/clear_refs", b"5");
    let t = Instant::now();
    let inv = xacct::load::inventory(&input, &opts);
    let load_time = t.elapsed();
    let peak = status_kb("VmHWM:").unwrap_or(0);
    let t = Instant::now();
    let graph = Graph::build(&inv);
    let graph_time = t.elapsed();
    let peak_graph = status_kb("VmHWM:").unwrap_or(0);
    let (nodes, edges) = graph.size();
    let mb = inv.bytes as f64 / 1e6;
    eprintln!(
        "load from disk: {} files, {mb:.1} MB, {n} accounts, {} problems: {:.2?} ({:.0} MB/s, all cores)",
        inv.files,
        inv.problems.len(),
        load_time,
        mb / load_time.as_secs_f64()
    );
    eprintln!("graph build: {nodes} nodes, {edges} edges: {graph_time:.2?}");
    eprintln!(
        "peak RSS: {:.0} MB before loading, {:.0} MB after loading, {:.0} MB after the graph",
        rss_before as f64 / 1024.0,
        peak as f64 / 1024.0,
        peak_graph as f64 / 1024.0
    );
    drop(graph);

    // The same bytes, in memory.
    let (files, _) = discover(&input);
    let mut sources = Vec::with_capacity(files.len());
    for f in &files {
        sources.push((f.to_string_lossy().into_owned(), std::fs::read(f)?));
    }
    let total: u64 = sources.iter().map(|(_, b)| b.len() as u64).sum();

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20))
        .configure_from_args();
    let mut g = c.benchmark_group(format!("inventory_{n}_accounts"));
    g.throughput(Throughput::Bytes(total));
    g.bench_function(BenchmarkId::new("serde_json_value", "1 core"), |b| {
        b.iter(|| {
            let mut count = 0usize;
            for (_, bytes) in &sources {
                if serde_json::from_slice::<serde_json::Value>(bytes).is_ok() {
                    count += 1;
                }
            }
            count
        })
    });
    g.bench_function(BenchmarkId::new("load", "1 core"), |b| {
        b.iter(|| {
            xacct::load::inventory_in_memory(&sources, &opts, false)
                .accounts
                .len()
        })
    });
    g.bench_function(BenchmarkId::new("load", "all cores"), |b| {
        b.iter(|| {
            xacct::load::inventory_in_memory(&sources, &opts, true)
                .accounts
                .len()
        })
    });
    g.finish();
    let mut g = c.benchmark_group(format!("graph_{n}_accounts"));
    g.bench_function("build", |b| b.iter(|| Graph::build(&inv).size()));
    g.finish();
    c.final_summary();
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

//! Loading an inventory and building the graph on a synthetic organization
//! (`examples/gen_org.rs`, seed 7), next to serde_json's parse of the same bytes in memory,
//! in the same run.
//!
//! ```text
//! XACCT_BENCH_ACCOUNTS=1000 cargo bench --bench inventory
//! ```
//!
//! Per size: one cold load from disk with the peak resident memory around it (printed), then
//! the group `inventory_<N>_accounts` over the same bytes held in memory:
//! `serde_json_floor/parse_{one_core,all_cores}` (every file into `serde_json::Value`) and
//! `xacct/load_{one_core,all_cores}` (`xacct::load::inventory_in_memory`); and the group
//! `graph_<N>_accounts` with `xacct/build`.

#![allow(missing_docs)]

mod support;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use xacct::graph::Graph;
use xacct::load::LoadOptions;

/// The binary's allocator, so that the figures are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn inventories(c: &mut Criterion) {
    for (n, dir) in support::organizations(&[100]) {
        let input = vec![dir.to_string_lossy().into_owned()];
        let opts = LoadOptions::default();
        let (inv, load_time, peak) = support::peak_mb(|| xacct::load::inventory(&input, &opts));
        let (graph, graph_time, peak_graph) = support::peak_mb(|| Graph::build(&inv));
        let (nodes, edges) = graph.size();
        drop(graph);
        let mb = inv.bytes as f64 / 1e6;
        eprintln!(
            "load from disk: {} files, {mb:.1} MB, {n} accounts, {} problems: {load_time:.2?} ({:.0} MB/s, all cores), peak RSS {peak:.0} MB",
            inv.files,
            inv.problems.len(),
            mb / load_time.as_secs_f64()
        );
        eprintln!(
            "graph build: {nodes} nodes, {edges} edges: {graph_time:.2?}, peak RSS {peak_graph:.0} MB"
        );

        let sources = match support::read_all(&support::json_files(&dir)) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot read {}: {e}", dir.display());
                continue;
            }
        };
        let total: u64 = sources.iter().map(|(_, b)| b.len() as u64).sum();
        let mut g = c.benchmark_group(format!("inventory_{n}_accounts"));
        g.throughput(Throughput::Bytes(total));
        for (how, parallel) in [("one_core", false), ("all_cores", true)] {
            g.bench_function(
                BenchmarkId::new("serde_json_floor", format!("parse_{how}")),
                |b| b.iter(|| support::floor_parse(&sources, parallel)),
            );
            g.bench_function(BenchmarkId::new("xacct", format!("load_{how}")), |b| {
                b.iter(|| {
                    xacct::load::inventory_in_memory(&sources, &opts, parallel)
                        .accounts
                        .len()
                })
            });
        }
        g.finish();
        let mut g = c.benchmark_group(format!("graph_{n}_accounts"));
        g.bench_function(BenchmarkId::new("xacct", "build"), |b| {
            b.iter(|| Graph::build(&inv).size())
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = inventories
}
criterion_main!(benches);

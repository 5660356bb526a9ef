//! Decision benchmarks: policies compiled once and evaluated many times, the end-to-end
//! `simulate --cases` path next to serde_json's bare parse of the same bytes (the floor),
//! the wildcard matcher on an adversarial pattern, and reading AWS's action data (what every
//! command that validates a policy pays once).
//!
//! Run: `cargo bench --bench evaluate`. Written in the style of `benches/support`: groups
//! `decide`, `decide_one`, `simulate_cases` (`serde_json_floor/parse_value_one_core` beside
//! `xacct/simulate_case_lines_one_core`), `glob` and `catalog` (`serde_json_floor/parse_value`
//! of the data beside `xacct/read_and_look_up_one_action` and `xacct/read_and_parse_all`).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use xacct::catalog::Catalog;
use xacct::cli::simulate_case_lines;
use xacct::eval::authorize;
use xacct::load::cases::{parse_case, Case};
use xacct::pattern::{Case as Fold, Glob};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const GENERATED: &str = include_str!("../tests/conformance/generated.jsonl");
const AWS_DATA: &str = include_str!("../data/aws/actions.json");
const AWS_OVERLAY: &str = include_str!("../data/aws/overlay.json");

fn cases() -> Vec<Case> {
    let file: Arc<str> = Arc::from("generated.jsonl");
    GENERATED
        .lines()
        .enumerate()
        .map(|(i, l)| parse_case(l, &file, i + 1).unwrap())
        .collect()
}

fn decide(c: &mut Criterion) {
    let cases = cases();
    let mut g = c.benchmark_group("decide");
    g.throughput(Throughput::Elements(cases.len() as u64));
    // Policy sets are built once too: only the decision is measured.
    let sets: Vec<_> = cases.iter().map(|c| c.policies.set()).collect();
    g.bench_function(
        BenchmarkId::new("xacct", "compiled_2000_generated_cases"),
        |b| {
            b.iter(|| {
                for (case, set) in cases.iter().zip(&sets) {
                    black_box(authorize(&case.request, set).decision);
                }
            })
        },
    );
    g.finish();

    // One realistic cross-account request with several policy types.
    let case = cases
        .iter()
        .find(|c| c.id == "gen-001222")
        .expect("case present");
    let set = case.policies.set();
    let mut g = c.benchmark_group("decide_one");
    g.throughput(Throughput::Elements(1));
    g.bench_function(
        BenchmarkId::new("xacct", "kms_scp_boundary_notprincipal"),
        |b| b.iter(|| black_box(authorize(&case.request, &set).decision)),
    );
    // The registration's typical question: cross-account, identity + resource policy + SCP.
    let typical = cases
        .iter()
        .find(|c| c.id == "gen-000005")
        .expect("case present");
    let typical_set = typical.policies.set();
    g.bench_function(BenchmarkId::new("xacct", "typical_cross_account"), |b| {
        b.iter(|| black_box(authorize(&typical.request, &typical_set).decision))
    });
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let lines = GENERATED.lines().filter(|l| !l.trim().is_empty()).count() as u64;
    let mut g = c.benchmark_group("simulate_cases");
    g.throughput(Throughput::Elements(lines));
    g.bench_function(
        BenchmarkId::new("serde_json_floor", "parse_value_one_core"),
        |b| {
            b.iter(|| {
                for l in GENERATED.lines() {
                    black_box(serde_json::from_str::<serde_json::Value>(l).unwrap());
                }
            })
        },
    );
    g.bench_function(
        BenchmarkId::new("xacct", "simulate_case_lines_one_core"),
        |b| {
            b.iter_batched(
                || Vec::with_capacity(1 << 17),
                |mut out| {
                    let mut err = std::io::sink();
                    simulate_case_lines(
                        GENERATED.as_bytes(),
                        "generated.jsonl",
                        &mut out,
                        &mut err,
                    )
                    .unwrap();
                    out
                },
                BatchSize::SmallInput,
            )
        },
    );
    g.finish();
}

fn glob(c: &mut Criterion) {
    let pattern = format!("{}b", "*a".repeat(500));
    let input = "a".repeat(100_000);
    let g = Glob::new(&pattern, Fold::Sensitive);
    let mut group = c.benchmark_group("glob");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function(
        BenchmarkId::new("xacct", "adversarial_star_a_500_vs_100k"),
        |b| b.iter(|| black_box(g.is_match(&input))),
    );
    group.finish();
}

fn catalog(c: &mut Criterion) {
    let read = || {
        Catalog::from_json(AWS_DATA)
            .unwrap()
            .with_overlay(AWS_OVERLAY)
            .unwrap()
    };
    let mut g = c.benchmark_group("catalog");
    g.throughput(Throughput::Bytes(AWS_DATA.len() as u64));
    g.bench_function(BenchmarkId::new("serde_json_floor", "parse_value"), |b| {
        b.iter(|| black_box(serde_json::from_str::<serde_json::Value>(AWS_DATA).unwrap()))
    });
    // The catalogue is kept for the whole run, never dropped: neither is it here.
    g.bench_function(
        BenchmarkId::new("xacct", "read_and_look_up_one_action"),
        |b| {
            b.iter_with_large_drop(|| {
                let c = read();
                black_box(c.action("s3:GetObject").is_some());
                c
            })
        },
    );
    g.bench_function(BenchmarkId::new("xacct", "read_and_parse_all"), |b| {
        b.iter_with_large_drop(|| {
            let c = read();
            c.parse_all().unwrap();
            c
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = decide, end_to_end, glob, catalog
}
criterion_main!(benches);

//! The whole audit on synthetic organizations (`examples/gen_org.rs`, seed 7), next to
//! serde_json's read and parse of the same files on the same cores, in the same run.
//!
//! ```text
//! XACCT_BENCH_ACCOUNTS=100,1000 cargo bench --bench audit
//! ```
//!
//! Per size, one group `audit_<N>_accounts`: `serde_json_floor/read_parse_all_cores` (every
//! file read and parsed into `serde_json::Value` on all cores: the floor) and
//! `xacct/audit_all_cores` (`xacct::audit::run`, every finding serialized as JSON Lines into
//! a sink, as `xacct audit --format jsonl > /dev/null` does). One run before the group prints
//! the peak resident memory of the audit. Whole runs of the binary: `scripts/bench-whole.sh`.
//!
//! Per size, one group `positions_<N>_accounts`: the line and column of a finding's place in
//! every account's `iam.json` (every tenth role's trust statement, as the audit's trust
//! findings ask), `serde_json_floor/parse_one_core` (the same texts parsed into
//! `serde_json::Value`) beside `xacct/locate_many_one_core` (`source::many::locate_many`).

#![allow(missing_docs)]

mod support;

use std::io::Write;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use xacct::audit::{run, AuditOptions, NoProgress};
use xacct::json::Pointer;
use xacct::source::many::locate_many;

/// The binary's allocator, so that the figures are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One audit, findings as JSON Lines into a sink; the number of findings.
fn audit(dir: &str) -> usize {
    let opts = AuditOptions {
        paths: vec![dir.to_owned()],
        ..AuditOptions::default()
    };
    let mut sink = std::io::sink();
    let mut findings = 0usize;
    let done = run(&opts, &NoProgress, &mut |f| {
        findings += 1;
        let line = serde_json::to_string(&f).map_err(std::io::Error::from)?;
        writeln!(sink, "{line}")
    });
    if let Err(e) = done {
        eprintln!("audit: {e}");
    }
    findings
}

fn audits(c: &mut Criterion) {
    for (n, dir) in support::organizations(&[100]) {
        let files: Vec<PathBuf> = support::json_files(&dir);
        let bytes = support::floor_read_parse(&files);
        let path = dir.to_string_lossy().into_owned();
        let (findings, time, peak) = support::peak_mb(|| audit(&path));
        eprintln!(
            "audit of {n} accounts ({} files, {:.1} MB): {findings} findings, {time:.2?}, peak RSS {peak:.0} MB",
            files.len(),
            bytes as f64 / 1e6
        );
        let mut g = c.benchmark_group(format!("audit_{n}_accounts"));
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function(
            BenchmarkId::new("serde_json_floor", "read_parse_all_cores"),
            |b| b.iter(|| support::floor_read_parse(&files)),
        );
        g.bench_function(BenchmarkId::new("xacct", "audit_all_cores"), |b| {
            b.iter(|| audit(&path))
        });
        g.finish();
    }
}

fn positions(c: &mut Criterion) {
    for (n, dir) in support::organizations(&[100]) {
        let files: Vec<PathBuf> = support::json_files(&dir)
            .into_iter()
            .filter(|f| f.file_name().is_some_and(|n| n == "iam.json"))
            .collect();
        let sources = match support::read_all(&files) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot read {}: {e}", dir.display());
                continue;
            }
        };
        let texts: Vec<(String, Vec<Pointer>)> = sources
            .into_iter()
            .filter_map(|(_, b)| String::from_utf8(b).ok())
            .map(|text| {
                let roles = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v.get("RoleDetailList")?.as_array().map(Vec::len))
                    .unwrap_or(0);
                let pointers = (0..roles)
                    .step_by(10)
                    .map(|i| {
                        Pointer::root()
                            .key("RoleDetailList")
                            .index(i)
                            .key("AssumeRolePolicyDocument")
                            .key("Statement")
                            .index(0)
                    })
                    .collect();
                (text, pointers)
            })
            .collect();
        let bytes: u64 = texts.iter().map(|(t, _)| t.len() as u64).sum();
        let mut g = c.benchmark_group(format!("positions_{n}_accounts"));
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function(
            BenchmarkId::new("serde_json_floor", "parse_one_core"),
            |b| {
                b.iter(|| {
                    texts
                        .iter()
                        .filter(|(t, _)| serde_json::from_str::<serde_json::Value>(t).is_ok())
                        .count()
                })
            },
        );
        g.bench_function(BenchmarkId::new("xacct", "locate_many_one_core"), |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|(t, p)| locate_many(t, p).iter().flatten().count())
                    .sum::<usize>()
            })
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = audits, positions
}
criterion_main!(benches);

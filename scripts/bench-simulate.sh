#!/usr/bin/env bash
# Times whole runs of `xacct simulate --cases` on the 2,000 generated conformance cases,
# next to serde_json's bare parse of the same file (the floor), in the same run.
# Usage: scripts/bench-simulate.sh [RUNS]   (default 20; reports the best and the median)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
cases=tests/conformance/generated.jsonl
cargo build --release --quiet --bin xacct --example json_floor
n=$(grep -c . "$cases")
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  ./target/release/xacct simulate --cases "$cases" >/dev/null || true
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
best=${sorted[0]}
median=${sorted[$(( runs / 2 ))]}
echo "xacct simulate --cases: $n cases, best ${best} us, median ${median} us over $runs runs (process start included)"
awk -v n="$n" -v us="$best" 'BEGIN { printf "  => %.0f cases/s (best run)\n", n / (us / 1e6) }'
./target/release/examples/json_floor "$cases" "$runs"

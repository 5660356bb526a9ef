#!/usr/bin/env bash
# Benchmark `xacct lint` on a synthetic inventory (default 10,000 files; nothing is committed).
#
#   scripts/bench-lint.sh [FILES] [OUT_DIR]
#
# Generates the files with scripts/gen-lint-bench.py (seeded, deterministic), builds the
# release binary, then times three runs with every core and one with --threads 1
# (wall-clock seconds, user CPU seconds, peak resident memory).
set -euo pipefail
files="${1:-10000}"
out="${2:-${TMPDIR:-/tmp}/xacct-lint-bench}"
here="$(cd "$(dirname "$0")/.." && pwd)"
rm -rf "$out"
python3 "$here/scripts/gen-lint-bench.py" "$out" --files "$files"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin="$here/target/release/xacct"
for i in 1 2 3; do
  /usr/bin/time -f "run $i: %e s wall, %U s user, %M KB peak" "$bin" lint "$out" --format json >/dev/null || true
done
/usr/bin/time -f "--threads 1: %e s wall, %U s user, %M KB peak" "$bin" lint "$out" --format json --threads 1 >/dev/null || true
echo "($(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"

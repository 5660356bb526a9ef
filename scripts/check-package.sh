#!/usr/bin/env bash
# Checks that xacct ships: the crate packages (`cargo package` builds the packaged sources,
# so a file that `include_str!` needs and `include` leaves out fails here), stays small and
# holds no development data, and `cargo install` gives a binary that runs.
#
#   scripts/check-package.sh [--allow-dirty]
#
# `--allow-dirty` is passed to `cargo package`; it is only needed to try uncommitted changes
# (cargo refuses to package a working tree whose packaged files differ from the commit).
# Builds go to the usual target directory (or $CARGO_TARGET_DIR), so the install reuses an
# existing `cargo build --release`.
set -euo pipefail

cd "$(dirname "$0")/.."

max_crate_bytes=$((2 * 1024 * 1024))
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
target_dir=${CARGO_TARGET_DIR:-target}
crate="$target_dir/package/xacct-$version.crate"

fail() {
    echo "check-package: $*" >&2
    exit 1
}

echo "== cargo package --locked $*"
cargo package --locked "$@"

[ -f "$crate" ] || fail "no crate at \`$crate\`"
list=$(tar -tzf "$crate" | sed "s|^xacct-$version/||")
files=$(printf '%s\n' "$list" | grep -c -v '/$')
bytes=$(wc -c <"$crate")
echo "packaged: $files files, $bytes bytes ($crate)"

# What the build compiles in must be there; what only development uses must not.
for need in Cargo.toml Cargo.lock README.md src/main.rs src/lib.rs \
    data/aws/actions.json data/aws/NOTICE data/scenarios/model-registration.json \
    docs/rules/XA0100.md; do
    printf '%s\n' "$list" | grep -qx "$need" || fail "the crate lacks \`$need\`"
done
if printf '%s\n' "$list" | grep -E '^(tests|fixtures|benches|examples|scripts|target)/'; then
    fail "the crate holds development files (above)"
fi
[ "$bytes" -le "$max_crate_bytes" ] || fail "the crate is $bytes bytes, over $max_crate_bytes"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
echo "== cargo install --locked --path . --root $root"
cargo install --locked --path . --root "$root"

out=$("$root/bin/xacct" --version)
echo "installed: $out"
[ "$out" = "xacct $version" ] || fail "\`xacct --version\` printed \`$out\`, not \`xacct $version\`"

# The installed binary carries its AWS data: linting the bundled example finds its errors.
status=0
"$root/bin/xacct" lint --format json fixtures/seed-example/ >"$root/lint.json" || status=$?
[ "$status" -eq 1 ] || fail "\`xacct lint fixtures/seed-example/\` exited $status, not 1"
grep -q '"XA0105"' "$root/lint.json" || fail "the installed binary did not report XA0105 on the example"

echo "check-package: ok"

#!/usr/bin/env bash
# The GitHub Action's shell logic (`action.yml`), runnable on its own:
#
#   action/run.sh install   put xacct in a folder: the release binary for this OS and CPU,
#                           checked against the release's SHA256SUMS, or a build from source
#   action/run.sh run       run `xacct COMMAND ARGS`, writing SARIF when asked
#   action/run.sh all       both (what a local try wants)
#   action/run.sh target    print the release target for this machine (x86_64-unknown-linux-musl)
#
# Settings come from the environment (the action sets them from its inputs):
#   XACCT_COMMAND       check | lint | audit | diff                       (required for run)
#   XACCT_ARGS          the command's arguments, split like a shell does (quotes, backslashes;
#                       nothing is expanded)
#   XACCT_FAIL_ON       passed as `--fail-on` (check: deny|unverified; lint, audit:
#                       info|warning|error); empty keeps the command's default
#   XACCT_SARIF         true: write SARIF 2.1.0 to XACCT_SARIF_FILE (check, lint, audit)
#   XACCT_SARIF_FILE    default `xacct.sarif`
#   XACCT_VERSION       `latest` or a release (`v0.1.0` or `0.1.0`)
#   XACCT_BUILD_FROM_SOURCE
#                       false: download only; true: `cargo install` this checkout;
#                       auto (default): download, and build when there is no release binary
#   XACCT_REPOSITORY    owner/name of the releases (default xacct/xacct)
#   XACCT_DOWNLOAD_URL  the folder holding the release files, instead of the GitHub release
#                       (a mirror, or a `file://` folder to try the download path locally)
#   XACCT_INSTALL_DIR   where to install (default: a temporary folder)
#   XACCT_BIN           the xacct to run (default: what `install` put, else `xacct` on PATH)
#   XACCT_DEFER_EXIT    true: `run` exits 0 and leaves xacct's exit code in the step outputs,
#                       so the SARIF still uploads before the action fails with that code
#
# Exit codes are xacct's: 0 passed, 1 findings, 2 could not run (also for a bad setting here).
set -euo pipefail

action_root=$(cd "$(dirname "$0")/.." && pwd)

die() {
    echo "xacct action: $*" >&2
    if [ -n "${GITHUB_ACTIONS:-}" ]; then
        echo "::error title=xacct::$*"
    fi
    exit 2
}

note() {
    echo "xacct action: $*" >&2
}

# Sets a step output when running in GitHub Actions; prints it otherwise.
output() {
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    else
        note "output $1=$2"
    fi
}

# A path the runner understands (Windows paths under Git Bash).
native_path() {
    if command -v cygpath >/dev/null 2>&1; then
        cygpath -w "$1"
    else
        printf '%s\n' "$1"
    fi
}

# A path bash understands (Windows paths under Git Bash).
unix_path() {
    if command -v cygpath >/dev/null 2>&1; then
        cygpath -u "$1"
    else
        printf '%s\n' "$1"
    fi
}

# The Rust target of the release binary for this machine.
release_target() {
    local os arch
    os=${RUNNER_OS:-$(uname -s)}
    arch=${RUNNER_ARCH:-$(uname -m)}
    case "$os" in
    Linux) os=linux ;;
    macOS | Darwin) os=macos ;;
    Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
    *) return 1 ;;
    esac
    case "$arch" in
    X64 | x86_64 | amd64 | AMD64) arch=x86_64 ;;
    ARM64 | aarch64 | arm64) arch=aarch64 ;;
    *) return 1 ;;
    esac
    case "$os-$arch" in
    linux-x86_64) echo x86_64-unknown-linux-musl ;;
    linux-aarch64) echo aarch64-unknown-linux-musl ;;
    macos-x86_64) echo x86_64-apple-darwin ;;
    macos-aarch64) echo aarch64-apple-darwin ;;
    windows-x86_64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
    esac
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d ' ' -f 1
    else
        die "neither \`sha256sum\` nor \`shasum\` is installed: cannot verify the download"
    fi
}

fetch() {
    curl --proto '=https,file' --tlsv1.2 -fsSL --retry 3 -o "$2" "$1"
}

# Downloads the release archive for this machine into $1 and verifies its checksum.
# Returns 1 (after a note) when there is no binary to download; dies on a checksum mismatch.
download() {
    local dir=$1 target archive base tmp want got
    target=$(release_target) || {
        note "no release binary for $(uname -s) $(uname -m)"
        return 1
    }
    case "$target" in
    *windows*) archive="xacct-$target.zip" ;;
    *) archive="xacct-$target.tar.gz" ;;
    esac
    local version=${XACCT_VERSION:-latest}
    local repo=${XACCT_REPOSITORY:-xacct/xacct}
    local server=${GITHUB_SERVER_URL:-https://github.com}
    if [ -n "${XACCT_DOWNLOAD_URL:-}" ]; then
        base=${XACCT_DOWNLOAD_URL%/}
    elif [ "$version" = latest ]; then
        base="$server/$repo/releases/latest/download"
    else
        base="$server/$repo/releases/download/v${version#v}"
    fi
    tmp=$(mktemp -d)
    note "downloading $base/$archive"
    if ! fetch "$base/$archive" "$tmp/$archive"; then
        note "could not download \`$base/$archive\`"
        rm -rf "$tmp"
        return 1
    fi
    fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" ||
        die "could not download \`$base/SHA256SUMS\`: the archive cannot be verified"
    want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
    [ -n "$want" ] || die "\`SHA256SUMS\` lists no checksum for \`$archive\`"
    got=$(sha256_of "$tmp/$archive")
    [ "$got" = "$want" ] || die "checksum mismatch for \`$archive\`: got $got, SHA256SUMS says $want"
    note "checksum verified: $got"
    case "$archive" in
    *.zip)
        if command -v unzip >/dev/null 2>&1; then
            unzip -q "$tmp/$archive" -d "$tmp"
        else
            pwsh -NoProfile -Command "Expand-Archive -LiteralPath '$(native_path "$tmp/$archive")' -DestinationPath '$(native_path "$tmp")'"
        fi
        ;;
    *) tar -xzf "$tmp/$archive" -C "$tmp" ;;
    esac
    local exe=xacct
    case "$target" in *windows*) exe=xacct.exe ;; esac
    [ -f "$tmp/xacct-$target/$exe" ] || die "the archive has no \`xacct-$target/$exe\`"
    mkdir -p "$dir/bin"
    mv "$tmp/xacct-$target/$exe" "$dir/bin/$exe"
    chmod +x "$dir/bin/$exe"
    rm -rf "$tmp"
}

build_from_source() {
    local dir=$1
    command -v cargo >/dev/null 2>&1 ||
        die "building from source needs a Rust toolchain (\`cargo\`) on the runner"
    note "building xacct from $action_root with cargo (a first build takes a few minutes)"
    cargo install --locked --path "$action_root" --root "$dir" ||
        die "\`cargo install\` failed"
}

cmd_install() {
    local dir=${XACCT_INSTALL_DIR:-}
    if [ -z "$dir" ]; then
        if [ -n "${RUNNER_TEMP:-}" ]; then
            dir="$(unix_path "$RUNNER_TEMP")/xacct"
        else
            dir=$(mktemp -d)
        fi
    fi
    mkdir -p "$dir"
    case "${XACCT_BUILD_FROM_SOURCE:-auto}" in
    true) build_from_source "$dir" ;;
    false) download "$dir" || die "no release binary to install (set build-from-source to build one)" ;;
    auto) download "$dir" || build_from_source "$dir" ;;
    *) die "build-from-source is \`${XACCT_BUILD_FROM_SOURCE}\`: write true, false or auto" ;;
    esac
    local bin="$dir/bin/xacct"
    [ -f "$bin" ] || bin="$dir/bin/xacct.exe"
    "$bin" --version >&2 || die "the installed \`$bin\` does not run"
    if [ -n "${GITHUB_PATH:-}" ]; then
        native_path "$dir/bin" >>"$GITHUB_PATH"
    fi
    output path "$bin"
    XACCT_BIN=$bin
}

cmd_run() {
    local command=${XACCT_COMMAND:-}
    case "$command" in
    check | lint | audit | diff) ;;
    '') die "no command: set XACCT_COMMAND (check, lint, audit or diff)" ;;
    *) die "command is \`$command\`: write check, lint, audit or diff" ;;
    esac

    # (Written for bash 3.2 too, macOS's own: no mapfile, and an empty array is expanded
    # as ${args[@]+"${args[@]}"} under `set -u`.)
    local -a args=()
    local a split
    local raw=${XACCT_ARGS:-}
    if [ -n "${raw//[[:space:]]/}" ]; then
        # xargs splits like a shell (quotes, backslashes) and expands nothing.
        split=$(mktemp)
        printf '%s' "$raw" | xargs printf '%s\0' >"$split" ||
            die "args cannot be split like a shell line: \`$raw\`"
        while IFS= read -r -d '' a; do
            args+=("$a")
        done <"$split"
        rm -f "$split"
    fi

    local fail_on=${XACCT_FAIL_ON:-}
    if [ -n "$fail_on" ]; then
        [ "$command" != diff ] ||
            die "\`diff\` has no fail-on: it fails when the after side grants new cross-account access"
        args=(--fail-on "$fail_on" ${args[@]+"${args[@]}"})
    fi

    local sarif=${XACCT_SARIF:-false} sarif_file=${XACCT_SARIF_FILE:-xacct.sarif}
    case "$sarif" in true | false) ;; *) die "sarif is \`$sarif\`: write true or false" ;; esac
    if [ "$sarif" = true ]; then
        for a in ${args[@]+"${args[@]}"}; do
            case "$a" in
            --format | --format=*) die "leave \`--format\` out of args when sarif is on" ;;
            esac
        done
    fi

    local bin=${XACCT_BIN:-xacct}
    command -v "$bin" >/dev/null 2>&1 ||
        die "no \`$bin\` to run: install xacct first (\`action/run.sh install\`) or set XACCT_BIN"
    local code=0
    if [ "$sarif" = true ]; then
        echo "+ xacct $command --format sarif ${args[*]-} > $sarif_file" >&2
        "$bin" "$command" --format sarif ${args[@]+"${args[@]}"} >"$sarif_file" || code=$?
        if [ "$code" -le 1 ] && [ -s "$sarif_file" ]; then
            local results
            results=$(grep -c '"ruleId"' "$sarif_file" || true)
            echo "xacct $command: $results results in $sarif_file" >&2
            grep -o '"ruleId": *"[^"]*"' "$sarif_file" | sed 's/.*"\([^"]*\)"$/\1/' |
                sort | uniq -c | sed 's/^ */  /' >&2 || true
            output sarif-file "$sarif_file"
        else
            output sarif-file ""
        fi
    else
        echo "+ xacct $command ${args[*]-}" >&2
        "$bin" "$command" ${args[@]+"${args[@]}"} || code=$?
        output sarif-file ""
    fi
    case "$code" in
    0) echo "xacct $command: passed (exit 0)" >&2 ;;
    1) echo "xacct $command: findings (exit 1)" >&2 ;;
    2) echo "xacct $command: could not run (exit 2)" >&2 ;;
    *)
        # A crash or a killed process is no verdict: report it as "could not run".
        echo "xacct $command: could not run (xacct exited $code; reported as 2)" >&2
        code=2
        ;;
    esac
    output exit-code "$code"
    if [ "${XACCT_DEFER_EXIT:-false}" = true ]; then
        return 0
    fi
    return "$code"
}

case "${1:-}" in
install) cmd_install ;;
run) cmd_run ;;
all)
    cmd_install
    cmd_run
    ;;
target) release_target || die "no release binary for $(uname -s) $(uname -m)" ;;
*)
    echo "usage: action/run.sh install|run|all|target (settings in the environment; see the script's head)" >&2
    exit 2
    ;;
esac

